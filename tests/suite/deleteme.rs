//! `/deleteme` end to end over HTTP through the Bot API emulator, on SQLite and PostgreSQL: after a full
//! journey (order, baseline survey, attendance, quiz, certificate, a comment, a seat in a full class
//! with someone waitlisted behind) the person confirms twice (a button, then the typed word; bad input
//! on the way is answered), and then: the seat goes to the waitlisted person, the messages queued to
//! them are withdrawn, their certificate verifies as revoked, `/mydata` knows nobody, `/start` is a new
//! registration, their name, phone and comment are nowhere in the database (SQLite file and WAL byte
//! search; every PostgreSQL row as text), and the outcome figures are the same apart from who they were.
//! Also: backing out, and the consent asked again after a version bump.

use crate::assert_shows;
use crate::common::{ANY, EN, Store, TestBot, ZH, beijing, en, matches, shows, tr, zh};
use fieldschool::db;
use fieldschool::domain::outcomes::WaveStatus;
use fieldschool::emulator::BotMessage;
use fieldschool::i18n::Lang;
use sqlx::Row;

const NAME: &str = "王秀英";
const PHONE: &str = "+8613912345678";
const COMMENT: &str = "希望多讲菌棒消毒";
/// A class of the demo catalogue after the others, made to hold one seat.
const FULL_CLASS: &str = "electrician-2027-01";

async fn next_where(t: &TestBot, me: i64, what: &str, want: impl Fn(&BotMessage) -> bool) -> BotMessage {
    for _ in 0..15 {
        let m = t.next(me).await;
        if want(&m) {
            return m;
        }
    }
    panic!("no message {what} to {me}");
}

/// The bot's next message to `me` that shows the Chinese message `key`, skipping others.
async fn next_showing(t: &TestBot, me: i64, key: &str) -> BotMessage {
    next_where(t, me, key, |m| shows(&m.rendered_text(), ZH, key)).await
}

/// The word a Chinese speaker types to confirm erasure.
fn erase_word() -> String {
    zh("erase-word")
}

/// Registers `name` as a villager in the first village with their own phone number.
async fn villager_with_phone(t: &TestBot, id: i64, name: &str, phone: &str) -> i64 {
    let me = t.user(id, name, "zh-hans");
    t.say(me, "/start").await;
    t.tap(me, "同意").await;
    t.tap(me, "农户").await;
    let county_q = t.say(me, name).await;
    let township_q = t.tap_first(me, &county_q).await;
    let village_q = t.tap_first(me, &township_q).await;
    t.tap_first(me, &village_q).await;
    t.emu.send_contact(me, phone);
    let done = t.after_phone(me).await;
    assert!(done.rendered_text().contains(name), "{}", done.rendered_text());
    t.next(me).await;
    me
}

async fn order_small_mushroom_class(t: &TestBot, me: i64) {
    t.say(me, "📚 报名培训").await;
    t.tap(me, "特色种养").await;
    t.tap(me, "食用菌种植技术").await;
    t.tap(me, "西村张大姐家菇棚").await;
    let done = t.tap(me, "确认报名").await;
    assert_shows!(done.rendered_text(), ZH, "order-confirmed");
}

async fn place(t: &TestBot, user: i64, class: &str) -> db::orders::OrderRow {
    let person = db::people::find(&t.app.db, user).await.unwrap().unwrap();
    fieldschool::services::orders::place(&t.app, &person, class).await.unwrap();
    db::orders::of_user(&t.app.db, user).await.unwrap().into_iter().find(|o| o.class_key == class).unwrap()
}

async fn all_region_keys(t: &TestBot) -> Vec<String> {
    sqlx::query("SELECT key FROM regions")
        .fetch_all(&t.app.db.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get("key"))
        .collect()
}

/// Every stored row or byte that contains `needle`: per table on PostgreSQL (rows cast to text), in
/// the database file or its WAL on SQLite.
async fn occurrences(t: &TestBot, needle: &str) -> Vec<String> {
    let db = &t.app.db;
    match db.backend {
        db::Backend::Sqlite => {
            let file = db::sqlite_file(&db.url).expect("a file");
            let mut found = Vec::new();
            for path in [file.clone(), file.with_extension("db-wal")] {
                let Ok(bytes) = std::fs::read(&path) else { continue };
                if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
                    found.push(path.display().to_string());
                }
            }
            found
        }
        db::Backend::Postgres => {
            let tables: Vec<String> = sqlx::query(
                "SELECT table_name::text AS t FROM information_schema.tables
                 WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
            )
            .fetch_all(&db.pool)
            .await
            .unwrap()
            .iter()
            .map(|r| r.get("t"))
            .collect();
            let mut found = Vec::new();
            for table in tables {
                let n: i64 = sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table} x WHERE strpos(x::text, $1) > 0"))
                    .bind(needle)
                    .fetch_one(&db.pool)
                    .await
                    .unwrap()
                    .get("n");
                if n > 0 {
                    found.push(table);
                }
            }
            found
        }
    }
}

