//! The demo of the core: sign an order, build its XML, parse and verify it.
//! (The full merchant flow against the simulator comes with the client.)

use wxpay::sign::{self, ApiKey, SignType};
use wxpay::{nonce, xml};

fn main() -> Result<(), wxpay::Error> {
    let key = ApiKey::new(b"192006250b4c09247ec02edce69f6a2d")?;
    let mut order: Vec<(String, String)> = [
        ("appid", "wx2421b1c4370ec43b"),
        ("mch_id", "1900000109"),
        ("body", "腾讯充值中心-QQ会员充值"),
        ("out_trade_no", "20150806125346"),
        ("total_fee", "1"),
        ("spbill_create_ip", "127.0.0.1"),
        ("notify_url", "https://example.com/notify"),
        ("trade_type", "NATIVE"),
        ("sign_type", "HMAC-SHA256"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    order.push(("nonce_str".into(), nonce::nonce()?));
    let signature = sign::sign(&order, &key, None)?;
    println!("signed with {}: {signature}", SignType::HmacSha256);
    order.push(("sign".into(), signature.as_str().into()));
    let doc = xml::build(&order)?;
    println!("request XML ({} bytes):\n{doc}", doc.len());
    let parsed = xml::parse(doc.as_bytes())?;
    let used = sign::verify(parsed.as_slice(), &key, None)?;
    println!("parsed {} fields back and verified the {used} signature", parsed.len());
    let tampered = doc.replace("<total_fee><![CDATA[1]]>", "<total_fee><![CDATA[100]]>");
    match sign::verify(xml::parse(tampered.as_bytes())?.as_slice(), &key, None) {
        Err(e) => println!("a tampered copy is refused: {e}"),
        Ok(_) => println!("BUG: a tampered copy verified"),
    }
    Ok(())
}
