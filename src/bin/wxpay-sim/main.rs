//! wxpay-sim: a local WeChat Pay API v2 simulator for merchants' offline
//! integration tests. See `--help` and docs/simulator.md.

mod app;
mod bill;
mod certs;
mod clock;
mod config;
mod control;
mod coupon;
mod endpoints;
mod faults;
mod json;
mod messages;
mod misc;
mod notify;
mod papay;
mod payout;
mod protocol;
mod redpack;
mod refund;
mod reply;
mod scan;
mod server;
mod split;
mod store;
mod tls;
mod trade;

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::watch;

use crate::app::App;
use crate::config::{Command, Config};

fn main() -> ExitCode {
    let config = match config::parse(std::env::args().skip(1)) {
        Ok(Command::Run(c)) => c,
        Ok(Command::Help) => {
            print!("{}", config::HELP);
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("wxpay-sim: {e}");
            return ExitCode::from(2);
        }
    };
    match run(config) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("wxpay-sim: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(config: Config) -> Result<(), String> {
    // RC2-40 (the legacy .p12) lives in OpenSSL 3's legacy provider; keeping
    // the default provider as fallback leaves everything else as it was.
    let _legacy = openssl::provider::Provider::try_load(None, "legacy", true)
        .map_err(|e| format!("cannot load OpenSSL's legacy provider (needed for the RC2-40 .p12): {e}"))?;
    let material = certs::load_or_create(&config.dir, &config.mch_id, config.company.as_deref())?;
    let acceptor = Arc::new(tls::acceptor(&material)?);
    let connector = tls::connector(&material)?;
    let sandbox_key = wxpay::nonce::nonce()
        .and_then(|n| wxpay::ApiKey::new(n.as_bytes()))
        .map_err(|e| format!("cannot make the sandbox key: {e}"))?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
        let addr = listener.local_addr().map_err(|e| format!("cannot read the bound address: {e}"))?;
        let (shutdown, shutdown_rx) = watch::channel(false);
        let started = Instant::now();
        let payout_key = payout::PayoutKey::generate()?;
        let app = Arc::new(App {
            mch_id: config.mch_id.clone(),
            appid: config.appid.clone(),
            key: config.key.clone(),
            sandbox_key,
            micropay_polls: config.micropay_polls,
            payout_key,
            store: Default::default(),
            ids: store::Ids::new(),
            faults: Default::default(),
            notifier: notify::Notifier::new(config.notify_scale, connector, started),
            shutdown,
        });
        announce(&addr, &material, &config);
        tokio::spawn(stop_on_signals(Arc::clone(&app)));
        server::run(app, listener, acceptor, shutdown_rx).await;
        println!("wxpay-sim: stopped");
        let _ = std::io::stdout().flush();
        Ok(())
    })
}

fn announce(addr: &std::net::SocketAddr, m: &certs::Material, c: &Config) {
    let dir = m.dir.display();
    let mut out = std::io::stdout().lock();
    // The first line is a contract with scripts and tests: keep its shape.
    let _ = writeln!(out, "WXPAY_SIM_READY url=https://{addr} dir={dir}");
    let _ = writeln!(out, "wxpay-sim: serving WeChat Pay API v2 on https://{addr}/");
    let made = if m.generated { "made" } else { "reused" };
    let _ = writeln!(out, "wxpay-sim: certificates {made} in {dir}");
    let _ = writeln!(
        out,
        "wxpay-sim:   trust {} as the root CA; client certificate {} / {} + {} (p12 password = mch_id)",
        certs::CA,
        certs::P12,
        certs::CLIENT_CERT,
        certs::CLIENT_KEY
    );
    // The mch id is also the .p12 password, so it is not printed either.
    let _ = writeln!(out, "wxpay-sim: appid={} (mch_id and API key as configured, not shown)", c.appid);
    let _ = writeln!(
        out,
        "wxpay-sim: notification retry scale {}; micropay 1346... codes pay on query {}",
        c.notify_scale, c.micropay_polls
    );
    let _ = writeln!(
        out,
        "wxpay-sim: control endpoints under https://{addr}/sim/ ; stop with Ctrl-C or POST /sim/shutdown"
    );
    let _ = out.flush();
}

async fn stop_on_signals(app: Arc<App>) {
    use tokio::signal::unix::{SignalKind, signal};
    let term = signal(SignalKind::terminate());
    let int = signal(SignalKind::interrupt());
    match (term, int) {
        (Ok(mut term), Ok(mut int)) => {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
            app.request_shutdown();
        }
        _ => eprintln!("wxpay-sim: cannot watch SIGINT/SIGTERM; stop with POST /sim/shutdown"),
    }
}
