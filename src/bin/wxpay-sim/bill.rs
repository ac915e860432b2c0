//! Bills: pay/downloadbill and pay/downloadfundflow, in WeChat's
//! backtick-prefixed CSV, optionally gzipped.

use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;
use time::OffsetDateTime;

use crate::app::App;
use crate::clock;
use crate::reply::{Reply, Request, optional, yuan};
use crate::store::{Book, TradeState};

/// The trade bill's column names, in the parts its three layouts share.
const TRADE_COLUMNS: Columns<&str> = Columns {
    order: [
        "交易时间",
        "公众账号ID",
        "商户号",
        "特约商户号",
        "设备号",
        "微信订单号",
        "商户订单号",
        "用户标识",
        "交易类型",
        "交易状态",
        "付款银行",
        "货币种类",
        "应结订单金额",
        "代金券金额",
    ],
    refund_times: ["退款申请时间", "退款成功时间"],
    refund: ["微信退款单号", "商户退款单号", "退款金额", "充值券退款金额", "退款类型", "退款状态"],
    goods: ["商品名称", "商户数据包", "手续费", "费率", "订单金额"],
    refund_asked: "申请退款金额",
    rate_note: "费率备注",
};
const TRADE_SUMMARY: &str =
    "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额";
const FLOW_HEADER: &str = "记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额（元）,账户结余（元）,资金变更提交申请人,备注,业务凭证号";
const FLOW_SUMMARY: &str = "资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额";

/// WeChat's `error_code` for a bill request it refuses, and for a day without a bill.
const PARAM_ERROR: &str = "20001";
const NO_BILL: &str = "20002";

/// The simulated fee rate: 0.6 %, in thousandths of a per cent for exact arithmetic.
const RATE_PERMILLE_OF_PERCENT: u64 = 600;

pub fn downloadbill(app: &App, req: &Request) -> Reply {
    let f = &req.fields;
    let date = match bill_date(f) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let Some(bill_type) = BillType::parse(optional(f, "bill_type").unwrap_or("ALL")) else {
        return param_error("invalid bill_type (ALL, SUCCESS or REFUND)");
    };
    let book = app.store.book(req.sandbox);
    let text = trade_bill(app, &book, &date, bill_type);
    drop(book);
    match text {
        Some(text) => deliver(text, f),
        None => no_bill(),
    }
}

pub fn downloadfundflow(app: &App, req: &Request) -> Reply {
    let f = &req.fields;
    let date = match bill_date(f) {
        Ok(d) => d,
        Err(r) => return r,
    };
    match optional(f, "account_type") {
        Some("Basic") => {}
        Some("Operation" | "Fees") => return no_bill(),
        _ => return param_error("invalid account_type (Basic, Operation or Fees)"),
    }
    let book = app.store.book(req.sandbox);
    let text = fund_flow(&book, &date);
    drop(book);
    match text {
        Some(text) => deliver(text, f),
        None => no_bill(),
    }
}

fn param_error(msg: &str) -> Reply {
    Reply::FailWithCode { msg: msg.to_owned(), error_code: PARAM_ERROR }
}

fn no_bill() -> Reply {
    Reply::FailWithCode { msg: "No Bill Exist".into(), error_code: NO_BILL }
}

fn bill_date(f: &wxpay::Fields) -> Result<String, Reply> {
    match optional(f, "bill_date") {
        Some(d) if clock::is_valid_date(d) => Ok(d.to_owned()),
        Some(_) => Err(param_error("invalid bill_date")),
        None => Err(param_error("missing bill_date")),
    }
}

fn deliver(text: String, f: &wxpay::Fields) -> Reply {
    match optional(f, "tar_type") {
        None => Reply::Raw { content_type: "text/plain; charset=utf-8", body: text.into_bytes() },
        Some("GZIP") => {
            let mut gz = GzEncoder::new(Vec::new(), Compression::default());
            match gz.write_all(text.as_bytes()).and_then(|()| gz.finish()) {
                Ok(body) => Reply::Raw { content_type: "application/x-gzip", body },
                Err(e) => Reply::Fail(format!("cannot compress the bill: {e}")),
            }
        }
        Some(_) => param_error("invalid tar_type (only GZIP)"),
    }
}

fn row(cells: &[String]) -> String {
    let mut line = String::new();
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        line.push('`');
        // A comma inside a cell would shift every column after it.
        line.push_str(&c.replace([',', '\n', '\r'], " "));
    }
    line.push('\n');
    line
}

