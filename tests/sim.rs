//! Integration tests of the wxpay-sim binary: started for real, spoken to
//! over real TLS with the certificates it generates.

#[path = "sim/harness.rs"]
mod harness;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use harness::{APPID, KEY, MCH_ID, Sim, eventually, key, no, verify};
use openssl::pkcs12::Pkcs12;
use openssl::pkey::PKey;
use openssl::x509::X509;
use wxpay::{ErrorKind, Fields, SignType};

const MD5: SignType = SignType::Md5;
const HMAC: SignType = SignType::HmacSha256;

fn unified(sim: &Sim, out_trade_no: &str, notify_url: &str, st: SignType) -> Fields {
    sim.call(
        "pay/unifiedorder",
        &[
            ("body", "wxpay-sim test"),
            ("out_trade_no", out_trade_no),
            ("total_fee", "101"),
            ("spbill_create_ip", "127.0.0.1"),
            ("notify_url", notify_url),
            ("trade_type", "NATIVE"),
            ("product_id", "P1"),
        ],
        st,
    )
}

fn query(sim: &Sim, out_trade_no: &str) -> Fields {
    let r = sim.call("pay/orderquery", &[("out_trade_no", out_trade_no)], MD5);
    verify(&r, &key()).unwrap();
    r
}

fn micropay(sim: &Sim, out_trade_no: &str, auth_code: &str) -> Fields {
    let r = sim.call(
        "pay/micropay",
        &[
            ("body", "scan"),
            ("out_trade_no", out_trade_no),
            ("total_fee", "1"),
            ("spbill_create_ip", "127.0.0.1"),
            ("auth_code", auth_code),
        ],
        MD5,
    );
    verify(&r, &key()).unwrap();
    r
}

fn pem_has(bytes: &[u8], header: &str) -> bool {
    String::from_utf8_lossy(bytes).contains(header)
}

#[test]
fn certificate_files_load_in_every_format() {
    let sim = Sim::start(&[]);
    let ca = X509::from_pem(&sim.file("ca.pem")).unwrap();
    let server = X509::from_pem(&sim.file("server.pem")).unwrap();
    assert!(server.verify(&ca.public_key().unwrap()).unwrap());
    let client_ca = X509::from_pem(&sim.file("client_ca.pem")).unwrap();
    let cert = X509::from_pem(&sim.file("apiclient_cert.pem")).unwrap();
    assert!(cert.verify(&client_ca.public_key().unwrap()).unwrap());
    let issuer_cn = cert.issuer_name().entries_by_nid(openssl::nid::Nid::COMMONNAME).next().unwrap();
    assert_eq!(issuer_cn.data().to_string().unwrap(), "MmpaymchCA");
    assert!(cert.serial_number().to_bn().unwrap().num_bytes() < 20);

    let pkcs8 = sim.file("apiclient_key.pem");
    assert!(pem_has(&pkcs8, "-----BEGIN PRIVATE KEY-----"));
    let pkcs1 = sim.file("apiclient_key_pkcs1.pem");
    assert!(pem_has(&pkcs1, "-----BEGIN RSA PRIVATE KEY-----"));
    let k8 = PKey::private_key_from_pem(&pkcs8).unwrap();
    let k1 = PKey::private_key_from_pem(&pkcs1).unwrap();
    assert!(k8.public_eq(&k1));
    assert!(cert.public_key().unwrap().public_eq(&k8));

    let modern = Pkcs12::from_der(&sim.file("apiclient_cert.p12")).unwrap().parse2(MCH_ID).unwrap();
    assert_eq!(modern.cert.unwrap().to_der().unwrap(), cert.to_der().unwrap());
    assert!(modern.pkey.unwrap().public_eq(&k8));
    assert!(Pkcs12::from_der(&sim.file("apiclient_cert.p12")).unwrap().parse2("wrong").is_err());

    // RC2-40 needs OpenSSL 3's legacy provider, exactly as merchants meet it.
    let _legacy = openssl::provider::Provider::try_load(None, "legacy", true).unwrap();
    let legacy = Pkcs12::from_der(&sim.file("apiclient_cert_legacy.p12")).unwrap().parse2(MCH_ID).unwrap();
    assert_eq!(legacy.cert.unwrap().to_der().unwrap(), cert.to_der().unwrap());
    assert!(legacy.pkey.unwrap().public_eq(&k8));

    for secret in [
        "apiclient_key.pem",
        "apiclient_key_pkcs1.pem",
        "apiclient_cert.p12",
        "apiclient_cert_legacy.p12",
        "server_key.pem",
        "identity.txt",
    ] {
        let mode = std::fs::metadata(sim.dir.join(secret)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{secret}");
    }
    // The p12 client identity also works on the wire.
    let p12 = Pkcs12::from_der(&sim.file("apiclient_cert.p12")).unwrap().parse2(MCH_ID).unwrap();
    let (c, k) = (p12.cert.unwrap(), p12.pkey.unwrap());
    let r = sim.call_on(
        &mut sim.connect_with(Some((&c, &k))),
        "secapi/pay/refund",
        &[("out_trade_no", "nope"), ("out_refund_no", "r1"), ("total_fee", "1"), ("refund_fee", "1")],
        MD5,
    );
    assert_eq!(r.get("return_code"), Some("SUCCESS"));
    assert_eq!(r.get("err_code"), Some("ORDERNOTEXIST"));
}

#[test]
fn a_second_start_reuses_the_certificates() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("d");
    let first_cert;
    {
        let sim = Sim::start_in(tempfile::tempdir().unwrap(), &dir, &[]);
        first_cert = sim.file("apiclient_cert.p12");
    }
    let sim = Sim::start_in(tmp, &dir, &[]);
    assert_eq!(sim.file("apiclient_cert.p12"), first_cert);
    assert_eq!(sim.dir, std::fs::canonicalize(&dir).unwrap());
}

