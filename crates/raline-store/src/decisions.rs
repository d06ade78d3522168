//! Staff decisions. Approval issues the member in the same transaction.

use raline_domain::Sex;
use raline_domain::member_number::{NumberPattern, NumberScheme, Numbering, is_code39_safe};
use raline_domain::{ApplicationStatus, Decision};
use sqlx::Row;
use time::{Date, OffsetDateTime};

use crate::applications::next_counter_value_from;
use crate::inlislite::{SyncReason, queue_sync};
use crate::outbox::{NewMessage, OutboxKind, insert_outbox};
use crate::records::{DecisionRecord, MEMBER_COLUMNS};
use crate::{
    MemberRecord, Store, StoreError, StoreResult, format_date, from_unix_millis, unix_millis,
};

/// Approval data besides the application: the WIB date of issue and the validity of
/// the member type in days.
#[derive(Debug, Clone, Copy)]
pub struct Approval<'a> {
    pub registered_on: Date,
    pub validity_days: u32,
    /// Lowest daily sequence the member number may take, 1 when no other system issues
    /// numbers of the same form. Set above the numbers INLISLite already holds, so the two
    /// systems never hand out one number twice.
    pub min_sequence: u32,
    /// The library's numbering scheme and location prefix.
    pub numbering: Numbering<'a>,
}

#[derive(Debug, Clone)]
pub struct DecisionOutcome {
    pub status: ApplicationStatus,
    pub member: Option<MemberRecord>,
}

impl Store {
    /// Records a decision on a submitted application in one transaction: the status change,
    /// the decision row, the member (on approval) and the outbox message for the applicant.
    ///
    /// Returns `Conflict` when the application is no longer waiting for a decision, so two
    /// staff deciding at once cannot both succeed.
    pub async fn decide(
        &self,
        application_id: i64,
        staff_id: i64,
        decision: Decision,
        reason: Option<&str>,
        approval: Option<Approval<'_>>,
        now: OffsetDateTime,
    ) -> StoreResult<DecisionOutcome> {
        let now_millis = unix_millis(now);
        let status = decision.resulting_status();
        let mut transaction = self.begin_write().await?;

        let updated = sqlx::query(
            "UPDATE applications SET status = $1, decision_reason = $2, updated_at = $3 \
             WHERE id = $4 AND status = $5",
        )
        .bind(status.as_str())
        .bind(reason)
        .bind(now_millis)
        .bind(application_id)
        .bind(ApplicationStatus::Submitted.as_str())
        .execute(&mut *transaction)
        .await?;
        if updated.rows_affected() != 1 {
            return Err(StoreError::Conflict(
                "the application is not waiting for a decision",
            ));
        }

        sqlx::query(
            "INSERT INTO decisions (application_id, staff_id, decision, reason, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(application_id)
        .bind(staff_id)
        .bind(decision.as_str())
        .bind(reason)
        .bind(now_millis)
        .execute(&mut *transaction)
        .await?;

        let mut member = None;
        if decision == Decision::Approve {
            let approval = approval.ok_or(StoreError::Conflict("approval needs a validity"))?;
            let member_number =
                assign_member_number(&mut transaction, application_id, &approval).await?;
            let valid_until =
                raline_domain::dates::add_days(approval.registered_on, approval.validity_days);

            // The unique index on members' own identity numbers decides between concurrent
            // approvals of two applications of one person.
            let row = sqlx::query(&format!(
                "INSERT INTO members (member_number, application_id, identity_number, \
                 email_normalized, full_name, member_type, registered_on, valid_until, \
                 uses_guardian_identity, password_hash, email, phone, phone_e164, \
                 email_verified_at, whatsapp_opt_out, created_at) \
                 SELECT $1, id, identity_number, email_normalized, full_name, member_type, $2, $3, \
                 CASE WHEN guardian_name IS NULL THEN 0 ELSE 1 END, password_hash, email, phone, \
                 phone_e164, email_verified_at, whatsapp_opt_out, $4 \
                 FROM applications WHERE id = $5 \
                 RETURNING {MEMBER_COLUMNS}"
            ))
            .bind(&member_number)
            .bind(format_date(approval.registered_on))
            .bind(format_date(valid_until))
            .bind(now_millis)
            .bind(application_id)
            .fetch_one(&mut *transaction)
            .await
            .map_err(|error| match StoreError::from(error) {
                error if error.is_unique_violation() => StoreError::IdentityAlreadyMember,
                error => error,
            })?;
            let record = MemberRecord::from_row(&row)?;
            queue_sync(
                &mut transaction,
                record.id,
                SyncReason::Approved,
                now_millis,
            )
            .await?;
            member = Some(record);
        }

        let kind = match decision {
            Decision::Approve => OutboxKind::CardIssued,
            Decision::Reject => OutboxKind::Rejected,
            Decision::RequestCorrection => OutboxKind::CorrectionRequested,
        };
        let message = NewMessage {
            member_id: member.as_ref().map(|m| m.id),
            ..NewMessage::about_application(kind, application_id)
        };
        insert_outbox(&mut transaction, message, now_millis, self.whatsapp).await?;

        transaction.commit().await?;
        Ok(DecisionOutcome { status, member })
    }

    /// Decisions on an application, oldest first, with the staff member's user name.
    pub async fn decisions_for(&self, application_id: i64) -> StoreResult<Vec<DecisionRecord>> {
        let rows = sqlx::query(
            "SELECT d.decision, d.reason, d.created_at, s.username FROM decisions d \
             JOIN staff s ON s.id = d.staff_id WHERE d.application_id = $1 ORDER BY d.id",
        )
        .bind(application_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(DecisionRecord {
                    decision: row.try_get("decision")?,
                    reason: row.try_get("reason")?,
                    staff_username: row.try_get("username")?,
                    created_at: from_unix_millis(row.try_get("created_at")?)?,
                })
            })
            .collect()
    }

