//! The result codes and the per-thread last error.

use std::cell::RefCell;
use std::ffi::{CString, c_char};

use super::fields::wxpay_fields;
use crate::endpoints::Retry;
use crate::error::{Error, ErrorKind};
use crate::fields::Fields;

/// The result of every fallible function. `0` is success; the other numbers
/// are grouped by kind and never reused:
/// 1xx bad arguments, 2xx signatures, 3xx XML, 4xx certificates and TLS,
/// 5xx network and transport, 6xx protocol (`return_code=FAIL`), 7xx
/// business (`result_code=FAIL`), 9xx internal.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum wxpay_result {
    Ok = 0,

    /// A pointer argument that must not be NULL was NULL.
    NullArgument = 100,
    /// An argument is out of range (a buffer too small, an unknown enum value, ...).
    InvalidArgument = 101,
    /// A string argument is not valid UTF-8.
    InvalidUtf8 = 102,
    /// A key or value holds a NUL byte, or a packed field count does not match.
    EmbeddedNul = 103,
    /// The API key is empty or not 32 ASCII letters and digits.
    InvalidKey = 104,
    /// A `sign_type` field other than `MD5` or `HMAC-SHA256`.
    UnknownSignType = 105,
    /// The same field name was given twice.
    DuplicateField = 106,
    /// A field name that cannot be an XML element name.
    InvalidFieldName = 107,
    /// A field value with a character XML cannot carry.
    InvalidFieldValue = 108,
    /// `wxpay_fields_get`: no field of that name; `wxpay_mcc_*`: no such
    /// code or category.
    NotFound = 109,
    /// A field the endpoint requires is missing (checked before any network I/O).
    MissingField = 110,
    /// A field conflicts with the client's configuration (another `mch_id`,
    /// a `sign_type` the endpoint refuses) or is computed by the client (`sign`).
    ConflictingField = 111,
    /// The client was made before a `fork()` and used in the child, where
    /// its I/O thread does not exist: `wxpay_request`, `wxpay_download`,
    /// `wxpay_micropay`, `wxpay_client_reload_certificate` and, in sandbox
    /// mode, the notification checks refuse before any I/O.
    /// `wxpay_client_free` is safe there. Make clients after the fork.
    ClientForked = 112,

    /// The message has no `sign` field.
    SignatureMissing = 200,
    /// The signature does not match the message and key.
    SignatureMismatch = 201,
    /// The algorithm asked for disagrees with the message's `sign_type`.
    SignTypeMismatch = 202,
    /// The signature matches only without some of the fields: they were
    /// added after signing (a forged notification).
    SignatureFieldsAdded = 203,
    /// A signed message meant for another merchant (`appid` or `mch_id` is
    /// not the client's).
    MerchantMismatch = 204,
    /// Encrypted data (a refund notification's `req_info`) does not decrypt
    /// with the API key: a wrong key, or damaged ciphertext.
    DecryptFailed = 210,
    /// Encrypted data that is not ciphertext at all (not base64, or not a
    /// whole number of AES blocks).
    CiphertextCorrupt = 211,

    /// Not well-formed XML.
    XmlMalformed = 300,
    /// A DOCTYPE or entity declaration (refused: XXE, billion laughs).
    XmlDoctype = 301,
    /// A reference to an entity other than the five predefined ones.
    XmlEntity = 302,
    /// The root element is not `<xml>`.
    XmlRoot = 303,
    /// An element nested inside a field.
    XmlNested = 304,
    /// A field name that appears twice in the document.
    XmlDuplicate = 305,
    /// The document is over the size limit.
    XmlTooLarge = 306,
    /// The document is not UTF-8.
    XmlInvalidUtf8 = 307,
    /// The document has more fields than `WXPAY_XML_MAX_FIELDS`.
    XmlTooManyFields = 308,

    /// The `.p12` password or the private key's password is wrong or missing.
    CertificatePassword = 400,
    /// A certificate, key or root CA that cannot be parsed.
    CertificateCorrupt = 401,
    /// The private key does not belong to the certificate.
    CertificateKeyMismatch = 402,
    /// The endpoint needs the merchant certificate and the client has none
    /// (reported before any network I/O).
    CertificateRequired = 403,
    /// The file uses an algorithm this OpenSSL cannot load.
    CertificateUnsupported = 404,
    /// A certificate, key or CA file cannot be read.
    CertificateFile = 405,
    /// The merchant certificate has expired: requests to certificate
    /// endpoints are refused before any network I/O, and an expired
    /// replacement is refused by a reload.
    CertificateExpired = 406,
    /// A private key or `.p12` file is readable by group or others and the
    /// option `strict_permissions` is on.
    CertificatePermissions = 407,
    /// The TLS handshake failed (untrusted or mismatched server certificate,
    /// client certificate refused, no common protocol).
    Tls = 410,

    /// No connection could be made (refused, unreachable, name not found).
    Connect = 500,
    /// The connect or total timeout elapsed.
    Timeout = 501,
    /// The server answered with an HTTP status other than 200.
    HttpStatus = 502,
    /// The response is over the configured size limit.
    ResponseTooLarge = 503,
    /// The connection failed while sending or receiving.
    Transport = 504,

    /// `return_code=FAIL`; `wxpay_last_error_response()` holds the response.
    ProtocolFail = 600,
    /// A response that is neither a success nor a well-formed failure.
    ResponseInvalid = 601,

    /// `result_code=FAIL`; `wxpay_last_error_response()` holds the response
    /// with `err_code` and `err_code_des`.
    BusinessFail = 700,

    /// The operating system's random source failed.
    Random = 900,
    /// A panic inside the library was caught at the boundary; please report it.
    Panic = 999,
}

