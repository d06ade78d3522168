//! Mailer settings and the `.eml` file transport.

use std::path::{Path, PathBuf};

use mail_parser::{MessageParser, MimeHeaders};
use raline_delivery::{Attachment, MailError, Mailer, OutgoingMail};

const FROM: &str = "Perpustakaan Kota Mojokerto <perpustakaan@example.go.id>";

fn card_mail() -> OutgoingMail {
    OutgoingMail {
        to_address: "hang@example.com".to_owned(),
        to_name: Some("Nguyễn Thị Hằng".to_owned()),
        subject: "Kartu anggota Perpustakaan Kota Mojokerto".to_owned(),
        text_body: "Kartu anggota Anda terlampir.".to_owned(),
        html_body: None,
        attachments: vec![Attachment {
            filename: "kartu-anggota.pdf".to_owned(),
            content_type: "application/pdf".to_owned(),
            bytes: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n%%EOF\n".to_vec(),
        }],
        message_id: "<outbox-42.q8Zr1@raline.example.go.id>".to_owned(),
    }
}

fn eml_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "eml"))
        .collect()
}

fn expect_invalid_config(result: Result<Mailer, MailError>) -> String {
    match result {
        Err(MailError::InvalidConfig(message)) => message,
        other => panic!("expected InvalidConfig, got {other:?}"),
    }
}

#[tokio::test]
async fn files_transport_writes_readable_eml() {
    let root = tempfile::tempdir().unwrap();
    let eml_dir = root.path().join("mail").join("outbox");
    let mailer = Mailer::from_settings(None, FROM, &eml_dir).unwrap();
    assert_eq!(
        mailer.describe(),
        format!("eml files in {}", eml_dir.display())
    );

    let mail = card_mail();
    mailer.send(&mail).await.unwrap();

    let files = eml_files(&eml_dir);
    assert_eq!(files.len(), 1, "{files:?}");
    let raw = std::fs::read(&files[0]).unwrap();
    let message = MessageParser::default()
        .parse(&raw)
        .expect("parse the .eml file");
    assert_eq!(message.subject(), Some(mail.subject.as_str()));
    assert_eq!(
        message.message_id(),
        Some("outbox-42.q8Zr1@raline.example.go.id")
    );
    let to = message.to().and_then(|to| to.first()).expect("To header");
    assert_eq!(to.name(), Some("Nguyễn Thị Hằng"));
    assert_eq!(
        message.body_text(0).as_deref(),
        Some(mail.text_body.as_str())
    );
    let attachment = message.attachment(0).expect("attachment");
    assert_eq!(attachment.attachment_name(), Some("kartu-anggota.pdf"));
    assert_eq!(attachment.contents(), mail.attachments[0].bytes.as_slice());
}

#[tokio::test]
async fn blank_url_selects_files() {
    let eml_dir = tempfile::tempdir().unwrap();
    let mailer = Mailer::from_settings(Some("  "), FROM, eml_dir.path()).unwrap();
    assert!(
        mailer.describe().starts_with("eml files in "),
        "{}",
        mailer.describe()
    );

    mailer.send(&card_mail()).await.unwrap();
    assert_eq!(eml_files(eml_dir.path()).len(), 1);
}

#[test]
fn invalid_from_is_invalid_config() {
    let eml_dir = tempfile::tempdir().unwrap();
    let invalid = [
        "perpustakaan",
        "Perpustakaan <perpustakaan@>",
        "Perpustakaan <perpustakaan@example.go.id",
        "@example.go.id",
    ];
    for from in invalid {
        for url in [None, Some("smtp://127.0.0.1:2525")] {
            let message = expect_invalid_config(Mailer::from_settings(url, from, eml_dir.path()));
            assert!(message.contains(&format!("{from:?}")), "{from}: {message}");
            assert!(
                message.contains("<perpustakaan@example.go.id>"),
                "{message}"
            );
        }
    }
}

#[test]
fn empty_from_is_invalid_config() {
    let eml_dir = tempfile::tempdir().unwrap();
    let message = expect_invalid_config(Mailer::from_settings(None, "", eml_dir.path()));
    assert!(message.contains("no From address"), "{message}");
}

#[test]
fn valid_from_forms_accepted() {
    let eml_dir = tempfile::tempdir().unwrap();
    let valid = [
        FROM,
        "perpustakaan@example.go.id",
        "\"Perpustakaan Umum, Kota Mojokerto\" <perpustakaan@example.go.id>",
        "Dinas Perpustakaan dan Kearsipan <dpk@example.go.id>",
    ];
    for from in valid {
        let mailer = Mailer::from_settings(None, from, eml_dir.path());
        assert!(mailer.is_ok(), "{from}: {mailer:?}");
    }
}

#[test]
fn uncreatable_eml_dir_is_invalid_config() {
    let root = tempfile::tempdir().unwrap();
    let file = root.path().join("not-a-folder");
    std::fs::write(&file, b"").unwrap();

    let message = expect_invalid_config(Mailer::from_settings(None, FROM, &file.join("mail")));
    assert!(message.contains("not-a-folder"), "{message}");
}

#[test]
fn invalid_smtp_url_is_invalid_config() {
    let eml_dir = tempfile::tempdir().unwrap();
    let message = expect_invalid_config(Mailer::from_settings(
        Some("smtp://raline:topsecret@mail.example.org"),
        FROM,
        eml_dir.path(),
    ));
    assert!(message.contains("unencrypted"), "{message}");
    assert!(!message.contains("topsecret"), "{message}");
}

#[tokio::test]
async fn invalid_recipient_not_written() {
    let eml_dir = tempfile::tempdir().unwrap();
    let mailer = Mailer::from_settings(None, FROM, eml_dir.path()).unwrap();
    let mut mail = card_mail();
    mail.to_address = "hang@".to_owned();

    let error = mailer.send(&mail).await.unwrap_err();
    assert!(
        matches!(error, MailError::InvalidAddress { .. }),
        "{error:?}"
    );
    assert!(!error.is_retryable());
    assert!(eml_files(eml_dir.path()).is_empty());
}
