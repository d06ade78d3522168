//! The direct sync against a real MariaDB server loaded with an INLISLite-like schema. Each
//! test gets its own database (see `mariadb/mod.rs`).

mod mariadb;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use mariadb::TestDatabase;
use raline_domain::member_number::NumberPattern;
use raline_domain::{Address, Guardian, Sex};
use raline_inlislite::database::{InlisliteDb, Problem, SyncError, SyncSettings, renewal_note};
use raline_inlislite::{Category, Mapping, MemberSnapshot, RenewalEntry, photo_file_name};
use sqlx::Row;
use time::{Date, Duration as Days};

const TIMEOUT: Duration = Duration::from_secs(10);
const OPERATOR_ID: i64 = 7;

/// Member 1 of the fixture: a desk member since 2017.
const DESK_MEMBER_NUMBER: &str = "0117030100012";
const DESK_MEMBER_NIK: &str = "3576010101700001";
/// Member 7 of the fixture: registered on INLISLite's own online form, with a portal login.
const ONLINE_MEMBER_NUMBER: &str = "24010100003";
const ONLINE_MEMBER_NIK: &str = "3576015506950007";
/// Member 8 of the fixture: suspended.
const SUSPENDED_MEMBER_NUMBER: &str = "0119050500001";
const SUSPENDED_MEMBER_NIK: &str = "3576010606800008";

const NEW_NIK: &str = "3576014403910003";

/// Tables the sync writes.
const WRITTEN_TABLES: [&str; 5] = [
    "members",
    "memberloanauthorizelocation",
    "memberloanauthorizecategory",
    "member_perpanjangan",
    "membersonline",
];

fn settings(photo_dir: Option<PathBuf>, portal_login: bool) -> SyncSettings {
    SyncSettings {
        photo_dir,
        portal_login,
        terminal: "RALINE".to_owned(),
        operator_id: Some(OPERATOR_ID),
    }
}

async fn connect(database: &TestDatabase, settings: SyncSettings) -> InlisliteDb {
    InlisliteDb::connect(&database.url, settings, TIMEOUT)
        .await
        .expect("connect to the test database")
}

/// RALINE's values and the fixture's names for them.
const NAMES: [(Category, &str, &str); 13] = [
    (Category::IdentityType, "ktp", "KTP"),
    (Category::IdentityType, "kia", "KIA"),
    (Category::IdentityType, "kartu_pelajar", "Kartu Pelajar"),
    (Category::MemberType, "umum", "Umum"),
    (Category::MemberType, "pelajar", "Pelajar"),
    (Category::MemberType, "mahasiswa", "Mahasiswa"),
    (Category::Occupation, "Guru", "Guru"),
    (Category::Occupation, "Pelajar", "Pelajar"),
    (Category::Education, "S1", "S1"),
    (Category::Education, "SD", "SD"),
    (Category::Religion, "Islam", "Islam"),
    (Category::Religion, "Konghucu", "Konghucu"),
    (Category::MaritalStatus, "kawin", "Kawin"),
];

/// Maps RALINE's values to the fixture's rows by name, as the admin would.
async fn mapping(inlislite: &InlisliteDb) -> Mapping {
    let mut mapping = Mapping::default();
    for (category, value, name) in NAMES {
        let rows = inlislite.lookups(category).await.expect("read lookups");
        let row = rows
            .into_iter()
            .find(|row| row.name == name)
            .unwrap_or_else(|| panic!("fixture has no {name} for {category:?}"));
        mapping.insert(category, value, row);
    }
    mapping
}

async fn today(database: &TestDatabase) -> Date {
    let text: String = sqlx::query_scalar("SELECT DATE_FORMAT(CURDATE(), '%Y-%m-%d')")
        .fetch_one(&database.pool)
        .await
        .unwrap();
    parse_date(&text)
}

fn parse_date(text: &str) -> Date {
    Date::parse(
        text,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .unwrap()
}

/// Reads today's `YYMMDD` prefix in the server's time zone.
async fn today_prefix(database: &TestDatabase) -> String {
    sqlx::query_scalar("SELECT DATE_FORMAT(CURDATE(), '%y%m%d')")
        .fetch_one(&database.pool)
        .await
        .unwrap()
}

fn address(street: &str, village: &str, district: &str, regency: &str) -> Address {
    Address {
        street: street.to_owned(),
        rt: "003".to_owned(),
        rw: "005".to_owned(),
        village: village.to_owned(),
        village_code: None,
        district: district.to_owned(),
        regency: regency.to_owned(),
        regency_code: None,
        province: "Jawa Timur".to_owned(),
    }
}

/// Builds an adult teacher with a KTP, registered today for a year.
fn member(number: &str, identity: Option<&str>, today: Date) -> MemberSnapshot {
    MemberSnapshot {
        member_id: 501,
        member_number: number.to_owned(),
        full_name: "Siti Nur’aini".to_owned(),
        birth_place: "Mojokerto".to_owned(),
        birth_date: Date::from_calendar_date(1991, time::Month::March, 4).unwrap(),
        sex: Sex::Female,
        identity_type: "ktp".to_owned(),
        identity_number: identity.map(str::to_owned),
        mother_maiden_name: "Aminah".to_owned(),
        email: "siti@example.org".to_owned(),
        phone: "081234567890".to_owned(),
        religion: Some("Islam".to_owned()),
        marital_status: Some("kawin".to_owned()),
        occupation: "Guru".to_owned(),
        education: "S1".to_owned(),
        member_type: "umum".to_owned(),
        id_address: address(
            "Jl. Majapahit No. 12",
            "Gedongan",
            "Magersari",
            "Kota Mojokerto",
        ),
        current_address: address("Jl. Raya Darmo 5", "Darmo", "Wonokromo", "Kota Surabaya"),
        guardian: None,
        registered_on: today,
        valid_until: today + Days::days(365),
        renewals: Vec::new(),
        photo_jpeg: None,
    }
}

/// Builds stand-in JPEG bytes: a JPEG start and end marker around 2 KiB derived from `seed`.
fn fake_jpeg(seed: u8) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    bytes.extend((0..2048u32).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)));
    bytes.extend([0xFF, 0xD9]);
    bytes
}