/// The rows behind /outcomes for the mushroom course, with names (as an identifiable export).
async fn export_rows(t: &TestBot, regions: &[String]) -> Vec<fieldschool::domain::outcomes::ExportRow> {
    fieldschool::services::surveys::export_rows(&t.app, Lang::Zh, regions, Some("mushroom"), None).await.unwrap()
}

async fn pending_to(t: &TestBot, chat: i64) -> i64 {
    sqlx::query("SELECT COUNT(*) AS n FROM outbox WHERE chat_id = $1 AND status IN ('pending', 'sending')")
        .bind(chat)
        .fetch_one(&t.app.db.pool)
        .await
        .unwrap()
        .get("n")
}

#[tokio::test]
async fn deleteme_after_a_full_journey_on_sqlite() {
    journey(Store::Sqlite).await;
}

#[tokio::test]
async fn deleteme_after_a_full_journey_on_postgres() {
    journey(Store::Postgres).await;
}

async fn journey(store: Store) {
    let Some(t) = TestBot::start_with(store, |c| c.quiz_seed = Some(42)).await else { return };
    sqlx::query("UPDATE classes SET capacity = 1 WHERE key = $1")
        .bind(FULL_CLASS)
        .execute(&t.app.db.pool)
        .await
        .unwrap();
    let teacher = t.trainer(1400, "wang-lixin", "王立新").await;
    let coordinator = t.coordinator(1401, "周主任").await;
    let a = villager_with_phone(&t, 1402, NAME, PHONE).await;
    let b = t.villager(1403, "李桂兰").await;

    // 王秀英 orders the small class, answers the baseline, checks in, passes the quiz and comments.
    order_small_mushroom_class(&t, a).await;
    t.tap(a, "开始回答").await;
    t.tap(a, "4").await;
    t.say(a, "3万").await;
    t.tap(a, "务农").await;
    assert!(t.tap(a, "种植").await.rendered_text().contains(&zh("survey-thanks")));
    t.clock.set(beijing("2026-12-20T09:20:00"));
    let code = t.open_checkin(teacher, "12月20日").await;
    next_showing(&t, a, "checkin-open").await;
    t.emu.send_text(a, &code);
    next_showing(&t, a, "checkin-done").await;
    t.clock.set(beijing("2026-12-20T11:31:00"));
    next_showing(&t, a, "quiz-invite").await;
    let mut question = t.tap(a, "开始测验").await;
    for _ in 0..5 {
        t.answer_quiz(a, &question, "mushroom", true).await;
        question = t.next(a).await;
    }
    assert_shows!(question.rendered_text(), ZH, "quiz-passed");
    next_showing(&t, a, "survey-feedback-offer").await;
    t.tap(a, "评价这门课").await;
    t.tap(a, "⭐⭐⭐⭐").await;
    t.tap(a, "⭐⭐⭐⭐⭐").await;
    assert!(t.say(a, COMMENT).await.rendered_text().contains(&zh("survey-feedback-thanks")));
    let small_order = db::orders::of_user(&t.app.db, a).await.unwrap()[0].clone();
    let certificate =
        db::learning::completion_of_order(&t.app.db, small_order.id).await.unwrap().expect("completed").code;

    // The one seat of the January class is 王秀英's; 李桂兰 waits behind her.
    let seat = place(&t, a, FULL_CLASS).await;
    assert_eq!(seat.status.as_str(), "confirmed");
    let waiting = place(&t, b, FULL_CLASS).await;
    assert_eq!(waiting.status.as_str(), "waitlisted");
    t.settled().await;
    assert!(pending_to(&t, a).await > 0, "reminders and follow-up surveys wait for 王秀英");
    // The coordinator's lines name her ("新报名：王秀英…").
    let naming: i64 = sqlx::query("SELECT COUNT(*) AS n FROM outbox WHERE chat_id = $1 AND payload LIKE $2")
        .bind(coordinator)
        .bind(format!("%{NAME}%"))
        .fetch_one(&t.app.db.pool)
        .await
        .unwrap()
        .get("n");
    assert!(naming > 0, "the coordinator was told of her order by name");
    // An anonymised export gave her a pseudonym.
    db::surveys::ensure_pseudonyms(&t.app.db, &[a]).await.unwrap();
    let regions = all_region_keys(&t).await;
    let before = db::surveys::outcome_data(&t.app.db, &regions, Some("mushroom"), None).await.unwrap();
    let rows_before = export_rows(&t, &regions).await;
    assert!(before.enrolments.iter().any(|e| e.name == NAME));

    // /deleteme explains in plain words; bad input on the way gets a clear answer.
    t.say(a, "⚙️ 设置").await;
    let explained = t.say(a, "/deleteme").await.rendered_text();
    // One order still to come (the January seat), one certificate.
    assert!(explained.contains(&tr!(ZH, "erase-explain", orders = 1, certificates = 1)), "{explained}");
    let press = zh("erase-reask-press");
    assert!(t.say(a, "删除").await.rendered_text().contains(&press), "the word before the button");
    t.emu.send_sticker(a);
    assert!(t.next(a).await.rendered_text().contains(&press));
    let ask_word = t.tap(a, "确认删除").await.rendered_text();
    assert!(ask_word.contains(&tr!(ZH, "erase-ask-word", word = erase_word())), "{ask_word}");
    let not_the_word = tr!(ZH, "erase-reask-word", word = erase_word());
    assert!(t.say(a, "删掉吧").await.rendered_text().contains(&not_the_word));
    let need_word = tr!(ZH, "erase-reask-need-word", word = erase_word());
    t.emu.send_sticker(a);
    assert!(t.next(a).await.rendered_text().contains(&need_word));
    // An old button of the settings menu, mid-dialog.
    let id = t.emu.press_button(a, "我的数据").unwrap();
    t.emu.callback_answer(&id).await.unwrap();
    assert!(t.next(a).await.rendered_text().contains(&need_word));
    assert_eq!(db::people::find(&t.app.db, a).await.unwrap().unwrap().name.as_str(), NAME, "nothing erased yet");

    let done = t.say(a, "删除").await.rendered_text();
    assert!(
        done.contains(&tr!(ZH, "erase-done", orders = 1, certificates = 1)),
        "the order and the certificate she had are named: {done}"
    );
    t.settled().await;

    // The seat went to the waitlist; nothing waits for 王秀英 any more.
    let offer = next_showing(&t, b, "offer-seat").await;
    assert!(offer.rendered_text().contains(waiting.number.as_str()), "{}", offer.rendered_text());
    assert_eq!(pending_to(&t, a).await, 0);
    // The certificate verifies as revoked (the CLI's service and the QR link).
    let line = fieldschool::services::learning::verify(&t.app, &certificate, Lang::Zh).await.unwrap().unwrap();
    assert!(matches(&line, &tr!(ZH, "verify-revoked", code = &certificate, date = ANY)), "{line}");
    let english = fieldschool::services::learning::verify(&t.app, &certificate, Lang::En).await.unwrap().unwrap();
    assert!(shows(&english, EN, "verify-revoked"), "{english}");
    // `fieldschool verify` says it too, and exits as for a certificate that is not valid.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_fieldschool"))
        .args(["verify", &certificate.to_lowercase(), "--lang", "en"])
        .env("DATABASE_URL", &t.app.db.url)
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && shows(&said, EN, "verify-revoked"), "{said}");
    let link = t.say(b, &format!("/start v-{certificate}")).await.rendered_text();
    assert!(shows(&link, ZH, "verify-revoked") && !link.contains(NAME), "{link}");
    // Roles and ids: nobody with the Telegram id, no row with the chat.
    assert!(db::people::find(&t.app.db, a).await.unwrap().is_none());
    for (table, column) in
        [("people", "chat_id"), ("dialogs", "chat_id"), ("chat_keyboards", "chat_id"), ("outbox", "chat_id")]
    {
        let n: i64 = sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table} WHERE {column} = $1"))
            .bind(a)
            .fetch_one(&t.app.db.pool)
            .await
            .unwrap()
            .get("n");
        assert_eq!(n, 0, "{table}.{column}");
    }

    // The outcome figures: the same orders, surveys and answers; only who it was is gone.
    let after = db::surveys::outcome_data(&t.app.db, &regions, Some("mushroom"), None).await.unwrap();
    let ids = |d: &db::surveys::OutcomeData| d.enrolments.iter().map(|e| e.order_id).collect::<Vec<_>>();
    assert_eq!(ids(&before), ids(&after));
    // The surveys already sent stay; waves not yet sent are gone (they will never be sent).
    let now = t.app.now();
    let sent = |d: &db::surveys::OutcomeData| {
        d.surveys.iter().filter(|s| s.opens_at <= now).map(|s| (s.id, s.completed_at)).collect::<Vec<_>>()
    };
    assert_eq!(sent(&before), sent(&after));
    assert!(after.surveys.iter().all(|s| s.opens_at <= now));
    let answers = |d: &db::surveys::OutcomeData| {
        d.answers.iter().map(|(s, q, r, _)| (*s, *q, format!("{r:?}"))).collect::<Vec<_>>()
    };
    let (answers_before, answers_after) = (answers(&before), answers(&after));
    assert_eq!(answers_before.len(), answers_after.len());
    for (x, y) in answers_before.iter().zip(&answers_after) {
        assert_eq!((x.0, x.1), (y.0, y.1));
        if !x.2.contains(COMMENT) {
            assert_eq!(x.2, y.2, "a figure changed");
        }
    }
    // What /outcomes shows: the same figures; its export rows differ only in who (pseudonym, name,
    // phone) and the comment, and only on her rows.
    let rows_after = export_rows(&t, &regions).await;
    assert_eq!(
        fieldschool::domain::outcomes::compute(&rows_before),
        fieldschool::domain::outcomes::compute(&rows_after)
    );
    assert_eq!(rows_before.len(), rows_after.len());
    let mut hers = 0;
    for (x, y) in rows_before.iter().zip(&rows_after) {
        let mut anonymous = x.clone();
        (anonymous.person, anonymous.name, anonymous.phone, anonymous.comment) =
            (y.person.clone(), y.name.clone(), y.phone.clone(), y.comment.clone());
        // A wave not yet due will now never be sent (due in neither case, so no figure moves).
        if (x.status, y.status) == (WaveStatus::NotYetDue, WaveStatus::NotSurveyed) {
            anonymous.status = WaveStatus::NotSurveyed;
        }
        assert_eq!(&anonymous, y, "only who it was may change");
        if x != y {
            hers += 1;
            assert_eq!(x.name.as_deref(), Some(NAME));
            assert_ne!(x.person, y.person, "a new pseudonym: old exports do not lead to the new one");
            assert!(y.name.as_deref().unwrap_or_default().is_empty() && y.phone.is_none(), "{y:?}");
        }
    }
    assert!(hers > 0);
    let erased = after.enrolments.iter().find(|e| e.order_id == small_order.id).unwrap();
    let kept = before.enrolments.iter().find(|e| e.order_id == small_order.id).unwrap();
    assert_eq!((erased.name.as_str(), erased.phone.as_deref()), ("", None));
    assert_eq!(erased.village_key, kept.village_key, "the village stays for county totals");
    assert!(kept.pseudonym.is_some() && erased.pseudonym != kept.pseudonym, "the pseudonym link is broken");
    assert!(erased.user_id < 0);

    // The name, phone and comment are nowhere in storage (before she writes again: a new message
    // brings her Telegram profile name with it, as anyone's first message does).
    t.settled().await;
    for needle in [NAME, PHONE, COMMENT] {
        assert_eq!(occurrences(&t, needle).await, Vec::<String>::new(), "{needle:?} still stored");
    }

    // Afterwards the bot knows nobody: /mydata asks to register, /start is a new registration.
    assert_eq!(t.say(a, "/mydata").await.rendered_text(), zh("register-first"));
    assert!(t.say(a, "/start").await.rendered_text().contains(&zh("reg-consent")));
    t.settled().await;

    // Another person's data is untouched.
    assert!(!occurrences(&t, "李桂兰").await.is_empty());
    t.stop().await;
}

