//! The arithmetic of sending politely: Telegram's rate limits (about 30 messages a second overall,
//! about one a second per chat) and the retry schedule after transient failures. Pure: instants
//! are passed in, so the rules are tested without waiting.

use std::collections::HashMap;
use std::time::Duration;

use tokio::time::Instant;

/// Rate limits, in wall-clock time because Telegram counts wall-clock time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pacing {
    /// Messages per second over all chats; 0 means no global limit.
    pub global_per_sec: u32,
    /// Least time between two messages to the same chat.
    pub per_chat_min_interval: Duration,
}

impl Default for Pacing {
    fn default() -> Self {
        Pacing { global_per_sec: 30, per_chat_min_interval: Duration::from_secs(1) }
    }
}

impl Pacing {
    /// No waiting at all (tests and benchmarks that are not about pacing).
    pub fn unlimited() -> Pacing {
        Pacing { global_per_sec: 0, per_chat_min_interval: Duration::ZERO }
    }

    pub fn global_interval(&self) -> Duration {
        if self.global_per_sec == 0 { Duration::ZERO } else { Duration::from_secs(1) / self.global_per_sec }
    }
}

/// Remembers when the last messages went out and says when the next one may.
#[derive(Debug)]
pub struct Pacer {
    pacing: Pacing,
    /// Earliest instant of the next send to any chat (spacing and 429 back-off).
    next_global: Option<Instant>,
    last_per_chat: HashMap<i64, Instant>,
}

impl Pacer {
    pub fn new(pacing: Pacing) -> Pacer {
        Pacer { pacing, next_global: None, last_per_chat: HashMap::new() }
    }

    /// When a message to `chat_id` may go out, considering only that chat's own interval.
    pub fn chat_ready_at(&self, chat_id: i64, now: Instant) -> Instant {
        match self.last_per_chat.get(&chat_id) {
            Some(last) => (*last + self.pacing.per_chat_min_interval).max(now),
            None => now,
        }
    }

    /// When a message to `chat_id` may go out, all limits considered.
    pub fn ready_at(&self, chat_id: i64, now: Instant) -> Instant {
        let chat = self.chat_ready_at(chat_id, now);
        match self.next_global {
            Some(global) => chat.max(global),
            None => chat,
        }
    }

    /// A message to `chat_id` was handed to Telegram at `at`.
    pub fn record_send(&mut self, chat_id: i64, at: Instant) {
        let next = at + self.pacing.global_interval();
        self.next_global = Some(self.next_global.map_or(next, |n| n.max(next)));
        self.last_per_chat.insert(chat_id, at);
        // Forget chats whose interval is long past so the map stays small during a broadcast.
        if self.last_per_chat.len() > 4096 {
            let horizon = self.pacing.per_chat_min_interval;
            self.last_per_chat.retain(|_, last| at.saturating_duration_since(*last) < horizon);
        }
    }

    /// A message scheduled for `scheduled` (by [`Pacer::ready_at`]) went out at `now`, a little later: the
    /// work between the two (a storage write) is not added to every interval, so the pace holds at the
    /// limit; a long delay is not caught up with a burst (at most a quarter interval is made up).
    pub fn record_scheduled_send(&mut self, chat_id: i64, scheduled: Instant, now: Instant) {
        let grace = self.pacing.global_interval() / 4;
        self.record_send(chat_id, scheduled.max(now.checked_sub(grace).unwrap_or(now)).min(now));
    }

    /// Telegram said 429 "retry after": nothing at all goes out before `at + wait`.
    pub fn back_off(&mut self, at: Instant, wait: Duration) {
        let until = at + wait;
        self.next_global = Some(self.next_global.map_or(until, |n| n.max(until)));
    }
}

/// How long to wait after the n-th failed transient attempt, and when to give up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backoff {
    /// Wait after the 1st, 2nd, … failure; the last step repeats.
    pub steps: Vec<Duration>,
    /// After this many failed attempts the message is marked failed.
    pub max_attempts: u32,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff { steps: [5, 30, 120, 600, 3600].into_iter().map(Duration::from_secs).collect(), max_attempts: 8 }
    }
}

