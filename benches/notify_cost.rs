//! What one POST to a public notify_url costs, by size and shape, genuine
//! and forged: a benchmark, not a test (it prints numbers and asserts
//! nothing about speed).
//!
//! For bodies of about 64 KiB, 256 KiB and 1 MiB, in three shapes, each
//! signed correctly and with a wrong signature, it times the whole check a notify_url handler runs through
//! the C ABI (`wxpay_notify_payment`: parse, order, verify, and on failure
//! the error and its diagnosis) and `wxpay_verify_xml`, beside parsing alone
//! (`wxpay_xml_parse`). Times are the median of several runs, printed per
//! MiB of body so that linear cost shows as a flat column. The shapes:
//! - `tiny`: fields of a few bytes, as many as fit (tens of thousands);
//!   beyond `WXPAY_XML_MAX_FIELDS` every call refuses the body
//!   (`XML_TOO_MANY_FIELDS`), which the last column says;
//! - `limit`: exactly `WXPAY_XML_MAX_FIELDS` fields, as long as the size
//!   makes them: the most fields an accepted body can have;
//! - `large`: a few fields of up to 256 KiB.
//!
//! Run: `cargo bench --bench notify_cost`.

use std::ffi::c_char;
use std::hint::black_box;
use std::ptr;
use std::time::{Duration, Instant};

use wxpay::ffi::client::*;
use wxpay::ffi::config::*;
use wxpay::ffi::error::{wxpay_result, wxpay_result_name};
use wxpay::ffi::fields::wxpay_fields_free;
use wxpay::ffi::notify::wxpay_notify_payment;
use wxpay::ffi::sign::wxpay_verify_xml;
use wxpay::ffi::xml::wxpay_xml_parse;
use wxpay::sign::{self, ApiKey};

const KEY: &str = "192006250b4c09247ec02edce69f6a2d";
const APPID: &str = "wx2421b1c4370ec43b";
const MCH_ID: &str = "1900000109";

#[derive(Clone, Copy)]
enum Shape {
    Tiny,
    Limit,
    Large,
}

