use super::*;
use crate::sign::sign;

const KEY: &[u8] = b"192006250b4c09247ec02edce69f6a2d";

fn key() -> ApiKey {
    ApiKey::new(KEY).unwrap()
}

fn merchant(key: &ApiKey) -> Merchant<'_> {
    Merchant { key, appid: Some("wx2421b1c4370ec43b"), mch_id: "10000100", sub_mch_id: None }
}

fn base() -> Vec<(String, String)> {
    [
        ("return_code", "SUCCESS"),
        ("appid", "wx2421b1c4370ec43b"),
        ("mch_id", "10000100"),
        ("nonce_str", "5d2b6c2a8db53831f7eda20af46e531c"),
        ("result_code", "SUCCESS"),
        ("openid", "oUpF8uMEb4qRXf22hE3X68TekukE"),
        ("trade_type", "JSAPI"),
        ("total_fee", "1"),
        ("transaction_id", "1004400740201409030005092168"),
        ("out_trade_no", "1409811653"),
        ("time_end", "20140903131540"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

fn signed(mut f: Vec<(String, String)>, t: Option<SignType>) -> Vec<(String, String)> {
    if let Some(t) = t {
        f.push(("sign_type".into(), t.as_str().into()));
    }
    let s = sign(&f, &key(), Some(t.unwrap_or(SignType::Md5))).unwrap();
    f.push(("sign".into(), s.as_str().into()));
    f
}

fn doc(f: &[(String, String)]) -> Vec<u8> {
    xml::build(f).unwrap().into_bytes()
}

fn kind(body: &[u8]) -> ErrorKind {
    let k = key();
    payment_notification(body, 1 << 20, &merchant(&k)).unwrap_err().kind()
}

#[test]
fn genuine_md5_and_inferred_hmac() {
    let k = key();
    let n = payment_notification(&doc(&signed(base(), None)), 1 << 20, &merchant(&k)).unwrap();
    assert!(n.paid);
    assert_eq!(n.sign_type, SignType::Md5);
    // HMAC-SHA256 signed, sign_type field dropped afterwards (as WeChat sometimes sends).
    let mut f = signed(base(), Some(SignType::HmacSha256));
    f.retain(|(k, _)| k != "sign_type");
    let hmac_without_type = sign(&f.iter().filter(|(k, _)| k != "sign").cloned().collect::<Vec<_>>(), &k, Some(SignType::HmacSha256)).unwrap();
    let last = f.len() - 1;
    f[last].1 = hmac_without_type.as_str().into();
    let n = payment_notification(&doc(&f), 1 << 20, &merchant(&k)).unwrap();
    assert_eq!(n.sign_type, SignType::HmacSha256);
    // The same body twice (a retry) verifies twice.
    let body = doc(&signed(base(), Some(SignType::HmacSha256)));
    assert_eq!(
        payment_notification(&body, 1 << 20, &merchant(&k)).unwrap(),
        payment_notification(&body, 1 << 20, &merchant(&k)).unwrap()
    );
}

#[test]
fn failed_payment_is_genuine_but_not_paid() {
    let mut f = base();
    f[4].1 = "FAIL".into();
    f.push(("err_code".into(), "NOTENOUGH".into()));
    let k = key();
    let n = payment_notification(&doc(&signed(f, None)), 1 << 20, &merchant(&k)).unwrap();
    assert!(!n.paid);
}

#[test]
fn forged_cases_each_have_their_own_error() {
    // No sign.
    assert_eq!(kind(&doc(&base())), ErrorKind::SignatureMissing);
    // Wrong sign (an amount changed after signing).
    let mut f = signed(base(), None);
    f[7].1 = "100000".into();
    assert_eq!(kind(&doc(&f)), ErrorKind::SignatureMismatch);
    // Wrong sign type: announced MD5 on a 64-character signature, and an unknown one.
    let mut f = signed(base(), Some(SignType::HmacSha256));
    let at = f.iter().position(|(k, _)| k == "sign_type").unwrap();
    f[at].1 = "MD5".into();
    assert_eq!(kind(&doc(&f)), ErrorKind::SignTypeMismatch);
    f[at].1 = "SHA1".into();
    assert_eq!(kind(&doc(&f)), ErrorKind::UnknownSignType);
    // Fields added after signing: a known one and an unknown one.
    let mut f = signed(base(), None);
    f.push(("attach".into(), "refund-me".into()));
    let k = key();
    let e = payment_notification(&doc(&f), 1 << 20, &merchant(&k)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::SignatureFieldsAdded);
    assert!(e.message().contains("attach"), "{}", e.message());
    let mut f = signed(base(), None);
    f.push(("x_paid".into(), "1".into()));
    f.push(("x_vip".into(), "1".into()));
    assert_eq!(kind(&doc(&f)), ErrorKind::SignatureFieldsAdded);
    // Past the diagnosis budget (32 KiB of hashing) a forged body is only a mismatch.
    let mut f = base();
    f.push(("attach".into(), "x".repeat(40 << 10)));
    let mut f = signed(f, None);
    f.push(("coupon_fee".into(), "100".into()));
    assert_eq!(kind(&doc(&f)), ErrorKind::SignatureMismatch);
    // Duplicated fields.
    let body = String::from_utf8(doc(&signed(base(), None))).unwrap();
    let dup = body.replace("</xml>", "<total_fee>100000</total_fee></xml>");
    assert_eq!(kind(dup.as_bytes()), ErrorKind::XmlDuplicate);
}

#[test]
fn other_merchant_and_protocol_failures() {
    let mut f = base();
    f[2].1 = "10000999".into();
    assert_eq!(kind(&doc(&signed(f, None))), ErrorKind::MerchantMismatch);
    let mut f = base();
    f[1].1 = "wx0000000000000000".into();
    assert_eq!(kind(&doc(&signed(f, None))), ErrorKind::MerchantMismatch);
    let fail = b"<xml><return_code>FAIL</return_code><return_msg>bad</return_msg></xml>";
    let k = key();
    let e = payment_notification(fail, 1 << 20, &merchant(&k)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ProtocolFail);
    assert_eq!(e.response().and_then(|r| r.get("return_msg")), Some("bad"));
    assert_eq!(kind(b"<xml><a>1</a></xml>"), ErrorKind::ResponseInvalid);
    // Signed with another key.
    let other = ApiKey::new(b"00000000000000000000000000000000").unwrap();
    assert_eq!(payment_notification(&doc(&signed(base(), None)), 1 << 20, &merchant(&other)).unwrap_err().kind(), ErrorKind::SignatureMismatch);
}

#[test]
fn replies() {
    assert_eq!(
        reply(true, None).unwrap(),
        "<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>"
    );
    let r = reply(false, Some("busy")).unwrap();
    let parsed = xml::parse(r.as_bytes()).unwrap();
    assert_eq!(parsed.get("return_code"), Some("FAIL"));
    assert_eq!(parsed.get("return_msg"), Some("busy"));
    assert_eq!(reply(false, Some("\u{1}")).unwrap_err().kind(), ErrorKind::InvalidFieldValue);
}

#[test]
fn req_info_errors_are_distinct() {
    let k = key();
    assert_eq!(decrypt_req_info("not base64!", &k, 1 << 20).unwrap_err().kind(), ErrorKind::CiphertextCorrupt);
    assert_eq!(decrypt_req_info("AAAA", &k, 1 << 20).unwrap_err().kind(), ErrorKind::CiphertextCorrupt);
    // 32 bytes of zeros: whole blocks, garbage padding under this key.
    let zeros = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    assert_eq!(decrypt_req_info(zeros, &k, 1 << 20).unwrap_err().kind(), ErrorKind::DecryptFailed);
    let outer = b"<xml><return_code>SUCCESS</return_code><appid>wx2421b1c4370ec43b</appid><mch_id>10000100</mch_id></xml>";
    assert_eq!(refund_notification(outer, 1 << 20, &merchant(&k)).unwrap_err().kind(), ErrorKind::ResponseInvalid);
}

#[test]
fn req_info_round_trip() {
    use openssl::symm::{Cipher, encrypt};
    let k = key();
    let aes_key = refund::tests_support_key(&k);
    let plain = "<root><out_refund_no><![CDATA[R1]]></out_refund_no><refund_recv_accout><![CDATA[支付用户零钱]]></refund_recv_accout></root>";
    let ct = encrypt(Cipher::aes_256_ecb(), &aes_key, None, plain.as_bytes()).unwrap();
    let b64 = openssl::base64::encode_block(&ct);
    let body = format!(
        "<xml><return_code>SUCCESS</return_code><appid>wx2421b1c4370ec43b</appid><mch_id>10000100</mch_id><req_info>{b64}</req_info></xml>"
    );
    let n = refund_notification(body.as_bytes(), 1 << 20, &merchant(&k)).unwrap();
    assert_eq!(n.info.get("out_refund_no"), Some("R1"));
    assert_eq!(n.info.get("refund_recv_accout"), Some("支付用户零钱"));
    assert_eq!(n.outer.get("mch_id"), Some("10000100"));
    let other = ApiKey::new(b"00000000000000000000000000000000").unwrap();
    assert_eq!(refund_notification(body.as_bytes(), 1 << 20, &merchant(&other)).unwrap_err().kind(), ErrorKind::DecryptFailed);
}
