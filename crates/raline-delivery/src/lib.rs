//! Delivery for RALINE: the [`Mailer`] transport (SMTP, `.eml` files or memory), the
//! [`whatsapp`] provider clients and the [`outbox`] worker that sends queued messages with
//! retries.

pub mod mailer;
pub mod outbox;
pub mod whatsapp;

pub use mailer::*;
pub use outbox::{ComposeError, ComposeMail, OutboxWorker, WorkerSettings};
