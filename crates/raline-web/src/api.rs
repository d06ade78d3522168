//! The JSON API under `/api/v1`, described by `openapi.json`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Multipart, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use raline_domain::{ApplicationStatus, Decision, FindingCode};
use raline_store::{ApplicationFilter, ApplicationRecord, MemberRecord};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::auth::{ApiStaff, bearer_token};
use crate::error::{ApiError, WebError};
use crate::forms::{self, Channel, SubmitOutcome};
use crate::i18n::{Locale, t};
use crate::member_auth::ClientAddress;
use crate::staff::{StaffFinding, apply_decision, decision_reason, staff_findings};
use crate::status::applicant_warnings;
use crate::{AppState, card, uploads};

/// Path parameters of the API. A malformed one (`/applications/abc`) gets the JSON error
/// body like every other API error, instead of axum's plain-text rejection.
pub struct ApiPath<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    T: serde::de::DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(ApiPath(value)),
            Err(rejection) => Err(api_error(
                WebError::BadRequest(rejection.body_text()),
                api_locale(&parts.headers),
            )),
        }
    }
}

/// API messages are Indonesian unless the client asks for English with `Accept-Language`.
pub(crate) fn api_locale(headers: &HeaderMap) -> Locale {
    let wants_english = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.trim_start().starts_with("en"));
    if wants_english {
        Locale::En
    } else {
        Locale::Id
    }
}

pub(crate) fn api_error(error: impl Into<WebError>, locale: Locale) -> ApiError {
    ApiError {
        error: error.into(),
        locale,
    }
}

#[derive(Serialize)]
pub struct Warning {
    code: &'static str,
    message: String,
}

fn warnings(locale: Locale, codes: &[FindingCode]) -> Vec<Warning> {
    applicant_warnings(codes)
        .into_iter()
        .map(|code| Warning {
            code: code.as_str(),
            message: t(locale, &format!("finding-{}", code.as_str())),
        })
        .collect()
}

#[derive(Serialize)]
pub struct Created {
    id: i64,
    registration_number: String,
    status: &'static str,
    status_token: String,
    status_url: String,
    warnings: Vec<Warning>,
}

/// `POST /api/v1/applications`: the multipart form of the registration page.
///
/// An `Idempotency-Key` header makes retries safe: the same key returns the first
/// application with 200 instead of creating another.
pub async fn create_application(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientAddress(client): ClientAddress,
    multipart: Multipart,
) -> Result<Response, ApiError> {
    let locale = api_locale(&headers);
    let mut submission = uploads::read_submission(multipart, state.config().upload_max_bytes)
        .await
        .map_err(|error| api_error(error, locale))?;
    submission.client = client;

    // A client-chosen key may be guessed, so it only matches a repeat of the same person's
    // data (identity number and e-mail); another body with the same key is a new application
    // and never gets the first one's status token.
    let submission_key = match headers.get("idempotency-key").and_then(|v| v.to_str().ok()) {
        Some(key) if !key.trim().is_empty() && key.len() <= 200 => {
            let input = &submission.input;
            let fingerprint = format!(
                "api:{}|{}|{}",
                key.trim(),
                input.identity_number.trim(),
                input.email.trim().to_lowercase()
            );
            format!("{:x}", Sha256::digest(fingerprint))
        }
        _ => raline_store::random_token(),
    };

    let outcome =
        forms::submit_application(&state, submission, &submission_key, locale, Channel::Api)
            .await
            .map_err(|error| api_error(error, locale))?;

    match outcome {
        SubmitOutcome::Stored {
            id,
            registration_number,
            status_token,
            warnings: codes,
            created,
        } => {
            let body = Created {
                id,
                registration_number,
                status: ApplicationStatus::Submitted.as_str(),
                status_url: format!("{}/status/{status_token}", state.config().base_url),
                status_token,
                warnings: warnings(locale, &codes),
            };
            let status = if created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            Ok((status, Json(body)).into_response())
        }
        SubmitOutcome::Invalid(errors) => {
            let max_mb = state.config().upload_max_bytes / (1024 * 1024);
            let messages = forms::field_messages(locale, &errors, max_mb);
            Err(api_error(WebError::Validation(messages), locale))
        }
    }
}

