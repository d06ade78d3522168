//! The renewal queue in the JSON API, for staff with a bearer token.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use raline_domain::{ApplicationStatus, Decision, FieldError};
use raline_store::RenewalRecord;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::api::{ApiPath, api_error, api_locale, rfc3339};
use crate::auth::ApiStaff;
use crate::error::{ApiError, WebError};
use crate::forms;
use crate::i18n::Locale;
use crate::renewal;
use crate::staff::decision_reason;

#[derive(Deserialize)]
pub struct ListQuery {
    status: Option<String>,
    /// Read as text so that a malformed number gets the JSON error body.
    limit: Option<String>,
    offset: Option<String>,
}

#[derive(Serialize)]
struct UploadItem {
    id: i64,
    slot: &'static str,
    content_type: String,
}

/// A renewal as the API returns it.
#[derive(Serialize)]
pub struct RenewalItem {
    id: i64,
    member_number: String,
    full_name: String,
    member_type: String,
    status: &'static str,
    /// `online` or `desk`.
    channel: &'static str,
    /// The member's current end date.
    valid_until: String,
    /// End dates the approval moved from and to; `null` until approved.
    old_valid_until: Option<String>,
    new_valid_until: Option<String>,
    /// Such as `365d`, `6m` or `1y`.
    term: String,
    fee_rupiah: i64,
    paid: bool,
    decision_reason: Option<String>,
    /// User name of the staff member who decided; `null` with `decided_at` set means
    /// approved automatically.
    decided_by: Option<String>,
    decided_at: Option<String>,
    submitted_at: String,
    uploads: Vec<UploadItem>,
}

#[derive(Serialize)]
pub struct ListBody {
    items: Vec<RenewalItem>,
    total: i64,
}

async fn renewal_item(state: &AppState, renewal: RenewalRecord) -> Result<RenewalItem, WebError> {
    let uploads = state
        .store()
        .renewal_uploads(renewal.id)
        .await?
        .into_iter()
        .map(|upload| UploadItem {
            id: upload.id,
            slot: upload.slot.as_str(),
            content_type: upload.content_type,
        })
        .collect();
    Ok(RenewalItem {
        id: renewal.id,
        member_number: renewal.member_number,
        full_name: renewal.full_name,
        member_type: renewal.member_type,
        status: renewal.status.as_str(),
        channel: renewal.channel.as_str(),
        valid_until: renewal.member_valid_until.to_string(),
        old_valid_until: renewal.old_valid_until.map(|date| date.to_string()),
        new_valid_until: renewal.new_valid_until.map(|date| date.to_string()),
        term: renewal.term.to_string(),
        fee_rupiah: renewal.fee_rupiah,
        paid: renewal.paid,
        decision_reason: renewal.decision_reason,
        decided_by: renewal.decided_by,
        decided_at: renewal.decided_at.map(rfc3339),
        submitted_at: rfc3339(renewal.submitted_at),
        uploads,
    })
}

/// Reads an optional non-negative number of the query string.
fn query_number(name: &str, value: Option<&str>) -> Result<Option<i64>, WebError> {
    value
        .map(|text| {
            text.trim()
                .parse::<i64>()
                .ok()
                .filter(|number| *number >= 0)
                .ok_or_else(|| {
                    WebError::BadRequest(format!(
                        "{name} {text:?} is not a whole number of 0 or more"
                    ))
                })
        })
        .transpose()
}

/// `GET /api/v1/staff/renewals?status=submitted&limit=100&offset=0`: oldest submission
/// first; `status` defaults to `submitted`.
pub async fn list(
    State(state): State<AppState>,
    _staff: ApiStaff,
    headers: HeaderMap,
    Query(query): Query<ListQuery>,
) -> Result<Json<ListBody>, ApiError> {
    let locale = api_locale(&headers);
    let fail = |error: WebError| api_error(error, locale);
    let status = match query.status.as_deref() {
        None => ApplicationStatus::Submitted,
        Some(value) => ApplicationStatus::parse(value).ok_or_else(|| {
            fail(WebError::BadRequest(format!(
                "unknown status {value:?}: use submitted, needs_correction, approved or rejected"
            )))
        })?,
    };
    let limit = query_number("limit", query.limit.as_deref())
        .map_err(fail)?
        .unwrap_or(100)
        .clamp(1, 500);
    let offset = query_number("offset", query.offset.as_deref())
        .map_err(fail)?
        .unwrap_or(0);

    let store = state.store();
    let renewals = store
        .list_renewals(status, limit, offset)
        .await
        .map_err(|error| fail(error.into()))?;
    let total = store
        .count_renewals(status)
        .await
        .map_err(|error| fail(error.into()))?;
    let mut items = Vec::with_capacity(renewals.len());
    for renewal in renewals {
        items.push(renewal_item(&state, renewal).await.map_err(fail)?);
    }
    Ok(Json(ListBody { items, total }))
}

