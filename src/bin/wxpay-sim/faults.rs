//! Faults injected on demand, by control call or by a request field.

use std::sync::Mutex;

use crate::reply::clip;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Wait, then answer normally.
    Delay,
    /// Close the connection without an answer.
    Reset,
    /// HTTP 500 with an HTML body.
    Http500,
    /// HTTP 200 with a body that is not XML.
    Garbled,
    /// A normal answer whose `sign` is wrong.
    BadSign,
    /// A normal answer without `sign`.
    NoSign,
    /// `return_code=FAIL`.
    ReturnFail,
    /// `result_code=FAIL`, `err_code=SYSTEMERROR`.
    SystemError,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::Delay,
        Kind::Reset,
        Kind::Http500,
        Kind::Garbled,
        Kind::BadSign,
        Kind::NoSign,
        Kind::ReturnFail,
        Kind::SystemError,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Delay => "delay",
            Kind::Reset => "reset",
            Kind::Http500 => "http500",
            Kind::Garbled => "garbled",
            Kind::BadSign => "badsign",
            Kind::NoSign => "nosign",
            Kind::ReturnFail => "returnfail",
            Kind::SystemError => "systemerror",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == s)
    }
}

/// A fault as applied to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fault {
    pub kind: Kind,
    pub delay_ms: u64,
}

pub const DEFAULT_DELAY_MS: u64 = 1000;
/// Long enough for any client timeout test, short enough not to pin connections for good.
pub const MAX_DELAY_MS: u64 = 600_000;

/// Reads `sim:fault=KIND` or `sim:fault=delay:MS` from a request's `attach`.
pub fn from_attach(attach: &str) -> Option<Result<Fault, String>> {
    let spec = attach.strip_prefix("sim:fault=")?;
    let (name, ms) = match spec.split_once(':') {
        Some((n, ms)) => (n, Some(ms)),
        None => (spec, None),
    };
    let Some(kind) = Kind::parse(name) else {
        return Some(Err(format!("wxpay-sim: unknown fault kind `{}` in attach", clip(name, 32))));
    };
    let delay_ms = match ms {
        None => DEFAULT_DELAY_MS,
        Some(ms) => match ms.parse::<u64>() {
            Ok(n) if n <= MAX_DELAY_MS => n,
            _ => {
                return Some(Err(format!("wxpay-sim: bad delay `{}` in attach (0..={MAX_DELAY_MS} ms)", clip(ms, 32))));
            }
        },
    };
    Some(Ok(Fault { kind, delay_ms }))
}

#[derive(Debug, Clone)]
pub struct Armed {
    pub kind: Kind,
    /// A request path without its leading `/`, or `*` for any.
    pub path: String,
    pub remaining: u32,
    pub delay_ms: u64,
}

/// Faults armed by `POST /sim/fault`, consumed one request at a time.
#[derive(Default)]
pub struct Faults {
    armed: Mutex<Vec<Armed>>,
}

impl Faults {
    pub fn arm(&self, fault: Armed) {
        self.lock().push(fault);
    }

    /// The first armed fault matching `path`, counted down by one.
    pub fn take(&self, path: &str) -> Option<Fault> {
        let mut armed = self.lock();
        let at = armed.iter().position(|a| a.path == "*" || a.path == path)?;
        let a = &mut armed[at];
        let fault = Fault { kind: a.kind, delay_ms: a.delay_ms };
        a.remaining -= 1;
        if a.remaining == 0 {
            armed.remove(at);
        }
        Some(fault)
    }

    pub fn list(&self) -> Vec<Armed> {
        self.lock().clone()
    }

    pub fn clear(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Armed>> {
        // A panic elsewhere cannot leave the list half-edited: every edit is one call.
        self.armed.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn armed_faults_count_down_and_match_paths() {
        let f = Faults::default();
        f.arm(Armed { kind: Kind::Http500, path: "pay/orderquery".into(), remaining: 2, delay_ms: 0 });
        assert_eq!(f.take("pay/closeorder"), None);
        assert_eq!(f.take("pay/orderquery").map(|x| x.kind), Some(Kind::Http500));
        assert_eq!(f.take("pay/orderquery").map(|x| x.kind), Some(Kind::Http500));
        assert_eq!(f.take("pay/orderquery"), None);
    }

    #[test]
    fn attach_spec() {
        assert_eq!(from_attach("hello"), None);
        assert_eq!(from_attach("sim:fault=reset"), Some(Ok(Fault { kind: Kind::Reset, delay_ms: DEFAULT_DELAY_MS })));
        assert_eq!(from_attach("sim:fault=delay:25"), Some(Ok(Fault { kind: Kind::Delay, delay_ms: 25 })));
        assert!(matches!(from_attach("sim:fault=explode"), Some(Err(_))));
    }
}