/// A caller allowed to read one application: its applicant (status token) or staff.
pub enum Reader {
    Applicant(Box<ApplicationRecord>),
    Staff,
}

pub struct ApplicationReader {
    reader: Reader,
    locale: Locale,
}

impl FromRequestParts<AppState> for ApplicationReader {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let locale = api_locale(&parts.headers);
        let token = bearer_token(&parts.headers)
            .ok_or_else(|| api_error(WebError::Unauthorized, locale))?;
        if forms::is_submission_key(token) {
            let record = state
                .store()
                .application_by_status_token(&raline_store::hash_token(token))
                .await
                .map_err(|error| api_error(error, locale))?;
            if let Some(record) = record {
                return Ok(ApplicationReader {
                    reader: Reader::Applicant(Box::new(record)),
                    locale,
                });
            }
        }
        let staff = state
            .store()
            .staff_by_api_token(token)
            .await
            .map_err(|error| api_error(error, locale))?;
        match staff {
            Some(_) => Ok(ApplicationReader {
                reader: Reader::Staff,
                locale,
            }),
            None => Err(api_error(WebError::Unauthorized, locale)),
        }
    }
}

impl ApplicationReader {
    /// Loads application `id` if this caller may read it. An applicant asking for another
    /// application gets 404, so ids cannot be probed.
    async fn application(self, state: &AppState, id: i64) -> Result<ApplicationRecord, ApiError> {
        let locale = self.locale;
        match self.reader {
            Reader::Applicant(record) if record.id == id => Ok(*record),
            Reader::Applicant(_) => Err(api_error(WebError::NotFound, locale)),
            Reader::Staff => state
                .store()
                .application(id)
                .await
                .map_err(|error| api_error(error, locale))?
                .ok_or_else(|| api_error(WebError::NotFound, locale)),
        }
    }
}

#[derive(Serialize)]
pub struct ApplicationStatusBody {
    id: i64,
    registration_number: String,
    status: &'static str,
    status_label: String,
    submitted_at: String,
    warnings: Vec<Warning>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    member_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    valid_until: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    card_url: Option<String>,
}

