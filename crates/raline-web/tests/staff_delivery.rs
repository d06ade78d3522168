//! Message delivery on staff pages, driven through the router with a real SQLite file. The
//! tests cover the delivery table and resending, failed messages, the WhatsApp link of a
//! member and the admin's editor of message texts.
//!
//! Messages come from approving an application through the store with the WhatsApp channel
//! on, so each approval queues a card e-mail and a card WhatsApp message. The tests then play
//! the outbox worker with `claim_outbox_message` and set each message's outcome.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use raline_delivery::ComposeMail;
use raline_domain::{Decision, MemberType};
use raline_store::{
    Approval, FileStore, MemberRecord, OutboxChannel, OutboxKind, OutboxMessage, OutboxState,
    StaffRole, Store,
};
use raline_web::i18n::{Locale, has_key};
use raline_web::{AppConfig, AppState, Composer, LibraryInfo};
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
    /// The router's state, for composing messages as the outbox worker does.
    state: AppState,
    store: Store,
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
    let folder = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", folder.path().join("raline.sqlite").display());
    let store = Store::connect(&url, 4).await.unwrap().with_whatsapp(true);
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
        inlislite: None,
        member_number_scheme: Default::default(),
        member_number_prefix: String::new(),
    };
    let state = AppState::new(config, store.clone(), files).await.unwrap();
    let admin = login(&store, "admin", StaffRole::Admin).await;
    let verifier = login(&store, "petugas", StaffRole::Verifier).await;
    Fixture {
        app: raline_web::router(state.clone()),
        state,
        store,
        admin,
        verifier,
        _folder: folder,
    }
}

/// Phone number of the member made with `serial`, as the store keeps it.
fn phone_e164(serial: u16) -> String {
    format!("+628123456{serial:04}")
}

/// Submits a new application and returns its id. `serial` makes the NIK, e-mail address and
/// phone number unique.
async fn add_application(fixture: &Fixture, serial: u16) -> i64 {
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
    id
}

/// Approves a new application and returns the member. `serial` makes the NIK, e-mail address
/// and phone number unique.
async fn add_member(fixture: &Fixture, serial: u16) -> MemberRecord {
    let id = add_application(fixture, serial).await;
    let now = OffsetDateTime::now_utc();
    let today = raline_domain::dates::wib_date(now);
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
    let member = decided.member.unwrap();
    assert_eq!(member.phone_e164, phone_e164(serial));
    member
}

/// Claims every due message, as the outbox worker would before sending.
async fn claim_all(store: &Store) -> Vec<OutboxMessage> {
    let mut claimed = Vec::new();
    while let Some(message) = store
        .claim_outbox_message(OffsetDateTime::now_utc(), Duration::minutes(5), "test/1")
        .await
        .unwrap()
    {
        claimed.push(message);
    }
    claimed
}

/// Claims every due message and marks it sent.
async fn send_all(store: &Store) -> Vec<OutboxMessage> {
    let claimed = claim_all(store).await;
    for message in &claimed {
        store
            .mark_outbox_sent(message.id, OffsetDateTime::now_utc(), "memory", None)
            .await
            .unwrap();
    }
    claimed
}

/// The member's message of a kind and channel.
async fn message_of(
    store: &Store,
    member: &MemberRecord,
    kind: OutboxKind,
    channel: OutboxChannel,
) -> OutboxMessage {
    store
        .outbox_for_member(member.id)
        .await
        .unwrap()
        .into_iter()
        .find(|message| message.kind == kind && message.channel == channel)
        .unwrap_or_else(|| panic!("no {kind:?} message by {channel:?}"))
}

struct Reply {
    status: StatusCode,
    location: Option<String>,
    body: String,
}

