//! Automatic deduction (委托代扣) against the simulator: the signing link
//! opened as the user's browser would, the contract notifications, a
//! deduction and its payment notification, the queries, the end of the
//! contract, and the refusals.

#[path = "sim/harness.rs"]
#[allow(dead_code)]
mod harness;

use harness::{Listener, Sim, eventually, no};
use wxpay::papay::ContractChange;
use wxpay::{Client, ErrorKind};

fn client(sim: &Sim) -> Client {
    Client::new(&sim.cert_config()).unwrap()
}

/// Opens a link to the simulator as a browser would; returns the status and the page.
fn open(sim: &Sim, url: &str) -> (u16, String) {
    let prefix = format!("https://127.0.0.1:{}/", sim.port);
    let path = url.strip_prefix(&prefix).unwrap_or_else(|| panic!("{url} is not on the simulator"));
    let r = sim.connect().request("GET", path, b"").unwrap();
    (r.status, String::from_utf8(r.body).unwrap())
}

fn nth_body(listener: &Listener, n: usize) -> Vec<u8> {
    eventually(30, || listener.bodies.lock().unwrap().get(n).cloned())
}

fn deduction<'a>(out_trade_no: &'a str, contract_id: &'a str, notify_url: &'a str) -> [(&'a str, &'a str); 7] {
    [
        ("body", "水电代扣"),
        ("out_trade_no", out_trade_no),
        ("total_fee", "888"),
        ("spbill_create_ip", "127.0.0.1"),
        ("notify_url", notify_url),
        ("trade_type", "PAP"),
        ("contract_id", contract_id),
    ]
}

#[test]
fn a_contract_is_signed_deducted_from_queried_and_ended() {
    let sim = Sim::start(&["--notify-scale", "0.001"]);
    let client = client(&sim);
    let ack = wxpay::notify::reply(true, None).unwrap();
    let listener = Listener::start(move |_| ack.clone());
    let code = no("C");
    let url = client
        .entrust_url(&[
            ("plan_id", "12535"),
            ("contract_code", code.as_str()),
            ("request_serial", "1000"),
            ("contract_display_account", "张三 (water & power)"),
            ("notify_url", listener.url.as_str()),
        ])
        .unwrap();
    let (status, page) = open(&sim, &url);
    assert_eq!(status, 200, "{page}");

    let signed = client.contract_notification(&nth_body(&listener, 0)).unwrap();
    assert_eq!(signed.change, ContractChange::Signed);
    assert_eq!(signed.fields.get("contract_code"), Some(code.as_str()));
    let contract_id = signed.fields.get("contract_id").unwrap().to_owned();
    assert!(page.contains(&contract_id), "{page}");

    let by_id = client.request("papay/querycontract", &[("contract_id", contract_id.as_str()), ("version", "1.0")]).unwrap();
    assert_eq!(by_id.get("contract_state"), Some("0"));
    assert_eq!(by_id.get("contract_display_account"), Some("张三 (water & power)"));
    assert_eq!(by_id.get("nonce_str"), None, "the contract queries carry no nonce");
    let by_code = client
        .request("papay/querycontract", &[("plan_id", "12535"), ("contract_code", code.as_str()), ("version", "1.0")])
        .unwrap();
    assert_eq!(by_code.get("contract_id"), Some(contract_id.as_str()));

    let trade = no("PAP");
    client.request("pay/pappayapply", &deduction(&trade, &contract_id, &listener.url)).unwrap();
    let paid = client.payment_notification(&nth_body(&listener, 1)).unwrap();
    assert!(paid.paid);
    assert_eq!(paid.fields.get("out_trade_no"), Some(trade.as_str()));
    assert_eq!(paid.fields.get("trade_type"), Some("PAP"));
    assert_eq!(paid.fields.get("openid"), signed.fields.get("openid"));
    let order = client.request("pay/paporderquery", &[("out_trade_no", trade.as_str())]).unwrap();
    assert_eq!(order.get("trade_state"), Some("SUCCESS"));
    assert_eq!(order.get("total_fee"), Some("888"));

    client
        .request(
            "papay/deletecontract",
            &[("contract_id", contract_id.as_str()), ("contract_termination_remark", "用户退订"), ("version", "1.0")],
        )
        .unwrap();
    let ended = client.contract_notification(&nth_body(&listener, 2)).unwrap();
    assert_eq!(ended.change, ContractChange::Ended);
    assert_eq!(ended.fields.get("contract_id"), Some(contract_id.as_str()));
    let after = client.request("papay/querycontract", &[("contract_id", contract_id.as_str()), ("version", "1.0")]).unwrap();
    assert_eq!(after.get("contract_state"), Some("1"));
    assert_eq!(after.get("contract_termination_remark"), Some("用户退订"));

    let e = client.request("pay/pappayapply", &deduction(&no("PAP"), &contract_id, &listener.url)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BusinessFail);
    assert_eq!(e.response().and_then(|r| r.get("err_code")), Some("CONTRACT_NOT_EXIST"));
}

