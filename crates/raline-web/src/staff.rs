//! Staff pages: login, the verification queue, the detail page and decisions.

use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use raline_domain::{ApplicationStatus, Decision, FindingCode};
use raline_store::{ApplicationFilter, ApplicationRecord, Approval, StoreError};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::auth::{self, SESSION_COOKIE, StaffUser};
use crate::error::WebError;
use crate::i18n::{Locale, format_date, format_instant, format_waiting, t, t_args};
use crate::pages::{Lang, PageError, cookie, label, render};
use crate::{AppState, card, staff_delivery, staff_inlislite};

pub async fn login_form(
    State(state): State<AppState>,
    Lang(locale): Lang,
) -> Result<Html<String>, PageError> {
    render(
        &state,
        locale,
        "staff_login.html",
        minijinja::context! { failed => false, locked => false, username => "" },
    )
    .map_err(|error| PageError::new(error, locale))
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
}

pub async fn login(
    State(state): State<AppState>,
    Lang(locale): Lang,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    let username = form.username.trim();
    if state.login_throttle().is_locked(username) {
        tracing::warn!(
            "staff login rejected: too many failed attempts, account locked for 15 minutes"
        );
        let html = render(
            &state,
            locale,
            "staff_login.html",
            minijinja::context! { failed => false, locked => true, username },
        )
        .map_err(|error| PageError::new(error, locale))?;
        return Ok((axum::http::StatusCode::TOO_MANY_REQUESTS, html).into_response());
    }

    let staff = state.store().staff_by_username(username).await?;
    let verified = match &staff {
        Some(staff) if !staff.disabled => {
            auth::verify_password(staff.password_hash.clone(), form.password).await
        }
        // Hash anyway so that response time does not reveal whether the name exists.
        _ => {
            let _ = auth::verify_password(DUMMY_HASH.clone(), form.password).await;
            false
        }
    };

    let Some(staff) = staff.filter(|_| verified) else {
        tracing::info!("staff login failed");
        state.login_throttle().record_failure(username);
        let html = render(
            &state,
            locale,
            "staff_login.html",
            minijinja::context! { failed => true, locked => false, username },
        )
        .map_err(|error| PageError::new(error, locale))?;
        return Ok((axum::http::StatusCode::UNAUTHORIZED, html).into_response());
    };

    state.login_throttle().record_success(username);
    let lifetime = state.config().session_lifetime;
    let token = state
        .store()
        .create_session(staff.id, OffsetDateTime::now_utc(), lifetime)
        .await?;
    tracing::info!(staff_id = staff.id, "staff logged in");

    let mut response = Redirect::to("/staf").into_response();
    let cookie = auth::session_cookie(&state, &token, lifetime.whole_seconds());
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// An Argon2id hash of a random password, verified when the user name is unknown so that
/// both paths cost the same.
pub(crate) static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| password_auth::generate_hash(raline_store::random_token()));

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn logout(
    State(state): State<AppState>,
    user: StaffUser,
    headers: axum::http::HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&form.csrf)?;
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        state.store().delete_session(token).await?;
    }
    let mut response = Redirect::to("/staf/masuk").into_response();
    let expired = auth::session_cookie(&state, "", 0);
    if let Ok(value) = HeaderValue::from_str(&expired) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

#[derive(Deserialize)]
pub struct QueueQuery {
    status: Option<String>,
    page: Option<i64>,
    /// Notice after a resend that had no page to return to, set by `staff_delivery::resend`.
    pengiriman: Option<String>,
}

const QUEUE_PAGE_SIZE: i64 = 50;

#[derive(Serialize)]
struct QueueRow {
    id: i64,
    registration_number: String,
    full_name: String,
    member_type: String,
    domicile: String,
    /// NIK warnings plus duplicates, as the detail page lists them.
    finding_count: i64,
    waiting: String,
    submitted_at: String,
}

