//! Member accounts and renewal through the real binary, a real SQLite file and a real SMTP
//! server: address verification, login with its lockout, password reset, online renewal
//! with racing submissions, staff approval, the renewed card by e-mail, and reminders.

mod support;

use std::time::Duration;

use serde_json::{Value, json};
use support::{
    Applicant, Server, ServerOptions, SmtpServer, count_mails, fixtures_dir, indonesian_date,
    link_in, load_applicants_from, register_member, set_valid_until, today_wib, wait_for_mail,
};

const STAFF_PASSWORD: &str = "kata-sandi-petugas";

fn resident() -> Applicant {
    load_applicants_from(&fixtures_dir(), "applicants.jsonl")
        .into_iter()
        .find(|applicant| applicant.case() == "fixture-resident")
        .expect("fixture-resident")
}

async fn api_login(
    client: &reqwest::Client,
    server: &Server,
    login: &str,
    password: &str,
) -> (u16, Value) {
    let response = client
        .post(server.url("/api/v1/session"))
        .json(&json!({ "login": login, "password": password }))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn me(client: &reqwest::Client, server: &Server, token: &str) -> (u16, Value) {
    let response = client
        .get(server.url("/api/v1/me"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Builds a client that keeps cookies and sends the Origin header pages require on POST.
fn browser_like(server: &Server) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        "Origin",
        reqwest::header::HeaderValue::from_str(&server.base_url).unwrap(),
    );
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verification_login_lockout_and_password_reset() {
    let smtp = SmtpServer::start();
    let server = Server::start(ServerOptions {
        smtp_url: Some(smtp.url()),
        ..Default::default()
    });
    let client = reqwest::Client::new();
    let staff = server.staff_token("petugas", STAFF_PASSWORD);
    let applicant = resident();
    let password = applicant.field("password").to_owned();
    let email = applicant.field("email").to_owned();
    let number = register_member(&client, &server, &staff, &applicant).await;

    // Registration sent a verification link; opening it shows a button, pressing it verifies
    // once.
    let staff_view = |client: reqwest::Client| {
        let url = server.url("/api/v1/staff/applications/1");
        let staff = staff.clone();
        async move {
            let detail: Value = client
                .get(url)
                .bearer_auth(staff)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            detail["email_verified"].clone()
        }
    };
    assert_eq!(staff_view(client.clone()).await, false);
    let verification = wait_for_mail(&smtp, "Verifikasi alamat e-mail", 0);
    let link = link_in(&verification, "/verifikasi-email/");
    let page = client.get(&link).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let pages = browser_like(&server);
    let verified = pages.post(&link).send().await.unwrap();
    assert_eq!(verified.status().as_u16(), 200);
    assert!(
        verified
            .text()
            .await
            .unwrap()
            .contains("sudah terverifikasi")
    );
    let again = pages.post(&link).send().await.unwrap();
    assert_eq!(again.status().as_u16(), 410);
    assert_eq!(staff_view(client.clone()).await, true);

    // Login by member number and by e-mail; wrong passwords and unknown accounts get the
    // same response.
    let (status, session) = api_login(&client, &server, &number, &password).await;
    assert_eq!(status, 201, "{session}");
    let token = session["token"].as_str().unwrap().to_owned();
    let (status, body) = me(&client, &server, &token).await;
    assert_eq!(status, 200);
    assert_eq!(body["member_number"], number);
    assert_eq!(body["full_name"], applicant.field("full_name"));
    assert_eq!(body["email_verified"], true);
    assert!(body["valid_until"].as_str().unwrap().len() == 10);
    let (status, _) = api_login(&client, &server, &email.to_uppercase(), &password).await;
    assert_eq!(status, 201);
    let (wrong, wrong_body) = api_login(&client, &server, &number, "salah-sandi").await;
    let (unknown, unknown_body) = api_login(&client, &server, "99999999999", "salah").await;
    assert_eq!((wrong, unknown), (401, 401));
    assert_eq!(
        wrong_body["error"]["message"],
        unknown_body["error"]["message"]
    );

    // Each verification link goes to the address it was made for, even when the member
    // changes the address again before the first link is sent.
    let account = pages
        .post(server.url("/akun/masuk"))
        .form(&[("login", number.as_str()), ("password", password.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(account.status().as_u16(), 303);
    let csrf_page = pages
        .get(server.url("/akun"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    for address in ["satu@example.id", "dua@example.id", email.as_str()] {
        let changed = pages
            .post(server.url("/akun/kontak"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("email", address),
                ("phone", applicant.field("phone")),
                ("contact_address", "Jl. Contoh No. 1, Mojokerto"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(changed.status().as_u16(), 303, "{address}");
    }
    for skip in 1..=3 {
        let raw = wait_for_mail(&smtp, "Verifikasi alamat e-mail", skip);
        let mail = support::parse_mail(&raw);
        let to = mail
            .to()
            .and_then(|to| to.first())
            .and_then(|address| address.address())
            .unwrap_or_default()
            .to_owned();
        let expected = ["satu@example.id", "dua@example.id", email.as_str()][skip - 1];
        assert_eq!(to, expected.to_lowercase());
    }
    // The member is back on the registered address, verified again through its new link.
    let relink = link_in(
        &wait_for_mail(&smtp, "Verifikasi alamat e-mail", 3),
        "/verifikasi-email/",
    );
    assert_eq!(
        pages.post(&relink).send().await.unwrap().status().as_u16(),
        200
    );

    // The member page with the cookie session.
    let login = pages
        .post(server.url("/akun/masuk"))
        .form(&[("login", number.as_str()), ("password", password.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status().as_u16(), 303);
    let account = pages
        .get(server.url("/akun"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(account.contains(&number), "{account}");
    assert!(account.contains("<svg"), "virtual card codes");
    let photo = pages.get(server.url("/akun/foto")).send().await.unwrap();
    assert_eq!(photo.headers()["content-type"], "image/jpeg");
    let card = pages
        .get(server.url("/akun/kartu.pdf"))
        .send()
        .await
        .unwrap();
    assert_eq!(card.headers()["content-type"], "application/pdf");
    let anonymous = client.get(server.url("/akun/foto")).send().await.unwrap();
    assert!(anonymous.url().path().ends_with("/akun/masuk"));

    // Password reset: the same page for an unknown account, a single-use link for a
    // known one; afterwards the old password and every session stop working.
    for login in ["tidak-ada@example.id", number.as_str()] {
        let response = pages
            .post(server.url("/akun/lupa-sandi"))
            .form(&[("login", login)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("Jika nomor anggota")
        );
    }
    let reset_mail = wait_for_mail(&smtp, "Atur ulang kata sandi", 0);
    let reset_link = link_in(&reset_mail, "/akun/sandi-baru/");
    let mismatch = pages
        .post(&reset_link)
        .form(&[
            ("password", "sandi-baru-1"),
            ("password_confirmation", "lain"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(mismatch.status().as_u16(), 422);
    let reset = pages
        .post(&reset_link)
        .form(&[
            ("password", "sandi-baru-1"),
            ("password_confirmation", "sandi-baru-1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status().as_u16(), 303);
    let reused = pages
        .post(&reset_link)
        .form(&[
            ("password", "sandi-baru-2"),
            ("password_confirmation", "sandi-baru-2"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(reused.status().as_u16(), 410);
    assert_eq!(me(&client, &server, &token).await.0, 401);
    assert_eq!(api_login(&client, &server, &number, &password).await.0, 401);
    assert_eq!(
        api_login(&client, &server, &number, "sandi-baru-1").await.0,
        201
    );
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(count_mails(&smtp, "Atur ulang kata sandi"), 1);

    // Five failures in a row lock the account, by number and by e-mail alike, even for the
    // right password.
    for _ in 0..5 {
        assert_eq!(api_login(&client, &server, &email, "salah").await.0, 401);
    }
    assert_eq!(
        api_login(&client, &server, &number, "sandi-baru-1").await.0,
        429
    );
    assert_eq!(
        api_login(&client, &server, &email, "sandi-baru-1").await.0,
        429
    );

    // Registering again with a member's NIK gets the "already a member" error, but one
    // address receives it only 20 times in 15 minutes, so NIKs cannot be probed in bulk.
    for attempt in 0..20 {
        let response = client
            .post(server.url("/api/v1/applications"))
            .multipart(applicant.form())
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap();
        assert_eq!(status, 422, "attempt {attempt}: {body}");
        assert_eq!(body["errors"][0]["code"], "existing_member", "{body}");
    }
    let limited = client
        .post(server.url("/api/v1/applications"))
        .multipart(applicant.form())
        .send()
        .await
        .unwrap();
    assert_eq!(limited.status().as_u16(), 429);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_renewals_staff_approval_card_and_reminder() {
    let smtp = SmtpServer::start();
    let server = Server::start(ServerOptions {
        smtp_url: Some(smtp.url()),
        env: vec![(
            "RALINE_REMINDER_INTERVAL_SECONDS".to_owned(),
            "10".to_owned(),
        )],
        ..Default::default()
    });
    let client = reqwest::Client::new();
    let staff = server.staff_token("petugas", STAFF_PASSWORD);
    let applicant = resident();
    let number = register_member(&client, &server, &staff, &applicant).await;
    let (_, session) = api_login(&client, &server, &number, applicant.field("password")).await;
    let token = session["token"].as_str().unwrap().to_owned();

    // A new card cannot be renewed yet: the window opens 30 days before the end.
    let response = client
        .post(server.url("/api/v1/me/renewals"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "renewal_too_early");
    assert!(body["error"]["message"].as_str().unwrap().contains("mulai"));

    // Far past the end date the window has closed.
    let today = today_wib();
    set_valid_until(&server, &number, today - time::Duration::days(400)).await;
    let (_, body) = me(&client, &server, &token).await;
    assert_eq!(body["renewal"]["can_renew"], false);
    assert_eq!(body["renewal"]["refusal"], "renewal_too_late");

    // The card ends in 10 days: the 30-day reminder goes out once.
    let end = today + time::Duration::days(10);
    set_valid_until(&server, &number, end).await;
    let reminder = wait_for_mail(&smtp, "Kartu anggota Anda berlaku hingga", 0);
    assert!(link_in(&reminder, "/akun/perpanjang").ends_with("/akun/perpanjang"));
    let (_, body) = me(&client, &server, &token).await;
    assert_eq!(body["renewal"]["can_renew"], true);
    let expected = end + time::Duration::days(365);
    assert_eq!(body["renewal"]["new_valid_until"], expected.to_string());

    // Eight renewal requests at once give one renewal; the others get 409 (one is open).
    let mut racing = Vec::new();
    for attempt in 0..8 {
        let client = client.clone();
        let url = server.url("/api/v1/me/renewals");
        let token = token.clone();
        racing.push(tokio::spawn(async move {
            let response = client
                .post(url)
                .bearer_auth(token)
                .header("Idempotency-Key", format!("race-{attempt}"))
                .json(&json!({ "phone": "0813 1111 2222" }))
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            (status, response.json::<Value>().await.unwrap())
        }));
    }
    let mut created = Vec::new();
    for task in racing {
        let (status, body) = task.await.unwrap();
        match status {
            201 => created.push(body),
            409 => assert_eq!(body["error"]["code"], "renewal_already_open"),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(created.len(), 1, "{created:?}");
    let renewal_id = created[0]["id"].as_i64().unwrap();
    assert_eq!(created[0]["status"], "submitted");
    assert_eq!(created[0]["approved"], false);
    let (_, body) = me(&client, &server, &token).await;
    assert_eq!(body["phone"], "0813 1111 2222");
    assert_eq!(body["open_renewal"]["id"], renewal_id);

    // Staff see it in the queue and approve it; a second approval changes nothing.
    let queue: Value = client
        .get(server.url("/api/v1/staff/renewals?status=submitted"))
        .bearer_auth(&staff)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids: Vec<i64> = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [renewal_id]);
    let approve = |client: reqwest::Client| {
        let url = server.url(&format!("/api/v1/staff/renewals/{renewal_id}/approve"));
        let staff = staff.clone();
        async move {
            client
                .post(url)
                .bearer_auth(staff)
                .json(&json!({}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    let (first, second) = tokio::join!(approve(client.clone()), approve(client.clone()));
    let mut statuses = [first, second];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409]);
    let (_, body) = me(&client, &server, &token).await;
    assert_eq!(body["valid_until"], expected.to_string());
    assert_eq!(body["renewals"][0]["old_valid_until"], end.to_string());
    assert_eq!(body["renewals"][0]["new_valid_until"], expected.to_string());

    // The renewed card arrives by e-mail with the new end date, and downloads the same.
    let mail = wait_for_mail(&smtp, "Perpanjangan disetujui", 0);
    let text = support::pdf_text(&support::attached_pdf(&mail));
    assert!(text.contains(&indonesian_date(expected)), "{text}");
    assert!(text.contains(&number), "{text}");
    let pdf = client
        .get(server.url("/api/v1/me/card.pdf"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(support::pdf_text(&pdf).contains(&indonesian_date(expected)));

    // Two more reminder runs and a restart send no second reminder for that end date, and
    // none for the renewed card.
    std::thread::sleep(Duration::from_secs(21));
    let mut server = server;
    server.restart();
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(count_mails(&smtp, "Kartu anggota Anda berlaku hingga"), 1);
    assert_eq!(count_mails(&smtp, "Perpanjangan disetujui"), 1);
}

/// With automatic approval, renewals racing each other with different keys still renew the
/// card once: each extends only the end date it was checked against.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_automatic_renewals_extend_once() {
    let server = Server::start(ServerOptions {
        config: Some(
            "[[member_types]]\ncode = \"umum\"\nname = \"Umum\"\nvalidity_days = 365\n\
             [member_types.renewal]\nterm = \"1y\"\napproval = \"automatic\"\n"
                .to_owned(),
        ),
        ..Default::default()
    });
    let client = reqwest::Client::new();
    let staff = server.staff_token("petugas", STAFF_PASSWORD);
    let applicant = resident();
    let number = register_member(&client, &server, &staff, &applicant).await;
    let (_, session) = api_login(&client, &server, &number, applicant.field("password")).await;
    let token = session["token"].as_str().unwrap().to_owned();
    let end = today_wib() + time::Duration::days(10);
    set_valid_until(&server, &number, end).await;

    let mut racing = Vec::new();
    for attempt in 0..12 {
        let client = client.clone();
        let url = server.url("/api/v1/me/renewals");
        let token = token.clone();
        racing.push(tokio::spawn(async move {
            let response = client
                .post(url)
                .bearer_auth(token)
                .header("Idempotency-Key", format!("otomatis-{attempt}"))
                .json(&json!({ "phone": format!("0813 5555 {attempt:04}") }))
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            (attempt, status, response.json::<Value>().await.unwrap())
        }));
    }
    let mut approved = 0;
    let mut winner = None;
    for task in racing {
        let (attempt, status, body) = task.await.unwrap();
        match status {
            201 => {
                assert_eq!(body["approved"], true, "{body}");
                approved += 1;
                winner = Some(attempt);
            }
            409 | 422 => {}
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(approved, 1);
    let (_, body) = me(&client, &server, &token).await;
    let once = raline_domain::Term::Years(1).add_to(end);
    assert_eq!(body["valid_until"], once.to_string(), "{body}");
    assert_eq!(body["renewals"].as_array().unwrap().len(), 1, "{body}");
    // Only the renewal that was stored changed the contact details.
    let winner = winner.unwrap();
    assert_eq!(body["phone"], format!("0813 5555 {winner:04}"), "{body}");
}
