//! Register → verify → card, through the JSON API of the real binary, with a real SQLite file
//! (and PostgreSQL for a smaller run), a real SMTP server and real PDF and barcode tools.

mod support;

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use mail_parser::MimeHeaders;
use serde_json::Value;
use support::{
    Applicant, Server, ServerOptions, SmtpServer, load_applicants, pdf_barcodes, pdf_text,
};

struct Submitted {
    applicant: Applicant,
    id: i64,
    status_token: String,
}

async fn submit(client: &reqwest::Client, server: &Server, applicant: &Applicant) -> Submitted {
    let response = client
        .post(server.url("/api/v1/applications"))
        .multipart(applicant.form())
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, 201, "{}: {body}", applicant.case());

    let warnings: Vec<&str> = body["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = applicant.record["expect"]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert_eq!(warnings, expected, "{}", applicant.case());
    assert_eq!(body["status"], "submitted");
    assert!(
        body["registration_number"]
            .as_str()
            .unwrap()
            .starts_with("REG-")
    );

    Submitted {
        applicant: applicant.clone(),
        id: body["id"].as_i64().unwrap(),
        status_token: body["status_token"].as_str().unwrap().to_owned(),
    }
}

/// Runs the whole flow for `applicants` and checks cards and e-mails.
async fn register_verify_issue(server: &Server, smtp: &SmtpServer, applicants: &[Applicant]) {
    let client = reqwest::Client::new();
    let staff = server.staff_token("petugas", "kata-sandi-petugas");

    let mut submitted = Vec::new();
    for applicant in applicants {
        submitted.push(submit(&client, server, applicant).await);
    }

    // Staff see every application, oldest first, with domicile and findings.
    let list: Value = client
        .get(server.url("/api/v1/staff/applications?status=submitted&limit=500"))
        .bearer_auth(&staff)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"].as_i64(), Some(applicants.len() as i64));
    let listed: Vec<i64> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    assert_eq!(listed, submitted.iter().map(|s| s.id).collect::<Vec<_>>());

    for entry in &submitted {
        let detail: Value = client
            .get(server.url(&format!("/api/v1/staff/applications/{}", entry.id)))
            .bearer_auth(&staff)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            detail["domicile"],
            entry.applicant.record["expect"]["domicile"],
            "{}",
            entry.applicant.case()
        );
        assert!(detail["uploads"].as_array().unwrap().len() >= 2);

        // The applicants are distinct people, so staff see exactly the NIK warnings.
        let findings: Vec<&str> = detail["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|finding| finding["code"].as_str().unwrap())
            .collect();
        assert_eq!(
            findings,
            entry.applicant.record["expect"]["warnings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|code| code.as_str().unwrap())
                .collect::<Vec<_>>(),
            "{}",
            entry.applicant.case()
        );
    }

    // Approving issues a member number and a card whose text and barcode match.
    let mut members: HashMap<String, &Submitted> = HashMap::new();
    for entry in &submitted {
        let response = client
            .post(server.url(&format!("/api/v1/staff/applications/{}/approve", entry.id)))
            .bearer_auth(&staff)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{}", entry.applicant.case());
        let body: Value = response.json().await.unwrap();
        let number = body["member_number"].as_str().unwrap().to_owned();
        assert_eq!(number.len(), 11, "{number}");
        assert!(
            members.insert(number, entry).is_none(),
            "member number issued twice"
        );
    }

    for (number, entry) in &members {
        let status: Value = client
            .get(server.url(&format!("/api/v1/applications/{}", entry.id)))
            .bearer_auth(&entry.status_token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(status["status"], "approved");
        assert_eq!(status["member_number"].as_str(), Some(number.as_str()));
        let card_url = status["card_url"].as_str().unwrap();
        let pdf = client
            .get(card_url)
            .bearer_auth(&entry.status_token)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        assert!(pdf.starts_with(b"%PDF-"), "{}", entry.applicant.case());

        let text = pdf_text(&pdf);
        let name = entry.applicant.field("full_name").to_uppercase();
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            text.contains(&name),
            "{}: {name:?} not in {text:?}",
            entry.applicant.case()
        );
        assert!(
            text.contains(number.as_str()),
            "{}: {number} not in card text",
            entry.applicant.case()
        );
        let barcodes = pdf_barcodes(&pdf);
        assert!(
            barcodes.contains(&format!("CODE-39:{number}")),
            "{}: barcodes {barcodes:?}",
            entry.applicant.case()
        );
    }

    // Every applicant receives one e-mail with the card PDF attached.
    let messages = smtp.wait_for_card_messages(members.len(), Duration::from_secs(120));
    assert_eq!(
        messages.len(),
        members.len(),
        "server log:\n{}",
        server.log()
    );
    let mut seen = HashSet::new();
    for raw in &messages {
        let mail = support::parse_mail(raw);
        let attachment = mail.attachments().next().expect("card attachment");
        let name = attachment.attachment_name().unwrap_or_default().to_owned();
        let number = name
            .trim_start_matches("kartu-anggota-")
            .trim_end_matches(".pdf")
            .to_owned();
        let entry = members
            .get(&number)
            .unwrap_or_else(|| panic!("unexpected attachment {name}"));
        let to = mail
            .to()
            .and_then(|to| to.first())
            .and_then(|a| a.address())
            .unwrap_or_default();
        // Local parts such as `a..b` travel quoted (`"a..b"@domain`), the same mailbox.
        assert_eq!(to.replace('"', ""), entry.applicant.field("email"));
        assert!(attachment.contents().starts_with(b"%PDF-"));
        assert!(mail.subject().unwrap_or_default().contains(&number));
        assert!(seen.insert(number), "card e-mailed twice");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn applicants_registered_and_issued_sqlite() {
    let smtp = SmtpServer::start();
    let mut server = Server::start(ServerOptions {
        smtp_url: Some(smtp.url()),
        ..ServerOptions::default()
    });
    // With the full region table every NIK prefix and village code is checked.
    support::import_regions(&mut server);
    let applicants = load_applicants("applicants.jsonl");
    register_verify_issue(&server, &smtp, &applicants).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn applicants_registered_and_issued_postgres() {
    let admin_url = std::env::var("RALINE_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let name = format!("raline_flow_{}", std::process::id());
    let base = admin_url
        .rsplit_once('/')
        .map(|(base, _)| base)
        .unwrap()
        .to_owned();
    let psql = |sql: &str| {
        let status = std::process::Command::new("psql")
            .args([admin_url.as_str(), "-q", "-c", sql])
            .status()
            .expect("psql is required for the PostgreSQL test");
        assert!(status.success(), "psql {sql} failed");
    };
    psql(&format!("DROP DATABASE IF EXISTS {name}"));
    psql(&format!("CREATE DATABASE {name}"));

    let smtp = SmtpServer::start();
    let server = Server::start(ServerOptions {
        smtp_url: Some(smtp.url()),
        database_url: Some(format!("{base}/{name}")),
        ..ServerOptions::default()
    });
    // A slice keeps this run short; the SQLite run covers every applicant.
    let applicants: Vec<Applicant> = load_applicants("applicants.jsonl")
        .into_iter()
        .take(12)
        .collect();
    register_verify_issue(&server, &smtp, &applicants).await;

    drop(server);
    psql(&format!("DROP DATABASE IF EXISTS {name}"));
}

#[tokio::test]
async fn invalid_applicants_rejected_nothing_stored() {
    let Some(shared) = support::shared_testdata() else {
        eprintln!("skipped: the shared invalid applicants are not available");
        return;
    };
    let server = Server::start(ServerOptions::default());
    let client = reqwest::Client::new();
    let staff = server.staff_token("petugas", "kata-sandi-petugas");

    let invalid = support::load_applicants_from(&shared, "invalid-applicants.jsonl");
    assert_eq!(invalid.len(), 22);
    for applicant in &invalid {
        let response = client
            .post(server.url("/api/v1/applications"))
            .multipart(applicant.form())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422, "{}", applicant.case());
        let body: Value = response.json().await.unwrap();
        let fields: Vec<&str> = body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        for expected in applicant.record["expect"]["errors"].as_array().unwrap() {
            assert!(
                fields.contains(&expected.as_str().unwrap()),
                "{}: {body}",
                applicant.case()
            );
        }
        for error in body["errors"].as_array().unwrap() {
            let message = error["message"].as_str().unwrap();
            assert!(
                !message.is_empty() && !message.starts_with("error-"),
                "{}: {message}",
                applicant.case()
            );
        }
    }

    let list: Value = client
        .get(server.url("/api/v1/staff/applications"))
        .bearer_auth(&staff)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 0);
    assert_eq!(server.stored_upload_files(), 0);
}

#[tokio::test]
async fn bad_files_rejected_nothing_stored() {
    let server = Server::start(ServerOptions::default());
    let client = reqwest::Client::new();
    let applicant = support::load_applicants_from(&support::fixtures_dir(), "applicants.jsonl")
        .into_iter()
        .next()
        .unwrap();

    let mut bad_files: Vec<(String, Vec<u8>)> = Vec::new();
    if let Some(shared) = support::shared_testdata() {
        for entry in std::fs::read_dir(shared.join("files/bad")).unwrap() {
            let path = entry.unwrap().path();
            bad_files.push((
                path.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&path).unwrap(),
            ));
        }
        let small = std::fs::read(shared.join("files/photo-too-small.jpg")).unwrap();
        bad_files.push(("photo-too-small.jpg".into(), small));
    }
    bad_files.push(("kosong.jpg".into(), Vec::new()));
    bad_files.push((
        "halaman.jpg".into(),
        b"<!doctype html><script>alert(1)</script>".to_vec(),
    ));
    // One byte over the 5 MB default, generated here.
    let mut oversized = std::fs::read(support::fixtures_dir().join("photo.jpg")).unwrap();
    oversized.resize(5 * 1024 * 1024 + 1, 0);
    bad_files.push(("besar.jpg".into(), oversized));

    for (name, bytes) in bad_files {
        let mut form = reqwest::multipart::Form::new();
        for (key, value) in applicant.record.as_object().unwrap() {
            if let Value::String(text) = value {
                form = form.text(key.clone(), text.clone());
            } else if let Value::Bool(flag) = value {
                form = form.text(key.clone(), flag.to_string());
            }
        }
        let document = std::fs::read(support::fixtures_dir().join("photo.jpg")).unwrap();
        form = form
            .part(
                "photo",
                reqwest::multipart::Part::bytes(bytes).file_name(name.clone()),
            )
            .part(
                "identity_document",
                reqwest::multipart::Part::bytes(document).file_name("ktp.jpg"),
            );
        let response = client
            .post(server.url("/api/v1/applications"))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422, "{name}");
        let body: Value = response.json().await.unwrap();
        let photo_error = body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["field"] == "photo")
            .unwrap_or_else(|| panic!("{name}: {body}"));
        let message = photo_error["message"].as_str().unwrap();
        assert!(
            message.contains("foto") || message.contains("Foto"),
            "{name}: {message}"
        );
    }
    assert_eq!(server.stored_upload_files(), 0);
}

