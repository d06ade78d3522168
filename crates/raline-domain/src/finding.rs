//! Machine checks shown to staff, and to the applicant where it helps them.

use serde::{Deserialize, Serialize};

/// Stable codes of findings. API clients rely on these strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingCode {
    /// The NIK's date part differs from the birth date typed. Dukcapil does not reissue a NIK
    /// when a birth date is corrected, so this is a warning, not a rejection.
    NikBirthDateMismatch,
    /// The NIK's day offset (+40 for women) disagrees with the sex chosen.
    NikSexMismatch,
    /// Another open application or a member has the same identity number.
    DuplicateIdentityNumber,
    /// Another open application or a member has the same e-mail address (case-folded).
    DuplicateEmail,
    /// Another open application or a member has the same phone number (E.164).
    DuplicatePhone,
    /// Another open application or a member has the same name, compared without case and
    /// accents, and the same birth date.
    DuplicateNameBirthDate,
    /// The applicant's own identity number belongs to a member: they should renew instead.
    ExistingMember,
    /// The statement letter's e-Meterai serial was used by another application.
    EmeteraiSerialReused,
}

impl FindingCode {
    pub const ALL: [FindingCode; 8] = [
        FindingCode::NikBirthDateMismatch,
        FindingCode::NikSexMismatch,
        FindingCode::DuplicateIdentityNumber,
        FindingCode::DuplicateEmail,
        FindingCode::DuplicatePhone,
        FindingCode::DuplicateNameBirthDate,
        FindingCode::ExistingMember,
        FindingCode::EmeteraiSerialReused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FindingCode::NikBirthDateMismatch => "nik_birth_date_mismatch",
            FindingCode::NikSexMismatch => "nik_sex_mismatch",
            FindingCode::DuplicateIdentityNumber => "duplicate_identity_number",
            FindingCode::DuplicateEmail => "duplicate_email",
            FindingCode::DuplicatePhone => "duplicate_phone",
            FindingCode::DuplicateNameBirthDate => "duplicate_name_birth_date",
            FindingCode::ExistingMember => "existing_member",
            FindingCode::EmeteraiSerialReused => "emeterai_serial_reused",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|code| code.as_str() == value)
    }

    /// Tells whether the applicant is shown this finding as a warning. Findings about other people's
    /// records stay with staff, so that the form does not reveal who else registered.
    pub fn shown_to_applicant(self) -> bool {
        matches!(
            self,
            FindingCode::NikBirthDateMismatch | FindingCode::NikSexMismatch
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for code in FindingCode::ALL {
            assert_eq!(FindingCode::parse(code.as_str()), Some(code));
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
        assert_eq!(FindingCode::parse("unknown"), None);
    }
}
