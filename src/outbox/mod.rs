//! The outbox worker: sends what `db::outbox` holds when it is due, at a pace Telegram accepts, and
//! records each outcome.
//!
//! Behaviour:
//! - Due times come from the injected [`Clock`](crate::clock::Clock) (so `ManualClock` drives
//!   tests and chat mode); pacing and Telegram's `retry_after` use real time, as Telegram does.
//! - With nothing due the worker waits for the earliest of: the next due time (or lease expiry),
//!   [`OutboxHandle::wake`], or shutdown. It never polls.
//! - Per chat, messages of one batch go out in queue order, at least `per_chat_min_interval`
//!   apart; other chats fill the gaps up to `global_per_sec`. A message retried after a transient
//!   failure may arrive after later messages to the same chat.
//! - 429 → nothing at all is sent for `retry_after`, then the same message again (not a failure).
//!   5xx / network → retried on the [`Backoff`] schedule, failed after `max_attempts`.
//!   403 → failed, the person marked unreachable, and every other pending message to that chat
//!   cancelled (each would only earn another 403; people who write again are reachable again and
//!   get what is planned from then on). 400 → failed and logged as a bug, never retried.
//! - A message whose `deadline_at` has passed when its turn comes is cancelled, not sent.
//! - Shutdown: the message in flight finishes, unsent claimed rows go back to `pending`.

mod pacing;
mod send;

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::{Notify, broadcast, watch};
use tokio::task::JoinHandle;
use tokio::time::Instant;

pub use crate::db::outbox::{NewMessage, ParseModeKind, Payload, PayloadButton};
pub use pacing::{Backoff, Pacer, Pacing};
pub use send::{Failure, classify, send_payload};

use crate::clock::SharedClock;
use crate::db::{self, Db};

