//! The overview page (sync state, counts, problems, the export form and earlier exports),
//! the sync buttons, and the INLISLite section of the member and application pages.

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::Value;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use raline_store::{ExportRecord, MemberRecord, SyncReason, SyncState, SyncStatus};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::export::{ExportFormView, selection_label};
use super::{FailureText, Notice, NoticeQuery, NoticeView, failure_text, is_admin, parse_id};
use crate::AppState;
use crate::auth::StaffUser;
use crate::error::WebError;
use crate::i18n::{Locale, format_instant, t, t_args};
use crate::pages::{Lang, PageError, in_locale, render};

/// Most problems listed on the overview, newest first.
const MAX_PROBLEMS_LISTED: i64 = 200;

/// Most earlier exports listed on the overview, newest first.
const MAX_EXPORTS_LISTED: i64 = 50;

/// Path of the overview page.
const OVERVIEW_PATH: &str = "/staf/inlislite";

/// Whether this server can reach INLISLite's database and whether the sync is switched on.
#[derive(Serialize)]
struct SyncSummary {
    configured: bool,
    enabled: bool,
    text: String,
    /// Shown as a warning: switched on without a database on this server.
    warn: bool,
}

async fn sync_summary(state: &AppState, locale: Locale) -> Result<SyncSummary, WebError> {
    let configured = state.config().inlislite.is_some();
    let enabled = state.store().inlislite_sync_enabled().await?;
    let key = match (configured, enabled) {
        (true, true) => "inlislite-sync-on",
        (true, false) => "inlislite-sync-off",
        (false, true) => "inlislite-sync-on-unconfigured",
        (false, false) => "inlislite-sync-not-configured",
    };
    Ok(SyncSummary {
        configured,
        enabled,
        text: t(locale, key),
        warn: enabled && !configured,
    })
}

/// Member counts per sync state. `waiting` leaves out the members being retried.
#[derive(Serialize)]
struct CountsView {
    synced: i64,
    waiting: i64,
    retrying: i64,
    failed: i64,
    never: i64,
}

/// A member whose sync failed or keeps failing.
#[derive(Serialize)]
struct ProblemRow {
    member_id: i64,
    member_number: String,
    /// Link to the member's page.
    member_url: String,
    state_label: String,
    failed: bool,
    failure: Option<FailureText>,
    last_attempt_at: Option<String>,
    attempts: i64,
}

/// Returns the label of a sync state. A pending member whose last attempt failed is labelled
/// as retried.
fn state_label(locale: Locale, status: &SyncStatus) -> String {
    let key = match status.state {
        SyncState::Synced => "inlislite-state-synced",
        SyncState::Failed => "inlislite-state-failed",
        SyncState::Pending if status.last_error_code.is_some() => "inlislite-state-retrying",
        SyncState::Pending => "inlislite-state-pending",
    };
    t(locale, key)
}

fn problem_rows(locale: Locale, problems: &[SyncStatus]) -> Vec<ProblemRow> {
    problems
        .iter()
        .map(|status| ProblemRow {
            member_id: status.member_id,
            member_number: status.member_number.clone(),
            member_url: member_path(&status.member_number),
            state_label: state_label(locale, status),
            failed: status.state == SyncState::Failed,
            failure: status
                .last_error_code
                .as_deref()
                .map(|code| failure_text(locale, code, status.last_error.as_deref())),
            last_attempt_at: status
                .last_attempt_at
                .map(|instant| format_instant(locale, instant)),
            attempts: status.attempts,
        })
        .collect()
}

/// An earlier import file in the overview's list.
#[derive(Serialize)]
struct ExportRow {
    id: i64,
    created_at: String,
    staff: String,
    selection: String,
    member_count: i64,
}

fn export_rows(locale: Locale, exports: &[ExportRecord]) -> Vec<ExportRow> {
    exports
        .iter()
        .map(|export| ExportRow {
            id: export.id,
            created_at: format_instant(locale, export.created_at),
            staff: export.staff_username.clone(),
            selection: selection_label(locale, export),
            member_count: export.member_count,
        })
        .collect()
}

/// `GET /staf/inlislite`: the overview.
pub async fn show(
    State(state): State<AppState>,
    Lang(locale): Lang,
    user: StaffUser,
    Query(query): Query<NoticeQuery>,
) -> Result<Html<String>, PageError> {
    let notice = query.notice().map(|notice| notice.view(locale));
    overview_page(&state, locale, &user, &ExportFormView::default(), notice).await
}

