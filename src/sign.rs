//! Request and response signatures: MD5 and HMAC-SHA256 over sorted fields.
//!
//! The canonical string is `k1=v1&k2=v2...&key=API_KEY` over every field but
//! `sign`, empty values dropped (zero kept), names in byte order, raw values.
//! It is streamed into the hash through a small buffer (see `canonical`),
//! in the order `order` finds.

use std::fmt;
use std::sync::OnceLock;

use hmac::{KeyInit, Mac};
use md5::{Digest, Md5};
use subtle::ConstantTimeEq;
use zeroize::Zeroize;

use crate::error::{Error, ErrorKind, Result};

mod canonical;
mod order;

use canonical::Canonical;
use order::{Keys, Order};

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// The two algorithms WeChat Pay v2 knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignType {
    Md5,
    HmacSha256,
}

impl SignType {
    /// The value of the `sign_type` field for this algorithm.
    pub fn as_str(self) -> &'static str {
        match self {
            SignType::Md5 => "MD5",
            SignType::HmacSha256 => "HMAC-SHA256",
        }
    }

    /// Parses a `sign_type` field value.
    pub fn parse(value: &str) -> Result<SignType> {
        match value {
            "MD5" => Ok(SignType::Md5),
            "HMAC-SHA256" => Ok(SignType::HmacSha256),
            other => Err(Error::new(
                ErrorKind::UnknownSignType,
                format!("unknown sign_type `{}` (expected MD5 or HMAC-SHA256)", truncate(other, 32)),
            )),
        }
    }

    /// The number of hex characters in a signature of this algorithm.
    pub fn signature_len(self) -> usize {
        match self {
            SignType::Md5 => 32,
            SignType::HmacSha256 => 64,
        }
    }
}

impl fmt::Display for SignType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The merchant API key: exactly 32 ASCII letters or digits.
///
/// Its `Debug` output is redacted and its memory is wiped on drop, as is
/// the HMAC-SHA256 key schedule it computes on first use and then reuses
/// (two hash blocks saved on every HMAC signature).
#[derive(Clone)]
pub struct ApiKey {
    bytes: [u8; ApiKey::LEN],
    hmac: OnceLock<HmacSha256>,
}

impl PartialEq for ApiKey {
    fn eq(&self, other: &ApiKey) -> bool {
        bool::from(self.bytes.ct_eq(&other.bytes))
    }
}

impl Eq for ApiKey {}

impl ApiKey {
    const LEN: usize = 32;

