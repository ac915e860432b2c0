//! Notifications WeChat POSTs to the merchant: payment results (signed XML)
//! and refund results (`req_info`, AES-256-ECB encrypted), and the reply the
//! merchant sends back.
//!
//! WeChat retries a notification until it is acknowledged, so the same
//! message may arrive several times: verification is a pure function of the
//! body and verifies every copy alike; making the handling idempotent is the
//! merchant's business.

mod refund;

pub use refund::{RefundNotification, decrypt_req_info, refund_notification};

use crate::error::{Error, ErrorKind, Result, truncate};
use crate::fields::Fields;
use crate::sign::{self, ApiKey, SignType};
use crate::xml;

/// Whose notifications are accepted: the key that signs them and the
/// identity they must carry.
#[derive(Debug, Clone, Copy)]
pub struct Merchant<'a> {
    pub key: &'a ApiKey,
    /// Checked against the notification's `appid` when both are present.
    pub appid: Option<&'a str>,
    pub mch_id: &'a str,
    /// Checked against `sub_mch_id` in service-provider mode when both are present.
    pub sub_mch_id: Option<&'a str>,
}

/// A verified payment notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentNotification {
    /// Every field as sent, `sign` included.
    pub fields: Fields,
    /// The algorithm the signature used (announced or inferred from its length).
    pub sign_type: SignType,
    /// `result_code=SUCCESS`: the order is paid. `false` is a genuine
    /// notification of a failed payment (`err_code`, `err_code_des`), which
    /// is still acknowledged with [`reply`]`(true, ..)`.
    pub paid: bool,
}

/// Parses and verifies a payment notification body.
///
/// Order of checks, each with its own error: XML (a duplicated field is
/// [`ErrorKind::XmlDuplicate`]); `return_code` (`FAIL` is
/// [`ErrorKind::ProtocolFail`] with the fields; missing or unknown is
/// [`ErrorKind::ResponseInvalid`]); `sign` missing
/// ([`ErrorKind::SignatureMissing`]: a SUCCESS notification without one is
/// forged); a `sign_type` that is unknown ([`ErrorKind::UnknownSignType`]) or
/// disagrees with the signature's length ([`ErrorKind::SignTypeMismatch`]);
/// the signature ([`ErrorKind::SignatureFieldsAdded`] when it matches once
/// some fields are dropped, else [`ErrorKind::SignatureMismatch`]; the
/// search for added fields runs only while it hashes at most 32 KiB in all,
/// so it covers real notifications and costs a hostile body nothing); the
/// merchant identity ([`ErrorKind::MerchantMismatch`]); `result_code`
/// (missing or unknown is [`ErrorKind::ResponseInvalid`]).
pub fn payment_notification(
    body: &[u8],
    limits: impl Into<xml::Limits>,
    merchant: &Merchant<'_>,
) -> Result<PaymentNotification> {
    let limits = limits.into();
    let in_context = |e| context("the notification", e);
    let text = xml::checked_text(body, limits.max_size).map_err(in_context)?;
    let parsed = xml::parse_text(text, limits.max_fields).map_err(in_context)?;
    // One sort serves the duplicate check here and the signature below.
    let sorted = sign::Sorted::new(&parsed, xml::duplicate).map_err(in_context)?;
    let fields = Fields::from_unique(parsed.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect());
    check_return_code(&fields)?;
    let given = match fields.get("sign") {
        Some(s) if !s.is_empty() => s,
        _ => {
            return Err(Error::new(
                ErrorKind::SignatureMissing,
                "the notification says SUCCESS but carries no `sign`: it is forged",
            ));
        }
    };
    if let Some(announced) = fields.get("sign_type") {
        let announced = SignType::parse(announced).map_err(|e| context("the notification", e))?;
        if announced.signature_len() != given.len() {
            return Err(Error::new(
                ErrorKind::SignTypeMismatch,
                format!(
                    "the notification's sign_type is {announced} but its signature has {} characters, not {}",
                    given.len(),
                    announced.signature_len()
                ),
            ));
        }
    }
    let sign_type = match sorted.verify(merchant.key, None) {
        Ok(t) => t,
        Err(e) if e.kind() == ErrorKind::SignatureMismatch => return Err(explain_mismatch(&fields, merchant.key, e)),
        Err(e) => return Err(context("the notification", e)),
    };
    check_merchant(&fields, merchant)?;
    let paid = match fields.get("result_code") {
        Some("SUCCESS") => true,
        Some("FAIL") => false,
        Some(other) => {
            return Err(Error::new(
                ErrorKind::ResponseInvalid,
                format!("the notification's result_code is `{}`, neither SUCCESS nor FAIL", truncate(other, 64)),
            ));
        }
        None => return Err(Error::new(ErrorKind::ResponseInvalid, "the notification has no result_code")),
    };
    Ok(PaymentNotification { fields, sign_type, paid })
}

/// The XML the merchant answers a notification with: `SUCCESS` (with
/// `return_msg` `OK` unless a message is given) stops WeChat's retries;
/// `FAIL` with a message asks WeChat to retry later.
pub fn reply(success: bool, message: Option<&str>) -> Result<String> {
    let code = if success { "SUCCESS" } else { "FAIL" };
    let message = message.unwrap_or(if success { "OK" } else { "FAIL" });
    xml::build(&[("return_code", code), ("return_msg", message)])
}

