//! The outbox: messages written in the same transaction as the event that causes them and
//! delivered later by a worker, so a mail server outage never undoes an approval.

use sqlx::{Any, Row, Transaction};
use time::OffsetDateTime;

use crate::{Store, StoreError, StoreResult, from_unix_millis, unix_millis};

/// Kind of message to an applicant or member. The worker renders the text when it sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxKind {
    CardIssued,
    CorrectionRequested,
    Rejected,
    /// The link that verifies the e-mail address (carries a link token).
    EmailVerification,
    /// The password reset link (carries a link token).
    PasswordReset,
    RenewalReminder,
    /// A renewal was approved: the new card is attached.
    RenewalApproved,
    RenewalRejected,
    RenewalCorrectionRequested,
}

impl OutboxKind {
    pub const ALL: [OutboxKind; 9] = [
        OutboxKind::CardIssued,
        OutboxKind::CorrectionRequested,
        OutboxKind::Rejected,
        OutboxKind::EmailVerification,
        OutboxKind::PasswordReset,
        OutboxKind::RenewalReminder,
        OutboxKind::RenewalApproved,
        OutboxKind::RenewalRejected,
        OutboxKind::RenewalCorrectionRequested,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OutboxKind::CardIssued => "card_issued",
            OutboxKind::CorrectionRequested => "correction_requested",
            OutboxKind::Rejected => "rejected",
            OutboxKind::EmailVerification => "email_verification",
            OutboxKind::PasswordReset => "password_reset",
            OutboxKind::RenewalReminder => "renewal_reminder",
            OutboxKind::RenewalApproved => "renewal_approved",
            OutboxKind::RenewalRejected => "renewal_rejected",
            OutboxKind::RenewalCorrectionRequested => "renewal_correction_requested",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == value)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxState {
    Queued,
    /// Claimed by a worker until `locked_until`; an expired claim is taken over.
    Sending,
    Sent,
    /// Given up after the maximum age or a permanent rejection, or interrupted after it was
    /// handed to the provider, when sending it again could deliver it twice.
    Failed,
}

impl OutboxState {
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxState::Queued => "queued",
            OutboxState::Sending => "sending",
            OutboxState::Sent => "sent",
            OutboxState::Failed => "failed",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [
            OutboxState::Queued,
            OutboxState::Sending,
            OutboxState::Sent,
            OutboxState::Failed,
        ]
        .into_iter()
        .find(|state| state.as_str() == value)
    }
}

#[derive(Debug, Clone)]
pub struct OutboxMessage {
    pub id: i64,
    pub kind: OutboxKind,
    pub channel: String,
    pub application_id: Option<i64>,
    pub member_id: Option<i64>,
    pub renewal_id: Option<i64>,
    /// Secret of the e-mail link of a verification or reset message; cleared once the
    /// message is sent or has failed.
    pub link_token: Option<String>,
    pub state: OutboxState,
    /// Delivery attempts so far, including the one in progress after a claim.
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: OffsetDateTime,
    pub sent_at: Option<OffsetDateTime>,
}

/// Reason recorded for a message whose worker died after handing it to the provider.
pub const INTERRUPTED_ERROR: &str = "interrupted after it was handed to the mail server; it \
    may or may not have arrived, so it was not sent again";

const OUTBOX_COLUMNS: &str = "id, kind, channel, application_id, member_id, renewal_id, \
                              link_token, state, attempts, last_error, created_at, sent_at";

impl OutboxMessage {
    fn from_row(row: &sqlx::any::AnyRow) -> StoreResult<Self> {
        let kind: String = row.try_get("kind")?;
        let state: String = row.try_get("state")?;
        let sent_at: Option<i64> = row.try_get("sent_at")?;
        Ok(OutboxMessage {
            id: row.try_get("id")?,
            kind: OutboxKind::parse(&kind)
                .ok_or_else(|| StoreError::InvalidStoredValue(format!("outbox kind {kind:?}")))?,
            channel: row.try_get("channel")?,
            application_id: row.try_get("application_id")?,
            member_id: row.try_get("member_id")?,
            renewal_id: row.try_get("renewal_id")?,
            link_token: row.try_get("link_token")?,
            state: OutboxState::parse(&state)
                .ok_or_else(|| StoreError::InvalidStoredValue(format!("outbox state {state:?}")))?,
            attempts: row.try_get("attempts")?,
            last_error: row.try_get("last_error")?,
            created_at: from_unix_millis(row.try_get("created_at")?)?,
            sent_at: sent_at.map(from_unix_millis).transpose()?,
        })
    }
}

/// A message to queue, with the records it is about.
pub(crate) struct NewMessage<'a> {
    pub kind: OutboxKind,
    pub application_id: i64,
    pub member_id: Option<i64>,
    pub renewal_id: Option<i64>,
    pub link_token: Option<&'a str>,
}

impl NewMessage<'_> {
    pub fn about_application(kind: OutboxKind, application_id: i64) -> Self {
        NewMessage {
            kind,
            application_id,
            member_id: None,
            renewal_id: None,
            link_token: None,
        }
    }
}

