//! `POST /sim/scan`: the user who scans a Native mode-1 QR code (扫码支付模式一).
//!
//! As WeChat does: the app checks the code's signed link; WeChat POSTs the
//! signed scan callback to the merchant's scan URL and reads the signed
//! answer, whose `prepay_id` must be an unpaid NATIVE order of the scanned
//! product; the user is then shown that order and, if asked, pays it.
//! Mode 1 is live only: the link, the callback and the order use the live
//! key and book.

use wxpay::{Fields, SignType};

use crate::app::App;
use crate::notify::Url;
use crate::reply::{clip, merchant_link};
use crate::store::TradeState;
use crate::trade;

const LINK_PREFIX: &str = "weixin://wxpay/bizpayurl?";
/// Longer merchant text is cut in messages and answers.
const MAX_QUOTED: usize = 128;

/// What a scan came to.
pub enum Outcome {
    /// The merchant placed this order for the user; its state once paid, if asked to pay.
    Prepay { prepay_id: String, out_trade_no: String, paid: Option<&'static str> },
    /// The merchant refused; its message for the user.
    Refused(String),
}

/// Why a scan went wrong: the control answer's status and the reason.
pub struct Failure {
    pub status: u16,
    pub message: String,
}

/// The caller's fault: the link or the callback URL.
fn bad_request(message: impl Into<String>) -> Failure {
    Failure { status: 400, message: message.into() }
}

/// The merchant's fault: its scan URL or its answer.
fn bad_merchant(message: impl Into<String>) -> Failure {
    Failure { status: 502, message: message.into() }
}

/// Scans `link` with the merchant's scan URL `callback`; pays the order when `pay`.
pub async fn scan(app: &App, link: &str, callback: &str, pay: bool) -> Result<Outcome, Failure> {
    let product_id = check_link(app, link).map_err(|e| bad_request(format!("the link is refused: {e}")))?;
    let url = Url::parse(callback)
        .ok()
        .filter(|u| u.loopback().is_some())
        .ok_or_else(|| bad_request("callback must be an http:// or https:// URL on a loopback host"))?;
    let body = callback_body(app, &product_id)
        .map_err(|e| Failure { status: 500, message: format!("cannot build the scan callback: {e}") })?;
    let (status, answer) = app
        .notifier
        .post_once(&url, &body)
        .await
        .map_err(|e| bad_merchant(format!("the scan URL gave no answer: {e}")))?;
    if status != 200 {
        return Err(bad_merchant(format!("the scan URL answered HTTP {status}")));
    }
    let prepay_id = match read_answer(app, &answer).map_err(bad_merchant)? {
        Offer::Prepay(id) => id,
        Offer::Refused(message) => return Ok(Outcome::Refused(message)),
    };
    let out_trade_no = offered_order(app, &prepay_id, &product_id).map_err(bad_merchant)?;
    let paid = if pay {
        let order = trade::pay_by_control(app, &out_trade_no, false).map_err(|e| Failure { status: 409, message: e })?;
        Some(order.state.as_str())
    } else {
        None
    };
    Ok(Outcome::Prepay { prepay_id, out_trade_no, paid })
}

/// The product of a genuine link of this merchant, checked as WeChat's app
/// checks the code it reads.
fn check_link(app: &App, link: &str) -> Result<String, String> {
    let query = link.strip_prefix(LINK_PREFIX).ok_or("url must be a weixin://wxpay/bizpayurl?... link")?;
    let f = merchant_link(app, query)?;
    let get = |name: &str| f.get(name).filter(|v| !v.is_empty()).ok_or_else(|| format!("missing {name}"));
    let (product_id, time_stamp) = (get("product_id")?, get("time_stamp")?);
    get("nonce_str")?;
    if product_id.len() > 32 {
        return Err("product_id is longer than 32 characters".into());
    }
    if time_stamp.len() > 19 || !time_stamp.bytes().all(|b| b.is_ascii_digit()) {
        return Err("time_stamp must be a whole number".into());
    }
    Ok(product_id.to_owned())
}

/// The signed callback WeChat sends for a scan of `product_id`.
fn callback_body(app: &App, product_id: &str) -> wxpay::Result<String> {
    let mut f = Fields::with_capacity(7);
    f.insert("appid", app.appid.clone());
    // The user is not modelled: the same product is always scanned by the same one.
    f.insert("openid", app.ids.openid_for(product_id));
    f.insert("mch_id", app.mch_id.clone());
    f.insert("is_subscribe", "N");
    f.insert("nonce_str", wxpay::nonce::nonce()?);
    f.insert("product_id", product_id);
    let sign = wxpay::sign::sign(f.as_slice(), app.key(false), Some(SignType::Md5))?;
    f.insert("sign", sign.as_str());
    wxpay::xml::build(f.as_slice())
}

/// What the merchant's answer offers the user.
enum Offer {
    Prepay(String),
    /// `result_code=FAIL` and its `err_code_des`.
    Refused(String),
}

/// Checks the merchant's answer as WeChat does.
fn read_answer(app: &App, answer: &[u8]) -> Result<Offer, String> {
    let f = wxpay::xml::parse(answer).map_err(|e| format!("the answer is not WeChat XML: {e}"))?;
    let quoted = |name: &str| clip(f.get(name).unwrap_or("(none)"), 32).to_owned();
    if f.get("return_code") != Some("SUCCESS") {
        return Err(format!(
            "the answer has return_code={}, not SUCCESS (return_msg: {})",
            quoted("return_code"),
            clip(f.get("return_msg").unwrap_or("(none)"), MAX_QUOTED)
        ));
    }
    wxpay::sign::verify(f.as_slice(), app.key(false), Some(SignType::Md5))
        .map_err(|e| format!("the answer's signature is refused: {e}"))?;
    for (name, ours) in [("appid", &app.appid), ("mch_id", &app.mch_id)] {
        if f.get(name) != Some(ours.as_str()) {
            return Err(format!("the answer's {name} is {}, not this merchant's", quoted(name)));
        }
    }
    match f.get("result_code") {
        Some("SUCCESS") => match f.get("prepay_id") {
            Some(id) if !id.is_empty() => Ok(Offer::Prepay(id.to_owned())),
            _ => Err("the answer has result_code=SUCCESS but no prepay_id".into()),
        },
        Some("FAIL") => Ok(Offer::Refused(clip(f.get("err_code_des").unwrap_or(""), MAX_QUOTED).to_owned())),
        _ => Err(format!("the answer has result_code={}, neither SUCCESS nor FAIL", quoted("result_code"))),
    }
}

/// The order behind `prepay_id`, which must be an unpaid NATIVE order of
/// the scanned product: its out_trade_no.
fn offered_order(app: &App, prepay_id: &str, product_id: &str) -> Result<String, String> {
    let book = app.store.book(false);
    let id = clip(prepay_id, 64);
    let order = book
        .orders
        .values()
        .find(|o| o.prepay_id == prepay_id)
        .ok_or_else(|| format!("the answer's prepay_id {id} is no order's"))?;
    if order.trade_type != "NATIVE" {
        return Err(format!("the answer's prepay_id {id} is a {} order's, not a NATIVE one", order.trade_type));
    }
    if order.product_id != product_id {
        return Err(format!(
            "the answer's prepay_id {id} is the order of product_id `{}`, not of the scanned `{product_id}`",
            order.product_id
        ));
    }
    if order.state != TradeState::NotPay {
        return Err(format!("the order of the answer's prepay_id {id} is {}, not NOTPAY", order.state.as_str()));
    }
    Ok(order.out_trade_no.clone())
}