pub(crate) fn rfc3339(instant: time::OffsetDateTime) -> String {
    instant
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn status_body(
    state: &AppState,
    locale: Locale,
    application: &ApplicationRecord,
    member: Option<&MemberRecord>,
) -> ApplicationStatusBody {
    let status = application.status.as_str();
    let shows_reason = matches!(
        application.status,
        ApplicationStatus::NeedsCorrection | ApplicationStatus::Rejected
    );
    ApplicationStatusBody {
        id: application.id,
        registration_number: application.registration_number.clone(),
        status,
        status_label: t(locale, &format!("status-{status}")),
        submitted_at: rfc3339(application.submitted_at),
        warnings: warnings(locale, &application.warnings),
        reason: application.decision_reason.clone().filter(|_| shows_reason),
        member_number: member.map(|m| m.member_number.clone()),
        valid_until: member.map(|m| m.valid_until.to_string()),
        card_url: member.map(|_| {
            format!(
                "{}/api/v1/applications/{}/card.pdf",
                state.config().base_url,
                application.id
            )
        }),
    }
}

/// `GET /api/v1/applications/{id}` with the status token or a staff token.
pub async fn application_status(
    State(state): State<AppState>,
    reader: ApplicationReader,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ApplicationStatusBody>, ApiError> {
    let locale = reader.locale;
    let application = reader.application(&state, id).await?;
    let member = state
        .store()
        .member_for_application(id)
        .await
        .map_err(|error| api_error(error, locale))?;
    Ok(Json(status_body(
        &state,
        locale,
        &application,
        member.as_ref(),
    )))
}

/// `GET /api/v1/applications/{id}/card.pdf`, the applicant's `card_url`.
pub async fn application_card(
    State(state): State<AppState>,
    reader: ApplicationReader,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, ApiError> {
    let locale = reader.locale;
    let application = reader.application(&state, id).await?;
    let member = state
        .store()
        .member_for_application(id)
        .await
        .map_err(|error| api_error(error, locale))?
        .ok_or_else(|| api_error(WebError::NotFound, locale))?;
    card::pdf_response(&state, &member, &application)
        .await
        .map_err(|error| api_error(error, locale))
}

#[derive(Deserialize)]
pub struct ListQuery {
    status: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

#[derive(Serialize)]
struct QueueItem {
    id: i64,
    registration_number: String,
    full_name: String,
    status: &'static str,
    member_type: String,
    domicile: &'static str,
    warning_count: usize,
    /// Other applications and members sharing identity number, e-mail, phone, or name and
    /// birth date.
    duplicate_count: i64,
    submitted_at: String,
    waiting_seconds: i64,
}

#[derive(Serialize)]
pub struct ListBody {
    items: Vec<QueueItem>,
    total: i64,
}

/// `GET /api/v1/staff/applications?status=submitted`: oldest first.
pub async fn staff_list(
    State(state): State<AppState>,
    _staff: ApiStaff,
    Query(query): Query<ListQuery>,
) -> Result<Json<ListBody>, ApiError> {
    let status = match query.status.as_deref() {
        None => ApplicationStatus::Submitted,
        Some(value) => ApplicationStatus::parse(value)
            .ok_or_else(|| WebError::BadRequest(format!("unknown status {value:?}")))?,
    };
    let limit = query.limit.unwrap_or(100).clamp(1, 500);
    let offset = query.offset.unwrap_or(0).max(0);
    let entries = state
        .store()
        .list_applications(ApplicationFilter {
            status,
            limit,
            offset,
        })
        .await?;
    let total = state.store().count_applications(status).await?;
    let now = time::OffsetDateTime::now_utc();
    let items = entries
        .into_iter()
        .map(|entry| QueueItem {
            id: entry.id,
            registration_number: entry.registration_number,
            full_name: entry.full_name,
            status: entry.status.as_str(),
            member_type: entry.member_type,
            domicile: entry.domicile.as_str(),
            warning_count: entry.warning_count,
            duplicate_count: entry.duplicate_count,
            submitted_at: rfc3339(entry.submitted_at),
            waiting_seconds: (now - entry.submitted_at).whole_seconds().max(0),
        })
        .collect();
    Ok(Json(ListBody { items, total }))
}

#[derive(Serialize)]
struct UploadItem {
    id: i64,
    slot: &'static str,
    content_type: String,
    byte_size: i64,
    width: Option<i64>,
    height: Option<i64>,
    url: String,
}

#[derive(Serialize)]
struct DecisionItem {
    decision: String,
    reason: Option<String>,
    staff: String,
    decided_at: String,
}

#[derive(Serialize)]
pub(crate) struct DeliveryItem {
    id: i64,
    kind: &'static str,
    channel: &'static str,
    state: &'static str,
    attempts: i64,
    last_error: Option<String>,
    /// Transport that took the message: smtp, file, memory, cloud_api or gateway.
    provider: Option<String>,
    resend_of: Option<i64>,
    created_at: String,
    sent_at: Option<String>,
    delivered_at: Option<String>,
    read_at: Option<String>,
    failed_at: Option<String>,
    /// The message failed, but the provider may have accepted it; it is not resent
    /// automatically.
    outcome_unknown: bool,
}

impl From<raline_store::OutboxMessage> for DeliveryItem {
    fn from(message: raline_store::OutboxMessage) -> Self {
        DeliveryItem {
            id: message.id,
            kind: message.kind.as_str(),
            channel: message.channel.as_str(),
            state: message.state.as_str(),
            attempts: message.attempts,
            last_error: message.last_error,
            provider: message.provider,
            resend_of: message.resend_of,
            created_at: rfc3339(message.created_at),
            sent_at: message.sent_at.map(rfc3339),
            delivered_at: message.delivered_at.map(rfc3339),
            read_at: message.read_at.map(rfc3339),
            failed_at: message.failed_at.map(rfc3339),
            outcome_unknown: message.outcome_unknown,
        }
    }
}

#[derive(Serialize)]
pub struct StaffDetailBody {
    #[serde(flatten)]
    status: ApplicationStatusBody,
    identity_type: &'static str,
    identity_number: String,
    full_name: String,
    mother_maiden_name: String,
    birth_place: String,
    birth_date: String,
    sex: &'static str,
    religion: Option<String>,
    marital_status: Option<String>,
    occupation: String,
    education: String,
    email: String,
    phone: String,
    phone_e164: String,
    id_address: raline_domain::Address,
    current_address: Option<raline_domain::Address>,
    domicile: &'static str,
    member_type: String,
    member_type_name: String,
    guardian_name: Option<String>,
    guardian_relationship: Option<String>,
    findings: Vec<StaffFinding>,
    /// e-Meterai serial numbers read from a signed statement letter.
    emeterai_serials: Vec<String>,
    /// Whether the applicant opened the address verification link.
    email_verified: bool,
    uploads: Vec<UploadItem>,
    decisions: Vec<DecisionItem>,
    deliveries: Vec<DeliveryItem>,
    /// The member's hand-over to INLISLite's database; `None` before approval or while
    /// the member was never queued (the direct sync off).
    inlislite: Option<InlisliteItem>,
}

/// A member's direct sync into INLISLite, as staff pages show it.
#[derive(Serialize)]
pub struct InlisliteItem {
    /// `pending`, `synced` or `failed` (stopped until staff act).
    state: &'static str,
    /// Event that last requested a sync: approved, renewed, contact, identity, portal or staff.
    reason: &'static str,
    attempts: i64,
    next_attempt_at: Option<String>,
    last_attempt_at: Option<String>,
    /// Stable code of the last failure, e.g. `unreachable`, `missing_mapping`, `not_latin1`.
    error_code: Option<String>,
    /// Indonesian text of the last failure, naming the table, column or value.
    error: Option<String>,
    /// `members.ID` in INLISLite.
    inlislite_id: Option<i64>,
    /// INLISLite's number for the member before the sync renumbered it to RALINE's.
    previous_member_number: Option<String>,
    synced_at: Option<String>,
}

impl From<raline_store::SyncStatus> for InlisliteItem {
    fn from(status: raline_store::SyncStatus) -> Self {
        let pending = status.state == raline_store::SyncState::Pending;
        InlisliteItem {
            state: status.state.as_str(),
            reason: status.reason.as_str(),
            attempts: status.attempts,
            next_attempt_at: pending.then(|| rfc3339(status.next_attempt_at)),
            last_attempt_at: status.last_attempt_at.map(rfc3339),
            error_code: status.last_error_code,
            error: status.last_error,
            inlislite_id: status.inlislite_id,
            previous_member_number: status.previous_member_number,
            synced_at: status.synced_at.map(rfc3339),
        }
    }
}

/// `GET /api/v1/staff/applications/{id}`: all data, findings, files, decisions, deliveries.
pub async fn staff_detail(
    State(state): State<AppState>,
    _staff: ApiStaff,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<StaffDetailBody>, ApiError> {
    let locale = api_locale(&headers);
    let store = state.store();
    let app = store.application(id).await?.ok_or(WebError::NotFound)?;
    let member = store.member_for_application(id).await?;
    let findings = staff_findings(&state, locale, &app).await?;
    let uploads = store
        .uploads_for(id)
        .await?
        .into_iter()
        .map(|upload| UploadItem {
            id: upload.id,
            slot: upload.slot.as_str(),
            url: format!(
                "{}/staf/pendaftaran/{id}/berkas/{}",
                state.config().base_url,
                upload.id
            ),
            content_type: upload.content_type,
            byte_size: upload.byte_size,
            width: upload.width,
            height: upload.height,
        })
        .collect();
    let decisions = store
        .decisions_for(id)
        .await?
        .into_iter()
        .map(|decision| DecisionItem {
            decision: decision.decision,
            reason: decision.reason,
            staff: decision.staff_username,
            decided_at: rfc3339(decision.created_at),
        })
        .collect();
    let deliveries = store
        .outbox_for_application(id)
        .await?
        .into_iter()
        .map(DeliveryItem::from)
        .collect();
    let inlislite = match &member {
        Some(member) => store
            .inlislite_sync_status(member.id)
            .await?
            .map(InlisliteItem::from),
        None => None,
    };

    Ok(Json(StaffDetailBody {
        status: status_body(&state, locale, &app, member.as_ref()),
        identity_type: app.identity_type.as_str(),
        identity_number: app.identity_number.clone(),
        full_name: app.full_name.clone(),
        mother_maiden_name: app.mother_maiden_name.clone(),
        birth_place: app.birth_place.clone(),
        birth_date: app.birth_date.to_string(),
        sex: app.sex.as_str(),
        religion: app.religion.clone(),
        marital_status: app.marital_status.clone(),
        occupation: app.occupation.clone(),
        education: app.education.clone(),
        email: app.email.clone(),
        phone: app.phone.clone(),
        phone_e164: app.phone_e164.clone(),
        id_address: app.id_address.clone(),
        current_address: app.current_address.clone(),
        domicile: app.domicile.as_str(),
        member_type_name: state.config().member_type_name(&app.member_type),
        member_type: app.member_type.clone(),
        guardian_name: app.guardian_name.clone(),
        guardian_relationship: app.guardian_relationship.clone(),
        findings,
        emeterai_serials: state.store().emeterai_serials(id).await?,
        email_verified: state.store().application_email_verified(id).await?,
        uploads,
        decisions,
        deliveries,
        inlislite,
    }))
}

#[derive(Deserialize, Default)]
struct ReasonBody {
    #[serde(default)]
    reason: String,
    /// Keys of the findings the client showed; an approval is refused when a new one
    /// appeared.
    #[serde(default)]
    acknowledged_findings: Option<Vec<String>>,
}

#[derive(Serialize)]
pub struct DecisionBody {
    id: i64,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    member_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    valid_until: Option<String>,
}

async fn decide(
    state: AppState,
    staff: ApiStaff,
    headers: HeaderMap,
    id: i64,
    decision: Decision,
    body: Bytes,
) -> Result<Json<DecisionBody>, ApiError> {
    let locale = api_locale(&headers);
    let body: ReasonBody = if body.iter().all(u8::is_ascii_whitespace) {
        ReasonBody::default()
    } else {
        serde_json::from_slice(&body).map_err(|error| {
            api_error(
                WebError::BadRequest(format!("invalid JSON body: {error}")),
                locale,
            )
        })?
    };
    let reason = decision_reason(decision, &body.reason).map_err(|code| {
        let errors = [raline_domain::FieldError {
            field: "reason",
            code,
        }];
        api_error(
            WebError::Validation(forms::field_messages(locale, &errors, 0)),
            locale,
        )
    })?;
    let outcome = apply_decision(
        &state,
        staff.0.id,
        id,
        decision,
        reason.as_deref(),
        body.acknowledged_findings.as_deref(),
    )
    .await
    .map_err(|error| api_error(error, locale))?;
    Ok(Json(DecisionBody {
        id,
        status: outcome.status.as_str(),
        member_number: outcome.member.as_ref().map(|m| m.member_number.clone()),
        valid_until: outcome.member.as_ref().map(|m| m.valid_until.to_string()),
    }))
}

pub async fn approve(
    State(state): State<AppState>,
    staff: ApiStaff,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
    body: Bytes,
) -> Result<Json<DecisionBody>, ApiError> {
    decide(state, staff, headers, id, Decision::Approve, body).await
}

pub async fn reject(
    State(state): State<AppState>,
    staff: ApiStaff,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
    body: Bytes,
) -> Result<Json<DecisionBody>, ApiError> {
    decide(state, staff, headers, id, Decision::Reject, body).await
}

pub async fn request_correction(
    State(state): State<AppState>,
    staff: ApiStaff,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
    body: Bytes,
) -> Result<Json<DecisionBody>, ApiError> {
    decide(state, staff, headers, id, Decision::RequestCorrection, body).await
}

/// `GET /api/v1/staff/applications/{id}/uploads/{upload_id}`: an uploaded file for staff.
pub async fn staff_upload(
    State(state): State<AppState>,
    _staff: ApiStaff,
    ApiPath((id, upload_id)): ApiPath<(i64, i64)>,
) -> Result<Response, ApiError> {
    let upload = state
        .store()
        .upload(upload_id)
        .await?
        .filter(|upload| upload.application_id == Some(id))
        .ok_or(WebError::NotFound)?;
    let bytes = state.files().get(&upload.storage_name).await?;
    Ok(crate::staff::upload_response(bytes, &upload.content_type))
}

/// `GET /api/v1/members/{member_number}/card.pdf` for staff.
pub async fn member_card(
    State(state): State<AppState>,
    _staff: ApiStaff,
    ApiPath(number): ApiPath<String>,
) -> Result<Response, ApiError> {
    let member = state
        .store()
        .member_by_number(&number)
        .await?
        .ok_or(WebError::NotFound)?;
    Ok(card::member_pdf_response(&state, &member).await?)
}

pub async fn openapi() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        include_str!("../openapi.json"),
    )
        .into_response()
}

/// Response of a resend: the new message that was queued.
#[derive(Serialize)]
pub struct ResendBody {
    id: i64,
    resend_of: i64,
}

/// `POST /api/v1/staff/messages/{id}/resend`: queues a sent or failed message again on the
/// same channel.
pub async fn resend_message(
    State(state): State<AppState>,
    staff: ApiStaff,
    ApiPath(id): ApiPath<i64>,
) -> Result<(StatusCode, Json<ResendBody>), ApiError> {
    state
        .store()
        .outbox_message(id)
        .await?
        .ok_or(WebError::NotFound)?;
    let new_id = state
        .store()
        .resend_outbox_message(id, staff.0.id, OffsetDateTime::now_utc())
        .await?;
    state.outbox_wake().notify_one();
    tracing::info!(
        staff_id = staff.0.id,
        outbox_id = id,
        new_outbox_id = new_id,
        "message queued again by staff"
    );
    Ok((
        StatusCode::CREATED,
        Json(ResendBody {
            id: new_id,
            resend_of: id,
        }),
    ))
}

/// Failed messages of the last 24 hours, newest first.
#[derive(Serialize)]
pub struct FailedMessagesBody {
    count: i64,
    messages: Vec<DeliveryItem>,
}

/// `GET /api/v1/staff/messages/failed`: the failures of the last 24 hours, at most 200.
pub async fn failed_messages(
    State(state): State<AppState>,
    _staff: ApiStaff,
) -> Result<Json<FailedMessagesBody>, ApiError> {
    let since = OffsetDateTime::now_utc() - time::Duration::hours(24);
    let count = state.store().failed_outbox_count_since(since).await?;
    let messages = state
        .store()
        .failed_outbox_since(since, 200)
        .await?
        .into_iter()
        .map(DeliveryItem::from)
        .collect();
    Ok(Json(FailedMessagesBody { count, messages }))
}
