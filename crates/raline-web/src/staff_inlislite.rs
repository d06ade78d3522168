//! Staff pages of the hand-over to INLISLite, the library system that lends the books.
//!
//! `overview` contains the overview page with the sync counts and problems, the sync buttons
//! and the INLISLite section of a member's page. `export` contains the import files (the
//! 49-column XLSX and the photo ZIP), and `mapping` the admin's mapping of RALINE's values to
//! the installation's lookup rows with the switch of the direct sync. This file contains the
//! routes and the helpers they share.

mod export;
mod mapping;
mod overview;

use axum::Router;
use axum::routing::{get, post};
use raline_inlislite::Category;
use raline_store::StaffRole;

pub use overview::{MemberSectionPage, render_member_section};

use crate::AppState;
use crate::auth::StaffUser;
use crate::error::WebError;
use crate::i18n::{Locale, t, t_args};
use crate::pages::PageError;

/// Routes of this module, merged into the main router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staf/inlislite", get(overview::show))
        .route("/staf/inlislite/coba-lagi", post(overview::retry_failed))
        .route(
            "/staf/inlislite/anggota/{member_id}/sinkronkan",
            post(overview::resync_member),
        )
        .route("/staf/inlislite/ekspor", post(export::create))
        .route("/staf/inlislite/ekspor/{id}", get(export::show))
        .route(
            "/staf/inlislite/ekspor/{id}/anggota.xlsx",
            get(export::download_xlsx),
        )
        .route(
            "/staf/inlislite/ekspor/{id}/foto.zip",
            get(export::download_zip),
        )
        .route(
            "/staf/inlislite/pemetaan",
            get(mapping::show).post(mapping::save),
        )
        .route("/staf/inlislite/sinkronisasi", post(mapping::switch))
}

/// Path of the mapping screen, linked from the overview and from a refused export.
const MAPPING_PATH: &str = "/staf/inlislite/pemetaan";

/// Parses an id from the path. A malformed or out-of-range id is a missing page, like an
/// unknown one, so a hand-edited address gets the not-found page instead of a 400.
fn parse_id(text: &str, locale: Locale) -> Result<i64, PageError> {
    text.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| PageError::new(WebError::NotFound, locale))
}

fn is_admin(user: &StaffUser) -> bool {
    user.staff.role == StaffRole::Admin
}

fn require_admin(user: &StaffUser, locale: Locale) -> Result<(), PageError> {
    if is_admin(user) {
        Ok(())
    } else {
        Err(PageError::new(WebError::Forbidden, locale))
    }
}

/// Query parameter that the redirects of this module add, naming the notice the page shows.
const NOTICE_PARAMETER: &str = "inlislite";

/// A notice shown after one of this module's forms redirected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Notice {
    /// A member's sync was queued again.
    Requested,
    /// Nothing was queued because the direct sync is switched off.
    SyncOff,
    /// Failed members were queued again, with their number.
    Retried(u64),
    /// The direct sync was switched on, with the number of members queued.
    Enabled(u64),
    Disabled,
    MappingSaved,
}

impl Notice {
    /// Returns the query string of a redirect that shows this notice.
    fn query(self) -> String {
        let (value, count) = match self {
            Notice::Requested => ("diminta", None),
            Notice::SyncOff => ("mati", None),
            Notice::Retried(count) => ("dicoba", Some(count)),
            Notice::Enabled(count) => ("aktif", Some(count)),
            Notice::Disabled => ("nonaktif", None),
            Notice::MappingSaved => ("disimpan", None),
        };
        match count {
            Some(count) => format!("{NOTICE_PARAMETER}={value}&jumlah={count}"),
            None => format!("{NOTICE_PARAMETER}={value}"),
        }
    }

    /// Reads the notice of a redirect. Unknown values, from a hand-edited address, show
    /// nothing.
    fn parse(value: Option<&str>, count: Option<&str>) -> Option<Notice> {
        let count = || {
            count
                .and_then(|count| count.parse::<u64>().ok())
                .unwrap_or(0)
        };
        match value? {
            "diminta" => Some(Notice::Requested),
            "mati" => Some(Notice::SyncOff),
            "dicoba" => Some(Notice::Retried(count())),
            "aktif" => Some(Notice::Enabled(count())),
            "nonaktif" => Some(Notice::Disabled),
            "disimpan" => Some(Notice::MappingSaved),
            _ => None,
        }
    }

    fn view(self, locale: Locale) -> NoticeView {
        let count = |count: u64| i64::try_from(count).unwrap_or(i64::MAX);
        let (text, warn) = match self {
            Notice::Requested => (t(locale, "inlislite-notice-requested"), false),
            Notice::SyncOff => (t(locale, "inlislite-notice-sync-off"), true),
            Notice::Retried(queued) => (
                t_args(
                    locale,
                    "inlislite-notice-retried",
                    &[("count", count(queued).into())],
                ),
                false,
            ),
            Notice::Enabled(queued) => (
                t_args(
                    locale,
                    "inlislite-notice-enabled",
                    &[("count", count(queued).into())],
                ),
                false,
            ),
            Notice::Disabled => (t(locale, "inlislite-notice-disabled"), true),
            Notice::MappingSaved => (t(locale, "inlislite-notice-mapping-saved"), false),
        };
        NoticeView { text, warn }
    }
}

