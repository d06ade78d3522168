//! Texts of outbox messages: the built-in ones from the message catalogue, the admin's
//! saved ones, and the variables both may use.
//!
//! A built-in text is the catalogue message formatted with `{variable}` placeholders as its
//! arguments, so the admin starts editing from exactly the text that members receive.

use std::collections::BTreeMap;

use raline_domain::message_template::{self, TemplateProblem};
use raline_store::{OutboxChannel, OutboxKind, StoreError};

use crate::AppState;
use crate::i18n::{Arg, Locale, t, t_args};

/// Variables of message texts, with the catalogue key describing each for the editor.
pub const VARIABLES: [(&str, &str); 10] = [
    ("nama", "template-variable-nama"),
    ("nomor_anggota", "template-variable-nomor_anggota"),
    ("nomor_pendaftaran", "template-variable-nomor_pendaftaran"),
    ("jenis_anggota", "template-variable-jenis_anggota"),
    ("berlaku_sampai", "template-variable-berlaku_sampai"),
    ("tautan_kartu", "template-variable-tautan_kartu"),
    ("tautan_status", "template-variable-tautan_status"),
    ("tautan", "template-variable-tautan"),
    ("alasan", "template-variable-alasan"),
    ("perpustakaan", "template-variable-perpustakaan"),
];

/// Names of [`VARIABLES`], for validation.
pub fn variable_names() -> Vec<&'static str> {
    VARIABLES.iter().map(|(name, _)| *name).collect()
}

/// Values of the variables for one message.
pub type Values = BTreeMap<&'static str, String>;

/// Subject (e-mail only) and body of a message, before or after the variables are filled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageText {
    pub subject: Option<String>,
    pub body: String,
    /// Whether the admin changed the built-in text.
    pub customised: bool,
}

impl MessageText {
    pub fn render(&self, values: &Values) -> MessageText {
        MessageText {
            subject: self
                .subject
                .as_deref()
                .map(|subject| message_template::render(subject, values)),
            body: message_template::render(&self.body, values),
            customised: self.customised,
        }
    }
}

/// Checks an edited subject and body, naming the first problem.
pub fn validate(subject: Option<&str>, body: &str) -> Result<(), TemplateProblem> {
    let names = variable_names();
    if let Some(subject) = subject {
        message_template::validate(subject, &names)?;
    }
    message_template::validate(body, &names)
}

/// The text in force: the admin's saved one, or else the built-in one.
pub async fn text_for(
    state: &AppState,
    kind: OutboxKind,
    channel: OutboxChannel,
    locale: Locale,
) -> Result<MessageText, StoreError> {
    let stored = state
        .store()
        .message_template(kind, channel, locale.code())
        .await?;
    Ok(match stored {
        Some(stored) => MessageText {
            subject: match channel {
                OutboxChannel::Email => stored.subject,
                OutboxChannel::WhatsApp => None,
            },
            body: stored.body,
            customised: true,
        },
        None => default_text(kind, channel, locale),
    })
}

/// The built-in text of a kind and channel.
pub fn default_text(kind: OutboxKind, channel: OutboxChannel, locale: Locale) -> MessageText {
    match channel {
        OutboxChannel::Email => default_email(kind, locale),
        OutboxChannel::WhatsApp => MessageText {
            subject: None,
            body: t_args(locale, whatsapp_key(kind), &placeholders()),
            customised: false,
        },
    }
}

/// Catalogue arguments that format a message into a template.
fn placeholders() -> Vec<(&'static str, Arg<'static>)> {
    vec![
        ("name", "{nama}".into()),
        ("library", "{perpustakaan}".into()),
        ("number", "{nomor_anggota}".into()),
        ("registration", "{nomor_pendaftaran}".into()),
        ("type", "{jenis_anggota}".into()),
        ("date", "{berlaku_sampai}".into()),
        ("card_url", "{tautan_kartu}".into()),
        ("status_url", "{tautan_status}".into()),
        ("url", "{tautan}".into()),
        ("reason", "{alasan}".into()),
    ]
}

fn whatsapp_key(kind: OutboxKind) -> &'static str {
    match kind {
        OutboxKind::CardIssued => "whatsapp-card-issued",
        OutboxKind::CorrectionRequested => "whatsapp-correction-requested",
        OutboxKind::Rejected => "whatsapp-rejected",
        OutboxKind::EmailVerification => "whatsapp-email-verification",
        OutboxKind::PasswordReset => "whatsapp-password-reset",
        OutboxKind::RenewalReminder => "whatsapp-renewal-reminder",
        OutboxKind::RenewalApproved => "whatsapp-renewal-approved",
        OutboxKind::RenewalRejected => "whatsapp-renewal-rejected",
        OutboxKind::RenewalCorrectionRequested => "whatsapp-renewal-correction-requested",
    }
}

