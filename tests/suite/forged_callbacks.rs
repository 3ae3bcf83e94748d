//! The forged-callback sweep and role commands (issue 13, "Abuse and bad input"): every kind of
//! callback data the bot produces, replayed or forged by someone it is not for — another person's
//! order, another region's report, a quiz attempt or survey not theirs, a broadcast not theirs, an
//! approval by a non-coordinator, a coordinator of county A acting on county B, attendance marks for
//! a class one does not teach — changes nothing in the database, is answered with the one "not
//! allowed" text (the same whether or not the thing exists) and logged with the actor and the press.
//! Role commands sent by people without the role are refused with the same text.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use crate::common::{Store, TestBot};
use fieldschool::db;
use fieldschool::domain::broadcast::Target;
use fieldschool::domain::callback::{Cb, OutcomeChoice, OutcomeScope};
use fieldschool::domain::order::OrderAction;
use fieldschool::domain::person::{Role, RoleGrant};
use fieldschool::domain::report::{Period, ReportStep};
use fieldschool::domain::survey::{Question, Wave};
use fieldschool::services::orders::PlaceOutcome;
use sqlx::Row;

const NOT_ALLOWED: &str = "您没有权限做这件事。";

/// Everything logged at WARN in this process, by every test of the suite (the bots run in process): the
/// sweep's people have ids no other test uses (771_001…), so the refusals it finds are its own.
fn log() -> Arc<Mutex<Vec<u8>>> {
    static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOG.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let sink = buffer.clone();
        let _ = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_max_level(tracing::Level::WARN)
            .with_writer(move || Sink(sink.clone()))
            .try_init();
        buffer
    })
    .clone()
}

struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn logged_refusal(actor: i64, press: &str) -> bool {
    let log = log();
    let text = String::from_utf8_lossy(&log.lock().unwrap()).into_owned();
    text.lines()
        .any(|l| l.contains("refused: not allowed") && l.contains(&format!("actor={actor} ")) && l.contains(press))
}

/// What any button could change: every table a press writes to, row by row for orders.
async fn snapshot(db: &db::Db) -> Vec<String> {
    let mut out = Vec::new();
    for table in [
        "orders",
        "order_events",
        "attendance",
        "checkins",
        "practical_checks",
        "quiz_attempts",
        "quiz_answers",
        "completions",
        "broadcasts",
        "broadcast_acks",
        "surveys",
        "survey_answers",
        "session_rsvps",
        "outbox",
        "person_roles",
        "course_requests",
        "lesson_readings",
        "lesson_answers",
        "lesson_credits",
        "lesson_subscriptions",
        "lesson_daily_plans",
        "referrals",
        "opening_offers",
    ] {
        let n: i64 = sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table}"))
            .fetch_one(&db.pool)
            .await
            .unwrap()
            .try_get("n")
            .unwrap();
        out.push(format!("{table}={n}"));
    }
    for row in sqlx::query("SELECT id, status FROM orders ORDER BY id").fetch_all(&db.pool).await.unwrap() {
        out.push(format!(
            "order {}={}",
            row.try_get::<i64, _>("id").unwrap(),
            row.try_get::<String, _>("status").unwrap()
        ));
    }
    for row in sqlx::query("SELECT id, status FROM referrals ORDER BY id").fetch_all(&db.pool).await.unwrap() {
        out.push(format!(
            "referral {}={}",
            row.try_get::<i64, _>("id").unwrap(),
            row.try_get::<String, _>("status").unwrap()
        ));
    }
    for row in sqlx::query("SELECT id, closed_at FROM openings ORDER BY id").fetch_all(&db.pool).await.unwrap() {
        out.push(format!(
            "opening {}={:?}",
            row.try_get::<i64, _>("id").unwrap(),
            row.try_get::<Option<i64>, _>("closed_at").unwrap()
        ));
    }
    for row in sqlx::query("SELECT id, completed_at FROM surveys ORDER BY id").fetch_all(&db.pool).await.unwrap() {
        out.push(format!(
            "survey {}={:?}",
            row.try_get::<i64, _>("id").unwrap(),
            row.try_get::<Option<i64>, _>("completed_at").unwrap()
        ));
    }
    out
}

/// Sends `command` and returns the first reply with buttons (notes from the outbox may come between).
async fn buttons_after(t: &TestBot, who: i64, command: &str) -> Option<fieldschool::emulator::BotMessage> {
    t.emu.send_text(who, command);
    for _ in 0..5 {
        let m = t.next(who).await;
        if !m.inline_keyboard.is_empty() {
            return Some(m);
        }
        // A coordinator's line about a new order ("📝 新报名…") may come first; anything else is the reply.
        if !m.rendered_text().starts_with('📝') {
            return None;
        }
    }
    None
}

