//! The outbox worker: sends what `db::outbox` holds when it is due, at a pace Telegram accepts, and
//! records each outcome.
//!
//! Behaviour:
//! - Due times come from the injected [`Clock`](crate::clock::Clock) (so `ManualClock` drives
//!   tests and chat mode); pacing and Telegram's `retry_after` use real time, as Telegram does.
//! - With nothing due the worker waits for the earliest of: the next due time (or lease expiry),
//!   [`OutboxHandle::wake`], or shutdown. It never polls.
//! - The gate is asked again as each row's turn comes: a row that fell due while the bot was down (or
//!   whose recipient paused since) and may not go now is re-planned to the gate's next instant; a
//!   reminder whose session has begun is dropped.
//! - Several calls are in flight at once (up to `max_in_flight`), each started within the pacing limits:
//!   a slow or failing answer (teloxide sleeps 10 s on any 5xx before it reports one) delays only its own
//!   message. Per chat, one call at a time, in queue order, at least `per_chat_min_interval` apart; other
//!   chats fill the gaps up to `global_per_sec`. A message retried after a transient failure may arrive
//!   after later messages to the same chat.
//! - 429 → nothing new is started for `retry_after`, then the same message again (not a failure).
//!   5xx / network → retried on the [`Backoff`] schedule, failed after `max_attempts`.
//!   403 → failed, the person marked unreachable, and every other pending message to that chat
//!   cancelled (each would only earn another 403; people who write again are reachable again and
//!   get what is planned from then on). 400 → failed and logged as a bug, never retried.
//! - A message whose `deadline_at` has passed when its turn comes is cancelled, not sent.
//! - Never twice: a row's call is marked as begun just before it is made. Rows of a dead worker go back
//!   to the queue, except those whose call had begun: Telegram may have delivered them, so they are
//!   settled as failed with [`INTERRUPTED`](crate::db::outbox::INTERRUPTED) (a broadcast report lists
//!   them as unconfirmed) rather than sent again.
//! - A worker identity outlives its process: a process that starts as the identity of a dead
//!   predecessor (same host, process gone) takes its claims back at once; other workers' claims come
//!   back when their lease runs out.
//! - Shutdown: calls in flight finish and are recorded, unsent claimed rows go back to `pending`.

mod pacing;
mod send;

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::{Notify, broadcast, watch};
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::Instant;

pub use crate::db::outbox::{NewMessage, ParseModeKind, Payload, PayloadButton};
pub use pacing::{Backoff, Pacer, Pacing};
pub use send::{Failure, classify, send_payload};

use crate::clock::SharedClock;
use crate::db::{self, Db};
use crate::domain::calendar::RegionCalendar;
use crate::domain::gate::{self, AtSendTime};

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
    /// Given up (a 400, too many transient failures, or a call cut off by a crash).
    Failed {
        error: String,
    },
    /// Telegram answered 403: the recipient is unreachable.
    Blocked,
    /// Dropped unsent: its deadline passed, the gate found no time for it, or its recipient became
    /// unreachable.
    Cancelled {
        reason: String,
    },
    /// Its turn came when the gate does not allow it (quiet hours, a busy day, a pause): due again then.
    Replanned {
        due_at: DateTime<Utc>,
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
    max_in_flight: usize,
    worker_id: String,
    default_timezone: chrono_tz::Tz,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    Continue,
    Stop,
}

/// Real-time pause after a storage error before trying again.
const STORAGE_ERROR_PAUSE: Duration = Duration::from_secs(2);

/// The message just sent is now the latest in its chat: typing one of its button labels presses that
/// button (`db::keyboards`). Failure only costs typed labels their meaning.
async fn remember_keyboard(db: &Db, clock: &SharedClock, row: &db::outbox::Claimed) {
    let buttons = row.payload.buttons.iter().flatten().map(|b| (b.text.clone(), b.callback_data.clone())).collect();
    let keyboard = db::keyboards::ScreenKeyboard { message_id: None, buttons };
    if let Err(e) = db::keyboards::save(db, row.chat_id, &keyboard, clock.now()).await {
        tracing::warn!(chat = row.chat_id, error = %e, "outbox: recording the keyboard on screen");
    }
}

