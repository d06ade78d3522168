//! E-mails and WhatsApp messages for outbox rows, rendered when they are sent: cards,
//! decisions, address verification, password resets, renewal reminders and renewal
//! decisions. The texts come from [`crate::messages`]: the admin's or the built-in ones.

use raline_delivery::whatsapp::{WhatsAppDocument, WhatsAppMessage};
use raline_delivery::{Attachment, ComposeError, ComposeMail, OutgoingMail};
use raline_store::{ApplicationRecord, MemberRecord, OutboxChannel, OutboxKind, OutboxMessage};
use time::OffsetDateTime;

use crate::AppState;
use crate::i18n::{Locale, format_date, t, t_args};
use crate::messages::{self, Values};

/// Length of Meta's customer-service window, opened by the member's last message.
const SERVICE_WINDOW: time::Duration = time::Duration::hours(24);

/// Composes messages from the stored application and member, in the language the applicant
/// used.
#[derive(Clone)]
pub struct Composer {
    state: AppState,
}

/// Records and variable values of one message, loaded once per message.
struct Context {
    application: ApplicationRecord,
    member: Option<MemberRecord>,
    locale: Locale,
    values: Values,
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

    /// Loads the records of a message and the values of its variables.
    async fn context(&self, message: &OutboxMessage) -> Result<Context, ComposeError> {
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
        if member.is_none() && messages::has_member(message.kind) {
            return Err(ComposeError::Permanent("message has no member".into()));
        }
        let locale = Locale::parse(&application.locale).unwrap_or_default();
        let values = self
            .values(message, &application, member.as_ref(), locale)
            .await?;
        Ok(Context {
            application,
            member,
            locale,
            values,
        })
    }

    /// Fills the variables of `message`. The text editor accepts only the variables that
    /// [`messages::variables_for`] lists for the kind, so this must fill each of them.
    async fn values(
        &self,
        message: &OutboxMessage,
        application: &ApplicationRecord,
        member: Option<&MemberRecord>,
        locale: Locale,
    ) -> Result<Values, ComposeError> {
        let state = &self.state;
        let config = state.config();
        let base_url = &config.base_url;
        let mut values = Values::new();

        values.insert("perpustakaan", config.library.name.clone());
        values.insert("nomor_pendaftaran", application.registration_number.clone());
        values.insert(
            "nama",
            member
                .map_or(&application.full_name, |member| &member.full_name)
                .clone(),
        );
        let member_type = member.map_or(&application.member_type, |member| &member.member_type);
        values.insert(
            "jenis_anggota",
            config
                .member_types
                .iter()
                .find(|candidate| &candidate.code == member_type)
                .map_or_else(|| member_type.clone(), |found| found.name.clone()),
        );
        if let Some(member) = member {
            values.insert("nomor_anggota", member.member_number.clone());
            values.insert("berlaku_sampai", format_date(locale, member.valid_until));
            values.insert(
                "tautan_kartu",
                crate::card_link::card_link(state, member.id, OffsetDateTime::now_utc()),
            );
        }

        if let Some(key) = state
            .store()
            .submission_key(application.id)
            .await
            .map_err(transient)?
        {
            let token = crate::forms::status_token(state, &key);
            values.insert("tautan_status", format!("{base_url}/status/{token}"));
        }

        let link = match message.kind {
            OutboxKind::EmailVerification => {
                Some(token_link(message, base_url, "/verifikasi-email/")?)
            }
            OutboxKind::PasswordReset => Some(token_link(message, base_url, "/akun/sandi-baru/")?),
            OutboxKind::RenewalReminder
            | OutboxKind::RenewalRejected
            | OutboxKind::RenewalCorrectionRequested => Some(format!("{base_url}/akun/perpanjang")),
            _ => None,
        };
        if let Some(link) = link {
            values.insert("tautan", link);
        }

        let reason = match message.kind {
            OutboxKind::CorrectionRequested | OutboxKind::Rejected => {
                application.decision_reason.clone()
            }
            OutboxKind::RenewalRejected | OutboxKind::RenewalCorrectionRequested => {
                match message.renewal_id {
                    Some(id) => state
                        .store()
                        .renewal(id)
                        .await
                        .map_err(transient)?
                        .and_then(|renewal| renewal.decision_reason),
                    None => None,
                }
            }
            _ => None,
        };
        if let Some(reason) = reason {
            values.insert("alasan", reason);
        }
        Ok(values)
    }

    /// Renders the member card PDF of a card message, with its file name.
    async fn card(&self, context: &Context) -> Result<(Vec<u8>, String), ComposeError> {
        let member = context
            .member
            .as_ref()
            .ok_or_else(|| ComposeError::Permanent("message has no member".into()))?;
        let pdf = crate::card::render_member_card(&self.state, member, &context.application)
            .await
            .map_err(transient)?;
        Ok((pdf, crate::card::card_file_name(&member.member_number)))
    }
}