    pub fn new(key: &[u8]) -> Result<ApiKey> {
        if key.is_empty() {
            return Err(Error::new(ErrorKind::InvalidKey, "the API key is empty"));
        }
        if key.len() != Self::LEN || !key.iter().all(u8::is_ascii_alphanumeric) {
            return Err(Error::new(
                ErrorKind::InvalidKey,
                "the API key must be exactly 32 ASCII letters or digits",
            ));
        }
        let mut bytes = [0u8; Self::LEN];
        bytes.copy_from_slice(key);
        Ok(ApiKey { bytes, hmac: OnceLock::new() })
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// HMAC-SHA256 keyed with this key, ready for a message.
    fn hmac(&self) -> &HmacSha256 {
        self.hmac.get_or_init(|| {
            // HMAC pads a key shorter than the block with zeros; padding it
            // here makes keying infallible.
            let mut block = hmac::digest::Key::<HmacSha256>::default();
            block[..Self::LEN].copy_from_slice(&self.bytes);
            let keyed = HmacSha256::new(&block);
            block.zeroize();
            keyed
        })
    }
}

impl Drop for ApiKey {
    fn drop(&mut self) {
        self.bytes.zeroize();
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// A signature as uppercase hex, held inline (no allocation).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature {
    buf: [u8; 64],
    len: u8,
}

impl Signature {
    fn from_digest(digest: &[u8]) -> Signature {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        let mut buf = [0u8; 64];
        for (i, b) in digest.iter().enumerate() {
            buf[2 * i] = HEX[usize::from(b >> 4)];
            buf[2 * i + 1] = HEX[usize::from(b & 0x0f)];
        }
        Signature { buf, len: (digest.len() * 2) as u8 }
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII hex digits are ever written.
        std::str::from_utf8(&self.buf[..usize::from(self.len)]).unwrap_or_default()
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Signs `fields` with `key`.
///
/// `sign_type` `None` means: the message's own `sign_type` field, else MD5.
/// When both are given they must agree, so that the algorithm used is always
/// the one the message announces.
pub fn sign<K, V>(fields: &[(K, V)], key: &ApiKey, sign_type: Option<SignType>) -> Result<Signature>
where
    K: AsRef<str>,
    V: AsRef<str>,
{
    let announced = announced_sign_type(fields)?;
    let algorithm = match (sign_type, announced) {
        (Some(asked), Some(field)) if asked != field => {
            return Err(Error::new(
                ErrorKind::SignTypeMismatch,
                format!("asked to sign with {asked} but the sign_type field says {field}"),
            ));
        }
        (Some(asked), _) => asked,
        (None, Some(field)) => field,
        (None, None) => SignType::Md5,
    };
    compute(fields, key, algorithm)
}

/// Checks the `sign` field of `fields` in constant time; returns the algorithm used.
///
/// The algorithm is `sign_type` if given, else the message's `sign_type`
/// field, else inferred from the signature's length (32 → MD5, 64 →
/// HMAC-SHA256). A message without `sign` is [`ErrorKind::SignatureMissing`].
pub fn verify<K, V>(fields: &[(K, V)], key: &ApiKey, sign_type: Option<SignType>) -> Result<SignType>
where
    K: AsRef<str>,
    V: AsRef<str>,
{
    let given = signature_field(fields)?;
    let algorithm = choose_for_verify(fields, given, sign_type)?;
    let mut keys = Keys::new();
    let order = keys.order(fields.len(), |i| fields[i].0.as_ref(), duplicate_field)?;
    compare(&digest(fields, &order, key, algorithm), given, algorithm)
}

/// Parses a document and verifies its signature; returns its fields and the
/// algorithm used. This is [`crate::xml::parse_borrowed`] followed by
/// [`verify`], with one sort of the fields serving both the duplicate check
/// and the signature.
pub fn verify_xml<'a>(
    doc: &'a [u8],
    max_size: usize,
    key: &ApiKey,
    sign_type: Option<SignType>,
) -> Result<(Vec<crate::xml::Field<'a>>, SignType)> {
    let fields = crate::xml::parse_any(doc, max_size)?;
    let mut keys = Keys::new();
    let order = keys.order(fields.len(), |i| fields[i].0.as_ref(), crate::xml::duplicate)?;
    let given = signature_field(&fields)?;
    let algorithm = choose_for_verify(&fields, given, sign_type)?;
    compare(&digest(&fields, &order, key, algorithm), given, algorithm)?;
    Ok((fields, algorithm))
}

fn signature_field<K: AsRef<str>, V: AsRef<str>>(fields: &[(K, V)]) -> Result<&str> {
    match find(fields, "sign") {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(Error::new(ErrorKind::SignatureMissing, "the message carries no `sign` field")),
    }
}

/// The caller's algorithm, else the message's `sign_type`, else the signature's length.
fn choose_for_verify<K: AsRef<str>, V: AsRef<str>>(
    fields: &[(K, V)],
    given: &str,
    sign_type: Option<SignType>,
) -> Result<SignType> {
    match (sign_type, announced_sign_type(fields)?) {
        (Some(asked), Some(field)) if asked != field => Err(Error::new(
            ErrorKind::SignTypeMismatch,
            format!("expected a {asked} signature but the message's sign_type says {field}"),
        )),
        (Some(asked), _) => Ok(asked),
        (None, Some(field)) => Ok(field),
        (None, None) => match given.len() {
            32 => Ok(SignType::Md5),
            64 => Ok(SignType::HmacSha256),
            n => Err(Error::new(
                ErrorKind::SignatureMismatch,
                format!("the signature has {n} characters; MD5 has 32 and HMAC-SHA256 64"),
            )),
        },
    }
}

fn compare(expected: &Signature, given: &str, algorithm: SignType) -> Result<SignType> {
    if bool::from(expected.as_str().as_bytes().ct_eq(given.as_bytes())) {
        Ok(algorithm)
    } else {
        Err(Error::new(
            ErrorKind::SignatureMismatch,
            format!("the {algorithm} signature does not match the message and key"),
        ))
    }
}

fn compute<K, V>(fields: &[(K, V)], key: &ApiKey, algorithm: SignType) -> Result<Signature>
where
    K: AsRef<str>,
    V: AsRef<str>,
{
    let mut keys = Keys::new();
    let order = keys.order(fields.len(), |i| fields[i].0.as_ref(), duplicate_field)?;
    Ok(digest(fields, &order, key, algorithm))
}

fn duplicate_field(name: &str) -> Error {
    Error::new(ErrorKind::DuplicateField, format!("field `{}` appears more than once", truncate(name, 64)))
}

/// The signature over the fields in name order, leaving out `sign` and
/// empty values.
fn digest<K: AsRef<str>, V: AsRef<str>>(fields: &[(K, V)], order: &Order, key: &ApiKey, algorithm: SignType) -> Signature {
    match algorithm {
        SignType::Md5 => {
            let mut hash = Md5::new();
            canonical(fields, order, key, &mut hash);
            Signature::from_digest(&hash.finalize())
        }
        SignType::HmacSha256 => {
            let mut hash = key.hmac().clone();
            canonical(fields, order, key, &mut hash);
            Signature::from_digest(&hash.finalize().into_bytes())
        }
    }
}

/// Streams the canonical string `k1=v1&k2=v2...&key=KEY` into `hash`.
fn canonical<K: AsRef<str>, V: AsRef<str>, H: digest::Update>(
    fields: &[(K, V)],
    order: &Order,
    key: &ApiKey,
    hash: &mut H,
) {
    let mut text = Canonical::new(hash);
    for i in order.indices() {
        let (k, v) = (fields[i].0.as_ref(), fields[i].1.as_ref());
        if !v.is_empty() && k != "sign" {
            text.field(k.as_bytes(), v.as_bytes());
        }
    }
    text.finish(key.as_bytes());
}

/// The message's own `sign_type`; an empty value counts as absent, as it is not signed.
fn announced_sign_type<K: AsRef<str>, V: AsRef<str>>(fields: &[(K, V)]) -> Result<Option<SignType>> {
    find(fields, "sign_type").filter(|v| !v.is_empty()).map(SignType::parse).transpose()
}

fn find<'a, K: AsRef<str>, V: AsRef<str>>(fields: &'a [(K, V)], name: &str) -> Option<&'a str> {
    fields.iter().find(|(k, _)| k.as_ref() == name).map(|(_, v)| v.as_ref())
}

/// Shortens untrusted text quoted in an error message.
pub(crate) fn truncate(s: &str, max_chars: usize) -> &str {
    match s.char_indices().nth(max_chars) {
        Some((at, _)) => &s[..at],
        None => s,
    }
}

#[cfg(test)]
mod tests;
