//! Attendance a funder can trust (issue 11), end to end through the Bot API emulator on SQLite and
//! PostgreSQL: proof of presence at check-in (the code from the room or a location at the venue,
//! inside the session's window, wrong codes locked out), the trainer's picker, attendance by hand
//! when nobody checked in, completion never below the minimum, a final status for every order,
//! "can't come" on the roster, quizzes, certificates and their verification.

use crate::common::{ANY, DEMO_CATALOG, Store, TestBot, ZH, beijing, matches, pattern, shows, tr, zh, zh_date};
use crate::{assert_matches, assert_shows};
use fieldschool::db;
use fieldschool::domain::catalog::Session;
use fieldschool::domain::order::OrderStatus;
use fieldschool::emulator::BotMessage;
use fieldschool::i18n::Lang;
use fieldschool::services::learning;

const SMALL: &str = "mushroom-small-2026-12";
const BIG: &str = "mushroom-2026-12";

async fn start(store: Store) -> Option<TestBot> {
    TestBot::start_with(store, |c| {
        c.quiz_seed = Some(42);
        c.bot_username = Some("fieldschool_test_bot".into());
    })
    .await
}

async fn order(t: &TestBot, me: i64, class_label: &str) {
    t.say(me, "📚 报名培训").await;
    t.tap(me, "特色种养").await;
    t.tap(me, "食用菌种植技术").await;
    t.tap(me, class_label).await;
    let done = t.tap(me, "确认报名").await;
    assert_shows!(done.rendered_text(), ZH, "order-confirmed");
}

/// The next message to `user` that holds `needle` (a text, or a pattern such as `pattern(ZH, key)`:
/// see `common::matches`), passing over others (reminders and outbox messages come on their own
/// time, before or after a reply).
async fn until(t: &TestBot, user: i64, needle: &str) -> BotMessage {
    loop {
        let m = t.next(user).await;
        if matches(&m.rendered_text(), needle) {
            return m;
        }
    }
}

/// Sends text and returns the first message after it that holds `needle` (as in [`until`]).
async fn say_until(t: &TestBot, user: i64, text: &str, needle: &str) -> BotMessage {
    t.emu.send_text(user, text);
    until(t, user, needle).await
}

async fn sessions(t: &TestBot, class: &str) -> Vec<Session> {
    db::catalog::sessions_of_class(&t.app.db, class).await.unwrap()
}

async fn order_of(t: &TestBot, user: i64) -> db::orders::OrderRow {
    db::orders::of_user(&t.app.db, user).await.unwrap().into_iter().next().unwrap()
}

async fn status(t: &TestBot, user: i64) -> OrderStatus {
    order_of(t, user).await.status
}

/// The scheduler's pass, run here as well: when it returns, everything due by the clock is done (the
/// scheduler's own pass included), so the test can look at statuses that send no message.
async fn settled(t: &TestBot) {
    learning::finalize_due(&t.app).await.unwrap();
}

/// Presses callback data on `msg` and returns the answer's toast text.
async fn press(t: &TestBot, user: i64, msg: &BotMessage, data: &str) -> String {
    let id = t.emu.press(user, msg.message_id, data);
    t.emu.callback_answer(&id).await.unwrap().text.unwrap_or_default()
}

/// The trainer's newest message showing a roster.
fn roster_of(t: &TestBot, trainer: i64) -> BotMessage {
    t.emu
        .messages(trainer)
        .into_iter()
        .rev()
        .find(|m| shows(&m.rendered_text(), ZH, "roster-counts"))
        .expect("a roster")
}

/// The roster's count line: "已到 1 / 2 人".
fn present(n: u32, total: u32) -> String {
    tr!(ZH, "roster-counts", present = n, total = total)
}

fn message(t: &TestBot, user: i64, id: i32) -> BotMessage {
    t.emu.messages(user).into_iter().find(|m| m.message_id == id).unwrap()
}

// ---------------------------------------------------------------------------------------------------
// 1. Check-in needs proof of presence
// ---------------------------------------------------------------------------------------------------

/// The small class meets at 西村张大姐家菇棚; here it gets coordinates and a 200 m radius.
fn with_venue(catalog: &str) -> String {
    let head = "place    = \"西村张大姐家菇棚\"\ncapacity = 2";
    assert!(catalog.contains(head));
    catalog.replace(head, &format!("{head}\nlat      = 34.7466\nlon      = 112.634\nradius_m = 200"))
}

