//! The `wxpay-cert` binary, run as a user runs it.

mod support;

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use support::certs::{self, TempDir};
use support::pki;

const BIN: &str = env!("CARGO_BIN_EXE_wxpay-cert");
const PASSWORD: &str = "Very-Secret-p12-Password-77";

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).env("P12_PW", PASSWORD).output().unwrap()
}

fn text(o: &Output) -> (String, String) {
    (String::from_utf8(o.stdout.clone()).unwrap(), String::from_utf8(o.stderr.clone()).unwrap())
}

fn assert_no_password(o: &Output) {
    let (out, err) = text(o);
    assert!(!out.contains(PASSWORD) && !err.contains(PASSWORD), "the password was printed");
}

struct Files {
    dir: TempDir,
    p12: String,
    cert: String,
    key: String,
    other_key: String,
}

fn files(days_left: i64) -> Files {
    let dir = TempDir::new("cli");
    let ca = certs::ca("Tenpay.com Root CA");
    let pair = certs::merchant_pair(&ca, "1900000109", &certs::ca_serial(9), days_left);
    let p = |n: &str| dir.path(n).to_str().unwrap().to_owned();
    dir.write("apiclient_cert.p12", &certs::p12(&pair, PASSWORD), 0o600);
    dir.write("apiclient_cert.pem", &certs::cert_pem(&pair), 0o644);
    dir.write("apiclient_key.pem", &certs::key_pkcs1(&pair), 0o600);
    dir.write("other_key.pem", &pki::key().private_key_to_pem_pkcs8().unwrap(), 0o600);
    Files { p12: p("apiclient_cert.p12"), cert: p("apiclient_cert.pem"), key: p("apiclient_key.pem"), other_key: p("other_key.pem"), dir }
}

