//! The daily lesson (每日一课): subscribing and changing the time with buttons, the lesson arriving at
//! the chosen time with the clock moved, opened with its button, answered and credited; planned through
//! the gate (a region's quiet hours, a busy-season day, a pause), never two on one local date, nothing
//! when no lesson is left; unsubscribing withdraws a waiting one. A course's lesson before and after a
//! class someone booked (课前预习 / 课后复习), withdrawn when the order is cancelled. Chinese and English;
//! SQLite and PostgreSQL.

use crate::assert_shows;
use crate::common::{EN, Lang, Store, TestBot, ZH, beijing, en, shows, tr, zh};
use fieldschool::db;
use fieldschool::domain::settings::Change;
use fieldschool::emulator::BotMessage;
use fieldschool::services;
use sqlx::Row;

/// A registered cadre of the demo's first village, in `lang`.
async fn cadre(t: &TestBot, id: i64, name: &str, lang: Lang) -> i64 {
    if lang == EN {
        let me = t.user(id, name, "en");
        t.register(me, name, "I agree", "cadre").await;
        me
    } else {
        let me = t.user(id, name, "zh-hans");
        t.register(me, name, "同意", "干部").await;
        me
    }
}

fn label(lang: Lang, key: &str) -> String {
    if lang == EN { en(key) } else { zh(key) }
}

/// Opens ⚙️ settings, taps the daily-lesson row and chooses the time whose label contains `time`.
async fn subscribe_in_settings(t: &TestBot, me: i64, lang: Lang, time: &str) -> BotMessage {
    let menu = t.say(me, &label(lang, "menu-settings")).await;
    let row = menu.buttons().find(|b| b.text.starts_with("📖")).expect("the daily lesson row").text.clone();
    let ask = t.tap(me, &row).await;
    assert_shows!(ask.rendered_text(), lang, "lesson-daily-ask");
    t.tap(me, time).await
}

/// The due times (Beijing, "MM-DD HH:MM") of the person's daily lessons waiting in the outbox.
async fn waiting(t: &TestBot, me: i64) -> Vec<String> {
    db::outbox::for_chat(&t.app.db, me)
        .await
        .unwrap()
        .into_iter()
        .filter(|row| row.kind == "lesson-daily" && row.status == db::outbox::Status::Pending)
        .map(|row| row.due_at.with_timezone(&chrono_tz::Asia::Shanghai).format("%m-%d %H:%M").to_string())
        .collect()
}

async fn plans(t: &TestBot, me: i64) -> Vec<(String, String)> {
    sqlx::query("SELECT local_date, state FROM lesson_daily_plans WHERE user_id = $1 ORDER BY local_date")
        .bind(me)
        .fetch_all(&t.app.db.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get("local_date"), r.get("state")))
        .collect()
}

/// Waits until the outbox reports a daily lesson to `me` sent.
async fn sent(events: &mut tokio::sync::broadcast::Receiver<fieldschool::outbox::OutboxEvent>, me: i64) {
    sent_of_kind(events, me, "lesson-daily").await
}

/// Returns once the outbox has recorded a message of `kind` to `me` as sent.
async fn sent_of_kind(
    events: &mut tokio::sync::broadcast::Receiver<fieldschool::outbox::OutboxEvent>,
    me: i64,
    kind: &str,
) {
    loop {
        let event = tokio::time::timeout(std::time::Duration::from_secs(20), events.recv())
            .await
            .expect("the message was sent within 20 s")
            .unwrap();
        if event.chat_id == me && event.kind == kind {
            assert_eq!(event.outcome, fieldschool::outbox::Outcome::Sent);
            return;
        }
    }
}

/// Moves the clock and runs the scheduler's daily-lesson planning at once (idempotent: the running
/// scheduler may plan the same day too; it is planned once).
async fn at(t: &TestBot, when: &str) {
    t.clock.set(beijing(when));
    services::lesson_daily::run_due(&t.app).await.unwrap();
}

