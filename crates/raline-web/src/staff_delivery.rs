//! Message delivery on staff pages: the delivery table of an application or member with its
//! resend button, and the list of messages that failed in the last 24 hours. The module also
//! builds the link that opens WhatsApp with a ready-made message, and the admin's editor of
//! message texts.

use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use minijinja::Value;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use raline_domain::message_template::TemplateProblem;
use raline_store::{
    INTERRUPTED_ERROR, MemberRecord, OutboxChannel, OutboxKind, OutboxMessage, OutboxState,
    StaffRole,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::AppState;
use crate::auth::StaffUser;
use crate::card_link::card_link;
use crate::error::WebError;
use crate::i18n::{Locale, format_date, format_instant, t, t_args};
use crate::messages::{self, TextProblem};
use crate::pages::{Lang, PageError};

/// Routes of this module, merged into the main router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staf/pesan/{id}/kirim-ulang", post(resend))
        .route("/staf/pesan-gagal", get(failures))
        .route("/staf/teks-pesan", get(template_list))
        .route(
            "/staf/teks-pesan/{kind}/{channel}/{locale}",
            get(edit_form).post(edit),
        )
}

use crate::pages::render;

use crate::pages::in_locale;

/// Returns whether the staff member may edit message texts. The staff navigation shows the
/// editor's link only to them.
pub fn is_admin(user: &StaffUser) -> bool {
    user.staff.role == StaffRole::Admin
}

// ---------------------------------------------------------------------------------------
// Delivery table

/// Query parameter that a resend redirect adds, naming the notice the page shows.
const NOTICE_PARAMETER: &str = "pengiriman";
/// Notice value: the message was queued again.
const NOTICE_RESENT: &str = "ulang";
/// Notice value: the message is still waiting in the queue, so nothing was queued.
const NOTICE_STILL_QUEUED: &str = "antre";

/// Query of the pages that show the delivery table.
#[derive(Deserialize)]
pub struct NoticeQuery {
    /// Notice after a resend, set by the redirect of `resend`.
    pengiriman: Option<String>,
}

impl NoticeQuery {
    pub fn notice(&self) -> Option<&str> {
        self.pengiriman.as_deref()
    }
}

/// Notice at the top of the delivery table after a resend.
#[derive(Serialize)]
pub struct DeliveryNotice {
    text: String,
    /// Shown as a warning rather than a success.
    warn: bool,
}

/// Returns the notice for the `pengiriman` query value. Unknown values show nothing.
pub fn delivery_notice(locale: Locale, value: Option<&str>) -> Option<DeliveryNotice> {
    match value? {
        NOTICE_RESENT => Some(DeliveryNotice {
            text: t(locale, "delivery-resent"),
            warn: false,
        }),
        NOTICE_STILL_QUEUED => Some(DeliveryNotice {
            text: t(locale, "delivery-still-queued"),
            warn: true,
        }),
        _ => None,
    }
}

/// One message in the delivery table.
#[derive(Serialize)]
pub struct DeliveryRow {
    id: i64,
    kind: String,
    channel: String,
    created_at: String,
    state: &'static str,
    state_label: String,
    /// Time the message reached its state (sent, delivered, read or failed), when known.
    state_at: Option<String>,
    failed: bool,
    /// Delivered or read.
    arrived: bool,
    attempts: String,
    provider: Option<String>,
    error: Option<FailureText>,
    /// "kiriman ulang pesan #N" for a copy that staff queued.
    resend_of: Option<String>,
    can_resend: bool,
    application_id: Option<i64>,
}

/// Returns whether staff may queue the message again now: its kind allows it and it is not
/// waiting in the queue or being sent.
fn can_resend(message: &OutboxMessage) -> bool {
    message.kind.can_resend()
        && !matches!(message.state, OutboxState::Queued | OutboxState::Sending)
}

/// Cause of a failed delivery, read from the English `last_error` text of the outbox worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FailureCause {
    /// The worker stopped after handing the message to the provider.
    Interrupted,
    /// The provider returned no usable response, so it may have accepted the message.
    OutcomeUnknown,
    OptedOut,
    NoPhone,
    WhatsAppNotConfigured,
    /// The message could not be built: the card, its link or the records behind it.
    NotComposable,
    /// The provider rejected the message or failed to send it, and any reason not listed.
    Provider,
}

impl FailureCause {
    fn key(self) -> &'static str {
        match self {
            FailureCause::Interrupted => "staff-delivery-interrupted",
            FailureCause::OutcomeUnknown => "delivery-failure-outcome-unknown",
            FailureCause::OptedOut => "delivery-failure-opted-out",
            FailureCause::NoPhone => "delivery-failure-no-phone",
            FailureCause::WhatsAppNotConfigured => "delivery-failure-whatsapp-not-configured",
            FailureCause::NotComposable => "delivery-failure-not-composable",
            FailureCause::Provider => "delivery-failure-provider",
        }
    }
}