#[test]
fn signed_unifiedorder_then_orderquery() {
    let sim = Sim::start(&[]);
    for st in [MD5, HMAC] {
        let trade = no("uo");
        let r = unified(&sim, &trade, "http://127.0.0.1:9/notify", st);
        assert_eq!(r.get("return_code"), Some("SUCCESS"), "{r:?}");
        assert_eq!(r.get("result_code"), Some("SUCCESS"), "{r:?}");
        assert_eq!(verify(&r, &key()).unwrap(), st);
        assert_eq!(r.get("appid"), Some(APPID));
        let prepay = r.get("prepay_id").unwrap().to_owned();
        assert!(prepay.starts_with("wx"));
        assert!(r.get("code_url").unwrap().starts_with("weixin://wxpay/bizpayurl?pr="));

        // Placing the same order again gives the same prepay_id; another product under the same number is refused.
        let again = unified(&sim, &trade, "http://127.0.0.1:9/notify", st);
        assert_eq!(again.get("prepay_id"), Some(prepay.as_str()));
        let other_product = sim.call(
            "pay/unifiedorder",
            &[
                ("body", "wxpay-sim test"),
                ("out_trade_no", &trade),
                ("total_fee", "101"),
                ("spbill_create_ip", "127.0.0.1"),
                ("notify_url", "http://127.0.0.1:9/notify"),
                ("trade_type", "NATIVE"),
                ("product_id", "P2"),
            ],
            st,
        );
        assert_eq!(other_product.get("err_code"), Some("OUT_TRADE_NO_USED"), "{other_product:?}");

        let q = query(&sim, &trade);
        assert_eq!(q.get("trade_state"), Some("NOTPAY"));
        assert_eq!(q.get("total_fee"), Some("101"));

        let paid = sim.control("POST", &format!("sim/pay?out_trade_no={trade}"));
        assert_eq!(paid["trade_state"], "SUCCESS");
        let q = query(&sim, &trade);
        assert_eq!(q.get("trade_state"), Some("SUCCESS"));
        assert_eq!(q.get("transaction_id"), paid["transaction_id"].as_str());
        assert_eq!(q.get("time_end").map(str::len), Some(14));

        let c = sim.call("pay/closeorder", &[("out_trade_no", &trade)], st);
        assert_eq!(c.get("err_code"), Some("ORDERPAID"));
    }
    let trade = no("close");
    unified(&sim, &trade, "http://127.0.0.1:9/n", MD5);
    let c = sim.call("pay/closeorder", &[("out_trade_no", &trade)], MD5);
    assert_eq!(c.get("result_code"), Some("SUCCESS"));
    assert_eq!(query(&sim, &trade).get("trade_state"), Some("CLOSED"));
    let missing = query(&sim, "does-not-exist");
    assert_eq!(missing.get("err_code"), Some("ORDERNOTEXIST"));
}

#[test]
fn unifiedorder_checks_required_fields() {
    let sim = Sim::start(&[]);
    let jsapi = sim.call(
        "pay/unifiedorder",
        &[
            ("body", "b"),
            ("out_trade_no", &no("js")),
            ("total_fee", "1"),
            ("spbill_create_ip", "127.0.0.1"),
            ("notify_url", "http://127.0.0.1:9/n"),
            ("trade_type", "JSAPI"),
        ],
        MD5,
    );
    assert_eq!(jsapi.get("result_code"), Some("FAIL"));
    assert!(jsapi.get("err_code_des").unwrap().contains("openid"));
    verify(&jsapi, &key()).unwrap();
    let missing = sim.call("pay/unifiedorder", &[("out_trade_no", &no("m")), ("total_fee", "1")], MD5);
    assert_eq!(missing.get("err_code"), Some("LACK_PARAMS"));
    let bad_fee = unified_with_fee(&sim, "-5");
    assert_eq!(bad_fee.get("err_code"), Some("PARAM_ERROR"));
}

fn unified_with_fee(sim: &Sim, fee: &str) -> Fields {
    sim.call(
        "pay/unifiedorder",
        &[
            ("body", "b"),
            ("out_trade_no", &no("fee")),
            ("total_fee", fee),
            ("spbill_create_ip", "127.0.0.1"),
            ("notify_url", "http://127.0.0.1:9/n"),
            ("trade_type", "APP"),
        ],
        MD5,
    )
}

#[test]
fn bad_requests_are_refused_with_return_code_fail() {
    let sim = Sim::start(&[]);
    let mut conn = sim.connect();
    let good = harness::signed_request(&[("out_trade_no", "x")], MD5, &key());
    let refused = |conn: &mut harness::Conn, body: &str| {
        let r = conn.request("POST", "pay/orderquery", body.as_bytes()).unwrap();
        let f = wxpay::xml::parse(&r.body).unwrap();
        assert_eq!(f.get("return_code"), Some("FAIL"), "{body}");
        assert!(f.get("sign").is_none());
        f.get("return_msg").unwrap().to_owned()
    };
    // One character of the signature changed.
    let at = good.find("<sign><![CDATA[").unwrap() + 15;
    let flipped = if &good[at..at + 1] == "A" { "B" } else { "A" };
    let tampered = format!("{}{}{}", &good[..at], flipped, &good[at + 1..]);
    assert!(refused(&mut conn, &tampered).contains("签名错误"));
    // The same request signed with another key.
    let other = wxpay::ApiKey::new(b"00000000001111111111222222222233").unwrap();
    assert!(refused(&mut conn, &harness::signed_request(&[("out_trade_no", "x")], MD5, &other)).contains("签名错误"));
    let unsigned = good.split("<sign>").next().unwrap().to_owned() + "</xml>";
    assert!(refused(&mut conn, &unsigned).contains("sign"));
    assert!(refused(&mut conn, "this is not xml").contains("XML"));
    assert!(refused(&mut conn, "<!DOCTYPE x [<!ENTITY a 'b'>]><xml><a>&a;</a></xml>").contains("XML"));
    let wrong_mch = good.replace(MCH_ID, "1234567890");
    assert!(refused(&mut conn, &wrong_mch).contains("mch_id"));
    // An HMAC signature announced as MD5 fails too.
    let hmac = harness::signed_request(&[("out_trade_no", "x")], HMAC, &key()).replace("HMAC-SHA256", "MD5");
    assert!(refused(&mut conn, &hmac).contains("签名错误"));
    // The connection stayed usable throughout (keep-alive).
    let ok = sim.call_on(&mut conn, "pay/orderquery", &[("out_trade_no", "x")], MD5);
    assert_eq!(ok.get("return_code"), Some("SUCCESS"));
}

