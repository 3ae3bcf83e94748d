//! Session reminders end to end: planned through the gate when an order is confirmed, delivered by
//! the outbox when the (manual) clock gets there, answered with "I'll come" / "can't come", and
//! re-planned when an import moves a session.

use crate::common::{ANY, DEMO_CATALOG, Store, TestBot, ZH, beijing, matches, shows, tr, zh, zh_date};
use crate::{assert_matches, assert_shows};
use fieldschool::db;
use fieldschool::domain::order::OrderStatus;
use fieldschool::emulator::BotMessage;
use fieldschool::services::catalog_import::import_str;
use fieldschool::services::reminders;

async fn order_mushroom(t: &TestBot, me: i64, class_label: &str) -> BotMessage {
    t.say(me, "📚 报名培训").await;
    t.tap(me, "特色种养").await;
    t.tap(me, "食用菌种植技术").await;
    t.tap(me, class_label).await;
    t.tap(me, "确认报名").await
}

/// A session's time as the bot writes it ("12月12日（周六） 09:00–11:30").
fn session_when(month: u32, day: u32, start: &str, end: &str) -> String {
    let year = if month == 12 { 2026 } else { 2027 };
    tr!(ZH, "session-when", date = zh_date(year, month, day), start = start, end = end)
}

/// Due times (Beijing) of the reminders queued for a chat, earliest first.
async fn reminder_times(t: &TestBot, chat: i64) -> Vec<String> {
    let mut times: Vec<String> = db::outbox::for_chat(&t.app.db, chat)
        .await
        .unwrap()
        .into_iter()
        .filter(|row| row.kind == "reminder" && row.status == db::outbox::Status::Pending)
        .map(|row| row.due_at.with_timezone(&chrono_tz::Asia::Shanghai).format("%m-%d %H:%M").to_string())
        .collect();
    times.sort();
    times
}

async fn reminders_follow_the_gate(store: Store) {
    let Some(t) = TestBot::start(store).await else { return };
    let me = t.villager(701, "王秀英").await;
    let done = order_mushroom(&t, me, "铁山镇农业技术推广站").await;
    assert_shows!(done.rendered_text(), ZH, "order-confirmed");

    // Sessions: 12-12 09:00, 12-13 09:00, 12-19 14:00. The evening before at 19:30 for each; "two
    // hours before" a 09:00 class would be 07:00, inside quiet hours, so the gate moves it to the
    // evening before, where one reminder is already planned: it is dropped. 12:00 before the
    // afternoon class stays.
    assert_eq!(
        reminder_times(&t, me).await,
        ["12-11 19:30", "12-12 19:30", "12-18 19:30", "12-19 12:00"],
        "reminders at gate-approved times"
    );

    t.clock.set(beijing("2026-12-11T19:30:00"));
    let reminder = t.next(me).await;
    let text = reminder.rendered_text();
    assert!(shows(&text, ZH, "reminder-title") && text.contains(&session_when(12, 12, "09:00", "11:30")), "{text}");
    assert!(text.contains("铁山镇农业技术推广站") && shows(&text, ZH, "course-bring"), "{text}");
    let noted = t.tap(me, "我会来").await;
    assert!(noted.rendered_text().contains(&zh("rsvp-noted")), "{}", noted.rendered_text());
    t.stop().await;
}

#[tokio::test]
async fn reminders_go_at_gate_approved_times_on_sqlite() {
    reminders_follow_the_gate(Store::Sqlite).await;
}

#[tokio::test]
async fn reminders_go_at_gate_approved_times_on_postgres() {
    reminders_follow_the_gate(Store::Postgres).await;
}

/// The bot's next message to `me` that contains `needle`, skipping others.
async fn next_containing(t: &TestBot, me: i64, needle: &str) -> BotMessage {
    for _ in 0..8 {
        let m = t.next(me).await;
        if m.rendered_text().contains(needle) {
            return m;
        }
    }
    panic!("no message with {needle:?} to {me}");
}

