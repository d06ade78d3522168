//! The INLISLite staff pages, driven through the router with a real SQLite file: import
//! files end to end (read back with calamine and the zip crate), the admin's mapping, the
//! sync switch, and the sync state on a member's page.
//!
//! Most tests configure no INLISLite database (`AppConfig::inlislite` is `None`), so the
//! mapping screen takes typed names and the sync switch cannot be turned on from the web.
//! The sync worker is played with the store's claim and finish calls. The tests of the
//! database-backed mapping need the MariaDB server of raline-inlislite's database tests
//! (`RALINE_TEST_MARIADB_URL`, default `mysql://root@127.0.0.1:3306`), loaded with its
//! INLISLite-like fixture schema.

#[path = "../../raline-inlislite/tests/mariadb/mod.rs"]
mod mariadb;

use std::io::{Cursor, Read};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use calamine::{Data, Reader, Xlsx};
use http_body_util::BodyExt;
use raline_domain::{Decision, MemberType, UploadSlot};
use raline_inlislite::database::SyncSettings;
use raline_inlislite::layout::HEADERS;
use raline_inlislite::worker::Connector;
use raline_store::{Approval, FileStore, MemberRecord, NewUpload, StaffRole, Store, SyncState};
use raline_web::{AppConfig, AppState, LibraryInfo};
use time::{Duration, OffsetDateTime};
use tower::ServiceExt;

/// A logged-in staff member.
struct Login {
    id: i64,
    session: String,
    csrf: String,
}

struct Fixture {
    app: axum::Router,
    store: Store,
    files: FileStore,
    admin: Login,
    verifier: Login,
    _folder: tempfile::TempDir,
}

async fn login(store: &Store, username: &str, role: StaffRole) -> Login {
    let now = OffsetDateTime::now_utc();
    let hash = password_auth::generate_hash("kata-sandi-petugas");
    let id = store
        .upsert_staff(username, &hash, role, now)
        .await
        .unwrap();
    let session = store
        .create_session(id, now, Duration::hours(1))
        .await
        .unwrap();
    let csrf = store
        .session(&session, now)
        .await
        .unwrap()
        .unwrap()
        .csrf_token;
    Login { id, session, csrf }
}

async fn fixture() -> Fixture {
    fixture_with(None).await
}

/// Builds the fixture with INLISLite's database, when `inlislite` is set.
async fn fixture_with(inlislite: Option<Arc<Connector>>) -> Fixture {
    let folder = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", folder.path().join("raline.sqlite").display());
    let store = Store::connect(&url, 4).await.unwrap();
    let files = FileStore::open(folder.path().join("uploads")).unwrap();
    let config = AppConfig {
        base_url: "http://127.0.0.1:8080".into(),
        library: LibraryInfo {
            name: "Perpustakaan Contoh".into(),
            address: "Jl. Contoh 1".into(),
            logo: None,
            card_rules: "1. Bawa kartu.".into(),
        },
        member_types: vec![MemberType::new("umum", "Umum", 365)],
        statement_letter_outside: true,
        statement_letter_text: None,
        regions: std::sync::Arc::new(raline_domain::RegionDirectory::built_in()),
        upload_max_bytes: 5 * 1024 * 1024,
        session_lifetime: Duration::hours(1),
        reminder_days: vec![30, 7],
        approve_unverified_email: true,
        client_ip_header: None,
        card_link_lifetime: Duration::hours(72),
        whatsapp: None,
        inlislite,
        member_number_scheme: raline_domain::member_number::NumberScheme::default(),
        member_number_prefix: String::new(),
    };
    let state = AppState::new(config, store.clone(), files.clone())
        .await
        .unwrap();
    let admin = login(&store, "admin", StaffRole::Admin).await;
    let verifier = login(&store, "petugas", StaffRole::Verifier).await;
    Fixture {
        app: raline_web::router(state),
        store,
        files,
        admin,
        verifier,
        _folder: folder,
    }
}

/// Stand-in card photo: JPEG start and end markers around bytes derived from `seed`.
fn card_photo(seed: u8) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    bytes.extend((0..2000u32).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)));
    bytes.extend([0xFF, 0xD9]);
    bytes
}

/// Surnames of the test members by serial, because names may not contain digits.
const SURNAMES: [&str; 10] = [
    "Aminah",
    "Budiarti",
    "Cahyani",
    "Damayanti",
    "Endah",
    "Fatimah",
    "Gita",
    "Handayani",
    "Indah",
    "Juwita",
];

/// A member to create: `serial` makes the NIK, e-mail address and phone number unique.
struct NewMember {
    serial: u16,
    occupation: &'static str,
    /// The card photo, when the member has one.
    photo: Option<Vec<u8>>,
}