/// Reads `CHECKSUM TABLE` of every table the sync writes, which covers every column of
/// every row.
async fn checksums(database: &TestDatabase) -> Vec<(String, Option<i64>)> {
    let mut sums = Vec::new();
    for table in WRITTEN_TABLES {
        let row = sqlx::query(&format!("CHECKSUM TABLE `{table}`"))
            .fetch_one(&database.pool)
            .await
            .unwrap();
        sums.push((table.to_owned(), row.try_get::<Option<i64>, _>(1).unwrap()));
    }
    sums
}

async fn count(database: &TestDatabase, sql: &str, id: i64) -> i64 {
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(&database.pool)
        .await
        .unwrap()
}

async fn member_int(database: &TestDatabase, id: i64, column: &str) -> Option<i64> {
    sqlx::query_scalar(&format!(
        "SELECT CAST(`{column}` AS SIGNED) FROM members WHERE ID = ?"
    ))
    .bind(id)
    .fetch_one(&database.pool)
    .await
    .unwrap()
}

async fn member_text(database: &TestDatabase, id: i64, column: &str) -> Option<String> {
    sqlx::query_scalar(&format!(
        "SELECT CONVERT(`{column}` USING utf8mb4) FROM members WHERE ID = ?"
    ))
    .bind(id)
    .fetch_one(&database.pool)
    .await
    .unwrap()
}

async fn member_date(database: &TestDatabase, id: i64, column: &str) -> Option<Date> {
    member_date_text(database, id, column)
        .await
        .map(|text| parse_date(&text))
}

async fn member_date_text(database: &TestDatabase, id: i64, column: &str) -> Option<String> {
    sqlx::query_scalar(&format!(
        "SELECT DATE_FORMAT(`{column}`, '%Y-%m-%d') FROM members WHERE ID = ?"
    ))
    .bind(id)
    .fetch_one(&database.pool)
    .await
    .unwrap()
}

async fn granted(database: &TestDatabase, table: &str, column: &str, id: i64) -> BTreeSet<i64> {
    sqlx::query_scalar::<_, i64>(&format!(
        "SELECT CAST(`{column}` AS SIGNED) FROM `{table}` WHERE Member_id = ?"
    ))
    .bind(id)
    .fetch_all(&database.pool)
    .await
    .unwrap()
    .into_iter()
    .collect()
}

async fn login_count(database: &TestDatabase, member_number: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM membersonline WHERE NoAnggota = ?")
        .bind(member_number)
        .fetch_one(&database.pool)
        .await
        .unwrap()
}

/// Counts the transactions still open on this test's database, from any connection.
async fn open_transactions(database: &TestDatabase) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM information_schema.INNODB_TRX t \
         JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id \
         WHERE p.DB = DATABASE()",
    )
    .fetch_one(&database.pool)
    .await
    .unwrap()
}

async fn member_count(database: &TestDatabase) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM members")
        .fetch_one(&database.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn new_member_can_borrow() {
    let database = TestDatabase::create().await;
    let inlislite = connect(&database, settings(None, false)).await;
    let mapping = mapping(&inlislite).await;
    let today = today(&database).await;
    let number = format!("{}00013", today_prefix(&database).await);

    let outcome = inlislite
        .sync_member(&member(&number, Some(NEW_NIK), today), &mapping)
        .await
        .expect("sync a new member");
    assert!(outcome.created);
    assert!(outcome.changed);
    assert_eq!(outcome.previous_member_number, None);
    let id = outcome.inlislite_id;

    assert_eq!(
        member_text(&database, id, "MemberNo").await.as_deref(),
        Some(number.as_str())
    );
    assert_eq!(member_int(&database, id, "StatusAnggota_id").await, Some(3));
    assert!(member_date(&database, id, "EndDate").await.unwrap() >= today);
    assert_eq!(
        granted(
            &database,
            "memberloanauthorizelocation",
            "LocationLoan_id",
            id
        )
        .await,
        BTreeSet::from([1, 2])
    );
    assert_eq!(
        granted(
            &database,
            "memberloanauthorizecategory",
            "CategoryLoan_id",
            id
        )
        .await,
        BTreeSet::from([1, 3, 4])
    );

    // The query INLISLite's loan desk runs before lending (SirkulasiHelpers, v3.2).
    let desk_rows: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM memberloanauthorizelocation ml \
         INNER JOIN members m ON ml.Member_id = m.ID \
         WHERE m.MemberNo = ? AND m.StatusAnggota_id = 3 AND m.EndDate >= CURDATE() \
         AND ml.LocationLoan_id = 1",
    )
    .bind(&number)
    .fetch_one(&database.pool)
    .await
    .unwrap();
    assert_eq!(desk_rows, 1);

    assert_eq!(
        member_int(&database, id, "CreateBy").await,
        Some(OPERATOR_ID)
    );
    assert_eq!(
        member_int(&database, id, "UpdateBy").await,
        Some(OPERATOR_ID)
    );
    assert_eq!(
        member_text(&database, id, "CreateTerminal")
            .await
            .as_deref(),
        Some("RALINE")
    );
    assert!(member_text(&database, id, "CreateDate").await.is_some());
    assert_eq!(
        member_int(&database, id, "JenisPermohonan_id").await,
        Some(1),
        "the fixture's Baru row"
    );
    inlislite.close().await;
}