/// What happened to one outbox row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    /// A transient failure; the row is due again at `next_due`.
    Retrying {
        attempts: i64,
        next_due: DateTime<Utc>,
        error: String,
    },
    /// Given up (a 400, or too many transient failures).
    Failed {
        error: String,
    },
    /// Telegram answered 403: the recipient is unreachable.
    Blocked,
    /// Dropped unsent: its deadline passed, or its recipient became unreachable.
    Cancelled {
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEvent {
    pub id: i64,
    pub chat_id: i64,
    pub kind: String,
    pub group_key: Option<String>,
    pub outcome: Outcome,
}

/// Cheap to clone: lets enqueuers wake the worker and observers follow outcomes.
#[derive(Clone, Debug)]
pub struct OutboxHandle {
    notify: Arc<Notify>,
    events: broadcast::Sender<OutboxEvent>,
}

impl OutboxHandle {
    /// Call after committing an enqueue so the worker does not wait for its next due time.
    pub fn wake(&self) {
        // notify_one keeps a permit when the worker is busy, so a wake is never lost.
        self.notify.notify_one();
    }

    /// Per-row outcomes from now on (a slow receiver may miss some: `RecvError::Lagged`).
    pub fn subscribe(&self) -> broadcast::Receiver<OutboxEvent> {
        self.events.subscribe()
    }
}

pub struct OutboxWorker {
    db: Db,
    bot: teloxide::Bot,
    clock: SharedClock,
    notify: Arc<Notify>,
    events: broadcast::Sender<OutboxEvent>,
    pacing: Pacing,
    backoff: Backoff,
    lease: chrono::Duration,
    batch_size: i64,
    worker_id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    Continue,
    Stop,
}

/// Real-time pause after a storage error before trying again.
const STORAGE_ERROR_PAUSE: Duration = Duration::from_secs(2);

impl OutboxWorker {
    pub fn new(db: Db, bot: teloxide::Bot, clock: SharedClock) -> OutboxWorker {
        let (events, _) = broadcast::channel(4096);
        let worker_id = format!("outbox-{}-{:08x}", std::process::id(), rand::random::<u32>());
        OutboxWorker {
            db,
            bot,
            clock,
            notify: Arc::new(Notify::new()),
            events,
            pacing: Pacing::default(),
            backoff: Backoff::default(),
            lease: chrono::Duration::minutes(5),
            batch_size: 50,
            worker_id,
        }
    }

    pub fn with_pacing(mut self, pacing: Pacing) -> OutboxWorker {
        self.pacing = pacing;
        self
    }

    pub fn with_backoff(mut self, backoff: Backoff) -> OutboxWorker {
        self.backoff = backoff;
        self
    }

    /// How long a claimed row stays with this worker before another may take it (default 5 min,
    /// on the injected clock). Renewed while a batch is being paced out.
    pub fn with_lease(mut self, lease: chrono::Duration) -> OutboxWorker {
        self.lease = lease;
        self
    }

    /// Rows claimed at once (default 50).
    pub fn with_batch_size(mut self, batch_size: i64) -> OutboxWorker {
        self.batch_size = batch_size.max(1);
        self
    }

    pub fn with_worker_id(mut self, worker_id: impl Into<String>) -> OutboxWorker {
        self.worker_id = worker_id.into();
        self
    }

    /// Shares an existing wake signal (the one `App` hands to use cases that enqueue).
    pub fn with_wake(mut self, notify: Arc<Notify>) -> OutboxWorker {
        self.notify = notify;
        self
    }

    /// A handle usable before the worker is spawned (e.g. to subscribe to events first).
    pub fn handle(&self) -> OutboxHandle {
        OutboxHandle { notify: self.notify.clone(), events: self.events.clone() }
    }

    /// Runs the worker until `shutdown` turns true (or its sender is dropped).
    pub fn spawn(self, shutdown: watch::Receiver<bool>) -> (OutboxHandle, JoinHandle<()>) {
        let handle = self.handle();
        let join = tokio::spawn(self.run(shutdown));
        (handle, join)
    }

    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let mut pacer = Pacer::new(self.pacing);
        tracing::info!(worker = %self.worker_id, "outbox worker started");
        loop {
            if *shutdown.borrow() {
                break;
            }
            let now = self.clock.now();
            let batch = match db::outbox::claim_due(&self.db, now, self.batch_size, &self.worker_id, self.lease).await {
                Ok(batch) => batch,
                Err(e) => {
                    tracing::error!(error = %e, "outbox: claiming due messages failed");
                    if pause(STORAGE_ERROR_PAUSE, &mut shutdown).await == Flow::Stop {
                        break;
                    }
                    continue;
                }
            };
            let flow = if batch.is_empty() {
                self.wait_for_work(&mut shutdown).await
            } else {
                self.deliver(batch, &mut pacer, &mut shutdown).await
            };
            if flow == Flow::Stop {
                break;
            }
        }
        tracing::info!(worker = %self.worker_id, "outbox worker stopped");
    }

    async fn wait_for_work(&self, shutdown: &mut watch::Receiver<bool>) -> Flow {
        let next = match db::outbox::next_due_at(&self.db).await {
            Ok(next) => next,
            Err(e) => {
                tracing::error!(error = %e, "outbox: reading the next due time failed");
                return pause(STORAGE_ERROR_PAUSE, shutdown).await;
            }
        };
        let now = self.clock.now();
        let timer: crate::clock::BoxFuture = match next {
            Some(at) if at > now => self.clock.sleep_until(at),
            // Due yet not claimable: another worker holds it. Look again shortly rather than spin.
            Some(_) => Box::pin(tokio::time::sleep(Duration::from_secs(1))),
            None => Box::pin(std::future::pending()),
        };
        tokio::select! {
            _ = timer => Flow::Continue,
            _ = self.notify.notified() => Flow::Continue,
            changed = shutdown.changed() => stop_if_shutdown(changed, shutdown),
        }
    }

    async fn deliver(
        &self,
        batch: Vec<db::outbox::Claimed>,
        pacer: &mut Pacer,
        shutdown: &mut watch::Receiver<bool>,
    ) -> Flow {
        let mut lease_until = batch.iter().map(|c| c.claimed_until).min().unwrap_or_else(|| self.clock.now());
        let mut queue: VecDeque<db::outbox::Claimed> = batch.into();
        while !queue.is_empty() {
            if *shutdown.borrow() {
                self.release(&queue).await;
                return Flow::Stop;
            }
            let Some((index, ready)) = next_in_turn(&queue, pacer, Instant::now()) else { break };
            if ready > Instant::now() {
                tokio::select! {
                    _ = tokio::time::sleep_until(ready) => {}
                    changed = shutdown.changed() => {
                        if stop_if_shutdown(changed, shutdown) == Flow::Stop {
                            self.release(&queue).await;
                            return Flow::Stop;
                        }
                    }
                }
                continue;
            }
            let Some(row) = queue.remove(index) else { break };
            let now = self.clock.now();
            if let Some(deadline) = row.deadline_at
                && deadline < now
            {
                self.record(db::outbox::mark_cancelled(&self.db, row.id, "deadline passed").await, row.id);
                self.emit(&row, Outcome::Cancelled { reason: "deadline passed".to_owned() });
                continue;
            }
            if now + self.lease / 2 >= lease_until {
                lease_until = now + self.lease;
                let mut ids: Vec<i64> = queue.iter().map(|c| c.id).collect();
                ids.push(row.id);
                self.record(db::outbox::extend_lease(&self.db, &ids, &self.worker_id, lease_until).await, row.id);
            }
            match self.send_one(&row, pacer, shutdown).await {
                Some(Failure::Unreachable(_)) => {
                    // The rest of this batch for that chat would only earn more 403s.
                    let (dropped, kept): (Vec<_>, Vec<_>) = queue.drain(..).partition(|c| c.chat_id == row.chat_id);
                    queue = kept.into();
                    for other in dropped {
                        let reason = "recipient unreachable";
                        self.record(db::outbox::mark_cancelled(&self.db, other.id, reason).await, other.id);
                        self.emit(&other, Outcome::Cancelled { reason: reason.to_owned() });
                    }
                }
                Some(Failure::RetryAfter(_)) => {
                    // Shutdown arrived during a 429 wait; the row was not sent.
                    queue.push_front(row);
                    self.release(&queue).await;
                    return Flow::Stop;
                }
                _ => {}
            }
        }
        Flow::Continue
    }

    /// Sends one row and records its outcome. Returns the failure, if any; `RetryAfter` only when
    /// shutdown interrupted the wait (the row is then still claimed and unsent).
    async fn send_one(
        &self,
        row: &db::outbox::Claimed,
        pacer: &mut Pacer,
        shutdown: &mut watch::Receiver<bool>,
    ) -> Option<Failure> {
        loop {
            let started = Instant::now();
            let result = send_payload(&self.bot, row.chat_id, &row.payload).await;
            let now = self.clock.now();
            let failure = match result {
                Ok(()) => {
                    pacer.record_send(row.chat_id, started);
                    self.record(db::outbox::mark_sent(&self.db, row.id, now).await, row.id);
                    self.emit(row, Outcome::Sent);
                    return None;
                }
                Err(failure) => failure,
            };
            match &failure {
                Failure::RetryAfter(wait) => {
                    tracing::warn!(
                        id = row.id,
                        chat = row.chat_id,
                        wait_s = wait.as_secs(),
                        "outbox: 429, backing off"
                    );
                    pacer.back_off(Instant::now(), *wait);
                    let resume = Instant::now() + *wait;
                    tokio::select! {
                        _ = tokio::time::sleep_until(resume) => continue,
                        changed = shutdown.changed() => {
                            if stop_if_shutdown(changed, shutdown) == Flow::Stop {
                                return Some(failure);
                            }
                            // A spurious change: finish the wait before trying again.
                            tokio::time::sleep_until(resume).await;
                            continue;
                        }
                    }
                }
                Failure::Transient(error) => {
                    pacer.record_send(row.chat_id, started);
                    let attempts = row.attempts + 1;
                    match self.backoff.delay_after(u32::try_from(attempts).unwrap_or(u32::MAX)) {
                        Some(delay) => {
                            let next_due =
                                now + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::hours(1));
                            tracing::warn!(id = row.id, chat = row.chat_id, attempts, %error, "outbox: will retry");
                            self.record(db::outbox::mark_retry(&self.db, row.id, next_due, error).await, row.id);
                            self.emit(row, Outcome::Retrying { attempts, next_due, error: error.clone() });
                        }
                        None => {
                            tracing::error!(id = row.id, chat = row.chat_id, attempts, %error, "outbox: giving up");
                            self.record(db::outbox::mark_failed(&self.db, row.id, error).await, row.id);
                            self.emit(row, Outcome::Failed { error: error.clone() });
                        }
                    }
                }
                Failure::Unreachable(error) => {
                    pacer.record_send(row.chat_id, started);
                    tracing::info!(id = row.id, chat = row.chat_id, %error, "outbox: recipient unreachable");
                    self.record(db::outbox::mark_failed(&self.db, row.id, error).await, row.id);
                    self.record(db::people::mark_unreachable(&self.db, row.chat_id, now).await, row.id);
                    match db::outbox::cancel_for_chat(&self.db, row.chat_id, "recipient unreachable").await {
                        Ok(cancelled) => {
                            for other in cancelled {
                                let _ = self.events.send(OutboxEvent {
                                    id: other.id,
                                    chat_id: row.chat_id,
                                    kind: other.kind,
                                    group_key: other.group_key,
                                    outcome: Outcome::Cancelled { reason: "recipient unreachable".to_owned() },
                                });
                            }
                        }
                        Err(e) => tracing::error!(chat = row.chat_id, error = %e, "outbox: cancelling failed"),
                    }
                    self.emit(row, Outcome::Blocked);
                }
                Failure::Permanent(error) => {
                    pacer.record_send(row.chat_id, started);
                    // Telegram refused the message itself: a bug in whoever rendered it.
                    tracing::error!(id = row.id, chat = row.chat_id, kind = %row.kind, %error, "outbox: message refused");
                    self.record(db::outbox::mark_failed(&self.db, row.id, error).await, row.id);
                    self.emit(row, Outcome::Failed { error: error.clone() });
                }
            }
            return Some(failure);
        }
    }

    async fn release(&self, queue: &VecDeque<db::outbox::Claimed>) {
        let ids: Vec<i64> = queue.iter().map(|c| c.id).collect();
        if ids.is_empty() {
            return;
        }
        if let Err(e) = db::outbox::release(&self.db, &ids, &self.worker_id).await {
            // Not fatal: the leases expire and another run picks the rows up.
            tracing::warn!(error = %e, "outbox: releasing unsent rows failed");
        }
    }

    fn record<T>(&self, result: sqlx::Result<T>, id: i64) {
        if let Err(e) = result {
            // The row stays leased; after the lease it is sent again (at most this one twice).
            tracing::error!(id, error = %e, "outbox: recording an outcome failed");
        }
    }

    fn emit(&self, row: &db::outbox::Claimed, outcome: Outcome) {
        // No subscriber is fine.
        let _ = self.events.send(OutboxEvent {
            id: row.id,
            chat_id: row.chat_id,
            kind: row.kind.clone(),
            group_key: row.group_key.clone(),
            outcome,
        });
    }
}

