//! INLISLite's 49-column member import layout.
//!
//! INLISLite v3's importer (Keanggotaan → Import, `ImportMemberForm`) reads sheet `Sheet1`,
//! takes the first row as column keys and looks every value up by header text, so the
//! headers must match to the character. Lookup columns are matched by name, and a name the installation lacks silently
//! becomes a new lookup row, so every lookup name comes from the [`Mapping`] or [`FixedNames`].

use raline_domain::{Address, Sex};
use serde::{Deserialize, Serialize};
use time::Date;

use crate::mapping::{Category, Mapping, MappingGap};
use crate::snapshot::{MemberSnapshot, photo_file_name};

/// Number of columns in the import layout.
pub const COLUMN_COUNT: usize = 49;

/// Header row of the import file, in INLISLite's column order and spelling.
pub const HEADERS: [&str; COLUMN_COUNT] = [
    "NO",
    "NO ANGGOTA",
    "NAMA",
    "TEMPAT LAHIR",
    "TANGGAL LAHIR",
    "ALAMAT SESUAI KTP",
    "KECAMATAN SESUAI KTP",
    "KELURAHAN SESUAI KTP",
    "RT SESUAI KTP",
    "RW SESUAI KTP",
    "PROPINSI SESUAI KTP",
    "KABUPATEN / KOTA SESUAI KTP",
    "ALAMAT TEMPAT TINGGAL SEKARANG",
    "KECAMATAN SEKARANG",
    "KELURAHAN SEKARANG",
    "RT SEKARANG",
    "RW SEKARANG",
    "PROPINSI SEKARANG",
    "KABUPATEN / KOTA SEKARANG",
    "NO. HP",
    "NO. TELP RUMAH",
    "JENIS IDENTITAS",
    "NO. IDENTITAS",
    "JENIS KELAMIN",
    "AGAMA",
    "PEKERJAAN",
    "IBU KANDUNG",
    "ALAMAT EMAIL",
    "JENIS ANGGOTA",
    "PENDIDIKAN TERAKHIR",
    "STATUS PERKAWINAN",
    "TANGGAL PENDAFTARAN",
    "TANGGAL AKHIR BERLAKU",
    "JENIS PERMOHONAN",
    "STATUS ANGGOTA",
    "NAMA INSTITUSI",
    "ALAMAT INSTITUSI",
    "NO TELP INSTITUSI",
    "NAMA (KEADAAN DARURAT)",
    "ALAMAT (KEADAAN DARURAT)",
    "NO TELP (KEADAAN DARURAT)",
    "STATUS HUBUNGAN (DARURAT)",
    "UNIT KERJA",
    "TAHUN AJARAN",
    "FAKULTAS",
    "JURUSAN",
    "PROGRAM STUDI",
    "KELAS SISWA",
    "PHOTO URL",
];

/// Lookup names that do not depend on a member's own values, so the [`Mapping`] has no row
/// for them. Each must be spelled as the installation's lookup table has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FixedNames {
    /// JENIS KELAMIN of a male member (`jenis_kelamin` row 1).
    pub male: String,
    /// JENIS KELAMIN of a female member (`jenis_kelamin` row 2).
    pub female: String,
    /// JENIS PERMOHONAN of a newly registered member.
    pub new_application: String,
    /// STATUS ANGGOTA, the status that lets a member borrow.
    pub active_status: String,
}

impl Default for FixedNames {
    fn default() -> Self {
        FixedNames {
            male: "Laki-laki".to_owned(),
            female: "Perempuan".to_owned(),
            new_application: "Baru".to_owned(),
            active_status: "Aktif".to_owned(),
        }
    }
}

impl FixedNames {
    fn sex(&self, sex: Sex) -> &str {
        match sex {
            Sex::Male => &self.male,
            Sex::Female => &self.female,
        }
    }
}

/// Formats a date as `dd-mm-yyyy`, the form INLISLite's importer splits into a MySQL date.
/// Years below 1000 are zero-padded to four digits.
pub fn format_date(date: Date) -> String {
    format!(
        "{:02}-{:02}-{:04}",
        date.day(),
        u8::from(date.month()),
        date.year()
    )
}

