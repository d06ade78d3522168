//! Member accounts: login lookup, sessions and bearer tokens, single-use e-mail links
//! (address verification, password reset), contact changes and identity correction requests.

use sqlx::{Any, Row, Transaction};
use time::{Date, OffsetDateTime};

use crate::inlislite::{SyncReason, queue_sync};
use crate::outbox::{NewMessage, OutboxKind, insert_outbox};
use crate::records::MEMBER_COLUMNS;
use crate::{
    MemberRecord, Store, StoreError, StoreResult, format_date, from_unix_millis, hash_token,
    parse_date, random_token, unix_millis,
};

/// How long an address verification link works.
pub const VERIFY_LINK_LIFETIME: time::Duration = time::Duration::days(7);

/// How long a password reset link works.
pub const RESET_LINK_LIFETIME: time::Duration = time::Duration::hours(1);

/// Maximum number of members one login may match: several children may share a parent's
/// e-mail.
const MAX_LOGIN_MATCHES: i64 = 5;

/// Kind of member session: the browser cookie (with a CSRF token) or an API token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Cookie,
    Api,
}

impl SessionKind {
    fn as_str(self) -> &'static str {
        match self {
            SessionKind::Cookie => "cookie",
            SessionKind::Api => "api",
        }
    }
}

/// A member with the password hash, for checking a login.
#[derive(Clone)]
pub struct MemberLogin {
    pub member: MemberRecord,
    pub password_hash: String,
}

impl std::fmt::Debug for MemberLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemberLogin")
            .field("member_id", &self.member.id)
            .finish_non_exhaustive()
    }
}

/// A logged-in member session.
#[derive(Debug, Clone)]
pub struct MemberSession {
    pub member: MemberRecord,
    pub csrf_token: String,
}

/// Reason an e-mail link did not work. Pages tell the three apart, because "expired" and "used"
/// need different advice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkProblem {
    Unknown,
    Expired,
    Used,
    /// A verification link for an address that is no longer the member's.
    Superseded,
}

/// Purpose of a single-use e-mail link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LinkPurpose {
    VerifyEmail,
    ResetPassword,
}

impl LinkPurpose {
    fn as_str(self) -> &'static str {
        match self {
            LinkPurpose::VerifyEmail => "verify_email",
            LinkPurpose::ResetPassword => "reset_password",
        }
    }
}

/// New contact details of a member, already validated.
#[derive(Debug, Clone)]
pub struct ContactUpdate {
    pub email: String,
    pub email_normalized: String,
    pub phone: String,
    pub phone_e164: String,
    pub address: String,
}

/// A member's request to change identity data; `None` fields stay as they are.
#[derive(Debug, Clone)]
pub struct IdentityCorrection {
    pub id: i64,
    pub member_id: i64,
    pub member_number: String,
    pub current_full_name: String,
    pub full_name: Option<String>,
    pub identity_number: Option<String>,
    pub birth_date: Option<Date>,
    pub reason: String,
    pub status: String,
    pub decision_reason: Option<String>,
    pub created_at: OffsetDateTime,
}

