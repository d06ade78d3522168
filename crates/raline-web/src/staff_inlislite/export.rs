//! Import files: the export form, the page of one recorded file, and its two downloads (the
//! 49-column XLSX and the photo ZIP), built on request from the recorded member list with
//! the members' current data.

use axum::extract::{Form, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use raline_inlislite::export::{ExportError, FixedNames, write_photo_zip, write_xlsx};
use raline_inlislite::gather::load_snapshot;
use raline_inlislite::worker::load_mapping;
use raline_inlislite::{MappingGap, MemberSnapshot};
use raline_store::{ExportRecord, ExportSelection};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use super::overview::{member_path, rejected_export};
use super::{MAPPING_PATH, category_label, is_admin, parse_id, value_label};
use crate::AppState;
use crate::auth::StaffUser;
use crate::error::WebError;
use crate::i18n::{Locale, format_date_with_weekday, format_instant, t, t_args};
use crate::pages::{Lang, PageError, in_locale, render};

/// Form value of the "new members" choice.
const SELECTION_NEW: &str = "baru";
/// Form value of the date range choice.
const SELECTION_RANGE: &str = "rentang";

const XLSX_CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const ZIP_CONTENT_TYPE: &str = "application/zip";

#[derive(Deserialize)]
pub struct ExportForm {
    /// Missing fields become empty, so a form without the token fails the CSRF check (403)
    /// instead of the form parser (422).
    #[serde(default)]
    csrf: String,
    /// `baru` or `rentang`.
    #[serde(default)]
    pilihan: String,
    /// First registration date of a range, as `<input type="date">` sends it (`2022-07-29`).
    #[serde(default)]
    dari: String,
    /// Last registration date of a range, included.
    #[serde(default)]
    sampai: String,
}

/// The export form as the overview shows it.
#[derive(Serialize)]
pub(super) struct ExportFormView {
    selection: String,
    from: String,
    to: String,
    /// Rejection message of the last submit.
    error: Option<String>,
    /// The field at fault (`pilihan`, `dari` or `sampai`), marked invalid on the form.
    error_field: Option<&'static str>,
}

impl Default for ExportFormView {
    fn default() -> Self {
        ExportFormView {
            selection: SELECTION_NEW.to_owned(),
            from: String::new(),
            to: String::new(),
            error: None,
            error_field: None,
        }
    }
}

/// A rejected export form: the field at fault, if one is, and the message.
struct FormProblem {
    field: Option<&'static str>,
    message: String,
}

/// Parses a date as `<input type="date">` sends it. Anything but `YYYY-MM-DD` with a
/// four-digit year is rejected, so the text is never guessed at.
fn parse_form_date(text: &str) -> Option<Date> {
    let text = text.trim();
    let well_formed = text.len() == 10
        && text.char_indices().all(|(index, c)| {
            matches!(index, 4 | 7) == (c == '-') && (c == '-' || c.is_ascii_digit())
        });
    if !well_formed {
        return None;
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text, &format).ok()
}

/// Reads one date field of a range, naming the field in the message.
fn range_date(
    locale: Locale,
    field: &'static str,
    label_key: &str,
    text: &str,
) -> Result<Date, FormProblem> {
    let label = t(locale, label_key);
    if text.trim().is_empty() {
        return Err(FormProblem {
            field: Some(field),
            message: t_args(
                locale,
                "inlislite-export-error-missing",
                &[("field", label.into())],
            ),
        });
    }
    parse_form_date(text).ok_or_else(|| FormProblem {
        field: Some(field),
        message: t_args(
            locale,
            "inlislite-export-error-date",
            &[("field", label.into())],
        ),
    })
}

/// Reads the member selection of the form.
fn parse_selection(locale: Locale, form: &ExportForm) -> Result<ExportSelection, FormProblem> {
    match form.pilihan.as_str() {
        SELECTION_NEW => Ok(ExportSelection::New),
        SELECTION_RANGE => {
            let from = range_date(locale, "dari", "inlislite-export-from", &form.dari)?;
            let to = range_date(locale, "sampai", "inlislite-export-to", &form.sampai)?;
            if from > to {
                return Err(FormProblem {
                    field: Some("sampai"),
                    message: t(locale, "inlislite-export-error-order"),
                });
            }
            Ok(ExportSelection::Range { from, to })
        }
        _ => Err(FormProblem {
            field: Some("pilihan"),
            message: t(locale, "inlislite-export-error-selection"),
        }),
    }
}

/// Returns the message for a selection that contains no member.
fn empty_message(locale: Locale, selection: ExportSelection) -> String {
    match selection {
        ExportSelection::New => t(locale, "inlislite-export-empty-new"),
        ExportSelection::Range { from, to } => t_args(
            locale,
            "inlislite-export-empty-range",
            &[
                ("from", format_date_with_weekday(locale, from).into()),
                ("to", format_date_with_weekday(locale, to).into()),
            ],
        ),
    }
}

/// `POST /staf/inlislite/ekspor`: records an import file of the chosen members and opens
/// its page. An invalid or empty choice shows the overview again with a message.
pub async fn create(
    State(state): State<AppState>,
    Lang(locale): Lang,
    user: StaffUser,
    Form(form): Form<ExportForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&form.csrf).map_err(in_locale(locale))?;
    let rejected = |problem: FormProblem| ExportFormView {
        selection: form.pilihan.clone(),
        from: form.dari.trim().to_owned(),
        to: form.sampai.trim().to_owned(),
        error: Some(problem.message),
        error_field: problem.field,
    };

    let selection = match parse_selection(locale, &form) {
        Ok(selection) => selection,
        Err(problem) => return rejected_export(&state, locale, &user, &rejected(problem)).await,
    };
    let count = state
        .store()
        .count_inlislite_export(selection)
        .await
        .map_err(in_locale(locale))?;
    if count == 0 {
        let problem = FormProblem {
            field: None,
            message: empty_message(locale, selection),
        };
        return rejected_export(&state, locale, &user, &rejected(problem)).await;
    }

    let (export_id, member_ids) = state
        .store()
        .create_inlislite_export(user.staff.id, selection, OffsetDateTime::now_utc())
        .await
        .map_err(in_locale(locale))?;
    tracing::info!(
        staff_id = user.staff.id,
        export_id,
        member_count = member_ids.len(),
        "INLISLite import file recorded"
    );
    Ok(Redirect::to(&format!("/staf/inlislite/ekspor/{export_id}")).into_response())
}

