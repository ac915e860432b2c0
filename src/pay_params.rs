//! The parameters a client app hands to WeChat to start a payment, signed
//! from a `prepay_id` (the result of `pay/unifiedorder`).
//!
//! JSAPI and mini-programs (`WeixinJSBridge.invoke('getBrandWCPayRequest')`,
//! `wx.requestPayment`) take camelCase names and the signature as `paySign`;
//! the JS-SDK's `wx.chooseWXPay` takes the same signature but spells the
//! time `timestamp` and takes no `appId` (its `wx.config` has it); the App
//! SDK takes lowercase names and the signature as `sign`. A mini-program
//! opens a red packet (`wx.sendBizRedPacket`) with JSAPI's names, from the
//! `package` that `mmpaymkttransfers/sendminiprogramhb` answered.

use crate::error::{Error, ErrorKind, Result, truncate};
use crate::fields::Fields;
use crate::sign::{self, ApiKey, SignType};

/// Which client starts the payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayKind {
    /// Official-account web pages (JSAPI) and mini-programs.
    Jsapi,
    /// The JS-SDK's `wx.chooseWXPay`: JSAPI's signature (made over `appId`
    /// and `timeStamp`), handed out as `timestamp, nonceStr, package,
    /// signType, paySign`.
    ChooseWxPay,
    /// The native App SDK.
    App,
    /// A mini-program's red packet (`wx.sendBizRedPacket`): `timeStamp,
    /// nonceStr, package, signType, paySign`, where the "prepay_id" is the
    /// `package` of `mmpaymkttransfers/sendminiprogramhb`, handed out
    /// percent-encoded as the mini-program passes it; always MD5, signed over
    /// `appId`, `timeStamp`, `nonceStr` and the encoded `package`.
    RedPacket,
}

/// What the parameters are made of besides the key.
#[derive(Debug, Clone, Copy)]
pub struct PayRequest<'a> {
    /// The app ID the order was made for (the mini-program's for `wx.requestPayment`).
    pub appid: &'a str,
    /// The merchant ID (App only: `partnerid`).
    pub mch_id: &'a str,
    pub prepay_id: &'a str,
    /// Seconds since the epoch.
    pub timestamp: u64,
    pub nonce: &'a str,
    pub sign_type: SignType,
}

/// Builds and signs the parameters, in the order the client SDKs document.
pub fn pay_params(kind: PayKind, r: &PayRequest<'_>, key: &ApiKey) -> Result<Fields> {
    for (name, value) in [("appid", r.appid), ("prepay_id", r.prepay_id), ("nonce", r.nonce)] {
        if value.is_empty() {
            return Err(Error::new(ErrorKind::InvalidArgument, format!("pay parameters: {name} is empty")));
        }
    }
    if r.nonce.len() > 32 {
        return Err(Error::new(ErrorKind::InvalidArgument, "pay parameters: the nonce is longer than 32 characters"));
    }
    if kind == PayKind::RedPacket {
        return red_packet_params(r, key);
    }
    if r.prepay_id.contains(['&', '=']) {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            format!("pay parameters: `{}` is not a prepay_id", truncate(r.prepay_id, 64)),
        ));
    }
    let timestamp = r.timestamp.to_string();
    if kind == PayKind::App {
        if r.mch_id.is_empty() {
            return Err(Error::new(ErrorKind::InvalidArgument, "pay parameters: mch_id is empty"));
        }
        let mut fields = Fields::from_pairs([
            ("appid", r.appid.to_owned()),
            ("partnerid", r.mch_id.to_owned()),
            ("prepayid", r.prepay_id.to_owned()),
            ("package", "Sign=WXPay".to_owned()),
            ("noncestr", r.nonce.to_owned()),
            ("timestamp", timestamp),
        ])?;
        let signature = sign::sign(fields.as_slice(), key, Some(r.sign_type))?;
        fields.insert("sign", signature.as_str());
        return Ok(fields);
    }
    let mut fields = Fields::from_pairs([
        ("appId", r.appid.to_owned()),
        ("timeStamp", timestamp),
        ("nonceStr", r.nonce.to_owned()),
        ("package", format!("prepay_id={}", r.prepay_id)),
        ("signType", r.sign_type.as_str().to_owned()),
    ])?;
    // `signType` is not the `sign_type` field the signer looks at, so the
    // algorithm is passed explicitly.
    let signature = sign::sign(fields.as_slice(), key, Some(r.sign_type))?;
    fields.insert("paySign", signature.as_str());
    if kind == PayKind::ChooseWxPay {
        // Signed as JSAPI; the JS-SDK takes the names in lowercase and the
        // app ID from its own configuration.
        return Fields::from_pairs(fields.iter().filter(|(k, _)| *k != "appId").map(|(k, v)| {
            (if k == "timeStamp" { "timestamp" } else { k }.to_owned(), v.to_owned())
        }));
    }
    Ok(fields)
}

fn red_packet_params(r: &PayRequest<'_>, key: &ApiKey) -> Result<Fields> {
    let package: String = form_urlencoded::byte_serialize(r.prepay_id.as_bytes()).collect();
    let timestamp = r.timestamp.to_string();
    let signed = [("appId", r.appid), ("timeStamp", &timestamp), ("nonceStr", r.nonce), ("package", &package)];
    let signature = sign::sign(&signed, key, Some(SignType::Md5))?;
    Fields::from_pairs([
        ("timeStamp", timestamp.clone()),
        ("nonceStr", r.nonce.to_owned()),
        ("package", package.clone()),
        ("signType", SignType::Md5.as_str().to_owned()),
        ("paySign", signature.as_str().to_owned()),
    ])
}

