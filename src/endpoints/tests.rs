use super::*;

fn get(path: &str) -> Lookup {
    lookup(path).unwrap()
}

#[test]
fn certificate_endpoints_need_the_certificate() {
    for p in [
        "secapi/pay/refund",
        "secapi/pay/reverse",
        "pay/downloadfundflow",
        "mmpaymkttransfers/promotion/transfers",
        "mmpaymkttransfers/sendredpack",
        "risk/getpublickey",
    ] {
        assert!(get(p).endpoint.certificate, "{p}");
        assert_eq!(get(p).matched, Match::Exact, "{p}");
    }
    for p in ["pay/unifiedorder", "pay/orderquery", "pay/downloadbill", "tools/shorturl", "payitil/report"] {
        assert!(!get(p).endpoint.certificate, "{p}");
    }
}

#[test]
fn unsigned_responses_are_exactly_the_documented_ones() {
    for p in [
        "mmpaymkttransfers/promotion/transfers",
        "mmpaymkttransfers/gethbinfo",
        "pay/downloadbill",
        "pay/downloadfundflow",
        "payitil/report",
        "risk/getpublickey",
        "papay/entrustweb",
        "papay/h5entrustweb",
        "xdc/apiv2getsignkey/sign/getsignkey",
    ] {
        assert!(!get(p).endpoint.signed_response, "{p}");
    }
    for p in ["pay/unifiedorder", "pay/micropay", "secapi/pay/refund", "secapi/pay/reverse", "pay/refundquery"] {
        assert!(get(p).endpoint.signed_response, "{p}");
    }
}

#[test]
fn families_cover_unlisted_members() {
    let l = get("secapi/pay/somethingnew");
    assert_eq!(l.matched, Match::Family);
    assert!(l.endpoint.certificate && l.endpoint.signed_response);

    let l = get("mmpaymkttransfers/newthing");
    assert_eq!(l.matched, Match::Family);
    assert!(l.endpoint.certificate && !l.endpoint.signed_response && !l.endpoint.sends_sign_type);

    let l = get("papay/partner/entrustweb");
    assert_eq!(l.matched, Match::Family);
    assert!(!l.endpoint.signed_response);
}

#[test]
fn unknown_paths_are_signed_xml_without_certificate() {
    let l = get("pay/brandnew");
    assert_eq!(l.matched, Match::Unknown);
    assert_eq!(l.endpoint, DEFAULT);
    assert!(l.endpoint.signed_response && !l.endpoint.certificate);
    assert_eq!(l.endpoint.body, BodyKind::Xml);
}

#[test]
fn bills_are_bytes_and_fundflow_is_hmac_only() {
    assert_eq!(get("pay/downloadbill").endpoint.body, BodyKind::Bytes);
    let ff = get("pay/downloadfundflow").endpoint;
    assert_eq!(ff.body, BodyKind::Bytes);
    assert_eq!(ff.sign_types, SignTypes::HmacSha256Only);
    assert!(!ff.sign_types.allows(SignType::Md5));
    assert_eq!(ff.sign_types.only(), Some(SignType::HmacSha256));
}

#[test]
fn sandbox_paths_map_to_the_same_entry_md5_only() {
    let l = get("xdc/apiv2sandbox/secapi/pay/refund");
    assert!(l.sandbox);
    assert_eq!(l.matched, Match::Exact);
    assert!(l.endpoint.certificate);
    assert_eq!(l.endpoint.path, "secapi/pay/refund");
    assert_eq!(l.endpoint.sign_types, SignTypes::Md5Only);

    let l = get("/xdc/apiv2getsignkey/sign/getsignkey");
    assert!(l.sandbox);
    assert_eq!(l.endpoint.appid_field, None);
    assert!(!l.endpoint.sends_sign_type);
    assert!(!get("pay/orderquery").sandbox);
}

#[test]
fn the_retired_sandbox_gateway_is_refused_naming_the_current_one() {
    for p in ["sandboxnew/pay/getsignkey", "/sandboxnew/pay/micropay"] {
        let e = lookup(p).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{p}");
        assert!(e.message().contains("retired") && e.message().contains("xdc/apiv2sandbox/"), "{}", e.message());
    }
}

#[test]
fn identity_field_names_follow_the_endpoint() {
    let t = get("mmpaymkttransfers/promotion/transfers").endpoint;
    assert_eq!((t.appid_field, t.mch_id_field), (Some("mch_appid"), "mchid"));
    let r = get("mmpaymkttransfers/sendredpack").endpoint;
    assert_eq!((r.appid_field, r.mch_id_field), (Some("wxappid"), "mch_id"));
    let u = get("pay/unifiedorder").endpoint;
    assert_eq!((u.appid_field, u.mch_id_field, u.sub_ids), (Some("appid"), "mch_id", true));
}

#[test]
fn required_fields_are_checked() {
    let e = get("pay/unifiedorder").endpoint;
    assert_eq!(e.required().count(), 6);
    let err = e.check_required("pay/unifiedorder", |n| n != "notify_url").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MissingField);
    assert!(err.message().contains("notify_url"));
    assert!(e.check_required("pay/unifiedorder", |_| true).is_ok());

    let q = get("pay/orderquery").endpoint;
    assert_eq!(q.check_required("x", |_| false).unwrap_err().kind(), ErrorKind::MissingField);
    assert!(q.check_required("x", |n| n == "transaction_id").is_ok());
}

#[test]
fn every_table_entry_is_well_formed() {
    for e in TABLE {
        assert_eq!(normalize(e.path).unwrap(), e.path);
        assert!(e.required_packed.is_empty() || e.required_packed.ends_with('\0'), "{}", e.path);
        assert!(e.one_of_packed.is_empty() || e.one_of_packed.ends_with('\0'), "{}", e.path);
        assert!(e.required().all(|n| !n.is_empty()), "{}", e.path);
        assert_eq!(TABLE.iter().filter(|o| o.path == e.path).count(), 1, "{} listed twice", e.path);
        if e.body == BodyKind::Bytes {
            assert!(!e.signed_response, "{}", e.path);
        }
    }
}

