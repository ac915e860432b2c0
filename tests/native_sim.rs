//! Native payment mode 1 (扫码支付模式一) end to end against the simulator:
//! `POST /sim/scan` plays the user who scans the merchant's signed link; the
//! merchant's scan URL (a `Listener`) verifies the callback, places the
//! NATIVE order and answers with its prepay_id; the simulator checks that
//! answer and pays the order. Then the refusals: a merchant that says no, a
//! forged or foreign link, and answers that do not hold.

#[path = "sim/harness.rs"]
#[allow(dead_code)]
mod harness;

use harness::{Listener, Sim, eventually, no};
use serde_json::Value;
use wxpay::{ApiKey, Client};

fn client(sim: &Sim) -> Client {
    Client::new(&sim.cert_config()).unwrap()
}

/// A client of this merchant signing with another key.
fn impostor(sim: &Sim) -> Client {
    let mut config = sim.cert_config();
    config.set_api_key(ApiKey::new(b"00000000000000000000000000000000").unwrap());
    Client::new(&config).unwrap()
}

/// `POST /sim/scan` of `link` with the merchant's scan URL `callback`.
fn scan(sim: &Sim, link: &str, callback: &str, pay: bool) -> (u16, Value) {
    let encode = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let mut call = format!("sim/scan?url={}&callback={}", encode(link), encode(callback));
    if pay {
        call.push_str("&pay=1");
    }
    sim.control_status("POST", &call)
}

/// Places a NATIVE order of `product_id` for `openid`: its out_trade_no and prepay_id.
fn place_order(client: &Client, product_id: &str, openid: &str) -> (String, String) {
    let out_trade_no = no("N");
    let order = client
        .request(
            "pay/unifiedorder",
            &[
                ("body", "扫码商品"),
                ("out_trade_no", out_trade_no.as_str()),
                ("total_fee", "101"),
                ("spbill_create_ip", "127.0.0.1"),
                ("notify_url", "http://127.0.0.1:9/notify"),
                ("trade_type", "NATIVE"),
                ("product_id", product_id),
                ("openid", openid),
            ],
        )
        .unwrap();
    (out_trade_no, order.get("prepay_id").unwrap().to_owned())
}

/// A merchant's scan URL that always answers with this prepay_id, signed by `client`.
fn offering(client: Client, prepay_id: &str) -> Listener {
    let prepay_id = prepay_id.to_owned();
    Listener::start(move |_| client.scan_reply(Some(&prepay_id), None).unwrap())
}

/// The merchant's scan URL: it verifies the callback, places the order of
/// the scanned product for the scanning user, and answers with its prepay_id.
fn selling_merchant(sim: &Sim) -> Listener {
    let client = client(sim);
    Listener::start(move |body| {
        let callback = match client.scan_callback(body) {
            Ok(f) => f,
            Err(e) => return wxpay::notify::reply(false, Some(&e.to_string())).unwrap(),
        };
        let (product_id, openid) = (callback.get("product_id").unwrap(), callback.get("openid").unwrap());
        let (_, prepay_id) = place_order(&client, product_id, openid);
        client.scan_reply(Some(&prepay_id), None).unwrap()
    })
}

fn error_of(answer: &Value) -> &str {
    answer["error"].as_str().unwrap_or_else(|| panic!("no error in {answer}"))
}

#[test]
fn a_scanned_code_is_ordered_by_the_merchant_and_paid() {
    let sim = Sim::start(&[]);
    let client = client(&sim);
    let merchant = selling_merchant(&sim);
    let link = client.bizpay_url("P-100", None, None).unwrap();

    let (status, paid) = scan(&sim, &link, &merchant.url, true);
    assert_eq!(status, 200, "{paid}");
    assert_eq!(paid["outcome"], "prepay", "{paid}");
    assert_eq!(paid["trade_state"], "SUCCESS", "{paid}");
    let out_trade_no = paid["out_trade_no"].as_str().unwrap();
    assert!(paid["prepay_id"].as_str().is_some_and(|id| id.starts_with("wx")), "{paid}");

    let callback = client.scan_callback(&merchant.bodies.lock().unwrap()[0]).unwrap();
    assert_eq!(callback.get("product_id"), Some("P-100"));
    assert_eq!(callback.get("is_subscribe"), Some("N"));
    let openid = callback.get("openid").unwrap().to_owned();
    let order = client.request("pay/orderquery", &[("out_trade_no", out_trade_no)]).unwrap();
    assert_eq!(order.get("trade_state"), Some("SUCCESS"));
    assert_eq!(order.get("trade_type"), Some("NATIVE"));
    assert_eq!(order.get("openid"), Some(openid.as_str()));

    // Without pay=1 the user only sees the order; the same product, the same user.
    let (status, seen) = scan(&sim, &link, &merchant.url, false);
    assert_eq!(status, 200, "{seen}");
    assert_eq!(seen["outcome"], "prepay", "{seen}");
    assert_eq!(seen.get("trade_state"), None, "{seen}");
    assert_ne!(seen["out_trade_no"], paid["out_trade_no"]);
    let unpaid = client.request("pay/orderquery", &[("out_trade_no", seen["out_trade_no"].as_str().unwrap())]).unwrap();
    assert_eq!(unpaid.get("trade_state"), Some("NOTPAY"));
    let again = client.scan_callback(&eventually(5, || merchant.bodies.lock().unwrap().get(1).cloned())).unwrap();
    assert_eq!(again.get("openid"), Some(openid.as_str()));
    assert_ne!(again.get("nonce_str"), callback.get("nonce_str"));
}

