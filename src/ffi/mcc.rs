//! Merchant category codes: `wxpay_mcc_category`, `wxpay_mcc_code`, `wxpay_mcc_list`.

use std::ffi::{CString, c_char};
use std::sync::OnceLock;

use super::args::{cstr, out};
use super::error::{FfiError, wxpay_result};
use super::fields::{hand_out, wxpay_fields};
use super::panic::guard;
use crate::mcc;

/// The core's table as C strings, made once.
fn c_names() -> &'static [(u16, CString)] {
    static NAMES: OnceLock<Vec<(u16, CString)>> = OnceLock::new();
    NAMES.get_or_init(|| {
        mcc::CATEGORIES
            .iter()
            .filter_map(|&(code, name)| CString::new(name).ok().map(|c| (code, c)))
            .collect()
    })
}

/// The merchant category of a code, e.g. 485 → `"Food"`, as WeChat's API
/// rules list them (343 `Shoes&Garments` ... 533 `Medical Service`).
/// An unknown code is `WXPAY_RESULT_NOT_FOUND`.
///
/// Ownership: `*out_category` is a static string, never freed.
///
/// # Safety
/// `out_category` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_mcc_category(code: i32, out_category: *mut *const c_char) -> wxpay_result {
    guard("wxpay_mcc_category", || {
        let out_category = out(out_category, "out_category")?;
        let name = c_names()
            .iter()
            .find(|(c, _)| i32::from(*c) == code)
            .ok_or_else(|| FfiError::new(wxpay_result::NotFound, format!("{code} is not a merchant category code")))?;
        *out_category = name.1.as_ptr();
        Ok(())
    })
}

/// The code of a merchant category, e.g. `"Food"` → 485; case and
/// surrounding spaces are ignored. An unknown category is
/// `WXPAY_RESULT_NOT_FOUND`.
///
/// Ownership: `category` is borrowed for the call.
///
/// # Safety
/// `category` NUL-terminated; `out_code` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_mcc_code(category: *const c_char, out_code: *mut i32) -> wxpay_result {
    guard("wxpay_mcc_code", || {
        let out_code = out(out_code, "out_code")?;
        // SAFETY: the caller's contract.
        let category = unsafe { cstr(category, "category") }?;
        let code = mcc::code(category).ok_or_else(|| {
            FfiError::new(
                wxpay_result::NotFound,
                format!("`{}` is not a merchant category", crate::error::truncate(category, 64)),
            )
        })?;
        *out_code = i32::from(code);
        Ok(())
    })
}

/// The whole table as fields: name = the code in decimal, value = the
/// category, in ascending code order.
///
/// Ownership: the caller frees `*out_list` with `wxpay_fields_free`.
///
/// # Safety
/// `out_list` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_mcc_list(out_list: *mut *mut wxpay_fields) -> wxpay_result {
    guard("wxpay_mcc_list", || {
        let out_list = out(out_list, "out_list")?;
        let codes: Vec<(String, &str)> = mcc::CATEGORIES.iter().map(|&(c, n)| (c.to_string(), n)).collect();
        hand_out(codes.iter().map(|(c, n)| (c.as_str(), *n)), out_list);
        Ok(())
    })
}
