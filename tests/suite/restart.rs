//! The real binary, killed mid-registration or mid-broadcast and started again on the same database,
//! carries on where it was; stopping never hangs.

use std::process::Stdio;

use crate::common::{ZH, shows, zh, zh_apology};
use fieldschool::db::{self, Db};
use fieldschool::emulator::{EmuUser, Emulator, EmulatorOptions};
use tokio::process::{Child, Command};

fn spawn_bot(emu: &Emulator, db_url: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_fieldschool"))
        .arg("run")
        .env("TELOXIDE_TOKEN", emu.token())
        .env("TELOXIDE_API_URL", emu.api_url())
        .env("DATABASE_URL", db_url)
        // The test owns the clock: a weekday morning, whatever the hour here.
        .env("FIELDSCHOOL_CLOCK_START", "2026-12-01 10:00")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("the fieldschool binary starts")
}

#[tokio::test]
async fn killed_mid_registration_the_bot_resumes_on_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db_url = format!("sqlite://{}", dir.path().join("bot.db").display());
    {
        let db = Db::connect(&db_url).await.unwrap();
        db.migrate().await.unwrap();
        fieldschool::services::catalog_import::import_str(&db, "demo-catalog.toml", crate::common::DEMO_CATALOG)
            .await
            .unwrap();
        db.pool.close().await;
    }
    let emu = Emulator::start(EmulatorOptions::default()).await.unwrap();
    let me = 601;
    emu.add_user(EmuUser {
        id: me,
        first_name: "Xiuying".into(),
        last_name: None,
        username: None,
        language_code: Some("zh-hans".into()),
    });

    let mut bot = spawn_bot(&emu, &db_url);
    emu.send_text(me, "/start");
    let consent = emu.next_message(me).await.unwrap();
    assert!(consent.rendered_text().contains(&zh("reg-consent")));
    let id = emu.press_button(me, "同意").unwrap();
    emu.callback_answer(&id).await.unwrap();
    emu.next_message(me).await.unwrap();
    let id = emu.press_button(me, "农户").unwrap();
    emu.callback_answer(&id).await.unwrap();
    let name_q = emu.next_message(me).await.unwrap();
    assert!(name_q.rendered_text().contains(&zh("reg-ask-name")));

    // Crash: no graceful shutdown, no chance to confirm the last updates.
    bot.kill().await.unwrap();
    bot.wait().await.unwrap();

    let mut bot = spawn_bot(&emu, &db_url);
    emu.send_text(me, "王秀英");
    // The press handled when the bot died may be handled again (its reply, the name question, may
    // come twice); then the name is taken, once.
    let mut county_q = emu.next_message(me).await.unwrap();
    if county_q.rendered_text().contains(&zh("reg-ask-name")) {
        county_q = emu.next_message(me).await.unwrap();
    }
    assert!(
        county_q.rendered_text().contains(&zh("ask-county")),
        "resumed at the name step: {}",
        county_q.rendered_text()
    );
    let apology = zh_apology();
    assert!(!emu.messages(me).iter().any(|m| m.rendered_text().contains(&apology)), "no apology");
    for _ in 0..2 {
        let last = emu.messages(me).into_iter().last().unwrap();
        let data = last.inline_keyboard[0][0].callback_data.clone().unwrap();
        let id = emu.press(me, last.message_id, &data);
        emu.callback_answer(&id).await.unwrap();
        emu.next_message(me).await.unwrap();
    }
    let last = emu.messages(me).into_iter().last().unwrap();
    let data = last.inline_keyboard[0][0].callback_data.clone().unwrap();
    let id = emu.press(me, last.message_id, &data);
    emu.callback_answer(&id).await.unwrap();
    emu.next_message(me).await.unwrap(); // phone question
    let id = emu.press_button(me, "跳过");
    assert!(id.is_err(), "skip is a reply-keyboard button, not an inline one");
    emu.send_text(me, "跳过");
    let intent_q = emu.next_message(me).await.unwrap();
    assert!(shows(&intent_q.rendered_text(), ZH, "reg-ask-intent"), "{}", intent_q.rendered_text());
    emu.send_text(me, "跳过");
    let done = emu.next_message(me).await.unwrap();
    assert!(shows(&done.rendered_text(), ZH, "reg-done"), "{}", done.rendered_text());

    // Graceful stop on SIGTERM.
    let pid = bot.id().unwrap() as i32;
    std::process::Command::new("kill").arg("-TERM").arg(pid.to_string()).status().unwrap();
    let status = bot.wait().await.unwrap();
    assert!(status.success(), "stops cleanly on SIGTERM: {status:?}");

    let db = Db::connect(&db_url).await.unwrap();
    let person = db::people::find(&db, me).await.unwrap().expect("registered");
    assert_eq!(person.name.as_str(), "王秀英");
    assert_eq!(person.phone, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopping_the_bot_with_updates_in_flight_always_ends() {
    use fieldschool::app::App;
    use fieldschool::clock::ManualClock;
    use fieldschool::config::Config;
    use std::time::Duration;

    let (db, _dir) = db::testing::sqlite().await.unwrap();
    fieldschool::services::catalog_import::import_str(&db, "demo-catalog.toml", crate::common::DEMO_CATALOG)
        .await
        .unwrap();
    let emu = Emulator::start(EmulatorOptions::default()).await.unwrap();
    let people: Vec<i64> = (0..4).map(|i| 700 + i).collect();
    for &id in &people {
        emu.add_user(EmuUser::new(id, format!("Person {id}")).with_language("zh-hans"));
    }
    let mut config = Config::from_env().unwrap();
    config.token = Some(emu.token().to_owned());
    config.api_url = Some(emu.api_url());
    let app = App::new(db, std::sync::Arc::new(ManualClock::new(crate::common::demo_start())), config);
    let bot = teloxide::Bot::new(emu.token()).set_api_url(emu.api_url().parse().unwrap());
    for round in 0..200 {
        let running = fieldschool::startup::start_bot(app.clone(), bot.clone()).await.unwrap();
        for &id in &people {
            emu.send_text(id, "/start");
        }
        // Every other round, stop while the first answers are being written; else at once.
        if round % 2 == 0 {
            emu.next_message(people[0]).await.unwrap();
        }
        tokio::time::timeout(Duration::from_secs(10), running.stop())
            .await
            .unwrap_or_else(|_| panic!("stop number {} did not end within 10 s", round + 1));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_mid_broadcast_a_restarted_bot_resumes_at_once_and_sends_nothing_twice() {
    use std::collections::HashMap;
    use std::time::{Duration, Instant};

    use fieldschool::db::outbox::{self, NewMessage, Payload, Status};
    use fieldschool::domain::gate::{MessageKind, SendRule};
    use fieldschool::emulator::EmuEvent;

    let dir = tempfile::tempdir().unwrap();
    let db_url = format!("sqlite://{}", dir.path().join("bot.db").display());
    let db = Db::connect(&db_url).await.unwrap();
    db.migrate().await.unwrap();
    let emu = Emulator::start(EmulatorOptions::default()).await.unwrap();
    let start = fieldschool::config::parse_instant("2026-12-01 10:00", chrono_tz::Asia::Shanghai).unwrap();
    let recipients: Vec<i64> = (0..150).map(|i| 90_000 + i).collect();
    let mut tx = db.begin_write().await.unwrap();
    for &chat in &recipients {
        emu.add_user(EmuUser::new(chat, format!("Person {chat}")));
        let message = NewMessage {
            chat_id: chat,
            kind: "broadcast".into(),
            payload: Payload::text(format!("notice for {chat}")),
            dedupe_key: None,
            planned_at: start,
            due_at: start,
            deadline_at: None,
            group_key: Some("broadcast:1".into()),
            rule: SendRule { kind: MessageKind::Broadcast { urgent: false }, personal: false },
        };
        outbox::enqueue(&mut tx, &message).await.unwrap();
    }
    tx.commit().await.unwrap();
    let mut events = emu.subscribe();
    let mut sent: HashMap<i64, usize> = HashMap::new();
    let patience = Duration::from_secs(60);
    let next_send = async |events: &mut tokio::sync::broadcast::Receiver<EmuEvent>| loop {
        match tokio::time::timeout(patience, events.recv()).await.expect("no send for a minute") {
            Ok(EmuEvent::Sent(m)) => return m.chat_id,
            Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
            Err(e) => panic!("{e}"),
        }
    };

    // At Telegram's pace (30 a second) the broadcast takes five seconds; the bot dies a second in.
    let mut bot = spawn_bot(&emu, &db_url);
    for _ in 0..30 {
        *sent.entry(next_send(&mut events).await).or_default() += 1;
    }
    bot.kill().await.unwrap();
    bot.wait().await.unwrap();

    // Started again on the same machine: it takes the dead process's claims back without waiting for
    // their lease (five minutes), and sends nothing twice.
    let restarted = Instant::now();
    let mut bot = spawn_bot(&emu, &db_url);
    let mut resumed_after = None;
    loop {
        let chat = next_send(&mut events).await;
        *sent.entry(chat).or_default() += 1;
        if sent.values().sum::<usize>() > 30 {
            resumed_after.get_or_insert(restarted.elapsed());
        }
        // Calls cut off by the kill are settled before the restarted bot sends anything, so once every
        // recipient got the message or is in doubt, the broadcast is over.
        let in_doubt: std::collections::HashSet<i64> =
            sqlx::query_scalar("SELECT chat_id FROM outbox WHERE status = 'failed'")
                .fetch_all(&db.pool)
                .await
                .unwrap()
                .into_iter()
                .collect();
        if recipients.iter().all(|c| sent.contains_key(c) || in_doubt.contains(c)) {
            break;
        }
    }
    eprintln!("first send {resumed_after:?} after the restart");
    // A clean stop records the last outcomes.
    let pid = bot.id().unwrap() as i32;
    std::process::Command::new("kill").arg("-TERM").arg(pid.to_string()).status().unwrap();
    assert!(bot.wait().await.unwrap().success());

    let twice: Vec<_> = sent.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "sent twice: {twice:?}");
    let mut interrupted = 0;
    for &chat in &recipients {
        let row = outbox::for_chat(&db, chat).await.unwrap().remove(0);
        match row.status {
            Status::Sent => assert_eq!(sent.get(&chat), Some(&1), "chat {chat}"),
            Status::Failed => {
                assert_eq!(row.last_error.as_deref(), Some(outbox::INTERRUPTED));
                interrupted += 1;
            }
            other => panic!("chat {chat}: {other:?}"),
        }
    }
    // Only calls under way at the kill are in doubt: a few at 30 a second.
    assert!(interrupted <= 5, "{interrupted} calls were cut off");
}

#[tokio::test]
async fn a_backup_is_a_database_with_everything_in_it_and_a_second_bot_on_one_sqlite_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db_url = format!("sqlite://{}", dir.path().join("bot.db").display());
    let db = Db::connect(&db_url).await.unwrap();
    db.migrate().await.unwrap();
    fieldschool::services::catalog_import::import_str(&db, "demo-catalog.toml", crate::common::DEMO_CATALOG)
        .await
        .unwrap();
    let regions = db::catalog::all_regions(&db).await.unwrap().len();

    // A bot runs on the file; a second one is refused with a plain reason.
    let emu = Emulator::start(EmulatorOptions::default()).await.unwrap();
    let mut bot = spawn_bot(&emu, &db_url);
    emu.add_user(EmuUser::new(602, "Li").with_language("zh-hans"));
    emu.send_text(602, "/start");
    assert!(emu.next_message(602).await.unwrap().rendered_text().contains(&zh("reg-consent")), "the first bot runs");
    let second = std::process::Command::new(env!("CARGO_BIN_EXE_fieldschool"))
        .arg("run")
        .env("TELOXIDE_TOKEN", emu.token())
        .env("TELOXIDE_API_URL", emu.api_url())
        .env("DATABASE_URL", &db_url)
        .output()
        .unwrap();
    assert!(!second.status.success());
    let said = String::from_utf8_lossy(&second.stderr);
    assert!(said.contains("another fieldschool process is already running") && said.contains("PostgreSQL"), "{said}");

    // The backup, taken while it runs, opens as a database with the catalogue in it.
    let copy = dir.path().join("copy.db");
    let backup = std::process::Command::new(env!("CARGO_BIN_EXE_fieldschool"))
        .arg("backup")
        .arg(&copy)
        .env("DATABASE_URL", &db_url)
        .output()
        .unwrap();
    assert!(backup.status.success(), "{}", String::from_utf8_lossy(&backup.stderr));
    let restored = Db::connect(&format!("sqlite://{}", copy.display())).await.unwrap();
    assert_eq!(db::catalog::all_regions(&restored).await.unwrap().len(), regions);
    // A second backup to the same file would overwrite it: refused.
    let again = std::process::Command::new(env!("CARGO_BIN_EXE_fieldschool"))
        .arg("backup")
        .arg(&copy)
        .env("DATABASE_URL", &db_url)
        .output()
        .unwrap();
    assert!(!again.status.success() && String::from_utf8_lossy(&again.stderr).contains("exists already"));
    bot.kill().await.unwrap();
}
