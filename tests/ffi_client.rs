//! The client through the C ABI, as a wrapper uses it.

mod support;

use std::ffi::{CStr, CString, c_char, c_void};
use std::sync::{Arc, Mutex};

use support::pki::Pki;
use support::server::{Handler, Reply, Server};
use support::*;
use wxpay::SignType;
use wxpay::ffi::client::*;
use wxpay::ffi::config::*;
use wxpay::ffi::endpoint::*;
use wxpay::ffi::error::*;
use wxpay::ffi::fields::*;

fn pack(pairs: &[(&str, &str)]) -> (CString, usize, usize) {
    let joined = pairs.iter().flat_map(|(k, v)| [*k, *v]).collect::<Vec<_>>().join("\0");
    let len = joined.len();
    // CString cannot hold the inner NULs; keep the bytes with a trailing NUL instead.
    let mut bytes = joined.into_bytes();
    bytes.push(0);
    (unsafe { CString::from_vec_with_nul_unchecked(bytes) }, len, pairs.len())
}

fn set(cfg: *mut wxpay_config, name: &str, value: &str) {
    let (n, v) = (CString::new(name).unwrap(), CString::new(value).unwrap());
    assert_eq!(unsafe { wxpay_config_set(cfg, n.as_ptr(), v.as_ptr()) }, wxpay_result::Ok, "{name}");
}

fn get(f: *const wxpay_fields, name: &str) -> Option<String> {
    let n = CString::new(name).unwrap();
    let mut out: *const c_char = std::ptr::null();
    match unsafe { wxpay_fields_get(f, n.as_ptr(), &mut out) } {
        wxpay_result::Ok => Some(unsafe { CStr::from_ptr(out) }.to_str().unwrap().to_owned()),
        _ => None,
    }
}

fn last_message() -> String {
    unsafe { CStr::from_ptr(wxpay_last_error_message()) }.to_str().unwrap().to_owned()
}

unsafe extern "C" fn collect(user_data: *mut c_void, level: i32, message: *const c_char, len: usize) {
    let lines = unsafe { &*(user_data as *const Mutex<Vec<(i32, String)>>) };
    let text = unsafe { std::slice::from_raw_parts(message.cast::<u8>(), len) };
    lines.lock().unwrap().push((level, String::from_utf8(text.to_vec()).unwrap()));
}

