//! One API call from bytes to bytes: faults, certificate, XML, identity and
//! signature checks, the endpoint, then the signed (or unsigned) answer.

use std::time::Duration;

use wxpay::{ApiKey, Fields, SignType};

use crate::app::App;
use crate::endpoints::{self, Endpoint, Identity};
use crate::faults::{self, Fault, Kind};
use crate::reply::{Reply, Request, clip};

/// What the HTTP layer does with a request.
#[derive(Debug)]
pub enum Outcome {
    Respond {
        status: u16,
        content_type: &'static str,
        body: Vec<u8>,
    },
    /// Close the connection without answering.
    Reset,
}

const XML: &str = "text/xml; charset=utf-8";

pub async fn handle(app: &App, path: &str, body: &[u8], client_cert: bool) -> Outcome {
    let (sandbox, inner) = match path.strip_prefix(endpoints::SANDBOX) {
        Some(rest) => (true, rest),
        None => (false, path),
    };
    let armed = app.faults.take(path);
    if let Some(outcome) = early_fault(armed).await {
        return outcome;
    }
    if (endpoints::needs_cert(inner) || endpoints::lookup(inner, sandbox).is_some_and(|e| e.cert)) && !client_cert {
        return fail(
            "此接口需要商户证书：请以 apiclient_cert（MmpaymchCA 签发）作为 TLS 客户端证书",
        );
    }
    let Some(endpoint) = endpoints::lookup(inner, sandbox) else {
        let msg = format!("wxpay-sim does not implement `{}`", clip(path, 80));
        return Outcome::Respond { status: 404, content_type: XML, body: fail_xml(&msg, None) };
    };
    let fields = match wxpay::xml::parse(body) {
        Ok(f) => f,
        Err(e) => return fail(&format!("XML格式错误：{e}")),
    };
    let fault = match armed {
        Some(f) => Some(f),
        None => match fields.get("attach").and_then(faults::from_attach) {
            Some(Ok(f)) => Some(f),
            Some(Err(msg)) => return fail(&msg),
            None => None,
        },
    };
    if armed.is_none() {
        if let Some(outcome) = early_fault(fault).await {
            return outcome;
        }
    }
    // The key endpoint, outside the sandbox's prefix, is signed with the
    // real key: it is how a merchant learns the sandbox one.
    let sign_type = match check(app, &endpoint, &fields, sandbox, app.key(sandbox)) {
        Ok(t) => t,
        Err(msg) => return fail(&msg),
    };
    let req = Request { fields, sign_type, sandbox };
    let reply = match fault.map(|f| f.kind) {
        Some(Kind::SystemError) => crate::reply::biz("SYSTEMERROR", "系统错误（wxpay-sim 注入的故障），请重试"),
        _ => (endpoint.handler)(app, &req),
    };
    let key = app.key(sandbox);
    respond(app, &endpoint, &req, reply, key, fault.map(|f| f.kind))
}

/// The faults that replace the whole exchange; `None` to go on.
async fn early_fault(fault: Option<Fault>) -> Option<Outcome> {
    let fault = fault?;
    match fault.kind {
        Kind::Delay => {
            tokio::time::sleep(Duration::from_millis(fault.delay_ms)).await;
            None
        }
        Kind::Reset => Some(Outcome::Reset),
        Kind::Http500 => Some(Outcome::Respond {
            status: 500,
            content_type: "text/html; charset=utf-8",
            body: b"<html><body><h1>500 Internal Server Error</h1>(injected by wxpay-sim)</body></html>".to_vec(),
        }),
        Kind::Garbled => Some(Outcome::Respond {
            status: 200,
            content_type: XML,
            body: b"garbled by wxpay-sim: this body is not XML \x00\x01\x02 {{[[".to_vec(),
        }),
        Kind::ReturnFail => Some(fail("系统繁忙（wxpay-sim 注入的 return_code=FAIL）")),
        Kind::BadSign | Kind::NoSign | Kind::SystemError => None,
    }
}

/// Identity, nonce and signature; returns the algorithm the request used.
fn check(app: &App, endpoint: &Endpoint, f: &Fields, sandbox: bool, key: &ApiKey) -> Result<SignType, String> {
    let (appid_name, mch_name) = match endpoint.identity {
        Identity::Merchant => (Some("appid"), "mch_id"),
        Identity::Transfer => (Some("mch_appid"), "mchid"),
        Identity::MchOnly => (None, "mch_id"),
        Identity::RedPack => (Some("wxappid"), "mch_id"),
    };
    match f.get(mch_name) {
        None | Some("") => return Err(format!("缺少参数{mch_name}")),
        Some(v) if v != app.mch_id => return Err(format!("{mch_name}参数错误：`{}`不是本商户号", clip(v, 32))),
        Some(_) => {}
    }
    if let Some(name) = appid_name {
        match f.get(name) {
            None | Some("") => return Err(format!("缺少参数{name}")),
            Some(v) if v != app.appid => {
                return Err(format!("{name}和mch_id不匹配：`{}`", clip(v, 32)));
            }
            Some(_) => {}
        }
    }
    if endpoint.refuses_appid && f.get("appid").is_some() {
        return Err("此接口不接受参数appid".into());
    }
    if endpoint.md5_only && f.contains("sign_type") {
        return Err("此接口不接受参数sign_type（仅支持MD5）".into());
    }
    match f.get("nonce_str") {
        None | Some("") if endpoint.nonceless => {}
        None | Some("") => return Err("缺少参数nonce_str".into()),
        Some(n) if n.chars().count() > 32 => return Err("nonce_str长度不能超过32位".into()),
        Some(_) => {}
    }
    let sign_type = match f.get("sign_type").filter(|s| !s.is_empty()) {
        None => SignType::Md5,
        Some(s) => SignType::parse(s).map_err(|e| e.to_string())?,
    };
    if sandbox && sign_type != SignType::Md5 {
        return Err("仿真测试系统仅支持MD5签名".into());
    }
    if endpoint.hmac_only && sign_type != SignType::HmacSha256 {
        return Err("此接口仅支持sign_type=HMAC-SHA256".into());
    }
    wxpay::sign::verify(f.as_slice(), key, Some(sign_type)).map_err(|e| match e.kind() {
        wxpay::ErrorKind::SignatureMissing => "缺少参数sign".to_owned(),
        // The core's message names the algorithm and never the key.
        _ => format!("签名错误：{e}"),
    })
}

