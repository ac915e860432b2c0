use super::*;
use std::net::TcpListener;

const KEY: &[u8] = b"Zq8sKd02mWx7Lr4Tv9Np3Yc6Hb1Jf5Ge";

/// A client pointed at a port that accepts but never serves, so that a test
/// can prove no connection was attempted.
fn client_with(listener: &TcpListener, edit: impl FnOnce(&mut Config)) -> Client {
    let mut c = Config::new();
    c.set_appid("wx2421b1c4370ec43b").unwrap().set_mch_id("1900000109").unwrap();
    c.set_api_key(ApiKey::new(KEY).unwrap());
    c.set_host(Host::parse(&format!("https://127.0.0.1:{}/", listener.local_addr().unwrap().port())).unwrap());
    c.set_failover(Failover::Never);
    edit(&mut c);
    Client::new(&c).unwrap()
}

fn listener() -> TcpListener {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.set_nonblocking(true).unwrap();
    l
}

fn no_connection(l: &TcpListener) -> bool {
    matches!(l.accept(), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock)
}

#[test]
fn identity_fields_are_filled_under_the_endpoints_names() {
    let l = listener();
    let c = client_with(&l, |c| {
        c.set_sub_mch_id("1900000110").unwrap();
    });
    let p = c.prepare("pay/orderquery", &[("out_trade_no", "T")]).unwrap();
    let f = xml::parse(p.xml.as_bytes()).unwrap();
    assert_eq!(f.get("appid"), Some("wx2421b1c4370ec43b"));
    assert_eq!(f.get("mch_id"), Some("1900000109"));
    assert_eq!(f.get("sub_mch_id"), Some("1900000110"));
    assert_eq!(f.get("sign_type"), Some("MD5"));
    assert_eq!(f.get("nonce_str").map(str::len), Some(32));
    sign::verify(f.as_slice(), &ApiKey::new(KEY).unwrap(), Some(SignType::Md5)).unwrap();

    let p = c.prepare("mmpaymkttransfers/sendredpack", &[("x", "1")]);
    // The red-packet endpoint needs the certificate: refused before anything else.
    assert_eq!(p.unwrap_err().kind(), ErrorKind::CertificateRequired);
    assert!(no_connection(&l));
}

#[test]
fn contract_queries_go_without_nonce_and_deductions_md5_without_sign_type() {
    let l = listener();
    let c = client_with(&l, |c| {
        c.set_sign_type(SignType::HmacSha256);
    });
    let key = ApiKey::new(KEY).unwrap();
    let p = c.prepare("papay/querycontract", &[("contract_id", "Wx1"), ("version", "1.0")]).unwrap();
    let f = xml::parse(p.xml.as_bytes()).unwrap();
    assert_eq!((f.get("nonce_str"), f.get("sign_type")), (None, None));
    assert_eq!(f.get("appid"), Some("wx2421b1c4370ec43b"));
    assert_eq!(sign::verify(f.as_slice(), &key, None).unwrap(), SignType::Md5);
    let p = c.prepare("pay/paporderquery", &[("out_trade_no", "T")]).unwrap();
    let f = xml::parse(p.xml.as_bytes()).unwrap();
    assert_eq!(f.get("nonce_str").map(str::len), Some(32));
    assert_eq!(f.get("sign_type"), None);
    assert_eq!(sign::verify(f.as_slice(), &key, None).unwrap(), SignType::Md5);
    assert!(no_connection(&l));
}

