//! Order-style sign-up end to end: people tap through the real bot over HTTP (Bot API emulator),
//! messages that are not direct replies arrive through the outbox, and time moves on a manual clock.

use crate::common::{ANY, Store, TestBot, ZH, matches, shows, tr, zh, zh_date};
use crate::{assert_matches, assert_shows};
use chrono::Duration;
use fieldschool::db;
use fieldschool::domain::order::OrderStatus;
use fieldschool::emulator::BotMessage;

/// From the main menu to the order confirmation of the class whose button mentions `class_label`.
async fn order(t: &TestBot, me: i64, category: &str, course: &str, class_label: &str) -> BotMessage {
    let categories = t.say(me, "📚 报名培训").await;
    assert!(categories.rendered_text().contains(&zh("browse-choose-category")), "{}", categories.rendered_text());
    let courses = t.tap(me, category).await;
    let card = t.tap(me, course).await;
    assert!(card.rendered_text().contains(&zh("course-choose-class")), "{}", card.rendered_text());
    let summary = t.tap(me, class_label).await;
    assert!(summary.rendered_text().contains(&zh("order-summary-title")), "{}", summary.rendered_text());
    let _ = courses;
    t.tap(me, "确认报名").await
}

fn labels(msg: &BotMessage) -> String {
    msg.inline_keyboard.iter().flatten().map(|b| b.text.clone()).collect::<Vec<_>>().join(" | ")
}

fn order_number(text: &str) -> String {
    let start = text.find("FS-").expect("an order number");
    text[start..start + 9].to_owned()
}

async fn browse_order_confirm(store: Store) {
    let Some(t) = TestBot::start(store).await else { return };
    let coord = t.coordinator(900, "刘主任").await;
    let me = t.villager(901, "王秀英").await;

    let categories = t.say(me, "📚 报名培训").await;
    let buttons = labels(&categories);
    // Category and course names, places and trainers are the demo catalogue's data.
    assert!(buttons.contains(&tr!(ZH, "browse-category-button", category = "特色种养", count = 1)), "{buttons}");
    assert!(!buttons.contains("政策解读"), "cadre categories are not shown to villagers: {buttons}");
    let courses = t.tap(me, "特色种养").await;
    assert_matches!(courses.rendered_text(), tr!(ZH, "browse-category-title", category = ANY, page = 1, pages = 1));
    assert!(!labels(&courses).contains("春茶"), "courses held only in another county are not offered");
    let card = t.tap(me, "食用菌种植技术").await;
    let text = card.rendered_text();
    assert!(
        text.contains(&zh("course-cost-free")) && text.contains(&zh("mode-field")) && text.contains("王立新"),
        "{text}"
    );
    let classes = labels(&card);
    assert!(
        classes.contains(&zh_date(2026, 12, 12)) && classes.contains(&tr!(ZH, "class-seats-left", n = 30)),
        "{classes}"
    );
    let summary = t.tap(me, "铁山镇农业技术推广站").await;
    let text = summary.rendered_text();
    assert!(
        matches(&text, &tr!(ZH, "session-when", date = ANY, start = "09:00", end = "11:30"))
            && shows(&text, ZH, "course-bring"),
        "{text}"
    );
    let done = t.tap(me, "确认报名").await;
    let text = done.rendered_text();
    assert_shows!(text, ZH, "order-confirmed");
    let number = order_number(&text);

    // The coordinator of the county hears about it, through the outbox.
    let line = t.next(coord).await.rendered_text();
    let expected = tr!(
        ZH,
        "coord-line-order",
        name = "王秀英",
        village = ANY,
        course = ANY,
        class = ANY,
        taken = 1,
        total = 30,
        status = ANY,
        number = &number
    );
    assert!(matches(&line, &expected) && line.contains("东村"), "{line}");

    let mine = t.say(me, "📋 我的课程").await;
    let text = mine.rendered_text();
    let next = tr!(ZH, "session-when", date = zh_date(2026, 12, 12), start = ANY, end = ANY);
    assert!(
        text.contains(&number)
            && text.contains(&zh("status-confirmed"))
            && matches(&text, &tr!(ZH, "my-courses-next", when = next, place = ANY)),
        "{text}"
    );

    // Ordering the same class again is refused kindly, with the existing order.
    let again = order(&t, me, "特色种养", "食用菌种植技术", "铁山镇农业技术推广站").await;
    assert_matches!(again.rendered_text(), tr!(ZH, "order-already", number = &number, status = ANY));
    t.stop().await;
}

