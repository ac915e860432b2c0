//! `wxpay_endpoint_info`: the core's endpoint table for wrappers.

use std::ffi::{CStr, c_char};

use super::args::{cstr, out};
use super::error::{wxpay_result, wxpay_retry};
use super::panic::guard;
use crate::endpoints::{self, BodyKind, Match, SignTypes};

/// How `wxpay_endpoint_info` found a path.
#[repr(C)]
pub enum wxpay_endpoint_match {
    /// Not known: signed XML without certificate is assumed.
    Unknown = 0,
    /// Of a known family (e.g. `secapi/`) whose rules apply.
    Family = 1,
    /// Listed in the table.
    Exact = 2,
}

/// What a successful response body is.
#[repr(C)]
pub enum wxpay_body_kind {
    /// XML: call `wxpay_request`.
    Xml = 0,
    /// A bill: call `wxpay_download`.
    Bytes = 1,
}

/// What the library knows about an endpoint. All pointers are static
/// strings: never NULL, never freed.
#[repr(C)]
pub struct wxpay_endpoint {
    /// A `WXPAY_ENDPOINT_MATCH_*`.
    pub matched: i32,
    /// The path is the sandbox's: under `xdc/apiv2sandbox/` (MD5 only), or
    /// its key endpoint.
    pub sandbox: bool,
    /// The merchant certificate is required.
    pub certificate: bool,
    /// Responses are signed and verified.
    pub signed_response: bool,
    /// A `WXPAY_BODY_KIND_*`.
    pub body_kind: i32,
    /// The MD5 algorithm is accepted.
    pub md5: bool,
    /// The HMAC-SHA256 algorithm is accepted.
    pub hmac_sha256: bool,
    /// The request carries a `sign_type` field.
    pub sends_sign_type: bool,
    /// Takes `sub_appid` / `sub_mch_id` in service-provider mode.
    pub sub_ids: bool,
    /// The field name of the app ID (`appid`, `mch_appid`, `wxappid`), or "" if none.
    pub appid_field: *const c_char,
    /// The field name of the merchant ID (`mch_id` or `mchid`).
    pub mch_id_field: *const c_char,
    /// Required field names, packed: `name0 NUL name1 ... nameN`,
    /// `required_len` bytes (a NUL follows), `required_count` names.
    pub required: *const c_char,
    pub required_len: usize,
    pub required_count: usize,
    /// At least one of these is required (same form; count 0 for none).
    pub one_of: *const c_char,
    pub one_of_len: usize,
    pub one_of_count: usize,
}

/// Looks `path` up in the endpoint table (`"secapi/pay/refund"`, with or
/// without a leading slash; `xdc/apiv2sandbox/...` maps to the same entry), so
/// that wrappers never keep endpoint knowledge of their own.
///
/// Unknown paths succeed with `matched` = `WXPAY_ENDPOINT_MATCH_UNKNOWN` and
/// the default rules. Text that is not a path (a URL, a query, `..`) is
/// `WXPAY_RESULT_INVALID_ARGUMENT`.
///
/// Ownership: `path` is borrowed for the call; on success `*out_info` is
/// filled with pointers to static strings. Thread-safe.
///
/// # Safety
/// `path` NUL-terminated; `out_info` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_endpoint_info(path: *const c_char, out_info: *mut wxpay_endpoint) -> wxpay_result {
    guard("wxpay_endpoint_info", || {
        let out_info = out(out_info, "out_info")?;
        // SAFETY: the caller's contract.
        let path = unsafe { cstr(path, "path") }?;
        let l = endpoints::lookup(path)?;
        let e = l.endpoint;
        let (required, required_len, required_count) = packed(e.required_packed);
        let (one_of, one_of_len, one_of_count) = packed(e.one_of_packed);
        *out_info = wxpay_endpoint {
            matched: match l.matched {
                Match::Unknown => wxpay_endpoint_match::Unknown,
                Match::Family => wxpay_endpoint_match::Family,
                Match::Exact => wxpay_endpoint_match::Exact,
            } as i32,
            sandbox: l.sandbox,
            certificate: e.certificate,
            signed_response: e.signed_response,
            body_kind: match e.body {
                BodyKind::Xml => wxpay_body_kind::Xml,
                BodyKind::Bytes => wxpay_body_kind::Bytes,
            } as i32,
            md5: e.sign_types != SignTypes::HmacSha256Only,
            hmac_sha256: e.sign_types != SignTypes::Md5Only,
            sends_sign_type: e.sends_sign_type,
            sub_ids: e.sub_ids,
            appid_field: field_name(e.appid_field.unwrap_or("")).as_ptr(),
            mch_id_field: field_name(e.mch_id_field).as_ptr(),
            required,
            required_len,
            required_count,
            one_of,
            one_of_len,
            one_of_count,
        };
        Ok(())
    })
}

/// What `err_code`, from a `result_code=FAIL` answer of `path`, says about
/// sending the request again: `WXPAY_RETRY_RETRYABLE` (`SYSTEMERROR`,
/// `USERPAYING` from `pay/micropay`, ...), `WXPAY_RETRY_FINAL` (`ORDERPAID`,
/// `NOTENOUGH`, ...) or `WXPAY_RETRY_UNKNOWN` (a code not listed for the
/// endpoint's group). `wxpay_request` failures carry the same answer in
/// `wxpay_last_error_retry()`. Text that is not a path is
/// `WXPAY_RESULT_INVALID_ARGUMENT`.
///
/// Ownership: both strings are borrowed for the call; `*out_retry` is
/// written on success. Thread-safe.
///
/// # Safety
/// `path` and `err_code` NUL-terminated; `out_retry` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_err_code_retry(path: *const c_char, err_code: *const c_char, out_retry: *mut wxpay_retry) -> wxpay_result {
    guard("wxpay_err_code_retry", || {
        let out_retry = out(out_retry, "out_retry")?;
        // SAFETY: the caller's contract.
        let path = unsafe { cstr(path, "path") }?;
        // SAFETY: the caller's contract.
        let err_code = unsafe { cstr(err_code, "err_code") }?;
        *out_retry = endpoints::retry(endpoints::normalize(path)?, err_code).into();
        Ok(())
    })
}

/// The table's packed names (each followed by a NUL) as pointer, length
/// without the final NUL, and count.
fn packed(names: &'static str) -> (*const c_char, usize, usize) {
    if names.is_empty() {
        return (c"".as_ptr(), 0, 0);
    }
    (names.as_ptr().cast(), names.len() - 1, names.matches('\0').count())
}

/// The identity field names as static C strings.
fn field_name(name: &str) -> &'static CStr {
    match name {
        "appid" => c"appid",
        "mch_appid" => c"mch_appid",
        "wxappid" => c"wxappid",
        "mch_id" => c"mch_id",
        "mchid" => c"mchid",
        _ => c"",
    }
}
