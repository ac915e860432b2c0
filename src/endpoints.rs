//! The one table of endpoint knowledge: which paths need the merchant
//! certificate, which responses are signed, which fields are required, which
//! algorithms are allowed and what a successful body looks like.
//!
//! The client, the C ABI (`wxpay_endpoint_info`) and through it every wrapper
//! read this table; nobody else keeps a copy.
//!
//! Lookup order: an exact path, then a known family (`secapi/`,
//! `mmpaymkttransfers/`, ...), then the default for unknown paths (signed
//! XML, no certificate), so that a new WeChat endpoint works without a
//! library release while a new member of a certificate family still gets its
//! certificate. `xdc/apiv2sandbox/<path>` (WeChat's current v2 sandbox gateway)
//! maps to the entry of `<path>`, restricted to MD5; the sandbox's key comes
//! from `xdc/apiv2getsignkey/sign/getsignkey`. The retired gateway,
//! `sandboxnew/`, is refused with a message that names the current one.

use crate::error::{Error, ErrorKind, Result, truncate};
use crate::sign::{SignType};

mod retry;
pub use retry::{Retry, retry};

/// What the body of a successful response is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// A flat `<xml>` document: use `Client::request`.
    Xml,
    /// A bill (CSV-like text, possibly gzip); failures still come as XML:
    /// use `Client::download`.
    Bytes,
}

/// The signature algorithms an endpoint accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignTypes {
    Any,
    Md5Only,
    HmacSha256Only,
}

impl SignTypes {
    pub fn allows(self, t: SignType) -> bool {
        match self {
            SignTypes::Any => true,
            SignTypes::Md5Only => t == SignType::Md5,
            SignTypes::HmacSha256Only => t == SignType::HmacSha256,
        }
    }

    /// The only algorithm allowed, if there is just one.
    pub fn only(self) -> Option<SignType> {
        match self {
            SignTypes::Any => None,
            SignTypes::Md5Only => Some(SignType::Md5),
            SignTypes::HmacSha256Only => Some(SignType::HmacSha256),
        }
    }
}

/// How a path was found in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    /// Not known: the default (signed XML, no certificate) applies.
    Unknown,
    /// Not listed, but of a known family whose rules apply.
    Family,
    /// Listed.
    Exact,
}

/// What the library knows about one endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    /// The path without host or leading slash, e.g. `secapi/pay/refund`;
    /// for a family its prefix, for the default the empty string.
    pub path: &'static str,
    /// The merchant certificate (mutual TLS) is required.
    pub certificate: bool,
    /// Responses carry a `sign` that must be verified.
    pub signed_response: bool,
    pub body: BodyKind,
    pub sign_types: SignTypes,
    /// The request carries a `sign_type` field (some endpoints refuse one).
    pub sends_sign_type: bool,
    /// The request carries a `nonce_str` (the contract queries take none).
    pub sends_nonce: bool,
    /// The name under which the endpoint takes the app ID (`appid`,
    /// `mch_appid`, `wxappid`), or `None` if it takes none.
    pub appid_field: Option<&'static str>,
    /// The name under which it takes the merchant ID (`mch_id` or `mchid`).
    pub mch_id_field: &'static str,
    /// Takes `sub_appid` / `sub_mch_id` in service-provider mode.
    pub sub_ids: bool,
    /// Fields the caller must give, each name followed by a NUL byte (the
    /// form the C ABI hands out without copying); see [`Endpoint::required`].
    pub required_packed: &'static str,
    /// At least one of these must be given (same form); empty for none.
    pub one_of_packed: &'static str,
    /// The WeChat host this endpoint lives on when it is not the API host
    /// (`risk/getpublickey` is served by `fraud.mch.weixin.qq.com`).
    pub wechat_host: Option<&'static str>,
    /// The list of records its response holds, the one nesting accepted
    /// (fields of record `n` come out as `name_n`); `None` for flat
    /// responses, which is every endpoint but `mmpaymkttransfers/gethbinfo`.
    pub records: Option<crate::xml::Records>,
}

