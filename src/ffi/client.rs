//! `wxpay_client`, `wxpay_request`, `wxpay_download`.

use std::ffi::c_char;

use super::args::{self, cstr, out};
use super::config::wxpay_config;
use super::error::FfiError;
use super::error::wxpay_result;
use super::fields::{hand_out, wxpay_fields};
use super::panic::{guard, guard_value};
use crate::client::Client;

/// A configured client. Thread-safe: share one between threads; it keeps
/// connections alive between requests. Its settings are fixed once made,
/// except its merchant certificate, which `wxpay_client_reload_certificate`
/// replaces while it runs. Free it with `wxpay_client_free` once no thread
/// uses it.
///
/// In a process that forks (PHP-FPM, prefork servers), make clients after
/// the fork: a client owns a background I/O thread that a fork does not copy.
/// In a child, a client made before the fork refuses every request with
/// `WXPAY_RESULT_CLIENT_FORKED` before any I/O, and `wxpay_client_free` of
/// it is safe (its transport is left unfreed there, as the thread it would
/// wait for is not in the child).
pub struct wxpay_client {
    pub(crate) client: Client,
}

impl wxpay_client {
    pub(crate) fn client(&self) -> &Client {
        &self.client
    }
}

/// Makes a client from a configuration: loads and checks the certificate
/// (`WXPAY_RESULT_CERTIFICATE_*`), the root CA and the options.
/// `mch_id` and `api_key` are required (`WXPAY_RESULT_INVALID_ARGUMENT`).
///
/// Ownership: `cfg` is borrowed for the call and may be reused or freed
/// afterwards. On success `*out_client` receives a client the caller frees
/// with `wxpay_client_free`; on failure it is not written.
///
/// # Safety
/// `cfg` must be a live configuration; `out_client` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_client_new(cfg: *const wxpay_config, out_client: *mut *mut wxpay_client) -> wxpay_result {
    guard("wxpay_client_new", || {
        let out_client = out(out_client, "out_client")?;
        // SAFETY: the caller's contract.
        let cfg = unsafe { cfg.as_ref() }.ok_or_else(|| args::null("cfg"))?;
        let client = Client::new(cfg.config())?;
        *out_client = Box::into_raw(Box::new(wxpay_client { client }));
        Ok(())
    })
}

/// Frees a client, closing its connections. NULL is accepted. Safe in a
/// child forked after the client was made.
///
/// # Safety
/// `client` must be NULL or a client from this library, not freed before
/// and not in use by any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_client_free(client: *mut wxpay_client) {
    guard_value("wxpay_client_free", (), || {
        if !client.is_null() {
            // SAFETY: the caller hands back ownership of a client we allocated.
            drop(unsafe { Box::from_raw(client) });
        }
    })
}

/// A request's arguments, checked: the client, the path and the field pairs.
type CallArgs<'a> = (&'a Client, &'a str, Vec<(&'a str, &'a str)>);

/// # Safety
/// As documented on the exported functions.
unsafe fn call_args<'a>(
    client: *const wxpay_client,
    path: *const c_char,
    fields: *const c_char,
    fields_len: usize,
    field_count: usize,
) -> Result<CallArgs<'a>, FfiError> {
    // SAFETY: the caller's contract.
    let client = unsafe { client.as_ref() }.ok_or_else(|| args::null("client"))?;
    // SAFETY: the caller's contract.
    let path = unsafe { cstr(path, "path") }?;
    // SAFETY: the caller's contract.
    let data = unsafe { args::text(fields, fields_len, "fields") }?;
    Ok((&client.client, path, args::unpack(data, field_count)?))
}

