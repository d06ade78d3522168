//! Renders every page in both languages through the router, in process, with a real SQLite
//! file, and checks that no catalogue key or template variable is left unresolved.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use raline_domain::MemberType;
use raline_store::{FileStore, StaffRole, Store};
use raline_web::{AppConfig, AppState, LibraryInfo};
use tower::ServiceExt;

async fn app() -> (axum::Router, Store, tempfile::TempDir) {
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
        session_lifetime: time::Duration::hours(1),
        reminder_days: vec![30, 7],
        approve_unverified_email: true,
        client_ip_header: None,
        card_link_lifetime: time::Duration::hours(72),
        whatsapp: None,
        inlislite: None,
        member_number_scheme: Default::default(),
        member_number_prefix: String::new(),
    };
    let state = AppState::new(config, store.clone(), files).await.unwrap();
    (raline_web::router(state), store, folder)
}

async fn send(app: &axum::Router, request: Request<Body>) -> (StatusCode, String) {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

fn get(path: &str, language: &str) -> Request<Body> {
    Request::get(path)
        .header(header::COOKIE, format!("raline_lang={language}"))
        .body(Body::empty())
        .unwrap()
}

/// Fails when a page shows a raw catalogue key, an isolation mark or an error of minijinja.
fn assert_resolved(path: &str, html: &str) {
    for prefix in [
        "error-", "field-", "form-", "status-", "staff-", "landing-", "http-", "finding-",
    ] {
        // Text nodes only: class names such as `field-error` are fine.
        let raw_key = html
            .split('<')
            .filter_map(|tag| tag.split_once('>').map(|(_, text)| text.trim()))
            .any(|text| text.starts_with(prefix) && !text.contains(' '));
        assert!(!raw_key, "{path}: raw key {prefix}… in page");
    }
    assert!(!html.contains('\u{2068}'), "{path}: isolation mark");
    assert!(!html.contains("undefined"), "{path}: undefined value");
}

#[tokio::test]
async fn public_pages_render_in_both_languages() {
    let (app, _store, _folder) = app().await;
    for language in ["id", "en"] {
        for path in ["/", "/daftar", "/staf/masuk", "/tidak-ada"] {
            let (status, html) = send(&app, get(path, language)).await;
            let expected = if path == "/tidak-ada" {
                StatusCode::NOT_FOUND
            } else {
                StatusCode::OK
            };
            assert_eq!(status, expected, "{path} {language}");
            assert!(html.contains(&format!("lang=\"{language}\"")), "{path}");
            assert_resolved(path, &html);
        }
    }
    let (_, html) = send(&app, get("/", "id")).await;
    assert!(html.contains("Daftar Anggota Perpustakaan"));
    let (_, html) = send(&app, get("/", "en")).await;
    assert!(html.contains("Register"), "{html}");
}

#[tokio::test]
async fn empty_form_lists_every_required_field() {
    let (app, _store, _folder) = app().await;
    let boundary = "batas";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"full_name\"\r\n\r\nBudi <b>Contoh</b>\r\n--{boundary}--\r\n"
    );
    let request = Request::post("/daftar")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    let (status, html) = send(&app, request).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_resolved("/daftar", &html);
    for id in [
        "identity_type-error",
        "email-error",
        "birth_date-error",
        "phone-error",
        "consent-error",
        "photo-error",
        "identity_document-error",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id} missing");
    }
    assert!(html.contains("Jenis identitas wajib diisi."));
    // The typed name is kept and escaped.
    assert!(
        html.contains("Budi &lt;b&gt;Contoh&lt;&#x2f;b&gt;"),
        "{html}"
    );
}

