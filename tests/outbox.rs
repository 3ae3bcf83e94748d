//! The durable outbox on SQLite and PostgreSQL: storage rules first, then the worker end to end
//! against the Bot API emulator.

use chrono::{DateTime, Duration, Utc};
use fieldschool::db::outbox::{self, GroupProgress, NewMessage, Payload, PayloadButton, Status};
use fieldschool::db::{self, Db};

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

        let claimed = outbox::claim_due(&db, t0() + Duration::seconds(1), 10, "w", Duration::minutes(5)).await.unwrap();
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
        let batch = outbox::claim_due(&db, t0(), 2, "w1", lease).await.unwrap();
        assert_eq!(batch.iter().map(|c| c.id).collect::<Vec<_>>(), vec![first, second], "{:?}", db.backend);
        let batch = outbox::claim_due(&db, t0(), 10, "w2", lease).await.unwrap();
        assert_eq!(batch.iter().map(|c| c.id).collect::<Vec<_>>(), vec![third], "{:?}", db.backend);
        assert!(outbox::claim_due(&db, t0() + Duration::minutes(4), 10, "w2", lease).await.unwrap().is_empty());
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
        let dead = outbox::claim_due(&db, t0(), 10, "dead-worker", lease).await.unwrap();
        assert_eq!(dead.len(), 2);
        // The dead worker managed to send one before it died.
        outbox::mark_sent(&db, a, t0()).await.unwrap();

        assert!(
            outbox::claim_due(&db, t0() + lease - Duration::seconds(1), 10, "new", lease).await.unwrap().is_empty()
        );
        let recovered = outbox::claim_due(&db, t0() + lease, 10, "new", lease).await.unwrap();
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
                    let batch = outbox::claim_due(&db, t0(), 7, &format!("w{w}"), Duration::minutes(5)).await.unwrap();
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
        let claimed = outbox::claim_due(&db, t0(), 2, "w", Duration::minutes(5)).await.unwrap();
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
                .is_empty()
        );
        let again = outbox::claim_due(&db, t0() + Duration::seconds(30), 10, "w", Duration::minutes(5)).await.unwrap();
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
// The worker end to end. `src/emulator` did not exist yet when these were written, so a minimal
// Bot API stand-in (sendMessage only, with scripted faults) lives here; swap it for
// `fieldschool::emulator::Emulator` once that lands.

mod end_to_end {
    use std::collections::{HashMap, VecDeque};
    use std::sync::{Arc, Mutex};

    use axum::extract::{Path, State};
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    use chrono::Duration;
    use fieldschool::clock::{ManualClock, SharedClock};
    use fieldschool::db::outbox::{self, Status};
    use fieldschool::db::{self, Db};
    use fieldschool::domain::person::{Audience, PersonName};
    use fieldschool::domain::registration::NewPerson;
    use fieldschool::i18n::Lang;
    use fieldschool::outbox::{Backoff, OutboxEvent, OutboxHandle, OutboxWorker, Outcome, Pacing};
    use sqlx::Row;
    use tokio::sync::{broadcast, watch};

    use super::{engines, enqueue, message, status, t0};

    #[derive(Clone, Copy)]
    enum Fault {
        TooManyRequests { retry_after: u32 },
        ServerError,
        Blocked,
    }

    #[derive(Default)]
    struct Api {
        faults: HashMap<i64, VecDeque<Fault>>,
        delivered: HashMap<i64, Vec<String>>,
        next_message_id: i64,
    }

    #[derive(Clone, Default)]
    struct FakeTelegram(Arc<Mutex<Api>>);

    impl FakeTelegram {
        fn fail_next(&self, chat: i64, fault: Fault) {
            self.0.lock().unwrap().faults.entry(chat).or_default().push_back(fault);
        }

        fn messages(&self, chat: i64) -> Vec<String> {
            self.0.lock().unwrap().delivered.get(&chat).cloned().unwrap_or_default()
        }

        async fn start(&self) -> String {
            let app =
                axum::Router::new().route("/{token}/{method}", axum::routing::post(handle)).with_state(self.clone());
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
            format!("http://{addr}/")
        }
    }