/// Submits an application, approves it and returns the member.
async fn add_member(fixture: &Fixture, new: NewMember) -> MemberRecord {
    let serial = new.serial;
    let input = raline_domain::ApplicationInput {
        identity_type: "ktp".into(),
        identity_number: format!("357601450590{serial:04}"),
        password: "rahasia1".into(),
        email: format!("anggota{serial}@example.id"),
        full_name: format!("Siti {}", SURNAMES[usize::from(serial) % SURNAMES.len()]),
        mother_maiden_name: "Ibu Contoh".into(),
        birth_place: "Mojokerto".into(),
        birth_date: "1990-05-05".into(),
        sex: "female".into(),
        religion: "Islam".into(),
        occupation: new.occupation.into(),
        education: "S1".into(),
        phone: format!("08123456{serial:04}"),
        address: "Jl. Contoh No. 1".into(),
        rt: "001".into(),
        rw: "002".into(),
        village: "Kauman".into(),
        district: "Prajuritkulon".into(),
        regency_code: "35.76".into(),
        member_type: "umum".into(),
        consent: "true".into(),
        ..Default::default()
    };
    let policy = raline_domain::Policy {
        member_types: vec![MemberType::new("umum", "Umum", 365)],
        statement_letter_outside: true,
        regions: std::sync::Arc::new(raline_domain::RegionDirectory::built_in()),
    };
    let now = OffsetDateTime::now_utc();
    let today = raline_domain::dates::wib_date(now);
    let application = raline_domain::validate_application(&input, &policy, today).unwrap();

    let mut uploads = Vec::new();
    if let Some(photo) = new.photo {
        let byte_size = i64::try_from(photo.len()).unwrap();
        let name = fixture.files.put(photo).await.unwrap();
        uploads.push(NewUpload {
            slot: UploadSlot::Photo,
            storage_name: name.clone(),
            card_storage_name: Some(name),
            content_type: "image/jpeg".into(),
            byte_size,
            width: Some(300),
            height: Some(400),
            signature_count: None,
            emeterai_serials: Vec::new(),
        });
    }
    let key = format!("{serial:064}");
    let outcome = fixture
        .store
        .insert_application(
            raline_store::NewApplicationRecord {
                application: &application,
                password_hash: "hash",
                submission_key: &key,
                status_token_hash: &raline_store::hash_token(&key),
                locale: "id",
                uploads: &uploads,
                draft_upload_ids: &[],
            },
            now,
        )
        .await
        .unwrap();
    let raline_store::InsertOutcome::Created { id, .. } = outcome else {
        panic!("application {serial} was not created: {outcome:?}");
    };

    let approval = Approval {
        registered_on: today,
        validity_days: 365,
        min_sequence: 1,
        numbering: raline_domain::member_number::Numbering::DEFAULT,
    };
    let decided = fixture
        .store
        .decide(
            id,
            fixture.admin.id,
            Decision::Approve,
            None,
            Some(approval),
            now,
        )
        .await
        .unwrap();
    decided.member.unwrap()
}

struct Reply {
    status: StatusCode,
    location: Option<String>,
    content_type: Option<String>,
    disposition: Option<String>,
    bytes: Vec<u8>,
    body: String,
}

async fn send(fixture: &Fixture, request: Request<Body>) -> Reply {
    let response = fixture.app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let header_text = |name| {
        response
            .headers()
            .get(name)
            .map(|value: &header::HeaderValue| value.to_str().unwrap().to_owned())
    };
    let location = header_text(header::LOCATION);
    let content_type = header_text(header::CONTENT_TYPE);
    let disposition = header_text(header::CONTENT_DISPOSITION);
    let bytes = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Reply {
        status,
        location,
        content_type,
        disposition,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        bytes,
    }
}

/// Requests a page as `login` in `language`.
async fn page_in(fixture: &Fixture, login: &Login, path: &str, language: &str) -> Reply {
    let request = Request::get(path)
        .header(
            header::COOKIE,
            format!("raline_staff={}; raline_lang={language}", login.session),
        )
        .body(Body::empty())
        .unwrap();
    send(fixture, request).await
}

/// Requests a page in Indonesian as `login`.
async fn page(fixture: &Fixture, login: &Login, path: &str) -> Reply {
    page_in(fixture, login, path, "id").await
}

/// Encodes form fields as `application/x-www-form-urlencoded`.
fn form_body(fields: &[(&str, &str)]) -> String {
    let encode = |text: &str| {
        text.bytes()
            .map(|byte| match byte {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                    char::from(byte).to_string()
                }
                b' ' => "+".to_owned(),
                _ => format!("%{byte:02X}"),
            })
            .collect::<String>()
    };
    fields
        .iter()
        .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

async fn post_form(fixture: &Fixture, login: &Login, path: &str, fields: &[(&str, &str)]) -> Reply {
    let request = Request::post(path)
        .header(
            header::COOKIE,
            format!("raline_staff={}; raline_lang=id", login.session),
        )
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form_body(fields)))
        .unwrap();
    send(fixture, request).await
}

/// Fails when a page shows a raw catalogue key or an error of minijinja.
fn assert_resolved(path: &str, html: &str) {
    for prefix in [
        "inlislite-",
        "staff-",
        "http-",
        "identity-type-",
        "marital-",
    ] {
        let raw_key = html
            .split('<')
            .filter_map(|tag| tag.split_once('>').map(|(_, text)| text.trim()))
            .any(|text| text.split_whitespace().any(|word| word.starts_with(prefix)));
        assert!(!raw_key, "{path}: raw key {prefix}… in page");
    }
    assert!(!html.contains("undefined"), "{path}: undefined value");
}

/// Saves the mapping of every value the test members use, as the installation names them.
/// `skip` leaves out one field.
async fn save_mapping(fixture: &Fixture, skip: Option<&str>) {
    let admin = &fixture.admin;
    let fields = [
        ("csrf", admin.csrf.as_str()),
        ("m.identity_type.ktp", "KTP"),
        ("m.member_type.umum", "Umum"),
        ("m.occupation.Guru", "Guru"),
        ("m.occupation.Pedagang", "Pedagang"),
        ("m.education.S1", "Strata 1"),
        ("m.religion.Islam", "Islam"),
    ];
    let fields: Vec<(&str, &str)> = fields
        .into_iter()
        .filter(|(name, _)| Some(*name) != skip)
        .collect();
    let reply = post_form(fixture, admin, "/staf/inlislite/pemetaan", &fields).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(
        reply.location.as_deref(),
        Some("/staf/inlislite/pemetaan?inlislite=disimpan")
    );
}

