//! Register → approve → card e-mail, and a member's renewal, through real pages in headless
//! Chromium with a phone-sized viewport, against the real binary, a real SQLite file and a
//! real SMTP server.
//!
//! With `RALINE_SCREENSHOTS=1` the tests also write the screenshots `docs/img/form-mobile.png`
//! (the filled form before the first submit), `docs/img/status-mobile.png` (the approved
//! status page) and `docs/img/account-mobile.png` (the member page after a renewal) that the
//! README shows.

mod support;

#[path = "support/browser.rs"]
mod browser;

use std::path::{Path, PathBuf};
use std::time::Duration;

use browser::{Chromedriver, PHONE_WIDTH};
use fantoccini::elements::Element;
use fantoccini::{Client, Locator};
use mail_parser::MimeHeaders;
use serde_json::json;
use support::{Server, ServerOptions, SmtpServer};

/// Maximum wait for an element after a click or page load.
const ELEMENT_TIMEOUT: Duration = Duration::from_secs(20);

/// Maximum wait for the outbox worker to send the card e-mail.
const MAIL_TIMEOUT: Duration = Duration::from_secs(60);

const STAFF_USERNAME: &str = "petugas";
const STAFF_PASSWORD: &str = "kata-sandi-petugas";

/// A synthetic applicant: the NIK encodes a woman (day 05 + 40) born on 1990-05-05 in
/// Kota Mojokerto (35.76).
const NIK: &str = "3576014505900001";
const BIRTH_DATE: &str = "1990-05-05";
const FULL_NAME: &str = "Rina Peramban Lestari";
const EMAIL: &str = "peramban@example.id";
const APPLICANT_PASSWORD: &str = "Peramban-123";
/// Too short: a mobile number has 9 to 12 digits after the leading 0, and this one has 4.
const SHORT_PHONE: &str = "08123";
const PHONE: &str = "0812-3456-7890";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn phone_browser_registers_and_staff_approves() {
    let smtp = SmtpServer::start();
    let server = Server::start(ServerOptions {
        smtp_url: Some(smtp.url()),
        ..Default::default()
    });
    let added = server.run(
        &[
            "staff",
            "add",
            "--username",
            STAFF_USERNAME,
            "--role",
            "verifier",
        ],
        Some(&format!("{STAFF_PASSWORD}\n")),
    );
    assert!(
        added.status.success(),
        "staff add failed: {}",
        String::from_utf8_lossy(&added.stderr)
    );

    let mut driver = Chromedriver::start();
    let client = driver.connect().await;

    // Landing page → form, in a viewport as wide as a small phone.
    client.goto(&server.url("/")).await.unwrap();
    let viewport_width = client
        .execute("return window.innerWidth", vec![])
        .await
        .unwrap();
    assert_eq!(
        viewport_width,
        json!(PHONE_WIDTH),
        "viewport width in CSS pixels"
    );
    wait_for(&client, "a.button[href='/daftar']")
        .await
        .click()
        .await
        .unwrap();
    wait_for(&client, "form[action='/daftar']").await;
    assert_eq!(client.current_url().await.unwrap().path(), "/daftar");

    // First submit: every field filled, both files attached, the phone number too short.
    fill_form(&client, SHORT_PHONE).await;
    let photo = fixture("photo.jpg");
    let identity_document = fixture("letter.pdf");
    wait_for(&client, "#photo")
        .await
        .send_keys(&photo.display().to_string())
        .await
        .unwrap();
    wait_for(&client, "#identity_document")
        .await
        .send_keys(&identity_document.display().to_string())
        .await
        .unwrap();
    save_screenshot(&client, "form-mobile.png").await;
    submit(&client).await;

    let phone_error = wait_for(&client, "#phone-error")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        phone_error.contains("Jumlah digit nomor HP tidak sesuai"),
        "phone error: {phone_error:?}"
    );
    let summary = wait_for(&client, ".notice.error")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        summary.contains("Ada 1 isian"),
        "only the phone number should be wrong, summary: {summary:?}"
    );
    let phone_invalid = wait_for(&client, "#phone")
        .await
        .attr("aria-invalid")
        .await
        .unwrap();
    assert_eq!(phone_invalid.as_deref(), Some("true"));

    // What the applicant typed and uploaded is still there.
    assert_eq!(input_value(&client, "#full_name").await, FULL_NAME);
    assert_eq!(input_value(&client, "#email").await, EMAIL);
    assert_eq!(input_value(&client, "#birth_date").await, BIRTH_DATE);
    assert_eq!(input_value(&client, "#identity_number").await, NIK);
    for slot in ["photo", "identity_document"] {
        let note = kept_upload_note(&client, slot).await;
        assert!(
            note.contains("Berkas sudah diterima"),
            "{slot} upload note: {note:?}"
        );
    }

    // Second submit: only the phone number corrected, no file attached again.
    for slot in ["photo", "identity_document"] {
        let selector = format!("#{slot}");
        assert_eq!(
            input_value(&client, &selector).await,
            "",
            "{slot} input is empty"
        );
    }
    let phone = wait_for(&client, "#phone").await;
    phone.clear().await.unwrap();
    phone.send_keys(PHONE).await.unwrap();
    submit(&client).await;

    let registration_number = wait_for(&client, "dl.facts dd strong")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        registration_number.starts_with("REG-"),
        "registration number: {registration_number:?}"
    );
    let submitted_url = client.current_url().await.unwrap();
    assert!(
        submitted_url.path().starts_with("/status/"),
        "after submit: {submitted_url}"
    );
    assert_eq!(submitted_url.query(), Some("baru=1"));
    let status_path = submitted_url.path().to_owned();
    let status_link = input_value(&client, "#status-link").await;
    assert!(
        status_link.ends_with(&status_path),
        "status link {status_link:?} should end with {status_path:?}"
    );
    assert_eq!(badge_text(&client, "submitted").await, "Diajukan");

    // Staff log in, open the application from the queue and approve it.
    client.goto(&server.url("/staf/masuk")).await.unwrap();
    wait_for(&client, "#username")
        .await
        .send_keys(STAFF_USERNAME)
        .await
        .unwrap();
    wait_for(&client, "#password")
        .await
        .send_keys(STAFF_PASSWORD)
        .await
        .unwrap();
    submit(&client).await;
    wait_for(&client, "table.queue").await;
    client
        .wait()
        .at_most(ELEMENT_TIMEOUT)
        .for_element(Locator::LinkText(&registration_number))
        .await
        .unwrap_or_else(|error| panic!("{registration_number} not in the queue: {error}"))
        .click()
        .await
        .unwrap();
    let approve = wait_for(&client, "button[name=action][value=approve]").await;
    let detail = wait_for(&client, "main").await.text().await.unwrap();
    assert!(
        detail.contains("5 Mei 1990"),
        "staff should see the birth date {BIRTH_DATE} as stored: {detail:?}"
    );
    approve.click().await.unwrap();

    let issued = wait_for(&client, ".notice.success")
        .await
        .text()
        .await
        .unwrap();
    let member_number = eleven_digit_number(&issued)
        .unwrap_or_else(|| panic!("no 11-digit member number in {issued:?}"));
    assert_eq!(badge_text(&client, "approved").await, "Disetujui");

    // The outbox worker e-mails the address verification link (at registration) and the
    // card to the applicant.
    let messages = smtp.wait_for_messages(2, MAIL_TIMEOUT);
    assert_eq!(
        messages.len(),
        2,
        "verification and card e-mails within {} s\nserver log:\n{}\nSMTP log:\n{}",
        MAIL_TIMEOUT.as_secs(),
        server.log(),
        smtp.log()
    );
    let card_mail = messages
        .iter()
        .find(|raw| support::parse_mail(raw).attachments().next().is_some())
        .expect("a card e-mail with an attachment");
    let mail = support::parse_mail(card_mail);
    let to = mail
        .to()
        .and_then(|to| to.first())
        .and_then(|address| address.address())
        .unwrap_or_default();
    assert_eq!(to, EMAIL);
    let attachment = mail.attachments().next().expect("card PDF attached");
    let attachment_name = attachment.attachment_name().unwrap_or_default();
    assert!(
        attachment_name.contains(&member_number),
        "attachment name {attachment_name:?} should contain {member_number}"
    );
    assert!(
        attachment_name.ends_with(".pdf"),
        "attachment name {attachment_name:?}"
    );
    let content_type = attachment
        .content_type()
        .map(|kind| format!("{}/{}", kind.ctype(), kind.subtype().unwrap_or_default()));
    assert_eq!(content_type.as_deref(), Some("application/pdf"));
    assert!(attachment.contents().starts_with(b"%PDF-"));

    // The applicant's status link now shows the approval and the card download.
    client.goto(&server.url(&status_path)).await.unwrap();
    assert_eq!(badge_text(&client, "approved").await, "Disetujui");
    let status_text = wait_for(&client, "main").await.text().await.unwrap();
    assert!(
        status_text.contains(&member_number),
        "status page should show {member_number}: {status_text:?}"
    );
    let card_href = format!("{status_path}/kartu.pdf");
    wait_for(&client, &format!("a[href='{card_href}']")).await;
    let card = reqwest::get(server.url(&card_href)).await.unwrap();
    assert_eq!(card.status(), 200, "GET {card_href}");
    assert!(card.bytes().await.unwrap().starts_with(b"%PDF-"));
    save_screenshot(&client, "status-mobile.png").await;

    client.close().await.unwrap();
}