#[tokio::test]
async fn backing_out_keeps_everything_and_the_unregistered_have_nothing_to_erase() {
    let Some(t) = TestBot::start(Store::Sqlite).await else { return };
    let visitor = t.user(1411, "Visitor", "en");
    assert!(t.say(visitor, "/deleteme").await.rendered_text().contains(&en("erase-not-registered")));

    let a = t.villager(1412, "赵大妹").await;
    t.say(a, "/deleteme").await;
    assert!(t.tap(a, "取消").await.rendered_text().contains(&zh("erase-cancelled")));
    // From 设置, then the cancel word typed at the second step.
    t.say(a, "⚙️ 设置").await;
    assert_shows!(t.tap(a, "删除我的信息").await.rendered_text(), ZH, "erase-explain");
    t.tap(a, "确认删除").await;
    assert!(t.say(a, "取消").await.rendered_text().contains(&zh("erase-cancelled")));
    // /cancel too.
    t.say(a, "/deleteme").await;
    t.tap(a, "确认删除").await;
    t.say(a, "/cancel").await;
    // 赵大妹 has no orders or certificates: erasure would say so without numbers.
    let erased = tr!(ZH, "erase-done", orders = 0, certificates = 0);
    assert!(!t.say(a, "删除").await.rendered_text().contains(&erased));
    assert_eq!(db::people::find(&t.app.db, a).await.unwrap().unwrap().name.as_str(), "赵大妹");

    // In English the word is DELETE.
    let mary = t.user(1413, "Mary", "en");
    t.register(mary, "Mary", "I agree", "Villager").await;
    t.say(mary, "/deleteme").await;
    let ask_word = t.tap(mary, "Yes, erase").await.rendered_text();
    assert!(ask_word.contains(&tr!(EN, "erase-ask-word", word = en("erase-word"))), "{ask_word}");
    let done = t.say(mary, "delete").await.rendered_text();
    assert!(done.contains(&tr!(EN, "erase-done", orders = 0, certificates = 0)), "{done}");
    assert!(db::people::find(&t.app.db, mary).await.unwrap().is_none());
    t.stop().await;
}

