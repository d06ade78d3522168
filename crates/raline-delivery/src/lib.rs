//! E-mail delivery for RALINE: the [`Mailer`] transport (SMTP, `.eml` files or memory).

pub mod mailer;

pub use mailer::*;
