//! Certificate inspection, a client's certificate status and reload, and the
//! merchant category codes, through the C ABI as a wrapper uses them.

mod support;

use std::ffi::{CStr, CString, c_char};
use std::sync::Arc;

use support::certs::{self, TempDir};
use support::pki::Pki;
use support::server::{Handler, Reply, Server};
use support::*;
use wxpay::SignType;
use wxpay::ffi::cert::*;
use wxpay::ffi::client::*;
use wxpay::ffi::config::*;
use wxpay::ffi::error::*;
use wxpay::ffi::fields::*;
use wxpay::ffi::mcc::*;

fn fields(f: *const wxpay_fields) -> Vec<(String, String)> {
    let (mut data, mut len, mut count): (*const c_char, usize, usize) = (std::ptr::null(), 0, 0);
    assert_eq!(unsafe { wxpay_fields_packed(f, &mut data, &mut len, &mut count) }, wxpay_result::Ok);
    let bytes = unsafe { std::slice::from_raw_parts(data.cast::<u8>(), len) };
    let parts: Vec<String> = std::str::from_utf8(bytes).unwrap().split('\0').map(str::to_owned).collect();
    let pairs: Vec<(String, String)> = parts.chunks(2).map(|c| (c[0].clone(), c[1].clone())).collect();
    assert_eq!(pairs.len(), count);
    pairs
}

fn value(pairs: &[(String, String)], name: &str) -> String {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_else(|| panic!("no {name}"))
}

fn last_message() -> String {
    unsafe { CStr::from_ptr(wxpay_last_error_message()) }.to_str().unwrap().to_owned()
}

fn name(code: wxpay_result) -> String {
    unsafe { CStr::from_ptr(wxpay_result_name(code as i32)) }.to_str().unwrap().to_owned()
}

#[test]
fn cert_info_reads_p12_and_pem() {
    let ca = certs::ca("MmpaymchCA");
    let pair = certs::merchant_pair(&ca, "Example Co.", &[0x0A, 0xBC], 30);
    let p12 = certs::p12(&pair, MCH_ID);
    let pw = CString::new(MCH_ID).unwrap();
    let mut out: *mut wxpay_fields = std::ptr::null_mut();
    assert_eq!(unsafe { wxpay_cert_info(p12.as_ptr(), p12.len(), std::ptr::null(), 0, pw.as_ptr(), &mut out) }, wxpay_result::Ok);
    let f = fields(out);
    unsafe { wxpay_fields_free(out) };
    assert_eq!(f.len(), 16);
    assert_eq!(f[0].0, "subject_cn");
    assert_eq!(value(&f, "issuer_kind"), "wechatpay");
    assert_eq!(value(&f, "serial"), "0ABC", "whole bytes, as `openssl x509 -serial` prints it");
    assert_eq!(value(&f, "days_until_expiry"), "30");
    assert_eq!(value(&f, "expiry"), "expiring");
    assert_eq!(value(&f, "merchant_id"), "");
    assert_eq!(value(&f, "key_matches"), "true");
    assert!(value(&f, "not_after").ends_with('Z'));

    let (cert, key) = (certs::cert_pem(&pair), certs::key_pkcs8(&pair));
    let mut out: *mut wxpay_fields = std::ptr::null_mut();
    assert_eq!(
        unsafe { wxpay_cert_info(cert.as_ptr(), cert.len(), key.as_ptr().cast(), key.len(), std::ptr::null(), &mut out) },
        wxpay_result::Ok
    );
    assert_eq!(value(&fields(out), "key_matches"), "true");
    unsafe { wxpay_fields_free(out) };
    let other = support::pki::key().private_key_to_pem_pkcs8().unwrap();
    let mut out: *mut wxpay_fields = std::ptr::null_mut();
    assert_eq!(
        unsafe { wxpay_cert_info(cert.as_ptr(), cert.len(), other.as_ptr().cast(), other.len(), std::ptr::null(), &mut out) },
        wxpay_result::Ok
    );
    assert_eq!(value(&fields(out), "key_matches"), "false");
    unsafe { wxpay_fields_free(out) };
}

