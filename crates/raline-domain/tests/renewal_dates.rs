//! Table tests of the renewal date rules. `scripts/test` runs this crate under UTC,
//! America/Los_Angeles and Pacific/Kiritimati: every expectation is a WIB calendar date, so
//! all three runs must agree.

use raline_domain::dates::wib_date;
use raline_domain::renewal::new_end_date;
use raline_domain::{RenewalRefusal, RenewalRules, Term};
use time::macros::{date, datetime};
use time::{Date, OffsetDateTime};

fn rules(term: Option<Term>) -> RenewalRules {
    RenewalRules {
        term,
        ..RenewalRules::default()
    }
}

/// The outcome a case expects: a new end date, or a refusal.
#[derive(Debug, PartialEq)]
enum Expect {
    Renewed(Date),
    TooEarly(Date),
    TooLate(Date),
}

fn outcome(term: Option<Term>, valid_until: Date, now: OffsetDateTime) -> Expect {
    match rules(term).quote(365, valid_until, wib_date(now)) {
        Ok(quote) => Expect::Renewed(quote.new_valid_until),
        Err(RenewalRefusal::TooEarly { opens_on }) => Expect::TooEarly(opens_on),
        Err(RenewalRefusal::TooLate { closed_on }) => Expect::TooLate(closed_on),
    }
}

#[test]
fn window_and_new_end_date() {
    use Expect::*;
    let year = Some(Term::Years(1));
    let month = Some(Term::Months(1));
    let cases: &[(&str, Option<Term>, Date, OffsetDateTime, Expect)] = &[
        // Early renewal keeps the remaining days: the term starts at the end date.
        (
            "10 days before the end",
            year,
            date!(2026 - 12 - 14),
            datetime!(2026-12-04 03:00 UTC),
            Renewed(date!(2027 - 12 - 14)),
        ),
        (
            "first day of the window",
            year,
            date!(2027 - 01 - 03),
            datetime!(2026-12-04 03:00 UTC),
            Renewed(date!(2028 - 01 - 03)),
        ),
        (
            "one day before the window",
            year,
            date!(2027 - 01 - 04),
            datetime!(2026-12-04 03:00 UTC),
            TooEarly(date!(2026 - 12 - 05)),
        ),
        // 16:59 UTC is 23:59 WIB on 4 December; 17:00 UTC is already 5 December in WIB.
        (
            "window opens at WIB midnight, not before",
            year,
            date!(2027 - 01 - 04),
            datetime!(2026-12-04 16:59 UTC),
            TooEarly(date!(2026 - 12 - 05)),
        ),
        (
            "window opens at WIB midnight",
            year,
            date!(2027 - 01 - 04),
            datetime!(2026-12-04 17:00 UTC),
            Renewed(date!(2028 - 01 - 04)),
        ),
        (
            "on the end date itself",
            year,
            date!(2026 - 12 - 04),
            datetime!(2026-12-04 03:00 UTC),
            Renewed(date!(2027 - 12 - 04)),
        ),
        // Late renewal does not backdate: the term starts today.
        (
            "expired yesterday",
            year,
            date!(2026 - 12 - 03),
            datetime!(2026-12-04 03:00 UTC),
            Renewed(date!(2027 - 12 - 04)),
        ),
        (
            "expired 200 days ago",
            year,
            date!(2026 - 05 - 18),
            datetime!(2026-12-04 03:00 UTC),
            Renewed(date!(2027 - 12 - 04)),
        ),
        (
            "last day of the window, 365 days after the end",
            year,
            date!(2025 - 12 - 04),
            datetime!(2026-12-04 03:00 UTC),
            Renewed(date!(2027 - 12 - 04)),
        ),
        (
            "one day after the window",
            year,
            date!(2025 - 12 - 03),
            datetime!(2026-12-04 03:00 UTC),
            TooLate(date!(2026 - 12 - 03)),
        ),
        (
            "window closes at WIB midnight",
            year,
            date!(2025 - 12 - 03),
            datetime!(2026-12-03 16:59 UTC),
            Renewed(date!(2027 - 12 - 03)),
        ),
        // Month-end and leap-day arithmetic.
        (
            "31 January plus one month, common year",
            month,
            date!(2027 - 01 - 31),
            datetime!(2027-01-20 03:00 UTC),
            Renewed(date!(2027 - 02 - 28)),
        ),
        (
            "31 January plus one month, leap year",
            month,
            date!(2028 - 01 - 31),
            datetime!(2028-01-20 03:00 UTC),
            Renewed(date!(2028 - 02 - 29)),
        ),
        (
            "29 February plus one year",
            year,
            date!(2028 - 02 - 29),
            datetime!(2028-02-20 03:00 UTC),
            Renewed(date!(2029 - 02 - 28)),
        ),
        (
            "expired card renewed on 29 February",
            year,
            date!(2027 - 12 - 31),
            datetime!(2028-02-29 03:00 UTC),
            Renewed(date!(2029 - 02 - 28)),
        ),
        (
            "365 days across a leap day",
            Some(Term::Days(365)),
            date!(2027 - 12 - 31),
            datetime!(2027-12-20 03:00 UTC),
            Renewed(date!(2028 - 12 - 30)),
        ),
        (
            "default term is the type's validity in days",
            None,
            date!(2026 - 12 - 14),
            datetime!(2026-12-04 03:00 UTC),
            Renewed(date!(2027 - 12 - 14)),
        ),
        (
            "year end in WIB while UTC is still in the old year",
            year,
            date!(2027 - 01 - 10),
            datetime!(2026-12-31 18:00 UTC),
            Renewed(date!(2028 - 01 - 10)),
        ),
    ];
    for (name, term, valid_until, now, expected) in cases {
        assert_eq!(
            &outcome(*term, *valid_until, *now),
            expected,
            "{name}: card ending {valid_until}, at {now}"
        );
    }
}

