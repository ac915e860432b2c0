//! The HTTPS client: configured once, then immutable and shareable between
//! threads.
//!
//! A request fills in the identity fields the endpoint takes (under the
//! endpoint's own names), `nonce_str` and `sign_type`, checks the endpoint's
//! required fields and certificate before any network I/O, signs, POSTs the
//! XML, and judges the response (see [`judge`]).

pub mod config;
pub mod identity;
pub mod judge;
mod merchant;
mod process;
mod rotation;
mod sandbox;
mod transport;

use std::sync::OnceLock;
use std::time::Instant;

pub use config::{Backup, Config, Failover, Host, Proxy};
pub use identity::Identity;
pub use rotation::CertificateStatus;

use crate::endpoints::{self, BodyKind, Lookup};
use crate::error::{Error, ErrorKind, Result, truncate};
use crate::fields::Fields;
use crate::log::{LogLevel, Logger, log};
use crate::sign::{self, ApiKey, SignType};
use crate::{cert, nonce, xml};
use process::Owner;
use rotation::Certificates;

/// A configured WeChat Pay client. `Send + Sync`: share one between threads
/// (and keep its connections alive) rather than making one per request.
///
/// Its merchant certificate can be replaced while it runs
/// ([`Client::reload_certificate`], or the file check interval); everything
/// else is fixed.
///
/// A client belongs to the process that made it. In a child forked from
/// that process, requests, downloads and reloads are refused with
/// [`ErrorKind::ClientForked`] before any I/O (its I/O thread stayed in the
/// parent), and dropping it is safe: make clients after the fork.
pub struct Client {
    appid: Option<String>,
    mch_id: String,
    sub_appid: Option<String>,
    sub_mch_id: Option<String>,
    key: ApiKey,
    sign_type: SignType,
    wechat_host: bool,
    /// The configured host's base URL, ending in `/` (for browser links).
    base_url: String,
    max_response_size: usize,
    max_fields: usize,
    max_download_size: usize,
    certificates: Certificates,
    logger: Option<Logger>,
    sandbox: Option<sandbox::SandboxKey>,
    /// WeChat's payout key from `risk/getpublickey`, fetched on the first `pay_bank`.
    payout_key: OnceLock<crate::payout::PublicKey>,
    owner: Owner,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("appid", &self.appid)
            .field("mch_id", &self.mch_id)
            .field("sign_type", &self.sign_type)
            .field("has_certificate", &self.certificates.has_certificate())
            .finish_non_exhaustive()
    }
}

/// A request ready to send.
#[derive(Debug)]
struct Prepared {
    lookup: Lookup,
    path: String,
    xml: String,
    sign_type: SignType,
}

impl Client {
    /// Builds a client; loads and checks the certificate if one is configured.
    ///
    /// A certificate that expires within 60 days, or has expired, is logged
    /// (warn / error) but accepted: only certificate endpoints need it, and
    /// they refuse an expired one with [`ErrorKind::CertificateExpired`]. A
    /// key or `.p12` file readable by group or others is logged, or refused
    /// with `strict_permissions` ([`ErrorKind::CertificatePermissions`]).
    pub fn new(config: &Config) -> Result<Client> {
        let mch_id = config
            .mch_id
            .clone()
            .ok_or_else(|| Error::new(ErrorKind::InvalidArgument, "the client needs mch_id"))?;
        let key = config
            .api_key
            .clone()
            .ok_or_else(|| Error::new(ErrorKind::InvalidArgument, "the client needs the API key (api_key)"))?;
        let certificates = Certificates::new(config, &mch_id)?;
        Ok(Client {
            appid: config.appid.clone(),
            mch_id,
            sub_appid: config.sub_appid.clone(),
            sub_mch_id: config.sub_mch_id.clone(),
            key,
            sign_type: config.sign_type,
            wechat_host: config.host.is_wechat(),
            base_url: config.host.base_url().to_owned(),
            max_response_size: config.max_response_size,
            max_fields: config.max_fields,
            max_download_size: config.max_download_size,
            certificates,
            logger: config.logger.clone(),
            sandbox: config.sandbox.then(|| sandbox::SandboxKey::new(config.sandbox_key_ttl)),
            payout_key: OnceLock::new(),
            owner: Owner::current(),
        })
    }

