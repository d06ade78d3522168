//! Direct sync into an INLISLite MariaDB/MySQL database.
//!
//! [`InlisliteDb::sync_member`] writes one member the way INLISLite's own staff form would:
//! the `members` row, the loan rights of the member type, the renewals and, when the library
//! wants it, the portal login in one transaction, and the photo file next to it. A repeated sync with unchanged data
//! writes nothing, so RALINE can re-sync every member after any change without touching
//! INLISLite's audit columns.
//!
//! Table and column names come from INLISLite v3.2's Yii2 models (`common/models/base`).
//! Column types are not public, so values are read through `CAST`, `CONVERT` and
//! `DATE_FORMAT` and never decoded from the installation's own column types.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use sha1::{Digest, Sha1};
use sqlx::Row;
use sqlx::mysql::{
    MySql, MySqlArguments, MySqlConnectOptions, MySqlConnection, MySqlDatabaseError, MySqlPool,
    MySqlPoolOptions,
};
use sqlx::query::Query;
use time::Date;
use time::macros::format_description;

use crate::mapping::{Category, LookupRow, Mapping};
use crate::snapshot::{MemberSnapshot, RenewalEntry, photo_file_name};

/// `status_anggota.id` of an active member, fixed in INLISLite's code: the loan desk lends
/// only to members with this status.
pub const STATUS_ACTIVE: i64 = 3;

/// The status INLISLite's own online form leaves (1), which the sync replaces with Aktif.
/// Every other status of an existing row was set on purpose by INLISLite staff or INLISLite
/// itself (5 = Suspend, 6 = Bebas Pustaka, and blocks or deactivations the installation
/// names itself), so a re-sync keeps it.
const STATUS_FROM_ONLINE_FORM: i64 = 1;

/// `jenis_permohonan.Name` of a new registration. The id differs per installation.
const REQUEST_TYPE_NEW: &str = "Baru";

/// Longest `City`/`Province` value INLISLite v3.2's member form accepts (its `Members` model
/// validates 45 characters although the columns hold 255). A longer value would block
/// staff from saving the member in INLISLite.
const REGION_MAX_CHARS: u64 = 45;

/// Sync options besides the database URL: the photo folder, portal logins and audit values.
#[derive(Debug, Clone, Default)]
pub struct SyncSettings {
    /// INLISLite's `uploaded_files/foto_anggota/` folder. `None` writes no photo files and
    /// leaves `PhotoUrl` alone.
    pub photo_dir: Option<PathBuf>,
    /// Whether to keep `membersonline` rows, INLISLite's OPAC and portal logins. When false,
    /// the sync neither reads nor writes that table.
    pub portal_login: bool,
    /// Written to the `CreateTerminal`/`UpdateTerminal` columns, where INLISLite itself
    /// stores the client IP (for example `RALINE`).
    pub terminal: String,
    /// The `users.ID` written to `CreateBy`/`UpdateBy`; `None` writes NULL.
    pub operator_id: Option<i64>,
}

/// The result of [`InlisliteDb::sync_member`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncOutcome {
    /// `members.ID` of the member in INLISLite.
    pub inlislite_id: i64,
    /// Whether the sync inserted the `members` row.
    pub created: bool,
    /// Whether the sync wrote anything at all (a row or the photo file).
    pub changed: bool,
    /// The member number INLISLite held before, when the member was found by identity
    /// number under another number, which the sync replaced with RALINE's.
    pub previous_member_number: Option<String>,
}

/// A failed INLISLite operation. `Display` is Indonesian, for the admin, and never contains
/// personal data: only member numbers, table and column names and MariaDB error codes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyncError {
    #[error(
        "URL basis data INLISLite tidak valid atau tidak menyebut nama basis data. \
         Perbaiki pengaturan, misalnya mysql://pengguna:sandi@127.0.0.1:3306/inlislite_v3."
    )]
    InvalidUrl,
    #[error(
        "Server basis data INLISLite tidak dapat dihubungi ({reason}). Periksa bahwa server \
         menyala dan alamatnya benar. Sinkronisasi akan dicoba lagi."
    )]
    Unreachable { reason: String },
    #[error(
        "Server basis data INLISLite tidak menjawab dalam batas waktu. Sinkronisasi akan \
         dicoba lagi."
    )]
    TimedOut,
    #[error(
        "Akun basis data INLISLite ditolak (kode MariaDB {code}). Periksa nama pengguna, kata \
         sandi, dan hak SELECT, INSERT, UPDATE akun itu pada basis data INLISLite."
    )]
    AccessDenied { code: u16 },
    #[error("{}", database_message(*.code))]
    Database { code: Option<u16> },
    #[error(
        "Kolom {table}.{column} tidak ada di basis data INLISLite. Pastikan URL menunjuk ke \
         basis data INLISLite v3, lalu jalankan pemeriksaan koneksi di pengaturan INLISLite."
    )]
    SchemaMismatch { table: String, column: String },
    #[error(
        "Nilai \"{value}\" untuk {} belum dipetakan ke data INLISLite. Pilih padanannya di \
         pengaturan pemetaan INLISLite, lalu ulangi sinkronisasi.",
        category_label(*.category)
    )]
    MissingMapping { category: Category, value: String },
    #[error(
        "Tabel {table} di INLISLite tidak punya baris \"{name}\". Tambahkan baris itu di \
         INLISLite, lalu ulangi sinkronisasi."
    )]
    MissingLookupRow { table: String, name: String },
    #[error(
        "Kolom {table}.{column} di INLISLite memakai set karakter latin1, yang tidak dapat \
         menyimpan sebagian huruf data anggota ini. Ubah kolom itu ke utf8mb4 di INLISLite atau \
         tulis isiannya dengan huruf Latin, lalu ulangi sinkronisasi."
    )]
    NotLatin1 { table: String, column: String },
    #[error(
        "Kolom {table}.{column} di INLISLite memakai set karakter {charset}, yang tidak dapat \
         menyimpan sebagian huruf data anggota ini. Ubah kolom itu ke utf8mb4 di INLISLite, \
         lalu ulangi sinkronisasi."
    )]
    UnsupportedCharacters {
        table: String,
        column: String,
        charset: String,
    },
    #[error(
        "Nomor anggota {member_number} sudah dipakai anggota lain di INLISLite (nomor \
         identitasnya berbeda), dan RALINE tidak menimpanya. Beri anggota ini nomor lain di \
         RALINE atau perbaiki data di INLISLite."
    )]
    NumberCollision { member_number: String },
    #[error(
        "Nomor identitas anggota ini sudah tercatat di INLISLite pada anggota bernomor \
         {member_number}. Periksa apakah keduanya orang yang sama, gabungkan atau hapus salah \
         satunya di INLISLite, lalu ulangi sinkronisasi."
    )]
    IdentityInUse { member_number: String },
    #[error(
        "Isian untuk kolom {table}.{column} lebih dari {max} karakter, batas yang diterima \
         INLISLite. Perpendek isian itu di data anggota RALINE, lalu ulangi sinkronisasi."
    )]
    TooLong {
        table: String,
        column: String,
        max: u64,
    },
    #[error(
        "Foto anggota tidak dapat ditulis ke {} ({reason}). Periksa bahwa folder foto INLISLite \
         ada dan dapat ditulis oleh RALINE. Sinkronisasi akan dicoba lagi.",
        .path.display()
    )]
    PhotoWrite { path: PathBuf, reason: String },
    #[error(
        "Anggota bernomor {member_number} tidak ada di INLISLite. Sinkronkan anggota itu \
         dulu."
    )]
    MemberNotFound { member_number: String },
    #[error("Login portal INLISLite (tabel membersonline) tidak diaktifkan di pengaturan RALINE.")]
    PortalLoginDisabled,
    #[error(
        "Sidik SHA-1 kata sandi portal tidak valid (harus 40 digit heksadesimal). Minta \
         anggota mengisi ulang kata sandinya."
    )]
    InvalidPasswordHash,
}

/// MariaDB error numbers that a retry cannot fix: missing schema objects, rejected values
/// and failed foreign keys. 1062 (duplicate key) is not among them because two concurrent
/// syncs of one member can race to insert it, and the retry then finds the row.
const PERMANENT_ERROR_CODES: [u16; 12] = [
    1048, 1049, 1054, 1146, 1264, 1292, 1364, 1366, 1406, 1451, 1452, 1265,
];

fn database_message(code: Option<u16>) -> String {
    let code_text = code.map_or_else(|| "tanpa kode".to_owned(), |code| format!("kode {code}"));
    if code.is_some_and(|code| PERMANENT_ERROR_CODES.contains(&code)) {
        format!(
            "Basis data INLISLite menolak data anggota ({code_text} MariaDB). Jalankan \
             pemeriksaan koneksi di pengaturan INLISLite dan periksa struktur tabelnya."
        )
    } else {
        format!(
            "Perintah ke basis data INLISLite gagal ({code_text} MariaDB). Sinkronisasi akan \
             dicoba lagi. Jika terus gagal, periksa log server MariaDB."
        )
    }
}

impl SyncError {
    /// Returns whether a retry may succeed without anyone changing data or settings.
    pub fn is_transient(&self) -> bool {
        match self {
            SyncError::Unreachable { .. } | SyncError::TimedOut | SyncError::PhotoWrite { .. } => {
                true
            }
            SyncError::Database { code } => {
                !code.is_some_and(|code| PERMANENT_ERROR_CODES.contains(&code))
            }
            _ => false,
        }
    }

    /// Returns a stable snake_case code for logs, metrics and API clients.
    pub fn code(&self) -> &'static str {
        match self {
            SyncError::InvalidUrl => "invalid_url",
            SyncError::Unreachable { .. } => "unreachable",
            SyncError::TimedOut => "timed_out",
            SyncError::AccessDenied { .. } => "access_denied",
            SyncError::Database { .. } => "database",
            SyncError::SchemaMismatch { .. } => "schema_mismatch",
            SyncError::MissingMapping { .. } => "missing_mapping",
            SyncError::MissingLookupRow { .. } => "missing_lookup_row",
            SyncError::NotLatin1 { .. } => "not_latin1",
            SyncError::UnsupportedCharacters { .. } => "unsupported_characters",
            SyncError::NumberCollision { .. } => "number_collision",
            SyncError::IdentityInUse { .. } => "identity_in_use",
            SyncError::TooLong { .. } => "too_long",
            SyncError::PhotoWrite { .. } => "photo_write",
            SyncError::MemberNotFound { .. } => "member_not_found",
            SyncError::PortalLoginDisabled => "portal_login_disabled",
            SyncError::InvalidPasswordHash => "invalid_password_hash",
        }
    }
}