#[tokio::test]
async fn repeated_submission_stored_once() {
    let server = Server::start(ServerOptions::default());
    let client = reqwest::Client::new();
    let staff = server.staff_token("petugas", "kata-sandi-petugas");
    let applicant = support::load_applicants_from(&support::fixtures_dir(), "applicants.jsonl")
        .into_iter()
        .next()
        .unwrap();

    let mut answers = Vec::new();
    for _ in 0..3 {
        let response = client
            .post(server.url("/api/v1/applications"))
            .header("Idempotency-Key", "ketuk-dua-kali-1")
            .multipart(applicant.form())
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap();
        answers.push((status, body["id"].clone(), body["status_token"].clone()));
    }
    assert_eq!(answers[0].0, 201);
    assert_eq!(answers[1].0, 200);
    assert_eq!(answers[0].1, answers[2].1);
    assert_eq!(answers[0].2, answers[2].2);

    let list: Value = client
        .get(server.url("/api/v1/staff/applications"))
        .bearer_auth(&staff)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 1);
}

#[tokio::test]
async fn correction_and_rejection_round_trip() {
    let smtp = SmtpServer::start();
    let server = Server::start(ServerOptions {
        smtp_url: Some(smtp.url()),
        ..ServerOptions::default()
    });
    let client = reqwest::Client::new();
    let staff = server.staff_token("petugas", "kata-sandi-petugas");
    let applicants = support::load_applicants_from(&support::fixtures_dir(), "applicants.jsonl");
    let first = submit(&client, &server, &applicants[0]).await;

    // A correction request needs a reason, and the applicant can read it.
    let missing_reason = client
        .post(server.url(&format!(
            "/api/v1/staff/applications/{}/request-correction",
            first.id
        )))
        .bearer_auth(&staff)
        .send()
        .await
        .unwrap();
    assert_eq!(missing_reason.status(), 422);
    let requested = client
        .post(server.url(&format!(
            "/api/v1/staff/applications/{}/request-correction",
            first.id
        )))
        .bearer_auth(&staff)
        .json(&serde_json::json!({"reason": "Foto buram, unggah ulang pas foto."}))
        .send()
        .await
        .unwrap();
    assert_eq!(requested.status(), 200);
    let status: Value = client
        .get(server.url(&format!("/api/v1/applications/{}", first.id)))
        .bearer_auth(&first.status_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(status["status"], "needs_correction");
    assert_eq!(status["reason"], "Foto buram, unggah ulang pas foto.");

    // Another applicant's token cannot read this application.
    let second = submit(&client, &server, &applicants[1]).await;
    let foreign = client
        .get(server.url(&format!("/api/v1/applications/{}", first.id)))
        .bearer_auth(&second.status_token)
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), 404);

    // Rejection is final: approving afterwards conflicts.
    let rejected = client
        .post(server.url(&format!("/api/v1/staff/applications/{}/reject", second.id)))
        .bearer_auth(&staff)
        .json(&serde_json::json!({"reason": "Data tidak sesuai kartu identitas."}))
        .send()
        .await
        .unwrap();
    assert_eq!(rejected.status(), 200);
    let again = client
        .post(server.url(&format!("/api/v1/staff/applications/{}/approve", second.id)))
        .bearer_auth(&staff)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 409);

    // Besides the address verification links, the correction request and the rejection
    // arrive.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let subjects = loop {
        let subjects: Vec<String> = smtp
            .messages()
            .iter()
            .map(|raw| {
                support::parse_mail(raw)
                    .subject()
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect();
        let complete = subjects.iter().any(|s| s.contains("perlu diperbaiki"))
            && subjects.iter().any(|s| s.contains("ditolak"));
        if complete || std::time::Instant::now() > deadline {
            break subjects;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(
        subjects.iter().any(|s| s.contains("perlu diperbaiki")),
        "{subjects:?}"
    );
    assert!(
        subjects.iter().any(|s| s.contains("ditolak")),
        "{subjects:?}"
    );
}

#[tokio::test]
async fn correction_keeps_replaced_file() {
    let server = Server::start(ServerOptions::default());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let staff = server.staff_token("petugas", "kata-sandi-petugas");
    let applicant = support::load_applicants_from(&support::fixtures_dir(), "applicants.jsonl")
        .into_iter()
        .next()
        .unwrap();
    let submitted = submit(&client, &server, &applicant).await;
    let requested = client
        .post(server.url(&format!(
            "/api/v1/staff/applications/{}/request-correction",
            submitted.id
        )))
        .bearer_auth(&staff)
        .json(&serde_json::json!({"reason": "Scan KTP buram."}))
        .send()
        .await
        .unwrap();
    assert_eq!(requested.status(), 200);

    let correction_form = |email: &str| {
        let mut form = reqwest::multipart::Form::new();
        for (key, value) in applicant.record.as_object().unwrap() {
            if matches!(key.as_str(), "email" | "password") {
                continue;
            }
            match value {
                Value::String(text) => form = form.text(key.clone(), text.clone()),
                Value::Bool(flag) => form = form.text(key.clone(), flag.to_string()),
                _ => {}
            }
        }
        form.text("email", email.to_owned())
    };
    let url = server.url(&format!("/status/{}/perbaikan", submitted.status_token));

    // A new scan with a typo elsewhere: the form comes back and keeps the new scan.
    let letter = std::fs::read(support::fixtures_dir().join("letter.pdf")).unwrap();
    let form = correction_form("bukan-email").part(
        "identity_document",
        reqwest::multipart::Part::bytes(letter).file_name("ktp.pdf"),
    );
    let response = client.post(&url).multipart(form).send().await.unwrap();
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("Alamat e-mail tidak valid"), "{html}");
    assert!(html.contains("Berkas sudah diterima (PDF"), "{html}");

    // Fixing the typo without uploading again resubmits with the new scan.
    let response = client
        .post(&url)
        .multipart(correction_form("siti.baru@example.id"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let detail: Value = client
        .get(server.url(&format!("/api/v1/staff/applications/{}", submitted.id)))
        .bearer_auth(&staff)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(detail["status"], "submitted");
    assert_eq!(detail["email"], "siti.baru@example.id");
    let document = detail["uploads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|upload| upload["slot"] == "identity_document")
        .unwrap();
    assert_eq!(document["content_type"], "application/pdf");
}

#[tokio::test]
async fn api_errors_are_json() {
    let server = Server::start(ServerOptions::default());
    let client = reqwest::Client::new();
    let staff = server.staff_token("petugas", "kata-sandi-petugas");

    let response = client
        .get(server.url("/api/v1/staff/applications/abc"))
        .bearer_auth(&staff)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "bad_request");

    // The authentication scheme is case-insensitive.
    let response = client
        .get(server.url("/api/v1/staff/applications"))
        .header("Authorization", format!("bearer {staff}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    let response = client
        .get(server.url("/api/v1/staff/applications"))
        .header("Authorization", "Bearer salah")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unauthorized");
    assert!(!body["error"]["message"].as_str().unwrap().is_empty());
}
