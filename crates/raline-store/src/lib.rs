//! Storage for RALINE: one `Store` over SQLite or PostgreSQL, and upload files on disk.
//!
//! Both databases run the same SQL text through sqlx's `Any` driver, so the schema keeps
//! timestamps as Unix milliseconds (`BIGINT`) and calendar dates as ISO 8601 text. Each backend
//! has its own migration folder with the same file names.

mod accounts;
mod applications;
mod decisions;
mod files;
mod inlislite;
mod member_search;
mod outbox;
mod records;
mod regions;
mod renewals;
mod staff;

use std::str::FromStr;
use std::time::Duration;

use sha2::{Digest, Sha256};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use time::OffsetDateTime;

pub use accounts::{
    ContactUpdate, IdentityCorrection, LinkProblem, MemberLogin, MemberSession,
    RESET_LINK_LIFETIME, SessionKind, VERIFY_LINK_LIFETIME,
};
pub use applications::{ApplicationFilter, InsertOutcome, NewApplicationRecord, NewUpload};
pub use decisions::{Approval, DecisionOutcome};
pub use files::FileStore;
pub use inlislite::{
    ExportRecord, ExportSelection, MappingChange, StoredMapping, SyncClaim, SyncCounts, SyncReason,
    SyncState, SyncStatus,
};
pub use outbox::{
    INTERRUPTED_ERROR, OutboxChannel, OutboxKind, OutboxMessage, OutboxState, ProviderStatus,
    StoredTemplate,
};
pub use records::{
    ApplicationRecord, DecisionRecord, DuplicateRecord, MemberRecord, QueueEntry, UploadRecord,
};
pub use regions::{RegionImport, RegionRow};
pub use renewals::{NewRenewal, RenewalChannel, RenewalDecision, RenewalOutcome, RenewalRecord};
pub use staff::{StaffRecord, StaffRole, StaffSession};

/// Errors of the storage layer. The web layer maps them to HTTP statuses in one place.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("upload file storage failed: {0}")]
    Files(#[from] std::io::Error),
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    #[error("stored value is invalid: {0}")]
    InvalidStoredValue(String),
    #[error("the record changed state: {0}")]
    Conflict(&'static str),
    #[error("every member number of the pattern {0} is used")]
    MemberNumbersExhausted(String),
    #[error("a member with this identity number already exists")]
    IdentityAlreadyMember,
    #[error("the region table is invalid: {0}")]
    InvalidRegionTable(String),
    #[error("the member already has an open renewal")]
    RenewalAlreadyOpen,
    #[error("the member's end date changed: the card was renewed meanwhile")]
    AlreadyRenewed,
    #[error("this message carries a single-use link and cannot be sent again")]
    MessageNotResendable,
}

impl StoreError {
    /// True for a unique-constraint violation, which callers may turn into a conflict.
    /// True when the database could not be reached in time, a state worth a 503 and a retry.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            StoreError::Database(sqlx::Error::PoolTimedOut | sqlx::Error::Io(_))
        )
    }

    pub fn is_unique_violation(&self) -> bool {
        matches!(self, StoreError::Database(sqlx::Error::Database(error)) if error.is_unique_violation())
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Database behind a `Store`. A few statements differ between the two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Connection pool plus the few backend differences. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// Whether events also queue WhatsApp messages (see `Store::with_whatsapp`).
    whatsapp: bool,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .finish()
    }
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

impl Store {
    /// Connects to `sqlite://PATH` (the file is created) or `postgres://…` and applies
    /// pending migrations.
    pub async fn connect(url: &str, max_connections: u32) -> StoreResult<Store> {
        sqlx::any::install_default_drivers();

        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_owned()));
        };

        let url = match backend {
            Backend::Sqlite if !url.contains('?') => format!("{url}?mode=rwc"),
            _ => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url)?;

        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |connection, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers run beside the single writer; NORMAL sync is
                        // durable across application crashes (not power loss of the host).
                        connection
                            .execute(
                                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                                 PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                            )
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;

        match backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&pool).await?,
        }

        let store = Store {
            pool,
            backend,
            whatsapp: false,
        };
        store.fill_name_keys().await?;
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Checks that the database responds, for `/healthz`.
    pub async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Starts a write transaction. SQLite takes the write lock at once (`BEGIN IMMEDIATE`),
    /// because a deferred transaction that reads and then writes fails with SQLITE_BUSY when
    /// another writer committed in between.
    async fn begin_write(&self) -> StoreResult<sqlx::Transaction<'static, sqlx::Any>> {
        let transaction = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(transaction)
    }
}

/// Current time in Unix milliseconds, the unit of every timestamp column.
pub fn unix_millis(instant: OffsetDateTime) -> i64 {
    i64::try_from(instant.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// Converts a stored Unix-millisecond timestamp back, or reports a corrupt value.
pub fn from_unix_millis(millis: i64) -> StoreResult<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000)
        .map_err(|_| StoreError::InvalidStoredValue(format!("timestamp {millis}")))
}

/// Name of this process in the claim columns of the queues: host name and process id, so
/// staff can tell which machine held a message or a sync.
pub fn worker_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|name| name.trim().to_owned())
        .ok()
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "localhost".to_owned());
    format!("{host}/{}", std::process::id())
}

/// Creates a random secret of 32 bytes as 64 hex digits, for tokens and file names.
pub fn random_token() -> String {
    let bytes: [u8; 32] = rand::random();
    hex::encode(bytes)
}

/// Hashes a bearer secret with SHA-256. Tokens are stored hashed so that a database leak does
/// not hand out working links. They are long and random, so no salt or slow hash is needed.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn format_date(date: time::Date) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    date.format(&format).unwrap_or_default()
}

fn parse_date(value: &str) -> StoreResult<time::Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(value, &format)
        .map_err(|_| StoreError::InvalidStoredValue(format!("date {value:?}")))
}
