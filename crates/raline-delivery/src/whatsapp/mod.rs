//! WhatsApp delivery: turns one [`WhatsAppMessage`] into HTTP requests to a provider and
//! classifies the response as delivered, retryable ([`WhatsAppError::Transient`]) or final
//! ([`WhatsAppError::Permanent`]). The module has no database access: the outbox decides
//! when to send and when to retry.
//!
//! Two providers are supported:
//! - [`CloudApi`]: Meta's WhatsApp Business Platform Cloud API (Graph API
//!   [`DEFAULT_API_VERSION`]). Documents are uploaded to `/{phone_number_id}/media` first.
//!   Inside the 24-hour customer-service window the message is free-form text or a document;
//!   outside it, an approved template configured for the message kind is sent.
//! - [`Gateway`]: a Fonnte-style gateway that drives a normal WhatsApp account. It takes a
//!   form post and downloads the card from the signed link itself.
//!
//! [`webhook`] verifies and parses Meta's webhook requests (signatures, delivery statuses,
//! inbound messages, the subscription handshake).
//!
//! Request and response shapes follow stored copies of these pages, read in December 2026:
//! - Meta, WhatsApp Business Platform: "Document messages" (updated May 21, 2026),
//!   "Template components", "WhatsApp error codes" (updated Jun 18, 2026), "Throughput",
//!   "messages webhook reference", "Status messages webhook reference", "Create a webhook
//!   endpoint" and the platform changelog (`biz_opaque_callback_data`, 512 characters).
//! - Meta, Graph API: "Changelog" and "Introducing Graph API v27.0 and Marketing API v27.0"
//!   (November 4, 2026).
//! - Fonnte: "API Send Message" (docs.fonnte.com).
//!
//! NOTE: no stored copy of Meta's own media upload page was found. The upload form
//! (`messaging_product`, `type`, `file`) follows provider pages that mirror Meta's endpoint.
//!
//! Neither provider offers an idempotency header. Meta echoes `biz_opaque_callback_data` in
//! status webhooks, so the Cloud API client puts the outbox idempotency key there and a
//! duplicate can at least be recognised afterwards.
//!
//! Log lines carry the provider name, the HTTP status and the outbox idempotency key, never
//! tokens, phone numbers or message texts. Error reasons have the token and the recipient's
//! number replaced with `***`.

pub mod cloud_api;
pub mod gateway;
pub mod webhook;

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use reqwest::header::{HeaderMap, RETRY_AFTER};

pub use cloud_api::{CloudApi, CloudApiSettings, DEFAULT_API_VERSION, TemplateSettings};
pub use gateway::{Gateway, GatewaySettings};
pub use webhook::{
    DeliveryStatus, InboundMessage, StatusUpdate, WebhookError, WebhookEvents, parse_webhook,
    verify_handshake, verify_signature,
};

/// Longest accepted reason text in a [`WhatsAppError`], in characters. Provider error bodies
/// can be long, and the reason ends up in logs and in the outbox row.
const MAX_REASON_CHARS: usize = 500;

/// Longest `Retry-After` that is passed on, because a wrong header should not park a message
/// for weeks.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

/// One WhatsApp message to one member, as rendered from an outbox row.
///
/// The Debug output leaves out the number, the text, the variable values and the signed
/// link, because they are personal data.
#[derive(Clone, PartialEq, Eq)]
pub struct WhatsAppMessage {
    /// Outbox kind, such as `card_issued`, `renewal_approved` or `rejected`. It selects the
    /// Cloud API template outside the customer-service window.
    pub kind: String,
    /// Recipient in E.164 form, such as `+6281234567890`.
    pub to_e164: String,
    /// Indonesian message text: the caption of the document, or the whole message. Meta
    /// accepts at most 1024 characters as a caption and 4096 as a text body.
    pub text: String,
    /// The member card PDF, when the message carries one.
    pub document: Option<WhatsAppDocument>,
    /// Template variables by name, such as `nama`, `nomor_anggota`, `berlaku_sampai` and
    /// `tautan_kartu`. [`TemplateSettings::parameters`] picks and orders them.
    pub variables: BTreeMap<String, String>,
    /// Whether the member wrote to the business in the last 24 hours, which opens Meta's
    /// customer-service window for free-form messages. The gateway ignores it.
    pub within_service_window: bool,
    /// Key that stays the same for one outbox message across retries, such as
    /// `raline-outbox-42-3f9a…`. At most 512 characters, Meta's limit for
    /// `biz_opaque_callback_data`.
    pub idempotency_key: String,
}

