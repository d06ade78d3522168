//! WhatsApp providers against the mock server on 127.0.0.1, and the webhook helpers.

#[path = "support/whatsapp_mock.rs"]
mod whatsapp_mock;

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, TcpListener};
use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use raline_delivery::whatsapp::{
    CloudApi, CloudApiSettings, DeliveryStatus, Gateway, TemplateSettings, WhatsAppDocument,
    WhatsAppError, WhatsAppMessage, WhatsAppProvider, parse_webhook, verify_handshake,
    verify_signature, webhook,
};
use sha2::Sha256;
use whatsapp_mock::{
    MOCK_ACCESS_TOKEN, MOCK_GATEWAY_TOKEN, MOCK_PHONE_NUMBER_ID, Reply, Route, WhatsAppMock,
};

const TO_E164: &str = "+6281234567890";
const TO_DIGITS: &str = "6281234567890";
const CAPTION: &str = "Halo Siti, kartu anggota Perpustakaan Kota Mojokerto terlampir.";
const CARD_LINK: &str = "https://perpustakaan.example.go.id/kartu/42?expires=1767225600&sig=9f3a";

/// PDF header followed by every byte value, so that damage in transit changes the length.
fn card_pdf() -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.extend(0..=255u8);
    bytes.extend(b"\n%%EOF\n");
    bytes
}

fn card_message(within_service_window: bool) -> WhatsAppMessage {
    WhatsAppMessage {
        kind: "card_issued".to_owned(),
        to_e164: TO_E164.to_owned(),
        text: CAPTION.to_owned(),
        document: Some(WhatsAppDocument {
            bytes: card_pdf(),
            filename: "kartu-anggota-M-2026-0042.pdf".to_owned(),
            link: CARD_LINK.to_owned(),
        }),
        variables: BTreeMap::from([
            ("nama".to_owned(), "Siti Rahayu".to_owned()),
            ("nomor_anggota".to_owned(), "M-2026-0042".to_owned()),
            ("berlaku_sampai".to_owned(), "31 Desember 2027".to_owned()),
        ]),
        within_service_window,
        idempotency_key: "raline-outbox-42-3f9a".to_owned(),
    }
}

fn text_message(within_service_window: bool) -> WhatsAppMessage {
    WhatsAppMessage {
        kind: "rejected".to_owned(),
        text: "Mohon maaf, pendaftaran Anda belum dapat kami terima.".to_owned(),
        document: None,
        idempotency_key: "raline-outbox-43-77c1".to_owned(),
        ..card_message(within_service_window)
    }
}

fn templates() -> BTreeMap<String, TemplateSettings> {
    BTreeMap::from([
        (
            "card_issued".to_owned(),
            TemplateSettings {
                name: "kartu_anggota_terbit".to_owned(),
                language: "id".to_owned(),
                parameters: vec![
                    "nama".to_owned(),
                    "nomor_anggota".to_owned(),
                    "berlaku_sampai".to_owned(),
                ],
            },
        ),
        (
            "rejected".to_owned(),
            TemplateSettings {
                name: "pendaftaran_ditolak".to_owned(),
                language: "id".to_owned(),
                parameters: vec!["nama".to_owned()],
            },
        ),
    ])
}

fn cloud_settings(mock: &WhatsAppMock) -> CloudApiSettings {
    CloudApiSettings {
        templates: templates(),
        ..mock.cloud_api_settings()
    }
}

fn cloud_client(mock: &WhatsAppMock) -> WhatsAppProvider {
    CloudApi::new(cloud_settings(mock)).unwrap().into()
}

fn gateway_client(mock: &WhatsAppMock) -> WhatsAppProvider {
    Gateway::new(mock.gateway_settings()).unwrap().into()
}

/// Checks that a reason leaks neither the token nor the recipient's number.
fn assert_no_secrets(error: &WhatsAppError) {
    let text = error.to_string();
    for secret in [
        MOCK_ACCESS_TOKEN,
        MOCK_GATEWAY_TOKEN,
        TO_DIGITS,
        "81234567890",
    ] {
        assert!(!text.contains(secret), "{secret} in {text:?}");
    }
}

fn closed_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    listener.local_addr().unwrap().port()
}

// --- Cloud API ---------------------------------------------------------------------------

