//! Member numbers in INLISLite's first numbering scheme: `YYMMDD` + 5-digit daily sequence.

use time::Date;

/// Largest daily sequence the 5-digit field can hold.
pub const MAX_DAILY_SEQUENCE: u32 = 99_999;

/// The `YYMMDD` prefix of numbers issued on `date` (a WIB calendar date).
pub fn daily_prefix(date: Date) -> String {
    format!(
        "{:02}{:02}{:02}",
        date.year().rem_euclid(100),
        date.month() as u8,
        date.day()
    )
}

/// Formats the member number for the given prefix and sequence, or `None` when the day's
/// 99,999 numbers are used up.
pub fn format_member_number(prefix: &str, sequence: u32) -> Option<String> {
    (1..=MAX_DAILY_SEQUENCE)
        .contains(&sequence)
        .then(|| format!("{prefix}{sequence:05}"))
}

/// Code 39 encodes only `0-9 A-Z - . $ / + %` and space; INLISLite prints numbers this way.
pub fn is_code39_safe(value: &str) -> bool {
    !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase() || "-.$/+% ".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn member_number_format() {
        let prefix = daily_prefix(date!(2026 - 12 - 04));
        assert_eq!(prefix, "261204");
        assert_eq!(
            format_member_number(&prefix, 1).as_deref(),
            Some("26120400001")
        );
        assert_eq!(
            format_member_number(&prefix, 99_999).as_deref(),
            Some("26120499999")
        );
        assert_eq!(format_member_number(&prefix, 100_000), None);
        assert_eq!(format_member_number(&prefix, 0), None);
        assert!(is_code39_safe("26120400001"));
        assert!(!is_code39_safe("2612*0001"));
        assert!(!is_code39_safe("abc"));
    }
}
