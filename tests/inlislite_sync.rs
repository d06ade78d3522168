//! The direct sync into INLISLite through the real binary: a real SQLite file for RALINE and
//! an INLISLite-like schema on a real MariaDB, latin1 tables included.
//!
//! The shared MariaDB (127.0.0.1:3306, `RALINE_TEST_MARIADB_URL`) contains the main test's
//! database. The outage test starts a private `mariadbd` on a free port, because stopping the
//! shared server would break every other test running beside it.

mod support;

#[path = "../crates/raline-inlislite/tests/mariadb/mod.rs"]
mod mariadb;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sqlx::mysql::MySqlPool;
use sqlx::{Connection, Executor, Row};
use support::{Applicant, Server, ServerOptions, load_applicants, register_member, today_wib};

const STAFF_PASSWORD: &str = "petugas-rahasia-1";

/// Maximum wait for the sync worker to catch up.
const SYNC_TIMEOUT: Duration = Duration::from_secs(180);

fn sync_env(url: &str, photo_dir: &Path) -> Vec<(String, String)> {
    vec![
        ("RALINE_INLISLITE_DATABASE_URL".to_owned(), url.to_owned()),
        (
            "RALINE_INLISLITE_PHOTO_DIR".to_owned(),
            photo_dir.display().to_string(),
        ),
        (
            "RALINE_INLISLITE_PORTAL_LOGIN".to_owned(),
            "true".to_owned(),
        ),
    ]
}