#[test]
fn certificate_endpoints_need_the_client_certificate() {
    let sim = Sim::start(&[]);
    let trade = no("cert");
    unified(&sim, &trade, "http://127.0.0.1:9/n", MD5);
    sim.control("POST", &format!("sim/pay?out_trade_no={trade}"));
    let refund =
        [("out_trade_no", trade.as_str()), ("out_refund_no", "R1"), ("total_fee", "101"), ("refund_fee", "40")];

    let without = sim.call("secapi/pay/refund", &refund, MD5);
    assert_eq!(without.get("return_code"), Some("FAIL"));
    assert!(without.get("return_msg").unwrap().contains("商户证书"));
    let transfer = sim.call("mmpaymkttransfers/promotion/transfers", &[], MD5);
    assert_eq!(transfer.get("return_code"), Some("FAIL"));

    // A certificate from some other CA is no better than none.
    let (stranger_cert, stranger_key) = self_signed();
    let r =
        sim.call_on(&mut sim.connect_with(Some((&stranger_cert, &stranger_key))), "secapi/pay/refund", &refund, MD5);
    assert_eq!(r.get("return_code"), Some("FAIL"));

    let with = sim.call_cert("secapi/pay/refund", &refund, MD5);
    assert_eq!(with.get("result_code"), Some("SUCCESS"), "{with:?}");
    verify(&with, &key()).unwrap();
    assert_eq!(with.get("refund_fee"), Some("40"));
    assert_eq!(with.get("refund_channel"), Some(""));
    let refund_id = with.get("refund_id").unwrap().to_owned();
    // Retried with the same number: the same refund, not a second one.
    let again = sim.call_cert("secapi/pay/refund", &refund, MD5);
    assert_eq!(again.get("refund_id"), Some(refund_id.as_str()));
    let too_much = sim.call_cert(
        "secapi/pay/refund",
        &[("out_trade_no", &trade), ("out_refund_no", "R2"), ("total_fee", "101"), ("refund_fee", "62")],
        MD5,
    );
    assert_eq!(too_much.get("result_code"), Some("FAIL"));

    let rq = sim.call("pay/refundquery", &[("out_trade_no", &trade)], MD5);
    verify(&rq, &key()).unwrap();
    assert_eq!(rq.get("refund_count"), Some("1"));
    assert_eq!(rq.get("refund_status_0"), Some("SUCCESS"));
    assert_eq!(rq.get("refund_id_0"), Some(refund_id.as_str()));
    assert_eq!(rq.get("refund_channel_0"), Some("ORIGINAL"));
    assert_eq!(query(&sim, &trade).get("trade_state"), Some("REFUND"));

    // Transfers: certificate, no signature on the answer.
    let mut f = Fields::new();
    for (k, v) in [
        ("mch_appid", APPID),
        ("mchid", MCH_ID),
        ("nonce_str", "abc"),
        ("partner_trade_no", "T1"),
        ("openid", "oUser"),
        ("check_name", "NO_CHECK"),
        ("amount", "100"),
        ("desc", "prize"),
        ("spbill_create_ip", "127.0.0.1"),
    ] {
        f.insert(k, v);
    }
    let sign = wxpay::sign::sign(f.as_slice(), &key(), Some(MD5)).unwrap();
    f.insert("sign", sign.as_str());
    let body = wxpay::xml::build(f.as_slice()).unwrap();
    let r = sim.connect_cert().request("POST", "mmpaymkttransfers/promotion/transfers", body.as_bytes()).unwrap();
    let t = wxpay::xml::parse(&r.body).unwrap();
    assert_eq!(t.get("result_code"), Some("SUCCESS"), "{t:?}");
    assert!(t.get("payment_no").is_some());
    assert!(t.get("sign").is_none());
}

fn self_signed() -> (X509, PKey<openssl::pkey::Private>) {
    let key = PKey::from_rsa(openssl::rsa::Rsa::generate(2048).unwrap()).unwrap();
    let mut name = openssl::x509::X509NameBuilder::new().unwrap();
    name.append_entry_by_text("CN", "MmpaymchCA").unwrap();
    let name = name.build();
    let mut b = X509::builder().unwrap();
    b.set_version(2).unwrap();
    b.set_subject_name(&name).unwrap();
    b.set_issuer_name(&name).unwrap();
    b.set_pubkey(&key).unwrap();
    b.set_not_before(&openssl::asn1::Asn1Time::days_from_now(0).unwrap()).unwrap();
    b.set_not_after(&openssl::asn1::Asn1Time::days_from_now(30).unwrap()).unwrap();
    b.sign(&key, openssl::hash::MessageDigest::sha256()).unwrap();
    (b.build(), key)
}

fn arm(sim: &Sim, query: &str) {
    let j = sim.control("POST", &format!("sim/fault?{query}"));
    assert!(j.get("error").is_none(), "{j}");
}

