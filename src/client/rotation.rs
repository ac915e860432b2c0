//! The merchant certificate of a running client: loaded at creation,
//! replaceable without a restart, watched for expiry.
//!
//! The certificate lives inside the TLS client, so replacing it means
//! building a new [`Transport`] and swapping it in. Each request takes an
//! `Arc` of the current one, so requests in flight finish on the transport
//! they started with. A replacement that does not load (corrupt, wrong
//! password, key mismatch, expired, exposed with `strict_permissions`) is
//! refused and logged, and the current certificate stays in use.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock, TryLockError};
use std::time::{Duration, Instant};

use zeroize::Zeroizing;

use super::config::{CertificateFiles, CertificateSource, Config, read_file};
use super::identity::Identity;
use super::transport::Transport;
use crate::cert::{self, CertInfo, Expiry};
use crate::error::{Error, ErrorKind, Result};
use crate::log::{LogLevel, Logger, log};

/// What requests use: the transport and the certificate inside it.
pub(crate) struct Loaded {
    pub(crate) transport: Transport,
    pub(crate) info: Option<CertInfo>,
}

/// The state of a client's certificate at one moment, for
/// [`Client::certificate_status`](super::Client::certificate_status).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateStatus {
    /// The certificate in use, if any.
    pub info: Option<CertInfo>,
    /// The moment this status describes (unix seconds).
    pub now: i64,
    /// Whether the certificate came from files, which a reload re-reads.
    pub reloadable: bool,
    /// Successful reloads since the client was made.
    pub reloads: u64,
    /// Why the last reload was refused, if it was (cleared by a success).
    pub last_reload_error: Option<String>,
}

impl CertificateStatus {
    pub fn expiry(&self) -> Option<Expiry> {
        self.info.as_ref().map(|i| i.expiry(self.now))
    }

    /// The expiry warning (within 60 days, expired, not yet valid), if any.
    pub fn warning(&self) -> Option<String> {
        self.info.as_ref().and_then(|i| i.warning(self.now))
    }

    /// As named text values: `certificate` (`none` or `loaded`), then the
    /// certificate's facts (see [`CertInfo::to_pairs`]), `warning` ("" when
    /// none), `reloadable`, `reloads`, `last_reload_error` ("" when none).
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = vec![("certificate", if self.info.is_some() { "loaded" } else { "none" }.to_owned())];
        if let Some(info) = &self.info {
            pairs.extend(info.to_pairs(self.now));
        }
        pairs.push(("warning", self.warning().unwrap_or_default()));
        pairs.push(("reloadable", self.reloadable.to_string()));
        pairs.push(("reloads", self.reloads.to_string()));
        pairs.push(("last_reload_error", self.last_reload_error.clone().unwrap_or_default()));
        pairs
    }
}

/// Identifies a file's current version without reading it.
type Stamp = Vec<(u64, u64, u64, i64, i64)>;

struct Watch {
    last_check: Instant,
    /// The file versions last loaded or last refused.
    seen: Option<Stamp>,
    reloads: u64,
    last_error: Option<String>,
}

pub(crate) struct Certificates {
    /// The client's settings without certificate data, to build transports.
    settings: Config,
    mch_id: String,
    files: Option<CertificateFiles>,
    strict_permissions: bool,
    check_interval: Option<Duration>,
    current: RwLock<Arc<Loaded>>,
    watch: Mutex<Watch>,
    logger: Option<Logger>,
}

impl Certificates {
    pub(crate) fn new(config: &Config, mch_id: &str) -> Result<Certificates> {
        let logger = config.logger.clone();
        if let Some(files) = &config.certificate_files {
            check_permissions(files, config.strict_permissions, logger.as_ref())?;
        }
        let identity = config.certificate.as_ref().map(|s| load_identity(s, mch_id)).transpose()?;
        if let Some(id) = &identity {
            log(logger.as_ref(), LogLevel::Info, || {
                format!("merchant certificate loaded: subject {}, serial {}, valid until {}", id.subject(), id.serial(), id.not_after())
            });
            warn_expiry(id.info(), logger.as_ref());
        }
        let transport = Transport::new(config, identity.as_ref())?;
        let mut settings = config.clone();
        settings.certificate = None;
        settings.certificate_files = None;
        Ok(Certificates {
            settings,
            mch_id: mch_id.to_owned(),
            files: config.certificate_files.clone(),
            strict_permissions: config.strict_permissions,
            check_interval: config.certificate_check_interval,
            current: RwLock::new(Arc::new(Loaded { transport, info: identity.map(|i| i.info().clone()) })),
            watch: Mutex::new(Watch {
                last_check: Instant::now(),
                seen: config.certificate_files.as_ref().and_then(stamp),
                reloads: 0,
                last_error: None,
            }),
            logger,
        })
    }

