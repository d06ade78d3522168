//! Configuration: built-in defaults, then `raline.toml`, then `RALINE_*` environment variables.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use raline_domain::MemberType;
use serde::Deserialize;

/// The file read when `--config` is not given and the file exists in the working folder.
pub const DEFAULT_CONFIG_FILE: &str = "raline.toml";

const DEFAULT_CARD_RULES: &str = "1. Kartu ini wajib dibawa setiap meminjam dan mengembalikan buku.\n\
2. Kartu tidak boleh dipinjamkan kepada orang lain.\n\
3. Kehilangan kartu segera dilaporkan kepada petugas perpustakaan.\n\
4. Perpanjang keanggotaan sebelum masa berlaku kartu habis.";

/// Everything the service reads at start-up. Field names are the keys of `raline.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Address and port to listen on (`RALINE_LISTEN`); port 0 picks a free port.
    pub listen: String,
    /// Public URL of the service as applicants reach it (`RALINE_BASE_URL`); defaults to
    /// `http://` plus the listen address.
    pub base_url: Option<String>,
    /// Folder for the SQLite file, uploads and unsent `.eml` files (`RALINE_DATA_DIR`).
    pub data_dir: PathBuf,
    /// `sqlite://PATH` or `postgres://…` (`RALINE_DATABASE_URL`); defaults to a SQLite file
    /// in the data folder.
    pub database_url: Option<String>,
    /// Largest upload per file in megabytes (`RALINE_UPLOAD_MAX_MB`).
    pub upload_max_mb: usize,
    /// Whether applicants living outside Kota Mojokerto must upload a statement letter
    /// (`RALINE_STATEMENT_LETTER_OUTSIDE`).
    pub statement_letter_outside: bool,
    /// The statement of the pre-filled statement letter, one paragraph per line
    /// (`RALINE_STATEMENT_LETTER_TEXT`); without it a standard text naming the library is
    /// printed.
    pub statement_letter_text: Option<String>,
    /// Staff session lifetime in hours (`RALINE_SESSION_HOURS`).
    pub session_hours: i64,
    /// Lease of the e-mail worker on a message, in seconds, before another worker may take
    /// it over (`RALINE_OUTBOX_LEASE_SECONDS`). Must exceed one SMTP send (60 s at most)
    /// in production.
    pub outbox_lease_seconds: u64,
    /// First retry delay of a message that could not be sent, in seconds; it doubles per
    /// attempt with up to 25 % jitter (`RALINE_OUTBOX_FIRST_RETRY_SECONDS`).
    pub outbox_first_retry_seconds: u64,
    /// Maximum delay between two attempts, in seconds (`RALINE_OUTBOX_MAX_RETRY_SECONDS`).
    pub outbox_max_retry_seconds: u64,
    /// Hours after which a message that still fails is marked failed for staff
    /// (`RALINE_OUTBOX_MAX_AGE_HOURS`).
    pub outbox_max_age_hours: u64,
    /// Days before the end date on which renewal reminders are e-mailed
    /// (`RALINE_REMINDER_DAYS`, comma-separated, e.g. `30,7`); empty turns reminders off.
    pub reminder_days: Vec<u32>,
    /// Seconds between two runs of the reminder task (`RALINE_REMINDER_INTERVAL_SECONDS`).
    pub reminder_interval_seconds: u64,
    /// Whether staff may approve an application before the applicant opened the e-mail
    /// verification link (`RALINE_APPROVE_UNVERIFIED_EMAIL`).
    pub approve_unverified_email: bool,
    /// Header with the client address set by a reverse proxy, e.g. `X-Forwarded-For`
    /// (`RALINE_CLIENT_IP_HEADER`). Member logins are throttled per address, so set it when
    /// RALINE runs behind a proxy, and only then: clients can forge the header.
    pub client_ip_header: Option<String>,
    /// Hours a signed card link in a WhatsApp message works (`RALINE_CARD_LINK_HOURS`).
    pub card_link_hours: i64,
    /// INLISLite's numbering scheme for member numbers (`RALINE_MEMBER_NUMBER_SCHEME`): 1
    /// `YYMMDD` + 5-digit daily sequence, 2 `YYYYMM` + 3-digit monthly sequence, 3 5-digit
    /// yearly sequence + `L`/`P` + year, 4 the identity number. Use the installation's own
    /// `TipePenomoranAnggota`.
    pub member_number_scheme: raline_domain::member_number::NumberScheme,
    /// Digits before every member number (`RALINE_MEMBER_NUMBER_PREFIX`), like the location
    /// prefix INLISLite gives desk numbers; empty as on INLISLite's online form.
    pub member_number_prefix: String,
    pub smtp: SmtpSettings,
    pub whatsapp: WhatsAppSettings,
    pub inlislite: InlisliteSettings,
    pub library: LibrarySettings,
    pub member_types: Vec<MemberType>,
}

