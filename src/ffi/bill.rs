//! Bills: `wxpay_bill_parse`, `wxpay_download_bill`.

use std::ffi::c_char;

use super::args::{self, cstr, out};
use super::client::wxpay_client;
use super::error::FfiError;
use super::error::wxpay_result;
use super::panic::guard;
use super::table::{hand_out_table, wxpay_table};
use crate::bill::{self, Bill};

/// Bills larger than this are refused by `wxpay_bill_parse` (the client's
/// own limit, `max_download_size`, applies to `wxpay_download_bill`).
pub const WXPAY_BILL_MAX_SIZE: usize = 256 << 20;

fn hand_out_bill(b: Bill, out_rows: &mut *mut wxpay_table, out_summary: &mut *mut wxpay_table) -> Result<(), FfiError> {
    let rows = wxpay_table::new(&b.rows.columns, &b.rows.rows)?;
    let summary = wxpay_table::new(&b.summary.columns, &b.summary.rows)?;
    hand_out_table(rows, out_rows);
    hand_out_table(summary, out_summary);
    Ok(())
}

/// Parses a bill body (`pay/downloadbill`, `pay/downloadfundflow`: WeChat's
/// backtick-prefixed CSV, plain or gzip) into two tables: the rows under
/// the bill's header, and the summary (usually one row of totals) under its
/// own header. Read each with `wxpay_table_packed`.
///
/// Results: `WXPAY_RESULT_RESPONSE_INVALID` for text that is not a bill
/// (no header, no summary, a row whose cell count differs from its
/// header's, not UTF-8, damaged gzip); `WXPAY_RESULT_RESPONSE_TOO_LARGE`
/// over `WXPAY_BILL_MAX_SIZE`.
///
/// Ownership: `data` is borrowed for the call. On success `*out_rows` and
/// `*out_summary` receive tables the caller frees with `wxpay_table_free`;
/// on failure neither is written.
///
/// # Safety
/// `data` `len` readable bytes; out-parameters writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_bill_parse(
    data: *const u8,
    len: usize,
    out_rows: *mut *mut wxpay_table,
    out_summary: *mut *mut wxpay_table,
) -> wxpay_result {
    guard("wxpay_bill_parse", || {
        let out_rows = out(out_rows, "out_rows")?;
        let out_summary = out(out_summary, "out_summary")?;
        // SAFETY: the caller's contract.
        let data = unsafe { args::bytes(data.cast::<c_char>(), len, "data") }?;
        hand_out_bill(bill::parse(data, WXPAY_BILL_MAX_SIZE)?, out_rows, out_summary)
    })
}

/// `wxpay_download` followed by `wxpay_bill_parse`, in one call: fields,
/// checks, results and thread-safety as `wxpay_download`, then as
/// `wxpay_bill_parse`.
///
/// Ownership: inputs are borrowed for the call. On success `*out_rows` and
/// `*out_summary` receive tables the caller frees with `wxpay_table_free`;
/// on failure neither is written.
///
/// # Safety
/// `client` live; `path` NUL-terminated; `fields` `fields_len` readable
/// bytes; out-parameters writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_download_bill(
    client: *const wxpay_client,
    path: *const c_char,
    fields: *const c_char,
    fields_len: usize,
    field_count: usize,
    out_rows: *mut *mut wxpay_table,
    out_summary: *mut *mut wxpay_table,
) -> wxpay_result {
    guard("wxpay_download_bill", || {
        let out_rows = out(out_rows, "out_rows")?;
        let out_summary = out(out_summary, "out_summary")?;
        // SAFETY: the caller's contract.
        let client = unsafe { client.as_ref() }.ok_or_else(|| args::null("client"))?;
        // SAFETY: the caller's contract.
        let path = unsafe { cstr(path, "path") }?;
        // SAFETY: the caller's contract.
        let data = unsafe { args::text(fields, fields_len, "fields") }?;
        let pairs = args::unpack(data, field_count)?;
        hand_out_bill(client.client.download_bill(path, &pairs)?, out_rows, out_summary)
    })
}
