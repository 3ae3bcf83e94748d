//! The durable outbox on SQLite and PostgreSQL: storage rules first, then the worker end to end
//! against the Bot API emulator.

use chrono::{DateTime, Duration, Utc};
use fieldschool::db::outbox::{self, GroupProgress, NewMessage, Payload, PayloadButton, Status};
use fieldschool::db::{self, Db};
use fieldschool::domain::gate::{MessageKind, SendRule};

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-03-02T08:00:00Z").unwrap().to_utc()
}

/// Every engine available here: SQLite always, PostgreSQL unless FIELDSCHOOL_SKIP_PG=1.
async fn engines() -> Vec<(Db, Option<tempfile::TempDir>)> {
    let (sqlite, dir) = db::testing::sqlite().await.unwrap();
    let mut all = vec![(sqlite, Some(dir))];
    if let Some(pg) = db::testing::postgres().await.unwrap() {
        all.push((pg, None));
    }
    all
}

fn message(chat_id: i64, text: &str, due_at: DateTime<Utc>) -> NewMessage {
    NewMessage {
        chat_id,
        kind: "notice".into(),
        payload: Payload::text(text),
        dedupe_key: None,
        planned_at: t0(),
        due_at,
        deadline_at: None,
        group_key: None,
        rule: SendRule { kind: MessageKind::Notice, personal: false },
    }
}

async fn enqueue(db: &Db, msg: &NewMessage) -> Option<i64> {
    let mut tx = db.begin_write().await.unwrap();
    let id = outbox::enqueue(&mut tx, msg).await.unwrap();
    tx.commit().await.unwrap();
    id
}

async fn status(db: &Db, id: i64) -> Status {
    outbox::get(db, id).await.unwrap().unwrap().status
}

#[tokio::test]
async fn a_planned_message_is_queued_once_however_often_it_is_planned() {
    for (db, _guard) in engines().await {
        let mut msg = message(1, "Lesson tomorrow", t0());
        msg.dedupe_key = Some("reminder:session:7:day-before:1".into());
        let first = enqueue(&db, &msg).await;
        assert!(first.is_some(), "{:?}", db.backend);
        assert_eq!(enqueue(&db, &msg).await, None, "{:?}: duplicate key queued again", db.backend);
        // Messages without a key are never considered duplicates.
        assert!(enqueue(&db, &message(1, "a", t0())).await.is_some());
        assert!(enqueue(&db, &message(1, "a", t0())).await.is_some());

        // Once withdrawn (the session moved) the same message may be planned again.
        let mut tx = db.begin_write().await.unwrap();
        assert!(outbox::cancel(&mut tx, first.unwrap()).await.unwrap());
        tx.commit().await.unwrap();
        let again = enqueue(&db, &msg).await;
        assert!(again.is_some() && again != first, "{:?}", db.backend);

        // A sent message blocks its key for good.
        outbox::mark_sent(&db, again.unwrap(), t0()).await.unwrap();
        assert_eq!(enqueue(&db, &msg).await, None, "{:?}", db.backend);
    }
}

#[tokio::test]
async fn enqueue_inside_a_rolled_back_transaction_leaves_nothing() {
    for (db, _guard) in engines().await {
        let mut tx = db.begin_write().await.unwrap();
        outbox::enqueue(&mut tx, &message(5, "never", t0())).await.unwrap();
        tx.rollback().await.unwrap();
        assert!(outbox::for_chat(&db, 5).await.unwrap().is_empty(), "{:?}", db.backend);
        assert_eq!(outbox::next_due_at(&db).await.unwrap(), None);
    }
}

#[tokio::test]
async fn the_payload_comes_back_as_it_was_queued() {
    for (db, _guard) in engines().await {
        let payload = Payload {
            text: "<b>Wheat</b> &amp; rust \u{00b7} day 2".into(),
            parse_mode: Some(outbox::ParseModeKind::Html),
            buttons: vec![vec![
                PayloadButton { text: "Yes".into(), callback_data: "att:1:y".into() },
                PayloadButton { text: "No".into(), callback_data: "att:1:n".into() },
            ]],
            photo_png: Some(vec![0x89, b'P', b'N', b'G', 0, 255, 1]),
            photo_id: None,
            document: None,
            day_bound: Some(outbox::DayBound {
                day: chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
                tz: "Asia/Shanghai".into(),
                other_day_text: "on 2 March".into(),
            }),
        };
        let mut msg = message(3, "", t0());
        msg.payload = payload.clone();
        msg.kind = "survey".into();
        msg.group_key = Some("survey:9".into());
        msg.deadline_at = Some(t0() + Duration::hours(2));
        let id = enqueue(&db, &msg).await.unwrap();
        let mut doc = message(3, "certificate", t0() + Duration::seconds(1));
        doc.payload.document = Some(("certificate.pdf".into(), vec![b'%', b'P', b'D', b'F', 0]));
        let doc_id = enqueue(&db, &doc).await.unwrap();

        let claimed =
            outbox::claim_due(&db, t0() + Duration::seconds(1), 10, "w", Duration::minutes(5)).await.unwrap().rows;
        assert_eq!(claimed.len(), 2, "{:?}", db.backend);
        assert_eq!(claimed[0].id, id);
        assert_eq!(claimed[0].payload, payload);
        assert_eq!(claimed[0].kind, "survey");
        assert_eq!(claimed[0].group_key.as_deref(), Some("survey:9"));
        assert_eq!(claimed[0].deadline_at, Some(t0() + Duration::hours(2)));
        assert_eq!(claimed[0].claimed_until, t0() + Duration::seconds(1) + Duration::minutes(5));
        assert_eq!(claimed[1].id, doc_id);
        assert_eq!(claimed[1].payload, doc.payload);
    }
}

