//! A client made before `fork()`, used and freed in the child: refused with
//! `WXPAY_RESULT_CLIENT_FORKED` before any I/O, freed without hanging, and
//! still working in the parent afterwards.
//!
//! One test in this binary, so that no other test's thread holds a lock
//! when the fork copies the process.

mod support;

use std::ffi::{CStr, CString};
use std::sync::Arc;

use support::pki::Pki;
use support::server::{Handler, Reply, Server};
use support::*;
use wxpay::client::{Config, Host};
use wxpay::ffi::cert::wxpay_client_reload_certificate;
use wxpay::ffi::client::*;
use wxpay::ffi::config::*;
use wxpay::ffi::error::*;
use wxpay::ffi::fields::*;
use wxpay::{Client, ErrorKind, SignType};

fn set(cfg: *mut wxpay_config, name: &str, value: &str) {
    let (n, v) = (CString::new(name).unwrap(), CString::new(value).unwrap());
    assert_eq!(unsafe { wxpay_config_set(cfg, n.as_ptr(), v.as_ptr()) }, wxpay_result::Ok, "{name}");
}

/// `out_trade_no` T1, packed.
const ORDER: &[u8] = b"out_trade_no\0T1";
const BILL: &[u8] = b"bill_date\x0020240101";

fn order_query(client: *const wxpay_client) -> wxpay_result {
    let path = c"pay/orderquery";
    let mut out: *mut wxpay_fields = std::ptr::null_mut();
    let r = unsafe { wxpay_request(client, path.as_ptr(), ORDER.as_ptr().cast(), ORDER.len(), 1, &mut out) };
    if r == wxpay_result::Ok {
        unsafe { wxpay_fields_free(out) };
    } else if !out.is_null() {
        return wxpay_result::Panic;
    }
    r
}

/// What the child checks, in order; the failing step's number is its exit
/// status (0: all passed).
fn in_child(client: *mut wxpay_client, sandbox: Client) -> i32 {
    if order_query(client) != wxpay_result::ClientForked {
        return 1;
    }
    if wxpay_last_error_code() != wxpay_result::ClientForked {
        return 2;
    }
    let message = unsafe { CStr::from_ptr(wxpay_last_error_message()) }.to_string_lossy().into_owned();
    if !message.contains("fork") {
        return 3;
    }
    let (mut data, mut len) = (std::ptr::null_mut::<u8>(), 0usize);
    let path = c"pay/downloadbill";
    let r = unsafe { wxpay_download(client, path.as_ptr(), BILL.as_ptr().cast(), BILL.len(), 1, &mut data, &mut len) };
    if r != wxpay_result::ClientForked || !data.is_null() {
        return 4;
    }
    if unsafe { wxpay_client_reload_certificate(client, std::ptr::null_mut()) } != wxpay_result::ClientForked {
        return 5;
    }
    // A sandbox client fetches its key to check a notification: a request too.
    if sandbox.payment_notification(b"<xml><return_code>SUCCESS</return_code></xml>").map_err(|e| e.kind())
        != Err(ErrorKind::ClientForked)
    {
        return 6;
    }
    // Freeing must neither hang (joining the I/O thread, which is in the
    // parent) nor panic; returning from these calls is the check.
    drop(sandbox);
    unsafe { wxpay_client_free(client) };
    if wxpay_last_error_code() == wxpay_result::Panic {
        return 7;
    }
    0
}

#[test]
fn a_client_made_before_fork_is_refused_and_freed_safely_in_the_child() {
    let pki = Pki::new("fork CA");
    let handler: Handler = Arc::new(|_, _| {
        Reply::Body(signed_xml(&[("return_code", "SUCCESS"), ("result_code", "SUCCESS"), ("trade_state", "SUCCESS")], Some(SignType::Md5)))
    });
    let server = Server::start(&pki.server, None, handler);
    let ca = pki.ca_pem();

    let cfg = wxpay_config_new();
    set(cfg, "appid", APPID);
    set(cfg, "mch_id", MCH_ID);
    set(cfg, "api_key", KEY);
    set(cfg, "host", &server.url());
    set(cfg, "timeout_ms", "5000");
    assert_eq!(unsafe { wxpay_config_set_root_ca(cfg, ca.as_ptr().cast(), ca.len()) }, wxpay_result::Ok);
    let mut client: *mut wxpay_client = std::ptr::null_mut();
    assert_eq!(unsafe { wxpay_client_new(cfg, &mut client) }, wxpay_result::Ok);
    unsafe { wxpay_config_free(cfg) };

    let mut c = Config::new();
    c.set_appid(APPID).unwrap().set_mch_id(MCH_ID).unwrap();
    c.set_api_key(key()).set_root_ca(&ca).set_host(Host::parse(&server.url()).unwrap()).set_sandbox(true);
    let sandbox = Client::new(&c).unwrap();

    // Used before the fork: its I/O thread runs and a connection is pooled.
    assert_eq!(order_query(client), wxpay_result::Ok);
    assert_eq!(server.requests(), 1);

    // SAFETY: the child runs only `in_child` and leaves with `_exit`, never
    // returning into the test harness, whose other threads it lacks.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        let status = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| in_child(client, sandbox))).unwrap_or(99);
        unsafe { libc::_exit(status) };
    }

    let mut status = 0;
    assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
    assert!(
        libc::WIFEXITED(status),
        "the child did not exit: signal {}",
        libc::WTERMSIG(status)
    );
    assert_eq!(libc::WEXITSTATUS(status), 0, "the child's check number {} failed", libc::WEXITSTATUS(status));

    // The child sent nothing, and the parent's client (and its pooled
    // connection) still works.
    assert_eq!(order_query(client), wxpay_result::Ok);
    assert_eq!(server.requests(), 2);
    drop(sandbox);
    unsafe { wxpay_client_free(client) };
}
