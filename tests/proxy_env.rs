//! The default proxy setting reads `HTTPS_PROXY` and `NO_PROXY` when the
//! client is made; `none` ignores them. A test binary of its own: it
//! changes the process's environment.

#[path = "sim/harness.rs"]
#[allow(dead_code)]
mod harness;
#[path = "sim/proxy.rs"]
#[allow(dead_code)]
mod proxy;

use harness::{APPID, MCH_ID, Sim, key};
use proxy::Proxy;
use wxpay::Client;
use wxpay::client::{Config, Host};

fn client(sim: &Sim, proxy: Option<&str>) -> Client {
    let mut c = Config::new();
    c.set_appid(APPID).unwrap().set_mch_id(MCH_ID).unwrap().set_api_key(key());
    c.set_host(Host::parse(&format!("https://127.0.0.1:{}", sim.port)).unwrap());
    c.set_root_ca(&sim.file("ca.pem"));
    if let Some(p) = proxy {
        c.set("proxy", p).unwrap();
    }
    Client::new(&c).unwrap()
}

fn query(client: &Client) {
    let err = client.request("pay/orderquery", &[("out_trade_no", "NO-SUCH-ORDER")]).unwrap_err();
    assert!(err.to_string().contains("ORDERNOTEXIST"), "{err}");
}

#[test]
fn the_environment_decides_by_default_and_none_ignores_it() {
    let sim = Sim::start(&[]);
    let proxy = Proxy::start(None);
    // SAFETY: this is the binary's only test; nothing else reads the environment meanwhile.
    unsafe {
        for name in ["https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"] {
            std::env::remove_var(name);
        }
        std::env::set_var("HTTPS_PROXY", format!("http://127.0.0.1:{}", proxy.port));
    }
    query(&client(&sim, None));
    assert_eq!(proxy.tunnels().len(), 1, "the default setting did not use HTTPS_PROXY");
    query(&client(&sim, Some("environment")));
    assert_eq!(proxy.tunnels().len(), 2);
    query(&client(&sim, Some("none")));
    assert_eq!(proxy.tunnels().len(), 2, "`none` went through the proxy");

    // SAFETY: as above.
    unsafe { std::env::set_var("NO_PROXY", "127.0.0.1") };
    query(&client(&sim, None));
    assert_eq!(proxy.tunnels().len(), 2, "NO_PROXY was not honoured");
}