/// The direct sync into INLISLite's database: off unless `database_url` is set. The import
/// file needs no settings.
#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InlisliteSettings {
    /// `mysql://USER:PASSWORD@HOST:PORT/inlislite_v3` of the sync account
    /// (`RALINE_INLISLITE_DATABASE_URL`).
    pub database_url: Option<String>,
    /// INLISLite's `uploaded_files/foto_anggota` folder, reachable from RALINE's machine
    /// (`RALINE_INLISLITE_PHOTO_DIR`); without it photos are not copied.
    pub photo_dir: Option<PathBuf>,
    /// Whether members also get INLISLite's own portal login (`membersonline`), whose
    /// password INLISLite keeps as unsalted SHA-1 (`RALINE_INLISLITE_PORTAL_LOGIN`).
    pub portal_login: bool,
    /// Written as `CreateTerminal` and `UpdateTerminal`, where INLISLite keeps the client.
    pub terminal: String,
    /// INLISLite user id written as `CreateBy` and `UpdateBy`, if any.
    pub operator_id: Option<i64>,
    /// Seconds to wait for a connection or a statement (1–60).
    pub timeout_seconds: u64,
    /// First retry delay of a sync that failed, in seconds; doubled per attempt.
    pub first_retry_seconds: u64,
    /// Maximum delay between two attempts, in seconds.
    pub max_retry_seconds: u64,
}

impl Default for InlisliteSettings {
    fn default() -> Self {
        InlisliteSettings {
            database_url: None,
            photo_dir: None,
            portal_login: false,
            terminal: "RALINE".to_owned(),
            operator_id: None,
            timeout_seconds: 5,
            first_retry_seconds: 5,
            max_retry_seconds: 600,
        }
    }
}

impl std::fmt::Debug for InlisliteSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InlisliteSettings")
            .field(
                "database_url",
                &self.database_url.as_deref().map(crate::redact_url),
            )
            .field("photo_dir", &self.photo_dir)
            .field("portal_login", &self.portal_login)
            .finish_non_exhaustive()
    }
}

/// WhatsApp delivery: off unless `provider` is set.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WhatsAppSettings {
    /// `cloud_api` (Meta's WhatsApp Business Platform) or `gateway` (a Fonnte-style
    /// gateway) (`RALINE_WHATSAPP_PROVIDER`); empty or absent turns WhatsApp off.
    pub provider: Option<String>,
    /// `[whatsapp.cloud_api]`; the access token and app secret may come from
    /// `RALINE_WHATSAPP_ACCESS_TOKEN` and `RALINE_WHATSAPP_APP_SECRET` instead.
    pub cloud_api: Option<raline_delivery::whatsapp::CloudApiSettings>,
    /// `[whatsapp.gateway]`; the token may come from `RALINE_WHATSAPP_GATEWAY_TOKEN`.
    pub gateway: Option<raline_delivery::whatsapp::GatewaySettings>,
}

