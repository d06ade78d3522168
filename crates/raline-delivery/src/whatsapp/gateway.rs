//! Client for a Fonnte-style WhatsApp gateway: one form post per message. The gateway
//! responds with `{"status": true, "id": [...]}` or `{"status": false, "reason": "..."}`,
//! both with HTTP 200.
//!
//! The request follows Fonnte's "API Send Message" page: header `Authorization: <token>`
//! (no `Bearer`), form fields `target`, `message`, `countryCode` and, for a document, `url`
//! and `filename`. The gateway downloads the file from `url` itself.

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::AUTHORIZATION;
use serde::Deserialize;
use serde_json::Value;

use super::{
    MAX_PROVIDER_ID_CHARS, PreparedMessage, PreparedRequest, Redacted, WhatsAppError,
    WhatsAppMessage, WhatsAppReceipt, WhatsAppSettingsError, delivery_transport_error, e164_digits,
    http_client, parse_http_url, public_url, read_limited, redact, retry_after,
    timeout_from_seconds,
};

pub(crate) const PROVIDER_NAME: &str = "gateway";

/// Lower-case fragments of a `status: false` reason that describe a passing state of the
/// gateway or its settings rather than of the message. Such reasons say that the sending
/// phone is disconnected, the gateway is throttling, the quota is used up, or the token was
/// rejected. The operator must fix the last two before any message can go out.
///
/// NOTE: Fonnte documents the reasons "token invalid", "invalid token" and "unknown user"
/// on its other endpoints, and describes pending messages "due to device not connected".
/// The wording of its send endpoint's disconnected-device, rate-limit and quota reasons
/// was not found in its documentation, so these fragments are a best guess.
const TRANSIENT_REASON_FRAGMENTS: [&str; 10] = [
    "disconnect",
    "not connected",
    "rate limit",
    "too many",
    "try again",
    "quota",
    "token",
    "unknown user",
    "server",
    "timeout",
];

/// Gateway settings, read from the service configuration.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GatewaySettings {
    /// Send endpoint, such as `https://api.fonnte.com/send`.
    pub url: String,
    /// Device token, sent as the whole `Authorization` header.
    pub token: String,
    /// `countryCode` form field: the gateway replaces a leading 0 of `target` with it.
    /// Targets are sent in international form, so it only matters for the gateway's own
    /// defaults. `62` (Indonesia) unless set.
    #[serde(default = "default_country_code")]
    pub country_code: String,
    /// Maximum time for one HTTP request, in seconds.
    #[serde(default = "default_timeout_seconds")]
    pub timeout_seconds: u64,
}

impl fmt::Debug for GatewaySettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown_url = url::Url::parse(&self.url)
            .map(|url| public_url(&url))
            .unwrap_or_else(|_| "<invalid URL>".to_owned());
        f.debug_struct("GatewaySettings")
            .field("url", &shown_url)
            .field("token", &Redacted(&self.token))
            .field("country_code", &self.country_code)
            .field("timeout_seconds", &self.timeout_seconds)
            .finish()
    }
}

fn default_country_code() -> String {
    "62".to_owned()
}

fn default_timeout_seconds() -> u64 {
    30
}

/// Gateway client. Clones share the connection pool.
#[derive(Clone)]
pub struct Gateway {
    settings: GatewaySettings,
    client: reqwest::Client,
    timeout: Duration,
    /// `url` without user info or query, for [`Gateway::describe`].
    shown_url: String,
}

