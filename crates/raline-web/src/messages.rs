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

/// Returns whether a message of `kind` is about a member rather than only an application:
/// every kind except address verification and the two decisions on an application.
pub fn has_member(kind: OutboxKind) -> bool {
    !matches!(
        kind,
        OutboxKind::EmailVerification | OutboxKind::CorrectionRequested | OutboxKind::Rejected
    )
}

/// Returns the variables that a message of `kind` has a value for when it is sent, in the
/// order of [`VARIABLES`]. The editor accepts, lists and previews only these.
/// `Composer::values` in compose.rs fills each of them, and it also fills `tautan_status`
/// for the other kinds when the application has a submission key.
pub fn variables_for(kind: OutboxKind) -> Vec<&'static str> {
    VARIABLES
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| kind_fills(kind, name))
        .collect()
}

fn kind_fills(kind: OutboxKind, name: &str) -> bool {
    use OutboxKind::{
        CardIssued, CorrectionRequested, EmailVerification, PasswordReset, Rejected,
        RenewalCorrectionRequested, RenewalRejected, RenewalReminder,
    };
    match name {
        "nama" | "nomor_pendaftaran" | "jenis_anggota" | "perpustakaan" => true,
        "nomor_anggota" | "berlaku_sampai" | "tautan_kartu" => has_member(kind),
        // The composer fills the status link whenever the application has a submission key,
        // but the editor offers it only for the kinds about the application's status.
        "tautan_status" => matches!(kind, CardIssued | CorrectionRequested | Rejected),
        "tautan" => matches!(
            kind,
            EmailVerification
                | PasswordReset
                | RenewalReminder
                | RenewalRejected
                | RenewalCorrectionRequested
        ),
        "alasan" => matches!(
            kind,
            CorrectionRequested | Rejected | RenewalRejected | RenewalCorrectionRequested
        ),
        _ => false,
    }
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

/// Problem of an edited text, reported to the admin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextProblem {
    /// The text is empty or malformed, or names a variable that no message has.
    Template(TemplateProblem),
    /// The variable exists, but messages of this kind have no value for it.
    NotAvailable { name: String },
}

/// Checks an edited subject and body of a `kind` message, naming the first problem.
pub fn validate(kind: OutboxKind, subject: Option<&str>, body: &str) -> Result<(), TextProblem> {
    let available = variables_for(kind);
    let check = |text: &str| match message_template::validate(text, &available) {
        Err(TemplateProblem::UnknownVariable { name }) if variable_names().contains(&&*name) => {
            Err(TextProblem::NotAvailable { name })
        }
        other => other.map_err(TextProblem::Template),
    };
    if let Some(subject) = subject {
        check(subject)?;
    }
    check(body)
}

/// Returns the text in force: the admin's saved one, or else the built-in one.
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

/// Returns the built-in text of a kind and channel.
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

/// Builds the built-in e-mail: paragraphs, then the detail lines with numbers and links.
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

/// Sample member number: 11 digits, `YYMMDD` of the approval day and a 5-digit serial.
const SAMPLE_MEMBER_NUMBER: &str = "26120500042";

/// Sample registration number, in the store's `REG-YYMMDD-NNNN` format.
const SAMPLE_REGISTRATION_NUMBER: &str = "REG-261205-0042";

