//! Fuzzes `Nik::parse` with the built-in region directory and a small full table.
//!
//! Input layout: the first 2 bytes (little-endian) pick `today` between 1970-01-01 and
//! 2099-12-31. The rest, read as lossy UTF-8, is the NIK as typed.

#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use raline_domain::identity::{normalize_other_identity, strip_separators};
use raline_domain::{IdentityType, Nik, RegionDirectory, Sex};
use time::macros::date;
use time::{Date, Duration};

const EARLIEST_TODAY: Date = date!(1970 - 01 - 01);
const LATEST_TODAY: Date = date!(2099 - 12 - 31);

static BUILT_IN: LazyLock<RegionDirectory> = LazyLock::new(RegionDirectory::built_in);

/// Districts of the full table below, current and historical, as NIK prefixes.
const FULL_TABLE_DISTRICTS: [&str; 7] = [
    "351601", "351602", "357601", "357602", "357603", "930101", "910101",
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
    RegionDirectory::from_table(rows, ["91.01.01"]).expect("the fuzz table is valid")
});

fn today_from(bytes: [u8; 2]) -> Date {
    let span = (LATEST_TODAY - EARLIEST_TODAY).whole_days() + 1;
    let offset = i64::from(u16::from_le_bytes(bytes)) % span;
    EARLIEST_TODAY + Duration::days(offset)
}

fn two_digits(digits: &str, start: usize) -> u8 {
    digits[start..start + 2]
        .parse()
        .expect("a parsed NIK contains digits only")
}

/// Checks a NIK that `Nik::parse` accepted against the rules that hold for every input.
fn check_accepted(input: &str, nik: &Nik, today: Date) {
    let digits = nik.as_str();
    assert_eq!(digits, input);
    assert_eq!(digits.len(), 16, "{digits:?}");
    assert!(digits.bytes().all(|b| b.is_ascii_digit()), "{digits:?}");
    assert_ne!(&digits[12..16], "0000");

    let encoded_day = two_digits(digits, 6);
    let (day, sex) = match encoded_day {
        1..=31 => (encoded_day, Sex::Male),
        41..=71 => (encoded_day - 40, Sex::Female),
        _ => panic!("{digits}: day {encoded_day} accepted"),
    };
    let birth_date = nik.birth_date();
    assert_eq!(nik.sex(), sex, "{digits}");
    assert_eq!(birth_date.day(), day, "{digits}");
    assert_eq!(
        u8::from(birth_date.month()),
        two_digits(digits, 8),
        "{digits}"
    );
    assert_eq!(
        birth_date.year() % 100,
        i32::from(two_digits(digits, 10)),
        "{digits}"
    );
    assert!(
        (1900..=2099).contains(&birth_date.year()),
        "{digits}: {birth_date}"
    );
    assert!(
        birth_date <= today,
        "{digits}: born {birth_date}, today {today}"
    );
    assert_eq!(
        nik.district_code(),
        format!("{}.{}.{}", &digits[0..2], &digits[2..4], &digits[4..6])
    );
    assert!(nik.matches_birth_date(birth_date), "{digits}");
}

fuzz_target!(|data: &[u8]| {
    let Some((today_bytes, rest)) = data.split_first_chunk::<2>() else {
        return;
    };
    let today = today_from(*today_bytes);
    let input = String::from_utf8_lossy(rest);
    let stripped = strip_separators(&input);

    for regions in [&*BUILT_IN, &*FULL_TABLE] {
        let result = Nik::parse(&input, today, regions);
        if let Ok(nik) = &result {
            check_accepted(&input, nik, today);
            if std::ptr::eq(regions, &*FULL_TABLE) {
                assert!(FULL_TABLE_DISTRICTS.contains(&&input[0..6]), "{input}");
            }
        }

        // The input has no separators whenever it parses, so stripping them changes nothing.
        let stripped_result = Nik::parse(&stripped, today, regions);
        if result.is_ok() {
            assert_eq!(stripped_result, result);
        }
        if let Ok(nik) = &stripped_result {
            check_accepted(&stripped, nik, today);
        }
    }

    for kind in IdentityType::ALL {
        let _ = normalize_other_identity(kind, &input);
    }
});
