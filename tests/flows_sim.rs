//! The merchant flows end to end against wxpay-sim over real TLS: payment
//! and refund notifications delivered to a loopback HTTP listener in the
//! test, verified and answered; micropay polling and reversal; the sandbox
//! key; a downloaded bill.

#[path = "sim/harness.rs"]
#[allow(dead_code)]
mod harness;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use harness::{APPID, KEY, Listener, MCH_ID, Sim, eventually, no};
use wxpay::client::Config;
use wxpay::log::{LogLevel, Logger};
use wxpay::micropay::{MicropayOptions, MicropayState, Step};
use wxpay::{ApiKey, Client, ErrorKind};

type Lines = Arc<Mutex<Vec<(LogLevel, String)>>>;

fn make_client(sim: &Sim, extra: &[(&str, &str)]) -> (Client, Lines) {
    let mut config = Config::new();
    config.set("appid", APPID).unwrap().set("mch_id", MCH_ID).unwrap().set("api_key", KEY).unwrap();
    config.set("host", &format!("https://127.0.0.1:{}", sim.port)).unwrap();
    for (k, v) in extra {
        config.set(k, v).unwrap();
    }
    config.set_root_ca(&sim.file("ca.pem"));
    config.set_pem(&sim.file("apiclient_cert.pem"), &sim.file("apiclient_key.pem"), None);
    let lines: Lines = Arc::default();
    let sink = lines.clone();
    config.set_logger(Some(Logger::new(LogLevel::Debug, move |level, m| sink.lock().unwrap().push((level, m.to_owned())))));
    (Client::new(&config).unwrap(), lines)
}

fn fast() -> MicropayOptions {
    MicropayOptions {
        poll_interval: Duration::from_millis(5),
        poll_deadline: Duration::from_millis(200),
        reverse_attempts: 3,
        reverse_interval: Duration::from_millis(5),
    }
}

fn notifications(sim: &Sim, out_trade_no: &str) -> Vec<serde_json::Value> {
    sim.control("GET", &format!("/sim/notifications?out_trade_no={out_trade_no}")).as_array().unwrap().clone()
}

#[test]
fn payment_notification_verified_answered_and_retries_stop() {
    let sim = Sim::start(&["--notify-scale", "0.001"]);
    let (client, lines) = make_client(&sim, &[]);
    let handler_client = Arc::new(make_client(&sim, &[]).0);
    // The first delivery is answered FAIL (a merchant that is busy), the
    // retry SUCCESS: WeChat must retry once, then stop.
    let verdicts: Arc<Mutex<Vec<Result<bool, ErrorKind>>>> = Arc::default();
    let (c, v) = (handler_client.clone(), verdicts.clone());
    let listener = Listener::start(move |body| {
        let verdict = c.payment_notification(body).map(|n| n.paid).map_err(|e| e.kind());
        let first = {
            let mut v = v.lock().unwrap();
            v.push(verdict);
            v.len() == 1
        };
        wxpay::notify::reply(verdict.is_ok() && !first, Some(if first { "busy" } else { "OK" })).unwrap()
    });

    let out_trade_no = no("N");
    let order = client
        .request(
            "pay/unifiedorder",
            &[
                ("body", "tea"),
                ("out_trade_no", out_trade_no.as_str()),
                ("total_fee", "1"),
                ("spbill_create_ip", "127.0.0.1"),
                ("notify_url", listener.url.as_str()),
                ("trade_type", "NATIVE"),
                ("product_id", "p1"),
                ("sign_type", "HMAC-SHA256"),
            ],
        )
        .unwrap();
    assert!(order.get("code_url").is_some());
    // The notify_url is plain HTTP: the log hook says so.
    assert!(lines.lock().unwrap().iter().any(|(l, m)| *l == LogLevel::Warn && m.contains("notify_url is plain HTTP")));

    sim.control("POST", &format!("/sim/pay?out_trade_no={out_trade_no}"));
    let n = eventually(30, || notifications(&sim, &out_trade_no).into_iter().find(|n| n["state"] == "delivered"));
    assert_eq!(n["attempt_count"], 2);
    // Both copies (the retry has the same body) verified as paid.
    assert_eq!(*verdicts.lock().unwrap(), [Ok(true), Ok(true)]);
    let bodies = listener.bodies.lock().unwrap().clone();
    assert_eq!(bodies.len(), 2);
    assert_eq!(bodies[0], bodies[1]);
    let fields = client.payment_notification(&bodies[0]).unwrap();
    assert_eq!(fields.fields.get("out_trade_no"), Some(out_trade_no.as_str()));
    assert_eq!(fields.sign_type, wxpay::SignType::HmacSha256);

    // Delivered means no more attempts: the schedule at this scale would
    // have sent several more by the time a later order's delivery is done.
    let later = no("N");
    client
        .request(
            "pay/unifiedorder",
            &[
                ("body", "tea"),
                ("out_trade_no", later.as_str()),
                ("total_fee", "1"),
                ("spbill_create_ip", "127.0.0.1"),
                ("notify_url", listener.url.as_str()),
                ("trade_type", "NATIVE"),
                ("product_id", "p1"),
            ],
        )
        .unwrap();
    sim.control("POST", &format!("/sim/pay?out_trade_no={later}"));
    eventually(30, || notifications(&sim, &later).into_iter().find(|n| n["state"] == "delivered"));
    let first = notifications(&sim, &out_trade_no);
    assert_eq!(first[0]["attempt_count"], 2);
    assert_eq!(listener.bodies.lock().unwrap().len(), 3);
}