#[test]
fn profit_sharing_is_signed_hmac_sha256_with_appid_only_where_it_is_taken() {
    let l = listener();
    // Configured for MD5: the endpoint's algorithm wins.
    let c = client_with(&l, |c| {
        c.set_sign_type(SignType::Md5);
    });
    let key = ApiKey::new(KEY).unwrap();
    let p = c.prepare("pay/profitsharingorderamountquery", &[("transaction_id", "4208450740201411110007820472")]).unwrap();
    let f = xml::parse(p.xml.as_bytes()).unwrap();
    assert_eq!(p.sign_type, SignType::HmacSha256);
    assert_eq!(f.get("sign_type"), Some("HMAC-SHA256"));
    assert_eq!(f.get("appid"), None);
    assert_eq!(f.get("mch_id"), Some("1900000109"));
    sign::verify(f.as_slice(), &key, Some(SignType::HmacSha256)).unwrap();

    let receiver = r#"{"type":"MERCHANT_ID","account":"190001001","name":"示例商户全称","relation_type":"STORE_OWNER"}"#;
    let p = c.prepare("pay/profitsharingaddreceiver", &[("receiver", receiver)]).unwrap();
    let f = xml::parse(p.xml.as_bytes()).unwrap();
    assert_eq!(f.get("appid"), Some("wx2421b1c4370ec43b"));
    assert_eq!(f.get("receiver"), Some(receiver));
    sign::verify(f.as_slice(), &key, Some(SignType::HmacSha256)).unwrap();

    // Asking for MD5 is refused, and so is a missing required field.
    let e = c.prepare("pay/profitsharingquery", &[("transaction_id", "T"), ("out_order_no", "P1"), ("sign_type", "MD5")]);
    assert_eq!(e.unwrap_err().kind(), ErrorKind::ConflictingField);
    let e = c.prepare("pay/profitsharingreturnquery", &[("out_return_no", "R1")]);
    assert_eq!(e.unwrap_err().kind(), ErrorKind::MissingField);
    // Splitting moves money: it needs the client certificate.
    let e = c.prepare("secapi/pay/profitsharing", &[("transaction_id", "T"), ("out_order_no", "P1"), ("receivers", "[]")]);
    assert_eq!(e.unwrap_err().kind(), ErrorKind::CertificateRequired);
    assert!(no_connection(&l));
}

#[test]
fn conflicting_identity_is_an_error_and_the_same_value_is_fine() {
    let l = listener();
    let c = client_with(&l, |_| {});
    let e = c.request("pay/orderquery", &[("out_trade_no", "T"), ("mch_id", "1900000999")]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ConflictingField);
    assert!(e.message().contains("mch_id"));
    let e = c.request("pay/orderquery", &[("out_trade_no", "T"), ("appid", "wxother")]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ConflictingField);
    let e = c.request("pay/orderquery", &[("out_trade_no", "T"), ("sign", "ABC")]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ConflictingField);
    assert!(no_connection(&l));
    assert!(c.prepare("pay/orderquery", &[("out_trade_no", "T"), ("mch_id", "1900000109")]).is_ok());
}

#[test]
fn sub_mch_id_may_come_per_request_when_not_configured() {
    let l = listener();
    let c = client_with(&l, |_| {});
    let p = c.prepare("pay/orderquery", &[("out_trade_no", "T"), ("sub_mch_id", "1900000111")]).unwrap();
    assert_eq!(xml::parse(p.xml.as_bytes()).unwrap().get("sub_mch_id"), Some("1900000111"));
}

#[test]
fn missing_required_fields_fail_before_io() {
    let l = listener();
    let c = client_with(&l, |_| {});
    let e = c.request("pay/unifiedorder", &[("body", "b")]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::MissingField);
    let e = c.request("pay/orderquery", &[("x", "1")]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::MissingField);
    // An empty value does not count as given.
    let e = c.request("pay/closeorder", &[("out_trade_no", "")]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::MissingField);
    assert!(no_connection(&l));
}

#[test]
fn sign_types_follow_the_endpoint() {
    let l = listener();
    let c = client_with(&l, |c| {
        c.set_sign_type(SignType::HmacSha256);
    });
    // The sandbox accepts only MD5: the configured HMAC-SHA256 gives way.
    let p = c.prepare("xdc/apiv2sandbox/pay/orderquery", &[("out_trade_no", "T")]).unwrap();
    assert_eq!(p.sign_type, SignType::Md5);
    // An explicit request for another algorithm than the endpoint takes is refused.
    let e = c.prepare("xdc/apiv2sandbox/pay/orderquery", &[("out_trade_no", "T"), ("sign_type", "HMAC-SHA256")]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ConflictingField);
    // The caller's sign_type field overrides the configured one.
    let p = c.prepare("pay/orderquery", &[("out_trade_no", "T"), ("sign_type", "MD5")]).unwrap();
    assert_eq!(p.sign_type, SignType::Md5);
    let e = c.prepare("pay/orderquery", &[("out_trade_no", "T"), ("sign_type", "SHA1")]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnknownSignType);
    assert!(no_connection(&l));
}

