//! The `/sim/` control endpoints: no signature, JSON answers.

use crate::app::App;
use crate::faults::{Armed, DEFAULT_DELAY_MS, Kind, MAX_DELAY_MS};
use crate::json::Json;
use crate::scan::{self, Outcome};
use crate::trade;

pub struct Answer {
    pub status: u16,
    pub body: String,
}

fn ok(body: String) -> Answer {
    Answer { status: 200, body }
}

fn error(status: u16, msg: &str) -> Answer {
    let mut j = Json::object();
    j.field_str("error", msg);
    Answer { status, body: j.finish() }
}

/// `route` is the path after `/sim/`; `query` the raw query string. Only
/// `scan` waits (for the merchant's scan URL); the rest answer at once.
pub async fn handle(app: &App, method: &hyper::Method, route: &str, query: &str) -> Answer {
    let params = parse_query(query);
    let param = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let post = method == hyper::Method::POST;
    match (route, post) {
        ("pay", true) => {
            let Some(no) = param("out_trade_no") else { return error(400, "give out_trade_no") };
            let sandbox = param("sandbox") == Some("1");
            match trade::pay_by_control(app, no, sandbox) {
                Ok(order) => {
                    let mut j = Json::object();
                    j.field_str("out_trade_no", &order.out_trade_no);
                    j.field_str("transaction_id", &order.transaction_id);
                    j.field_str("trade_state", order.state.as_str());
                    j.field_bool("notifying", !order.notify_url.is_empty());
                    ok(j.finish())
                }
                Err(e) => error(409, &e),
            }
        }
        ("scan", true) => {
            let (Some(link), Some(callback)) = (param("url"), param("callback")) else {
                return error(400, "give url (the bizpay link) and callback (the merchant's scan URL)");
            };
            let pay = match param("pay") {
                None | Some("0") => false,
                Some("1") => true,
                Some(_) => return error(400, "pay must be 1 or 0"),
            };
            scanned(scan::scan(app, link, callback, pay).await)
        }
        ("fault", true) => arm(app, param("kind"), param("path"), param("count"), param("ms")),
        ("faults", false) => {
            let mut list = Json::array();
            for a in app.faults.list() {
                let mut j = Json::object();
                j.field_str("kind", a.kind.name());
                j.field_str("path", &a.path);
                j.field_num("remaining", u64::from(a.remaining));
                j.field_num("ms", a.delay_ms);
                list.item_raw(&j.finish());
            }
            ok(list.finish())
        }
        ("notifications", false) => ok(notifications(app, param("out_trade_no"))),
        ("orders", false) => ok(orders(app, param("sandbox") == Some("1"))),
        ("reset", true) => {
            app.reset();
            ok("{\"reset\":true}".into())
        }
        ("shutdown", true) => {
            app.request_shutdown();
            ok("{\"shutting_down\":true}".into())
        }
        ("health", false) => ok("{\"status\":\"ok\"}".into()),
        ("pay" | "scan" | "fault" | "reset" | "shutdown", false) => error(405, "use POST"),
        ("faults" | "notifications" | "orders" | "health", true) => error(405, "use GET"),
        _ => error(404, "unknown control endpoint; see docs/simulator.md"),
    }
}

fn scanned(result: Result<Outcome, scan::Failure>) -> Answer {
    let mut j = Json::object();
    match result {
        Ok(Outcome::Prepay { prepay_id, out_trade_no, paid }) => {
            j.field_str("outcome", "prepay");
            j.field_str("prepay_id", &prepay_id);
            j.field_str("out_trade_no", &out_trade_no);
            if let Some(state) = paid {
                j.field_str("trade_state", state);
            }
        }
        Ok(Outcome::Refused(message)) => {
            j.field_str("outcome", "refused");
            j.field_str("err_code_des", &message);
        }
        Err(failure) => return error(failure.status, &failure.message),
    }
    ok(j.finish())
}