#[tokio::test]
async fn written_values_come_from_snapshot_and_mapping() {
    let database = TestDatabase::create().await;
    let inlislite = connect(&database, settings(None, false)).await;
    let mapping = mapping(&inlislite).await;
    let today = today(&database).await;
    let mut snapshot = member("RAL-0001", Some(NEW_NIK), today);
    snapshot.guardian = Some(Guardian {
        name: "Hartini".to_owned(),
        relationship: "ibu".to_owned(),
        identity_number: "3576014101700009".to_owned(),
    });

    let id = inlislite
        .sync_member(&snapshot, &mapping)
        .await
        .unwrap()
        .inlislite_id;

    let expected_ids = [
        ("IdentityType_id", Category::IdentityType, "ktp"),
        ("JenisAnggota_id", Category::MemberType, "umum"),
        ("Job_id", Category::Occupation, "Guru"),
        ("EducationLevel_id", Category::Education, "S1"),
        ("Agama_id", Category::Religion, "Islam"),
        ("MaritalStatus_id", Category::MaritalStatus, "kawin"),
    ];
    for (column, category, value) in expected_ids {
        assert_eq!(
            member_int(&database, id, column).await,
            Some(mapping.get(category, value).unwrap().id),
            "{column}"
        );
    }
    assert_eq!(member_int(&database, id, "Sex_id").await, Some(2));

    let expected_texts = [
        ("Fullname", "SITI NUR’AINI"),
        ("PlaceOfBirth", "Mojokerto"),
        ("Address", "Jl. Majapahit No. 12"),
        ("Kelurahan", "Gedongan"),
        ("Kecamatan", "Magersari"),
        ("RT", "003"),
        ("RW", "005"),
        ("City", "Kota Mojokerto"),
        ("Province", "Jawa Timur"),
        ("AddressNow", "Jl. Raya Darmo 5"),
        ("KelurahanNow", "Darmo"),
        ("KecamatanNow", "Wonokromo"),
        ("CityNow", "Kota Surabaya"),
        ("ProvinceNow", "Jawa Timur"),
        ("Phone", "081234567890"),
        ("NoHp", "081234567890"),
        ("Email", "siti@example.org"),
        ("MotherMaidenName", "Aminah"),
        ("IdentityNo", NEW_NIK),
        ("NamaDarurat", "Hartini"),
        ("StatusHubunganDarurat", "Ibu"),
    ];
    for (column, value) in expected_texts {
        assert_eq!(
            member_text(&database, id, column).await.as_deref(),
            Some(value),
            "{column}"
        );
    }
    assert_eq!(
        member_date(&database, id, "DateOfBirth").await,
        Some(snapshot.birth_date)
    );
    assert_eq!(
        member_date(&database, id, "RegisterDate").await,
        Some(today)
    );
    assert_eq!(
        member_date(&database, id, "EndDate").await,
        Some(snapshot.valid_until)
    );
    assert_eq!(
        member_text(&database, id, "PhotoUrl").await,
        None,
        "no photo folder configured"
    );
    inlislite.close().await;
}

#[tokio::test]
async fn resync_writes_nothing() {
    let database = TestDatabase::create().await;
    let photos = tempfile::tempdir().unwrap();
    let inlislite = connect(&database, settings(Some(photos.path().to_owned()), true)).await;
    let mapping = mapping(&inlislite).await;
    let today = today(&database).await;
    let mut snapshot = member("RAL-0002", Some(NEW_NIK), today);
    snapshot.photo_jpeg = Some(fake_jpeg(1));
    snapshot.renewals = vec![RenewalEntry {
        renewal_id: 9,
        new_valid_until: snapshot.valid_until,
        fee_rupiah: 5000,
        paid: true,
    }];

    let first = inlislite.sync_member(&snapshot, &mapping).await.unwrap();
    assert!(first.changed);
    let before = checksums(&database).await;
    let update_date = member_text(&database, first.inlislite_id, "UpdateDate").await;

    let second = inlislite.sync_member(&snapshot, &mapping).await.unwrap();
    assert!(!second.changed);
    assert!(!second.created);
    assert_eq!(second.inlislite_id, first.inlislite_id);
    assert_eq!(checksums(&database).await, before);
    assert_eq!(
        member_text(&database, first.inlislite_id, "UpdateDate").await,
        update_date
    );

    snapshot.phone = "081299990000".to_owned();
    let third = inlislite.sync_member(&snapshot, &mapping).await.unwrap();
    assert!(third.changed, "a changed phone number is written");
    assert_ne!(checksums(&database).await, before);
    inlislite.close().await;
}

