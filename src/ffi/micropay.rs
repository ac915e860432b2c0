//! `wxpay_micropay`: the payment-code flow (pay, poll, reverse) in one call.

use std::ffi::c_char;
use std::time::Duration;

use super::args::{self, out};
use super::client::wxpay_client;
use super::error::wxpay_result;
use super::fields::{hand_out, wxpay_fields};
use super::panic::guard;
use super::table::{hand_out_table, wxpay_table};
use crate::micropay::{MicropayOptions, MicropayState, STEP_COLUMNS};

/// Timing of `wxpay_micropay`. Fill it with `wxpay_micropay_options_default`
/// and change what you need.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct wxpay_micropay_options {
    /// Between two `pay/orderquery` calls (default 5000).
    pub poll_interval_ms: u64,
    /// How long polling goes on after the micropay answer (default 30000).
    pub poll_deadline_ms: u64,
    /// `secapi/pay/reverse` calls at most, while WeChat answers `recall=Y`
    /// or the call fails (default 3; at least 1).
    pub reverse_attempts: u64,
    /// Between two reverse calls (default 1000).
    pub reverse_interval_ms: u64,
}

/// The final state `wxpay_micropay` reports.
#[repr(C)]
pub enum wxpay_micropay_state {
    /// The order is paid.
    Paid = 1,
    /// The payment definitely failed (e.g. `NOTENOUGH`); nothing charged.
    Failed = 2,
    /// Not paid by the deadline, and reversed.
    Reversed = 3,
    /// Reversal did not succeed: the order needs the merchant's attention.
    Unknown = 4,
}

/// Fills `*out` with the default options.
///
/// # Safety
/// `out` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_micropay_options_default(out_options: *mut wxpay_micropay_options) -> wxpay_result {
    guard("wxpay_micropay_options_default", || {
        let out_options = out(out_options, "out_options")?;
        let d = MicropayOptions::default();
        *out_options = wxpay_micropay_options {
            poll_interval_ms: millis(d.poll_interval),
            poll_deadline_ms: millis(d.poll_deadline),
            reverse_attempts: u64::from(d.reverse_attempts),
            reverse_interval_ms: millis(d.reverse_interval),
        };
        Ok(())
    })
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Runs the payment-code flow with the caller's `pay/micropay` packed
/// fields (`body`, `out_trade_no`, `total_fee`, `spbill_create_ip`,
/// `auth_code`, ...): pay; on `USERPAYING`, `SYSTEMERROR`, `BANKERROR` or a
/// lost answer, poll `pay/orderquery` every `poll_interval_ms` until
/// `poll_deadline_ms`; if still not paid, `secapi/pay/reverse`, again while
/// WeChat answers `recall=Y`, at most `reverse_attempts` times.
/// `options` NULL means the defaults.
///
/// Results: `WXPAY_RESULT_OK` whenever the flow ran, whatever its outcome:
/// `*out_state` is a `WXPAY_MICROPAY_STATE_*` value. Errors only for what is
/// found before any network I/O: `WXPAY_RESULT_MISSING_FIELD`,
/// `WXPAY_RESULT_CONFLICTING_FIELD`, `WXPAY_RESULT_CERTIFICATE_REQUIRED`
/// (reversal needs the merchant certificate, so it is required up front),
/// `WXPAY_RESULT_CLIENT_FORKED` (a client made before a `fork()`),
/// `WXPAY_RESULT_INVALID_ARGUMENT` (`reverse_attempts` 0), argument errors.
///
/// On success `*out_fields` is the response that decided the state (the
/// payment or query for PAID, the failure for FAILED, the reversal for
/// REVERSED, the last response for UNKNOWN; empty if none), and
/// `*out_steps` a table with one row per call and the columns `path`,
/// `outcome` (`SUCCESS`, a `trade_state`, an `err_code`, `FAIL` or `ERROR`),
/// `return_code`, `result_code`, `err_code`, `trade_state`, `recall`,
/// `error` (a `WXPAY_RESULT_*` name, empty on success), `message`,
/// `elapsed_ms` (since the start of the flow).
///
/// Ownership: inputs are borrowed for the call. On success the caller frees
/// `*out_fields` with `wxpay_fields_free` and `*out_steps` with
/// `wxpay_table_free`; on failure no out-parameter is written.
/// Threads: blocks the calling thread for the whole flow; any number of
/// threads may run flows on one client at once.
///
/// # Safety
/// `client` live; `fields` `fields_len` readable bytes; `options` NULL or
/// readable; out-parameters writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_micropay(
    client: *const wxpay_client,
    fields: *const c_char,
    fields_len: usize,
    field_count: usize,
    options: *const wxpay_micropay_options,
    out_state: *mut i32,
    out_fields: *mut *mut wxpay_fields,
    out_steps: *mut *mut wxpay_table,
) -> wxpay_result {
    guard("wxpay_micropay", || {
        let out_state = out(out_state, "out_state")?;
        let out_fields = out(out_fields, "out_fields")?;
        let out_steps = out(out_steps, "out_steps")?;
        // SAFETY: the caller's contract.
        let client = unsafe { client.as_ref() }.ok_or_else(|| args::null("client"))?;
        // SAFETY: the caller's contract.
        let data = unsafe { args::text(fields, fields_len, "fields") }?;
        let pairs = args::unpack(data, field_count)?;
        // SAFETY: the caller's contract: NULL or readable.
        let options = match unsafe { options.as_ref() } {
            None => MicropayOptions::default(),
            Some(o) => MicropayOptions {
                poll_interval: Duration::from_millis(o.poll_interval_ms),
                poll_deadline: Duration::from_millis(o.poll_deadline_ms),
                reverse_attempts: u32::try_from(o.reverse_attempts).unwrap_or(u32::MAX),
                reverse_interval: Duration::from_millis(o.reverse_interval_ms),
            },
        };
        let outcome = client.client.micropay(&pairs, &options)?;
        let rows: Vec<Vec<String>> = outcome
            .steps
            .iter()
            .map(|s| {
                let name = s.error.as_ref().map_or("", |e| error_name(wxpay_result::of(e.kind())));
                // Messages may quote peer text; a NUL cannot travel in a table.
                s.record(name).into_iter().map(|c| c.replace('\0', "")).collect()
            })
            .collect();
        let steps = wxpay_table::new(&STEP_COLUMNS, rows)?;
        hand_out(outcome.fields.iter(), out_fields);
        hand_out_table(steps, out_steps);
        *out_state = match outcome.state {
            MicropayState::Paid => wxpay_micropay_state::Paid,
            MicropayState::Failed => wxpay_micropay_state::Failed,
            MicropayState::Reversed => wxpay_micropay_state::Reversed,
            MicropayState::Unknown => wxpay_micropay_state::Unknown,
        } as i32;
        Ok(())
    })
}

fn error_name(code: wxpay_result) -> &'static str {
    wxpay_result::ALL
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("WXPAY_RESULT_UNKNOWN", |(_, n)| n.trim_end_matches('\0'))
}