async fn proof_of_presence(store: Store) {
    let Some(t) = start(store).await else { return };
    fieldschool::services::catalog_import::import_str(&t.app.db, "demo.toml", &with_venue(DEMO_CATALOG)).await.unwrap();
    let teacher = t.trainer(900, "wang-lixin", "王立新").await;
    let a = t.villager(901, "甲").await;
    let b = t.villager(902, "乙").await;
    for who in [a, b] {
        order(&t, who, "张大姐家菇棚").await;
    }
    let session = sessions(&t, SMALL).await.remove(0); // 12-20 09:30–11:30
    let checkin_data = format!("ci:{}", session.id);

    // 08:50: before the window (from 30 minutes before the start) the button says when it opens, and
    // a location checks in nobody.
    t.clock.set(beijing("2026-12-20T08:50:00"));
    for who in [a, b] {
        for _ in 0..2 {
            until(&t, who, &pattern(ZH, "reminder-title")).await;
        }
    }
    let last = t.emu.last_message(a).unwrap();
    press(&t, a, &last, &checkin_data).await;
    let early = t.next(a).await.rendered_text();
    let not_yet =
        tr!(ZH, "checkin-not-yet", opens = tr!(ZH, "learning-date-time", month = 12, day = 20, time = "09:00"));
    assert!(early.contains(&not_yet), "{early}");
    t.emu.send_location(a, 34.7467, 112.634);
    assert!(t.next(a).await.rendered_text().contains(&not_yet));
    assert!(t.say(a, "1234").await.rendered_text().contains(&not_yet));

    // 09:20: the trainer opens check-in; the "签到" button checks nobody in by itself: it asks for the
    // code and offers the location button (the venue has coordinates).
    t.clock.set(beijing("2026-12-20T09:20:00"));
    let code = t.open_checkin(teacher, "12月20日").await;
    let invite_a = until(&t, a, &pattern(ZH, "checkin-open")).await;
    let invite_b = until(&t, b, &pattern(ZH, "checkin-open")).await;
    press(&t, a, &invite_a, invite_a.inline_keyboard[0][0].callback_data.as_deref().unwrap()).await;
    let prompt = t.next(a).await;
    assert_shows!(prompt.rendered_text(), ZH, "checkin-prompt-location");
    let keyboard = prompt.reply_keyboard.clone().expect("a reply keyboard");
    let location_button = keyboard.rows.iter().flatten().find(|b| b.request_location).expect("a location button");
    assert_eq!(location_button.text, zh("btn-send-location"));
    assert!(roster_of(&t, teacher).rendered_text().contains(&present(0, 2)));

    // About 1.1 km away: told the distance and the radius, not checked in.
    t.emu.send_location(a, 34.7566, 112.634);
    let far = t.next(a).await.rendered_text();
    assert!(far.contains(&tr!(ZH, "checkin-too-far", distance = 1112, radius = 200)), "{far}");
    // About 44 m away: checked in, the menu is back, and the distance is stored with the mark.
    t.emu.send_location(a, 34.7470, 112.634);
    let done = t.next(a).await;
    assert_shows!(done.rendered_text(), ZH, "checkin-done");
    assert!(done.reply_keyboard.unwrap().rows.iter().flatten().any(|b| b.text == zh("menu-browse")));
    let mark = db::learning::mark_record(&t.app.db, order_of(&t, a).await.id, session.id).await.unwrap().unwrap();
    assert_eq!((mark.source.as_str(), mark.marked_by), ("location", Some(a)));
    assert!((40..=50).contains(&mark.distance_m.unwrap()), "{mark:?}");
    assert!(roster_of(&t, teacher).rendered_text().contains(&present(1, 2)));

    // 乙 guesses: four wrong codes are told how many tries are left, the fifth locks check-in for ten
    // minutes, and then even the right code waits.
    let wrong: Vec<String> =
        (1..=5).map(|k| format!("{:04}", (code.parse::<u32>().unwrap() + k * 1111) % 10_000)).collect();
    for (i, guess) in wrong.iter().enumerate().take(4) {
        let reply = t.say(b, guess).await.rendered_text();
        assert!(reply.contains(&tr!(ZH, "checkin-wrong-code", left = 4 - i)), "{reply}");
    }
    let locked = t.say(b, &wrong[4]).await.rendered_text();
    // Locked until 09:30 (the until argument ends with the time).
    assert_matches!(locked, tr!(ZH, "checkin-locked", until = format!("{ANY}09:30")));
    let still = t.say(b, &code).await.rendered_text();
    assert_shows!(still, ZH, "checkin-locked");
    press(&t, b, &invite_b, invite_b.inline_keyboard[0][0].callback_data.as_deref().unwrap()).await;
    assert_shows!(t.next(b).await.rendered_text(), ZH, "checkin-locked");
    t.clock.set(beijing("2026-12-20T09:31:00"));
    assert_shows!(t.say(b, &code).await.rendered_text(), ZH, "checkin-done");
    assert_eq!(
        db::learning::mark_record(&t.app.db, order_of(&t, b).await.id, session.id).await.unwrap().unwrap().source,
        "code"
    );
    assert!(roster_of(&t, teacher).rendered_text().contains(&present(2, 2)));

    // After the end, the button, a location and the code all say check-in has closed.
    t.clock.set(beijing("2026-12-20T11:31:00"));
    press(&t, b, &invite_b, invite_b.inline_keyboard[0][0].callback_data.as_deref().unwrap()).await;
    until(&t, b, &zh("checkin-closed")).await;
    t.emu.send_location(a, 34.7470, 112.634);
    until(&t, a, &zh("checkin-closed")).await;
    say_until(&t, a, &code, &zh("checkin-closed")).await;
    // The next day nothing of theirs is near: no check-in open.
    t.clock.set(beijing("2026-12-21T10:00:00"));
    say_until(&t, a, &code, &zh("checkin-none-open")).await;
    t.emu.send_location(a, 34.7470, 112.634);
    until(&t, a, &zh("checkin-no-session-now")).await;
    t.stop().await;
}

#[tokio::test]
async fn check_in_needs_proof_of_presence_sqlite() {
    proof_of_presence(Store::Sqlite).await;
}

#[tokio::test]
async fn check_in_needs_proof_of_presence_postgres() {
    proof_of_presence(Store::Postgres).await;
}

// ---------------------------------------------------------------------------------------------------
// 2. The trainer's /checkin picker
// ---------------------------------------------------------------------------------------------------

