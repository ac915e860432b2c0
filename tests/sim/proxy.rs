//! A small HTTP CONNECT proxy on loopback for the proxy tests: it records
//! every tunnel it opens and, when given credentials, answers 407 to a
//! request without the matching `Proxy-Authorization`.

use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;

use base64::Engine;

pub struct Proxy {
    pub port: u16,
    /// The `CONNECT` targets of the tunnels opened, in order.
    tunnels: Arc<Mutex<Vec<String>>>,
    /// Requests refused for missing or wrong credentials.
    refused: Arc<Mutex<usize>>,
}

impl Proxy {
    /// `credentials`: `user:password` the proxy requires, or none.
    pub fn start(credentials: Option<&str>) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let expected = credentials
            .map(|c| format!("basic {}", base64::engine::general_purpose::STANDARD.encode(c)).to_ascii_lowercase());
        let tunnels = Arc::new(Mutex::new(Vec::new()));
        let refused = Arc::new(Mutex::new(0));
        let (t, r) = (tunnels.clone(), refused.clone());
        thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let (t, r, expected) = (t.clone(), r.clone(), expected.clone());
                thread::spawn(move || serve(client, &t, &r, expected.as_deref()));
            }
        });
        Proxy { port, tunnels, refused }
    }

    pub fn tunnels(&self) -> Vec<String> {
        self.tunnels.lock().unwrap().clone()
    }

    pub fn refused(&self) -> usize {
        *self.refused.lock().unwrap()
    }
}

fn serve(mut client: TcpStream, tunnels: &Mutex<Vec<String>>, refused: &Mutex<usize>, expected: Option<&str>) {
    let mut reader = BufReader::new(client.try_clone().unwrap());
    let mut head = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        if line == "\r\n" {
            break;
        }
        head.push(line.trim_end().to_owned());
    }
    let target = match head.first().and_then(|l| l.strip_prefix("CONNECT ")) {
        Some(rest) => rest.split(' ').next().unwrap_or_default().to_owned(),
        None => {
            let _ = client.write_all(b"HTTP/1.1 405 Method Not Allowed\r\ncontent-length: 0\r\n\r\n");
            return;
        }
    };
    if let Some(expected) = expected {
        let given = head.iter().find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("proxy-authorization").then(|| value.trim().to_ascii_lowercase())
        });
        if given.as_deref() != Some(expected) {
            *refused.lock().unwrap() += 1;
            let _ = client.write_all(b"HTTP/1.1 407 Proxy Authentication Required\r\ncontent-length: 0\r\n\r\n");
            return;
        }
    }
    let Ok(upstream) = TcpStream::connect(&target) else {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n");
        return;
    };
    tunnels.lock().unwrap().push(target);
    client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n").unwrap();
    // The client speaks TLS only after the 200, so nothing is buffered in `reader`.
    let (mut up_read, mut up_write) = (upstream.try_clone().unwrap(), upstream);
    let mut down_write = client.try_clone().unwrap();
    let up = thread::spawn(move || {
        let _ = std::io::copy(&mut reader, &mut up_write);
        let _ = up_write.shutdown(Shutdown::Write);
    });
    let _ = std::io::copy(&mut up_read, &mut down_write);
    let _ = down_write.shutdown(Shutdown::Write);
    let _ = up.join();
}
