//! The merchant flows through the C ABI, as a wrapper uses them: against a
//! real TLS server on loopback for micropay, bills and the sandbox.

mod support;

use std::ffi::{CStr, CString, c_char};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use support::pki::Pki;
use support::server::{Handler, Reply, Server};
use support::*;
use wxpay::SignType;
use wxpay::ffi::bill::*;
use wxpay::ffi::client::*;
use wxpay::ffi::config::*;
use wxpay::ffi::error::*;
use wxpay::ffi::fields::*;
use wxpay::ffi::micropay::*;
use wxpay::ffi::notify::*;
use wxpay::ffi::pay_params::*;
use wxpay::ffi::table::*;
use wxpay::ffi::xml::wxpay_string_free;

fn pack(pairs: &[(&str, &str)]) -> (Vec<u8>, usize, usize) {
    let joined = pairs.iter().flat_map(|(k, v)| [*k, *v]).collect::<Vec<_>>().join("\0");
    let len = joined.len();
    (joined.into_bytes(), len, pairs.len())
}

fn set(cfg: *mut wxpay_config, name: &str, value: &str) {
    let (n, v) = (CString::new(name).unwrap(), CString::new(value).unwrap());
    assert_eq!(unsafe { wxpay_config_set(cfg, n.as_ptr(), v.as_ptr()) }, wxpay_result::Ok, "{name}");
}

/// All fields of a set, via the one-call packed form.
fn all(f: *const wxpay_fields) -> Vec<(String, String)> {
    let (mut data, mut len, mut count): (*const c_char, usize, usize) = (std::ptr::null(), 0, 0);
    assert_eq!(unsafe { wxpay_fields_packed(f, &mut data, &mut len, &mut count) }, wxpay_result::Ok);
    let text = std::str::from_utf8(unsafe { std::slice::from_raw_parts(data.cast::<u8>(), len) }).unwrap();
    if count == 0 {
        return Vec::new();
    }
    let parts: Vec<&str> = text.split('\0').collect();
    parts.chunks(2).map(|kv| (kv[0].to_owned(), kv[1].to_owned())).collect()
}

/// A table as a list of records, the way a wrapper builds its list of dicts.
fn records(t: *const wxpay_table) -> Vec<Vec<(String, String)>> {
    let (mut cols, mut cols_len, mut ncols) = (std::ptr::null(), 0usize, 0usize);
    let (mut cells, mut cells_len, mut nrows) = (std::ptr::null(), 0usize, 0usize);
    assert_eq!(
        unsafe { wxpay_table_packed(t, &mut cols, &mut cols_len, &mut ncols, &mut cells, &mut cells_len, &mut nrows) },
        wxpay_result::Ok
    );
    assert_eq!(unsafe { wxpay_table_row_count(t) }, nrows);
    let split = |p: *const c_char, len: usize| -> Vec<String> {
        let s = std::str::from_utf8(unsafe { std::slice::from_raw_parts(p.cast::<u8>(), len) }).unwrap();
        s.split_terminator('\0').map(str::to_owned).collect()
    };
    let names = split(cols, cols_len);
    let values = split(cells, cells_len);
    assert_eq!(names.len(), ncols);
    assert_eq!(values.len(), ncols * nrows);
    values.chunks(ncols.max(1)).map(|row| names.iter().cloned().zip(row.iter().cloned()).collect()).collect()
}

fn field<'a>(record: &'a [(String, String)], name: &str) -> &'a str {
    record.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap()
}

fn last_message() -> String {
    unsafe { CStr::from_ptr(wxpay_last_error_message()) }.to_str().unwrap().to_owned()
}

