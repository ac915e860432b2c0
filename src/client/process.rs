//! The process a client belongs to.
//!
//! A client's transport runs on a background thread (reqwest's blocking
//! runtime). `fork()` copies a process's memory but only the thread that
//! called it, so in a child the client's I/O thread is not there: a request
//! would be queued for it and wait out its timeout (forever without one),
//! and freeing the transport would join it and hang. So a client is refused
//! in any process but the one that made it, before any I/O, and its
//! transport is deliberately leaked there (see `Transport`'s `Drop`).

use crate::error::{Error, ErrorKind, Result};

/// The ID of the process that made a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Owner(u32);

impl Owner {
    /// The calling process.
    pub(crate) fn current() -> Owner {
        // getpid(2), asked each time: glibc and musl no longer cache it, so
        // it is right in a child made by fork() or clone().
        Owner(std::process::id())
    }

    pub(crate) fn is_current(self) -> bool {
        self == Owner::current()
    }

    /// [`ErrorKind::ClientForked`] in any process but the owner.
    pub(crate) fn check(self) -> Result<()> {
        let here = std::process::id();
        if here == self.0 {
            return Ok(());
        }
        Err(Error::new(
            ErrorKind::ClientForked,
            format!(
                "this client was made in process {} and is used in process {here}, a child forked from it, where its I/O thread does not exist; make a new client after the fork",
                self.0
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_owner_passes() {
        assert!(Owner::current().is_current());
        assert!(Owner::current().check().is_ok());
        let other = Owner(std::process::id().wrapping_add(1));
        assert!(!other.is_current());
        let e = other.check().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::ClientForked);
        assert!(e.message().contains("make a new client after the fork"), "{}", e.message());
    }
}
