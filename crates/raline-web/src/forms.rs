//! The registration flow shared by the HTML form and the JSON API: validate, check uploads,
//! store, and describe field errors in the user's language.

use std::collections::BTreeSet;

use hmac::{Hmac, Mac};
use raline_domain::{FieldError, FindingCode, NewApplication, UploadSlot};
use raline_store::{InsertOutcome, NewApplicationRecord, NewUpload};
use sha2::Sha256;
use time::OffsetDateTime;

use crate::AppState;
use crate::error::{FieldMessage, WebError};
use crate::i18n::{Arg, Locale, t, t_args};
use crate::uploads::{self, ProcessedUpload, Submission};

/// Checks the shape of a submission key: 64 lowercase hex digits, as `random_token` makes.
pub fn is_submission_key(key: &str) -> bool {
    key.len() == 64
        && key
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Derives the applicant's status token: HMAC-SHA256 of the submission key under the
/// installation's secret. A repeated submit of the same form therefore leads to the same status link, and
/// only the hash of the token is stored.
pub fn status_token(state: &AppState, submission_key: &str) -> String {
    keyed_hex(state, submission_key.as_bytes())
}

/// Returns HMAC-SHA256 of `data` under the installation's secret, as 64 hex digits.
pub fn keyed_hex(state: &AppState, data: &[u8]) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(state.status_key()) {
        Ok(mac) => mac,
        // HMAC accepts keys of any length, so this branch is unreachable.
        Err(_) => return raline_store::random_token(),
    };
    mac.update(data);
    hex::encode(mac.finalize().into_bytes())
}

/// Turns field errors into messages that name the field, in the user's language.
pub fn field_messages(
    locale: Locale,
    errors: &[FieldError],
    max_upload_mb: usize,
) -> Vec<FieldMessage> {
    errors
        .iter()
        .map(|error| FieldMessage {
            field: error.field.to_owned(),
            code: error.code.to_owned(),
            message: field_message(locale, error, max_upload_mb),
        })
        .collect()
}

fn field_message(locale: Locale, error: &FieldError, max_upload_mb: usize) -> String {
    let label = t(locale, &format!("field-{}", error.field));
    let max = i64::try_from(max_upload_mb).unwrap_or(i64::MAX);
    t_args(
        locale,
        &format!("error-{}", error.code),
        &[("field", Arg::from(label)), ("max", Arg::from(max))],
    )
}

/// Result of a submission.
pub enum SubmitOutcome {
    Stored {
        id: i64,
        registration_number: String,
        status_token: String,
        warnings: Vec<FindingCode>,
        /// False when the same form had been submitted before.
        created: bool,
    },
    Invalid(Vec<FieldError>),
}

/// Origin of a submission. The HTML form keeps good uploads as drafts when other fields are
/// wrong, so the applicant need not upload them again. The API stores nothing on error.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Form,
    Api,
}

/// Validates and stores a new application.
pub async fn submit_application(
    state: &AppState,
    submission: Submission,
    submission_key: &str,
    locale: Locale,
    channel: Channel,
) -> Result<SubmitOutcome, WebError> {
    let now = OffsetDateTime::now_utc();
    let today = raline_domain::dates::wib_date(now);
    let validation = raline_domain::validate_application(&submission.input, state.policy(), today);

    let (processed, mut errors) = uploads::process_files(
        submission.files,
        &submission.oversized,
        &state.config().upload_limits(),
    )
    .await?;

    let drafts = if channel == Channel::Form {
        state.store().draft_uploads(submission_key).await?
    } else {
        Vec::new()
    };
    let new_slots: BTreeSet<UploadSlot> = processed.iter().map(|upload| upload.slot).collect();
    let kept_drafts = newest_drafts(&drafts, &new_slots);

    let failed: BTreeSet<&str> = errors.iter().map(|error| error.field).collect();
    let mut missing = Vec::new();
    for slot in raline_domain::application::required_uploads(&submission.input, state.policy()) {
        let present = new_slots.contains(&slot)
            || kept_drafts.iter().any(|(kept, _)| *kept == slot)
            || failed.contains(slot.as_str());
        if !present {
            missing.push(FieldError {
                field: slot.as_str(),
                code: "file_missing",
            });
        }
    }
    errors.extend(missing);

    let application = match validation {
        Ok(application) => Some(application),
        Err(field_errors) => {
            errors.splice(0..0, field_errors);
            None
        }
    };

    // The "already a member" error reveals whether a NIK belongs to a member, so one client
    // address may receive it only as often as the member login throttle allows.
    let oracle_key = format!(
        "existing-member:{}",
        submission
            .client
            .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
    );
    let throttle = &state.member_throttle().addresses;
    if application.is_some() && throttle.is_locked(&oracle_key) {
        return Err(WebError::TooManyAttempts);
    }
    if let Some(application) = &application
        && is_existing_member(state, application).await?
    {
        throttle.record_failure(&oracle_key);
        errors.insert(
            0,
            FieldError {
                field: "identity_number",
                code: "existing_member",
            },
        );
    }

    let application = match application {
        Some(application) if errors.is_empty() => application,
        _ => {
            if channel == Channel::Form {
                keep_as_drafts(state, submission_key, processed, now).await?;
            }
            return Ok(SubmitOutcome::Invalid(errors));
        }
    };

    let stored_uploads = uploads::store_files(state.files(), processed).await?;
    let draft_ids: Vec<i64> = kept_drafts.iter().map(|(_, id)| *id).collect();
    let result = insert(
        state,
        &application,
        submission_key,
        locale,
        &stored_uploads,
        &draft_ids,
        now,
    )
    .await;

    match result {
        Ok(InsertOutcome::Created {
            id,
            registration_number,
        }) => {
            let opt_out =
                raline_domain::application::parse_flag(&submission.input.whatsapp_opt_out);
            if opt_out {
                state
                    .store()
                    .set_application_whatsapp_opt_out(id, true)
                    .await?;
            }
            tracing::info!(application_id = id, "application submitted");
            Ok(SubmitOutcome::Stored {
                id,
                registration_number,
                status_token: status_token(state, submission_key),
                warnings: application.warnings,
                created: true,
            })
        }
        Ok(InsertOutcome::AlreadySubmitted {
            id,
            registration_number,
        }) => {
            uploads::remove_files(state.files(), &stored_uploads).await;
            // The key alone is no proof: on a shared device the next person may reuse a
            // form, and an API key may be guessed. Only the password chosen with the first
            // submission shows that this is the same applicant sending again.
            if !same_password(state, id, &application.password.0).await? {
                return Err(WebError::Conflict(
                    "the form was already used by another applicant",
                ));
            }
            let warnings = match state.store().application(id).await? {
                Some(record) => record.warnings,
                None => Vec::new(),
            };
            Ok(SubmitOutcome::Stored {
                id,
                registration_number,
                status_token: status_token(state, submission_key),
                warnings,
                created: false,
            })
        }
        Err(error) => {
            uploads::remove_files(state.files(), &stored_uploads).await;
            Err(error)
        }
    }
}