/// Classifies a `last_error` text by the phrases that raline-delivery and compose.rs write.
/// A text that matches none of them is counted as a provider failure.
fn failure_cause(last_error: &str) -> FailureCause {
    if last_error == INTERRUPTED_ERROR {
        FailureCause::Interrupted
    } else if last_error.starts_with("outcome unknown:") {
        FailureCause::OutcomeUnknown
    } else if last_error.contains("opted out of WhatsApp") {
        FailureCause::OptedOut
    } else if last_error.contains("has no phone number") {
        FailureCause::NoPhone
    } else if last_error.contains("WhatsApp is not configured") {
        FailureCause::WhatsAppNotConfigured
    } else if last_error.starts_with("message cannot be composed")
        || last_error.starts_with("message composition failed")
    {
        FailureCause::NotComposable
    } else {
        FailureCause::Provider
    }
}

/// Failure reason as staff read it: a summary in the page's language and the worker's
/// technical text.
#[derive(Serialize)]
struct FailureText {
    summary: String,
    /// `None` for an interrupted delivery, whose stored text is a fixed English version of
    /// the summary.
    detail: Option<String>,
}

fn failure_text(locale: Locale, last_error: &str) -> FailureText {
    let cause = failure_cause(last_error);
    FailureText {
        summary: t(locale, cause.key()),
        detail: (cause != FailureCause::Interrupted).then(|| last_error.to_owned()),
    }
}

fn delivery_rows(locale: Locale, messages: &[OutboxMessage]) -> Vec<DeliveryRow> {
    messages
        .iter()
        .map(|message| {
            let state_at = match message.state {
                OutboxState::Queued | OutboxState::Sending => None,
                OutboxState::Sent => message.sent_at,
                OutboxState::Delivered => message.delivered_at,
                OutboxState::Read => message.read_at,
                OutboxState::Failed => message.failed_at,
            };
            DeliveryRow {
                id: message.id,
                kind: t(locale, &format!("outbox-kind-{}", message.kind.as_str())),
                channel: t(
                    locale,
                    &format!("outbox-channel-{}", message.channel.as_str()),
                ),
                created_at: format_instant(locale, message.created_at),
                state: message.state.as_str(),
                state_label: t(locale, &format!("outbox-state-{}", message.state.as_str())),
                state_at: state_at.map(|instant| format_instant(locale, instant)),
                failed: message.state == OutboxState::Failed,
                arrived: matches!(message.state, OutboxState::Delivered | OutboxState::Read),
                attempts: t_args(
                    locale,
                    "delivery-attempts",
                    &[("count", message.attempts.into())],
                ),
                provider: message.provider.clone(),
                error: message
                    .last_error
                    .as_deref()
                    .map(|last_error| failure_text(locale, last_error)),
                resend_of: message.resend_of.map(|original| {
                    t_args(
                        locale,
                        "delivery-resend-of",
                        &[("number", original.to_string().into())],
                    )
                }),
                can_resend: can_resend(message),
                application_id: message.application_id,
            }
        })
        .collect()
}

/// The delivery section of the application detail page or the member page.
pub struct DeliverySection<'a> {
    pub messages: &'a [OutboxMessage],
    /// The member, for the WhatsApp link. It is `None` before an application is approved.
    pub member: Option<&'a MemberRecord>,
    /// Language of the member, in which the WhatsApp message is written.
    pub recipient_locale: Locale,
    /// The page itself, where a resend returns to.
    pub back: &'a str,
    /// The `pengiriman` query value of the page.
    pub notice: Option<&'a str>,
}

/// Renders the delivery section of a member's page: the member's messages, with the
/// WhatsApp link written in the language the member applied in.
pub async fn render_member_deliveries(
    state: &AppState,
    locale: Locale,
    user: &StaffUser,
    member: &MemberRecord,
    back: &str,
    notice: Option<&str>,
) -> Result<Value, WebError> {
    let messages = state.store().outbox_for_member(member.id).await?;
    let recipient_locale = state
        .store()
        .application(member.application_id)
        .await?
        .and_then(|application| Locale::parse(&application.locale))
        .unwrap_or_default();
    render_deliveries(
        state,
        locale,
        user,
        DeliverySection {
            messages: &messages,
            member: Some(member),
            recipient_locale,
            back,
            notice,
        },
    )
}

/// Renders the delivery section into HTML that the page template outputs as it is.
pub fn render_deliveries(
    state: &AppState,
    locale: Locale,
    user: &StaffUser,
    section: DeliverySection<'_>,
) -> Result<Value, WebError> {
    let now = OffsetDateTime::now_utc();
    let whatsapp = section
        .member
        .map(|member| manual_whatsapp(state, member, section.recipient_locale, now));
    let html = render(
        state,
        locale,
        "staff_deliveries.html",
        minijinja::context! {
            deliveries => delivery_rows(locale, section.messages),
            delivery_back => section.back,
            delivery_notice => delivery_notice(locale, section.notice),
            whatsapp,
            link_application => false,
            csrf => &user.csrf_token,
        },
    )?;
    Ok(Value::from_safe_string(html.0))
}