    async fn handle(
        State(api): State<FakeTelegram>,
        Path((_token, method)): Path<(String, String)>,
        body: String,
    ) -> axum::response::Response {
        let json: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        let chat = json["chat_id"].as_i64().unwrap_or_default();
        let text = json["text"].as_str().unwrap_or_default().to_owned();
        if !method.eq_ignore_ascii_case("sendMessage") {
            return (StatusCode::NOT_FOUND, "{}").into_response();
        }
        let mut state = api.0.lock().unwrap();
        let fault = state.faults.get_mut(&chat).and_then(|q| q.pop_front());
        let error = |code: StatusCode, body: serde_json::Value| (code, axum::Json(body)).into_response();
        match fault {
            Some(Fault::TooManyRequests { retry_after }) => error(
                StatusCode::TOO_MANY_REQUESTS,
                serde_json::json!({"ok": false, "error_code": 429,
                    "description": format!("Too Many Requests: retry after {retry_after}"),
                    "parameters": {"retry_after": retry_after}}),
            ),
            Some(Fault::ServerError) => error(
                StatusCode::BAD_GATEWAY,
                serde_json::json!({"ok": false, "error_code": 502, "description": "Bad Gateway"}),
            ),
            Some(Fault::Blocked) => error(
                StatusCode::FORBIDDEN,
                serde_json::json!({"ok": false, "error_code": 403,
                    "description": "Forbidden: bot was blocked by the user"}),
            ),
            None => {
                state.delivered.entry(chat).or_default().push(text.clone());
                state.next_message_id += 1;
                let result = serde_json::json!({
                    "message_id": state.next_message_id, "date": 1_772_438_400,
                    "chat": {"id": chat, "type": "private", "first_name": "T"},
                    "from": {"id": 1, "is_bot": true, "first_name": "bot"},
                    "text": text,
                });
                axum::Json(serde_json::json!({"ok": true, "result": result})).into_response()
            }
        }
    }

    struct Rig {
        telegram: FakeTelegram,
        clock: ManualClock,
        handle: OutboxHandle,
        events: broadcast::Receiver<OutboxEvent>,
        stop: watch::Sender<bool>,
        join: tokio::task::JoinHandle<()>,
    }

    async fn rig(db: &Db, lease: Duration) -> Rig {
        let telegram = FakeTelegram::default();
        let url = telegram.start().await;
        let bot = teloxide::Bot::new("123:TEST").set_api_url(url.parse().unwrap());
        let clock = ManualClock::new(t0());
        let shared: SharedClock = Arc::new(clock.clone());
        let worker = OutboxWorker::new(db.clone(), bot, shared)
            .with_pacing(Pacing { global_per_sec: 1000, per_chat_min_interval: std::time::Duration::ZERO })
            .with_backoff(Backoff { steps: vec![std::time::Duration::from_secs(5)], max_attempts: 3 })
            .with_lease(lease);
        // Subscribe before the worker runs so no event is missed.
        let events = worker.handle().subscribe();
        let (stop, stop_rx) = watch::channel(false);
        let (handle, join) = worker.spawn(stop_rx);
        Rig { telegram, clock, handle, events, stop, join }
    }

    impl Rig {
        async fn next_event(&mut self) -> OutboxEvent {
            // A generous guard so a broken worker fails the test instead of hanging it.
            tokio::time::timeout(std::time::Duration::from_secs(60), self.events.recv())
                .await
                .expect("no outbox event within a minute")
                .unwrap()
        }

        async fn shut_down(self) {
            self.stop.send_replace(true);
            self.join.await.unwrap();
        }
    }

    #[tokio::test]
    async fn every_due_message_is_delivered_exactly_once_in_order_per_chat() {
        for (db, _guard) in engines().await {
            let mut rig = rig(&db, Duration::minutes(5)).await;
            let mut tx = db.begin_write().await.unwrap();
            for i in 0..30 {
                outbox::enqueue(&mut tx, &message(100 + i % 5, &format!("m{i}"), t0())).await.unwrap();
            }
            tx.commit().await.unwrap();
            rig.handle.wake();
            for _ in 0..30 {
                assert_eq!(rig.next_event().await.outcome, Outcome::Sent);
            }
            for chat in 100..105 {
                let expected: Vec<String> = (0..30).filter(|i| 100 + i % 5 == chat).map(|i| format!("m{i}")).collect();
                assert_eq!(rig.telegram.messages(chat), expected, "{:?}", db.backend);
                assert!(outbox::for_chat(&db, chat).await.unwrap().iter().all(|r| r.status == Status::Sent));
            }
            rig.shut_down().await;
        }
    }

