//! The byte order of field names, found by sorting plain integers.
//!
//! Each field becomes one `u128`: the name's first bytes, big-endian and
//! zero-padded, in the high bits and the field's index in the low bits.
//! Sorting those integers orders the fields by name prefix; names that share
//! the whole prefix (rare: WeChat's names are short) are then put in order
//! by comparing them in full. Integers sort several times faster than
//! tuples of string slices, with no `memcmp` call per comparison.

use std::mem::MaybeUninit;

use super::source::Source;
use crate::error::{Error, ErrorKind, Result};

/// Room for the sort keys: on the stack for the usual message sizes, on
/// the heap beyond. It lives in the caller's frame so that the keys are
/// never moved.
pub(super) struct Keys {
    /// Left uninitialized: zeroing them costs more than sorting a usual
    /// message's keys. Only the entries `order` writes are read.
    wide: [MaybeUninit<u128>; STACK_FIELDS],
    narrow: [MaybeUninit<u64>; STACK_FIELDS],
    heap: Vec<u128>,
}

const STACK_FIELDS: usize = 64;

/// The index bits of a narrow key: `STACK_FIELDS` indices fit.
const NARROW_INDEX: u64 = 0xff;

impl Keys {
    pub(super) fn new() -> Keys {
        Keys {
            wide: [MaybeUninit::uninit(); STACK_FIELDS],
            narrow: [MaybeUninit::uninit(); STACK_FIELDS],
            heap: Vec::new(),
        }
    }

    /// Orders the fields of `source` by name, refusing a name given twice
    /// (so that no copy of a field escapes the signature) and an empty name.
    ///
    /// A source whose names usually differ within seven bytes (a request's)
    /// is sorted by 64-bit keys first, which sort more than twice as fast;
    /// if two names share those bytes, it is sorted again by 128-bit keys.
    pub(super) fn order<S: Source + ?Sized>(
        &mut self,
        source: &S,
        on_duplicate: fn(&str) -> Error,
    ) -> Result<Order<'_>> {
        let count = source.count();
        let name = |i: usize| source.name(i);
        if S::NARROW_KEYS && count <= STACK_FIELDS {
            let keys = init(&mut self.narrow[..count], |i| {
                ((source.prefix(i) >> 64) as u64 & !NARROW_INDEX) | i as u64
            });
            keys.sort_unstable();
            if keys.windows(2).all(|w| (w[0] ^ w[1]) & !NARROW_INDEX != 0) {
                refuse_empty_name(keys.first().map(|&k| name((k & NARROW_INDEX) as usize)))?;
                return Ok(Order {
                    narrow: keys,
                    wide: &[],
                    index_mask: 0,
                });
            }
        }
        let index_bits = match count {
            0..=0x100 => 8,
            0x101..=0x1_0000 => 16,
            _ => 64,
        };
        let index_mask = (1u128 << index_bits) - 1;
        let key = |i: usize| (source.prefix(i) & !index_mask) | i as u128;
        let keys: &mut [u128] = if count > STACK_FIELDS {
            self.heap = (0..count).map(key).collect();
            &mut self.heap[..]
        } else {
            init(&mut self.wide[..count], key)
        };
        keys.sort_unstable();
        settle_ties(keys, index_mask, &name, on_duplicate)?;
        refuse_empty_name(keys.first().map(|&k| name((k & index_mask) as usize)))?;
        Ok(Order {
            narrow: &[],
            wide: keys,
            index_mask,
        })
    }
}

/// Writes `key(i)` into every slot and returns them as initialized.
fn init<T: Copy>(slots: &mut [MaybeUninit<T>], key: impl Fn(usize) -> T) -> &mut [T] {
    for (i, slot) in slots.iter_mut().enumerate() {
        slot.write(key(i));
    }
    // SAFETY: every slot was just written, and `MaybeUninit<T>` has the
    // layout of `T`.
    unsafe { &mut *(slots as *mut [MaybeUninit<T>] as *mut [T]) }
}

/// Names sort first when empty: the first name is the one to check.
fn refuse_empty_name(first: Option<&str>) -> Result<()> {
    match first {
        Some("") => Err(Error::new(
            ErrorKind::InvalidFieldName,
            "a field has an empty name",
        )),
        _ => Ok(()),
    }
}

/// Field indices in name byte order: from narrow keys or from wide ones.
pub(super) struct Order<'k> {
    narrow: &'k [u64],
    wide: &'k [u128],
    index_mask: u128,
}

impl Order<'_> {
    pub(super) fn indices(&self) -> impl Iterator<Item = usize> + '_ {
        let narrow = self.narrow.iter().map(|&key| (key & NARROW_INDEX) as usize);
        let wide = self.wide.iter().map(|&key| (key & self.index_mask) as usize);
        narrow.chain(wide)
    }
}

/// Orders each run of keys whose name prefixes are equal by the full names,
/// and refuses equal names (which can only sit in such a run).
fn settle_ties<'a>(
    keys: &mut [u128],
    index_mask: u128,
    name: &impl Fn(usize) -> &'a str,
    on_duplicate: fn(&str) -> Error,
) -> Result<()> {
    // Most messages have no two names sharing a prefix: one pass says so.
    if keys.windows(2).all(|w| (w[0] ^ w[1]) & !index_mask != 0) {
        return Ok(());
    }
    let name_of = |key: u128| name((key & index_mask) as usize).as_bytes();
    let mut start = 0;
    while start < keys.len() {
        let head = keys[start] | index_mask;
        let end = start
            + keys[start..]
                .iter()
                .take_while(|&&k| k | index_mask == head)
                .count();
        if end - start > 1 {
            let run = &mut keys[start..end];
            run.sort_unstable_by(|&a, &b| name_of(a).cmp(name_of(b)));
            if let Some(w) = run.windows(2).find(|w| name_of(w[0]) == name_of(w[1])) {
                return Err(on_duplicate(name((w[0] & index_mask) as usize)));
            }
        }
        start = end;
    }
    Ok(())
}