impl fmt::Debug for WhatsAppMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WhatsAppMessage")
            .field("kind", &self.kind)
            .field("idempotency_key", &self.idempotency_key)
            .field("within_service_window", &self.within_service_window)
            .field("document", &self.document)
            .field("variables", &self.variables.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// PDF sent with a [`WhatsAppMessage`].
#[derive(Clone, PartialEq, Eq)]
pub struct WhatsAppDocument {
    pub bytes: Vec<u8>,
    /// File name shown in the chat, with the `.pdf` extension so that WhatsApp shows a PDF
    /// icon.
    pub filename: String,
    /// Signed, expiring https link to the same PDF. The gateway sends this link and its
    /// server downloads the file, so the link must stay valid until the gateway has sent
    /// the message (minutes when the gateway's phone is offline).
    pub link: String,
}

impl fmt::Debug for WhatsAppDocument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WhatsAppDocument")
            .field("filename", &self.filename)
            .field("len", &self.bytes.len())
            .finish_non_exhaustive()
    }
}

/// Receipt of an accepted message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhatsAppReceipt {
    /// Provider's message ID: a `wamid.…` from the Cloud API, the first entry of `id` from
    /// the gateway. `None` when the provider accepted the message but returned no ID.
    pub provider_message_id: Option<String>,
}

/// Error from sending one message.
///
/// Reasons never contain the access token or the recipient's number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WhatsAppError {
    /// The send may succeed later: the connection failed or timed out, the provider is
    /// throttling or unavailable, or it rejected the access token, which the operator must
    /// fix before any message can go out.
    #[error("WhatsApp delivery failed, retry later: {reason}")]
    Transient {
        reason: String,
        /// Wait requested by the provider (`Retry-After`), if any.
        retry_after: Option<Duration>,
    },

    /// The provider rejected this message, or it cannot be sent as it is, so sending it
    /// again would fail again.
    #[error("WhatsApp message rejected: {0}")]
    Permanent(String),

    /// The request reached the provider but no usable response came back (a timeout or a
    /// broken connection after sending, or a success without a message ID). The provider may
    /// have accepted the message, so it is not sent again automatically.
    #[error("outcome unknown: {0}")]
    OutcomeUnknown(String),
}

impl WhatsAppError {
    /// Returns whether the outbox should try this message again later.
    pub fn is_retryable(&self) -> bool {
        matches!(self, WhatsAppError::Transient { .. })
    }

    /// Returns the wait that the provider asked for before the next attempt.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            WhatsAppError::Transient { retry_after, .. } => *retry_after,
            WhatsAppError::Permanent(_) | WhatsAppError::OutcomeUnknown(_) => None,
        }
    }

    /// Returns whether the provider may have accepted the message despite the error.
    pub fn is_outcome_unknown(&self) -> bool {
        matches!(self, WhatsAppError::OutcomeUnknown(_))
    }

    pub(crate) fn transient(reason: impl Into<String>) -> WhatsAppError {
        WhatsAppError::Transient {
            reason: reason.into(),
            retry_after: None,
        }
    }
}

/// A message checked and ready for its delivery request, from
/// [`WhatsAppProvider::prepare`].
#[derive(Clone)]
pub struct PreparedMessage {
    pub(crate) request: PreparedRequest,
}

impl fmt::Debug for PreparedMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The request contains the number and the text.
        f.debug_struct("PreparedMessage").finish_non_exhaustive()
    }
}