/// With the full region table, the form's script fills each list after the one above it is
/// chosen, and the "Tampilkan pilihan" buttons are hidden.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn phone_browser_fills_region_lists_in_place() {
    let mut server = Server::start(ServerOptions::default());
    support::import_regions(&mut server);
    let mut driver = Chromedriver::start();
    let client = driver.connect().await;

    client.goto(&server.url("/daftar")).await.unwrap();
    type_into(&client, "#full_name", FULL_NAME).await;
    let refresh_shown = client
        .execute(
            "return getComputedStyle(document.querySelector('.region-refresh')).display",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        refresh_shown,
        json!("none"),
        "the script hides the refresh buttons"
    );

    for (select, value, next, expected) in [
        ("#province_code", "35", "#regency_code", "35.76"),
        ("#regency_code", "35.76", "#district_code", "35.76.03"),
        (
            "#district_code",
            "35.76.03",
            "#village_code",
            "35.76.03.1002",
        ),
    ] {
        choose(&client, select, value).await;
        let option = format!("{next} option[value='{expected}']");
        wait_for(&client, &option).await;
    }
    choose(&client, "#village_code", "35.76.03.1002").await;
    assert_eq!(input_value(&client, "#full_name").await, FULL_NAME);

    // Changing the province empties the lists below it. Papua (91) is in both the full table
    // and the project's small sample.
    choose(&client, "#province_code", "91").await;
    let villages = client
        .execute(
            "return document.querySelectorAll('#village_code option').length",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(villages, json!(1), "only the placeholder is left");

    client.close().await.unwrap();
}