/// Query of the pages that show this module's notices.
#[derive(Debug, Default, serde::Deserialize)]
pub struct NoticeQuery {
    inlislite: Option<String>,
    /// Number of members the action queued. Read as text, so a hand-edited value is
    /// ignored instead of failing the page.
    jumlah: Option<String>,
}

impl NoticeQuery {
    fn notice(&self) -> Option<Notice> {
        Notice::parse(self.inlislite.as_deref(), self.jumlah.as_deref())
    }
}

/// A notice as the templates show it.
#[derive(Debug, serde::Serialize)]
struct NoticeView {
    text: String,
    /// Shown as a warning rather than a success.
    warn: bool,
}

/// Returns the name of a category, such as "Pekerjaan".
fn category_label(locale: Locale, category: Category) -> String {
    t(locale, &format!("inlislite-category-{}", category.as_str()))
}

/// Returns the label staff read for a RALINE value of a category. Identity types and marital
/// statuses have catalogue labels and member types their configured names. Occupations,
/// education levels and religions are stored as Indonesian words, so they show as stored.
fn value_label(state: &AppState, locale: Locale, category: Category, value: &str) -> String {
    match category {
        Category::IdentityType => crate::pages::label(locale, "identity-type", value),
        Category::MaritalStatus => crate::pages::label(locale, "marital", value),
        Category::MemberType => state.config().member_type_name(value),
        Category::Occupation | Category::Education | Category::Religion => value.to_owned(),
    }
}

/// Explanation of a stored sync failure, in the page's language.
#[derive(serde::Serialize)]
struct FailureText {
    /// Summary of the failure, chosen by the error code.
    summary: String,
    /// Advice for staff: the step that fixes the failure.
    action: String,
    /// The worker's stored text, which names the value or row involved.
    detail: Option<String>,
}

/// Error codes the sync stores (`SyncError::code` of raline-inlislite's database module
/// and the worker's own codes), each with an `inlislite-error-{code}` summary and action in
/// the catalogue.
const KNOWN_ERROR_CODES: [&str; 19] = [
    "invalid_url",
    "unreachable",
    "timed_out",
    "access_denied",
    "database",
    "schema_mismatch",
    "missing_mapping",
    "missing_lookup_row",
    "not_latin1",
    "unsupported_characters",
    "number_collision",
    "identity_in_use",
    "too_long",
    "photo_write",
    "member_not_found",
    "portal_login_disabled",
    "invalid_password_hash",
    "raline_store",
    "member_gone",
];

/// Returns the catalogue key stem of a sync error code. An unknown code, for example from a
/// newer worker, gets the general text.
fn failure_stem(code: &str) -> &str {
    KNOWN_ERROR_CODES
        .iter()
        .find(|known| **known == code)
        .copied()
        .unwrap_or("other")
}

/// Explains a stored failure from its code, with the stored text as the detail.
fn failure_text(locale: Locale, code: &str, stored: Option<&str>) -> FailureText {
    let stem = failure_stem(code);
    FailureText {
        summary: t(locale, &format!("inlislite-error-{stem}")),
        action: t(locale, &format!("inlislite-error-{stem}-action")),
        detail: stored.map(str::to_owned),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::has_key;

    #[test]
    fn ids_must_be_positive_numbers() {
        assert_eq!(parse_id("3", Locale::Id).ok(), Some(3));
        for text in ["0", "-1", "abc", "3.0", "", "99999999999999999999"] {
            assert!(parse_id(text, Locale::Id).is_err(), "{text:?}");
        }
    }

    #[test]
    fn notices_survive_the_redirect() {
        let notices = [
            Notice::Requested,
            Notice::SyncOff,
            Notice::Retried(3),
            Notice::Enabled(12),
            Notice::Disabled,
            Notice::MappingSaved,
        ];
        for notice in notices {
            let query = notice.query();
            let mut value = None;
            let mut count = None;
            for pair in query.split('&') {
                match pair.split_once('=') {
                    Some((NOTICE_PARAMETER, text)) => value = Some(text),
                    Some(("jumlah", text)) => count = Some(text),
                    _ => panic!("unexpected pair {pair:?}"),
                }
            }
            assert_eq!(Notice::parse(value, count), Some(notice), "{query}");
        }
        assert_eq!(Notice::parse(Some("lain"), None), None);
        assert_eq!(
            Notice::parse(Some("aktif"), Some("banyak")),
            Some(Notice::Enabled(0))
        );
    }

    #[test]
    fn every_category_has_a_label() {
        for category in Category::ALL {
            let key = format!("inlislite-category-{}", category.as_str());
            assert!(has_key(Locale::Id, &key), "no message {key}");
            assert!(has_key(Locale::En, &key), "no message {key}");
        }
    }

    #[test]
    fn every_failure_stem_has_texts() {
        let stems = KNOWN_ERROR_CODES.iter().copied().chain(["other"]);
        for stem in stems {
            for key in [
                format!("inlislite-error-{stem}"),
                format!("inlislite-error-{stem}-action"),
            ] {
                assert!(has_key(Locale::Id, &key), "no message {key}");
                assert!(has_key(Locale::En, &key), "no message {key}");
            }
        }
        assert_eq!(failure_stem("missing_mapping"), "missing_mapping");
        assert_eq!(failure_stem("something_new"), "other");
    }
}