#[derive(Serialize)]
struct StatusTab {
    status: &'static str,
    label: String,
    count: i64,
    active: bool,
}

pub async fn queue(
    State(state): State<AppState>,
    Lang(locale): Lang,
    user: StaffUser,
    Query(query): Query<QueueQuery>,
) -> Result<Html<String>, PageError> {
    let status = query
        .status
        .as_deref()
        .and_then(ApplicationStatus::parse)
        .unwrap_or(ApplicationStatus::Submitted);
    let page = query.page.unwrap_or(1).clamp(1, 10_000);
    let entries = state
        .store()
        .list_applications(ApplicationFilter {
            status,
            limit: QUEUE_PAGE_SIZE,
            offset: (page - 1) * QUEUE_PAGE_SIZE,
        })
        .await?;

    let now = OffsetDateTime::now_utc();
    let rows: Vec<QueueRow> = entries
        .into_iter()
        .map(|entry| QueueRow {
            id: entry.id,
            registration_number: entry.registration_number,
            full_name: entry.full_name,
            member_type: state.config().member_type_name(&entry.member_type),
            domicile: label(locale, "domicile", entry.domicile.as_str()),
            finding_count: i64::try_from(entry.warning_count).unwrap_or(i64::MAX)
                + entry.duplicate_count,
            waiting: format_waiting(locale, now - entry.submitted_at),
            submitted_at: format_instant(locale, entry.submitted_at),
        })
        .collect();

    let counts = state.store().count_applications_by_status().await?;
    let count_of = |wanted: ApplicationStatus| {
        counts
            .iter()
            .find(|(status, _)| *status == wanted)
            .map_or(0, |(_, total)| *total)
    };
    let tabs: Vec<StatusTab> = ApplicationStatus::ALL
        .into_iter()
        .map(|tab_status| StatusTab {
            status: tab_status.as_str(),
            label: t(locale, &format!("status-{}", tab_status.as_str())),
            count: count_of(tab_status),
            active: tab_status == status,
        })
        .collect();
    let has_next = count_of(status) > page * QUEUE_PAGE_SIZE;
    let failures_24h = staff_delivery::recent_failure_count(&state)
        .await
        .map_err(|error| PageError::new(error, locale))?;

    render(
        &state,
        locale,
        "staff_queue.html",
        minijinja::context! {
            rows,
            tabs,
            status => status.as_str(),
            page,
            has_next,
            failures_24h,
            delivery_notice => staff_delivery::delivery_notice(locale, query.pengiriman.as_deref()),
            staff_name => &user.staff.username,
            staff_admin => staff_delivery::is_admin(&user),
            csrf => &user.csrf_token,
        },
    )
    .map_err(|error| PageError::new(error, locale))
}

/// A machine check result shown to staff, with a link to the other record for duplicates.
#[derive(Debug, Clone, Serialize)]
pub struct StaffFinding {
    /// The code, with the other record's id when there is one (`duplicate_phone:42`), so that
    /// an approval can tell a new duplicate from one already seen.
    pub key: String,
    pub code: &'static str,
    pub message: String,
    /// The check or action staff should take.
    pub check: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other_application_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other_registration_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member_number: Option<String>,
}

/// Stored NIK warnings plus duplicates looked up now, so staff see the current state.
pub async fn staff_findings(
    state: &AppState,
    locale: Locale,
    application: &ApplicationRecord,
) -> Result<Vec<StaffFinding>, StoreError> {
    let mut findings: Vec<StaffFinding> = application
        .warnings
        .iter()
        .map(|code| finding(locale, *code))
        .collect();
    for duplicate in state.store().find_duplicates(application).await? {
        findings.push(StaffFinding {
            key: format!(
                "{}:{}",
                duplicate.finding.as_str(),
                duplicate.application_id
            ),
            other_application_id: Some(duplicate.application_id),
            other_registration_number: Some(duplicate.registration_number),
            member_number: duplicate.member_number,
            ..finding(locale, duplicate.finding)
        });
    }
    Ok(findings)
}

