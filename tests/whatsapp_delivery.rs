//! Delivery of cards and notices by e-mail and WhatsApp through the real `raline` binary:
//! a fault test with both providers down during 50 approvals and a worker killed mid-send,
//! and the gateway, webhook, opt-out and signed card link paths.

mod support;

#[path = "../crates/raline-delivery/tests/support/whatsapp_mock.rs"]
mod whatsapp_mock;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use mail_parser::MimeHeaders;
use serde_json::{Value, json};
use support::smtp_server::free_port;
use support::{Applicant, Server, ServerOptions, SmtpServer, load_applicants};
use whatsapp_mock::{
    MOCK_ACCESS_TOKEN, MOCK_API_VERSION, MOCK_APP_SECRET, MOCK_GATEWAY_TOKEN, MOCK_PHONE_NUMBER_ID,
    MOCK_VERIFY_TOKEN, Route, WhatsAppMock,
};

/// Approvals made while both providers are down.
const APPROVALS: usize = 50;
/// Time after the last expected message in which no further copy may arrive.
const SETTLE_TIME: Duration = Duration::from_secs(6);

fn cloud_api_config(port: u16) -> String {
    format!(
        r#"
[whatsapp]
provider = "cloud_api"

[whatsapp.cloud_api]
base_url = "http://127.0.0.1:{port}"
api_version = "{MOCK_API_VERSION}"
phone_number_id = "{MOCK_PHONE_NUMBER_ID}"
access_token = "{MOCK_ACCESS_TOKEN}"
app_secret = "{MOCK_APP_SECRET}"
verify_token = "{MOCK_VERIFY_TOKEN}"
timeout_seconds = 20

[whatsapp.cloud_api.templates.card_issued]
name = "kartu_anggota_terbit"
language = "id"
parameters = ["nama", "nomor_anggota", "berlaku_sampai"]
"#
    )
}

fn gateway_config(url: &str) -> String {
    format!(
        r#"
[whatsapp]
provider = "gateway"

[whatsapp.gateway]
url = "{url}"
token = "{MOCK_GATEWAY_TOKEN}"
"#
    )
}

/// Fast retries, so the test does not wait out production backoff.
fn fast_outbox() -> Vec<(String, String)> {
    [
        ("RALINE_OUTBOX_LEASE_SECONDS", "5"),
        ("RALINE_OUTBOX_FIRST_RETRY_SECONDS", "1"),
        ("RALINE_OUTBOX_MAX_RETRY_SECONDS", "2"),
        ("RALINE_REMINDER_DAYS", ""),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_owned(), value.to_owned()))
    .collect()
}

/// Returns applicant `index` with its own e-mail, phone and (for repeats) NIK serial, because
/// one person can be approved only once.
fn person(applicants: &[Applicant], index: usize) -> Applicant {
    let mut applicant = applicants[index % applicants.len()].clone();
    if index >= applicants.len() && applicant.record.get("guardian").is_none() {
        let number = applicant.field("identity_number").to_owned();
        if number.len() == 16 {
            applicant.record["identity_number"] =
                Value::String(format!("{}{:04}", &number[..12], 8000 + index));
        }
    }
    applicant.record["email"] = Value::String(format!("wa-{index:02}@example.id"));
    applicant.record["phone"] = Value::String(format!("0813{:08}", 40_000_000 + index));
    applicant
}

fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap()
}

async fn submit(client: &reqwest::Client, server: &Server, applicant: &Applicant) -> i64 {
    let response = client
        .post(server.url("/api/v1/applications"))
        .multipart(applicant.form())
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        status.as_u16(),
        201,
        "submission of {}: {body}",
        applicant.case()
    );
    body["id"].as_i64().unwrap()
}

async fn approve(client: &reqwest::Client, server: &Server, staff: &str, id: i64) -> Value {
    let response = client
        .post(server.url(&format!("/api/v1/staff/applications/{id}/approve")))
        .bearer_auth(staff)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status.as_u16(), 200, "approval of {id}: {body}");
    body
}