#[tokio::test]
async fn cloud_document_uploaded_then_sent() {
    let mock = WhatsAppMock::start().await;
    let receipt = cloud_client(&mock).send(&card_message(true)).await.unwrap();

    let requests = mock.requests();
    assert_eq!(requests.len(), 2, "{requests:#?}");
    let upload = &requests[0];
    assert_eq!(upload.route, Some(Route::Media));
    assert_eq!(
        upload.path,
        format!(
            "/{}/{MOCK_PHONE_NUMBER_ID}/media",
            whatsapp_mock::MOCK_API_VERSION
        )
    );
    assert_eq!(
        upload.authorization.as_deref(),
        Some(format!("Bearer {MOCK_ACCESS_TOKEN}").as_str())
    );
    assert_eq!(upload.messaging_product.as_deref(), Some("whatsapp"));
    assert_eq!(upload.message_type.as_deref(), Some("application/pdf"));
    assert_eq!(
        upload.document_content_type.as_deref(),
        Some("application/pdf")
    );
    assert_eq!(
        upload.document_filename.as_deref(),
        Some("kartu-anggota-M-2026-0042.pdf")
    );
    assert_eq!(upload.document_bytes_len, Some(card_pdf().len()));

    let send = &requests[1];
    assert_eq!(send.route, Some(Route::Messages));
    assert_eq!(send.to.as_deref(), Some(TO_DIGITS));
    assert_eq!(send.recipient_type.as_deref(), Some("individual"));
    assert_eq!(send.message_type.as_deref(), Some("document"));
    assert_eq!(send.text.as_deref(), Some(CAPTION));
    assert_eq!(
        send.document_filename.as_deref(),
        Some("kartu-anggota-M-2026-0042.pdf")
    );
    let media_id = send.document_id.clone().unwrap();
    assert_eq!(mock.upload(&media_id).unwrap().len, card_pdf().len());
    assert_eq!(send.callback_data.as_deref(), Some("raline-outbox-42-3f9a"));

    let delivered = mock.delivered();
    assert_eq!(delivered.len(), 1);
    assert_eq!(
        receipt.provider_message_id.as_deref(),
        Some(delivered[0].provider_message_id.as_str())
    );
    assert!(delivered[0].provider_message_id.starts_with("wamid."));
}

#[tokio::test]
async fn cloud_text_inside_window() {
    let mock = WhatsAppMock::start().await;
    let message = text_message(true);
    let receipt = cloud_client(&mock).send(&message).await.unwrap();

    let requests = mock.requests();
    assert_eq!(requests.len(), 1, "no upload without a document");
    assert_eq!(requests[0].message_type.as_deref(), Some("text"));
    assert_eq!(requests[0].text.as_deref(), Some(message.text.as_str()));
    assert_eq!(
        requests[0].callback_data.as_deref(),
        Some("raline-outbox-43-77c1")
    );
    assert!(receipt.provider_message_id.is_some());
    assert_eq!(mock.deliveries_to(TO_DIGITS, &message.text), 1);
}

#[tokio::test]
async fn cloud_template_with_document_header() {
    let mock = WhatsAppMock::start().await;
    cloud_client(&mock)
        .send(&card_message(false))
        .await
        .unwrap();

    let requests = mock.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].route, Some(Route::Media));
    let send = &requests[1];
    assert_eq!(send.message_type.as_deref(), Some("template"));
    assert_eq!(send.template_name.as_deref(), Some("kartu_anggota_terbit"));
    assert_eq!(send.template_language.as_deref(), Some("id"));
    assert_eq!(
        send.template_body_parameters,
        ["Siti Rahayu", "M-2026-0042", "31 Desember 2027"]
    );
    let header_id = send.header_document_id.clone().unwrap();
    assert!(mock.upload(&header_id).is_some());
    assert_eq!(
        send.header_document_filename.as_deref(),
        Some("kartu-anggota-M-2026-0042.pdf")
    );
    assert_eq!(send.text, None, "a template carries no free text");
    assert_eq!(send.callback_data.as_deref(), Some("raline-outbox-42-3f9a"));
}

#[tokio::test]
async fn cloud_template_without_document() {
    let mock = WhatsAppMock::start().await;
    cloud_client(&mock)
        .send(&text_message(false))
        .await
        .unwrap();

    let requests = mock.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].template_name.as_deref(),
        Some("pendaftaran_ditolak")
    );
    assert_eq!(requests[0].header_document_id, None);
    assert_eq!(requests[0].template_body_parameters, ["Siti Rahayu"]);
    let components = &requests[0].json.as_ref().unwrap()["template"]["components"];
    assert_eq!(components.as_array().unwrap().len(), 1, "{components}");
}

