//! RALINE's choice values against an installation's lookup rows. INLISLite's lookup ids
//! differ per installation, so they are read from its tables and chosen by the admin, never
//! hard-coded (only sex, 1 and 2, is the same everywhere).

use std::collections::BTreeMap;

/// A kind of lookup value RALINE stores and INLISLite keeps in a table of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    IdentityType,
    MemberType,
    Occupation,
    Education,
    Religion,
    MaritalStatus,
}

impl Category {
    pub const ALL: [Category; 6] = [
        Category::IdentityType,
        Category::MemberType,
        Category::Occupation,
        Category::Education,
        Category::Religion,
        Category::MaritalStatus,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::IdentityType => "identity_type",
            Category::MemberType => "member_type",
            Category::Occupation => "occupation",
            Category::Education => "education",
            Category::Religion => "religion",
            Category::MaritalStatus => "marital_status",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|category| category.as_str() == value)
    }

    /// Returns whether a member always has a value of this category. Religion and marital status
    /// are optional on the form; a member without one is written with no lookup id.
    pub fn required(self) -> bool {
        !matches!(self, Category::Religion | Category::MaritalStatus)
    }
}

/// Lists the values RALINE's form offers in `category`, as stored. Member types are the
/// library's own, so the caller passes their codes.
pub fn offered_values(category: Category, member_type_codes: &[&str]) -> Vec<String> {
    use raline_domain::choices::{EDUCATION_LEVELS, MARITAL_STATUSES, OCCUPATIONS, RELIGIONS};

    let owned = |values: &[&str]| values.iter().map(|value| (*value).to_owned()).collect();
    match category {
        Category::IdentityType => raline_domain::IdentityType::ALL
            .iter()
            .map(|kind| kind.as_str().to_owned())
            .collect(),
        Category::MemberType => owned(member_type_codes),
        Category::Occupation => owned(OCCUPATIONS),
        Category::Education => owned(EDUCATION_LEVELS),
        Category::Religion => owned(RELIGIONS),
        Category::MaritalStatus => owned(MARITAL_STATUSES),
    }
}

/// One row of an INLISLite lookup table.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct LookupRow {
    pub id: i64,
    /// The name as the installation spells it; the import file matches on it.
    pub name: String,
}

/// A RALINE value in use that has no lookup row chosen.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct MappingGap {
    pub category: Category,
    pub value: String,
}

/// The admin's choices: which lookup row stands for each RALINE value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mapping {
    rows: BTreeMap<(Category, String), LookupRow>,
}

impl Mapping {
    pub fn insert(&mut self, category: Category, value: &str, row: LookupRow) {
        self.rows.insert((category, value.to_owned()), row);
    }

    pub fn get(&self, category: Category, value: &str) -> Option<&LookupRow> {
        self.rows.get(&(category, value.to_owned()))
    }

    pub fn iter(&self) -> impl Iterator<Item = (Category, &str, &LookupRow)> {
        self.rows
            .iter()
            .map(|((category, value), row)| (*category, value.as_str(), row))
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Lists the values in `used` that have no row, sorted and without repeats.
    pub fn gaps<'a>(&self, used: impl IntoIterator<Item = (Category, &'a str)>) -> Vec<MappingGap> {
        let mut gaps: Vec<MappingGap> = used
            .into_iter()
            .filter(|(category, value)| self.get(*category, value).is_none())
            .map(|(category, value)| MappingGap {
                category,
                value: value.to_owned(),
            })
            .collect();
        gaps.sort();
        gaps.dedup();
        gaps
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_list_unmapped_values_once() {
        let mut mapping = Mapping::default();
        mapping.insert(
            Category::Occupation,
            "Guru",
            LookupRow {
                id: 7,
                name: "Guru".into(),
            },
        );
        let used = [
            (Category::Occupation, "Guru"),
            (Category::Occupation, "Buruh"),
            (Category::Occupation, "Buruh"),
            (Category::Religion, "Islam"),
        ];
        let gaps = mapping.gaps(used);
        assert_eq!(gaps.len(), 2);
        assert_eq!(gaps[0].category, Category::Occupation);
        assert_eq!(gaps[0].value, "Buruh");
        assert_eq!(mapping.get(Category::Occupation, "Guru").unwrap().id, 7);
    }
}