impl wxpay_result {
    pub(crate) fn of(kind: ErrorKind) -> wxpay_result {
        use wxpay_result as R;
        match kind {
            ErrorKind::InvalidArgument => R::InvalidArgument,
            ErrorKind::InvalidUtf8 => R::InvalidUtf8,
            ErrorKind::EmbeddedNul => R::EmbeddedNul,
            ErrorKind::InvalidKey => R::InvalidKey,
            ErrorKind::UnknownSignType => R::UnknownSignType,
            ErrorKind::SignTypeMismatch => R::SignTypeMismatch,
            ErrorKind::DuplicateField => R::DuplicateField,
            ErrorKind::InvalidFieldName => R::InvalidFieldName,
            ErrorKind::InvalidFieldValue => R::InvalidFieldValue,
            ErrorKind::SignatureMissing => R::SignatureMissing,
            ErrorKind::SignatureMismatch => R::SignatureMismatch,
            ErrorKind::SignatureFieldsAdded => R::SignatureFieldsAdded,
            ErrorKind::MerchantMismatch => R::MerchantMismatch,
            ErrorKind::DecryptFailed => R::DecryptFailed,
            ErrorKind::CiphertextCorrupt => R::CiphertextCorrupt,
            ErrorKind::XmlMalformed => R::XmlMalformed,
            ErrorKind::XmlDoctype => R::XmlDoctype,
            ErrorKind::XmlEntity => R::XmlEntity,
            ErrorKind::XmlRoot => R::XmlRoot,
            ErrorKind::XmlNested => R::XmlNested,
            ErrorKind::XmlDuplicate => R::XmlDuplicate,
            ErrorKind::XmlTooLarge => R::XmlTooLarge,
            ErrorKind::XmlInvalidUtf8 => R::XmlInvalidUtf8,
            ErrorKind::XmlTooManyFields => R::XmlTooManyFields,
            ErrorKind::MissingField => R::MissingField,
            ErrorKind::ConflictingField => R::ConflictingField,
            ErrorKind::ClientForked => R::ClientForked,
            ErrorKind::CertificatePassword => R::CertificatePassword,
            ErrorKind::CertificateCorrupt => R::CertificateCorrupt,
            ErrorKind::CertificateKeyMismatch => R::CertificateKeyMismatch,
            ErrorKind::CertificateRequired => R::CertificateRequired,
            ErrorKind::CertificateUnsupported => R::CertificateUnsupported,
            ErrorKind::CertificateFile => R::CertificateFile,
            ErrorKind::CertificateExpired => R::CertificateExpired,
            ErrorKind::CertificatePermissions => R::CertificatePermissions,
            ErrorKind::Tls => R::Tls,
            ErrorKind::Connect => R::Connect,
            ErrorKind::Timeout => R::Timeout,
            ErrorKind::HttpStatus => R::HttpStatus,
            ErrorKind::ResponseTooLarge => R::ResponseTooLarge,
            ErrorKind::Transport => R::Transport,
            ErrorKind::ProtocolFail => R::ProtocolFail,
            ErrorKind::ResponseInvalid => R::ResponseInvalid,
            ErrorKind::BusinessFail => R::BusinessFail,
            ErrorKind::Random => R::Random,
        }
    }