// ---------------------------------------------------------------------------------------
// Sending by hand through WhatsApp

/// The "Kirim lewat WhatsApp" link of a member.
#[derive(Serialize)]
struct ManualWhatsApp {
    /// `None` when the member has no phone number.
    url: Option<String>,
    /// Lifetime of the card link in the message, in hours.
    hours: i64,
    opted_out: bool,
}

/// Characters kept as they are in the `text` query value: the unreserved set of RFC 3986.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Returns a `wa.me` link that opens a chat with `phone_e164` with `text` typed in. The link
/// takes the number as digits only, without `+`.
fn whatsapp_url(phone_e164: &str, text: &str) -> Option<String> {
    let digits: String = phone_e164.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return None;
    }
    Some(format!(
        "https://wa.me/{digits}?text={}",
        utf8_percent_encode(text, QUERY_VALUE)
    ))
}

/// Builds the link that opens WhatsApp with the card message, for staff to send from their
/// own phone. It is offered even when the member opted out of WhatsApp, because staff may
/// send by hand at the member's request. The page shows the opt-out next to the link.
fn manual_whatsapp(
    state: &AppState,
    member: &MemberRecord,
    recipient_locale: Locale,
    now: OffsetDateTime,
) -> ManualWhatsApp {
    let text = || {
        t_args(
            recipient_locale,
            "delivery-whatsapp-manual",
            &[
                ("name", member.full_name.as_str().into()),
                ("library", state.config().library.name.as_str().into()),
                ("number", member.member_number.as_str().into()),
                (
                    "date",
                    format_date(recipient_locale, member.valid_until).into(),
                ),
                ("card_url", card_link(state, member.id, now).into()),
            ],
        )
    };
    let url = if member.phone_e164.is_empty() {
        None
    } else {
        whatsapp_url(&member.phone_e164, &text())
    };
    ManualWhatsApp {
        url,
        hours: state.config().card_link_lifetime.whole_hours(),
        opted_out: member.whatsapp_opt_out,
    }
}

// ---------------------------------------------------------------------------------------
// Resending

/// Longest accepted `back` path; staff page paths are far shorter.
const MAX_BACK_CHARS: usize = 300;

/// Page that a resend returns to when the form's `back` is missing or not a staff page.
const DEFAULT_BACK: &str = "/staf";

/// Returns `back` when it is a path of a staff page on this site, else `/staf`, so that the
/// form cannot redirect to another site. `//host` and `/\host` are rejected because browsers
/// read them as another host.
fn safe_back(back: &str) -> &str {
    let local = back.starts_with("/staf/")
        && back.len() <= MAX_BACK_CHARS
        && back.chars().all(|c| c.is_ascii_graphic())
        && !back.contains("//")
        && !back.contains('\\')
        && !back.contains('#')
        && !back.split(['/', '?']).any(|segment| segment == "..");
    if local { back } else { DEFAULT_BACK }
}

/// Returns the redirect target: `back` with the notice in its query and the delivery
/// section as the fragment.
fn with_notice(back: &str, notice: &str) -> String {
    let separator = if back.contains('?') { '&' } else { '?' };
    format!("{back}{separator}{NOTICE_PARAMETER}={notice}#pesan")
}

#[derive(Deserialize)]
pub struct ResendForm {
    /// Missing fields become empty, so a form without the token fails the CSRF check (403)
    /// instead of the form parser (422).
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    back: String,
}

/// `POST /staf/pesan/{id}/kirim-ulang`: queues a copy of a sent or failed message and
/// returns to the page the form came from.
pub async fn resend(
    State(state): State<AppState>,
    Lang(locale): Lang,
    user: StaffUser,
    Path(id): Path<i64>,
    Form(form): Form<ResendForm>,
) -> Result<Response, PageError> {
    let wrap = in_locale(locale);
    user.check_csrf(&form.csrf).map_err(wrap)?;
    let back = safe_back(&form.back);

    let message = state
        .store()
        .outbox_message(id)
        .await
        .map_err(in_locale(locale))?
        .ok_or_else(|| PageError::new(WebError::NotFound, locale))?;
    if matches!(message.state, OutboxState::Queued | OutboxState::Sending) {
        return Ok(Redirect::to(&with_notice(back, NOTICE_STILL_QUEUED)).into_response());
    }

    let new_id = match state
        .store()
        .resend_outbox_message(id, user.staff.id, OffsetDateTime::now_utc())
        .await
    {
        Ok(new_id) => new_id,
        // A copy from an earlier press (or a second staff member) still waits to be sent.
        Err(raline_store::StoreError::Conflict(_)) => {
            return Ok(Redirect::to(&with_notice(back, NOTICE_STILL_QUEUED)).into_response());
        }
        Err(error) => return Err(in_locale(locale)(error)),
    };
    state.outbox_wake().notify_one();
    tracing::info!(
        staff_id = user.staff.id,
        outbox_id = id,
        new_outbox_id = new_id,
        "message queued again by staff"
    );
    Ok(Redirect::to(&with_notice(back, NOTICE_RESENT)).into_response())
}

