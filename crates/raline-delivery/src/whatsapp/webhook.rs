//! Helpers for Meta's WhatsApp webhooks: the `X-Hub-Signature-256` check, the `messages`
//! payload (delivery statuses and inbound messages) and the GET subscription handshake.
//!
//! Payload shapes follow Meta's "messages webhook reference" and "Status messages webhook
//! reference". The signature and the handshake follow "Create a webhook endpoint".

use hmac::{Hmac, Mac};
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use sha2::Sha256;

use super::CloudApiSettings;

type HmacSha256 = Hmac<Sha256>;

/// Prefix of the `X-Hub-Signature-256` header value.
const SIGNATURE_PREFIX: &str = "sha256=";

/// Name of the signature header, for the web layer.
pub const SIGNATURE_HEADER: &str = "X-Hub-Signature-256";

/// Checks `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>` against the app
/// secret, in constant time.
///
/// `body` must be the raw request body as received: re-serialized JSON does not match.
/// Returns false when the header is missing or malformed, or when the secret is empty.
pub fn verify_signature(app_secret: &[u8], body: &[u8], header: Option<&str>) -> bool {
    if app_secret.is_empty() {
        return false;
    }
    let Some(header) = header.map(str::trim) else {
        return false;
    };
    let Some(hex_digest) = header
        .get(..SIGNATURE_PREFIX.len())
        .filter(|prefix| prefix.eq_ignore_ascii_case(SIGNATURE_PREFIX))
        .map(|_| &header[SIGNATURE_PREFIX.len()..])
    else {
        return false;
    };
    let Some(expected) = decode_hex(hex_digest) else {
        return false;
    };
    let Ok(mut mac) = HmacSha256::new_from_slice(app_secret) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

/// Returns the `X-Hub-Signature-256` value that Meta would send for `body`, for tests and
/// test servers.
pub fn signature_header(app_secret: &[u8], body: &[u8]) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = HmacSha256::new_from_slice(app_secret).expect("HMAC accepts any key length");
    mac.update(body);
    format!(
        "{SIGNATURE_PREFIX}{}",
        encode_hex(&mac.finalize().into_bytes())
    )
}

/// Checks the GET handshake `hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`.
///
/// Returns the challenge, which the endpoint must send back as the body of a 200 response,
/// when the mode is `subscribe` and the token matches `settings.verify_token`. Otherwise
/// returns `None`, and the endpoint should respond with 403.
pub fn verify_handshake(
    settings: &CloudApiSettings,
    mode: Option<&str>,
    token: Option<&str>,
    challenge: Option<&str>,
) -> Option<String> {
    let expected = settings.verify_token.as_bytes();
    let token_matches = token.is_some_and(|token| constant_time_eq(token.as_bytes(), expected));
    let challenge = challenge.filter(|challenge| !challenge.is_empty())?;
    (mode == Some("subscribe") && !expected.is_empty() && token_matches)
        .then(|| challenge.to_owned())
}

/// Delivery state of a sent message. Meta's other states (such as `played` for voice
/// messages) are left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryStatus {
    Sent,
    Delivered,
    Read,
    Failed,
}

impl DeliveryStatus {
    fn from_meta(status: &str) -> Option<DeliveryStatus> {
        match status {
            "sent" => Some(DeliveryStatus::Sent),
            "delivered" => Some(DeliveryStatus::Delivered),
            "read" => Some(DeliveryStatus::Read),
            "failed" => Some(DeliveryStatus::Failed),
            _ => None,
        }
    }
}

/// Status of one message that the business sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusUpdate {
    /// `wamid.…`, as in the send response.
    pub provider_message_id: String,
    pub status: DeliveryStatus,
    /// Time of the status change, in Unix seconds.
    pub timestamp: i64,
    /// First error of a failed message, as `code: title`, such as
    /// `131026: Message undeliverable`.
    pub error: Option<String>,
    /// `biz_opaque_callback_data` of the sent message: the outbox idempotency key.
    pub callback_data: Option<String>,
}

/// Message that a member sent to the business. It opens the 24-hour customer-service window.
///
/// The Debug output shows the sender's number, so do not log it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundMessage {
    /// Sender's WhatsApp ID: usually the phone number in international form without `+`.
    pub from_wa_id: String,
    /// `wamid.…` of the inbound message.
    pub message_id: String,
    /// Time the member sent it, in Unix seconds.
    pub timestamp: i64,
}

/// Events of one webhook request, in payload order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WebhookEvents {
    pub statuses: Vec<StatusUpdate>,
    pub inbound: Vec<InboundMessage>,
}

/// Webhook body that cannot be read. The text gives the position, never the content, because
/// the body contains phone numbers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    #[error("webhook body is not valid JSON ({0})")]
    InvalidJson(String),
    #[error("webhook body does not have the shape of a WhatsApp messages webhook ({0})")]
    UnexpectedShape(String),
}