#[tokio::test]
async fn cloud_outside_window_without_template() {
    let mock = WhatsAppMock::start().await;
    let mut message = card_message(false);
    message.kind = "renewal_approved".to_owned();

    let error = cloud_client(&mock).send(&message).await.unwrap_err();
    assert_eq!(
        error,
        WhatsAppError::Permanent(
            "outside the 24-hour customer-service window and no template is configured for \
             kind renewal_approved"
                .to_owned()
        )
    );
    assert!(mock.requests().is_empty(), "nothing uploaded or sent");
}

#[tokio::test]
async fn cloud_template_variable_missing() {
    let mock = WhatsAppMock::start().await;
    let mut message = card_message(false);
    message.variables.remove("berlaku_sampai");

    let error = cloud_client(&mock).send(&message).await.unwrap_err();
    assert!(!error.is_retryable());
    assert!(error.to_string().contains("berlaku_sampai"), "{error}");
    assert!(mock.requests().is_empty());
}

#[tokio::test]
async fn cloud_invalid_number_rejected_locally() {
    let mock = WhatsAppMock::start().await;
    let mut message = text_message(true);
    message.to_e164 = "081234567890".to_owned();

    let error = cloud_client(&mock).send(&message).await.unwrap_err();
    assert!(!error.is_retryable());
    assert_no_secrets(&error);
    assert!(mock.requests().is_empty());
}

#[tokio::test]
async fn cloud_429_transient_with_retry_after() {
    let mock = WhatsAppMock::start().await;
    mock.fail_next(
        Route::Messages,
        1,
        Reply::TooManyRequests {
            retry_after_seconds: Some(7),
        },
    );

    let error = cloud_client(&mock)
        .send(&text_message(true))
        .await
        .unwrap_err();
    assert!(error.is_retryable(), "{error}");
    assert_eq!(error.retry_after(), Some(Duration::from_secs(7)));
    assert_no_secrets(&error);
    assert_eq!(mock.delivered_count(), 0);
}

#[tokio::test]
async fn cloud_500_transient() {
    let mock = WhatsAppMock::start().await;
    mock.fail_next(Route::Messages, 1, Reply::ServerError);

    let error = cloud_client(&mock)
        .send(&text_message(true))
        .await
        .unwrap_err();
    assert!(error.is_retryable(), "{error}");
    assert_eq!(error.retry_after(), None);
}

#[tokio::test]
async fn cloud_upload_500_sends_nothing() {
    let mock = WhatsAppMock::start().await;
    mock.fail_next(Route::Media, 1, Reply::ServerError);

    let error = cloud_client(&mock)
        .send(&card_message(true))
        .await
        .unwrap_err();
    assert!(error.is_retryable(), "{error}");
    assert!(error.to_string().contains("media upload"), "{error}");
    assert!(mock.requests_to(Route::Messages).is_empty());
}

#[tokio::test]
async fn cloud_permanent_error_reason() {
    let mock = WhatsAppMock::start().await;
    mock.fail_next(
        Route::Messages,
        1,
        Reply::MetaError {
            http_status: 400,
            code: 131026,
            title: "Message undeliverable".to_owned(),
            details: format!("Unable to deliver the message to {TO_DIGITS}"),
        },
    );

    let error = cloud_client(&mock)
        .send(&text_message(true))
        .await
        .unwrap_err();
    assert!(!error.is_retryable());
    let WhatsAppError::Permanent(reason) = &error else {
        panic!("expected Permanent, got {error:?}");
    };
    assert_eq!(
        reason,
        "send failed: 131026: Message undeliverable (Unable to deliver the message to ***)"
    );
    assert_no_secrets(&error);
}

#[tokio::test]
async fn cloud_throttling_codes_transient() {
    for code in [4, 80007, 130429, 131048, 131056] {
        let mock = WhatsAppMock::start().await;
        mock.fail_next(
            Route::Messages,
            1,
            Reply::MetaError {
                http_status: 400,
                code,
                title: "Rate limit hit".to_owned(),
                details: "Too many messages".to_owned(),
            },
        );
        let error = cloud_client(&mock)
            .send(&text_message(true))
            .await
            .unwrap_err();
        assert!(error.is_retryable(), "code {code}: {error}");
        assert!(error.to_string().contains(&code.to_string()), "{error}");
    }
}