#[tokio::test]
async fn renewal_moves_end_date_once() {
    let database = TestDatabase::create().await;
    let inlislite = connect(&database, settings(None, false)).await;
    let mapping = mapping(&inlislite).await;
    let today = today(&database).await;
    let mut snapshot = member("RAL-0003", Some(NEW_NIK), today);
    let id = inlislite
        .sync_member(&snapshot, &mapping)
        .await
        .unwrap()
        .inlislite_id;
    let renewals_sql = "SELECT COUNT(*) FROM member_perpanjangan WHERE Member_id = ?";
    assert_eq!(count(&database, renewals_sql, id).await, 0);

    let renewed_until = snapshot.valid_until + Days::days(365);
    snapshot.valid_until = renewed_until;
    snapshot.renewals = vec![RenewalEntry {
        renewal_id: 42,
        new_valid_until: renewed_until,
        fee_rupiah: 5000,
        paid: false,
    }];
    let outcome = inlislite.sync_member(&snapshot, &mapping).await.unwrap();
    assert!(outcome.changed);
    assert_eq!(
        member_date(&database, id, "EndDate").await,
        Some(renewed_until)
    );
    assert_eq!(count(&database, renewals_sql, id).await, 1);

    let row = sqlx::query(
        "SELECT DATE_FORMAT(Tanggal, '%Y-%m-%d'), CAST(Biaya AS SIGNED), \
         CAST(IsLunas AS SIGNED), Keterangan FROM member_perpanjangan WHERE Member_id = ?",
    )
    .bind(id)
    .fetch_one(&database.pool)
    .await
    .unwrap();
    assert_eq!(parse_date(&row.get::<String, _>(0)), renewed_until);
    assert_eq!(row.get::<i64, _>(1), 5000);
    assert_eq!(row.get::<i64, _>(2), 0);
    assert_eq!(row.get::<String, _>(3), renewal_note(42));
    assert_eq!(renewal_note(42), "Perpanjangan online RALINE #42");

    let again = inlislite.sync_member(&snapshot, &mapping).await.unwrap();
    assert!(!again.changed);
    assert_eq!(count(&database, renewals_sql, id).await, 1);

    snapshot.renewals[0].paid = true;
    let paid = inlislite.sync_member(&snapshot, &mapping).await.unwrap();
    assert!(paid.changed);
    assert_eq!(count(&database, renewals_sql, id).await, 1);
    let is_paid: i64 = sqlx::query_scalar(
        "SELECT CAST(IsLunas AS SIGNED) FROM member_perpanjangan WHERE Member_id = ?",
    )
    .bind(id)
    .fetch_one(&database.pool)
    .await
    .unwrap();
    assert_eq!(is_paid, 1);

    // INLISLite staff own the row once written: an edited note or fee stays, and no
    // second row appears.
    sqlx::query("UPDATE member_perpanjangan SET Keterangan = 'dibayar di loket', Biaya = 7500 WHERE Member_id = ?")
        .bind(id)
        .execute(&database.pool)
        .await
        .unwrap();
    let before = checksums(&database).await;
    let kept = inlislite.sync_member(&snapshot, &mapping).await.unwrap();
    assert!(!kept.changed);
    assert_eq!(checksums(&database).await, before);
    assert_eq!(count(&database, renewals_sql, id).await, 1);
    inlislite.close().await;
}

#[tokio::test]
async fn identity_match_takes_over_inlislite_member() {
    let database = TestDatabase::create().await;
    let inlislite = connect(&database, settings(None, true)).await;
    let mapping = mapping(&inlislite).await;
    let today = today(&database).await;
    let number = format!("{}00020", today_prefix(&database).await);
    let members_before = member_count(&database).await;

    let snapshot = member(&number, Some(ONLINE_MEMBER_NIK), today);
    let outcome = inlislite.sync_member(&snapshot, &mapping).await.unwrap();
    assert_eq!(outcome.inlislite_id, 7);
    assert!(!outcome.created);
    assert!(outcome.changed);
    assert_eq!(
        outcome.previous_member_number.as_deref(),
        Some(ONLINE_MEMBER_NUMBER)
    );
    assert_eq!(member_count(&database).await, members_before);
    assert_eq!(
        member_text(&database, 7, "MemberNo").await,
        Some(number.clone())
    );
    assert_eq!(member_int(&database, 7, "StatusAnggota_id").await, Some(3));
    assert_eq!(
        member_date(&database, 7, "EndDate").await,
        Some(snapshot.valid_until)
    );
    assert_eq!(
        member_date_text(&database, 7, "RegisterDate")
            .await
            .as_deref(),
        Some("2024-01-01"),
        "INLISLite's registration date stays"
    );
    assert_eq!(
        member_text(&database, 7, "NamaDarurat").await.as_deref(),
        Some("HARTONO"),
        "an emergency contact typed by staff stays"
    );
    assert_eq!(
        granted(
            &database,
            "memberloanauthorizelocation",
            "LocationLoan_id",
            7
        )
        .await,
        BTreeSet::from([1, 2]),
        "the missing default location is added"
    );

    let login =
        sqlx::query("SELECT NoAnggota, Password, Email, Status FROM membersonline ORDER BY ID")
            .fetch_all(&database.pool)
            .await
            .unwrap();
    assert_eq!(
        login.len(),
        1,
        "the login moves instead of being duplicated"
    );
    assert_eq!(login[0].get::<String, _>(0), number);
    assert_eq!(
        login[0].get::<String, _>(1),
        "68bd72cfcd18bd2c3c781bbced1c59fb4dd67c03",
        "the member's password stays"
    );
    assert_eq!(login[0].get::<String, _>(2), "siti@example.org");
    assert_eq!(login[0].get::<String, _>(3), "ACTIVE");

    let again = inlislite.sync_member(&snapshot, &mapping).await.unwrap();
    assert_eq!(again.inlislite_id, 7);
    assert_eq!(again.previous_member_number, None);
    assert!(!again.changed);
    inlislite.close().await;
}

#[tokio::test]
async fn number_match_updates_in_place() {
    let database = TestDatabase::create().await;
    let inlislite = connect(&database, settings(None, false)).await;
    let mapping = mapping(&inlislite).await;
    let today = today(&database).await;
    let members_before = member_count(&database).await;

    let snapshot = member(DESK_MEMBER_NUMBER, Some(DESK_MEMBER_NIK), today);
    let outcome = inlislite.sync_member(&snapshot, &mapping).await.unwrap();
    assert_eq!(outcome.inlislite_id, 1);
    assert!(!outcome.created);
    assert!(outcome.changed);
    assert_eq!(outcome.previous_member_number, None);
    assert_eq!(member_count(&database).await, members_before);
    assert_eq!(
        member_text(&database, 1, "Fullname").await.as_deref(),
        Some("SITI NUR’AINI")
    );
    assert_eq!(
        member_date_text(&database, 1, "EndDate").await.as_deref(),
        Some("2030-03-01"),
        "a later end date from INLISLite's desk is never moved back"
    );
    assert_eq!(
        member_int(&database, 1, "CreateBy").await,
        Some(1),
        "creation audit stays"
    );
    assert_eq!(
        member_int(&database, 1, "UpdateBy").await,
        Some(OPERATOR_ID)
    );
    inlislite.close().await;
}