/// Reads delivery statuses from `entry[].changes[].value.statuses[]` and inbound messages
/// from `entry[].changes[].value.messages[]`.
///
/// Changes of fields other than `messages` and statuses other than sent, delivered, read
/// and failed are skipped. A body that is not JSON, or whose statuses or messages lack an ID
/// or a Unix timestamp, is an error.
pub fn parse_webhook(body: &[u8]) -> Result<WebhookEvents, WebhookError> {
    let payload: Payload = serde_json::from_slice(body).map_err(|error| {
        let position = format!("line {}, column {}", error.line(), error.column());
        if error.is_data() {
            WebhookError::UnexpectedShape(position)
        } else {
            WebhookError::InvalidJson(position)
        }
    })?;

    let mut events = WebhookEvents::default();
    let changes = payload
        .entry
        .into_iter()
        .flat_map(|entry| entry.changes)
        .filter(|change| {
            change
                .field
                .as_deref()
                .is_none_or(|field| field == "messages")
        });
    for value in changes.filter_map(|change| change.value) {
        for status in value.statuses {
            let Some(delivery_status) = DeliveryStatus::from_meta(&status.status) else {
                continue;
            };
            events.statuses.push(StatusUpdate {
                provider_message_id: status.id,
                status: delivery_status,
                timestamp: status.timestamp,
                error: status.errors.first().map(RawError::describe),
                callback_data: status.biz_opaque_callback_data,
            });
        }
        for message in value.messages {
            events.inbound.push(InboundMessage {
                from_wa_id: message.from,
                message_id: message.id,
                timestamp: message.timestamp,
            });
        }
    }
    Ok(events)
}

#[derive(Deserialize)]
struct Payload {
    #[serde(default)]
    entry: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    #[serde(default)]
    changes: Vec<Change>,
}

#[derive(Deserialize)]
struct Change {
    #[serde(default)]
    field: Option<String>,
    #[serde(default)]
    value: Option<ChangeValue>,
}

#[derive(Deserialize)]
struct ChangeValue {
    #[serde(default)]
    statuses: Vec<RawStatus>,
    #[serde(default)]
    messages: Vec<RawInbound>,
}

#[derive(Deserialize)]
struct RawStatus {
    id: String,
    status: String,
    #[serde(deserialize_with = "unix_seconds")]
    timestamp: i64,
    #[serde(default)]
    biz_opaque_callback_data: Option<String>,
    #[serde(default)]
    errors: Vec<RawError>,
}

#[derive(Deserialize)]
struct RawInbound {
    from: String,
    id: String,
    #[serde(deserialize_with = "unix_seconds")]
    timestamp: i64,
}

#[derive(Deserialize)]
struct RawError {
    code: Option<i64>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

impl RawError {
    fn describe(&self) -> String {
        let title = self
            .title
            .as_deref()
            .or(self.message.as_deref())
            .unwrap_or("unknown error");
        match self.code {
            Some(code) => format!("{code}: {title}"),
            None => title.to_owned(),
        }
    }
}

/// Reads a Unix timestamp that Meta sends as a string of digits (or, leniently, a number).
fn unix_seconds<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    let value = Value::deserialize(deserializer)?;
    let seconds = match &value {
        Value::String(text) => text.trim().parse::<i64>().ok(),
        Value::Number(number) => number.as_i64(),
        _ => None,
    };
    seconds.ok_or_else(|| serde::de::Error::custom("timestamp is not Unix seconds"))
}

fn constant_time_eq(left: &[u8], right: &[u8]) -> bool {
    if left.len() != right.len() {
        return false;
    }
    left.iter()
        .zip(right)
        .fold(0u8, |difference, (a, b)| difference | (a ^ b))
        == 0
}

fn encode_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    text
}

/// Decodes hex of either letter case, or returns `None` for an odd length or a non-hex
/// character.
fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    let nibble = |digit: u8| char::from(digit).to_digit(16).map(|value| value as u8);
    text.as_bytes()
        .chunks_exact(2)
        .map(|pair| Some((nibble(pair[0])? << 4) | nibble(pair[1])?))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip() {
        let bytes = [0x00, 0x0f, 0xa5, 0xff];
        assert_eq!(encode_hex(&bytes), "000fa5ff");
        assert_eq!(decode_hex("000FA5ff").unwrap(), bytes);
        assert_eq!(decode_hex("abc"), None);
        assert_eq!(decode_hex("zz"), None);
        assert_eq!(decode_hex(""), Some(Vec::new()));
    }

    /// RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?".
    #[test]
    fn signature_matches_rfc_4231_vector() {
        assert_eq!(
            signature_header(b"Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn constant_time_eq_cases() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
    }
}
