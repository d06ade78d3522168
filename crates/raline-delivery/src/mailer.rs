//! E-mail transport: SMTP, `.eml` files in a folder, or memory for tests.
//!
//! [`Mailer::from_settings`] picks SMTP when a URL is configured (forms in [`Mailer`]) and
//! otherwise writes `.eml` files, so the service runs without any mail configuration.
//! This module never logs message bodies, attachments or full recipient addresses. Its log
//! lines carry the Message-ID and the recipient's domain.

mod error;
mod smtp_url;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use lettre::address::Address;
use lettre::message::header::ContentType;
use lettre::message::{Attachment as AttachmentBuilder, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

pub use error::MailError;
use error::{classify_smtp_error, recipient_domain};
use smtp_url::{Security, SmtpUrl};

/// Maximum time for the TCP connect to the SMTP server.
pub const SMTP_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Default maximum time for one whole SMTP send: connect, TLS, login, envelope and data.
///
/// lettre 0.11.23 applies its own timeout to the TCP connect only, so without this limit a
/// server that accepts the connection and then stays silent would block the send forever.
pub const SMTP_SEND_TIMEOUT: Duration = Duration::from_secs(60);

/// From address of the mailer returned by [`Mailer::memory`].
pub const MEMORY_FROM: &str = "RALINE <raline@example.org>";

/// Longest accepted Message-ID, so that the header line stays within the 998 characters
/// that RFC 5322 allows (`Message-ID: ` takes 12).
const MAX_MESSAGE_ID_LEN: usize = 986;

/// One e-mail to one recipient, as rendered by the web layer into an outbox row.
///
/// The Debug output shows only the Message-ID, the recipient's domain and attachment sizes,
/// because the other fields contain personal data.
#[derive(Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    pub to_address: String,
    /// Display name of the recipient. UTF-8 is encoded as RFC 2047 encoded-words.
    pub to_name: Option<String>,
    pub subject: String,
    pub text_body: String,
    /// HTML alternative of `text_body`. When set, the message contains both as
    /// `multipart/alternative`.
    pub html_body: Option<String>,
    pub attachments: Vec<Attachment>,
    /// Message-ID header including the angle brackets, for example
    /// `<outbox-42.k3j9x@perpustakaan.example.go.id>`. It must stay the same when a send
    /// is retried, so that receivers can recognise a duplicate.
    pub message_id: String,
}

impl fmt::Debug for OutgoingMail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OutgoingMail")
            .field("message_id", &self.message_id)
            .field("recipient_domain", &recipient_domain(&self.to_address))
            .field("attachments", &self.attachments)
            .finish_non_exhaustive()
    }
}

/// File attached to an [`OutgoingMail`], such as the member card PDF.
#[derive(Clone, PartialEq, Eq)]
pub struct Attachment {
    /// File name shown by the mail client. UTF-8 is encoded as in RFC 2231.
    pub filename: String,
    /// MIME type, for example `application/pdf`.
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl fmt::Debug for Attachment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Attachment")
            .field("filename", &self.filename)
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// Message recorded by the in-memory mailer.
#[derive(Clone)]
pub struct SentMail {
    /// The mail as passed to [`Mailer::send`].
    pub mail: OutgoingMail,
    /// The formatted message (RFC 5322) that SMTP would have sent.
    pub raw: Vec<u8>,
}

impl fmt::Debug for SentMail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SentMail")
            .field("mail", &self.mail)
            .field("raw_len", &self.raw.len())
            .finish()
    }
}

/// Handle to the messages that a [`Mailer::memory`] mailer has sent.
///
/// Clones share the same list. Tests can also queue errors that the next sends return.
#[derive(Clone, Default)]
pub struct SentMessages {
    state: Arc<Mutex<MemoryState>>,
}

#[derive(Default)]
struct MemoryState {
    sent: Vec<SentMail>,
    queued_failures: Vec<MailError>,
}

impl SentMessages {
    /// Returns a copy of the sent messages, oldest first.
    pub fn list(&self) -> Vec<SentMail> {
        self.lock().sent.clone()
    }

    /// Returns the number of sent messages.
    pub fn len(&self) -> usize {
        self.lock().sent.len()
    }

