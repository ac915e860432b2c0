//! The main job: the whole merchant flow against the built-in simulator.
//!
//! Starts `wxpay-sim` (built beside this example), then: a NATIVE unified
//! order with a notify_url served by this program, a query, the user "pays"
//! (the simulator's control call), the payment notification arrives and is
//! verified and answered, a query shows the payment, a refund over mutual TLS
//! with the merchant certificate (the legacy RC2-40 `.p12`), and the
//! simulator's delivery log shows it stopped retrying once answered. Then
//! the simulator is stopped.
//!
//! Run: `make demo` (or `cargo run --release --example demo`).

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use std::sync::Arc;

use wxpay::client::{Config, Host};
use wxpay::log::{LogLevel, Logger};
use wxpay::micropay::MicropayOptions;
use wxpay::pay_params::PayKind;
use wxpay::{ApiKey, Client, Fields, notify};

const KEY: &str = "192006250b4c09247ec02edce69f6a2d";
const MCH_ID: &str = "1900000109";
const APPID: &str = "wx2421b1c4370ec43b";

type Demo<T> = Result<T, Box<dyn std::error::Error>>;

fn main() -> Demo<()> {
    let mut sim = Simulator::start()?;
    let result = run(&sim);
    sim.stop();
    result
}

fn run(sim: &Simulator) -> Demo<()> {
    println!("== simulator at {} (certificates in {})", sim.url, sim.dir.display());

    let mut config = Config::new();
    config.set_appid(APPID)?.set_mch_id(MCH_ID)?;
    config.set_api_key(ApiKey::new(KEY.as_bytes())?);
    config.set_host(Host::parse(&sim.url)?);
    config.set_root_ca(&std::fs::read(sim.dir.join("ca.pem"))?);
    // The old RC2-40 file that OpenSSL 3 cannot read without its legacy
    // provider; the password defaults to the merchant ID.
    config.set_p12(&std::fs::read(sim.dir.join("apiclient_cert_legacy.p12"))?, None);
    config.set_logger(Some(Logger::new(LogLevel::Info, |level, msg| println!("   [wxpay {}] {msg}", level.as_str()))));
    let client = Arc::new(Client::new(&config)?);
    let notifications = NotifyListener::start(Arc::clone(&client))?;
    println!("== notify_url served by this demo: {}", notifications.url("pay"));

    let out_trade_no = format!("DEMO{}", std::process::id());
    println!("\n== 1. unified order {out_trade_no} (NATIVE, 1.01 CNY)");
    let order = client.request(
        "pay/unifiedorder",
        &[
            ("body", "wxpay demo: 腾讯充值中心-QQ会员充值"),
            ("out_trade_no", out_trade_no.as_str()),
            ("total_fee", "101"),
            ("spbill_create_ip", "127.0.0.1"),
            ("notify_url", notifications.url("pay").as_str()),
            ("trade_type", "NATIVE"),
            ("product_id", "vip-1m"),
        ],
    )?;
    show(&order, &["result_code", "prepay_id", "code_url"]);
    let prepay_id = order.get("prepay_id").unwrap_or_default().to_owned();

    println!("\n== 2. parameters for the mini-program's wx.requestPayment, from the prepay_id");
    let params = client.pay_params(PayKind::Jsapi, &prepay_id, None, None, None)?;
    show(&params, &["appId", "timeStamp", "nonceStr", "package", "signType", "paySign"]);

    println!("\n== 3. order query before payment");
    let query = [("out_trade_no", out_trade_no.as_str())];
    show(&client.request("pay/orderquery", &query)?, &["trade_state", "trade_state_desc"]);

    println!("\n== 4. the user pays (simulator control call); WeChat notifies notify_url");
    sim.control(&format!("/sim/pay?out_trade_no={out_trade_no}"))?;
    let (body, paid) = notifications.next_payment(Duration::from_secs(30))?;
    println!("   the notification was verified and answered SUCCESS");
    show(&paid, &["result_code", "out_trade_no", "transaction_id", "total_fee", "time_end"]);

    println!("\n== 5. order query after payment");
    show(&client.request("pay/orderquery", &query)?, &["trade_state", "transaction_id", "cash_fee"]);

    println!("\n== 6. refund 0.50 CNY with the merchant certificate (mutual TLS)");
    let refund = client.request(
        "secapi/pay/refund",
        &[
            ("out_trade_no", out_trade_no.as_str()),
            ("out_refund_no", format!("R{out_trade_no}").as_str()),
            ("total_fee", "101"),
            ("refund_fee", "50"),
            ("notify_url", notifications.url("refund").as_str()),
        ],
    )?;
    show(&refund, &["result_code", "refund_id", "refund_fee"]);
    let refunded = notifications.next_refund(Duration::from_secs(30))?;
    println!("   refund notification decrypted (AES-256-ECB, key = MD5 of the API key):");
    show(&refunded, &["out_refund_no", "refund_status", "refund_fee", "refund_recv_accout"]);

    println!("\n== 7. payment code (micropay): the user is still entering the password");
    let micro = client.micropay(
        &[
            ("body", "wxpay demo: counter"),
            ("out_trade_no", format!("M{out_trade_no}").as_str()),
            ("total_fee", "200"),
            ("spbill_create_ip", "127.0.0.1"),
            ("auth_code", "134600000000000001"),
        ],
        &MicropayOptions {
            poll_interval: Duration::from_millis(200),
            poll_deadline: Duration::from_secs(5),
            ..MicropayOptions::default()
        },
    )?;
    for step in &micro.steps {
        let state = step.response.as_ref().and_then(|r| r.get("trade_state").or(r.get("err_code")).or(r.get("result_code")));
        println!("   {:>5} ms  {:<20} {}", step.elapsed.as_millis(), step.path, state.unwrap_or("-"));
    }
    println!("   final state: {:?}", micro.state);

    println!("\n== 8. today's bill, downloaded and parsed");
    // Bills are dated in Beijing time, as the payment's time_end is.
    let today = paid.get("time_end").and_then(|t| t.get(..8)).unwrap_or_default().to_owned();
    let bill = client.download_bill("pay/downloadbill", &[("bill_date", today.as_str()), ("bill_type", "ALL")])?;
    for record in bill.rows.records() {
        let get = |name: &str| record.iter().find(|(k, _)| *k == name).map_or("", |(_, v)| *v);
        println!("   {}  {}  {} CNY", get("商户订单号"), get("交易状态"), get("应结订单金额"));
    }
    if let Some(totals) = bill.summary.records().next() {
        println!("   summary: {}", totals.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", "));
    }

    println!("\n== 9. the simulator's delivery log for this order");
    let log = sim.control_get(&format!("/sim/notifications?out_trade_no={out_trade_no}"))?;
    println!("   {log}");

    println!("\n== 10. a forged notification is refused");
    let forged = String::from_utf8_lossy(&body).replace("<total_fee><![CDATA[101]]>", "<total_fee><![CDATA[1]]>");
    match client.payment_notification(forged.as_bytes()) {
        Err(e) => println!("   refused: {e}"),
        Ok(_) => return Err("a forged notification verified".into()),
    }
    println!("\n== demo finished");
    Ok(())
}

