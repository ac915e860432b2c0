//! WeChat's flat `<xml>` documents: one root, one child element per field.
//!
//! Parsing is deliberately strict: no DOCTYPE (so no external entities and no
//! entity expansion), no nesting, no duplicate names, UTF-8 only, and a size
//! limit checked before any parsing work.

use std::borrow::Cow;

use quick_xml::Reader;
use quick_xml::events::{BytesRef, BytesStart, Event};

use crate::error::{Error, ErrorKind, Result, truncate};
use crate::fields::Fields;

/// The default limit on a document's size: 1 MiB.
pub const DEFAULT_MAX_SIZE: usize = 1 << 20;

/// The most fields a document may have ([`ErrorKind::XmlTooManyFields`]
/// beyond it). WeChat's largest message is a refund query's page: about 20
/// fields, then 11 per refund and 3 per refunded coupon, for at most 10
/// refunds a page, so a few hundred. Parsing and verifying cost about 300 ns
/// a field beyond what the bytes cost, so this limit is what bounds a
/// hostile notify_url body made of many tiny fields (at 1,024 it costs at
/// most about 2x what a body of the same size in large fields does). A
/// client's `max_fields` option changes it.
pub const MAX_FIELDS: usize = 1024;

/// A document's limits: its size in bytes and its number of fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_size: usize,
    pub max_fields: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { max_size: DEFAULT_MAX_SIZE, max_fields: MAX_FIELDS }
    }
}

/// A size limit with the default field limit.
impl From<usize> for Limits {
    fn from(max_size: usize) -> Limits {
        Limits { max_size, ..Limits::default() }
    }
}

/// Parses a document within the default limits.
pub fn parse(doc: &[u8]) -> Result<Fields> {
    parse_with_limit(doc, Limits::default())
}

/// Parses a document within `limits` (a size in bytes, or [`Limits`]).
pub fn parse_with_limit(doc: &[u8], limits: impl Into<Limits>) -> Result<Fields> {
    Ok(owned(parse_pairs(doc, limits.into(), None)?))
}

fn owned(pairs: Vec<Field<'_>>) -> Fields {
    Fields::from_unique(pairs.into_iter().map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
}

/// A field whose name and value borrow from the document where they can.
pub type Field<'a> = (Cow<'a, str>, Cow<'a, str>);

/// Parses a document within `limits` (a size in bytes, or [`Limits`])
/// without copying the values that need no unescaping.
pub fn parse_borrowed(doc: &[u8], limits: impl Into<Limits>) -> Result<Vec<Field<'_>>> {
    parse_pairs(doc, limits.into(), None)
}

fn parse_pairs(doc: &[u8], limits: Limits, records: Option<Records>) -> Result<Vec<Field<'_>>> {
    let text = checked_text(doc, limits.max_size)?;
    let pairs = Parser::new(limits.max_fields, records).run(text)?;
    reject_duplicates(pairs.iter().map(|(k, _)| k.as_ref()))?;
    Ok(pairs)
}

/// Rejects a name given twice, in O(n log n) so that a large document of
/// many fields cannot make it quadratic.
pub(crate) fn reject_duplicates<'a>(names: impl Iterator<Item = &'a str>) -> Result<()> {
    let mut names: Vec<&str> = names.collect();
    names.sort_unstable();
    match names.windows(2).find(|w| w[0] == w[1]) {
        Some(w) => Err(duplicate(w[0])),
        None => Ok(()),
    }
}

pub(crate) fn duplicate(name: &str) -> Error {
    Error::new(ErrorKind::XmlDuplicate, format!("field <{}> appears more than once", truncate(name, 64)))
}

/// The document as text: within the size limit, without a byte order
/// mark, valid UTF-8.
pub(crate) fn checked_text(doc: &[u8], max_size: usize) -> Result<&str> {
    if doc.len() > max_size {
        return Err(Error::new(
            ErrorKind::XmlTooLarge,
            format!("the XML document has {} bytes, over the limit of {max_size}", doc.len()),
        ));
    }
    let doc = doc.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(doc);
    let text = std::str::from_utf8(doc).map_err(|e| {
        Error::new(
            ErrorKind::XmlInvalidUtf8,
            format!("the XML document is not valid UTF-8 (at byte {})", e.valid_up_to()),
        )
    })?;
    Ok(text)
}

/// Parses checked text of at most `max_fields` fields, without the
/// duplicate check, which callers that sort the fields anyway
/// (verification) do themselves.
pub(crate) fn parse_text(text: &str, max_fields: usize) -> Result<Vec<Field<'_>>> {
    Parser::new(max_fields, None).run(text)
}

