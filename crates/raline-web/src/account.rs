//! The member's pages: login, the member page with the virtual card, contact details,
//! identity correction requests, online renewal, password reset and address verification.

use std::collections::BTreeMap;

use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use raline_domain::{ApplicationStatus, ContactInput, FieldError, UploadSlot, validate_contact};
use raline_store::{ContactUpdate, LinkProblem, MemberRecord, RenewalChannel, SessionKind};
use serde::Deserialize;
use time::OffsetDateTime;

use crate::error::{FieldMessage, WebError, renewal_refusal_message};
use crate::i18n::{Locale, format_date, format_instant, t};
use crate::member_auth::{
    ClientAddress, LoginFailure, MEMBER_COOKIE, MEMBER_SESSION_LIFETIME, MemberUser,
    allow_member_mail, allow_reset_request, authenticate, member_cookie,
};
use crate::pages::{Lang, PageError, cookie, render};
use crate::{AppState, card, renewal, uploads};

fn page_error(locale: Locale) -> impl Fn(WebError) -> PageError {
    move |error| PageError::new(error, locale)
}

fn with_cookie(mut response: Response, value: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(value) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

// --- Login and logout ---------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    #[serde(default)]
    info: Option<String>,
}

/// Notices a redirect may ask the login page to show.
fn login_notice(locale: Locale, info: Option<&str>) -> Option<String> {
    match info? {
        "keluar" => Some(t(locale, "account-logged-out")),
        "sandi-baru" => Some(t(locale, "account-password-changed")),
        _ => None,
    }
}

pub async fn login_form(
    State(state): State<AppState>,
    Lang(locale): Lang,
    Query(query): Query<LoginQuery>,
) -> Result<Html<String>, PageError> {
    render(
        &state,
        locale,
        "account_login.html",
        minijinja::context! {
            login => "",
            error => None::<String>,
            notice => login_notice(locale, query.info.as_deref()),
        },
    )
    .map_err(page_error(locale))
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
}

pub async fn login(
    State(state): State<AppState>,
    Lang(locale): Lang,
    ClientAddress(address): ClientAddress,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    let login = form.login.trim();
    let result = if login.is_empty() || form.password.is_empty() {
        Err(LoginFailure::WrongCredentials)
    } else {
        authenticate(&state, login, &form.password, address).await
    };
    let member = match result {
        Ok(member) => member,
        Err(failure) => {
            let (status, key) = match failure {
                LoginFailure::WrongCredentials => {
                    (StatusCode::UNAUTHORIZED, "account-login-failed")
                }
                LoginFailure::Locked => (StatusCode::TOO_MANY_REQUESTS, "account-login-locked"),
            };
            let html = render(
                &state,
                locale,
                "account_login.html",
                minijinja::context! { login, error => t(locale, key), notice => None::<String> },
            )
            .map_err(page_error(locale))?;
            return Ok((status, html).into_response());
        }
    };

    let token = state
        .store()
        .create_member_session(
            member.id,
            SessionKind::Cookie,
            OffsetDateTime::now_utc(),
            MEMBER_SESSION_LIFETIME,
        )
        .await?;
    let cookie = member_cookie(&state, &token, MEMBER_SESSION_LIFETIME.whole_seconds());
    Ok(with_cookie(Redirect::to("/akun").into_response(), &cookie))
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub async fn logout(
    State(state): State<AppState>,
    Lang(locale): Lang,
    user: MemberUser,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&form.csrf).map_err(page_error(locale))?;
    if let Some(token) = cookie(&headers, MEMBER_COOKIE) {
        state.store().delete_member_session(token).await?;
    }
    let expired = member_cookie(&state, "", 0);
    Ok(with_cookie(
        Redirect::to("/akun/masuk?info=keluar").into_response(),
        &expired,
    ))
}

// --- The member page ----------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct AccountQuery {
    #[serde(default)]
    info: Option<String>,
}

/// Returns the member's current address: the one the member typed, else the application's.
pub(crate) async fn current_address(
    state: &AppState,
    member: &MemberRecord,
) -> Result<String, WebError> {
    if let Some(address) = &member.address {
        return Ok(address.clone());
    }
    let application = state.store().application(member.application_id).await?;
    Ok(application
        .map(|application| {
            crate::pages::address_line(
                &application
                    .current_address
                    .unwrap_or(application.id_address),
            )
        })
        .unwrap_or_default())
}

