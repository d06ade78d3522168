//! Public pages: the landing page and the registration form.

use std::collections::BTreeMap;

use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::Value;
use raline_domain::{ApplicationInput, FieldError, IdentityType, UploadSlot, choices};
use raline_store::UploadRecord;
use serde::Serialize;

use crate::AppState;
use crate::forms::{self, Channel, SubmitOutcome};
use crate::i18n::{Locale, t};
use crate::member_auth::ClientAddress;
use crate::pages::{Lang, PageError, label, render};
use crate::uploads;

pub async fn landing(
    State(state): State<AppState>,
    Lang(locale): Lang,
) -> Result<Html<String>, PageError> {
    let cached = state.landing_page(locale);
    if let Some(html) = cached.get() {
        return Ok(Html(html.clone()));
    }
    let Html(html) = render(&state, locale, "landing.html", minijinja::context! {})
        .map_err(|error| PageError::new(error, locale))?;
    Ok(Html(cached.get_or_init(|| html).clone()))
}

/// Stands in for the submission key in the cached blank form: 64 hex digits like a real key,
/// which `random_token` returns only with probability 2^-256.
const KEY_PLACEHOLDER: &str = "0000000000000000000000000000000000000000000000000000000000000000";

pub async fn form(
    State(state): State<AppState>,
    Lang(locale): Lang,
) -> Result<Html<String>, PageError> {
    let cached = state.blank_form(locale);
    let template = match cached.get() {
        Some(html) => html,
        None => {
            let view = FormView {
                submission_key: KEY_PLACEHOLDER.to_owned(),
                values: ApplicationInput {
                    current_address_same: "true".into(),
                    ..ApplicationInput::default()
                },
                errors: Vec::new(),
                kept: BTreeMap::new(),
            };
            let Html(html) = render_form(&state, locale, &view, FormMode::New)
                .map_err(|error| PageError::new(error, locale))?;
            cached.get_or_init(|| html)
        }
    };
    let key = raline_store::random_token();
    Ok(Html(template.replacen(KEY_PLACEHOLDER, &key, 1)))
}