#[tokio::test]
async fn cloud_re_engagement_error_permanent() {
    let mock = WhatsAppMock::start().await;
    mock.fail_next(
        Route::Messages,
        1,
        Reply::MetaError {
            http_status: 400,
            code: 131047,
            title: "Re-engagement message".to_owned(),
            details: "More than 24 hours have passed since the recipient last replied".to_owned(),
        },
    );
    let error = cloud_client(&mock)
        .send(&text_message(true))
        .await
        .unwrap_err();
    assert!(!error.is_retryable(), "{error}");
    assert!(
        error.to_string().contains("131047: Re-engagement message"),
        "{error}"
    );
}

#[tokio::test]
async fn cloud_bad_token_kept_for_retry() {
    let mock = WhatsAppMock::start().await;
    let settings = CloudApiSettings {
        access_token: "EAAwrong-token".to_owned(),
        ..cloud_settings(&mock)
    };
    let client = WhatsAppProvider::from(CloudApi::new(settings).unwrap());

    let error = client.send(&text_message(true)).await.unwrap_err();
    assert_eq!(mock.requests()[0].response_status, Some(401));
    assert!(error.is_retryable(), "{error}");
    let text = error.to_string();
    assert!(text.contains("190"), "{text}");
    assert!(text.contains("access token was rejected"), "{text}");
    assert!(!text.contains("EAAwrong-token"), "{text}");
}

#[tokio::test]
async fn cloud_send_timeout_outcome_unknown() {
    let mock = WhatsAppMock::start().await;
    mock.fail_next(Route::Messages, 1, Reply::Hang(Duration::from_secs(3)));
    let settings = CloudApiSettings {
        timeout_seconds: 1,
        ..cloud_settings(&mock)
    };
    let client = WhatsAppProvider::from(CloudApi::new(settings).unwrap());

    let started = Instant::now();
    let error = client.send(&text_message(true)).await.unwrap_err();
    let elapsed = started.elapsed();
    assert!(!error.is_retryable(), "{error}");
    assert!(error.is_outcome_unknown(), "{error}");
    assert!(error.to_string().contains("timed out"), "{error}");
    assert!(elapsed < Duration::from_millis(2500), "{elapsed:?}");
}

#[tokio::test]
async fn cloud_upload_timeout_transient() {
    let mock = WhatsAppMock::start().await;
    mock.fail_next(Route::Media, 1, Reply::Hang(Duration::from_secs(3)));
    let settings = CloudApiSettings {
        timeout_seconds: 1,
        ..cloud_settings(&mock)
    };
    let client = WhatsAppProvider::from(CloudApi::new(settings).unwrap());

    let error = client.prepare(&card_message(true)).await.unwrap_err();
    assert!(error.is_retryable(), "an upload reaches no member: {error}");
    assert!(mock.requests_to(Route::Messages).is_empty());
}

#[tokio::test]
async fn timeout_setting_bounded() {
    let mock = WhatsAppMock::start().await;
    for seconds in [0, 121, u64::MAX] {
        let settings = CloudApiSettings {
            timeout_seconds: seconds,
            ..cloud_settings(&mock)
        };
        assert!(CloudApi::new(settings).is_err(), "{seconds}");
        let mut gateway = mock.gateway_settings();
        gateway.timeout_seconds = seconds;
        assert!(Gateway::new(gateway).is_err(), "{seconds}");
    }
}

#[tokio::test]
async fn cloud_connect_error_transient() {
    let mock = WhatsAppMock::start().await;
    let settings = CloudApiSettings {
        base_url: format!("http://127.0.0.1:{}", closed_port()),
        ..cloud_settings(&mock)
    };
    let client = WhatsAppProvider::from(CloudApi::new(settings).unwrap());

    let error = client.send(&text_message(true)).await.unwrap_err();
    assert!(error.is_retryable(), "{error}");
    assert!(error.to_string().contains("connection"), "{error}");
}