#[tokio::test]
async fn a_consent_version_bump_asks_again_on_sqlite() {
    consent_bump(Store::Sqlite).await;
}

#[tokio::test]
async fn a_consent_version_bump_asks_again_on_postgres() {
    consent_bump(Store::Postgres).await;
}

async fn consent_bump(store: Store) {
    let Some(t) = TestBot::start(store).await else { return };
    let a = t.villager(1421, "钱多多").await;
    let b = t.villager(1422, "孙小妹").await;
    let trainer = t.trainer(1423, "wang-lixin", "王立新").await;
    let version = |user: i64| {
        let db = t.app.db.clone();
        async move { db::erasure::consent_version(&db, user).await.unwrap() }
    };
    assert_eq!(
        version(a).await,
        Some(fieldschool::domain::erasure::CONSENT_VERSION),
        "new people agree to the current text"
    );
    // Both agreed to the first text.
    sqlx::query("UPDATE people SET consent_version = 1").execute(&t.app.db.pool).await.unwrap();

    // The next message asks again, with what changed.
    let asked = t.say(a, "📚 报名培训").await.rendered_text();
    // What changed (it names /mydata and /deleteme), then the villager's consent again.
    let renew = tr!(ZH, "consent-renew", changes = zh("consent-changes"), consent = zh("reg-consent"));
    assert!(asked.contains(&renew), "missing from:\n{asked}");
    // A sticker or nonsense asks again.
    t.emu.send_sticker(a);
    assert!(t.next(a).await.rendered_text().contains(&zh("consent-changes")));
    let agreed = t.tap(a, "同意").await;
    assert!(agreed.rendered_text().contains(&zh("consent-renewed")), "{}", agreed.rendered_text());
    assert_eq!(version(a).await, Some(fieldschool::domain::erasure::CONSENT_VERSION));
    assert!(!shows(&t.say(a, "📚 报名培训").await.rendered_text(), ZH, "consent-renew"));

    // A trainer who takes no courses sees the staff terms again, not a villager's.
    let staff = t.say(trainer, "你好").await.rendered_text();
    assert!(shows(&staff, ZH, "consent-renew") && staff.contains(&zh("consent-staff-terms")), "{staff}");
    // A line of the villager's terms (`reg-consent`) that the staff terms do not have.
    assert!(!staff.contains("您选择的培训"), "not the villager's terms: {staff}");

    // Declining is erasure, after the same two confirmations.
    t.say(b, "hello").await;
    let declined = t.tap(b, "不同意").await.rendered_text();
    assert!(declined.contains(&zh("consent-declined")), "{declined}");
    let explained = t.next(b).await.rendered_text();
    assert_shows!(explained, ZH, "erase-explain");
    t.tap(b, "确认删除").await;
    let done = t.say(b, "删除").await.rendered_text();
    assert!(done.contains(&tr!(ZH, "erase-done", orders = 0, certificates = 0)), "{done}");

    assert!(db::people::find(&t.app.db, b).await.unwrap().is_none());
    assert!(db::people::find(&t.app.db, a).await.unwrap().is_some());
    t.stop().await;
}