// ---------------------------------------------------------------------------------------
// Failed messages

/// Period of the failure count on the queue page and of the failed messages page.
const FAILURE_WINDOW: time::Duration = time::Duration::hours(24);

/// Most failed messages listed at once, newest first.
const MAX_FAILURES_LISTED: i64 = 200;

/// Returns the number of messages that failed in the last 24 hours.
pub async fn recent_failure_count(state: &AppState) -> Result<i64, WebError> {
    let since = OffsetDateTime::now_utc() - FAILURE_WINDOW;
    Ok(state.store().failed_outbox_count_since(since).await?)
}

/// `GET /staf/pesan-gagal`: messages that failed in the last 24 hours, newest first.
pub async fn failures(
    State(state): State<AppState>,
    Lang(locale): Lang,
    user: StaffUser,
    Query(query): Query<NoticeQuery>,
) -> Result<Html<String>, PageError> {
    let since = OffsetDateTime::now_utc() - FAILURE_WINDOW;
    let count = state
        .store()
        .failed_outbox_count_since(since)
        .await
        .map_err(in_locale(locale))?;
    let messages = state
        .store()
        .failed_outbox_since(since, MAX_FAILURES_LISTED)
        .await
        .map_err(in_locale(locale))?;
    let listed = i64::try_from(messages.len()).unwrap_or(i64::MAX);

    render(
        &state,
        locale,
        "staff_messages_failed.html",
        minijinja::context! {
            count,
            limited => count > listed,
            listed,
            deliveries => delivery_rows(locale, &messages),
            delivery_back => "/staf/pesan-gagal",
            delivery_notice => delivery_notice(locale, query.notice()),
            whatsapp => None::<()>,
            link_application => true,
            staff_name => &user.staff.username,
            staff_admin => is_admin(&user),
            csrf => &user.csrf_token,
        },
    )
    .map_err(in_locale(locale))
}

// ---------------------------------------------------------------------------------------
// Message text editor

/// Maximum length of an e-mail subject, in characters.
const MAX_SUBJECT_CHARS: usize = 200;
/// Maximum length of an e-mail body, in characters.
const MAX_EMAIL_BODY_CHARS: usize = 4000;
/// Maximum length of a WhatsApp body, in characters. The Cloud API accepts text messages of
/// up to 4096 characters (360dialog's messaging documentation), but a notice stays far
/// shorter so that it reads well on a phone screen.
const MAX_WHATSAPP_BODY_CHARS: usize = 1000;

fn max_body_chars(channel: OutboxChannel) -> usize {
    match channel {
        OutboxChannel::Email => MAX_EMAIL_BODY_CHARS,
        OutboxChannel::WhatsApp => MAX_WHATSAPP_BODY_CHARS,
    }
}

/// Locales that have their own message texts.
const TEXT_LOCALES: [Locale; 2] = [Locale::Id, Locale::En];

/// One editable text: a kind of message, on one channel, in one language.
#[derive(Debug, Clone, Copy)]
struct TextTarget {
    kind: OutboxKind,
    channel: OutboxChannel,
    locale: Locale,
}

impl TextTarget {
    /// Parses the path of the editor. WhatsApp texts exist only for kinds that go by WhatsApp.
    fn parse(kind: &str, channel: &str, locale: &str) -> Option<Self> {
        let kind = OutboxKind::parse(kind)?;
        let channel = OutboxChannel::parse(channel)?;
        let locale = Locale::parse(locale)?;
        if channel == OutboxChannel::WhatsApp && !kind.goes_by_whatsapp() {
            return None;
        }
        Some(TextTarget {
            kind,
            channel,
            locale,
        })
    }

    /// Lists every editable text, in the order of the overview.
    fn all() -> Vec<Self> {
        let mut targets = Vec::new();
        for kind in OutboxKind::ALL {
            for channel in OutboxChannel::ALL {
                if channel == OutboxChannel::WhatsApp && !kind.goes_by_whatsapp() {
                    continue;
                }
                for locale in TEXT_LOCALES {
                    targets.push(TextTarget {
                        kind,
                        channel,
                        locale,
                    });
                }
            }
        }
        targets
    }

    fn path(self) -> String {
        format!(
            "/staf/teks-pesan/{}/{}/{}",
            self.kind.as_str(),
            self.channel.as_str(),
            self.locale.code()
        )
    }
}

