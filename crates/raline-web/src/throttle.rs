//! Failed-login throttling for staff accounts, kept in memory.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed attempts allowed per user name within `WINDOW` before logins are refused.
const MAX_FAILURES: u32 = 10;

/// How long failures count, and how long a locked account stays locked.
const WINDOW: Duration = Duration::from_secs(15 * 60);

/// Counts failed logins per user name. A lock ends by itself after `WINDOW`.
///
/// NOTE: the counts live in one process; several application nodes each allow
/// `MAX_FAILURES`, and a restart clears them.
#[derive(Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl LoginThrottle {
    /// Returns true while the user name has too many recent failures.
    pub fn is_locked(&self, username: &str) -> bool {
        let Ok(failures) = self.failures.lock() else {
            return false;
        };
        failures
            .get(&username.to_lowercase())
            .is_some_and(|(count, since)| *count >= MAX_FAILURES && since.elapsed() < WINDOW)
    }

    pub fn record_failure(&self, username: &str) {
        let Ok(mut failures) = self.failures.lock() else {
            return;
        };
        // Bounded memory: forget old entries once the map grows.
        if failures.len() > 10_000 {
            failures.retain(|_, (_, since)| since.elapsed() < WINDOW);
        }
        let entry = failures
            .entry(username.to_lowercase())
            .or_insert((0, Instant::now()));
        if entry.1.elapsed() >= WINDOW {
            *entry = (0, Instant::now());
        }
        entry.0 += 1;
    }

    pub fn record_success(&self, username: &str) {
        if let Ok(mut failures) = self.failures.lock() {
            failures.remove(&username.to_lowercase());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttle_locks_after_max_failures() {
        let throttle = LoginThrottle::default();
        for _ in 0..MAX_FAILURES - 1 {
            throttle.record_failure("Petugas");
        }
        assert!(!throttle.is_locked("petugas"));
        throttle.record_failure("petugas");
        assert!(throttle.is_locked("PETUGAS"));
        throttle.record_success("petugas");
        assert!(!throttle.is_locked("petugas"));
    }
}
