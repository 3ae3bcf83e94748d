//! Retention (issue 13) on SQLite and PostgreSQL, with the programme's clock moved on: the scheduler
//! removes a phone number after the period of inactivity and not before, while people with recent
//! activity keep theirs; drops free-text comments and request wordings after their period; prunes
//! handled inbox rows and the content of finished outbox messages; records each run in the audit log;
//! and a second run removes nothing more.

use crate::assert_shows;
use crate::common::{Store, TestBot, ZH, beijing};
use chrono::{DateTime, Utc};
use fieldschool::db;
use fieldschool::db::audit::{AuditAction, AuditFilter};
use fieldschool::services;

async fn order(t: &TestBot, me: i64, class_label: &str) {
    t.say(me, "📚 报名培训").await;
    t.tap(me, "特色种养").await;
    t.tap(me, "食用菌种植技术").await;
    t.tap(me, class_label).await;
    let done = t.tap(me, "确认报名").await;
    assert_shows!(done.rendered_text(), ZH, "order-confirmed");
}

/// Moves the clock to `at` and waits for the scheduler's retention run there; returns its counts as
/// recorded in the audit log. (Nothing signals a run but its audit entry, so the log is watched.)
async fn retention_run_at(t: &TestBot, at: DateTime<Utc>) -> String {
    t.clock.set(at);
    let filter = AuditFilter { since: Some(at), ..Default::default() };
    let wait = async {
        loop {
            let rows = db::audit::list(&t.app.db, &filter).await.unwrap();
            if let Some(row) = rows.into_iter().find(|r| r.entry.action == AuditAction::Retention) {
                return row.entry.detail;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(60), wait).await.expect("the scheduler ran the retention jobs")
}

async fn phone(t: &TestBot, user: i64) -> Option<String> {
    db::people::find(&t.app.db, user).await.unwrap().unwrap().phone.map(|p| p.as_str().to_owned())
}

async fn one_text(t: &TestBot, sql: &str) -> Option<String> {
    use sqlx::Row;
    sqlx::query(sql).fetch_one(&t.app.db.pool).await.unwrap().try_get(0).unwrap()
}

async fn count(t: &TestBot, sql: &str) -> i64 {
    use sqlx::Row;
    sqlx::query(sql).fetch_one(&t.app.db.pool).await.unwrap().try_get(0).unwrap()
}

async fn scenario(store: Store) {
    // Handled inbox rows are kept no time at all here, so that one run shows them pruned. (Their times
    // are wall-clock seconds, and this test takes about one: a retention a little below zero counts
    // the rows handled in the current second as past it too.)
    let Some(t) = TestBot::start_with(store, |c| c.inbox_retention = chrono::Duration::seconds(-5)).await else {
        return;
    };
    let t0 = t.app.now();
    // 甲 registers and does nothing more; 丙 registers and orders nine days later; 乙 registers half
    // a year later.
    let a = t.villager(960, "甲").await;
    let c = t.villager(962, "丙").await;
    t.clock.set(beijing("2026-12-10T10:00:00"));
    order(&t, c, "张大姐家菇棚").await;
    t.settled().await;

    // A feedback comment and a typed course request from 甲, and two messages sent to 甲 long ago.
    let epoch = t0.timestamp();
    let survey: i64 = {
        use sqlx::Row;
        sqlx::query(
            "INSERT INTO surveys (survey_key, user_id, wave, opens_at, completed_at, created_at)
             VALUES ('feedback:test', $1, 'feedback', $2, $2, $2) RETURNING id",
        )
        .bind(a)
        .bind(epoch)
        .fetch_one(&t.app.db.pool)
        .await
        .unwrap()
        .try_get("id")
        .unwrap()
    };
    sqlx::query("INSERT INTO survey_answers (survey_id, question, number, text, at) VALUES ($1, 'stars', 5, $2, $3)")
        .bind(survey)
        .bind("老师讲得很好，我家住西村三组")
        .bind(epoch)
        .execute(&t.app.db.pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO course_requests (user_id, township_key, topic, topic_text, created_at)
         VALUES ($1, 'xinan-tieshan', 'beekeeping', '想学养蜂，电话找我', $2)",
    )
    .bind(a)
    .bind(epoch)
    .execute(&t.app.db.pool)
    .await
    .unwrap();
    for dedupe in [None, Some("test:guard")] {
        sqlx::query(
            "INSERT INTO outbox (chat_id, kind, payload, dedupe_key, planned_at, due_at, status, sent_at, created_at)
             VALUES ($1, 'notice', '{\"text\":\"甲的私信\"}', $2, $3, $3, 'sent', $3, $3)",
        )
        .bind(a)
        .bind(dedupe)
        .bind(epoch)
        .execute(&t.app.db.pool)
        .await
        .unwrap();
    }

    // Half a year on: finished messages older than 30 days lose their content; nothing else goes.
    let detail = retention_run_at(&t, beijing("2027-06-01T10:00:00")).await;
    assert!(detail.contains("phones=0 comments=0 request_texts=0"), "{detail}");
    assert!(!detail.contains("outbox=0"), "{detail}");
    assert_eq!(count(&t, "SELECT COUNT(*) FROM outbox WHERE payload LIKE '%甲的私信%'").await, 0);
    // The row that keeps the same message from being planned twice stays, without its text.
    assert_eq!(count(&t, "SELECT COUNT(*) FROM outbox WHERE dedupe_key = 'test:guard'").await, 1);
    let b = t.villager(961, "乙").await;
    t.settled().await;

    // Just under a year on: comments stay; handled inbox rows (kept no time here) are pruned.
    let handled_before = count(&t, "SELECT COUNT(*) FROM inbox WHERE status = 'handled'").await;
    assert!(handled_before > 0, "乙's registration went through the inbox");
    let detail = retention_run_at(&t, beijing("2027-11-30T10:00:00")).await;
    assert!(detail.contains("phones=0 comments=0 request_texts=0"), "{detail}");
    assert!(!detail.contains("inbox=0"), "{detail}");
    assert_eq!(count(&t, "SELECT COUNT(*) FROM inbox WHERE status = 'handled'").await, 0);
    assert_eq!(
        one_text(&t, "SELECT text FROM survey_answers WHERE question = 'stars'").await.unwrap(),
        "老师讲得很好，我家住西村三组"
    );

    // A year on: the comment and the request's wording are gone; the rating and the tally stay.
    let detail = retention_run_at(&t, beijing("2027-12-02T10:00:00")).await;
    assert!(detail.contains("phones=0 comments=1 request_texts=1"), "{detail}");
    assert_eq!(one_text(&t, "SELECT text FROM survey_answers WHERE question = 'stars'").await, None);
    assert_eq!(count(&t, "SELECT number FROM survey_answers WHERE question = 'stars'").await, 5);
    assert_eq!(one_text(&t, "SELECT topic_text FROM course_requests").await.unwrap(), "");
    assert_eq!(one_text(&t, "SELECT topic FROM course_requests").await.unwrap(), "beekeeping");

    // Just under two years after 甲's last change: the phone stays.
    let detail = retention_run_at(&t, beijing("2028-11-30T10:00:00")).await;
    assert!(detail.contains("phones=0"), "{detail}");
    assert_eq!(phone(&t, a).await.as_deref(), Some("+8613800000000"));

    // Two years: 甲's phone is removed; 丙 (an order since) and 乙 (registered since) keep theirs.
    let detail = retention_run_at(&t, beijing("2028-12-02T10:00:00")).await;
    assert!(detail.contains("phones=1"), "{detail}");
    assert_eq!(phone(&t, a).await, None);
    assert_eq!(phone(&t, c).await.as_deref(), Some("+8613800000000"));
    assert_eq!(phone(&t, b).await.as_deref(), Some("+8613800000000"));

    // Each job is idempotent: another run finds nothing more to remove.
    let again = services::retention::run(&t.app).await.unwrap();
    assert_eq!((again.phones, again.comments, again.request_texts, again.outbox), (0, 0, 0, 0));

    // Every run is in the audit log, as the system's.
    let runs: Vec<_> = db::audit::list(&t.app.db, &AuditFilter::default())
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.entry.action == AuditAction::Retention)
        .collect();
    assert!(runs.len() >= 5, "{runs:?}");
    assert!(runs.iter().all(|r| r.entry.actor == db::audit::Actor::System));
    t.stop().await;
}

#[tokio::test]
async fn retention_with_the_clock_moved_sqlite() {
    scenario(Store::Sqlite).await;
}

#[tokio::test]
async fn retention_with_the_clock_moved_postgres() {
    scenario(Store::Postgres).await;
}
