//! The merchant's flows on a configured client: notifications, client pay
//! parameters, bills, micropay. The protocol work lives in the core modules
//! ([`crate::notify`], [`crate::pay_params`], [`crate::bill`],
//! [`crate::micropay`]); this supplies the client's key and identity.

use std::borrow::Cow;

use super::Client;
use crate::bill::{self, Bill};
use crate::error::Result;
use crate::fields::Fields;
use crate::log::{LogLevel, Logger, log};
use crate::error::{Error, ErrorKind};
use crate::micropay::{self, MicropayOptions, MicropayOutcome};
use crate::native;
use crate::papay::{self, ContractNotification};
use crate::notify::{self, Merchant, PaymentNotification, RefundNotification};
use crate::pay_params::{self, PayKind, PayRequest};
use crate::sign::ApiKey;

impl Client {
    /// Whether a merchant certificate is configured (reversal needs one).
    pub(crate) fn has_merchant_certificate(&self) -> bool {
        self.certificates.has_certificate()
    }

    /// Who this client accepts notifications for, with `key` the key they
    /// are signed with.
    fn merchant_with<'a>(&'a self, key: &'a ApiKey) -> Merchant<'a> {
        Merchant {
            key,
            appid: self.appid.as_deref(),
            mch_id: &self.mch_id,
            sub_mch_id: self.sub_mch_id.as_deref(),
        }
    }

    /// Verifies a payment notification with the client's key and identity
    /// (see [`notify::payment_notification`]); the limits are the
    /// client's `max_response_size` and `max_fields`.
    ///
    /// In sandbox mode the sandbox key is used (fetched if not cached yet).
    pub fn payment_notification(&self, body: &[u8]) -> Result<PaymentNotification> {
        let key = self.current_key()?;
        notify::payment_notification(body, self.xml_limits(), &self.merchant_with(&key))
    }

    /// Decrypts a refund notification (see [`notify::refund_notification`]).
    /// In sandbox mode `req_info` is encrypted under the sandbox key.
    pub fn refund_notification(&self, body: &[u8]) -> Result<RefundNotification> {
        let key = self.current_key()?;
        notify::refund_notification(body, self.xml_limits(), &self.merchant_with(&key))
    }

    /// Signed parameters for the client SDK from a `prepay_id`, with the
    /// client's sign type (which must be the order's).
    ///
    /// `appid` defaults to the configured `sub_appid`, else `appid`;
    /// `timestamp` to now; `nonce` to a fresh random one.
    pub fn pay_params(
        &self,
        kind: PayKind,
        prepay_id: &str,
        appid: Option<&str>,
        timestamp: Option<u64>,
        nonce: Option<&str>,
    ) -> Result<Fields> {
        let appid = appid.or(self.sub_appid.as_deref()).or(self.appid.as_deref()).unwrap_or("");
        let nonce = given_or_fresh(nonce)?;
        let mch_id = if kind == PayKind::App { self.sub_mch_id.as_deref().unwrap_or(&self.mch_id) } else { &self.mch_id };
        let request = PayRequest {
            appid,
            mch_id,
            prepay_id,
            timestamp: timestamp.unwrap_or_else(pay_params::now),
            nonce: &nonce,
            sign_type: self.sign_type,
        };
        pay_params::pay_params(kind, &request, &self.key)
    }

    /// The long link of a Native mode-1 QR code for `product_id`, with the
    /// configured `appid` and `mch_id` (see [`native::bizpay_url`]);
    /// `time_stamp` defaults to now, `nonce` to a fresh one.
    pub fn bizpay_url(&self, product_id: &str, time_stamp: Option<u64>, nonce: Option<&str>) -> Result<String> {
        let appid = self.native_appid()?;
        let nonce = given_or_fresh(nonce)?;
        native::bizpay_url(appid, &self.mch_id, product_id, time_stamp.unwrap_or_else(pay_params::now), &nonce, &*self.current_key()?)
    }

