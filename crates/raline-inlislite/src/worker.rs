//! The sync worker: claims members whose INLISLite copy is out of date, writes their whole
//! current state, and records the result for staff.
//!
//! A failure INLISLite may recover from (down, timing out, a lock) is retried with growing
//! delays, and the worker has no maximum age, so nothing is lost while the library's server
//! is off. A
//! failure only staff can resolve (a missing mapping, a name the table cannot hold, a
//! number held by someone else) stops the member until staff act.

use std::sync::Arc;
use std::time::Duration;

use raline_store::{FileStore, Store, StoreError, SyncClaim};
use time::OffsetDateTime;
use tokio::sync::{Mutex, watch};
use tracing::Instrument;

use crate::database::{InlisliteDb, SyncError, SyncSettings};
use crate::gather::load_snapshot;
use crate::mapping::{Category, LookupRow, Mapping};
use raline_domain::member_number::NumberPattern;

/// Connection settings and pool of INLISLite's database. It connects on first use, so RALINE
/// starts while INLISLite is down, and connects again after a failed attempt.
pub struct Connector {
    url: String,
    settings: SyncSettings,
    timeout: Duration,
    db: Mutex<Option<Arc<InlisliteDb>>>,
}

impl std::fmt::Debug for Connector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may hold the sync account's password.
        f.debug_struct("Connector").finish_non_exhaustive()
    }
}

impl Connector {
    /// `timeout` bounds the connection and each statement's wait, in whole seconds.
    pub fn new(url: &str, settings: SyncSettings, timeout: Duration) -> Arc<Connector> {
        Arc::new(Connector {
            url: url.to_owned(),
            settings,
            timeout,
            db: Mutex::new(None),
        })
    }

    pub fn settings(&self) -> &SyncSettings {
        &self.settings
    }

    /// Returns the connection pool, connecting when there is none yet.
    pub async fn get(&self) -> Result<Arc<InlisliteDb>, SyncError> {
        let mut db = self.db.lock().await;
        if let Some(db) = db.as_ref() {
            return Ok(db.clone());
        }
        let connected =
            Arc::new(InlisliteDb::connect(&self.url, self.settings.clone(), self.timeout).await?);
        *db = Some(connected.clone());
        Ok(connected)
    }

    /// Lowest sequence RALINE may give the next number of `pattern`: one above the highest
    /// INLISLite holds. Errors when INLISLite cannot tell within the timeout; the caller then
    /// relies on the sync's collision check.
    pub async fn number_floor(&self, pattern: &NumberPattern) -> Result<u32, SyncError> {
        let ask = async {
            let db = self.get().await?;
            db.highest_sequence_of(pattern).await
        };
        let highest = tokio::time::timeout(NUMBER_CHECK_TIMEOUT.min(self.timeout), ask)
            .await
            .map_err(|_| SyncError::TimedOut)??;

        // A number at the end of the range (a typo at INLISLite's desk, say) would leave
        // RALINE no number for the rest of the day; the sync's collision check guards the
        // numbers below it instead.
        Ok(highest
            .map(|value| value.saturating_add(1))
            .filter(|&floor| floor <= pattern.max_sequence())
            .unwrap_or(1))
    }
}

/// Maximum wait for INLISLite's numbers during an approval, which staff wait for. When
/// INLISLite is slower, the approval goes on and the sync checks the number later.
const NUMBER_CHECK_TIMEOUT: Duration = Duration::from_millis(1500);

/// Reads the admin's mapping from the store.
pub async fn load_mapping(store: &Store) -> Result<Mapping, StoreError> {
    let mut mapping = Mapping::default();
    for stored in store.inlislite_mappings().await? {
        if let Some(category) = Category::parse(&stored.category) {
            mapping.insert(
                category,
                &stored.raline_value,
                LookupRow {
                    id: stored.lookup_id,
                    name: stored.lookup_name,
                },
            );
        }
    }
    Ok(mapping)
}

/// Timing of the sync worker.
#[derive(Debug, Clone)]
pub struct SyncWorkerSettings {
    /// How long a claim lasts; longer than one sync with its photo write.
    pub lease: Duration,
    /// First retry delay, doubled per attempt with up to 25 % jitter.
    pub first_retry: Duration,
    /// Maximum delay between two attempts.
    pub max_retry: Duration,
    /// Maximum sleep when nothing is due. Events queue rows in the database, which other
    /// nodes cannot signal, so the worker looks again after this.
    pub idle_poll: Duration,
}

impl Default for SyncWorkerSettings {
    fn default() -> Self {
        SyncWorkerSettings {
            lease: Duration::from_secs(120),
            first_retry: Duration::from_secs(5),
            max_retry: Duration::from_secs(600),
            idle_poll: Duration::from_secs(2),
        }
    }
}

impl SyncWorkerSettings {
    fn retry_delay(&self, attempts: i64) -> Duration {
        let exponent = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
        let base = self
            .first_retry
            .saturating_mul(2u32.saturating_pow(exponent))
            .min(self.max_retry);
        let jitter = base.mul_f64(rand::random::<f64>() * 0.25);
        (base + jitter).min(self.max_retry)
    }
}

