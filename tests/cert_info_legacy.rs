//! Inspecting an old RC2-40 `.p12`. Its own test binary (process), so that
//! nothing but the library has OpenSSL's legacy provider loaded when it
//! reads the file.

mod support;

use openssl::pkcs12::Pkcs12;
use openssl::provider::Provider;
use support::certs;
use wxpay::cert::{self, IssuerKind};

#[test]
fn legacy_rc2_p12_is_inspected_and_converted() {
    let ca = certs::ca("MmpaymchCA");
    let leaf = certs::merchant_pair(&ca, "Example Co.", &[0x12, 0x34, 0x56], 365);
    let der = {
        // Writing RC2-40 needs the legacy provider too; unloaded again at the end of this block.
        let _legacy = Provider::try_load(None, "legacy", true).expect("OpenSSL's legacy provider is installed");
        certs::p12_legacy(&leaf, "1900000109")
    };
    assert!(Pkcs12::from_der(&der).unwrap().parse2("1900000109").is_err(), "the test file should need the legacy provider");

    let info = cert::inspect_p12(&der, Some("1900000109")).unwrap();
    assert_eq!(info.issuer_kind, IssuerKind::WechatPay);
    assert_eq!(info.serial_hex, "123456");
    assert_eq!(info.key_matches, Some(true));
    let (cert_pem, key_pem) = cert::p12_to_pem(&der, Some("1900000109")).unwrap();
    assert_eq!(cert::inspect_pem(&cert_pem, Some(&key_pem), None).unwrap(), info);
    assert_eq!(cert::inspect_p12(&der, Some("nope")).unwrap_err().kind(), wxpay::ErrorKind::CertificatePassword);
}
