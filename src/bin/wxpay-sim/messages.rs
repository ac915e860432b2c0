//! The notification bodies WeChat sends: signed payment results, and refund
//! results whose details travel encrypted in `req_info`.

use base64::Engine;
use openssl::hash::{MessageDigest, hash};
use openssl::symm::{Cipher, encrypt};
use wxpay::{ApiKey, Fields, SignType};

use crate::app::App;
use crate::clock;
use crate::notify::Message;
use crate::store::{Order, Refund};

/// The fields of a paid order as payment results and queries show them.
pub fn paid_fields(order: &Order) -> Fields {
    let mut f = Fields::with_capacity(16);
    if !order.device_info.is_empty() {
        f.insert("device_info", order.device_info.clone());
    }
    f.insert("openid", order.openid.clone());
    f.insert("is_subscribe", "N");
    f.insert("trade_type", order.trade_type.clone());
    f.insert("bank_type", "CFT");
    f.insert("total_fee", order.total_fee.to_string());
    f.insert("fee_type", order.fee_type.clone());
    f.insert("cash_fee", order.total_fee.to_string());
    f.insert("transaction_id", order.transaction_id.clone());
    f.insert("out_trade_no", order.out_trade_no.clone());
    if !order.attach.is_empty() {
        f.insert("attach", order.attach.clone());
    }
    f.insert("time_end", clock::compact(order.paid_at.unwrap_or(order.created)));
    f
}

/// The payment notification for a paid order, signed as the order was.
pub fn payment(app: &App, order: &Order, sandbox: bool) -> Result<Message, wxpay::Error> {
    let mut f = Fields::with_capacity(24);
    f.insert("return_code", "SUCCESS");
    f.insert("return_msg", "OK");
    f.insert("appid", app.appid.clone());
    f.insert("mch_id", app.mch_id.clone());
    f.insert("nonce_str", wxpay::nonce::nonce()?);
    if order.sign_type == SignType::HmacSha256 {
        f.insert("sign_type", SignType::HmacSha256.as_str());
    }
    f.insert("result_code", "SUCCESS");
    for (k, v) in paid_fields(order).iter() {
        f.insert(k, v);
    }
    let sign = wxpay::sign::sign(f.as_slice(), app.key(sandbox), Some(order.sign_type))?;
    f.insert("sign", sign.as_str());
    Ok(Message {
        kind: "pay",
        url: order.notify_url.clone(),
        out_trade_no: order.out_trade_no.clone(),
        out_refund_no: None,
        body: wxpay::xml::build(f.as_slice())?,
    })
}

/// The refund notification: unsigned outer fields, the details in `req_info`.
pub fn refund(app: &App, order: &Order, refund: &Refund, sandbox: bool) -> Result<Message, String> {
    let mut inner = Fields::with_capacity(14);
    inner.insert("transaction_id", order.transaction_id.clone());
    inner.insert("out_trade_no", order.out_trade_no.clone());
    inner.insert("refund_id", refund.refund_id.clone());
    inner.insert("out_refund_no", refund.out_refund_no.clone());
    inner.insert("total_fee", order.total_fee.to_string());
    inner.insert("settlement_total_fee", order.total_fee.to_string());
    inner.insert("refund_fee", refund.refund_fee.to_string());
    inner.insert("settlement_refund_fee", refund.refund_fee.to_string());
    inner.insert("refund_status", refund.status);
    inner.insert("success_time", clock::dashed(refund.created));
    // The misspelling is WeChat's own.
    inner.insert("refund_recv_accout", "支付用户零钱");
    inner.insert("refund_account", "REFUND_SOURCE_RECHARGE_FUNDS");
    inner.insert("refund_request_source", "API");
    let xml = wxpay::xml::build(inner.as_slice()).map_err(|e| e.to_string())?;
    let root = format!("<root>{}</root>", &xml["<xml>".len()..xml.len() - "</xml>".len()]);
    let req_info =
        encrypt_req_info(app.key(sandbox), root.as_bytes()).map_err(|e| format!("encrypting req_info: {e}"))?;

    let mut f = Fields::with_capacity(6);
    f.insert("return_code", "SUCCESS");
    f.insert("appid", app.appid.clone());
    f.insert("mch_id", app.mch_id.clone());
    f.insert("nonce_str", wxpay::nonce::nonce().map_err(|e| e.to_string())?);
    f.insert("req_info", req_info);
    Ok(Message {
        kind: "refund",
        url: refund.notify_url.clone(),
        out_trade_no: order.out_trade_no.clone(),
        out_refund_no: Some(refund.out_refund_no.clone()),
        body: wxpay::xml::build(f.as_slice()).map_err(|e| e.to_string())?,
    })
}

/// base64(AES-256-ECB, PKCS#7), keyed by the lowercase hex MD5 of the API key.
pub fn encrypt_req_info(key: &ApiKey, plain: &[u8]) -> Result<String, openssl::error::ErrorStack> {
    let digest = hash(MessageDigest::md5(), key.as_bytes())?;
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    let cipher = encrypt(Cipher::aes_256_ecb(), hex.as_bytes(), None, plain)?;
    Ok(base64::engine::general_purpose::STANDARD.encode(cipher))
}

#[cfg(test)]
mod tests {
    use super::*;
    use openssl::symm::decrypt;

    #[test]
    fn req_info_decrypts_with_the_md5_of_the_key() {
        let key = ApiKey::new(b"192006250b4c09247ec02edce69f6a2d").unwrap();
        let sealed = encrypt_req_info(&key, b"<root><a>1</a></root>").unwrap();
        let raw = base64::engine::general_purpose::STANDARD.decode(sealed).unwrap();
        // MD5("192006250b4c09247ec02edce69f6a2d"), computed independently of the code under test.
        let k = hash(MessageDigest::md5(), b"192006250b4c09247ec02edce69f6a2d").unwrap();
        let hex: String = k.iter().map(|b| format!("{b:02x}")).collect();
        let plain = decrypt(Cipher::aes_256_ecb(), hex.as_bytes(), None, &raw).unwrap();
        assert_eq!(plain, b"<root><a>1</a></root>");
        assert_eq!(raw.len() % 16, 0);
    }
}
