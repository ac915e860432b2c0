//! The API key, the private key and the .p12 password never appear in any
//! log line or error message, across successes and every kind of failure.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use support::pki::Pki;
use support::server::{Handler, Reply, Server};
use support::*;
use wxpay::client::{Backup, Config, Host};
use wxpay::log::{LogLevel, Logger};
use wxpay::{Client, SignType};

const P12_PASSWORD: &str = "Sup3rSecretP12Passw0rd";
const KEY_PASSWORD: &str = "AnotherKeyPassw0rdXyz";

#[test]
fn secrets_never_appear_in_logs_or_errors() {
    let pki = Pki::new("secrets CA");
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut errors: Vec<String> = Vec::new();
    let sink = lines.clone();
    let logger = Logger::new(LogLevel::Debug, move |lv, m| sink.lock().unwrap().push(format!("{lv:?} {m}")));

    let handler: Handler = Arc::new(|path, _| match path {
        "pay/orderquery" => Reply::Body(signed_xml(&[("return_code", "SUCCESS"), ("result_code", "SUCCESS")], Some(SignType::Md5))),
        "pay/closeorder" => Reply::Body(signed_xml(&[("return_code", "SUCCESS"), ("result_code", "FAIL"), ("err_code", "ORDERPAID")], Some(SignType::Md5))),
        "pay/reverse" => Reply::Body(unsigned_xml(&[("return_code", "FAIL"), ("return_msg", "bad")])),
        "pay/slow" => Reply::Stall(Duration::from_secs(2)),
        _ => Reply::Body(unsigned_xml(&[("return_code", "SUCCESS"), ("result_code", "SUCCESS")])),
    });
    let server = Server::start(&pki.server, Some(&pki.ca), handler);
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("https://127.0.0.1:{}/", l.local_addr().unwrap().port())
    };

    let base = |url: &str| {
        let mut c = Config::new();
        c.set_appid(APPID).unwrap().set_mch_id(MCH_ID).unwrap().set_api_key(key());
        c.set_host(Host::parse(url).unwrap()).set_root_ca(&pki.ca_pem());
        c.set_timeout(Duration::from_millis(500)).unwrap();
        c.set_logger(Some(logger.clone()));
        c
    };

    // Certificate failures.
    let mut c = base(&server.url());
    c.set_p12(&pki.client_p12(P12_PASSWORD), Some("not-the-password"));
    errors.push(format!("{:?}", Client::new(&c).unwrap_err()));
    c.set_pem(&pki.client_cert_pem(), &pki.client_key_encrypted(KEY_PASSWORD), Some("wrong"));
    errors.push(format!("{:?}", Client::new(&c).unwrap_err()));
    let mut corrupt = pki.client_p12(P12_PASSWORD);
    corrupt.truncate(corrupt.len() - 40);
    c.set_p12(&corrupt, Some(P12_PASSWORD));
    errors.push(format!("{:?}", Client::new(&c).unwrap_err()));
    errors.push(format!("{:?}", c));

    // A working client, then every kind of request failure.
    let mut c = base(&server.url());
    c.set_p12(&pki.client_p12(P12_PASSWORD), Some(P12_PASSWORD));
    errors.push(format!("{:?}", c));
    let client = Client::new(&c).unwrap();
    errors.push(format!("{:?}", client));
    client.request("pay/orderquery", &[("out_trade_no", "T")]).unwrap();
    for path in ["pay/closeorder", "pay/reverse", "pay/slow", "pay/unsigned"] {
        errors.push(format!("{:?}", client.request(path, &[("out_trade_no", "T")]).unwrap_err()));
    }
    errors.push(format!("{:?}", client.request("pay/orderquery", &[("mch_id", "1")]).unwrap_err()));
    let mut c = base(&closed);
    c.set_backup(Backup::Host(Host::parse(&closed).unwrap()));
    errors.push(format!("{:?}", Client::new(&c).unwrap().request("pay/orderquery", &[("out_trade_no", "T")]).unwrap_err()));
    errors.push(format!("{:?}", c.set("api_key", "0123456789abcdefghij").unwrap_err()));

    let log = lines.lock().unwrap().join("\n");
    assert!(log.contains("pay/orderquery") && log.contains("failing over"), "the log was captured");
    let key_pem = String::from_utf8(pki.client_key_pkcs8()).unwrap();
    let key_body: Vec<&str> = key_pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let everything = format!("{log}\n{}", errors.join("\n"));
    for secret in [KEY, P12_PASSWORD, KEY_PASSWORD, "0123456789abcdefghij"] {
        assert!(!everything.contains(secret), "a secret leaked:\n{everything}");
    }
    for chunk in key_body.iter().filter(|l| l.len() >= 40) {
        assert!(!everything.contains(chunk), "private key material leaked");
    }
    assert!(!everything.contains("PRIVATE KEY"));
}
