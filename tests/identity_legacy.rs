//! An old RC2-40 `.p12` loads on OpenSSL 3. Its own test binary (process),
//! so that nothing but the library has the legacy provider loaded when it
//! parses the file.

mod support;

use openssl::pkcs12::Pkcs12;
use openssl::provider::Provider;
use support::pki::Pki;
use wxpay::client::Identity;

#[test]
fn legacy_rc2_p12_loads() {
    let pki = Pki::new("legacy CA");
    let der = {
        // Writing RC2-40 needs the legacy provider too; unloaded again at the end of this block.
        let _legacy = Provider::try_load(None, "legacy", true).expect("OpenSSL's legacy provider is installed");
        pki.client_p12_legacy("1900000109")
    };
    // Without the legacy provider, plain OpenSSL 3 cannot read it: the file really is RC2-40.
    let plain = Pkcs12::from_der(&der).unwrap().parse2("1900000109");
    assert!(plain.is_err(), "the test file should need the legacy provider");

    let id = Identity::from_p12(&der, "1900000109").unwrap();
    assert_eq!(id.subject(), "CN=1900000109");

    let e = Identity::from_p12(&der, "wrong").unwrap_err();
    assert_eq!(e.kind(), wxpay::ErrorKind::CertificatePassword);
}
