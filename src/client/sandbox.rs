//! Sandbox mode: the sandbox signs with its own key, fetched from
//! `xdc/apiv2getsignkey/sign/getsignkey` (a request signed with the real
//! key) and valid for about three days, so it is cached and shared by every thread.

use std::borrow::Cow;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::Client;
use crate::endpoints::{SANDBOX as PREFIX, SANDBOX_GETSIGNKEY as GETSIGNKEY};
use crate::error::{Error, ErrorKind, Result};
use crate::log::{LogLevel, log};
use crate::sign::ApiKey;

/// The cached key and when it was fetched.
pub(crate) struct SandboxKey {
    ttl: Duration,
    cached: Mutex<Option<(ApiKey, Instant)>>,
}

impl SandboxKey {
    pub(crate) fn new(ttl: Duration) -> SandboxKey {
        SandboxKey { ttl, cached: Mutex::new(None) }
    }
}

impl Client {
    /// Runs `call` with the path to send and the key to sign with: in
    /// sandbox mode, the path under `xdc/apiv2sandbox/` and the sandbox key
    /// (fetched if needed). A cached key the sandbox no longer accepts shows
    /// as `return_code=FAIL` (the request was not processed), so then the key
    /// is fetched again and the call made once more.
    pub(crate) fn routed<T>(&self, path: &str, call: impl Fn(&str, &ApiKey) -> Result<T>) -> Result<T> {
        let Some(sandbox) = &self.sandbox else {
            return call(path, &self.key);
        };
        let plain = crate::endpoints::normalize(path)?;
        if plain == GETSIGNKEY {
            return call(plain, &self.key);
        }
        let routed = if plain.starts_with(PREFIX) { Cow::Borrowed(plain) } else { Cow::Owned(format!("{PREFIX}{plain}")) };
        let (key, fetched) = self.sandbox_key(sandbox)?;
        match call(&routed, &key) {
            Err(e) if e.kind() == ErrorKind::ProtocolFail && !fetched => {
                log(self.logger.as_ref(), LogLevel::Warn, || {
                    format!("{routed}: return_code=FAIL with the cached sandbox key; fetching the key again and retrying once")
                });
                self.forget_sandbox_key();
                let (key, _) = self.sandbox_key(sandbox)?;
                call(&routed, &key)
            }
            other => other,
        }
    }

    /// The key WeChat signs with for this client: the sandbox key in sandbox
    /// mode (notifications of sandbox orders are signed, and refund
    /// notifications encrypted, with it), else the API key. Fetching the
    /// sandbox key is a request, refused in a forked child.
    pub(crate) fn current_key(&self) -> Result<Cow<'_, ApiKey>> {
        match &self.sandbox {
            Some(sandbox) => {
                self.owner.check()?;
                Ok(Cow::Owned(self.sandbox_key(sandbox)?.0))
            }
            None => Ok(Cow::Borrowed(&self.key)),
        }
    }

    /// The cached sandbox key, fetched when absent or older than its TTL.
    /// The lock is held across the fetch so that concurrent first requests
    /// fetch it once.
    /// Also says whether it was fetched by this call.
    fn sandbox_key(&self, sandbox: &SandboxKey) -> Result<(ApiKey, bool)> {
        let mut cached = sandbox.cached.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((key, at)) = cached.as_ref() {
            if at.elapsed() < sandbox.ttl {
                return Ok((key.clone(), false));
            }
        }
        let response = self.request_keyed(GETSIGNKEY, &[] as &[(&str, &str)], &self.key)?;
        let value = response.get("sandbox_signkey").ok_or_else(|| {
            Error::new(ErrorKind::ResponseInvalid, format!("{GETSIGNKEY}: the response has no sandbox_signkey"))
        })?;
        let key = ApiKey::new(value.as_bytes()).map_err(|_| {
            Error::new(ErrorKind::ResponseInvalid, format!("{GETSIGNKEY}: sandbox_signkey is not a 32-character key"))
        })?;
        log(self.logger.as_ref(), LogLevel::Info, || format!("{GETSIGNKEY}: sandbox key fetched"));
        *cached = Some((key.clone(), Instant::now()));
        Ok((key, true))
    }

    /// Forgets the cached sandbox key (e.g. after the sandbox refused it).
    pub fn forget_sandbox_key(&self) {
        if let Some(sandbox) = &self.sandbox {
            *sandbox.cached.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = None;
        }
    }

    /// Whether the client is in sandbox mode.
    pub fn is_sandbox(&self) -> bool {
        self.sandbox.is_some()
    }
}
