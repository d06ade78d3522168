//! WhatsApp provider mock for tests: one real HTTP server on 127.0.0.1 (random port) that
//! serves both contracts that `raline_delivery::whatsapp` speaks.
//!
//! Include it from a test file with
//! `#[path = "support/whatsapp_mock.rs"] mod whatsapp_mock;` (from the workspace root:
//! `#[path = "../crates/raline-delivery/tests/support/whatsapp_mock.rs"]`). The including
//! crate needs axum (with the `multipart` feature), tokio, serde_json and raline-delivery.
//!
//! # Endpoints
//! - `POST /{MOCK_API_VERSION}/{MOCK_PHONE_NUMBER_ID}/media`: Cloud API media upload,
//!   multipart fields `messaging_product=whatsapp`, `type` and `file` (with file name and
//!   content type). Returns `{"id": "<media id>"}`.
//! - `POST /{MOCK_API_VERSION}/{MOCK_PHONE_NUMBER_ID}/messages`: Cloud API send, JSON body of
//!   type `text`, `document` or `template`. A document ID must come from an earlier upload.
//!   Returns `{"messaging_product": "whatsapp", "contacts": [...], "messages": [{"id":
//!   "wamid.MOCK<n>"}]}`.
//! - Both Cloud API routes require `Authorization: Bearer MOCK_ACCESS_TOKEN` and reject a
//!   wrong token with HTTP 401 and Meta's error 190. An unknown version or phone number ID
//!   gets HTTP 400 with error 100, and a malformed body HTTP 400 with error 100 or 131009.
//! - `POST /send`: Fonnte-style gateway, urlencoded form `target`, `message`, `countryCode`,
//!   optional `url` and `filename`. Requires `Authorization: MOCK_GATEWAY_TOKEN` (no
//!   `Bearer`) and rejects a wrong one with HTTP 200 `{"status": false, "reason": "token
//!   invalid"}`. Success is `{"status": true, "id": ["<n>"], "detail": "success! message in
//!   queue", ...}`.
//!
//! # API
//! - [`WhatsAppMock::start`] (async, on the current tokio runtime, free port),
//!   [`WhatsAppMock::start_on`] (the same on a given port) or
//!   [`WhatsAppMock::start_detached`] (own runtime thread, for tests without one). The server
//!   stops when the value is dropped.
//! - [`WhatsAppMock::base_url`], [`WhatsAppMock::gateway_url`],
//!   [`WhatsAppMock::cloud_api_settings`] and [`WhatsAppMock::gateway_settings`] point a
//!   client at the mock.
//! - [`WhatsAppMock::push_replies`] and [`WhatsAppMock::fail_next`] script the next responses
//!   of one [`Route`]: [`Reply::TooManyRequests`] (429 with `Retry-After`),
//!   [`Reply::ServerError`] (500), [`Reply::MetaError`] (Meta error body with any status),
//!   [`Reply::GatewayRejected`] (200 with `status: false`), [`Reply::Hang`] (success only
//!   after a delay) or [`Reply::Success`]. Unscripted requests succeed.
//! - [`WhatsAppMock::requests`] returns every request, parsed into [`RecordedRequest`],
//!   including rejected ones.
//! - [`WhatsAppMock::hold_next`] keeps the next n requests of a route open until
//!   [`WhatsAppMock::release_held`], and [`WhatsAppMock::wait_until_held`] waits for them to
//!   arrive. A held or hanging request is processed to the end even when the client has
//!   gone, as a real provider would.
//! - [`WhatsAppMock::delivered`] lists the messages the mock accepted (successful sends,
//!   including hangs that finished). [`WhatsAppMock::deliveries_with_callback_data`],
//!   [`WhatsAppMock::distinct_callback_data_count`], [`WhatsAppMock::deliveries_to`] and
//!   [`WhatsAppMock::distinct_target_text_count`] count duplicates.