#[test]
fn refund_notification_decrypted() {
    let sim = Sim::start(&["--notify-scale", "0.001"]);
    let (client, _) = make_client(&sim, &[]);
    let handler_client = Arc::new(make_client(&sim, &[]).0);
    let infos: Arc<Mutex<Vec<wxpay::Fields>>> = Arc::default();
    let (c, infos2) = (handler_client.clone(), infos.clone());
    let listener = Listener::start(move |body| match c.refund_notification(body) {
        Ok(n) => {
            infos2.lock().unwrap().push(n.info);
            wxpay::notify::reply(true, None).unwrap()
        }
        // The payment notification of the order comes first.
        Err(_) => match c.payment_notification(body) {
            Ok(_) => wxpay::notify::reply(true, None).unwrap(),
            Err(e) => wxpay::notify::reply(false, Some(e.message())).unwrap(),
        },
    });
    let out_trade_no = no("R");
    let paid = client
        .request(
            "pay/micropay",
            &[
                ("body", "tea"),
                ("out_trade_no", out_trade_no.as_str()),
                ("total_fee", "3"),
                ("spbill_create_ip", "127.0.0.1"),
                ("auth_code", "130000000000000001"),
            ],
        )
        .unwrap();
    assert_eq!(paid.get("out_trade_no"), Some(out_trade_no.as_str()));
    let out_refund_no = no("RF");
    client
        .request(
            "secapi/pay/refund",
            &[
                ("out_trade_no", out_trade_no.as_str()),
                ("out_refund_no", out_refund_no.as_str()),
                ("total_fee", "3"),
                ("refund_fee", "2"),
                ("notify_url", listener.url.as_str()),
            ],
        )
        .unwrap();
    let info = eventually(30, || infos.lock().unwrap().first().cloned());
    assert_eq!(info.get("out_refund_no"), Some(out_refund_no.as_str()));
    assert_eq!(info.get("out_trade_no"), Some(out_trade_no.as_str()));
    assert_eq!(info.get("refund_fee"), Some("2"));
    assert!(info.get("refund_recv_accout").is_some_and(|v| !v.is_empty()));
    // The same body decrypted with another key: a clear, distinct error.
    let body = listener.bodies.lock().unwrap().last().cloned().unwrap();
    let other = ApiKey::new(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345").unwrap();
    let merchant = wxpay::notify::Merchant { key: &other, appid: Some(APPID), mch_id: MCH_ID, sub_mch_id: None };
    let e = wxpay::notify::refund_notification(&body, 1 << 20, &merchant).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::DecryptFailed);
}

fn micropay(client: &Client, auth_code: &str) -> wxpay::micropay::MicropayOutcome {
    let out_trade_no = no("M");
    client
        .micropay(
            &[
                ("body", "tea"),
                ("out_trade_no", out_trade_no.as_str()),
                ("total_fee", "1"),
                ("spbill_create_ip", "127.0.0.1"),
                ("auth_code", auth_code),
            ],
            &fast(),
        )
        .unwrap()
}

fn outcomes(steps: &[Step]) -> Vec<(&str, String)> {
    steps.iter().map(|s| (s.path, s.outcome().to_owned())).collect()
}