#[tokio::test]
async fn a_villager_browses_orders_and_sees_the_order_on_sqlite() {
    browse_order_confirm(Store::Sqlite).await;
}

#[tokio::test]
async fn a_villager_browses_orders_and_sees_the_order_on_postgres() {
    browse_order_confirm(Store::Postgres).await;
}

#[tokio::test]
async fn a_full_class_waitlists_and_a_freed_seat_is_offered_then_accepted() {
    let Some(t) = TestBot::start(Store::Sqlite).await else { return };
    let a = t.villager(911, "甲").await;
    let b = t.villager(912, "乙").await;
    let c = t.villager(913, "丙").await;
    for who in [a, b] {
        let done = order(&t, who, "特色种养", "食用菌种植技术", "西村张大姐家菇棚").await;
        assert_shows!(done.rendered_text(), ZH, "order-confirmed");
    }
    let waiting = order(&t, c, "特色种养", "食用菌种植技术", "西村张大姐家菇棚").await;
    assert_matches!(waiting.rendered_text(), tr!(ZH, "order-waitlisted", position = 1, number = ANY));
    let mine = t.say(c, "📋 我的课程").await;
    assert!(
        mine.rendered_text().contains(&tr!(ZH, "order-waitlist-position", position = 1)),
        "{}",
        mine.rendered_text()
    );

    // 甲 cancels (long before the cut-off): confirm first, then the seat goes to 丙.
    let mine = t.say(a, "/my").await;
    assert!(mine.rendered_text().contains(&zh("status-confirmed")));
    let ask = t.tap(a, "❌ 取消").await;
    assert_shows!(ask.rendered_text(), ZH, "cancel-confirm");
    let done = t.tap(a, "确定取消").await;
    assert_shows!(done.rendered_text(), ZH, "cancel-done-passed-on");

    let offer = t.next(c).await;
    // The offer names the class by date and place (丙 could hold orders for several classes of the course).
    let class = tr!(ZH, "class-label", course = ANY, date = zh_date(2026, 12, 20), place = "西村张大姐家菇棚");
    assert_matches!(offer.rendered_text(), tr!(ZH, "offer-seat", class = class, number = ANY, hours = ANY));
    let accepted = t.tap(c, "我要这个名额").await;
    assert_shows!(accepted.rendered_text(), ZH, "order-confirmed");
    // Tapping the offer again changes nothing.
    let id = t.emu.press(c, offer.message_id, &offer.inline_keyboard[0][0].callback_data.clone().unwrap());
    t.emu.callback_answer(&id).await.unwrap();
    assert!(t.next(c).await.rendered_text().contains(&zh("offer-gone")));

    assert_eq!(db::orders::seats_held_now(&t.app.db, "mushroom-small-2026-12").await.unwrap(), 2);
    t.stop().await;
}

#[tokio::test]
async fn an_unanswered_offer_expires_and_passes_to_the_next_person_on_sqlite() {
    offer_expires(Store::Sqlite).await;
}

#[tokio::test]
async fn an_unanswered_offer_expires_and_passes_to_the_next_person_on_postgres() {
    offer_expires(Store::Postgres).await;
}

async fn offer_expires(store: Store) {
    let Some(t) = TestBot::start(store).await else { return };
    let a = t.villager(921, "甲").await;
    let b = t.villager(922, "乙").await;
    let c = t.villager(923, "丙").await;
    let d = t.villager(924, "丁").await;
    for who in [a, b, c, d] {
        order(&t, who, "特色种养", "食用菌种植技术", "西村张大姐家菇棚").await;
    }
    t.say(a, "/my").await;
    t.tap(a, "❌ 取消").await;
    t.tap(a, "确定取消").await;
    let offer = t.next(c).await;
    assert_matches!(offer.rendered_text(), tr!(ZH, "offer-seat", class = ANY, number = ANY, hours = 24));

    // A day and an hour later, nobody has answered: 丙 is told, 丁 gets the offer.
    t.clock.advance(Duration::hours(25));
    let expired = t.next(c).await;
    assert_shows!(expired.rendered_text(), ZH, "offer-expired");
    // In 丙's courses it reads as an expired offer, among what is over, not as something 丙 cancelled.
    let mine = t.say(c, "/my").await.rendered_text();
    assert!(
        mine.contains(&zh("my-courses-past-title"))
            && mine.contains(&zh("status-offer-expired"))
            && !mine.contains(&zh("status-cancelled")),
        "{mine}"
    );
    let offer_d = t.next(d).await;
    assert_shows!(offer_d.rendered_text(), ZH, "offer-seat");
    // 丙's old button no longer works.
    let id = t.emu.press(c, offer.message_id, &offer.inline_keyboard[0][0].callback_data.clone().unwrap());
    t.emu.callback_answer(&id).await.unwrap();
    assert!(t.next(c).await.rendered_text().contains(&zh("offer-gone")));
    let declined = t.tap(d, "不要了").await;
    assert_shows!(declined.rendered_text(), ZH, "offer-declined");
    t.stop().await;
}

