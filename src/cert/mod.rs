//! Merchant certificates beyond loading them: inspection (names, serial,
//! validity, issuer kind, key), expiry, file-permission checks, and the
//! `.p12` to PEM conversion.
//!
//! Loading lives in `load`, which the client's `Identity` uses too, so a file
//! that inspects cleanly is one the client loads (RC2-40 `.p12` files included).

mod info;
pub(crate) mod load;
mod permissions;
mod time;

pub use info::{CA_ISSUER, CertInfo, Expiry, IssuerKind, RENEWAL_WINDOW_DAYS, WECHATPAY_ISSUER};
pub use permissions::{Exposure, check_private_file};
pub use time::{days_between, iso8601, now_unix};

use openssl::x509::X509;
use zeroize::Zeroizing;

use load::{Parts, corrupt, load_pem_key, pem_certificates, reason};
use crate::error::{Error, ErrorKind, Result};

/// Whether bytes look like PEM text rather than DER.
pub fn is_pem(data: &[u8]) -> bool {
    memchr::memmem::find(data, b"-----BEGIN ").is_some()
}

/// Inspects a `.p12`. `password` `None` tries the empty password and
/// otherwise reports that one is needed (WeChat's default is the merchant
/// ID). The private key is always checked against the certificate.
pub fn inspect_p12(der: &[u8], password: Option<&str>) -> Result<CertInfo> {
    let parts = p12_parts(der, password)?;
    CertInfo::of(&parts.cert, Some(&parts.key))
}

/// Inspects a PEM (or DER) certificate, with its PEM private key when
/// given. Without `key_pem`, a private key in the certificate's own PEM
/// text is used if there is one; otherwise `key_matches` stays unknown.
pub fn inspect_pem(cert: &[u8], key_pem: Option<&[u8]>, key_password: Option<&str>) -> Result<CertInfo> {
    let leaf = if is_pem(cert) {
        pem_certificates(cert)?.0
    } else {
        X509::from_der(cert).map_err(|e| corrupt(format!("the certificate is neither PEM nor DER{}", reason(&e))))?
    };
    let key_pem = key_pem.or_else(|| (is_pem(cert) && memchr::memmem::find(cert, b"PRIVATE KEY-----").is_some()).then_some(cert));
    let key = key_pem.map(|k| load_pem_key(k, key_password)).transpose()?;
    CertInfo::of(&leaf, key.as_ref())
}

/// Inspects any certificate file: PEM text (with `key` or an embedded key),
/// a DER certificate, or a `.p12` (decrypted with `password`).
pub fn inspect(data: &[u8], key: Option<&[u8]>, password: Option<&str>) -> Result<CertInfo> {
    if is_pem(data) || X509::from_der(data).is_ok() {
        inspect_pem(data, key, password)
    } else {
        if key.is_some() {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                "a separate key file was given, but the certificate is a .p12, which holds its own key",
            ));
        }
        inspect_p12(data, password)
    }
}

/// A `.p12` as PEM: the certificate followed by any chain, and the private
/// key as unencrypted PKCS#8 (wiped from memory when dropped). Refuses a
/// key that does not belong to the certificate.
pub fn p12_to_pem(der: &[u8], password: Option<&str>) -> Result<(Vec<u8>, Zeroizing<Vec<u8>>)> {
    let parts = p12_parts(der, password)?;
    let info = CertInfo::of(&parts.cert, Some(&parts.key))?;
    if info.key_matches != Some(true) {
        return Err(Error::new(
            ErrorKind::CertificateKeyMismatch,
            format!("the private key in the .p12 file does not belong to its certificate (subject {})", info.subject),
        ));
    }
    let mut certs = Vec::new();
    for c in std::iter::once(&parts.cert).chain(parts.chain.iter()) {
        certs.extend(c.to_pem().map_err(|e| corrupt(format!("the certificate cannot be encoded{}", reason(&e))))?);
    }
    let key = Zeroizing::new(
        parts
            .key
            .private_key_to_pem_pkcs8()
            .map_err(|e| corrupt(format!("the private key cannot be encoded as PKCS#8{}", reason(&e))))?,
    );
    Ok((certs, key))
}

fn p12_parts(der: &[u8], password: Option<&str>) -> Result<Parts> {
    match password {
        Some(p) => Parts::from_p12(der, p),
        None => Parts::from_p12(der, "").map_err(|e| {
            if e.kind() == ErrorKind::CertificatePassword {
                Error::new(
                    ErrorKind::CertificatePassword,
                    "the .p12 file needs its password (WeChat's default is the merchant ID, mch_id)",
                )
            } else {
                e
            }
        }),
    }
}