impl Backoff {
    /// The wait after `failed_attempts` failures (counting the one just seen), or `None` to give up.
    pub fn delay_after(&self, failed_attempts: u32) -> Option<Duration> {
        if failed_attempts == 0 {
            return Some(Duration::ZERO);
        }
        if failed_attempts >= self.max_attempts {
            return None;
        }
        let index = (failed_attempts as usize - 1).min(self.steps.len().saturating_sub(1));
        Some(self.steps.get(index).copied().unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_backoff_grows_then_repeats_its_last_step_and_gives_up_at_the_eighth_failure() {
        let b = Backoff::default();
        let secs: Vec<Option<u64>> = (1..=8).map(|n| b.delay_after(n).map(|d| d.as_secs())).collect();
        assert_eq!(secs, vec![Some(5), Some(30), Some(120), Some(600), Some(3600), Some(3600), Some(3600), None]);
    }

    #[test]
    fn an_empty_schedule_retries_at_once_until_the_limit() {
        let b = Backoff { steps: vec![], max_attempts: 3 };
        assert_eq!(b.delay_after(1), Some(Duration::ZERO));
        assert_eq!(b.delay_after(2), Some(Duration::ZERO));
        assert_eq!(b.delay_after(3), None);
    }

    #[test]
    fn default_pacing_is_thirty_a_second_and_one_a_second_per_chat() {
        let p = Pacing::default();
        assert_eq!(p.global_interval(), Duration::from_micros(33_333) + Duration::from_nanos(333));
        assert_eq!(p.per_chat_min_interval, Duration::from_secs(1));
        assert_eq!(Pacing::unlimited().global_interval(), Duration::ZERO);
    }

    #[test]
    fn the_same_chat_waits_its_interval_while_other_chats_only_wait_the_global_spacing() {
        let t0 = Instant::now();
        let mut pacer = Pacer::new(Pacing { global_per_sec: 10, per_chat_min_interval: Duration::from_secs(1) });
        assert_eq!(pacer.ready_at(1, t0), t0);
        pacer.record_send(1, t0);
        assert_eq!(pacer.ready_at(1, t0), t0 + Duration::from_secs(1));
        assert_eq!(pacer.ready_at(2, t0), t0 + Duration::from_millis(100));
        assert_eq!(pacer.chat_ready_at(2, t0), t0);
        // Long after, nobody waits.
        let later = t0 + Duration::from_secs(5);
        assert_eq!(pacer.ready_at(1, later), later);
    }

    #[test]
    fn the_work_before_a_send_does_not_slow_the_pace_and_a_long_delay_is_not_caught_up() {
        let t0 = Instant::now();
        let mut pacer = Pacer::new(Pacing { global_per_sec: 10, per_chat_min_interval: Duration::ZERO });
        // Scheduled at t0, sent 5 ms later: the next is due 100 ms after the schedule, not after the send.
        pacer.record_scheduled_send(1, t0, t0 + Duration::from_millis(5));
        assert_eq!(pacer.ready_at(2, t0), t0 + Duration::from_millis(100));
        // Sent 300 ms late: only 25 ms (a quarter interval) is made up.
        let late = t0 + Duration::from_millis(400);
        pacer.record_scheduled_send(2, t0 + Duration::from_millis(100), late);
        assert_eq!(pacer.ready_at(3, late), late + Duration::from_millis(75));
    }

    #[test]
    fn a_429_holds_every_chat_until_the_wait_is_over() {
        let t0 = Instant::now();
        let mut pacer = Pacer::new(Pacing::unlimited());
        pacer.back_off(t0, Duration::from_secs(3));
        assert_eq!(pacer.ready_at(7, t0), t0 + Duration::from_secs(3));
        assert_eq!(pacer.ready_at(8, t0 + Duration::from_secs(1)), t0 + Duration::from_secs(3));
        // A send recorded earlier cannot shorten the back-off.
        pacer.record_send(9, t0);
        assert_eq!(pacer.ready_at(7, t0), t0 + Duration::from_secs(3));
    }
}
