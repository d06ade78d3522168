//! Property tests for NIK parsing and the other identity numbers.
//!
//! Every input is generated here. The NIKs are built from district prefixes known to the
//! built-in directory or to a small full table, so most generated NIKs are valid and reach the
//! date and serial checks.

use std::sync::LazyLock;

use proptest::prelude::*;
use raline_domain::identity::{NikError, normalize_other_identity, strip_separators};
use raline_domain::{IdentityType, Nik, RegionDirectory, Sex};
use time::macros::date;
use time::{Date, Duration, Month};

static BUILT_IN: LazyLock<RegionDirectory> = LazyLock::new(RegionDirectory::built_in);

/// Districts of the small full table below, current and historical, as NIK prefixes.
const FULL_TABLE_DISTRICTS: [&str; 7] = [
    "351601", "351602", "357601", "357602", "357603", "930101", // current
    "910101", // historical: listed only among the earlier district codes
];

static FULL_TABLE: LazyLock<RegionDirectory> = LazyLock::new(|| {
    let rows = [
        ("35", "Jawa Timur"),
        ("35.16", "Kabupaten Mojokerto"),
        ("35.16.01", "Jatirejo"),
        ("35.16.02", "Gondang"),
        ("35.76", "Kota Mojokerto"),
        ("35.76.01", "Prajuritkulon"),
        ("35.76.02", "Magersari"),
        ("35.76.03", "Kranggan"),
        ("91", "Papua"),
        ("93", "Papua Selatan"),
        ("93.01", "Kabupaten Merauke"),
        ("93.01.01", "Merauke"),
    ];
    RegionDirectory::from_table(rows, ["91.01.01"]).expect("the test table is valid")
});

const EARLIEST_TODAY: Date = date!(1970 - 01 - 01);
const LATEST_TODAY: Date = date!(2099 - 12 - 31);
const EARLIEST_BIRTH: Date = date!(1900 - 01 - 01);

fn date_between(first: Date, last: Date) -> impl Strategy<Value = Date> {
    (first.to_julian_day()..=last.to_julian_day())
        .prop_map(|day| Date::from_julian_day(day).expect("the range contains valid dates only"))
}

fn today_strategy() -> impl Strategy<Value = Date> {
    date_between(EARLIEST_TODAY, LATEST_TODAY)
}

fn sex_strategy() -> impl Strategy<Value = Sex> {
    prop_oneof![Just(Sex::Male), Just(Sex::Female)]
}

/// Prefixes the built-in directory accepts: Kota Mojokerto's districts, any regency and
/// district under a province other than Jawa Timur (the built-in table lists none), and any
/// district under a Jawa Timur regency other than Kota Mojokerto.
fn built_in_prefix() -> impl Strategy<Value = String> {
    let mojokerto = prop::sample::select(vec!["357601", "357602", "357603"]).prop_map(String::from);
    let other_province = (
        prop::sample::select(vec![
            "11", "12", "13", "14", "15", "16", "17", "18", "19", "21", "31", "32", "33", "34",
            "36", "51", "52", "53", "61", "62", "63", "64", "65", "71", "72", "73", "74", "75",
            "76", "81", "82", "91", "92", "93", "94", "95", "96",
        ]),
        "[0-9]{4}",
    )
        .prop_map(|(province, rest)| format!("{province}{rest}"));
    let jawa_timur_regency = (1u32..=79)
        .prop_filter(
            "a Jawa Timur regency other than Kota Mojokerto",
            |regency| (1..=29).contains(regency) || (71..=79).contains(regency) && *regency != 76,
        )
        .prop_flat_map(|regency| {
            "[0-9]{2}".prop_map(move |district| format!("35{regency:02}{district}"))
        });
    prop_oneof![mojokerto, other_province, jawa_timur_regency]
}

fn full_table_prefix() -> impl Strategy<Value = String> {
    prop::sample::select(FULL_TABLE_DISTRICTS.to_vec()).prop_map(String::from)
}

/// Builds the 16 digits of a NIK. Women have 40 added to the day of birth.
fn nik_digits(prefix: &str, birth: Date, sex: Sex, serial: u16) -> String {
    let day = match sex {
        Sex::Male => birth.day(),
        Sex::Female => birth.day() + 40,
    };
    format!(
        "{prefix}{day:02}{month:02}{year:02}{serial:04}",
        month = u8::from(birth.month()),
        year = birth.year() % 100,
    )
}

/// Applies the century rule of the NIK, written out here independently of the parser: 20YY
/// when that date exists and is not after `today`, else 19YY. Returns `None` when neither
/// date exists.
fn expected_birth_date(day: u8, month: u8, short_year: i32, today: Date) -> Option<Date> {
    let month = Month::try_from(month).ok()?;
    let this_century = Date::from_calendar_date(2000 + short_year, month, day)
        .ok()
        .filter(|candidate| *candidate <= today);
    this_century
        .or_else(|| Date::from_calendar_date(1900 + short_year, month, day).ok())
        // Before 2000, 19YY can be in the future too; such a NIK cannot exist yet.
        .filter(|candidate| *candidate <= today)
}