impl From<sqlx::Error> for SyncError {
    /// Keeps only the error kind and the MariaDB error number, because MariaDB's messages
    /// quote values (a duplicate identity number, for one).
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::Io(io) => SyncError::Unreachable {
                reason: io_reason(io.kind()).to_owned(),
            },
            sqlx::Error::Tls(_) => SyncError::Unreachable {
                reason: "koneksi terenkripsi (TLS) gagal".to_owned(),
            },
            sqlx::Error::PoolTimedOut => SyncError::TimedOut,
            sqlx::Error::PoolClosed | sqlx::Error::WorkerCrashed => SyncError::Unreachable {
                reason: "koneksi ditutup".to_owned(),
            },
            sqlx::Error::Configuration(_) => SyncError::InvalidUrl,
            sqlx::Error::Database(database) => {
                let code = database
                    .try_downcast_ref::<MySqlDatabaseError>()
                    .map(MySqlDatabaseError::number);
                tracing::debug!(code, sqlstate = ?database.code(), "INLISLite database error");
                match code {
                    Some(code @ (1044 | 1045 | 1142 | 1143 | 1227)) => {
                        SyncError::AccessDenied { code }
                    }
                    code => SyncError::Database { code },
                }
            }
            other => {
                tracing::debug!(kind = sqlx_error_kind(other), "INLISLite driver error");
                SyncError::Database { code: None }
            }
        }
    }
}

/// One `GRANT … ON … TO …` line of `SHOW GRANTS`.
#[derive(Debug, PartialEq, Eq)]
struct Grant {
    /// Upper-case privilege names, `ALL PRIVILEGES` included as written.
    privileges: Vec<String>,
    /// `*` or the database name, without backquotes and `\_` escapes.
    database: String,
    /// `*` or the table name.
    table: String,
}

impl Grant {
    /// Reads a privilege line, or `None` for any other line (a role or proxy grant).
    fn parse(line: &str) -> Option<Grant> {
        let rest = line.strip_prefix("GRANT ")?;
        let (privileges, rest) = rest.split_once(" ON ")?;
        let (target, _) = rest.split_once(" TO ")?;
        let (database, table) = target.trim().split_once('.')?;
        let name = |part: &str| part.trim().trim_matches('`').replace("\\_", "_");
        Some(Grant {
            privileges: privileges
                .split(',')
                .map(|privilege| privilege.trim().to_uppercase())
                .collect(),
            database: name(database),
            table: name(table),
        })
    }

    fn covers(&self, database: &str, table: &str, privilege: &str) -> bool {
        let names = (self.database == "*" || self.database.eq_ignore_ascii_case(database))
            && (self.table == "*" || self.table.eq_ignore_ascii_case(table));
        names
            && self.privileges.iter().any(|granted| {
                granted == privilege || granted == "ALL PRIVILEGES" || granted == "ALL"
            })
    }
}

/// Describes a network failure in Indonesian for the admin, because `Display` of
/// `std::io::ErrorKind` is English.
fn io_reason(kind: std::io::ErrorKind) -> &'static str {
    use std::io::ErrorKind;
    match kind {
        ErrorKind::ConnectionRefused => "sambungan ditolak; server tidak berjalan di alamat itu",
        ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted => "sambungan terputus",
        ErrorKind::NotConnected | ErrorKind::BrokenPipe => "sambungan sudah tertutup",
        ErrorKind::TimedOut => "waktu tunggu habis",
        ErrorKind::AddrNotAvailable
        | ErrorKind::HostUnreachable
        | ErrorKind::NetworkUnreachable => "alamat server tidak dapat dijangkau",
        ErrorKind::NotFound => "nama server tidak ditemukan",
        ErrorKind::PermissionDenied => "akses jaringan ditolak",
        _ => "gangguan jaringan",
    }
}

fn sqlx_error_kind(error: &sqlx::Error) -> &'static str {
    match error {
        sqlx::Error::Protocol(_) => "protocol",
        sqlx::Error::RowNotFound => "row_not_found",
        sqlx::Error::ColumnNotFound(_) => "column_not_found",
        sqlx::Error::ColumnIndexOutOfBounds { .. } => "column_index_out_of_bounds",
        sqlx::Error::ColumnDecode { .. } => "column_decode",
        sqlx::Error::Decode(_) => "decode",
        _ => "other",
    }
}

/// Something [`InlisliteDb::check`] found that would make the sync fail or leave members
/// unable to borrow. `Display` is Indonesian and names the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("Pemeriksaan basis data INLISLite gagal. {0}")]
    Database(SyncError),
    #[error(
        "Tabel {table} tidak ada di basis data INLISLite. Pastikan URL menunjuk ke basis data \
         INLISLite v3 (biasanya inlislite_v3)."
    )]
    MissingTable { table: String },
    #[error(
        "Kolom {table}.{column} tidak ada di basis data INLISLite, padahal RALINE membaca atau \
         menulisnya. Periksa versi INLISLite (RALINE mengikuti struktur v3)."
    )]
    MissingColumn { table: String, column: String },
    #[error(
        "Pemetaan {} \"{value}\" menunjuk id {id} di tabel {table}, tetapi baris itu sudah tidak \
         ada. Pilih ulang padanannya di pengaturan pemetaan INLISLite.",
        category_label(*.category)
    )]
    MappedRowMissing {
        category: Category,
        value: String,
        table: String,
        id: i64,
    },
    #[error(
        "Jenis anggota INLISLite id {id} (padanan \"{value}\") tidak punya lokasi peminjaman \
         bawaan di tabel location_library_default, sehingga anggotanya tidak dapat meminjam. \
         Atur lokasi bawaan jenis anggota itu di INLISLite."
    )]
    NoLoanLocation { value: String, id: i64 },
    #[error(
        "Tabel jenis_permohonan tidak punya baris bernama \"Baru\", yang ditulis RALINE untuk \
         anggota baru. Tambahkan baris itu di INLISLite."
    )]
    MissingRequestTypeNew,
    #[error(
        "Tabel status_anggota tidak punya baris id 3 (Aktif), padahal INLISLite hanya \
         meminjami anggota berstatus itu. Pulihkan baris itu di INLISLite."
    )]
    MissingActiveStatus,
    #[error(
        "Folder foto {} tidak ada. Isi pengaturan folder foto dengan folder \
         uploaded_files/foto_anggota milik INLISLite.",
        .path.display()
    )]
    PhotoDirMissing { path: PathBuf },
    #[error(
        "Folder foto {} tidak dapat ditulis ({reason}). Beri pengguna yang menjalankan RALINE \
         hak tulis pada folder itu.",
        .path.display()
    )]
    PhotoDirNotWritable { path: PathBuf, reason: String },
    #[error(
        "Akun sinkronisasi tidak punya hak {privilege} pada tabel {table}. Berikan hak itu \
         (lihat daftar GRANT di README), lalu periksa lagi."
    )]
    MissingGrant {
        table: String,
        privilege: &'static str,
    },
}

impl Problem {
    /// Returns a stable snake_case code for the settings page and API clients.
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Database(_) => "database",
            Problem::MissingTable { .. } => "missing_table",
            Problem::MissingColumn { .. } => "missing_column",
            Problem::MappedRowMissing { .. } => "mapped_row_missing",
            Problem::NoLoanLocation { .. } => "no_loan_location",
            Problem::MissingRequestTypeNew => "missing_request_type_new",
            Problem::MissingActiveStatus => "missing_active_status",
            Problem::PhotoDirMissing { .. } => "photo_dir_missing",
            Problem::PhotoDirNotWritable { .. } => "photo_dir_not_writable",
            Problem::MissingGrant { .. } => "missing_grant",
        }
    }
}

fn category_label(category: Category) -> &'static str {
    match category {
        Category::IdentityType => "jenis identitas",
        Category::MemberType => "jenis anggota",
        Category::Occupation => "pekerjaan",
        Category::Education => "pendidikan terakhir",
        Category::Religion => "agama",
        Category::MaritalStatus => "status perkawinan",
    }
}

/// An INLISLite lookup table with its id and name columns.
#[derive(Debug, Clone, Copy)]
struct LookupTable {
    table: &'static str,
    id: &'static str,
    name: &'static str,
}

fn lookup_table(category: Category) -> LookupTable {
    let (table, id, name) = match category {
        Category::IdentityType => ("master_jenis_identitas", "id", "Nama"),
        Category::MemberType => ("jenis_anggota", "id", "jenisanggota"),
        Category::Occupation => ("master_pekerjaan", "id", "Pekerjaan"),
        Category::Education => ("master_pendidikan", "id", "Nama"),
        Category::Religion => ("agama", "ID", "Name"),
        Category::MaritalStatus => ("master_status_perkawinan", "id", "Nama"),
    };
    LookupTable { table, id, name }
}

/// The audit columns INLISLite keeps on every table it writes.
const CREATE_AUDIT: [&str; 3] = ["CreateBy", "CreateDate", "CreateTerminal"];
const UPDATE_AUDIT: [&str; 3] = ["UpdateBy", "UpdateDate", "UpdateTerminal"];

/// The type a `members` column is read as for comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Int,
    Date,
}

/// Every `members` column the sync reads or writes besides `ID` and the audit columns.
const MEMBER_COLUMNS: [(&str, Kind); 36] = [
    ("MemberNo", Kind::Text),
    ("Fullname", Kind::Text),
    ("PlaceOfBirth", Kind::Text),
    ("DateOfBirth", Kind::Date),
    ("Address", Kind::Text),
    ("Kelurahan", Kind::Text),
    ("Kecamatan", Kind::Text),
    ("RT", Kind::Text),
    ("RW", Kind::Text),
    ("City", Kind::Text),
    ("Province", Kind::Text),
    ("AddressNow", Kind::Text),
    ("KelurahanNow", Kind::Text),
    ("KecamatanNow", Kind::Text),
    ("RTNow", Kind::Text),
    ("RWNow", Kind::Text),
    ("CityNow", Kind::Text),
    ("ProvinceNow", Kind::Text),
    ("Phone", Kind::Text),
    ("NoHp", Kind::Text),
    ("Email", Kind::Text),
    ("MotherMaidenName", Kind::Text),
    ("IdentityType_id", Kind::Int),
    ("IdentityNo", Kind::Text),
    ("Sex_id", Kind::Int),
    ("EducationLevel_id", Kind::Int),
    ("Job_id", Kind::Int),
    ("Agama_id", Kind::Int),
    ("MaritalStatus_id", Kind::Int),
    ("JenisAnggota_id", Kind::Int),
    ("StatusAnggota_id", Kind::Int),
    ("JenisPermohonan_id", Kind::Int),
    ("RegisterDate", Kind::Date),
    ("EndDate", Kind::Date),
    ("PhotoUrl", Kind::Text),
    ("NamaDarurat", Kind::Text),
];

