//! Identity documents and the NIK (Nomor Induk Kependudukan).

use serde::{Deserialize, Serialize};
use time::{Date, Month};

use crate::region::RegionDirectory;
use crate::sex::Sex;

/// The identity document an applicant registers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentityType {
    /// Kartu Tanda Penduduk, the adult identity card carrying the NIK.
    Ktp,
    /// Kartu Identitas Anak, the child identity card (under 17) carrying the NIK.
    Kia,
    /// Surat Izin Mengemudi (driving licence).
    Sim,
    Paspor,
    /// Kartu pelajar, identified by the 10-digit NISN (Nomor Induk Siswa Nasional).
    KartuPelajar,
    /// Kartu Izin Tinggal Terbatas, the limited-stay permit of foreign residents.
    Kitas,
    /// Kartu Izin Tinggal Tetap, the permanent-stay permit of foreign residents.
    Kitap,
    Lainnya,
}

impl IdentityType {
    pub const ALL: [IdentityType; 8] = [
        IdentityType::Ktp,
        IdentityType::Kia,
        IdentityType::Sim,
        IdentityType::Paspor,
        IdentityType::KartuPelajar,
        IdentityType::Kitas,
        IdentityType::Kitap,
        IdentityType::Lainnya,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            IdentityType::Ktp => "ktp",
            IdentityType::Kia => "kia",
            IdentityType::Sim => "sim",
            IdentityType::Paspor => "paspor",
            IdentityType::KartuPelajar => "kartu_pelajar",
            IdentityType::Kitas => "kitas",
            IdentityType::Kitap => "kitap",
            IdentityType::Lainnya => "lainnya",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == value)
    }

    /// KTP and KIA carry a NIK, which has a fixed structure that can be checked.
    pub fn carries_nik(self) -> bool {
        matches!(self, IdentityType::Ktp | IdentityType::Kia)
    }
}

/// Reason a NIK is invalid. Each variant has its own message for the applicant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NikError {
    #[error("a NIK has exactly 16 digits")]
    Length,
    #[error("a NIK contains digits only")]
    NotDigits,
    #[error("the first two digits are not a province code")]
    UnknownProvince,
    #[error("digits 1 to 6 are not a district code, current or historical")]
    UnknownDistrict,
    #[error("digits 7 to 12 are not a date of birth")]
    InvalidDate,
    #[error("the last four digits cannot be 0000")]
    ZeroSerial,
}

impl NikError {
    /// Stable code for API clients and the message catalogue.
    pub fn code(self) -> &'static str {
        match self {
            NikError::Length => "nik_length",
            NikError::NotDigits => "nik_not_digits",
            NikError::UnknownProvince => "nik_unknown_province",
            NikError::UnknownDistrict => "nik_unknown_district",
            NikError::InvalidDate => "nik_invalid_date",
            NikError::ZeroSerial => "nik_zero_serial",
        }
    }
}

/// A structurally valid NIK.
///
/// Layout: province (2) regency (2) district (2) DDMMYY (6) serial (4). Women have 40 added to
/// the day of birth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nik {
    digits: String,
    birth_date: Date,
    sex: Sex,
}

