//! Refunds: secapi/pay/refund and pay/refundquery.

use crate::app::App;
use crate::clock;
use crate::messages;
use crate::notify::Url;
use crate::reply::{Reply, Request, amount, biz, fields, merchant_no, optional};
use crate::store::{Order, Refund, TradeState};

pub fn refund(app: &App, req: &Request) -> Reply {
    match try_refund(app, req) {
        Ok(r) | Err(r) => r,
    }
}

fn try_refund(app: &App, req: &Request) -> Result<Reply, Reply> {
    let f = &req.fields;
    let (transaction_id, out_trade_no) = (optional(f, "transaction_id"), optional(f, "out_trade_no"));
    if transaction_id.is_none() && out_trade_no.is_none() {
        return Err(biz("LACK_PARAMS", "transaction_id和out_trade_no不能同时为空"));
    }
    let out_refund_no = merchant_no(f, "out_refund_no")?;
    let total_fee = amount(f, "total_fee")?;
    let refund_fee = amount(f, "refund_fee")?;
    let notify_url = optional(f, "notify_url");
    if let Some(url) = notify_url {
        Url::parse(url).map_err(|e| biz("PARAM_ERROR", e))?;
    }

    let mut book = app.store.book(req.sandbox);
    let key =
        book.find_key(transaction_id, out_trade_no).ok_or_else(|| biz("ORDERNOTEXIST", "订单不存在"))?;
    if let Some(existing) = book.refunds.get(out_refund_no) {
        // A retried refund with the same number and amount is the same refund.
        return if existing.out_trade_no == key && existing.refund_fee == refund_fee {
            let order = book.orders.get(&key).ok_or_else(|| biz("ORDERNOTEXIST", "订单不存在"))?;
            Ok(refund_reply(order, existing))
        } else {
            Err(biz("INVALID_REQUEST", "商户退款单号重复，且参数与原退款不一致"))
        };
    }
    let refund_id = app.ids.refund_id();
    let order = book.orders.get_mut(&key).ok_or_else(|| biz("ORDERNOTEXIST", "订单不存在"))?;
    if !order.state.is_paid() {
        return Err(biz("TRADE_STATE_ERROR", format!("订单状态为{}，不是已支付", order.state.as_str())));
    }
    if order.total_fee != total_fee {
        return Err(biz("INVALID_REQUEST", "订单金额total_fee与原订单不一致"));
    }
    if order.refunded.saturating_add(refund_fee) > order.total_fee {
        return Err(biz("INVALID_REQUEST", "退款金额大于订单剩余可退金额"));
    }
    let refund = Refund {
        out_refund_no: out_refund_no.to_owned(),
        refund_id,
        out_trade_no: key.clone(),
        refund_fee,
        notify_url: notify_url.unwrap_or(&order.notify_url).to_owned(),
        status: "SUCCESS",
        created: clock::now(),
    };
    order.refunded += refund_fee;
    order.state = TradeState::Refund;
    order.refunds.push(refund.out_refund_no.clone());
    let order = order.clone();
    let reply = refund_reply(&order, &refund);
    book.by_refund_id.insert(refund.refund_id.clone(), refund.out_refund_no.clone());
    book.refunds.insert(refund.out_refund_no.clone(), refund.clone());
    drop(book);
    if !refund.notify_url.is_empty() {
        match messages::refund(app, &order, &refund, req.sandbox) {
            Ok(msg) => app.notifier.send(msg),
            Err(e) => eprintln!("wxpay-sim: cannot build the refund notification of {}: {e}", refund.out_refund_no),
        }
    }
    Ok(reply)
}

fn refund_reply(order: &Order, refund: &Refund) -> Reply {
    Reply::Success(fields([
        ("transaction_id", order.transaction_id.clone()),
        ("out_trade_no", order.out_trade_no.clone()),
        ("out_refund_no", refund.out_refund_no.clone()),
        ("refund_id", refund.refund_id.clone()),
        // WeChat's own sample answer carries it, empty.
        ("refund_channel", String::new()),
        ("refund_fee", refund.refund_fee.to_string()),
        ("settlement_refund_fee", refund.refund_fee.to_string()),
        ("total_fee", order.total_fee.to_string()),
        ("settlement_total_fee", order.total_fee.to_string()),
        ("fee_type", order.fee_type.clone()),
        ("cash_fee", order.total_fee.to_string()),
        ("cash_refund_fee", refund.refund_fee.to_string()),
        ("coupon_refund_fee", "0".into()),
        ("coupon_refund_count", "0".into()),
    ]))
}

pub fn refundquery(app: &App, req: &Request) -> Reply {
    let f = &req.fields;
    let book = app.store.book(req.sandbox);
    let by_refund = optional(f, "refund_id")
        .map(|id| book.by_refund_id.get(id).cloned())
        .or_else(|| optional(f, "out_refund_no").map(|n| book.refunds.contains_key(n).then(|| n.to_owned())));
    let (order_key, refunds): (Option<String>, Vec<String>) = match by_refund {
        Some(Some(no)) => (book.refunds.get(&no).map(|r| r.out_trade_no.clone()), vec![no]),
        Some(None) => (None, Vec::new()),
        None => {
            let (t, o) = (optional(f, "transaction_id"), optional(f, "out_trade_no"));
            if t.is_none() && o.is_none() {
                return biz("LACK_PARAMS", "refund_id、out_refund_no、transaction_id、out_trade_no不能同时为空");
            }
            let key = book.find_key(t, o);
            let list = key.as_ref().and_then(|k| book.orders.get(k)).map(|o| o.refunds.clone()).unwrap_or_default();
            (key, list)
        }
    };
    let order = order_key.as_ref().and_then(|k| book.orders.get(k));
    let (Some(order), false) = (order, refunds.is_empty()) else {
        return biz("REFUNDNOTEXIST", "退款订单查询失败");
    };
    let mut out = fields([
        ("transaction_id", order.transaction_id.clone()),
        ("out_trade_no", order.out_trade_no.clone()),
        ("total_fee", order.total_fee.to_string()),
        ("settlement_total_fee", order.total_fee.to_string()),
        ("fee_type", order.fee_type.clone()),
        ("cash_fee", order.total_fee.to_string()),
        ("total_refund_count", order.refunds.len().to_string()),
        ("refund_count", refunds.len().to_string()),
    ]);
    for (n, no) in refunds.iter().enumerate() {
        let Some(r) = book.refunds.get(no) else { continue };
        out.insert(format!("out_refund_no_{n}"), r.out_refund_no.clone());
        out.insert(format!("refund_id_{n}"), r.refund_id.clone());
        out.insert(format!("refund_channel_{n}"), "ORIGINAL");
        out.insert(format!("refund_fee_{n}"), r.refund_fee.to_string());
        out.insert(format!("settlement_refund_fee_{n}"), r.refund_fee.to_string());
        out.insert(format!("refund_status_{n}"), r.status);
        out.insert(format!("refund_account_{n}"), "REFUND_SOURCE_RECHARGE_FUNDS");
        out.insert(format!("refund_recv_accout_{n}"), "支付用户零钱");
        out.insert(format!("refund_success_time_{n}"), clock::dashed(r.created));
    }
    Reply::Success(out)
}
