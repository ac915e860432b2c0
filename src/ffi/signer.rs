//! `wxpay_signer`: an API key and an algorithm checked once, for signing
//! and verifying many messages.
//!
//! `wxpay_sign` validates the key and, for HMAC-SHA256, derives its key
//! schedule on every call, and takes ten arguments; a wrapper that signs
//! in a loop pays for both. A signer does that work once and its calls take
//! half the arguments.

use std::ffi::c_char;

use super::args::{self, out, write_cstr};
use super::error::wxpay_result;
use super::fields::{hand_out, wxpay_fields};
use super::panic::{guard, guard_value};
use crate::sign::{self, ApiKey, SignType};
use crate::xml;

/// An API key with the algorithm to use. Immutable: may be shared between
/// threads and used from any number of them at once.
pub struct wxpay_signer {
    key: ApiKey,
    sign_type: Option<SignType>,
}

/// Checks `key` (32 ASCII letters or digits, else `WXPAY_RESULT_INVALID_KEY`)
/// and makes a signer that signs and verifies with it. `sign_type` is a
/// `WXPAY_SIGN_TYPE_*` and means what it means for `wxpay_sign` and
/// `wxpay_verify`.
///
/// Ownership: `key` is borrowed for the call and copied; the copy is wiped
/// when the signer is freed. On success `*out_signer` receives a signer the
/// caller frees with `wxpay_signer_free`; on failure it is not written.
///
/// # Safety
/// `key` must point to `key_len` readable bytes; `out_signer` must be writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_signer_new(
    key: *const c_char,
    key_len: usize,
    sign_type: i32,
    out_signer: *mut *mut wxpay_signer,
) -> wxpay_result {
    guard("wxpay_signer_new", || {
        let out_signer = out(out_signer, "out_signer")?;
        let sign_type = args::sign_type(sign_type)?;
        // SAFETY: the caller's contract.
        let key = ApiKey::new(unsafe { args::bytes(key, key_len, "key") }?)?;
        *out_signer = Box::into_raw(Box::new(wxpay_signer { key, sign_type }));
        Ok(())
    })
}

/// Frees a signer and wipes its key. NULL is accepted and does nothing.
///
/// # Safety
/// `signer` must be NULL or a signer from `wxpay_signer_new` not yet freed,
/// and no other thread may be using it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_signer_free(signer: *mut wxpay_signer) {
    guard_value("wxpay_signer_free", (), || {
        if !signer.is_null() {
            // SAFETY: the caller hands back ownership of a signer we allocated.
            drop(unsafe { Box::from_raw(signer) });
        }
    })
}

/// # Safety
/// `signer` must be NULL or a live signer.
unsafe fn borrow<'a>(
    signer: *const wxpay_signer,
) -> Result<&'a wxpay_signer, super::error::FfiError> {
    // SAFETY: the caller's contract.
    unsafe { signer.as_ref() }.ok_or_else(|| args::null("signer"))
}

/// `wxpay_sign` with the signer's key and algorithm.
///
/// Ownership: inputs are borrowed for the call; `out_sign` is the caller's
/// buffer of `out_sign_cap` bytes (`WXPAY_SIGN_BUF_LEN` suffices), written
/// only on success.
///
/// Thread safety: may be called from any number of threads at once.
///
/// # Safety
/// `signer` must be a live signer; `fields` must point to `fields_len`
/// readable bytes; `out_sign` to `out_sign_cap` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_signer_sign(
    signer: *const wxpay_signer,
    fields: *const c_char,
    fields_len: usize,
    field_count: usize,
    out_sign: *mut c_char,
    out_sign_cap: usize,
) -> wxpay_result {
    guard("wxpay_signer_sign", || {
        // SAFETY: the caller's contract.
        let signer = unsafe { borrow(signer) }?;
        if out_sign.is_null() {
            return Err(args::null("out_sign"));
        }
        // SAFETY: the caller's contract.
        let data = unsafe { args::text(fields, fields_len, "fields") }?;
        let pairs = args::unpack(data, field_count)?;
        let signature = sign::sign(&pairs, &signer.key, signer.sign_type)?;
        write_cstr(signature.as_str(), out_sign, out_sign_cap, "out_sign")
    })
}

/// `wxpay_verify` with the signer's key and algorithm.
///
/// Ownership: inputs borrowed for the call. `out_sign_type` may be NULL; if
/// not, it receives the algorithm used on success.
///
/// Thread safety: may be called from any number of threads at once.
///
/// # Safety
/// `signer` must be a live signer; `fields` must point to `fields_len`
/// readable bytes; `out_sign_type` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_signer_verify(
    signer: *const wxpay_signer,
    fields: *const c_char,
    fields_len: usize,
    field_count: usize,
    out_sign_type: *mut i32,
) -> wxpay_result {
    guard("wxpay_signer_verify", || {
        // SAFETY: the caller's contract.
        let signer = unsafe { borrow(signer) }?;
        // SAFETY: the caller's contract.
        let data = unsafe { args::text(fields, fields_len, "fields") }?;
        let pairs = args::unpack(data, field_count)?;
        let used = sign::verify(&pairs, &signer.key, signer.sign_type)?;
        // SAFETY: the caller's contract: NULL or writable.
        if let Some(o) = unsafe { out_sign_type.as_mut() } {
            *o = args::sign_type_code(used);
        }
        Ok(())
    })
}

/// `wxpay_verify_xml` with the signer's key and algorithm: parses a
/// document (`max_size` 0 meaning the 1 MiB default) and verifies it.
///
/// Ownership: inputs borrowed for the call. On success `*out_fields`
/// receives the verified fields, which the caller frees with
/// `wxpay_fields_free`; on failure it is not written.
///
/// Thread safety: may be called from any number of threads at once.
///
/// # Safety
/// `signer` must be a live signer; `xml` must point to `xml_len` readable
/// bytes; `out_fields` must be writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_signer_verify_xml(
    signer: *const wxpay_signer,
    xml: *const c_char,
    xml_len: usize,
    max_size: usize,
    out_fields: *mut *mut wxpay_fields,
) -> wxpay_result {
    guard("wxpay_signer_verify_xml", || {
        // SAFETY: the caller's contract.
        let signer = unsafe { borrow(signer) }?;
        let out_fields = out(out_fields, "out_fields")?;
        // SAFETY: the caller's contract.
        let doc = unsafe { args::bytes(xml, xml_len, "xml") }?;
        let limit = if max_size == 0 {
            xml::DEFAULT_MAX_SIZE
        } else {
            max_size
        };
        let (fields, _) = sign::verify_xml(doc, limit, &signer.key, signer.sign_type)?;
        hand_out(
            fields.iter().map(|(k, v)| (k.as_ref(), v.as_ref())),
            out_fields,
        );
        Ok(())
    })
}
