//! Real SMTP server for tests: aiosmtpd (Debian package python3-aiosmtpd) storing every
//! message it accepts in a Maildir.
//!
//! Include it from a test file with `#[path = "support/smtp_server.rs"] mod smtp_server;`.
//! It uses only std and the tempfile crate.

// Each test crate that includes this module uses only some of its functions.
#![allow(dead_code)]

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

/// Debian's Python, which has the python3-aiosmtpd package. A `python3` found on PATH may be
/// another installation (such as pyenv) without it.
const PYTHON: &str = "/usr/bin/python3";

/// Maximum time for aiosmtpd to start listening.
const START_TIMEOUT: Duration = Duration::from_secs(15);

/// aiosmtpd process listening on 127.0.0.1. It is killed when the value is dropped.
pub struct SmtpServer {
    child: Child,
    port: u16,
    maildir: PathBuf,
    log_path: PathBuf,
    // Declared last so that the folder is removed after the process has been killed.
    _dir: tempfile::TempDir,
}

impl SmtpServer {
    /// Starts aiosmtpd on a free port and waits until it accepts connections.
    ///
    /// Panics with installation advice when /usr/bin/python3 or aiosmtpd is missing, and
    /// with aiosmtpd's output when it does not start within 15 s.
    pub fn start() -> SmtpServer {
        SmtpServer::start_on(free_port())
    }

    /// Starts aiosmtpd on `port`, for a test that first lets clients find no server there.
    pub fn start_on(port: u16) -> SmtpServer {
        check_aiosmtpd_installed();

        let dir = tempfile::tempdir().expect("create a temporary folder for the SMTP server");
        // aiosmtpd's Mailbox handler opens this path with Python's mailbox.Maildir, which
        // creates the tmp/, new/ and cur/ folders only when the path does not exist yet.
        let maildir = dir.path().join("maildir");
        let log_path = dir.path().join("aiosmtpd.log");

        let log = std::fs::File::create(&log_path).expect("create the aiosmtpd log file");
        let child = Command::new(PYTHON)
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("clone the log file handle"))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|error| panic!("failed to start {PYTHON} -m aiosmtpd: {error}"));

        let mut server = SmtpServer {
            child,
            port,
            maildir,
            log_path,
            _dir: dir,
        };
        server.wait_until_listening();
        server
    }

    /// Returns the URL for `Mailer::from_settings`, such as `smtp://127.0.0.1:40123`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Returns the raw bytes of every stored message, oldest first.
    ///
    /// aiosmtpd re-serialises each message with Python's email package and adds the headers
    /// X-Peer, X-MailFrom and X-RcptTo, which contain the SMTP envelope. Line endings are `\n`.
    pub fn messages(&self) -> Vec<Vec<u8>> {
        let mut files = Vec::new();
        for folder in ["cur", "new"] {
            let Ok(entries) = std::fs::read_dir(self.maildir.join(folder)) else {
                continue;
            };
            for entry in entries {
                let entry = entry.expect("read a Maildir entry");
                let modified = entry
                    .metadata()
                    .and_then(|metadata| metadata.modified())
                    .expect("read the modification time of a Maildir file");
                files.push((modified, entry.path()));
            }
        }
        // Sorts by modification time, then by path.
        files.sort();
        files
            .into_iter()
            .map(|(_, path)| std::fs::read(&path).expect("read a Maildir message"))
            .collect()
    }

    /// Returns the stored messages that carry a PDF attachment (member cards), oldest first.
    /// Other messages, such as address verification links, are left out.
    pub fn card_messages(&self) -> Vec<Vec<u8>> {
        self.messages()
            .into_iter()
            .filter(|raw| raw.windows(15).any(|window| window == b"application/pdf"))
            .collect()
    }

    /// Waits up to `timeout` until at least `count` card messages are stored, then returns
    /// them.
    pub fn wait_for_card_messages(&self, count: usize, timeout: Duration) -> Vec<Vec<u8>> {
        let deadline = Instant::now() + timeout;
        loop {
            let messages = self.card_messages();
            if messages.len() >= count || Instant::now() >= deadline {
                return messages;
            }
            sleep(Duration::from_millis(50));
        }
    }

    /// Waits up to `timeout` until at least `count` messages are stored, then returns all.
    pub fn wait_for_messages(&self, count: usize, timeout: Duration) -> Vec<Vec<u8>> {
        let deadline = Instant::now() + timeout;
        loop {
            let messages = self.messages();
            if messages.len() >= count || Instant::now() >= deadline {
                return messages;
            }
            sleep(Duration::from_millis(50));
        }
    }

    /// Returns what aiosmtpd has written to stdout and stderr, for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    fn wait_until_listening(&mut self) {
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("poll the aiosmtpd process") {
                panic!(
                    "aiosmtpd exited with {status} before accepting connections:\n{}",
                    self.log()
                );
            }
            if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
                return;
            }
            if Instant::now() >= deadline {
                panic!(
                    "aiosmtpd did not accept connections on {address} within {} s:\n{}",
                    START_TIMEOUT.as_secs(),
                    self.log()
                );
            }
            sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Returns a port that was free a moment ago. Another process could take it before
/// aiosmtpd binds it, which then fails the start with aiosmtpd's error.
pub fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .expect("bind a free port on 127.0.0.1")
        .port()
}

fn check_aiosmtpd_installed() {
    let advice = "install the Debian package python3-aiosmtpd \
                  (`apt-get install python3-aiosmtpd`; the project's test script does this)";
    if !Path::new(PYTHON).exists() {
        panic!("{PYTHON} is missing, so the test SMTP server cannot start: {advice}");
    }
    let output = Command::new(PYTHON)
        .args(["-c", "import aiosmtpd"])
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|error| panic!("failed to run {PYTHON}: {error}"));
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        panic!("{PYTHON} cannot import aiosmtpd: {advice}\n{stderr}");
    }
}
