//! The merchant certificate: loading `.p12` and PEM files into a checked
//! certificate + key pair for mutual TLS.
//!
//! The files are read by [`crate::cert::load`]; this module checks that the
//! certificate and key belong together and hands them to the TLS library.

use std::fmt;

use openssl::pkey::{PKey, Private};
use openssl::x509::X509;
use zeroize::Zeroizing;

use crate::cert::CertInfo;
use crate::cert::load::{Parts, corrupt, load_pem_key, pem_certificates, reason};
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
