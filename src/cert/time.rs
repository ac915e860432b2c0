//! Certificate times as unix seconds and ISO 8601 text.
//!
//! OpenSSL gives `Asn1Time`s; callers (C, JSON, logs) want numbers and
//! `YYYY-MM-DDTHH:MM:SSZ`. The calendar is the `time` crate's: proleptic
//! Gregorian, years -9999 to 9999, which holds every year an ASN.1 time
//! can (0 to 9999).

use std::time::{SystemTime, UNIX_EPOCH};

use openssl::asn1::{Asn1Time, Asn1TimeRef};
use time::{Duration, OffsetDateTime};

use crate::error::{Error, ErrorKind, Result};

const DAY: i64 = 86_400;

/// The Gregorian calendar repeats every 400 years, which are 146 097 days.
const GREGORIAN_CYCLE: i64 = 146_097 * DAY;

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
///
/// A certificate's dates are always within the years `time` holds. Seconds
/// beyond them (only a hand-made [`CertInfo`](super::CertInfo) has those)
/// are written from the same moment of the 400-year cycle, with the whole
/// cycles added to the year, so that every `i64` still gets its exact date.
pub fn iso8601(unix: i64) -> String {
    let (t, cycles) = match OffsetDateTime::from_unix_timestamp(unix) {
        Ok(t) => (t, 0),
        // Within one cycle of 1970, so in range: the addition cannot overflow.
        Err(_) => (
            OffsetDateTime::UNIX_EPOCH + Duration::seconds(unix.rem_euclid(GREGORIAN_CYCLE)),
            unix.div_euclid(GREGORIAN_CYCLE),
        ),
    };
    let year = i64::from(t.year()) + 400 * cycles;
    let (month, day) = (u8::from(t.month()), t.day());
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", t.hour(), t.minute(), t.second())
}

/// Whole days from `now` until `then`, rounded down: negative once `then`
/// has passed, 0 on its last day.
pub fn days_between(now: i64, then: i64) -> i64 {
    (then - now).div_euclid(DAY)
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
    fn iso8601_leap_days_and_year_boundaries() {
        // 1900 is not a leap year (a century), 2000 is (divisible by 400).
        assert_eq!(iso8601(-2_203_891_201), "1900-02-28T23:59:59Z");
        assert_eq!(iso8601(-2_203_891_200), "1900-03-01T00:00:00Z");
        assert_eq!(iso8601(951_868_799), "2000-02-29T23:59:59Z");
        assert_eq!(iso8601(951_868_800), "2000-03-01T00:00:00Z");
        assert_eq!(iso8601(946_684_799), "1999-12-31T23:59:59Z");
        assert_eq!(iso8601(946_684_800), "2000-01-01T00:00:00Z");
        assert_eq!(iso8601(1_735_689_599), "2024-12-31T23:59:59Z");
        assert_eq!(iso8601(1_735_689_600), "2025-01-01T00:00:00Z");
    }

    #[test]
    fn iso8601_of_the_extreme_asn1_years() {
        // GeneralizedTime holds years 0000 to 9999; both ends come out whole.
        for (text, unix, iso) in [
            ("99991231235959Z", 253_402_300_799, "9999-12-31T23:59:59Z"),
            ("00000101000000Z", -62_167_219_200, "0000-01-01T00:00:00Z"),
        ] {
            let t = Asn1Time::from_str(text).unwrap();
            assert_eq!(unix_of(&t).unwrap(), unix);
            assert_eq!(iso8601(unix), iso);
        }
    }

    #[test]
    fn iso8601_beyond_the_calendar_crate_range_is_still_exact() {
        // The texts the hand-written proleptic Gregorian arithmetic gave
        // before the `time` crate took over (years beyond ±9999 included).
        for (unix, iso) in [
            (253_402_300_800, "10000-01-01T00:00:00Z"),
            (-62_167_219_201, "-001-12-31T23:59:59Z"),
            (-377_705_116_800, "-9999-01-01T00:00:00Z"),
            (-377_705_116_801, "-10000-12-31T23:59:59Z"),
            (-1_000_000_000_000, "-29719-04-05T22:13:20Z"),
            (i64::MAX, "292277026596-12-04T15:30:07Z"),
            (i64::MIN, "-292277022657-01-27T08:29:52Z"),
        ] {
            assert_eq!(iso8601(unix), iso, "{unix}");
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