fn show(fields: &Fields, names: &[&str]) {
    for name in names {
        if let Some(v) = fields.get(name) {
            println!("   {name} = {v}");
        }
    }
}

/// The simulator as a child process, stopped on drop.
struct Simulator {
    child: Child,
    url: String,
    dir: PathBuf,
    http: reqwest::blocking::Client,
}

impl Simulator {
    fn start() -> Demo<Simulator> {
        let exe = std::env::current_exe()?;
        let bin = exe
            .ancestors()
            .nth(2)
            .map(|release| release.join("wxpay-sim"))
            .filter(|p| p.exists())
            .ok_or("wxpay-sim is not built: run `make demo` or `cargo build --release --features sim`")?;
        let dir = Path::new("target").join("demo-sim");
        let mut child = Command::new(bin)
            .arg("--dir")
            .arg(&dir)
            .args(["--notify-scale", "0.01"])
            .stdout(Stdio::piped())
            .spawn()?;
        let mut lines = BufReader::new(child.stdout.take().ok_or("no stdout")?).lines();
        let ready = lines.next().ok_or("the simulator exited")??;
        std::thread::spawn(move || for _ in lines {});
        let rest = ready.strip_prefix("WXPAY_SIM_READY url=").ok_or("unexpected first line")?;
        let (url, dir) = rest.split_once(" dir=").ok_or("unexpected first line")?;
        let ca = reqwest::Certificate::from_pem(&std::fs::read(Path::new(dir).join("ca.pem"))?)?;
        let http = reqwest::blocking::Client::builder().tls_certs_merge([ca]).build()?;
        Ok(Simulator { child, url: url.to_owned(), dir: PathBuf::from(dir), http })
    }