async fn send(fixture: &Fixture, request: Request<Body>) -> Reply {
    let response = fixture.app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let location = response
        .headers()
        .get(header::LOCATION)
        .map(|value| value.to_str().unwrap().to_owned());
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        location,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// Requests a page in Indonesian as `login`.
async fn page(fixture: &Fixture, login: &Login, path: &str) -> Reply {
    let request = Request::get(path)
        .header(
            header::COOKIE,
            format!("raline_staff={}; raline_lang=id", login.session),
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

/// Returns `text` as minijinja's HTML escaping writes it in attribute values.
fn escaped(text: &str) -> String {
    text.replace('/', "&#x2f;")
}

/// Fails when a page shows a raw catalogue key or an error of minijinja.
fn assert_resolved(path: &str, html: &str) {
    for prefix in [
        "delivery-",
        "templates-",
        "template-",
        "outbox-",
        "staff-",
        "http-",
    ] {
        let raw_key = html
            .split('<')
            .filter_map(|tag| tag.split_once('>').map(|(_, text)| text.trim()))
            .any(|text| text.split_whitespace().any(|word| word.starts_with(prefix)));
        assert!(!raw_key, "{path}: raw key {prefix}… in page");
    }
    assert!(!html.contains("undefined"), "{path}: undefined value");
}

const WHATSAPP_EDITOR: &str = "/staf/teks-pesan/card_issued/whatsapp/id";
const EMAIL_EDITOR: &str = "/staf/teks-pesan/card_issued/email/id";

#[tokio::test]
async fn editor_forbidden_for_verifier() {
    let fixture = fixture().await;
    let verifier = &fixture.verifier;

    for path in ["/staf/teks-pesan", WHATSAPP_EDITOR] {
        let reply = page(&fixture, verifier, path).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{path}");
    }
    let reply = post_form(
        &fixture,
        verifier,
        WHATSAPP_EDITOR,
        &[
            ("csrf", &verifier.csrf),
            ("action", "save"),
            ("body", "Halo {nama}"),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let stored = fixture
        .store
        .message_template(OutboxKind::CardIssued, OutboxChannel::WhatsApp, "id")
        .await
        .unwrap();
    assert_eq!(stored, None);

    let queue = page(&fixture, verifier, "/staf").await;
    assert!(
        !queue.body.contains("/staf/teks-pesan"),
        "verifier sees the editor link"
    );
    let queue = page(&fixture, &fixture.admin, "/staf").await;
    assert!(
        queue.body.contains("href=\"/staf/teks-pesan\""),
        "admin lacks the editor link"
    );
}

#[tokio::test]
async fn editor_saves_whatsapp_text() {
    let fixture = fixture().await;
    let admin = &fixture.admin;

    let list = page(&fixture, admin, "/staf/teks-pesan").await;
    assert_eq!(list.status, StatusCode::OK);
    assert_resolved("/staf/teks-pesan", &list.body);
    assert!(
        !list.body.contains("diubah oleh"),
        "a text is customised before any save"
    );
    assert!(list.body.contains(&escaped(WHATSAPP_EDITOR)));
    assert!(
        !list
            .body
            .contains(&escaped("/staf/teks-pesan/password_reset/whatsapp/")),
        "password reset links are listed for WhatsApp"
    );

    let reply = post_form(
        &fixture,
        admin,
        WHATSAPP_EDITOR,
        &[
            ("csrf", &admin.csrf),
            ("action", "save"),
            ("body", "Halo {nama},\r\nkartu Anda siap."),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(
        reply.location.as_deref(),
        Some("/staf/teks-pesan/card_issued/whatsapp/id?disimpan=teks")
    );

    let stored = fixture
        .store
        .message_template(OutboxKind::CardIssued, OutboxChannel::WhatsApp, "id")
        .await
        .unwrap()
        .expect("the text was not stored");
    assert_eq!(stored.body, "Halo {nama},\nkartu Anda siap.");
    assert_eq!(stored.subject, None);
    assert_eq!(stored.updated_by.as_deref(), Some("admin"));

    let list = page(&fixture, admin, "/staf/teks-pesan").await;
    assert!(list.body.contains("diubah oleh admin"), "{}", list.body);

    let editor = page(&fixture, admin, reply.location.as_deref().unwrap()).await;
    assert_eq!(editor.status, StatusCode::OK);
    assert_resolved(WHATSAPP_EDITOR, &editor.body);
    assert!(editor.body.contains("Teks pesan disimpan."));
    assert!(editor.body.contains("Halo {nama},\nkartu Anda siap."));
    assert!(
        editor
            .body
            .contains("Halo Siti Aminah,<br>kartu Anda siap.")
    );
}

#[tokio::test]
async fn editor_rejects_unknown_variable() {
    let fixture = fixture().await;
    let admin = &fixture.admin;

    let reply = post_form(
        &fixture,
        admin,
        WHATSAPP_EDITOR,
        &[
            ("csrf", &admin.csrf),
            ("action", "save"),
            ("body", "Halo {name}, kartu siap."),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_resolved(WHATSAPP_EDITOR, &reply.body);
    assert!(
        reply
            .body
            .contains("Isi pesan: Variabel {name} tidak dikenal."),
        "{}",
        reply.body
    );
    assert!(reply.body.contains(">Halo {name}, kartu siap.</textarea>"));
    let stored = fixture
        .store
        .message_template(OutboxKind::CardIssued, OutboxChannel::WhatsApp, "id")
        .await
        .unwrap();
    assert_eq!(stored, None);
}

#[tokio::test]
async fn editor_rejects_unavailable_variable() {
    let fixture = fixture().await;
    let admin = &fixture.admin;

    let reply = post_form(
        &fixture,
        admin,
        WHATSAPP_EDITOR,
        &[
            ("csrf", &admin.csrf),
            ("action", "save"),
            ("body", "Halo {nama}, alasan: {alasan}"),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_resolved(WHATSAPP_EDITOR, &reply.body);
    assert!(
        reply
            .body
            .contains("Isi pesan: Variabel {alasan} tidak tersedia untuk pesan ini."),
        "{}",
        reply.body
    );
    let stored = fixture.store.message_templates().await.unwrap();
    assert!(stored.is_empty(), "{stored:?}");

    let rejected = "/staf/teks-pesan/rejected/whatsapp/id";
    let reply = post_form(
        &fixture,
        admin,
        rejected,
        &[
            ("csrf", &admin.csrf),
            ("action", "save"),
            ("body", "Halo {nama}, alasan: {alasan}"),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
}

/// Placeholders that the editor at `path` lists, sorted.
async fn listed_variables(fixture: &Fixture, path: &str) -> Vec<String> {
    let editor = page(fixture, &fixture.admin, path).await;
    assert_eq!(editor.status, StatusCode::OK, "{path}");
    let mut names: Vec<String> = editor
        .body
        .split("<code>{")
        .skip(1)
        .filter_map(|rest| rest.split_once("}</code>").map(|(name, _)| name.to_owned()))
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn editor_lists_kind_variables() {
    let fixture = fixture().await;

    let card = listed_variables(&fixture, WHATSAPP_EDITOR).await;
    assert_eq!(
        card,
        [
            "berlaku_sampai",
            "jenis_anggota",
            "nama",
            "nomor_anggota",
            "nomor_pendaftaran",
            "perpustakaan",
            "tautan_kartu",
            "tautan_status",
        ]
    );

    let verification =
        listed_variables(&fixture, "/staf/teks-pesan/email_verification/email/en").await;
    assert_eq!(
        verification,
        [
            "jenis_anggota",
            "nama",
            "nomor_pendaftaran",
            "perpustakaan",
            "tautan"
        ]
    );
}

/// The composer fills every variable that the editor lists for a kind, so no text the editor
/// accepts loses a value when it is sent. It may fill more: the status link is filled for
/// every application, but the editor offers it only where the message is about the status.
/// Card messages are left out because composing them needs the member's photo.
#[tokio::test]
async fn composer_fills_listed_variables() {
    let fixture = fixture().await;
    let member = add_member(&fixture, 20).await;
    let rejected = add_application(&fixture, 21).await;
    let corrected = add_application(&fixture, 22).await;
    let now = OffsetDateTime::now_utc();
    for (id, decision) in [
        (rejected, Decision::Reject),
        (corrected, Decision::RequestCorrection),
    ] {
        fixture
            .store
            .decide(
                id,
                fixture.admin.id,
                decision,
                Some("Foto KTP buram."),
                None,
                now,
            )
            .await
            .unwrap();
    }
    let queued = fixture
        .store
        .queue_due_reminders(member.valid_until - Duration::days(30), &[30], now)
        .await
        .unwrap();
    assert_eq!(queued, 1, "no renewal reminder queued");

    let composer = Composer::new(fixture.state.clone());
    let cases = [
        (member.application_id, OutboxKind::RenewalReminder),
        (rejected, OutboxKind::Rejected),
        (corrected, OutboxKind::CorrectionRequested),
    ];
    for (application_id, kind) in cases {
        let message = fixture
            .store
            .outbox_for_application(application_id)
            .await
            .unwrap()
            .into_iter()
            .find(|message| message.kind == kind && message.channel == OutboxChannel::WhatsApp)
            .unwrap_or_else(|| panic!("no WhatsApp message of {kind:?}"));
        let composed = composer
            .compose_whatsapp(&message)
            .await
            .unwrap_or_else(|error| panic!("{kind:?} not composed: {error}"));
        let filled: Vec<String> = composed.variables.into_keys().collect();

        let path = format!("/staf/teks-pesan/{}/whatsapp/id", kind.as_str());
        let listed = listed_variables(&fixture, &path).await;
        for name in &listed {
            assert!(
                filled.contains(name),
                "{kind:?}: {{{name}}} is listed but not filled"
            );
        }
        for name in &filled {
            assert!(
                listed.contains(name) || name == "tautan_status",
                "{kind:?}: {{{name}}} is filled but not listed"
            );
        }
    }
}

#[tokio::test]
async fn preview_uses_real_number_formats() {
    let fixture = fixture().await;
    let admin = &fixture.admin;

    let reply = post_form(
        &fixture,
        admin,
        WHATSAPP_EDITOR,
        &[
            ("csrf", &admin.csrf),
            ("action", "preview"),
            ("body", "{nomor_anggota} / {nomor_pendaftaran}"),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply.body.contains("26120500042 &#x2f; REG-261205-0042"),
        "{}",
        reply.body
    );
}

#[tokio::test]
async fn editor_checks_subject_and_length() {
    let fixture = fixture().await;
    let admin = &fixture.admin;

    let reply = post_form(
        &fixture,
        admin,
        EMAIL_EDITOR,
        &[
            ("csrf", &admin.csrf),
            ("action", "save"),
            ("subject", " "),
            ("body", "Yth. {nama}"),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("Subjek e-mail tidak boleh kosong."));

    let long = "a".repeat(1001);
    let reply = post_form(
        &fixture,
        admin,
        WHATSAPP_EDITOR,
        &[("csrf", &admin.csrf), ("action", "save"), ("body", &long)],
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply
            .body
            .contains("Isi pesan terlalu panjang: paling banyak 1000 karakter."),
        "{}",
        reply.body
    );
    let stored = fixture.store.message_templates().await.unwrap();
    assert!(stored.is_empty(), "{stored:?}");
}

#[tokio::test]
async fn editor_preview_does_not_store() {
    let fixture = fixture().await;
    let admin = &fixture.admin;

    let reply = post_form(
        &fixture,
        admin,
        EMAIL_EDITOR,
        &[
            ("csrf", &admin.csrf),
            ("action", "preview"),
            ("subject", "Kartu untuk {nama}"),
            ("body", "Yth. {nama},\n\nkartu <b>siap</b>."),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_resolved(EMAIL_EDITOR, &reply.body);
    assert!(reply.body.contains("Kartu untuk Siti Aminah"));
    assert!(reply.body.contains("<p>Yth. Siti Aminah,</p>"));
    assert!(
        reply.body.contains("kartu &lt;b&gt;siap&lt;&#x2f;b&gt;."),
        "the preview is not escaped"
    );
    let stored = fixture.store.message_templates().await.unwrap();
    assert!(stored.is_empty(), "{stored:?}");
}

#[tokio::test]
async fn editor_reset_restores_built_in() {
    let fixture = fixture().await;
    let admin = &fixture.admin;
    let built_in = page(&fixture, admin, WHATSAPP_EDITOR).await;
    assert!(
        built_in.body.contains("telah disetujui"),
        "{}",
        built_in.body
    );

    fixture
        .store
        .save_message_template(
            OutboxKind::CardIssued,
            OutboxChannel::WhatsApp,
            "id",
            None,
            "Teks lama {nama}",
            admin.id,
            OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();
    let customised = page(&fixture, admin, WHATSAPP_EDITOR).await;
    assert!(customised.body.contains("Teks lama {nama}"));

    let reply = post_form(
        &fixture,
        admin,
        WHATSAPP_EDITOR,
        &[("csrf", &admin.csrf), ("action", "reset")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let stored = fixture
        .store
        .message_template(OutboxKind::CardIssued, OutboxChannel::WhatsApp, "id")
        .await
        .unwrap();
    assert_eq!(stored, None);

    let editor = page(&fixture, admin, reply.location.as_deref().unwrap()).await;
    assert!(editor.body.contains("Teks bawaan dipakai lagi."));
    assert!(!editor.body.contains("Teks lama"));
    assert!(editor.body.contains("telah disetujui"));
}

#[tokio::test]
async fn editor_unknown_paths_not_found() {
    let fixture = fixture().await;
    for path in [
        "/staf/teks-pesan/unknown/email/id",
        "/staf/teks-pesan/card_issued/sms/id",
        "/staf/teks-pesan/card_issued/email/fr",
        "/staf/teks-pesan/password_reset/whatsapp/id",
    ] {
        let reply = page(&fixture, &fixture.admin, path).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn resend_queues_copy() {
    let fixture = fixture().await;
    let admin = &fixture.admin;
    let member = add_member(&fixture, 1).await;
    send_all(&fixture.store).await;
    let original = message_of(
        &fixture.store,
        &member,
        OutboxKind::CardIssued,
        OutboxChannel::WhatsApp,
    )
    .await;
    assert_eq!(original.state, OutboxState::Sent);

    let back = format!("/staf/anggota/{}", member.member_number);
    let path = format!("/staf/pesan/{}/kirim-ulang", original.id);
    let reply = post_form(
        &fixture,
        admin,
        &path,
        &[("csrf", &admin.csrf), ("back", &back)],
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(
        reply.location.as_deref(),
        Some(format!("{back}?pengiriman=ulang#pesan").as_str())
    );

    let messages = fixture.store.outbox_for_member(member.id).await.unwrap();
    let copy = messages
        .iter()
        .find(|message| message.resend_of == Some(original.id))
        .expect("no copy was queued");
    assert_eq!(copy.state, OutboxState::Queued);
    assert_eq!(copy.channel, OutboxChannel::WhatsApp);
    assert_eq!(copy.kind, OutboxKind::CardIssued);

    let member_page = page(&fixture, admin, &format!("{back}?pengiriman=ulang")).await;
    assert_eq!(member_page.status, StatusCode::OK);
    assert_resolved(&back, &member_page.body);
    assert!(
        member_page
            .body
            .contains("Pesan dimasukkan lagi ke antrean pengiriman.")
    );
    assert!(
        member_page
            .body
            .contains(&format!("kiriman ulang pesan #{}", original.id))
    );

    // The copy still waits in the queue, so it is not queued a second time.
    let reply = post_form(
        &fixture,
        admin,
        &format!("/staf/pesan/{}/kirim-ulang", copy.id),
        &[("csrf", &admin.csrf), ("back", &back)],
    )
    .await;
    assert_eq!(
        reply.location.as_deref(),
        Some(format!("{back}?pengiriman=antre#pesan").as_str())
    );
    let count = fixture
        .store
        .outbox_for_member(member.id)
        .await
        .unwrap()
        .len();
    assert_eq!(count, messages.len());
}

#[tokio::test]
async fn resend_rejects_foreign_back() {
    let fixture = fixture().await;
    let admin = &fixture.admin;
    let member = add_member(&fixture, 2).await;
    send_all(&fixture.store).await;
    let original = message_of(
        &fixture.store,
        &member,
        OutboxKind::CardIssued,
        OutboxChannel::Email,
    )
    .await;
    let path = format!("/staf/pesan/{}/kirim-ulang", original.id);

    for back in [
        "//evil.example",
        "https://evil.example/staf/",
        "/staf/\\evil.example",
    ] {
        // The store queues one copy at a time, so each resend follows a sent copy.
        send_all(&fixture.store).await;
        let reply = post_form(
            &fixture,
            admin,
            &path,
            &[("csrf", &admin.csrf), ("back", back)],
        )
        .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{back}");
        assert_eq!(
            reply.location.as_deref(),
            Some("/staf?pengiriman=ulang#pesan"),
            "{back}"
        );
    }
    let queue = page(&fixture, &fixture.verifier, "/staf?pengiriman=ulang").await;
    assert!(
        queue
            .body
            .contains("Pesan dimasukkan lagi ke antrean pengiriman.")
    );
}

#[tokio::test]
async fn resend_needs_csrf() {
    let fixture = fixture().await;
    let member = add_member(&fixture, 3).await;
    send_all(&fixture.store).await;
    let original = message_of(
        &fixture.store,
        &member,
        OutboxKind::CardIssued,
        OutboxChannel::Email,
    )
    .await;
    let before = fixture
        .store
        .outbox_for_member(member.id)
        .await
        .unwrap()
        .len();
    let path = format!("/staf/pesan/{}/kirim-ulang", original.id);

    let missing = post_form(&fixture, &fixture.verifier, &path, &[("back", "/staf/")]).await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    let wrong = post_form(
        &fixture,
        &fixture.verifier,
        &path,
        &[("csrf", "salah"), ("back", "/staf/")],
    )
    .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);

    let after = fixture
        .store
        .outbox_for_member(member.id)
        .await
        .unwrap()
        .len();
    assert_eq!(after, before);
}

#[tokio::test]
async fn resend_rejects_single_use_links() {
    let fixture = fixture().await;
    let member = add_member(&fixture, 4).await;
    send_all(&fixture.store).await;
    let verification = fixture
        .store
        .outbox_for_application(member.application_id)
        .await
        .unwrap()
        .into_iter()
        .find(|message| message.kind == OutboxKind::EmailVerification)
        .expect("no verification message was queued");

    let detail = page(
        &fixture,
        &fixture.verifier,
        &format!("/staf/pendaftaran/{}", member.application_id),
    )
    .await;
    let row_start = detail
        .body
        .find(&format!("data-outbox=\"{}\"", verification.id))
        .expect("the verification message is not listed");
    let row = &detail.body[row_start..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(!row.contains("kirim-ulang"), "{row}");

    let reply = post_form(
        &fixture,
        &fixture.verifier,
        &format!("/staf/pesan/{}/kirim-ulang", verification.id),
        &[("csrf", &fixture.verifier.csrf), ("back", "/staf/")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(reply.body.contains("tidak dapat dikirim ulang"));
}

#[tokio::test]
async fn failures_listed_and_counted() {
    let fixture = fixture().await;
    let verifier = &fixture.verifier;
    let member = add_member(&fixture, 5).await;

    let queue = page(&fixture, verifier, "/staf").await;
    assert!(
        queue
            .body
            .contains("Tidak ada pesan gagal dalam 24 jam terakhir.")
    );

    for message in claim_all(&fixture.store).await {
        let now = OffsetDateTime::now_utc();
        if message.channel == OutboxChannel::WhatsApp {
            fixture
                .store
                .fail_outbox_message(message.id, "recipient not on WhatsApp (131026)", now)
                .await
                .unwrap();
        } else {
            fixture
                .store
                .mark_outbox_sent(message.id, now, "memory", None)
                .await
                .unwrap();
        }
    }
    let failed = message_of(
        &fixture.store,
        &member,
        OutboxKind::CardIssued,
        OutboxChannel::WhatsApp,
    )
    .await;
    assert_eq!(failed.state, OutboxState::Failed);

    let queue = page(&fixture, verifier, "/staf").await;
    assert_resolved("/staf", &queue.body);
    assert!(
        queue.body.contains("1 pesan gagal dalam 24 jam terakhir."),
        "{}",
        queue.body
    );
    assert!(queue.body.contains("href=\"/staf/pesan-gagal\""));

    let failures = page(&fixture, verifier, "/staf/pesan-gagal").await;
    assert_eq!(failures.status, StatusCode::OK);
    assert_resolved("/staf/pesan-gagal", &failures.body);
    assert!(
        failures
            .body
            .contains(&format!("data-outbox=\"{}\"", failed.id))
    );
    assert!(
        failures
            .body
            .contains("Penyedia menolak atau gagal mengirim pesan.")
    );
    assert!(
        failures.body.contains(
            "<span class=\"muted\" lang=\"en\">recipient not on WhatsApp (131026)</span>"
        )
    );
    assert!(failures.body.contains("WhatsApp"));
    assert!(failures.body.contains(&format!(
        "href=\"/staf/pendaftaran/{}\"",
        member.application_id
    )));
    assert!(
        failures
            .body
            .contains(&format!("action=\"/staf/pesan/{}/kirim-ulang\"", failed.id))
    );
    assert!(
        failures
            .body
            .contains(&format!("value=\"{}\"", escaped("/staf/pesan-gagal")))
    );
}

#[tokio::test]
async fn failure_reasons_summarised() {
    let fixture = fixture().await;
    let members = [
        add_member(&fixture, 30).await,
        add_member(&fixture, 31).await,
        add_member(&fixture, 32).await,
    ];
    // The worker's text for each message, with the summary that staff read.
    let reasons: [(OutboxChannel, &str, &str); 6] = [
        (
            OutboxChannel::WhatsApp,
            "outcome unknown: request timed out after 30 s",
            "Penyedia mungkin sudah menerima pesan, jadi pesan tidak dikirim ulang otomatis.",
        ),
        (
            OutboxChannel::Email,
            "mail rejected by the SMTP server: 550 mailbox unavailable",
            "Penyedia menolak atau gagal mengirim pesan.",
        ),
        (
            OutboxChannel::WhatsApp,
            "message cannot be composed: the recipient opted out of WhatsApp after the \
             message was queued",
            "Penerima memilih tidak menerima WhatsApp setelah pesan masuk antrean.",
        ),
        (
            OutboxChannel::Email,
            "message cannot be composed: member no longer exists",
            "Pesan tidak dapat disusun",
        ),
        (
            OutboxChannel::WhatsApp,
            raline_store::INTERRUPTED_ERROR,
            "Pengiriman terputus saat pesan diserahkan ke penyedia",
        ),
        (
            OutboxChannel::Email,
            "WhatsApp is not configured on the node that sent this message",
            "WhatsApp belum diatur di server yang mengirim pesan ini.",
        ),
    ];
    claim_all(&fixture.store).await;
    for (index, (channel, text, _)) in reasons.iter().enumerate() {
        let message = message_of(
            &fixture.store,
            &members[index / 2],
            OutboxKind::CardIssued,
            *channel,
        )
        .await;
        fixture
            .store
            .fail_outbox_message(message.id, text, OffsetDateTime::now_utc())
            .await
            .unwrap();
    }

    let failures = page(&fixture, &fixture.verifier, "/staf/pesan-gagal").await;
    assert_eq!(failures.status, StatusCode::OK);
    assert_resolved("/staf/pesan-gagal", &failures.body);
    for (_, text, summary) in reasons {
        assert!(failures.body.contains(summary), "no summary {summary:?}");
        let detail = format!("<span class=\"muted\" lang=\"en\">{text}</span>");
        if text == raline_store::INTERRUPTED_ERROR {
            assert!(!failures.body.contains(text), "the English text is shown");
        } else {
            assert!(failures.body.contains(&detail), "no detail {text:?}");
        }
    }

    let detail_path = format!("/staf/pendaftaran/{}", members[0].application_id);
    let detail = page(&fixture, &fixture.verifier, &detail_path).await;
    assert!(detail.body.contains("Hasil pengiriman tidak diketahui"));
}

#[tokio::test]
async fn member_page_links_whatsapp() {
    let fixture = fixture().await;
    let member = add_member(&fixture, 6).await;
    let path = format!("/staf/anggota/{}", member.member_number);
    let digits = phone_e164(6).trim_start_matches('+').to_owned();

    let reply = page(&fixture, &fixture.verifier, &path).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_resolved(&path, &reply.body);
    assert!(
        reply.body.contains(&format!("wa.me&#x2f;{digits}?text=")),
        "{}",
        reply.body
    );
    assert!(reply.body.contains("%2Fkartu%2F"), "no encoded card link");
    assert!(reply.body.contains("Yth.%20Siti%20Contoh%2C%0A"));
    assert!(reply.body.contains("target=\"_blank\""));
    assert!(reply.body.contains("berlaku 72 jam"));
    assert!(!reply.body.contains("memilih tidak menerima WhatsApp"));

    let detail_path = format!("/staf/pendaftaran/{}", member.application_id);
    let detail = page(&fixture, &fixture.verifier, &detail_path).await;
    assert_resolved(&detail_path, &detail.body);
    assert!(detail.body.contains(&format!("wa.me&#x2f;{digits}?text=")));

    fixture
        .store
        .set_member_whatsapp_opt_out(member.id, true)
        .await
        .unwrap();
    let reply = page(&fixture, &fixture.verifier, &path).await;
    assert!(reply.body.contains("memilih tidak menerima WhatsApp"));
    assert!(reply.body.contains(&format!("wa.me&#x2f;{digits}?text=")));
}

#[tokio::test]
async fn detail_page_lists_deliveries() {
    let fixture = fixture().await;
    let member = add_member(&fixture, 7).await;
    let path = format!("/staf/pendaftaran/{}", member.application_id);

    let queued = page(&fixture, &fixture.verifier, &path).await;
    assert_resolved(&path, &queued.body);
    assert!(queued.body.contains("Dalam antrean"));
    assert!(
        !queued.body.contains("kirim-ulang"),
        "a queued message can be resent"
    );

    for message in claim_all(&fixture.store).await {
        let now = OffsetDateTime::now_utc();
        fixture
            .store
            .mark_outbox_sent(message.id, now, "cloud_api", Some("wamid.1"))
            .await
            .unwrap();
    }
    let sent = page(&fixture, &fixture.verifier, &path).await;
    assert!(sent.body.contains("Terkirim"));
    assert!(sent.body.contains("lewat cloud_api"));
    assert!(sent.body.contains("1 kali dicoba"));
    assert!(sent.body.contains("WIB"));
    assert!(sent.body.contains(&format!("value=\"{}\"", escaped(&path))));
}

/// Prefixes of the catalogue keys that the delivery code uses.
const KEY_PREFIXES: [&str; 5] = ["delivery-", "templates-", "template-", "outbox-", "staff-"];

/// Keys that `t("…")` names in a template.
fn template_keys(source: &str) -> Vec<String> {
    source
        .match_indices("t(\"")
        .filter_map(|(start, marker)| {
            let rest = &source[start + marker.len()..];
            rest.find('"').map(|end| rest[..end].to_owned())
        })
        .collect()
}

/// Quoted words in Rust source that look like catalogue keys. Keys built with `format!`
/// contain braces and are left out; `catalogue_has_every_key` checks them for every value.
fn code_keys(source: &str) -> Vec<String> {
    source
        .split('"')
        .skip(1)
        .step_by(2)
        .filter(|word| KEY_PREFIXES.iter().any(|prefix| word.starts_with(prefix)))
        .filter(|word| {
            word.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        })
        .map(str::to_owned)
        .collect()
}

#[test]
fn catalogue_has_every_key() {
    let root = env!("CARGO_MANIFEST_DIR");
    let files = [
        "templates/staff_deliveries.html",
        "templates/staff_messages_failed.html",
        "templates/staff_templates.html",
        "templates/staff_templates_edit.html",
        "templates/staff_nav.html",
        "templates/staff_queue.html",
        "templates/staff_detail.html",
        "templates/staff_member.html",
        "src/staff_delivery.rs",
    ];
    let mut keys = Vec::new();
    for file in files {
        let source = std::fs::read_to_string(format!("{root}/{file}")).unwrap();
        if file.ends_with(".rs") {
            keys.extend(code_keys(&source));
        } else {
            keys.extend(template_keys(&source));
        }
    }
    assert!(keys.len() > 40, "the scan found only {} keys", keys.len());
    for kind in OutboxKind::ALL {
        keys.push(format!("outbox-kind-{}", kind.as_str()));
    }
    for channel in OutboxChannel::ALL {
        keys.push(format!("outbox-channel-{}", channel.as_str()));
    }
    for state in OutboxState::ALL {
        keys.push(format!("outbox-state-{}", state.as_str()));
    }
    for locale in [Locale::Id, Locale::En] {
        keys.push(format!("templates-locale-{}", locale.code()));
    }

    for key in &keys {
        for locale in [Locale::Id, Locale::En] {
            assert!(has_key(locale, key), "no message {key} in {locale:?}");
        }
    }
}
