//! Renewals: submission, the staff decision that moves the end date, and reminders.
//!
//! A renewal uses the statuses and decisions of applications. A partial unique index keeps at
//! most one renewal per member open (submitted or waiting for correction). An approval closes
//! the renewal's status and moves the end date in one transaction, so an approved renewal is
//! applied once only.

use raline_domain::renewal::new_end_date;
use raline_domain::{ApplicationStatus, Decision, Term, UploadSlot};
use sqlx::Row;
use time::{Date, OffsetDateTime};

use crate::applications::insert_upload_row;
use crate::inlislite::{SyncReason, queue_sync};
use crate::outbox::{NewMessage, OutboxKind, insert_outbox};
use crate::records::{MEMBER_COLUMNS, UPLOAD_COLUMNS};
use crate::{
    MemberRecord, NewUpload, Store, StoreError, StoreResult, UploadRecord, format_date,
    from_unix_millis, parse_date, unix_millis,
};

/// Channel through which a renewal was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenewalChannel {
    /// By the member, on the member page or through the API.
    Online,
    /// By staff at the desk for a member who walked in.
    Desk,
}

impl RenewalChannel {
    pub fn as_str(self) -> &'static str {
        match self {
            RenewalChannel::Online => "online",
            RenewalChannel::Desk => "desk",
        }
    }

    fn parse(value: &str) -> Option<Self> {
        match value {
            "online" => Some(RenewalChannel::Online),
            "desk" => Some(RenewalChannel::Desk),
            _ => None,
        }
    }
}

/// A renewal as stored, with the member's number and name.
#[derive(Debug, Clone)]
pub struct RenewalRecord {
    pub id: i64,
    pub member_id: i64,
    pub member_number: String,
    pub full_name: String,
    pub member_type: String,
    /// The member's end date now (before approval) or when approved.
    pub member_valid_until: Date,
    pub status: ApplicationStatus,
    pub channel: RenewalChannel,
    /// End dates the approval moved from and to.
    pub old_valid_until: Option<Date>,
    pub new_valid_until: Option<Date>,
    pub term: Term,
    pub fee_rupiah: i64,
    pub paid: bool,
    pub decision_reason: Option<String>,
    /// User name of the staff member who decided; `None` with `decided_at` set means
    /// approved automatically.
    pub decided_by: Option<String>,
    pub decided_at: Option<OffsetDateTime>,
    pub submitted_at: OffsetDateTime,
}

const RENEWAL_SELECT: &str = "SELECT r.id, r.member_id, m.member_number, m.full_name, \
    m.member_type, m.valid_until AS member_valid_until, r.status, r.channel, r.old_valid_until, \
    r.new_valid_until, r.term, r.fee_rupiah, r.paid, r.decision_reason, s.username, \
    r.decided_at, r.submitted_at \
    FROM renewals r JOIN members m ON m.id = r.member_id \
    LEFT JOIN staff s ON s.id = r.decided_by";

impl RenewalRecord {
    fn from_row(row: &sqlx::any::AnyRow) -> StoreResult<Self> {
        let invalid = |what: &str, value: &str| {
            StoreError::InvalidStoredValue(format!("renewal {what} {value:?}"))
        };
        let status: String = row.try_get("status")?;
        let channel: String = row.try_get("channel")?;
        let term: String = row.try_get("term")?;
        let member_valid_until: String = row.try_get("member_valid_until")?;
        let old: Option<String> = row.try_get("old_valid_until")?;
        let new: Option<String> = row.try_get("new_valid_until")?;
        let decided_at: Option<i64> = row.try_get("decided_at")?;
        Ok(RenewalRecord {
            id: row.try_get("id")?,
            member_id: row.try_get("member_id")?,
            member_number: row.try_get("member_number")?,
            full_name: row.try_get("full_name")?,
            member_type: row.try_get("member_type")?,
            member_valid_until: parse_date(&member_valid_until)?,
            status: ApplicationStatus::parse(&status).ok_or_else(|| invalid("status", &status))?,
            channel: RenewalChannel::parse(&channel).ok_or_else(|| invalid("channel", &channel))?,
            old_valid_until: old.as_deref().map(parse_date).transpose()?,
            new_valid_until: new.as_deref().map(parse_date).transpose()?,
            term: Term::parse(&term).ok_or_else(|| invalid("term", &term))?,
            fee_rupiah: row.try_get("fee_rupiah")?,
            paid: row.try_get::<i64, _>("paid")? != 0,
            decision_reason: row.try_get("decision_reason")?,
            decided_by: row.try_get("username")?,
            decided_at: decided_at.map(from_unix_millis).transpose()?,
            submitted_at: from_unix_millis(row.try_get("submitted_at")?)?,
        })
    }
}