fn require_admin(user: &StaffUser, locale: Locale) -> Result<(), PageError> {
    if is_admin(user) {
        Ok(())
    } else {
        Err(PageError::new(WebError::Forbidden, locale))
    }
}

/// One line of the overview of message texts.
#[derive(Serialize)]
struct TemplateRow {
    kind: String,
    channel: String,
    language: String,
    customised: bool,
    /// "diubah oleh X" or "bawaan".
    status: String,
    changed_at: Option<String>,
    edit_url: String,
}

/// Returns "diubah oleh X" for a saved text, naming `-` when the staff account is gone.
fn changed_by_label(locale: Locale, username: Option<&str>) -> String {
    t_args(
        locale,
        "templates-customised",
        &[("name", username.unwrap_or("-").into())],
    )
}

/// `GET /staf/teks-pesan`: every message text with whether the admin changed it.
pub async fn template_list(
    State(state): State<AppState>,
    Lang(locale): Lang,
    user: StaffUser,
) -> Result<Html<String>, PageError> {
    require_admin(&user, locale)?;
    let stored = state
        .store()
        .message_templates()
        .await
        .map_err(in_locale(locale))?;

    let rows: Vec<TemplateRow> = TextTarget::all()
        .into_iter()
        .map(|target| {
            let saved = stored.iter().find(|template| {
                template.kind == target.kind
                    && template.channel == target.channel
                    && template.locale == target.locale.code()
            });
            TemplateRow {
                kind: t(locale, &format!("outbox-kind-{}", target.kind.as_str())),
                channel: t(
                    locale,
                    &format!("outbox-channel-{}", target.channel.as_str()),
                ),
                language: t(
                    locale,
                    &format!("templates-locale-{}", target.locale.code()),
                ),
                customised: saved.is_some(),
                status: match saved {
                    Some(saved) => changed_by_label(locale, saved.updated_by.as_deref()),
                    None => t(locale, "templates-default"),
                },
                changed_at: saved.map(|saved| format_instant(locale, saved.updated_at)),
                edit_url: target.path(),
            }
        })
        .collect();

    render(
        &state,
        locale,
        "staff_templates.html",
        minijinja::context! {
            rows,
            staff_name => &user.staff.username,
            staff_admin => true,
            csrf => &user.csrf_token,
        },
    )
    .map_err(in_locale(locale))
}

/// Subject (e-mail only) and body as shown in the editor.
struct Draft {
    subject: Option<String>,
    body: String,
}

impl Draft {
    /// Reads the submitted text. Line breaks become `\n`, and the subject becomes one line
    /// because a line break in an e-mail subject would end the header.
    fn from_form(channel: OutboxChannel, form: &EditForm) -> Self {
        let subject = match channel {
            OutboxChannel::Email => Some(form.subject.replace(['\r', '\n'], " ").trim().to_owned()),
            OutboxChannel::WhatsApp => None,
        };
        Draft {
            subject,
            body: form.body.replace("\r\n", "\n").trim_end().to_owned(),
        }
    }
}

/// Problems of a draft, one message per field.
#[derive(Default)]
struct DraftProblems {
    subject: Option<String>,
    body: Option<String>,
}

impl DraftProblems {
    fn is_empty(&self) -> bool {
        self.subject.is_none() && self.body.is_none()
    }
}

fn check_draft(locale: Locale, target: TextTarget, draft: &Draft) -> DraftProblems {
    DraftProblems {
        subject: draft.subject.as_deref().and_then(|subject| {
            field_problem(
                locale,
                target.kind,
                "templates-subject",
                subject,
                MAX_SUBJECT_CHARS,
            )
        }),
        body: field_problem(
            locale,
            target.kind,
            "templates-body",
            &draft.body,
            max_body_chars(target.channel),
        ),
    }
}

/// Returns the message for the first problem of one field of a `kind` text, naming the
/// field.
fn field_problem(
    locale: Locale,
    kind: OutboxKind,
    label_key: &str,
    text: &str,
    max_chars: usize,
) -> Option<String> {
    let field = t(locale, label_key);
    if text.chars().count() > max_chars {
        let max = i64::try_from(max_chars).unwrap_or(i64::MAX);
        return Some(t_args(
            locale,
            "templates-error-too-long",
            &[("field", field.into()), ("max", max.into())],
        ));
    }
    let problem = messages::validate(kind, None, text).err()?;
    let position = |position: usize| i64::try_from(position).unwrap_or(i64::MAX);
    let problem = match problem {
        TextProblem::NotAvailable { name } => {
            let detail = t_args(
                locale,
                "templates-error-unavailable",
                &[("name", name.into())],
            );
            return Some(format!("{field}: {detail}"));
        }
        TextProblem::Template(problem) => problem,
    };
    let detail = match problem {
        TemplateProblem::Empty => {
            return Some(t_args(
                locale,
                "templates-error-empty",
                &[("field", field.into())],
            ));
        }
        TemplateProblem::UnknownVariable { name } => {
            t_args(locale, "templates-error-unknown", &[("name", name.into())])
        }
        TemplateProblem::Unclosed { position: at } => t_args(
            locale,
            "templates-error-unclosed",
            &[("number", position(at).into())],
        ),
        TemplateProblem::UnexpectedClose { position: at } => t_args(
            locale,
            "templates-error-stray-close",
            &[("number", position(at).into())],
        ),
    };
    Some(format!("{field}: {detail}"))
}

