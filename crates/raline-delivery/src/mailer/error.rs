//! Mail errors and their split into retryable and final failures.

use lettre::transport::smtp;

/// Error from building or sending one message.
///
/// The texts contain no message body. The recipient's local part is replaced with `***` in
/// the text of an SMTP error, because servers often echo the address in a rejection.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailError {
    /// The mail settings (SMTP URL, From address, `.eml` folder) are invalid. The operator
    /// must fix them before the service can send mail.
    #[error("invalid mail configuration: {0}")]
    InvalidConfig(String),

    /// The recipient address is invalid. `address` contains it for the caller, but the
    /// error message leaves it out because error messages end up in logs.
    #[error("invalid recipient address: {reason}")]
    InvalidAddress { address: String, reason: String },

    /// The message cannot be built from the given fields, for example because the
    /// Message-ID or an attachment's content type is malformed.
    #[error("invalid message: {0}")]
    InvalidMessage(String),

    /// The send may succeed later: the connection failed or timed out, the server replied 4xx,
    /// rejected the login, or the `.eml` file could not be written.
    #[error("mail delivery failed, retry later: {0}")]
    Transient(String),

    /// The server rejected the recipient or the message with a 5xx reply, so sending the
    /// same message again would fail again.
    #[error("mail rejected by the SMTP server: {0}")]
    Permanent(String),
}

impl MailError {
    /// Returns whether the outbox should try this message again later.
    pub fn is_retryable(&self) -> bool {
        matches!(self, MailError::Transient(_))
    }
}

/// SMTP 5xx replies that reject the server login or its TLS setup rather than the message.
///
/// Per RFC 4954: 530 authentication required (servers also send it when STARTTLS must come
/// first), 534 mechanism too weak, 535 invalid credentials, 538 encryption required.
/// They are retryable because every message would fail the same way until the operator
/// fixes the settings, and dropping the messages would lose them.
const SERVER_SETUP_CODES: [u16; 4] = [530, 534, 535, 538];

/// Classifies a lettre SMTP error and removes the recipient's local part from its text.
pub(crate) fn classify_smtp_error(error: &smtp::Error, recipient: &str) -> MailError {
    let text = redact_recipient(&error.to_string(), recipient);
    let code = error.status().map(u16::from);

    // NOTE: lettre does not report which command got the reply, so a 5xx to the greeting or
    // to MAIL FROM (sender rejected) is also Permanent, although it affects every message.
    if error.is_permanent() && !code.is_some_and(|code| SERVER_SETUP_CODES.contains(&code)) {
        MailError::Permanent(text)
    } else if error.is_timeout() {
        MailError::Transient(format!("timed out: {text}"))
    } else {
        // Everything else is retryable: 4xx replies, refused or reset connections, TLS
        // failures and client errors such as a missing AUTH mechanism. The last two need an
        // operator, but retrying keeps the message until the settings are fixed.
        MailError::Transient(text)
    }
}

/// Returns the domain of an address, the part after the last `@`, or `""` if there is none.
pub(crate) fn recipient_domain(address: &str) -> &str {
    address.rsplit_once('@').map_or("", |(_, domain)| domain)
}

/// Replaces each occurrence of `recipient` in `text` with `***@domain`.
///
/// NOTE: the match is exact, so an address that the server echoes with other letter case
/// stays in the text.
fn redact_recipient(text: &str, recipient: &str) -> String {
    let recipient = recipient.trim();
    if recipient.is_empty() {
        return text.to_owned();
    }
    text.replace(recipient, &format!("***@{}", recipient_domain(recipient)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retryable_only_for_transient() {
        assert!(MailError::Transient("x".into()).is_retryable());
        assert!(!MailError::Permanent("x".into()).is_retryable());
        assert!(!MailError::InvalidConfig("x".into()).is_retryable());
        assert!(!MailError::InvalidMessage("x".into()).is_retryable());
        let invalid_address = MailError::InvalidAddress {
            address: "a".into(),
            reason: "x".into(),
        };
        assert!(!invalid_address.is_retryable());
    }

    #[test]
    fn invalid_address_message_omits_address() {
        let error = MailError::InvalidAddress {
            address: "budi.santoso@example.com".into(),
            reason: "missing domain".into(),
        };
        assert!(!error.to_string().contains("budi.santoso"));
    }

    #[test]
    fn redact_replaces_local_part() {
        let text = "permanent error (550): 5.1.1 <budi@example.com>: user unknown";
        let redacted = redact_recipient(text, "budi@example.com");
        assert_eq!(
            redacted,
            "permanent error (550): 5.1.1 <***@example.com>: user unknown"
        );
    }

    #[test]
    fn recipient_domain_cases() {
        assert_eq!(recipient_domain("budi@example.com"), "example.com");
        assert_eq!(recipient_domain("\"a@b\"@example.com"), "example.com");
        assert_eq!(recipient_domain("no-at-sign"), "");
    }
}
