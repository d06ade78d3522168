//! Staff authentication: the session cookie for pages, bearer tokens for the API, and CSRF.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use raline_store::StaffRecord;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::AppState;
use crate::error::{ApiError, WebError};
use crate::pages::{PageError, cookie, request_locale};

pub const SESSION_COOKIE: &str = "raline_staff";

/// A staff member logged in through the session cookie.
pub struct StaffUser {
    pub staff: StaffRecord,
    pub csrf_token: String,
}

impl FromRequestParts<AppState> for StaffUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(Redirect::to("/staf/masuk").into_response());
        };
        let session = state
            .store()
            .session(token, OffsetDateTime::now_utc())
            .await
            .map_err(|error| {
                PageError::new(error.into(), request_locale(&parts.headers)).into_response()
            })?;
        match session {
            Some(session) => Ok(StaffUser {
                staff: session.staff,
                csrf_token: session.csrf_token,
            }),
            None => Err(Redirect::to("/staf/masuk").into_response()),
        }
    }
}

impl StaffUser {
    /// Compares the form's CSRF token with the session's in constant time.
    pub fn check_csrf(&self, submitted: &str) -> Result<(), WebError> {
        if constant_time_eq(self.csrf_token.as_bytes(), submitted.as_bytes()) {
            Ok(())
        } else {
            Err(WebError::Csrf)
        }
    }
}

pub(crate) fn constant_time_eq(left: &[u8], right: &[u8]) -> bool {
    // Comparing digests keeps the time independent of where the inputs first differ.
    Sha256::digest(left) == Sha256::digest(right)
}

/// Returns the token of an `Authorization: Bearer …` header.
pub fn bearer_token(headers: &axum::http::HeaderMap) -> Option<&str> {
    // The scheme name is case-insensitive (RFC 9110, section 11.1).
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// A staff member calling the API with a token from `raline staff token`.
pub struct ApiStaff(pub StaffRecord);

impl FromRequestParts<AppState> for ApiStaff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer_token(&parts.headers).ok_or(WebError::Unauthorized)?;
        let staff = state.store().staff_by_api_token(token).await?;
        staff
            .map(ApiStaff)
            .ok_or_else(|| WebError::Unauthorized.into())
    }
}

/// Checks a password against an Argon2id hash on the blocking pool (about 20–50 ms of CPU).
pub async fn verify_password(hash: String, password: String) -> bool {
    tokio::task::spawn_blocking(move || password_auth::verify_password(password, &hash).is_ok())
        .await
        .unwrap_or(false)
}

/// Builds the `Set-Cookie` value of a staff session.
pub fn session_cookie(state: &AppState, token: &str, max_age_seconds: i64) -> String {
    let secure = if state.config().secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_seconds}{secure}"
    )
}