/// Calls an XML endpoint, e.g. `path` `"pay/unifiedorder"` (no host, no
/// leading slash needed), with the caller's packed fields (see
/// `wxpay_fields_from_packed`).
///
/// The client adds what the endpoint takes of: the app ID and merchant ID
/// (under the endpoint's names, e.g. `mch_appid`/`mchid` for transfers),
/// `sub_appid`/`sub_mch_id`, `nonce_str`, `sign_type`, and `sign`. A caller's
/// field that disagrees with the configured identity, a `sign`, or a
/// `sign_type` the endpoint refuses is `WXPAY_RESULT_CONFLICTING_FIELD`; a
/// missing required field `WXPAY_RESULT_MISSING_FIELD`; a certificate
/// endpoint without a configured certificate
/// `WXPAY_RESULT_CERTIFICATE_REQUIRED`; a client made before a `fork()`
/// used in the child `WXPAY_RESULT_CLIENT_FORKED`. These are found before
/// any network I/O. Bill endpoints (`pay/downloadbill`, ...) are refused: use
/// `wxpay_download`. `wxpay_endpoint_info` tells which is which.
///
/// Results: `WXPAY_RESULT_OK` with the verified response; 4xx TLS, 5xx
/// transport; `WXPAY_RESULT_PROTOCOL_FAIL` (`return_code=FAIL`) and
/// `WXPAY_RESULT_BUSINESS_FAIL` (`result_code=FAIL`), whose whole response
/// is then in `wxpay_last_error_response()`; `WXPAY_RESULT_SIGNATURE_*` for
/// a bad or missing response signature (endpoints with unsigned responses
/// excepted); `WXPAY_RESULT_XML_*` for a malformed response.
///
/// Ownership: inputs are borrowed for the call. On success `*out_response`
/// receives fields the caller frees with `wxpay_fields_free`; on failure it
/// is not written.
///
/// Threads: any number of threads may call this on one client at once. The
/// client's log callback runs on the calling thread.
///
/// # Safety
/// `client` live; `path` NUL-terminated; `fields` `fields_len` readable
/// bytes; `out_response` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_request(
    client: *const wxpay_client,
    path: *const c_char,
    fields: *const c_char,
    fields_len: usize,
    field_count: usize,
    out_response: *mut *mut wxpay_fields,
) -> wxpay_result {
    guard("wxpay_request", || {
        let out_response = out(out_response, "out_response")?;
        // SAFETY: the caller's contract.
        let (client, path, pairs) = unsafe { call_args(client, path, fields, fields_len, field_count) }?;
        let response = client.request(path, &pairs)?;
        hand_out(response.iter(), out_response);
        Ok(())
    })
}

/// Downloads a bill (`pay/downloadbill`, `pay/downloadfundflow`,
/// `billcommentsp/batchquerycomment`): fields, checks and thread-safety as
/// `wxpay_request`. The body is returned as bytes, gunzipped when the server
/// sent gzip (`tar_type=GZIP`), within `max_download_size`
/// (`WXPAY_RESULT_RESPONSE_TOO_LARGE`). A failure comes as XML and becomes
/// `WXPAY_RESULT_PROTOCOL_FAIL` / `_BUSINESS_FAIL` with the response in
/// `wxpay_last_error_response()`.
///
/// Ownership: inputs are borrowed for the call. On success `*out_data` and
/// `*out_len` receive the bytes, which the caller frees with
/// `wxpay_bytes_free(data, len)` (an empty bill still gives a pointer to
/// free); on failure neither is written.
///
/// # Safety
/// As `wxpay_request`; `out_data` and `out_len` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_download(
    client: *const wxpay_client,
    path: *const c_char,
    fields: *const c_char,
    fields_len: usize,
    field_count: usize,
    out_data: *mut *mut u8,
    out_len: *mut usize,
) -> wxpay_result {
    guard("wxpay_download", || {
        let out_data = out(out_data, "out_data")?;
        let out_len = out(out_len, "out_len")?;
        // SAFETY: the caller's contract.
        let (client, path, pairs) = unsafe { call_args(client, path, fields, fields_len, field_count) }?;
        let bytes = client.download(path, &pairs)?.into_boxed_slice();
        *out_len = bytes.len();
        *out_data = Box::into_raw(bytes).cast::<u8>();
        Ok(())
    })
}

/// Frees bytes from `wxpay_download`; `len` must be the length it gave.
/// NULL is accepted and ignored.
///
/// # Safety
/// `data` must be NULL or a pointer from `wxpay_download` with its `len`,
/// not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_bytes_free(data: *mut u8, len: usize) {
    guard_value("wxpay_bytes_free", (), || {
        if !data.is_null() {
            // SAFETY: the caller hands back a boxed slice of `len` bytes we allocated.
            drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(data, len)) });
        }
    })
}
