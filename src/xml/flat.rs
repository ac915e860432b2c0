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

use std::borrow::Cow;

use super::Field;

pub(super) fn scan(doc: &str) -> Option<Vec<Field<'_>>> {
    let spans = spans(doc.as_bytes())?;
    // Cannot panic: every boundary is next to an ASCII byte (`<`, `>` or
    // `[`), and no UTF-8 continuation byte follows or precedes one, so all
    // fall on character boundaries.
    let slice = |span: u64| &doc[(span >> 32) as usize..(span as u32) as usize];
    Some(spans.iter().map(|&(name, value)| (Cow::Borrowed(slice(name)), Cow::Borrowed(slice(value)))).collect())
}

/// Each field's name and value as `start << 32 | end`.
///
/// Two integers per field rather than the fields themselves: pushing a
/// four-word tuple compiled to a copy through the stack that stalled on
/// store forwarding, and cost more than this second pass.
fn spans(bytes: &[u8]) -> Option<Vec<(u64, u64)>> {
    u32::try_from(bytes.len()).ok()?;
    let span = |start: usize, end: usize| (start as u64) << 32 | end as u64;
    let mut at = expect(bytes, skip_space(bytes, 0), b"<xml>")?;
    let mut fields = Vec::with_capacity(bytes.len() / 48 + 4);
    loop {
        at = skip_space(bytes, at);
        if *bytes.get(at)? != b'<' {
            return None;
        }
        let name_start = at + 1;
        let name_end = name_start + name_len(&bytes[name_start..]);
        if name_end == name_start {
            let after = expect(bytes, name_start, b"/xml>")?;
            return (skip_space(bytes, after) == bytes.len()).then_some(fields);
        }
        if *bytes.get(name_end)? != b'>' {
            return None;
        }
        let (value_start, value_end, close);
        if let Some(inner) = expect(bytes, name_end + 1, b"<![CDATA[") {
            value_start = inner;
            value_end = cdata_end(bytes, inner)?;
            close = value_end + 3;
        } else {
            value_start = name_end + 1;
            value_end = text_end(bytes, value_start)?;
            close = value_end;
        }
        at = closing_tag(bytes, close, &bytes[name_start..name_end])?;
        fields.push((span(name_start, name_end), span(value_start, value_end)));
    }
}

/// The position after `</name>` if it starts at `at`.
fn closing_tag(bytes: &[u8], at: usize, name: &[u8]) -> Option<usize> {
    let end = at + name.len() + 3;
    let tag = bytes.get(at..end)?;
    let (open, rest) = tag.split_at(2);
    let (tag_name, close) = rest.split_at(name.len());
    (open == b"</" && close == b">" && same(tag_name, name)).then_some(end)
}

/// `a == b` for slices of equal length, short ones compared as words
/// rather than by a `memcmp` call.
fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    match n {
        8..=16 => word(&a[..8]) == word(&b[..8]) && word(&a[n - 8..]) == word(&b[n - 8..]),
        _ => a == b,
    }
}

/// The length of the name at the start of `bytes`: letters, digits and `_`.
fn name_len(bytes: &[u8]) -> usize {
    bytes.iter().position(|&b| !NAME_BYTE[usize::from(b)]).unwrap_or(bytes.len())
}

static NAME_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'_';
        b += 1;
    }
    table
};

/// Where the `]]>` closing a CDATA section starts.
fn cdata_end(bytes: &[u8], mut from: usize) -> Option<usize> {
    loop {
        let i = value_stop(bytes, from, |w| has_byte(w, b']'))?;
        if bytes[i..].starts_with(b"]]>") {
            return Some(i);
        }
        from = i + 1;
    }
}

/// Where the text value starting at `from` ends (its `<`), if it holds no
/// reference or `>` (which the full parser handles).
fn text_end(bytes: &[u8], from: usize) -> Option<usize> {
    let i = value_stop(bytes, from, |w| has_byte(w, b'<') | has_byte(w, b'&') | has_byte(w, b'>'))?;
    (bytes[i] == b'<').then_some(i)
}

/// The first byte at or after `from` that `stops` flags, or `None` at the
/// first byte that needs the full parser: a control character other than
/// tab and line feed (carriage returns are normalised, the rest are not
/// XML) or U+FFFE / U+FFFF (EF BF BE, EF BF BF).
///
/// Only values can hold such bytes: names, tags and the space between them
/// are matched exactly. The search takes eight bytes at a time in a
/// register (values are mostly short, where a call into `memchr` costs
/// more than the search).
fn value_stop(bytes: &[u8], mut from: usize, stops: impl Fn(u64) -> u64) -> Option<usize> {
    loop {
        let i = find_flagged(bytes, from, |w| stops(w) | has_byte_below(w, 0x20) | has_byte(w, 0xEF))?;
        match bytes[i] {
            b'\t' | b'\n' => from = i + 1,
            0xEF if bytes.get(i + 1) == Some(&0xBF) && matches!(bytes.get(i + 2), Some(0xBE | 0xBF)) => return None,
            0xEF => from = i + 1,
            b if b < 0x20 => return None,
            _ => return Some(i),
        }
    }
}

/// The first position at or after `from` whose byte `flags` marks, reading
/// little-endian words (the tail padded with spaces, which no search wants).
fn find_flagged(bytes: &[u8], from: usize, flags: impl Fn(u64) -> u64) -> Option<usize> {
    let mut at = from;
    let mut words = bytes.get(from..)?.chunks_exact(8);
    for w in &mut words {
        let hits = flags(word(w));
        if hits != 0 {
            return Some(at + (hits.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    let mut tail = [b' '; 8];
    tail[..words.remainder().len()].copy_from_slice(words.remainder());
    let hits = flags(u64::from_le_bytes(tail));
    let i = at + (hits.trailing_zeros() / 8) as usize;
    (hits != 0 && i < bytes.len()).then_some(i)
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Flags (with 0x80) the bytes of `w` equal to `b`. A byte above a flagged
/// one may be flagged falsely; the lowest flag never is.
fn has_byte(w: u64, b: u8) -> u64 {
    let x = w ^ (ONES * u64::from(b));
    x.wrapping_sub(ONES) & !x & HIGHS
}

/// Flags the bytes of `w` below `n` (at most 0x80), with the same caveat.
fn has_byte_below(w: u64, n: u8) -> u64 {
    w.wrapping_sub(ONES * u64::from(n)) & !w & HIGHS
}

fn word(b: &[u8]) -> u64 {
    u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
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