    /// Every code with its C name, for `wxpay_result_name` and the tests.
    pub(crate) const ALL: &'static [(wxpay_result, &'static str)] = &[
        (wxpay_result::Ok, "WXPAY_RESULT_OK\0"),
        (wxpay_result::NullArgument, "WXPAY_RESULT_NULL_ARGUMENT\0"),
        (wxpay_result::InvalidArgument, "WXPAY_RESULT_INVALID_ARGUMENT\0"),
        (wxpay_result::InvalidUtf8, "WXPAY_RESULT_INVALID_UTF8\0"),
        (wxpay_result::EmbeddedNul, "WXPAY_RESULT_EMBEDDED_NUL\0"),
        (wxpay_result::InvalidKey, "WXPAY_RESULT_INVALID_KEY\0"),
        (wxpay_result::UnknownSignType, "WXPAY_RESULT_UNKNOWN_SIGN_TYPE\0"),
        (wxpay_result::DuplicateField, "WXPAY_RESULT_DUPLICATE_FIELD\0"),
        (wxpay_result::InvalidFieldName, "WXPAY_RESULT_INVALID_FIELD_NAME\0"),
        (wxpay_result::InvalidFieldValue, "WXPAY_RESULT_INVALID_FIELD_VALUE\0"),
        (wxpay_result::NotFound, "WXPAY_RESULT_NOT_FOUND\0"),
        (wxpay_result::SignatureMissing, "WXPAY_RESULT_SIGNATURE_MISSING\0"),
        (wxpay_result::SignatureMismatch, "WXPAY_RESULT_SIGNATURE_MISMATCH\0"),
        (wxpay_result::SignTypeMismatch, "WXPAY_RESULT_SIGN_TYPE_MISMATCH\0"),
        (wxpay_result::SignatureFieldsAdded, "WXPAY_RESULT_SIGNATURE_FIELDS_ADDED\0"),
        (wxpay_result::MerchantMismatch, "WXPAY_RESULT_MERCHANT_MISMATCH\0"),
        (wxpay_result::DecryptFailed, "WXPAY_RESULT_DECRYPT_FAILED\0"),
        (wxpay_result::CiphertextCorrupt, "WXPAY_RESULT_CIPHERTEXT_CORRUPT\0"),
        (wxpay_result::XmlMalformed, "WXPAY_RESULT_XML_MALFORMED\0"),
        (wxpay_result::XmlDoctype, "WXPAY_RESULT_XML_DOCTYPE\0"),
        (wxpay_result::XmlEntity, "WXPAY_RESULT_XML_ENTITY\0"),
        (wxpay_result::XmlRoot, "WXPAY_RESULT_XML_ROOT\0"),
        (wxpay_result::XmlNested, "WXPAY_RESULT_XML_NESTED\0"),
        (wxpay_result::XmlDuplicate, "WXPAY_RESULT_XML_DUPLICATE\0"),
        (wxpay_result::XmlTooLarge, "WXPAY_RESULT_XML_TOO_LARGE\0"),
        (wxpay_result::XmlInvalidUtf8, "WXPAY_RESULT_XML_INVALID_UTF8\0"),
        (wxpay_result::XmlTooManyFields, "WXPAY_RESULT_XML_TOO_MANY_FIELDS\0"),
        (wxpay_result::MissingField, "WXPAY_RESULT_MISSING_FIELD\0"),
        (wxpay_result::ConflictingField, "WXPAY_RESULT_CONFLICTING_FIELD\0"),
        (wxpay_result::ClientForked, "WXPAY_RESULT_CLIENT_FORKED\0"),
        (wxpay_result::CertificatePassword, "WXPAY_RESULT_CERTIFICATE_PASSWORD\0"),
        (wxpay_result::CertificateCorrupt, "WXPAY_RESULT_CERTIFICATE_CORRUPT\0"),
        (wxpay_result::CertificateKeyMismatch, "WXPAY_RESULT_CERTIFICATE_KEY_MISMATCH\0"),
        (wxpay_result::CertificateRequired, "WXPAY_RESULT_CERTIFICATE_REQUIRED\0"),
        (wxpay_result::CertificateUnsupported, "WXPAY_RESULT_CERTIFICATE_UNSUPPORTED\0"),
        (wxpay_result::CertificateFile, "WXPAY_RESULT_CERTIFICATE_FILE\0"),
        (wxpay_result::CertificateExpired, "WXPAY_RESULT_CERTIFICATE_EXPIRED\0"),
        (wxpay_result::CertificatePermissions, "WXPAY_RESULT_CERTIFICATE_PERMISSIONS\0"),
        (wxpay_result::Tls, "WXPAY_RESULT_TLS\0"),
        (wxpay_result::Connect, "WXPAY_RESULT_CONNECT\0"),
        (wxpay_result::Timeout, "WXPAY_RESULT_TIMEOUT\0"),
        (wxpay_result::HttpStatus, "WXPAY_RESULT_HTTP_STATUS\0"),
        (wxpay_result::ResponseTooLarge, "WXPAY_RESULT_RESPONSE_TOO_LARGE\0"),
        (wxpay_result::Transport, "WXPAY_RESULT_TRANSPORT\0"),
        (wxpay_result::ProtocolFail, "WXPAY_RESULT_PROTOCOL_FAIL\0"),
        (wxpay_result::ResponseInvalid, "WXPAY_RESULT_RESPONSE_INVALID\0"),
        (wxpay_result::BusinessFail, "WXPAY_RESULT_BUSINESS_FAIL\0"),
        (wxpay_result::Random, "WXPAY_RESULT_RANDOM\0"),
        (wxpay_result::Panic, "WXPAY_RESULT_PANIC\0"),
    ];
}