/// `members` columns written only in some cases, listed apart to keep [`MEMBER_COLUMNS`]
/// the set that is always read.
const MEMBER_OPTIONAL_COLUMNS: [(&str, Kind); 1] = [("StatusHubunganDarurat", Kind::Text)];

/// A member type's default loan rights and where a member's own rights live.
struct LoanRight {
    default_table: &'static str,
    default_column: &'static str,
    grant_table: &'static str,
    grant_column: &'static str,
}

/// Loan locations and collection categories, copied from the member type's defaults as
/// INLISLite's staff form and import do.
const LOAN_RIGHTS: [LoanRight; 2] = [
    LoanRight {
        default_table: "location_library_default",
        default_column: "Location_Library_id",
        grant_table: "memberloanauthorizelocation",
        grant_column: "LocationLoan_id",
    },
    LoanRight {
        default_table: "collectioncategorysdefault",
        default_column: "CollectionCategory_id",
        grant_table: "memberloanauthorizecategory",
        grant_column: "CategoryLoan_id",
    },
];

/// Tables and columns the sync reads or writes, for [`InlisliteDb::check`] and the column
/// catalogue.
fn required_columns(portal_login: bool) -> Vec<(&'static str, Vec<&'static str>)> {
    let with_audit = |columns: &[&'static str]| -> Vec<&'static str> {
        let mut all = columns.to_vec();
        all.extend(CREATE_AUDIT);
        all.extend(UPDATE_AUDIT);
        all
    };

    let mut member_columns = vec!["ID"];
    member_columns.extend(MEMBER_COLUMNS.iter().map(|(column, _)| *column));
    member_columns.extend(MEMBER_OPTIONAL_COLUMNS.iter().map(|(column, _)| *column));

    let mut tables = vec![
        ("members", with_audit(&member_columns)),
        ("jenis_permohonan", vec!["ID", "Name"]),
        ("status_anggota", vec!["id"]),
        (
            "member_perpanjangan",
            with_audit(&[
                "ID",
                "Member_id",
                "Tanggal",
                "Biaya",
                "IsLunas",
                "Keterangan",
            ]),
        ),
    ];
    for right in &LOAN_RIGHTS {
        tables.push((
            right.default_table,
            vec![right.default_column, "JenisAnggota_id"],
        ));
        tables.push((
            right.grant_table,
            with_audit(&["Member_id", right.grant_column]),
        ));
    }
    for category in Category::ALL {
        let lookup = lookup_table(category);
        tables.push((lookup.table, vec![lookup.id, lookup.name]));
    }
    if portal_login {
        tables.push((
            "membersonline",
            with_audit(&["ID", "NoAnggota", "Password", "Email", "Status"]),
        ));
    }
    tables
}

/// Character set and length of one column, from `information_schema.COLUMNS`.
#[derive(Debug, Clone)]
struct ColumnInfo {
    charset: Option<String>,
    max_chars: Option<u64>,
}

/// The columns of the tables the sync uses, keyed by lower-case table and column name
/// because MariaDB matches column names without case.
#[derive(Debug, Default)]
struct Catalog {
    columns: HashMap<(String, String), ColumnInfo>,
    tables: BTreeSet<String>,
}

impl Catalog {
    fn has_table(&self, table: &str) -> bool {
        self.tables.contains(&table.to_lowercase())
    }

    fn column(&self, table: &str, column: &str) -> Option<&ColumnInfo> {
        self.columns
            .get(&(table.to_lowercase(), column.to_lowercase()))
    }

    fn require<'a>(
        &self,
        table: &str,
        columns: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), SyncError> {
        for column in columns {
            if self.column(table, column).is_none() {
                return Err(SyncError::SchemaMismatch {
                    table: table.to_owned(),
                    column: column.to_owned(),
                });
            }
        }
        Ok(())
    }

    /// Rejects text the column would truncate or turn into `?`. MariaDB does both silently
    /// outside strict mode, which many INLISLite installations run without.
    fn validate_text(&self, table: &str, column: &str, text: &str) -> Result<(), SyncError> {
        let info = self
            .column(table, column)
            .ok_or_else(|| SyncError::SchemaMismatch {
                table: table.to_owned(),
                column: column.to_owned(),
            })?;

        if let Some(charset) = info.charset.as_deref()
            && !text.chars().all(|c| charset_stores(charset, c))
        {
            return Err(if charset.eq_ignore_ascii_case("latin1") {
                SyncError::NotLatin1 {
                    table: table.to_owned(),
                    column: column.to_owned(),
                }
            } else {
                SyncError::UnsupportedCharacters {
                    table: table.to_owned(),
                    column: column.to_owned(),
                    charset: charset.to_owned(),
                }
            });
        }

        let app_limit = (table == "members"
            && ["City", "Province", "CityNow", "ProvinceNow"].contains(&column))
        .then_some(REGION_MAX_CHARS);
        let max = match (info.max_chars, app_limit) {
            (Some(column_max), Some(app_max)) => Some(column_max.min(app_max)),
            (column_max, app_max) => column_max.or(app_max),
        };
        if let Some(max) = max
            && text.chars().count() as u64 > max
        {
            return Err(SyncError::TooLong {
                table: table.to_owned(),
                column: column.to_owned(),
                max,
            });
        }
        Ok(())
    }
}

/// Returns whether MariaDB stores `c` in a column of `charset` without replacing it by `?`.
///
/// NOTE: character sets other than latin1, ascii and the Unicode ones accept ASCII only
/// here, which is stricter than they are.
fn charset_stores(charset: &str, c: char) -> bool {
    match charset.to_ascii_lowercase().as_str() {
        "latin1" => latin1_stores(c),
        "ascii" => c.is_ascii(),
        "utf8" | "utf8mb3" | "ucs2" => u32::from(c) <= 0xFFFF,
        "utf8mb4" | "utf16" | "utf16le" | "utf32" => true,
        _ => c.is_ascii(),
    }
}

/// Windows-1252 characters at bytes 0x80–0x9F, which MariaDB's latin1 stores in place of the
/// C1 control characters.
const CP1252_EXTRAS: [char; 27] = [
    '€', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 'Ž', '‘', '’', '“', '”', '•', '–',
    '—', '˜', '™', 'š', '›', 'œ', 'ž', 'Ÿ',
];

/// Returns whether MariaDB's `latin1` stores `c`. That character set is Windows-1252: U+0000–U+00FF
/// except most C1 controls (U+0080–U+009F), plus the 27 characters in [`CP1252_EXTRAS`].
/// The five C1 codes Windows-1252 leaves undefined map to themselves (checked on MariaDB
/// 10.11).
fn latin1_stores(c: char) -> bool {
    match u32::from(c) {
        0x00..=0x7F | 0xA0..=0xFF => true,
        0x81 | 0x8D | 0x8F | 0x90 | 0x9D => true,
        _ => CP1252_EXTRAS.contains(&c),
    }
}

/// Upper-cases a name as INLISLite stores `Fullname`. A letter that latin1 stores but whose
/// capital it cannot store (`µ` to Greek `Μ`) stays as it is, so that capitals never turn a
/// storable name into one the latin1 column rejects.
fn upper_name(name: &str) -> String {
    let mut upper = String::with_capacity(name.len());
    for c in name.trim().chars() {
        let capital: String = c.to_uppercase().collect();
        if latin1_stores(c) && !capital.chars().all(latin1_stores) {
            upper.push(c);
        } else {
            upper.push_str(&capital);
        }
    }
    upper
}

/// A value written to or read from INLISLite. Empty text counts as NULL.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Value {
    Text(Option<String>),
    Int(Option<i64>),
    Date(Option<Date>),
    /// The database server's `NOW()`, for the audit dates.
    Now,
}

impl Value {
    fn text(text: &str) -> Value {
        let trimmed = text.trim();
        Value::Text((!trimmed.is_empty()).then(|| trimmed.to_owned()))
    }

    fn is_null(&self) -> bool {
        match self {
            Value::Text(text) => text.as_deref().is_none_or(str::is_empty),
            Value::Int(number) => number.is_none(),
            Value::Date(date) => date.is_none(),
            Value::Now => false,
        }
    }

    /// Equality as INLISLite shows it: NULL and empty text are the same.
    fn same_as(&self, stored: &Value) -> bool {
        match (self, stored) {
            (Value::Text(wanted), Value::Text(have)) => {
                wanted.as_deref().filter(|text| !text.is_empty())
                    == have.as_deref().filter(|text| !text.is_empty())
            }
            _ => self == stored,
        }
    }

    fn placeholder(&self) -> &'static str {
        match self {
            Value::Now => "NOW()",
            _ => "?",
        }
    }
}

fn bind_value<'q>(
    query: Query<'q, MySql, MySqlArguments>,
    value: &Value,
) -> Query<'q, MySql, MySqlArguments> {
    match value {
        Value::Text(text) => query.bind(text.clone()),
        Value::Int(number) => query.bind(*number),
        Value::Date(date) => query.bind(*date),
        Value::Now => query,
    }
}

/// When a `members` column is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WritePolicy {
    /// RALINE's value replaces the stored one.
    Always,
    /// Written on insert, and on update only where INLISLite stores NULL, so that the
    /// registration date and request type of a member INLISLite already had stay.
    WhenMissing,
    /// Never moves the date back, because a renewal at INLISLite's desk may have moved
    /// `EndDate` past RALINE's date.
    NeverEarlier,
    /// RALINE's value only where the stored status is empty or [`STATUS_FROM_ONLINE_FORM`].
    KeepStaffStatus,
}

#[derive(Debug, Clone)]
struct Field {
    column: &'static str,
    value: Value,
    policy: WritePolicy,
}