    #[tokio::test]
    async fn a_message_due_later_goes_out_only_when_the_clock_reaches_it() {
        for (db, _guard) in engines().await {
            let mut rig = rig(&db, Duration::minutes(5)).await;
            let later = enqueue(&db, &message(7, "tomorrow's lesson", t0() + Duration::hours(1))).await.unwrap();
            let now = enqueue(&db, &message(8, "now", t0())).await.unwrap();
            rig.handle.wake();
            assert_eq!(rig.next_event().await.id, now);
            // The worker is now idle, waiting for the clock.
            assert_eq!(status(&db, later).await, Status::Pending);
            assert!(rig.telegram.messages(7).is_empty());

            rig.clock.advance(Duration::minutes(59));
            rig.clock.advance(Duration::minutes(1));
            let event = rig.next_event().await;
            assert_eq!((event.id, event.outcome), (later, Outcome::Sent), "{:?}", db.backend);
            assert_eq!(rig.telegram.messages(7), vec!["tomorrow's lesson".to_owned()]);
            rig.shut_down().await;
        }
    }

    #[tokio::test]
    async fn a_429_is_waited_out_and_the_message_delivered_once() {
        for (db, _guard) in engines().await {
            let mut rig = rig(&db, Duration::minutes(5)).await;
            rig.telegram.fail_next(9, Fault::TooManyRequests { retry_after: 1 });
            let id = enqueue(&db, &message(9, "hello", t0())).await.unwrap();
            rig.handle.wake();
            let event = rig.next_event().await;
            assert_eq!((event.id, event.outcome), (id, Outcome::Sent), "{:?}", db.backend);
            assert_eq!(rig.telegram.messages(9), vec!["hello".to_owned()]);
            // Waiting out a 429 is not a failed attempt.
            assert_eq!(outbox::get(&db, id).await.unwrap().unwrap().attempts, 0);
            rig.shut_down().await;
        }
    }

    #[tokio::test]
    async fn a_server_error_is_retried_after_the_backoff_and_delivered_once() {
        for (db, _guard) in engines().await {
            let mut rig = rig(&db, Duration::minutes(5)).await;
            rig.telegram.fail_next(10, Fault::ServerError);
            let id = enqueue(&db, &message(10, "digest", t0())).await.unwrap();
            rig.handle.wake();
            let Outcome::Retrying { attempts, next_due, .. } = rig.next_event().await.outcome else {
                panic!("expected a retry")
            };
            assert_eq!((attempts, next_due), (1, t0() + Duration::seconds(5)), "{:?}", db.backend);
            assert!(rig.telegram.messages(10).is_empty());
            rig.clock.advance(Duration::seconds(5));
            let event = rig.next_event().await;
            assert_eq!((event.id, event.outcome), (id, Outcome::Sent));
            assert_eq!(rig.telegram.messages(10), vec!["digest".to_owned()]);
            rig.shut_down().await;
        }
    }

