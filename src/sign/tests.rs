use proptest::prelude::*;

use super::*;

const KEY: &str = "192006250b4c09247ec02edce69f6a2d";

fn key() -> ApiKey {
    ApiKey::new(KEY.as_bytes()).unwrap()
}

fn pairs<'a>(p: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    p.to_vec()
}

#[test]
fn the_documented_example_signs_to_the_documented_value() {
    // The example of WeChat's own signature guide.
    let fields = pairs(&[
        ("appid", "wxd930ea5d5a258f4f"),
        ("mch_id", "10000100"),
        ("device_info", "1000"),
        ("body", "test"),
        ("nonce_str", "ibuaiVcKdpRxkhJA"),
    ]);
    assert_eq!(sign(&fields, &key(), Some(SignType::Md5)).unwrap().as_str(), "9A0A8659F005D6984697E2CA0A9CF3B7");
    assert_eq!(
        sign(&fields, &key(), Some(SignType::HmacSha256)).unwrap().as_str(),
        "6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6"
    );
}

#[test]
fn sign_and_empty_values_are_excluded_but_zero_is_kept() {
    let base = pairs(&[("a", "1"), ("total_fee", "0")]);
    let with_extras = pairs(&[("a", "1"), ("total_fee", "0"), ("sign", "XYZ"), ("empty", "")]);
    let without_zero = pairs(&[("a", "1")]);
    let s = sign(&base, &key(), None).unwrap();
    assert_eq!(sign(&with_extras, &key(), None).unwrap(), s);
    assert_ne!(sign(&without_zero, &key(), None).unwrap(), s);
}

#[test]
fn order_of_input_does_not_matter() {
    let a = pairs(&[("b", "2"), ("a", "1"), ("C", "3")]);
    let b = pairs(&[("C", "3"), ("a", "1"), ("b", "2")]);
    assert_eq!(sign(&a, &key(), None).unwrap(), sign(&b, &key(), None).unwrap());
}

#[test]
fn sign_type_field_chooses_and_must_agree() {
    let hmac = pairs(&[("a", "1"), ("sign_type", "HMAC-SHA256")]);
    assert_eq!(sign(&hmac, &key(), None).unwrap().as_str().len(), 64);
    let err = sign(&hmac, &key(), Some(SignType::Md5)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::SignTypeMismatch);
    let bogus = pairs(&[("sign_type", "SHA1")]);
    assert_eq!(sign(&bogus, &key(), None).unwrap_err().kind(), ErrorKind::UnknownSignType);
}

#[test]
fn bad_keys_are_errors_not_signatures() {
    for bad in ["", "short", "192006250b4c09247ec02edce69f6a2d0", "192006250b4c09247ec02edce69f6a2!", "192006250b4c09247ec02edce69f6a2\u{e9}"] {
        let err = ApiKey::new(bad.as_bytes()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidKey, "{bad:?}");
        assert!(!err.message().contains(bad) || bad.is_empty());
    }
}

#[test]
fn key_is_redacted_in_debug_output() {
    assert!(!format!("{:?}", key()).contains(KEY));
}

#[test]
fn duplicate_names_are_refused() {
    let dup = pairs(&[("a", "1"), ("a", "2")]);
    assert_eq!(sign(&dup, &key(), None).unwrap_err().kind(), ErrorKind::DuplicateField);
}

#[test]
fn verify_infers_the_algorithm_from_sign_type_or_length() {
    for t in [SignType::Md5, SignType::HmacSha256] {
        let mut fields = vec![("return_code".to_string(), "SUCCESS".to_string())];
        let s = sign(&fields, &key(), Some(t)).unwrap();
        fields.push(("sign".into(), s.as_str().into()));
        assert_eq!(verify(&fields, &key(), None).unwrap(), t);
        assert_eq!(verify(&fields, &key(), Some(t)).unwrap(), t);
    }
}

