//! Checked conversions of raw arguments.

use std::ffi::{CStr, c_char};

use super::error::{FfiError, wxpay_result};
use crate::sign::SignType;

/// `len` bytes at `ptr`; NULL is accepted only with `len == 0`.
///
/// # Safety
/// A non-NULL `ptr` must point to `len` readable bytes that outlive `'a`.
pub(crate) unsafe fn bytes<'a>(ptr: *const c_char, len: usize, what: &str) -> Result<&'a [u8], FfiError> {
    if ptr.is_null() {
        return if len == 0 { Ok(&[]) } else { Err(null(what)) };
    }
    // SAFETY: the caller guarantees `len` readable bytes at `ptr`.
    Ok(unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) })
}

/// UTF-8 text of `len` bytes at `ptr`.
///
/// # Safety
/// As for [`bytes`].
pub(crate) unsafe fn text<'a>(ptr: *const c_char, len: usize, what: &str) -> Result<&'a str, FfiError> {
    // SAFETY: forwarded from the caller.
    utf8(unsafe { bytes(ptr, len, what) }?, what)
}

/// A NUL-terminated UTF-8 string.
///
/// # Safety
/// A non-NULL `ptr` must point to a NUL-terminated string that outlives `'a`.
pub(crate) unsafe fn cstr<'a>(ptr: *const c_char, what: &str) -> Result<&'a str, FfiError> {
    if ptr.is_null() {
        return Err(null(what));
    }
    // SAFETY: the caller guarantees a NUL-terminated string.
    utf8(unsafe { CStr::from_ptr(ptr) }.to_bytes(), what)
}

pub(crate) fn utf8<'a>(bytes: &'a [u8], what: &str) -> Result<&'a str, FfiError> {
    std::str::from_utf8(bytes).map_err(|e| {
        FfiError::new(
            wxpay_result::InvalidUtf8,
            format!("{what} is not valid UTF-8 (at byte {})", e.valid_up_to()),
        )
    })
}

/// Checks an out-parameter before any work is done.
pub(crate) fn out<'a, T>(ptr: *mut T, what: &str) -> Result<&'a mut T, FfiError> {
    // SAFETY: a non-NULL out-parameter must point to writable memory (documented on every function).
    unsafe { ptr.as_mut() }.ok_or_else(|| null(what))
}

pub(crate) fn null(what: &str) -> FfiError {
    FfiError::new(wxpay_result::NullArgument, format!("{what} is NULL"))
}

/// Splits packed fields: `count` names and values joined by NUL bytes,
/// `name0 NUL value0 NUL name1 NUL value1 ...`.
///
/// The count makes an embedded NUL detectable: it adds a part.
pub(crate) fn unpack(data: &str, count: usize) -> Result<Vec<(&str, &str)>, FfiError> {
    if count == 0 {
        return if data.is_empty() {
            Ok(Vec::new())
        } else {
            Err(FfiError::new(wxpay_result::InvalidArgument, "packed fields: the count is 0 but the data is not empty"))
        };
    }
    let wanted = count.saturating_mul(2);
    let mut pairs = Vec::with_capacity(count.min(data.len() / 2 + 1));
    let mut parts = 0usize;
    let mut start = 0usize;
    let mut name = "";
    // One pass: each NUL ends a name or a value. Slicing at a NUL (ASCII)
    // always falls on a character boundary.
    for end in memchr::memchr_iter(0, data.as_bytes()).chain(std::iter::once(data.len())) {
        let part = &data[start..end];
        if parts % 2 == 0 {
            name = part;
        } else if pairs.len() < count {
            pairs.push((name, part));
        }
        parts += 1;
        start = end + 1;
    }
    if parts > wanted {
        return Err(FfiError::new(
            wxpay_result::EmbeddedNul,
            format!("packed fields: {count} fields need {wanted} NUL-separated parts but {parts} were given; a name or value contains a NUL byte"),
        ));
    }
    if parts < wanted {
        return Err(FfiError::new(
            wxpay_result::InvalidArgument,
            format!("packed fields: {count} fields need {wanted} NUL-separated parts but only {parts} were given"),
        ));
    }
    Ok(pairs)
}

/// `WXPAY_SIGN_TYPE_*` as given by C, which may be any integer.
pub(crate) fn sign_type(value: i32) -> Result<Option<SignType>, FfiError> {
    match value {
        0 => Ok(None),
        1 => Ok(Some(SignType::Md5)),
        2 => Ok(Some(SignType::HmacSha256)),
        other => Err(FfiError::new(
            wxpay_result::InvalidArgument,
            format!("sign_type {other} is not one of WXPAY_SIGN_TYPE_AUTO, _MD5, _HMAC_SHA256"),
        )),
    }
}

pub(crate) fn sign_type_code(t: SignType) -> i32 {
    match t {
        SignType::Md5 => 1,
        SignType::HmacSha256 => 2,
    }
}

/// Copies `s` and a NUL into a caller's buffer of `cap` bytes.
pub(crate) fn write_cstr(s: &str, buf: *mut c_char, cap: usize, what: &str) -> Result<(), FfiError> {
    if buf.is_null() {
        return Err(null(what));
    }
    if cap <= s.len() {
        return Err(FfiError::new(
            wxpay_result::InvalidArgument,
            format!("{what} holds {cap} bytes; {} are needed", s.len() + 1),
        ));
    }
    // SAFETY: `buf` has `cap > s.len()` writable bytes (caller's contract, checked above).
    unsafe {
        std::ptr::copy_nonoverlapping(s.as_ptr(), buf.cast::<u8>(), s.len());
        *buf.add(s.len()) = 0;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unpack_splits_pairs_and_keeps_empty_values() {
        assert_eq!(unpack("a\0v\0b\0", 2).unwrap(), vec![("a", "v"), ("b", "")]);
        assert_eq!(unpack("", 0).unwrap(), vec![]);
        assert_eq!(unpack("\0", 1).unwrap(), vec![("", "")]);
    }

    #[test]
    fn unpack_detects_embedded_nul_and_wrong_counts() {
        assert_eq!(unpack("a\0v\0x", 1).unwrap_err().code, wxpay_result::EmbeddedNul);
        assert_eq!(unpack("a\0b\0c\0d\0e\0f", 2).unwrap_err().code, wxpay_result::EmbeddedNul);
        assert_eq!(unpack("a\0v", 2).unwrap_err().code, wxpay_result::InvalidArgument);
        assert_eq!(unpack("a", 0).unwrap_err().code, wxpay_result::InvalidArgument);
        assert_eq!(unpack("a\0b", usize::MAX).unwrap_err().code, wxpay_result::InvalidArgument);
    }
}
