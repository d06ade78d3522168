//! Rows read back from the database, converted into domain types.

use raline_domain::{
    Address, ApplicationStatus, Domicile, FindingCode, IdentityType, Sex, UploadSlot,
};
use sqlx::Row;
use sqlx::any::AnyRow;
use time::{Date, OffsetDateTime};

use crate::{StoreError, StoreResult, from_unix_millis, parse_date};

/// An application as stored, without its password hash.
#[derive(Debug, Clone)]
pub struct ApplicationRecord {
    pub id: i64,
    pub registration_number: String,
    pub status: ApplicationStatus,
    pub identity_type: IdentityType,
    pub identity_number: String,
    pub guardian_name: Option<String>,
    pub guardian_relationship: Option<String>,
    pub email: String,
    pub email_normalized: String,
    pub full_name: String,
    pub mother_maiden_name: String,
    pub birth_place: String,
    pub birth_date: Date,
    pub sex: Sex,
    pub religion: Option<String>,
    pub marital_status: Option<String>,
    pub occupation: String,
    pub education: String,
    pub phone: String,
    pub phone_e164: String,
    /// The name without case, accents or punctuation, for finding duplicates.
    pub name_key: String,
    pub id_address: Address,
    pub current_address: Option<Address>,
    pub domicile: Domicile,
    pub member_type: String,
    pub warnings: Vec<FindingCode>,
    /// Language the applicant used (`id` or `en`), for messages sent later.
    pub locale: String,
    pub decision_reason: Option<String>,
    /// The applicant asked for e-mail only.
    pub whatsapp_opt_out: bool,
    pub created_at: OffsetDateTime,
    pub submitted_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

pub(crate) const APPLICATION_COLUMNS: &str = "id, registration_number, status, identity_type, \
    identity_number, guardian_name, guardian_relationship, email, email_normalized, full_name, \
    mother_maiden_name, birth_place, birth_date, sex, religion, marital_status, occupation, \
    education, phone, phone_e164, name_key, id_address, current_address, domicile, member_type, warnings, \
    locale, decision_reason, whatsapp_opt_out, created_at, submitted_at, updated_at";

fn invalid(what: &str, value: &str) -> StoreError {
    StoreError::InvalidStoredValue(format!("{what} {value:?}"))
}

fn parse_json<T: serde::de::DeserializeOwned>(what: &str, value: &str) -> StoreResult<T> {
    serde_json::from_str(value).map_err(|_| invalid(what, value))
}

impl ApplicationRecord {
    pub(crate) fn from_row(row: &AnyRow) -> StoreResult<Self> {
        let status: String = row.try_get("status")?;
        let identity_type: String = row.try_get("identity_type")?;
        let birth_date: String = row.try_get("birth_date")?;
        let sex: String = row.try_get("sex")?;
        let id_address: String = row.try_get("id_address")?;
        let current_address: Option<String> = row.try_get("current_address")?;
        let domicile: String = row.try_get("domicile")?;
        let warnings: String = row.try_get("warnings")?;

        Ok(ApplicationRecord {
            id: row.try_get("id")?,
            registration_number: row.try_get("registration_number")?,
            status: ApplicationStatus::parse(&status).ok_or_else(|| invalid("status", &status))?,
            identity_type: IdentityType::parse(&identity_type)
                .ok_or_else(|| invalid("identity type", &identity_type))?,
            identity_number: row.try_get("identity_number")?,
            guardian_name: row.try_get("guardian_name")?,
            guardian_relationship: row.try_get("guardian_relationship")?,
            email: row.try_get("email")?,
            email_normalized: row.try_get("email_normalized")?,
            full_name: row.try_get("full_name")?,
            mother_maiden_name: row.try_get("mother_maiden_name")?,
            birth_place: row.try_get("birth_place")?,
            birth_date: parse_date(&birth_date)?,
            sex: Sex::parse(&sex).ok_or_else(|| invalid("sex", &sex))?,
            religion: row.try_get("religion")?,
            marital_status: row.try_get("marital_status")?,
            occupation: row.try_get("occupation")?,
            education: row.try_get("education")?,
            phone: row.try_get("phone")?,
            phone_e164: row.try_get("phone_e164")?,
            name_key: row.try_get("name_key")?,
            id_address: parse_json("address", &id_address)?,
            current_address: current_address
                .as_deref()
                .map(|value| parse_json("address", value))
                .transpose()?,
            domicile: Domicile::parse(&domicile).ok_or_else(|| invalid("domicile", &domicile))?,
            member_type: row.try_get("member_type")?,
            warnings: parse_json("warnings", &warnings)?,
            locale: row.try_get("locale")?,
            decision_reason: row.try_get("decision_reason")?,
            whatsapp_opt_out: row.try_get::<i64, _>("whatsapp_opt_out")? != 0,
            created_at: from_unix_millis(row.try_get("created_at")?)?,
            submitted_at: from_unix_millis(row.try_get("submitted_at")?)?,
            updated_at: from_unix_millis(row.try_get("updated_at")?)?,
        })
    }

    /// Returns the address the applicant lives at now.
    pub fn living_address(&self) -> &Address {
        self.current_address.as_ref().unwrap_or(&self.id_address)
    }