pub async fn submit_form(
    State(state): State<AppState>,
    Lang(locale): Lang,
    ClientAddress(client): ClientAddress,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let wrap = |error| PageError::new(error, locale);
    let mut submission = uploads::read_submission(multipart, state.config().upload_max_bytes)
        .await
        .map_err(wrap)?;
    submission.client = client;

    let submission_key = submission
        .submission_key
        .clone()
        .filter(|key| forms::is_submission_key(key))
        .unwrap_or_else(raline_store::random_token);
    let values = submission.input.clone();

    let outcome =
        forms::submit_application(&state, submission, &submission_key, locale, Channel::Form)
            .await
            .map_err(wrap)?;

    match outcome {
        SubmitOutcome::Stored { status_token, .. } => {
            Ok(Redirect::to(&format!("/status/{status_token}?baru=1")).into_response())
        }
        SubmitOutcome::Invalid(errors) => {
            let kept = state.store().draft_uploads(&submission_key).await?;
            let view = FormView {
                submission_key,
                values,
                errors: error_map(&state, locale, &errors),
                kept: kept_map(locale, &kept),
            };
            let html = render_form(&state, locale, &view, FormMode::New).map_err(wrap)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
    }
}

/// Reads an urlencoded form into the submission key and the typed values. A name sent twice
/// keeps its last value, as the multipart reader does (a checkbox follows its hidden
/// "false").
pub fn input_from_pairs(pairs: Vec<(String, String)>) -> (Option<String>, ApplicationInput) {
    let mut key = None;
    let mut fields = serde_json::Map::new();
    for (name, value) in pairs {
        let value: String = value.chars().take(uploads::MAX_TEXT_FIELD_BYTES).collect();
        if name == "submission_key" {
            key = Some(value);
        } else {
            fields.insert(name, serde_json::Value::String(value));
        }
    }
    // Every field of `ApplicationInput` is a string with a default and unknown names are
    // ignored, so deserializing cannot fail. An empty form is the fallback nonetheless.
    let input = serde_json::from_value(serde_json::Value::Object(fields)).unwrap_or_default();
    (key, input)
}

/// `POST /daftar/wilayah`: shows the form again with the next region list opened. The form's
/// "Tampilkan pilihan" button posts here without files, so nothing is validated or stored.
pub async fn refresh_regions(
    State(state): State<AppState>,
    Lang(locale): Lang,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Result<Html<String>, PageError> {
    let (key, values) = input_from_pairs(pairs);
    let submission_key = key
        .filter(|key| forms::is_submission_key(key))
        .unwrap_or_else(raline_store::random_token);
    let kept = state.store().draft_uploads(&submission_key).await?;
    let view = FormView {
        submission_key,
        values,
        errors: Vec::new(),
        kept: kept_map(locale, &kept),
    };
    render_form(&state, locale, &view, FormMode::New).map_err(|error| PageError::new(error, locale))
}

/// Whether the form registers a new applicant or corrects an application.
#[derive(Clone)]
pub enum FormMode {
    New,
    Correction {
        token: String,
        registration_number: String,
        reason: String,
    },
}

/// Form template data: typed values, errors per field and uploads already kept.
pub struct FormView {
    pub submission_key: String,
    pub values: ApplicationInput,
    /// Field errors in form order, one per field.
    pub errors: Vec<(String, String)>,
    pub kept: BTreeMap<String, String>,
}

/// Field errors with their messages, in the order validation found them (form order).
pub fn error_map(state: &AppState, locale: Locale, errors: &[FieldError]) -> Vec<(String, String)> {
    let max_mb = state.config().upload_max_bytes / (1024 * 1024);
    forms::field_messages(locale, errors, max_mb)
        .into_iter()
        .map(|message| (message.field, message.message))
        .collect()
}

/// Describes kept uploads per slot, e.g. "JPEG, 900 × 1200 piksel, 146 KB".
pub fn kept_map(locale: Locale, uploads: &[UploadRecord]) -> BTreeMap<String, String> {
    uploads
        .iter()
        .map(|upload| {
            let kind = match upload.content_type.as_str() {
                "application/pdf" => "PDF",
                "image/png" => "PNG",
                _ => "JPEG",
            };
            let size = format!("{} KB", (upload.byte_size + 1023) / 1024);
            let dimensions = match (upload.width, upload.height) {
                (Some(width), Some(height)) => {
                    let unit = if locale == Locale::Id {
                        "piksel"
                    } else {
                        "pixels"
                    };
                    format!(", {width} × {height} {unit}")
                }
                _ => String::new(),
            };
            let description = crate::i18n::t_args(
                locale,
                "form-file-kept",
                &[("size", format!("{kind}{dimensions}, {size}").into())],
            );
            (upload.slot.as_str().to_owned(), description)
        })
        .collect()
}

#[derive(Serialize)]
struct Choice {
    value: String,
    label: String,
}

fn choices_of(values: impl IntoIterator<Item = (String, String)>) -> Vec<Choice> {
    values
        .into_iter()
        .map(|(value, label)| Choice { value, label })
        .collect()
}

fn plain(list: &[&str]) -> Vec<Choice> {
    choices_of(
        list.iter()
            .map(|value| (value.to_string(), value.to_string())),
    )
}

pub fn render_form(
    state: &AppState,
    locale: Locale,
    view: &FormView,
    mode: FormMode,
) -> Result<Html<String>, crate::WebError> {
    let identity_types = choices_of(IdentityType::ALL.iter().map(|kind| {
        (
            kind.as_str().to_owned(),
            label(locale, "identity-type", kind.as_str()),
        )
    }));
    let sexes = choices_of(["male", "female"].map(|v| (v.to_owned(), label(locale, "sex", v))));
    let marital = choices_of(
        choices::MARITAL_STATUSES
            .iter()
            .map(|v| (v.to_string(), label(locale, "marital", v))),
    );
    let relationships = choices_of(
        choices::GUARDIAN_RELATIONSHIPS
            .iter()
            .map(|v| (v.to_string(), label(locale, "relationship", v))),
    );
    let member_types = choices_of(
        state
            .config()
            .member_types
            .iter()
            .map(|kind| (kind.code.clone(), kind.name.clone())),
    );
    let regions = &state.policy().regions;
    let full_regions = regions.is_complete();
    let cascades = if full_regions {
        Value::from_serialize(crate::regions::form_cascades(regions, &view.values))
    } else {
        Value::from(())
    };
    let built_in = if full_regions {
        Value::from(())
    } else {
        crate::regions::built_in_lists(regions)
    };

    let (action, correction) = match &mode {
        FormMode::New => ("/daftar".to_owned(), Value::from(())),
        FormMode::Correction {
            token,
            registration_number,
            reason,
        } => (
            format!("/status/{token}/perbaikan"),
            minijinja::context! { number => registration_number, reason => reason },
        ),
    };
    let upload_slots: Vec<&str> = UploadSlot::ALL.iter().map(|slot| slot.as_str()).collect();

    render(
        state,
        locale,
        "form.html",
        minijinja::context! {
            action,
            correction,
            submission_key => &view.submission_key,
            values => Value::from_serialize(&view.values),
            password => &view.values.password,
            password_confirmation => view.values.password_confirmation.clone().unwrap_or_default(),
            errors => view.errors.iter().cloned().collect::<BTreeMap<String, String>>(),
            error_summary => &view.errors,
            error_count => view.errors.len(),
            kept => &view.kept,
            identity_types,
            sexes,
            marital,
            relationships,
            member_types,
            full_regions,
            cascades,
            built_in,
            statement_letter_outside => state.config().statement_letter_outside,
            religions => plain(choices::RELIGIONS),
            occupations => plain(choices::OCCUPATIONS),
            educations => plain(choices::EDUCATION_LEVELS),
            upload_slots,
            title => match &mode {
                FormMode::New => t(locale, "form-title"),
                FormMode::Correction { registration_number, .. } => crate::i18n::t_args(
                    locale,
                    "form-correction-title",
                    &[("number", registration_number.as_str().into())],
                ),
            },
        },
    )
}