#[tokio::test]
async fn only_due_rows_are_claimed_oldest_first_and_never_twice_while_leased() {
    for (db, _guard) in engines().await {
        let later = enqueue(&db, &message(1, "later", t0() + Duration::hours(1))).await.unwrap();
        let second = enqueue(&db, &message(2, "second", t0() - Duration::minutes(1))).await.unwrap();
        let first = enqueue(&db, &message(3, "first", t0() - Duration::minutes(5))).await.unwrap();
        let third = enqueue(&db, &message(4, "third", t0())).await.unwrap();

        let lease = Duration::minutes(5);
        let batch = outbox::claim_due(&db, t0(), 2, "w1", lease).await.unwrap().rows;
        assert_eq!(batch.iter().map(|c| c.id).collect::<Vec<_>>(), vec![first, second], "{:?}", db.backend);
        let batch = outbox::claim_due(&db, t0(), 10, "w2", lease).await.unwrap().rows;
        assert_eq!(batch.iter().map(|c| c.id).collect::<Vec<_>>(), vec![third], "{:?}", db.backend);
        assert!(outbox::claim_due(&db, t0() + Duration::minutes(4), 10, "w2", lease).await.unwrap().rows.is_empty());
        assert_eq!(status(&db, first).await, Status::Sending);
        assert_eq!(status(&db, later).await, Status::Pending);

        // The next thing to do: the earliest lease running out (before the later message).
        assert_eq!(outbox::next_due_at(&db).await.unwrap(), Some(t0() + lease));
    }
}

#[tokio::test]
async fn rows_of_a_worker_that_died_are_claimable_again_once_its_lease_runs_out() {
    for (db, _guard) in engines().await {
        let a = enqueue(&db, &message(1, "a", t0())).await.unwrap();
        let b = enqueue(&db, &message(2, "b", t0())).await.unwrap();
        let lease = Duration::minutes(5);
        let dead = outbox::claim_due(&db, t0(), 10, "dead-worker", lease).await.unwrap().rows;
        assert_eq!(dead.len(), 2);
        // The dead worker managed to send one before it died.
        outbox::mark_sent(&db, a, t0()).await.unwrap();

        assert!(
            outbox::claim_due(&db, t0() + lease - Duration::seconds(1), 10, "new", lease)
                .await
                .unwrap()
                .rows
                .is_empty()
        );
        let recovered = outbox::claim_due(&db, t0() + lease, 10, "new", lease).await.unwrap().rows;
        assert_eq!(recovered.iter().map(|c| c.id).collect::<Vec<_>>(), vec![b], "{:?}", db.backend);
        assert_eq!(status(&db, a).await, Status::Sent);
    }
}

#[tokio::test]
async fn concurrent_claims_never_hand_out_the_same_row() {
    for (db, _guard) in engines().await {
        let mut tx = db.begin_write().await.unwrap();
        for i in 0..200 {
            outbox::enqueue(&mut tx, &message(i, "x", t0())).await.unwrap();
        }
        tx.commit().await.unwrap();
        let mut tasks = Vec::new();
        for w in 0..4 {
            let db = db.clone();
            tasks.push(tokio::spawn(async move {
                let mut mine = Vec::new();
                loop {
                    let batch =
                        outbox::claim_due(&db, t0(), 7, &format!("w{w}"), Duration::minutes(5)).await.unwrap().rows;
                    if batch.is_empty() {
                        break;
                    }
                    mine.extend(batch.into_iter().map(|c| c.id));
                }
                mine
            }));
        }
        let mut all = Vec::new();
        for task in tasks {
            all.extend(task.await.unwrap());
        }
        let total = all.len();
        all.sort();
        all.dedup();
        assert_eq!((total, all.len()), (200, 200), "{:?}", db.backend);
    }
}

#[tokio::test]
async fn withdrawing_by_key_prefix_touches_only_pending_rows_with_that_prefix() {
    for (db, _guard) in engines().await {
        let keyed = |key: &str| {
            let mut m = message(1, key, t0());
            m.dedupe_key = Some(key.to_owned());
            m
        };
        let a = enqueue(&db, &keyed("reminder:s7:day")).await.unwrap();
        let b = enqueue(&db, &keyed("reminder:s7:hour")).await.unwrap();
        let other = enqueue(&db, &keyed("reminder:s70:day")).await.unwrap();
        let wildcard_lookalike = enqueue(&db, &keyed("reminder_s7_day")).await.unwrap();
        let upper = enqueue(&db, &keyed("REMINDER:s7:day")).await.unwrap();
        // b is already being sent: too late to withdraw.
        let claimed = outbox::claim_due(&db, t0(), 2, "w", Duration::minutes(5)).await.unwrap().rows;
        assert_eq!(claimed.iter().map(|c| c.id).collect::<Vec<_>>(), vec![a, b]);
        outbox::release(&db, &[a], "w").await.unwrap();

        let mut tx = db.begin_write().await.unwrap();
        let n = outbox::cancel_by_dedupe_prefix(&mut tx, "reminder:s7:").await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(n, 1, "{:?}", db.backend);
        assert_eq!(status(&db, a).await, Status::Cancelled);
        assert_eq!(status(&db, b).await, Status::Sending);
        for id in [other, wildcard_lookalike, upper] {
            assert_eq!(status(&db, id).await, Status::Pending, "{:?} row {id}", db.backend);
        }
    }
}

#[tokio::test]
async fn a_retry_counts_an_attempt_and_waits_for_its_new_due_time() {
    for (db, _guard) in engines().await {
        let id = enqueue(&db, &message(1, "x", t0())).await.unwrap();
        outbox::claim_due(&db, t0(), 10, "w", Duration::minutes(5)).await.unwrap();
        outbox::mark_retry(&db, id, t0() + Duration::seconds(30), "Bad Gateway").await.unwrap();
        let row = outbox::get(&db, id).await.unwrap().unwrap();
        assert_eq!((row.status, row.attempts), (Status::Pending, 1), "{:?}", db.backend);
        assert_eq!(row.last_error.as_deref(), Some("Bad Gateway"));
        assert_eq!(outbox::next_due_at(&db).await.unwrap(), Some(t0() + Duration::seconds(30)));
        assert!(
            outbox::claim_due(&db, t0() + Duration::seconds(29), 10, "w", Duration::minutes(5))
                .await
                .unwrap()
                .rows
                .is_empty()
        );
        let again =
            outbox::claim_due(&db, t0() + Duration::seconds(30), 10, "w", Duration::minutes(5)).await.unwrap().rows;
        assert_eq!(again[0].attempts, 1);
        outbox::mark_failed(&db, id, "gave up").await.unwrap();
        assert_eq!(status(&db, id).await, Status::Failed);
        assert_eq!(outbox::next_due_at(&db).await.unwrap(), None);
    }
}