impl WhatsAppSettings {
    /// Builds the configured provider's client, or `None` when WhatsApp is off.
    pub fn provider(&self) -> anyhow::Result<Option<raline_delivery::whatsapp::WhatsAppProvider>> {
        use raline_delivery::whatsapp::{CloudApi, Gateway, WhatsAppProvider};
        match self.provider.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some("cloud_api") => {
                let settings = self.cloud_api.clone().context(
                    "whatsapp.provider is cloud_api but the [whatsapp.cloud_api] section is missing",
                )?;
                for (kind, template) in &settings.templates {
                    let Some(parsed) = raline_store::OutboxKind::parse(kind) else {
                        let known: Vec<&str> = raline_store::OutboxKind::ALL
                            .iter()
                            .map(|kind| kind.as_str())
                            .collect();
                        bail!(
                            "[whatsapp.cloud_api.templates.{kind}]: {kind:?} is not a message \
                             kind; use one of {}",
                            known.join(", ")
                        );
                    };
                    let available = raline_web::message_variables(parsed);
                    if let Some(unknown) = template
                        .parameters
                        .iter()
                        .find(|name| !available.contains(&name.as_str()))
                    {
                        bail!(
                            "[whatsapp.cloud_api.templates.{kind}]: parameter {unknown:?} is not \
                             a variable of {kind} messages; use one of {}",
                            available.join(", ")
                        );
                    }
                }
                Ok(Some(WhatsAppProvider::CloudApi(
                    CloudApi::new(settings).context("[whatsapp.cloud_api]")?,
                )))
            }
            Some("gateway") => {
                let settings = self.gateway.clone().context(
                    "whatsapp.provider is gateway but the [whatsapp.gateway] section is missing",
                )?;
                Ok(Some(WhatsAppProvider::Gateway(
                    Gateway::new(settings).context("[whatsapp.gateway]")?,
                )))
            }
            Some(other) => bail!("whatsapp.provider {other:?} must be cloud_api or gateway"),
        }
    }
}

#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmtpSettings {
    /// `smtp://host:port`, `smtp://user:pass@host:587?tls=starttls` or
    /// `smtps://user:pass@host:465` (`RALINE_SMTP_URL`). Without it, e-mails are written as
    /// `.eml` files into `DATA_DIR/mail`.
    pub url: Option<String>,
    /// Sender, e.g. `Perpustakaan Kota Mojokerto <perpustakaan@example.go.id>`
    /// (`RALINE_SMTP_FROM`).
    pub from: String,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may carry a password.
        f.debug_struct("SmtpSettings")
            .field("url", &self.url.as_ref().map(|_| "<set>"))
            .field("from", &self.from)
            .finish()
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LibrarySettings {
    /// `RALINE_LIBRARY_NAME`
    pub name: String,
    /// `RALINE_LIBRARY_ADDRESS`
    pub address: String,
    /// PNG or JPEG file printed on the card (`RALINE_LIBRARY_LOGO`).
    pub logo: Option<PathBuf>,
    /// Rules printed on the back of the card, one per line (`RALINE_CARD_RULES`).
    pub card_rules: String,
}

impl Default for Settings {
    fn default() -> Self {
        let member_type = |code: &str, name: &str| MemberType::new(code, name, 365);
        Settings {
            listen: "127.0.0.1:8080".to_owned(),
            base_url: None,
            data_dir: PathBuf::from("raline-data"),
            database_url: None,
            upload_max_mb: 5,
            statement_letter_outside: true,
            statement_letter_text: None,
            session_hours: 12,
            outbox_lease_seconds: 120,
            outbox_first_retry_seconds: 10,
            outbox_max_retry_seconds: 30 * 60,
            outbox_max_age_hours: 72,
            reminder_days: vec![30, 7],
            reminder_interval_seconds: 15 * 60,
            approve_unverified_email: true,
            client_ip_header: None,
            card_link_hours: 72,
            member_number_scheme: raline_domain::member_number::NumberScheme::default(),
            member_number_prefix: String::new(),
            smtp: SmtpSettings::default(),
            whatsapp: WhatsAppSettings::default(),
            inlislite: InlisliteSettings::default(),
            library: LibrarySettings::default(),
            member_types: vec![
                member_type("umum", "Umum"),
                member_type("pelajar", "Pelajar"),
                member_type("mahasiswa", "Mahasiswa"),
            ],
        }
    }
}