fn finding(locale: Locale, code: FindingCode) -> StaffFinding {
    StaffFinding {
        key: code.as_str().to_owned(),
        code: code.as_str(),
        message: t(locale, &format!("finding-{}", code.as_str())),
        check: t(locale, &format!("finding-{}-check", code.as_str())),
        other_application_id: None,
        other_registration_number: None,
        member_number: None,
    }
}

#[derive(Serialize)]
struct DataRow {
    label: String,
    value: String,
}

fn data_rows(state: &AppState, locale: Locale, app: &ApplicationRecord) -> Vec<DataRow> {
    let row = |key: &str, value: String| DataRow {
        label: t(locale, &format!("field-{key}")),
        value,
    };
    let address = crate::pages::address_line;
    let mut rows = vec![
        row(
            "identity_type",
            label(locale, "identity-type", app.identity_type.as_str()),
        ),
        row("identity_number", app.identity_number.clone()),
        row("full_name", app.full_name.clone()),
        row("mother_maiden_name", app.mother_maiden_name.clone()),
        row(
            "birth_place_date",
            format!(
                "{}, {}",
                app.birth_place,
                format_date(locale, app.birth_date)
            ),
        ),
        row("sex", label(locale, "sex", app.sex.as_str())),
        row("religion", app.religion.clone().unwrap_or_default()),
        row(
            "marital_status",
            app.marital_status
                .as_deref()
                .map(|status| label(locale, "marital", status))
                .unwrap_or_default(),
        ),
        row("occupation", app.occupation.clone()),
        row("education", app.education.clone()),
        row("email", app.email.clone()),
        row(
            "phone",
            if app.phone == app.phone_e164 {
                app.phone.clone()
            } else {
                format!("{} ({})", app.phone, app.phone_e164)
            },
        ),
        row("address", address(&app.id_address)),
    ];
    if let Some(current) = &app.current_address {
        rows.push(row("current_address", address(current)));
    }
    rows.push(row(
        "member_type",
        state.config().member_type_name(&app.member_type),
    ));
    if let Some(name) = &app.guardian_name {
        let relationship = app.guardian_relationship.as_deref().unwrap_or_default();
        rows.push(row(
            "guardian_name",
            format!("{name} ({})", label(locale, "relationship", relationship)),
        ));
    }
    rows
}

#[derive(Deserialize)]
pub struct DetailQuery {
    /// Code of a decision error to show, set by the redirect of `decide`.
    kesalahan: Option<String>,
    /// Notice after a resend, set by the redirect of `staff_delivery::resend`.
    pengiriman: Option<String>,
    /// Notice after a sync request, set by the redirect of `staff_inlislite::resync_member`.
    inlislite: Option<String>,
}

