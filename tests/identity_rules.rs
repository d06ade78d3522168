//! Identity, region and duplicate rules through the real binary: the region import, the
//! findings staff see, an existing member sent to renewal, e-Meterai serials and the
//! statement letter.

mod support;

use serde_json::{Value, json};
use support::{Applicant, Server, ServerOptions, fixtures_dir, load_applicants_from, pdf_text};

/// Starts a server with the region table imported.
fn server_with_regions() -> Server {
    let mut server = Server::start(ServerOptions::default());
    support::import_regions(&mut server);
    server
}

fn fixture(case: &str) -> Applicant {
    load_applicants_from(&fixtures_dir(), "applicants.jsonl")
        .into_iter()
        .find(|applicant| applicant.case() == case)
        .unwrap_or_else(|| panic!("no fixture {case}"))
}

/// Returns the applicant with some fields replaced.
fn changed(mut applicant: Applicant, fields: Value) -> Applicant {
    for (key, value) in fields.as_object().unwrap() {
        applicant.record[key] = value.clone();
    }
    applicant
}

async fn post_application(
    client: &reqwest::Client,
    server: &Server,
    applicant: &Applicant,
) -> (u16, Value) {
    let response = client
        .post(server.url("/api/v1/applications"))
        .multipart(applicant.form())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

async fn submit(client: &reqwest::Client, server: &Server, applicant: &Applicant) -> (i64, String) {
    let (status, body) = post_application(client, server, applicant).await;
    assert_eq!(status, 201, "{}: {body}", applicant.case());
    (
        body["id"].as_i64().unwrap(),
        body["status_token"].as_str().unwrap().to_owned(),
    )
}

async fn detail(client: &reqwest::Client, server: &Server, staff: &str, id: i64) -> Value {
    client
        .get(server.url(&format!("/api/v1/staff/applications/{id}")))
        .bearer_auth(staff)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn finding_codes(detail: &Value) -> Vec<String> {
    detail["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["code"].as_str().unwrap().to_owned())
        .collect()
}

fn finding_keys(detail: &Value) -> Vec<String> {
    detail["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["key"].as_str().unwrap().to_owned())
        .collect()
}

async fn approve(
    client: &reqwest::Client,
    server: &Server,
    staff: &str,
    id: i64,
    body: Value,
) -> (u16, Value) {
    let response = client
        .post(server.url(&format!("/api/v1/staff/applications/{id}/approve")))
        .bearer_auth(staff)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regions_duplicates_and_existing_members() {
    let server = server_with_regions();
    let client = reqwest::Client::new();
    let staff = server.staff_token("petugas", "kata-sandi-petugas");

    // The imported table serves the cascading lists.
    let districts: Value = client
        .get(server.url("/api/v1/regions?parent=35.76"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(districts["complete"], true);
    let names: Vec<&str> = districts["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|region| region["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Prajuritkulon", "Magersari", "Kranggan"]);
    let bad = client
        .get(server.url("/api/v1/regions?parent=35x"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);

    // A village that is not in the table is rejected, naming the field.
    let unknown_village = changed(
        fixture("fixture-resident"),
        json!({"village_code": "35.76.01.1999", "email": "lain@example.id"}),
    );
    let (status, body) = post_application(&client, &server, &unknown_village).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["field"], "village_code");
    assert_eq!(body["errors"][0]["code"], "region_unknown");

    // An approved member who registers again is sent to renewal.
    let resident = fixture("fixture-resident");
    let (member_app, _) = submit(&client, &server, &resident).await;
    let (status, body) = approve(&client, &server, &staff, member_app, json!({})).await;
    assert_eq!(status, 200, "{body}");
    let again = changed(resident.clone(), json!({"email": "baru@example.id"}));
    let (status, body) = post_application(&client, &server, &again).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["field"], "identity_number");
    assert_eq!(body["errors"][0]["code"], "existing_member");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("perpanjang"),
        "{body}"
    );

    // Same e-mail and phone as another application: staff see both, with a link.
    let first = fixture("fixture-nik-date-differs");
    let (first_id, _) = submit(&client, &server, &first).await;
    let sharing = changed(
        fixture("fixture-minor-guardian"),
        json!({"email": first.field("email"), "phone": first.field("phone")}),
    );
    let (sharing_id, _) = submit(&client, &server, &sharing).await;
    let sharing_detail = detail(&client, &server, &staff, sharing_id).await;
    let codes = finding_codes(&sharing_detail);
    assert!(codes.contains(&"duplicate_email".to_owned()), "{codes:?}");
    assert!(codes.contains(&"duplicate_phone".to_owned()), "{codes:?}");
    let linked = sharing_detail["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|finding| finding["code"] == "duplicate_phone")
        .unwrap();
    assert_eq!(linked["other_application_id"], first_id);
    assert!(!linked["check"].as_str().unwrap().is_empty());

    // The queue counts them too, so staff see duplicates before opening an application.
    let queue: Value = client
        .get(server.url("/api/v1/staff/applications?status=submitted"))
        .bearer_auth(&staff)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let row = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["id"] == sharing_id)
        .unwrap();
    assert_eq!(row["duplicate_count"], 2, "{row}");

    // An approval acknowledging fewer findings than there are is rejected. With all of them it
    // goes through.
    let (status, body) = approve(
        &client,
        &server,
        &staff,
        sharing_id,
        json!({"acknowledged_findings": [format!("duplicate_email:{first_id}")]}),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"]["code"], "findings_changed");
    let (status, body) = approve(
        &client,
        &server,
        &staff,
        sharing_id,
        json!({"acknowledged_findings": finding_keys(&sharing_detail)}),
    )
    .await;
    assert_eq!(status, 200, "{body}");

    // Two open applications of one person approved at once: one member, one refusal.
    let twin = |email: &str| {
        changed(
            fixture("fixture-resident"),
            json!({"identity_number": "3576014505900077", "email": email}),
        )
    };
    let (left, _) = submit(&client, &server, &twin("kiri@example.id")).await;
    let (right, _) = submit(&client, &server, &twin("kanan@example.id")).await;
    let (a, b) = tokio::join!(
        approve(&client, &server, &staff, left, json!({})),
        approve(&client, &server, &staff, right, json!({}))
    );
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{a:?} {b:?}");
    let rejected_approval = if a.0 == 409 { &a.1 } else { &b.1 };
    assert_eq!(
        rejected_approval["error"]["code"],
        "identity_already_member"
    );
}

#[tokio::test]
async fn reused_form_key_needs_the_same_password() {
    let server = Server::start(ServerOptions::default());
    let client = reqwest::Client::new();
    let applicant = fixture("fixture-resident");
    let send = |applicant: &Applicant| {
        client
            .post(server.url("/api/v1/applications"))
            .header("Idempotency-Key", "kunci-kios-1")
            .multipart(applicant.form())
            .send()
    };
    let first = send(&applicant).await.unwrap();
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();

    // The same person retrying gets the same application back.
    let retry = send(&applicant).await.unwrap();
    assert_eq!(retry.status(), 200);
    let retry: Value = retry.json().await.unwrap();
    assert_eq!(retry["status_token"], first["status_token"]);

    // Someone else with the same key, NIK and e-mail but not the password gets nothing.
    let other = changed(applicant, json!({"password": "Tebakan-999"}));
    let rejected = send(&other).await.unwrap();
    assert_eq!(rejected.status(), 409);
    let body: Value = rejected.json().await.unwrap();
    assert!(body.get("status_token").is_none(), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statement_letters_and_emeterai() {
    let server = server_with_regions();
    let client = reqwest::Client::new();
    let staff = server.staff_token("petugas", "kata-sandi-petugas");

    // Two outside residents upload letters carrying the same e-Meterai.
    let signed = |case_email: &str, nik: &str| {
        let mut applicant = changed(
            fixture("fixture-outside-unicode"),
            json!({"email": case_email, "identity_number": nik, "phone": "0813-5555-0000"}),
        );
        applicant.record["files"]["statement_letter"] = json!("letter-emeterai.pdf");
        applicant
    };
    let (first, token) = submit(
        &client,
        &server,
        &signed("satu@example.id", "3516011203850012"),
    )
    .await;
    let (second, _) = submit(
        &client,
        &server,
        &signed("dua@example.id", "3516011203850013"),
    )
    .await;

    let first_detail = detail(&client, &server, &staff, first).await;
    assert_eq!(first_detail["domicile"], "outside");
    assert_eq!(
        first_detail["emeterai_serials"],
        json!(["1029384756102938475610"])
    );
    let second_detail = detail(&client, &server, &staff, second).await;
    let reused = second_detail["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|finding| finding["code"] == "emeterai_serial_reused")
        .unwrap_or_else(|| panic!("{second_detail}"));
    assert_eq!(reused["other_application_id"], first);

    // The status page offers the pre-filled letter with the applicant's data.
    let letter = client
        .get(server.url(&format!("/status/{token}/surat-pernyataan.pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(letter.status(), 200);
    let text = pdf_text(&letter.bytes().await.unwrap());
    let applicant = fixture("fixture-outside-unicode");
    assert!(text.contains("SURAT PERNYATAAN"), "{text}");
    assert!(text.contains("3516011203850012"), "{text}");
    assert!(text.contains(applicant.field("full_name")), "{text}");
    assert!(text.contains("Jembul"), "{text}");
    assert!(text.contains("Meterai Rp10.000"), "{text}");

    // The form's download button posts the fields typed so far.
    let form_letter = client
        .post(server.url("/daftar/surat-pernyataan.pdf"))
        .header("Origin", &server.base_url)
        .form(&[
            ("full_name", "Budi Contoh"),
            ("identity_number", "3516010101900001"),
            ("village_code", "35.16.01.2003"),
            ("address", "Dusun Jembul"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(form_letter.status(), 200);
    let text = pdf_text(&form_letter.bytes().await.unwrap());
    assert!(text.contains("Budi Contoh"), "{text}");
    assert!(text.contains("Kabupaten Mojokerto"), "{text}");
}

#[tokio::test]
async fn cascading_region_lists_without_javascript() {
    let server = server_with_regions();
    let client = reqwest::Client::new();

    let blank = client
        .get(server.url("/daftar"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        blank.contains("name=\"province_code\""),
        "the form lists provinces"
    );
    // minijinja writes the slash of the action as `&#x2f;`, which browsers read as `/`.
    // The page comes back scrolled to the lists.
    assert!(blank.contains("daftar/wilayah#regions\""));

    // Choosing a regency and pressing "Tampilkan pilihan" opens its districts, keeping what
    // was typed.
    let key = "a".repeat(64);
    let page = client
        .post(server.url("/daftar/wilayah"))
        .header("Origin", &server.base_url)
        .form(&[
            ("submission_key", key.as_str()),
            ("full_name", "Siti Contoh"),
            ("province_code", "35"),
            ("regency_code", "35.76"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("value=\"Siti Contoh\""));
    assert!(
        html.contains("<option value=\"35.76.03\">Kranggan</option>"),
        "districts listed"
    );
    assert!(html.contains(&key), "the same form key is kept");
}
