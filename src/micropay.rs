//! The payment-code (micropay) flow: pay; while the answer is "the user is
//! entering the password" or uncertain (`USERPAYING`, `SYSTEMERROR`,
//! `BANKERROR`, a lost response), poll `pay/orderquery` until a deadline;
//! if the order is still not paid, reverse it (`secapi/pay/reverse`),
//! calling again while WeChat answers `recall=Y`, a bounded number of times.
//!
//! Every call is recorded as a [`Step`], so the merchant can log or show
//! what happened, including when the final state is [`MicropayState::Unknown`].

use std::time::{Duration, Instant};

use crate::client::Client;
use crate::error::{Error, ErrorKind, Result};
use crate::fields::Fields;

pub const MICROPAY: &str = "pay/micropay";
pub const ORDERQUERY: &str = "pay/orderquery";
pub const REVERSE: &str = "secapi/pay/reverse";

/// Timing of the flow. The defaults follow WeChat's guidance: poll every
/// 5 s for 30 s, then reverse up to 3 times, 1 s apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MicropayOptions {
    pub poll_interval: Duration,
    /// How long after the micropay answer polling goes on.
    pub poll_deadline: Duration,
    /// At least 1.
    pub reverse_attempts: u32,
    pub reverse_interval: Duration,
}

impl Default for MicropayOptions {
    fn default() -> Self {
        MicropayOptions {
            poll_interval: Duration::from_secs(5),
            poll_deadline: Duration::from_secs(30),
            reverse_attempts: 3,
            reverse_interval: Duration::from_secs(1),
        }
    }
}

/// How the flow ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MicropayState {
    /// The order is paid.
    Paid,
    /// The payment definitely failed (e.g. `NOTENOUGH`, `AUTHCODEEXPIRE`,
    /// `return_code=FAIL`); nothing was charged.
    Failed,
    /// Not paid by the deadline; reversed (the user is not charged).
    Reversed,
    /// Reversal did not succeed within its attempts: the order's state is
    /// unknown and needs the merchant's attention (query it later).
    Unknown,
}

impl MicropayState {
    pub fn as_str(self) -> &'static str {
        match self {
            MicropayState::Paid => "PAID",
            MicropayState::Failed => "FAILED",
            MicropayState::Reversed => "REVERSED",
            MicropayState::Unknown => "UNKNOWN",
        }
    }
}

/// One call of the flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// [`MICROPAY`], [`ORDERQUERY`] or [`REVERSE`].
    pub path: &'static str,
    /// When the call returned, from the start of the flow.
    pub elapsed: Duration,
    /// The verified response, or the response a protocol or business
    /// failure carried.
    pub response: Option<Fields>,
    /// The failure, if the call failed.
    pub error: Option<Error>,
}

impl Step {
    /// A one-word summary: `SUCCESS`, the `trade_state` of a query, the
    /// `err_code` of a business failure, `FAIL` for `return_code=FAIL`, or
    /// `ERROR` for a failure without a response.
    pub fn outcome(&self) -> &str {
        let r = self.response.as_ref();
        match (&self.error, r) {
            (None, Some(r)) => r.get("trade_state").unwrap_or("SUCCESS"),
            (None, None) => "SUCCESS",
            (Some(e), Some(r)) if e.kind() == ErrorKind::BusinessFail => r.get("err_code").unwrap_or("FAIL"),
            (Some(e), _) if e.kind() == ErrorKind::ProtocolFail => "FAIL",
            (Some(_), _) => "ERROR",
        }
    }

    fn field(&self, name: &str) -> Option<&str> {
        self.response.as_ref().and_then(|r| r.get(name))
    }
}

/// The end of the flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MicropayOutcome {
    pub state: MicropayState,
    /// The response that decided the state (the payment or query for
    /// `Paid`, the failure for `Failed`, the reversal for `Reversed`, the
    /// last response for `Unknown`); empty if there was none.
    pub fields: Fields,
    pub steps: Vec<Step>,
}