impl fmt::Debug for Gateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Gateway")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl Gateway {
    /// Checks the settings and builds the client.
    pub fn new(settings: GatewaySettings) -> Result<Gateway, WhatsAppSettingsError> {
        let url = parse_http_url("url", &settings.url)?;
        let timeout = timeout_from_seconds(settings.timeout_seconds)?;
        if settings.token.trim().is_empty() {
            return Err(WhatsAppSettingsError("token is missing".to_owned()));
        }
        if settings.country_code.is_empty()
            || !settings
                .country_code
                .bytes()
                .all(|byte| byte.is_ascii_digit())
        {
            return Err(WhatsAppSettingsError(
                "country_code must be digits, such as 62".to_owned(),
            ));
        }
        Ok(Gateway {
            client: http_client(timeout)?,
            timeout,
            shown_url: public_url(&url),
            settings,
        })
    }

    pub fn settings(&self) -> &GatewaySettings {
        &self.settings
    }

    /// Returns a one-line description without the token.
    pub fn describe(&self) -> String {
        format!("WhatsApp gateway at {}", self.shown_url)
    }

    /// Sends one message. With a document, the gateway receives its signed link and
    /// filename and the text as the caption.
    pub async fn send(&self, message: &WhatsAppMessage) -> Result<WhatsAppReceipt, WhatsAppError> {
        let prepared = self.prepare(message)?;
        match &prepared.request {
            PreparedRequest::Gateway { form, target } => {
                self.post_form(form, message, target).await
            }
            PreparedRequest::CloudApi { .. } => Err(WhatsAppError::Permanent(
                "the message was prepared for another provider".to_owned(),
            )),
        }
    }

    /// Checks the number and builds the form.
    pub(crate) fn prepare(
        &self,
        message: &WhatsAppMessage,
    ) -> Result<PreparedMessage, WhatsAppError> {
        let target = e164_digits(&message.to_e164)?;
        let mut form = vec![
            ("target", target.clone()),
            ("message", message.text.clone()),
            ("countryCode", self.settings.country_code.clone()),
        ];
        if let Some(document) = &message.document {
            form.push(("url", document.link.clone()));
            form.push(("filename", document.filename.clone()));
        }
        Ok(PreparedMessage {
            request: PreparedRequest::Gateway { form, target },
        })
    }

    /// Posts the form, the step that reaches the member.
    pub(crate) async fn post_form(
        &self,
        form: &[(&'static str, String)],
        message: &WhatsAppMessage,
        target: &str,
    ) -> Result<WhatsAppReceipt, WhatsAppError> {
        let target = target.to_owned();
        let response = self
            .client
            .post(&self.settings.url)
            .header(AUTHORIZATION, &self.settings.token)
            .form(form)
            .send()
            .await
            .map_err(|error| delivery_transport_error(error, self.timeout))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = read_limited(response)
            .await
            .map_err(|error| delivery_transport_error(error, self.timeout))?;

        let secrets = [
            self.settings.token.as_str(),
            target.as_str(),
            message.to_e164.as_str(),
        ];
        let parsed = serde_json::from_slice::<GatewayResponse>(&body).ok();
        let reason = parsed
            .as_ref()
            .and_then(|response| response.reason.as_deref())
            .map(|reason| redact(reason, &secrets));

        if !status.is_success() {
            let description = reason.unwrap_or_else(|| format!("HTTP {}", status.as_u16()));
            log_failure(status, message, &description);
            return Err(classify_http_failure(status, &headers, description));
        }
        match parsed {
            Some(GatewayResponse {
                status: Some(true),
                id,
                ..
            }) => Ok(WhatsAppReceipt {
                provider_message_id: first_id(id.as_ref())
                    .filter(|id| id.chars().count() <= MAX_PROVIDER_ID_CHARS),
            }),
            Some(GatewayResponse {
                status: Some(false),
                ..
            }) => {
                let reason = reason.unwrap_or_else(|| "no reason given".to_owned());
                log_failure(status, message, &reason);
                Err(classify_reason(reason))
            }
            // The gateway may or may not have queued the message, so it is not sent again.
            _ => {
                let problem = "response is not a gateway status object";
                log_failure(status, message, problem);
                Err(WhatsAppError::OutcomeUnknown(format!(
                    "gateway returned HTTP {} but its {problem}; the message may have been \
                     queued, check the gateway's message history",
                    status.as_u16()
                )))
            }
        }
    }
}

/// `{"status": true, "id": ["80367170"], "detail": "..."}` or
/// `{"status": false, "reason": "..."}`.
#[derive(Deserialize)]
struct GatewayResponse {
    status: Option<bool>,
    #[serde(default)]
    id: Option<Value>,
    #[serde(default)]
    reason: Option<String>,
}

/// Returns the first message ID of `id`, which is a list with one entry per target.
fn first_id(id: Option<&Value>) -> Option<String> {
    let first = match id? {
        Value::Array(ids) => ids.first()?,
        other => other,
    };
    match first {
        Value::String(text) if !text.is_empty() => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

fn classify_http_failure(
    status: StatusCode,
    headers: &reqwest::header::HeaderMap,
    description: String,
) -> WhatsAppError {
    let reason = format!("gateway returned HTTP {}: {description}", status.as_u16());
    if status == StatusCode::TOO_MANY_REQUESTS
        || status == StatusCode::REQUEST_TIMEOUT
        || status.is_server_error()
    {
        WhatsAppError::Transient {
            reason,
            retry_after: retry_after(headers),
        }
    } else if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
        WhatsAppError::transient(format!(
            "{reason} (the token was rejected; replace it in the gateway settings)"
        ))
    } else {
        WhatsAppError::Permanent(reason)
    }
}

fn classify_reason(reason: String) -> WhatsAppError {
    let lower = reason.to_lowercase();
    if TRANSIENT_REASON_FRAGMENTS
        .iter()
        .any(|fragment| lower.contains(fragment))
    {
        WhatsAppError::transient(format!("gateway: {reason}"))
    } else {
        WhatsAppError::Permanent(format!("gateway: {reason}"))
    }
}

fn log_failure(status: StatusCode, message: &WhatsAppMessage, problem: &str) {
    tracing::warn!(
        provider = PROVIDER_NAME,
        http_status = status.as_u16(),
        idempotency_key = %message.idempotency_key,
        problem,
        "WhatsApp gateway request failed"
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn settings() -> GatewaySettings {
        serde_json::from_value(json!({
            "url": "https://api.fonnte.com/send",
            "token": "device-token-secret",
        }))
        .unwrap()
    }

    #[test]
    fn settings_defaults_and_redaction() {
        let settings = settings();
        assert_eq!(settings.country_code, "62");
        assert_eq!(settings.timeout_seconds, 30);
        let debug = format!("{settings:?}");
        assert!(!debug.contains("device-token-secret"), "{debug}");
    }

    #[test]
    fn settings_reject_unknown_fields() {
        let result = serde_json::from_value::<GatewaySettings>(json!({
            "url": "https://api.fonnte.com/send",
            "token": "t",
            "countryCode": "62",
        }));
        assert!(result.is_err());
    }

    #[test]
    fn new_checks_settings() {
        assert!(Gateway::new(settings()).is_ok());

        let mut bad = settings();
        bad.token = " ".into();
        assert!(Gateway::new(bad).is_err());

        let mut bad = settings();
        bad.country_code = "+62".into();
        assert!(Gateway::new(bad).is_err());

        let mut bad = settings();
        bad.url = "ftp://api.fonnte.com/send".into();
        assert!(Gateway::new(bad).is_err());
    }

    #[test]
    fn describe_omits_token_and_query() {
        let mut settings = settings();
        settings.url = "https://user:pass@gateway.example/send?token=abc".into();
        let text = Gateway::new(settings).unwrap().describe();
        assert_eq!(text, "WhatsApp gateway at https://gateway.example/send");
    }

    #[test]
    fn first_id_forms() {
        assert_eq!(
            first_id(Some(&json!(["80367170"]))),
            Some("80367170".into())
        );
        assert_eq!(first_id(Some(&json!([80367170]))), Some("80367170".into()));
        assert_eq!(first_id(Some(&json!("42"))), Some("42".into()));
        assert_eq!(first_id(Some(&json!([]))), None);
        assert_eq!(first_id(None), None);
    }

    #[test]
    fn reason_classification() {
        for transient in [
            "device disconnected",
            "request invalid on disconnected device",
            "token invalid",
            "rate limit exceeded",
            "insufficient quota",
        ] {
            assert!(
                classify_reason(transient.into()).is_retryable(),
                "{transient}"
            );
        }
        for permanent in ["target invalid", "url invalid", "file format not supported"] {
            assert!(
                !classify_reason(permanent.into()).is_retryable(),
                "{permanent}"
            );
        }
    }
}
