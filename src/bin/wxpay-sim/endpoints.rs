//! Which API paths exist and what each demands (certificate, signature,
//! identity fields) and answers (signed or not).

use crate::app::App;
use crate::reply::{Reply, Request};
use crate::{bill, coupon, misc, papay, payout, redpack, refund, split, trade};

/// The fields that name the merchant in a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identity {
    /// `appid` and `mch_id`.
    Merchant,
    /// `mch_appid` and `mchid` (the mmpaymkttransfers family).
    Transfer,
    /// `mch_id` only (the sandbox key request).
    MchOnly,
    /// `wxappid` and `mch_id` (sending red packets).
    RedPack,
}

#[derive(Clone, Copy)]
pub struct Endpoint {
    pub cert: bool,
    /// Whether the response carries `sign` (PROTOCOL.md lists the unsigned ones).
    pub signed: bool,
    /// Whether the response carries `result_code` (getsignkey has none).
    pub business: bool,
    pub identity: Identity,
    /// Only HMAC-SHA256 requests are accepted (downloadfundflow, profit sharing).
    pub hmac_only: bool,
    /// A request carrying `appid` is refused (the profit-sharing queries take none).
    pub refuses_appid: bool,
    /// MD5 only, and a `sign_type` field is refused (automatic deduction).
    pub md5_only: bool,
    /// Neither the request nor the answer carries `nonce_str` (the contract queries).
    pub nonceless: bool,
    pub handler: fn(&App, &Request) -> Reply,
}

const fn plain(handler: fn(&App, &Request) -> Reply) -> Endpoint {
    Endpoint {
        cert: false,
        signed: true,
        business: true,
        identity: Identity::Merchant,
        hmac_only: false,
        refuses_appid: false,
        md5_only: false,
        nonceless: false,
        handler,
    }
}

/// Profit sharing: HMAC-SHA256 only.
const fn split(handler: fn(&App, &Request) -> Reply) -> Endpoint {
    Endpoint { hmac_only: true, ..plain(handler) }
}

/// The profit-sharing queries: HMAC-SHA256, `mch_id` and no `appid`.
const fn split_query(handler: fn(&App, &Request) -> Reply) -> Endpoint {
    Endpoint { identity: Identity::MchOnly, refuses_appid: true, ..split(handler) }
}

/// Automatic deduction: MD5 without a `sign_type` field.
const fn papay(handler: fn(&App, &Request) -> Reply) -> Endpoint {
    Endpoint { md5_only: true, ..plain(handler) }
}

/// The contract queries: [`papay`] without `nonce_str`.
const fn contract(handler: fn(&App, &Request) -> Reply) -> Endpoint {
    Endpoint { nonceless: true, ..papay(handler) }
}

/// WeChat's v2 sandbox: the API's paths under this prefix, signed with the
/// key from [`GETSIGNKEY`] (the retired `sandboxnew/` gateway answers 404).
pub const SANDBOX: &str = "xdc/apiv2sandbox/";
pub const GETSIGNKEY: &str = "xdc/apiv2getsignkey/sign/getsignkey";

