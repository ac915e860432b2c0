//! `wxpay_config`: what a client is made from.

use std::ffi::{c_char, c_void};

use super::args::{self, cstr};
use super::error::{FfiError, wxpay_result};
use super::log::{self, wxpay_log_callback};
use super::panic::{guard, guard_value};
use crate::client::Config;
use crate::log::LogLevel;

/// A client configuration being assembled. Create with `wxpay_config_new`,
/// fill with the `wxpay_config_set*` functions, turn into any number of
/// clients with `wxpay_client_new`, free with `wxpay_config_free`.
///
/// Not thread-safe: one thread at a time. Certificate data and passwords
/// given to it are copied, wiped from memory when freed, and never appear
/// in messages.
pub struct wxpay_config {
    config: Config,
}

impl wxpay_config {
    pub(crate) fn config(&self) -> &Config {
        &self.config
    }
}

/// # Safety
/// `cfg` must be NULL or a live `wxpay_config` not used by another thread.
unsafe fn config_mut<'a>(cfg: *mut wxpay_config) -> Result<&'a mut Config, FfiError> {
    // SAFETY: the caller's contract.
    unsafe { cfg.as_mut() }.map(|c| &mut c.config).ok_or_else(|| args::null("cfg"))
}

/// # Safety
/// `ptr` must be NULL or a NUL-terminated string.
pub(crate) unsafe fn optional_cstr<'a>(ptr: *const c_char, what: &str) -> Result<Option<&'a str>, FfiError> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded from the caller.
    unsafe { cstr(ptr, what) }.map(Some)
}

/// A new configuration with the defaults: MD5, host `api` failing over to
/// `api2` on connect errors, connect timeout 6 s, total timeout 30 s,
/// response limit 1 MiB, bill limit 256 MiB, no certificate, no log.
///
/// Ownership: the caller owns the result and frees it with
/// `wxpay_config_free`. Returns NULL only on an internal error.
#[unsafe(no_mangle)]
pub extern "C" fn wxpay_config_new() -> *mut wxpay_config {
    guard_value("wxpay_config_new", std::ptr::null_mut(), || {
        Box::into_raw(Box::new(wxpay_config { config: Config::new() }))
    })
}

/// Sets a textual option. `name` is one of:
/// - `appid`, `mch_id` (required), `api_key` (required; 32 letters/digits),
///   `sub_appid`, `sub_mch_id` (service-provider mode; leave `sub_mch_id`
///   unset to pass it per request);
/// - `sign_type`: `MD5` (default) or `HMAC-SHA256`; endpoints that accept
///   only one algorithm use it regardless;
/// - `host`: `api` (default), `api2`, `apihk`, `apius`, or an `https://` base URL;
/// - `backup_host`: the same forms, or `none`; by default `api2` when the
///   host is `api`, none otherwise;
/// - `failover`: `never`, `on_connect_error` (default: only when no
///   connection was made), `on_no_response` (also when the request was sent
///   but no response arrived; relies on WeChat's idempotency by order
///   number). Never after a response was received;
/// - `proxy`: `environment` (default: `HTTPS_PROXY` or `ALL_PROXY`, and
///   `NO_PROXY`, as set when the client is made), `none`, or a proxy URL
///   `http://[user:password@]host:port`; TLS to WeChat runs end to end
///   through the tunnel, verified as without a proxy;
/// - `connect_timeout_ms`, `timeout_ms` (total, from connect to the last
///   byte; neither may be 0), `max_response_size`, `max_download_size` (bytes);
/// - `max_fields`: the most fields a response or notification may have
///   (default `WXPAY_XML_MAX_FIELDS`; more is `WXPAY_RESULT_XML_TOO_MANY_FIELDS`;
///   not 0);
/// - `keep_alive`: `true` (default) or `false`; `false` opens a new connection for every
///   request (for measurements and broken middleboxes);
/// - `strict_permissions`: `true` refuses a private key or `.p12` file that
///   group or others can read (`WXPAY_RESULT_CERTIFICATE_PERMISSIONS`);
///   `false` (default) logs a warning;
/// - `certificate_check_interval_ms`: requests look at most this often
///   whether the certificate files were replaced and reload them (see
///   `wxpay_client_reload_certificate`); 0 (default) never;
/// - `sandbox`: `true` sends every request to WeChat's sandbox
///   (`xdc/apiv2sandbox/`), signed MD5 with the sandbox key the client fetches
///   and caches; `false` (default);
/// - `sandbox_key_ttl_s`: how long that key is cached, in seconds (not 0).
///
/// An unknown name or a bad value is `WXPAY_RESULT_INVALID_ARGUMENT` (a bad
/// key `WXPAY_RESULT_INVALID_KEY`, a bad sign type
/// `WXPAY_RESULT_UNKNOWN_SIGN_TYPE`); the message never quotes the key.
///
/// Ownership: `name` and `value` are copied.
///
/// # Safety
/// `cfg` must be a live configuration; `name` and `value` NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_config_set(cfg: *mut wxpay_config, name: *const c_char, value: *const c_char) -> wxpay_result {
    guard("wxpay_config_set", || {
        // SAFETY: the caller's contract.
        let config = unsafe { config_mut(cfg) }?;
        // SAFETY: the caller's contract.
        let name = unsafe { cstr(name, "name") }?;
        // SAFETY: the caller's contract.
        let value = unsafe { cstr(value, "value") }?;
        config.set(name, value)?;
        Ok(())
    })
}