#[test]
fn request_download_and_errors_through_the_c_abi() {
    let pki = Pki::new("ffi CA");
    let handler: Handler = Arc::new(|path, _| match path {
        "pay/orderquery" => Reply::Body(signed_xml(&[("return_code", "SUCCESS"), ("result_code", "SUCCESS"), ("trade_state", "SUCCESS")], Some(SignType::Md5))),
        "pay/downloadbill" => Reply::Body(b"a,b\n".to_vec()),
        _ => Reply::Body(signed_xml(&[("return_code", "SUCCESS"), ("result_code", "FAIL"), ("err_code", "ORDERNOTEXIST")], Some(SignType::Md5))),
    });
    let server = Server::start(&pki.server, Some(&pki.ca), handler);

    let cfg = wxpay_config_new();
    assert!(!cfg.is_null());
    set(cfg, "appid", APPID);
    set(cfg, "mch_id", MCH_ID);
    set(cfg, "api_key", KEY);
    set(cfg, "host", &server.url());
    let ca = pki.ca_pem();
    assert_eq!(unsafe { wxpay_config_set_root_ca(cfg, ca.as_ptr().cast(), ca.len()) }, wxpay_result::Ok);
    let lines: Box<Mutex<Vec<(i32, String)>>> = Box::new(Mutex::new(Vec::new()));
    let user_data = &*lines as *const _ as *mut c_void;
    assert_eq!(unsafe { wxpay_config_set_log(cfg, Some(collect), user_data, 9) }, wxpay_result::InvalidArgument);
    assert_eq!(unsafe { wxpay_config_set_log(cfg, Some(collect), user_data, 4) }, wxpay_result::Ok);

    // Bad options, each with its own code and nothing written.
    let (n, v) = (CString::new("api_key").unwrap(), CString::new("tooshort").unwrap());
    assert_eq!(unsafe { wxpay_config_set(cfg, n.as_ptr(), v.as_ptr()) }, wxpay_result::InvalidKey);
    let (n, v) = (CString::new("colour").unwrap(), CString::new("blue").unwrap());
    assert_eq!(unsafe { wxpay_config_set(cfg, n.as_ptr(), v.as_ptr()) }, wxpay_result::InvalidArgument);
    assert!(last_message().contains("colour"));

    // A client without a certificate: certificate endpoints fail before I/O.
    let mut client: *mut wxpay_client = std::ptr::null_mut();
    assert_eq!(unsafe { wxpay_client_new(cfg, &mut client) }, wxpay_result::Ok);
    let mut out: *mut wxpay_fields = std::ptr::null_mut();
    let path = CString::new("secapi/pay/refund").unwrap();
    let (data, len, count) = pack(&[("out_trade_no", "T"), ("out_refund_no", "R"), ("total_fee", "1"), ("refund_fee", "1")]);
    assert_eq!(unsafe { wxpay_request(client, path.as_ptr(), data.as_ptr(), len, count, &mut out) }, wxpay_result::CertificateRequired);
    assert!(out.is_null());
    assert_eq!(server.connections(), 0);
    unsafe { wxpay_client_free(client) };

    // With the certificate (PEM, PKCS#1).
    let (cert, key) = (pki.client_cert_pem(), pki.client_key_pkcs1());
    assert_eq!(
        unsafe { wxpay_config_set_pem(cfg, cert.as_ptr().cast(), cert.len(), key.as_ptr().cast(), key.len(), std::ptr::null()) },
        wxpay_result::Ok
    );
    let mut client: *mut wxpay_client = std::ptr::null_mut();
    assert_eq!(unsafe { wxpay_client_new(cfg, &mut client) }, wxpay_result::Ok);
    unsafe { wxpay_config_free(cfg) };

    let path = CString::new("pay/orderquery").unwrap();
    let (data, len, count) = pack(&[("out_trade_no", "T1")]);
    assert_eq!(unsafe { wxpay_request(client, path.as_ptr(), data.as_ptr(), len, count, &mut out) }, wxpay_result::Ok);
    assert_eq!(get(out, "trade_state").as_deref(), Some("SUCCESS"));
    unsafe { wxpay_fields_free(out) };

    // A business failure: the code, and the response in the last error.
    let path = CString::new("pay/closeorder").unwrap();
    let mut untouched: *mut wxpay_fields = std::ptr::null_mut();
    assert_eq!(unsafe { wxpay_request(client, path.as_ptr(), data.as_ptr(), len, count, &mut untouched) }, wxpay_result::BusinessFail);
    assert!(untouched.is_null());
    assert_eq!(wxpay_last_error_code(), wxpay_result::BusinessFail);
    assert!(last_message().contains("ORDERNOTEXIST"));
    assert_eq!(get(wxpay_last_error_response(), "err_code").as_deref(), Some("ORDERNOTEXIST"));
    assert_eq!(wxpay_last_error_retry(), wxpay_retry::Final);
    let (code, mut retry) = (CString::new("ORDERNOTEXIST").unwrap(), wxpay_retry::Unknown);
    assert_eq!(unsafe { wxpay_err_code_retry(path.as_ptr(), code.as_ptr(), &mut retry) }, wxpay_result::Ok);
    assert_eq!(retry, wxpay_retry::Final);
    let micropay = CString::new("/pay/micropay").unwrap();
    let paying = CString::new("USERPAYING").unwrap();
    assert_eq!(unsafe { wxpay_err_code_retry(micropay.as_ptr(), paying.as_ptr(), &mut retry) }, wxpay_result::Ok);
    assert_eq!(retry, wxpay_retry::Retryable);
    let url = CString::new("https://api.mch.weixin.qq.com/pay/micropay").unwrap();
    assert_eq!(unsafe { wxpay_err_code_retry(url.as_ptr(), paying.as_ptr(), &mut retry) }, wxpay_result::InvalidArgument);
    assert_eq!(retry, wxpay_retry::Retryable, "written only on success");
    assert_eq!(unsafe { wxpay_err_code_retry(micropay.as_ptr(), std::ptr::null(), &mut retry) }, wxpay_result::NullArgument);
    assert_eq!(wxpay_last_error_retry(), wxpay_retry::Unknown);

    // A conflicting field.
    let (bad, bad_len, bad_count) = pack(&[("out_trade_no", "T1"), ("mch_id", "42")]);
    let path = CString::new("pay/orderquery").unwrap();
    assert_eq!(unsafe { wxpay_request(client, path.as_ptr(), bad.as_ptr(), bad_len, bad_count, &mut out) }, wxpay_result::ConflictingField);

    // A bill.
    let path = CString::new("pay/downloadbill").unwrap();
    let (bill, bill_len, bill_count) = pack(&[("bill_date", "20240101")]);
    let mut bytes: *mut u8 = std::ptr::null_mut();
    let mut n = 0usize;
    assert_eq!(unsafe { wxpay_download(client, path.as_ptr(), bill.as_ptr(), bill_len, bill_count, &mut bytes, &mut n) }, wxpay_result::Ok);
    assert_eq!(unsafe { std::slice::from_raw_parts(bytes, n) }, b"a,b\n");
    unsafe { wxpay_bytes_free(bytes, n) };
    unsafe { wxpay_bytes_free(std::ptr::null_mut(), 0) };

    // NULL arguments.
    assert_eq!(unsafe { wxpay_request(std::ptr::null(), path.as_ptr(), bill.as_ptr(), bill_len, bill_count, &mut out) }, wxpay_result::NullArgument);
    assert_eq!(unsafe { wxpay_request(client, path.as_ptr(), bill.as_ptr(), bill_len, bill_count, std::ptr::null_mut()) }, wxpay_result::NullArgument);

    unsafe { wxpay_client_free(client) };
    unsafe { wxpay_client_free(std::ptr::null_mut()) };
    unsafe { wxpay_config_free(std::ptr::null_mut()) };

    let lines = lines.lock().unwrap();
    assert!(lines.iter().any(|(lv, m)| *lv == 3 && m.contains("pay/orderquery: SUCCESS")));
    assert!(lines.iter().any(|(lv, m)| *lv == 3 && m.contains("merchant certificate loaded")));
    assert!(lines.iter().all(|(_, m)| !m.contains(KEY)));
}

