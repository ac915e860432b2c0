//! Signing and verification beside the bare hash of the same canonical
//! string: the floor no implementation can beat (the `md-5` and `hmac`
//! crates that wxpay itself uses).
//!
//! Run: `cargo bench --bench sign`. The README's table comes from here.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use hmac::{KeyInit, Mac};
use md5::{Digest, Md5};
use wxpay::sign::{self, ApiKey, SignType};
use wxpay::xml;

const KEY: &str = "192006250b4c09247ec02edce69f6a2d";

fn unified_order() -> Vec<(String, String)> {
    [
        ("appid", "wx2421b1c4370ec43b"),
        ("mch_id", "10000100"),
        ("device_info", "013467007045764"),
        ("nonce_str", "5K8264ILTKCH16CQ2502SI8ZNMTM67VS"),
        ("body", "腾讯充值中心-QQ会员充值"),
        ("detail", "{\"goods_detail\":[{\"goods_id\":\"iphone6s_16G\",\"quantity\":1,\"price\":528800}]}"),
        ("attach", "深圳分店"),
        ("out_trade_no", "20150806125346"),
        ("fee_type", "CNY"),
        ("total_fee", "88"),
        ("spbill_create_ip", "123.12.12.123"),
        ("time_start", "20091225091010"),
        ("time_expire", "20091227091010"),
        ("notify_url", "http://www.weixin.qq.com/wxpay/pay.php"),
        ("trade_type", "JSAPI"),
        ("openid", "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

/// A signed order-query response of about 2 KB.
fn response_2k(t: SignType) -> (Vec<u8>, String) {
    let key = ApiKey::new(KEY.as_bytes()).unwrap();
    let mut fields: Vec<(String, String)> = vec![
        ("return_code".into(), "SUCCESS".into()),
        ("return_msg".into(), "OK".into()),
        ("appid".into(), "wx2421b1c4370ec43b".into()),
        ("mch_id".into(), "10000100".into()),
        ("nonce_str".into(), "TN55wO9Pba5yENl8".into()),
        ("result_code".into(), "SUCCESS".into()),
        ("openid".into(), "oUpF8uN95-Ptaags6E_roPHg7AG0".into()),
        ("trade_type".into(), "JSAPI".into()),
        ("trade_state".into(), "SUCCESS".into()),
        ("bank_type".into(), "CMC".into()),
        ("total_fee".into(), "101".into()),
        ("cash_fee".into(), "101".into()),
        ("transaction_id".into(), "1008450740201411110005820873".into()),
        ("out_trade_no".into(), "1415757673".into()),
        ("time_end".into(), "20141111170043".into()),
        ("trade_state_desc".into(), "支付成功".into()),
        ("sign_type".into(), t.as_str().into()),
    ];
    let mut i = 0;
    while xml::build(&fields).unwrap().len() < 1950 {
        fields.push((format!("coupon_id_{i}"), format!("1000000000{i:08}")));
        fields.push((format!("coupon_fee_{i}"), "0".into()));
        i += 1;
    }
    let canonical = canonical(&fields);
    let sig = sign::sign(&fields, &key, Some(t)).unwrap();
    fields.push(("sign".into(), sig.as_str().into()));
    (xml::build(&fields).unwrap().into_bytes(), canonical)
}

/// The canonical string, built the plain way, for the floor only.
fn canonical(fields: &[(String, String)]) -> String {
    let mut kept: Vec<_> = fields.iter().filter(|(k, v)| k != "sign" && !v.is_empty()).collect();
    kept.sort_by(|a, b| a.0.cmp(&b.0));
    let mut s: Vec<String> = kept.iter().map(|(k, v)| format!("{k}={v}")).collect();
    s.push(format!("key={KEY}"));
    s.join("&")
}

fn bare_md5(s: &str) -> [u8; 16] {
    Md5::digest(s.as_bytes()).into()
}

fn bare_hmac(s: &str) -> [u8; 32] {
    let mut m = hmac::Hmac::<sha2::Sha256>::new_from_slice(KEY.as_bytes()).unwrap();
    m.update(s.as_bytes());
    m.finalize().into_bytes().into()
}

/// The bare HMAC from a state keyed once: wxpay's `ApiKey` keeps its key
/// schedule, so this is the floor without the two blocks of keying that
/// `bare_hmac` pays on every call.
fn bare_hmac_prekeyed(keyed: &hmac::Hmac<sha2::Sha256>, s: &str) -> [u8; 32] {
    let mut m = keyed.clone();
    m.update(s.as_bytes());
    m.finalize().into_bytes().into()
}

fn bench(c: &mut Criterion) {
    let key = ApiKey::new(KEY.as_bytes()).unwrap();
    let keyed = hmac::Hmac::<sha2::Sha256>::new_from_slice(KEY.as_bytes()).unwrap();
    let order = unified_order();
    let order_canonical = canonical(&order);

    let mut g = c.benchmark_group("sign_16_fields");
    g.bench_function("md5_floor", |b| b.iter(|| bare_md5(black_box(&order_canonical))));
    g.bench_function("md5_wxpay", |b| b.iter(|| sign::sign(black_box(&order), &key, Some(SignType::Md5)).unwrap()));
    g.bench_function("hmac_floor", |b| b.iter(|| bare_hmac(black_box(&order_canonical))));
    g.bench_function("hmac_floor_prekeyed", |b| b.iter(|| bare_hmac_prekeyed(&keyed, black_box(&order_canonical))));
    g.bench_function("hmac_wxpay", |b| {
        b.iter(|| sign::sign(black_box(&order), &key, Some(SignType::HmacSha256)).unwrap())
    });
    g.finish();

    let mut g = c.benchmark_group("verify_2k_response");
    for (t, name) in [(SignType::Md5, "md5"), (SignType::HmacSha256, "hmac")] {
        let (doc, canon) = response_2k(t);
        g.bench_function(format!("{name}_floor"), |b| {
            b.iter(|| match t {
                SignType::Md5 => bare_md5(black_box(&canon)).to_vec(),
                SignType::HmacSha256 => bare_hmac(black_box(&canon)).to_vec(),
            })
        });
        if t == SignType::HmacSha256 {
            g.bench_function("hmac_floor_prekeyed", |b| b.iter(|| bare_hmac_prekeyed(&keyed, black_box(&canon))));
        }
        g.bench_function(format!("{name}_wxpay_parse_verify"), |b| {
            b.iter(|| sign::verify_xml(black_box(&doc), xml::DEFAULT_MAX_SIZE, &key, None).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
