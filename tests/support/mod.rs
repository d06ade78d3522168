//! Test harness: runs the real `raline` binary against a temporary data folder, a real SMTP
//! server and a real database, and loads applicants with their upload files.

// Each test binary uses only part of this module.
#![allow(dead_code)]

#[path = "../../crates/raline-delivery/tests/support/smtp_server.rs"]
pub mod smtp_server;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};
use time::{Date, OffsetDateTime};

// Not every test file uses the SMTP server.
#[allow(unused_imports)]
pub use smtp_server::SmtpServer;

/// Returns the folder of the project's own fixtures, used when the shared test data is absent.
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Returns the folder of the shared synthetic test data, if present next to the repository.
pub fn shared_testdata() -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/testdata");
    path.join("applicants.jsonl").exists().then_some(path)
}

/// One applicant record with the folder its `files` paths are relative to.
#[derive(Clone, Debug)]
pub struct Applicant {
    pub record: Value,
    pub base: PathBuf,
}

impl Applicant {
    pub fn case(&self) -> &str {
        self.record["case"].as_str().unwrap_or("?")
    }

    pub fn field(&self, name: &str) -> &str {
        self.record[name].as_str().unwrap_or_default()
    }

    /// Builds the multipart form the API expects: text fields as in the record (guardian fields
    /// flattened) and the files named in `files`.
    pub fn form(&self) -> reqwest::multipart::Form {
        let mut form = reqwest::multipart::Form::new();
        for (key, value) in self.record.as_object().unwrap() {
            if matches!(key.as_str(), "case" | "files" | "expect" | "guardian") {
                continue;
            }
            let text = match value {
                Value::String(text) => text.clone(),
                Value::Bool(flag) => flag.to_string(),
                Value::Number(number) => number.to_string(),
                _ => continue,
            };
            form = form.text(key.clone(), text);
        }
        if let Some(guardian) = self.record.get("guardian").and_then(Value::as_object) {
            for (key, value) in guardian {
                form = form.text(
                    format!("guardian_{key}"),
                    value.as_str().unwrap_or_default().to_owned(),
                );
            }
        }
        if let Some(files) = self.record.get("files").and_then(Value::as_object) {
            for (slot, path) in files {
                let path = self.base.join(path.as_str().unwrap());
                let bytes =
                    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                form = form.part(
                    slot.clone(),
                    reqwest::multipart::Part::bytes(bytes).file_name(name),
                );
            }
        }
        form
    }
}

/// Loads `applicants.jsonl` (or another file) from the shared data, else from the fixtures.
pub fn load_applicants(file: &str) -> Vec<Applicant> {
    let base = shared_testdata().unwrap_or_else(fixtures_dir);
    load_applicants_from(&base, file)
}

pub fn load_applicants_from(base: &Path, file: &str) -> Vec<Applicant> {
    let text = std::fs::read_to_string(base.join(file))
        .unwrap_or_else(|e| panic!("{}: {e}", base.join(file).display()));
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| Applicant {
            record: serde_json::from_str(line).unwrap(),
            base: base.to_path_buf(),
        })
        .collect()
}

/// Returns the shared Kemendagri region files when present, else the project's small sample.
pub fn region_files() -> [PathBuf; 2] {
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/wilayah");
    if shared.join("wilayah.csv").exists() {
        [
            shared.join("wilayah.csv"),
            shared.join("historical-districts.csv"),
        ]
    } else {
        [
            fixtures_dir().join("wilayah-sample.csv"),
            fixtures_dir().join("wilayah-historical-sample.csv"),
        ]
    }
}

/// Imports the region table with `raline regions import` and restarts the server to load it.
pub fn import_regions(server: &mut Server) {
    let [current, historical] = region_files();
    let output = server.run(
        &[
            "regions",
            "import",
            current.to_str().unwrap(),
            historical.to_str().unwrap(),
        ],
        None,
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("Tabel wilayah diimpor"), "{stdout}");
    server.restart();
}

/// A running `raline serve` process. It is killed when dropped.
pub struct Server {
    child: Option<Child>,
    pub base_url: String,
    pub data_dir: PathBuf,
    env: Vec<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

/// Options of a test server.
#[derive(Default, Clone)]
pub struct ServerOptions {
    pub smtp_url: Option<String>,
    pub database_url: Option<String>,
    /// Extra `RALINE_*` variables.
    pub env: Vec<(String, String)>,
    /// Text of a `raline.toml` written into the server's working folder.
    pub config: Option<String>,
}

impl Server {
    /// Starts a server on a free port with a fresh data folder.
    pub fn start(options: ServerOptions) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let data_dir = dir.path().join("data");
        let mut env = vec![
            ("RALINE_DATA_DIR".to_owned(), data_dir.display().to_string()),
            ("RALINE_LISTEN".to_owned(), "127.0.0.1:0".to_owned()),
            ("RALINE_LOG".to_owned(), "info".to_owned()),
        ];
        if let Some(url) = options.smtp_url {
            env.push(("RALINE_SMTP_URL".to_owned(), url));
        }
        if let Some(url) = options.database_url {
            env.push(("RALINE_DATABASE_URL".to_owned(), url));
        }
        env.extend(options.env);
        if let Some(config) = &options.config {
            std::fs::write(dir.path().join("raline.toml"), config).unwrap();
        }

