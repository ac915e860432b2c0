//! A running client's merchant certificate: replaced without a restart
//! while requests go on, bad replacements refused, expiry and file
//! permissions reported. Against a real mutual-TLS server on 127.0.0.1.

mod support;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;
use std::time::Duration;

use support::certs::{self, TempDir};
use support::pki::{Pair, Pki};
use support::server::{Handler, Reply, Server};
use support::*;
use wxpay::cert::Expiry;
use wxpay::client::{Config, Host};
use wxpay::log::{LogLevel, Logger};
use wxpay::{Client, ErrorKind, SignType};

fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| Pki::new("rotation CA"))
}

/// A merchant certificate from the server's trusted CA; `cn` tells the
/// server-side records apart.
fn merchant(cn: &str, serial: u8, days_left: i64) -> Pair {
    certs::merchant_pair(&pki().ca, cn, &[0x10, serial], days_left)
}

fn handler() -> Handler {
    Arc::new(|_path, _body| {
        Reply::Body(signed_xml(&[("return_code", "SUCCESS"), ("result_code", "SUCCESS"), ("refund_id", "5")], Some(SignType::Md5)))
    })
}

type Lines = Arc<Mutex<Vec<(LogLevel, String)>>>;

fn config(server: &Server, lines: &Lines) -> Config {
    let mut c = Config::new();
    c.set_appid(APPID).unwrap().set_mch_id(MCH_ID).unwrap().set_api_key(key());
    c.set_host(Host::parse(&server.url()).unwrap()).set_root_ca(&pki().ca_pem());
    c.set_timeout(Duration::from_secs(10)).unwrap();
    let l = lines.clone();
    c.set_logger(Some(Logger::new(LogLevel::Debug, move |level, m| l.lock().unwrap().push((level, m.to_owned())))));
    c
}

fn logged(lines: &Lines, level: LogLevel, needle: &str) -> bool {
    lines.lock().unwrap().iter().any(|(l, m)| *l == level && m.contains(needle))
}

const REFUND: &[(&str, &str)] = &[("out_trade_no", "T1"), ("out_refund_no", "R1"), ("total_fee", "100"), ("refund_fee", "100")];

fn last_cn(server: &Server) -> String {
    server.client_cns.lock().unwrap().last().cloned().unwrap_or_default()
}

#[test]
fn certificate_is_replaced_while_requests_go_on() {
    let server = Server::start(&pki().server, Some(&pki().ca), handler());
    let dir = TempDir::new("rotate");
    let old = merchant("old-1900000109", 1, 300);
    let path = dir.write("apiclient_cert.p12", &certs::p12(&old, MCH_ID), 0o600);
    let lines: Lines = Arc::default();
    let mut cfg = config(&server, &lines);
    cfg.set_p12_file(path.to_str().unwrap(), None).unwrap();
    let client = Arc::new(Client::new(&cfg).unwrap());
    assert_eq!(client.certificate_status().info.unwrap().serial_hex, "1001");

    // Four threads make certificate requests until told to stop.
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let (client, stop, done) = (client.clone(), stop.clone(), done.clone());
            thread::spawn(move || {
                let mut failures = Vec::new();
                while !stop.load(Ordering::SeqCst) {
                    match client.request("secapi/pay/refund", REFUND) {
                        Ok(_) => done.fetch_add(1, Ordering::SeqCst),
                        Err(e) => {
                            failures.push(e.to_string());
                            0
                        }
                    };
                }
                failures
            })
        })
        .collect();
    let wait_for = |n: usize| {
        while done.load(Ordering::SeqCst) < n {
            thread::sleep(Duration::from_millis(5));
        }
    };
    wait_for(20);
    assert_eq!(last_cn(&server), "old-1900000109");

    // The merchant deploys the renewed certificate, then the service reloads.
    let new = merchant("new-1900000109", 2, 365);
    dir.write("apiclient_cert.p12", &certs::p12(&new, MCH_ID), 0o600);
    let info = client.reload_certificate().unwrap();
    assert_eq!(info.serial_hex, "1002");
    let after_reload = done.load(Ordering::SeqCst);
    wait_for(after_reload + 20);
    assert_eq!(last_cn(&server), "new-1900000109");
    assert!(logged(&lines, LogLevel::Info, "serial 1001 -> 1002"));

    // A corrupt replacement is refused; the new certificate keeps serving.
    dir.write("apiclient_cert.p12", b"half-copied garbage", 0o600);
    let e = client.reload_certificate().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::CertificateCorrupt);
    assert!(e.message().contains("serial 1002) stays in use"), "{}", e.message());
    assert!(logged(&lines, LogLevel::Error, "not reloaded"));
    let status = client.certificate_status();
    assert_eq!(status.info.as_ref().unwrap().serial_hex, "1002");
    assert_eq!(status.reloads, 1);
    assert!(status.last_reload_error.as_deref().unwrap().contains("not a PKCS#12"));
    let before = done.load(Ordering::SeqCst);
    wait_for(before + 20);
    assert_eq!(last_cn(&server), "new-1900000109");

    stop.store(true, Ordering::SeqCst);
    for w in workers {
        let failures = w.join().unwrap();
        assert!(failures.is_empty(), "requests failed during rotation: {failures:?}");
    }
}