#[test]
fn appid_is_required_where_the_endpoint_takes_one() {
    let l = listener();
    let mut c = Config::new();
    c.set_mch_id("1900000109").unwrap().set_api_key(ApiKey::new(KEY).unwrap());
    c.set_host(Host::parse(&format!("https://127.0.0.1:{}/", l.local_addr().unwrap().port())).unwrap());
    let c = Client::new(&c).unwrap();
    assert_eq!(c.prepare("pay/orderquery", &[("out_trade_no", "T")]).unwrap_err().kind(), ErrorKind::MissingField);
    // The sandbox key endpoint takes no appid.
    assert!(c.prepare("xdc/apiv2getsignkey/sign/getsignkey", &[] as &[(&str, &str)]).is_ok());
}

#[test]
fn config_options_by_name() {
    let mut c = Config::new();
    for (n, v) in [
        ("appid", "wx1"),
        ("mch_id", "1900000109"),
        ("sign_type", "HMAC-SHA256"),
        ("host", "apihk"),
        ("backup_host", "none"),
        ("failover", "on_no_response"),
        ("connect_timeout_ms", "1500"),
        ("timeout_ms", "5000"),
        ("max_response_size", "4096"),
        ("max_download_size", "8192"),
        ("max_fields", "64"),
        ("sub_appid", "wx2"),
        ("sub_mch_id", "1900000110"),
    ] {
        c.set(n, v).unwrap_or_else(|e| panic!("{n}: {e}"));
    }
    assert_eq!(c.host, Host::HongKong);
    assert_eq!(c.backup_host(), None);
    assert_eq!(c.timeout, std::time::Duration::from_millis(5000));
    let key = std::str::from_utf8(KEY).unwrap();
    c.set("api_key", key).unwrap();
    let e = c.set("api_key", "short-secret-key").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidKey);
    assert!(!e.message().contains("short-secret-key"));
    assert!(!format!("{c:?}").contains(key));
    assert_eq!(c.max_fields, 64);
    for (n, v) in [("max_fields", "0"), ("max_fields", "-1"), ("timeout_ms", "0"), ("host", "http://127.0.0.1/"), ("host", "https://u:p@x/"), ("failover", "sometimes"), ("nope", "1"), ("mch_id", "")] {
        assert_eq!(c.set(n, v).unwrap_err().kind(), ErrorKind::InvalidArgument, "{n}={v}");
    }
}

#[test]
fn the_default_backup_is_api2_for_api_only() {
    let mut c = Config::new();
    assert_eq!(c.backup_host(), Some(Host::Backup));
    c.set_host(Host::UnitedStates);
    assert_eq!(c.backup_host(), None);
    assert_eq!(Host::parse("https://sim.local:8443/wx").unwrap().base_url(), "https://sim.local:8443/wx/");
}

#[test]
fn a_client_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Client>();
}

#[test]
fn a_notification_over_the_clients_field_limit_is_refused_with_its_own_error() {
    let l = listener();
    let c = client_with(&l, |c| {
        c.set_max_fields(12).unwrap();
    });
    let notification = |extra: usize| {
        let mut f: Vec<(String, String)> = [
            ("return_code", "SUCCESS"),
            ("result_code", "SUCCESS"),
            ("appid", "wx2421b1c4370ec43b"),
            ("mch_id", "1900000109"),
            ("nonce_str", "5K8264ILTKCH16CQ2502SI8ZNMTM67VS"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        f.extend((0..extra).map(|i| (format!("attach_{i}"), "x".to_owned())));
        let s = sign::sign(&f, &ApiKey::new(KEY).unwrap(), None).unwrap();
        f.push(("sign".into(), s.as_str().to_owned()));
        xml::build(&f).unwrap()
    };
    // 5 fields, the extra ones and sign: 12 is accepted, 13 refused.
    assert!(c.payment_notification(notification(6).as_bytes()).unwrap().paid);
    let e = c.payment_notification(notification(7).as_bytes()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::XmlTooManyFields);
    assert!(e.message().contains("more than 12 fields"), "{}", e.message());
    assert_eq!(Config::new().set_max_fields(0).unwrap_err().kind(), ErrorKind::InvalidArgument);
}