#[derive(Clone)]
pub(crate) enum PreparedRequest {
    /// JSON body of the Cloud API messages request, and the recipient's digits.
    CloudApi { body: serde_json::Value, to: String },
    /// Form fields of the gateway request, and the recipient's digits.
    Gateway {
        form: Vec<(&'static str, String)>,
        target: String,
    },
}

/// Invalid [`CloudApiSettings`] or [`GatewaySettings`], found when the client is built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid WhatsApp settings: {0}")]
pub struct WhatsAppSettingsError(pub String);

/// The configured WhatsApp provider.
#[derive(Debug, Clone)]
pub enum WhatsAppProvider {
    CloudApi(CloudApi),
    Gateway(Gateway),
}

impl WhatsAppProvider {
    /// Sends one message and returns the provider's receipt.
    ///
    /// A Cloud API message with a document makes two requests (upload, then send), so a
    /// retry after a failed send uploads the document again.
    pub async fn send(&self, message: &WhatsAppMessage) -> Result<WhatsAppReceipt, WhatsAppError> {
        let prepared = self.prepare(message).await?;
        self.deliver(message, &prepared).await
    }

    /// Checks the message and does what must happen before the member can receive it: the
    /// Cloud API uploads the document. Nothing reaches the member in this step, so it is safe
    /// to repeat after any failure.
    pub async fn prepare(
        &self,
        message: &WhatsAppMessage,
    ) -> Result<PreparedMessage, WhatsAppError> {
        let result = match self {
            WhatsAppProvider::CloudApi(client) => client.prepare(message).await,
            WhatsAppProvider::Gateway(client) => client.prepare(message),
        };
        if let Err(error) = &result {
            tracing::warn!(
                provider = self.name(),
                idempotency_key = %message.idempotency_key,
                retryable = error.is_retryable(),
                %error,
                "WhatsApp message not prepared"
            );
        }
        result
    }

    /// Sends a prepared message: the request that delivers it to the member. After a
    /// timeout or a broken connection here the outcome is unknown
    /// ([`WhatsAppError::OutcomeUnknown`]).
    pub async fn deliver(
        &self,
        message: &WhatsAppMessage,
        prepared: &PreparedMessage,
    ) -> Result<WhatsAppReceipt, WhatsAppError> {
        let result = match (self, &prepared.request) {
            (WhatsAppProvider::CloudApi(client), PreparedRequest::CloudApi { body, to }) => {
                client.post_message(body, message, to).await
            }
            (WhatsAppProvider::Gateway(client), PreparedRequest::Gateway { form, target }) => {
                client.post_form(form, message, target).await
            }
            _ => Err(WhatsAppError::Permanent(
                "the message was prepared for another provider".to_owned(),
            )),
        };
        match &result {
            Ok(receipt) => tracing::debug!(
                provider = self.name(),
                idempotency_key = %message.idempotency_key,
                has_provider_id = receipt.provider_message_id.is_some(),
                "WhatsApp message accepted"
            ),
            Err(error) => tracing::warn!(
                provider = self.name(),
                idempotency_key = %message.idempotency_key,
                retryable = error.is_retryable(),
                %error,
                "WhatsApp message not sent"
            ),
        }
        result
    }

    /// Returns the provider's name for logs and settings: `cloud_api` or `gateway`.
    pub fn name(&self) -> &'static str {
        match self {
            WhatsAppProvider::CloudApi(_) => cloud_api::PROVIDER_NAME,
            WhatsAppProvider::Gateway(_) => gateway::PROVIDER_NAME,
        }
    }

    /// Returns a one-line description for start-up logs, without tokens or secrets.
    pub fn describe(&self) -> String {
        match self {
            WhatsAppProvider::CloudApi(client) => client.describe(),
            WhatsAppProvider::Gateway(client) => client.describe(),
        }
    }
}