/// Sample values for the editor's preview of a `kind` message, with only the variables that
/// the kind has, so the preview leaves the others empty as the sent message would.
pub fn sample_values(state: &AppState, kind: OutboxKind, locale: Locale) -> Values {
    let base = &state.config().base_url;
    let library = &state.config().library.name;
    let mut values = Values::from([
        ("nama", "Siti Aminah".to_owned()),
        ("nomor_anggota", SAMPLE_MEMBER_NUMBER.to_owned()),
        ("nomor_pendaftaran", SAMPLE_REGISTRATION_NUMBER.to_owned()),
        ("jenis_anggota", t(locale, "template-sample-type")),
        (
            "berlaku_sampai",
            crate::i18n::format_date(locale, time::macros::date!(2027 - 12 - 05)),
        ),
        ("tautan_kartu", format!("{base}/kartu/contoh")),
        ("tautan_status", format!("{base}/status/contoh")),
        ("tautan", format!("{base}/akun/perpanjang")),
        ("alasan", t(locale, "template-sample-reason")),
        ("perpustakaan", library.clone()),
    ]);
    let available = variables_for(kind);
    values.retain(|name, _| available.contains(name));
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_texts_use_kind_variables() {
        for kind in OutboxKind::ALL {
            for channel in OutboxChannel::ALL {
                for locale in [Locale::Id, Locale::En] {
                    let text = default_text(kind, channel, locale);
                    assert_eq!(
                        validate(kind, text.subject.as_deref(), &text.body),
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

    /// The values that `Composer::values` in compose.rs fills for each kind: the member's
    /// values when the message has a member, and the kind's links and reason.
    #[test]
    fn variables_for_each_kind() {
        const ALWAYS: [&str; 4] = ["nama", "nomor_pendaftaran", "jenis_anggota", "perpustakaan"];
        const MEMBER: [&str; 3] = ["nomor_anggota", "berlaku_sampai", "tautan_kartu"];
        let table: [(OutboxKind, bool, &[&str]); 9] = [
            (OutboxKind::CardIssued, true, &["tautan_status"]),
            (
                OutboxKind::CorrectionRequested,
                false,
                &["tautan_status", "alasan"],
            ),
            (OutboxKind::Rejected, false, &["tautan_status", "alasan"]),
            (OutboxKind::EmailVerification, false, &["tautan"]),
            (OutboxKind::PasswordReset, true, &["tautan"]),
            (OutboxKind::RenewalReminder, true, &["tautan"]),
            (OutboxKind::RenewalApproved, true, &[]),
            (OutboxKind::RenewalRejected, true, &["tautan", "alasan"]),
            (
                OutboxKind::RenewalCorrectionRequested,
                true,
                &["tautan", "alasan"],
            ),
        ];
        assert_eq!(table.len(), OutboxKind::ALL.len());
        for (kind, member, specific) in table {
            assert_eq!(has_member(kind), member, "{kind:?}");

            let mut expected: Vec<&str> = ALWAYS.iter().chain(specific).copied().collect();
            if member {
                expected.extend(MEMBER);
            }
            expected.sort_unstable();
            let mut actual = variables_for(kind);
            actual.sort_unstable();
            assert_eq!(actual, expected, "{kind:?}");
        }
    }

    #[test]
    fn validate_rejects_unavailable_variable() {
        assert_eq!(
            validate(OutboxKind::CardIssued, None, "Yth. {nama}: {alasan}"),
            Err(TextProblem::NotAvailable {
                name: "alasan".into()
            })
        );
        assert_eq!(
            validate(
                OutboxKind::EmailVerification,
                Some("Kartu {nomor_anggota}"),
                "Yth. {nama}"
            ),
            Err(TextProblem::NotAvailable {
                name: "nomor_anggota".into()
            })
        );
        assert_eq!(
            validate(OutboxKind::CardIssued, None, "Yth. {name}"),
            Err(TextProblem::Template(TemplateProblem::UnknownVariable {
                name: "name".into()
            }))
        );
        assert_eq!(
            validate(OutboxKind::Rejected, None, "Ditolak: {alasan}"),
            Ok(())
        );
    }

    #[test]
    fn sample_numbers_match_real_formats() {
        let day = time::macros::date!(2026 - 12 - 05);
        let prefix = raline_domain::member_number::daily_prefix(day);
        assert_eq!(
            raline_domain::member_number::format_member_number(&prefix, 42).as_deref(),
            Some(SAMPLE_MEMBER_NUMBER)
        );
        // The store numbers applications as REG-{YYMMDD}-{serial:04}.
        assert_eq!(
            SAMPLE_REGISTRATION_NUMBER,
            format!("REG-{prefix}-{:04}", 42)
        );
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
