//! Region codes (kode wilayah Kemendagri) and the rule that decides where an applicant lives.
//!
//! A code has up to four parts: province `35`, regency or city `35.76`, district `35.76.01`
//! and village `35.76.01.1003`. The binary carries the provinces, the regencies of Jawa Timur
//! and Kota Mojokerto's districts and villages ([`RegionDirectory::built_in`]). The full table
//! is imported into the database and loaded with [`RegionDirectory::from_table`].

use serde::{Deserialize, Serialize};

use crate::identity::NikError;
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

/// The four levels of the region table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Province,
    Regency,
    District,
    Village,
}

impl Level {
    fn index(self) -> usize {
        self as usize
    }

    /// Digits of each part of a code at this level: 2, 2, 2, then 4 for villages.
    const PART_DIGITS: [usize; 4] = [2, 2, 2, 4];

    /// The levels from the top down, in the order of [`Level::index`].
    pub const ALL: [Level; 4] = [
        Level::Province,
        Level::Regency,
        Level::District,
        Level::Village,
    ];

    fn from_parts(parts: usize) -> Option<Level> {
        Level::ALL.get(parts.checked_sub(1)?).copied()
    }
}

/// A region code read into a number: `35.76.01.1003` becomes 3576011003 at
/// [`Level::Village`]. Numbers of one level sort like their codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct RegionCode {
    pub level: Level,
    number: u64,
}

impl RegionCode {
    /// Reads a dotted code (`35.76.01.1003`). Returns `None` for anything else, including
    /// the undotted form.
    pub fn parse(code: &str) -> Option<RegionCode> {
        let mut number = 0u64;
        let mut parts = 0;
        for part in code.split('.') {
            let digits = *Level::PART_DIGITS.get(parts)?;
            if part.len() != digits || !part.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            for byte in part.bytes() {
                number = number * 10 + u64::from(byte - b'0');
            }
            parts += 1;
        }
        Some(RegionCode {
            level: Level::from_parts(parts)?,
            number,
        })
    }

    /// Returns the code of the enclosing region, `None` for a province.
    pub fn parent(self) -> Option<RegionCode> {
        let (level, divisor) = match self.level {
            Level::Province => return None,
            Level::Regency => (Level::Province, 100),
            Level::District => (Level::Regency, 100),
            Level::Village => (Level::District, 10_000),
        };
        Some(RegionCode {
            level,
            number: self.number / divisor,
        })
    }

    /// Returns the enclosing region at `level`, or `None` when `level` is below this code.
    pub fn ancestor(self, level: Level) -> Option<RegionCode> {
        let mut code = self;
        while code.level > level {
            code = code.parent()?;
        }
        (code.level == level).then_some(code)
    }

    /// Tells whether `self` lies inside `other` or is `other`.
    pub fn is_within(self, other: RegionCode) -> bool {
        self.ancestor(other.level) == Some(other)
    }

    /// Range of child numbers: children of 3576 are 357600 to 357699.
    fn child_range(self) -> Option<(Level, std::ops::RangeInclusive<u64>)> {
        let (level, factor) = match self.level {
            Level::Province => (Level::Regency, 100),
            Level::Regency => (Level::District, 100),
            Level::District => (Level::Village, 10_000),
            Level::Village => return None,
        };
        let first = self.number * factor;
        Some((level, first..=first + factor - 1))
    }
}

impl std::fmt::Display for RegionCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts = &Level::PART_DIGITS[..=self.level.index()];
        let width = parts.iter().sum();
        let digits = format!("{:0width$}", self.number);
        let mut start = 0;
        for (index, len) in parts.iter().enumerate() {
            if index > 0 {
                f.write_str(".")?;
            }
            f.write_str(digits.get(start..start + len).unwrap_or("?"))?;
            start += len;
        }
        Ok(())
    }
}

/// A region with its official name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Region<'a> {
    pub code: String,
    pub name: &'a str,
}

/// Reason a region table could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegionTableError {
    #[error("`{0}` is not a region code like 35.76.01.1003")]
    BadCode(String),
    #[error("region {0} is listed twice")]
    Duplicate(String),
    #[error("region {0} has no parent region in the table")]
    Orphan(String),
    #[error("region {code} has an empty or over-long name")]
    BadName { code: String },
    #[error("the table has no provinces")]
    Empty,
}

/// Maximum length of a region name, in bytes. The longest official names are about 40.
const MAX_NAME_BYTES: usize = 120;

#[derive(Debug, Clone, Copy)]
struct Entry {
    number: u64,
    name_start: u32,
    name_len: u32,
}