/// Creates a single-use link token; only its hash is stored. The plain token travels in the
/// outbox row until the e-mail is sent.
async fn insert_link(
    transaction: &mut Transaction<'static, Any>,
    purpose: LinkPurpose,
    application_id: Option<i64>,
    member_id: Option<i64>,
    email_normalized: &str,
    now: OffsetDateTime,
) -> StoreResult<String> {
    let token = random_token();
    let lifetime = match purpose {
        LinkPurpose::VerifyEmail => VERIFY_LINK_LIFETIME,
        LinkPurpose::ResetPassword => RESET_LINK_LIFETIME,
    };
    sqlx::query(
        "INSERT INTO email_tokens (token_hash, purpose, application_id, member_id, \
         email_normalized, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(hash_token(&token))
    .bind(purpose.as_str())
    .bind(application_id)
    .bind(member_id)
    .bind(email_normalized)
    .bind(unix_millis(now))
    .bind(unix_millis(now + lifetime))
    .execute(&mut **transaction)
    .await?;
    Ok(token)
}

/// Queues the verification e-mail of an application's address, in the caller's transaction.
pub(crate) async fn queue_application_verification(
    transaction: &mut Transaction<'static, Any>,
    application_id: i64,
    email_normalized: &str,
    now: OffsetDateTime,
) -> StoreResult<()> {
    let token = insert_link(
        transaction,
        LinkPurpose::VerifyEmail,
        Some(application_id),
        None,
        email_normalized,
        now,
    )
    .await?;
    let message = NewMessage {
        link_token: Some(&token),
        ..NewMessage::about_application(OutboxKind::EmailVerification, application_id)
    };
    insert_outbox(transaction, message, unix_millis(now), false).await?;
    Ok(())
}

/// Queues a message to a member with an optional link, in the caller's transaction.
async fn queue_member_link(
    transaction: &mut Transaction<'static, Any>,
    member: &MemberRecord,
    purpose: LinkPurpose,
    now: OffsetDateTime,
) -> StoreResult<()> {
    let email_normalized = member.email.trim().to_lowercase();
    let token = insert_link(
        transaction,
        purpose,
        None,
        Some(member.id),
        &email_normalized,
        now,
    )
    .await?;
    let kind = match purpose {
        LinkPurpose::VerifyEmail => OutboxKind::EmailVerification,
        LinkPurpose::ResetPassword => OutboxKind::PasswordReset,
    };
    let message = NewMessage {
        member_id: Some(member.id),
        link_token: Some(&token),
        ..NewMessage::about_application(kind, member.application_id)
    };
    insert_outbox(transaction, message, unix_millis(now), false).await?;
    Ok(())
}

impl Store {
    /// Returns the members whose member number or verified e-mail address is `login`, at
    /// most five, because children registered with a parent's address share it. Unverified
    /// addresses are skipped, so a member cannot log in through an address typed into
    /// another member's account.
    pub async fn members_for_login(&self, login: &str) -> StoreResult<Vec<MemberLogin>> {
        let login = login.trim();
        let rows = sqlx::query(&format!(
            "SELECT {MEMBER_COLUMNS}, password_hash FROM members \
             WHERE member_number = $1 \
             OR (email_normalized = $2 AND email_verified_at IS NOT NULL) ORDER BY id LIMIT $3"
        ))
        .bind(login)
        .bind(login.to_lowercase())
        .bind(MAX_LOGIN_MATCHES)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(MemberLogin {
                    member: MemberRecord::from_row(row)?,
                    password_hash: row.try_get("password_hash")?,
                })
            })
            .collect()
    }

    /// Opens a member session and returns its secret; only the hash is stored.
    pub async fn create_member_session(
        &self,
        member_id: i64,
        kind: SessionKind,
        now: OffsetDateTime,
        lifetime: time::Duration,
    ) -> StoreResult<String> {
        let token = match kind {
            SessionKind::Cookie => random_token(),
            SessionKind::Api => format!("rlm_{}", random_token()),
        };
        sqlx::query(
            "INSERT INTO member_sessions (token_hash, member_id, kind, csrf_token, created_at, \
             expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(hash_token(&token))
        .bind(member_id)
        .bind(kind.as_str())
        .bind(random_token())
        .bind(unix_millis(now))
        .bind(unix_millis(now + lifetime))
        .execute(&self.pool)
        .await?;
        Ok(token)
    }

    /// Finds a live session of `kind` by its secret.
    pub async fn member_session(
        &self,
        token: &str,
        kind: SessionKind,
        now: OffsetDateTime,
    ) -> StoreResult<Option<MemberSession>> {
        // The subquery keeps the session's columns apart from the member's, which share
        // names such as `created_at`.
        let row = sqlx::query(&format!(
            "SELECT {MEMBER_COLUMNS}, s.csrf_token FROM members \
             JOIN (SELECT member_id, csrf_token FROM member_sessions \
                   WHERE token_hash = $1 AND kind = $2 AND expires_at > $3) s \
             ON s.member_id = members.id"
        ))
        .bind(hash_token(token))
        .bind(kind.as_str())
        .bind(unix_millis(now))
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(MemberSession {
            member: MemberRecord::from_row(&row)?,
            csrf_token: row.try_get("csrf_token")?,
        }))
    }

    pub async fn delete_member_session(&self, token: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM member_sessions WHERE token_hash = $1")
            .bind(hash_token(token))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Deletes expired member sessions and e-mail links; called from a periodic task.
    pub async fn delete_expired_member_sessions(&self, now: OffsetDateTime) -> StoreResult<u64> {
        let sessions = sqlx::query("DELETE FROM member_sessions WHERE expires_at <= $1")
            .bind(unix_millis(now))
            .execute(&self.pool)
            .await?;
        // Links are kept a week past expiry, so pages can still report "expired" rather
        // than "unknown".
        sqlx::query("DELETE FROM email_tokens WHERE expires_at <= $1")
            .bind(unix_millis(now - time::Duration::days(7)))
            .execute(&self.pool)
            .await?;
        Ok(sessions.rows_affected())
    }

    /// Queues a password reset e-mail for each member. Earlier unused reset links of those
    /// members stop working, so only the newest link in the mailbox counts.
    pub async fn queue_password_resets(
        &self,
        members: &[MemberRecord],
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        let mut transaction = self.begin_write().await?;
        for member in members {
            sqlx::query(
                "UPDATE email_tokens SET used_at = $1 \
                 WHERE member_id = $2 AND purpose = $3 AND used_at IS NULL",
            )
            .bind(unix_millis(now))
            .bind(member.id)
            .bind(LinkPurpose::ResetPassword.as_str())
            .execute(&mut *transaction)
            .await?;
            queue_member_link(&mut transaction, member, LinkPurpose::ResetPassword, now).await?;
        }
        transaction.commit().await?;
        Ok(())
    }

    /// Checks a link without using it, for the page where the member types the new password.
    pub async fn check_reset_link(
        &self,
        token: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Result<(), LinkProblem>> {
        let row = sqlx::query(
            "SELECT expires_at, used_at FROM email_tokens WHERE token_hash = $1 AND purpose = $2",
        )
        .bind(hash_token(token))
        .bind(LinkPurpose::ResetPassword.as_str())
        .fetch_optional(&self.pool)
        .await?;
        Ok(link_state(row.as_ref(), now)?.map(|_| ()))
    }

    /// Sets a new password through a reset link: the link and every other reset link of the
    /// member stop working, and all the member's sessions end. Returns the member id.
    pub async fn reset_password(
        &self,
        token: &str,
        password_hash: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Result<i64, LinkProblem>> {
        let mut transaction = self.begin_write().await?;
        let row = sqlx::query(
            "SELECT member_id, expires_at, used_at FROM email_tokens \
             WHERE token_hash = $1 AND purpose = $2",
        )
        .bind(hash_token(token))
        .bind(LinkPurpose::ResetPassword.as_str())
        .fetch_optional(&mut *transaction)
        .await?;
        if let Err(problem) = link_state(row.as_ref(), now)? {
            return Ok(Err(problem));
        }
        let member_id: i64 = row
            .as_ref()
            .map(|row| row.try_get("member_id"))
            .transpose()?
            .ok_or_else(|| StoreError::InvalidStoredValue("reset link without member".into()))?;

        sqlx::query("UPDATE members SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(member_id)
            .execute(&mut *transaction)
            .await?;
        sqlx::query(
            "UPDATE email_tokens SET used_at = $1 \
             WHERE member_id = $2 AND purpose = $3 AND used_at IS NULL",
        )
        .bind(unix_millis(now))
        .bind(member_id)
        .bind(LinkPurpose::ResetPassword.as_str())
        .execute(&mut *transaction)
        .await?;
        sqlx::query("DELETE FROM member_sessions WHERE member_id = $1")
            .bind(member_id)
            .execute(&mut *transaction)
            .await?;
        transaction.commit().await?;
        Ok(Ok(member_id))
    }

    /// Uses a verification link: the address it was sent to is marked verified on the
    /// application and on the member it became, if that address is still theirs.
    pub async fn verify_email(
        &self,
        token: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Result<(), LinkProblem>> {
        let mut transaction = self.begin_write().await?;
        let row = sqlx::query(
            "SELECT application_id, member_id, email_normalized, expires_at, used_at \
             FROM email_tokens WHERE token_hash = $1 AND purpose = $2",
        )
        .bind(hash_token(token))
        .bind(LinkPurpose::VerifyEmail.as_str())
        .fetch_optional(&mut *transaction)
        .await?;
        if let Err(problem) = link_state(row.as_ref(), now)? {
            return Ok(Err(problem));
        }
        let Some(row) = row else {
            return Ok(Err(LinkProblem::Unknown));
        };
        let application_id: Option<i64> = row.try_get("application_id")?;
        let member_id: Option<i64> = row.try_get("member_id")?;
        let email: String = row.try_get("email_normalized")?;
        let now_millis = unix_millis(now);

        let mut verified = 0;
        if let Some(application_id) = application_id {
            verified += sqlx::query(
                "UPDATE applications SET email_verified_at = $1 \
                 WHERE id = $2 AND email_normalized = $3",
            )
            .bind(now_millis)
            .bind(application_id)
            .bind(&email)
            .execute(&mut *transaction)
            .await?
            .rows_affected();
        }
        verified += sqlx::query(
            "UPDATE members SET email_verified_at = $1 \
             WHERE (id = $2 OR application_id = $3) AND email_normalized = $4",
        )
        .bind(now_millis)
        .bind(member_id.unwrap_or(-1))
        .bind(application_id.unwrap_or(-1))
        .bind(&email)
        .execute(&mut *transaction)
        .await?
        .rows_affected();
        sqlx::query("UPDATE email_tokens SET used_at = $1 WHERE token_hash = $2")
            .bind(now_millis)
            .bind(hash_token(token))
            .execute(&mut *transaction)
            .await?;
        transaction.commit().await?;
        // A registration link verifies the member's address only while the member still
        // has that address. After a change, the member needs the link for the new address.
        let member_moved_on: bool = match application_id {
            Some(application_id) => sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM members WHERE application_id = $1 AND email_normalized <> $2",
            )
            .bind(application_id)
            .bind(&email)
            .fetch_one(&self.pool)
            .await?
                > 0,
            None => false,
        };
        if verified == 0 || member_moved_on {
            return Ok(Err(LinkProblem::Superseded));
        }
        Ok(Ok(()))
    }

    /// Changes a member's contact details and returns the updated member. A new e-mail
    /// address stays unverified until its link is opened. With `send_link` false no link is
    /// sent, because the caller limits how many links a member may trigger.
    pub async fn update_member_contact(
        &self,
        member_id: i64,
        contact: &ContactUpdate,
        send_link: bool,
        now: OffsetDateTime,
    ) -> StoreResult<MemberRecord> {
        let mut transaction = self.begin_write().await?;
        let current: Option<String> =
            sqlx::query_scalar("SELECT email_normalized FROM members WHERE id = $1")
                .bind(member_id)
                .fetch_optional(&mut *transaction)
                .await?;
        let Some(current) = current else {
            return Err(StoreError::Conflict("the member no longer exists"));
        };
        let email_changed = current != contact.email_normalized;

        let row = sqlx::query(&format!(
            "UPDATE members SET email = $1, email_normalized = $2, phone = $3, phone_e164 = $4, \
             address = $5, email_verified_at = CASE WHEN $6 = 1 THEN NULL ELSE email_verified_at END \
             WHERE id = $7 RETURNING {MEMBER_COLUMNS}"
        ))
        .bind(&contact.email)
        .bind(&contact.email_normalized)
        .bind(&contact.phone)
        .bind(&contact.phone_e164)
        .bind(&contact.address)
        .bind(i64::from(email_changed))
        .bind(member_id)
        .fetch_one(&mut *transaction)
        .await?;
        let member = MemberRecord::from_row(&row)?;
        queue_sync(
            &mut transaction,
            member_id,
            SyncReason::Contact,
            unix_millis(now),
        )
        .await?;
        if email_changed && send_link {
            queue_member_link(&mut transaction, &member, LinkPurpose::VerifyEmail, now).await?;
        }
        transaction.commit().await?;
        Ok(member)
    }

    /// Sends a new verification link to a member's unverified address.
    pub async fn resend_member_verification(
        &self,
        member_id: i64,
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        let Some(member) = self.member(member_id).await? else {
            return Err(StoreError::Conflict("the member no longer exists"));
        };
        let mut transaction = self.begin_write().await?;
        queue_member_link(&mut transaction, &member, LinkPurpose::VerifyEmail, now).await?;
        transaction.commit().await?;
        Ok(())
    }

    /// Returns the address a link was made for, so that its e-mail goes there and nowhere
    /// else.
    pub async fn link_email(&self, token: &str) -> StoreResult<Option<String>> {
        let email =
            sqlx::query_scalar("SELECT email_normalized FROM email_tokens WHERE token_hash = $1")
                .bind(hash_token(token))
                .fetch_optional(&self.pool)
                .await?;
        Ok(email)
    }

    /// Returns whether the application's e-mail address has been verified.
    pub async fn application_email_verified(&self, application_id: i64) -> StoreResult<bool> {
        let verified: Option<Option<i64>> =
            sqlx::query_scalar("SELECT email_verified_at FROM applications WHERE id = $1")
                .bind(application_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(verified.flatten().is_some())
    }

    /// Stores a member's request to change identity data. Only one may be open at a time.
    pub async fn submit_identity_correction(
        &self,
        member_id: i64,
        full_name: Option<&str>,
        identity_number: Option<&str>,
        birth_date: Option<Date>,
        reason: &str,
        now: OffsetDateTime,
    ) -> StoreResult<i64> {
        let result = sqlx::query_scalar(
            "INSERT INTO identity_corrections (member_id, full_name, identity_number, birth_date, \
             reason, status, created_at) VALUES ($1, $2, $3, $4, $5, 'submitted', $6) RETURNING id",
        )
        .bind(member_id)
        .bind(full_name)
        .bind(identity_number)
        .bind(birth_date.map(format_date))
        .bind(reason)
        .bind(unix_millis(now))
        .fetch_one(&self.pool)
        .await;
        match result {
            Ok(id) => Ok(id),
            Err(error) => match StoreError::from(error) {
                error if error.is_unique_violation() => Err(StoreError::Conflict(
                    "an identity correction request is already open",
                )),
                error => Err(error),
            },
        }
    }

    /// Identity correction requests, open ones first, newest last; `member_id` narrows the
    /// list to one member.
    pub async fn identity_corrections(
        &self,
        member_id: Option<i64>,
        open_only: bool,
    ) -> StoreResult<Vec<IdentityCorrection>> {
        let rows = sqlx::query(
            "SELECT c.id, c.member_id, m.member_number, m.full_name AS current_full_name, \
             c.full_name, c.identity_number, c.birth_date, c.reason, c.status, \
             c.decision_reason, c.created_at \
             FROM identity_corrections c JOIN members m ON m.id = c.member_id \
             WHERE ($1 = 0 OR c.member_id = $2) AND ($3 = 0 OR c.status = 'submitted') \
             ORDER BY c.id LIMIT 500",
        )
        .bind(i64::from(member_id.is_some()))
        .bind(member_id.unwrap_or(0))
        .bind(i64::from(open_only))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let birth_date: Option<String> = row.try_get("birth_date")?;
                Ok(IdentityCorrection {
                    id: row.try_get("id")?,
                    member_id: row.try_get("member_id")?,
                    member_number: row.try_get("member_number")?,
                    current_full_name: row.try_get("current_full_name")?,
                    full_name: row.try_get("full_name")?,
                    identity_number: row.try_get("identity_number")?,
                    birth_date: birth_date.as_deref().map(parse_date).transpose()?,
                    reason: row.try_get("reason")?,
                    status: row.try_get("status")?,
                    decision_reason: row.try_get("decision_reason")?,
                    created_at: from_unix_millis(row.try_get("created_at")?)?,
                })
            })
            .collect()
    }

    /// Decides an open identity correction. Approval writes the requested values to the
    /// member and to the application it came from, so that cards and duplicate checks use
    /// them.
    pub async fn decide_identity_correction(
        &self,
        id: i64,
        staff_id: i64,
        approve: bool,
        reason: Option<&str>,
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        let mut transaction = self.begin_write().await?;
        let row = sqlx::query(
            "UPDATE identity_corrections SET status = $1, decided_by = $2, decided_at = $3, \
             decision_reason = $4 WHERE id = $5 AND status = 'submitted' \
             RETURNING member_id, full_name, identity_number, birth_date",
        )
        .bind(if approve { "approved" } else { "rejected" })
        .bind(staff_id)
        .bind(unix_millis(now))
        .bind(reason)
        .bind(id)
        .fetch_optional(&mut *transaction)
        .await?;
        let Some(row) = row else {
            return Err(StoreError::Conflict("the request is no longer open"));
        };

        if approve {
            let member_id: i64 = row.try_get("member_id")?;
            let full_name: Option<String> = row.try_get("full_name")?;
            let identity_number: Option<String> = row.try_get("identity_number")?;
            let birth_date: Option<String> = row.try_get("birth_date")?;
            let name_key = full_name.as_deref().map(raline_domain::name_key);

            sqlx::query(
                "UPDATE members SET full_name = COALESCE($1, full_name), \
                 identity_number = COALESCE($2, identity_number) WHERE id = $3",
            )
            .bind(&full_name)
            .bind(&identity_number)
            .bind(member_id)
            .execute(&mut *transaction)
            .await
            .map_err(|error| match StoreError::from(error) {
                error if error.is_unique_violation() => StoreError::IdentityAlreadyMember,
                error => error,
            })?;

            // The application carries the name key and birth date the duplicate checks read.
            sqlx::query(
                "UPDATE applications SET full_name = COALESCE($1, full_name), \
                 name_key = COALESCE($2, name_key), \
                 identity_number = COALESCE($3, identity_number), \
                 birth_date = COALESCE($4, birth_date), updated_at = $5 \
                 WHERE id = (SELECT application_id FROM members WHERE id = $6)",
            )
            .bind(&full_name)
            .bind(&name_key)
            .bind(&identity_number)
            .bind(&birth_date)
            .bind(unix_millis(now))
            .bind(member_id)
            .execute(&mut *transaction)
            .await?;
            queue_sync(
                &mut transaction,
                member_id,
                SyncReason::Identity,
                unix_millis(now),
            )
            .await?;
        }
        transaction.commit().await?;
        Ok(())
    }
}

/// Reads the state of a link row: unknown, expired, used, or usable.
fn link_state(
    row: Option<&sqlx::any::AnyRow>,
    now: OffsetDateTime,
) -> StoreResult<Result<(), LinkProblem>> {
    let Some(row) = row else {
        return Ok(Err(LinkProblem::Unknown));
    };
    let used_at: Option<i64> = row.try_get("used_at")?;
    let expires_at: i64 = row.try_get("expires_at")?;
    if used_at.is_some() {
        Ok(Err(LinkProblem::Used))
    } else if expires_at <= unix_millis(now) {
        Ok(Err(LinkProblem::Expired))
    } else {
        Ok(Ok(()))
    }
}
