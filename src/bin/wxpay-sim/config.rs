//! Command-line flags and the `--help` text.

use std::net::SocketAddr;
use std::path::PathBuf;

use wxpay::ApiKey;

pub const HELP: &str = "\
wxpay-sim: a local WeChat Pay API v2 simulator for offline integration tests.

USAGE:
    wxpay-sim [FLAGS]

It serves HTTPS on a loopback address, keeps orders in memory, checks request
signatures and the merchant client certificate, sends payment and refund
notifications, and injects faults on demand. The FIRST line on stdout is

    WXPAY_SIM_READY url=https://127.0.0.1:PORT dir=/abs/path/of/data/dir

(for scripts and tests); human-readable lines follow.

FLAGS:
    --listen ADDR        loopback address to serve on [default: 127.0.0.1:0, 0 = any free port]
    --dir DIR            where certificates are written or reused [default: ./wxpay-sim-data]
    --mch-id ID          merchant id; also the .p12 password [default: 1900000109]
    --appid ID           app id requests must carry [default: wx2421b1c4370ec43b]
    --key KEY            API key, 32 ASCII letters/digits [default: 192006250b4c09247ec02edce69f6a2d]
    --company NAME       CN of the merchant client certificate [default: the mch id]
    --notify-scale F     multiplies the notification retry schedule [default: 1]
                         (15s,15s,30s,3m,10m,20m,30m,30m,30m,60m,3h,3h,3h,6h,6h; 0.001 for tests)
    --micropay-polls N   orderqueries after which a 1346... auth code pays [default: 2]
    -h, --help           this text

FILES (in --dir; reused when present, all regenerated when one is missing):
    ca.pem                       CA of the server certificate: trust it as rootca.pem
    server.pem, server_key.pem   server certificate for 127.0.0.1/localhost (may also serve
                                 an https notify_url: the simulator trusts its own CA)
    client_ca.pem                MmpaymchCA, issuer of the merchant certificate
    apiclient_cert.p12           merchant certificate + key, AES-256-CBC/PBKDF2, password = mch id
    apiclient_cert_legacy.p12    the same, RC2-40-CBC/3DES (OpenSSL 3 needs its legacy provider)
    apiclient_cert.pem           merchant certificate
    apiclient_key.pem            merchant key, PKCS#8 (BEGIN PRIVATE KEY)
    apiclient_key_pkcs1.pem      merchant key, PKCS#1 (BEGIN RSA PRIVATE KEY)
    identity.txt                 the mch id and CN the certificates were made for
    Key files are written with mode 0600.

ENDPOINTS (POST, XML; prefix xdc/apiv2sandbox/ for the sandbox, which signs
with the key from xdc/apiv2getsignkey/sign/getsignkey, MD5 only; the retired
sandboxnew/ gateway answers 404):
    pay/unifiedorder pay/orderquery pay/closeorder pay/micropay pay/refundquery
    pay/downloadbill payitil/report tools/shorturl tools/authcodetoopenid
    pay/pappayapply pay/paporderquery papay/querycontract papay/deletecontract
    pay/profitsharingaddreceiver pay/profitsharingremovereceiver
    pay/profitsharingquery pay/profitsharingorderamountquery
    pay/profitsharingreturnquery                    (profit sharing: HMAC-SHA256 only)
    secapi/pay/refund secapi/pay/reverse pay/downloadfundflow
    secapi/pay/profitsharing secapi/pay/multiprofitsharing
    secapi/pay/profitsharingfinish secapi/pay/profitsharingreturn
    mmpaymkttransfers/promotion/transfers mmpaymkttransfers/sendredpack
    mmpaymkttransfers/sendminiprogramhb mmpaymkttransfers/gethbinfo
    mmpaymkttransfers/send_coupon mmpaymkttransfers/query_coupon_stock
    mmpaymkttransfers/querycouponsinfo risk/getpublickey
    mmpaysptrans/pay_bank mmpaysptrans/query_bank   (client certificate required)
    GET papay/entrustweb?...   the contract-signing page: the simulated user agrees
    A certificate endpoint called without a valid merchant certificate answers
    return_code=FAIL (the TLS handshake itself accepts a missing certificate).

MICROPAY AUTH CODES (18 digits starting 10..15):
    1340...  result_code=FAIL err_code=NOTENOUGH (balance too low), no order paid
    1341...  result_code=FAIL err_code=AUTHCODEEXPIRE
    1342...  result_code=FAIL err_code=SYSTEMERROR, but the order IS paid (query it)
    1345...  USERPAYING forever; the first reverse answers recall=Y, the next recall=N
    1346...  USERPAYING, then paid on the N-th pay/orderquery (N = --micropay-polls)
    1347...  USERPAYING forever: the merchant has to reverse
    other    paid at once

FAULTS (kinds: delay reset http500 garbled badsign nosign returnfail systemerror):
    POST /sim/fault?kind=K&path=P&count=N&ms=M   next N requests to P (* = any) get fault K
    a request field attach=sim:fault=K (or sim:fault=delay:MS) injects K into that request

