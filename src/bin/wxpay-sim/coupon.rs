//! Cash coupons (代金券): one stock the merchant has set up, coupons sent
//! from it to users, and the two queries.

use crate::app::App;
use crate::clock;
use crate::reply::{Reply, Request, biz, fields, merchant_no, required};
use crate::store::Coupon;

/// The stock every simulated merchant has: 1 yuan off an order of at least 10.
const STOCK_ID: &str = "1757";
const STOCK_NAME: &str = "满10元减1元";
const STOCK_VALUE: u64 = 100;
const STOCK_MINIMUM: u64 = 1000;
const STOCK_TOTAL: u64 = 1000;
const STOCK_BEGIN: &str = "2026-01-01 00:00:00";
const STOCK_END: &str = "2027-12-31 23:59:59";

/// The stock id a request names, refusing any other.
fn stock<'a>(req: &'a Request, name: &str) -> Result<&'a str, Reply> {
    match required(&req.fields, name)? {
        STOCK_ID => Ok(STOCK_ID),
        _ => Err(biz("COUPON_STOCK_ID_NOT_EXIST", "批次不存在")),
    }
}

/// mmpaymkttransfers/send_coupon: one coupon of the stock to one user; the
/// same `partner_trade_no` again is the same coupon.
pub fn send_coupon(app: &App, req: &Request) -> Reply {
    match try_send(app, req) {
        Ok(r) | Err(r) => r,
    }
}

fn try_send(app: &App, req: &Request) -> Result<Reply, Reply> {
    let f = &req.fields;
    stock(req, "coupon_stock_id")?;
    if required(f, "openid_count")? != "1" {
        return Err(biz("PARAM_ERROR", "openid_count必须为1"));
    }
    let trade_no = merchant_no(f, "partner_trade_no")?;
    let openid = required(f, "openid")?;
    let mut book = app.store.book(req.sandbox);
    let coupon = match book.coupons.values().find(|c| c.partner_trade_no == trade_no) {
        Some(c) if c.openid == openid => c.clone(),
        Some(_) => return Err(biz("PARAM_ERROR", "商户单据号重复，且用户不一致")),
        None if book.coupons.len() as u64 >= STOCK_TOTAL => {
            return Err(biz("NOT_ENOUGH", "批次已发完"));
        }
        None => {
            let c = Coupon {
                coupon_id: app.ids.coupon_id(),
                partner_trade_no: trade_no.to_owned(),
                openid: openid.to_owned(),
                sent: clock::now(),
            };
            book.coupons.insert(c.coupon_id.clone(), c.clone());
            c
        }
    };
    Ok(Reply::Success(fields([
        ("coupon_stock_id", STOCK_ID.to_owned()),
        ("resp_count", "1".to_owned()),
        ("success_count", "1".to_owned()),
        ("failed_count", "0".to_owned()),
        ("openid", coupon.openid),
        ("ret_code", "SUCCESS".to_owned()),
        ("coupon_id", coupon.coupon_id),
        ("ret_msg", "成功".to_owned()),
    ])))
}

/// mmpaymkttransfers/query_coupon_stock
pub fn query_coupon_stock(app: &App, req: &Request) -> Reply {
    if let Err(r) = stock(req, "coupon_stock_id") {
        return r;
    }
    let sent = app.store.book(req.sandbox).coupons.len() as u64;
    Reply::Success(fields([
        ("coupon_stock_id", STOCK_ID.to_owned()),
        ("coupon_name", STOCK_NAME.to_owned()),
        ("coupon_value", STOCK_VALUE.to_string()),
        // WeChat's own spelling.
        ("coupon_mininumn", STOCK_MINIMUM.to_string()),
        // 4: in force.
        ("coupon_stock_status", "4".to_owned()),
        ("coupon_total", STOCK_TOTAL.to_string()),
        ("is_send_num", sent.to_string()),
        ("begin_time", STOCK_BEGIN.to_owned()),
        ("end_time", STOCK_END.to_owned()),
    ]))
}

/// mmpaymkttransfers/querycouponsinfo: a coupon the user holds.
pub fn querycouponsinfo(app: &App, req: &Request) -> Reply {
    let f = &req.fields;
    if let Err(r) = stock(req, "stock_id") {
        return r;
    }
    let (Ok(coupon_id), Ok(openid)) = (required(f, "coupon_id"), required(f, "openid")) else {
        return biz("LACK_PARAMS", "缺少参数coupon_id或openid");
    };
    let book = app.store.book(req.sandbox);
    let Some(c) = book.coupons.get(coupon_id).filter(|c| c.openid == openid) else {
        return biz("COUPON_NOT_EXIST", "代金券不存在");
    };
    Reply::Success(fields([
        ("coupon_stock_id", STOCK_ID.to_owned()),
        ("coupon_id", c.coupon_id.clone()),
        ("coupon_value", STOCK_VALUE.to_string()),
        ("coupon_mininum", STOCK_MINIMUM.to_string()),
        ("coupon_name", STOCK_NAME.to_owned()),
        ("coupon_state", "SENDED".to_owned()),
        ("coupon_type", "NORMAL".to_owned()),
        ("coupon_remain_value", STOCK_VALUE.to_string()),
        ("begin_time", STOCK_BEGIN.to_owned()),
        ("end_time", STOCK_END.to_owned()),
        ("send_time", clock::dashed(c.sent)),
        ("send_source", "API".to_owned()),
    ]))
}
