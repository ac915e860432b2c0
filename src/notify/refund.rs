//! Refund notifications: the outer message is unsigned; its `req_info` is
//! base64 of AES-256-ECB (PKCS#7) ciphertext under the lowercase hex MD5 of
//! the API key, and the plaintext is a flat XML document with root `<root>`.
//! A successful decryption is what authenticates the message.

use md5::{Digest, Md5};
use openssl::symm::{Cipher, decrypt};
use zeroize::Zeroizing;

use super::{Merchant, check_merchant, check_return_code, context};
use crate::error::{Error, ErrorKind, Result};
use crate::fields::Fields;
use crate::sign::ApiKey;
use crate::xml;

/// A decrypted refund notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundNotification {
    /// The outer fields (`return_code`, `appid`, `mch_id`, `nonce_str`,
    /// `req_info`, ...), as sent.
    pub outer: Fields,
    /// The decrypted fields: `out_refund_no`, `refund_status`,
    /// `refund_recv_accout` (WeChat's spelling), ...
    pub info: Fields,
}

/// Parses a refund notification body, checks `return_code` and the
/// merchant identity, and decrypts `req_info`.
///
/// Errors: XML errors; [`ErrorKind::ProtocolFail`] for `return_code=FAIL`;
/// [`ErrorKind::MerchantMismatch`]; [`ErrorKind::ResponseInvalid`] when
/// `req_info` is missing; then as [`decrypt_req_info`].
pub fn refund_notification(
    body: &[u8],
    limits: impl Into<xml::Limits>,
    merchant: &Merchant<'_>,
) -> Result<RefundNotification> {
    let limits = limits.into();
    let outer = xml::parse_with_limit(body, limits).map_err(|e| context("the refund notification", e))?;
    check_return_code(&outer)?;
    check_merchant(&outer, merchant)?;
    let req_info = outer
        .get("req_info")
        .filter(|v| !v.is_empty())
        .ok_or_else(|| Error::new(ErrorKind::ResponseInvalid, "the refund notification has no req_info"))?;
    let info = decrypt_req_info(req_info, merchant.key, limits.max_size)?;
    Ok(RefundNotification { outer, info })
}

/// Decrypts a `req_info` value into its fields.
///
/// Errors: [`ErrorKind::CiphertextCorrupt`] for text that is not base64 or
/// not whole AES blocks; [`ErrorKind::DecryptFailed`] when the padding or
/// the plaintext is wrong (a wrong API key, or damaged ciphertext).
pub fn decrypt_req_info(req_info: &str, key: &ApiKey, max_size: usize) -> Result<Fields> {
    let compact: String = req_info.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    if compact.is_empty() || compact.len() % 4 != 0 {
        return Err(corrupt("req_info is not base64 (its length is not a multiple of 4)"));
    }
    if compact.len() / 4 * 3 > max_size.saturating_mul(2) {
        return Err(Error::new(ErrorKind::XmlTooLarge, format!("req_info is over the limit of {max_size} bytes")));
    }
    let ciphertext = openssl::base64::decode_block(&compact).map_err(|_| corrupt("req_info is not valid base64"))?;
    if ciphertext.is_empty() || ciphertext.len() % 16 != 0 {
        return Err(corrupt(&format!(
            "req_info decodes to {} bytes, not a whole number of 16-byte AES blocks",
            ciphertext.len()
        )));
    }
    let aes_key = refund_key(key);
    let plain = Zeroizing::new(decrypt(Cipher::aes_256_ecb(), aes_key.as_slice(), None, &ciphertext).map_err(|_| {
        Error::new(
            ErrorKind::DecryptFailed,
            "req_info does not decrypt with this API key (bad padding): a wrong key, or damaged ciphertext",
        )
    })?);
    let as_xml = rename_root(&plain).ok_or_else(|| {
        Error::new(
            ErrorKind::DecryptFailed,
            "req_info decrypts to something that is not a <root> document: a wrong key, or damaged ciphertext",
        )
    })?;
    xml::parse_with_limit(as_xml.as_bytes(), max_size.saturating_add(16)).map_err(|e| {
        Error::new(ErrorKind::DecryptFailed, format!("req_info decrypts to a malformed document: {}", e.message()))
    })
}

/// The AES key: the 32 ASCII characters of the lowercase hex MD5 of the API key.
fn refund_key(key: &ApiKey) -> Zeroizing<Vec<u8>> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Zeroizing::new(<[u8; 16]>::from(Md5::digest(key.as_bytes())));
    let mut out = Zeroizing::new(Vec::with_capacity(32));
    for b in digest.iter() {
        out.push(HEX[usize::from(b >> 4)]);
        out.push(HEX[usize::from(b & 0x0f)]);
    }
    out
}

/// The flat parser wants root `<xml>`; the plaintext's root is `<root>`.
/// Renames the outermost element, keeping an XML declaration if present.
fn rename_root(plain: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(plain).ok()?.trim();
    let (decl, rest) = match text.strip_prefix("<?xml") {
        Some(after) => {
            let end = after.find("?>")?;
            (&text[..5 + end + 2], after[end + 2..].trim_start())
        }
        None => ("", text),
    };
    let inner = rest.strip_prefix("<root>")?.strip_suffix("</root>")?;
    Some(format!("{decl}<xml>{inner}</xml>"))
}

fn corrupt(message: &str) -> Error {
    Error::new(ErrorKind::CiphertextCorrupt, message)
}

#[cfg(test)]
pub(super) fn tests_support_key(key: &ApiKey) -> Vec<u8> {
    refund_key(key).to_vec()
}
