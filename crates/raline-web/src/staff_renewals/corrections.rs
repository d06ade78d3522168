//! Members' requests to correct identity data (name, NIK, birth date), which staff approve
//! or reject.

use axum::extract::{Form, Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use raline_domain::Decision;
use raline_store::StoreError;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{in_locale, parse_decision, reason_error_code, reason_error_message};
use crate::AppState;
use crate::auth::StaffUser;
use crate::error::WebError;
use crate::i18n::{format_date, format_instant, t};
use crate::pages::{Lang, PageError, render};
use crate::staff::decision_reason;

#[derive(Deserialize)]
pub struct ListQuery {
    /// Error code of a decision, set by the redirect of `decide`.
    kesalahan: Option<String>,
    /// The request the error belongs to.
    id: Option<i64>,
    /// `approved` or `rejected` after a decision.
    selesai: Option<String>,
    /// Member number of the request just approved, for the link to print a new card.
    anggota: Option<String>,
}

/// One open request; `None` requested values stay as they are.
#[derive(Serialize)]
struct CorrectionRow {
    id: i64,
    member_number: String,
    current_full_name: String,
    current_identity_number: Option<String>,
    full_name: Option<String>,
    identity_number: Option<String>,
    birth_date: Option<String>,
    reason: String,
    created_at: String,
    error: Option<String>,
}

/// `GET /staf/koreksi-data`: open identity correction requests, oldest first.
pub async fn list(
    State(state): State<AppState>,
    Lang(locale): Lang,
    user: StaffUser,
    Query(query): Query<ListQuery>,
) -> Result<Html<String>, PageError> {
    let store = state.store();
    let requests = store
        .identity_corrections(None, true)
        .await
        .map_err(in_locale(locale))?;

    let error = match query.kesalahan.as_deref() {
        Some("already_decided") => Some(t(locale, "staff-corrections-already-decided")),
        Some("identity_taken") => Some(t(locale, "staff-corrections-identity-taken")),
        Some(code) => reason_error_code(code).map(|code| reason_error_message(locale, code)),
        None => None,
    };
    // A request decided in the meantime is no longer listed, so its error goes on top.
    let error_shown_in_list = query
        .id
        .is_some_and(|id| requests.iter().any(|request| request.id == id));

    let mut rows = Vec::with_capacity(requests.len());
    for request in requests {
        let current_identity_number = store
            .member(request.member_id)
            .await
            .map_err(in_locale(locale))?
            .map(|member| member.identity_number);
        let error = error.clone().filter(|_| query.id == Some(request.id));
        rows.push(CorrectionRow {
            id: request.id,
            member_number: request.member_number,
            current_full_name: request.current_full_name,
            current_identity_number,
            full_name: request.full_name,
            identity_number: request.identity_number,
            birth_date: request.birth_date.map(|date| format_date(locale, date)),
            reason: request.reason,
            created_at: format_instant(locale, request.created_at),
            error,
        });
    }
    let approved_member = query.anggota.filter(|number| {
        query.selesai.as_deref() == Some("approved")
            && !number.is_empty()
            && number.bytes().all(|byte| byte.is_ascii_digit())
    });
    let notice = match query.selesai.as_deref() {
        Some("approved") => Some(t(locale, "staff-corrections-approved")),
        Some("rejected") => Some(t(locale, "staff-corrections-rejected")),
        _ => None,
    };

    render(
        &state,
        locale,
        "staff_corrections.html",
        minijinja::context! {
            rows,
            notice,
            approved_member => approved_member,
            page_error => error.filter(|_| !error_shown_in_list),
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
    /// `approve` or `reject`.
    action: String,
    #[serde(default)]
    reason: String,
}

/// `POST /staf/koreksi-data/{id}`: approval writes the requested values to the member and its
/// application; a rejection needs a reason. Either way the list is shown again.
pub async fn decide(
    State(state): State<AppState>,
    Lang(locale): Lang,
    user: StaffUser,
    Path(id): Path<i64>,
    Form(form): Form<DecisionForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&form.csrf).map_err(in_locale(locale))?;
    let decision = parse_decision(&form.action)
        .filter(|decision| matches!(decision, Decision::Approve | Decision::Reject))
        .ok_or_else(|| {
            PageError::new(
                WebError::BadRequest(format!("unknown action {:?}", form.action)),
                locale,
            )
        })?;
    let back_with_error = |code: &str| {
        Redirect::to(&format!(
            "/staf/koreksi-data?kesalahan={code}&id={id}#koreksi-{id}"
        ))
        .into_response()
    };

    let reason = match decision_reason(decision, &form.reason) {
        Ok(reason) => reason,
        Err(code) => return Ok(back_with_error(code)),
    };
    let open = state
        .store()
        .identity_corrections(None, true)
        .await
        .map_err(in_locale(locale))?;
    let Some(request) = open.into_iter().find(|request| request.id == id) else {
        tracing::info!(
            correction_id = id,
            "identity correction not open: decided or unknown"
        );
        return Ok(back_with_error("already_decided"));
    };

    let approve = decision == Decision::Approve;
    let result = state
        .store()
        .decide_identity_correction(
            id,
            user.staff.id,
            approve,
            reason.as_deref(),
            OffsetDateTime::now_utc(),
        )
        .await;
    match result {
        Ok(()) => {}
        Err(StoreError::IdentityAlreadyMember) => {
            tracing::info!(
                correction_id = id,
                member_id = request.member_id,
                "identity correction not approved: the NIK belongs to another member"
            );
            return Ok(back_with_error("identity_taken"));
        }
        Err(StoreError::Conflict(_)) => {
            tracing::info!(correction_id = id, "identity correction decided meanwhile");
            return Ok(back_with_error("already_decided"));
        }
        Err(error) => return Err(PageError::new(error.into(), locale)),
    }
    tracing::info!(
        correction_id = id,
        member_id = request.member_id,
        staff_id = user.staff.id,
        approve,
        "identity correction decided"
    );

    let target = if approve {
        format!(
            "/staf/koreksi-data?selesai=approved&anggota={}",
            request.member_number
        )
    } else {
        "/staf/koreksi-data?selesai=rejected".to_owned()
    };
    Ok(Redirect::to(&target).into_response())
}
