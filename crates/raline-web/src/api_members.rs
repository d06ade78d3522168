//! The member part of the JSON API: login for a bearer token, the member's data and card,
//! and online renewal.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use raline_domain::{ApplicationStatus, ContactInput, UploadSlot};
use raline_store::{MemberRecord, RenewalRecord, SessionKind};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::AppState;
use crate::account::{RenewalResult, current_address, submit_renewal};
use crate::api::{api_error, api_locale, rfc3339};
use crate::error::{ApiError, WebError, renewal_refusal_message};
use crate::member_auth::{
    ApiMember, ClientAddress, LoginFailure, MEMBER_TOKEN_LIFETIME, authenticate,
};

#[derive(Deserialize)]
pub struct LoginRequest {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
}

#[derive(Serialize)]
struct SessionCreated {
    token: String,
    token_type: &'static str,
    expires_at: String,
    member_number: String,
}

/// `POST /api/v1/session`: member number or e-mail plus password → bearer token.
pub async fn create_session(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientAddress(address): ClientAddress,
    body: Result<Json<LoginRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let locale = api_locale(&headers);
    let Json(request) =
        body.map_err(|rejection| api_error(WebError::BadRequest(rejection.body_text()), locale))?;
    let login = request.login.trim();
    if login.is_empty() || request.password.is_empty() || login.len() > 254 {
        return Err(api_error(WebError::InvalidLogin, locale));
    }
    let member = authenticate(&state, login, &request.password, address)
        .await
        .map_err(|failure| match failure {
            LoginFailure::WrongCredentials => api_error(WebError::InvalidLogin, locale),
            LoginFailure::Locked => api_error(WebError::TooManyAttempts, locale),
        })?;

    let now = OffsetDateTime::now_utc();
    let token = state
        .store()
        .create_member_session(member.id, SessionKind::Api, now, MEMBER_TOKEN_LIFETIME)
        .await
        .map_err(|error| api_error(error, locale))?;
    let body = SessionCreated {
        token,
        token_type: "Bearer",
        expires_at: rfc3339(now + MEMBER_TOKEN_LIFETIME),
        member_number: member.member_number,
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// `DELETE /api/v1/session`: ends the bearer token's session.
pub async fn delete_session(
    State(state): State<AppState>,
    ApiMember(_member): ApiMember,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    if let Some(token) = crate::auth::bearer_token(&headers) {
        state.store().delete_member_session(token).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize)]
struct RenewalWindow {
    can_renew: bool,
    /// Why not, when `can_renew` is false: `renewal_too_early` or `renewal_too_late`.
    #[serde(skip_serializing_if = "Option::is_none")]
    refusal: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    opens_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    closes_on: Option<String>,
    /// End date a renewal today would give.
    #[serde(skip_serializing_if = "Option::is_none")]
    new_valid_until: Option<String>,
    required_documents: Vec<&'static str>,
    fee_rupiah: u32,
}

#[derive(Serialize)]
pub struct RenewalItem {
    id: i64,
    status: &'static str,
    channel: &'static str,
    term: String,
    old_valid_until: Option<String>,
    new_valid_until: Option<String>,
    fee_rupiah: i64,
    paid: bool,
    reason: Option<String>,
    submitted_at: String,
    decided_at: Option<String>,
}

fn renewal_item(renewal: &RenewalRecord) -> RenewalItem {
    RenewalItem {
        id: renewal.id,
        status: renewal.status.as_str(),
        channel: renewal.channel.as_str(),
        term: renewal.term.to_string(),
        old_valid_until: renewal.old_valid_until.map(|date| date.to_string()),
        new_valid_until: renewal.new_valid_until.map(|date| date.to_string()),
        fee_rupiah: renewal.fee_rupiah,
        paid: renewal.paid,
        reason: renewal.decision_reason.clone(),
        submitted_at: rfc3339(renewal.submitted_at),
        decided_at: renewal.decided_at.map(rfc3339),
    }
}

#[derive(Serialize)]
struct Me {
    member_number: String,
    full_name: String,
    member_type: String,
    member_type_name: String,
    registered_on: String,
    valid_until: String,
    email: String,
    email_verified: bool,
    phone: String,
    address: Option<String>,
    renewal: RenewalWindow,
    open_renewal: Option<RenewalItem>,
    renewals: Vec<RenewalItem>,
}

async fn me_body(
    state: &AppState,
    member: &MemberRecord,
    locale: crate::i18n::Locale,
) -> Result<Me, WebError> {
    let kind = crate::renewal::member_type(state, member).ok();
    let closed = |refusal: &'static str, message: String| RenewalWindow {
        can_renew: false,
        refusal: Some(refusal),
        message: Some(message),
        opens_on: None,
        closes_on: None,
        new_valid_until: None,
        required_documents: Vec::new(),
        fee_rupiah: 0,
    };
    let window = match crate::renewal::quote(state, member, OffsetDateTime::now_utc()) {
        Ok(Ok(quote)) => RenewalWindow {
            can_renew: true,
            refusal: None,
            message: None,
            opens_on: Some(quote.opens_on.to_string()),
            closes_on: Some(quote.closes_on.to_string()),
            new_valid_until: Some(quote.new_valid_until.to_string()),
            required_documents: Vec::new(),
            fee_rupiah: quote.fee_rupiah,
        },
        Ok(Err(refusal)) => closed(refusal.code(), renewal_refusal_message(locale, refusal)),
        Err(_) => closed(
            "member_type_unavailable",
            crate::i18n::t(locale, "account-renewal-unavailable"),
        ),
    };
    let window = match kind {
        Some(kind) => RenewalWindow {
            required_documents: kind
                .renewal
                .documents
                .iter()
                .map(|slot| slot.as_str())
                .collect(),
            fee_rupiah: kind.renewal.fee_rupiah,
            ..window
        },
        None => window,
    };
    let renewals = state.store().renewals_of_member(member.id).await?;
    let open_renewal = renewals
        .iter()
        .find(|renewal| {
            matches!(
                renewal.status,
                ApplicationStatus::Submitted | ApplicationStatus::NeedsCorrection
            )
        })
        .map(renewal_item);
    Ok(Me {
        member_number: member.member_number.clone(),
        full_name: member.full_name.clone(),
        member_type: member.member_type.clone(),
        member_type_name: state.config().member_type_name(&member.member_type),
        registered_on: member.registered_on.to_string(),
        valid_until: member.valid_until.to_string(),
        email: member.email.clone(),
        email_verified: member.email_verified,
        phone: member.phone.clone(),
        address: member.address.clone(),
        renewal: window,
        open_renewal,
        renewals: renewals.iter().map(renewal_item).collect(),
    })
}

/// `GET /api/v1/me`
pub async fn me(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiMember(member): ApiMember,
) -> Result<Response, ApiError> {
    let locale = api_locale(&headers);
    let body = me_body(&state, &member, locale)
        .await
        .map_err(|error| api_error(error, locale))?;
    Ok(Json(body).into_response())
}

/// `GET /api/v1/me/card.pdf`
pub async fn card(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiMember(member): ApiMember,
) -> Result<Response, ApiError> {
    let locale = api_locale(&headers);
    crate::card::member_pdf_response(&state, &member)
        .await
        .map_err(|error| api_error(error, locale))
}

/// `GET /api/v1/me/renewals`
pub async fn renewals(
    State(state): State<AppState>,
    ApiMember(member): ApiMember,
) -> Result<Response, ApiError> {
    let renewals = state.store().renewals_of_member(member.id).await?;
    let items: Vec<RenewalItem> = renewals.iter().map(renewal_item).collect();
    Ok(Json(serde_json::json!({ "items": items })).into_response())
}

/// Contact details in a JSON renewal request; a missing field keeps the current value.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RenewalRequest {
    email: Option<String>,
    phone: Option<String>,
    address: Option<String>,
}

