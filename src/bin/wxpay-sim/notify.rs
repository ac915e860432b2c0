//! Delivers notifications to the merchant's `notify_url` on WeChat's retry
//! schedule, and keeps a log of every attempt for `GET /sim/notifications`.
//! The same single POST carries the Native scan callback (`POST /sim/scan`).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use openssl::ssl::SslConnector;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

/// Seconds between attempts after the first, as WeChat documents them.
pub const SCHEDULE: [u64; 15] =
    [15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10_800, 10_800, 10_800, 21_600, 21_600];

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_ANSWER: usize = 64 * 1024;

/// A `notify_url` the simulator can call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    pub https: bool,
    pub host: String,
    pub port: u16,
    pub path: String,
}

impl Url {
    /// Accepts `http://` and `https://` URLs with an optional port.
    pub fn parse(s: &str) -> Result<Url, String> {
        let (https, rest) = if let Some(r) = s.strip_prefix("https://") {
            (true, r)
        } else if let Some(r) = s.strip_prefix("http://") {
            (false, r)
        } else {
            return Err("notify_url must start with http:// or https://".into());
        };
        let (authority, path) = match rest.find('/') {
            Some(at) => (&rest[..at], &rest[at..]),
            None => (rest, "/"),
        };
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let (h, after) = v6.split_once(']').ok_or("notify_url has an unclosed [ in its host")?;
            (h, after.strip_prefix(':'))
        } else {
            match authority.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (authority, None),
            }
        };
        if host.is_empty() || host.contains('@') {
            return Err("notify_url has no usable host".into());
        }
        let port = match port {
            None => {
                if https {
                    443
                } else {
                    80
                }
            }
            Some(p) => p.parse::<u16>().ok().filter(|&p| p != 0).ok_or("notify_url has a bad port")?,
        };
        if path.bytes().any(|b| b <= b' ' || b == 0x7f) {
            return Err("notify_url contains spaces or control characters".into());
        }
        Ok(Url { https, host: host.to_owned(), port, path: path.to_owned() })
    }

    /// The loopback address to call, if the host is one.
    pub fn loopback(&self) -> Option<SocketAddr> {
        let ip = if self.host.eq_ignore_ascii_case("localhost") {
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        } else {
            self.host.parse::<IpAddr>().ok().filter(IpAddr::is_loopback)?
        };
        Some(SocketAddr::new(ip, self.port))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Pending,
    Delivered,
    GaveUp,
    Undeliverable,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Delivered => "delivered",
            State::GaveUp => "gave_up",
            State::Undeliverable => "undeliverable",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Attempt {
    /// Milliseconds since the simulator started.
    pub at_ms: u64,
    pub http_status: Option<u16>,
    pub acknowledged: bool,
    pub outcome: String,
}

#[derive(Debug, Clone)]
pub struct Delivery {
    pub id: u64,
    pub kind: &'static str,
    pub url: String,
    pub out_trade_no: String,
    pub out_refund_no: Option<String>,
    pub state: State,
    pub attempts: Vec<Attempt>,
    /// The delivery's task has ended: no further attempt will be made.
    pub finished: bool,
}

#[derive(Default)]
struct Log {
    /// Bumped by reset so that running deliveries stop.
    generation: u64,
    next_id: u64,
    deliveries: Vec<Delivery>,
}

struct Shared {
    log: Mutex<Log>,
    scale: f64,
    connector: SslConnector,
    started: Instant,
}

pub struct Notifier {
    shared: Arc<Shared>,
}

/// What to send.
pub struct Message {
    pub kind: &'static str,
    pub url: String,
    pub out_trade_no: String,
    pub out_refund_no: Option<String>,
    pub body: String,
}

impl Notifier {
    pub fn new(scale: f64, connector: SslConnector, started: Instant) -> Notifier {
        Notifier { shared: Arc::new(Shared { log: Mutex::default(), scale, connector, started }) }
    }

    /// Starts delivering `msg` in the background. Must run inside the Tokio runtime.
    pub fn send(&self, msg: Message) {
        let shared = Arc::clone(&self.shared);
        let (id, generation) = {
            let mut log = shared.lock();
            log.next_id += 1;
            let id = log.next_id;
            log.deliveries.push(Delivery {
                id,
                kind: msg.kind,
                url: msg.url.clone(),
                out_trade_no: msg.out_trade_no.clone(),
                out_refund_no: msg.out_refund_no.clone(),
                state: State::Pending,
                attempts: Vec::new(),
                finished: false,
            });
            (id, log.generation)
        };
        tokio::spawn(async move {
            shared.deliver(id, generation, msg).await;
            shared.finish(id, generation);
        });
    }

    /// One POST of `body` to `url`, an http(s) URL on a loopback host, with
    /// the connect and attempt timeouts of a delivery: the HTTP status and
    /// the answer body (at most 64 KiB). Nothing is logged.
    pub async fn post_once(&self, url: &Url, body: &str) -> Result<(u16, Bytes), String> {
        let addr = url.loopback().ok_or("not sent: the URL is not on a loopback host")?;
        self.shared.attempt(url, addr, body).await
    }

    pub fn snapshot(&self) -> Vec<Delivery> {
        self.shared.lock().deliveries.clone()
    }

    pub fn clear(&self) {
        let mut log = self.shared.lock();
        log.generation += 1;
        log.deliveries.clear();
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Log> {
        // Each edit of the log is a single push or assignment: a poisoned log is still whole.
        self.log.lock().unwrap_or_else(|p| p.into_inner())
    }

    async fn deliver(&self, id: u64, generation: u64, msg: Message) {
        let target = Url::parse(&msg.url).ok().and_then(|u| u.loopback().map(|addr| (u, addr)));
        let Some((url, addr)) = target else {
            let outcome = "not sent: notify_url is not an http(s) URL on a loopback host".to_owned();
            self.record(
                id,
                generation,
                Attempt { at_ms: self.ms(), http_status: None, acknowledged: false, outcome },
                Some(State::Undeliverable),
            );
            return;
        };
        for attempt in 0..=SCHEDULE.len() {
            if attempt > 0 {
                let wait = SCHEDULE[attempt - 1] as f64 * self.scale;
                tokio::time::sleep(Duration::from_secs_f64(wait)).await;
            }
            let at_ms = self.ms();
            let (http_status, acknowledged, outcome) = match self.attempt(&url, addr, &msg.body).await {
                Ok((status, answer)) => {
                    let (ack, text) = judge(status, &answer);
                    (Some(status), ack, text)
                }
                Err(e) => (None, false, e),
            };
            let last = attempt == SCHEDULE.len();
            let state = if acknowledged {
                Some(State::Delivered)
            } else if last {
                Some(State::GaveUp)
            } else {
                None
            };
            if !self.record(id, generation, Attempt { at_ms, http_status, acknowledged, outcome }, state)
                || acknowledged
            {
                return;
            }
        }
    }

    /// Adds an attempt; false once a reset has forgotten this delivery.
    fn record(&self, id: u64, generation: u64, attempt: Attempt, state: Option<State>) -> bool {
        let mut log = self.lock();
        if log.generation != generation {
            return false;
        }
        match log.deliveries.iter_mut().find(|d| d.id == id) {
            Some(d) => {
                d.attempts.push(attempt);
                if let Some(s) = state {
                    d.state = s;
                }
                true
            }
            None => false,
        }
    }

    fn finish(&self, id: u64, generation: u64) {
        let mut log = self.lock();
        if log.generation != generation {
            return;
        }
        if let Some(d) = log.deliveries.iter_mut().find(|d| d.id == id) {
            d.finished = true;
        }
    }

    fn ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    /// One POST within the attempt timeout; returns the status and the answer.
    async fn attempt(&self, url: &Url, addr: SocketAddr, body: &str) -> Result<(u16, Bytes), String> {
        match tokio::time::timeout(ATTEMPT_TIMEOUT, self.post(url, addr, body)).await {
            Ok(result) => result,
            Err(_) => Err(format!("no answer within {} s", ATTEMPT_TIMEOUT.as_secs())),
        }
    }

    async fn post(&self, url: &Url, addr: SocketAddr, body: &str) -> Result<(u16, Bytes), String> {
        let tcp = tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(addr))
            .await
            .map_err(|_| format!("connect to {addr} timed out"))?
            .map_err(|e| format!("connect to {addr}: {e}"))?;
        let _ = tcp.set_nodelay(true);
        if !url.https {
            return exchange(tcp, url, body).await;
        }
        let ssl =
            self.connector.configure().and_then(|c| c.into_ssl(&url.host)).map_err(|e| format!("TLS setup: {e}"))?;
        let mut tls = tokio_openssl::SslStream::new(ssl, tcp).map_err(|e| format!("TLS setup: {e}"))?;
        Pin::new(&mut tls).connect().await.map_err(|e| format!("TLS handshake with {addr}: {e}"))?;
        exchange(tls, url, body).await
    }
}

async fn exchange<S>(io: S, url: &Url, body: &str) -> Result<(u16, Bytes), String>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(TokioIo::new(io)).await.map_err(|e| format!("HTTP: {e}"))?;
    let driver = tokio::spawn(conn);
    let host = if url.host.contains(':') {
        format!("[{}]:{}", url.host, url.port)
    } else {
        format!("{}:{}", url.host, url.port)
    };
    let request = hyper::Request::post(url.path.as_str())
        .header(hyper::header::HOST, host)
        .header(hyper::header::CONTENT_TYPE, "text/xml; charset=utf-8")
        .header(hyper::header::USER_AGENT, "wxpay-sim")
        .body(Full::new(Bytes::from(body.to_owned())))
        .map_err(|e| format!("HTTP request: {e}"))?;
    let result = async {
        let response = sender.send_request(request).await.map_err(|e| format!("HTTP: {e}"))?;
        let status = response.status().as_u16();
        let answer = Limited::new(response.into_body(), MAX_ANSWER)
            .collect()
            .await
            .map_err(|e| format!("reading the answer: {e}"))?
            .to_bytes();
        Ok((status, answer))
    }
    .await;
    driver.abort();
    result
}

