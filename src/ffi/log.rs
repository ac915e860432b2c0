//! The log callback type and its adapter to the core's [`Logger`].

use std::ffi::{CString, c_char, c_void};

use crate::log::{LogLevel, Logger};

/// The severity of a log message; a lower number is more severe.
#[repr(C)]
pub enum wxpay_log_level {
    Error = 1,
    Warn = 2,
    Info = 3,
    Debug = 4,
}

/// Receives the client's diagnostics: request path, host, timing, failover,
/// outcome. Never the API key, key material, passwords or field values.
///
/// `level` is a `WXPAY_LOG_LEVEL_*`; `message` is NUL-terminated UTF-8 of
/// `message_len` bytes (without the NUL), borrowed for the duration of the
/// call only. `user_data` is the pointer given to `wxpay_config_set_log`.
///
/// Threads: called synchronously on the thread that makes the request,
/// so it may run on several threads at once; it must be thread-safe and must
/// not call back into the same client. It must return normally (no
/// longjmp, no exception unwinding through it).
pub type wxpay_log_callback =
    Option<unsafe extern "C" fn(user_data: *mut c_void, level: i32, message: *const c_char, message_len: usize)>;

struct CCallback {
    callback: unsafe extern "C" fn(*mut c_void, i32, *const c_char, usize),
    user_data: *mut c_void,
}

// SAFETY: `wxpay_config_set_log` documents that the callback and its
// user_data must be usable from any thread; the library only passes them on.
unsafe impl Send for CCallback {}
// SAFETY: as above.
unsafe impl Sync for CCallback {}

pub(crate) fn logger(
    callback: unsafe extern "C" fn(*mut c_void, i32, *const c_char, usize),
    user_data: *mut c_void,
    min_level: LogLevel,
) -> Logger {
    let c = CCallback { callback, user_data };
    Logger::new(min_level, move |level, message| {
        // Messages are built by this library and hold no NUL; strip any to be sure.
        let Ok(text) = CString::new(message.replace('\0', "")) else { return };
        let len = text.as_bytes().len();
        c.call(level as i32, text.as_ptr(), len);
    })
}

impl CCallback {
    fn call(&self, level: i32, message: *const c_char, len: usize) {
        // SAFETY: the caller promised a callback valid for the client's
        // lifetime; the message outlives the call.
        unsafe { (self.callback)(self.user_data, level, message, len) };
    }
}