impl Nik {
    /// Parses a NIK typed by a person, after spaces and dots have been removed by the caller.
    ///
    /// `today` decides the century: a two-digit year is 20YY unless that lies in the future,
    /// else 19YY. `regions` decides which district prefixes exist.
    pub fn parse(input: &str, today: Date, regions: &RegionDirectory) -> Result<Nik, NikError> {
        if !input.chars().all(|c| c.is_ascii_digit()) {
            return Err(NikError::NotDigits);
        }
        if input.len() != 16 {
            return Err(NikError::Length);
        }

        regions.check_nik_prefix(&input[0..6])?;

        let number = |range: std::ops::Range<usize>| -> u16 {
            // The slice contains ASCII digits only, checked above.
            input[range].parse().unwrap_or(0)
        };
        let encoded_day = number(6..8);
        let month = number(8..10);
        let short_year = i32::from(number(10..12));

        let (day, sex) = match encoded_day {
            1..=31 => (encoded_day, Sex::Male),
            41..=71 => (encoded_day - 40, Sex::Female),
            _ => return Err(NikError::InvalidDate),
        };
        let month = u8::try_from(month)
            .ok()
            .and_then(|m| Month::try_from(m).ok())
            .ok_or(NikError::InvalidDate)?;

        let this_century = 2000 + short_year;
        let year = if this_century > today.year() {
            1900 + short_year
        } else {
            this_century
        };
        let day = u8::try_from(day).map_err(|_| NikError::InvalidDate)?;
        let mut birth_date =
            Date::from_calendar_date(year, month, day).map_err(|_| NikError::InvalidDate)?;
        if birth_date > today {
            // Only possible in the current year: a later month of 20YY means 19YY.
            birth_date = Date::from_calendar_date(1900 + short_year, month, day)
                .map_err(|_| NikError::InvalidDate)?;
        }
        if birth_date > today {
            // Only when `today` is before 2000: 19YY is then in the future as well.
            return Err(NikError::InvalidDate);
        }

        if &input[12..16] == "0000" {
            return Err(NikError::ZeroSerial);
        }

        Ok(Nik {
            digits: input.to_owned(),
            birth_date,
            sex,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.digits
    }

    /// Returns the birth date encoded in digits 7–12.
    pub fn birth_date(&self) -> Date {
        self.birth_date
    }

    /// Returns the sex encoded by the day offset of 40.
    pub fn sex(&self) -> Sex {
        self.sex
    }

    /// Returns the district code (`35.76.01` form) where the NIK was first issued.
    pub fn district_code(&self) -> String {
        format!(
            "{}.{}.{}",
            &self.digits[0..2],
            &self.digits[2..4],
            &self.digits[4..6]
        )
    }

    /// Compares the NIK's date part with the birth date typed, ignoring the century because
    /// the NIK contains only two digits of the year.
    pub fn matches_birth_date(&self, birth_date: Date) -> bool {
        self.birth_date.day() == birth_date.day()
            && self.birth_date.month() == birth_date.month()
            && self.birth_date.year() % 100 == birth_date.year() % 100
    }
}

/// Checks the number of a document that carries no NIK and returns it as stored: separators
/// removed and letters in capitals, except for [`IdentityType::Lainnya`], which keeps its
/// separators because staff read it as printed.
///
/// The rules are format checks only; staff compare the number with the uploaded scan.
/// - SIM: 12 digits (cards before 2023) or 14 digits (the 2023 card).
/// - Paspor: 6 to 9 letters and digits with at least one digit; Indonesian passports are one
///   or two letters followed by 7 digits, foreign ones vary.
/// - Kartu pelajar: the 10-digit NISN.
/// - KITAS and KITAP: 6 to 20 letters and digits with at least one digit. The printed register
///   numbers changed form over the years, so only the character set is checked.
/// - Lainnya: up to 40 letters, digits, spaces, dots, slashes and hyphens.
///
/// Returns the error code for the catalogue when the format is wrong.
pub fn normalize_other_identity(kind: IdentityType, input: &str) -> Result<String, &'static str> {
    let compact = strip_separators(input.trim())
        .replace('/', "")
        .to_uppercase();
    let digits_only = !compact.is_empty() && compact.bytes().all(|b| b.is_ascii_digit());
    let alphanumeric = compact.bytes().all(|b| b.is_ascii_alphanumeric());
    let has_digit = compact.bytes().any(|b| b.is_ascii_digit());
    match kind {
        IdentityType::Ktp | IdentityType::Kia => Err("identity_number_format"),
        IdentityType::Sim if digits_only && matches!(compact.len(), 12 | 14) => Ok(compact),
        IdentityType::Sim => Err("sim_format"),
        IdentityType::Paspor if alphanumeric && has_digit && (6..=9).contains(&compact.len()) => {
            Ok(compact)
        }
        IdentityType::Paspor => Err("passport_format"),
        IdentityType::KartuPelajar if digits_only && compact.len() == 10 => Ok(compact),
        IdentityType::KartuPelajar => Err("nisn_format"),
        IdentityType::Kitas | IdentityType::Kitap
            if alphanumeric && has_digit && (6..=20).contains(&compact.len()) =>
        {
            Ok(compact)
        }
        IdentityType::Kitas | IdentityType::Kitap => Err("kitas_format"),
        IdentityType::Lainnya => {
            let plain = input.trim();
            let allowed = plain
                .chars()
                .all(|c| c.is_alphanumeric() || " ./-".contains(c));
            if allowed && plain.chars().any(char::is_alphanumeric) && plain.chars().count() <= 40 {
                Ok(plain.to_uppercase())
            } else {
                Err("identity_number_format")
            }
        }
    }
}

/// Removes the separators people type inside identity numbers (spaces, dots, hyphens).
pub fn strip_separators(input: &str) -> String {
    input
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '\u{a0}'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 12 - 04);

    fn regions() -> RegionDirectory {
        RegionDirectory::built_in()
    }

