//! Session reminders end to end: planned through the gate when an order is confirmed, delivered by
//! the outbox when the (manual) clock gets there, answered with "I'll come" / "can't come", and
//! re-planned when an import moves a session.

mod common;

use common::{DEMO_CATALOG, Store, TestBot, beijing};
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
    assert!(done.rendered_text().contains("报名成功"));

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
    assert!(text.contains("上课提醒") && text.contains("12月12日（周六） 09:00–11:30"), "{text}");
    assert!(text.contains("铁山镇农业技术推广站") && text.contains("请带"), "{text}");
    let noted = t.tap(me, "我会来").await;
    assert!(noted.rendered_text().contains("到时见"), "{}", noted.rendered_text());
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

#[tokio::test]
async fn cant_come_gives_the_seat_to_the_waitlist_after_a_confirmation() {
    let Some(t) = TestBot::start(Store::Sqlite).await else { return };
    let a = t.villager(711, "甲").await;
    let b = t.villager(712, "乙").await;
    let c = t.villager(713, "丙").await;
    for who in [a, b, c] {
        order_mushroom(&t, who, "西村张大姐家菇棚").await;
    }
    // The small class meets 12-20 09:00: the evening-before reminder is due 12-19 19:30.
    t.clock.set(beijing("2026-12-19T19:30:00"));
    let reminder = t.next(a).await;
    assert!(reminder.rendered_text().contains("上课提醒"), "{}", reminder.rendered_text());
    let ask = t.tap(a, "来不了").await;
    assert!(ask.rendered_text().contains("确定来不了吗"), "{}", ask.rendered_text());
    assert_eq!(
        db::orders::of_user(&t.app.db, a).await.unwrap()[0].status,
        OrderStatus::Confirmed,
        "not before confirming"
    );
    let released = t.tap(a, "确定，来不了").await;
    assert!(released.rendered_text().contains("已取消"), "{}", released.rendered_text());
    let offer = t.next(c).await;
    assert!(offer.rendered_text().contains("空出一个名额"), "{}", offer.rendered_text());
    assert!(reminder_times(&t, a).await.is_empty(), "the cancelled order's reminders are withdrawn");
    // The old reminder's buttons now answer that it is out of date.
    let id = t.emu.press(a, reminder.message_id, &reminder.inline_keyboard[0][0].callback_data.clone().unwrap());
    t.emu.callback_answer(&id).await.unwrap();
    assert!(t.next(a).await.rendered_text().contains("过时"));
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
    assert!(
        told.rendered_text().contains("有变") && told.rendered_text().contains("12月14日"),
        "{}",
        told.rendered_text()
    );
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
    assert_eq!(warning.season, "sanxia");
    assert_eq!(warning.alternatives.len(), 3);
    assert!(report.to_string().contains("warning: class \"mushroom-2026-12\" meets on 2027-06-02"), "{report}");
    reminders::after_import(&t.app, &report).await.unwrap();
    let message = t.next(coord).await.rendered_text();
    assert!(message.contains("三夏") && message.contains("6月2日"), "{message}");
    let to_trainer = t.next(trainer).await.rendered_text();
    assert!(to_trainer.contains("三夏") && to_trainer.contains("附近不忙的日子"), "{to_trainer}");
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
    assert!(ask.rendered_text().contains("暂停一段时间"), "{}", ask.rendered_text());
    let paused = t.tap(coord, "暂停 14 天").await;
    assert!(paused.rendered_text().contains("暂停 14 天"), "{}", paused.rendered_text());
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
    assert!(now_paused.rendered_text().contains("已暂停到 12月15日"), "{}", now_paused.rendered_text());
    let resumed = t.tap(coord, "现在恢复").await;
    assert!(resumed.rendered_text().contains("已恢复"), "{}", resumed.rendered_text());
    t.stop().await;
}