fn digits_at(input: &str, range: std::ops::Range<usize>) -> u16 {
    input[range].parse().expect("the NIK contains digits only")
}

/// A valid NIK with its parts, together with the `today` it was built for.
#[derive(Debug, Clone)]
struct ValidNik {
    prefix: String,
    birth: Date,
    sex: Sex,
    serial: u16,
    today: Date,
}

/// Birth dates from 1900 to `today`, a third of them within a week of `today` or of the day
/// 100 years earlier, where the century rule switches.
fn birth_strategy(today: Date) -> impl Strategy<Value = Date> {
    // 36,525 days is 100 years give or take a day, close enough for a two-week window.
    // For a `today` before 2000 that day is before 1900, so the window starts at 1900.
    let century_earlier = Date::from_julian_day(today.to_julian_day() - 36_525)
        .expect("the day is after 1800")
        .max(EARLIEST_BIRTH);
    let near = move |center: Date| {
        let first = (center - Duration::days(7)).max(EARLIEST_BIRTH);
        let last = (center + Duration::days(7)).min(today);
        date_between(first, last)
    };
    prop_oneof![
        4 => date_between(EARLIEST_BIRTH, today),
        1 => near(today),
        1 => near(century_earlier),
    ]
}

fn valid_nik(prefix: impl Strategy<Value = String>) -> impl Strategy<Value = ValidNik> {
    let dates = today_strategy().prop_flat_map(|today| (Just(today), birth_strategy(today)));
    (dates, prefix, sex_strategy(), 1u16..=9999).prop_map(
        |((today, birth), prefix, sex, serial)| ValidNik {
            prefix,
            birth,
            sex,
            serial,
            today,
        },
    )
}

fn check_round_trip(nik: &ValidNik, regions: &RegionDirectory) -> Result<(), TestCaseError> {
    let digits = nik_digits(&nik.prefix, nik.birth, nik.sex, nik.serial);
    let parsed = Nik::parse(&digits, nik.today, regions)
        .map_err(|error| TestCaseError::fail(format!("{digits} rejected: {error}")))?;

    let short_year = nik.birth.year() % 100;
    let expected = expected_birth_date(
        nik.birth.day(),
        nik.birth.month().into(),
        short_year,
        nik.today,
    )
    .expect("the birth date exists");
    // A birth date more than 100 years before today is read in the later century.
    let later_century = nik.birth.replace_year(nik.birth.year() + 100).ok();
    if later_century.is_some_and(|later| later <= nik.today) {
        prop_assert_eq!(expected, later_century.unwrap());
    } else {
        prop_assert_eq!(expected, nik.birth);
    }

    prop_assert_eq!(parsed.as_str(), digits.as_str());
    prop_assert_eq!(parsed.birth_date(), expected);
    prop_assert_eq!(parsed.sex(), nik.sex);
    prop_assert_eq!(
        parsed.district_code(),
        format!(
            "{}.{}.{}",
            &nik.prefix[0..2],
            &nik.prefix[2..4],
            &nik.prefix[4..6]
        )
    );
    prop_assert!(parsed.matches_birth_date(nik.birth));
    Ok(())
}

/// Checks a parse result of 16 ASCII digits against the NIK rules written out here.
fn check_against_rules(
    input: &str,
    today: Date,
    regions: &RegionDirectory,
) -> Result<(), TestCaseError> {
    let result = Nik::parse(input, today, regions);

    if let Err(error) = regions.check_nik_prefix(&input[0..6]) {
        prop_assert_eq!(result, Err(error));
        return Ok(());
    }
    let encoded_day = digits_at(input, 6..8);
    let month = digits_at(input, 8..10);
    let short_year = i32::from(digits_at(input, 10..12));
    let serial = digits_at(input, 12..16);
    let (day, sex) = match encoded_day {
        1..=31 => (encoded_day, Sex::Male),
        41..=71 => (encoded_day - 40, Sex::Female),
        _ => {
            prop_assert_eq!(result, Err(NikError::InvalidDate));
            return Ok(());
        }
    };
    let Some(birth) = expected_birth_date(day as u8, month as u8, short_year, today) else {
        prop_assert_eq!(result, Err(NikError::InvalidDate));
        return Ok(());
    };
    if serial == 0 {
        prop_assert_eq!(result, Err(NikError::ZeroSerial));
        return Ok(());
    }

    let nik = result.map_err(|error| TestCaseError::fail(format!("{input} rejected: {error}")))?;
    prop_assert_eq!(nik.as_str(), input);
    prop_assert_eq!(nik.birth_date(), birth);
    prop_assert_eq!(nik.sex(), sex);
    Ok(())
}

