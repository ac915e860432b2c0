//! Fields given as two lists, `name0 NUL name1 ...` and `value0 NUL value1
//! ...`: the form a wrapper builds fastest from a dictionary (one join over
//! its keys, one over its values).
//!
//! Signing reads names and values straight from the two buffers, which go
//! on past each item, so the fast paths of `Source` apply as they do to an
//! XML document.

use digest::Update;

use super::canonical::Canonical;
use super::source::Source;
use crate::error::{Error, ErrorKind, Result};

/// Two joined lists, split.
#[derive(Debug)]
pub struct Joined<'a> {
    names: &'a str,
    values: &'a str,
    /// The names' spans, then the values': one allocation for both.
    spans: Vec<(u32, u32)>,
    count: usize,
}

impl<'a> Joined<'a> {
    /// Splits `names` and `values` into `count` items each. An item too many
    /// in either list means a NUL inside an item
    /// ([`ErrorKind::EmbeddedNul`]); too few, or items with a count of 0, is
    /// [`ErrorKind::InvalidArgument`].
    pub fn split(names: &'a str, values: &'a str, count: usize) -> Result<Joined<'a>> {
        let mut spans =
            Vec::with_capacity(count.min(names.len() + values.len() + 2).saturating_mul(2));
        items(names, count, "names", &mut spans)?;
        items(values, count, "values", &mut spans)?;
        Ok(Joined {
            names,
            values,
            spans,
            count,
        })
    }

    /// Splits one buffer holding the `count` names joined by NUL, a NUL,
    /// then the `count` values joined by NUL: `2 * count` items (an empty
    /// buffer for no fields). Errors as [`Joined::split`].
    pub fn split_one(data: &'a str, count: usize) -> Result<Joined<'a>> {
        let items_count = count.checked_mul(2).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidArgument,
                format!("fields: a count of {count} is too large"),
            )
        })?;
        let mut spans = Vec::with_capacity(items_count.min(data.len() + 1));
        items(data, items_count, "fields", &mut spans)?;
        Ok(Joined {
            names: data,
            values: data,
            spans,
            count,
        })
    }

    fn name_span(&self, i: usize) -> (u32, u32) {
        self.spans[i]
    }

    fn value_span(&self, i: usize) -> (u32, u32) {
        self.spans[self.count + i]
    }

    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The fields as pairs.
    pub fn pairs(&self) -> impl Iterator<Item = (&'a str, &'a str)> + '_ {
        (0..self.len()).map(|i| {
            (
                text(self.names, self.name_span(i)),
                text(self.values, self.value_span(i)),
            )
        })
    }
}

/// The `(start, end)` of each NUL-separated item of `data`, which must hold
/// exactly `count`. NULs are found sixteen bytes at a time.
fn items(data: &str, count: usize, what: &str, spans: &mut Vec<(u32, u32)>) -> Result<()> {
    if count == 0 {
        return if data.is_empty() {
            Ok(())
        } else {
            Err(Error::new(
                ErrorKind::InvalidArgument,
                format!("{what}: the count is 0 but the data is not empty"),
            ))
        };
    }
    let too_many = || {
        Error::new(
            ErrorKind::EmbeddedNul,
            format!("{what}: more than {count} NUL-separated items; an item contains a NUL byte"),
        )
    };
    let bytes = data.as_bytes();
    let _ = u32::try_from(bytes.len()).map_err(|_| {
        Error::new(
            ErrorKind::InvalidArgument,
            format!("{what}: {} bytes is over the 4 GiB limit", bytes.len()),
        )
    })?;
    // The spans are written in place: `count` of them, each ended by a NUL
    // or by the end of the data; one NUL too many is an item too many.
    if count > bytes.len() + 1 {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            format!("{what}: {count} NUL-separated items expected, {} bytes hold at most {}", bytes.len(), bytes.len() + 1),
        ));
    }
    let base = spans.len();
    spans.resize(base + count, (0, 0));
    let out = &mut spans[base..];
    let mut found = 0;
    let mut start = 0u32;
    let mut end_item = |end: usize| -> Result<()> {
        let slot = out.get_mut(found).ok_or_else(too_many)?;
        *slot = (start, end as u32);
        start = end as u32 + 1;
        found += 1;
        Ok(())
    };
    for at in memchr::memchr_iter(0, bytes) {
        end_item(at)?;
    }
    end_item(bytes.len())?;
    if found < count {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            format!("{what}: {count} NUL-separated items expected, {found} given"),
        ));
    }
    Ok(())
}