#[tokio::test]
async fn a_broadcast_reports_its_progress_by_status() {
    for (db, _guard) in engines().await {
        let mut ids = Vec::new();
        for chat in 1..=5 {
            let mut m = message(chat, "news", t0());
            m.group_key = Some("broadcast:42".into());
            ids.push(enqueue(&db, &m).await.unwrap());
        }
        enqueue(&db, &message(9, "unrelated", t0())).await.unwrap();
        outbox::claim_due(&db, t0(), 3, "w", Duration::minutes(5)).await.unwrap();
        outbox::mark_sent(&db, ids[0], t0()).await.unwrap();
        outbox::mark_failed(&db, ids[1], "Forbidden: bot was blocked by the user").await.unwrap();
        let cancelled = outbox::cancel_for_chat(&db, 5, "recipient unreachable").await.unwrap();
        assert_eq!(cancelled.len(), 1);
        assert_eq!(cancelled[0].group_key.as_deref(), Some("broadcast:42"));

        let progress = outbox::group_progress(&db, "broadcast:42").await.unwrap();
        assert_eq!(
            progress,
            GroupProgress { pending: 1, sending: 1, sent: 1, failed: 1, cancelled: 1 },
            "{:?}",
            db.backend
        );
        assert_eq!(progress.total(), 5);
        assert!(!progress.is_finished());
        assert_eq!(outbox::group_progress(&db, "broadcast:0").await.unwrap(), GroupProgress::default());
    }
}

// ---------------------------------------------------------------------------------------------
// The worker end to end, against the project's Bot API emulator. The worker and the emulator share
// one `ManualClock`: due times, leases and backoff only move when a test moves the clock, and the
// emulator dates every message by that clock, so "never sent before it was due" is checked on the
// messages themselves. Tests wait on the worker's (and the emulator's) event streams, never on
// sleeps; the only real-time waits are the ones Telegram imposes (a 429's retry_after, teloxide's
// pause after a 5xx) and the pacing under test.

mod worker {
    use std::collections::{BTreeSet, HashMap, HashSet};
    use std::sync::Arc;
    use std::time::Duration as StdDuration;

    use chrono::{DateTime, Duration, Utc};
    use fieldschool::clock::{Clock, ManualClock, SharedClock};
    use fieldschool::db::outbox::{self, NewMessage, Status};
    use fieldschool::db::{self, Db};
    use fieldschool::domain::gate::{MessageKind, SendRule};
    use fieldschool::domain::person::{Audience, PersonName};
    use fieldschool::domain::registration::NewPerson;
    use fieldschool::emulator::{EmuEvent, EmuUser, Emulator, EmulatorOptions, Fault};
    use fieldschool::i18n::Lang;
    use fieldschool::outbox::{Backoff, OutboxEvent, OutboxHandle, OutboxWorker, Outcome, Pacing};
    use sqlx::Row;
    use tokio::sync::broadcast::{self, error::TryRecvError};
    use tokio::sync::watch;
    use tokio::task::JoinHandle;

    use super::{message, status, t0};

    /// How long to wait for a report before calling the worker broken: a guard against hanging,
    /// never a means of synchronisation.
    const PATIENCE: StdDuration = StdDuration::from_secs(60);

    fn lease() -> Duration {
        Duration::minutes(5)
    }

