//! Orders: unifiedorder, orderquery, closeorder, micropay, reverse.

use wxpay::Fields;

use crate::app::App;
use crate::clock;
use crate::messages;
use crate::notify::Url;
use crate::reply::{Reply, Request, amount, biz, fields, merchant_no, optional, required};
use crate::store::{Order, TradeState, Waiting};

const TRADE_TYPES: [&str; 4] = ["JSAPI", "NATIVE", "APP", "MWEB"];

pub fn unifiedorder(app: &App, req: &Request) -> Reply {
    match try_unifiedorder(app, req) {
        Ok(r) | Err(r) => r,
    }
}

fn try_unifiedorder(app: &App, req: &Request) -> Result<Reply, Reply> {
    let f = &req.fields;
    let body = required(f, "body")?;
    let out_trade_no = merchant_no(f, "out_trade_no")?;
    let total_fee = amount(f, "total_fee")?;
    required(f, "spbill_create_ip")?;
    let notify_url = required(f, "notify_url")?;
    Url::parse(notify_url).map_err(|e| biz("PARAM_ERROR", e))?;
    let trade_type = required(f, "trade_type")?;
    if !TRADE_TYPES.contains(&trade_type) {
        return Err(biz("PARAM_ERROR", "trade_type只能是JSAPI、NATIVE、APP或MWEB"));
    }
    let openid = optional(f, "openid");
    if trade_type == "JSAPI" && openid.is_none() {
        return Err(biz("PARAM_ERROR", "trade_type=JSAPI时（即JSAPI支付），此参数必传：openid"));
    }
    if trade_type == "NATIVE" && optional(f, "product_id").is_none() {
        return Err(biz("PARAM_ERROR", "trade_type=NATIVE时（即扫码支付），此参数必传：product_id"));
    }

    let mut book = app.store.book(req.sandbox);
    if let Some(existing) = book.orders.get(out_trade_no) {
        return match existing.state {
            TradeState::Success | TradeState::Refund => Err(biz("ORDERPAID", "该订单已支付")),
            TradeState::Closed => Err(biz("ORDERCLOSED", "该订单已关闭")),
            TradeState::Revoked => Err(biz("ORDERREVERSED", "该订单已撤销")),
            TradeState::NotPay
                if existing.total_fee == total_fee
                    && existing.body == body
                    && existing.trade_type == trade_type
                    && existing.product_id == optional(f, "product_id").unwrap_or_default()
                    && openid.is_none_or(|o| o == existing.openid) =>
            {
                // WeChat hands out the same prepay_id when an unpaid order is placed again unchanged.
                Ok(prepay_reply(existing))
            }
            _ => Err(biz("OUT_TRADE_NO_USED", "商户订单号重复，且参数与原订单不一致")),
        };
    }
    let openid = openid.map_or_else(|| app.ids.openid_for(out_trade_no), str::to_owned);
    let order = Order {
        prepay_id: app.ids.prepay_id(),
        product_id: optional(f, "product_id").unwrap_or_default().to_owned(),
        ..new_order(app, req, out_trade_no, trade_type, (body, total_fee), openid, notify_url)
    };
    let reply = prepay_reply(&order);
    book.insert_order(order);
    Ok(reply)
}

fn prepay_reply(order: &Order) -> Reply {
    let mut f = fields([("trade_type", order.trade_type.clone()), ("prepay_id", order.prepay_id.clone())]);
    if !order.device_info.is_empty() {
        f.insert("device_info", order.device_info.clone());
    }
    match order.trade_type.as_str() {
        "NATIVE" => {
            f.insert(
                "code_url",
                format!(
                    "weixin://wxpay/bizpayurl?pr=sim{}",
                    &order.prepay_id[order.prepay_id.len().saturating_sub(8)..]
                ),
            );
        }
        "MWEB" => {
            f.insert(
                "mweb_url",
                format!("https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id={}", order.prepay_id),
            );
        }
        _ => {}
    }
    Reply::Success(f)
}

pub fn orderquery(app: &App, req: &Request) -> Reply {
    let f = &req.fields;
    let (transaction_id, out_trade_no) = (optional(f, "transaction_id"), optional(f, "out_trade_no"));
    if transaction_id.is_none() && out_trade_no.is_none() {
        return biz("LACK_PARAMS", "transaction_id和out_trade_no不能同时为空");
    }
    let mut book = app.store.book(req.sandbox);
    let Some(key) = book.find_key(transaction_id, out_trade_no) else {
        return biz("ORDERNOTEXIST", "订单不存在");
    };
    let Some(order) = book.orders.get_mut(&key) else {
        return biz("ORDERNOTEXIST", "订单不存在");
    };
    let mut just_paid = false;
    if let Some(Waiting::PaysAfter(n)) = order.waiting {
        if n <= 1 {
            pay(order);
            just_paid = true;
        } else {
            order.waiting = Some(Waiting::PaysAfter(n - 1));
        }
    }
    let reply = Reply::Success(query_fields(order));
    let paid = just_paid.then(|| order.clone());
    drop(book);
    if let Some(order) = paid {
        notify_paid(app, &order, req.sandbox);
    }
    reply
}