impl Field {
    fn needs_write(&self, stored: &Value) -> bool {
        match self.policy {
            WritePolicy::Always => !self.value.same_as(stored),
            WritePolicy::WhenMissing => !self.value.is_null() && stored.is_null(),
            WritePolicy::NeverEarlier => match (&self.value, stored) {
                (Value::Date(Some(wanted)), Value::Date(Some(have))) => wanted > have,
                (wanted, have) => !wanted.is_null() && have.is_null(),
            },
            WritePolicy::KeepStaffStatus => match stored {
                Value::Int(Some(status)) => *status == STATUS_FROM_ONLINE_FORM,
                _ => true,
            },
        }
    }
}

/// The installation's lookup ids for one member, from the admin's [`Mapping`].
struct LookupIds {
    identity_type: i64,
    member_type: i64,
    occupation: i64,
    education: i64,
    religion: Option<i64>,
    marital_status: Option<i64>,
}

fn resolve_ids(member: &MemberSnapshot, mapping: &Mapping) -> Result<LookupIds, SyncError> {
    let required = |category: Category, value: &str| -> Result<i64, SyncError> {
        mapping
            .get(category, value)
            .map(|row| row.id)
            .ok_or_else(|| SyncError::MissingMapping {
                category,
                value: value.to_owned(),
            })
    };
    let optional = |category: Category, value: Option<&String>| -> Result<Option<i64>, SyncError> {
        match value
            .map(|value| value.trim())
            .filter(|value| !value.is_empty())
        {
            Some(value) => required(category, value).map(Some),
            None => Ok(None),
        }
    };

    Ok(LookupIds {
        identity_type: required(Category::IdentityType, &member.identity_type)?,
        member_type: required(Category::MemberType, &member.member_type)?,
        occupation: required(Category::Occupation, &member.occupation)?,
        education: required(Category::Education, &member.education)?,
        religion: optional(Category::Religion, member.religion.as_ref())?,
        marital_status: optional(Category::MaritalStatus, member.marital_status.as_ref())?,
    })
}

fn identity_number(member: &MemberSnapshot) -> Option<&str> {
    member
        .identity_number
        .as_deref()
        .map(str::trim)
        .filter(|number| !number.is_empty())
}