impl Endpoint {
    pub fn required(&self) -> impl Iterator<Item = &'static str> {
        names(self.required_packed)
    }

    pub fn one_of(&self) -> impl Iterator<Item = &'static str> {
        names(self.one_of_packed)
    }

    /// Checks that `has(name)` holds for every required field and for one of
    /// the alternatives.
    pub fn check_required(&self, path: &str, has: impl Fn(&str) -> bool) -> Result<()> {
        if let Some(missing) = self.required().find(|n| !has(n)) {
            return Err(Error::new(
                ErrorKind::MissingField,
                format!("{}: the required field `{missing}` is missing", truncate(path, 128)),
            ));
        }
        if !self.one_of_packed.is_empty() && !self.one_of().any(&has) {
            let list: Vec<&str> = self.one_of().collect();
            return Err(Error::new(
                ErrorKind::MissingField,
                format!("{}: one of the fields {} is required", truncate(path, 128), list.join(", ")),
            ));
        }
        Ok(())
    }
}

fn names(packed: &'static str) -> impl Iterator<Item = &'static str> {
    packed.split_terminator('\0')
}

/// The result of [`lookup`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lookup {
    pub endpoint: Endpoint,
    pub matched: Match,
    /// The path is the sandbox's: under `xdc/apiv2sandbox/`, or its key
    /// endpoint.
    pub sandbox: bool,
}

/// WeChat's v2 sandbox gateway: `xdc/apiv2sandbox/<path>` is `<path>` in
/// the sandbox, signed with the sandbox key.
pub const SANDBOX: &str = "xdc/apiv2sandbox/";
/// Where the sandbox key is fetched, with a request signed with the API key.
pub const SANDBOX_GETSIGNKEY: &str = "xdc/apiv2getsignkey/sign/getsignkey";
/// The sandbox gateway WeChat retired (its key endpoint answers 404).
const RETIRED_SANDBOX: &str = "sandboxnew/";

/// Finds the rules for `path` (with or without a leading `/`).
///
/// Fails only for text that cannot be a path: empty, a full URL, a query,
/// `..`, or characters outside `A-Z a-z 0-9 _ - . /`.
pub fn lookup(path: &str) -> Result<Lookup> {
    let path = normalize(path)?;
    if path.starts_with(RETIRED_SANDBOX) {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            format!(
                "`{}`: WeChat retired the `sandboxnew/` gateway; its v2 sandbox is now under `{SANDBOX}` (or set the client's sandbox option)",
                truncate(path, 80)
            ),
        ));
    }
    if let Some(e) = TABLE.iter().find(|e| e.path == path) {
        return Ok(Lookup { endpoint: *e, matched: Match::Exact, sandbox: path == SANDBOX_GETSIGNKEY });
    }
    let (rest, sandbox) = match path.strip_prefix(SANDBOX) {
        Some(rest) => (rest, true),
        None => (path, false),
    };
    let (mut endpoint, matched) = match TABLE.iter().find(|e| e.path == rest) {
        Some(e) => (*e, Match::Exact),
        None => match family(rest) {
            Some(e) => (*e, Match::Family),
            None => (DEFAULT, Match::Unknown),
        },
    };
    if sandbox {
        endpoint.sign_types = SignTypes::Md5Only;
        endpoint.wechat_host = None;
    }
    Ok(Lookup { endpoint, matched, sandbox })
}

/// Strips a leading `/` and refuses anything that is not a plain path.
pub fn normalize(path: &str) -> Result<&str> {
    let p = path.strip_prefix('/').unwrap_or(path);
    let ok_chars = p.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'/'));
    if p.is_empty() || !ok_chars || p.split('/').any(|seg| seg.is_empty() || seg == "." || seg == "..") {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            format!(
                "`{}` is not an endpoint path (expected e.g. `pay/unifiedorder`: letters, digits, _ - . and /, no host or query)",
                truncate(path, 128)
            ),
        ));
    }
    Ok(p)
}

fn family(path: &str) -> Option<&'static Endpoint> {
    if path.starts_with("papay/") && path.ends_with("entrustweb") {
        return Some(&PAPAY_ENTRUSTWEB);
    }
    FAMILIES.iter().find(|f| path.starts_with(f.path))
}

