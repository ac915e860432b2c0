//! Request and response signatures: MD5 and HMAC-SHA256 over sorted fields.
//!
//! The canonical string is `k1=v1&k2=v2...&key=API_KEY` over every field but
//! `sign`, empty values dropped (zero kept), names in byte order, raw values.
//! The fields' part is built once and hashed, followed by `key=` and the
//! key, which never leave the key's own (wiped) storage and the hasher.

use std::fmt;
use std::sync::OnceLock;

use hmac::{KeyInit, Mac};
use subtle::ConstantTimeEq;
use md5::{Digest, Md5};
use zeroize::Zeroize;

use crate::error::{Error, ErrorKind, Result, truncate};

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
        // Both hex digits of every byte value, looked up in one step.
        static PAIRS: [[u8; 2]; 256] = {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            let mut pairs = [[0u8; 2]; 256];
            let mut b = 0;
            while b < 256 {
                pairs[b] = [HEX[b >> 4], HEX[b & 0x0f]];
                b += 1;
            }
            pairs
        };
        let mut buf = [0u8; 64];
        for (out, &b) in buf.chunks_exact_mut(2).zip(digest) {
            out.copy_from_slice(&PAIRS[usize::from(b)]);
        }
        Signature { buf, len: (digest.len().min(32) * 2) as u8 }
    }

    pub fn as_str(&self) -> &str {
        // SAFETY: `from_digest` writes only ASCII hex digits, up to `len`.
        unsafe { std::str::from_utf8_unchecked(&self.buf[..usize::from(self.len)]) }
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

/// A field as signing reads it.
type Pair<'a> = (&'a str, &'a str);

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
    let fields = pairs(fields);
    let algorithm = match (sign_type, announced_sign_type(&fields)?) {
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
    let sorted = in_name_order(fields, duplicate_field)?;
    Ok(digest(&sorted, key, algorithm))
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
    let fields = pairs(fields);
    let given = signature_field(&fields)?;
    let algorithm = choose_for_verify(&fields, given, sign_type)?;
    let sorted = in_name_order(fields.clone(), duplicate_field)?;
    compare(&digest(&sorted, key, algorithm), given, algorithm)
}

/// Parses a document and verifies its signature; returns its fields and the
/// algorithm used. This is [`crate::xml::parse_borrowed`] followed by
/// [`verify`], with one sort of the fields serving both the duplicate check
/// (which comes first, as parsing reports it) and the signature.
pub fn verify_xml<'a>(
    doc: &'a [u8],
    max_size: usize,
    key: &ApiKey,
    sign_type: Option<SignType>,
) -> Result<(Vec<crate::xml::Field<'a>>, SignType)> {
    let text = crate::xml::checked_text(doc, max_size)?;
    let fields = crate::xml::parse_text(text, crate::xml::MAX_FIELDS)?;
    let algorithm = Sorted::new(&fields, crate::xml::duplicate)?.verify(key, sign_type)?;
    Ok((fields, algorithm))
}

/// Fields sorted by name once, serving both the duplicate check and the
/// signature (a parsed document's checks, where sorting is most of the cost
/// of a body of many fields).
pub(crate) struct Sorted<'a>(Vec<Pair<'a>>);

impl<'a> Sorted<'a> {
    /// Sorts `fields`; a name given twice is `on_duplicate`'s error.
    pub(crate) fn new<K, V>(fields: &'a [(K, V)], on_duplicate: fn(&str) -> Error) -> Result<Sorted<'a>>
    where
        K: AsRef<str>,
        V: AsRef<str>,
    {
        in_name_order(pairs(fields), on_duplicate).map(Sorted)
    }

    /// Checks the `sign` field as [`verify`] does.
    pub(crate) fn verify(&self, key: &ApiKey, sign_type: Option<SignType>) -> Result<SignType> {
        let given = signature_field(&self.0)?;
        let algorithm = choose_for_verify(&self.0, given, sign_type)?;
        compare(&digest(&self.0, key, algorithm), given, algorithm)
    }
}

fn pairs<K: AsRef<str>, V: AsRef<str>>(fields: &[(K, V)]) -> Vec<Pair<'_>> {
    fields.iter().map(|(name, value)| (name.as_ref(), value.as_ref())).collect()
}

/// The fields in name byte order. A name given twice is refused (so that
/// no copy of a field escapes the signature), and so is an empty name.
fn in_name_order(mut fields: Vec<Pair<'_>>, on_duplicate: fn(&str) -> Error) -> Result<Vec<Pair<'_>>> {
    fields.sort_unstable_by(|a, b| a.0.cmp(b.0));
    if let Some(w) = fields.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(on_duplicate(w[0].0));
    }
    if fields.first().is_some_and(|(name, _)| name.is_empty()) {
        return Err(Error::new(ErrorKind::InvalidFieldName, "a field has an empty name"));
    }
    Ok(fields)
}

fn find<'a>(fields: &[Pair<'a>], name: &str) -> Option<&'a str> {
    fields.iter().find(|(n, _)| *n == name).map(|&(_, value)| value)
}

fn signature_field<'a>(fields: &[Pair<'a>]) -> Result<&'a str> {
    match find(fields, "sign") {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(Error::new(ErrorKind::SignatureMissing, "the message carries no `sign` field")),
    }
}

/// The caller's algorithm, else the message's `sign_type`, else the signature's length.
fn choose_for_verify(fields: &[Pair<'_>], given: &str, sign_type: Option<SignType>) -> Result<SignType> {
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

/// The message's own `sign_type`; an empty value counts as absent, as it is not signed.
fn announced_sign_type(fields: &[Pair<'_>]) -> Result<Option<SignType>> {
    find(fields, "sign_type").filter(|v| !v.is_empty()).map(SignType::parse).transpose()
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

fn duplicate_field(name: &str) -> Error {
    Error::new(ErrorKind::DuplicateField, format!("field `{}` appears more than once", truncate(name, 64)))
}

/// The signature over fields sorted by name: the hash of the canonical
/// string, then `key=` and the key. The key goes straight into the hasher
/// (whose state is wiped on drop), never into the buffer.
fn digest(sorted: &[Pair<'_>], key: &ApiKey, algorithm: SignType) -> Signature {
    let text = canonical(sorted);
    match algorithm {
        SignType::Md5 => {
            let mut md5 = Md5::new();
            md5.update(&text);
            md5.update(b"key=");
            md5.update(key.as_bytes());
            Signature::from_digest(&md5.finalize())
        }
        SignType::HmacSha256 => {
            let mut mac = key.hmac().clone();
            mac.update(&text);
            mac.update(b"key=");
            mac.update(key.as_bytes());
            Signature::from_digest(&mac.finalize().into_bytes())
        }
    }
}

/// `k1=v1&k2=v2...&` over the sorted fields but `sign` and empty values:
/// the canonical string up to the key.
fn canonical(sorted: &[Pair<'_>]) -> Vec<u8> {
    let signed = || sorted.iter().filter(|&&(name, value)| !value.is_empty() && name != "sign");
    let len = signed().map(|(name, value)| name.len() + value.len() + 2).sum::<usize>();
    let mut text = Vec::with_capacity(len);
    for (name, value) in signed() {
        text.extend_from_slice(name.as_bytes());
        text.push(b'=');
        text.extend_from_slice(value.as_bytes());
        text.push(b'&');
    }
    text
}

#[cfg(test)]
mod tests;
