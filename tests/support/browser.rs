//! Headless Chromium for browser tests: Debian's chromedriver on a free 127.0.0.1 port and a
//! fantoccini session with a phone-sized viewport.
//!
//! Include it from a test file with `#[path = "support/browser.rs"] mod browser;`.

// Each test binary that includes this module uses only part of it.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use serde_json::json;

/// Chromium and its WebDriver server from the Debian packages chromium and chromium-driver.
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Maximum time for chromedriver to report that it is ready for new sessions.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// Viewport of a small Android phone, in CSS pixels, and its device pixel ratio.
pub const PHONE_WIDTH: u32 = 360;
pub const PHONE_HEIGHT: u32 = 740;
pub const PHONE_PIXEL_RATIO: u32 = 2;

/// A chromedriver process. Dropping it ends the open session, which quits Chromium, and
/// then kills chromedriver.
pub struct Chromedriver {
    child: Child,
    port: u16,
    session_id: Option<String>,
    log_path: PathBuf,
    profile_dir: PathBuf,
    // Declared last so that the folder is removed after the processes have ended.
    _dir: tempfile::TempDir,
}

impl Chromedriver {
    /// Starts chromedriver on a free port and waits until `GET /status` reports it ready.
    ///
    /// Panics with installation advice when Chromium or chromedriver is missing, and with
    /// chromedriver's log when it does not become ready within 30 s.
    pub fn start() -> Chromedriver {
        for (path, package) in [(CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")] {
            assert!(
                Path::new(path).exists(),
                "{path} is missing (Debian package {package}): \
                 run scripts/test, which installs chromium and chromium-driver"
            );
        }

        let dir = tempfile::tempdir().expect("create a temporary folder for chromedriver");
        let log_path = dir.path().join("chromedriver.log");
        let profile_dir = dir.path().join("profile");
        std::fs::create_dir(&profile_dir).expect("create the Chromium profile folder");
        let port = free_port();

        let log = std::fs::File::create(&log_path).expect("create the chromedriver log file");
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log_path.display()))
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("clone the log file handle"))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|error| panic!("failed to start {CHROMEDRIVER}: {error}"));

        let mut driver = Chromedriver {
            child,
            port,
            session_id: None,
            log_path,
            profile_dir,
            _dir: dir,
        };
        driver.wait_until_ready();
        driver
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// chromedriver's log so far, for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    /// Opens a headless Chromium session with a fresh profile and a 360 × 740 viewport.
    pub async fn connect(&mut self) -> Client {
        let window_size = format!("--window-size={PHONE_WIDTH},{PHONE_HEIGHT}");
        let user_data_dir = format!("--user-data-dir={}", self.profile_dir.display());
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-dev-shm-usage",
                    "--disable-gpu",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    user_data_dir,
                    window_size,
                ],
                // Chromium 156 keeps a headless window at least 500 px wide, so the window
                // size alone gives a 500 px viewport. Device metrics set the viewport itself,
                // at the pixel ratio of a common phone so that screenshots stay sharp.
                "mobileEmulation": {
                    "deviceMetrics": {
                        "width": PHONE_WIDTH,
                        "height": PHONE_HEIGHT,
                        "pixelRatio": PHONE_PIXEL_RATIO,
                    },
                },
            },
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!("json! of an object literal is an object")
        };

        // reqwest enables rustls' ring provider and fantoccini its aws-lc-rs one. With both
        // compiled in, rustls needs the process-wide choice made explicitly.
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        let client = ClientBuilder::rustls()
            .expect("initialise rustls for fantoccini")
            .capabilities(capabilities)
            .connect(&self.url())
            .await
            .unwrap_or_else(|error| {
                panic!("failed to open a Chromium session: {error}\n{}", self.log())
            });
        self.session_id = client.session_id().await.ok().flatten();
        client
    }

    fn wait_until_ready(&mut self) {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Some(status) = self
                .child
                .try_wait()
                .expect("poll the chromedriver process")
            {
                panic!(
                    "chromedriver exited with {status} before it was ready:\n{}",
                    self.log()
                );
            }
            let response = http_request(self.port, "GET", "/status");
            if response.is_some_and(|body| body.contains("\"ready\":true")) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not report ready on port {} within {} s:\n{}",
                self.port,
                START_TIMEOUT.as_secs(),
                self.log()
            );
            sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        // Ending the session makes chromedriver quit Chromium. A test that passed has closed
        // it already, and then this request only returns an error.
        // NOTE: chromedriver starts Chromium in a process group of its own, so killing
        // chromedriver does not end Chromium. If this request fails, Chromium outlives the test.
        if let Some(session_id) = &self.session_id {
            let _ = http_request(self.port, "DELETE", &format!("/session/{session_id}"));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Returns a port that was free a moment ago. If another process takes it first,
/// chromedriver exits and `start` panics with its log.
fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .expect("bind a free port on 127.0.0.1")
        .port()
}

/// Sends one HTTP request without a body to chromedriver and returns the response body, or
/// None when the request fails. Blocking, so that Drop can use it. chromedriver rejects
/// HTTP/1.0 and leaves the connection open after its response, even when asked to close it,
/// so the body is read up to its `Content-Length`.
fn http_request(port: u16, method: &str, path: &str) -> Option<String> {
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut stream = TcpStream::connect_timeout(&address, Duration::from_millis(500)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let request =
        format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\n\r\n");
    stream.write_all(request.as_bytes()).ok()?;

    let mut response = Vec::new();
    let mut buffer = [0; 4096];
    loop {
        let read = stream.read(&mut buffer).ok()?;
        if read == 0 {
            return None;
        }
        response.extend_from_slice(&buffer[..read]);
        let text = String::from_utf8_lossy(&response);
        let Some(header_end) = text.find("\r\n\r\n") else {
            continue;
        };
        let content_length = text[..header_end]
            .lines()
            .filter_map(|line| line.split_once(':'))
            .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, value)| value.trim().parse::<usize>().ok())?;
        let body_start = header_end + 4;
        if response.len() >= body_start + content_length {
            let body = &response[body_start..body_start + content_length];
            return Some(String::from_utf8_lossy(body).into_owned());
        }
    }
}
