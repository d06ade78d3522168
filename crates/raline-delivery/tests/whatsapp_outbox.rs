//! The outbox worker sending WhatsApp rows through each provider's mock on 127.0.0.1, with a
//! real SQLite store: success, retries after 429, 5xx and timeouts, permanent rejections
//! recorded with the provider's reason, and the maximum age.

#[path = "support/whatsapp_mock.rs"]
mod whatsapp_mock;

use std::time::Duration;

use raline_delivery::whatsapp::{
    CloudApi, Gateway, WhatsAppDocument, WhatsAppMessage, WhatsAppProvider,
};
use raline_delivery::{
    ComposeError, ComposeMail, Mailer, OutboxWorker, OutgoingMail, WorkerSettings,
};
use raline_domain::{ApplicationInput, Decision, MemberType, Policy, validate_application};
use raline_store::{
    Approval, InsertOutcome, NewApplicationRecord, OutboxChannel, OutboxMessage, OutboxState,
    StaffRole, Store,
};
use time::OffsetDateTime;
use time::macros::date;
use whatsapp_mock::{Reply, Route, WhatsAppMock};

/// Builds both messages from the outbox row alone, so the test needs no web layer.
struct FixedComposer;

impl ComposeMail for FixedComposer {
    async fn compose(&self, message: &OutboxMessage) -> Result<OutgoingMail, ComposeError> {
        Ok(OutgoingMail {
            to_address: "anggota@example.id".into(),
            to_name: None,
            subject: "Kartu anggota".into(),
            text_body: "Kartu terlampir.".into(),
            html_body: None,
            attachments: Vec::new(),
            message_id: format!("<{}@example.id>", message.idempotency_key),
        })
    }

    async fn compose_whatsapp(
        &self,
        message: &OutboxMessage,
    ) -> Result<WhatsAppMessage, ComposeError> {
        Ok(WhatsAppMessage {
            kind: message.kind.as_str().to_owned(),
            to_e164: "+6281234567890".into(),
            text: "Yth. Siti, kartu anggota Anda terlampir.".into(),
            document: Some(WhatsAppDocument {
                bytes: b"%PDF-1.4 kartu".to_vec(),
                filename: "kartu-anggota.pdf".into(),
                link: "https://perpustakaan.example.id/kartu/1.2.abc".into(),
            }),
            variables: Default::default(),
            within_service_window: true,
            idempotency_key: message.idempotency_key.clone(),
        })
    }
}

/// Retries wait at most a few milliseconds, so a test steps through them quickly.
fn quick_settings() -> WorkerSettings {
    WorkerSettings {
        lease: Duration::from_secs(60),
        first_retry: Duration::from_millis(1),
        max_retry: Duration::from_millis(5),
        max_age: Duration::from_secs(3600),
        idle_poll: Duration::from_millis(10),
    }
}

/// Creates a store with one approved member whose card waits in the outbox on both channels.
async fn store_with_card(folder: &tempfile::TempDir) -> (Store, i64) {
    let url = format!("sqlite://{}", folder.path().join("raline.sqlite").display());
    let store = Store::connect(&url, 4).await.unwrap().with_whatsapp(true);
    let now = OffsetDateTime::now_utc();
    let input = ApplicationInput {
        identity_type: "ktp".into(),
        identity_number: "3576014403910003".into(),
        password: "rahasia1".into(),
        email: "anggota@example.id".into(),
        full_name: "Siti Contoh".into(),
        mother_maiden_name: "Ibu Contoh".into(),
        birth_place: "Mojokerto".into(),
        birth_date: "1991-03-04".into(),
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
        ..ApplicationInput::default()
    };
    let policy = Policy {
        member_types: vec![MemberType::new("umum", "Umum", 365)],
        statement_letter_outside: true,
        regions: std::sync::Arc::new(raline_domain::RegionDirectory::built_in()),
    };
    let application = validate_application(&input, &policy, date!(2026 - 12 - 04)).unwrap();
    let outcome = store
        .insert_application(
            NewApplicationRecord {
                application: &application,
                password_hash: "hash",
                submission_key: &"a".repeat(64),
                status_token_hash: &"b".repeat(64),
                locale: "id",
                uploads: &[],
                draft_upload_ids: &[],
            },
            now,
        )
        .await
        .unwrap();
    let InsertOutcome::Created { id, .. } = outcome else {
        panic!("not created: {outcome:?}");
    };
    let staff = store
        .upsert_staff("petugas", "hash", StaffRole::Verifier, now)
        .await
        .unwrap();
    let approval = Approval {
        registered_on: date!(2026 - 12 - 04),
        validity_days: 365,
        min_sequence: 1,
        numbering: raline_domain::member_number::Numbering::DEFAULT,
    };
    store
        .decide(id, staff, Decision::Approve, None, Some(approval), now)
        .await
        .unwrap();
    (store, id)
}