    /// Each scenario runs as two tests, `<scenario>::sqlite` and `<scenario>::postgres` (skipped
    /// with FIELDSCHOOL_SKIP_PG=1), so the engines run in parallel.
    macro_rules! on_each_engine {
        ($($scenario:ident),* $(,)?) => {$(
            mod $scenario {
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn sqlite() {
                    let (db, _dir) = fieldschool::db::testing::sqlite().await.unwrap();
                    super::$scenario(db).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn postgres() {
                    if let Some(db) = fieldschool::db::testing::postgres().await.unwrap() {
                        super::$scenario(db).await;
                    }
                }
            }
        )*};
    }

    on_each_engine!(
        due_messages_go_out_once_in_queue_order_and_later_ones_wait_for_the_clock,
        a_crashed_workers_claims_go_out_once_after_its_lease_runs_out,
        a_worker_killed_mid_run_sends_nothing_twice_and_reports_what_was_in_flight,
        an_orderly_stop_hands_claimed_rows_back_and_the_next_worker_sends_them_once,
        a_429_is_waited_out_and_the_same_message_sent_once_without_counting_a_failure,
        a_server_error_is_retried_after_the_backoff_and_then_sent_once,
        a_person_who_blocked_the_bot_is_marked_unreachable_and_their_other_messages_cancelled,
        two_workers_at_once_deliver_every_message_exactly_once,
        a_message_whose_deadline_passed_before_its_turn_is_cancelled_not_sent,
        shutdown_stops_an_idle_worker,
        a_slow_failing_answer_delays_only_its_own_message,
        a_restarted_process_takes_its_claims_back_at_once_and_never_repeats_a_cut_off_call,
        a_message_that_fell_due_while_the_bot_was_down_is_timed_again_when_it_goes,
    );

    /// A queued message, to compare with what the emulator received.
    #[derive(Debug, Clone)]
    struct Planned {
        id: i64,
        chat_id: i64,
        text: String,
        due_at: DateTime<Utc>,
    }

    fn ids(planned: &[Planned]) -> Vec<i64> {
        planned.iter().map(|p| p.id).collect()
    }

    fn chats(planned: &[Planned]) -> BTreeSet<i64> {
        planned.iter().map(|p| p.chat_id).collect()
    }

    /// What a chat should receive: its messages in queue order (due time, then id).
    fn expected_texts(planned: &[Planned], chat_id: i64) -> Vec<String> {
        let mut mine: Vec<&Planned> = planned.iter().filter(|p| p.chat_id == chat_id).collect();
        mine.sort_by_key(|p| (p.due_at, p.id));
        mine.into_iter().map(|p| p.text.clone()).collect()
    }

    /// One database, one emulator, one manual clock; workers come and go.
    struct Rig {
        db: Db,
        emu: Emulator,
        bot: teloxide::Bot,
        clock: ManualClock,
    }

    impl Rig {
        async fn new(db: Db) -> Rig {
            let clock = ManualClock::new(t0());
            let emu = Emulator::start(EmulatorOptions {
                clock: Arc::new(clock.clone()),
                wait_timeout: PATIENCE,
                ..EmulatorOptions::default()
            })
            .await
            .unwrap();
            let bot = teloxide::Bot::new(emu.token()).set_api_url(emu.api_url().parse().unwrap());
            Rig { db, emu, bot, clock }
        }

        /// A worker on the rig's database, emulator and clock: no pacing, a 5 s backoff step.
        fn worker(&self, worker_id: &str) -> OutboxWorker {
            let clock: SharedClock = Arc::new(self.clock.clone());
            OutboxWorker::new(self.db.clone(), self.bot.clone(), clock)
                .with_pacing(Pacing::unlimited())
                .with_backoff(Backoff { steps: vec![StdDuration::from_secs(5)], max_attempts: 3 })
                .with_lease(lease())
                .with_worker_id(worker_id)
        }

        fn start(&self, worker_id: &str) -> Running {
            Running::spawn(self.worker(worker_id))
        }

        /// Queues the messages in one transaction, in this order; each recipient exists on the
        /// emulator (a send to an unknown chat would be a 400).
        async fn enqueue(&self, messages: Vec<NewMessage>) -> Vec<Planned> {
            let mut tx = self.db.begin_write().await.unwrap();
            let mut planned = Vec::new();
            for msg in messages {
                self.emu.add_user(EmuUser::new(msg.chat_id, format!("Person {}", msg.chat_id)));
                let id = outbox::enqueue(&mut tx, &msg).await.unwrap().expect("no dedupe key: always queued");
                planned.push(Planned { id, chat_id: msg.chat_id, text: msg.payload.text.clone(), due_at: msg.due_at });
            }
            tx.commit().await.unwrap();
            planned
        }

        async fn enqueue_one(&self, msg: NewMessage) -> Planned {
            self.enqueue(vec![msg]).await.remove(0)
        }

        fn texts(&self, chat_id: i64) -> Vec<String> {
            self.emu.messages(chat_id).iter().map(|m| m.rendered_text()).collect()
        }

        async fn statuses(&self, planned: &[Planned]) -> Vec<Status> {
            let mut all = Vec::new();
            for p in planned {
                all.push(status(&self.db, p.id).await);
            }
            all
        }

        async fn assert_statuses(&self, planned: &[Planned], expected: Status) {
            assert_eq!(self.statuses(planned).await, vec![expected; planned.len()], "{:?}", self.db.backend);
        }

        /// Every planned message reached its chat exactly once, each chat's in queue order, and
        /// none before it was due on the clock.
        fn assert_delivered_once_in_order(&self, planned: &[Planned]) {
            for chat in chats(planned) {
                assert_eq!(self.texts(chat), expected_texts(planned, chat), "{:?}: chat {chat}", self.db.backend);
            }
            self.assert_none_early(planned);
        }

        /// The emulator dates messages by the shared manual clock.
        fn assert_none_early(&self, planned: &[Planned]) {
            for p in planned {
                for m in self.emu.messages(p.chat_id).iter().filter(|m| m.rendered_text() == p.text) {
                    assert!(
                        m.date >= p.due_at.timestamp(),
                        "{:?}: {:?} went out at {} before it was due at {}",
                        self.db.backend,
                        p.text,
                        m.date,
                        p.due_at
                    );
                }
            }
        }

        async fn unreachable_at(&self, user_id: i64) -> Option<i64> {
            sqlx::query("SELECT unreachable_at FROM people WHERE user_id = $1")
                .bind(user_id)
                .fetch_one(&self.db.pool)
                .await
                .unwrap()
                .try_get("unreachable_at")
                .unwrap()
        }
    }

    /// A spawned worker with its event stream (subscribed before it ran, so nothing is missed).
    struct Running {
        handle: OutboxHandle,
        events: broadcast::Receiver<OutboxEvent>,
        stop: watch::Sender<bool>,
        join: JoinHandle<()>,
    }

    impl Running {
        fn spawn(worker: OutboxWorker) -> Running {
            let events = worker.handle().subscribe();
            let (stop, stop_rx) = watch::channel(false);
            let (handle, join) = worker.spawn(stop_rx);
            Running { handle, events, stop, join }
        }

        async fn next_event(&mut self) -> OutboxEvent {
            tokio::time::timeout(PATIENCE, self.events.recv())
                .await
                .expect("the worker reported nothing for a minute")
                .expect("the worker's event stream")
        }

        /// The next reports are exactly one `Sent` for each of `ids`, in any order.
        async fn expect_sent(&mut self, ids: impl IntoIterator<Item = i64>) {
            let expected: HashSet<i64> = ids.into_iter().collect();
            let mut seen = HashSet::new();
            while seen.len() < expected.len() {
                let event = self.next_event().await;
                assert_eq!(event.outcome, Outcome::Sent, "{event:?}");
                assert!(expected.contains(&event.id), "row {} was not expected to go out now: {event:?}", event.id);
                assert!(seen.insert(event.id), "row {} reported sent twice", event.id);
            }
        }

        /// Orderly stop (the shutdown signal), waiting for the worker to finish.
        async fn shut_down(self) {
            self.stop.send_replace(true);
            tokio::time::timeout(PATIENCE, self.join).await.expect("the worker did not stop").unwrap();
        }

        /// A crash: the task is killed wherever it is (mid-send, mid-claim, mid-wait) and releases
        /// nothing. Returns the reports it got out before dying that were not read yet.
        async fn crash(self) -> Vec<OutboxEvent> {
            let Running { handle: _, mut events, stop, join } = self;
            join.abort();
            let result = join.await;
            assert!(result.is_err_and(|e| e.is_cancelled()), "the worker had stopped before it was killed");
            // Dropped only now: a dropped shutdown sender would have been an orderly stop.
            drop(stop);
            let mut rest = Vec::new();
            loop {
                match events.try_recv() {
                    Ok(event) => rest.push(event),
                    Err(TryRecvError::Lagged(_)) => continue,
                    Err(_) => break,
                }
            }
            rest
        }
    }

    /// The next `n` sends and refusals the emulator saw, in order, as "chat: text" and
    /// "chat: <code>".
    async fn emulator_log(events: &mut broadcast::Receiver<EmuEvent>, n: usize) -> Vec<String> {
        let mut log = Vec::new();
        while log.len() < n {
            let event = tokio::time::timeout(PATIENCE, events.recv()).await.expect("the emulator saw nothing").unwrap();
            match event {
                EmuEvent::Sent(m) => log.push(format!("{}: {}", m.chat_id, m.rendered_text())),
                EmuEvent::Refused { chat_id, error_code, .. } => {
                    log.push(format!("{}: <{error_code}>", chat_id.unwrap_or_default()))
                }
                _ => {}
            }
        }
        log
    }

    async fn due_messages_go_out_once_in_queue_order_and_later_ones_wait_for_the_clock(db: Db) {
        let rig = Rig::new(db).await;
        // Five chats, each with messages due now, in one hour and in two hours, queued interleaved
        // so that queue order (due time, then id) is not insertion order.
        let dues = [t0(), t0() + Duration::hours(2), t0() + Duration::hours(1)];
        let batch = (0..45).map(|i| message(100 + i % 5, &format!("m{i:02}"), dues[i as usize % 3])).collect();
        let mut planned = rig.enqueue(batch).await;
        let due_at =
            |at: DateTime<Utc>| -> Vec<i64> { planned.iter().filter(|p| p.due_at == at).map(|p| p.id).collect() };
        let mut w = rig.start("w1");
        w.expect_sent(due_at(t0())).await;
        assert_eq!(rig.emu.stats().sends_ok, 15);

        // 59 minutes on nothing more is due: a message due then is the next thing that goes out,
        // and the later ones are still waiting in the queue, unclaimed.
        rig.clock.advance(Duration::minutes(59));
        let marker = rig.enqueue_one(message(199, "marker", rig.clock.now())).await;
        w.handle.wake();
        w.expect_sent([marker.id]).await;
        let later: Vec<Planned> = planned.iter().filter(|p| p.due_at > t0()).cloned().collect();
        rig.assert_statuses(&later, Status::Pending).await;
        assert_eq!(rig.emu.stats().sends_ok, 16);

        rig.clock.advance(Duration::minutes(1));
        w.expect_sent(due_at(t0() + Duration::hours(1))).await;
        assert_eq!(rig.emu.stats().sends_ok, 31);
        rig.clock.advance(Duration::hours(1));
        w.expect_sent(due_at(t0() + Duration::hours(2))).await;
        w.shut_down().await;

        planned.push(marker);
        rig.assert_delivered_once_in_order(&planned);
        rig.assert_statuses(&planned, Status::Sent).await;
        assert_eq!(rig.emu.stats().sends_ok, 46);
    }

    /// The one test with pacing: per-chat spacing is checked by the order Telegram saw, not by
    /// measuring time. Pacing does not depend on the engine, so SQLite only.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn per_chat_spacing_lets_other_chats_go_in_between_and_keeps_each_chats_order() {
        let (db, _dir) = db::testing::sqlite().await.unwrap();
        let rig = Rig::new(db).await;
        let mut seen = rig.emu.subscribe();
        let two_chats = |a: i64, b: i64| {
            let mut batch = Vec::new();
            for (chat, name) in [(a, "a"), (b, "b")] {
                for n in 1..=3 {
                    batch.push(message(chat, &format!("{name}{n}"), t0()));
                }
            }
            batch
        };

        // Unpaced, the two chats go out side by side, each in its own queue order.
        let planned = rig.enqueue(two_chats(201, 202)).await;
        let mut w = rig.start("unpaced");
        w.expect_sent(ids(&planned)).await;
        w.shut_down().await;
        let log = emulator_log(&mut seen, 6).await;
        let of_chat = |chat: &str| log.iter().filter(|l| l.starts_with(chat)).cloned().collect::<Vec<_>>();
        assert_eq!(of_chat("201"), ["201: a1", "201: a2", "201: a3"]);
        assert_eq!(of_chat("202"), ["202: b1", "202: b2", "202: b3"]);

        // With a second between two messages to one chat, the other chat's messages fill the gaps: each
        // second one message of each chat (the two of a second may arrive in either order).
        let planned = rig.enqueue(two_chats(203, 204)).await;
        let paced = Pacing { global_per_sec: 0, per_chat_min_interval: StdDuration::from_secs(1) };
        let mut w = Running::spawn(rig.worker("paced").with_pacing(paced));
        w.expect_sent(ids(&planned)).await;
        w.shut_down().await;
        let mut log = emulator_log(&mut seen, 6).await;
        for second in log.chunks_mut(2) {
            second.sort();
        }
        assert_eq!(log, ["203: a1", "204: b1", "203: a2", "204: b2", "203: a3", "204: b3"]);
        assert_eq!(rig.emu.stats().too_many_requests, 0);
    }

