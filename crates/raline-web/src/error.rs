//! The one place where errors become HTTP responses.
//!
//! Handlers return `WebError`. Validation problems carry their field errors and are shown next
//! to the fields (HTML) or listed in a 422 body (API). Anything unexpected is logged once with
//! a short reference id, and the client sees only that id and a message from the catalogue.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use raline_store::StoreError;
use serde::Serialize;

use crate::i18n::{Locale, t, t_args};

/// A field problem in a response, with its message in the requested language.
#[derive(Debug, Clone, Serialize)]
pub struct FieldMessage {
    pub field: String,
    pub code: String,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("not found")]
    NotFound,
    #[error("authentication required")]
    Unauthorized,
    #[error("not allowed")]
    Forbidden,
    #[error("CSRF check failed")]
    Csrf,
    #[error("state conflict: {0}")]
    Conflict(&'static str),
    #[error("request body too large")]
    PayloadTooLarge { max_megabytes: u64 },
    #[error("malformed request: {0}")]
    BadRequest(String),
    #[error("validation failed")]
    Validation(Vec<FieldMessage>),
    /// An approval found findings that the staff member had not seen on the page.
    #[error("new findings since the page was shown")]
    FindingsChanged,
    /// The renewal window is not open for this member today.
    #[error("renewal refused: {}", .0.code())]
    RenewalRefused(raline_domain::RenewalRefusal),
    /// The library no longer offers the member's type, so it cannot be renewed online.
    #[error("the member type is no longer offered")]
    RenewalUnavailable,
    /// Staff may not approve before the applicant verified the e-mail address.
    #[error("the e-mail address is not verified")]
    EmailUnverified,
    /// A member login with an unknown account or a wrong password; both get this error.
    #[error("wrong login or password")]
    InvalidLogin,
    /// Too many failed attempts from this account or address; the lock ends by itself.
    #[error("too many attempts")]
    TooManyAttempts,
    /// A signed card link that is malformed, forged or expired.
    #[error("card link invalid or expired")]
    CardLinkInvalid,
    /// A provider webhook whose signature does not match the configured secret.
    #[error("webhook signature invalid")]
    WebhookSignature,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl WebError {
    pub fn internal(error: impl std::fmt::Display) -> Self {
        WebError::Internal(error.to_string())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound | WebError::CardLinkInvalid => StatusCode::NOT_FOUND,
            WebError::Unauthorized | WebError::InvalidLogin | WebError::WebhookSignature => {
                StatusCode::UNAUTHORIZED
            }
            WebError::Forbidden | WebError::Csrf => StatusCode::FORBIDDEN,
            WebError::Conflict(_)
            | WebError::FindingsChanged
            | WebError::EmailUnverified
            | WebError::Store(
                StoreError::Conflict(_)
                | StoreError::IdentityAlreadyMember
                | StoreError::RenewalAlreadyOpen
                | StoreError::AlreadyRenewed
                | StoreError::MessageNotResendable
                | StoreError::MemberNumbersExhausted(_),
            ) => StatusCode::CONFLICT,
            WebError::RenewalRefused(_) | WebError::RenewalUnavailable => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            WebError::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
            WebError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::Store(error) if error.is_unavailable() => StatusCode::SERVICE_UNAVAILABLE,
            WebError::Store(_) | WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Returns the message for the client. Internal details never appear in it.
    pub fn message(&self, locale: Locale, reference: &str) -> String {
        match self {
            WebError::NotFound => t(locale, "http-not-found"),
            WebError::Unauthorized => t(locale, "http-unauthorized"),
            WebError::Forbidden => t(locale, "http-forbidden"),
            WebError::Csrf => t(locale, "http-csrf"),
            WebError::Conflict(_) | WebError::Store(StoreError::Conflict(_)) => {
                t(locale, "http-conflict")
            }
            WebError::FindingsChanged => t(locale, "error-findings_changed"),
            WebError::Store(StoreError::IdentityAlreadyMember) => {
                t(locale, "error-identity_already_member")
            }
            WebError::Store(StoreError::RenewalAlreadyOpen) => {
                t(locale, "error-renewal_already_open")
            }
            WebError::Store(StoreError::AlreadyRenewed) => t(locale, "error-renewal_already_done"),
            WebError::Store(StoreError::MessageNotResendable) => {
                t(locale, "delivery-not-resendable")
            }
            WebError::Store(StoreError::MemberNumbersExhausted(_)) => {
                t(locale, "error-member_numbers_exhausted")
            }
            WebError::CardLinkInvalid => t(locale, "card-link-invalid"),
            WebError::WebhookSignature => t(locale, "http-forbidden"),
            WebError::RenewalRefused(refusal) => renewal_refusal_message(locale, *refusal),
            WebError::EmailUnverified => t(locale, "error-email_unverified"),
            WebError::RenewalUnavailable => t(locale, "account-renewal-unavailable"),
            WebError::TooManyAttempts => t(locale, "error-too_many_attempts"),
            WebError::InvalidLogin => t(locale, "account-login-failed"),
            WebError::PayloadTooLarge { max_megabytes } => t_args(
                locale,
                "http-too-large",
                &[("max", i64::try_from(*max_megabytes).unwrap_or(0).into())],
            ),
            WebError::BadRequest(_) => t(locale, "http-bad-request"),
            WebError::Validation(fields) => fields
                .first()
                .map(|field| field.message.clone())
                .unwrap_or_default(),
            _ if self.status() == StatusCode::SERVICE_UNAVAILABLE => t(locale, "http-unavailable"),
            WebError::Store(_) | WebError::Internal(_) => {
                t_args(locale, "http-internal", &[("reference", reference.into())])
            }
        }
    }

    /// Logs server-side faults once, with the reference id shown to the client.
    pub fn log(&self, reference: &str) {
        if self.status().is_server_error() {
            tracing::error!(reference, error = %self, "request failed");
        } else if let WebError::BadRequest(detail) = self {
            tracing::debug!(reference, detail, "bad request");
        }
    }
}

/// Builds the staff message for a member who cannot renew today: the same dates as on the
/// member page, with advice for the desk.
pub fn staff_renewal_refusal_message(
    locale: Locale,
    refusal: raline_domain::RenewalRefusal,
) -> String {
    let (key, date) = match refusal {
        raline_domain::RenewalRefusal::TooEarly { opens_on } => {
            ("error-renewal_too_early", opens_on)
        }
        raline_domain::RenewalRefusal::TooLate { closed_on } => {
            ("staff-renewals-too-late", closed_on)
        }
    };
    t_args(
        locale,
        key,
        &[("date", crate::i18n::format_date(locale, date).into())],
    )
}

/// Tells the member why renewing is not possible today and from or until when it was.
pub fn renewal_refusal_message(locale: Locale, refusal: raline_domain::RenewalRefusal) -> String {
    let date = match refusal {
        raline_domain::RenewalRefusal::TooEarly { opens_on } => opens_on,
        raline_domain::RenewalRefusal::TooLate { closed_on } => closed_on,
    };
    t_args(
        locale,
        &format!("error-{}", refusal.code()),
        &[("date", crate::i18n::format_date(locale, date).into())],
    )
}

/// Creates a short random id that links a client-visible error to its log line.
pub fn new_reference() -> String {
    let bytes: [u8; 4] = rand::random();
    hex::encode_upper(bytes)
}

/// JSON error body of the API: `{"error": {code, message, reference}, "errors": [...]}`.
#[derive(Serialize)]
struct ApiErrorBody<'a> {
    error: ApiErrorDetail<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<&'a [FieldMessage]>,
}

#[derive(Serialize)]
struct ApiErrorDetail<'a> {
    code: &'a str,
    message: String,
    reference: &'a str,
}