/// Presses `data` on the person's latest message and returns the answer to the press.
async fn press(t: &TestBot, who: i64, data: &str) -> String {
    let message_id = t.emu.last_message(who).map(|m| m.message_id).unwrap_or(1);
    let id = t.emu.press(who, message_id, data);
    let answer = t.emu.callback_answer(&id).await.unwrap();
    t.emu.wait_updates_consumed().await.unwrap();
    t.settled().await;
    answer.text.unwrap_or_default()
}

async fn sweep(store: Store) {
    let _ = log();
    let Some(t) = TestBot::start(store).await else { return };
    let owner = t.villager(771_001, "甲").await;
    let stranger = t.villager(771_002, "乙").await;
    let coordinator_a = t.coordinator(771_003, "新安协调员").await;
    // County B's coordinator.
    let coordinator_b = t.user(771_004, "黔山协调员", "zh-hans");
    t.register(coordinator_b, "黔山协调员", "同意", "干部").await;
    let qianshan = RoleGrant { role: Role::Coordinator, region_key: "qianshan".into() };
    fieldschool::services::people::grant(&t.app, coordinator_b, &qianshan).await.unwrap();
    let teacher = t.trainer(771_005, "wang-lixin", "王立新").await;
    let other_trainer = t.trainer(771_006, "zhou-wenbin", "周文斌").await;

    // The owner's order in the mushroom class (taught by wang-lixin, in xinan), and a survey of theirs.
    let person = db::people::find(&t.app.db, owner).await.unwrap().unwrap();
    let PlaceOutcome::Placed { order, .. } =
        fieldschool::services::orders::place(&t.app, &person, "mushroom-2026-12").await.unwrap()
    else {
        panic!("the order is placed")
    };
    let session = db::catalog::sessions_of_class(&t.app.db, "mushroom-2026-12").await.unwrap()[0].id;
    let survey = {
        let mut tx = t.app.db.begin_write().await.unwrap();
        let new = db::surveys::NewSurvey {
            key: "forged-sweep",
            user_id: owner,
            wave: Wave::Baseline,
            order_id: None,
            opens_at: t.app.now(),
            closes_at: None,
        };
        let id = db::surveys::create(&mut tx, &new, t.app.now()).await.unwrap().unwrap();
        tx.commit().await.unwrap();
        id
    };
    // A broadcast of the class's own trainer to it.
    let teacher_person = db::people::find(&t.app.db, teacher).await.unwrap().unwrap();
    let draft = fieldschool::domain::broadcast::Draft {
        target: Target::Class("mushroom-2026-12".into()),
        audience: None,
        text: "明天改到村委会上课".into(),
        photo_id: None,
        urgent: false,
    };
    let broadcast =
        match fieldschool::services::broadcasts::send(&t.app, &teacher_person, teacher, &draft).await.unwrap() {
            fieldschool::services::broadcasts::SendOutcome::Queued { id, .. } => id,
            other => panic!("{other:?}"),
        };
    // A lesson the owner is reading.
    let reading = match fieldschool::services::lessons::open_next(&t.app, &person).await.unwrap() {
        fieldschool::services::lessons::Opened::Show {
            view: fieldschool::services::lessons::View::Card(card), ..
        } => card.reading_id,
        other => panic!("{other:?}"),
    };
    t.emu.wait_updates_consumed().await.unwrap();
    t.settled().await;
    let missing = 987_654;
    let o = order.id;
    // A job opening in xinan and the owner's referral to it (jobs after training).
    let opening = crate::job_referrals::publish(&t, &crate::job_referrals::cooperative()).await;
    t.certify(owner, "mushroom-small-2026-12", crate::common::beijing("2026-11-20T12:00:00")).await;
    let referral = match fieldschool::services::jobs::refer(&t.app, &person, opening).await.unwrap() {
        fieldschool::services::jobs::Refer::Referred { referral, .. } => referral.id,
        other => panic!("referred: {other:?}"),
    };
    t.next(coordinator_a).await;

    // (who, data): every kind of button, pressed by someone it is not for; ids that exist and ids that
    // do not are answered alike.
    let mut forged: Vec<(i64, String)> = Vec::new();
    for id in [o, missing] {
        for action in [
            OrderAction::Cancel(id),
            OrderAction::ConfirmCancel(id),
            OrderAction::AcceptOffer(id),
            OrderAction::DeclineOffer(id),
            // An approval by a non-coordinator.
            OrderAction::Approve(id),
            OrderAction::Reject(id),
            OrderAction::AllowCancel(id),
            OrderAction::RefuseCancel(id),
        ] {
            forged.push((stranger, Cb::Order(action).encode()));
        }
        // A coordinator of county B deciding for county A's class; a trainer approving.
        for action in [OrderAction::Approve(id), OrderAction::Reject(id), OrderAction::AllowCancel(id)] {
            forged.push((coordinator_b, Cb::Order(action).encode()));
            forged.push((teacher, Cb::Order(action).encode()));
        }
        forged.push((stranger, Cb::Rsvp { order: id, session, coming: false }.encode()));
        forged.push((stranger, Cb::QuizStart(id).encode()));
        forged.push((stranger, Cb::Certificate(id).encode()));
        forged.push((coordinator_a, Cb::Order(OrderAction::Cancel(id)).encode()));
    }
    for s in [session, missing] {
        // Attendance of a class one does not teach: another trainer, a villager, a coordinator.
        for who in [other_trainer, stranger, coordinator_a] {
            forged.push((who, Cb::OpenCheckin(s).encode()));
            // The trainee's "签到" button of a class one is not booked on.
            forged.push((who, Cb::CheckIn(s).encode()));
            forged.push((who, Cb::Roster(s).encode()));
            forged.push((who, Cb::CloseCheckin(s).encode()));
            forged.push((who, Cb::Mark { session: s, order: o, present: true }.encode()));
            forged.push((who, Cb::Practical { session: s, order: o, passed: true }.encode()));
        }
    }
    // The teacher marking an order of another class in their session.
    forged.push((teacher, Cb::Mark { session, order: missing, present: true }.encode()));
    // A quiz attempt that is not theirs (or does not exist, or is over).
    forged.push((stranger, Cb::QuizAnswer { attempt: missing, position: 0, choice: 0 }.encode()));
    // A lesson reading that is not theirs (or does not exist): its pages, its voice, its answers.
    for id in [reading, missing] {
        forged.push((stranger, Cb::LessonNext { reading: id, card: 0 }.encode()));
        forged.push((stranger, Cb::LessonListen { reading: id, card: 0 }.encode()));
        forged.push((stranger, Cb::LessonAnswer { reading: id, question: 0, choice: 0 }.encode()));
    }
    // Survey answers in another person's survey (and one that does not exist).
    for id in [survey, missing] {
        forged.push((stranger, Cb::SurveyStart(id).encode()));
        forged.push((stranger, Cb::SurveyLater(id).encode()));
        forged.push((stranger, Cb::SurveyChoice { survey: id, question: Question::Employment, choice: 0 }.encode()));
        forged.push((stranger, Cb::SurveyDecline { survey: id, question: Question::HouseholdSize }.encode()));
        forged.push((stranger, Cb::SurveyConfirm { survey: id, yuan: 30_000, yes: true }.encode()));
    }
    // A broadcast that is not theirs: its report, its acknowledgement.
    for id in [broadcast, missing] {
        forged.push((other_trainer, Cb::BcReport(id).encode()));
        forged.push((coordinator_b, Cb::BcReport(id).encode()));
        forged.push((stranger, Cb::Ack(id).encode()));
    }
    // Another region's report and outcomes: county B's coordinator on county A, a villager, a trainer.
    for who in [coordinator_b, stranger, teacher] {
        forged.push((who, Cb::Report(ReportStep::Region("xinan".into())).encode()));
        forged.push((
            who,
            Cb::Report(ReportStep::Run { region: "xinan".into(), course: None, period: Period::All }).encode(),
        ));
        forged.push((who, Cb::Report(ReportStep::Region("nowhere".into())).encode()));
        forged.push((who, Cb::Outcomes(OutcomeChoice::Region("xinan".into())).encode()));
        let export = OutcomeChoice::Export { region: "xinan".into(), scope: OutcomeScope::All, identifiable: true };
        forged.push((who, Cb::Outcomes(export).encode()));
    }
    forged.push((coordinator_a, Cb::Report(ReportStep::Region("qianshan".into())).encode()));
    // Jobs: a referral's statuses and an opening's list, close, card and CSV, pressed by another
    // villager and by the other county's coordinator; ids that do not exist by anyone.
    use fieldschool::domain::job::{Button as Job, ReferralStatus};
    for who in [stranger, coordinator_b] {
        for status in ReferralStatus::ALL {
            forged.push((who, Cb::Job(Job::Status { referral, from: ReferralStatus::Referred, status }).encode()));
        }
        for b in [
            Job::Referrals { opening },
            Job::Close { opening, confirmed: false },
            Job::Close { opening, confirmed: true },
            Job::Card { referral },
            Job::Csv { opening },
        ] {
            forged.push((who, Cb::Job(b).encode()));
        }
    }
    forged.push((stranger, Cb::Job(Job::Openings).encode()));
    for b in [
        Job::Status { referral: missing, from: ReferralStatus::Referred, status: ReferralStatus::Hired },
        Job::Referrals { opening: missing },
        Job::Close { opening: missing, confirmed: false },
        Job::Close { opening: missing, confirmed: true },
        Job::Card { referral: missing },
        Job::Csv { opening: missing },
    ] {
        forged.push((coordinator_a, Cb::Job(b).encode()));
    }
    // The lesson composer's buttons, pressed by a villager (who makes no lessons).
    for b in fieldschool::domain::lesson_compose::Button::all() {
        forged.push((stranger, Cb::Compose(b).encode()));
    }
    // `/opening`'s buttons (publishing an opening, the pay floor), pressed by a villager.
    for b in fieldschool::domain::opening_compose::Button::samples("xinan", "mushroom") {
        forged.push((stranger, Cb::OpeningCompose(b).encode()));
    }

    let before = snapshot(&t.app.db).await;
    for (who, data) in &forged {
        let answer = press(&t, *who, data).await;
        assert_eq!(answer, NOT_ALLOWED, "{who} pressing {data}");
        let cb = format!("{:?}", Cb::decode(data).unwrap());
        assert!(logged_refusal(*who, &cb), "{who} pressing {data} is logged as {cb}");
    }
    assert_eq!(snapshot(&t.app.db).await, before, "forged presses changed nothing");

    // A broadcast target of another region, in the middle of a real /broadcast dialog.
    assert!(buttons_after(&t, coordinator_a, "/broadcast").await.is_some(), "the coordinator's targets");
    let before = snapshot(&t.app.db).await;
    for target in
        [Target::Region("qianshan".into()), Target::Region("nowhere".into()), Target::Class("farmstay-2026-12".into())]
    {
        let data = Cb::BcTarget(target).encode();
        assert_eq!(press(&t, coordinator_a, &data).await, NOT_ALLOWED, "{data}");
    }
    // Another trainer's class (their own list may be empty: then /broadcast is no dialog at all).
    let data = Cb::BcTarget(Target::Class("mushroom-2026-12".into())).encode();
    if buttons_after(&t, other_trainer, "/broadcast").await.is_some() {
        assert_eq!(press(&t, other_trainer, &data).await, NOT_ALLOWED, "{data}");
    }
    assert_eq!(snapshot(&t.app.db).await, before);

    // "▶ 开始学习" of a lesson that is not for the presser (a cadres' lesson, pressed by a villager) or
    // that does not exist: a plain answer, and no reading begins.
    let cadre_lesson: i64 = sqlx::query_scalar("SELECT id FROM lessons WHERE audience = 'cadre' ORDER BY id")
        .fetch_one(&t.app.db.pool)
        .await
        .unwrap();
    let before = snapshot(&t.app.db).await;
    for lesson in [cadre_lesson, missing] {
        let answer = press(&t, stranger, &Cb::LessonStart { lesson }.encode()).await;
        crate::assert_shows!(answer, crate::common::ZH, "lesson-daily-gone");
    }
    assert_eq!(snapshot(&t.app.db).await, before, "a lesson not for them begins no reading");

    // The owner's own buttons still work: the sweep refused people, not buttons.
    let own = press(&t, owner, &Cb::Order(OrderAction::Cancel(o)).encode()).await;
    assert_ne!(own, NOT_ALLOWED);
    let own = press(&t, owner, &Cb::LessonNext { reading, card: 0 }.encode()).await;
    assert_ne!(own, NOT_ALLOWED);
    t.stop().await;
}