    #[test]
    fn nik_valid_cases() {
        let cases = [
            ("3576020406719948", date!(1971 - 06 - 04), Sex::Male),
            ("1271034911811652", date!(1981 - 11 - 09), Sex::Female),
            ("3576022902040012", date!(2004 - 02 - 29), Sex::Male),
            ("3576011704200035", date!(2020 - 04 - 17), Sex::Male),
            ("9101011407900088", date!(1990 - 07 - 14), Sex::Male),
            ("3576017112260001", date!(1926 - 12 - 31), Sex::Female),
        ];
        for (input, birth_date, sex) in cases {
            let nik =
                Nik::parse(input, TODAY, &regions()).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(nik.birth_date(), birth_date, "{input}");
            assert_eq!(nik.sex(), sex, "{input}");
        }
    }

    #[test]
    fn nik_invalid_cases() {
        let cases = [
            ("357601120590001", NikError::Length),
            ("35760112059O0001", NikError::NotDigits),
            ("3576011213900001", NikError::InvalidDate),
            ("3576017205900001", NikError::InvalidDate),
            ("3576013205900001", NikError::InvalidDate),
            ("3576010005900001", NikError::InvalidDate),
            ("3576013002900001", NikError::InvalidDate),
            ("3576012902010001", NikError::InvalidDate),
            ("3576011205900000", NikError::ZeroSerial),
            ("9976011205900001", NikError::UnknownProvince),
            ("3576041205900001", NikError::UnknownDistrict),
            ("3530011205900001", NikError::UnknownDistrict),
            ("", NikError::Length),
        ];
        for (input, expected) in cases {
            assert_eq!(
                Nik::parse(input, TODAY, &regions()),
                Err(expected),
                "{input}"
            );
        }
    }

    #[test]
    fn nik_century_from_today() {
        // "26" is this year: a date already passed is 2026, a later one is 1926.
        let passed = Nik::parse("3576010101260001", TODAY, &regions()).unwrap();
        assert_eq!(passed.birth_date(), date!(2026 - 01 - 01));
        let later = Nik::parse("3576012512260001", TODAY, &regions()).unwrap();
        assert_eq!(later.birth_date(), date!(1926 - 12 - 25));
        let future_year = Nik::parse("3576010101300001", TODAY, &regions()).unwrap();
        assert_eq!(future_year.birth_date(), date!(1930 - 01 - 01));
    }

    #[test]
    fn nik_birth_date_comparison() {
        let nik = Nik::parse("3517060512717295", TODAY, &regions()).unwrap();
        assert!(!nik.matches_birth_date(date!(1971 - 12 - 02)));
        assert!(nik.matches_birth_date(date!(1971 - 12 - 05)));
        assert_eq!(nik.district_code(), "35.17.06");
    }

    #[test]
    fn other_identity_formats() {
        let accepted = [
            (IdentityType::Sim, "1234-5678-9012", "123456789012"),
            (IdentityType::Sim, "12345678901234", "12345678901234"),
            (IdentityType::Paspor, "c 1234567", "C1234567"),
            (IdentityType::Paspor, "AB1234567", "AB1234567"),
            (IdentityType::KartuPelajar, "0091234567", "0091234567"),
            (IdentityType::Kitas, "2C11AB1234-X", "2C11AB1234X"),
            (IdentityType::Kitap, "2D21JE0001", "2D21JE0001"),
            (
                IdentityType::Lainnya,
                "Kartu Santri 12/A",
                "KARTU SANTRI 12/A",
            ),
        ];
        for (kind, input, stored) in accepted {
            assert_eq!(
                normalize_other_identity(kind, input),
                Ok(stored.to_owned()),
                "{input}"
            );
        }
        let rejected = [
            (IdentityType::Sim, "1234567890123", "sim_format"),
            (IdentityType::Sim, "12345678901A", "sim_format"),
            (IdentityType::Paspor, "ABCDEFG", "passport_format"),
            (IdentityType::Paspor, "A12", "passport_format"),
            (IdentityType::KartuPelajar, "123456789", "nisn_format"),
            (IdentityType::KartuPelajar, "12345678901", "nisn_format"),
            (IdentityType::Kitas, "ABCDEFGH", "kitas_format"),
            (IdentityType::Kitap, "2D21JE0001<", "kitas_format"),
            (IdentityType::Lainnya, "<script>", "identity_number_format"),
            (IdentityType::Lainnya, "", "identity_number_format"),
            (
                IdentityType::Ktp,
                "3576014505900001",
                "identity_number_format",
            ),
        ];
        for (kind, input, code) in rejected {
            assert_eq!(normalize_other_identity(kind, input), Err(code), "{input}");
        }
    }

    #[test]
    fn identity_type_round_trip() {
        for kind in IdentityType::ALL {
            assert_eq!(IdentityType::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(IdentityType::parse("akta"), None);
    }
}
