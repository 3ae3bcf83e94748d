//! Typing what a button says acts like pressing it: the buttons of the latest bot message are kept in
//! storage (so this holds after a restart), matched trimmed, without leading emoji, ignoring case; the
//! main menu's labels work without their emoji. And at 点单's "或者打字告诉我们" a typed line is the request.

use crate::common::{ANY, DEMO_CATALOG, Store, TestBot, ZH, matches, shows, tr, zh};
use fieldschool::db;
use fieldschool::domain::person::Audience;

async fn a_villager_registers_by_typing_the_labels(store: Store) {
    let Some(t) = TestBot::start(store).await else { return };
    let me = t.user(701, "Xiuying", "zh-hans");
    t.say(me, "/start").await;
    let audience_q = t.say(me, "同意").await;
    assert!(audience_q.rendered_text().contains(&zh("reg-ask-audience")), "{}", audience_q.rendered_text());
    let name_q = t.say(me, " 农户 ").await;
    assert!(name_q.rendered_text().contains(&zh("reg-ask-name")), "{}", name_q.rendered_text());
    let county_q = t.say(me, "王秀英").await;
    // A choice in a list, typed as it reads.
    let county = county_q.inline_keyboard[0][0].text.clone();
    let township_q = t.say(me, &county).await;
    assert!(township_q.rendered_text().contains(&zh("ask-township")), "{}", township_q.rendered_text());
    let township = township_q.inline_keyboard[0][0].text.clone();
    let village_q = t.say(me, &township).await;
    let village = village_q.inline_keyboard[0][0].text.clone();
    let phone_q = t.say(me, &village).await;
    assert!(phone_q.reply_keyboard.is_some(), "{}", phone_q.rendered_text());
    let intent_q = t.say(me, "跳过").await.rendered_text();
    assert!(intent_q.contains(&zh("reg-ask-intent")), "{intent_q}");
    // The work-intent question's 跳过, typed as it reads.
    let done = t.say(me, "跳过").await.rendered_text();
    let village = format!("{county}{township}{village}");
    assert!(done.contains(&tr!(ZH, "reg-done", name = "王秀英", village = village)), "{done}");
    let _help = t.next(me).await;
    let person = db::people::find(&t.app.db, me).await.unwrap().unwrap();
    assert_eq!(person.audience, Audience::Villager);

    // Those buttons are gone from the screen: the same word is now only text.
    let unknown = t.say(me, "同意").await.rendered_text();
    assert!(unknown.contains(&zh("menu-unknown")), "{unknown}");
    // A main-menu label without its emoji is the menu button.
    let categories = t.say(me, "报名培训").await.rendered_text();
    assert!(categories.contains(&zh("browse-choose-category")), "{categories}");
    t.stop().await;
}

#[tokio::test]
async fn a_villager_registers_by_typing_the_labels_on_sqlite() {
    a_villager_registers_by_typing_the_labels(Store::Sqlite).await;
}

#[tokio::test]
async fn a_villager_registers_by_typing_the_labels_on_postgres() {
    a_villager_registers_by_typing_the_labels(Store::Postgres).await;
}

#[tokio::test]
async fn english_labels_match_whatever_the_case() {
    let t = TestBot::start(Store::Sqlite).await.unwrap();
    let me = t.user(702, "Amy", "en");
    t.say(me, "/start").await;
    assert!(t.say(me, "i AGREE").await.rendered_text().contains("Which are you"));
    // "👔 Local cadre" typed without the emoji, in lower case.
    assert!(t.say(me, "local cadre").await.rendered_text().contains("type your name"));
    t.stop().await;
}

async fn a_typed_line_at_the_topic_list_is_the_request(store: Store) {
    let Some(t) = TestBot::start(store).await else { return };
    let me = t.villager(703, "王秀英").await;
    let list = t.say(me, "🙋 我想学").await.rendered_text();
    assert!(list.contains(&zh("request-choose-topic")), "{list}");
    let recorded = t.say(me, "我想学修手机").await.rendered_text();
    assert!(
        recorded.contains(&tr!(ZH, "request-recorded-topic", topic = "修手机"))
            && recorded.contains(&tr!(ZH, "request-recorded", count = 1)),
        "{recorded}"
    );

    // The checks stay: too long, no letters, a command are asked again, and nothing is counted.
    t.say(me, "🙋 我想学").await;
    assert!(t.say(me, &"学".repeat(31)).await.rendered_text().contains(&zh("request-topic-too-long")));
    assert!(t.say(me, "???").await.rendered_text().contains(&zh("request-topic-unclear")));
    assert!(t.say(me, "/nonsense").await.rendered_text().contains(&zh("request-topic-unclear")));
    // A category's label typed is that category's button.
    let cooking = t.say(me, "烹饪").await.rendered_text();
    assert!(cooking.contains(&tr!(ZH, "request-recorded-topic", topic = "烹饪")), "{cooking}");
    // The list is closed: text is text again.
    assert!(t.say(me, "修电脑").await.rendered_text().contains(&zh("menu-unknown")));

    let amy = t.user(704, "Amy", "en");
    t.register(amy, "Amy Li", "I agree", "Villager").await;
    let list = t.say(amy, "I want to learn").await.rendered_text();
    assert!(list.contains("or type it"), "{list}");
    let recorded = t.say(amy, "Beekeeping for beginners").await.rendered_text();
    assert!(recorded.contains("Noted, you want to learn: Beekeeping for beginners"), "{recorded}");
    t.stop().await;
}

