//! Certificate rotation against the simulator (`wxpay-sim`), which checks
//! that the client certificate chains to its own `MmpaymchCA`: a foreign
//! certificate is refused by it, the simulator's own is accepted, and
//! replacing the files under a busy client loses no request.

#[path = "sim/harness.rs"]
#[allow(dead_code)]
mod harness;
mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use harness::{APPID, KEY, MCH_ID, Sim};
use support::certs::{self, TempDir};
use wxpay::client::{Config, Host};
use wxpay::{ApiKey, Client, ErrorKind};

fn transfer(client: &Client, n: usize) -> wxpay::Result<wxpay::Fields> {
    let trade_no = format!("ROT{n:010}");
    client.request(
        "mmpaymkttransfers/promotion/transfers",
        &[
            ("partner_trade_no", trade_no.as_str()),
            ("openid", "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"),
            ("check_name", "NO_CHECK"),
            ("amount", "100"),
            ("desc", "rotation test"),
            ("spbill_create_ip", "127.0.0.1"),
        ],
    )
}

#[test]
fn rotation_against_the_simulator() {
    let sim = Sim::start(&[]);
    let dir = TempDir::new("sim-rotate");
    // An impostor MmpaymchCA: same name, other key; the simulator must refuse it.
    let impostor = certs::merchant_pair(&certs::ca("MmpaymchCA"), MCH_ID, &[0x77, 0x01], 365);
    let path = dir.write("apiclient_cert.p12", &certs::p12(&impostor, MCH_ID), 0o600);

    let mut cfg = Config::new();
    cfg.set_appid(APPID).unwrap().set_mch_id(MCH_ID).unwrap().set_api_key(ApiKey::new(KEY.as_bytes()).unwrap());
    cfg.set_host(Host::parse(&format!("https://127.0.0.1:{}/", sim.port)).unwrap());
    cfg.set_root_ca(&sim.file("ca.pem"));
    cfg.set_timeout(Duration::from_secs(20)).unwrap();
    cfg.set_p12_file(path.to_str().unwrap(), None).unwrap();
    let client = Arc::new(Client::new(&cfg).unwrap());
    let e = transfer(&client, 0).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ProtocolFail, "{e}");
    assert!(e.message().contains("apiclient_cert"), "{e}");

    // The simulator's own certificate, in the old RC2-40 format first.
    dir.write("apiclient_cert.p12", &sim.file("apiclient_cert_legacy.p12"), 0o600);
    let info = client.reload_certificate().unwrap();
    assert_eq!(info.issuer_cn, "MmpaymchCA");
    assert!(info.serial_hex.len() < 40, "the simulator issues WeChat-style serials");
    transfer(&client, 1).unwrap();

    // Busy threads while the file is replaced (modern .p12, then back), and
    // a corrupt copy refused in between: no request fails.
    let stop = Arc::new(AtomicBool::new(false));
    let next = Arc::new(AtomicUsize::new(100));
    let workers: Vec<_> = (0..3)
        .map(|_| {
            let (client, stop, next) = (client.clone(), stop.clone(), next.clone());
            thread::spawn(move || {
                let mut failures = Vec::new();
                while !stop.load(Ordering::SeqCst) {
                    if let Err(e) = transfer(&client, next.fetch_add(1, Ordering::SeqCst)) {
                        failures.push(e.to_string());
                    }
                }
                failures
            })
        })
        .collect();
    let wait_for_more = |n: usize| {
        let target = next.load(Ordering::SeqCst) + n;
        while next.load(Ordering::SeqCst) < target {
            thread::sleep(Duration::from_millis(5));
        }
    };
    for round in 0..3 {
        wait_for_more(10);
        let file = if round % 2 == 0 { "apiclient_cert.p12" } else { "apiclient_cert_legacy.p12" };
        dir.write("apiclient_cert.p12", &sim.file(file), 0o600);
        client.reload_certificate().unwrap();
        wait_for_more(10);
        dir.write("apiclient_cert.p12", &sim.file("apiclient_cert.p12")[..200], 0o600);
        assert_eq!(client.reload_certificate().unwrap_err().kind(), ErrorKind::CertificateCorrupt);
    }
    wait_for_more(10);
    stop.store(true, Ordering::SeqCst);
    for w in workers {
        let failures = w.join().unwrap();
        assert!(failures.is_empty(), "requests failed during rotation: {failures:?}");
    }
    let status = client.certificate_status();
    assert_eq!(status.reloads, 4);
    assert!(status.last_reload_error.is_some());
}
