//! `raline`: runs the service and administers staff accounts.

mod config;
mod inlislite_cli;

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand, ValueEnum};
use raline_delivery::{Mailer, OutboxWorker, WorkerSettings};
use raline_inlislite::worker::{SyncWorker, SyncWorkerSettings};
use raline_store::{FileStore, StaffRole, Store};
use raline_web::{AppConfig, AppState, Composer, LibraryInfo};
use time::OffsetDateTime;
use tokio::sync::watch;

use crate::config::Settings;

/// Online library membership registration (RALINE).
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// Configuration file; `raline.toml` in the working folder is read when present.
    #[arg(long, env = "RALINE_CONFIG", global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web service and the outbox worker (the default).
    Serve,
    /// Run only the outbox worker that sends e-mail and WhatsApp messages, beside the web
    /// service on the same database (for example on a second machine).
    Worker,
    /// Apply database migrations and exit.
    Migrate,
    /// Manage staff accounts.
    Staff {
        #[command(subcommand)]
        command: StaffCommand,
    },
    /// Hand members to INLISLite: check the database and mapping, switch the sync.
    Inlislite {
        #[command(subcommand)]
        command: inlislite_cli::InlisliteCommand,
    },
    /// Manage the Kemendagri region table.
    Regions {
        #[command(subcommand)]
        command: RegionsCommand,
    },
}

#[derive(Subcommand)]
enum RegionsCommand {
    /// Replace the region table with CSV files: `code,name` rows of every province, regency,
    /// district and village, and optionally `code,name,last_listed` rows of district codes
    /// from earlier lists. Restart the service afterwards to use the new table.
    Import {
        /// One or more CSV files, each with a header row.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

#[derive(Subcommand)]
enum StaffCommand {
    /// Create a staff account, or reset the password and role of an existing one. The
    /// password is read from standard input unless --password-file is given.
    Add {
        #[arg(long)]
        username: String,
        #[arg(long, value_enum, default_value = "verifier")]
        role: RoleArg,
        /// File whose first line is the password.
        #[arg(long)]
        password_file: Option<PathBuf>,
    },
    /// Print a new API bearer token for a staff account.
    Token {
        #[arg(long)]
        username: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum RoleArg {
    Admin,
    Verifier,
}

/// Minimum staff password length in characters; staff accounts see everyone's data.
const MIN_STAFF_PASSWORD_CHARS: usize = 10;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    keep_large_allocations_out_of_the_heap();
    let cli = Cli::parse();
    init_tracing();
    let settings = Settings::load(cli.config.as_deref())?;

    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings).await,
        Command::Worker => run_worker(settings).await,
        Command::Migrate => {
            open_store(&settings).await?;
            println!(
                "Migrations applied to {}",
                redact_url(&settings.database_url())
            );
            Ok(())
        }
        Command::Staff { command } => staff(settings, command).await,
        Command::Inlislite { command } => inlislite_cli::run(settings, command).await,
        Command::Regions {
            command: RegionsCommand::Import { files },
        } => import_regions(settings, &files).await,
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("RALINE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

/// Reads region CSV files and replaces the table in one transaction.
async fn import_regions(settings: Settings, files: &[PathBuf]) -> anyhow::Result<()> {
    let mut rows = Vec::new();
    for file in files {
        read_region_file(file, &mut rows)?;
    }
    let store = open_store(&settings).await?;
    let imported = store
        .import_regions(&rows)
        .await
        .context("tabel wilayah tidak diimpor (the region table was not imported)")?;
    let [provinces, regencies, districts, villages] = imported.counts;
    println!(
        "Tabel wilayah diimpor: {provinces} provinsi, {regencies} kabupaten/kota, \
         {districts} kecamatan, {villages} kelurahan/desa, {} kode kecamatan lama. \
         Mulai ulang layanan agar tabel baru dipakai. (Region table imported; restart the \
         service to use it.)",
        imported.historical_districts
    );
    Ok(())
}

/// Reads one CSV file: `code,name` (current regions) or `code,name,last_listed` (district
/// codes of earlier lists), each with a header row.
fn read_region_file(
    path: &std::path::Path,
    rows: &mut Vec<raline_store::RegionRow>,
) -> anyhow::Result<()> {
    let place = path.display();
    let mut reader = csv::Reader::from_path(path)
        .with_context(|| format!("berkas {place} tidak dapat dibuka (cannot open)"))?;
    let headers = reader
        .headers()
        .with_context(|| format!("{place}: baris judul tidak terbaca (no header row)"))?
        .clone();
    let names: Vec<&str> = headers.iter().map(str::trim).collect();
    let historical = match names.as_slice() {
        ["code", "name"] => false,
        ["code", "name", "last_listed"] => true,
        _ => bail!(
            "{place}: baris judul harus `code,name` atau `code,name,last_listed` \
             (the header must be `code,name` or `code,name,last_listed`), bukan {names:?}"
        ),
    };
    for (index, record) in reader.records().enumerate() {
        let line = index + 2;
        let record = record
            .with_context(|| format!("{place}, baris {line}: CSV tidak valid (invalid CSV)"))?;
        let code = record.get(0).unwrap_or("").trim();
        let name = record.get(1).unwrap_or("").trim();
        let parsed = raline_domain::region::RegionCode::parse(code);
        if parsed.is_none() {
            bail!(
                "{place}, baris {line}: `{code}` bukan kode wilayah seperti 35.76.01.1003 (not a region code)"
            );
        }
        let last_listed = if historical {
            let year = record.get(2).unwrap_or("").trim();
            let is_district =
                parsed.is_some_and(|code| code.level == raline_domain::region::Level::District);
            match year.parse::<i64>() {
                Ok(year) if is_district => Some(year),
                _ => bail!(
                    "{place}, baris {line}: daftar lama hanya berisi kode kecamatan dengan tahun \
                     (the historical list holds district codes with a year)"
                ),
            }
        } else {
            None
        };
        rows.push(raline_store::RegionRow {
            code: code.to_owned(),
            name: name.to_owned(),
            last_listed,
        });
    }
    Ok(())
}

/// Fixes glibc's mmap threshold at 1 MiB. By default glibc raises the threshold after a large
/// block is freed, so later blocks of that size come from the heap and stay resident. Each
/// Argon2id hash takes 19 MiB and each decoded upload several MiB. With the default, the
/// resident size reached 102 MB after 20 registrations and 20 logins; with 1 MiB, 25 MB.
fn keep_large_allocations_out_of_the_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator tuning, under the allocator's own lock; it
    // touches no allocation and has no preconditions.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

/// Hands memory freed after loading the region table back to the system. glibc keeps freed
/// heap pages otherwise, and the pages of rows read during loading would stay in the
/// resident size for the life of the process.
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free pages to the kernel; it touches no live
    // allocation and has no preconditions.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Hides a password in a database URL for messages.
pub(crate) fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            format!("{}://***{}", &url[..scheme_end], &url[at..])
        }
        _ => url.to_owned(),
    }
}

pub(crate) async fn open_store(settings: &Settings) -> anyhow::Result<Store> {
    std::fs::create_dir_all(&settings.data_dir)
        .with_context(|| format!("cannot create data folder {}", settings.data_dir.display()))?;
    // The folder contains personal data (database, uploads, unsent e-mails), so only its
    // owner may open it.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let owner_only = std::fs::Permissions::from_mode(0o700);
        std::fs::set_permissions(&settings.data_dir, owner_only).with_context(|| {
            format!(
                "cannot restrict permissions of {}",
                settings.data_dir.display()
            )
        })?;
    }
    let url = settings.database_url();
    Store::connect(&url, 8)
        .await
        .with_context(|| format!("cannot open database {}", redact_url(&url)))
}

