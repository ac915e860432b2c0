//! Profit sharing through `Client::request` against the simulator, which
//! (as WeChat) takes HMAC-SHA256 only and refuses `appid` on the two
//! queries: a receiver added, a paid order split and queried, what is left
//! of it, and the refusals.

#[path = "sim/harness.rs"]
#[allow(dead_code)]
mod harness;


use harness::{Sim, no};
use wxpay::{Client, ErrorKind, Fields, SignType};

fn client(sim: &Sim) -> Client {
    let mut c = sim.cert_config();
    // Configured for MD5: the profit-sharing entries sign HMAC-SHA256 all the same.
    c.set_sign_type(SignType::Md5);
    Client::new(&c).unwrap()
}

/// A paid order of 1000 fen; its transaction_id.
fn paid_order(sim: &Sim, client: &Client) -> String {
    let trade_no = no("SPLIT");
    let order = [
        ("body", "split test"),
        ("out_trade_no", trade_no.as_str()),
        ("total_fee", "1000"),
        ("spbill_create_ip", "127.0.0.1"),
        ("notify_url", "https://127.0.0.1:9/notify"),
        ("trade_type", "NATIVE"),
        ("product_id", "P1"),
    ];
    client.request("pay/unifiedorder", &order).unwrap();
    sim.control("POST", &format!("/sim/pay?out_trade_no={trade_no}"));
    let q = client.request("pay/orderquery", &[("out_trade_no", trade_no.as_str())]).unwrap();
    assert_eq!(q.get("trade_state"), Some("SUCCESS"));
    q.get("transaction_id").unwrap().to_owned()
}

fn unsplit(client: &Client, transaction_id: &str) -> String {
    let r = client.request("pay/profitsharingorderamountquery", &[("transaction_id", transaction_id)]).unwrap();
    assert_eq!(r.get("transaction_id"), Some(transaction_id));
    r.get("unsplit_amount").unwrap().to_owned()
}

fn business_code(e: &wxpay::Error) -> Option<&str> {
    e.response().and_then(|r: &Fields| r.get("err_code"))
}

#[test]
fn a_paid_order_is_split_to_an_added_receiver_and_queried() {
    let sim = Sim::start(&[]);
    let client = client(&sim);
    let transaction_id = paid_order(&sim, &client);
    assert_eq!(unsplit(&client, &transaction_id), "1000");

    let receiver = r#"{"type":"MERCHANT_ID","account":"190001001","name":"示例商户全称","relation_type":"STORE_OWNER"}"#;
    let added = client.request("pay/profitsharingaddreceiver", &[("receiver", receiver)]).unwrap();
    assert_eq!(added.get("receiver"), Some(receiver));

    let out_order_no = no("P");
    let receivers = r#"[{"type":"MERCHANT_ID","account":"190001001","amount":300,"description":"分到商户"}]"#;
    let split = [("transaction_id", transaction_id.as_str()), ("out_order_no", out_order_no.as_str()), ("receivers", receivers)];
    let first = client.request("secapi/pay/multiprofitsharing", &split).unwrap();
    let order_id = first.get("order_id").unwrap().to_owned();
    // The same request again (a retry) is the same split, not a second one.
    let again = client.request("secapi/pay/multiprofitsharing", &split).unwrap();
    assert_eq!(again.get("order_id"), Some(order_id.as_str()));
    assert_eq!(unsplit(&client, &transaction_id), "700");

    let q = client
        .request("pay/profitsharingquery", &[("transaction_id", transaction_id.as_str()), ("out_order_no", out_order_no.as_str())])
        .unwrap();
    assert_eq!(q.get("order_id"), Some(order_id.as_str()));
    assert_eq!(q.get("status"), Some("FINISHED"));
    let list: serde_json::Value = serde_json::from_str(q.get("receivers").unwrap()).unwrap();
    assert_eq!(list[0]["account"], "190001001");
    assert_eq!(list[0]["amount"], 300);
    assert_eq!(list[0]["result"], "SUCCESS");

    // More than is left is refused; a single split then finishes the order.
    let too_much = r#"[{"type":"MERCHANT_ID","account":"190001001","amount":701,"description":"x"}]"#;
    let next = no("P");
    let e = client
        .request("secapi/pay/profitsharing", &[("transaction_id", transaction_id.as_str()), ("out_order_no", next.as_str()), ("receivers", too_much)])
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BusinessFail);
    assert_eq!(business_code(&e), Some("NOT_ENOUGH"));
    assert_eq!(e.retry(), wxpay::endpoints::Retry::Final);
    let rest = r#"[{"type":"MERCHANT_ID","account":"190001001","amount":100,"description":"x"}]"#;
    client
        .request("secapi/pay/profitsharing", &[("transaction_id", transaction_id.as_str()), ("out_order_no", next.as_str()), ("receivers", rest)])
        .unwrap();
    assert_eq!(unsplit(&client, &transaction_id), "0");
}