    /// Returns whether nothing has been sent yet.
    pub fn is_empty(&self) -> bool {
        self.lock().sent.is_empty()
    }

    /// Removes and returns the sent messages, oldest first.
    pub fn take(&self) -> Vec<SentMail> {
        std::mem::take(&mut self.lock().sent)
    }

    /// Queues an error that the next send returns instead of recording its message.
    /// Queued errors are returned in the order they were queued, one per send.
    pub fn fail_next_send(&self, error: MailError) {
        self.lock().queued_failures.push(error);
    }

    fn lock(&self) -> MutexGuard<'_, MemoryState> {
        // A panic in another test thread must not hide the messages from this one.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Debug for SentMessages {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SentMessages")
            .field("len", &self.len())
            .finish()
    }
}

/// Sends [`OutgoingMail`] over SMTP, into `.eml` files or into memory.
///
/// The SMTP URL has one of these forms:
///
/// | URL | connection | default port |
/// |---|---|---|
/// | `smtp://HOST[:PORT]` | plain text, for a relay on this machine or a trusted network | 25 |
/// | `smtp://USER:PASSWORD@HOST[:PORT]?tls=starttls` | STARTTLS, which is required | 587 |
/// | `smtps://USER:PASSWORD@HOST[:PORT]` | TLS from the first byte (implicit TLS) | 465 |
///
/// The login is optional in all three forms. `smtp://` without `?tls=starttls` accepts a
/// password only for a loopback host, because the password would otherwise cross the
/// network unencrypted. Special characters in the user name and password must be
/// percent-encoded (`@` as `%40`).
///
/// Server certificates are checked against the Mozilla root certificates built into the
/// binary (lettre's `webpki-roots` feature, enabled in the workspace), not the system store.
///
/// The Debug output and [`Mailer::describe`] never contain the password.
pub struct Mailer {
    from: Mailbox,
    transport: Transport,
}

enum Transport {
    Smtp(SmtpTransport),
    Files {
        transport: AsyncFileTransport<Tokio1Executor>,
        dir: PathBuf,
    },
    Memory(SentMessages),
}

struct SmtpTransport {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    /// URL without the password, for logs and error messages.
    description: String,
    send_timeout: Duration,
}

impl Mailer {
    /// Creates the mailer from the service settings.
    ///
    /// `url` is the SMTP server URL (forms in [`Mailer`]). When it is `None` or blank, the
    /// mailer writes one `.eml` file per message into `eml_dir` and creates that folder now.
    /// `from` is the From header, for example
    /// `Perpustakaan Kota Mojokerto <perpustakaan@example.go.id>`.
    ///
    /// Returns [`MailError::InvalidConfig`] for an invalid URL or From address, or when
    /// `eml_dir` cannot be created. Nothing connects to the server here, so a wrong host or
    /// password shows up on the first send.
    pub fn from_settings(url: Option<&str>, from: &str, eml_dir: &Path) -> Result<Self, MailError> {
        let from = parse_from_address(from)?;
        let url = url.map(str::trim).filter(|url| !url.is_empty());

        let transport = match url {
            Some(url) => Transport::Smtp(SmtpTransport::new(&SmtpUrl::parse(url)?)?),
            None => {
                std::fs::create_dir_all(eml_dir).map_err(|error| {
                    MailError::InvalidConfig(format!(
                        "failed to create the folder for .eml files {}: {error}",
                        eml_dir.display()
                    ))
                })?;
                Transport::Files {
                    transport: AsyncFileTransport::new(eml_dir),
                    dir: eml_dir.to_owned(),
                }
            }
        };

        Ok(Mailer { from, transport })
    }

    /// Creates a mailer that keeps sent messages in memory, with [`MEMORY_FROM`] as sender,
    /// and the handle to read them. For tests of other crates.
    pub fn memory() -> (Self, SentMessages) {
        let sent = SentMessages::default();
        let from = MEMORY_FROM.parse().expect("MEMORY_FROM is a valid mailbox");
        let mailer = Mailer {
            from,
            transport: Transport::Memory(sent.clone()),
        };
        (mailer, sent)
    }