async fn journey(store: Store, lang: Lang) {
    let Some(t) = TestBot::start(store).await else { return };
    let me = cadre(&t, 1651, if lang == EN { "Li Jianguo" } else { "李建国" }, lang).await;

    // Subscribed at 09:00 for the morning: today's time has passed, so the first one comes tomorrow.
    let saved = subscribe_in_settings(&t, me, lang, "7:30").await;
    assert_shows!(saved.rendered_text(), lang, "lesson-daily-saved");
    at(&t, "2026-12-01T20:00:00").await;
    assert!(waiting(&t, me).await.is_empty(), "nothing planned before the first morning");

    // The next morning at 07:30 it comes, naming the lesson, with a button to start it.
    let mut events = t.outbox_events();
    t.clock.set(beijing("2026-12-02T07:30:00"));
    let daily = t.next(me).await;
    assert_shows!(daily.rendered_text(), lang, "lesson-daily-today");
    // Counted as sent once the outbox has sent it (the scheduler's next pass, or the tap, settles it).
    sent(&mut events, me).await;
    services::lesson_daily::settle(&t.app, Some(me)).await.unwrap();
    let row = sqlx::query("SELECT source, opened_at FROM lesson_readings WHERE user_id = $1")
        .bind(me)
        .fetch_one(&t.app.db.pool)
        .await
        .unwrap();
    let reading: (String, Option<i64>) = (row.get("source"), row.get("opened_at"));
    assert_eq!(reading, ("daily".to_owned(), None), "sent, not yet opened");

    // The button opens it; reading it through and answering earns the credit, shown in /credits.
    let mut msg = t.tap(me, &label(lang, "btn-lesson-daily-start")).await;
    assert_shows!(msg.rendered_text(), lang, "lesson-card");
    for _ in 0..12 {
        let next = label(lang, "btn-lesson-next");
        let has_next = msg.buttons().any(|b| b.text == next);
        if has_next {
            msg = t.tap(me, &next).await;
        } else if shows(&msg.rendered_text(), lang, "lesson-finished") {
            break;
        } else {
            // A check question: any answer; the feedback comes first.
            let first = msg.buttons().next().expect("an answer").text.clone();
            t.tap(me, &first).await;
            msg = t.next(me).await;
        }
    }
    let done = msg.rendered_text();
    assert_shows!(done, lang, "lesson-finished");
    assert!(done.contains(&tr!(lang, "lesson-streak", days = 1)), "{done}");
    assert!(!done.contains(&label(lang, "lesson-daily-offer")), "no offer to a subscriber: {done}");
    let opened: Option<i64> = sqlx::query("SELECT opened_at FROM lesson_readings WHERE user_id = $1")
        .bind(me)
        .fetch_one(&t.app.db.pool)
        .await
        .unwrap()
        .get("opened_at");
    assert!(opened.is_some());
    let credits = t.say(me, "/credits").await;
    assert_shows!(credits.rendered_text(), lang, "credits-source-lessons");

    // An old "开始学习" of the lesson just finished answers plainly.
    let old = daily.buttons().next().unwrap().callback_data.clone().unwrap();
    let id = t.emu.press(me, daily.message_id, &old);
    let answer = t.emu.callback_answer(&id).await.unwrap().text.unwrap_or_default();
    assert_eq!(answer, label(lang, "lesson-daily-done-already"));

    // The time changed to the evening: the settings row shows it; tomorrow's comes at 20:00.
    let saved = subscribe_in_settings(&t, me, lang, "20:00").await;
    assert_shows!(saved.rendered_text(), lang, "lesson-daily-saved");
    at(&t, "2026-12-03T08:00:00").await;
    assert!(waiting(&t, me).await.is_empty());
    t.clock.set(beijing("2026-12-03T20:00:00"));
    assert_shows!(t.next(me).await.rendered_text(), lang, "lesson-daily-today");

    // /mydata shows the subscription; one tap stops it and withdraws what waits.
    let mydata = t.say(me, "/mydata").await;
    assert_shows!(mydata.rendered_text(), lang, "mydata-lesson-daily");
    let person = db::people::find(&t.app.db, me).await.unwrap().unwrap();
    assert!(services::lesson_daily::unsubscribe(&t.app, &person).await.unwrap());
    assert!(waiting(&t, me).await.is_empty());
    at(&t, "2026-12-04T20:00:00").await;
    assert!(waiting(&t, me).await.is_empty(), "no more after stopping");
    t.stop().await;
}

#[tokio::test]
async fn a_cadre_subscribes_gets_it_next_morning_answers_and_earns_the_credit_in_chinese_on_sqlite() {
    journey(Store::Sqlite, ZH).await;
}

#[tokio::test]
async fn a_cadre_subscribes_gets_it_next_morning_answers_and_earns_the_credit_in_english_on_postgres() {
    journey(Store::Postgres, EN).await;
}