async fn picker(store: Store) {
    let Some(t) = start(store).await else { return };
    let teacher = t.trainer(910, "wang-lixin", "王立新").await;
    let a = t.villager(911, "甲").await;
    order(&t, a, "铁山镇农业技术推广站").await;
    let s = sessions(&t, BIG).await; // 12-12 09:00, 12-13 09:00, 12-19 14:00

    // 08:00 on 12-12: nothing to open yet; told when today's opens.
    t.clock.set(beijing("2026-12-12T08:00:00"));
    let early = t.say(teacher, "/checkin").await.rendered_text();
    assert_matches!(early, tr!(ZH, "checkin-next-today", opens = format!("{ANY}08:30")));

    // 08:40: only today's session, in its window; its button carries the session's id.
    t.clock.set(beijing("2026-12-12T08:40:00"));
    let list = t.say(teacher, "/checkin").await;
    let buttons: Vec<_> = list.buttons().collect();
    assert_eq!(buttons.len(), 1, "{buttons:?}");
    assert!(buttons[0].text.contains(&zh_date(2026, 12, 12)), "{buttons:?}");
    assert_eq!(buttons[0].callback_data.as_deref(), Some(format!("ck:{}", s[0].id).as_str()));

    // A button for the session a week ahead (an old picker's, or forged) is answered and opens nothing:
    // no code, nothing to the villagers.
    for ahead in [&s[1], &s[2]] {
        let toast = press(&t, teacher, &list, &format!("ck:{}", ahead.id)).await;
        assert_shows!(toast, ZH, "checkin-not-yet");
        assert!(db::learning::checkin(&t.app.db, ahead.id).await.unwrap().is_none());
    }

    // After the end: ended sessions are not offered, and the old button opens nothing. (Nobody checked
    // in, so the trainer is also asked to mark attendance by hand, in a message of its own.)
    t.clock.set(beijing("2026-12-12T11:40:00"));
    // The demo catalogue gives no office contact: the bot passes "none".
    let none_open = tr!(ZH, "checkin-no-sessions", contact = "none");
    let later = say_until(&t, teacher, "/checkin", &none_open).await;
    assert!(later.rendered_text().contains(&none_open), "{}", later.rendered_text());
    assert!(later.inline_keyboard.is_empty());
    let toast = press(&t, teacher, &list, &format!("ck:{}", s[0].id)).await;
    assert!(toast.contains(&zh("checkin-ended")), "{toast}");
    assert!(db::learning::checkin(&t.app.db, s[0].id).await.unwrap().is_none());
    assert!(!t.emu.messages(a).iter().any(|m| shows(&m.rendered_text(), ZH, "checkin-open")));
    t.stop().await;
}

#[tokio::test]
async fn the_picker_offers_only_todays_sessions_in_their_window_sqlite() {
    picker(Store::Sqlite).await;
}

#[tokio::test]
async fn the_picker_offers_only_todays_sessions_in_their_window_postgres() {
    picker(Store::Postgres).await;
}

// ---------------------------------------------------------------------------------------------------
// 3. Attendance by hand when check-in was not opened
// ---------------------------------------------------------------------------------------------------

async fn by_hand(store: Store) {
    let Some(t) = start(store).await else { return };
    let teacher = t.trainer(920, "wang-lixin", "王立新").await;
    let a = t.villager(921, "甲").await;
    let b = t.villager(922, "乙").await;
    for who in [a, b] {
        order(&t, who, "张大姐家菇棚").await;
    }
    let session = sessions(&t, SMALL).await.remove(0);

    // The session ends and nobody opened check-in: the trainer is asked, with the roster's buttons.
    t.clock.set(beijing("2026-12-20T11:31:00"));
    let ask = until(&t, teacher, &zh("attendance-by-hand")).await;
    let text = ask.rendered_text();
    let until_when = tr!(ZH, "learning-date-time", month = 12, day = 22, time = "11:30");
    assert!(text.contains(&tr!(ZH, "roster-hand", until = until_when)) && text.contains(&present(0, 2)), "{text}");
    settled(&t).await;
    assert_eq!((status(&t, a).await, status(&t, b).await), (OrderStatus::Confirmed, OrderStatus::Confirmed));

    // 甲 came: the trainer marks them; who and when is stored, the message shows it in place.
    let toggle = |m: &BotMessage, name: &str| {
        m.buttons().find(|b| b.text.starts_with(name)).and_then(|b| b.callback_data.clone()).unwrap()
    };
    assert_eq!(press(&t, teacher, &ask, &toggle(&ask, "甲")).await, "");
    let shown = message(&t, teacher, ask.message_id).rendered_text();
    let marked = tr!(ZH, "roster-line", mark = zh("roster-present"), name = "甲", practical = ANY, leave = ANY);
    assert!(matches(&shown, &marked) && shown.contains(&present(1, 2)), "{shown}");
    let mark = db::learning::mark_record(&t.app.db, order_of(&t, a).await.id, session.id).await.unwrap().unwrap();
    assert_eq!((mark.source.as_str(), mark.marked_by, mark.at), ("trainer", Some(teacher), t.app.now()));

    // The attendance is taken: 甲 counts as attended and gets the quiz, 乙 (not marked) is absent.
    until(&t, a, &pattern(ZH, "quiz-invite")).await;
    settled(&t).await;
    assert_eq!((status(&t, a).await, status(&t, b).await), (OrderStatus::Attended, OrderStatus::NoShow));

    // Next morning the trainer remembers 乙 was there too.
    t.clock.set(beijing("2026-12-21T10:00:00"));
    let ask = message(&t, teacher, ask.message_id);
    press(&t, teacher, &ask, &toggle(&ask, "乙")).await;
    until(&t, b, &pattern(ZH, "quiz-invite")).await;
    assert_eq!(status(&t, b).await, OrderStatus::Attended);

    // 48 hours after the end, marks are closed.
    t.clock.set(beijing("2026-12-22T11:31:00"));
    let ask = message(&t, teacher, ask.message_id);
    let toast = press(&t, teacher, &ask, &toggle(&ask, "甲")).await;
    assert!(toast.contains(&zh("mark-too-late")), "{toast}");
    let mark = db::learning::mark_record(&t.app.db, order_of(&t, a).await.id, session.id).await.unwrap().unwrap();
    assert_eq!(mark.mark, fieldschool::domain::learning::Mark::Present);
    let shown = message(&t, teacher, ask.message_id).rendered_text();
    assert!(shown.contains(&zh("roster-final")), "{shown}");
    t.stop().await;
}