/// Builds one data row of the import file. `number` fills the NO column (1-based).
///
/// Fails with every value of a mapped category that has no lookup row in `mapping`, sorted
/// and without repeats, rather than write a name the installation may not have. Religion
/// and marital status are optional: a member without one gets an empty cell.
pub fn import_row(
    number: usize,
    member: &MemberSnapshot,
    mapping: &Mapping,
    names: &FixedNames,
) -> Result<[String; COLUMN_COUNT], Vec<MappingGap>> {
    let mut lookups = Lookups {
        mapping,
        gaps: Vec::new(),
    };
    let identity_type = lookups.required(Category::IdentityType, &member.identity_type);
    let religion = lookups.optional(Category::Religion, member.religion.as_deref());
    let occupation = lookups.required(Category::Occupation, &member.occupation);
    let member_type = lookups.required(Category::MemberType, &member.member_type);
    let education = lookups.required(Category::Education, &member.education);
    let marital_status =
        lookups.optional(Category::MaritalStatus, member.marital_status.as_deref());
    if !lookups.gaps.is_empty() {
        let mut gaps = lookups.gaps;
        gaps.sort();
        gaps.dedup();
        return Err(gaps);
    }

    let id_address = &member.id_address;
    let current_address = &member.current_address;
    let guardian = member.guardian.as_ref();
    let photo_url = match member.photo_jpeg {
        Some(_) => photo_file_name(&member.member_number),
        None => String::new(),
    };

    Ok([
        number.to_string(),
        member.member_number.clone(),
        // INLISLite stores Fullname in capitals.
        member.full_name.to_uppercase(),
        member.birth_place.clone(),
        format_date(member.birth_date),
        id_address.street.clone(),
        id_address.district.clone(),
        id_address.village.clone(),
        id_address.rt.clone(),
        id_address.rw.clone(),
        id_address.province.clone(),
        id_address.regency.clone(),
        current_address.street.clone(),
        current_address.district.clone(),
        current_address.village.clone(),
        current_address.rt.clone(),
        current_address.rw.clone(),
        current_address.province.clone(),
        current_address.regency.clone(),
        member.phone.clone(),
        // NO. TELP RUMAH: the registration form collects one phone number, the mobile.
        String::new(),
        identity_type,
        member.identity_number.clone().unwrap_or_default(),
        names.sex(member.sex).to_owned(),
        religion,
        occupation,
        member.mother_maiden_name.clone(),
        member.email.clone(),
        member_type,
        education,
        marital_status,
        format_date(member.registered_on),
        format_date(member.valid_until),
        names.new_application.clone(),
        names.active_status.clone(),
        // NAMA INSTITUSI, ALAMAT INSTITUSI, NO TELP INSTITUSI: the form has no such fields.
        String::new(),
        String::new(),
        String::new(),
        // Emergency contact: the guardian lives where the child does.
        guardian.map(|g| g.name.clone()).unwrap_or_default(),
        guardian
            .map(|_| address_line(current_address))
            .unwrap_or_default(),
        // NOTE: RALINE keeps no phone number of the guardian, so NO TELP (KEADAAN DARURAT)
        // stays empty.
        String::new(),
        guardian
            .map(|g| capitalize_first(&g.relationship))
            .unwrap_or_default(),
        // UNIT KERJA, TAHUN AJARAN, FAKULTAS, JURUSAN, PROGRAM STUDI, KELAS SISWA: study
        // data RALINE does not collect.
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        photo_url,
    ])
}

/// Mapped lookup names of one member, with the values that have no lookup row.
struct Lookups<'a> {
    mapping: &'a Mapping,
    gaps: Vec<MappingGap>,
}

impl Lookups<'_> {
    /// Returns the mapped name, or an empty string after recording a gap.
    fn required(&mut self, category: Category, value: &str) -> String {
        match self.mapping.get(category, value) {
            Some(row) => row.name.clone(),
            None => {
                self.gaps.push(MappingGap {
                    category,
                    value: value.to_owned(),
                });
                String::new()
            }
        }
    }

    /// Like [`Lookups::required`], but an absent or empty value gives an empty cell.
    fn optional(&mut self, category: Category, value: Option<&str>) -> String {
        match value {
            Some(value) if !value.is_empty() => self.required(category, value),
            _ => String::new(),
        }
    }
}

/// Joins an address into one line for INLISLite's single free-text emergency address.
fn address_line(address: &Address) -> String {
    let rt_rw = match (address.rt.is_empty(), address.rw.is_empty()) {
        (true, true) => String::new(),
        (false, true) => format!("RT {}", address.rt),
        (true, false) => format!("RW {}", address.rw),
        (false, false) => format!("RT {}/RW {}", address.rt, address.rw),
    };
    let parts = [
        address.street.as_str(),
        rt_rw.as_str(),
        address.village.as_str(),
        address.district.as_str(),
        address.regency.as_str(),
        address.province.as_str(),
    ];
    let non_empty: Vec<&str> = parts.into_iter().filter(|part| !part.is_empty()).collect();
    non_empty.join(", ")
}

/// Upper-cases the first character, because RALINE stores relationships as lowercase codes
/// (`ibu`, `ayah`, `wali`) and INLISLite shows this free text as written.
fn capitalize_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn dates_are_day_month_year() {
        assert_eq!(format_date(date!(2026 - 03 - 04)), "04-03-2026");
        assert_eq!(format_date(date!(1991 - 12 - 31)), "31-12-1991");
        assert_eq!(format_date(date!(0999 - 01 - 09)), "09-01-0999");
    }

    #[test]
    fn headers_are_49_and_distinct() {
        assert_eq!(HEADERS.len(), 49);
        let mut sorted = HEADERS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 49);
        assert_eq!(HEADERS[0], "NO");
        assert_eq!(HEADERS[11], "KABUPATEN / KOTA SESUAI KTP");
        assert_eq!(HEADERS[48], "PHOTO URL");
    }

    #[test]
    fn address_line_skips_empty_parts() {
        let address = Address {
            street: "Jl. Majapahit 5".to_owned(),
            rt: "005".to_owned(),
            rw: String::new(),
            village: "Gedongan".to_owned(),
            village_code: None,
            district: "Magersari".to_owned(),
            regency: "Kota Mojokerto".to_owned(),
            regency_code: None,
            province: "Jawa Timur".to_owned(),
        };
        assert_eq!(
            address_line(&address),
            "Jl. Majapahit 5, RT 005, Gedongan, Magersari, Kota Mojokerto, Jawa Timur"
        );
    }

    #[test]
    fn relationship_is_capitalized() {
        assert_eq!(capitalize_first("ayah"), "Ayah");
        assert_eq!(capitalize_first(""), "");
    }
}