/// Sets the merchant certificate from `.p12` bytes (`apiclient_cert.p12`),
/// replacing any certificate set before. `password` NULL means the merchant
/// ID (WeChat's default). The file is checked by `wxpay_client_new`:
/// `WXPAY_RESULT_CERTIFICATE_PASSWORD`, `_CERTIFICATE_CORRUPT`,
/// `_CERTIFICATE_KEY_MISMATCH`, `_CERTIFICATE_UNSUPPORTED`. Old RC2-40
/// files are supported (OpenSSL's legacy provider is loaded for them).
///
/// Ownership: `data` and `password` are copied.
///
/// # Safety
/// `cfg` live; `data` `len` readable bytes; `password` NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_config_set_p12(cfg: *mut wxpay_config, data: *const u8, len: usize, password: *const c_char) -> wxpay_result {
    guard("wxpay_config_set_p12", || {
        // SAFETY: the caller's contract.
        let config = unsafe { config_mut(cfg) }?;
        // SAFETY: the caller's contract.
        let der = unsafe { args::bytes(data.cast(), len, "data") }?;
        // SAFETY: the caller's contract.
        let password = unsafe { optional_cstr(password, "password") }?;
        config.set_p12(der, password);
        Ok(())
    })
}

/// As `wxpay_config_set_p12`, reading the file at `path` now
/// (`WXPAY_RESULT_CERTIFICATE_FILE` if it cannot be read). The path and
/// password are remembered, so that `wxpay_client_reload_certificate` (and
/// the option `certificate_check_interval_ms`) can read the file again, and
/// the file's permissions are checked (option `strict_permissions`).
///
/// # Safety
/// `cfg` live; `path` NUL-terminated; `password` NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_config_set_p12_file(cfg: *mut wxpay_config, path: *const c_char, password: *const c_char) -> wxpay_result {
    guard("wxpay_config_set_p12_file", || {
        // SAFETY: the caller's contract.
        let config = unsafe { config_mut(cfg) }?;
        // SAFETY: the caller's contract.
        let path = unsafe { cstr(path, "path") }?;
        // SAFETY: the caller's contract.
        let password = unsafe { optional_cstr(password, "password") }?;
        config.set_p12_file(path, password)?;
        Ok(())
    })
}

/// Sets the merchant certificate from PEM: `cert` (`apiclient_cert.pem`,
/// optionally followed by its chain) and `key` (`apiclient_key.pem`:
/// PKCS#8 `BEGIN PRIVATE KEY`, PKCS#1 `BEGIN RSA PRIVATE KEY`, or an
/// encrypted key with `key_password`, which may be NULL). Checked by
/// `wxpay_client_new`, with the codes listed at `wxpay_config_set_p12`.
///
/// Ownership: all inputs are copied.
///
/// # Safety
/// `cfg` live; `cert`/`key` readable for their lengths; `key_password` NULL
/// or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_config_set_pem(
    cfg: *mut wxpay_config,
    cert: *const c_char,
    cert_len: usize,
    key: *const c_char,
    key_len: usize,
    key_password: *const c_char,
) -> wxpay_result {
    guard("wxpay_config_set_pem", || {
        // SAFETY: the caller's contract.
        let config = unsafe { config_mut(cfg) }?;
        // SAFETY: the caller's contract.
        let cert = unsafe { args::bytes(cert, cert_len, "cert") }?;
        // SAFETY: the caller's contract.
        let key = unsafe { args::bytes(key, key_len, "key") }?;
        // SAFETY: the caller's contract.
        let password = unsafe { optional_cstr(key_password, "key_password") }?;
        config.set_pem(cert, key, password);
        Ok(())
    })
}

