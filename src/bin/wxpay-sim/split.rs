//! Profit sharing (分账): receivers, splits of a paid order, and the two
//! queries. Every request is HMAC-SHA256 (checked in `protocol`); the
//! receivers travel as JSON strings inside the XML, as WeChat's do.

use serde_json::Value;

use crate::app::App;
use crate::clock;
use crate::json::Json;
use crate::reply::{Reply, Request, biz, fields, merchant_no, required};
use crate::store::{Split, SplitReceiver, SplitReturn};

const KINDS: &[&str] = &["MERCHANT_ID", "PERSONAL_OPENID", "PERSONAL_SUB_OPENID"];

/// pay/profitsharingaddreceiver: remembers a receiver; adding it again is fine.
pub fn addreceiver(app: &App, req: &Request) -> Reply {
    match receiver(req, true) {
        Ok((text, who)) => {
            app.store.book(req.sandbox).receivers.insert(who);
            Reply::Success(fields([("receiver", text.to_owned())]))
        }
        Err(r) => r,
    }
}

/// pay/profitsharingremovereceiver: forgets a receiver.
pub fn removereceiver(app: &App, req: &Request) -> Reply {
    match receiver(req, false) {
        Ok((text, who)) => {
            app.store.book(req.sandbox).receivers.remove(&who);
            Reply::Success(fields([("receiver", text.to_owned())]))
        }
        Err(r) => r,
    }
}

/// The `receiver` field: a JSON object with a known `type` and an
/// `account` (and, when adding, a `relation_type`).
fn receiver(req: &Request, adding: bool) -> Result<(&str, (String, String)), Reply> {
    let text = required(&req.fields, "receiver")?;
    let v: Value = serde_json::from_str(text).map_err(|_| biz("PARAM_ERROR", "receiver不是JSON对象"))?;
    let kind = text_of(&v, "type")?;
    if !KINDS.contains(&kind) {
        return Err(biz("PARAM_ERROR", "receiver.type只能是MERCHANT_ID、PERSONAL_OPENID或PERSONAL_SUB_OPENID"));
    }
    let account = text_of(&v, "account")?;
    if adding {
        text_of(&v, "relation_type")?;
    }
    Ok((text, (kind.to_owned(), account.to_owned())))
}

fn text_of<'a>(v: &'a Value, name: &str) -> Result<&'a str, Reply> {
    match v.get(name).and_then(Value::as_str) {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(biz("PARAM_ERROR", format!("receiver缺少{name}"))),
    }
}

/// secapi/pay/profitsharing: one split, after which the order is finished
/// (its unsplit rest goes to the merchant).
pub fn profitsharing(app: &App, req: &Request) -> Reply {
    split(app, req, true).unwrap_or_else(|r| r)
}

/// secapi/pay/multiprofitsharing: a split that leaves the order open for more.
pub fn multiprofitsharing(app: &App, req: &Request) -> Reply {
    split(app, req, false).unwrap_or_else(|r| r)
}

fn split(app: &App, req: &Request, finish: bool) -> Result<Reply, Reply> {
    let f = &req.fields;
    let transaction_id = required(f, "transaction_id")?;
    let out_order_no = merchant_no(f, "out_order_no")?;
    let receivers = split_receivers(required(f, "receivers")?)?;
    let mut book = app.store.book(req.sandbox);
    let id = (transaction_id.to_owned(), out_order_no.to_owned());
    // The same request again (a retry) answers with the split already made.
    if let Some(done) = book.splits.get(&id) {
        return Ok(split_reply(transaction_id, out_order_no, done));
    }
    let Some(order) = book.by_transaction.get(transaction_id).and_then(|k| book.orders.get(k)) else {
        return Err(biz("ORDER_NOT_READY", "订单处理中，暂时无法分账（没有已支付的订单）"));
    };
    if !order.state.is_paid() {
        return Err(biz("ORDER_NOT_READY", "订单未支付，暂时无法分账"));
    }
    let total = order.total_fee.saturating_sub(order.refunded);
    let (done, finished) = book.split_state.get(transaction_id).copied().unwrap_or((0, false));
    if finished {
        return Err(biz("ORDER_FINISHED", "分账已完结"));
    }
    if let Some(r) = receivers.iter().find(|r| !book.receivers.contains(&(r.kind.clone(), r.account.clone()))) {
        return Err(biz("RECEIVER_INVALID", format!("分账接收方{} {}未添加", r.kind, r.account)));
    }
    let wanted: u64 = receivers.iter().map(|r| r.amount).sum();
    if done.saturating_add(wanted) > total {
        return Err(biz("NOT_ENOUGH", format!("分账金额超出可分账金额：剩余{}分，申请{wanted}分", total - done)));
    }
    let receivers = receivers.into_iter().map(|r| SplitReceiver { detail_id: app.ids.split_id(), ..r }).collect();
    let record = Split { order_id: app.ids.split_id(), out_order_no: out_order_no.to_owned(), receivers, finished_at: clock::now() };
    book.split_state.insert(transaction_id.to_owned(), (done + wanted, finish));
    let reply = split_reply(transaction_id, out_order_no, &record);
    book.splits.insert(id, record);
    Ok(reply)
}

