//! Certificate times as unix seconds and ISO 8601 text.
//!
//! OpenSSL gives `Asn1Time`s; callers (C, JSON, logs) want numbers and
//! `YYYY-MM-DDTHH:MM:SSZ`. The calendar arithmetic is the proleptic
//! Gregorian one, done on whole days since 1970-01-01.

use std::time::{SystemTime, UNIX_EPOCH};

use openssl::asn1::{Asn1Time, Asn1TimeRef};

use crate::error::{Error, ErrorKind, Result};

const DAY: i64 = 86_400;

/// Seconds since the unix epoch of an ASN.1 time.
pub(crate) fn unix_of(t: &Asn1TimeRef) -> Result<i64> {
    let unreadable = || Error::new(ErrorKind::CertificateCorrupt, "the certificate's validity dates cannot be read");
    let epoch = Asn1Time::from_unix(0).map_err(|_| unreadable())?;
    let d = epoch.diff(t).map_err(|_| unreadable())?;
    Ok(i64::from(d.days) * DAY + i64::from(d.secs))
}

/// The current time in unix seconds; a clock before 1970 counts as 1970.
pub fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// `YYYY-MM-DDTHH:MM:SSZ` for unix seconds (UTC).
pub fn iso8601(unix: i64) -> String {
    let days = unix.div_euclid(DAY);
    let secs = unix.rem_euclid(DAY);
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", secs / 3600, secs % 3600 / 60, secs % 60)
}

/// Whole days from `now` until `then`, rounded down: negative once `then`
/// has passed, 0 on its last day.
pub fn days_between(now: i64, then: i64) -> i64 {
    (then - now).div_euclid(DAY)
}

/// Year, month, day of a day count since 1970-01-01.
///
/// Shifts the year to start in March so that the leap day is the last day
/// of a year, then splits into 400-year eras of 146097 days.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32;
    let month = if month_from_march < 10 { month_from_march + 3 } else { month_from_march - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso8601_matches_known_dates() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(iso8601(1_709_251_199), "2024-02-29T23:59:59Z");
        assert_eq!(iso8601(4_102_444_800), "2100-01-01T00:00:00Z");
        assert_eq!(iso8601(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn iso8601_agrees_with_openssl_for_a_range_of_days() {
        for day in (-800..30_000).step_by(37) {
            let unix = day * DAY + 3_723;
            let t = Asn1Time::from_unix(unix).unwrap();
            // OpenSSL prints e.g. "Mar  1 01:02:03 2024 GMT".
            let printed = t.to_string();
            let ours = iso8601(unix);
            let year = &ours[0..4];
            assert!(printed.ends_with(&format!("01:02:03 {year} GMT")), "{printed} vs {ours}");
            let day_of_month: u32 = ours[8..10].parse().unwrap();
            assert!(printed[4..6].trim() == day_of_month.to_string(), "{printed} vs {ours}");
            assert_eq!(unix_of(&t).unwrap(), unix);
        }
    }

    #[test]
    fn days_round_down() {
        assert_eq!(days_between(0, DAY * 30), 30);
        assert_eq!(days_between(0, DAY * 30 - 1), 29);
        assert_eq!(days_between(0, 0), 0);
        assert_eq!(days_between(0, -1), -1);
        assert_eq!(days_between(DAY * 2, 0), -2);
    }
}
