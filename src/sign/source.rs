//! What signing reads from a message: its fields, by index.
//!
//! Two kinds of message are signed: field lists held by the caller, and
//! documents in WeChat's flat XML shape, whose fields are still spans of
//! the document. The second kind can be read faster (sixteen bytes at a
//! time, since the document goes on past each span), so the hot steps
//! (sort keys and the canonical string) ask the message to do them.

use digest::Update;

use super::canonical::Canonical;
use super::order;
use crate::xml::flat::Flat;

pub(super) trait Source {
    /// Whether names usually differ within their first seven bytes, as a
    /// request's do, so that `order::Keys` tries 64-bit sort keys first. A
    /// response's `coupon_fee_0`, `coupon_id_0`... do not.
    const NARROW_KEYS: bool = false;

    fn count(&self) -> usize;
    fn name(&self, i: usize) -> &str;
    fn value(&self, i: usize) -> &str;

    /// The name's sort key prefix, as `order::prefix` computes it.
    fn prefix(&self, i: usize) -> u128 {
        order::prefix(self.name(i).as_bytes())
    }

    /// Appends `name=value&` for field `i`.
    fn write<H: Update>(&self, i: usize, text: &mut Canonical<'_, H>) {
        text.field(self.name(i).as_bytes(), self.value(i).as_bytes());
    }

    /// Whether field `i` is part of the signed string: all but `sign` and
    /// empty values.
    fn signed(&self, i: usize) -> bool {
        !self.value(i).is_empty() && self.name(i) != "sign"
    }

    fn find(&self, name: &str) -> Option<&str> {
        (0..self.count())
            .find(|&i| self.name(i) == name)
            .map(|i| self.value(i))
    }
}

impl<K: AsRef<str>, V: AsRef<str>> Source for [(K, V)] {
    const NARROW_KEYS: bool = true;

    fn count(&self) -> usize {
        self.len()
    }

    fn name(&self, i: usize) -> &str {
        self[i].0.as_ref()
    }

    fn value(&self, i: usize) -> &str {
        self[i].1.as_ref()
    }
}

impl Source for Flat<'_> {
    fn count(&self) -> usize {
        self.len()
    }

    fn name(&self, i: usize) -> &str {
        self.text(self.name_span(i))
    }

    fn value(&self, i: usize) -> &str {
        self.text(self.value_span(i))
    }

    /// The first sixteen bytes at the name's start, the bytes past its end
    /// masked off: one load instead of a copy.
    #[inline]
    fn prefix(&self, i: usize) -> u128 {
        let (start, end) = self.name_span(i);
        let n = end - start;
        match self.load(start) {
            Some(x) if n >= 16 => x.swap_bytes(),
            Some(x) => (x & ((1u128 << (8 * n)) - 1)).swap_bytes(),
            None => order::prefix(self.text((start, end)).as_bytes()),
        }
    }

    #[inline]
    fn write<H: Update>(&self, i: usize, text: &mut Canonical<'_, H>) {
        text.field_within(self.bytes(), self.name_span(i), self.bytes(), self.value_span(i));
    }

    #[inline]
    fn signed(&self, i: usize) -> bool {
        let (start, end) = self.value_span(i);
        end > start && self.name_bytes(i) != b"sign"
    }

    fn find(&self, name: &str) -> Option<&str> {
        let name = name.as_bytes();
        (0..self.count())
            .find(|&i| {
                let (start, end) = self.name_span(i);
                // The length first: most names are ruled out without a comparison.
                end - start == name.len() && self.name_bytes(i) == name
            })
            .map(|i| self.value(i))
    }
}
