//! Staff side of renewals, in process through the router with a real SQLite file: the queue,
//! the detail page and its decisions, the staff API, desk renewals and identity corrections.
//!
//! Members are issued through the store with a registration date chosen so that their end
//! date falls where each test needs it, relative to today's WIB date.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use raline_domain::{ApplicationStatus, Decision, MemberType, Term};
use raline_store::{
    Approval, FileStore, MemberRecord, NewRenewal, NewUpload, RenewalChannel, SessionKind,
    StaffRole, Store,
};
use raline_web::i18n::{Locale, format_date};
use raline_web::{AppConfig, AppState, LibraryInfo};
use serde_json::Value;
use time::{Date, Duration, OffsetDateTime};
use tower::ServiceExt;

/// Fee of the `pelajar` member type, whose renewals also use a term of one year.
const STUDENT_FEE: u32 = 5_000;

fn member_types() -> Vec<MemberType> {
    let mut student = MemberType::new("pelajar", "Pelajar", 365);
    student.renewal.fee_rupiah = STUDENT_FEE;
    student.renewal.term = Some(Term::Years(1));
    vec![MemberType::new("umum", "Umum", 365), student]
}

/// The router with one logged-in staff member, who also has an API token.
struct Fixture {
    app: axum::Router,
    store: Store,
    files: FileStore,
    staff_id: i64,
    session: String,
    csrf: String,
    api_token: String,
    _folder: tempfile::TempDir,
}

async fn fixture() -> Fixture {
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
        member_types: member_types(),
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
    let state = AppState::new(config, store.clone(), files.clone())
        .await
        .unwrap();

    let now = OffsetDateTime::now_utc();
    let hash = password_auth::generate_hash("kata-sandi-petugas");
    let staff_id = store
        .upsert_staff("petugas", &hash, StaffRole::Verifier, now)
        .await
        .unwrap();
    let session = store
        .create_session(staff_id, now, Duration::hours(1))
        .await
        .unwrap();
    let csrf = store
        .session(&session, now)
        .await
        .unwrap()
        .unwrap()
        .csrf_token;
    let api_token = store.create_api_token(staff_id, now).await.unwrap();

    Fixture {
        app: raline_web::router(state),
        store,
        files,
        staff_id,
        session,
        csrf,
        api_token,
        _folder: folder,
    }
}

fn today() -> Date {
    raline_domain::dates::wib_date(OffsetDateTime::now_utc())
}

/// Issues a member whose card ends on `valid_until` (registered 365 days earlier). `serial`
/// makes the NIK, e-mail address and phone number unique.
async fn add_member(
    fixture: &Fixture,
    serial: u16,
    member_type: &str,
    valid_until: Date,
) -> MemberRecord {
    let input = raline_domain::ApplicationInput {
        identity_type: "ktp".into(),
        identity_number: format!("357601450590{serial:04}"),
        password: "rahasia1".into(),
        email: format!("anggota{serial}@example.id"),
        full_name: "Siti Contoh".into(),
        mother_maiden_name: "Ibu Contoh".into(),
        birth_place: "Mojokerto".into(),
        birth_date: "1990-05-05".into(),
        sex: "female".into(),
        occupation: "Guru".into(),
        education: "S1".into(),
        phone: format!("08123456{serial:04}"),
        address: "Jl. Contoh No. 1".into(),
        rt: "001".into(),
        rw: "002".into(),
        village: "Kauman".into(),
        district: "Prajuritkulon".into(),
        regency_code: "35.76".into(),
        member_type: member_type.into(),
        consent: "true".into(),
        ..Default::default()
    };
    // `lama` stands for a type the library offered once and has removed from its settings.
    let mut offered_once = member_types();
    offered_once.push(MemberType::new("lama", "Lama", 365));
    let policy = raline_domain::Policy {
        member_types: offered_once,
        statement_letter_outside: true,
        regions: std::sync::Arc::new(raline_domain::RegionDirectory::built_in()),
    };
    let application = raline_domain::validate_application(&input, &policy, today()).unwrap();

    let now = OffsetDateTime::now_utc();
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
                uploads: &[],
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
        registered_on: valid_until - Duration::days(365),
        validity_days: 365,
        min_sequence: 1,
        numbering: raline_domain::member_number::Numbering::DEFAULT,
    };
    let decided = fixture
        .store
        .decide(
            id,
            fixture.staff_id,
            Decision::Approve,
            None,
            Some(approval),
            now,
        )
        .await
        .unwrap();
    let member = decided.member.unwrap();
    assert_eq!(member.valid_until, valid_until);
    member
}