/// Renders the overview with the export form as given, so that a rejected export shows the
/// form again with its values and message.
pub(super) async fn overview_page(
    state: &AppState,
    locale: Locale,
    user: &StaffUser,
    export_form: &ExportFormView,
    notice: Option<NoticeView>,
) -> Result<Html<String>, PageError> {
    let store = state.store();
    let sync = sync_summary(state, locale)
        .await
        .map_err(in_locale(locale))?;
    let counts = store
        .inlislite_sync_counts()
        .await
        .map_err(in_locale(locale))?;
    let problems = store
        .inlislite_sync_problems(MAX_PROBLEMS_LISTED)
        .await
        .map_err(in_locale(locale))?;
    let new_count = store
        .count_inlislite_export(raline_store::ExportSelection::New)
        .await
        .map_err(in_locale(locale))?;
    let exports = store
        .inlislite_exports(MAX_EXPORTS_LISTED)
        .await
        .map_err(in_locale(locale))?;
    let listed = i64::try_from(problems.len()).unwrap_or(i64::MAX);

    render(
        state,
        locale,
        "staff_inlislite.html",
        minijinja::context! {
            sync,
            counts => CountsView {
                synced: counts.synced,
                waiting: counts.pending - counts.retrying,
                retrying: counts.retrying,
                failed: counts.failed,
                never: counts.never,
            },
            problems => problem_rows(locale, &problems),
            problems_limited => listed >= MAX_PROBLEMS_LISTED,
            problems_listed => listed,
            export_form,
            new_count,
            exports => export_rows(locale, &exports),
            notice,
            staff_name => &user.staff.username,
            staff_admin => is_admin(user),
            csrf => &user.csrf_token,
        },
    )
    .map_err(in_locale(locale))
}

// ---------------------------------------------------------------------------------------
// Sync buttons

/// Characters of a member number kept as they are in a path segment: the unreserved set of
/// RFC 3986. Member numbers are Code 39 characters, of which `/`, space, `+`, `$` and `%`
/// need encoding.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Returns the path of a member's staff page.
pub(super) fn member_path(member_number: &str) -> String {
    format!(
        "/staf/anggota/{}",
        utf8_percent_encode(member_number, PATH_SEGMENT)
    )
}

/// The page a member section is on, where its button returns to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberSectionPage {
    /// `/staf/anggota/{number}`.
    Member,
    /// `/staf/pendaftaran/{id}` of the application the member came from.
    Application,
}

impl MemberSectionPage {
    /// Value of the form's `back` field.
    fn code(self) -> &'static str {
        match self {
            MemberSectionPage::Member => "anggota",
            MemberSectionPage::Application => "pendaftaran",
        }
    }

    /// Reads the form's `back` field. Anything else returns to the overview, so the form
    /// cannot redirect to another site.
    fn parse(value: &str) -> Option<Self> {
        match value {
            "anggota" => Some(MemberSectionPage::Member),
            "pendaftaran" => Some(MemberSectionPage::Application),
            _ => None,
        }
    }

    fn path(self, member: &MemberRecord) -> String {
        match self {
            MemberSectionPage::Member => member_path(&member.member_number),
            MemberSectionPage::Application => {
                format!("/staf/pendaftaran/{}", member.application_id)
            }
        }
    }
}

/// Returns the redirect target: `path` with the notice in its query and the section that
/// shows it as the fragment (`#inlislite` on member pages, `#sinkronisasi` on the overview).
fn with_notice(path: &str, notice: Notice, fragment: &str) -> String {
    format!("{path}?{}#{fragment}", notice.query())
}

#[derive(Deserialize)]
pub struct ResyncForm {
    /// Missing fields become empty, so a form without the token fails the CSRF check (403)
    /// instead of the form parser (422).
    #[serde(default)]
    csrf: String,
    /// `anggota` or `pendaftaran`. Any other value returns to the overview.
    #[serde(default)]
    back: String,
}

