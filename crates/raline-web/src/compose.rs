//! E-mails for outbox messages, rendered when they are sent: cards, decisions, address
//! verification, password resets, renewal reminders and renewal decisions.

use raline_delivery::{Attachment, ComposeError, ComposeMail, OutgoingMail};
use raline_store::{OutboxKind, OutboxMessage};

use crate::AppState;
use crate::i18n::{Locale, format_date, t, t_args};

/// Composes applicant e-mails from the stored application, in the language the applicant used.
#[derive(Clone)]
pub struct Composer {
    state: AppState,
}

impl Composer {
    pub fn new(state: AppState) -> Self {
        Composer { state }
    }

    /// Host part of Message-IDs, from the public base URL.
    fn message_id_host(&self) -> String {
        let base = &self.state.config().base_url;
        let host = base
            .split("://")
            .nth(1)
            .unwrap_or(base)
            .split(['/', ':'])
            .next()
            .unwrap_or("localhost");
        if host.is_empty() {
            "localhost".to_owned()
        } else {
            host.to_owned()
        }
    }
}

fn transient(error: impl std::fmt::Display) -> ComposeError {
    ComposeError::Transient(error.to_string())
}

impl ComposeMail for Composer {
    async fn compose(&self, message: &OutboxMessage) -> Result<OutgoingMail, ComposeError> {
        let state = &self.state;
        let application_id = message
            .application_id
            .ok_or_else(|| ComposeError::Permanent("message has no application".into()))?;
        let application = state
            .store()
            .application(application_id)
            .await
            .map_err(transient)?
            .ok_or_else(|| ComposeError::Permanent("application no longer exists".into()))?;
        let member = match message.member_id {
            Some(member_id) => Some(
                state
                    .store()
                    .member(member_id)
                    .await
                    .map_err(transient)?
                    .ok_or_else(|| ComposeError::Permanent("member no longer exists".into()))?,
            ),
            None => None,
        };
        let locale = Locale::parse(&application.locale).unwrap_or_default();
        let library = &state.config().library.name;
        let base_url = &state.config().base_url;
        let number = &application.registration_number;

        let status_url = state
            .store()
            .submission_key(application_id)
            .await
            .map_err(transient)?
            .map(|key| {
                let token = crate::forms::status_token(state, &key);
                format!("{base_url}/status/{token}")
            })
            .unwrap_or_default();
        let link = |path: &str| -> Result<String, ComposeError> {
            let token = message
                .link_token
                .as_deref()
                .ok_or_else(|| ComposeError::Permanent("the link of the message is gone".into()))?;
            Ok(format!("{base_url}{path}{token}"))
        };
        let member_or_error = || {
            member
                .as_ref()
                .ok_or_else(|| ComposeError::Permanent("message has no member".into()))
        };
        let renewal_reason = || async {
            match message.renewal_id {
                Some(id) => state
                    .store()
                    .renewal(id)
                    .await
                    .map_err(transient)
                    .map(|renewal| renewal.and_then(|renewal| renewal.decision_reason)),
                None => Ok(None),
            }
        };

        let mut details = Vec::new();
        let mut attachments = Vec::new();
        let (subject, paragraphs) = match message.kind {
            OutboxKind::CardIssued | OutboxKind::RenewalApproved => {
                let member = member_or_error()?;
                let pdf = crate::card::render_member_card(state, member, &application)
                    .await
                    .map_err(transient)?;
                attachments.push(Attachment {
                    filename: crate::card::card_file_name(&member.member_number),
                    content_type: "application/pdf".into(),
                    bytes: pdf,
                });
                let date = format_date(locale, member.valid_until);
                details.push(t_args(
                    locale,
                    "email-card-number",
                    &[("number", member.member_number.as_str().into())],
                ));
                details.push(t_args(locale, "email-card-valid", &[("date", date.into())]));
                let renewed = message.kind == OutboxKind::RenewalApproved;
                let subject_key = if renewed {
                    "email-renewal-approved-subject"
                } else {
                    "email-card-subject"
                };
                let body_key = if renewed {
                    "email-renewal-approved-body"
                } else {
                    "email-card-body"
                };
                (
                    t_args(
                        locale,
                        subject_key,
                        &[
                            ("library", library.as_str().into()),
                            ("number", member.member_number.as_str().into()),
                        ],
                    ),
                    vec![t(locale, body_key), t(locale, "email-card-pickup")],
                )
            }
            OutboxKind::CorrectionRequested => (
                t_args(
                    locale,
                    "email-correction-subject",
                    &[("number", number.as_str().into())],
                ),
                vec![
                    t(locale, "email-correction-body"),
                    application.decision_reason.clone().unwrap_or_default(),
                    t(locale, "email-correction-action"),
                ],
            ),
            OutboxKind::Rejected => (
                t_args(
                    locale,
                    "email-rejected-subject",
                    &[("number", number.as_str().into())],
                ),
                vec![
                    t(locale, "email-rejected-body"),
                    application.decision_reason.clone().unwrap_or_default(),
                    t(locale, "email-rejected-action"),
                ],
            ),
            OutboxKind::EmailVerification => {
                let url = link("/verifikasi-email/")?;
                details.push(t_args(locale, "email-verify-link", &[("url", url.into())]));
                (
                    t_args(
                        locale,
                        "email-verify-subject",
                        &[("library", library.as_str().into())],
                    ),
                    vec![
                        t(locale, "email-verify-body"),
                        t(locale, "email-verify-expiry"),
                    ],
                )
            }
            OutboxKind::PasswordReset => {
                let member = member_or_error()?;
                let url = link("/akun/sandi-baru/")?;
                details.push(t_args(
                    locale,
                    "email-card-number",
                    &[("number", member.member_number.as_str().into())],
                ));
                details.push(t_args(locale, "email-reset-link", &[("url", url.into())]));
                (
                    t_args(
                        locale,
                        "email-reset-subject",
                        &[("library", library.as_str().into())],
                    ),
                    vec![
                        t(locale, "email-reset-body"),
                        t(locale, "email-reset-ignore"),
                    ],
                )
            }
            OutboxKind::RenewalReminder => {
                let member = member_or_error()?;
                let date = format_date(locale, member.valid_until);
                details.push(t_args(
                    locale,
                    "email-card-number",
                    &[("number", member.member_number.as_str().into())],
                ));
                details.push(t_args(
                    locale,
                    "email-reminder-link",
                    &[("url", format!("{base_url}/akun/perpanjang").into())],
                ));
                (
                    t_args(
                        locale,
                        "email-reminder-subject",
                        &[("date", date.as_str().into())],
                    ),
                    vec![
                        t_args(locale, "email-reminder-body", &[("date", date.into())]),
                        t(locale, "email-reminder-action"),
                    ],
                )
            }
            OutboxKind::RenewalRejected | OutboxKind::RenewalCorrectionRequested => {
                let member = member_or_error()?;
                let rejected = message.kind == OutboxKind::RenewalRejected;
                details.push(t_args(
                    locale,
                    "email-reminder-link",
                    &[("url", format!("{base_url}/akun/perpanjang").into())],
                ));
                let (subject_key, body_key, action_key) = if rejected {
                    (
                        "email-renewal-rejected-subject",
                        "email-renewal-rejected-body",
                        "email-rejected-action",
                    )
                } else {
                    (
                        "email-renewal-correction-subject",
                        "email-renewal-correction-body",
                        "email-renewal-correction-action",
                    )
                };
                (
                    t_args(
                        locale,
                        subject_key,
                        &[("number", member.member_number.as_str().into())],
                    ),
                    vec![
                        t(locale, body_key),
                        renewal_reason().await?.unwrap_or_default(),
                        t(locale, action_key),
                    ],
                )
            }
        };

        let status_link = match message.kind {
            OutboxKind::CardIssued => Some("email-card-status"),
            OutboxKind::CorrectionRequested | OutboxKind::Rejected => Some("email-status-link"),
            _ => None,
        };
        if let Some(key) = status_link
            && !status_url.is_empty()
        {
            details.push(t_args(locale, key, &[("url", status_url.into())]));
        }

        // Messages to a member go to the member's current address and name; a verification
        // link goes only to the address it was made for.
        let (mut to_address, to_name) = match &member {
            Some(member) => (member.email.clone(), member.full_name.clone()),
            None => (application.email.clone(), application.full_name.clone()),
        };
        if message.kind == OutboxKind::EmailVerification
            && let Some(token) = &message.link_token
        {
            to_address = state
                .store()
                .link_email(token)
                .await
                .map_err(transient)?
                .ok_or_else(|| ComposeError::Permanent("the link no longer exists".into()))?;
        }
        let context = minijinja::context! {
            locale => locale.code(),
            greeting => t_args(locale, "email-greeting", &[("name", to_name.as_str().into())]),
            paragraphs,
            details,
            signature => t(locale, "email-signature"),
            library_name => library,
            footer => t_args(locale, "email-footer", &[("library", library.as_str().into())]),
        };
        let render = |name: &str| {
            state
                .templates()
                .get_template(name)
                .and_then(|template| template.render(&context))
                .map_err(|error| ComposeError::Permanent(format!("template {name}: {error}")))
        };

        Ok(OutgoingMail {
            to_address,
            to_name: Some(to_name),
            subject,
            text_body: render("email.txt")?,
            html_body: Some(render("email.html")?),
            attachments,
            message_id: format!("<raline-outbox-{}@{}>", message.id, self.message_id_host()),
        })
    }
}