async fn role_commands(store: Store) {
    let _ = log();
    let Some(t) = TestBot::start(store).await else { return };
    let villager = t.villager(1101, "丙").await;
    let trainer = t.trainer(1102, "wang-lixin", "王立新").await;
    let coordinator = t.coordinator(1103, "丁").await;
    let before = snapshot(&t.app.db).await;
    let cases: &[(i64, &[&str])] = &[
        (
            villager,
            &[
                "/broadcast",
                "/checkin",
                "/report",
                "/outcomes",
                "/export_credits",
                "/requests",
                "/parked",
                "/parked retry 1",
                "/lesson",
                "/opening",
                "/referrals",
            ],
        ),
        (
            trainer,
            &[
                "/report",
                "/outcomes",
                "/export_credits",
                "/requests",
                "/parked",
                "/parked retry 99999",
                "/opening",
                "/referrals",
            ],
        ),
        (coordinator, &["/checkin", "/parked", "/parked retry 1"]),
    ];
    for (who, commands) in cases {
        for command in *commands {
            let reply = t.say(*who, command).await.rendered_text();
            assert_eq!(reply, NOT_ALLOWED, "{who} sending {command}");
        }
    }
    t.settled().await;
    assert_eq!(snapshot(&t.app.db).await, before);
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_callbacks_change_nothing_sqlite() {
    sweep(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_callbacks_change_nothing_postgres() {
    sweep(Store::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn role_commands_without_the_role_are_refused_sqlite() {
    role_commands(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn role_commands_without_the_role_are_refused_postgres() {
    role_commands(Store::Postgres).await;
}