/// The built-in e-mail: paragraphs, then the detail lines with numbers and links.
fn default_email(kind: OutboxKind, locale: Locale) -> MessageText {
    let args = placeholders();
    let line = |key: &str| t_args(locale, key, &args);
    let (subject, paragraphs, details): (String, Vec<String>, Vec<String>) = match kind {
        OutboxKind::CardIssued => (
            line("email-card-subject"),
            vec![line("email-card-body"), line("email-card-pickup")],
            vec![
                line("email-card-number"),
                line("email-card-valid"),
                t_args(
                    locale,
                    "email-card-status",
                    &[("url", "{tautan_status}".into())],
                ),
            ],
        ),
        OutboxKind::RenewalApproved => (
            line("email-renewal-approved-subject"),
            vec![
                line("email-renewal-approved-body"),
                line("email-card-pickup"),
            ],
            vec![line("email-card-number"), line("email-card-valid")],
        ),
        OutboxKind::CorrectionRequested => (
            t_args(
                locale,
                "email-correction-subject",
                &[("number", "{nomor_pendaftaran}".into())],
            ),
            vec![
                line("email-correction-body"),
                "{alasan}".to_owned(),
                line("email-correction-action"),
            ],
            vec![t_args(
                locale,
                "email-status-link",
                &[("url", "{tautan_status}".into())],
            )],
        ),
        OutboxKind::Rejected => (
            t_args(
                locale,
                "email-rejected-subject",
                &[("number", "{nomor_pendaftaran}".into())],
            ),
            vec![
                line("email-rejected-body"),
                "{alasan}".to_owned(),
                line("email-rejected-action"),
            ],
            vec![t_args(
                locale,
                "email-status-link",
                &[("url", "{tautan_status}".into())],
            )],
        ),
        OutboxKind::EmailVerification => (
            line("email-verify-subject"),
            vec![line("email-verify-body"), line("email-verify-expiry")],
            vec![line("email-verify-link")],
        ),
        OutboxKind::PasswordReset => (
            line("email-reset-subject"),
            vec![line("email-reset-body"), line("email-reset-ignore")],
            vec![line("email-card-number"), line("email-reset-link")],
        ),
        OutboxKind::RenewalReminder => (
            line("email-reminder-subject"),
            vec![line("email-reminder-body"), line("email-reminder-action")],
            vec![line("email-card-number"), line("email-reminder-link")],
        ),
        OutboxKind::RenewalRejected => (
            line("email-renewal-rejected-subject"),
            vec![
                line("email-renewal-rejected-body"),
                "{alasan}".to_owned(),
                line("email-rejected-action"),
            ],
            vec![line("email-reminder-link")],
        ),
        OutboxKind::RenewalCorrectionRequested => (
            line("email-renewal-correction-subject"),
            vec![
                line("email-renewal-correction-body"),
                "{alasan}".to_owned(),
                line("email-renewal-correction-action"),
            ],
            vec![line("email-reminder-link")],
        ),
    };
    let mut body = paragraphs.join("\n\n");
    body.push_str("\n\n");
    body.push_str(&details.join("\n"));
    MessageText {
        subject: Some(subject),
        body,
        customised: false,
    }
}

/// Splits a rendered e-mail body into paragraphs at blank lines, dropping empty ones (for
/// example a reason that was not given).
pub fn paragraphs(body: &str) -> Vec<String> {
    body.replace("\r\n", "\n")
        .split("\n\n")
        .map(str::trim)
        .filter(|paragraph| !paragraph.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Sample values for the editor's preview.
pub fn sample_values(state: &AppState, locale: Locale) -> Values {
    let base = &state.config().base_url;
    let library = &state.config().library.name;
    Values::from([
        ("nama", "Siti Aminah".to_owned()),
        ("nomor_anggota", "3576.2026.00042".to_owned()),
        ("nomor_pendaftaran", "REG-2026-000042".to_owned()),
        ("jenis_anggota", t(locale, "template-sample-type")),
        (
            "berlaku_sampai",
            crate::i18n::format_date(locale, time::macros::date!(2027 - 07 - 29)),
        ),
        ("tautan_kartu", format!("{base}/kartu/contoh")),
        ("tautan_status", format!("{base}/status/contoh")),
        ("tautan", format!("{base}/akun/perpanjang")),
        ("alasan", t(locale, "template-sample-reason")),
        ("perpustakaan", library.clone()),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_texts_use_known_variables() {
        for kind in OutboxKind::ALL {
            for channel in OutboxChannel::ALL {
                for locale in [Locale::Id, Locale::En] {
                    let text = default_text(kind, channel, locale);
                    assert_eq!(
                        validate(text.subject.as_deref(), &text.body),
                        Ok(()),
                        "{kind:?} {channel:?} {locale:?}: {text:?}"
                    );
                    assert!(
                        !text.body.contains("email-") && !text.body.contains("whatsapp-"),
                        "{kind:?} {channel:?} {locale:?} has a missing catalogue key: {}",
                        text.body
                    );
                }
            }
        }
    }

    #[test]
    fn paragraphs_drop_empty_reason() {
        let body = "Ditolak karena:\n\n\n\nHubungi kami.\n\nNomor: 1\nTautan: x";
        assert_eq!(
            paragraphs(body),
            vec!["Ditolak karena:", "Hubungi kami.", "Nomor: 1\nTautan: x"]
        );
    }
}