fn raw_query(sim: &Sim, conn: &mut harness::Conn) -> std::io::Result<harness::Response> {
    let body = harness::signed_request(&[("out_trade_no", "nothing")], MD5, &key());
    let _ = sim;
    conn.request("POST", "pay/orderquery", body.as_bytes())
}

#[test]
fn every_fault_kind_has_its_effect() {
    let sim = Sim::start(&[]);

    arm(&sim, "kind=reset&path=pay/orderquery");
    assert!(raw_query(&sim, &mut sim.connect()).is_err(), "reset must close without a response");

    arm(&sim, "kind=http500&path=*&count=2");
    assert_eq!(raw_query(&sim, &mut sim.connect()).unwrap().status, 500);
    assert_eq!(raw_query(&sim, &mut sim.connect()).unwrap().status, 500);
    assert_eq!(raw_query(&sim, &mut sim.connect()).unwrap().status, 200, "count=2 is used up");

    arm(&sim, "kind=garbled&path=pay/orderquery");
    let g = raw_query(&sim, &mut sim.connect()).unwrap();
    assert_eq!(g.status, 200);
    assert!(wxpay::xml::parse(&g.body).is_err());

    arm(&sim, "kind=badsign&path=pay/orderquery");
    let b = query_unverified(&sim);
    assert_eq!(b.get("return_code"), Some("SUCCESS"));
    assert_eq!(verify(&b, &key()).unwrap_err().kind(), ErrorKind::SignatureMismatch);

    arm(&sim, "kind=nosign&path=pay/orderquery");
    let n = query_unverified(&sim);
    assert_eq!(n.get("return_code"), Some("SUCCESS"));
    assert!(n.get("sign").is_none());

    arm(&sim, "kind=returnfail&path=pay/orderquery");
    let f = query_unverified(&sim);
    assert_eq!(f.get("return_code"), Some("FAIL"));
    assert!(!f.get("return_msg").unwrap_or("").is_empty());

    arm(&sim, "kind=systemerror&path=pay/orderquery");
    let s = query_unverified(&sim);
    assert_eq!(s.get("result_code"), Some("FAIL"));
    assert_eq!(s.get("err_code"), Some("SYSTEMERROR"));
    verify(&s, &key()).unwrap();

    // Delay: a client that waits less than the delay gets no answer in time;
    // one that waits gets a normal answer.
    arm(&sim, "kind=delay&path=pay/orderquery&ms=3000");
    let mut impatient = sim.connect();
    impatient.stream.get_ref().set_read_timeout(Some(Duration::from_millis(300))).unwrap();
    let e = raw_query(&sim, &mut impatient).unwrap_err();
    assert!(matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut), "{e:?}");
    arm(&sim, "kind=delay&path=pay/orderquery&ms=200");
    assert_eq!(query_unverified(&sim).get("return_code"), Some("SUCCESS"));

    // A fault on another path leaves this one alone; faults are listed, and reset clears them.
    arm(&sim, "kind=http500&path=pay/closeorder&count=5");
    assert_eq!(query_unverified(&sim).get("return_code"), Some("SUCCESS"));
    assert_eq!(sim.control("GET", "sim/faults")[0]["remaining"], 5);
    sim.control("POST", "sim/reset");
    assert_eq!(sim.control("GET", "sim/faults").as_array().unwrap().len(), 0);
    let bad = sim.control("POST", "sim/fault?kind=explode");
    assert!(bad["error"].as_str().unwrap().contains("kind"));
}

#[test]
fn faults_by_attach_field() {
    let sim = Sim::start(&[]);
    let order = |attach: &str| {
        let body = harness::signed_request(
            &[
                ("body", "b"),
                ("out_trade_no", &no("att")),
                ("total_fee", "1"),
                ("spbill_create_ip", "127.0.0.1"),
                ("notify_url", "http://127.0.0.1:9/n"),
                ("trade_type", "APP"),
                ("attach", attach),
            ],
            MD5,
            &key(),
        );
        sim.connect().request("POST", "pay/unifiedorder", body.as_bytes())
    };
    assert!(order("sim:fault=reset").is_err());
    assert_eq!(order("sim:fault=http500").unwrap().status, 500);
    assert!(wxpay::xml::parse(&order("sim:fault=garbled").unwrap().body).is_err());
    let parse = |r: harness::Response| wxpay::xml::parse(&r.body).unwrap();
    let b = parse(order("sim:fault=badsign").unwrap());
    assert_eq!(verify(&b, &key()).unwrap_err().kind(), ErrorKind::SignatureMismatch);
    assert!(b.get("prepay_id").is_some());
    assert!(parse(order("sim:fault=nosign").unwrap()).get("sign").is_none());
    assert_eq!(parse(order("sim:fault=returnfail").unwrap()).get("return_code"), Some("FAIL"));
    assert_eq!(parse(order("sim:fault=systemerror").unwrap()).get("err_code"), Some("SYSTEMERROR"));
    assert_eq!(parse(order("sim:fault=delay:50").unwrap()).get("result_code"), Some("SUCCESS"));
    assert_eq!(parse(order("sim:fault=nonsense").unwrap()).get("return_code"), Some("FAIL"));
    assert_eq!(parse(order("an ordinary attach").unwrap()).get("result_code"), Some("SUCCESS"));
}

fn query_unverified(sim: &Sim) -> Fields {
    sim.call("pay/orderquery", &[("out_trade_no", "nothing")], MD5)
}

/// A tiny loopback HTTP server: answers FAIL `fails` times, then SUCCESS.
struct Listener {
    url: String,
    bodies: Arc<Mutex<Vec<String>>>,
    hits: Arc<AtomicUsize>,
}

