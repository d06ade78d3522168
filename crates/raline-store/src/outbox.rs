//! The outbox: messages written in the same transaction as the event that causes them and
//! delivered later by a worker, so a provider outage never undoes an approval.
//!
//! One event becomes one row per channel: always an e-mail, and a WhatsApp message when the
//! channel is on, the kind goes by WhatsApp, the recipient has a phone number and has not
//! opted out.

use sqlx::{Any, Row, Transaction};
use time::OffsetDateTime;

use crate::{Store, StoreError, StoreResult, from_unix_millis, random_token, unix_millis};

/// Kind of message to an applicant or member. The worker renders the text when it sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
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

    /// Returns whether the message also goes by WhatsApp. Address verification and password reset
    /// links prove control of the e-mail address, so they go by e-mail only.
    pub fn goes_by_whatsapp(self) -> bool {
        !matches!(
            self,
            OutboxKind::EmailVerification | OutboxKind::PasswordReset
        )
    }

    /// Returns whether the message carries the member card PDF.
    pub fn carries_card(self) -> bool {
        matches!(self, OutboxKind::CardIssued | OutboxKind::RenewalApproved)
    }

    /// Returns whether staff may queue the message again. Verification and reset links are single-use
    /// secrets that are gone once sent, so the member requests a new link instead.
    pub fn can_resend(self) -> bool {
        self.goes_by_whatsapp()
    }
}

/// Channel of one outbox row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OutboxChannel {
    Email,
    WhatsApp,
}

impl OutboxChannel {
    pub const ALL: [OutboxChannel; 2] = [OutboxChannel::Email, OutboxChannel::WhatsApp];

    pub fn as_str(self) -> &'static str {
        match self {
            OutboxChannel::Email => "email",
            OutboxChannel::WhatsApp => "whatsapp",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|channel| channel.as_str() == value)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxState {
    Queued,
    /// Claimed by a worker until `locked_until`; an expired claim is taken over.
    Sending,
    /// Accepted by the provider.
    Sent,
    /// Reported delivered to the phone by the provider's status webhook.
    Delivered,
    /// Reported read by the provider's status webhook.
    Read,
    /// Given up after the maximum age or a permanent rejection, reported failed by the
    /// provider, or interrupted after it was handed to the provider, when sending it again
    /// could deliver it twice.
    Failed,
}

impl OutboxState {
    pub const ALL: [OutboxState; 6] = [
        OutboxState::Queued,
        OutboxState::Sending,
        OutboxState::Sent,
        OutboxState::Delivered,
        OutboxState::Read,
        OutboxState::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OutboxState::Queued => "queued",
            OutboxState::Sending => "sending",
            OutboxState::Sent => "sent",
            OutboxState::Delivered => "delivered",
            OutboxState::Read => "read",
            OutboxState::Failed => "failed",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == value)
    }
}

/// Delivery progress reported by a provider after it accepted a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderStatus {
    Sent,
    Delivered,
    Read,
    Failed,
}

#[derive(Debug, Clone)]
pub struct OutboxMessage {
    pub id: i64,
    pub kind: OutboxKind,
    pub channel: OutboxChannel,
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
    /// Key sent with every attempt to providers that accept one.
    pub idempotency_key: String,
    /// Transport that took the message: `smtp`, `file`, `memory`, `cloud_api` or `gateway`.
    pub provider: Option<String>,
    pub provider_message_id: Option<String>,
    /// Worker that has or last had the claim, as `host/pid`.
    pub claimed_by: Option<String>,
    /// The message this one repeats, when staff queued it again.
    pub resend_of: Option<i64>,
    pub created_at: OffsetDateTime,
    pub sent_at: Option<OffsetDateTime>,
    pub delivered_at: Option<OffsetDateTime>,
    pub read_at: Option<OffsetDateTime>,
    pub failed_at: Option<OffsetDateTime>,
    /// The message failed but the provider may have accepted it.
    pub outcome_unknown: bool,
}