impl From<CloudApi> for WhatsAppProvider {
    fn from(client: CloudApi) -> Self {
        WhatsAppProvider::CloudApi(client)
    }
}

impl From<Gateway> for WhatsAppProvider {
    fn from(client: Gateway) -> Self {
        WhatsAppProvider::Gateway(client)
    }
}

/// Returns the digits of an E.164 number without the `+`, as both providers expect them.
///
/// The error leaves the number out, because error texts end up in logs.
pub(crate) fn e164_digits(to_e164: &str) -> Result<String, WhatsAppError> {
    let digits = to_e164.trim().strip_prefix('+').unwrap_or(to_e164.trim());
    // E.164 allows at most 15 digits. The minimum of 8 only rejects obvious fragments, so
    // this is no per-country check.
    let valid = (8..=15).contains(&digits.len())
        && digits.bytes().all(|byte| byte.is_ascii_digit())
        && !digits.starts_with('0');
    if valid {
        Ok(digits.to_owned())
    } else {
        Err(WhatsAppError::Permanent(
            "invalid recipient number: expected E.164 form, + and 8 to 15 digits".to_owned(),
        ))
    }
}

/// Replaces each non-empty secret in `text` with `***`, masks anything that looks like a
/// phone number or an e-mail address (providers echo recipients in their error texts), and
/// shortens the result to [`MAX_REASON_CHARS`].
pub(crate) fn redact(text: &str, secrets: &[&str]) -> String {
    let mut redacted = text.trim().to_owned();
    for secret in secrets.iter().filter(|secret| !secret.is_empty()) {
        redacted = redacted.replace(secret, "***");
    }
    redacted = mask_contacts(&redacted);
    if redacted.chars().count() > MAX_REASON_CHARS {
        redacted = redacted.chars().take(MAX_REASON_CHARS).collect();
        redacted.push('…');
    }
    redacted
}

/// Minimum number of digits in a run of digits, spaces, dots, dashes, brackets and `+` that
/// [`mask_contacts`] treats as a phone number. Meta's error codes have at most 6 digits;
/// a date such as 2026-12-05 is masked too, which loses nothing staff need.
const PHONE_MIN_DIGITS: usize = 7;

/// Replaces phone-number-like runs and e-mail-address-like words with `***`, for provider
/// texts that are stored or logged.
pub fn mask_contacts(text: &str) -> String {
    let words: Vec<String> = text
        .split(' ')
        .map(|word| {
            if word.contains('@') && word.split('@').all(|part| !part.is_empty()) {
                "***".to_owned()
            } else {
                word.to_owned()
            }
        })
        .collect();
    let text = words.join(" ");

    let is_phone_char =
        |c: char| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '.' | '(' | ')');
    let mut output = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, output: &mut String| {
        let digits = run.chars().filter(char::is_ascii_digit).count();
        if digits >= PHONE_MIN_DIGITS {
            // Keep the spacing around the masked number.
            let leading = run.len() - run.trim_start().len();
            let trailing = run.len() - run.trim_end().len();
            output.push_str(&run[..leading]);
            output.push_str("***");
            output.push_str(&run[run.len() - trailing..]);
        } else {
            output.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if is_phone_char(c) {
            run.push(c);
        } else {
            flush(&mut run, &mut output);
            output.push(c);
        }
    }
    flush(&mut run, &mut output);
    output
}

/// Maximum response body read from a provider, in bytes. Real responses are under 2 KB; a
/// larger body is cut off so a faulty provider cannot fill memory or the database.
pub(crate) const MAX_RESPONSE_BYTES: usize = 64 * 1024;

/// Maximum length of a stored provider message ID, in characters. Meta's `wamid` IDs are about 60 characters.
pub(crate) const MAX_PROVIDER_ID_CHARS: usize = 256;

/// Reads at most [`MAX_RESPONSE_BYTES`] of a response body and drops the rest.
pub(crate) async fn read_limited(
    mut response: reqwest::Response,
) -> Result<Vec<u8>, reqwest::Error> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = MAX_RESPONSE_BYTES.saturating_sub(body.len());
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= MAX_RESPONSE_BYTES {
            break;
        }
    }
    Ok(body)
}

