//! Applications and their uploads.

use raline_domain::{ApplicationStatus, FindingCode, NewApplication, UploadSlot};
use sqlx::{Any, Row, Transaction};
use time::OffsetDateTime;

use crate::records::{APPLICATION_COLUMNS, UPLOAD_COLUMNS};
use crate::{
    ApplicationRecord, DuplicateRecord, QueueEntry, Store, StoreError, StoreResult, UploadRecord,
    format_date, unix_millis,
};

/// An upload whose file is already in the `FileStore`.
#[derive(Debug, Clone)]
pub struct NewUpload {
    pub slot: UploadSlot,
    pub storage_name: String,
    pub card_storage_name: Option<String>,
    pub content_type: String,
    pub byte_size: i64,
    pub width: Option<i64>,
    pub height: Option<i64>,
    /// Digital signatures in a PDF, `None` for images.
    pub signature_count: Option<i64>,
    /// e-Meterai serial numbers found in the PDF's signatures.
    pub emeterai_serials: Vec<String>,
}

/// Everything stored with a new application besides the validated form.
pub struct NewApplicationRecord<'a> {
    pub application: &'a NewApplication,
    pub password_hash: &'a str,
    /// Random key of one form rendering (or an API `Idempotency-Key`): a second submit with
    /// the same key returns the first application.
    pub submission_key: &'a str,
    pub status_token_hash: &'a str,
    pub locale: &'a str,
    /// Files stored during this request.
    pub uploads: &'a [NewUpload],
    /// Uploads kept from an earlier attempt of the same form (draft key = submission key).
    pub draft_upload_ids: &'a [i64],
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InsertOutcome {
    Created {
        id: i64,
        registration_number: String,
    },
    /// The submission key was used before; nothing new was stored.
    AlreadySubmitted {
        id: i64,
        registration_number: String,
    },
}

/// Filter and page of the staff queue.
#[derive(Debug, Clone, Copy)]
pub struct ApplicationFilter {
    pub status: ApplicationStatus,
    pub limit: i64,
    pub offset: i64,
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

/// Binds the status `submitted` and the 23 application fields shared by the insert and the
/// correction update, in the order both statements list them.
fn bind_application_fields<'q>(
    query: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>,
    app: &'q NewApplication,
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    query
        .bind(ApplicationStatus::Submitted.as_str())
        .bind(app.identity_type.as_str())
        .bind(&app.identity_number)
        .bind(app.guardian.as_ref().map(|g| g.name.clone()))
        .bind(app.guardian.as_ref().map(|g| g.relationship.clone()))
        .bind(&app.email)
        .bind(&app.email_normalized)
        .bind(&app.full_name)
        .bind(&app.mother_maiden_name)
        .bind(&app.birth_place)
        .bind(format_date(app.birth_date))
        .bind(app.sex.as_str())
        .bind(&app.religion)
        .bind(&app.marital_status)
        .bind(&app.occupation)
        .bind(&app.education)
        .bind(&app.phone)
        .bind(&app.phone_e164)
        .bind(json(&app.id_address))
        .bind(app.current_address.as_ref().map(json))
        .bind(app.domicile.as_str())
        .bind(&app.member_type)
        .bind(json(&app.warnings))
        .bind(&app.name_key)
}

/// Increments a named counter inside a transaction and returns the new value.
pub(crate) async fn next_counter_value(
    transaction: &mut Transaction<'static, Any>,
    name: &str,
) -> StoreResult<i64> {
    next_counter_value_from(transaction, name, 1).await
}

/// Advances the counter `name` and returns its new value, which is at least `floor`.
pub(crate) async fn next_counter_value_from(
    transaction: &mut Transaction<'static, Any>,
    name: &str,
    floor: i64,
) -> StoreResult<i64> {
    let value: i64 = sqlx::query_scalar(
        "INSERT INTO counters (name, last_value) VALUES ($1, $2) \
         ON CONFLICT (name) DO UPDATE SET last_value = CASE \
         WHEN counters.last_value + 1 > excluded.last_value THEN counters.last_value + 1 \
         ELSE excluded.last_value END \
         RETURNING last_value",
    )
    .bind(name)
    .bind(floor)
    .fetch_one(&mut **transaction)
    .await?;
    Ok(value)
}