/// The regions RALINE can look up, held compactly in memory (about 3 MB for the full table of
/// some 92,000 regions) so that lookups and cascading choices need no database query.
#[derive(Debug, Clone)]
pub struct RegionDirectory {
    /// One list per [`Level`], sorted by number.
    levels: [Vec<Entry>; 4],
    names: String,
    /// District numbers (357601) that earlier lists had and the current one lacks. NIKs
    /// issued there keep these prefixes.
    historical_districts: Vec<u32>,
    complete: bool,
}

impl RegionDirectory {
    /// Returns the regions built into the binary: all provinces, Jawa Timur's regencies and Kota
    /// Mojokerto's districts and villages.
    pub fn built_in() -> RegionDirectory {
        let rows = PROVINCES
            .iter()
            .chain(JAWA_TIMUR_REGENCIES)
            .chain(KOTA_MOJOKERTO_DISTRICTS)
            .chain(KOTA_MOJOKERTO_VILLAGES)
            .copied();
        let mut directory = RegionDirectory::from_table(rows, std::iter::empty())
            .unwrap_or_else(|_| RegionDirectory::empty());
        directory.complete = false;
        directory
    }

    /// Loads the full table: `rows` of `(code, name)` for every level, and the district codes
    /// of earlier lists. Rows may come in any order.
    pub fn from_table<'a>(
        rows: impl IntoIterator<Item = (&'a str, &'a str)>,
        historical_districts: impl IntoIterator<Item = &'a str>,
    ) -> Result<RegionDirectory, RegionTableError> {
        let mut builder = RegionTableBuilder::default();
        for (code, name) in rows {
            builder.add(code, name)?;
        }
        for code in historical_districts {
            builder.add_historical_district(code)?;
        }
        builder.finish()
    }

    fn empty() -> RegionDirectory {
        RegionDirectory {
            levels: Default::default(),
            names: String::new(),
            historical_districts: Vec::new(),
            complete: false,
        }
    }

    /// Tells whether this is the full imported table, so that every district and village exists
    /// in it. The built-in table is not complete.
    pub fn is_complete(&self) -> bool {
        self.complete
    }

    /// Number of regions at each level, province first.
    pub fn counts(&self) -> [usize; 4] {
        self.levels.each_ref().map(Vec::len)
    }

    fn find(&self, code: RegionCode) -> Option<&Entry> {
        let level = &self.levels[code.level.index()];
        level
            .binary_search_by_key(&code.number, |entry| entry.number)
            .ok()
            .map(|index| &level[index])
    }

    fn name_of(&self, entry: &Entry) -> &str {
        let start = entry.name_start as usize;
        self.names
            .get(start..start + entry.name_len as usize)
            .unwrap_or("")
    }

    /// Returns the official name of a code in the directory.
    pub fn name(&self, code: RegionCode) -> Option<&str> {
        self.find(code).map(|entry| self.name_of(entry))
    }

    /// Tells whether `code` exists. Returns `Some(false)` when the table lists every region
    /// at that place and `code` is not among them. Returns `None` when the table cannot tell,
    /// because the built-in table lists no districts outside Kota Mojokerto, for example.
    pub fn is_listed(&self, code: RegionCode) -> Option<bool> {
        if self.find(code).is_some() {
            return Some(true);
        }
        let siblings_listed = self.complete || self.has_children(code.parent());
        siblings_listed.then_some(false)
    }

    /// Returns the level and the sorted entries of the regions inside `parent`, or of the
    /// provinces when `parent` is `None`.
    fn child_entries(&self, parent: Option<RegionCode>) -> (Level, &[Entry]) {
        let (level, range) = match parent {
            None => (Level::Province, 0..=u64::MAX),
            Some(parent) => match parent.child_range() {
                Some(found) => found,
                None => return (Level::Village, &[]),
            },
        };
        let entries = &self.levels[level.index()];
        let start = entries.partition_point(|entry| entry.number < *range.start());
        let end = entries.partition_point(|entry| entry.number <= *range.end());
        (level, &entries[start..end])
    }

    /// Checks, without building a list, whether the table has regions inside `parent`.
    fn has_children(&self, parent: Option<RegionCode>) -> bool {
        !self.child_entries(parent).1.is_empty()
    }

    /// Lists the regions inside `parent`, or the provinces when `parent` is `None`, ordered by
    /// code.
    pub fn children(&self, parent: Option<RegionCode>) -> Vec<Region<'_>> {
        let (level, entries) = self.child_entries(parent);
        entries
            .iter()
            .map(|entry| Region {
                code: RegionCode {
                    level,
                    number: entry.number,
                }
                .to_string(),
                name: self.name_of(entry),
            })
            .collect()
    }

    /// Checks the first six digits of a NIK, where it was first issued.
    ///
    /// The province must exist. With the full table the district must be in the current or a
    /// historical list. The built-in table can check only Jawa Timur's regencies and Kota
    /// Mojokerto's districts.
    pub fn check_nik_prefix(&self, digits: &str) -> Result<(), NikError> {
        let number = |range: std::ops::Range<usize>| -> Option<u64> {
            digits.get(range).and_then(|part| part.parse().ok())
        };
        let (Some(province), Some(regency), Some(district)) =
            (number(0..2), number(0..4), number(0..6))
        else {
            return Err(NikError::NotDigits);
        };
        let code = |level, number| RegionCode { level, number };

        if self.find(code(Level::Province, province)).is_none() {
            return Err(NikError::UnknownProvince);
        }

        let district_known = self.find(code(Level::District, district)).is_some()
            || u32::try_from(district)
                .is_ok_and(|number| self.historical_districts.binary_search(&number).is_ok());
        let known = if self.complete {
            district_known
        } else if !self.has_children(Some(code(Level::Regency, regency))) {
            // Regencies with no built-in districts cannot be checked further.
            !self.has_children(Some(code(Level::Province, province)))
                || self.find(code(Level::Regency, regency)).is_some()
        } else {
            district_known
        };
        if known {
            Ok(())
        } else {
            Err(NikError::UnknownDistrict)
        }
    }
}