    /// Calls an XML endpoint and returns the verified response fields.
    ///
    /// Errors: [`ErrorKind::ProtocolFail`] (`return_code=FAIL`) and
    /// [`ErrorKind::BusinessFail`] (`result_code=FAIL`) carry the response
    /// ([`Error::response`]); a bad or missing response signature is
    /// [`ErrorKind::SignatureMismatch`] / [`ErrorKind::SignatureMissing`];
    /// bill endpoints are refused (use [`Client::download`]); in a forked
    /// child, every request is [`ErrorKind::ClientForked`].
    pub fn request<K: AsRef<str>, V: AsRef<str>>(&self, path: &str, fields: &[(K, V)]) -> Result<Fields> {
        self.owner.check()?;
        self.routed(path, |path, key| self.request_keyed(path, fields, key))
    }

    /// Pays to a bank card (`mmpaysptrans/pay_bank`, merchant certificate
    /// required). Give the card number as `bank_no` and the holder's name as
    /// `true_name`, in plain text, with `partner_trade_no`, `bank_code` and
    /// `amount` (and `desc` if wanted): they are sent as `enc_bank_no` and
    /// `enc_true_name`, encrypted with WeChat's RSA key (fetched from
    /// `risk/getpublickey` on the first call and kept by the client; see
    /// [`crate::payout`]). Neither plain value is logged or quoted in errors.
    ///
    /// Errors: as [`Client::request`]; a missing `bank_no` or `true_name` is
    /// [`ErrorKind::MissingField`]; `enc_bank_no` or `enc_true_name` given
    /// by the caller is [`ErrorKind::ConflictingField`] (call `request`
    /// to send fields encrypted elsewhere).
    pub fn pay_bank<K: AsRef<str>, V: AsRef<str>>(&self, fields: &[(K, V)]) -> Result<Fields> {
        const PATH: &str = "mmpaysptrans/pay_bank";
        let has = |name: &str| fields.iter().any(|(k, _)| k.as_ref() == name);
        for name in ["bank_no", "true_name"] {
            if !has(name) {
                return Err(Error::new(ErrorKind::MissingField, format!("{PATH}: give `{name}` in plain text")));
            }
        }
        if let Some(name) = ["enc_bank_no", "enc_true_name"].into_iter().find(|n| has(n)) {
            return Err(Error::new(
                ErrorKind::ConflictingField,
                format!("{PATH}: `{name}` is computed by pay_bank from the plain value; use request to send your own"),
            ));
        }
        let key = self.payout_key()?;
        let mut sent = Vec::with_capacity(fields.len());
        for (k, v) in fields {
            let (k, v) = (k.as_ref(), v.as_ref());
            sent.push(match k {
                "bank_no" => ("enc_bank_no", key.encrypt(v)?),
                "true_name" => ("enc_true_name", key.encrypt(v)?),
                _ => (k, v.to_owned()),
            });
        }
        self.request(PATH, &sent)
    }

    /// The payout key, fetched once. Two threads may both fetch it on the
    /// first calls; one result is kept.
    fn payout_key(&self) -> Result<&crate::payout::PublicKey> {
        if let Some(key) = self.payout_key.get() {
            return Ok(key);
        }
        let response = self.request::<&str, &str>("risk/getpublickey", &[])?;
        let pem = response.get("pub_key").filter(|p| !p.is_empty()).ok_or_else(|| {
            Error::new(ErrorKind::ResponseInvalid, "risk/getpublickey: the response has no pub_key")
        })?;
        let key = crate::payout::PublicKey::from_pem(pem.as_bytes())?;
        Ok(self.payout_key.get_or_init(|| key))
    }