#[test]
fn bad_replacements_are_refused_each_with_its_own_error() {
    let server = Server::start(&pki().server, Some(&pki().ca), handler());
    let dir = TempDir::new("refuse");
    let good = merchant("good", 3, 300);
    let cert_path = dir.write("apiclient_cert.pem", &certs::cert_pem(&good), 0o644);
    let key_path = dir.write("apiclient_key.pem", &certs::key_pkcs1(&good), 0o600);
    let lines: Lines = Arc::default();
    let mut cfg = config(&server, &lines);
    cfg.set_pem_files(cert_path.to_str().unwrap(), key_path.to_str().unwrap(), None).unwrap();
    let client = Client::new(&cfg).unwrap();

    // Only the certificate replaced: its key is still the old one.
    let next = merchant("next", 4, 300);
    dir.write("apiclient_cert.pem", &certs::cert_pem(&next), 0o644);
    assert_eq!(client.reload_certificate().unwrap_err().kind(), ErrorKind::CertificateKeyMismatch);
    // An expired pair.
    let expired = merchant("expired", 5, -3);
    dir.write("apiclient_cert.pem", &certs::cert_pem(&expired), 0o644);
    dir.write("apiclient_key.pem", &certs::key_pkcs8(&expired), 0o600);
    let e = client.reload_certificate().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::CertificateExpired);
    assert!(e.message().contains("serial 1005") && e.message().contains("stays in use"));
    // A missing file.
    std::fs::remove_file(&key_path).unwrap();
    assert_eq!(client.reload_certificate().unwrap_err().kind(), ErrorKind::CertificateFile);

    client.request("secapi/pay/refund", REFUND).unwrap();
    assert_eq!(last_cn(&server), "good");
    assert_eq!(client.certificate_status().reloads, 0);

    // Both files replaced: accepted.
    dir.write("apiclient_cert.pem", &certs::cert_pem(&next), 0o644);
    dir.write("apiclient_key.pem", &certs::key_pkcs8(&next), 0o600);
    assert_eq!(client.reload_certificate().unwrap().subject_cn, "next");
    client.request("secapi/pay/refund", REFUND).unwrap();
    assert_eq!(last_cn(&server), "next");
    assert_eq!(client.certificate_status().last_reload_error, None);
}