#[test]
fn the_signing_page_refuses_a_tampered_or_foreign_link() {
    let sim = Sim::start(&[]);
    let fields = [
        ("plan_id", "12535"),
        ("contract_code", "T1"),
        ("request_serial", "7"),
        ("contract_display_account", "a"),
        ("notify_url", "http://127.0.0.1:9/notify"),
    ];
    let url = client(&sim).entrust_url(&fields).unwrap();
    let (status, page) = open(&sim, &url.replace("contract_code=T1", "contract_code=T2"));
    assert_eq!(status, 400);
    assert!(page.contains("signature"), "{page}");

    let mut config = sim.cert_config();
    config.set_api_key(wxpay::ApiKey::new(b"00000000000000000000000000000000").unwrap());
    let (status, page) = open(&sim, &Client::new(&config).unwrap().entrust_url(&fields).unwrap());
    assert_eq!(status, 400);
    assert!(page.contains("signature"), "{page}");

    // The genuine link signs; the same contract code again is refused while the contract runs.
    assert_eq!(open(&sim, &url).0, 200);
    let (status, page) = open(&sim, &url);
    assert_eq!(status, 400);
    assert!(page.contains("already"), "{page}");
}

#[test]
fn contract_calls_are_checked_before_anything_is_sent() {
    let sim = Sim::start(&[]);
    let client = client(&sim);
    let e = client.request("papay/querycontract", &[("contract_code", "c"), ("version", "1.0")]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::MissingField);
    let e = client.request("papay/querycontract", &[("contract_id", "Wx1")]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::MissingField, "version is required");
    let e = client.request("papay/deletecontract", &[("contract_id", "Wx1"), ("version", "1.0")]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::MissingField, "the remark is required");
    let e = client
        .request("papay/querycontract", &[("contract_id", "Wx1"), ("version", "1.0"), ("sign_type", "HMAC-SHA256")])
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ConflictingField);
    let e = client.request("pay/pappayapply", &deduction("P1", "", "http://127.0.0.1:9/n")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::MissingField);
    // An unknown contract is WeChat's business failure.
    let e = client.request("papay/querycontract", &[("contract_id", "Wx0"), ("version", "1.0")]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BusinessFail);
    assert_eq!(e.response().and_then(|r| r.get("err_code")), Some("CONTRACT_NOT_EXIST"));
    let mut config = wxpay::Config::new();
    config.set_mch_id(harness::MCH_ID).unwrap().set_api_key(harness::key());
    let no_appid = Client::new(&config).unwrap();
    assert_eq!(no_appid.entrust_url(&[("plan_id", "1")]).unwrap_err().kind(), ErrorKind::InvalidArgument);
}

#[test]
fn an_app_pre_signs_and_the_contract_is_notified() {
    let sim = Sim::start(&["--notify-scale", "0.001"]);
    let mut config = sim.cert_config();
    config.set_sign_type(wxpay::SignType::HmacSha256);
    let client = Client::new(&config).unwrap();
    let ack = wxpay::notify::reply(true, None).unwrap();
    let listener = Listener::start(move |_| ack.clone());
    let code = no("A");
    let timestamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs().to_string();
    let fields = [
        ("plan_id", "12535"),
        ("contract_code", code.as_str()),
        ("request_serial", "7"),
        ("contract_display_account", "app user"),
        ("notify_url", listener.url.as_str()),
        ("version", "1.0"),
        ("timestamp", timestamp.as_str()),
    ];
    let pre = client.request("papay/preentrustweb", &fields).unwrap();
    assert!(!pre.get("pre_entrustweb_id").unwrap_or("").is_empty(), "{pre:?}");
    let signed = client.contract_notification(&nth_body(&listener, 0)).unwrap();
    assert_eq!(signed.change, ContractChange::Signed);
    assert_eq!(signed.fields.get("contract_code"), Some(code.as_str()));
    let e = client.request("papay/preentrustweb", &fields[..6]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::MissingField, "timestamp is required");
}