/// Values and errors of the contact and identity forms when they are shown again.
#[derive(Default)]
struct AccountForms {
    contact_values: Option<BTreeMap<&'static str, String>>,
    contact_errors: BTreeMap<String, String>,
    correction_values: BTreeMap<&'static str, String>,
    correction_errors: BTreeMap<String, String>,
    notice: Option<String>,
}

async fn render_account(
    state: &AppState,
    locale: Locale,
    user: &MemberUser,
    forms: AccountForms,
) -> Result<Html<String>, WebError> {
    let member = &user.member;
    let now = OffsetDateTime::now_utc();
    let barcode = raline_card::code39_svg(&member.member_number).map_err(WebError::internal)?;
    let qr = raline_card::qr_svg(&member.member_number).map_err(WebError::internal)?;
    let address = current_address(state, member).await?;
    let contact_values = forms.contact_values.unwrap_or_else(|| {
        BTreeMap::from([
            ("email", member.email.clone()),
            ("phone", member.phone.clone()),
            ("contact_address", address.clone()),
        ])
    });

    let renewals = state.store().renewals_of_member(member.id).await?;
    let open = renewals.iter().find(|renewal| {
        matches!(
            renewal.status,
            ApplicationStatus::Submitted | ApplicationStatus::NeedsCorrection
        )
    });
    let window = match renewal::quote(state, member, now) {
        Ok(Ok(quote)) => minijinja::context! {
            open => true,
            new_valid_until => format_date(locale, quote.new_valid_until),
            closes_on => format_date(locale, quote.closes_on),
        },
        Ok(Err(refusal)) => minijinja::context! {
            open => false,
            message => renewal_refusal_message(locale, refusal),
        },
        // The library no longer offers the member's type: the rest of the page still works.
        Err(_) => minijinja::context! {
            open => false,
            message => t(locale, "account-renewal-unavailable"),
        },
    };
    let history: Vec<_> = renewals
        .iter()
        .map(|renewal| {
            minijinja::context! {
                submitted_at => format_instant(locale, renewal.submitted_at),
                channel => t(locale, &format!("account-channel-{}", renewal.channel.as_str())),
                status => renewal.status.as_str(),
                status_label => t(locale, &format!("status-{}", renewal.status.as_str())),
                old => renewal.old_valid_until.map(|date| format_date(locale, date)),
                new => renewal.new_valid_until.map(|date| format_date(locale, date)),
                reason => &renewal.decision_reason,
            }
        })
        .collect();
    let corrections = state
        .store()
        .identity_corrections(Some(member.id), false)
        .await?;
    let open_correction = corrections.iter().any(|c| c.status == "submitted");
    let correction_history: Vec<_> = corrections
        .iter()
        .rev()
        .take(5)
        .map(|c| {
            minijinja::context! {
                created_at => format_instant(locale, c.created_at),
                status => t(locale, &format!("account-correction-{}", c.status)),
                reason => &c.decision_reason,
            }
        })
        .collect();
    let today = raline_domain::dates::wib_date(now);

    render(
        state,
        locale,
        "account.html",
        minijinja::context! {
            csrf => &user.csrf_token,
            member_number => &member.member_number,
            full_name => &member.full_name,
            member_type => state.config().member_type_name(&member.member_type),
            valid_until => format_date(locale, member.valid_until),
            expired => member.valid_until < today,
            registered_on => format_date(locale, member.registered_on),
            email_verified => member.email_verified,
            barcode,
            qr,
            window,
            open_renewal => open.map(|renewal| minijinja::context! {
                status => renewal.status.as_str(),
                status_label => t(locale, &format!("status-{}", renewal.status.as_str())),
                reason => &renewal.decision_reason,
            }),
            history,
            contact => contact_values,
            whatsapp_opt_out => user.member.whatsapp_opt_out,
            contact_errors => forms.contact_errors,
            correction => forms.correction_values,
            correction_errors => forms.correction_errors,
            open_correction,
            correction_history,
            notice => forms.notice,
        },
    )
}

fn account_notice(locale: Locale, info: Option<&str>) -> Option<String> {
    let key = match info? {
        "kontak" => "account-contact-saved",
        "kontak-email" => "account-contact-saved-email",
        "koreksi" => "account-correction-sent",
        "perpanjangan-diajukan" => "account-renewal-submitted",
        "perpanjangan-disetujui" => "account-renewal-approved",
        "verifikasi-terkirim" => "account-verification-sent",
        _ => return None,
    };
    Some(t(locale, key))
}

