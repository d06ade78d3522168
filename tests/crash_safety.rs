//! Crash safety of the real `raline` binary with its SQLite file: the process is killed with
//! SIGKILL while submissions, approvals and card e-mails are in progress, then restarted on the
//! same port and data. Accepted applications must survive complete, every approval must issue
//! exactly one member, and every member must receive exactly one card e-mail through a real
//! aiosmtpd server.

mod support;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use mail_parser::MimeHeaders;
use reqwest::StatusCode;
use serde_json::Value;
use support::{Applicant, Server, ServerOptions, SmtpServer, load_applicants};
use tokio::sync::{Semaphore, mpsc};

/// Applications submitted through the API. The first kill cuts some of them off, and those are
/// retried with their `Idempotency-Key` after the restart.
const SUBMISSIONS: usize = 40;
const SUBMISSIONS_IN_FLIGHT: usize = 6;
/// The server is killed as soon as this many submissions have returned 201.
const KILL_AFTER_SUBMISSIONS: usize = 15;
const APPROVALS_IN_FLIGHT: usize = 4;
/// The server is killed as soon as this many approvals have returned 200.
const KILL_AFTER_APPROVALS: usize = SUBMISSIONS / 3;
/// Card e-mails that must arrive after the approvals before the outbox is killed mid-delivery.
const CARDS_BEFORE_DELIVERY_KILL: usize = 3;
/// Maximum time of one HTTP request, so that a hung server fails the test instead of blocking it.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// Time after the last card e-mail in which no further copy may arrive.
const SETTLE_TIME: Duration = Duration::from_secs(5);
/// Extra time, beyond the outbox lease, for the outbox to deliver every card after the last
/// restart.
const DELIVERY_MARGIN: Duration = Duration::from_secs(60);

/// One API submission: an applicant's form with an e-mail address and idempotency key of its
/// own, because the same applicant data is used more than once.
struct Submission {
    applicant: Applicant,
    email: String,
    idempotency_key: String,
}

impl Submission {
    /// Upload slots the form sends, which a complete application must list.
    fn upload_slots(&self) -> BTreeSet<String> {
        self.applicant.record["files"]
            .as_object()
            .map(|files| files.keys().cloned().collect())
            .unwrap_or_default()
    }
}

#[derive(Debug)]
enum SubmitOutcome {
    /// 201: the server stored a new application.
    Created { id: i64, status_token: String },
    /// 200: the `Idempotency-Key` was used before and the first application is returned.
    Existing { id: i64, status_token: String },
    /// The connection failed before a complete response arrived.
    CutOff(String),
    /// Any other response, or a timeout.
    Unexpected(String),
}

#[derive(Debug)]
enum ApproveOutcome {
    Approved { member_number: String },
    CutOff(String),
    Unexpected(String),
}

fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .build()
        .expect("build the HTTP client")
}

/// Returns applicant `index`, cycling through the list. A repeated applicant gets another NIK
/// serial, because one person can be approved as a member only once. Applicants registered
/// with a parent's KTP keep that NIK, because siblings may share one.
fn distinct_person(applicants: &[Applicant], index: usize) -> Applicant {
    let mut applicant = applicants[index % applicants.len()].clone();
    let repeated = index >= applicants.len();
    let own_number = applicant.record.get("guardian").is_none();
    if repeated && own_number {
        let number = applicant.field("identity_number").to_owned();
        if number.len() == 16 {
            let serial = format!("{:04}", 9000 + index % 1000);
            applicant.record["identity_number"] =
                Value::String(format!("{}{serial}", &number[..12]));
        }
    }
    applicant
}

/// Builds the multipart form of `applicant` like `Applicant::form`, with `email` in place of
/// the record's address.
fn submission_form(applicant: &Applicant, email: &str) -> reqwest::multipart::Form {
    let mut form = reqwest::multipart::Form::new();
    let record = applicant
        .record
        .as_object()
        .expect("an applicant record is a JSON object");
    for (key, value) in record {
        if matches!(
            key.as_str(),
            "case" | "files" | "expect" | "guardian" | "email"
        ) {
            continue;
        }
        let text = match value {
            Value::String(text) => text.clone(),
            Value::Bool(flag) => flag.to_string(),
            Value::Number(number) => number.to_string(),
            _ => continue,
        };
        form = form.text(key.clone(), text);
    }
    form = form.text("email", email.to_owned());

    if let Some(guardian) = record.get("guardian").and_then(Value::as_object) {
        for (key, value) in guardian {
            let text = value.as_str().unwrap_or_default().to_owned();
            form = form.text(format!("guardian_{key}"), text);
        }
    }
    if let Some(files) = record.get("files").and_then(Value::as_object) {
        for (slot, path) in files {
            let path = applicant
                .base
                .join(path.as_str().expect("a file path is a string"));
            let bytes = std::fs::read(&path)
                .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let part = reqwest::multipart::Part::bytes(bytes).file_name(name);
            form = form.part(slot.clone(), part);
        }
    }
    form
}

