//! Merchant certificates made at test time with chosen issuer, serial,
//! subject and validity, and scratch directories to put them in.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use openssl::asn1::Asn1Time;
use openssl::bn::BigNum;
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkcs12::Pkcs12;
use openssl::pkey::{PKey, Private};
use openssl::x509::extension::BasicConstraints;
use openssl::x509::{X509, X509NameBuilder};

use super::pki::{Pair, key};

pub const DAY: i64 = 86_400;

pub fn now() -> i64 {
    wxpay::cert::now_unix()
}

fn name(cn: &str) -> openssl::x509::X509Name {
    let mut n = X509NameBuilder::new().unwrap();
    n.append_entry_by_text("CN", cn).unwrap();
    n.build()
}

/// A self-signed CA named `cn` (e.g. `MmpaymchCA`, `Tenpay.com Root CA`).
pub fn ca(cn: &str) -> Pair {
    let k = key();
    let mut b = X509::builder().unwrap();
    b.set_version(2).unwrap();
    b.set_serial_number(&BigNum::from_u32(1).unwrap().to_asn1_integer().unwrap()).unwrap();
    b.set_subject_name(&name(cn)).unwrap();
    b.set_issuer_name(&name(cn)).unwrap();
    b.set_pubkey(&k).unwrap();
    b.set_not_before(&Asn1Time::from_unix(now() - DAY).unwrap()).unwrap();
    b.set_not_after(&Asn1Time::from_unix(now() + 3650 * DAY).unwrap()).unwrap();
    b.append_extension(BasicConstraints::new().critical().ca().build().unwrap()).unwrap();
    b.sign(&k, MessageDigest::sha256()).unwrap();
    Pair { cert: b.build(), key: k }
}

/// A merchant certificate for `key`, issued by `ca`, valid from
/// `not_before` to `not_after` (unix seconds), with the serial's bytes.
pub fn merchant(ca: &Pair, cn: &str, serial: &[u8], not_before: i64, not_after: i64, key: &PKey<Private>) -> X509 {
    let mut b = X509::builder().unwrap();
    b.set_version(2).unwrap();
    b.set_serial_number(&BigNum::from_slice(serial).unwrap().to_asn1_integer().unwrap()).unwrap();
    b.set_subject_name(&name(cn)).unwrap();
    b.set_issuer_name(ca.cert.subject_name()).unwrap();
    b.set_pubkey(key).unwrap();
    b.set_not_before(&Asn1Time::from_unix(not_before).unwrap()).unwrap();
    b.set_not_after(&Asn1Time::from_unix(not_after).unwrap()).unwrap();
    b.sign(&ca.key, MessageDigest::sha256()).unwrap();
    b.build()
}

/// A merchant certificate and key valid from a day ago until `days_left`
/// days and an hour from now (so whole days left = `days_left`; negative
/// for an expired one).
pub fn merchant_pair(ca: &Pair, cn: &str, serial: &[u8], days_left: i64) -> Pair {
    let k = key();
    let not_before = now() - 400 * DAY;
    let cert = merchant(ca, cn, serial, not_before, now() + days_left * DAY + 3600, &k);
    Pair { cert, key: k }
}

pub fn p12(pair: &Pair, password: &str) -> Vec<u8> {
    Pkcs12::builder().name("apiclient").pkey(&pair.key).cert(&pair.cert).build2(password).unwrap().to_der().unwrap()
}

/// RC2-40 / 3DES / SHA-1, as old tools wrote them. The caller loads
/// OpenSSL's legacy provider around this call.
pub fn p12_legacy(pair: &Pair, password: &str) -> Vec<u8> {
    Pkcs12::builder()
        .name("apiclient")
        .pkey(&pair.key)
        .cert(&pair.cert)
        .cert_algorithm(Nid::PBE_WITHSHA1AND40BITRC2_CBC)
        .key_algorithm(Nid::PBE_WITHSHA1AND3_KEY_TRIPLEDES_CBC)
        .mac_md(MessageDigest::sha1())
        .build2(password)
        .unwrap()
        .to_der()
        .unwrap()
}

pub fn cert_pem(pair: &Pair) -> Vec<u8> {
    pair.cert.to_pem().unwrap()
}

pub fn key_pkcs8(pair: &Pair) -> Vec<u8> {
    pair.key.private_key_to_pem_pkcs8().unwrap()
}

pub fn key_pkcs1(pair: &Pair) -> Vec<u8> {
    pair.key.rsa().unwrap().private_key_to_pem().unwrap()
}

/// A 20-byte serial (40 hex characters, first byte non-zero) as the CA issues.
pub fn ca_serial(seed: u8) -> Vec<u8> {
    (0..20u8).map(|i| 0x41u8.wrapping_add(i.wrapping_mul(7)).wrapping_add(seed) | 0x01).collect()
}

/// A scratch directory, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let p = std::env::temp_dir().join(format!("wxpay-{tag}-{}-{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst)));
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// Writes `data` to `name` with `mode`, replacing it atomically (as a
    /// deployment tool would: a new file renamed over the old one).
    pub fn write(&self, name: &str, data: &[u8], mode: u32) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let tmp = self.0.join(format!(".{name}.new"));
        std::fs::write(&tmp, data).unwrap();
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(mode)).unwrap();
        let target = self.0.join(name);
        std::fs::rename(&tmp, &target).unwrap();
        target
    }

    pub fn dir(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