#[tokio::test]
async fn a_late_cancellation_goes_to_the_coordinator() {
    let Some(t) = TestBot::start(Store::Sqlite).await else { return };
    let coord = t.coordinator(930, "刘主任").await;
    let me = t.villager(931, "王秀英").await;
    let done = order(&t, me, "特色种养", "食用菌种植技术", "铁山镇农业技术推广站").await;
    let number = order_number(&done.rendered_text());
    t.next(coord).await; // the new-order line

    // The evening reminder goes at 19:30 the day before the first session (12月12日 09:00)…
    t.clock.set(chrono::DateTime::parse_from_rfc3339("2026-12-11T19:31:00+08:00").unwrap().to_utc());
    assert_shows!(t.next(me).await.rendered_text(), ZH, "reminder-title");
    // …and at 21:00, 12 hours before the session, it is past the 24-hour cut-off.
    t.clock.set(chrono::DateTime::parse_from_rfc3339("2026-12-11T21:00:00+08:00").unwrap().to_utc());
    t.say(me, "/my").await;
    t.tap(me, "❌ 取消").await;
    let requested = t.tap(me, "确定取消").await;
    assert_shows!(requested.rendered_text(), ZH, "cancel-requested");
    let order = db::orders::of_user(&t.app.db, me).await.unwrap().remove(0);
    assert_eq!(order.status, OrderStatus::Confirmed, "the order stands until the coordinator decides");

    // 21:00 is quiet hours: the request waits for the morning.
    assert_shows!(t.emu.last_message(coord).unwrap().rendered_text(), ZH, "coord-line-order");
    t.clock.set(chrono::DateTime::parse_from_rfc3339("2026-12-12T07:31:00+08:00").unwrap().to_utc());
    let request = t.next(coord).await;
    assert_matches!(
        request.rendered_text(),
        tr!(ZH, "coord-cancel-request", name = ANY, class = ANY, number = &number)
    );
    let decided = t.tap(coord, "同意取消").await;
    let cancelled = zh("status-cancelled");
    assert_matches!(decided.rendered_text(), tr!(ZH, "decision-done", number = ANY, status = &cancelled));
    // The course's 课前预习, held by the quiet hours at 21:00, went out this morning too.
    let mut told = t.next(me).await;
    if shows(&told.rendered_text(), ZH, "lesson-course-preview-soon") {
        told = t.next(me).await;
    }
    assert_shows!(told.rendered_text(), ZH, "cancel-allowed");
    // A second tap on the same request is answered and changes nothing.
    let id = t.emu.press(coord, request.message_id, &request.inline_keyboard[0][0].callback_data.clone().unwrap());
    t.emu.callback_answer(&id).await.unwrap();
    assert_shows!(t.next(coord).await.rendered_text(), ZH, "decision-already");
    t.stop().await;
}

#[tokio::test]
async fn an_order_that_needs_approval_waits_for_the_coordinator() {
    let Some(t) = TestBot::start(Store::Sqlite).await else { return };
    let coord = t.coordinator(940, "刘主任").await;
    let me = t.villager(941, "王秀英").await;
    let other = t.villager(942, "李四").await;
    let pending = order(&t, me, "家政养老", "家政服务与养老护理", "县就业创业服务中心").await;
    assert_shows!(pending.rendered_text(), ZH, "order-pending");
    let line = t.next(coord).await;
    assert!(line.rendered_text().contains(&zh("status-pending-approval")), "{}", line.rendered_text());

    // A trainee pressing the coordinator's button (forged data) is refused.
    let data = line.inline_keyboard[0][0].callback_data.clone().unwrap();
    let my_last = t.emu.last_message(other).unwrap();
    let id = t.emu.press(other, my_last.message_id, &data);
    let answer = t.emu.callback_answer(&id).await.unwrap();
    assert!(answer.text.unwrap_or_default().contains(&zh("not-allowed")));

    let decided = t.tap(coord, "批准").await;
    let confirmed = zh("status-confirmed");
    assert_matches!(decided.rendered_text(), tr!(ZH, "decision-done", number = ANY, status = &confirmed));
    let told = t.next(me).await;
    assert_shows!(told.rendered_text(), ZH, "order-approved");
    t.stop().await;
}

