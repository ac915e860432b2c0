//! What signing reads from a message: its fields, by index.
//!
//! Messages are field lists, held by the caller or parsed from a document;
//! the hot steps (sort keys and the canonical string) ask the message to
//! do them.

use digest::Update;

use super::canonical::Canonical;
use super::order;

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
