//! The client against a real TLS server on 127.0.0.1.

mod support;

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use support::pki::Pki;
use support::server::{Handler, Reply, Server};
use support::*;
use wxpay::client::{Backup, Config, Failover, Host};
use wxpay::log::{LogLevel, Logger};
use wxpay::{Client, ErrorKind, SignType};

fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| Pki::new("wxpay test CA"))
}

/// A server that checks the request's signature and answers SUCCESS, echoing
/// the request's sign_type and out_trade_no.
fn echo_handler() -> Handler {
    Arc::new(|_path, body| {
        let req = parse(body);
        let st = req.get("sign_type").map(|s| SignType::parse(s).unwrap());
        if wxpay::sign::verify(req.as_slice(), &key(), st).is_err() {
            return Reply::Body(unsigned_xml(&[("return_code", "FAIL"), ("return_msg", "SIGNERROR")]));
        }
        let otn = req.get("out_trade_no").unwrap_or("").to_owned();
        let mch = req.get("mch_id").or(req.get("mchid")).unwrap_or("").to_owned();
        Reply::Body(signed_xml(
            &[("return_code", "SUCCESS"), ("result_code", "SUCCESS"), ("out_trade_no", &otn), ("mch_id", &mch), ("nonce_str", "n")],
            st,
        ))
    })
}

fn config(url: &str) -> Config {
    let mut c = Config::new();
    c.set_appid(APPID).unwrap().set_mch_id(MCH_ID).unwrap().set_api_key(key());
    c.set_host(Host::parse(url).unwrap()).set_root_ca(&pki().ca_pem());
    c.set_timeout(Duration::from_secs(10)).unwrap();
    c
}

fn mtls_server() -> Server {
    Server::start(&pki().server, Some(&pki().ca), echo_handler())
}

const QUERY: &[(&str, &str)] = &[("out_trade_no", "T1")];
const REFUND: &[(&str, &str)] = &[("out_trade_no", "T1"), ("out_refund_no", "R1"), ("total_fee", "100"), ("refund_fee", "100")];

#[test]
fn plain_request_succeeds_and_is_verified() {
    let server = Server::start(&pki().server, None, echo_handler());
    let client = Client::new(&config(&server.url())).unwrap();
    let r = client.request("pay/orderquery", QUERY).unwrap();
    assert_eq!(r.get("out_trade_no"), Some("T1"));
    assert_eq!(r.get("mch_id"), Some(MCH_ID));
}

#[test]
fn mutual_tls_with_every_certificate_format() {
    let server = mtls_server();
    let p = pki();
    let mut formats: Vec<(&str, Config)> = Vec::new();
    let mut c = config(&server.url());
    c.set_p12(&p.client_p12("p12-secret"), Some("p12-secret"));
    formats.push(("p12", c));
    let mut c = config(&server.url());
    c.set_p12(&p.client_p12(MCH_ID), None);
    formats.push(("p12 with the default password", c));
    let mut c = config(&server.url());
    c.set_pem(&p.client_cert_pem(), &p.client_key_pkcs8(), None);
    formats.push(("pem pkcs8", c));
    let mut c = config(&server.url());
    c.set_pem(&p.client_cert_pem(), &p.client_key_pkcs1(), None);
    formats.push(("pem pkcs1", c));
    let mut c = config(&server.url());
    c.set_pem(&p.client_cert_pem(), &p.client_key_encrypted("k-pass"), Some("k-pass"));
    formats.push(("pem encrypted", c));
    for (i, (name, c)) in formats.iter().enumerate() {
        let client = Client::new(c).unwrap_or_else(|e| panic!("{name}: {e}"));
        client.request("secapi/pay/refund", REFUND).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(server.client_cns.lock().unwrap().len(), i + 1, "{name}");
    }
    assert!(server.client_cns.lock().unwrap().iter().all(|cn| cn == "1900000109"));
}

#[test]
fn a_server_requiring_a_certificate_refuses_a_client_without_one() {
    let server = mtls_server();
    let client = Client::new(&config(&server.url())).unwrap();
    // pay/orderquery needs no certificate, so the client sends none.
    let e = client.request("pay/orderquery", QUERY).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Tls | ErrorKind::Transport), "{:?}", e);
    assert_eq!(server.requests(), 0);
}

