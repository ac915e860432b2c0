//! Automatic deduction (委托代扣): the signing page, where the simulator
//! plays the user who agrees, the contract queries, and deductions.

use time::Duration;
use wxpay::{Fields, SignType};

use crate::app::App;
use crate::clock;
use crate::notify::{Message, Url};
use crate::reply::{Reply, Request, amount, biz, fields, merchant_link, merchant_no, optional, required};
use crate::store::{Book, Contract};
use crate::trade;

/// How long a contract the simulator signs runs.
const CONTRACT_YEARS: i64 = 1;

/// `GET papay/entrustweb?...`: the page WeChat shows the user. The link's
/// signature and fields are checked as WeChat does; then the simulated user
/// agrees at once, the contract is recorded and its notification
/// (`change_type=ADD`) goes to the link's `notify_url`. Answers the HTTP
/// status and a short text page.
pub fn entrustweb(app: &App, query: &str) -> (u16, String) {
    match sign_contract(app, query) {
        Ok(c) => (200, format!("签约成功 (signed): contract_id={}\n", c.contract_id)),
        Err(why) => (400, format!("签约失败 (refused): {why}\n")),
    }
}

fn sign_contract(app: &App, query: &str) -> Result<Contract, String> {
    let f = merchant_link(app, query)?;
    if f.contains("sign_type") {
        return Err("sign_type is not a parameter of this page (MD5 only)".into());
    }
    record_contract(app, &f)
}

/// Checks a signing request's contract fields and records the contract the
/// simulated user agrees to; its notification (`ADD`) goes to `notify_url`.
fn record_contract(app: &App, f: &Fields) -> Result<Contract, String> {
    let get = |name: &str| f.get(name).filter(|v| !v.is_empty()).ok_or_else(|| format!("缺少参数{name}"));
    let (plan_id, contract_code, serial) = (get("plan_id")?, get("contract_code")?, get("request_serial")?);
    let (display_account, notify_url) = (get("contract_display_account")?, get("notify_url")?);
    if get("version")? != "1.0" {
        return Err("version必须为1.0".into());
    }
    for (name, value) in [("plan_id", plan_id), ("request_serial", serial), ("timestamp", get("timestamp")?)] {
        if value.len() > 19 || !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("{name}必须为整数"));
        }
    }
    Url::parse(notify_url)?;
    let mut book = app.store.book(false);
    let code = (plan_id.to_owned(), contract_code.to_owned());
    if let Some(existing) = book.by_contract_code.get(&code).and_then(|id| book.contracts.get(id)) {
        if existing.ended.is_none() {
            return Err("this contract_code already has a contract under this plan".into());
        }
    }
    let now = clock::now();
    let contract = Contract {
        contract_id: app.ids.contract_id(),
        plan_id: plan_id.to_owned(),
        contract_code: contract_code.to_owned(),
        request_serial: serial.to_owned(),
        display_account: display_account.to_owned(),
        openid: app.ids.openid_for(contract_code),
        notify_url: notify_url.to_owned(),
        signed_at: now,
        expires_at: now + Duration::days(365 * CONTRACT_YEARS),
        ended: None,
    };
    book.by_contract_code.insert(code, contract.contract_id.clone());
    book.contracts.insert(contract.contract_id.clone(), contract.clone());
    drop(book);
    notify(app, &contract, "ADD");
    Ok(contract)
}

/// papay/preentrustweb: an App's pre-signing. Answers the `pre_entrustweb_id`
/// the App opens WeChat with; the simulated user agrees at once, so the
/// contract is recorded and notified as the signing page does.
pub fn preentrustweb(app: &App, req: &Request) -> Reply {
    match record_contract(app, &req.fields) {
        Ok(c) => Reply::Success(fields([("pre_entrustweb_id", format!("5778aadY9nltAsZzXixCkFIGYnV2V{}", &c.contract_id[2..]))])),
        Err(why) => biz("PARAM_ERROR", why),
    }
}

/// Sends the contract notification of a signed (`ADD`) or ended (`DELETE`) contract.
fn notify(app: &App, c: &Contract, change_type: &str) {
    match contract_message(app, c, change_type) {
        Ok(msg) => app.notifier.send(msg),
        Err(e) => eprintln!("wxpay-sim: cannot build the contract notification of {}: {e}", c.contract_id),
    }
}

fn contract_message(app: &App, c: &Contract, change_type: &str) -> wxpay::Result<Message> {
    let mut f = fields([
        ("return_code", "SUCCESS".into()),
        ("return_msg", "OK".into()),
        ("result_code", "SUCCESS".into()),
        ("mch_id", app.mch_id.clone()),
        ("contract_code", c.contract_code.clone()),
        ("plan_id", c.plan_id.clone()),
        ("openid", c.openid.clone()),
        ("change_type", change_type.into()),
        ("operate_time", clock::dashed(c.ended.as_ref().map_or(c.signed_at, |e| e.0))),
        ("contract_id", c.contract_id.clone()),
        ("contract_expired_time", clock::dashed(c.expires_at)),
        ("request_serial", c.request_serial.clone()),
    ]);
    if c.ended.is_some() {
        // 3: ended by the merchant through the API.
        f.insert("contract_termination_mode", "3");
    }
    let sign = wxpay::sign::sign(f.as_slice(), app.key(false), Some(SignType::Md5))?;
    f.insert("sign", sign.as_str());
    Ok(Message {
        kind: "contract",
        url: c.notify_url.clone(),
        out_trade_no: c.contract_code.clone(),
        out_refund_no: None,
        body: wxpay::xml::build(f.as_slice())?,
    })
}

