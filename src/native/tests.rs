use super::*;

fn key() -> ApiKey {
    ApiKey::new(b"192006250b4c09247ec02edce69f6a2d").unwrap()
}

const APPID: &str = "wx2421b1c4370ec43b";
const MCH_ID: &str = "1900000109";

fn merchant(key: &ApiKey) -> Merchant<'_> {
    Merchant { key, appid: Some(APPID), mch_id: MCH_ID, sub_mch_id: None }
}

/// The query of a bizpay link as fields, in order.
fn query(url: &str) -> Vec<(String, String)> {
    let q = url.strip_prefix("weixin://wxpay/bizpayurl?").unwrap();
    q.split('&').map(|kv| kv.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())).unwrap()).collect()
}

#[test]
fn the_bizpay_link_is_signed_over_its_five_fields() {
    let url = bizpay_url(APPID, MCH_ID, "88888", 1414488825, "Wm3WZYTPz0wzccnW", &key()).unwrap();
    let q = query(&url);
    let names: Vec<&str> = q.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names, ["sign", "appid", "mch_id", "product_id", "time_stamp", "nonce_str"]);
    let signed: Vec<(&str, &str)> = q[1..].iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(q[0].1, sign::sign(&signed, &key(), Some(SignType::Md5)).unwrap().as_str());
    assert_eq!(sign::verify(&q.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect::<Vec<_>>(), &key(), None).unwrap(), SignType::Md5);
}

#[test]
fn the_bizpay_link_refuses_what_would_not_survive_a_url() {
    for product_id in ["", "a&b", "a=b", "a b", "a#b", "50%", "a+b", "a?b", "产品", &"x".repeat(33)] {
        let e = bizpay_url(APPID, MCH_ID, product_id, 1, "n", &key()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{product_id:?}");
    }
    assert_eq!(bizpay_url(APPID, MCH_ID, "p", 1, "", &key()).unwrap_err().kind(), ErrorKind::InvalidArgument);
}

fn callback(fields: &[(&str, &str)], key: &ApiKey) -> Vec<u8> {
    let mut f: Vec<(&str, String)> = fields.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
    let s = sign::sign(fields, key, Some(SignType::Md5)).unwrap();
    f.push(("sign", s.as_str().to_owned()));
    xml::build(&f).unwrap().into_bytes()
}

const SCAN: [(&str, &str); 6] = [
    ("appid", APPID),
    ("openid", "o8GeHuLAsgefS_80exEr1cTqekUs"),
    ("mch_id", MCH_ID),
    ("is_subscribe", "Y"),
    ("nonce_str", "5K8264ILTKCH16CQ2502SI8ZNMTM67VS"),
    ("product_id", "88888"),
];

#[test]
fn a_genuine_scan_callback_is_accepted_and_forgeries_are_not() {
    let k = key();
    let f = scan_callback(&callback(&SCAN, &k), xml::Limits::default(), &merchant(&k)).unwrap();
    assert_eq!(f.get("product_id"), Some("88888"));
    assert_eq!(f.get("openid"), Some("o8GeHuLAsgefS_80exEr1cTqekUs"));

    let other = ApiKey::new(b"00000000000000000000000000000000").unwrap();
    let e = scan_callback(&callback(&SCAN, &other), xml::Limits::default(), &merchant(&k)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::SignatureMismatch);
    assert!(e.message().starts_with("the scan callback"), "{}", e.message());
    let unsigned = xml::build(&SCAN).unwrap();
    assert_eq!(scan_callback(unsigned.as_bytes(), xml::Limits::default(), &merchant(&k)).unwrap_err().kind(), ErrorKind::SignatureMissing);
    let mut stranger = SCAN;
    stranger[2] = ("mch_id", "1900000999");
    let e = scan_callback(&callback(&stranger, &k), xml::Limits::default(), &merchant(&k)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::MerchantMismatch);
    let without_product: Vec<(&str, &str)> = SCAN.iter().copied().filter(|(n, _)| *n != "product_id").collect();
    let e = scan_callback(&callback(&without_product, &k), xml::Limits::default(), &merchant(&k)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ResponseInvalid);
}

#[test]
fn the_scan_reply_is_signed_with_the_prepay_id_or_a_failure() {
    let k = key();
    let ok = xml::parse(scan_reply(APPID, MCH_ID, Some("wx201410272009395522657a690389285100"), None, "n1", &k).unwrap().as_bytes()).unwrap();
    assert_eq!(ok.get("return_code"), Some("SUCCESS"));
    assert_eq!(ok.get("result_code"), Some("SUCCESS"));
    assert_eq!(ok.get("prepay_id"), Some("wx201410272009395522657a690389285100"));
    assert_eq!(sign::verify(ok.as_slice(), &k, None).unwrap(), SignType::Md5);
    let fail = xml::parse(scan_reply(APPID, MCH_ID, None, Some("售罄"), "n2", &k).unwrap().as_bytes()).unwrap();
    assert_eq!(fail.get("result_code"), Some("FAIL"));
    assert_eq!(fail.get("err_code_des"), Some("售罄"));
    assert_eq!(fail.get("prepay_id"), None);
    sign::verify(fail.as_slice(), &k, None).unwrap();
    assert_eq!(scan_reply(APPID, MCH_ID, Some(""), None, "n", &k).unwrap_err().kind(), ErrorKind::InvalidArgument);
}
