//! Starts the built simulator and talks to it over real TLS with a small
//! blocking HTTP/1.1 client.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use openssl::pkey::{PKey, Private};
use openssl::ssl::{SslConnector, SslMethod, SslStream, SslVerifyMode};
use openssl::x509::X509;
use wxpay::{ApiKey, Fields, SignType};

pub const MCH_ID: &str = "1900000109";
pub const APPID: &str = "wx2421b1c4370ec43b";
pub const KEY: &str = "192006250b4c09247ec02edce69f6a2d";

pub fn key() -> ApiKey {
    ApiKey::new(KEY.as_bytes()).unwrap()
}

/// A running simulator, killed when dropped (also when a test fails).
pub struct Sim {
    child: Child,
    pub port: u16,
    pub dir: PathBuf,
    _tmp: tempfile::TempDir,
}

impl Sim {
    pub fn start(extra: &[&str]) -> Sim {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("data");
        Sim::start_in(tmp, &dir, extra)
    }

    pub fn start_in(tmp: tempfile::TempDir, dir: &Path, extra: &[&str]) -> Sim {
        let mut child = Command::new(env!("CARGO_BIN_EXE_wxpay-sim"))
            .arg("--dir")
            .arg(dir)
            .args(["--listen", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let _ = tx.send(lines.next());
            // Keep draining so the simulator never blocks on a full pipe.
            for _ in lines {}
        });
        let first = match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(Some(Ok(line))) => line,
            other => {
                let _ = child.kill();
                panic!("the simulator did not report readiness: {other:?}");
            }
        };
        let mut sim = Sim { child, port: 0, dir: PathBuf::new(), _tmp: tmp };
        let rest = first
            .strip_prefix("WXPAY_SIM_READY url=https://127.0.0.1:")
            .unwrap_or_else(|| panic!("bad READY line: {first}"));
        let (port, dir) = rest.split_once(" dir=").unwrap();
        sim.port = port.parse().unwrap();
        sim.dir = PathBuf::from(dir);
        sim
    }

    /// A client configuration for this simulator: its merchant, its CA, the
    /// legacy (RC2-40) `.p12` merchant certificate, a 20 s timeout.
    #[allow(dead_code)] // tests/sim.rs talks to the simulator without a client
    pub fn cert_config(&self) -> wxpay::Config {
        let mut c = wxpay::Config::new();
        c.set_appid(APPID).unwrap().set_mch_id(MCH_ID).unwrap().set_api_key(key());
        c.set_host(wxpay::client::Host::parse(&format!("https://127.0.0.1:{}", self.port)).unwrap());
        c.set_root_ca(&self.file("ca.pem"));
        c.set_p12(&self.file("apiclient_cert_legacy.p12"), None);
        c.set_timeout(Duration::from_secs(20)).unwrap();
        c
    }

    pub fn file(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.dir.join(name)).unwrap()
    }

    pub fn client_identity(&self) -> (X509, PKey<Private>) {
        let cert = X509::from_pem(&self.file("apiclient_cert.pem")).unwrap();
        let key = PKey::private_key_from_pem(&self.file("apiclient_key.pem")).unwrap();
        (cert, key)
    }

    pub fn connect(&self) -> Conn {
        self.connect_with(None)
    }

    pub fn connect_cert(&self) -> Conn {
        let (c, k) = self.client_identity();
        self.connect_with(Some((&c, &k)))
    }

    pub fn connect_with(&self, identity: Option<(&X509, &PKey<Private>)>) -> Conn {
        let mut b = SslConnector::builder(SslMethod::tls_client()).unwrap();
        b.cert_store_mut().add_cert(X509::from_pem(&self.file("ca.pem")).unwrap()).unwrap();
        b.set_verify(SslVerifyMode::PEER);
        if let Some((cert, key)) = identity {
            b.set_certificate(cert).unwrap();
            b.set_private_key(key).unwrap();
        }
        let tcp = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        tcp.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        tcp.set_nodelay(true).unwrap();
        let stream = b.build().connect("127.0.0.1", tcp).unwrap();
        Conn { stream }
    }

    /// Calls a control endpoint and returns its JSON, whatever the status.
    pub fn control(&self, method: &str, path_and_query: &str) -> serde_json::Value {
        self.control_status(method, path_and_query).1
    }

    /// Calls a control endpoint and returns its HTTP status and JSON.
    pub fn control_status(&self, method: &str, path_and_query: &str) -> (u16, serde_json::Value) {
        let r = self.connect().request(method, path_and_query, b"").unwrap();
        let json = serde_json::from_slice(&r.body)
            .unwrap_or_else(|e| panic!("{path_and_query}: {e}: {:?}", String::from_utf8_lossy(&r.body)));
        (r.status, json)
    }

    /// Signs `fields` (with appid, mch_id, nonce_str added) and POSTs them.
    pub fn call(&self, path: &str, fields: &[(&str, &str)], st: SignType) -> Fields {
        self.call_on(&mut self.connect(), path, fields, st)
    }

    pub fn call_cert(&self, path: &str, fields: &[(&str, &str)], st: SignType) -> Fields {
        self.call_on(&mut self.connect_cert(), path, fields, st)
    }

    pub fn call_on(&self, conn: &mut Conn, path: &str, fields: &[(&str, &str)], st: SignType) -> Fields {
        let body = signed_request(fields, st, &key());
        let r = conn.request("POST", path, body.as_bytes()).unwrap();
        assert_eq!(r.status, 200, "{path}: {}", String::from_utf8_lossy(&r.body));
        wxpay::xml::parse(&r.body).unwrap_or_else(|e| panic!("{path}: {e}: {}", String::from_utf8_lossy(&r.body)))
    }

    pub fn wait_for_exit(&mut self) -> std::process::ExitStatus {
        for _ in 0..600 {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the simulator did not exit");
    }

    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// The request XML: `fields` plus appid, mch_id, nonce_str, sign_type and sign.
pub fn signed_request(fields: &[(&str, &str)], st: SignType, key: &ApiKey) -> String {
    let mut f = Fields::new();
    f.insert("appid", APPID);
    f.insert("mch_id", MCH_ID);
    f.insert("nonce_str", wxpay::nonce::nonce().unwrap());
    if st == SignType::HmacSha256 {
        f.insert("sign_type", "HMAC-SHA256");
    }
    for (k, v) in fields {
        f.insert(*k, *v);
    }
    let sign = wxpay::sign::sign(f.as_slice(), key, Some(st)).unwrap();
    f.insert("sign", sign.as_str());
    wxpay::xml::build(f.as_slice()).unwrap()
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
}

pub struct Conn {
    pub stream: SslStream<TcpStream>,
}

impl Conn {
    pub fn request(&mut self, method: &str, path: &str, body: &[u8]) -> std::io::Result<Response> {
        let head = format!(
            "{method} /{} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n",
            path.trim_start_matches('/'),
            body.len()
        );
        // One write: a head and body in two small segments would meet Nagle and delayed ACKs.
        let mut message = head.into_bytes();
        message.extend_from_slice(body);
        self.stream.write_all(&message)?;
        self.stream.flush()?;
        self.read_response()
    }

    fn read_response(&mut self) -> std::io::Result<Response> {
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            if self.stream.read(&mut byte)? == 0 {
                return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "closed before a response"));
            }
            head.push(byte[0]);
        }
        let head = String::from_utf8(head).unwrap();
        let mut lines = head.split("\r\n");
        let status: u16 = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
        let (mut len, mut content_type) = (None, String::new());
        for line in lines {
            if let Some((k, v)) = line.split_once(':') {
                match k.to_ascii_lowercase().as_str() {
                    "content-length" => len = Some(v.trim().parse::<usize>().unwrap()),
                    "content-type" => content_type = v.trim().to_owned(),
                    _ => {}
                }
            }
        }
        let mut body = vec![0u8; len.expect("the simulator always sends Content-Length")];
        self.stream.read_exact(&mut body)?;
        Ok(Response { status, content_type, body })
    }
}

