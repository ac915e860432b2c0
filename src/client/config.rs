//! Client configuration: identity, keys, certificate, host, failover,
//! timeouts and limits. Set once, then turned into an immutable [`Client`].
//!
//! [`Client`]: super::Client

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use zeroize::Zeroizing;

use crate::error::{Error, ErrorKind, Result, truncate};
use crate::log::Logger;
use crate::sign::{ApiKey, SignType};

/// Where requests go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    /// `api.mch.weixin.qq.com`, the main host.
    Main,
    /// `api2.mch.weixin.qq.com`, the disaster-recovery host of the same API.
    Backup,
    /// `apihk.mch.weixin.qq.com`, Hong Kong (WeChat Pay Global).
    HongKong,
    /// `apius.mch.weixin.qq.com`, United States.
    UnitedStates,
    /// Any `https://` base URL (simulator, proxy); paths are appended to it.
    Url(String),
}

impl Host {
    /// Parses `api`, `api2`, `apihk`, `apius` or an `https://` base URL.
    pub fn parse(value: &str) -> Result<Host> {
        Ok(match value {
            "api" => Host::Main,
            "api2" => Host::Backup,
            "apihk" => Host::HongKong,
            "apius" => Host::UnitedStates,
            url => Host::Url(normalize_url(url)?),
        })
    }

    /// The base URL, ending in `/`.
    pub fn base_url(&self) -> &str {
        match self {
            Host::Main => "https://api.mch.weixin.qq.com/",
            Host::Backup => "https://api2.mch.weixin.qq.com/",
            Host::HongKong => "https://apihk.mch.weixin.qq.com/",
            Host::UnitedStates => "https://apius.mch.weixin.qq.com/",
            Host::Url(u) => u,
        }
    }

    /// One of WeChat's own API hosts (not a custom URL).
    pub fn is_wechat(&self) -> bool {
        !matches!(self, Host::Url(_))
    }
}

fn normalize_url(value: &str) -> Result<String> {
    let bad = |why: &str| {
        Error::new(
            ErrorKind::InvalidArgument,
            format!("host `{}` {why} (expected api, api2, apihk, apius or an https:// URL)", truncate(value, 128)),
        )
    };
    let url = reqwest::Url::parse(value).map_err(|_| bad("is not a URL"))?;
    if url.scheme() != "https" {
        return Err(bad("is not https: the client only speaks TLS"));
    }
    if url.host_str().is_none() || !url.username().is_empty() || url.password().is_some() {
        return Err(bad("needs a host and no user name or password"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("must not have a query or fragment"));
    }
    let mut s = url.to_string();
    if !s.ends_with('/') {
        s.push('/');
    }
    Ok(s)
}

/// When a request is sent again to the backup host.
///
/// A request is never sent again once any response has arrived from the
/// primary host, whatever it is (an HTTP error, a `FAIL`, a truncated body).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failover {
    /// Never: every failure is reported as it happened.
    Never,
    /// When no connection to the primary host could be made (refused,
    /// unreachable, name not found, connect timeout), so the request surely
    /// did not reach it. TLS failures do not count: they are configuration
    /// or security problems that the backup host would repeat. The default.
    OnConnectError,
    /// Also when the request was sent but no response arrived before the
    /// timeout or the connection broke. The primary host may then have
    /// processed it: this relies on WeChat's idempotency by merchant order
    /// number (`out_trade_no`, `out_refund_no`, `partner_trade_no`). Each
    /// attempt gets the full timeout.
    OnNoResponse,
}

impl Failover {
    pub fn parse(value: &str) -> Result<Failover> {
        match value {
            "never" => Ok(Failover::Never),
            "on_connect_error" => Ok(Failover::OnConnectError),
            "on_no_response" => Ok(Failover::OnNoResponse),
            other => Err(Error::new(
                ErrorKind::InvalidArgument,
                format!("failover `{}` is not one of never, on_connect_error, on_no_response", truncate(other, 64)),
            )),
        }
    }
}

