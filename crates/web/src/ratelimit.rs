//! Login rate limiting. Failed sign-ins are recorded in the database (so every node of a
//! cluster sees them); this module only decides, from the recent failures of one
//! account or one client address, whether another attempt may be made now.
//!
//! Policy: after 5 failures within 15 minutes, further attempts are refused until the
//! oldest of those failures is 15 minutes old (OWASP Authentication Cheat Sheet,
//! "Login Throttling"; NCSC password guidance recommends throttling over lock-out, so
//! the block lifts by itself).

use jiff::{SignedDuration, Timestamp};

/// Limits on failed sign-ins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginPolicy {
    /// Failures allowed within the window.
    pub max_failures: usize,
    /// The sliding window.
    pub window: SignedDuration,
}

impl Default for LoginPolicy {
    fn default() -> Self {
        Self {
            max_failures: 5,
            window: SignedDuration::from_mins(15),
        }
    }
}

/// Whether a sign-in attempt may proceed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Throttle {
    /// Go ahead.
    Allow,
    /// Refuse; the block lifts after this long.
    RetryAfter(SignedDuration),
}

impl LoginPolicy {
    /// Decides from the failure instants (any order) and the current instant.
    pub fn decide(&self, failures: &[Timestamp], now: Timestamp) -> Throttle {
        let since = now - self.window;
        let mut recent: Vec<Timestamp> = failures.iter().copied().filter(|t| *t > since).collect();
        if recent.len() < self.max_failures {
            return Throttle::Allow;
        }
        recent.sort_unstable();
        // The block lifts when only max_failures - 1 failures remain in the window.
        let pivot = recent[recent.len() - self.max_failures];
        let lifts = pivot + self.window;
        Throttle::RetryAfter(lifts.duration_since(now).max(SignedDuration::from_secs(1)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + minute * 60).unwrap()
    }

    #[test]
    fn five_failures_in_fifteen_minutes_block_until_the_oldest_expires() {
        let p = LoginPolicy::default();
        let failures: Vec<Timestamp> = (0..4).map(at).collect();
        assert_eq!(p.decide(&failures, at(5)), Throttle::Allow);
        let failures: Vec<Timestamp> = (0..5).map(at).collect();
        assert_eq!(
            p.decide(&failures, at(5)),
            Throttle::RetryAfter(SignedDuration::from_mins(10))
        );
        assert_eq!(p.decide(&failures, at(15)), Throttle::Allow);
    }

    #[test]
    fn old_failures_do_not_count() {
        let p = LoginPolicy::default();
        let failures = [at(0), at(1), at(2), at(30), at(31)];
        assert_eq!(p.decide(&failures, at(32)), Throttle::Allow);
    }
}
