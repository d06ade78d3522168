//! E-mails for outbox messages, rendered when they are sent.

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
        let locale = Locale::parse(&application.locale).unwrap_or_default();
        let library = &state.config().library.name;
        let number = &application.registration_number;

        let status_url = state
            .store()
            .submission_key(application_id)
            .await
            .map_err(transient)?
            .map(|key| {
                let token = crate::forms::status_token(state, &key);
                format!("{}/status/{token}", state.config().base_url)
            })
            .unwrap_or_default();

        let mut details = Vec::new();
        let mut attachments = Vec::new();
        let (subject, paragraphs) = match message.kind {
            OutboxKind::CardIssued => {
                let member_id = message
                    .member_id
                    .ok_or_else(|| ComposeError::Permanent("card message has no member".into()))?;
                let member = state
                    .store()
                    .member(member_id)
                    .await
                    .map_err(transient)?
                    .ok_or_else(|| ComposeError::Permanent("member no longer exists".into()))?;
                let pdf = crate::card::render_member_card(state, &member, &application)
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
                (
                    t_args(
                        locale,
                        "email-card-subject",
                        &[
                            ("library", library.as_str().into()),
                            ("number", member.member_number.as_str().into()),
                        ],
                    ),
                    vec![t(locale, "email-card-body"), t(locale, "email-card-pickup")],
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
        };

        let link_key = match message.kind {
            OutboxKind::CardIssued => "email-card-status",
            OutboxKind::CorrectionRequested | OutboxKind::Rejected => "email-status-link",
        };
        if !status_url.is_empty() {
            details.push(t_args(locale, link_key, &[("url", status_url.into())]));
        }

        let context = minijinja::context! {
            locale => locale.code(),
            greeting => t_args(locale, "email-greeting", &[("name", application.full_name.as_str().into())]),
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
            to_address: application.email.clone(),
            to_name: Some(application.full_name.clone()),
            subject,
            text_body: render("email.txt")?,
            html_body: Some(render("email.html")?),
            attachments,
            message_id: format!("<raline-outbox-{}@{}>", message.id, self.message_id_host()),
        })
    }
}
