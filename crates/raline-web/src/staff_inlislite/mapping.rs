//! The admin's mapping of RALINE's values to the installation's lookup rows, and the switch
//! that turns the direct sync on or off.
//!
//! With INLISLite's database configured and reachable, the admin picks each value's row from
//! the installation's table. Without a database (libraries that only import files), the
//! admin types the name as the installation spells it, stored with lookup id 0, because
//! the import file matches lookups by name.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use raline_inlislite::mapping::offered_values;
use raline_inlislite::worker::load_mapping;
use raline_inlislite::{Category, LookupRow, Mapping};
use raline_store::StoredMapping;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{
    MAPPING_PATH, Notice, NoticeQuery, NoticeView, category_label, require_admin, value_label,
};
use crate::AppState;
use crate::auth::StaffUser;
use crate::i18n::{Locale, t, t_args};
use crate::pages::{Lang, PageError, in_locale, render};

/// Maximum length of a typed lookup name, in characters. INLISLite's lookup names are short
/// words, so the limit only keeps a stray paste out of the import file.
const MAX_NAME_CHARS: usize = 100;

/// Prefix of the form fields that carry one value's choice: `m.{category}.{value}`.
const FIELD_PREFIX: &str = "m.";

/// Source of the lookup rows on the mapping screen.
enum Source {
    /// No database is configured: the admin types each name.
    Names,
    /// The installation's rows per category, ordered by id.
    Rows(BTreeMap<Category, Vec<LookupRow>>),
    /// The database is configured but could not be read, with the reason in Indonesian.
    Unreachable(String),
}

/// Reads every category's lookup rows from INLISLite, when a database is configured.
async fn read_source(state: &AppState) -> Source {
    let Some(connector) = &state.config().inlislite else {
        return Source::Names;
    };
    let db = match connector.get().await {
        Ok(db) => db,
        Err(error) => {
            tracing::warn!(
                code = error.code(),
                "INLISLite database unreachable for the mapping"
            );
            return Source::Unreachable(error.to_string());
        }
    };
    let mut rows = BTreeMap::new();
    for category in Category::ALL {
        match db.lookups(category).await {
            Ok(list) => {
                rows.insert(category, list);
            }
            Err(error) => {
                tracing::warn!(
                    code = error.code(),
                    category = category.as_str(),
                    "INLISLite lookup rows could not be read"
                );
                return Source::Unreachable(error.to_string());
            }
        }
    }
    Source::Rows(rows)
}

/// A RALINE value of a category.
struct RalineValue {
    value: String,
    /// Whether the form or the configuration still offers it. A value members used before
    /// it was removed is listed too, because their data still needs a lookup row.
    offered: bool,
}

/// Returns the values of each category: the ones RALINE offers, then those only members
/// use.
fn raline_values(
    state: &AppState,
    used: &BTreeSet<(Category, String)>,
) -> Vec<(Category, Vec<RalineValue>)> {
    let member_type_codes: Vec<&str> = state
        .config()
        .member_types
        .iter()
        .map(|kind| kind.code.as_str())
        .collect();
    Category::ALL
        .into_iter()
        .map(|category| {
            let offered = offered_values(category, &member_type_codes);
            let mut values: Vec<RalineValue> = offered
                .iter()
                .map(|value| RalineValue {
                    value: value.clone(),
                    offered: true,
                })
                .collect();
            let unoffered = used
                .iter()
                .filter(|(used_category, value)| {
                    *used_category == category && !offered.contains(value)
                })
                .map(|(_, value)| RalineValue {
                    value: value.clone(),
                    offered: false,
                });
            values.extend(unoffered);
            (category, values)
        })
        .collect()
}

/// Reads the values members use, dropping categories this version does not know.
async fn used_values(
    state: &AppState,
    locale: Locale,
) -> Result<BTreeSet<(Category, String)>, PageError> {
    let used = state
        .store()
        .inlislite_used_values()
        .await
        .map_err(in_locale(locale))?;
    Ok(used
        .into_iter()
        .filter_map(|(category, value)| Some((Category::parse(&category)?, value)))
        .collect())
}

fn field_name(category: Category, value: &str) -> String {
    format!("{FIELD_PREFIX}{}.{value}", category.as_str())
}

/// Reads a field name back into its category and value.
fn parse_field_name(name: &str) -> Option<(Category, &str)> {
    let (category, value) = name.strip_prefix(FIELD_PREFIX)?.split_once('.')?;
    Some((Category::parse(category)?, value))
}

