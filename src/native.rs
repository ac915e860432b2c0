//! Native payment, mode 1 (扫码支付模式一): the merchant prints a QR code
//! per product, not per order.
//!
//! 1. The code holds a signed long link, `weixin://wxpay/bizpayurl?...`
//!    ([`bizpay_url`]), signed over `appid`, `mch_id`, `nonce_str`,
//!    `product_id` and `time_stamp` with MD5.
//! 2. When a user scans it, WeChat POSTs a signed callback to the scan URL
//!    set in the merchant platform: `appid`, `openid`, `mch_id`,
//!    `is_subscribe`, `nonce_str`, `product_id`, `sign` ([`scan_callback`]).
//! 3. The merchant places the order (`pay/unifiedorder`, `trade_type=NATIVE`,
//!    the `product_id` and `openid`) and answers the callback with a signed
//!    reply carrying the `prepay_id` ([`scan_reply`]), or with
//!    `result_code=FAIL` and a message the user sees.

use crate::error::{Error, ErrorKind, Result, truncate};
use crate::fields::Fields;
use crate::notify::{Merchant, check_merchant, context};
use crate::sign::{self, ApiKey, SignType};
use crate::xml;

/// The long link of a mode-1 QR code for `product_id`, signed with MD5.
///
/// `product_id` is the merchant's own (at most 32 characters); it must be
/// printable ASCII without `&`, `=`, `#`, `%`, `+`, `?` or spaces, so that it
/// goes into the link as it is and comes back unchanged in the callback.
pub fn bizpay_url(appid: &str, mch_id: &str, product_id: &str, time_stamp: u64, nonce: &str, key: &ApiKey) -> Result<String> {
    for (name, value) in [("appid", appid), ("mch_id", mch_id), ("product_id", product_id), ("nonce", nonce)] {
        if value.is_empty() {
            return Err(Error::new(ErrorKind::InvalidArgument, format!("bizpay URL: {name} is empty")));
        }
        if value.len() > 32 || !value.bytes().all(|b| b.is_ascii_graphic() && !b"&=#%+?".contains(&b)) {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!(
                    "bizpay URL: {name} `{}` must be at most 32 printable ASCII characters without & = # % + ? or spaces",
                    truncate(value, 64)
                ),
            ));
        }
    }
    let time_stamp = time_stamp.to_string();
    let fields = [
        ("appid", appid),
        ("mch_id", mch_id),
        ("product_id", product_id),
        ("time_stamp", time_stamp.as_str()),
        ("nonce_str", nonce),
    ];
    let signature = sign::sign(&fields, key, Some(SignType::Md5))?;
    let mut url = format!("weixin://wxpay/bizpayurl?sign={}", signature.as_str());
    for (name, value) in fields {
        url.push('&');
        url.push_str(name);
        url.push('=');
        url.push_str(value);
    }
    Ok(url)
}

/// Parses and verifies the scan callback WeChat POSTs when a user scans a
/// mode-1 code: the XML (within `limits`), the signature with the
/// merchant's key (its type inferred from its length: the callback has no
/// `sign_type`), the merchant identity, and that `product_id` and `openid`
/// are there. Returns every field, `sign` included.
pub fn scan_callback(body: &[u8], limits: impl Into<xml::Limits>, merchant: &Merchant<'_>) -> Result<Fields> {
    let in_context = |e| context("the scan callback", e);
    let fields = xml::parse_with_limit(body, limits).map_err(in_context)?;
    sign::verify(fields.as_slice(), merchant.key, None).map_err(in_context)?;
    check_merchant(&fields, merchant)?;
    for name in ["product_id", "openid"] {
        if fields.get(name).is_none_or(str::is_empty) {
            return Err(Error::new(ErrorKind::ResponseInvalid, format!("the scan callback has no {name}")));
        }
    }
    Ok(fields)
}

/// The signed XML that answers a scan callback: with a `prepay_id` (from
/// `pay/unifiedorder`) the user's WeChat goes on to pay; with `None`,
/// `result_code=FAIL` and `message` (shown to the user, e.g. "sold out").
pub fn scan_reply(appid: &str, mch_id: &str, prepay_id: Option<&str>, message: Option<&str>, nonce: &str, key: &ApiKey) -> Result<String> {
    let mut fields = Fields::new();
    fields.insert("return_code", "SUCCESS");
    fields.insert("appid", appid);
    fields.insert("mch_id", mch_id);
    fields.insert("nonce_str", nonce);
    match prepay_id {
        Some(id) if !id.is_empty() => {
            fields.insert("prepay_id", id);
            fields.insert("result_code", "SUCCESS");
        }
        Some(_) => return Err(Error::new(ErrorKind::InvalidArgument, "scan reply: prepay_id is empty")),
        None => {
            fields.insert("result_code", "FAIL");
            fields.insert("err_code_des", message.unwrap_or("the order could not be placed"));
        }
    }
    let signature = sign::sign(fields.as_slice(), key, Some(SignType::Md5))?;
    fields.insert("sign", signature.as_str());
    xml::build(fields.as_slice())
}

#[cfg(test)]
mod tests;