/// 16 digits, half of them starting with a prefix the directory accepts.
fn sixteen_digits(prefix: impl Strategy<Value = String>) -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{16}",
        (prefix, "[0-7][0-9][01][0-9]{3}[0-9]{4}").prop_map(|(prefix, rest)| prefix + &rest),
    ]
}

/// Strings that parse could meet: anything, 16 characters of any script, and digits mixed
/// with the separators people type.
fn any_input() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "\\PC{16}",
        "[0-9٠-٩０-９]{16}",
        "[0-9 .\\-\u{a0}/]{0,24}",
        "[0-9]{15,17}",
    ]
}

proptest! {
    #[test]
    fn valid_nik_round_trips_built_in(nik in valid_nik(built_in_prefix())) {
        check_round_trip(&nik, &BUILT_IN)?;
    }

    #[test]
    fn valid_nik_round_trips_full_table(nik in valid_nik(full_table_prefix())) {
        check_round_trip(&nik, &FULL_TABLE)?;
    }

    #[test]
    fn parse_never_panics(input in any_input(), today in today_strategy()) {
        for regions in [&*BUILT_IN, &*FULL_TABLE] {
            let result = Nik::parse(&input, today, regions);
            if let Ok(nik) = result {
                prop_assert_eq!(nik.as_str(), input.as_str());
            }
        }
    }

    #[test]
    fn sixteen_digits_follow_rules_built_in(
        input in sixteen_digits(built_in_prefix()),
        today in today_strategy(),
    ) {
        check_against_rules(&input, today, &BUILT_IN)?;
    }

    #[test]
    fn sixteen_digits_follow_rules_full_table(
        input in sixteen_digits(full_table_prefix()),
        today in today_strategy(),
    ) {
        check_against_rules(&input, today, &FULL_TABLE)?;
        if Nik::parse(&input, today, &FULL_TABLE).is_ok() {
            prop_assert!(FULL_TABLE_DISTRICTS.contains(&&input[0..6]));
        }
    }

    #[test]
    fn parsed_nik_has_valid_fields(
        input in sixteen_digits(built_in_prefix()),
        today in today_strategy(),
    ) {
        if let Ok(nik) = Nik::parse(&input, today, &BUILT_IN) {
            let encoded_day = digits_at(&input, 6..8);
            let month = digits_at(&input, 8..10);
            prop_assert!(
                (1..=31).contains(&encoded_day) || (41..=71).contains(&encoded_day),
                "day {encoded_day}"
            );
            prop_assert!((1..=12).contains(&month), "month {month}");
            prop_assert_ne!(&input[12..16], "0000");
            let expected_sex = if encoded_day > 40 { Sex::Female } else { Sex::Male };
            prop_assert_eq!(nik.sex(), expected_sex);
            prop_assert!(nik.birth_date() <= today, "{} after {today}", nik.birth_date());
        }
    }

    #[test]
    fn separators_do_not_change_parse(
        input in sixteen_digits(built_in_prefix()),
        separators in prop::collection::vec(
            prop::sample::select(vec!["", " ", ".", "-", "\u{a0}", "  ", ". "]),
            17,
        ),
        today in today_strategy(),
    ) {
        let mut typed = String::new();
        for (index, digit) in input.chars().enumerate() {
            typed.push_str(separators[index]);
            typed.push(digit);
        }
        typed.push_str(separators[16]);

        let stripped = strip_separators(&typed);
        prop_assert_eq!(&stripped, &input);
        prop_assert_eq!(
            Nik::parse(&stripped, today, &BUILT_IN),
            Nik::parse(&input, today, &BUILT_IN)
        );
    }

    #[test]
    fn other_identity_never_panics(input in any_input()) {
        for kind in IdentityType::ALL {
            let result = normalize_other_identity(kind, &input);
            if kind.carries_nik() {
                prop_assert_eq!(result, Err("identity_number_format"));
                continue;
            }
            let Ok(stored) = result else { continue };
            match kind {
                IdentityType::Sim => {
                    prop_assert!(stored.len() == 12 || stored.len() == 14);
                    prop_assert!(stored.bytes().all(|b| b.is_ascii_digit()));
                }
                IdentityType::KartuPelajar => {
                    prop_assert_eq!(stored.len(), 10);
                    prop_assert!(stored.bytes().all(|b| b.is_ascii_digit()));
                }
                IdentityType::Paspor | IdentityType::Kitas | IdentityType::Kitap => {
                    prop_assert!(stored.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));
                }
                _ => prop_assert!(!stored.trim().is_empty()),
            }
        }
    }
}

/// With `today` before 2000, a two-digit year after today's year would be 19YY and still in
/// the future; such a NIK cannot exist yet. Found by the fuzz target.
#[test]
fn future_birth_date_before_2000_rejected() {
    let today = date!(1980 - 06 - 01);
    assert_eq!(
        Nik::parse("3576010101900001", today, &BUILT_IN),
        Err(raline_domain::identity::NikError::InvalidDate)
    );
}