/// One `<option>` of a value's select.
#[derive(Serialize)]
struct OptionView {
    id: i64,
    text: String,
    selected: bool,
}

/// One RALINE value in the mapping table.
#[derive(Serialize)]
struct RowView {
    field: String,
    value: String,
    /// The value's label when it differs from the stored value.
    label: Option<String>,
    used: bool,
    offered: bool,
    /// Used by members without a saved lookup row.
    gap: bool,
    /// The saved choice as text, for the read-only table.
    saved: Option<String>,
    /// The rows to choose from, when the database was read.
    options: Vec<OptionView>,
    /// The pre-selected row matched by name and is not saved yet.
    suggested: bool,
    /// The saved row no longer exists in the installation.
    saved_gone: Option<String>,
    /// The typed name, when the admin types names.
    name: String,
    error: Option<String>,
}

/// One category's table.
#[derive(Serialize)]
struct TableView {
    category: &'static str,
    label: String,
    rows: Vec<RowView>,
}

/// The admin's posted text for one value, kept when the form is shown again.
struct Posted {
    text: String,
    error: Option<String>,
}

type PostedValues = HashMap<(Category, String), Posted>;

/// Returns whether a lookup name matches a RALINE value or its label, ignoring case and
/// surrounding spaces.
fn names_match(name: &str, value: &str, label: &str) -> bool {
    let name = name.trim();
    name.eq_ignore_ascii_case(value.trim()) || name.eq_ignore_ascii_case(label.trim())
}

#[expect(
    clippy::too_many_arguments,
    reason = "one row needs the value, its saved and posted choice and the rows to pick from"
)]
fn row_view(
    state: &AppState,
    locale: Locale,
    category: Category,
    value: &RalineValue,
    used: bool,
    saved: Option<&StoredMapping>,
    rows: Option<&[LookupRow]>,
    posted: Option<&Posted>,
) -> RowView {
    let label = value_label(state, locale, category, &value.value);
    let saved_text = saved.map(|saved| {
        if saved.lookup_id == 0 {
            saved.lookup_name.clone()
        } else {
            format!("{} — {}", saved.lookup_id, saved.lookup_name)
        }
    });
    let mut view = RowView {
        field: field_name(category, &value.value),
        value: value.value.clone(),
        label: (label != value.value).then(|| label.clone()),
        used,
        offered: value.offered,
        gap: used && saved.is_none(),
        saved: saved_text,
        options: Vec::new(),
        suggested: false,
        saved_gone: None,
        name: String::new(),
        error: posted.and_then(|posted| posted.error.clone()),
    };

    let Some(rows) = rows else {
        view.name = match posted {
            Some(posted) => posted.text.clone(),
            None => saved
                .map(|saved| saved.lookup_name.clone())
                .unwrap_or_default(),
        };
        return view;
    };

    let saved_row = saved.filter(|saved| saved.lookup_id != 0);
    let selected = if let Some(posted) = posted {
        posted.text.trim().parse::<i64>().ok()
    } else if let Some(saved) = saved_row {
        let exists = rows.iter().any(|row| row.id == saved.lookup_id);
        if !exists {
            view.saved_gone = Some(t_args(
                locale,
                "inlislite-mapping-saved-gone",
                &[
                    ("number", saved.lookup_id.into()),
                    ("name", saved.lookup_name.as_str().into()),
                ],
            ));
        }
        exists.then_some(saved.lookup_id)
    } else {
        let suggestion = rows
            .iter()
            .find(|row| names_match(&row.name, &value.value, &label));
        view.suggested = suggestion.is_some();
        suggestion.map(|row| row.id)
    };
    view.options = rows
        .iter()
        .map(|row| OptionView {
            id: row.id,
            text: format!("{} — {}", row.id, row.name),
            selected: Some(row.id) == selected,
        })
        .collect();
    view
}

/// Reasons the direct sync was not switched on.
#[derive(Default, Serialize)]
struct SwitchRejection {
    not_configured: bool,
    /// Reason INLISLite's database could not be reached, in Indonesian.
    unreachable: Option<String>,
    /// Used values without a mapping, as "Pekerjaan: Buruh".
    gaps: Vec<String>,
    /// Problems that `InlisliteDb::check` found, in Indonesian.
    problems: Vec<String>,
}

impl SwitchRejection {
    fn is_empty(&self) -> bool {
        !self.not_configured
            && self.unreachable.is_none()
            && self.gaps.is_empty()
            && self.problems.is_empty()
    }
}

