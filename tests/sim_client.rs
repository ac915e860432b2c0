//! The client against the simulator over real TLS on loopback: each
//! certificate format, each injected fault as its typed error, timeouts, and
//! eight threads sharing one client.

#[path = "sim/harness.rs"]
#[allow(dead_code)]
mod harness;

use std::sync::Arc;
use std::time::Duration;

use harness::{APPID, MCH_ID, Sim, key, no};
use wxpay::client::{Config, Host};
use wxpay::endpoints::Retry;
use wxpay::{Client, ErrorKind};

fn config(sim: &Sim) -> Config {
    let mut c = Config::new();
    c.set_appid(APPID).unwrap().set_mch_id(MCH_ID).unwrap().set_api_key(key());
    c.set_host(Host::parse(&format!("https://127.0.0.1:{}", sim.port)).unwrap());
    c.set_root_ca(&sim.file("ca.pem"));
    c.set_timeout(Duration::from_secs(20)).unwrap();
    c
}

fn with_p12(sim: &Sim, file: &str) -> Client {
    let mut c = config(sim);
    c.set_p12(&sim.file(file), None);
    Client::new(&c).unwrap()
}

fn order(client: &Client, out_trade_no: &str) {
    let r = client
        .request(
            "pay/unifiedorder",
            &[
                ("body", "wxpay test"),
                ("out_trade_no", out_trade_no),
                ("total_fee", "101"),
                ("spbill_create_ip", "127.0.0.1"),
                ("notify_url", "http://127.0.0.1:9/notify"),
                ("trade_type", "NATIVE"),
                ("product_id", "p1"),
            ],
        )
        .unwrap();
    assert!(r.get("prepay_id").is_some_and(|p| !p.is_empty()));
}

fn refund(client: &Client, out_trade_no: &str) -> wxpay::Result<wxpay::Fields> {
    client.request(
        "secapi/pay/refund",
        &[("out_trade_no", out_trade_no), ("out_refund_no", &format!("R{out_trade_no}")), ("total_fee", "101"), ("refund_fee", "1")],
    )
}

#[test]
fn refunds_work_over_mutual_tls_with_every_certificate_format() {
    let sim = Sim::start(&[]);
    let clients = [
        ("modern p12", with_p12(&sim, "apiclient_cert.p12")),
        ("legacy RC2-40 p12", with_p12(&sim, "apiclient_cert_legacy.p12")),
        ("PEM + PKCS#8", {
            let mut c = config(&sim);
            c.set_pem(&sim.file("apiclient_cert.pem"), &sim.file("apiclient_key.pem"), None);
            Client::new(&c).unwrap()
        }),
        ("PEM + PKCS#1", {
            let mut c = config(&sim);
            c.set_pem(&sim.file("apiclient_cert.pem"), &sim.file("apiclient_key_pkcs1.pem"), None);
            Client::new(&c).unwrap()
        }),
    ];
    for (what, client) in &clients {
        let otn = no("T");
        order(client, &otn);
        sim.control("POST", &format!("/sim/pay?out_trade_no={otn}"));
        let r = refund(client, &otn).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(r.get("result_code"), Some("SUCCESS"), "{what}");
        assert_eq!(r.get("refund_fee"), Some("1"), "{what}");
    }
}

#[test]
fn a_certificate_endpoint_without_a_certificate_fails_before_any_request() {
    let sim = Sim::start(&[]);
    let client = Client::new(&config(&sim)).unwrap();
    let e = refund(&client, "T-none").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::CertificateRequired);
    let orders = sim.control("GET", "/sim/orders");
    assert_eq!(orders.as_array().map(Vec::len), Some(0));
}

#[test]
fn the_simulators_server_is_refused_without_its_root_ca() {
    let sim = Sim::start(&[]);
    let mut c = Config::new();
    c.set_appid(APPID).unwrap().set_mch_id(MCH_ID).unwrap().set_api_key(key());
    c.set_host(Host::parse(&format!("https://127.0.0.1:{}", sim.port)).unwrap());
    let client = Client::new(&c).unwrap();
    let e = client.request("pay/orderquery", &[("out_trade_no", "T1")]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Tls, "{e}");
}

#[test]
fn every_injected_fault_becomes_its_typed_error() {
    let sim = Sim::start(&[]);
    let mut c = config(&sim);
    c.set_timeout(Duration::from_millis(1500)).unwrap();
    let client = Client::new(&c).unwrap();
    let cases = [
        ("reset", ErrorKind::Transport),
        ("http500", ErrorKind::HttpStatus),
        ("garbled", ErrorKind::XmlMalformed),
        ("badsign", ErrorKind::SignatureMismatch),
        ("nosign", ErrorKind::SignatureMissing),
        ("returnfail", ErrorKind::ProtocolFail),
        ("systemerror", ErrorKind::BusinessFail),
        ("delay:5000", ErrorKind::Timeout),
    ];
    for (fault, expected) in cases {
        let otn = no("F");
        let attach = format!("sim:fault={fault}");
        let e = client
            .request("pay/orderquery", &[("out_trade_no", otn.as_str()), ("attach", attach.as_str())])
            .unwrap_err();
        let acceptable = if fault == "reset" { vec![ErrorKind::Transport, ErrorKind::Connect] } else { vec![expected] };
        assert!(acceptable.contains(&e.kind()), "{fault}: got {:?}: {e}", e.kind());
        match fault {
            "returnfail" => assert!(e.response().and_then(|r| r.get("return_msg")).is_some()),
            "systemerror" => {
                assert_eq!(e.response().and_then(|r| r.get("err_code")), Some("SYSTEMERROR"));
                assert_eq!(e.retry(), Retry::Retryable);
            }
            _ => assert_eq!(e.retry(), Retry::Unknown, "{fault}"),
        }
    }
    // The client still works after every fault.
    order(&client, &no("OK"));
}

#[test]
fn faults_armed_by_the_control_endpoint_hit_the_next_request_only() {
    let sim = Sim::start(&[]);
    let client = Client::new(&config(&sim)).unwrap();
    sim.control("POST", "/sim/fault?kind=http500&path=pay/orderquery&count=1");
    let e = client.request("pay/orderquery", &[("out_trade_no", "nope")]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::HttpStatus);
    let e = client.request("pay/orderquery", &[("out_trade_no", "nope")]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BusinessFail, "{e}");
    assert_eq!(e.response().and_then(|r| r.get("err_code")), Some("ORDERNOTEXIST"));
    assert_eq!(e.retry(), Retry::Final);
}

#[test]
fn eight_threads_share_one_client() {
    let per_thread: usize = std::env::var("WXPAY_THREAD_REQUESTS").ok().and_then(|s| s.parse().ok()).unwrap_or(10_000 / 8);
    let sim = Sim::start(&[]);
    let client = Arc::new(Client::new(&config(&sim)).unwrap());
    let otn = no("SHARED");
    order(&client, &otn);
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let client = Arc::clone(&client);
            let otn = otn.clone();
            std::thread::spawn(move || {
                for _ in 0..per_thread {
                    let r = client.request("pay/orderquery", &[("out_trade_no", otn.as_str())]).unwrap();
                    assert_eq!(r.get("trade_state"), Some("NOTPAY"));
                }
                per_thread
            })
        })
        .collect();
    let done: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
    assert_eq!(done, per_thread * 8);
}