    /// Sets the maximum time for one whole SMTP send. The default is [`SMTP_SEND_TIMEOUT`].
    /// Other transports ignore it.
    pub fn with_send_timeout(mut self, timeout: Duration) -> Self {
        if let Transport::Smtp(smtp) = &mut self.transport {
            smtp.send_timeout = timeout;
        }
        self
    }

    /// Builds the message and sends it.
    ///
    /// Each SMTP send opens its own connection. Errors that the outbox should retry return
    /// `true` from [`MailError::is_retryable`]. Successful sends are logged at debug level,
    /// and logging errors is left to the caller.
    pub async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        let message = build_message(&self.from, mail)?;

        let result = match &self.transport {
            Transport::Smtp(smtp) => smtp.send(message, &mail.to_address).await,
            Transport::Files { transport, dir } => match transport.send(message).await {
                Ok(file_id) => {
                    let file = dir.join(format!("{file_id}.eml"));
                    tracing::debug!(file = %file.display(), "wrote .eml file");
                    Ok(())
                }
                Err(error) => Err(MailError::Transient(format!(
                    "failed to write an .eml file into {}: {error}",
                    dir.display()
                ))),
            },
            Transport::Memory(sent) => record_in_memory(sent, message, mail),
        };

        if result.is_ok() {
            tracing::debug!(
                message_id = %mail.message_id,
                recipient_domain = %recipient_domain(&mail.to_address),
                transport = %self.describe(),
                "mail sent"
            );
        }
        result
    }

    /// Returns the transport for the start-up log, such as `smtp://127.0.0.1:2525`,
    /// `smtps://user@mail.example.org:465` or `eml files in /var/lib/raline/mail`.
    /// It never contains the password.
    pub fn describe(&self) -> String {
        match &self.transport {
            Transport::Smtp(smtp) => smtp.description.clone(),
            Transport::Files { dir, .. } => format!("eml files in {}", dir.display()),
            Transport::Memory(_) => "memory".to_owned(),
        }
    }

    /// Short name of the transport, recorded with each sent message: `smtp`, `file` or
    /// `memory`.
    pub fn provider_name(&self) -> &'static str {
        match &self.transport {
            Transport::Smtp(_) => "smtp",
            Transport::Files { .. } => "file",
            Transport::Memory(_) => "memory",
        }
    }

    /// Returns the From mailbox that every message carries.
    pub fn from_mailbox(&self) -> &Mailbox {
        &self.from
    }
}

impl fmt::Debug for Mailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .field("transport", &self.describe())
            .finish()
    }
}

impl SmtpTransport {
    fn new(url: &SmtpUrl) -> Result<Self, MailError> {
        let mut builder =
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(url.host.as_str())
                .port(url.port)
                .timeout(Some(SMTP_CONNECT_TIMEOUT));

        let tls = match url.security {
            Security::Plain => Tls::None,
            Security::StartTls => Tls::Required(tls_parameters(url)?),
            Security::ImplicitTls => Tls::Wrapper(tls_parameters(url)?),
        };
        builder = builder.tls(tls);

        if let Some(login) = &url.login {
            builder =
                builder.credentials(Credentials::new(login.user.clone(), login.password.clone()));
        }

        Ok(SmtpTransport {
            transport: builder.build(),
            description: url.description.clone(),
            send_timeout: SMTP_SEND_TIMEOUT,
        })
    }

    async fn send(&self, message: Message, recipient: &str) -> Result<(), MailError> {
        let send = self.transport.send(message);
        match tokio::time::timeout(self.send_timeout, send).await {
            Ok(Ok(_response)) => Ok(()),
            Ok(Err(error)) => Err(classify_smtp_error(&error, recipient)),
            // Dropping the send future closes the connection.
            Err(_elapsed) => Err(MailError::Transient(format!(
                "the send to the SMTP server {} timed out after {} s",
                self.description,
                self.send_timeout.as_secs_f32()
            ))),
        }
    }
}

fn tls_parameters(url: &SmtpUrl) -> Result<TlsParameters, MailError> {
    TlsParameters::new(url.host.clone()).map_err(|error| {
        MailError::InvalidConfig(format!(
            "failed to set up TLS for the SMTP host {}: {error}",
            url.host
        ))
    })
}

