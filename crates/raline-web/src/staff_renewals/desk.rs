//! The desk: finding a member, the member's page with the renewal window and history, and a
//! renewal that staff make (and approve) for a member who came to the library.

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use raline_domain::RenewalQuote;
use raline_store::{MemberRecord, RenewalChannel, StoreError};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{fee_label, history_rows, in_locale, is_open, term_label};
use crate::AppState;
use crate::auth::StaffUser;
use crate::error::{WebError, staff_renewal_refusal_message};
use crate::i18n::{Locale, format_date, t};
use crate::pages::{Lang, PageError, render};
use crate::renewal::{self, DeskRenewal};
use crate::staff_delivery;
use crate::staff_inlislite::{self, MemberSectionPage};

/// Maximum number of members listed for one search. More members share one e-mail address only
/// in unusual cases.
const MAX_SEARCH_RESULTS: i64 = 20;

/// Longest accepted search text; member numbers and e-mail addresses are far shorter.
const MAX_QUERY_CHARS: usize = 254;

#[derive(Deserialize)]
pub struct SearchQuery {
    cari: Option<String>,
}

#[derive(Serialize)]
struct MemberRow {
    member_number: String,
    full_name: String,
    member_type: String,
    valid_until: String,
}

/// `GET /staf/anggota?cari=…`: finds members by member number or e-mail address. A single
/// hit opens the member's page.
pub async fn search(
    State(state): State<AppState>,
    Lang(locale): Lang,
    user: StaffUser,
    Query(query): Query<SearchQuery>,
) -> Result<Response, PageError> {
    let text = query.cari.as_deref().map(str::trim).unwrap_or_default();
    let members = if text.is_empty() || text.chars().count() > MAX_QUERY_CHARS {
        Vec::new()
    } else {
        state
            .store()
            .search_members(text, MAX_SEARCH_RESULTS)
            .await
            .map_err(in_locale(locale))?
    };
    if let [member] = members.as_slice() {
        let target = format!("/staf/anggota/{}", member.member_number);
        return Ok(Redirect::to(&target).into_response());
    }

    let rows: Vec<MemberRow> = members
        .iter()
        .map(|member| MemberRow {
            member_number: member.member_number.clone(),
            full_name: member.full_name.clone(),
            member_type: state.config().member_type_name(&member.member_type),
            valid_until: format_date(locale, member.valid_until),
        })
        .collect();
    let html = render(
        &state,
        locale,
        "staff_member_search.html",
        minijinja::context! {
            query => text,
            searched => !text.is_empty(),
            rows,
            staff_name => &user.staff.username,
            staff_admin => crate::staff_delivery::is_admin(&user),
            csrf => &user.csrf_token,
        },
    )
    .map_err(in_locale(locale))?;
    Ok(html.into_response())
}

#[derive(Deserialize)]
pub struct MemberQuery {
    /// Id of the desk renewal just made, set by the redirect of `renew`.
    diperpanjang: Option<i64>,
    /// Notice after a resend, set by the redirect of `staff_delivery::resend`.
    pengiriman: Option<String>,
    /// Notice after a sync request, set by the redirect of `staff_inlislite::resync_member`.
    inlislite: Option<String>,
}

/// `GET /staf/anggota/{number}`: the member, the renewal window, the history and the desk
/// renewal form.
pub async fn member(
    State(state): State<AppState>,
    Lang(locale): Lang,
    user: StaffUser,
    Path(number): Path<String>,
    Query(query): Query<MemberQuery>,
) -> Result<Html<String>, PageError> {
    let member = member_by_number(&state, locale, &number).await?;
    let mut message = PageMessage::None;
    if let Some(renewal_id) = query.diperpanjang {
        let renewal = state
            .store()
            .renewal(renewal_id)
            .await
            .map_err(in_locale(locale))?
            .filter(|renewal| renewal.member_id == member.id);
        if let Some(valid_until) = renewal.and_then(|renewal| renewal.new_valid_until) {
            message = PageMessage::Renewed(format_date(locale, valid_until));
        }
    }
    let notices = Notices {
        delivery: query.pengiriman.as_deref(),
        inlislite: query.inlislite.as_deref(),
    };
    member_page(&state, locale, &user, &member, message, notices).await
}

#[derive(Deserialize)]
pub struct RenewForm {
    csrf: String,
    /// Random key of one rendering of the form, so that a double click renews once.
    #[serde(default)]
    submission_key: String,
    /// Present when the "fee paid" box is ticked.
    #[serde(default)]
    paid: Option<String>,
}

