//! Inspecting merchant certificates of both issuer kinds, in every file
//! format, at each point of their validity, with matching and foreign keys.

mod support;

use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::PKey;
use support::certs::{self, DAY, TempDir, now};
use support::pki::{self, Pair};
use wxpay::ErrorKind;
use wxpay::cert::{self, Expiry, IssuerKind};
use wxpay::client::Identity;

const COMPANY: &str = "示例科技有限公司 Example Tech Co.";

fn wechat_issued(days_left: i64) -> (Pair, Pair) {
    let ca = certs::ca("MmpaymchCA");
    let leaf = certs::merchant_pair(&ca, COMPANY, &[0x5A, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07], days_left);
    (ca, leaf)
}

fn ca_issued(days_left: i64) -> (Pair, Pair) {
    let ca = certs::ca("Tenpay.com Root CA");
    let leaf = certs::merchant_pair(&ca, "1900000109", &certs::ca_serial(0), days_left);
    (ca, leaf)
}

#[test]
fn wechat_issued_certificate_from_pem_pkcs8() {
    let (_, leaf) = wechat_issued(365);
    let info = cert::inspect_pem(&certs::cert_pem(&leaf), Some(&certs::key_pkcs8(&leaf)), None).unwrap();
    assert_eq!(info.issuer_cn, "MmpaymchCA");
    assert_eq!(info.issuer_kind, IssuerKind::WechatPay);
    assert_eq!(info.subject_cn, COMPANY);
    assert_eq!(info.merchant_id, None, "a company name is not a merchant ID");
    assert_eq!(info.serial_hex, "5A01020304050607");
    assert!(info.serial_hex.len() < 40, "WeChat-issued serials are shorter than 20 bytes");
    assert_eq!(info.key_type, "RSA");
    assert_eq!(info.key_bits, 2048);
    assert_eq!(info.key_matches, Some(true));
    assert_eq!(info.days_until_expiry(now()), 365);
    assert_eq!(info.expiry(now()), Expiry::Valid);
    assert_eq!(info.warning(now()), None);
    let digest = leaf.cert.digest(MessageDigest::sha256()).unwrap();
    let hex: Vec<String> = digest.iter().map(|b| format!("{b:02X}")).collect();
    assert_eq!(info.sha256_fingerprint, hex.join(":"));
}

#[test]
fn ca_issued_certificate_from_modern_p12() {
    let (_, leaf) = ca_issued(365);
    let der = certs::p12(&leaf, "1900000109");
    let info = cert::inspect_p12(&der, Some("1900000109")).unwrap();
    assert_eq!(info.issuer_cn, "Tenpay.com Root CA");
    assert_eq!(info.issuer_kind, IssuerKind::Ca);
    assert_eq!(info.merchant_id.as_deref(), Some("1900000109"));
    assert_eq!(info.serial_hex.len(), 40, "CA-issued serials are 40 hex characters");
    assert_eq!(info.serial_hex, hex::upper(&certs::ca_serial(0)));
    assert_eq!(info.key_matches, Some(true));
    // The same through the format-detecting entry point.
    assert_eq!(cert::inspect(&der, None, Some("1900000109")).unwrap(), info);
}

