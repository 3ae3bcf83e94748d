//! The person's side of jobs, in the chat: the work intent at registration (chosen, or skipped) and
//! in ⚙️ 设置; 💼 找工作 asking it once, listing the openings a page at a time; 我感兴趣 showing what
//! will be shared before anything is (no referral and no line to the office until 同意推荐, nothing
//! on 先不要); a second 我感兴趣 is the same referral; a closed opening, a missing certificate and a
//! missing phone answered kindly. Chinese and English; SQLite and PostgreSQL.

use fieldschool::db;
use fieldschool::domain::job::WorkIntent;
use fieldschool::domain::settings::Change;
use fieldschool::services;

use crate::assert_shows;
use crate::common::{EN, Store, TestBot, ZH, en, zh};
use crate::job_matching::{mushroom_coop, opening, publish, the_day_before};

async fn referrals(t: &TestBot) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM referrals").fetch_one(&t.app.db.pool).await.unwrap()
}

async fn intent(t: &TestBot, user: i64) -> Option<WorkIntent> {
    db::jobs::work_intent(&t.app.db, user).await.unwrap()
}

/// Walks a villager's registration up to the work-intent question, which it returns.
async fn register_to_intent(t: &TestBot, me: i64, name: &str) -> fieldschool::emulator::BotMessage {
    t.say(me, "/start").await;
    t.tap(me, "同意").await;
    t.tap(me, "农户").await;
    let county_q = t.say(me, name).await;
    let township_q = t.tap_first(me, &county_q).await;
    let village_q = t.tap_first(me, &township_q).await;
    t.tap_first(me, &village_q).await;
    t.emu.send_contact(me, "+8613800000000");
    t.next(me).await
}

async fn intent_asked_and_changed(store: Store) {
    let Some(t) = TestBot::start(store).await else { return };
    t.close_catalogue_openings().await;
    // Registration: the last question is the work intent; choosing one stores it.
    let me = t.user(2301, "王秀英", "zh-hans");
    let ask = register_to_intent(&t, me, "王秀英").await;
    assert_shows!(ask.rendered_text(), ZH, "reg-ask-intent");
    let done = t.tap(me, &zh("job-intent-migrant")).await;
    assert_shows!(done.rendered_text(), ZH, "reg-done");
    assert!(
        done.reply_keyboard.as_ref().unwrap().rows.iter().flatten().any(|b| b.text == zh("menu-jobs")),
        "villagers get 💼 找工作"
    );
    t.next(me).await; // help
    assert_eq!(intent(&t, me).await, Some(WorkIntent::Migrant));

    // Settings shows it and changes it.
    let menu = t.say(me, &zh("menu-settings")).await;
    let row = menu.buttons().find(|b| b.text.starts_with("💼")).expect("the work-intent row").text.clone();
    assert!(row.contains(&zh("job-intent-migrant")), "{row}");
    let ask = t.tap(me, &row).await;
    assert_shows!(ask.rendered_text(), ZH, "job-intent-ask");
    let saved = t.tap(me, &zh("job-intent-not_looking")).await;
    assert_shows!(saved.rendered_text(), ZH, "job-intent-saved");
    assert_eq!(intent(&t, me).await, Some(WorkIntent::NotLooking));

    // Skipped at registration: 💼 找工作 asks it first, once, then lists.
    let skipper = t.user(2302, "李大山", "zh-hans");
    register_to_intent(&t, skipper, "李大山").await;
    assert_shows!(t.tap(skipper, &zh("btn-skip")).await.rendered_text(), ZH, "reg-done");
    t.next(skipper).await; // help
    assert_eq!(intent(&t, skipper).await, None);
    let first = t.say(skipper, &zh("menu-jobs")).await;
    assert_shows!(first.rendered_text(), ZH, "job-ask-intent-first");
    let saved = t.tap(skipper, &zh("job-intent-near_home")).await;
    assert_shows!(saved.rendered_text(), ZH, "job-intent-saved");
    assert_shows!(t.next(skipper).await.rendered_text(), ZH, "job-browse-empty");
    assert_shows!(t.say(skipper, &zh("menu-jobs")).await.rendered_text(), ZH, "job-browse-empty");

    // A cadre gets neither the menu key nor the settings row.
    let cadre = t.coordinator(2303, "刘主任").await;
    let menu = t.say(cadre, &zh("menu-settings")).await;
    assert!(!menu.buttons().any(|b| b.text.starts_with("💼")), "{menu:?}");
    t.stop().await;
}

