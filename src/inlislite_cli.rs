//! `raline inlislite …`: checks and switches the direct sync from the command line. The
//! output speaks Indonesian, like the admin screen, because library staff run it.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Subcommand;
use raline_inlislite::worker::{Connector, load_mapping};
use raline_inlislite::{Category, Mapping, MappingGap};
use raline_store::Store;
use time::OffsetDateTime;

use crate::config::Settings;

#[derive(Subcommand)]
pub enum InlisliteCommand {
    /// Test the connection, the table layout and the mapping, and report what is wrong.
    Check,
    /// Map every RALINE value that has no mapping yet to the INLISLite lookup row of the
    /// same name (ignoring case), and list the values left for the admin.
    MapByName,
    /// Switch the direct sync on (after the same checks as `check`) and queue every member
    /// not yet synced.
    Enable,
    /// Switch the direct sync off; queued members wait until it is on again.
    Disable,
    /// Queue again every member whose sync failed, after the cause was fixed.
    Retry,
    /// Queue every member for a new sync, e.g. after INLISLite was restored from a backup.
    Resync,
}

/// Builds the connector from `[inlislite]`, or `None` when no database is configured.
pub fn connector(settings: &Settings) -> anyhow::Result<Option<Arc<Connector>>> {
    let section = &settings.inlislite;
    let Some(url) = &section.database_url else {
        return Ok(None);
    };
    let sync = raline_inlislite::database::SyncSettings {
        photo_dir: section.photo_dir.clone(),
        portal_login: section.portal_login,
        terminal: section.terminal.clone(),
        operator_id: section.operator_id,
    };
    Ok(Some(Connector::new(
        url,
        sync,
        Duration::from_secs(section.timeout_seconds),
    )))
}

pub async fn run(settings: Settings, command: InlisliteCommand) -> anyhow::Result<()> {
    let store = crate::open_store(&settings).await?;
    let now = OffsetDateTime::now_utc();
    let result = match command {
        InlisliteCommand::Disable => {
            store.set_inlislite_sync(false, now).await?;
            println!("Sinkronisasi langsung ke INLISLite dimatikan.");
            Ok(())
        }
        InlisliteCommand::Retry => {
            let count = store.retry_failed_inlislite_syncs(now).await?;
            println!("{count} anggota yang gagal dimasukkan lagi ke antrean sinkronisasi.");
            Ok(())
        }
        InlisliteCommand::Resync => {
            let count = store.request_inlislite_sync_all(now).await?;
            if store.inlislite_sync_enabled().await? {
                println!("{count} anggota masuk antrean sinkronisasi.");
            } else {
                println!(
                    "Sinkronisasi langsung belum aktif; jalankan `raline inlislite enable` dahulu."
                );
            }
            Ok(())
        }
        command => {
            let connector = connector(&settings)?.context(
                "Sinkronisasi langsung belum diatur: isi [inlislite] database_url di raline.toml \
                 atau RALINE_INLISLITE_DATABASE_URL.",
            )?;
            match command {
                InlisliteCommand::Check => check(&store, &connector).await.map(|_| ()),
                InlisliteCommand::MapByName => {
                    map_by_name(&settings, &store, &connector, now).await
                }
                InlisliteCommand::Enable => {
                    check(&store, &connector).await?;
                    let queued = store.set_inlislite_sync(true, now).await?;
                    println!(
                        "Sinkronisasi langsung ke INLISLite aktif; {queued} anggota masuk antrean."
                    );
                    Ok(())
                }
                InlisliteCommand::Disable | InlisliteCommand::Retry | InlisliteCommand::Resync => {
                    unreachable!("handled above")
                }
            }
        }
    };
    store.close().await;
    result
}

/// Prints every problem in Indonesian and fails when there is one.
async fn check(store: &Store, connector: &Connector) -> anyhow::Result<()> {
    let db = match connector.get().await {
        Ok(db) => db,
        Err(error) => bail!("Tidak dapat terhubung ke basis data INLISLite: {error}"),
    };
    let mapping = load_mapping(store).await?;
    let mut problems: Vec<String> = db
        .check(&mapping)
        .await
        .iter()
        .map(ToString::to_string)
        .collect();
    for gap in gaps(store, &mapping).await? {
        problems.push(format!(
            "{} \"{}\" dipakai anggota tetapi belum dipetakan ke data INLISLite: buka Staf → \
             INLISLite → Pemetaan, atau jalankan `raline inlislite map-by-name`.",
            category_label(gap.category),
            gap.value
        ));
    }
    if problems.is_empty() {
        println!("Koneksi, tabel dan pemetaan INLISLite baik.");
        return Ok(());
    }
    for problem in &problems {
        println!("- {problem}");
    }
    bail!("{} masalah ditemukan pada INLISLite.", problems.len())
}