/// A page state besides the tables: a notice, a save error or a rejected switch.
#[derive(Default)]
struct PageExtras {
    notice: Option<NoticeView>,
    /// Message that the mapping was not saved, and the reason.
    error: Option<String>,
    rejection: Option<SwitchRejection>,
}

/// Renders the mapping screen. `posted` contains the admin's values when a save is shown again.
async fn mapping_page(
    state: &AppState,
    locale: Locale,
    user: &StaffUser,
    source: &Source,
    posted: Option<&PostedValues>,
    extras: PageExtras,
) -> Result<Html<String>, PageError> {
    let used = used_values(state, locale).await?;
    let saved = state
        .store()
        .inlislite_mappings()
        .await
        .map_err(in_locale(locale))?;
    let enabled = state
        .store()
        .inlislite_sync_enabled()
        .await
        .map_err(in_locale(locale))?;
    let saved_of = |category: Category, value: &str| {
        saved
            .iter()
            .find(|saved| saved.category == category.as_str() && saved.raline_value == value)
    };

    let tables: Vec<TableView> = raline_values(state, &used)
        .into_iter()
        .map(|(category, values)| {
            let rows = match source {
                Source::Rows(rows) => Some(rows.get(&category).map_or(&[][..], Vec::as_slice)),
                Source::Names | Source::Unreachable(_) => None,
            };
            let rows = values
                .iter()
                .map(|value| {
                    let key = (category, value.value.clone());
                    row_view(
                        state,
                        locale,
                        category,
                        value,
                        used.contains(&key),
                        saved_of(category, &value.value),
                        rows,
                        posted.and_then(|posted| posted.get(&key)),
                    )
                })
                .collect();
            TableView {
                category: category.as_str(),
                label: category_label(locale, category),
                rows,
            }
        })
        .collect();
    let (mode, unreachable) = match source {
        Source::Names => ("names", None),
        Source::Rows(_) => ("rows", None),
        Source::Unreachable(reason) => ("unreachable", Some(reason.as_str())),
    };

    render(
        state,
        locale,
        "staff_inlislite_mapping.html",
        minijinja::context! {
            tables,
            mode,
            unreachable,
            enabled,
            configured => state.config().inlislite.is_some(),
            notice => extras.notice,
            error => extras.error,
            rejection => extras.rejection,
            max_name => MAX_NAME_CHARS,
            staff_name => &user.staff.username,
            staff_admin => true,
            csrf => &user.csrf_token,
        },
    )
    .map_err(in_locale(locale))
}

/// `GET /staf/inlislite/pemetaan`: the mapping tables and the switch, for the admin.
pub async fn show(
    State(state): State<AppState>,
    Lang(locale): Lang,
    user: StaffUser,
    Query(query): Query<NoticeQuery>,
) -> Result<Html<String>, PageError> {
    require_admin(&user, locale)?;
    let source = read_source(&state).await;
    let extras = PageExtras {
        notice: query.notice().map(|notice| notice.view(locale)),
        ..PageExtras::default()
    };
    mapping_page(&state, locale, &user, &source, None, extras).await
}

/// Reads a posted choice into the lookup row to save, `None` to remove the mapping, or the
/// message for the field.
fn posted_choice(
    locale: Locale,
    rows: Option<&[LookupRow]>,
    text: &str,
) -> Result<Option<(i64, String)>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let Some(rows) = rows else {
        if text.chars().count() > MAX_NAME_CHARS {
            let max = i64::try_from(MAX_NAME_CHARS).unwrap_or(i64::MAX);
            return Err(t_args(
                locale,
                "inlislite-mapping-error-too-long",
                &[("max", max.into())],
            ));
        }
        if text.chars().any(char::is_control) {
            return Err(t(locale, "inlislite-mapping-error-invalid"));
        }
        return Ok(Some((0, text.to_owned())));
    };
    text.parse::<i64>()
        .ok()
        .and_then(|id| rows.iter().find(|row| row.id == id))
        .map(|row| Some((row.id, row.name.clone())))
        .ok_or_else(|| t(locale, "inlislite-mapping-error-unknown-row"))
}