#[tokio::test]
async fn cant_come_is_an_absence_notice_and_cancelling_the_whole_order_keeps_the_cut_off() {
    let Some(t) = TestBot::start(Store::Sqlite).await else { return };
    let coord = t.coordinator(710, "刘主任").await;
    let a = t.villager(711, "甲").await;
    order_mushroom(&t, a, "铁山镇农业技术推广站").await;
    t.next(coord).await; // the new-order line

    // Sessions 12-12, 12-13 (09:00) and 12-19. The reminder for session 2 of 3 comes at 19:30 the
    // evening before and says "tomorrow".
    t.clock.set(beijing("2026-12-11T19:31:00"));
    let first = t.next(a).await;
    let tomorrow =
        tr!(ZH, "reminder-when-relative", day = zh("day-tomorrow"), when = session_when(12, 12, "09:00", "11:30"));
    assert!(first.rendered_text().contains(&tomorrow), "{}", first.rendered_text());
    t.clock.set(beijing("2026-12-12T19:31:00"));
    let reminder = next_containing(&t, a, &zh_date(2026, 12, 13)).await;
    assert_matches!(reminder.rendered_text(), tr!(ZH, "reminder-when-relative", day = zh("day-tomorrow"), when = ANY));

    // "Can't come": noted for that session only; the order stands and nobody is told it was cancelled.
    let noted = t.tap(a, "来不了").await;
    let text = noted.rendered_text();
    assert!(
        matches(&text, &tr!(ZH, "rsvp-absence-noted", when = ANY))
            && text.contains(&zh_date(2026, 12, 13))
            && !text.contains(&zh("status-cancelled")),
        "{text}"
    );
    let order = db::orders::of_user(&t.app.db, a).await.unwrap().remove(0);
    assert_eq!(order.status, OrderStatus::Confirmed, "an absence notice is not a cancellation");
    assert_eq!(reminder_times(&t, a).await, ["12-18 19:30", "12-19 12:00"], "the later sessions' reminders stay");

    // Giving up the whole order is a separate choice, under the same 24-hour cut-off as "my courses":
    // inside it, the order goes to the coordinator as a request.
    let question = t.tap(a, "整个课程都不上了").await;
    assert_shows!(question.rendered_text(), ZH, "cancel-confirm");
    let requested = t.tap(a, "确定取消").await;
    assert_shows!(requested.rendered_text(), ZH, "cancel-requested");
    assert_eq!(db::orders::of_user(&t.app.db, a).await.unwrap()[0].status, OrderStatus::Confirmed);
    let request = t.next(coord).await;
    let text = request.rendered_text();
    let class = tr!(ZH, "class-label", course = ANY, date = zh_date(2026, 12, 12), place = "铁山镇农业技术推广站");
    assert_matches!(text, tr!(ZH, "coord-cancel-request", name = ANY, class = class, number = ANY));
    // "My courses" tells the same: asked for, no second cancel button.
    let mine = t.say(a, "/my").await;
    assert!(mine.rendered_text().contains(&zh("my-courses-cancel-requested")), "{}", mine.rendered_text());
    assert!(mine.buttons().all(|b| !b.text.contains("取消")), "{:?}", mine.inline_keyboard);
    t.stop().await;
}

#[tokio::test]
async fn a_reminder_on_the_day_says_today_and_one_sent_on_another_day_gives_the_date_alone() {
    let Some(t) = TestBot::start(Store::Sqlite).await else { return };
    let me = t.villager(730, "王秀英").await;
    order_mushroom(&t, me, "铁山镇农业技术推广站").await;
    // The bot was down from the 11th until 12:01 on the 19th: the reminders of the first two sessions
    // are dropped (their sessions began), the one planned for the evening of the 18th ("tomorrow")
    // goes now with the date alone, and the one planned for noon on the 19th says "today".
    t.clock.set(beijing("2026-12-19T12:01:00"));
    let late = t.next(me).await.rendered_text();
    let when = session_when(12, 19, "14:00", "16:30");
    assert!(late.contains(&tr!(ZH, "reminder-when", when = &when)), "{late}");
    assert!(!late.contains(&zh("day-tomorrow")) && !late.contains(&zh("day-today")), "{late}");
    let on_the_day = t.next(me).await.rendered_text();
    assert!(
        on_the_day.contains(&tr!(ZH, "reminder-when-relative", day = zh("day-today"), when = &when)),
        "{on_the_day}"
    );
    t.stop().await;
}

#[tokio::test]
async fn a_moved_session_is_re_planned_and_booked_people_are_told() {
    let Some(t) = TestBot::start(Store::Sqlite).await else { return };
    let coord = t.coordinator(720, "刘主任").await;
    let me = t.villager(721, "王秀英").await;
    order_mushroom(&t, me, "铁山镇农业技术推广站").await;
    t.next(coord).await; // the order line

    // The county office moves the first session to the afternoon of the 14th.
    let first = DEMO_CATALOG.find("key      = \"mushroom-2026-12\"").unwrap();
    let (head, tail) = DEMO_CATALOG.split_at(first);
    let moved = format!("{head}{}", tail.replacen("date  = \"2026-12-12\"", "date  = \"2026-12-14\"", 1));
    assert!(moved != DEMO_CATALOG, "the session's date line was found");
    let report = import_str(&t.app.db, "demo-catalog.toml", &moved).await.unwrap();
    assert_eq!(report.moved_sessions.len(), 1, "{report}");
    reminders::after_import(&t.app, &report).await.unwrap();

    let told = t.next(me).await;
    let when = tr!(ZH, "session-when", date = zh_date(2026, 12, 14), start = ANY, end = ANY);
    assert_matches!(told.rendered_text(), tr!(ZH, "session-moved", course = ANY, when = when, place = ANY));
    let times = reminder_times(&t, me).await;
    assert!(times.contains(&"12-13 19:30".to_owned()), "the moved session is reminded the evening before: {times:?}");
    assert!(!times.contains(&"12-11 19:30".to_owned()), "the old reminder is withdrawn: {times:?}");
    t.stop().await;
}

