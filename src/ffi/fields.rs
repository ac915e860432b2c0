//! `wxpay_fields`: the owned field container handed out by the library.

use std::ffi::c_char;

use super::args::{self, cstr, out};
use super::error::{FfiError, wxpay_result};
use super::panic::{guard, guard_value};
use crate::fields::Fields;

/// An ordered map of field names to values, owned by the library.
///
/// Functions that return fields hand out a `wxpay_fields *`; read it whole
/// with `wxpay_fields_packed` or one field with `wxpay_fields_get`, and free
/// it with `wxpay_fields_free`. Reading functions may be called from several
/// threads at once; `wxpay_fields_set` needs exclusive access.
pub struct wxpay_fields {
    fields: Fields,
    /// `name0 NUL value0 NUL ... valueN NUL`, kept in step with `fields`.
    packed: Vec<u8>,
    /// Offset of each value in `packed`.
    value_at: Vec<usize>,
}

impl wxpay_fields {
    pub(crate) fn new(fields: Fields) -> Box<wxpay_fields> {
        let mut f = Box::new(wxpay_fields { fields, packed: Vec::new(), value_at: Vec::new() });
        f.repack();
        f
    }

    pub(crate) fn into_raw(fields: Fields) -> *mut wxpay_fields {
        Box::into_raw(wxpay_fields::new(fields))
    }

    fn repack(&mut self) {
        self.packed.clear();
        self.value_at.clear();
        for (k, v) in self.fields.iter() {
            self.packed.extend_from_slice(k.as_bytes());
            self.packed.push(0);
            self.value_at.push(self.packed.len());
            self.packed.extend_from_slice(v.as_bytes());
            self.packed.push(0);
        }
        if self.packed.is_empty() {
            // An empty container still hands out a valid, NUL-terminated buffer.
            self.packed.push(0);
        }
    }

    /// # Safety
    /// `ptr` must be NULL or a live `wxpay_fields` from this library.
    pub(crate) unsafe fn borrow<'a>(ptr: *const wxpay_fields, what: &str) -> Result<&'a wxpay_fields, FfiError> {
        // SAFETY: the caller's contract.
        unsafe { ptr.as_ref() }.ok_or_else(|| args::null(what))
    }
}

/// Writes the fields of an out-parameter on success.
pub(crate) fn hand_out(fields: Fields, out_fields: &mut *mut wxpay_fields) {
    *out_fields = wxpay_fields::into_raw(fields);
}

/// A new, empty container.
///
/// Ownership: the caller owns the result and frees it with
/// `wxpay_fields_free`. Returns NULL only if the library hit an internal error.
#[unsafe(no_mangle)]
pub extern "C" fn wxpay_fields_new() -> *mut wxpay_fields {
    guard_value("wxpay_fields_new", std::ptr::null_mut(), || wxpay_fields::into_raw(Fields::new()))
}

/// Builds a container from packed fields in one call.
///
/// `data`/`data_len`: `count` names and values joined by NUL bytes,
/// `name0 NUL value0 NUL name1 ... valueN` (no trailing NUL), UTF-8. Because
/// the count is given, a NUL inside a name or value is detected
/// (`WXPAY_RESULT_EMBEDDED_NUL`). A name given twice is
/// `WXPAY_RESULT_DUPLICATE_FIELD`; an empty name `WXPAY_RESULT_INVALID_FIELD_NAME`.
///
/// Ownership: `data` is borrowed for the call (NULL only with `data_len` 0).
/// On success `*out_fields` receives a container the caller frees with
/// `wxpay_fields_free`; on failure it is not written.
///
/// # Safety
/// `data` must point to `data_len` readable bytes; `out_fields` must be writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_fields_from_packed(
    data: *const c_char,
    data_len: usize,
    count: usize,
    out_fields: *mut *mut wxpay_fields,
) -> wxpay_result {
    guard("wxpay_fields_from_packed", || {
        let out_fields = out(out_fields, "out_fields")?;
        // SAFETY: the caller's contract.
        let data = unsafe { args::text(data, data_len, "data") }?;
        let pairs = args::unpack(data, count)?;
        if pairs.iter().any(|(k, _)| k.is_empty()) {
            return Err(FfiError::new(wxpay_result::InvalidFieldName, "a field has an empty name"));
        }
        hand_out(Fields::from_pairs(pairs)?, out_fields);
        Ok(())
    })
}