fn arm(app: &App, kind: Option<&str>, path: Option<&str>, count: Option<&str>, ms: Option<&str>) -> Answer {
    let Some(kind) = kind.and_then(Kind::parse) else {
        let names: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
        return error(400, &format!("kind must be one of {}", names.join(", ")));
    };
    let path = path.unwrap_or("*").trim_start_matches('/').to_owned();
    if path.is_empty() {
        return error(400, "path must be an API path such as pay/orderquery, or *");
    }
    let remaining = match count.map(str::parse::<u32>) {
        None => 1,
        Some(Ok(n)) if n > 0 => n,
        _ => return error(400, "count must be a positive whole number"),
    };
    let delay_ms = match ms.map(str::parse::<u64>) {
        None => DEFAULT_DELAY_MS,
        Some(Ok(n)) if n <= MAX_DELAY_MS => n,
        _ => return error(400, &format!("ms must be a whole number from 0 to {MAX_DELAY_MS}")),
    };
    app.faults.arm(Armed { kind, path: path.clone(), remaining, delay_ms });
    let mut j = Json::object();
    j.field_str("kind", kind.name());
    j.field_str("path", &path);
    j.field_num("count", u64::from(remaining));
    j.field_num("ms", delay_ms);
    ok(j.finish())
}

fn notifications(app: &App, out_trade_no: Option<&str>) -> String {
    let mut list = Json::array();
    for d in app.notifier.snapshot() {
        if out_trade_no.is_some_and(|no| no != d.out_trade_no) {
            continue;
        }
        let mut attempts = Json::array();
        for a in &d.attempts {
            let mut j = Json::object();
            j.field_num("at_ms", a.at_ms);
            match a.http_status {
                Some(s) => j.field_num("http_status", u64::from(s)),
                None => j.field_raw("http_status", "null"),
            }
            j.field_bool("acknowledged", a.acknowledged);
            j.field_str("outcome", &a.outcome);
            attempts.item_raw(&j.finish());
        }
        let mut j = Json::object();
        j.field_num("id", d.id);
        j.field_str("kind", d.kind);
        j.field_str("url", &d.url);
        j.field_str("out_trade_no", &d.out_trade_no);
        match &d.out_refund_no {
            Some(n) => j.field_str("out_refund_no", n),
            None => j.field_raw("out_refund_no", "null"),
        }
        j.field_str("state", d.state.as_str());
        j.field_num("attempt_count", d.attempts.len() as u64);
        j.field_bool("finished", d.finished);
        j.field_raw("attempts", &attempts.finish());
        list.item_raw(&j.finish());
    }
    list.finish()
}

fn orders(app: &App, sandbox: bool) -> String {
    let book = app.store.book(sandbox);
    let mut sorted: Vec<_> = book.orders.values().collect();
    sorted.sort_by(|a, b| a.created.cmp(&b.created).then_with(|| a.out_trade_no.cmp(&b.out_trade_no)));
    let mut list = Json::array();
    for o in sorted {
        let mut j = Json::object();
        j.field_str("out_trade_no", &o.out_trade_no);
        j.field_str("transaction_id", &o.transaction_id);
        j.field_str("trade_type", &o.trade_type);
        j.field_str("trade_state", o.state.as_str());
        j.field_num("total_fee", o.total_fee);
        j.field_num("refunded", o.refunded);
        j.field_str("notify_url", &o.notify_url);
        list.item_raw(&j.finish());
    }
    list.finish()
}

/// `a=1&b=x%20y` into pairs, percent- and plus-decoded (a bad escape is kept as it is).
fn parse_query(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes()).into_owned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_decoding() {
        let q = parse_query("kind=delay&path=pay%2Forderquery&x=a+b&bad=%zz&end=%4");
        assert_eq!(q[1], ("path".into(), "pay/orderquery".into()));
        assert_eq!(q[2].1, "a b");
        assert_eq!(q[3].1, "%zz");
        assert_eq!(q[4].1, "%4");
    }
}
