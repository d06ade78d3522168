//! Client for Meta's WhatsApp Business Platform Cloud API.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{
    MAX_PROVIDER_ID_CHARS, PreparedMessage, PreparedRequest, Redacted, WhatsAppError,
    WhatsAppMessage, WhatsAppReceipt, WhatsAppSettingsError, delivery_transport_error, e164_digits,
    http_client, parse_http_url, public_url, read_limited, redact, retry_after,
    timeout_from_seconds, transport_error,
};

pub(crate) const PROVIDER_NAME: &str = "cloud_api";

/// Graph API version used unless the settings name another: the newest version, introduced
/// on November 4, 2026 according to Meta's Graph API changelog.
pub const DEFAULT_API_VERSION: &str = "v27.0";

/// Default Graph API host.
pub const DEFAULT_BASE_URL: &str = "https://graph.facebook.com";

/// Media type of the member card.
const PDF_MEDIA_TYPE: &str = "application/pdf";

/// Meta's limit for `biz_opaque_callback_data`, in characters (WhatsApp Business Platform
/// changelog: raised from 256 to 512).
const MAX_CALLBACK_DATA_CHARS: usize = 512;

/// Error codes that mean "slow down, then try again", from the "Throttling errors" table of
/// Meta's "WhatsApp error codes" page: 4 (app API call rate limit), 80007 (WhatsApp Business
/// Account rate limit), 130429 (throughput reached), 131048 (spam rate limit), 131056
/// (pair rate limit, same recipient too often). Meta returns them with HTTP 400 as well as
/// 429, so the code decides, not the status.
const THROTTLING_CODES: [i64; 5] = [4, 80007, 130429, 131048, 131056];

/// Error codes for a temporary fault on Meta's side, from the same page: 2 (API service
/// down or overloaded), 131000 (unknown error, try again), 131016 (service unavailable).
const TEMPORARY_CODES: [i64; 3] = [2, 131000, 131016];

/// Error codes for an invalid or expired access token (0 and 190, HTTP 401). Every message
/// fails the same way until the operator replaces the token, so the message is kept for a
/// retry instead of being dropped.
const ACCESS_TOKEN_CODES: [i64; 2] = [0, 190];

/// Cloud API settings, read from the service configuration.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloudApiSettings {
    /// Graph API host, `https://graph.facebook.com` unless a test server is used.
    #[serde(default = "default_base_url")]
    pub base_url: String,
    /// Graph API version path segment, such as `v27.0`.
    #[serde(default = "default_api_version")]
    pub api_version: String,
    /// WhatsApp business phone number ID (not the phone number itself).
    pub phone_number_id: String,
    /// System user access token, sent as `Authorization: Bearer`.
    pub access_token: String,
    /// App secret, the key of the `X-Hub-Signature-256` webhook signatures.
    pub app_secret: String,
    /// Token that Meta echoes in the webhook subscription handshake (`hub.verify_token`).
    pub verify_token: String,
    /// Approved templates by outbox kind, used outside the customer-service window.
    #[serde(default)]
    pub templates: BTreeMap<String, TemplateSettings>,
    /// Maximum time for one HTTP request, in seconds.
    #[serde(default = "default_timeout_seconds")]
    pub timeout_seconds: u64,
}

impl fmt::Debug for CloudApiSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CloudApiSettings")
            .field("base_url", &self.base_url)
            .field("api_version", &self.api_version)
            .field("phone_number_id", &self.phone_number_id)
            .field("access_token", &Redacted(&self.access_token))
            .field("app_secret", &Redacted(&self.app_secret))
            .field("verify_token", &Redacted(&self.verify_token))
            .field("templates", &self.templates)
            .field("timeout_seconds", &self.timeout_seconds)
            .finish()
    }
}

/// Approved message template for one outbox kind.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateSettings {
    /// Template name as approved in WhatsApp Manager.
    pub name: String,
    /// Template language code, `id` (Indonesian) by default.
    #[serde(default = "default_language")]
    pub language: String,
    /// Names of [`WhatsAppMessage::variables`] for the body placeholders `{{1}}`, `{{2}}`, …
    /// in that order.
    #[serde(default)]
    pub parameters: Vec<String>,
}

fn default_base_url() -> String {
    DEFAULT_BASE_URL.to_owned()
}