/// The shared parts of `serve` and `worker`: the store, upload files, application state and
/// the outbox worker (not yet running).
struct Service {
    store: Store,
    files: FileStore,
    state: AppState,
    worker: OutboxWorker<Composer>,
    /// The INLISLite sync worker, when a database is configured.
    sync: Option<SyncWorker>,
}

async fn prepare(settings: &Settings, base_url: String) -> anyhow::Result<Service> {
    let whatsapp = settings.whatsapp.provider()?.map(std::sync::Arc::new);
    let inlislite = inlislite_cli::connector(settings)?;
    let store = open_store(settings)
        .await?
        .with_whatsapp(whatsapp.is_some());
    let files = FileStore::open(settings.data_dir.join("uploads"))?;

    let logo = match &settings.library.logo {
        Some(path) => Some(
            std::fs::read(path).with_context(|| format!("cannot read logo {}", path.display()))?,
        ),
        None => None,
    };
    let regions = match store.load_regions().await? {
        Some(table) => {
            let [provinces, regencies, districts, villages] = table.counts();
            tracing::info!(
                provinces,
                regencies,
                districts,
                villages,
                "region table loaded"
            );
            release_freed_memory();
            std::sync::Arc::new(table)
        }
        None => std::sync::Arc::new(raline_domain::RegionDirectory::built_in()),
    };
    let config = AppConfig {
        base_url,
        library: LibraryInfo {
            name: settings.library.name.clone(),
            address: settings.library.address.clone(),
            logo,
            card_rules: settings.library.card_rules.clone(),
        },
        member_types: settings.member_types.clone(),
        statement_letter_outside: settings.statement_letter_outside,
        statement_letter_text: settings.statement_letter_text.clone(),
        regions,
        upload_max_bytes: settings.upload_max_mb * 1024 * 1024,
        session_lifetime: time::Duration::hours(settings.session_hours),
        reminder_days: settings.reminder_days.clone(),
        approve_unverified_email: settings.approve_unverified_email,
        client_ip_header: settings.client_ip_header.clone(),
        card_link_lifetime: time::Duration::hours(settings.card_link_hours),
        whatsapp: whatsapp.clone(),
        inlislite: inlislite.clone(),
        member_number_scheme: settings.member_number_scheme,
        member_number_prefix: settings.member_number_prefix.clone(),
    };
    let state = AppState::new(config, store.clone(), files.clone())
        .await
        .map_err(|error| anyhow::anyhow!("cannot prepare the service: {error}"))?;

    let mailer = Mailer::from_settings(
        settings.smtp.url.as_deref(),
        &settings.smtp.from,
        &settings.data_dir.join("mail"),
    )?;
    let worker = OutboxWorker::new(
        store.clone(),
        mailer,
        Composer::new(state.clone()),
        WorkerSettings {
            lease: Duration::from_secs(settings.outbox_lease_seconds),
            first_retry: Duration::from_secs(settings.outbox_first_retry_seconds),
            max_retry: Duration::from_secs(settings.outbox_max_retry_seconds),
            max_age: Duration::from_secs(settings.outbox_max_age_hours * 3600),
            ..WorkerSettings::default()
        },
    )
    .with_whatsapp(whatsapp);
    let sync = inlislite.map(|connector| {
        SyncWorker::new(
            store.clone(),
            files.clone(),
            connector,
            SyncWorkerSettings {
                first_retry: Duration::from_secs(settings.inlislite.first_retry_seconds),
                max_retry: Duration::from_secs(settings.inlislite.max_retry_seconds),
                ..SyncWorkerSettings::default()
            },
        )
    });
    Ok(Service {
        store,
        files,
        state,
        worker,
        sync,
    })
}

