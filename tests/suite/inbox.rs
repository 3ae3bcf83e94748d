//! The durable inbox end to end, with the real binary: killed with SIGKILL in the middle of a burst of
//! updates and started again on the same database, it loses no update and does no step twice.

use crate::common::burst::{TO_THE_ORDER_SUMMARY, drained, run_steps, wait_for};

use std::collections::HashMap;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use fieldschool::db::{self, Db};
use fieldschool::emulator::{EmuUser, Emulator, EmulatorOptions};
use tokio::process::{Child, Command};

const PEOPLE: i64 = 300;
const FIRST: i64 = 40_000;

fn spawn_bot(emu: &Emulator, db_url: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_fieldschool"))
        .arg("run")
        .env("TELOXIDE_TOKEN", emu.token())
        .env("TELOXIDE_API_URL", emu.api_url())
        .env("DATABASE_URL", db_url)
        // The test owns the clock: a weekday morning before the demo's classes.
        .env("FIELDSCHOOL_CLOCK_START", "2026-12-01 10:00")
        .env("FIELDSCHOOL_WORKER_ID", "inbox-test")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("the fieldschool binary starts")
}

/// Every person sends `input` at once; the bot is killed with SIGKILL once `kill_after` have their
/// answer (containing `marker`) and started again. Returns the restarted bot.
async fn burst_with_kill(
    emu: &Emulator,
    db_url: &str,
    bot: Child,
    input: &str,
    marker: &'static str,
    kill_after: usize,
) -> Child {
    let answered = Arc::new(AtomicUsize::new(0));
    let everyone_answered = Arc::new(tokio::sync::Notify::new());
    let mut tasks = Vec::new();
    for who in FIRST..FIRST + PEOPLE {
        emu.send_text(who, input);
        let (emu, answered, done) = (emu.clone(), answered.clone(), everyone_answered.clone());
        tasks.push(tokio::spawn(async move {
            wait_for(&emu, who, marker).await;
            answered.fetch_add(1, Ordering::SeqCst);
            done.notify_waiters();
        }));
    }
    let mut bot = bot;
    // Kill as soon as a tenth are answered (a signal per answer, no polling of time).
    loop {
        let notified = everyone_answered.notified();
        if answered.load(Ordering::SeqCst) >= kill_after {
            break;
        }
        tokio::time::timeout(Duration::from_secs(120), notified).await.expect("answers stopped coming");
    }
    bot.kill().await.unwrap();
    bot.wait().await.unwrap();
    let killed_at = answered.load(Ordering::SeqCst);
    assert!(killed_at < PEOPLE as usize, "the bot finished the burst before it could be killed");
    let restarted = spawn_bot(emu, db_url);
    for task in tasks {
        task.await.unwrap();
    }
    eprintln!("{input:?}: killed after {killed_at} answers, all {PEOPLE} answered after the restart");
    restarted
}

async fn scenario(db: Db) {
    fieldschool::services::catalog_import::import_str(&db, "demo-catalog.toml", crate::common::DEMO_CATALOG)
        .await
        .unwrap();
    let emu = Emulator::start(EmulatorOptions { wait_timeout: Duration::from_secs(120), ..EmulatorOptions::default() })
        .await
        .unwrap();
    for who in FIRST..FIRST + PEOPLE {
        emu.add_user(EmuUser::new(who, format!("P{who}")).with_language("zh-hans"));
    }
    let mut bot = spawn_bot(&emu, &db.url);

    // Everyone is in the middle of registering: at the name question.
    let steps: [(&str, &str); 3] = [("/start", "您同意吗"), ("同意", "哪一类"), ("农户", "姓名")];
    run_steps(&emu, FIRST..FIRST + PEOPLE, &steps).await;

    // A burst of names, SIGKILL after a tenth of the answers, a restart.
    bot = burst_with_kill(&emu, &db.url, bot, "王秀英", "请选择您所在的县", (PEOPLE / 10) as usize).await;
    drained(&db).await;
    // Nobody's name step was lost or done twice: everyone is at the county question, and nobody was
    // told their name was not understood (a redone step would read "王秀英" as a county).
    for who in FIRST..FIRST + PEOPLE {
        let state = db::dialogs::load(&db, who).await.unwrap();
        assert!(format!("{state:?}").contains("County"), "{who}: {state:?}");
    }

    // Everyone finishes registering and opens the order summary of the big class.
    run_steps(&emu, FIRST..FIRST + PEOPLE, &TO_THE_ORDER_SUMMARY).await;
    assert_eq!(db::people::count(&db).await.unwrap(), PEOPLE, "one registration each");

    // A burst of confirmations, SIGKILL again, a restart.
    bot = burst_with_kill(&emu, &db.url, bot, "确认报名", "订单号", (PEOPLE / 10) as usize).await;
    drained(&db).await;
    let mut per_person: HashMap<usize, usize> = HashMap::new();
    for who in FIRST..FIRST + PEOPLE {
        *per_person.entry(db::orders::of_user(&db, who).await.unwrap().len()).or_default() += 1;
    }
    assert_eq!(per_person, HashMap::from([(1, PEOPLE as usize)]), "exactly one order each");
    let confirmed =
        db::orders::count_in_status(&db, "mushroom-2026-12", fieldschool::domain::order::OrderStatus::Confirmed)
            .await
            .unwrap();
    assert_eq!(confirmed, 30, "the class's 30 seats, no more");
    // Every update was handled once: nothing waits, nothing parked.
    let depth = db::inbox::depth(&db).await.unwrap();
    assert_eq!((depth.pending, depth.working, depth.parked), (0, 0, 0), "{depth:?}");

    // Replies of updates in flight at a kill may come twice; no more than one per worker.
    let mut repeated = 0;
    let county_q = crate::common::zh("ask-county");
    // The line every order reply has: "订单号：" and the number.
    let confirmed = crate::common::pattern(crate::common::ZH, "order-confirmed");
    let number_label = confirmed.lines().find_map(|l| l.strip_suffix(crate::common::ANY)).expect("a number line");
    for who in FIRST..FIRST + PEOPLE {
        let texts: Vec<String> = emu.messages(who).iter().map(|m| m.rendered_text()).collect();
        let counties = texts.iter().filter(|t| t.contains(&county_q)).count();
        let orders = texts.iter().filter(|t| t.contains(number_label)).count();
        assert!(counties >= 1 && orders >= 1, "{who}: {texts:?}");
        repeated += (counties - 1) + (orders - 1);
    }
    eprintln!("{repeated} replies repeated over the two kills");
    assert!(repeated <= 2 * 16, "{repeated} replies repeated");
    let _ = bot.kill().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_in_a_burst_the_bot_loses_no_update_and_does_no_step_twice_on_sqlite() {
    let (db, _dir) = db::testing::sqlite().await.unwrap();
    scenario(db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_in_a_burst_the_bot_loses_no_update_and_does_no_step_twice_on_postgres() {
    let Some(db) = db::testing::postgres().await.unwrap() else { return };
    scenario(db).await;
}