/// Fills every required field as a person would: typing into inputs, choosing options and
/// ticking the consent box. The files are attached separately.
async fn fill_form(client: &Client, phone: &str) {
    choose(client, "#identity_type", "ktp").await;
    type_into(client, "#identity_number", NIK).await;
    type_into(client, "#email", EMAIL).await;
    type_into(client, "#password", APPLICANT_PASSWORD).await;
    type_into(client, "#password_confirmation", APPLICANT_PASSWORD).await;
    type_into(client, "#full_name", FULL_NAME).await;
    type_into(client, "#mother_maiden_name", "Sri Contoh").await;
    type_into(client, "#birth_place", "Mojokerto").await;
    set_date(client, "#birth_date", BIRTH_DATE).await;
    choose(client, "#sex", "female").await;
    choose(client, "#occupation", "Guru").await;
    choose(client, "#education", "S1").await;
    type_into(client, "#address", "Jl. Contoh No. 1").await;
    type_into(client, "#rt", "001").await;
    type_into(client, "#rw", "002").await;
    type_into(client, "#village", "Kauman").await;
    type_into(client, "#district", "Prajuritkulon").await;
    choose(client, "#regency_code", "35.76").await;
    type_into(client, "#phone", phone).await;
    choose(client, "#member_type", "umum").await;

    let consent = wait_for(client, "#consent").await;
    consent.click().await.unwrap();
    assert!(consent.is_selected().await.unwrap(), "consent box ticked");
}