#[tokio::test]
async fn attendance_nobody_took_is_marked_by_hand_sqlite() {
    by_hand(Store::Sqlite).await;
}

#[tokio::test]
async fn attendance_nobody_took_is_marked_by_hand_postgres() {
    by_hand(Store::Postgres).await;
}

// ---------------------------------------------------------------------------------------------------
// 4. Completion never below the minimum
// ---------------------------------------------------------------------------------------------------

async fn minimum(store: Store) {
    let Some(t) = start(store).await else { return };
    let teacher = t.trainer(930, "wang-lixin", "王立新").await;
    let a = t.villager(931, "甲").await;
    order(&t, a, "铁山镇农业技术推广站").await;
    let order_id = order_of(&t, a).await.id;

    // Sessions 1 and 2 (12-12, 12-13 09:00–11:30): 甲 checks in with the code.
    for (at, day) in [("2026-12-12T08:55:00", "12月12日"), ("2026-12-13T08:55:00", "12月13日")] {
        t.clock.set(beijing(at));
        let code = t.open_checkin(teacher, day).await;
        say_until(&t, a, &code, &pattern(ZH, "checkin-done")).await;
    }
    // Between sessions 甲 takes the quiz (it is offered once they have been to class) and passes.
    t.clock.set(beijing("2026-12-13T12:00:00"));
    let last = t.emu.last_message(a).unwrap();
    press(&t, a, &last, &learning::quiz_start_data(order_id)).await;
    let mut question = until(&t, a, &tr!(ZH, "quiz-question", position = 1, total = 5, text = ANY)).await;
    for _ in 0..5 {
        t.answer_quiz(a, &question, "mushroom", true).await;
        question = t.next(a).await;
    }
    assert_shows!(question.rendered_text(), ZH, "quiz-passed");

    // Session 3 (12-19 14:00–16:30): nobody opens check-in; the trainer is asked and marks nobody.
    t.clock.set(beijing("2026-12-19T16:31:00"));
    until(&t, teacher, &zh("attendance-by-hand")).await;
    settled(&t).await;
    assert_eq!(status(&t, a).await, OrderStatus::Confirmed, "attendance not final yet");

    // 48 hours on the session counts as held and missed: 2 of 3 is under the course's 80%.
    t.clock.set(beijing("2026-12-21T16:31:00"));
    settled(&t).await;
    let o = order_of(&t, a).await;
    assert_eq!(o.status, OrderStatus::NotCompleted);
    let course = db::catalog::course(&t.app.db, "mushroom").await.unwrap().unwrap();
    let p = learning::progress(&t.app, &o, &course).await.unwrap();
    assert_eq!((p.sessions_held, p.present, p.sessions_pending), (3, 2, 0));
    assert!(db::learning::completion_of_order(&t.app.db, order_id).await.unwrap().is_none(), "no certificate");
    assert!(learning::evaluate(&t.app, order_id).await.unwrap().is_none());
    let mine = say_until(&t, a, "/my", &zh("my-courses-past-title")).await.rendered_text();
    assert!(mine.contains(&zh("status-not-completed")) && !mine.contains(&zh("status-completed")), "{mine}");
    assert!(!t.emu.messages(a).iter().any(|m| shows(&m.rendered_text(), ZH, "completed")));
    t.stop().await;
}

#[tokio::test]
async fn completion_is_never_below_the_minimum_sqlite() {
    minimum(Store::Sqlite).await;
}

#[tokio::test]
async fn completion_is_never_below_the_minimum_postgres() {
    minimum(Store::Postgres).await;
}

// ---------------------------------------------------------------------------------------------------
// 5. Every order reaches a final state when its class ends
// ---------------------------------------------------------------------------------------------------

async fn final_states(store: Store) {
    let Some(t) = start(store).await else { return };
    let teacher = t.trainer(940, "wang-lixin", "王立新").await;
    let a = t.villager(941, "甲").await;
    let b = t.villager(942, "乙").await;
    for who in [a, b] {
        order(&t, who, "张大姐家菇棚").await;
    }
    t.clock.set(beijing("2026-12-20T09:20:00"));
    let code = t.open_checkin(teacher, "12月20日").await;
    say_until(&t, a, &code, &pattern(ZH, "checkin-done")).await;

    // The class ends: 甲 came and can still complete (the quiz) → attended; 乙 came to nothing → no-show.
    t.clock.set(beijing("2026-12-20T11:31:00"));
    until(&t, a, &pattern(ZH, "quiz-invite")).await;
    settled(&t).await;
    assert_eq!((status(&t, a).await, status(&t, b).await), (OrderStatus::Attended, OrderStatus::NoShow));

    // 甲 never takes the quiz: 30 days after the class's end the order is not completed.
    t.clock.set(beijing("2027-01-19T11:29:00"));
    settled(&t).await;
    assert_eq!(status(&t, a).await, OrderStatus::Attended);
    t.clock.set(beijing("2027-01-19T11:31:00"));
    settled(&t).await;
    assert_eq!(status(&t, a).await, OrderStatus::NotCompleted);
    say_until(&t, a, "/my", &zh("status-not-completed")).await;

    // Half a year later nothing shows "confirmed" any more.
    t.clock.set(beijing("2027-07-09T10:00:00"));
    for (who, shown) in [(a, zh("status-not-completed")), (b, zh("status-no-show"))] {
        let mine = say_until(&t, who, "/my", &zh("my-courses-past-title")).await.rendered_text();
        assert!(mine.contains(&shown) && !mine.contains(&zh("status-confirmed")), "{mine}");
    }
    t.stop().await;
}

