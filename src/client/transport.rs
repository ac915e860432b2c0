//! HTTPS POST with mutual TLS, size limits, error classification and
//! failover to the backup host.
//!
//! One `reqwest` blocking client per wxpay client: its connection pool keeps
//! connections alive between requests (and threads).

use std::io::Read;
use std::mem::ManuallyDrop;
use std::time::Instant;

use super::config::{Config, Failover, Proxy};
use super::identity::{Identity, root_certificates};
use super::process::Owner;
use crate::error::{Error, ErrorKind, Result};
use crate::log::{LogLevel, Logger, log};

/// How far a failed attempt got; decides whether failing over is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// No connection was made: the request was not sent.
    Connect,
    /// The TLS handshake failed: a configuration or security problem.
    Tls,
    /// The request may have been sent, no response head arrived.
    AwaitingResponse,
    /// A response arrived: never send again.
    Responded,
}

struct Failure {
    error: Error,
    stage: Stage,
}

pub(crate) struct Transport {
    /// Dropped only in `owner` (see `Drop`).
    http: ManuallyDrop<reqwest::blocking::Client>,
    owner: Owner,
    primary: String,
    backup: Option<String>,
    failover: Failover,
    logger: Option<Logger>,
}

/// A body read within its limit.
pub(crate) struct Received {
    pub(crate) body: Vec<u8>,
}