    pub async fn member_by_number(&self, member_number: &str) -> StoreResult<Option<MemberRecord>> {
        let row = sqlx::query(&format!(
            "SELECT {MEMBER_COLUMNS} FROM members WHERE member_number = $1"
        ))
        .bind(member_number)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(MemberRecord::from_row).transpose()
    }

    pub async fn member(&self, id: i64) -> StoreResult<Option<MemberRecord>> {
        let row = sqlx::query(&format!(
            "SELECT {MEMBER_COLUMNS} FROM members WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(MemberRecord::from_row).transpose()
    }

    pub async fn member_for_application(
        &self,
        application_id: i64,
    ) -> StoreResult<Option<MemberRecord>> {
        let row = sqlx::query(&format!(
            "SELECT {MEMBER_COLUMNS} FROM members WHERE application_id = $1"
        ))
        .bind(application_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(MemberRecord::from_row).transpose()
    }
}

/// Gives the next number of the library's scheme to the applicant being approved.
///
/// The identity-number scheme falls back to the daily sequence for a child registered with
/// a parent's KTP (the number is the parent's) and for identity numbers a Code 39 barcode
/// cannot print.
async fn assign_member_number(
    transaction: &mut sqlx::Transaction<'static, sqlx::Any>,
    application_id: i64,
    approval: &Approval<'_>,
) -> StoreResult<String> {
    let row =
        sqlx::query("SELECT sex, identity_number, guardian_name FROM applications WHERE id = $1")
            .bind(application_id)
            .fetch_one(&mut **transaction)
            .await?;
    let sex: String = row.try_get("sex")?;
    let sex =
        Sex::parse(&sex).ok_or_else(|| StoreError::InvalidStoredValue(format!("sex {sex:?}")))?;
    let identity_number: String = row.try_get("identity_number")?;
    let guardian_name: Option<String> = row.try_get("guardian_name")?;

    let mut numbering = approval.numbering;
    if numbering.scheme == NumberScheme::IdentityNumber {
        let number = identity_number.to_uppercase();
        if guardian_name.is_none() && is_code39_safe(&number) {
            return Ok(number);
        }
        numbering.scheme = NumberScheme::Daily;
    }
    let pattern = NumberPattern::for_member(numbering, approval.registered_on, sex).ok_or(
        StoreError::Conflict("the numbering scheme gives no pattern"),
    )?;
    let sequence = next_counter_value_from(
        transaction,
        &pattern.counter_name(),
        i64::from(approval.min_sequence.max(1)),
    )
    .await?;
    u32::try_from(sequence)
        .ok()
        .and_then(|sequence| pattern.format(sequence))
        .ok_or_else(|| StoreError::MemberNumbersExhausted(pattern.counter_name()))
}