/// How requests reach WeChat's hosts. TLS always runs end to end between
/// the client and WeChat, through a proxy's `CONNECT` tunnel too: the server
/// certificate is verified the same way with or without one.
#[derive(Clone, PartialEq, Eq)]
pub enum Proxy {
    /// `HTTPS_PROXY` (or `ALL_PROXY`, either case) and `NO_PROXY`, read
    /// when the client is built; directly when they are unset. The default.
    Environment,
    /// Directly, whatever the environment says.
    Direct,
    /// Through this proxy: `http://host:port` or `https://host:port`,
    /// with `user:password@` when it asks for credentials (never shown by
    /// `Debug` or in errors).
    Url(String),
}

impl Proxy {
    /// Parses `environment`, `none` or a proxy URL.
    pub fn parse(value: &str) -> Result<Proxy> {
        match value {
            "environment" => Ok(Proxy::Environment),
            "none" => Ok(Proxy::Direct),
            url => {
                // The value may hold a password: the message quotes only the scheme.
                let bad = |why: &str| {
                    Error::new(
                        ErrorKind::InvalidArgument,
                        format!("proxy {why} (expected environment, none, or http://host:port)"),
                    )
                };
                let parsed = reqwest::Url::parse(url).map_err(|_| bad("is not a URL"))?;
                if !matches!(parsed.scheme(), "http" | "https") {
                    return Err(bad(&format!("scheme `{}` is not http or https", truncate(parsed.scheme(), 16))));
                }
                if parsed.host_str().is_none_or(str::is_empty) || parsed.path() != "/" || parsed.query().is_some() {
                    return Err(bad("must be a scheme, host and port only"));
                }
                Ok(Proxy::Url(url.to_owned()))
            }
        }
    }
}

impl fmt::Debug for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Proxy::Environment => f.write_str("Environment"),
            Proxy::Direct => f.write_str("Direct"),
            Proxy::Url(url) => match reqwest::Url::parse(url) {
                Ok(u) => {
                    let (host, port) = (u.host_str().unwrap_or_default(), u.port_or_known_default().unwrap_or_default());
                    write!(f, "Url({}://{host}:{port})", u.scheme())
                },
                Err(_) => f.write_str("Url(<invalid>)"),
            },
        }
    }
}

/// The backup host, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backup {
    /// `api2` when the host is `api`; none for the other hosts.
    Default,
    None,
    Host(Host),
}

/// Where the merchant certificate comes from.
#[derive(Clone)]
pub(crate) enum CertificateSource {
    P12 { der: Zeroizing<Vec<u8>>, password: Option<Zeroizing<String>> },
    Pem { cert: Vec<u8>, key: Zeroizing<Vec<u8>>, key_password: Option<Zeroizing<String>> },
}

/// The files the certificate was read from, kept so that a running client
/// can read them again (`Client::reload_certificate`, the file watch).
#[derive(Clone)]
pub(crate) enum CertificateFiles {
    P12 { path: PathBuf, password: Option<Zeroizing<String>> },
    Pem { cert: PathBuf, key: PathBuf, key_password: Option<Zeroizing<String>> },
}

pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(6);
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
pub const DEFAULT_MAX_RESPONSE_SIZE: usize = 1 << 20;
pub const DEFAULT_MAX_DOWNLOAD_SIZE: usize = 256 << 20;
/// WeChat says a sandbox key lasts about 3 days; refetch a little earlier.
pub const DEFAULT_SANDBOX_KEY_TTL: Duration = Duration::from_secs(3 * 24 * 3600 - 3600);