fn client_for(server: Option<(&Server, &Pki)>, extra: &[(&str, &str)]) -> *mut wxpay_client {
    let cfg = wxpay_config_new();
    set(cfg, "appid", APPID);
    set(cfg, "mch_id", MCH_ID);
    set(cfg, "api_key", KEY);
    for (k, v) in extra {
        set(cfg, k, v);
    }
    if let Some((server, pki)) = server {
        set(cfg, "host", &server.url());
        let ca = pki.ca_pem();
        assert_eq!(unsafe { wxpay_config_set_root_ca(cfg, ca.as_ptr().cast(), ca.len()) }, wxpay_result::Ok);
        let (cert, key) = (pki.client_cert_pem(), pki.client_key_pkcs8());
        assert_eq!(
            unsafe { wxpay_config_set_pem(cfg, cert.as_ptr().cast(), cert.len(), key.as_ptr().cast(), key.len(), std::ptr::null()) },
            wxpay_result::Ok
        );
    }
    let mut client = std::ptr::null_mut();
    assert_eq!(unsafe { wxpay_client_new(cfg, &mut client) }, wxpay_result::Ok, "{}", last_message());
    unsafe { wxpay_config_free(cfg) };
    client
}

fn notification(pairs: &[(&str, &str)]) -> Vec<u8> {
    signed_xml(pairs, Some(SignType::HmacSha256))
}

const PAID: &[(&str, &str)] = &[
    ("return_code", "SUCCESS"),
    ("appid", APPID),
    ("mch_id", MCH_ID),
    ("nonce_str", "n1"),
    ("result_code", "SUCCESS"),
    ("sign_type", "HMAC-SHA256"),
    ("out_trade_no", "T1"),
    ("total_fee", "1"),
];

#[test]
fn notifications_and_replies() {
    let client = client_for(None, &[]);
    let body = notification(PAID);
    let mut fields = std::ptr::null_mut();
    let mut paid = -1;
    // A retry of the same body verifies again.
    for _ in 0..2 {
        assert_eq!(
            unsafe { wxpay_notify_payment(client, body.as_ptr().cast(), body.len(), &mut fields, &mut paid) },
            wxpay_result::Ok
        );
        assert_eq!(paid, 1);
        assert!(all(fields).contains(&("out_trade_no".into(), "T1".into())));
        unsafe { wxpay_fields_free(fields) };
    }

    // Forged: each its own code; out-parameters untouched.
    let text = String::from_utf8(body.clone()).unwrap();
    let unsigned = unsigned_xml(PAID);
    let added = text.replace("</xml>", "<attach>x</attach></xml>");
    let dup = text.replace("</xml>", "<total_fee>2</total_fee></xml>");
    let changed = text.replace("<![CDATA[T1]]>", "<![CDATA[T2]]>");
    let other = notification(&[("return_code", "SUCCESS"), ("appid", APPID), ("mch_id", "1"), ("result_code", "SUCCESS")]);
    let md5_claim = text.replace("HMAC-SHA256", "MD5");
    let cases: [(&[u8], wxpay_result); 6] = [
        (&unsigned, wxpay_result::SignatureMissing),
        (changed.as_bytes(), wxpay_result::SignatureMismatch),
        (md5_claim.as_bytes(), wxpay_result::SignTypeMismatch),
        (added.as_bytes(), wxpay_result::SignatureFieldsAdded),
        (dup.as_bytes(), wxpay_result::XmlDuplicate),
        (&other, wxpay_result::MerchantMismatch),
    ];
    for (bad, code) in cases {
        let mut f = std::ptr::null_mut();
        let mut p = 7;
        assert_eq!(unsafe { wxpay_notify_payment(client, bad.as_ptr().cast(), bad.len(), &mut f, &mut p) }, code);
        assert!(f.is_null());
        assert_eq!(p, 7);
        assert_eq!(wxpay_last_error_code(), code);
        assert!(!last_message().contains(KEY));
    }
    assert_eq!(
        unsafe { wxpay_notify_payment(client, body.as_ptr().cast(), body.len(), std::ptr::null_mut(), &mut paid) },
        wxpay_result::NullArgument
    );
    assert_eq!(
        unsafe { wxpay_notify_payment(std::ptr::null(), body.as_ptr().cast(), body.len(), &mut fields, &mut paid) },
        wxpay_result::NullArgument
    );

    // Refund: a body that is not ciphertext, one that does not decrypt.
    let mut info = std::ptr::null_mut();
    let mut outer = std::ptr::null_mut();
    for (req_info, code) in [("%%%%", wxpay_result::CiphertextCorrupt), ("AAAAAAAAAAAAAAAAAAAAAA==", wxpay_result::DecryptFailed)] {
        let body = format!("<xml><return_code>SUCCESS</return_code><mch_id>{MCH_ID}</mch_id><req_info>{req_info}</req_info></xml>");
        assert_eq!(unsafe { wxpay_notify_refund(client, body.as_ptr().cast(), body.len(), &mut info, &mut outer) }, code);
        assert!(info.is_null() && outer.is_null());
    }

    // Replies.
    let mut xml = std::ptr::null_mut();
    let mut len = 0usize;
    assert_eq!(unsafe { wxpay_notify_reply(1, std::ptr::null(), &mut xml, &mut len) }, wxpay_result::Ok);
    let s = unsafe { CStr::from_ptr(xml) }.to_str().unwrap().to_owned();
    assert_eq!(s.len(), len);
    assert_eq!(s, "<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>");
    unsafe { wxpay_string_free(xml) };
    let msg = CString::new("try later").unwrap();
    assert_eq!(unsafe { wxpay_notify_reply(0, msg.as_ptr(), &mut xml, std::ptr::null_mut()) }, wxpay_result::Ok);
    assert!(unsafe { CStr::from_ptr(xml) }.to_str().unwrap().contains("FAIL"));
    unsafe { wxpay_string_free(xml) };
    unsafe { wxpay_client_free(client) };
}

