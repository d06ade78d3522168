//! Renewal rules: when a member may renew, and the end date a renewal gives.
//!
//! All dates are WIB calendar dates (see [`crate::dates::wib_date`]); an end date is the last
//! day on which the card is valid.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::application::UploadSlot;

/// Length of a membership term.
///
/// Months and years keep the day of the month. In a shorter target month the day moves back
/// to its last day: 31 January + 1 month is 28 February (29 in a leap year), and 29 February
/// + 1 year is 28 February. Days are plain calendar days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Term {
    Days(u32),
    Months(u32),
    Years(u32),
}

impl Term {
    /// Adds the term to `date`, saturating at the largest date `time` can represent.
    pub fn add_to(self, date: Date) -> Date {
        match self {
            Term::Days(days) => crate::dates::add_days(date, days),
            Term::Months(months) => add_months(date, months),
            Term::Years(years) => add_months(date, years.saturating_mul(12)),
        }
    }

    /// Reads `365d`, `6m` or `1y` (also `365 hari`, `6 bulan`, `1 tahun`). The number must be
    /// between 1 and 3650 days, 120 months or 10 years.
    pub fn parse(text: &str) -> Option<Term> {
        let text = text.trim().to_lowercase();
        let split = text
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len());
        let (number, unit) = text.split_at(split);
        let number: u32 = number.parse().ok()?;
        let term = match unit.trim() {
            "d" | "hari" => Term::Days(number),
            "m" | "bulan" => Term::Months(number),
            "y" | "tahun" => Term::Years(number),
            _ => return None,
        };
        let limit = match term {
            Term::Days(_) => 3650,
            Term::Months(_) => 120,
            Term::Years(_) => 10,
        };
        (1..=limit).contains(&number).then_some(term)
    }
}

impl std::fmt::Display for Term {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Term::Days(days) => write!(f, "{days}d"),
            Term::Months(months) => write!(f, "{months}m"),
            Term::Years(years) => write!(f, "{years}y"),
        }
    }
}

impl TryFrom<String> for Term {
    type Error = String;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Term::parse(&value).ok_or_else(|| {
            format!("term {value:?} is not a length such as \"365d\", \"6m\" or \"1y\"")
        })
    }
}

impl From<Term> for String {
    fn from(term: Term) -> String {
        term.to_string()
    }
}

fn add_months(date: Date, months: u32) -> Date {
    let start = i64::from(date.year()) * 12 + i64::from(u8::from(date.month())) - 1;
    let target = start + i64::from(months);
    let Ok(year) = i32::try_from(target.div_euclid(12)) else {
        return Date::MAX;
    };
    let month_index = u8::try_from(target.rem_euclid(12) + 1).unwrap_or(12);
    let Ok(month) = time::Month::try_from(month_index) else {
        return Date::MAX;
    };
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).unwrap_or(Date::MAX)
}

/// Approval policy for renewals of a member type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RenewalApproval {
    /// Every renewal waits in the staff queue.
    #[default]
    Staff,
    /// Renewals are approved at once unless something needs a look (see [`needs_review`]).
    Automatic,
}

/// Renewal settings of a member type (the `[member_types.renewal]` table of `raline.toml`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RenewalRules {
    /// Days before the end date from which a member may renew (default 30).
    pub opens_days_before: u32,
    /// Days after the end date until which a member may still renew (default 365); later, the
    /// member registers again.
    pub closes_days_after: u32,
    /// Length of a renewal; `None` uses the member type's validity in days.
    pub term: Option<Term>,
    pub approval: RenewalApproval,
    /// Uploads a renewal must include, such as a new student card each school year.
    pub documents: Vec<UploadSlot>,
    /// Fee in rupiah, recorded with each renewal; 0 when the library charges none.
    pub fee_rupiah: u32,
}

impl Default for RenewalRules {
    fn default() -> Self {
        RenewalRules {
            opens_days_before: 30,
            closes_days_after: 365,
            term: None,
            approval: RenewalApproval::Staff,
            documents: Vec::new(),
            fee_rupiah: 0,
        }
    }
}

/// Reason a member may not renew today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenewalRefusal {
    /// The window opens on `opens_on`.
    TooEarly { opens_on: Date },
    /// The window closed after `closed_on`; the member must register again.
    TooLate { closed_on: Date },
}

impl RenewalRefusal {
    pub fn code(self) -> &'static str {
        match self {
            RenewalRefusal::TooEarly { .. } => "renewal_too_early",
            RenewalRefusal::TooLate { .. } => "renewal_too_late",
        }
    }
}

