//! Merchant certificates: `wxpay_cert_info`, and a client's certificate
//! status and reload.

use std::ffi::c_char;

use super::args::{self, out};
use super::client::wxpay_client;
use super::config::optional_cstr;
use super::error::FfiError;
use super::error::wxpay_result;
use super::fields::{hand_out, wxpay_fields};
use super::panic::guard;
use crate::cert;

/// Clients warn (log hook and `wxpay_client_cert_status`) when their
/// certificate expires within this many days: WeChat opens renewal then.
pub const WXPAY_CERT_WARNING_DAYS: i32 = 60;

fn pairs_out(pairs: &[(&'static str, String)], out_fields: &mut *mut wxpay_fields) {
    hand_out(pairs.iter().map(|(k, v)| (*k, v.as_str())), out_fields);
}

/// Inspects a merchant certificate without making a client.
///
/// `data`/`len`: a `.p12` (`apiclient_cert.p12`), a PEM certificate
/// (`apiclient_cert.pem`, optionally with its private key in the same text)
/// or a DER certificate. `key`/`key_len`: the PEM private key
/// (`apiclient_key.pem`, PKCS#8 or PKCS#1), or NULL/0; not allowed with a
/// `.p12`, which holds its own. `password`: the `.p12` password (WeChat's
/// default is the merchant ID, `mch_id`) or an encrypted PEM key's password;
/// NULL for none (a `.p12` is then tried with the empty password).
///
/// On success `*out_info` receives these fields, always all of them, in this
/// order: `subject_cn`, `subject`, `issuer_cn`, `issuer_kind` (`wechatpay`
/// for `MmpaymchCA`, `ca` for `Tenpay.com Root CA`, `unknown`), `serial`
/// (uppercase hex of whole bytes), `not_before`, `not_before_unix`, `not_after`,
/// `not_after_unix` (ISO 8601 UTC and unix seconds), `days_until_expiry`
/// (rounded down, negative once expired), `expiry` (`valid`, `expiring`
/// within `WXPAY_CERT_WARNING_DAYS`, `expired`, `not_yet_valid`),
/// `merchant_id` (the CN when it is 8 to 10 digits, else ""), `key_type`
/// (`RSA`, `EC`, ...), `key_bits`, `key_matches` (`true`, `false`, or
/// `unknown` when no private key was given), `sha256_fingerprint`.
///
/// A key that does not match is reported in `key_matches`, not as an error.
/// Errors: `WXPAY_RESULT_CERTIFICATE_PASSWORD` (wrong or missing password),
/// `_CERTIFICATE_CORRUPT`, `_CERTIFICATE_UNSUPPORTED`; messages never
/// contain the password or key material.
///
/// Ownership: inputs are borrowed for the call. The caller frees
/// `*out_info` with `wxpay_fields_free`; on failure it is not written.
/// Thread-safe.
///
/// # Safety
/// `data` `len` readable bytes; `key` NULL or `key_len` readable bytes;
/// `password` NULL or NUL-terminated; `out_info` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_cert_info(
    data: *const u8,
    len: usize,
    key: *const c_char,
    key_len: usize,
    password: *const c_char,
    out_info: *mut *mut wxpay_fields,
) -> wxpay_result {
    guard("wxpay_cert_info", || {
        let out_info = out(out_info, "out_info")?;
        // SAFETY: the caller's contract.
        let data = unsafe { args::bytes(data.cast(), len, "data") }?;
        if data.is_empty() {
            return Err(FfiError::new(wxpay_result::InvalidArgument, "data is empty: no certificate to inspect"));
        }
        let key = if key.is_null() && key_len == 0 {
            None
        } else {
            // SAFETY: the caller's contract.
            Some(unsafe { args::bytes(key, key_len, "key") }?)
        };
        // SAFETY: the caller's contract.
        let password = unsafe { optional_cstr(password, "password") }?;
        let info = cert::inspect(data, key, password)?;
        pairs_out(&info.to_pairs(cert::now_unix()), out_info);
        Ok(())
    })
}

/// The certificate a client uses now, for monitoring.
///
/// On success `*out_status` receives: `certificate` (`none` or `loaded`);
/// when loaded, every field of `wxpay_cert_info` (`expiry` is `expiring`
/// within `WXPAY_CERT_WARNING_DAYS` of `not_after`); then `warning` (the
/// sentence also logged at creation and reload, "" when none), `reloadable`
/// (`true` when the certificate came from files), `reloads` (successful
/// reloads so far) and `last_reload_error` ("" unless the last reload was
/// refused).
///
/// Ownership: `client` is borrowed; the caller frees `*out_status` with
/// `wxpay_fields_free`; on failure it is not written. Thread-safe.
///
/// # Safety
/// `client` live; `out_status` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_client_cert_status(client: *const wxpay_client, out_status: *mut *mut wxpay_fields) -> wxpay_result {
    guard("wxpay_client_cert_status", || {
        let out_status = out(out_status, "out_status")?;
        // SAFETY: the caller's contract.
        let client = unsafe { client.as_ref() }.ok_or_else(|| args::null("client"))?;
        pairs_out(&client.client().certificate_status().to_pairs(), out_status);
        Ok(())
    })
}

/// Re-reads the certificate files the client was configured with
/// (`wxpay_config_set_p12_file` / `_set_pem_files`) and swaps the new
/// certificate in, without a restart. Requests in flight on other threads
/// finish with the old certificate; later ones use the new one.
///
/// A replacement that does not load is refused with its code
/// (`WXPAY_RESULT_CERTIFICATE_CORRUPT`, `_PASSWORD`, `_KEY_MISMATCH`,
/// `_FILE`, `_CERTIFICATE_EXPIRED`, `_CERTIFICATE_PERMISSIONS` under
/// `strict_permissions`), logged at error level, recorded in
/// `last_reload_error`, and the current certificate stays in use. A client
/// whose certificate was given as bytes has nothing to re-read
/// (`WXPAY_RESULT_INVALID_ARGUMENT`). In a child forked after the client
/// was made it is `WXPAY_RESULT_CLIENT_FORKED`.
///
/// With the option `certificate_check_interval_ms`, requests also notice
/// replaced files by themselves (at most once per interval).
///
/// Ownership: `client` is borrowed. `out_info` may be NULL; otherwise on
/// success it receives the new certificate's fields (as
/// `wxpay_cert_info`), freed with `wxpay_fields_free`. Thread-safe; may be
/// called while other threads make requests.
///
/// # Safety
/// `client` live; `out_info` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_client_reload_certificate(client: *const wxpay_client, out_info: *mut *mut wxpay_fields) -> wxpay_result {
    guard("wxpay_client_reload_certificate", || {
        // SAFETY: a non-NULL out-parameter must point to writable memory (documented above).
        let out_info = unsafe { out_info.as_mut() };
        // SAFETY: the caller's contract.
        let client = unsafe { client.as_ref() }.ok_or_else(|| args::null("client"))?;
        let info = client.client().reload_certificate()?;
        if let Some(out_info) = out_info {
            pairs_out(&info.to_pairs(cert::now_unix()), out_info);
        }
        Ok(())
    })
}
