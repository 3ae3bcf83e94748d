//! Order-style sign-up end to end: people tap through the real bot over HTTP (Bot API emulator),
//! messages that are not direct replies arrive through the outbox, and time moves on a manual clock.

use crate::common::{Store, TestBot};
use chrono::Duration;
use fieldschool::db;
use fieldschool::domain::order::OrderStatus;
use fieldschool::emulator::BotMessage;

/// From the main menu to the order confirmation of the class whose button mentions `class_label`.
async fn order(t: &TestBot, me: i64, category: &str, course: &str, class_label: &str) -> BotMessage {
    let categories = t.say(me, "📚 报名培训").await;
    assert!(categories.rendered_text().contains("想学哪一类"), "{}", categories.rendered_text());
    let courses = t.tap(me, category).await;
    let card = t.tap(me, course).await;
    assert!(card.rendered_text().contains("请选择班次"), "{}", card.rendered_text());
    let summary = t.tap(me, class_label).await;
    assert!(summary.rendered_text().contains("请核对您的报名"), "{}", summary.rendered_text());
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
    assert!(buttons.contains("特色种养（1 门）"), "{buttons}");
    assert!(!buttons.contains("政策解读"), "cadre categories are not shown to villagers: {buttons}");
    let courses = t.tap(me, "特色种养").await;
    assert!(courses.rendered_text().contains("第 1/1 页"), "{}", courses.rendered_text());
    assert!(!labels(&courses).contains("春茶"), "courses held only in another county are not offered");
    let card = t.tap(me, "食用菌种植技术").await;
    let text = card.rendered_text();
    assert!(text.contains("免费（政府买单）") && text.contains("现场教学") && text.contains("王立新"), "{text}");
    let classes = labels(&card);
    assert!(classes.contains("12月12日（周六）") && classes.contains("剩 30 个名额"), "{classes}");
    let summary = t.tap(me, "铁山镇农业技术推广站").await;
    let text = summary.rendered_text();
    assert!(text.contains("09:00–11:30") && text.contains("请带"), "{text}");
    let done = t.tap(me, "确认报名").await;
    let text = done.rendered_text();
    assert!(text.contains("报名成功"), "{text}");
    let number = order_number(&text);

    // The coordinator of the county hears about it, through the outbox.
    let line = t.next(coord).await.rendered_text();
    assert!(line.contains("新报名") && line.contains("王秀英") && line.contains("东村"), "{line}");
    assert!(line.contains("1/30") && line.contains(&number), "{line}");

    let mine = t.say(me, "📋 我的课程").await;
    let text = mine.rendered_text();
    assert!(text.contains(&number) && text.contains("已确认") && text.contains("下次上课：12月12日"), "{text}");

    // Ordering the same class again is refused kindly, with the existing order.
    let again = order(&t, me, "特色种养", "食用菌种植技术", "铁山镇农业技术推广站").await;
    assert!(again.rendered_text().contains(&format!("您已经报过这个班了：订单 {number}")), "{}", again.rendered_text());
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
        assert!(done.rendered_text().contains("报名成功"), "{}", done.rendered_text());
    }
    let waiting = order(&t, c, "特色种养", "食用菌种植技术", "西村张大姐家菇棚").await;
    assert!(waiting.rendered_text().contains("候补第 1 位"), "{}", waiting.rendered_text());
    let mine = t.say(c, "📋 我的课程").await;
    assert!(mine.rendered_text().contains("候补第 1 位"), "{}", mine.rendered_text());

    // 甲 cancels (long before the cut-off): confirm first, then the seat goes to 丙.
    let mine = t.say(a, "/my").await;
    assert!(mine.rendered_text().contains("已确认"));
    let ask = t.tap(a, "❌ 取消").await;
    assert!(ask.rendered_text().contains("确定要取消"), "{}", ask.rendered_text());
    let done = t.tap(a, "确定取消").await;
    assert!(
        done.rendered_text().contains("已取消") && done.rendered_text().contains("让给了候补的人"),
        "{}",
        done.rendered_text()
    );

    let offer = t.next(c).await;
    // The offer names the class by date and place (丙 could hold orders for several classes of the course).
    assert!(offer.rendered_text().contains("12月20日（周日） · 西村张大姐家菇棚"), "{}", offer.rendered_text());
    assert!(offer.rendered_text().contains("空出一个名额"), "{}", offer.rendered_text());
    let accepted = t.tap(c, "我要这个名额").await;
    assert!(accepted.rendered_text().contains("报名成功"), "{}", accepted.rendered_text());
    // Tapping the offer again changes nothing.
    let id = t.emu.press(c, offer.message_id, &offer.inline_keyboard[0][0].callback_data.clone().unwrap());
    t.emu.callback_answer(&id).await.unwrap();
    assert!(t.next(c).await.rendered_text().contains("不再为您保留"));

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
    assert!(offer.rendered_text().contains("24 小时内"), "{}", offer.rendered_text());

    // A day and an hour later, nobody has answered: 丙 is told, 丁 gets the offer.
    t.clock.advance(Duration::hours(25));
    let expired = t.next(c).await;
    assert!(expired.rendered_text().contains("已经过期"), "{}", expired.rendered_text());
    // In 丙's courses it reads as an expired offer, among what is over, not as something 丙 cancelled.
    let mine = t.say(c, "/my").await.rendered_text();
    assert!(mine.contains("已结束的") && mine.contains("名额已过期") && !mine.contains("已取消"), "{mine}");
    let offer_d = t.next(d).await;
    assert!(offer_d.rendered_text().contains("空出一个名额"), "{}", offer_d.rendered_text());
    // 丙's old button no longer works.
    let id = t.emu.press(c, offer.message_id, &offer.inline_keyboard[0][0].callback_data.clone().unwrap());
    t.emu.callback_answer(&id).await.unwrap();
    assert!(t.next(c).await.rendered_text().contains("不再为您保留"));
    let declined = t.tap(d, "不要了").await;
    assert!(declined.rendered_text().contains("已取消"), "{}", declined.rendered_text());
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
    assert!(t.next(me).await.rendered_text().contains("上课提醒"));
    // …and at 21:00, 12 hours before the session, it is past the 24-hour cut-off.
    t.clock.set(chrono::DateTime::parse_from_rfc3339("2026-12-11T21:00:00+08:00").unwrap().to_utc());
    t.say(me, "/my").await;
    t.tap(me, "❌ 取消").await;
    let requested = t.tap(me, "确定取消").await;
    assert!(requested.rendered_text().contains("发给培训办"), "{}", requested.rendered_text());
    let order = db::orders::of_user(&t.app.db, me).await.unwrap().remove(0);
    assert_eq!(order.status, OrderStatus::Confirmed, "the order stands until the coordinator decides");

    // 21:00 is quiet hours: the request waits for the morning.
    assert!(t.emu.last_message(coord).unwrap().rendered_text().contains("新报名"));
    t.clock.set(chrono::DateTime::parse_from_rfc3339("2026-12-12T07:31:00+08:00").unwrap().to_utc());
    let request = t.next(coord).await;
    assert!(request.rendered_text().contains(&number) && request.rendered_text().contains("申请取消"));
    let decided = t.tap(coord, "同意取消").await;
    assert!(decided.rendered_text().contains("已取消"), "{}", decided.rendered_text());
    let told = t.next(me).await;
    assert!(told.rendered_text().contains("同意取消"), "{}", told.rendered_text());
    // A second tap on the same request is answered and changes nothing.
    let id = t.emu.press(coord, request.message_id, &request.inline_keyboard[0][0].callback_data.clone().unwrap());
    t.emu.callback_answer(&id).await.unwrap();
    assert!(t.next(coord).await.rendered_text().contains("已经处理过了"));
    t.stop().await;
}