/// Checks a response's signature with the given key; returns the algorithm.
pub fn verify(f: &Fields, key: &ApiKey) -> wxpay::Result<SignType> {
    wxpay::sign::verify(f.as_slice(), key, None)
}

/// A unique merchant number per call.
pub fn no(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    format!("{prefix}{}{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed))
}

/// Polls `check` until it returns Some, for at most `secs` seconds.
pub fn eventually<T>(secs: u64, mut check: impl FnMut() -> Option<T>) -> T {
    for _ in 0..secs * 20 {
        if let Some(v) = check() {
            return v;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("condition not reached within {secs} s");
}

/// A plain-HTTP listener on loopback: each POST body goes to `answer`,
/// whose XML is sent back; bodies are kept in order of arrival.
#[allow(dead_code)] // tests/sim.rs counts attempts with a listener of its own
pub struct Listener {
    pub url: String,
    pub bodies: Arc<Mutex<Vec<Vec<u8>>>>,
}

#[allow(dead_code)]
impl Listener {
    pub fn start(answer: impl Fn(&[u8]) -> String + Send + 'static) -> Listener {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://127.0.0.1:{}/notify", listener.local_addr().unwrap().port());
        let bodies: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
        let kept = bodies.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut length = 0usize;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if let Some((name, value)) = line.split_once(':') {
                        if name.eq_ignore_ascii_case("content-length") {
                            length = value.trim().parse().unwrap_or(0);
                        }
                    }
                }
                let mut body = vec![0u8; length];
                if reader.read_exact(&mut body).is_err() {
                    continue;
                }
                kept.lock().unwrap().push(body.clone());
                let reply = answer(&body);
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
                    reply.len()
                );
            }
        });
        Listener { url, bodies }
    }
}