async fn insert_uploads(
    transaction: &mut Transaction<'static, Any>,
    application_id: i64,
    uploads: &[NewUpload],
    now: i64,
) -> StoreResult<()> {
    for upload in uploads {
        sqlx::query(
            "UPDATE uploads SET superseded_at = $1 \
             WHERE application_id = $2 AND slot = $3 AND superseded_at IS NULL",
        )
        .bind(now)
        .bind(application_id)
        .bind(upload.slot.as_str())
        .execute(&mut **transaction)
        .await?;
        insert_upload_row(transaction, Some(application_id), None, upload, now).await?;
    }
    Ok(())
}

/// Inserts one upload row, of an application or of a draft, with its e-Meterai serials.
pub(crate) async fn insert_upload_row(
    transaction: &mut Transaction<'static, Any>,
    application_id: Option<i64>,
    draft_key: Option<&str>,
    upload: &NewUpload,
    now: i64,
) -> StoreResult<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO uploads (application_id, draft_key, slot, storage_name, card_storage_name, \
         content_type, byte_size, width, height, signature_count, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(application_id)
    .bind(draft_key)
    .bind(upload.slot.as_str())
    .bind(&upload.storage_name)
    .bind(&upload.card_storage_name)
    .bind(&upload.content_type)
    .bind(upload.byte_size)
    .bind(upload.width)
    .bind(upload.height)
    .bind(upload.signature_count)
    .bind(now)
    .fetch_one(&mut **transaction)
    .await?;

    for serial in &upload.emeterai_serials {
        sqlx::query(
            "INSERT INTO upload_serials (upload_id, serial) VALUES ($1, $2) \
             ON CONFLICT (upload_id, serial) DO NOTHING",
        )
        .bind(id)
        .bind(serial)
        .execute(&mut **transaction)
        .await?;
    }
    Ok(id)
}

/// Moves draft uploads of the same form onto the application.
async fn attach_drafts(
    transaction: &mut Transaction<'static, Any>,
    application_id: i64,
    draft_key: &str,
    upload_ids: &[i64],
    now: i64,
) -> StoreResult<()> {
    for &upload_id in upload_ids {
        let slot: Option<String> = sqlx::query_scalar(
            "SELECT slot FROM uploads WHERE id = $1 AND draft_key = $2 AND application_id IS NULL",
        )
        .bind(upload_id)
        .bind(draft_key)
        .fetch_optional(&mut **transaction)
        .await?;
        let Some(slot) = slot else {
            return Err(StoreError::Conflict("a kept upload is no longer available"));
        };
        sqlx::query(
            "UPDATE uploads SET superseded_at = $1 \
             WHERE application_id = $2 AND slot = $3 AND superseded_at IS NULL",
        )
        .bind(now)
        .bind(application_id)
        .bind(&slot)
        .execute(&mut **transaction)
        .await?;
        sqlx::query("UPDATE uploads SET application_id = $1, draft_key = NULL WHERE id = $2")
            .bind(application_id)
            .bind(upload_id)
            .execute(&mut **transaction)
            .await?;
    }
    Ok(())
}

impl Store {
    /// Stores a new application with its uploads in one transaction and assigns its
    /// registration number (`REG-YYMMDD-NNNN`, counted per WIB day).
    pub async fn insert_application(
        &self,
        record: NewApplicationRecord<'_>,
        now: OffsetDateTime,
    ) -> StoreResult<InsertOutcome> {
        if let Some(existing) = self
            .application_by_submission_key(record.submission_key)
            .await?
        {
            return Ok(existing);
        }

        let result = self.try_insert_application(&record, now).await;
        match result {
            Err(error) if error.is_unique_violation() => {
                // A concurrent submit of the same form won the race.
                self.application_by_submission_key(record.submission_key)
                    .await?
                    .ok_or(error)
            }
            other => other,
        }
    }