/// Posts the export form and returns the reply.
async fn export(fixture: &Fixture, login: &Login, fields: &[(&str, &str)]) -> Reply {
    let mut all = vec![("csrf", login.csrf.as_str())];
    all.extend_from_slice(fields);
    post_form(fixture, login, "/staf/inlislite/ekspor", &all).await
}

/// Returns the export id of a redirect to an export page.
fn export_id(reply: &Reply) -> i64 {
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let location = reply.location.as_deref().unwrap();
    location
        .strip_prefix("/staf/inlislite/ekspor/")
        .unwrap_or_else(|| panic!("unexpected location {location}"))
        .parse()
        .unwrap()
}

fn read_sheet(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut workbook = Xlsx::new(Cursor::new(bytes.to_vec())).expect("valid XLSX");
    let range = workbook.worksheet_range("Sheet1").expect("Sheet1 exists");
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Data::String(text) => text.clone(),
                    Data::Empty => String::new(),
                    other => panic!("non-text cell {other:?}"),
                })
                .collect()
        })
        .collect()
}

fn column(name: &str) -> usize {
    HEADERS.iter().position(|header| *header == name).unwrap()
}

/// Reads every entry of a ZIP as its name and bytes.
fn read_zip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).expect("valid ZIP");
    let mut entries = Vec::new();
    for index in 0..archive.len() {
        let mut file = archive.by_index(index).unwrap();
        let mut content = Vec::new();
        file.read_to_end(&mut content).unwrap();
        entries.push((file.name().to_owned(), content));
    }
    entries
}

#[tokio::test]
async fn export_flow_end_to_end() {
    let fixture = fixture().await;
    let verifier = &fixture.verifier;
    let photo = card_photo(7);
    let with_photo = add_member(
        &fixture,
        NewMember {
            serial: 1,
            occupation: "Guru",
            photo: Some(photo.clone()),
        },
    )
    .await;
    let without_photo = add_member(
        &fixture,
        NewMember {
            serial: 2,
            occupation: "Pedagang",
            photo: None,
        },
    )
    .await;
    save_mapping(&fixture, None).await;

    let overview = page(&fixture, verifier, "/staf/inlislite").await;
    assert_eq!(overview.status, StatusCode::OK);
    assert_resolved("/staf/inlislite", &overview.body);
    assert!(
        overview
            .body
            .contains("Anggota baru (belum pernah diekspor): 2 anggota"),
        "{}",
        overview.body
    );
    assert!(overview.body.contains("Belum ada berkas impor."));

    // Any staff member may export; the file records who did.
    let first = export_id(&export(&fixture, verifier, &[("pilihan", "baru")]).await);
    let export_page = page(
        &fixture,
        verifier,
        &format!("/staf/inlislite/ekspor/{first}"),
    )
    .await;
    assert_eq!(export_page.status, StatusCode::OK);
    assert_resolved("export page", &export_page.body);
    assert!(export_page.body.contains(&with_photo.member_number));
    assert!(export_page.body.contains(&without_photo.member_number));
    assert!(export_page.body.contains("Siti Budiarti"));
    assert!(!export_page.body.contains("di luar Latin-1"));
    assert!(export_page.body.contains("Anggota baru"));
    assert!(export_page.body.contains("oleh petugas"));
    let today = raline_domain::dates::wib_date(OffsetDateTime::now_utc());
    let registered =
        raline_web::i18n::format_date_with_weekday(raline_web::i18n::Locale::Id, today);
    assert!(export_page.body.contains(&registered), "{registered}");
    let xlsx_path = format!("/staf/inlislite/ekspor/{first}/anggota.xlsx");
    let zip_path = format!("/staf/inlislite/ekspor/{first}/foto.zip");
    assert!(export_page.body.contains(&format!("href=\"{xlsx_path}\"")));
    assert!(export_page.body.contains(&format!("href=\"{zip_path}\"")));

    let xlsx = page(&fixture, verifier, &xlsx_path).await;
    assert_eq!(xlsx.status, StatusCode::OK, "{}", xlsx.body);
    assert_eq!(
        xlsx.content_type.as_deref(),
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    );
    assert_eq!(
        xlsx.disposition.as_deref(),
        Some(format!("attachment; filename=\"inlislite-anggota-{first}.xlsx\"").as_str())
    );
    let rows = read_sheet(&xlsx.bytes);
    assert_eq!(rows.len(), 3, "a header and one row per member");
    assert_eq!(rows[0].len(), 49);
    assert_eq!(rows[0], HEADERS.map(str::to_owned).to_vec());
    let numbers: Vec<&str> = rows[1..]
        .iter()
        .map(|row| row[column("NO ANGGOTA")].as_str())
        .collect();
    assert!(numbers.contains(&with_photo.member_number.as_str()));
    assert!(numbers.contains(&without_photo.member_number.as_str()));
    let row_of = |member: &MemberRecord| {
        rows[1..]
            .iter()
            .find(|row| row[column("NO ANGGOTA")] == member.member_number)
            .unwrap()
            .clone()
    };
    let photo_row = row_of(&with_photo);
    assert_eq!(photo_row[column("JENIS IDENTITAS")], "KTP");
    assert_eq!(photo_row[column("PEKERJAAN")], "Guru");
    assert_eq!(photo_row[column("PENDIDIKAN TERAKHIR")], "Strata 1");
    assert_eq!(photo_row[column("JENIS ANGGOTA")], "Umum");
    let photo_url = photo_row[column("PHOTO URL")].clone();
    assert_eq!(photo_url, format!("{}.jpg", with_photo.member_number));
    assert_eq!(row_of(&without_photo)[column("PEKERJAAN")], "Pedagang");
    assert_eq!(row_of(&without_photo)[column("PHOTO URL")], "");

    let zip = page(&fixture, verifier, &zip_path).await;
    assert_eq!(zip.status, StatusCode::OK, "{}", zip.body);
    assert_eq!(zip.content_type.as_deref(), Some("application/zip"));
    assert_eq!(
        zip.disposition.as_deref(),
        Some(format!("attachment; filename=\"inlislite-foto-{first}.zip\"").as_str())
    );
    let entries = read_zip(&zip.bytes);
    assert_eq!(entries.len(), 1, "only the member with a photo");
    assert_eq!(entries[0].0, photo_url);
    assert_eq!(entries[0].1, photo);

    // Every member is exported now, so a second "new" export contains no member.
    let again = export(&fixture, verifier, &[("pilihan", "baru")]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        again.body.contains("Tidak ada anggota baru"),
        "{}",
        again.body
    );
    assert_eq!(fixture.store.inlislite_exports(10).await.unwrap().len(), 1);

    // A date range takes them again.
    let date = today.to_string();
    let second = export_id(
        &export(
            &fixture,
            verifier,
            &[("pilihan", "rentang"), ("dari", &date), ("sampai", &date)],
        )
        .await,
    );
    assert_ne!(second, first);
    let (record, members) = fixture
        .store
        .inlislite_export(second)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(record.member_count, 2);
    assert_eq!(members.len(), 2);
    let xlsx = page(
        &fixture,
        verifier,
        &format!("/staf/inlislite/ekspor/{second}/anggota.xlsx"),
    )
    .await;
    assert_eq!(read_sheet(&xlsx.bytes).len(), 3);

    let overview = page(&fixture, verifier, "/staf/inlislite").await;
    assert!(
        overview
            .body
            .contains("Anggota baru (belum pernah diekspor): 0 anggota")
    );
    assert!(overview.body.contains(&format!("data-export=\"{first}\"")));
    assert!(overview.body.contains(&format!("data-export=\"{second}\"")));
    assert!(overview.body.contains("Terdaftar "), "{}", overview.body);

    let member_page = page(
        &fixture,
        verifier,
        &format!("/staf/anggota/{}", with_photo.member_number),
    )
    .await;
    assert_eq!(member_page.status, StatusCode::OK);
    assert!(member_page.body.contains("Sudah diekspor:"));
    assert!(member_page.body.contains(&format!("berkas #{first}")));
    assert!(member_page.body.contains(&format!("berkas #{second}")));
}