/// The rules for a path nobody listed: signed XML, no certificate.
pub const DEFAULT: Endpoint = Endpoint {
    path: "",
    certificate: false,
    signed_response: true,
    body: BodyKind::Xml,
    sign_types: SignTypes::Any,
    sends_sign_type: true,
    sends_nonce: true,
    appid_field: Some("appid"),
    mch_id_field: "mch_id",
    sub_ids: true,
    required_packed: "",
    one_of_packed: "",
    wechat_host: None,
    records: None,
};

const fn pay(path: &'static str, required: &'static str, one_of: &'static str) -> Endpoint {
    Endpoint { path, required_packed: required, one_of_packed: one_of, ..DEFAULT }
}

const fn secapi(path: &'static str, required: &'static str, one_of: &'static str) -> Endpoint {
    Endpoint { certificate: true, ..pay(path, required, one_of) }
}

const fn bill(path: &'static str, certificate: bool, sign_types: SignTypes, required: &'static str) -> Endpoint {
    Endpoint { certificate, signed_response: false, body: BodyKind::Bytes, sign_types, ..pay(path, required, "") }
}

/// Company payments, red packets and coupons: certificate, unsigned
/// responses, MD5 without a `sign_type` field, and their own names for the
/// identity fields.
const fn mkt(path: &'static str, appid: Option<&'static str>, mch_id: &'static str, required: &'static str) -> Endpoint {
    Endpoint {
        path,
        certificate: true,
        signed_response: false,
        body: BodyKind::Xml,
        sign_types: SignTypes::Md5Only,
        sends_sign_type: false,
        sends_nonce: true,
        appid_field: appid,
        mch_id_field: mch_id,
        sub_ids: false,
        required_packed: required,
        one_of_packed: "",
        wechat_host: None,
        records: None,
    }
}

/// Profit sharing (分账): HMAC-SHA256 only, signed responses; the queries of
/// a split and of an order's unsplit amount take no `appid`.
const fn split(path: &'static str, certificate: bool, appid: bool, required: &'static str, one_of: &'static str) -> Endpoint {
    Endpoint {
        certificate,
        sign_types: SignTypes::HmacSha256Only,
        appid_field: if appid { Some("appid") } else { None },
        ..pay(path, required, one_of)
    }
}

/// Automatic deduction (委托代扣, see [`crate::papay`]): MD5 without a
/// `sign_type` field, no service-provider ids (partners have their own
/// paths).
const fn papay(path: &'static str, required: &'static str, one_of: &'static str) -> Endpoint {
    Endpoint { sign_types: SignTypes::Md5Only, sends_sign_type: false, sub_ids: false, ..pay(path, required, one_of) }
}

/// The contract queries: [`papay`] without `nonce_str`, naming the contract
/// by `contract_id` or by `plan_id` + `contract_code` (see [`check_conditional`]).
const fn contract(path: &'static str, required: &'static str) -> Endpoint {
    Endpoint { sends_nonce: false, ..papay(path, required, "contract_id\0contract_code\0") }
}

const PAPAY_ENTRUSTWEB: Endpoint = Endpoint { path: "papay/", signed_response: false, ..DEFAULT };

const FAMILIES: &[Endpoint] = &[
    secapi("secapi/", "", ""),
    mkt("mmpaymkttransfers/", Some("appid"), "mch_id", ""),
    mkt("mmpaysptrans/", None, "mch_id", ""),
    bill("billcommentsp/", true, SignTypes::HmacSha256Only, ""),
    Endpoint { path: "risk/", certificate: true, signed_response: false, appid_field: None, sub_ids: false, ..DEFAULT },
];

