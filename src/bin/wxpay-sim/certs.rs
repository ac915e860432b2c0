//! The simulator's certificates: made once into the data directory, reused after.
//!
//! Two CAs, as in production: one vouches for the server (the merchant trusts
//! it as `rootca.pem`), the other (`MmpaymchCA`) issues the merchant's client
//! certificate, written in every format merchants meet.

use std::fs;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use openssl::asn1::{Asn1Integer, Asn1Time};
use openssl::bn::{BigNum, MsbOption};
use openssl::error::ErrorStack;
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkcs12::Pkcs12;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::stack::Stack;
use openssl::x509::extension::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAlternativeName, SubjectKeyIdentifier,
};
use openssl::x509::{X509, X509Builder, X509Name, X509NameBuilder};

pub const CA: &str = "ca.pem";
pub const SERVER_CERT: &str = "server.pem";
pub const SERVER_KEY: &str = "server_key.pem";
pub const CLIENT_CA: &str = "client_ca.pem";
pub const P12: &str = "apiclient_cert.p12";
pub const P12_LEGACY: &str = "apiclient_cert_legacy.p12";
pub const CLIENT_CERT: &str = "apiclient_cert.pem";
pub const CLIENT_KEY: &str = "apiclient_key.pem";
pub const CLIENT_KEY_PKCS1: &str = "apiclient_key_pkcs1.pem";
pub const IDENTITY: &str = "identity.txt";

const ALL: [&str; 10] =
    [CA, SERVER_CERT, SERVER_KEY, CLIENT_CA, P12, P12_LEGACY, CLIENT_CERT, CLIENT_KEY, CLIENT_KEY_PKCS1, IDENTITY];

/// What the TLS server needs from the directory.
pub struct Material {
    pub dir: PathBuf,
    pub ca: X509,
    pub server_cert: X509,
    pub server_key: PKey<Private>,
    pub client_ca: X509,
    pub generated: bool,
}

/// Loads the certificates in `dir`, or makes them all when any is missing or
/// they were made for another merchant.
pub fn load_or_create(dir: &Path, mch_id: &str, company: Option<&str>) -> Result<Material, String> {
    fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let dir = fs::canonicalize(dir).map_err(|e| format!("cannot resolve {}: {e}", dir.display()))?;
    let cn = company.unwrap_or(mch_id);
    let identity = format!("mch_id={mch_id}\ncn={cn}\n");
    let complete = ALL.iter().all(|f| dir.join(f).is_file());
    let same_merchant = fs::read_to_string(dir.join(IDENTITY)).is_ok_and(|s| s == identity);
    let generated = !(complete && same_merchant);
    if generated {
        create(&dir, mch_id, cn).map_err(|e| format!("cannot make certificates in {}: {e}", dir.display()))?;
        // It names the mch id, which is the .p12 password.
        write(&dir, IDENTITY, identity.as_bytes(), true)?;
    }
    let read = |name: &str| fs::read(dir.join(name)).map_err(|e| format!("cannot read {name}: {e}"));
    let pem_cert = |name: &str| X509::from_pem(&read(name)?).map_err(|_| format!("{name} is not a PEM certificate"));
    Ok(Material {
        ca: pem_cert(CA)?,
        server_cert: pem_cert(SERVER_CERT)?,
        // The parse error would say nothing useful and must not echo key bytes.
        server_key: PKey::private_key_from_pem(&read(SERVER_KEY)?)
            .map_err(|_| format!("{SERVER_KEY} is not a PEM private key"))?,
        client_ca: pem_cert(CLIENT_CA)?,
        dir,
        generated,
    })
}