/// `POST /staf/inlislite/anggota/{member_id}/sinkronkan`: queues the member's sync again and
/// returns to the page the form came from. With the sync switched off nothing is queued, and
/// the page shows a notice instead.
pub async fn resync_member(
    State(state): State<AppState>,
    Lang(locale): Lang,
    user: StaffUser,
    Path(member_id): Path<String>,
    Form(form): Form<ResyncForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&form.csrf).map_err(in_locale(locale))?;
    let member_id = parse_id(&member_id, locale)?;
    let member = state
        .store()
        .member(member_id)
        .await
        .map_err(in_locale(locale))?
        .ok_or_else(|| PageError::new(WebError::NotFound, locale))?;
    let (back, fragment) = match MemberSectionPage::parse(&form.back) {
        Some(page) => (page.path(&member), "inlislite"),
        None => (OVERVIEW_PATH.to_owned(), "sinkronisasi"),
    };

    if !state
        .store()
        .inlislite_sync_enabled()
        .await
        .map_err(in_locale(locale))?
    {
        let location = with_notice(&back, Notice::SyncOff, fragment);
        return Ok(Redirect::to(&location).into_response());
    }
    state
        .store()
        .request_inlislite_sync(member.id, SyncReason::Staff, OffsetDateTime::now_utc())
        .await
        .map_err(in_locale(locale))?;
    tracing::info!(
        staff_id = user.staff.id,
        member_id = member.id,
        "INLISLite sync requested by staff"
    );
    Ok(Redirect::to(&with_notice(&back, Notice::Requested, fragment)).into_response())
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /staf/inlislite/coba-lagi`: queues every failed member again, after someone fixed
/// what stopped them.
pub async fn retry_failed(
    State(state): State<AppState>,
    Lang(locale): Lang,
    user: StaffUser,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&form.csrf).map_err(in_locale(locale))?;
    if !state
        .store()
        .inlislite_sync_enabled()
        .await
        .map_err(in_locale(locale))?
    {
        let location = with_notice(OVERVIEW_PATH, Notice::SyncOff, "sinkronisasi");
        return Ok(Redirect::to(&location).into_response());
    }
    let queued = state
        .store()
        .retry_failed_inlislite_syncs(OffsetDateTime::now_utc())
        .await
        .map_err(in_locale(locale))?;
    tracing::info!(
        staff_id = user.staff.id,
        queued,
        "failed INLISLite syncs queued again by staff"
    );
    let location = with_notice(OVERVIEW_PATH, Notice::Retried(queued), "sinkronisasi");
    Ok(Redirect::to(&location).into_response())
}

// ---------------------------------------------------------------------------------------
// The section on a member's page

/// A member's sync state as the section shows it.
#[derive(Serialize)]
struct MemberSync {
    /// `synced`, `pending`, `failed` or `none`, for the badge's style and tests.
    state: &'static str,
    label: String,
    text: String,
    /// Reason of the last failed attempt, for a failed or retried member.
    failure: Option<FailureText>,
}

fn member_sync(
    locale: Locale,
    status: Option<&SyncStatus>,
    enabled: bool,
    now: OffsetDateTime,
) -> MemberSync {
    let Some(status) = status else {
        let key = if enabled {
            "inlislite-member-never-on"
        } else {
            "inlislite-member-never-off"
        };
        return MemberSync {
            state: "none",
            label: t(locale, "inlislite-state-never"),
            text: t(locale, key),
            failure: None,
        };
    };
    let failure = status
        .last_error_code
        .as_deref()
        .map(|code| failure_text(locale, code, status.last_error.as_deref()));
    let text = match status.state {
        SyncState::Synced => {
            let date = format_instant(locale, status.synced_at.unwrap_or(status.updated_at));
            match status.inlislite_id {
                Some(id) => t_args(
                    locale,
                    "inlislite-member-synced",
                    &[("date", date.into()), ("number", id.into())],
                ),
                None => t_args(
                    locale,
                    "inlislite-member-synced-no-id",
                    &[("date", date.into())],
                ),
            }
        }
        SyncState::Pending if status.attempts == 0 => t(locale, "inlislite-member-pending-first"),
        SyncState::Pending if status.next_attempt_at > now => t_args(
            locale,
            "inlislite-member-pending",
            &[
                ("count", status.attempts.into()),
                (
                    "date",
                    format_instant(locale, status.next_attempt_at).into(),
                ),
            ],
        ),
        SyncState::Pending => t_args(
            locale,
            "inlislite-member-pending-due",
            &[("count", status.attempts.into())],
        ),
        SyncState::Failed => {
            let at = status.last_attempt_at.unwrap_or(status.updated_at);
            t_args(
                locale,
                "inlislite-member-failed",
                &[
                    ("date", format_instant(locale, at).into()),
                    ("count", status.attempts.into()),
                ],
            )
        }
    };
    // The member's old INLISLite card no longer scans once the row carries RALINE's number.
    let text = match &status.previous_member_number {
        Some(number) => format!(
            "{text} {}",
            t_args(
                locale,
                "inlislite-member-renumbered",
                &[("number", number.as_str().into())]
            )
        ),
        None => text,
    };
    MemberSync {
        state: status.state.as_str(),
        label: state_label(locale, status),
        text,
        failure: match status.state {
            SyncState::Synced => None,
            SyncState::Pending | SyncState::Failed => failure,
        },
    }
}

/// Renders the INLISLite section of a member's page or of the application that made the
/// member: the sync state, the import files that held the member and the resync button.
/// `notice` is the `inlislite` query value of the page.
pub async fn render_member_section(
    state: &AppState,
    locale: Locale,
    user: &StaffUser,
    member: &MemberRecord,
    page: MemberSectionPage,
    notice: Option<&str>,
) -> Result<Value, WebError> {
    let enabled = state.store().inlislite_sync_enabled().await?;
    let status = state.store().inlislite_sync_status(member.id).await?;
    let exports = state.store().inlislite_exports_of_member(member.id).await?;
    let notice = Notice::parse(notice, None)
        .filter(|notice| matches!(notice, Notice::Requested | Notice::SyncOff))
        .map(|notice| notice.view(locale));
    let sync = member_sync(locale, status.as_ref(), enabled, OffsetDateTime::now_utc());

    let html = render(
        state,
        locale,
        "staff_inlislite_member.html",
        minijinja::context! {
            sync,
            enabled,
            exports,
            notice,
            member_id => member.id,
            back => page.code(),
            csrf => &user.csrf_token,
        },
    )?;
    Ok(Value::from_safe_string(html.0))
}

/// Renders the overview again with a rejected export form.
pub(super) async fn rejected_export(
    state: &AppState,
    locale: Locale,
    user: &StaffUser,
    export_form: &ExportFormView,
) -> Result<Response, PageError> {
    let html = overview_page(state, locale, user, export_form, None).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn status(state: SyncState) -> SyncStatus {
        SyncStatus {
            member_id: 7,
            member_number: "26120400001".into(),
            state,
            reason: SyncReason::Approved,
            attempts: 0,
            next_attempt_at: datetime!(2026-12-04 03:00 UTC),
            last_attempt_at: None,
            last_error_code: None,
            last_error: None,
            inlislite_id: None,
            previous_member_number: None,
            synced_at: None,
            updated_at: datetime!(2026-12-04 03:00 UTC),
        }
    }

    #[test]
    fn member_paths_encode_the_number() {
        assert_eq!(member_path("26120400001"), "/staf/anggota/26120400001");
        assert_eq!(member_path("AB/12 3"), "/staf/anggota/AB%2F12%203");
    }

    #[test]
    fn back_accepts_only_known_pages() {
        assert_eq!(
            MemberSectionPage::parse("anggota"),
            Some(MemberSectionPage::Member)
        );
        assert_eq!(
            MemberSectionPage::parse("pendaftaran"),
            Some(MemberSectionPage::Application)
        );
        for value in ["", "/staf", "https://evil.example", "Anggota"] {
            assert_eq!(MemberSectionPage::parse(value), None, "{value:?}");
        }
    }

    #[test]
    fn pending_member_shows_next_attempt() {
        let now = datetime!(2026-12-04 03:00 UTC);
        let mut pending = status(SyncState::Pending);
        let sync = member_sync(Locale::Id, Some(&pending), true, now);
        assert_eq!(sync.state, "pending");
        assert!(sync.failure.is_none());

        pending.attempts = 2;
        pending.next_attempt_at = datetime!(2026-12-04 03:05 UTC);
        pending.last_error_code = Some("unreachable".into());
        pending.last_error = Some("Server basis data INLISLite tidak dapat dihubungi.".into());
        let sync = member_sync(Locale::Id, Some(&pending), true, now);
        assert!(sync.text.contains("2 kali"), "{}", sync.text);
        assert!(
            sync.text.contains("Jumat, 4 Desember 2026 10.05 WIB"),
            "{}",
            sync.text
        );
        let failure = sync.failure.unwrap();
        assert_eq!(
            failure.detail.as_deref(),
            Some("Server basis data INLISLite tidak dapat dihubungi.")
        );
    }

    #[test]
    fn synced_member_shows_inlislite_id() {
        let mut synced = status(SyncState::Synced);
        synced.inlislite_id = Some(4711);
        synced.synced_at = Some(datetime!(2022-07-29 07:05 UTC));
        let sync = member_sync(Locale::Id, Some(&synced), true, OffsetDateTime::now_utc());
        assert!(sync.text.contains("4711"), "{}", sync.text);
        assert!(
            sync.text.contains("Jumat, 29 Juli 2022 14.05 WIB"),
            "{}",
            sync.text
        );
    }

    #[test]
    fn unsynced_member_says_whether_sync_is_on() {
        let now = OffsetDateTime::now_utc();
        let off = member_sync(Locale::Id, None, false, now);
        let on = member_sync(Locale::Id, None, true, now);
        assert_eq!(off.state, "none");
        assert_ne!(off.text, on.text);
    }
}
