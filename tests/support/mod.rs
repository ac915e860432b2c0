//! Shared by the client's integration tests.
#![allow(dead_code)]

pub mod certs;
pub mod pki;
pub mod server;

use wxpay::{ApiKey, Fields};

pub const KEY: &str = "Zq8sKd02mWx7Lr4Tv9Np3Yc6Hb1Jf5Ge";
pub const MCH_ID: &str = "1900000109";
pub const APPID: &str = "wx2421b1c4370ec43b";

pub fn key() -> ApiKey {
    ApiKey::new(KEY.as_bytes()).unwrap()
}

/// A WeChat-style response, signed with `sign_type` (MD5 when `None`).
pub fn signed_xml(pairs: &[(&str, &str)], sign_type: Option<wxpay::SignType>) -> Vec<u8> {
    let mut f = Fields::from_pairs(pairs.iter().copied()).unwrap();
    let s = wxpay::sign::sign(f.as_slice(), &key(), sign_type).unwrap();
    f.insert("sign", s.as_str());
    wxpay::xml::build(f.as_slice()).unwrap().into_bytes()
}

pub fn unsigned_xml(pairs: &[(&str, &str)]) -> Vec<u8> {
    wxpay::xml::build(pairs).unwrap().into_bytes()
}

/// The request body as fields (the server side of a test).
pub fn parse(body: &[u8]) -> Fields {
    wxpay::xml::parse(body).unwrap()
}