fn listen(fails: usize) -> Listener {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://127.0.0.1:{}/wx/notify", listener.local_addr().unwrap().port());
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let hits = Arc::new(AtomicUsize::new(0));
    let (b, h) = (Arc::clone(&bodies), Arc::clone(&hits));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
            let Some(body) = read_http_body(&mut s) else { continue };
            b.lock().unwrap().push(body);
            let n = h.fetch_add(1, Ordering::SeqCst);
            let answer = if n < fails {
                "<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA[busy]]></return_msg></xml>"
            } else {
                "<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>"
            };
            let _ =
                write!(s, "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}", answer.len());
        }
    });
    Listener { url, bodies, hits }
}

fn read_http_body(s: &mut std::net::TcpStream) -> Option<String> {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = s.read(&mut buf).ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&data).into_owned();
        if let Some(end) = text.find("\r\n\r\n") {
            let len = text[..end]
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>())
                })?
                .ok()?;
            if data.len() >= end + 4 + len {
                return Some(String::from_utf8_lossy(&data[end + 4..end + 4 + len]).into_owned());
            }
        }
    }
}

fn deliveries(sim: &Sim, trade: &str) -> Vec<serde_json::Value> {
    sim.control("GET", &format!("sim/notifications?out_trade_no={trade}")).as_array().unwrap().clone()
}

#[test]
fn payment_notification_is_retried_until_acknowledged_then_stops() {
    let sim = Sim::start(&["--notify-scale", "0.001"]);
    let merchant = listen(2);
    let trade = no("notify");
    let r = unified(&sim, &trade, &merchant.url, HMAC);
    assert_eq!(r.get("result_code"), Some("SUCCESS"));
    sim.control("POST", &format!("sim/pay?out_trade_no={trade}"));

    let d = eventually(60, || {
        let list = deliveries(&sim, &trade);
        (list.len() == 1 && list[0]["state"] == "delivered").then(|| list[0].clone())
    });
    assert_eq!(d["kind"], "pay");
    assert_eq!(d["attempt_count"], 3);
    let attempts = d["attempts"].as_array().unwrap();
    assert_eq!(attempts[0]["acknowledged"], false);
    assert_eq!(attempts[2]["acknowledged"], true);

    // Once the delivery's task has ended nothing more can arrive: the
    // acknowledged third attempt must have been the last.
    let d = eventually(60, || {
        let list = deliveries(&sim, &trade);
        (list[0]["finished"] == true).then(|| list[0].clone())
    });
    assert_eq!(d["attempt_count"], 3);
    assert_eq!(merchant.hits.load(Ordering::SeqCst), 3);

    let bodies = merchant.bodies.lock().unwrap();
    assert!(bodies.iter().all(|b| b == &bodies[0]), "every retry carries the same notification");
    let n = wxpay::xml::parse(bodies[0].as_bytes()).unwrap();
    assert_eq!(verify(&n, &key()).unwrap(), HMAC, "signed as the order was");
    assert_eq!(n.get("out_trade_no"), Some(trade.as_str()));
    assert_eq!(n.get("result_code"), Some("SUCCESS"));
    assert_eq!(n.get("total_fee"), Some("101"));
    assert_eq!(n.get("transaction_id"), query(&sim, &trade).get("transaction_id"));
}

#[test]
fn refund_notification_carries_encrypted_req_info() {
    let sim = Sim::start(&["--notify-scale", "0.001"]);
    let merchant = listen(0);
    let trade = no("rn");
    unified(&sim, &trade, &merchant.url, MD5);
    sim.control("POST", &format!("sim/pay?out_trade_no={trade}"));
    let r = sim.call_cert(
        "secapi/pay/refund",
        &[("out_trade_no", &trade), ("out_refund_no", "RN1"), ("total_fee", "101"), ("refund_fee", "101")],
        MD5,
    );
    assert_eq!(r.get("result_code"), Some("SUCCESS"));
    eventually(60, || (merchant.hits.load(Ordering::SeqCst) >= 2).then_some(()));
    let list = eventually(60, || {
        let l = deliveries(&sim, &trade);
        l.iter().all(|d| d["state"] == "delivered").then_some(l)
    });
    assert_eq!(list.len(), 2);
    let bodies = merchant.bodies.lock().unwrap();
    let refund =
        bodies.iter().map(|b| wxpay::xml::parse(b.as_bytes()).unwrap()).find(|f| f.contains("req_info")).unwrap();
    assert_eq!(refund.get("return_code"), Some("SUCCESS"));
    let sealed = base64::engine::general_purpose::STANDARD.decode(refund.get("req_info").unwrap()).unwrap();
    let md5 = openssl::hash::hash(openssl::hash::MessageDigest::md5(), KEY.as_bytes()).unwrap();
    let hex: String = md5.iter().map(|b| format!("{b:02x}")).collect();
    let plain = openssl::symm::decrypt(openssl::symm::Cipher::aes_256_ecb(), hex.as_bytes(), None, &sealed).unwrap();
    let plain = String::from_utf8(plain).unwrap();
    assert!(plain.starts_with("<root>") && plain.ends_with("</root>"), "{plain}");
    let as_xml = format!("<xml>{}</xml>", &plain[6..plain.len() - 7]);
    let inner = wxpay::xml::parse(as_xml.as_bytes()).unwrap();
    assert_eq!(inner.get("out_refund_no"), Some("RN1"));
    assert_eq!(inner.get("refund_fee"), Some("101"));
    assert_eq!(inner.get("refund_status"), Some("SUCCESS"));
    assert_eq!(inner.get("refund_id"), r.get("refund_id"));
    assert!(inner.contains("refund_recv_accout"));
}

