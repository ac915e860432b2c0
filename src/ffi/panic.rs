//! The panic boundary every export runs inside.

use std::panic::{AssertUnwindSafe, catch_unwind};

use super::error::{FfiError, set_last_error, wxpay_result};

/// Runs `body`, turning an error into its result code plus the thread's last
/// error message, and a panic into `wxpay_result::Panic`.
pub(crate) fn guard(function: &'static str, body: impl FnOnce() -> Result<(), FfiError>) -> wxpay_result {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => wxpay_result::Ok,
        Ok(Err(e)) => {
            let code = e.code;
            set_last_error(e);
            code
        }
        Err(_) => {
            // The payload is not copied: it could quote data the caller passed.
            set_last_error(FfiError::new(wxpay_result::Panic, format!("internal error: a panic was caught in {function}")));
            wxpay_result::Panic
        }
    }
}

/// Like [`guard`] for functions that return a value rather than a code;
/// a panic yields `fallback`.
pub(crate) fn guard_value<T>(function: &'static str, fallback: T, body: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(v) => v,
        Err(_) => {
            set_last_error(FfiError::new(wxpay_result::Panic, format!("internal error: a panic was caught in {function}")));
            fallback
        }
    }
}
