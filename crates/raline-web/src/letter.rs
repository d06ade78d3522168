//! The pre-filled statement letter (surat pernyataan) that applicants living outside Kota
//! Mojokerto print, stamp with a Rp10.000 meterai, sign and upload.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use raline_card::StatementLetter;
use raline_domain::region::{Level, RegionCode};
use raline_domain::{Address, ApplicationInput};
use raline_store::ApplicationRecord;
use time::OffsetDateTime;

use crate::AppState;
use crate::error::WebError;
use crate::i18n::{Locale, format_date, t, t_args};
use crate::pages::{Lang, PageError};

/// Maximum length of a value printed in one field of the letter, in characters. Form values are longer
/// only when typed wrong, and validation reports them when the form is sent.
const MAX_FIELD_CHARS: usize = 200;

/// The applicant's data as printed on the letter.
struct LetterData {
    name: String,
    identity_number: String,
    birth: String,
    address: String,
    phone: String,
    /// The place of signing: the regency or city of the address, without its prefix.
    place: String,
}

fn clip(value: &str) -> String {
    value.trim().chars().take(MAX_FIELD_CHARS).collect()
}

/// Joins the parts of an address that are filled in: "Jl. Melati 3, RT 001/RW 002, …".
fn address_line(street: &str, rt: &str, rw: &str, places: [&str; 4]) -> String {
    let mut parts = vec![street.trim().to_owned()];
    match (rt.trim(), rw.trim()) {
        ("", "") => {}
        (rt, rw) => parts.push(format!("RT {rt}/RW {rw}")),
    }
    parts.extend(places.iter().map(|part| part.trim().to_owned()));
    let parts: Vec<String> = parts.into_iter().filter(|part| !part.is_empty()).collect();
    clip(&parts.join(", "))
}

fn place_of(regency: &str) -> String {
    let regency = regency.trim();
    [
        "Kabupaten Administrasi ",
        "Kota Administrasi ",
        "Kabupaten ",
        "Kota ",
    ]
    .iter()
    .find_map(|prefix| regency.strip_prefix(prefix))
    .unwrap_or(regency)
    .to_owned()
}

fn birth_text(locale: Locale, place: &str, date: Option<time::Date>) -> String {
    let date = date
        .map(|date| format_date(locale, date))
        .unwrap_or_default();
    match (place.trim(), date.as_str()) {
        ("", "") => String::new(),
        (place, "") => clip(place),
        ("", date) => date.to_owned(),
        (place, date) => clip(&format!("{place}, {date}")),
    }
}