    #[tokio::test]
    async fn a_person_who_blocked_the_bot_is_marked_unreachable_and_not_sent_to_again() {
        for (db, _guard) in engines().await {
            let person = NewPerson {
                lang: Lang::En,
                audience: Audience::Villager,
                name: PersonName::parse("Aygul Mamat").unwrap(),
                village_key: "v1".into(),
                phone: None,
            };
            db::people::insert(&db, 501, 501, &person, t0()).await.unwrap();
            let mut rig = rig(&db, Duration::minutes(5)).await;
            rig.telegram.fail_next(501, Fault::Blocked);
            let first = enqueue(&db, &message(501, "reminder", t0())).await.unwrap();
            let later = enqueue(&db, &message(501, "next week", t0() + Duration::days(7))).await.unwrap();
            rig.handle.wake();
            let mut outcomes = HashMap::new();
            for _ in 0..2 {
                let e = rig.next_event().await;
                outcomes.insert(e.id, e.outcome);
            }
            assert_eq!(outcomes[&first], Outcome::Blocked, "{:?}", db.backend);
            assert!(matches!(outcomes[&later], Outcome::Cancelled { .. }));
            assert_eq!(status(&db, first).await, Status::Failed);
            assert_eq!(status(&db, later).await, Status::Cancelled);
            let unreachable: Option<i64> = sqlx::query("SELECT unreachable_at FROM people WHERE user_id = 501")
                .fetch_one(&db.pool)
                .await
                .unwrap()
                .try_get("unreachable_at")
                .unwrap();
            assert_eq!(unreachable, Some(db::to_epoch(t0())));
            rig.clock.advance(Duration::days(8));
            // Nothing more goes to them: another chat's message is the next thing delivered.
            let other = enqueue(&db, &message(502, "someone else", t0() + Duration::days(8))).await.unwrap();
            rig.handle.wake();
            assert_eq!(rig.next_event().await.id, other);
            assert!(rig.telegram.messages(501).is_empty());
            rig.shut_down().await;
        }
    }

    #[tokio::test]
    async fn after_a_crash_a_new_worker_sends_the_claimed_rows_once_the_lease_runs_out() {
        for (db, _guard) in engines().await {
            let lease = Duration::minutes(5);
            let ids = [
                enqueue(&db, &message(20, "a", t0())).await.unwrap(),
                enqueue(&db, &message(21, "b", t0())).await.unwrap(),
                enqueue(&db, &message(22, "c", t0())).await.unwrap(),
            ];
            // A worker claims them and is killed before sending anything.
            assert_eq!(outbox::claim_due(&db, t0(), 10, "killed", lease).await.unwrap().len(), 3);

            let mut rig = rig(&db, lease).await;
            let marker = enqueue(&db, &message(23, "marker", t0())).await.unwrap();
            rig.handle.wake();
            // The new worker sends what is free, but not the rows still leased to the dead one.
            assert_eq!(rig.next_event().await.id, marker);
            for id in ids {
                assert_eq!(status(&db, id).await, Status::Sending);
            }
            rig.clock.advance(lease);
            let mut sent = Vec::new();
            for _ in 0..3 {
                let e = rig.next_event().await;
                assert_eq!(e.outcome, Outcome::Sent);
                sent.push(e.id);
            }
            sent.sort();
            assert_eq!(sent, ids.to_vec(), "{:?}", db.backend);
            for (chat, text) in [(20, "a"), (21, "b"), (22, "c")] {
                assert_eq!(rig.telegram.messages(chat), vec![text.to_owned()]);
            }
            rig.shut_down().await;
        }
    }

    #[tokio::test]
    async fn a_message_past_its_deadline_is_cancelled_not_sent() {
        for (db, _guard) in engines().await {
            let mut rig = rig(&db, Duration::minutes(5)).await;
            let mut stale = message(30, "class starts in 10 minutes", t0() - Duration::hours(2));
            stale.deadline_at = Some(t0() - Duration::hours(1));
            let id = enqueue(&db, &stale).await.unwrap();
            rig.handle.wake();
            let event = rig.next_event().await;
            assert_eq!(event.id, id);
            assert_eq!(event.outcome, Outcome::Cancelled { reason: "deadline passed".into() }, "{:?}", db.backend);
            assert_eq!(status(&db, id).await, Status::Cancelled);
            assert!(rig.telegram.messages(30).is_empty());
            rig.shut_down().await;
        }
    }

    #[tokio::test]
    async fn shutdown_stops_an_idle_worker() {
        for (db, _guard) in engines().await {
            let rig = rig(&db, Duration::minutes(5)).await;
            let pending = enqueue(&db, &message(40, "later", t0() + Duration::hours(3))).await.unwrap();
            rig.shut_down().await;
            assert_eq!(status(&db, pending).await, Status::Pending);
        }
    }
}