#[test]
fn replaced_files_are_noticed_by_requests_with_a_check_interval() {
    let server = Server::start(&pki().server, Some(&pki().ca), handler());
    let dir = TempDir::new("watch");
    let path = dir.write("apiclient_cert.p12", &certs::p12(&merchant("watched-old", 6, 300), "pw"), 0o600);
    let lines: Lines = Arc::default();
    let mut cfg = config(&server, &lines);
    cfg.set_p12_file(path.to_str().unwrap(), Some("pw")).unwrap();
    cfg.set("certificate_check_interval_ms", "1").unwrap();
    let client = Client::new(&cfg).unwrap();
    client.request("secapi/pay/refund", REFUND).unwrap();
    assert_eq!(last_cn(&server), "watched-old");

    dir.write("apiclient_cert.p12", &certs::p12(&merchant("watched-new", 7, 300), "pw"), 0o600);
    // The interval is 1 ms: within a few requests one of them looks.
    for _ in 0..500 {
        if client.certificate_status().reloads == 1 {
            break;
        }
        thread::sleep(Duration::from_millis(2));
        client.request("secapi/pay/refund", REFUND).unwrap();
    }
    assert_eq!(client.certificate_status().reloads, 1);
    client.request("secapi/pay/refund", REFUND).unwrap();
    assert_eq!(last_cn(&server), "watched-new");
    assert!(logged(&lines, LogLevel::Info, "the certificate files changed"));

    // A corrupt file is looked at once, refused once, and the old one serves on.
    dir.write("apiclient_cert.p12", b"garbage", 0o600);
    for _ in 0..20 {
        thread::sleep(Duration::from_millis(2));
        client.request("secapi/pay/refund", REFUND).unwrap();
    }
    assert_eq!(last_cn(&server), "watched-new");
    let refusals = lines.lock().unwrap().iter().filter(|(l, m)| *l == LogLevel::Error && m.contains("not reloaded")).count();
    assert_eq!(refusals, 1);
}

#[test]
fn an_expired_certificate_is_refused_before_any_request() {
    let server = Server::start(&pki().server, Some(&pki().ca), handler());
    let dir = TempDir::new("expired");
    let path = dir.write("apiclient_cert.p12", &certs::p12(&merchant("expired", 8, -1), MCH_ID), 0o600);
    let lines: Lines = Arc::default();
    let mut cfg = config(&server, &lines);
    cfg.set_p12_file(path.to_str().unwrap(), None).unwrap();
    let client = Client::new(&cfg).unwrap();
    assert!(logged(&lines, LogLevel::Error, "expired on"));
    assert_eq!(client.certificate_status().expiry(), Some(Expiry::Expired));

    let e = client.request("secapi/pay/refund", REFUND).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::CertificateExpired);
    assert!(e.message().contains("secapi/pay/refund") && e.message().contains("serial 1008"));
    assert_eq!(server.requests(), 0, "refused before any network I/O");
    assert_eq!(client.request("secapi/pay/reverse", &[("out_trade_no", "T1")]).unwrap_err().kind(), ErrorKind::CertificateExpired);
    assert_eq!(server.requests(), 0);

    dir.write("apiclient_cert.p12", &certs::p12(&merchant("renewed", 9, 365), MCH_ID), 0o600);
    client.reload_certificate().unwrap();
    client.request("secapi/pay/refund", REFUND).unwrap();
    assert_eq!(last_cn(&server), "renewed");
}

