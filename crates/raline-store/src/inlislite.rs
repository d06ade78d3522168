//! Storage of the hand-over to INLISLite: the admin's lookup mapping, the
//! switch that turns the direct sync on, each member's sync state (the sync outbox) and
//! the import files staff downloaded.

use sqlx::{Any, Row, Transaction};
use time::{Date, OffsetDateTime};

use crate::{Store, StoreError, StoreResult, format_date, from_unix_millis, unix_millis};

/// `instance_settings` row whose value is `on` while the direct sync runs.
const SYNC_SWITCH: &str = "inlislite_sync";

/// Reason a member's sync was requested, shown to staff beside the state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncReason {
    Approved,
    Renewed,
    Contact,
    Identity,
    /// The member logged in and INLISLite's portal login gets the password.
    Portal,
    /// Staff asked again, or the sync was switched on for existing members.
    Staff,
}

impl SyncReason {
    pub const ALL: [SyncReason; 6] = [
        SyncReason::Approved,
        SyncReason::Renewed,
        SyncReason::Contact,
        SyncReason::Identity,
        SyncReason::Portal,
        SyncReason::Staff,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SyncReason::Approved => "approved",
            SyncReason::Renewed => "renewed",
            SyncReason::Contact => "contact",
            SyncReason::Identity => "identity",
            SyncReason::Portal => "portal",
            SyncReason::Staff => "staff",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|reason| reason.as_str() == value)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncState {
    /// Waiting for the worker, possibly after a failure it retries (INLISLite down).
    Pending,
    Synced,
    /// Stopped until staff act: a missing mapping, a name the table cannot hold, a number
    /// taken by someone else.
    Failed,
}

impl SyncState {
    pub fn as_str(self) -> &'static str {
        match self {
            SyncState::Pending => "pending",
            SyncState::Synced => "synced",
            SyncState::Failed => "failed",
        }
    }

    fn parse(value: &str) -> StoreResult<Self> {
        match value {
            "pending" => Ok(SyncState::Pending),
            "synced" => Ok(SyncState::Synced),
            "failed" => Ok(SyncState::Failed),
            other => Err(StoreError::InvalidStoredValue(format!(
                "sync state {other:?}"
            ))),
        }
    }
}

/// One member's sync state as staff see it.
#[derive(Debug, Clone)]
pub struct SyncStatus {
    pub member_id: i64,
    pub member_number: String,
    pub state: SyncState,
    pub reason: SyncReason,
    /// Attempts since the last request, including one in progress.
    pub attempts: i64,
    pub next_attempt_at: OffsetDateTime,
    pub last_attempt_at: Option<OffsetDateTime>,
    pub last_error_code: Option<String>,
    pub last_error: Option<String>,
    pub inlislite_id: Option<i64>,
    /// The number INLISLite held before the sync renumbered the member to RALINE's.
    pub previous_member_number: Option<String>,
    pub synced_at: Option<OffsetDateTime>,
    pub updated_at: OffsetDateTime,
}

const STATUS_SELECT: &str = "SELECT s.member_id, m.member_number, s.state, s.reason, s.attempts, \
    s.next_attempt_at, s.last_attempt_at, s.last_error_code, s.last_error, s.inlislite_id, \
    s.previous_member_number, s.synced_at, s.updated_at FROM inlislite_sync s JOIN members m ON m.id = s.member_id";

fn optional_time(row: &sqlx::any::AnyRow, column: &str) -> StoreResult<Option<OffsetDateTime>> {
    let millis: Option<i64> = row.try_get(column)?;
    millis.map(from_unix_millis).transpose()
}

