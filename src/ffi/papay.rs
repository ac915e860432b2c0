//! Automatic deduction (委托代扣): `wxpay_papay_url`, `wxpay_notify_contract`.
//! The deduction and contract calls themselves go through `wxpay_request`.

use std::ffi::c_char;

use super::args::{self, out};
use super::client::wxpay_client;
use super::error::wxpay_result;
use super::fields::{hand_out, wxpay_fields};
use super::panic::guard;
use super::xml::hand_out_string;

/// The contract-signing link the user opens in WeChat
/// (`https://<host>/papay/entrustweb?...&sign=...`), from the caller's
/// packed fields (see `wxpay_fields_from_packed`): `plan_id`,
/// `contract_code`, `request_serial`, `contract_display_account` and
/// `notify_url` are required (else `WXPAY_RESULT_MISSING_FIELD`), optional
/// ones (`return_web`, `outerid`, ...) are passed on. The client adds its
/// `appid` (none configured is `WXPAY_RESULT_INVALID_ARGUMENT`) and
/// `mch_id`, `version=1.0` and `timestamp` (now) unless given, and signs MD5
/// with its API key; values are percent-encoded. A `sign` or `sign_type`, or
/// an identity field that disagrees with the client's, is
/// `WXPAY_RESULT_CONFLICTING_FIELD`; a `request_serial` or `timestamp` that
/// is not a whole number `WXPAY_RESULT_INVALID_ARGUMENT`.
///
/// Ownership: inputs are borrowed for the call. On success `*out_url`
/// receives a NUL-terminated string freed with `wxpay_string_free`, and
/// `*out_len` (if not NULL) its length; on failure neither is written.
///
/// # Safety
/// `client` live; `fields` `fields_len` readable bytes; `out_url` writable;
/// `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_papay_url(
    client: *const wxpay_client,
    fields: *const c_char,
    fields_len: usize,
    field_count: usize,
    out_url: *mut *mut c_char,
    out_len: *mut usize,
) -> wxpay_result {
    guard("wxpay_papay_url", || {
        let out_url = out(out_url, "out_url")?;
        // SAFETY: the caller's contract.
        let client = unsafe { client.as_ref() }.ok_or_else(|| args::null("client"))?;
        // SAFETY: the caller's contract.
        let data = unsafe { args::text(fields, fields_len, "fields") }?;
        let url = client.client.entrust_url(&args::unpack(data, field_count)?)?;
        // SAFETY: the caller's contract.
        unsafe { hand_out_string(url, out_url, out_len) }
    })
}

/// Verifies a contract notification (WeChat POSTs it to the signing link's
/// `notify_url` when a contract is signed or ends): `return_code`, the
/// signature with the client's API key (MD5 or HMAC-SHA256, told by its
/// length), the client's `mch_id` (and `appid` when present), then
/// `result_code=SUCCESS`, a `change_type` of `ADD` or `DELETE` and
/// non-empty `contract_id`, `contract_code`, `plan_id` and `openid`.
/// Results: as `wxpay_notify_payment`, with `WXPAY_RESULT_RESPONSE_INVALID`
/// for the last checks.
///
/// On success `*out_signed` is 1 for `change_type=ADD` (the user signed)
/// and 0 for `DELETE` (the contract ended). Acknowledge it with
/// `wxpay_notify_reply(1, ...)`.
///
/// Ownership: inputs are borrowed for the call. On success `*out_fields`
/// receives every field (`sign` included), freed with `wxpay_fields_free`;
/// on failure neither out-parameter is written.
///
/// # Safety
/// `client` live; `body` `body_len` readable bytes; out-parameters writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_notify_contract(
    client: *const wxpay_client,
    body: *const c_char,
    body_len: usize,
    out_fields: *mut *mut wxpay_fields,
    out_signed: *mut i32,
) -> wxpay_result {
    guard("wxpay_notify_contract", || {
        let out_fields = out(out_fields, "out_fields")?;
        let out_signed = out(out_signed, "out_signed")?;
        // SAFETY: the caller's contract.
        let client = unsafe { client.as_ref() }.ok_or_else(|| args::null("client"))?;
        // SAFETY: the caller's contract.
        let body = unsafe { args::bytes(body, body_len, "body") }?;
        let n = client.client.contract_notification(body)?;
        hand_out(n.fields.iter(), out_fields);
        *out_signed = i32::from(n.change == crate::papay::ContractChange::Signed);
        Ok(())
    })
}
