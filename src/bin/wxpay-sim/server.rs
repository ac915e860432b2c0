//! The HTTPS server: accepts TLS connections, serves HTTP/1.1 with
//! keep-alive, and routes to the API or the `/sim/` control endpoints.

use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use openssl::ssl::{Ssl, SslAcceptor};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use crate::app::App;
use crate::control;
use crate::protocol::{self, Outcome};
use crate::tls;

/// Larger than any WeChat request; bounds memory per request.
const MAX_REQUEST: usize = 2 << 20;
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long in-flight requests get to finish once shutdown is asked for.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// The error that makes hyper drop a connection without answering.
#[derive(Debug)]
struct ResetConnection;

impl std::fmt::Display for ResetConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection reset by fault injection")
    }
}

impl std::error::Error for ResetConnection {}

pub async fn run(app: Arc<App>, listener: TcpListener, acceptor: Arc<SslAcceptor>, shutdown: watch::Receiver<bool>) {
    let graceful = GracefulShutdown::new();
    let mut stopping = shutdown.clone();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((tcp, _)) => {
                    let (app, acceptor, watcher) = (Arc::clone(&app), Arc::clone(&acceptor), graceful.watcher());
                    let stop = shutdown.clone();
                    tokio::spawn(async move {
                        let Some((io, client_cert)) = handshake(tcp, &acceptor, stop).await else { return };
                        let service = hyper::service::service_fn(move |req| serve(Arc::clone(&app), client_cert, req));
                        let conn = hyper::server::conn::http1::Builder::new()
                            .keep_alive(true)
                            .serve_connection(TokioIo::new(io), service);
                        // Errors here are the peer going away or an injected reset: nothing to report.
                        let _ = watcher.watch(conn).await;
                    });
                }
                Err(e) => {
                    // Typically out of file descriptors: back off instead of spinning.
                    eprintln!("wxpay-sim: accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            _ = stopping.wait_for(|stop| *stop) => break,
        }
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(DRAIN_TIMEOUT) => eprintln!("wxpay-sim: some connections did not finish in time"),
    }
}

async fn handshake(
    tcp: TcpStream,
    acceptor: &SslAcceptor,
    mut stop: watch::Receiver<bool>,
) -> Option<(tokio_openssl::SslStream<TcpStream>, bool)> {
    let _ = tcp.set_nodelay(true);
    let ssl = Ssl::new(acceptor.context()).ok()?;
    let mut stream = tokio_openssl::SslStream::new(ssl, tcp).ok()?;
    tokio::select! {
        done = tokio::time::timeout(HANDSHAKE_TIMEOUT, std::pin::Pin::new(&mut stream).accept()) => match done {
            Ok(Ok(())) => {}
            // A failed handshake is the client's problem and shows on its side.
            _ => return None,
        },
        _ = stop.wait_for(|s| *s) => return None,
    }
    let client_cert = tls::client_verified(stream.ssl());
    Some((stream, client_cert))
}

async fn serve(
    app: Arc<App>,
    client_cert: bool,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, ResetConnection> {
    let path = req.uri().path().trim_start_matches('/').to_owned();
    let query = req.uri().query().unwrap_or("").to_owned();
    let method = req.method().clone();
    let body = match Limited::new(req.into_body(), MAX_REQUEST).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => return Ok(text(StatusCode::PAYLOAD_TOO_LARGE, "text/plain", "request body too large or broken")),
    };
    if let Some(route) = path.strip_prefix("sim/") {
        let answer = control::handle(&app, &method, route, &query).await;
        let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return Ok(text(status, "application/json", answer.body));
    }
    if method == Method::GET && path == "papay/entrustweb" {
        let (status, page) = crate::papay::entrustweb(&app, &query);
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return Ok(text(status, "text/plain; charset=utf-8", page));
    }
    if method != Method::POST {
        return Ok(text(StatusCode::METHOD_NOT_ALLOWED, "text/plain", "WeChat Pay API calls are POST"));
    }
    match protocol::handle(&app, &path, &body, client_cert).await {
        Outcome::Reset => Err(ResetConnection),
        Outcome::Respond { status, content_type, body } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            Ok(text(status, content_type, body))
        }
    }
}

fn text(status: StatusCode, content_type: &'static str, body: impl Into<Bytes>) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(body.into()));
    *r.status_mut() = status;
    r.headers_mut().insert(hyper::header::CONTENT_TYPE, hyper::header::HeaderValue::from_static(content_type));
    r
}
