//! The member as INLISLite receives it: everything either route writes, read from RALINE's
//! store in one place so the file and the sync never disagree.

use raline_domain::{Address, Guardian, Sex};
use time::Date;

/// One member with the data INLISLite keeps. Values are RALINE's own (choice codes, member
/// type codes); the [`crate::Mapping`] turns them into the installation's lookup rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberSnapshot {
    /// RALINE's member id, for logs and errors; never written to INLISLite.
    pub member_id: i64,
    /// The barcode value, `MemberNo` in INLISLite.
    pub member_number: String,
    pub full_name: String,
    pub birth_place: String,
    pub birth_date: Date,
    pub sex: Sex,
    /// RALINE's identity type code (`ktp`, `kia`, …).
    pub identity_type: String,
    /// The member's own identity number. A child registered with a parent's KTP has none
    /// of their own: INLISLite keeps `IdentityNo` unique, and the parent may be a member.
    pub identity_number: Option<String>,
    pub mother_maiden_name: String,
    pub email: String,
    /// The phone or WhatsApp number as `08…`, the way INLISLite's own forms store it.
    pub phone: String,
    pub religion: Option<String>,
    /// RALINE's stored value (`belum_kawin`, `kawin`, `cerai_hidup`, `cerai_mati`).
    pub marital_status: Option<String>,
    pub occupation: String,
    pub education: String,
    /// RALINE's member type code (`umum`, `pelajar`, …).
    pub member_type: String,
    /// The address on the identity card.
    pub id_address: Address,
    /// Address the member lives at now, or the identity card's address when they gave none.
    pub current_address: Address,
    /// The parent or guardian whose KTP a child registered with, written as the emergency
    /// contact.
    pub guardian: Option<Guardian>,
    pub registered_on: Date,
    /// Last day the card is valid (`EndDate`).
    pub valid_until: Date,
    /// Approved renewals, oldest first.
    pub renewals: Vec<RenewalEntry>,
    /// The card photo as JPEG, re-encoded by RALINE without metadata.
    pub photo_jpeg: Option<Vec<u8>>,
}

/// Characters MariaDB's `latin1` (Windows-1252) stores besides U+0000 to U+00FF.
const WINDOWS_1252_EXTRA: &str = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ";

/// Returns whether a latin1 column can store `text` unchanged.
pub fn fits_latin1(text: &str) -> bool {
    text.chars()
        .all(|c| u32::from(c) <= 0xFF || WINDOWS_1252_EXTRA.contains(c))
}

impl MemberSnapshot {
    /// Names the texts a latin1 table cannot store unchanged: INLISLite's import writes
    /// them as `?`, and the direct sync refuses them.
    pub fn fields_outside_latin1(&self) -> Vec<&'static str> {
        let mut texts = vec![
            ("full_name", self.full_name.as_str()),
            ("birth_place", self.birth_place.as_str()),
            ("mother_maiden_name", self.mother_maiden_name.as_str()),
            ("email", self.email.as_str()),
        ];
        for (name, address) in [
            ("id_address", &self.id_address),
            ("current_address", &self.current_address),
        ] {
            for part in [
                &address.street,
                &address.village,
                &address.district,
                &address.regency,
                &address.province,
            ] {
                texts.push((name, part.as_str()));
            }
        }
        if let Some(guardian) = &self.guardian {
            texts.push(("guardian", guardian.name.as_str()));
        }
        let mut fields: Vec<&'static str> = texts
            .into_iter()
            .filter(|(_, text)| !fits_latin1(text))
            .map(|(name, _)| name)
            .collect();
        fields.dedup();
        fields
    }
}

/// An approved renewal, one `member_perpanjangan` row in INLISLite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenewalEntry {
    pub renewal_id: i64,
    /// The end date the renewal moved the card to (`Tanggal`).
    pub new_valid_until: Date,
    /// Fee in rupiah (`Biaya`).
    pub fee_rupiah: i64,
    /// Whether the fee was paid (`IsLunas`).
    pub paid: bool,
}

/// The photo's file name in INLISLite's `uploaded_files/foto_anggota/` folder, the `PhotoUrl`
/// column and the import file's PHOTO URL column. Member numbers are Code 39 characters, of
/// which `/` and space cannot be in a file name.
pub fn photo_file_name(member_number: &str) -> String {
    let stem: String = member_number
        .chars()
        .map(|c| if c == '/' || c == ' ' { '_' } else { c })
        .collect();
    format!("{stem}.jpg")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_covers_windows_1252() {
        assert!(fits_latin1("Nur’aini Ÿvette Müller"));
        assert!(!fits_latin1("Nguyễn"));
        assert!(!fits_latin1("李娜"));
    }

    #[test]
    fn photo_names_are_file_names() {
        assert_eq!(photo_file_name("26120400001"), "26120400001.jpg");
        assert_eq!(photo_file_name("AB/12 3"), "AB_12_3.jpg");
    }
}
