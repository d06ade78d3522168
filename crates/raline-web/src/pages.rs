//! Page rendering shared by the public and staff pages, plus small fixed routes.

use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::Value;
use serde::Deserialize;

use crate::AppState;
use crate::error::{WebError, new_reference};
use crate::i18n::{Locale, t};
use crate::middleware::PendingErrorPage;

const LANGUAGE_COOKIE: &str = "raline_lang";

/// Returns the locale of a request: the language cookie, else Indonesian.
pub fn request_locale(headers: &HeaderMap) -> Locale {
    cookie(headers, LANGUAGE_COOKIE)
        .and_then(Locale::parse)
        .unwrap_or_default()
}

/// Reads one cookie value from the `Cookie` headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// Extractor for the request's locale.
pub struct Lang(pub Locale);

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Lang(request_locale(&parts.headers)))
    }
}

/// Renders a page template with the common context (locale, library, paths).
pub fn render(
    state: &AppState,
    locale: Locale,
    template: &str,
    context: Value,
) -> Result<Html<String>, WebError> {
    let common = minijinja::context! {
        locale => locale.code(),
        other_locale => locale.other().code(),
        library_name => &state.config().library.name,
        max_upload_mb => state.config().upload_max_bytes / (1024 * 1024),
    };
    let template = state
        .templates()
        .get_template(template)
        .map_err(WebError::internal)?;
    let html = template
        .render(minijinja::context! { ..common, ..context })
        .map_err(WebError::internal)?;
    Ok(Html(html))
}

/// A page handler's error: the middleware renders it as an HTML page in the user's language.
pub struct PageError {
    pub error: WebError,
    pub locale: Locale,
}

impl From<WebError> for PageError {
    fn from(error: WebError) -> Self {
        PageError {
            error,
            locale: Locale::Id,
        }
    }
}

impl From<raline_store::StoreError> for PageError {
    fn from(error: raline_store::StoreError) -> Self {
        WebError::from(error).into()
    }
}

impl PageError {
    pub fn new(error: WebError, locale: Locale) -> Self {
        PageError { error, locale }
    }
}

/// Builds an error response whose body the error-page middleware fills in.
pub fn error_response(error: WebError, locale: Locale) -> Response {
    let reference = new_reference();
    error.log(&reference);
    let mut response = error.status().into_response();
    response.extensions_mut().insert(PendingErrorPage {
        message: error.message(locale, &reference),
        locale,
    });
    response
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        error_response(self.error, self.locale)
    }
}

pub fn render_error_page(
    state: &AppState,
    pending: &PendingErrorPage,
    status: StatusCode,
) -> Result<Html<String>, WebError> {
    render(
        state,
        pending.locale,
        "error.html",
        minijinja::context! { message => &pending.message, status => status.as_u16() },
    )
}

/// Formats an address on one line: street, RT/RW, village, district, regency, province.
pub fn address_line(address: &raline_domain::Address) -> String {
    format!(
        "{}, RT {}/RW {}, {}, {}, {}, {}",
        address.street,
        address.rt,
        address.rw,
        address.village,
        address.district,
        address.regency,
        address.province
    )
}

/// Responds to an unknown path: a JSON error under `/api/`, an error page elsewhere.
pub async fn not_found(Lang(locale): Lang, uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return crate::api::api_error(WebError::NotFound, locale).into_response();
    }
    PageError::new(WebError::NotFound, locale).into_response()
}

pub async fn health(State(state): State<AppState>) -> Response {
    match state.store().ping().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(error) => {
            tracing::error!(%error, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// Serves the form's small script, which fills region lists without a page load.
pub async fn script() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        include_str!("../static/app.js"),
    )
        .into_response()
}

pub async fn stylesheet() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        include_str!("../static/app.css"),
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct LanguageQuery {
    back: Option<String>,
}

/// Switches the language cookie and returns to the page the user came from.
/// Tells whether `path` is a path on this site, safe to redirect to. Browsers drop tabs and line
/// breaks from a `Location` before resolving it, so `/\t/evil.example` would become
/// `//evil.example`. Any control character, space or backslash is refused, as is `//`.
fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && path.len() <= 2048
        && !path
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
}

pub async fn set_language(
    Path(code): Path<String>,
    Query(query): Query<LanguageQuery>,
) -> Response {
    let locale = Locale::parse(&code).unwrap_or_default();
    let back = query
        .back
        .filter(|path| is_local_path(path))
        .unwrap_or_else(|| "/".to_owned());
    let cookie = format!(
        "{LANGUAGE_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        locale.code()
    );
    let mut response = Redirect::to(&back).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// Returns the catalogue label of a choice, such as `sex-male`, in the given locale.
pub fn label(locale: Locale, prefix: &str, value: &str) -> String {
    t(locale, &format!("{prefix}-{value}"))
}

/// Returns a closure that turns an error into an error page in the page's language.
pub fn in_locale<E: Into<WebError>>(locale: Locale) -> impl Fn(E) -> PageError {
    move |error| PageError::new(error.into(), locale)
}

#[cfg(test)]
mod tests {
    use super::is_local_path;

    #[test]
    fn language_switch_redirects_only_to_local_paths() {
        for path in ["/", "/daftar", "/status/abc?baru=1"] {
            assert!(is_local_path(path), "{path}");
        }
        for path in [
            "//evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\\evil.example",
            "https://evil.example",
            "/\u{7f}",
            "/ /x",
            "",
        ] {
            assert!(!is_local_path(path), "{path:?}");
        }
    }
}