/// A member whose card ends in 10 days logs in on a phone, renews, staff approve on their
/// page, and the renewed card arrives by e-mail with the new end date.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn phone_member_renews_and_staff_approve() {
    let smtp = SmtpServer::start();
    let server = Server::start(ServerOptions {
        smtp_url: Some(smtp.url()),
        ..Default::default()
    });
    let api = reqwest::Client::new();
    let staff_token = server.staff_token(STAFF_USERNAME, STAFF_PASSWORD);
    let applicant = support::load_applicants_from(&support::fixtures_dir(), "applicants.jsonl")
        .into_iter()
        .find(|applicant| applicant.case() == "fixture-resident")
        .expect("fixture-resident");
    let number = support::register_member(&api, &server, &staff_token, &applicant).await;
    let end = support::today_wib() + time::Duration::days(10);
    support::set_valid_until(&server, &number, end).await;
    let renewed_until = end + time::Duration::days(365);

    let mut driver = Chromedriver::start();
    let client = driver.connect().await;

    // The member logs in: the page shows the virtual card and the renewal offer.
    client.goto(&server.url("/akun/masuk")).await.unwrap();
    type_into(&client, "#login", &number).await;
    type_into(&client, "#password", applicant.field("password")).await;
    submit(&client).await;
    let card = wait_for(&client, ".virtual-card")
        .await
        .text()
        .await
        .unwrap();
    assert!(card.contains(&number), "{card}");
    assert!(card.contains(&support::indonesian_date(end)), "{card}");
    let barcode_width = client
        .execute(
            "return document.querySelector('.virtual-card-barcode svg').getBoundingClientRect().width",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        barcode_width.as_f64().unwrap_or(0.0) >= 250.0,
        "the barcode fills the phone's width: {barcode_width}"
    );
    wait_for(&client, "a.button.primary[href='/akun/perpanjang']")
        .await
        .click()
        .await
        .unwrap();

    // The renewal form quotes the new end date and keeps the contact details.
    let quote = wait_for(&client, ".notice.success")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        quote.contains(&support::indonesian_date(renewed_until)),
        "{quote}"
    );
    assert_eq!(
        input_value(&client, "#email").await,
        applicant.field("email")
    );
    submit(&client).await;
    let submitted = wait_for(&client, ".notice.success")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        submitted.contains("Pengajuan perpanjangan terkirim"),
        "{submitted}"
    );
    assert_eq!(badge_text(&client, "submitted").await, "Diajukan");

    // Staff approve it from the renewal queue.
    client.goto(&server.url("/staf/masuk")).await.unwrap();
    type_into(&client, "#username", STAFF_USERNAME).await;
    type_into(&client, "#password", STAFF_PASSWORD).await;
    submit(&client).await;
    client
        .goto(&server.url("/staf/perpanjangan"))
        .await
        .unwrap();
    client
        .wait()
        .at_most(ELEMENT_TIMEOUT)
        .for_element(Locator::LinkText(&number))
        .await
        .unwrap_or_else(|error| panic!("{number} not in the renewal queue: {error}"))
        .click()
        .await
        .unwrap();
    let detail = wait_for(&client, "main").await.text().await.unwrap();
    assert!(
        detail.contains(&support::indonesian_date(renewed_until)),
        "staff see the new end date before approving: {detail}"
    );
    wait_for(&client, "button[name=action][value=approve]")
        .await
        .click()
        .await
        .unwrap();
    wait_for(&client, ".badge.status-approved").await;

    // The renewed card arrives by e-mail with the new end date.
    let mail = support::wait_for_mail(&smtp, "Perpanjangan disetujui", 0);
    let text = support::pdf_text(&support::attached_pdf(&mail));
    assert!(
        text.contains(&support::indonesian_date(renewed_until)),
        "{text}"
    );
    assert!(text.contains(&number), "{text}");

    // The member page shows the new end date.
    client.goto(&server.url("/akun")).await.unwrap();
    let card = wait_for(&client, ".virtual-card")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        card.contains(&support::indonesian_date(renewed_until)),
        "{card}"
    );
    save_screenshot(&client, "account-mobile.png").await;
    client.close().await.unwrap();
}