    /// A chat whose first send is answered with a 429 asking for an hour.
    const STALLING_CHAT: i64 = 349;

    /// Queues 40 messages to four chats, except the 16th, which goes to [`STALLING_CHAT`], and
    /// starts a worker: it sends 15, then waits out the 429 holding the other 25 claimed. Returns
    /// once it is in that wait.
    async fn start_and_stall(rig: &Rig, worker_id: &str) -> (Vec<Planned>, Running) {
        let batch = (0..40)
            .map(|i| {
                let chat = if i == 15 { STALLING_CHAT } else { 300 + i % 4 };
                message(chat, &format!("m{i:02}"), t0())
            })
            .collect();
        let planned = rig.enqueue(batch).await;
        rig.emu.fail_next(STALLING_CHAT, Fault::TooManyRequests { retry_after: 3600 });
        let mut seen = rig.emu.subscribe();
        // One call at a time, so exactly the first 15 are out when the 429 comes back.
        let mut w = Running::spawn(rig.worker(worker_id).with_max_in_flight(1));
        w.expect_sent(ids(&planned[..15])).await;
        assert_eq!(emulator_log(&mut seen, 16).await.last().unwrap(), &format!("{STALLING_CHAT}: <429>"));
        rig.assert_statuses(&planned[15..], Status::Sending).await;
        (planned, w)
    }

    async fn a_crashed_workers_claims_go_out_once_after_its_lease_runs_out(db: Db) {
        let rig = Rig::new(db).await;
        let (mut planned, a) = start_and_stall(&rig, "worker-a").await;
        assert_eq!(a.crash().await, vec![]);
        let held = planned[15..].to_vec();
        rig.assert_statuses(&held, Status::Sending).await;

        // A new worker sends what is free but leaves rows still leased to the dead one alone.
        let mut b = rig.start("worker-b");
        let marker = rig.enqueue_one(message(398, "marker", t0())).await;
        b.handle.wake();
        b.expect_sent([marker.id]).await;
        rig.assert_statuses(&held, Status::Sending).await;
        assert_eq!(rig.emu.stats().sends_ok, 16);

        // Once the lease has run out on the clock, it takes them over.
        rig.clock.advance(lease());
        b.expect_sent(ids(&held)).await;
        b.shut_down().await;

        // Nothing was in flight when A died (it was waiting out the 429): nothing went twice.
        planned.push(marker);
        rig.assert_delivered_once_in_order(&planned);
        rig.assert_statuses(&planned, Status::Sent).await;
        let stats = rig.emu.stats();
        assert_eq!((stats.sends_ok, stats.too_many_requests), (41, 1), "{:?}", rig.db.backend);
    }

