//! The renewal queue, a renewal's detail page with its decision form, and renewal files.

use axum::extract::{Form, Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use raline_domain::renewal::new_end_date;
use raline_domain::{ApplicationStatus, UploadSlot};
use raline_store::StoreError;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{
    channel_label, decided_by_label, fee_label, history_rows, in_locale, parse_decision,
    reason_error_code, reason_error_message, status_label, term_label,
};
use crate::auth::StaffUser;
use crate::error::WebError;
use crate::i18n::{format_date, format_instant, format_waiting, t};
use crate::pages::{Lang, PageError, render};
use crate::staff::{decision_reason, upload_response};
use crate::{AppState, renewal};

const QUEUE_PAGE_SIZE: i64 = 50;

#[derive(Deserialize)]
pub struct QueueQuery {
    status: Option<String>,
    page: Option<i64>,
}

#[derive(Serialize)]
struct QueueRow {
    id: i64,
    member_number: String,
    full_name: String,
    member_type: String,
    valid_until: String,
    channel: String,
    file_count: usize,
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

/// `GET /staf/perpanjangan?status=…&page=…`: renewals in one status, oldest submission first.
pub async fn queue(
    State(state): State<AppState>,
    Lang(locale): Lang,
    user: StaffUser,
    Query(query): Query<QueueQuery>,
) -> Result<Html<String>, PageError> {
    let store = state.store();
    let status = query
        .status
        .as_deref()
        .and_then(ApplicationStatus::parse)
        .unwrap_or(ApplicationStatus::Submitted);
    let page = query.page.unwrap_or(1).clamp(1, 10_000);
    let renewals = store
        .list_renewals(status, QUEUE_PAGE_SIZE, (page - 1) * QUEUE_PAGE_SIZE)
        .await
        .map_err(in_locale(locale))?;

    let now = OffsetDateTime::now_utc();
    let mut rows = Vec::with_capacity(renewals.len());
    for renewal in renewals {
        let file_count = store
            .renewal_uploads(renewal.id)
            .await
            .map_err(in_locale(locale))?
            .len();
        rows.push(QueueRow {
            id: renewal.id,
            member_number: renewal.member_number,
            full_name: renewal.full_name,
            member_type: state.config().member_type_name(&renewal.member_type),
            valid_until: format_date(locale, renewal.member_valid_until),
            channel: channel_label(locale, renewal.channel),
            file_count,
            waiting: format_waiting(locale, now - renewal.submitted_at),
            submitted_at: format_instant(locale, renewal.submitted_at),
        });
    }

    let mut tabs = Vec::with_capacity(ApplicationStatus::ALL.len());
    let mut status_count = 0;
    for tab_status in ApplicationStatus::ALL {
        let count = store
            .count_renewals(tab_status)
            .await
            .map_err(in_locale(locale))?;
        if tab_status == status {
            status_count = count;
        }
        tabs.push(StatusTab {
            status: tab_status.as_str(),
            label: status_label(locale, tab_status),
            count,
            active: tab_status == status,
        });
    }

    render(
        &state,
        locale,
        "staff_renewals.html",
        minijinja::context! {
            rows,
            tabs,
            status => status.as_str(),
            page,
            has_next => status_count > page * QUEUE_PAGE_SIZE,
            staff_name => &user.staff.username,
            staff_admin => crate::staff_delivery::is_admin(&user),
            csrf => &user.csrf_token,
        },
    )
    .map_err(in_locale(locale))
}

#[derive(Deserialize)]
pub struct DetailQuery {
    /// Code of a decision error to show, set by the redirect of `decide`.
    kesalahan: Option<String>,
    /// Notice after a message was resent from this page.
    pengiriman: Option<String>,
}

/// An uploaded file on the detail page.
#[derive(Serialize)]
struct FileRow {
    id: i64,
    label: String,
    is_image: bool,
}

/// The member's current photo, served by the application detail page's file route.
#[derive(Serialize)]
struct PhotoLink {
    application_id: i64,
    upload_id: i64,
}

/// `GET /staf/perpanjangan/{id}`: the member, the renewal, its files next to the current
/// photo, the member's history and messages, and the decision form while it is submitted.
pub async fn detail(
    State(state): State<AppState>,
    Lang(locale): Lang,
    user: StaffUser,
    Path(id): Path<i64>,
    Query(query): Query<DetailQuery>,
) -> Result<Html<String>, PageError> {
    let store = state.store();
    let renewal = store
        .renewal(id)
        .await
        .map_err(in_locale(locale))?
        .ok_or_else(|| PageError::new(WebError::NotFound, locale))?;
    let member = store
        .member(renewal.member_id)
        .await
        .map_err(in_locale(locale))?
        .ok_or_else(|| PageError::new(WebError::NotFound, locale))?;
    let uploads = store.renewal_uploads(id).await.map_err(in_locale(locale))?;
    let application_uploads = store
        .uploads_for(member.application_id)
        .await
        .map_err(in_locale(locale))?;
    let correction_open = !store
        .identity_corrections(Some(member.id), true)
        .await
        .map_err(in_locale(locale))?
        .is_empty();
    let history = store
        .renewals_of_member(member.id)
        .await
        .map_err(in_locale(locale))?;
    let deliveries = crate::staff_delivery::render_member_deliveries(
        &state,
        locale,
        &user,
        &member,
        &format!("/staf/perpanjangan/{id}"),
        query.pengiriman.as_deref(),
    )
    .await
    .map_err(in_locale(locale))?;

    let now = OffsetDateTime::now_utc();
    let today = raline_domain::dates::wib_date(now);
    let open = renewal.status.is_open_for_decision();
    // What an approval now would give; the store computes it again inside its transaction.
    let new_valid_until_today = open.then(|| {
        format_date(
            locale,
            new_end_date(renewal.term, member.valid_until, today),
        )
    });

    let files: Vec<FileRow> = uploads
        .iter()
        .map(|upload| FileRow {
            id: upload.id,
            label: t(locale, &format!("field-{}", upload.slot.as_str())),
            is_image: upload.content_type.starts_with("image/"),
        })
        .collect();
    let current_photo = application_uploads
        .iter()
        .find(|upload| upload.slot == UploadSlot::Photo)
        .map(|upload| PhotoLink {
            application_id: member.application_id,
            upload_id: upload.id,
        });

    let decision_error = match query.kesalahan.as_deref() {
        Some("already_decided") => Some(t(locale, "staff-renewals-already-decided")),
        Some(code) => reason_error_code(code).map(|code| reason_error_message(locale, code)),
        None => None,
    };
    let phone = if member.phone == member.phone_e164 {
        member.phone.clone()
    } else {
        format!("{} ({})", member.phone, member.phone_e164)
    };

    render(
        &state,
        locale,
        "staff_renewal_detail.html",
        minijinja::context! {
            id,
            member_number => &member.member_number,
            full_name => &member.full_name,
            member_type => state.config().member_type_name(&member.member_type),
            valid_until => format_date(locale, member.valid_until),
            email => &member.email,
            phone,
            status => renewal.status.as_str(),
            status_label => status_label(locale, renewal.status),
            open,
            channel => channel_label(locale, renewal.channel),
            submitted_at => format_instant(locale, renewal.submitted_at),
            waiting => format_waiting(locale, now - renewal.submitted_at),
            term => term_label(locale, renewal.term),
            fee => fee_label(locale, renewal.fee_rupiah),
            has_fee => renewal.fee_rupiah > 0,
            paid => renewal.paid,
            new_valid_until_today,
            decided_by => decided_by_label(locale, &renewal),
            automatic => renewal.decided_at.is_some() && renewal.decided_by.is_none(),
            decided_at => renewal.decided_at.map(|instant| format_instant(locale, instant)),
            old_valid_until => renewal.old_valid_until.map(|date| format_date(locale, date)),
            new_valid_until => renewal.new_valid_until.map(|date| format_date(locale, date)),
            reason => &renewal.decision_reason,
            correction_open,
            files,
            current_photo,
            history => history_rows(locale, &history),
            deliveries,
            decision_error,
            staff_name => &user.staff.username,
            staff_admin => crate::staff_delivery::is_admin(&user),
            csrf => &user.csrf_token,
        },
    )
    .map_err(in_locale(locale))
}

#[derive(Deserialize)]
pub struct DecisionForm {
    csrf: String,
    action: String,
    #[serde(default)]
    reason: String,
    /// Present when the "fee paid" box is ticked.
    #[serde(default)]
    paid: Option<String>,
    /// Present when the form showed the "fee paid" box, so that an unticked box records
    /// "not paid" instead of keeping the stored flag.
    #[serde(default)]
    paid_shown: Option<String>,
}

/// `POST /staf/perpanjangan/{id}/keputusan`: approves, rejects or requests a correction, then
/// returns to the detail page, which shows a reason error or an earlier decision.
pub async fn decide(
    State(state): State<AppState>,
    Lang(locale): Lang,
    user: StaffUser,
    Path(id): Path<i64>,
    Form(form): Form<DecisionForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&form.csrf).map_err(in_locale(locale))?;
    let decision = parse_decision(&form.action).ok_or_else(|| {
        PageError::new(
            WebError::BadRequest(format!("unknown action {:?}", form.action)),
            locale,
        )
    })?;
    // The store reports an unknown id as a conflict, so it is looked up first for a 404.
    state
        .store()
        .renewal(id)
        .await
        .map_err(in_locale(locale))?
        .ok_or_else(|| PageError::new(WebError::NotFound, locale))?;

    let detail_page = format!("/staf/perpanjangan/{id}");
    let reason = match decision_reason(decision, &form.reason) {
        Ok(reason) => reason,
        Err(code) => {
            return Ok(Redirect::to(&format!("{detail_page}?kesalahan={code}")).into_response());
        }
    };
    let paid = form.paid_shown.is_some().then(|| form.paid.is_some());

    let result = renewal::decide(
        &state,
        Some(user.staff.id),
        id,
        decision,
        reason.as_deref(),
        paid,
    )
    .await;
    match result {
        Ok(_) => Ok(Redirect::to(&detail_page).into_response()),
        Err(WebError::Store(StoreError::Conflict(_))) => {
            tracing::info!(
                renewal_id = id,
                staff_id = user.staff.id,
                "renewal decision not saved: the renewal was already decided"
            );
            Ok(Redirect::to(&format!("{detail_page}?kesalahan=already_decided")).into_response())
        }
        Err(error) => Err(PageError::new(error, locale)),
    }
}

/// `GET /staf/perpanjangan/{id}/berkas/{upload_id}`: a file sent with this renewal.
pub async fn upload_file(
    State(state): State<AppState>,
    Lang(locale): Lang,
    _user: StaffUser,
    Path((id, upload_id)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    let upload = state
        .store()
        .upload(upload_id)
        .await
        .map_err(in_locale(locale))?
        .filter(|upload| upload.renewal_id == Some(id))
        .ok_or_else(|| PageError::new(WebError::NotFound, locale))?;
    let bytes = state
        .files()
        .get(&upload.storage_name)
        .await
        .map_err(in_locale(locale))?;
    Ok(upload_response(bytes, &upload.content_type))
}