async fn wait_for(client: &Client, selector: &str) -> Element {
    let found = client
        .wait()
        .at_most(ELEMENT_TIMEOUT)
        .for_element(Locator::Css(selector))
        .await;
    match found {
        Ok(element) => element,
        Err(error) => {
            let page = describe_page(client).await;
            panic!("{selector} did not appear within {ELEMENT_TIMEOUT:?}: {error}\n{page}")
        }
    }
}

/// Reads the URL and the start of the visible text of the current page, for failure messages.
/// Chromium's own error pages (such as "HTTP ERROR 403" for an empty response) show here.
async fn describe_page(client: &Client) -> String {
    let url = match client.current_url().await {
        Ok(url) => url.to_string(),
        Err(error) => format!("(URL unavailable: {error})"),
    };
    let text = client
        .execute(
            "return document.body ? document.body.innerText : ''",
            vec![],
        )
        .await
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default();
    let start: String = text.chars().take(600).collect();
    format!("page {url} shows:\n{start}")
}

async fn type_into(client: &Client, selector: &str, text: &str) {
    let input = wait_for(client, selector).await;
    input.clear().await.unwrap();
    input.send_keys(text).await.unwrap();
    assert_eq!(
        input_value(client, selector).await,
        text,
        "typed into {selector}"
    );
}

async fn choose(client: &Client, selector: &str, value: &str) {
    let select = wait_for(client, selector).await;
    select.select_by_value(value).await.unwrap();
    assert_eq!(
        input_value(client, selector).await,
        value,
        "chosen in {selector}"
    );
}

/// Sets an `<input type=date>` through its `value`, because the keys Chromium expects
/// depend on the browser's locale. The events are those a date picker fires.
async fn set_date(client: &Client, selector: &str, date: &str) {
    let input = wait_for(client, selector).await;
    let element = serde_json::to_value(&input).unwrap();
    client
        .execute(
            "const [input, date] = arguments;
             input.value = date;
             input.dispatchEvent(new Event('input', { bubbles: true }));
             input.dispatchEvent(new Event('change', { bubbles: true }));",
            vec![element, json!(date)],
        )
        .await
        .unwrap();
    assert_eq!(
        input_value(client, selector).await,
        date,
        "date in {selector}"
    );
}

async fn input_value(client: &Client, selector: &str) -> String {
    wait_for(client, selector)
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

/// Clicks the form's main submit button (the form has others, such as the statement letter
/// download) and waits until the browser has left the current page.
async fn submit(client: &Client) {
    let button = wait_for(client, "form button.primary[type=submit]").await;
    button.click().await.unwrap();
    // A reference to the old button goes stale once the next page has loaded.
    let deadline = std::time::Instant::now() + ELEMENT_TIMEOUT;
    while button.is_displayed().await.is_ok() {
        assert!(
            std::time::Instant::now() < deadline,
            "the page did not change within {ELEMENT_TIMEOUT:?} after submit"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Text of the "file already received" note shown above an upload field, or "" without one.
async fn kept_upload_note(client: &Client, slot: &str) -> String {
    let xpath = format!("//input[@id='{slot}']/preceding-sibling::p[contains(@class, 'kept')]");
    match client.find(Locator::XPath(&xpath)).await {
        Ok(note) => note.text().await.unwrap(),
        Err(_) => String::new(),
    }
}

async fn badge_text(client: &Client, status: &str) -> String {
    wait_for(client, &format!(".badge.status-{status}"))
        .await
        .text()
        .await
        .unwrap()
}

/// Finds the first run of exactly 11 digits in `text`, the length of a member number.
fn eleven_digit_number(text: &str) -> Option<String> {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|run| run.len() == 11)
        .map(str::to_owned)
}

fn fixture(name: &str) -> PathBuf {
    let path = support::fixtures_dir().join(name);
    path.canonicalize()
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// Saves a PNG of the top of the page, scrolled to the top, as seen on a phone screen.
async fn save_screenshot(client: &Client, name: &str) {
    client
        .execute("window.scrollTo(0, 0)", vec![])
        .await
        .unwrap();
    let png = client.screenshot().await.unwrap();
    assert!(png.starts_with(b"\x89PNG"), "screenshot is not a PNG");
    if std::env::var_os("RALINE_SCREENSHOTS").is_none() {
        return;
    }
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/img");
    std::fs::create_dir_all(&folder).unwrap();
    let path = folder.join(name);
    std::fs::write(&path, png).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
}