#[tokio::test]
async fn staff_pages_need_login_and_csrf() {
    let (app, store, _folder) = app().await;
    let (status, _) = send(&app, get("/staf", "id")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    let hash = password_auth::generate_hash("kata-sandi-petugas");
    let staff_id = store
        .upsert_staff(
            "petugas",
            &hash,
            StaffRole::Verifier,
            time::OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();
    let token = store
        .create_session(
            staff_id,
            time::OffsetDateTime::now_utc(),
            time::Duration::hours(1),
        )
        .await
        .unwrap();
    let request = Request::get("/staf")
        .header(header::COOKIE, format!("raline_staff={token}"))
        .body(Body::empty())
        .unwrap();
    let (status, html) = send(&app, request).await;
    assert_eq!(status, StatusCode::OK);
    assert_resolved("/staf", &html);
    assert!(html.contains("Antrean Verifikasi"));

    // A decision without the session's CSRF token is refused.
    let request = Request::post("/staf/pendaftaran/1/keputusan")
        .header(header::COOKIE, format!("raline_staff={token}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("csrf=salah&action=approve"))
        .unwrap();
    let (status, _) = send(&app, request).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A form posted from another site is refused before any handler runs.
    let request = Request::post("/staf/masuk")
        .header(header::ORIGIN, "https://situs-lain.example")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("username=petugas&password=kata-sandi-petugas"))
        .unwrap();
    let (status, html) = send(&app, request).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("Formulir kedaluwarsa"), "{html}");

    let request = Request::post("/staf/masuk")
        .header("sec-fetch-site", "cross-site")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("username=petugas&password=kata-sandi-petugas"))
        .unwrap();
    let (status, _) = send(&app, request).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A same-origin post is accepted even when the browser hides the origin as "null".
    let request = Request::post("/staf/masuk")
        .header("sec-fetch-site", "same-origin")
        .header(header::ORIGIN, "null")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("username=petugas&password=kata-sandi-petugas"))
        .unwrap();
    let (status, _) = send(&app, request).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn staff_login_locks_after_failures() {
    let (app, store, _folder) = app().await;
    let hash = password_auth::generate_hash("kata-sandi-petugas");
    store
        .upsert_staff(
            "petugas",
            &hash,
            StaffRole::Verifier,
            time::OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();
    let login = |password: &str| {
        Request::post("/staf/masuk")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("username=petugas&password={password}")))
            .unwrap()
    };
    for _ in 0..10 {
        let (status, html) = send(&app, login("salah")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(html.contains("Nama pengguna atau kata sandi salah."));
    }
    let (status, _) = send(&app, login("kata-sandi-petugas")).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

/// Validates a synthetic resident whose NIK date part differs from the typed birth date.
fn application(email: &str) -> raline_domain::NewApplication {
    let input = raline_domain::ApplicationInput {
        identity_type: "ktp".into(),
        identity_number: "3576014505900001".into(),
        password: "rahasia1".into(),
        email: email.into(),
        full_name: "Siti Contoh".into(),
        mother_maiden_name: "Ibu Contoh".into(),
        birth_place: "Mojokerto".into(),
        birth_date: "1990-05-06".into(),
        sex: "female".into(),
        occupation: "Guru".into(),
        education: "S1".into(),
        phone: "081234567890".into(),
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
    raline_domain::validate_application(&input, &policy, time::macros::date!(2026 - 12 - 04))
        .unwrap()
}

#[tokio::test]
async fn detail_page_shows_findings() {
    let (app, store, _folder) = app().await;
    let now = time::OffsetDateTime::now_utc();
    let mut ids = Vec::new();
    for (key, email) in [
        ("a".repeat(64), "satu@example.id"),
        ("b".repeat(64), "dua@example.id"),
    ] {
        let outcome = store
            .insert_application(
                raline_store::NewApplicationRecord {
                    application: &application(email),
                    password_hash: "hash",
                    submission_key: &key,
                    status_token_hash: &raline_store::hash_token(&key),
                    locale: "id",
                    uploads: &[],
                    draft_upload_ids: &[],
                },
                now,
            )
            .await
            .unwrap();
        match outcome {
            raline_store::InsertOutcome::Created { id, .. } => ids.push(id),
            other => panic!("{other:?}"),
        }
    }

    let hash = password_auth::generate_hash("kata-sandi-petugas");
    let staff_id = store
        .upsert_staff("petugas", &hash, StaffRole::Verifier, now)
        .await
        .unwrap();
    let token = store
        .create_session(staff_id, now, time::Duration::hours(1))
        .await
        .unwrap();
    let request = Request::get(format!("/staf/pendaftaran/{}", ids[1]))
        .header(header::COOKIE, format!("raline_staff={token}"))
        .body(Body::empty())
        .unwrap();
    let (status, html) = send(&app, request).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_resolved("/staf/pendaftaran", &html);
    assert!(html.contains("data-code=\"nik_birth_date_mismatch\""));
    assert!(html.contains("data-code=\"duplicate_identity_number\""));
    assert!(html.contains(&format!("/staf/pendaftaran/{}", ids[0])));

    // Rejecting without a reason returns to the page with the message next to the field.
    let csrf = store
        .session(&token, now)
        .await
        .unwrap()
        .unwrap()
        .csrf_token;
    let request = Request::post(format!("/staf/pendaftaran/{}/keputusan", ids[1]))
        .header(header::COOKIE, format!("raline_staff={token}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("csrf={csrf}&action=reject&reason=")))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    let request = Request::get(location)
        .header(header::COOKIE, format!("raline_staff={token}"))
        .body(Body::empty())
        .unwrap();
    let (status, html) = send(&app, request).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"reason-error\""), "{html}");
    assert!(html.contains("Tulis alasan"));
}

#[tokio::test]
async fn each_form_gets_own_submission_key() {
    let (app, _store, _folder) = app().await;
    let key_of = |html: &str| {
        let start = html.find("name=\"submission_key\" value=\"").unwrap() + 29;
        html[start..start + 64].to_owned()
    };
    let (_, first) = send(&app, get("/daftar", "id")).await;
    let (_, second) = send(&app, get("/daftar", "id")).await;
    assert_ne!(key_of(&first), key_of(&second));
    assert!(key_of(&first).bytes().all(|b| b.is_ascii_hexdigit()));
    assert_ne!(key_of(&first), "0".repeat(64));
}

/// The OpenAPI document lists the same codes as the domain, so clients can rely on it.
#[test]
fn openapi_lists_domain_codes() {
    let document: serde_json::Value =
        serde_json::from_str(include_str!("../openapi.json")).unwrap();
    let schemas = &document["components"]["schemas"];
    let list = |value: &serde_json::Value| -> Vec<String> {
        value
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item.as_str().unwrap().to_owned())
            .collect()
    };

    let findings = list(&schemas["Finding"]["properties"]["code"]["enum"]);
    let expected: Vec<String> = raline_domain::FindingCode::ALL
        .iter()
        .map(|code| code.as_str().to_owned())
        .collect();
    assert_eq!(findings, expected);

    let identity_types = list(&schemas["RegistrationForm"]["properties"]["identity_type"]["enum"]);
    let expected: Vec<String> = raline_domain::IdentityType::ALL
        .iter()
        .map(|kind| kind.as_str().to_owned())
        .collect();
    assert_eq!(identity_types, expected);
    assert!(document["paths"]["/api/v1/regions"].is_object());
}

/// The member pages render in both languages, with no raw catalogue key, once a member is
/// logged in. Without a session they redirect to the login page.
#[tokio::test]
async fn member_pages_render_in_both_languages() {
    let (app, store, _folder) = app().await;
    let now = time::OffsetDateTime::now_utc();
    let key = "c".repeat(64);
    let outcome = store
        .insert_application(
            raline_store::NewApplicationRecord {
                application: &application("anggota@example.id"),
                password_hash: "hash",
                submission_key: &key,
                status_token_hash: &raline_store::hash_token(&key),
                locale: "id",
                uploads: &[],
                draft_upload_ids: &[],
            },
            now,
        )
        .await
        .unwrap();
    let raline_store::InsertOutcome::Created { id, .. } = outcome else {
        panic!("{outcome:?}")
    };
    let staff_id = store
        .upsert_staff("petugas", "hash", StaffRole::Verifier, now)
        .await
        .unwrap();
    let approval = raline_store::Approval {
        registered_on: raline_domain::dates::wib_date(now),
        validity_days: 20,
        min_sequence: 1,
        numbering: raline_domain::member_number::Numbering::DEFAULT,
    };
    let member = store
        .decide(
            id,
            staff_id,
            raline_domain::Decision::Approve,
            None,
            Some(approval),
            now,
        )
        .await
        .unwrap()
        .member
        .unwrap();
    let session = store
        .create_member_session(
            member.id,
            raline_store::SessionKind::Cookie,
            now,
            time::Duration::hours(1),
        )
        .await
        .unwrap();

    for path in [
        "/akun",
        "/akun/perpanjang",
        "/akun/masuk",
        "/akun/lupa-sandi",
    ] {
        let (status, _) = send(&app, get(path, "id")).await;
        let expected = if path.ends_with("masuk") || path.ends_with("sandi") {
            StatusCode::OK
        } else {
            StatusCode::SEE_OTHER
        };
        assert_eq!(status, expected, "{path} without a session");

        for language in ["id", "en"] {
            let request = Request::get(path)
                .header(
                    header::COOKIE,
                    format!("raline_lang={language}; raline_member={session}"),
                )
                .body(Body::empty())
                .unwrap();
            let (status, html) = send(&app, request).await;
            assert_eq!(status, StatusCode::OK, "{path} ({language})");
            assert_resolved(path, &html);
            for prefix in ["account-", "email-"] {
                assert!(
                    !html.contains(&format!(">{prefix}")),
                    "{path} ({language}): raw key {prefix}…"
                );
            }
            if path == "/akun/perpanjang" {
                // The card ends in 20 days, inside the 30-day window.
                assert!(html.contains("name=\"submission_key\""), "{html}");
            }
        }
    }
}

/// axum's own rejections of malformed page requests become error pages in the user's
/// language, not plain English text.
#[tokio::test]
async fn malformed_page_requests_get_error_pages() {
    let (app, _store, _folder) = app().await;
    let request = Request::post("/akun/masuk")
        .header(header::COOKIE, "raline_lang=id")
        .header(header::ORIGIN, "http://127.0.0.1:8080")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{}"))
        .unwrap();
    let (status, html) = send(&app, request).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(html.contains("Permintaan tidak dapat dibaca"), "{html}");
    assert!(!html.contains("Form requests must have"), "{html}");

    let (status, html) = send(&app, get("/akun/sandi-baru/%ff", "en")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("<html"), "{html}");
    assert!(!html.contains("Invalid URL"), "{html}");
}