    async fn try_insert_application(
        &self,
        record: &NewApplicationRecord<'_>,
        now: OffsetDateTime,
    ) -> StoreResult<InsertOutcome> {
        let app = record.application;
        let now_millis = unix_millis(now);
        let day = raline_domain::member_number::daily_prefix(raline_domain::dates::wib_date(now));

        let mut transaction = self.begin_write().await?;
        let sequence = next_counter_value(&mut transaction, &format!("registration:{day}")).await?;
        let registration_number = format!("REG-{day}-{sequence:04}");

        let query = sqlx::query(
            "INSERT INTO applications (registration_number, submission_key, status_token_hash, \
             password_hash, status, identity_type, identity_number, guardian_name, \
             guardian_relationship, email, email_normalized, full_name, mother_maiden_name, \
             birth_place, birth_date, sex, religion, marital_status, occupation, education, phone, \
             phone_e164, id_address, current_address, domicile, member_type, warnings, name_key, \
             locale, consent_at, created_at, submitted_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
             $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $30, $30, $30) \
             RETURNING id",
        )
        .bind(&registration_number)
        .bind(record.submission_key)
        .bind(record.status_token_hash)
        .bind(record.password_hash);
        let id: i64 = bind_application_fields(query, app)
            .bind(record.locale)
            .bind(now_millis)
            .try_map(|row: sqlx::any::AnyRow| row.try_get::<i64, _>(0))
            .fetch_one(&mut *transaction)
            .await?;

        insert_uploads(&mut transaction, id, record.uploads, now_millis).await?;
        attach_drafts(
            &mut transaction,
            id,
            record.submission_key,
            record.draft_upload_ids,
            now_millis,
        )
        .await?;
        crate::accounts::queue_application_verification(
            &mut transaction,
            id,
            &app.email_normalized,
            now,
        )
        .await?;

