//! A throwaway INLISLite-like database per test, created from
//! `tests/fixtures/inlislite_schema.sql` on the MariaDB server at `RALINE_TEST_MARIADB_URL`
//! (default `mysql://root@127.0.0.1:3306`, a URL without a database name).

#![allow(dead_code)]

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::mysql::{MySqlConnectOptions, MySqlPool, MySqlPoolOptions};
use sqlx::{ConnectOptions, Connection, Executor};

/// The INLISLite-like schema with its seed rows, for other test crates too.
pub const SCHEMA_SQL: &str = include_str!("../fixtures/inlislite_schema.sql");

/// Returns the MariaDB server URL, without a database name.
pub fn server_url() -> String {
    std::env::var("RALINE_TEST_MARIADB_URL")
        .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".to_owned())
        .trim_end_matches('/')
        .to_owned()
}

/// Splits the fixture into statements: each ends with `;` at the end of a line, and lines
/// starting with `--` are comments.
pub fn schema_statements(sql: &str) -> Vec<String> {
    let mut statements = Vec::new();
    let mut current = String::new();
    for line in sql.lines() {
        if line.trim_start().starts_with("--") || line.trim().is_empty() {
            continue;
        }
        current.push_str(line);
        current.push('\n');
        if line.trim_end().ends_with(';') {
            statements.push(std::mem::take(&mut current));
        }
    }
    assert!(
        current.trim().is_empty(),
        "the schema ends without ';': {current}"
    );
    statements
}

/// Returns a database name no other test run uses: `raline_t_` and 16 random hex digits.
fn unique_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.write_u32(std::process::id());
    format!("raline_t_{:016x}", hasher.finish())
}

/// The server's own time zone, as the sync uses it, so that `CURDATE()` in the fixture and
/// in the tests agree.
fn options(url: &str) -> MySqlConnectOptions {
    MySqlConnectOptions::from_str(url)
        .unwrap_or_else(|error| panic!("invalid RALINE_TEST_MARIADB_URL: {error}"))
        .timezone(None)
}

/// A fresh database loaded with [`SCHEMA_SQL`], dropped when the value is dropped.
pub struct TestDatabase {
    pub name: String,
    /// URL of this database, for `InlisliteDb::connect`.
    pub url: String,
    /// A pool on this database for assertions and for breaking the schema.
    pub pool: MySqlPool,
}

impl TestDatabase {
    /// Creates and loads the database. Panics when the server is unreachable, because the
    /// tests need it.
    pub async fn create() -> TestDatabase {
        let server = server_url();
        let name = unique_name();
        let mut admin = options(&server)
            .connect()
            .await
            .unwrap_or_else(|error| panic!("MariaDB at {server} is required: {error}"));
        admin
            .execute(format!("CREATE DATABASE `{name}` CHARACTER SET latin1").as_str())
            .await
            .expect("create test database");
        admin.close().await.ok();

        let url = format!("{server}/{name}");
        let pool = MySqlPoolOptions::new()
            .max_connections(2)
            .connect_with(options(&url))
            .await
            .expect("connect to test database");
        let database = TestDatabase { name, url, pool };
        for statement in schema_statements(SCHEMA_SQL) {
            if let Err(error) = database.pool.execute(statement.as_str()).await {
                panic!("fixture statement failed: {error}\n{statement}");
            }
        }
        database
    }

    /// Runs one SQL statement, panicking on failure.
    pub async fn execute(&self, sql: &str) {
        if let Err(error) = self.pool.execute(sql).await {
            panic!("statement failed: {error}\n{sql}");
        }
    }
}

impl Drop for TestDatabase {
    /// Drops the database on a thread of its own, because `Drop` cannot await and the test's
    /// runtime may be shutting down. Best effort: a failure leaves a `raline_t_` database.
    fn drop(&mut self) {
        let server = server_url();
        let name = self.name.clone();
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let mut admin = options(&server).connect().await.ok()?;
                // The test's pools still hold connections, and a connection left inside a
                // transaction would block the drop until its runtime runs again, which it
                // cannot while this thread is joined.
                let sessions: Vec<i64> = sqlx::query_scalar(
                    "SELECT CAST(ID AS SIGNED) FROM information_schema.PROCESSLIST \
                     WHERE DB = ? AND ID <> CONNECTION_ID()",
                )
                .bind(&name)
                .fetch_all(&mut admin)
                .await
                .ok()?;
                for session in sessions {
                    let _ = admin
                        .execute(format!("KILL CONNECTION {session}").as_str())
                        .await;
                }
                admin
                    .execute("SET SESSION lock_wait_timeout = 10")
                    .await
                    .ok()?;
                admin
                    .execute(format!("DROP DATABASE IF EXISTS `{name}`").as_str())
                    .await
                    .ok()?;
                admin.close().await.ok()
            })
        })
        .join();
        if !matches!(dropped, Ok(Some(()))) {
            eprintln!("could not drop test database {}", self.name);
        }
    }
}
