//! Calendar dates in Western Indonesian Time (WIB).

use time::{Date, OffsetDateTime, UtcOffset};

/// WIB is UTC+07:00 all year (Indonesia has no daylight saving time).
pub const WIB: UtcOffset = match UtcOffset::from_hms(7, 0, 0) {
    Ok(offset) => offset,
    Err(_) => panic!("UTC+07:00 is a valid offset"),
};

/// The calendar date in WIB at the given instant, whatever the server's time zone.
pub fn wib_date(instant: OffsetDateTime) -> Date {
    instant.to_offset(WIB).date()
}

/// Age in whole years on `on`. A person born on 29 February turns a year older on
/// 1 March in common years.
pub fn age_on(birth_date: Date, on: Date) -> i32 {
    let mut age = on.year() - birth_date.year();
    let birthday_passed =
        (on.month() as u8, on.day()) >= (birth_date.month() as u8, birth_date.day());
    if !birthday_passed {
        age -= 1;
    }
    age
}

/// Adds whole days, saturating at the largest date `time` can represent.
pub fn add_days(date: Date, days: u32) -> Date {
    date.checked_add(time::Duration::days(i64::from(days)))
        .unwrap_or(Date::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn age_boundaries() {
        let cases = [
            (date!(2009 - 12 - 01), date!(2026 - 12 - 01), 17),
            (date!(2009 - 12 - 01), date!(2026 - 11 - 30), 16),
            (date!(2004 - 02 - 29), date!(2026 - 02 - 28), 21),
            (date!(2004 - 02 - 29), date!(2026 - 03 - 01), 22),
            (date!(2004 - 02 - 29), date!(2028 - 02 - 29), 24),
        ];
        for (birth, on, expected) in cases {
            assert_eq!(age_on(birth, on), expected, "{birth} on {on}");
        }
    }

    #[test]
    fn wib_date_crosses_midnight() {
        assert_eq!(
            wib_date(datetime!(2026-12-03 17:00 UTC)),
            date!(2026 - 12 - 04)
        );
        assert_eq!(
            wib_date(datetime!(2026-12-03 16:59 UTC)),
            date!(2026 - 12 - 03)
        );
    }
}