#[tokio::test]
async fn a_double_tapped_confirm_makes_one_order() {
    let Some(t) = TestBot::start(Store::Sqlite).await else { return };
    let me = t.villager(951, "王秀英").await;
    t.say(me, "📚 报名培训").await;
    t.tap(me, "特色种养").await;
    t.tap(me, "食用菌种植技术").await;
    let summary = t.tap(me, "铁山镇农业技术推广站").await;
    let data = summary.inline_keyboard[0][0].callback_data.clone().unwrap();
    let first = t.emu.press(me, summary.message_id, &data);
    let second = t.emu.press(me, summary.message_id, &data);
    t.emu.callback_answer(&first).await.unwrap();
    t.emu.callback_answer(&second).await.unwrap();
    let replies = [t.next(me).await.rendered_text(), t.next(me).await.rendered_text()];
    assert!(replies.iter().any(|r| shows(r, ZH, "order-confirmed")), "{replies:?}");
    assert!(replies.iter().any(|r| shows(r, ZH, "order-already")), "{replies:?}");
    assert_eq!(db::orders::of_user(&t.app.db, me).await.unwrap().len(), 1);
    t.stop().await;
}

async fn last_seat_race(store: Store) {
    let Some(t) = TestBot::start(store).await else { return };
    let people: Vec<i64> = {
        let mut v = Vec::new();
        for (i, name) in ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸", "子", "丑"].iter().enumerate()
        {
            v.push(t.villager(960 + i as i64, name).await);
        }
        v
    };
    // Everyone has the small class's summary on screen and taps Confirm at once.
    let mut presses = Vec::new();
    for &who in &people {
        let last = t.emu.last_message(who).unwrap();
        presses.push((who, t.emu.press(who, last.message_id, "bf:mushroom-small-2026-12")));
    }
    for (who, id) in &presses {
        t.emu.callback_answer(id).await.unwrap();
        let reply = t.next(*who).await.rendered_text();
        assert!(shows(&reply, ZH, "order-confirmed") || shows(&reply, ZH, "order-waitlisted"), "{reply}");
    }
    assert_eq!(db::orders::seats_held_now(&t.app.db, "mushroom-small-2026-12").await.unwrap(), 2, "no overbooking");
    assert_eq!(
        db::orders::count_in_status(&t.app.db, "mushroom-small-2026-12", OrderStatus::Waitlisted).await.unwrap(),
        10
    );
    t.stop().await;
}

#[tokio::test]
async fn the_last_seat_race_overbooks_nobody_on_sqlite() {
    last_seat_race(Store::Sqlite).await;
}

#[tokio::test]
async fn the_last_seat_race_overbooks_nobody_on_postgres() {
    last_seat_race(Store::Postgres).await;
}

#[tokio::test]
async fn stale_and_forged_buttons_are_answered_and_change_nothing() {
    let Some(t) = TestBot::start(Store::Sqlite).await else { return };
    let me = t.villager(981, "王秀英").await;
    let last = t.emu.last_message(me).unwrap();
    for data in ["bo:no-such-course", "bl:no-such-class", "bf:cadre-policy-xinan-2027-03", "ox:999999", "zz:1"] {
        let id = t.emu.press(me, last.message_id, data);
        let answer = t.emu.callback_answer(&id).await.unwrap();
        let shown = answer.text.clone().unwrap_or_default();
        let reply = if shown.is_empty() { t.next(me).await.rendered_text() } else { shown };
        assert!(
            reply.contains(&zh("menu-expired"))
                || reply.contains(&zh("order-not-for-you"))
                || reply.contains(&zh("not-allowed")),
            "{data}: {reply}"
        );
    }
    assert!(db::orders::of_user(&t.app.db, me).await.unwrap().is_empty());
    t.stop().await;
}