/// Describes a request cut off by a kill, with the error's causes, or returns `None` for a
/// timeout, which means a hung server rather than a dead one.
fn request_failure(error: &reqwest::Error) -> Option<String> {
    if error.is_timeout() {
        return None;
    }
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    Some(message)
}

/// Counts the distinct errors of cut-off requests, for the progress output.
fn summarize_errors<'a>(errors: impl Iterator<Item = &'a String>) -> String {
    let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for error in errors {
        // The URL differs per request; the causes after it are what matters.
        let cause = error
            .split_once(": ")
            .map_or(error.as_str(), |(_, cause)| cause);
        *counts.entry(cause).or_default() += 1;
    }
    counts
        .iter()
        .map(|(cause, count)| format!("{count} × {cause}"))
        .collect::<Vec<_>>()
        .join("; ")
}

async fn submit(
    client: reqwest::Client,
    url: String,
    submission: Arc<Submission>,
) -> SubmitOutcome {
    let form = submission_form(&submission.applicant, &submission.email);
    let sent = client
        .post(&url)
        .header("Idempotency-Key", &submission.idempotency_key)
        .multipart(form)
        .send()
        .await;
    let response = match sent {
        Ok(response) => response,
        Err(error) => {
            return match request_failure(&error) {
                Some(message) => SubmitOutcome::CutOff(message),
                None => SubmitOutcome::Unexpected(format!("POST {url} timed out: {error}")),
            };
        }
    };
    let status = response.status();
    let body = match response.text().await {
        Ok(body) => body,
        Err(error) => {
            return match request_failure(&error) {
                Some(message) => SubmitOutcome::CutOff(message),
                None => SubmitOutcome::Unexpected(format!("POST {url} timed out: {error}")),
            };
        }
    };
    if status != StatusCode::CREATED && status != StatusCode::OK {
        return SubmitOutcome::Unexpected(format!("POST {url} returned {status}: {body}"));
    }

    let json: Value = match serde_json::from_str(&body) {
        Ok(json) => json,
        Err(error) => {
            return SubmitOutcome::Unexpected(format!(
                "POST {url} returned {status} with invalid JSON ({error}): {body}"
            ));
        }
    };
    let (Some(id), Some(status_token)) = (json["id"].as_i64(), json["status_token"].as_str())
    else {
        return SubmitOutcome::Unexpected(format!(
            "POST {url} returned {status} without id or status_token: {body}"
        ));
    };
    let status_token = status_token.to_owned();
    if status == StatusCode::CREATED {
        SubmitOutcome::Created { id, status_token }
    } else {
        SubmitOutcome::Existing { id, status_token }
    }
}

async fn approve(client: reqwest::Client, url: String, staff_token: String) -> ApproveOutcome {
    let sent = client.post(&url).bearer_auth(&staff_token).send().await;
    let response = match sent {
        Ok(response) => response,
        Err(error) => {
            return match request_failure(&error) {
                Some(message) => ApproveOutcome::CutOff(message),
                None => ApproveOutcome::Unexpected(format!("POST {url} timed out: {error}")),
            };
        }
    };
    let status = response.status();
    let body = match response.text().await {
        Ok(body) => body,
        Err(error) => {
            return match request_failure(&error) {
                Some(message) => ApproveOutcome::CutOff(message),
                None => ApproveOutcome::Unexpected(format!("POST {url} timed out: {error}")),
            };
        }
    };
    if status != StatusCode::OK {
        return ApproveOutcome::Unexpected(format!("POST {url} returned {status}: {body}"));
    }
    let json: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    match json["member_number"].as_str() {
        Some(number) => ApproveOutcome::Approved {
            member_number: number.to_owned(),
        },
        None => ApproveOutcome::Unexpected(format!(
            "POST {url} returned 200 without member_number: {body}"
        )),
    }
}