#[tokio::test]
async fn a_typed_line_at_the_topic_list_is_the_request_on_sqlite() {
    a_typed_line_at_the_topic_list_is_the_request(Store::Sqlite).await;
}

#[tokio::test]
async fn a_typed_line_at_the_topic_list_is_the_request_on_postgres() {
    a_typed_line_at_the_topic_list_is_the_request(Store::Postgres).await;
}

async fn the_buttons_on_screen_survive_a_restart(store: Store) {
    let Some((db, dir)) = crate::common::fresh_db(store).await else { return };
    fieldschool::services::catalog_import::import_str(&db, "demo-catalog.toml", DEMO_CATALOG).await.unwrap();
    let t = TestBot::start_on(db.clone(), None).await;
    let me = t.user(705, "Xiuying", "zh-hans");
    assert!(t.say(me, "/start").await.rendered_text().contains(&zh("reg-consent")));
    t.stop().await;

    let t = TestBot::start_on(db, dir).await;
    t.user(me, "Xiuying", "zh-hans");
    let audience_q = t.say(me, "同意").await.rendered_text();
    assert!(audience_q.contains(&zh("reg-ask-audience")), "{audience_q}");
    t.stop().await;
}

#[tokio::test]
async fn the_buttons_on_screen_survive_a_restart_on_sqlite() {
    the_buttons_on_screen_survive_a_restart(Store::Sqlite).await;
}

#[tokio::test]
async fn the_buttons_on_screen_survive_a_restart_on_postgres() {
    the_buttons_on_screen_survive_a_restart(Store::Postgres).await;
}

#[tokio::test]
async fn a_typed_label_of_an_outbox_message_presses_its_button() {
    use fieldschool::outbox::Outcome;
    let t = TestBot::start(Store::Sqlite).await.unwrap();
    let teacher = t.trainer(706, "wang-lixin", "王立新").await;
    let me = t.villager(707, "王秀英").await;
    t.say(me, "📚 报名培训").await;
    t.tap(me, "特色种养").await;
    t.tap(me, "食用菌种植技术").await;
    t.tap(me, "铁山镇农业技术推广站").await;
    assert!(shows(&t.tap(me, "确认报名").await.rendered_text(), ZH, "order-confirmed"));

    let mut outbox = t.outbox_events();
    t.say(teacher, "/broadcast").await;
    t.tap(teacher, "食用菌种植技术").await;
    t.say(teacher, "明天的课改到下午两点").await;
    t.next(teacher).await;
    t.next(teacher).await;
    t.tap(teacher, "普通通知").await;
    t.tap(teacher, "发送").await;
    let notice = t.next(me).await;
    assert!(notice.rendered_text().contains("下午两点"), "{}", notice.rendered_text());
    // The row is recorded (and its keyboard with it) before the outbox reports it sent.
    loop {
        let event = outbox.recv().await.unwrap();
        if event.chat_id == me && event.outcome == Outcome::Sent {
            break;
        }
    }
    let acked = t.say(me, "收到").await.rendered_text();
    assert!(acked.contains(&zh("broadcast-acked")), "the typed 收到 counted as the button: {acked}");
    t.stop().await;
}

#[tokio::test]
async fn an_order_is_placed_by_typing_what_the_buttons_say_first() {
    let Some(t) = TestBot::start(Store::Sqlite).await else { return };
    let me = t.villager(760, "王秀英").await;
    t.say(me, "报名培训").await;
    // "特色种养（1 门）": the count in brackets need not be typed.
    let courses = t.say(me, "特色种养").await.rendered_text();
    assert!(matches(&courses, &tr!(ZH, "browse-category-title", category = ANY, page = 1, pages = 1)), "{courses}");
    t.say(me, "食用菌种植技术").await;
    // "铁山镇农业技术推广站 · 12月12日（周六） · 剩 30 个名额": its place names the class.
    let summary = t.say(me, "铁山镇农业技术推广站").await.rendered_text();
    assert!(summary.contains(&zh("order-summary-title")), "{summary}");
    let done = t.say(me, "确认报名").await.rendered_text();
    assert!(shows(&done, ZH, "order-confirmed"), "{done}");
    t.stop().await;
}