/// Stores an online renewal of the member type's term, as the member page would.
async fn submit_online(fixture: &Fixture, member: &MemberRecord, uploads: &[NewUpload]) -> i64 {
    let term = if member.member_type == "pelajar" {
        Term::Years(1)
    } else {
        Term::Days(365)
    };
    fixture
        .store
        .submit_renewal(
            NewRenewal {
                member_id: member.id,
                base_valid_until: member.valid_until,
                channel: RenewalChannel::Online,
                term,
                fee_rupiah: 0,
                paid: false,
                submission_key: None,
                uploads,
            },
            OffsetDateTime::now_utc(),
        )
        .await
        .unwrap()
}

async fn valid_until(fixture: &Fixture, member: &MemberRecord) -> Date {
    fixture
        .store
        .member(member.id)
        .await
        .unwrap()
        .unwrap()
        .valid_until
}

struct Reply {
    status: StatusCode,
    location: Option<String>,
    content_type: Option<String>,
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
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        location,
        content_type,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        bytes: bytes.to_vec(),
    }
}

/// Sends a page request as the logged-in staff member, with the page language `language`.
async fn page(fixture: &Fixture, path: &str, language: &str) -> Reply {
    let request = Request::get(path)
        .header(
            header::COOKIE,
            format!("raline_staff={}; raline_lang={language}", fixture.session),
        )
        .body(Body::empty())
        .unwrap();
    send(fixture, request).await
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

async fn post_form(fixture: &Fixture, path: &str, fields: &[(&str, &str)]) -> Reply {
    let request = Request::post(path)
        .header(header::COOKIE, format!("raline_staff={}", fixture.session))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form_body(fields)))
        .unwrap();
    send(fixture, request).await
}

async fn api(fixture: &Fixture, method: &str, path: &str, body: &str) -> (StatusCode, Value) {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header(
            header::AUTHORIZATION,
            format!("Bearer {}", fixture.api_token),
        )
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_owned()))
        .unwrap();
    let reply = send(fixture, request).await;
    let json = serde_json::from_str(&reply.body)
        .unwrap_or_else(|error| panic!("{path}: body is not JSON ({error}): {}", reply.body));
    (reply.status, json)
}

/// Fails when a page shows a raw catalogue key, an isolation mark or an error of minijinja.
fn assert_resolved(path: &str, html: &str) {
    for prefix in [
        "error-", "field-", "form-", "status-", "staff-", "landing-", "http-", "finding-",
        "month-", "weekday-",
    ] {
        // Text nodes only: class names such as `field-error` are fine.
        let raw_key = html
            .split('<')
            .filter_map(|tag| tag.split_once('>').map(|(_, text)| text.trim()))
            .any(|text| text.split_whitespace().any(|word| word.starts_with(prefix)));
        assert!(!raw_key, "{path}: raw key {prefix}… in page");
    }
    assert!(!html.contains('\u{2068}'), "{path}: isolation mark");
    assert!(!html.contains("undefined"), "{path}: undefined value");
}

fn submission_key(html: &str) -> String {
    let marker = "name=\"submission_key\" value=\"";
    let start = html.find(marker).expect("the page has a desk renewal form") + marker.len();
    html[start..start + 64].to_owned()
}