/// Runs `jobs` with at most `in_flight` at a time and kills the server with SIGKILL as soon as
/// `kill_after` results satisfy `is_acknowledged`. Returns every result in job order. Jobs that
/// were in flight or not yet started at the kill return their connection error.
async fn run_and_kill<T, F>(
    server: &mut Server,
    jobs: Vec<F>,
    in_flight: usize,
    kill_after: usize,
    is_acknowledged: impl Fn(&T) -> bool,
) -> Vec<T>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let semaphore = Arc::new(Semaphore::new(in_flight));
    let (sender, mut receiver) = mpsc::unbounded_channel();
    let total = jobs.len();
    for (index, job) in jobs.into_iter().enumerate() {
        let semaphore = Arc::clone(&semaphore);
        let sender = sender.clone();
        tokio::spawn(async move {
            let _permit = semaphore
                .acquire_owned()
                .await
                .expect("the semaphore is never closed");
            let _ = sender.send((index, job.await));
        });
    }
    drop(sender);

    let mut results: Vec<Option<T>> = (0..total).map(|_| None).collect();
    let mut acknowledged = 0;
    let mut killed = false;
    while let Some((index, result)) = receiver.recv().await {
        if !killed && is_acknowledged(&result) {
            acknowledged += 1;
            if acknowledged == kill_after {
                server.kill();
                killed = true;
                eprintln!(
                    "killed the server with SIGKILL at {} after {acknowledged} acknowledged \
                     requests",
                    utc_now()
                );
            }
        }
        results[index] = Some(result);
    }
    assert!(
        killed,
        "only {acknowledged} of {total} requests were acknowledged, fewer than the {kill_after} \
         needed before the kill"
    );
    results
        .into_iter()
        .enumerate()
        .map(|(index, result)| result.unwrap_or_else(|| panic!("job {index} panicked")))
        .collect()
}

/// Sends a GET with a bearer token and returns the status and the JSON body.
async fn get_json(client: &reqwest::Client, url: &str, token: &str) -> (StatusCode, Value) {
    let response = client
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .unwrap_or_else(|error| panic!("GET {url} failed: {error}"));
    let status = response.status();
    let text = response
        .text()
        .await
        .unwrap_or_else(|error| panic!("GET {url} returned {status} but its body failed: {error}"));
    let json = serde_json::from_str(&text).unwrap_or_else(|error| {
        panic!("GET {url} returned {status} with a body that is not JSON ({error}): {text}")
    });
    (status, json)
}

/// Returns the current UTC time, to match progress output with the timestamps of the server's log.
fn utc_now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Returns the last `lines` lines of the server's log, for failure messages.
fn log_tail(server: &Server, lines: usize) -> String {
    let log = server.log();
    let all: Vec<&str> = log.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Ids in the staff queue of submitted applications, oldest first.
async fn submitted_ids(client: &reqwest::Client, server: &Server, staff: &str) -> Vec<i64> {
    let url = server.url("/api/v1/staff/applications?status=submitted&limit=500");
    let (status, list) = get_json(client, &url, staff).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "staff list: {list}\n{}",
        log_tail(server, 40)
    );
    let ids: Vec<i64> = list["items"]
        .as_array()
        .expect("the staff list has items")
        .iter()
        .map(|item| item["id"].as_i64().expect("a queue item has an id"))
        .collect();
    assert_eq!(
        list["total"].as_i64(),
        Some(ids.len() as i64),
        "the staff list total does not match its items: {list}"
    );
    ids
}

async fn staff_detail(client: &reqwest::Client, server: &Server, staff: &str, id: i64) -> Value {
    let url = server.url(&format!("/api/v1/staff/applications/{id}"));
    let (status, detail) = get_json(client, &url, staff).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "staff detail of application {id}: {detail}\n{}",
        log_tail(server, 40)
    );
    detail
}

/// Reads an application with a status token or a staff token.
async fn application_status(
    client: &reqwest::Client,
    server: &Server,
    token: &str,
    id: i64,
) -> Value {
    let url = server.url(&format!("/api/v1/applications/{id}"));
    let (status, body) = get_json(client, &url, token).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "status of application {id}: {body}\n{}",
        log_tail(server, 40)
    );
    assert_eq!(
        body["id"].as_i64(),
        Some(id),
        "status of application {id}: {body}"
    );
    body
}

/// Checks that a listed application is complete: it belongs to one of our submissions, has
/// every upload of that submission, and its photo file can be read. Returns the submission's
/// index.
async fn check_complete_application(
    client: &reqwest::Client,
    server: &Server,
    staff: &str,
    submissions: &[Arc<Submission>],
    id: i64,
) -> usize {
    let detail = staff_detail(client, server, staff, id).await;
    let email = detail["email"].as_str().unwrap_or_default();
    let index = submissions
        .iter()
        .position(|submission| submission.email == email)
        .unwrap_or_else(|| {
            panic!("application {id} has e-mail {email:?}, which no submission used")
        });
    assert_eq!(detail["status"], "submitted", "application {id}: {detail}");

    let uploads = detail["uploads"]
        .as_array()
        .expect("the staff detail has uploads");
    let slots: BTreeSet<String> = uploads
        .iter()
        .map(|upload| upload["slot"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        slots,
        submissions[index].upload_slots(),
        "application {id} is listed without all its uploads"
    );

    let photo = uploads
        .iter()
        .find(|upload| upload["slot"] == "photo")
        .expect("a listed application has its photo");
    let photo_id = photo["id"].as_i64().expect("an upload has an id");
    let url = server.url(&format!(
        "/api/v1/staff/applications/{id}/uploads/{photo_id}"
    ));
    let response = client
        .get(&url)
        .bearer_auth(staff)
        .send()
        .await
        .unwrap_or_else(|error| panic!("GET {url} failed: {error}"));
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "photo of application {id}"
    );
    let bytes = response.bytes().await.expect("read the photo");
    assert!(!bytes.is_empty(), "the photo of application {id} is empty");
    index
}