/// Returns how an export chose its members: "Anggota baru" or the registration dates.
pub(super) fn selection_label(locale: Locale, export: &ExportRecord) -> String {
    let date = |text: Option<&str>| {
        text.and_then(parse_form_date)
            .map(|date| format_date_with_weekday(locale, date))
            .unwrap_or_default()
    };
    match export.selection.as_str() {
        "range" => t_args(
            locale,
            "inlislite-selection-range",
            &[
                ("from", date(export.from_date.as_deref()).into()),
                ("to", date(export.to_date.as_deref()).into()),
            ],
        ),
        _ => t(locale, "inlislite-selection-new"),
    }
}

/// A member listed on an export's page.
#[derive(Serialize)]
struct MemberRow {
    member_number: String,
    /// Link to the member's page.
    member_url: String,
    full_name: String,
    registered_on: String,
    /// The member has text a latin1 table cannot store, which INLISLite's import mangles.
    outside_latin1: bool,
}

async fn recorded_export(
    state: &AppState,
    locale: Locale,
    id: &str,
) -> Result<(ExportRecord, Vec<i64>), PageError> {
    let id = parse_id(id, locale)?;
    state
        .store()
        .inlislite_export(id)
        .await
        .map_err(in_locale(locale))?
        .ok_or_else(|| PageError::new(WebError::NotFound, locale))
}

/// `GET /staf/inlislite/ekspor/{id}`: the members of an import file and its two downloads.
pub async fn show(
    State(state): State<AppState>,
    Lang(locale): Lang,
    user: StaffUser,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let (export, member_ids) = recorded_export(&state, locale, &id).await?;
    let snapshots = load_snapshots(&state, &member_ids, false)
        .await
        .map_err(in_locale(locale))?;
    let members: Vec<MemberRow> = snapshots
        .into_iter()
        .map(|member| MemberRow {
            member_url: member_path(&member.member_number),
            outside_latin1: !member.fields_outside_latin1().is_empty(),
            member_number: member.member_number,
            full_name: member.full_name,
            registered_on: format_date_with_weekday(locale, member.registered_on),
        })
        .collect();
    let outside_latin1 = members
        .iter()
        .filter(|member| member.outside_latin1)
        .count();

    render(
        &state,
        locale,
        "staff_inlislite_export.html",
        minijinja::context! {
            id => export.id,
            created_at => format_instant(locale, export.created_at),
            staff => &export.staff_username,
            selection => selection_label(locale, &export),
            outside_latin1,
            members,
            staff_name => &user.staff.username,
            staff_admin => is_admin(&user),
            csrf => &user.csrf_token,
        },
    )
    .map_err(in_locale(locale))
}