/// The endpoint at `path` (no leading `/`, no [`SANDBOX`] prefix); `None` if the
/// simulator does not implement it. Certificate-only families are reported
/// by [`needs_cert`] even when unimplemented.
pub fn lookup(path: &str, sandbox: bool) -> Option<Endpoint> {
    Some(match path {
        "pay/unifiedorder" => plain(trade::unifiedorder),
        "pay/orderquery" => plain(trade::orderquery),
        "pay/closeorder" => plain(trade::closeorder),
        "pay/micropay" => plain(trade::micropay),
        "pay/refundquery" => plain(refund::refundquery),
        "secapi/pay/reverse" => Endpoint { cert: true, ..plain(trade::reverse) },
        "secapi/pay/refund" => Endpoint { cert: true, ..plain(refund::refund) },
        // Sources disagree on the sandbox refund path; both work, both need the certificate.
        "pay/refund" if sandbox => Endpoint { cert: true, ..plain(refund::refund) },
        "pay/downloadbill" => Endpoint { signed: false, ..plain(bill::downloadbill) },
        "pay/downloadfundflow" => {
            Endpoint { cert: true, signed: false, hmac_only: true, ..plain(bill::downloadfundflow) }
        }
        "tools/shorturl" => plain(misc::shorturl),
        "tools/authcodetoopenid" => plain(misc::authcodetoopenid),
        "payitil/report" => Endpoint { signed: false, ..plain(misc::report) },
        "mmpaymkttransfers/promotion/transfers" => {
            Endpoint { cert: true, signed: false, identity: Identity::Transfer, ..plain(misc::transfers) }
        }
        "mmpaymkttransfers/send_coupon" => Endpoint { cert: true, signed: false, ..plain(coupon::send_coupon) },
        "mmpaymkttransfers/query_coupon_stock" => {
            Endpoint { cert: true, signed: false, ..plain(coupon::query_coupon_stock) }
        }
        "mmpaymkttransfers/querycouponsinfo" => Endpoint { cert: true, signed: false, ..plain(coupon::querycouponsinfo) },
        "mmpaymkttransfers/sendredpack" => {
            Endpoint { cert: true, signed: false, identity: Identity::RedPack, ..plain(redpack::sendredpack) }
        }
        "mmpaymkttransfers/sendminiprogramhb" => {
            Endpoint { cert: true, signed: false, identity: Identity::RedPack, ..plain(redpack::sendminiprogramhb) }
        }
        "mmpaymkttransfers/gethbinfo" => Endpoint { cert: true, signed: false, ..plain(redpack::gethbinfo) },
        "risk/getpublickey" => Endpoint { cert: true, signed: false, identity: Identity::MchOnly, ..plain(payout::getpublickey) },
        "mmpaysptrans/pay_bank" => {
            Endpoint { cert: true, signed: false, identity: Identity::MchOnly, ..plain(payout::pay_bank) }
        }
        "mmpaysptrans/query_bank" => {
            Endpoint { cert: true, signed: false, identity: Identity::MchOnly, ..plain(payout::query_bank) }
        }
        "pay/profitsharingaddreceiver" => split(split::addreceiver),
        "pay/profitsharingremovereceiver" => split(split::removereceiver),
        "secapi/pay/profitsharing" => Endpoint { cert: true, ..split(split::profitsharing) },
        "secapi/pay/multiprofitsharing" => Endpoint { cert: true, ..split(split::multiprofitsharing) },
        "secapi/pay/profitsharingfinish" => Endpoint { cert: true, ..split(split::finish) },
        "secapi/pay/profitsharingreturn" => Endpoint { cert: true, ..split(split::return_split) },
        "pay/profitsharingreturnquery" => split(split::return_query),
        "pay/profitsharingquery" => split_query(split::query),
        "pay/profitsharingorderamountquery" => split_query(split::orderamountquery),
        "pay/pappayapply" if !sandbox => papay(papay::pappayapply),
        "pay/paporderquery" if !sandbox => papay(papay::paporderquery),
        "papay/querycontract" if !sandbox => contract(papay::querycontract),
        "papay/deletecontract" if !sandbox => contract(papay::deletecontract),
        "papay/preentrustweb" if !sandbox => Endpoint { nonceless: true, ..plain(papay::preentrustweb) },
        GETSIGNKEY if !sandbox => {
            Endpoint { signed: false, business: false, identity: Identity::MchOnly, ..plain(misc::getsignkey) }
        }
        _ => return None,
    })
}

/// Whether a path belongs to a family that needs the client certificate.
pub fn needs_cert(path: &str) -> bool {
    path.starts_with("secapi/")
        || path.starts_with("mmpaymkttransfers/")
        || path.starts_with("mmpaysptrans/")
        || path.starts_with("risk/")
        || path == "pay/downloadfundflow"
}