/// Quote of a renewal on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenewalQuote {
    /// First day of the window.
    pub opens_on: Date,
    /// Last day of the window.
    pub closes_on: Date,
    /// End date after the renewal.
    pub new_valid_until: Date,
    pub term: Term,
    pub fee_rupiah: u32,
}

impl RenewalRules {
    /// Returns the term of a renewal: the configured one, or the member type's validity in
    /// days.
    pub fn term_or(&self, validity_days: u32) -> Term {
        self.term.unwrap_or(Term::Days(validity_days))
    }

    /// Checks the window for a card ending on `valid_until` and quotes the new end date.
    /// Both bounds are inclusive.
    pub fn quote(
        &self,
        validity_days: u32,
        valid_until: Date,
        today: Date,
    ) -> Result<RenewalQuote, RenewalRefusal> {
        let opens_on = valid_until
            .checked_sub(time::Duration::days(i64::from(self.opens_days_before)))
            .unwrap_or(Date::MIN);
        let closes_on = crate::dates::add_days(valid_until, self.closes_days_after);
        if today < opens_on {
            return Err(RenewalRefusal::TooEarly { opens_on });
        }
        if today > closes_on {
            return Err(RenewalRefusal::TooLate {
                closed_on: closes_on,
            });
        }
        let term = self.term_or(validity_days);
        Ok(RenewalQuote {
            opens_on,
            closes_on,
            new_valid_until: new_end_date(term, valid_until, today),
            term,
            fee_rupiah: self.fee_rupiah,
        })
    }
}

/// Computes the end date after a renewal: the term added to the later of today and the
/// current end date, so renewing early loses no days and renewing late does not backdate the card.
pub fn new_end_date(term: Term, valid_until: Date, today: Date) -> Date {
    term.add_to(valid_until.max(today))
}

/// Tells whether a renewal needs a staff look even where the member type approves
/// automatically:
/// new uploads need checking, and a member whose identity data is under correction waits for
/// that correction first.
pub fn needs_review(uploaded: &[UploadSlot], identity_correction_open: bool) -> bool {
    !uploaded.is_empty() || identity_correction_open
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn term_parsing() {
        assert_eq!(Term::parse("365d"), Some(Term::Days(365)));
        assert_eq!(Term::parse("6 bulan"), Some(Term::Months(6)));
        assert_eq!(Term::parse(" 1Y "), Some(Term::Years(1)));
        assert_eq!(Term::parse("2 tahun"), Some(Term::Years(2)));
        for bad in ["", "y", "0y", "11y", "121m", "3651d", "1w", "-1y", "1.5y"] {
            assert_eq!(Term::parse(bad), None, "{bad:?}");
        }
        assert_eq!(Term::Years(1).to_string(), "1y");
    }

    #[test]
    fn adding_terms() {
        let cases = [
            (
                date!(2026 - 01 - 31),
                Term::Months(1),
                date!(2026 - 02 - 28),
            ),
            (
                date!(2028 - 01 - 31),
                Term::Months(1),
                date!(2028 - 02 - 29),
            ),
            (
                date!(2026 - 03 - 31),
                Term::Months(1),
                date!(2026 - 04 - 30),
            ),
            (
                date!(2026 - 01 - 30),
                Term::Months(13),
                date!(2027 - 02 - 28),
            ),
            (
                date!(2026 - 08 - 31),
                Term::Months(6),
                date!(2027 - 02 - 28),
            ),
            (
                date!(2026 - 12 - 15),
                Term::Months(1),
                date!(2027 - 01 - 15),
            ),
            (date!(2028 - 02 - 29), Term::Years(1), date!(2029 - 02 - 28)),
            (date!(2028 - 02 - 29), Term::Years(4), date!(2032 - 02 - 29)),
            (date!(2027 - 02 - 28), Term::Years(1), date!(2028 - 02 - 28)),
            (
                date!(2027 - 03 - 01),
                Term::Days(365),
                date!(2028 - 02 - 29),
            ),
            (
                date!(2028 - 02 - 29),
                Term::Days(365),
                date!(2029 - 02 - 28),
            ),
            (date!(2026 - 12 - 31), Term::Days(1), date!(2027 - 01 - 01)),
            (date!(9999 - 12 - 31), Term::Years(1), Date::MAX),
        ];
        for (start, term, expected) in cases {
            assert_eq!(term.add_to(start), expected, "{start} + {term}");
        }
    }
}