fn query_fields(order: &Order) -> Fields {
    let mut f = if order.state.is_paid() {
        messages::paid_fields(order)
    } else {
        let mut f = fields([
            ("out_trade_no", order.out_trade_no.clone()),
            ("total_fee", order.total_fee.to_string()),
            ("fee_type", order.fee_type.clone()),
            ("trade_type", order.trade_type.clone()),
        ]);
        if !order.attach.is_empty() {
            f.insert("attach", order.attach.clone());
        }
        f
    };
    f.insert("trade_state", order.state.as_str());
    f.insert("trade_state_desc", order.state.description());
    f
}

pub fn closeorder(app: &App, req: &Request) -> Reply {
    let out_trade_no = match required(&req.fields, "out_trade_no") {
        Ok(v) => v,
        Err(r) => return r,
    };
    let mut book = app.store.book(req.sandbox);
    let Some(order) = book.orders.get_mut(out_trade_no) else {
        return biz("ORDERNOTEXIST", "订单不存在");
    };
    match order.state {
        TradeState::NotPay => {
            order.state = TradeState::Closed;
            Reply::Success(fields([("result_msg", "OK".into())]))
        }
        TradeState::Success | TradeState::Refund => biz("ORDERPAID", "订单已支付，不能关闭，请申请退款"),
        TradeState::Closed => biz("ORDERCLOSED", "订单已关闭，无需重复关闭"),
        TradeState::Revoked => biz("ORDERREVERSED", "该订单已撤销"),
        TradeState::UserPaying | TradeState::PayError => {
            biz("INVALID_REQUEST", "付款码支付的订单请调用撤销订单接口（secapi/pay/reverse），不能关闭")
        }
    }
}

/// What a payment code (auth_code) does, by its first four digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Code {
    NotEnough,
    Expired,
    /// SYSTEMERROR, though the order is paid.
    LostAnswer,
    /// USERPAYING until reversed; the first reverse answers recall=Y.
    WaitRecall,
    PaysAfterPolls,
    WaitForever,
    Pays,
}

/// 18 digits starting with 10 to 15, as WeChat's payment codes are.
pub fn valid_auth_code(code: &str) -> bool {
    code.len() == 18
        && code.bytes().all(|b| b.is_ascii_digit())
        && matches!(&code[..2], "10" | "11" | "12" | "13" | "14" | "15")
}

fn classify(auth_code: &str) -> Option<Code> {
    if !valid_auth_code(auth_code) {
        return None;
    }
    Some(match &auth_code[..4] {
        "1340" => Code::NotEnough,
        "1341" => Code::Expired,
        "1342" => Code::LostAnswer,
        "1345" => Code::WaitRecall,
        "1346" => Code::PaysAfterPolls,
        "1347" => Code::WaitForever,
        _ => Code::Pays,
    })
}

pub fn micropay(app: &App, req: &Request) -> Reply {
    match try_micropay(app, req) {
        Ok(r) | Err(r) => r,
    }
}

fn try_micropay(app: &App, req: &Request) -> Result<Reply, Reply> {
    let f = &req.fields;
    let body = required(f, "body")?;
    let out_trade_no = merchant_no(f, "out_trade_no")?;
    let total_fee = amount(f, "total_fee")?;
    required(f, "spbill_create_ip")?;
    let auth_code = required(f, "auth_code")?;
    // An extension: real micropay sends no notification, but a merchant may want one.
    let notify_url = optional(f, "notify_url").unwrap_or_default();
    if !notify_url.is_empty() {
        Url::parse(notify_url).map_err(|e| biz("PARAM_ERROR", e))?;
    }
    let code = classify(auth_code)
        .ok_or_else(|| biz("AUTH_CODE_INVALID", "授权码参数错误（应为10到15开头的18位数字）"))?;

    let mut book = app.store.book(req.sandbox);
    if let Some(existing) = book.orders.get(out_trade_no) {
        match existing.state {
            TradeState::PayError => {}
            TradeState::Success | TradeState::Refund => return Err(biz("ORDERPAID", "该订单已支付")),
            TradeState::UserPaying => return Err(userpaying()),
            TradeState::Revoked => return Err(biz("ORDERREVERSED", "该订单已撤销")),
            TradeState::Closed => return Err(biz("ORDERCLOSED", "该订单已关闭")),
            TradeState::NotPay => return Err(biz("OUT_TRADE_NO_USED", "商户订单号重复（已用于统一下单）")),
        }
    }
    let openid = app.ids.openid_for(auth_code);
    let mut order = Order {
        state: TradeState::UserPaying,
        ..new_order(app, req, out_trade_no, "MICROPAY", (body, total_fee), openid, notify_url)
    };
    let reply = match code {
        Code::NotEnough | Code::Expired => {
            order.state = TradeState::PayError;
            if code == Code::NotEnough {
                biz("NOTENOUGH", "用户余额不足")
            } else {
                biz("AUTHCODEEXPIRE", "二维码已过期，请用户在微信上刷新后再试")
            }
        }
        Code::LostAnswer => {
            pay(&mut order);
            biz("SYSTEMERROR", "系统错误，请调用查询订单接口确认结果")
        }
        Code::WaitRecall => {
            order.waiting = Some(Waiting::Forever);
            order.recalls_left = 1;
            userpaying()
        }
        Code::WaitForever => {
            order.waiting = Some(Waiting::Forever);
            userpaying()
        }
        Code::PaysAfterPolls => {
            order.waiting = Some(Waiting::PaysAfter(app.micropay_polls));
            userpaying()
        }
        Code::Pays => {
            pay(&mut order);
            Reply::Success(messages::paid_fields(&order))
        }
    };
    let paid = order.state.is_paid().then(|| order.clone());
    book.insert_order(order);
    drop(book);
    if let Some(order) = paid {
        notify_paid(app, &order, req.sandbox);
    }
    Ok(reply)
}