impl LetterData {
    /// Reads the letter's data from a form not yet sent. Region names come from the codes
    /// chosen when the region table lists them, else from the names typed.
    fn from_form(state: &AppState, locale: Locale, values: &ApplicationInput) -> LetterData {
        let current = values.current_address_same.trim() == "false";
        let pick = |id: &str, now: &str| -> String {
            if current {
                now.to_owned()
            } else {
                id.to_owned()
            }
        };
        // The most specific code chosen names its region and every region above it; levels
        // without a code keep the names typed. A code that no longer lies in the region
        // chosen above it (the province changed afterwards) is dropped, as the form does.
        let regions = &state.policy().regions;
        let chosen = crate::regions::cascade(
            regions,
            [
                &pick(&values.province_code, &values.current_province_code),
                &pick(&values.regency_code, &values.current_regency_code),
                &pick(&values.district_code, &values.current_district_code),
                &pick(&values.village_code, &values.current_village_code),
            ],
        );
        let deepest = [
            "village_code",
            "district_code",
            "regency_code",
            "province_code",
        ]
        .iter()
        .find_map(|name| {
            chosen
                .selected
                .get(name)
                .and_then(|code| RegionCode::parse(code))
        });
        let name_at = |level: Level, typed: String| -> String {
            deepest
                .and_then(|code| code.ancestor(level))
                .and_then(|code| regions.name(code))
                .map_or(typed, str::to_owned)
        };
        let village = name_at(
            Level::Village,
            pick(&values.village, &values.current_village),
        );
        let district = name_at(
            Level::District,
            pick(&values.district, &values.current_district),
        );
        let regency = name_at(
            Level::Regency,
            pick(&values.regency, &values.current_regency),
        );
        let province = name_at(
            Level::Province,
            pick(&values.province, &values.current_province),
        );
        let birth_date = time::Date::parse(
            values.birth_date.trim(),
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .ok();

        LetterData {
            name: clip(&values.full_name),
            identity_number: clip(&values.identity_number),
            birth: birth_text(locale, &values.birth_place, birth_date),
            address: address_line(
                &pick(&values.address, &values.current_address),
                &pick(&values.rt, &values.current_rt),
                &pick(&values.rw, &values.current_rw),
                [&village, &district, &regency, &province],
            ),
            phone: clip(&values.phone),
            place: place_of(&regency),
        }
    }

    fn from_record(locale: Locale, application: &ApplicationRecord) -> LetterData {
        let address: &Address = application.living_address();
        LetterData {
            name: application.full_name.clone(),
            identity_number: application.identity_number.clone(),
            birth: birth_text(
                locale,
                &application.birth_place,
                Some(application.birth_date),
            ),
            address: address_line(
                &address.street,
                &address.rt,
                &address.rw,
                [
                    &address.village,
                    &address.district,
                    &address.regency,
                    &address.province,
                ],
            ),
            phone: application.phone.clone(),
            place: place_of(&address.regency),
        }
    }
}

/// Placeholder printed for a field not filled in yet: a line to write on by hand.
const BLANK: &str = "………………………………………";

fn or_blank(value: &str) -> &str {
    if value.is_empty() { BLANK } else { value }
}

/// Renders the letter on the blocking pool. It is always in Indonesian, whatever the page
/// language, because the library files it with the application.
async fn render(state: &AppState, data: LetterData) -> Result<Vec<u8>, WebError> {
    let locale = Locale::Id;
    let today = raline_domain::dates::wib_date(OffsetDateTime::now_utc());
    let body = match &state.config().statement_letter_text {
        Some(text) => text.clone(),
        None => t_args(
            locale,
            "letter-default-body",
            &[("library", state.config().library.name.clone().into())],
        ),
    };
    let place = if data.place.is_empty() {
        "……………".to_owned()
    } else {
        data.place.clone()
    };
    let place_and_date = format!("{place}, {}", format_date(locale, today));
    let labels = [
        "letter-title",
        "letter-opening",
        "letter-field-name",
        "letter-field-nik",
        "letter-field-birth",
        "letter-field-address",
        "letter-field-phone",
        "letter-signer",
        "letter-stamp",
    ]
    .map(|key| t(locale, key));

    let state = state.clone();
    tokio::task::spawn_blocking(move || {
        let fields = [
            (labels[2].as_str(), or_blank(&data.name)),
            (labels[3].as_str(), or_blank(&data.identity_number)),
            (labels[4].as_str(), or_blank(&data.birth)),
            (labels[5].as_str(), or_blank(&data.address)),
            (labels[6].as_str(), or_blank(&data.phone)),
        ];
        let letter = StatementLetter {
            title: &labels[0],
            opening: &labels[1],
            fields: &fields,
            body: &body,
            place_and_date: &place_and_date,
            signer_caption: &labels[7],
            stamp_caption: &labels[8],
            signer_name: or_blank(&data.name),
        };
        state.letters().render(&letter).map_err(WebError::internal)
    })
    .await
    .map_err(WebError::internal)?
}

fn pdf_response(pdf: Vec<u8>) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/pdf"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"surat-pernyataan.pdf\""),
            ),
        ],
        pdf,
    )
        .into_response()
}

/// `POST /daftar/surat-pernyataan.pdf`: the letter filled from the form as typed so far.
/// The form posts here with a second submit button, so the NIK never appears in a URL.
pub async fn from_form(
    State(state): State<AppState>,
    Lang(locale): Lang,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (_, values) = crate::public::input_from_pairs(pairs);
    let data = LetterData::from_form(&state, Locale::Id, &values);
    let pdf = render(&state, data)
        .await
        .map_err(|error| PageError::new(error, locale))?;
    Ok(pdf_response(pdf))
}

/// `GET /status/{token}/surat-pernyataan.pdf`: the letter filled from the stored application.
pub async fn from_status(
    State(state): State<AppState>,
    Lang(locale): Lang,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let application = crate::status::application_for_token(&state, &token, locale).await?;
    let data = LetterData::from_record(Locale::Id, &application);
    let pdf = render(&state, data)
        .await
        .map_err(|error| PageError::new(error, locale))?;
    Ok(pdf_response(pdf))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_parts_joined() {
        let line = address_line(
            "Jl. Melati 3",
            "001",
            "002",
            ["Jembul", "Jatirejo", "Kabupaten Mojokerto", "Jawa Timur"],
        );
        assert_eq!(
            line,
            "Jl. Melati 3, RT 001/RW 002, Jembul, Jatirejo, Kabupaten Mojokerto, Jawa Timur"
        );
        assert_eq!(address_line("", "", "", ["", "", "", ""]), "");
        assert_eq!(place_of("Kabupaten Mojokerto"), "Mojokerto");
        assert_eq!(place_of("Kota Bandung"), "Bandung");
        assert_eq!(
            place_of("Kota Administrasi Jakarta Selatan"),
            "Jakarta Selatan"
        );
    }
}
