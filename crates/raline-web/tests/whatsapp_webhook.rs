//! The WhatsApp Cloud API webhook driven through the router, with a Cloud API provider
//! configured and a real SQLite file: the body limit of notifications, the handshake, and
//! the JSON error bodies of rejected requests. The provider's base URL is a closed local port,
//! and these tests send nothing to it.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use raline_delivery::whatsapp::webhook::signature_header;
use raline_delivery::whatsapp::{CloudApi, CloudApiSettings, WhatsAppProvider};
use raline_domain::MemberType;
use raline_store::{FileStore, Store};
use raline_web::{AppConfig, AppState, LibraryInfo};
use time::Duration;
use tower::ServiceExt;

const WEBHOOK: &str = "/api/v1/whatsapp/webhook";
const APP_SECRET: &str = "rahasia-aplikasi-uji";
const VERIFY_TOKEN: &str = "token-verifikasi-uji";

struct Fixture {
    app: axum::Router,
    store: Store,
    _folder: tempfile::TempDir,
}

fn cloud_api() -> WhatsAppProvider {
    let settings: CloudApiSettings = serde_json::from_value(serde_json::json!({
        "base_url": "http://127.0.0.1:9",
        "phone_number_id": "1234567890",
        "access_token": "token-akses-uji",
        "app_secret": APP_SECRET,
        "verify_token": VERIFY_TOKEN,
    }))
    .unwrap();
    WhatsAppProvider::CloudApi(CloudApi::new(settings).unwrap())
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
        whatsapp: Some(std::sync::Arc::new(cloud_api())),
        inlislite: None,
        member_number_scheme: Default::default(),
        member_number_prefix: String::new(),
    };
    let state = AppState::new(config, store.clone(), files).await.unwrap();
    Fixture {
        app: raline_web::router(state),
        store,
        _folder: folder,
    }
}

struct Reply {
    status: StatusCode,
    content_type: Option<String>,
    body: String,
}

impl Reply {
    /// Returns the `error.code` of the API's JSON error body, failing when the body is not
    /// that JSON.
    fn error_code(&self) -> String {
        assert_eq!(
            self.content_type.as_deref(),
            Some("application/json"),
            "{}",
            self.body
        );
        let json: serde_json::Value = serde_json::from_str(&self.body)
            .unwrap_or_else(|error| panic!("not JSON ({error}): {}", self.body));
        json["error"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("no error.code: {}", self.body))
            .to_owned()
    }
}

async fn send(fixture: &Fixture, request: Request<Body>) -> Reply {
    let response = fixture.app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|value| value.to_str().unwrap().to_owned());
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        content_type,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// Posts `body` to the webhook, signed with the app secret as Meta signs it.
async fn post_signed(fixture: &Fixture, body: Vec<u8>) -> Reply {
    let signature = signature_header(APP_SECRET.as_bytes(), &body);
    let request = Request::post(WEBHOOK)
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-hub-signature-256", signature)
        .body(Body::from(body))
        .unwrap();
    send(fixture, request).await
}

async fn get(fixture: &Fixture, path: &str) -> Reply {
    send(fixture, Request::get(path).body(Body::empty()).unwrap()).await
}

/// Builds a notification with 1000 failed statuses, the most Meta sends at once, each with a
/// long error detail, and one inbound message from `from_wa_id`. The body is at least
/// `min_bytes` long.
fn batch_body(from_wa_id: &str, min_bytes: usize) -> Vec<u8> {
    const STATUSES: usize = 1000;
    let detail = "x".repeat(min_bytes / STATUSES);
    let statuses: Vec<serde_json::Value> = (0..STATUSES)
        .map(|index| {
            serde_json::json!({
                "id": format!("wamid.unknown{index}"),
                "status": "failed",
                "timestamp": "1765000000",
                "recipient_id": "6281200000000",
                "errors": [{
                    "code": 131026,
                    "title": "Message undeliverable",
                    "error_data": { "details": detail },
                }],
            })
        })
        .collect();
    let payload = serde_json::json!({
        "object": "whatsapp_business_account",
        "entry": [{
            "id": "1",
            "changes": [{
                "field": "messages",
                "value": {
                    "messaging_product": "whatsapp",
                    "statuses": statuses,
                    "messages": [{
                        "from": from_wa_id,
                        "id": "wamid.inbound1",
                        "timestamp": "1765000000",
                        "type": "text",
                        "text": { "body": "Halo" },
                    }],
                },
            }],
        }],
    });
    serde_json::to_vec(&payload).unwrap()
}

#[tokio::test]
async fn large_signed_batch_accepted() {
    let fixture = fixture().await;
    let body = batch_body("6281234567890", 3 * 1024 * 1024);
    assert!(body.len() > 3 * 1024 * 1024, "body is {} bytes", body.len());

    let reply = post_signed(&fixture, body).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let inbound = fixture
        .store
        .whatsapp_last_inbound("+6281234567890")
        .await
        .unwrap();
    assert!(inbound.is_some(), "the inbound message was not recorded");
}

#[tokio::test]
async fn oversized_body_gets_json_413() {
    let fixture = fixture().await;
    let body = vec![b' '; 9 * 1024 * 1024];

    let reply = post_signed(&fixture, body).await;
    assert_eq!(
        reply.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        reply.body
    );
    assert_eq!(reply.error_code(), "payload_too_large");
    assert!(reply.body.contains("8 MB"), "{}", reply.body);
}

#[tokio::test]
async fn unsigned_body_gets_json_error() {
    let fixture = fixture().await;
    let request = Request::post(WEBHOOK)
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-hub-signature-256", "sha256=00")
        .body(Body::from("{}"))
        .unwrap();

    let reply = send(&fixture, request).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", reply.body);
    assert_eq!(reply.error_code(), "invalid_signature");
}

#[tokio::test]
async fn handshake_returns_challenge() {
    let fixture = fixture().await;
    let path = format!(
        "{WEBHOOK}?hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}&hub.challenge=1158201444"
    );

    let reply = get(&fixture, &path).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body, "1158201444");
}

#[tokio::test]
async fn handshake_wrong_token_forbidden() {
    let fixture = fixture().await;
    let path = format!("{WEBHOOK}?hub.mode=subscribe&hub.verify_token=salah&hub.challenge=1");

    let reply = get(&fixture, &path).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.body);
    assert_eq!(reply.error_code(), "forbidden");
}

#[tokio::test]
async fn duplicate_token_gets_json_400() {
    let fixture = fixture().await;
    let path = format!(
        "{WEBHOOK}?hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}\
         &hub.verify_token={VERIFY_TOKEN}&hub.challenge=1"
    );

    let reply = get(&fixture, &path).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    assert_eq!(reply.error_code(), "bad_request");
}