#[tokio::test]
async fn suspended_status_is_kept() {
    let database = TestDatabase::create().await;
    let inlislite = connect(&database, settings(None, false)).await;
    let mapping = mapping(&inlislite).await;
    let today = today(&database).await;

    let snapshot = member(SUSPENDED_MEMBER_NUMBER, Some(SUSPENDED_MEMBER_NIK), today);
    let outcome = inlislite.sync_member(&snapshot, &mapping).await.unwrap();
    assert_eq!(outcome.inlislite_id, 8);
    assert_eq!(member_int(&database, 8, "StatusAnggota_id").await, Some(5));
    inlislite.close().await;
}

#[tokio::test]
async fn blocked_status_is_kept() {
    let database = TestDatabase::create().await;
    let inlislite = connect(&database, settings(None, false)).await;
    let mapping = mapping(&inlislite).await;
    let today = today(&database).await;
    let mut snapshot = member("RAL-0020", Some(NEW_NIK), today);
    let id = inlislite
        .sync_member(&snapshot, &mapping)
        .await
        .unwrap()
        .inlislite_id;
    assert_eq!(member_int(&database, id, "StatusAnggota_id").await, Some(3));

    sqlx::query("UPDATE members SET StatusAnggota_id = 4 WHERE ID = ?")
        .bind(id)
        .execute(&database.pool)
        .await
        .unwrap();
    snapshot.phone = "081299998888".to_owned();
    let outcome = inlislite.sync_member(&snapshot, &mapping).await.unwrap();
    assert!(outcome.changed);
    assert_eq!(member_int(&database, id, "StatusAnggota_id").await, Some(4));
    assert_eq!(
        member_text(&database, id, "NoHp").await.as_deref(),
        Some("081299998888")
    );
    inlislite.close().await;
}

#[tokio::test]
async fn row_without_identity_of_another_person_collides() {
    let database = TestDatabase::create().await;
    let inlislite = connect(&database, settings(None, false)).await;
    let mapping = mapping(&inlislite).await;
    let today = today(&database).await;
    database
        .execute(
            "INSERT INTO members (MemberNo, Fullname, DateOfBirth, JenisAnggota_id, \
             StatusAnggota_id) VALUES ('RAL-0021', 'PAK LOKET TANPA NIK', '1960-01-01', 81, 3)",
        )
        .await;
    let before = checksums(&database).await;

    let snapshot = member("RAL-0021", Some(NEW_NIK), today);
    let error = inlislite
        .sync_member(&snapshot, &mapping)
        .await
        .expect_err("the number belongs to someone else");
    assert_eq!(error.code(), "number_collision");
    assert_eq!(checksums(&database).await, before);
    inlislite.close().await;
}

#[tokio::test]
async fn known_row_follows_identity_correction() {
    let database = TestDatabase::create().await;
    let inlislite = connect(&database, settings(None, false)).await;
    let mapping = mapping(&inlislite).await;
    let today = today(&database).await;
    let mut snapshot = member("RAL-0022", Some(NEW_NIK), today);
    let id = inlislite
        .sync_member(&snapshot, &mapping)
        .await
        .unwrap()
        .inlislite_id;

    let corrected = format!("{}9", &NEW_NIK[..15]);
    snapshot.identity_number = Some(corrected.clone());
    let error = inlislite
        .sync_member(&snapshot, &mapping)
        .await
        .expect_err("without the known id the other NIK looks like another person");
    assert_eq!(error.code(), "number_collision");

    let outcome = inlislite
        .sync_member_known(&snapshot, &mapping, Some(id))
        .await
        .unwrap();
    assert_eq!(outcome.inlislite_id, id);
    assert!(outcome.changed);
    assert_eq!(
        member_text(&database, id, "IdentityNo").await.as_deref(),
        Some(corrected.as_str())
    );
    inlislite.close().await;
}

#[tokio::test]
async fn non_latin1_name_writes_nothing() {
    let database = TestDatabase::create().await;
    let photos = tempfile::tempdir().unwrap();
    let inlislite = connect(&database, settings(Some(photos.path().to_owned()), true)).await;
    let mapping = mapping(&inlislite).await;
    let today = today(&database).await;
    let before = checksums(&database).await;
    let members_before = member_count(&database).await;

    for name in ["Nguyễn Văn Ánh", "李小龙"] {
        let mut snapshot = member("RAL-0004", Some(NEW_NIK), today);
        snapshot.full_name = name.to_owned();
        snapshot.photo_jpeg = Some(fake_jpeg(2));
        let error = inlislite
            .sync_member(&snapshot, &mapping)
            .await
            .expect_err("latin1 cannot store the name");
        assert_eq!(
            error,
            SyncError::NotLatin1 {
                table: "members".to_owned(),
                column: "Fullname".to_owned()
            }
        );
        assert!(!error.is_transient());
        let message = error.to_string();
        assert!(message.contains("members.Fullname"), "{message}");
        assert!(!message.contains(&name.to_uppercase()), "{message}");
        assert!(!message.contains(name), "{message}");
    }

    assert_eq!(checksums(&database).await, before);
    assert_eq!(member_count(&database).await, members_before);
    assert_eq!(
        std::fs::read_dir(photos.path()).unwrap().count(),
        0,
        "no photo file is left behind"
    );
    assert_eq!(
        open_transactions(&database).await,
        0,
        "the failed sync rolled back at once and holds no row locks"
    );
    inlislite.close().await;
}

