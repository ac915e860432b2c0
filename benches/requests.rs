//! Requests per second against the simulator over loopback TLS: one client
//! reusing its keep-alive connections, beside a new client (so a new TCP
//! connection and TLS handshake) for every request, in the same run.
//!
//! Run: `cargo bench --bench requests` (or `make bench`). Not a test: it
//! asserts nothing about speed.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use wxpay::client::{Config, Host};
use wxpay::{ApiKey, Client};

fn main() {
    let tmp = std::env::temp_dir().join(format!("wxpay-bench-sim-{}", std::process::id()));
    let mut sim = Command::new(env!("CARGO_BIN_EXE_wxpay-sim"))
        .arg("--dir")
        .arg(&tmp)
        .stdout(Stdio::piped())
        .spawn()
        .expect("start wxpay-sim");
    let mut lines = BufReader::new(sim.stdout.take().expect("piped stdout")).lines();
    let ready = lines.next().and_then(Result::ok).expect("READY line");
    std::thread::spawn(move || for _ in lines {});
    let url = ready
        .strip_prefix("WXPAY_SIM_READY url=")
        .and_then(|r| r.split_once(" dir="))
        .map(|(u, _)| u.to_owned())
        .expect("READY line format");

    let mut config = Config::new();
    // Each variant below reuses this configuration.
    config
        .set_appid("wx2421b1c4370ec43b")
        .and_then(|c| c.set_mch_id("1900000109"))
        .expect("identity");
    config.set_api_key(ApiKey::new(b"192006250b4c09247ec02edce69f6a2d").expect("key"));
    config.set_host(Host::parse(&url).expect("url"));
    config.set_root_ca(&std::fs::read(tmp.join("ca.pem")).expect("ca.pem"));
    config.set_p12(&std::fs::read(tmp.join("apiclient_cert.p12")).expect("p12"), None);

    let query = [("out_trade_no", "BENCH-1")];
    let shared = Client::new(&config).expect("client");
    shared
        .request(
            "pay/unifiedorder",
            &[
                ("body", "bench"),
                ("out_trade_no", "BENCH-1"),
                ("total_fee", "1"),
                ("spbill_create_ip", "127.0.0.1"),
                ("notify_url", "http://127.0.0.1:9/n"),
                ("trade_type", "NATIVE"),
                ("product_id", "p"),
            ],
        )
        .expect("order");

    let run = |label: &str, n: usize, once: &dyn Fn()| {
        for _ in 0..n / 10 {
            once();
        }
        let started = Instant::now();
        for _ in 0..n {
            once();
        }
        let took = started.elapsed();
        let rps = n as f64 / took.as_secs_f64();
        println!("{label:<44} {n:>6} requests  {:>8.0} req/s  {:>8.1} µs/request", rps, per(took, n));
        rps
    };
    println!("wxpay requests against wxpay-sim over loopback TLS (pay/orderquery, MD5, signed both ways)");
    let reuse = run("one client, keep-alive connection", 3000, &|| {
        shared.request("pay/orderquery", &query).expect("query");
    });
    config.set_keep_alive(false);
    let no_reuse = Client::new(&config).expect("client");
    let fresh = run("keep_alive=false: new TCP + TLS handshake each", 1000, &|| {
        no_reuse.request("pay/orderquery", &query).expect("query");
    });
    let rebuilt = run("a new client per request (what some SDKs do)", 100, &|| {
        Client::new(&config).expect("client").request("pay/orderquery", &query).expect("query");
    });
    println!("keep-alive: {:.1}x the throughput of a new connection per request", reuse / fresh);
    println!("keep-alive: {:.0}x the throughput of a new client per request", reuse / rebuilt);
    let _ = sim.kill();
    let _ = sim.wait();
    let _ = std::fs::remove_dir_all(&tmp);
}

fn per(took: Duration, n: usize) -> f64 {
    took.as_secs_f64() * 1e6 / n as f64
}