#[test]
fn validity_dates_are_exact_in_both_forms() {
    let ca = certs::ca("Tenpay.com Root CA");
    let k = pki::key();
    // 2030-06-15T08:30:00Z to 2031-06-15T08:30:00Z.
    let (from, to) = (1_907_742_600, 1_907_742_600 + 365 * DAY);
    let c = certs::merchant(&ca, "123456789", &certs::ca_serial(1), from, to, &k);
    let info = cert::inspect_pem(&c.to_pem().unwrap(), None, None).unwrap();
    assert_eq!((info.not_before, info.not_after), (from, to));
    assert_eq!(info.not_before_iso(), "2030-06-15T08:30:00Z");
    assert_eq!(info.not_after_iso(), "2031-06-15T08:30:00Z");
    assert_eq!(info.expiry(from - 1), Expiry::NotYetValid);
    assert_eq!(info.expiry(from), Expiry::Valid);
    assert_eq!(info.expiry(to - 61 * DAY), Expiry::Valid);
    assert_eq!(info.expiry(to - 60 * DAY), Expiry::Expiring);
    assert_eq!(info.expiry(to - 1), Expiry::Expiring);
    assert_eq!(info.expiry(to), Expiry::Expired);
    assert_eq!(info.days_until_expiry(to - 30 * DAY), 30);
    assert_eq!(info.days_until_expiry(to - 30 * DAY + 1), 29);
    assert_eq!(info.days_until_expiry(to + 1), -1);
    assert_eq!(info.merchant_id.as_deref(), Some("123456789"));
    assert_eq!(info.key_matches, None, "no key given");
}

#[test]
fn merchant_ids_are_eight_to_ten_digits() {
    let ca = certs::ca("Tenpay.com Root CA");
    for (cn, id) in [("12345678", true), ("1234567890", true), ("1234567", false), ("12345678901", false), ("19000001O9", false)] {
        let p = certs::merchant_pair(&ca, cn, &certs::ca_serial(2), 100);
        let info = cert::inspect_pem(&certs::cert_pem(&p), None, None).unwrap();
        assert_eq!(info.merchant_id.is_some(), id, "{cn}");
    }
}

#[test]
fn pkcs1_key_and_a_key_inside_the_pem_are_checked() {
    let (_, leaf) = ca_issued(200);
    let info = cert::inspect_pem(&certs::cert_pem(&leaf), Some(&certs::key_pkcs1(&leaf)), None).unwrap();
    assert_eq!(info.key_matches, Some(true));
    let mut both = certs::cert_pem(&leaf);
    both.extend(certs::key_pkcs1(&leaf));
    assert_eq!(cert::inspect(&both, None, None).unwrap().key_matches, Some(true));
    // DER certificates are read too.
    let der = leaf.cert.to_der().unwrap();
    assert_eq!(cert::inspect(&der, None, None).unwrap().serial_hex.len(), 40);
}

#[test]
fn a_foreign_key_is_reported_not_refused() {
    let (_, leaf) = ca_issued(200);
    let other = pki::key().private_key_to_pem_pkcs8().unwrap();
    let info = cert::inspect_pem(&certs::cert_pem(&leaf), Some(&other), None).unwrap();
    assert_eq!(info.key_matches, Some(false));
    assert!(info.to_string().contains("key matches:    NO"));
    // The client refuses the same pair.
    let e = Identity::from_pem(&certs::cert_pem(&leaf), &other, None).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::CertificateKeyMismatch);
}

#[test]
fn expired_and_expiring_certificates() {
    let (_, expired) = ca_issued(-2);
    let info = cert::inspect_pem(&certs::cert_pem(&expired), None, None).unwrap();
    assert_eq!(info.expiry(now()), Expiry::Expired);
    assert!(info.days_until_expiry(now()) < 0);
    assert!(info.warning(now()).unwrap().contains("expired on"));

    let (_, soon) = wechat_issued(30);
    let info = cert::inspect_pem(&certs::cert_pem(&soon), None, None).unwrap();
    assert_eq!(info.days_until_expiry(now()), 30);
    assert_eq!(info.expiry(now()), Expiry::Expiring);
    let w = info.warning(now()).unwrap();
    assert!(w.contains("expires in 30 days") && w.contains(&info.serial_hex), "{w}");
}