#[tokio::test]
async fn too_long_city_is_reported() {
    let database = TestDatabase::create().await;
    let inlislite = connect(&database, settings(None, false)).await;
    let mapping = mapping(&inlislite).await;
    let today = today(&database).await;
    let before = checksums(&database).await;

    let mut snapshot = member("RAL-0005", Some(NEW_NIK), today);
    snapshot.id_address.regency = "K".repeat(46);
    let error = inlislite
        .sync_member(&snapshot, &mapping)
        .await
        .expect_err("INLISLite's form takes 45 characters");
    assert_eq!(
        error,
        SyncError::TooLong {
            table: "members".to_owned(),
            column: "City".to_owned(),
            max: 45
        }
    );
    assert_eq!(checksums(&database).await, before);

    snapshot.id_address.regency = "K".repeat(45);
    assert!(inlislite.sync_member(&snapshot, &mapping).await.is_ok());
    inlislite.close().await;
}

#[tokio::test]
async fn number_collision_is_reported() {
    let database = TestDatabase::create().await;
    let inlislite = connect(&database, settings(None, false)).await;
    let mapping = mapping(&inlislite).await;
    let today = today(&database).await;
    let before = checksums(&database).await;

    for identity in [Some(NEW_NIK), None] {
        let snapshot = member(DESK_MEMBER_NUMBER, identity, today);
        let error = inlislite
            .sync_member(&snapshot, &mapping)
            .await
            .expect_err("member 1 is another person");
        assert_eq!(
            error,
            SyncError::NumberCollision {
                member_number: DESK_MEMBER_NUMBER.to_owned()
            },
            "identity {identity:?}"
        );
        assert_eq!(error.code(), "number_collision");
    }
    assert_eq!(checksums(&database).await, before);
    inlislite.close().await;
}

#[tokio::test]
async fn identity_of_another_member_is_reported() {
    let database = TestDatabase::create().await;
    let inlislite = connect(&database, settings(None, false)).await;
    let mapping = mapping(&inlislite).await;
    let today = today(&database).await;
    database
        .execute(
            "INSERT INTO members (MemberNo, Fullname, DateOfBirth, JenisAnggota_id, \
             StatusAnggota_id) VALUES ('RAL-0006', 'SITI NUR’AINI', '1991-03-04', 81, 3)",
        )
        .await;
    let before = checksums(&database).await;

    let snapshot = member("RAL-0006", Some(DESK_MEMBER_NIK), today);
    let error = inlislite
        .sync_member(&snapshot, &mapping)
        .await
        .expect_err("member 1 holds the identity number");
    assert_eq!(
        error,
        SyncError::IdentityInUse {
            member_number: DESK_MEMBER_NUMBER.to_owned()
        }
    );
    assert_eq!(checksums(&database).await, before);
    inlislite.close().await;
}

#[tokio::test]
async fn missing_mapping_is_reported() {
    let database = TestDatabase::create().await;
    let inlislite = connect(&database, settings(None, false)).await;
    let mapping = mapping(&inlislite).await;
    let today = today(&database).await;
    let before = checksums(&database).await;

    let mut snapshot = member("RAL-0007", Some(NEW_NIK), today);
    snapshot.occupation = "Nelayan".to_owned();
    let error = inlislite
        .sync_member(&snapshot, &mapping)
        .await
        .expect_err("Nelayan is not mapped");
    assert_eq!(
        error,
        SyncError::MissingMapping {
            category: Category::Occupation,
            value: "Nelayan".to_owned()
        }
    );
    assert!(error.to_string().contains("pekerjaan"));

    let mut snapshot = member("RAL-0007", Some(NEW_NIK), today);
    snapshot.religion = Some("Hindu".to_owned());
    let error = inlislite
        .sync_member(&snapshot, &mapping)
        .await
        .expect_err("Hindu is not mapped");
    assert_eq!(
        error,
        SyncError::MissingMapping {
            category: Category::Religion,
            value: "Hindu".to_owned()
        }
    );

    let mut snapshot = member("RAL-0007", Some(NEW_NIK), today);
    snapshot.religion = None;
    snapshot.marital_status = None;
    let id = inlislite
        .sync_member(&snapshot, &mapping)
        .await
        .expect("optional categories may be empty")
        .inlislite_id;
    assert_eq!(member_int(&database, id, "Agama_id").await, None);
    assert_eq!(member_int(&database, id, "MaritalStatus_id").await, None);
    assert_ne!(checksums(&database).await, before);
    inlislite.close().await;
}

#[tokio::test]
async fn request_type_is_read_from_table() {
    let database = TestDatabase::create().await;
    database
        .execute("UPDATE jenis_permohonan SET Name = 'Lama' WHERE ID = 1")
        .await;
    database
        .execute("INSERT INTO jenis_permohonan (ID, Name) VALUES (7, ' baru ')")
        .await;
    let inlislite = connect(&database, settings(None, false)).await;
    let mapping = mapping(&inlislite).await;
    let today = today(&database).await;

    let id = inlislite
        .sync_member(&member("RAL-0008", Some(NEW_NIK), today), &mapping)
        .await
        .unwrap()
        .inlislite_id;
    assert_eq!(
        member_int(&database, id, "JenisPermohonan_id").await,
        Some(7)
    );

    database
        .execute("UPDATE jenis_permohonan SET Name = 'Lama' WHERE ID = 7")
        .await;
    let error = inlislite
        .sync_member(&member("RAL-0009", None, today), &mapping)
        .await
        .expect_err("no Baru row");
    assert_eq!(error.code(), "missing_lookup_row");
    inlislite.close().await;
}

