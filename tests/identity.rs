//! Loading the merchant certificate in every format, and each way it fails.

mod support;

use std::sync::OnceLock;

use support::pki::{self, Pki};
use wxpay::ErrorKind;
use wxpay::client::{Config, Identity};

fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| Pki::new("identity CA"))
}

#[test]
fn modern_p12_loads() {
    let id = Identity::from_p12(&pki().client_p12("pw"), "pw").unwrap();
    assert_eq!(id.subject(), "CN=1900000109");
    assert_eq!(id.serial(), "03");
    assert!(!format!("{id:?}").contains("PRIVATE"));
}

#[test]
fn wrong_p12_password_is_its_own_error() {
    let e = Identity::from_p12(&pki().client_p12("right-password"), "wrong-password").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::CertificatePassword);
    assert!(e.message().contains("password is wrong"));
    assert!(!e.message().contains("right-password") && !e.message().contains("wrong-password"));
}

#[test]
fn corrupt_p12_is_its_own_error() {
    let e = Identity::from_p12(b"certainly not PKCS#12", "pw").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::CertificateCorrupt);
    let mut der = pki().client_p12("pw");
    der.truncate(der.len() / 2);
    assert_eq!(Identity::from_p12(&der, "pw").unwrap_err().kind(), ErrorKind::CertificateCorrupt);
    let e = Identity::from_p12(&pki().client_p12("pw"), "p\0w").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
}

#[test]
fn pem_keys_in_pkcs1_and_pkcs8_load() {
    let p = pki();
    Identity::from_pem(&p.client_cert_pem(), &p.client_key_pkcs8(), None).unwrap();
    Identity::from_pem(&p.client_cert_pem(), &p.client_key_pkcs1(), None).unwrap();
    // A chain after the certificate is accepted.
    let mut chain = p.client_cert_pem();
    chain.extend(p.ca_pem());
    Identity::from_pem(&chain, &p.client_key_pkcs1(), None).unwrap();
}

#[test]
fn encrypted_pem_keys_need_their_password() {
    let p = pki();
    let enc = p.client_key_encrypted("kpw");
    Identity::from_pem(&p.client_cert_pem(), &enc, Some("kpw")).unwrap();
    let e = Identity::from_pem(&p.client_cert_pem(), &enc, None).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::CertificatePassword);
    assert!(e.message().contains("no password"));
    let e = Identity::from_pem(&p.client_cert_pem(), &enc, Some("nope")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::CertificatePassword);
}

#[test]
fn a_key_that_does_not_match_is_its_own_error() {
    let other = pki::key().private_key_to_pem_pkcs8().unwrap();
    let e = Identity::from_pem(&pki().client_cert_pem(), &other, None).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::CertificateKeyMismatch);
    assert!(e.message().contains("does not belong"));
}

#[test]
fn corrupt_pem_is_its_own_error() {
    let p = pki();
    let e = Identity::from_pem(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", &p.client_key_pkcs8(), None).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::CertificateCorrupt);
    let e = Identity::from_pem(b"", &p.client_key_pkcs8(), None).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::CertificateCorrupt);
    let e = Identity::from_pem(&p.client_cert_pem(), b"garbage", None).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::CertificateCorrupt);
}

#[test]
fn the_p12_password_defaults_to_the_merchant_id() {
    let p = pki();
    let mut c = Config::new();
    c.set_mch_id("1900000109").unwrap().set_api_key(support::key());
    c.set_p12(&p.client_p12("1900000109"), None);
    wxpay::Client::new(&c).unwrap();
    c.set_p12(&p.client_p12("something else"), None);
    assert_eq!(wxpay::Client::new(&c).unwrap_err().kind(), ErrorKind::CertificatePassword);
}

#[test]
fn unreadable_files_and_bad_root_cas_are_reported() {
    let mut c = Config::new();
    let e = c.set_p12_file("/nonexistent/apiclient_cert.p12", None).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::CertificateFile);
    assert!(e.message().contains("/nonexistent/apiclient_cert.p12"));
    c.set_mch_id("1900000109").unwrap().set_api_key(support::key());
    c.set_root_ca(b"not a certificate");
    assert_eq!(wxpay::Client::new(&c).unwrap_err().kind(), ErrorKind::CertificateCorrupt);
}
