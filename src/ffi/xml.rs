//! XML to fields and back, and the strings the library hands out.

use std::ffi::{CString, c_char};

use super::args::{self, out};
use super::error::{FfiError, wxpay_result};
use super::fields::{hand_out, wxpay_fields};
use super::panic::{guard, guard_value};
use crate::xml;

/// The most fields a document may have: more is `WXPAY_RESULT_XML_TOO_MANY_FIELDS`,
/// wherever the library parses XML (responses, notifications, `wxpay_xml_parse`,
/// `wxpay_verify_xml`).
pub const WXPAY_XML_MAX_FIELDS: usize = 1024;
const _: () = assert!(WXPAY_XML_MAX_FIELDS == xml::MAX_FIELDS);

/// Parses a flat WeChat `<xml>` document into fields.
///
/// Accepts text and CDATA values and the five predefined entities. Refuses
/// DOCTYPE and entity declarations (`WXPAY_RESULT_XML_DOCTYPE`), undefined
/// entities (`_XML_ENTITY`), another root (`_XML_ROOT`), nested elements
/// (`_XML_NESTED`), a field given twice (`_XML_DUPLICATE`), non-UTF-8 input
/// (`_XML_INVALID_UTF8`), more than `WXPAY_XML_MAX_FIELDS` fields (`_XML_TOO_MANY_FIELDS`),
/// anything else malformed (`_XML_MALFORMED`), and documents over
/// `max_size` bytes (`_XML_TOO_LARGE`; 0 means the 1 MiB default), checked
/// before parsing.
///
/// Ownership: `xml` is borrowed for the call. On success `*out_fields`
/// receives fields the caller frees with `wxpay_fields_free`; on failure it
/// is not written.
///
/// # Safety
/// `xml` must point to `xml_len` readable bytes; `out_fields` must be writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_xml_parse(
    xml: *const c_char,
    xml_len: usize,
    max_size: usize,
    out_fields: *mut *mut wxpay_fields,
) -> wxpay_result {
    guard("wxpay_xml_parse", || {
        let out_fields = out(out_fields, "out_fields")?;
        // SAFETY: the caller's contract.
        let doc = unsafe { args::bytes(xml, xml_len, "xml") }?;
        let limit = if max_size == 0 { xml::DEFAULT_MAX_SIZE } else { max_size };
        let fields = xml::parse_borrowed(doc, limit)?;
        hand_out(fields.iter().map(|(k, v)| (k.as_ref(), v.as_ref())), out_fields);
        Ok(())
    })
}

/// Builds `<xml><name><![CDATA[value]]></name>...</xml>` from packed fields
/// (see `wxpay_fields_from_packed`), in the order given.
///
/// Values containing `]]>` or carriage returns are written so that they parse
/// back unchanged. Names must be ASCII XML names
/// (`WXPAY_RESULT_INVALID_FIELD_NAME`); values must hold only characters XML
/// allows (`WXPAY_RESULT_INVALID_FIELD_VALUE`).
///
/// Ownership: inputs are borrowed for the call. On success `*out_xml`
/// receives a NUL-terminated string the caller frees with
/// `wxpay_string_free`, and `*out_len` (if not NULL) its length without the
/// NUL; on failure neither is written.
///
/// # Safety
/// `fields` must point to `fields_len` readable bytes; `out_xml` writable;
/// `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_xml_build(
    fields: *const c_char,
    fields_len: usize,
    field_count: usize,
    out_xml: *mut *mut c_char,
    out_len: *mut usize,
) -> wxpay_result {
    guard("wxpay_xml_build", || {
        let out_xml = out(out_xml, "out_xml")?;
        // SAFETY: the caller's contract.
        let data = unsafe { args::text(fields, fields_len, "fields") }?;
        let pairs = args::unpack(data, field_count)?;
        // SAFETY: the caller's contract.
        unsafe { hand_out_string(xml::build(&pairs)?, out_xml, out_len) }
    })
}

fn into_c_string(s: String) -> Result<*mut c_char, FfiError> {
    CString::new(s)
        .map(CString::into_raw)
        .map_err(|_| FfiError::new(wxpay_result::EmbeddedNul, "the result holds a NUL byte"))
}

/// Hands `s` out as a string the caller frees with `wxpay_string_free`,
/// and its length (without the NUL) through `out_len` unless NULL.
///
/// # Safety
/// `out_len` NULL or writable.
pub(crate) unsafe fn hand_out_string(s: String, out_str: &mut *mut c_char, out_len: *mut usize) -> Result<(), FfiError> {
    let len = s.len();
    *out_str = into_c_string(s)?;
    // SAFETY: the caller's contract: NULL or writable.
    if let Some(l) = unsafe { out_len.as_mut() } {
        *l = len;
    }
    Ok(())
}

/// Frees a string this library handed out. NULL is accepted and ignored.
///
/// # Safety
/// `s` must be NULL or a string from this library not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_string_free(s: *mut c_char) {
    guard_value("wxpay_string_free", (), || {
        if !s.is_null() {
            // SAFETY: the caller hands back a string made by `CString::into_raw`.
            drop(unsafe { CString::from_raw(s) });
        }
    })
}