#[test]
fn cert_info_errors_leave_the_output_alone() {
    let ca = certs::ca("Tenpay.com Root CA");
    let pair = certs::merchant_pair(&ca, MCH_ID, &certs::ca_serial(4), 365);
    let p12 = certs::p12(&pair, "the-real-password");
    let wrong = CString::new("a-wrong-password").unwrap();
    let mut out: *mut wxpay_fields = std::ptr::null_mut();
    let call = |data: *const u8, len: usize, key: *const c_char, key_len: usize, pw: *const c_char, out: *mut *mut wxpay_fields| unsafe {
        wxpay_cert_info(data, len, key, key_len, pw, out)
    };
    assert_eq!(call(p12.as_ptr(), p12.len(), std::ptr::null(), 0, wrong.as_ptr(), &mut out), wxpay_result::CertificatePassword);
    assert!(out.is_null());
    assert!(!last_message().contains("password-") && last_message().contains("password is wrong"));
    assert_eq!(call(p12.as_ptr(), p12.len(), std::ptr::null(), 0, std::ptr::null(), &mut out), wxpay_result::CertificatePassword);
    assert_eq!(call(b"junk".as_ptr(), 4, std::ptr::null(), 0, std::ptr::null(), &mut out), wxpay_result::CertificateCorrupt);
    assert_eq!(call(std::ptr::null(), 0, std::ptr::null(), 0, std::ptr::null(), &mut out), wxpay_result::InvalidArgument);
    assert_eq!(call(std::ptr::null(), 5, std::ptr::null(), 0, std::ptr::null(), &mut out), wxpay_result::NullArgument);
    assert_eq!(call(p12.as_ptr(), p12.len(), std::ptr::null(), 3, std::ptr::null(), &mut out), wxpay_result::NullArgument);
    let key = certs::key_pkcs8(&pair);
    let right = CString::new("the-real-password").unwrap();
    assert_eq!(call(p12.as_ptr(), p12.len(), key.as_ptr().cast(), key.len(), right.as_ptr(), &mut out), wxpay_result::InvalidArgument);
    assert_eq!(call(p12.as_ptr(), p12.len(), std::ptr::null(), 0, right.as_ptr(), std::ptr::null_mut()), wxpay_result::NullArgument);
    assert!(out.is_null());
    let bad_utf8 = [0xFFu8, 0];
    assert_eq!(call(p12.as_ptr(), p12.len(), std::ptr::null(), 0, bad_utf8.as_ptr().cast(), &mut out), wxpay_result::InvalidUtf8);
    assert!(out.is_null());
}