#[test]
fn micropay_auth_codes_behave_as_documented() {
    let sim = Sim::start(&["--micropay-polls", "2"]);
    let paid = micropay(&sim, &no("mp"), "130012345678901234");
    assert_eq!(paid.get("result_code"), Some("SUCCESS"));
    assert_eq!(paid.get("trade_type"), Some("MICROPAY"));

    let t = no("mp");
    let r = micropay(&sim, &t, "134612345678901234");
    assert_eq!(r.get("err_code"), Some("USERPAYING"));
    assert_eq!(query(&sim, &t).get("trade_state"), Some("USERPAYING"));
    assert_eq!(query(&sim, &t).get("trade_state"), Some("SUCCESS"));

    let t = no("mp");
    assert_eq!(micropay(&sim, &t, "134712345678901234").get("err_code"), Some("USERPAYING"));
    for _ in 0..5 {
        assert_eq!(query(&sim, &t).get("trade_state"), Some("USERPAYING"));
    }
    let rev = sim.call_cert("secapi/pay/reverse", &[("out_trade_no", &t)], MD5);
    verify(&rev, &key()).unwrap();
    assert_eq!((rev.get("result_code"), rev.get("recall")), (Some("SUCCESS"), Some("N")));
    assert_eq!(query(&sim, &t).get("trade_state"), Some("REVOKED"));

    let t = no("mp");
    micropay(&sim, &t, "134512345678901234");
    let first = sim.call_cert("secapi/pay/reverse", &[("out_trade_no", &t)], MD5);
    assert_eq!((first.get("result_code"), first.get("recall")), (Some("FAIL"), Some("Y")));
    let second = sim.call_cert("secapi/pay/reverse", &[("out_trade_no", &t)], MD5);
    assert_eq!((second.get("result_code"), second.get("recall")), (Some("SUCCESS"), Some("N")));

    let t = no("mp");
    assert_eq!(micropay(&sim, &t, "134212345678901234").get("err_code"), Some("SYSTEMERROR"));
    assert_eq!(query(&sim, &t).get("trade_state"), Some("SUCCESS"));
    assert_eq!(micropay(&sim, &no("mp"), "134012345678901234").get("err_code"), Some("NOTENOUGH"));
    assert_eq!(micropay(&sim, &no("mp"), "134112345678901234").get("err_code"), Some("AUTHCODEEXPIRE"));
    assert_eq!(micropay(&sim, &no("mp"), "990012345678901234").get("err_code"), Some("AUTH_CODE_INVALID"));
    assert_eq!(micropay(&sim, &no("mp"), "13001234").get("err_code"), Some("AUTH_CODE_INVALID"));
}

fn bill_request(sim: &Sim, date: &str, tar: Option<&str>) -> harness::Response {
    let mut fields = vec![("bill_date", date), ("bill_type", "ALL")];
    if let Some(t) = tar {
        fields.push(("tar_type", t));
    }
    let body = harness::signed_request(&fields, MD5, &key());
    sim.connect().request("POST", "pay/downloadbill", body.as_bytes()).unwrap()
}

#[test]
fn downloadbill_plain_and_gzip() {
    let sim = Sim::start(&[]);
    let trade = no("bill");
    unified(&sim, &trade, "http://127.0.0.1:9/n", MD5);
    sim.control("POST", &format!("sim/pay?out_trade_no={trade}"));
    sim.call_cert(
        "secapi/pay/refund",
        &[("out_trade_no", &trade), ("out_refund_no", "B1"), ("total_fee", "101"), ("refund_fee", "1")],
        MD5,
    );
    // Bills are per Beijing day: the day of the order's time_end.
    let today = query(&sim, &trade).get("time_end").unwrap()[..8].to_owned();

    let plain = bill_request(&sim, &today, None);
    assert_eq!(plain.status, 200);
    assert!(plain.content_type.starts_with("text/plain"));
    let text = String::from_utf8(plain.body.clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("交易时间,公众账号ID,商户号"));
    let rows: Vec<&&str> = lines.iter().filter(|l| l.contains(&trade)).collect();
    assert_eq!(rows.len(), 2, "{text}");
    assert!(rows.iter().all(|r| r.starts_with('`')));
    assert!(rows.iter().any(|r| r.contains("`SUCCESS,")));
    assert!(rows.iter().any(|r| r.contains("`REFUND,")));
    assert!(rows[0].split(",`").count() == lines[0].split(',').count());
    assert!(lines[lines.len() - 2].starts_with("总交易单数"));
    let summary: Vec<&str> = lines[lines.len() - 1].split(',').collect();
    assert_eq!(summary[0], "`2");
    assert_eq!(summary[1], "`1.01");
    assert_eq!(summary[2], "`0.01");

    let gz = bill_request(&sim, &today, Some("GZIP"));
    assert_eq!(gz.status, 200);
    assert_eq!(&gz.body[..2], &[0x1f, 0x8b]);
    let mut unzipped = String::new();
    flate2::read::GzDecoder::new(&gz.body[..]).read_to_string(&mut unzipped).unwrap();
    assert_eq!(unzipped, text);

    let none = wxpay::xml::parse(&bill_request(&sim, "20200101", None).body).unwrap();
    assert_eq!(none.get("return_code"), Some("FAIL"));
    assert_eq!(none.get("return_msg"), Some("No Bill Exist"));
    assert_eq!(none.get("error_code"), Some("20002"));
    let bad = wxpay::xml::parse(&bill_request(&sim, "20231345", None).body).unwrap();
    assert_eq!(bad.get("return_msg"), Some("invalid bill_date"));
    assert_eq!(bad.get("error_code"), Some("20001"));
    let bad_tar = wxpay::xml::parse(&bill_request(&sim, &today, Some("ZIP")).body).unwrap();
    assert_eq!((bad_tar.get("return_code"), bad_tar.get("error_code")), (Some("FAIL"), Some("20001")));

    // The fund flow: certificate and HMAC-SHA256 only.
    let flow = [("bill_date", today.as_str()), ("account_type", "Basic")];
    let md5 = sim.call_cert("pay/downloadfundflow", &flow, MD5);
    assert!(md5.get("return_msg").unwrap().contains("HMAC-SHA256"));
    let body = harness::signed_request(&flow, HMAC, &key());
    let r = sim.connect_cert().request("POST", "pay/downloadfundflow", body.as_bytes()).unwrap();
    let text = String::from_utf8(r.body).unwrap();
    assert!(text.starts_with("记账时间"), "{text}");
    assert!(text.contains("资金流水总笔数"));
    for (account, code) in [("Fees", "20002"), ("Savings", "20001")] {
        let body = harness::signed_request(&[("bill_date", today.as_str()), ("account_type", account)], HMAC, &key());
        let r = sim.connect_cert().request("POST", "pay/downloadfundflow", body.as_bytes()).unwrap();
        let f = wxpay::xml::parse(&r.body).unwrap();
        assert_eq!((f.get("return_code"), f.get("error_code")), (Some("FAIL"), Some(code)), "{account}");
    }
    let no_cert = sim.connect().request("POST", "pay/downloadfundflow", body.as_bytes()).unwrap();
    assert_eq!(wxpay::xml::parse(&no_cert.body).unwrap().get("return_code"), Some("FAIL"));
}