fn transient(error: impl std::fmt::Display) -> ComposeError {
    ComposeError::Transient(error.to_string())
}

/// Returns the single-use link of a verification or reset message.
fn token_link(message: &OutboxMessage, base_url: &str, path: &str) -> Result<String, ComposeError> {
    let token = message
        .link_token
        .as_deref()
        .ok_or_else(|| ComposeError::Permanent("the link of the message is gone".into()))?;
    Ok(format!("{base_url}{path}{token}"))
}

impl ComposeMail for Composer {
    async fn compose(&self, message: &OutboxMessage) -> Result<OutgoingMail, ComposeError> {
        let state = &self.state;
        let context = self.context(message).await?;
        let locale = context.locale;
        let library = &state.config().library.name;

        let text = messages::text_for(state, message.kind, OutboxChannel::Email, locale)
            .await
            .map_err(transient)?
            .render(&context.values);

        let mut attachments = Vec::new();
        if message.kind.carries_card() {
            let (pdf, filename) = self.card(&context).await?;
            attachments.push(Attachment {
                filename,
                content_type: "application/pdf".into(),
                bytes: pdf,
            });
        }

        // Messages to a member go to the member's current address and name; a verification
        // link goes only to the address it was made for.
        let (mut to_address, to_name) = match &context.member {
            Some(member) => (member.email.clone(), member.full_name.clone()),
            None => (
                context.application.email.clone(),
                context.application.full_name.clone(),
            ),
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

        let template_context = minijinja::context! {
            locale => locale.code(),
            greeting => t_args(locale, "email-greeting", &[("name", to_name.as_str().into())]),
            paragraphs => messages::paragraphs(&text.body),
            details => Vec::<String>::new(),
            signature => t(locale, "email-signature"),
            library_name => library,
            footer => t_args(locale, "email-footer", &[("library", library.as_str().into())]),
        };
        let render = |name: &str| {
            state
                .templates()
                .get_template(name)
                .and_then(|template| template.render(&template_context))
                .map_err(|error| ComposeError::Permanent(format!("template {name}: {error}")))
        };

        Ok(OutgoingMail {
            to_address,
            to_name: Some(to_name),
            subject: text
                .subject
                .unwrap_or_else(|| t(locale, &format!("outbox-kind-{}", message.kind.as_str())))
                .replace(['\r', '\n'], " "),
            text_body: render("email.txt")?,
            html_body: Some(render("email.html")?),
            attachments,
            message_id: format!("<{}@{}>", message.idempotency_key, self.message_id_host()),
        })
    }

    async fn compose_whatsapp(
        &self,
        message: &OutboxMessage,
    ) -> Result<WhatsAppMessage, ComposeError> {
        let state = &self.state;
        let context = self.context(message).await?;

        // The member may have opted out or removed the number after the message was queued.
        let (phone, opted_out) = match &context.member {
            Some(member) => (member.phone_e164.clone(), member.whatsapp_opt_out),
            None => (
                context.application.phone_e164.clone(),
                context.application.whatsapp_opt_out,
            ),
        };
        if opted_out {
            return Err(ComposeError::Permanent(
                "the recipient opted out of WhatsApp after the message was queued".into(),
            ));
        }
        if phone.is_empty() {
            return Err(ComposeError::Permanent(
                "the recipient has no phone number".into(),
            ));
        }

        let text = messages::text_for(state, message.kind, OutboxChannel::WhatsApp, context.locale)
            .await
            .map_err(transient)?
            .render(&context.values);

        let document = if message.kind.carries_card() {
            let (bytes, filename) = self.card(&context).await?;
            Some(WhatsAppDocument {
                bytes,
                filename,
                link: context
                    .values
                    .get("tautan_kartu")
                    .cloned()
                    .unwrap_or_default(),
            })
        } else {
            None
        };

        let last_inbound = state
            .store()
            .whatsapp_last_inbound(&phone)
            .await
            .map_err(transient)?;
        let within_service_window =
            last_inbound.is_some_and(|at| OffsetDateTime::now_utc() - at < SERVICE_WINDOW);

        Ok(WhatsAppMessage {
            kind: message.kind.as_str().to_owned(),
            to_e164: phone,
            text: text.body,
            document,
            variables: context
                .values
                .iter()
                .map(|(name, value)| ((*name).to_owned(), value.clone()))
                .collect(),
            within_service_window,
            idempotency_key: message.idempotency_key.clone(),
        })
    }
}