#[test]
fn client_status_and_reload_through_the_c_abi() {
    let pki = Pki::new("ffi rotation CA");
    let handler: Handler = Arc::new(|_, _| {
        Reply::Body(signed_xml(&[("return_code", "SUCCESS"), ("result_code", "SUCCESS")], Some(SignType::Md5)))
    });
    let server = Server::start(&pki.server, Some(&pki.ca), handler);
    let dir = TempDir::new("ffi-reload");
    let expired = certs::merchant_pair(&pki.ca, "expired", &[0x20, 1], -5);
    let path = dir.write("apiclient_cert.p12", &certs::p12(&expired, MCH_ID), 0o600);

    let cfg = wxpay_config_new();
    for (n, v) in [("appid", APPID), ("mch_id", MCH_ID), ("api_key", KEY), ("host", &server.url()), ("strict_permissions", "true")] {
        let (n, v) = (CString::new(n).unwrap(), CString::new(v).unwrap());
        assert_eq!(unsafe { wxpay_config_set(cfg, n.as_ptr(), v.as_ptr()) }, wxpay_result::Ok);
    }
    let ca = pki.ca_pem();
    assert_eq!(unsafe { wxpay_config_set_root_ca(cfg, ca.as_ptr().cast(), ca.len()) }, wxpay_result::Ok);
    let p = CString::new(path.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { wxpay_config_set_p12_file(cfg, p.as_ptr(), std::ptr::null()) }, wxpay_result::Ok);
    let mut client: *mut wxpay_client = std::ptr::null_mut();
    assert_eq!(unsafe { wxpay_client_new(cfg, &mut client) }, wxpay_result::Ok);

    let mut status: *mut wxpay_fields = std::ptr::null_mut();
    assert_eq!(unsafe { wxpay_client_cert_status(client, &mut status) }, wxpay_result::Ok);
    let s = fields(status);
    unsafe { wxpay_fields_free(status) };
    assert_eq!(value(&s, "certificate"), "loaded");
    assert_eq!(value(&s, "expiry"), "expired");
    assert!(value(&s, "warning").contains("expired on"));
    assert_eq!(value(&s, "reloadable"), "true");

    // An expired certificate: its own code, before any request.
    let refund = CString::new("secapi/pay/refund").unwrap();
    let packed = b"out_trade_no\0T\0out_refund_no\0R\0total_fee\x001\0refund_fee\x001";
    let mut out: *mut wxpay_fields = std::ptr::null_mut();
    let r = unsafe { wxpay_request(client, refund.as_ptr(), packed.as_ptr().cast(), packed.len(), 4, &mut out) };
    assert_eq!(r, wxpay_result::CertificateExpired);
    assert_eq!(r as i32, 406);
    assert_eq!(name(r), "WXPAY_RESULT_CERTIFICATE_EXPIRED");
    assert!(out.is_null());
    assert_eq!(server.requests(), 0);

    // A renewed file that others can read is refused under strict_permissions.
    let renewed = certs::merchant_pair(&pki.ca, "renewed", &[0x20, 2], 365);
    dir.write("apiclient_cert.p12", &certs::p12(&renewed, MCH_ID), 0o644);
    let mut info: *mut wxpay_fields = std::ptr::null_mut();
    let r = unsafe { wxpay_client_reload_certificate(client, &mut info) };
    assert_eq!(r, wxpay_result::CertificatePermissions);
    assert_eq!(r as i32, 407);
    assert_eq!(name(r), "WXPAY_RESULT_CERTIFICATE_PERMISSIONS");
    assert!(info.is_null());
    assert!(last_message().contains("stays in use"));

    dir.write("apiclient_cert.p12", &certs::p12(&renewed, MCH_ID), 0o600);
    assert_eq!(unsafe { wxpay_client_reload_certificate(client, &mut info) }, wxpay_result::Ok);
    assert_eq!(value(&fields(info), "subject_cn"), "renewed");
    unsafe { wxpay_fields_free(info) };
    assert_eq!(unsafe { wxpay_client_reload_certificate(client, std::ptr::null_mut()) }, wxpay_result::Ok);
    let r = unsafe { wxpay_request(client, refund.as_ptr(), packed.as_ptr().cast(), packed.len(), 4, &mut out) };
    assert_eq!(r, wxpay_result::Ok, "{}", last_message());
    unsafe { wxpay_fields_free(out) };
    assert_eq!(server.client_cns.lock().unwrap().last().map(String::as_str), Some("renewed"));

    let mut status: *mut wxpay_fields = std::ptr::null_mut();
    assert_eq!(unsafe { wxpay_client_cert_status(client, &mut status) }, wxpay_result::Ok);
    let s = fields(status);
    unsafe { wxpay_fields_free(status) };
    assert_eq!(value(&s, "reloads"), "2");
    assert_eq!(value(&s, "last_reload_error"), "");
    assert_eq!(value(&s, "expiry"), "valid");

    assert_eq!(unsafe { wxpay_client_cert_status(std::ptr::null(), &mut status) }, wxpay_result::NullArgument);
    assert_eq!(unsafe { wxpay_client_cert_status(client, std::ptr::null_mut()) }, wxpay_result::NullArgument);
    assert_eq!(unsafe { wxpay_client_reload_certificate(std::ptr::null(), std::ptr::null_mut()) }, wxpay_result::NullArgument);
    unsafe { wxpay_client_free(client) };

    // A client without files has nothing to reload.
    let none_cfg = wxpay_config_new();
    for (n, v) in [("mch_id", MCH_ID), ("api_key", KEY)] {
        let (n, v) = (CString::new(n).unwrap(), CString::new(v).unwrap());
        assert_eq!(unsafe { wxpay_config_set(none_cfg, n.as_ptr(), v.as_ptr()) }, wxpay_result::Ok);
    }
    let mut client: *mut wxpay_client = std::ptr::null_mut();
    assert_eq!(unsafe { wxpay_client_new(none_cfg, &mut client) }, wxpay_result::Ok);
    assert_eq!(unsafe { wxpay_client_reload_certificate(client, std::ptr::null_mut()) }, wxpay_result::InvalidArgument);
    assert_eq!(unsafe { wxpay_client_cert_status(client, &mut status) }, wxpay_result::Ok);
    assert_eq!(fields(status)[0], ("certificate".to_owned(), "none".to_owned()));
    unsafe { wxpay_fields_free(status) };
    unsafe { wxpay_client_free(client) };
    unsafe { wxpay_config_free(none_cfg) };
    unsafe { wxpay_config_free(cfg) };
}

