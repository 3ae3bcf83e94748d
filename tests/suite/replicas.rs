//! Three replicas of the bot binary on one PostgreSQL database behind webhook delivery spread
//! round-robin (the emulator plays Telegram and the load balancer); one replica is killed with SIGKILL in
//! the middle of a burst. Every update is handled once, each chat's updates in order, the last seats
//! go to exactly as many people as there are, and the scheduler passes to a live replica.

use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::common::burst::{TO_THE_ORDER_SUMMARY, run_steps, wait_for};
use fieldschool::db::{self, Db};
use fieldschool::emulator::{EmuUser, Emulator, EmulatorOptions};
use tokio::process::{Child, Command};

const PEOPLE: i64 = 120;
const FIRST: i64 = 50_000;
const SECRET: &str = "replicas-secret";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn spawn_replica(emu: &Emulator, db_url: &str, n: usize, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_fieldschool"))
        .arg("run")
        .env("TELOXIDE_TOKEN", emu.token())
        .env("TELOXIDE_API_URL", emu.api_url())
        .env("DATABASE_URL", db_url)
        .env("FIELDSCHOOL_CLOCK_START", "2026-12-01 10:00")
        .env("FIELDSCHOOL_WEBHOOK_URL", "https://bot.example.org/telegram")
        .env("FIELDSCHOOL_WEBHOOK_SECRET", SECRET)
        .env("FIELDSCHOOL_LISTEN", format!("127.0.0.1:{port}"))
        .env("FIELDSCHOOL_WORKER_ID", format!("replica-{n}"))
        .env("FIELDSCHOOL_WORKERS", "8")
        // A dead replica's updates and scheduler pass to the others within seconds.
        .env("FIELDSCHOOL_INBOX_LEASE_SECS", "3")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("the fieldschool binary starts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_replicas_share_the_work_and_survive_one_killed() {
    let Some(db) = db::testing::postgres().await.unwrap() else { return };
    scenario(db).await;
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
    let ports: Vec<u16> = (0..3).map(|_| free_port()).collect();
    let mut replicas: Vec<Option<Child>> =
        ports.iter().enumerate().map(|(n, port)| Some(spawn_replica(&emu, &db.url, n + 1, *port))).collect();
    // The load balancer: each POST to the next replica; one that does not answer 2xx is skipped on retry.
    emu.spread_webhook(ports.iter().map(|p| format!("http://127.0.0.1:{p}/telegram")).collect());

    let people = FIRST..FIRST + PEOPLE;
    run_steps(&emu, people.clone(), &[("/start", "您同意吗"), ("同意", "哪一类"), ("农户", "姓名")]).await;
    let holder = db::inbox::lease_holder(&db, "scheduler", chrono::Utc::now()).await.unwrap();
    let doomed = holder.as_deref().and_then(|h| h.strip_prefix("replica-")).and_then(|n| n.parse::<usize>().ok());
    let doomed = doomed.expect("one replica runs the scheduler") - 1;

    // A burst of names; the replica running the scheduler is killed once a tenth are answered.
    let answered = Arc::new(AtomicUsize::new(0));
    let signal = Arc::new(tokio::sync::Notify::new());
    let mut tasks = Vec::new();
    for who in people.clone() {
        emu.send_text(who, "王秀英");
        let (emu, answered, signal) = (emu.clone(), answered.clone(), signal.clone());
        tasks.push(tokio::spawn(async move {
            wait_for(&emu, who, "请选择您所在的县").await;
            answered.fetch_add(1, Ordering::SeqCst);
            signal.notify_waiters();
        }));
    }
    loop {
        let notified = signal.notified();
        if answered.load(Ordering::SeqCst) >= (PEOPLE / 10) as usize {
            break;
        }
        tokio::time::timeout(Duration::from_secs(120), notified).await.expect("answers stopped coming");
    }
    let mut killed = replicas[doomed].take().unwrap();
    killed.kill().await.unwrap();
    killed.wait().await.unwrap();
    for task in tasks {
        task.await.unwrap();
    }

    // Each chat's updates in order across the two live replicas: county and town sent back to back
    // (handled the other way round, the town would be taken for a county and the village never asked).
    let mut tasks = Vec::new();
    for who in people.clone() {
        emu.send_text(who, "新安县");
        emu.send_text(who, "铁山镇");
        let emu = emu.clone();
        tasks.push(tokio::spawn(async move { wait_for(&emu, who, "村").await }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    run_steps(&emu, people.clone(), &TO_THE_ORDER_SUMMARY[2..]).await;
    // Everyone confirms at once: the class's 30 seats go to 30 people, the rest wait.
    run_steps(&emu, people.clone(), &[("确认报名", "订单号")]).await;

    assert_eq!(db::people::count(&db).await.unwrap(), PEOPLE, "one registration each");
    for who in people.clone() {
        assert_eq!(db::orders::of_user(&db, who).await.unwrap().len(), 1, "{who}: one order");
        let texts: Vec<String> = emu.messages(who).iter().map(|m| m.rendered_text()).collect();
        assert!(!texts.iter().any(|t| t.contains("没看懂") || t.contains("抱歉")), "{who}: {texts:?}");
    }
    let confirmed =
        db::orders::count_in_status(&db, "mushroom-2026-12", fieldschool::domain::order::OrderStatus::Confirmed)
            .await
            .unwrap();
    assert_eq!(confirmed, 30, "the class's 30 seats, no more");
    let depth = db::inbox::depth(&db).await.unwrap();
    assert_eq!((depth.pending, depth.working, depth.parked), (0, 0, 0), "{depth:?}");

    // The scheduler went on at a live replica (its lease runs out three seconds after the kill).
    let dead = format!("replica-{}", doomed + 1);
    let mut holder = None;
    for _ in 0..40 {
        holder = db::inbox::lease_holder(&db, "scheduler", chrono::Utc::now()).await.unwrap();
        if holder.as_ref().is_some_and(|h| *h != dead) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(holder.as_ref().is_some_and(|h| *h != dead), "scheduler held by {holder:?} after {dead} died");
    for replica in replicas.iter_mut().flatten() {
        let _ = replica.kill().await;
    }
}