impl Default for SmtpSettings {
    fn default() -> Self {
        SmtpSettings {
            url: None,
            from: "Perpustakaan <noreply@localhost>".to_owned(),
        }
    }
}

impl Default for LibrarySettings {
    fn default() -> Self {
        LibrarySettings {
            name: "Dinas Perpustakaan dan Kearsipan Kota Mojokerto".to_owned(),
            address: "Kota Mojokerto, Jawa Timur".to_owned(),
            logo: None,
            card_rules: DEFAULT_CARD_RULES.to_owned(),
        }
    }
}

impl Settings {
    /// Loads defaults, the TOML file (`path`, or `raline.toml` when present) and the
    /// environment, in that order, and checks the result.
    pub fn load(path: Option<&Path>) -> anyhow::Result<Settings> {
        let mut settings = match path {
            Some(path) => read_file(path)?,
            None if Path::new(DEFAULT_CONFIG_FILE).exists() => {
                read_file(Path::new(DEFAULT_CONFIG_FILE))?
            }
            None => Settings::default(),
        };
        settings.apply_environment(|name| std::env::var(name).ok())?;
        settings.check()?;
        Ok(settings)
    }

    fn apply_environment(&mut self, var: impl Fn(&str) -> Option<String>) -> anyhow::Result<()> {
        let text = |name: &str| var(name).filter(|value| !value.trim().is_empty());
        if let Some(value) = text("RALINE_LISTEN") {
            self.listen = value;
        }
        if let Some(value) = text("RALINE_BASE_URL") {
            self.base_url = Some(value);
        }
        if let Some(value) = text("RALINE_DATA_DIR") {
            self.data_dir = PathBuf::from(value);
        }
        if let Some(value) = text("RALINE_DATABASE_URL") {
            self.database_url = Some(value);
        }

        if let Some(value) = text("RALINE_UPLOAD_MAX_MB") {
            self.upload_max_mb = value
                .parse()
                .with_context(|| format!("RALINE_UPLOAD_MAX_MB={value:?} is not a whole number"))?;
        }
        if let Some(value) = text("RALINE_STATEMENT_LETTER_OUTSIDE") {
            self.statement_letter_outside = matches!(value.as_str(), "1" | "true" | "yes");
        }
        if let Some(value) = text("RALINE_STATEMENT_LETTER_TEXT") {
            self.statement_letter_text = Some(value);
        }
        if let Some(value) = text("RALINE_SESSION_HOURS") {
            self.session_hours = value
                .parse()
                .with_context(|| format!("RALINE_SESSION_HOURS={value:?} is not a whole number"))?;
        }
        if let Some(value) = text("RALINE_OUTBOX_LEASE_SECONDS") {
            self.outbox_lease_seconds = value.parse().with_context(|| {
                format!("RALINE_OUTBOX_LEASE_SECONDS={value:?} is not a whole number")
            })?;
        }

        for (name, target) in [
            (
                "RALINE_OUTBOX_FIRST_RETRY_SECONDS",
                &mut self.outbox_first_retry_seconds,
            ),
            (
                "RALINE_OUTBOX_MAX_RETRY_SECONDS",
                &mut self.outbox_max_retry_seconds,
            ),
            (
                "RALINE_OUTBOX_MAX_AGE_HOURS",
                &mut self.outbox_max_age_hours,
            ),
        ] {
            if let Some(value) = text(name) {
                *target = value
                    .parse()
                    .with_context(|| format!("{name}={value:?} is not a whole number"))?;
            }
        }

        if let Some(value) = var("RALINE_REMINDER_DAYS") {
            self.reminder_days = value
                .split(',')
                .map(str::trim)
                .filter(|part| !part.is_empty())
                .map(|part| {
                    part.parse().with_context(|| {
                        format!("RALINE_REMINDER_DAYS={value:?}: {part:?} is not a whole number")
                    })
                })
                .collect::<anyhow::Result<_>>()?;
        }
        if let Some(value) = text("RALINE_REMINDER_INTERVAL_SECONDS") {
            self.reminder_interval_seconds = value.parse().with_context(|| {
                format!("RALINE_REMINDER_INTERVAL_SECONDS={value:?} is not a whole number")
            })?;
        }
        if let Some(value) = text("RALINE_APPROVE_UNVERIFIED_EMAIL") {
            self.approve_unverified_email = matches!(value.as_str(), "1" | "true" | "yes");
        }
        if let Some(value) = text("RALINE_CLIENT_IP_HEADER") {
            self.client_ip_header = Some(value);
        }

        if let Some(value) = text("RALINE_CARD_LINK_HOURS") {
            self.card_link_hours = value.parse().with_context(|| {
                format!("RALINE_CARD_LINK_HOURS={value:?} is not a whole number")
            })?;
        }
        if let Some(value) = text("RALINE_MEMBER_NUMBER_SCHEME") {
            let number: u8 = value.parse().with_context(|| {
                format!("RALINE_MEMBER_NUMBER_SCHEME={value:?} is not 1, 2, 3 or 4")
            })?;
            self.member_number_scheme =
                raline_domain::member_number::NumberScheme::try_from(number)
                    .map_err(anyhow::Error::msg)?;
        }
        if let Some(value) = var("RALINE_MEMBER_NUMBER_PREFIX") {
            self.member_number_prefix = value.trim().to_owned();
        }
        if let Some(value) = text("RALINE_INLISLITE_DATABASE_URL") {
            self.inlislite.database_url = Some(value);
        }
        if let Some(value) = text("RALINE_INLISLITE_PHOTO_DIR") {
            self.inlislite.photo_dir = Some(PathBuf::from(value));
        }
        if let Some(value) = text("RALINE_INLISLITE_PORTAL_LOGIN") {
            self.inlislite.portal_login = matches!(value.as_str(), "1" | "true" | "yes");
        }
        if let Some(value) = var("RALINE_WHATSAPP_PROVIDER") {
            self.whatsapp.provider = Some(value);
        }
        if let Some(value) = text("RALINE_WHATSAPP_ACCESS_TOKEN")
            && let Some(cloud_api) = &mut self.whatsapp.cloud_api
        {
            cloud_api.access_token = value;
        }
        if let Some(value) = text("RALINE_WHATSAPP_APP_SECRET")
            && let Some(cloud_api) = &mut self.whatsapp.cloud_api
        {
            cloud_api.app_secret = value;
        }
        if let Some(value) = text("RALINE_WHATSAPP_GATEWAY_TOKEN")
            && let Some(gateway) = &mut self.whatsapp.gateway
        {
            gateway.token = value;
        }

        if let Some(value) = text("RALINE_SMTP_URL") {
            self.smtp.url = Some(value);
        }
        if let Some(value) = text("RALINE_SMTP_FROM") {
            self.smtp.from = value;
        }

        if let Some(value) = text("RALINE_LIBRARY_NAME") {
            self.library.name = value;
        }
        if let Some(value) = text("RALINE_LIBRARY_ADDRESS") {
            self.library.address = value;
        }
        if let Some(value) = text("RALINE_LIBRARY_LOGO") {
            self.library.logo = Some(PathBuf::from(value));
        }
        if let Some(value) = text("RALINE_CARD_RULES") {
            self.library.card_rules = value;
        }
        Ok(())
    }