#[test]
fn an_untrusted_server_certificate_is_refused() {
    let other = Pki::new("someone else's CA");
    let server = Server::start(&other.server, None, echo_handler());
    let client = Client::new(&config(&server.url())).unwrap();
    let e = client.request("pay/orderquery", QUERY).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Tls, "{e}");
    assert!(e.message().contains("certificate"), "{e}");
    assert_eq!(server.requests(), 0);
}

#[test]
fn certificate_endpoints_fail_before_any_io_without_a_certificate() {
    let server = mtls_server();
    let client = Client::new(&config(&server.url())).unwrap();
    for path in ["secapi/pay/refund", "mmpaymkttransfers/promotion/transfers", "secapi/new/thing"] {
        let e = client.request(path, REFUND).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::CertificateRequired, "{path}");
    }
    let e = client.download("pay/downloadfundflow", &[("bill_date", "20240101"), ("account_type", "Basic")]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::CertificateRequired);
    assert_eq!(server.connections(), 0);
}

#[test]
fn the_timeout_is_honoured() {
    let server = Server::start(&pki().server, None, Arc::new(|_, _| Reply::Stall(Duration::from_secs(5))));
    let mut c = config(&server.url());
    c.set_timeout(Duration::from_millis(300)).unwrap();
    let client = Client::new(&c).unwrap();
    let e = client.request("pay/orderquery", QUERY).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
}

fn closed_port_url() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    format!("https://127.0.0.1:{port}/")
}

type Lines = Arc<Mutex<Vec<(LogLevel, String)>>>;

fn capture() -> (Logger, Lines) {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let l = lines.clone();
    (Logger::new(LogLevel::Debug, move |lv, m| l.lock().unwrap().push((lv, m.to_owned()))), lines)
}

#[test]
fn connection_refused_fails_over_to_the_backup() {
    let backup = Server::start(&pki().server, None, echo_handler());
    let mut c = config(&closed_port_url());
    c.set_backup(Backup::Host(Host::parse(&backup.url()).unwrap()));
    let (logger, lines) = capture();
    c.set_logger(Some(logger));
    let client = Client::new(&c).unwrap();
    assert_eq!(client.request("pay/orderquery", QUERY).unwrap().get("out_trade_no"), Some("T1"));
    assert_eq!(backup.requests(), 1);
    assert!(lines.lock().unwrap().iter().any(|(lv, m)| *lv == LogLevel::Warn && m.contains("failing over")));

    c.set_failover(Failover::Never);
    let client = Client::new(&c).unwrap();
    assert_eq!(client.request("pay/orderquery", QUERY).unwrap_err().kind(), ErrorKind::Connect);
    assert_eq!(backup.requests(), 1);
}

#[test]
fn no_resend_after_a_response() {
    let backup = Server::start(&pki().server, None, echo_handler());
    let replies: Vec<Handler> = vec![
        Arc::new(|_, _| Reply::Status(503, b"busy".to_vec())),
        Arc::new(|_, _| Reply::Body(unsigned_xml(&[("return_code", "FAIL"), ("return_msg", "SYSTEMERROR")]))),
        Arc::new(|_, _| Reply::Body(b"not xml".to_vec())),
    ];
    for (i, h) in replies.into_iter().enumerate() {
        let primary = Server::start(&pki().server, None, h);
        let mut c = config(&primary.url());
        c.set_backup(Backup::Host(Host::parse(&backup.url()).unwrap())).set_failover(Failover::OnNoResponse);
        let client = Client::new(&c).unwrap();
        assert!(client.request("pay/orderquery", QUERY).is_err(), "reply {i}");
        assert_eq!(primary.requests(), 1, "reply {i}");
    }
    assert_eq!(backup.requests(), 0);
}