#[tokio::test]
async fn every_order_reaches_a_final_state_sqlite() {
    final_states(Store::Sqlite).await;
}

#[tokio::test]
async fn every_order_reaches_a_final_state_postgres() {
    final_states(Store::Postgres).await;
}

// ---------------------------------------------------------------------------------------------------
// 6. "Can't come" on the roster
// ---------------------------------------------------------------------------------------------------

async fn cant_come(store: Store) {
    let Some(t) = start(store).await else { return };
    let teacher = t.trainer(950, "wang-lixin", "王立新").await;
    let a = t.villager(951, "甲").await;
    let b = t.villager(952, "乙").await;
    for who in [a, b] {
        order(&t, who, "张大姐家菇棚").await;
    }
    let session = sessions(&t, SMALL).await.remove(0);

    // The evening before, 乙 answers the reminder "来不了": an absence notice, the seat stays booked.
    t.clock.set(beijing("2026-12-19T19:31:00"));
    until(&t, b, &pattern(ZH, "reminder-title")).await;
    assert_shows!(t.tap(b, "来不了").await.rendered_text(), ZH, "rsvp-absence-noted");

    // The roster names 乙 as having sent an absence notice; both are expected.
    t.clock.set(beijing("2026-12-20T09:20:00"));
    t.open_checkin(teacher, "12月20日").await;
    let roster = roster_of(&t, teacher).rendered_text();
    let excused = |name: &str| {
        tr!(ZH, "roster-line", mark = zh("roster-absent"), name = name, practical = "", leave = zh("roster-apology"))
    };
    assert!(roster.contains(&excused("乙")) && roster.contains(&present(0, 2)), "{roster}");

    // 甲's notice, sent later, shows the same way when the roster is refreshed.
    let mut tx = t.app.db.begin_write().await.unwrap();
    db::orders::record_rsvp(&mut tx, order_of(&t, a).await.id, session.id, false, t.app.now()).await.unwrap();
    tx.commit().await.unwrap();
    let live = roster_of(&t, teacher);
    press(&t, teacher, &live, &learning::roster_data(session.id)).await;
    let roster = message(&t, teacher, live.message_id).rendered_text();
    assert!(roster.contains(&excused("甲")), "{roster}");
    t.stop().await;
}

#[tokio::test]
async fn cant_come_shows_as_an_absence_notice_on_the_roster_sqlite() {
    cant_come(Store::Sqlite).await;
}

#[tokio::test]
async fn cant_come_shows_as_an_absence_notice_on_the_roster_postgres() {
    cant_come(Store::Postgres).await;
}

// ---------------------------------------------------------------------------------------------------
// 7. Quizzes
// ---------------------------------------------------------------------------------------------------

/// The bank question a quiz message asks.
async fn bank_question(t: &TestBot, question: &BotMessage) -> fieldschool::domain::catalog::Question {
    let text = question.rendered_text();
    let bank = db::catalog::questions_of(&t.app.db, "mushroom").await.unwrap();
    bank.into_iter().find(|q| text.contains(&q.text)).expect("a bank question")
}

/// The 0-based position, among the shown options, of a wrong one.
async fn wrong_shown(t: &TestBot, question: &BotMessage) -> usize {
    let q = bank_question(t, question).await;
    let right = &q.options[q.answer];
    question.buttons().position(|b| !b.text.ends_with(right.as_str())).unwrap()
}

async fn quizzes(store: Store) {
    let Some(t) = start(store).await else { return };
    let teacher = t.trainer(960, "wang-lixin", "王立新").await;
    let a = t.villager(961, "甲").await;
    order(&t, a, "张大姐家菇棚").await;
    t.clock.set(beijing("2026-12-20T09:20:00"));
    let code = t.open_checkin(teacher, "12月20日").await;
    say_until(&t, a, &code, &pattern(ZH, "checkin-done")).await;
    t.clock.set(beijing("2026-12-20T11:31:00"));
    until(&t, a, &pattern(ZH, "quiz-invite")).await;

    // Typing during a quiz: other text points at the quiz buttons and asks the question again…
    let first = t.tap(a, "开始测验").await;
    assert_matches!(first.rendered_text(), tr!(ZH, "quiz-question", position = 1, total = 5, text = ANY));
    let reply = t.say(a, "不知道").await.rendered_text();
    // Not the main menu's "didn't understand, use the menu" answer.
    assert!(reply.contains(&zh("quiz-use-buttons")) && !reply.contains("菜单"), "{reply}");
    let again = t.next(a).await;
    assert_eq!(bank_question(&t, &again).await.id, bank_question(&t, &first).await.id);
    // …an option's number or letter typed as text answers like the button.
    let mut asked = vec![bank_question(&t, &again).await.id];
    let number = (wrong_shown(&t, &again).await + 1).to_string();
    assert_shows!(t.say(a, &number).await.rendered_text(), ZH, "quiz-wrong");
    let mut question = t.next(a).await;
    assert_matches!(question.rendered_text(), tr!(ZH, "quiz-question", position = 2, total = 5, text = ANY));
    asked.push(bank_question(&t, &question).await.id);
    let letter = char::from(b'A' + wrong_shown(&t, &question).await as u8).to_string();
    assert_shows!(t.say(a, &letter).await.rendered_text(), ZH, "quiz-wrong");
    question = t.next(a).await;
    for _ in 3..=5 {
        asked.push(bank_question(&t, &question).await.id);
        t.answer_quiz(a, &question, "mushroom", false).await;
        question = t.next(a).await;
    }
    // A fail says what passing needs.
    let result = question.rendered_text();
    assert!(result.contains(&tr!(ZH, "quiz-failed", correct = 0, total = 5, needed = 3)), "{result}");

    // The retake asks first the question the first attempt did not (the bank has 6), then missed ones.
    let bank = db::catalog::questions_of(&t.app.db, "mushroom").await.unwrap();
    let fresh: Vec<i64> = bank.iter().map(|q| q.id).filter(|id| !asked.contains(id)).collect();
    assert_eq!(fresh.len(), 1);
    let mut question = t.tap(a, "再考一次").await;
    assert_eq!(bank_question(&t, &question).await.id, fresh[0], "the retake starts with a new question");
    for _ in 1..=5 {
        t.answer_quiz(a, &question, "mushroom", false).await;
        question = t.next(a).await;
    }
    // No retake left: the order can no longer complete.
    assert!(question.rendered_text().contains(&zh("quiz-no-retake")), "{}", question.rendered_text());
    assert_eq!(status(&t, a).await, OrderStatus::NotCompleted);
    t.stop().await;
}

