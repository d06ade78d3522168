//! The outbox worker: claims due messages, composes them, sends them over their channel
//! (e-mail or WhatsApp) and records the result.
//!
//! No message is sent twice after a crash. A message is marked as handed over right before
//! it goes to the provider and marked sent right after the provider accepted it. If the
//! process dies in between, the provider may or may not have taken it, so when the claim
//! expires the message is marked failed with `INTERRUPTED_ERROR` for staff to check and
//! resend, not sent again. A crash before the hand-over only delays the message.
//
// A WhatsApp request that times out or breaks after it was sent is treated like a crash:
// failed with its outcome unknown, not sent again. The Cloud API status webhook can still
// report it by its biz_opaque_callback_data.
//
// NOTE: an SMTP send that times out after the message data was transmitted is retried like
// any transient failure. A mail server that stores a message but never replies can therefore
// receive it twice, with the same Message-ID, which mail clients use to spot repeats.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use raline_store::{OutboxChannel, OutboxMessage, Store};
use time::OffsetDateTime;
use tokio::sync::watch;
use tracing::Instrument;

use crate::whatsapp::{WhatsAppError, WhatsAppMessage, WhatsAppProvider};
use crate::{MailError, Mailer, OutgoingMail};

/// Reason a message could not be composed.
#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    /// The data behind the message is gone or invalid; retrying will not help.
    #[error("message cannot be composed: {0}")]
    Permanent(String),
    /// A passing fault, such as a database timeout.
    #[error("message composition failed for now: {0}")]
    Transient(String),
}

/// Turns an outbox row into an e-mail or a WhatsApp message. The web layer implements this
/// with its templates and the card renderer.
pub trait ComposeMail: Send + Sync + 'static {
    fn compose(
        &self,
        message: &OutboxMessage,
    ) -> impl Future<Output = Result<OutgoingMail, ComposeError>> + Send;

    /// Composes the WhatsApp message of a `whatsapp` row. The default rejects it, for
    /// composers that only write e-mail.
    fn compose_whatsapp(
        &self,
        message: &OutboxMessage,
    ) -> impl Future<Output = Result<WhatsAppMessage, ComposeError>> + Send {
        let kind = message.kind.as_str();
        async move {
            Err(ComposeError::Permanent(format!(
                "no WhatsApp text is defined for {kind} messages"
            )))
        }
    }
}

/// Timing of the worker.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// How long a claim lasts; a message still `sending` after this is taken over. Must be
    /// longer than one send (the mailer gives up after 60 s, WhatsApp clients after their
    /// configured timeout).
    pub lease: Duration,
    /// First retry delay; doubled per attempt, with up to 25 % random jitter.
    pub first_retry: Duration,
    /// Maximum delay between two attempts.
    pub max_retry: Duration,
    /// Age after which a message that still fails is marked failed for staff to see.
    pub max_age: Duration,
    /// Maximum sleep when the queue is empty. New messages also wake the worker.
    pub idle_poll: Duration,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        WorkerSettings {
            lease: Duration::from_secs(120),
            first_retry: Duration::from_secs(10),
            max_retry: Duration::from_secs(30 * 60),
            max_age: Duration::from_secs(3 * 24 * 60 * 60),
            idle_poll: Duration::from_secs(5),
        }
    }
}

impl WorkerSettings {
    /// Delay before attempt `attempts + 1`: exponential backoff with jitter, at most
    /// `max_retry`.
    pub fn retry_delay(&self, attempts: i64) -> Duration {
        let exponent = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
        let base = self
            .first_retry
            .saturating_mul(2u32.saturating_pow(exponent))
            .min(self.max_retry);
        let jitter = base.mul_f64(rand::random::<f64>() * 0.25);
        (base + jitter).min(self.max_retry)
    }
}

/// Sends outbox messages until shut down.
pub struct OutboxWorker<C> {
    store: Store,
    mailer: Mailer,
    whatsapp: Option<Arc<WhatsAppProvider>>,
    composer: C,
    settings: WorkerSettings,
    name: String,
}