    async fn a_worker_killed_mid_run_sends_nothing_twice_and_reports_what_was_in_flight(db: Db) {
        let rig = Rig::new(db).await;
        let batch = (0..120).map(|i| message(400 + i % 6, &format!("m{i:03}"), t0())).collect();
        let planned = rig.enqueue(batch).await;
        let mut a = Running::spawn(rig.worker("worker-a").with_batch_size(7).with_max_in_flight(3));
        for _ in 0..10 {
            assert_eq!(a.next_event().await.outcome, Outcome::Sent);
        }
        // Killed wherever it is: possibly with calls handed to Telegram but not yet recorded.
        a.crash().await;
        let unsent = rig.statuses(&planned).await.into_iter().filter(|s| *s != Status::Sent).count();
        assert!(unsent > 0, "the worker finished before it could be killed");

        // The dead worker's leases run out; a new worker takes over everything left.
        rig.clock.advance(lease());
        let mut b = Running::spawn(rig.worker("worker-b").with_batch_size(7));
        // Every report is a chance to look whether all is done.
        while rig.statuses(&planned).await.iter().any(|s| !matches!(s, Status::Sent | Status::Failed)) {
            let event = b.next_event().await;
            assert!(
                event.outcome == Outcome::Sent
                    || event.outcome == Outcome::Failed { error: outbox::INTERRUPTED.to_owned() },
                "{event:?}"
            );
        }
        b.shut_down().await;

        // Nothing went twice. A call cut off by the kill is settled as "delivery unknown" (at most the
        // three in flight), never sent again; everything else arrived once, each chat's in order.
        let mut interrupted = HashSet::new();
        for p in &planned {
            let row = outbox::get(&rig.db, p.id).await.unwrap().unwrap();
            if row.status == Status::Failed {
                assert_eq!(row.last_error.as_deref(), Some(outbox::INTERRUPTED));
                interrupted.insert(p.text.clone());
            }
        }
        assert!(interrupted.len() <= 3, "{:?}: {} calls were in flight", rig.db.backend, interrupted.len());
        for chat in chats(&planned) {
            let got = rig.texts(chat);
            let unique: HashSet<&String> = got.iter().collect();
            assert_eq!(unique.len(), got.len(), "{:?}: chat {chat} got a message twice: {got:?}", rig.db.backend);
            let expected: Vec<String> = expected_texts(&planned, chat)
                .into_iter()
                .filter(|t| !interrupted.contains(t) || got.contains(t))
                .collect();
            assert_eq!(got, expected, "{:?}: chat {chat}", rig.db.backend);
        }
    }

    async fn an_orderly_stop_hands_claimed_rows_back_and_the_next_worker_sends_them_once(db: Db) {
        let rig = Rig::new(db).await;
        let (planned, a) = start_and_stall(&rig, "worker-a").await;
        // Shutdown interrupts the 429 wait; the unsent claimed rows go back to the queue.
        a.shut_down().await;
        rig.assert_statuses(&planned[15..], Status::Pending).await;

        // So the next worker need not wait for a lease: same instant on the clock.
        let mut b = rig.start("worker-b");
        b.expect_sent(ids(&planned[15..])).await;
        b.shut_down().await;
        rig.assert_delivered_once_in_order(&planned);
        rig.assert_statuses(&planned, Status::Sent).await;
        let stats = rig.emu.stats();
        assert_eq!((stats.sends_ok, stats.too_many_requests), (40, 1), "{:?}", rig.db.backend);
    }

    async fn a_429_is_waited_out_and_the_same_message_sent_once_without_counting_a_failure(db: Db) {
        let rig = Rig::new(db).await;
        let planned = rig.enqueue(vec![message(9, "hello", t0()), message(10, "next", t0())]).await;
        rig.emu.fail_next(9, Fault::TooManyRequests { retry_after: 1 });
        let mut seen = rig.emu.subscribe();
        // One call at a time: with more, the other chat's call may be under way before the 429 comes back.
        let mut w = Running::spawn(rig.worker("w").with_max_in_flight(1));
        // Straight to Sent after the wait: no Retrying or Failed report in between.
        for p in &planned {
            let event = w.next_event().await;
            assert_eq!((event.id, event.outcome), (p.id, Outcome::Sent), "{:?}", rig.db.backend);
        }
        w.shut_down().await;
        // The same message again after the refusal; the other chat's only after it (nothing at
        // all goes out during the wait).
        assert_eq!(emulator_log(&mut seen, 3).await, ["9: <429>", "9: hello", "10: next"]);
        let row = outbox::get(&rig.db, planned[0].id).await.unwrap().unwrap();
        assert_eq!((row.status, row.attempts, row.last_error), (Status::Sent, 0, None), "{:?}", rig.db.backend);
        let stats = rig.emu.stats();
        assert_eq!((stats.sends_ok, stats.too_many_requests), (2, 1));
    }

    async fn a_server_error_is_retried_after_the_backoff_and_then_sent_once(db: Db) {
        let rig = Rig::new(db).await;
        let planned = rig.enqueue_one(message(11, "digest", t0())).await;
        rig.emu.fail_next(11, Fault::ServerError);
        let mut w = rig.start("w");
        // (teloxide itself pauses 10 s after a 5xx before it reports one.)
        let event = w.next_event().await;
        let Outcome::Retrying { attempts, next_due, .. } = event.outcome else { panic!("expected a retry: {event:?}") };
        assert_eq!(
            (event.id, attempts, next_due),
            (planned.id, 1, t0() + Duration::seconds(5)),
            "{:?}",
            rig.db.backend
        );
        let row = outbox::get(&rig.db, planned.id).await.unwrap().unwrap();
        assert_eq!((row.status, row.attempts, row.due_at), (Status::Pending, 1, t0() + Duration::seconds(5)));
        assert!(rig.texts(11).is_empty());

        rig.clock.advance(Duration::seconds(5));
        let event = w.next_event().await;
        assert_eq!((event.id, event.outcome), (planned.id, Outcome::Sent));
        w.shut_down().await;
        assert_eq!(rig.texts(11), ["digest"]);
        // Sent only once the clock reached the retry time.
        assert_eq!(rig.emu.messages(11)[0].date, (t0() + Duration::seconds(5)).timestamp());
        let row = outbox::get(&rig.db, planned.id).await.unwrap().unwrap();
        assert_eq!((row.status, row.attempts), (Status::Sent, 1));
        let stats = rig.emu.stats();
        assert_eq!((stats.sends_ok, stats.server_errors), (1, 1));
    }