fn respond(app: &App, endpoint: &Endpoint, req: &Request, reply: Reply, key: &ApiKey, fault: Option<Kind>) -> Outcome {
    let (result, extra) = match reply {
        Reply::Fail(msg) => return fail(&msg),
        Reply::FailWithCode { msg, error_code } => {
            return Outcome::Respond { status: 200, content_type: XML, body: fail_xml(&msg, Some(error_code)) };
        }
        Reply::Raw { content_type, body } => return Outcome::Respond { status: 200, content_type, body },
        Reply::Success(f) => (None, f),
        Reply::Business { code, des, extra } => (Some((code, des)), extra),
        Reply::Records { fields, list, item, records } => {
            return match respond(app, endpoint, req, Reply::Success(fields), key, fault) {
                Outcome::Respond { status, content_type, body } => match nest(&body, list, item, &records) {
                    Ok(body) => Outcome::Respond { status, content_type, body },
                    Err(e) => fail(&format!("wxpay-sim cannot encode its answer: {e}")),
                },
                reset => reset,
            };
        }
    };
    let mut f = Fields::with_capacity(extra.len() + 10);
    f.insert("return_code", "SUCCESS");
    f.insert("return_msg", "OK");
    match endpoint.identity {
        Identity::Merchant => {
            f.insert("appid", app.appid.clone());
            f.insert("mch_id", app.mch_id.clone());
        }
        Identity::Transfer => {
            f.insert("mch_appid", app.appid.clone());
            f.insert("mchid", app.mch_id.clone());
        }
        Identity::MchOnly => {
            f.insert("mch_id", app.mch_id.clone());
        }
        Identity::RedPack => {
            f.insert("wxappid", app.appid.clone());
            f.insert("mch_id", app.mch_id.clone());
        }
    }
    if let Some(d) = req.fields.get("device_info").filter(|d| !d.is_empty()) {
        f.insert("device_info", d);
    }
    if endpoint.business && !endpoint.nonceless {
        match wxpay::nonce::nonce() {
            Ok(n) => f.insert("nonce_str", n),
            Err(e) => return fail(&format!("wxpay-sim: {e}")),
        };
    }
    if endpoint.business {
        match &result {
            None => {
                f.insert("result_code", "SUCCESS");
            }
            Some((code, des)) => {
                f.insert("result_code", "FAIL");
                f.insert("err_code", *code);
                f.insert("err_code_des", des.as_str());
            }
        }
    }
    for (k, v) in extra.iter() {
        f.insert(k, v);
    }
    if endpoint.signed && fault != Some(Kind::NoSign) {
        if req.sign_type == SignType::HmacSha256 {
            f.insert("sign_type", SignType::HmacSha256.as_str());
        }
        match wxpay::sign::sign(f.as_slice(), key, Some(req.sign_type)) {
            Ok(s) => {
                let mut sign = s.as_str().to_owned();
                if fault == Some(Kind::BadSign) {
                    sign = corrupt(&sign);
                }
                f.insert("sign", sign);
            }
            Err(e) => return fail(&format!("wxpay-sim cannot sign its answer: {e}")),
        }
    }
    match wxpay::xml::build(f.as_slice()) {
        Ok(xml) => Outcome::Respond { status: 200, content_type: XML, body: xml.into_bytes() },
        Err(e) => fail(&format!("wxpay-sim cannot encode its answer: {e}")),
    }
}

/// `doc` with `<list><item>record</item>...</list>` added as the root's last
/// field (the one nesting WeChat sends, in unsigned answers only).
fn nest(doc: &[u8], list: &str, item: &str, records: &[Fields]) -> wxpay::Result<Vec<u8>> {
    let mut nested = format!("<{list}>");
    for r in records {
        let flat = wxpay::xml::build(r.as_slice())?;
        let inner = flat.strip_prefix("<xml>").and_then(|s| s.strip_suffix("</xml>")).unwrap_or_default();
        nested.push_str(&format!("<{item}>{inner}</{item}>"));
    }
    nested.push_str(&format!("</{list}></xml>"));
    let mut out = doc.strip_suffix(b"</xml>").unwrap_or(doc).to_vec();
    out.extend_from_slice(nested.as_bytes());
    Ok(out)
}

/// The same length and alphabet, every character different.
fn corrupt(sign: &str) -> String {
    sign.chars().map(|c| if c == '0' { '1' } else { '0' }).collect()
}

pub fn fail(msg: &str) -> Outcome {
    Outcome::Respond { status: 200, content_type: XML, body: fail_xml(msg, None) }
}

fn fail_xml(msg: &str, error_code: Option<&str>) -> Vec<u8> {
    let mut fields = vec![("return_code", "FAIL"), ("return_msg", msg)];
    fields.extend(error_code.map(|code| ("error_code", code)));
    wxpay::xml::build(&fields)
        .unwrap_or_else(|_| "<xml><return_code><![CDATA[FAIL]]></return_code></xml>".to_owned())
        .into_bytes()
}