/// What the flow needs from the outside: calls and time. The client and the
/// tests provide it.
pub trait Driver {
    fn call(&mut self, path: &str, fields: &[(&str, &str)]) -> Result<Fields>;
    fn sleep(&mut self, d: Duration);
    fn elapsed(&self) -> Duration;
}

struct ClientDriver<'a> {
    client: &'a Client,
    started: Instant,
}

impl Driver for ClientDriver<'_> {
    fn call(&mut self, path: &str, fields: &[(&str, &str)]) -> Result<Fields> {
        self.client.request(path, fields)
    }
    fn sleep(&mut self, d: Duration) {
        std::thread::sleep(d);
    }
    fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
}

/// Runs the flow on `client` with the caller's `pay/micropay` fields.
///
/// Returns `Err` only for what is found before any network I/O: missing or
/// conflicting fields, no merchant certificate (reversal needs it: checked
/// up front), bad options. Everything after that is an outcome with steps.
pub fn run<K: AsRef<str>, V: AsRef<str>>(client: &Client, fields: &[(K, V)], options: &MicropayOptions) -> Result<MicropayOutcome> {
    if !client.has_merchant_certificate() {
        return Err(Error::new(
            ErrorKind::CertificateRequired,
            "the micropay flow may need to reverse the order (secapi/pay/reverse), which needs the merchant certificate; the client has none",
        ));
    }
    let mut driver = ClientDriver { client, started: Instant::now() };
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_ref(), v.as_ref())).collect();
    run_with(&mut driver, &pairs, options)
}

/// The flow over any [`Driver`].
pub fn run_with(driver: &mut dyn Driver, fields: &[(&str, &str)], options: &MicropayOptions) -> Result<MicropayOutcome> {
    if options.reverse_attempts == 0 {
        return Err(Error::new(ErrorKind::InvalidArgument, "micropay: reverse_attempts must be at least 1"));
    }
    let find = |n: &str| fields.iter().find(|(k, _)| *k == n).map(|(_, v)| *v);
    let out_trade_no = find("out_trade_no")
        .filter(|v| !v.is_empty())
        .ok_or_else(|| Error::new(ErrorKind::MissingField, "pay/micropay: the required field `out_trade_no` is missing"))?;
    // Follow-up calls name the order and keep the caller's sub-merchant and algorithm.
    let follow: Vec<(&str, &str)> = std::iter::once(("out_trade_no", out_trade_no))
        .chain(["sub_appid", "sub_mch_id", "sign_type"].into_iter().filter_map(|n| find(n).map(|v| (n, v))))
        .collect();
    let mut flow = Flow { driver, steps: Vec::new() };

    let first = flow.call(MICROPAY, fields);
    match &first {
        Err(e) if is_local(e.kind()) && flow.steps.len() == 1 => {
            return Err(e.clone());
        }
        Ok(r) => return Ok(flow.end(MicropayState::Paid, r.clone())),
        Err(e) if e.kind() == ErrorKind::BusinessFail && !is_pending(err_code(e)) => {
            return Ok(flow.end(MicropayState::Failed, response_of(e)));
        }
        Err(e) if e.kind() == ErrorKind::ProtocolFail => return Ok(flow.end(MicropayState::Failed, response_of(e))),
        Err(_) => {}
    }

    let deadline = flow.driver.elapsed() + options.poll_deadline;
    loop {
        if flow.driver.elapsed() >= deadline {
            break;
        }
        flow.driver.sleep(options.poll_interval);
        // A failed query decides nothing: poll again until the deadline.
        if let Ok(r) = flow.call(ORDERQUERY, &follow) {
            match r.get("trade_state") {
                Some("SUCCESS" | "REFUND") => return Ok(flow.end(MicropayState::Paid, r)),
                Some("REVOKED") => return Ok(flow.end(MicropayState::Reversed, r)),
                Some("USERPAYING" | "NOTPAY") | None => {}
                // PAYERROR, CLOSED: not paid and not going to be; reverse.
                Some(_) => break,
            }
        }
    }

    let mut last = Fields::new();
    for attempt in 0..options.reverse_attempts {
        if attempt > 0 {
            flow.driver.sleep(options.reverse_interval);
        }
        match flow.call(REVERSE, &follow) {
            Ok(r) if r.get("recall") != Some("Y") => return Ok(flow.end(MicropayState::Reversed, r)),
            Ok(r) => last = r,
            Err(e) => {
                let r = response_of(&e);
                let recall = r.get("recall") == Some("Y");
                if e.kind() == ErrorKind::BusinessFail && !recall {
                    let state = if err_code(&e) == "ORDERNOTEXIST" { MicropayState::Failed } else { MicropayState::Unknown };
                    return Ok(flow.end(state, r));
                }
                if !r.is_empty() {
                    last = r;
                }
            }
        }
    }
    Ok(flow.end(MicropayState::Unknown, last))
}