/// Reads the current snapshot of each member, skipping members that no longer exist. Without
/// `keep_photos` each photo is replaced by an empty one: the XLSX needs only to know that a
/// photo exists, and the bytes would stay in memory until the file is written.
async fn load_snapshots(
    state: &AppState,
    member_ids: &[i64],
    keep_photos: bool,
) -> Result<Vec<MemberSnapshot>, WebError> {
    let mut snapshots = Vec::with_capacity(member_ids.len());
    for member_id in member_ids {
        let Some(mut snapshot) = load_snapshot(state.store(), state.files(), *member_id).await?
        else {
            continue;
        };
        if !keep_photos && let Some(photo) = snapshot.photo_jpeg.as_mut() {
            *photo = Vec::new();
        }
        snapshots.push(snapshot);
    }
    Ok(snapshots)
}

/// A missing mapping value as the rejection page lists it.
#[derive(Serialize)]
struct GapRow {
    category: String,
    value: String,
    /// The value's label when it differs from the stored value.
    label: Option<String>,
}

/// Renders the page that explains why a download of export `id` was rejected, with status
/// 409 because the export or the mapping has to change first.
fn rejection_page(
    state: &AppState,
    locale: Locale,
    user: &StaffUser,
    id: i64,
    message: String,
    gaps: &[MappingGap],
) -> Result<Response, PageError> {
    let gaps: Vec<GapRow> = gaps
        .iter()
        .map(|gap| {
            let label = value_label(state, locale, gap.category, &gap.value);
            GapRow {
                category: category_label(locale, gap.category),
                label: (label != gap.value).then_some(label),
                value: gap.value.clone(),
            }
        })
        .collect();
    let html = render(
        state,
        locale,
        "staff_inlislite_refused.html",
        minijinja::context! {
            id,
            message,
            gaps,
            mapping_path => MAPPING_PATH,
            staff_name => &user.staff.username,
            staff_admin => is_admin(user),
            csrf => &user.csrf_token,
        },
    )
    .map_err(in_locale(locale))?;
    Ok((StatusCode::CONFLICT, html).into_response())
}

/// Builds a download response. The files hold personal data, so no cache keeps them.
fn attachment(bytes: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}

/// Maps a failed file to the rejection page staff can act on, or to an internal error.
fn export_failure(
    state: &AppState,
    locale: Locale,
    user: &StaffUser,
    id: i64,
    error: ExportError,
) -> Result<Response, PageError> {
    match error {
        ExportError::MissingMappings(gaps) => {
            tracing::info!(
                export_id = id,
                gaps = gaps.len(),
                "INLISLite import file refused: mapping incomplete"
            );
            let message = t(locale, "inlislite-export-missing-intro");
            rejection_page(state, locale, user, id, message, &gaps)
        }
        ExportError::DuplicatePhotoName {
            file_name,
            first,
            second,
        } => {
            let message = t_args(
                locale,
                "inlislite-export-duplicate-photo",
                &[
                    ("from", first.into()),
                    ("to", second.into()),
                    ("name", file_name.into()),
                ],
            );
            rejection_page(state, locale, user, id, message, &[])
        }
        error @ (ExportError::Xlsx(_) | ExportError::Zip(_)) => {
            Err(PageError::new(WebError::internal(error), locale))
        }
    }
}

/// Runs a file writer on the blocking pool, since a large export takes a while of CPU.
async fn write_blocking(
    writer: impl FnOnce() -> Result<Vec<u8>, ExportError> + Send + 'static,
) -> Result<Result<Vec<u8>, ExportError>, WebError> {
    tokio::task::spawn_blocking(writer)
        .await
        .map_err(WebError::internal)
}

/// `GET /staf/inlislite/ekspor/{id}/anggota.xlsx`: the import file in INLISLite's 49-column
/// layout. A value without a mapping gets a page naming each missing value instead.
pub async fn download_xlsx(
    State(state): State<AppState>,
    Lang(locale): Lang,
    user: StaffUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (export, member_ids) = recorded_export(&state, locale, &id).await?;
    if member_ids.is_empty() {
        let message = t(locale, "inlislite-export-file-empty");
        return rejection_page(&state, locale, &user, export.id, message, &[]);
    }
    let snapshots = load_snapshots(&state, &member_ids, false)
        .await
        .map_err(in_locale(locale))?;
    let mapping = load_mapping(state.store())
        .await
        .map_err(in_locale(locale))?;
    // NOTE: JENIS KELAMIN, JENIS PERMOHONAN and STATUS ANGGOTA use INLISLite's default
    // names ("Laki-laki", "Baru", "Aktif", …). An installation that renamed them needs a
    // setting for `FixedNames`, which the configuration does not offer yet.
    let names = FixedNames::default();

    let written = write_blocking(move || write_xlsx(&snapshots, &mapping, &names))
        .await
        .map_err(in_locale(locale))?;
    match written {
        Ok(bytes) => {
            tracing::info!(
                staff_id = user.staff.id,
                export_id = export.id,
                member_count = member_ids.len(),
                "INLISLite import file downloaded"
            );
            let file_name = format!("inlislite-anggota-{}.xlsx", export.id);
            Ok(attachment(bytes, XLSX_CONTENT_TYPE, &file_name))
        }
        Err(error) => export_failure(&state, locale, &user, export.id, error),
    }
}