/// Writes RALINE's relationship code (`ibu`, `ayah`, `wali`) with a capital, as staff type it.
fn capitalize(word: &str) -> String {
    let mut chars = word.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The `members` values for one member.
///
/// Religion and marital status are written as NULL when the member gave none, because
/// RALINE's form has those fields. The emergency contact is written only for members
/// registered with a guardian's identity card, and `PhotoUrl` only with a photo, so that
/// what staff entered in INLISLite for other members stays.
fn member_fields(
    member: &MemberSnapshot,
    ids: &LookupIds,
    request_type_new: i64,
    photo_url: Option<String>,
) -> Vec<Field> {
    let always = |column, value| Field {
        column,
        value,
        policy: WritePolicy::Always,
    };
    let id_address = &member.id_address;
    let current = &member.current_address;
    let sex_id = match member.sex {
        raline_domain::Sex::Male => 1,
        raline_domain::Sex::Female => 2,
    };

    let mut fields = vec![
        always("MemberNo", Value::text(&member.member_number)),
        always("Fullname", Value::Text(Some(upper_name(&member.full_name)))),
        always("PlaceOfBirth", Value::text(&member.birth_place)),
        always("DateOfBirth", Value::Date(Some(member.birth_date))),
        always("Address", Value::text(&id_address.street)),
        always("Kelurahan", Value::text(&id_address.village)),
        always("Kecamatan", Value::text(&id_address.district)),
        always("RT", Value::text(&id_address.rt)),
        always("RW", Value::text(&id_address.rw)),
        always("City", Value::text(&id_address.regency)),
        always("Province", Value::text(&id_address.province)),
        always("AddressNow", Value::text(&current.street)),
        always("KelurahanNow", Value::text(&current.village)),
        always("KecamatanNow", Value::text(&current.district)),
        always("RTNow", Value::text(&current.rt)),
        always("RWNow", Value::text(&current.rw)),
        always("CityNow", Value::text(&current.regency)),
        always("ProvinceNow", Value::text(&current.province)),
        // INLISLite's lists and card show Phone, and its SMS reminders use NoHp, so both
        // carry the member's mobile number.
        always("Phone", Value::text(&member.phone)),
        always("NoHp", Value::text(&member.phone)),
        always("Email", Value::text(&member.email)),
        always("MotherMaidenName", Value::text(&member.mother_maiden_name)),
        always("IdentityType_id", Value::Int(Some(ids.identity_type))),
        always(
            "IdentityNo",
            Value::Text(identity_number(member).map(str::to_owned)),
        ),
        always("Sex_id", Value::Int(Some(sex_id))),
        always("EducationLevel_id", Value::Int(Some(ids.education))),
        always("Job_id", Value::Int(Some(ids.occupation))),
        always("Agama_id", Value::Int(ids.religion)),
        always("MaritalStatus_id", Value::Int(ids.marital_status)),
        always("JenisAnggota_id", Value::Int(Some(ids.member_type))),
        Field {
            column: "StatusAnggota_id",
            value: Value::Int(Some(STATUS_ACTIVE)),
            policy: WritePolicy::KeepStaffStatus,
        },
        Field {
            column: "JenisPermohonan_id",
            value: Value::Int(Some(request_type_new)),
            policy: WritePolicy::WhenMissing,
        },
        Field {
            column: "RegisterDate",
            value: Value::Date(Some(member.registered_on)),
            policy: WritePolicy::WhenMissing,
        },
        Field {
            column: "EndDate",
            value: Value::Date(Some(member.valid_until)),
            policy: WritePolicy::NeverEarlier,
        },
    ];
    if let Some(photo_url) = photo_url {
        fields.push(always("PhotoUrl", Value::Text(Some(photo_url))));
    }
    if let Some(guardian) = &member.guardian {
        fields.push(always("NamaDarurat", Value::text(&guardian.name)));
        fields.push(always(
            "StatusHubunganDarurat",
            Value::text(&capitalize(&guardian.relationship)),
        ));
    }
    fields
}

/// `member_perpanjangan.Keterangan` of a RALINE renewal, by which the sync finds its row.
pub fn renewal_note(renewal_id: i64) -> String {
    format!("Perpanjangan online RALINE #{renewal_id}")
}

/// The password as INLISLite's portal login checks it: unsalted SHA-1, lower-case hex.
pub fn sha1_hex(password: &str) -> String {
    let digest = Sha1::digest(password.as_bytes());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Select expression reading a column as [`Kind`] without relying on its declared type.
/// Dates go through text so that MySQL's zero dates (`0000-00-00`) read as NULL instead of
/// failing to decode.
fn select_expression(column: &str, kind: Kind) -> String {
    match kind {
        Kind::Text => format!("CONVERT(`{column}` USING utf8mb4)"),
        Kind::Int => format!("CAST(`{column}` AS SIGNED)"),
        Kind::Date => format!("DATE_FORMAT(`{column}`, '%Y-%m-%d')"),
    }
}

fn read_value(row: &sqlx::mysql::MySqlRow, index: usize, kind: Kind) -> Result<Value, SyncError> {
    Ok(match kind {
        Kind::Text => Value::Text(row.try_get::<Option<String>, _>(index)?),
        Kind::Int => Value::Int(row.try_get::<Option<i64>, _>(index)?),
        Kind::Date => {
            Value::Date(row.try_get::<Option<String>, _>(index)?.and_then(|text| {
                Date::parse(&text, format_description!("[year]-[month]-[day]")).ok()
            }))
        }
    })
}

/// The member's existing INLISLite row and the number it had before.
struct Located {
    id: i64,
    previous_member_number: Option<String>,
}

/// A connection pool to one INLISLite database with the sync settings.
pub struct InlisliteDb {
    pool: MySqlPool,
    settings: SyncSettings,
    /// Budget for each public operation, including waiting for a connection.
    timeout: Duration,
    /// Column character sets and lengths, read once per pool and again by [`Self::check`].
    catalog: RwLock<Option<Arc<Catalog>>>,
}

impl InlisliteDb {
    /// Opens a pool of at most two connections (the sync runs one member at a time) and
    /// checks that one connection works. `timeout` bounds the connection and later each
    /// operation. The URL may contain a password, so it never appears in errors or logs.
    pub async fn connect(
        url: &str,
        settings: SyncSettings,
        timeout: Duration,
    ) -> Result<Self, SyncError> {
        let options = MySqlConnectOptions::from_str(url).map_err(|_| SyncError::InvalidUrl)?;
        if options.get_database().is_none_or(str::is_empty) {
            return Err(SyncError::InvalidUrl);
        }
        // The server's own time zone, because INLISLite writes its audit dates with NOW()
        // in local time and sqlx would otherwise switch the session to UTC.
        let options = options.charset("utf8mb4").timezone(None);

        let pool = MySqlPoolOptions::new()
            .max_connections(2)
            .min_connections(0)
            .acquire_timeout(timeout)
            .idle_timeout(Some(Duration::from_secs(300)))
            .connect_with(options);
        let pool = tokio::time::timeout(timeout, pool)
            .await
            .map_err(|_| SyncError::TimedOut)??;

        Ok(InlisliteDb {
            pool,
            settings,
            timeout,
            catalog: RwLock::new(None),
        })
    }

    pub fn settings(&self) -> &SyncSettings {
        &self.settings
    }

    /// Closes the pool's connections.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    async fn within_timeout<T>(
        &self,
        operation: impl Future<Output = Result<T, SyncError>>,
    ) -> Result<T, SyncError> {
        tokio::time::timeout(self.timeout, operation)
            .await
            .map_err(|_| SyncError::TimedOut)?
    }

    /// Reads the rows of the installation's lookup table for `category`, ordered by id.
    pub async fn lookups(&self, category: Category) -> Result<Vec<LookupRow>, SyncError> {
        self.within_timeout(async {
            let lookup = lookup_table(category);
            let sql = format!(
                "SELECT CAST(`{id}` AS SIGNED), CONVERT(`{name}` USING utf8mb4) FROM `{table}` \
                 ORDER BY 1",
                id = lookup.id,
                name = lookup.name,
                table = lookup.table,
            );
            let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
            rows.iter()
                .map(|row| {
                    Ok(LookupRow {
                        id: row.try_get::<i64, _>(0)?,
                        name: row.try_get::<Option<String>, _>(1)?.unwrap_or_default(),
                    })
                })
                .collect()
        })
        .await
    }

    /// Returns the highest sequence among `members.MemberNo` values that are `prefix`
    /// followed by exactly `digits` digits, so that RALINE numbers past them. The prefix
    /// matches without case, because the barcode upper-cases numbers. `digits` above 19
    /// cannot fit a `u64` and finds nothing.
    pub async fn highest_sequence(
        &self,
        prefix: &str,
        digits: usize,
    ) -> Result<Option<u64>, SyncError> {
        if digits == 0 || digits > 19 {
            return Ok(None);
        }
        self.within_timeout(async {
            let pattern = format!("{}%", escape_like(prefix));
            let length = (prefix.chars().count() + digits) as i64;
            let numbers: Vec<String> = sqlx::query_scalar(
                "SELECT CONVERT(MemberNo USING utf8mb4) FROM members \
                 WHERE MemberNo LIKE ? ESCAPE '!' AND CHAR_LENGTH(MemberNo) = ?",
            )
            .bind(pattern)
            .bind(length)
            .fetch_all(&self.pool)
            .await?;

            Ok(numbers
                .iter()
                .filter_map(|number| sequence_of(number, prefix, digits))
                .max())
        })
        .await
    }

    /// Returns the highest sequence among `members.MemberNo` values of `pattern` (fixed
    /// text before and after a zero-padded sequence), for every INLISLite numbering scheme.
    pub async fn highest_sequence_of(
        &self,
        pattern: &raline_domain::member_number::NumberPattern,
    ) -> Result<Option<u32>, SyncError> {
        self.within_timeout(async {
            let like = format!(
                "{}{}{}",
                escape_like(&pattern.before),
                "_".repeat(pattern.digits),
                escape_like(&pattern.after)
            );
            let numbers: Vec<String> = sqlx::query_scalar(
                "SELECT CONVERT(MemberNo USING utf8mb4) FROM members \
                 WHERE MemberNo LIKE ? ESCAPE '!'",
            )
            .bind(like)
            .fetch_all(&self.pool)
            .await?;
            Ok(numbers
                .iter()
                .filter_map(|number| pattern.sequence_of(&number.to_uppercase()))
                .max())
        })
        .await
    }

    /// Returns the `MemberNo` INLISLite stores for an identity number (the lowest `ID` if
    /// several rows share it).
    pub async fn member_number_for_identity(
        &self,
        identity_no: &str,
    ) -> Result<Option<String>, SyncError> {
        let identity_no = identity_no.trim();
        if identity_no.is_empty() {
            return Ok(None);
        }
        self.within_timeout(async {
            let number: Option<String> = sqlx::query_scalar(
                "SELECT CONVERT(MemberNo USING utf8mb4) FROM members WHERE IdentityNo = ? \
                 ORDER BY ID LIMIT 1",
            )
            .bind(identity_no)
            .fetch_optional(&self.pool)
            .await?;
            Ok(number)
        })
        .await
    }

    /// Returns the cached column catalogue, reading it on first use.
    async fn catalog(&self) -> Result<Arc<Catalog>, SyncError> {
        if let Some(catalog) = self.catalog.read().expect("catalog lock").as_ref() {
            return Ok(Arc::clone(catalog));
        }
        let catalog = Arc::new(self.load_catalog().await?);
        *self.catalog.write().expect("catalog lock") = Some(Arc::clone(&catalog));
        Ok(catalog)
    }

    async fn load_catalog(&self) -> Result<Catalog, SyncError> {
        let tables: BTreeSet<&str> = required_columns(true)
            .into_iter()
            .map(|(table, _)| table)
            .collect();
        let placeholders = vec!["?"; tables.len()].join(", ");
        let sql = format!(
            "SELECT CONVERT(TABLE_NAME USING utf8mb4), CONVERT(COLUMN_NAME USING utf8mb4), \
             CONVERT(CHARACTER_SET_NAME USING utf8mb4), \
             CAST(CHARACTER_MAXIMUM_LENGTH AS SIGNED) \
             FROM information_schema.COLUMNS \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ({placeholders})"
        );
        let mut query = sqlx::query(&sql);
        for table in &tables {
            query = query.bind(*table);
        }
        let rows = query.fetch_all(&self.pool).await?;

        let mut catalog = Catalog::default();
        for row in &rows {
            let table: String = row.try_get(0)?;
            let column: String = row.try_get(1)?;
            let charset: Option<String> = row.try_get(2)?;
            let max_chars: Option<i64> = row.try_get(3)?;
            catalog.tables.insert(table.to_lowercase());
            catalog.columns.insert(
                (table.to_lowercase(), column.to_lowercase()),
                ColumnInfo {
                    charset,
                    max_chars: max_chars.and_then(|max| u64::try_from(max).ok()),
                },
            );
        }
        Ok(catalog)
    }

    /// Checks that the sync can work on this installation and that its members will be able
    /// to borrow. Returns every problem found, and an empty list means ready. Refreshes the
    /// column catalogue, so run it after changing INLISLite's schema.
    pub async fn check(&self, mapping: &Mapping) -> Vec<Problem> {
        match tokio::time::timeout(self.timeout, self.check_all(mapping)).await {
            Ok(problems) => problems,
            Err(_) => vec![Problem::Database(SyncError::TimedOut)],
        }
    }

    async fn check_all(&self, mapping: &Mapping) -> Vec<Problem> {
        let catalog = match self.load_catalog().await {
            Ok(catalog) => Arc::new(catalog),
            Err(error) => return vec![Problem::Database(error)],
        };
        *self.catalog.write().expect("catalog lock") = Some(Arc::clone(&catalog));

        let mut problems = Vec::new();
        for (table, columns) in required_columns(self.settings.portal_login) {
            if !catalog.has_table(table) {
                problems.push(Problem::MissingTable {
                    table: table.to_owned(),
                });
                continue;
            }
            for column in columns {
                if catalog.column(table, column).is_none() {
                    problems.push(Problem::MissingColumn {
                        table: table.to_owned(),
                        column: column.to_owned(),
                    });
                }
            }
        }

        if let Err(error) = self.check_rows(mapping, &catalog, &mut problems).await {
            problems.push(Problem::Database(error));
        }
        match self.missing_grants().await {
            Ok(missing) => problems.extend(missing),
            Err(error) => problems.push(Problem::Database(error)),
        }
        if let Some(photo_dir) = &self.settings.photo_dir {
            problems.extend(check_photo_dir(photo_dir).await);
        }
        problems
    }

    /// Lists the INSERT and UPDATE grants the sync needs that `SHOW GRANTS` does not show
    /// for the account. SELECT is not checked here: a table the account cannot read looks
    /// missing and is already reported as such.
    ///
    /// NOTE: privileges that reach the account through a role are not resolved, so an
    /// account with any role is not checked rather than reported wrongly.
    async fn missing_grants(&self) -> Result<Vec<Problem>, SyncError> {
        let database: Option<String> = sqlx::query_scalar("SELECT DATABASE()")
            .fetch_one(&self.pool)
            .await?;
        let Some(database) = database else {
            return Ok(Vec::new());
        };
        let lines: Vec<String> = sqlx::query_scalar("SHOW GRANTS FOR CURRENT_USER()")
            .fetch_all(&self.pool)
            .await?;
        let role_granted = lines
            .iter()
            .any(|line| line.starts_with("GRANT ") && !line.contains(" ON "));
        if role_granted {
            return Ok(Vec::new());
        }
        let grants: Vec<Grant> = lines.iter().filter_map(|line| Grant::parse(line)).collect();

        let mut tables = vec![
            "members",
            "memberloanauthorizelocation",
            "memberloanauthorizecategory",
            "member_perpanjangan",
        ];
        if self.settings.portal_login {
            tables.push("membersonline");
        }
        let mut missing = Vec::new();
        for table in tables {
            for privilege in ["INSERT", "UPDATE"] {
                if !grants
                    .iter()
                    .any(|grant| grant.covers(&database, table, privilege))
                {
                    missing.push(Problem::MissingGrant {
                        table: table.to_owned(),
                        privilege,
                    });
                }
            }
        }
        Ok(missing)
    }

    /// Checks the rows the sync relies on. Tables or columns that are missing were already
    /// reported, so their checks are skipped.
    async fn check_rows(
        &self,
        mapping: &Mapping,
        catalog: &Catalog,
        problems: &mut Vec<Problem>,
    ) -> Result<(), SyncError> {
        let has = |table: &str, columns: &[&str]| {
            columns
                .iter()
                .all(|column| catalog.column(table, column).is_some())
        };

        for (category, value, row) in mapping.iter() {
            let lookup = lookup_table(category);
            if !has(lookup.table, &[lookup.id]) {
                continue;
            }
            let sql = format!(
                "SELECT COUNT(*) FROM `{table}` WHERE `{id}` = ?",
                table = lookup.table,
                id = lookup.id
            );
            let count: i64 = sqlx::query_scalar(&sql)
                .bind(row.id)
                .fetch_one(&self.pool)
                .await?;
            if count == 0 {
                problems.push(Problem::MappedRowMissing {
                    category,
                    value: value.to_owned(),
                    table: lookup.table.to_owned(),
                    id: row.id,
                });
                continue;
            }

            if category == Category::MemberType
                && has(
                    "location_library_default",
                    &["Location_Library_id", "JenisAnggota_id"],
                )
            {
                let defaults: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM location_library_default \
                     WHERE JenisAnggota_id = ? AND Location_Library_id IS NOT NULL",
                )
                .bind(row.id)
                .fetch_one(&self.pool)
                .await?;
                if defaults == 0 {
                    problems.push(Problem::NoLoanLocation {
                        value: value.to_owned(),
                        id: row.id,
                    });
                }
            }
        }

        if has("jenis_permohonan", &["ID", "Name"]) {
            let mut connection = self.pool.acquire().await?;
            if request_type_new(&mut connection).await?.is_none() {
                problems.push(Problem::MissingRequestTypeNew);
            }
        }
        if has("status_anggota", &["id"]) {
            let active: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM status_anggota WHERE id = ?")
                    .bind(STATUS_ACTIVE)
                    .fetch_one(&self.pool)
                    .await?;
            if active == 0 {
                problems.push(Problem::MissingActiveStatus);
            }
        }
        Ok(())
    }

    /// Writes one member into INLISLite in one transaction, or nothing when INLISLite already
    /// stores the same data. See the module documentation for what is written.
    ///
    /// The row is found by `MemberNo`, else by `IdentityNo`. A row with RALINE's number but
    /// another person's identity number is never overwritten
    /// ([`SyncError::NumberCollision`]). Every text value is checked against its column's
    /// character set and length before anything is written.
    pub async fn sync_member(
        &self,
        member: &MemberSnapshot,
        mapping: &Mapping,
    ) -> Result<SyncOutcome, SyncError> {
        self.sync_member_known(member, mapping, None).await
    }

    /// Like [`Self::sync_member`] for a member RALINE synced before as INLISLite's
    /// `members.ID` `known_id`. The row with that id and the member's number is this member
    /// even when its identity number changed (an approved correction) or is empty.
    pub async fn sync_member_known(
        &self,
        member: &MemberSnapshot,
        mapping: &Mapping,
        known_id: Option<i64>,
    ) -> Result<SyncOutcome, SyncError> {
        let outcome = self
            .within_timeout(self.sync_member_now(member, mapping, known_id))
            .await;
        match &outcome {
            Ok(outcome) if outcome.changed => tracing::info!(
                raline_member_id = member.member_id,
                member_number = %member.member_number,
                inlislite_id = outcome.inlislite_id,
                created = outcome.created,
                previous_member_number = ?outcome.previous_member_number,
                "member synced to INLISLite"
            ),
            Ok(outcome) => tracing::debug!(
                raline_member_id = member.member_id,
                inlislite_id = outcome.inlislite_id,
                "member already up to date in INLISLite"
            ),
            Err(_) => {}
        }
        outcome
    }

    async fn sync_member_now(
        &self,
        member: &MemberSnapshot,
        mapping: &Mapping,
        known_id: Option<i64>,
    ) -> Result<SyncOutcome, SyncError> {
        let ids = resolve_ids(member, mapping)?;
        let catalog = self.catalog().await?;
        let mut tx = self.pool.begin().await?;

        match self
            .sync_in_transaction(&mut tx, &catalog, member, &ids, known_id)
            .await
        {
            Ok(outcome) => {
                if outcome.changed {
                    tx.commit().await?;
                } else {
                    tx.rollback().await?;
                }
                Ok(outcome)
            }
            Err(error) => {
                roll_back(tx).await;
                Err(error)
            }
        }
    }

    /// Does the sync's reads and writes. The caller commits only when something changed.
    async fn sync_in_transaction(
        &self,
        tx: &mut MySqlConnection,
        catalog: &Catalog,
        member: &MemberSnapshot,
        ids: &LookupIds,
        known_id: Option<i64>,
    ) -> Result<SyncOutcome, SyncError> {
        let request_type_new =
            request_type_new(&mut *tx)
                .await?
                .ok_or_else(|| SyncError::MissingLookupRow {
                    table: "jenis_permohonan".to_owned(),
                    name: REQUEST_TYPE_NEW.to_owned(),
                })?;
        let located = locate_member(&mut *tx, member, known_id).await?;

        let photo = match (&self.settings.photo_dir, &member.photo_jpeg) {
            (Some(dir), Some(jpeg)) => Some((dir, jpeg)),
            _ => None,
        };
        let file_name = photo_file_name(&member.member_number);
        let photo_url = photo.map(|_| file_name.clone());
        let fields = member_fields(member, ids, request_type_new, photo_url);

        let (inlislite_id, created, mut changed) = match &located {
            Some(located) => {
                let changed = self
                    .update_member(&mut *tx, catalog, located.id, &fields)
                    .await?;
                (located.id, false, changed)
            }
            None => {
                let values: Vec<(&'static str, Value)> = fields
                    .iter()
                    .map(|field| (field.column, field.value.clone()))
                    .collect();
                let id = self
                    .insert_row(&mut *tx, catalog, "members", values)
                    .await?;
                (id, true, true)
            }
        };

        changed |= self
            .grant_loan_rights(&mut *tx, catalog, inlislite_id, ids.member_type)
            .await?;
        for renewal in &member.renewals {
            changed |= self
                .sync_renewal(&mut *tx, catalog, inlislite_id, renewal)
                .await?;
        }
        let previous_member_number = located.and_then(|located| located.previous_member_number);
        if self.settings.portal_login {
            changed |= self
                .sync_portal_row(&mut *tx, catalog, member, previous_member_number.as_deref())
                .await?;
        }

        // The file goes last so that a failed database write leaves no new photo, and before
        // the commit so that a failed photo write rolls the rows back for the retry.
        if let Some((dir, jpeg)) = photo {
            changed |= write_photo(dir.clone(), file_name, jpeg.clone()).await?;
        }
        Ok(SyncOutcome {
            inlislite_id,
            created,
            changed,
            previous_member_number,
        })
    }

    /// Updates the columns whose stored value differs from RALINE's. Returns whether it
    /// wrote anything.
    async fn update_member(
        &self,
        connection: &mut MySqlConnection,
        catalog: &Catalog,
        id: i64,
        fields: &[Field],
    ) -> Result<bool, SyncError> {
        let kinds: Vec<(&str, Kind)> = MEMBER_COLUMNS
            .iter()
            .chain(MEMBER_OPTIONAL_COLUMNS.iter())
            .copied()
            .collect();
        catalog.require("members", kinds.iter().map(|(column, _)| *column))?;

        let expressions: Vec<String> = kinds
            .iter()
            .map(|(column, kind)| select_expression(column, *kind))
            .collect();
        let sql = format!(
            "SELECT {} FROM members WHERE ID = ?",
            expressions.join(", ")
        );
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_one(&mut *connection)
            .await?;
        let mut stored = HashMap::new();
        for (index, (column, kind)) in kinds.iter().enumerate() {
            stored.insert(*column, read_value(&row, index, *kind)?);
        }

        let changes: Vec<(&'static str, Value)> = fields
            .iter()
            .filter(|field| {
                stored
                    .get(field.column)
                    .is_none_or(|value| field.needs_write(value))
            })
            .map(|field| (field.column, field.value.clone()))
            .collect();
        if let Some(Value::Int(Some(status))) = stored.get("StatusAnggota_id")
            && ![STATUS_ACTIVE, STATUS_FROM_ONLINE_FORM].contains(status)
        {
            tracing::warn!(
                inlislite_id = id,
                status,
                "INLISLite member status kept, so the member cannot borrow until staff change it"
            );
        }
        if changes.is_empty() {
            return Ok(false);
        }
        self.update_row(connection, catalog, "members", "ID", id, changes)
            .await?;
        Ok(true)
    }

    /// Adds the member type's default loan locations and collection categories the member
    /// lacks. Rights the member already has, from any type, stay.
    async fn grant_loan_rights(
        &self,
        connection: &mut MySqlConnection,
        catalog: &Catalog,
        member_id: i64,
        member_type_id: i64,
    ) -> Result<bool, SyncError> {
        let mut changed = false;
        for right in &LOAN_RIGHTS {
            catalog.require(
                right.default_table,
                [right.default_column, "JenisAnggota_id"],
            )?;
            catalog.require(right.grant_table, ["Member_id", right.grant_column])?;

            let defaults_sql = format!(
                "SELECT DISTINCT CAST(`{column}` AS SIGNED) FROM `{table}` \
                 WHERE JenisAnggota_id = ? AND `{column}` IS NOT NULL ORDER BY 1",
                column = right.default_column,
                table = right.default_table,
            );
            let defaults: Vec<i64> = sqlx::query_scalar(&defaults_sql)
                .bind(member_type_id)
                .fetch_all(&mut *connection)
                .await?;

            let granted_sql = format!(
                "SELECT CAST(`{column}` AS SIGNED) FROM `{table}` WHERE Member_id = ?",
                column = right.grant_column,
                table = right.grant_table,
            );
            let granted: BTreeSet<i64> = sqlx::query_scalar::<_, Option<i64>>(&granted_sql)
                .bind(member_id)
                .fetch_all(&mut *connection)
                .await?
                .into_iter()
                .flatten()
                .collect();

            for default in defaults.into_iter().filter(|id| !granted.contains(id)) {
                let values = vec![
                    ("Member_id", Value::Int(Some(member_id))),
                    (right.grant_column, Value::Int(Some(default))),
                ];
                self.insert_row(connection, catalog, right.grant_table, values)
                    .await?;
                changed = true;
            }
        }
        Ok(changed)
    }

    /// Inserts the renewal's `member_perpanjangan` row when the member has none with its
    /// note or its new end date. An existing row belongs to INLISLite staff once written:
    /// only a fee paid later in RALINE is added to it, and nothing is taken back.
    async fn sync_renewal(
        &self,
        connection: &mut MySqlConnection,
        catalog: &Catalog,
        member_id: i64,
        renewal: &RenewalEntry,
    ) -> Result<bool, SyncError> {
        let table = "member_perpanjangan";
        catalog.require(
            table,
            [
                "ID",
                "Member_id",
                "Tanggal",
                "Biaya",
                "IsLunas",
                "Keterangan",
            ],
        )?;
        let note = renewal_note(renewal.renewal_id);
        let wanted = [
            ("Tanggal", Value::Date(Some(renewal.new_valid_until))),
            ("Biaya", Value::Int(Some(renewal.fee_rupiah))),
            ("IsLunas", Value::Int(Some(i64::from(renewal.paid)))),
        ];

        let row = sqlx::query(
            "SELECT CAST(ID AS SIGNED), DATE_FORMAT(Tanggal, '%Y-%m-%d'), \
             CAST(Biaya AS SIGNED), CAST(IsLunas AS SIGNED) \
             FROM member_perpanjangan WHERE Member_id = ? \
             AND (Keterangan = ? OR DATE(Tanggal) = ?) ORDER BY ID LIMIT 1",
        )
        .bind(member_id)
        .bind(&note)
        .bind(renewal.new_valid_until.to_string())
        .fetch_optional(&mut *connection)
        .await?;

        let Some(row) = row else {
            let mut values = vec![("Member_id", Value::Int(Some(member_id)))];
            values.extend(wanted);
            values.push(("Keterangan", Value::Text(Some(note))));
            self.insert_row(connection, catalog, table, values).await?;
            return Ok(true);
        };

        let id: i64 = row.try_get(0)?;
        let paid_stored = matches!(read_value(&row, 3, Kind::Int)?, Value::Int(Some(1..)));
        if !renewal.paid || paid_stored {
            return Ok(false);
        }
        self.update_row(
            connection,
            catalog,
            table,
            "ID",
            id,
            vec![("IsLunas", Value::Int(Some(1)))],
        )
        .await?;
        Ok(true)
    }

    /// Ensures the member's `membersonline` row with the current e-mail address. A new row
    /// has status `NOTACTIVE` and an empty password, which matches no SHA-1 hash, because
    /// RALINE keeps only Argon2id hashes. [`Self::set_portal_password`] activates it. A row
    /// under the member's previous number moves to the new number and keeps its password.
    async fn sync_portal_row(
        &self,
        connection: &mut MySqlConnection,
        catalog: &Catalog,
        member: &MemberSnapshot,
        previous_member_number: Option<&str>,
    ) -> Result<bool, SyncError> {
        let table = "membersonline";
        catalog.require(table, ["ID", "NoAnggota", "Password", "Email", "Status"])?;
        let email = Value::text(&member.email);

        let mut existing = portal_row(connection, &member.member_number).await?;
        let mut changes = Vec::new();
        if existing.is_none()
            && let Some(previous) = previous_member_number
        {
            existing = portal_row(connection, previous).await?;
            if existing.is_some() {
                changes.push(("NoAnggota", Value::text(&member.member_number)));
            }
        }

        let Some((id, stored_email)) = existing else {
            let values = vec![
                ("NoAnggota", Value::text(&member.member_number)),
                ("Password", Value::Text(Some(String::new()))),
                ("Email", email),
                ("Status", Value::Text(Some("NOTACTIVE".to_owned()))),
            ];
            self.insert_row(connection, catalog, table, values).await?;
            return Ok(true);
        };

        if !email.same_as(&Value::Text(stored_email)) {
            changes.push(("Email", email));
        }
        if changes.is_empty() {
            return Ok(false);
        }
        self.update_row(connection, catalog, table, "ID", id, changes)
            .await?;
        Ok(true)
    }

    /// Stores a portal password as INLISLite checks it (SHA-1 hex) and sets the login
    /// `ACTIVE`, creating the `membersonline` row if the sync has not. Call it only when the
    /// member types the password, since RALINE keeps no reversible copy.
    pub async fn set_portal_password(
        &self,
        member_number: &str,
        password: &str,
    ) -> Result<(), SyncError> {
        self.set_portal_password_hash(member_number, &sha1_hex(password))
            .await
    }

    /// Stores a SHA-1 hex digest computed earlier by [`sha1_hex`] (when the
    /// member typed the password) and sets the login `ACTIVE`, creating the `membersonline`
    /// row if the sync has not.
    pub async fn set_portal_password_hash(
        &self,
        member_number: &str,
        sha1_hex: &str,
    ) -> Result<(), SyncError> {
        if !self.settings.portal_login {
            return Err(SyncError::PortalLoginDisabled);
        }
        if sha1_hex.len() != 40 || !sha1_hex.bytes().all(|byte| byte.is_ascii_hexdigit()) {
            return Err(SyncError::InvalidPasswordHash);
        }
        let hash = sha1_hex.to_ascii_lowercase();
        self.within_timeout(async {
            let catalog = self.catalog().await?;
            catalog.require(
                "membersonline",
                ["ID", "NoAnggota", "Password", "Email", "Status"],
            )?;
            let mut tx = self.pool.begin().await?;
            match self
                .write_portal_password(&mut tx, &catalog, member_number, hash)
                .await
            {
                Ok(true) => {
                    tx.commit().await?;
                    tracing::info!(member_number, "INLISLite portal password set");
                    Ok(())
                }
                Ok(false) => {
                    tx.rollback().await?;
                    Ok(())
                }
                Err(error) => {
                    roll_back(tx).await;
                    Err(error)
                }
            }
        })
        .await
    }

    /// Writes the password digest and `ACTIVE` status unless both are already stored.
    /// Returns whether it wrote.
    async fn write_portal_password(
        &self,
        tx: &mut MySqlConnection,
        catalog: &Catalog,
        member_number: &str,
        hash: String,
    ) -> Result<bool, SyncError> {
        let table = "membersonline";
        let row = sqlx::query(
            "SELECT CAST(ID AS SIGNED), CONVERT(Password USING utf8mb4), \
             CONVERT(Status USING utf8mb4) FROM membersonline WHERE NoAnggota = ? \
             ORDER BY ID LIMIT 1 FOR UPDATE",
        )
        .bind(member_number)
        .fetch_optional(&mut *tx)
        .await?;

        if let Some(row) = row {
            let id: i64 = row.try_get(0)?;
            let stored_hash: Option<String> = row.try_get(1)?;
            let status: Option<String> = row.try_get(2)?;
            let same_hash = stored_hash.is_some_and(|stored| stored.eq_ignore_ascii_case(&hash));
            if same_hash && status.as_deref() == Some("ACTIVE") {
                return Ok(false);
            }
            let changes = vec![
                ("Password", Value::Text(Some(hash))),
                ("Status", Value::Text(Some("ACTIVE".to_owned()))),
            ];
            self.update_row(tx, catalog, table, "ID", id, changes)
                .await?;
            return Ok(true);
        }

        let email: Option<Option<String>> = sqlx::query_scalar(
            "SELECT CONVERT(Email USING utf8mb4) FROM members WHERE MemberNo = ? \
             ORDER BY ID LIMIT 1",
        )
        .bind(member_number)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(email) = email else {
            return Err(SyncError::MemberNotFound {
                member_number: member_number.to_owned(),
            });
        };
        let values = vec![
            ("NoAnggota", Value::text(member_number)),
            ("Password", Value::Text(Some(hash))),
            ("Email", Value::Text(email)),
            ("Status", Value::Text(Some("ACTIVE".to_owned()))),
        ];
        self.insert_row(tx, catalog, table, values).await?;
        Ok(true)
    }

    /// Returns the audit values INLISLite writes: create and update on a new row, update
    /// only on a changed one.
    fn audit_values(&self, create: bool) -> Vec<(&'static str, Value)> {
        let operator = Value::Int(self.settings.operator_id);
        let terminal = Value::text(&self.settings.terminal);
        let mut values = Vec::new();
        if create {
            values.push(("CreateBy", operator.clone()));
            values.push(("CreateDate", Value::Now));
            values.push(("CreateTerminal", terminal.clone()));
        }
        values.push(("UpdateBy", operator));
        values.push(("UpdateDate", Value::Now));
        values.push(("UpdateTerminal", terminal));
        values
    }

    /// Validates every column and text value, then inserts one row with the audit columns.
    /// Returns the new row's auto-increment id.
    ///
    /// NOTE: INLISLite's models imply auto-increment keys on the tables written here, but
    /// no real installation's schema was checked, and `check` does not verify it.
    async fn insert_row(
        &self,
        connection: &mut MySqlConnection,
        catalog: &Catalog,
        table: &'static str,
        mut values: Vec<(&'static str, Value)>,
    ) -> Result<i64, SyncError> {
        values.extend(self.audit_values(true));
        validate_values(catalog, table, &values)?;

        let columns: Vec<String> = values
            .iter()
            .map(|(column, _)| format!("`{column}`"))
            .collect();
        let placeholders: Vec<&str> = values
            .iter()
            .map(|(_, value)| value.placeholder())
            .collect();
        let sql = format!(
            "INSERT INTO `{table}` ({}) VALUES ({})",
            columns.join(", "),
            placeholders.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for (_, value) in &values {
            query = bind_value(query, value);
        }
        let result = query.execute(&mut *connection).await?;
        Ok(result.last_insert_id() as i64)
    }

    /// Validates every column and text value, then updates one row by its key together with
    /// the update audit columns.
    async fn update_row(
        &self,
        connection: &mut MySqlConnection,
        catalog: &Catalog,
        table: &'static str,
        key_column: &'static str,
        key: i64,
        mut values: Vec<(&'static str, Value)>,
    ) -> Result<(), SyncError> {
        values.extend(self.audit_values(false));
        validate_values(catalog, table, &values)?;

        let assignments: Vec<String> = values
            .iter()
            .map(|(column, value)| format!("`{column}` = {}", value.placeholder()))
            .collect();
        let sql = format!(
            "UPDATE `{table}` SET {} WHERE `{key_column}` = ?",
            assignments.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for (_, value) in &values {
            query = bind_value(query, value);
        }
        query.bind(key).execute(&mut *connection).await?;
        Ok(())
    }
}

fn validate_values(
    catalog: &Catalog,
    table: &str,
    values: &[(&'static str, Value)],
) -> Result<(), SyncError> {
    catalog.require(table, values.iter().map(|(column, _)| *column))?;
    for (column, value) in values {
        if let Value::Text(Some(text)) = value {
            catalog.validate_text(table, column, text)?;
        }
    }
    Ok(())
}

/// Rolls a failed transaction back now. Dropping it would only queue the rollback until the
/// connection is next used, and until then its row locks block INLISLite's own staff.
async fn roll_back(tx: sqlx::Transaction<'_, MySql>) {
    if let Err(error) = tx.rollback().await {
        let error = SyncError::from(error);
        tracing::warn!(code = error.code(), "INLISLite rollback failed");
    }
}

/// Reads the id of the `jenis_permohonan` row named "Baru" (the lowest if several, ignoring
/// case and surrounding spaces).
async fn request_type_new(connection: &mut MySqlConnection) -> Result<Option<i64>, SyncError> {
    let id: Option<i64> = sqlx::query_scalar(
        "SELECT CAST(ID AS SIGNED) FROM jenis_permohonan \
         WHERE LOWER(TRIM(CONVERT(Name USING utf8mb4))) = LOWER(?) ORDER BY ID LIMIT 1",
    )
    .bind(REQUEST_TYPE_NEW)
    .fetch_optional(&mut *connection)
    .await?;
    Ok(id)
}

/// Finds the member's row by `MemberNo`, else by `IdentityNo`, and locks it for the
/// transaction.
async fn locate_member(
    connection: &mut MySqlConnection,
    member: &MemberSnapshot,
    known_id: Option<i64>,
) -> Result<Option<Located>, SyncError> {
    let identity = identity_number(member);

    let by_number = sqlx::query(
        "SELECT CAST(ID AS SIGNED), CONVERT(IdentityNo USING utf8mb4), \
         CONVERT(Fullname USING utf8mb4), DATE_FORMAT(DateOfBirth, '%Y-%m-%d') FROM members \
         WHERE MemberNo = ? ORDER BY ID LIMIT 1 FOR UPDATE",
    )
    .bind(&member.member_number)
    .fetch_optional(&mut *connection)
    .await?;

    if let Some(row) = by_number {
        let id: i64 = row.try_get(0)?;
        let stored_identity: Option<String> = row.try_get(1)?;
        let stored_identity = stored_identity
            .as_deref()
            .map(str::trim)
            .filter(|number| !number.is_empty());

        let stored_name: Option<String> = row.try_get(2)?;
        let stored_birth: Option<String> = row.try_get(3)?;
        // A row without an identity number is this member only when name and birth date
        // agree: INLISLite's desk may have given the number to someone else meanwhile.
        let same_name_and_birth = stored_name.as_deref().map(str::trim)
            == Some(upper_name(&member.full_name).as_str())
            && stored_birth.as_deref() == Some(member.birth_date.to_string().as_str());
        let same_person = known_id == Some(id)
            || match (stored_identity, identity) {
                (Some(stored), Some(ours)) => stored.eq_ignore_ascii_case(ours),
                (Some(_), None) => false,
                (None, _) => same_name_and_birth,
            };
        if !same_person {
            return Err(SyncError::NumberCollision {
                member_number: member.member_number.clone(),
            });
        }

        if stored_identity.is_none()
            && let Some(identity) = identity
            && let Some(other) = sqlx::query_scalar::<_, String>(
                "SELECT CONVERT(MemberNo USING utf8mb4) FROM members \
                 WHERE IdentityNo = ? AND ID <> ? ORDER BY ID LIMIT 1",
            )
            .bind(identity)
            .bind(id)
            .fetch_optional(&mut *connection)
            .await?
        {
            return Err(SyncError::IdentityInUse {
                member_number: other,
            });
        }
        return Ok(Some(Located {
            id,
            previous_member_number: None,
        }));
    }

    let Some(identity) = identity else {
        return Ok(None);
    };
    let rows = sqlx::query(
        "SELECT CAST(ID AS SIGNED), CONVERT(MemberNo USING utf8mb4) FROM members \
         WHERE IdentityNo = ? ORDER BY ID FOR UPDATE",
    )
    .bind(identity)
    .fetch_all(&mut *connection)
    .await?;

    match rows.as_slice() {
        [] => Ok(None),
        [row] => {
            let id: i64 = row.try_get(0)?;
            let number: Option<String> = row.try_get(1)?;
            Ok(Some(Located {
                id,
                previous_member_number: number
                    .filter(|number| number.as_str() != member.member_number),
            }))
        }
        [first, ..] => Err(SyncError::IdentityInUse {
            member_number: first.try_get::<Option<String>, _>(1)?.unwrap_or_default(),
        }),
    }
}

/// Reads the first `membersonline` row of a member number as (ID, Email).
async fn portal_row(
    connection: &mut MySqlConnection,
    member_number: &str,
) -> Result<Option<(i64, Option<String>)>, SyncError> {
    let row = sqlx::query(
        "SELECT CAST(ID AS SIGNED), CONVERT(Email USING utf8mb4) FROM membersonline \
         WHERE NoAnggota = ? ORDER BY ID LIMIT 1 FOR UPDATE",
    )
    .bind(member_number)
    .fetch_optional(&mut *connection)
    .await?;
    match row {
        Some(row) => Ok(Some((row.try_get(0)?, row.try_get(1)?))),
        None => Ok(None),
    }
}

/// Escapes `LIKE` wildcards for `ESCAPE '!'`.
fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '!' | '%' | '_') {
            escaped.push('!');
        }
        escaped.push(c);
    }
    escaped
}

/// Returns the sequence of `number` when it is `prefix` (any case) followed by exactly
/// `digits` ASCII digits.
fn sequence_of(number: &str, prefix: &str, digits: usize) -> Option<u64> {
    let head = number.get(..prefix.len())?;
    let tail = number.get(prefix.len()..)?;
    if !head.eq_ignore_ascii_case(prefix)
        || tail.len() != digits
        || !tail.bytes().all(|byte| byte.is_ascii_digit())
    {
        return None;
    }
    tail.parse().ok()
}

/// Writes the photo unless the file already contains the same bytes, through a temporary file
/// in the same folder and a rename, so INLISLite never serves half a file. Returns whether
/// it wrote.
async fn write_photo(dir: PathBuf, file_name: String, jpeg: Vec<u8>) -> Result<bool, SyncError> {
    let path = dir.join(&file_name);
    tokio::task::spawn_blocking(move || write_photo_now(&dir, &file_name, &jpeg))
        .await
        .map_err(|error| SyncError::PhotoWrite {
            path,
            reason: error.to_string(),
        })?
}

fn write_photo_now(dir: &Path, file_name: &str, jpeg: &[u8]) -> Result<bool, SyncError> {
    use std::io::Write;

    let path = dir.join(file_name);
    let failed = |path: &Path, error: std::io::Error| SyncError::PhotoWrite {
        path: path.to_owned(),
        reason: error.kind().to_string(),
    };

    match std::fs::read(&path) {
        Ok(existing) if existing == jpeg => return Ok(false),
        Ok(_) => {}
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => return Err(failed(&path, error)),
    }

    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.subsec_nanos());
    let temporary = dir.join(format!(".{file_name}.{}-{nanos}.tmp", std::process::id()));
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temporary)
        .and_then(|mut file| {
            file.write_all(jpeg)?;
            file.sync_all()
        })
        .and_then(|()| std::fs::rename(&temporary, &path));
    if let Err(error) = written {
        let _ = std::fs::remove_file(&temporary);
        return Err(failed(&path, error));
    }
    Ok(true)
}

/// Checks that the photo folder exists and takes a new file.
async fn check_photo_dir(dir: &Path) -> Vec<Problem> {
    let dir = dir.to_owned();
    let checked = tokio::task::spawn_blocking(move || {
        if !dir.is_dir() {
            return vec![Problem::PhotoDirMissing { path: dir }];
        }
        let probe = dir.join(format!(".raline-write-check-{}", std::process::id()));
        match std::fs::write(&probe, b"") {
            Ok(()) => {
                let _ = std::fs::remove_file(&probe);
                Vec::new()
            }
            Err(error) => vec![Problem::PhotoDirNotWritable {
                path: dir,
                reason: error.kind().to_string(),
            }],
        }
    })
    .await;
    checked.unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_matches_mariadb() {
        for c in ['A', 'é', 'Ä', 'ÿ', '’', '€', 'Ÿ', '\u{81}'] {
            assert!(latin1_stores(c), "{c:?} should be storable");
        }
        for c in ['\u{80}', '\u{9F}', 'ễ', '李', 'ʼ', 'Μ'] {
            assert!(!latin1_stores(c), "{c:?} should be rejected");
        }
    }

    #[test]
    fn grants_are_read_from_show_grants() {
        let table = Grant::parse(
            "GRANT SELECT, INSERT, UPDATE ON `inlislite_v3`.`members` TO `raline`@`10.0.0.%`",
        )
        .unwrap();
        assert!(table.covers("inlislite_v3", "members", "INSERT"));
        assert!(!table.covers("inlislite_v3", "members", "DELETE"));
        assert!(!table.covers("inlislite_v3", "member_perpanjangan", "INSERT"));

        let schema =
            Grant::parse("GRANT ALL PRIVILEGES ON `inlislite\\_v3`.* TO `raline`@`%`").unwrap();
        assert!(schema.covers("inlislite_v3", "membersonline", "UPDATE"));
        let global = Grant::parse(
            "GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` IDENTIFIED VIA unix_socket WITH GRANT OPTION",
        )
        .unwrap();
        assert!(global.covers("x", "y", "INSERT"));
        assert_eq!(Grant::parse("GRANT `staf_role` TO `raline`@`%`"), None);
    }

    #[test]
    fn upper_name_keeps_latin1() {
        assert_eq!(upper_name(" Nur’aini Ÿvette "), "NUR’AINI ŸVETTE");
        assert_eq!(upper_name("ÿ µ"), "Ÿ µ");
        assert_eq!(upper_name("Nguyễn"), "NGUYỄN");
    }

    #[test]
    fn sequence_needs_exact_digits() {
        assert_eq!(sequence_of("26120500012", "261205", 5), Some(12));
        assert_eq!(sequence_of("ab00012", "AB", 5), Some(12));
        assert_eq!(sequence_of("2612050001A", "261205", 5), None);
        assert_eq!(sequence_of("261205000120", "261205", 5), None);
        assert_eq!(sequence_of("0126120500012", "261205", 5), None);
    }

    #[test]
    fn like_pattern_is_escaped() {
        assert_eq!(escape_like("A_1%!"), "A!_1!%!!");
    }

    #[test]
    fn write_policies() {
        let date =
            |day| Value::Date(Date::from_calendar_date(2027, time::Month::January, day).ok());
        let end = Field {
            column: "EndDate",
            value: date(10),
            policy: WritePolicy::NeverEarlier,
        };
        assert!(end.needs_write(&date(9)));
        assert!(!end.needs_write(&date(10)));
        assert!(!end.needs_write(&date(11)));
        assert!(end.needs_write(&Value::Date(None)));

        let status = Field {
            column: "StatusAnggota_id",
            value: Value::Int(Some(STATUS_ACTIVE)),
            policy: WritePolicy::KeepStaffStatus,
        };
        assert!(status.needs_write(&Value::Int(Some(1))));
        assert!(status.needs_write(&Value::Int(None)));
        assert!(!status.needs_write(&Value::Int(Some(5))));
        assert!(!status.needs_write(&Value::Int(Some(4))));
        assert!(!status.needs_write(&Value::Int(Some(2))));
        assert!(!status.needs_write(&Value::Int(Some(STATUS_ACTIVE))));

        let email = Field {
            column: "Email",
            value: Value::text(""),
            policy: WritePolicy::Always,
        };
        assert!(!email.needs_write(&Value::Text(Some(String::new()))));
        assert!(!email.needs_write(&Value::Text(None)));
    }

    #[test]
    fn portal_hash_is_php_sha1() {
        assert_eq!(
            sha1_hex("rahasia123"),
            "68bd72cfcd18bd2c3c781bbced1c59fb4dd67c03"
        );
    }

    #[test]
    fn error_codes_and_transience() {
        assert!(SyncError::TimedOut.is_transient());
        assert!(SyncError::Database { code: Some(1213) }.is_transient());
        assert!(!SyncError::Database { code: Some(1054) }.is_transient());
        assert!(
            !SyncError::NumberCollision {
                member_number: "1".into()
            }
            .is_transient()
        );
        assert_eq!(
            SyncError::NotLatin1 {
                table: "members".into(),
                column: "Fullname".into()
            }
            .code(),
            "not_latin1"
        );
    }
}