#[tokio::test]
async fn course_requests_are_tallied_and_alert_the_coordinator_at_the_threshold() {
    let Some(t) = TestBot::start_with(Store::Sqlite, |c| c.request_threshold = 2).await else { return };
    let coord = t.coordinator(990, "刘主任").await;
    let a = t.villager(991, "甲").await;
    let b = t.villager(992, "乙").await;

    let topics = t.say(a, "🙋 我想学").await;
    assert!(topics.rendered_text().contains(&zh("request-choose-topic")));
    let ask = t.tap(a, "其他，我打字说").await;
    assert!(ask.rendered_text().contains(&zh("request-type-topic")), "{}", ask.rendered_text());
    let unclear = t.say(a, "???").await;
    assert!(unclear.rendered_text().contains(&zh("request-topic-unclear")), "{}", unclear.rendered_text());
    let recorded = t.say(a, "葡萄 种植").await;
    assert!(recorded.rendered_text().contains(&tr!(ZH, "request-recorded", count = 1)), "{}", recorded.rendered_text());

    t.say(b, "🙋 我想学").await;
    t.tap(b, "其他，我打字说").await;
    let recorded = t.say(b, "葡萄种植").await;
    assert!(recorded.rendered_text().contains(&tr!(ZH, "request-recorded", count = 2)), "{}", recorded.rendered_text());
    let alert = t.next(coord).await;
    // 铁山镇 is the demo catalogue's township.
    assert_matches!(
        alert.rendered_text(),
        tr!(ZH, "coord-request-threshold", township = "铁山镇", count = 2, topic = ANY)
    );

    let tally = t.say(coord, "/requests").await;
    assert_matches!(tally.rendered_text(), tr!(ZH, "requests-line", township = "铁山镇", topic = ANY, count = 2));
    let refused = t.say(a, "/requests").await;
    assert!(refused.rendered_text().contains(&zh("not-allowed")));
    t.stop().await;
}

#[tokio::test]
async fn cancelling_when_nobody_waits_does_not_promise_the_seat_to_anyone() {
    let Some(t) = TestBot::start(Store::Sqlite).await else { return };
    let me = t.villager(950, "王秀英").await;
    order(&t, me, "特色种养", "食用菌种植技术", "铁山镇农业技术推广站").await;
    t.say(me, "/my").await;
    let ask = t.tap(me, "❌ 取消 12月12日（周六） · 铁山镇农业技术推广站").await;
    let class =
        tr!(ZH, "class-label", course = "食用菌种植技术", date = zh_date(2026, 12, 12), place = "铁山镇农业技术推广站");
    assert_matches!(ask.rendered_text(), tr!(ZH, "cancel-confirm", class = class, number = ANY));
    let done = t.tap(me, "确定取消").await.rendered_text();
    assert!(shows(&done, ZH, "cancel-done") && !shows(&done, ZH, "cancel-done-passed-on"), "{done}");
    t.stop().await;
}

#[tokio::test]
async fn a_class_that_has_ended_is_listed_apart_and_cannot_be_cancelled() {
    let Some(t) = TestBot::start(Store::Sqlite).await else { return };
    let coord = t.coordinator(960, "刘主任").await;
    let me = t.villager(961, "王秀英").await;
    order(&t, me, "特色种养", "食用菌种植技术", "西村张大姐家菇棚").await;
    order(&t, me, "特色种养", "食用菌种植技术", "铁山镇农业技术推广站").await;
    let before = t.say(me, "/my").await;
    assert_eq!(
        before.buttons().filter(|b| shows(&b.text, ZH, "btn-cancel-order")).count(),
        2,
        "{:?}",
        before.inline_keyboard
    );

    // Months after the small class's only session (12-20) and the other's last (12-19).
    t.clock.set(crate::common::beijing("2027-07-09T10:00:00"));
    let mine = t.say(me, "/my").await;
    let text = mine.rendered_text();
    assert!(text.contains(&zh("my-courses-none-current")) && text.contains(&zh("my-courses-past-title")), "{text}");
    assert!(
        mine.buttons().all(|b| !shows(&b.text, ZH, "btn-cancel-order")),
        "no cancel button on a past class: {:?}",
        mine.inline_keyboard
    );
    // A cancel button kept from before answers that the class is over, and asks nobody anything.
    let old = before.inline_keyboard.iter().flatten().find(|b| shows(&b.text, ZH, "btn-cancel-order")).unwrap();
    let id = t.emu.press(me, before.message_id, old.callback_data.as_deref().unwrap());
    t.emu.callback_answer(&id).await.unwrap();
    let answer = t.next(me).await.rendered_text();
    assert_shows!(answer, ZH, "cancel-class-ended");
    let to_coordinator: Vec<String> = t.emu.messages(coord).iter().map(|m| m.rendered_text()).collect();
    assert!(to_coordinator.iter().all(|m| !shows(m, ZH, "coord-cancel-request")), "{to_coordinator:?}");
    t.stop().await;
}