fn parse_from_address(from: &str) -> Result<Mailbox, MailError> {
    let from = from.trim();
    if from.is_empty() {
        return Err(MailError::InvalidConfig(
            "no From address is configured; set one such as \
             `Perpustakaan Kota Mojokerto <perpustakaan@example.go.id>`"
                .to_owned(),
        ));
    }
    from.parse::<Mailbox>().map_err(|error| {
        MailError::InvalidConfig(format!(
            "the From address {from:?} is invalid ({error}); use a form such as \
             `Perpustakaan Kota Mojokerto <perpustakaan@example.go.id>` \
             or `perpustakaan@example.go.id`"
        ))
    })
}

fn record_in_memory(
    sent: &SentMessages,
    message: Message,
    mail: &OutgoingMail,
) -> Result<(), MailError> {
    let mut state = sent.lock();
    if !state.queued_failures.is_empty() {
        return Err(state.queued_failures.remove(0));
    }
    state.sent.push(SentMail {
        mail: mail.clone(),
        raw: message.formatted(),
    });
    Ok(())
}

/// Builds the MIME message.
///
/// The structure is `text/plain`, or `multipart/alternative` (text, then HTML) when an HTML
/// body is given. With attachments, that part comes first inside `multipart/mixed`, followed
/// by one part per attachment. Bodies and attachments use 7bit, quoted-printable or base64,
/// and headers use encoded-words, so the message is plain ASCII.
fn build_message(from: &Mailbox, mail: &OutgoingMail) -> Result<Message, MailError> {
    let to = recipient_mailbox(mail)?;
    validate_message_id(&mail.message_id)?;

    let attachments = mail
        .attachments
        .iter()
        .map(attachment_part)
        .collect::<Result<Vec<_>, _>>()?;

    // An explicit envelope, because lettre derives one by re-reading the To header, which
    // drops quoted local parts such as `"a..b"@gmail.com`.
    let envelope = lettre::address::Envelope::new(Some(from.email.clone()), vec![to.email.clone()])
        .map_err(|error| MailError::InvalidMessage(format!("invalid envelope: {error}")))?;
    let builder = Message::builder()
        .envelope(envelope)
        .from(from.clone())
        .to(to)
        .subject(mail.subject.as_str())
        .message_id(Some(mail.message_id.clone()));

    let alternative = mail
        .html_body
        .as_ref()
        .map(|html| MultiPart::alternative_plain_html(mail.text_body.clone(), html.clone()));

    let message = if attachments.is_empty() {
        match alternative {
            Some(alternative) => builder.multipart(alternative),
            None => builder.singlepart(SinglePart::plain(mail.text_body.clone())),
        }
    } else {
        let mut mixed = match alternative {
            Some(alternative) => MultiPart::mixed().multipart(alternative),
            None => MultiPart::mixed().singlepart(SinglePart::plain(mail.text_body.clone())),
        };
        for part in attachments {
            mixed = mixed.singlepart(part);
        }
        builder.multipart(mixed)
    };

    message
        .map_err(|error| MailError::InvalidMessage(format!("failed to build the message: {error}")))
}

fn recipient_mailbox(mail: &OutgoingMail) -> Result<Mailbox, MailError> {
    let address =
        parse_recipient(mail.to_address.trim()).map_err(|error| MailError::InvalidAddress {
            address: mail.to_address.clone(),
            reason: error.to_string(),
        })?;
    let name = mail
        .to_name
        .as_deref()
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(str::to_owned);
    Ok(Mailbox::new(name, address))
}

/// Parses a recipient address. Mail providers accept local parts such as `a..b` that are not
/// an RFC 5322 dot-atom. Those are sent in quoted form (`"a..b"@domain`), which names the same
/// mailbox.
fn parse_recipient(address: &str) -> Result<Address, lettre::address::AddressError> {
    match address.parse::<Address>() {
        Ok(parsed) => Ok(parsed),
        Err(error) => {
            let Some((local, domain)) = address.rsplit_once('@') else {
                return Err(error);
            };
            let quotable = !local.is_empty()
                && local
                    .chars()
                    .all(|c| c.is_ascii_graphic() && c != '"' && c != '\\');
            if !quotable {
                return Err(error);
            }
            Address::new(format!("\"{local}\""), domain)
        }
    }
}