fn default_api_version() -> String {
    DEFAULT_API_VERSION.to_owned()
}

fn default_language() -> String {
    "id".to_owned()
}

fn default_timeout_seconds() -> u64 {
    30
}

/// Cloud API client for one business phone number. Clones share the connection pool.
#[derive(Clone)]
pub struct CloudApi {
    settings: CloudApiSettings,
    client: reqwest::Client,
    timeout: Duration,
    media_url: String,
    messages_url: String,
    /// `base_url` without user info or query, for [`CloudApi::describe`].
    shown_base_url: String,
}

impl fmt::Debug for CloudApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CloudApi")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl CloudApi {
    /// Checks the settings and builds the client.
    pub fn new(settings: CloudApiSettings) -> Result<CloudApi, WhatsAppSettingsError> {
        let base_url = parse_http_url("base_url", &settings.base_url)?;
        let timeout = timeout_from_seconds(settings.timeout_seconds)?;
        check_settings(&settings)?;

        let prefix = format!(
            "{}/{}/{}",
            settings.base_url.trim_end_matches('/'),
            settings.api_version,
            settings.phone_number_id
        );
        Ok(CloudApi {
            client: http_client(timeout)?,
            timeout,
            media_url: format!("{prefix}/media"),
            messages_url: format!("{prefix}/messages"),
            shown_base_url: public_url(&base_url),
            settings,
        })
    }

    pub fn settings(&self) -> &CloudApiSettings {
        &self.settings
    }

    /// Returns a one-line description without the token or the secrets.
    pub fn describe(&self) -> String {
        format!(
            "WhatsApp Cloud API {} at {}, phone number ID {}, templates for {} kinds",
            self.settings.api_version,
            self.shown_base_url,
            self.settings.phone_number_id,
            self.settings.templates.len()
        )
    }

    /// Sends one message: a document or text inside the customer-service window, otherwise
    /// the template configured for `message.kind`. A document is uploaded first.
    pub async fn send(&self, message: &WhatsAppMessage) -> Result<WhatsAppReceipt, WhatsAppError> {
        let prepared = self.prepare(message).await?;
        match &prepared.request {
            PreparedRequest::CloudApi { body, to } => self.post_message(body, message, to).await,
            PreparedRequest::Gateway { .. } => Err(WhatsAppError::Permanent(
                "the message was prepared for another provider".to_owned(),
            )),
        }
    }

    /// Checks the message, uploads its document and builds the messages request.
    pub(crate) async fn prepare(
        &self,
        message: &WhatsAppMessage,
    ) -> Result<PreparedMessage, WhatsAppError> {
        let to = e164_digits(&message.to_e164)?;
        check_callback_data(&message.idempotency_key)?;
        // Check the template before uploading, so that a message that cannot be sent does
        // not upload its document first.
        let template = if message.within_service_window {
            None
        } else {
            Some(self.template_for(message)?)
        };

        let media_id = match &message.document {
            Some(document) => Some(
                self.upload_pdf(&document.bytes, &document.filename, message, &to)
                    .await?,
            ),
            None => None,
        };

        let body = match template {
            Some((template, body_values)) => {
                template_body(&to, message, template, body_values, media_id.as_deref())
            }
            None => free_form_body(&to, message, media_id.as_deref()),
        };
        Ok(PreparedMessage {
            request: PreparedRequest::CloudApi { body, to },
        })
    }

    /// Returns the template for the message's kind and its body values in placeholder order.
    fn template_for<'a>(
        &'a self,
        message: &'a WhatsAppMessage,
    ) -> Result<(&'a TemplateSettings, Vec<&'a str>), WhatsAppError> {
        let template = self.settings.templates.get(&message.kind).ok_or_else(|| {
            WhatsAppError::Permanent(format!(
                "outside the 24-hour customer-service window and no template is configured \
                 for kind {}",
                message.kind
            ))
        })?;
        let mut values = Vec::with_capacity(template.parameters.len());
        for name in &template.parameters {
            let value = message.variables.get(name).ok_or_else(|| {
                WhatsAppError::Permanent(format!(
                    "template {} needs the variable {name}, which the {} message does not \
                     have",
                    template.name, message.kind
                ))
            })?;
            values.push(value.as_str());
        }
        Ok((template, values))
    }

    /// Uploads the PDF and returns Meta's media ID.
    async fn upload_pdf(
        &self,
        bytes: &[u8],
        filename: &str,
        message: &WhatsAppMessage,
        to: &str,
    ) -> Result<String, WhatsAppError> {
        let file = Part::bytes(bytes.to_vec())
            .file_name(filename.to_owned())
            .mime_str(PDF_MEDIA_TYPE)
            .map_err(|error| WhatsAppError::Permanent(format!("invalid media type: {error}")))?;
        let form = Form::new()
            .text("messaging_product", "whatsapp")
            .text("type", PDF_MEDIA_TYPE)
            .part("file", file);

        let response = self
            .client
            .post(&self.media_url)
            .bearer_auth(&self.settings.access_token)
            .multipart(form)
            .send()
            .await
            .map_err(|error| transport_error(error, self.timeout))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = read_limited(response)
            .await
            .map_err(|error| transport_error(error, self.timeout))?;

        if !status.is_success() {
            return Err(self.classify_failure(
                "media upload",
                status,
                &headers,
                &body,
                message,
                to,
            ));
        }
        #[derive(Deserialize)]
        struct Uploaded {
            id: String,
        }
        match serde_json::from_slice::<Uploaded>(&body) {
            Ok(uploaded) if !uploaded.id.is_empty() => Ok(uploaded.id),
            // Nothing has been sent to the member yet, so uploading again is harmless.
            _ => {
                log_status("media upload", status, message, "response has no media ID");
                Err(WhatsAppError::transient(format!(
                    "media upload returned HTTP {} without a media ID",
                    status.as_u16()
                )))
            }
        }
    }

    /// Posts the messages request, the step that reaches the member.
    pub(crate) async fn post_message(
        &self,
        body: &Value,
        message: &WhatsAppMessage,
        to: &str,
    ) -> Result<WhatsAppReceipt, WhatsAppError> {
        let response = self
            .client
            .post(&self.messages_url)
            .bearer_auth(&self.settings.access_token)
            .json(body)
            .send()
            .await
            .map_err(|error| delivery_transport_error(error, self.timeout))?;
        let status = response.status();
        let headers = response.headers().clone();
        let read = read_limited(response).await;

        if !status.is_success() {
            let bytes = read.unwrap_or_default();
            return Err(self.classify_failure("send", status, &headers, &bytes, message, to));
        }
        // A 2xx means Meta accepted the request. Without a usable message ID the message
        // cannot be followed, and sending it again could deliver it twice, so staff decide.
        // The status webhook can still report it by its biz_opaque_callback_data.
        let provider_message_id = read
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
            .and_then(|value| value["messages"][0]["id"].as_str().map(str::to_owned))
            .filter(|id| !id.is_empty() && id.chars().count() <= MAX_PROVIDER_ID_CHARS);
        match provider_message_id {
            Some(id) => Ok(WhatsAppReceipt {
                provider_message_id: Some(id),
            }),
            None => {
                log_status("send", status, message, "response has no usable message ID");
                Err(WhatsAppError::OutcomeUnknown(format!(
                    "Cloud API returned HTTP {} without a usable message ID",
                    status.as_u16()
                )))
            }
        }
    }

    /// Turns a non-2xx response into an error, from Meta's `error` object where there is one.
    fn classify_failure(
        &self,
        step: &str,
        status: StatusCode,
        headers: &reqwest::header::HeaderMap,
        body: &[u8],
        message: &WhatsAppMessage,
        to: &str,
    ) -> WhatsAppError {
        let secrets = [
            self.settings.access_token.as_str(),
            to,
            message.to_e164.as_str(),
        ];
        let meta_error = serde_json::from_slice::<GraphErrorBody>(body)
            .ok()
            .map(|body| body.error);
        let description = match &meta_error {
            Some(error) => redact(&error.describe(), &secrets),
            None => format!("HTTP {}", status.as_u16()),
        };
        let reason = format!("{step} failed: {description}");
        let code = meta_error.as_ref().and_then(|error| error.code);
        log_status(step, status, message, &reason);

        let throttled = status == StatusCode::TOO_MANY_REQUESTS
            || code.is_some_and(|code| THROTTLING_CODES.contains(&code));
        let temporary = status.is_server_error()
            || status == StatusCode::REQUEST_TIMEOUT
            || code.is_some_and(|code| TEMPORARY_CODES.contains(&code));
        let token_rejected = status == StatusCode::UNAUTHORIZED
            || code.is_some_and(|code| ACCESS_TOKEN_CODES.contains(&code));

        if throttled || temporary {
            WhatsAppError::Transient {
                reason,
                retry_after: retry_after(headers),
            }
        } else if token_rejected {
            WhatsAppError::transient(format!(
                "{reason} (the access token was rejected; replace it in the Cloud API settings)"
            ))
        } else {
            WhatsAppError::Permanent(reason)
        }
    }
}

