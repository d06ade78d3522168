//! The applicant's private status page, card download and correction form.

use std::collections::BTreeSet;

use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use raline_domain::{ApplicationInput, ApplicationStatus, FieldError, FindingCode, UploadSlot};
use raline_store::ApplicationRecord;
use serde::Deserialize;
use time::OffsetDateTime;

use crate::error::WebError;
use crate::i18n::{Locale, format_date, format_instant, t};
use crate::pages::{Lang, PageError, render};
use crate::public::{FormMode, FormView, error_map, kept_map, render_form};
use crate::{AppState, card, uploads};

/// Findings the applicant is shown; duplicates are for staff only.
pub fn applicant_warnings(warnings: &[FindingCode]) -> Vec<FindingCode> {
    warnings
        .iter()
        .copied()
        .filter(|code| code.shown_to_applicant())
        .collect()
}

pub async fn application_for_token(
    state: &AppState,
    token: &str,
    locale: Locale,
) -> Result<ApplicationRecord, PageError> {
    if !crate::forms::is_submission_key(token) {
        return Err(PageError::new(WebError::NotFound, locale));
    }
    state
        .store()
        .application_by_status_token(&raline_store::hash_token(token))
        .await?
        .ok_or_else(|| PageError::new(WebError::NotFound, locale))
}

#[derive(Deserialize)]
pub struct StatusQuery {
    baru: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    Lang(locale): Lang,
    Path(token): Path<String>,
    Query(query): Query<StatusQuery>,
) -> Result<Html<String>, PageError> {
    let application = application_for_token(&state, &token, locale).await?;
    let member = match application.status {
        ApplicationStatus::Approved => state.store().member_for_application(application.id).await?,
        _ => None,
    };
    let warnings: Vec<String> = applicant_warnings(&application.warnings)
        .iter()
        .map(|code| t(locale, &format!("finding-{}", code.as_str())))
        .collect();
    let status = application.status.as_str();

    render(
        &state,
        locale,
        "status.html",
        minijinja::context! {
            token => &token,
            is_new => query.baru.is_some() && application.status == ApplicationStatus::Submitted,
            status_url => format!("{}/status/{token}", state.config().base_url),
            registration_number => &application.registration_number,
            full_name => &application.full_name,
            status,
            status_label => t(locale, &format!("status-{status}")),
            status_text => t(locale, &format!("status-{status}-text")),
            reason => &application.decision_reason,
            submitted_on => format_instant(locale, application.submitted_at),
            member_number => member.as_ref().map(|m| m.member_number.clone()),
            valid_until => member.as_ref().map(|m| format_date(locale, m.valid_until)),
            statement_letter => state.config().statement_letter_outside
                && application.domicile == raline_domain::Domicile::Outside
                && application.status != ApplicationStatus::Approved,
            warnings,
        },
    )
    .map_err(|error| PageError::new(error, locale))
}

pub async fn card(
    State(state): State<AppState>,
    Lang(locale): Lang,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let application = application_for_token(&state, &token, locale).await?;
    let member = state
        .store()
        .member_for_application(application.id)
        .await?
        .ok_or_else(|| PageError::new(WebError::NotFound, locale))?;
    card::pdf_response(&state, &member, &application)
        .await
        .map_err(|error| PageError::new(error, locale))
}

