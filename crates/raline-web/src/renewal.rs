//! Renewal steps shared by the member page, the staff pages and the API: quoting,
//! submitting (with automatic approval where the member type allows it) and deciding.

use raline_domain::renewal::needs_review;
use raline_domain::{
    ApplicationStatus, Decision, FieldError, MemberType, RenewalApproval, RenewalQuote,
    RenewalRefusal, UploadSlot,
};
use raline_store::{
    MemberRecord, NewRenewal, NewUpload, RenewalChannel, RenewalDecision, RenewalOutcome,
};
use time::OffsetDateTime;

use crate::AppState;
use crate::error::WebError;
use crate::i18n::Locale;

/// Returns the member type of a member, or a conflict when the library no longer offers it.
pub fn member_type<'a>(
    state: &'a AppState,
    member: &MemberRecord,
) -> Result<&'a MemberType, WebError> {
    state
        .policy()
        .member_type(&member.member_type)
        .ok_or(WebError::Conflict(
            "the member type is no longer configured",
        ))
}

/// Quotes what renewing today would give, or returns the reason it is not possible.
pub fn quote(
    state: &AppState,
    member: &MemberRecord,
    now: OffsetDateTime,
) -> Result<Result<RenewalQuote, RenewalRefusal>, WebError> {
    let kind = member_type(state, member)?;
    let today = raline_domain::dates::wib_date(now);
    Ok(kind
        .renewal
        .quote(kind.validity_days, member.valid_until, today))
}

/// A renewal just submitted, and whether it was approved on the spot.
#[derive(Debug, Clone)]
pub struct Submitted {
    pub id: i64,
    pub approved: Option<RenewalOutcome>,
}

/// Checks the window and the documents the member type requires, stores the renewal and,
/// where the member type approves automatically and nothing needs a look, approves it.
///
/// `uploads` are already stored files; on a refusal the caller removes them.
pub async fn submit(
    state: &AppState,
    member: &MemberRecord,
    uploads: &[NewUpload],
    submission_key: Option<&str>,
    channel: RenewalChannel,
    desk: Option<DeskRenewal>,
    locale: Locale,
) -> Result<Submitted, WebError> {
    if let Some(submitted) = repeated(state, member, submission_key).await? {
        return Ok(submitted);
    }
    let now = OffsetDateTime::now_utc();
    let quote = check_can_submit(state, member).await?;
    let kind = member_type(state, member)?;

    let uploaded: Vec<UploadSlot> = uploads.iter().map(|upload| upload.slot).collect();
    let missing: Vec<FieldError> = kind
        .renewal
        .documents
        .iter()
        .filter(|slot| !uploaded.contains(slot))
        .map(|slot| FieldError {
            field: slot.as_str(),
            code: "file_missing",
        })
        .collect();
    if !missing.is_empty() && desk.is_none() {
        let max_mb = state.config().upload_max_bytes / (1024 * 1024);
        return Err(WebError::Validation(crate::forms::field_messages(
            locale, &missing, max_mb,
        )));
    }

    let id = state
        .store()
        .submit_renewal(
            NewRenewal {
                member_id: member.id,
                base_valid_until: member.valid_until,
                channel,
                term: quote.term,
                fee_rupiah: quote.fee_rupiah,
                paid: desk.is_some_and(|desk| desk.paid),
                submission_key,
                uploads,
            },
            now,
        )
        .await?;
    tracing::info!(
        renewal_id = id,
        member_id = member.id,
        channel = channel.as_str(),
        "renewal submitted"
    );

    let correction_open = !state
        .store()
        .identity_corrections(Some(member.id), true)
        .await?
        .is_empty();
    let approver = match desk {
        Some(desk) => Some(Some(desk.staff_id)),
        None if kind.renewal.approval == RenewalApproval::Automatic
            && !needs_review(&uploaded, correction_open) =>
        {
            Some(None)
        }
        None => None,
    };
    let approved = match approver {
        Some(staff_id) => Some(decide(state, staff_id, id, Decision::Approve, None, None).await?),
        None => {
            state.outbox_wake().notify_one();
            None
        }
    };
    Ok(Submitted { id, approved })
}

/// Returns the renewal a repeated request (same form key or Idempotency-Key) made, even
/// when that renewal has since moved the end date out of the window.
pub async fn repeated(
    state: &AppState,
    member: &MemberRecord,
    submission_key: Option<&str>,
) -> Result<Option<Submitted>, WebError> {
    let Some(key) = submission_key else {
        return Ok(None);
    };
    let Some(id) = state.store().renewal_by_key(member.id, key).await? else {
        return Ok(None);
    };
    let approved = match state.store().renewal(id).await? {
        Some(renewal) if renewal.status == ApplicationStatus::Approved => {
            let member = state
                .store()
                .member(member.id)
                .await?
                .ok_or(WebError::NotFound)?;
            Some(RenewalOutcome {
                status: renewal.status,
                member,
            })
        }
        _ => None,
    };
    Ok(Some(Submitted { id, approved }))
}

/// Checks that a new renewal may be submitted now: the window is open and no renewal is
/// waiting for staff. Returns the quote. A renewal waiting for the member's correction does
/// not count here, because the member resubmits that one.
pub async fn check_can_submit(
    state: &AppState,
    member: &MemberRecord,
) -> Result<RenewalQuote, WebError> {
    let quote = quote(state, member, OffsetDateTime::now_utc())
        .map_err(|_| WebError::RenewalUnavailable)?
        .map_err(WebError::RenewalRefused)?;
    let open = state.store().open_renewal(member.id).await?;
    if open.is_some_and(|renewal| renewal.status == ApplicationStatus::Submitted) {
        return Err(WebError::Store(
            raline_store::StoreError::RenewalAlreadyOpen,
        ));
    }
    Ok(quote)
}

/// A renewal made by staff at the desk: approved at once by that staff member.
#[derive(Debug, Clone, Copy)]
pub struct DeskRenewal {
    pub staff_id: i64,
    pub paid: bool,
}

/// Decides a submitted renewal; `staff_id` is `None` for an automatic approval. The new end
/// date is computed from the end date at this moment, inside the store's transaction.
pub async fn decide(
    state: &AppState,
    staff_id: Option<i64>,
    renewal_id: i64,
    decision: Decision,
    reason: Option<&str>,
    paid: Option<bool>,
) -> Result<RenewalOutcome, WebError> {
    let now = OffsetDateTime::now_utc();
    let today = raline_domain::dates::wib_date(now);
    let outcome = state
        .store()
        .decide_renewal(
            renewal_id,
            RenewalDecision {
                staff_id,
                decision,
                reason,
                paid,
            },
            today,
            now,
        )
        .await?;
    state.outbox_wake().notify_one();
    tracing::info!(
        renewal_id,
        member_id = outcome.member.id,
        staff_id,
        decision = decision.as_str(),
        "renewal decided"
    );
    Ok(outcome)
}