    /// [`Client::request`] signed and verified with `key`.
    fn request_keyed<K: AsRef<str>, V: AsRef<str>>(&self, path: &str, fields: &[(K, V)], key: &ApiKey) -> Result<Fields> {
        let p = self.prepare_keyed(path, fields, key)?;
        if p.lookup.endpoint.body == BodyKind::Bytes {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!("{}: this endpoint returns a bill, not XML; use download", p.path),
            ));
        }
        let started = Instant::now();
        let result = self.send(&p, self.max_response_size).and_then(|body| {
            judge::xml_response(&p.path, &body, self.xml_limits(), &p.lookup.endpoint, key, p.sign_type)
        });
        self.log_outcome(&p.path, started, result.as_ref().map(|_| ()));
        result
    }

    /// The limits on a response or notification document.
    fn xml_limits(&self) -> crate::xml::Limits {
        crate::xml::Limits { max_size: self.max_response_size, max_fields: self.max_fields }
    }

    /// Downloads a bill (`pay/downloadbill`, `pay/downloadfundflow`, ...):
    /// the body as bytes, gunzipped if it was gzip, within the download
    /// size limit. An XML failure body becomes an error as in [`Client::request`].
    pub fn download<K: AsRef<str>, V: AsRef<str>>(&self, path: &str, fields: &[(K, V)]) -> Result<Vec<u8>> {
        self.owner.check()?;
        self.routed(path, |path, key| self.download_keyed(path, fields, key))
    }

    fn download_keyed<K: AsRef<str>, V: AsRef<str>>(&self, path: &str, fields: &[(K, V)], key: &ApiKey) -> Result<Vec<u8>> {
        let p = self.prepare_keyed(path, fields, key)?;
        let started = Instant::now();
        let result = self.send(&p, self.max_download_size).and_then(|body| {
            judge::bill_response(
                &p.path,
                body,
                self.xml_limits(),
                self.max_download_size,
                &p.lookup.endpoint,
                key,
                p.sign_type,
            )
        });
        self.log_outcome(&p.path, started, result.as_ref().map(|_| ()));
        result
    }

    /// The certificate in use: its facts, expiry and reload history.
    pub fn certificate_status(&self) -> CertificateStatus {
        self.certificates.status()
    }

    /// Re-reads the certificate files the configuration named and swaps
    /// the new certificate in; requests in flight finish with the old one.
    /// A replacement that does not load (or has expired) is refused with
    /// its error, logged, and the current certificate stays in use. A
    /// certificate given as bytes cannot be re-read
    /// ([`ErrorKind::InvalidArgument`]). In a forked child it is
    /// [`ErrorKind::ClientForked`]: the transport it would replace cannot be
    /// freed there.
    pub fn reload_certificate(&self) -> Result<cert::CertInfo> {
        self.owner.check()?;
        self.certificates.reload()
    }

    fn send(&self, p: &Prepared, limit: usize) -> Result<Vec<u8>> {
        let base = p.lookup.endpoint.wechat_host.filter(|_| self.wechat_host).map(|h| format!("{h}/"));
        let loaded = self.certificates.current();
        Ok(loaded.transport.post(&p.path, base.as_deref(), &p.xml, limit)?.body)
    }

    fn log_outcome(&self, path: &str, started: Instant, result: std::result::Result<(), &Error>) {
        let ms = started.elapsed().as_millis();
        match result {
            Ok(()) => log(self.logger.as_ref(), LogLevel::Info, || format!("{path}: SUCCESS in {ms} ms")),
            Err(e) => {
                let level = match e.kind() {
                    ErrorKind::BusinessFail => LogLevel::Info,
                    ErrorKind::ProtocolFail => LogLevel::Warn,
                    _ => LogLevel::Error,
                };
                log(self.logger.as_ref(), level, || format!("{path}: failed after {ms} ms: {e}"));
            }
        }
    }

    /// [`Client::prepare_keyed`] with the configured key.
    #[cfg(test)]
    fn prepare<K: AsRef<str>, V: AsRef<str>>(&self, path: &str, given: &[(K, V)]) -> Result<Prepared> {
        self.prepare_keyed(path, given, &self.key)
    }

    fn prepare_keyed<K: AsRef<str>, V: AsRef<str>>(&self, path: &str, given: &[(K, V)], key: &ApiKey) -> Result<Prepared> {
        let lookup = endpoints::lookup(path)?;
        let path = endpoints::normalize(path)?.to_owned();
        let e = &lookup.endpoint;
        if e.certificate {
            self.certificates.require(&path)?;
        }
        let mut fields = Fields::from_pairs(given.iter().map(|(k, v)| (k.as_ref(), v.as_ref())))?;
        if fields.contains("sign") {
            return Err(Error::new(ErrorKind::ConflictingField, format!("{path}: `sign` is computed by the client; do not pass it")));
        }
        let sub_ids = if e.sub_ids { [self.sub_appid.as_deref(), self.sub_mch_id.as_deref()] } else { [None, None] };
        let identity = [
            (e.appid_field, self.appid.as_deref()),
            (Some(e.mch_id_field), Some(self.mch_id.as_str())),
            (Some("sub_appid"), sub_ids[0]),
            (Some("sub_mch_id"), sub_ids[1]),
        ];
        for (name, configured) in identity {
            if let (Some(name), Some(configured)) = (name, configured) {
                fill(&mut fields, &path, name, configured)?;
            }
        }
        if e.sends_nonce && !fields.contains("nonce_str") {
            fields.insert("nonce_str", nonce::nonce()?);
        }
        let sign_type = self.choose_sign_type(&path, &lookup, &mut fields)?;
        e.check_required(&path, |n| fields.get(n).is_some_and(|v| !v.is_empty()))?;
        endpoints::check_conditional(&path, &fields)?;
        merchant::warn_plain_http_notify_url(self.logger.as_ref(), &path, &fields);
        if let Some(name) = e.appid_field.filter(|n| !fields.contains(n)) {
            return Err(Error::new(
                ErrorKind::MissingField,
                format!("{path}: the field `{name}` is missing and the client has no appid configured"),
            ));
        }
        let signature = sign::sign(fields.as_slice(), key, Some(sign_type))?;
        fields.insert("sign", signature.as_str());
        let xml = xml::build(fields.as_slice())?;
        log(self.logger.as_ref(), LogLevel::Debug, || {
            let names: Vec<&str> = fields.iter().map(|(k, _)| k).collect();
            format!("{path}: fields {} ({sign_type})", names.join(","))
        });
        Ok(Prepared { lookup, path, xml, sign_type })
    }

    /// The caller's `sign_type` field, else the endpoint's only algorithm,
    /// else the configured one; it must be one the endpoint accepts.
    fn choose_sign_type(&self, path: &str, lookup: &Lookup, fields: &mut Fields) -> Result<SignType> {
        let e = &lookup.endpoint;
        let given = fields.get("sign_type").map(SignType::parse).transpose()?;
        if given.is_some() && !e.sends_sign_type {
            return Err(Error::new(
                ErrorKind::ConflictingField,
                format!("{path}: this endpoint takes no `sign_type` field (it is always MD5)"),
            ));
        }
        let chosen = given.or(e.sign_types.only()).unwrap_or(self.sign_type);
        if !e.sign_types.allows(chosen) {
            let why = if lookup.sandbox { " (the sandbox accepts only MD5)" } else { "" };
            return Err(Error::new(
                ErrorKind::ConflictingField,
                format!("{path}: sign_type {chosen} is not accepted here{why}"),
            ));
        }
        if e.sends_sign_type && given.is_none() {
            fields.insert("sign_type", chosen.as_str());
        }
        Ok(chosen)
    }
}

/// Sets an identity field, refusing a different value from the caller.
pub(super) fn fill(fields: &mut Fields, path: &str, name: &str, configured: &str) -> Result<()> {
    match fields.get(name) {
        Some(v) if v == configured => Ok(()),
        Some(v) => Err(Error::new(
            ErrorKind::ConflictingField,
            format!(
                "{path}: the field `{name}` is `{}` but the client is configured with `{configured}`",
                truncate(v, 64)
            ),
        )),
        None => {
            fields.insert(name, configured);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests;