fn input_from_record(record: &ApplicationRecord) -> ApplicationInput {
    let current = record.current_address.as_ref();
    let field = |value: Option<&String>| value.cloned().unwrap_or_default();
    ApplicationInput {
        identity_type: record.identity_type.as_str().to_owned(),
        identity_number: record.identity_number.clone(),
        email: record.email.clone(),
        full_name: record.full_name.clone(),
        mother_maiden_name: record.mother_maiden_name.clone(),
        birth_place: record.birth_place.clone(),
        birth_date: record.birth_date.to_string(),
        sex: record.sex.as_str().to_owned(),
        religion: record.religion.clone().unwrap_or_default(),
        marital_status: record.marital_status.clone().unwrap_or_default(),
        occupation: record.occupation.clone(),
        education: record.education.clone(),
        phone: record.phone.clone(),
        address: record.id_address.street.clone(),
        rt: record.id_address.rt.clone(),
        rw: record.id_address.rw.clone(),
        village_code: field(record.id_address.village_code.as_ref()),
        village: record.id_address.village.clone(),
        district: record.id_address.district.clone(),
        regency_code: field(record.id_address.regency_code.as_ref()),
        regency: record.id_address.regency.clone(),
        province: record.id_address.province.clone(),
        current_address_same: current.is_none().to_string(),
        current_address: field(current.map(|a| &a.street)),
        current_rt: field(current.map(|a| &a.rt)),
        current_rw: field(current.map(|a| &a.rw)),
        current_village_code: field(current.and_then(|a| a.village_code.as_ref())),
        current_village: field(current.map(|a| &a.village)),
        current_district: field(current.map(|a| &a.district)),
        current_regency_code: field(current.and_then(|a| a.regency_code.as_ref())),
        current_regency: field(current.map(|a| &a.regency)),
        current_province: field(current.map(|a| &a.province)),
        member_type: record.member_type.clone(),
        consent: "true".into(),
        uses_guardian_identity: record.uses_guardian_identity().to_string(),
        guardian_name: field(record.guardian_name.as_ref()),
        guardian_relationship: field(record.guardian_relationship.as_ref()),
        guardian_identity_number: if record.uses_guardian_identity() {
            record.identity_number.clone()
        } else {
            String::new()
        },
        ..ApplicationInput::default()
    }
}

/// Draft key of a correction's uploads: the stored hash of the status token, 64 hex digits
/// like a submission key, so kept files belong to this application only.
fn correction_draft_key(token: &str) -> String {
    raline_store::hash_token(token)
}

fn correction_mode(token: &str, application: &ApplicationRecord) -> FormMode {
    FormMode::Correction {
        token: token.to_owned(),
        registration_number: application.registration_number.clone(),
        reason: application.decision_reason.clone().unwrap_or_default(),
    }
}

async fn application_needing_correction(
    state: &AppState,
    token: &str,
    locale: Locale,
) -> Result<ApplicationRecord, PageError> {
    let application = application_for_token(state, token, locale).await?;
    if application.status != ApplicationStatus::NeedsCorrection {
        return Err(PageError::new(
            WebError::Conflict("the application is not waiting for correction"),
            locale,
        ));
    }
    Ok(application)
}

pub async fn correction_form(
    State(state): State<AppState>,
    Lang(locale): Lang,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let application = match application_needing_correction(&state, &token, locale).await {
        Ok(application) => application,
        // Already corrected or decided: show the status instead of an error.
        Err(error) if error.error.status() == StatusCode::CONFLICT => {
            return Ok(Redirect::to(&format!("/status/{token}")).into_response());
        }
        Err(error) => return Err(error),
    };
    let values = input_from_record(&application);
    render_correction(&state, locale, &token, &application, values).await
}

/// Renders the correction form with `values`, no errors, and the uploads kept so far: those of
/// the application and the drafts of this correction.
async fn render_correction(
    state: &AppState,
    locale: Locale,
    token: &str,
    application: &ApplicationRecord,
    values: ApplicationInput,
) -> Result<Response, PageError> {
    let mut kept_uploads = state.store().uploads_for(application.id).await?;
    kept_uploads.extend(
        state
            .store()
            .draft_uploads(&correction_draft_key(token))
            .await?,
    );
    let view = FormView {
        submission_key: String::new(),
        values,
        errors: Vec::new(),
        kept: kept_map(locale, &kept_uploads),
    };
    let html = render_form(state, locale, &view, correction_mode(token, application))
        .map_err(|error| PageError::new(error, locale))?;
    Ok(html.into_response())
}