#[tokio::test]
async fn quizzes_say_the_pass_mark_retake_other_questions_and_take_typed_answers_sqlite() {
    quizzes(Store::Sqlite).await;
}

#[tokio::test]
async fn quizzes_say_the_pass_mark_retake_other_questions_and_take_typed_answers_postgres() {
    quizzes(Store::Postgres).await;
}

// ---------------------------------------------------------------------------------------------------
// 8 and 9. Certificates: the year, the QR code's deep link, sending again; `fieldschool verify`
// ---------------------------------------------------------------------------------------------------

async fn certificates(store: Store) {
    // On SQLite the database file is known, for the command line below.
    let (t, db_file) = match store {
        Store::Sqlite => {
            let (db, dir) = db::testing::sqlite().await.unwrap();
            let file = dir.path().join("test.db");
            fieldschool::services::catalog_import::import_str(&db, "demo.toml", DEMO_CATALOG).await.unwrap();
            let t = TestBot::start_on_with(db, Some(dir), |c| {
                c.quiz_seed = Some(42);
                c.bot_username = Some("fieldschool_test_bot".into());
            })
            .await;
            (t, Some(file))
        }
        Store::Postgres => match start(store).await {
            Some(t) => (t, None),
            None => return,
        },
    };
    let teacher = t.trainer(970, "wang-lixin", "王立新").await;
    let a = t.villager(971, "甲").await;
    let b = t.villager(972, "乙").await;
    order(&t, a, "张大姐家菇棚").await;
    t.clock.set(beijing("2026-12-20T09:20:00"));
    let code = t.open_checkin(teacher, "12月20日").await;
    say_until(&t, a, &code, &pattern(ZH, "checkin-done")).await;
    t.clock.set(beijing("2026-12-20T11:31:00"));
    until(&t, a, &pattern(ZH, "quiz-invite")).await;
    let mut question = t.tap(a, "开始测验").await;
    for _ in 0..5 {
        t.answer_quiz(a, &question, "mushroom", true).await;
        question = t.next(a).await;
    }
    let congratulation = until(&t, a, &pattern(ZH, "completed")).await;
    assert!(congratulation.photo.is_some(), "the card");
    let order = order_of(&t, a).await;
    assert_eq!(order.status, OrderStatus::Completed);
    let completion = db::learning::completion_of_order(&t.app.db, order.id).await.unwrap().unwrap();
    let cert = completion.code.clone();
    assert!(congratulation.rendered_text().contains(&cert));

    // The card shows the year (credits count per year) and carries the verification link as a QR code.
    let mut person = db::people::find(&t.app.db, a).await.unwrap().unwrap();
    let course = db::catalog::course(&t.app.db, "mushroom").await.unwrap().unwrap();
    let card = learning::certificate_card(&t.app, &person, &order, &course, &completion).await.unwrap();
    let day = tr!(ZH, "certificate-date", year = 2026, month = 12, day = 20, weekday = zh("weekday-sun"));
    assert_eq!(card.dates, tr!(ZH, "certificate-dates", dates = day));
    let link = format!("https://t.me/fieldschool_test_bot?start=v-{cert}");
    assert_eq!(card.qr_link.as_deref(), Some(link.as_str()));
    person.lang = Lang::En;
    let card = learning::certificate_card(&t.app, &person, &order, &course, &completion).await.unwrap();
    assert_eq!(card.dates, "Dates: Sun 20 Dec 2026");

    // The link opens the bot: `/start v-<CODE>` answers anyone, registered or not, in their language.
    let payload = link.split("start=").nth(1).unwrap();
    let stranger = t.user(975, "访客", "zh-hans");
    let answer = t.say(stranger, &format!("/start {payload}")).await.rendered_text();
    assert!(answer.contains("甲") && answer.contains("食用菌种植技术") && answer.contains(&cert), "{answer}");
    let visitor = t.user(976, "Visitor", "en");
    let answer = t.say(visitor, &format!("/start v-{}", cert.replace('-', "").to_lowercase())).await.rendered_text();
    assert!(answer.contains("completed \"Growing edible mushrooms\""), "{answer}");
    assert_eq!((t.emu.sent_count(stranger), t.emu.sent_count(visitor)), (1, 1), "no registration started");
    assert!(t.say(stranger, "/start v-ZZZZ-ZZZZ").await.rendered_text().contains(&zh("verify-unknown")));

    // The certificate again: the holder gets the card; someone else's press is refused.
    let button = fieldschool::bot::handlers::learning::certificate_button(Lang::Zh, order.id);
    let data = match &button.kind {
        teloxide::types::InlineKeyboardButtonKind::CallbackData(d) => d.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        fieldschool::domain::callback::Cb::decode(&data),
        Some(fieldschool::domain::callback::Cb::Certificate(order.id))
    );
    // It is offered in "my courses", among what is over.
    let mine = say_until(&t, a, "/my", &zh("my-courses-past-title")).await;
    assert!(mine.buttons().any(|b| b.text == zh("btn-certificate")), "{:?}", mine.inline_keyboard);
    let again = t.tap(a, "结业证书").await;
    assert!(again.photo.is_some() && again.rendered_text().contains(&cert), "{}", again.rendered_text());
    let before = t.emu.sent_count(b);
    let last = t.emu.last_message(b).unwrap();
    assert!(press(&t, b, &last, &data).await.contains(&zh("not-allowed")));
    assert_eq!(t.emu.sent_count(b), before);

    // `fieldschool verify`: the code without its dash, in lower case; `--lang en` answers in English.
    if let Some(file) = db_file {
        let verify = |args: &[&str]| {
            std::process::Command::new(env!("CARGO_BIN_EXE_fieldschool"))
                .arg("verify")
                .args(args)
                .env("DATABASE_URL", format!("sqlite://{}", file.display()))
                .env("RUST_LOG", "error")
                .output()
                .unwrap()
        };
        let loose = cert.replace('-', "").to_lowercase();
        let out = verify(&[&loose, "--lang", "en"]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success() && text.contains("completed \"Growing edible mushrooms\""), "{text}");
        let out = verify(&[&loose]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success() && text.contains("甲") && text.contains("食用菌种植技术"), "{text}");
        let out = verify(&["ZZZZZZZZ", "--lang", "en"]);
        assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("No certificate"));
    }
    t.stop().await;
}