/// `POST /staf/inlislite/pemetaan`: saves every posted row at once. A row with a problem
/// shows the form again with the posted values and saves nothing.
pub async fn save(
    State(state): State<AppState>,
    Lang(locale): Lang,
    user: StaffUser,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    require_admin(&user, locale)?;
    let csrf = fields
        .iter()
        .find(|(name, _)| name == "csrf")
        .map_or("", |(_, value)| value.as_str());
    user.check_csrf(csrf).map_err(in_locale(locale))?;

    let source = read_source(&state).await;
    if let Source::Unreachable(_) = source {
        let extras = PageExtras {
            error: Some(t(locale, "inlislite-mapping-save-unreachable")),
            ..PageExtras::default()
        };
        let html = mapping_page(&state, locale, &user, &source, None, extras).await?;
        return Ok((StatusCode::SERVICE_UNAVAILABLE, html).into_response());
    }

    let used = used_values(&state, locale).await?;
    let known: BTreeSet<(Category, String)> = raline_values(&state, &used)
        .into_iter()
        .flat_map(|(category, values)| values.into_iter().map(move |value| (category, value.value)))
        .collect();
    let saved = state
        .store()
        .inlislite_mappings()
        .await
        .map_err(in_locale(locale))?;

    let mut posted = PostedValues::new();
    let mut changes = Vec::new();
    for (name, text) in &fields {
        let Some((category, value)) = parse_field_name(name) else {
            continue;
        };
        let key = (category, value.to_owned());
        // Values the page did not offer, from a stale or hand-made form, are ignored.
        if !known.contains(&key) || posted.contains_key(&key) {
            continue;
        }
        let rows = match &source {
            Source::Rows(rows) => Some(rows.get(&category).map_or(&[][..], Vec::as_slice)),
            Source::Names | Source::Unreachable(_) => None,
        };
        let choice = posted_choice(locale, rows, text);
        if let Ok(choice) = &choice {
            let current = saved
                .iter()
                .find(|saved| saved.category == category.as_str() && saved.raline_value == value)
                .map(|saved| (saved.lookup_id, saved.lookup_name.clone()));
            if *choice != current {
                changes.push((
                    category.as_str().to_owned(),
                    value.to_owned(),
                    choice.clone(),
                ));
            }
        }
        posted.insert(
            key,
            Posted {
                text: text.clone(),
                error: choice.err(),
            },
        );
    }

    let problems = posted
        .values()
        .filter(|posted| posted.error.is_some())
        .count();
    if problems > 0 {
        let extras = PageExtras {
            error: Some(t(locale, "inlislite-mapping-errors")),
            ..PageExtras::default()
        };
        let html = mapping_page(&state, locale, &user, &source, Some(&posted), extras).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response());
    }

    state
        .store()
        .save_inlislite_mappings(&changes, &user.staff.username, OffsetDateTime::now_utc())
        .await
        .map_err(in_locale(locale))?;
    tracing::info!(
        staff_id = user.staff.id,
        changed = changes.len(),
        "INLISLite mapping saved"
    );
    let location = format!("{MAPPING_PATH}?{}", Notice::MappingSaved.query());
    Ok(Redirect::to(&location).into_response())
}

/// Collects every reason not to switch the sync on: no database, used values without a
/// mapping, and what the check of INLISLite's database found. `source` is the page's reading
/// of the lookup rows, so an unreachable database is not waited for twice.
async fn switch_rejection(
    state: &AppState,
    locale: Locale,
    source: &Source,
) -> Result<SwitchRejection, PageError> {
    let mapping: Mapping = load_mapping(state.store())
        .await
        .map_err(in_locale(locale))?;
    let used = used_values(state, locale).await?;
    let gaps = mapping
        .gaps(
            used.iter()
                .map(|(category, value)| (*category, value.as_str())),
        )
        .into_iter()
        .map(|gap| {
            format!(
                "{}: {}",
                category_label(locale, gap.category),
                value_label(state, locale, gap.category, &gap.value)
            )
        })
        .collect();
    let mut rejection = SwitchRejection {
        gaps,
        ..SwitchRejection::default()
    };

    match (source, &state.config().inlislite) {
        (Source::Unreachable(reason), _) => rejection.unreachable = Some(reason.clone()),
        (Source::Names, _) | (Source::Rows(_), None) => rejection.not_configured = true,
        (Source::Rows(_), Some(connector)) => match connector.get().await {
            Ok(db) => {
                rejection.problems = db
                    .check(&mapping)
                    .await
                    .iter()
                    .map(ToString::to_string)
                    .collect();
            }
            Err(error) => {
                tracing::warn!(
                    code = error.code(),
                    "INLISLite database unreachable for the check"
                );
                rejection.unreachable = Some(error.to_string());
            }
        },
    }
    Ok(rejection)
}