#[test]
fn sandbox_uses_its_own_key_and_md5_only() {
    let sim = Sim::start(&[]);
    let mut f = Fields::new();
    f.insert("mch_id", MCH_ID);
    f.insert("nonce_str", "n1");
    let sign = wxpay::sign::sign(f.as_slice(), &key(), Some(MD5)).unwrap();
    f.insert("sign", sign.as_str());
    let r = sim
        .connect()
        .request("POST", "xdc/apiv2getsignkey/sign/getsignkey", wxpay::xml::build(f.as_slice()).unwrap().as_bytes())
        .unwrap();
    let k = wxpay::xml::parse(&r.body).unwrap();
    assert_eq!(k.get("return_code"), Some("SUCCESS"));
    assert!(k.get("sign").is_none());
    let sandbox_key = k.get("sandbox_signkey").unwrap();
    assert_eq!(sandbox_key.len(), 32);
    let sandbox_key = wxpay::ApiKey::new(sandbox_key.as_bytes()).unwrap();

    let order = [
        ("body", "sandbox"),
        ("out_trade_no", "SB1"),
        ("total_fee", "101"),
        ("spbill_create_ip", "127.0.0.1"),
        ("notify_url", "http://127.0.0.1:9/n"),
        ("trade_type", "APP"),
    ];
    let body = harness::signed_request(&order, MD5, &sandbox_key);
    let r =
        wxpay::xml::parse(&sim.connect().request("POST", "xdc/apiv2sandbox/pay/unifiedorder", body.as_bytes()).unwrap().body)
            .unwrap();
    assert_eq!(r.get("result_code"), Some("SUCCESS"), "{r:?}");
    wxpay::sign::verify(r.as_slice(), &sandbox_key, None).unwrap();
    assert!(verify(&r, &key()).is_err());

    // The live key does not sign sandbox calls, HMAC is refused, and live does not see sandbox orders.
    let live_signed = sim.call("xdc/apiv2sandbox/pay/orderquery", &[("out_trade_no", "SB1")], MD5);
    assert_eq!(live_signed.get("return_code"), Some("FAIL"));
    let hmac = harness::signed_request(&[("out_trade_no", "SB1")], HMAC, &sandbox_key);
    let r =
        wxpay::xml::parse(&sim.connect().request("POST", "xdc/apiv2sandbox/pay/orderquery", hmac.as_bytes()).unwrap().body)
            .unwrap();
    assert!(r.get("return_msg").unwrap().contains("MD5"));
    assert_eq!(query(&sim, "SB1").get("err_code"), Some("ORDERNOTEXIST"));

    // The retired gateway is gone, as WeChat's is: its key endpoint and its paths answer 404.
    for path in ["sandboxnew/pay/getsignkey", "sandboxnew/pay/orderquery"] {
        assert_eq!(sim.connect().request("POST", path, body.as_bytes()).unwrap().status, 404, "{path}");
    }
}