#[test]
fn pay_params_through_the_c_abi() {
    let client = client_for(None, &[("sign_type", "HMAC-SHA256")]);
    let prepay = CString::new("wx20161110163838f231619da20804912345").unwrap();
    let nonce = CString::new("ibuaiVcKdpRxkhJA").unwrap();
    let mut params = std::ptr::null_mut();
    let r = unsafe { wxpay_pay_params(client, wxpay_pay_kind::Jsapi as i32, prepay.as_ptr(), std::ptr::null(), 1478767118, nonce.as_ptr(), &mut params) };
    assert_eq!(r, wxpay_result::Ok);
    let got = all(params);
    let names: Vec<&str> = got.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names, ["appId", "timeStamp", "nonceStr", "package", "signType", "paySign"]);
    assert_eq!(got[4].1, "HMAC-SHA256");
    unsafe { wxpay_fields_free(params) };
    // No timestamp and no nonce: now and a random one.
    let r = unsafe { wxpay_pay_params(client, wxpay_pay_kind::App as i32, prepay.as_ptr(), std::ptr::null(), 0, std::ptr::null(), &mut params) };
    assert_eq!(r, wxpay_result::Ok);
    let got = all(params);
    assert_eq!(got[1], ("partnerid".to_owned(), MCH_ID.to_owned()));
    assert!(got[5].1.parse::<u64>().unwrap() > 1_700_000_000);
    assert_eq!(got[4].1.len(), 32);
    unsafe { wxpay_fields_free(params) };
    // wx.chooseWXPay: JSAPI's signature, the JS-SDK's names.
    let mut jsapi = std::ptr::null_mut();
    let r = unsafe { wxpay_pay_params(client, wxpay_pay_kind::Jsapi as i32, prepay.as_ptr(), std::ptr::null(), 1478767118, nonce.as_ptr(), &mut jsapi) };
    assert_eq!(r, wxpay_result::Ok);
    let r = unsafe { wxpay_pay_params(client, wxpay_pay_kind::ChooseWxPay as i32, prepay.as_ptr(), std::ptr::null(), 1478767118, nonce.as_ptr(), &mut params) };
    assert_eq!(r, wxpay_result::Ok);
    let (got, jsapi_got) = (all(params), all(jsapi));
    let names: Vec<&str> = got.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names, ["timestamp", "nonceStr", "package", "signType", "paySign"]);
    assert_eq!(got[0].1, "1478767118");
    assert_eq!(got[4], jsapi_got[5]);
    unsafe { wxpay_fields_free(params) };
    unsafe { wxpay_fields_free(jsapi) };
    let mut untouched = std::ptr::null_mut();
    let r = unsafe { wxpay_pay_params(client, 5, prepay.as_ptr(), std::ptr::null(), 0, std::ptr::null(), &mut untouched) };
    assert_eq!(r, wxpay_result::InvalidArgument);
    let r = unsafe { wxpay_pay_params(client, 1, std::ptr::null(), std::ptr::null(), 0, std::ptr::null(), &mut untouched) };
    assert_eq!(r, wxpay_result::NullArgument);
    assert!(untouched.is_null());
    unsafe { wxpay_client_free(client) };
}