pub async fn show(
    State(state): State<AppState>,
    Lang(locale): Lang,
    user: MemberUser,
    Query(query): Query<AccountQuery>,
) -> Result<Html<String>, PageError> {
    let forms = AccountForms {
        notice: account_notice(locale, query.info.as_deref()),
        ..AccountForms::default()
    };
    render_account(&state, locale, &user, forms)
        .await
        .map_err(page_error(locale))
}

/// Serves the card photo of the logged-in member, for the virtual card.
pub async fn photo(
    State(state): State<AppState>,
    Lang(locale): Lang,
    user: MemberUser,
) -> Result<Response, PageError> {
    let uploads = state
        .store()
        .uploads_for(user.member.application_id)
        .await?;
    let name = uploads
        .iter()
        .find(|upload| upload.slot == UploadSlot::Photo)
        .and_then(|upload| upload.card_storage_name.clone())
        .ok_or_else(|| PageError::new(WebError::NotFound, locale))?;
    let bytes = state.files().get(&name).await?;
    Ok(crate::staff::upload_response(bytes, "image/jpeg"))
}

pub async fn card_pdf(
    State(state): State<AppState>,
    Lang(locale): Lang,
    user: MemberUser,
) -> Result<Response, PageError> {
    card::member_pdf_response(&state, &user.member)
        .await
        .map_err(page_error(locale))
}

// --- Contact details ----------------------------------------------------------------------

#[derive(Deserialize)]
pub struct ContactForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    contact_address: String,
    /// Checkbox: present when the member wants e-mail only.
    #[serde(default)]
    whatsapp_opt_out: Option<String>,
}

fn error_map(locale: Locale, errors: &[FieldError]) -> BTreeMap<String, String> {
    crate::forms::field_messages(locale, errors, 0)
        .into_iter()
        .map(|message| (message.field, message.message))
        .collect()
}

/// Validates contact details and saves them; a changed e-mail address gets a new
/// verification link. Returns the field errors when the input is invalid.
pub async fn save_contact(
    state: &AppState,
    member: &MemberRecord,
    input: &ContactInput,
) -> Result<Result<MemberRecord, Vec<FieldError>>, WebError> {
    let contact = match validate_contact(input) {
        Ok(contact) => contact,
        Err(errors) => return Ok(Err(errors)),
    };
    let unchanged = contact.email == member.email
        && contact.phone == member.phone
        && member.address.as_deref() == Some(contact.address.as_str());
    if unchanged {
        return Ok(Ok(member.clone()));
    }
    let update = ContactUpdate {
        email: contact.email,
        email_normalized: contact.email_normalized,
        phone: contact.phone,
        phone_e164: contact.phone_e164,
        address: contact.address,
    };
    let send_link = update.email_normalized == member.email.to_lowercase()
        || allow_member_mail(state, "verify", member.id);
    let updated = state
        .store()
        .update_member_contact(member.id, &update, send_link, OffsetDateTime::now_utc())
        .await?;
    state.outbox_wake().notify_one();
    tracing::info!(member_id = member.id, "member contact details changed");
    Ok(Ok(updated))
}

pub async fn update_contact(
    State(state): State<AppState>,
    Lang(locale): Lang,
    user: MemberUser,
    Form(form): Form<ContactForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&form.csrf).map_err(page_error(locale))?;
    let input = ContactInput {
        email: form.email.clone(),
        phone: form.phone.clone(),
        address: form.contact_address.clone(),
    };
    match save_contact(&state, &user.member, &input).await? {
        Ok(updated) => {
            let opt_out = form
                .whatsapp_opt_out
                .as_deref()
                .is_some_and(raline_domain::application::parse_flag);
            if opt_out != user.member.whatsapp_opt_out {
                state
                    .store()
                    .set_member_whatsapp_opt_out(user.member.id, opt_out)
                    .await?;
                tracing::info!(
                    member_id = user.member.id,
                    opt_out,
                    "WhatsApp preference changed"
                );
            }
            let info = if updated.email_verified || updated.email == user.member.email {
                "kontak"
            } else {
                "kontak-email"
            };
            Ok(Redirect::to(&format!("/akun?info={info}")).into_response())
        }
        Err(errors) => {
            let forms = AccountForms {
                contact_values: Some(BTreeMap::from([
                    ("email", form.email),
                    ("phone", form.phone),
                    ("contact_address", form.contact_address),
                ])),
                contact_errors: error_map(locale, &errors),
                ..AccountForms::default()
            };
            let html = render_account(&state, locale, &user, forms)
                .await
                .map_err(page_error(locale))?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
    }
}