#[tokio::test]
async fn an_order_that_needs_approval_waits_for_the_coordinator() {
    let Some(t) = TestBot::start(Store::Sqlite).await else { return };
    let coord = t.coordinator(940, "刘主任").await;
    let me = t.villager(941, "王秀英").await;
    let other = t.villager(942, "李四").await;
    let pending = order(&t, me, "家政养老", "家政服务与养老护理", "县就业创业服务中心").await;
    assert!(pending.rendered_text().contains("等培训办审批"), "{}", pending.rendered_text());
    let line = t.next(coord).await;
    assert!(line.rendered_text().contains("等待审批"), "{}", line.rendered_text());

    // A trainee pressing the coordinator's button (forged data) is refused.
    let data = line.inline_keyboard[0][0].callback_data.clone().unwrap();
    let my_last = t.emu.last_message(other).unwrap();
    let id = t.emu.press(other, my_last.message_id, &data);
    let answer = t.emu.callback_answer(&id).await.unwrap();
    assert!(answer.text.unwrap_or_default().contains("没有权限"));

    let decided = t.tap(coord, "批准").await;
    assert!(decided.rendered_text().contains("已确认"), "{}", decided.rendered_text());
    let told = t.next(me).await;
    assert!(told.rendered_text().contains("已通过审批"), "{}", told.rendered_text());
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
    assert!(replies.iter().any(|r| r.contains("报名成功")), "{replies:?}");
    assert!(replies.iter().any(|r| r.contains("您已经报过这个班了")), "{replies:?}");
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
        assert!(reply.contains("报名成功") || reply.contains("候补第"), "{reply}");
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
            reply.contains("已过期") || reply.contains("不适合您报名") || reply.contains("没有权限"),
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
    assert!(topics.rendered_text().contains("想学什么"));
    let ask = t.tap(a, "其他，我打字说").await;
    assert!(ask.rendered_text().contains("例如"), "{}", ask.rendered_text());
    let unclear = t.say(a, "???").await;
    assert!(unclear.rendered_text().contains("没看懂"), "{}", unclear.rendered_text());
    let recorded = t.say(a, "葡萄 种植").await;
    assert!(recorded.rendered_text().contains("已有 1 人"), "{}", recorded.rendered_text());

    t.say(b, "🙋 我想学").await;
    t.tap(b, "其他，我打字说").await;
    let recorded = t.say(b, "葡萄种植").await;
    assert!(recorded.rendered_text().contains("已有 2 人"), "{}", recorded.rendered_text());
    let alert = t.next(coord).await;
    assert!(
        alert.rendered_text().contains("2 人想学") && alert.rendered_text().contains("铁山镇"),
        "{}",
        alert.rendered_text()
    );

    let tally = t.say(coord, "/requests").await;
    assert!(
        tally.rendered_text().contains("铁山镇") && tally.rendered_text().contains("2 人"),
        "{}",
        tally.rendered_text()
    );
    let refused = t.say(a, "/requests").await;
    assert!(refused.rendered_text().contains("没有权限"));
    t.stop().await;
}