fn split_reply(transaction_id: &str, out_order_no: &str, s: &Split) -> Reply {
    Reply::Success(fields([
        ("transaction_id", transaction_id.to_owned()),
        ("out_order_no", out_order_no.to_owned()),
        ("order_id", s.order_id.clone()),
    ]))
}

/// The `receivers` field: a non-empty JSON array of `type`, `account`,
/// `amount` (whole fen, positive) and `description`.
fn split_receivers(text: &str) -> Result<Vec<SplitReceiver>, Reply> {
    let v: Value = serde_json::from_str(text).map_err(|_| biz("PARAM_ERROR", "receivers不是JSON数组"))?;
    let Some(list) = v.as_array().filter(|l| !l.is_empty()) else {
        return Err(biz("PARAM_ERROR", "receivers必须是非空JSON数组"));
    };
    list.iter()
        .map(|r| {
            let kind = text_of(r, "type")?;
            if !KINDS.contains(&kind) {
                return Err(biz("PARAM_ERROR", "分账接收方type只能是MERCHANT_ID、PERSONAL_OPENID或PERSONAL_SUB_OPENID"));
            }
            let Some(amount) = r.get("amount").and_then(Value::as_u64).filter(|&a| a > 0) else {
                return Err(biz("PARAM_ERROR", "分账接收方amount必须为正整数（单位：分）"));
            };
            Ok(SplitReceiver {
                kind: kind.to_owned(),
                account: text_of(r, "account")?.to_owned(),
                amount,
                description: text_of(r, "description")?.to_owned(),
                detail_id: String::new(),
            })
        })
        .collect()
}