/// Runs `raline inlislite ARGS` and returns its standard output, failing on an error exit.
fn inlislite(server: &Server, args: &[&str]) -> String {
    let mut full = vec!["inlislite"];
    full.extend_from_slice(args);
    let output = server.run(&full, None);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "raline inlislite {args:?}: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// Sync rows of RALINE's SQLite file, by state.
async fn sync_states(server: &Server) -> BTreeMap<String, i64> {
    let mut connection = sqlx::SqliteConnection::connect(&server.sqlite_url())
        .await
        .unwrap();
    let rows = sqlx::query("SELECT state, COUNT(*) AS n FROM inlislite_sync GROUP BY state")
        .fetch_all(&mut connection)
        .await
        .unwrap();
    connection.close().await.unwrap();
    rows.iter()
        .map(|row| (row.get::<String, _>("state"), row.get::<i64, _>("n")))
        .collect()
}

/// Waits until no member is pending, and returns the final counts by state.
async fn wait_until_settled(server: &Server) -> BTreeMap<String, i64> {
    let started = Instant::now();
    loop {
        let states = sync_states(server).await;
        if !states.contains_key("pending") && !states.is_empty() {
            return states;
        }
        assert!(
            started.elapsed() < SYNC_TIMEOUT,
            "sync did not settle: {states:?}\n{}",
            server.log()
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// Checksums of the tables the sync writes, to prove a second run writes nothing.
async fn checksums(pool: &MySqlPool) -> Vec<(String, i64)> {
    let mut sums = Vec::new();
    for table in [
        "members",
        "memberloanauthorizelocation",
        "memberloanauthorizecategory",
        "member_perpanjangan",
        "membersonline",
    ] {
        let row = sqlx::query(&format!("CHECKSUM TABLE `{table}` EXTENDED"))
            .fetch_one(pool)
            .await
            .unwrap();
        let sum: Option<i64> = row.try_get(1).unwrap();
        sums.push((table.to_owned(), sum.unwrap_or_default()));
    }
    sums
}

/// Copies `applicant` as another person: new NIK (same region and birth date digits),
/// e-mail and phone, and the given name.
fn another_person(applicant: &Applicant, serial: u32, name: &str) -> Applicant {
    let mut record = applicant.record.clone();
    let nik = applicant.field("identity_number");
    record["identity_number"] = json!(format!("{}{serial:04}", &nik[..12]));
    record["email"] = json!(format!("orang.lain{serial}@contoh.id"));
    record["phone"] = json!(format!("0812555{serial:05}"));
    record["full_name"] = json!(name);
    record["case"] = json!(format!("another-{serial}"));
    Applicant {
        record,
        base: applicant.base.clone(),
    }
}

/// Applicants the sync test registers: every applicant of the shared data (124), or the
/// project's four fixtures without it.
fn applicants() -> Vec<Applicant> {
    load_applicants("applicants.jsonl")
}

/// Returns whether every text of the applicant fits a latin1 column (U+0000 to U+00FF).
fn fits_latin1(applicant: &Applicant) -> bool {
    fn fits(value: &Value) -> bool {
        match value {
            Value::String(text) => text.chars().all(|c| u32::from(c) <= 0xFF),
            Value::Object(fields) => fields.values().all(fits),
            _ => true,
        }
    }
    fits(&applicant.record)
}

/// `count` applicants whose data fits latin1: those of the test data, then copies of them as
/// other people.
fn latin1_applicants(count: usize) -> Vec<Applicant> {
    let fitting: Vec<Applicant> = applicants().into_iter().filter(fits_latin1).collect();
    assert!(!fitting.is_empty(), "no applicant fits latin1");
    (0..count)
        .map(|index| match fitting.get(index) {
            Some(applicant) => applicant.clone(),
            None => {
                let model = &fitting[index % fitting.len()];
                let name = model.field("full_name").to_owned();
                another_person(model, 9100 + index as u32, &name)
            }
        })
        .collect()
}

#[tokio::test]
async fn approved_members_can_borrow_in_inlislite() {
    let database = mariadb::TestDatabase::create().await;
    let photos = tempfile::tempdir().unwrap();
    let mut server = Server::start(ServerOptions {
        env: sync_env(&database.url, photos.path()),
        ..Default::default()
    });
    support::import_regions(&mut server);
    let client = reqwest::Client::new();
    let staff = server.staff_token("petugas", STAFF_PASSWORD);

    // Before any mapping the check names what is missing; mapping by name fills it.
    let applicants = applicants();
    let first = register_member(&client, &server, &staff, &applicants[0]).await;
    let check = server.run(&["inlislite", "check"], None);
    let output = String::from_utf8_lossy(&check.stdout).into_owned()
        + &String::from_utf8_lossy(&check.stderr);
    assert!(!check.status.success(), "{output}");
    assert!(output.contains("belum dipetakan"), "{output}");
    let enable = server.run(&["inlislite", "enable"], None);
    assert!(
        !enable.status.success(),
        "sync switched on without a mapping"
    );

    let mapped = inlislite(&server, &["map-by-name"]);
    assert!(mapped.contains("dipetakan menurut nama"), "{mapped}");
    let checked = inlislite(&server, &["check"]);
    assert!(checked.contains("baik"), "{checked}");
    let enabled = inlislite(&server, &["enable"]);
    assert!(enabled.contains("1 anggota masuk antrean"), "{enabled}");

    // Every applicant is approved; the sync worker hands over each one whose data a latin1
    // column can hold, and stops the others for staff (the project's own fixtures have two).
    let mut approved = vec![(first, applicants[0].clone())];
    for applicant in &applicants[1..] {
        let number = register_member(&client, &server, &staff, applicant).await;
        approved.push((number, applicant.clone()));
    }
    let total = approved.len();
    let (numbers, unwritable): (Vec<_>, Vec<_>) = approved
        .into_iter()
        .partition(|(_, applicant)| fits_latin1(applicant));
    let states = wait_until_settled(&server).await;
    assert_eq!(
        states.get("synced").copied(),
        Some(numbers.len() as i64),
        "{states:?}\n{}",
        server.log()
    );
    assert_eq!(
        states.get("failed").copied().unwrap_or(0),
        unwritable.len() as i64,
        "{states:?}"
    );
    for (number, applicant) in &unwritable {
        let written: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM members WHERE MemberNo = ?")
            .bind(number)
            .fetch_one(&database.pool)
            .await
            .unwrap();
        assert_eq!(
            written,
            0,
            "{}: a mangled name was written",
            applicant.case()
        );
    }

    // RALINE skipped the numbers INLISLite's fixture already holds for today (…00007,
    // …00012): the daily sequence starts above them, and no number is held twice.
    let today_prefix = raline_domain::member_number::daily_prefix(today_wib());
    for (number, _) in &numbers {
        if let Some(sequence) = number.strip_prefix(&today_prefix) {
            assert!(sequence.parse::<u32>().unwrap() > 12, "{number}");
        }
    }
    let duplicates: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT MemberNo FROM members GROUP BY MemberNo \
         HAVING COUNT(*) > 1) d",
    )
    .fetch_one(&database.pool)
    .await
    .unwrap();
    assert_eq!(duplicates, 0);

    // INLISLite's loan conditions hold for every member: status Aktif (3), an end date in
    // the future, a loan-location row; lookups come from the installation's own tables.
    for (number, applicant) in &numbers {
        let row = sqlx::query(
            "SELECT m.ID, m.StatusAnggota_id, m.EndDate >= CURDATE() AS valid, \
             CONVERT(m.Fullname USING utf8mb4) AS name, m.JenisPermohonan_id, \
             CONVERT(m.IdentityNo USING utf8mb4) AS nik, CONVERT(m.PhotoUrl USING utf8mb4) AS photo, \
             CONVERT(p.Pekerjaan USING utf8mb4) AS job, CONVERT(e.Nama USING utf8mb4) AS school, \
             CONVERT(j.jenisanggota USING utf8mb4) AS kind, \
             (SELECT COUNT(*) FROM memberloanauthorizelocation l WHERE l.Member_id = m.ID) AS locations, \
             (SELECT COUNT(*) FROM memberloanauthorizecategory c WHERE c.Member_id = m.ID) AS categories \
             FROM members m LEFT JOIN master_pekerjaan p ON p.id = m.Job_id \
             LEFT JOIN master_pendidikan e ON e.id = m.EducationLevel_id \
             LEFT JOIN jenis_anggota j ON j.id = m.JenisAnggota_id WHERE m.MemberNo = ?",
        )
        .bind(number)
        .fetch_optional(&database.pool)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{} ({number}) is not in INLISLite", applicant.case()));
        let case = applicant.case();
        assert_eq!(row.get::<i64, _>("StatusAnggota_id"), 3, "{case}");
        assert_eq!(row.get::<i64, _>("valid"), 1, "{case}: end date passed");
        assert!(
            row.get::<i64, _>("locations") >= 1,
            "{case}: no loan location"
        );
        assert!(
            row.get::<i64, _>("categories") >= 1,
            "{case}: no collection rights"
        );
        assert_eq!(row.get::<i64, _>("JenisPermohonan_id"), 1, "{case}");
        assert_eq!(
            row.get::<String, _>("name"),
            applicant.field("full_name").to_uppercase(),
            "{case}"
        );
        assert_eq!(
            row.get::<Option<String>, _>("job").as_deref(),
            Some(applicant.field("occupation")),
            "{case}"
        );
        assert_eq!(
            row.get::<Option<String>, _>("school").as_deref(),
            Some(applicant.field("education")),
            "{case}"
        );
        let kind = row.get::<Option<String>, _>("kind").unwrap_or_default();
        assert!(
            kind.eq_ignore_ascii_case(applicant.field("member_type")),
            "{case}: {kind}"
        );
        let guardian = applicant.record.get("uses_guardian_identity") == Some(&json!(true));
        let nik = row.get::<Option<String>, _>("nik");
        if guardian {
            assert_eq!(
                nik, None,
                "{case}: a parent's NIK was written as the child's"
            );
        } else {
            assert_eq!(
                nik.as_deref(),
                Some(applicant.field("identity_number")),
                "{case}"
            );
        }
        let photo = row.get::<Option<String>, _>("photo").unwrap_or_default();
        let bytes = std::fs::read(photos.path().join(&photo))
            .unwrap_or_else(|error| panic!("{case}: photo {photo:?}: {error}"));
        assert_eq!(&bytes[..3], &[0xFF, 0xD8, 0xFF], "{case}: not a JPEG");
    }

    // A second run of the sync for every member writes nothing.
    let before = checksums(&database.pool).await;
    let photos_before = photo_times(photos.path());
    let queued = inlislite(&server, &["resync"]);
    assert!(queued.contains(&format!("{total} anggota")), "{queued}");
    let states = wait_until_settled(&server).await;
    assert_eq!(states.get("synced").copied(), Some(numbers.len() as i64));
    assert_eq!(
        states.get("failed").copied().unwrap_or(0),
        unwritable.len() as i64
    );
    assert_eq!(
        checksums(&database.pool).await,
        before,
        "a second sync changed INLISLite"
    );
    assert_eq!(
        photo_times(photos.path()),
        photos_before,
        "photos were written again"
    );

    // A renewal moves EndDate and adds one renewal row; the member's login reaches
    // INLISLite's portal login as SHA-1.
    let (number, applicant) = &numbers[0];
    let renewed = renew(&client, &server, &staff, number, applicant).await;
    wait_until_settled(&server).await;
    let row = sqlx::query(
        "SELECT DATE_FORMAT(m.EndDate, '%Y-%m-%d') AS end_date, \
         (SELECT COUNT(*) FROM member_perpanjangan r WHERE r.Member_id = m.ID) AS renewals, \
         (SELECT DATE_FORMAT(MAX(r.Tanggal), '%Y-%m-%d') FROM member_perpanjangan r \
          WHERE r.Member_id = m.ID) AS renewed_to \
         FROM members m WHERE m.MemberNo = ?",
    )
    .bind(number)
    .fetch_one(&database.pool)
    .await
    .unwrap();
    assert_eq!(row.get::<String, _>("end_date"), renewed);
    assert_eq!(row.get::<i64, _>("renewals"), 1);
    assert_eq!(row.get::<String, _>("renewed_to"), renewed);
    let portal = sqlx::query(
        "SELECT CONVERT(Password USING utf8mb4) AS password, CONVERT(Status USING utf8mb4) AS status \
         FROM membersonline WHERE NoAnggota = ?",
    )
    .bind(number)
    .fetch_one(&database.pool)
    .await
    .unwrap();
    assert_eq!(
        portal.get::<String, _>("password"),
        raline_inlislite::database::sha1_hex(applicant.field("password"))
    );
    assert_eq!(portal.get::<String, _>("status"), "ACTIVE");

    // Re-running after the renewal still adds nothing.
    let before = checksums(&database.pool).await;
    inlislite(&server, &["resync"]);
    wait_until_settled(&server).await;
    assert_eq!(checksums(&database.pool).await, before);

    // A name the latin1 table cannot hold is reported for staff, not written as "?".
    let vietnamese = another_person(&applicants[0], 9001, "Nguyễn Thị Ánh");
    let number = register_member(&client, &server, &staff, &vietnamese).await;
    let application_id = application_of(&server, &number).await;
    let states = wait_until_settled(&server).await;
    assert_eq!(
        states.get("failed").copied(),
        Some(unwritable.len() as i64 + 1),
        "{states:?}"
    );
    let written: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM members WHERE MemberNo = ?")
        .bind(&number)
        .fetch_one(&database.pool)
        .await
        .unwrap();
    assert_eq!(written, 0, "a mangled name was written");
    let detail: Value = client
        .get(server.url(&format!("/api/v1/staff/applications/{application_id}")))
        .bearer_auth(&staff)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        detail["inlislite"]["state"], "failed",
        "{}",
        detail["inlislite"]
    );
    assert_eq!(detail["inlislite"]["error_code"], "not_latin1");
    assert!(
        detail["inlislite"]["error"]
            .as_str()
            .unwrap_or_default()
            .contains("Fullname")
    );
    let page = staff_page(&server, "/staf/inlislite").await;
    assert!(
        page.contains(&number),
        "the failure is not listed for staff"
    );
    assert!(
        page.contains("Fullname"),
        "the failure does not name the column"
    );
    assert!(!server.log().contains("Nguy"), "the name reached the log");
}

/// Modification times of the photo files, to tell whether the sync wrote them again.
fn photo_times(dir: &Path) -> BTreeMap<PathBuf, std::time::SystemTime> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let entry = entry.unwrap();
            (entry.path(), entry.metadata().unwrap().modified().unwrap())
        })
        .collect()
}

