//! WeChat's timestamps: Beijing time (UTC+8), no time zone library needed.

use std::time::{SystemTime, UNIX_EPOCH};

const BEIJING_OFFSET: i64 = 8 * 3600;

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// A moment split into Beijing calendar parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

pub fn beijing(unix: i64) -> Civil {
    let t = unix + BEIJING_OFFSET;
    let (days, secs) = (t.div_euclid(86_400), t.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    Civil { year, month, day, hour: (secs / 3600) as u32, minute: (secs / 60 % 60) as u32, second: (secs % 60) as u32 }
}

/// `yyyyMMddHHmmss`, as in `time_end`.
pub fn compact(unix: i64) -> String {
    let c = beijing(unix);
    format!("{:04}{:02}{:02}{:02}{:02}{:02}", c.year, c.month, c.day, c.hour, c.minute, c.second)
}

/// `yyyy-MM-dd HH:mm:ss`, as in bills and refund notifications.
pub fn dashed(unix: i64) -> String {
    let c = beijing(unix);
    format!("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", c.year, c.month, c.day, c.hour, c.minute, c.second)
}

/// `yyyyMMdd`, as in `bill_date`.
pub fn date(unix: i64) -> String {
    compact(unix)[..8].to_owned()
}

/// Whether `s` is a real calendar date written `yyyyMMdd`.
pub fn is_valid_date(s: &str) -> bool {
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let (Ok(y), Ok(m), Ok(d)) = (s[..4].parse::<i64>(), s[4..6].parse::<u32>(), s[6..].parse::<u32>()) else {
        return false;
    };
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days_in_month = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days_in_month).contains(&d)
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_in_beijing_time() {
        // 2014-11-10 08:33:45 UTC is 16:33:45 in Beijing.
        assert_eq!(dashed(1_415_608_425), "2014-11-10 16:33:45");
        assert_eq!(compact(1_415_608_425), "20141110163345");
        // 2000-02-29 20:00 UTC is already 1 March in Beijing.
        assert_eq!(date(951_854_400), "20000301");
    }

    #[test]
    fn validates_dates() {
        assert!(is_valid_date("20240229"));
        assert!(!is_valid_date("20230229"));
        assert!(!is_valid_date("2024-1-1"));
        assert!(!is_valid_date("20241301"));
    }
}