/// Classifies a reqwest error of the delivery request. A failed connection means that the
/// request never left, so it is retried. Any later error leaves the outcome unknown,
/// because the provider may have accepted the message.
pub(crate) fn delivery_transport_error(error: reqwest::Error, timeout: Duration) -> WhatsAppError {
    if error.is_connect() {
        return transport_error(error, timeout);
    }
    match transport_error(error, timeout) {
        WhatsAppError::Transient { reason, .. } => WhatsAppError::OutcomeUnknown(format!(
            "{reason}; the provider may have received the message"
        )),
        other => other,
    }
}

/// Classifies an error from reqwest (connect failure, timeout, broken connection) as
/// transient. The text leaves out the URL.
pub(crate) fn transport_error(error: reqwest::Error, timeout: Duration) -> WhatsAppError {
    let error = error.without_url();
    let what = if error.is_timeout() {
        format!("request timed out after {} s", timeout.as_secs())
    } else if error.is_connect() {
        "connection to the provider failed".to_owned()
    } else {
        "request to the provider failed".to_owned()
    };
    let mut chain = String::new();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        chain.push_str(": ");
        chain.push_str(&cause.to_string());
        source = cause.source();
    }
    WhatsAppError::transient(format!("{what} ({error}{chain})"))
}

/// Reads `Retry-After` as delay seconds or as an HTTP date (RFC 9110, section 10.2.3),
/// capped at [`MAX_RETRY_AFTER`].
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    let delay = if let Ok(seconds) = value.parse::<u64>() {
        Duration::from_secs(seconds)
    } else {
        // IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") is valid RFC 2822 syntax.
        let date =
            time::OffsetDateTime::parse(value, &time::format_description::well_known::Rfc2822)
                .ok()?;
        let seconds = (date - time::OffsetDateTime::now_utc()).whole_seconds();
        Duration::from_secs(u64::try_from(seconds).unwrap_or(0))
    };
    Some(delay.min(MAX_RETRY_AFTER))
}

/// Builds the HTTP client shared by both providers.
pub(crate) fn http_client(timeout: Duration) -> Result<reqwest::Client, WhatsAppSettingsError> {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        // A redirect is never expected, and following one could send the token elsewhere.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|error| WhatsAppSettingsError(format!("cannot build the HTTP client: {error}")))
}

/// Checks that `value` is an absolute http or https URL and returns it parsed.
pub(crate) fn parse_http_url(field: &str, value: &str) -> Result<url::Url, WhatsAppSettingsError> {
    let url = url::Url::parse(value)
        .map_err(|error| WhatsAppSettingsError(format!("{field} is not a valid URL: {error}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(WhatsAppSettingsError(format!(
            "{field} must be an http or https URL, such as https://graph.facebook.com"
        )));
    }
    Ok(url)
}

/// Returns the URL without user info, query and fragment, for descriptions and logs.
pub(crate) fn public_url(url: &url::Url) -> String {
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.set_query(None);
    shown.set_fragment(None);
    shown.to_string()
}

/// Largest accepted `timeout_seconds`. One request may hold a worker this long, so a
/// larger value would let one silent provider stop every delivery.
pub(crate) const MAX_TIMEOUT_SECONDS: u64 = 120;

/// Returns the timeout for `timeout_seconds`, which must be between 1 and
/// [`MAX_TIMEOUT_SECONDS`].
pub(crate) fn timeout_from_seconds(seconds: u64) -> Result<Duration, WhatsAppSettingsError> {
    if !(1..=MAX_TIMEOUT_SECONDS).contains(&seconds) {
        return Err(WhatsAppSettingsError(format!(
            "timeout_seconds must be between 1 and {MAX_TIMEOUT_SECONDS}, not {seconds}"
        )));
    }
    Ok(Duration::from_secs(seconds))
}