async fn gate(store: Store) {
    let Some(t) = TestBot::start(store).await else { return };
    let me = cadre(&t, 1661, "李建国", ZH).await;
    subscribe_in_settings(&t, me, ZH, "20:00").await;

    // The region's own quiet hours begin at 19:00: the 20:00 lesson waits for the morning after them.
    sqlx::query("UPDATE regions SET quiet_hours = '19:00-07:00'").execute(&t.app.db.pool).await.unwrap();
    t.app.db.refresh_catalog_if_changed().await.unwrap();
    at(&t, "2026-12-01T20:00:00").await;
    assert_eq!(waiting(&t, me).await, ["12-02 07:00"]);
    // Sent on the 2nd in the morning: the 2nd's own 20:00 is not planned beside it.
    let mut events = t.outbox_events();
    t.clock.set(beijing("2026-12-02T07:00:00"));
    assert_shows!(t.next(me).await.rendered_text(), ZH, "lesson-daily-today");
    sent(&mut events, me).await;
    services::lesson_daily::settle(&t.app, Some(me)).await.unwrap();
    at(&t, "2026-12-02T20:00:00").await;
    assert!(waiting(&t, me).await.is_empty(), "one a day: {:?}", plans(&t, me).await);
    assert_eq!(plans(&t, me).await, [("2026-12-01".to_owned(), "sent".to_owned())]);
    sqlx::query("UPDATE regions SET quiet_hours = NULL").execute(&t.app.db.pool).await.unwrap();
    t.app.db.refresh_catalog_if_changed().await.unwrap();

    // A pause holds it until the pause ends; no second one is planned while it waits.
    let person = db::people::find(&t.app.db, me).await.unwrap().unwrap();
    services::people::apply_change(&t.app, me, &Change::Pause(7)).await.unwrap();
    at(&t, "2026-12-03T20:00:00").await;
    let held = waiting(&t, me).await;
    assert_eq!(held.len(), 1);
    assert_eq!(held, ["12-09 20:00"], "held to the end of the pause (a week from 12-02 20:00)");
    at(&t, "2026-12-04T20:00:00").await;
    assert_eq!(waiting(&t, me).await, held, "still one");
    services::lesson_daily::unsubscribe(&t.app, &person).await.unwrap();
    services::people::apply_change(&t.app, me, &Change::Pause(0)).await.unwrap();

    // A busy-season day (三夏 in 新安县): the morning time moves to the noon window.
    services::lesson_daily::subscribe(&t.app, &person, 7 * 60 + 30).await.unwrap();
    at(&t, "2027-06-01T07:30:00").await;
    assert_eq!(waiting(&t, me).await, ["06-01 12:00"]);

    // Nothing left to learn: nothing is sent that day.
    let mut events = t.outbox_events();
    at(&t, "2027-06-01T12:00:00").await;
    assert_shows!(t.next(me).await.rendered_text(), ZH, "lesson-daily-today");
    sent(&mut events, me).await;
    sqlx::query("UPDATE lessons SET active = 0").execute(&t.app.db.pool).await.unwrap();
    at(&t, "2027-06-02T07:30:00").await;
    assert!(waiting(&t, me).await.is_empty());
    assert_eq!(plans(&t, me).await.last().unwrap(), &("2027-06-02".to_owned(), "nothing".to_owned()));
    t.stop().await;
}

#[tokio::test]
async fn the_daily_lesson_goes_through_the_gate_on_sqlite() {
    gate(Store::Sqlite).await;
}

#[tokio::test]
async fn the_daily_lesson_goes_through_the_gate_on_postgres() {
    gate(Store::Postgres).await;
}

#[tokio::test]
async fn a_time_that_is_not_offered_changes_nothing() {
    let Some(t) = TestBot::start(Store::Sqlite).await else { return };
    let me = t.villager(1671, "王秀英").await;
    let menu = t.say(me, &zh("menu-settings")).await;
    for data in ["ld:451", "ld:0", "ld:off"] {
        let id = t.emu.press(me, menu.message_id, data);
        let answer = t.emu.callback_answer(&id).await.unwrap();
        if data == "ld:off" {
            assert_shows!(t.next(me).await.rendered_text(), ZH, "lesson-daily-not-subscribed");
        } else {
            assert_eq!(answer.text.as_deref(), Some(zh("menu-expired").as_str()), "{data}");
        }
    }
    assert!(db::lesson_daily::subscription(&t.app.db, me).await.unwrap().is_none());
    t.stop().await;
}

// ---------------------------------------------------------------------------------------------------
// A course's lessons around a class (课前预习 / 课后复习)
// ---------------------------------------------------------------------------------------------------

/// A registered villager of the demo's first village, in `lang`.
async fn villager(t: &TestBot, id: i64, lang: Lang) -> i64 {
    if lang == EN {
        let me = t.user(id, "Wang Xiuying", "en");
        t.register(me, "Wang Xiuying", "I agree", "Villager").await;
        me
    } else {
        t.villager(id, "王秀英").await
    }
}