async fn deliveries(client: &reqwest::Client, server: &Server, staff: &str, id: i64) -> Vec<Value> {
    let detail: Value = client
        .get(server.url(&format!("/api/v1/staff/applications/{id}")))
        .bearer_auth(staff)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    detail["deliveries"].as_array().cloned().unwrap_or_default()
}

/// Waits until `condition` holds, or panics with `what` after `timeout`.
async fn wait_for(what: &str, timeout: Duration, mut condition: impl FnMut() -> bool) {
    let start = Instant::now();
    while !condition() {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Reads which worker has the claim on the WhatsApp message being sent, as `host/pid`.
async fn whatsapp_claim_holder(server: &Server) -> Option<String> {
    use sqlx::Connection;
    let mut connection = sqlx::SqliteConnection::connect(&server.sqlite_url())
        .await
        .unwrap();
    let holder: Option<String> = sqlx::query_scalar(
        "SELECT claimed_by FROM outbox WHERE channel = 'whatsapp' AND state = 'sending' \
         AND handed_over_at IS NOT NULL ORDER BY id LIMIT 1",
    )
    .fetch_optional(&mut connection)
    .await
    .unwrap()
    .flatten();
    connection.close().await.unwrap();
    holder
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn outage_then_exactly_one_card_per_channel() {
    let smtp_port = free_port();
    let whatsapp_port = free_port();
    let mut env = fast_outbox();
    env.push((
        "RALINE_SMTP_URL".to_owned(),
        format!("smtp://127.0.0.1:{smtp_port}"),
    ));
    let mut server = Server::start(ServerOptions {
        env,
        config: Some(cloud_api_config(whatsapp_port)),
        ..ServerOptions::default()
    });
    let mut second_worker = server.spawn_worker("second");
    let staff = server.staff_token("petugas", "kata-sandi-petugas");
    let client = http_client();

    // Both providers are down: every approval must still complete.
    let applicants = load_applicants("applicants.jsonl");
    let people: Vec<Applicant> = (0..APPROVALS).map(|i| person(&applicants, i)).collect();
    let mut ids = Vec::new();
    for applicant in &people {
        ids.push(submit(&client, &server, applicant).await);
    }
    let mut members = BTreeSet::new();
    for id in &ids {
        let approved = approve(&client, &server, &staff, *id).await;
        members.insert(approved["member_number"].as_str().unwrap().to_owned());
    }
    assert_eq!(
        members.len(),
        APPROVALS,
        "every approval issues its own member"
    );

    // The messages wait in the outbox, one per channel, and have been tried.
    let first = deliveries(&client, &server, &staff, ids[0]).await;
    let card_rows: Vec<&Value> = first
        .iter()
        .filter(|row| row["kind"] == "card_issued")
        .collect();
    let channels: BTreeSet<&str> = card_rows
        .iter()
        .map(|row| row["channel"].as_str().unwrap())
        .collect();
    assert_eq!(channels, BTreeSet::from(["email", "whatsapp"]));
    assert!(
        card_rows.iter().all(|row| row["state"] != "sent"),
        "nothing can be sent while both providers are down: {card_rows:?}"
    );

    // Both come back. The first WhatsApp send is held open so a worker dies mid-send.
    let whatsapp = WhatsAppMock::start_holding_on(whatsapp_port, &[(Route::Messages, 1)]).await;
    let smtp = tokio::task::spawn_blocking(move || SmtpServer::start_on(smtp_port))
        .await
        .unwrap();
    assert!(
        whatsapp.wait_until_held(1, Duration::from_secs(60)).await,
        "no WhatsApp send arrived after the provider came back"
    );

    let holder = whatsapp_claim_holder(&server)
        .await
        .expect("the held message is claimed and handed over");
    let holder_pid: u32 = holder.rsplit('/').next().unwrap().parse().unwrap();
    let killed_server = server.pid() == Some(holder_pid);
    if killed_server {
        server.kill();
    } else {
        assert_eq!(
            second_worker.id(),
            holder_pid,
            "claim held by an unknown process"
        );
        second_worker.kill().unwrap();
        second_worker.wait().unwrap();
    }
    // The provider finishes the request the dead worker started, as a real one would.
    whatsapp.release_held();

    let deadline = Duration::from_secs(180);
    wait_for("50 card e-mails", deadline, || {
        smtp.card_messages().len() >= APPROVALS
    })
    .await;
    wait_for("50 WhatsApp cards", deadline, || {
        whatsapp.delivered_count() >= APPROVALS
    })
    .await;
    tokio::time::sleep(SETTLE_TIME).await;

    // Exactly one card per member on each channel.
    let cards = smtp.card_messages();
    assert_eq!(cards.len(), APPROVALS, "card e-mails");
    let message_ids: BTreeSet<String> = cards
        .iter()
        .map(|raw| {
            support::parse_mail(raw)
                .message_id()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(
        message_ids.len(),
        APPROVALS,
        "card e-mails with distinct ids"
    );
    let recipients: BTreeSet<String> = cards
        .iter()
        .map(|raw| {
            let mail = support::parse_mail(raw);
            let to = mail.to().and_then(|to| to.first()).unwrap();
            to.address().unwrap_or_default().to_owned()
        })
        .collect();
    assert_eq!(recipients.len(), APPROVALS, "one card e-mail per applicant");
    for raw in &cards {
        let pdf = support::attached_pdf(raw);
        assert!(pdf.starts_with(b"%PDF"), "card attachment is a PDF");
        let has_pdf_part = support::parse_mail(raw).attachments().any(|part| {
            part.content_type()
                .is_some_and(|ct| ct.subtype() == Some("pdf"))
        });
        assert!(has_pdf_part);
    }

    let delivered = whatsapp.delivered();
    assert_eq!(delivered.len(), APPROVALS, "WhatsApp cards");
    assert_eq!(
        whatsapp.distinct_callback_data_count(),
        APPROVALS,
        "each WhatsApp card carries its own idempotency key once"
    );
    let phones: BTreeSet<&str> = delivered
        .iter()
        .map(|message| message.to.as_str())
        .collect();
    assert_eq!(phones.len(), APPROVALS, "one WhatsApp card per phone");
    for message in &delivered {
        assert_eq!(
            message.message_type, "template",
            "outside the service window"
        );
        assert_eq!(
            message.template_name.as_deref(),
            Some("kartu_anggota_terbit")
        );
        assert!(
            message
                .document_filename
                .as_deref()
                .is_some_and(|name| name.ends_with(".pdf")),
            "template header carries the card PDF: {message:?}"
        );
    }

    if killed_server {
        server.restart();
    }
    // The message cut off mid-send is reported, not sent again.
    let mut interrupted = 0;
    let mut sent = 0;
    for id in &ids {
        for row in deliveries(&client, &server, &staff, *id).await {
            if row["kind"] != "card_issued" {
                continue;
            }
            match row["state"].as_str().unwrap() {
                "sent" => sent += 1,
                "failed" => {
                    assert_eq!(
                        row["channel"], "whatsapp",
                        "only the held send may fail: {row}"
                    );
                    interrupted += 1;
                }
                other => panic!("card message left {other}: {row}"),
            }
        }
    }
    assert_eq!(
        interrupted, 1,
        "the send cut off by the kill is marked failed"
    );
    assert_eq!(sent, 2 * APPROVALS - 1);

    // Staff see the failure in the last-24-hours list and queue it again by hand.
    let failed: Value = client
        .get(server.url("/api/v1/staff/messages/failed"))
        .bearer_auth(&staff)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(failed["count"], 1, "{failed}");
    let failed_id = failed["messages"][0]["id"].as_i64().unwrap();
    assert_eq!(failed["messages"][0]["channel"], "whatsapp");
    let resent = client
        .post(server.url(&format!("/api/v1/staff/messages/{failed_id}/resend")))
        .bearer_auth(&staff)
        .send()
        .await
        .unwrap();
    assert_eq!(resent.status().as_u16(), 201);
    let resent: Value = resent.json().await.unwrap();
    assert_eq!(resent["resend_of"], failed_id);
    wait_for("the resent WhatsApp card", Duration::from_secs(60), || {
        whatsapp.delivered_count() > APPROVALS
    })
    .await;
    assert_eq!(
        whatsapp.distinct_callback_data_count(),
        APPROVALS + 1,
        "the resend carries a new idempotency key"
    );

    let _ = second_worker.kill();
    let _ = second_worker.wait();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gateway_gets_signed_card_link() {
    let whatsapp = WhatsAppMock::start().await;
    let smtp = SmtpServer::start();
    let server = Server::start(ServerOptions {
        smtp_url: Some(smtp.url()),
        env: fast_outbox(),
        config: Some(gateway_config(&whatsapp.gateway_url())),
        ..ServerOptions::default()
    });
    let staff = server.staff_token("petugas", "kata-sandi-petugas");
    let client = http_client();
    let applicants = load_applicants("applicants.jsonl");

    // One applicant wants WhatsApp, one opted out.
    let wants = person(&applicants, 0);
    let mut opted_out = person(&applicants, 1);
    opted_out.record["whatsapp_opt_out"] = Value::String("true".into());
    let wants_id = submit(&client, &server, &wants).await;
    let opted_out_id = submit(&client, &server, &opted_out).await;
    let member = approve(&client, &server, &staff, wants_id).await;
    approve(&client, &server, &staff, opted_out_id).await;

    wait_for("the gateway message", Duration::from_secs(60), || {
        whatsapp.delivered_count() >= 1
    })
    .await;
    smtp.wait_for_card_messages(2, Duration::from_secs(60));
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        whatsapp.delivered_count(),
        1,
        "the opted-out member gets no WhatsApp"
    );

    let request = whatsapp
        .requests_to(Route::Gateway)
        .into_iter()
        .find(|request| request.response_status == Some(200))
        .unwrap();
    assert_eq!(request.to.as_deref(), Some("6281340000000"));
    let number = member["member_number"].as_str().unwrap();
    let text = request.text.clone().unwrap();
    assert!(
        text.contains(number),
        "message names the member number: {text}"
    );
    let link = request
        .document_url
        .clone()
        .expect("card link sent to the gateway");
    assert!(link.starts_with(&server.url("/kartu/")), "{link}");
    assert!(text.contains(&link), "message carries the card link too");

    // The signed link serves the card; a changed or unknown one does not.
    let response = client.get(&link).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let pdf = response.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    assert!(support::pdf_text(&pdf).contains(number));
    let forged = format!("{}0", &link[..link.len() - 1]);
    let forged = if forged == link {
        format!("{}1", &link[..link.len() - 1])
    } else {
        forged
    };
    let response = client.get(&forged).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 404);
    let page = response.text().await.unwrap();
    assert!(page.contains("Tautan kartu ini tidak dikenal atau sudah kedaluwarsa"));
    let expired = server.url("/kartu/1.1000.00000000000000000000000000000000");
    assert_eq!(
        client.get(&expired).send().await.unwrap().status().as_u16(),
        404
    );

    // Staff see both channels for the first member and e-mail only for the opted-out one.
    let rows = deliveries(&client, &server, &staff, wants_id).await;
    let cards: BTreeMap<&str, &str> = rows
        .iter()
        .filter(|row| row["kind"] == "card_issued")
        .map(|row| {
            (
                row["channel"].as_str().unwrap(),
                row["provider"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(cards.get("whatsapp"), Some(&"gateway"));
    assert_eq!(cards.get("email"), Some(&"smtp"));
    let rows = deliveries(&client, &server, &staff, opted_out_id).await;
    assert!(rows.iter().all(|row| row["channel"] == "email"), "{rows:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_records_read_and_rejects_bad_signature() {
    let whatsapp = WhatsAppMock::start().await;
    let smtp = SmtpServer::start();
    let server = Server::start(ServerOptions {
        smtp_url: Some(smtp.url()),
        env: fast_outbox(),
        config: Some(cloud_api_config(whatsapp.address().port())),
        ..ServerOptions::default()
    });
    let staff = server.staff_token("petugas", "kata-sandi-petugas");
    let client = http_client();
    let applicants = load_applicants("applicants.jsonl");
    let applicant = person(&applicants, 2);
    let id = submit(&client, &server, &applicant).await;

    // A rejection that fails validation (no reason) sends nothing.
    let response = client
        .post(server.url(&format!("/api/v1/staff/applications/{id}/reject")))
        .bearer_auth(&staff)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 422);
    approve(&client, &server, &staff, id).await;
    wait_for("the WhatsApp card", Duration::from_secs(60), || {
        whatsapp.delivered_count() >= 1
    })
    .await;
    let wamid = whatsapp.delivered()[0].provider_message_id.clone();

    // The subscription handshake.
    let handshake = client
        .get(server.url(&format!(
            "/api/v1/whatsapp/webhook?hub.mode=subscribe&hub.verify_token={MOCK_VERIFY_TOKEN}&hub.challenge=1158201444"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(handshake.status().as_u16(), 200);
    assert_eq!(handshake.text().await.unwrap(), "1158201444");
    let wrong = client
        .get(server.url(
            "/api/v1/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=salah&hub.challenge=1",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status().as_u16(), 403);

    let body = json!({
        "object": "whatsapp_business_account",
        "entry": [{
            "id": "102290129340398",
            "changes": [{
                "field": "messages",
                "value": {
                    "messaging_product": "whatsapp",
                    "metadata": {"display_phone_number": "15550783881", "phone_number_id": MOCK_PHONE_NUMBER_ID},
                    "statuses": [{
                        "id": wamid,
                        "status": "read",
                        "timestamp": "1764900000",
                        "recipient_id": "6281340000002"
                    }]
                }
            }]
        }]
    })
    .to_string();

    // A bad signature changes nothing.
    let rejected = client
        .post(server.url("/api/v1/whatsapp/webhook"))
        .header("content-type", "application/json")
        .header("x-hub-signature-256", format!("sha256={}", "0".repeat(64)))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(rejected.status().as_u16(), 401);
    let unsigned = client
        .post(server.url("/api/v1/whatsapp/webhook"))
        .header("content-type", "application/json")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status().as_u16(), 401);
    let state_of_whatsapp_card = || async {
        deliveries(&client, &server, &staff, id)
            .await
            .into_iter()
            .find(|row| row["kind"] == "card_issued" && row["channel"] == "whatsapp")
            .unwrap()
    };
    let start = Instant::now();
    let mut row = state_of_whatsapp_card().await;
    while row["state"] != "sent" && start.elapsed() < Duration::from_secs(30) {
        tokio::time::sleep(Duration::from_millis(200)).await;
        row = state_of_whatsapp_card().await;
    }
    assert_eq!(row["state"], "sent", "{row}");

    let signature = raline_delivery::whatsapp::webhook::signature_header(
        MOCK_APP_SECRET.as_bytes(),
        body.as_bytes(),
    );
    let accepted = client
        .post(server.url("/api/v1/whatsapp/webhook"))
        .header("content-type", "application/json")
        .header("x-hub-signature-256", signature)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status().as_u16(), 200);
    let row = state_of_whatsapp_card().await;
    assert_eq!(row["state"], "read", "{row}");
    assert!(row["read_at"].is_string(), "{row}");
    assert!(row["delivered_at"].is_string(), "{row}");

    // Only the approval's card went out: the refused rejection queued nothing.
    let kinds: Vec<String> = deliveries(&client, &server, &staff, id)
        .await
        .iter()
        .map(|row| row["kind"].as_str().unwrap().to_owned())
        .collect();
    assert!(!kinds.iter().any(|kind| kind == "rejected"), "{kinds:?}");
}