#[test]
fn certificate_errors_have_their_codes() {
    let pki = Pki::new("ffi cert CA");
    let cfg = wxpay_config_new();
    set(cfg, "mch_id", MCH_ID);
    set(cfg, "api_key", KEY);
    let p12 = pki.client_p12("pw");
    let wrong = CString::new("nope").unwrap();
    let mut client: *mut wxpay_client = std::ptr::null_mut();
    assert_eq!(unsafe { wxpay_config_set_p12(cfg, p12.as_ptr(), p12.len(), wrong.as_ptr()) }, wxpay_result::Ok);
    assert_eq!(unsafe { wxpay_client_new(cfg, &mut client) }, wxpay_result::CertificatePassword);
    assert!(client.is_null());
    assert!(!last_message().contains("nope"));
    let junk = b"junk";
    assert_eq!(unsafe { wxpay_config_set_p12(cfg, junk.as_ptr(), junk.len(), wrong.as_ptr()) }, wxpay_result::Ok);
    assert_eq!(unsafe { wxpay_client_new(cfg, &mut client) }, wxpay_result::CertificateCorrupt);
    let other = support::pki::key().private_key_to_pem_pkcs8().unwrap();
    let cert = pki.client_cert_pem();
    assert_eq!(
        unsafe { wxpay_config_set_pem(cfg, cert.as_ptr().cast(), cert.len(), other.as_ptr().cast(), other.len(), std::ptr::null()) },
        wxpay_result::Ok
    );
    assert_eq!(unsafe { wxpay_client_new(cfg, &mut client) }, wxpay_result::CertificateKeyMismatch);
    let missing = CString::new("/nonexistent.p12").unwrap();
    assert_eq!(unsafe { wxpay_config_set_p12_file(cfg, missing.as_ptr(), std::ptr::null()) }, wxpay_result::CertificateFile);
    unsafe { wxpay_config_free(cfg) };
}