/// Wraps an error for the JSON API.
pub struct ApiError {
    pub error: WebError,
    pub locale: Locale,
}

impl<E: Into<WebError>> From<E> for ApiError {
    fn from(error: E) -> Self {
        ApiError {
            error: error.into(),
            locale: Locale::Id,
        }
    }
}

impl WebError {
    fn code(&self) -> &'static str {
        match self {
            WebError::NotFound => "not_found",
            WebError::Unauthorized => "unauthorized",
            WebError::Forbidden => "forbidden",
            WebError::Csrf => "csrf",
            WebError::Conflict(_) | WebError::Store(StoreError::Conflict(_)) => "conflict",
            WebError::FindingsChanged => "findings_changed",
            WebError::Store(StoreError::IdentityAlreadyMember) => "identity_already_member",
            WebError::Store(StoreError::RenewalAlreadyOpen) => "renewal_already_open",
            WebError::Store(StoreError::AlreadyRenewed) => "renewal_already_done",
            WebError::Store(StoreError::MessageNotResendable) => "message_not_resendable",
            WebError::Store(StoreError::MemberNumbersExhausted(_)) => "member_numbers_exhausted",
            WebError::CardLinkInvalid => "card_link_invalid",
            WebError::WebhookSignature => "invalid_signature",
            WebError::RenewalRefused(refusal) => refusal.code(),
            WebError::EmailUnverified => "email_unverified",
            WebError::RenewalUnavailable => "member_type_unavailable",
            WebError::TooManyAttempts => "too_many_attempts",
            WebError::InvalidLogin => "invalid_login",
            WebError::PayloadTooLarge { .. } => "payload_too_large",
            WebError::BadRequest(_) => "bad_request",
            WebError::Validation(_) => "validation_failed",
            _ if self.status() == StatusCode::SERVICE_UNAVAILABLE => "unavailable",
            WebError::Store(_) | WebError::Internal(_) => "internal",
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let reference = new_reference();
        self.error.log(&reference);
        let errors = match &self.error {
            WebError::Validation(fields) => Some(fields.as_slice()),
            _ => None,
        };
        let body = ApiErrorBody {
            error: ApiErrorDetail {
                code: self.error.code(),
                message: self.error.message(self.locale, &reference),
                reference: &reference,
            },
            errors,
        };
        let mut response = (self.error.status(), axum::Json(body)).into_response();
        if matches!(self.error, WebError::Unauthorized) {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}