/// Builds a [`RegionDirectory`] row by row, so that a caller reading the table in pages keeps
/// only one page in memory besides the directory itself.
#[derive(Debug)]
pub struct RegionTableBuilder {
    directory: RegionDirectory,
}

impl Default for RegionTableBuilder {
    fn default() -> Self {
        RegionTableBuilder {
            directory: RegionDirectory::empty(),
        }
    }
}

impl RegionTableBuilder {
    /// Adds one current region.
    pub fn add(&mut self, code: &str, name: &str) -> Result<(), RegionTableError> {
        let parsed = RegionCode::parse(code.trim())
            .ok_or_else(|| RegionTableError::BadCode(code.to_owned()))?;
        let name = name.trim();
        if name.is_empty() || name.len() > MAX_NAME_BYTES || name.chars().any(char::is_control) {
            return Err(RegionTableError::BadName {
                code: code.to_owned(),
            });
        }
        let directory = &mut self.directory;
        let entry = Entry {
            number: parsed.number,
            name_start: u32::try_from(directory.names.len()).unwrap_or(u32::MAX),
            name_len: u32::try_from(name.len()).unwrap_or(0),
        };
        directory.names.push_str(name);
        directory.levels[parsed.level.index()].push(entry);
        Ok(())
    }

    /// Adds a district code that only an earlier list carries.
    pub fn add_historical_district(&mut self, code: &str) -> Result<(), RegionTableError> {
        match RegionCode::parse(code.trim()) {
            Some(RegionCode {
                level: Level::District,
                number,
            }) => {
                self.directory
                    .historical_districts
                    .push(u32::try_from(number).unwrap_or(u32::MAX));
                Ok(())
            }
            _ => Err(RegionTableError::BadCode(code.to_owned())),
        }
    }

    /// Checks the whole table (no code twice, every region under a listed parent, at least
    /// one province) and returns the directory.
    pub fn finish(self) -> Result<RegionDirectory, RegionTableError> {
        let mut directory = self.directory;
        for level in &mut directory.levels {
            level.sort_by_key(|entry| entry.number);
            level.shrink_to_fit();
        }
        for (index, level) in directory.levels.iter().enumerate() {
            if let Some(pair) = level
                .windows(2)
                .find(|pair| pair[0].number == pair[1].number)
            {
                let code = RegionCode {
                    level: Level::ALL[index],
                    number: pair[0].number,
                };
                return Err(RegionTableError::Duplicate(code.to_string()));
            }
        }
        for level in Level::ALL[1..].iter().copied() {
            for entry in &directory.levels[level.index()] {
                let code = RegionCode {
                    level,
                    number: entry.number,
                };
                let parent_known = code.parent().is_some_and(|p| directory.find(p).is_some());
                if !parent_known {
                    return Err(RegionTableError::Orphan(code.to_string()));
                }
            }
        }
        if directory.levels[0].is_empty() {
            return Err(RegionTableError::Empty);
        }

        directory.historical_districts.sort_unstable();
        directory.historical_districts.dedup();
        directory.historical_districts.shrink_to_fit();
        directory.names.shrink_to_fit();
        directory.complete = true;
        Ok(directory)
    }
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

