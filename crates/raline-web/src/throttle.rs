//! Failed-attempt throttling (staff and member logins, reset requests), kept in memory.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed attempts allowed per key within `WINDOW` before attempts are refused, by default.
const MAX_FAILURES: u32 = 10;

/// How long failures count, and how long a locked account stays locked.
const WINDOW: Duration = Duration::from_secs(15 * 60);

/// Counts failed attempts per key (a user name, member login or client address). A lock
/// ends by itself `WINDOW` after the first failure it counts.
///
/// NOTE: the counts live in one process; several application nodes each allow the limit,
/// and a restart clears them.
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
    max_failures: u32,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        LoginThrottle::with_limit(MAX_FAILURES)
    }
}

impl LoginThrottle {
    /// Creates a throttle that locks a key after `max_failures` failures within the window.
    pub fn with_limit(max_failures: u32) -> Self {
        LoginThrottle {
            failures: Mutex::new(HashMap::new()),
            max_failures,
        }
    }

    /// Returns true while the user name has too many recent failures.
    pub fn is_locked(&self, username: &str) -> bool {
        let Ok(failures) = self.failures.lock() else {
            return false;
        };
        failures
            .get(&username.to_lowercase())
            .is_some_and(|(count, since)| *count >= self.max_failures && since.elapsed() < WINDOW)
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
