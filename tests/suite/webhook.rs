//! Webhook mode: Telegram (the emulator) POSTs each update to the bot; the bot answers 200 once it is
//! stored. A wrong secret is refused, a body that is not an update is taken and dropped, a replayed
//! update is handled once; /healthz and /metrics answer on the same listener.

use crate::common::{Store, TestBot, ZH, tr, zh};
use fieldschool::db;

const SECRET: &str = "s3cret-token_for-tests";
const PUBLIC_URL: &str = "https://bot.example.org/telegram";

async fn webhook_bot(store: Store) -> Option<TestBot> {
    let t = TestBot::start_with(store, |c| {
        c.webhook_url = Some(PUBLIC_URL.to_owned());
        c.webhook_secret = Some(SECRET.to_owned());
        c.listen = "127.0.0.1:0".parse().unwrap();
    })
    .await?;
    // The emulator plays the reverse proxy in front of the bot: the public URL leads to its listener.
    t.emu.spread_webhook(vec![local_url(&t, "/telegram")]);
    Some(t)
}

fn local_url(t: &TestBot, path: &str) -> String {
    format!("http://{}{path}", t.listening().expect("the webhook listens"))
}

async fn post(t: &TestBot, secret: Option<&str>, body: impl Into<reqwest::Body>) -> reqwest::StatusCode {
    let mut request = reqwest::Client::new()
        .post(local_url(t, "/telegram"))
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body);
    if let Some(secret) = secret {
        request = request.header("X-Telegram-Bot-Api-Secret-Token", secret);
    }
    request.send().await.unwrap().status()
}

async fn a_person_signs_up_through_the_webhook(store: Store) {
    let Some(t) = webhook_bot(store).await else { return };
    assert_eq!(t.emu.webhook_url().as_deref(), Some(PUBLIC_URL), "the bot set its webhook");
    let me = t.user(4101, "Xiuying", "zh-hans");
    let consent = t.say(me, "/start").await;
    assert!(consent.rendered_text().contains(&zh("reg-consent")), "{}", consent.rendered_text());
    let audience = t.tap(me, "同意").await;
    assert!(audience.rendered_text().contains(&zh("reg-ask-audience")), "{}", audience.rendered_text());
    let name = t.tap(me, "农户").await;
    assert!(name.rendered_text().contains(&zh("reg-ask-name")), "{}", name.rendered_text());

    // While the webhook is set, Telegram refuses getUpdates.
    let poll = reqwest::get(format!("{}bot{}/getUpdates", t.emu.api_url(), t.emu.token())).await.unwrap();
    assert_eq!(poll.status(), reqwest::StatusCode::CONFLICT);
    t.stop().await;
}

#[tokio::test]
async fn a_person_signs_up_through_the_webhook_on_sqlite() {
    a_person_signs_up_through_the_webhook(Store::Sqlite).await;
}

#[tokio::test]
async fn a_person_signs_up_through_the_webhook_on_postgres() {
    a_person_signs_up_through_the_webhook(Store::Postgres).await;
}

