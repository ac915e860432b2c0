//! The C ABI. Everything here converts arguments, delegates to the core and
//! reports errors; no protocol logic lives in this module.
//!
//! Conventions (also in the README and the header):
//! - fallible functions return a `wxpay_result`, `WXPAY_RESULT_OK` (0) on
//!   success, and write their out-parameters only on success;
//! - the message of a failure is `wxpay_last_error_message()`, per thread;
//! - every function runs inside a panic boundary;
//! - what the caller frees is freed with this library's `_free` functions.
#![allow(non_camel_case_types)]

mod args;
pub mod bill;
pub mod cert;
pub mod client;
pub mod config;
pub mod endpoint;
pub mod error;
pub mod fields;
pub mod log;
pub mod mcc;
pub mod micropay;
pub mod native;
pub mod nonce;
pub mod notify;
pub mod papay;
mod panic;
pub mod pay_params;
pub mod payout;
pub mod sign;
pub mod signer;
pub mod table;
pub mod xml;

use std::ffi::c_char;

const VERSION_C: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");

/// The library's version, e.g. `"0.2.0"`. Wrappers compare it with their own
/// at load time.
///
/// Ownership: a static string; never NULL, never freed.
#[unsafe(no_mangle)]
pub extern "C" fn wxpay_version() -> *const c_char {
    VERSION_C.as_ptr().cast()
}