pub async fn resend_verification(
    State(state): State<AppState>,
    Lang(locale): Lang,
    user: MemberUser,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&form.csrf).map_err(page_error(locale))?;
    if !user.member.email_verified && allow_member_mail(&state, "verify", user.member.id) {
        state
            .store()
            .resend_member_verification(user.member.id, OffsetDateTime::now_utc())
            .await?;
        state.outbox_wake().notify_one();
    }
    Ok(Redirect::to("/akun?info=verifikasi-terkirim").into_response())
}

// --- Identity corrections -----------------------------------------------------------------

#[derive(Deserialize)]
pub struct CorrectionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    identity_number: String,
    #[serde(default)]
    birth_date: String,
    #[serde(default)]
    reason: String,
}

/// A checked identity correction request; empty fields mean "unchanged".
struct CheckedCorrection {
    full_name: Option<String>,
    identity_number: Option<String>,
    birth_date: Option<time::Date>,
    reason: String,
}

/// Rules for checking a requested identity number and birth date: whether the member's
/// document carries a NIK, the region table and today's WIB date.
struct CorrectionRules<'a> {
    carries_nik: bool,
    regions: &'a raline_domain::RegionDirectory,
    today: time::Date,
}

fn check_correction(
    form: &CorrectionForm,
    rules: &CorrectionRules<'_>,
) -> Result<CheckedCorrection, Vec<FieldError>> {
    let mut errors = Vec::new();
    let name = form
        .full_name
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let full_name = if name.is_empty() {
        None
    } else if name.chars().count() > 100 {
        errors.push(FieldError {
            field: "full_name",
            code: "too_long",
        });
        None
    } else if !raline_domain::application::is_person_name(&name) {
        errors.push(FieldError {
            field: "full_name",
            code: "name_characters",
        });
        None
    } else {
        Some(name)
    };
    let number = form.identity_number.trim();
    let identity_number = if number.is_empty() {
        None
    } else if rules.carries_nik {
        match raline_domain::Nik::parse(number, rules.today, rules.regions) {
            Ok(_) => Some(number.to_owned()),
            Err(error) => {
                errors.push(FieldError {
                    field: "identity_number",
                    code: error.code(),
                });
                None
            }
        }
    } else if number.len() > 40
        || !number
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '.' | '/' | '-'))
    {
        errors.push(FieldError {
            field: "identity_number",
            code: "identity_number_format",
        });
        None
    } else {
        Some(number.to_owned())
    };
    let date = form.birth_date.trim();
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let birth_date = if date.is_empty() {
        None
    } else {
        match time::Date::parse(date, &format) {
            Ok(date) if date > rules.today => {
                errors.push(FieldError {
                    field: "birth_date",
                    code: "date_in_future",
                });
                None
            }
            Ok(date) if rules.today.year() - date.year() > 120 => {
                errors.push(FieldError {
                    field: "birth_date",
                    code: "date_too_old",
                });
                None
            }
            Ok(date) => Some(date),
            Err(_) => {
                errors.push(FieldError {
                    field: "birth_date",
                    code: "date_format",
                });
                None
            }
        }
    };
    let reason = form.reason.trim().to_owned();
    if reason.is_empty() {
        errors.push(FieldError {
            field: "correction_reason",
            code: "required",
        });
    } else if reason.chars().count() > 1000 {
        errors.push(FieldError {
            field: "correction_reason",
            code: "too_long",
        });
    }
    if errors.is_empty() && full_name.is_none() && identity_number.is_none() && birth_date.is_none()
    {
        errors.push(FieldError {
            field: "full_name",
            code: "correction_empty",
        });
    }
    if errors.is_empty() {
        Ok(CheckedCorrection {
            full_name,
            identity_number,
            birth_date,
            reason,
        })
    } else {
        Err(errors)
    }
}