/// As `wxpay_config_set_pem`, reading both files now; the paths are
/// remembered as for `wxpay_config_set_p12_file`, and the key file's
/// permissions checked.
///
/// # Safety
/// `cfg` live; paths NUL-terminated; `key_password` NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_config_set_pem_files(
    cfg: *mut wxpay_config,
    cert_path: *const c_char,
    key_path: *const c_char,
    key_password: *const c_char,
) -> wxpay_result {
    guard("wxpay_config_set_pem_files", || {
        // SAFETY: the caller's contract.
        let config = unsafe { config_mut(cfg) }?;
        // SAFETY: the caller's contract.
        let cert_path = unsafe { cstr(cert_path, "cert_path") }?;
        // SAFETY: the caller's contract.
        let key_path = unsafe { cstr(key_path, "key_path") }?;
        // SAFETY: the caller's contract.
        let password = unsafe { optional_cstr(key_password, "key_password") }?;
        config.set_pem_files(cert_path, key_path, password)?;
        Ok(())
    })
}

/// Trusts the CA certificates of a PEM bundle (`rootca.pem`) in addition to
/// the system's. Server certificates are always verified; there is no way to
/// turn that off. Checked by `wxpay_client_new`.
///
/// Ownership: `pem` is copied.
///
/// # Safety
/// `cfg` live; `pem` `len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_config_set_root_ca(cfg: *mut wxpay_config, pem: *const c_char, len: usize) -> wxpay_result {
    guard("wxpay_config_set_root_ca", || {
        // SAFETY: the caller's contract.
        let config = unsafe { config_mut(cfg) }?;
        // SAFETY: the caller's contract.
        let pem = unsafe { args::bytes(pem, len, "pem") }?;
        config.set_root_ca(pem);
        Ok(())
    })
}

/// As `wxpay_config_set_root_ca`, reading the file now.
///
/// # Safety
/// `cfg` live; `path` NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_config_set_root_ca_file(cfg: *mut wxpay_config, path: *const c_char) -> wxpay_result {
    guard("wxpay_config_set_root_ca_file", || {
        // SAFETY: the caller's contract.
        let config = unsafe { config_mut(cfg) }?;
        // SAFETY: the caller's contract.
        let path = unsafe { cstr(path, "path") }?;
        config.set_root_ca_file(path)?;
        Ok(())
    })
}

/// Installs the log callback of the clients made from this configuration
/// (see `wxpay_log_callback`), with the least severe level wanted
/// (`WXPAY_LOG_LEVEL_ERROR` .. `WXPAY_LOG_LEVEL_DEBUG`). A NULL `callback`
/// removes it.
///
/// Ownership: `callback` and `user_data` are kept, not owned: they must stay
/// valid until every client made from this configuration is freed, and be
/// usable from any thread that makes requests.
///
/// # Safety
/// `cfg` live; `callback` NULL or a function matching `wxpay_log_callback`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_config_set_log(
    cfg: *mut wxpay_config,
    callback: wxpay_log_callback,
    user_data: *mut c_void,
    min_level: i32,
) -> wxpay_result {
    guard("wxpay_config_set_log", || {
        // SAFETY: the caller's contract.
        let config = unsafe { config_mut(cfg) }?;
        let Some(callback) = callback else {
            config.set_logger(None);
            return Ok(());
        };
        let level = LogLevel::from_number(min_level).ok_or_else(|| {
            FfiError::new(
                wxpay_result::InvalidArgument,
                format!("min_level {min_level} is not a WXPAY_LOG_LEVEL_* (1 to 4)"),
            )
        })?;
        config.set_logger(Some(log::logger(callback, user_data, level)));
        Ok(())
    })
}

/// Frees a configuration (clients made from it live on). NULL is accepted.
///
/// # Safety
/// `cfg` must be NULL or a configuration from this library not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_config_free(cfg: *mut wxpay_config) {
    guard_value("wxpay_config_free", (), || {
        if !cfg.is_null() {
            // SAFETY: the caller hands back ownership of a configuration we allocated.
            drop(unsafe { Box::from_raw(cfg) });
        }
    })
}
