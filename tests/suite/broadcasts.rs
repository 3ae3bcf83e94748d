//! Broadcasts end to end: targeting per role, the preview equals what arrives (with a header naming
//! the sender, their role and what it is about, in the recipient's language), progress and the
//! delivery report with the people who could not be reached and those who have not pressed "收到",
//! refusals.

use crate::common::{ANY, EN, Store, TestBot, ZH, en, matches, shows, tr, zh, zh_date};
use crate::{assert_matches, assert_shows};

async fn order_mushroom(t: &TestBot, me: i64) {
    t.say(me, "📚 报名培训").await;
    t.tap(me, "特色种养").await;
    t.tap(me, "食用菌种植技术").await;
    t.tap(me, "铁山镇农业技术推广站").await;
    assert_shows!(t.tap(me, "确认报名").await.rendered_text(), ZH, "order-confirmed");
}

async fn a_trainer_broadcasts_to_a_class(store: Store) {
    let Some(t) = TestBot::start(store).await else { return };
    let teacher = t.trainer(850, "wang-lixin", "王立新").await;
    let people = [t.villager(851, "甲").await, t.villager(852, "乙").await, t.villager(853, "丙").await];
    for who in people {
        order_mushroom(&t, who).await;
    }
    // 丙 has blocked the bot since ordering.
    t.emu.block_bot(people[2], true);

    let targets = t.say(teacher, "/broadcast").await;
    assert!(targets.rendered_text().contains(&zh("broadcast-choose-target")), "{}", targets.rendered_text());
    let ask = t.tap(teacher, "食用菌种植技术").await;
    assert!(ask.rendered_text().contains(&zh("broadcast-ask-text")), "{}", ask.rendered_text());
    // Room is kept for the header within Telegram's 4096 characters.
    let long = t.say(teacher, &"雨".repeat(3841)).await;
    assert!(
        long.rendered_text().contains(&tr!(ZH, "broadcast-too-long", limit = 3840, length = 3841)),
        "{}",
        long.rendered_text()
    );
    let sticker_reply = {
        t.emu.send_sticker(teacher);
        t.next(teacher).await
    };
    assert!(sticker_reply.rendered_text().contains(&zh("broadcast-need-text")), "{}", sticker_reply.rendered_text());

    let text = "明天上午的课改在村委会二楼，请带上笔记本。";
    let preview_title = t.say(teacher, text).await;
    assert!(preview_title.rendered_text().contains(&zh("broadcast-preview-title")));
    let preview = t.next(teacher).await;
    let urgency = t.next(teacher).await;
    assert!(
        urgency.rendered_text().contains(&tr!(ZH, "broadcast-ask-urgency", count = 3)),
        "{}",
        urgency.rendered_text()
    );
    let confirm = t.tap(teacher, "紧急通知").await;
    assert_shows!(confirm.rendered_text(), ZH, "broadcast-confirm");
    let progress = t.tap(teacher, "发送").await;
    assert_shows!(progress.rendered_text(), ZH, "broadcast-progress");

    // Each reachable person gets exactly the preview: who sends it, as what, about which class.
    let about = tr!(ZH, "broadcast-about-class", course = "食用菌种植技术", place = "铁山镇农业技术推广站");
    let role = zh("broadcast-role-trainer");
    let header = tr!(ZH, "broadcast-header", sender = "王立新", role = role, about = about);
    let expected = format!("{header}\n\n{text}");
    assert_eq!(preview.rendered_text(), expected);
    for who in &people[..2] {
        let got = t.next(*who).await;
        assert_eq!(got.rendered_text(), preview.rendered_text());
        assert_eq!(got.inline_keyboard[0][0].text, preview.inline_keyboard[0][0].text);
        assert_eq!(t.emu.messages(*who).iter().filter(|m| m.rendered_text().contains(text)).count(), 1, "one copy");
    }

    // The report names who could not be reached, once everything is settled, and who has not
    // pressed "收到" yet.
    let report = t.next(teacher).await;
    let body = report.rendered_text();
    let unacked_person = |name: &str| tr!(ZH, "broadcast-report-unacked-person", name = name, village = "东村");
    assert!(
        matches(&body, &tr!(ZH, "broadcast-report", sent = 2, blocked = 1, failed = ANY, acks = ANY))
            && matches(
                &body,
                &tr!(
                    ZH,
                    "broadcast-report-person",
                    name = "丙",
                    village = "东村",
                    why = zh("broadcast-report-blocked")
                )
            ),
        "{body}"
    );
    assert!(
        body.contains(&tr!(ZH, "broadcast-report-unacked", n = 2))
            && body.contains(&unacked_person("甲"))
            && body.contains(&unacked_person("乙")),
        "{body}"
    );
    let progress_now = t.emu.messages(teacher).into_iter().find(|m| m.message_id == progress.message_id).unwrap();
    assert_matches!(progress_now.rendered_text(), tr!(ZH, "broadcast-progress", sent = 2, waiting = ANY, failed = ANY));

    // 甲 taps "收到"; the sender's refreshed report counts it.
    let id = t.emu.press_button(people[0], "收到").unwrap();
    assert!(t.emu.callback_answer(&id).await.unwrap().text.unwrap_or_default().contains(&zh("broadcast-acked")));
    let refreshed = t.tap(teacher, "刷新").await.rendered_text();
    assert_matches!(refreshed, tr!(ZH, "broadcast-report", sent = ANY, blocked = ANY, failed = ANY, acks = 1));
    let unacked_title = tr!(ZH, "broadcast-report-unacked", n = 1);
    let unacked = refreshed.split(unacked_title.as_str()).nth(1);
    assert!(unacked.is_some_and(|u| u.contains(&unacked_person("乙")) && !u.contains("甲")), "{refreshed}");
    let id = t.emu.press_button(people[1], "收到").unwrap();
    t.emu.callback_answer(&id).await.unwrap();
    let refreshed = t.tap(teacher, "刷新").await.rendered_text();
    assert!(
        refreshed.contains(&zh("broadcast-report-all-acked")) && !shows(&refreshed, ZH, "broadcast-report-unacked"),
        "{refreshed}"
    );
    t.stop().await;
}

