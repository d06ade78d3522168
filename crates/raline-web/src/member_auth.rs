//! Member authentication: the login check with its throttles, the session cookie for pages
//! and bearer tokens for the API.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use raline_store::{MemberRecord, SessionKind};
use time::OffsetDateTime;

use crate::AppState;
use crate::auth::{bearer_token, verify_password};
use crate::error::{ApiError, WebError};
use crate::pages::{PageError, cookie, request_locale};

pub const MEMBER_COOKIE: &str = "raline_member";

/// Failed logins per account before it is locked for the window (15 minutes).
pub const ACCOUNT_FAILURES: u32 = 5;

/// Failed logins, or password reset requests, per client address before it is locked.
pub const ADDRESS_FAILURES: u32 = 20;

/// How long a member stays logged in on a browser, and how long an API token works.
pub const MEMBER_SESSION_LIFETIME: time::Duration = time::Duration::days(7);
pub const MEMBER_TOKEN_LIFETIME: time::Duration = time::Duration::days(30);

/// Reason a login failed. Unknown accounts and wrong passwords are the same failure, so that
/// no one learns which member numbers or e-mail addresses exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginFailure {
    WrongCredentials,
    /// Too many failures for this account or from this address; the lock ends by itself.
    Locked,
}

/// Returns the client's address: the configured proxy header's last value when set, else the
/// peer address of the connection. `None` in tests that call the router without a connection.
pub fn client_address(state: &AppState, parts: &Parts) -> Option<IpAddr> {
    if let Some(header) = &state.config().client_ip_header {
        // The proxy appends the address it saw, so the last entry is the one to trust.
        let forwarded = parts
            .headers
            .get_all(header.as_str())
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .filter_map(|value| value.trim().parse::<IpAddr>().ok())
            .next_back();
        if forwarded.is_some() {
            return forwarded;
        }
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip())
}

/// Extractor for the client address, for handlers that throttle by it.
pub struct ClientAddress(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(client_address(state, parts)))
    }
}

fn address_key(address: Option<IpAddr>) -> String {
    address.map_or_else(
        || "address:unknown".to_owned(),
        |ip| format!("address:{ip}"),
    )
}

fn account_key(login: &str) -> String {
    format!("account:{}", login.trim().to_lowercase())
}

/// Checks a member number or e-mail address and password, with the account and address
/// throttles. Every path verifies one Argon2id hash at least, so timing does not tell
/// whether the account exists.
pub async fn authenticate(
    state: &AppState,
    login: &str,
    password: &str,
    address: Option<IpAddr>,
) -> Result<MemberRecord, LoginFailure> {
    let address = address_key(address);
    let throttle = state.member_throttle();
    if throttle.addresses.is_locked(&address) {
        tracing::warn!("member login locked: too many failed attempts from this address");
        return Err(LoginFailure::Locked);
    }

    let candidates = match state.store().members_for_login(login).await {
        Ok(candidates) => candidates,
        Err(error) => {
            tracing::error!(%error, "member login lookup failed");
            Vec::new()
        }
    };
    // Failures are counted by member id, so logins by member number and by e-mail add up.
    // A login that matches no member is counted as typed.
    let accounts: Vec<String> = if candidates.is_empty() {
        vec![account_key(login)]
    } else {
        candidates
            .iter()
            .map(|candidate| format!("member:{}", candidate.member.id))
            .collect()
    };
    if accounts.iter().any(|key| throttle.accounts.is_locked(key)) {
        tracing::warn!("member login locked: too many failed attempts for this account");
        return Err(LoginFailure::Locked);
    }

    // One hash is verified per candidate, and one dummy hash when there is none, so the
    // time taken does not tell whether the login exists.
    if candidates.is_empty() {
        let _ = verify_password(crate::staff::DUMMY_HASH.clone(), password.to_owned()).await;
    }
    let mut member = None;
    for candidate in candidates {
        if !candidate.password_hash.is_empty()
            && verify_password(candidate.password_hash, password.to_owned()).await
        {
            member = Some(candidate.member);
            break;
        }
    }

    match member {
        Some(member) => {
            // Only the account that logged in is cleared: another member sharing the
            // address keeps its count.
            throttle
                .accounts
                .record_success(&format!("member:{}", member.id));
            tracing::info!(member_id = member.id, "member logged in");
            offer_portal_password(state, member.id, password).await;
            Ok(member)
        }
        None => {
            for key in &accounts {
                throttle.accounts.record_failure(key);
            }
            throttle.addresses.record_failure(&address);
            tracing::info!("member login failed");
            Err(LoginFailure::WrongCredentials)
        }
    }
}

