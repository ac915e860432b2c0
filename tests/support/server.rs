//! A small HTTPS/1.1 server on 127.0.0.1 for the client's tests: real TLS
//! (OpenSSL), optional client-certificate checking, keep-alive, and counters
//! of connections and requests.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use openssl::ssl::{SslAcceptor, SslMethod, SslStream, SslVerifyMode};
use openssl::x509::store::X509StoreBuilder;

use super::pki::Pair;

/// What the server does with one request.
pub enum Reply {
    /// HTTP 200 with this body.
    Body(Vec<u8>),
    /// Another status, with this body.
    Status(u16, Vec<u8>),
    /// Wait, then close the connection without answering.
    Stall(Duration),
}

pub type Handler = Arc<dyn Fn(&str, &[u8]) -> Reply + Send + Sync>;

pub struct Server {
    pub port: u16,
    pub connections: Arc<AtomicUsize>,
    pub requests: Arc<AtomicUsize>,
    /// The subject CN of each client certificate presented, per request.
    pub client_cns: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
}

impl Server {
    /// Serves with `server` as certificate; with `client_ca`, requires a
    /// client certificate issued by it.
    pub fn start(server: &Pair, client_ca: Option<&Pair>, handler: Handler) -> Server {
        let mut acceptor = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls()).unwrap();
        acceptor.set_private_key(&server.key).unwrap();
        acceptor.set_certificate(&server.cert).unwrap();
        if let Some(ca) = client_ca {
            let mut store = X509StoreBuilder::new().unwrap();
            store.add_cert(ca.cert.clone()).unwrap();
            acceptor.set_verify_cert_store(store.build()).unwrap();
            acceptor.set_verify(SslVerifyMode::PEER | SslVerifyMode::FAIL_IF_NO_PEER_CERT);
        }
        let acceptor = Arc::new(acceptor.build());
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let connections = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(AtomicUsize::new(0));
        let client_cns = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let s = Server { port, connections: connections.clone(), requests: requests.clone(), client_cns: client_cns.clone(), stop: stop.clone() };
        thread::spawn(move || {
            for stream in listener.incoming() {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                connections.fetch_add(1, Ordering::SeqCst);
                let (acceptor, handler, requests, cns) = (acceptor.clone(), handler.clone(), requests.clone(), client_cns.clone());
                thread::spawn(move || {
                    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                    if let Ok(tls) = acceptor.accept(stream) {
                        serve(tls, &handler, &requests, &cns);
                    }
                });
            }
        });
        s
    }

    pub fn url(&self) -> String {
        format!("https://127.0.0.1:{}/", self.port)
    }

    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so that it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve(mut tls: SslStream<TcpStream>, handler: &Handler, requests: &AtomicUsize, cns: &Mutex<Vec<String>>) {
    let cn = tls
        .ssl()
        .peer_certificate()
        .and_then(|c| c.subject_name().entries().next().and_then(|e| e.data().to_string().ok()));
    let mut buf = Vec::new();
    loop {
        let Some((path, body)) = read_request(&mut tls, &mut buf) else { return };
        requests.fetch_add(1, Ordering::SeqCst);
        if let Some(cn) = &cn {
            cns.lock().unwrap().push(cn.clone());
        }
        let (status, body) = match handler(&path, &body) {
            Reply::Body(b) => (200, b),
            Reply::Status(s, b) => (s, b),
            Reply::Stall(d) => {
                thread::sleep(d);
                return;
            }
        };
        let head = format!("HTTP/1.1 {status} X\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n", body.len());
        if tls.write_all(head.as_bytes()).and_then(|_| tls.write_all(&body)).and_then(|_| tls.flush()).is_err() {
            return;
        }
    }
}

/// Reads one request: its path and body. `None` at end of stream.
fn read_request(tls: &mut SslStream<TcpStream>, buf: &mut Vec<u8>) -> Option<(String, Vec<u8>)> {
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = tls.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let path = head.split_whitespace().nth(1)?.trim_start_matches('/').to_owned();
    let len: usize = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap_or(0)))
        .unwrap_or(0);
    while buf.len() < head_end + len {
        let n = tls.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = buf[head_end..head_end + len].to_vec();
    buf.drain(..head_end + len);
    Some((path, body))
}
