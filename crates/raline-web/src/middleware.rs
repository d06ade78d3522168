//! Request tracing, security headers, the cross-site POST check and HTML error pages.

use std::time::Instant;

use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::Instrument;

use crate::AppState;
use crate::error::{WebError, new_reference};
use crate::i18n::Locale;
use crate::pages;

/// Opens one span per request with a request id and the matched route, and logs one event
/// when it ends. The raw path is never logged because it may carry a status token.
pub async fn trace_request(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let method = request.method().clone();
    let request_id = new_reference();
    let span = tracing::info_span!("request", %method, route, request_id);
    let started = Instant::now();

    let response = next.run(request).instrument(span.clone()).await;

    let status = response.status().as_u16();
    let micros = started.elapsed().as_micros();
    span.in_scope(|| {
        if status >= 500 {
            tracing::warn!(status, micros, "request finished");
        } else {
            tracing::debug!(status, micros, "request finished");
        }
    });
    response
}

/// Headers that keep personal data out of caches, referrers and frames.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let is_static = request.uri().path().starts_with("/static/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();

    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Status links carry a secret token in the path; no referrer may leak it.
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; \
             img-src 'self' data:; form-action 'self'; \
             frame-ancestors 'none'; base-uri 'none'",
        ));
    if !is_static && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// Rejects form posts sent from another site. Browsers send `Sec-Fetch-Site` and `Origin` on
/// POST; the JSON API authenticates with bearer tokens, not cookies, so it is exempt.
pub async fn check_origin(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let unsafe_method = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if unsafe_method && !request.uri().path().starts_with("/api/") && !same_origin(&state, &request)
    {
        return pages::error_response(WebError::Csrf, pages::request_locale(request.headers()));
    }
    next.run(request).await
}

fn same_origin(state: &AppState, request: &Request) -> bool {
    let headers = request.headers();
    // Current browsers send Sec-Fetch-Site on every request, and it states the origin
    // relation directly.
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        // Old browsers and scripted clients send no Origin; the staff forms still carry a
        // per-session CSRF token.
        return true;
    };
    if origin == state.config().base_url {
        return true;
    }
    // Also accept the host the request was sent to, so the service works before
    // RALINE_BASE_URL is set (for example on 127.0.0.1 during a first try).
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    host.is_some_and(|host| {
        origin == format!("http://{host}") || origin == format!("https://{host}")
    })
}

/// The message a failed page handler left for the error page.
#[derive(Clone)]
pub struct PendingErrorPage {
    pub message: String,
    pub locale: Locale,
}

/// Checks for a 4xx response with a plain-text body. Only axum's extractor rejections
/// produce those here, because handlers respond with pages or JSON.
fn is_framework_rejection(response: &Response) -> bool {
    response.status().is_client_error()
        && response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("text/plain"))
}

fn framework_rejection_key(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "http-not-found",
        StatusCode::METHOD_NOT_ALLOWED => "http-method-not-allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "http-body-too-large",
        _ => "http-bad-request",
    }
}

/// Renders the HTML error page for responses that carry a `PendingErrorPage`, with the
/// library name and layout from the state.
pub async fn render_error_pages(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let locale = pages::request_locale(request.headers());
    let is_page = !request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let status = response.status();
    let pending = match response.extensions().get::<PendingErrorPage>().cloned() {
        Some(pending) => pending,
        // axum's own rejections (a malformed path, form or method) are plain English text;
        // pages show them as an error page in the user's language instead.
        None if is_page && is_framework_rejection(&response) => PendingErrorPage {
            message: crate::i18n::t(locale, framework_rejection_key(status)),
            locale,
        },
        None => return response,
    };
    match pages::render_error_page(&state, &pending, status) {
        Ok(html) => {
            let mut page = (status, html).into_response();
            if let Some(location) = response.headers().get(header::WWW_AUTHENTICATE) {
                page.headers_mut()
                    .insert(header::WWW_AUTHENTICATE, location.clone());
            }
            page
        }
        Err(error) => {
            tracing::error!(%error, "error page failed to render");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Body::from(pending.message),
            )
                .into_response()
        }
    }
}
