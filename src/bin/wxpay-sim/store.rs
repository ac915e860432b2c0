//! The simulator's memory: orders, refunds and transfers, one book per
//! environment (live and sandbox), each behind its own lock.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use time::OffsetDateTime;

use crate::clock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TradeState {
    NotPay,
    UserPaying,
    Success,
    Refund,
    Closed,
    Revoked,
    PayError,
}

impl TradeState {
    pub fn as_str(self) -> &'static str {
        match self {
            TradeState::NotPay => "NOTPAY",
            TradeState::UserPaying => "USERPAYING",
            TradeState::Success => "SUCCESS",
            TradeState::Refund => "REFUND",
            TradeState::Closed => "CLOSED",
            TradeState::Revoked => "REVOKED",
            TradeState::PayError => "PAYERROR",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            TradeState::NotPay => "unpaid",
            TradeState::UserPaying => "the user is entering the payment password",
            TradeState::Success => "paid",
            TradeState::Refund => "refund requested",
            TradeState::Closed => "closed",
            TradeState::Revoked => "revoked",
            TradeState::PayError => "payment failed",
        }
    }

    pub fn is_paid(self) -> bool {
        matches!(self, TradeState::Success | TradeState::Refund)
    }
}

/// How a micropay order still waiting for the user ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waiting {
    /// Paid on this many more order queries.
    PaysAfter(u32),
    /// Never paid; the merchant must reverse.
    Forever,
}

#[derive(Debug, Clone)]
pub struct Order {
    pub out_trade_no: String,
    pub transaction_id: String,
    pub prepay_id: String,
    pub trade_type: String,
    /// The merchant's product of a NATIVE order (empty when not given).
    pub product_id: String,
    pub body: String,
    pub total_fee: u64,
    pub fee_type: String,
    pub openid: String,
    pub device_info: String,
    pub attach: String,
    pub notify_url: String,
    /// The algorithm the merchant created the order with; notifications use it too.
    pub sign_type: wxpay::SignType,
    pub state: TradeState,
    pub created: OffsetDateTime,
    pub paid_at: Option<OffsetDateTime>,
    pub waiting: Option<Waiting>,
    /// Reverse calls still to answer `recall=Y` (auth codes 1345...).
    pub recalls_left: u32,
    pub refunded: u64,
    pub refunds: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Refund {
    pub out_refund_no: String,
    pub refund_id: String,
    pub out_trade_no: String,
    pub refund_fee: u64,
    pub notify_url: String,
    pub status: &'static str,
    pub created: OffsetDateTime,
}

/// A cash red packet sent to one user, received as soon as it is sent.
#[derive(Debug, Clone)]
pub struct RedPacket {
    pub mch_billno: String,
    pub send_listid: String,
    pub openid: String,
    pub amount: u64,
    pub act_name: String,
    pub wishing: String,
    pub remark: String,
    pub sent: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub struct Transfer {
    pub partner_trade_no: String,
    pub payment_no: String,
    pub openid: String,
    pub amount: u64,
    pub created: OffsetDateTime,
}

/// A payout to a bank card; the card and name are kept only as MD5, as WeChat reports them.
#[derive(Clone)]
pub struct BankPayout {
    pub partner_trade_no: String,
    pub payment_no: String,
    pub amount: u64,
    pub cmms_amt: u64,
    pub bank_no_md5: String,
    pub true_name_md5: String,
    pub created: OffsetDateTime,
}

#[derive(Default)]
pub struct Book {
    pub orders: HashMap<String, Order>,
    /// transaction_id -> out_trade_no
    pub by_transaction: HashMap<String, String>,
    /// out_refund_no -> refund
    pub refunds: HashMap<String, Refund>,
    /// refund_id -> out_refund_no
    pub by_refund_id: HashMap<String, String>,
    pub transfers: HashMap<String, Transfer>,
    /// Red packets by mch_billno.
    pub red_packets: HashMap<String, RedPacket>,
    pub bank_payouts: HashMap<String, BankPayout>,
    /// Profit-sharing receivers the merchant added: (type, account).
    pub receivers: HashSet<(String, String)>,
    /// Profit-sharing splits by (transaction_id, out_order_no).
    pub splits: HashMap<(String, String), Split>,
    /// Per transaction_id: fen split so far, and whether the order is
    /// finished (its unsplit rest released to the merchant).
    pub split_state: HashMap<String, (u64, bool)>,
    /// Profit-sharing returns by out_return_no.
    pub split_returns: HashMap<String, SplitReturn>,
    /// Coupons sent, by coupon_id.
    pub coupons: HashMap<String, Coupon>,
    /// Deduction contracts by contract_id.
    pub contracts: HashMap<String, Contract>,
    /// (plan_id, contract_code) -> contract_id
    pub by_contract_code: HashMap<(String, String), String>,
}

/// A coupon of the simulator's stock, sent to a user.
#[derive(Debug, Clone)]
pub struct Coupon {
    pub coupon_id: String,
    pub partner_trade_no: String,
    pub openid: String,
    pub sent: OffsetDateTime,
}

/// A contract for automatic deduction that a user signed.
#[derive(Debug, Clone)]
pub struct Contract {
    pub contract_id: String,
    pub plan_id: String,
    pub contract_code: String,
    pub request_serial: String,
    pub display_account: String,
    pub openid: String,
    pub notify_url: String,
    pub signed_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    /// When and why it ended: (time, remark).
    pub ended: Option<(OffsetDateTime, String)>,
}

/// Money returned from a merchant receiver of a split.
#[derive(Debug, Clone)]
pub struct SplitReturn {
    pub order_id: String,
    pub out_order_no: String,
    pub return_no: String,
    pub account: String,
    pub amount: u64,
    pub description: String,
    pub finished_at: OffsetDateTime,
}

/// One profit-sharing request as WeChat recorded it.
#[derive(Debug, Clone)]
pub struct Split {
    pub order_id: String,
    pub out_order_no: String,
    pub receivers: Vec<SplitReceiver>,
    pub finished_at: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub struct SplitReceiver {
    pub kind: String,
    pub account: String,
    pub amount: u64,
    pub description: String,
    pub detail_id: String,
}

impl Book {
    /// An order by `transaction_id` (preferred, as WeChat does) or `out_trade_no`.
    pub fn find_key(&self, transaction_id: Option<&str>, out_trade_no: Option<&str>) -> Option<String> {
        match (transaction_id.filter(|s| !s.is_empty()), out_trade_no.filter(|s| !s.is_empty())) {
            (Some(t), _) => self.by_transaction.get(t).cloned(),
            (None, Some(o)) => self.orders.contains_key(o).then(|| o.to_owned()),
            (None, None) => None,
        }
    }

