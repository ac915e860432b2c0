//! An ordered map of protocol fields, as WeChat's flat XML carries them.

use std::fmt;

use crate::error::{Error, ErrorKind, Result, truncate};

/// The most digits a field number may have in [`Fields::indexed`] (WeChat's
/// lists hold tens of entries).
pub const MAX_INDEX_DIGITS: usize = 9;

/// Field names and values in document order; names are unique.
///
/// WeChat messages hold a few dozen fields, so a vector with linear lookup
/// beats a hash map and keeps the order the peer sent.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Fields {
    entries: Vec<(String, String)>,
}

impl Fields {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_capacity(n: usize) -> Self {
        Fields { entries: Vec::with_capacity(n) }
    }

    /// Builds a map from pairs, rejecting a name given twice.
    pub fn from_pairs<K, V, I>(pairs: I) -> Result<Self>
    where
        K: Into<String>,
        V: Into<String>,
        I: IntoIterator<Item = (K, V)>,
    {
        let mut fields = Fields::new();
        for (k, v) in pairs {
            fields.push_new(k.into(), v.into())?;
        }
        Ok(fields)
    }

    /// Wraps pairs whose names the caller has already checked to be unique.
    pub(crate) fn from_unique(entries: Vec<(String, String)>) -> Self {
        Fields { entries }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.entries.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Sets a field, keeping its position if it exists; returns the old value.
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<String>) -> Option<String> {
        let name = name.into();
        let value = value.into();
        match self.entries.iter_mut().find(|(k, _)| *k == name) {
            Some((_, v)) => Some(std::mem::replace(v, value)),
            None => {
                self.entries.push((name, value));
                None
            }
        }
    }

    /// Appends a field that must not exist yet.
    pub fn push_new(&mut self, name: String, value: String) -> Result<()> {
        if self.contains(&name) {
            return Err(Error::new(
                ErrorKind::DuplicateField,
                format!("field `{name}` appears more than once"),
            ));
        }
        self.entries.push((name, value));
        Ok(())
    }

    pub fn remove(&mut self, name: &str) -> Option<String> {
        let at = self.entries.iter().position(|(k, _)| k == name)?;
        Some(self.entries.remove(at).1)
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + Clone {
        self.entries.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    pub fn as_slice(&self) -> &[(String, String)] {
        &self.entries
    }

    pub fn into_vec(self) -> Vec<(String, String)> {
        self.entries
    }

    /// The values of WeChat's numbered fields `name_0`, `name_1`, ... in
    /// order of their number (a refund query's `refund_fee_$n`, an order's
    /// `coupon_id_$n`); for the second level, give the first number in
    /// `name`: `indexed("coupon_refund_fee_0")` is refund 0's
    /// `coupon_refund_fee_0_$m`. Fields of a deeper level, such as
    /// `coupon_refund_fee_0_1` for `coupon_refund_fee`, are not this list's.
    ///
    /// Errors ([`ErrorKind::InvalidArgument`]), so that no value is dropped
    /// unseen: an empty `name`, a number written with a leading zero or too
    /// large (over [`MAX_INDEX_DIGITS`] digits), a missing number before the
    /// last (named in the message).
    pub fn indexed(&self, name: &str) -> Result<Vec<&str>> {
        Ok(indexed(self.iter(), name)?.into_iter().map(|(_, v)| v).collect())
    }
}

/// [`Fields::indexed`] over any pairs, giving each value with its field's
/// name (the C ABI hands both out).
pub fn indexed<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>, name: &str) -> Result<Vec<(&'a str, &'a str)>> {
    if name.is_empty() {
        return Err(Error::new(ErrorKind::InvalidArgument, "indexed fields: the name is empty"));
    }
    let mut numbered: Vec<(usize, (&str, &str))> = Vec::new();
    for (key, value) in pairs {
        let Some(digits) = key.strip_prefix(name).and_then(|rest| rest.strip_prefix('_')) else { continue };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        match digits.parse::<usize>() {
            Ok(n) if digits.len() <= MAX_INDEX_DIGITS && (digits == "0" || !digits.starts_with('0')) => {
                numbered.push((n, (key, value)));
            }
            _ => {
                return Err(Error::new(
                    ErrorKind::InvalidArgument,
                    format!("indexed fields: `{}` is not a field number WeChat writes", truncate(key, 64)),
                ));
            }
        }
    }
    numbered.sort_unstable_by_key(|&(n, _)| n);
    if let Some(missing) = numbered.iter().enumerate().find(|&(at, &(n, _))| at != n).map(|(at, _)| at) {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            format!("indexed fields: `{}_{missing}` is missing before a higher number", truncate(name, 64)),
        ));
    }
    Ok(numbered.into_iter().map(|(_, pair)| pair).collect())
}

impl fmt::Debug for Fields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<'a> IntoIterator for &'a Fields {
    type Item = (&'a str, &'a str);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (String, String)>, fn(&'a (String, String)) -> (&'a str, &'a str)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_keeps_position_and_returns_old_value() {
        let mut f = Fields::new();
        f.insert("b", "1");
        f.insert("a", "2");
        assert_eq!(f.insert("b", "3").as_deref(), Some("1"));
        assert_eq!(f.iter().collect::<Vec<_>>(), vec![("b", "3"), ("a", "2")]);
    }

    #[test]
    fn from_pairs_rejects_duplicates() {
        let err = Fields::from_pairs([("a", "1"), ("a", "2")]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::DuplicateField);
    }

    #[test]
    fn remove_and_get() {
        let mut f = Fields::from_pairs([("a", "1"), ("b", "")]).unwrap();
        assert_eq!(f.get("b"), Some(""));
        assert_eq!(f.remove("a").as_deref(), Some("1"));
        assert_eq!(f.get("a"), None);
        assert_eq!(f.len(), 1);
    }
}