/// Every listed endpoint. The sandbox entry is listed under its full path
/// because it exists only there.
pub const TABLE: &[Endpoint] = &[
    pay("pay/unifiedorder", "body\0out_trade_no\0total_fee\0spbill_create_ip\0notify_url\0trade_type\0", ""),
    pay("pay/orderquery", "", "transaction_id\0out_trade_no\0"),
    pay("pay/closeorder", "out_trade_no\0", ""),
    pay("pay/micropay", "body\0out_trade_no\0total_fee\0spbill_create_ip\0auth_code\0", ""),
    pay("pay/refundquery", "", "transaction_id\0out_trade_no\0out_refund_no\0refund_id\0"),
    secapi("secapi/pay/refund", "out_refund_no\0total_fee\0refund_fee\0", "transaction_id\0out_trade_no\0"),
    secapi("secapi/pay/reverse", "", "transaction_id\0out_trade_no\0"),
    bill("pay/downloadbill", false, SignTypes::Any, "bill_date\0"),
    bill("pay/downloadfundflow", true, SignTypes::HmacSha256Only, "bill_date\0account_type\0"),
    bill("billcommentsp/batchquerycomment", true, SignTypes::HmacSha256Only, "begin_time\0end_time\0offset\0"),
    Endpoint { signed_response: false, ..pay("payitil/report", "interface_url\0user_ip\0", "") },
    pay("tools/shorturl", "long_url\0", ""),
    pay("tools/authcodetoopenid", "auth_code\0", ""),
    pay("pay/queryexchagerate", "fee_type\0date\0", ""),
    pay("pay/settlementquery", "useflag\0offset\0limit\0date_start\0date_end\0", ""),
    Endpoint {
        path: "risk/getpublickey",
        certificate: true,
        signed_response: false,
        sign_types: SignTypes::Md5Only,
        appid_field: None,
        sub_ids: false,
        wechat_host: Some("https://fraud.mch.weixin.qq.com"),
        ..DEFAULT
    },
    Endpoint {
        path: "xdc/apiv2getsignkey/sign/getsignkey",
        signed_response: false,
        sign_types: SignTypes::Md5Only,
        sends_sign_type: false,
        appid_field: None,
        sub_ids: false,
        ..DEFAULT
    },
    mkt(
        "mmpaymkttransfers/promotion/transfers",
        Some("mch_appid"),
        "mchid",
        "partner_trade_no\0openid\0check_name\0amount\0desc\0spbill_create_ip\0",
    ),
    mkt("mmpaymkttransfers/gettransferinfo", Some("appid"), "mch_id", "partner_trade_no\0"),
    mkt(
        "mmpaymkttransfers/sendredpack",
        Some("wxappid"),
        "mch_id",
        "mch_billno\0send_name\0re_openid\0total_amount\0total_num\0wishing\0client_ip\0act_name\0remark\0",
    ),
    mkt(
        "mmpaymkttransfers/sendgroupredpack",
        Some("wxappid"),
        "mch_id",
        "mch_billno\0send_name\0re_openid\0total_amount\0total_num\0amt_type\0wishing\0act_name\0remark\0",
    ),
    // A mini-program's red packet: the answer's `package` opens it there (`PayKind::RedPacket`).
    mkt(
        "mmpaymkttransfers/sendminiprogramhb",
        Some("wxappid"),
        "mch_id",
        "mch_billno\0send_name\0re_openid\0total_amount\0total_num\0wishing\0act_name\0remark\0notify_way\0",
    ),
    // The red-packet query lists who received what as <hblist><hbinfo>...</hbinfo></hblist>.
    Endpoint {
        records: Some(crate::xml::Records { list: "hblist", item: "hbinfo" }),
        ..mkt("mmpaymkttransfers/gethbinfo", Some("appid"), "mch_id", "mch_billno\0bill_type\0")
    },
    // Payouts to a bank card: `Client::pay_bank` encrypts the card number and name (see `payout`).
    mkt("mmpaysptrans/pay_bank", None, "mch_id", "partner_trade_no\0enc_bank_no\0enc_true_name\0bank_code\0amount\0"),
    mkt("mmpaysptrans/query_bank", None, "mch_id", "partner_trade_no\0"),
    mkt("mmpaymkttransfers/send_coupon", Some("appid"), "mch_id", "coupon_stock_id\0openid_count\0partner_trade_no\0openid\0"),
    mkt("mmpaymkttransfers/query_coupon_stock", Some("appid"), "mch_id", "coupon_stock_id\0"),
    mkt("mmpaymkttransfers/querycouponsinfo", Some("appid"), "mch_id", "coupon_id\0openid\0stock_id\0"),
    split("secapi/pay/profitsharing", true, true, "transaction_id\0out_order_no\0receivers\0", ""),
    split("secapi/pay/multiprofitsharing", true, true, "transaction_id\0out_order_no\0receivers\0", ""),
    split("pay/profitsharingquery", false, false, "transaction_id\0out_order_no\0", ""),
    split("pay/profitsharingaddreceiver", false, true, "receiver\0", ""),
    split("pay/profitsharingremovereceiver", false, true, "receiver\0", ""),
    split("secapi/pay/profitsharingfinish", true, true, "transaction_id\0out_order_no\0amount\0description\0", ""),
    split("pay/profitsharingorderamountquery", false, false, "transaction_id\0", ""),
    split(
        "secapi/pay/profitsharingreturn",
        true,
        true,
        "out_return_no\0return_account_type\0return_account\0return_amount\0description\0",
        "order_id\0out_order_no\0",
    ),
    split("pay/profitsharingreturnquery", false, true, "out_return_no\0", "order_id\0out_order_no\0"),
    papay(
        "pay/pappayapply",
        "body\0out_trade_no\0total_fee\0spbill_create_ip\0notify_url\0trade_type\0contract_id\0",
        "",
    ),
    papay("pay/paporderquery", "", "transaction_id\0out_trade_no\0"),
    contract("papay/querycontract", "version\0"),
    contract("papay/deletecontract", "version\0contract_termination_remark\0"),
    // Browser links, not API calls: `Client::entrust_url` builds the first.
    Endpoint { path: "papay/entrustweb", ..PAPAY_ENTRUSTWEB },
    Endpoint { path: "papay/h5entrustweb", ..PAPAY_ENTRUSTWEB },
    // An App's pre-signing: an API call (no nonce) answering the `pre_entrustweb_id` the App opens WeChat with.
    Endpoint {
        path: "papay/preentrustweb",
        sends_nonce: false,
        required_packed: "plan_id\0contract_code\0request_serial\0contract_display_account\0notify_url\0version\0timestamp\0",
        ..DEFAULT
    },
];