// Each test crate that includes this module uses only some of its items.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::multipart::MultipartRejection;
use axum::extract::rejection::FormRejection;
use axum::extract::{DefaultBodyLimit, Form, Multipart, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use raline_delivery::whatsapp::{CloudApiSettings, DEFAULT_API_VERSION, GatewaySettings};
use serde_json::{Value, json};
use tokio::sync::{oneshot, watch};

/// Graph API version the Cloud API routes accept.
pub const MOCK_API_VERSION: &str = DEFAULT_API_VERSION;
/// Business phone number ID the Cloud API routes accept.
pub const MOCK_PHONE_NUMBER_ID: &str = "106540352242922";
/// Access token the Cloud API routes accept, after `Bearer `.
pub const MOCK_ACCESS_TOKEN: &str = "EAAmock-access-token";
/// Token the gateway accepts as the whole `Authorization` header.
pub const MOCK_GATEWAY_TOKEN: &str = "mock-gateway-token";
/// App secret and verify token put into [`WhatsAppMock::cloud_api_settings`].
pub const MOCK_APP_SECRET: &str = "mock-app-secret";
pub const MOCK_VERIFY_TOKEN: &str = "mock-verify-token";

/// Largest request body the mock reads, in bytes.
const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// Endpoint of the mock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route {
    /// Cloud API `POST /{version}/{phone_number_id}/media`.
    Media,
    /// Cloud API `POST /{version}/{phone_number_id}/messages`.
    Messages,
    /// Gateway `POST /send`.
    Gateway,
}

/// Scripted response to one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// The route's success response.
    Success,
    /// HTTP 429, with `Retry-After: <seconds>` when set. Cloud API routes add Meta's error 4
    /// body.
    TooManyRequests { retry_after_seconds: Option<u64> },
    /// HTTP 500. Cloud API routes add Meta's error 2 body, and the gateway sends plain text.
    ServerError,
    /// Meta-shaped error `{"error": {"message": "(#code) title", "code", "error_data":
    /// {"details"}}}` with the given HTTP status. The gateway responds with
    /// `{"status": false, "reason": title}` with that status instead.
    MetaError {
        http_status: u16,
        code: i64,
        title: String,
        details: String,
    },
    /// Gateway: HTTP 200 `{"status": false, "reason": ...}`. Cloud API routes respond to it with
    /// HTTP 400, error 100, with the reason as title.
    GatewayRejected { reason: String },
    /// Waits this long, then succeeds. Use a delay longer than the client timeout.
    Hang(Duration),
}

/// One request as the mock parsed it. Fields that do not apply to the route are empty.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecordedRequest {
    pub route: Option<Route>,
    pub path: String,
    pub authorization: Option<String>,
    pub content_type: Option<String>,
    /// Cloud API `to` or gateway `target`.
    pub to: Option<String>,
    /// Cloud API `type` of a message (`text`, `document`, `template`) or of an upload (the
    /// media type). For the gateway: `document` when `url` is set, otherwise `text`.
    pub message_type: Option<String>,
    /// `text.body`, `document.caption` or the gateway's `message`.
    pub text: Option<String>,
    pub template_name: Option<String>,
    pub template_language: Option<String>,
    /// Values of the template's body parameters, in order.
    pub template_body_parameters: Vec<String>,
    pub header_document_id: Option<String>,
    pub header_document_filename: Option<String>,
    /// `document.id` of a document message.
    pub document_id: Option<String>,
    /// File name of the upload, `document.filename`, or the gateway's `filename`.
    pub document_filename: Option<String>,
    /// Size of the uploaded file, in bytes.
    pub document_bytes_len: Option<usize>,
    /// Content type of the uploaded file part.
    pub document_content_type: Option<String>,
    /// Gateway `url`.
    pub document_url: Option<String>,
    pub messaging_product: Option<String>,
    pub recipient_type: Option<String>,
    /// `biz_opaque_callback_data`.
    pub callback_data: Option<String>,
    /// Gateway `countryCode`.
    pub country_code: Option<String>,
    /// Whole JSON body of a Cloud API send.
    pub json: Option<Value>,
    /// Text fields of a gateway form or of an upload form.
    pub form: BTreeMap<String, String>,
    /// HTTP status of the mock's response, or `None` while the request is held or hanging.
    pub response_status: Option<u16>,
}

