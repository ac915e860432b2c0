//! Notifications: `wxpay_notify_payment`, `wxpay_notify_refund`,
//! `wxpay_notify_reply`.

use std::ffi::c_char;

use super::args::{self, out};
use super::client::wxpay_client;
use super::error::wxpay_result;
use super::fields::{hand_out, wxpay_fields};
use super::panic::guard;
use super::xml::hand_out_string;
use crate::notify;

/// Verifies a payment notification (the body WeChat POSTed to `notify_url`)
/// with the client's API key, and checks that its `appid`/`mch_id` are the
/// client's.
///
/// Results, each its own code: `WXPAY_RESULT_XML_*` (a field given twice is
/// `WXPAY_RESULT_XML_DUPLICATE`); `WXPAY_RESULT_PROTOCOL_FAIL` for
/// `return_code=FAIL` (fields in `wxpay_last_error_response()`);
/// `WXPAY_RESULT_RESPONSE_INVALID` without `return_code` / `result_code`;
/// forged: `WXPAY_RESULT_SIGNATURE_MISSING` (SUCCESS without `sign`),
/// `WXPAY_RESULT_UNKNOWN_SIGN_TYPE` / `WXPAY_RESULT_SIGN_TYPE_MISMATCH`
/// (a `sign_type` unknown or disagreeing with the signature),
/// `WXPAY_RESULT_SIGNATURE_FIELDS_ADDED` (fields added after signing),
/// `WXPAY_RESULT_SIGNATURE_MISMATCH`; `WXPAY_RESULT_MERCHANT_MISMATCH` for
/// another merchant's notification. The sign type is inferred from the
/// signature's length when the notification has no `sign_type`.
///
/// On success `*out_paid` is 1 for `result_code=SUCCESS` and 0 for a genuine
/// notification of a failed payment (which is still acknowledged with
/// `wxpay_notify_reply(1, ...)`). A retried notification verifies again.
///
/// Ownership: inputs are borrowed for the call. On success `*out_fields`
/// receives every field of the notification, freed with
/// `wxpay_fields_free`; on failure neither out-parameter is written.
/// Threads: any number of threads may call this on one client at once.
///
/// # Safety
/// `client` live; `body` `body_len` readable bytes; out-parameters writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_notify_payment(
    client: *const wxpay_client,
    body: *const c_char,
    body_len: usize,
    out_fields: *mut *mut wxpay_fields,
    out_paid: *mut i32,
) -> wxpay_result {
    guard("wxpay_notify_payment", || {
        let out_fields = out(out_fields, "out_fields")?;
        let out_paid = out(out_paid, "out_paid")?;
        // SAFETY: the caller's contract.
        let client = unsafe { client.as_ref() }.ok_or_else(|| args::null("client"))?;
        // SAFETY: the caller's contract.
        let body = unsafe { args::bytes(body, body_len, "body") }?;
        let n = client.client.payment_notification(body)?;
        hand_out(n.fields.iter(), out_fields);
        *out_paid = i32::from(n.paid);
        Ok(())
    })
}

/// Decrypts a refund notification: checks `return_code` and the merchant
/// identity, then decrypts `req_info` (AES-256-ECB under the MD5 of the
/// client's API key).
///
/// Results: as `wxpay_notify_payment` for XML, `return_code` and merchant;
/// `WXPAY_RESULT_RESPONSE_INVALID` without `req_info`;
/// `WXPAY_RESULT_CIPHERTEXT_CORRUPT` for a `req_info` that is not base64 of
/// whole AES blocks; `WXPAY_RESULT_DECRYPT_FAILED` when it does not decrypt
/// (a wrong API key, or damaged ciphertext).
///
/// Ownership: inputs are borrowed for the call. On success `*out_info`
/// receives the decrypted fields (`out_refund_no`, `refund_status`,
/// `refund_recv_accout` in WeChat's spelling, ...) and `*out_outer` the
/// outer ones (`return_code`, `appid`, `mch_id`, `nonce_str`, `req_info`),
/// each freed with `wxpay_fields_free`; on failure neither is written.
///
/// # Safety
/// As `wxpay_notify_payment`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_notify_refund(
    client: *const wxpay_client,
    body: *const c_char,
    body_len: usize,
    out_info: *mut *mut wxpay_fields,
    out_outer: *mut *mut wxpay_fields,
) -> wxpay_result {
    guard("wxpay_notify_refund", || {
        let out_info = out(out_info, "out_info")?;
        let out_outer = out(out_outer, "out_outer")?;
        // SAFETY: the caller's contract.
        let client = unsafe { client.as_ref() }.ok_or_else(|| args::null("client"))?;
        // SAFETY: the caller's contract.
        let body = unsafe { args::bytes(body, body_len, "body") }?;
        let n = client.client.refund_notification(body)?;
        hand_out(n.info.iter(), out_info);
        hand_out(n.outer.iter(), out_outer);
        Ok(())
    })
}

/// The XML answer to a notification: `success` non-zero gives
/// `return_code=SUCCESS` (WeChat stops retrying), zero gives `FAIL` (WeChat
/// retries later). `message` (NUL-terminated UTF-8, NULL for `OK` / `FAIL`)
/// becomes `return_msg`.
///
/// Ownership: `message` is borrowed for the call. On success `*out_xml`
/// receives a NUL-terminated string the caller frees with
/// `wxpay_string_free`, and `*out_len` (if not NULL) its length; on failure
/// neither is written.
///
/// # Safety
/// `message` NULL or NUL-terminated; `out_xml` writable; `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_notify_reply(
    success: i32,
    message: *const c_char,
    out_xml: *mut *mut c_char,
    out_len: *mut usize,
) -> wxpay_result {
    guard("wxpay_notify_reply", || {
        let out_xml = out(out_xml, "out_xml")?;
        let message = if message.is_null() {
            None
        } else {
            // SAFETY: the caller's contract.
            Some(unsafe { args::cstr(message, "message") }?)
        };
        // SAFETY: the caller's contract.
        unsafe { hand_out_string(notify::reply(success != 0, message)?, out_xml, out_len) }
    })
}