impl Transport {
    pub(crate) fn new(config: &Config, identity: Option<&Identity>) -> Result<Transport> {
        let mut builder = reqwest::blocking::Client::builder()
            .tls_backend_native()
            .min_tls_version(reqwest::tls::Version::TLS_1_2)
            .connect_timeout(config.connect_timeout)
            .timeout(config.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .retry(reqwest::retry::never())
            .http1_only()
            .user_agent(concat!("wxpay/", env!("CARGO_PKG_VERSION")));
        builder = match &config.proxy {
            Proxy::Environment => builder,
            Proxy::Direct => builder.no_proxy(),
            Proxy::Url(url) => builder.proxy(reqwest::Proxy::all(url.as_str()).map_err(|_| {
                Error::new(ErrorKind::InvalidArgument, "the proxy URL is not one the HTTPS client accepts")
            })?),
        };
        if !config.keep_alive {
            builder = builder.pool_max_idle_per_host(0);
        }
        if let Some(id) = identity {
            builder = builder.identity(id.to_reqwest()?);
        }
        if let Some(pem) = &config.root_ca {
            builder = builder.tls_certs_merge(root_certificates(pem)?);
        }
        let http = builder.build().map_err(|e| {
            Error::new(ErrorKind::Tls, format!("the HTTPS client cannot be set up: {}", chain(&e)))
        })?;
        Ok(Transport {
            http: ManuallyDrop::new(http),
            owner: Owner::current(),
            primary: config.host.base_url().to_owned(),
            backup: config.backup_host().map(|h| h.base_url().to_owned()),
            failover: config.failover,
            logger: config.logger.clone(),
        })
    }

    /// POSTs `body` to `path` on the primary host (or `base` when the
    /// endpoint lives elsewhere), failing over once to the backup host as
    /// the policy allows, and reads at most `limit` bytes of response.
    pub(crate) fn post(&self, path: &str, base: Option<&str>, body: &str, limit: usize) -> Result<Received> {
        let primary = base.unwrap_or(&self.primary);
        let first = self.attempt(primary, path, body, limit);
        let failure = match first {
            Ok(r) => return Ok(r),
            Err(f) => f,
        };
        let backup = match (&self.backup, base) {
            (Some(b), None) if self.may_fail_over(failure.stage) => b,
            _ => return Err(failure.error),
        };
        log(self.logger.as_ref(), LogLevel::Warn, || {
            format!("POST {primary}{path} failed before any response ({}); failing over to {backup}", failure.error)
        });
        self.attempt(backup, path, body, limit).map_err(|f| f.error)
    }

    fn may_fail_over(&self, stage: Stage) -> bool {
        match self.failover {
            Failover::Never => false,
            Failover::OnConnectError => stage == Stage::Connect,
            Failover::OnNoResponse => matches!(stage, Stage::Connect | Stage::AwaitingResponse),
        }
    }

    fn attempt(&self, base: &str, path: &str, body: &str, limit: usize) -> std::result::Result<Received, Failure> {
        let url = format!("{base}{path}");
        let started = Instant::now();
        log(self.logger.as_ref(), LogLevel::Debug, || format!("POST {url} ({} bytes)", body.len()));
        let response = self
            .http
            .post(&url)
            .header(reqwest::header::CONTENT_TYPE, "text/xml; charset=utf-8")
            .body(body.to_owned())
            .send()
            .map_err(|e| classify(&url, &e))?;
        let status = response.status();
        log(self.logger.as_ref(), LogLevel::Debug, || {
            format!("POST {url}: HTTP {} after {} ms", status.as_u16(), started.elapsed().as_millis())
        });
        if status != reqwest::StatusCode::OK {
            return Err(Failure {
                error: Error::new(ErrorKind::HttpStatus, format!("POST {url}: the server answered HTTP {status}")),
                stage: Stage::Responded,
            });
        }
        let body = read_limited(&url, response, limit)?;
        log(self.logger.as_ref(), LogLevel::Info, || {
            format!("POST {url}: {} bytes in {} ms", body.len(), started.elapsed().as_millis())
        });
        Ok(Received { body })
    }
}

impl Drop for Transport {
    fn drop(&mut self) {
        if self.owner.is_current() {
            // SAFETY: dropped once, here, and `http` is not used afterwards.
            unsafe { ManuallyDrop::drop(&mut self.http) };
        }
        // In a forked child the reqwest client is leaked on purpose: its
        // drop joins the runtime thread, which stayed in the parent, and
        // would wait forever. Its memory is a copy of the parent's and goes
        // when the child exits.
    }
}

fn read_limited(url: &str, response: reqwest::blocking::Response, limit: usize) -> std::result::Result<Vec<u8>, Failure> {
    let too_large = |n: String| Failure {
        error: Error::new(
            ErrorKind::ResponseTooLarge,
            format!("POST {url}: the response has {n} bytes, over the limit of {limit}"),
        ),
        stage: Stage::Responded,
    };
    if let Some(n) = response.content_length() {
        if n > limit as u64 {
            return Err(too_large(n.to_string()));
        }
    }
    let mut body = Vec::new();
    response
        .take(limit as u64 + 1)
        .read_to_end(&mut body)
        .map_err(|e| {
            let timed_out = e.kind() == std::io::ErrorKind::TimedOut || chain(&e).contains("timed out");
            let (kind, what) = if timed_out {
                (ErrorKind::Timeout, "timed out while reading the response")
            } else {
                (ErrorKind::Transport, "the connection failed while reading the response")
            };
            Failure { error: Error::new(kind, format!("POST {url}: {what}: {}", chain(&e))), stage: Stage::Responded }
        })?;
    if body.len() > limit {
        return Err(too_large("more than".into()));
    }
    Ok(body)
}

fn classify(url: &str, e: &reqwest::Error) -> Failure {
    let detail = chain(e);
    let tls = is_tls(e);
    let (kind, stage, what) = if e.is_connect() && tls {
        (ErrorKind::Tls, Stage::Tls, "the TLS handshake failed")
    } else if e.is_connect() && e.is_timeout() {
        (ErrorKind::Timeout, Stage::Connect, "timed out connecting")
    } else if e.is_connect() {
        (ErrorKind::Connect, Stage::Connect, "could not connect")
    } else if e.is_timeout() {
        (ErrorKind::Timeout, Stage::AwaitingResponse, "timed out waiting for the response")
    } else {
        (ErrorKind::Transport, Stage::AwaitingResponse, "the connection failed before a response arrived")
    };
    Failure { error: Error::new(kind, format!("POST {url}: {what}: {detail}")), stage }
}

/// Whether the error comes from the TLS layer (native-tls / OpenSSL).
fn is_tls(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if err.downcast_ref::<native_tls::Error>().is_some() || err.downcast_ref::<openssl::ssl::Error>().is_some() {
            return true;
        }
        cur = err.source();
    }
    false
}

/// The error and its causes on one line. These come from the network and
/// TLS layers, which never see the API key or passwords; the private key is
/// inside OpenSSL and not printed by it.
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        let s = err.to_string();
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
        cur = err.source();
    }
    parts.join(": ")
}