    pub fn uses_guardian_identity(&self) -> bool {
        self.guardian_name.is_some()
    }
}

/// One line of the staff queue.
#[derive(Debug, Clone)]
pub struct QueueEntry {
    pub id: i64,
    pub registration_number: String,
    pub status: ApplicationStatus,
    pub full_name: String,
    pub member_type: String,
    pub domicile: Domicile,
    pub warning_count: usize,
    /// Other applications and members sharing the identity number, e-mail, phone, or name
    /// and birth date; e-Meterai serials are checked on the detail page only.
    pub duplicate_count: i64,
    pub submitted_at: OffsetDateTime,
}

impl QueueEntry {
    pub(crate) fn from_row(row: &AnyRow) -> StoreResult<Self> {
        let status: String = row.try_get("status")?;
        let domicile: String = row.try_get("domicile")?;
        let warnings: String = row.try_get("warnings")?;
        let warnings: Vec<FindingCode> = parse_json("warnings", &warnings)?;
        Ok(QueueEntry {
            id: row.try_get("id")?,
            registration_number: row.try_get("registration_number")?,
            status: ApplicationStatus::parse(&status).ok_or_else(|| invalid("status", &status))?,
            full_name: row.try_get("full_name")?,
            member_type: row.try_get("member_type")?,
            domicile: Domicile::parse(&domicile).ok_or_else(|| invalid("domicile", &domicile))?,
            warning_count: warnings.len(),
            duplicate_count: row.try_get("duplicate_count")?,
            submitted_at: from_unix_millis(row.try_get("submitted_at")?)?,
        })
    }
}

/// A stored upload. `storage_name` is the random file name in the `FileStore`.
#[derive(Debug, Clone)]
pub struct UploadRecord {
    pub id: i64,
    pub application_id: Option<i64>,
    /// Set on files sent with a renewal; they join the application when it is approved.
    pub renewal_id: Option<i64>,
    pub slot: UploadSlot,
    pub storage_name: String,
    /// For photos: the 30 × 40 mm card crop.
    pub card_storage_name: Option<String>,
    pub content_type: String,
    pub byte_size: i64,
    pub width: Option<i64>,
    pub height: Option<i64>,
    /// Digital signatures found in a PDF, `None` for images and older rows.
    pub signature_count: Option<i64>,
    pub created_at: OffsetDateTime,
}

pub(crate) const UPLOAD_COLUMNS: &str = "id, application_id, renewal_id, slot, storage_name, \
    card_storage_name, content_type, byte_size, width, height, signature_count, created_at";

impl UploadRecord {
    pub(crate) fn from_row(row: &AnyRow) -> StoreResult<Self> {
        let slot: String = row.try_get("slot")?;
        Ok(UploadRecord {
            id: row.try_get("id")?,
            application_id: row.try_get("application_id")?,
            renewal_id: row.try_get("renewal_id")?,
            slot: UploadSlot::parse(&slot).ok_or_else(|| invalid("upload slot", &slot))?,
            storage_name: row.try_get("storage_name")?,
            card_storage_name: row.try_get("card_storage_name")?,
            content_type: row.try_get("content_type")?,
            byte_size: row.try_get("byte_size")?,
            width: row.try_get("width")?,
            height: row.try_get("height")?,
            signature_count: row.try_get("signature_count")?,
            created_at: from_unix_millis(row.try_get("created_at")?)?,
        })
    }
}

/// An issued member.
#[derive(Debug, Clone)]
pub struct MemberRecord {
    pub id: i64,
    pub member_number: String,
    pub application_id: i64,
    pub identity_number: String,
    pub full_name: String,
    pub member_type: String,
    pub registered_on: Date,
    /// Last day on which the card is valid.
    pub valid_until: Date,
    /// Contact details, which the member may change.
    pub email: String,
    pub phone: String,
    pub phone_e164: String,
    /// The current address as the member typed it; `None` until changed, when the
    /// application's address applies.
    pub address: Option<String>,
    pub email_verified: bool,
    /// The member asked for e-mail only.
    pub whatsapp_opt_out: bool,
    pub created_at: OffsetDateTime,
}

pub(crate) const MEMBER_COLUMNS: &str = "id, member_number, application_id, identity_number, \
    full_name, member_type, registered_on, valid_until, email, phone, phone_e164, address, \
    email_verified_at, whatsapp_opt_out, created_at";

impl MemberRecord {
    pub(crate) fn from_row(row: &AnyRow) -> StoreResult<Self> {
        let registered_on: String = row.try_get("registered_on")?;
        let valid_until: String = row.try_get("valid_until")?;
        Ok(MemberRecord {
            id: row.try_get("id")?,
            member_number: row.try_get("member_number")?,
            application_id: row.try_get("application_id")?,
            identity_number: row.try_get("identity_number")?,
            full_name: row.try_get("full_name")?,
            member_type: row.try_get("member_type")?,
            registered_on: parse_date(&registered_on)?,
            valid_until: parse_date(&valid_until)?,
            email: row.try_get("email")?,
            phone: row.try_get("phone")?,
            phone_e164: row.try_get("phone_e164")?,
            address: row.try_get("address")?,
            email_verified: row
                .try_get::<Option<i64>, _>("email_verified_at")?
                .is_some(),
            whatsapp_opt_out: row.try_get::<i64, _>("whatsapp_opt_out")? != 0,
            created_at: from_unix_millis(row.try_get("created_at")?)?,
        })
    }
}

/// A staff decision, for the history shown on the detail page.
#[derive(Debug, Clone)]
pub struct DecisionRecord {
    pub decision: String,
    pub reason: Option<String>,
    pub staff_username: String,
    pub created_at: OffsetDateTime,
}

/// Another application or member sharing an identity number or e-mail address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateRecord {
    pub finding: FindingCode,
    pub application_id: i64,
    pub registration_number: String,
    pub member_number: Option<String>,
}