/// The current time in seconds since the epoch.
pub fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> ApiKey {
        ApiKey::new(b"192006250b4c09247ec02edce69f6a2d").unwrap()
    }

    fn request(sign_type: SignType) -> PayRequest<'static> {
        PayRequest {
            appid: "wx2421b1c4370ec43b",
            mch_id: "1900000109",
            prepay_id: "wx201410272009395522657a690389285100",
            timestamp: 1414561699,
            nonce: "5K8264ILTKCH16CQ2502SI8ZNMTM67VS",
            sign_type,
        }
    }

    #[test]
    fn jsapi_names_and_order() {
        let f = pay_params(PayKind::Jsapi, &request(SignType::Md5), &key()).unwrap();
        let names: Vec<&str> = f.iter().map(|(k, _)| k).collect();
        assert_eq!(names, ["appId", "timeStamp", "nonceStr", "package", "signType", "paySign"]);
        assert_eq!(f.get("package"), Some("prepay_id=wx201410272009395522657a690389285100"));
        assert_eq!(f.get("paySign").map(str::len), Some(32));
    }

    #[test]
    fn choose_wx_pay_has_jsapi_signature_under_the_js_sdk_names() {
        for sign_type in [SignType::Md5, SignType::HmacSha256] {
            let jsapi = pay_params(PayKind::Jsapi, &request(sign_type), &key()).unwrap();
            let f = pay_params(PayKind::ChooseWxPay, &request(sign_type), &key()).unwrap();
            let names: Vec<&str> = f.iter().map(|(k, _)| k).collect();
            assert_eq!(names, ["timestamp", "nonceStr", "package", "signType", "paySign"]);
            assert_eq!(f.get("paySign"), jsapi.get("paySign"));
            assert_eq!(f.get("timestamp"), Some("1414561699"));
            // The signature is over appId and timeStamp, as WeChat checks it.
            let signed = [
                ("appId", "wx2421b1c4370ec43b"),
                ("timeStamp", "1414561699"),
                ("nonceStr", "5K8264ILTKCH16CQ2502SI8ZNMTM67VS"),
                ("package", "prepay_id=wx201410272009395522657a690389285100"),
                ("signType", sign_type.as_str()),
            ];
            assert_eq!(f.get("paySign"), Some(sign::sign(&signed, &key(), Some(sign_type)).unwrap().as_str()));
        }
    }

    #[test]
    fn app_names_and_hmac() {
        let f = pay_params(PayKind::App, &request(SignType::HmacSha256), &key()).unwrap();
        let names: Vec<&str> = f.iter().map(|(k, _)| k).collect();
        assert_eq!(names, ["appid", "partnerid", "prepayid", "package", "noncestr", "timestamp", "sign"]);
        assert_eq!(f.get("package"), Some("Sign=WXPay"));
        assert_eq!(f.get("sign").map(str::len), Some(64));
    }

    #[test]
    fn red_packets_sign_md5_over_the_encoded_package() {
        let mut r = request(SignType::HmacSha256);
        let package = "sendid=242e8abd163d300019b2cae74ba8e8c06e3f0e51ab84d16b3c80decd22a5b672&ver=8&sign=4110d649&mchid=11475856&appid=wxd27ebc41b85ce36d";
        r.prepay_id = package;
        let f = pay_params(PayKind::RedPacket, &r, &key()).unwrap();
        let names: Vec<&str> = f.iter().map(|(k, _)| k).collect();
        assert_eq!(names, ["timeStamp", "nonceStr", "package", "signType", "paySign"]);
        let encoded = "sendid%3D242e8abd163d300019b2cae74ba8e8c06e3f0e51ab84d16b3c80decd22a5b672%26ver%3D8%26sign%3D4110d649%26mchid%3D11475856%26appid%3Dwxd27ebc41b85ce36d";
        assert_eq!(f.get("package"), Some(encoded));
        assert_eq!(f.get("signType"), Some("MD5"));
        // The signature, computed here as WeChat documents it.
        use md5::{Digest, Md5};
        let canonical = format!(
            "appId=wx2421b1c4370ec43b&nonceStr=5K8264ILTKCH16CQ2502SI8ZNMTM67VS&package={encoded}&timeStamp=1414561699&key=192006250b4c09247ec02edce69f6a2d"
        );
        let expected: String = Md5::digest(canonical.as_bytes()).iter().map(|b| format!("{b:02X}")).collect();
        assert_eq!(f.get("paySign"), Some(expected.as_str()));
        r.prepay_id = "";
        assert_eq!(pay_params(PayKind::RedPacket, &r, &key()).unwrap_err().kind(), ErrorKind::InvalidArgument);
    }

    #[test]
    fn refuses_bad_input() {
        let mut r = request(SignType::Md5);
        r.prepay_id = "";
        assert_eq!(pay_params(PayKind::Jsapi, &r, &key()).unwrap_err().kind(), ErrorKind::InvalidArgument);
        r.prepay_id = "a&b=c";
        assert_eq!(pay_params(PayKind::Jsapi, &r, &key()).unwrap_err().kind(), ErrorKind::InvalidArgument);
    }
}