#[test]
fn micropay_userpaying_then_paid_timeout_then_reversed() {
    let sim = Sim::start(&[]);
    let (client, _) = make_client(&sim, &[]);

    let paid = micropay(&client, "134600000000000001");
    assert_eq!(paid.state, MicropayState::Paid);
    assert_eq!(
        outcomes(&paid.steps),
        [("pay/micropay", "USERPAYING".into()), ("pay/orderquery", "USERPAYING".into()), ("pay/orderquery", "SUCCESS".into())]
    );
    assert!(paid.fields.get("transaction_id").is_some());

    let reversed = micropay(&client, "134700000000000001");
    assert_eq!(reversed.state, MicropayState::Reversed);
    let last = reversed.steps.last().unwrap();
    assert_eq!((last.path, last.outcome()), ("secapi/pay/reverse", "SUCCESS"));
    assert!(reversed.steps.iter().filter(|s| s.path == "pay/orderquery").count() >= 1);
    assert_eq!(reversed.fields.get("recall"), Some("N"));

    // recall=Y first, then reversed.
    let recalled = micropay(&client, "134500000000000001");
    assert_eq!(recalled.state, MicropayState::Reversed);
    let reverses: Vec<String> =
        recalled.steps.iter().filter(|s| s.path == "secapi/pay/reverse").map(|s| s.outcome().to_owned()).collect();
    assert_eq!(reverses, ["SYSTEMERROR", "SUCCESS"]);

    // A lost answer (SYSTEMERROR, yet paid): the first query finds it paid.
    let lost = micropay(&client, "134200000000000001");
    assert_eq!(lost.state, MicropayState::Paid);
    assert_eq!(outcomes(&lost.steps)[0], ("pay/micropay", "SYSTEMERROR".into()));

    let failed = micropay(&client, "134000000000000001");
    assert_eq!(failed.state, MicropayState::Failed);
    assert_eq!(failed.fields.get("err_code"), Some("NOTENOUGH"));
    assert_eq!(failed.steps.len(), 1);
}

#[test]
fn sandbox_key_fetched_once_and_reused() {
    let sim = Sim::start(&[]);
    let (client, lines) = make_client(&sim, &[("sandbox", "true"), ("sign_type", "HMAC-SHA256")]);
    let client = Arc::new(client);
    assert!(client.is_sandbox());
    // Sandbox notifications are signed with the sandbox key; the sandbox
    // client verifies them with its cached key.
    let verdicts: Arc<Mutex<Vec<Result<bool, ErrorKind>>>> = Arc::default();
    let (c, v) = (client.clone(), verdicts.clone());
    let listener = Listener::start(move |body| {
        let verdict = c.payment_notification(body).map(|n| n.paid).map_err(|e| e.kind());
        v.lock().unwrap().push(verdict);
        wxpay::notify::reply(verdict.is_ok(), None).unwrap()
    });
    let mut nos = Vec::new();
    for _ in 0..3 {
        let out_trade_no = no("S");
        let r = client
            .request(
                "pay/micropay",
                &[
                    ("body", "tea"),
                    ("out_trade_no", out_trade_no.as_str()),
                    ("total_fee", "1"),
                    ("spbill_create_ip", "127.0.0.1"),
                    ("auth_code", "130000000000000002"),
                    ("notify_url", listener.url.as_str()),
                ],
            )
            .unwrap();
        assert_eq!(r.get("out_trade_no"), Some(out_trade_no.as_str()));
        nos.push(out_trade_no);
    }
    let q = client.request("pay/orderquery", &[("out_trade_no", nos[0].as_str())]).unwrap();
    assert_eq!(q.get("trade_state"), Some("SUCCESS"));
    eventually(30, || (verdicts.lock().unwrap().len() == 3).then_some(()));
    assert_eq!(*verdicts.lock().unwrap(), [Ok(true), Ok(true), Ok(true)]);
    let body = listener.bodies.lock().unwrap()[0].clone();
    let production = make_client(&sim, &[]).0;
    assert_eq!(production.payment_notification(&body).unwrap_err().kind(), ErrorKind::SignatureMismatch);
    let log = lines.lock().unwrap().clone();
    let fetched = log.iter().filter(|(_, m)| m.starts_with("xdc/apiv2getsignkey/sign/getsignkey: SUCCESS")).count();
    assert_eq!(fetched, 1, "{log:?}");
    assert!(log.iter().any(|(_, m)| m.starts_with("xdc/apiv2sandbox/pay/micropay: SUCCESS")));
    // The orders are the sandbox's, not production's.
    let sandbox_orders = sim.control("GET", "/sim/orders?sandbox=1");
    let production_orders = sim.control("GET", "/sim/orders");
    let has = |v: &serde_json::Value| v.as_array().unwrap().iter().any(|o| o["out_trade_no"] == nos[0].as_str());
    assert!(has(&sandbox_orders) && !has(&production_orders));
    // A cached key the sandbox no longer knows is forgotten on request and fetched again.
    client.forget_sandbox_key();
    client.request("pay/orderquery", &[("out_trade_no", nos[1].as_str())]).unwrap();
    let fetches = || lines.lock().unwrap().iter().filter(|(_, m)| m.starts_with("xdc/apiv2getsignkey/sign/getsignkey: SUCCESS")).count();
    assert_eq!(fetches(), 2);
    // return_code=FAIL with a cached key (as when the sandbox has rotated
    // it): fetched again and retried once, transparently.
    sim.control("POST", "/sim/fault?kind=returnfail&path=xdc/apiv2sandbox/pay/orderquery&count=1");
    let q = client.request("pay/orderquery", &[("out_trade_no", nos[2].as_str())]).unwrap();
    assert_eq!(q.get("trade_state"), Some("SUCCESS"));
    assert_eq!(fetches(), 3);
    assert!(lines.lock().unwrap().iter().any(|(l, m)| *l == LogLevel::Warn && m.contains("cached sandbox key")));
    // A failure that persists is reported after that one retry.
    sim.control("POST", "/sim/fault?kind=returnfail&path=xdc/apiv2sandbox/pay/orderquery&count=2");
    let e = client.request("pay/orderquery", &[("out_trade_no", nos[2].as_str())]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ProtocolFail);
    assert_eq!(fetches(), 4);
    let q = client.request("pay/orderquery", &[("out_trade_no", nos[2].as_str())]).unwrap();
    assert_eq!(q.get("trade_state"), Some("SUCCESS"));
    assert_eq!(fetches(), 4);
}

