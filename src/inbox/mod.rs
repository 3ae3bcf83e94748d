//! The durable inbox: no update is lost when the process dies.
//!
//! - **Ingress.** Every update is stored in `inbox` (unique by `update_id`) before Telegram is told it
//!   arrived: in polling mode the next `getUpdates` offset moves past an update only after the insert
//!   commits ([`poll`]); in webhook mode the HTTP 200 is answered only then ([`webhook`]).
//! - **Workers.** [`Workers`] claim updates from the inbox one chat at a time, in order (across replicas
//!   too: the claim is a row lease in the database), run the bot's handler tree on each, and mark it
//!   handled. The dialog step an update makes is kept aside while its handler runs ([`stage_dialog`],
//!   called by the dialog storage) and committed with the update's "handled" mark once the handler has
//!   finished, so a restart neither loses a step nor does one twice. Replies go out as the handler runs,
//!   before that commit: after a kill, the replies of the updates in flight (at most one per worker) may
//!   come again; none is lost.
//! - **Failures.** A handling that fails (or dies with its process) is tried again; after
//!   [`MAX_ATTEMPTS`](crate::db::inbox::MAX_ATTEMPTS) it is parked with its error, visible to admins and
//!   retried by them, and the rest of that chat goes on.

pub mod flood;
pub mod webhook;

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use futures::FutureExt as _;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::{AllowedUpdate, Update, UpdateKind};
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

use crate::db::{self, Db};
use crate::metrics;

/// What the update being handled changes in its chat (dialog step, buttons on screen), kept until the
/// handler has finished: then it and the update's "handled" mark commit in one transaction. A crash
/// before that redoes the whole update from the same step (its replies may come twice); a crash after
/// it redoes nothing.
#[derive(Default)]
pub struct Handling {
    staged: std::sync::Mutex<db::inbox::ChatStep>,
    /// The chat's step as the update found it: what is staged unchanged need not be written again.
    loaded: std::sync::Mutex<db::inbox::ChatStep>,
    /// The chat's facts, read by the claim (see [`take_prefetched`]).
    prefetched: std::sync::Mutex<Option<(i64, db::chat_facts::ChatFacts)>>,
}

