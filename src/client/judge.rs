//! "Logic judgment": turns a response body into verified fields, bill bytes
//! or a typed error.
//!
//! Order matters: `return_code=FAIL` first (such responses carry no `sign`),
//! then the signature (so that a forged body cannot pass for a business
//! failure or a success), then `result_code`.

use std::io::Read;

use flate2::read::GzDecoder;

use crate::endpoints::Endpoint;
use crate::error::{Error, ErrorKind, Result, truncate};
use crate::fields::Fields;
use crate::sign::{self, ApiKey, SignType};
use crate::xml;

/// Peer text quoted in messages is cut to this many characters.
const QUOTE: usize = 256;

/// Judges an XML response of `path`, signed with `sign_type` unless the
/// endpoint's responses are unsigned.
pub fn xml_response(path: &str, body: &[u8], limit: xml::Limits, endpoint: &Endpoint, key: &ApiKey, sign_type: SignType) -> Result<Fields> {
    let parsed = match endpoint.records {
        Some(records) => xml::parse_records(body, limit, records),
        None => xml::parse_with_limit(body, limit),
    };
    let fields = parsed.map_err(|e| context(path, "the response", e))?;
    match fields.get("return_code") {
        Some("SUCCESS") => {}
        Some("FAIL") => {
            let msg = fields.get("return_msg").unwrap_or("");
            return Err(Error::new(
                ErrorKind::ProtocolFail,
                format!("{path}: return_code=FAIL: {}", quote(msg)),
            )
            .with_response(fields));
        }
        Some(other) => {
            return Err(Error::new(
                ErrorKind::ResponseInvalid,
                format!("{path}: the response's return_code is `{}`, neither SUCCESS nor FAIL", quote(other)),
            ));
        }
        None => {
            return Err(Error::new(ErrorKind::ResponseInvalid, format!("{path}: the response has no return_code")));
        }
    }
    if endpoint.signed_response {
        sign::verify(fields.as_slice(), key, Some(sign_type)).map_err(|e| context(path, "the response signature", e))?;
    }
    if fields.get("result_code") == Some("FAIL") {
        let code = fields.get("err_code").or_else(|| fields.get("error_code")).unwrap_or("");
        let des = fields.get("err_code_des").unwrap_or("");
        return Err(Error::new(
            ErrorKind::BusinessFail,
            format!("{path}: result_code=FAIL, err_code={}: {}", quote(code), quote(des)),
        )
        .with_retry(crate::endpoints::retry(path, code))
        .with_response(fields));
    }
    Ok(fields)
}

/// Judges a bill download: an XML body is a failure (or, if it claims
/// success, not a bill); a gzip body is decompressed within `limit`.
pub fn bill_response(path: &str, body: Vec<u8>, xml_limit: xml::Limits, limit: usize, endpoint: &Endpoint, key: &ApiKey, sign_type: SignType) -> Result<Vec<u8>> {
    if looks_like_xml(&body) {
        let unsigned = Endpoint { signed_response: false, ..*endpoint };
        xml_response(path, &body, xml_limit, &unsigned, key, sign_type)?;
        return Err(Error::new(
            ErrorKind::ResponseInvalid,
            format!("{path}: expected a bill but the server answered with an XML document that reports no failure"),
        ));
    }
    if body.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        GzDecoder::new(body.as_slice())
            .take(limit as u64 + 1)
            .read_to_end(&mut out)
            .map_err(|e| Error::new(ErrorKind::ResponseInvalid, format!("{path}: the gzip bill is damaged: {e}")))?;
        if out.len() > limit {
            return Err(Error::new(
                ErrorKind::ResponseTooLarge,
                format!("{path}: the bill decompresses to more than the limit of {limit} bytes"),
            ));
        }
        return Ok(out);
    }
    Ok(body)
}

fn looks_like_xml(body: &[u8]) -> bool {
    let b = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let start = b.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(b.len());
    let b = &b[start..];
    b.starts_with(b"<xml") || b.starts_with(b"<?xml")
}

fn quote(s: &str) -> &str {
    truncate(s, QUOTE)
}

/// Keeps the kind, prefixes the message with where it happened.
fn context(path: &str, what: &str, e: Error) -> Error {
    Error::new(e.kind(), format!("{path}: {what}: {}", e.message()))
}

#[cfg(test)]
mod tests;
