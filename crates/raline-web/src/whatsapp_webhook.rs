//! The WhatsApp Cloud API webhook: Meta's subscription handshake, and status and inbound
//! message notifications signed with the app secret.
//!
//! Status reports move outbox messages to delivered, read or failed. An inbound message
//! opens the 24-hour window in which RALINE may send free-form messages and documents
//! instead of templates.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use raline_delivery::whatsapp::webhook::{self, DeliveryStatus};
use raline_delivery::whatsapp::{CloudApiSettings, WhatsAppProvider};
use raline_store::ProviderStatus;
use serde::Deserialize;
use time::OffsetDateTime;

use crate::AppState;
use crate::error::{ApiError, WebError};

/// Query of Meta's GET handshake.
#[derive(Deserialize)]
pub struct Handshake {
    #[serde(rename = "hub.mode")]
    mode: Option<String>,
    #[serde(rename = "hub.verify_token")]
    verify_token: Option<String>,
    #[serde(rename = "hub.challenge")]
    challenge: Option<String>,
}

fn cloud_api_settings(state: &AppState) -> Option<&CloudApiSettings> {
    match state.config().whatsapp.as_deref() {
        Some(WhatsAppProvider::CloudApi(client)) => Some(client.settings()),
        _ => None,
    }
}

/// `GET /api/v1/whatsapp/webhook`: returns the challenge when the verify token matches.
pub async fn handshake(
    State(state): State<AppState>,
    Query(query): Query<Handshake>,
) -> Result<Response, ApiError> {
    let settings = cloud_api_settings(&state).ok_or(WebError::NotFound)?;
    let challenge = webhook::verify_handshake(
        settings,
        query.mode.as_deref(),
        query.verify_token.as_deref(),
        query.challenge.as_deref(),
    )
    .ok_or(WebError::Forbidden)?;
    Ok(challenge.into_response())
}

/// `POST /api/v1/whatsapp/webhook`: records delivery statuses and inbound messages.
///
/// A request whose `X-Hub-Signature-256` does not match the app secret is rejected with 401
/// and changes nothing. Unknown message ids are ignored, because the same WhatsApp number
/// may also be used by other software.
pub async fn receive(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let settings = cloud_api_settings(&state).ok_or(WebError::NotFound)?;
    let signature = headers
        .get("x-hub-signature-256")
        .and_then(|value| value.to_str().ok());
    if !webhook::verify_signature(settings.app_secret.as_bytes(), &body, signature) {
        tracing::warn!("WhatsApp webhook with an invalid signature rejected");
        return Err(WebError::WebhookSignature.into());
    }
    let events = webhook::parse_webhook(&body)
        .map_err(|error| WebError::BadRequest(format!("webhook body: {error}")))?;

    let mut matched = 0usize;
    for update in &events.statuses {
        let status = match update.status {
            DeliveryStatus::Sent => ProviderStatus::Sent,
            DeliveryStatus::Delivered => ProviderStatus::Delivered,
            DeliveryStatus::Read => ProviderStatus::Read,
            DeliveryStatus::Failed => ProviderStatus::Failed,
        };
        let at = OffsetDateTime::from_unix_timestamp(update.timestamp)
            .unwrap_or_else(|_| OffsetDateTime::now_utc());
        if state
            .store()
            .record_provider_status(
                &update.provider_message_id,
                update.callback_data.as_deref(),
                status,
                at,
                update.error.as_deref(),
            )
            .await?
        {
            matched += 1;
        }
    }
    for inbound in &events.inbound {
        let digits: String = inbound
            .from_wa_id
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        if digits.is_empty() {
            continue;
        }
        let at = OffsetDateTime::from_unix_timestamp(inbound.timestamp)
            .unwrap_or_else(|_| OffsetDateTime::now_utc());
        state
            .store()
            .record_whatsapp_inbound(&format!("+{digits}"), at)
            .await?;
    }
    tracing::info!(
        statuses = events.statuses.len(),
        matched,
        inbound = events.inbound.len(),
        "WhatsApp webhook received"
    );
    Ok(StatusCode::OK.into_response())
}