impl Handling {
    fn with<R>(&self, f: impl FnOnce(&mut db::inbox::ChatStep) -> R) -> R {
        f(&mut self.staged.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

tokio::task_local! {
    static HANDLING: Arc<Handling>;
}

/// Inside an inbox handling: keeps `state` as the chat's new dialog step and returns true; outside one
/// (a task a handler spawned, a test), returns false and the caller saves at once.
pub fn stage_dialog(chat_id: i64, state: &crate::domain::dialog::State) -> bool {
    HANDLING.try_with(|h| h.with(|s| s.dialog = Some((chat_id, state.clone())))).is_ok()
}

/// Inside an inbox handling: notes the chat's dialog step and buttons as the update found them, so that
/// staging the same again writes nothing when the update is marked handled. `state` is `None` when what
/// is stored is unknown (a dialog that no longer decodes): any step is then written.
pub fn note_loaded(
    chat_id: i64,
    state: Option<&crate::domain::dialog::State>,
    keyboard: Option<&db::keyboards::ScreenKeyboard>,
) {
    let _ = HANDLING.try_with(|h| {
        *h.loaded.lock().unwrap_or_else(|e| e.into_inner()) = db::inbox::ChatStep {
            dialog: state.map(|state| (chat_id, state.clone())),
            keyboard: Some((chat_id, keyboard.cloned())),
        }
    });
}

/// Inside an inbox handling: the facts of `chat_id` read when the update was claimed, once (the handler's
/// first read of them; a second asks the database).
pub fn take_prefetched(chat_id: i64) -> Option<db::chat_facts::ChatFacts> {
    HANDLING
        .try_with(|h| {
            let mut prefetched = h.prefetched.lock().unwrap_or_else(|e| e.into_inner());
            match prefetched.take() {
                Some((chat, facts)) if chat == chat_id => Some(facts),
                _ => None,
            }
        })
        .ok()
        .flatten()
}

/// The step staged for `chat_id` by the running handling, if any (read back within the same update).
pub fn staged_dialog(chat_id: i64) -> Option<crate::domain::dialog::State> {
    HANDLING
        .try_with(|h| h.with(|s| s.dialog.as_ref().filter(|(c, _)| *c == chat_id).map(|(_, state)| state.clone())))
        .ok()
        .flatten()
}

/// Inside an inbox handling: keeps the buttons now on screen in the chat (`None`: none) and returns
/// true; outside one, returns false and the caller records them at once.
pub fn stage_keyboard(chat_id: i64, keyboard: Option<&db::keyboards::ScreenKeyboard>) -> bool {
    HANDLING.try_with(|h| h.with(|s| s.keyboard = Some((chat_id, keyboard.cloned())))).is_ok()
}

/// The updates the bot asks Telegram for.
pub fn allowed_updates() -> Vec<AllowedUpdate> {
    vec![AllowedUpdate::Message, AllowedUpdate::CallbackQuery, AllowedUpdate::PollAnswer]
}

/// What the inbox stores of an update: its id, the chat (else the user) whose order it keeps, its kind
/// and the update itself.
pub fn incoming(update: &Update) -> Result<db::inbox::Incoming, serde_json::Error> {
    let chat_key = update.chat().map(|c| c.id.0).or_else(|| update.from().map(|u| u.id.0 as i64)).unwrap_or(0);
    Ok(db::inbox::Incoming {
        update_id: i64::from(update.id.0),
        chat_key,
        kind: kind_name(&update.kind).to_owned(),
        payload: serde_json::to_string(update)?,
    })
}

pub fn kind_name(kind: &UpdateKind) -> &'static str {
    match kind {
        UpdateKind::Message(_) => "message",
        UpdateKind::EditedMessage(_) => "edited_message",
        UpdateKind::CallbackQuery(_) => "callback_query",
        UpdateKind::PollAnswer(_) => "poll_answer",
        UpdateKind::Poll(_) => "poll",
        UpdateKind::Error(_) => "unknown",
        _ => "other",
    }
}

/// Wakes idle inbox workers and keeps count of the updates no claim has taken yet, so that a worker that
/// has just handled one claims again only when there may be something to claim (an empty claim is a
/// statement per update at light load).
#[derive(Default)]
pub struct Wake {
    notify: Notify,
    /// Under one lock, so that a worker finishing a handling and another finding nothing cannot both
    /// conclude that nothing is waiting.
    counts: std::sync::Mutex<WakeCounts>,
}

#[derive(Default)]
struct WakeCounts {
    /// Updates stored here, announced by other replicas or put back, not yet claimed here (a hint: it
    /// may count updates another replica took).
    unclaimed: u64,
    /// Updates being handled by this process's workers.
    in_flight: u64,
    /// Bumped whenever something may have become claimable (updates counted, a handling over, which
    /// unblocks its chat's next update): a claim that began before cannot have seen it.
    generation: u64,
}

impl Wake {
    pub fn new() -> Wake {
        Wake::default()
    }

    fn counts(&self) -> std::sync::MutexGuard<'_, WakeCounts> {
        self.counts.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `updates` may be claimable now: one idle worker woken for each (a permit is kept when none is
    /// idle); waking them all would send every idle worker to claim at once, and all but a few would
    /// find nothing.
    fn updates(&self, updates: u64) {
        let mut counts = self.counts();
        counts.unclaimed = counts.unclaimed.saturating_add(updates);
        counts.generation += 1;
        drop(counts);
        for _ in 0..updates.min(MAX_WAKE) {
            self.notify.notify_one();
        }
    }

    /// Nothing is known of what the inbox holds: claim until a claim finds nothing.
    fn may_hold_anything(&self) {
        self.counts().unclaimed = u64::MAX;
    }

    fn claimed(&self) {
        let mut counts = self.counts();
        counts.unclaimed = counts.unclaimed.saturating_sub(1);
        counts.in_flight += 1;
    }

    /// Taken before a claim runs, for [`Wake::found_nothing`].
    fn generation(&self) -> u64 {
        self.counts().generation
    }

    /// A claim begun at `generation` found nothing. With nothing in hand here and nothing changed since
    /// it began, no update counted can be waiting for one of our chats: the count was of updates other
    /// replicas took, and starts again from zero.
    fn found_nothing(&self, generation: u64) {
        let mut counts = self.counts();
        if counts.in_flight == 0 && counts.generation == generation {
            counts.unclaimed = 0;
        }
    }

    /// A handling is over; whether the worker should claim again at once (something may be waiting,
    /// perhaps for the chat it just finished).
    fn handled(&self) -> bool {
        let mut counts = self.counts();
        counts.in_flight = counts.in_flight.saturating_sub(1);
        counts.generation += 1;
        counts.unclaimed > 0
    }
}

/// Stores updates and lets the workers (here and, on PostgreSQL, on other replicas) know.
pub async fn store(db: &Db, wake: &Wake, updates: &[db::inbox::Incoming]) -> sqlx::Result<u64> {
    // On PostgreSQL the other replicas hear of them in the same statement.
    let new = db::inbox::store_announced(db, updates, chrono::Utc::now(), Some(replica_tag())).await?;
    for u in updates {
        metrics::update_received(&u.kind);
    }
    if new > 0 {
        wake.updates(new);
    }
    Ok(new)
}

/// At most this many workers are woken for one batch (a process never runs more).
const MAX_WAKE: u64 = 64;

/// Tells this process's own inbox notifications apart from other replicas' (its workers were woken
/// when it stored the updates).
fn replica_tag() -> &'static str {
    static TAG: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TAG.get_or_init(|| format!("{}-{:016x}", std::process::id(), rand::random::<u64>()))
}

/// Polling ingress: long-polls Telegram and stores each batch before asking for the next (which is
/// what confirms the batch to Telegram). Runs until `stop`.
pub async fn poll(bot: Bot, db: Db, wake: Arc<Wake>, mut stop: watch::Receiver<bool>) {
    let mut offset: Option<i32> = match db::inbox::last_update_id(&db).await {
        Ok(last) => last.and_then(|id| i32::try_from(id + 1).ok()),
        Err(e) => {
            tracing::error!(error = %e, "inbox: reading the last update id failed; asking Telegram from the start");
            None
        }
    };
    let mut backoff = Duration::from_millis(500);
    loop {
        if *stop.borrow() {
            break;
        }
        let mut request = bot.get_updates().timeout(10).allowed_updates(allowed_updates());
        if let Some(o) = offset {
            request = request.offset(o);
        }
        let fetched = tokio::select! {
            r = request.send() => r,
            // An unfinished poll is simply dropped: nothing of it was stored, so Telegram sends it again.
            _ = stop.changed() => break,
        };
        let updates = match fetched {
            Ok(updates) => updates,
            Err(e) => {
                tracing::warn!(error = %e, "inbox: getUpdates failed; trying again");
                if pause(backoff, &mut stop).await {
                    break;
                }
                backoff = (backoff * 2).min(Duration::from_secs(30));
                continue;
            }
        };
        backoff = Duration::from_millis(500);
        if updates.is_empty() {
            continue;
        }
        let rows: Vec<db::inbox::Incoming> = updates.iter().filter_map(|u| incoming(u).ok()).collect();
        // Stored before the offset moves past them: until then Telegram keeps them for us.
        loop {
            match store(&db, &wake, &rows).await {
                Ok(_) => break,
                Err(e) => {
                    tracing::error!(error = %e, "inbox: storing updates failed; Telegram keeps them until it works");
                    if pause(Duration::from_secs(2), &mut stop).await {
                        return;
                    }
                }
            }
        }
        if let Some(last) = updates.iter().map(|u| u.id.0).max() {
            offset = i32::try_from(last.saturating_add(1)).ok();
        }
    }
    tracing::info!("inbox: polling stopped");
}

/// True when `stop` came during the pause.
async fn pause(wait: Duration, stop: &mut watch::Receiver<bool>) -> bool {
    tokio::select! {
        _ = tokio::time::sleep(wait) => *stop.borrow(),
        _ = stop.changed() => true,
    }
}

/// Builds the dependencies the handler tree needs for one update.
pub type DepsFor = Arc<dyn Fn(Update) -> dptree::di::DependencyMap + Send + Sync>;

/// The workers that handle what the inbox holds.
pub struct Workers {
    pub db: Db,
    pub handler: UpdateHandler<anyhow::Error>,
    pub deps: DepsFor,
    /// This process's identity (see `FIELDSCHOOL_WORKER_ID`); worker `n` claims as `<id>/inbox/<n>`.
    pub worker_id: String,
    pub count: usize,
    /// How long a claim holds before another worker may take the update (its worker died).
    pub lease: chrono::Duration,
    pub wake: Arc<Wake>,
    /// The dialog's `updated_at` is on the programme's clock.
    pub clock: crate::clock::SharedClock,
    /// Each update id once its handling is over (handled, retried or parked): tests wait on it.
    pub settled: tokio::sync::broadcast::Sender<i64>,
    /// Slows down one chat that floods the bot (see [`flood`]); timed on `clock`.
    pub flood: Arc<flood::FloodGate>,
    /// Answers the updates the flood gate drops.
    pub bot: Bot,
}

/// One claim at a time per process: a claim is a short write transaction, and sixteen idle workers
/// waking together would each hold a pooled connection while waiting for the write lock (SQLite),
/// starving the handlers that need one to finish.
static CLAIMING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

impl Workers {
    /// Starts the workers; each finishes the update in hand when `stop` turns true.
    pub async fn spawn(self, stop: watch::Receiver<bool>) -> Vec<JoinHandle<()>> {
        let this = Arc::new(self);
        // A process starting under the name of a dead predecessor takes back what it was handling.
        for n in 0..this.count {
            match db::inbox::release_worker(&this.db, &this.worker_name(n)).await {
                Ok(0) => {}
                Ok(k) => {
                    tracing::warn!(worker = %this.worker_name(n), updates = k, "inbox: taken back from a worker that died")
                }
                Err(e) => tracing::error!(error = %e, "inbox: taking back a dead worker's updates failed"),
            }
        }
        // What the inbox holds from before the start (a restart, a dead predecessor) is not counted:
        // until a claim finds nothing, every worker claims again after each handling.
        this.wake.may_hold_anything();
        let mut joins: Vec<JoinHandle<()>> =
            (0..this.count).map(|n| tokio::spawn(this.clone().run(n, stop.clone()))).collect();
        joins.push(tokio::spawn(this.clone().reclaim_expired(stop.clone())));
        if this.db.backend == db::Backend::Postgres {
            joins.push(tokio::spawn(listen_for_other_replicas(this.db.clone(), this.wake.clone(), stop)));
        }
        joins
    }

    /// Every third of a lease, puts back the updates of workers that died (here or on another replica)
    /// and wakes a worker for each.
    async fn reclaim_expired(self: Arc<Self>, mut stop: watch::Receiver<bool>) {
        let every = (self.lease / 3).to_std().unwrap_or(Duration::from_secs(1)).max(Duration::from_secs(1));
        loop {
            match db::inbox::reclaim_expired(&self.db, chrono::Utc::now()).await {
                Ok(0) => {}
                Ok(k) => {
                    tracing::warn!(updates = k, "inbox: taken back from workers whose lease ran out");
                    self.wake.updates(k);
                }
                Err(e) => tracing::warn!(error = %e, "inbox: taking back expired claims failed"),
            }
            if pause(every, &mut stop).await {
                return;
            }
        }
    }

    fn worker_name(&self, n: usize) -> String {
        format!("{}/inbox/{n}", self.worker_id)
    }

    async fn run(self: Arc<Self>, n: usize, mut stop: watch::Receiver<bool>) {
        let name = self.worker_name(n);
        loop {
            if *stop.borrow() {
                break;
            }
            // Registered before looking, so an update stored meanwhile still wakes this worker.
            let mut woken = Box::pin(self.wake.notify.notified());
            woken.as_mut().enable();
            let claimed = {
                let _one_at_a_time = CLAIMING.lock().await;
                let generation = self.wake.generation();
                let claimed = db::inbox::claim_with_facts(&self.db, &name, chrono::Utc::now(), self.lease).await;
                // Counted before the next claim of this process runs, so that one finding nothing knows
                // this update is in hand (see `Wake::found_nothing`).
                match &claimed {
                    Ok(Some(_)) => self.wake.claimed(),
                    Ok(None) => self.wake.found_nothing(generation),
                    Err(_) => {}
                }
                claimed
            };
            match claimed {
                Ok(Some((claimed, facts))) => {
                    // Not registered while busy: what is stored meanwhile wakes an idle worker.
                    drop(woken);
                    self.handle_alive(&name, claimed, facts).await;
                    let mut woken = Box::pin(self.wake.notify.notified());
                    woken.as_mut().enable();
                    if self.wake.handled() {
                        continue;
                    }
                    // Nothing known to be waiting: sleep until something is stored (as below).
                    tokio::select! {
                        _ = &mut woken => {}
                        _ = tokio::time::sleep(Duration::from_secs(5)) => {}
                        _ = stop.changed() => {}
                    }
                }
                Ok(None) => {
                    tokio::select! {
                        _ = &mut woken => {}
                        // A lease that ran out, or (without LISTEN) another replica's update: look again.
                        _ = tokio::time::sleep(Duration::from_secs(5)) => {}
                        _ = stop.changed() => {}
                    }
                }
                Err(e) => {
                    tracing::error!(worker = %name, error = %e, "inbox: claiming an update failed");
                    if pause(Duration::from_secs(1), &mut stop).await {
                        break;
                    }
                }
            }
        }
    }

    /// Handles an update while renewing its lease (every third of it), so a slow handler keeps its
    /// update and a dead replica's lease runs out soon.
    async fn handle_alive(&self, name: &str, claimed: db::inbox::Claimed, facts: db::chat_facts::ChatFacts) {
        let id = claimed.update_id;
        let handling = self.handle(claimed, facts);
        tokio::pin!(handling);
        let every = (self.lease / 3).to_std().unwrap_or(Duration::from_secs(1)).max(Duration::from_secs(1));
        loop {
            tokio::select! {
                _ = &mut handling => return,
                _ = tokio::time::sleep(every) => {
                    match db::inbox::renew(&self.db, id, name, chrono::Utc::now() + self.lease).await {
                        Ok(true) => {}
                        Ok(false) => tracing::warn!(update = id, "inbox: lost the claim on an update being handled"),
                        Err(e) => tracing::warn!(update = id, error = %e, "inbox: renewing a claim failed"),
                    }
                }
            }
        }
    }

    async fn handle(&self, claimed: db::inbox::Claimed, facts: db::chat_facts::ChatFacts) {
        let id = claimed.update_id;
        self.handle_inner(claimed, facts).await;
        let _ = self.settled.send(id);
    }

    async fn handle_inner(&self, claimed: db::inbox::Claimed, facts: db::chat_facts::ChatFacts) {
        let id = claimed.update_id;
        let update: Update = match serde_json::from_str(&claimed.payload) {
            Ok(update) => update,
            Err(e) => {
                tracing::error!(update = id, error = %e, "inbox: a stored update does not decode; parked");
                let _ = db::inbox::mark_failed(&self.db, id, &format!("does not decode: {e}")).await;
                return;
            }
        };
        if let flood::Verdict::Drop { notify } = self.flood.admit(claimed.chat_key, self.clock.now()) {
            self.drop_flooded(&claimed, &update, notify, facts.person.as_ref()).await;
            return;
        }
        let started = std::time::Instant::now();
        let deps = (self.deps)(update);
        let handling = Arc::new(Handling::default());
        *handling.prefetched.lock().unwrap_or_else(|e| e.into_inner()) = Some((claimed.chat_key, facts));
        let dispatch = crate::update_scope::scope(id, self.handler.dispatch(deps));
        let run = HANDLING.scope(handling.clone(), AssertUnwindSafe(dispatch).catch_unwind()).await;
        metrics::update_handled(&claimed.kind, started.elapsed());
        let failure = match run {
            Ok(std::ops::ControlFlow::Break(Err(e))) => Some(format!("{e:#}")),
            Ok(_) => None,
            Err(panic) => Some(
                panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_else(|| "the handler panicked".to_owned()),
            ),
        };
        match failure {
            None => {
                let loaded = std::mem::take(&mut *handling.loaded.lock().unwrap_or_else(|e| e.into_inner()));
                let step = handling.with(std::mem::take).changed_since(&loaded);
                let done = db::inbox::finish(&self.db, id, &step, self.clock.now(), chrono::Utc::now()).await;
                if let Err(e) = done {
                    // It stays working until its lease runs out, then is tried again.
                    tracing::error!(update = id, error = %e, "inbox: marking an update handled failed");
                }
            }
            Some(error) => {
                tracing::error!(update = id, attempts = claimed.attempts, %error, "inbox: handling an update failed");
                match db::inbox::mark_failed(&self.db, id, &error).await {
                    Ok(true) => {
                        metrics::update_parked();
                        tracing::error!(update = id, "inbox: update parked after repeated failures (see /parked)");
                    }
                    Ok(false) => self.wake.updates(1),
                    Err(e) => tracing::error!(update = id, error = %e, "inbox: recording a failure failed"),
                }
            }
        }
    }
}

impl Workers {
    /// An update the flood gate dropped: marked handled without its handler, its button press answered
    /// (so the spinner stops), and — at most once a minute — the chat told to slow down.
    async fn drop_flooded(
        &self,
        claimed: &db::inbox::Claimed,
        update: &Update,
        notify: bool,
        person: Option<&crate::domain::person::Person>,
    ) {
        let id = claimed.update_id;
        if notify {
            tracing::warn!(
                chat = claimed.chat_key,
                update = id,
                "inbox: a chat floods the bot; its excess updates are dropped"
            );
        } else {
            tracing::debug!(chat = claimed.chat_key, update = id, "inbox: flooded update dropped");
        }
        // The claim read the person of this private chat already.
        let lang = match (person, update.from()) {
            (Some(person), _) => person.lang,
            (None, Some(from)) => crate::i18n::Lang::from_telegram_hint(from.language_code.as_deref()),
            (None, None) => crate::i18n::Lang::Zh,
        };
        let text = notify.then(|| crate::tr!(lang, "access-slow-down"));
        let answered = match (&update.kind, update.chat(), text) {
            (UpdateKind::CallbackQuery(q), _, text) => {
                let mut answer = self.bot.answer_callback_query(q.id.clone());
                if let Some(text) = text {
                    answer = answer.text(text);
                }
                answer.await.map(|_| ())
            }
            (_, Some(chat), Some(text)) if chat.is_private() => self.bot.send_message(chat.id, text).await.map(|_| ()),
            _ => Ok(()),
        };
        if let Err(e) = answered {
            tracing::debug!(chat = claimed.chat_key, error = %e, "inbox: answering a flooded update failed");
        }
        let done =
            db::inbox::finish(&self.db, id, &db::inbox::ChatStep::default(), self.clock.now(), chrono::Utc::now())
                .await;
        if let Err(e) = done {
            tracing::error!(update = id, error = %e, "inbox: marking a dropped update handled failed");
        }
    }
}

/// On PostgreSQL, wakes this replica's workers when another replica stores updates.
async fn listen_for_other_replicas(db: Db, wake: Arc<Wake>, mut stop: watch::Receiver<bool>) {
    let url = db.url.clone();
    let mut listener = match sqlx::postgres::PgListener::connect(&url).await {
        Ok(l) => l,
        Err(e) => {
            tracing::warn!(error = %e, "inbox: cannot LISTEN; workers look for other replicas' updates every few seconds");
            return;
        }
    };
    if let Err(e) = listener.listen("fieldschool_inbox").await {
        tracing::warn!(error = %e, "inbox: LISTEN failed");
        return;
    }
    loop {
        tokio::select! {
            n = listener.recv() => match n {
                Ok(n) => {
                    // "<replica> <how many>": our own updates woke our workers when they were stored.
                    let (from, count) = n.payload().split_once(' ').unwrap_or((n.payload(), "1"));
                    if from != replica_tag() {
                        wake.updates(count.parse::<u64>().unwrap_or(1).max(1));
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "inbox: LISTEN connection lost; reconnecting");
                    if pause(Duration::from_secs(1), &mut stop).await { return; }
                }
            },
            _ = stop.changed() => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Wake;

    #[test]
    fn a_worker_claims_again_after_a_handling_only_when_something_may_wait() {
        // Alone: nothing stored meanwhile, nothing to claim after.
        let wake = Wake::new();
        wake.updates(1);
        wake.claimed();
        assert!(!wake.handled());

        // The chat's next update came while its first was handled; another worker looked and found it
        // blocked behind the first: the worker that finishes the first claims it.
        wake.updates(1);
        let looked = wake.generation();
        wake.claimed();
        wake.updates(1);
        wake.found_nothing(looked);
        assert!(wake.handled());
        wake.claimed();
        assert!(!wake.handled());

        // Announced by another replica and taken there: found nothing with nothing in hand, so the
        // count starts again and handlings are not followed by empty claims.
        wake.updates(2);
        wake.found_nothing(wake.generation());
        wake.updates(1);
        wake.claimed();
        assert!(!wake.handled());

        // A claim that began before updates were stored found nothing: they still count.
        let looked = wake.generation();
        wake.updates(3);
        wake.found_nothing(looked);
        wake.claimed();
        assert!(wake.handled());

        // Nor does one that began while the chat's earlier update was still being handled.
        let wake = Wake::new();
        wake.updates(2);
        wake.claimed();
        let looked = wake.generation();
        assert!(wake.handled());
        wake.found_nothing(looked);
        wake.claimed();
        assert!(!wake.handled());
    }
}
