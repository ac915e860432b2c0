//! The merchant certificate: loading `.p12` and PEM files into a checked
//! certificate + key pair for mutual TLS.
//!
//! Every failure is classified (wrong password, corrupt file, key that does
//! not match, unsupported algorithm) and described in our own words: OpenSSL's
//! error stack is reduced to its reason string, and no password or key
//! material is ever put into a message.

use std::fmt;
use std::sync::OnceLock;

use openssl::error::ErrorStack;
use openssl::pkcs12::Pkcs12;
use openssl::pkey::{PKey, Private};
use openssl::provider::Provider;
use openssl::x509::X509;
use zeroize::Zeroizing;

use crate::cert::CertInfo;
use crate::error::{Error, ErrorKind, Result};

/// A certificate chain and its private key, checked to belong together.
///
/// `Debug` shows only the certificate's subject, serial and expiry.
pub struct Identity {
    cert_chain_pem: Vec<u8>,
    key_pkcs8_pem: Zeroizing<Vec<u8>>,
    subject: String,
    serial: String,
    not_after: String,
    info: CertInfo,
}

impl Identity {
    /// Loads a PKCS#12 (`apiclient_cert.p12`) file's bytes.
    ///
    /// Old files encrypted with RC2-40-CBC are read too: OpenSSL 3 keeps
    /// that algorithm in its `legacy` provider, which is loaded (once, for
    /// the whole process, keeping the default provider) the first time a
    /// `.p12` is read.
    pub fn from_p12(der: &[u8], password: &str) -> Result<Identity> {
        let parts = Parts::from_p12(der, password)?;
        Identity::assemble(parts.cert, parts.chain, &parts.key, ".p12 file")
    }

    /// Loads a PEM certificate (optionally followed by its chain) and a PEM
    /// private key: PKCS#8 (`BEGIN PRIVATE KEY`), PKCS#1 (`BEGIN RSA PRIVATE
    /// KEY`) or an encrypted PKCS#8 key with `key_password`.
    pub fn from_pem(cert_pem: &[u8], key_pem: &[u8], key_password: Option<&str>) -> Result<Identity> {
        let (cert, chain) = pem_certificates(cert_pem)?;
        let key = load_pem_key(key_pem, key_password)?;
        Identity::assemble(cert, chain, &key, "key")
    }

    fn assemble(cert: X509, chain: Vec<X509>, key: &PKey<Private>, source: &str) -> Result<Identity> {
        let public = cert.public_key().map_err(|e| corrupt(format!("the certificate's public key cannot be read{}", reason(&e))))?;
        if !public.public_eq(key) {
            return Err(Error::new(
                ErrorKind::CertificateKeyMismatch,
                format!("the private key in the {source} does not belong to the certificate (subject {})", subject_of(&cert)),
            ));
        }
        let mut cert_chain_pem = Vec::new();
        for c in std::iter::once(&cert).chain(chain.iter()) {
            cert_chain_pem.extend(c.to_pem().map_err(|e| corrupt(format!("the certificate cannot be encoded{}", reason(&e))))?);
        }
        let key_pkcs8_pem = Zeroizing::new(
            key.private_key_to_pem_pkcs8()
                .map_err(|e| corrupt(format!("the private key cannot be encoded as PKCS#8{}", reason(&e))))?,
        );
        let serial = cert
            .serial_number()
            .to_bn()
            .and_then(|b| b.to_hex_str().map(|s| s.to_string()))
            .unwrap_or_default();
        let info = CertInfo::of(&cert, Some(key))?;
        Ok(Identity {
            info,
            cert_chain_pem,
            key_pkcs8_pem,
            subject: subject_of(&cert),
            serial,
            not_after: cert.not_after().to_string(),
        })
    }

    /// The certificate's subject, e.g. `CN=1900000109, O=...`.
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// The certificate's serial number in hex.
    pub fn serial(&self) -> &str {
        &self.serial
    }

    /// The end of the certificate's validity, as OpenSSL prints it.
    pub fn not_after(&self) -> &str {
        &self.not_after
    }

    /// Everything [`crate::cert`] reads from the certificate: names, serial,
    /// validity, issuer kind, key type.
    pub fn info(&self) -> &CertInfo {
        &self.info
    }

    pub(crate) fn to_reqwest(&self) -> Result<reqwest::Identity> {
        reqwest::Identity::from_pkcs8_pem(&self.cert_chain_pem, &self.key_pkcs8_pem)
            .map_err(|_| corrupt("the TLS library refused the certificate and key"))
    }
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identity")
            .field("subject", &self.subject)
            .field("serial", &self.serial)
            .field("not_after", &self.not_after)
            .finish_non_exhaustive()
    }
}

/// What a certificate file holds, parsed but not yet checked to belong
/// together: shared by [`Identity`] and the inspection in [`crate::cert`],
/// which reports a key mismatch instead of refusing it.
pub(crate) struct Parts {
    pub(crate) cert: X509,
    pub(crate) chain: Vec<X509>,
    pub(crate) key: PKey<Private>,
}

