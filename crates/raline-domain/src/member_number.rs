//! Member numbers in INLISLite's numbering schemes (its `TipePenomoranAnggota` setting), so
//! that RALINE's numbers look like the ones the library's own desk issues.
//!
//! A number is a sequence between fixed text (`NumberPattern`). The next number of a pattern
//! is one above the highest sequence issued so far, in RALINE and also in INLISLite when it
//! can be reached.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::sex::Sex;

/// Largest daily sequence the 5-digit field can hold.
pub const MAX_DAILY_SEQUENCE: u32 = 99_999;

/// INLISLite's numbering schemes, by the number of its setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum NumberScheme {
    /// 1: `YYMMDD` + 5-digit daily sequence, e.g. `26120500001`.
    #[default]
    Daily,
    /// 2: `YYYYMM` + 3-digit monthly sequence, e.g. `202612001`.
    Monthly,
    /// 3: 5-digit yearly sequence + `L`/`P` (sex) + year, e.g. `00001P2026`.
    SequenceSexYear,
    /// 4: the identity number itself (the NIK for KTP and KIA holders).
    IdentityNumber,
}

impl TryFrom<u8> for NumberScheme {
    type Error = String;

    fn try_from(value: u8) -> Result<Self, Self::Error> {
        match value {
            1 => Ok(NumberScheme::Daily),
            2 => Ok(NumberScheme::Monthly),
            3 => Ok(NumberScheme::SequenceSexYear),
            4 => Ok(NumberScheme::IdentityNumber),
            other => Err(format!("member number scheme {other} must be 1, 2, 3 or 4")),
        }
    }
}

impl From<NumberScheme> for u8 {
    fn from(scheme: NumberScheme) -> u8 {
        match scheme {
            NumberScheme::Daily => 1,
            NumberScheme::Monthly => 2,
            NumberScheme::SequenceSexYear => 3,
            NumberScheme::IdentityNumber => 4,
        }
    }
}

/// Numbering of a library's members: the scheme and the location prefix INLISLite puts
/// before numbers issued at a desk (two digits, or empty as on its online form).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Numbering<'a> {
    pub scheme: NumberScheme,
    pub location_prefix: &'a str,
}

impl Numbering<'_> {
    /// INLISLite's online form: daily numbers without a location prefix.
    pub const DEFAULT: Numbering<'static> = Numbering {
        scheme: NumberScheme::Daily,
        location_prefix: "",
    };
}

/// The fixed text around the sequence of the numbers issued together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberPattern {
    pub before: String,
    /// Width of the zero-padded sequence.
    pub digits: usize,
    pub after: String,
}

impl NumberPattern {
    /// Returns the numbering pattern for a member registered on `date` (a WIB calendar date), or
    /// `None` when the scheme numbers by identity number instead.
    pub fn for_member(numbering: Numbering<'_>, date: Date, sex: Sex) -> Option<NumberPattern> {
        let prefix = numbering.location_prefix;
        let year = date.year();
        let month = date.month() as u8;
        let pattern = match numbering.scheme {
            NumberScheme::Daily => NumberPattern {
                before: format!("{prefix}{}", daily_prefix(date)),
                digits: 5,
                after: String::new(),
            },
            NumberScheme::Monthly => NumberPattern {
                before: format!("{prefix}{year:04}{month:02}"),
                digits: 3,
                after: String::new(),
            },
            NumberScheme::SequenceSexYear => NumberPattern {
                before: prefix.to_owned(),
                digits: 5,
                after: format!(
                    "{}{year:04}",
                    match sex {
                        Sex::Male => 'L',
                        Sex::Female => 'P',
                    }
                ),
            },
            NumberScheme::IdentityNumber => return None,
        };
        Some(pattern)
    }

    /// Name of RALINE's counter for this pattern. Daily numbers without a location prefix
    /// keep the name earlier versions used, so an upgrade continues their sequence.
    pub fn counter_name(&self) -> String {
        if self.after.is_empty() {
            format!("member:{}", self.before)
        } else {
            format!("member:{}#{}", self.before, self.after)
        }
    }

    /// Largest sequence the pattern can hold.
    pub fn max_sequence(&self) -> u32 {
        10u32
            .checked_pow(u32::try_from(self.digits).unwrap_or(u32::MAX))
            .map_or(u32::MAX, |limit| limit - 1)
    }

    /// Formats the number with `sequence`, or `None` when it does not fit.
    pub fn format(&self, sequence: u32) -> Option<String> {
        (1..=self.max_sequence()).contains(&sequence).then(|| {
            format!(
                "{}{sequence:0width$}{}",
                self.before,
                self.after,
                width = self.digits
            )
        })
    }

    /// Reads the sequence of a number of this pattern, or `None` when it is another form.
    pub fn sequence_of(&self, number: &str) -> Option<u32> {
        let digits = number
            .strip_prefix(&self.before)?
            .strip_suffix(&self.after)?;
        (digits.len() == self.digits && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| digits.parse().ok())
            .flatten()
    }
}

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

/// Returns whether a location prefix is valid: empty or digits, as INLISLite's desk numbers carry (two digits).
pub fn is_valid_location_prefix(value: &str) -> bool {
    value.len() <= 4 && value.bytes().all(|b| b.is_ascii_digit())
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

    #[test]
    fn schemes_follow_inlislite() {
        let day = date!(2026 - 12 - 05);
        let numbering = |scheme, location_prefix| Numbering {
            scheme,
            location_prefix,
        };
        let daily = NumberPattern::for_member(Numbering::DEFAULT, day, Sex::Male).unwrap();
        assert_eq!(daily.format(1).as_deref(), Some("26120500001"));
        assert_eq!(daily.counter_name(), "member:261205");
        let desk = NumberPattern::for_member(numbering(NumberScheme::Daily, "07"), day, Sex::Male)
            .unwrap();
        assert_eq!(desk.format(12).as_deref(), Some("0726120500012"));
        let monthly =
            NumberPattern::for_member(numbering(NumberScheme::Monthly, ""), day, Sex::Male)
                .unwrap();
        assert_eq!(monthly.format(7).as_deref(), Some("202612007"));
        assert_eq!(monthly.format(1000), None);
        let yearly = NumberPattern::for_member(
            numbering(NumberScheme::SequenceSexYear, ""),
            day,
            Sex::Female,
        )
        .unwrap();
        assert_eq!(yearly.format(3).as_deref(), Some("00003P2026"));
        assert_eq!(yearly.counter_name(), "member:#P2026");
        assert_eq!(yearly.sequence_of("00042P2026"), Some(42));
        assert_eq!(yearly.sequence_of("00042L2026"), None);
        assert_eq!(daily.sequence_of("2612050000012"), None);
        assert_eq!(daily.sequence_of("26120500x12"), None);
        assert!(
            NumberPattern::for_member(numbering(NumberScheme::IdentityNumber, ""), day, Sex::Male)
                .is_none()
        );
        assert!(NumberScheme::try_from(5).unwrap_err().contains("1, 2, 3"));
    }
}