/// Orders a seat in a class of a course from the catalogue, with buttons.
async fn order(t: &TestBot, me: i64, lang: Lang, category: &str, course: &str, place: &str) {
    t.say(me, &label(lang, "menu-browse")).await;
    t.tap(me, &label(lang, category)).await;
    t.tap(me, course).await;
    t.tap(me, place).await;
    let done = t.tap(me, &label(lang, "btn-confirm-order")).await;
    assert_shows!(done.rendered_text(), lang, "order-confirmed");
}

async fn order_mushroom(t: &TestBot, me: i64, lang: Lang) {
    let (course, place) = if lang == EN {
        ("Growing edible mushrooms", "Tieshan Town Agricultural Extension Station")
    } else {
        ("食用菌种植技术", "铁山镇农业技术推广站")
    };
    order(t, me, lang, "category-crops-livestock", course, place).await;
}

/// The course lessons queued for a chat: (Beijing due time "MM-DD HH:MM", status), earliest first.
async fn course_lessons(t: &TestBot, me: i64) -> Vec<(String, db::outbox::Status)> {
    let mut rows: Vec<(String, db::outbox::Status)> = db::outbox::for_chat(&t.app.db, me)
        .await
        .unwrap()
        .into_iter()
        .filter(|row| row.kind == "lesson-course")
        .map(|row| (row.due_at.with_timezone(&chrono_tz::Asia::Shanghai).format("%m-%d %H:%M").to_string(), row.status))
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    rows
}

/// The bot's next message to `me` that shows `key`, skipping others (the session reminders).
async fn next_showing(t: &TestBot, me: i64, lang: Lang, key: &str) -> BotMessage {
    for _ in 0..12 {
        let m = t.next(me).await;
        if shows(&m.rendered_text(), lang, key) {
            return m;
        }
    }
    panic!("no message showing {key} to {me}");
}

async fn course_lessons_come_before_and_after_a_class(store: Store, lang: Lang) {
    let Some(t) = TestBot::start(store).await else { return };
    let me = villager(&t, 1661, lang).await;
    order_mushroom(&t, me, lang).await;

    // Sessions 12-12, 12-13 and 12-19: the preview the evening before the first, the review the
    // evening after the last; 20:00 is outside the quiet hours, so the gate keeps both.
    let pending = db::outbox::Status::Pending;
    assert_eq!(
        course_lessons(&t, me).await,
        [("12-11 20:00".to_owned(), pending), ("12-20 20:00".to_owned(), pending)]
    );

    // The evening before, after the session reminder, the preview names the course's lesson.
    let title = if lang == EN { "Re-watering shiitake logs" } else { "香菇菌棒补水" };
    let mut events = t.outbox_events();
    t.clock.set(beijing("2026-12-11T20:00:00"));
    let preview = next_showing(&t, me, lang, "lesson-course-preview").await;
    assert_eq!(preview.rendered_text(), tr!(lang, "lesson-course-preview", title = title));
    sent_of_kind(&mut events, me, "lesson-course").await;
    // Its button opens the lesson.
    let card = t.tap(me, &label(lang, "btn-lesson-daily-start")).await;
    assert_shows!(card.rendered_text(), lang, "lesson-card");

    // The evening after the last session, the review (the course has this one lesson: it again).
    let mut events = t.outbox_events();
    t.clock.set(beijing("2026-12-20T20:00:00"));
    let review = next_showing(&t, me, lang, "lesson-course-review").await;
    // Recorded as sent once the outbox has heard back from Telegram.
    sent_of_kind(&mut events, me, "lesson-course").await;
    assert_eq!(review.rendered_text(), tr!(lang, "lesson-course-review", title = title));
    let again = t.tap(me, &label(lang, "btn-lesson-daily-start")).await;
    assert_shows!(again.rendered_text(), lang, "lesson-card");
    // Each went once.
    assert!(course_lessons(&t, me).await.iter().all(|(_, s)| *s == db::outbox::Status::Sent));
    t.stop().await;
}

#[tokio::test]
async fn course_lessons_come_before_and_after_a_class_on_sqlite_in_chinese() {
    course_lessons_come_before_and_after_a_class(Store::Sqlite, ZH).await;
}

#[tokio::test]
async fn course_lessons_come_before_and_after_a_class_on_sqlite_in_english() {
    course_lessons_come_before_and_after_a_class(Store::Sqlite, EN).await;
}

