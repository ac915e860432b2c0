use base64::Engine;
use openssl::rsa::{Padding, Rsa};

use super::PublicKey;
use crate::ErrorKind;

fn decrypt(key: &Rsa<openssl::pkey::Private>, b64: &str) -> String {
    let data = base64::engine::general_purpose::STANDARD.decode(b64).unwrap();
    let mut out = vec![0; key.size() as usize];
    let n = key.private_decrypt(&data, &mut out, Padding::PKCS1_OAEP).unwrap();
    String::from_utf8(out[..n].to_vec()).unwrap()
}

#[test]
fn encrypts_for_the_private_key_under_oaep_in_both_pem_forms() {
    let key = Rsa::generate(2048).unwrap();
    for pem in [key.public_key_to_pem_pkcs1().unwrap(), key.public_key_to_pem().unwrap()] {
        let public = PublicKey::from_pem(&pem).unwrap();
        let a = public.encrypt("6225880137250000").unwrap();
        let b = public.encrypt("6225880137250000").unwrap();
        assert_ne!(a, b, "OAEP is randomized");
        assert_eq!(decrypt(&key, &a), "6225880137250000");
        assert_eq!(decrypt(&key, &public.encrypt("张三").unwrap()), "张三");
    }
}

#[test]
fn refuses_bad_keys_and_texts_without_quoting_them() {
    let err = PublicKey::from_pem(b"-----BEGIN RSA PUBLIC KEY-----\nAAAA\n-----END RSA PUBLIC KEY-----\n").err().unwrap();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    let key = Rsa::generate(2048).unwrap();
    let public = PublicKey::from_pem(&key.public_key_to_pem_pkcs1().unwrap()).unwrap();
    let secret = "6".repeat(215); // 2048-bit OAEP-SHA1 holds 214 bytes
    let err = public.encrypt(&secret).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    assert!(!err.to_string().contains("666"), "{err}");
    assert!(public.encrypt(&secret[..214]).is_ok());
    assert_eq!(public.encrypt("").unwrap_err().kind(), ErrorKind::InvalidArgument);
}
