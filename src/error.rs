//! The error type shared by every part of the core.

use std::fmt;

use crate::endpoints::Retry;
use crate::fields::Fields;

/// What went wrong, at the granularity callers act on.
///
/// The C ABI maps each kind to one stable result code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An argument is missing, empty or out of range.
    InvalidArgument,
    /// Text that must be UTF-8 is not.
    InvalidUtf8,
    /// A string contains a NUL byte or the packed field count does not match.
    EmbeddedNul,
    /// The API key is empty or not 32 ASCII letters and digits.
    InvalidKey,
    /// A `sign_type` value other than `MD5` or `HMAC-SHA256`.
    UnknownSignType,
    /// The algorithm asked for disagrees with the message's `sign_type`.
    SignTypeMismatch,
    /// The same field name appears twice in the input.
    DuplicateField,
    /// A field name that cannot be an XML element name.
    InvalidFieldName,
    /// A value with a character XML cannot carry (control characters).
    InvalidFieldValue,

    /// The message carries no `sign` field.
    SignatureMissing,
    /// The signature does not match the message and key.
    SignatureMismatch,
    /// The signature matches only once some fields are taken away: fields
    /// were added to a signed message (a forged notification).
    SignatureFieldsAdded,
    /// A genuine-looking message for another merchant (its `appid` or
    /// `mch_id` is not the client's).
    MerchantMismatch,
    /// Encrypted data (a refund notification's `req_info`) does not decrypt
    /// with the API key: a wrong key, or ciphertext damaged in transit.
    DecryptFailed,
    /// Encrypted data that cannot be ciphertext at all: not base64, or not a
    /// whole number of AES blocks.
    CiphertextCorrupt,

    /// Not well-formed XML.
    XmlMalformed,
    /// A DOCTYPE or entity declaration (XXE, billion laughs).
    XmlDoctype,
    /// A reference to an entity other than the five standard ones.
    XmlEntity,
    /// The root element is not `<xml>`.
    XmlRoot,
    /// An element inside a field element.
    XmlNested,
    /// A field name that appears twice in the document.
    XmlDuplicate,
    /// The document is larger than the configured limit.
    XmlTooLarge,
    /// The document is not UTF-8.
    XmlInvalidUtf8,
    /// The document has more fields than [`crate::xml::MAX_FIELDS`].
    XmlTooManyFields,

    /// A field the endpoint requires is missing (checked before any network I/O).
    MissingField,
    /// A field conflicts with the client's configured identity (e.g. another
    /// `mch_id`) or is one the client computes itself (`sign`).
    ConflictingField,
    /// The client was made in another process, which forked this one: its
    /// I/O thread did not come along, so it refuses every request before any
    /// I/O. Make clients after the fork.
    ClientForked,

    /// The PKCS#12 password or the private key's password is wrong or missing.
    CertificatePassword,
    /// A certificate or key that cannot be parsed (not PKCS#12, not PEM, truncated, ...).
    CertificateCorrupt,
    /// The private key does not belong to the certificate.
    CertificateKeyMismatch,
    /// The endpoint needs the merchant certificate and none is configured.
    CertificateRequired,
    /// The file uses an algorithm this OpenSSL cannot load (e.g. RC2-40
    /// without the `legacy` provider).
    CertificateUnsupported,
    /// A certificate, key or CA file cannot be read.
    CertificateFile,
    /// The merchant certificate has expired (reported before any request
    /// to a certificate endpoint), or a replacement offered is expired.
    CertificateExpired,
    /// A private key or `.p12` file is readable by group or others and
    /// `strict_permissions` is on.
    CertificatePermissions,
    /// The TLS handshake failed: untrusted or mismatched server certificate,
    /// client certificate refused, no common protocol.
    Tls,

    /// The TCP connection could not be made (refused, unreachable, DNS).
    Connect,
    /// The connect or total timeout elapsed.
    Timeout,
    /// The server answered with an HTTP status other than 200.
    HttpStatus,
    /// The response body is over the configured size limit.
    ResponseTooLarge,
    /// The connection failed while sending the request or reading the response.
    Transport,

    /// `return_code=FAIL`: the request did not get through; `return_msg` says why.
    ProtocolFail,
    /// A response that is neither a success nor a well-formed failure
    /// (no `return_code`, an unknown value, a bill body that is not one).
    ResponseInvalid,

    /// `result_code=FAIL`: a business failure with `err_code` and `err_code_des`.
    BusinessFail,

    /// The operating system's random source failed.
    Random,
}

/// An error with a human-readable message.
///
/// Messages never contain the API key, private keys or passwords.
#[derive(Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    response: Option<Box<Fields>>,
    retry: Retry,
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error { kind, message: message.into(), response: None, retry: Retry::Unknown }
    }

    /// Attaches the peer's whole response (protocol and business failures).
    pub fn with_response(mut self, response: Fields) -> Self {
        self.response = Some(Box::new(response));
        self
    }

    /// Says what the failure's `err_code` means for trying again.
    pub fn with_retry(mut self, retry: Retry) -> Self {
        self.retry = retry;
        self
    }

    /// For a business failure, what its `err_code` says about sending the
    /// request again ([`crate::endpoints::retry`]); `Unknown` otherwise.
    pub fn retry(&self) -> Retry {
        self.retry
    }

    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn response(&self) -> Option<&Fields> {
        self.response.as_deref()
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error").field("kind", &self.kind).field("message", &self.message).field("retry", &self.retry).finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Shortens untrusted text quoted in an error message.
pub(crate) fn truncate(s: &str, max_chars: usize) -> &str {
    match s.char_indices().nth(max_chars) {
        Some((at, _)) => &s[..at],
        None => s,
    }
}