#[tokio::test]
async fn course_lessons_come_before_and_after_a_class_on_postgres() {
    course_lessons_come_before_and_after_a_class(Store::Postgres, ZH).await;
}

async fn a_cancelled_order_gets_no_course_lessons(store: Store) {
    let Some(t) = TestBot::start(store).await else { return };
    let me = villager(&t, 1662, ZH).await;
    order_mushroom(&t, me, ZH).await;
    assert_eq!(course_lessons(&t, me).await.len(), 2);
    t.say(me, "/my").await;
    t.tap(me, "❌ 取消 12月12日（周六） · 铁山镇农业技术推广站").await;
    let done = t.tap(me, &zh("btn-yes-cancel")).await;
    assert_shows!(done.rendered_text(), ZH, "cancel-done");
    // Withdrawn with the reminders: nothing of it goes out on either evening.
    let cancelled = db::outbox::Status::Cancelled;
    assert_eq!(
        course_lessons(&t, me).await,
        [("12-11 20:00".to_owned(), cancelled), ("12-20 20:00".to_owned(), cancelled)]
    );
    t.stop().await;
}

#[tokio::test]
async fn a_cancelled_order_gets_no_course_lessons_on_sqlite() {
    a_cancelled_order_gets_no_course_lessons(Store::Sqlite).await;
}

#[tokio::test]
async fn a_cancelled_order_gets_no_course_lessons_on_postgres() {
    a_cancelled_order_gets_no_course_lessons(Store::Postgres).await;
}

#[tokio::test]
async fn a_course_without_lessons_plans_none() {
    let Some(t) = TestBot::start(Store::Sqlite).await else { return };
    // The electrician course has no lessons: its reminders, nothing else.
    let me = villager(&t, 1663, ZH).await;
    order(&t, me, ZH, "category-trades", "农村低压电工", "新安县职业技术学校 实训楼").await;
    assert!(course_lessons(&t, me).await.is_empty());
    let reminders = db::outbox::for_chat(&t.app.db, me).await.unwrap();
    assert!(reminders.iter().any(|r| r.kind == "reminder"), "the reminders are planned");
    t.stop().await;
}

async fn a_moved_first_session_moves_the_preview(store: Store) {
    let Some(t) = TestBot::start(store).await else { return };
    let me = villager(&t, 1664, ZH).await;
    order_mushroom(&t, me, ZH).await;
    let pending = db::outbox::Status::Pending;
    let cancelled = db::outbox::Status::Cancelled;
    assert_eq!(
        course_lessons(&t, me).await,
        [("12-11 20:00".to_owned(), pending), ("12-20 20:00".to_owned(), pending)]
    );

    // The county office moves the first session from the 12th to the 14th (after the second, on the
    // 13th): the preview goes the evening before the new first session, the 12th, and the old one is
    // withdrawn; the review stays after the last session.
    let catalog = crate::common::DEMO_CATALOG;
    let first = catalog.find("key      = \"mushroom-2026-12\"").unwrap();
    let (head, tail) = catalog.split_at(first);
    let moved = format!("{head}{}", tail.replacen("date  = \"2026-12-12\"", "date  = \"2026-12-14\"", 1));
    assert!(moved != catalog, "the session's date line was found");
    let report =
        fieldschool::services::catalog_import::import_str(&t.app.db, "demo-catalog.toml", &moved).await.unwrap();
    assert_eq!(report.moved_sessions.len(), 1, "{report}");
    services::reminders::after_import(&t.app, &report).await.unwrap();
    let mut planned = course_lessons(&t, me).await;
    planned.sort_by_key(|(at, status)| (at.clone(), format!("{status:?}")));
    assert_eq!(
        planned,
        [
            ("12-11 20:00".to_owned(), cancelled),
            ("12-12 20:00".to_owned(), pending),
            ("12-20 20:00".to_owned(), cancelled),
            ("12-20 20:00".to_owned(), pending),
        ]
    );

    // It arrives on the new evening, once.
    t.clock.set(beijing("2026-12-12T20:00:00"));
    let preview = next_showing(&t, me, ZH, "lesson-course-preview").await;
    assert_eq!(preview.rendered_text(), tr!(ZH, "lesson-course-preview", title = "香菇菌棒补水"));
    t.stop().await;
}

#[tokio::test]
async fn a_moved_first_session_moves_the_preview_on_sqlite() {
    a_moved_first_session_moves_the_preview(Store::Sqlite).await;
}

#[tokio::test]
async fn a_moved_first_session_moves_the_preview_on_postgres() {
    a_moved_first_session_moves_the_preview(Store::Postgres).await;
}
