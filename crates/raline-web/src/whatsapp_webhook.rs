//! The WhatsApp Cloud API webhook: Meta's subscription handshake, and status and inbound
//! message notifications signed with the app secret.
//!
//! Status reports move outbox messages to delivered, read or failed. An inbound message
//! opens the 24-hour window in which RALINE may send free-form messages and documents
//! instead of templates.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::handler::Handler;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get};
use raline_delivery::whatsapp::webhook::{self, DeliveryStatus};
use raline_delivery::whatsapp::{CloudApiSettings, WhatsAppProvider};
use raline_store::ProviderStatus;
use serde::Deserialize;
use time::OffsetDateTime;

use crate::AppState;
use crate::api::{api_error, api_locale};
use crate::error::{ApiError, WebError};

/// Largest accepted notification body, in megabytes. NOTE: the size is an estimate. Meta
/// batches up to 1000 updates in one request but publishes no byte limit, and 8 MB allows
/// about 8 KB per update, several times the size of a typical status update.
const MAX_BODY_MEGABYTES: usize = 8;

/// Routes of `/api/v1/whatsapp/webhook`: the handshake and the notifications, the latter with
/// their own body limit in place of axum's default of 2 MB.
pub fn route() -> MethodRouter<AppState> {
    get(handshake).post(receive.layer(DefaultBodyLimit::max(MAX_BODY_MEGABYTES * 1024 * 1024)))
}

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
///
/// A malformed query, such as one with `hub.verify_token` twice, gets the API's JSON error
/// with 400 instead of axum's plain-text rejection.
pub async fn handshake(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<Handshake>, QueryRejection>,
) -> Result<Response, ApiError> {
    let locale = api_locale(&headers);
    let settings =
        cloud_api_settings(&state).ok_or_else(|| api_error(WebError::NotFound, locale))?;
    let Query(query) = query
        .map_err(|rejection| api_error(WebError::BadRequest(rejection.body_text()), locale))?;
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
/// and changes nothing. A body over the limit of [`route`] gets the API's JSON error with
/// 413. Unknown message ids are ignored, because the same WhatsApp number may also be used
/// by other software.
pub async fn receive(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let locale = api_locale(&headers);
    let settings =
        cloud_api_settings(&state).ok_or_else(|| api_error(WebError::NotFound, locale))?;
    let body = body.map_err(|rejection| api_error(body_error(&rejection), locale))?;
    let signature = headers
        .get("x-hub-signature-256")
        .and_then(|value| value.to_str().ok());
    if !webhook::verify_signature(settings.app_secret.as_bytes(), &body, signature) {
        tracing::warn!("WhatsApp webhook with an invalid signature rejected");
        return Err(api_error(WebError::WebhookSignature, locale));
    }
    let events = webhook::parse_webhook(&body).map_err(|error| {
        api_error(
            WebError::BadRequest(format!("webhook body: {error}")),
            locale,
        )
    })?;

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
                update
                    .error
                    .as_deref()
                    .map(raline_delivery::whatsapp::mask_contacts)
                    .as_deref(),
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

/// Maps a failed body read to the API error: 413 for a body over the limit, else 400.
fn body_error(rejection: &BytesRejection) -> WebError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        tracing::warn!(
            max_megabytes = MAX_BODY_MEGABYTES,
            "WhatsApp webhook body over the limit rejected"
        );
        WebError::PayloadTooLarge {
            max_megabytes: MAX_BODY_MEGABYTES as u64,
        }
    } else {
        WebError::BadRequest(rejection.body_text())
    }
}