/// Renews `number` online (after moving its end date into the renewal window) and has staff
/// approve it; returns the new end date as `YYYY-MM-DD`.
async fn renew(
    client: &reqwest::Client,
    server: &Server,
    staff: &str,
    number: &str,
    applicant: &Applicant,
) -> String {
    support::set_valid_until(server, number, today_wib() + time::Duration::days(10)).await;
    let session: Value = client
        .post(server.url("/api/v1/session"))
        .json(&json!({ "login": number, "password": applicant.field("password") }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = session["token"]
        .as_str()
        .unwrap_or_else(|| panic!("{session}"));
    let response = client
        .post(server.url("/api/v1/me/renewals"))
        .bearer_auth(token)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 201);
    let renewal: Value = response.json().await.unwrap();
    let id = renewal["id"].as_i64().unwrap();
    let approved = client
        .post(server.url(&format!("/api/v1/staff/renewals/{id}/approve")))
        .bearer_auth(staff)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(approved.status().as_u16(), 200);
    let member: Value = client
        .get(server.url("/api/v1/me"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    member["valid_until"]
        .as_str()
        .unwrap_or_else(|| panic!("{member}"))
        .to_owned()
}

/// Logs an admin in through the staff login form and returns the HTML of `path`.
async fn staff_page(server: &Server, path: &str) -> String {
    let added = server.run(
        &["staff", "add", "--username", "kepala", "--role", "admin"],
        Some("kepala-rahasia-1"),
    );
    assert!(added.status.success());
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let login = client
        .post(server.url("/staf/masuk"))
        .header("Origin", server.base_url.clone())
        .form(&[("username", "kepala"), ("password", "kepala-rahasia-1")])
        .send()
        .await
        .unwrap();
    assert!(
        login.status().is_redirection(),
        "staff login: {}",
        login.status()
    );
    client
        .get(server.url(path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// A MariaDB server of this test alone, on a free port, which the test stops and starts.
struct PrivateMariadb {
    dir: tempfile::TempDir,
    port: u16,
    child: Option<Child>,
}

impl PrivateMariadb {
    fn start() -> PrivateMariadb {
        let dir = tempfile::tempdir().unwrap();
        let installed = Command::new("mariadb-install-db")
            .args([
                "--no-defaults",
                &format!("--datadir={}", dir.path().join("data").display()),
                "--user=root",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("mariadb-install-db (Debian package mariadb-server) is required");
        assert!(installed.success(), "mariadb-install-db failed");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut server = PrivateMariadb {
            dir,
            port,
            child: None,
        };
        server.spawn();
        server
    }

    fn spawn(&mut self) {
        let data = self.dir.path().join("data");
        let child = Command::new("/usr/sbin/mariadbd")
            .args([
                "--no-defaults".to_owned(),
                format!("--datadir={}", data.display()),
                "--user=root".to_owned(),
                format!("--port={}", self.port),
                "--bind-address=127.0.0.1".to_owned(),
                format!("--socket={}", self.dir.path().join("mysqld.sock").display()),
                format!(
                    "--pid-file={}",
                    self.dir.path().join("mysqld.pid").display()
                ),
                "--skip-log-bin".to_owned(),
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start mariadbd");
        self.child = Some(child);
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "mariadbd did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Stops the server the way an administrator or a crash would: it is gone at once.
    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    fn url(&self, database: &str) -> String {
        format!("mysql://root@127.0.0.1:{}/{database}", self.port)
    }
}

impl Drop for PrivateMariadb {
    fn drop(&mut self) {
        self.stop();
    }
}

#[tokio::test]
async fn approvals_go_on_while_mariadb_is_down_and_sync_catches_up() {
    let mut mariadb = PrivateMariadb::start();
    let mut admin = sqlx::MySqlConnection::connect(&mariadb.url("mysql"))
        .await
        .unwrap();
    admin
        .execute("CREATE DATABASE inlislite_v3 CHARACTER SET latin1")
        .await
        .unwrap();
    admin.close().await.unwrap();
    let root_url = mariadb.url("inlislite_v3");
    let pool = MySqlPool::connect(&root_url).await.unwrap();
    for statement in mariadb::schema_statements(mariadb::SCHEMA_SQL) {
        pool.execute(statement.as_str()).await.unwrap();
    }

    // The sync account gets exactly the grants README.md lists, and no more.
    pool.execute("CREATE USER 'raline'@'127.0.0.1' IDENTIFIED BY 'sandi-sinkron'")
        .await
        .unwrap();
    for statement in readme_grants() {
        pool.execute(statement.as_str())
            .await
            .unwrap_or_else(|error| panic!("{statement}: {error}"));
    }
    pool.close().await;
    let url = format!(
        "mysql://raline:sandi-sinkron@127.0.0.1:{}/inlislite_v3",
        mariadb.port
    );

    let photos = tempfile::tempdir().unwrap();
    let mut server = Server::start(ServerOptions {
        env: sync_env(&url, photos.path()),
        config: Some(
            "[inlislite]\nfirst_retry_seconds = 1\nmax_retry_seconds = 2\ntimeout_seconds = 2\n"
                .to_owned(),
        ),
        ..Default::default()
    });
    support::import_regions(&mut server);
    inlislite(&server, &["map-by-name"]);

    // The check names a grant the account lacks; with the README's grants it passes.
    let root = MySqlPool::connect(&root_url).await.unwrap();
    root.execute("REVOKE INSERT ON inlislite_v3.members FROM 'raline'@'127.0.0.1'")
        .await
        .unwrap();
    let check = server.run(&["inlislite", "check"], None);
    let output = String::from_utf8_lossy(&check.stdout).into_owned();
    assert!(!check.status.success(), "{output}");
    assert!(output.contains("hak INSERT pada tabel members"), "{output}");
    root.execute("GRANT INSERT ON inlislite_v3.members TO 'raline'@'127.0.0.1'")
        .await
        .unwrap();
    root.close().await;
    inlislite(&server, &["enable"]);
    let client = reqwest::Client::new();
    let staff = server.staff_token("petugas", STAFF_PASSWORD);

    // The first approval reads INLISLite's numbers of the day (its fixture contains …00007 and
    // …00012), so RALINE's daily sequence continues above them even while MariaDB is down.
    let applicants = latin1_applicants(11);
    let first = register_member(&client, &server, &staff, &applicants[0]).await;
    let prefix = raline_domain::member_number::daily_prefix(today_wib());
    assert_eq!(first, format!("{prefix}00013"));
    wait_until_settled(&server).await;

    // MariaDB goes away; approvals still succeed and the members wait in the sync outbox.
    mariadb.stop();
    let mut numbers = Vec::new();
    for applicant in &applicants[1..] {
        numbers.push(register_member(&client, &server, &staff, applicant).await);
    }
    let started = Instant::now();
    loop {
        let states = sync_states(&server).await;
        let retrying = retrying_count(&server).await;
        if retrying == numbers.len() as i64 {
            assert_eq!(states.get("pending").copied(), Some(numbers.len() as i64));
            assert_eq!(states.get("synced").copied(), Some(1));
            break;
        }
        assert!(started.elapsed() < SYNC_TIMEOUT, "{states:?} {retrying}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    assert!(!server.log().contains("panicked"));

    // MariaDB returns; the worker catches up without anyone doing anything.
    mariadb.spawn();
    let states = wait_until_settled(&server).await;
    assert_eq!(
        states.get("synced").copied(),
        Some(numbers.len() as i64 + 1),
        "{states:?}: {:?}",
        sync_errors(&server).await
    );
    let pool = MySqlPool::connect(&root_url).await.unwrap();
    for number in &numbers {
        let status: i64 =
            sqlx::query_scalar("SELECT StatusAnggota_id FROM members WHERE MemberNo = ?")
                .bind(number)
                .fetch_one(&pool)
                .await
                .unwrap_or_else(|error| panic!("{number}: {error}"));
        assert_eq!(status, 3);
    }
    pool.close().await;
}

/// Pending members whose last attempt failed.
async fn retrying_count(server: &Server) -> i64 {
    let mut connection = sqlx::SqliteConnection::connect(&server.sqlite_url())
        .await
        .unwrap();
    let count = sqlx::query_scalar(
        "SELECT COUNT(*) FROM inlislite_sync WHERE state = 'pending' \
         AND last_error_code IS NOT NULL",
    )
    .fetch_one(&mut connection)
    .await
    .unwrap();
    connection.close().await.unwrap();
    count
}

/// Codes and texts of the last sync failures, for assertion messages.
async fn sync_errors(server: &Server) -> Vec<(String, String)> {
    let mut connection = sqlx::SqliteConnection::connect(&server.sqlite_url())
        .await
        .unwrap();
    let rows = sqlx::query(
        "SELECT last_error_code, last_error FROM inlislite_sync WHERE last_error IS NOT NULL",
    )
    .fetch_all(&mut connection)
    .await
    .unwrap();
    connection.close().await.unwrap();
    rows.iter()
        .map(|row| (row.get("last_error_code"), row.get("last_error")))
        .collect()
}

/// Reads the `GRANT` statements of README.md's sync account section, for the account
/// `'raline'@'127.0.0.1'`, so the test fails when the documented grants do not suffice.
fn readme_grants() -> Vec<String> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let grants: Vec<String> = readme
        .lines()
        .filter(|line| line.starts_with("GRANT "))
        .map(|line| {
            line.trim_end_matches(';')
                .replace("'raline'@'10.0.0.%'", "'raline'@'127.0.0.1'")
        })
        .collect();
    assert!(grants.len() >= 5, "README.md lists no GRANT statements");
    grants
}

/// Reads the application a member came from out of RALINE's SQLite file.
async fn application_of(server: &Server, member_number: &str) -> i64 {
    let mut connection = sqlx::SqliteConnection::connect(&server.sqlite_url())
        .await
        .unwrap();
    let id = sqlx::query_scalar("SELECT application_id FROM members WHERE member_number = ?")
        .bind(member_number)
        .fetch_one(&mut connection)
        .await
        .unwrap();
    connection.close().await.unwrap();
    id
}