/// `POST /status/{token}/perbaikan/wilayah`: shows the correction form again with the next
/// region list opened, like `public::refresh_regions`.
pub async fn refresh_regions(
    State(state): State<AppState>,
    Lang(locale): Lang,
    Path(token): Path<String>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let application = application_needing_correction(&state, &token, locale).await?;
    let (_, values) = crate::public::input_from_pairs(pairs);
    render_correction(&state, locale, &token, &application, values).await
}

pub async fn submit_correction(
    State(state): State<AppState>,
    Lang(locale): Lang,
    Path(token): Path<String>,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let wrap = |error| PageError::new(error, locale);
    let application = application_needing_correction(&state, &token, locale).await?;
    let submission = uploads::read_submission(multipart, state.config().upload_max_bytes)
        .await
        .map_err(wrap)?;
    let values = submission.input.clone();

    let now = OffsetDateTime::now_utc();
    let today = raline_domain::dates::wib_date(now);
    let validation = raline_domain::validate_correction(&submission.input, state.policy(), today);
    let (processed, mut errors) = uploads::process_files(
        submission.files,
        &submission.oversized,
        &state.config().upload_limits(),
    )
    .await
    .map_err(wrap)?;

    let draft_key = correction_draft_key(&token);
    let current_uploads = state.store().uploads_for(application.id).await?;
    let drafts = state.store().draft_uploads(&draft_key).await?;
    let new_slots: BTreeSet<UploadSlot> = processed.iter().map(|upload| upload.slot).collect();
    let kept_drafts = crate::forms::newest_drafts(&drafts, &new_slots);
    let present: BTreeSet<UploadSlot> = new_slots
        .iter()
        .copied()
        .chain(current_uploads.iter().map(|upload| upload.slot))
        .chain(kept_drafts.iter().map(|(slot, _)| *slot))
        .collect();

    let failed: BTreeSet<&str> = errors.iter().map(|error| error.field).collect();
    let mut missing = Vec::new();
    for slot in raline_domain::application::required_uploads(&values, state.policy()) {
        if !present.contains(&slot) && !failed.contains(slot.as_str()) {
            missing.push(FieldError {
                field: slot.as_str(),
                code: "file_missing",
            });
        }
    }
    errors.extend(missing);

    let corrected = match validation {
        Ok(corrected) => Some(corrected),
        Err(field_errors) => {
            errors.splice(0..0, field_errors);
            None
        }
    };
    if let Some(corrected) = &corrected
        && crate::forms::is_existing_member(&state, corrected).await?
    {
        errors.insert(
            0,
            FieldError {
                field: "identity_number",
                code: "existing_member",
            },
        );
    }

    let corrected = match corrected {
        Some(corrected) if errors.is_empty() => corrected,
        _ => {
            crate::forms::keep_as_drafts(&state, &draft_key, processed, now)
                .await
                .map_err(wrap)?;
            let mut kept_uploads = current_uploads;
            kept_uploads.extend(state.store().draft_uploads(&draft_key).await?);
            let view = FormView {
                submission_key: String::new(),
                values,
                errors: error_map(&state, locale, &errors),
                kept: kept_map(locale, &kept_uploads),
            };
            let html = render_form(&state, locale, &view, correction_mode(&token, &application))
                .map_err(wrap)?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response());
        }
    };

    let stored = uploads::store_files(state.files(), processed)
        .await
        .map_err(wrap)?;
    if let Err(error) = state
        .store()
        .resubmit_application(
            application.id,
            &corrected,
            &stored,
            (
                &draft_key,
                &kept_drafts.iter().map(|(_, id)| *id).collect::<Vec<_>>(),
            ),
            now,
        )
        .await
    {
        uploads::remove_files(state.files(), &stored).await;
        return Err(PageError::new(error.into(), locale));
    }
    tracing::info!(
        application_id = application.id,
        "application corrected and resubmitted"
    );
    Ok(Redirect::to(&format!("/status/{token}")).into_response())
}
