//! `wxpay_sign`, `wxpay_verify`, `wxpay_verify_xml`.

use std::ffi::c_char;

use super::args::{self, out, write_cstr};
use super::error::{FfiError, wxpay_result};
use super::fields::{hand_out, wxpay_fields};
use super::panic::guard;
use crate::sign::{self, ApiKey};
use crate::xml;

/// The size of the buffer `wxpay_sign` writes into: 64 hex digits and a NUL.
pub const WXPAY_SIGN_BUF_LEN: usize = 65;

/// The algorithm argument of `wxpay_sign` and `wxpay_verify`.
#[repr(C)]
pub enum wxpay_sign_type {
    /// Sign: the message's `sign_type` field, else MD5. Verify: the field,
    /// else the signature's length (32 → MD5, 64 → HMAC-SHA256).
    Auto = 0,
    Md5 = 1,
    HmacSha256 = 2,
}

/// # Safety
/// As for [`args::bytes`].
unsafe fn api_key(key: *const c_char, key_len: usize) -> Result<ApiKey, FfiError> {
    // SAFETY: forwarded from the caller.
    let key = unsafe { args::bytes(key, key_len, "key") }?;
    Ok(ApiKey::new(key)?)
}

/// Signs packed fields (see `wxpay_fields_from_packed` for the format).
///
/// Every field but `sign` is signed, empty values are dropped and `0` kept,
/// names sorted by byte, `&key=` appended, uppercase hex. `sign_type` is a
/// `WXPAY_SIGN_TYPE_*`; if the fields carry `sign_type`, the two must agree
/// (`WXPAY_RESULT_SIGN_TYPE_MISMATCH`). The key must be 32 ASCII letters or
/// digits (`WXPAY_RESULT_INVALID_KEY`).
///
/// Ownership: all inputs are borrowed for the call. `out_sign` is the
/// caller's buffer of `out_sign_cap` bytes (`WXPAY_SIGN_BUF_LEN` suffices);
/// on success it receives the NUL-terminated signature.
///
/// Thread safety: may be called from any number of threads at once.
///
/// # Safety
/// `fields` must point to `fields_len` readable bytes, `key` to `key_len`
/// bytes, `out_sign` to `out_sign_cap` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_sign(
    fields: *const c_char,
    fields_len: usize,
    field_count: usize,
    key: *const c_char,
    key_len: usize,
    sign_type: i32,
    out_sign: *mut c_char,
    out_sign_cap: usize,
) -> wxpay_result {
    guard("wxpay_sign", || {
        if out_sign.is_null() {
            return Err(args::null("out_sign"));
        }
        let sign_type = args::sign_type(sign_type)?;
        // SAFETY: the caller's contract.
        let data = unsafe { args::text(fields, fields_len, "fields") }?;
        let pairs = args::unpack(data, field_count)?;
        // SAFETY: the caller's contract.
        let key = unsafe { api_key(key, key_len) }?;
        let signature = sign::sign(&pairs, &key, sign_type)?;
        write_cstr(signature.as_str(), out_sign, out_sign_cap, "out_sign")
    })
}

/// Verifies the `sign` field of packed fields in constant time.
///
/// The algorithm is `sign_type` unless it is `WXPAY_SIGN_TYPE_AUTO`, else the
/// message's `sign_type` field, else the signature's length. Results:
/// `WXPAY_RESULT_OK`, `WXPAY_RESULT_SIGNATURE_MISSING` (no `sign`),
/// `WXPAY_RESULT_SIGNATURE_MISMATCH`, `WXPAY_RESULT_SIGN_TYPE_MISMATCH`
/// (the message announces another algorithm than the one asked for).
///
/// Ownership: inputs borrowed for the call. `out_sign_type` may be NULL;
/// if not, it receives the algorithm used (a `WXPAY_SIGN_TYPE_*`) on success.
///
/// Thread safety: may be called from any number of threads at once.
///
/// # Safety
/// As for `wxpay_sign`; `out_sign_type` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_verify(
    fields: *const c_char,
    fields_len: usize,
    field_count: usize,
    key: *const c_char,
    key_len: usize,
    sign_type: i32,
    out_sign_type: *mut i32,
) -> wxpay_result {
    guard("wxpay_verify", || {
        let sign_type = args::sign_type(sign_type)?;
        // SAFETY: the caller's contract.
        let data = unsafe { args::text(fields, fields_len, "fields") }?;
        let pairs = args::unpack(data, field_count)?;
        // SAFETY: the caller's contract.
        let key = unsafe { api_key(key, key_len) }?;
        let used = sign::verify(&pairs, &key, sign_type)?;
        // SAFETY: the caller's contract: NULL or writable.
        if let Some(o) = unsafe { out_sign_type.as_mut() } {
            *o = args::sign_type_code(used);
        }
        Ok(())
    })
}

/// Parses an XML document and verifies its signature in one call.
///
/// Parsing is as `wxpay_xml_parse` (with `max_size`, 0 meaning the 1 MiB
/// default), verification as `wxpay_verify`. Either step's error code is
/// returned.
///
/// Ownership: inputs borrowed for the call. On success `*out_fields`
/// receives the verified fields (including `sign`), which the caller frees
/// with `wxpay_fields_free`; on failure it is not written.
///
/// # Safety
/// `xml` must point to `xml_len` readable bytes, `key` to `key_len` bytes;
/// `out_fields` must be writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_verify_xml(
    xml: *const c_char,
    xml_len: usize,
    max_size: usize,
    key: *const c_char,
    key_len: usize,
    sign_type: i32,
    out_fields: *mut *mut wxpay_fields,
) -> wxpay_result {
    guard("wxpay_verify_xml", || {
        let out_fields = out(out_fields, "out_fields")?;
        let sign_type = args::sign_type(sign_type)?;
        // SAFETY: the caller's contract.
        let doc = unsafe { args::bytes(xml, xml_len, "xml") }?;
        // SAFETY: the caller's contract.
        let key = unsafe { api_key(key, key_len) }?;
        let limit = if max_size == 0 { xml::DEFAULT_MAX_SIZE } else { max_size };
        let (fields, _) = sign::verify_xml(doc, limit, &key, sign_type)?;
        hand_out(fields.iter().map(|(k, v)| (k.as_ref(), v.as_ref())), out_fields);
        Ok(())
    })
}