/// Submits everything with a kill in the middle, checks what survived, and retries the cut-off
/// submissions with their `Idempotency-Key`. Returns the application id and status token of
/// every submission, in submission order.
async fn submit_under_fire(
    server: &mut Server,
    staff: &str,
    submissions: &[Arc<Submission>],
) -> Vec<(i64, String)> {
    let client = http_client();
    let url = server.url("/api/v1/applications");
    let jobs: Vec<_> = submissions
        .iter()
        .map(|submission| submit(client.clone(), url.clone(), Arc::clone(submission)))
        .collect();
    let started = Instant::now();
    let outcomes = run_and_kill(
        server,
        jobs,
        SUBMISSIONS_IN_FLIGHT,
        KILL_AFTER_SUBMISSIONS,
        |outcome| matches!(outcome, SubmitOutcome::Created { .. }),
    )
    .await;

    let unexpected: Vec<String> = outcomes
        .iter()
        .enumerate()
        .filter_map(|(index, outcome)| match outcome {
            SubmitOutcome::Unexpected(message) => Some(format!("submission {index}: {message}")),
            SubmitOutcome::Existing { id, .. } => Some(format!(
                "submission {index}: 200 for a new Idempotency-Key (application {id})"
            )),
            _ => None,
        })
        .collect();
    assert!(
        unexpected.is_empty(),
        "unexpected answers to submissions:\n{}\n{}",
        unexpected.join("\n"),
        log_tail(server, 40)
    );
    let acknowledged: Vec<(usize, i64, String)> = outcomes
        .iter()
        .enumerate()
        .filter_map(|(index, outcome)| match outcome {
            SubmitOutcome::Created { id, status_token } => Some((index, *id, status_token.clone())),
            _ => None,
        })
        .collect();
    let cut_off: Vec<usize> = outcomes
        .iter()
        .enumerate()
        .filter(|(_, outcome)| matches!(outcome, SubmitOutcome::CutOff(_)))
        .map(|(index, _)| index)
        .collect();
    eprintln!(
        "submissions: {} acknowledged, {} cut off ({}), in {:.1} s",
        acknowledged.len(),
        cut_off.len(),
        summarize_errors(outcomes.iter().filter_map(|outcome| match outcome {
            SubmitOutcome::CutOff(error) => Some(error),
            _ => None,
        })),
        started.elapsed().as_secs_f64()
    );
    assert!(!cut_off.is_empty(), "the kill cut off no submission");

    server.restart();
    eprintln!("restarted after the submissions");
    let client = http_client();

    // Every acknowledged application is still there, readable with its status token.
    for (index, id, status_token) in &acknowledged {
        let body = application_status(&client, server, status_token, *id).await;
        assert_eq!(
            body["status"], "submitted",
            "acknowledged submission {index} (application {id}): {body}"
        );
    }

    // Everything listed is complete, and no submission was stored twice.
    let listed = submitted_ids(&client, server, staff).await;
    let mut listed_by_submission: HashMap<usize, i64> = HashMap::new();
    for &id in &listed {
        let index = check_complete_application(&client, server, staff, submissions, id).await;
        if let Some(earlier) = listed_by_submission.insert(index, id) {
            panic!("submission {index} is stored twice, as applications {earlier} and {id}");
        }
    }
    for (index, id, _) in &acknowledged {
        assert_eq!(
            listed_by_submission.get(index),
            Some(id),
            "acknowledged submission {index} (application {id}) is missing from the staff list"
        );
    }
    eprintln!(
        "after the restart: {} applications listed, all complete; {} of them were cut off \
         after the commit",
        listed.len(),
        listed.len() - acknowledged.len()
    );

    // A client retries a cut-off submission with the same Idempotency-Key: it gets the stored
    // application back (200) or stores it now (201), never a second copy.
    // NOTE: in runs on a 2-core machine no cut-off submission had been committed, so the 200
    // branch below has not run yet.
    let mut applications: Vec<Option<(i64, String)>> = vec![None; submissions.len()];
    for (index, id, status_token) in acknowledged {
        applications[index] = Some((id, status_token));
    }
    for index in cut_off {
        let outcome = submit(client.clone(), url.clone(), Arc::clone(&submissions[index])).await;
        let (id, status_token) = match (outcome, listed_by_submission.get(&index)) {
            (SubmitOutcome::Existing { id, status_token }, Some(&stored)) => {
                assert_eq!(
                    id, stored,
                    "retry of submission {index} returned another application"
                );
                (id, status_token)
            }
            (SubmitOutcome::Created { id, status_token }, None) => (id, status_token),
            (outcome, stored) => panic!(
                "retry of submission {index} (stored before: {stored:?}) returned {outcome:?}\n{}",
                log_tail(server, 40)
            ),
        };
        let body = application_status(&client, server, &status_token, id).await;
        assert_eq!(
            body["status"], "submitted",
            "retried submission {index}: {body}"
        );
        applications[index] = Some((id, status_token));
    }
    let applications: Vec<(i64, String)> = applications
        .into_iter()
        .map(|application| application.expect("every submission has an application"))
        .collect();

    let listed: BTreeSet<i64> = submitted_ids(&client, server, staff)
        .await
        .into_iter()
        .collect();
    let expected: BTreeSet<i64> = applications.iter().map(|(id, _)| *id).collect();
    assert_eq!(
        expected.len(),
        submissions.len(),
        "two submissions share an application"
    );
    assert_eq!(listed, expected, "the staff list after the retries");
    applications
}