/// The row to send next: for each chat only its earliest row in the batch (keeping per-chat
/// order), and among those the one that may go out soonest (queue order breaks ties).
fn next_in_turn(queue: &VecDeque<db::outbox::Claimed>, pacer: &Pacer, now: Instant) -> Option<(usize, Instant)> {
    let mut seen = HashSet::new();
    let mut best: Option<(usize, Instant)> = None;
    for (index, row) in queue.iter().enumerate() {
        if !seen.insert(row.chat_id) {
            continue;
        }
        let ready = pacer.ready_at(row.chat_id, now);
        if best.is_none_or(|(_, b)| ready < b) {
            best = Some((index, ready));
            if ready <= now {
                break;
            }
        }
    }
    best
}

fn stop_if_shutdown(changed: Result<(), watch::error::RecvError>, shutdown: &watch::Receiver<bool>) -> Flow {
    // A dropped sender means nobody can ask us to stop any more: treat it as a stop.
    if changed.is_err() || *shutdown.borrow() { Flow::Stop } else { Flow::Continue }
}

async fn pause(wait: Duration, shutdown: &mut watch::Receiver<bool>) -> Flow {
    tokio::select! {
        _ = tokio::time::sleep(wait) => Flow::Continue,
        changed = shutdown.changed() => stop_if_shutdown(changed, shutdown),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::outbox::Claimed;

    fn row(id: i64, chat_id: i64) -> Claimed {
        Claimed {
            id,
            chat_id,
            kind: "notice".into(),
            payload: Payload::text("x"),
            dedupe_key: None,
            group_key: None,
            planned_at: DateTime::default(),
            due_at: DateTime::default(),
            deadline_at: None,
            attempts: 0,
            claimed_until: DateTime::default(),
        }
    }

    #[test]
    fn a_chat_waiting_its_interval_lets_other_chats_go_first_but_keeps_its_own_order() {
        let t0 = Instant::now();
        let mut pacer = Pacer::new(Pacing { global_per_sec: 0, per_chat_min_interval: Duration::from_secs(1) });
        pacer.record_send(1, t0);
        let queue: VecDeque<Claimed> = vec![row(10, 1), row(11, 1), row(12, 2), row(13, 2)].into();
        // Chat 1 must wait; chat 2's first row goes now, never its second before its first.
        assert_eq!(next_in_turn(&queue, &pacer, t0), Some((2, t0)));
        let only_chat_1: VecDeque<Claimed> = vec![row(10, 1), row(11, 1)].into();
        assert_eq!(next_in_turn(&only_chat_1, &pacer, t0), Some((0, t0 + Duration::from_secs(1))));
        assert_eq!(next_in_turn(&VecDeque::new(), &pacer, t0), None);
    }
}
