//! What every use case needs: storage, the clock, configuration, and a way to wake the outbox.

use std::sync::Arc;

use tokio::sync::Notify;

use crate::clock::SharedClock;
use crate::config::Config;
use crate::db::Db;

#[derive(Clone)]
pub struct App {
    pub db: Db,
    pub clock: SharedClock,
    pub config: Arc<Config>,
    /// Signalled after something is queued in the outbox, so the sender need not wait for a tick.
    pub outbox_wake: Arc<Notify>,
    /// Signalled when something is planned that the scheduler must time (offer expiries).
    pub scheduler_wake: Arc<Notify>,
}

impl App {
    pub fn new(db: Db, clock: SharedClock, config: Config) -> App {
        App {
            db,
            clock,
            config: Arc::new(config),
            outbox_wake: Arc::new(Notify::new()),
            scheduler_wake: Arc::new(Notify::new()),
        }
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// After committing outbox rows: send them now rather than at the worker's next due time.
    pub fn wake_outbox(&self) {
        self.outbox_wake.notify_one();
    }

    /// After committing a change to planned work (a new seat offer): the scheduler re-reads its timers.
    pub fn wake_scheduler(&self) {
        self.scheduler_wake.notify_one();
    }
}