#[test]
fn a_refusing_merchant_shows_its_message_and_nothing_is_ordered() {
    let sim = Sim::start(&[]);
    let client = client(&sim);
    let link = client.bizpay_url("P-200", None, None).unwrap();
    let refusing = Listener::start(move |_| client.scan_reply(None, Some("sold out")).unwrap());
    let (status, answer) = scan(&sim, &link, &refusing.url, true);
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["outcome"], "refused", "{answer}");
    assert_eq!(answer["err_code_des"], "sold out", "{answer}");
    assert_eq!(sim.control("GET", "sim/orders"), serde_json::json!([]));
}

#[test]
fn a_forged_or_foreign_link_is_refused_before_the_merchant_is_called() {
    let sim = Sim::start(&[]);
    let client = client(&sim);
    let merchant = selling_merchant(&sim);
    let link = client.bizpay_url("P-300", None, None).unwrap();
    assert!(link.contains("product_id=P-300"), "{link}");

    let forged = link.replace("product_id=P-300", "product_id=P-301");
    let foreign = impostor(&sim).bizpay_url("P-300", None, None).unwrap();
    for bad in [&forged, &foreign] {
        let (status, answer) = scan(&sim, bad, &merchant.url, true);
        assert_eq!(status, 400, "{bad}: {answer}");
        assert!(error_of(&answer).contains("signature"), "{answer}");
    }
    let (status, answer) = scan(&sim, &link.replace("weixin://wxpay/", "https://example.com/"), &merchant.url, true);
    assert_eq!(status, 400, "{answer}");
    assert!(error_of(&answer).contains("bizpayurl"), "{answer}");
    let (status, answer) = scan(&sim, &link, "http://192.0.2.1/scan", true);
    assert_eq!(status, 400, "{answer}");
    assert!(error_of(&answer).contains("loopback"), "{answer}");
    assert_eq!(sim.control_status("POST", "sim/scan?callback=http://127.0.0.1:9/").0, 400);
    assert_eq!(sim.control_status("GET", "sim/scan").0, 405);
    assert!(merchant.bodies.lock().unwrap().is_empty(), "the merchant was called");
    assert_eq!(sim.control("GET", "sim/orders"), serde_json::json!([]));
}

#[test]
fn a_merchant_answer_that_does_not_hold_is_a_bad_gateway() {
    let sim = Sim::start(&[]);
    let ours = client(&sim);
    let link = ours.bizpay_url("P-400", None, None).unwrap();
    let openid = "oSimScanner";
    let check = |listener: &Listener, expected: &str| {
        let (status, answer) = scan(&sim, &link, &listener.url, true);
        assert_eq!(status, 502, "{answer}");
        assert!(error_of(&answer).contains(expected), "expected {expected:?} in {answer}");
    };

    let (_, genuine) = place_order(&ours, "P-400", openid);
    check(&offering(impostor(&sim), &genuine), "signature");
    check(&offering(client(&sim), "wx20990101000000aaaaaaaaaaaaaaaaaaaa"), "no order's");
    let (_, other_product) = place_order(&ours, "P-999", openid);
    check(&offering(client(&sim), &other_product), "`P-999`");
    let (paid_no, already_paid) = place_order(&ours, "P-400", openid);
    assert_eq!(sim.control("POST", &format!("sim/pay?out_trade_no={paid_no}"))["trade_state"], "SUCCESS");
    check(&offering(client(&sim), &already_paid), "not NOTPAY");
    check(&Listener::start(|_| "not xml".to_owned()), "not WeChat XML");
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let nobody = format!("http://127.0.0.1:{}/scan", closed.local_addr().unwrap().port());
    drop(closed);
    let (status, answer) = scan(&sim, &link, &nobody, true);
    assert_eq!(status, 502, "{answer}");
    assert!(error_of(&answer).contains("no answer"), "{answer}");

    // None of these paid anything.
    let orders = sim.control("GET", "sim/orders");
    let paid: Vec<&Value> = orders.as_array().unwrap().iter().filter(|o| o["trade_state"] != "NOTPAY").collect();
    assert_eq!(paid.len(), 1, "{orders}");
    assert_eq!(paid[0]["out_trade_no"], paid_no.as_str());
}
