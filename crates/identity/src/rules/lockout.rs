//! Sign-in lockout (AUT-01, AUT-03): a pure state machine over the consecutive failures of one
//! account, plus a throttle per client address. The clock is an argument.
//!
//! Choices (DOMAIN.md leaves them open):
//! - Every `max_failures`-th consecutive failure (5, 10, 15, …) locks the account for
//!   `lock_for` (AUT-03: 5 → 15 minutes). The counter keeps counting across locks and only a
//!   success or a password reset clears it, so after a lock expires the next failure is the
//!   6th, and the 10th locks again: 5 guesses per 15 minutes.
//! - Attempts while locked are refused before the password is checked, so they are not
//!   failures: they neither count nor extend the lock.
//! - At [`AUT_01_LIMIT`] (100) consecutive failures the account is disabled until a password
//!   reset (AUT-01 caps consecutive failures at 100; an attacker reaches it only after hours of
//!   15-minute locks).

use jiff::{SignedDuration, Timestamp};

/// NIST SP 800-63B: no more than 100 consecutive failed attempts on one account (AUT-01).
pub const AUT_01_LIMIT: u32 = 100;

/// Per-account lockout settings (DOMAIN.md defaults: 5 failures, 15 minutes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    /// Consecutive failures that lock the account; 1..=100 (AUT-01).
    pub max_failures: u32,
    /// How long a lock lasts; positive.
    pub lock_for: SignedDuration,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        LockoutPolicy {
            max_failures: 5,
            lock_for: SignedDuration::from_mins(15),
        }
    }
}

/// A lockout or throttle setting out of range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("max_failures must be between 1 and {AUT_01_LIMIT} (AUT-01), not {0}")]
    MaxFailures(u32),
    #[error("the lock or window duration must be positive")]
    Duration,
    #[error("max_attempts_per_address must be at least 1")]
    MaxAttempts,
}

impl LockoutPolicy {
    /// Check the settings: `max_failures` in 1..=100 (AUT-01), a positive `lock_for`.
    pub fn validate(&self) -> Result<(), PolicyError> {
        if !(1..=AUT_01_LIMIT).contains(&self.max_failures) {
            return Err(PolicyError::MaxFailures(self.max_failures));
        }
        if !self.lock_for.is_positive() {
            return Err(PolicyError::Duration);
        }
        Ok(())
    }

    /// `max_failures` forced into 1..=100, so an unvalidated policy still behaves.
    fn threshold(&self) -> u32 {
        self.max_failures.clamp(1, AUT_01_LIMIT)
    }
}

/// What is stored per account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AttemptState {
    /// Failures since the last success or password reset.
    pub consecutive_failures: u32,
    /// The end of the current (or last) lock.
    pub locked_until: Option<Timestamp>,
}

/// Whether a sign-in attempt may be checked now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    Allowed,
    /// Try again after `until`; `retry_after_secs` is the wait, rounded up (≥ 1), to tell the
    /// user (AUT-01) and to send as `Retry-After`.
    Locked {
        until: Timestamp,
        retry_after_secs: u64,
    },
    /// 100 consecutive failures (AUT-01): only a password reset opens the account again.
    Disabled,
}

fn locked(until: Timestamp, now: Timestamp) -> Gate {
    let wait = until.duration_since(now);
    let secs = wait.as_secs() + i64::from(wait.subsec_nanos() > 0);
    Gate::Locked {
        until,
        retry_after_secs: u64::try_from(secs.max(1)).unwrap_or(1),
    }
}

/// May the account try to sign in at `now`? (AUT-01, AUT-03) The policy is not needed today
/// (the lock end is stored) but stays in the signature for policies that will be.
pub fn on_attempt(_policy: &LockoutPolicy, state: &AttemptState, now: Timestamp) -> Gate {
    if state.consecutive_failures >= AUT_01_LIMIT {
        return Gate::Disabled;
    }
    match state.locked_until {
        Some(until) if until > now => locked(until, now),
        _ => Gate::Allowed,
    }
}