/// An error raised at the boundary: a core error or a bad argument.
#[derive(Debug)]
pub(crate) struct FfiError {
    pub(crate) code: wxpay_result,
    pub(crate) message: String,
    pub(crate) response: Option<Fields>,
    pub(crate) retry: Retry,
}

impl FfiError {
    pub(crate) fn new(code: wxpay_result, message: impl Into<String>) -> Self {
        FfiError { code, message: message.into(), response: None, retry: Retry::Unknown }
    }
}

impl From<Error> for FfiError {
    fn from(e: Error) -> Self {
        FfiError {
            code: wxpay_result::of(e.kind()),
            message: e.message().to_owned(),
            response: e.response().cloned(),
            retry: e.retry(),
        }
    }
}

struct LastError {
    code: wxpay_result,
    message: CString,
    response: Option<Box<wxpay_fields>>,
    retry: Retry,
}

thread_local! {
    static LAST_ERROR: RefCell<LastError> = RefCell::new(LastError {
        code: wxpay_result::Ok,
        message: CString::default(),
        response: None,
        retry: Retry::Unknown,
    });
}

pub(crate) fn set_last_error(e: FfiError) {
    // Messages are built by this library and hold no NUL; strip any to be sure.
    let message = CString::new(e.message.replace('\0', "")).unwrap_or_default();
    let response = e.response.map(|f| wxpay_fields::new(f.iter()));
    let last = LastError { code: e.code, message, response, retry: e.retry };
    // During thread teardown the slot may be gone; the code is still returned.
    let _ = LAST_ERROR.try_with(|slot| *slot.borrow_mut() = last);
}