#[tokio::test]
async fn a_trainer_broadcasts_to_a_class_on_sqlite() {
    a_trainer_broadcasts_to_a_class(Store::Sqlite).await;
}

#[tokio::test]
async fn a_trainer_broadcasts_to_a_class_on_postgres() {
    a_trainer_broadcasts_to_a_class(Store::Postgres).await;
}

#[tokio::test]
async fn trainees_cannot_broadcast_and_trainers_only_reach_their_classes() {
    let Some(t) = TestBot::start(Store::Sqlite).await else { return };
    let me = t.villager(861, "甲").await;
    assert!(t.say(me, "/broadcast").await.rendered_text().contains(&zh("access-not-allowed")));
    // A forged target button outside the dialog is stale.
    let last = t.emu.last_message(me).unwrap();
    let id = t.emu.press(me, last.message_id, "bt:r:xinan");
    assert!(t.emu.callback_answer(&id).await.unwrap().text.unwrap_or_default().contains(&zh("menu-expired")));

    // A trainer in the dialog pressing a forged target of another trainer's class is refused.
    let other = t.villager(862, "乙").await;
    order_mushroom(&t, other).await;
    let teacher = t.trainer(863, "zhou-wenbin", "周文斌").await;
    let targets = t.say(teacher, "/broadcast").await;
    let text = targets.rendered_text();
    assert!(
        text.contains(&zh("broadcast-why-none"))
            && text.contains(&tr!(ZH, "why-trainer-no-classes", trainer = "周文斌")),
        "{text}"
    );
    t.stop().await;
}

#[tokio::test]
async fn a_coordinator_narrows_to_cadres_and_zero_recipients_is_said() {
    let Some(t) = TestBot::start(Store::Sqlite).await else { return };
    let coord = t.coordinator(870, "刘主任").await;
    t.villager(871, "甲").await;
    t.say(coord, "/broadcast").await;
    let audience = t.tap(coord, "铁山镇").await;
    assert!(audience.rendered_text().contains(&zh("broadcast-choose-audience")), "{}", audience.rendered_text());
    t.tap(coord, "基层干部").await;
    let none = t.say(coord, "开会通知").await;
    assert!(none.rendered_text().contains(&zh("broadcast-no-recipients")), "{}", none.rendered_text());

    // Villagers of the township: one person.
    t.say(coord, "/broadcast").await;
    t.tap(coord, "铁山镇").await;
    t.tap(coord, "所有人").await;
    t.say(coord, "开会通知").await;
    t.next(coord).await; // preview
    let urgency = t.next(coord).await;
    assert!(
        urgency.rendered_text().contains(&tr!(ZH, "broadcast-ask-urgency", count = 1)),
        "{}",
        urgency.rendered_text()
    );
    let cancelled = {
        t.tap(coord, "普通通知").await;
        t.tap(coord, "不发了").await
    };
    assert!(cancelled.rendered_text().contains(&zh("broadcast-cancelled")), "{}", cancelled.rendered_text());
    t.stop().await;
}