/// Renewing twice in a row: the second renewal starts from the end date the first one gave,
/// so approving two renewals adds two terms. Recomputing one from the same inputs gives the
/// same date, which is why the store applies an approved renewal once only.
#[test]
fn consecutive_renewals() {
    let term = Term::Years(1);
    let today = date!(2026 - 12 - 04);
    let first = new_end_date(term, date!(2026 - 12 - 14), today);
    assert_eq!(first, date!(2027 - 12 - 14));
    assert_eq!(new_end_date(term, date!(2026 - 12 - 14), today), first);

    let second = new_end_date(term, first, today);
    assert_eq!(second, date!(2028 - 12 - 14));

    // The window of the renewed card opens 30 days before its new end date.
    assert_eq!(
        rules(Some(term)).quote(365, first, today),
        Err(RenewalRefusal::TooEarly {
            opens_on: date!(2027 - 11 - 14)
        })
    );
}

#[test]
fn custom_window() {
    let rules = RenewalRules {
        opens_days_before: 0,
        closes_days_after: 0,
        term: Some(Term::Months(6)),
        ..RenewalRules::default()
    };
    let end = date!(2026 - 08 - 31);
    assert!(matches!(
        rules.quote(365, end, date!(2026 - 08 - 30)),
        Err(RenewalRefusal::TooEarly { .. })
    ));
    assert_eq!(
        rules
            .quote(365, end, end)
            .map(|quote| quote.new_valid_until),
        Ok(date!(2027 - 02 - 28))
    );
    assert_eq!(
        rules.quote(365, end, date!(2026 - 09 - 01)),
        Err(RenewalRefusal::TooLate { closed_on: end })
    );
}

#[test]
fn renewal_rules_from_configuration() {
    let rules: RenewalRules = toml::from_str(
        "term = \"1 tahun\"\nopens_days_before = 45\napproval = \"automatic\"\n\
         documents = [\"identity_document\"]\nfee_rupiah = 10000\n",
    )
    .unwrap();
    assert_eq!(rules.term, Some(Term::Years(1)));
    assert_eq!(rules.opens_days_before, 45);
    assert_eq!(rules.closes_days_after, 365);
    assert_eq!(rules.approval, raline_domain::RenewalApproval::Automatic);
    assert_eq!(rules.fee_rupiah, 10_000);
    assert!(toml::from_str::<RenewalRules>("term = \"1 week\"").is_err());
    assert!(toml::from_str::<RenewalRules>("unknown = 1").is_err());
}
