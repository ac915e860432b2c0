//! A fast path for the shape WeChat actually sends: `<xml>`, then fields of
//! the form `<name>text</name>` or `<name><![CDATA[text]]></name>`, then
//! `</xml>`, with only whitespace between elements.
//!
//! It borrows every value from the document and allocates nothing per field.
//! It never decides that a document is bad: on anything outside that shape
//! (entities, comments, declarations, carriage returns, control characters,
//! attributes, split CDATA, ...) it answers `None` and the full parser takes
//! over, so both paths give the same result for every document the fast path
//! accepts (a property test checks this).

pub(super) fn scan(doc: &str) -> Option<Vec<(&str, &str)>> {
    let bytes = doc.as_bytes();
    if !plain(bytes) {
        return None;
    }
    let mut at = skip_space(bytes, 0);
    at = expect(bytes, at, b"<xml>")?;
    let mut fields = Vec::with_capacity(doc.len() / 48 + 4);
    loop {
        at = skip_space(bytes, at);
        if let Some(after) = expect(bytes, at, b"</xml>") {
            return (skip_space(bytes, after) == bytes.len()).then_some(fields);
        }
        let name_start = expect(bytes, at, b"<")?;
        let name_end = name_start + bytes[name_start..].iter().position(|&b| !is_name_byte(b))?;
        if name_end == name_start || bytes[name_end] != b'>' {
            return None;
        }
        let (value_start, value_end);
        if let Some(inner) = expect(bytes, name_end + 1, b"<![CDATA[") {
            value_start = inner;
            value_end = cdata_end(bytes, inner)?;
            at = value_end + 3;
        } else {
            value_start = name_end + 1;
            value_end = text_end(bytes, value_start)?;
            at = value_end;
        }
        at = expect(bytes, at, b"</")?;
        at = expect(bytes, at, &bytes[name_start..name_end])?;
        at = expect(bytes, at, b">")?;
        // Every boundary sits next to an ASCII byte, so these slices fall on
        // character boundaries.
        fields.push((doc.get(name_start..name_end)?, doc.get(value_start..value_end)?));
    }
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Where the `]]>` closing a CDATA section starts.
fn cdata_end(bytes: &[u8], from: usize) -> Option<usize> {
    memchr::memchr_iter(b']', &bytes[from..]).map(|i| from + i).find(|&i| bytes[i..].starts_with(b"]]>"))
}

/// Where the text value starting at `from` ends (its `<`), if it holds no
/// reference or `>` (which the full parser handles).
fn text_end(bytes: &[u8], from: usize) -> Option<usize> {
    let i = from + memchr::memchr3(b'<', b'&', b'>', &bytes[from..])?;
    (bytes[i] == b'<').then_some(i)
}

/// False when the document holds a byte that needs the full parser: a
/// control character other than tab and line feed (carriage returns are
/// normalised, the rest are not XML) or U+FFFE / U+FFFF (EF BF BE, EF BF BF).
/// One pass over the whole document, without early exit so that it
/// vectorises; values then need no per-byte checks.
fn plain(bytes: &[u8]) -> bool {
    let controls = bytes.iter().fold(0u8, |acc, &b| acc | u8::from((b < 0x20) & (b != b'\t') & (b != b'\n')));
    controls == 0
        && !memchr::memchr_iter(0xEF, bytes).any(|i| bytes.get(i + 1) == Some(&0xBF) && matches!(bytes.get(i + 2), Some(0xBE | 0xBF)))
}

/// The position after `want` if the document has it at `at`.
fn expect(bytes: &[u8], at: usize, want: &[u8]) -> Option<usize> {
    bytes.get(at..)?.starts_with(want).then_some(at + want.len())
}

fn skip_space(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() && matches!(bytes[at], b' ' | b'\t' | b'\n') {
        at += 1;
    }
    at
}