fn fee_of(fen: u64) -> u64 {
    // Rounded half up, as a fraction of a fen is.
    (fen * RATE_PERMILLE_OF_PERCENT + 50_000) / 100_000
}

/// Which rows a trade bill holds, and so which of its columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BillType {
    /// Payments and refunds: 27 columns.
    All,
    /// Payments only, without the refund columns: 20.
    Success,
    /// Refunds only, with their application and success times: 29.
    Refund,
}

impl BillType {
    fn parse(name: &str) -> Option<BillType> {
        match name {
            "ALL" => Some(BillType::All),
            "SUCCESS" => Some(BillType::Success),
            "REFUND" => Some(BillType::Refund),
            _ => None,
        }
    }

    fn header(self) -> String {
        TRADE_COLUMNS.select(self).join(",")
    }
}

/// A trade bill row (or its header) cut into the parts that the three
/// layouts share or leave out, so that a row and its header cannot disagree.
struct Columns<T> {
    /// 交易时间 to 代金券金额.
    order: [T; 14],
    /// 退款申请时间 and 退款成功时间: REFUND bills only.
    refund_times: [T; 2],
    /// 微信退款单号 to 退款状态: not in SUCCESS bills.
    refund: [T; 6],
    /// 商品名称 to 订单金额.
    goods: [T; 5],
    /// 申请退款金额: not in SUCCESS bills.
    refund_asked: T,
    /// 费率备注.
    rate_note: T,
}

impl<T> Columns<T> {
    fn select(self, bill_type: BillType) -> Vec<T> {
        let mut cells = Vec::from(self.order);
        if bill_type == BillType::Refund {
            cells.extend(self.refund_times);
        }
        if bill_type != BillType::Success {
            cells.extend(self.refund);
        }
        cells.extend(self.goods);
        if bill_type != BillType::Success {
            cells.push(self.refund_asked);
        }
        cells.push(self.rate_note);
        cells
    }
}