/// The state after a wrong password at `now`. Every `max_failures`-th consecutive failure locks
/// until `now + lock_for`; a failure reported while locked changes nothing.
pub fn on_failure(policy: &LockoutPolicy, state: &AttemptState, now: Timestamp) -> AttemptState {
    if matches!(state.locked_until, Some(until) if until > now) {
        return *state;
    }
    let failures = state.consecutive_failures.saturating_add(1);
    let locked_until = if failures.is_multiple_of(policy.threshold()) {
        Some(now.checked_add(policy.lock_for).unwrap_or(Timestamp::MAX))
    } else {
        state.locked_until
    };
    AttemptState {
        consecutive_failures: failures,
        locked_until,
    }
}

/// A successful sign-in resets the counter (AUT-01).
pub fn on_success(_state: &AttemptState) -> AttemptState {
    AttemptState::default()
}

/// A completed password reset unlocks the account, disabled ones included (AUT-01, AUT-03).
pub fn on_reset(_state: &AttemptState) -> AttemptState {
    AttemptState::default()
}

/// Attempts per client address (AUT-01 "slow guessing"): at most 20 in any 15 minutes, across
/// accounts, so one address cannot spray guesses over many accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    pub window: SignedDuration,
    pub max_attempts_per_address: u32,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        ThrottlePolicy {
            window: SignedDuration::from_mins(15),
            max_attempts_per_address: 20,
        }
    }
}

impl ThrottlePolicy {
    pub fn validate(&self) -> Result<(), PolicyError> {
        if !self.window.is_positive() {
            return Err(PolicyError::Duration);
        }
        if self.max_attempts_per_address == 0 {
            return Err(PolicyError::MaxAttempts);
        }
        Ok(())
    }

    /// Start of the window to count attempts from (`now - window`).
    pub fn window_start(&self, now: Timestamp) -> Timestamp {
        now.checked_sub(self.window).unwrap_or(Timestamp::MIN)
    }
}

