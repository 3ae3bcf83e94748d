//! Text people type is stored literally and shown safely (issue 13): a name full of markup and
//! formula characters with a bell in it is refused with a clear re-ask (names are letters); the same
//! line as a course request is kept as typed, less the bell, and shown back as typed (the bot sends
//! plain text, so the emulator — which refuses unescaped HTML the way Telegram does — sees no markup).

use crate::common::{Store, TestBot, zh};
use sqlx::Row;

const TYPED: &str = "<b>王</b>=1+1\u{0007}";

async fn markup_and_control_characters(store: Store) {
    let Some(t) = TestBot::start(store).await else { return };
    let me = t.user(1201, "测试", "zh-hans");
    t.say(me, "/start").await;
    t.tap(me, "同意").await;
    let name_q = t.tap(me, "农户").await;
    assert!(name_q.rendered_text().contains(&zh("reg-ask-name")), "{}", name_q.rendered_text());
    let again = t.say(me, TYPED).await.rendered_text();
    assert!(again.contains(&zh("name-bad-character")), "{again}");
    // Someone else registers with a name that carries the marks real names do.
    let me = t.villager(1202, "阿依古丽·买买提").await;
    let person = fieldschool::db::people::find(&t.app.db, me).await.unwrap().unwrap();
    assert_eq!(person.name.as_str(), "阿依古丽·买买提");

    // The same line as a course request: kept literally, without the bell, and said back as typed.
    let list = t.say(me, "🙋 我想学").await.rendered_text();
    assert!(list.contains(&zh("request-choose-topic")), "{list}");
    let recorded = t.say(me, TYPED).await;
    let text = recorded.rendered_text();
    assert!(text.contains("<b>王</b>=1+1"), "{text}");
    assert!(!text.contains('\u{0007}'), "{text:?}");
    assert_eq!(recorded.parse_mode, None, "sent as plain text: no markup is read into it");
    assert_eq!(recorded.text.as_deref(), Some(text.as_str()), "what is shown is what was sent");
    t.settled().await;
    let stored: String = sqlx::query("SELECT topic_text FROM course_requests WHERE user_id = $1")
        .bind(me)
        .fetch_one(&t.app.db.pool)
        .await
        .unwrap()
        .try_get("topic_text")
        .unwrap();
    assert_eq!(stored, "<b>王</b>=1+1");
    let names: i64 = sqlx::query("SELECT COUNT(*) AS n FROM people WHERE name LIKE '%<b>%'")
        .fetch_one(&t.app.db.pool)
        .await
        .unwrap()
        .try_get("n")
        .unwrap();
    assert_eq!(names, 0);
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_markup_is_kept_literally_and_shown_safely_sqlite() {
    markup_and_control_characters(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_markup_is_kept_literally_and_shown_safely_postgres() {
    markup_and_control_characters(Store::Postgres).await;
}
