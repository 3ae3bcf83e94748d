//! Flood control: one chat sending faster than a person can (a stuck client, a script, a finger on
//! the button) is slowed down for that chat only, where its updates are taken from the inbox.
//!
//! Each chat has a token bucket: [`FloodLimit::burst`] updates at once, refilled evenly over
//! [`FloodLimit::window`] (default 20 per 10 s). A person who taps twice, or types a few lines quickly,
//! never comes near it. An update that finds the bucket empty is **dropped**: marked handled without
//! running the handler tree, logged, and answered (a button press is answered so its spinner stops).
//! Delaying instead would let a flood pile up behind itself and keep the chat's replies minutes late;
//! dropping keeps the chat responsive the moment it sends at a human pace again. So that nothing is
//! lost silently, the chat is told once — "please wait, then send again" — and not again for a minute
//! (of the injected clock), however long the flood lasts. Other chats are not touched: their updates
//! are claimed by other workers and never wait on this bucket.
//!
//! The buckets live in memory, per process (replicas each keep their own: a flood spread over them is
//! still slowed by each). The clock is the programme's (`App::clock`), so tests drive it by hand.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

/// How fast one chat may send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FloodLimit {
    /// Updates a chat may send at once; 0 turns flood control off.
    pub burst: u32,
    /// The time over which a spent bucket fills up again.
    pub window: std::time::Duration,
}

impl Default for FloodLimit {
    fn default() -> Self {
        FloodLimit { burst: 20, window: std::time::Duration::from_secs(10) }
    }
}

/// What to do with one update of a chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Handle it.
    Pass,
    /// Drop it; `notify`: tell the chat to slow down (at most once a minute).
    Drop { notify: bool },
}

/// Least time between two "please wait" notices to one chat.
pub const NOTICE_EVERY: Duration = Duration::minutes(1);

/// Buckets this size and larger are pruned of chats that are full again.
const PRUNE_AT: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: DateTime<Utc>,
    last_notice: Option<DateTime<Utc>>,
}

/// The buckets of every chat this process has seen lately.
#[derive(Debug)]
pub struct FloodGate {
    limit: FloodLimit,
    buckets: Mutex<HashMap<i64, Bucket>>,
}

impl FloodGate {
    pub fn new(limit: FloodLimit) -> FloodGate {
        FloodGate { limit, buckets: Mutex::new(HashMap::new()) }
    }

    fn per_second(&self) -> f64 {
        f64::from(self.limit.burst) / self.limit.window.as_secs_f64().max(0.001)
    }

    /// Takes one token of `chat`'s bucket at `now`.
    pub fn admit(&self, chat: i64, now: DateTime<Utc>) -> Verdict {
        if self.limit.burst == 0 {
            return Verdict::Pass;
        }
        let burst = f64::from(self.limit.burst);
        let rate = self.per_second();
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() >= PRUNE_AT {
            buckets.retain(|_, b| b.tokens + refill(b.at, now, rate) < burst);
        }
        let bucket = buckets.entry(chat).or_insert(Bucket { tokens: burst, at: now, last_notice: None });
        // A clock set back (tests, a corrected system clock) refills nothing and takes nothing back.
        bucket.tokens = (bucket.tokens + refill(bucket.at, now, rate)).min(burst);
        bucket.at = bucket.at.max(now);
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            return Verdict::Pass;
        }
        let notify = bucket.last_notice.is_none_or(|last| now - last >= NOTICE_EVERY || now < last);
        if notify {
            bucket.last_notice = Some(now);
        }
        Verdict::Drop { notify }
    }
}

fn refill(from: DateTime<Utc>, to: DateTime<Utc>, per_second: f64) -> f64 {
    let elapsed = (to - from).num_milliseconds().max(0) as f64 / 1000.0;
    elapsed * per_second
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-01T09:00:00+08:00").unwrap().to_utc()
    }

    #[test]
    fn a_hundred_at_once_pass_twenty_and_notify_once() {
        let gate = FloodGate::new(FloodLimit::default());
        let verdicts: Vec<Verdict> = (0..100).map(|_| gate.admit(1, t0())).collect();
        assert_eq!(verdicts.iter().filter(|v| **v == Verdict::Pass).count(), 20);
        assert_eq!(verdicts.iter().filter(|v| **v == Verdict::Drop { notify: true }).count(), 1);
        assert_eq!(verdicts[20], Verdict::Drop { notify: true }, "the first dropped one tells");
    }

    #[test]
    fn another_chat_is_not_touched() {
        let gate = FloodGate::new(FloodLimit::default());
        for _ in 0..100 {
            gate.admit(1, t0());
        }
        assert_eq!(gate.admit(2, t0()), Verdict::Pass);
    }

    #[test]
    fn the_bucket_refills_over_the_window_and_the_notice_waits_a_minute() {
        let gate = FloodGate::new(FloodLimit::default());
        for _ in 0..21 {
            gate.admit(1, t0());
        }
        // Half a second later one token is back (20 per 10 s), and taken.
        let later = t0() + Duration::milliseconds(500);
        assert_eq!(gate.admit(1, later), Verdict::Pass);
        assert_eq!(gate.admit(1, later), Verdict::Drop { notify: false });
        // 59 s after the notice: still quiet, although the flood goes on.
        let t = t0() + Duration::seconds(59);
        for _ in 0..30 {
            gate.admit(1, t);
        }
        assert!((0..10).all(|_| gate.admit(1, t) == Verdict::Drop { notify: false }));
        // A minute after the notice the next dropped update tells again.
        let t = t0() + Duration::seconds(60);
        let told = (0..40).filter(|_| gate.admit(1, t) == Verdict::Drop { notify: true }).count();
        assert_eq!(told, 1);
    }

    #[test]
    fn a_person_tapping_twice_fast_is_never_slowed() {
        let gate = FloodGate::new(FloodLimit::default());
        // Two taps every second for a minute: well under 20 per 10 s.
        for s in 0..60 {
            let t = t0() + Duration::seconds(s);
            assert_eq!(gate.admit(1, t), Verdict::Pass);
            assert_eq!(gate.admit(1, t + Duration::milliseconds(200)), Verdict::Pass);
        }
    }

    #[test]
    fn a_burst_of_zero_turns_it_off() {
        let gate = FloodGate::new(FloodLimit { burst: 0, window: std::time::Duration::from_secs(10) });
        assert!((0..1000).all(|_| gate.admit(1, t0()) == Verdict::Pass));
    }
}
