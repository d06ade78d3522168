//! Signed, expiring links to a member's card PDF, for WhatsApp messages: a gateway fetches
//! the PDF from the link, and a member or staff member opens it from a chat.
//!
//! A link is `/kartu/{member_id}.{expires}.{mac}`, where `expires` is a Unix time in seconds
//! and `mac` the first 32 hex digits (128 bits) of HMAC-SHA256 over both numbers under the
//! installation's secret. Nothing is stored, so a link cannot be revoked before it expires.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use time::OffsetDateTime;

use crate::AppState;
use crate::error::WebError;
use crate::pages::{Lang, PageError};

/// Hex digits of the MAC kept in the link.
const MAC_HEX_DIGITS: usize = 32;

fn mac_hex(state: &AppState, member_id: i64, expires: i64) -> String {
    let data = format!("card-link:{member_id}:{expires}");
    let mut digits = crate::forms::keyed_hex(state, data.as_bytes());
    digits.truncate(MAC_HEX_DIGITS);
    digits
}

/// Returns the public URL of the member's card, valid for the configured lifetime from `now`.
pub fn card_link(state: &AppState, member_id: i64, now: OffsetDateTime) -> String {
    let expires = (now + state.config().card_link_lifetime).unix_timestamp();
    format!(
        "{}/kartu/{member_id}.{expires}.{}",
        state.config().base_url,
        mac_hex(state, member_id, expires)
    )
}

/// Returns the member id of a valid, unexpired link token.
pub fn verify_card_link(state: &AppState, token: &str, now: OffsetDateTime) -> Option<i64> {
    let mut parts = token.splitn(3, '.');
    let member_id: i64 = parts.next()?.parse().ok()?;
    let expires: i64 = parts.next()?.parse().ok()?;
    let mac = parts.next()?;
    if expires < now.unix_timestamp() || mac.len() != MAC_HEX_DIGITS {
        return None;
    }
    let expected = mac_hex(state, member_id, expires);
    crate::auth::constant_time_eq(expected.as_bytes(), mac.as_bytes()).then_some(member_id)
}

/// `GET /kartu/{token}`: the card PDF behind a signed link.
pub async fn download(
    State(state): State<AppState>,
    Lang(locale): Lang,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let wrap = |error| PageError::new(error, locale);
    let Some(member_id) = verify_card_link(&state, &token, OffsetDateTime::now_utc()) else {
        return Err(wrap(WebError::CardLinkInvalid));
    };
    let member = state
        .store()
        .member(member_id)
        .await
        .map_err(|error| wrap(error.into()))?
        .ok_or_else(|| wrap(WebError::CardLinkInvalid))?;
    tracing::info!(member_id, "card downloaded through a signed link");
    crate::card::member_pdf_response(&state, &member)
        .await
        .map(IntoResponse::into_response)
        .map_err(wrap)
}
