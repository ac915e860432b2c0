//! Signatures checked against vectors computed by Python's hashlib/hmac
//! (tests/vectors/gen_signatures.py), not by this library.

use wxpay::sign::{self, ApiKey, SignType};

#[test]
fn signatures_match_independently_computed_vectors() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/signatures.json")).unwrap();
    let cases: serde_json::Value = serde_json::from_str(&text).unwrap();
    let cases = cases.as_array().unwrap();
    assert!(cases.len() >= 6);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let key = ApiKey::new(case["key"].as_str().unwrap().as_bytes()).unwrap();
        let fields: Vec<(String, String)> = case["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|kv| (kv[0].as_str().unwrap().to_owned(), kv[1].as_str().unwrap().to_owned()))
            .collect();
        let md5 = sign::sign(&fields, &key, Some(SignType::Md5)).unwrap();
        let hmac = sign::sign(&fields, &key, Some(SignType::HmacSha256)).unwrap();
        assert_eq!(md5.as_str(), case["md5"].as_str().unwrap(), "MD5: {name}");
        assert_eq!(hmac.as_str(), case["hmac_sha256"].as_str().unwrap(), "HMAC-SHA256: {name}");

        // The same vectors verify once the signature is attached, without naming the algorithm.
        for (expected, sig) in [(SignType::Md5, md5), (SignType::HmacSha256, hmac)] {
            let mut signed: Vec<(String, String)> = fields.iter().filter(|(k, _)| k != "sign").cloned().collect();
            signed.push(("sign".into(), sig.as_str().into()));
            assert_eq!(sign::verify(&signed, &key, None).unwrap(), expected, "{name}");
        }
    }
}

/// tests/vectors/indexed.json, which every wrapper's suite reads too.
#[test]
fn numbered_fields_come_out_in_order_or_refused() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/indexed.json")).unwrap();
    let groups: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut checked = 0;
    for group in groups.as_array().unwrap() {
        let pairs = group["fields"].as_array().unwrap().iter().map(|kv| (kv[0].as_str().unwrap(), kv[1].as_str().unwrap()));
        let fields = wxpay::Fields::from_pairs(pairs).unwrap();
        for case in group["cases"].as_array().unwrap() {
            let index = case["index"].as_str().unwrap();
            match case.get("values") {
                Some(values) => {
                    let expected: Vec<&str> = values.as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
                    assert_eq!(fields.indexed(index).unwrap(), expected, "{index}");
                }
                None => {
                    let e = fields.indexed(index).unwrap_err();
                    assert_eq!(e.kind(), wxpay::ErrorKind::InvalidArgument, "{index}");
                    assert!(e.message().contains(case["error"].as_str().unwrap()), "{index}: {}", e.message());
                }
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 12);
}
