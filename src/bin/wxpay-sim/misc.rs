//! The small endpoints: company payment, reporting, the sandbox key.

use crate::app::App;
use crate::clock;
use crate::reply::{Reply, Request, amount, biz, fields, merchant_no, required};
use crate::store::Transfer;

/// mmpaymkttransfers/promotion/transfers: a company payment to a user's change.
pub fn transfers(app: &App, req: &Request) -> Reply {
    match try_transfers(app, req) {
        Ok(r) | Err(r) => r,
    }
}

fn try_transfers(app: &App, req: &Request) -> Result<Reply, Reply> {
    let f = &req.fields;
    let partner_trade_no = merchant_no(f, "partner_trade_no")?;
    let openid = required(f, "openid")?;
    let check_name = required(f, "check_name")?;
    match check_name {
        "NO_CHECK" => {}
        "FORCE_CHECK" => {
            required(f, "re_user_name")?;
        }
        _ => return Err(biz("PARAM_ERROR", "check_name只能是NO_CHECK或FORCE_CHECK")),
    }
    let amount = amount(f, "amount")?;
    if amount < 30 {
        return Err(biz("AMOUNT_LIMIT", "付款金额低于最低限额0.30元"));
    }
    required(f, "desc")?;
    required(f, "spbill_create_ip")?;
    let mut book = app.store.book(req.sandbox);
    let transfer = match book.transfers.get(partner_trade_no) {
        Some(t) if t.amount == amount && t.openid == openid => t.clone(),
        Some(_) => return Err(biz("INVALID_REQUEST", "商户订单号重复，且参数与原订单不一致")),
        None => {
            let t = Transfer {
                partner_trade_no: partner_trade_no.to_owned(),
                payment_no: app.ids.payment_no(),
                openid: openid.to_owned(),
                amount,
                created: clock::now(),
            };
            book.transfers.insert(t.partner_trade_no.clone(), t.clone());
            t
        }
    };
    Ok(Reply::Success(fields([
        ("partner_trade_no", transfer.partner_trade_no),
        ("payment_no", transfer.payment_no),
        ("payment_time", clock::dashed(transfer.created)),
    ])))
}

/// payitil/report: accepted and forgotten, as far as a merchant can tell.
pub fn report(_app: &App, req: &Request) -> Reply {
    match required(&req.fields, "interface_url") {
        Ok(_) => Reply::Success(wxpay::Fields::new()),
        Err(r) => r,
    }
}

/// xdc/apiv2getsignkey/sign/getsignkey.
pub fn getsignkey(app: &App, _req: &Request) -> Reply {
    let key = String::from_utf8_lossy(app.sandbox_key.as_bytes()).into_owned();
    Reply::Success(fields([("sandbox_signkey", key)]))
}

/// tools/shorturl: a short form of a `weixin://` payment URL.
pub fn shorturl(app: &App, req: &Request) -> Reply {
    match required(&req.fields, "long_url") {
        Ok(long) => {
            let id = app.ids.openid_for(long);
            Reply::Success(fields([("short_url", format!("weixin://wxpay/s/{}", &id[id.len().saturating_sub(10)..]))]))
        }
        Err(r) => r,
    }
}

/// tools/authcodetoopenid: the openid behind a payment code, the same one micropay records.
pub fn authcodetoopenid(app: &App, req: &Request) -> Reply {
    let code = match required(&req.fields, "auth_code") {
        Ok(c) => c,
        Err(r) => return r,
    };
    if crate::trade::valid_auth_code(code) {
        Reply::Success(fields([("openid", app.ids.openid_for(code))]))
    } else {
        crate::reply::biz("AUTH_CODE_INVALID", "授权码参数错误（应为10到15开头的18位数字）")
    }
}