/// Formats a secret for Debug output: whether it is set, never its value.
pub(crate) struct Redacted<'a>(pub &'a str);

impl fmt::Debug for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("\"\"")
        } else {
            f.write_str("\"<redacted>\"")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_masks_formatted_numbers_and_addresses() {
        let text = redact(
            "131026: Recipient +62 812-9999-0000 / hang@example.id TOKSECRET123 (#100)",
            &["TOKSECRET123"],
        );
        assert_eq!(text, "131026: Recipient *** / *** *** (#100)");
    }

    #[test]
    fn redact_keeps_error_codes() {
        assert_eq!(
            redact("131026: Message undeliverable", &[]),
            "131026: Message undeliverable"
        );
        assert_eq!(redact("(#130429) at step 2", &[]), "(#130429) at step 2");
    }

    use reqwest::header::HeaderValue;

    #[test]
    fn e164_digits_accepts_and_rejects() {
        assert_eq!(e164_digits("+6281234567890").unwrap(), "6281234567890");
        assert_eq!(e164_digits(" 6281234567890 ").unwrap(), "6281234567890");
        for invalid in [
            "",
            "+",
            "081234567890",
            "+62 812 3456",
            "+62-812345678",
            "+1234567",
        ] {
            let error = e164_digits(invalid).unwrap_err();
            assert!(!error.is_retryable(), "{invalid:?}");
        }
        assert!(e164_digits("+1234567890123456").is_err(), "16 digits");
    }

    #[test]
    fn invalid_number_error_omits_number() {
        let error = e164_digits("+62abc81234").unwrap_err();
        assert!(!error.to_string().contains("81234"));
    }

    #[test]
    fn redact_replaces_secrets_and_shortens() {
        let text = "token EAAB123 rejected for 6281234567890";
        assert_eq!(
            redact(text, &["EAAB123", "6281234567890", ""]),
            "token *** rejected for ***"
        );
        let long = "x".repeat(MAX_REASON_CHARS + 10);
        assert_eq!(redact(&long, &[]).chars().count(), MAX_REASON_CHARS + 1);
    }

    #[test]
    fn retry_after_seconds_and_date() {
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers), None);

        headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));

        headers.insert(RETRY_AFTER, HeaderValue::from_static("99999999"));
        assert_eq!(retry_after(&headers), Some(MAX_RETRY_AFTER));

        let in_two_minutes = time::OffsetDateTime::now_utc() + time::Duration::seconds(120);
        let date = in_two_minutes
            .format(&time::format_description::well_known::Rfc2822)
            .unwrap();
        headers.insert(RETRY_AFTER, HeaderValue::from_str(&date).unwrap());
        let delay = retry_after(&headers).unwrap();
        assert!(
            (Duration::from_secs(110)..=Duration::from_secs(120)).contains(&delay),
            "{delay:?}"
        );

        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT"),
        );
        assert_eq!(
            retry_after(&headers),
            Some(Duration::ZERO),
            "date in the past"
        );

        headers.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers), None);
    }

    #[test]
    fn message_debug_omits_personal_data() {
        let message = WhatsAppMessage {
            kind: "card_issued".into(),
            to_e164: "+6281234567890".into(),
            text: "Halo Budi, kartu Anda terlampir.".into(),
            document: Some(WhatsAppDocument {
                bytes: vec![1, 2, 3],
                filename: "kartu.pdf".into(),
                link: "https://perpustakaan.example/kartu?sig=abc".into(),
            }),
            variables: BTreeMap::from([("nama".to_owned(), "Budi".to_owned())]),
            within_service_window: true,
            idempotency_key: "raline-outbox-42".into(),
        };
        let debug = format!("{message:?}");
        for hidden in ["6281234567890", "Halo Budi", "sig=abc", "\"Budi\""] {
            assert!(!debug.contains(hidden), "{hidden} in {debug}");
        }
        assert!(debug.contains("raline-outbox-42"));
        assert!(debug.contains("nama"));
    }
}