/// pay/profitsharingquery: a split and its receivers' results.
pub fn query(app: &App, req: &Request) -> Reply {
    let f = &req.fields;
    let (transaction_id, out_order_no) = match (required(f, "transaction_id"), required(f, "out_order_no")) {
        (Ok(t), Ok(o)) => (t, o),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    let book = app.store.book(req.sandbox);
    let Some(s) = book.splits.get(&(transaction_id.to_owned(), out_order_no.to_owned())) else {
        return biz("ORDER_NOT_EXIST", "分账单不存在");
    };
    let mut list = Json::array();
    for r in &s.receivers {
        let mut o = Json::object();
        o.field_str("type", &r.kind);
        o.field_str("account", &r.account);
        o.field_num("amount", r.amount);
        o.field_str("description", &r.description);
        o.field_str("result", "SUCCESS");
        o.field_str("finish_time", &clock::compact(s.finished_at));
        o.field_str("detail_id", &r.detail_id);
        list.item_raw(&o.finish());
    }
    Reply::Success(fields([
        ("transaction_id", transaction_id.to_owned()),
        ("out_order_no", out_order_no.to_owned()),
        ("order_id", s.order_id.clone()),
        ("status", "FINISHED".to_owned()),
        ("receivers", list.finish()),
    ]))
}

/// pay/profitsharingorderamountquery: what is left to split of an order.
pub fn orderamountquery(app: &App, req: &Request) -> Reply {
    let transaction_id = match required(&req.fields, "transaction_id") {
        Ok(t) => t,
        Err(r) => return r,
    };
    let book = app.store.book(req.sandbox);
    let Some(order) = book.by_transaction.get(transaction_id).and_then(|k| book.orders.get(k)) else {
        return biz("ORDER_NOT_EXIST", "订单不存在");
    };
    let unsplit = match book.split_state.get(transaction_id) {
        Some((_, true)) => 0,
        Some(&(done, false)) => order.total_fee.saturating_sub(order.refunded).saturating_sub(done),
        None => order.total_fee.saturating_sub(order.refunded),
    };
    Reply::Success(fields([("transaction_id", transaction_id.to_owned()), ("unsplit_amount", unsplit.to_string())]))
}

/// secapi/pay/profitsharingfinish: finishes an order's profit sharing, its
/// unsplit rest released to the merchant (`amount`, whole fen, at most that rest).
pub fn finish(app: &App, req: &Request) -> Reply {
    finish_order(app, req).unwrap_or_else(|r| r)
}

fn finish_order(app: &App, req: &Request) -> Result<Reply, Reply> {
    let f = &req.fields;
    let transaction_id = required(f, "transaction_id")?;
    let out_order_no = merchant_no(f, "out_order_no")?;
    required(f, "description")?;
    let amount = required(f, "amount")?;
    let mut book = app.store.book(req.sandbox);
    let Some(order) = book.by_transaction.get(transaction_id).and_then(|k| book.orders.get(k)) else {
        return Err(biz("ORDER_NOT_READY", "订单处理中，暂时无法分账（没有已支付的订单）"));
    };
    let total = order.total_fee.saturating_sub(order.refunded);
    let (done, finished) = book.split_state.get(transaction_id).copied().unwrap_or((0, false));
    if finished {
        return Err(biz("ORDER_FINISHED", "分账已完结"));
    }
    match amount.parse::<u64>() {
        Ok(n) if n <= total - done && amount.bytes().all(|b| b.is_ascii_digit()) => {}
        _ => return Err(biz("PARAM_ERROR", format!("amount必须为不超过待分账金额{}的整数（单位：分）", total - done))),
    }
    book.split_state.insert(transaction_id.to_owned(), (done, true));
    Ok(Reply::Success(fields([
        ("transaction_id", transaction_id.to_owned()),
        ("out_order_no", out_order_no.to_owned()),
        ("order_id", app.ids.split_id()),
    ])))
}

/// secapi/pay/profitsharingreturn: money back from a merchant receiver of a
/// split, at most what the split gave it; idempotent per `out_return_no`.
pub fn return_split(app: &App, req: &Request) -> Reply {
    return_money(app, req).unwrap_or_else(|r| r)
}

fn return_money(app: &App, req: &Request) -> Result<Reply, Reply> {
    let f = &req.fields;
    let out_return_no = merchant_no(f, "out_return_no")?;
    if required(f, "return_account_type")? != "MERCHANT_ID" {
        return Err(biz("PARAM_ERROR", "return_account_type只能是MERCHANT_ID"));
    }
    let account = required(f, "return_account")?;
    let amount = crate::reply::amount(f, "return_amount")?;
    let description = required(f, "description")?;
    let mut book = app.store.book(req.sandbox);
    if let Some(done) = book.split_returns.get(out_return_no) {
        return Ok(return_reply(out_return_no, done));
    }
    let split = find_split(&book.splits, f)?;
    let given: u64 = split.receivers.iter().filter(|r| r.kind == "MERCHANT_ID" && r.account == account).map(|r| r.amount).sum();
    let returned: u64 = book
        .split_returns
        .values()
        .filter(|r| r.order_id == split.order_id && r.account == account)
        .map(|r| r.amount)
        .sum();
    if returned.saturating_add(amount) > given {
        return Err(biz("NOT_ENOUGH", format!("回退金额超出：分给{account}的{given}分已回退{returned}分")));
    }
    let record = SplitReturn {
        order_id: split.order_id.clone(),
        out_order_no: split.out_order_no.clone(),
        return_no: app.ids.split_id(),
        account: account.to_owned(),
        amount,
        description: description.to_owned(),
        finished_at: clock::now(),
    };
    let reply = return_reply(out_return_no, &record);
    book.split_returns.insert(out_return_no.to_owned(), record);
    Ok(reply)
}

/// The split a return names by `order_id` or `out_order_no`.
fn find_split<'a>(splits: &'a std::collections::HashMap<(String, String), Split>, f: &wxpay::Fields) -> Result<&'a Split, Reply> {
    let by_id = f.get("order_id").filter(|v| !v.is_empty());
    let by_no = f.get("out_order_no").filter(|v| !v.is_empty());
    if by_id.is_none() && by_no.is_none() {
        return Err(biz("LACK_PARAMS", "order_id和out_order_no不能同时为空"));
    }
    splits
        .values()
        .find(|s| by_id.is_none_or(|id| s.order_id == id) && by_no.is_none_or(|no| s.out_order_no == no))
        .ok_or_else(|| biz("ORDER_NOT_EXIST", "分账单不存在"))
}

fn return_reply(out_return_no: &str, r: &SplitReturn) -> Reply {
    Reply::Success(fields([
        ("order_id", r.order_id.clone()),
        ("out_order_no", r.out_order_no.clone()),
        ("out_return_no", out_return_no.to_owned()),
        ("return_no", r.return_no.clone()),
        ("return_account_type", "MERCHANT_ID".to_owned()),
        ("return_account", r.account.clone()),
        ("return_amount", r.amount.to_string()),
        ("description", r.description.clone()),
        ("result", "SUCCESS".to_owned()),
        ("finish_time", clock::compact(r.finished_at)),
    ]))
}

/// pay/profitsharingreturnquery: a return by `out_return_no` and its split.
pub fn return_query(app: &App, req: &Request) -> Reply {
    let f = &req.fields;
    let out_return_no = match required(f, "out_return_no") {
        Ok(n) => n,
        Err(r) => return r,
    };
    let book = app.store.book(req.sandbox);
    let split = match find_split(&book.splits, f) {
        Ok(s) => s,
        Err(r) => return r,
    };
    match book.split_returns.get(out_return_no).filter(|r| r.order_id == split.order_id) {
        Some(r) => return_reply(out_return_no, r),
        None => biz("ORDER_NOT_EXIST", "回退单不存在"),
    }
}