#[tokio::test]
async fn missing_mapping_names_the_value() {
    let fixture = fixture().await;
    add_member(
        &fixture,
        NewMember {
            serial: 3,
            occupation: "Guru",
            photo: None,
        },
    )
    .await;
    save_mapping(&fixture, Some("m.occupation.Guru")).await;
    let id = export_id(&export(&fixture, &fixture.verifier, &[("pilihan", "baru")]).await);
    let path = format!("/staf/inlislite/ekspor/{id}/anggota.xlsx");

    let reply = page(&fixture, &fixture.admin, &path).await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(reply.disposition, None);
    assert_resolved(&path, &reply.body);
    assert!(reply.body.contains("belum dipetakan"), "{}", reply.body);
    assert!(
        reply.body.contains("Pekerjaan: <strong>Guru</strong>"),
        "{}",
        reply.body
    );
    assert!(
        reply
            .body
            .contains("href=\"&#x2f;staf&#x2f;inlislite&#x2f;pemetaan\"")
    );

    // A verifier cannot open the mapping, so the page shows the advice to ask an admin.
    let reply = page(&fixture, &fixture.verifier, &path).await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(reply.body.contains("Minta admin"), "{}", reply.body);

    // With no photo in the file, the ZIP is rejected with a message too.
    let reply = page(
        &fixture,
        &fixture.verifier,
        &format!("/staf/inlislite/ekspor/{id}/foto.zip"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(reply.body.contains("memiliki pas foto"), "{}", reply.body);
}

#[tokio::test]
async fn export_form_rejects_bad_dates() {
    let fixture = fixture().await;
    let verifier = &fixture.verifier;
    let cases: [(&[(&str, &str)], &str); 5] = [
        (
            &[
                ("pilihan", "rentang"),
                ("dari", "2022-13-01"),
                ("sampai", "2022-12-31"),
            ],
            "Tanggal awal tidak valid",
        ),
        (
            &[
                ("pilihan", "rentang"),
                ("dari", "2022-01-01"),
                ("sampai", "31-12-2022"),
            ],
            "Tanggal akhir tidak valid",
        ),
        (
            &[
                ("pilihan", "rentang"),
                ("dari", ""),
                ("sampai", "2022-12-31"),
            ],
            "Tanggal awal wajib diisi",
        ),
        (
            &[
                ("pilihan", "rentang"),
                ("dari", "2022-12-31"),
                ("sampai", "2022-01-01"),
            ],
            "Tanggal akhir tidak boleh sebelum tanggal awal",
        ),
        (&[("pilihan", "semua")], "Pilih anggota baru atau rentang"),
    ];
    for (fields, message) in cases {
        let reply = export(&fixture, verifier, fields).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        assert!(reply.body.contains(message), "{message}: {}", reply.body);
        assert_resolved(message, &reply.body);
    }
    // The typed dates stay in the form.
    let reply = export(
        &fixture,
        verifier,
        &[
            ("pilihan", "rentang"),
            ("dari", "2022-12-31"),
            ("sampai", "2022-01-01"),
        ],
    )
    .await;
    assert!(reply.body.contains("value=\"2022-12-31\""));
    assert!(
        reply
            .body
            .contains("id=\"pilihan-rentang\" name=\"pilihan\" value=\"rentang\" checked")
    );

    let reply = export(
        &fixture,
        verifier,
        &[
            ("pilihan", "rentang"),
            ("dari", "2001-01-01"),
            ("sampai", "2001-01-31"),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply
            .body
            .contains("Tidak ada anggota yang terdaftar dari Senin, 1 Januari 2001 sampai Rabu, 31 Januari 2001."),
        "{}",
        reply.body
    );
    assert!(
        fixture
            .store
            .inlislite_exports(10)
            .await
            .unwrap()
            .is_empty()
    );

    let reply = post_form(
        &fixture,
        verifier,
        "/staf/inlislite/ekspor",
        &[("pilihan", "baru")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn bad_ids_get_not_found() {
    let fixture = fixture().await;
    let verifier = &fixture.verifier;
    for path in [
        "/staf/inlislite/ekspor/abc",
        "/staf/inlislite/ekspor/0",
        "/staf/inlislite/ekspor/999",
        "/staf/inlislite/ekspor/99999999999999999999999",
        "/staf/inlislite/ekspor/999/anggota.xlsx",
        "/staf/inlislite/ekspor/x/foto.zip",
    ] {
        let reply = page(&fixture, verifier, path).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
        assert!(reply.body.contains("<html"), "{path}");
    }
    for path in [
        "/staf/inlislite/anggota/abc/sinkronkan",
        "/staf/inlislite/anggota/999/sinkronkan",
    ] {
        let reply = post_form(&fixture, verifier, path, &[("csrf", &verifier.csrf)]).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn mapping_is_admin_only() {
    let fixture = fixture().await;
    let verifier = &fixture.verifier;
    let reply = page(&fixture, verifier, "/staf/inlislite/pemetaan").await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let reply = post_form(
        &fixture,
        verifier,
        "/staf/inlislite/pemetaan",
        &[("csrf", &verifier.csrf), ("m.occupation.Guru", "Guru")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(fixture.store.inlislite_mappings().await.unwrap().is_empty());
    let reply = post_form(
        &fixture,
        verifier,
        "/staf/inlislite/sinkronisasi",
        &[("csrf", &verifier.csrf), ("action", "off")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);

    let overview = page(&fixture, verifier, "/staf/inlislite").await;
    assert!(
        !overview.body.contains("pemetaan\""),
        "verifier sees the mapping link"
    );
    let overview = page(&fixture, &fixture.admin, "/staf/inlislite").await;
    assert!(overview.body.contains("href=\"/staf/inlislite/pemetaan\""));
}

#[tokio::test]
async fn mapping_saves_typed_names() {
    let fixture = fixture().await;
    let admin = &fixture.admin;
    add_member(
        &fixture,
        NewMember {
            serial: 4,
            occupation: "TNI/Polri",
            photo: None,
        },
    )
    .await;

    let reply = page(&fixture, admin, "/staf/inlislite/pemetaan").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_resolved("/staf/inlislite/pemetaan", &reply.body);
    assert!(reply.body.contains("name=\"m.occupation.TNI&#x2f;Polri\""));
    assert!(reply.body.contains("KIA (Kartu Identitas Anak)"));
    assert!(reply.body.contains("data-gap=\"true\""));

    let reply = post_form(
        &fixture,
        admin,
        "/staf/inlislite/pemetaan",
        &[
            ("csrf", &admin.csrf),
            ("m.occupation.TNI/Polri", " TNI / POLRI "),
            ("m.marital_status.kawin", "Kawin"),
            ("m.occupation.Astronot", "Astronot"),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let saved = fixture.store.inlislite_mappings().await.unwrap();
    let pairs: Vec<(&str, &str, i64, &str)> = saved
        .iter()
        .map(|m| {
            (
                m.category.as_str(),
                m.raline_value.as_str(),
                m.lookup_id,
                m.lookup_name.as_str(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        vec![
            ("marital_status", "kawin", 0, "Kawin"),
            ("occupation", "TNI/Polri", 0, "TNI / POLRI"),
        ],
        "an unknown value is ignored"
    );
    let reply = page(
        &fixture,
        admin,
        "/staf/inlislite/pemetaan?inlislite=disimpan",
    )
    .await;
    assert!(reply.body.contains("Pemetaan disimpan."));
    assert!(reply.body.contains("value=\"TNI &#x2f; POLRI\""));

    // An empty name removes the mapping; a too long one is rejected and nothing is saved.
    let long = "x".repeat(101);
    let reply = post_form(
        &fixture,
        admin,
        "/staf/inlislite/pemetaan",
        &[
            ("csrf", &admin.csrf),
            ("m.marital_status.kawin", ""),
            ("m.occupation.TNI/Polri", &long),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply.body.contains("paling panjang 100 karakter"),
        "{}",
        reply.body
    );
    assert_eq!(fixture.store.inlislite_mappings().await.unwrap().len(), 2);

    let reply = post_form(
        &fixture,
        admin,
        "/staf/inlislite/pemetaan",
        &[("csrf", &admin.csrf), ("m.marital_status.kawin", "")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(fixture.store.inlislite_mappings().await.unwrap().len(), 1);

    let reply = post_form(
        &fixture,
        admin,
        "/staf/inlislite/pemetaan",
        &[("csrf", "salah"), ("m.marital_status.kawin", "Kawin")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn switch_with_gaps_is_refused() {
    let fixture = fixture().await;
    let admin = &fixture.admin;
    add_member(
        &fixture,
        NewMember {
            serial: 5,
            occupation: "Guru",
            photo: None,
        },
    )
    .await;
    save_mapping(&fixture, Some("m.occupation.Guru")).await;

    let reply = post_form(
        &fixture,
        admin,
        "/staf/inlislite/sinkronisasi",
        &[("csrf", &admin.csrf), ("action", "on")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_resolved("switch", &reply.body);
    assert!(
        reply.body.contains("belum diaktifkan karena"),
        "{}",
        reply.body
    );
    assert!(
        reply.body.contains("<li>Pekerjaan: Guru</li>"),
        "{}",
        reply.body
    );
    assert!(
        !reply.body.contains("<li>Agama: Islam</li>"),
        "mapped values are not listed"
    );
    assert!(reply.body.contains("tidak dikonfigurasi di server ini"));
    assert!(!fixture.store.inlislite_sync_enabled().await.unwrap());

    // Without a database the switch stays off even with a complete mapping.
    save_mapping(&fixture, None).await;
    let reply = post_form(
        &fixture,
        admin,
        "/staf/inlislite/sinkronisasi",
        &[("csrf", &admin.csrf), ("action", "on")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(!reply.body.contains("class=\"switch-gaps\""));
    assert!(!fixture.store.inlislite_sync_enabled().await.unwrap());

    let reply = post_form(
        &fixture,
        admin,
        "/staf/inlislite/sinkronisasi",
        &[("csrf", &admin.csrf), ("action", "off")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(
        reply.location.as_deref(),
        Some("/staf/inlislite/pemetaan?inlislite=nonaktif#sinkronisasi")
    );
}

#[tokio::test]
async fn member_page_shows_sync_state() {
    let fixture = fixture().await;
    let verifier = &fixture.verifier;
    fixture
        .store
        .set_inlislite_sync(true, OffsetDateTime::now_utc())
        .await
        .unwrap();
    let member = add_member(
        &fixture,
        NewMember {
            serial: 6,
            occupation: "Guru",
            photo: None,
        },
    )
    .await;
    let member_path = format!("/staf/anggota/{}", member.member_number);
    let detail_path = format!("/staf/pendaftaran/{}", member.application_id);

    let reply = page(&fixture, verifier, &member_path).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_resolved(&member_path, &reply.body);
    assert!(
        reply.body.contains("data-sync-state=\"pending\""),
        "{}",
        reply.body
    );
    assert!(reply.body.contains("Menunggu sinkronisasi"));
    assert!(reply.body.contains("Belum pernah masuk berkas impor."));
    let reply = page(&fixture, verifier, &detail_path).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.contains("data-sync-state=\"pending\""));

    // The worker claims the member and fails with a gap in the mapping.
    let now = OffsetDateTime::now_utc();
    let claim = fixture
        .store
        .claim_inlislite_sync(now, Duration::minutes(2), "test/1")
        .await
        .unwrap()
        .unwrap();
    fixture
        .store
        .fail_inlislite_sync(
            &claim,
            "test/1",
            "missing_mapping",
            "Nilai \"Guru\" untuk pekerjaan belum dipetakan ke data INLISLite.",
            now,
        )
        .await
        .unwrap();
    let reply = page(&fixture, verifier, &member_path).await;
    assert!(reply.body.contains("data-sync-state=\"failed\""));
    assert!(reply.body.contains("belum dipetakan ke data INLISLite"));
    assert!(reply.body.contains("Lengkapi pemetaan."));
    let overview = page(&fixture, verifier, "/staf/inlislite").await;
    assert_resolved("/staf/inlislite", &overview.body);
    assert!(
        overview
            .body
            .contains(&format!("data-member=\"{}\"", member.id))
    );
    assert!(overview.body.contains("data-count=\"failed\">1<"));
    assert!(overview.body.contains("Coba lagi semua yang gagal"));

    let reply = post_form(
        &fixture,
        verifier,
        "/staf/inlislite/coba-lagi",
        &[("csrf", &verifier.csrf)],
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(
        reply.location.as_deref(),
        Some("/staf/inlislite?inlislite=dicoba&jumlah=1#sinkronisasi")
    );
    let overview = page(&fixture, verifier, reply.location.as_deref().unwrap()).await;
    assert!(
        overview
            .body
            .contains("1 anggota yang gagal diantrekan lagi.")
    );

    // The worker succeeds.
    let now = OffsetDateTime::now_utc();
    let claim = fixture
        .store
        .claim_inlislite_sync(now, Duration::minutes(2), "test/1")
        .await
        .unwrap()
        .unwrap();
    fixture
        .store
        .finish_inlislite_sync(&claim, "test/1", 4711, Some("0117030100012"), now)
        .await
        .unwrap();
    let status = fixture
        .store
        .inlislite_sync_status(member.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(status.state, SyncState::Synced);
    let reply = page(&fixture, verifier, &member_path).await;
    assert!(
        reply.body.contains("data-sync-state=\"synced\""),
        "{}",
        reply.body
    );
    assert!(
        reply.body.contains("ID anggota di INLISLite: 4711"),
        "{}",
        reply.body
    );
    assert!(
        reply.body.contains("0117030100012"),
        "the old INLISLite number is not shown"
    );
    let reply = page(&fixture, verifier, &detail_path).await;
    assert!(reply.body.contains("ID anggota di INLISLite: 4711"));

    // "Sinkronkan lagi" queues the member again and returns to the page.
    let resync = format!("/staf/inlislite/anggota/{}/sinkronkan", member.id);
    let reply = post_form(
        &fixture,
        verifier,
        &resync,
        &[("csrf", &verifier.csrf), ("back", "anggota")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let location = reply.location.unwrap();
    assert_eq!(
        location,
        format!("{member_path}?inlislite=diminta#inlislite")
    );
    let reply = page(&fixture, verifier, &location).await;
    assert!(reply.body.contains("diminta lagi"), "{}", reply.body);
    assert!(reply.body.contains("data-sync-state=\"pending\""));

    let reply = post_form(
        &fixture,
        verifier,
        &resync,
        &[("csrf", &verifier.csrf), ("back", "pendaftaran")],
    )
    .await;
    assert_eq!(
        reply.location.as_deref(),
        Some(format!("{detail_path}?inlislite=diminta#inlislite").as_str())
    );
    let reply = post_form(
        &fixture,
        verifier,
        &resync,
        &[("csrf", &verifier.csrf), ("back", "https://evil.example/")],
    )
    .await;
    assert_eq!(
        reply.location.as_deref(),
        Some("/staf/inlislite?inlislite=diminta#sinkronisasi")
    );
    let reply = post_form(&fixture, verifier, &resync, &[("back", "anggota")]).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);

    // With the sync off, nothing is queued and the page shows a notice.
    fixture
        .store
        .set_inlislite_sync(false, OffsetDateTime::now_utc())
        .await
        .unwrap();
    let reply = post_form(
        &fixture,
        verifier,
        &resync,
        &[("csrf", &verifier.csrf), ("back", "anggota")],
    )
    .await;
    let location = reply.location.unwrap();
    assert_eq!(location, format!("{member_path}?inlislite=mati#inlislite"));
    let reply = page(&fixture, verifier, &location).await;
    assert!(reply.body.contains("tidak ada anggota yang diantrekan"));
    assert!(!reply.body.contains(&format!(
        "action=\"/staf/inlislite/anggota/{}/sinkronkan\"",
        member.id
    )));
}

#[tokio::test]
async fn pages_render_in_english() {
    let fixture = fixture().await;
    let admin = &fixture.admin;
    let member = add_member(
        &fixture,
        NewMember {
            serial: 8,
            occupation: "Guru",
            photo: Some(card_photo(2)),
        },
    )
    .await;
    let id = export_id(&export(&fixture, admin, &[("pilihan", "baru")]).await);

    // No mapping is saved, so the import file is rejected with the gaps listed (409).
    let paths = [
        "/staf/inlislite".to_owned(),
        "/staf/inlislite/pemetaan".to_owned(),
        format!("/staf/inlislite/ekspor/{id}"),
        format!("/staf/inlislite/ekspor/{id}/anggota.xlsx"),
        format!("/staf/anggota/{}", member.member_number),
    ];
    for path in &paths {
        let reply = page_in(&fixture, admin, path, "en").await;
        assert!(
            reply.status.is_success() || reply.status == StatusCode::CONFLICT,
            "{path}"
        );
        assert_resolved(path, &reply.body);
        assert!(reply.body.contains("lang=\"en\""), "{path}");
    }

    let reply = page_in(&fixture, admin, "/staf/inlislite", "en").await;
    assert!(
        reply
            .body
            .contains("New members (never exported): 0 members"),
        "{}",
        reply.body
    );

    let reply = page_in(
        &fixture,
        admin,
        &format!("/staf/inlislite/ekspor/{id}/anggota.xlsx"),
        "en",
    )
    .await;
    assert!(
        reply.body.contains("Occupation: <strong>Guru</strong>"),
        "{}",
        reply.body
    );
}

/// Connects to INLISLite's database at `url`, waiting at most `seconds` for each operation.
fn connector(url: &str, seconds: u64) -> Arc<Connector> {
    Connector::new(
        url,
        SyncSettings::default(),
        std::time::Duration::from_secs(seconds),
    )
}

/// Returns the `<select>` of one value on the mapping screen.
fn select_of<'a>(html: &'a str, field: &str) -> &'a str {
    let start = html
        .find(&format!(
            "<select name=\"{}\"",
            field.replace('/', "&#x2f;")
        ))
        .unwrap_or_else(|| panic!("no select for {field}"));
    let end = html[start..].find("</select>").unwrap() + start;
    &html[start..end]
}

/// Returns the table row of one value on the mapping screen.
fn mapping_row<'a>(html: &'a str, category: &str, value: &str) -> &'a str {
    let table = html
        .find(&format!("data-category=\"{category}\""))
        .unwrap_or_else(|| panic!("no table {category}"));
    let start = html[table..]
        .find(&format!("<tr data-value=\"{value}\""))
        .unwrap_or_else(|| panic!("no row {category} {value}"))
        + table;
    let end = html[start..].find("</tr>").unwrap() + start;
    &html[start..end]
}

#[tokio::test]
async fn mapping_reads_lookup_rows() {
    let database = mariadb::TestDatabase::create().await;
    let fixture = fixture_with(Some(connector(&database.url, 10))).await;
    let admin = &fixture.admin;
    let member = add_member(
        &fixture,
        NewMember {
            serial: 9,
            occupation: "Guru",
            photo: None,
        },
    )
    .await;

    // Rows are offered as "id — name", pre-selected by name as suggestions.
    let reply = page(&fixture, admin, "/staf/inlislite/pemetaan").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_resolved("/staf/inlislite/pemetaan", &reply.body);
    let guru = select_of(&reply.body, "m.occupation.Guru");
    assert!(
        guru.contains("<option value=\"25\" selected>25 — Guru</option>"),
        "{guru}"
    );
    assert!(mapping_row(&reply.body, "occupation", "Guru").contains("Saran menurut nama"));
    let single = select_of(&reply.body, "m.marital_status.belum_kawin");
    assert!(single.contains("value=\"71\" selected"), "{single}");
    let kitas = select_of(&reply.body, "m.identity_type.kitas");
    assert!(!kitas.contains("selected"), "{kitas}");
    assert!(!reply.body.contains("type=\"text\" name=\"m."));

    // Nothing is saved yet, so the switch lists every used value.
    let reply = post_form(
        &fixture,
        admin,
        "/staf/inlislite/sinkronisasi",
        &[("csrf", &admin.csrf), ("action", "on")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(
        reply.body.contains("<li>Pekerjaan: Guru</li>"),
        "{}",
        reply.body
    );
    assert!(
        reply.body.contains("<li>Jenis identitas: KTP</li>"),
        "{}",
        reply.body
    );
    assert!(!reply.body.contains("tidak dikonfigurasi di server ini ("));

    // An id that is not a row of the table is rejected and nothing is saved.
    let reply = post_form(
        &fixture,
        admin,
        "/staf/inlislite/pemetaan",
        &[
            ("csrf", &admin.csrf),
            ("m.occupation.Guru", "25"),
            ("m.occupation.Pedagang", "999"),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("Data INLISLite yang dipilih tidak ada"));
    assert!(fixture.store.inlislite_mappings().await.unwrap().is_empty());

    // A member type without loan defaults fails the database check.
    let mapped = [
        ("csrf", admin.csrf.as_str()),
        ("m.identity_type.ktp", "11"),
        ("m.member_type.umum", "84"),
        ("m.occupation.Guru", "25"),
        ("m.education.S1", "49"),
        ("m.religion.Islam", "61"),
    ];
    let reply = post_form(&fixture, admin, "/staf/inlislite/pemetaan", &mapped).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let saved = fixture.store.inlislite_mappings().await.unwrap();
    let guru = saved
        .iter()
        .find(|mapping| mapping.raline_value == "Guru")
        .unwrap();
    assert_eq!((guru.lookup_id, guru.lookup_name.as_str()), (25, "Guru"));
    let reply = post_form(
        &fixture,
        admin,
        "/staf/inlislite/sinkronisasi",
        &[("csrf", &admin.csrf), ("action", "on")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(
        reply.body.contains("class=\"switch-problems\""),
        "{}",
        reply.body
    );
    assert!(
        reply.body.contains("location_library_default"),
        "{}",
        reply.body
    );
    assert!(!fixture.store.inlislite_sync_enabled().await.unwrap());

    // With every value mapped and the check passed, the switch queues the member.
    let reply = post_form(
        &fixture,
        admin,
        "/staf/inlislite/pemetaan",
        &[("csrf", &admin.csrf), ("m.member_type.umum", "81")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let reply = page(&fixture, admin, "/staf/inlislite/pemetaan").await;
    let guru_row = mapping_row(&reply.body, "occupation", "Guru");
    assert!(!guru_row.contains("Saran menurut nama"), "{guru_row}");
    let reply = post_form(
        &fixture,
        admin,
        "/staf/inlislite/sinkronisasi",
        &[("csrf", &admin.csrf), ("action", "on")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(
        reply.location.as_deref(),
        Some("/staf/inlislite/pemetaan?inlislite=aktif&jumlah=1#sinkronisasi")
    );
    assert!(fixture.store.inlislite_sync_enabled().await.unwrap());
    let status = fixture
        .store
        .inlislite_sync_status(member.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(status.state, SyncState::Pending);
    let reply = page(&fixture, admin, reply.location.as_deref().unwrap()).await;
    assert!(
        reply.body.contains("1 anggota diantrekan"),
        "{}",
        reply.body
    );
    let overview = page(&fixture, admin, "/staf/inlislite").await;
    let summary = overview.body.split("data-sync-enabled").nth(1).unwrap();
    assert!(
        summary.starts_with("=\"true\" data-sync-configured=\"true\""),
        "{summary}"
    );
}

#[tokio::test]
async fn unreachable_database_shows_saved_mapping() {
    // Nothing listens on port 1, so the connection is refused at once.
    let fixture = fixture_with(Some(connector(
        "mysql://raline@127.0.0.1:1/inlislite_v3",
        1,
    )))
    .await;
    let admin = &fixture.admin;
    add_member(
        &fixture,
        NewMember {
            serial: 10,
            occupation: "Guru",
            photo: None,
        },
    )
    .await;
    fixture
        .store
        .save_inlislite_mappings(
            &[(
                "occupation".into(),
                "Guru".into(),
                Some((25, "Guru".into())),
            )],
            "admin",
            OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();

    let reply = page(&fixture, admin, "/staf/inlislite/pemetaan").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_resolved("/staf/inlislite/pemetaan", &reply.body);
    assert!(reply.body.contains("data-mode=\"unreachable\""));
    assert!(reply.body.contains("tidak dapat dihubungi"));
    assert!(mapping_row(&reply.body, "occupation", "Guru").contains("25 — Guru"));
    assert!(!reply.body.contains("<select"));
    assert!(!reply.body.contains("action=\"/staf/inlislite/pemetaan\""));

    let reply = post_form(
        &fixture,
        admin,
        "/staf/inlislite/pemetaan",
        &[("csrf", &admin.csrf), ("m.occupation.Guru", "")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(reply.body.contains("Pemetaan tidak disimpan"));
    assert_eq!(fixture.store.inlislite_mappings().await.unwrap().len(), 1);

    let reply = post_form(
        &fixture,
        admin,
        "/staf/inlislite/sinkronisasi",
        &[("csrf", &admin.csrf), ("action", "on")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(
        reply
            .body
            .contains("Basis data INLISLite tidak dapat dihubungi.")
    );
    assert!(!fixture.store.inlislite_sync_enabled().await.unwrap());
}