CONTROL (no signature, no certificate):
    POST /sim/pay?out_trade_no=X   mark an unpaid order paid and notify
    POST /sim/scan?url=U&callback=C[&pay=1]   scan a Native mode-1 link as a user
    GET  /sim/notifications        deliveries and their attempts, JSON
    GET  /sim/orders               orders, JSON
    GET  /sim/faults               pending faults, JSON
    POST /sim/reset                forget everything recorded (orders, refunds, payouts,
                                   red packets, coupons, contracts, notifications, faults)
    POST /sim/shutdown             stop (as SIGINT/SIGTERM do)

See docs/simulator.md for the details.
";

#[derive(Debug)]
pub struct Config {
    pub listen: SocketAddr,
    pub dir: PathBuf,
    pub mch_id: String,
    pub appid: String,
    pub key: ApiKey,
    pub company: Option<String>,
    pub notify_scale: f64,
    pub micropay_polls: u32,
}

/// What the command line asks for.
#[allow(clippy::large_enum_variant, reason = "made once, at start-up")]
pub enum Command {
    Run(Config),
    Help,
}

pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut config = Config {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        dir: PathBuf::from("./wxpay-sim-data"),
        mch_id: "1900000109".into(),
        appid: "wx2421b1c4370ec43b".into(),
        key: ApiKey::new(b"192006250b4c09247ec02edce69f6a2d").map_err(|e| e.to_string())?,
        company: None,
        notify_scale: 1.0,
        micropay_polls: 2,
    };
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_owned(), Some(v.to_owned())),
            _ => (flag.clone(), None),
        };
        if name == "-h" || name == "--help" {
            return Ok(Command::Help);
        }
        let mut value = || inline.clone().or_else(|| args.next()).ok_or_else(|| format!("{name} needs a value"));
        match name.as_str() {
            "--listen" => {
                let v = value()?;
                let addr: SocketAddr = v.parse().map_err(|_| format!("--listen: `{v}` is not an IP:PORT address"))?;
                if !addr.ip().is_loopback() {
                    return Err(format!(
                        "--listen: {addr} is not a loopback address; the simulator serves loopback only"
                    ));
                }
                config.listen = addr;
            }
            "--dir" => config.dir = PathBuf::from(value()?),
            "--mch-id" => {
                let v = value()?;
                if v.is_empty() || v.len() > 32 || !v.bytes().all(|b| b.is_ascii_digit()) {
                    return Err("--mch-id: expected 1 to 32 digits".into());
                }
                config.mch_id = v;
            }
            "--appid" => {
                let v = value()?;
                if v.is_empty() || v.len() > 32 || !v.bytes().all(|b| b.is_ascii_alphanumeric()) {
                    return Err("--appid: expected 1 to 32 ASCII letters or digits".into());
                }
                config.appid = v;
            }
            // The key's own error message never quotes the key.
            "--key" => config.key = ApiKey::new(value()?.as_bytes()).map_err(|e| format!("--key: {e}"))?,
            "--company" => {
                let v = value()?;
                if v.is_empty() || v.chars().count() > 64 {
                    return Err("--company: expected 1 to 64 characters".into());
                }
                config.company = Some(v);
            }
            "--notify-scale" => {
                let v = value()?;
                match v.parse::<f64>() {
                    Ok(f) if f.is_finite() && (0.0..=1000.0).contains(&f) => config.notify_scale = f,
                    _ => return Err(format!("--notify-scale: `{v}` is not a number between 0 and 1000")),
                }
            }
            "--micropay-polls" => {
                let v = value()?;
                config.micropay_polls = match v.parse::<u32>() {
                    Ok(n) if (1..=1000).contains(&n) => n,
                    _ => return Err(format!("--micropay-polls: `{v}` is not a whole number from 1 to 1000")),
                };
            }
            other => return Err(format!("unknown flag `{other}` (see --help)")),
        }
    }
    Ok(Command::Run(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Config, String> {
        match parse(args.iter().map(|s| s.to_string()))? {
            Command::Run(c) => Ok(c),
            Command::Help => Err("help".into()),
        }
    }

    #[test]
    fn defaults_and_overrides() {
        let c = run(&[]).unwrap();
        assert_eq!(c.mch_id, "1900000109");
        assert_eq!(c.micropay_polls, 2);
        let c = run(&["--mch-id=10010000", "--notify-scale", "0.001", "--listen", "127.0.0.1:8443"]).unwrap();
        assert_eq!(c.mch_id, "10010000");
        assert_eq!(c.notify_scale, 0.001);
        assert_eq!(c.listen.port(), 8443);
    }

    #[test]
    fn bad_flags_are_refused_without_echoing_the_key() {
        assert!(run(&["--listen", "0.0.0.0:1"]).unwrap_err().contains("loopback"));
        assert!(run(&["--bogus"]).unwrap_err().contains("--bogus"));
        assert!(run(&["--micropay-polls", "0"]).is_err());
        let err = run(&["--key", "short-secret-value"]).unwrap_err();
        assert!(!err.contains("short-secret-value"));
        assert!(matches!(parse(["--help".to_string()]), Ok(Command::Help)));
    }
}
