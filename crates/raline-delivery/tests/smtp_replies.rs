//! Classification of SMTP error replies, against a scripted server on 127.0.0.1.
//!
//! aiosmtpd accepts every message, so these tests use a small server that sends a fixed
//! reply to each command.

use std::io::{BufRead, BufReader, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::thread::JoinHandle;

use raline_delivery::{MailError, Mailer, OutgoingMail};

/// Replies of the scripted server. Each is sent with CRLF appended.
#[derive(Clone, Copy)]
struct Script {
    greeting: &'static str,
    auth: &'static str,
    rcpt: &'static str,
    end_of_data: &'static str,
}

const ACCEPT_ALL: Script = Script {
    greeting: "220 scripted.example.org ESMTP",
    auth: "235 2.7.0 Authentication successful",
    rcpt: "250 2.1.5 OK",
    end_of_data: "250 2.0.0 queued",
};

/// Serves one SMTP session on a free port and returns the port and the server thread.
fn start_scripted_server(script: Script) -> (u16, JoinHandle<()>) {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        // The client may close the connection at any point, so write errors end the session.
        let _ = serve_session(stream, script);
    });
    (port, handle)
}

fn serve_session(stream: TcpStream, script: Script) -> std::io::Result<()> {
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    write!(writer, "{}\r\n", script.greeting)?;
    if !script.greeting.starts_with('2') {
        return Ok(());
    }

    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let command = line.get(..4).unwrap_or("").to_ascii_uppercase();
        let reply = match command.as_str() {
            "EHLO" => "250-scripted.example.org\r\n250 AUTH PLAIN LOGIN",
            "AUTH" => script.auth,
            "MAIL" => "250 2.1.0 OK",
            "RCPT" => script.rcpt,
            "DATA" => {
                write!(writer, "354 end data with <CR><LF>.<CR><LF>\r\n")?;
                loop {
                    line.clear();
                    if reader.read_line(&mut line)? == 0 || line == ".\r\n" {
                        break;
                    }
                }
                script.end_of_data
            }
            "QUIT" => {
                write!(writer, "221 2.0.0 bye\r\n")?;
                return Ok(());
            }
            _ => "250 OK",
        };
        write!(writer, "{reply}\r\n")?;
    }
}

fn mail() -> OutgoingMail {
    OutgoingMail {
        to_address: "budi@example.com".to_owned(),
        to_name: Some("Budi Santoso".to_owned()),
        subject: "Kartu anggota".to_owned(),
        text_body: "Kartu anggota Anda terlampir.".to_owned(),
        html_body: None,
        attachments: Vec::new(),
        message_id: "<outbox-7.a1@raline.example.go.id>".to_owned(),
    }
}

async fn send_with_script(url_login: &str, script: Script) -> Result<(), MailError> {
    let (port, server) = start_scripted_server(script);
    let eml_dir = tempfile::tempdir().unwrap();
    let url = format!("smtp://{url_login}127.0.0.1:{port}");
    let mailer =
        Mailer::from_settings(Some(&url), "perpustakaan@example.go.id", eml_dir.path()).unwrap();
    let result = mailer.send(&mail()).await;
    server.join().unwrap();
    result
}

#[tokio::test]
async fn scripted_server_accepts() {
    let result = send_with_script("", ACCEPT_ALL).await;
    assert_eq!(result, Ok(()));
}

#[tokio::test]
async fn rejected_recipient_is_permanent() {
    let script = Script {
        rcpt: "550 5.1.1 <budi@example.com>: Recipient address rejected",
        ..ACCEPT_ALL
    };
    let error = send_with_script("", script).await.unwrap_err();

    assert!(matches!(error, MailError::Permanent(_)), "{error:?}");
    assert!(!error.is_retryable());
    let message = error.to_string();
    assert!(message.contains("550"), "{message}");
    assert!(message.contains("<***@example.com>"), "{message}");
    assert!(!message.contains("budi@"), "{message}");
}

#[tokio::test]
async fn rejected_message_is_permanent() {
    let script = Script {
        end_of_data: "554 5.7.1 message rejected",
        ..ACCEPT_ALL
    };
    let error = send_with_script("", script).await.unwrap_err();

    assert!(matches!(error, MailError::Permanent(_)), "{error:?}");
    assert!(error.to_string().contains("554"), "{error}");
}

#[tokio::test]
async fn busy_mailbox_is_transient() {
    let script = Script {
        rcpt: "450 4.2.1 mailbox busy, try later",
        ..ACCEPT_ALL
    };
    let error = send_with_script("", script).await.unwrap_err();

    assert!(matches!(error, MailError::Transient(_)), "{error:?}");
    assert!(error.to_string().contains("450"), "{error}");
}

#[tokio::test]
async fn unavailable_service_is_transient() {
    let script = Script {
        greeting: "421 4.3.2 service not available",
        ..ACCEPT_ALL
    };
    let error = send_with_script("", script).await.unwrap_err();

    assert!(matches!(error, MailError::Transient(_)), "{error:?}");
}

#[tokio::test]
async fn failed_login_is_transient() {
    let script = Script {
        auth: "535 5.7.8 authentication credentials invalid",
        ..ACCEPT_ALL
    };
    let error = send_with_script("raline:wrong-password@", script)
        .await
        .unwrap_err();

    assert!(matches!(error, MailError::Transient(_)), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("535"), "{message}");
    assert!(!message.contains("wrong-password"), "{message}");
}