/// Today in Beijing time as yyyyMMdd (the bill date the simulator keys on).
fn beijing_today() -> String {
    let today = time::OffsetDateTime::now_utc().to_offset(time::macros::offset!(+8));
    today.format(time::macros::format_description!("[year][month][day]")).unwrap()
}

#[test]
fn downloaded_bill_parsed_to_rows() {
    let sim = Sim::start(&[]);
    let (client, _) = make_client(&sim, &[]);
    let mut nos = Vec::new();
    for fee in ["101", "205"] {
        let out_trade_no = no("B");
        client
            .request(
                "pay/micropay",
                &[
                    ("body", "tea, green"),
                    ("out_trade_no", out_trade_no.as_str()),
                    ("total_fee", fee),
                    ("spbill_create_ip", "127.0.0.1"),
                    ("auth_code", "130000000000000003"),
                ],
            )
            .unwrap();
        nos.push(out_trade_no);
    }
    let date = beijing_today();
    for gzip in [false, true] {
        let mut fields = vec![("bill_date", date.as_str()), ("bill_type", "ALL")];
        if gzip {
            fields.push(("tar_type", "GZIP"));
        }
        let bill = client.download_bill("pay/downloadbill", &fields).unwrap();
        assert_eq!(bill.rows.columns.len(), 27);
        assert_eq!(bill.rows.rows.len(), 2);
        let records: Vec<Vec<(&str, &str)>> = bill.rows.records().collect();
        let get = |r: &Vec<(&str, &str)>, name: &str| r.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string()).unwrap();
        let mut got: Vec<(String, String, String)> =
            records.iter().map(|r| (get(r, "商户订单号"), get(r, "应结订单金额"), get(r, "交易状态"))).collect();
        got.sort();
        let mut expected = vec![
            (nos[0].clone(), "1.01".to_owned(), "SUCCESS".to_owned()),
            (nos[1].clone(), "2.05".to_owned(), "SUCCESS".to_owned()),
        ];
        expected.sort();
        assert_eq!(got, expected);
        assert_eq!(bill.summary.columns[0], "总交易单数");
        assert_eq!(bill.summary.rows, [bill.summary.rows[0].clone()]);
        assert_eq!(bill.summary.rows[0][0], "2");
        assert_eq!(bill.summary.rows[0][1], "3.06");
    }
    // No bill that day: the XML failure, typed.
    let e = client.download_bill("pay/downloadbill", &[("bill_date", "20000101")]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ProtocolFail);
}

/// A record's cell under `name`; panics naming the column when the bill has none.
fn cell<'a>(record: &[(&'a str, &'a str)], name: &str) -> &'a str {
    record.iter().find(|(k, _)| *k == name).map(|(_, v)| *v).unwrap_or_else(|| panic!("no column {name}"))
}