#[tokio::test]
async fn the_coordinator_gets_a_daily_digest_at_six_through_the_gate() {
    let Some(t) = TestBot::start(Store::Sqlite).await else { return };
    let coord = t.coordinator(880, "刘主任").await;
    let a = t.villager(881, "甲").await;
    let b = t.villager(882, "乙").await;
    order_mushroom(&t, a).await;
    order_mushroom(&t, b).await;
    t.next(coord).await;
    t.next(coord).await; // the two order lines
    t.say(b, "/my").await;
    t.tap(b, "❌ 取消").await;
    t.tap(b, "确定取消").await;
    assert_shows!(t.next(coord).await.rendered_text(), ZH, "coord-line-cancelled");

    // 18:00 Beijing on the day: the digest of the day's news.
    t.clock.set(chrono::DateTime::parse_from_rfc3339("2026-12-01T18:00:00+08:00").unwrap().to_utc());
    let digest = t.next(coord).await.rendered_text();
    assert!(digest.contains(&tr!(ZH, "digest-title", date = zh_date(2026, 12, 1))), "{digest}");
    assert!(
        digest.contains(&tr!(ZH, "digest-orders", total = 2))
            && digest.contains(&tr!(ZH, "digest-order-line", course = "食用菌种植技术", n = 2)),
        "{digest}"
    );
    assert!(digest.contains(&tr!(ZH, "digest-cancellations", n = 1)), "{digest}");

    // The next day has no news: nothing is sent.
    t.clock.set(chrono::DateTime::parse_from_rfc3339("2026-12-02T18:00:01+08:00").unwrap().to_utc());
    assert_eq!(fieldschool::services::digest::run_due(&t.app).await.unwrap(), 0, "nothing to report");
    let key = format!("digest:{coord}:2026-12-02");
    assert!(!fieldschool::db::outbox::dedupe_exists(&t.app.db, &key).await.unwrap());
    assert!(fieldschool::db::outbox::dedupe_exists(&t.app.db, &format!("digest:{coord}:2026-12-01")).await.unwrap());
    t.stop().await;
}

async fn order_small(t: &TestBot, me: i64) -> String {
    t.say(me, "📚 报名培训").await;
    t.tap(me, "特色种养").await;
    t.tap(me, "食用菌种植技术").await;
    t.tap(me, "西村张大姐家菇棚").await;
    t.tap(me, "确认报名").await.rendered_text()
}

#[tokio::test]
async fn instant_lines_report_waitlist_moves_and_can_be_turned_off() {
    let Some(t) = TestBot::start(Store::Sqlite).await else { return };
    let coord = t.coordinator(890, "刘主任").await;
    let people = [t.villager(891, "甲").await, t.villager(892, "乙").await, t.villager(893, "丙").await];
    for who in people {
        order_small(&t, who).await;
        assert_shows!(t.next(coord).await.rendered_text(), ZH, "coord-line-order");
    }
    // 甲 cancels: the line says so, and the seat's move to 丙 is reported too.
    t.say(people[0], "/my").await;
    t.tap(people[0], "❌ 取消").await;
    t.tap(people[0], "确定取消").await;
    let lines = [t.next(coord).await.rendered_text(), t.next(coord).await.rendered_text()];
    let offered = tr!(ZH, "coord-line-offered", name = "丙", number = ANY);
    assert!(lines.iter().any(|l| matches(l, &offered)), "{lines:?}");
    assert!(lines.iter().any(|l| shows(l, ZH, "coord-line-cancelled")), "{lines:?}");

    // The coordinator turns the lines off in settings; the next order produces none.
    t.say(coord, "⚙️ 设置").await;
    let off = t.tap(coord, "关闭新报名即时通知").await;
    assert!(off.rendered_text().contains(&zh("settings-lines-off")), "{}", off.rendered_text());
    let d = t.villager(894, "丁").await;
    assert_shows!(order_small(&t, d).await, ZH, "order-waitlisted");
    let lines = fieldschool::db::outbox::for_chat(&t.app.db, coord).await.unwrap();
    assert_eq!(lines.iter().filter(|r| r.kind == "coordinator").count(), 5, "no line for 丁's order");
    t.stop().await;
}

