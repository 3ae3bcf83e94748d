//! Registration end to end: the real dispatcher against the Bot API emulator over HTTP.

use crate::assert_shows;
use crate::common::{ANY, EN, Store, TestBot, ZH, en, tr, zh};
use fieldschool::db;

async fn registers_a_villager_in_chinese(store: Store) {
    let Some(t) = TestBot::start(store).await else { return };
    let me = t.user(501, "Xiuying", "zh-hans");

    let consent = t.say(me, "/start").await;
    let text = consent.rendered_text();
    // The consent explains who sees the data, and promises what exists: changing the data in
    // settings, seeing it (/mydata), erasing it (/deleteme).
    assert!(text.contains(&zh("reg-consent")), "{text}");
    assert!(text.contains("/mydata") && text.contains("/deleteme"), "{text}");
    let audience = t.tap(me, "同意").await;
    assert!(audience.rendered_text().contains(&zh("reg-ask-audience")));
    let name_q = t.tap(me, "农户").await;
    assert!(name_q.rendered_text().contains(&zh("reg-ask-name")), "an example beside what they must type");

    // Nonsense, a sticker and an unknown command are re-asked kindly, in Chinese, with an example.
    let bad = t.say(me, "12345").await;
    assert!(bad.rendered_text().contains(&zh("name-bad-character")), "{}", bad.rendered_text());
    let _again = t.next(me).await;
    t.emu.send_sticker(me);
    assert!(t.next(me).await.rendered_text().contains(&zh("need-text")));
    let _again = t.next(me).await;

    let county_q = t.say(me, "阿依古丽·买买提").await;
    assert!(county_q.rendered_text().contains(&zh("ask-county")));
    assert!(!county_q.inline_keyboard.is_empty());
    let township_q = t.tap_first(me, &county_q).await;
    let village_q = t.tap_first(me, &township_q).await;
    let phone_q = t.tap_first(me, &village_q).await;
    let keyboard = phone_q.reply_keyboard.clone().expect("the phone step shows the contact button");
    assert!(keyboard.rows.iter().flatten().any(|b| b.request_contact));

    // Typing a number instead of using the button is re-asked.
    let typed = t.say(me, "13800000000").await;
    assert!(typed.rendered_text().contains(&zh("use-contact-button")));
    let _again = t.next(me).await;

    t.emu.send_contact(me, "+86 138 0000 0000");
    // A villager is asked the work intent (就业意向), with the four choices and 跳过.
    let intent_q = t.next(me).await;
    assert_shows!(intent_q.rendered_text(), ZH, "reg-ask-intent");
    assert_eq!(intent_q.inline_keyboard.len(), 5, "four intents and skip: {intent_q:?}");
    let done = t.tap(me, "跳过").await;
    let text = done.rendered_text();
    assert!(crate::common::matches(&text, &tr!(ZH, "reg-done", name = "阿依古丽·买买提", village = ANY)), "{text}");
    assert!(done.reply_keyboard.is_some(), "the main menu appears");
    let help = t.next(me).await;
    assert!(help.rendered_text().contains(&zh("help-villager")));

    let person = db::people::find(&t.app.db, me).await.unwrap().expect("stored");
    assert_eq!(person.name.as_str(), "阿依古丽·买买提");
    assert_eq!(person.phone.as_ref().map(|p| p.as_str()), Some("+8613800000000"));

    // /start again gives the menu, not a new registration.
    let again = t.say(me, "/start").await;
    assert!(
        again.rendered_text().contains(&tr!(ZH, "welcome-back", name = "阿依古丽·买买提")),
        "{}",
        again.rendered_text()
    );
    t.stop().await;
}

#[tokio::test]
async fn registers_a_villager_in_chinese_on_sqlite() {
    registers_a_villager_in_chinese(Store::Sqlite).await;
}

#[tokio::test]
async fn registers_a_villager_in_chinese_on_postgres() {
    registers_a_villager_in_chinese(Store::Postgres).await;
}