#[test]
fn each_bill_type_has_its_own_layout() {
    let sim = Sim::start(&[]);
    let (client, _) = make_client(&sim, &[]);
    let out_trade_no = no("BT");
    client
        .request(
            "pay/micropay",
            &[
                ("body", "tea"),
                ("out_trade_no", out_trade_no.as_str()),
                ("total_fee", "300"),
                ("spbill_create_ip", "127.0.0.1"),
                ("auth_code", "130000000000000003"),
            ],
        )
        .unwrap();
    // Bills write whole seconds: a later second tells the payment's time from the refund's.
    std::thread::sleep(Duration::from_millis(1100));
    let out_refund_no = no("BR");
    let refund = client
        .request(
            "secapi/pay/refund",
            &[
                ("out_trade_no", out_trade_no.as_str()),
                ("out_refund_no", out_refund_no.as_str()),
                ("total_fee", "300"),
                ("refund_fee", "120"),
            ],
        )
        .unwrap();
    let refund_id = refund.get("refund_id").unwrap().to_owned();
    let query = client.request("pay/refundquery", &[("out_refund_no", out_refund_no.as_str())]).unwrap();
    let refunded_at = query.get("refund_success_time_0").unwrap().to_owned();
    let date = beijing_today();
    let download = |bill_type: &str| {
        client.download_bill("pay/downloadbill", &[("bill_date", date.as_str()), ("bill_type", bill_type)]).unwrap()
    };

    let success = download("SUCCESS");
    assert_eq!(success.rows.columns.len(), 20);
    assert!(!success.rows.columns.iter().any(|c| c.contains("退款")), "{:?}", success.rows.columns);
    let paid: Vec<Vec<(&str, &str)>> = success.rows.records().collect();
    assert_eq!(paid.len(), 1, "the SUCCESS bill has no refund row");
    assert_eq!((cell(&paid[0], "商户订单号"), cell(&paid[0], "交易状态")), (out_trade_no.as_str(), "SUCCESS"));
    assert_eq!(cell(&paid[0], "应结订单金额"), "3.00");
    let paid_at = cell(&paid[0], "交易时间");
    assert_ne!(paid_at, refunded_at);

    let refunds = download("REFUND");
    assert_eq!(refunds.rows.columns.len(), 29);
    let rows: Vec<Vec<(&str, &str)>> = refunds.rows.records().collect();
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    assert_eq!((cell(r, "商户订单号"), cell(r, "交易状态")), (out_trade_no.as_str(), "REFUND"));
    assert_eq!(cell(r, "交易时间"), paid_at);
    assert_eq!(cell(r, "退款申请时间"), refunded_at);
    assert_eq!(cell(r, "退款成功时间"), refunded_at);
    assert_eq!(cell(r, "微信退款单号"), refund_id);
    assert_eq!(cell(r, "商户退款单号"), out_refund_no);
    assert_eq!(cell(r, "退款金额"), "1.20");
    assert_eq!(cell(r, "退款状态"), "SUCCESS");

    let all = download("ALL");
    assert_eq!(all.rows.columns.len(), 27);
    assert!(!all.rows.columns.iter().any(|c| c == "退款申请时间"));
    let rows: Vec<Vec<(&str, &str)>> = all.rows.records().collect();
    assert_eq!(rows.len(), 2);
    let r = rows.iter().find(|r| cell(r, "交易状态") == "REFUND").unwrap();
    assert_eq!((cell(r, "微信退款单号"), cell(r, "退款金额")), (refund_id.as_str(), "1.20"));
    assert_eq!(cell(r, "交易时间"), refunded_at);

    for bill in [&success, &refunds, &all] {
        assert_eq!(bill.summary.columns.len(), 7);
        assert_eq!(bill.summary.rows.len(), 1);
    }
    assert_eq!((success.summary.rows[0][0].as_str(), success.summary.rows[0][2].as_str()), ("1", "0.00"));
    assert_eq!((refunds.summary.rows[0][0].as_str(), refunds.summary.rows[0][2].as_str()), ("1", "1.20"));

    // The failures carry WeChat's error_code: 20002 for a day without bills, 20001 for a bad parameter.
    for (bill_date, bill_type, code, msg) in [
        ("20000101", "ALL", "20002", "No Bill Exist"),
        ("20231345", "ALL", "20001", "invalid bill_date"),
        (date.as_str(), "DAILY", "20001", "invalid bill_type (ALL, SUCCESS or REFUND)"),
    ] {
        let e = client
            .download_bill("pay/downloadbill", &[("bill_date", bill_date), ("bill_type", bill_type)])
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::ProtocolFail, "{bill_date} {bill_type}");
        let response = e.response().unwrap();
        assert_eq!((response.get("error_code"), response.get("return_msg")), (Some(code), Some(msg)));
    }
}
