//! Client pay parameters and refund decryption checked against vectors made
//! outside this library: tests/vectors/gen_pay_params.py (Python hashlib)
//! and tests/vectors/gen_req_info.sh (the openssl CLI).

use wxpay::client::Config;
use wxpay::notify::{self, Merchant};
use wxpay::pay_params::{PayKind, PayRequest, pay_params};
use wxpay::{ApiKey, Client, ErrorKind, SignType};

fn vectors(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn pay_params_match_python() {
    let cases: serde_json::Value = serde_json::from_str(&vectors("pay_params.json")).unwrap();
    let cases = cases.as_array().unwrap();
    assert_eq!(cases.len(), 4);
    for case in cases {
        let s = |n: &str| case[n].as_str().unwrap();
        let key = ApiKey::new(s("key").as_bytes()).unwrap();
        let kind = if s("kind") == "jsapi" { PayKind::Jsapi } else { PayKind::App };
        let sign_type = SignType::parse(s("sign_type")).unwrap();
        let expected: Vec<(String, String)> = case["expected"]
            .as_array()
            .unwrap()
            .iter()
            .map(|kv| (kv[0].as_str().unwrap().to_owned(), kv[1].as_str().unwrap().to_owned()))
            .collect();
        let request = PayRequest {
            appid: s("appid"),
            mch_id: s("mch_id"),
            prepay_id: s("prepay_id"),
            timestamp: case["timestamp"].as_u64().unwrap(),
            nonce: s("nonce"),
            sign_type,
        };
        let got = pay_params(kind, &request, &key).unwrap();
        assert_eq!(got.as_slice(), expected.as_slice(), "{} {}", s("kind"), s("sign_type"));

        // The same through a configured client, with the injected time and nonce.
        let mut config = Config::new();
        config.set("appid", s("appid")).unwrap().set("mch_id", s("mch_id")).unwrap();
        config.set_api_key(key.clone()).set_sign_type(sign_type);
        let client = Client::new(&config).unwrap();
        let got = client.pay_params(kind, s("prepay_id"), None, Some(request.timestamp), Some(s("nonce"))).unwrap();
        assert_eq!(got.as_slice(), expected.as_slice());
    }
}

#[test]
fn req_info_encrypted_by_openssl_decrypts() {
    let text = vectors("req_info.txt");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 6);
    for case in lines.chunks(3) {
        let key = ApiKey::new(case[0].as_bytes()).unwrap();
        let plain = String::from_utf8(openssl::base64::decode_block(case[1]).unwrap()).unwrap();
        let info = notify::decrypt_req_info(case[2], &key, 1 << 20).unwrap();
        let expected = wxpay::xml::parse(plain.replace("<root>", "<xml>").replace("</root>", "</xml>").as_bytes()).unwrap();
        assert_eq!(info, expected);
        assert!(info.get("out_refund_no").is_some());
    }
    let key = ApiKey::new(lines[0].as_bytes()).unwrap();
    let info = notify::decrypt_req_info(lines[2], &key, 1 << 20).unwrap();
    assert_eq!(info.get("refund_recv_accout"), Some("支付用户零钱"));
    assert_eq!(info.get("refund_status"), Some("SUCCESS"));

    // Through a whole notification body.
    let body = format!(
        "<xml><return_code>SUCCESS</return_code><appid><![CDATA[wx2421b1c4370ec43b]]></appid><mch_id>1900000109</mch_id><nonce_str>abc</nonce_str><req_info><![CDATA[{}]]></req_info></xml>",
        lines[2]
    );
    let merchant = Merchant { key: &key, appid: Some("wx2421b1c4370ec43b"), mch_id: "1900000109", sub_mch_id: None };
    let n = notify::refund_notification(body.as_bytes(), 1 << 20, &merchant).unwrap();
    assert_eq!(n.info, info);
    assert_eq!(n.outer.get("nonce_str"), Some("abc"));

    // A wrong key and a damaged ciphertext are told apart from text that is no ciphertext.
    let wrong = ApiKey::new(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345").unwrap();
    assert_eq!(notify::decrypt_req_info(lines[2], &wrong, 1 << 20).unwrap_err().kind(), ErrorKind::DecryptFailed);
    let mut damaged = lines[2].as_bytes().to_vec();
    let at = damaged.len() - 30;
    damaged[at] = if damaged[at] == b'A' { b'B' } else { b'A' };
    let damaged = String::from_utf8(damaged).unwrap();
    assert_eq!(notify::decrypt_req_info(&damaged, &key, 1 << 20).unwrap_err().kind(), ErrorKind::DecryptFailed);
    let truncated = &lines[2][..lines[2].len() - 4];
    assert_eq!(notify::decrypt_req_info(truncated, &key, 1 << 20).unwrap_err().kind(), ErrorKind::CiphertextCorrupt);
    assert_eq!(notify::decrypt_req_info("@@@@", &key, 1 << 20).unwrap_err().kind(), ErrorKind::CiphertextCorrupt);
}