#[derive(Deserialize)]
pub struct SwitchForm {
    #[serde(default)]
    csrf: String,
    /// `on` or `off`.
    #[serde(default)]
    action: String,
}

/// `POST /staf/inlislite/sinkronisasi`: switches the direct sync on, when every used value is
/// mapped and INLISLite's database passes the check, or off.
pub async fn switch(
    State(state): State<AppState>,
    Lang(locale): Lang,
    user: StaffUser,
    Form(form): Form<SwitchForm>,
) -> Result<Response, PageError> {
    require_admin(&user, locale)?;
    user.check_csrf(&form.csrf).map_err(in_locale(locale))?;
    let now = OffsetDateTime::now_utc();

    let notice = match form.action.as_str() {
        "off" => {
            state
                .store()
                .set_inlislite_sync(false, now)
                .await
                .map_err(in_locale(locale))?;
            tracing::info!(staff_id = user.staff.id, "INLISLite sync switched off");
            Notice::Disabled
        }
        "on" => {
            let source = read_source(&state).await;
            let rejection = switch_rejection(&state, locale, &source).await?;
            if !rejection.is_empty() {
                tracing::info!(
                    staff_id = user.staff.id,
                    gaps = rejection.gaps.len(),
                    problems = rejection.problems.len(),
                    configured = !rejection.not_configured,
                    "INLISLite sync not switched on"
                );
                let extras = PageExtras {
                    rejection: Some(rejection),
                    ..PageExtras::default()
                };
                let html = mapping_page(&state, locale, &user, &source, None, extras).await?;
                return Ok((StatusCode::CONFLICT, html).into_response());
            }
            let queued = state
                .store()
                .set_inlislite_sync(true, now)
                .await
                .map_err(in_locale(locale))?;
            tracing::info!(
                staff_id = user.staff.id,
                queued,
                "INLISLite sync switched on"
            );
            Notice::Enabled(queued)
        }
        _ => {
            return Err(PageError::new(
                crate::error::WebError::BadRequest(format!("unknown action {:?}", form.action)),
                locale,
            ));
        }
    };
    let location = format!("{MAPPING_PATH}?{}#sinkronisasi", notice.query());
    Ok(Redirect::to(&location).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<LookupRow> {
        vec![
            LookupRow {
                id: 1,
                name: "Guru".into(),
            },
            LookupRow {
                id: 9,
                name: "Pegawai Negeri".into(),
            },
        ]
    }

    #[test]
    fn field_names_round_trip() {
        let name = field_name(Category::Occupation, "TNI/Polri");
        assert_eq!(name, "m.occupation.TNI/Polri");
        assert_eq!(
            parse_field_name(&name),
            Some((Category::Occupation, "TNI/Polri"))
        );
        assert_eq!(
            parse_field_name("m.member_type.umum.2"),
            Some((Category::MemberType, "umum.2"))
        );
        assert_eq!(parse_field_name("csrf"), None);
        assert_eq!(parse_field_name("m.colour.red"), None);
    }

    #[test]
    fn names_match_value_or_label() {
        assert!(names_match(" guru ", "Guru", "Guru"));
        assert!(names_match("Belum Kawin", "belum_kawin", "Belum kawin"));
        assert!(!names_match("Guru Besar", "Guru", "Guru"));
    }

    #[test]
    fn posted_ids_must_be_rows() {
        let rows = rows();
        assert_eq!(
            posted_choice(Locale::Id, Some(&rows), "9"),
            Ok(Some((9, "Pegawai Negeri".to_owned())))
        );
        assert_eq!(posted_choice(Locale::Id, Some(&rows), ""), Ok(None));
        assert!(posted_choice(Locale::Id, Some(&rows), "4").is_err());
        assert!(posted_choice(Locale::Id, Some(&rows), "Guru").is_err());
    }

    #[test]
    fn posted_names_are_checked() {
        assert_eq!(
            posted_choice(Locale::Id, None, "  Pegawai Negeri Sipil "),
            Ok(Some((0, "Pegawai Negeri Sipil".to_owned())))
        );
        assert_eq!(posted_choice(Locale::Id, None, "   "), Ok(None));
        let long = "a".repeat(MAX_NAME_CHARS + 1);
        let error = posted_choice(Locale::Id, None, &long).unwrap_err();
        assert!(error.contains("100"), "{error}");
        assert!(posted_choice(Locale::Id, None, "Guru\nBesar").is_err());
    }
}