/// The draft filled with sample values, as the recipient would see it.
#[derive(Serialize)]
struct Preview {
    subject: Option<String>,
    /// Paragraphs, each as its lines. A WhatsApp text is one paragraph with every line,
    /// blank ones included, because WhatsApp shows the text as typed.
    paragraphs: Vec<Vec<String>>,
}

fn preview(state: &AppState, target: TextTarget, draft: &Draft) -> Preview {
    let text = messages::MessageText {
        subject: draft.subject.clone(),
        body: draft.body.clone(),
        customised: true,
    }
    .render(&messages::sample_values(state, target.kind, target.locale));
    let lines = |paragraph: &str| paragraph.split('\n').map(str::to_owned).collect();
    let paragraphs = match target.channel {
        OutboxChannel::Email => messages::paragraphs(&text.body)
            .iter()
            .map(|paragraph| lines(paragraph))
            .collect(),
        OutboxChannel::WhatsApp => vec![lines(&text.body)],
    };
    Preview {
        subject: text.subject,
        paragraphs,
    }
}

/// A variable with its description, as the editor lists them.
#[derive(Serialize)]
struct VariableRow {
    /// The variable as written in a text, with its braces.
    placeholder: String,
    description: String,
}

/// Renders the editor with a draft, its problems and a notice.
async fn editor_page(
    state: &AppState,
    locale: Locale,
    user: &StaffUser,
    target: TextTarget,
    draft: &Draft,
    problems: &DraftProblems,
    notice: Option<String>,
) -> Result<Html<String>, PageError> {
    let saved = state
        .store()
        .message_template(target.kind, target.channel, target.locale.code())
        .await
        .map_err(in_locale(locale))?;
    let available = messages::variables_for(target.kind);
    let variables: Vec<VariableRow> = messages::VARIABLES
        .iter()
        .filter(|(name, _)| available.contains(name))
        .map(|(name, key)| VariableRow {
            placeholder: format!("{{{name}}}"),
            description: t(locale, key),
        })
        .collect();
    let preview = problems.is_empty().then(|| preview(state, target, draft));

    render(
        state,
        locale,
        "staff_templates_edit.html",
        minijinja::context! {
            path => target.path(),
            kind => t(locale, &format!("outbox-kind-{}", target.kind.as_str())),
            channel => t(locale, &format!("outbox-channel-{}", target.channel.as_str())),
            language => t(locale, &format!("templates-locale-{}", target.locale.code())),
            is_email => target.channel == OutboxChannel::Email,
            status => match &saved {
                Some(saved) => changed_by_label(locale, saved.updated_by.as_deref()),
                None => t(locale, "templates-default"),
            },
            customised => saved.is_some(),
            subject => &draft.subject,
            body => &draft.body,
            subject_error => &problems.subject,
            body_error => &problems.body,
            subject_max => MAX_SUBJECT_CHARS,
            body_max => max_body_chars(target.channel),
            variables,
            preview,
            notice,
            staff_name => &user.staff.username,
            staff_admin => true,
            csrf => &user.csrf_token,
        },
    )
    .map_err(in_locale(locale))
}

/// Query value of the redirect after saving: the text was saved.
const SAVED_TEXT: &str = "teks";
/// Query value of the redirect after resetting: the built-in text applies again.
const SAVED_DEFAULT: &str = "bawaan";

#[derive(Deserialize)]
pub struct EditQuery {
    /// Kind of text just saved (`teks` or `bawaan`), set by the redirect of `edit`.
    disimpan: Option<String>,
}

/// `GET /staf/teks-pesan/{kind}/{channel}/{locale}`: the editor with the text in force.
pub async fn edit_form(
    State(state): State<AppState>,
    Lang(locale): Lang,
    user: StaffUser,
    Path((kind, channel, text_locale)): Path<(String, String, String)>,
    Query(query): Query<EditQuery>,
) -> Result<Html<String>, PageError> {
    require_admin(&user, locale)?;
    let target = TextTarget::parse(&kind, &channel, &text_locale)
        .ok_or_else(|| PageError::new(WebError::NotFound, locale))?;
    let text = messages::text_for(&state, target.kind, target.channel, target.locale)
        .await
        .map_err(in_locale(locale))?;
    let notice = match query.disimpan.as_deref() {
        Some(SAVED_TEXT) => Some(t(locale, "templates-saved")),
        Some(SAVED_DEFAULT) => Some(t(locale, "templates-reset-done")),
        _ => None,
    };
    let draft = Draft {
        subject: text.subject,
        body: text.body,
    };
    editor_page(
        &state,
        locale,
        &user,
        target,
        &draft,
        &DraftProblems::default(),
        notice,
    )
    .await
}