#[test]
fn paths_that_are_not_paths_are_refused() {
    for bad in ["", "/", "https://api.mch.weixin.qq.com/pay/x", "pay/../secapi", "pay//x", "pay/x?y=1", "pay x", "pay/\u{e9}"] {
        assert_eq!(lookup(bad).unwrap_err().kind(), ErrorKind::InvalidArgument, "{bad:?}");
    }
    assert_eq!(get("/pay/unifiedorder").endpoint.path, "pay/unifiedorder");
}

#[test]
fn unifiedorder_needs_what_its_trade_type_needs() {
    use crate::fields::Fields;
    let f = |pairs: &[(&str, &str)]| Fields::from_pairs(pairs.iter().copied()).unwrap();
    let missing = |path: &str, pairs: &[(&str, &str)]| check_conditional(path, &f(pairs)).unwrap_err().kind();
    assert_eq!(missing("pay/unifiedorder", &[("trade_type", "JSAPI")]), ErrorKind::MissingField);
    assert_eq!(missing("xdc/apiv2sandbox/pay/unifiedorder", &[("trade_type", "JSAPI"), ("openid", "")]), ErrorKind::MissingField);
    assert_eq!(missing("/pay/unifiedorder", &[("trade_type", "NATIVE")]), ErrorKind::MissingField);
    assert_eq!(missing("pay/unifiedorder", &[("trade_type", "MWEB")]), ErrorKind::MissingField);
    assert!(check_conditional("pay/unifiedorder", &f(&[("trade_type", "JSAPI"), ("openid", "o1")])).is_ok());
    assert!(check_conditional("pay/unifiedorder", &f(&[("trade_type", "JSAPI"), ("sub_openid", "o1")])).is_ok());
    assert!(check_conditional("pay/unifiedorder", &f(&[("trade_type", "APP")])).is_ok());
    assert!(check_conditional("pay/orderquery", &f(&[("trade_type", "JSAPI")])).is_ok());
}

#[test]
fn flows_required_fields_are_in_the_table() {
    let req = |p: &str| lookup(p).unwrap().endpoint.required().collect::<Vec<_>>();
    for name in ["out_refund_no", "total_fee", "refund_fee"] {
        assert!(req("secapi/pay/refund").contains(&name), "{name}");
    }
    assert!(req("pay/micropay").contains(&"auth_code"));
    assert!(req("xdc/apiv2sandbox/pay/micropay").contains(&"auth_code"));
}

#[test]
fn profit_sharing_is_hmac_only_and_the_two_queries_take_no_appid() {
    let paths = [
        ("secapi/pay/profitsharing", true, true),
        ("secapi/pay/multiprofitsharing", true, true),
        ("pay/profitsharingquery", false, false),
        ("pay/profitsharingaddreceiver", false, true),
        ("pay/profitsharingremovereceiver", false, true),
        ("secapi/pay/profitsharingfinish", true, true),
        ("pay/profitsharingorderamountquery", false, false),
        ("secapi/pay/profitsharingreturn", true, true),
        ("pay/profitsharingreturnquery", false, true),
    ];
    for (path, certificate, appid) in paths {
        let l = get(path);
        assert_eq!(l.matched, Match::Exact, "{path}");
        let e = l.endpoint;
        assert_eq!(e.certificate, certificate, "{path}");
        assert_eq!(e.appid_field, if appid { Some("appid") } else { None }, "{path}");
        assert_eq!(e.sign_types, SignTypes::HmacSha256Only, "{path}");
        assert!(e.sends_sign_type && e.signed_response && e.sub_ids, "{path}");
    }
}

#[test]
fn contract_endpoints_sign_md5_without_sign_type_and_the_queries_without_nonce() {
    for (path, nonce) in [
        ("pay/pappayapply", true),
        ("pay/paporderquery", true),
        ("papay/querycontract", false),
        ("papay/deletecontract", false),
    ] {
        let l = get(path);
        assert_eq!(l.matched, Match::Exact, "{path}");
        let e = l.endpoint;
        assert_eq!(e.sign_types, SignTypes::Md5Only, "{path}");
        assert!(!e.sends_sign_type && e.signed_response && !e.certificate && !e.sub_ids, "{path}");
        assert_eq!(e.sends_nonce, nonce, "{path}");
        assert_eq!(e.appid_field, Some("appid"), "{path}");
    }
    assert!(get("pay/pappayapply").endpoint.required().any(|n| n == "contract_id"));
    assert!(get("papay/deletecontract").endpoint.required().any(|n| n == "contract_termination_remark"));
    assert!(DEFAULT.sends_nonce && get("pay/unifiedorder").endpoint.sends_nonce);
}

#[test]
fn a_contract_is_named_by_its_id_or_by_plan_and_code() {
    use crate::fields::Fields;
    let with = |pairs: &[(&str, &str)]| Fields::from_pairs(pairs.iter().copied()).unwrap();
    for path in ["papay/querycontract", "papay/deletecontract"] {
        assert!(check_conditional(path, &with(&[("contract_id", "Wx1")])).is_ok());
        assert!(check_conditional(path, &with(&[("plan_id", "1"), ("contract_code", "c")])).is_ok());
        let e = check_conditional(path, &with(&[("contract_code", "c")])).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::MissingField);
        assert!(e.message().contains("plan_id"), "{}", e.message());
    }
    assert!(check_conditional("pay/paporderquery", &with(&[("contract_code", "c")])).is_ok());
}