fn trade_bill(app: &App, book: &Book, date: &str, bill_type: BillType) -> Option<String> {
    let mut rows: Vec<(OffsetDateTime, String)> = Vec::new();
    let (mut count, mut settled, mut refunded, mut fees) = (0u64, 0u64, 0u64, 0u64);
    for order in book.orders.values() {
        let Some(paid_at) = order.paid_at else { continue };
        let order_cells = |time: OffsetDateTime, state: &str, settled_fen: u64| {
            [
                clock::dashed(time),
                app.appid.clone(),
                app.mch_id.clone(),
                "0".into(),
                order.device_info.clone(),
                order.transaction_id.clone(),
                order.out_trade_no.clone(),
                order.openid.clone(),
                order.trade_type.clone(),
                state.to_owned(),
                "CFT".into(),
                order.fee_type.clone(),
                yuan(settled_fen),
                "0.00".into(),
            ]
        };
        if bill_type != BillType::Refund && clock::date(paid_at) == date {
            let fee = fee_of(order.total_fee);
            let state = if order.state == TradeState::Revoked { "REVOKED" } else { "SUCCESS" };
            let cells = Columns {
                order: order_cells(paid_at, state, order.total_fee),
                refund_times: [String::new(), String::new()],
                refund: ["0".into(), "0".into(), "0.00".into(), "0.00".into(), String::new(), String::new()],
                goods: [order.body.clone(), order.attach.clone(), yuan(fee), "0.60%".into(), yuan(order.total_fee)],
                refund_asked: "0.00".into(),
                rate_note: String::new(),
            };
            rows.push((paid_at, row(&cells.select(bill_type))));
            count += 1;
            settled += order.total_fee;
            fees += fee;
        }
        if bill_type == BillType::Success {
            continue;
        }
        for no in &order.refunds {
            let Some(r) = book.refunds.get(no).filter(|r| clock::date(r.created) == date) else { continue };
            let fee = fee_of(r.refund_fee);
            // A REFUND bill has columns of its own for the refund's times and
            // keeps 交易时间 for the payment's; the ALL bill has only 交易时间.
            let time = if bill_type == BillType::Refund { paid_at } else { r.created };
            // The store keeps one time per refund; one not yet through has no success time.
            let succeeded = if r.status == "SUCCESS" { clock::dashed(r.created) } else { String::new() };
            let cells = Columns {
                order: order_cells(time, "REFUND", 0),
                refund_times: [clock::dashed(r.created), succeeded],
                refund: [
                    r.refund_id.clone(),
                    r.out_refund_no.clone(),
                    yuan(r.refund_fee),
                    "0.00".into(),
                    "ORIGINAL".into(),
                    r.status.to_owned(),
                ],
                goods: [
                    order.body.clone(),
                    order.attach.clone(),
                    format!("-{}", yuan(fee)),
                    "0.60%".into(),
                    yuan(order.total_fee),
                ],
                refund_asked: yuan(r.refund_fee),
                rate_note: String::new(),
            };
            rows.push((r.created, row(&cells.select(bill_type))));
            count += 1;
            refunded += r.refund_fee;
            fees = fees.saturating_sub(fee);
        }
    }
    if rows.is_empty() {
        return None;
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    let mut text = format!("{}\n", bill_type.header());
    rows.into_iter().for_each(|(_, r)| text.push_str(&r));
    text.push_str(TRADE_SUMMARY);
    text.push('\n');
    text.push_str(&row(&[
        count.to_string(),
        yuan(settled),
        yuan(refunded),
        "0.00".into(),
        yuan(fees),
        yuan(settled),
        yuan(refunded),
    ]));
    Some(text)
}

fn fund_flow(book: &Book, date: &str) -> Option<String> {
    // (time, transaction id, income?, amount, name)
    let mut moves: Vec<(OffsetDateTime, String, bool, u64, &'static str)> = Vec::new();
    for order in book.orders.values() {
        if let Some(paid_at) = order.paid_at.filter(|&t| clock::date(t) == date) {
            moves.push((paid_at, order.transaction_id.clone(), true, order.total_fee, "交易"));
        }
        for no in &order.refunds {
            if let Some(r) = book.refunds.get(no).filter(|r| clock::date(r.created) == date) {
                moves.push((r.created, r.refund_id.clone(), false, r.refund_fee, "退款"));
            }
        }
    }
    if moves.is_empty() {
        return None;
    }
    moves.sort();
    let mut text = format!("{FLOW_HEADER}\n");
    let (mut balance, mut ins, mut in_total, mut outs, mut out_total) = (0i128, 0u64, 0u64, 0u64, 0u64);
    for (n, (time, id, income, fen, name)) in moves.iter().enumerate() {
        if *income {
            balance += i128::from(*fen);
            ins += 1;
            in_total += fen;
        } else {
            balance -= i128::from(*fen);
            outs += 1;
            out_total += fen;
        }
        let signed_balance =
            if balance < 0 { format!("-{}", yuan(balance.unsigned_abs() as u64)) } else { yuan(balance as u64) };
        text.push_str(&row(&[
            clock::dashed(*time),
            id.clone(),
            format!("{}{:06}", clock::compact(*time), n + 1),
            (*name).into(),
            (*name).into(),
            if *income { "收入" } else { "支出" }.into(),
            yuan(*fen),
            signed_balance,
            "system".into(),
            String::new(),
            id.clone(),
        ]));
    }
    text.push_str(FLOW_SUMMARY);
    text.push('\n');
    text.push_str(&row(&[moves.len().to_string(), ins.to_string(), yuan(in_total), outs.to_string(), yuan(out_total)]));
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_backtick_prefixed_and_commas_neutralised() {
        assert_eq!(row(&["a".into(), "b,c".into(), String::new()]), "`a,`b c,`\n");
        assert_eq!(fee_of(100), 1);
        assert_eq!(fee_of(1), 0);
        assert_eq!(fee_of(10_000), 60);
    }

    #[test]
    fn each_bill_type_has_wechats_columns() {
        let all = BillType::All.header();
        let success = BillType::Success.header();
        let refund = BillType::Refund.header();
        assert_eq!(
            all,
            "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注"
        );
        assert_eq!(
            success,
            "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,商品名称,商户数据包,手续费,费率,订单金额,费率备注"
        );
        assert_eq!(
            refund,
            "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,退款申请时间,退款成功时间,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注"
        );
        let count = |h: &str| h.split(',').count();
        assert_eq!((count(&all), count(&success), count(&refund)), (27, 20, 29));
        assert_eq!(BillType::parse("REFUND"), Some(BillType::Refund));
        assert_eq!(BillType::parse("refund"), None);
    }
}
