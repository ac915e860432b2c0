use super::*;
use crate::endpoints::lookup;

const KEY: &[u8] = b"Zq8sKd02mWx7Lr4Tv9Np3Yc6Hb1Jf5Ge";

fn key() -> ApiKey {
    ApiKey::new(KEY).unwrap()
}

fn signed(pairs: &[(&str, &str)], t: SignType) -> Vec<u8> {
    let mut f = Fields::from_pairs(pairs.iter().copied()).unwrap();
    let s = sign::sign(f.as_slice(), &key(), Some(t)).unwrap();
    f.insert("sign", s.as_str());
    xml::build(f.as_slice()).unwrap().into_bytes()
}

fn unsigned(pairs: &[(&str, &str)]) -> Vec<u8> {
    xml::build(pairs).unwrap().into_bytes()
}

fn judge(path: &str, body: &[u8], t: SignType) -> Result<Fields> {
    let e = lookup(path).unwrap().endpoint;
    xml_response(path, body, (1 << 20).into(), &e, &key(), t)
}

#[test]
fn success_returns_the_verified_fields() {
    let body = signed(&[("return_code", "SUCCESS"), ("result_code", "SUCCESS"), ("prepay_id", "wx1")], SignType::Md5);
    assert_eq!(judge("pay/unifiedorder", &body, SignType::Md5).unwrap().get("prepay_id"), Some("wx1"));
    let body = signed(&[("return_code", "SUCCESS"), ("result_code", "SUCCESS")], SignType::HmacSha256);
    assert!(judge("pay/unifiedorder", &body, SignType::HmacSha256).is_ok());
}

#[test]
fn protocol_fail_carries_return_msg_and_the_response() {
    let body = unsigned(&[("return_code", "FAIL"), ("return_msg", "签名错误")]);
    let e = judge("pay/unifiedorder", &body, SignType::Md5).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ProtocolFail);
    assert!(e.message().contains("签名错误"));
    assert_eq!(e.response().unwrap().get("return_msg"), Some("签名错误"));
}

#[test]
fn business_fail_carries_err_code_and_the_response() {
    let body = signed(
        &[("return_code", "SUCCESS"), ("result_code", "FAIL"), ("err_code", "USERPAYING"), ("err_code_des", "需要用户输入支付密码")],
        SignType::Md5,
    );
    let e = judge("pay/micropay", &body, SignType::Md5).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BusinessFail);
    assert!(e.message().contains("USERPAYING") && e.message().contains("需要用户输入支付密码"));
    assert_eq!(e.response().unwrap().get("err_code"), Some("USERPAYING"));
}

#[test]
fn bad_or_missing_signatures_are_signature_errors() {
    let missing = unsigned(&[("return_code", "SUCCESS"), ("result_code", "SUCCESS")]);
    assert_eq!(judge("pay/orderquery", &missing, SignType::Md5).unwrap_err().kind(), ErrorKind::SignatureMissing);

    let forged = String::from_utf8(signed(&[("return_code", "SUCCESS"), ("result_code", "SUCCESS"), ("total_fee", "1")], SignType::Md5))
        .unwrap()
        .replace("<![CDATA[1]]>", "<![CDATA[2]]>");
    assert_eq!(judge("pay/orderquery", forged.as_bytes(), SignType::Md5).unwrap_err().kind(), ErrorKind::SignatureMismatch);

    // A business failure whose signature is bad is reported as the bad signature.
    let fake_fail = unsigned(&[("return_code", "SUCCESS"), ("result_code", "FAIL"), ("err_code", "X"), ("sign", "00")]);
    assert_eq!(judge("pay/orderquery", &fake_fail, SignType::Md5).unwrap_err().kind(), ErrorKind::SignatureMismatch);

    // Signed with the other algorithm than the request used.
    let hmac = signed(&[("return_code", "SUCCESS"), ("result_code", "SUCCESS")], SignType::HmacSha256);
    assert_eq!(judge("pay/orderquery", &hmac, SignType::Md5).unwrap_err().kind(), ErrorKind::SignatureMismatch);
}

#[test]
fn unsigned_endpoints_are_not_verified() {
    let body = unsigned(&[("return_code", "SUCCESS"), ("result_code", "SUCCESS"), ("payment_no", "1")]);
    for path in ["mmpaymkttransfers/promotion/transfers", "payitil/report", "risk/getpublickey", "xdc/apiv2getsignkey/sign/getsignkey"] {
        assert!(judge(path, &body, SignType::Md5).is_ok(), "{path}");
    }
    // Business failures are still failures there.
    let body = unsigned(&[("return_code", "SUCCESS"), ("result_code", "FAIL"), ("err_code", "NOTENOUGH")]);
    assert_eq!(judge("mmpaymkttransfers/sendredpack", &body, SignType::Md5).unwrap_err().kind(), ErrorKind::BusinessFail);
}

#[test]
fn malformed_responses_are_typed() {
    assert_eq!(judge("pay/orderquery", b"<html>", SignType::Md5).unwrap_err().kind(), ErrorKind::XmlRoot);
    let none = unsigned(&[("result_code", "SUCCESS")]);
    assert_eq!(judge("pay/orderquery", &none, SignType::Md5).unwrap_err().kind(), ErrorKind::ResponseInvalid);
    let odd = unsigned(&[("return_code", "MAYBE")]);
    assert_eq!(judge("pay/orderquery", &odd, SignType::Md5).unwrap_err().kind(), ErrorKind::ResponseInvalid);
    let e = xml_response("pay/orderquery", &[b' '; 100], 10.into(), &lookup("pay/orderquery").unwrap().endpoint, &key(), SignType::Md5);
    assert_eq!(e.unwrap_err().kind(), ErrorKind::XmlTooLarge);
}

fn bill(body: Vec<u8>, limit: usize) -> Result<Vec<u8>> {
    let e = lookup("pay/downloadbill").unwrap().endpoint;
    bill_response("pay/downloadbill", body, (1 << 20).into(), limit, &e, &key(), SignType::Md5)
}

#[test]
fn bills_plain_gzip_and_xml_errors() {
    use flate2::Compression;
    use flate2::write::GzEncoder;
    use std::io::Write;
    assert_eq!(bill(b"a,b\n1,2\n".to_vec(), 100).unwrap(), b"a,b\n1,2\n");
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(&[b'x'; 1000]).unwrap();
    let gz = gz.finish().unwrap();
    assert_eq!(bill(gz.clone(), 1000).unwrap().len(), 1000);
    assert_eq!(bill(gz.clone(), 999).unwrap_err().kind(), ErrorKind::ResponseTooLarge);
    assert_eq!(bill(gz[..gz.len() / 2].to_vec(), 1000).unwrap_err().kind(), ErrorKind::ResponseInvalid);
    let fail = unsigned(&[("return_code", "FAIL"), ("return_msg", "No Bill Exist")]);
    assert_eq!(bill(fail, 100).unwrap_err().kind(), ErrorKind::ProtocolFail);
    let odd = unsigned(&[("return_code", "SUCCESS")]);
    assert_eq!(bill(odd, 100).unwrap_err().kind(), ErrorKind::ResponseInvalid);
}