/// Checks that the Message-ID is `<left@right>` in printable ASCII without spaces or inner
/// angle brackets. This is looser than the msg-id grammar of RFC 5322 but keeps the header
/// on one line, so no other header can be injected through it.
fn validate_message_id(message_id: &str) -> Result<(), MailError> {
    let inner = message_id
        .strip_prefix('<')
        .and_then(|rest| rest.strip_suffix('>'));
    let well_formed = inner.is_some_and(|inner| {
        let parts_present = inner.split_once('@').is_some_and(|(left, right)| {
            !left.is_empty() && !right.is_empty() && !right.contains('@')
        });
        let characters_allowed = inner
            .bytes()
            .all(|byte| byte.is_ascii_graphic() && byte != b'<' && byte != b'>');
        parts_present && characters_allowed
    });

    if !well_formed {
        return Err(MailError::InvalidMessage(format!(
            "the Message-ID {message_id:?} is invalid; expected <left@right> \
             in printable ASCII without spaces"
        )));
    }
    if message_id.len() > MAX_MESSAGE_ID_LEN {
        return Err(MailError::InvalidMessage(format!(
            "the Message-ID has {} characters, more than the maximum of {MAX_MESSAGE_ID_LEN}",
            message_id.len()
        )));
    }
    Ok(())
}

fn attachment_part(attachment: &Attachment) -> Result<SinglePart, MailError> {
    if attachment.filename.trim().is_empty() {
        return Err(MailError::InvalidMessage(
            "an attachment has an empty file name".to_owned(),
        ));
    }
    let content_type = ContentType::parse(&attachment.content_type).map_err(|error| {
        MailError::InvalidMessage(format!(
            "the attachment {:?} has the invalid content type {:?}: {error}",
            attachment.filename, attachment.content_type
        ))
    })?;
    Ok(AttachmentBuilder::new(attachment.filename.clone())
        .body(attachment.bytes.clone(), content_type))
}

#[cfg(test)]
mod tests {
    #[test]
    fn recipient_with_double_dots_quoted() {
        let address = parse_recipient("prof..dr..sri@gmail.com").unwrap();
        assert_eq!(address.to_string(), "\"prof..dr..sri\"@gmail.com");
        assert_eq!(
            parse_recipient("budi@example.id").unwrap().to_string(),
            "budi@example.id"
        );
        assert!(parse_recipient("a b@example.id").is_err());
        assert!(parse_recipient("no-at-sign").is_err());
    }

    use super::*;

    fn sample_mail() -> OutgoingMail {
        OutgoingMail {
            to_address: "hang@example.com".into(),
            to_name: Some("Nguyễn Thị Hằng".into()),
            subject: "Kartu anggota Anda – Perpustakaan".into(),
            text_body: "Selamat datang.".into(),
            html_body: None,
            attachments: Vec::new(),
            message_id: "<outbox-1.abc@raline.example.org>".into(),
        }
    }

    fn build(mail: &OutgoingMail) -> Result<String, MailError> {
        let from = parse_from_address(MEMORY_FROM).unwrap();
        build_message(&from, mail).map(|message| String::from_utf8(message.formatted()).unwrap())
    }

    #[test]
    fn message_id_shapes() {
        let valid = ["<a@b>", "<outbox-42.x7Yq@perpustakaan.example.go.id>"];
        for id in valid {
            assert_eq!(validate_message_id(id), Ok(()), "{id}");
        }
        let invalid = [
            "",
            "a@b",
            "<a@b",
            "<@b>",
            "<a@>",
            "<ab>",
            "<a b@c>",
            "<a@b@c>",
            "<a@b>\r\nBcc: x@y",
            "<ä@b>",
        ];
        for id in invalid {
            assert!(validate_message_id(id).is_err(), "{id:?}");
        }
        let too_long = format!("<{}@b>", "a".repeat(MAX_MESSAGE_ID_LEN));
        assert!(validate_message_id(&too_long).is_err());
    }

