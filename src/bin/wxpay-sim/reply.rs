//! What an endpoint answers, before the protocol layer wraps and signs it,
//! and the field checks every endpoint shares.

use wxpay::Fields;

/// A request that passed the protocol checks (XML, identity, signature).
pub struct Request {
    pub fields: Fields,
    pub sign_type: wxpay::SignType,
    pub sandbox: bool,
}

/// An endpoint's answer.
#[derive(Debug)]
pub enum Reply {
    /// `result_code=SUCCESS` and these business fields.
    Success(Fields),
    /// `result_code=FAIL` with `err_code`/`err_code_des`, plus these fields.
    Business { code: &'static str, des: String, extra: Fields },
    /// `return_code=FAIL` with this `return_msg`.
    Fail(String),
    /// `return_code=FAIL` with this `return_msg` and WeChat's numeric
    /// `error_code` (the bill endpoints send one: 20001, 20002, ...).
    FailWithCode { msg: String, error_code: &'static str },
    /// A non-XML body (bills).
    Raw { content_type: &'static str, body: Vec<u8> },
    /// `result_code=SUCCESS`, these fields, and a list of records nested as
    /// `<list><item>...</item>...</list>` (the red-packet query's `hblist`).
    Records { fields: Fields, list: &'static str, item: &'static str, records: Vec<Fields> },
}

pub fn biz(code: &'static str, des: impl Into<String>) -> Reply {
    Reply::Business { code, des: des.into(), extra: Fields::new() }
}

/// Builds a `Fields` from pairs whose names are literals and therefore unique.
pub fn fields<const N: usize>(pairs: [(&str, String); N]) -> Fields {
    let mut f = Fields::with_capacity(N);
    for (k, v) in pairs {
        f.insert(k, v);
    }
    f
}

/// The value of a field that must be present and non-empty.
pub fn required<'a>(req: &'a Fields, name: &str) -> Result<&'a str, Reply> {
    match req.get(name) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(biz("LACK_PARAMS", format!("缺少参数{name}"))),
    }
}

/// An optional field; empty counts as absent, as it does for signing.
pub fn optional<'a>(req: &'a Fields, name: &str) -> Option<&'a str> {
    req.get(name).filter(|v| !v.is_empty())
}

/// A positive amount in fen.
pub fn amount(req: &Fields, name: &str) -> Result<u64, Reply> {
    let v = required(req, name)?;
    match v.parse::<u64>() {
        Ok(n) if n > 0 && n <= 100_000_000_000 && v.bytes().all(|b| b.is_ascii_digit()) => Ok(n),
        _ => Err(biz("PARAM_ERROR", format!("{name}必须为正整数（单位：分）"))),
    }
}

/// A merchant-side number (`out_trade_no`, `out_refund_no`, ...): WeChat's charset, at most 32 long.
pub fn merchant_no<'a>(req: &'a Fields, name: &str) -> Result<&'a str, Reply> {
    let v = required(req, name)?;
    if v.len() <= 32 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b"_-|*@".contains(&b)) {
        Ok(v)
    } else {
        Err(biz("PARAM_ERROR", format!("{name}长度不能超过32位，只能是字母、数字或_-|*@")))
    }
}

/// The parameters of a signed link's query (the contract-signing page, a
/// Native mode-1 code), percent-decoded, once they are checked as WeChat
/// checks them: no name given twice (the signature would cover one value,
/// the reader might take the other), this merchant's `appid` and `mch_id`,
/// and an MD5 signature with the live key.
pub fn merchant_link(app: &crate::app::App, query: &str) -> Result<Fields, String> {
    let f = link_fields(query)?;
    for (name, ours) in [("appid", &app.appid), ("mch_id", &app.mch_id)] {
        if f.get(name) != Some(ours.as_str()) {
            return Err(format!("{name} is missing or not this merchant's"));
        }
    }
    wxpay::sign::verify(f.as_slice(), app.key(false), Some(wxpay::SignType::Md5))
        .map_err(|e| format!("signature error: {e}"))?;
    Ok(f)
}

fn link_fields(query: &str) -> Result<Fields, String> {
    let mut f = Fields::new();
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        if f.contains(&k) {
            return Err(format!("the parameter `{}` is given twice", clip(&k, 32)));
        }
        f.insert(k.into_owned(), v.into_owned());
    }
    Ok(f)
}

/// Shortens peer-supplied text quoted in a message.
pub fn clip(s: &str, max_chars: usize) -> &str {
    s.char_indices().nth(max_chars).map_or(s, |(at, _)| &s[..at])
}

/// Renders fen as yuan with two decimals, as bills do.
pub fn yuan(fen: u64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_and_numbers() {
        let f = fields([("a", "100".into()), ("b", "-1".into()), ("c", "0".into()), ("n", "ab c".into())]);
        assert_eq!(amount(&f, "a").ok(), Some(100));
        assert!(amount(&f, "b").is_err());
        assert!(amount(&f, "c").is_err());
        assert!(amount(&f, "x").is_err());
        assert!(merchant_no(&f, "n").is_err());
        assert_eq!(yuan(5), "0.05");
        assert_eq!(yuan(12345), "123.45");
    }

    #[test]
    fn link_fields_decode_and_refuse_a_repeated_name() {
        let f = link_fields("a=x%20y&b=1+2&c=").unwrap();
        assert_eq!((f.get("a"), f.get("b"), f.get("c")), (Some("x y"), Some("1 2"), Some("")));
        assert!(link_fields("a=1&b=2&a=3").unwrap_err().contains("`a`"));
    }
}