#[tokio::test]
async fn registers_in_english_from_the_telegram_hint_and_can_switch_language() {
    let t = TestBot::start(Store::Sqlite).await.unwrap();
    let me = t.user(502, "Amy", "en-US");
    let consent = t.say(me, "/start").await;
    assert!(consent.rendered_text().contains(&en("reg-consent")), "{}", consent.rendered_text());
    assert!(consent.rendered_text().contains("/deleteme"), "{}", consent.rendered_text());
    // The switch button offers the other language; tapping it re-renders the consent in Chinese.
    let chinese = t.tap(me, "中文").await;
    assert!(chinese.rendered_text().contains(&zh("reg-consent")));
    let english = t.tap(me, "English").await;
    assert!(english.rendered_text().contains(&en("reg-consent")));
    let done = t.register_rest(me, "Amy Li", "I agree", "Villager").await;
    assert_shows!(done.rendered_text(), EN, "reg-done");
    let person = db::people::find(&t.app.db, me).await.unwrap().unwrap();
    assert_eq!(person.lang, fieldschool::i18n::Lang::En);
    t.stop().await;
}

#[tokio::test]
async fn declining_consent_keeps_nothing() {
    let t = TestBot::start(Store::Sqlite).await.unwrap();
    let me = t.user(503, "Li", "zh");
    t.say(me, "/start").await;
    let bye = t.tap(me, "不同意").await;
    assert!(bye.rendered_text().contains(&zh("reg-declined")));
    t.settled().await;
    assert_eq!(db::people::find(&t.app.db, me).await.unwrap(), None);
    assert_eq!(db::dialogs::load(&t.app.db, me).await.unwrap(), None);
    t.stop().await;
}

#[tokio::test]
async fn an_old_button_is_answered_and_changes_nothing() {
    let t = TestBot::start(Store::Sqlite).await.unwrap();
    let me = t.user(504, "Li", "zh");
    let consent = t.say(me, "/start").await;
    let agree = consent.inline_keyboard[0][0].callback_data.clone().unwrap();
    t.tap(me, "同意").await; // now at "villager or cadre?"
    // The same consent button pressed again from the old message:
    let id = t.emu.press(me, consent.message_id, &agree);
    let answer = t.emu.callback_answer(&id).await.unwrap();
    assert!(answer.text.unwrap_or_default().contains(&zh("menu-expired")));
    // A forged button is refused the same way.
    let id = t.emu.press(me, consent.message_id, "r:../../etc");
    assert!(t.emu.callback_answer(&id).await.unwrap().text.unwrap_or_default().contains(&zh("menu-expired")));
    // The dialog is where it was: choosing an audience still works.
    let name_q = t.tap(me, "干部").await;
    assert!(name_q.rendered_text().contains(&zh("reg-ask-name")));
    t.stop().await;
}

#[tokio::test]
async fn cancel_leaves_registration_and_start_begins_again() {
    let t = TestBot::start(Store::Sqlite).await.unwrap();
    let me = t.user(505, "Li", "zh");
    t.say(me, "/start").await;
    t.tap(me, "同意").await;
    let cancelled = t.say(me, "/cancel").await;
    assert!(cancelled.rendered_text().contains(&zh("reg-cancelled")));
    let consent = t.say(me, "/start").await;
    assert!(consent.rendered_text().contains(&zh("reg-consent")));
    t.stop().await;
}

#[tokio::test]
async fn settings_change_the_name_and_language() {
    let t = TestBot::start(Store::Sqlite).await.unwrap();
    let me = t.user(508, "Li", "zh");
    t.register(me, "李建国", "同意", "干部").await;
    let menu = t.say(me, "⚙️ 设置").await;
    let details = tr!(ZH, "settings-menu", name = "李建国", village = ANY, phone = ANY, language = ANY);
    assert!(crate::common::matches(&menu.rendered_text(), &details), "{}", menu.rendered_text());
    let ask = t.tap(me, "姓名").await;
    assert!(ask.rendered_text().contains(&zh("reg-ask-name")), "{}", ask.rendered_text());
    let saved = t.say(me, "李 建国").await;
    assert!(saved.rendered_text().contains(&tr!(ZH, "settings-saved-name", name = "李 建国")));
    let _menu = t.next(me).await;
    t.tap(me, "语言").await;
    let saved = t.tap(me, "English").await;
    assert!(saved.rendered_text().contains(&en("settings-saved-lang")));
    let menu = t.next(me).await;
    assert_shows!(menu.rendered_text(), EN, "settings-menu");

    t.stop().await;
}