/// Approves every application with a kill in the middle, checks that no approval is lost or
/// half done, approves the rest, and returns the member number of each application.
async fn approve_under_fire(server: &mut Server, staff: &str, ids: &[i64]) -> HashMap<i64, String> {
    let client = http_client();
    let jobs: Vec<_> = ids
        .iter()
        .map(|id| {
            let url = server.url(&format!("/api/v1/staff/applications/{id}/approve"));
            approve(client.clone(), url, staff.to_owned())
        })
        .collect();
    let outcomes = run_and_kill(
        server,
        jobs,
        APPROVALS_IN_FLIGHT,
        KILL_AFTER_APPROVALS,
        |outcome| matches!(outcome, ApproveOutcome::Approved { .. }),
    )
    .await;

    let unexpected: Vec<String> = ids
        .iter()
        .zip(&outcomes)
        .filter_map(|(id, outcome)| match outcome {
            ApproveOutcome::Unexpected(message) => Some(format!("application {id}: {message}")),
            _ => None,
        })
        .collect();
    assert!(
        unexpected.is_empty(),
        "unexpected answers to approvals:\n{}\n{}",
        unexpected.join("\n"),
        log_tail(server, 40)
    );
    let cut_off = outcomes
        .iter()
        .filter(|outcome| matches!(outcome, ApproveOutcome::CutOff(_)))
        .count();
    eprintln!(
        "approvals: {} acknowledged, {cut_off} cut off ({})",
        outcomes.len() - cut_off,
        summarize_errors(outcomes.iter().filter_map(|outcome| match outcome {
            ApproveOutcome::CutOff(error) => Some(error),
            _ => None,
        }))
    );
    assert!(cut_off > 0, "the kill cut off no approval");

    server.restart();
    eprintln!("restarted after the approvals");
    let client = http_client();

    // An application is either approved with its member and card message, or untouched.
    let mut members: HashMap<i64, String> = HashMap::new();
    let mut pending = Vec::new();
    for (&id, outcome) in ids.iter().zip(&outcomes) {
        let status = application_status(&client, server, staff, id).await;
        let detail = staff_detail(&client, server, staff, id).await;
        let decisions = detail["decisions"]
            .as_array()
            .expect("the detail has decisions");
        // Address verification e-mails go out at registration; only decision messages count.
        let deliveries: Vec<&serde_json::Value> = detail["deliveries"]
            .as_array()
            .expect("the detail has deliveries")
            .iter()
            .filter(|delivery| delivery["kind"] != "email_verification")
            .collect();
        match status["status"].as_str() {
            Some("approved") => {
                let number = status["member_number"]
                    .as_str()
                    .unwrap_or_else(|| panic!("approved application {id} has no member: {status}"));
                if let ApproveOutcome::Approved { member_number } = outcome {
                    assert_eq!(number, member_number, "member number of application {id}");
                }
                assert_eq!(
                    decisions.len(),
                    1,
                    "decisions of application {id}: {detail}"
                );
                assert_eq!(
                    deliveries.len(),
                    1,
                    "deliveries of application {id}: {detail}"
                );
                members.insert(id, number.to_owned());
            }
            Some("submitted") => {
                assert!(
                    !matches!(outcome, ApproveOutcome::Approved { .. }),
                    "the acknowledged approval of application {id} was lost: {status}"
                );
                assert!(
                    status.get("member_number").is_none(),
                    "application {id} is still submitted but has a member: {status}"
                );
                assert!(
                    decisions.is_empty(),
                    "submitted application {id} has decisions: {detail}"
                );
                assert!(
                    deliveries.is_empty(),
                    "submitted application {id} has messages: {detail}"
                );
                pending.push(id);
            }
            _ => panic!("application {id} has an unexpected status after the restart: {status}"),
        }
    }
    eprintln!(
        "after the restart: {} approved ({} of them cut off after the commit), {} still submitted",
        members.len(),
        members.len() - (outcomes.len() - cut_off),
        pending.len()
    );

    for id in pending {
        let url = server.url(&format!("/api/v1/staff/applications/{id}/approve"));
        match approve(client.clone(), url, staff.to_owned()).await {
            ApproveOutcome::Approved { member_number } => {
                members.insert(id, member_number);
            }
            outcome => panic!(
                "approving application {id} returned {outcome:?}\n{}",
                log_tail(server, 40)
            ),
        }
    }
    members
}