#[tokio::test]
async fn certificates_show_the_year_verify_by_link_and_come_again_sqlite() {
    certificates(Store::Sqlite).await;
}

#[tokio::test]
async fn certificates_show_the_year_verify_by_link_and_come_again_postgres() {
    certificates(Store::Postgres).await;
}

// ---------------------------------------------------------------------------------------------------
// Venue coordinates in the catalogue
// ---------------------------------------------------------------------------------------------------

async fn venues(store: Store) {
    let Some((db, _dir)) = crate::common::fresh_db(store).await else { return };
    let import = |text: String| {
        let db = db.clone();
        async move { fieldschool::services::catalog_import::import_str(&db, "demo.toml", &text).await }
    };
    // Bad coordinates are refused with their line and field; nothing is written.
    let head = "place    = \"西村张大姐家菇棚\"\ncapacity = 2";
    let session_head = "key   = \"s1\"\ndate  = \"2026-12-20\"";
    for (class_extra, session_extra, field, message) in [
        ("lat = 91.0\nlon = 112.6", "", "lat", "-90 to 90"),
        ("lat = 34.7\nlon = 200", "", "lon", "-180 to 180"),
        ("lat = 34.7\nlon = 112.6\nradius_m = 10", "", "radius_m", "20-5000 metres"),
        ("lat = 34.7", "", "lon", "together"),
        ("radius_m = 100", "", "radius_m", "needs `lat` and `lon`"),
        ("", "lon = 112.6", "lat", "together"),
    ] {
        let text = DEMO_CATALOG
            .replace(head, &format!("{head}\n{class_extra}"))
            .replace(session_head, &format!("{session_head}\n{session_extra}"));
        let err = import(text).await.unwrap_err().to_string();
        assert!(err.contains(&format!("field `{field}`")) && err.contains(message), "{err}");
        assert!(err.contains("class \"mushroom-small-2026-12\""), "{err}");
    }
    assert!(db::catalog::class(&db, SMALL).await.unwrap().is_none(), "nothing written");

    // A class's venue (radius by default 300 m); a session's own overrides it.
    let text = DEMO_CATALOG
        .replace(head, &format!("{head}\nlat = 34.7466\nlon = 112.634"))
        .replace(session_head, &format!("{session_head}\nlat = 34.75\nlon = 112.6\nradius_m = 50"));
    import(text).await.unwrap();
    let class = db::catalog::class(&db, SMALL).await.unwrap().unwrap();
    let venue = class.venue.unwrap();
    assert_eq!((venue.point.lat_e6, venue.point.lon_e6, venue.radius_m), (34_746_600, 112_634_000, 300));
    let session = db::catalog::sessions_of_class(&db, SMALL).await.unwrap().remove(0);
    let own = session.venue(&class).unwrap();
    assert_eq!((own.point.lat_e6, own.point.lon_e6, own.radius_m), (34_750_000, 112_600_000, 50));
    // Re-importing without them removes them.
    import(DEMO_CATALOG.to_owned()).await.unwrap();
    let class = db::catalog::class(&db, SMALL).await.unwrap().unwrap();
    assert_eq!(class.venue, None);
    assert_eq!(db::catalog::sessions_of_class(&db, SMALL).await.unwrap()[0].venue(&class), None);
}

#[tokio::test]
async fn venue_coordinates_are_validated_and_stored_sqlite() {
    venues(Store::Sqlite).await;
}