#[test]
fn verify_distinguishes_missing_mismatch_and_type_conflict() {
    let unsigned = pairs(&[("a", "1")]);
    assert_eq!(verify(&unsigned, &key(), None).unwrap_err().kind(), ErrorKind::SignatureMissing);
    let empty_sign = pairs(&[("a", "1"), ("sign", "")]);
    assert_eq!(verify(&empty_sign, &key(), None).unwrap_err().kind(), ErrorKind::SignatureMissing);
    let wrong = pairs(&[("a", "1"), ("sign", "00000000000000000000000000000000")]);
    assert_eq!(verify(&wrong, &key(), None).unwrap_err().kind(), ErrorKind::SignatureMismatch);
    let odd_length = pairs(&[("a", "1"), ("sign", "ABC")]);
    assert_eq!(verify(&odd_length, &key(), None).unwrap_err().kind(), ErrorKind::SignatureMismatch);
    let md5 = sign(&unsigned, &key(), Some(SignType::Md5)).unwrap();
    let claims_hmac = pairs(&[("a", "1"), ("sign_type", "HMAC-SHA256"), ("sign", md5.as_str())]);
    assert_eq!(verify(&claims_hmac, &key(), Some(SignType::Md5)).unwrap_err().kind(), ErrorKind::SignTypeMismatch);
    assert_eq!(verify(&claims_hmac, &key(), None).unwrap_err().kind(), ErrorKind::SignatureMismatch);
}

#[test]
fn lowercase_signatures_do_not_verify() {
    let mut fields = vec![("a".to_string(), "1".to_string())];
    let s = sign(&fields, &key(), None).unwrap();
    fields.push(("sign".into(), s.as_str().to_lowercase()));
    assert_eq!(verify(&fields, &key(), None).unwrap_err().kind(), ErrorKind::SignatureMismatch);
}

fn field_map() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::btree_map("[a-z_][a-z0-9_]{0,12}", "\\PC{0,20}", 1..12)
        .prop_map(|m| m.into_iter().filter(|(k, _)| k != "sign" && k != "sign_type").collect())
}

proptest! {
    #[test]
    fn verify_accepts_what_sign_made(fields in field_map(), hmac in any::<bool>()) {
        let t = if hmac { SignType::HmacSha256 } else { SignType::Md5 };
        let mut signed = fields.clone();
        signed.push(("sign".into(), sign(&fields, &key(), Some(t)).unwrap().as_str().into()));
        prop_assert_eq!(verify(&signed, &key(), None).unwrap(), t);
    }

    #[test]
    fn flipping_any_byte_of_a_signed_value_breaks_it(fields in field_map(), pick in any::<prop::sample::Index>(), bit in 0u8..7) {
        let mut signed = fields.clone();
        signed.push(("sign".into(), sign(&fields, &key(), None).unwrap().as_str().into()));
        let candidates: Vec<usize> = (0..fields.len()).filter(|&i| !fields[i].1.is_empty()).collect();
        prop_assume!(!candidates.is_empty());
        let i = candidates[pick.index(candidates.len())];
        let mut bytes = signed[i].1.clone().into_bytes();
        let at = pick.index(bytes.len());
        // Flip one of the low 7 bits of an ASCII byte, or replace a non-ASCII byte's character.
        if bytes[at].is_ascii() {
            bytes[at] ^= 1 << bit;
            prop_assume!(bytes[at] != 0);
            signed[i].1 = String::from_utf8(bytes).unwrap();
        } else {
            signed[i].1.push('x');
        }
        prop_assert_eq!(verify(&signed, &key(), None).unwrap_err().kind(), ErrorKind::SignatureMismatch);
    }

    #[test]
    fn flipping_any_byte_of_the_key_breaks_it(fields in field_map(), at in 0usize..32) {
        let mut signed = fields.clone();
        signed.push(("sign".into(), sign(&fields, &key(), None).unwrap().as_str().into()));
        let mut other = KEY.as_bytes().to_vec();
        other[at] = if other[at] == b'a' { b'b' } else { b'a' };
        let other = ApiKey::new(&other).unwrap();
        prop_assert_eq!(verify(&signed, &other, None).unwrap_err().kind(), ErrorKind::SignatureMismatch);
    }

    #[test]
    fn zero_values_are_signed(fields in field_map()) {
        let mut with_zero = fields.clone();
        with_zero.retain(|(k, _)| k != "zz_fee");
        let without = with_zero.clone();
        with_zero.push(("zz_fee".into(), "0".into()));
        prop_assert_ne!(sign(&with_zero, &key(), None).unwrap(), sign(&without, &key(), None).unwrap());
    }
}