    fn control(&self, path: &str) -> Demo<String> {
        Ok(self.http.post(format!("{}{path}", self.url)).send()?.error_for_status()?.text()?)
    }

    fn control_get(&self, path: &str) -> Demo<String> {
        Ok(self.http.get(format!("{}{path}", self.url)).send()?.error_for_status()?.text()?)
    }

    fn stop(&mut self) {
        let _ = self.control("/sim/shutdown");
        if self.child.wait().is_err() {
            let _ = self.child.kill();
        }
        println!("== simulator stopped");
    }
}

/// A plain-HTTP listener on loopback standing in for the merchant's
/// notify URLs (`/pay` and `/refund`). Each notification is verified (or
/// decrypted) by the library before the answer: SUCCESS, or FAIL so that
/// WeChat would retry. The verified fields go to the demo.
struct NotifyListener {
    base: String,
    payments: mpsc::Receiver<(Vec<u8>, Fields)>,
    refunds: mpsc::Receiver<Fields>,
}

impl NotifyListener {
    fn start(client: Arc<Client>) -> Demo<NotifyListener> {
        let server = tiny_http::Server::http("127.0.0.1:0").map_err(|e| e.to_string())?;
        let port = server.server_addr().to_ip().map(|a| a.port()).ok_or("no port")?;
        let (pay_tx, payments) = mpsc::channel();
        let (refund_tx, refunds) = mpsc::channel();
        std::thread::spawn(move || {
            for mut request in server.incoming_requests() {
                let mut body = Vec::new();
                let _ = request.as_reader().take(1 << 20).read_to_end(&mut body);
                let verdict = if request.url().ends_with("/refund") {
                    client.refund_notification(&body).map(|n| {
                        let _ = refund_tx.send(n.info);
                    })
                } else {
                    client.payment_notification(&body).map(|n| {
                        let _ = pay_tx.send((body.clone(), n.fields));
                    })
                };
                let reply = match verdict {
                    Ok(()) => notify::reply(true, None),
                    Err(e) => notify::reply(false, Some(&e.to_string())),
                };
                let _ = request.respond(tiny_http::Response::from_string(reply.unwrap_or_default()));
            }
        });
        Ok(NotifyListener { base: format!("http://127.0.0.1:{port}/wxpay/notify"), payments, refunds })
    }

    fn url(&self, kind: &str) -> String {
        format!("{}/{kind}", self.base)
    }

    fn next_payment(&self, wait: Duration) -> Demo<(Vec<u8>, Fields)> {
        Ok(self.payments.recv_timeout(wait)?)
    }

    fn next_refund(&self, wait: Duration) -> Demo<Fields> {
        Ok(self.refunds.recv_timeout(wait)?)
    }
}