#[tokio::test]
async fn queue_and_detail_render_in_both_languages() {
    let fixture = fixture().await;
    let end = today() + Duration::days(10);
    let member = add_member(&fixture, 1, "umum", end).await;
    let photo = fixture
        .files
        .put(b"\xFF\xD8\xFF\xE0 foto".to_vec())
        .await
        .unwrap();
    let upload = NewUpload {
        slot: raline_domain::UploadSlot::Photo,
        storage_name: photo,
        card_storage_name: None,
        content_type: "image/jpeg".into(),
        byte_size: 9,
        width: Some(300),
        height: Some(400),
        signature_count: None,
        emeterai_serials: Vec::new(),
    };
    let id = submit_online(&fixture, &member, &[upload]).await;
    let upload_id = fixture.store.renewal_uploads(id).await.unwrap()[0].id;

    for (language, locale) in [("id", Locale::Id), ("en", Locale::En)] {
        let queue = page(&fixture, "/staf/perpanjangan", language).await;
        assert_eq!(queue.status, StatusCode::OK, "{}", queue.body);
        assert_resolved("/staf/perpanjangan", &queue.body);
        assert!(
            queue
                .body
                .contains(&format!("href=\"/staf/perpanjangan/{id}\""))
        );
        assert!(queue.body.contains(&member.member_number));
        assert!(queue.body.contains(&format_date(locale, end)));

        let detail = page(&fixture, &format!("/staf/perpanjangan/{id}"), language).await;
        assert_eq!(detail.status, StatusCode::OK, "{}", detail.body);
        assert_resolved("/staf/perpanjangan/{id}", &detail.body);
        let new_end = format_date(locale, end + Duration::days(365));
        assert!(detail.body.contains(&new_end), "{new_end} missing");
        assert!(
            detail
                .body
                .contains(&format!("/staf/perpanjangan/{id}/keputusan"))
        );
        let file_url = format!("/staf/perpanjangan/{id}/berkas/{upload_id}");
        assert!(detail.body.contains(&format!("<img src=\"{file_url}\"")));

        for path in [
            "/staf/perpanjangan?status=approved",
            "/staf/anggota",
            &format!("/staf/anggota/{}", member.member_number),
            "/staf/koreksi-data",
        ] {
            let reply = page(&fixture, path, language).await;
            assert_eq!(reply.status, StatusCode::OK, "{path}");
            assert_resolved(path, &reply.body);
        }
    }
    let queue = page(&fixture, "/staf/perpanjangan", "id").await;
    assert!(queue.body.contains("Diajukan (1)"), "{}", queue.body);
    assert!(queue.body.contains("Online"));

    let file = page(
        &fixture,
        &format!("/staf/perpanjangan/{id}/berkas/{upload_id}"),
        "id",
    )
    .await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.content_type.as_deref(), Some("image/jpeg"));
    assert_eq!(file.bytes, b"\xFF\xD8\xFF\xE0 foto");
    let other = page(
        &fixture,
        &format!("/staf/perpanjangan/{}/berkas/{upload_id}", id + 1),
        "id",
    )
    .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    let missing = page(&fixture, "/staf/perpanjangan/999999", "id").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    // Without a session the pages send the browser to the login page.
    let request = Request::get("/staf/perpanjangan")
        .body(Body::empty())
        .unwrap();
    let reply = send(&fixture, request).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location.as_deref(), Some("/staf/masuk"));
}

