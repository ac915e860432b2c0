//! `wxpay_fields`: the owned field container handed out by the library.

use std::ffi::c_char;

use super::args::{self, cstr, out};
use super::error::{FfiError, wxpay_result};
use super::panic::{guard, guard_value};

/// An ordered map of field names to values, owned by the library.
///
/// Functions that return fields hand out a `wxpay_fields *`; read it whole
/// with `wxpay_fields_packed` or one field with `wxpay_fields_get`, and free
/// it with `wxpay_fields_free`. Reading functions may be called from several
/// threads at once; `wxpay_fields_set` needs exclusive access.
pub struct wxpay_fields {
    /// `name0 NUL value0 NUL ... valueN NUL`; a lone NUL when empty, so
    /// the buffer handed out is always NUL-terminated.
    packed: String,
    /// For each field: where its name starts, where its value starts and ends.
    starts: Vec<(usize, usize, usize)>,
}

impl wxpay_fields {
    /// Packs fields into one buffer: one allocation however many fields.
    pub(crate) fn new<'a, I>(pairs: I) -> Box<wxpay_fields>
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
        I::IntoIter: Clone,
    {
        let pairs = pairs.into_iter();
        let size = pairs.clone().map(|(k, v)| k.len() + v.len() + 2).sum::<usize>().max(1);
        let mut packed = String::with_capacity(size);
        let mut starts = Vec::with_capacity(pairs.size_hint().0);
        for (k, v) in pairs {
            let name_at = packed.len();
            packed.push_str(k);
            packed.push('\0');
            let value_at = packed.len();
            packed.push_str(v);
            starts.push((name_at, value_at, packed.len()));
            packed.push('\0');
        }
        if packed.is_empty() {
            packed.push('\0');
        }
        Box::new(wxpay_fields { packed, starts })
    }

    pub(crate) fn into_raw<'a, I>(pairs: I) -> *mut wxpay_fields
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
        I::IntoIter: Clone,
    {
        Box::into_raw(wxpay_fields::new(pairs))
    }

    /// The fields in order.
    pub(crate) fn pairs(&self) -> impl Iterator<Item = (&str, &str)> + Clone {
        self.starts
            .iter()
            .map(|&(name_at, value_at, value_end)| (&self.packed[name_at..value_at - 1], &self.packed[value_at..value_end]))
    }

    /// # Safety
    /// `ptr` must be NULL or a live `wxpay_fields` from this library.
    pub(crate) unsafe fn borrow<'a>(ptr: *const wxpay_fields, what: &str) -> Result<&'a wxpay_fields, FfiError> {
        // SAFETY: the caller's contract.
        unsafe { ptr.as_ref() }.ok_or_else(|| args::null(what))
    }
}

/// Writes the fields of an out-parameter on success.
pub(crate) fn hand_out<'a, I>(pairs: I, out_fields: &mut *mut wxpay_fields)
where
    I: IntoIterator<Item = (&'a str, &'a str)>,
    I::IntoIter: Clone,
{
    *out_fields = wxpay_fields::into_raw(pairs);
}

/// A new, empty container.
///
/// Ownership: the caller owns the result and frees it with
/// `wxpay_fields_free`. Returns NULL only if the library hit an internal error.
#[unsafe(no_mangle)]
pub extern "C" fn wxpay_fields_new() -> *mut wxpay_fields {
    guard_value("wxpay_fields_new", std::ptr::null_mut(), || wxpay_fields::into_raw(std::iter::empty()))
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
        crate::xml::reject_duplicates(pairs.iter().map(|(k, _)| *k))
            .map_err(|e| FfiError::new(wxpay_result::DuplicateField, e.message()))?;
        hand_out(pairs.iter().copied(), out_fields);
        Ok(())
    })
}

/// WeChat's numbered fields `name_0`, `name_1`, ... of the caller's packed
/// fields (as `wxpay_fields_from_packed` takes them), in order of their
/// number: a refund query's `refund_fee_$n`, an order's `coupon_id_$n`; for
/// the second level, `name` carries the first number (`coupon_refund_fee_0`
/// gives refund 0's `coupon_refund_fee_0_$m`). Fields of a deeper level are
/// not in the list; none at all is an empty container.
///
/// Rather than drop a value unseen, `WXPAY_RESULT_INVALID_ARGUMENT` for an
/// empty `name`, a number with a leading zero or of more than 9 digits, or
/// a number missing before the last (named in the message); packed-field
/// errors as `wxpay_fields_from_packed`.
///
/// Ownership: inputs are borrowed for the call. On success `*out_fields`
/// receives the numbered fields (name and value), freed with
/// `wxpay_fields_free`; on failure it is not written.
///
/// # Safety
/// `data` `data_len` readable bytes; `name` NUL-terminated; `out_fields` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_fields_indexed(
    data: *const c_char,
    data_len: usize,
    count: usize,
    name: *const c_char,
    out_fields: *mut *mut wxpay_fields,
) -> wxpay_result {
    guard("wxpay_fields_indexed", || {
        let out_fields = out(out_fields, "out_fields")?;
        // SAFETY: the caller's contract.
        let data = unsafe { args::text(data, data_len, "data") }?;
        // SAFETY: the caller's contract.
        let name = unsafe { cstr(name, "name") }?;
        let pairs = args::unpack(data, count)?;
        crate::xml::reject_duplicates(pairs.iter().map(|(k, _)| *k))
            .map_err(|e| FfiError::new(wxpay_result::DuplicateField, e.message()))?;
        let numbered = crate::fields::indexed(pairs.iter().copied(), name)?;
        hand_out(numbered, out_fields);
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
        let mut pairs: Vec<(&str, &str)> = fields.pairs().collect();
        match pairs.iter_mut().find(|(k, _)| *k == name) {
            Some(pair) => pair.1 = value,
            None => pairs.push((name, value)),
        }
        *fields = *wxpay_fields::new(pairs);
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
        let index = fields.pairs().position(|(k, _)| k == name).ok_or_else(|| {
            FfiError::new(wxpay_result::NotFound, format!("no field `{}`", crate::error::truncate(name, 64)))
        })?;
        *out_value = fields.packed[fields.starts[index].1..].as_ptr().cast();
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
    guard_value("wxpay_fields_count", 0, || unsafe { fields.as_ref() }.map_or(0, |f| f.starts.len()))
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
        *out_count = fields.starts.len();
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