#[test]
fn merchant_category_codes_both_ways() {
    let mut category: *const c_char = std::ptr::null();
    assert_eq!(unsafe { wxpay_mcc_category(343, &mut category) }, wxpay_result::Ok);
    assert_eq!(unsafe { CStr::from_ptr(category) }.to_str().unwrap(), "Shoes&Garments");
    assert_eq!(unsafe { wxpay_mcc_category(533, &mut category) }, wxpay_result::Ok);
    assert_eq!(unsafe { CStr::from_ptr(category) }.to_str().unwrap(), "Medical Service");
    let before = category;
    assert_eq!(unsafe { wxpay_mcc_category(999, &mut category) }, wxpay_result::NotFound);
    assert_eq!(category, before);
    assert_eq!(unsafe { wxpay_mcc_category(-1, &mut category) }, wxpay_result::NotFound);
    assert_eq!(unsafe { wxpay_mcc_category(343, std::ptr::null_mut()) }, wxpay_result::NullArgument);

    let mut code = 0i32;
    let name = CString::new("hotel industry").unwrap();
    assert_eq!(unsafe { wxpay_mcc_code(name.as_ptr(), &mut code) }, wxpay_result::Ok);
    assert_eq!(code, 491);
    let name = CString::new("Casino").unwrap();
    assert_eq!(unsafe { wxpay_mcc_code(name.as_ptr(), &mut code) }, wxpay_result::NotFound);
    assert_eq!(code, 491);
    assert!(last_message().contains("Casino"));
    assert_eq!(unsafe { wxpay_mcc_code(std::ptr::null(), &mut code) }, wxpay_result::NullArgument);

    let mut list: *mut wxpay_fields = std::ptr::null_mut();
    assert_eq!(unsafe { wxpay_mcc_list(&mut list) }, wxpay_result::Ok);
    let l = fields(list);
    unsafe { wxpay_fields_free(list) };
    assert_eq!(l.len(), 18);
    assert_eq!(l[0], ("343".to_owned(), "Shoes&Garments".to_owned()));
    assert_eq!(l[17], ("533".to_owned(), "Medical Service".to_owned()));
    assert_eq!(value(&l, "531"), "international Conference");
    assert_eq!(unsafe { wxpay_mcc_list(std::ptr::null_mut()) }, wxpay_result::NullArgument);
}

#[test]
fn the_warning_window_constant_is_sixty_days() {
    assert_eq!(WXPAY_CERT_WARNING_DAYS as i64, wxpay::cert::RENEWAL_WINDOW_DAYS);
}
