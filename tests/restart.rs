//! The real binary, killed mid-registration and started again on the same database, carries on
//! where the person was.

mod common;

use std::process::Stdio;

use fieldschool::db::{self, Db};
use fieldschool::emulator::{EmuUser, Emulator, EmulatorOptions};
use tokio::process::{Child, Command};

fn spawn_bot(emu: &Emulator, db_url: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_fieldschool"))
        .arg("run")
        .env("TELOXIDE_TOKEN", emu.token())
        .env("TELOXIDE_API_URL", emu.api_url())
        .env("DATABASE_URL", db_url)
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
        fieldschool::services::catalog_import::import_str(&db, "demo-catalog.toml", common::DEMO_CATALOG)
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
    assert!(consent.rendered_text().contains("您同意吗"));
    let id = emu.press_button(me, "同意").unwrap();
    emu.callback_answer(&id).await.unwrap();
    emu.next_message(me).await.unwrap();
    let id = emu.press_button(me, "农户").unwrap();
    emu.callback_answer(&id).await.unwrap();
    let name_q = emu.next_message(me).await.unwrap();
    assert!(name_q.rendered_text().contains("姓名"));

    // Crash: no graceful shutdown, no chance to confirm the last updates.
    bot.kill().await.unwrap();
    bot.wait().await.unwrap();

    let mut bot = spawn_bot(&emu, &db_url);
    emu.send_text(me, "王秀英");
    let county_q = emu.next_message(me).await.unwrap();
    assert!(county_q.rendered_text().contains("县"), "resumed at the name step: {}", county_q.rendered_text());
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
    let done = emu.next_message(me).await.unwrap();
    assert!(done.rendered_text().contains("登记成功"), "{}", done.rendered_text());

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