    pub fn insert_order(&mut self, order: Order) {
        self.by_transaction.insert(order.transaction_id.clone(), order.out_trade_no.clone());
        self.orders.insert(order.out_trade_no.clone(), order);
    }
}

/// Both books.
#[derive(Default)]
pub struct Store {
    live: Mutex<Book>,
    sandbox: Mutex<Book>,
}

impl Store {
    pub fn book(&self, sandbox: bool) -> MutexGuard<'_, Book> {
        let m = if sandbox { &self.sandbox } else { &self.live };
        // Every operation finishes its edits before it can fail, so a poisoned book is consistent.
        m.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn clear(&self) {
        *self.book(false) = Book::default();
        *self.book(true) = Book::default();
    }
}

/// Identifiers shaped like WeChat's, unique within the process.
pub struct Ids {
    counter: AtomicU64,
    salt: u64,
}

impl Ids {
    pub fn new() -> Ids {
        let mut seed = [0u8; 8];
        // A weaker salt only makes ids of two runs more alike; it is no secret.
        let _ = getrandom_fill(&mut seed);
        Ids { counter: AtomicU64::new(1), salt: u64::from_le_bytes(seed) % 1_000_000 }
    }

    fn next(&self) -> u64 {
        self.counter.fetch_add(1, Ordering::Relaxed)
    }

    /// 28 digits, as `4200000123202411241234567890`.
    pub fn transaction_id(&self) -> String {
        format!("4200{:06}{}{:010}", self.salt, &clock::date(clock::now()), self.next())
    }

    /// `wx` + time + hex, 36 characters.
    pub fn prepay_id(&self) -> String {
        format!("wx{}{:06x}{:014x}", clock::compact(clock::now()), self.salt, self.next())
    }

    /// 29 digits.
    pub fn refund_id(&self) -> String {
        format!("5030{:06}{}{:011}", self.salt, &clock::date(clock::now()), self.next())
    }

    /// 31 digits, as company payments have.
    pub fn payment_no(&self) -> String {
        format!("10100{:06}{}{:012}", self.salt, &clock::date(clock::now()), self.next())
    }

    /// 32 digits, as red-packet `send_listid`s have.
    pub fn send_listid(&self) -> String {
        format!("1000041701{:06}{}{:08}", self.salt, &clock::date(clock::now()), self.next())
    }

    /// 30 digits, as profit-sharing order and detail ids have.
    pub fn split_id(&self) -> String {
        format!("3008{:06}{}{:012}", self.salt, &clock::date(clock::now()), self.next())
    }

    /// 10 digits, as coupon ids have.
    pub fn coupon_id(&self) -> String {
        format!("{:010}", 1_000_000_000 + self.next())
    }

    /// `Wx` + 26 digits, as contract ids have.
    pub fn contract_id(&self) -> String {
        format!("Wx{:06}{}{:012}", self.salt, &clock::date(clock::now()), self.next())
    }

    /// A stable fake openid per merchant-given seed (the user is not modelled).
    pub fn openid_for(&self, seed: &str) -> String {
        let digest = openssl::hash::hash(openssl::hash::MessageDigest::md5(), seed.as_bytes())
            .map(|d| d.iter().map(|b| format!("{b:02x}")).collect::<String>())
            .unwrap_or_else(|_| "0".repeat(32));
        format!("oSim{}", &digest[..24])
    }
}

fn getrandom_fill(buf: &mut [u8]) -> Result<(), openssl::error::ErrorStack> {
    openssl::rand::rand_bytes(buf)
}