/// Waits until the outbox has sent a few more cards, then kills the server while it is still
/// sending the rest.
///
/// A kill after a message was handed to the SMTP server and before the database marks it sent
/// leaves its delivery unknown (the SMTP server stores a message even when the client dies
/// before reading the 250 reply). The outbox then marks it failed for staff instead of sending
/// it again, so no card arrives twice.
async fn kill_during_delivery(server: &mut Server, smtp: &SmtpServer, total: usize) {
    let start = smtp.card_messages().len();
    assert!(
        start + CARDS_BEFORE_DELIVERY_KILL < total,
        "the outbox had already sent {start} of {total} cards, so a kill could not hit a \
         delivery in progress"
    );

    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let sent = smtp.card_messages().len() - start;
        if sent >= CARDS_BEFORE_DELIVERY_KILL {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the outbox sent only {sent} cards in 60 s\n{}",
            log_tail(server, 40)
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    server.kill();
    let after_kill = smtp.card_messages().len();
    eprintln!(
        "killed the server with SIGKILL at {} while delivering: {after_kill} of {total} cards \
         sent",
        utc_now()
    );
    assert!(
        after_kill < total,
        "every card was sent before the kill, so it did not hit a delivery in progress"
    );
    server.restart();
    eprintln!("restarted during delivery");
}

/// Collects the state and attempts of each application's `card_issued` deliveries.
async fn card_deliveries(
    client: &reqwest::Client,
    server: &Server,
    staff: &str,
    ids: &[i64],
) -> HashMap<i64, Vec<(String, i64, String)>> {
    let mut deliveries = HashMap::new();
    for &id in ids {
        let detail = staff_detail(client, server, staff, id).await;
        let cards: Vec<(String, i64, String)> = detail["deliveries"]
            .as_array()
            .expect("the detail has deliveries")
            .iter()
            .filter(|delivery| delivery["kind"] == "card_issued")
            .map(|delivery| {
                (
                    delivery["state"].as_str().unwrap_or_default().to_owned(),
                    delivery["attempts"].as_i64().unwrap_or_default(),
                    delivery["last_error"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                )
            })
            .collect();
        deliveries.insert(id, cards);
    }
    deliveries
}

/// Outbox row id from a Message-ID such as `raline-outbox-17@127.0.0.1`.
fn outbox_id_from_message_id(message_id: &str) -> Option<String> {
    let rest = message_id
        .trim_start_matches('<')
        .strip_prefix("raline-outbox-")?;
    Some(rest.split('@').next()?.to_owned())
}

/// Removes the ANSI colour sequences (`ESC [ … m`) that the server writes into its log.
fn strip_ansi(line: &str) -> String {
    let mut plain = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for code in chars.by_ref() {
                if code == 'm' {
                    break;
                }
            }
        } else {
            plain.push(c);
        }
    }
    plain
}