#[tokio::test]
async fn highest_sequence_counts_exact_shapes() {
    let database = TestDatabase::create().await;
    let inlislite = connect(&database, settings(None, false)).await;
    let mapping = mapping(&inlislite).await;
    let today = today(&database).await;
    let prefix = today_prefix(&database).await;

    assert_eq!(
        inlislite.highest_sequence(&prefix, 5).await.unwrap(),
        Some(12)
    );
    assert_eq!(
        inlislite.highest_sequence(&prefix, 6).await.unwrap(),
        Some(999)
    );
    assert_eq!(
        inlislite
            .highest_sequence(&format!("01{prefix}"), 5)
            .await
            .unwrap(),
        Some(99)
    );
    assert_eq!(inlislite.highest_sequence("990101", 5).await.unwrap(), None);
    assert_eq!(inlislite.highest_sequence("2_", 5).await.unwrap(), None);

    let daily = NumberPattern {
        before: prefix.clone(),
        digits: 5,
        after: String::new(),
    };
    assert_eq!(
        inlislite.highest_sequence_of(&daily).await.unwrap(),
        Some(12)
    );
    database
        .execute(
            "INSERT INTO members (MemberNo, Fullname) VALUES \
             ('00042P2026', 'A'), ('00043p2026', 'B'), ('00099L2026', 'C'), ('0001P2026', 'D')",
        )
        .await;
    let sex_year = NumberPattern {
        before: String::new(),
        digits: 5,
        after: "P2026".to_owned(),
    };
    assert_eq!(
        inlislite.highest_sequence_of(&sex_year).await.unwrap(),
        Some(43)
    );

    let number = format!("{prefix}00013");
    inlislite
        .sync_member(&member(&number, Some(NEW_NIK), today), &mapping)
        .await
        .unwrap();
    assert_eq!(
        inlislite.highest_sequence(&prefix, 5).await.unwrap(),
        Some(13)
    );

    assert_eq!(
        inlislite
            .member_number_for_identity(DESK_MEMBER_NIK)
            .await
            .unwrap()
            .as_deref(),
        Some(DESK_MEMBER_NUMBER)
    );
    assert_eq!(
        inlislite.member_number_for_identity(NEW_NIK).await.unwrap(),
        Some(number)
    );
    assert_eq!(
        inlislite
            .member_number_for_identity("9999999999999999")
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        inlislite.member_number_for_identity(" ").await.unwrap(),
        None
    );
    inlislite.close().await;
}

#[tokio::test]
async fn check_passes_on_fixture() {
    let database = TestDatabase::create().await;
    let photos = tempfile::tempdir().unwrap();
    let inlislite = connect(&database, settings(Some(photos.path().to_owned()), true)).await;
    let mapping = mapping(&inlislite).await;

    assert_eq!(inlislite.check(&mapping).await, Vec::<Problem>::new());
    assert_eq!(
        inlislite.check(&Mapping::default()).await,
        Vec::<Problem>::new()
    );
    inlislite.close().await;
}

#[tokio::test]
async fn check_names_broken_installation() {
    let database = TestDatabase::create().await;
    let inlislite = connect(
        &database,
        settings(
            Some(PathBuf::from("/nonexistent/raline/foto_anggota")),
            true,
        ),
    )
    .await;
    let mut mapping = mapping(&inlislite).await;
    let mut stale = mapping.get(Category::Occupation, "Guru").unwrap().clone();
    stale.id = 999;
    mapping.insert(Category::Occupation, "Guru", stale);

    database
        .execute("ALTER TABLE members DROP COLUMN NoHp")
        .await;
    database.execute("DROP TABLE member_perpanjangan").await;
    database
        .execute("DELETE FROM location_library_default WHERE JenisAnggota_id = 82")
        .await;
    database
        .execute("UPDATE jenis_permohonan SET Name = 'Pendaftaran' WHERE ID = 1")
        .await;
    let mut connection = database.pool.acquire().await.unwrap();
    for statement in [
        "SET FOREIGN_KEY_CHECKS = 0",
        "DELETE FROM status_anggota WHERE id = 3",
        "SET FOREIGN_KEY_CHECKS = 1",
    ] {
        sqlx::query(statement)
            .execute(&mut *connection)
            .await
            .unwrap();
    }
    drop(connection);

    let problems = inlislite.check(&mapping).await;
    let expected = [
        Problem::MissingColumn {
            table: "members".to_owned(),
            column: "NoHp".to_owned(),
        },
        Problem::MissingTable {
            table: "member_perpanjangan".to_owned(),
        },
        Problem::MappedRowMissing {
            category: Category::Occupation,
            value: "Guru".to_owned(),
            table: "master_pekerjaan".to_owned(),
            id: 999,
        },
        Problem::NoLoanLocation {
            value: "pelajar".to_owned(),
            id: 82,
        },
        Problem::MissingRequestTypeNew,
        Problem::MissingActiveStatus,
        Problem::PhotoDirMissing {
            path: PathBuf::from("/nonexistent/raline/foto_anggota"),
        },
    ];
    for problem in &expected {
        assert!(
            problems.contains(problem),
            "missing {problem:?} in {problems:#?}"
        );
    }
    assert_eq!(problems.len(), expected.len(), "{problems:#?}");
    let message = expected[0].to_string();
    assert!(message.contains("members.NoHp"), "{message}");

    // The sync refuses to run on the broken schema instead of writing half a member.
    let today = today(&database).await;
    let mut working = mapping.clone();
    let guru = inlislite
        .lookups(Category::Occupation)
        .await
        .unwrap()
        .into_iter()
        .find(|row| row.name == "Guru")
        .unwrap();
    working.insert(Category::Occupation, "Guru", guru);
    database
        .execute("UPDATE jenis_permohonan SET Name = 'Baru' WHERE ID = 1")
        .await;
    let error = inlislite
        .sync_member(&member("RAL-0010", Some(NEW_NIK), today), &working)
        .await
        .expect_err("NoHp is missing");
    assert_eq!(
        error,
        SyncError::SchemaMismatch {
            table: "members".to_owned(),
            column: "NoHp".to_owned()
        }
    );
    inlislite.close().await;
}