/// Everything a [`Client`](super::Client) is made from.
///
/// `mch_id` and the API key are required; the rest has defaults: MD5,
/// host `api` with backup `api2` on connect errors, connect timeout 6 s,
/// total timeout 30 s, 1 MiB for XML responses, 256 MiB for bills.
/// `Debug` never shows the key, passwords or certificate data.
#[derive(Clone)]
pub struct Config {
    pub(crate) appid: Option<String>,
    pub(crate) mch_id: Option<String>,
    pub(crate) api_key: Option<ApiKey>,
    pub(crate) sign_type: SignType,
    pub(crate) sub_appid: Option<String>,
    pub(crate) sub_mch_id: Option<String>,
    pub(crate) certificate: Option<CertificateSource>,
    pub(crate) certificate_files: Option<CertificateFiles>,
    pub(crate) strict_permissions: bool,
    pub(crate) certificate_check_interval: Option<Duration>,
    pub(crate) root_ca: Option<Vec<u8>>,
    pub(crate) host: Host,
    pub(crate) backup: Backup,
    pub(crate) failover: Failover,
    pub(crate) proxy: Proxy,
    pub(crate) connect_timeout: Duration,
    pub(crate) timeout: Duration,
    pub(crate) max_response_size: usize,
    pub(crate) max_download_size: usize,
    /// The most fields a response or notification may have.
    pub(crate) max_fields: usize,
    /// Reuse connections between requests (the default). Off only to
    /// measure or to work around a middlebox that breaks idle connections.
    pub(crate) keep_alive: bool,
    pub(crate) logger: Option<Logger>,
    /// Sandbox mode: paths go under `xdc/apiv2sandbox/`, signed with the sandbox key.
    pub(crate) sandbox: bool,
    /// How long a fetched sandbox key is reused.
    pub(crate) sandbox_key_ttl: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            appid: None,
            mch_id: None,
            api_key: None,
            sign_type: SignType::Md5,
            sub_appid: None,
            sub_mch_id: None,
            certificate: None,
            certificate_files: None,
            strict_permissions: false,
            certificate_check_interval: None,
            root_ca: None,
            host: Host::Main,
            backup: Backup::Default,
            failover: Failover::OnConnectError,
            proxy: Proxy::Environment,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            max_response_size: DEFAULT_MAX_RESPONSE_SIZE,
            max_download_size: DEFAULT_MAX_DOWNLOAD_SIZE,
            max_fields: crate::xml::MAX_FIELDS,
            keep_alive: true,
            logger: None,
            sandbox: false,
            sandbox_key_ttl: DEFAULT_SANDBOX_KEY_TTL,
        }
    }
}

impl Config {
    pub fn new() -> Config {
        Config::default()
    }

    pub fn set_appid(&mut self, appid: &str) -> Result<&mut Self> {
        self.appid = Some(id("appid", appid)?);
        Ok(self)
    }

    pub fn set_mch_id(&mut self, mch_id: &str) -> Result<&mut Self> {
        self.mch_id = Some(id("mch_id", mch_id)?);
        Ok(self)
    }

    pub fn set_api_key(&mut self, key: ApiKey) -> &mut Self {
        self.api_key = Some(key);
        self
    }

    pub fn set_sign_type(&mut self, sign_type: SignType) -> &mut Self {
        self.sign_type = sign_type;
        self
    }

    /// Service-provider mode: the sub-merchant's app ID (optional).
    pub fn set_sub_appid(&mut self, sub_appid: &str) -> Result<&mut Self> {
        self.sub_appid = Some(id("sub_appid", sub_appid)?);
        Ok(self)
    }

    /// Service-provider mode: the sub-merchant's ID. Leave it unset to give
    /// `sub_mch_id` per request instead.
    pub fn set_sub_mch_id(&mut self, sub_mch_id: &str) -> Result<&mut Self> {
        self.sub_mch_id = Some(id("sub_mch_id", sub_mch_id)?);
        Ok(self)
    }

    /// The merchant certificate as `.p12` bytes. `password` `None` means the
    /// merchant ID, WeChat's default. Checked when the client is built.
    pub fn set_p12(&mut self, der: &[u8], password: Option<&str>) -> &mut Self {
        self.certificate_files = None;
        self.certificate = Some(CertificateSource::P12 {
            der: Zeroizing::new(der.to_vec()),
            password: password.map(|p| Zeroizing::new(p.to_owned())),
        });
        self
    }