/// The one nesting a response may have, where an endpoint answers with a
/// list of records (`mmpaymkttransfers/gethbinfo`:
/// `<hblist><hbinfo>...</hbinfo>...</hblist>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Records {
    /// The list element, a field of the root.
    pub list: &'static str,
    /// Each record's element, directly inside the list; its children are
    /// flat fields.
    pub item: &'static str,
}

/// Parses a document like [`parse_with_limit`], but accepts `records`
/// inside the root: the fields of record `n` (from 0) come out as
/// `name_n`, WeChat's own convention for numbered fields (`openid_0`,
/// `amount_0`, ...), so the document stays one flat field set. Any other
/// nesting is refused as everywhere else.
pub fn parse_records(doc: &[u8], limits: impl Into<Limits>, records: Records) -> Result<Fields> {
    Ok(owned(parse_pairs(doc, limits.into(), Some(records))?))
}

/// The parser: quick-xml's events, checked against WeChat's flat shape.
///
/// Names, and values given as one piece of text or CDATA, are borrowed from
/// the document: a field costs no allocation of its own.
struct Parser<'a> {
    /// The fields so far; inside a field, the last one is that field.
    fields: Vec<Field<'a>>,
    state: State,
    max_fields: usize,
    /// The list of records this document may hold, if any.
    records: Option<Records>,
    next_record: usize,
}

#[derive(Clone, Copy, Default, PartialEq)]
enum State {
    #[default]
    BeforeRoot,
    InRoot,
    /// Inside the last of the fields, which belongs to this record if any.
    InField(Option<usize>),
    /// Inside the list of records.
    InList,
    /// Inside record `n`.
    InRecord(usize),
    AfterRoot,
}