#[tokio::test]
async fn cloud_retry_reuses_callback_data() {
    let mock = WhatsAppMock::start().await;
    mock.fail_next(Route::Messages, 1, Reply::ServerError);
    let client = cloud_client(&mock);
    let message = card_message(true);

    assert!(client.send(&message).await.unwrap_err().is_retryable());
    client.send(&message).await.unwrap();

    let sends = mock.requests_to(Route::Messages);
    assert_eq!(sends.len(), 2);
    assert!(
        sends
            .iter()
            .all(|send| send.callback_data.as_deref() == Some("raline-outbox-42-3f9a"))
    );
    assert_eq!(
        mock.requests_to(Route::Media).len(),
        2,
        "each attempt uploads"
    );
    assert_eq!(
        mock.deliveries_with_callback_data("raline-outbox-42-3f9a"),
        1
    );
    assert_eq!(mock.distinct_callback_data_count(), 1);
}

#[tokio::test]
async fn cloud_held_request_delivered_after_release() {
    let mock = WhatsAppMock::start().await;
    mock.hold_next(Route::Messages, 1);
    let client = cloud_client(&mock);
    let message = text_message(true);

    let send = tokio::spawn(async move { client.send(&message).await });
    assert!(mock.wait_until_held(1, Duration::from_secs(5)).await);
    assert_eq!(mock.delivered_count(), 0, "held, not yet delivered");
    // The client gives up while the request is held, as a crashed sender would.
    send.abort();
    let _ = send.await;

    mock.release_held();
    assert!(mock.wait_until_delivered(1, Duration::from_secs(5)).await);
    assert_eq!(
        mock.deliveries_with_callback_data("raline-outbox-43-77c1"),
        1
    );
}

// --- Gateway -----------------------------------------------------------------------------

#[tokio::test]
async fn gateway_text_success() {
    let mock = WhatsAppMock::start().await;
    let message = text_message(false);
    let receipt = gateway_client(&mock).send(&message).await.unwrap();

    let requests = mock.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.path, "/send");
    assert_eq!(request.authorization.as_deref(), Some(MOCK_GATEWAY_TOKEN));
    assert_eq!(request.to.as_deref(), Some(TO_DIGITS));
    assert_eq!(request.text.as_deref(), Some(message.text.as_str()));
    assert_eq!(request.country_code.as_deref(), Some("62"));
    assert_eq!(request.document_url, None);
    assert_eq!(
        receipt.provider_message_id.as_deref(),
        Some(mock.delivered()[0].provider_message_id.as_str())
    );
}

#[tokio::test]
async fn gateway_document_sends_link() {
    let mock = WhatsAppMock::start().await;
    gateway_client(&mock)
        .send(&card_message(false))
        .await
        .unwrap();

    let request = &mock.requests()[0];
    assert_eq!(request.message_type.as_deref(), Some("document"));
    assert_eq!(request.document_url.as_deref(), Some(CARD_LINK));
    assert_eq!(
        request.document_filename.as_deref(),
        Some("kartu-anggota-M-2026-0042.pdf")
    );
    assert_eq!(request.text.as_deref(), Some(CAPTION));
    assert_eq!(mock.deliveries_to(TO_DIGITS, CAPTION), 1);
}

#[tokio::test]
async fn gateway_429_transient_with_retry_after() {
    let mock = WhatsAppMock::start().await;
    mock.fail_next(
        Route::Gateway,
        1,
        Reply::TooManyRequests {
            retry_after_seconds: Some(30),
        },
    );
    let error = gateway_client(&mock)
        .send(&text_message(false))
        .await
        .unwrap_err();
    assert!(error.is_retryable(), "{error}");
    assert_eq!(error.retry_after(), Some(Duration::from_secs(30)));
}

#[tokio::test]
async fn gateway_500_transient() {
    let mock = WhatsAppMock::start().await;
    mock.fail_next(Route::Gateway, 1, Reply::ServerError);
    let error = gateway_client(&mock)
        .send(&text_message(false))
        .await
        .unwrap_err();
    assert!(error.is_retryable(), "{error}");
    assert!(error.to_string().contains("HTTP 500"), "{error}");
}

#[tokio::test]
async fn gateway_status_false_permanent() {
    let mock = WhatsAppMock::start().await;
    mock.fail_next(
        Route::Gateway,
        1,
        Reply::GatewayRejected {
            reason: "target invalid".to_owned(),
        },
    );
    let error = gateway_client(&mock)
        .send(&text_message(false))
        .await
        .unwrap_err();
    assert_eq!(
        error,
        WhatsAppError::Permanent("gateway: target invalid".to_owned())
    );
    assert_eq!(mock.delivered_count(), 0);
}