fn text(data: &str, (start, end): (u32, u32)) -> &str {
    // Cannot panic: every boundary is at a NUL byte or at an end, and a NUL
    // is never inside a UTF-8 sequence.
    &data[start as usize..end as usize]
}

impl Source for Joined<'_> {
    const NARROW_KEYS: bool = true;

    fn count(&self) -> usize {
        self.len()
    }

    fn name(&self, i: usize) -> &str {
        text(self.names, self.name_span(i))
    }

    fn value(&self, i: usize) -> &str {
        text(self.values, self.value_span(i))
    }

    #[inline]
    fn write<H: Update>(&self, i: usize, text: &mut Canonical<'_, H>) {
        let span = |(start, end): (u32, u32)| (start as usize, end as usize);
        text.field_within(
            self.names.as_bytes(),
            span(self.name_span(i)),
            self.values.as_bytes(),
            span(self.value_span(i)),
        );
    }

    #[inline]
    fn signed(&self, i: usize) -> bool {
        let (start, end) = self.value_span(i);
        end > start && bytes(self.names, self.name_span(i)) != b"sign"
    }

    fn find(&self, name: &str) -> Option<&str> {
        // Bytes, not text: a text slice checks both ends for character
        // boundaries, on every name.
        (0..self.count())
            .find(|&i| bytes(self.names, self.name_span(i)) == name.as_bytes())
            .map(|i| self.value(i))
    }
}

fn bytes(data: &str, (start, end): (u32, u32)) -> &[u8] {
    &data.as_bytes()[start as usize..end as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_split_at_every_position_and_counted() {
        // Spans are appended after what the vector holds already.
        let split = |data: &str, count| {
            let mut spans = vec![(7, 7)];
            items(data, count, "names", &mut spans).map(|()| spans[1..].to_vec())
        };
        for len in 0..40 {
            for nul in 0..len {
                let mut data = "x".repeat(len);
                data.replace_range(nul..nul + 1, "\0");
                assert_eq!(
                    split(&data, 2).unwrap(),
                    [(0, nul as u32), (nul as u32 + 1, len as u32)]
                );
                assert_eq!(split(&data, 1).unwrap_err().kind(), ErrorKind::EmbeddedNul);
                assert_eq!(
                    split(&data, 3).unwrap_err().kind(),
                    ErrorKind::InvalidArgument
                );
            }
        }
        assert_eq!(split("", 0).unwrap(), []);
        assert_eq!(split("", 1).unwrap(), [(0, 0)]);
        assert_eq!(
            split("a", 0).unwrap_err().kind(),
            ErrorKind::InvalidArgument
        );
    }

    #[test]
    fn one_buffer_holds_the_names_then_the_values() {
        let joined = Joined::split_one("a\0bb\0\01", 2).unwrap();
        assert_eq!(joined.pairs().collect::<Vec<_>>(), [("a", ""), ("bb", "1")]);
        assert_eq!(Joined::split_one("", 0).unwrap().len(), 0);
        assert_eq!(
            Joined::split_one("a\0b\0c", 2).unwrap_err().kind(),
            ErrorKind::InvalidArgument
        );
        assert_eq!(
            Joined::split_one("a\0b\0c\0d\0e", 2).unwrap_err().kind(),
            ErrorKind::EmbeddedNul
        );
        assert_eq!(
            Joined::split_one("a", usize::MAX).unwrap_err().kind(),
            ErrorKind::InvalidArgument
        );
    }
}