    /// Reads a `.p12` file now; see [`Config::set_p12`].
    pub fn set_p12_file(&mut self, path: &str, password: Option<&str>) -> Result<&mut Self> {
        let der = Zeroizing::new(read_file(path, "certificate")?);
        self.set_p12(&der, password);
        self.certificate_files = Some(CertificateFiles::P12 {
            path: PathBuf::from(path),
            password: password.map(|p| Zeroizing::new(p.to_owned())),
        });
        Ok(self)
    }

    /// The merchant certificate as PEM certificate (chain) and PEM key
    /// (PKCS#8, PKCS#1, or encrypted PKCS#8 with `key_password`).
    pub fn set_pem(&mut self, cert: &[u8], key: &[u8], key_password: Option<&str>) -> &mut Self {
        self.certificate_files = None;
        self.certificate = Some(CertificateSource::Pem {
            cert: cert.to_vec(),
            key: Zeroizing::new(key.to_vec()),
            key_password: key_password.map(|p| Zeroizing::new(p.to_owned())),
        });
        self
    }

    /// Reads PEM files now; see [`Config::set_pem`].
    pub fn set_pem_files(&mut self, cert_path: &str, key_path: &str, key_password: Option<&str>) -> Result<&mut Self> {
        let cert = read_file(cert_path, "certificate")?;
        let key = Zeroizing::new(read_file(key_path, "private key")?);
        self.set_pem(&cert, &key, key_password);
        self.certificate_files = Some(CertificateFiles::Pem {
            cert: PathBuf::from(cert_path),
            key: PathBuf::from(key_path),
            key_password: key_password.map(|p| Zeroizing::new(p.to_owned())),
        });
        Ok(self)
    }

    /// Refuses (instead of logging a warning about) a private key or `.p12`
    /// file readable by group or others. Applies to certificates set from
    /// files, when the client is built and on every reload.
    pub fn set_strict_permissions(&mut self, strict: bool) -> &mut Self {
        self.strict_permissions = strict;
        self
    }

    /// How often a request may look whether the certificate files were
    /// replaced (size, modification time, inode), and if so reload them;
    /// `None` (the default) never looks. Only for certificates set from files.
    pub fn set_certificate_check_interval(&mut self, interval: Option<Duration>) -> &mut Self {
        self.certificate_check_interval = interval.filter(|d| !d.is_zero());
        self
    }

    /// Trusts the CA certificates of a PEM bundle (`rootca.pem`) in addition
    /// to the system's roots. Server certificates are always verified.
    pub fn set_root_ca(&mut self, pem: &[u8]) -> &mut Self {
        self.root_ca = Some(pem.to_vec());
        self
    }

    pub fn set_root_ca_file(&mut self, path: &str) -> Result<&mut Self> {
        self.root_ca = Some(read_file(path, "root CA")?);
        Ok(self)
    }

    pub fn set_host(&mut self, host: Host) -> &mut Self {
        self.host = host;
        self
    }

    pub fn set_backup(&mut self, backup: Backup) -> &mut Self {
        self.backup = backup;
        self
    }

    pub fn set_failover(&mut self, failover: Failover) -> &mut Self {
        self.failover = failover;
        self
    }

    pub fn set_proxy(&mut self, proxy: Proxy) -> &mut Self {
        self.proxy = proxy;
        self
    }

    /// The time allowed to establish a connection (TCP and TLS). Not zero.
    pub fn set_connect_timeout(&mut self, t: Duration) -> Result<&mut Self> {
        self.connect_timeout = nonzero_duration("connect_timeout", t)?;
        Ok(self)
    }

    /// The time allowed for a whole request, from connecting to the last
    /// byte of the response. Not zero: no request may hang forever.
    pub fn set_timeout(&mut self, t: Duration) -> Result<&mut Self> {
        self.timeout = nonzero_duration("timeout", t)?;
        Ok(self)
    }

    pub fn set_max_response_size(&mut self, bytes: usize) -> Result<&mut Self> {
        self.max_response_size = nonzero_size("max_response_size", bytes)?;
        Ok(self)
    }