        let mut server = Server {
            child: None,
            base_url: String::new(),
            data_dir,
            env,
            _dir: Some(dir),
        };
        server.spawn();
        // Later restarts keep the port so that URLs stay valid.
        let port = server.base_url.rsplit(':').next().unwrap().to_owned();
        server.set_env("RALINE_LISTEN", &format!("127.0.0.1:{port}"));
        server
    }

    fn set_env(&mut self, name: &str, value: &str) {
        self.env.retain(|(key, _)| key != name);
        self.env.push((name.to_owned(), value.to_owned()));
    }

    fn command(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_raline"));
        command.env_clear();
        for name in ["PATH", "HOME", "TZ"] {
            if let Ok(value) = std::env::var(name) {
                command.env(name, value);
            }
        }
        command.envs(self.env.iter().map(|(k, v)| (k, v)));
        command.current_dir(self.data_dir.parent().unwrap());
        command
    }

    fn spawn(&mut self) {
        std::fs::create_dir_all(&self.data_dir).unwrap();
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.data_dir.parent().unwrap().join("server.log"))
            .unwrap();
        let mut child = self
            .command()
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("start the raline binary");

        // The binary prints "RALINE berjalan di URL (listening on http://ADDRESS)".
        let stdout = child.stdout.take().unwrap();
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = sender.send(line);
            }
        });
        let line = receiver
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("server did not start:\n{}", self.log()));
        let url = line
            .split("listening on ")
            .nth(1)
            .map(|rest| rest.trim_end_matches(')').to_owned())
            .unwrap_or_else(|| panic!("unexpected start line {line:?}"));
        self.base_url = url;
        self.child = Some(child);
    }

    /// Returns the server's log (stderr) so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.data_dir.parent().unwrap().join("server.log"))
            .unwrap_or_default()
    }

    /// Kills the process with SIGKILL, as a crash or power cut would.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the process again on the same port and data.
    pub fn restart(&mut self) {
        self.kill();
        self.spawn();
    }

    /// Starts `raline worker` on the server's configuration and data, logging to
    /// `worker-NAME.log` beside the server's log.
    pub fn spawn_worker(&self, name: &str) -> std::process::Child {
        let log = std::fs::File::create(
            self.data_dir
                .parent()
                .unwrap()
                .join(format!("worker-{name}.log")),
        )
        .unwrap();
        self.command()
            .arg("worker")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start raline worker")
    }

    /// Returns the log of a worker started with [`Server::spawn_worker`].
    pub fn worker_log(&self, name: &str) -> String {
        std::fs::read_to_string(
            self.data_dir
                .parent()
                .unwrap()
                .join(format!("worker-{name}.log")),
        )
        .unwrap_or_default()
    }

    /// Returns the process id of the running server.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(std::process::Child::id)
    }

    /// Returns the SQLite database URL of the server's data folder.
    pub fn sqlite_url(&self) -> String {
        format!("sqlite://{}", self.data_dir.join("raline.sqlite").display())
    }

    /// Runs another `raline` subcommand with the server's configuration.
    pub fn run(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut child = self
            .command()
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        if let Some(input) = stdin {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(input.as_bytes())
                .unwrap();
        }
        child.wait_with_output().unwrap()
    }

    /// Creates a staff account and returns an API token for it.
    pub fn staff_token(&self, username: &str, password: &str) -> String {
        let added = self.run(
            &["staff", "add", "--username", username, "--role", "verifier"],
            Some(password),
        );
        assert!(
            added.status.success(),
            "{}",
            String::from_utf8_lossy(&added.stderr)
        );
        let token = self.run(&["staff", "token", "--username", username], None);
        assert!(
            token.status.success(),
            "{}",
            String::from_utf8_lossy(&token.stderr)
        );
        String::from_utf8(token.stdout).unwrap().trim().to_owned()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Files in the upload folder, to check that rejected input stored nothing.
    pub fn stored_upload_files(&self) -> usize {
        fn count(path: &Path) -> usize {
            let Ok(entries) = std::fs::read_dir(path) else {
                return 0;
            };
            entries
                .map_while(Result::ok)
                .map(|entry| {
                    let path = entry.path();
                    if path.is_dir() { count(&path) } else { 1 }
                })
                .sum()
        }
        count(&self.data_dir.join("uploads"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Text of a PDF through `pdftotext` (poppler-utils), whitespace collapsed.
pub fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("card.pdf");
    std::fs::write(&path, pdf).unwrap();
    let output = Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (Debian package poppler-utils) is required; run scripts/test");
    assert!(output.status.success(), "pdftotext failed");
    String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Barcodes in the first page of a PDF, rendered at 300 dpi by `pdftoppm` and decoded by
/// `zbarimg` (zbar-tools): lines such as `CODE-39:26120400001`.
pub fn pdf_barcodes(pdf: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("card.pdf");
    std::fs::write(&path, pdf).unwrap();
    let status = Command::new("pdftoppm")
        .args(["-r", "300", "-png", "-f", "1", "-l", "1"])
        .arg(&path)
        .arg(dir.path().join("page"))
        .status()
        .expect("pdftoppm (Debian package poppler-utils) is required; run scripts/test");
    assert!(status.success(), "pdftoppm failed");
    let image = std::fs::read_dir(dir.path())
        .unwrap()
        .map_while(Result::ok)
        .map(|entry| entry.path())
        .find(|path| path.extension().is_some_and(|ext| ext == "png"))
        .expect("pdftoppm wrote no page");
    let output = Command::new("zbarimg")
        .arg("--quiet")
        .arg(&image)
        .output()
        .expect("zbarimg (Debian package zbar-tools) is required; run scripts/test");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Headers and body of a stored e-mail, parsed with `mail-parser`.
pub fn parse_mail(raw: &[u8]) -> mail_parser::Message<'_> {
    mail_parser::MessageParser::default()
        .parse(raw)
        .expect("parse e-mail")
}

// --- Members -------------------------------------------------------------------------------

/// Maximum wait for the outbox worker to send an e-mail.
pub const MAIL_TIMEOUT: Duration = Duration::from_secs(60);

/// Returns today's date in WIB, the calendar every end date uses.
pub fn today_wib() -> Date {
    raline_domain::dates::wib_date(OffsetDateTime::now_utc())
}

/// Formats a date as pages, e-mails and cards print it, e.g. "14 Desember 2027".
pub fn indonesian_date(date: Date) -> String {
    raline_web::i18n::format_date(raline_web::i18n::Locale::Id, date)
}

/// Moves a member's end date, as time passing would, straight in the SQLite file.
pub async fn set_valid_until(server: &Server, member_number: &str, date: Date) {
    use sqlx::Connection;
    let path = server.data_dir.join("raline.sqlite");
    let mut connection = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let updated = sqlx::query("UPDATE members SET valid_until = ? WHERE member_number = ?")
        .bind(date.to_string())
        .bind(member_number)
        .execute(&mut connection)
        .await
        .unwrap();
    assert_eq!(updated.rows_affected(), 1);
    connection.close().await.unwrap();
}

/// Submits the applicant and approves the application; returns the member number.
pub async fn register_member(
    client: &reqwest::Client,
    server: &Server,
    staff: &str,
    applicant: &Applicant,
) -> String {
    let response = client
        .post(server.url("/api/v1/applications"))
        .multipart(applicant.form())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 201);
    let body: Value = response.json().await.unwrap();
    let id = body["id"].as_i64().unwrap();
    let approved: Value = client
        .post(server.url(&format!("/api/v1/staff/applications/{id}/approve")))
        .bearer_auth(staff)
        .json(&json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    approved["member_number"]
        .as_str()
        .unwrap_or_else(|| panic!("approval: {approved}"))
        .to_owned()
}

/// Subjects and raw bytes of the mails received so far.
pub fn mails(smtp: &SmtpServer) -> Vec<(String, Vec<u8>)> {
    smtp.messages()
        .into_iter()
        .map(|raw| {
            let subject = parse_mail(&raw).subject().unwrap_or_default().to_owned();
            (subject, raw)
        })
        .collect()
}

/// Waits for the first mail whose subject contains `needle`, after `skip` such mails.
pub fn wait_for_mail(smtp: &SmtpServer, needle: &str, skip: usize) -> Vec<u8> {
    let deadline = std::time::Instant::now() + MAIL_TIMEOUT;
    loop {
        let matching: Vec<_> = mails(smtp)
            .into_iter()
            .filter(|(subject, _)| subject.contains(needle))
            .collect();
        if let Some((_, raw)) = matching.into_iter().nth(skip) {
            return raw;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no mail {needle:?} within {MAIL_TIMEOUT:?}; got {:?}\n{}",
            mails(smtp)
                .iter()
                .map(|(s, _)| s.clone())
                .collect::<Vec<_>>(),
            smtp.log()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

pub fn count_mails(smtp: &SmtpServer, needle: &str) -> usize {
    mails(smtp)
        .iter()
        .filter(|(subject, _)| subject.contains(needle))
        .count()
}

/// Returns the first link under `path` in a mail's text body.
pub fn link_in(raw: &[u8], path: &str) -> String {
    let mail = parse_mail(raw);
    let text = mail.body_text(0).unwrap_or_default().into_owned();
    let path_start = text
        .find(path)
        .unwrap_or_else(|| panic!("no {path} link in:\n{text}"));
    let start = text[..path_start].rfind("http").unwrap_or(path_start);
    let rest = &text[start..];
    let end = rest.find(|c: char| c.is_whitespace()).unwrap_or(rest.len());
    rest[..end].to_owned()
}

/// Returns the PDF attached to a mail.
pub fn attached_pdf(raw: &[u8]) -> Vec<u8> {
    let mail = parse_mail(raw);
    mail.attachments()
        .map(|part| part.contents().to_vec())
        .find(|bytes| bytes.starts_with(b"%PDF-"))
        .expect("a PDF attachment")
}
