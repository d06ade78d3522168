//! Member card PDFs: gathering the member's data and photo for `raline_card`.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use raline_card::{CardLabels, CardMember};
use raline_domain::UploadSlot;
use raline_store::{ApplicationRecord, MemberRecord};

use crate::AppState;
use crate::error::WebError;
use crate::i18n::{Locale, format_date, t, t_args};

/// Renders the card of `member`. Cards are printed in Indonesian whatever the applicant's
/// page language, because the library prints and reads them.
pub async fn render_member_card(
    state: &AppState,
    member: &MemberRecord,
    application: &ApplicationRecord,
) -> Result<Vec<u8>, WebError> {
    let uploads = state.store().uploads_for(application.id).await?;
    let photo = uploads
        .iter()
        .find(|upload| upload.slot == UploadSlot::Photo)
        .and_then(|upload| upload.card_storage_name.clone())
        .ok_or_else(|| WebError::internal(format!("member {} has no card photo", member.id)))?;
    let photo = state.files().get(&photo).await?;

    let locale = Locale::Id;
    let member_type = state.config().member_type_name(&member.member_type);
    let valid_until = format_date(locale, member.valid_until);
    let labels = [
        t(locale, "card-title"),
        t(locale, "card-member-number"),
        t(locale, "card-member-type"),
        t(locale, "card-valid-until"),
    ];

    let state = state.clone();
    let full_name = member.full_name.clone();
    let member_number = member.member_number.clone();
    tokio::task::spawn_blocking(move || {
        let card = CardMember {
            full_name: &full_name,
            member_number: &member_number,
            member_type: &member_type,
            valid_until: &valid_until,
            photo_jpeg: &photo,
            qr_payload: &member_number,
            labels: CardLabels {
                title: &labels[0],
                member_number: &labels[1],
                member_type: &labels[2],
                valid_until: &labels[3],
            },
        };
        state.cards().render(&card).map_err(WebError::internal)
    })
    .await
    .map_err(WebError::internal)?
}

/// Returns the card's file name, such as `kartu-anggota-26120400001.pdf`.
pub fn card_file_name(member_number: &str) -> String {
    t_args(
        Locale::Id,
        "card-filename",
        &[("number", member_number.into())],
    )
}

/// Renders the card of `member` as a PDF download response, reading the application it
/// came from.
pub async fn member_pdf_response(
    state: &AppState,
    member: &MemberRecord,
) -> Result<Response, WebError> {
    let application = state
        .store()
        .application(member.application_id)
        .await?
        .ok_or(WebError::NotFound)?;
    pdf_response(state, member, &application).await
}

/// Renders the member's card as a PDF download response.
pub async fn pdf_response(
    state: &AppState,
    member: &MemberRecord,
    application: &ApplicationRecord,
) -> Result<Response, WebError> {
    let pdf = render_member_card(state, member, application).await?;
    let disposition = format!(
        "attachment; filename=\"{}\"",
        card_file_name(&member.member_number)
    );
    let mut response = pdf.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}
