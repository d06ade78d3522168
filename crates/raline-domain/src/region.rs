//! Provinces, regencies and the rule that decides where an applicant lives.

use serde::{Deserialize, Serialize};

use crate::region_table::{
    JAWA_TIMUR_REGENCIES, KOTA_MOJOKERTO_DISTRICTS, KOTA_MOJOKERTO_VILLAGES, PROVINCES,
};

/// Regency code of Kota Mojokerto. Kabupaten Mojokerto (35.16) is a different regency.
pub const KOTA_MOJOKERTO: &str = "35.76";

/// Province code of Jawa Timur.
pub const JAWA_TIMUR: &str = "35";

/// Place of residence of an applicant, decided from the regency of the current address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Domicile {
    KotaMojokerto,
    Outside,
}

impl Domicile {
    /// Decides domicile from a regency code such as `35.76`.
    ///
    /// The NIK prefix is not used: it records where the NIK was first issued, not where the
    /// person lives now.
    pub fn from_regency_code(code: Option<&str>) -> Self {
        match code {
            Some(KOTA_MOJOKERTO) => Domicile::KotaMojokerto,
            _ => Domicile::Outside,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Domicile::KotaMojokerto => "kota_mojokerto",
            Domicile::Outside => "outside",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "kota_mojokerto" => Some(Domicile::KotaMojokerto),
            "outside" => Some(Domicile::Outside),
            _ => None,
        }
    }
}

/// A region code with its official name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Region {
    pub code: &'static str,
    pub name: &'static str,
}

fn to_regions(table: &'static [(&'static str, &'static str)]) -> impl Iterator<Item = Region> {
    table.iter().map(|&(code, name)| Region { code, name })
}

/// Lists the 38 provinces, ordered by code.
pub fn provinces() -> impl Iterator<Item = Region> {
    to_regions(PROVINCES)
}

/// Regencies and cities of Jawa Timur, ordered by code.
pub fn jawa_timur_regencies() -> impl Iterator<Item = Region> {
    to_regions(JAWA_TIMUR_REGENCIES)
}

/// Districts (kecamatan) of Kota Mojokerto.
pub fn kota_mojokerto_districts() -> impl Iterator<Item = Region> {
    to_regions(KOTA_MOJOKERTO_DISTRICTS)
}

/// Villages (kelurahan) of Kota Mojokerto.
pub fn kota_mojokerto_villages() -> impl Iterator<Item = Region> {
    to_regions(KOTA_MOJOKERTO_VILLAGES)
}

/// Looks up a province by its two-digit code.
pub fn province(code: &str) -> Option<Region> {
    provinces().find(|region| region.code == code)
}

/// Looks up a built-in regency (only Jawa Timur's are built in).
pub fn regency(code: &str) -> Option<Region> {
    jawa_timur_regencies().find(|region| region.code == code)
}

/// Checks the shape of a regency code: two digits, a dot, two digits.
pub fn is_regency_code(code: &str) -> bool {
    let bytes = code.as_bytes();
    bytes.len() == 5
        && bytes[2] == b'.'
        && bytes[..2].iter().all(u8::is_ascii_digit)
        && bytes[3..].iter().all(u8::is_ascii_digit)
}

/// Regency codes 01–69 are kabupaten (regencies), 71–99 are kota (cities).
pub fn is_city(regency_code: &str) -> bool {
    regency_code
        .get(3..5)
        .and_then(|digits| digits.parse::<u8>().ok())
        .is_some_and(|number| number >= 71)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domicile_follows_regency_code() {
        let cases = [
            (Some("35.76"), Domicile::KotaMojokerto),
            (Some("35.16"), Domicile::Outside),
            (Some("32.73"), Domicile::Outside),
            (None, Domicile::Outside),
        ];
        for (code, expected) in cases {
            assert_eq!(Domicile::from_regency_code(code), expected, "{code:?}");
        }
    }

    #[test]
    fn built_in_tables_complete() {
        assert_eq!(provinces().count(), 38);
        assert_eq!(jawa_timur_regencies().count(), 38);
        assert_eq!(kota_mojokerto_districts().count(), 3);
        assert_eq!(kota_mojokerto_villages().count(), 18);
        assert_eq!(regency("35.76").map(|r| r.name), Some("Kota Mojokerto"));
        assert_eq!(province("35").map(|r| r.name), Some("Jawa Timur"));
        assert!(province("99").is_none());
    }

    #[test]
    fn city_and_regency_codes() {
        assert!(is_city("35.76"));
        assert!(!is_city("35.16"));
        assert!(is_regency_code("35.76"));
        assert!(!is_regency_code("3576"));
        assert!(!is_regency_code("35.7a"));
    }
}