#[tokio::test]
async fn page_approval_moves_end_date_once() {
    let fixture = fixture().await;
    let early_end = today() + Duration::days(10);
    let early = add_member(&fixture, 1, "umum", early_end).await;
    let lapsed = add_member(&fixture, 2, "umum", today() - Duration::days(35)).await;
    let early_id = submit_online(&fixture, &early, &[]).await;
    let lapsed_id = submit_online(&fixture, &lapsed, &[]).await;

    let wrong_csrf = post_form(
        &fixture,
        &format!("/staf/perpanjangan/{early_id}/keputusan"),
        &[("csrf", "salah"), ("action", "approve")],
    )
    .await;
    assert_eq!(wrong_csrf.status, StatusCode::FORBIDDEN);
    assert_eq!(valid_until(&fixture, &early).await, early_end);

    // Renewing before the end date adds the term to the end date.
    let fields = [("csrf", fixture.csrf.as_str()), ("action", "approve")];
    let path = format!("/staf/perpanjangan/{early_id}/keputusan");
    let first = post_form(&fixture, &path, &fields).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert_eq!(
        first.location.as_deref(),
        Some(format!("/staf/perpanjangan/{early_id}").as_str())
    );
    let renewed_end = early_end + Duration::days(365);
    assert_eq!(valid_until(&fixture, &early).await, renewed_end);

    // A second approval is refused and does not move the end date again.
    let second = post_form(&fixture, &path, &fields).await;
    assert_eq!(second.status, StatusCode::SEE_OTHER);
    let location = second.location.unwrap();
    assert!(
        location.ends_with("?kesalahan=already_decided"),
        "{location}"
    );
    assert_eq!(valid_until(&fixture, &early).await, renewed_end);
    let shown = page(&fixture, &location, "id").await;
    assert!(
        shown.body.contains("sudah diputuskan sebelumnya"),
        "{}",
        shown.body
    );
    assert!(shown.body.contains("Diputuskan oleh petugas"));
    assert!(shown.body.contains(&format_date(Locale::Id, renewed_end)));
    assert!(
        !shown.body.contains("name=\"action\""),
        "decided renewals have no form"
    );

    let record = fixture.store.renewal(early_id).await.unwrap().unwrap();
    assert_eq!(record.status, ApplicationStatus::Approved);
    assert_eq!(record.old_valid_until, Some(early_end));
    assert_eq!(record.new_valid_until, Some(renewed_end));
    assert_eq!(record.decided_by.as_deref(), Some("petugas"));

    // Renewing after the end date adds the term to today.
    let path = format!("/staf/perpanjangan/{lapsed_id}/keputusan");
    let reply = post_form(&fixture, &path, &fields).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(
        valid_until(&fixture, &lapsed).await,
        today() + Duration::days(365)
    );
}

#[tokio::test]
async fn page_rejection_needs_reason() {
    let fixture = fixture().await;
    let member = add_member(&fixture, 1, "umum", today() + Duration::days(5)).await;
    let id = submit_online(&fixture, &member, &[]).await;
    let path = format!("/staf/perpanjangan/{id}/keputusan");

    let empty = post_form(
        &fixture,
        &path,
        &[
            ("csrf", &fixture.csrf),
            ("action", "reject"),
            ("reason", "  "),
        ],
    )
    .await;
    assert_eq!(empty.status, StatusCode::SEE_OTHER);
    let location = empty.location.unwrap();
    assert!(
        location.ends_with("?kesalahan=reason_required"),
        "{location}"
    );
    let shown = page(&fixture, &location, "id").await;
    assert!(shown.body.contains("id=\"reason-error\""), "{}", shown.body);
    assert!(shown.body.contains("Tulis alasan"));
    let record = fixture.store.renewal(id).await.unwrap().unwrap();
    assert_eq!(record.status, ApplicationStatus::Submitted);

    let rejected = post_form(
        &fixture,
        &path,
        &[
            ("csrf", &fixture.csrf),
            ("action", "reject"),
            ("reason", "Kartu pelajar sudah tidak berlaku"),
        ],
    )
    .await;
    assert_eq!(rejected.status, StatusCode::SEE_OTHER);
    let record = fixture.store.renewal(id).await.unwrap().unwrap();
    assert_eq!(record.status, ApplicationStatus::Rejected);
    assert_eq!(
        record.decision_reason.as_deref(),
        Some("Kartu pelajar sudah tidak berlaku")
    );
    assert_eq!(valid_until(&fixture, &member).await, member.valid_until);
}

