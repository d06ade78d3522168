//! RALINE's HTTP layer: public pages, staff pages, the JSON API and the outbox composer.
//!
//! Handlers translate HTTP into calls of `raline_domain` and `raline_store` and back; they hold
//! no SQL and no membership rules.

mod account;
mod api;
mod api_members;
mod auth;
mod card;
mod card_link;
mod compose;
mod error;
mod forms;
pub mod i18n;
mod letter;
mod member_auth;
mod messages;
mod middleware;
mod pages;
mod public;
mod regions;
mod renewal;
mod staff;
mod staff_delivery;
mod staff_inlislite;
mod staff_renewals;
mod status;
mod templates;
mod throttle;
mod uploads;
mod whatsapp_webhook;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use raline_card::{CardLibrary, CardRenderer, LetterRenderer};
use raline_domain::{MemberType, Policy, RegionDirectory};
use raline_media::UploadLimits;
use raline_store::{FileStore, Store};

pub use compose::Composer;
pub use error::WebError;
/// Variables that a message kind's texts and Cloud API template parameters may use.
pub use messages::variables_for as message_variables;

/// Settings the web layer needs, already validated by the binary.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// Public URL without a trailing slash, used in links sent by e-mail and in the CSRF
    /// origin check.
    pub base_url: String,
    pub library: LibraryInfo,
    pub member_types: Vec<MemberType>,
    /// Whether people living outside Kota Mojokerto must upload a statement letter.
    pub statement_letter_outside: bool,
    /// The body of the statement letter, one paragraph per line; `None` uses the catalogue's
    /// default text for the applicant's language.
    pub statement_letter_text: Option<String>,
    /// The region table: the imported one, or the built-in one.
    pub regions: Arc<RegionDirectory>,
    /// Largest accepted upload, in bytes, per file.
    pub upload_max_bytes: usize,
    /// Staff session lifetime.
    pub session_lifetime: time::Duration,
    /// Days before the end date on which renewal reminders go out, e.g. `[30, 7]`.
    pub reminder_days: Vec<u32>,
    /// Whether staff may approve an application whose e-mail address is not verified yet.
    pub approve_unverified_email: bool,
    /// Request header that carries the client address behind a reverse proxy (e.g.
    /// `X-Forwarded-For`); `None` uses the connection's peer address. Login throttles count
    /// failures per address, so behind a proxy this must be set.
    pub client_ip_header: Option<String>,
    /// How long a signed card link in a WhatsApp message works.
    pub card_link_lifetime: time::Duration,
    /// The WhatsApp provider, when one is configured; the webhook checks its secrets.
    pub whatsapp: Option<Arc<raline_delivery::whatsapp::WhatsAppProvider>>,
    /// INLISLite's database when the direct sync is configured. `None` for libraries that
    /// hand members over by import file only.
    pub inlislite: Option<Arc<raline_inlislite::worker::Connector>>,
    /// INLISLite's numbering scheme the library uses for member numbers.
    pub member_number_scheme: raline_domain::member_number::NumberScheme,
    /// Digits before every member number (INLISLite's location prefix), often empty.
    pub member_number_prefix: String,
}

/// The library as shown on pages, e-mails and cards.
#[derive(Debug, Clone)]
pub struct LibraryInfo {
    pub name: String,
    pub address: String,
    /// PNG or JPEG bytes of the logo, if configured.
    pub logo: Option<Vec<u8>>,
    /// Rules printed on the back of the card; one paragraph per line.
    pub card_rules: String,
}

impl AppConfig {
    /// Returns the library's member numbering, borrowed from the configuration.
    pub fn numbering(&self) -> raline_domain::member_number::Numbering<'_> {
        raline_domain::member_number::Numbering {
            scheme: self.member_number_scheme,
            location_prefix: &self.member_number_prefix,
        }
    }

    pub fn policy(&self) -> Policy {
        Policy {
            member_types: self.member_types.clone(),
            statement_letter_outside: self.statement_letter_outside,
            regions: self.regions.clone(),
        }
    }

    pub fn upload_limits(&self) -> UploadLimits {
        UploadLimits {
            max_bytes: self.upload_max_bytes,
            ..UploadLimits::default()
        }
    }

    /// Returns the display name of a member type code, or the code itself for a type that is
    /// no longer configured.
    pub fn member_type_name(&self, code: &str) -> String {
        self.member_types
            .iter()
            .find(|kind| kind.code == code)
            .map_or_else(|| code.to_owned(), |kind| kind.name.clone())
    }

    fn secure_cookies(&self) -> bool {
        self.base_url.starts_with("https://")
    }
}