/// A renewal to store.
#[derive(Debug)]
pub struct NewRenewal<'a> {
    pub member_id: i64,
    /// The end date the window was checked against. The renewal is refused with
    /// `AlreadyRenewed` when the member's end date is no longer this one.
    pub base_valid_until: Date,
    pub channel: RenewalChannel,
    pub term: Term,
    pub fee_rupiah: u32,
    /// Whether the fee was paid (at the desk); online renewals start unpaid.
    pub paid: bool,
    /// Form key or API `Idempotency-Key`: submitting the same key again returns the first
    /// renewal instead of an error.
    pub submission_key: Option<&'a str>,
    /// Files stored during this request.
    pub uploads: &'a [NewUpload],
}

/// A decision on a renewal.
#[derive(Debug, Clone, Copy)]
pub struct RenewalDecision<'a> {
    /// `None` for an automatic approval.
    pub staff_id: Option<i64>,
    pub decision: Decision,
    pub reason: Option<&'a str>,
    /// Overrides the stored payment flag when given.
    pub paid: Option<bool>,
}

/// The result of a renewal decision.
#[derive(Debug, Clone)]
pub struct RenewalOutcome {
    pub status: ApplicationStatus,
    /// The member after the decision (with the new end date on approval).
    pub member: MemberRecord,
}

impl Store {
    /// Stores a submitted renewal with its uploads. Fails with `RenewalAlreadyOpen` when the
    /// member has one submitted or waiting for correction; a repeated submission key returns
    /// the renewal it created.
    pub async fn submit_renewal(
        &self,
        renewal: NewRenewal<'_>,
        now: OffsetDateTime,
    ) -> StoreResult<i64> {
        if let Some(key) = renewal.submission_key
            && let Some(id) = self.renewal_by_key(renewal.member_id, key).await?
        {
            return Ok(id);
        }

        let now_millis = unix_millis(now);
        let mut transaction = self.begin_write().await?;
        let lock = match self.backend {
            crate::Backend::Postgres => "FOR UPDATE",
            crate::Backend::Sqlite => "",
        };
        let current: Option<String> = sqlx::query_scalar(&format!(
            "SELECT valid_until FROM members WHERE id = $1 {lock}"
        ))
        .bind(renewal.member_id)
        .fetch_optional(&mut *transaction)
        .await?;
        if current.as_deref() != Some(format_date(renewal.base_valid_until).as_str()) {
            return Err(StoreError::AlreadyRenewed);
        }
        let inserted = sqlx::query_scalar(
            "INSERT INTO renewals (member_id, status, channel, base_valid_until, term, fee_rupiah, \
             paid, submission_key, created_at, submitted_at, updated_at) \
             VALUES ($1, $2, $3, $9, $4, $5, $6, $7, $8, $8, $8) RETURNING id",
        )
        .bind(renewal.member_id)
        .bind(ApplicationStatus::Submitted.as_str())
        .bind(renewal.channel.as_str())
        .bind(renewal.term.to_string())
        .bind(i64::from(renewal.fee_rupiah))
        .bind(i64::from(renewal.paid))
        .bind(renewal.submission_key)
        .bind(now_millis)
        .bind(format_date(renewal.base_valid_until))
        .fetch_one(&mut *transaction)
        .await;
        let id: i64 = match inserted {
            Ok(id) => id,
            Err(error) => {
                let error = StoreError::from(error);
                if !error.is_unique_violation() {
                    return Err(error);
                }
                drop(transaction);
                // The same key submitted twice at once, another open renewal, or a renewal
                // of this end date approved meanwhile.
                if let Some(key) = renewal.submission_key
                    && let Some(id) = self.renewal_by_key(renewal.member_id, key).await?
                {
                    return Ok(id);
                }
                let open = self.open_renewal(renewal.member_id).await?;
                return Err(if open.is_some() {
                    StoreError::RenewalAlreadyOpen
                } else {
                    StoreError::AlreadyRenewed
                });
            }
        };

        for upload in renewal.uploads {
            let upload_id =
                insert_upload_row(&mut transaction, None, None, upload, now_millis).await?;
            sqlx::query("UPDATE uploads SET renewal_id = $1 WHERE id = $2")
                .bind(id)
                .bind(upload_id)
                .execute(&mut *transaction)
                .await?;
        }
        transaction.commit().await?;
        Ok(id)
    }