/// The contract a query names: by `contract_id`, else `plan_id` + `contract_code`.
fn find_contract<'a>(book: &'a Book, f: &Fields) -> Result<&'a Contract, Reply> {
    if optional(f, "version") != Some("1.0") {
        return Err(biz("PARAM_ERROR", "version必须为1.0"));
    }
    let id = match optional(f, "contract_id") {
        Some(id) => Some(id.to_owned()),
        None => {
            let code = (required(f, "plan_id")?.to_owned(), required(f, "contract_code")?.to_owned());
            book.by_contract_code.get(&code).cloned()
        }
    };
    id.and_then(|id| book.contracts.get(&id)).ok_or_else(|| biz("CONTRACT_NOT_EXIST", "签约协议不存在"))
}

fn contract_fields(c: &Contract) -> Fields {
    let mut f = fields([
        ("contract_id", c.contract_id.clone()),
        ("plan_id", c.plan_id.clone()),
        ("contract_code", c.contract_code.clone()),
        ("request_serial", c.request_serial.clone()),
        ("contract_display_account", c.display_account.clone()),
        ("openid", c.openid.clone()),
        // 0: in force, 1: ended.
        ("contract_state", if c.ended.is_some() { "1" } else { "0" }.into()),
        ("contract_signed_time", clock::dashed(c.signed_at)),
        ("contract_expired_time", clock::dashed(c.expires_at)),
    ]);
    if let Some((at, remark)) = &c.ended {
        f.insert("contract_terminated_time", clock::dashed(*at));
        f.insert("contract_termination_mode", "3");
        f.insert("contract_termination_remark", remark.clone());
    }
    f
}

/// papay/querycontract
pub fn querycontract(app: &App, req: &Request) -> Reply {
    let book = app.store.book(req.sandbox);
    match find_contract(&book, &req.fields) {
        Ok(c) => Reply::Success(contract_fields(c)),
        Err(r) => r,
    }
}

/// papay/deletecontract: ends the contract and notifies `change_type=DELETE`.
pub fn deletecontract(app: &App, req: &Request) -> Reply {
    let remark = match required(&req.fields, "contract_termination_remark") {
        Ok(r) => r.to_owned(),
        Err(r) => return r,
    };
    let mut book = app.store.book(req.sandbox);
    let id = match find_contract(&book, &req.fields) {
        Ok(c) if c.ended.is_some() => return biz("CONTRACT_NOT_EXIST", "签约协议已解约"),
        Ok(c) => c.contract_id.clone(),
        Err(r) => return r,
    };
    let Some(c) = book.contracts.get_mut(&id) else { return biz("CONTRACT_NOT_EXIST", "签约协议不存在") };
    c.ended = Some((clock::now(), remark));
    let c = c.clone();
    drop(book);
    notify(app, &c, "DELETE");
    Reply::Success(fields([
        ("contract_id", c.contract_id),
        ("plan_id", c.plan_id),
        ("contract_code", c.contract_code),
    ]))
}

/// pay/pappayapply: a deduction under a contract in force. The user's
/// WeChat pays it at once; its payment notification goes to `notify_url`.
pub fn pappayapply(app: &App, req: &Request) -> Reply {
    match try_pappayapply(app, req) {
        Ok(r) | Err(r) => r,
    }
}

fn try_pappayapply(app: &App, req: &Request) -> Result<Reply, Reply> {
    let f = &req.fields;
    if required(f, "trade_type")? != "PAP" {
        return Err(biz("PARAM_ERROR", "trade_type必须为PAP"));
    }
    let out_trade_no = merchant_no(f, "out_trade_no")?;
    let total_fee = amount(f, "total_fee")?;
    let (body, notify_url) = (required(f, "body")?, required(f, "notify_url")?);
    required(f, "spbill_create_ip")?;
    Url::parse(notify_url).map_err(|e| biz("PARAM_ERROR", e))?;
    let mut book = app.store.book(req.sandbox);
    let contract = match book.contracts.get(required(f, "contract_id")?) {
        Some(c) if c.ended.is_none() => c.clone(),
        Some(_) => return Err(biz("CONTRACT_NOT_EXIST", "签约协议已解约")),
        None => return Err(biz("CONTRACT_NOT_EXIST", "签约协议不存在")),
    };
    if book.orders.contains_key(out_trade_no) {
        return Err(biz("ORDERPAID", "商户订单号重复"));
    }
    let mut order = trade::new_order(app, req, out_trade_no, "PAP", (body, total_fee), contract.openid, notify_url);
    trade::pay(&mut order);
    book.insert_order(order.clone());
    drop(book);
    trade::notify_paid(app, &order, req.sandbox);
    Ok(Reply::Success(Fields::new()))
}

/// pay/paporderquery: as pay/orderquery, for deductions only.
pub fn paporderquery(app: &App, req: &Request) -> Reply {
    let f = &req.fields;
    let book = app.store.book(req.sandbox);
    let is_deduction = book
        .find_key(optional(f, "transaction_id"), optional(f, "out_trade_no"))
        .and_then(|k| book.orders.get(&k))
        .is_some_and(|o| o.trade_type == "PAP");
    drop(book);
    if !is_deduction {
        return biz("ORDERNOTEXIST", "订单不存在");
    }
    trade::orderquery(app, req)
}