pub async fn request_correction(
    State(state): State<AppState>,
    Lang(locale): Lang,
    user: MemberUser,
    Form(form): Form<CorrectionForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&form.csrf).map_err(page_error(locale))?;
    let carries_nik = state
        .store()
        .application(user.member.application_id)
        .await?
        .is_some_and(|application| {
            application.identity_type.carries_nik() && application.guardian_name.is_none()
        });
    let rules = CorrectionRules {
        carries_nik,
        regions: &state.config().regions,
        today: raline_domain::dates::wib_date(OffsetDateTime::now_utc()),
    };
    let errors = match check_correction(&form, &rules) {
        Ok(correction) => {
            let stored = state
                .store()
                .submit_identity_correction(
                    user.member.id,
                    correction.full_name.as_deref(),
                    correction.identity_number.as_deref(),
                    correction.birth_date,
                    &correction.reason,
                    OffsetDateTime::now_utc(),
                )
                .await;
            match stored {
                Ok(id) => {
                    tracing::info!(
                        member_id = user.member.id,
                        correction_id = id,
                        "identity correction requested"
                    );
                    return Ok(Redirect::to("/akun?info=koreksi").into_response());
                }
                Err(raline_store::StoreError::Conflict(_)) => vec![FieldError {
                    field: "correction_reason",
                    code: "correction_open",
                }],
                Err(error) => return Err(PageError::new(error.into(), locale)),
            }
        }
        Err(errors) => errors,
    };
    let forms = AccountForms {
        correction_values: BTreeMap::from([
            ("full_name", form.full_name),
            ("identity_number", form.identity_number),
            ("birth_date", form.birth_date),
            ("correction_reason", form.reason),
        ]),
        correction_errors: error_map(locale, &errors),
        ..AccountForms::default()
    };
    let html = render_account(&state, locale, &user, forms)
        .await
        .map_err(page_error(locale))?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
}

// --- Renewal --------------------------------------------------------------------------------

struct RenewForm {
    values: BTreeMap<&'static str, String>,
    errors: BTreeMap<String, String>,
    general_error: Option<String>,
}

async fn render_renew(
    state: &AppState,
    locale: Locale,
    user: &MemberUser,
    form: Option<RenewForm>,
) -> Result<Html<String>, WebError> {
    let member = &user.member;
    let now = OffsetDateTime::now_utc();
    let kind = renewal::member_type(state, member).ok();
    let renewals = state.store().renewals_of_member(member.id).await?;
    let open = renewals.iter().find(|renewal| {
        matches!(
            renewal.status,
            ApplicationStatus::Submitted | ApplicationStatus::NeedsCorrection
        )
    });
    let (quote, refusal) = match renewal::quote(state, member, now) {
        Ok(Ok(quote)) => (Some(quote), None),
        Ok(Err(refusal)) => (None, Some(renewal_refusal_message(locale, refusal))),
        Err(_) => (None, Some(t(locale, "account-renewal-unavailable"))),
    };
    let form = match form {
        Some(form) => form,
        None => RenewForm {
            values: BTreeMap::from([
                ("email", member.email.clone()),
                ("phone", member.phone.clone()),
                ("contact_address", current_address(state, member).await?),
            ]),
            errors: BTreeMap::new(),
            general_error: None,
        },
    };
    let required: Vec<&str> = kind
        .iter()
        .flat_map(|kind| kind.renewal.documents.iter().map(|slot| slot.as_str()))
        .collect();
    let fee = kind.map_or(0, |kind| kind.renewal.fee_rupiah);

    render(
        state,
        locale,
        "account_renew.html",
        minijinja::context! {
            csrf => &user.csrf_token,
            submission_key => raline_store::random_token(),
            member_number => &member.member_number,
            full_name => &member.full_name,
            valid_until => format_date(locale, member.valid_until),
            quote => quote.map(|quote| minijinja::context! {
                new_valid_until => format_date(locale, quote.new_valid_until),
            }),
            refusal,
            open_status => open.map(|renewal| renewal.status.as_str()),
            open_reason => open.and_then(|renewal| renewal.decision_reason.clone()),
            required,
            fee => (fee > 0).then(|| crate::i18n::format_rupiah(locale, i64::from(fee))),
            values => form.values,
            errors => form.errors,
            general_error => form.general_error,
        },
    )
}

pub async fn renew_form(
    State(state): State<AppState>,
    Lang(locale): Lang,
    user: MemberUser,
) -> Result<Html<String>, PageError> {
    render_renew(&state, locale, &user, None)
        .await
        .map_err(page_error(locale))
}