/// Whether the applicant's own identity number belongs to a member, who should renew rather
/// than register. Children registered with a parent's KTP share that number, so only the
/// applicant's own number counts.
pub async fn is_existing_member(
    state: &AppState,
    application: &NewApplication,
) -> Result<bool, WebError> {
    if application.guardian.is_some() {
        return Ok(false);
    }
    let member = state
        .store()
        .member_number_for_identity(&application.identity_number)
        .await?;
    Ok(member.is_some())
}

/// Checks `password` against the hash stored with application `id`, on the blocking pool.
async fn same_password(state: &AppState, id: i64, password: &str) -> Result<bool, WebError> {
    let Some(hash) = state.store().application_password_hash(id).await? else {
        return Ok(false);
    };
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || password_auth::verify_password(password, &hash).is_ok())
        .await
        .map_err(WebError::internal)
}

/// Returns the newest draft per slot that the current request does not replace.
pub fn newest_drafts(
    drafts: &[raline_store::UploadRecord],
    new_slots: &BTreeSet<UploadSlot>,
) -> Vec<(UploadSlot, i64)> {
    let mut kept: Vec<(UploadSlot, i64)> = Vec::new();
    for draft in drafts.iter().rev() {
        let seen = kept.iter().any(|(slot, _)| *slot == draft.slot);
        if !seen && !new_slots.contains(&draft.slot) {
            kept.push((draft.slot, draft.id));
        }
    }
    kept
}

async fn insert(
    state: &AppState,
    application: &NewApplication,
    submission_key: &str,
    locale: Locale,
    uploads: &[NewUpload],
    draft_ids: &[i64],
    now: OffsetDateTime,
) -> Result<InsertOutcome, WebError> {
    let password = application.password.0.clone();
    let password_hash = tokio::task::spawn_blocking(move || password_auth::generate_hash(password))
        .await
        .map_err(WebError::internal)?;
    let token = status_token(state, submission_key);
    let outcome = state
        .store()
        .insert_application(
            NewApplicationRecord {
                application,
                password_hash: &password_hash,
                submission_key,
                status_token_hash: &raline_store::hash_token(&token),
                locale: locale.code(),
                uploads,
                draft_upload_ids: draft_ids,
            },
            now,
        )
        .await?;
    Ok(outcome)
}

/// Stores uploads that passed their checks as drafts of this form rendering.
pub async fn keep_as_drafts(
    state: &AppState,
    submission_key: &str,
    processed: Vec<ProcessedUpload>,
    now: OffsetDateTime,
) -> Result<(), WebError> {
    if processed.is_empty() || !is_submission_key(submission_key) {
        return Ok(());
    }
    let stored = uploads::store_files(state.files(), processed).await?;
    for upload in &stored {
        if let Err(error) = state
            .store()
            .insert_draft_upload(submission_key, upload, now)
            .await
        {
            uploads::remove_files(state.files(), &stored).await;
            return Err(error.into());
        }
    }
    Ok(())
}