    /// Verifies a Native mode-1 scan callback with the client's key and
    /// identity (see [`native::scan_callback`]).
    pub fn scan_callback(&self, body: &[u8]) -> Result<Fields> {
        let key = self.current_key()?;
        native::scan_callback(body, self.xml_limits(), &self.merchant_with(&key))
    }

    /// The `appid` Native mode 1 signs with: the configured one.
    fn native_appid(&self) -> Result<&str> {
        self.appid.as_deref().ok_or_else(|| {
            Error::new(ErrorKind::InvalidArgument, "Native mode 1 needs the client's appid, which is not configured")
        })
    }

    /// The signed answer to a scan callback (see [`native::scan_reply`]).
    pub fn scan_reply(&self, prepay_id: Option<&str>, message: Option<&str>) -> Result<String> {
        let appid = self.native_appid()?;
        let nonce = crate::nonce::nonce()?;
        native::scan_reply(appid, &self.mch_id, prepay_id, message, &nonce, &*self.current_key()?)
    }

    /// The contract-signing link (`papay/entrustweb`) on the configured host,
    /// with the configured `appid` (required) and `mch_id`, `version=1.0`
    /// and `timestamp` (now) unless given, signed MD5 with the API key (see
    /// [`papay::entrust_url`]). The sandbox has no contract pages: the link
    /// is the real one even in sandbox mode.
    pub fn entrust_url<K: AsRef<str>, V: AsRef<str>>(&self, fields: &[(K, V)]) -> Result<String> {
        let mut fields = Fields::from_pairs(fields.iter().map(|(k, v)| (k.as_ref(), v.as_ref())))?;
        let appid = self.appid.as_deref().ok_or_else(|| {
            Error::new(ErrorKind::InvalidArgument, "the contract-signing link needs the client's appid, which is not configured")
        })?;
        for (name, configured) in [("appid", appid), ("mch_id", self.mch_id.as_str())] {
            super::fill(&mut fields, papay::ENTRUST_PATH, name, configured)?;
        }
        if !fields.contains("version") {
            fields.insert("version", "1.0");
        }
        if !fields.contains("timestamp") {
            fields.insert("timestamp", pay_params::now().to_string());
        }
        papay::entrust_url(&self.base_url, &fields, &self.key)
    }

    /// Verifies a contract notification with the client's key and identity
    /// (see [`papay::contract_notification`]).
    pub fn contract_notification(&self, body: &[u8]) -> Result<ContractNotification> {
        papay::contract_notification(body, self.xml_limits(), &self.merchant_with(&self.key))
    }

    /// Downloads a bill and parses it (see [`bill::parse`]).
    pub fn download_bill<K: AsRef<str>, V: AsRef<str>>(&self, path: &str, fields: &[(K, V)]) -> Result<Bill> {
        let body = self.download(path, fields)?;
        bill::parse(&body, self.max_download_size)
    }

    /// Runs the micropay flow (see [`micropay::run`]).
    pub fn micropay<K: AsRef<str>, V: AsRef<str>>(&self, fields: &[(K, V)], options: &MicropayOptions) -> Result<MicropayOutcome> {
        micropay::run(self, fields, options)
    }
}

/// The caller's nonce (to reproduce a signature), else a fresh one.
fn given_or_fresh(nonce: Option<&str>) -> Result<Cow<'_, str>> {
    Ok(match nonce {
        Some(n) => Cow::Borrowed(n),
        None => Cow::Owned(crate::nonce::nonce()?),
    })
}

/// Payment results are POSTed to `notify_url`; over plain HTTP anyone on
/// the path can read them.
pub(super) fn warn_plain_http_notify_url(logger: Option<&Logger>, path: &str, fields: &Fields) {
    if let Some(url) = fields.get("notify_url") {
        if url.get(..7).is_some_and(|s| s.eq_ignore_ascii_case("http://")) {
            log(logger, LogLevel::Warn, || {
                format!("{path}: notify_url is plain HTTP; use HTTPS so that payment notifications cannot be read or altered in transit")
            });
        }
    }
}