/// Runs only the outbox worker, beside one or more `serve` nodes on the same database.
async fn run_worker(settings: Settings) -> anyhow::Result<()> {
    let listen: std::net::SocketAddr = settings.listen.parse()?;
    let service = prepare(&settings, settings.base_url(listen)).await?;
    let (shutdown_sender, shutdown) = watch::channel(false);
    let worker = tokio::spawn(
        service
            .worker
            .run(shutdown.clone(), service.state.outbox_wake()),
    );
    let sync = service
        .sync
        .map(|sync| tokio::spawn(sync.run(shutdown.clone())));
    tracing::info!(database = %redact_url(&settings.database_url()), "RALINE outbox worker started");
    shutdown_signal().await;
    let _ = shutdown_sender.send(true);
    let _ = tokio::time::timeout(Duration::from_secs(30), worker).await;
    if let Some(sync) = sync {
        let _ = tokio::time::timeout(Duration::from_secs(30), sync).await;
    }
    service.store.close().await;
    Ok(())
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(&settings.listen)
        .await
        .with_context(|| format!("cannot listen on {}", settings.listen))?;
    let bound = listener.local_addr()?;
    let base_url = settings.base_url(bound);
    let Service {
        store,
        files,
        state,
        worker,
        sync,
    } = prepare(&settings, base_url.clone()).await?;

    let (shutdown_sender, shutdown) = watch::channel(false);
    let worker = tokio::spawn(worker.run(shutdown.clone(), state.outbox_wake()));
    let sync = sync.map(|sync| tokio::spawn(sync.run(shutdown.clone())));
    let cleanup = tokio::spawn(clean_periodically(store.clone(), files, shutdown.clone()));
    let reminders = tokio::spawn(send_reminders_periodically(
        store.clone(),
        settings.reminder_days.clone(),
        Duration::from_secs(settings.reminder_interval_seconds),
        state.outbox_wake(),
        shutdown.clone(),
    ));

    tracing::info!(%bound, database = %redact_url(&settings.database_url()), "RALINE started");
    // Scripts and tests read this line to find the address when the port was 0.
    println!("RALINE berjalan di {base_url} (listening on http://{bound})");

    let app = raline_web::router(state);
    let mut server_shutdown = shutdown.clone();
    // The peer address feeds the per-address throttle of member logins.
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        tokio::select! {
            _ = shutdown_signal() => {}
            _ = server_shutdown.changed() => {}
        }
    })
    .await?;

    let _ = shutdown_sender.send(true);
    let _ = tokio::time::timeout(Duration::from_secs(30), worker).await;
    if let Some(sync) = sync {
        let _ = tokio::time::timeout(Duration::from_secs(30), sync).await;
    }
    cleanup.abort();
    reminders.abort();
    store.close().await;
    tracing::info!("RALINE stopped");
    Ok(())
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(_) => return interrupt.await.unwrap_or(()),
            };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    interrupt.await.unwrap_or(());
}