/// A name's first sixteen bytes as a big-endian integer, zero-padded: for
/// names that differ within those bytes, integer order is byte order.
///
/// Short names are read with two overlapping loads instead of a copy loop
/// (the overlapping bytes are the same, so OR-ing them is harmless).
pub(super) fn prefix(name: &[u8]) -> u128 {
    let n = name.len();
    let (head, tail, width) = match n {
        0 => return 0,
        1 => return u128::from(name[0]) << 120,
        2..=3 => (
            u128::from(u16::from_be_bytes([name[0], name[1]])),
            u128::from(u16::from_be_bytes([name[n - 2], name[n - 1]])),
            2,
        ),
        4..=7 => (
            u128::from(load_u32(&name[..4])),
            u128::from(load_u32(&name[n - 4..])),
            4,
        ),
        8..=15 => (
            u128::from(load_u64(&name[..8])),
            u128::from(load_u64(&name[n - 8..])),
            8,
        ),
        _ => {
            let mut b = [0u8; 16];
            b.copy_from_slice(&name[..16]);
            return u128::from_be_bytes(b);
        }
    };
    (head << (128 - 8 * width)) | (tail << (8 * (16 - n)))
}

fn load_u32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

fn load_u64(b: &[u8]) -> u64 {
    u64::from_be_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain_prefix(name: &[u8]) -> u128 {
        let mut b = [0u8; 16];
        let n = name.len().min(16);
        b[..n].copy_from_slice(&name[..n]);
        u128::from_be_bytes(b)
    }

    #[test]
    fn prefix_matches_a_zero_padded_copy_for_every_length() {
        let text: Vec<u8> = (1..=40u8).map(|i| i.wrapping_mul(37) | 1).collect();
        for n in 0..=text.len() {
            assert_eq!(prefix(&text[..n]), plain_prefix(&text[..n]), "length {n}");
        }
    }

    fn order_of(names: &[&str]) -> Result<Vec<String>> {
        let fields: Vec<(&str, &str)> = names.iter().map(|&n| (n, "")).collect();
        let mut keys = Keys::new();
        let order = keys.order(fields.as_slice(), |n| {
            Error::new(ErrorKind::DuplicateField, n.to_owned())
        })?;
        Ok(order.indices().map(|i| names[i].to_owned()).collect())
    }

    #[test]
    fn names_sharing_a_long_prefix_are_ordered_in_full() {
        let names = [
            "coupon_fee_type_10",
            "coupon_fee_type_1",
            "a",
            "coupon_fee_type_0",
            "coupon_fee_type_",
        ];
        let mut expected: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        expected.sort();
        assert_eq!(order_of(&names).unwrap(), expected);
    }

    #[test]
    fn a_short_name_and_its_zero_padded_twin_are_not_confused() {
        assert_eq!(order_of(&["a\0", "a"]).unwrap(), ["a", "a\0"]);
    }

    #[test]
    fn duplicates_are_found_in_and_beyond_the_prefix() {
        assert_eq!(
            order_of(&["b", "a", "b"]).unwrap_err().kind(),
            ErrorKind::DuplicateField
        );
        let long = "a_name_longer_than_sixteen_bytes";
        assert_eq!(
            order_of(&[long, "x", long]).unwrap_err().kind(),
            ErrorKind::DuplicateField
        );
    }

    #[test]
    fn an_empty_name_is_refused() {
        assert_eq!(
            order_of(&["a", ""]).unwrap_err().kind(),
            ErrorKind::InvalidFieldName
        );
    }

    proptest::proptest! {
        /// Names from a small alphabet share seven-byte prefixes often, so
        /// that both the narrow keys and the fallback to wide keys run.
        #[test]
        fn any_names_are_put_in_byte_order(
            names in proptest::collection::vec("[ab_]{0,3}[ab_0-9]{0,14}", 0..=STACK_FIELDS + 2),
        ) {
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            let mut expected: Vec<String> = names.iter().map(|s| s.to_string()).collect();
            expected.sort();
            let got = order_of(&names);
            // A duplicate is reported before an empty name, as always.
            if expected.windows(2).any(|w| w[0] == w[1]) {
                proptest::prop_assert_eq!(got.unwrap_err().kind(), ErrorKind::DuplicateField);
            } else if expected.first().is_some_and(String::is_empty) {
                proptest::prop_assert_eq!(got.unwrap_err().kind(), ErrorKind::InvalidFieldName);
            } else {
                proptest::prop_assert_eq!(got.unwrap(), expected);
            }
        }
    }

    #[test]
    fn every_index_width_orders_the_same_way() {
        for count in [3usize, 64, 65, 300, 70_000] {
            let names: Vec<String> = (0..count)
                .map(|i| format!("f{:x}", i.wrapping_mul(2_654_435_761) % 1_000_003))
                .collect();
            let mut unique = names.clone();
            unique.sort();
            unique.dedup();
            let names: Vec<&str> = unique.iter().rev().map(String::as_str).collect();
            assert_eq!(order_of(&names).unwrap(), unique, "{count} fields");
        }
    }
}
