//! Fixed choice lists of the registration form. The stored value is the first element; the
//! web layer shows it through the message catalogue where a translation exists.

/// Occupations as INLISLite installations commonly name them (`master_pekerjaan`).
pub const OCCUPATIONS: &[&str] = &[
    "Pelajar",
    "Mahasiswa",
    "PNS",
    "TNI/Polri",
    "Guru",
    "Dosen",
    "Karyawan Swasta",
    "Karyawan BUMN/BUMD",
    "Wiraswasta",
    "Pedagang",
    "Petani",
    "Nelayan",
    "Buruh",
    "Tenaga Kesehatan",
    "Ibu Rumah Tangga",
    "Pensiunan",
    "Tidak Bekerja",
    "Lainnya",
];

/// Highest education completed (`master_pendidikan`).
pub const EDUCATION_LEVELS: &[&str] = &[
    "Tidak Sekolah",
    "SD",
    "SMP",
    "SMA/SMK",
    "D1",
    "D2",
    "D3",
    "D4",
    "S1",
    "S2",
    "S3",
];

/// The six religions recorded on Indonesian identity cards, plus belief in God (kepercayaan).
pub const RELIGIONS: &[&str] = &[
    "Islam",
    "Kristen",
    "Katolik",
    "Hindu",
    "Buddha",
    "Konghucu",
    "Kepercayaan",
];

/// Marital status values as stored; labels come from the catalogue.
pub const MARITAL_STATUSES: &[&str] = &["belum_kawin", "kawin", "cerai_hidup", "cerai_mati"];

/// How the holder of the identity document used by an under-17 is related to them.
pub const GUARDIAN_RELATIONSHIPS: &[&str] = &["ibu", "ayah", "wali"];

/// Finds a choice ignoring case, returning the stored spelling.
pub fn find_choice(list: &[&'static str], value: &str) -> Option<&'static str> {
    list.iter()
        .copied()
        .find(|choice| choice.eq_ignore_ascii_case(value.trim()))
}