/// A call that has come back.
struct Answered {
    row: db::outbox::Claimed,
    result: Result<(), Failure>,
}

/// The facts the gate needs for the rows at hand: each recipient's village and pause, and the calendars
/// of those villages.
#[derive(Default)]
struct SendFacts {
    people: HashMap<i64, (Option<String>, Option<DateTime<Utc>>)>,
    calendars: HashMap<String, Option<RegionCalendar>>,
}

/// What the worker holds between turns: claimed rows waiting for their turn and calls in flight.
#[derive(Default)]
struct Work {
    queue: VecDeque<db::outbox::Claimed>,
    in_flight: JoinSet<Answered>,
    /// Row id → chat of each call in flight.
    flying: HashMap<i64, i64>,
    facts: SendFacts,
    /// The earliest lease end among rows held.
    lease_until: Option<DateTime<Utc>>,
    stopping: bool,
}

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
            max_in_flight: 64,
            worker_id,
            default_timezone: chrono_tz::Asia::Shanghai,
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

    /// Calls in flight at once (default 64: at 30 a second that leaves room for many slow answers).
    pub fn with_max_in_flight(mut self, calls: usize) -> OutboxWorker {
        self.max_in_flight = calls.max(1);
        self
    }

    /// The worker's identity: claims are made in its name, and a process starting under the name of a
    /// dead predecessor takes those claims back at once. Two live processes must not share one.
    pub fn with_worker_id(mut self, worker_id: impl Into<String>) -> OutboxWorker {
        self.worker_id = worker_id.into();
        self
    }

    /// The time zone that times messages to chats of nobody registered (default Asia/Shanghai).
    pub fn with_default_timezone(mut self, tz: chrono_tz::Tz) -> OutboxWorker {
        self.default_timezone = tz;
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

    pub async fn run(mut self, mut shutdown: watch::Receiver<bool>) {
        let mut pacer = Pacer::new(self.pacing);
        self.take_over_identity().await;
        tracing::info!(worker = %self.worker_id, "outbox worker started");
        let mut work = Work::default();
        loop {
            let flow = self.step(&mut work, &mut pacer, &mut shutdown).await;
            if flow == Flow::Stop {
                break;
            }
        }
        tracing::info!(worker = %self.worker_id, "outbox worker stopped");
    }

    /// Takes this worker's name over from a dead predecessor (its claims come back at once). If a live
    /// process on this host holds the name, works under a name of its own instead.
    async fn take_over_identity(&mut self) {
        let host = host_name();
        let pid = i64::from(std::process::id());
        match db::outbox::worker_holder(&self.db, &self.worker_id).await {
            Ok(Some((their_host, their_pid))) if their_host == host && their_pid != pid && process_alive(their_pid) => {
                let own = format!("{}-{pid}", self.worker_id);
                tracing::warn!(
                    worker = %self.worker_id,
                    holder = their_pid,
                    "outbox: another live process uses this worker id; working as {own} (set FIELDSCHOOL_WORKER_ID per process)"
                );
                self.worker_id = own;
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "outbox: reading the worker registry failed"),
        }
        let (db, worker_id, now) = (self.db.clone(), self.worker_id.clone(), self.clock.now());
        let taking_over = tokio::spawn(async move { db::outbox::take_over(&db, &worker_id, &host, pid, now).await });
        match taking_over.await.map_err(|e| sqlx::Error::Protocol(format!("take-over task: {e}"))).and_then(|r| r) {
            Ok(interrupted) => self.report_interrupted(interrupted),
            // Not fatal: the predecessor's leases run out and its rows come back then.
            Err(e) => tracing::error!(error = %e, "outbox: taking over the worker id failed"),
        }
    }

    fn report_interrupted(&self, rows: Vec<db::outbox::CancelledRow>) {
        for row in rows {
            tracing::warn!(id = row.id, kind = %row.kind, "outbox: a call was cut off by a crash; not sent again");
            let _ = self.events.send(OutboxEvent {
                id: row.id,
                chat_id: row.chat_id,
                kind: row.kind,
                group_key: row.group_key,
                outcome: Outcome::Failed { error: db::outbox::INTERRUPTED.to_owned() },
            });
        }
    }

    /// Each recipient's village and pause, and the calendars of those villages, added to `facts`.
    async fn load_send_facts(&self, batch: &[db::outbox::Claimed], facts: &mut SendFacts) -> sqlx::Result<()> {
        let chats: Vec<i64> = batch.iter().map(|c| c.chat_id).collect::<HashSet<_>>().into_iter().collect();
        let people = db::people::send_facts(&self.db, &chats).await?;
        let catalog = self.db.catalog().await?;
        for (village, _) in people.values() {
            if let Some(village) = village
                && !facts.calendars.contains_key(village)
            {
                facts.calendars.insert(village.clone(), catalog.calendar(village));
            }
        }
        facts.people.extend(people);
        Ok(())
    }

    /// Claims more rows when the queue has run dry and there is room for more calls: so the next rows
    /// go while slow calls of the last batch are still out. `Ok(false)`: nothing was due.
    async fn refill(&self, work: &mut Work) -> sqlx::Result<bool> {
        let now = self.clock.now();
        let (db, batch_size, worker_id, lease) = (self.db.clone(), self.batch_size, self.worker_id.clone(), self.lease);
        // In a task of its own: a worker cancelled mid-claim must not leave the transaction open (on
        // SQLite that would hold the write lock until the connection is next used).
        let claim = tokio::spawn(async move { db::outbox::claim_due(&db, now, batch_size, &worker_id, lease).await })
            .await
            .map_err(|e| sqlx::Error::Protocol(format!("claim task: {e}")))??;
        self.report_interrupted(claim.interrupted);
        if claim.rows.is_empty() {
            return Ok(false);
        }
        if work.queue.is_empty() && work.flying.is_empty() {
            // Idle before this batch: read every recipient and calendar afresh.
            work.facts = SendFacts::default();
        }
        if let Err(e) = self.load_send_facts(&claim.rows, &mut work.facts).await {
            self.release(&claim.rows.into()).await;
            return Err(e);
        }
        let lease_ends = claim.rows.iter().map(|c| c.claimed_until).min();
        work.lease_until = match (work.lease_until, lease_ends) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        work.queue.extend(claim.rows);
        Ok(true)
    }

    /// One turn of the worker: claim, start a call, record an answer, or wait for whichever comes first.
    async fn step(&self, work: &mut Work, pacer: &mut Pacer, shutdown: &mut watch::Receiver<bool>) -> Flow {
        if !work.stopping && *shutdown.borrow() {
            self.begin_stopping(work).await;
        }
        if work.stopping && work.in_flight.is_empty() {
            return Flow::Stop;
        }
        if !work.stopping && work.queue.is_empty() && work.in_flight.len() < self.max_in_flight {
            match self.refill(work).await {
                Ok(_) => {}
                Err(e) => {
                    tracing::error!(error = %e, "outbox: claiming due messages failed");
                    if work.in_flight.is_empty() {
                        return pause(STORAGE_ERROR_PAUSE, shutdown).await;
                    }
                }
            }
        }
        self.renew_lease(work).await;
        let busy: HashSet<i64> = work.flying.values().copied().collect();
        let next = if work.in_flight.len() < self.max_in_flight {
            next_in_turn(&work.queue, &busy, pacer, Instant::now())
        } else {
            None
        };
        if let Some((index, ready)) = next
            && ready <= Instant::now()
        {
            let Some(row) = work.queue.remove(index) else { return Flow::Continue };
            if let Some(row) = self.check_before_sending(row, &work.facts).await {
                pacer.record_scheduled_send(row.chat_id, ready, Instant::now());
                work.flying.insert(row.id, row.chat_id);
                let bot = self.bot.clone();
                let (db, clock) = (self.db.clone(), self.clock.clone());
                let now = clock.now();
                work.in_flight.spawn(async move {
                    let payload = row.payload.at(now);
                    let result = send_payload(&bot, row.chat_id, &payload).await;
                    if result.is_ok() && !row.payload.buttons.is_empty() {
                        remember_keyboard(&db, &clock, &row).await;
                    }
                    Answered { row, result }
                });
            }
            return Flow::Continue;
        }
        // Nothing to start now. With an empty queue, the next due row (or a wake) may bring more work.
        let idle_timer: crate::clock::BoxFuture = match next {
            Some((_, ready)) => Box::pin(tokio::time::sleep_until(ready)),
            None if work.queue.is_empty() && !work.stopping => match self.next_due_timer().await {
                Ok(timer) => timer,
                Err(e) => {
                    tracing::error!(error = %e, "outbox: reading the next due time failed");
                    Box::pin(tokio::time::sleep(STORAGE_ERROR_PAUSE))
                }
            },
            None => Box::pin(std::future::pending()),
        };
        let watching_for_more = work.queue.is_empty() && !work.stopping;
        tokio::select! {
            Some(joined) = work.in_flight.join_next(), if !work.in_flight.is_empty() => {
                match joined {
                    Ok(answered) => {
                        work.flying.remove(&answered.row.id);
                        self.settle(answered, &mut work.queue, pacer).await;
                    }
                    // A call that panicked: its row stays leased and is settled when the lease runs out.
                    Err(e) => tracing::error!(error = %e, "outbox: a send task failed"),
                }
            }
            _ = idle_timer => {}
            _ = self.notify.notified(), if watching_for_more => {}
            changed = shutdown.changed(), if !work.stopping => {
                if stop_if_shutdown(changed, shutdown) == Flow::Stop {
                    self.begin_stopping(work).await;
                }
            }
        }
        Flow::Continue
    }

    /// No new calls from now on; claimed rows not yet started go back to the queue. Calls in flight
    /// finish and are recorded.
    async fn begin_stopping(&self, work: &mut Work) {
        work.stopping = true;
        self.release(&work.queue).await;
        work.queue.clear();
    }

    /// Keeps the lease of rows still queued or in flight (a long pacing wait must not let another worker
    /// take them).
    async fn renew_lease(&self, work: &mut Work) {
        let now = self.clock.now();
        let Some(until) = work.lease_until else { return };
        if work.queue.is_empty() && work.flying.is_empty() {
            work.lease_until = None;
            return;
        }
        if now + self.lease / 2 < until {
            return;
        }
        let until = now + self.lease;
        let ids: Vec<i64> = work.queue.iter().map(|c| c.id).chain(work.flying.keys().copied()).collect();
        self.record(db::outbox::extend_lease(&self.db, &ids, &self.worker_id, until).await, 0);
        work.lease_until = Some(until);
    }

    /// Resolves when the next row falls due (or a lease runs out); never when nothing is queued.
    async fn next_due_timer(&self) -> sqlx::Result<crate::clock::BoxFuture> {
        let next = db::outbox::next_due_at(&self.db).await?;
        let now = self.clock.now();
        Ok(match next {
            Some(at) if at > now => self.clock.sleep_until(at),
            // Due yet not claimable: another worker holds it. Look again shortly rather than spin.
            Some(_) => Box::pin(tokio::time::sleep(Duration::from_secs(1))),
            None => Box::pin(std::future::pending()),
        })
    }

    /// The checks as a row's turn comes: its deadline, the gate asked again, and that it is still this
    /// worker's (then its call is marked as begun). Returns the row when it is to be sent now.
    async fn check_before_sending(&self, row: db::outbox::Claimed, facts: &SendFacts) -> Option<db::outbox::Claimed> {
        let now = self.clock.now();
        if let Some(deadline) = row.deadline_at
            && deadline < now
        {
            self.cancel(&row, "deadline passed").await;
            return None;
        }
        let (village, paused) = facts.people.get(&row.chat_id).cloned().unwrap_or_default();
        let fallback;
        let calendar = match village.as_ref().and_then(|v| facts.calendars.get(v)).and_then(Option::as_ref) {
            Some(calendar) => calendar,
            None => {
                fallback = RegionCalendar::new(self.default_timezone, "", &[], false);
                &fallback
            }
        };
        let recipient = row.rule.recipient(paused);
        match gate::at_send_time(calendar, &recipient, &row.rule.kind, row.due_at, now) {
            AtSendTime::SendNow => {}
            AtSendTime::WaitUntil(due_at) => {
                tracing::info!(id = row.id, chat = row.chat_id, %due_at, "outbox: not allowed now; re-planned");
                self.record(db::outbox::replan(&self.db, row.id, due_at).await, row.id);
                self.emit(&row, Outcome::Replanned { due_at });
                return None;
            }
            AtSendTime::Drop(reason) => {
                let reason = match reason {
                    gate::DropReason::ReminderTooLate => "session began before the reminder could go",
                    gate::DropReason::NoAllowedTime => "no allowed time",
                };
                self.cancel(&row, reason).await;
                return None;
            }
        }
        match db::outbox::mark_started(&self.db, row.id, &self.worker_id, now).await {
            Ok(true) => Some(row),
            Ok(false) => {
                tracing::warn!(id = row.id, "outbox: lease lost before sending; left to its new holder");
                None
            }
            Err(e) => {
                // Unsure whether the mark landed: do not send; the lease brings it back.
                tracing::error!(id = row.id, error = %e, "outbox: marking a send as begun failed");
                None
            }
        }
    }

    async fn cancel(&self, row: &db::outbox::Claimed, reason: &str) {
        self.record(db::outbox::mark_cancelled(&self.db, row.id, reason).await, row.id);
        self.emit(row, Outcome::Cancelled { reason: reason.to_owned() });
    }

    /// Records what Telegram answered for one row.
    async fn settle(&self, answered: Answered, queue: &mut VecDeque<db::outbox::Claimed>, pacer: &mut Pacer) {
        let Answered { row, result } = answered;
        let now = self.clock.now();
        let failure = match result {
            Ok(()) => {
                self.record(db::outbox::mark_sent(&self.db, row.id, now).await, row.id);
                self.emit(&row, Outcome::Sent);
                return;
            }
            Err(failure) => failure,
        };
        match failure {
            Failure::RetryAfter(wait) => {
                tracing::warn!(id = row.id, chat = row.chat_id, wait_s = wait.as_secs(), "outbox: 429, backing off");
                pacer.back_off(Instant::now(), wait);
                crate::metrics::outbox_rate_limited();
                // Refused, not delivered: the same row goes again first for its chat, after the wait.
                self.record(db::outbox::unmark_started(&self.db, row.id).await, row.id);
                queue.push_front(row);
            }
            Failure::Transient(error) => {
                let attempts = row.attempts + 1;
                match self.backoff.delay_after(u32::try_from(attempts).unwrap_or(u32::MAX)) {
                    Some(delay) => {
                        let next_due = now + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::hours(1));
                        tracing::warn!(id = row.id, chat = row.chat_id, attempts, %error, "outbox: will retry");
                        self.record(db::outbox::mark_retry(&self.db, row.id, next_due, &error).await, row.id);
                        self.emit(&row, Outcome::Retrying { attempts, next_due, error });
                    }
                    None => {
                        tracing::error!(id = row.id, chat = row.chat_id, attempts, %error, "outbox: giving up");
                        self.record(db::outbox::mark_failed(&self.db, row.id, &error).await, row.id);
                        self.emit(&row, Outcome::Failed { error });
                    }
                }
            }
            Failure::Unreachable(error) => {
                tracing::info!(id = row.id, chat = row.chat_id, %error, "outbox: recipient unreachable");
                self.record(db::outbox::mark_failed(&self.db, row.id, &error).await, row.id);
                self.record(db::people::mark_unreachable(&self.db, row.chat_id, now).await, row.id);
                // The rest of this batch for that chat would only earn more 403s.
                let (dropped, kept): (Vec<_>, Vec<_>) = queue.drain(..).partition(|c| c.chat_id == row.chat_id);
                *queue = kept.into();
                for other in dropped {
                    self.cancel(&other, "recipient unreachable").await;
                }
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
                self.emit(&row, Outcome::Blocked);
            }
            Failure::Permanent(error) => {
                // Telegram refused the message itself: a bug in whoever rendered it.
                tracing::error!(id = row.id, chat = row.chat_id, kind = %row.kind, %error, "outbox: message refused");
                self.record(db::outbox::mark_failed(&self.db, row.id, &error).await, row.id);
                self.emit(&row, Outcome::Failed { error });
            }
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
            // The row stays leased; after the lease it comes back (settled as interrupted if its call
            // had begun, so never sent twice).
            tracing::error!(id, error = %e, "outbox: recording an outcome failed");
        }
    }

    fn emit(&self, row: &db::outbox::Claimed, outcome: Outcome) {
        crate::metrics::outbox_outcome(&outcome);
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

/// The row to send next: for each chat without a call in flight only its earliest row in the batch
/// (keeping per-chat order), and among those the one that may go out soonest (queue order breaks ties).
fn next_in_turn(
    queue: &VecDeque<db::outbox::Claimed>,
    busy: &HashSet<i64>,
    pacer: &Pacer,
    now: Instant,
) -> Option<(usize, Instant)> {
    let mut seen = HashSet::new();
    let mut best: Option<(usize, Instant)> = None;
    for (index, row) in queue.iter().enumerate() {
        if !seen.insert(row.chat_id) || busy.contains(&row.chat_id) {
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

/// The worker identity of a process that is not told one: one per machine, so a process restarted
/// there takes over what its predecessor held.
pub fn default_worker_id() -> String {
    format!("outbox@{}", host_name())
}

/// This machine's name, for the worker registry.
fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|h| h.trim().to_owned())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_owned())
}

/// Whether a process of this host is running. Where that cannot be told, a holder is taken for dead
/// only when it is this very process (the ids must then be set apart by configuration).
fn process_alive(pid: i64) -> bool {
    if cfg!(target_os = "linux") { std::path::Path::new(&format!("/proc/{pid}")).exists() } else { true }
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
            rule: crate::domain::gate::SendRule { kind: crate::domain::gate::MessageKind::Notice, personal: false },
        }
    }

    #[test]
    fn a_chat_waiting_its_interval_lets_other_chats_go_first_but_keeps_its_own_order() {
        let t0 = Instant::now();
        let mut pacer = Pacer::new(Pacing { global_per_sec: 0, per_chat_min_interval: Duration::from_secs(1) });
        pacer.record_send(1, t0);
        let queue: VecDeque<Claimed> = vec![row(10, 1), row(11, 1), row(12, 2), row(13, 2)].into();
        // Chat 1 must wait; chat 2's first row goes now, never its second before its first.
        let idle = HashSet::new();
        assert_eq!(next_in_turn(&queue, &idle, &pacer, t0), Some((2, t0)));
        let only_chat_1: VecDeque<Claimed> = vec![row(10, 1), row(11, 1)].into();
        assert_eq!(next_in_turn(&only_chat_1, &idle, &pacer, t0), Some((0, t0 + Duration::from_secs(1))));
        assert_eq!(next_in_turn(&VecDeque::new(), &idle, &pacer, t0), None);
    }

    #[test]
    fn a_chat_with_a_call_in_flight_waits_for_its_answer() {
        let t0 = Instant::now();
        let pacer = Pacer::new(Pacing::unlimited());
        let queue: VecDeque<Claimed> = vec![row(10, 1), row(11, 1), row(12, 2)].into();
        let busy: HashSet<i64> = [1].into();
        assert_eq!(next_in_turn(&queue, &busy, &pacer, t0), Some((2, t0)));
        let all_busy: HashSet<i64> = [1, 2].into();
        assert_eq!(next_in_turn(&queue, &all_busy, &pacer, t0), None);
    }
}
