use md5::{Digest, Md5};

use super::*;

fn key() -> ApiKey {
    ApiKey::new(b"192006250b4c09247ec02edce69f6a2d").unwrap()
}

const APPID: &str = "wxcbda96de0b165486";
const MCH_ID: &str = "1200009811";
const BASE: &str = "https://api.mch.weixin.qq.com/";

fn merchant(key: &ApiKey) -> Merchant<'_> {
    Merchant { key, appid: Some(APPID), mch_id: MCH_ID, sub_mch_id: None }
}

fn link_fields(extra: &[(&str, &str)]) -> Fields {
    let mut f = Fields::new();
    for (k, v) in [
        ("appid", APPID),
        ("mch_id", MCH_ID),
        ("plan_id", "12535"),
        ("contract_code", "100000"),
        ("request_serial", "1000"),
        ("contract_display_account", "微信代扣 A&B"),
        ("notify_url", "https://shop.example/papay?from=wx&x=1"),
        ("version", "1.0"),
        ("timestamp", "1414488825"),
    ]
    .iter()
    .chain(extra)
    {
        f.insert(*k, *v);
    }
    f
}

#[test]
fn the_link_carries_every_field_encoded_and_an_md5_sign_over_the_raw_values() {
    let url = entrust_url(BASE, &link_fields(&[]), &key()).unwrap();
    let query = url.strip_prefix("https://api.mch.weixin.qq.com/papay/entrustweb?").unwrap();
    assert!(!query.contains(' ') && !query.contains("微信") && query.contains("notify_url=https%3A%2F%2Fshop.example"), "{query}");
    let decoded: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let names: Vec<&str> = decoded.iter().map(|(k, _)| k.as_str()).collect();
    let mut sorted = names[..names.len() - 1].to_vec();
    sorted.sort_unstable();
    assert_eq!(names[..names.len() - 1], sorted[..], "fields in name order, then sign");
    assert_eq!(names.last(), Some(&"sign"));
    let value = |n: &str| decoded.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
    assert_eq!(value("contract_display_account"), Some("微信代扣 A&B"));
    assert_eq!(value("notify_url"), Some("https://shop.example/papay?from=wx&x=1"));
    // The signature, computed here the way WeChat documents it.
    let canonical = "appid=wxcbda96de0b165486&contract_code=100000&contract_display_account=微信代扣 A&B\
        &mch_id=1200009811&notify_url=https://shop.example/papay?from=wx&x=1&plan_id=12535\
        &request_serial=1000&timestamp=1414488825&version=1.0&key=192006250b4c09247ec02edce69f6a2d";
    let expected: String = Md5::digest(canonical.as_bytes()).iter().map(|b| format!("{b:02X}")).collect();
    assert_eq!(value("sign"), Some(expected.as_str()));
}

#[test]
fn optional_fields_are_signed_and_empty_ones_left_out() {
    let url = entrust_url(BASE, &link_fields(&[("return_web", "1"), ("outerid", "")]), &key()).unwrap();
    let decoded: Vec<(String, String)> = form_urlencoded::parse(url.split_once('?').unwrap().1.as_bytes()).into_owned().collect();
    assert!(decoded.iter().any(|(k, v)| k == "return_web" && v == "1"));
    assert!(!decoded.iter().any(|(k, _)| k == "outerid"));
    let pairs: Vec<(&str, &str)> = decoded.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(sign::verify(&pairs, &key(), Some(SignType::Md5)).unwrap(), SignType::Md5);
}

#[test]
fn the_link_refuses_what_wechat_would() {
    for missing in ["appid", "plan_id", "contract_code", "request_serial", "contract_display_account", "notify_url", "version", "timestamp"] {
        let mut f = link_fields(&[]);
        f.insert(missing, "");
        let e = entrust_url(BASE, &f, &key()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::MissingField, "{missing}");
        assert!(e.message().contains(missing), "{}", e.message());
    }
    for (name, bad) in [("request_serial", "12a"), ("timestamp", "-1"), ("request_serial", &"9".repeat(20))] {
        let e = entrust_url(BASE, &link_fields(&[(name, bad)]), &key()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{name}={bad}");
    }
    for name in ["sign", "sign_type"] {
        let e = entrust_url(BASE, &link_fields(&[(name, "MD5")]), &key()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::ConflictingField, "{name}");
    }
}

fn notification(fields: &[(&str, &str)], key: &ApiKey) -> Vec<u8> {
    let mut f: Vec<(&str, String)> = fields.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
    let s = sign::sign(fields, key, Some(SignType::Md5)).unwrap();
    f.push(("sign", s.as_str().to_owned()));
    xml::build(&f).unwrap().into_bytes()
}

const SIGNED: [(&str, &str); 12] = [
    ("return_code", "SUCCESS"),
    ("return_msg", "OK"),
    ("result_code", "SUCCESS"),
    ("mch_id", MCH_ID),
    ("contract_code", "100000"),
    ("plan_id", "12535"),
    ("openid", "onqOjjmM1tad-3ROpncN-yUfa6uI"),
    ("change_type", "ADD"),
    ("operate_time", "2015-07-01 10:00:00"),
    ("contract_id", "Wx15463511252015071056489715"),
    ("contract_expired_time", "2016-07-01 10:00:00"),
    ("request_serial", "1000"),
];

#[test]
fn a_genuine_contract_notification_is_accepted() {
    let k = key();
    let n = contract_notification(&notification(&SIGNED, &k), xml::Limits::default(), &merchant(&k)).unwrap();
    assert_eq!(n.change, ContractChange::Signed);
    assert_eq!(n.fields.get("contract_id"), Some("Wx15463511252015071056489715"));
    assert!(n.fields.get("sign").is_some());
    let mut ended = SIGNED;
    ended[7] = ("change_type", "DELETE");
    let n = contract_notification(&notification(&ended, &k), xml::Limits::default(), &merchant(&k)).unwrap();
    assert_eq!(n.change, ContractChange::Ended);
}

#[test]
fn forged_foreign_and_incomplete_contract_notifications_are_refused() {
    let k = key();
    let other = ApiKey::new(b"00000000000000000000000000000000").unwrap();
    let check = |body: &[u8]| contract_notification(body, xml::Limits::default(), &merchant(&k)).unwrap_err().kind();
    assert_eq!(check(&notification(&SIGNED, &other)), ErrorKind::SignatureMismatch);
    let mut tampered = String::from_utf8(notification(&SIGNED, &k)).unwrap();
    tampered = tampered.replace("ADD", "DELETE");
    assert_eq!(check(tampered.as_bytes()), ErrorKind::SignatureMismatch);
    let mut foreign = SIGNED;
    foreign[3] = ("mch_id", "1900000109");
    assert_eq!(check(&notification(&foreign, &k)), ErrorKind::MerchantMismatch);
    for (at, field) in [(7, ("change_type", "MODIFY")), (2, ("result_code", "FAIL")), (9, ("contract_id", ""))] {
        let mut f = SIGNED;
        f[at] = field;
        assert_eq!(check(&notification(&f, &k)), ErrorKind::ResponseInvalid, "{field:?}");
    }
    let unsigned = xml::build(&SIGNED).unwrap();
    assert_eq!(check(unsigned.as_bytes()), ErrorKind::SignatureMissing);
    let failed = xml::build(&[("return_code", "FAIL"), ("return_msg", "签名失败")]).unwrap();
    assert_eq!(check(failed.as_bytes()), ErrorKind::ProtocolFail);
    assert_eq!(check(b"<xml><a>1</a><a>2</a></xml>"), ErrorKind::XmlDuplicate);
}