    fn code(text: &str) -> RegionCode {
        RegionCode::parse(text).unwrap()
    }

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
    fn codes_parse_and_print() {
        let cases = [
            ("35", Level::Province),
            ("35.76", Level::Regency),
            ("35.76.01", Level::District),
            ("35.76.01.1003", Level::Village),
            ("01.01.01.0001", Level::Village),
        ];
        for (text, level) in cases {
            let parsed = code(text);
            assert_eq!(parsed.level, level, "{text}");
            assert_eq!(parsed.to_string(), text);
        }
        for bad in [
            "",
            "3",
            "3576",
            "35.7",
            "35.76.01.103",
            "35.76.01.1003.1",
            "3a",
            "35..76",
        ] {
            assert_eq!(RegionCode::parse(bad), None, "{bad}");
        }
        let village = code("35.76.01.1003");
        assert_eq!(village.parent(), Some(code("35.76.01")));
        assert_eq!(village.ancestor(Level::Regency), Some(code("35.76")));
        assert!(village.is_within(code("35")));
        assert!(!village.is_within(code("35.16")));
        assert_eq!(code("35").parent(), None);
    }

    #[test]
    fn built_in_tables_complete() {
        let directory = RegionDirectory::built_in();
        assert!(!directory.is_complete());
        assert_eq!(directory.counts(), [38, 38, 3, 18]);
        assert_eq!(directory.name(code("35.76")), Some("Kota Mojokerto"));
        assert_eq!(directory.name(code("35")), Some("Jawa Timur"));
        assert_eq!(directory.name(code("99")), None);
        let villages = directory.children(Some(code("35.76.03")));
        assert_eq!(villages.len(), 6);
        assert_eq!(villages[0].code, "35.76.03.1001");
        assert_eq!(villages[0].name, "Kranggan");
        assert_eq!(directory.children(None).len(), 38);

        assert_eq!(directory.is_listed(code("35.76.01")), Some(true));
        assert_eq!(directory.is_listed(code("35.76.09")), Some(false));
        assert_eq!(directory.is_listed(code("35.30")), Some(false));
        assert_eq!(directory.is_listed(code("99")), Some(false));
        assert_eq!(directory.is_listed(code("32.73")), None);
        assert_eq!(directory.is_listed(code("35.16.01")), None);
    }

    #[test]
    fn nik_prefix_with_built_in_table() {
        let directory = RegionDirectory::built_in();
        let cases = [
            ("357601", Ok(())),
            ("357603", Ok(())),
            ("357604", Err(NikError::UnknownDistrict)),
            ("351601", Ok(())),
            ("353001", Err(NikError::UnknownDistrict)),
            ("327307", Ok(())),
            ("910101", Ok(())),
            ("990101", Err(NikError::UnknownProvince)),
        ];
        for (prefix, expected) in cases {
            assert_eq!(directory.check_nik_prefix(prefix), expected, "{prefix}");
        }
    }

    #[test]
    fn full_table_knows_historical_districts() {
        let rows = [
            ("91", "Papua"),
            ("93", "Papua Selatan"),
            ("93.01", "Kabupaten Merauke"),
            ("93.01.01", "Merauke"),
            ("35", "Jawa Timur"),
            ("35.76", "Kota Mojokerto"),
            ("35.76.01", "Prajuritkulon"),
        ];
        let directory = RegionDirectory::from_table(rows, ["91.01.01"]).unwrap();
        assert!(directory.is_complete());
        let cases = [
            ("930101", Ok(())),
            ("910101", Ok(())),
            ("910102", Err(NikError::UnknownDistrict)),
            ("357601", Ok(())),
            ("357602", Err(NikError::UnknownDistrict)),
            ("110101", Err(NikError::UnknownProvince)),
        ];
        for (prefix, expected) in cases {
            assert_eq!(directory.check_nik_prefix(prefix), expected, "{prefix}");
        }
    }

    #[test]
    fn table_errors() {
        let orphan = RegionDirectory::from_table([("35", "Jawa Timur"), ("36.01", "X")], []);
        assert_eq!(
            orphan.unwrap_err(),
            RegionTableError::Orphan("36.01".into())
        );
        let twice = RegionDirectory::from_table([("35", "A"), ("35", "B")], []);
        assert_eq!(twice.unwrap_err(), RegionTableError::Duplicate("35".into()));
        let bad = RegionDirectory::from_table([("3576", "A")], []);
        assert_eq!(bad.unwrap_err(), RegionTableError::BadCode("3576".into()));
        let empty_name = RegionDirectory::from_table([("35", " ")], []);
        assert!(matches!(empty_name, Err(RegionTableError::BadName { .. })));
        let historical = RegionDirectory::from_table([("35", "A")], ["35.01"]);
        assert_eq!(
            historical.unwrap_err(),
            RegionTableError::BadCode("35.01".into())
        );
        assert_eq!(
            RegionDirectory::from_table(std::iter::empty(), []).unwrap_err(),
            RegionTableError::Empty
        );
    }

    #[test]
    fn city_codes() {
        assert!(is_city("35.76"));
        assert!(!is_city("35.16"));
    }
}