#[test]
fn bills_through_the_c_abi() {
    let text = "交易时间,商户订单号,商品名称\n`2026-11-24 10:00:00,`T1,`tea, green\n`2026-11-24 11:00:00,`T2,`mug\n总交易单数,总金额\n`2,`0.03\n";
    let (mut rows, mut summary) = (std::ptr::null_mut(), std::ptr::null_mut());
    assert_eq!(unsafe { wxpay_bill_parse(text.as_ptr(), text.len(), &mut rows, &mut summary) }, wxpay_result::Ok);
    let r = records(rows);
    assert_eq!(r.len(), 2);
    assert_eq!(field(&r[0], "商品名称"), "tea, green");
    assert_eq!(field(&r[1], "商户订单号"), "T2");
    let s = records(summary);
    assert_eq!(field(&s[0], "总交易单数"), "2");
    unsafe { wxpay_table_free(rows) };
    unsafe { wxpay_table_free(summary) };
    unsafe { wxpay_table_free(std::ptr::null_mut()) };
    let (mut r2, mut s2) = (std::ptr::null_mut(), std::ptr::null_mut());
    let bad = "not,a\nbill";
    assert_eq!(unsafe { wxpay_bill_parse(bad.as_ptr(), bad.len(), &mut r2, &mut s2) }, wxpay_result::ResponseInvalid);
    assert!(r2.is_null() && s2.is_null());

    // Download and parse in one call, from a server.
    let pki = Pki::new("bill CA");
    let body = text.as_bytes().to_vec();
    let handler: Handler = Arc::new(move |path, _| match path {
        "pay/downloadbill" => Reply::Body(body.clone()),
        _ => Reply::Status(404, Vec::new()),
    });
    let server = Server::start(&pki.server, None, handler);
    let client = client_for(Some((&server, &pki)), &[]);
    let path = CString::new("pay/downloadbill").unwrap();
    let (data, len, count) = pack(&[("bill_date", "20261124"), ("bill_type", "ALL")]);
    let r = unsafe { wxpay_download_bill(client, path.as_ptr(), data.as_ptr().cast(), len, count, &mut rows, &mut summary) };
    assert_eq!(r, wxpay_result::Ok, "{}", last_message());
    assert_eq!(records(rows).len(), 2);
    unsafe { wxpay_table_free(rows) };
    unsafe { wxpay_table_free(summary) };
    let (data, len, count) = pack(&[("bill_type", "ALL")]);
    let r = unsafe { wxpay_download_bill(client, path.as_ptr(), data.as_ptr().cast(), len, count, &mut r2, &mut s2) };
    assert_eq!(r, wxpay_result::MissingField);
    unsafe { wxpay_client_free(client) };
}