/// Reason one member's sync did not finish.
#[derive(Debug, thiserror::Error)]
enum WriteError {
    #[error(transparent)]
    Sync(#[from] SyncError),
    #[error("Data anggota tidak dapat dibaca dari basis data RALINE; akan dicoba lagi.")]
    Store(#[from] StoreError),
    #[error("Anggota ini sudah tidak ada di RALINE.")]
    MemberGone,
}

impl WriteError {
    fn is_transient(&self) -> bool {
        match self {
            WriteError::Sync(error) => error.is_transient(),
            WriteError::Store(_) => true,
            WriteError::MemberGone => false,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            WriteError::Sync(error) => error.code(),
            WriteError::Store(_) => "raline_store",
            WriteError::MemberGone => "member_gone",
        }
    }
}

/// Outcome of one member's sync, for logs and tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncResult {
    Synced { changed: bool },
    Retrying { code: &'static str },
    Failed { code: &'static str },
}

/// Syncs members until shut down.
pub struct SyncWorker {
    store: Store,
    files: FileStore,
    connector: Arc<Connector>,
    settings: SyncWorkerSettings,
    name: String,
}

impl SyncWorker {
    pub fn new(
        store: Store,
        files: FileStore,
        connector: Arc<Connector>,
        settings: SyncWorkerSettings,
    ) -> SyncWorker {
        SyncWorker {
            store,
            files,
            connector,
            settings,
            name: raline_store::worker_name(),
        }
    }

    /// Runs until `shutdown` turns true. A member being written when it does is finished.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        loop {
            if *shutdown.borrow() {
                return;
            }
            match self.sync_next().await {
                Ok(Some(_)) => continue,
                Ok(None) => {}
                Err(error) => tracing::warn!(%error, "INLISLite sync queue could not be read"),
            }
            let pause = self.idle_pause().await;
            tokio::select! {
                _ = tokio::time::sleep(pause) => {}
                _ = shutdown.changed() => {}
            }
        }
    }

    async fn idle_pause(&self) -> Duration {
        let due = self.store.next_inlislite_sync_due().await.ok().flatten();
        let now = OffsetDateTime::now_utc();
        let until_due = due
            .map(|due| Duration::try_from(due - now).unwrap_or(Duration::ZERO))
            .unwrap_or(self.settings.idle_poll);
        until_due
            .min(self.settings.idle_poll)
            .max(Duration::from_millis(50))
    }

    /// Claims and syncs one due member. Returns `None` when none is due.
    pub async fn sync_next(&self) -> Result<Option<SyncResult>, StoreError> {
        let now = OffsetDateTime::now_utc();
        let lease =
            time::Duration::try_from(self.settings.lease).unwrap_or(time::Duration::minutes(2));
        let Some(claim) = self
            .store
            .claim_inlislite_sync(now, lease, &self.name)
            .await?
        else {
            return Ok(None);
        };
        let span = tracing::info_span!("inlislite_sync", member_id = claim.member_id);
        let result = self.sync_claimed(&claim).instrument(span).await?;
        Ok(Some(result))
    }

    async fn sync_claimed(&self, claim: &SyncClaim) -> Result<SyncResult, StoreError> {
        let outcome = self.write(claim).await;
        let now = OffsetDateTime::now_utc();
        match outcome {
            Ok((inlislite_id, changed, previous)) => {
                self.store
                    .finish_inlislite_sync(
                        claim,
                        &self.name,
                        inlislite_id,
                        previous.as_deref(),
                        now,
                    )
                    .await?;
                tracing::info!(inlislite_id, changed, "member synced to INLISLite");
                Ok(SyncResult::Synced { changed })
            }
            Err(error) if error.is_transient() => {
                let next = now + self.settings.retry_delay(claim.attempts);
                self.store
                    .retry_inlislite_sync(
                        claim,
                        &self.name,
                        error.code(),
                        &error.to_string(),
                        next,
                        now,
                    )
                    .await?;
                tracing::warn!(
                    code = error.code(),
                    attempts = claim.attempts,
                    "INLISLite sync will be retried"
                );
                Ok(SyncResult::Retrying { code: error.code() })
            }
            Err(error) => {
                self.store
                    .fail_inlislite_sync(claim, &self.name, error.code(), &error.to_string(), now)
                    .await?;
                tracing::warn!(code = error.code(), "INLISLite sync needs staff");
                Ok(SyncResult::Failed { code: error.code() })
            }
        }
    }

    /// Writes the member and, when asked, the portal password. Returns INLISLite's member
    /// id, whether anything changed, and the old INLISLite number when the row was
    /// renumbered.
    async fn write(&self, claim: &SyncClaim) -> Result<(i64, bool, Option<String>), WriteError> {
        let snapshot = load_snapshot(&self.store, &self.files, claim.member_id)
            .await?
            .ok_or(WriteError::MemberGone)?;
        let mapping = load_mapping(&self.store).await?;
        let db = self.connector.get().await?;
        let outcome = db
            .sync_member_known(&snapshot, &mapping, claim.inlislite_id)
            .await?;
        if let Some(sha1) = &claim.portal_password_sha1
            && self.connector.settings().portal_login
        {
            db.set_portal_password_hash(&snapshot.member_number, sha1)
                .await?;
        }
        Ok((
            outcome.inlislite_id,
            outcome.changed,
            outcome.previous_member_number,
        ))
    }
}