    /// The most fields a response or notification may have (default
    /// [`crate::xml::MAX_FIELDS`]); more is [`ErrorKind::XmlTooManyFields`].
    /// A body's cost grows with its fields, so a lower limit makes a hostile
    /// POST to `notify_url` cheaper to refuse.
    pub fn set_max_fields(&mut self, fields: usize) -> Result<&mut Self> {
        self.max_fields = nonzero_size("max_fields", fields)?;
        Ok(self)
    }

    /// The limit on a bill, after decompression.
    pub fn set_max_download_size(&mut self, bytes: usize) -> Result<&mut Self> {
        self.max_download_size = nonzero_size("max_download_size", bytes)?;
        Ok(self)
    }

    /// Keep connections alive between requests (default `true`).
    pub fn set_keep_alive(&mut self, keep_alive: bool) -> &mut Self {
        self.keep_alive = keep_alive;
        self
    }

    pub fn set_logger(&mut self, logger: Option<Logger>) -> &mut Self {
        self.logger = logger;
        self
    }

    /// Sandbox mode: every path is sent under `xdc/apiv2sandbox/`, signed with MD5
    /// and the key from `xdc/apiv2getsignkey/sign/getsignkey` (fetched on first use
    /// and cached), and responses are verified with that key.
    pub fn set_sandbox(&mut self, on: bool) -> &mut Self {
        self.sandbox = on;
        self
    }

    /// How long the sandbox key is reused before it is fetched again.
    pub fn set_sandbox_key_ttl(&mut self, t: Duration) -> Result<&mut Self> {
        self.sandbox_key_ttl = nonzero_duration("sandbox_key_ttl_s", t)?;
        Ok(self)
    }

    /// Sets a textual option by name, for wrappers and configuration files:
    /// `appid`, `mch_id`, `api_key`, `sign_type` (`MD5` / `HMAC-SHA256`),
    /// `sub_appid`, `sub_mch_id`, `host` (`api`, `api2`, `apihk`, `apius` or
    /// an `https://` URL), `backup_host` (the same, or `none`), `failover`
    /// (`never`, `on_connect_error`, `on_no_response`), `proxy`
    /// (`environment`, `none` or a proxy URL), `connect_timeout_ms`,
    /// `timeout_ms`, `max_response_size`, `max_download_size` (bytes),
    /// `max_fields`,
    /// `keep_alive`, `strict_permissions` (`true` / `false`),
    /// `certificate_check_interval_ms` (0 = never), `sandbox` (`true` /
    /// `false`), `sandbox_key_ttl_s`.
    ///
    /// Error messages name the option but never quote the API key.
    pub fn set(&mut self, name: &str, value: &str) -> Result<&mut Self> {
        match name {
            "appid" => self.set_appid(value)?,
            "mch_id" => self.set_mch_id(value)?,
            "api_key" => self.set_api_key(ApiKey::new(value.as_bytes())?),
            "sign_type" => self.set_sign_type(SignType::parse(value)?),
            "sub_appid" => self.set_sub_appid(value)?,
            "sub_mch_id" => self.set_sub_mch_id(value)?,
            "host" => self.set_host(Host::parse(value)?),
            "backup_host" => self.set_backup(if value == "none" { Backup::None } else { Backup::Host(Host::parse(value)?) }),
            "failover" => self.set_failover(Failover::parse(value)?),
            "proxy" => self.set_proxy(Proxy::parse(value)?),
            "connect_timeout_ms" => self.set_connect_timeout(Duration::from_millis(number(name, value)?))?,
            "timeout_ms" => self.set_timeout(Duration::from_millis(number(name, value)?))?,
            "max_response_size" => self.set_max_response_size(size(name, value)?)?,
            "max_download_size" => self.set_max_download_size(size(name, value)?)?,
            "max_fields" => self.set_max_fields(size(name, value)?)?,
            "keep_alive" => self.set_keep_alive(boolean(name, value)?),
            "strict_permissions" => self.set_strict_permissions(boolean(name, value)?),
            "certificate_check_interval_ms" => {
                self.set_certificate_check_interval(Some(Duration::from_millis(number(name, value)?)))
            }
            "sandbox" => self.set_sandbox(boolean(name, value)?),
            "sandbox_key_ttl_s" => self.set_sandbox_key_ttl(Duration::from_secs(number(name, value)?))?,
            other => {
                return Err(Error::new(
                    ErrorKind::InvalidArgument,
                    format!("unknown client option `{}`", truncate(other, 64)),
                ));
            }
        };
        Ok(self)
    }