impl SyncStatus {
    fn from_row(row: &sqlx::any::AnyRow) -> StoreResult<Self> {
        let state: String = row.try_get("state")?;
        let reason: String = row.try_get("reason")?;
        Ok(SyncStatus {
            member_id: row.try_get("member_id")?,
            member_number: row.try_get("member_number")?,
            state: SyncState::parse(&state)?,
            reason: SyncReason::parse(&reason)
                .ok_or_else(|| StoreError::InvalidStoredValue(format!("sync reason {reason:?}")))?,
            attempts: row.try_get("attempts")?,
            next_attempt_at: from_unix_millis(row.try_get("next_attempt_at")?)?,
            last_attempt_at: optional_time(row, "last_attempt_at")?,
            last_error_code: row.try_get("last_error_code")?,
            last_error: row.try_get("last_error")?,
            inlislite_id: row.try_get("inlislite_id")?,
            previous_member_number: row.try_get("previous_member_number")?,
            synced_at: optional_time(row, "synced_at")?,
            updated_at: from_unix_millis(row.try_get("updated_at")?)?,
        })
    }
}

/// A member claimed by one sync worker.
#[derive(Debug, Clone)]
pub struct SyncClaim {
    pub member_id: i64,
    /// The request generation this sync writes; a newer request leaves the row due again.
    pub generation: i64,
    pub attempts: i64,
    /// Set when INLISLite's portal login should get the member's password.
    pub portal_password_sha1: Option<String>,
    /// INLISLite's `members.ID` from the last successful sync, which identifies the row
    /// even after the member's identity number changed.
    pub inlislite_id: Option<i64>,
}

/// Member counts per sync state, for the staff overview.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncCounts {
    pub pending: i64,
    /// Pending members whose last attempt failed (INLISLite unreachable, say).
    pub retrying: i64,
    pub synced: i64,
    pub failed: i64,
    /// Members with no sync row: approved while the sync was off.
    pub never: i64,
}

/// The admin's choice of lookup row for one RALINE value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMapping {
    /// `raline_inlislite::Category::as_str`.
    pub category: String,
    pub raline_value: String,
    pub lookup_id: i64,
    pub lookup_name: String,
    pub updated_by: String,
    pub updated_at: OffsetDateTime,
}

/// One row of the mapping screen: category, RALINE value, and the chosen lookup row (id
/// and name), or `None` to remove the choice.
pub type MappingChange = (String, String, Option<(i64, String)>);

/// Selection of the members an import file contains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportSelection {
    /// Members in no earlier file.
    New,
    /// Members registered between two WIB dates, both included.
    Range { from: Date, to: Date },
}

/// An import file made by staff.
#[derive(Debug, Clone)]
pub struct ExportRecord {
    pub id: i64,
    pub staff_username: String,
    pub selection: String,
    pub from_date: Option<String>,
    pub to_date: Option<String>,
    pub member_count: i64,
    pub created_at: OffsetDateTime,
}