/// A payment notification of about `size` bytes: WeChat's fields plus
/// filler, signed with MD5; `forged` spoils one character of the signature.
fn body(size: usize, shape: Shape, forged: bool) -> Vec<u8> {
    let mut fields: Vec<(String, String)> = [
        ("return_code", "SUCCESS"),
        ("appid", APPID),
        ("mch_id", MCH_ID),
        ("nonce_str", "5K8264ILTKCH16CQ2502SI8ZNMTM67VS"),
        ("result_code", "SUCCESS"),
        ("openid", "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"),
        ("trade_type", "JSAPI"),
        ("bank_type", "CMC"),
        ("total_fee", "1"),
        ("cash_fee", "1"),
        ("transaction_id", "1004400740201409030005092168"),
        ("out_trade_no", "1409811653"),
        ("time_end", "20140903131540"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let mut len: usize = fields.iter().map(|(k, v)| 2 * k.len() + v.len() + 5).sum();
    let mut i = 0;
    let fillers = wxpay::xml::MAX_FIELDS - fields.len() - 1;
    while len + 64 < size && !(matches!(shape, Shape::Limit) && i == fillers) {
        let (name, value) = match shape {
            Shape::Tiny => (format!("f{i}"), "v".to_owned()),
            Shape::Limit => {
                let each = (size - len) / (fillers - i);
                let name = format!("f{i}");
                let value = "x".repeat(each.saturating_sub(2 * name.len() + 5).max(1));
                (name, value)
            }
            Shape::Large => (format!("attach_{i}"), "x".repeat(((size - len) / 2).clamp(1, 256 * 1024))),
        };
        len += 2 * name.len() + value.len() + 5;
        fields.push((name, value));
        i += 1;
    }
    let key = ApiKey::new(KEY.as_bytes()).unwrap();
    let mut signature = sign::sign(&fields, &key, None).unwrap().as_str().to_owned();
    if forged {
        signature.replace_range(0..1, if signature.starts_with('0') { "1" } else { "0" });
    }
    fields.push(("sign".into(), signature));
    let mut doc = String::from("<xml>");
    for (k, v) in &fields {
        doc.push_str(&format!("<{k}>{v}</{k}>"));
    }
    doc.push_str("</xml>");
    doc.into_bytes()
}

fn median(mut f: impl FnMut()) -> Duration {
    f();
    let mut runs: Vec<Duration> = (0..9)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    runs.sort();
    runs[runs.len() / 2]
}

fn main() {
    // A client only for wxpay_notify_payment's merchant identity: it sends nothing.
    let config = wxpay_config_new();
    let mut client = ptr::null_mut();
    // SAFETY: valid NUL-terminated strings and out-pointers, as the header says.
    unsafe {
        for (name, value) in [("mch_id", MCH_ID), ("appid", APPID), ("api_key", KEY)] {
            let (n, v) = (format!("{name}\0"), format!("{value}\0"));
            assert_eq!(wxpay_config_set(config, n.as_ptr().cast(), v.as_ptr().cast()), wxpay_result::Ok);
        }
        assert_eq!(wxpay_client_new(config, &mut client), wxpay_result::Ok);
        wxpay_config_free(config);
    }
    let key = format!("{KEY}\0");

    println!(
        "{:<7} {:>8} {:>7} {:<7} {:>14} {:>14} {:>14}  outcome (notify)",
        "shape", "size", "fields", "sign", "parse ms/MiB", "verify ms/MiB", "notify ms/MiB"
    );
    for (shape, shape_name) in [(Shape::Tiny, "tiny"), (Shape::Limit, "limit"), (Shape::Large, "large")] {
        // Just under each power of two: 1 MiB is also the default size limit.
        for size in [(64 << 10) - 512, (256 << 10) - 512, (1 << 20) - 512] {
            for forged in [false, true] {
                let doc = body(size, shape, forged);
                let count = doc.windows(2).filter(|w| w == b"</").count() - 1;
                let accepted = count <= wxpay::xml::MAX_FIELDS;
                let p = doc.as_ptr().cast::<c_char>();
                let n = doc.len();
                // SAFETY (all three): the document and key outlive the call; outputs are freed.
                let parse = median(|| unsafe {
                    let mut out = ptr::null_mut();
                    assert_eq!(wxpay_xml_parse(p, n, 0, &mut out) == wxpay_result::Ok, accepted);
                    wxpay_fields_free(black_box(out));
                });
                let verify = median(|| unsafe {
                    let mut out = ptr::null_mut();
                    let r = wxpay_verify_xml(p, n, 0, key.as_ptr().cast(), KEY.len(), 0, &mut out);
                    assert_eq!(r == wxpay_result::Ok, accepted && !forged);
                    wxpay_fields_free(black_box(out));
                });
                let mut outcome = wxpay_result::Ok;
                let notify = median(|| unsafe {
                    let mut out = ptr::null_mut();
                    let mut paid = -1;
                    outcome = wxpay_notify_payment(client, p, n, &mut out, &mut paid);
                    assert_eq!(outcome == wxpay_result::Ok, accepted && !forged, "{outcome:?}");
                    wxpay_fields_free(black_box(out));
                });
                let per_mib = |d: Duration| d.as_secs_f64() * 1e3 * (1 << 20) as f64 / n as f64;
                // SAFETY: wxpay_result_name returns a static NUL-terminated string.
                let name = unsafe { std::ffi::CStr::from_ptr(wxpay_result_name(outcome as i32)) };
                println!(
                    "{:<7} {:>8} {:>7} {:<7} {:>14.2} {:>14.2} {:>14.2}  {}",
                    shape_name,
                    n,
                    count,
                    if forged { "bad" } else { "genuine" },
                    per_mib(parse),
                    per_mib(verify),
                    per_mib(notify),
                    name.to_string_lossy().trim_start_matches("WXPAY_RESULT_")
                );
            }
        }
    }
    // SAFETY: made above, freed once.
    unsafe { wxpay_client_free(client) };
}