/// Shared state of every handler. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    config: AppConfig,
    policy: Policy,
    store: Store,
    files: FileStore,
    templates: minijinja::Environment<'static>,
    cards: CardRenderer,
    letters: LetterRenderer,
    /// Key that derives each application's status token from its submission key, so a
    /// repeated submit can show the same private status link.
    status_key: Vec<u8>,
    /// Wakes the outbox worker after a transaction queued a message.
    outbox_wake: Arc<tokio::sync::Notify>,
    login_throttle: throttle::LoginThrottle,
    member_throttle: member_auth::MemberThrottle,
    /// The empty registration form per locale (Indonesian, English), rendered once because
    /// only its submission key differs between requests.
    blank_forms: [std::sync::OnceLock<String>; 2],
    /// The landing page per locale; it changes only with the configuration.
    landing_pages: [std::sync::OnceLock<String>; 2],
}

impl AppState {
    /// Builds the state; fails when the card layout cannot be prepared (for example an
    /// unreadable logo).
    pub async fn new(config: AppConfig, store: Store, files: FileStore) -> Result<Self, WebError> {
        let library = CardLibrary {
            name: config.library.name.clone(),
            address: config.library.address.clone(),
            logo: config.library.logo.clone(),
            rules_text: config.library.card_rules.clone(),
        };
        let cards = CardRenderer::new(&library).map_err(WebError::internal)?;
        let letters = LetterRenderer::new(&library).map_err(WebError::internal)?;
        let status_key = store
            .instance_secret("status_token_key")
            .await?
            .into_bytes();

        Ok(AppState {
            inner: Arc::new(Inner {
                policy: config.policy(),
                config,
                store,
                files,
                templates: templates::environment(),
                cards,
                letters,
                status_key,
                outbox_wake: Arc::new(tokio::sync::Notify::new()),
                login_throttle: throttle::LoginThrottle::default(),
                member_throttle: member_auth::MemberThrottle::default(),
                blank_forms: [std::sync::OnceLock::new(), std::sync::OnceLock::new()],
                landing_pages: [std::sync::OnceLock::new(), std::sync::OnceLock::new()],
            }),
        })
    }

    pub fn config(&self) -> &AppConfig {
        &self.inner.config
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub fn files(&self) -> &FileStore {
        &self.inner.files
    }

    /// Notified whenever a message is queued; the outbox worker waits on it.
    pub fn outbox_wake(&self) -> Arc<tokio::sync::Notify> {
        self.inner.outbox_wake.clone()
    }

    fn blank_form(&self, locale: i18n::Locale) -> &std::sync::OnceLock<String> {
        match locale {
            i18n::Locale::Id => &self.inner.blank_forms[0],
            i18n::Locale::En => &self.inner.blank_forms[1],
        }
    }

    fn landing_page(&self, locale: i18n::Locale) -> &std::sync::OnceLock<String> {
        match locale {
            i18n::Locale::Id => &self.inner.landing_pages[0],
            i18n::Locale::En => &self.inner.landing_pages[1],
        }
    }

    fn login_throttle(&self) -> &throttle::LoginThrottle {
        &self.inner.login_throttle
    }

    fn member_throttle(&self) -> &member_auth::MemberThrottle {
        &self.inner.member_throttle
    }

    fn policy(&self) -> &Policy {
        &self.inner.policy
    }

    fn templates(&self) -> &minijinja::Environment<'static> {
        &self.inner.templates
    }

    fn cards(&self) -> &CardRenderer {
        &self.inner.cards
    }

    fn letters(&self) -> &LetterRenderer {
        &self.inner.letters
    }

    fn status_key(&self) -> &[u8] {
        &self.inner.status_key
    }
}

/// Largest request body of the upload routes. Files over the per-file limit are read and
/// dropped chunk by chunk, so this bounds bandwidth, not memory. It is generous so that a few
/// oversized phone photos still get field errors with the form kept, not a bare 413.
fn upload_body_limit(config: &AppConfig) -> usize {
    config.upload_max_bytes * 4 + 64 * 1024 * 1024
}