struct Flow<'d> {
    driver: &'d mut dyn Driver,
    steps: Vec<Step>,
}

impl Flow<'_> {
    fn call(&mut self, path: &'static str, fields: &[(&str, &str)]) -> Result<Fields> {
        let result = self.driver.call(path, fields);
        let (response, error) = match &result {
            Ok(r) => (Some(r.clone()), None),
            Err(e) => (e.response().cloned(), Some(e.clone())),
        };
        self.steps.push(Step { path, elapsed: self.driver.elapsed(), response, error });
        result
    }

    fn end(self, state: MicropayState, fields: Fields) -> MicropayOutcome {
        MicropayOutcome { state, fields, steps: self.steps }
    }
}

/// Errors found before any network I/O: the request was never sent.
fn is_local(kind: ErrorKind) -> bool {
    matches!(
        kind,
        ErrorKind::InvalidArgument
            | ErrorKind::InvalidUtf8
            | ErrorKind::EmbeddedNul
            | ErrorKind::InvalidKey
            | ErrorKind::UnknownSignType
            | ErrorKind::SignTypeMismatch
            | ErrorKind::DuplicateField
            | ErrorKind::InvalidFieldName
            | ErrorKind::InvalidFieldValue
            | ErrorKind::MissingField
            | ErrorKind::ConflictingField
            | ErrorKind::ClientForked
            | ErrorKind::CertificateRequired
    )
}

/// Business codes that mean "not decided yet: query".
fn is_pending(err_code: &str) -> bool {
    matches!(err_code, "USERPAYING" | "SYSTEMERROR" | "BANKERROR")
}

fn err_code(e: &Error) -> &str {
    e.response().and_then(|r| r.get("err_code")).unwrap_or("")
}

fn response_of(e: &Error) -> Fields {
    e.response().cloned().unwrap_or_default()
}

impl Step {
    /// The step as a record of text columns, [`STEP_COLUMNS`] in order;
    /// `error` is filled by the caller's naming of the error kind.
    pub fn record(&self, error_name: &str) -> [String; STEP_COLUMNS.len()] {
        let f = |n: &str| self.field(n).unwrap_or("").to_owned();
        [
            self.path.to_owned(),
            self.outcome().to_owned(),
            f("return_code"),
            f("result_code"),
            f("err_code"),
            f("trade_state"),
            f("recall"),
            error_name.to_owned(),
            self.error.as_ref().map(|e| e.message().to_owned()).unwrap_or_default(),
            self.elapsed.as_millis().to_string(),
        ]
    }
}

/// The columns of [`Step::record`].
pub const STEP_COLUMNS: [&str; 10] =
    ["path", "outcome", "return_code", "result_code", "err_code", "trade_state", "recall", "error", "message", "elapsed_ms"];

#[cfg(test)]
mod tests;