/// Fields required only for some values of another field, which the
/// table's flat lists cannot say: `pay/unifiedorder` with
/// `trade_type=JSAPI` needs the payer's `openid` (or `sub_openid` in
/// service-provider mode), `NATIVE` a `product_id`, `MWEB` a `scene_info`;
/// a contract query without `contract_id` needs `plan_id` (the table's
/// one-of list already asks for `contract_code`).
/// Checked before any network I/O, like [`Endpoint::check_required`].
pub fn check_conditional(path: &str, fields: &crate::fields::Fields) -> Result<()> {
    let plain = path.strip_prefix('/').unwrap_or(path);
    let plain = plain.strip_prefix(SANDBOX).unwrap_or(plain);
    let has = |n: &str| fields.get(n).is_some_and(|v| !v.is_empty());
    if matches!(plain, "papay/querycontract" | "papay/deletecontract") && !has("contract_id") && !has("plan_id") {
        return Err(Error::new(
            ErrorKind::MissingField,
            format!("{}: a contract is named by `contract_id`, or by `plan_id` with `contract_code`", truncate(path, 128)),
        ));
    }
    if plain != "pay/unifiedorder" {
        return Ok(());
    }
    let (needs, ok) = match fields.get("trade_type") {
        Some("JSAPI") => ("`openid` (or `sub_openid` with `sub_appid`)", has("openid") || has("sub_openid")),
        Some("NATIVE") => ("`product_id`", has("product_id")),
        Some("MWEB") => ("`scene_info`", has("scene_info")),
        _ => return Ok(()),
    };
    if ok {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::MissingField,
        format!(
            "{}: trade_type={} needs {needs}",
            truncate(path, 128),
            fields.get("trade_type").unwrap_or_default()
        ),
    ))
}

#[cfg(test)]
mod tests;