/// Hands the password the member just typed to INLISLite's portal login, when the library
/// enabled that login. RALINE keeps only Argon2id hashes, so a login or a password reset is
/// the only moment the portal's SHA-1 can be made; it waits in the sync row until written.
pub(crate) async fn offer_portal_password(state: &AppState, member_id: i64, password: &str) {
    let Some(connector) = state.config().inlislite.as_ref() else {
        return;
    };
    if !connector.settings().portal_login {
        return;
    }
    let hash = raline_inlislite::database::sha1_hex(password);
    if let Err(error) = state
        .store()
        .request_inlislite_portal_password(member_id, &hash, time::OffsetDateTime::now_utc())
        .await
    {
        tracing::warn!(member_id, %error, "the portal password could not be queued for INLISLite");
    }
}

/// Counts a password reset request against the client address; returns false once the
/// address made too many.
pub fn allow_reset_request(state: &AppState, address: Option<IpAddr>) -> bool {
    let key = format!("reset:{}", address_key(address));
    let throttle = &state.member_throttle().addresses;
    if throttle.is_locked(&key) {
        return false;
    }
    throttle.record_failure(&key);
    true
}

/// Maximum e-mails of one kind (`reset`, `verify`) sent to a member within the lock window,
/// so the forms cannot be used to flood a mailbox.
pub const MEMBER_MAILS: u32 = 3;

/// Counts an e-mail of `kind` to a member. Returns false once the member received
/// [`MEMBER_MAILS`] of them within the window.
pub fn allow_member_mail(state: &AppState, kind: &str, member_id: i64) -> bool {
    let key = format!("mail:{kind}:{member_id}");
    let throttle = &state.member_throttle().mails;
    if throttle.is_locked(&key) {
        tracing::info!(
            member_id,
            kind,
            "member e-mail skipped: too many in a short time"
        );
        return false;
    }
    throttle.record_failure(&key);
    true
}

/// The throttles of member logins, per account and per client address.
pub struct MemberThrottle {
    pub accounts: crate::throttle::LoginThrottle,
    pub addresses: crate::throttle::LoginThrottle,
    pub mails: crate::throttle::LoginThrottle,
}

impl Default for MemberThrottle {
    fn default() -> Self {
        MemberThrottle {
            accounts: crate::throttle::LoginThrottle::with_limit(ACCOUNT_FAILURES),
            addresses: crate::throttle::LoginThrottle::with_limit(ADDRESS_FAILURES),
            mails: crate::throttle::LoginThrottle::with_limit(MEMBER_MAILS),
        }
    }
}

/// A member logged in through the session cookie.
pub struct MemberUser {
    pub member: MemberRecord,
    pub csrf_token: String,
}

impl FromRequestParts<AppState> for MemberUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Some(token) = cookie(&parts.headers, MEMBER_COOKIE) else {
            return Err(Redirect::to("/akun/masuk").into_response());
        };
        let session = state
            .store()
            .member_session(token, SessionKind::Cookie, OffsetDateTime::now_utc())
            .await
            .map_err(|error| {
                PageError::new(error.into(), request_locale(&parts.headers)).into_response()
            })?;
        match session {
            Some(session) => Ok(MemberUser {
                member: session.member,
                csrf_token: session.csrf_token,
            }),
            None => Err(Redirect::to("/akun/masuk").into_response()),
        }
    }
}

impl MemberUser {
    pub fn check_csrf(&self, submitted: &str) -> Result<(), WebError> {
        if crate::auth::constant_time_eq(self.csrf_token.as_bytes(), submitted.as_bytes()) {
            Ok(())
        } else {
            Err(WebError::Csrf)
        }
    }
}

/// A member calling the API with a token from `POST /api/v1/session`.
pub struct ApiMember(pub MemberRecord);

impl FromRequestParts<AppState> for ApiMember {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer_token(&parts.headers).ok_or(WebError::Unauthorized)?;
        let session = state
            .store()
            .member_session(token, SessionKind::Api, OffsetDateTime::now_utc())
            .await?;
        session
            .map(|session| ApiMember(session.member))
            .ok_or_else(|| WebError::Unauthorized.into())
    }
}

/// Builds the `Set-Cookie` value of a member session.
pub fn member_cookie(state: &AppState, token: &str, max_age_seconds: i64) -> String {
    let secure = if state.config().base_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    // Lax, not Strict: a member who follows the renewal link in a reminder e-mail arrives
    // logged in.
    format!(
        "{MEMBER_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_seconds}{secure}"
    )
}