pub(crate) async fn insert_outbox(
    transaction: &mut Transaction<'static, Any>,
    message: NewMessage<'_>,
    now_millis: i64,
) -> StoreResult<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO outbox (kind, channel, application_id, member_id, renewal_id, link_token, \
         state, attempts, next_attempt_at, created_at) \
         VALUES ($1, 'email', $2, $3, $4, $5, $6, 0, $7, $7) RETURNING id",
    )
    .bind(message.kind.as_str())
    .bind(message.application_id)
    .bind(message.member_id)
    .bind(message.renewal_id)
    .bind(message.link_token)
    .bind(OutboxState::Queued.as_str())
    .bind(now_millis)
    .fetch_one(&mut **transaction)
    .await?;
    Ok(id)
}

impl Store {
    /// Claims the oldest due message for `lease`, or takes over one whose claim expired
    /// (its worker died). Only one worker owns a message at a time.
    ///
    /// A message whose claim expired after it was handed to the provider may already have been
    /// delivered, so it is marked failed for staff instead of being sent a second time.
    pub async fn claim_outbox_message(
        &self,
        now: OffsetDateTime,
        lease: time::Duration,
    ) -> StoreResult<Option<OutboxMessage>> {
        let interrupted = sqlx::query(
            "UPDATE outbox SET state = 'failed', locked_until = NULL, last_error = $1, \
             link_token = NULL \
             WHERE state = 'sending' AND locked_until < $2 AND handed_over_at IS NOT NULL",
        )
        .bind(INTERRUPTED_ERROR)
        .bind(unix_millis(now))
        .execute(&self.pool)
        .await?;
        if interrupted.rows_affected() > 0 {
            tracing::warn!(
                count = interrupted.rows_affected(),
                "outbox messages interrupted during sending were marked failed, not resent"
            );
        }

        let due = "(state = 'queued' AND next_attempt_at <= $2) \
                   OR (state = 'sending' AND locked_until < $2)";
        let lock = match self.backend {
            crate::Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            crate::Backend::Sqlite => "",
        };
        let row = sqlx::query(&format!(
            "UPDATE outbox SET state = 'sending', locked_until = $1, attempts = attempts + 1, \
             handed_over_at = NULL \
             WHERE id = (SELECT id FROM outbox WHERE {due} \
                         ORDER BY next_attempt_at, id LIMIT 1 {lock}) \
             AND ({due}) RETURNING {OUTBOX_COLUMNS}"
        ))
        .bind(unix_millis(now + lease))
        .bind(unix_millis(now))
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(OutboxMessage::from_row).transpose()
    }

    /// Records that the message is about to go to the provider; from here on a crash leaves
    /// its delivery unknown.
    pub async fn mark_outbox_handed_over(&self, id: i64, now: OffsetDateTime) -> StoreResult<()> {
        sqlx::query("UPDATE outbox SET handed_over_at = $1 WHERE id = $2")
            .bind(unix_millis(now))
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn mark_outbox_sent(&self, id: i64, now: OffsetDateTime) -> StoreResult<()> {
        sqlx::query(
            "UPDATE outbox SET state = 'sent', sent_at = $1, locked_until = NULL, last_error = NULL, \
             link_token = NULL WHERE id = $2",
        )
        .bind(unix_millis(now))
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Puts a message back in the queue after a transient failure.
    pub async fn retry_outbox_message(
        &self,
        id: i64,
        next_attempt: OffsetDateTime,
        error: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE outbox SET state = 'queued', next_attempt_at = $1, locked_until = NULL, \
             handed_over_at = NULL, last_error = $2 WHERE id = $3",
        )
        .bind(unix_millis(next_attempt))
        .bind(error)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn fail_outbox_message(&self, id: i64, error: &str) -> StoreResult<()> {
        sqlx::query(
            "UPDATE outbox SET state = 'failed', locked_until = NULL, last_error = $1, \
             link_token = NULL WHERE id = $2",
        )
        .bind(error)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Messages of an application, oldest first, for staff. Messages to the member it became
    /// (renewals, reminders, password resets) carry the same application id and are included.
    pub async fn outbox_for_application(
        &self,
        application_id: i64,
    ) -> StoreResult<Vec<OutboxMessage>> {
        let rows = sqlx::query(&format!(
            "SELECT {OUTBOX_COLUMNS} FROM outbox WHERE application_id = $1 ORDER BY id"
        ))
        .bind(application_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(OutboxMessage::from_row).collect()
    }

    /// Earliest time a queued message becomes due, so the worker can sleep until then.
    pub async fn next_outbox_due(&self) -> StoreResult<Option<OffsetDateTime>> {
        let next: Option<i64> = sqlx::query_scalar(
            "SELECT MIN(CASE WHEN state = 'queued' THEN next_attempt_at ELSE locked_until END) \
             FROM outbox WHERE state IN ('queued', 'sending')",
        )
        .fetch_one(&self.pool)
        .await?;
        next.map(from_unix_millis).transpose()
    }
}
