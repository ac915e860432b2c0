//! Loading certificate files: `.p12` (with OpenSSL's legacy provider for
//! RC2-40 files) and PEM certificates and keys, with every failure classified
//! and described in our own words. OpenSSL's error stack is reduced to its
//! reason string, and no password or key material is ever put into a message.
//!
//! The client's [`crate::client::Identity`] and the inspection in this module
//! both load through here, so a file that inspects cleanly is one the client
//! loads.

use std::sync::OnceLock;

use openssl::error::ErrorStack;
use openssl::pkcs12::Pkcs12;
use openssl::pkey::{PKey, Private};
use openssl::provider::Provider;
use openssl::x509::X509;

use crate::error::{Error, ErrorKind, Result};

/// What a certificate file holds, parsed but not yet checked to belong
/// together: shared by [`crate::client::Identity`] and the inspection in [`crate::cert`],
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
