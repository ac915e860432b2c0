//! WeChat's timestamps: Beijing time (UTC+8, no daylight saving), written
//! by the `time` crate.

use time::format_description::BorrowedFormatItem;
use time::macros::{format_description, offset};
use time::{Date, OffsetDateTime, UtcOffset};

const BEIJING: UtcOffset = offset!(+8);

/// Now, on Beijing's clock.
pub fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc().to_offset(BEIJING)
}

/// `yyyyMMddHHmmss`, as in `time_end`.
pub fn compact(t: OffsetDateTime) -> String {
    beijing(t, format_description!("[year][month][day][hour][minute][second]"))
}

/// `yyyy-MM-dd HH:mm:ss`, as in bills and refund notifications.
pub fn dashed(t: OffsetDateTime) -> String {
    beijing(t, format_description!("[year]-[month]-[day] [hour]:[minute]:[second]"))
}

/// `yyyyMMdd`, as in `bill_date`.
pub fn date(t: OffsetDateTime) -> String {
    beijing(t, format_description!("[year][month][day]"))
}

/// Whether `s` is a real calendar date written `yyyyMMdd`.
pub fn is_valid_date(s: &str) -> bool {
    Date::parse(s, format_description!("[year][month][day]")).is_ok()
}

/// `t` on Beijing's clock, written as `layout` says.
fn beijing(t: OffsetDateTime, layout: &[BorrowedFormatItem<'_>]) -> String {
    // Formatting fails only for components a date-time lacks, or for years
    // beyond four digits, which `time` does not hold: it cannot fail here.
    t.to_offset(BEIJING).format(layout).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn formats_in_beijing_time() {
        // 2014-11-10 08:33:45 UTC is 16:33:45 in Beijing.
        let t = datetime!(2014-11-10 08:33:45 UTC);
        assert_eq!(t.unix_timestamp(), 1_415_608_425);
        assert_eq!(dashed(t), "2014-11-10 16:33:45");
        assert_eq!(compact(t), "20141110163345");
        // 2000-02-29 20:00 UTC is already 1 March in Beijing.
        assert_eq!(date(datetime!(2000-02-29 20:00 UTC)), "20000301");
    }

    #[test]
    fn the_offset_moves_days_and_years() {
        // 16:00 UTC is midnight in Beijing: the day changes there, not at 00:00 UTC.
        assert_eq!(compact(datetime!(2023-12-31 15:59:59 UTC)), "20231231235959");
        assert_eq!(compact(datetime!(2023-12-31 16:00:00 UTC)), "20240101000000");
        assert_eq!(date(datetime!(2024-02-28 16:00 UTC)), "20240229");
        assert_eq!(date(datetime!(2023-02-28 16:00 UTC)), "20230301");
        // A time already in another offset is the same moment.
        assert_eq!(dashed(datetime!(2024-01-01 00:00 -05:00)), "2024-01-01 13:00:00");
        assert_eq!(dashed(datetime!(2024-01-01 08:00 +08:00)), "2024-01-01 08:00:00");
    }

    #[test]
    fn now_is_on_beijing_clock() {
        let t = now();
        assert_eq!(t.offset(), BEIJING);
        assert_eq!(&compact(t)[..8], date(t));
    }

    #[test]
    fn validates_dates() {
        assert!(is_valid_date("20240229"));
        assert!(is_valid_date("20000229"));
        assert!(is_valid_date("20231231"));
        assert!(is_valid_date("00000101"));
        assert!(!is_valid_date("20230229"));
        assert!(!is_valid_date("19000229"));
        assert!(!is_valid_date("20240230"));
        assert!(!is_valid_date("20240431"));
        assert!(!is_valid_date("20241301"));
        assert!(!is_valid_date("20240001"));
        assert!(!is_valid_date("20240100"));
        assert!(!is_valid_date("2024-1-1"));
        assert!(!is_valid_date("+2024011"));
        assert!(!is_valid_date("-0001231"));
        assert!(!is_valid_date("202401011"));
        assert!(!is_valid_date("2024011"));
        assert!(!is_valid_date(" 2024011"));
        assert!(!is_valid_date(""));
    }
}