impl<C: ComposeMail> OutboxWorker<C> {
    pub fn new(store: Store, mailer: Mailer, composer: C, settings: WorkerSettings) -> Self {
        OutboxWorker {
            store,
            mailer,
            whatsapp: None,
            composer,
            settings,
            name: raline_store::worker_name(),
        }
    }

    /// Sends `whatsapp` rows through `provider`. Without one they fail with a reason.
    pub fn with_whatsapp(mut self, provider: Option<Arc<WhatsAppProvider>>) -> Self {
        self.whatsapp = provider;
        self
    }

    /// Runs until `shutdown` turns true. `wake` is notified when new messages are queued.
    pub async fn run(
        mut self,
        mut shutdown: watch::Receiver<bool>,
        wake: Arc<tokio::sync::Notify>,
    ) {
        // The process id is read here rather than in `new` so a worker built before a fork
        // still names its own process.
        self.name = raline_store::worker_name();
        tracing::info!(
            worker = %self.name,
            transport = %self.mailer.describe(),
            whatsapp = %self.whatsapp.as_ref().map_or("off".to_owned(), |provider| provider.describe()),
            "outbox worker started"
        );
        loop {
            if *shutdown.borrow() {
                break;
            }
            let worked = match self.run_once().await {
                Ok(worked) => worked,
                Err(error) => {
                    tracing::error!(%error, "outbox worker could not read the queue");
                    false
                }
            };
            if worked {
                continue;
            }
            let sleep = self.idle_sleep().await;
            tokio::select! {
                _ = tokio::time::sleep(sleep) => {}
                _ = wake.notified() => {}
                _ = shutdown.changed() => {}
            }
        }
        tracing::info!(worker = %self.name, "outbox worker stopped");
    }

    async fn idle_sleep(&self) -> Duration {
        let now = OffsetDateTime::now_utc();
        match self.store.next_outbox_due().await {
            Ok(Some(due)) if due > now => Duration::try_from(due - now)
                .map_or(self.settings.idle_poll, |wait| {
                    wait.min(self.settings.idle_poll)
                }),
            Ok(Some(_)) => Duration::from_millis(50),
            _ => self.settings.idle_poll,
        }
    }

    /// Sends at most one due message. Returns whether one was handled.
    pub async fn run_once(&self) -> Result<bool, raline_store::StoreError> {
        let now = OffsetDateTime::now_utc();
        let lease =
            time::Duration::try_from(self.settings.lease).unwrap_or(time::Duration::minutes(2));
        let Some(message) = self
            .store
            .claim_outbox_message(now, lease, &self.name)
            .await?
        else {
            return Ok(false);
        };
        let span = tracing::info_span!(
            "outbox",
            outbox_id = message.id,
            kind = message.kind.as_str(),
            channel = message.channel.as_str(),
            application_id = message.application_id,
            member_id = message.member_id
        );
        self.deliver(message).instrument(span).await?;
        Ok(true)
    }

    async fn deliver(&self, message: OutboxMessage) -> Result<(), raline_store::StoreError> {
        let result = match message.channel {
            OutboxChannel::Email => self.send_email(&message).await,
            OutboxChannel::WhatsApp => self.send_whatsapp(&message).await,
        };

        let now = OffsetDateTime::now_utc();
        match result {
            Ok(receipt) => {
                self.store
                    .mark_outbox_sent(
                        message.id,
                        now,
                        receipt.provider,
                        receipt.provider_message_id.as_deref(),
                    )
                    .await?;
                tracing::info!(
                    attempts = message.attempts,
                    provider = receipt.provider,
                    "message sent"
                );
                Ok(())
            }
            Err(failure) => self.record_failure(&message, failure, now).await,
        }
    }

    async fn send_email(&self, message: &OutboxMessage) -> Result<Receipt, Failure> {
        let mail = self
            .composer
            .compose(message)
            .await
            .map_err(Failure::Compose)?;
        self.hand_over(message).await?;
        self.mailer.send(&mail).await.map_err(Failure::Mail)?;
        Ok(Receipt {
            provider: self.mailer.provider_name(),
            provider_message_id: Some(mail.message_id),
        })
    }