pub async fn renew(
    State(state): State<AppState>,
    Lang(locale): Lang,
    user: MemberUser,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let wrap = page_error(locale);
    let max_bytes = state.config().upload_max_bytes;
    let submission = uploads::read_submission(multipart, max_bytes)
        .await
        .map_err(&wrap)?;
    user.check_csrf(submission.text("csrf")).map_err(&wrap)?;
    let values = BTreeMap::from([
        ("email", submission.text("email").to_owned()),
        ("phone", submission.text("phone").to_owned()),
        (
            "contact_address",
            submission.text("contact_address").to_owned(),
        ),
    ]);
    let show_errors = |errors: Vec<FieldMessage>, general_error: Option<String>| {
        let form = RenewForm {
            values: values.clone(),
            errors: errors
                .into_iter()
                .map(|message| (message.field, message.message))
                .collect(),
            general_error,
        };
        (form, StatusCode::UNPROCESSABLE_ENTITY)
    };
    let max_mb = max_bytes / (1024 * 1024);

    let input = ContactInput {
        email: values["email"].clone(),
        phone: values["phone"].clone(),
        address: values["contact_address"].clone(),
    };
    let outcome = submit_renewal(
        &state,
        &user.member,
        &input,
        submission.files,
        &submission.oversized,
        submission.submission_key.as_deref(),
        locale,
    )
    .await;
    let (form, status) = match outcome {
        Ok(RenewalResult::Submitted { approved, .. }) => {
            let info = if approved {
                "perpanjangan-disetujui"
            } else {
                "perpanjangan-diajukan"
            };
            return Ok(Redirect::to(&format!("/akun?info={info}")).into_response());
        }
        Ok(RenewalResult::Invalid(errors)) => {
            show_errors(crate::forms::field_messages(locale, &errors, max_mb), None)
        }
        Err(WebError::Validation(messages)) => show_errors(messages, None),
        Err(
            error @ (WebError::RenewalRefused(_)
            | WebError::RenewalUnavailable
            | WebError::Store(
                raline_store::StoreError::RenewalAlreadyOpen
                | raline_store::StoreError::AlreadyRenewed,
            )),
        ) => show_errors(Vec::new(), Some(error.message(locale, ""))),
        Err(error) => return Err(wrap(error)),
    };
    let html = render_renew(&state, locale, &user, Some(form))
        .await
        .map_err(&wrap)?;
    Ok((status, html).into_response())
}

/// Outcome of a renewal submission.
pub enum RenewalResult {
    Submitted { id: i64, approved: bool },
    Invalid(Vec<FieldError>),
}

/// Saves the confirmed contact details, checks and stores the files, and submits the
/// renewal, or resubmits the one waiting for correction. Shared by the page and the API.
pub async fn submit_renewal(
    state: &AppState,
    member: &MemberRecord,
    contact: &ContactInput,
    files: BTreeMap<UploadSlot, Vec<u8>>,
    oversized: &[UploadSlot],
    submission_key: Option<&str>,
    locale: Locale,
) -> Result<RenewalResult, WebError> {
    let submission_key = submission_key.filter(|key| crate::forms::is_submission_key(key));

    // A repeated request returns the renewal it created and changes nothing. Rejections
    // come before any change, so a rejected renewal leaves the contact details unchanged.
    if let Some(submitted) = renewal::repeated(state, member, submission_key).await? {
        return Ok(RenewalResult::Submitted {
            id: submitted.id,
            approved: submitted.approved.is_some(),
        });
    }
    let correcting = state
        .store()
        .open_renewal(member.id)
        .await?
        .filter(|renewal| renewal.status == ApplicationStatus::NeedsCorrection);
    if correcting.is_none() {
        renewal::check_can_submit(state, member).await?;
    }

    // Only the photo and the identity document can be renewed.
    let mut errors: Vec<FieldError> = files
        .keys()
        .filter(|slot| !matches!(slot, UploadSlot::Photo | UploadSlot::IdentityDocument))
        .map(|slot| FieldError {
            field: slot.as_str(),
            code: "file_not_expected",
        })
        .collect();
    if let Err(contact_errors) = validate_contact(contact) {
        errors.extend(contact_errors);
    }
    let files: BTreeMap<UploadSlot, Vec<u8>> = files
        .into_iter()
        .filter(|(slot, _)| matches!(slot, UploadSlot::Photo | UploadSlot::IdentityDocument))
        .collect();
    let (processed, file_errors) =
        uploads::process_files(files, oversized, &state.config().upload_limits()).await?;
    errors.extend(file_errors);
    if !errors.is_empty() {
        return Ok(RenewalResult::Invalid(errors));
    }

    let stored = uploads::store_files(state.files(), processed).await?;

    let result = match correcting {
        Some(open) => state
            .store()
            .resubmit_renewal(open.id, member.id, &stored, OffsetDateTime::now_utc())
            .await
            .map_err(WebError::from)
            .map(|()| {
                state.outbox_wake().notify_one();
                tracing::info!(
                    renewal_id = open.id,
                    member_id = member.id,
                    "renewal resubmitted"
                );
                RenewalResult::Submitted {
                    id: open.id,
                    approved: false,
                }
            }),
        None => renewal::submit(
            state,
            member,
            &stored,
            submission_key,
            RenewalChannel::Online,
            None,
            locale,
        )
        .await
        .map(|submitted| RenewalResult::Submitted {
            id: submitted.id,
            approved: submitted.approved.is_some(),
        }),
    };
    if result.is_err() {
        uploads::remove_files(state.files(), &stored).await;
        return result;
    }

    // The contact details change only with a renewal that was stored, so a refused or
    // losing request leaves them as they were. They were checked above.
    if let Err(errors) = save_contact(state, member, contact).await? {
        return Ok(RenewalResult::Invalid(errors));
    }
    result
}