async fn bad_requests_store_nothing(store: Store) {
    let Some(t) = webhook_bot(store).await else { return };
    let update = r#"{"update_id": 2000000001, "message": {"message_id": 1, "date": 1764547200,
        "chat": {"id": 4102, "type": "private", "first_name": "Li"},
        "from": {"id": 4102, "is_bot": false, "first_name": "Li", "language_code": "zh-hans"}, "text": "/start",
        "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}}"#;
    // A wrong or missing secret: 401, nothing stored.
    assert_eq!(post(&t, Some("not-the-secret"), update).await, reqwest::StatusCode::UNAUTHORIZED);
    assert_eq!(post(&t, None, update).await, reqwest::StatusCode::UNAUTHORIZED);
    // Not an update: 200 (Telegram would retry anything else forever), nothing stored.
    assert_eq!(post(&t, Some(SECRET), "{not json").await, reqwest::StatusCode::OK);
    assert_eq!(post(&t, Some(SECRET), r#"{"no_update_id": true}"#).await, reqwest::StatusCode::OK);
    assert_eq!(
        post(&t, Some(SECRET), r#"{"update_id": 2000000002, "some_future_kind": {"x": 1}}"#).await,
        reqwest::StatusCode::OK
    );
    // Too big: 413.
    let huge = format!(r#"{{"update_id": 2000000003, "message": {{"text": "{}"}}}}"#, "x".repeat(2 << 20));
    assert_eq!(post(&t, Some(SECRET), huge).await, reqwest::StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(db::inbox::last_update_id(&t.app.db).await.unwrap(), None, "nothing was stored");
    assert!(t.emu.messages(4102).is_empty(), "and nobody was answered");

    // The same update twice (Telegram retries when it missed our 200): stored once, handled once.
    t.emu.add_user(fieldschool::emulator::EmuUser::new(4102, "Li").with_language("zh-hans"));
    assert_eq!(post(&t, Some(SECRET), update).await, reqwest::StatusCode::OK);
    assert_eq!(post(&t, Some(SECRET), update).await, reqwest::StatusCode::OK);
    let consent = t.next(4102).await;
    assert!(consent.rendered_text().contains(&zh("reg-consent")), "{}", consent.rendered_text());
    t.settled().await;
    assert_eq!(db::inbox::status(&t.app.db, 2_000_000_001).await.unwrap().as_deref(), Some("handled"));
    assert_eq!(t.emu.messages(4102).len(), 1, "one answer to a replayed update");

    // Health and metrics on the same listener.
    let health = reqwest::get(local_url(&t, "/healthz")).await.unwrap();
    assert_eq!(health.status(), reqwest::StatusCode::OK);
    let metrics = reqwest::get(local_url(&t, "/metrics")).await.unwrap().text().await.unwrap();
    for line in [
        "fieldschool_webhook_refused_total{why=\"secret\"}",
        "fieldschool_webhook_refused_total{why=\"malformed\"}",
        "fieldschool_updates_received_total{kind=\"message\"}",
        "fieldschool_updates_handled_total{kind=\"message\"}",
        "fieldschool_handler_seconds_bucket",
        "fieldschool_inbox_pending 0",
        "fieldschool_inbox_parked 0",
        "fieldschool_inbox_leases 0",
    ] {
        assert!(metrics.contains(line), "/metrics has {line}:\n{metrics}");
    }
    t.stop().await;
}

#[tokio::test]
async fn the_webhook_refuses_a_wrong_secret_drops_bad_bodies_and_handles_a_replay_once_on_sqlite() {
    bad_requests_store_nothing(Store::Sqlite).await;
}

#[tokio::test]
async fn the_webhook_refuses_a_wrong_secret_drops_bad_bodies_and_handles_a_replay_once_on_postgres() {
    bad_requests_store_nothing(Store::Postgres).await;
}

async fn an_admin_sees_parked_updates_and_retries_them(store: Store) {
    let Some(t) = TestBot::start(store).await else { return };
    assert!(
        t.say(t.user(4203, "乙", "zh-hans"), "/parked").await.rendered_text().contains(&zh("register-first")),
        "register first"
    );
    let admin = t.villager(4201, "管理员").await;
    let grant = fieldschool::domain::person::RoleGrant {
        role: fieldschool::domain::person::Role::Admin,
        region_key: String::new(),
    };
    fieldschool::services::people::grant(&t.app, admin, &grant).await.unwrap();
    let villager = t.villager(4202, "甲").await;
    // An update that no longer decodes (say, stored by an older version): tried, failed, parked.
    let broken = db::inbox::Incoming {
        update_id: 1_900_000_001,
        chat_key: 4299,
        kind: "message".to_owned(),
        payload: r#"{"not": "an update"}"#.to_owned(),
    };
    db::inbox::store(&t.app.db, &[broken], chrono::Utc::now()).await.unwrap();
    // The next update stored wakes the workers (the broken one, stored behind their backs, did not).
    t.say(admin, "/help").await;
    t.settled().await;
    let listed = t.say(admin, "/parked").await.rendered_text();
    assert!(
        listed.contains(&tr!(ZH, "parked-title", count = 1))
            && listed.contains("#1900000001")
            && listed.contains("does not decode"),
        "{listed}"
    );
    assert_eq!(db::inbox::depth(&t.app.db).await.unwrap().parked, 1);
    // The rest of the world goes on: the villager is answered.
    assert!(t.say(villager, "/help").await.rendered_text().contains("/menu"));
    assert!(t.say(villager, "/parked").await.rendered_text().contains(&zh("access-not-allowed")));

    assert!(t.say(admin, "/parked retry 5").await.rendered_text().contains(&tr!(ZH, "parked-retry-unknown", id = 5)));
    assert!(t.say(admin, "/parked retry").await.rendered_text().contains(&tr!(ZH, "parked-retried", count = 1)));
    t.settled().await;
    // Still broken: parked again after its tries.
    assert_eq!(db::inbox::depth(&t.app.db).await.unwrap().parked, 1);
    assert!(t.say(admin, "/parked retry #1900000001").await.rendered_text().contains(&tr!(
        ZH,
        "parked-retried",
        count = 1
    )));
    t.stop().await;
}

#[tokio::test]
async fn an_admin_sees_parked_updates_and_retries_them_on_sqlite() {
    an_admin_sees_parked_updates_and_retries_them(Store::Sqlite).await;
}

#[tokio::test]
async fn an_admin_sees_parked_updates_and_retries_them_on_postgres() {
    an_admin_sees_parked_updates_and_retries_them(Store::Postgres).await;
}
