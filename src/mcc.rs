//! Merchant category codes of WeChat Pay (cross-border merchants), from the
//! API rules document: the code a merchant registers under and its category.

/// Every code with its category, as WeChat spells them, by code.
pub const CATEGORIES: &[(u16, &str)] = &[
    (343, "Shoes&Garments"),
    (484, "Comprehensive mall"),
    (485, "Food"),
    (486, "Cosmetics"),
    (487, "Maternal and infant"),
    (488, "Digital appliance"),
    (489, "Logistics"),
    (490, "Education Industry"),
    (491, "Hotel Industry"),
    (492, "Stationery/office supplies"),
    (493, "Air Ticket"),
    (494, "Other trade industry"),
    (528, "Overseas Education"),
    (529, "Travel ticket"),
    (530, "Car rental"),
    (531, "international Conference"),
    (532, "Software"),
    (533, "Medical Service"),
];

/// The category of a code, e.g. `485` → `Food`.
pub fn category(code: u16) -> Option<&'static str> {
    CATEGORIES.iter().find(|(c, _)| *c == code).map(|(_, name)| *name)
}

/// The code of a category. Case and surrounding spaces are ignored, since
/// WeChat's own capitalisation is irregular (`international Conference`).
pub fn code(category: &str) -> Option<u16> {
    let wanted = category.trim();
    CATEGORIES.iter().find(|(_, name)| name.eq_ignore_ascii_case(wanted)).map(|(c, _)| *c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_the_documents_eighteen_rows_in_order() {
        assert_eq!(CATEGORIES.len(), 18);
        assert!(CATEGORIES.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(CATEGORIES.first(), Some(&(343, "Shoes&Garments")));
        assert_eq!(CATEGORIES.last(), Some(&(533, "Medical Service")));
    }

    #[test]
    fn lookups_go_both_ways() {
        for &(c, name) in CATEGORIES {
            assert_eq!(category(c), Some(name));
            assert_eq!(code(name), Some(c));
        }
        assert_eq!(category(491), Some("Hotel Industry"));
        assert_eq!(category(492), Some("Stationery/office supplies"));
        assert_eq!(code("INTERNATIONAL conference"), Some(531));
        assert_eq!(code("  Food "), Some(485));
        assert_eq!(category(0), None);
        assert_eq!(category(495), None);
        assert_eq!(code("Fod"), None);
        assert_eq!(code(""), None);
    }
}