/// Queues a sync of `member_id` in the caller's transaction when the sync is switched on.
/// The check reads the switch in the same transaction, so every node agrees without a
/// restart.
pub(crate) async fn queue_sync(
    transaction: &mut Transaction<'static, Any>,
    member_id: i64,
    reason: SyncReason,
    now_millis: i64,
) -> StoreResult<()> {
    sqlx::query(&format!(
        "INSERT INTO inlislite_sync (member_id, state, reason, generation, attempts, \
         next_attempt_at, created_at, updated_at) \
         SELECT $1, 'pending', $2, 1, 0, $3, $3, $3 \
         WHERE EXISTS (SELECT 1 FROM instance_settings WHERE name = '{SYNC_SWITCH}' \
         AND value = 'on') \
         ON CONFLICT (member_id) DO UPDATE SET state = 'pending', reason = excluded.reason, \
         generation = inlislite_sync.generation + 1, attempts = 0, \
         next_attempt_at = excluded.next_attempt_at, updated_at = excluded.updated_at"
    ))
    .bind(member_id)
    .bind(reason.as_str())
    .bind(now_millis)
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

impl Store {
    /// Returns whether the direct sync is switched on.
    pub async fn inlislite_sync_enabled(&self) -> StoreResult<bool> {
        let value: Option<String> =
            sqlx::query_scalar("SELECT value FROM instance_settings WHERE name = $1")
                .bind(SYNC_SWITCH)
                .fetch_optional(&self.pool)
                .await?;
        Ok(value.as_deref() == Some("on"))
    }

    /// Switches the direct sync on or off. Switching on queues every member not yet synced,
    /// so members approved before are handed over too; returns how many were queued.
    pub async fn set_inlislite_sync(&self, on: bool, now: OffsetDateTime) -> StoreResult<u64> {
        let now_millis = unix_millis(now);
        let mut transaction = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO instance_settings (name, value) VALUES ($1, $2) \
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        )
        .bind(SYNC_SWITCH)
        .bind(if on { "on" } else { "off" })
        .execute(&mut *transaction)
        .await?;
        let mut queued = 0;
        if on {
            queued = sqlx::query(
                "INSERT INTO inlislite_sync (member_id, state, reason, generation, attempts, \
                 next_attempt_at, created_at, updated_at) \
                 SELECT id, 'pending', 'staff', 1, 0, $1, $1, $1 FROM members \
                 WHERE id NOT IN (SELECT member_id FROM inlislite_sync) \
                 ON CONFLICT (member_id) DO NOTHING",
            )
            .bind(now_millis)
            .execute(&mut *transaction)
            .await?
            .rows_affected();
        }
        transaction.commit().await?;
        Ok(queued)
    }

    /// Asks for a new sync of one member, from a staff button.
    pub async fn request_inlislite_sync(
        &self,
        member_id: i64,
        reason: SyncReason,
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        let mut transaction = self.begin_write().await?;
        queue_sync(&mut transaction, member_id, reason, unix_millis(now)).await?;
        transaction.commit().await?;
        Ok(())
    }

    /// Asks for a new sync of every member, for example after INLISLite's database was
    /// restored from a backup. Does nothing while the sync is off.
    pub async fn request_inlislite_sync_all(&self, now: OffsetDateTime) -> StoreResult<u64> {
        let result = sqlx::query(&format!(
            "INSERT INTO inlislite_sync (member_id, state, reason, generation, attempts, \
             next_attempt_at, created_at, updated_at) \
             SELECT id, 'pending', 'staff', 1, 0, $1, $1, $1 FROM members \
             WHERE EXISTS (SELECT 1 FROM instance_settings WHERE name = '{SYNC_SWITCH}' \
             AND value = 'on') \
             ON CONFLICT (member_id) DO UPDATE SET state = 'pending', reason = 'staff', \
             generation = inlislite_sync.generation + 1, attempts = 0, \
             next_attempt_at = excluded.next_attempt_at, updated_at = excluded.updated_at"
        ))
        .bind(unix_millis(now))
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected())
    }

    /// Puts failed members back in the queue, after the admin fixed what stopped them.
    pub async fn retry_failed_inlislite_syncs(&self, now: OffsetDateTime) -> StoreResult<u64> {
        let result = sqlx::query(
            "UPDATE inlislite_sync SET state = 'pending', reason = 'staff', attempts = 0, \
             generation = generation + 1, next_attempt_at = $1, updated_at = $1 \
             WHERE state = 'failed'",
        )
        .bind(unix_millis(now))
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected())
    }

    /// Hands INLISLite's portal login the member's password, as SHA-1 (all INLISLite reads).
    /// Kept only until the worker wrote it.
    pub async fn request_inlislite_portal_password(
        &self,
        member_id: i64,
        password_sha1: &str,
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        let mut transaction = self.begin_write().await?;
        queue_sync(
            &mut transaction,
            member_id,
            SyncReason::Portal,
            unix_millis(now),
        )
        .await?;
        sqlx::query("UPDATE inlislite_sync SET portal_password_sha1 = $1 WHERE member_id = $2")
            .bind(password_sha1)
            .bind(member_id)
            .execute(&mut *transaction)
            .await?;
        transaction.commit().await?;
        Ok(())
    }

    /// Claims the member whose sync is due longest, or one whose claim expired (its worker
    /// died), for `lease`. Only one worker syncs a member at a time.
    pub async fn claim_inlislite_sync(
        &self,
        now: OffsetDateTime,
        lease: time::Duration,
        worker: &str,
    ) -> StoreResult<Option<SyncClaim>> {
        let due = "state = 'pending' AND next_attempt_at <= $2 \
                   AND (locked_until IS NULL OR locked_until < $2)";
        let lock = match self.backend {
            crate::Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            crate::Backend::Sqlite => "",
        };
        let row = sqlx::query(&format!(
            "UPDATE inlislite_sync SET locked_until = $1, claimed_by = $3, \
             claimed_generation = generation, attempts = attempts + 1, last_attempt_at = $2 \
             WHERE member_id = (SELECT member_id FROM inlislite_sync WHERE {due} \
                                ORDER BY next_attempt_at, member_id LIMIT 1 {lock}) \
             AND {due} \
             RETURNING member_id, generation, attempts, portal_password_sha1, inlislite_id"
        ))
        .bind(unix_millis(now + lease))
        .bind(unix_millis(now))
        .bind(worker)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(SyncClaim {
                member_id: row.try_get("member_id")?,
                generation: row.try_get("generation")?,
                attempts: row.try_get("attempts")?,
                portal_password_sha1: row.try_get("portal_password_sha1")?,
                inlislite_id: row.try_get("inlislite_id")?,
            })
        })
        .transpose()
    }

    /// Records a finished sync. A request that arrived meanwhile leaves the member due.
    /// `previous_member_number` is INLISLite's old number when this sync renumbered the
    /// member; once recorded it stays for staff.
    pub async fn finish_inlislite_sync(
        &self,
        claim: &SyncClaim,
        worker: &str,
        inlislite_id: i64,
        previous_member_number: Option<&str>,
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE inlislite_sync SET \
             state = CASE WHEN generation = $1 THEN 'synced' ELSE 'pending' END, \
             attempts = CASE WHEN generation = $1 THEN attempts ELSE 0 END, \
             synced_generation = $1, synced_at = $2, inlislite_id = $3, locked_until = NULL, \
             last_error_code = NULL, last_error = NULL, next_attempt_at = $2, updated_at = $2, \
             portal_password_sha1 = CASE WHEN portal_password_sha1 = $4 THEN NULL \
             ELSE portal_password_sha1 END, \
             previous_member_number = COALESCE($7, previous_member_number) \
             WHERE member_id = $5 AND claimed_by = $6",
        )
        .bind(claim.generation)
        .bind(unix_millis(now))
        .bind(inlislite_id)
        .bind(claim.portal_password_sha1.as_deref())
        .bind(claim.member_id)
        .bind(worker)
        .bind(previous_member_number)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records a failure the worker retries at `next_attempt` (INLISLite down, a timeout).
    pub async fn retry_inlislite_sync(
        &self,
        claim: &SyncClaim,
        worker: &str,
        code: &str,
        error: &str,
        next_attempt: OffsetDateTime,
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE inlislite_sync SET locked_until = NULL, last_error_code = $1, \
             last_error = $2, next_attempt_at = $3, updated_at = $4 \
             WHERE member_id = $5 AND claimed_by = $6",
        )
        .bind(code)
        .bind(error)
        .bind(unix_millis(next_attempt))
        .bind(unix_millis(now))
        .bind(claim.member_id)
        .bind(worker)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records a failure only staff can resolve. A request that arrived meanwhile is tried
    /// once more, since it may have changed what failed (a corrected name). A waiting portal
    /// password is dropped, so no SHA-1 stays behind while the member is stopped; the
    /// member's next login hands it over again.
    pub async fn fail_inlislite_sync(
        &self,
        claim: &SyncClaim,
        worker: &str,
        code: &str,
        error: &str,
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE inlislite_sync SET \
             state = CASE WHEN generation = $1 THEN 'failed' ELSE 'pending' END, \
             locked_until = NULL, last_error_code = $2, last_error = $3, next_attempt_at = $4, \
             updated_at = $4, portal_password_sha1 = NULL \
             WHERE member_id = $5 AND claimed_by = $6",
        )
        .bind(claim.generation)
        .bind(code)
        .bind(error)
        .bind(unix_millis(now))
        .bind(claim.member_id)
        .bind(worker)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// When the next pending member is due, for the worker's sleep.
    pub async fn next_inlislite_sync_due(&self) -> StoreResult<Option<OffsetDateTime>> {
        let millis: Option<i64> = sqlx::query_scalar(
            "SELECT MIN(CASE WHEN locked_until IS NOT NULL AND locked_until > next_attempt_at \
             THEN locked_until ELSE next_attempt_at END) FROM inlislite_sync \
             WHERE state = 'pending'",
        )
        .fetch_one(&self.pool)
        .await?;
        millis.map(from_unix_millis).transpose()
    }

    pub async fn inlislite_sync_status(&self, member_id: i64) -> StoreResult<Option<SyncStatus>> {
        let row = sqlx::query(&format!("{STATUS_SELECT} WHERE s.member_id = $1"))
            .bind(member_id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(SyncStatus::from_row).transpose()
    }

    /// Members whose sync failed or keeps failing, newest first, at most `limit`.
    pub async fn inlislite_sync_problems(&self, limit: i64) -> StoreResult<Vec<SyncStatus>> {
        let rows = sqlx::query(&format!(
            "{STATUS_SELECT} WHERE s.state = 'failed' \
             OR (s.state = 'pending' AND s.last_error_code IS NOT NULL) \
             ORDER BY s.updated_at DESC, s.member_id LIMIT $1"
        ))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(SyncStatus::from_row).collect()
    }

    pub async fn inlislite_sync_counts(&self) -> StoreResult<SyncCounts> {
        let row = sqlx::query(
            "SELECT \
             COALESCE(SUM(CASE WHEN s.state = 'pending' THEN 1 ELSE 0 END), 0) AS pending, \
             COALESCE(SUM(CASE WHEN s.state = 'pending' AND s.last_error_code IS NOT NULL \
                 THEN 1 ELSE 0 END), 0) AS retrying, \
             COALESCE(SUM(CASE WHEN s.state = 'synced' THEN 1 ELSE 0 END), 0) AS synced, \
             COALESCE(SUM(CASE WHEN s.state = 'failed' THEN 1 ELSE 0 END), 0) AS failed, \
             COALESCE(SUM(CASE WHEN s.member_id IS NULL THEN 1 ELSE 0 END), 0) AS never \
             FROM members m LEFT JOIN inlislite_sync s ON s.member_id = m.id",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(SyncCounts {
            pending: row.try_get("pending")?,
            retrying: row.try_get("retrying")?,
            synced: row.try_get("synced")?,
            failed: row.try_get("failed")?,
            never: row.try_get("never")?,
        })
    }

    pub async fn inlislite_mappings(&self) -> StoreResult<Vec<StoredMapping>> {
        let rows = sqlx::query(
            "SELECT category, raline_value, lookup_id, lookup_name, updated_by, updated_at \
             FROM inlislite_mappings ORDER BY category, raline_value",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(StoredMapping {
                    category: row.try_get("category")?,
                    raline_value: row.try_get("raline_value")?,
                    lookup_id: row.try_get("lookup_id")?,
                    lookup_name: row.try_get("lookup_name")?,
                    updated_by: row.try_get("updated_by")?,
                    updated_at: from_unix_millis(row.try_get("updated_at")?)?,
                })
            })
            .collect()
    }

    /// Saves the admin's mapping in one transaction: `Some` sets a value's lookup row,
    /// `None` removes it. Any change queues every synced or stopped member again, because a
    /// changed row changes what INLISLite should hold; members whose ids did not change are
    /// compared and left unwritten.
    pub async fn save_inlislite_mappings(
        &self,
        changes: &[MappingChange],
        updated_by: &str,
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        let now_millis = unix_millis(now);
        let mut transaction = self.begin_write().await?;
        for (category, value, row) in changes {
            match row {
                Some((id, name)) => {
                    sqlx::query(
                        "INSERT INTO inlislite_mappings (category, raline_value, lookup_id, \
                         lookup_name, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
                         ON CONFLICT (category, raline_value) DO UPDATE SET \
                         lookup_id = excluded.lookup_id, lookup_name = excluded.lookup_name, \
                         updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                    )
                    .bind(category)
                    .bind(value)
                    .bind(id)
                    .bind(name)
                    .bind(updated_by)
                    .bind(now_millis)
                    .execute(&mut *transaction)
                    .await?;
                }
                None => {
                    sqlx::query(
                        "DELETE FROM inlislite_mappings WHERE category = $1 AND raline_value = $2",
                    )
                    .bind(category)
                    .bind(value)
                    .execute(&mut *transaction)
                    .await?;
                }
            }
        }
        if !changes.is_empty() {
            sqlx::query(
                "UPDATE inlislite_sync SET state = 'pending', reason = 'staff', attempts = 0, \
                 generation = generation + 1, next_attempt_at = $1, updated_at = $1",
            )
            .bind(now_millis)
            .execute(&mut *transaction)
            .await?;
        }
        transaction.commit().await?;
        Ok(())
    }

    /// Lists the values members use, per category, for the mapping check: identity types,
    /// member types, occupations, education, religions and marital statuses.
    pub async fn inlislite_used_values(&self) -> StoreResult<Vec<(String, String)>> {
        let rows = sqlx::query(
            "SELECT DISTINCT 'identity_type' AS category, a.identity_type AS value \
             FROM members m JOIN applications a ON a.id = m.application_id \
             UNION SELECT DISTINCT 'member_type', m.member_type FROM members m \
             UNION SELECT DISTINCT 'occupation', a.occupation \
             FROM members m JOIN applications a ON a.id = m.application_id \
             UNION SELECT DISTINCT 'education', a.education \
             FROM members m JOIN applications a ON a.id = m.application_id \
             UNION SELECT DISTINCT 'religion', a.religion \
             FROM members m JOIN applications a ON a.id = m.application_id \
             WHERE a.religion IS NOT NULL \
             UNION SELECT DISTINCT 'marital_status', a.marital_status \
             FROM members m JOIN applications a ON a.id = m.application_id \
             WHERE a.marital_status IS NOT NULL",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut values: Vec<(String, String)> = rows
            .iter()
            .map(|row| Ok((row.try_get("category")?, row.try_get("value")?)))
            .collect::<StoreResult<_>>()?;
        values.sort();
        Ok(values)
    }

    /// Records an import file and the members it holds, chosen in the same transaction so
    /// two staff exporting "new members" at once do not both take the same members.
    /// Returns the export id and the member ids, ordered by member number.
    pub async fn create_inlislite_export(
        &self,
        staff_id: i64,
        selection: ExportSelection,
        now: OffsetDateTime,
    ) -> StoreResult<(i64, Vec<i64>)> {
        let now_millis = unix_millis(now);
        let mut transaction = self.begin_write().await?;
        let (kind, from, to) = match selection {
            ExportSelection::New => ("new", None, None),
            ExportSelection::Range { from, to } => {
                ("range", Some(format_date(from)), Some(format_date(to)))
            }
        };
        let member_ids: Vec<i64> = match selection {
            ExportSelection::New => {
                sqlx::query_scalar(
                    "SELECT id FROM members WHERE id NOT IN \
                     (SELECT member_id FROM inlislite_export_members) ORDER BY member_number",
                )
                .fetch_all(&mut *transaction)
                .await?
            }
            ExportSelection::Range { .. } => {
                sqlx::query_scalar(
                    "SELECT id FROM members WHERE registered_on >= $1 AND registered_on <= $2 \
                     ORDER BY member_number",
                )
                .bind(&from)
                .bind(&to)
                .fetch_all(&mut *transaction)
                .await?
            }
        };
        let export_id: i64 = sqlx::query_scalar(
            "INSERT INTO inlislite_exports (staff_id, selection, from_date, to_date, \
             member_count, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(staff_id)
        .bind(kind)
        .bind(&from)
        .bind(&to)
        .bind(i64::try_from(member_ids.len()).unwrap_or(i64::MAX))
        .bind(now_millis)
        .fetch_one(&mut *transaction)
        .await?;
        for member_id in &member_ids {
            sqlx::query(
                "INSERT INTO inlislite_export_members (export_id, member_id) VALUES ($1, $2)",
            )
            .bind(export_id)
            .bind(member_id)
            .execute(&mut *transaction)
            .await?;
        }
        transaction.commit().await?;
        Ok((export_id, member_ids))
    }

    /// Counts the members an export of `selection` would contain now.
    pub async fn count_inlislite_export(&self, selection: ExportSelection) -> StoreResult<i64> {
        let count = match selection {
            ExportSelection::New => {
                sqlx::query_scalar(
                    "SELECT COUNT(*) FROM members WHERE id NOT IN \
                     (SELECT member_id FROM inlislite_export_members)",
                )
                .fetch_one(&self.pool)
                .await?
            }
            ExportSelection::Range { from, to } => {
                sqlx::query_scalar(
                    "SELECT COUNT(*) FROM members WHERE registered_on >= $1 \
                     AND registered_on <= $2",
                )
                .bind(format_date(from))
                .bind(format_date(to))
                .fetch_one(&self.pool)
                .await?
            }
        };
        Ok(count)
    }

    pub async fn inlislite_exports(&self, limit: i64) -> StoreResult<Vec<ExportRecord>> {
        let rows = sqlx::query(
            "SELECT e.id, s.username, e.selection, e.from_date, e.to_date, e.member_count, \
             e.created_at FROM inlislite_exports e JOIN staff s ON s.id = e.staff_id \
             ORDER BY e.id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(export_from_row).collect()
    }

    pub async fn inlislite_export(&self, id: i64) -> StoreResult<Option<(ExportRecord, Vec<i64>)>> {
        let row = sqlx::query(
            "SELECT e.id, s.username, e.selection, e.from_date, e.to_date, e.member_count, \
             e.created_at FROM inlislite_exports e JOIN staff s ON s.id = e.staff_id \
             WHERE e.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let members: Vec<i64> = sqlx::query_scalar(
            "SELECT x.member_id FROM inlislite_export_members x \
             JOIN members m ON m.id = x.member_id WHERE x.export_id = $1 \
             ORDER BY m.member_number",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        Ok(Some((export_from_row(&row)?, members)))
    }

    /// Lists the import files that contained a member, newest first, so staff see it was
    /// exported.
    pub async fn inlislite_exports_of_member(&self, member_id: i64) -> StoreResult<Vec<i64>> {
        let ids = sqlx::query_scalar(
            "SELECT export_id FROM inlislite_export_members WHERE member_id = $1 \
             ORDER BY export_id DESC",
        )
        .bind(member_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(ids)
    }
}

fn export_from_row(row: &sqlx::any::AnyRow) -> StoreResult<ExportRecord> {
    Ok(ExportRecord {
        id: row.try_get("id")?,
        staff_username: row.try_get("username")?,
        selection: row.try_get("selection")?,
        from_date: row.try_get("from_date")?,
        to_date: row.try_get("to_date")?,
        member_count: row.try_get("member_count")?,
        created_at: from_unix_millis(row.try_get("created_at")?)?,
    })
}