/// `GET /api/v1/staff/renewals/{id}`.
pub async fn show(
    State(state): State<AppState>,
    _staff: ApiStaff,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<RenewalItem>, ApiError> {
    let locale = api_locale(&headers);
    let renewal = load(&state, locale, id).await?;
    let item = renewal_item(&state, renewal)
        .await
        .map_err(|error| api_error(error, locale))?;
    Ok(Json(item))
}

async fn load(state: &AppState, locale: Locale, id: i64) -> Result<RenewalRecord, ApiError> {
    state
        .store()
        .renewal(id)
        .await
        .map_err(|error| api_error(error, locale))?
        .ok_or_else(|| api_error(WebError::NotFound, locale))
}

/// Body of the decision calls; an empty body is allowed for an approval.
#[derive(Deserialize, Default)]
struct DecisionBody {
    /// Required for a rejection or correction request, sent to the member; 1–1000 characters.
    #[serde(default)]
    reason: String,
    /// Records whether the fee was paid; absent keeps the stored flag.
    #[serde(default)]
    paid: Option<bool>,
}

async fn decide(
    state: AppState,
    staff: ApiStaff,
    headers: HeaderMap,
    id: i64,
    decision: Decision,
    body: Bytes,
) -> Result<Json<RenewalItem>, ApiError> {
    let locale = api_locale(&headers);
    // The store reports an unknown id as a conflict, so it is looked up first for a 404.
    load(&state, locale, id).await?;

    let body: DecisionBody = if body.iter().all(u8::is_ascii_whitespace) {
        DecisionBody::default()
    } else {
        serde_json::from_slice(&body).map_err(|error| {
            api_error(
                WebError::BadRequest(format!("invalid JSON body: {error}")),
                locale,
            )
        })?
    };
    let reason = decision_reason(decision, &body.reason).map_err(|code| {
        let errors = [FieldError {
            field: "reason",
            code,
        }];
        api_error(
            WebError::Validation(forms::field_messages(locale, &errors, 0)),
            locale,
        )
    })?;

    renewal::decide(
        &state,
        Some(staff.0.id),
        id,
        decision,
        reason.as_deref(),
        body.paid,
    )
    .await
    .map_err(|error| api_error(error, locale))?;

    let renewal = load(&state, locale, id).await?;
    let item = renewal_item(&state, renewal)
        .await
        .map_err(|error| api_error(error, locale))?;
    Ok(Json(item))
}

/// `POST /api/v1/staff/renewals/{id}/approve` with an optional `{"paid": true}`.
pub async fn approve(
    State(state): State<AppState>,
    staff: ApiStaff,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
    body: Bytes,
) -> Result<Json<RenewalItem>, ApiError> {
    decide(state, staff, headers, id, Decision::Approve, body).await
}

/// `POST /api/v1/staff/renewals/{id}/reject` with `{"reason": "…"}`.
pub async fn reject(
    State(state): State<AppState>,
    staff: ApiStaff,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
    body: Bytes,
) -> Result<Json<RenewalItem>, ApiError> {
    decide(state, staff, headers, id, Decision::Reject, body).await
}

/// `POST /api/v1/staff/renewals/{id}/request-correction` with `{"reason": "…"}`.
pub async fn request_correction(
    State(state): State<AppState>,
    staff: ApiStaff,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
    body: Bytes,
) -> Result<Json<RenewalItem>, ApiError> {
    decide(state, staff, headers, id, Decision::RequestCorrection, body).await
}
