//! Red packets through `Client::request` against the simulator: a cash red
//! packet sent, and the query whose answer nests who received it
//! (`<hblist><hbinfo>...</hbinfo></hblist>`), handed out as numbered fields.

#[path = "sim/harness.rs"]
#[allow(dead_code)]
mod harness;

use harness::{APPID, Sim, no};
use wxpay::endpoints::Retry;
use wxpay::pay_params::PayKind;
use wxpay::{Client, ErrorKind};

fn client(sim: &Sim) -> Client {
    Client::new(&sim.cert_config()).unwrap()
}

fn packet<'a>(billno: &'a str, amount: &'a str) -> [(&'a str, &'a str); 9] {
    [
        ("mch_billno", billno),
        ("send_name", "shop"),
        ("re_openid", "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"),
        ("total_amount", amount),
        ("total_num", "1"),
        ("wishing", "thanks"),
        ("client_ip", "127.0.0.1"),
        ("act_name", "launch"),
        ("remark", "r"),
    ]
}

#[test]
fn a_sent_red_packet_is_queried_with_its_receipt_as_numbered_fields() {
    let sim = Sim::start(&[]);
    let client = client(&sim);
    let billno = no("HB");
    let sent = client.request("mmpaymkttransfers/sendredpack", &packet(&billno, "150")).unwrap();
    assert_eq!(sent.get("mch_billno"), Some(billno.as_str()));
    assert_eq!(sent.get("wxappid"), Some(APPID));
    assert_eq!(sent.get("send_listid").map(str::len), Some(32));

    let info = client.request("mmpaymkttransfers/gethbinfo", &[("mch_billno", billno.as_str()), ("bill_type", "MCHT")]).unwrap();
    assert_eq!(info.get("status"), Some("RECEIVED"));
    assert_eq!(info.get("openid_0"), Some("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"));
    assert_eq!(info.get("amount_0"), Some("150"));
    assert_eq!(info.get("rcv_time_0"), info.get("send_time"));
    assert_eq!(info.get("openid_1"), None);
    assert_eq!(info.get("hblist"), None);

    // The same request again is the same packet; another amount under the same number is refused.
    let again = client.request("mmpaymkttransfers/sendredpack", &packet(&billno, "150")).unwrap();
    assert_eq!(again.get("send_listid"), sent.get("send_listid"));
    let e = client.request("mmpaymkttransfers/sendredpack", &packet(&billno, "160")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BusinessFail);
}

#[test]
fn red_packet_failures_are_business_failures_with_their_retry_answer() {
    let sim = Sim::start(&[]);
    let client = client(&sim);
    let e = client.request("mmpaymkttransfers/sendredpack", &packet(&no("HB"), "50")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BusinessFail, "{e}");
    assert_eq!(e.response().and_then(|r| r.get("err_code")), Some("MONEY_LIMIT"));
    assert_eq!(e.retry(), Retry::Final);
    let e = client.request("mmpaymkttransfers/gethbinfo", &[("mch_billno", "NOPE1"), ("bill_type", "MCHT")]).unwrap_err();
    assert_eq!(e.response().and_then(|r| r.get("err_code")), Some("NOT_FOUND"));
    assert_eq!(e.retry(), Retry::Final);
}

#[test]
fn only_gethbinfo_declares_records() {
    // The simulator nests only gethbinfo's answer; a nested answer from
    // anywhere else is refused, so the same body parsed as pay/orderquery's is.
    let doc = b"<xml><return_code>SUCCESS</return_code><hblist><hbinfo><amount>1</amount></hbinfo></hblist></xml>";
    assert_eq!(wxpay::xml::parse(doc).unwrap_err().kind(), ErrorKind::XmlNested);
    let records = wxpay::endpoints::lookup("mmpaymkttransfers/gethbinfo").unwrap().endpoint.records;
    assert!(records.is_some());
    for path in ["pay/orderquery", "mmpaymkttransfers/sendredpack", "pay/unknown"] {
        assert_eq!(wxpay::endpoints::lookup(path).unwrap().endpoint.records, None, "{path}");
    }
}

#[test]
fn a_mini_program_red_packet_is_opened_with_its_package_signed_md5() {
    let sim = Sim::start(&[]);
    // An HMAC-SHA256 client: the red packet's parameters are MD5 all the same.
    let mut config = sim.cert_config();
    config.set_sign_type(wxpay::SignType::HmacSha256);
    let client = Client::new(&config).unwrap();
    let billno = no("MP");
    let mut fields: Vec<(&str, &str)> = packet(&billno, "100").into_iter().filter(|(k, _)| *k != "client_ip").collect();
    let e = client.request("mmpaymkttransfers/sendminiprogramhb", &fields).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::MissingField, "notify_way is required");
    fields.push(("notify_way", "MINI_PROGRAM_JSAPI"));
    let sent = client.request("mmpaymkttransfers/sendminiprogramhb", &fields).unwrap();
    let package = sent.get("package").unwrap();
    assert!(package.starts_with("sendid=") && package.contains(&format!("&appid={APPID}")), "{package}");

    let params = client.pay_params(PayKind::RedPacket, package, None, Some(1_490_840_662), Some("n1")).unwrap();
    let names: Vec<&str> = params.iter().map(|(k, _)| k).collect();
    assert_eq!(names, ["timeStamp", "nonceStr", "package", "signType", "paySign"]);
    let encoded = params.get("package").unwrap();
    assert!(!encoded.contains(['&', '=']) && encoded.contains("%26appid%3D"), "{encoded}");
    let signed = [("appId", APPID), ("timeStamp", "1490840662"), ("nonceStr", "n1"), ("package", encoded)];
    let expected = wxpay::sign::sign(&signed, &harness::key(), Some(wxpay::SignType::Md5)).unwrap();
    assert_eq!(params.get("paySign"), Some(expected.as_str()));
    assert_eq!(params.get("signType"), Some("MD5"));
}