#[test]
fn endpoint_info_exposes_the_table() {
    let mut info = std::mem::MaybeUninit::<wxpay_endpoint>::uninit();
    let path = CString::new("/pay/downloadfundflow").unwrap();
    assert_eq!(unsafe { wxpay_endpoint_info(path.as_ptr(), info.as_mut_ptr()) }, wxpay_result::Ok);
    let info = unsafe { info.assume_init() };
    assert_eq!(info.matched, wxpay_endpoint_match::Exact as i32);
    assert!(info.certificate && !info.signed_response && !info.md5 && info.hmac_sha256);
    assert_eq!(info.body_kind, wxpay_body_kind::Bytes as i32);
    assert_eq!(unsafe { CStr::from_ptr(info.mch_id_field) }.to_str().unwrap(), "mch_id");
    let required = unsafe { std::slice::from_raw_parts(info.required.cast::<u8>(), info.required_len) };
    assert_eq!(required, b"bill_date\0account_type");
    assert_eq!(info.required_count, 2);
    assert_eq!(unsafe { *info.required.add(info.required_len) }, 0);

    let mut info = std::mem::MaybeUninit::<wxpay_endpoint>::uninit();
    let path = CString::new("mmpaymkttransfers/promotion/transfers").unwrap();
    assert_eq!(unsafe { wxpay_endpoint_info(path.as_ptr(), info.as_mut_ptr()) }, wxpay_result::Ok);
    let info = unsafe { info.assume_init() };
    assert_eq!(unsafe { CStr::from_ptr(info.appid_field) }.to_str().unwrap(), "mch_appid");
    assert!(!info.sends_sign_type && info.md5 && !info.hmac_sha256);

    let mut info = std::mem::MaybeUninit::<wxpay_endpoint>::uninit();
    let path = CString::new("pay/somethingnew").unwrap();
    assert_eq!(unsafe { wxpay_endpoint_info(path.as_ptr(), info.as_mut_ptr()) }, wxpay_result::Ok);
    let info = unsafe { info.assume_init() };
    assert_eq!(info.matched, wxpay_endpoint_match::Unknown as i32);
    assert_eq!(info.required_count, 0);
    assert_eq!(unsafe { CStr::from_ptr(info.appid_field) }.to_str().unwrap(), "appid");

    let mut info = std::mem::MaybeUninit::<wxpay_endpoint>::uninit();
    let path = CString::new("https://evil/x").unwrap();
    assert_eq!(unsafe { wxpay_endpoint_info(path.as_ptr(), info.as_mut_ptr()) }, wxpay_result::InvalidArgument);
}

#[test]
fn new_result_codes_have_names_and_are_unique() {
    for (code, name) in [
        (wxpay_result::MissingField, "WXPAY_RESULT_MISSING_FIELD"),
        (wxpay_result::CertificatePassword, "WXPAY_RESULT_CERTIFICATE_PASSWORD"),
        (wxpay_result::Tls, "WXPAY_RESULT_TLS"),
        (wxpay_result::Timeout, "WXPAY_RESULT_TIMEOUT"),
        (wxpay_result::ProtocolFail, "WXPAY_RESULT_PROTOCOL_FAIL"),
        (wxpay_result::BusinessFail, "WXPAY_RESULT_BUSINESS_FAIL"),
    ] {
        assert_eq!(unsafe { CStr::from_ptr(wxpay_result_name(code as i32)) }.to_str().unwrap(), name);
    }
    assert_eq!(wxpay_result::CertificatePassword as i32, 400);
    assert_eq!(wxpay_result::Connect as i32, 500);
    assert_eq!(wxpay_result::ProtocolFail as i32, 600);
    assert_eq!(wxpay_result::BusinessFail as i32, 700);
}