fn userpaying() -> Reply {
    biz("USERPAYING", "需要用户输入支付密码")
}

pub fn reverse(app: &App, req: &Request) -> Reply {
    let f = &req.fields;
    let (transaction_id, out_trade_no) = (optional(f, "transaction_id"), optional(f, "out_trade_no"));
    let recall = |r: &str| fields([("recall", r.to_owned())]);
    if transaction_id.is_none() && out_trade_no.is_none() {
        return biz("LACK_PARAMS", "transaction_id和out_trade_no不能同时为空");
    }
    let mut book = app.store.book(req.sandbox);
    let Some(key) = book.find_key(transaction_id, out_trade_no) else {
        return Reply::Business { code: "ORDERNOTEXIST", des: "订单不存在".into(), extra: recall("N") };
    };
    let Some(order) = book.orders.get_mut(&key) else {
        return Reply::Business { code: "ORDERNOTEXIST", des: "订单不存在".into(), extra: recall("N") };
    };
    if order.recalls_left > 0 {
        order.recalls_left -= 1;
        return Reply::Business {
            code: "SYSTEMERROR",
            des: "系统错误，请再次调用撤销接口".into(),
            extra: recall("Y"),
        };
    }
    if order.refunded > 0 {
        return Reply::Business {
            code: "TRADE_STATE_ERROR",
            des: "订单已发生退款，不能撤销".into(),
            extra: recall("N"),
        };
    }
    order.state = TradeState::Revoked;
    order.waiting = None;
    Reply::Success(recall("N"))
}

/// A new unpaid order (no prepay_id, no product_id) with the request's
/// optional fee_type, device_info and attach; `goods` is the body and the
/// total in fen.
pub fn new_order(
    app: &App,
    req: &Request,
    out_trade_no: &str,
    trade_type: &str,
    goods: (&str, u64),
    openid: String,
    notify_url: &str,
) -> Order {
    let f = &req.fields;
    Order {
        out_trade_no: out_trade_no.to_owned(),
        transaction_id: app.ids.transaction_id(),
        prepay_id: String::new(),
        trade_type: trade_type.to_owned(),
        product_id: String::new(),
        body: goods.0.to_owned(),
        total_fee: goods.1,
        fee_type: optional(f, "fee_type").unwrap_or("CNY").to_owned(),
        openid,
        device_info: optional(f, "device_info").unwrap_or_default().to_owned(),
        attach: optional(f, "attach").unwrap_or_default().to_owned(),
        notify_url: notify_url.to_owned(),
        sign_type: req.sign_type,
        state: TradeState::NotPay,
        created: clock::now(),
        paid_at: None,
        waiting: None,
        recalls_left: 0,
        refunded: 0,
        refunds: Vec::new(),
    }
}

/// Marks an order paid now.
pub fn pay(order: &mut Order) {
    order.state = TradeState::Success;
    order.paid_at = Some(clock::now());
    order.waiting = None;
}

/// Sends the payment notification of a just-paid order, if it has a notify_url.
pub fn notify_paid(app: &App, order: &Order, sandbox: bool) {
    if order.notify_url.is_empty() {
        return;
    }
    match messages::payment(app, order, sandbox) {
        Ok(msg) => app.notifier.send(msg),
        Err(e) => eprintln!("wxpay-sim: cannot build the payment notification of {}: {e}", order.out_trade_no),
    }
}

/// `POST /sim/pay`: the user pays an unified order.
pub fn pay_by_control(app: &App, out_trade_no: &str, sandbox: bool) -> Result<Order, String> {
    let mut book = app.store.book(sandbox);
    let order = book.orders.get_mut(out_trade_no).ok_or("no such order")?;
    if order.state != TradeState::NotPay {
        return Err(format!("the order is {}, not NOTPAY", order.state.as_str()));
    }
    pay(order);
    let order = order.clone();
    drop(book);
    notify_paid(app, &order, sandbox);
    Ok(order)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_codes() {
        assert_eq!(classify("134612345678901234"), Some(Code::PaysAfterPolls));
        assert_eq!(classify("134712345678901234"), Some(Code::WaitForever));
        assert_eq!(classify("120061098828009406"), Some(Code::Pays));
        assert_eq!(classify("160061098828009406"), None);
        assert_eq!(classify("13461234567890123"), None);
        assert_eq!(classify("13461234567890123x"), None);
    }
}
