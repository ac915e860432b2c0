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
    Flat::locate(doc).map(Flat::into_fields)
}

/// A document in the flat shape with its fields located but not sliced:
/// signing reads them straight from the document.
pub(crate) struct Flat<'a> {
    doc: &'a str,
    spans: Vec<(u64, u64)>,
}

impl<'a> Flat<'a> {
    pub(crate) fn locate(doc: &'a str) -> Option<Flat<'a>> {
        Some(Flat {
            doc,
            spans: spans(doc.as_bytes())?,
        })
    }

    pub(crate) fn len(&self) -> usize {
        self.spans.len()
    }

    /// Field `i`'s name as `(start, end)` byte offsets.
    pub(crate) fn name_span(&self, i: usize) -> (usize, usize) {
        unpack(self.spans[i].0)
    }

    pub(crate) fn value_span(&self, i: usize) -> (usize, usize) {
        unpack(self.spans[i].1)
    }

    /// The text of a span.
    pub(crate) fn text(&self, (start, end): (usize, usize)) -> &'a str {
        // Cannot panic: every span boundary is next to an ASCII byte (`<`,
        // `>` or `[`), and no UTF-8 continuation byte follows or precedes
        // one, so all fall on character boundaries.
        &self.doc[start..end]
    }

    pub(crate) fn name_bytes(&self, i: usize) -> &'a [u8] {
        let (start, end) = self.name_span(i);
        &self.doc.as_bytes()[start..end]
    }

    pub(crate) fn bytes(&self) -> &'a [u8] {
        self.doc.as_bytes()
    }

    /// Sixteen bytes of the document from `at`, little-endian, if that many remain.
    pub(crate) fn load(&self, at: usize) -> Option<u128> {
        chunk(self.doc.as_bytes(), at).map(|c| u128::from_le_bytes(*c))
    }

    pub(crate) fn into_fields(self) -> Vec<Field<'a>> {
        (0..self.len())
            .map(|i| {
                (
                    Cow::Borrowed(self.text(self.name_span(i))),
                    Cow::Borrowed(self.text(self.value_span(i))),
                )
            })
            .collect()
    }
}

fn unpack(span: u64) -> (usize, usize) {
    ((span >> 32) as usize, (span as u32) as usize)
}

/// Each field's name and value as `start << 32 | end`.
///
/// Two integers per field rather than the fields themselves: pushing a
/// four-word tuple compiled to a copy through the stack that stalled on
/// store forwarding, and cost more than the second pass in `scan`.
///
/// The per-field work is written to avoid branches that depend on lengths:
/// names, values and closing tags are examined sixteen bytes at a time in
/// a register, so a typical field costs a handful of well-predicted
/// branches instead of one mispredicted loop exit per name and per value.
fn spans(bytes: &[u8]) -> Option<Vec<(u64, u64)>> {
    u32::try_from(bytes.len()).ok()?;
    let span = |start: usize, end: usize| (start as u64) << 32 | end as u64;
    let mut at = expect(bytes, skip_space(bytes, 0), b"<xml>")?;
    let mut fields = Vec::with_capacity(bytes.len() / 48 + 4);
    loop {
        at = skip_space(bytes, at);
        if bytes.get(at) != Some(&b'<') {
            return None;
        }
        let name_start = at + 1;
        // Started at the name, before its end is known, so that the two
        // searches overlap instead of waiting on each other: a name and
        // `><![CDATA[` hold no byte this stops at, so for a CDATA value it
        // finds the value's first stop.
        let early = first_flagged(bytes, name_start, chunk::cdata_stops);
        let name_end = name_start + name_len(bytes, name_start);
        if name_end == name_start {
            let after = expect(bytes, name_start, b"/xml>")?;
            return (skip_space(bytes, after) == bytes.len()).then_some(fields);
        }
        if bytes.get(name_end) != Some(&b'>') {
            return None;
        }
        let (value_start, value_end, close);
        if let Some(inner) = cdata_start(bytes, name_end + 1) {
            value_start = inner;
            value_end = match early {
                Some(i) if i >= inner => cdata_end_from(bytes, i)?,
                _ => cdata_end(bytes, inner)?,
            };
            close = value_end + 3;
        } else {
            value_start = name_end + 1;
            value_end = text_end(bytes, value_start)?;
            close = value_end;
        }
        at = closing_tag(bytes, close, name_start, name_end)?;
        fields.push((span(name_start, name_end), span(value_start, value_end)));
    }
}

/// The position after `</name>` if it starts at `at`, `name` being
/// `bytes[name_start..name_end]`.
fn closing_tag(bytes: &[u8], at: usize, name_start: usize, name_end: usize) -> Option<usize> {
    let n = name_end - name_start;
    let end = at + n + 3;
    let tag = bytes.get(at..end)?;
    if tag[0] != b'<' || tag[1] != b'/' || tag[n + 2] != b'>' {
        return None;
    }
    let same = match (n < 16, chunk(bytes, at + 2), chunk(bytes, name_start)) {
        (true, Some(a), Some(b)) => chunk::equal(a, b) | !((1u16 << n) - 1) == u16::MAX,
        _ => tag[2..n + 2] == bytes[name_start..name_end],
    };
    same.then_some(end)
}