// --- Password reset -----------------------------------------------------------------------

pub async fn forgot_form(
    State(state): State<AppState>,
    Lang(locale): Lang,
) -> Result<Html<String>, PageError> {
    render(
        &state,
        locale,
        "account_password.html",
        minijinja::context! { mode => "forgot", error => None::<String> },
    )
    .map_err(page_error(locale))
}

#[derive(Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    login: String,
}

pub async fn forgot(
    State(state): State<AppState>,
    Lang(locale): Lang,
    ClientAddress(address): ClientAddress,
    Form(form): Form<ForgotForm>,
) -> Result<Response, PageError> {
    let login = form.login.trim();
    if login.is_empty() || login.len() > 254 {
        let html = render(
            &state,
            locale,
            "account_password.html",
            minijinja::context! { mode => "forgot", error => t(locale, "account-forgot-empty") },
        )
        .map_err(page_error(locale))?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response());
    }
    if !allow_reset_request(&state, address) {
        return Err(PageError::new(WebError::TooManyAttempts, locale));
    }

    // Each member receives at most `MEMBER_MAILS` reset e-mails in the lock window, from
    // any number of requests.
    let members: Vec<MemberRecord> = state
        .store()
        .members_for_login(login)
        .await?
        .into_iter()
        .map(|login| login.member)
        .filter(|member| allow_member_mail(&state, "reset", member.id))
        .collect();
    if !members.is_empty() {
        state
            .store()
            .queue_password_resets(&members, OffsetDateTime::now_utc())
            .await?;
        state.outbox_wake().notify_one();
    }

    // The same page whether or not an account matched, so the form does not reveal which
    // accounts exist.
    render(
        &state,
        locale,
        "account_password.html",
        minijinja::context! { mode => "sent", error => None::<String> },
    )
    .map(IntoResponse::into_response)
    .map_err(page_error(locale))
}

fn link_problem_page(
    state: &AppState,
    locale: Locale,
    problem: LinkProblem,
    purpose: &str,
) -> Result<Response, PageError> {
    let key = match problem {
        LinkProblem::Unknown => "account-link-unknown",
        LinkProblem::Expired => "account-link-expired",
        LinkProblem::Used => "account-link-used",
        LinkProblem::Superseded => "account-link-superseded",
    };
    let html = render(
        state,
        locale,
        "account_password.html",
        minijinja::context! {
            mode => "link_problem",
            purpose,
            error => t(locale, key),
        },
    )
    .map_err(page_error(locale))?;
    Ok((StatusCode::GONE, html).into_response())
}

fn is_link_token(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|byte| byte.is_ascii_hexdigit())
}

pub async fn reset_form(
    State(state): State<AppState>,
    Lang(locale): Lang,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    if !is_link_token(&token) {
        return link_problem_page(&state, locale, LinkProblem::Unknown, "reset");
    }
    match state
        .store()
        .check_reset_link(&token, OffsetDateTime::now_utc())
        .await?
    {
        Ok(()) => render(
            &state,
            locale,
            "account_password.html",
            minijinja::context! { mode => "reset", token, error => None::<String> },
        )
        .map(IntoResponse::into_response)
        .map_err(page_error(locale)),
        Err(problem) => link_problem_page(&state, locale, problem, "reset"),
    }
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirmation: String,
}