/// `GET /staf/inlislite/ekspor/{id}/foto.zip`: the members' card photos, each named as the
/// import file's PHOTO URL column names it.
pub async fn download_zip(
    State(state): State<AppState>,
    Lang(locale): Lang,
    user: StaffUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (export, member_ids) = recorded_export(&state, locale, &id).await?;
    if member_ids.is_empty() {
        let message = t(locale, "inlislite-export-file-empty");
        return rejection_page(&state, locale, &user, export.id, message, &[]);
    }
    // NOTE: every photo of the export is held in memory twice while the ZIP is written (the
    // snapshots and the archive), about 2 × 50 kB per member for card-size JPEGs.
    let snapshots = load_snapshots(&state, &member_ids, true)
        .await
        .map_err(in_locale(locale))?;
    let photos = snapshots
        .iter()
        .filter(|snapshot| snapshot.photo_jpeg.is_some())
        .count();
    if photos == 0 {
        let message = t(locale, "inlislite-export-no-photos");
        return rejection_page(&state, locale, &user, export.id, message, &[]);
    }

    let written = write_blocking(move || write_photo_zip(&snapshots))
        .await
        .map_err(in_locale(locale))?;
    match written {
        Ok(bytes) => {
            tracing::info!(
                staff_id = user.staff.id,
                export_id = export.id,
                photos,
                "INLISLite photo archive downloaded"
            );
            let file_name = format!("inlislite-foto-{}.zip", export.id);
            Ok(attachment(bytes, ZIP_CONTENT_TYPE, &file_name))
        }
        Err(error) => export_failure(&state, locale, &user, export.id, error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn form(selection: &str, from: &str, to: &str) -> ExportForm {
        ExportForm {
            csrf: String::new(),
            pilihan: selection.to_owned(),
            dari: from.to_owned(),
            sampai: to.to_owned(),
        }
    }

    #[test]
    fn form_dates_are_iso_only() {
        assert_eq!(parse_form_date("2022-07-29"), Some(date!(2022 - 07 - 29)));
        assert_eq!(parse_form_date(" 2022-07-29 "), Some(date!(2022 - 07 - 29)));
        for text in [
            "",
            "29-07-2022",
            "2022-7-29",
            "2022-02-30",
            "+02022-07-29",
            "2022/07/29",
            "20220-7-29",
            "２０２２-07-29",
        ] {
            assert_eq!(parse_form_date(text), None, "{text:?}");
        }
    }

    #[test]
    fn selection_new_ignores_dates() {
        let selection = parse_selection(Locale::Id, &form("baru", "x", "")).ok();
        assert_eq!(selection, Some(ExportSelection::New));
    }

    #[test]
    fn range_errors_name_the_field() {
        let problem = parse_selection(Locale::Id, &form("rentang", "", "2022-07-29"))
            .err()
            .unwrap();
        assert_eq!(problem.field, Some("dari"));
        assert!(
            problem.message.contains("Tanggal awal"),
            "{}",
            problem.message
        );

        let problem = parse_selection(Locale::Id, &form("rentang", "2022-07-01", "29/07/2022"))
            .err()
            .unwrap();
        assert_eq!(problem.field, Some("sampai"));
        assert!(
            problem.message.contains("Tanggal akhir"),
            "{}",
            problem.message
        );

        let problem = parse_selection(Locale::Id, &form("rentang", "2022-07-29", "2022-07-01"))
            .err()
            .unwrap();
        assert_eq!(problem.field, Some("sampai"));

        let problem = parse_selection(Locale::Id, &form("semua", "", ""))
            .err()
            .unwrap();
        assert_eq!(problem.field, Some("pilihan"));
    }

    #[test]
    fn range_includes_equal_dates() {
        let selection = parse_selection(Locale::Id, &form("rentang", "2022-07-29", "2022-07-29"));
        assert_eq!(
            selection.ok(),
            Some(ExportSelection::Range {
                from: date!(2022 - 07 - 29),
                to: date!(2022 - 07 - 29),
            })
        );
    }
}