/// Graph API error response: `{"error": {"message", "type", "code", "error_data":
/// {"details"}, "fbtrace_id"}}`.
#[derive(Deserialize)]
struct GraphErrorBody {
    error: GraphError,
}

#[derive(Deserialize)]
struct GraphError {
    code: Option<i64>,
    message: Option<String>,
    error_data: Option<GraphErrorData>,
}

#[derive(Deserialize)]
struct GraphErrorData {
    details: Option<String>,
}

impl GraphError {
    /// Formats the error as `131026: Message undeliverable (details)`, without Meta's
    /// `(#131026) ` prefix of the message.
    fn describe(&self) -> String {
        let title = self.message.as_deref().unwrap_or("no message").trim();
        let title = match title.strip_prefix("(#") {
            Some(rest) => rest.split_once(") ").map_or(title, |(_, title)| title),
            None => title,
        };
        let mut text = match self.code {
            Some(code) => format!("{code}: {title}"),
            None => title.to_owned(),
        };
        if let Some(details) = self
            .error_data
            .as_ref()
            .and_then(|data| data.details.as_deref())
        {
            let details = details.trim();
            if !details.is_empty() && details != title {
                text.push_str(&format!(" ({details})"));
            }
        }
        text
    }
}

fn check_settings(settings: &CloudApiSettings) -> Result<(), WhatsAppSettingsError> {
    let version = settings.api_version.strip_prefix('v').unwrap_or("");
    let version_valid = version
        .split_once('.')
        .is_some_and(|(major, minor)| is_digits(major) && is_digits(minor));
    if !version_valid {
        return Err(WhatsAppSettingsError(format!(
            "api_version must look like {DEFAULT_API_VERSION}, not {:?}",
            settings.api_version
        )));
    }
    if !is_digits(&settings.phone_number_id) {
        return Err(WhatsAppSettingsError(
            "phone_number_id must be the numeric business phone number ID from WhatsApp \
             Manager"
                .to_owned(),
        ));
    }
    if settings.access_token.trim().is_empty() {
        return Err(WhatsAppSettingsError("access_token is missing".to_owned()));
    }
    for (kind, template) in &settings.templates {
        if template.name.trim().is_empty() || template.language.trim().is_empty() {
            return Err(WhatsAppSettingsError(format!(
                "the template for kind {kind} needs a name and a language"
            )));
        }
    }
    Ok(())
}

