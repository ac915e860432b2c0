//! `wxpay_nonce`.

use std::ffi::c_char;

use super::args::write_cstr;
use super::error::{FfiError, wxpay_result};
use super::panic::guard;
use crate::nonce;

/// The size of the buffer `wxpay_nonce` writes into: 32 characters and a NUL.
pub const WXPAY_NONCE_BUF_LEN: usize = 33;

/// Writes a fresh `nonce_str`: 32 letters and digits from the operating
/// system's secure random source, NUL-terminated.
///
/// Ownership: `out` is the caller's buffer of `out_cap` bytes
/// (`WXPAY_NONCE_BUF_LEN` suffices), written only on success.
/// Thread safety: may be called from any number of threads at once.
///
/// # Safety
/// `out` must point to `out_cap` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_nonce(out: *mut c_char, out_cap: usize) -> wxpay_result {
    guard("wxpay_nonce", || {
        if out_cap < WXPAY_NONCE_BUF_LEN && !out.is_null() {
            return Err(FfiError::new(
                wxpay_result::InvalidArgument,
                format!("out holds {out_cap} bytes; {WXPAY_NONCE_BUF_LEN} are needed"),
            ));
        }
        write_cstr(&nonce::nonce()?, out, out_cap, "out")
    })
}
