//! Cash red packets: sending one to a user, and the query that lists who
//! received it (the one answer WeChat nests: `<hblist><hbinfo>...`).

use crate::app::App;
use crate::clock;
use crate::reply::{Reply, Request, amount, biz, fields, merchant_no, required};
use crate::store::RedPacket;

/// mmpaymkttransfers/sendredpack: one red packet of 1-200 yuan, received at once.
pub fn sendredpack(app: &App, req: &Request) -> Reply {
    match try_sendredpack(app, req) {
        Ok(r) | Err(r) => r,
    }
}

fn try_sendredpack(app: &App, req: &Request) -> Result<Reply, Reply> {
    required(&req.fields, "client_ip")?;
    let packet = record(app, req)?;
    Ok(Reply::Success(fields([
        ("mch_billno", packet.mch_billno),
        ("re_openid", packet.openid),
        ("total_amount", packet.amount.to_string()),
        ("send_listid", packet.send_listid),
    ])))
}

/// Checks a single red packet's fields and records it; the same request
/// again is the same packet.
fn record(app: &App, req: &Request) -> Result<RedPacket, Reply> {
    let f = &req.fields;
    let mch_billno = merchant_no(f, "mch_billno")?;
    let openid = required(f, "re_openid")?;
    let total = amount(f, "total_amount")?;
    if required(f, "total_num")? != "1" {
        return Err(biz("PARAM_ERROR", "普通红包total_num必须为1"));
    }
    if !(100..=20_000).contains(&total) {
        return Err(biz("MONEY_LIMIT", "每个红包的金额必须在1.00元到200.00元之间"));
    }
    required(f, "send_name")?;
    let (act_name, remark) = (required(f, "act_name")?, required(f, "remark")?);
    let wishing = required(f, "wishing")?;
    let mut book = app.store.book(req.sandbox);
    match book.red_packets.get(mch_billno) {
        Some(p) if p.openid == openid && p.amount == total => Ok(p.clone()),
        Some(_) => Err(biz("INVALID_REQUEST", "商户订单号重复，且参数与原订单不一致")),
        None => {
            let p = RedPacket {
                mch_billno: mch_billno.to_owned(),
                send_listid: app.ids.send_listid(),
                openid: openid.to_owned(),
                amount: total,
                act_name: act_name.to_owned(),
                wishing: wishing.to_owned(),
                remark: remark.to_owned(),
                sent: clock::now(),
            };
            book.red_packets.insert(p.mch_billno.clone(), p.clone());
            Ok(p)
        }
    }
}

/// mmpaymkttransfers/sendminiprogramhb: a red packet the user opens in the
/// mini-program (`wx.sendBizRedPacket`) with the answered `package`.
pub fn sendminiprogramhb(app: &App, req: &Request) -> Reply {
    match try_sendminiprogramhb(app, req) {
        Ok(r) | Err(r) => r,
    }
}

fn try_sendminiprogramhb(app: &App, req: &Request) -> Result<Reply, Reply> {
    if required(&req.fields, "notify_way")? != "MINI_PROGRAM_JSAPI" {
        return Err(biz("PARAM_ERROR", "小程序红包notify_way必须为MINI_PROGRAM_JSAPI"));
    }
    let packet = record(app, req)?;
    let sendid = openssl::hash::hash(openssl::hash::MessageDigest::sha256(), packet.send_listid.as_bytes())
        .map(|d| d.iter().map(|b| format!("{b:02x}")).collect::<String>())
        .map_err(|e| Reply::Fail(format!("wxpay-sim: {e}")))?;
    let package = format!("sendid={sendid}&ver=8&sign={}&mchid={}&appid={}", &sendid[..32], app.mch_id, app.appid);
    Ok(Reply::Success(fields([
        ("mch_billno", packet.mch_billno),
        ("re_openid", packet.openid),
        ("total_amount", packet.amount.to_string()),
        ("send_listid", packet.send_listid),
        ("package", package),
    ])))
}

/// mmpaymkttransfers/gethbinfo: the packet's state and, nested, its receipt.
pub fn gethbinfo(app: &App, req: &Request) -> Reply {
    let f = &req.fields;
    let mch_billno = match merchant_no(f, "mch_billno") {
        Ok(n) => n,
        Err(r) => return r,
    };
    if f.get("bill_type") != Some("MCHT") {
        return biz("PARAM_ERROR", "bill_type必须为MCHT");
    }
    let book = app.store.book(req.sandbox);
    let Some(p) = book.red_packets.get(mch_billno) else {
        return biz("NOT_FOUND", "指定单号数据不存在");
    };
    let amount = p.amount.to_string();
    Reply::Records {
        fields: fields([
            ("mch_billno", p.mch_billno.clone()),
            ("detail_id", p.send_listid.clone()),
            ("status", "RECEIVED".to_owned()),
            ("send_type", "API".to_owned()),
            ("hb_type", "NORMAL".to_owned()),
            ("total_num", "1".to_owned()),
            ("total_amount", amount.clone()),
            ("send_time", clock::dashed(p.sent)),
            ("wishing", p.wishing.clone()),
            ("remark", p.remark.clone()),
            ("act_name", p.act_name.clone()),
        ]),
        list: "hblist",
        item: "hbinfo",
        records: vec![fields([("openid", p.openid.clone()), ("amount", amount), ("rcv_time", clock::dashed(p.sent))])],
    }
}