#[tokio::test]
async fn cancelling_when_nobody_waits_does_not_promise_the_seat_to_anyone() {
    let Some(t) = TestBot::start(Store::Sqlite).await else { return };
    let me = t.villager(950, "王秀英").await;
    order(&t, me, "特色种养", "食用菌种植技术", "铁山镇农业技术推广站").await;
    t.say(me, "/my").await;
    let ask = t.tap(me, "❌ 取消 12月12日（周六） · 铁山镇农业技术推广站").await;
    assert!(
        ask.rendered_text().contains("“食用菌种植技术”（12月12日（周六） · 铁山镇农业技术推广站）"),
        "{}",
        ask.rendered_text()
    );
    let done = t.tap(me, "确定取消").await.rendered_text();
    assert!(done.contains("已取消") && !done.contains("让给"), "{done}");
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
    assert_eq!(before.buttons().filter(|b| b.text.contains("取消")).count(), 2, "{:?}", before.inline_keyboard);

    // Months after the small class's only session (12-20) and the other's last (12-19).
    t.clock.set(crate::common::beijing("2027-07-09T10:00:00"));
    let mine = t.say(me, "/my").await;
    let text = mine.rendered_text();
    assert!(text.contains("您现在没有要上的课") && text.contains("已结束的"), "{text}");
    assert!(
        mine.buttons().all(|b| !b.text.contains("取消")),
        "no cancel button on a past class: {:?}",
        mine.inline_keyboard
    );
    // A cancel button kept from before answers that the class is over, and asks nobody anything.
    let old = before.inline_keyboard.iter().flatten().find(|b| b.text.contains("取消")).unwrap();
    let id = t.emu.press(me, before.message_id, old.callback_data.as_deref().unwrap());
    t.emu.callback_answer(&id).await.unwrap();
    let answer = t.next(me).await.rendered_text();
    assert!(answer.contains("已经结束了"), "{answer}");
    let to_coordinator: Vec<String> = t.emu.messages(coord).iter().map(|m| m.rendered_text()).collect();
    assert!(to_coordinator.iter().all(|m| !m.contains("申请取消")), "{to_coordinator:?}");
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
    assert!(nobody.contains("没有培训办的人能处理") && nobody.contains("仍然有效"), "{nobody}");
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
    assert!(sent.contains("发给培训办"), "{sent}");
    let request = t.next(admin).await;
    assert!(request.rendered_text().contains("申请取消"), "{}", request.rendered_text());
    let decided = t.tap(admin, "同意取消").await;
    assert!(decided.rendered_text().contains("已取消"), "{}", decided.rendered_text());
    t.stop().await;
}

#[tokio::test]
async fn an_approval_nobody_can_give_is_said_honestly() {
    let Some(t) = TestBot::start(Store::Sqlite).await else { return };
    let me = t.villager(981, "王秀英").await;
    let pending = order(&t, me, "家政养老", "家政服务与养老护理", "县就业创业服务中心").await.rendered_text();
    assert!(pending.contains("等培训办审批") && pending.contains("还没有能审批的"), "{pending}");
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
    assert!(summary.contains("上课时间和地点"), "{summary}");
    assert!(summary.contains("12月12日（周六） 09:00–11:30 · 铁山镇农业技术推广站"), "{summary}");
    assert!(summary.contains("12月13日（周日） 09:00–11:30 · 东村食用菌大棚"), "{summary}");
    t.stop().await;
}