impl<'a> Parser<'a> {
    fn new(max_fields: usize, records: Option<Records>) -> Parser<'a> {
        Parser { fields: Vec::new(), state: State::default(), max_fields, records, next_record: 0 }
    }

    fn run(mut self, text: &'a str) -> Result<Vec<Field<'a>>> {
        // Room for fields of about 32 bytes each, WeChat's typical size.
        self.fields.reserve((text.len() / 32).min(self.max_fields));
        // XML reads a carriage return as a line feed; quick-xml's
        // xml10_content does that per value, which a document without one
        // (nearly every document) does not need.
        let has_cr = memchr::memchr(b'\r', text.as_bytes()).is_some();
        let mut reader = Reader::from_str(text);
        loop {
            let at = reader.buffer_position() as usize;
            let event = reader.read_event().map_err(|e| {
                Error::new(ErrorKind::XmlMalformed, format!("malformed XML near byte {at}: {e}"))
            })?;
            match &event {
                Event::Eof => break,
                Event::DocType(_) => {
                    return Err(Error::new(
                        ErrorKind::XmlDoctype,
                        "DOCTYPE and entity declarations are refused (XXE and entity expansion)",
                    ));
                }
                Event::PI(_) => return Err(malformed("processing instructions are not accepted")),
                Event::Decl(decl) => self.declaration(decl)?,
                Event::Comment(_) => {}
                Event::Start(start) => self.start(borrowed(text, start.name().into_inner()), start, false)?,
                Event::Empty(start) => self.start(borrowed(text, start.name().into_inner()), start, true)?,
                Event::End(_) => self.end()?,
                Event::Text(t) => self.text(if has_cr { t.xml10_content() } else { borrowed(text, t) })?,
                Event::CData(c) => self.text(if has_cr { c.xml10_content() } else { borrowed(text, c) })?,
                Event::GeneralRef(r) => {
                    let c = resolve(r)?;
                    self.text(Cow::Owned(c.to_string()))?;
                }
            }
        }
        match self.state {
            State::AfterRoot => Ok(self.fields),
            State::BeforeRoot => Err(malformed("the document has no <xml> root element")),
            _ => Err(malformed("the document ends inside the <xml> element")),
        }
    }

    fn declaration(&self, decl: &quick_xml::events::BytesDecl<'_>) -> Result<()> {
        if self.state != State::BeforeRoot {
            return Err(malformed("an XML declaration after the start of the document"));
        }
        if let Some(Ok(enc)) = decl.encoding() {
            if !enc.eq_ignore_ascii_case("utf-8") {
                return Err(Error::new(
                    ErrorKind::XmlInvalidUtf8,
                    "the XML declaration names an encoding other than UTF-8",
                ));
            }
        }
        Ok(())
    }

    fn start(&mut self, name: Cow<'a, str>, start: &BytesStart<'_>, empty: bool) -> Result<()> {
        if !is_element_name(&name) {
            return Err(malformed(format!("element name {:?} is not a valid XML name", truncate(&name, 64))));
        }
        if !start.attributes_raw().is_empty() && start.attributes().next().is_some() {
            return Err(malformed(format!("element <{}> has attributes", truncate(&name, 64))));
        }
        match self.state {
            State::BeforeRoot if name == "xml" => {
                self.state = if empty { State::AfterRoot } else { State::InRoot };
            }
            State::BeforeRoot => {
                return Err(Error::new(
                    ErrorKind::XmlRoot,
                    format!("the root element is <{}>, not <xml>", truncate(&name, 64)),
                ));
            }
            State::InRoot if self.records.is_some_and(|r| r.list == name) => {
                self.state = if empty { State::InRoot } else { State::InList };
            }
            State::InRoot => self.open(name, None, empty)?,
            State::InList if self.records.is_some_and(|r| r.item == name) => {
                let n = self.next_record;
                self.next_record += 1;
                self.state = if empty { State::InList } else { State::InRecord(n) };
            }
            State::InList => {
                let list = self.records.map_or("", |r| r.list);
                return Err(Error::new(
                    ErrorKind::XmlNested,
                    format!("<{list}> contains <{}>, which is not one of its records", truncate(&name, 64)),
                ));
            }
            State::InRecord(n) => self.open(Cow::Owned(format!("{name}_{n}")), Some(n), empty)?,
            State::InField(_) => {
                let field = self.fields.last().map_or("", |(field, _)| field);
                return Err(Error::new(
                    ErrorKind::XmlNested,
                    format!("field <{}> contains an element; fields must be flat", truncate(field, 64)),
                ));
            }
            State::AfterRoot => return Err(malformed("content after the closing </xml>")),
        }
        Ok(())
    }

    /// Starts a field, of `record` if it is one's; an empty element ends it at once.
    fn open(&mut self, name: Cow<'a, str>, record: Option<usize>, empty: bool) -> Result<()> {
        self.fields.push((name, Cow::Borrowed("")));
        if empty {
            self.close()
        } else {
            self.state = State::InField(record);
            Ok(())
        }
    }

    fn end(&mut self) -> Result<()> {
        self.state = match self.state {
            State::InField(record) => {
                self.close()?;
                record.map_or(State::InRoot, State::InRecord)
            }
            State::InRecord(_) => State::InList,
            State::InList => State::InRoot,
            State::InRoot => State::AfterRoot,
            _ => return Err(malformed("a closing tag without its opening tag")),
        };
        Ok(())
    }

    fn text(&mut self, text: Cow<'a, str>) -> Result<()> {
        match (self.state, self.fields.last_mut()) {
            (State::InField(_), Some((_, value))) if value.is_empty() => {
                *value = text;
                Ok(())
            }
            (State::InField(_), Some((_, value))) => {
                value.to_mut().push_str(&text);
                Ok(())
            }
            _ if text.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n')) => Ok(()),
            _ => Err(malformed("text outside a field element")),
        }
    }

    /// Ends the last field: its value must hold only XML characters, and
    /// it must be within the field limit.
    fn close(&self) -> Result<()> {
        let Some((name, value)) = self.fields.last() else { return Ok(()) };
        if let Some(c) = first_non_xml_char(value) {
            return Err(malformed(format!(
                "field <{}> holds the character U+{:04X}, which XML does not allow",
                truncate(name, 64),
                u32::from(c)
            )));
        }
        if self.fields.len() > self.max_fields {
            return Err(Error::new(
                ErrorKind::XmlTooManyFields,
                format!("the XML document has more than {} fields", self.max_fields),
            ));
        }
        Ok(())
    }
}

/// A piece of an event (a name, a text, a CDATA section), borrowed from
/// the document.
fn borrowed<'a>(text: &'a str, part: &str) -> Cow<'a, str> {
    match within(text, part) {
        Some(borrowed) => Cow::Borrowed(borrowed),
        None => Cow::Owned(part.to_owned()),
    }
}