/// `return_code=SUCCESS`, else the typed failure.
pub(crate) fn check_return_code(fields: &Fields) -> Result<()> {
    match fields.get("return_code") {
        Some("SUCCESS") => Ok(()),
        Some("FAIL") => {
            let msg = fields.get("return_msg").unwrap_or("");
            Err(Error::new(ErrorKind::ProtocolFail, format!("the notification says return_code=FAIL: {}", truncate(msg, 256)))
                .with_response(fields.clone()))
        }
        Some(other) => Err(Error::new(
            ErrorKind::ResponseInvalid,
            format!("the notification's return_code is `{}`, neither SUCCESS nor FAIL", truncate(other, 64)),
        )),
        None => Err(Error::new(ErrorKind::ResponseInvalid, "the notification has no return_code")),
    }
}

/// Refuses a notification meant for another merchant.
pub(crate) fn check_merchant(fields: &Fields, merchant: &Merchant<'_>) -> Result<()> {
    let checks = [("appid", merchant.appid), ("mch_id", Some(merchant.mch_id)), ("sub_mch_id", merchant.sub_mch_id)];
    for (name, ours) in checks {
        if let (Some(theirs), Some(ours)) = (fields.get(name), ours) {
            if theirs != ours {
                return Err(Error::new(
                    ErrorKind::MerchantMismatch,
                    format!("the notification's {name} is `{}` but the client's is `{ours}`", truncate(theirs, 64)),
                ));
            }
        }
    }
    if fields.get("mch_id").is_none() {
        return Err(Error::new(ErrorKind::MerchantMismatch, "the notification carries no mch_id"));
    }
    Ok(())
}

/// A mismatching signature that matches once one field, or every field a
/// payment notification never carries, is dropped means fields were added
/// to a signed message; say which.
fn explain_mismatch(fields: &Fields, key: &ApiKey, mismatch: Error) -> Error {
    // Each try hashes the message again, and dropping each field in turn
    // costs one try per field: so the diagnosis runs only while its tries
    // hash at most this many bytes in all. A refused body then costs no more
    // than an accepted one plus this constant, whatever its shape; real
    // notifications (a few hundred bytes to a few KiB) always get it.
    const BUDGET: usize = 32 << 10;
    let pairs = fields.as_slice();
    let signed_len: usize = pairs.iter().map(|(k, v)| k.len() + v.len() + 2).sum();
    if signed_len.saturating_mul(pairs.len()) > BUDGET {
        return context("the notification", mismatch);
    }
    let verifies = |keep: &dyn Fn(&str) -> bool| {
        let subset: Vec<&(String, String)> = pairs.iter().filter(|(k, _)| keep(k)).collect();
        let subset: Vec<(&str, &str)> = subset.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        sign::verify(&subset, key, None).is_ok()
    };
    let unknown: Vec<&str> =
        pairs.iter().map(|(k, _)| k.as_str()).filter(|k| !is_payment_field(k)).collect();
    let added: Option<Vec<&str>> = if !unknown.is_empty() && verifies(&|k| !unknown.contains(&k)) {
        Some(unknown)
    } else {
        pairs
            .iter()
            .map(|(k, _)| k.as_str())
            .filter(|k| *k != "sign")
            .find(|name| verifies(&|k| k != *name))
            .map(|name| vec![name])
    };
    match added {
        Some(names) => Error::new(
            ErrorKind::SignatureFieldsAdded,
            format!(
                "the notification's signature matches only without the field(s) {}: they were added after signing (forged)",
                names.iter().map(|n| truncate(n, 64)).collect::<Vec<_>>().join(", ")
            ),
        ),
        None => context("the notification", mismatch),
    }
}

/// The fields WeChat documents for a payment notification (numbered
/// coupon fields by prefix).
fn is_payment_field(name: &str) -> bool {
    const NAMES: &[&str] = &[
        "return_code", "return_msg", "appid", "mch_id", "sub_appid", "sub_mch_id", "device_info", "nonce_str",
        "sign", "sign_type", "result_code", "err_code", "err_code_des", "openid", "is_subscribe", "sub_openid",
        "sub_is_subscribe", "trade_type", "bank_type", "total_fee", "settlement_total_fee", "fee_type", "cash_fee",
        "cash_fee_type", "coupon_fee", "coupon_count", "transaction_id", "out_trade_no", "attach", "time_end",
        "trade_state", "trade_state_desc", "promotion_detail", "version",
    ];
    const NUMBERED: &[&str] = &["coupon_type_", "coupon_id_", "coupon_fee_"];
    NAMES.contains(&name) || NUMBERED.iter().any(|p| name.strip_prefix(p).is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())))
}

pub(crate) fn context(what: &str, e: Error) -> Error {
    let response = e.response().cloned();
    let out = Error::new(e.kind(), format!("{what}: {}", e.message()));
    match response {
        Some(r) => out.with_response(r),
        None => out,
    }
}

#[cfg(test)]
mod tests;