impl Parts {
    /// Decrypts a `.p12` (loading the legacy provider for RC2-40 files).
    pub(crate) fn from_p12(der: &[u8], password: &str) -> Result<Parts> {
        if password.contains('\0') {
            return Err(Error::new(ErrorKind::InvalidArgument, "the PKCS#12 password contains a NUL byte"));
        }
        let p12 = Pkcs12::from_der(der).map_err(|e| {
            Error::new(ErrorKind::CertificateCorrupt, format!("the .p12 data is not a PKCS#12 file{}", reason(&e)))
        })?;
        let legacy = legacy_provider();
        let parsed = p12.parse2(password).map_err(|e| p12_error(&e, legacy))?;
        let key = parsed.pkey.ok_or_else(|| corrupt("the .p12 file holds no private key"))?;
        let cert = parsed.cert.ok_or_else(|| corrupt("the .p12 file holds no certificate"))?;
        let chain: Vec<X509> = parsed.ca.map(|s| s.into_iter().collect()).unwrap_or_default();
        Ok(Parts { cert, chain, key })
    }
}

/// The first certificate of a PEM file and the chain after it.
pub(crate) fn pem_certificates(pem: &[u8]) -> Result<(X509, Vec<X509>)> {
    let mut certs = X509::stack_from_pem(pem)
        .map_err(|e| corrupt(format!("the certificate is not PEM{}", reason(&e))))?
        .into_iter();
    let cert = certs.next().ok_or_else(|| corrupt("the certificate PEM holds no certificate"))?;
    Ok((cert, certs.collect()))
}

/// Checks a root CA bundle (`rootca.pem`) and returns its certificates.
pub(crate) fn root_certificates(pem: &[u8]) -> Result<Vec<reqwest::Certificate>> {
    let certs = X509::stack_from_pem(pem).map_err(|e| corrupt(format!("the root CA is not PEM{}", reason(&e))))?;
    if certs.is_empty() {
        return Err(corrupt("the root CA PEM holds no certificate"));
    }
    certs
        .iter()
        .map(|c| {
            let der = c.to_der().map_err(|e| corrupt(format!("a root CA certificate cannot be encoded{}", reason(&e))))?;
            reqwest::Certificate::from_der(&der).map_err(|_| corrupt("the TLS library refused a root CA certificate"))
        })
        .collect()
}

pub(crate) fn load_pem_key(pem: &[u8], password: Option<&str>) -> Result<PKey<Private>> {
    let mut asked = false;
    let result = PKey::private_key_from_pem_callback(pem, |buf| {
        asked = true;
        // Returning 0 bytes makes OpenSSL fail instead of prompting on a terminal.
        let Some(p) = password else { return Ok(0) };
        if p.len() > buf.len() {
            return Ok(0);
        }
        buf[..p.len()].copy_from_slice(p.as_bytes());
        Ok(p.len())
    });
    match result {
        Ok(key) => Ok(key),
        Err(_) if asked && password.is_none() => Err(Error::new(
            ErrorKind::CertificatePassword,
            "the private key is encrypted and no password was given for it",
        )),
        Err(_) if asked => Err(Error::new(ErrorKind::CertificatePassword, "the private key's password is wrong")),
        Err(e) => Err(corrupt(format!(
            "the private key is not a PEM private key (PKCS#8 or PKCS#1){}",
            reason(&e)
        ))),
    }
}

fn p12_error(e: &ErrorStack, legacy: std::result::Result<(), &str>) -> Error {
    let reasons: Vec<&str> = e.errors().iter().filter_map(|x| x.reason()).collect();
    if reasons.iter().any(|r| r.contains("mac verify failure")) {
        return Error::new(
            ErrorKind::CertificatePassword,
            "the .p12 password is wrong (it defaults to the merchant ID, mch_id)",
        );
    }
    if reasons.iter().any(|r| r.contains("unsupported")) {
        let why = match legacy {
            Ok(()) => String::new(),
            Err(load) => format!("; OpenSSL's legacy provider, needed for RC2-40, could not be loaded: {load}"),
        };
        return Error::new(
            ErrorKind::CertificateUnsupported,
            format!("the .p12 file uses an encryption algorithm this OpenSSL does not support{why}"),
        );
    }
    corrupt(format!("the .p12 file is damaged{}", reason(e)))
}

/// Loads OpenSSL's `legacy` provider once for the process, keeping the
/// default provider available.
fn legacy_provider() -> std::result::Result<(), &'static str> {
    static LEGACY: OnceLock<std::result::Result<Provider, String>> = OnceLock::new();
    LEGACY
        .get_or_init(|| {
            Provider::try_load(None, "legacy", true)
                .map_err(|e| e.errors().first().and_then(|x| x.reason()).unwrap_or("unknown reason").to_owned())
        })
        .as_ref()
        .map(|_| ())
        .map_err(String::as_str)
}

pub(crate) fn corrupt(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::CertificateCorrupt, message)
}

/// OpenSSL's first reason, if any, as a suffix: enough to diagnose, without
/// the whole error stack.
pub(crate) fn reason(e: &ErrorStack) -> String {
    match e.errors().first().and_then(|x| x.reason()) {
        Some(r) => format!(" (OpenSSL: {r})"),
        None => String::new(),
    }
}

fn subject_of(cert: &X509) -> String {
    cert.subject_name()
        .entries()
        .filter_map(|e| {
            let name = e.object().nid().short_name().ok()?;
            let value = e.data().to_string().ok()?;
            Some(format!("{name}={value}"))
        })
        .collect::<Vec<_>>()
        .join(", ")
}