#[test]
fn a_timeout_fails_over_only_when_the_policy_says_so() {
    let backup = Server::start(&pki().server, None, echo_handler());
    let primary = Server::start(&pki().server, None, Arc::new(|_, _| Reply::Stall(Duration::from_secs(3))));
    let mut c = config(&primary.url());
    c.set_timeout(Duration::from_millis(300)).unwrap();
    c.set_backup(Backup::Host(Host::parse(&backup.url()).unwrap()));
    let client = Client::new(&c).unwrap();
    assert_eq!(client.request("pay/orderquery", QUERY).unwrap_err().kind(), ErrorKind::Timeout);
    assert_eq!(backup.requests(), 0);

    c.set_failover(Failover::OnNoResponse);
    let client = Client::new(&c).unwrap();
    assert!(client.request("pay/orderquery", QUERY).is_ok());
    assert_eq!(backup.requests(), 1);
}

#[test]
fn connections_are_kept_alive() {
    let server = Server::start(&pki().server, None, echo_handler());
    let client = Client::new(&config(&server.url())).unwrap();
    for _ in 0..10 {
        client.request("pay/orderquery", QUERY).unwrap();
    }
    assert_eq!(server.requests(), 10);
    // One connection serves them all; the pool may, rarely, open one more
    // while the first is being handed back, never one per request.
    assert!(server.connections() <= 2, "{} connections for 10 requests", server.connections());
}

#[test]
fn keep_alive_off_opens_a_connection_per_request() {
    let server = Server::start(&pki().server, None, echo_handler());
    let mut c = config(&server.url());
    c.set("keep_alive", "false").unwrap();
    let client = Client::new(&c).unwrap();
    for _ in 0..5 {
        client.request("pay/orderquery", QUERY).unwrap();
    }
    assert_eq!(server.requests(), 5);
    assert_eq!(server.connections(), 5);
    assert!(c.set("keep_alive", "maybe").is_err());
}