#[tokio::test]
async fn gateway_disconnected_device_transient() {
    let mock = WhatsAppMock::start().await;
    mock.fail_next(
        Route::Gateway,
        1,
        Reply::GatewayRejected {
            reason: "device disconnected".to_owned(),
        },
    );
    let error = gateway_client(&mock)
        .send(&text_message(false))
        .await
        .unwrap_err();
    assert!(error.is_retryable(), "{error}");
    assert!(error.to_string().contains("device disconnected"), "{error}");
}

#[tokio::test]
async fn gateway_4xx_permanent_with_reason() {
    let mock = WhatsAppMock::start().await;
    mock.fail_next(
        Route::Gateway,
        1,
        Reply::MetaError {
            http_status: 400,
            code: 0,
            title: format!("number {TO_DIGITS} is not on WhatsApp"),
            details: String::new(),
        },
    );
    let error = gateway_client(&mock)
        .send(&text_message(false))
        .await
        .unwrap_err();
    assert!(!error.is_retryable(), "{error}");
    assert!(
        error.to_string().contains("number *** is not on WhatsApp"),
        "{error}"
    );
    assert_no_secrets(&error);
}

#[tokio::test]
async fn gateway_bad_token_kept_for_retry() {
    let mock = WhatsAppMock::start().await;
    let mut settings = mock.gateway_settings();
    settings.token = format!("Bearer {MOCK_GATEWAY_TOKEN}");
    let client = WhatsAppProvider::from(Gateway::new(settings).unwrap());

    let error = client.send(&text_message(false)).await.unwrap_err();
    assert!(error.is_retryable(), "{error}");
    assert!(error.to_string().contains("token invalid"), "{error}");
    assert_no_secrets(&error);
}

#[tokio::test]
async fn gateway_timeout_outcome_unknown() {
    let mock = WhatsAppMock::start().await;
    mock.fail_next(Route::Gateway, 1, Reply::Hang(Duration::from_secs(3)));
    let mut settings = mock.gateway_settings();
    settings.timeout_seconds = 1;
    let client = WhatsAppProvider::from(Gateway::new(settings).unwrap());

    let started = Instant::now();
    let error = client.send(&text_message(false)).await.unwrap_err();
    assert!(!error.is_retryable(), "{error}");
    assert!(error.is_outcome_unknown(), "{error}");
    assert!(error.to_string().contains("timed out"), "{error}");
    assert!(started.elapsed() < Duration::from_millis(2500));
}

#[tokio::test]
async fn gateway_connect_error_transient() {
    let mock = WhatsAppMock::start().await;
    let mut settings = mock.gateway_settings();
    settings.url = format!("http://127.0.0.1:{}/send", closed_port());
    let client = WhatsAppProvider::from(Gateway::new(settings).unwrap());

    let error = client.send(&text_message(false)).await.unwrap_err();
    assert!(error.is_retryable(), "{error}");
}

#[tokio::test]
async fn mock_start_on_fixed_port() {
    let port = closed_port();
    let mock = WhatsAppMock::start_on(port).await;
    assert_eq!(mock.address().port(), port);

    gateway_client(&mock)
        .send(&text_message(false))
        .await
        .unwrap();
    assert_eq!(mock.delivered_count(), 1);
}

/// The detached mode serves tests that have no runtime of their own, such as a test that
/// drives the service as a child process.
#[test]
fn mock_detached_without_runtime() {
    let mock = WhatsAppMock::start_detached();
    mock.hold_next(Route::Gateway, 1);
    let client = gateway_client(&mock);
    let sender = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(client.send(&text_message(false)))
    });

    assert!(mock.wait_until_held_blocking(1, Duration::from_secs(5)));
    assert_eq!(mock.delivered_count(), 0);
    mock.release_held();
    assert!(sender.join().unwrap().is_ok());
    assert_eq!(mock.distinct_target_text_count(), 1);
}

#[tokio::test]
async fn provider_name_and_description() {
    let mock = WhatsAppMock::start().await;
    let cloud = cloud_client(&mock);
    assert_eq!(cloud.name(), "cloud_api");
    let description = cloud.describe();
    assert!(description.contains(MOCK_PHONE_NUMBER_ID), "{description}");
    assert!(!description.contains(MOCK_ACCESS_TOKEN), "{description}");
    assert!(!format!("{cloud:?}").contains(MOCK_ACCESS_TOKEN));

    let gateway = gateway_client(&mock);
    assert_eq!(gateway.name(), "gateway");
    assert_eq!(
        gateway.describe(),
        format!("WhatsApp gateway at {}", mock.gateway_url())
    );
    assert!(!format!("{gateway:?}").contains(MOCK_GATEWAY_TOKEN));
}