    pub(crate) fn has_certificate(&self) -> bool {
        self.snapshot().info.is_some()
    }

    /// The transport for a request, after looking for replaced files when
    /// the check interval allows.
    pub(crate) fn current(&self) -> Arc<Loaded> {
        self.watch_files();
        self.snapshot()
    }

    /// As [`current`](Self::current), for an endpoint that needs the
    /// certificate: refuses before any network I/O when there is none or
    /// it has expired.
    pub(crate) fn require(&self, path: &str) -> Result<Arc<Loaded>> {
        let loaded = self.current();
        let Some(info) = &loaded.info else {
            return Err(Error::new(
                ErrorKind::CertificateRequired,
                format!("{path} needs the merchant certificate (apiclient_cert.p12, or apiclient_cert.pem with apiclient_key.pem) and the client has none"),
            ));
        };
        if info.expiry(cert::now_unix()) == Expiry::Expired {
            return Err(Error::new(
                ErrorKind::CertificateExpired,
                format!(
                    "{path} needs the merchant certificate, and it (serial {}) expired on {}; replace the files and reload the certificate",
                    info.serial_hex,
                    info.not_after_iso()
                ),
            ));
        }
        Ok(loaded)
    }

    pub(crate) fn status(&self) -> CertificateStatus {
        let w = self.lock_watch();
        CertificateStatus {
            info: self.snapshot().info.clone(),
            now: cert::now_unix(),
            reloadable: self.files.is_some(),
            reloads: w.reloads,
            last_reload_error: w.last_error.clone(),
        }
    }

    /// Re-reads the configured files and swaps the new certificate in.
    pub(crate) fn reload(&self) -> Result<CertInfo> {
        let mut w = self.lock_watch();
        self.reload_locked(&mut w, "reload requested")
    }

    fn snapshot(&self) -> Arc<Loaded> {
        self.current.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    fn lock_watch(&self) -> MutexGuard<'_, Watch> {
        self.watch.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn watch_files(&self) {
        let (Some(interval), Some(files)) = (self.check_interval, &self.files) else { return };
        // One thread looks at a time; the others go on with the current certificate.
        let mut w = match self.watch.try_lock() {
            Ok(w) => w,
            Err(TryLockError::Poisoned(p)) => p.into_inner(),
            Err(TryLockError::WouldBlock) => return,
        };
        if w.last_check.elapsed() < interval {
            return;
        }
        w.last_check = Instant::now();
        // A file missing for a moment (being replaced) is looked at again next time.
        let Some(now) = stamp(files) else { return };
        if w.seen.as_ref() != Some(&now) {
            let _ = self.reload_locked(&mut w, "the certificate files changed");
        }
    }

    fn reload_locked(&self, w: &mut Watch, why: &str) -> Result<CertInfo> {
        let Some(files) = &self.files else {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                "the certificate was given as bytes, not files, so there is nothing to re-read; make a new client instead",
            ));
        };
        let before = stamp(files);
        let old = self.snapshot();
        match self.load_files(files) {
            Ok((loaded, info)) => {
                *self.current.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(loaded);
                w.seen = before;
                w.reloads += 1;
                w.last_error = None;
                log(self.logger.as_ref(), LogLevel::Info, || {
                    let old = old.info.as_ref().map_or_else(|| "none".to_owned(), |i| i.serial_hex.clone());
                    format!(
                        "merchant certificate reloaded ({why}): serial {old} -> {}, subject {}, valid until {}",
                        info.serial_hex,
                        info.subject,
                        info.not_after_iso()
                    )
                });
                warn_expiry(&info, self.logger.as_ref());
                Ok(info)
            }
            Err(e) => {
                let kept = old.info.as_ref().map_or_else(|| "no certificate".to_owned(), |i| format!("serial {}", i.serial_hex));
                let e = Error::new(e.kind(), format!("{}; the certificate in use ({kept}) stays in use", e.message()));
                log(self.logger.as_ref(), LogLevel::Error, || format!("merchant certificate not reloaded ({why}): {e}"));
                w.seen = before;
                w.last_error = Some(e.message().to_owned());
                Err(e)
            }
        }
    }

    fn load_files(&self, files: &CertificateFiles) -> Result<(Loaded, CertInfo)> {
        check_permissions(files, self.strict_permissions, self.logger.as_ref())?;
        let source = match files {
            CertificateFiles::P12 { path, password } => CertificateSource::P12 {
                der: Zeroizing::new(read_file(&path.to_string_lossy(), "certificate")?),
                password: password.clone(),
            },
            CertificateFiles::Pem { cert, key, key_password } => CertificateSource::Pem {
                cert: read_file(&cert.to_string_lossy(), "certificate")?,
                key: Zeroizing::new(read_file(&key.to_string_lossy(), "private key")?),
                key_password: key_password.clone(),
            },
        };
        let identity = load_identity(&source, &self.mch_id)?;
        let info = identity.info().clone();
        if info.expiry(cert::now_unix()) == Expiry::Expired {
            return Err(Error::new(
                ErrorKind::CertificateExpired,
                format!("the new merchant certificate (serial {}) expired on {}", info.serial_hex, info.not_after_iso()),
            ));
        }
        let transport = Transport::new(&self.settings, Some(&identity))?;
        Ok((Loaded { transport, info: Some(info.clone()) }, info))
    }
}