#[tokio::test]
async fn api_lists_and_decides_renewals() {
    let fixture = fixture().await;
    let end = today() + Duration::days(3);
    let first = add_member(&fixture, 1, "umum", end).await;
    let second = add_member(&fixture, 2, "umum", end).await;
    let third = add_member(&fixture, 3, "umum", end).await;
    let first_id = submit_online(&fixture, &first, &[]).await;
    let second_id = submit_online(&fixture, &second, &[]).await;
    let third_id = submit_online(&fixture, &third, &[]).await;

    let request = Request::get("/api/v1/staff/renewals")
        .body(Body::empty())
        .unwrap();
    let anonymous = send(&fixture, request).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);

    let (status, list) = api(&fixture, "GET", "/api/v1/staff/renewals", "").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["total"], 3);
    let item = &list["items"][0];
    assert_eq!(item["id"], first_id);
    assert_eq!(item["member_number"], first.member_number.as_str());
    assert_eq!(item["full_name"], "Siti Contoh");
    assert_eq!(item["member_type"], "umum");
    assert_eq!(item["status"], "submitted");
    assert_eq!(item["channel"], "online");
    assert_eq!(item["valid_until"], end.to_string());
    assert!(item["new_valid_until"].is_null());
    assert_eq!(item["term"], "365d");
    assert_eq!(item["fee_rupiah"], 0);
    assert_eq!(item["paid"], false);
    assert!(item["submitted_at"].as_str().unwrap().contains('T'));
    assert_eq!(item["uploads"], serde_json::json!([]));

    let (status, error) = api(&fixture, "GET", "/api/v1/staff/renewals?status=lama", "").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"]["code"], "bad_request");
    let (status, one) = api(
        &fixture,
        "GET",
        &format!("/api/v1/staff/renewals/{second_id}"),
        "",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one["member_number"], second.member_number.as_str());
    let (status, error) = api(&fixture, "GET", "/api/v1/staff/renewals/999999", "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error["error"]["code"], "not_found");

    // Rejections need a reason of 1 to 1000 characters.
    let reject = format!("/api/v1/staff/renewals/{first_id}/reject");
    let (status, error) = api(&fixture, "POST", &reject, "{}").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error["errors"][0]["field"], "reason");
    assert_eq!(error["errors"][0]["code"], "reason_required");
    let long = serde_json::json!({ "reason": "x".repeat(1001) }).to_string();
    let (status, error) = api(&fixture, "POST", &reject, &long).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error["errors"][0]["code"], "too_long");
    let (status, error) = api(&fixture, "POST", &reject, "{\"reason\":").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    let (status, rejected) = api(&fixture, "POST", &reject, r#"{"reason": "Foto buram"}"#).await;
    assert_eq!(status, StatusCode::OK, "{rejected}");
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(rejected["decision_reason"], "Foto buram");
    assert!(rejected["new_valid_until"].is_null());
    let (status, error) = api(&fixture, "POST", &reject, r#"{"reason": "Lagi"}"#).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error["error"]["code"], "conflict");

    // An approval takes an empty body or the payment flag.
    let expected_end = (end + Duration::days(365)).to_string();
    let approve = format!("/api/v1/staff/renewals/{second_id}/approve");
    let (status, approved) = api(&fixture, "POST", &approve, "").await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["new_valid_until"], expected_end.as_str());
    assert_eq!(approved["valid_until"], expected_end.as_str());
    assert_eq!(approved["decided_by"], "petugas");
    assert_eq!(approved["paid"], false);
    assert_eq!(
        valid_until(&fixture, &second).await.to_string(),
        expected_end
    );
    let (status, _) = api(&fixture, "POST", &approve, "").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        valid_until(&fixture, &second).await.to_string(),
        expected_end
    );

    let approve = format!("/api/v1/staff/renewals/{third_id}/approve");
    let (status, approved) = api(&fixture, "POST", &approve, r#"{"paid": true}"#).await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    assert_eq!(approved["paid"], true);

    let (status, _) = api(
        &fixture,
        "POST",
        "/api/v1/staff/renewals/999999/approve",
        "",
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let correction = format!("/api/v1/staff/renewals/{third_id}/request-correction");
    let (status, error) = api(&fixture, "POST", &correction, "").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error["errors"][0]["field"], "reason");

    let (_, approved) = api(
        &fixture,
        "GET",
        "/api/v1/staff/renewals?status=approved",
        "",
    )
    .await;
    assert_eq!(approved["total"], 2);
    let (_, waiting) = api(&fixture, "GET", "/api/v1/staff/renewals", "").await;
    assert_eq!(waiting["total"], 0);
}