    async fn a_person_who_blocked_the_bot_is_marked_unreachable_and_their_other_messages_cancelled(db: Db) {
        let rig = Rig::new(db).await;
        for user in [501, 502] {
            let person = NewPerson {
                lang: Lang::En,
                audience: Audience::Villager,
                name: PersonName::parse("Aygul Mamat").unwrap(),
                village_key: "v1".into(),
                phone: None,
                work_intent: None,
            };
            db::people::insert(&rig.db, user, user, &person, t0() - Duration::days(30)).await.unwrap();
        }
        let planned = rig
            .enqueue(vec![
                message(501, "reminder", t0()),
                message(502, "for someone else", t0()),
                // Claimed in the same batch as the first.
                message(501, "same batch", t0()),
                // Still waiting in the queue.
                message(501, "next week", t0() + Duration::days(7)),
            ])
            .await;
        rig.emu.block_bot(501, true);
        let mut w = rig.start("w");
        let mut outcomes = HashMap::new();
        for _ in 0..planned.len() {
            let event = w.next_event().await;
            assert!(outcomes.insert(event.id, event.outcome).is_none(), "row {} reported twice", event.id);
        }
        w.shut_down().await;

        let unreachable = Outcome::Cancelled { reason: "recipient unreachable".into() };
        assert_eq!(outcomes[&planned[0].id], Outcome::Blocked, "{:?}", rig.db.backend);
        assert_eq!(outcomes[&planned[1].id], Outcome::Sent);
        assert_eq!(outcomes[&planned[2].id], unreachable);
        assert_eq!(outcomes[&planned[3].id], unreachable);
        assert_eq!(
            rig.statuses(&planned).await,
            [Status::Failed, Status::Sent, Status::Cancelled, Status::Cancelled],
            "{:?}",
            rig.db.backend
        );
        let row = outbox::get(&rig.db, planned[0].id).await.unwrap().unwrap();
        assert!(row.last_error.as_deref().is_some_and(|e| e.starts_with("Forbidden")), "{row:?}");
        assert_eq!(rig.unreachable_at(501).await, Some(t0().timestamp()));
        assert_eq!(rig.unreachable_at(502).await, None);
        // Telegram was asked once: the rest were dropped without earning more 403s.
        assert_eq!(rig.emu.stats().forbidden, 1);
        assert!(rig.texts(501).is_empty());
        assert_eq!(rig.texts(502), ["for someone else"]);
    }

    async fn two_workers_at_once_deliver_every_message_exactly_once(db: Db) {
        let rig = Rig::new(db).await;
        let batch = (0..200).map(|i| message(600 + i % 10, &format!("m{i:03}"), t0())).collect();
        let planned = rig.enqueue(batch).await;
        // Small batches, so the two keep coming back for more at the same time.
        let mut a = Running::spawn(rig.worker("worker-a").with_batch_size(5));
        let mut b = Running::spawn(rig.worker("worker-b").with_batch_size(5));
        let mut sent = HashSet::new();
        while sent.len() < planned.len() {
            let event = tokio::time::timeout(PATIENCE, async {
                tokio::select! {
                    e = a.events.recv() => e,
                    e = b.events.recv() => e,
                }
            })
            .await
            .expect("neither worker reported anything for a minute")
            .unwrap();
            assert_eq!(event.outcome, Outcome::Sent, "{event:?}");
            assert!(sent.insert(event.id), "{:?}: row {} sent twice", rig.db.backend, event.id);
        }
        a.shut_down().await;
        b.shut_down().await;

        rig.assert_statuses(&planned, Status::Sent).await;
        assert_eq!(rig.emu.stats().sends_ok, 200, "{:?}", rig.db.backend);
        // Two workers may interleave one chat's messages; each still arrives exactly once.
        for chat in chats(&planned) {
            let mut got = rig.texts(chat);
            got.sort();
            assert_eq!(got, expected_texts(&planned, chat), "{:?}: chat {chat}", rig.db.backend);
        }
    }

    async fn a_message_whose_deadline_passed_before_its_turn_is_cancelled_not_sent(db: Db) {
        let rig = Rig::new(db).await;
        let mut stale = message(30, "class starts in 10 minutes", t0() - Duration::hours(2));
        stale.deadline_at = Some(t0() - Duration::hours(1));
        let mut fresh = message(31, "class starts in an hour", t0());
        fresh.deadline_at = Some(t0() + Duration::hours(1));
        let mut missed = message(32, "doors open", t0() + Duration::minutes(10));
        missed.deadline_at = Some(t0() + Duration::minutes(20));
        let planned = rig.enqueue(vec![stale, fresh, missed]).await;
        let passed = Outcome::Cancelled { reason: "deadline passed".into() };

        let mut w = rig.start("w");
        let event = w.next_event().await;
        assert_eq!((event.id, &event.outcome), (planned[0].id, &passed), "{:?}", rig.db.backend);
        let event = w.next_event().await;
        assert_eq!((event.id, event.outcome), (planned[1].id, Outcome::Sent));
        // The clock jumps past both the third message's due time and its deadline (the machine
        // slept, say): by its turn it is too late.
        rig.clock.advance(Duration::minutes(30));
        let event = w.next_event().await;
        assert_eq!((event.id, event.outcome), (planned[2].id, passed));
        w.shut_down().await;

        assert_eq!(rig.statuses(&planned).await, [Status::Cancelled, Status::Sent, Status::Cancelled]);
        assert!(rig.texts(30).is_empty() && rig.texts(32).is_empty());
        assert_eq!(rig.texts(31), ["class starts in an hour"]);
        assert_eq!(rig.emu.stats().sends_ok, 1);
    }

    async fn shutdown_stops_an_idle_worker(db: Db) {
        let rig = Rig::new(db).await;
        let w = rig.start("w");
        let pending = rig.enqueue_one(message(40, "later", t0() + Duration::hours(3))).await;
        w.handle.wake();
        w.shut_down().await;
        assert_eq!(status(&rig.db, pending.id).await, Status::Pending);
        assert_eq!(rig.emu.stats().sends_ok, 0);
    }

    /// Waits until the emulator holds a call to `chat` (a [`Fault::HeldServerError`]).
    async fn wait_held(events: &mut broadcast::Receiver<EmuEvent>, chat: i64) {
        loop {
            let event = tokio::time::timeout(PATIENCE, events.recv()).await.expect("no call was held").unwrap();
            if matches!(event, EmuEvent::Held { chat_id } if chat_id == chat) {
                return;
            }
        }
    }

