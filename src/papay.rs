//! Contracts for automatic deduction (委托代扣, "papay").
//!
//! 1. The user signs a contract in WeChat: the merchant opens a signed
//!    browser link, `papay/entrustweb?...` ([`entrust_url`]), in the
//!    Official Account's web view. Once the user agrees, WeChat POSTs a
//!    signed contract notification (`change_type=ADD`, with the
//!    `contract_id`) to the link's `notify_url` ([`contract_notification`]).
//! 2. The merchant deducts with `pay/pappayapply` (`trade_type=PAP`, the
//!    `contract_id`); the result comes as an ordinary payment notification,
//!    and `pay/paporderquery` queries it.
//! 3. `papay/querycontract` reads a contract and `papay/deletecontract` ends
//!    it; an ended contract (by the merchant or the user) is notified with
//!    `change_type=DELETE`.
//!
//! The contract endpoints sign MD5 and take no `sign_type`; the link and
//! the two contract calls take no `nonce_str` (see [`crate::endpoints`]).

use crate::error::{Error, ErrorKind, Result, truncate};
use crate::fields::Fields;
use crate::notify::{Merchant, check_merchant, check_return_code, context};
use crate::sign::{self, ApiKey, SignType};
use crate::xml;

/// The path of the signing link, under the API host.
pub const ENTRUST_PATH: &str = "papay/entrustweb";

/// The fields a signing link must carry besides `appid` and `mch_id`.
const ENTRUST_REQUIRED: [&str; 7] =
    ["plan_id", "contract_code", "request_serial", "contract_display_account", "notify_url", "version", "timestamp"];

/// The signing link: `base` (the API host, ending in `/`) +
/// `papay/entrustweb?` + every field, in name order with its value
/// percent-encoded, + `&sign=` (MD5 over the raw values, the usual way).
///
/// `fields` must hold `appid`, `mch_id` and [`ENTRUST_REQUIRED`]'s names,
/// non-empty (else [`ErrorKind::MissingField`]); `request_serial` and
/// `timestamp` are whole numbers (else [`ErrorKind::InvalidArgument`]); a
/// `sign` or `sign_type` is [`ErrorKind::ConflictingField`]. Optional
/// fields (`return_web`, `outerid`, ...) are signed and sent as given.
pub fn entrust_url(base: &str, fields: &Fields, key: &ApiKey) -> Result<String> {
    for name in ["sign", "sign_type"] {
        if fields.contains(name) {
            return Err(Error::new(
                ErrorKind::ConflictingField,
                format!("{ENTRUST_PATH}: `{name}` is set by the library (the link is always signed MD5)"),
            ));
        }
    }
    for name in ["appid", "mch_id"].into_iter().chain(ENTRUST_REQUIRED) {
        if fields.get(name).is_none_or(str::is_empty) {
            return Err(Error::new(ErrorKind::MissingField, format!("{ENTRUST_PATH}: the required field `{name}` is missing")));
        }
    }
    for name in ["request_serial", "timestamp"] {
        let value = fields.get(name).unwrap_or_default();
        if value.len() > 19 || !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!("{ENTRUST_PATH}: `{name}` must be a whole number, not `{}`", truncate(value, 32)),
            ));
        }
    }
    let signature = sign::sign(fields.as_slice(), key, Some(SignType::Md5))?;
    let mut sorted: Vec<(&str, &str)> = fields.iter().filter(|(_, v)| !v.is_empty()).collect();
    sorted.sort_unstable();
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in sorted {
        query.append_pair(name, value);
    }
    query.append_pair("sign", signature.as_str());
    Ok(format!("{base}{ENTRUST_PATH}?{}", query.finish()))
}

/// What a contract notification says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContractChange {
    /// `change_type=ADD`: the user signed.
    Signed,
    /// `change_type=DELETE`: the contract ended.
    Ended,
}

/// A verified contract notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractNotification {
    /// Every field as sent, `sign` included: `contract_id`, `contract_code`,
    /// `plan_id`, `openid`, `operate_time`, `contract_expired_time`, ...
    pub fields: Fields,
    pub change: ContractChange,
}

/// Parses and verifies a contract notification body: the XML (within
/// `limits`), `return_code` (`FAIL` is [`ErrorKind::ProtocolFail`]), the
/// signature with the merchant's key (MD5 or HMAC-SHA256, told by its
/// length: there is no `sign_type`), the merchant identity
/// ([`ErrorKind::MerchantMismatch`]), then `result_code=SUCCESS`, a
/// `change_type` of `ADD` or `DELETE`, and non-empty `contract_id`,
/// `contract_code`, `plan_id` and `openid` ([`ErrorKind::ResponseInvalid`]).
/// Acknowledge it with [`crate::notify::reply`]`(true, ..)`.
pub fn contract_notification(body: &[u8], limits: impl Into<xml::Limits>, merchant: &Merchant<'_>) -> Result<ContractNotification> {
    let in_context = |e| context("the contract notification", e);
    let fields = xml::parse_with_limit(body, limits).map_err(in_context)?;
    check_return_code(&fields)?;
    sign::verify(fields.as_slice(), merchant.key, None).map_err(in_context)?;
    check_merchant(&fields, merchant)?;
    let invalid = |what: String| Error::new(ErrorKind::ResponseInvalid, format!("the contract notification {what}"));
    match fields.get("result_code") {
        Some("SUCCESS") => {}
        other => return Err(invalid(format!("has result_code `{}`, not SUCCESS", truncate(other.unwrap_or_default(), 32)))),
    }
    let change = match fields.get("change_type") {
        Some("ADD") => ContractChange::Signed,
        Some("DELETE") => ContractChange::Ended,
        other => {
            return Err(invalid(format!(
                "has change_type `{}`, neither ADD nor DELETE",
                truncate(other.unwrap_or_default(), 32)
            )));
        }
    };
    for name in ["contract_id", "contract_code", "plan_id", "openid"] {
        if fields.get(name).is_none_or(str::is_empty) {
            return Err(invalid(format!("has no {name}")));
        }
    }
    Ok(ContractNotification { fields, change })
}

#[cfg(test)]
mod tests;