        transaction.commit().await?;
        Ok(InsertOutcome::Created {
            id,
            registration_number,
        })
    }

    async fn application_by_submission_key(&self, key: &str) -> StoreResult<Option<InsertOutcome>> {
        let row = sqlx::query(
            "SELECT id, registration_number FROM applications WHERE submission_key = $1",
        )
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(InsertOutcome::AlreadySubmitted {
            id: row.try_get("id")?,
            registration_number: row.try_get("registration_number")?,
        }))
    }

    /// Replaces the data of an application waiting for correction and puts it back in the
    /// queue. New uploads, and drafts kept from an earlier attempt of the same correction,
    /// supersede the earlier ones of the same slot.
    pub async fn resubmit_application(
        &self,
        id: i64,
        app: &NewApplication,
        uploads: &[NewUpload],
        drafts: (&str, &[i64]),
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        let now_millis = unix_millis(now);
        let mut transaction = self.begin_write().await?;
        let previous_email: Option<String> =
            sqlx::query_scalar("SELECT email_normalized FROM applications WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *transaction)
                .await?;

        let query = sqlx::query(
            "UPDATE applications SET status = $1, identity_type = $2, identity_number = $3, \
             guardian_name = $4, guardian_relationship = $5, email = $6, email_normalized = $7, \
             full_name = $8, mother_maiden_name = $9, birth_place = $10, birth_date = $11, \
             sex = $12, religion = $13, marital_status = $14, occupation = $15, education = $16, \
             phone = $17, phone_e164 = $18, id_address = $19, current_address = $20, \
             domicile = $21, member_type = $22, warnings = $23, name_key = $24, \
             submitted_at = $25, updated_at = $25 \
             WHERE id = $26 AND status = $27",
        );
        let updated = bind_application_fields(query, app)
            .bind(now_millis)
            .bind(id)
            .bind(ApplicationStatus::NeedsCorrection.as_str())
            .execute(&mut *transaction)
            .await?;
        if updated.rows_affected() != 1 {
            return Err(StoreError::Conflict(
                "the application is not waiting for correction",
            ));
        }

        insert_uploads(&mut transaction, id, uploads, now_millis).await?;
        let (draft_key, draft_ids) = drafts;
        attach_drafts(&mut transaction, id, draft_key, draft_ids, now_millis).await?;

        // A corrected address must be verified again.
        if previous_email.as_deref() != Some(app.email_normalized.as_str()) {
            sqlx::query("UPDATE applications SET email_verified_at = NULL WHERE id = $1")
                .bind(id)
                .execute(&mut *transaction)
                .await?;
            crate::accounts::queue_application_verification(
                &mut transaction,
                id,
                &app.email_normalized,
                now,
            )
            .await?;
        }
        transaction.commit().await?;
        Ok(())
    }

    /// Returns the Argon2id hash of the password chosen with an application.
    pub async fn application_password_hash(&self, id: i64) -> StoreResult<Option<String>> {
        let hash = sqlx::query_scalar("SELECT password_hash FROM applications WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(hash)
    }

    /// Returns the submission key of an application, from which the web layer derives the
    /// status link again for e-mails.
    pub async fn submission_key(&self, id: i64) -> StoreResult<Option<String>> {
        let key: Option<String> =
            sqlx::query_scalar("SELECT submission_key FROM applications WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(key)
    }

    pub async fn application(&self, id: i64) -> StoreResult<Option<ApplicationRecord>> {
        let row = sqlx::query(&format!(
            "SELECT {APPLICATION_COLUMNS} FROM applications WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(ApplicationRecord::from_row).transpose()
    }

    /// Finds the application a status link belongs to, by the hash of its token.
    pub async fn application_by_status_token(
        &self,
        token_hash: &str,
    ) -> StoreResult<Option<ApplicationRecord>> {
        let row = sqlx::query(&format!(
            "SELECT {APPLICATION_COLUMNS} FROM applications WHERE status_token_hash = $1"
        ))
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(ApplicationRecord::from_row).transpose()
    }

    /// Lists applications in one status, oldest submission first.
    pub async fn list_applications(
        &self,
        filter: ApplicationFilter,
    ) -> StoreResult<Vec<QueueEntry>> {
        // Each count is an index lookup (identity number, e-mail, phone, name and birth
        // date), so a page of 50 costs 200 lookups. Rejected applications do not count.
        let rows = sqlx::query(
            "SELECT a.id, a.registration_number, a.status, a.full_name, a.member_type, \
             a.domicile, a.warnings, a.submitted_at, \
             (SELECT COUNT(*) FROM applications b WHERE b.identity_number = a.identity_number \
               AND b.id <> a.id AND b.status <> $4 AND b.guardian_name IS NULL \
               AND a.guardian_name IS NULL) \
             + (SELECT COUNT(*) FROM applications b WHERE b.email_normalized = a.email_normalized \
               AND b.id <> a.id AND b.status <> $4) \
             + (SELECT COUNT(*) FROM applications b WHERE b.phone_e164 = a.phone_e164 \
               AND b.id <> a.id AND b.status <> $4) \
             + (SELECT COUNT(*) FROM applications b WHERE b.name_key = a.name_key \
               AND b.birth_date = a.birth_date AND b.id <> a.id AND b.status <> $4) \
             AS duplicate_count \
             FROM applications a WHERE a.status = $1 \
             ORDER BY a.submitted_at, a.id LIMIT $2 OFFSET $3",
        )
        .bind(filter.status.as_str())
        .bind(filter.limit)
        .bind(filter.offset)
        .bind(ApplicationStatus::Rejected.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(QueueEntry::from_row).collect()
    }

    /// Counts applications in every status with one query, for the queue's tabs. Statuses
    /// without applications are missing from the list.
    pub async fn count_applications_by_status(&self) -> StoreResult<Vec<(ApplicationStatus, i64)>> {
        let rows =
            sqlx::query("SELECT status, COUNT(*) AS total FROM applications GROUP BY status")
                .fetch_all(&self.pool)
                .await?;
        let mut counts = Vec::with_capacity(rows.len());
        for row in rows {
            let status: String = row.try_get("status")?;
            let total: i64 = row.try_get("total")?;
            let status = ApplicationStatus::parse(&status)
                .ok_or_else(|| StoreError::InvalidStoredValue(format!("status {status:?}")))?;
            counts.push((status, total));
        }
        Ok(counts)
    }

    /// Counts applications in one status.
    pub async fn count_applications(&self, status: ApplicationStatus) -> StoreResult<i64> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM applications WHERE status = $1")
            .bind(status.as_str())
            .fetch_one(&self.pool)
            .await?;
        Ok(count)
    }

    /// Current (not superseded) uploads of an application.
    pub async fn uploads_for(&self, application_id: i64) -> StoreResult<Vec<UploadRecord>> {
        let rows = sqlx::query(&format!(
            "SELECT {UPLOAD_COLUMNS} FROM uploads \
             WHERE application_id = $1 AND superseded_at IS NULL ORDER BY id"
        ))
        .bind(application_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(UploadRecord::from_row).collect()
    }

    pub async fn upload(&self, id: i64) -> StoreResult<Option<UploadRecord>> {
        let row = sqlx::query(&format!(
            "SELECT {UPLOAD_COLUMNS} FROM uploads WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(UploadRecord::from_row).transpose()
    }

    /// Records an upload that passed its checks while the rest of the form did not, so the
    /// applicant need not upload it again.
    pub async fn insert_draft_upload(
        &self,
        draft_key: &str,
        upload: &NewUpload,
        now: OffsetDateTime,
    ) -> StoreResult<i64> {
        let mut transaction = self.begin_write().await?;
        let id = insert_upload_row(
            &mut transaction,
            None,
            Some(draft_key),
            upload,
            unix_millis(now),
        )
        .await?;
        transaction.commit().await?;
        Ok(id)
    }

    /// Draft uploads of a form, newest per slot last.
    pub async fn draft_uploads(&self, draft_key: &str) -> StoreResult<Vec<UploadRecord>> {
        let rows = sqlx::query(&format!(
            "SELECT {UPLOAD_COLUMNS} FROM uploads \
             WHERE draft_key = $1 AND application_id IS NULL ORDER BY id"
        ))
        .bind(draft_key)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(UploadRecord::from_row).collect()
    }

    /// Deletes draft uploads older than `before` and returns their file names so the caller
    /// can delete the files.
    pub async fn delete_stale_drafts(&self, before: OffsetDateTime) -> StoreResult<Vec<String>> {
        let rows = sqlx::query(
            "DELETE FROM uploads WHERE application_id IS NULL AND created_at < $1 \
             RETURNING storage_name, card_storage_name",
        )
        .bind(unix_millis(before))
        .fetch_all(&self.pool)
        .await?;
        let mut names = Vec::new();
        for row in rows {
            names.push(row.try_get("storage_name")?);
            if let Some(card) = row.try_get::<Option<String>, _>("card_storage_name")? {
                names.push(card);
            }
        }
        Ok(names)
    }

    /// Other applications (not rejected) and members that share something with this one:
    /// the identity number, e-mail address, phone number, name and birth date, or an
    /// e-Meterai serial of the statement letter.
    ///
    /// Several children may register with the same parent's KTP, so an identity number match
    /// is only reported when neither side uses a guardian's identity. A member found by the
    /// applicant's own identity number is reported as `ExistingMember`.
    pub async fn find_duplicates(
        &self,
        application: &ApplicationRecord,
    ) -> StoreResult<Vec<DuplicateRecord>> {
        let rows = sqlx::query(
            "SELECT a.id, a.registration_number, a.guardian_name, a.identity_number, \
             a.email_normalized, a.phone_e164, a.name_key, a.birth_date, m.member_number \
             FROM applications a LEFT JOIN members m ON m.application_id = a.id \
             WHERE a.id <> $1 AND (a.status <> $2 OR m.id IS NOT NULL) \
             AND (a.identity_number = $3 OR a.email_normalized = $4 OR a.phone_e164 = $5 \
             OR (a.name_key = $6 AND a.birth_date = $7)) \
             ORDER BY a.id LIMIT 50",
        )
        .bind(application.id)
        .bind(ApplicationStatus::Rejected.as_str())
        .bind(&application.identity_number)
        .bind(&application.email_normalized)
        .bind(&application.phone_e164)
        .bind(&application.name_key)
        .bind(format_date(application.birth_date))
        .fetch_all(&self.pool)
        .await?;

        let mut findings = Vec::new();
        for row in rows {
            let id: i64 = row.try_get("id")?;
            let registration_number: String = row.try_get("registration_number")?;
            let guardian_name: Option<String> = row.try_get("guardian_name")?;
            let identity_number: String = row.try_get("identity_number")?;
            let email: String = row.try_get("email_normalized")?;
            let phone: String = row.try_get("phone_e164")?;
            let name_key: String = row.try_get("name_key")?;
            let birth_date: String = row.try_get("birth_date")?;
            let member_number: Option<String> = row.try_get("member_number")?;

            let mut push = |finding| {
                findings.push(DuplicateRecord {
                    finding,
                    application_id: id,
                    registration_number: registration_number.clone(),
                    member_number: member_number.clone(),
                })
            };
            let same_person_number = identity_number == application.identity_number
                && guardian_name.is_none()
                && !application.uses_guardian_identity();
            if same_person_number {
                push(if member_number.is_some() {
                    FindingCode::ExistingMember
                } else {
                    FindingCode::DuplicateIdentityNumber
                });
            }
            if email == application.email_normalized {
                push(FindingCode::DuplicateEmail);
            }
            if phone == application.phone_e164 {
                push(FindingCode::DuplicatePhone);
            }
            let same_name = !name_key.is_empty() && name_key == application.name_key;
            if same_name && birth_date == format_date(application.birth_date) {
                push(FindingCode::DuplicateNameBirthDate);
            }
        }

        let reused = sqlx::query(
            "SELECT DISTINCT a.id, a.registration_number, m.member_number \
             FROM upload_serials s JOIN uploads u ON u.id = s.upload_id \
             JOIN applications a ON a.id = u.application_id \
             LEFT JOIN members m ON m.application_id = a.id \
             WHERE a.id <> $1 AND s.serial IN (SELECT s2.serial FROM upload_serials s2 \
             JOIN uploads u2 ON u2.id = s2.upload_id \
             WHERE u2.application_id = $1 AND u2.superseded_at IS NULL) \
             ORDER BY a.id LIMIT 20",
        )
        .bind(application.id)
        .fetch_all(&self.pool)
        .await?;
        for row in reused {
            findings.push(DuplicateRecord {
                finding: FindingCode::EmeteraiSerialReused,
                application_id: row.try_get("id")?,
                registration_number: row.try_get("registration_number")?,
                member_number: row.try_get("member_number")?,
            });
        }
        Ok(findings)
    }

    /// Returns the member number of a member registered with this identity number as their
    /// own, not as a parent's, if there is one. Existing members are sent to renewal.
    pub async fn member_number_for_identity(
        &self,
        identity_number: &str,
    ) -> StoreResult<Option<String>> {
        let number = sqlx::query_scalar(
            "SELECT member_number FROM members \
             WHERE identity_number = $1 AND uses_guardian_identity = 0",
        )
        .bind(identity_number)
        .fetch_optional(&self.pool)
        .await?;
        Ok(number)
    }

    /// Computes the name key of rows stored before the column existed. The key needs Unicode
    /// folding, which SQL cannot do the same way on both databases.
    pub(crate) async fn fill_name_keys(&self) -> StoreResult<()> {
        let rows = sqlx::query("SELECT id, full_name FROM applications WHERE name_key = ''")
            .fetch_all(&self.pool)
            .await?;
        for row in rows {
            let id: i64 = row.try_get("id")?;
            let full_name: String = row.try_get("full_name")?;
            sqlx::query("UPDATE applications SET name_key = $1 WHERE id = $2")
                .bind(raline_domain::name_key(&full_name))
                .bind(id)
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    /// e-Meterai serials of an application's current uploads, in upload order.
    pub async fn emeterai_serials(&self, application_id: i64) -> StoreResult<Vec<String>> {
        let serials = sqlx::query_scalar(
            "SELECT s.serial FROM upload_serials s JOIN uploads u ON u.id = s.upload_id \
             WHERE u.application_id = $1 AND u.superseded_at IS NULL ORDER BY u.id, s.serial",
        )
        .bind(application_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(serials)
    }
}
