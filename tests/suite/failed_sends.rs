//! A send that fails never leaves a dialog stuck, and a photo people sent can be broadcast by its file
//! id (the emulator accepts it, as Telegram does).

use crate::common::{Store, TestBot, ZH, shows, tr, zh, zh_apology};

use fieldschool::db;
use fieldschool::emulator::Fault;

async fn order_mushroom(t: &TestBot, me: i64) {
    t.say(me, "📚 报名培训").await;
    t.tap(me, "特色种养").await;
    t.tap(me, "食用菌种植技术").await;
    t.tap(me, "铁山镇农业技术推广站").await;
    assert!(shows(&t.tap(me, "确认报名").await.rendered_text(), ZH, "order-confirmed"));
}

async fn a_failed_send_ends_the_broadcast_dialog(store: Store) {
    let Some(t) = TestBot::start(store).await else { return };
    let teacher = t.trainer(750, "wang-lixin", "王立新").await;
    let me = t.villager(751, "王秀英").await;
    order_mushroom(&t, me).await;

    // A photo the trainer sends is previewed by its file id.
    t.say(teacher, "/broadcast").await;
    t.tap(teacher, "食用菌种植技术").await;
    t.emu.send_photo(teacher);
    assert!(t.next(teacher).await.rendered_text().contains(&zh("broadcast-preview-title")));
    let preview = t.next(teacher).await;
    assert!(preview.photo.is_some(), "{preview:?}");
    assert!(t.next(teacher).await.rendered_text().contains(&tr!(ZH, "broadcast-ask-urgency", count = 1)));
    t.tap(teacher, "普通通知").await;
    assert!(t.tap(teacher, "不发了").await.rendered_text().contains(&zh("broadcast-cancelled")));

    // Now Telegram refuses the preview: the trainer hears so, and the dialog ends.
    t.say(teacher, "/broadcast").await;
    t.tap(teacher, "食用菌种植技术").await;
    t.emu.fail_next(teacher, Fault::TooManyRequests { retry_after: 1 });
    t.emu.send_text(teacher, "明天停课");
    let sorry = t.next(teacher).await.rendered_text();
    assert!(sorry.contains(&zh_apology()), "{sorry}");
    let ended = t.next(teacher).await;
    assert!(ended.rendered_text().contains(&zh("error-dialog-ended")), "{}", ended.rendered_text());
    assert!(ended.reply_keyboard.is_some(), "the main menu is back");
    // The next message is not answered "use the buttons above" (it is handled after the first has
    // committed its step: one chat's updates go in order).
    let next = t.say(teacher, "明天停课").await.rendered_text();
    assert!(!next.contains(&zh("broadcast-use-buttons")) && next.contains(&zh("menu-unknown")), "{next}");
    assert_eq!(db::dialogs::load(&t.app.db, teacher).await.unwrap(), None);
    // And /broadcast works again.
    assert!(t.say(teacher, "/broadcast").await.rendered_text().contains(&zh("broadcast-choose-target")));
    t.stop().await;
}

#[tokio::test]
async fn a_failed_send_ends_the_broadcast_dialog_on_sqlite() {
    a_failed_send_ends_the_broadcast_dialog(Store::Sqlite).await;
}

#[tokio::test]
async fn a_failed_send_ends_the_broadcast_dialog_on_postgres() {
    a_failed_send_ends_the_broadcast_dialog(Store::Postgres).await;
}