#[test]
fn a_receiver_not_added_is_refused_and_removing_one_takes_effect() {
    let sim = Sim::start(&[]);
    let client = client(&sim);
    let transaction_id = paid_order(&sim, &client);
    let receiver = r#"{"type":"PERSONAL_OPENID","account":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o","relation_type":"USER"}"#;
    client.request("pay/profitsharingaddreceiver", &[("receiver", receiver)]).unwrap();
    client.request("pay/profitsharingremovereceiver", &[("receiver", receiver)]).unwrap();
    let receivers = r#"[{"type":"PERSONAL_OPENID","account":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o","amount":10,"description":"x"}]"#;
    let out_order_no = no("P");
    let e = client
        .request("secapi/pay/profitsharing", &[("transaction_id", transaction_id.as_str()), ("out_order_no", out_order_no.as_str()), ("receivers", receivers)])
        .unwrap_err();
    assert_eq!(business_code(&e), Some("RECEIVER_INVALID"));
    assert_eq!(unsplit(&client, &transaction_id), "1000");
}

#[test]
fn the_simulator_refuses_md5_and_an_appid_where_wechat_does() {
    let sim = Sim::start(&[]);
    // harness::Sim::call signs as told and adds appid and mch_id, as a naive SDK would.
    let r = sim.call("pay/profitsharingorderamountquery", &[("transaction_id", "4200")], SignType::HmacSha256);
    assert_eq!(r.get("return_code"), Some("FAIL"));
    assert!(r.get("return_msg").unwrap().contains("appid"), "{r:?}");
    let r = sim.call("pay/profitsharingaddreceiver", &[("receiver", "{}")], SignType::Md5);
    assert_eq!(r.get("return_code"), Some("FAIL"));
    assert!(r.get("return_msg").unwrap().contains("HMAC-SHA256"), "{r:?}");
}

#[test]
fn an_order_is_finished_and_a_merchant_receiver_returns_money() {
    let sim = Sim::start(&[]);
    let client = client(&sim);
    let transaction_id = paid_order(&sim, &client);
    let receiver = r#"{"type":"MERCHANT_ID","account":"190001002","name":"示例商户全称","relation_type":"PARTNER"}"#;
    client.request("pay/profitsharingaddreceiver", &[("receiver", receiver)]).unwrap();
    let out_order_no = no("P");
    let receivers = r#"[{"type":"MERCHANT_ID","account":"190001002","amount":200,"description":"x"}]"#;
    let split = client
        .request("secapi/pay/multiprofitsharing", &[("transaction_id", transaction_id.as_str()), ("out_order_no", out_order_no.as_str()), ("receivers", receivers)])
        .unwrap();

    let finish = [("transaction_id", transaction_id.as_str()), ("out_order_no", out_order_no.as_str()), ("amount", "800"), ("description", "done")];
    client.request("secapi/pay/profitsharingfinish", &finish).unwrap();
    assert_eq!(unsplit(&client, &transaction_id), "0");
    let e = client.request("secapi/pay/profitsharingfinish", &finish).unwrap_err();
    assert_eq!(business_code(&e), Some("ORDER_FINISHED"));

    let out_return_no = no("R");
    let back = [
        ("order_id", split.get("order_id").unwrap()),
        ("out_return_no", out_return_no.as_str()),
        ("return_account_type", "MERCHANT_ID"),
        ("return_account", "190001002"),
        ("return_amount", "150"),
        ("description", "refund to the buyer"),
    ];
    let r = client.request("secapi/pay/profitsharingreturn", &back).unwrap();
    assert_eq!(r.get("result"), Some("SUCCESS"));
    assert_eq!(r.get("return_amount"), Some("150"));
    // A retry is the same return; more than the split gave is refused.
    let again = client.request("secapi/pay/profitsharingreturn", &back).unwrap();
    assert_eq!(again.get("return_no"), r.get("return_no"));
    let more_no = no("R");
    let mut more = back;
    more[1] = ("out_return_no", more_no.as_str());
    more[4] = ("return_amount", "51");
    assert_eq!(business_code(&client.request("secapi/pay/profitsharingreturn", &more).unwrap_err()), Some("NOT_ENOUGH"));

    let q = client
        .request("pay/profitsharingreturnquery", &[("out_order_no", out_order_no.as_str()), ("out_return_no", out_return_no.as_str())])
        .unwrap();
    assert_eq!(q.get("return_no"), r.get("return_no"));
    assert_eq!(q.get("return_amount"), Some("150"));
}