/// `POST /staf/anggota/{number}/perpanjang`: renews at the desk, approved at once by the
/// staff member. Success redirects to the member's page, which shows the new end date.
/// A closed window, an open renewal or a repeated form is shown as a message on that page.
pub async fn renew(
    State(state): State<AppState>,
    Lang(locale): Lang,
    user: StaffUser,
    Path(number): Path<String>,
    Form(form): Form<RenewForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&form.csrf).map_err(in_locale(locale))?;
    let member = member_by_number(&state, locale, &number).await?;
    // Only keys this page generated are used: the column is unique across all members.
    let key = form.submission_key.trim();
    let submission_key =
        (key.len() == 64 && key.bytes().all(|byte| byte.is_ascii_hexdigit())).then_some(key);
    let desk = DeskRenewal {
        staff_id: user.staff.id,
        paid: form.paid.is_some(),
    };

    let result = renewal::submit(
        &state,
        &member,
        &[],
        submission_key,
        RenewalChannel::Desk,
        Some(desk),
        locale,
    )
    .await;
    let (status, message, outcome) = match result {
        Ok(submitted) => {
            let target = format!(
                "/staf/anggota/{}?diperpanjang={}",
                member.member_number, submitted.id
            );
            return Ok(Redirect::to(&target).into_response());
        }
        Err(WebError::RenewalRefused(refusal)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            PageMessage::Error(staff_renewal_refusal_message(locale, refusal)),
            refusal.code(),
        ),
        Err(WebError::Store(StoreError::RenewalAlreadyOpen)) => (
            StatusCode::CONFLICT,
            PageMessage::Error(t(locale, "staff-renewals-already-open")),
            "renewal_already_open",
        ),
        // The same form sent twice: the first request renewed, so this one finds the
        // renewal already decided.
        Err(WebError::Store(StoreError::Conflict(_))) => (
            StatusCode::CONFLICT,
            PageMessage::Error(t(locale, "staff-members-already-renewed")),
            "already_decided",
        ),
        Err(WebError::Conflict(_)) => (
            StatusCode::CONFLICT,
            PageMessage::Error(t(locale, "staff-members-type-missing")),
            "member_type_missing",
        ),
        Err(error) => return Err(PageError::new(error, locale)),
    };
    tracing::info!(
        member_id = member.id,
        staff_id = user.staff.id,
        outcome,
        "desk renewal not made"
    );
    let html = member_page(&state, locale, &user, &member, message, Notices::default()).await?;
    Ok((status, html).into_response())
}

async fn member_by_number(
    state: &AppState,
    locale: Locale,
    number: &str,
) -> Result<MemberRecord, PageError> {
    state
        .store()
        .member_by_number(number)
        .await
        .map_err(in_locale(locale))?
        .ok_or_else(|| PageError::new(WebError::NotFound, locale))
}

/// A notice at the top of the member's page.
enum PageMessage {
    None,
    /// A desk renewal succeeded; the new end date, formatted.
    Renewed(String),
    Error(String),
}

/// The renewal window as the member's page shows it.
#[derive(Serialize)]
struct WindowFacts {
    opens_on: String,
    closes_on: String,
    new_valid_until: String,
    term: String,
    fee: String,
    has_fee: bool,
}

impl WindowFacts {
    fn new(locale: Locale, quote: &RenewalQuote) -> Self {
        WindowFacts {
            opens_on: format_date(locale, quote.opens_on),
            closes_on: format_date(locale, quote.closes_on),
            new_valid_until: format_date(locale, quote.new_valid_until),
            term: term_label(locale, quote.term),
            fee: fee_label(locale, i64::from(quote.fee_rupiah)),
            has_fee: quote.fee_rupiah > 0,
        }
    }
}

/// Query values that the redirects of the member page's sections set.
#[derive(Default)]
struct Notices<'a> {
    /// The `pengiriman` value of a resend.
    delivery: Option<&'a str>,
    /// The `inlislite` value of a sync request.
    inlislite: Option<&'a str>,
}

/// Renders the member's page.
async fn member_page(
    state: &AppState,
    locale: Locale,
    user: &StaffUser,
    member: &MemberRecord,
    message: PageMessage,
    notices: Notices<'_>,
) -> Result<Html<String>, PageError> {
    let store = state.store();
    let now = OffsetDateTime::now_utc();
    let today = raline_domain::dates::wib_date(now);

    let (window, window_closed) = match renewal::quote(state, member, now) {
        Ok(Ok(quote)) => (Some(WindowFacts::new(locale, &quote)), None),
        Ok(Err(refusal)) => (None, Some(staff_renewal_refusal_message(locale, refusal))),
        Err(WebError::Conflict(_)) => (None, Some(t(locale, "staff-members-type-missing"))),
        Err(error) => return Err(PageError::new(error, locale)),
    };
    let history = store
        .renewals_of_member(member.id)
        .await
        .map_err(in_locale(locale))?;
    let open_renewal = history
        .iter()
        .find(|renewal| is_open(renewal))
        .map(|renewal| renewal.id);
    let correction_open = !store
        .identity_corrections(Some(member.id), true)
        .await
        .map_err(in_locale(locale))?
        .is_empty();
    let (renewed_until, error) = match message {
        PageMessage::None => (None, None),
        PageMessage::Renewed(date) => (Some(date), None),
        PageMessage::Error(text) => (None, Some(text)),
    };
    let deliveries = staff_delivery::render_member_deliveries(
        state,
        locale,
        user,
        member,
        &format!("/staf/anggota/{}", member.member_number),
        notices.delivery,
    )
    .await
    .map_err(in_locale(locale))?;
    let inlislite = staff_inlislite::render_member_section(
        state,
        locale,
        user,
        member,
        MemberSectionPage::Member,
        notices.inlislite,
    )
    .await
    .map_err(in_locale(locale))?;
    let phone = if member.phone == member.phone_e164 {
        member.phone.clone()
    } else {
        format!("{} ({})", member.phone, member.phone_e164)
    };

    render(
        state,
        locale,
        "staff_member.html",
        minijinja::context! {
            member_number => &member.member_number,
            full_name => &member.full_name,
            member_type => state.config().member_type_name(&member.member_type),
            registered_on => format_date(locale, member.registered_on),
            valid_until => format_date(locale, member.valid_until),
            active => member.valid_until >= today,
            email => &member.email,
            phone,
            can_renew => window.is_some() && open_renewal.is_none(),
            window,
            window_closed,
            open_renewal,
            correction_open,
            history => history_rows(locale, &history),
            renewed_until,
            error,
            submission_key => raline_store::random_token(),
            deliveries,
            inlislite,
            staff_name => &user.staff.username,
            staff_admin => staff_delivery::is_admin(user),
            csrf => &user.csrf_token,
        },
    )
    .map_err(in_locale(locale))
}