/// Sets a field, replacing the value of an existing field of that name in place.
///
/// `name` and `value` are NUL-terminated UTF-8; `name` must not be empty.
/// Ownership: both are copied; nothing is retained. Pointers previously
/// obtained from `wxpay_fields_get` or `wxpay_fields_packed` on `fields`
/// become invalid.
///
/// # Safety
/// `fields` must be a live container not used by another thread during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_fields_set(fields: *mut wxpay_fields, name: *const c_char, value: *const c_char) -> wxpay_result {
    guard("wxpay_fields_set", || {
        // SAFETY: the caller's contract.
        let fields = unsafe { fields.as_mut() }.ok_or_else(|| args::null("fields"))?;
        // SAFETY: the caller's contract.
        let name = unsafe { cstr(name, "name") }?;
        // SAFETY: the caller's contract.
        let value = unsafe { cstr(value, "value") }?;
        if name.is_empty() {
            return Err(FfiError::new(wxpay_result::InvalidFieldName, "a field name must not be empty"));
        }
        fields.fields.insert(name, value);
        fields.repack();
        Ok(())
    })
}

/// Looks up one field.
///
/// Returns `WXPAY_RESULT_NOT_FOUND` (and leaves `*out_value` alone) when there
/// is no such field. Ownership: `*out_value` is borrowed from `fields`, a
/// NUL-terminated UTF-8 string valid until `fields` is modified or freed.
///
/// # Safety
/// `fields` must be a live container; `name` NUL-terminated; `out_value` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_fields_get(
    fields: *const wxpay_fields,
    name: *const c_char,
    out_value: *mut *const c_char,
) -> wxpay_result {
    guard("wxpay_fields_get", || {
        let out_value = out(out_value, "out_value")?;
        // SAFETY: the caller's contract.
        let fields = unsafe { wxpay_fields::borrow(fields, "fields") }?;
        // SAFETY: the caller's contract.
        let name = unsafe { cstr(name, "name") }?;
        let index = fields.fields.iter().position(|(k, _)| k == name).ok_or_else(|| {
            FfiError::new(wxpay_result::NotFound, format!("no field `{}`", crate::sign::truncate(name, 64)))
        })?;
        *out_value = fields.packed[fields.value_at[index]..].as_ptr().cast();
        Ok(())
    })
}

/// The number of fields; 0 for NULL.
///
/// # Safety
/// `fields` must be NULL or a live container.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_fields_count(fields: *const wxpay_fields) -> usize {
    // SAFETY: the caller's contract.
    guard_value("wxpay_fields_count", 0, || unsafe { fields.as_ref() }.map_or(0, |f| f.fields.len()))
}

/// The whole container in one call, in the packed form that
/// `wxpay_fields_from_packed` and every function taking fields accept:
/// `name0 NUL value0 NUL ... valueN`, in document order. `*out_len` excludes
/// the NUL that follows the last value, so the data is also a sequence of
/// NUL-terminated strings.
///
/// Ownership: `*out_data` is borrowed from `fields`, valid until `fields` is
/// modified or freed. An empty container gives length 0 and count 0.
///
/// # Safety
/// `fields` must be a live container; the out-parameters writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_fields_packed(
    fields: *const wxpay_fields,
    out_data: *mut *const c_char,
    out_len: *mut usize,
    out_count: *mut usize,
) -> wxpay_result {
    guard("wxpay_fields_packed", || {
        let out_data = out(out_data, "out_data")?;
        let out_len = out(out_len, "out_len")?;
        let out_count = out(out_count, "out_count")?;
        // SAFETY: the caller's contract.
        let fields = unsafe { wxpay_fields::borrow(fields, "fields") }?;
        *out_data = fields.packed.as_ptr().cast();
        *out_len = fields.packed.len().saturating_sub(1);
        *out_count = fields.fields.len();
        Ok(())
    })
}

/// Frees a container. NULL is accepted and ignored.
///
/// # Safety
/// `fields` must be NULL or a container from this library not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_fields_free(fields: *mut wxpay_fields) {
    guard_value("wxpay_fields_free", (), || {
        if !fields.is_null() {
            // SAFETY: the caller hands back ownership of a container we allocated.
            drop(unsafe { Box::from_raw(fields) });
        }
    })
}
