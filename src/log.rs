//! The log hook: the client reports what it does (path, host, timing,
//! failover, outcome) to a callback the caller installs, so each wrapper can
//! route it into its own ecosystem's logger.
//!
//! Messages are built by the library from non-secret parts only: the API
//! key, private keys and passwords are never formatted into one, and neither
//! are request or response field values.

use std::fmt;
use std::sync::Arc;

/// How important a message is; a lower number is more severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
    Error = 1,
    Warn = 2,
    Info = 3,
    Debug = 4,
}

impl LogLevel {
    pub fn from_number(n: i32) -> Option<LogLevel> {
        match n {
            1 => Some(LogLevel::Error),
            2 => Some(LogLevel::Warn),
            3 => Some(LogLevel::Info),
            4 => Some(LogLevel::Debug),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Error => "error",
            LogLevel::Warn => "warn",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
        }
    }
}

type Sink = dyn Fn(LogLevel, &str) + Send + Sync;

/// A callback and the least severe level it wants.
///
/// It is called synchronously, on the thread that makes the request, and
/// may therefore be called from several threads at once.
#[derive(Clone)]
pub struct Logger {
    sink: Arc<Sink>,
    min_level: LogLevel,
}

impl Logger {
    pub fn new(min_level: LogLevel, sink: impl Fn(LogLevel, &str) + Send + Sync + 'static) -> Logger {
        Logger { sink: Arc::new(sink), min_level }
    }

    pub fn min_level(&self) -> LogLevel {
        self.min_level
    }

    pub fn enabled(&self, level: LogLevel) -> bool {
        level <= self.min_level
    }

    /// Formats the message only if the level is wanted.
    pub fn log(&self, level: LogLevel, message: impl FnOnce() -> String) {
        if self.enabled(level) {
            (self.sink)(level, &message());
        }
    }
}

impl fmt::Debug for Logger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Logger").field("min_level", &self.min_level).finish_non_exhaustive()
    }
}

/// Logs through an optional logger.
pub(crate) fn log(logger: Option<&Logger>, level: LogLevel, message: impl FnOnce() -> String) {
    if let Some(l) = logger {
        l.log(level, message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn levels_below_the_minimum_are_not_formatted() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s = seen.clone();
        let logger = Logger::new(LogLevel::Info, move |l, m| s.lock().unwrap().push((l, m.to_owned())));
        logger.log(LogLevel::Debug, || panic!("must not be formatted"));
        logger.log(LogLevel::Warn, || "w".into());
        logger.log(LogLevel::Info, || "i".into());
        assert_eq!(*seen.lock().unwrap(), vec![(LogLevel::Warn, "w".to_owned()), (LogLevel::Info, "i".to_owned())]);
    }

    #[test]
    fn level_numbers_round_trip() {
        for l in [LogLevel::Error, LogLevel::Warn, LogLevel::Info, LogLevel::Debug] {
            assert_eq!(LogLevel::from_number(l as i32), Some(l));
        }
        assert_eq!(LogLevel::from_number(0), None);
        assert_eq!(LogLevel::from_number(5), None);
    }
}