    /// The backup host this configuration resolves to.
    pub(crate) fn backup_host(&self) -> Option<Host> {
        match &self.backup {
            Backup::Default if self.host == Host::Main => Some(Host::Backup),
            Backup::Default | Backup::None => None,
            Backup::Host(h) => Some(h.clone()),
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("appid", &self.appid)
            .field("mch_id", &self.mch_id)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("sign_type", &self.sign_type)
            .field("sub_appid", &self.sub_appid)
            .field("sub_mch_id", &self.sub_mch_id)
            .field(
                "certificate",
                &self.certificate.as_ref().map(|c| match c {
                    CertificateSource::P12 { .. } => "p12 <redacted>",
                    CertificateSource::Pem { .. } => "pem <redacted>",
                }),
            )
            .field("certificate_files", &self.certificate_files.as_ref().map(|f| match f {
                CertificateFiles::P12 { path, .. } => vec![path.clone()],
                CertificateFiles::Pem { cert, key, .. } => vec![cert.clone(), key.clone()],
            }))
            .field("strict_permissions", &self.strict_permissions)
            .field("certificate_check_interval", &self.certificate_check_interval)
            .field("root_ca", &self.root_ca.as_ref().map(|_| "<set>"))
            .field("host", &self.host)
            .field("backup", &self.backup)
            .field("failover", &self.failover)
            .field("proxy", &self.proxy)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("max_response_size", &self.max_response_size)
            .field("max_download_size", &self.max_download_size)
            .field("max_fields", &self.max_fields)
            .field("logger", &self.logger)
            .field("sandbox", &self.sandbox)
            .finish()
    }
}

/// IDs are short ASCII tokens; anything else is a mistake worth catching early.
fn id(what: &str, value: &str) -> Result<String> {
    if value.is_empty() || value.len() > 64 || !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            format!("{what} must be 1 to 64 printable ASCII characters without spaces"),
        ));
    }
    Ok(value.to_owned())
}

fn number(name: &str, value: &str) -> Result<u64> {
    value.parse::<u64>().map_err(|_| {
        Error::new(ErrorKind::InvalidArgument, format!("{name} `{}` is not a whole number", truncate(value, 32)))
    })
}

fn boolean(name: &str, value: &str) -> Result<bool> {
    match value {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(Error::new(
            ErrorKind::InvalidArgument,
            format!("{name} `{}` is not true, false, 1 or 0", truncate(value, 32)),
        )),
    }
}

fn size(name: &str, value: &str) -> Result<usize> {
    usize::try_from(number(name, value)?)
        .map_err(|_| Error::new(ErrorKind::InvalidArgument, format!("{name} is too large for this platform")))
}

fn nonzero_duration(name: &str, t: Duration) -> Result<Duration> {
    if t.is_zero() {
        return Err(Error::new(ErrorKind::InvalidArgument, format!("{name} must be greater than zero")));
    }
    Ok(t)
}

fn nonzero_size(name: &str, n: usize) -> Result<usize> {
    if n == 0 {
        return Err(Error::new(ErrorKind::InvalidArgument, format!("{name} must be greater than zero")));
    }
    Ok(n)
}

pub(crate) fn read_file(path: &str, what: &str) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| {
        Error::new(ErrorKind::CertificateFile, format!("cannot read the {what} file `{}`: {e}", truncate(path, 256)))
    })
}