#[tokio::test]
async fn requests_go_up_to_the_admins_and_nobody_to_ask_is_said_on_sqlite() {
    requests_go_up_to_the_admins(Store::Sqlite).await;
}

#[tokio::test]
async fn requests_go_up_to_the_admins_and_nobody_to_ask_is_said_on_postgres() {
    requests_go_up_to_the_admins(Store::Postgres).await;
}

/// With no coordinator over the region, requests go to the admins; with nobody at all, the person is told.
async fn requests_go_up_to_the_admins(store: Store) {
    let Some(t) = TestBot::start(store).await else { return };
    let me = t.villager(971, "王秀英").await;
    order(&t, me, "特色种养", "食用菌种植技术", "铁山镇农业技术推广站").await;
    // Inside the 24-hour cut-off, with nobody to decide: the person hears so, and the order stands.
    t.clock.set(crate::common::beijing("2026-12-11T19:31:00"));
    t.next(me).await; // the evening reminder
    t.say(me, "/my").await;
    t.tap(me, "❌ 取消").await;
    let nobody = t.tap(me, "确定取消").await.rendered_text();
    // The demo catalogue gives no office contact: the bot passes "none".
    assert_matches!(nobody, tr!(ZH, "cancel-nobody-to-ask", number = ANY, contact = "none"));
    assert_eq!(db::orders::of_user(&t.app.db, me).await.unwrap()[0].status, OrderStatus::Confirmed);
    assert_eq!(db::orders::of_user(&t.app.db, me).await.unwrap()[0].cancel_requested_at, None);

    // With an admin on the programme, the same request reaches the admin, who decides it.
    let admin = t.user(972, "周管理", "zh-hans");
    t.register(admin, "周管理", "同意", "干部").await;
    let grant = fieldschool::domain::person::RoleGrant {
        role: fieldschool::domain::person::Role::Admin,
        region_key: String::new(),
    };
    fieldschool::services::people::grant(&t.app, admin, &grant).await.unwrap();
    t.say(me, "/my").await;
    t.tap(me, "❌ 取消").await;
    let sent = t.tap(me, "确定取消").await.rendered_text();
    assert_shows!(sent, ZH, "cancel-requested");
    let request = t.next(admin).await;
    assert_shows!(request.rendered_text(), ZH, "coord-cancel-request");
    let decided = t.tap(admin, "同意取消").await;
    let cancelled = zh("status-cancelled");
    assert_matches!(decided.rendered_text(), tr!(ZH, "decision-done", number = ANY, status = &cancelled));
    t.stop().await;
}

#[tokio::test]
async fn an_approval_nobody_can_give_is_said_honestly() {
    let Some(t) = TestBot::start(Store::Sqlite).await else { return };
    let me = t.villager(981, "王秀英").await;
    let pending = order(&t, me, "家政养老", "家政服务与养老护理", "县就业创业服务中心").await.rendered_text();
    // The demo catalogue gives no office contact: the bot passes "none".
    let nobody = tr!(ZH, "order-nobody-to-approve", contact = "none");
    assert!(shows(&pending, ZH, "order-pending") && pending.contains(&nobody), "{pending}");
    t.stop().await;
}

#[tokio::test]
async fn the_order_summary_lists_each_sessions_place_when_they_differ() {
    let Some(t) = TestBot::start(Store::Sqlite).await else { return };
    let me = t.villager(990, "王秀英").await;
    t.say(me, "📚 报名培训").await;
    t.tap(me, "特色种养").await;
    t.tap(me, "食用菌种植技术").await;
    let summary = t.tap(me, "铁山镇农业技术推广站").await.rendered_text();
    assert!(summary.contains(&zh("summary-sessions-places")), "{summary}");
    // The places are the demo catalogue's; how a session's line joins them is fixed in code.
    for (day, place) in [(12, "铁山镇农业技术推广站"), (13, "东村食用菌大棚")] {
        let when = tr!(ZH, "session-when", date = zh_date(2026, 12, day), start = "09:00", end = "11:30");
        assert!(summary.contains(&format!("{when} · {place}")), "{summary}");
    }
    t.stop().await;
}