/// Values members use that have no mapping.
async fn gaps(store: &Store, mapping: &Mapping) -> anyhow::Result<Vec<MappingGap>> {
    let used = store.inlislite_used_values().await?;
    Ok(mapping.gaps(
        used.iter()
            .filter_map(|(category, value)| Some((Category::parse(category)?, value.as_str()))),
    ))
}

/// Values RALINE can store in `category`, whether or not a member uses them yet.
fn raline_values(settings: &Settings, category: Category) -> Vec<String> {
    let codes: Vec<&str> = settings
        .member_types
        .iter()
        .map(|kind| kind.code.as_str())
        .collect();
    raline_inlislite::mapping::offered_values(category, &codes)
}

/// Names INLISLite installations commonly give RALINE's coded values, tried after the
/// value itself.
fn name_candidates(settings: &Settings, category: Category, value: &str) -> Vec<String> {
    let mut names = vec![value.to_owned()];
    match category {
        Category::IdentityType => names.extend(
            match value {
                "ktp" => &["KTP", "KTP-el", "Kartu Tanda Penduduk"][..],
                "kia" => &["KIA", "Kartu Identitas Anak"][..],
                "sim" => &["SIM"][..],
                "paspor" => &["Paspor", "Passport"][..],
                "kartu_pelajar" => &["Kartu Pelajar"][..],
                "kitas" => &["KITAS"][..],
                "kitap" => &["KITAP"][..],
                _ => &["Lainnya"][..],
            }
            .iter()
            .map(|name| (*name).to_owned()),
        ),
        Category::MemberType => names.extend(
            settings
                .member_types
                .iter()
                .filter(|kind| kind.code == value)
                .map(|kind| kind.name.clone()),
        ),
        Category::MaritalStatus => names.push(value.replace('_', " ")),
        _ => {}
    }
    names
}

async fn map_by_name(
    settings: &Settings,
    store: &Store,
    connector: &Connector,
    now: OffsetDateTime,
) -> anyhow::Result<()> {
    let db = match connector.get().await {
        Ok(db) => db,
        Err(error) => bail!("Tidak dapat terhubung ke basis data INLISLite: {error}"),
    };
    let mapping = load_mapping(store).await?;
    let mut changes = Vec::new();
    let mut left = Vec::new();
    for category in Category::ALL {
        let rows = db
            .lookups(category)
            .await
            .map_err(|error| anyhow::anyhow!("{error}"))?;
        for value in raline_values(settings, category) {
            if mapping.get(category, &value).is_some() {
                continue;
            }
            let found = name_candidates(settings, category, &value)
                .iter()
                .find_map(|name| {
                    rows.iter()
                        .find(|row| row.name.trim().eq_ignore_ascii_case(name))
                });
            match found {
                Some(row) => changes.push((
                    category.as_str().to_owned(),
                    value,
                    Some((row.id, row.name.clone())),
                )),
                None => left.push(format!("{} \"{value}\"", category_label(category))),
            }
        }
    }
    store
        .save_inlislite_mappings(&changes, "raline inlislite map-by-name", now)
        .await?;
    println!("{} nilai dipetakan menurut nama.", changes.len());
    if !left.is_empty() {
        println!("Belum ada padanan di INLISLite (petakan di layar Pemetaan bila dipakai):");
        for value in left {
            println!("- {value}");
        }
    }
    Ok(())
}

fn category_label(category: Category) -> &'static str {
    match category {
        Category::IdentityType => "Jenis identitas",
        Category::MemberType => "Jenis anggota",
        Category::Occupation => "Pekerjaan",
        Category::Education => "Pendidikan",
        Category::Religion => "Agama",
        Category::MaritalStatus => "Status perkawinan",
    }
}
