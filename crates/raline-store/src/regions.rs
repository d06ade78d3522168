//! The imported Kemendagri region table.

use raline_domain::RegionDirectory;
use raline_domain::region::{RegionTableBuilder, RegionTableError};
use sqlx::Row;

use crate::{Store, StoreError, StoreResult};

/// Rows per page when loading the table.
const ROWS_PER_PAGE: i64 = 5_000;

/// Rows per INSERT statement. 300 rows × 3 parameters stays far below SQLite's limit of
/// 32,766 bound parameters and keeps PostgreSQL round trips few.
const ROWS_PER_STATEMENT: usize = 300;

/// One row of the region table, as read from the import files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionRow {
    pub code: String,
    pub name: String,
    /// The last year a list carried this district code, for codes the current list lacks.
    pub last_listed: Option<i64>,
}

/// Counts of an imported table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegionImport {
    /// Regions per level: provinces, regencies, districts, villages.
    pub counts: [usize; 4],
    pub historical_districts: usize,
}

impl Store {
    /// Replaces the region table with `rows` in one transaction, after checking that they
    /// form a consistent table (every code well formed, listed once, under a known parent).
    /// Readers see the old table or the new one, never a mix.
    pub async fn import_regions(&self, rows: &[RegionRow]) -> StoreResult<RegionImport> {
        let directory = directory_of(rows)?;
        let historical_districts = rows.iter().filter(|row| row.last_listed.is_some()).count();

        let mut transaction = self.begin_write().await?;
        sqlx::query("DELETE FROM regions")
            .execute(&mut *transaction)
            .await?;
        for chunk in rows.chunks(ROWS_PER_STATEMENT) {
            let placeholders: Vec<String> = (0..chunk.len())
                .map(|index| {
                    let first = index * 3 + 1;
                    format!("(${first}, ${}, ${})", first + 1, first + 2)
                })
                .collect();
            let statement = format!(
                "INSERT INTO regions (code, name, last_listed) VALUES {}",
                placeholders.join(", ")
            );
            let mut query = sqlx::query(&statement);
            for row in chunk {
                query = query.bind(&row.code).bind(&row.name).bind(row.last_listed);
            }
            query.execute(&mut *transaction).await.map_err(|error| {
                match StoreError::from(error) {
                    error if error.is_unique_violation() => StoreError::InvalidRegionTable(
                        "a historical district code is also a current one".to_owned(),
                    ),
                    error => error,
                }
            })?;
        }
        transaction.commit().await?;

        Ok(RegionImport {
            counts: directory.counts(),
            historical_districts,
        })
    }

    /// Loads the imported region table, or `None` when none was imported. The rows are read
    /// in pages of [`ROWS_PER_PAGE`] by code, so loading keeps only one page in memory besides the directory.
    pub async fn load_regions(&self) -> StoreResult<Option<RegionDirectory>> {
        let mut builder = RegionTableBuilder::default();
        let mut after = String::new();
        let mut loaded = 0;
        loop {
            let rows = sqlx::query(
                "SELECT code, name, last_listed FROM regions WHERE code > $1 \
                 ORDER BY code LIMIT $2",
            )
            .bind(&after)
            .bind(ROWS_PER_PAGE)
            .fetch_all(&self.pool)
            .await?;
            let Some(last) = rows.last() else { break };
            after = last.try_get("code")?;
            for row in &rows {
                let code: String = row.try_get("code")?;
                let last_listed: Option<i64> = row.try_get("last_listed")?;
                let added = match last_listed {
                    Some(_) => builder.add_historical_district(&code),
                    None => builder.add(&code, &row.try_get::<String, _>("name")?),
                };
                added.map_err(|error| StoreError::InvalidRegionTable(error.to_string()))?;
            }
            loaded += rows.len();
        }
        if loaded == 0 {
            return Ok(None);
        }
        builder
            .finish()
            .map(Some)
            .map_err(|error| StoreError::InvalidRegionTable(error.to_string()))
    }
}

fn directory_of(rows: &[RegionRow]) -> StoreResult<RegionDirectory> {
    let (historical, current): (Vec<&RegionRow>, Vec<&RegionRow>) =
        rows.iter().partition(|row| row.last_listed.is_some());
    RegionDirectory::from_table(
        current
            .iter()
            .map(|row| (row.code.as_str(), row.name.as_str())),
        historical.iter().map(|row| row.code.as_str()),
    )
    .map_err(|error: RegionTableError| StoreError::InvalidRegionTable(error.to_string()))
}
