//! Test certificates, made at test time: a CA, a server certificate for
//! 127.0.0.1, a merchant (client) certificate, in every file format.

use openssl::asn1::Asn1Time;
use openssl::bn::BigNum;
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkcs12::Pkcs12;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::x509::extension::{BasicConstraints, SubjectAlternativeName};
use openssl::x509::{X509, X509NameBuilder};

pub struct Pair {
    pub cert: X509,
    pub key: PKey<Private>,
}

pub struct Pki {
    pub ca: Pair,
    pub server: Pair,
    pub client: Pair,
}

pub fn key() -> PKey<Private> {
    PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap()
}

fn issue(cn: &str, key: &PKey<Private>, issuer: Option<&Pair>, ca: bool, serial: u32) -> X509 {
    let mut name = X509NameBuilder::new().unwrap();
    name.append_entry_by_text("CN", cn).unwrap();
    let name = name.build();
    let mut b = X509::builder().unwrap();
    b.set_version(2).unwrap();
    b.set_serial_number(&BigNum::from_u32(serial).unwrap().to_asn1_integer().unwrap()).unwrap();
    b.set_subject_name(&name).unwrap();
    b.set_issuer_name(issuer.map_or(&name, |i| i.cert.subject_name())).unwrap();
    b.set_pubkey(key).unwrap();
    b.set_not_before(&Asn1Time::days_from_now(0).unwrap()).unwrap();
    b.set_not_after(&Asn1Time::days_from_now(30).unwrap()).unwrap();
    if ca {
        b.append_extension(BasicConstraints::new().critical().ca().build().unwrap()).unwrap();
    } else {
        let san = SubjectAlternativeName::new().ip("127.0.0.1").dns("localhost").build(&b.x509v3_context(issuer.map(|i| i.cert.as_ref()), None)).unwrap();
        b.append_extension(san).unwrap();
    }
    b.sign(issuer.map_or(key, |i| &i.key), MessageDigest::sha256()).unwrap();
    b.build()
}

impl Pki {
    pub fn new(ca_name: &str) -> Pki {
        let ca_key = key();
        let ca = Pair { cert: issue(ca_name, &ca_key, None, true, 1), key: ca_key };
        let server_key = key();
        let server = Pair { cert: issue("127.0.0.1", &server_key, Some(&ca), false, 2), key: server_key };
        let client_key = key();
        let client = Pair { cert: issue("1900000109", &client_key, Some(&ca), false, 3), key: client_key };
        Pki { ca, server, client }
    }

    pub fn ca_pem(&self) -> Vec<u8> {
        self.ca.cert.to_pem().unwrap()
    }

    pub fn client_cert_pem(&self) -> Vec<u8> {
        self.client.cert.to_pem().unwrap()
    }

    pub fn client_key_pkcs8(&self) -> Vec<u8> {
        self.client.key.private_key_to_pem_pkcs8().unwrap()
    }

    pub fn client_key_pkcs1(&self) -> Vec<u8> {
        self.client.key.rsa().unwrap().private_key_to_pem().unwrap()
    }

    pub fn client_key_encrypted(&self, password: &str) -> Vec<u8> {
        self.client
            .key
            .private_key_to_pem_pkcs8_passphrase(openssl::symm::Cipher::aes_256_cbc(), password.as_bytes())
            .unwrap()
    }

    /// A `.p12` as OpenSSL 3 writes it by default (AES-256, PBKDF2).
    pub fn client_p12(&self, password: &str) -> Vec<u8> {
        Pkcs12::builder()
            .name("apiclient")
            .pkey(&self.client.key)
            .cert(&self.client.cert)
            .build2(password)
            .unwrap()
            .to_der()
            .unwrap()
    }

    /// A `.p12` as older tools wrote it: certificates under RC2-40-CBC, key
    /// under 3DES, SHA-1 MAC. Building one needs OpenSSL's legacy provider,
    /// which the caller loads and unloads around this call.
    pub fn client_p12_legacy(&self, password: &str) -> Vec<u8> {
        Pkcs12::builder()
            .name("apiclient")
            .pkey(&self.client.key)
            .cert(&self.client.cert)
            .cert_algorithm(Nid::PBE_WITHSHA1AND40BITRC2_CBC)
            .key_algorithm(Nid::PBE_WITHSHA1AND3_KEY_TRIPLEDES_CBC)
            .mac_md(MessageDigest::sha1())
            .build2(password)
            .unwrap()
            .to_der()
            .unwrap()
    }
}