/// Field lists whose names run past sixteen bytes and share long prefixes,
/// with values long and short, empty and zero, markup and unicode.
fn document_fields() -> impl Strategy<Value = Vec<(String, String)>> {
    let name = prop_oneof!["[a-z_][a-z0-9_]{0,6}", "[a-z_][a-z0-9_]{7,24}", "coupon_fee_type_[0-9]{1,2}"];
    let value = prop_oneof![Just(String::new()), Just("0".to_string()), "\\PC{0,12}", "[ -~\u{4e2d}]{14,70}", Just("a]]>b<c>&d".to_string())];
    prop::collection::btree_map(name, value, 1..40)
        .prop_map(|m| m.into_iter().filter(|(k, _)| k != "sign" && k != "sign_type").collect())
}

fn signed_document(fields: &[(String, String)], t: SignType) -> String {
    let mut signed = fields.to_vec();
    signed.push(("sign".into(), sign(fields, &key(), Some(t)).unwrap().as_str().into()));
    // Documents in any field order, as WeChat's are not sorted.
    signed.reverse();
    crate::xml::build(&signed).unwrap()
}

proptest! {
    #[test]
    fn verify_xml_accepts_signed_documents_with_or_without_a_comment(fields in document_fields(), hmac in any::<bool>()) {
        let t = if hmac { SignType::HmacSha256 } else { SignType::Md5 };
        let doc = signed_document(&fields, t);
        let commented = format!("<!-- c -->{doc}");
        for doc in [&doc, &commented] {
            let (got, used) = verify_xml(doc.as_bytes(), crate::xml::DEFAULT_MAX_SIZE, &key(), None).unwrap();
            prop_assert_eq!(used, t);
            let mut got: Vec<(String, String)> = got.into_iter().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
            got.retain(|(k, _)| k != "sign");
            got.reverse();
            prop_assert_eq!(&got, &fields);
        }
    }

    #[test]
    fn verify_xml_refuses_any_changed_value(fields in document_fields(), pick in any::<prop::sample::Index>(), hmac in any::<bool>()) {
        let t = if hmac { SignType::HmacSha256 } else { SignType::Md5 };
        let mut signed = fields.clone();
        signed.push(("sign".into(), sign(&fields, &key(), Some(t)).unwrap().as_str().into()));
        let i = pick.index(fields.len());
        signed[i].1.push('x');
        let doc = crate::xml::build(&signed).unwrap();
        let err = verify_xml(doc.as_bytes(), crate::xml::DEFAULT_MAX_SIZE, &key(), None).unwrap_err();
        prop_assert_eq!(err.kind(), ErrorKind::SignatureMismatch);
    }
}

#[test]
fn verify_xml_reports_duplicates_before_the_signature() {
    let doc = "<xml><a>1</a><b>2</b><a>1</a></xml>";
    for doc in [doc.to_string(), format!("<!-- c -->{doc}")] {
        let err = verify_xml(doc.as_bytes(), crate::xml::DEFAULT_MAX_SIZE, &key(), None).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::XmlDuplicate, "{doc}");
    }
}

#[test]
fn empty_names_are_refused_when_signing_and_verifying() {
    let fields = pairs(&[("", "1"), ("a", "2")]);
    assert_eq!(sign(&fields, &key(), None).unwrap_err().kind(), ErrorKind::InvalidFieldName);
    let signed = pairs(&[("", "1"), ("sign", "9A0A8659F005D6984697E2CA0A9CF3B7")]);
    assert_eq!(verify(&signed, &key(), None).unwrap_err().kind(), ErrorKind::InvalidFieldName);
}

#[test]
fn signatures_of_any_length_are_compared_without_a_panic() {
    for len in [0usize, 1, 31, 33, 63, 65, 200] {
        let given = "A".repeat(len);
        let fields = pairs(&[("a", "1"), ("sign", &given)]);
        let kind = verify(&fields, &key(), Some(SignType::Md5)).unwrap_err().kind();
        let expected = if len == 0 { ErrorKind::SignatureMissing } else { ErrorKind::SignatureMismatch };
        assert_eq!(kind, expected, "{len}");
    }
}