pub async fn detail(
    State(state): State<AppState>,
    Lang(locale): Lang,
    user: StaffUser,
    Path(id): Path<i64>,
    Query(query): Query<DetailQuery>,
) -> Result<Html<String>, PageError> {
    let not_found = || PageError::new(WebError::NotFound, locale);
    let application = state.store().application(id).await?.ok_or_else(not_found)?;
    let findings = staff_findings(&state, locale, &application).await?;
    let uploads = state.store().uploads_for(id).await?;
    let decisions = state.store().decisions_for(id).await?;
    let messages = state.store().outbox_for_application(id).await?;
    let member = state.store().member_for_application(id).await?;
    let email_verified = state.store().application_email_verified(id).await?;

    let nik_checked = application.identity_type.carries_nik();
    let error_code = match query.kesalahan.as_deref() {
        Some("reason_required") => Some("reason_required"),
        Some("too_long") => Some("too_long"),
        _ => None,
    };
    let decision_error = match query.kesalahan.as_deref() {
        Some(code @ ("findings_changed" | "identity_already_member" | "email_unverified")) => {
            Some(t(locale, &format!("error-{code}")))
        }
        _ => error_code.and_then(|code| {
            let error = raline_domain::FieldError {
                field: "reason",
                code,
            };
            crate::forms::field_messages(locale, &[error], 0)
                .pop()
                .map(|message| message.message)
        }),
    };
    let findings_seen = finding_keys(&findings).join(",");
    let serials = state.store().emeterai_serials(id).await?;
    let signatures: i64 = uploads
        .iter()
        .filter(|upload| upload.slot == raline_domain::UploadSlot::StatementLetter)
        .filter_map(|upload| upload.signature_count)
        .sum();
    let emeterai = match (signatures, serials.is_empty()) {
        (0, _) => None,
        (count, true) => Some(t_args(
            locale,
            "staff-detail-emeterai-none",
            &[("count", count.into())],
        )),
        (count, false) => Some(t_args(
            locale,
            "staff-detail-emeterai",
            &[
                ("count", count.into()),
                ("serials", serials.join(", ").into()),
            ],
        )),
    };
    let files: Vec<_> = uploads
        .iter()
        .map(|upload| {
            minijinja::context! {
                id => upload.id,
                label => t(locale, &format!("field-{}", upload.slot.as_str())),
                is_image => upload.content_type.starts_with("image/"),
                content_type => &upload.content_type,
            }
        })
        .collect();
    let history: Vec<_> = decisions
        .iter()
        .map(|decision| {
            minijinja::context! {
                decision => t(locale, &format!("staff-decision-{}", decision.decision)),
                reason => &decision.reason,
                staff => &decision.staff_username,
                at => format_instant(locale, decision.created_at),
            }
        })
        .collect();
    let recipient_locale = Locale::parse(&application.locale).unwrap_or_default();
    let deliveries = staff_delivery::render_deliveries(
        &state,
        locale,
        &user,
        staff_delivery::DeliverySection {
            messages: &messages,
            member: member.as_ref(),
            recipient_locale,
            back: &format!("/staf/pendaftaran/{id}"),
            notice: query.pengiriman.as_deref(),
        },
    )
    .map_err(|error| PageError::new(error, locale))?;
    let inlislite = match &member {
        Some(member) => Some(
            staff_inlislite::render_member_section(
                &state,
                locale,
                &user,
                member,
                staff_inlislite::MemberSectionPage::Application,
                query.inlislite.as_deref(),
            )
            .await
            .map_err(|error| PageError::new(error, locale))?,
        ),
        None => None,
    };

    render(
        &state,
        locale,
        "staff_detail.html",
        minijinja::context! {
            id,
            registration_number => &application.registration_number,
            full_name => &application.full_name,
            status => application.status.as_str(),
            status_label => t(locale, &format!("status-{}", application.status.as_str())),
            open => application.status.is_open_for_decision(),
            reason => &application.decision_reason,
            domicile => label(locale, "domicile", application.domicile.as_str()),
            submitted_at => format_instant(locale, application.submitted_at),
            waiting => format_waiting(locale, OffsetDateTime::now_utc() - application.submitted_at),
            rows => data_rows(&state, locale, &application),
            findings,
            findings_seen,
            emeterai,
            nik_checked,
            files,
            history,
            deliveries,
            inlislite,
            member_number => member.as_ref().map(|m| m.member_number.clone()),
            email_verified,
            valid_until => member.as_ref().map(|m| format_date(locale, m.valid_until)),
            staff_name => &user.staff.username,
            staff_admin => staff_delivery::is_admin(&user),
            csrf => &user.csrf_token,
            decision_error => decision_error,
        },
    )
    .map_err(|error| PageError::new(error, locale))
}

#[derive(Deserialize)]
pub struct DecisionForm {
    csrf: String,
    action: String,
    #[serde(default)]
    reason: String,
    /// Finding codes shown on the page, comma-separated.
    #[serde(default)]
    findings_seen: Option<String>,
}