    fn check(&self) -> anyhow::Result<()> {
        self.listen.parse::<SocketAddr>().with_context(|| {
            format!(
                "listen address {:?} is not HOST:PORT, e.g. 127.0.0.1:8080",
                self.listen
            )
        })?;
        if let Some(base_url) = &self.base_url
            && !(base_url.starts_with("http://") || base_url.starts_with("https://"))
        {
            bail!("base_url {base_url:?} must start with http:// or https://");
        }
        if !(1..=50).contains(&self.upload_max_mb) {
            bail!(
                "upload_max_mb must be between 1 and 50, not {}",
                self.upload_max_mb
            );
        }
        if !(1..=24 * 30).contains(&self.session_hours) {
            bail!(
                "session_hours must be between 1 and 720, not {}",
                self.session_hours
            );
        }
        if !(5..=3600).contains(&self.outbox_lease_seconds) {
            bail!(
                "outbox_lease_seconds must be between 5 and 3600, not {}",
                self.outbox_lease_seconds
            );
        }
        if !(1..=3600).contains(&self.outbox_first_retry_seconds)
            || self.outbox_max_retry_seconds < self.outbox_first_retry_seconds
            || self.outbox_max_retry_seconds > 24 * 3600
        {
            bail!(
                "outbox_first_retry_seconds must be between 1 and 3600, and \
                 outbox_max_retry_seconds between it and 86400"
            );
        }
        if !(1..=24 * 30).contains(&self.outbox_max_age_hours) {
            bail!(
                "outbox_max_age_hours must be between 1 and 720, not {}",
                self.outbox_max_age_hours
            );
        }
        if self
            .reminder_days
            .iter()
            .any(|days| !(1..=365).contains(days))
        {
            bail!("reminder_days must be between 1 and 365 days");
        }
        if !(10..=86_400).contains(&self.reminder_interval_seconds) {
            bail!(
                "reminder_interval_seconds must be between 10 and 86400, not {}",
                self.reminder_interval_seconds
            );
        }
        if let Some(header) = &self.client_ip_header
            && axum::http::HeaderName::from_bytes(header.as_bytes()).is_err()
        {
            bail!("client_ip_header {header:?} is not a header name");
        }
        if !(1..=24 * 30).contains(&self.card_link_hours) {
            bail!(
                "card_link_hours must be between 1 and 720, not {}",
                self.card_link_hours
            );
        }
        self.whatsapp.provider()?;
        if !raline_domain::member_number::is_valid_location_prefix(&self.member_number_prefix) {
            bail!(
                "member_number_prefix must be at most 4 digits, not {:?}",
                self.member_number_prefix
            );
        }
        if let Some(url) = &self.inlislite.database_url
            && !(url.starts_with("mysql://") || url.starts_with("mariadb://"))
        {
            bail!("inlislite.database_url must start with mysql://");
        }
        if !(1..=60).contains(&self.inlislite.timeout_seconds) {
            bail!(
                "inlislite.timeout_seconds must be between 1 and 60, not {}",
                self.inlislite.timeout_seconds
            );
        }
        if self.inlislite.first_retry_seconds == 0
            || self.inlislite.max_retry_seconds < self.inlislite.first_retry_seconds
        {
            bail!("inlislite.first_retry_seconds must be at least 1 and at most max_retry_seconds");
        }
        if self.member_types.is_empty() {
            bail!("at least one [[member_types]] entry is needed");
        }
        for kind in &self.member_types {
            let code_ok = !kind.code.is_empty()
                && kind
                    .code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !code_ok {
                bail!(
                    "member type code {:?} must be lowercase letters, digits or _",
                    kind.code
                );
            }
            if !(1..=3650).contains(&kind.validity_days) {
                bail!(
                    "member type {:?}: validity_days must be between 1 and 3650",
                    kind.code
                );
            }
            let renewal = &kind.renewal;
            if renewal.opens_days_before > 3650 || renewal.closes_days_after > 3650 {
                bail!(
                    "member type {:?}: renewal.opens_days_before and renewal.closes_days_after \
                     must be at most 3650",
                    kind.code
                );
            }
            if let Some(slot) = renewal.documents.iter().find(|slot| {
                !matches!(
                    slot,
                    raline_domain::UploadSlot::Photo | raline_domain::UploadSlot::IdentityDocument
                )
            }) {
                bail!(
                    "member type {:?}: renewal.documents may list photo and identity_document, \
                     not {}",
                    kind.code,
                    slot.as_str()
                );
            }
        }
        if self.library.name.trim().is_empty() {
            bail!("library.name must not be empty");
        }
        Ok(())
    }