#[tokio::test]
async fn desk_renewal_inside_and_outside_window() {
    let fixture = fixture().await;
    let end = today() + Duration::days(10);
    let student = add_member(&fixture, 1, "pelajar", end).await;
    let member_page = format!("/staf/anggota/{}", student.member_number);
    let renew_path = format!("{member_page}/perpanjang");

    let shown = page(&fixture, &member_page, "id").await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.body.contains(&format!("action=\"{renew_path}\"")));
    assert!(
        shown.body.contains("name=\"paid\""),
        "a fee shows the paid box"
    );
    assert!(shown.body.contains("Rp5.000"));
    let key = submission_key(&shown.body);

    let wrong_csrf = post_form(&fixture, &renew_path, &[("csrf", "salah")]).await;
    assert_eq!(wrong_csrf.status, StatusCode::FORBIDDEN);

    let fields = [
        ("csrf", fixture.csrf.as_str()),
        ("submission_key", key.as_str()),
        ("paid", "1"),
    ];
    let renewed = post_form(&fixture, &renew_path, &fields).await;
    assert_eq!(renewed.status, StatusCode::SEE_OTHER, "{}", renewed.body);
    let location = renewed.location.unwrap();
    assert!(
        location.starts_with(&format!("{member_page}?diperpanjang=")),
        "{location}"
    );
    let new_end = Term::Years(1).add_to(end);
    assert_eq!(valid_until(&fixture, &student).await, new_end);

    let history = fixture.store.renewals_of_member(student.id).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].channel, RenewalChannel::Desk);
    assert_eq!(history[0].status, ApplicationStatus::Approved);
    assert_eq!(history[0].fee_rupiah, i64::from(STUDENT_FEE));
    assert!(history[0].paid);
    assert_eq!(history[0].decided_by.as_deref(), Some("petugas"));

    let notice = page(&fixture, &location, "id").await;
    assert_eq!(notice.status, StatusCode::OK);
    assert_resolved(&location, &notice.body);
    let expected = format!("diperpanjang hingga {}", format_date(Locale::Id, new_end));
    assert!(notice.body.contains(&expected), "{}", notice.body);
    assert!(notice.body.contains(&format!("{member_page}/kartu.pdf")));

    // The same form sent again (a double click) shows the same renewal and renews nothing
    // more.
    let repeated = post_form(&fixture, &renew_path, &fields).await;
    assert_eq!(repeated.status, StatusCode::SEE_OTHER);
    assert_eq!(valid_until(&fixture, &student).await, new_end);
    assert_eq!(
        fixture
            .store
            .renewals_of_member(student.id)
            .await
            .unwrap()
            .len(),
        1
    );

    // A card ending in a year is outside the 30-day window.
    let fresh_end = today() + Duration::days(365);
    let fresh = add_member(&fixture, 2, "umum", fresh_end).await;
    let fresh_path = format!("/staf/anggota/{}/perpanjang", fresh.member_number);
    let shown = page(
        &fixture,
        &format!("/staf/anggota/{}", fresh.member_number),
        "id",
    )
    .await;
    assert!(
        !shown.body.contains(&fresh_path),
        "no form outside the window"
    );
    let refused = post_form(&fixture, &fresh_path, &[("csrf", &fixture.csrf)]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let opens_on = format_date(Locale::Id, fresh_end - Duration::days(30));
    let expected = format!("dapat diajukan mulai {opens_on}");
    assert!(refused.body.contains(&expected), "{}", refused.body);
    assert_resolved(&fresh_path, &refused.body);
    assert!(
        fixture
            .store
            .renewals_of_member(fresh.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(valid_until(&fixture, &fresh).await, fresh_end);

    // A member whose online renewal waits is sent to that renewal.
    let waiting = add_member(&fixture, 3, "umum", today() + Duration::days(2)).await;
    let open_id = submit_online(&fixture, &waiting, &[]).await;
    let waiting_path = format!("/staf/anggota/{}/perpanjang", waiting.member_number);
    let open = post_form(&fixture, &waiting_path, &[("csrf", &fixture.csrf)]).await;
    assert_eq!(open.status, StatusCode::CONFLICT);
    assert!(
        open.body
            .contains(&format!("href=\"/staf/perpanjangan/{open_id}\""))
    );
    assert!(open.body.contains("belum selesai"), "{}", open.body);
}

#[tokio::test]
async fn member_search_by_number_or_email() {
    let fixture = fixture().await;
    let member = add_member(&fixture, 7, "umum", today() + Duration::days(100)).await;
    let target = format!("/staf/anggota/{}", member.member_number);

    let by_number = page(
        &fixture,
        &format!("/staf/anggota?cari={}", member.member_number),
        "id",
    )
    .await;
    assert_eq!(by_number.status, StatusCode::SEE_OTHER);
    assert_eq!(by_number.location.as_deref(), Some(target.as_str()));

    let by_email = page(&fixture, "/staf/anggota?cari=+ANGGOTA7%40Example.ID+", "id").await;
    assert_eq!(by_email.status, StatusCode::SEE_OTHER);
    assert_eq!(by_email.location.as_deref(), Some(target.as_str()));

    for language in ["id", "en"] {
        let none = page(&fixture, "/staf/anggota?cari=orang%40example.id", language).await;
        assert_eq!(none.status, StatusCode::OK);
        assert_resolved("/staf/anggota?cari=", &none.body);
        assert!(none.body.contains("role=\"status\""), "{}", none.body);
    }
    // A partial number is not a match.
    let partial = page(
        &fixture,
        &format!("/staf/anggota?cari={}", &member.member_number[..6]),
        "id",
    )
    .await;
    assert_eq!(partial.status, StatusCode::OK);
    let unknown = page(&fixture, "/staf/anggota/000000", "id").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn identity_correction_approval_renames_member() {
    let fixture = fixture().await;
    let now = OffsetDateTime::now_utc();
    let member = add_member(&fixture, 1, "umum", today() + Duration::days(20)).await;
    let other = add_member(&fixture, 2, "umum", today() + Duration::days(20)).await;
    let correction_id = fixture
        .store
        .submit_identity_correction(
            member.id,
            Some("Siti Baru Contoh"),
            None,
            None,
            "Salah ketik",
            now,
        )
        .await
        .unwrap();
    // The other member requests the first member's NIK, which the unique index rejects.
    let taken_id = fixture
        .store
        .submit_identity_correction(
            other.id,
            None,
            Some(&member.identity_number),
            None,
            "NIK baru",
            now,
        )
        .await
        .unwrap();
    let other_renewal = submit_online(&fixture, &other, &[]).await;

    for language in ["id", "en"] {
        let list = page(&fixture, "/staf/koreksi-data", language).await;
        assert_eq!(list.status, StatusCode::OK);
        assert_resolved("/staf/koreksi-data", &list.body);
        assert!(list.body.contains("Siti Baru Contoh"));
        assert!(list.body.contains(&member.member_number));
        let detail = page(
            &fixture,
            &format!("/staf/perpanjangan/{other_renewal}"),
            language,
        )
        .await;
        assert!(
            detail.body.contains("href=\"/staf/koreksi-data\""),
            "correction warning"
        );
    }

    let path = format!("/staf/koreksi-data/{correction_id}");
    let no_reason = post_form(
        &fixture,
        &path,
        &[("csrf", &fixture.csrf), ("action", "reject")],
    )
    .await;
    assert_eq!(no_reason.status, StatusCode::SEE_OTHER);
    let location = no_reason.location.unwrap();
    assert!(location.contains("kesalahan=reason_required"), "{location}");
    let shown = page(&fixture, &location, "id").await;
    assert!(
        shown
            .body
            .contains(&format!("id=\"reason-{correction_id}-error\""))
    );
    assert!(shown.body.contains("Tulis alasan"));

    let approved = post_form(
        &fixture,
        &path,
        &[("csrf", &fixture.csrf), ("action", "approve")],
    )
    .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER);
    let location = approved.location.unwrap();
    assert!(location.contains("selesai=approved"), "{location}");
    let renamed = fixture.store.member(member.id).await.unwrap().unwrap();
    assert_eq!(renamed.full_name, "Siti Baru Contoh");
    let shown = page(&fixture, &location, "id").await;
    assert!(
        shown
            .body
            .contains(&format!("href=\"/staf/anggota/{}\"", member.member_number))
    );

    let again = post_form(
        &fixture,
        &path,
        &[("csrf", &fixture.csrf), ("action", "approve")],
    )
    .await;
    assert!(
        again
            .location
            .unwrap()
            .contains("kesalahan=already_decided")
    );

    let taken_path = format!("/staf/koreksi-data/{taken_id}");
    let taken = post_form(
        &fixture,
        &taken_path,
        &[("csrf", &fixture.csrf), ("action", "approve")],
    )
    .await;
    let location = taken.location.unwrap();
    assert!(location.contains("kesalahan=identity_taken"), "{location}");
    let shown = page(&fixture, &location, "id").await;
    assert!(
        shown.body.contains("sudah dimiliki anggota lain"),
        "{}",
        shown.body
    );
    let unchanged = fixture.store.member(other.id).await.unwrap().unwrap();
    assert_eq!(unchanged.identity_number, other.identity_number);

    let wrong_csrf = post_form(
        &fixture,
        &taken_path,
        &[("csrf", "salah"), ("action", "reject")],
    )
    .await;
    assert_eq!(wrong_csrf.status, StatusCode::FORBIDDEN);
}

/// A member of a type the library no longer offers keeps a working member page, and online
/// renewal returns the reason instead of "reload the page".
#[tokio::test]
async fn removed_member_type_keeps_member_pages_working() {
    let fixture = fixture().await;
    let member = add_member(&fixture, 21, "lama", today() + Duration::days(10)).await;
    let now = OffsetDateTime::now_utc();
    let cookie = fixture
        .store
        .create_member_session(member.id, SessionKind::Cookie, now, Duration::hours(1))
        .await
        .unwrap();
    let token = fixture
        .store
        .create_member_session(member.id, SessionKind::Api, now, Duration::hours(1))
        .await
        .unwrap();

    let request = Request::get("/akun")
        .header(header::COOKIE, format!("raline_member={cookie}"))
        .body(Body::empty())
        .unwrap();
    let response = fixture.app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let html = String::from_utf8_lossy(&body);
    assert!(html.contains("tidak lagi dapat diperpanjang"), "{html}");

    let request = Request::post("/api/v1/me/renewals")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{}"))
        .unwrap();
    let response = fixture.app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let json: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(json["error"]["code"], "member_type_unavailable", "{json}");
    assert!(
        fixture
            .store
            .renewals_of_member(member.id)
            .await
            .unwrap()
            .is_empty()
    );
}