#[test]
fn inspect_prints_for_people_and_for_machines() {
    let f = files(365);
    let o = run(&["inspect", &f.p12, "--password-env", "P12_PW"]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    let (out, err) = text(&o);
    assert!(out.contains("issuer:         Tenpay.com Root CA"), "{out}");
    assert!(out.contains("issuer kind:    ca"));
    assert!(out.contains("merchant ID:    1900000109"));
    assert!(out.contains("expires in:     365 days (valid)"));
    assert!(out.contains("key:            RSA 2048 bits"));
    assert!(out.contains("key matches:    yes"));
    assert!(err.is_empty(), "{err}");
    assert_no_password(&o);

    let o = run(&["inspect", &f.cert, "--key", &f.key, "--json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["format"], "pem");
    assert_eq!(v["issuer_kind"], "ca");
    assert_eq!(v["merchant_id"], "1900000109");
    assert_eq!(v["serial"].as_str().unwrap().len(), 40);
    assert_eq!(v["days_until_expiry"], 365);
    assert_eq!(v["key_matches"], true);
    assert_eq!(v["key_bits"], 2048);
    assert!(v["not_after_unix"].as_i64().unwrap() > v["not_before_unix"].as_i64().unwrap());
    assert!(v["permission_warning"].is_null());

    let o = run(&["inspect", &f.cert, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["key_matches"].is_null(), "no key given");
    let o = run(&["inspect", &f.cert, "--key", &f.other_key, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["key_matches"], false);
}

#[test]
fn passwords_come_from_stdin_and_are_never_printed() {
    let f = files(365);
    let mut child = Command::new(BIN)
        .args(["inspect", &f.p12, "--password-stdin", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(format!("{PASSWORD}\n").as_bytes()).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    assert_no_password(&o);

    let o = run(&["inspect", &f.p12, "--password", "Wrong-Password-123"]);
    assert_eq!(o.status.code(), Some(3));
    let (out, err) = text(&o);
    assert!(err.contains("password is wrong"), "{err}");
    assert!(!out.contains("Wrong-Password-123") && !err.contains("Wrong-Password-123"));
    let o = run(&["inspect", &f.p12]);
    assert_eq!(o.status.code(), Some(3));
    assert!(text(&o).1.contains("merchant ID"));
}

#[test]
fn inspect_warns_about_a_key_file_others_can_read() {
    let f = files(365);
    std::fs::set_permissions(&f.key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let o = run(&["inspect", &f.cert, "--key", &f.key, "--json"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(text(&o).1.contains("warning: the private key file"));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["permission_warning"].as_str().unwrap().contains("0644"));
}

#[test]
fn convert_writes_a_private_key_only_its_owner_can_read() {
    let f = files(365);
    let (c, k) = (f.dir.path("out_cert.pem"), f.dir.path("out_key.pem"));
    let (cs, ks) = (c.to_str().unwrap(), k.to_str().unwrap());
    let o = run(&["convert", &f.p12, "--password-env", "P12_PW", "--out-cert", cs, "--out-key", ks]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    assert_no_password(&o);
    assert_eq!(std::fs::metadata(&k).unwrap().permissions().mode() & 0o777, 0o600);
    let key = std::fs::read(&k).unwrap();
    assert!(key.starts_with(b"-----BEGIN PRIVATE KEY-----"));
    let info = wxpay::cert::inspect_pem(&std::fs::read(&c).unwrap(), Some(&key), None).unwrap();
    assert_eq!(info.key_matches, Some(true));
    assert_eq!(info.merchant_id.as_deref(), Some("1900000109"));
    // The converted files are what the client loads.
    wxpay::client::Identity::from_pem(&std::fs::read(&c).unwrap(), &key, None).unwrap();

    // Existing files are kept unless --force.
    let o = run(&["convert", &f.p12, "--password-env", "P12_PW", "--out-cert", cs, "--out-key", ks]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("--force"));
    std::fs::set_permissions(&k, std::fs::Permissions::from_mode(0o644)).unwrap();
    let o = run(&["convert", &f.p12, "--password-env", "P12_PW", "--out-cert", cs, "--out-key", ks, "--force"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(std::fs::metadata(&k).unwrap().permissions().mode() & 0o777, 0o600, "replaced with mode 0600");
    assert!(leftovers(f.dir.dir()).is_empty());
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect()
}

#[test]
fn check_exit_codes_tell_monitoring_what_to_do() {
    let year = files(365);
    let soon = files(30);
    let expired = files(-1);
    let check = |f: &Files, days: &str| run(&["check", &f.cert, "--days", days]);
    assert_eq!(check(&year, "60").status.code(), Some(0));
    assert!(text(&check(&year, "60")).0.starts_with("OK:"));
    let o = check(&soon, "60");
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).0.contains("30 days left, fewer than 60"));
    assert_eq!(check(&soon, "30").status.code(), Some(0));
    assert_eq!(check(&soon, "31").status.code(), Some(1));
    let o = check(&expired, "0");
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).0.starts_with("EXPIRED:"));
    let o = run(&["check", &year.p12, "--days", "60", "--password-env", "P12_PW"]);
    assert_eq!(o.status.code(), Some(0));
    let o = run(&["check", &year.cert, "--key", &year.other_key, "--days", "1"]);
    assert_eq!(o.status.code(), Some(4));

    assert_eq!(run(&["check", &year.cert]).status.code(), Some(2), "--days is required");
    assert_eq!(run(&["check", &year.cert, "--days", "-3"]).status.code(), Some(2));
    assert_eq!(run(&["check", &year.cert, "--days", "x"]).status.code(), Some(2));
    assert_eq!(run(&["check", "/nonexistent/cert.pem", "--days", "1"]).status.code(), Some(3));
}

#[test]
fn usage_errors_and_help() {
    let o = run(&["help"]);
    assert_eq!(o.status.code(), Some(0));
    let (out, _) = text(&o);
    assert!(out.contains("wxpay-cert inspect FILE") && out.contains("--password-env VAR") && out.contains("shell history"));
    assert_eq!(run(&[]).status.code(), Some(2));
    assert_eq!(run(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(run(&["inspect"]).status.code(), Some(2));
    assert_eq!(run(&["inspect", "a", "b"]).status.code(), Some(2));
    assert_eq!(run(&["inspect", "a", "--bogus"]).status.code(), Some(2));
    assert_eq!(run(&["inspect", "a", "--password-env", "NO_SUCH_VARIABLE_HERE"]).status.code(), Some(2));
    assert_eq!(run(&["inspect", "a", "--password", "x", "--password-env", "P12_PW"]).status.code(), Some(2));
    assert_eq!(run(&["convert", "a.p12", "--out-cert", "same", "--out-key", "same"]).status.code(), Some(2));
}