#[tokio::test]
async fn portal_login_only_when_enabled() {
    let database = TestDatabase::create().await;
    let today = today(&database).await;

    let without = connect(&database, settings(None, false)).await;
    let mapping = mapping(&without).await;
    let snapshot = member("RAL-0011", Some(NEW_NIK), today);
    without.sync_member(&snapshot, &mapping).await.unwrap();
    assert_eq!(login_count(&database, "RAL-0011").await, 0);
    assert_eq!(
        without.set_portal_password("RAL-0011", "rahasia123").await,
        Err(SyncError::PortalLoginDisabled)
    );
    without.close().await;

    let with = connect(&database, settings(None, true)).await;
    let outcome = with.sync_member(&snapshot, &mapping).await.unwrap();
    assert!(outcome.changed, "the login row is added");
    let row = sqlx::query(
        "SELECT Password, Email, Status FROM membersonline WHERE NoAnggota = 'RAL-0011'",
    )
    .fetch_one(&database.pool)
    .await
    .unwrap();
    assert_eq!(row.get::<String, _>(0), "", "no usable password");
    assert_eq!(row.get::<String, _>(1), "siti@example.org");
    assert_eq!(row.get::<String, _>(2), "NOTACTIVE");

    with.set_portal_password("RAL-0011", "rahasia123")
        .await
        .unwrap();
    let row =
        sqlx::query("SELECT Password, Status FROM membersonline WHERE NoAnggota = 'RAL-0011'")
            .fetch_one(&database.pool)
            .await
            .unwrap();
    assert_eq!(
        row.get::<String, _>(0),
        "68bd72cfcd18bd2c3c781bbced1c59fb4dd67c03",
        "SHA-1 hex of rahasia123"
    );
    assert_eq!(row.get::<String, _>(1), "ACTIVE");

    let again = with.sync_member(&snapshot, &mapping).await.unwrap();
    assert!(!again.changed, "the sync leaves the activated login alone");
    assert_eq!(login_count(&database, "RAL-0011").await, 1);

    assert_eq!(
        with.set_portal_password("RAL-9999", "rahasia123").await,
        Err(SyncError::MemberNotFound {
            member_number: "RAL-9999".to_owned()
        })
    );
    with.close().await;
}

#[tokio::test]
async fn photo_written_once() {
    let database = TestDatabase::create().await;
    let photos = tempfile::tempdir().unwrap();
    let inlislite = connect(&database, settings(Some(photos.path().to_owned()), false)).await;
    let mapping = mapping(&inlislite).await;
    let today = today(&database).await;
    let mut snapshot = member("RAL/0012 A", Some(NEW_NIK), today);
    snapshot.photo_jpeg = Some(fake_jpeg(3));
    let file_name = photo_file_name(&snapshot.member_number);
    let path = photos.path().join(&file_name);

    let id = inlislite
        .sync_member(&snapshot, &mapping)
        .await
        .unwrap()
        .inlislite_id;
    assert_eq!(std::fs::read(&path).unwrap(), fake_jpeg(3));
    assert_eq!(
        member_text(&database, id, "PhotoUrl").await.as_deref(),
        Some(file_name.as_str())
    );

    // Backdate the file: a rewrite would give it the current time again.
    let backdated = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    set_modified(&path, backdated);
    let again = inlislite.sync_member(&snapshot, &mapping).await.unwrap();
    assert!(!again.changed);
    assert_eq!(
        std::fs::metadata(&path).unwrap().modified().unwrap(),
        backdated
    );
    assert_eq!(std::fs::read_dir(photos.path()).unwrap().count(), 1);

    snapshot.photo_jpeg = Some(fake_jpeg(4));
    let replaced = inlislite.sync_member(&snapshot, &mapping).await.unwrap();
    assert!(replaced.changed);
    assert_eq!(std::fs::read(&path).unwrap(), fake_jpeg(4));
    assert_eq!(
        std::fs::read_dir(photos.path()).unwrap().count(),
        1,
        "no temporary file is left"
    );
    inlislite.close().await;
}

fn set_modified(path: &Path, time: SystemTime) {
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(time)
        .unwrap();
}

#[tokio::test]
async fn connect_rejects_bad_urls() {
    let invalid = InlisliteDb::connect(
        "mysql://root@127.0.0.1:3306",
        SyncSettings::default(),
        TIMEOUT,
    )
    .await;
    assert_eq!(invalid.err(), Some(SyncError::InvalidUrl));

    let unreachable = InlisliteDb::connect(
        "mysql://raline:geheim-sandi@127.0.0.1:1/inlislite_v3",
        SyncSettings::default(),
        Duration::from_secs(5),
    )
    .await;
    let error = unreachable.err().expect("nothing listens on port 1");
    assert!(error.is_transient(), "{error:?}");
    assert!(!error.to_string().contains("geheim-sandi"));

    let database = TestDatabase::create().await;
    let unknown = InlisliteDb::connect(
        &format!("{}_missing", database.url),
        SyncSettings::default(),
        TIMEOUT,
    )
    .await;
    let error = unknown.err().expect("the database does not exist");
    assert_eq!(error, SyncError::Database { code: Some(1049) });
    assert!(!error.is_transient());
}