    async fn send_whatsapp(&self, message: &OutboxMessage) -> Result<Receipt, Failure> {
        let Some(provider) = &self.whatsapp else {
            return Err(Failure::Compose(ComposeError::Permanent(
                "WhatsApp is not configured on the node that sent this message".into(),
            )));
        };
        let whatsapp = self
            .composer
            .compose_whatsapp(message)
            .await
            .map_err(Failure::Compose)?;
        // The document upload reaches no member, so a crash during it only delays the
        // message: the hand-over is recorded right before the delivering request.
        let prepared = provider
            .prepare(&whatsapp)
            .await
            .map_err(Failure::WhatsApp)?;
        self.hand_over(message).await?;
        let receipt = provider
            .deliver(&whatsapp, &prepared)
            .await
            .map_err(Failure::WhatsApp)?;
        Ok(Receipt {
            provider: provider.name(),
            provider_message_id: receipt.provider_message_id,
        })
    }

    async fn hand_over(&self, message: &OutboxMessage) -> Result<(), Failure> {
        self.store
            .mark_outbox_handed_over(message.id, OffsetDateTime::now_utc())
            .await
            .map_err(|error| Failure::Compose(ComposeError::Transient(error.to_string())))
    }

    async fn record_failure(
        &self,
        message: &OutboxMessage,
        failure: Failure,
        now: OffsetDateTime,
    ) -> Result<(), raline_store::StoreError> {
        let reason = failure.to_string();
        let age = now - message.created_at;
        let too_old = age
            > time::Duration::try_from(self.settings.max_age).unwrap_or(time::Duration::days(3));

        if failure.is_outcome_unknown() {
            tracing::error!(
                attempts = message.attempts,
                error = %reason,
                "message may have reached the provider; marked failed, not sent again"
            );
            return self
                .store
                .fail_outbox_message_outcome_unknown(message.id, &reason, now)
                .await;
        }
        if !failure.is_retryable() || too_old {
            tracing::error!(attempts = message.attempts, error = %reason, "message failed for good");
            return self
                .store
                .fail_outbox_message(message.id, &reason, now)
                .await;
        }

        let mut delay = self.settings.retry_delay(message.attempts);
        if let Some(requested) = failure.retry_after() {
            delay = delay.max(requested.min(self.settings.max_retry));
        }
        let next = now + time::Duration::try_from(delay).unwrap_or(time::Duration::minutes(1));
        tracing::warn!(
            attempts = message.attempts,
            retry_in_seconds = delay.as_secs(),
            error = %reason,
            "message not sent, will retry"
        );
        self.store
            .retry_outbox_message(message.id, next, &reason)
            .await
    }
}

/// Provider and message id of an accepted message.
struct Receipt {
    provider: &'static str,
    provider_message_id: Option<String>,
}

#[derive(Debug, thiserror::Error)]
enum Failure {
    #[error(transparent)]
    Mail(MailError),
    #[error(transparent)]
    WhatsApp(WhatsAppError),
    #[error(transparent)]
    Compose(ComposeError),
}

impl Failure {
    fn is_retryable(&self) -> bool {
        match self {
            Failure::Mail(error) => error.is_retryable(),
            Failure::WhatsApp(error) => error.is_retryable(),
            Failure::Compose(ComposeError::Transient(_)) => true,
            Failure::Compose(ComposeError::Permanent(_)) => false,
        }
    }

    fn is_outcome_unknown(&self) -> bool {
        matches!(self, Failure::WhatsApp(error) if error.is_outcome_unknown())
    }

    fn retry_after(&self) -> Option<Duration> {
        match self {
            Failure::WhatsApp(error) => error.retry_after(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delay_grows_and_caps() {
        let settings = WorkerSettings::default();
        let first = settings.retry_delay(1);
        assert!(first >= Duration::from_secs(10));
        assert!(first <= Duration::from_millis(12_500));
        let third = settings.retry_delay(3);
        assert!(third >= Duration::from_secs(40));
        assert!(third <= Duration::from_secs(50));
        let late = settings.retry_delay(40);
        assert_eq!(late, Duration::from_secs(1800));
    }

    #[test]
    fn worker_name_has_pid() {
        let name = raline_store::worker_name();
        assert!(name.ends_with(&format!("/{}", std::process::id())));
    }
}