/// Hourly: deletes expired staff sessions and form uploads kept for more than a day for a
/// form that was never completed.
/// Queues the renewal reminders due today, at start-up and then every `interval`. Each
/// reminder is recorded, so a restart or a second node never sends one twice.
async fn send_reminders_periodically(
    store: Store,
    days_before: Vec<u32>,
    interval: Duration,
    wake: std::sync::Arc<tokio::sync::Notify>,
    mut shutdown: watch::Receiver<bool>,
) {
    if days_before.is_empty() {
        return;
    }
    let mut ticks = tokio::time::interval(interval);
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            _ = shutdown.changed() => return,
        }
        let now = OffsetDateTime::now_utc();
        let today = raline_domain::dates::wib_date(now);
        match store.queue_due_reminders(today, &days_before, now).await {
            Ok(0) => {}
            Ok(count) => {
                tracing::info!(count, "renewal reminders queued");
                wake.notify_one();
            }
            Err(error) => tracing::warn!(%error, "could not queue renewal reminders"),
        }
    }
}

async fn clean_periodically(store: Store, files: FileStore, mut shutdown: watch::Receiver<bool>) {
    let mut interval = tokio::time::interval(Duration::from_secs(3600));
    loop {
        tokio::select! {
            _ = interval.tick() => {}
            _ = shutdown.changed() => return,
        }
        let now = OffsetDateTime::now_utc();
        if let Err(error) = store.delete_expired_sessions(now).await {
            tracing::warn!(%error, "could not delete expired sessions");
        }
        if let Err(error) = store.delete_expired_member_sessions(now).await {
            tracing::warn!(%error, "could not delete expired member sessions");
        }
        match store
            .delete_stale_drafts(now - time::Duration::days(1))
            .await
        {
            Ok(names) => {
                for name in names {
                    if let Err(error) = files.delete(&name).await {
                        tracing::warn!(%error, "could not delete a stale draft upload");
                    }
                }
            }
            Err(error) => tracing::warn!(%error, "could not delete stale draft uploads"),
        }
    }
}

async fn staff(settings: Settings, command: StaffCommand) -> anyhow::Result<()> {
    let store = open_store(&settings).await?;
    let now = OffsetDateTime::now_utc();
    match command {
        StaffCommand::Add {
            username,
            role,
            password_file,
        } => {
            let username = username.trim().to_owned();
            let valid_name = !username.is_empty()
                && username.len() <= 64
                && username
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
            if !valid_name {
                bail!("the user name must be 1 to 64 letters, digits, dots, dashes or underscores");
            }
            let password = read_password(password_file.as_deref())?;
            if password.chars().count() < MIN_STAFF_PASSWORD_CHARS {
                bail!("the password must have at least {MIN_STAFF_PASSWORD_CHARS} characters");
            }
            let role = match role {
                RoleArg::Admin => StaffRole::Admin,
                RoleArg::Verifier => StaffRole::Verifier,
            };
            let hash =
                tokio::task::spawn_blocking(move || password_auth::generate_hash(password)).await?;
            store.upsert_staff(&username, &hash, role, now).await?;
            println!("Staff account {username} ({}) saved.", role.as_str());
        }
        StaffCommand::Token { username } => {
            let staff = store
                .staff_by_username(username.trim())
                .await?
                .with_context(|| format!("no staff account named {username:?}"))?;
            if staff.disabled {
                bail!("staff account {username:?} is disabled");
            }
            let token = store.create_api_token(staff.id, now).await?;
            println!("{token}");
        }
    }
    store.close().await;
    Ok(())
}

/// Reads the first line of the password file, or of standard input.
fn read_password(path: Option<&std::path::Path>) -> anyhow::Result<String> {
    let line = match path {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("cannot read password file {}", path.display()))?
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned(),
        None => {
            if std::io::stdin().is_terminal() {
                eprintln!("Password (input is shown; use --password-file to avoid that):");
            }
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line
        }
    };
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}