// --- Webhooks ----------------------------------------------------------------------------

const APP_SECRET: &[u8] = b"7c0a2f1e-app-secret";

/// Computes the header value independently of `webhook::signature_header`.
fn meta_signature(secret: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).unwrap();
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("sha256={hex}")
}

#[test]
fn signature_valid_accepted() {
    let body = br#"{"object":"whatsapp_business_account","entry":[]}"#;
    let header = meta_signature(APP_SECRET, body);
    assert!(verify_signature(APP_SECRET, body, Some(&header)));
    assert!(verify_signature(
        APP_SECRET,
        body,
        Some(&header.to_uppercase().replace("SHA256=", "sha256="))
    ));
    assert_eq!(webhook::signature_header(APP_SECRET, body), header);
}

#[test]
fn signature_invalid_rejected() {
    let body = br#"{"object":"whatsapp_business_account","entry":[]}"#;
    let header = meta_signature(APP_SECRET, body);
    let tampered = br#"{"object":"whatsapp_business_account","entry":[{}]}"#;

    assert!(
        !verify_signature(APP_SECRET, tampered, Some(&header)),
        "tampered body"
    );
    assert!(
        !verify_signature(b"other-secret", body, Some(&header)),
        "wrong secret"
    );
    assert!(!verify_signature(APP_SECRET, body, None), "missing header");
    assert!(
        !verify_signature(b"", body, Some(&meta_signature(b"", body))),
        "empty secret"
    );
    let hex = header.trim_start_matches("sha256=");
    assert!(
        !verify_signature(APP_SECRET, body, Some(hex)),
        "missing prefix"
    );
    assert!(
        !verify_signature(APP_SECRET, body, Some(&header[..header.len() - 2])),
        "short"
    );
    assert!(
        !verify_signature(APP_SECRET, body, Some("sha256=zz")),
        "not hex"
    );
    assert!(
        !verify_signature(APP_SECRET, body, Some("sha1=abcdef")),
        "other algorithm"
    );
}

/// Status webhook as in Meta's "Status messages webhook reference".
const STATUS_WEBHOOK: &str = r#"{
  "object": "whatsapp_business_account",
  "entry": [{
    "id": "102290129340398",
    "changes": [{
      "field": "messages",
      "value": {
        "messaging_product": "whatsapp",
        "metadata": { "display_phone_number": "15550783881", "phone_number_id": "106540352242922" },
        "statuses": [
          {
            "id": "wamid.DELIVERED",
            "status": "delivered",
            "timestamp": "1750263773",
            "recipient_id": "6281234567890",
            "biz_opaque_callback_data": "raline-outbox-42-3f9a",
            "pricing": { "billable": true, "pricing_model": "PMP", "category": "utility" }
          },
          {
            "id": "wamid.READ",
            "status": "read",
            "timestamp": "1750263800",
            "recipient_id": "6281234567890"
          },
          {
            "id": "wamid.PLAYED",
            "status": "played",
            "timestamp": "1750263801",
            "recipient_id": "6281234567890"
          },
          {
            "id": "wamid.FAILED",
            "status": "failed",
            "timestamp": "1750263900",
            "recipient_id": "6281234567890",
            "biz_opaque_callback_data": "raline-outbox-44-0b12",
            "errors": [{
              "code": 131026,
              "title": "Message undeliverable",
              "message": "Message undeliverable",
              "error_data": { "details": "Message Undeliverable." }
            }]
          }
        ]
      }
    }]
  }]
}"#;

#[test]
fn webhook_statuses_parsed() {
    let events = parse_webhook(STATUS_WEBHOOK.as_bytes()).unwrap();
    assert!(events.inbound.is_empty());
    assert_eq!(events.statuses.len(), 3, "played is skipped: {events:#?}");

    let delivered = &events.statuses[0];
    assert_eq!(delivered.provider_message_id, "wamid.DELIVERED");
    assert_eq!(delivered.status, DeliveryStatus::Delivered);
    assert_eq!(delivered.timestamp, 1_750_263_773);
    assert_eq!(
        delivered.callback_data.as_deref(),
        Some("raline-outbox-42-3f9a")
    );
    assert_eq!(delivered.error, None);

    let read = &events.statuses[1];
    assert_eq!(read.status, DeliveryStatus::Read);
    assert_eq!(read.callback_data, None);

    let failed = &events.statuses[2];
    assert_eq!(failed.status, DeliveryStatus::Failed);
    assert_eq!(failed.timestamp, 1_750_263_900);
    assert_eq!(
        failed.error.as_deref(),
        Some("131026: Message undeliverable")
    );
    assert_eq!(
        failed.callback_data.as_deref(),
        Some("raline-outbox-44-0b12")
    );
}