#[test]
fn many_keep_alive_connections_in_parallel() {
    // WXPAY_SIM_LOAD=10000 runs the full load merchants' suites use (8 x 10,000).
    let per_thread: usize = std::env::var("WXPAY_SIM_LOAD").ok().and_then(|v| v.parse().ok()).unwrap_or(100);
    let sim = Arc::new(Sim::start(&[]));
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let sim = Arc::clone(&sim);
            std::thread::spawn(move || {
                let mut conn = sim.connect();
                for i in 0..per_thread {
                    let trade = format!("KA{t}x{i}");
                    let st = if i % 2 == 0 { MD5 } else { HMAC };
                    let body = harness::signed_request(
                        &[
                            ("body", "b"),
                            ("out_trade_no", &trade),
                            ("total_fee", "1"),
                            ("spbill_create_ip", "127.0.0.1"),
                            ("notify_url", "http://127.0.0.1:9/n"),
                            ("trade_type", "APP"),
                        ],
                        st,
                        &key(),
                    );
                    let r = conn.request("POST", "pay/unifiedorder", body.as_bytes()).unwrap();
                    let f = wxpay::xml::parse(&r.body).unwrap();
                    assert_eq!(f.get("result_code"), Some("SUCCESS"));
                    assert_eq!(verify(&f, &key()).unwrap(), st);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(sim.control("GET", "sim/orders").as_array().unwrap().len(), 8 * per_thread);
}

#[test]
fn shutdown_by_control_call_and_by_sigterm() {
    let mut sim = Sim::start(&[]);
    let j = sim.control("POST", "sim/shutdown");
    assert_eq!(j["shutting_down"], true);
    assert!(sim.wait_for_exit().success());

    let mut sim = Sim::start(&[]);
    // An idle keep-alive connection must not hold the shutdown up.
    let _idle = sim.connect();
    assert_eq!(unsafe { libc::kill(sim.pid(), libc::SIGTERM) }, 0);
    assert!(sim.wait_for_exit().success());
}

#[test]
fn help_describes_faults_and_auth_codes() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wxpay-sim")).arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for needle in
        ["--notify-scale", "--micropay-polls", "1346", "1347", "sim:fault=", "systemerror", "/sim/notifications"]
    {
        assert!(text.contains(needle), "{needle}");
    }
    let bad =
        std::process::Command::new(env!("CARGO_BIN_EXE_wxpay-sim")).args(["--key", "tooshortsecret"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&bad.stderr).contains("tooshortsecret"));
}

#[test]
fn https_notify_url_with_the_simulators_own_certificate() {
    let sim = Sim::start(&["--notify-scale", "0.001"]);
    // The merchant's listener reuses server.pem, which the simulator's CA vouches for.
    let mut acceptor =
        openssl::ssl::SslAcceptor::mozilla_intermediate_v5(openssl::ssl::SslMethod::tls_server()).unwrap();
    acceptor.set_certificate(&X509::from_pem(&sim.file("server.pem")).unwrap()).unwrap();
    acceptor.set_private_key(&PKey::private_key_from_pem(&sim.file("server_key.pem")).unwrap()).unwrap();
    let acceptor = acceptor.build();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://localhost:{}/notify", listener.local_addr().unwrap().port());
    let received = Arc::new(Mutex::new(Vec::new()));
    let got = Arc::clone(&received);
    std::thread::spawn(move || {
        for tcp in listener.incoming().flatten() {
            let Ok(mut tls) = acceptor.accept(tcp) else { continue };
            let mut data = Vec::new();
            let mut buf = [0u8; 4096];
            while let Ok(n) = tls.read(&mut buf) {
                if n == 0 {
                    break;
                }
                data.extend_from_slice(&buf[..n]);
                if String::from_utf8_lossy(&data).contains("</xml>") {
                    break;
                }
            }
            got.lock().unwrap().push(String::from_utf8_lossy(&data).into_owned());
            let ok = "<xml><return_code>SUCCESS</return_code></xml>";
            let _ = write!(tls, "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{ok}", ok.len());
            let _ = tls.shutdown();
        }
    });
    let trade = no("https");
    unified(&sim, &trade, &url, MD5);
    sim.control("POST", &format!("sim/pay?out_trade_no={trade}"));
    let d = eventually(60, || {
        let l = deliveries(&sim, &trade);
        (l.len() == 1 && l[0]["state"] != "pending").then(|| l[0].clone())
    });
    assert_eq!(d["state"], "delivered", "{d}");
    assert_eq!(d["attempt_count"], 1);
    let received = received.lock().unwrap();
    assert!(received[0].starts_with("POST /notify HTTP/1.1"));
    assert!(received[0].contains(&trade));
}

#[test]
fn unanswered_notifications_give_up_after_the_whole_schedule() {
    // 0.00001 squeezes WeChat's day of retries into under a second.
    let sim = Sim::start(&["--notify-scale", "0.00001"]);
    let merchant = listen(usize::MAX);
    let trade = no("giveup");
    unified(&sim, &trade, &merchant.url, MD5);
    sim.control("POST", &format!("sim/pay?out_trade_no={trade}"));
    let d = eventually(120, || {
        let l = deliveries(&sim, &trade);
        (l.len() == 1 && l[0]["state"] != "pending").then(|| l[0].clone())
    });
    assert_eq!(d["state"], "gave_up");
    assert_eq!(d["attempt_count"], 16, "the first attempt and 15 retries");
    assert_eq!(merchant.hits.load(Ordering::SeqCst), 16);
    assert!(d["attempts"][0]["outcome"].as_str().unwrap().contains("return_code=FAIL"));

    // A notify_url off loopback is never contacted.
    let remote = no("remote");
    unified(&sim, &remote, "https://merchant.example.com/notify", MD5);
    sim.control("POST", &format!("sim/pay?out_trade_no={remote}"));
    let d = eventually(60, || {
        let l = deliveries(&sim, &remote);
        (l.len() == 1 && l[0]["state"] != "pending").then(|| l[0].clone())
    });
    assert_eq!(d["state"], "undeliverable");

    // Reset forgets orders and notifications.
    sim.control("POST", "sim/reset");
    assert_eq!(sim.control("GET", "sim/notifications").as_array().unwrap().len(), 0);
    assert_eq!(sim.control("GET", "sim/orders").as_array().unwrap().len(), 0);
    assert_eq!(query(&sim, &trade).get("err_code"), Some("ORDERNOTEXIST"));
    let again = sim.control("POST", &format!("sim/pay?out_trade_no={trade}"));
    assert!(again["error"].is_string());
}

#[test]
fn tools_endpoints() {
    let sim = Sim::start(&[]);
    let s = sim.call("tools/shorturl", &[("long_url", "weixin://wxpay/bizpayurl?pr=abc")], HMAC);
    assert_eq!(verify(&s, &key()).unwrap(), HMAC);
    assert!(s.get("short_url").unwrap().starts_with("weixin://wxpay/s/"));
    let code = "120061098828009406";
    let o = sim.call("tools/authcodetoopenid", &[("auth_code", code)], MD5);
    verify(&o, &key()).unwrap();
    let paid = micropay(&sim, &no("tool"), code);
    assert_eq!(o.get("openid"), paid.get("openid"));
    let bad = sim.call("tools/authcodetoopenid", &[("auth_code", "99")], MD5);
    assert_eq!(bad.get("err_code"), Some("AUTH_CODE_INVALID"));
}
