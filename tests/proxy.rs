//! The client through an HTTP CONNECT proxy on loopback: requests go through
//! the tunnel with TLS verified end to end (mutual TLS included), proxy
//! credentials are sent and never shown, and a proxy does not weaken the
//! server certificate check. The environment variables are tested in
//! tests/proxy_env.rs, a process of their own.

#[path = "sim/harness.rs"]
#[allow(dead_code)]
mod harness;
#[path = "sim/proxy.rs"]
mod proxy;


use harness::{Sim, no};
use proxy::Proxy;
use wxpay::client::{Config, Proxy as ProxySetting};
use wxpay::{Client, ErrorKind};

fn config(sim: &Sim, proxy: &str) -> Config {
    let mut c = sim.cert_config();
    c.set("proxy", proxy).unwrap();
    c
}

fn order_and_refund(client: &Client) -> wxpay::Result<()> {
    let out_trade_no = no("PX");
    client.request(
        "pay/unifiedorder",
        &[
            ("body", "wxpay test"),
            ("out_trade_no", &out_trade_no),
            ("total_fee", "101"),
            ("spbill_create_ip", "127.0.0.1"),
            ("notify_url", "http://127.0.0.1:9/notify"),
            ("trade_type", "NATIVE"),
            ("product_id", "p1"),
        ],
    )?;
    client.request("secapi/pay/reverse", &[("out_trade_no", &out_trade_no)])?;
    Ok(())
}

#[test]
fn requests_go_through_the_proxy_with_mutual_tls_end_to_end() {
    let sim = Sim::start(&[]);
    let proxy = Proxy::start(None);
    let client = Client::new(&config(&sim, &format!("http://127.0.0.1:{}", proxy.port))).unwrap();
    order_and_refund(&client).unwrap();
    let tunnels = proxy.tunnels();
    assert!(!tunnels.is_empty(), "no tunnel was opened");
    assert!(tunnels.iter().all(|t| *t == format!("127.0.0.1:{}", sim.port)), "{tunnels:?}");
}

#[test]
fn proxy_credentials_are_sent_and_never_shown() {
    let sim = Sim::start(&[]);
    let proxy = Proxy::start(Some("merchant:proxy-Secret-77"));
    let good = format!("http://merchant:proxy-Secret-77@127.0.0.1:{}", proxy.port);
    let client = Client::new(&config(&sim, &good)).unwrap();
    order_and_refund(&client).unwrap();
    assert_eq!(proxy.refused(), 0);
    assert!(!format!("{:?}", config(&sim, &good)).contains("Secret"));

    let wrong = format!("http://merchant:wrong-Secret-88@127.0.0.1:{}", proxy.port);
    let err = order_and_refund(&Client::new(&config(&sim, &wrong)).unwrap()).unwrap_err();
    assert_eq!(proxy.refused(), 1);
    assert!(!err.to_string().contains("Secret"), "{err}");

    // A proxy that is not there: a connection error, still without the password.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = dead.local_addr().unwrap().port();
    drop(dead);
    let gone = format!("http://merchant:gone-Secret-99@127.0.0.1:{port}");
    let err = order_and_refund(&Client::new(&config(&sim, &gone)).unwrap()).unwrap_err();
    assert!(!err.to_string().contains("Secret"), "{err}");
    assert!(!format!("{err:?}").contains("Secret"), "{err:?}");
}

#[test]
fn a_proxy_does_not_weaken_the_server_certificate_check() {
    let sim = Sim::start(&[]);
    let proxy = Proxy::start(None);
    let mut c = config(&sim, &format!("http://127.0.0.1:{}", proxy.port));
    c.set_root_ca(&sim.file("client_ca.pem")); // a CA that did not sign the server's certificate
    let err = order_and_refund(&Client::new(&c).unwrap()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Tls, "{err}");
    assert_eq!(proxy.tunnels().len(), 1, "the tunnel was opened, the handshake refused");
}

#[test]
fn proxy_values_are_checked_without_quoting_credentials() {
    for bad in ["socks5://127.0.0.1:1080", "not a url", "http://u:pw-Secret@127.0.0.1:3128/path", "ftp://h:1"] {
        let err = ProxySetting::parse(bad).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{bad}");
        assert!(!err.to_string().contains("Secret"), "{err}");
    }
    assert_eq!(ProxySetting::parse("none").unwrap(), ProxySetting::Direct);
    assert_eq!(ProxySetting::parse("environment").unwrap(), ProxySetting::Environment);
    let p = ProxySetting::parse("http://u:pw-Secret@proxy.example:3128").unwrap();
    assert_eq!(format!("{p:?}"), "Url(http://proxy.example:3128)");
}