/// Message the mock accepted for delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveredMessage {
    pub route: Route,
    pub to: String,
    /// Text or caption, or `None` for a template message.
    pub text: Option<String>,
    pub message_type: String,
    pub template_name: Option<String>,
    pub document_filename: Option<String>,
    pub callback_data: Option<String>,
    /// ID the mock returned: `wamid.MOCK<n>` or the gateway's number.
    pub provider_message_id: String,
}

/// Upload the mock stored, by media ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadedMedia {
    pub filename: String,
    pub content_type: String,
    pub len: usize,
}

#[derive(Default)]
struct MockState {
    requests: Vec<RecordedRequest>,
    scripts: HashMap<Route, VecDeque<Reply>>,
    holds: HashMap<Route, usize>,
    held_now: usize,
    uploads: HashMap<String, UploadedMedia>,
    delivered: Vec<DeliveredMessage>,
    next_id: u64,
}

struct Shared {
    state: Mutex<MockState>,
    /// Release counter. Held requests wait for it to change.
    release: watch::Sender<u64>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, MockState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Running mock server. Dropping it releases held requests and stops the server.
pub struct WhatsAppMock {
    address: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl WhatsAppMock {
    /// Starts the server on the current tokio runtime.
    pub async fn start() -> WhatsAppMock {
        WhatsAppMock::start_on(0).await
    }

    /// Starts the server on `port` (0 picks a free one), for a test that first lets clients
    /// find no server there.
    pub async fn start_on(port: u16) -> WhatsAppMock {
        WhatsAppMock::start_holding_on(port, &[]).await
    }

    /// Starts the server on `port` with requests already held as [`WhatsAppMock::hold_next`]
    /// would, so that even the first request after the start is held.
    pub async fn start_holding_on(port: u16, holds: &[(Route, usize)]) -> WhatsAppMock {
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port))
            .await
            .expect("bind the WhatsApp mock to 127.0.0.1");
        let address = listener.local_addr().expect("read the mock's address");
        let mut state = MockState::default();
        for (route, count) in holds {
            *state.holds.entry(*route).or_default() += count;
        }
        let shared = Arc::new(Shared {
            state: Mutex::new(state),
            release: watch::channel(0).0,
        });
        let router = Router::new()
            .route("/{version}/{phone_number_id}/media", post(media))
            .route("/{version}/{phone_number_id}/messages", post(messages))
            .route("/send", post(gateway))
            .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
            .with_state(shared.clone());
        let (shutdown, shutdown_signal) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let server = axum::serve(listener, router).with_graceful_shutdown(async move {
                let _ = shutdown_signal.await;
            });
            if let Err(error) = server.await {
                eprintln!("WhatsApp mock server stopped: {error}");
            }
        });
        WhatsAppMock {
            address,
            shared,
            shutdown: Some(shutdown),
            runtime: None,
        }
    }

    /// Starts the server on its own one-thread runtime, for tests that have no runtime.
    pub fn start_detached() -> WhatsAppMock {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("build the WhatsApp mock's runtime");
        let mut mock = runtime.block_on(WhatsAppMock::start());
        mock.runtime = Some(runtime);
        mock
    }

    /// Returns `http://127.0.0.1:<port>`, the Cloud API `base_url`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Returns the gateway's send URL.
    pub fn gateway_url(&self) -> String {
        format!("{}/send", self.base_url())
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Returns settings that reach the mock's Cloud API, with no templates and a 5 s timeout.
    pub fn cloud_api_settings(&self) -> CloudApiSettings {
        CloudApiSettings {
            base_url: self.base_url(),
            api_version: MOCK_API_VERSION.to_owned(),
            phone_number_id: MOCK_PHONE_NUMBER_ID.to_owned(),
            access_token: MOCK_ACCESS_TOKEN.to_owned(),
            app_secret: MOCK_APP_SECRET.to_owned(),
            verify_token: MOCK_VERIFY_TOKEN.to_owned(),
            templates: BTreeMap::new(),
            timeout_seconds: 5,
        }
    }

    /// Returns settings that reach the mock's gateway, with a 5 s timeout.
    pub fn gateway_settings(&self) -> GatewaySettings {
        GatewaySettings {
            url: self.gateway_url(),
            token: MOCK_GATEWAY_TOKEN.to_owned(),
            country_code: "62".to_owned(),
            timeout_seconds: 5,
        }
    }

    /// Queues responses for the next requests of `route`, used in order.
    pub fn push_replies(&self, route: Route, replies: impl IntoIterator<Item = Reply>) {
        self.shared
            .lock()
            .scripts
            .entry(route)
            .or_default()
            .extend(replies);
    }

    /// Queues `reply` for the next `count` requests of `route`.
    pub fn fail_next(&self, route: Route, count: usize, reply: Reply) {
        self.push_replies(route, std::iter::repeat_n(reply, count));
    }

    /// Keeps the next `count` requests of `route` open until [`WhatsAppMock::release_held`].
    pub fn hold_next(&self, route: Route, count: usize) {
        *self.shared.lock().holds.entry(route).or_default() += count;
    }

    /// Returns the number of requests being held now.
    pub fn held_count(&self) -> usize {
        self.shared.lock().held_now
    }

    /// Lets every request held now continue.
    pub fn release_held(&self) {
        self.shared
            .release
            .send_modify(|generation| *generation += 1);
    }

    /// Waits until at least `count` requests are held, or returns false after `timeout`.
    pub async fn wait_until_held(&self, count: usize, timeout: Duration) -> bool {
        self.wait_for(timeout, || self.held_count() >= count).await
    }

    /// Waits until at least `count` requests have arrived, or returns false after `timeout`.
    pub async fn wait_until_requests(&self, count: usize, timeout: Duration) -> bool {
        self.wait_for(timeout, || self.shared.lock().requests.len() >= count)
            .await
    }

    /// Waits until at least `count` messages were accepted, or returns false after `timeout`.
    pub async fn wait_until_delivered(&self, count: usize, timeout: Duration) -> bool {
        self.wait_for(timeout, || self.delivered_count() >= count)
            .await
    }

    /// Blocking form of [`WhatsAppMock::wait_until_held`], for tests without a runtime.
    pub fn wait_until_held_blocking(&self, count: usize, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while self.held_count() < count {
            if Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        true
    }

    async fn wait_for(&self, timeout: Duration, mut done: impl FnMut() -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        while !done() {
            if Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        true
    }

    /// Returns every request so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().requests.clone()
    }

    /// Returns the requests of one route, oldest first.
    pub fn requests_to(&self, route: Route) -> Vec<RecordedRequest> {
        self.requests()
            .into_iter()
            .filter(|request| request.route == Some(route))
            .collect()
    }

    /// Returns the stored upload with this media ID.
    pub fn upload(&self, media_id: &str) -> Option<UploadedMedia> {
        self.shared.lock().uploads.get(media_id).cloned()
    }

    /// Returns the accepted messages, oldest first.
    pub fn delivered(&self) -> Vec<DeliveredMessage> {
        self.shared.lock().delivered.clone()
    }

    pub fn delivered_count(&self) -> usize {
        self.shared.lock().delivered.len()
    }

    /// Returns how many accepted messages carried this `biz_opaque_callback_data`.
    pub fn deliveries_with_callback_data(&self, callback_data: &str) -> usize {
        self.shared
            .lock()
            .delivered
            .iter()
            .filter(|message| message.callback_data.as_deref() == Some(callback_data))
            .count()
    }

    /// Returns the number of different callback data values among accepted messages.
    pub fn distinct_callback_data_count(&self) -> usize {
        let state = self.shared.lock();
        let values: BTreeSet<&str> = state
            .delivered
            .iter()
            .filter_map(|message| message.callback_data.as_deref())
            .collect();
        values.len()
    }

    /// Returns how many accepted messages went to `to` (digits without `+`) with this text.
    /// A template message has no text and matches `""`.
    pub fn deliveries_to(&self, to: &str, text: &str) -> usize {
        self.shared
            .lock()
            .delivered
            .iter()
            .filter(|message| message.to == to && message.text.as_deref().unwrap_or("") == text)
            .count()
    }

    /// Returns the number of different (recipient, text) pairs among accepted messages.
    pub fn distinct_target_text_count(&self) -> usize {
        let state = self.shared.lock();
        let pairs: BTreeSet<(&str, &str)> = state
            .delivered
            .iter()
            .map(|message| (message.to.as_str(), message.text.as_deref().unwrap_or("")))
            .collect();
        pairs.len()
    }
}

impl Drop for WhatsAppMock {
    fn drop(&mut self) {
        self.release_held();
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

// --- Request handling --------------------------------------------------------------------

/// What a request turned into, once authorized and validated.
enum Accepted {
    Upload(UploadedMedia),
    Send(PendingDelivery),
}

/// Delivery recorded when the success response is built.
struct PendingDelivery {
    route: Route,
    to: String,
    text: Option<String>,
    message_type: String,
    template_name: Option<String>,
    document_filename: Option<String>,
    callback_data: Option<String>,
}

/// Records the request, then responds in a separate task, so that a held or hanging
/// request is finished (and its delivery counted) even if the client disconnects.
async fn finish(
    shared: Arc<Shared>,
    request: RecordedRequest,
    outcome: Result<Accepted, Rejection>,
) -> Response {
    let route = request.route.expect("handlers set the route");
    let index = {
        let mut state = shared.lock();
        state.requests.push(request);
        state.requests.len() - 1
    };
    let task = tokio::spawn(async move {
        let response = match outcome {
            Err(rejection) => rejection.into_response(),
            Ok(accepted) => {
                wait_if_held(&shared, route).await;
                let reply = shared
                    .lock()
                    .scripts
                    .get_mut(&route)
                    .and_then(VecDeque::pop_front)
                    .unwrap_or(Reply::Success);
                respond(&shared, route, reply, accepted).await
            }
        };
        shared.lock().requests[index].response_status = Some(response.status().as_u16());
        response
    });
    task.await.unwrap_or_else(|error| {
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("mock task failed: {error}"),
        )
            .into_response()
    })
}

async fn wait_if_held(shared: &Shared, route: Route) {
    let mut release = shared.release.subscribe();
    {
        let mut state = shared.lock();
        let Some(remaining) = state.holds.get_mut(&route).filter(|count| **count > 0) else {
            return;
        };
        *remaining -= 1;
        state.held_now += 1;
        release.mark_unchanged();
    }
    // An error means the mock was dropped, which also releases the request.
    let _ = release.changed().await;
    shared.lock().held_now -= 1;
}

async fn respond(shared: &Shared, route: Route, reply: Reply, accepted: Accepted) -> Response {
    match reply {
        Reply::Success => succeed(shared, accepted),
        Reply::Hang(delay) => {
            tokio::time::sleep(delay).await;
            succeed(shared, accepted)
        }
        Reply::TooManyRequests {
            retry_after_seconds,
        } => {
            let mut response = match route {
                Route::Gateway => {
                    (StatusCode::TOO_MANY_REQUESTS, "Too Many Requests").into_response()
                }
                _ => meta_error(
                    StatusCode::TOO_MANY_REQUESTS,
                    4,
                    "Application request limit reached",
                    "The app has reached its API call rate limit",
                )
                .into_response(),
            };
            if let Some(seconds) = retry_after_seconds {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            }
            response
        }
        Reply::ServerError => match route {
            Route::Gateway => {
                (StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error").into_response()
            }
            _ => meta_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                2,
                "Service temporarily unavailable",
                "Temporary due to downtime or due to being overloaded",
            )
            .into_response(),
        },
        Reply::MetaError {
            http_status,
            code,
            title,
            details,
        } => {
            let status = StatusCode::from_u16(http_status).expect("valid HTTP status");
            match route {
                Route::Gateway => gateway_failure(status, &title).into_response(),
                _ => meta_error(status, code, &title, &details).into_response(),
            }
        }
        Reply::GatewayRejected { reason } => match route {
            Route::Gateway => gateway_failure(StatusCode::OK, &reason).into_response(),
            _ => meta_error(StatusCode::BAD_REQUEST, 100, &reason, &reason).into_response(),
        },
    }
}

fn succeed(shared: &Shared, accepted: Accepted) -> Response {
    let mut state = shared.lock();
    state.next_id += 1;
    let number = state.next_id;
    match accepted {
        Accepted::Upload(upload) => {
            let media_id = format!("{}", 900_000_000 + number);
            state.uploads.insert(media_id.clone(), upload);
            (StatusCode::OK, axum::Json(json!({ "id": media_id }))).into_response()
        }
        Accepted::Send(pending) => {
            let route = pending.route;
            let provider_message_id = match route {
                Route::Gateway => format!("{}", 80_000_000 + number),
                _ => format!("wamid.MOCK{number}"),
            };
            let to = pending.to.clone();
            state.delivered.push(DeliveredMessage {
                route,
                to: pending.to,
                text: pending.text,
                message_type: pending.message_type,
                template_name: pending.template_name,
                document_filename: pending.document_filename,
                callback_data: pending.callback_data,
                provider_message_id: provider_message_id.clone(),
            });
            let body = match route {
                Route::Gateway => json!({
                    "detail": "success! message in queue",
                    "id": [provider_message_id],
                    "process": "pending",
                    "requestid": number,
                    "status": true,
                    "target": [to],
                }),
                _ => json!({
                    "messaging_product": "whatsapp",
                    "contacts": [{ "input": to, "wa_id": to }],
                    "messages": [{ "id": provider_message_id, "message_status": "accepted" }],
                }),
            };
            (StatusCode::OK, axum::Json(body)).into_response()
        }
    }
}

/// Error response with a JSON body, kept small until it is turned into a [`Response`].
struct Rejection {
    status: StatusCode,
    body: Value,
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body)).into_response()
    }
}

