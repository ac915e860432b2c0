//! Bank payouts: `wxpay_pay_bank` and the RSA-OAEP field encryption.

use std::ffi::c_char;

use super::args::{self, out};
use super::client::wxpay_client;
use super::error::wxpay_result;
use super::fields::{hand_out, wxpay_fields};
use super::panic::guard;
use super::xml::hand_out_string;
use crate::payout::PublicKey;

/// Pays to a bank card (`mmpaysptrans/pay_bank`; the client needs the
/// merchant certificate). `fields` (packed, as for `wxpay_request`) give
/// the card number as `bank_no` and the holder's name as `true_name` in
/// plain text, with `partner_trade_no`, `bank_code`, `amount` and
/// optionally `desc`; they are sent as `enc_bank_no`/`enc_true_name`,
/// encrypted (RSA-OAEP, SHA-1) with WeChat's key, which the client fetches
/// from `risk/getpublickey` on its first payout and keeps. Neither plain
/// value is logged or quoted in a message.
///
/// Results: as `wxpay_request`; a missing `bank_no`/`true_name` is
/// `WXPAY_RESULT_MISSING_FIELD`; an `enc_bank_no`/`enc_true_name` given by
/// the caller is `WXPAY_RESULT_CONFLICTING_FIELD` (send fields encrypted
/// elsewhere with `wxpay_request`).
///
/// Ownership: inputs are borrowed for the call. On success `*out_response`
/// receives fields the caller frees with `wxpay_fields_free`; on failure it
/// is not written. Threads: as `wxpay_request`.
///
/// # Safety
/// `client` live; `fields` `fields_len` readable bytes; `out_response` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_pay_bank(
    client: *const wxpay_client,
    fields: *const c_char,
    fields_len: usize,
    field_count: usize,
    out_response: *mut *mut wxpay_fields,
) -> wxpay_result {
    guard("wxpay_pay_bank", || {
        let out_response = out(out_response, "out_response")?;
        // SAFETY: the caller's contract.
        let client = unsafe { client.as_ref() }.ok_or_else(|| args::null("client"))?;
        // SAFETY: the caller's contract.
        let data = unsafe { args::text(fields, fields_len, "fields") }?;
        let pairs = args::unpack(data, field_count)?;
        let response = client.client.pay_bank(&pairs)?;
        hand_out(response.iter(), out_response);
        Ok(())
    })
}

/// Encrypts one payout field (a card number or a name, UTF-8) with the
/// RSA public key `public_key` (PEM: PKCS#1 `BEGIN RSA PUBLIC KEY`, as
/// `risk/getpublickey` returns it, or `BEGIN PUBLIC KEY`), RSA-OAEP with
/// SHA-1 and MGF1-SHA-1, base64: the form of `enc_bank_no` and
/// `enc_true_name`. Randomized: each call gives another ciphertext.
///
/// Results: `WXPAY_RESULT_INVALID_ARGUMENT` for a key that is not an RSA
/// public key, or a text empty or too long for the key (214 bytes for
/// 2048 bits); the text is never quoted.
///
/// Ownership: inputs are borrowed for the call. On success `*out_text`
/// receives a NUL-terminated string freed with `wxpay_string_free`, and
/// `*out_len` (if not NULL) its length; on failure neither is written.
///
/// # Safety
/// `public_key` `public_key_len` readable bytes, `text` `text_len`;
/// `out_text` writable; `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_payout_encrypt(
    public_key: *const c_char,
    public_key_len: usize,
    text: *const c_char,
    text_len: usize,
    out_text: *mut *mut c_char,
    out_len: *mut usize,
) -> wxpay_result {
    guard("wxpay_payout_encrypt", || {
        let out_text = out(out_text, "out_text")?;
        // SAFETY: the caller's contract.
        let pem = unsafe { args::text(public_key, public_key_len, "public_key") }?;
        // SAFETY: the caller's contract.
        let text = unsafe { args::text(text, text_len, "text") }?;
        let encrypted = PublicKey::from_pem(pem.as_bytes())?.encrypt(text)?;
        // SAFETY: the caller's contract.
        unsafe { hand_out_string(encrypted, out_text, out_len) }
    })
}