/// The length of the name starting at `from`: letters, digits and `_`.
fn name_len(bytes: &[u8], from: usize) -> usize {
    if let Some(c) = chunk(bytes, from) {
        let others = !chunk::name_bytes(c);
        if others != 0 {
            return others.trailing_zeros() as usize;
        }
    }
    let rest = bytes.get(from..).unwrap_or_default();
    rest.iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_'))
        .unwrap_or(rest.len())
}

/// Where the `]]>` closing a CDATA section that starts at `from` starts.
fn cdata_end(bytes: &[u8], from: usize) -> Option<usize> {
    cdata_end_from(bytes, first_flagged(bytes, from, chunk::cdata_stops)?)
}

/// `cdata_end` given `first`, the section's first byte that
/// `chunk::cdata_stops` flags.
fn cdata_end_from(bytes: &[u8], first: usize) -> Option<usize> {
    let mut i = resolve_stop(bytes, first, chunk::cdata_stops)?;
    while !bytes[i..].starts_with(b"]]>") {
        i = value_stop(bytes, i + 1, chunk::cdata_stops)?;
    }
    Some(i)
}

/// Where the text value starting at `from` ends (its `<`), if it holds no
/// reference or `>` (which the full parser handles).
fn text_end(bytes: &[u8], from: usize) -> Option<usize> {
    let i = value_stop(bytes, from, chunk::text_stops)?;
    (bytes[i] == b'<').then_some(i)
}

/// The first byte at or after `from` where the value ends, or `None` at the
/// first byte that needs the full parser: a control character other than
/// tab and line feed (carriage returns are normalised, the rest are not
/// XML) or U+FFFE / U+FFFF (EF BF BE, EF BF BF). `stops` flags the ends and
/// those bytes (the lowest flag exact).
///
/// Only values can hold such bytes: names, tags and the space between them
/// are matched exactly.
fn value_stop(bytes: &[u8], from: usize, stops: fn(&[u8; 16]) -> u16) -> Option<usize> {
    resolve_stop(bytes, first_flagged(bytes, from, stops)?, stops)
}

/// `value_stop` given `i`, the first byte that `stops` flags.
fn resolve_stop(bytes: &[u8], mut i: usize, stops: fn(&[u8; 16]) -> u16) -> Option<usize> {
    loop {
        match bytes[i] {
            b if b >= 0x20 && b != 0xEF => return Some(i),
            b'\t' | b'\n' => {}
            0xEF if bytes.get(i + 1) == Some(&0xBF)
                && matches!(bytes.get(i + 2), Some(0xBE | 0xBF)) =>
            {
                return None;
            }
            0xEF => {}
            _ => return None,
        }
        i = first_flagged(bytes, i + 1, stops)?;
    }
}

/// The first position at or after `from` that `flags` marks, sixteen bytes
/// at a time (the tail padded with spaces, which no search wants).
fn first_flagged(bytes: &[u8], mut from: usize, flags: fn(&[u8; 16]) -> u16) -> Option<usize> {
    while let Some(c) = chunk(bytes, from) {
        let hits = flags(c);
        if hits != 0 {
            return Some(from + hits.trailing_zeros() as usize);
        }
        from += 16;
    }
    let rest = bytes.get(from..)?;
    let mut tail = [b' '; 16];
    tail[..rest.len()].copy_from_slice(rest);
    let i = flags(&tail).trailing_zeros() as usize;
    (i < rest.len()).then_some(from + i)
}

use crate::chunk::{self, at as chunk};

/// The position after `<![CDATA[` if the document has it at `at`, compared
/// as one word and a byte (a `memcmp` call costs more).
fn cdata_start(bytes: &[u8], at: usize) -> Option<usize> {
    let b = bytes.get(at..at.checked_add(9)?)?;
    let head = u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]);
    (head == u64::from_le_bytes(*b"<![CDATA") && b[8] == b'[').then_some(at + 9)
}

/// The position after `want` if the document has it at `at`.
fn expect(bytes: &[u8], at: usize, want: &[u8]) -> Option<usize> {
    bytes
        .get(at..)?
        .starts_with(want)
        .then_some(at + want.len())
}

fn skip_space(bytes: &[u8], mut at: usize) -> usize {
    if bytes.get(at) == Some(&b'<') {
        return at;
    }
    while at < bytes.len() && matches!(bytes[at], b' ' | b'\t' | b'\n') {
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_len_reads_past_sixteen_bytes_and_up_to_the_end() {
        for n in 0..40 {
            let name = "n".repeat(n);
            assert_eq!(
                name_len(format!("{name}>and more text here").as_bytes(), 0),
                n
            );
            assert_eq!(name_len(name.as_bytes(), 0), n);
        }
    }
}