/// Meta's error body, as on the "WhatsApp error codes" page.
fn meta_error(status: StatusCode, code: i64, title: &str, details: &str) -> Rejection {
    let body = json!({
        "error": {
            "message": format!("(#{code}) {title}"),
            "type": "OAuthException",
            "code": code,
            "error_data": { "messaging_product": "whatsapp", "details": details },
            "fbtrace_id": "AmockTraceId",
        }
    });
    Rejection { status, body }
}

fn invalid_parameter(details: &str) -> Rejection {
    meta_error(StatusCode::BAD_REQUEST, 100, "Invalid parameter", details)
}

fn gateway_failure(status: StatusCode, reason: &str) -> Rejection {
    let body = json!({ "reason": reason, "status": false });
    Rejection { status, body }
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

fn new_record(route: Route, path: String, headers: &HeaderMap) -> RecordedRequest {
    RecordedRequest {
        route: Some(route),
        path,
        authorization: header_text(headers, header::AUTHORIZATION),
        content_type: header_text(headers, header::CONTENT_TYPE),
        ..RecordedRequest::default()
    }
}

/// Checks the Cloud API path and token, and returns Meta's error response when one is wrong.
fn check_cloud_request(
    version: &str,
    phone_number_id: &str,
    record: &RecordedRequest,
) -> Result<(), Rejection> {
    let expected = format!("Bearer {MOCK_ACCESS_TOKEN}");
    if record.authorization.as_deref() != Some(expected.as_str()) {
        let body = json!({
            "error": {
                "message": "Invalid OAuth access token - Cannot parse access token",
                "type": "OAuthException",
                "code": 190,
                "fbtrace_id": "AmockTraceId",
            }
        });
        return Err(Rejection {
            status: StatusCode::UNAUTHORIZED,
            body,
        });
    }
    if version != MOCK_API_VERSION || phone_number_id != MOCK_PHONE_NUMBER_ID {
        return Err(invalid_parameter(&format!(
            "Unsupported post request. Object with ID '{phone_number_id}' does not exist \
             in version {version}"
        )));
    }
    Ok(())
}

async fn media(
    State(shared): State<Arc<Shared>>,
    Path((version, phone_number_id)): Path<(String, String)>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let path = format!("/{version}/{phone_number_id}/media");
    let mut record = new_record(Route::Media, path, &headers);
    let outcome = match check_cloud_request(&version, &phone_number_id, &record) {
        Err(response) => Err(response),
        Ok(()) => match multipart {
            Err(rejection) => Err(invalid_parameter(&format!(
                "expected a multipart/form-data body: {rejection}"
            ))),
            Ok(multipart) => read_upload(multipart, &mut record).await,
        },
    };
    finish(shared, record, outcome).await
}

async fn read_upload(
    mut multipart: Multipart,
    record: &mut RecordedRequest,
) -> Result<Accepted, Rejection> {
    let mut file = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(error) => {
                return Err(invalid_parameter(&format!(
                    "unreadable multipart body: {error}"
                )));
            }
        };
        let name = field.name().unwrap_or("").to_owned();
        let filename = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(str::to_owned);
        let bytes = field
            .bytes()
            .await
            .map_err(|error| invalid_parameter(&format!("unreadable field {name}: {error}")))?;
        if name == "file" {
            file = Some((filename, content_type, bytes.len()));
        } else {
            record
                .form
                .insert(name, String::from_utf8_lossy(&bytes).into_owned());
        }
    }
    record.messaging_product = record.form.get("messaging_product").cloned();
    record.message_type = record.form.get("type").cloned();

    if record.messaging_product.as_deref() != Some("whatsapp") {
        return Err(invalid_parameter("messaging_product must be whatsapp"));
    }
    let Some((filename, content_type, len)) = file else {
        return Err(invalid_parameter("the file field is missing"));
    };
    record.document_filename = filename.clone();
    record.document_content_type = content_type.clone();
    record.document_bytes_len = Some(len);
    let (Some(filename), Some(content_type), Some(_)) =
        (filename, content_type, record.message_type.as_ref())
    else {
        return Err(invalid_parameter(
            "the file needs a file name and a content type, and the type field is required",
        ));
    };
    if len == 0 {
        return Err(invalid_parameter("the file is empty"));
    }
    Ok(Accepted::Upload(UploadedMedia {
        filename,
        content_type,
        len,
    }))
}