#[derive(Serialize)]
struct RenewalCreated {
    id: i64,
    status: &'static str,
    approved: bool,
    valid_until: String,
}

/// `POST /api/v1/me/renewals`: JSON `{"email", "phone", "address"}` (all optional), or
/// multipart with those fields and `photo` / `identity_document` files when the member type
/// requires documents. An `Idempotency-Key` header makes retries safe.
pub async fn create_renewal(
    State(state): State<AppState>,
    ApiMember(member): ApiMember,
    request: Request,
) -> Result<Response, ApiError> {
    let headers = request.headers().clone();
    let locale = api_locale(&headers);
    let is_multipart = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("multipart/form-data"));

    let current_address = current_address(&state, &member)
        .await
        .map_err(|error| api_error(error, locale))?;
    let (contact, files, oversized) = if is_multipart {
        let multipart = Multipart::from_request(request, &state)
            .await
            .map_err(|rejection| api_error(WebError::BadRequest(rejection.body_text()), locale))?;
        let submission =
            crate::uploads::read_submission(multipart, state.config().upload_max_bytes)
                .await
                .map_err(|error| api_error(error, locale))?;
        let field = |name: &str, current: &str| {
            submission
                .text_fields
                .get(name)
                .cloned()
                .unwrap_or_else(|| current.to_owned())
        };
        let contact = ContactInput {
            email: field("email", &member.email),
            phone: field("phone", &member.phone),
            address: field("address", &current_address),
        };
        (contact, submission.files, submission.oversized)
    } else {
        let bytes = axum::body::to_bytes(request.into_body(), 64 * 1024)
            .await
            .map_err(|_| api_error(WebError::BadRequest("body too large".into()), locale))?;
        let body: RenewalRequest = if bytes.iter().all(u8::is_ascii_whitespace) {
            RenewalRequest::default()
        } else {
            serde_json::from_slice(&bytes)
                .map_err(|error| api_error(WebError::BadRequest(error.to_string()), locale))?
        };
        let contact = ContactInput {
            email: body.email.unwrap_or_else(|| member.email.clone()),
            phone: body.phone.unwrap_or_else(|| member.phone.clone()),
            address: body.address.unwrap_or(current_address),
        };
        (contact, BTreeMap::<UploadSlot, Vec<u8>>::new(), Vec::new())
    };
    let submission_key = headers
        .get("idempotency-key")
        .and_then(|value| value.to_str().ok())
        .filter(|key| !key.trim().is_empty() && key.len() <= 200)
        .map(|key| format!("{:x}", Sha256::digest(format!("renewal:{}", key.trim()))));

    let result = submit_renewal(
        &state,
        &member,
        &contact,
        files,
        &oversized,
        submission_key.as_deref(),
        locale,
    )
    .await
    .map_err(|error| api_error(error, locale))?;
    match result {
        RenewalResult::Invalid(errors) => {
            let max_mb = state.config().upload_max_bytes / (1024 * 1024);
            Err(api_error(
                WebError::Validation(crate::forms::field_messages(locale, &errors, max_mb)),
                locale,
            ))
        }
        RenewalResult::Submitted { id, approved } => {
            let renewal = state
                .store()
                .renewal(id)
                .await
                .map_err(|error| api_error(error, locale))?
                .ok_or_else(|| {
                    api_error(WebError::internal("renewal missing after submit"), locale)
                })?;
            let body = RenewalCreated {
                id,
                status: renewal.status.as_str(),
                approved,
                valid_until: renewal.member_valid_until.to_string(),
            };
            Ok((StatusCode::CREATED, Json(body)).into_response())
        }
    }
}