#[test]
fn webhook_inbound_parsed() {
    let body = r#"{
      "object": "whatsapp_business_account",
      "entry": [{
        "id": "102290129340398",
        "changes": [{
          "field": "messages",
          "value": {
            "messaging_product": "whatsapp",
            "metadata": { "display_phone_number": "15550783881", "phone_number_id": "106540352242922" },
            "contacts": [{ "profile": { "name": "Siti Rahayu" }, "wa_id": "6281234567890" }],
            "messages": [{
              "from": "6281234567890",
              "id": "wamid.INBOUND",
              "timestamp": "1749416383",
              "type": "text",
              "text": { "body": "Kartu saya sudah jadi?" }
            }]
          }
        }, {
          "field": "account_update",
          "value": { "messages": [{ "from": "1", "id": "x", "timestamp": "1" }] }
        }]
      }]
    }"#;
    let events = parse_webhook(body.as_bytes()).unwrap();
    assert!(events.statuses.is_empty());
    assert_eq!(events.inbound.len(), 1, "other fields are skipped");
    assert_eq!(events.inbound[0].from_wa_id, "6281234567890");
    assert_eq!(events.inbound[0].message_id, "wamid.INBOUND");
    assert_eq!(events.inbound[0].timestamp, 1_749_416_383);
}

#[test]
fn webhook_malformed_rejected() {
    let error = parse_webhook(b"{\"entry\": [").unwrap_err();
    assert!(
        matches!(error, webhook::WebhookError::InvalidJson(_)),
        "{error:?}"
    );

    let bad_timestamp = r#"{"entry":[{"changes":[{"value":{"statuses":[
        {"id":"wamid.X","status":"sent","timestamp":"yesterday","recipient_id":"6281234567890"}
    ]}}]}]}"#;
    let error = parse_webhook(bad_timestamp.as_bytes()).unwrap_err();
    assert!(
        matches!(error, webhook::WebhookError::UnexpectedShape(_)),
        "{error:?}"
    );
    assert!(!error.to_string().contains("6281234567890"), "{error}");

    let not_an_object = parse_webhook(b"[1, 2]").unwrap_err();
    assert!(matches!(
        not_an_object,
        webhook::WebhookError::UnexpectedShape(_)
    ));

    assert_eq!(parse_webhook(b"{}").unwrap(), Default::default());
}

#[test]
fn handshake_returns_challenge() {
    let settings = CloudApiSettings {
        base_url: "https://graph.facebook.com".to_owned(),
        api_version: "v27.0".to_owned(),
        phone_number_id: MOCK_PHONE_NUMBER_ID.to_owned(),
        access_token: "token".to_owned(),
        app_secret: "secret".to_owned(),
        verify_token: "verify-7d1e".to_owned(),
        templates: BTreeMap::new(),
        timeout_seconds: 30,
    };
    let handshake = |mode, token, challenge| verify_handshake(&settings, mode, token, challenge);

    assert_eq!(
        handshake(Some("subscribe"), Some("verify-7d1e"), Some("1158201444")),
        Some("1158201444".to_owned())
    );
    assert_eq!(
        handshake(Some("subscribe"), Some("verify-7d1f"), Some("1")),
        None
    );
    assert_eq!(
        handshake(Some("subscribe"), Some("verify"), Some("1")),
        None
    );
    assert_eq!(
        handshake(Some("unsubscribe"), Some("verify-7d1e"), Some("1")),
        None
    );
    assert_eq!(handshake(None, Some("verify-7d1e"), Some("1")), None);
    assert_eq!(handshake(Some("subscribe"), None, Some("1")), None);
    assert_eq!(
        handshake(Some("subscribe"), Some("verify-7d1e"), None),
        None
    );

    let empty = CloudApiSettings {
        verify_token: String::new(),
        ..settings.clone()
    };
    assert_eq!(
        verify_handshake(&empty, Some("subscribe"), Some(""), Some("1")),
        None
    );
}
