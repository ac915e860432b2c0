//! `wxpay_pay_params`: the signed parameters a client app starts a payment with.

use std::ffi::c_char;

use super::args::{self, cstr, out};
use super::client::wxpay_client;
use super::error::{FfiError, wxpay_result};
use super::fields::{hand_out, wxpay_fields};
use super::panic::guard;
use crate::pay_params::PayKind;

/// The `kind` argument of `wxpay_pay_params`.
#[repr(C)]
pub enum wxpay_pay_kind {
    /// JSAPI pages and mini-programs: `appId, timeStamp, nonceStr, package,
    /// signType, paySign`.
    Jsapi = 1,
    /// The App SDK: `appid, partnerid, prepayid, package, noncestr,
    /// timestamp, sign`.
    App = 2,
    /// The JS-SDK's `wx.chooseWXPay`: `timestamp, nonceStr, package,
    /// signType, paySign`, signed as JSAPI's (over `appId` and `timeStamp`).
    ChooseWxPay = 3,
    /// A mini-program's red packet (`wx.sendBizRedPacket`): `timeStamp,
    /// nonceStr, package, signType, paySign`; `prepay_id` is then the
    /// `package` that `mmpaymkttransfers/sendminiprogramhb` answered, handed
    /// out percent-encoded, and the signature always MD5.
    RedPacket = 4,
}

/// Builds and signs the client-side payment parameters from a `prepay_id`
/// (from `pay/unifiedorder`), with the client's API key and sign type (the
/// order's); for `WXPAY_PAY_KIND_RED_PACKET`, from a red packet's `package`,
/// always MD5.
///
/// `kind` is a `WXPAY_PAY_KIND_*` value (else `WXPAY_RESULT_INVALID_ARGUMENT`).
/// `appid` (NULL: the configured `sub_appid`, else `appid`), `timestamp`
/// (seconds since the epoch; 0: now) and `nonce` (NULL: a fresh random one)
/// may be given to reproduce a signature.
///
/// Ownership: inputs are borrowed for the call. On success `*out_params`
/// receives the fields in the order the client SDK documents, freed with
/// `wxpay_fields_free`; on failure it is not written.
///
/// # Safety
/// `client` live; strings NUL-terminated (or NULL where allowed); `out_params` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpay_pay_params(
    client: *const wxpay_client,
    kind: i32,
    prepay_id: *const c_char,
    appid: *const c_char,
    timestamp: u64,
    nonce: *const c_char,
    out_params: *mut *mut wxpay_fields,
) -> wxpay_result {
    guard("wxpay_pay_params", || {
        let out_params = out(out_params, "out_params")?;
        // SAFETY: the caller's contract.
        let client = unsafe { client.as_ref() }.ok_or_else(|| args::null("client"))?;
        let kind = match kind {
            1 => PayKind::Jsapi,
            2 => PayKind::App,
            3 => PayKind::ChooseWxPay,
            4 => PayKind::RedPacket,
            other => {
                return Err(FfiError::new(
                    wxpay_result::InvalidArgument,
                    format!("kind {other} is not a WXPAY_PAY_KIND_* value"),
                ));
            }
        };
        // SAFETY: the caller's contract.
        let prepay_id = unsafe { cstr(prepay_id, "prepay_id") }?;
        // SAFETY: the caller's contract (NULL allowed).
        let appid = if appid.is_null() { None } else { Some(unsafe { cstr(appid, "appid") }?) };
        // SAFETY: the caller's contract (NULL allowed).
        let nonce = if nonce.is_null() { None } else { Some(unsafe { cstr(nonce, "nonce") }?) };
        let timestamp = (timestamp != 0).then_some(timestamp);
        let params = client.client.pay_params(kind, prepay_id, appid, timestamp, nonce)?;
        hand_out(params.iter(), out_params);
        Ok(())
    })
}