pub async fn reset(
    State(state): State<AppState>,
    Lang(locale): Lang,
    Path(token): Path<String>,
    Form(form): Form<ResetForm>,
) -> Result<Response, PageError> {
    if !is_link_token(&token) {
        return link_problem_page(&state, locale, LinkProblem::Unknown, "reset");
    }
    let code = if form.password.chars().count() < raline_domain::application::MIN_PASSWORD_CHARS {
        Some("password_too_short")
    } else if form.password.len() > 1024 {
        Some("too_long")
    } else if form.password != form.password_confirmation {
        Some("password_mismatch")
    } else {
        None
    };
    if let Some(code) = code {
        let message = crate::forms::field_messages(
            locale,
            &[FieldError {
                field: "password",
                code,
            }],
            0,
        )
        .pop()
        .map(|message| message.message);
        let html = render(
            &state,
            locale,
            "account_password.html",
            minijinja::context! { mode => "reset", token, error => message },
        )
        .map_err(page_error(locale))?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response());
    }

    let password = form.password;
    let typed = password.clone();
    let hash = tokio::task::spawn_blocking(move || password_auth::generate_hash(password))
        .await
        .map_err(|error| PageError::new(WebError::internal(error), locale))?;
    match state
        .store()
        .reset_password(&token, &hash, OffsetDateTime::now_utc())
        .await?
    {
        Ok(member_id) => {
            tracing::info!(member_id, "member password reset; all sessions ended");
            crate::member_auth::offer_portal_password(&state, member_id, &typed).await;
            let expired = member_cookie(&state, "", 0);
            Ok(with_cookie(
                Redirect::to("/akun/masuk?info=sandi-baru").into_response(),
                &expired,
            ))
        }
        Err(problem) => link_problem_page(&state, locale, problem, "reset"),
    }
}

// --- E-mail verification ------------------------------------------------------------------

/// Shows a button instead of verifying on GET, because mail scanners open links.
pub async fn verify_form(
    State(state): State<AppState>,
    Lang(locale): Lang,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    if !is_link_token(&token) {
        return link_problem_page(&state, locale, LinkProblem::Unknown, "verify");
    }
    render(
        &state,
        locale,
        "account_password.html",
        minijinja::context! { mode => "verify", token, error => None::<String> },
    )
    .map(IntoResponse::into_response)
    .map_err(page_error(locale))
}

pub async fn verify(
    State(state): State<AppState>,
    Lang(locale): Lang,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    if !is_link_token(&token) {
        return link_problem_page(&state, locale, LinkProblem::Unknown, "verify");
    }
    match state
        .store()
        .verify_email(&token, OffsetDateTime::now_utc())
        .await?
    {
        Ok(()) => {
            tracing::info!("e-mail address verified");
            render(
                &state,
                locale,
                "account_password.html",
                minijinja::context! { mode => "verified", error => None::<String> },
            )
            .map(IntoResponse::into_response)
            .map_err(page_error(locale))
        }
        Err(problem) => link_problem_page(&state, locale, problem, "verify"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn correction_needs_a_change_and_a_reason() {
        let form = |name: &str, reason: &str| CorrectionForm {
            csrf: String::new(),
            full_name: name.into(),
            identity_number: String::new(),
            birth_date: String::new(),
            reason: reason.into(),
        };
        let regions = raline_domain::RegionDirectory::built_in();
        let rules = CorrectionRules {
            carries_nik: true,
            regions: &regions,
            today: time::macros::date!(2026 - 12 - 05),
        };
        assert!(check_correction(&form("Siti Aminah", "Salah ketik"), &rules).is_ok());
        let fields = |result: Result<CheckedCorrection, Vec<FieldError>>| {
            result
                .err()
                .unwrap_or_default()
                .iter()
                .map(|error| (error.field, error.code))
                .collect::<Vec<_>>()
        };
        let mut bad_nik = form("", "NIK salah ketik");
        bad_nik.identity_number = "12345".into();
        bad_nik.birth_date = "2030-01-01".into();
        assert_eq!(
            fields(check_correction(&bad_nik, &rules)),
            [
                ("identity_number", "nik_length"),
                ("birth_date", "date_in_future")
            ]
        );
        assert_eq!(
            fields(check_correction(&form("", "Salah ketik"), &rules)),
            [("full_name", "correction_empty")]
        );
        assert_eq!(
            fields(check_correction(&form("Siti", ""), &rules)),
            [("correction_reason", "required")]
        );
    }
}