async fn the_digest_names_a_busy_season_class_by_its_course_place_and_first_day(store: Store) {
    let Some(t) = TestBot::start(store).await else { return };
    let coord = t.coordinator(1010, "刘主任").await;
    // Ten days before the 三夏 policy class in 南庄村 (5 June 2027), a quiet day otherwise.
    t.clock.set(chrono::DateTime::parse_from_rfc3339("2027-05-26T18:00:00+08:00").unwrap().to_utc());
    let digest = t.next(coord).await.rendered_text();
    assert_shows!(digest, ZH, "digest-busy");
    let line = tr!(
        ZH,
        "digest-busy-line",
        course = "惠民政策明白课",
        place = "南庄村党群服务中心",
        first = zh_date(2027, 6, 5),
        date = zh_date(2027, 6, 5),
        season = zh("calendar-season-sanxia")
    );
    assert!(digest.contains(&line), "{digest}");
    assert!(!digest.contains("policy-sanxia-2027-06"), "no catalogue key: {digest}");
    t.stop().await;
}

#[tokio::test]
async fn the_digest_names_a_busy_season_class_by_its_course_place_and_first_day_on_sqlite() {
    the_digest_names_a_busy_season_class_by_its_course_place_and_first_day(Store::Sqlite).await;
}

#[tokio::test]
async fn the_digest_names_a_busy_season_class_by_its_course_place_and_first_day_on_postgres() {
    the_digest_names_a_busy_season_class_by_its_course_place_and_first_day(Store::Postgres).await;
}

async fn a_coordinators_notice_carries_a_header_in_each_recipients_language(store: Store) {
    let Some(t) = TestBot::start(store).await else { return };
    let coord = t.coordinator(1020, "刘主任").await;
    let chinese = t.villager(1021, "甲").await;
    let english_reader = t.user(1022, "Mary", "en");
    t.register(english_reader, "Mary", "I agree", "Villager").await;

    t.say(coord, "/broadcast").await;
    t.tap(coord, "铁山镇").await;
    t.tap(coord, "所有人").await;
    t.say(coord, "周五下午在镇政府开会").await;
    let preview = t.next(coord).await;
    let header = |lang: fieldschool::i18n::Lang, role: String, region: &str| {
        let about = tr!(lang, "broadcast-about-region", region = region);
        tr!(lang, "broadcast-header", sender = "刘主任", role = role, about = about)
    };
    let zh_header = header(ZH, zh("broadcast-role-coordinator"), "铁山镇");
    assert_eq!(preview.rendered_text(), format!("{zh_header}\n\n周五下午在镇政府开会"));
    t.next(coord).await; // how many, normal or urgent
    t.tap(coord, "普通通知").await;
    t.tap(coord, "发送").await;
    assert_eq!(t.next(chinese).await.rendered_text(), preview.rendered_text());
    let english = t.next(english_reader).await;
    let en_header = header(EN, en("broadcast-role-coordinator"), "Tieshan Town");
    assert_eq!(english.rendered_text(), format!("{en_header}\n\n周五下午在镇政府开会"));
    assert!(english.inline_keyboard[0][0].text.contains(&en("btn-ack")));

    t.stop().await;
}

#[tokio::test]
async fn a_coordinators_notice_carries_a_header_in_each_recipients_language_on_sqlite() {
    a_coordinators_notice_carries_a_header_in_each_recipients_language(Store::Sqlite).await;
}

#[tokio::test]
async fn a_coordinators_notice_carries_a_header_in_each_recipients_language_on_postgres() {
    a_coordinators_notice_carries_a_header_in_each_recipients_language(Store::Postgres).await;
}