fn is_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit())
}

fn check_callback_data(idempotency_key: &str) -> Result<(), WhatsAppError> {
    if idempotency_key.chars().count() > MAX_CALLBACK_DATA_CHARS {
        return Err(WhatsAppError::Permanent(format!(
            "idempotency key is longer than the {MAX_CALLBACK_DATA_CHARS} characters that \
             Meta accepts in biz_opaque_callback_data"
        )));
    }
    Ok(())
}

/// Body of a free-form message, allowed inside the customer-service window: the document
/// with the text as caption, or the text alone.
fn free_form_body(to: &str, message: &WhatsAppMessage, media_id: Option<&str>) -> Value {
    let mut body = json!({
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
    });
    match (media_id, &message.document) {
        (Some(media_id), Some(document)) => {
            body["type"] = json!("document");
            body["document"] = json!({
                "id": media_id,
                "filename": document.filename,
                "caption": message.text,
            });
        }
        _ => {
            body["type"] = json!("text");
            body["text"] = json!({ "body": message.text });
        }
    }
    add_callback_data(&mut body, message);
    body
}

/// Body of a template message: a document header when there is a document, then the body
/// placeholders.
fn template_body(
    to: &str,
    message: &WhatsAppMessage,
    template: &TemplateSettings,
    body_values: Vec<&str>,
    media_id: Option<&str>,
) -> Value {
    let mut components = Vec::new();
    if let (Some(media_id), Some(document)) = (media_id, &message.document) {
        components.push(json!({
            "type": "header",
            "parameters": [{
                "type": "document",
                "document": { "id": media_id, "filename": document.filename },
            }],
        }));
    }
    // A template body without placeholders needs no component, so none is sent.
    if !body_values.is_empty() {
        let parameters: Vec<Value> = body_values
            .into_iter()
            .map(|value| json!({ "type": "text", "text": value }))
            .collect();
        components.push(json!({ "type": "body", "parameters": parameters }));
    }

    let mut body = json!({
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "template",
        "template": {
            "name": template.name,
            "language": { "code": template.language },
            "components": components,
        },
    });
    add_callback_data(&mut body, message);
    body
}

