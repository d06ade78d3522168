//! Staff accounts, browser sessions and API tokens.

use sqlx::Row;
use time::OffsetDateTime;

use crate::{Store, StoreError, StoreResult, hash_token, random_token, unix_millis};

/// Role of a staff member. Admins also manage staff, and both roles verify applications.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffRole {
    Admin,
    Verifier,
}

impl StaffRole {
    pub fn as_str(self) -> &'static str {
        match self {
            StaffRole::Admin => "admin",
            StaffRole::Verifier => "verifier",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "admin" => Some(StaffRole::Admin),
            "verifier" => Some(StaffRole::Verifier),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct StaffRecord {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
    pub role: StaffRole,
    pub disabled: bool,
}

/// A logged-in browser session with its CSRF token.
#[derive(Debug, Clone)]
pub struct StaffSession {
    pub staff: StaffRecord,
    pub csrf_token: String,
    pub expires_at: i64,
}

fn staff_from_row(row: &sqlx::any::AnyRow) -> StoreResult<StaffRecord> {
    let role: String = row.try_get("role")?;
    let disabled_at: Option<i64> = row.try_get("disabled_at")?;
    Ok(StaffRecord {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        password_hash: row.try_get("password_hash")?,
        role: StaffRole::parse(&role)
            .ok_or_else(|| StoreError::InvalidStoredValue(format!("staff role {role:?}")))?,
        disabled: disabled_at.is_some(),
    })
}

const STAFF_COLUMNS: &str = "staff.id, staff.username, staff.password_hash, staff.role, \
                             staff.disabled_at";

impl Store {
    /// Creates a staff account, or replaces the password and role of an existing one so that
    /// `raline staff add` can also reset a forgotten password.
    pub async fn upsert_staff(
        &self,
        username: &str,
        password_hash: &str,
        role: StaffRole,
        now: OffsetDateTime,
    ) -> StoreResult<i64> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO staff (username, password_hash, role, created_at) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (username) DO UPDATE \
             SET password_hash = excluded.password_hash, role = excluded.role, disabled_at = NULL \
             RETURNING id",
        )
        .bind(username)
        .bind(password_hash)
        .bind(role.as_str())
        .bind(unix_millis(now))
        .fetch_one(&self.pool)
        .await?;

        // A reset password must also end the sessions opened with the old one.
        sqlx::query("DELETE FROM staff_sessions WHERE staff_id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(id)
    }

    pub async fn staff_by_username(&self, username: &str) -> StoreResult<Option<StaffRecord>> {
        let row = sqlx::query(&format!(
            "SELECT {STAFF_COLUMNS} FROM staff WHERE username = $1"
        ))
        .bind(username)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(staff_from_row).transpose()
    }

    /// Opens a session and returns the cookie secret; only its hash is stored.
    pub async fn create_session(
        &self,
        staff_id: i64,
        now: OffsetDateTime,
        lifetime: time::Duration,
    ) -> StoreResult<String> {
        let token = random_token();
        sqlx::query(
            "INSERT INTO staff_sessions (token_hash, staff_id, csrf_token, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(hash_token(&token))
        .bind(staff_id)
        .bind(random_token())
        .bind(unix_millis(now))
        .bind(unix_millis(now + lifetime))
        .execute(&self.pool)
        .await?;
        Ok(token)
    }

    /// Finds a live session by its cookie secret. Expired sessions and disabled staff give
    /// `None`.
    pub async fn session(
        &self,
        token: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Option<StaffSession>> {
        let row = sqlx::query(&format!(
            "SELECT {STAFF_COLUMNS}, s.csrf_token, s.expires_at FROM staff_sessions s \
             JOIN staff ON staff.id = s.staff_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND staff.disabled_at IS NULL"
        ))
        .bind(hash_token(token))
        .bind(unix_millis(now))
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(StaffSession {
            staff: staff_from_row(&row)?,
            csrf_token: row.try_get("csrf_token")?,
            expires_at: row.try_get("expires_at")?,
        }))
    }

    pub async fn delete_session(&self, token: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM staff_sessions WHERE token_hash = $1")
            .bind(hash_token(token))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Issues a bearer token for the API and returns it; only its hash is stored.
    pub async fn create_api_token(
        &self,
        staff_id: i64,
        now: OffsetDateTime,
    ) -> StoreResult<String> {
        let token = format!("rls_{}", random_token());
        sqlx::query(
            "INSERT INTO api_tokens (token_hash, staff_id, created_at) VALUES ($1, $2, $3)",
        )
        .bind(hash_token(&token))
        .bind(staff_id)
        .bind(unix_millis(now))
        .execute(&self.pool)
        .await?;
        Ok(token)
    }

    pub async fn staff_by_api_token(&self, token: &str) -> StoreResult<Option<StaffRecord>> {
        let row = sqlx::query(&format!(
            "SELECT {STAFF_COLUMNS} FROM api_tokens t JOIN staff ON staff.id = t.staff_id \
             WHERE t.token_hash = $1 AND staff.disabled_at IS NULL"
        ))
        .bind(hash_token(token))
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(staff_from_row).transpose()
    }

    /// Deletes expired sessions; called from a periodic task.
    pub async fn delete_expired_sessions(&self, now: OffsetDateTime) -> StoreResult<u64> {
        let result = sqlx::query("DELETE FROM staff_sessions WHERE expires_at <= $1")
            .bind(unix_millis(now))
            .execute(&self.pool)
            .await?;
        Ok(result.rows_affected())
    }
}

impl Store {
    /// Returns the installation's secret named `name`, creating a random one on first use.
    /// Every node of a multi-node installation reads the same value from the database.
    pub async fn instance_secret(&self, name: &str) -> StoreResult<String> {
        sqlx::query("INSERT INTO instance_settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
            .bind(name)
            .bind(random_token())
            .execute(&self.pool)
            .await?;
        let value: String =
            sqlx::query_scalar("SELECT value FROM instance_settings WHERE name = $1")
                .bind(name)
                .fetch_one(&self.pool)
                .await?;
        Ok(value)
    }
}