#[tokio::test]
async fn a_session_moved_into_sanxia_is_flagged_with_free_dates() {
    let Some(t) = TestBot::start(Store::Sqlite).await else { return };
    let coord = t.coordinator(730, "刘主任").await;
    // The course's trainer joined through an invite that names them in the catalogue.
    let trainer = t.trainer(731, "wang-lixin", "王立新").await;
    let first = DEMO_CATALOG.find("key      = \"mushroom-2026-12\"").unwrap();
    let (head, tail) = DEMO_CATALOG.split_at(first);
    let busy = format!("{head}{}", tail.replacen("date  = \"2026-12-12\"", "date  = \"2027-06-02\"", 1));
    let report = import_str(&t.app.db, "demo-catalog.toml", &busy).await.unwrap();
    let warning = report.busy_sessions.iter().find(|w| w.class_key == "mushroom-2026-12").expect("flagged");
    assert_eq!(warning.season.get(fieldschool::i18n::Lang::Zh), zh("calendar-season-sanxia"));
    assert_eq!(
        warning.season.get(fieldschool::i18n::Lang::En),
        fieldschool::tr!(fieldschool::i18n::Lang::En, "calendar-season-sanxia")
    );
    assert_eq!(warning.alternatives.len(), 3);
    assert!(report.to_string().contains("warning: class \"mushroom-2026-12\" meets on 2027-06-02"), "{report}");
    reminders::after_import(&t.app, &report).await.unwrap();
    let message = t.next(coord).await.rendered_text();
    // Named as people know it, not by its catalogue key.
    let expected = tr!(
        ZH,
        "busy-session-warning",
        course = "食用菌种植技术",
        place = "铁山镇农业技术推广站",
        date = zh_date(2027, 6, 2),
        season = zh("calendar-season-sanxia"),
        alternatives = ANY
    );
    assert!(matches(&message, &expected) && !message.contains("mushroom-2026-12"), "{message}");
    let to_trainer = t.next(trainer).await.rendered_text();
    assert_matches!(to_trainer, expected);
    t.stop().await;
}

#[tokio::test]
async fn a_paused_person_gets_notices_after_the_pause_but_reminders_as_planned() {
    let Some(t) = TestBot::start(Store::Sqlite).await else { return };
    let coord = t.coordinator(740, "刘主任").await;
    let me = t.villager(741, "王秀英").await;

    // The coordinator pauses messages for two weeks (暂停两周) from settings.
    t.say(coord, "⚙️ 设置").await;
    let ask = t.tap(coord, "暂停消息").await;
    assert!(ask.rendered_text().contains(&zh("settings-ask-pause")), "{}", ask.rendered_text());
    let paused = t.tap(coord, "暂停 14 天").await;
    assert!(paused.rendered_text().contains(&tr!(ZH, "settings-paused", days = 14)), "{}", paused.rendered_text());
    let _menu = t.next(coord).await;

    // The villager pauses too, then orders: their own reminders still come as planned.
    t.say(me, "⚙️ 设置").await;
    t.tap(me, "暂停消息").await;
    t.tap(me, "暂停 7 天").await;
    t.next(me).await;
    t.say(me, "/cancel").await;
    order_mushroom(&t, me, "铁山镇农业技术推广站").await;
    assert_eq!(reminder_times(&t, me).await[0], "12-11 19:30");

    // The coordinator's line about the order waits for the end of the pause (12-15 09:00).
    let line = db::outbox::for_chat(&t.app.db, coord).await.unwrap().into_iter().find(|r| r.kind == "coordinator");
    let due = line.expect("the order line is queued").due_at;
    assert!(due >= beijing("2026-12-15T09:00:00"), "held until the pause ends: {due}");

    // The settings show the pause, and resuming ends it for what is planned from now on.
    t.say(coord, "⚙️ 设置").await;
    let now_paused = t.tap(coord, "暂停消息").await;
    let until = tr!(ZH, "settings-pause-now", until = zh_date(2026, 12, 15));
    assert!(now_paused.rendered_text().contains(&until), "{}", now_paused.rendered_text());
    let resumed = t.tap(coord, "现在恢复").await;
    assert!(resumed.rendered_text().contains(&zh("settings-pause-ended")), "{}", resumed.rendered_text());

    t.stop().await;
}
