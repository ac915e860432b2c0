//! What a business failure's `err_code` says about sending the request
//! again, from WeChat's error tables for each endpoint group.
//!
//! `Retryable` means the outcome is not settled yet or the failure was
//! WeChat's: query, or send the same request again later with the same
//! merchant number (`out_trade_no`, `out_refund_no`, `partner_trade_no`,
//! `mch_billno`, `out_order_no`), never a new one, which could pay twice.
//! `Final` means this request will not succeed as it is: fix the cause, or
//! accept the state (`ORDERPAID`). `Unknown` is every code this table does
//! not list for the endpoint's group.

/// What an `err_code` says about trying again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    Unknown,
    Retryable,
    Final,
}

/// Endpoint groups whose error tables have codes of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    /// Every endpoint: the general error codes.
    Any,
    /// `pay/micropay` (and its sandbox path).
    Micropay,
    /// `pay/*profitsharing*` and `secapi/pay/*profitsharing*`.
    ProfitSharing,
    /// Payouts: `mmpaymkttransfers/` (transfers, red packets, coupons) and
    /// `mmpaysptrans/` (bank cards).
    Payout,
}

use Group::*;
use Retry::{Final, Retryable};

const CODES: &[(Group, &str, Retry)] = &[
    (Any, "SYSTEMERROR", Retryable),
    (Any, "BANKERROR", Retryable),
    (Any, "FREQUENCY_LIMITED", Retryable),
    (Any, "INVALID_REQ_TOO_MUCH", Retryable),
    (Any, "BIZERR_NEED_RETRY", Retryable),
    (Any, "PARAM_ERROR", Final),
    (Any, "LACK_PARAMS", Final),
    (Any, "SIGNERROR", Final),
    (Any, "XML_FORMAT_ERROR", Final),
    (Any, "REQUIRE_POST_METHOD", Final),
    (Any, "POST_DATA_EMPTY", Final),
    (Any, "NOT_UTF8", Final),
    (Any, "APPID_NOT_EXIST", Final),
    (Any, "MCHID_NOT_EXIST", Final),
    (Any, "APPID_MCHID_NOT_MATCH", Final),
    (Any, "NOAUTH", Final),
    (Any, "INVALID_REQUEST", Final),
    (Any, "INVALID_TRANSACTIONID", Final),
    (Any, "ORDERPAID", Final),
    (Any, "ORDERCLOSED", Final),
    (Any, "ORDERREVERSED", Final),
    (Any, "ORDERNOTEXIST", Final),
    (Any, "REFUNDNOTEXIST", Final),
    (Any, "OUT_TRADE_NO_USED", Final),
    (Any, "NOTENOUGH", Final),
    (Any, "TRADE_OVERDUE", Final),
    (Any, "TRADE_STATE_ERROR", Final),
    (Any, "TRADE_ERROR", Final),
    (Any, "REVERSE_EXPIRE", Final),
    (Any, "USER_ACCOUNT_ABNORMAL", Final),
    (Any, "ERROR", Final),
    (Micropay, "USERPAYING", Retryable),
    (Micropay, "AUTHCODEEXPIRE", Final),
    (Micropay, "AUTH_CODE_ERROR", Final),
    (Micropay, "AUTH_CODE_INVALID", Final),
    (Micropay, "NOTSUPORTCARD", Final),
    (Micropay, "BUYER_MISMATCH", Final),
    (ProfitSharing, "SYSTEM_ERROR", Retryable),
    (ProfitSharing, "ORDER_NOT_READY", Retryable),
    (ProfitSharing, "NOT_ENOUGH", Final),
    (ProfitSharing, "RECEIVER_INVALID", Final),
    (ProfitSharing, "NO_RELATION", Final),
    (ProfitSharing, "ORDER_FINISHED", Final),
    (Payout, "PROCESSING", Retryable),
    (Payout, "FREQ_LIMIT", Retryable),
    (Payout, "SEND_FAILED", Final),
    (Payout, "NOT_FOUND", Final),
    (Payout, "NAME_MISMATCH", Final),
    (Payout, "AMOUNT_LIMIT", Final),
    (Payout, "MONEY_LIMIT", Final),
    (Payout, "SENDNUM_LIMIT", Final),
    (Payout, "OPENID_ERROR", Final),
    (Payout, "CA_ERROR", Final),
    (Payout, "V2_ACCOUNT_SIMPLE_BAN", Final),
];

