//! Cash coupons (代金券) through `Client::request` against the simulator,
//! whose one stock is `1757`: a coupon sent to a user, the stock and the
//! coupon queried, and the refusals.

#[path = "sim/harness.rs"]
#[allow(dead_code)]
mod harness;

use harness::{APPID, Sim, no};
use wxpay::{Client, ErrorKind};

#[test]
fn a_coupon_is_sent_and_queried() {
    let sim = Sim::start(&[]);
    let client = Client::new(&sim.cert_config()).unwrap();
    let trade_no = no("CP");
    let send = [("coupon_stock_id", "1757"), ("openid_count", "1"), ("partner_trade_no", trade_no.as_str()), ("openid", "oUser1")];
    let sent = client.request("mmpaymkttransfers/send_coupon", &send).unwrap();
    assert_eq!(sent.get("ret_code"), Some("SUCCESS"));
    assert_eq!(sent.get("appid"), Some(APPID));
    let coupon_id = sent.get("coupon_id").unwrap().to_owned();
    assert_eq!(coupon_id.len(), 10);
    // The same partner_trade_no again is the same coupon.
    assert_eq!(client.request("mmpaymkttransfers/send_coupon", &send).unwrap().get("coupon_id"), Some(coupon_id.as_str()));

    let stock = client.request("mmpaymkttransfers/query_coupon_stock", &[("coupon_stock_id", "1757")]).unwrap();
    assert_eq!(stock.get("coupon_value"), Some("100"));
    assert_eq!(stock.get("coupon_stock_status"), Some("4"));
    assert_eq!(stock.get("is_send_num"), Some("1"));

    let info = client
        .request("mmpaymkttransfers/querycouponsinfo", &[("coupon_id", coupon_id.as_str()), ("openid", "oUser1"), ("stock_id", "1757")])
        .unwrap();
    assert_eq!(info.get("coupon_state"), Some("SENDED"));
    assert_eq!(info.get("coupon_value"), Some("100"));

    let e = client
        .request("mmpaymkttransfers/querycouponsinfo", &[("coupon_id", coupon_id.as_str()), ("openid", "oOther"), ("stock_id", "1757")])
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BusinessFail);
    assert_eq!(e.response().and_then(|r| r.get("err_code")), Some("COUPON_NOT_EXIST"));
    assert_eq!(e.response().and_then(|r| r.get("err_code_des")), Some("代金券不存在"));
    let e = client.request("mmpaymkttransfers/query_coupon_stock", &[("coupon_stock_id", "9")]).unwrap_err();
    assert_eq!(e.response().and_then(|r| r.get("err_code")), Some("COUPON_STOCK_ID_NOT_EXIST"));
    let e = client.request("mmpaymkttransfers/send_coupon", &[("coupon_stock_id", "1757")]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::MissingField);
}

#[test]
fn coupons_need_the_merchant_certificate() {
    let mut config = wxpay::Config::new();
    config.set_appid(APPID).unwrap().set_mch_id(harness::MCH_ID).unwrap().set_api_key(harness::key());
    let client = Client::new(&config).unwrap();
    let e = client.request("mmpaymkttransfers/query_coupon_stock", &[("coupon_stock_id", "1757")]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::CertificateRequired);
}
