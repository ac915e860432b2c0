//! Bank payouts: the RSA-OAEP fields decrypt with OpenSSL's command line,
//! and `Client::pay_bank` pays and queries against the simulator, whose
//! `mmpaysptrans/pay_bank` decrypts both fields with its own private key.

#[path = "sim/harness.rs"]
#[allow(dead_code)]
mod harness;

use std::process::Command;

use base64::Engine;
use harness::{Sim, no};
use openssl::hash::{MessageDigest, hash};
use wxpay::payout::PublicKey;
use wxpay::{Client, ErrorKind};

fn openssl(dir: &std::path::Path, args: &[&str]) -> Vec<u8> {
    let out = Command::new("openssl").args(args).current_dir(dir).output().expect("the openssl command");
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

#[test]
fn oaep_fields_decrypt_with_the_openssl_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    openssl(d, &["genrsa", "-out", "wechat.pem", "2048"]);
    openssl(d, &["rsa", "-in", "wechat.pem", "-RSAPublicKey_out", "-out", "pub_pkcs1.pem"]);
    let public = PublicKey::from_pem(&std::fs::read(d.join("pub_pkcs1.pem")).unwrap()).unwrap();
    for text in ["6225880137250000", "张三"] {
        let b64 = public.encrypt(text).unwrap();
        let raw = base64::engine::general_purpose::STANDARD.decode(&b64).unwrap();
        assert_eq!(raw.len(), 256);
        std::fs::write(d.join("field.bin"), raw).unwrap();
        let plain = openssl(
            d,
            &[
                "pkeyutl", "-decrypt", "-inkey", "wechat.pem", "-in", "field.bin",
                "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha1", "-pkeyopt", "rsa_mgf1_md:sha1",
            ],
        );
        assert_eq!(String::from_utf8(plain).unwrap(), text);
    }
}

fn client(sim: &Sim) -> Client {
    Client::new(&sim.cert_config()).unwrap()
}

fn md5_hex(text: &str) -> String {
    hash(MessageDigest::md5(), text.as_bytes()).unwrap().iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn pay_bank_encrypts_pays_and_queries() {
    let sim = Sim::start(&[]);
    let client = client(&sim);
    let trade_no = no("BANK");
    let order = [
        ("partner_trade_no", trade_no.as_str()),
        ("bank_no", "6225880137250000"),
        ("true_name", "张三"),
        ("bank_code", "1001"),
        ("amount", "50000"),
        ("desc", "payout"),
    ];
    let paid = client.pay_bank(&order).unwrap();
    assert_eq!(paid.get("partner_trade_no"), Some(trade_no.as_str()));
    assert_eq!(paid.get("amount"), Some("50000"));
    assert_eq!(paid.get("cmms_amt"), Some("100"));
    let payment_no = paid.get("payment_no").unwrap().to_owned();
    // The same payout again (a retry): the same payment, not a second one.
    assert_eq!(client.pay_bank(&order).unwrap().get("payment_no"), Some(payment_no.as_str()));

    let query = client.request("mmpaysptrans/query_bank", &[("partner_trade_no", trade_no.as_str())]).unwrap();
    assert_eq!(query.get("payment_no"), Some(payment_no.as_str()));
    assert_eq!(query.get("bank_no_md5"), Some(md5_hex("6225880137250000").as_str()));
    assert_eq!(query.get("true_name_md5"), Some(md5_hex("张三").as_str()));
    assert_eq!(query.get("status"), Some("SUCCESS"));

    let mut other = order;
    other[4] = ("amount", "60000");
    let err = client.pay_bank(&other).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BusinessFail, "{err}");
    assert_eq!(err.response().and_then(|r| r.get("err_code")), Some("INVALID_REQUEST"));
}

#[test]
fn pay_bank_refuses_what_it_cannot_send_as_asked() {
    let sim = Sim::start(&[]);
    let client = client(&sim);
    let err = client.pay_bank(&[("partner_trade_no", "B1"), ("true_name", "张三")]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MissingField, "{err}");
    let err = client
        .pay_bank(&[("bank_no", "6225880137250000"), ("true_name", "张三"), ("enc_bank_no", "x")])
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConflictingField, "{err}");
    // A card number too long for the key: refused without quoting it.
    let long = "6".repeat(300);
    let err = client.pay_bank(&[("partner_trade_no", "B2"), ("bank_no", long.as_str()), ("true_name", "张三")]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
    assert!(!err.to_string().contains("6666"), "{err}");

    // Fields not encrypted with WeChat's key: the simulator cannot decrypt them, as WeChat could not.
    let err = client
        .request(
            "mmpaysptrans/pay_bank",
            &[
                ("partner_trade_no", "B3"),
                ("enc_bank_no", "bm90IGVuY3J5cHRlZA=="),
                ("enc_true_name", "bm90IGVuY3J5cHRlZA=="),
                ("bank_code", "1001"),
                ("amount", "100"),
            ],
        )
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BusinessFail, "{err}");
    assert_eq!(err.response().and_then(|r| r.get("err_code")), Some("PARAM_ERROR"));
}

#[test]
fn the_bank_paths_need_the_certificate_and_take_no_appid() {
    let info = wxpay::endpoints::lookup("mmpaysptrans/pay_bank").unwrap();
    assert!(info.endpoint.certificate && info.endpoint.appid_field.is_none() && !info.endpoint.sends_sign_type);
    let family = wxpay::endpoints::lookup("mmpaysptrans/some_new_call").unwrap();
    assert_eq!(family.matched, wxpay::endpoints::Match::Family);
    assert!(family.endpoint.certificate && family.endpoint.appid_field.is_none());
    assert_eq!(wxpay::endpoints::lookup("mmpaymkttransfers/pay_bank").unwrap().matched, wxpay::endpoints::Match::Family);
}