#[tokio::test]
async fn venue_coordinates_are_validated_and_stored_postgres() {
    venues(Store::Postgres).await;
}

// ---------------------------------------------------------------------------------------------------
// Migration 0010 on a database with data (SQLite rebuilds `orders` and `attendance`)
// ---------------------------------------------------------------------------------------------------

#[tokio::test]
async fn migration_0010_keeps_orders_attendance_and_their_indexes() {
    use sqlx::Row;
    let dir = tempfile::tempdir().unwrap();
    let db = db::Db::connect(&format!("sqlite://{}", dir.path().join("old.db").display())).await.unwrap();
    // The schema as it was before 0010, from the same files.
    let before = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.as_str() < "0010" {
            std::fs::copy(&path, before.path().join(name)).unwrap();
        }
    }
    sqlx::migrate::Migrator::new(before.path()).await.unwrap().run(&db.pool).await.unwrap();
    for sql in [
        "INSERT INTO regions (key, level, name, timezone, agri_zone) VALUES ('r', 'county', 'R', 'Asia/Shanghai', 'z')",
        "INSERT INTO trainers (key, name, title, kind) VALUES ('t', 'T', 'x', 'local')",
        "INSERT INTO courses (key, title, audience, category, summary, mode, trainer_key)
             VALUES ('c', 'C', 'villager', 'cooking', 's', 'field', 't')",
        "INSERT INTO classes (key, course_key, region_key, place, capacity, status) VALUES ('k', 'c', 'r', 'p', 5, 'open')",
        "INSERT INTO sessions (class_key, key, starts_at, ends_at) VALUES ('k', 's1', 100, 200)",
        "INSERT INTO people (user_id, chat_id, name, audience, lang, consent_at, registered_at, updated_at)
             VALUES (1, 1, 'a', 'villager', 'zh', 0, 0, 0), (2, 2, 'b', 'villager', 'zh', 0, 0, 0)",
        "INSERT INTO orders (number, user_id, class_key, status, created_at, updated_at)
             VALUES ('FS-1', 1, 'k', 'confirmed', 0, 0), ('FS-2', 2, 'k', 'cancelled', 0, 0),
                    ('FS-3', 2, 'k', 'confirmed', 0, 0)",
        "INSERT INTO order_events (order_id, at, to_status) VALUES (1, 0, 'confirmed'), (3, 0, 'confirmed')",
        "INSERT INTO attendance (order_id, session_id, mark, source, marked_by, at) VALUES (1, 1, 'present', 'button', 1, 150)",
        "INSERT INTO checkins (session_id, code, opened_by, opened_at, expires_at, finalized_at)
             VALUES (1, '1234', 9, 100, 130, 201)",
        "INSERT INTO session_rsvps (order_id, session_id, answer, at) VALUES (3, 1, 'not_coming', 50)",
    ] {
        sqlx::query(sql).execute(&db.pool).await.unwrap();
    }

    db.migrate().await.unwrap();

    let orders: Vec<(i64, String, String)> = sqlx::query("SELECT id, number, status FROM orders ORDER BY id")
        .fetch_all(&db.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get("id"), r.get("number"), r.get("status")))
        .collect();
    assert_eq!(
        orders,
        [
            (1, "FS-1".into(), "confirmed".into()),
            (2, "FS-2".into(), "cancelled".into()),
            (3, "FS-3".into(), "confirmed".into())
        ]
    );
    let mark = db::learning::mark_record(&db, 1, 1).await.unwrap().unwrap();
    assert_eq!((mark.source.as_str(), mark.marked_by, mark.distance_m), ("button", Some(1), None));
    let closing = db::learning::closing(&db, 1).await.unwrap().unwrap();
    assert!(closing.final_at.is_some(), "a finalized check-in's session is closed");
    let indexes: Vec<String> =
        sqlx::query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'orders' AND sql IS NOT NULL")
            .fetch_all(&db.pool)
            .await
            .unwrap()
            .iter()
            .map(|r| r.get("name"))
            .collect();
    for name in ["orders_one_live_per_class", "orders_class_status", "orders_user", "orders_offer_expiry"] {
        assert!(indexes.iter().any(|i| i == name), "{name} in {indexes:?}");
    }
    assert!(sqlx::query("PRAGMA foreign_key_check").fetch_all(&db.pool).await.unwrap().is_empty());
    // The new status is accepted, a second live order for the same class is not, nor an unknown status,
    // nor deleting an order others point at; new ids continue after the old ones.
    let insert = |number: &'static str, user: i64, status: &'static str| {
        let pool = db.pool.clone();
        async move {
            sqlx::query(
                "INSERT INTO orders (number, user_id, class_key, status, created_at, updated_at)
                 VALUES ($1, $2, 'k', $3, 0, 0) RETURNING id",
            )
            .bind(number)
            .bind(user)
            .bind(status)
            .fetch_one(&pool)
            .await
            .map(|r| r.get::<i64, _>("id"))
        }
    };
    sqlx::query("UPDATE orders SET status = 'not_completed' WHERE id = 1").execute(&db.pool).await.unwrap();
    assert!(insert("FS-4", 1, "confirmed").await.is_err(), "one live order per person and class");
    assert!(insert("FS-5", 1, "bogus").await.is_err());
    assert!(sqlx::query("DELETE FROM orders WHERE id = 1").execute(&db.pool).await.is_err());
    sqlx::query("UPDATE orders SET status = 'cancelled' WHERE id = 1").execute(&db.pool).await.unwrap();
    assert_eq!(insert("FS-6", 1, "confirmed").await.unwrap(), 4);
}