#[test]
fn p12_passwords() {
    let (_, leaf) = ca_issued(100);
    let der = certs::p12(&leaf, "s3cret-pw-1900000109");
    let e = cert::inspect_p12(&der, Some("wrong-pw")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::CertificatePassword);
    assert!(!e.message().contains("s3cret") && !e.message().contains("wrong-pw"));
    let e = cert::inspect_p12(&der, None).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::CertificatePassword);
    assert!(e.message().contains("merchant ID"), "{}", e.message());
    // A .p12 without a password opens without one.
    assert!(cert::inspect_p12(&certs::p12(&leaf, ""), None).is_ok());
    // A separate key makes no sense with a .p12.
    let e = cert::inspect(&der, Some(&certs::key_pkcs8(&leaf)), Some("s3cret-pw-1900000109")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert_eq!(cert::inspect(b"junk", None, None).unwrap_err().kind(), ErrorKind::CertificateCorrupt);
}

#[test]
fn ec_keys_are_described() {
    let ca = certs::ca("Tenpay.com Root CA");
    let k = PKey::from_ec_key(EcKey::generate(&EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap()).unwrap()).unwrap();
    let c = certs::merchant(&ca, "1900000109", &certs::ca_serial(3), now() - DAY, now() + 100 * DAY, &k);
    let info = cert::inspect_pem(&c.to_pem().unwrap(), Some(&k.private_key_to_pem_pkcs8().unwrap()), None).unwrap();
    assert_eq!((info.key_type, info.key_bits, info.key_matches), ("EC", 256, Some(true)));
}

#[test]
fn pairs_name_every_fact_in_a_fixed_order() {
    let (_, leaf) = ca_issued(365);
    let info = cert::inspect_pem(&certs::cert_pem(&leaf), Some(&certs::key_pkcs8(&leaf)), None).unwrap();
    let pairs = info.to_pairs(now());
    let names: Vec<&str> = pairs.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names,
        [
            "subject_cn", "subject", "issuer_cn", "issuer_kind", "serial", "not_before", "not_before_unix", "not_after",
            "not_after_unix", "days_until_expiry", "expiry", "merchant_id", "key_type", "key_bits", "key_matches",
            "sha256_fingerprint"
        ]
    );
    let get = |n: &str| pairs.iter().find(|(k, _)| *k == n).map(|(_, v)| v.as_str()).unwrap();
    assert_eq!(get("issuer_kind"), "ca");
    assert_eq!(get("days_until_expiry"), "365");
    assert_eq!(get("expiry"), "valid");
    assert_eq!(get("key_matches"), "true");
    assert_eq!(get("not_after_unix"), info.not_after.to_string());
}

#[test]
fn p12_converts_to_pem_that_loads() {
    let (_, leaf) = wechat_issued(300);
    let der = certs::p12(&leaf, "pw");
    let (cert_pem, key_pem) = cert::p12_to_pem(&der, Some("pw")).unwrap();
    assert!(String::from_utf8_lossy(&key_pem).starts_with("-----BEGIN PRIVATE KEY-----"));
    let id = Identity::from_pem(&cert_pem, &key_pem, None).unwrap();
    assert_eq!(id.info(), &cert::inspect_p12(&der, Some("pw")).unwrap());
}

#[test]
fn exposed_key_files_are_found() {
    let dir = TempDir::new("perm");
    let open = dir.write("open.pem", b"x", 0o644);
    let group = dir.write("group.pem", b"x", 0o640);
    let private = dir.write("private.pem", b"x", 0o600);
    let e = cert::check_private_file(&open, "private key").unwrap().unwrap();
    assert_eq!(e.mode, 0o644);
    assert!(e.message().contains("0644") && e.message().contains("all users") && e.message().contains("chmod 600"));
    assert!(cert::check_private_file(&group, "private key").unwrap().unwrap().message().contains("its group"));
    assert_eq!(cert::check_private_file(&private, "private key").unwrap(), None);
    let missing = cert::check_private_file(&dir.path("missing"), "private key").unwrap_err();
    assert_eq!(missing.kind(), ErrorKind::CertificateFile);
}

mod hex {
    pub fn upper(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02X}")).collect()
    }
}