fn create(dir: &Path, mch_id: &str, cn: &str) -> Result<(), String> {
    let ssl = |e: ErrorStack| format!("OpenSSL: {e}");
    let ca_key = new_key().map_err(ssl)?;
    let ca_name = name(&[("O", "wxpay-sim"), ("CN", "wxpay-sim Root CA")]).map_err(ssl)?;
    let ca = issue(&ca_name, &ca_key, None, Kind::Ca, 3650).map_err(ssl)?;

    let server_key = new_key().map_err(ssl)?;
    let server_name = name(&[("O", "wxpay-sim"), ("CN", "127.0.0.1")]).map_err(ssl)?;
    let server = issue(&server_name, &server_key, Some((&ca, &ca_key)), Kind::Server, 825).map_err(ssl)?;

    let client_ca_key = new_key().map_err(ssl)?;
    let client_ca_name =
        name(&[("C", "CN"), ("O", "Tenpay.com"), ("OU", "MMPay (wxpay-sim)"), ("CN", "MmpaymchCA")]).map_err(ssl)?;
    let client_ca = issue(&client_ca_name, &client_ca_key, None, Kind::Ca, 3650).map_err(ssl)?;

    let client_key = new_key().map_err(ssl)?;
    let client_name = name(&[("C", "CN"), ("O", "wxpay-sim merchant"), ("OU", mch_id), ("CN", cn)]).map_err(ssl)?;
    let client =
        issue(&client_name, &client_key, Some((&client_ca, &client_ca_key)), Kind::Client, 365).map_err(ssl)?;

    let mut chain = Stack::new().map_err(ssl)?;
    chain.push(client_ca.clone()).map_err(ssl)?;
    let modern = Pkcs12::builder()
        .name(cn)
        .pkey(&client_key)
        .cert(&client)
        .ca(chain)
        .key_algorithm(Nid::AES_256_CBC)
        .cert_algorithm(Nid::AES_256_CBC)
        .mac_md(MessageDigest::sha256())
        .build2(mch_id)
        .and_then(|p| p.to_der())
        .map_err(ssl)?;
    let mut chain = Stack::new().map_err(ssl)?;
    chain.push(client_ca.clone()).map_err(ssl)?;
    let legacy = Pkcs12::builder()
        .name(cn)
        .pkey(&client_key)
        .cert(&client)
        .ca(chain)
        .key_algorithm(Nid::PBE_WITHSHA1AND3_KEY_TRIPLEDES_CBC)
        .cert_algorithm(Nid::PBE_WITHSHA1AND40BITRC2_CBC)
        .mac_md(MessageDigest::sha1())
        .build2(mch_id)
        .and_then(|p| p.to_der())
        .map_err(|e| format!("cannot write the RC2-40 .p12 (is OpenSSL's legacy provider installed?): {e}"))?;
    let pkcs1 = client_key.rsa().and_then(|r| r.private_key_to_pem()).map_err(ssl)?;

    write(dir, CA, &ca.to_pem().map_err(ssl)?, false)?;
    write(dir, SERVER_CERT, &server.to_pem().map_err(ssl)?, false)?;
    write(dir, SERVER_KEY, &server_key.private_key_to_pem_pkcs8().map_err(ssl)?, true)?;
    write(dir, CLIENT_CA, &client_ca.to_pem().map_err(ssl)?, false)?;
    write(dir, P12, &modern, true)?;
    write(dir, P12_LEGACY, &legacy, true)?;
    write(dir, CLIENT_CERT, &client.to_pem().map_err(ssl)?, false)?;
    write(dir, CLIENT_KEY, &client_key.private_key_to_pem_pkcs8().map_err(ssl)?, true)?;
    write(dir, CLIENT_KEY_PKCS1, &pkcs1, true)?;
    Ok(())
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Ca,
    Server,
    Client,
}

fn new_key() -> Result<PKey<Private>, ErrorStack> {
    PKey::from_rsa(Rsa::generate(2048)?)
}

fn name(parts: &[(&str, &str)]) -> Result<X509Name, ErrorStack> {
    let mut b = X509NameBuilder::new()?;
    for (field, value) in parts {
        b.append_entry_by_text(field, value)?;
    }
    Ok(b.build())
}

/// Issues a certificate; `issuer` `None` makes it self-signed.
fn issue(
    subject: &X509Name,
    key: &PKey<Private>,
    issuer: Option<(&X509, &PKey<Private>)>,
    kind: Kind,
    days: u32,
) -> Result<X509, ErrorStack> {
    let mut b = X509Builder::new()?;
    b.set_version(2)?;
    // WeChat-issued merchant certificates have serials shorter than 20 bytes.
    let mut serial = BigNum::new()?;
    serial.rand(127, MsbOption::MAYBE_ZERO, false)?;
    b.set_serial_number(&*Asn1Integer::from_bn(&serial)?)?;
    b.set_subject_name(subject)?;
    b.set_issuer_name(issuer.map_or(subject, |(c, _)| c.subject_name()))?;
    b.set_pubkey(key)?;
    // A day of slack keeps a clock a little behind from seeing "not yet valid".
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    b.set_not_before(&*Asn1Time::from_unix(now - 86_400)?)?;
    b.set_not_after(&*Asn1Time::days_from_now(days)?)?;
    match kind {
        Kind::Ca => {
            b.append_extension(BasicConstraints::new().critical().ca().build()?)?;
            b.append_extension(KeyUsage::new().critical().key_cert_sign().crl_sign().build()?)?;
        }
        Kind::Server => {
            b.append_extension(BasicConstraints::new().critical().build()?)?;
            b.append_extension(KeyUsage::new().critical().digital_signature().key_encipherment().build()?)?;
            b.append_extension(ExtendedKeyUsage::new().server_auth().build()?)?;
            let ctx = b.x509v3_context(issuer.map(|(c, _)| &**c), None);
            let san = SubjectAlternativeName::new().ip("127.0.0.1").dns("localhost").build(&ctx)?;
            b.append_extension(san)?;
        }
        Kind::Client => {
            b.append_extension(BasicConstraints::new().critical().build()?)?;
            b.append_extension(KeyUsage::new().critical().digital_signature().key_encipherment().build()?)?;
            b.append_extension(ExtendedKeyUsage::new().client_auth().build()?)?;
        }
    }
    let ski = SubjectKeyIdentifier::new().build(&b.x509v3_context(issuer.map(|(c, _)| &**c), None))?;
    b.append_extension(ski)?;
    if let Some((ca, _)) = issuer {
        let aki = AuthorityKeyIdentifier::new().keyid(false).build(&b.x509v3_context(Some(ca), None))?;
        b.append_extension(aki)?;
    }
    b.sign(issuer.map_or(key, |(_, k)| k), MessageDigest::sha256())?;
    Ok(b.build())
}

/// Writes a file whole or not at all; secrets get mode 0600 from the start.
fn write(dir: &Path, name: &str, bytes: &[u8], secret: bool) -> Result<(), String> {
    let tmp = dir.join(format!(".{name}.tmp"));
    let _ = fs::remove_file(&tmp);
    let result = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(if secret { 0o600 } else { 0o644 })
        .open(&tmp)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .and_then(|()| fs::rename(&tmp, dir.join(name)));
    result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        format!("cannot write {name}: {e}")
    })
}