fn add_callback_data(body: &mut Value, message: &WhatsAppMessage) {
    if !message.idempotency_key.is_empty() {
        body["biz_opaque_callback_data"] = json!(message.idempotency_key);
    }
}

fn log_status(step: &str, status: StatusCode, message: &WhatsAppMessage, problem: &str) {
    tracing::warn!(
        provider = PROVIDER_NAME,
        step,
        http_status = status.as_u16(),
        idempotency_key = %message.idempotency_key,
        problem,
        "WhatsApp Cloud API request failed"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> CloudApiSettings {
        serde_json::from_value(json!({
            "phone_number_id": "106540352242922",
            "access_token": "EAAB-secret",
            "app_secret": "app-secret",
            "verify_token": "verify-secret",
        }))
        .unwrap()
    }

    #[test]
    fn settings_defaults() {
        let settings = settings();
        assert_eq!(settings.base_url, "https://graph.facebook.com");
        assert_eq!(settings.api_version, DEFAULT_API_VERSION);
        assert_eq!(settings.timeout_seconds, 30);
        assert!(settings.templates.is_empty());

        let template: TemplateSettings =
            serde_json::from_value(json!({ "name": "kartu_terbit" })).unwrap();
        assert_eq!(template.language, "id");
        assert!(template.parameters.is_empty());
    }

    #[test]
    fn settings_reject_unknown_fields() {
        let result = serde_json::from_value::<CloudApiSettings>(json!({
            "phone_number_id": "1",
            "access_token": "t",
            "app_secret": "s",
            "verify_token": "v",
            "acces_token": "typo",
        }));
        assert!(result.is_err());
    }

    #[test]
    fn settings_debug_redacts_secrets() {
        let debug = format!("{:?}", settings());
        for secret in ["EAAB-secret", "app-secret", "verify-secret"] {
            assert!(!debug.contains(secret), "{secret} in {debug}");
        }
        assert!(debug.contains("106540352242922"));
    }

    #[test]
    fn new_checks_settings() {
        assert!(CloudApi::new(settings()).is_ok());

        let mut bad = settings();
        bad.api_version = "27".into();
        assert!(CloudApi::new(bad).is_err());

        let mut bad = settings();
        bad.phone_number_id = "+6281234".into();
        assert!(CloudApi::new(bad).is_err());

        let mut bad = settings();
        bad.base_url = "graph.facebook.com".into();
        assert!(CloudApi::new(bad).is_err());

        let mut bad = settings();
        bad.timeout_seconds = 0;
        assert!(CloudApi::new(bad).is_err());
    }

    #[test]
    fn describe_omits_secrets() {
        let text = CloudApi::new(settings()).unwrap().describe();
        assert!(text.contains("v27.0"), "{text}");
        assert!(!text.contains("EAAB-secret"), "{text}");
    }

    #[test]
    fn graph_error_description() {
        let error: GraphErrorBody = serde_json::from_value(json!({
            "error": {
                "message": "(#131026) Message undeliverable",
                "type": "OAuthException",
                "code": 131026,
                "error_data": { "messaging_product": "whatsapp", "details": "Receiver is incapable" },
                "fbtrace_id": "Az8or2yhqkZfEZ"
            }
        }))
        .unwrap();
        assert_eq!(
            error.error.describe(),
            "131026: Message undeliverable (Receiver is incapable)"
        );
    }
}