/// WeChat stops retrying only on an XML answer with `return_code` SUCCESS:
/// whether this one acknowledged, and a summary.
fn judge(status: u16, answer: &[u8]) -> (bool, String) {
    if status != 200 {
        return (false, format!("HTTP {status}"));
    }
    match wxpay::xml::parse(answer) {
        Ok(f) if f.get("return_code") == Some("SUCCESS") => (true, "acknowledged: return_code=SUCCESS".into()),
        Ok(f) => {
            let code = f.get("return_code").unwrap_or("(none)");
            (false, format!("not acknowledged: return_code={}", crate::reply::clip(code, 32)))
        }
        Err(e) => (false, format!("not acknowledged: the answer is not WeChat XML ({e})")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_urls() {
        let u = Url::parse("https://localhost:8443/notify?x=1").unwrap();
        assert_eq!((u.https, u.host.as_str(), u.port, u.path.as_str()), (true, "localhost", 8443, "/notify?x=1"));
        let u = Url::parse("http://[::1]/n").unwrap();
        assert_eq!((u.host.as_str(), u.port), ("::1", 80));
        assert!(Url::parse("ftp://x/").is_err());
        assert!(Url::parse("http://:80/").is_err());
        assert!(Url::parse("http://a:0/").is_err());
        assert_eq!(Url::parse("http://example.com/").unwrap().loopback(), None);
        assert!(Url::parse("http://127.0.0.1:9/").unwrap().loopback().is_some());
    }

    #[test]
    fn only_success_acknowledges() {
        assert!(judge(200, b"<xml><return_code>SUCCESS</return_code></xml>").0);
        assert!(!judge(200, b"<xml><return_code>FAIL</return_code></xml>").0);
        assert!(!judge(500, b"<xml><return_code>SUCCESS</return_code></xml>").0);
        assert!(!judge(200, b"SUCCESS").0);
    }
}