/// Validates a decision's reason. Rejections and correction requests need one, because the
/// applicant receives it by e-mail.
pub fn decision_reason(decision: Decision, reason: &str) -> Result<Option<String>, &'static str> {
    let reason = reason.trim();
    if reason.chars().count() > 1000 {
        return Err("too_long");
    }
    match decision {
        Decision::Approve => Ok((!reason.is_empty()).then(|| reason.to_owned())),
        _ if reason.is_empty() => Err("reason_required"),
        _ => Ok(Some(reason.to_owned())),
    }
}

/// Returns the finding keys of a list, sorted and without repeats, as the decision form
/// carries them.
pub fn finding_keys(findings: &[StaffFinding]) -> Vec<&str> {
    let keys: std::collections::BTreeSet<&str> = findings
        .iter()
        .map(|finding| finding.key.as_str())
        .collect();
    keys.into_iter().collect()
}

/// Applies a decision: approval issues the member and queues the card e-mail in one
/// transaction.
///
/// An approval looks for duplicates again, because another application or member may have
/// appeared since the page was shown. When `seen_findings` (finding keys) is given and a
/// finding is not in it, nothing is decided and `FindingsChanged` makes staff review the findings again. One member per
/// identity number is enforced by the database whatever was seen.
pub async fn apply_decision(
    state: &AppState,
    staff_id: i64,
    application_id: i64,
    decision: Decision,
    reason: Option<&str>,
    seen_findings: Option<&[String]>,
) -> Result<raline_store::DecisionOutcome, WebError> {
    let now = OffsetDateTime::now_utc();
    let application = state
        .store()
        .application(application_id)
        .await?
        .ok_or(WebError::NotFound)?;
    if decision == Decision::Approve
        && let Some(seen) = seen_findings
    {
        let findings = staff_findings(state, crate::i18n::Locale::Id, &application).await?;
        let unseen = finding_keys(&findings)
            .into_iter()
            .any(|key| !seen.iter().any(|seen| seen == key));
        if unseen {
            return Err(WebError::FindingsChanged);
        }
    }
    if decision == Decision::Approve
        && !state.config().approve_unverified_email
        && !state
            .store()
            .application_email_verified(application_id)
            .await?
    {
        return Err(WebError::EmailUnverified);
    }
    let approval = match decision {
        Decision::Approve => {
            let member_type =
                state
                    .policy()
                    .member_type(&application.member_type)
                    .ok_or(WebError::Conflict(
                        "the member type is no longer configured",
                    ))?;
            let registered_on = raline_domain::dates::wib_date(now);
            let numbering = state.config().numbering();
            Some(Approval {
                registered_on,
                validity_days: member_type.validity_days,
                min_sequence: member_number_floor(state, numbering, registered_on, application.sex)
                    .await,
                numbering,
            })
        }
        _ => None,
    };
    let outcome = state
        .store()
        .decide(application_id, staff_id, decision, reason, approval, now)
        .await?;
    state.outbox_wake().notify_one();
    tracing::info!(
        application_id,
        staff_id,
        decision = decision.as_str(),
        member_id = outcome.member.as_ref().map(|m| m.id),
        "application decided"
    );
    Ok(outcome)
}

