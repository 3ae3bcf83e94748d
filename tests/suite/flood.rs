//! Flood control end to end: one chat sending 100 messages at once is slowed down for that chat only
//! (its excess updates dropped, one "please wait" per minute of the injected clock), while someone
//! else's /start is answered as usual. See `src/inbox/flood.rs` for the rule.

use crate::common::{Store, TestBot, zh};
use chrono::Duration;

const SLOW_DOWN: &str = "您发消息太快了";

async fn start(store: Store) -> Option<TestBot> {
    // 20 per 10 s, as in production (TestBot turns it off for the other tests).
    TestBot::start_with(store, |c| c.flood = fieldschool::inbox::flood::FloodLimit::default()).await
}

/// Every update sent so far has been taken by the bot and handled (or dropped).
async fn all_handled(t: &TestBot) {
    t.emu.wait_updates_consumed().await.unwrap();
    t.settled().await;
}

fn notices(t: &TestBot, chat: i64) -> usize {
    t.emu.messages(chat).iter().filter(|m| m.rendered_text().contains(SLOW_DOWN)).count()
}

async fn flood(store: Store) {
    let Some(t) = start(store).await else { return };
    let flooder = t.villager(901, "刷屏").await;
    let other = t.user(902, "李四", "zh-hans");
    // Registration took some of the flooder's bucket: a quiet minute fills it again.
    t.clock.advance(Duration::seconds(60));
    all_handled(&t).await;

    let before = t.emu.messages(flooder).len();
    for i in 0..100 {
        t.emu.send_text(flooder, &format!("你好 {i}"));
    }
    // Someone else, in the middle of the flood, is answered as usual.
    let consent = t.say(other, "/start").await;
    assert!(consent.rendered_text().contains(&zh("reg-consent")), "{}", consent.rendered_text());
    all_handled(&t).await;

    let answered = t.emu.messages(flooder).len() - before;
    assert_eq!(notices(&t, flooder), 1, "told to slow down exactly once");
    // 20 handled (one answer each) and the notice; the other 80 dropped.
    assert!(answered <= 21, "{answered} messages for 100 updates");
    assert!(answered >= 2, "the first updates were handled: {answered}");
    assert_eq!(notices(&t, other), 0);

    // Half a minute later the flood goes on: the bucket lets some through, but no second notice yet.
    t.clock.advance(Duration::seconds(30));
    for i in 0..100 {
        t.emu.send_text(flooder, &format!("还在 {i}"));
    }
    all_handled(&t).await;
    assert_eq!(notices(&t, flooder), 1, "at most one notice a minute");

    // A minute after the notice, still flooding: told once more.
    t.clock.advance(Duration::seconds(31));
    for i in 0..100 {
        t.emu.send_text(flooder, &format!("又来 {i}"));
    }
    all_handled(&t).await;
    assert_eq!(notices(&t, flooder), 2);

    // At a human pace again, the flooder is served at once; a button pressed in a flood is still
    // answered (no spinner left turning), whether it was handled or dropped.
    t.clock.advance(Duration::seconds(20));
    let menu = t.say(flooder, "/menu").await;
    assert!(!menu.rendered_text().contains(SLOW_DOWN), "{}", menu.rendered_text());
    let last = t.emu.last_message(flooder).unwrap();
    let presses: Vec<String> = (0..30).map(|_| t.emu.press(flooder, last.message_id, "my")).collect();
    for id in presses {
        t.emu.callback_answer(&id).await.unwrap();
    }
    all_handled(&t).await;
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_chat_flooding_is_slowed_alone_sqlite() {
    flood(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_chat_flooding_is_slowed_alone_postgres() {
    flood(Store::Postgres).await;
}