    /// Returns the member's open renewal (submitted or waiting for correction), if any.
    pub async fn open_renewal(&self, member_id: i64) -> StoreResult<Option<RenewalRecord>> {
        let row = sqlx::query(&format!(
            "{RENEWAL_SELECT} WHERE r.member_id = $1 \
             AND r.status IN ('submitted', 'needs_correction')"
        ))
        .bind(member_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(RenewalRecord::from_row).transpose()
    }

    /// Returns the renewal a member submitted with `key`, if any.
    pub async fn renewal_by_key(&self, member_id: i64, key: &str) -> StoreResult<Option<i64>> {
        let id = sqlx::query_scalar(
            "SELECT id FROM renewals WHERE member_id = $1 AND submission_key = $2",
        )
        .bind(member_id)
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        Ok(id)
    }

    /// Puts a renewal waiting for correction back in the queue with new uploads, which
    /// replace earlier ones of the same slot.
    pub async fn resubmit_renewal(
        &self,
        id: i64,
        member_id: i64,
        uploads: &[NewUpload],
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        let now_millis = unix_millis(now);
        let mut transaction = self.begin_write().await?;
        let updated = sqlx::query(
            "UPDATE renewals SET status = $1, submitted_at = $2, updated_at = $2 \
             WHERE id = $3 AND member_id = $4 AND status = $5",
        )
        .bind(ApplicationStatus::Submitted.as_str())
        .bind(now_millis)
        .bind(id)
        .bind(member_id)
        .bind(ApplicationStatus::NeedsCorrection.as_str())
        .execute(&mut *transaction)
        .await?;
        if updated.rows_affected() != 1 {
            return Err(StoreError::Conflict(
                "the renewal is not waiting for correction",
            ));
        }

        // Each new file replaces the renewal's earlier file of the same slot.
        for upload in uploads {
            sqlx::query(
                "UPDATE uploads SET superseded_at = $1 \
                 WHERE renewal_id = $2 AND slot = $3 AND superseded_at IS NULL",
            )
            .bind(now_millis)
            .bind(id)
            .bind(upload.slot.as_str())
            .execute(&mut *transaction)
            .await?;
            let upload_id =
                insert_upload_row(&mut transaction, None, None, upload, now_millis).await?;
            sqlx::query("UPDATE uploads SET renewal_id = $1 WHERE id = $2")
                .bind(id)
                .bind(upload_id)
                .execute(&mut *transaction)
                .await?;
        }
        transaction.commit().await?;
        Ok(())
    }

    /// Records a decision on a submitted renewal in one transaction, with the message to the
    /// member.
    ///
    /// An approval also sets the new end date: the term added to the later of `today` and
    /// the current end date. The renewal's photo and documents then replace the member's.
    ///
    /// Returns `Conflict` when the renewal is no longer submitted, so two approvals of one
    /// renewal cannot both move the end date.
    pub async fn decide_renewal(
        &self,
        id: i64,
        decision: RenewalDecision<'_>,
        today: Date,
        now: OffsetDateTime,
    ) -> StoreResult<RenewalOutcome> {
        let RenewalDecision {
            staff_id,
            decision,
            reason,
            paid,
        } = decision;
        let now_millis = unix_millis(now);
        let status = decision.resulting_status();
        let mut transaction = self.begin_write().await?;

        let row = sqlx::query(
            "UPDATE renewals SET status = $1, decision_reason = $2, decided_by = $3, \
             decided_at = $4, updated_at = $4, paid = COALESCE($5, paid) \
             WHERE id = $6 AND status = $7 RETURNING member_id, term, base_valid_until",
        )
        .bind(status.as_str())
        .bind(reason)
        .bind(staff_id)
        .bind(now_millis)
        .bind(paid.map(i64::from))
        .bind(id)
        .bind(ApplicationStatus::Submitted.as_str())
        .fetch_optional(&mut *transaction)
        .await?;
        let Some(row) = row else {
            return Err(StoreError::Conflict(
                "the renewal is not waiting for a decision",
            ));
        };
        let member_id: i64 = row.try_get("member_id")?;
        let base_valid_until: String = row.try_get("base_valid_until")?;
        let term: String = row.try_get("term")?;
        let term = Term::parse(&term)
            .ok_or_else(|| StoreError::InvalidStoredValue(format!("renewal term {term:?}")))?;

        let member_row = sqlx::query(&format!(
            "SELECT {MEMBER_COLUMNS} FROM members WHERE id = $1"
        ))
        .bind(member_id)
        .fetch_one(&mut *transaction)
        .await?;
        let mut member = MemberRecord::from_row(&member_row)?;

        let kind = match decision {
            Decision::Approve => {
                // A renewal extends the end date it was submitted against, never a later one.
                if format_date(member.valid_until) != base_valid_until {
                    return Err(StoreError::AlreadyRenewed);
                }
                let old = member.valid_until;
                let new = new_end_date(term, old, today);
                sqlx::query("UPDATE members SET valid_until = $1 WHERE id = $2")
                    .bind(format_date(new))
                    .bind(member_id)
                    .execute(&mut *transaction)
                    .await?;
                sqlx::query(
                    "UPDATE renewals SET old_valid_until = $1, new_valid_until = $2 WHERE id = $3",
                )
                .bind(format_date(old))
                .bind(format_date(new))
                .bind(id)
                .execute(&mut *transaction)
                .await?;
                adopt_renewal_uploads(&mut transaction, id, member.application_id, now_millis)
                    .await?;
                member.valid_until = new;
                queue_sync(&mut transaction, member_id, SyncReason::Renewed, now_millis).await?;
                OutboxKind::RenewalApproved
            }
            Decision::Reject => OutboxKind::RenewalRejected,
            Decision::RequestCorrection => OutboxKind::RenewalCorrectionRequested,
        };
        let message = NewMessage {
            member_id: Some(member_id),
            renewal_id: Some(id),
            ..NewMessage::about_application(kind, member.application_id)
        };
        insert_outbox(&mut transaction, message, now_millis, self.whatsapp).await?;

        transaction.commit().await?;
        Ok(RenewalOutcome { status, member })
    }

    pub async fn renewal(&self, id: i64) -> StoreResult<Option<RenewalRecord>> {
        let row = sqlx::query(&format!("{RENEWAL_SELECT} WHERE r.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(RenewalRecord::from_row).transpose()
    }

    /// Renewals in one status, oldest submission first.
    pub async fn list_renewals(
        &self,
        status: ApplicationStatus,
        limit: i64,
        offset: i64,
    ) -> StoreResult<Vec<RenewalRecord>> {
        let rows = sqlx::query(&format!(
            "{RENEWAL_SELECT} WHERE r.status = $1 ORDER BY r.submitted_at, r.id LIMIT $2 OFFSET $3"
        ))
        .bind(status.as_str())
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(RenewalRecord::from_row).collect()
    }

    pub async fn count_renewals(&self, status: ApplicationStatus) -> StoreResult<i64> {
        let count = sqlx::query_scalar("SELECT COUNT(*) FROM renewals WHERE status = $1")
            .bind(status.as_str())
            .fetch_one(&self.pool)
            .await?;
        Ok(count)
    }

    /// Returns a member's renewals, newest first: the membership history.
    pub async fn renewals_of_member(&self, member_id: i64) -> StoreResult<Vec<RenewalRecord>> {
        let rows = sqlx::query(&format!(
            "{RENEWAL_SELECT} WHERE r.member_id = $1 ORDER BY r.id DESC LIMIT 100"
        ))
        .bind(member_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(RenewalRecord::from_row).collect()
    }

    /// Current (not superseded) uploads of a renewal.
    pub async fn renewal_uploads(&self, renewal_id: i64) -> StoreResult<Vec<UploadRecord>> {
        let rows = sqlx::query(&format!(
            "SELECT {UPLOAD_COLUMNS} FROM uploads \
             WHERE renewal_id = $1 AND superseded_at IS NULL ORDER BY id"
        ))
        .bind(renewal_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(UploadRecord::from_row).collect()
    }

    /// Queues renewal reminders that are due on `today` and returns how many were queued.
    ///
    /// A member whose card ends within the largest of `days_before` is due the reminder of
    /// the smallest configured number of days not below the days left. Each reminder is
    /// queued once per member, end date and number of days. Members with an open renewal
    /// are skipped.
    pub async fn queue_due_reminders(
        &self,
        today: Date,
        days_before: &[u32],
        now: OffsetDateTime,
    ) -> StoreResult<usize> {
        let Some(&longest) = days_before.iter().max() else {
            return Ok(0);
        };
        let last_day = raline_domain::dates::add_days(today, longest);
        let rows = sqlx::query(
            "SELECT m.id, m.application_id, m.valid_until, \
             (SELECT MIN(x.days_before) FROM reminders x \
              WHERE x.member_id = m.id AND x.valid_until = m.valid_until) AS queued_days \
             FROM members m \
             WHERE m.valid_until >= $1 AND m.valid_until <= $2 \
             AND NOT EXISTS (SELECT 1 FROM renewals r WHERE r.member_id = m.id \
                             AND r.status IN ('submitted', 'needs_correction')) \
             ORDER BY m.valid_until, m.id",
        )
        .bind(format_date(today))
        .bind(format_date(last_day))
        .fetch_all(&self.pool)
        .await?;

        let mut queued = 0;
        for row in rows {
            let member_id: i64 = row.try_get("id")?;
            let application_id: i64 = row.try_get("application_id")?;
            let valid_until: String = row.try_get("valid_until")?;
            let days_left = (parse_date(&valid_until)? - today).whole_days();
            let Some(due) = days_before
                .iter()
                .copied()
                .filter(|&days| i64::from(days) >= days_left)
                .min()
            else {
                continue;
            };
            // A reminder for as few days or fewer is already queued for this end date.
            let queued_days: Option<i64> = row.try_get("queued_days")?;
            if queued_days.is_some_and(|days| days <= i64::from(due)) {
                continue;
            }

            let mut transaction = self.begin_write().await?;
            let inserted = sqlx::query(
                "INSERT INTO reminders (member_id, valid_until, days_before, created_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (member_id, valid_until, days_before) \
                 DO NOTHING",
            )
            .bind(member_id)
            .bind(&valid_until)
            .bind(i64::from(due))
            .bind(unix_millis(now))
            .execute(&mut *transaction)
            .await?;
            if inserted.rows_affected() == 1 {
                let message = NewMessage {
                    member_id: Some(member_id),
                    ..NewMessage::about_application(OutboxKind::RenewalReminder, application_id)
                };
                insert_outbox(&mut transaction, message, unix_millis(now), self.whatsapp).await?;
                queued += 1;
            }
            transaction.commit().await?;
        }
        Ok(queued)
    }
}

/// Moves a renewal's files onto the member's application, because the card and the staff
/// pages look for files there. Each replaces the application's current file of its slot.
async fn adopt_renewal_uploads(
    transaction: &mut sqlx::Transaction<'static, sqlx::Any>,
    renewal_id: i64,
    application_id: i64,
    now_millis: i64,
) -> StoreResult<()> {
    let slots: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT slot FROM uploads WHERE renewal_id = $1 AND superseded_at IS NULL",
    )
    .bind(renewal_id)
    .fetch_all(&mut **transaction)
    .await?;
    for slot in slots {
        if UploadSlot::parse(&slot).is_none() {
            return Err(StoreError::InvalidStoredValue(format!(
                "upload slot {slot:?}"
            )));
        }
        sqlx::query(
            "UPDATE uploads SET superseded_at = $1 \
             WHERE application_id = $2 AND slot = $3 AND superseded_at IS NULL",
        )
        .bind(now_millis)
        .bind(application_id)
        .bind(&slot)
        .execute(&mut **transaction)
        .await?;
    }
    sqlx::query(
        "UPDATE uploads SET application_id = $1 WHERE renewal_id = $2 AND superseded_at IS NULL",
    )
    .bind(application_id)
    .bind(renewal_id)
    .execute(&mut **transaction)
    .await?;
    Ok(())
}