async fn messages(
    State(shared): State<Arc<Shared>>,
    Path((version, phone_number_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = format!("/{version}/{phone_number_id}/messages");
    let mut record = new_record(Route::Messages, path, &headers);
    let outcome = check_cloud_request(&version, &phone_number_id, &record)
        .and_then(|()| read_message(&shared, &body, &mut record));
    finish(shared, record, outcome).await
}

fn read_message(
    shared: &Shared,
    body: &[u8],
    record: &mut RecordedRequest,
) -> Result<Accepted, Rejection> {
    let json: Value = serde_json::from_slice(body)
        .map_err(|error| invalid_parameter(&format!("body is not JSON: {error}")))?;
    let text_at = |pointer: &str| {
        json.pointer(pointer)
            .and_then(Value::as_str)
            .map(str::to_owned)
    };

    record.messaging_product = text_at("/messaging_product");
    record.recipient_type = text_at("/recipient_type");
    record.to = text_at("/to");
    record.message_type = text_at("/type");
    record.callback_data = text_at("/biz_opaque_callback_data");
    record.json = Some(json.clone());

    if record.messaging_product.as_deref() != Some("whatsapp") {
        return Err(invalid_parameter("messaging_product must be whatsapp"));
    }
    let to = record.to.clone().unwrap_or_default();
    if to.is_empty() || !to.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(invalid_parameter(
            "to must be the recipient's number in digits",
        ));
    }
    let uploaded = |media_id: &str| shared.lock().uploads.contains_key(media_id);

    match record.message_type.as_deref() {
        Some("text") => {
            record.text = text_at("/text/body");
            if record.text.as_deref().is_none_or(str::is_empty) {
                return Err(invalid_parameter("text.body is required"));
            }
        }
        Some("document") => {
            record.document_id = text_at("/document/id");
            record.document_filename = text_at("/document/filename");
            record.text = text_at("/document/caption");
            match record.document_id.as_deref() {
                Some(media_id) if uploaded(media_id) => {}
                _ => {
                    return Err(meta_error(
                        StatusCode::BAD_REQUEST,
                        131009,
                        "Parameter value is not valid",
                        "document.id is not the ID of an uploaded media file",
                    ));
                }
            }
        }
        Some("template") => {
            record.template_name = text_at("/template/name");
            record.template_language = text_at("/template/language/code");
            if record.template_name.is_none() || record.template_language.is_none() {
                return Err(invalid_parameter(
                    "template.name and template.language.code are required",
                ));
            }
            let components = json
                .pointer("/template/components")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for component in &components {
                match component["type"].as_str() {
                    Some("header") => {
                        let parameter = &component["parameters"][0];
                        record.header_document_id =
                            parameter["document"]["id"].as_str().map(str::to_owned);
                        record.header_document_filename = parameter["document"]["filename"]
                            .as_str()
                            .map(str::to_owned);
                        let valid = parameter["type"] == "document"
                            && record.header_document_id.as_deref().is_some_and(uploaded);
                        if !valid {
                            return Err(meta_error(
                                StatusCode::BAD_REQUEST,
                                131009,
                                "Parameter value is not valid",
                                "the header parameter must be a document with an uploaded media ID",
                            ));
                        }
                    }
                    Some("body") => {
                        let parameters = component["parameters"]
                            .as_array()
                            .cloned()
                            .unwrap_or_default();
                        if parameters.is_empty() {
                            return Err(invalid_parameter("body parameters must not be empty"));
                        }
                        for parameter in parameters {
                            match (parameter["type"].as_str(), parameter["text"].as_str()) {
                                (Some("text"), Some(text)) => {
                                    record.template_body_parameters.push(text.to_owned());
                                }
                                _ => {
                                    return Err(invalid_parameter(
                                        "body parameters must be of type text",
                                    ));
                                }
                            }
                        }
                    }
                    _ => return Err(invalid_parameter("unknown template component type")),
                }
            }
        }
        _ => return Err(invalid_parameter("type must be text, document or template")),
    }

    Ok(Accepted::Send(PendingDelivery {
        route: Route::Messages,
        to,
        text: record.text.clone(),
        message_type: record.message_type.clone().unwrap_or_default(),
        template_name: record.template_name.clone(),
        document_filename: record
            .document_filename
            .clone()
            .or_else(|| record.header_document_filename.clone()),
        callback_data: record.callback_data.clone(),
    }))
}

async fn gateway(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let mut record = new_record(Route::Gateway, "/send".to_owned(), &headers);
    let outcome = match form {
        // Malformed input gets HTTP 200 and status false, like the gateway's other errors.
        Err(_) => Err(gateway_failure(StatusCode::OK, "input invalid")),
        Ok(Form(fields)) => read_gateway_form(fields, &mut record),
    };
    finish(shared, record, outcome).await
}

fn read_gateway_form(
    fields: Vec<(String, String)>,
    record: &mut RecordedRequest,
) -> Result<Accepted, Rejection> {
    record.form = fields.into_iter().collect();
    record.to = record.form.get("target").cloned();
    record.text = record.form.get("message").cloned();
    record.country_code = record.form.get("countryCode").cloned();
    record.document_url = record.form.get("url").cloned();
    record.document_filename = record.form.get("filename").cloned();
    let message_type = if record.document_url.is_some() {
        "document"
    } else {
        "text"
    };
    record.message_type = Some(message_type.to_owned());

    if record.authorization.as_deref() != Some(MOCK_GATEWAY_TOKEN) {
        return Err(gateway_failure(StatusCode::OK, "token invalid"));
    }
    let to = record.to.clone().unwrap_or_default();
    if to.is_empty() || !to.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(gateway_failure(StatusCode::OK, "target invalid"));
    }
    if let Some(url) = &record.document_url
        && !(url.starts_with("https://") || url.starts_with("http://"))
    {
        return Err(gateway_failure(StatusCode::OK, "url invalid"));
    }
    if record.text.as_deref().is_none_or(str::is_empty) && record.document_url.is_none() {
        return Err(gateway_failure(StatusCode::OK, "message or url required"));
    }
    Ok(Accepted::Send(PendingDelivery {
        route: Route::Gateway,
        to,
        text: record.text.clone(),
        message_type: message_type.to_owned(),
        template_name: None,
        document_filename: record.document_filename.clone(),
        callback_data: None,
    }))
}