    async fn a_slow_failing_answer_delays_only_its_own_message(db: Db) {
        let rig = Rig::new(db).await;
        let planned = rig.enqueue((0..12).map(|i| message(600 + i, &format!("n{i:02}"), t0())).collect()).await;
        // The first call hangs (then fails): a gateway that answers late, like teloxide's 10 s pause on a 5xx.
        rig.emu.fail_next(600, Fault::HeldServerError);
        let mut seen = rig.emu.subscribe();
        let mut w = rig.start("w");
        wait_held(&mut seen, 600).await;
        // While it hangs, every other message goes out.
        w.expect_sent(ids(&planned[1..])).await;
        assert!(rig.texts(600).is_empty());

        // Its 502 comes back: only that message waits for its backoff, then goes once.
        rig.emu.release_held();
        let event = w.next_event().await;
        assert_eq!(event.id, planned[0].id, "{:?}", rig.db.backend);
        assert!(matches!(event.outcome, Outcome::Retrying { attempts: 1, .. }), "{event:?}");
        rig.clock.advance(Duration::seconds(5));
        w.expect_sent([planned[0].id]).await;
        w.shut_down().await;
        rig.assert_delivered_once_in_order(&planned);
        assert_eq!(rig.emu.stats().server_errors, 1);
    }

    async fn a_restarted_process_takes_its_claims_back_at_once_and_never_repeats_a_cut_off_call(db: Db) {
        let rig = Rig::new(db).await;
        let planned = rig.enqueue((0..5).map(|i| message(700, &format!("a{i}"), t0())).collect()).await;
        // The first call is under way (held) when the process dies; the rest of the chat waits behind it.
        rig.emu.fail_next(700, Fault::HeldServerError);
        let mut seen = rig.emu.subscribe();
        let a = rig.start("outbox@this-host");
        wait_held(&mut seen, 700).await;
        a.crash().await;
        rig.emu.release_held();
        rig.assert_statuses(&planned, Status::Sending).await;

        // The same identity starts again, on the same instant of the clock: no lease to wait out. The
        // call that was under way may have reached Telegram, so it is reported and not made again.
        let mut b = rig.start("outbox@this-host");
        let event = b.next_event().await;
        assert_eq!(
            (event.id, event.outcome),
            (planned[0].id, Outcome::Failed { error: outbox::INTERRUPTED.to_owned() }),
            "{:?}",
            rig.db.backend
        );
        b.expect_sent(ids(&planned[1..])).await;
        b.shut_down().await;
        assert_eq!(rig.texts(700), ["a1", "a2", "a3", "a4"]);
        assert_eq!(rig.emu.stats().sends_ok, 4);
    }

    async fn a_message_that_fell_due_while_the_bot_was_down_is_timed_again_when_it_goes(db: Db) {
        let rig = Rig::new(db).await;
        let beijing = |s: &str| DateTime::parse_from_rfc3339(&format!("{s}+08:00")).unwrap().to_utc();
        let paused = 802;
        let person = NewPerson {
            lang: Lang::Zh,
            audience: Audience::Villager,
            name: PersonName::parse("Aygul Mamat").unwrap(),
            village_key: "no-such-village".into(),
            phone: None,
            work_intent: None,
        };
        db::people::insert(&rig.db, paused, paused, &person, t0() - Duration::days(30)).await.unwrap();
        db::people::set_paused_until(&rig.db, paused, Some(beijing("2026-03-05T00:00:00")), t0()).await.unwrap();
        let timed = |chat: i64, text: &str, due: &str, kind: MessageKind, personal: bool| NewMessage {
            due_at: beijing(due),
            rule: SendRule { kind, personal },
            ..message(chat, text, t0())
        };
        let reminder = |session: &str| MessageKind::Reminder { deadline: beijing(session) };
        let planned = rig
            .enqueue(vec![
                timed(801, "survey", "2026-03-02T11:30:00", MessageKind::SurveyNudge, false),
                timed(801, "urgent", "2026-03-02T20:00:00", MessageKind::Broadcast { urgent: true }, false),
                timed(801, "tomorrow's class", "2026-03-02T19:30:00", reminder("2026-03-03T09:00:00"), true),
                timed(801, "tonight's class", "2026-03-02T18:00:00", reminder("2026-03-02T20:00:00"), true),
                timed(paused, "a notice", "2026-03-02T12:00:00", MessageKind::Notice, false),
                timed(paused, "your seat", "2026-03-02T12:00:00", MessageKind::Notice, true),
            ])
            .await;
        // The bot was down from before 11:30 and starts again at 23:00.
        rig.clock.set(beijing("2026-03-02T23:00:00"));
        let mut w = rig.start("w");
        let mut outcomes = HashMap::new();
        for _ in 0..planned.len() {
            let event = w.next_event().await;
            outcomes.insert(event.id, event.outcome);
        }
        let morning = Outcome::Replanned { due_at: beijing("2026-03-03T07:30:00") };
        assert_eq!(outcomes[&planned[0].id], morning, "{:?}", rig.db.backend);
        assert_eq!(outcomes[&planned[1].id], morning);
        assert_eq!(outcomes[&planned[2].id], morning);
        assert_eq!(
            outcomes[&planned[3].id],
            Outcome::Cancelled { reason: "session began before the reminder could go".into() }
        );
        // A pause holds a notice to its end; what the person asked for goes in the morning.
        assert_eq!(outcomes[&planned[4].id], Outcome::Replanned { due_at: beijing("2026-03-05T07:30:00") });
        assert_eq!(outcomes[&planned[5].id], morning);
        assert_eq!(rig.emu.stats().sends_ok, 0, "nothing went out at night");

        rig.clock.set(beijing("2026-03-03T07:30:00"));
        w.expect_sent([planned[0].id, planned[1].id, planned[2].id, planned[5].id]).await;
        rig.clock.set(beijing("2026-03-05T07:30:00"));
        w.expect_sent([planned[4].id]).await;
        w.shut_down().await;
        assert_eq!(rig.texts(801), ["survey", "urgent", "tomorrow's class"]);
        for m in rig.emu.messages(801) {
            assert_eq!(m.date, beijing("2026-03-03T07:30:00").timestamp());
        }
        assert_eq!(rig.texts(paused), ["your seat", "a notice"]);
    }
}
