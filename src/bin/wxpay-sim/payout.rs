//! Payouts to bank cards: `risk/getpublickey` hands out the simulator's RSA
//! public key (PKCS#1 PEM, as WeChat's), `mmpaysptrans/pay_bank` decrypts
//! `enc_bank_no` and `enc_true_name` with its private key (RSA-OAEP,
//! SHA-1), and `mmpaysptrans/query_bank` reports the payout.

use base64::Engine;
use openssl::hash::{MessageDigest, hash};
use openssl::pkey::Private;
use openssl::rsa::{Padding, Rsa};

use crate::app::App;
use crate::clock;
use crate::reply::{Reply, Request, amount, biz, fields, merchant_no, required};
use crate::store::BankPayout;

/// The key pair made at start: clients fetch the public half.
pub struct PayoutKey(Rsa<Private>);

impl PayoutKey {
    pub fn generate() -> Result<PayoutKey, String> {
        Rsa::generate(2048).map(PayoutKey).map_err(|e| format!("cannot make the payout RSA key: {e}"))
    }

    fn public_pem(&self) -> String {
        let pem = self.0.public_key_to_pem_pkcs1().unwrap_or_default();
        String::from_utf8_lossy(&pem).into_owned()
    }

    /// The plaintext of a base64 RSA-OAEP (SHA-1) ciphertext, if it is one.
    fn decrypt(&self, b64: &str) -> Option<String> {
        let data = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
        let mut out = vec![0; self.0.size() as usize];
        let n = self.0.private_decrypt(&data, &mut out, Padding::PKCS1_OAEP).ok()?;
        out.truncate(n);
        String::from_utf8(out).ok()
    }
}

pub fn getpublickey(app: &App, _req: &Request) -> Reply {
    Reply::Success(fields([("pub_key", app.payout_key.public_pem())]))
}

pub fn pay_bank(app: &App, req: &Request) -> Reply {
    match try_pay_bank(app, req) {
        Ok(r) | Err(r) => r,
    }
}

fn try_pay_bank(app: &App, req: &Request) -> Result<Reply, Reply> {
    let f = &req.fields;
    let partner_trade_no = merchant_no(f, "partner_trade_no")?;
    let undecryptable = |name| biz("PARAM_ERROR", format!("{name}解密失败（RSA-OAEP，SHA-1）"));
    let bank_no = app.payout_key.decrypt(required(f, "enc_bank_no")?).ok_or_else(|| undecryptable("enc_bank_no"))?;
    let true_name = app.payout_key.decrypt(required(f, "enc_true_name")?).ok_or_else(|| undecryptable("enc_true_name"))?;
    if !(12..=30).contains(&bank_no.len()) || !bank_no.bytes().all(|b| b.is_ascii_digit()) {
        return Err(biz("PARAM_ERROR", "收款方银行卡号格式错误（应为12到30位数字）"));
    }
    if true_name.trim().is_empty() {
        return Err(biz("PARAM_ERROR", "收款方用户名为空"));
    }
    let bank_code = required(f, "bank_code")?;
    if bank_code.len() != 4 || !bank_code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(biz("PARAM_ERROR", "bank_code必须是微信支付的4位银行编号"));
    }
    let amount = amount(f, "amount")?;
    let bank_no_md5 = md5_hex(&bank_no);
    let mut book = app.store.book(req.sandbox);
    let payout = match book.bank_payouts.get(partner_trade_no) {
        Some(p) if p.amount == amount && p.bank_no_md5 == bank_no_md5 => p.clone(),
        Some(_) => return Err(biz("INVALID_REQUEST", "商户订单号重复，且参数与原订单不一致")),
        None => {
            let p = BankPayout {
                partner_trade_no: partner_trade_no.to_owned(),
                payment_no: app.ids.payment_no(),
                amount,
                // WeChat's fee: 0.1 % of the amount, at least 1 yuan, at most 25.
                cmms_amt: (amount / 1000).clamp(100, 2500),
                bank_no_md5,
                true_name_md5: md5_hex(&true_name),
                created: clock::now(),
            };
            book.bank_payouts.insert(p.partner_trade_no.clone(), p.clone());
            p
        }
    };
    Ok(Reply::Success(fields([
        ("partner_trade_no", payout.partner_trade_no),
        ("amount", payout.amount.to_string()),
        ("payment_no", payout.payment_no),
        ("cmms_amt", payout.cmms_amt.to_string()),
    ])))
}

pub fn query_bank(app: &App, req: &Request) -> Reply {
    let partner_trade_no = match merchant_no(&req.fields, "partner_trade_no") {
        Ok(n) => n,
        Err(r) => return r,
    };
    let book = app.store.book(req.sandbox);
    let Some(p) = book.bank_payouts.get(partner_trade_no) else {
        return biz("ORDERNOTEXIST", "付款单不存在");
    };
    Reply::Success(fields([
        ("partner_trade_no", p.partner_trade_no.clone()),
        ("payment_no", p.payment_no.clone()),
        ("bank_no_md5", p.bank_no_md5.clone()),
        ("true_name_md5", p.true_name_md5.clone()),
        ("amount", p.amount.to_string()),
        ("status", "SUCCESS".to_owned()),
        ("cmms_amt", p.cmms_amt.to_string()),
        ("create_time", clock::dashed(p.created)),
        ("pay_succ_time", clock::dashed(p.created)),
        ("reason", String::new()),
    ]))
}

fn md5_hex(text: &str) -> String {
    let digest = hash(MessageDigest::md5(), text.as_bytes()).map(|d| d.to_vec()).unwrap_or_default();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}
