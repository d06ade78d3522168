//! Machine checks shown to staff, and to the applicant where it helps them.

use serde::{Deserialize, Serialize};

/// Stable codes of findings. API clients rely on these strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingCode {
    /// The NIK's date part differs from the birth date typed. Dukcapil does not reissue a NIK
    /// when a birth date is corrected, so this is a warning, not a rejection.
    NikBirthDateMismatch,
    /// The NIK's day offset (+40 for women) disagrees with the sex chosen.
    NikSexMismatch,
    DuplicateIdentityNumber,
    DuplicateEmail,
    ExistingMember,
}

impl FindingCode {
    pub const ALL: [FindingCode; 5] = [
        FindingCode::NikBirthDateMismatch,
        FindingCode::NikSexMismatch,
        FindingCode::DuplicateIdentityNumber,
        FindingCode::DuplicateEmail,
        FindingCode::ExistingMember,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FindingCode::NikBirthDateMismatch => "nik_birth_date_mismatch",
            FindingCode::NikSexMismatch => "nik_sex_mismatch",
            FindingCode::DuplicateIdentityNumber => "duplicate_identity_number",
            FindingCode::DuplicateEmail => "duplicate_email",
            FindingCode::ExistingMember => "existing_member",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|code| code.as_str() == value)
    }
}