/// Reason recorded for a message whose worker died after handing it to the provider.
pub const INTERRUPTED_ERROR: &str = "interrupted after it was handed to the provider; it \
    may or may not have arrived, so it was not sent again";

const OUTBOX_COLUMNS: &str = "id, kind, channel, application_id, member_id, renewal_id, \
                              link_token, state, attempts, last_error, idempotency_key, \
                              provider, provider_message_id, claimed_by, resend_of, \
                              created_at, sent_at, delivered_at, read_at, failed_at, \
                              outcome_unknown";

fn optional_time(row: &sqlx::any::AnyRow, column: &str) -> StoreResult<Option<OffsetDateTime>> {
    let millis: Option<i64> = row.try_get(column)?;
    millis.map(from_unix_millis).transpose()
}

impl OutboxMessage {
    fn from_row(row: &sqlx::any::AnyRow) -> StoreResult<Self> {
        let kind: String = row.try_get("kind")?;
        let channel: String = row.try_get("channel")?;
        let state: String = row.try_get("state")?;
        let idempotency_key: Option<String> = row.try_get("idempotency_key")?;
        let id: i64 = row.try_get("id")?;
        Ok(OutboxMessage {
            id,
            kind: OutboxKind::parse(&kind)
                .ok_or_else(|| StoreError::InvalidStoredValue(format!("outbox kind {kind:?}")))?,
            channel: OutboxChannel::parse(&channel).ok_or_else(|| {
                StoreError::InvalidStoredValue(format!("outbox channel {channel:?}"))
            })?,
            application_id: row.try_get("application_id")?,
            member_id: row.try_get("member_id")?,
            renewal_id: row.try_get("renewal_id")?,
            link_token: row.try_get("link_token")?,
            state: OutboxState::parse(&state)
                .ok_or_else(|| StoreError::InvalidStoredValue(format!("outbox state {state:?}")))?,
            attempts: row.try_get("attempts")?,
            last_error: row.try_get("last_error")?,
            idempotency_key: idempotency_key.unwrap_or_else(|| format!("raline-outbox-{id}")),
            provider: row.try_get("provider")?,
            provider_message_id: row.try_get("provider_message_id")?,
            claimed_by: row.try_get("claimed_by")?,
            resend_of: row.try_get("resend_of")?,
            created_at: from_unix_millis(row.try_get("created_at")?)?,
            sent_at: optional_time(row, "sent_at")?,
            delivered_at: optional_time(row, "delivered_at")?,
            read_at: optional_time(row, "read_at")?,
            failed_at: optional_time(row, "failed_at")?,
            outcome_unknown: row.try_get::<i64, _>("outcome_unknown")? != 0,
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

/// Creates an idempotency key: unique per row, never reused by a resend.
fn new_idempotency_key() -> String {
    format!("raline-{}", &random_token()[..32])
}

/// Queues one message per channel in the caller's transaction: the e-mail always, the
/// WhatsApp message when `whatsapp` is on, the kind goes by WhatsApp, and the member (or
/// else the applicant) has a phone number and has not opted out.
pub(crate) async fn insert_outbox(
    transaction: &mut Transaction<'static, Any>,
    message: NewMessage<'_>,
    now_millis: i64,
    whatsapp: bool,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO outbox (kind, channel, application_id, member_id, renewal_id, link_token, \
         state, attempts, next_attempt_at, created_at, idempotency_key) \
         VALUES ($1, 'email', $2, $3, $4, $5, 'queued', 0, $6, $6, $7)",
    )
    .bind(message.kind.as_str())
    .bind(message.application_id)
    .bind(message.member_id)
    .bind(message.renewal_id)
    .bind(message.link_token)
    .bind(now_millis)
    .bind(new_idempotency_key())
    .execute(&mut **transaction)
    .await?;

    if whatsapp && message.kind.goes_by_whatsapp() {
        sqlx::query(
            "INSERT INTO outbox (kind, channel, application_id, member_id, renewal_id, \
             state, attempts, next_attempt_at, created_at, idempotency_key) \
             SELECT $1, 'whatsapp', a.id, $3, $4, 'queued', 0, $5, $5, $6 \
             FROM applications a LEFT JOIN members m ON m.id = $3 \
             WHERE a.id = $2 \
             AND COALESCE(m.whatsapp_opt_out, a.whatsapp_opt_out) = 0 \
             AND COALESCE(m.phone_e164, a.phone_e164) <> ''",
        )
        .bind(message.kind.as_str())
        .bind(message.application_id)
        .bind(message.member_id)
        .bind(message.renewal_id)
        .bind(now_millis)
        .bind(new_idempotency_key())
        .execute(&mut **transaction)
        .await?;
    }
    Ok(())
}

/// Message text saved by the admin in place of the built-in one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTemplate {
    pub kind: OutboxKind,
    pub channel: OutboxChannel,
    pub locale: String,
    /// E-mail subject; `None` for WhatsApp.
    pub subject: Option<String>,
    pub body: String,
    pub updated_by: Option<String>,
    pub updated_at: OffsetDateTime,
}

impl Store {
    /// Turns the WhatsApp channel on or off for messages queued from now on. Set once at
    /// start-up from the configuration.
    pub fn with_whatsapp(mut self, enabled: bool) -> Store {
        self.whatsapp = enabled;
        self
    }

    pub fn whatsapp_enabled(&self) -> bool {
        self.whatsapp
    }

    /// Claims the oldest due message for `lease` on behalf of `worker`, or takes over one
    /// whose claim expired (its worker died). Only one worker owns a message at a time.
    ///
    /// A message whose claim expired after it was handed to the provider may already have been
    /// delivered, so it is marked failed for staff instead of being sent a second time.
    pub async fn claim_outbox_message(
        &self,
        now: OffsetDateTime,
        lease: time::Duration,
        worker: &str,
    ) -> StoreResult<Option<OutboxMessage>> {
        let interrupted = sqlx::query(
            "UPDATE outbox SET state = 'failed', locked_until = NULL, last_error = $1, \
             link_token = NULL, failed_at = $2, outcome_unknown = 1 \
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
             handed_over_at = NULL, claimed_by = $3 \
             WHERE id = (SELECT id FROM outbox WHERE {due} \
                         ORDER BY next_attempt_at, id LIMIT 1 {lock}) \
             AND ({due}) RETURNING {OUTBOX_COLUMNS}"
        ))
        .bind(unix_millis(now + lease))
        .bind(unix_millis(now))
        .bind(worker)
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

    /// Records the provider's acceptance. A status webhook that arrived first (delivered,
    /// read) is kept.
    pub async fn mark_outbox_sent(
        &self,
        id: i64,
        now: OffsetDateTime,
        provider: &str,
        provider_message_id: Option<&str>,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE outbox SET state = CASE WHEN state IN ('delivered', 'read') THEN state \
             ELSE 'sent' END, sent_at = $1, locked_until = NULL, last_error = NULL, \
             link_token = NULL, provider = $2, provider_message_id = $3 WHERE id = $4",
        )
        .bind(unix_millis(now))
        .bind(provider)
        .bind(provider_message_id)
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

    pub async fn fail_outbox_message(
        &self,
        id: i64,
        error: &str,
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        self.record_failure(id, error, now, false).await
    }

    /// Marks a message failed whose provider may have accepted it (no answer after the
    /// request was sent). It is not sent again; a later provider report may still mark it
    /// sent, delivered or read.
    pub async fn fail_outbox_message_outcome_unknown(
        &self,
        id: i64,
        error: &str,
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        self.record_failure(id, error, now, true).await
    }

    async fn record_failure(
        &self,
        id: i64,
        error: &str,
        now: OffsetDateTime,
        outcome_unknown: bool,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE outbox SET state = 'failed', locked_until = NULL, last_error = $1, \
             link_token = NULL, failed_at = $2, outcome_unknown = $3 WHERE id = $4",
        )
        .bind(error)
        .bind(unix_millis(now))
        .bind(i64::from(outcome_unknown))
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Applies a provider's status report to the message it names, found by the provider's
    /// message id or else by the idempotency key the provider echoed. Progress only moves
    /// forward (sent, delivered, read). Providers do not report in order, so a known failure
    /// stays failed, and only a failure with an unknown outcome can still turn into
    /// progress. A failure report marks the message failed with its reason unless it was
    /// already delivered or read. Returns whether a message matched.
    pub async fn record_provider_status(
        &self,
        provider_message_id: &str,
        idempotency_key: Option<&str>,
        status: ProviderStatus,
        at: OffsetDateTime,
        error: Option<&str>,
    ) -> StoreResult<bool> {
        let at = unix_millis(at);
        let matches = "(provider_message_id = $2 OR (provider_message_id IS NULL \
                       AND idempotency_key = $3)) AND channel = 'whatsapp'";
        let progress = "(state <> 'failed' OR outcome_unknown = 1)";
        let statement = match status {
            ProviderStatus::Sent => format!(
                "UPDATE outbox SET state = CASE WHEN state IN ('delivered', 'read') THEN state \
                 ELSE 'sent' END, sent_at = COALESCE(sent_at, $1), provider_message_id = $2, \
                 last_error = NULL, failed_at = NULL, outcome_unknown = 0, locked_until = NULL \
                 WHERE {matches} AND {progress}"
            ),
            ProviderStatus::Delivered => format!(
                "UPDATE outbox SET state = CASE WHEN state = 'read' THEN state \
                 ELSE 'delivered' END, delivered_at = COALESCE(delivered_at, $1), \
                 sent_at = COALESCE(sent_at, $1), provider_message_id = $2, last_error = NULL, \
                 failed_at = NULL, outcome_unknown = 0, locked_until = NULL \
                 WHERE {matches} AND {progress}"
            ),
            ProviderStatus::Read => format!(
                "UPDATE outbox SET state = 'read', read_at = COALESCE(read_at, $1), \
                 delivered_at = COALESCE(delivered_at, $1), sent_at = COALESCE(sent_at, $1), \
                 provider_message_id = $2, last_error = NULL, failed_at = NULL, \
                 outcome_unknown = 0, locked_until = NULL WHERE {matches} AND {progress}"
            ),
            ProviderStatus::Failed => format!(
                "UPDATE outbox SET state = 'failed', failed_at = $1, provider_message_id = $2, \
                 last_error = $4, outcome_unknown = 0, locked_until = NULL WHERE {matches} \
                 AND state NOT IN ('delivered', 'read')"
            ),
        };
        let mut query = sqlx::query(&statement)
            .bind(at)
            .bind(provider_message_id)
            .bind(idempotency_key.unwrap_or(""));
        if status == ProviderStatus::Failed {
            query = query.bind(error.unwrap_or("reported failed by the provider"));
        }
        let result = query.execute(&self.pool).await?;
        Ok(result.rows_affected() > 0)
    }

    /// Records a message from a WhatsApp user, which opens the 24-hour service window.
    pub async fn record_whatsapp_inbound(
        &self,
        phone_e164: &str,
        at: OffsetDateTime,
    ) -> StoreResult<()> {
        let greatest = match self.backend {
            crate::Backend::Postgres => "GREATEST",
            crate::Backend::Sqlite => "MAX",
        };
        sqlx::query(&format!(
            "INSERT INTO whatsapp_contacts (phone_e164, last_inbound_at) VALUES ($1, $2) \
             ON CONFLICT (phone_e164) DO UPDATE SET last_inbound_at = \
             {greatest}(whatsapp_contacts.last_inbound_at, excluded.last_inbound_at)"
        ))
        .bind(phone_e164)
        .bind(unix_millis(at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Time of the last message the WhatsApp user sent to the library, if any.
    pub async fn whatsapp_last_inbound(
        &self,
        phone_e164: &str,
    ) -> StoreResult<Option<OffsetDateTime>> {
        let millis: Option<i64> = sqlx::query_scalar(
            "SELECT last_inbound_at FROM whatsapp_contacts WHERE phone_e164 = $1",
        )
        .bind(phone_e164)
        .fetch_optional(&self.pool)
        .await?;
        millis.map(from_unix_millis).transpose()
    }

    pub async fn outbox_message(&self, id: i64) -> StoreResult<Option<OutboxMessage>> {
        let row = sqlx::query(&format!(
            "SELECT {OUTBOX_COLUMNS} FROM outbox WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(OutboxMessage::from_row).transpose()
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

    /// Queues a copy of a sent or failed message for the same channel and recipient, on
    /// behalf of a staff member. The copy gets its own idempotency key because it is meant
    /// to arrive again. Returns the new message's id.
    pub async fn resend_outbox_message(
        &self,
        id: i64,
        staff_id: i64,
        now: OffsetDateTime,
    ) -> StoreResult<i64> {
        let original = self
            .outbox_message(id)
            .await?
            .ok_or(StoreError::Conflict("the message no longer exists"))?;
        if !original.kind.can_resend() {
            return Err(StoreError::MessageNotResendable);
        }
        if matches!(original.state, OutboxState::Queued | OutboxState::Sending) {
            return Err(StoreError::Conflict(
                "the message is still waiting to be sent",
            ));
        }

        let now_millis = unix_millis(now);
        let inserted = sqlx::query_scalar(
            "INSERT INTO outbox (kind, channel, application_id, member_id, renewal_id, state, \
             attempts, next_attempt_at, created_at, idempotency_key, resend_of, requested_by) \
             VALUES ($1, $2, $3, $4, $5, 'queued', 0, $6, $6, $7, $8, $9) RETURNING id",
        )
        .bind(original.kind.as_str())
        .bind(original.channel.as_str())
        .bind(original.application_id)
        .bind(original.member_id)
        .bind(original.renewal_id)
        .bind(now_millis)
        .bind(new_idempotency_key())
        .bind(original.id)
        .bind(staff_id)
        .fetch_one(&self.pool)
        .await;
        match inserted {
            Ok(new_id) => Ok(new_id),
            Err(error) => match StoreError::from(error) {
                error if error.is_unique_violation() => Err(StoreError::Conflict(
                    "a copy of this message is already waiting to be sent",
                )),
                error => Err(error),
            },
        }
    }

    /// Number of messages that failed since `since`, for the staff dashboard.
    pub async fn failed_outbox_count_since(&self, since: OffsetDateTime) -> StoreResult<i64> {
        let count: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM outbox WHERE state = 'failed' AND failed_at >= $1",
        )
        .bind(unix_millis(since))
        .fetch_one(&self.pool)
        .await?;
        Ok(count)
    }

    /// Failed messages since `since`, newest first, at most `limit`.
    pub async fn failed_outbox_since(
        &self,
        since: OffsetDateTime,
        limit: i64,
    ) -> StoreResult<Vec<OutboxMessage>> {
        let rows = sqlx::query(&format!(
            "SELECT {OUTBOX_COLUMNS} FROM outbox WHERE state = 'failed' AND failed_at >= $1 \
             ORDER BY failed_at DESC, id DESC LIMIT $2"
        ))
        .bind(unix_millis(since))
        .bind(limit)
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

    /// Returns the admin's text for a kind, channel and locale, if one was saved.
    pub async fn message_template(
        &self,
        kind: OutboxKind,
        channel: OutboxChannel,
        locale: &str,
    ) -> StoreResult<Option<StoredTemplate>> {
        let row = sqlx::query(
            "SELECT t.kind, t.channel, t.locale, t.subject, t.body, t.updated_at, \
             s.username FROM message_templates t LEFT JOIN staff s ON s.id = t.updated_by \
             WHERE t.kind = $1 AND t.channel = $2 AND t.locale = $3",
        )
        .bind(kind.as_str())
        .bind(channel.as_str())
        .bind(locale)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(template_from_row).transpose()
    }

    /// Returns every saved text, for the admin's overview.
    pub async fn message_templates(&self) -> StoreResult<Vec<StoredTemplate>> {
        let rows = sqlx::query(
            "SELECT t.kind, t.channel, t.locale, t.subject, t.body, t.updated_at, \
             s.username FROM message_templates t LEFT JOIN staff s ON s.id = t.updated_by \
             ORDER BY t.kind, t.channel, t.locale",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(template_from_row).collect()
    }

    /// Saves the admin's text, replacing an earlier one.
    #[allow(clippy::too_many_arguments)]
    pub async fn save_message_template(
        &self,
        kind: OutboxKind,
        channel: OutboxChannel,
        locale: &str,
        subject: Option<&str>,
        body: &str,
        staff_id: i64,
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO message_templates (kind, channel, locale, subject, body, updated_by, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (kind, channel, locale) DO UPDATE SET subject = excluded.subject, \
             body = excluded.body, updated_by = excluded.updated_by, \
             updated_at = excluded.updated_at",
        )
        .bind(kind.as_str())
        .bind(channel.as_str())
        .bind(locale)
        .bind(subject)
        .bind(body)
        .bind(staff_id)
        .bind(unix_millis(now))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Removes the admin's text so the built-in one applies again.
    pub async fn reset_message_template(
        &self,
        kind: OutboxKind,
        channel: OutboxChannel,
        locale: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "DELETE FROM message_templates WHERE kind = $1 AND channel = $2 AND locale = $3",
        )
        .bind(kind.as_str())
        .bind(channel.as_str())
        .bind(locale)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

fn template_from_row(row: &sqlx::any::AnyRow) -> StoreResult<StoredTemplate> {
    let kind: String = row.try_get("kind")?;
    let channel: String = row.try_get("channel")?;
    Ok(StoredTemplate {
        kind: OutboxKind::parse(&kind)
            .ok_or_else(|| StoreError::InvalidStoredValue(format!("template kind {kind:?}")))?,
        channel: OutboxChannel::parse(&channel).ok_or_else(|| {
            StoreError::InvalidStoredValue(format!("template channel {channel:?}"))
        })?,
        locale: row.try_get("locale")?,
        subject: row.try_get("subject")?,
        body: row.try_get("body")?,
        updated_by: row.try_get("username")?,
        updated_at: from_unix_millis(row.try_get("updated_at")?)?,
    })
}

impl Store {
    /// Records whether the applicant wants e-mail only. The form saves it right after the
    /// application, before any message that could go by WhatsApp is queued.
    pub async fn set_application_whatsapp_opt_out(
        &self,
        application_id: i64,
        opt_out: bool,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE applications SET whatsapp_opt_out = $1 WHERE id = $2")
            .bind(i64::from(opt_out))
            .bind(application_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Records whether the member wants e-mail only, for messages queued from now on.
    pub async fn set_member_whatsapp_opt_out(
        &self,
        member_id: i64,
        opt_out: bool,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE members SET whatsapp_opt_out = $1 WHERE id = $2")
            .bind(i64::from(opt_out))
            .bind(member_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Messages to a member, oldest first, for staff.
    pub async fn outbox_for_member(&self, member_id: i64) -> StoreResult<Vec<OutboxMessage>> {
        let rows = sqlx::query(&format!(
            "SELECT {OUTBOX_COLUMNS} FROM outbox WHERE member_id = $1 ORDER BY id"
        ))
        .bind(member_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(OutboxMessage::from_row).collect()
    }
}