/// Builds the router with every route and middleware.
pub fn router(state: AppState) -> Router {
    let body_limit = upload_body_limit(state.config());

    let uploads = Router::new()
        .route("/daftar", post(public::submit_form))
        .route("/status/{token}/perbaikan", post(status::submit_correction))
        .route("/api/v1/applications", post(api::create_application))
        .route(
            "/akun/perpanjang",
            get(account::renew_form).post(account::renew),
        )
        .route(
            "/api/v1/me/renewals",
            get(api_members::renewals).post(api_members::create_renewal),
        )
        .layer(DefaultBodyLimit::max(body_limit));

    let pages = Router::new()
        .route("/", get(public::landing))
        .route("/daftar", get(public::form))
        .route(
            "/daftar/wilayah",
            get(|| async { axum::response::Redirect::to("/daftar") }).post(public::refresh_regions),
        )
        .route("/daftar/surat-pernyataan.pdf", post(letter::from_form))
        .route(
            "/status/{token}/surat-pernyataan.pdf",
            get(letter::from_status),
        )
        .route(
            "/status/{token}/perbaikan/wilayah",
            post(status::refresh_regions),
        )
        .route("/status/{token}", get(status::show))
        .route("/status/{token}/kartu.pdf", get(status::card))
        .route("/status/{token}/perbaikan", get(status::correction_form))
        .route("/akun", get(account::show))
        .route("/akun/masuk", get(account::login_form).post(account::login))
        .route("/akun/keluar", post(account::logout))
        .route("/akun/foto", get(account::photo))
        .route("/akun/kartu.pdf", get(account::card_pdf))
        .route("/akun/kontak", post(account::update_contact))
        .route("/akun/verifikasi-ulang", post(account::resend_verification))
        .route("/akun/koreksi-identitas", post(account::request_correction))
        .route(
            "/akun/lupa-sandi",
            get(account::forgot_form).post(account::forgot),
        )
        .route(
            "/akun/sandi-baru/{token}",
            get(account::reset_form).post(account::reset),
        )
        .route(
            "/verifikasi-email/{token}",
            get(account::verify_form).post(account::verify),
        )
        .route("/staf", get(staff::queue))
        .route("/staf/masuk", get(staff::login_form).post(staff::login))
        .route("/staf/keluar", post(staff::logout))
        .route("/staf/pendaftaran/{id}", get(staff::detail))
        .route("/staf/pendaftaran/{id}/keputusan", post(staff::decide))
        .route(
            "/staf/pendaftaran/{id}/berkas/{upload_id}",
            get(staff::upload_file),
        )
        .route("/staf/anggota/{number}/kartu.pdf", get(staff::member_card))
        .route("/kartu/{token}", get(card_link::download))
        .route("/static/app.css", get(pages::stylesheet))
        .route("/static/app.js", get(pages::script))
        .route("/bahasa/{code}", get(pages::set_language))
        .route("/healthz", get(pages::health));

    let api = Router::new()
        .route("/api/v1/openapi.json", get(api::openapi))
        .route("/api/v1/regions", get(regions::children))
        .route("/api/v1/applications/{id}", get(api::application_status))
        .route(
            "/api/v1/applications/{id}/card.pdf",
            get(api::application_card),
        )
        .route("/api/v1/staff/applications", get(api::staff_list))
        .route("/api/v1/staff/applications/{id}", get(api::staff_detail))
        .route(
            "/api/v1/staff/applications/{id}/approve",
            post(api::approve),
        )
        .route("/api/v1/staff/applications/{id}/reject", post(api::reject))
        .route(
            "/api/v1/staff/applications/{id}/request-correction",
            post(api::request_correction),
        )
        .route(
            "/api/v1/staff/applications/{id}/uploads/{upload_id}",
            get(api::staff_upload),
        )
        .route("/api/v1/members/{number}/card.pdf", get(api::member_card))
        .route(
            "/api/v1/session",
            post(api_members::create_session).delete(api_members::delete_session),
        )
        .route("/api/v1/me", get(api_members::me))
        .route("/api/v1/me/card.pdf", get(api_members::card))
        .route(
            "/api/v1/staff/messages/{id}/resend",
            post(api::resend_message),
        )
        .route("/api/v1/staff/messages/failed", get(api::failed_messages))
        .route("/api/v1/whatsapp/webhook", whatsapp_webhook::route());

    Router::new()
        .merge(uploads)
        .merge(pages)
        .merge(api)
        .merge(staff_renewals::routes())
        .merge(staff_delivery::routes())
        .merge(staff_inlislite::routes())
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::check_origin,
        ))
        // Outside the origin check, so that its rejection is rendered as a page too.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::render_error_pages,
        ))
        .layer(axum::middleware::from_fn(middleware::security_headers))
        .layer(axum::middleware::from_fn(middleware::trace_request))
        .with_state(state)
}