    /// Returns the database URL, by default `DATA_DIR/raline.sqlite`.
    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| {
            format!("sqlite://{}", self.data_dir.join("raline.sqlite").display())
        })
    }

    /// Returns the public base URL without a trailing slash, given the address bound.
    pub fn base_url(&self, bound: SocketAddr) -> String {
        let url = self
            .base_url
            .clone()
            .unwrap_or_else(|| format!("http://{bound}"));
        url.trim_end_matches('/').to_owned()
    }
}

fn read_file(path: &Path) -> anyhow::Result<Settings> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read configuration file {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("invalid configuration in {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_overrides_file() {
        let mut settings: Settings = toml::from_str(
            "listen = \"0.0.0.0:9000\"\n[library]\nname = \"Perpustakaan Contoh\"\n\
             [[member_types]]\ncode = \"umum\"\nname = \"Umum\"\nvalidity_days = 730\n",
        )
        .unwrap();
        assert_eq!(settings.member_types.len(), 1);
        settings
            .apply_environment(|name| match name {
                "RALINE_LISTEN" => Some("127.0.0.1:0".into()),
                "RALINE_SMTP_URL" => Some("smtp://127.0.0.1:2525".into()),
                _ => None,
            })
            .unwrap();
        settings.check().unwrap();
        assert_eq!(settings.listen, "127.0.0.1:0");
        assert_eq!(settings.library.name, "Perpustakaan Contoh");
        assert_eq!(settings.smtp.url.as_deref(), Some("smtp://127.0.0.1:2525"));
        assert!(!format!("{settings:?}").contains("2525"));
    }

    #[test]
    fn invalid_settings_rejected() {
        let settings = Settings {
            listen: "localhost".into(),
            ..Settings::default()
        };
        assert!(settings.check().is_err());

        let mut settings = Settings::default();
        settings.member_types[0].validity_days = 0;
        assert!(settings.check().is_err());

        assert!(toml::from_str::<Settings>("unknown_key = 1").is_err());
    }

    fn whatsapp_settings(extra: &str) -> anyhow::Result<()> {
        let text = format!(
            "[whatsapp]\nprovider = \"cloud_api\"\n[whatsapp.cloud_api]\n\
             phone_number_id = \"106540352242922\"\naccess_token = \"token\"\n\
             app_secret = \"secret\"\nverify_token = \"verify\"\n{extra}"
        );
        let settings: Settings = toml::from_str(&text)?;
        settings.check()
    }

    #[test]
    fn whatsapp_templates_checked() {
        let valid = "[whatsapp.cloud_api.templates.card_issued]\nname = \"kartu\"\n\
                     parameters = [\"nama\", \"nomor_anggota\", \"berlaku_sampai\"]\n";
        whatsapp_settings(valid).unwrap();

        let misspelled_kind = "[whatsapp.cloud_api.templates.card_isued]\nname = \"kartu\"\n";
        let error = whatsapp_settings(misspelled_kind).unwrap_err().to_string();
        assert!(error.contains("card_isued"), "{error}");

        let unknown_parameter =
            "[whatsapp.cloud_api.templates.rejected]\nname = \"tolak\"\nparameters = [\"bogus\"]\n";
        let error = whatsapp_settings(unknown_parameter)
            .unwrap_err()
            .to_string();
        assert!(error.contains("bogus"), "{error}");

        let unavailable_parameter = "[whatsapp.cloud_api.templates.rejected]\nname = \"tolak\"\n\
                                     parameters = [\"nomor_anggota\"]\n";
        assert!(whatsapp_settings(unavailable_parameter).is_err());
    }

    #[test]
    fn whatsapp_provider_checked() {
        let settings: Settings = toml::from_str("[whatsapp]\nprovider = \"fonnte\"\n").unwrap();
        let error = settings.check().unwrap_err().to_string();
        assert!(error.contains("cloud_api or gateway"), "{error}");

        let settings: Settings = toml::from_str("[whatsapp]\nprovider = \"gateway\"\n").unwrap();
        let error = settings.check().unwrap_err().to_string();
        assert!(error.contains("[whatsapp.gateway]"), "{error}");

        let timeout = "timeout_seconds = 100000\n";
        assert!(whatsapp_settings(timeout).is_err());
    }
}
