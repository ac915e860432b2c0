//! Native payment, mode 1: `wxpay_native_url`, `wxpay_native_scan`,
//! `wxpay_native_reply`.

use std::ffi::c_char;

use super::args::{self, cstr, out};
use super::client::wxpay_client;
use super::error::wxpay_result;
use super::fields::{hand_out, wxpay_fields};
use super::panic::guard;
use super::xml::hand_out_string;

/// The long link of a Native mode-1 QR code for `product_id`:
/// `weixin://wxpay/bizpayurl?sign=...&appid=...&mch_id=...&product_id=...&time_stamp=...&nonce_str=...`,
/// signed MD5 with the client's key over its five fields, with the
/// configured `appid` (none configured is `WXPAY_RESULT_INVALID_ARGUMENT`)
/// and `mch_id`. `product_id` is at most 32 printable ASCII characters
/// without `& = # % + ?` or spaces (else `WXPAY_RESULT_INVALID_ARGUMENT`).
/// `timestamp` (0: now) and `nonce` (NULL: a fresh one) may be given to
/// reproduce a link.
///
/// Ownership: inputs are borrowed for the call. On success `*out_url`
/// receives a NUL-terminated string freed with `wxpay_string_free`, and
/// `*out_len` (if not NULL) its length; on failure neither is written.
///
/// # Safety
/// `client` live; strings NUL-terminated (`nonce` may be NULL); `out_url`
/// writable; `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_native_url(
    client: *const wxpay_client,
    product_id: *const c_char,
    timestamp: u64,
    nonce: *const c_char,
    out_url: *mut *mut c_char,
    out_len: *mut usize,
) -> wxpay_result {
    guard("wxpay_native_url", || {
        let out_url = out(out_url, "out_url")?;
        // SAFETY: the caller's contract.
        let client = unsafe { client.as_ref() }.ok_or_else(|| args::null("client"))?;
        // SAFETY: the caller's contract.
        let product_id = unsafe { cstr(product_id, "product_id") }?;
        // SAFETY: the caller's contract (NULL allowed).
        let nonce = if nonce.is_null() { None } else { Some(unsafe { cstr(nonce, "nonce") }?) };
        let url = client.client.bizpay_url(product_id, (timestamp != 0).then_some(timestamp), nonce)?;
        // SAFETY: the caller's contract.
        unsafe { hand_out_string(url, out_url, out_len) }
    })
}

/// Verifies the scan callback WeChat POSTs to the merchant's scan URL when
/// a user scans a mode-1 code: the signature with the client's key (MD5 or
/// HMAC-SHA256, told by its length), the client's `appid`/`mch_id`, and that
/// `product_id` and `openid` are there. Results: `WXPAY_RESULT_XML_*`, the
/// signature errors of `wxpay_verify`, `WXPAY_RESULT_MERCHANT_MISMATCH`,
/// `WXPAY_RESULT_RESPONSE_INVALID` without `product_id` or `openid`.
///
/// Ownership: inputs are borrowed for the call. On success `*out_fields`
/// receives every field (`product_id`, `openid`, `is_subscribe`, ...),
/// freed with `wxpay_fields_free`; on failure it is not written.
///
/// # Safety
/// `client` live; `body` `body_len` readable bytes; `out_fields` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_native_scan(
    client: *const wxpay_client,
    body: *const c_char,
    body_len: usize,
    out_fields: *mut *mut wxpay_fields,
) -> wxpay_result {
    guard("wxpay_native_scan", || {
        let out_fields = out(out_fields, "out_fields")?;
        // SAFETY: the caller's contract.
        let client = unsafe { client.as_ref() }.ok_or_else(|| args::null("client"))?;
        // SAFETY: the caller's contract.
        let body = unsafe { args::bytes(body, body_len, "body") }?;
        let fields = client.client.scan_callback(body)?;
        hand_out(fields.iter(), out_fields);
        Ok(())
    })
}

/// The signed XML answer to a scan callback, with the client's `appid`,
/// `mch_id` and key (MD5): with `prepay_id` (from `pay/unifiedorder`,
/// `trade_type=NATIVE`) the user goes on to pay; with `prepay_id` NULL it
/// says `result_code=FAIL` with `message` as `err_code_des` (shown to the
/// user; NULL for a generic one).
///
/// Ownership: as `wxpay_native_url`; the answer is freed with
/// `wxpay_string_free`.
///
/// # Safety
/// `client` live; strings NULL or NUL-terminated; `out_xml` writable;
/// `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_native_reply(
    client: *const wxpay_client,
    prepay_id: *const c_char,
    message: *const c_char,
    out_xml: *mut *mut c_char,
    out_len: *mut usize,
) -> wxpay_result {
    guard("wxpay_native_reply", || {
        let out_xml = out(out_xml, "out_xml")?;
        // SAFETY: the caller's contract.
        let client = unsafe { client.as_ref() }.ok_or_else(|| args::null("client"))?;
        // SAFETY: the caller's contract (NULL allowed).
        let prepay_id = if prepay_id.is_null() { None } else { Some(unsafe { cstr(prepay_id, "prepay_id") }?) };
        // SAFETY: the caller's contract (NULL allowed).
        let message = if message.is_null() { None } else { Some(unsafe { cstr(message, "message") }?) };
        let xml = client.client.scan_reply(prepay_id, message)?;
        // SAFETY: the caller's contract.
        unsafe { hand_out_string(xml, out_xml, out_len) }
    })
}