    #[test]
    fn plain_message_is_single_part() {
        let raw = build(&sample_mail()).unwrap();
        assert!(
            raw.contains("Content-Type: text/plain; charset=utf-8"),
            "{raw}"
        );
        assert!(!raw.contains("multipart/"), "{raw}");
    }

    #[test]
    fn html_without_attachment_is_alternative() {
        let mut mail = sample_mail();
        mail.html_body = Some("<p>Selamat datang.</p>".into());
        let raw = build(&mail).unwrap();
        assert!(raw.contains("multipart/alternative"), "{raw}");
        assert!(!raw.contains("multipart/mixed"), "{raw}");
    }

    #[test]
    fn subject_with_line_break_stays_one_header() {
        let mut mail = sample_mail();
        mail.subject = "Halo\r\nBcc: attacker@example.net".into();
        let raw = build(&mail).unwrap();
        assert!(!raw.contains("\r\nBcc:"), "{raw}");
    }

    #[test]
    fn message_is_ascii() {
        let mut mail = sample_mail();
        mail.to_name = Some("李娜".into());
        mail.html_body = Some("<p>Terima kasih, 李娜.</p>".into());
        mail.attachments.push(Attachment {
            filename: "kartu-李娜.pdf".into(),
            content_type: "application/pdf".into(),
            bytes: vec![0x25, 0x50, 0x44, 0x46, 0xff, 0x00, 0x80],
        });
        let raw = build(&mail).unwrap();
        assert!(raw.is_ascii(), "{raw}");
    }

    #[test]
    fn invalid_recipient_rejected() {
        let mut mail = sample_mail();
        mail.to_address = "not-an-address".into();
        let error = build(&mail).unwrap_err();
        assert!(
            matches!(&error, MailError::InvalidAddress { address, .. } if address == "not-an-address"),
            "{error:?}"
        );
    }

    #[test]
    fn invalid_content_type_rejected() {
        let mut mail = sample_mail();
        mail.attachments.push(Attachment {
            filename: "kartu.pdf".into(),
            content_type: "pdf".into(),
            bytes: vec![1, 2, 3],
        });
        let error = build(&mail).unwrap_err();
        assert!(matches!(error, MailError::InvalidMessage(_)), "{error:?}");
    }

    #[test]
    fn empty_from_rejected() {
        let error = parse_from_address("  ").unwrap_err();
        assert!(matches!(error, MailError::InvalidConfig(_)), "{error:?}");
    }

    #[test]
    fn debug_hides_personal_data() {
        let mut mail = sample_mail();
        mail.attachments.push(Attachment {
            filename: "kartu.pdf".into(),
            content_type: "application/pdf".into(),
            bytes: vec![7; 10],
        });
        let shown = format!("{mail:?}");
        assert!(!shown.contains("hang@"), "{shown}");
        assert!(!shown.contains("Nguyễn"), "{shown}");
        assert!(!shown.contains("Selamat"), "{shown}");
        assert!(shown.contains("example.com"), "{shown}");
        assert!(shown.contains("len: 10"), "{shown}");
    }

    #[tokio::test]
    async fn memory_records_and_fails_on_request() {
        let (mailer, sent) = Mailer::memory();
        sent.fail_next_send(MailError::Transient("relay down".into()));

        let first = mailer.send(&sample_mail()).await;
        assert_eq!(first, Err(MailError::Transient("relay down".into())));
        assert!(sent.is_empty());

        mailer.send(&sample_mail()).await.unwrap();
        let messages = sent.take();
        assert_eq!(messages.len(), 1);
        assert_eq!(messages[0].mail, sample_mail());
        let raw = String::from_utf8(messages[0].raw.clone()).unwrap();
        assert!(
            raw.contains("Message-ID: <outbox-1.abc@raline.example.org>"),
            "{raw}"
        );
        assert!(sent.is_empty());
    }

    #[test]
    fn mailer_debug_and_describe_hide_password() {
        let dir = std::env::temp_dir();
        let mailer = Mailer::from_settings(
            Some("smtps://user:topsecret@mail.example.org"),
            "perpustakaan@example.go.id",
            &dir,
        )
        .unwrap();
        assert_eq!(mailer.describe(), "smtps://user@mail.example.org:465");
        assert!(!format!("{mailer:?}").contains("topsecret"));
    }
}