/// The message of the last failed call on this thread ("" if none failed yet).
///
/// Ownership: borrowed; valid until the next failing call into this library
/// on the same thread. Never NULL. Never contains the API key, key material
/// or passwords. Each thread has its own last error.
#[unsafe(no_mangle)]
pub extern "C" fn wxpay_last_error_message() -> *const c_char {
    LAST_ERROR
        .try_with(|last| last.borrow().message.as_ptr())
        .unwrap_or(c"".as_ptr())
}

/// The result code of the last failed call on this thread (`WXPAY_RESULT_OK`
/// if none failed yet).
#[unsafe(no_mangle)]
pub extern "C" fn wxpay_last_error_code() -> wxpay_result {
    LAST_ERROR.try_with(|last| last.borrow().code).unwrap_or(wxpay_result::Ok)
}

/// The peer's whole response that came with the last failure on this thread,
/// or NULL. Set for protocol (`return_code=FAIL`) and business
/// (`result_code=FAIL`) failures, so that `err_code`, `err_code_des` and the
/// rest can be read.
///
/// Ownership: borrowed; valid until the next failing call into this library
/// on the same thread. Do not free it.
#[unsafe(no_mangle)]
pub extern "C" fn wxpay_last_error_response() -> *const wxpay_fields {
    LAST_ERROR
        .try_with(|last| last.borrow().response.as_deref().map_or(std::ptr::null(), |f| f as *const wxpay_fields))
        .unwrap_or(std::ptr::null())
}

/// What a business failure's `err_code` says about sending the request
/// again (see `wxpay_err_code_retry`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum wxpay_retry {
    /// Not a business failure, or a code the library does not list for the
    /// endpoint: decide from `err_code_des` (or query the order).
    Unknown = 0,
    /// WeChat's failure or an outcome not settled yet: query, or send the
    /// same request again later with the same merchant number (never a new
    /// one, which could pay twice).
    Retryable = 1,
    /// The request will not succeed as it is: fix the cause, or accept the
    /// state it names (`ORDERPAID`).
    Final = 2,
}

impl From<Retry> for wxpay_retry {
    fn from(r: Retry) -> Self {
        match r {
            Retry::Unknown => wxpay_retry::Unknown,
            Retry::Retryable => wxpay_retry::Retryable,
            Retry::Final => wxpay_retry::Final,
        }
    }
}

/// For a business failure (`WXPAY_RESULT_BUSINESS_FAIL`), the last on this
/// thread, what its `err_code` says about sending the request again;
/// `WXPAY_RETRY_UNKNOWN` for any other failure or none.
#[unsafe(no_mangle)]
pub extern "C" fn wxpay_last_error_retry() -> wxpay_retry {
    LAST_ERROR.try_with(|last| last.borrow().retry.into()).unwrap_or(wxpay_retry::Unknown)
}

/// The C name of a result code, e.g. `"WXPAY_RESULT_XML_DOCTYPE"`, or
/// `"WXPAY_RESULT_UNKNOWN"` for a number that is not one.
///
/// Ownership: a static string; never NULL, never freed.
#[unsafe(no_mangle)]
pub extern "C" fn wxpay_result_name(code: i32) -> *const c_char {
    wxpay_result::ALL
        .iter()
        .find(|(r, _)| *r as i32 == code)
        .map_or(c"WXPAY_RESULT_UNKNOWN".as_ptr(), |(_, name)| name.as_ptr().cast())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique() {
        let all = wxpay_result::ALL;
        for (i, (code, name)) in all.iter().enumerate() {
            assert!(all[i + 1..].iter().all(|(c, n)| *c as i32 != *code as i32 && n != name), "{name}");
            assert!(name.starts_with("WXPAY_RESULT_") && name.ends_with('\0'));
        }
    }
}