#[test]
fn expiry_within_sixty_days_is_warned_at_creation_reload_and_in_the_status() {
    let server = Server::start(&pki().server, Some(&pki().ca), handler());
    let dir = TempDir::new("expiring");
    let path = dir.write("apiclient_cert.p12", &certs::p12(&merchant("soon", 10, 30), MCH_ID), 0o600);
    let lines: Lines = Arc::default();
    let mut cfg = config(&server, &lines);
    cfg.set_p12_file(path.to_str().unwrap(), None).unwrap();
    let client = Client::new(&cfg).unwrap();
    assert!(logged(&lines, LogLevel::Warn, "expires in 30 days"));
    let status = client.certificate_status();
    assert_eq!(status.expiry(), Some(Expiry::Expiring));
    assert!(status.warning().unwrap().contains("expires in 30 days"));
    let pairs = status.to_pairs();
    let get = |n: &str| pairs.iter().find(|(k, _)| *k == n).map(|(_, v)| v.clone()).unwrap();
    assert_eq!(get("certificate"), "loaded");
    assert_eq!(get("expiry"), "expiring");
    assert_eq!(get("days_until_expiry"), "30");
    assert_eq!(get("reloadable"), "true");
    // The request still goes through: expiring is not expired.
    client.request("secapi/pay/refund", REFUND).unwrap();

    lines.lock().unwrap().clear();
    dir.write("apiclient_cert.p12", &certs::p12(&merchant("soon-too", 11, 59), MCH_ID), 0o600);
    client.reload_certificate().unwrap();
    assert!(logged(&lines, LogLevel::Warn, "expires in 59 days"));
    lines.lock().unwrap().clear();
    dir.write("apiclient_cert.p12", &certs::p12(&merchant("a year", 12, 365), MCH_ID), 0o600);
    client.reload_certificate().unwrap();
    assert!(!lines.lock().unwrap().iter().any(|(l, _)| *l <= LogLevel::Warn));
    assert_eq!(client.certificate_status().warning(), None);
}

#[test]
fn key_files_readable_by_others_are_warned_about_or_refused() {
    let server = Server::start(&pki().server, Some(&pki().ca), handler());
    let dir = TempDir::new("perms");
    let pair = merchant("perm", 13, 300);
    let cert_path = dir.write("apiclient_cert.pem", &certs::cert_pem(&pair), 0o644);
    let key_path = dir.write("apiclient_key.pem", &certs::key_pkcs8(&pair), 0o644);
    let files = |cfg: &mut Config| {
        cfg.set_pem_files(cert_path.to_str().unwrap(), key_path.to_str().unwrap(), None).unwrap();
    };

    let lines: Lines = Arc::default();
    let mut cfg = config(&server, &lines);
    files(&mut cfg);
    let client = Client::new(&cfg).unwrap();
    assert!(logged(&lines, LogLevel::Warn, "apiclient_key.pem` is readable by its group and all users (mode 0644)"));
    client.request("secapi/pay/refund", REFUND).unwrap();

    cfg.set("strict_permissions", "true").unwrap();
    let e = Client::new(&cfg).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::CertificatePermissions);
    assert!(e.message().contains("0644") && e.message().contains("strict_permissions"));

    // 0600: no warning, and strict accepts it.
    dir.write("apiclient_key.pem", &certs::key_pkcs8(&pair), 0o600);
    let quiet: Lines = Arc::default();
    let mut cfg = config(&server, &quiet);
    files(&mut cfg);
    cfg.set_strict_permissions(true);
    let strict = Client::new(&cfg).unwrap();
    assert!(!quiet.lock().unwrap().iter().any(|(_, m)| m.contains("readable by")));
    // A reload meets the same rule.
    dir.write("apiclient_key.pem", &certs::key_pkcs8(&pair), 0o640);
    assert_eq!(strict.reload_certificate().unwrap_err().kind(), ErrorKind::CertificatePermissions);
    strict.request("secapi/pay/refund", REFUND).unwrap();
}

#[test]
fn certificates_given_as_bytes_cannot_be_reloaded() {
    let server = Server::start(&pki().server, Some(&pki().ca), handler());
    let lines: Lines = Arc::default();
    let mut cfg = config(&server, &lines);
    let none = Client::new(&cfg).unwrap();
    let status = none.certificate_status();
    assert_eq!(status.info, None);
    assert_eq!(status.to_pairs()[0], ("certificate", "none".to_owned()));
    assert_eq!(none.request("secapi/pay/refund", REFUND).unwrap_err().kind(), ErrorKind::CertificateRequired);

    cfg.set_p12(&certs::p12(&merchant("bytes", 14, 300), MCH_ID), None);
    let client = Client::new(&cfg).unwrap();
    let e = client.reload_certificate().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert!(!client.certificate_status().reloadable);
    client.request("secapi/pay/refund", REFUND).unwrap();
}