/// Server log lines about the given outbox rows, and the worker starts that mark each restart.
fn outbox_log_lines(server: &Server, outbox_ids: &[String]) -> String {
    server
        .log()
        .lines()
        .map(strip_ansi)
        .filter(|line| {
            line.contains("outbox worker started")
                || outbox_ids
                    .iter()
                    .any(|id| line.contains(&format!("outbox_id={id} ")))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Checks whether a delivery ended as failed because its worker died after the hand-over.
fn is_interrupted(state: &str, error: &str) -> bool {
    state == "failed" && error == raline_store::INTERRUPTED_ERROR
}

/// Outbox lease of the test server: short, so that messages claimed before a kill are taken
/// over (or marked interrupted) within seconds.
const OUTBOX_LEASE: Duration = Duration::from_secs(10);

/// Member number from a card attachment name such as `kartu-anggota-26120400001.pdf`.
fn member_number_from_attachment(name: &str) -> Option<String> {
    let number = name.strip_prefix("kartu-anggota-")?.strip_suffix(".pdf")?;
    Some(number.to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_loses_and_duplicates_nothing() {
    let test_started = Instant::now();
    let smtp = SmtpServer::start();
    let mut server = Server::start(ServerOptions {
        smtp_url: Some(smtp.url()),
        // The mailer logs each message the SMTP server accepted at debug level, so a card sent
        // twice can be traced to the kill that cut its database update off.
        env: vec![
            (
                "RALINE_LOG".to_owned(),
                "info,raline_delivery=debug,raline_store=warn".to_owned(),
            ),
            (
                "RALINE_OUTBOX_LEASE_SECONDS".to_owned(),
                OUTBOX_LEASE.as_secs().to_string(),
            ),
        ],
        ..ServerOptions::default()
    });
    let staff = server.staff_token("petugas", "kata-sandi-petugas");

    let applicants = load_applicants("applicants.jsonl");
    assert!(!applicants.is_empty(), "no applicants to submit");
    let submissions: Vec<Arc<Submission>> = (0..SUBMISSIONS)
        .map(|index| {
            Arc::new(Submission {
                applicant: distinct_person(&applicants, index),
                email: format!("uji-mati-{index:02}@example.id"),
                idempotency_key: format!("crash-safety-{index:02}"),
            })
        })
        .collect();
    eprintln!(
        "submitting {SUBMISSIONS} applications from {} applicants, {SUBMISSIONS_IN_FLIGHT} in \
         flight, killing after {KILL_AFTER_SUBMISSIONS} acknowledgements",
        applicants.len()
    );

    // Submissions under fire.
    let applications = submit_under_fire(&mut server, &staff, &submissions).await;
    let ids: Vec<i64> = applications.iter().map(|(id, _)| *id).collect();

    // Approvals under fire.
    eprintln!(
        "approving {} applications, {APPROVALS_IN_FLIGHT} in flight, killing after \
         {KILL_AFTER_APPROVALS} acknowledgements",
        ids.len()
    );
    let members = approve_under_fire(&mut server, &staff, &ids).await;
    assert_eq!(members.len(), ids.len(), "every application has a member");

    // A kill while the outbox is sending cards.
    kill_during_delivery(&mut server, &smtp, ids.len()).await;
    let last_restart = Instant::now();
    let client = http_client();

    // Each application is approved once, with one member and one card message, and a second
    // approval is rejected.
    for &id in &ids {
        let status = application_status(&client, &server, &staff, id).await;
        assert_eq!(status["status"], "approved", "application {id}: {status}");
        assert_eq!(
            status["member_number"].as_str(),
            Some(members[&id].as_str()),
            "member number of application {id}"
        );

        let detail = staff_detail(&client, &server, &staff, id).await;
        let decisions: Vec<&str> = detail["decisions"]
            .as_array()
            .expect("the detail has decisions")
            .iter()
            .map(|decision| decision["decision"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(decisions, ["approve"], "decisions of application {id}");
        let cards = detail["deliveries"]
            .as_array()
            .expect("the detail has deliveries")
            .iter()
            .filter(|delivery| delivery["kind"] == "card_issued")
            .count();
        assert_eq!(cards, 1, "card messages of application {id}: {detail}");

        let url = server.url(&format!("/api/v1/staff/applications/{id}/approve"));
        let response = client
            .post(&url)
            .bearer_auth(&staff)
            .send()
            .await
            .unwrap_or_else(|error| panic!("POST {url} failed: {error}"));
        assert_eq!(
            response.status(),
            StatusCode::CONFLICT,
            "a second approval of application {id}"
        );
    }
    let distinct: HashSet<&String> = members.values().collect();
    assert_eq!(
        distinct.len(),
        members.len(),
        "member numbers issued twice: {members:?}"
    );
    eprintln!(
        "{} applications approved once each, member numbers distinct",
        ids.len()
    );

    // A message claimed before a kill waits for its lease to expire, so the outbox may need the
    // whole lease after the last restart.
    let lease = OUTBOX_LEASE;
    let deadline = last_restart + lease + DELIVERY_MARGIN;
    eprintln!(
        "waiting up to {} s for every card message to be sent",
        (deadline - Instant::now()).as_secs()
    );
    let deliveries = loop {
        let deliveries = card_deliveries(&client, &server, &staff, &ids).await;
        // A message interrupted after it was handed to the SMTP server ends as failed, not
        // sent again; every other message must be sent.
        let settled = deliveries.values().all(|cards| {
            cards
                .iter()
                .all(|(state, _, error)| state == "sent" || is_interrupted(state, error))
        });
        let sent = deliveries
            .values()
            .filter(|cards| cards.iter().any(|(state, _, _)| state == "sent"))
            .count();
        let arrived = smtp.card_messages().len();
        if settled && arrived >= sent {
            break deliveries;
        }
        if Instant::now() >= deadline {
            let waiting: Vec<String> = deliveries
                .iter()
                .filter(|(_, cards)| cards.iter().any(|(state, _, _)| state != "sent"))
                .map(|(id, cards)| format!("application {id}: {cards:?}"))
                .collect();
            panic!(
                "timed out: {arrived} of {} card e-mails arrived; messages not sent:\n{}\n{}",
                ids.len(),
                waiting.join("\n"),
                log_tail(&server, 60)
            );
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    };
    let retried: Vec<String> = deliveries
        .iter()
        .filter(|(_, cards)| cards.iter().any(|(_, attempts, _)| *attempts > 1))
        .map(|(id, cards)| format!("application {id}: {cards:?}"))
        .collect();
    eprintln!(
        "every card message is sent; sent again after a kill: {}",
        if retried.is_empty() {
            "none".to_owned()
        } else {
            retried.join(", ")
        }
    );

    tokio::time::sleep(SETTLE_TIME).await;
    let messages = smtp.card_messages();

    // Exactly one card e-mail per member, to the applicant's address.
    let application_by_number: HashMap<&str, i64> = members
        .iter()
        .map(|(id, number)| (number.as_str(), *id))
        .collect();
    let mut copies: HashMap<String, Vec<String>> = HashMap::new();
    for raw in &messages {
        let mail = support::parse_mail(raw);
        let message_id = mail.message_id().unwrap_or_default().to_owned();
        let attachment = mail
            .attachments()
            .next()
            .unwrap_or_else(|| panic!("e-mail {message_id} has no card attached"));
        let name = attachment.attachment_name().unwrap_or_default();
        let number = member_number_from_attachment(name)
            .unwrap_or_else(|| panic!("e-mail {message_id} has an unexpected attachment {name:?}"));
        let id = *application_by_number
            .get(number.as_str())
            .unwrap_or_else(|| {
                panic!("e-mail {message_id} carries unknown member number {number}")
            });
        assert!(
            attachment.contents().starts_with(b"%PDF-"),
            "the card of member {number} is not a PDF"
        );
        assert!(
            mail.subject().unwrap_or_default().contains(&number),
            "the subject of e-mail {message_id} does not name member {number}"
        );
        let to = mail
            .to()
            .and_then(|to| to.first())
            .and_then(|address| address.address())
            .unwrap_or_default();
        let index = applications
            .iter()
            .position(|(application, _)| *application == id)
            .expect("every member belongs to a submission");
        assert_eq!(
            to, submissions[index].email,
            "recipient of the card of member {number}"
        );
        copies.entry(number).or_default().push(message_id);
    }

    // A member may lack a card only when its message was interrupted after the hand-over and
    // never reached the SMTP server. Staff then see it as failed. At most one message is in
    // flight at each of the two kills that can hit deliveries.
    let interrupted: Vec<i64> = deliveries
        .iter()
        .filter(|(_, cards)| {
            cards
                .iter()
                .any(|(state, _, error)| is_interrupted(state, error))
        })
        .map(|(id, _)| *id)
        .collect();
    assert!(
        interrupted.len() <= 2,
        "more interrupted deliveries than kills during delivery: {interrupted:?}"
    );
    let missing: Vec<(&i64, &String)> = members
        .iter()
        .filter(|(id, number)| !copies.contains_key(number.as_str()) && !interrupted.contains(id))
        .collect();
    assert!(
        missing.is_empty(),
        "members without a card e-mail or an interrupted delivery: {missing:?}"
    );
    eprintln!("interrupted deliveries, shown to staff and not resent: {interrupted:?}");
    let duplicates: Vec<String> = copies
        .iter()
        .filter(|(_, message_ids)| message_ids.len() > 1)
        .map(|(number, message_ids)| {
            let id = application_by_number[number.as_str()];
            format!(
                "member {number} (application {id}): Message-IDs {message_ids:?}, deliveries {:?}",
                deliveries[&id]
            )
        })
        .collect();
    let duplicated_outbox_ids: Vec<String> = copies
        .values()
        .filter(|message_ids| message_ids.len() > 1)
        .filter_map(|message_ids| outbox_id_from_message_id(&message_ids[0]))
        .collect();
    assert!(
        duplicates.is_empty(),
        "cards sent more than once; deliveries are (state, attempts):\n{}\n\
         A repeated Message-ID is one outbox row sent again after its claim expired. Log lines \
         of these rows, and the worker starts that mark each restart:\n{}",
        duplicates.join("\n"),
        outbox_log_lines(&server, &duplicated_outbox_ids)
    );
    assert_eq!(
        messages.len(),
        copies.len(),
        "card e-mails for {} members",
        copies.len()
    );
    assert!(
        copies.len() + interrupted.len() >= members.len(),
        "{} cards and {} interrupted deliveries for {} members",
        copies.len(),
        interrupted.len(),
        members.len()
    );
    eprintln!(
        "{} card e-mails, one per member; the test took {:.0} s",
        messages.len(),
        test_started.elapsed().as_secs_f64()
    );
}