#[derive(Deserialize)]
pub struct EditForm {
    #[serde(default)]
    csrf: String,
    /// `preview`, `save` or `reset`.
    #[serde(default)]
    action: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    body: String,
}

/// `POST /staf/teks-pesan/{kind}/{channel}/{locale}`: previews, saves or resets a text. A
/// preview or a rejected save shows the editor again with the typed text; a save or reset
/// redirects to the editor.
pub async fn edit(
    State(state): State<AppState>,
    Lang(locale): Lang,
    user: StaffUser,
    Path((kind, channel, text_locale)): Path<(String, String, String)>,
    Form(form): Form<EditForm>,
) -> Result<Response, PageError> {
    require_admin(&user, locale)?;
    user.check_csrf(&form.csrf).map_err(in_locale(locale))?;
    let target = TextTarget::parse(&kind, &channel, &text_locale)
        .ok_or_else(|| PageError::new(WebError::NotFound, locale))?;
    let now = OffsetDateTime::now_utc();

    match form.action.as_str() {
        "reset" => {
            state
                .store()
                .reset_message_template(target.kind, target.channel, target.locale.code())
                .await
                .map_err(in_locale(locale))?;
            tracing::info!(
                staff_id = user.staff.id,
                kind = target.kind.as_str(),
                channel = target.channel.as_str(),
                locale = target.locale.code(),
                "message text reset to the built-in one"
            );
            let location = format!("{}?disimpan={SAVED_DEFAULT}", target.path());
            Ok(Redirect::to(&location).into_response())
        }
        action @ ("preview" | "save") => {
            let draft = Draft::from_form(target.channel, &form);
            let problems = check_draft(locale, target, &draft);
            let save = action == "save";
            if save && problems.is_empty() {
                state
                    .store()
                    .save_message_template(
                        target.kind,
                        target.channel,
                        target.locale.code(),
                        draft.subject.as_deref(),
                        &draft.body,
                        user.staff.id,
                        now,
                    )
                    .await
                    .map_err(in_locale(locale))?;
                tracing::info!(
                    staff_id = user.staff.id,
                    kind = target.kind.as_str(),
                    channel = target.channel.as_str(),
                    locale = target.locale.code(),
                    "message text saved"
                );
                let location = format!("{}?disimpan={SAVED_TEXT}", target.path());
                return Ok(Redirect::to(&location).into_response());
            }
            let status = if save {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::OK
            };
            let html = editor_page(&state, locale, &user, target, &draft, &problems, None).await?;
            Ok((status, html).into_response())
        }
        _ => Err(PageError::new(
            WebError::BadRequest(format!("unknown action {:?}", form.action)),
            locale,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_causes_from_worker_text() {
        let cases = [
            (INTERRUPTED_ERROR, FailureCause::Interrupted),
            (
                "outcome unknown: request timed out after 30 s",
                FailureCause::OutcomeUnknown,
            ),
            (
                "outcome unknown: the provider accepted the message without an ID",
                FailureCause::OutcomeUnknown,
            ),
            (
                "message cannot be composed: the recipient opted out of WhatsApp after the \
                 message was queued",
                FailureCause::OptedOut,
            ),
            (
                "message cannot be composed: the recipient has no phone number",
                FailureCause::NoPhone,
            ),
            (
                "message cannot be composed: WhatsApp is not configured on the node that sent \
                 this message",
                FailureCause::WhatsAppNotConfigured,
            ),
            (
                "WhatsApp is not configured on the node that sent this message",
                FailureCause::WhatsAppNotConfigured,
            ),
            (
                "message cannot be composed: the link of the message is gone",
                FailureCause::NotComposable,
            ),
            (
                "message cannot be composed: member no longer exists",
                FailureCause::NotComposable,
            ),
            (
                "message composition failed for now: card: pool timed out",
                FailureCause::NotComposable,
            ),
            (
                "131026: Message undeliverable (Unable to deliver message)",
                FailureCause::Provider,
            ),
            (
                "WhatsApp message rejected by the provider: 131009: Parameter value is not \
                 valid",
                FailureCause::Provider,
            ),
            (
                "WhatsApp delivery failed, retry later: request timed out after 30 s",
                FailureCause::Provider,
            ),
            (
                "mail rejected by the SMTP server: 550 mailbox unavailable",
                FailureCause::Provider,
            ),
            ("", FailureCause::Provider),
        ];
        for (text, expected) in cases {
            assert_eq!(failure_cause(text), expected, "{text:?}");
        }
    }

    #[test]
    fn failure_text_keeps_detail() {
        let text = failure_text(Locale::Id, "131026: Message undeliverable");
        assert_eq!(text.summary, "Penyedia menolak atau gagal mengirim pesan.");
        assert_eq!(
            text.detail.as_deref(),
            Some("131026: Message undeliverable")
        );

        let text = failure_text(Locale::Id, INTERRUPTED_ERROR);
        assert!(
            text.summary.starts_with("Pengiriman terputus"),
            "{}",
            text.summary
        );
        assert_eq!(text.detail, None);
    }

    #[test]
    fn back_accepts_staff_paths() {
        for back in [
            "/staf/pendaftaran/12",
            "/staf/anggota/3576.2026.00042",
            "/staf/pesan-gagal",
            "/staf/anggota?cari=a%40b",
        ] {
            assert_eq!(safe_back(back), back);
        }
    }

    #[test]
    fn back_rejects_other_targets() {
        for back in [
            "",
            "/staf",
            "//evil.example",
            "/staf//evil.example",
            "https://evil.example/staf/",
            "/\\evil.example",
            "/staf/\\evil.example",
            "/staf/../akun",
            "/staf/a b",
            "/staf/a\r\nSet-Cookie: x",
            "/staf/a#b",
            "/staf/é",
            "staf/pendaftaran/1",
        ] {
            assert_eq!(safe_back(back), DEFAULT_BACK, "{back:?}");
        }
    }

    #[test]
    fn redirect_adds_notice() {
        assert_eq!(
            with_notice("/staf/pendaftaran/3", NOTICE_RESENT),
            "/staf/pendaftaran/3?pengiriman=ulang#pesan"
        );
        assert_eq!(
            with_notice("/staf/anggota?cari=x", NOTICE_RESENT),
            "/staf/anggota?cari=x&pengiriman=ulang#pesan"
        );
    }

    #[test]
    fn whatsapp_link_encodes_text() {
        let url = whatsapp_url(
            "+6281234567890",
            "Yth. Siti & Budi,\nunduh: https://x.id/kartu/1?a=b",
        );
        assert_eq!(
            url.as_deref(),
            Some(
                "https://wa.me/6281234567890?text=Yth.%20Siti%20%26%20Budi%2C%0Aunduh%3A%20\
                 https%3A%2F%2Fx.id%2Fkartu%2F1%3Fa%3Db"
            )
        );
        assert_eq!(whatsapp_url("", "x"), None);
    }

    #[test]
    fn editor_offers_whatsapp_only_where_sent() {
        assert!(TextTarget::parse("card_issued", "whatsapp", "id").is_some());
        assert!(TextTarget::parse("password_reset", "email", "en").is_some());
        assert!(TextTarget::parse("password_reset", "whatsapp", "id").is_none());
        assert!(TextTarget::parse("card_issued", "sms", "id").is_none());
        assert!(TextTarget::parse("card_issued", "email", "fr").is_none());
        assert!(TextTarget::parse("unknown", "email", "id").is_none());
        // Nine kinds by e-mail and seven by WhatsApp, each in two languages.
        assert_eq!(TextTarget::all().len(), (9 + 7) * 2);
    }

    #[test]
    fn problems_name_the_field() {
        let card = OutboxKind::CardIssued;
        let problem =
            field_problem(Locale::Id, card, "templates-body", "Yth. {name}", 1000).unwrap();
        assert!(problem.starts_with("Isi pesan: "), "{problem}");
        assert!(problem.contains("{name}"), "{problem}");

        let problem = field_problem(Locale::Id, card, "templates-subject", "  ", 200).unwrap();
        assert_eq!(problem, "Subjek e-mail tidak boleh kosong.");

        let long = "a".repeat(1001);
        let problem = field_problem(Locale::Id, card, "templates-body", &long, 1000).unwrap();
        assert!(problem.contains("1000"), "{problem}");

        assert_eq!(
            field_problem(Locale::Id, card, "templates-body", "Yth. {nama}", 1000),
            None
        );
    }

    #[test]
    fn problems_name_unavailable_variable() {
        let problem = field_problem(
            Locale::Id,
            OutboxKind::CardIssued,
            "templates-body",
            "Alasan: {alasan}",
            1000,
        )
        .unwrap();
        assert_eq!(
            problem,
            "Isi pesan: Variabel {alasan} tidak tersedia untuk pesan ini. Pakai salah satu \
             variabel dalam daftar."
        );

        let problem = field_problem(
            Locale::En,
            OutboxKind::EmailVerification,
            "templates-subject",
            "Card {tautan_kartu}",
            200,
        )
        .unwrap();
        assert!(problem.contains("{tautan_kartu}"), "{problem}");
        assert!(problem.contains("not available"), "{problem}");

        assert_eq!(
            field_problem(
                Locale::Id,
                OutboxKind::Rejected,
                "templates-body",
                "Alasan: {alasan}",
                1000
            ),
            None
        );
    }
}