async fn whatsapp_row(store: &Store, application_id: i64) -> OutboxMessage {
    store
        .outbox_for_application(application_id)
        .await
        .unwrap()
        .into_iter()
        .find(|message| message.channel == OutboxChannel::WhatsApp)
        .expect("a WhatsApp row")
}

/// Runs the worker until the WhatsApp row is sent or failed, at most `steps` messages.
async fn run_until_settled(
    worker: &OutboxWorker<FixedComposer>,
    store: &Store,
    application_id: i64,
    steps: usize,
) -> OutboxMessage {
    for _ in 0..steps {
        let row = whatsapp_row(store, application_id).await;
        if matches!(row.state, OutboxState::Sent | OutboxState::Failed) {
            return row;
        }
        if !worker.run_once().await.unwrap() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
    whatsapp_row(store, application_id).await
}

enum Provider {
    CloudApi,
    Gateway,
}

impl Provider {
    fn route(&self) -> Route {
        match self {
            Provider::CloudApi => Route::Messages,
            Provider::Gateway => Route::Gateway,
        }
    }

    fn client(&self, mock: &WhatsAppMock, timeout_seconds: u64) -> WhatsAppProvider {
        match self {
            Provider::CloudApi => {
                let mut settings = mock.cloud_api_settings();
                settings.timeout_seconds = timeout_seconds;
                WhatsAppProvider::CloudApi(CloudApi::new(settings).unwrap())
            }
            Provider::Gateway => {
                let mut settings = mock.gateway_settings();
                settings.timeout_seconds = timeout_seconds;
                WhatsAppProvider::Gateway(Gateway::new(settings).unwrap())
            }
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Provider::CloudApi => "cloud_api",
            Provider::Gateway => "gateway",
        }
    }
}

async fn worker_for(
    provider: &Provider,
    mock: &WhatsAppMock,
    store: &Store,
    timeout_seconds: u64,
    settings: WorkerSettings,
) -> OutboxWorker<FixedComposer> {
    let (mailer, _sent) = Mailer::memory();
    OutboxWorker::new(store.clone(), mailer, FixedComposer, settings).with_whatsapp(Some(
        std::sync::Arc::new(provider.client(mock, timeout_seconds)),
    ))
}

async fn sends_after_throttling_and_server_errors(provider: Provider) {
    let folder = tempfile::tempdir().unwrap();
    let (store, id) = store_with_card(&folder).await;
    let mock = WhatsAppMock::start().await;
    mock.push_replies(
        provider.route(),
        [
            Reply::TooManyRequests {
                retry_after_seconds: Some(1),
            },
            Reply::ServerError,
        ],
    );
    let worker = worker_for(&provider, &mock, &store, 5, quick_settings()).await;

    let row = run_until_settled(&worker, &store, id, 50).await;
    assert_eq!(row.state, OutboxState::Sent, "{row:?}");
    assert_eq!(row.attempts, 3, "429, then 500, then success");
    assert_eq!(row.provider.as_deref(), Some(provider.name()));
    assert!(row.provider_message_id.is_some());
    assert!(row.last_error.is_none());
    assert_eq!(mock.delivered_count(), 1);
}

async fn permanent_rejection_is_failed_with_reason(provider: Provider) {
    let folder = tempfile::tempdir().unwrap();
    let (store, id) = store_with_card(&folder).await;
    let mock = WhatsAppMock::start().await;
    let reply = match provider {
        Provider::CloudApi => Reply::MetaError {
            http_status: 400,
            code: 131026,
            title: "Message undeliverable".into(),
            details: "Recipient is not a WhatsApp user".into(),
        },
        Provider::Gateway => Reply::GatewayRejected {
            reason: "target invalid".into(),
        },
    };
    mock.push_replies(provider.route(), [reply]);
    let worker = worker_for(&provider, &mock, &store, 5, quick_settings()).await;

    let row = run_until_settled(&worker, &store, id, 50).await;
    assert_eq!(row.state, OutboxState::Failed, "{row:?}");
    assert_eq!(row.attempts, 1, "a permanent rejection is not retried");
    let reason = row.last_error.unwrap_or_default();
    let expected = match provider {
        Provider::CloudApi => "131026",
        Provider::Gateway => "target invalid",
    };
    assert!(reason.contains(expected), "reason {reason:?}");
    assert!(
        !reason.contains("6281234567890"),
        "reason names no phone number"
    );
    assert!(row.failed_at.is_some());
    assert_eq!(mock.delivered_count(), 0);
}

async fn send_timeout_fails_without_resend(provider: Provider) {
    let folder = tempfile::tempdir().unwrap();
    let (store, id) = store_with_card(&folder).await;
    let mock = WhatsAppMock::start().await;
    mock.push_replies(provider.route(), [Reply::Hang(Duration::from_secs(3))]);
    let worker = worker_for(&provider, &mock, &store, 1, quick_settings()).await;

    let row = run_until_settled(&worker, &store, id, 50).await;
    assert_eq!(row.state, OutboxState::Failed, "{row:?}");
    assert!(row.outcome_unknown, "the provider may have taken it");
    assert_eq!(
        row.attempts, 1,
        "a send that may have arrived is not repeated"
    );
    assert!(
        row.last_error
            .unwrap_or_default()
            .contains("outcome unknown")
    );
    assert_eq!(mock.requests_to(provider.route()).len(), 1);

    // The provider finishes the request it received, so the card arrived once.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(mock.delivered_count(), 1);
}

async fn upload_timeout_is_retried(provider: Provider) {
    let folder = tempfile::tempdir().unwrap();
    let (store, id) = store_with_card(&folder).await;
    let mock = WhatsAppMock::start().await;
    mock.push_replies(Route::Media, [Reply::Hang(Duration::from_secs(3))]);
    let worker = worker_for(&provider, &mock, &store, 1, quick_settings()).await;

    let row = run_until_settled(&worker, &store, id, 50).await;
    assert_eq!(row.state, OutboxState::Sent, "{row:?}");
    assert_eq!(row.attempts, 2, "the timed-out upload is retried once");
    assert_eq!(mock.delivered_count(), 1);
}

async fn old_message_fails_instead_of_retrying(provider: Provider) {
    let folder = tempfile::tempdir().unwrap();
    let (store, id) = store_with_card(&folder).await;
    let mock = WhatsAppMock::start().await;
    mock.push_replies(provider.route(), [Reply::ServerError]);
    let settings = WorkerSettings {
        max_age: Duration::ZERO,
        ..quick_settings()
    };
    let worker = worker_for(&provider, &mock, &store, 5, settings).await;

    let row = run_until_settled(&worker, &store, id, 50).await;
    assert_eq!(row.state, OutboxState::Failed, "{row:?}");
    assert_eq!(row.attempts, 1);
    assert!(row.last_error.is_some_and(|reason| !reason.is_empty()));
}

#[tokio::test]
async fn cloud_api_retries_then_sends() {
    sends_after_throttling_and_server_errors(Provider::CloudApi).await;
}

#[tokio::test]
async fn gateway_retries_then_sends() {
    sends_after_throttling_and_server_errors(Provider::Gateway).await;
}

#[tokio::test]
async fn cloud_api_rejection_fails_with_reason() {
    permanent_rejection_is_failed_with_reason(Provider::CloudApi).await;
}

#[tokio::test]
async fn gateway_rejection_fails_with_reason() {
    permanent_rejection_is_failed_with_reason(Provider::Gateway).await;
}

#[tokio::test]
async fn cloud_api_send_timeout_not_resent() {
    send_timeout_fails_without_resend(Provider::CloudApi).await;
}

#[tokio::test]
async fn gateway_send_timeout_not_resent() {
    send_timeout_fails_without_resend(Provider::Gateway).await;
}

#[tokio::test]
async fn cloud_api_upload_timeout_retried() {
    upload_timeout_is_retried(Provider::CloudApi).await;
}

#[tokio::test]
async fn cloud_api_message_past_max_age_fails() {
    old_message_fails_instead_of_retrying(Provider::CloudApi).await;
}

#[tokio::test]
async fn gateway_message_past_max_age_fails() {
    old_message_fails_instead_of_retrying(Provider::Gateway).await;
}

#[tokio::test]
async fn whatsapp_row_without_provider_fails() {
    let folder = tempfile::tempdir().unwrap();
    let (store, id) = store_with_card(&folder).await;
    let (mailer, sent) = Mailer::memory();
    let worker = OutboxWorker::new(store.clone(), mailer, FixedComposer, quick_settings());

    let row = run_until_settled(&worker, &store, id, 50).await;
    assert_eq!(row.state, OutboxState::Failed);
    assert!(row.last_error.unwrap().contains("not configured"));
    assert!(!sent.list().is_empty(), "the e-mail still goes out");
}