#[test]
fn micropay_through_the_c_abi() {
    let pki = Pki::new("micropay CA");
    let queries = Arc::new(AtomicUsize::new(0));
    let q = queries.clone();
    let handler: Handler = Arc::new(move |path, _| {
        let ok = |extra: &[(&str, &str)]| {
            let mut f = vec![("return_code", "SUCCESS"), ("result_code", "SUCCESS")];
            f.extend_from_slice(extra);
            Reply::Body(signed_xml(&f, Some(SignType::Md5)))
        };
        match path {
            "pay/micropay" => Reply::Body(signed_xml(
                &[("return_code", "SUCCESS"), ("result_code", "FAIL"), ("err_code", "USERPAYING")],
                Some(SignType::Md5),
            )),
            "pay/orderquery" if q.fetch_add(1, Ordering::SeqCst) == 0 => ok(&[("trade_state", "USERPAYING")]),
            "pay/orderquery" => ok(&[("trade_state", "SUCCESS"), ("transaction_id", "4200")]),
            _ => Reply::Status(404, Vec::new()),
        }
    });
    let server = Server::start(&pki.server, Some(&pki.ca), handler);
    let client = client_for(Some((&server, &pki)), &[]);
    let mut options = wxpay_micropay_options { poll_interval_ms: 0, poll_deadline_ms: 0, reverse_attempts: 0, reverse_interval_ms: 0 };
    assert_eq!(unsafe { wxpay_micropay_options_default(&mut options) }, wxpay_result::Ok);
    assert_eq!((options.poll_interval_ms, options.poll_deadline_ms, options.reverse_attempts), (5000, 30000, 3));
    options.poll_interval_ms = 1;
    options.reverse_interval_ms = 1;
    let pay = [("body", "tea"), ("out_trade_no", "M1"), ("total_fee", "1"), ("spbill_create_ip", "127.0.0.1"), ("auth_code", "134600000000000000")];
    let (data, len, count) = pack(&pay);
    let (mut state, mut fields, mut steps) = (0i32, std::ptr::null_mut(), std::ptr::null_mut());
    let r = unsafe { wxpay_micropay(client, data.as_ptr().cast(), len, count, &options, &mut state, &mut fields, &mut steps) };
    assert_eq!(r, wxpay_result::Ok, "{}", last_message());
    assert_eq!(state, wxpay_micropay_state::Paid as i32);
    assert!(all(fields).contains(&("transaction_id".into(), "4200".into())));
    let s = records(steps);
    let outcomes: Vec<&str> = s.iter().map(|r| field(r, "outcome")).collect();
    assert_eq!(outcomes, ["USERPAYING", "USERPAYING", "SUCCESS"]);
    assert_eq!(field(&s[0], "error"), "WXPAY_RESULT_BUSINESS_FAIL");
    assert_eq!(field(&s[1], "path"), "pay/orderquery");
    unsafe { wxpay_fields_free(fields) };
    unsafe { wxpay_table_free(steps) };

    // Found before any network I/O: nothing written.
    let (data, len, count) = pack(&pay[..4]);
    let (mut state2, mut f2, mut s2) = (9i32, std::ptr::null_mut(), std::ptr::null_mut());
    let r = unsafe { wxpay_micropay(client, data.as_ptr().cast(), len, count, std::ptr::null(), &mut state2, &mut f2, &mut s2) };
    assert_eq!(r, wxpay_result::MissingField);
    assert!(f2.is_null() && s2.is_null() && state2 == 9);
    unsafe { wxpay_client_free(client) };

    // A client without the certificate cannot reverse, so cannot start.
    let plain = client_for(None, &[]);
    let (data, len, count) = pack(&pay);
    let r = unsafe { wxpay_micropay(plain, data.as_ptr().cast(), len, count, std::ptr::null(), &mut state2, &mut f2, &mut s2) };
    assert_eq!(r, wxpay_result::CertificateRequired);
    unsafe { wxpay_client_free(plain) };
}