/// `part` as the piece of `text` it is, if it is one: quick-xml's events
/// from a `&str` borrow their pieces from it, but hand some out only for as
/// long as the event lives.
fn within<'a>(text: &'a str, part: &str) -> Option<&'a str> {
    let start = (part.as_ptr() as usize).checked_sub(text.as_ptr() as usize)?;
    text.get(start..start.checked_add(part.len())?)
}

fn resolve(r: &BytesRef<'_>) -> Result<char> {
    let name: &str = r;
    match name {
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "amp" => Ok('&'),
        "quot" => Ok('"'),
        "apos" => Ok('\''),
        _ => match r.resolve_char_ref() {
            Ok(Some(c)) => Ok(c),
            Ok(None) => Err(Error::new(
                ErrorKind::XmlEntity,
                format!("reference to the undefined entity &{};", truncate(name, 64)),
            )),
            Err(e) => Err(malformed(format!("bad character reference &{};: {e}", truncate(name, 64)))),
        },
    }
}

fn malformed(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::XmlMalformed, message)
}

/// XML 1.0's `Char` production (Rust strings cannot hold surrogates).
/// The first character XML does not allow. In a `str` only ASCII controls
/// and U+FFFE/U+FFFF (encoded from a 0xEF byte) can be such; a byte scan
/// rules both out for nearly every value before any character is decoded.
fn first_non_xml_char(s: &str) -> Option<char> {
    if s.bytes().all(|b| (b >= 0x20 && b != 0xEF) || matches!(b, b'\t' | b'\n' | b'\r')) {
        return None;
    }
    s.chars().find(|&c| !is_xml_char(c))
}

/// A name quick-xml found (it ends at ASCII whitespace) holds no other
/// whitespace and only XML characters. WeChat's names are ASCII letters,
/// digits and `_`, which settles most names without decoding a character.
fn is_element_name(name: &str) -> bool {
    !name.is_empty()
        && (name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            || name.chars().all(|c| is_xml_char(c) && !c.is_whitespace()))
}

fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Builds `<xml><name><![CDATA[value]]></name>...</xml>` in the given order.
///
/// A value containing `]]>` is split across CDATA sections and a carriage
/// return is written as `&#13;`, so that every value parses back unchanged.
pub fn build<K: AsRef<str>, V: AsRef<str>>(fields: &[(K, V)]) -> Result<String> {
    let mut names: Vec<&str> = Vec::with_capacity(fields.len());
    let mut size = 11;
    for (k, v) in fields {
        let (k, v) = (k.as_ref(), v.as_ref());
        check_name(k)?;
        if let Some(c) = v.chars().find(|&c| !is_xml_char(c)) {
            return Err(Error::new(
                ErrorKind::InvalidFieldValue,
                format!("field `{k}` holds the character U+{:04X}, which XML cannot carry", u32::from(c)),
            ));
        }
        names.push(k);
        size += 2 * k.len() + v.len() + 17;
    }
    names.sort_unstable();
    if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
        return Err(Error::new(ErrorKind::DuplicateField, format!("field `{}` appears more than once", w[0])));
    }
    let mut out = String::with_capacity(size);
    out.push_str("<xml>");
    for (k, v) in fields {
        let k = k.as_ref();
        out.push('<');
        out.push_str(k);
        out.push('>');
        push_cdata(&mut out, v.as_ref());
        out.push_str("</");
        out.push_str(k);
        out.push('>');
    }
    out.push_str("</xml>");
    Ok(out)
}

fn push_cdata(out: &mut String, value: &str) {
    let bytes = value.as_bytes();
    out.push_str("<![CDATA[");
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        if bytes[i] == b'\r' {
            out.push_str(&value[start..i]);
            out.push_str("]]>&#13;<![CDATA[");
            i += 1;
            start = i;
        } else if bytes[i..].starts_with(b"]]>") {
            out.push_str(&value[start..i + 2]);
            out.push_str("]]><![CDATA[");
            i += 2;
            start = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&value[start..]);
    out.push_str("]]>");
}

/// Field names are XML element names; WeChat uses `[a-z0-9_]`, we allow the
/// ASCII subset of XML names.
fn check_name(name: &str) -> Result<()> {
    let mut bytes = name.bytes();
    let first_ok = matches!(bytes.next(), Some(b) if b.is_ascii_alphabetic() || b == b'_');
    if first_ok && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')) {
        Ok(())
    } else {
        Err(Error::new(
            ErrorKind::InvalidFieldName,
            format!("`{}` is not a valid field name (ASCII letter or _, then letters, digits, _ - .)", truncate(name, 64)),
        ))
    }
}

#[cfg(test)]
mod tests;