/// Loads a configured certificate; the `.p12` password defaults to the merchant ID.
fn load_identity(source: &CertificateSource, mch_id: &str) -> Result<Identity> {
    match source {
        CertificateSource::P12 { der, password } => {
            Identity::from_p12(der, password.as_deref().map_or(mch_id, |p| p.as_str()))
        }
        CertificateSource::Pem { cert, key, key_password } => {
            Identity::from_pem(cert, key, key_password.as_deref().map(|p| p.as_str()))
        }
    }
}

fn warn_expiry(info: &CertInfo, logger: Option<&Logger>) {
    let now = cert::now_unix();
    let level = match info.expiry(now) {
        Expiry::Valid => return,
        Expiry::Expired => LogLevel::Error,
        Expiry::Expiring | Expiry::NotYetValid => LogLevel::Warn,
    };
    if let Some(w) = info.warning(now) {
        log(logger, level, || w);
    }
}

/// Logs (or with `strict`, refuses) a key or `.p12` file others can read.
fn check_permissions(files: &CertificateFiles, strict: bool, logger: Option<&Logger>) -> Result<()> {
    let (path, what): (&Path, &str) = match files {
        CertificateFiles::P12 { path, .. } => (path, ".p12 certificate"),
        CertificateFiles::Pem { key, .. } => (key, "private key"),
    };
    match cert::check_private_file(path, what)? {
        None => Ok(()),
        Some(exposure) if strict => Err(exposure.into_error()),
        Some(exposure) => {
            log(logger, LogLevel::Warn, || exposure.message().to_owned());
            Ok(())
        }
    }
}

fn stamp(files: &CertificateFiles) -> Option<Stamp> {
    let paths: Vec<&Path> = match files {
        CertificateFiles::P12 { path, .. } => vec![path],
        CertificateFiles::Pem { cert, key, .. } => vec![cert, key],
    };
    paths.into_iter().map(|p| std::fs::metadata(p).ok().map(|m| file_stamp(&m))).collect()
}

#[cfg(unix)]
fn file_stamp(m: &std::fs::Metadata) -> (u64, u64, u64, i64, i64) {
    use std::os::unix::fs::MetadataExt;
    (m.dev(), m.ino(), m.size(), m.mtime(), m.mtime_nsec())
}

#[cfg(not(unix))]
fn file_stamp(m: &std::fs::Metadata) -> (u64, u64, u64, i64, i64) {
    let modified = m
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or((0, 0), |d| (d.as_secs() as i64, i64::from(d.subsec_nanos())));
    (0, 0, m.len(), modified.0, modified.1)
}
