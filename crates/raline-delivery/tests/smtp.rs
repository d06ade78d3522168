//! Sends over real SMTP connections: to aiosmtpd, to a closed port and to a silent server.

#[path = "support/smtp_server.rs"]
mod smtp_server;

use std::net::{Ipv4Addr, TcpListener};
use std::time::{Duration, Instant};

use mail_parser::{MessageParser, MimeHeaders};
use raline_delivery::{Attachment, MailError, Mailer, OutgoingMail};
use smtp_server::{SmtpServer, free_port};

const FROM: &str = "Perpustakaan Kota Mojokerto <perpustakaan@example.go.id>";

/// PDF header followed by every byte value, so that any damage by the transfer encoding or
/// the server shows up in the comparison.
fn card_pdf() -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    bytes.extend(0..=255u8);
    bytes.extend(b"\n%%EOF\n");
    bytes
}

fn card_mail(name: &str, address: &str, outbox_id: u32) -> OutgoingMail {
    OutgoingMail {
        to_address: address.to_owned(),
        to_name: Some(name.to_owned()),
        subject: format!("Kartu anggota perpustakaan untuk {name} – selamat bergabung"),
        text_body: format!("Halo {name},\n\nkartu anggota Anda terlampir.\n"),
        html_body: Some(format!(
            "<p>Halo {name},</p><p>kartu anggota Anda terlampir.</p>"
        )),
        attachments: vec![Attachment {
            filename: format!("kartu-anggota-{name}.pdf"),
            content_type: "application/pdf".to_owned(),
            bytes: card_pdf(),
        }],
        message_id: format!("<outbox-{outbox_id}.q8Zr1@raline.example.go.id>"),
    }
}

fn smtp_mailer(url: &str) -> (Mailer, tempfile::TempDir) {
    let eml_dir = tempfile::tempdir().unwrap();
    let mailer = Mailer::from_settings(Some(url), FROM, eml_dir.path()).unwrap();
    (mailer, eml_dir)
}

#[tokio::test]
async fn aiosmtpd_receives_unicode_mail_with_pdf() {
    let server = SmtpServer::start();
    let (mailer, _eml_dir) = smtp_mailer(&server.url());
    assert_eq!(mailer.describe(), server.url());

    let recipients = [
        ("Nguyễn Thị Hằng", "hang@example.com", 42),
        ("李娜", "li.na@example.org", 43),
    ];
    for (name, address, outbox_id) in recipients {
        let mail = card_mail(name, address, outbox_id);
        mailer.send(&mail).await.unwrap();
    }

    let messages = server.wait_for_messages(recipients.len(), Duration::from_secs(5));
    assert_eq!(messages.len(), recipients.len(), "{}", server.log());

    for ((name, address, outbox_id), raw) in recipients.into_iter().zip(&messages) {
        let expected = card_mail(name, address, outbox_id);
        assert!(raw.is_ascii(), "{name}: message contains 8-bit bytes");
        let message = MessageParser::default()
            .parse(raw)
            .expect("parse the message");

        assert_eq!(message.subject(), Some(expected.subject.as_str()));
        assert_eq!(
            message.message_id(),
            Some(format!("outbox-{outbox_id}.q8Zr1@raline.example.go.id").as_str())
        );
        assert_eq!(message.header_raw("X-RcptTo").map(str::trim), Some(address));

        let to = message.to().and_then(|to| to.first()).expect("To header");
        assert_eq!(to.name(), Some(name));
        assert_eq!(to.address(), Some(address));
        let from = message
            .from()
            .and_then(|from| from.first())
            .expect("From header");
        assert_eq!(from.name(), Some("Perpustakaan Kota Mojokerto"));
        assert_eq!(from.address(), Some("perpustakaan@example.go.id"));

        let root_type = message.content_type().expect("Content-Type");
        assert_eq!(root_type.ctype(), "multipart");
        assert_eq!(root_type.subtype(), Some("mixed"));
        let raw_text = String::from_utf8_lossy(raw);
        assert!(raw_text.contains("multipart/alternative"), "{name}");

        let text = message.body_text(0).expect("text body");
        assert_eq!(text.replace("\r\n", "\n"), expected.text_body);
        let html = message.body_html(0).expect("HTML body");
        assert_eq!(html.as_ref(), expected.html_body.as_deref().unwrap());

        assert_eq!(message.attachment_count(), 1);
        let attachment = message.attachment(0).expect("attachment");
        assert_eq!(
            attachment.attachment_name(),
            Some(format!("kartu-anggota-{name}.pdf").as_str())
        );
        let attachment_type = attachment.content_type().expect("attachment Content-Type");
        assert_eq!(attachment_type.ctype(), "application");
        assert_eq!(attachment_type.subtype(), Some("pdf"));
        assert_eq!(attachment.contents(), card_pdf().as_slice());
    }
}

#[tokio::test]
async fn closed_port_is_retryable() {
    let url = format!("smtp://127.0.0.1:{}", free_port());
    let (mailer, _eml_dir) = smtp_mailer(&url);

    let error = mailer
        .send(&card_mail("Budi", "budi@example.com", 1))
        .await
        .unwrap_err();

    assert!(matches!(error, MailError::Transient(_)), "{error:?}");
    assert!(error.is_retryable());
    assert!(error.to_string().contains("refused"), "{error}");
}

#[tokio::test]
async fn silent_server_times_out() {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    // Accepts the connection and never sends the SMTP greeting.
    let holder = std::thread::spawn(move || listener.accept().map(|(stream, _)| stream));

    let (mailer, _eml_dir) = smtp_mailer(&format!("smtp://127.0.0.1:{port}"));
    let mailer = mailer.with_send_timeout(Duration::from_millis(300));

    let started = Instant::now();
    let error = mailer
        .send(&card_mail("Budi", "budi@example.com", 1))
        .await
        .unwrap_err();

    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(matches!(error, MailError::Transient(_)), "{error:?}");
    assert!(
        error.to_string().contains("timed out after 0.3 s"),
        "{error}"
    );
    drop(holder.join().unwrap());
}