/// May this address try now? `attempts_in_window` counts the address's sign-in attempts since
/// [`ThrottlePolicy::window_start`]; `oldest_in_window` is the earliest of them (it leaves the
/// window first, which gives the wait).
pub fn address_gate(
    policy: &ThrottlePolicy,
    attempts_in_window: u32,
    oldest_in_window: Option<Timestamp>,
    now: Timestamp,
) -> Gate {
    if attempts_in_window < policy.max_attempts_per_address.max(1) {
        return Gate::Allowed;
    }
    let until = oldest_in_window
        .unwrap_or(now)
        .checked_add(policy.window)
        .unwrap_or(Timestamp::MAX);
    if until > now {
        locked(until, now)
    } else {
        // The count is stale (the oldest attempt already left the window): let it through.
        Gate::Allowed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(secs: i64) -> Timestamp {
        Timestamp::from_second(1_770_000_000 + secs).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    /// Replay a script of (seconds, event) and check the gate before each attempt.
    #[test]
    fn aut_01_lockout_after_five() {
        #[derive(Clone, Copy)]
        enum Ev {
            Fail,
            Ok,
            Reset,
        }
        use Ev::*;
        let p = LockoutPolicy::default();
        // (at, event, gate before the event (None = locked), failures after, locked_until after)
        let rows: &[(i64, Ev, bool, u32, Option<i64>)] = &[
            (0, Fail, true, 1, None),
            (10, Fail, true, 2, None),
            (20, Fail, true, 3, None),
            (30, Fail, true, 4, None),
            (40, Fail, true, 5, Some(940)),   // 5th locks for 15 min
            (100, Fail, false, 5, Some(940)), // while locked: not counted, not extended
            (939, Fail, false, 5, Some(940)), // one second before the end
            (940, Fail, true, 6, Some(940)),  // lock over: counter continues
            (950, Fail, true, 7, Some(940)),
            (960, Fail, true, 8, Some(940)),
            (970, Fail, true, 9, Some(940)),
            (980, Fail, true, 10, Some(1880)), // 10th locks again
            (1880, Ok, true, 0, None),         // success resets
            (1890, Fail, true, 1, None),
            (1900, Reset, true, 0, None),
        ];
        let mut s = AttemptState::default();
        for &(at, ev, allowed, failures, until) in rows {
            let gate = on_attempt(&p, &s, t(at));
            assert_eq!(gate == Gate::Allowed, allowed, "gate at {at}: {gate:?}");
            s = match ev {
                Fail => on_failure(&p, &s, t(at)),
                Ok => on_success(&s),
                Reset => on_reset(&s),
            };
            assert_eq!(s.consecutive_failures, failures, "failures after {at}");
            assert_eq!(s.locked_until, until.map(t), "locked_until after {at}");
        }
    }

    #[test]
    fn aut_01_wait_time_told() {
        let p = LockoutPolicy::default();
        let s = AttemptState {
            consecutive_failures: 5,
            locked_until: Some(t(900)),
        };
        let rows = [
            (
                0,
                Gate::Locked {
                    until: t(900),
                    retry_after_secs: 900,
                },
            ),
            (
                899,
                Gate::Locked {
                    until: t(900),
                    retry_after_secs: 1,
                },
            ),
            (900, Gate::Allowed),
        ];
        for (at, want) in rows {
            assert_eq!(on_attempt(&p, &s, t(at)), want, "at {at}");
        }
        // Sub-second remainders round up.
        let half = t(0)
            .checked_add(SignedDuration::from_millis(1500))
            .unwrap_or(t(0));
        let s = AttemptState {
            consecutive_failures: 5,
            locked_until: Some(half),
        };
        assert_eq!(
            on_attempt(&p, &s, t(0)),
            Gate::Locked {
                until: half,
                retry_after_secs: 2
            }
        );
    }

    #[test]
    fn aut_01_disabled_at_100_until_reset() {
        let p = LockoutPolicy::default();
        let mut s = AttemptState::default();
        let mut at = 0;
        while s.consecutive_failures < 100 {
            match on_attempt(&p, &s, t(at)) {
                Gate::Allowed => s = on_failure(&p, &s, t(at)),
                Gate::Locked { until, .. } => at = until.as_second() - t(0).as_second(),
                Gate::Disabled => break,
            }
            at += 1;
        }
        assert_eq!(s.consecutive_failures, 100);
        // 19 locks of 15 minutes passed before the 100th failure.
        assert!(at >= 19 * 900, "reached 100 after {at}s");
        assert_eq!(on_attempt(&p, &s, t(at + 86_400)), Gate::Disabled);
        assert_eq!(on_attempt(&p, &on_reset(&s), t(at)), Gate::Allowed);
    }

    #[test]
    fn aut_01_max_failures_at_most_100() {
        let rows = [
            (5, 15, Ok(())),
            (1, 15, Ok(())),
            (100, 15, Ok(())),
            (101, 15, Err(PolicyError::MaxFailures(101))),
            (0, 15, Err(PolicyError::MaxFailures(0))),
            (5, 0, Err(PolicyError::Duration)),
        ];
        for (max_failures, mins, want) in rows {
            let p = LockoutPolicy {
                max_failures,
                lock_for: SignedDuration::from_mins(mins),
            };
            assert_eq!(p.validate(), want, "{max_failures}/{mins}");
        }
        // An unvalidated 0 behaves as 1 rather than dividing by zero.
        let p = LockoutPolicy {
            max_failures: 0,
            ..LockoutPolicy::default()
        };
        let s = on_failure(&p, &AttemptState::default(), t(0));
        assert!(s.locked_until.is_some());
    }

    #[test]
    fn aut_03_address_throttle() {
        let p = ThrottlePolicy::default();
        assert_eq!(p.validate(), Ok(()));
        assert_eq!(p.window_start(t(900)), t(0));
        // (attempts in window, oldest, now, expected)
        let rows = [
            (0, None, 0, Gate::Allowed),
            (19, Some(0), 600, Gate::Allowed),
            (
                20,
                Some(0),
                600,
                Gate::Locked {
                    until: t(900),
                    retry_after_secs: 300,
                },
            ),
            (
                35,
                Some(100),
                600,
                Gate::Locked {
                    until: t(1000),
                    retry_after_secs: 400,
                },
            ),
            (20, Some(0), 900, Gate::Allowed), // oldest left the window
            (
                20,
                None,
                0,
                Gate::Locked {
                    until: t(900),
                    retry_after_secs: 900,
                },
            ),
        ];
        for (count, oldest, now, want) in rows {
            assert_eq!(
                address_gate(&p, count, oldest.map(t), t(now)),
                want,
                "{count} at {now}"
            );
        }
        let bad = ThrottlePolicy {
            max_attempts_per_address: 0,
            ..p
        };
        assert_eq!(bad.validate(), Err(PolicyError::MaxAttempts));
    }
}
