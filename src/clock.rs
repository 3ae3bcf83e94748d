//! Time as a dependency. Everything that asks "what time is it" or waits for a moment goes through a
//! [`Clock`], so tests and `fieldschool chat` can run on a simulated clock and move it forward.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use tokio::sync::watch;

pub type BoxFuture = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + 'static>>;

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
    /// Resolves once `now() >= at`. A simulated clock resolves when it is moved past `at`.
    fn sleep_until(&self, at: DateTime<Utc>) -> BoxFuture;
}

pub type SharedClock = Arc<dyn Clock>;

/// The wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn sleep_until(&self, at: DateTime<Utc>) -> BoxFuture {
        let wait = (at - Utc::now()).to_std().unwrap_or_default();
        Box::pin(tokio::time::sleep(wait))
    }
}

/// The wall clock's pace from a chosen starting instant: `now()` is `start` plus the real time elapsed
/// since the clock was made. `fieldschool run` uses it when `FIELDSCHOOL_CLOCK_START` is set, so a test
/// that starts the binary decides what time it is there (inside quiet hours, in a busy season) while
/// pacing and timeouts still pass in real time.
#[derive(Debug, Clone, Copy)]
pub struct OffsetClock {
    start: DateTime<Utc>,
    started: tokio::time::Instant,
}

impl OffsetClock {
    pub fn starting_at(start: DateTime<Utc>) -> Self {
        Self { start, started: tokio::time::Instant::now() }
    }
}

impl Clock for OffsetClock {
    fn now(&self) -> DateTime<Utc> {
        let elapsed = Duration::from_std(self.started.elapsed()).unwrap_or(Duration::MAX);
        self.start.checked_add_signed(elapsed).unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    fn sleep_until(&self, at: DateTime<Utc>) -> BoxFuture {
        let wait = (at - self.now()).to_std().unwrap_or_default();
        Box::pin(tokio::time::sleep(wait))
    }
}

/// A clock that only moves when told to. Waiters are woken through a watch channel, never by polling.
#[derive(Clone)]
pub struct ManualClock {
    now: Arc<Mutex<DateTime<Utc>>>,
    changed: watch::Sender<DateTime<Utc>>,
}

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        let (changed, _) = watch::channel(start);
        Self { now: Arc::new(Mutex::new(start)), changed }
    }

    pub fn set(&self, to: DateTime<Utc>) {
        *self.now.lock().unwrap_or_else(|e| e.into_inner()) = to;
        self.changed.send_replace(to);
    }

    pub fn advance(&self, by: Duration) {
        let to = self.now() + by;
        self.set(to);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn sleep_until(&self, at: DateTime<Utc>) -> BoxFuture {
        let mut rx = self.changed.subscribe();
        Box::pin(async move {
            // If the sender is gone the clock can never move again: wait forever rather than spin.
            if rx.wait_for(|now| *now >= at).await.is_err() {
                std::future::pending::<()>().await;
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn an_offset_clock_starts_where_it_is_told_and_runs_at_the_real_pace() {
        let start = DateTime::parse_from_rfc3339("2027-03-21T15:00:00Z").unwrap().to_utc();
        let clock = OffsetClock::starting_at(start);
        assert_eq!(clock.now(), start);
        clock.sleep_until(start + Duration::seconds(90)).await;
        assert_eq!(clock.now(), start + Duration::seconds(90));
    }

    #[tokio::test]
    async fn manual_clock_wakes_sleepers_when_moved_past_their_instant() {
        let start = DateTime::parse_from_rfc3339("2026-03-01T00:00:00Z").unwrap().to_utc();
        let clock = ManualClock::new(start);
        let sleeper = tokio::spawn(clock.sleep_until(start + Duration::hours(2)));
        clock.advance(Duration::hours(1));
        tokio::task::yield_now().await;
        assert!(!sleeper.is_finished());
        clock.advance(Duration::hours(1));
        sleeper.await.unwrap();
        assert_eq!(clock.now(), start + Duration::hours(2));
    }
}