/// What `err_code` from `path` says about sending the request again.
/// The path (with or without a leading `/` or the sandbox prefix) adds its
/// group's codes to the general ones, which apply to any path.
pub fn retry(path: &str, err_code: &str) -> Retry {
    let path = path.strip_prefix('/').unwrap_or(path);
    let path = path.strip_prefix(super::SANDBOX).unwrap_or(path);
    let group = group(path);
    CODES
        .iter()
        .find(|(g, code, _)| (*g == Any || *g == group) && *code == err_code)
        .map_or(Retry::Unknown, |(_, _, retry)| *retry)
}

fn group(path: &str) -> Group {
    if path == "pay/micropay" {
        Micropay
    } else if path.contains("profitsharing") && (path.starts_with("pay/") || path.starts_with("secapi/pay/")) {
        ProfitSharing
    } else if path.starts_with("mmpaymkttransfers/") || path.starts_with("mmpaysptrans/") {
        Payout
    } else {
        Any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn general_codes_apply_to_every_endpoint() {
        for path in ["pay/unifiedorder", "/secapi/pay/refund", "pay/micropay", "mmpaysptrans/pay_bank", "xdc/apiv2sandbox/pay/orderquery"] {
            assert_eq!(retry(path, "SYSTEMERROR"), Retry::Retryable, "{path}");
            assert_eq!(retry(path, "ORDERPAID"), Retry::Final, "{path}");
            assert_eq!(retry(path, "SIGNERROR"), Retry::Final, "{path}");
        }
        assert_eq!(retry("secapi/pay/refund", "BIZERR_NEED_RETRY"), Retry::Retryable);
        assert_eq!(retry("secapi/pay/refund", "NOTENOUGH"), Retry::Final);
    }

    #[test]
    fn group_codes_apply_only_to_their_group() {
        assert_eq!(retry("pay/micropay", "USERPAYING"), Retry::Retryable);
        assert_eq!(retry("xdc/apiv2sandbox/pay/micropay", "AUTHCODEEXPIRE"), Retry::Final);
        assert_eq!(retry("pay/unifiedorder", "USERPAYING"), Retry::Unknown);
        assert_eq!(retry("secapi/pay/profitsharing", "ORDER_NOT_READY"), Retry::Retryable);
        assert_eq!(retry("pay/profitsharingquery", "SYSTEM_ERROR"), Retry::Retryable);
        assert_eq!(retry("secapi/pay/multiprofitsharing", "NOT_ENOUGH"), Retry::Final);
        assert_eq!(retry("pay/orderquery", "NOT_ENOUGH"), Retry::Unknown);
        assert_eq!(retry("mmpaymkttransfers/sendredpack", "PROCESSING"), Retry::Retryable);
        assert_eq!(retry("mmpaymkttransfers/promotion/transfers", "NAME_MISMATCH"), Retry::Final);
        assert_eq!(retry("mmpaysptrans/pay_bank", "FREQ_LIMIT"), Retry::Retryable);
        assert_eq!(retry("pay/refundquery", "PROCESSING"), Retry::Unknown);
    }

    #[test]
    fn unlisted_codes_and_odd_input_are_unknown() {
        assert_eq!(retry("pay/unifiedorder", "SOMETHING_NEW"), Retry::Unknown);
        assert_eq!(retry("pay/unifiedorder", ""), Retry::Unknown);
        assert_eq!(retry("pay/unifiedorder", "systemerror"), Retry::Unknown);
        assert_eq!(retry("", "SYSTEMERROR"), Retry::Retryable);
    }

    #[test]
    fn each_code_is_listed_once_per_group() {
        for (i, (g, code, _)) in CODES.iter().enumerate() {
            assert!(
                CODES[i + 1..].iter().all(|(g2, c2, _)| c2 != code || (*g != Any && *g2 != Any && g != g2)),
                "{code}"
            );
        }
    }
}
