//! `wxpay_table`: rows of text under named columns (bill rows, micropay
//! steps), handed out whole in one call so that a wrapper can turn it into a
//! list of dicts without a call per cell.

use std::ffi::c_char;

use super::args::out;
use super::error::{FfiError, wxpay_result};
use super::panic::{guard, guard_value};

/// A table owned by the library: `column_count` names and `row_count` rows
/// of as many cells. Read it with `wxpay_table_packed`, free it with
/// `wxpay_table_free`. Immutable: any number of threads may read it at once.
pub struct wxpay_table {
    /// Column names, each followed by a NUL.
    columns: String,
    column_count: usize,
    /// Cells row by row, each followed by a NUL.
    cells: String,
    row_count: usize,
}

impl wxpay_table {
    /// Packs a table. Text holding a NUL cannot be handed out in this form.
    pub(crate) fn new<C, R, S>(columns: &[C], rows: R) -> Result<Box<wxpay_table>, FfiError>
    where
        C: AsRef<str>,
        R: IntoIterator,
        R::Item: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut t = wxpay_table { columns: String::new(), column_count: columns.len(), cells: String::new(), row_count: 0 };
        for c in columns {
            push(&mut t.columns, c.as_ref())?;
        }
        for row in rows {
            let mut n = 0;
            for cell in row {
                push(&mut t.cells, cell.as_ref())?;
                n += 1;
            }
            if n != t.column_count {
                return Err(FfiError::new(wxpay_result::Panic, "internal error: a table row of the wrong length"));
            }
            t.row_count += 1;
        }
        Ok(Box::new(t))
    }
}

fn push(buf: &mut String, text: &str) -> Result<(), FfiError> {
    if text.contains('\0') {
        return Err(FfiError::new(wxpay_result::EmbeddedNul, "a table cell holds a NUL byte"));
    }
    buf.push_str(text);
    buf.push('\0');
    Ok(())
}

/// Hands out a table through an out-parameter.
pub(crate) fn hand_out_table(t: Box<wxpay_table>, out_table: &mut *mut wxpay_table) {
    *out_table = Box::into_raw(t);
}

/// The whole table in one call.
///
/// `*out_columns` is the `*out_column_count` column names, each followed by
/// a NUL byte (`*out_columns_len` bytes in all, NULs included).
/// `*out_cells` is the `*out_row_count` × `*out_column_count` cells row by
/// row, each followed by a NUL byte (`*out_cells_len` bytes). Splitting
/// either buffer at its NULs gives exactly that many strings (UTF-8); a
/// table with no rows gives length 0.
///
/// Ownership: both buffers are borrowed from `table`, valid until it is freed.
///
/// # Safety
/// `table` live; every out-parameter writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_table_packed(
    table: *const wxpay_table,
    out_columns: *mut *const c_char,
    out_columns_len: *mut usize,
    out_column_count: *mut usize,
    out_cells: *mut *const c_char,
    out_cells_len: *mut usize,
    out_row_count: *mut usize,
) -> wxpay_result {
    guard("wxpay_table_packed", || {
        let out_columns = out(out_columns, "out_columns")?;
        let out_columns_len = out(out_columns_len, "out_columns_len")?;
        let out_column_count = out(out_column_count, "out_column_count")?;
        let out_cells = out(out_cells, "out_cells")?;
        let out_cells_len = out(out_cells_len, "out_cells_len")?;
        let out_row_count = out(out_row_count, "out_row_count")?;
        // SAFETY: the caller's contract.
        let t = unsafe { table.as_ref() }.ok_or_else(|| super::args::null("table"))?;
        // An empty buffer still gives a readable pointer (to a NUL).
        let ptr = |s: &String| if s.is_empty() { c"".as_ptr() } else { s.as_ptr().cast() };
        *out_columns = ptr(&t.columns);
        *out_columns_len = t.columns.len();
        *out_column_count = t.column_count;
        *out_cells = ptr(&t.cells);
        *out_cells_len = t.cells.len();
        *out_row_count = t.row_count;
        Ok(())
    })
}

/// The number of rows; 0 for NULL.
///
/// # Safety
/// `table` must be NULL or a live table.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_table_row_count(table: *const wxpay_table) -> usize {
    // SAFETY: the caller's contract.
    guard_value("wxpay_table_row_count", 0, || unsafe { table.as_ref() }.map_or(0, |t| t.row_count))
}

/// Frees a table. NULL is accepted and ignored.
///
/// # Safety
/// `table` must be NULL or a table from this library, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_table_free(table: *mut wxpay_table) {
    guard_value("wxpay_table_free", (), || {
        if !table.is_null() {
            // SAFETY: the caller hands back ownership of a table we allocated.
            drop(unsafe { Box::from_raw(table) });
        }
    })
}