pub async fn decide(
    State(state): State<AppState>,
    Lang(locale): Lang,
    user: StaffUser,
    Path(id): Path<i64>,
    Form(form): Form<DecisionForm>,
) -> Result<Response, PageError> {
    let wrap = |error| PageError::new(error, locale);
    user.check_csrf(&form.csrf).map_err(wrap)?;
    let decision = match form.action.as_str() {
        "approve" => Decision::Approve,
        "reject" => Decision::Reject,
        "request_correction" => Decision::RequestCorrection,
        _ => return Err(wrap(WebError::BadRequest("unknown action".into()))),
    };
    let reason = match decision_reason(decision, &form.reason) {
        Ok(reason) => reason,
        // Back to the detail page, which shows the message above the decision form.
        Err(code) => {
            let target = format!("/staf/pendaftaran/{id}?kesalahan={code}");
            return Ok(Redirect::to(&target).into_response());
        }
    };
    let seen: Option<Vec<String>> = form.findings_seen.as_deref().map(|codes| {
        codes
            .split(',')
            .filter(|code| !code.is_empty())
            .map(str::to_owned)
            .collect()
    });
    let result = apply_decision(
        &state,
        user.staff.id,
        id,
        decision,
        reason.as_deref(),
        seen.as_deref(),
    )
    .await;
    // Refusals staff can act on are shown on the detail page above the decision form.
    let shown_code = match &result {
        Err(WebError::FindingsChanged) => Some("findings_changed"),
        Err(WebError::Store(raline_store::StoreError::IdentityAlreadyMember)) => {
            Some("identity_already_member")
        }
        Err(WebError::EmailUnverified) => Some("email_unverified"),
        _ => None,
    };
    if let Some(code) = shown_code {
        let target = format!("/staf/pendaftaran/{id}?kesalahan={code}");
        return Ok(Redirect::to(&target).into_response());
    }
    result.map_err(wrap)?;
    Ok(Redirect::to(&format!("/staf/pendaftaran/{id}")).into_response())
}

pub async fn upload_file(
    State(state): State<AppState>,
    Lang(locale): Lang,
    _user: StaffUser,
    Path((id, upload_id)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    let upload = state
        .store()
        .upload(upload_id)
        .await?
        .filter(|upload| upload.application_id == Some(id))
        .ok_or_else(|| PageError::new(WebError::NotFound, locale))?;
    let bytes = state.files().get(&upload.storage_name).await?;
    Ok(upload_response(bytes, &upload.content_type))
}

/// Builds the inline response of an uploaded file, with caching off and scripts sandboxed.
pub fn upload_response(bytes: Vec<u8>, content_type: &str) -> Response {
    let content_type = match content_type {
        "application/pdf" => "application/pdf",
        "image/png" => "image/png",
        _ => "image/jpeg",
    };
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("inline"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    // PDFs open in the browser's viewer; a sandbox keeps any script in them inert.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
        ),
    );
    response
}

pub async fn member_card(
    State(state): State<AppState>,
    Lang(locale): Lang,
    _user: StaffUser,
    Path(number): Path<String>,
) -> Result<Response, PageError> {
    let wrap = |error| PageError::new(error, locale);
    let member = state
        .store()
        .member_by_number(&number)
        .await?
        .ok_or_else(|| wrap(WebError::NotFound))?;
    card::member_pdf_response(&state, &member)
        .await
        .map_err(wrap)
}

/// Lowest sequence the new member number may take: one above the highest INLISLite holds
/// for the same pattern, so RALINE never issues a number the library's desk already gave.
///
/// When INLISLite cannot reply (down, slow) the approval goes on with RALINE's own counter:
/// a member must not wait for another system. The sync then refuses a number INLISLite
/// holds for another person and shows staff the collision.
async fn member_number_floor(
    state: &AppState,
    numbering: raline_domain::member_number::Numbering<'_>,
    registered_on: time::Date,
    sex: raline_domain::Sex,
) -> u32 {
    let Some(connector) = state.config().inlislite.as_ref() else {
        return 1;
    };
    let Some(pattern) =
        raline_domain::member_number::NumberPattern::for_member(numbering, registered_on, sex)
    else {
        return 1;
    };
    match connector.number_floor(&pattern).await {
        Ok(floor) => floor,
        Err(error) => {
            tracing::warn!(
                code = error.code(),
                "INLISLite's member numbers could not be checked before approval"
            );
            1
        }
    }
}