#[tokio::test]
async fn the_work_intent_is_asked_at_registration_and_changed_in_settings_on_sqlite() {
    intent_asked_and_changed(Store::Sqlite).await;
}

#[tokio::test]
async fn the_work_intent_is_asked_at_registration_and_changed_in_settings_on_postgres() {
    intent_asked_and_changed(Store::Postgres).await;
}

async fn browse_and_refer(store: Store) {
    let Some(t) = TestBot::start(store).await else { return };
    t.close_catalogue_openings().await;
    let coordinator = t.coordinator(2400, "刘主任").await;
    let wang = t.villager(2401, "王秀英").await;
    let code = t.certify(wang, "mushroom-2026-12", the_day_before()).await;
    let mut tx = t.app.db.begin_write().await.unwrap();
    db::jobs::set_work_intent(&mut tx, wang, WorkIntent::NearHome, t.app.now()).await.unwrap();
    tx.commit().await.unwrap();
    let coop = mushroom_coop(&t).await;
    for i in 0..6 {
        let key = format!("other-{i}");
        publish(&t, &opening(&key, &format!("电工班组{i}"), "xinan", "electrician")).await;
    }
    // Another county's opening is not listed for someone who works near home.
    publish(&t, &opening("far-away", "黔山茶厂", "qianshan", "mushroom")).await;
    // The scheduler's offer of the cooperative comes first.
    services::job_matching::run_due(&t.app).await.unwrap();
    assert_shows!(t.next(wang).await.rendered_text(), ZH, "job-offer-intro");

    // Seven openings: the one she qualifies for first, five to a page.
    let list = t.say(wang, &zh("menu-jobs")).await;
    let text = list.rendered_text();
    assert!(text.contains(&crate::common::tr!(ZH, "job-browse-title", page = 1, pages = 2, count = 7)), "{text}");
    let views: Vec<String> = list.buttons().map(|b| b.text.clone()).collect();
    assert!(views[0].contains("铁山镇香菇专业合作社"), "{views:?}");
    assert!(!text.contains("黔山茶厂") && !views.iter().any(|v| v.contains("黔山茶厂")));
    let page2 = t.tap(wang, &zh("btn-job-next")).await;
    assert!(page2.rendered_text().contains(&crate::common::tr!(
        ZH,
        "job-browse-title",
        page = 2,
        pages = 2,
        count = 7
    )));
    assert_eq!(page2.buttons().filter(|b| b.text.contains("电工班组")).count(), 2);

    // One opening, then 我感兴趣: what will be shared, and with whom; nothing stored yet.
    let list = t.tap(wang, &zh("btn-job-prev")).await;
    let card = t.tap(wang, &list.buttons().next().unwrap().text.clone()).await;
    assert!(card.rendered_text().contains("菌棒管理"), "{}", card.rendered_text());
    let consent = t.tap(wang, &zh("btn-job-interested")).await;
    let text = consent.rendered_text();
    assert_shows!(text, ZH, "job-consent");
    for shared in ["王秀英", "+8613800000000", code.as_str(), "铁山镇香菇专业合作社", "东村"] {
        assert!(text.contains(shared), "{shared} in {text}");
    }
    assert_eq!(referrals(&t).await, 0, "nothing recorded before yes");
    // 先不要: nothing is shared.
    let no = t.tap(wang, &zh("btn-job-share-no")).await;
    assert_shows!(no.rendered_text(), ZH, "job-share-declined");
    assert_eq!(referrals(&t).await, 0);
    let coordinator_lines = |rows: Vec<db::outbox::OutboxRow>| rows.iter().filter(|r| r.kind == "coordinator").count();
    let before = coordinator_lines(db::outbox::for_chat(&t.app.db, coordinator).await.unwrap());

    // 同意推荐: referred, with the employer's contact; the office gets one line.
    t.tap(wang, &zh("btn-job-interested")).await;
    let yes = t.tap(wang, &zh("btn-job-share-yes")).await;
    assert_shows!(yes.rendered_text(), ZH, "job-referred");
    assert!(yes.rendered_text().contains("李经理 13800000000"));
    assert_eq!(referrals(&t).await, 1);
    let line = t.next(coordinator).await;
    assert_shows!(line.rendered_text(), ZH, "job-line-referred");
    assert_eq!(coordinator_lines(db::outbox::for_chat(&t.app.db, coordinator).await.unwrap()), before + 1);

    // A second 我感兴趣 is the same referral, with its status; 💼 找工作 lists it under 我的推荐.
    let again = t.tap(wang, &zh("btn-job-interested")).await;
    assert_shows!(again.rendered_text(), ZH, "job-already-referred");
    assert_eq!(referrals(&t).await, 1);
    let list = t.say(wang, &zh("menu-jobs")).await;
    assert!(list.rendered_text().contains(&zh("job-my-referrals")), "{}", list.rendered_text());
    assert!(list.buttons().any(|b| b.text.contains("不去了")), "{list:?}");

    // Not qualified: names the course, with a button to sign up.
    let electric = list.buttons().find(|b| b.text.contains("电工班组")).unwrap().text.clone();
    t.tap(wang, &electric).await;
    let refused = t.tap(wang, &zh("btn-job-interested")).await;
    assert_shows!(refused.rendered_text(), ZH, "job-not-qualified");
    assert!(refused.buttons().any(|b| b.text == zh("btn-browse")));

    // Closed: an old 我感兴趣 answers kindly and changes nothing.
    let other = publish(&t, &opening("closing", "河西蘑菇棚", "xinan", "mushroom")).await;
    let mut tx = t.app.db.begin_write().await.unwrap();
    db::jobs::close_opening(&mut tx, other, t.app.now()).await.unwrap();
    tx.commit().await.unwrap();
    let fake = fieldschool::domain::callback::Cb::Job(fieldschool::domain::job::Button::Interested { opening: other });
    let id = t.emu.press(wang, card.message_id, &fake.encode());
    t.emu.callback_answer(&id).await.unwrap();
    assert_shows!(t.next(wang).await.rendered_text(), ZH, "job-closed-closed");
    assert_eq!(referrals(&t).await, 1);

    // No phone: the employer needs one; the settings phone button. In English.
    let amy = t.user(2402, "Amy", "en");
    t.say(amy, "/start").await;
    t.tap(amy, "I agree").await;
    t.tap(amy, "Villager").await;
    let county_q = t.say(amy, "Amy Li").await;
    let township_q = t.tap_first(amy, &county_q).await;
    let village_q = t.tap_first(amy, &township_q).await;
    t.tap_first(amy, &village_q).await;
    t.emu.send_contact(amy, "+8613800000000");
    assert_shows!(t.next(amy).await.rendered_text(), EN, "reg-ask-intent");
    assert_shows!(t.tap(amy, &en("btn-skip")).await.rendered_text(), EN, "reg-done");
    t.next(amy).await; // help
    t.certify(amy, "mushroom-small-2026-12", the_day_before()).await;
    services::people::apply_change(&t.app, amy, &Change::Phone(None)).await.unwrap();
    services::job_matching::run_due(&t.app).await.unwrap();
    let offer = t.next(amy).await;
    assert_shows!(offer.rendered_text(), EN, "job-offer-intro");
    let no_phone = t.tap(amy, &en("btn-job-interested")).await;
    assert_shows!(no_phone.rendered_text(), EN, "job-no-phone");
    let phone_q = t.tap(amy, &en("btn-job-phone")).await;
    assert!(phone_q.reply_keyboard.is_some(), "the settings phone step: {phone_q:?}");
    t.emu.send_contact(amy, "+8613900000000");
    t.next(amy).await; // saved
    t.next(amy).await; // the settings menu
    // Never asked: 💼 Find work asks the work intent first, then lists.
    let first = t.say(amy, &en("menu-jobs")).await;
    assert_shows!(first.rendered_text(), EN, "job-ask-intent-first");
    t.tap(amy, &en("job-intent-near_home")).await;
    let list = t.next(amy).await;
    assert_shows!(list.rendered_text(), EN, "job-browse-title");
    t.tap(amy, &list.buttons().next().unwrap().text.clone()).await;
    let consent = t.tap(amy, &en("btn-job-interested")).await;
    assert_shows!(consent.rendered_text(), EN, "job-consent");
    assert!(consent.rendered_text().contains("+8613900000000"), "{}", consent.rendered_text());
    let yes = t.tap(amy, &en("btn-job-share-yes")).await;
    assert_shows!(yes.rendered_text(), EN, "job-referred");
    assert_eq!(referrals(&t).await, 2);
    let _ = coop;
    t.stop().await;
}

#[tokio::test]
async fn browsing_and_consent_before_a_referral_on_sqlite() {
    browse_and_refer(Store::Sqlite).await;
}

#[tokio::test]
async fn browsing_and_consent_before_a_referral_on_postgres() {
    browse_and_refer(Store::Postgres).await;
}