#[test]
fn eight_threads_share_one_client() {
    let server = mtls_server();
    let mut c = config(&server.url());
    c.set_pem(&pki().client_cert_pem(), &pki().client_key_pkcs8(), None);
    let client = Arc::new(Client::new(&c).unwrap());
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let client = client.clone();
            std::thread::spawn(move || {
                for i in 0..10 {
                    let otn = format!("T{t}-{i}");
                    let r = client.request("secapi/pay/refund", &[("out_trade_no", otn.as_str()), ("out_refund_no", "R"), ("total_fee", "1"), ("refund_fee", "1")]).unwrap();
                    assert_eq!(r.get("out_trade_no"), Some(otn.as_str()));
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(server.requests(), 80);
    // Connections are reused: far fewer than one per request.
    let connections = server.connections.load(Ordering::SeqCst);
    assert!(connections <= 16, "{connections} connections for 80 requests");
}

#[test]
fn protocol_and_business_failures_carry_the_response() {
    let handler: Handler = Arc::new(|path, _| match path {
        "pay/closeorder" => Reply::Body(unsigned_xml(&[("return_code", "FAIL"), ("return_msg", "签名错误")])),
        _ => Reply::Body(signed_xml(
            &[("return_code", "SUCCESS"), ("result_code", "FAIL"), ("err_code", "ORDERPAID"), ("err_code_des", "订单已支付")],
            Some(SignType::Md5),
        )),
    });
    let server = Server::start(&pki().server, None, handler);
    let client = Client::new(&config(&server.url())).unwrap();
    let e = client.request("pay/closeorder", QUERY).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ProtocolFail);
    assert!(e.message().contains("签名错误"));
    assert_eq!(e.response().unwrap().get("return_msg"), Some("签名错误"));
    let e = client.request("pay/orderquery", QUERY).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BusinessFail);
    assert!(e.message().contains("ORDERPAID"));
    assert_eq!(e.response().unwrap().get("err_code_des"), Some("订单已支付"));
}

#[test]
fn a_forged_response_signature_is_an_error() {
    let handler: Handler = Arc::new(|_, _| {
        let mut body = String::from_utf8(signed_xml(&[("return_code", "SUCCESS"), ("result_code", "SUCCESS"), ("total_fee", "1")], None)).unwrap();
        body = body.replace("<![CDATA[1]]>", "<![CDATA[100]]>");
        Reply::Body(body.into_bytes())
    });
    let server = Server::start(&pki().server, None, handler);
    let client = Client::new(&config(&server.url())).unwrap();
    assert_eq!(client.request("pay/orderquery", QUERY).unwrap_err().kind(), ErrorKind::SignatureMismatch);
}

#[test]
fn bills_are_downloaded_plain_or_gunzipped() {
    use flate2::Compression;
    use flate2::write::GzEncoder;
    use std::io::Write;
    const BILL: &[u8] = "交易时间,公众账号ID\n`2024-01-01 00:00:00,`wx\n".as_bytes();
    let handler: Handler = Arc::new(|_, body| {
        let req = parse(body);
        match req.get("tar_type") {
            Some("GZIP") => {
                let mut gz = GzEncoder::new(Vec::new(), Compression::default());
                gz.write_all(BILL).unwrap();
                Reply::Body(gz.finish().unwrap())
            }
            _ if req.get("bill_date") == Some("20000101") => {
                Reply::Body(unsigned_xml(&[("return_code", "FAIL"), ("return_msg", "No Bill Exist"), ("error_code", "20002")]))
            }
            _ => Reply::Body(BILL.to_vec()),
        }
    });
    let server = Server::start(&pki().server, None, handler);
    let client = Client::new(&config(&server.url())).unwrap();
    assert_eq!(client.download("pay/downloadbill", &[("bill_date", "20240101")]).unwrap(), BILL);
    assert_eq!(client.download("pay/downloadbill", &[("bill_date", "20240101"), ("tar_type", "GZIP")]).unwrap(), BILL);
    let e = client.download("pay/downloadbill", &[("bill_date", "20000101")]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ProtocolFail);
    assert_eq!(e.response().unwrap().get("error_code"), Some("20002"));
    assert_eq!(client.request("pay/downloadbill", &[("bill_date", "20240101")]).unwrap_err().kind(), ErrorKind::InvalidArgument);
}

#[test]
fn oversized_responses_are_refused() {
    let server = Server::start(&pki().server, None, Arc::new(|_, _| Reply::Body(vec![b'x'; 4096])));
    let mut c = config(&server.url());
    c.set_max_response_size(1024).unwrap();
    let client = Client::new(&c).unwrap();
    assert_eq!(client.request("pay/orderquery", QUERY).unwrap_err().kind(), ErrorKind::ResponseTooLarge);
}

#[test]
fn http_errors_are_reported_with_their_status() {
    let server = Server::start(&pki().server, None, Arc::new(|_, _| Reply::Status(502, b"bad gateway".to_vec())));
    let client = Client::new(&config(&server.url())).unwrap();
    let e = client.request("pay/orderquery", QUERY).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::HttpStatus);
    assert!(e.message().contains("502"));
}

#[test]
fn transfers_use_their_own_identity_names_and_md5_without_sign_type() {
    let seen = Arc::new(Mutex::new(None));
    let s = seen.clone();
    let handler: Handler = Arc::new(move |_, body| {
        *s.lock().unwrap() = Some(parse(body));
        Reply::Body(unsigned_xml(&[("return_code", "SUCCESS"), ("result_code", "SUCCESS"), ("partner_trade_no", "P1")]))
    });
    let server = Server::start(&pki().server, Some(&pki().ca), handler);
    let mut c = config(&server.url());
    c.set_sign_type(SignType::HmacSha256);
    c.set_pem(&pki().client_cert_pem(), &pki().client_key_pkcs1(), None);
    let client = Client::new(&c).unwrap();
    let fields = [("partner_trade_no", "P1"), ("openid", "o"), ("check_name", "NO_CHECK"), ("amount", "100"), ("desc", "d"), ("spbill_create_ip", "127.0.0.1")];
    client.request("mmpaymkttransfers/promotion/transfers", &fields).unwrap();
    let req = seen.lock().unwrap().clone().unwrap();
    assert_eq!(req.get("mch_appid"), Some(APPID));
    assert_eq!(req.get("mchid"), Some(MCH_ID));
    assert_eq!(req.get("appid"), None);
    assert_eq!(req.get("sign_type"), None);
    assert_eq!(req.get("sign").map(str::len), Some(32));
    assert!(wxpay::sign::verify(req.as_slice(), &key(), Some(SignType::Md5)).is_ok());
}
