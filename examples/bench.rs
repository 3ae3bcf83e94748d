//! Benchmarks on loopback against the project's Bot API emulator (issue 8). See BENCHMARKS.md.
//!
//! ```text
//! cargo run --release --example bench                 # everything, full size (about 4 minutes)
//! cargo run --release --example bench -- --quick      # smoke run with tiny numbers (a few seconds)
//! cargo run --release --example bench -- --only throughput,scheduler --people 2000
//! ```
//!
//! PostgreSQL comes from `FIELDSCHOOL_TEST_PG` (default `postgres://postgres@127.0.0.1:5432/postgres`); each
//! PostgreSQL part runs in a fresh database that is dropped afterwards. `FIELDSCHOOL_SKIP_PG=1` skips them.
//!
//! 1. Throughput: simulated people walk the real sign-up and ordering dialog; the same emulator code drives a
//!    bare teloxide echo bot right before, which is the framework's ceiling, and a bare aiogram 3 echo bot
//!    (`examples/aiogram_echo.py`, a Python child process; skipped unless `python3 -c "import aiogram"` works).
//!    Latency is measured from the emulator's event stream (see [`Recorder`]).
//! 2. Broadcast: outbox rows for N recipients, the outbox worker, the emulator enforcing 30/s and 1/s/chat.
//! 3. Scheduler: one `claim_due` with 10k and with 1M rows pending but not yet due.
//! 4. Memory: resident memory of the bot run as a separate process (`fieldschool run`'s code path) over a
//!    database with 100,000 registered people and 10,000 mid-dialog, after a burst of updates.
//! 5. Replicas (issue 12): the walk of part 1 through webhook delivery to one bot and to three bots on one
//!    PostgreSQL database, behind the emulator's round-robin load balancer.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context as _, anyhow, bail};
use chrono::{DateTime, Utc};
use clap::Parser;
use fieldschool::app::App;
use fieldschool::clock::{Clock, ManualClock, OffsetClock};
use fieldschool::config::Config;
use fieldschool::db::{self, Backend, Db};
use fieldschool::domain::gate::{MessageKind, SendRule};
use fieldschool::emulator::{BotMessage, EmuEvent, EmuUser, Emulator, EmulatorOptions, RateLimits};
use fieldschool::outbox::{NewMessage, OutboxWorker, Outcome, Pacing, Payload};
use sqlx::Row;
use teloxide::prelude::*;
use tokio::sync::{Semaphore, broadcast, mpsc, watch};

const DEMO_CATALOG: &str = include_str!("demo-catalog.toml");

/// While set, statements sqlx logs (target `sqlx::query`) are counted in [`SQL_STATEMENTS`]; only the
/// calibration walks switch it on, so the measured runs pay nothing for it.
static COUNT_SQL: AtomicBool = AtomicBool::new(false);
static SQL_STATEMENTS: AtomicU64 = AtomicU64::new(0);
/// Times `Running::stop` did not return within a minute.
static SHUTDOWN_HANGS: AtomicU64 = AtomicU64::new(0);

struct SqlCounter;

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for SqlCounter {
    fn on_event(&self, event: &tracing::Event<'_>, _ctx: tracing_subscriber::layer::Context<'_, S>) {
        SQL_STATEMENTS.fetch_add(1, Ordering::Relaxed);
        // `BENCH_SQL_LOG=1` prints each counted statement's summary: where a step's statements go.
        if std::env::var_os("BENCH_SQL_LOG").is_some() {
            struct Summary(String);
            impl tracing::field::Visit for Summary {
                fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                    if field.name() == "summary" {
                        self.0 = format!("{value:?}");
                    }
                }
                fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
                    if field.name() == "summary" {
                        self.0 = value.to_owned();
                    }
                }
            }
            let mut summary = Summary(String::new());
            event.record(&mut summary);
            eprintln!("      sql: {}", summary.0);
        }
    }
}

fn init_tracing() {
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    use tracing_subscriber::{EnvFilter, Layer as _, filter};
    let log_filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn,sqlx=error".into());
    let sql_filter =
        filter::dynamic_filter_fn(|meta, _| meta.target() == "sqlx::query" && COUNT_SQL.load(Ordering::Relaxed))
            .with_callsite_filter(|meta| {
                if meta.target() == "sqlx::query" {
                    tracing::subscriber::Interest::sometimes()
                } else {
                    tracing::subscriber::Interest::never()
                }
            })
            .with_max_level_hint(filter::LevelFilter::DEBUG);
    tracing_subscriber::registry()
        .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_filter(log_filter))
        .with(SqlCounter.with_filter(sql_filter))
        .init();
}

#[derive(Parser, Debug)]
#[command(about = "fieldschool benchmarks against the Bot API emulator (see BENCHMARKS.md)")]
struct Args {
    /// Tiny numbers: a smoke run of every part in a few seconds.
    #[arg(long)]
    quick: bool,
    /// Parts to run, comma-separated: throughput, replicas, broadcast, scheduler, memory.
    #[arg(long, value_delimiter = ',', default_value = "throughput,replicas,broadcast,scheduler,memory")]
    only: Vec<String>,
    /// Storage engines, comma-separated: sqlite, postgres.
    #[arg(long, value_delimiter = ',', default_value = "sqlite,postgres")]
    stores: Vec<String>,
    /// People in the throughput burst (default 1000; --quick 40).
    #[arg(long)]
    people: Option<usize>,
    /// People in flight at once in the light-load latency run (default 4).
    #[arg(long, default_value_t = 4)]
    light_concurrency: usize,
    /// People walking the dialog in the light-load latency run (default 200; --quick 12).
    #[arg(long)]
    light_people: Option<usize>,
    /// Broadcast recipients (default 2000; --quick 60).
    #[arg(long)]
    recipients: Option<usize>,
    /// Pending rows for the large scheduler measurement (default 1,000,000; --quick 50,000).
    #[arg(long)]
    big_queue: Option<i64>,
    /// Registered people in the memory run (default 100,000; --quick 5,000).
    #[arg(long)]
    registered: Option<i64>,
    /// Part 5 also with each replica a separate process (`fieldschool run`'s code path), as deployed.
    #[arg(long)]
    replica_processes: bool,
    /// Runs the bot like `fieldschool run` from the environment (used by the memory part).
    #[arg(long, hide = true)]
    serve_bot: bool,
    /// Part 1 with the echo bot only (to profile the ceiling itself).
    #[arg(long, hide = true)]
    echo_only: bool,
    /// Part 1 with the aiogram echo bot only (to profile it alone).
    #[arg(long, hide = true)]
    aiogram_only: bool,
    /// Runs the echo bot from the environment (used by the memory part).
    #[arg(long, hide = true)]
    serve_echo: bool,
}

impl Args {
    fn wants(&self, part: &str) -> bool {
        self.only.iter().any(|p| p.trim() == part)
    }

    fn stores(&self) -> Vec<Store> {
        let mut stores = Vec::new();
        if self.stores.iter().any(|s| s.trim() == "sqlite") {
            stores.push(Store::Sqlite);
        }
        if self.stores.iter().any(|s| s.trim() == "postgres") {
            stores.push(Store::Postgres);
        }
        stores
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Store {
    Sqlite,
    Postgres,
}

impl Store {
    fn name(self) -> &'static str {
        match self {
            Store::Sqlite => "SQLite",
            Store::Postgres => "PostgreSQL",
        }
    }
}

/// A fresh, migrated database; dropped (PostgreSQL) or deleted (SQLite's temporary directory) by `close`.
struct BenchDb {
    db: Db,
    dir: Option<tempfile::TempDir>,
    pg_name: Option<String>,
}

impl BenchDb {
    async fn open(store: Store) -> anyhow::Result<Option<BenchDb>> {
        match store {
            Store::Sqlite => {
                let (db, dir) = db::testing::sqlite().await?;
                Ok(Some(BenchDb { db, dir: Some(dir), pg_name: None }))
            }
            Store::Postgres => {
                let Some(db) =
                    db::testing::postgres().await.context("PostgreSQL (set FIELDSCHOOL_SKIP_PG=1 to skip)")?
                else {
                    return Ok(None);
                };
                let name: String =
                    sqlx::query("SELECT current_database()::text AS n").fetch_one(&db.pool).await?.try_get("n")?;
                Ok(Some(BenchDb { db, dir: None, pg_name: Some(name) }))
            }
        }
    }

    fn sqlite_url(&self) -> Option<String> {
        self.dir.as_ref().map(|d| format!("sqlite://{}", d.path().join("test.db").display()))
    }

    async fn close(self) {
        if tokio::time::timeout(Duration::from_secs(30), self.db.pool.close()).await.is_err() {
            println!("    WARNING: connections still checked out 30 s after closing the pool (database left behind)");
            return;
        }
        if let Some(name) = self.pg_name {
            let admin_url = fieldschool::config::test_postgres_url().unwrap_or_default();
            if let Ok(admin) = Db::connect(&admin_url).await {
                // FORCE: the memory part's bot process is killed, and its sessions may not have ended yet.
                let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                if let Err(e) = sqlx::query(&drop).execute(&admin.pool).await {
                    eprintln!("  (could not drop {name}: {e})");
                }
                admin.pool.close().await;
            }
        }
        drop(self.dir);
    }
}

/// 2026-12-01 09:00 in Beijing: before every class of the demo catalogue (as in the tests).
fn demo_start() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-12-01T09:00:00+08:00").expect("a valid date").to_utc()
}

fn percentile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

/// A printed line of the final table: part, measurement, value, target, verdict.
struct Line {
    part: String,
    what: String,
    value: String,
    target: String,
    ok: Option<bool>,
}

#[derive(Default)]
struct Report {
    lines: Vec<Line>,
}

impl Report {
    fn add(&mut self, part: &str, what: &str, value: String, target: &str, ok: Option<bool>) {
        println!("  {part:<24} {what:<44} {value:>14}  {target}");
        self.lines.push(Line { part: part.to_owned(), what: what.to_owned(), value, target: target.to_owned(), ok });
    }

    fn print(&self) {
        println!();
        println!("| part | measurement | value | target | |");
        println!("|---|---|---:|---|---|");
        for l in &self.lines {
            let verdict = match l.ok {
                Some(true) => "met",
                Some(false) => "MISSED",
                None => "",
            };
            println!("| {} | {} | {} | {} | {} |", l.part, l.what, l.value, l.target, verdict);
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// The event recorder: the latency instrument.
// ---------------------------------------------------------------------------------------------------------

/// An emulator event and when the recorder saw it.
type Stamped = (Instant, EmuEvent);

/// Subscribes to the emulator's event stream and forwards every event, stamped with the time it was received,
/// to the simulated person whose chat it concerns. The emulator emits an event right after it has handled the
/// bot's API call (sendMessage, editMessageText, answerCallbackQuery, ...), before the HTTP answer is written,
/// so the stamp is the moment the bot's call reached the emulator plus the recorder's wake-up time.
struct Recorder {
    lagged: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl Recorder {
    fn start(emu: &Emulator, routes: HashMap<i64, mpsc::UnboundedSender<Stamped>>) -> Recorder {
        let mut rx = emu.subscribe();
        let lagged = Arc::new(AtomicU64::new(0));
        let lag = lagged.clone();
        let task = tokio::spawn(async move {
            loop {
                match rx.recv().await {
                    Ok(event) => {
                        let at = Instant::now();
                        if let Some(chat) = event_chat(&event)
                            && let Some(tx) = routes.get(&chat)
                        {
                            let _ = tx.send((at, event));
                        }
                    }
                    Err(broadcast::error::RecvError::Lagged(n)) => {
                        lag.fetch_add(n, Ordering::Relaxed);
                    }
                    Err(broadcast::error::RecvError::Closed) => break,
                }
            }
        });
        Recorder { lagged, task }
    }

    fn stop(self) -> u64 {
        self.task.abort();
        self.lagged.load(Ordering::Relaxed)
    }
}

fn event_chat(event: &EmuEvent) -> Option<i64> {
    match event {
        EmuEvent::Sent(m) | EmuEvent::Edited(m) => Some(m.chat_id),
        EmuEvent::Deleted { chat_id, .. } => Some(*chat_id),
        EmuEvent::CallbackAnswered { chat_id, .. } => Some(*chat_id),
        EmuEvent::ChatAction { chat_id, .. } | EmuEvent::Held { chat_id } => Some(*chat_id),
        EmuEvent::Refused { chat_id, .. } => *chat_id,
    }
}

fn event_kind(event: &EmuEvent) -> String {
    match event {
        EmuEvent::Sent(_) => "send".to_owned(),
        EmuEvent::Edited(_) => "edit".to_owned(),
        EmuEvent::Deleted { .. } => "delete".to_owned(),
        EmuEvent::CallbackAnswered { .. } => "answer".to_owned(),
        EmuEvent::ChatAction { .. } => "action".to_owned(),
        EmuEvent::Held { .. } => "held".to_owned(),
        EmuEvent::Refused { method, error_code, .. } => format!("REFUSED {method} {error_code}"),
    }
}

// ---------------------------------------------------------------------------------------------------------
// Simulated people.
// ---------------------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Step {
    /// Types a text (a command when it starts with '/').
    Text(String),
    /// Taps the inline button whose label contains this, on the newest message that has one.
    Tap(&'static str),
    /// Taps the first inline button of the newest message that has buttons (first county, ...).
    TapFirst,
    /// Taps a reply-keyboard button.
    Reply(&'static str),
}

/// The real dialog: sign-up (consent, audience, name, county, township, village, skip the phone), then an
/// order (📚 报名培训 → category → course → class → confirm). 13 updates.
fn dialog_steps() -> Vec<Step> {
    vec![
        Step::Text("/start".into()),
        Step::Tap("同意"),
        Step::Tap("农户"),
        Step::Text("王秀英".into()),
        Step::TapFirst,
        Step::TapFirst,
        Step::TapFirst,
        Step::Reply("跳过"),
        Step::Text("📚 报名培训".into()),
        Step::Tap("特色种养"),
        Step::Tap("食用菌种植技术"),
        Step::Tap("铁山镇"),
        Step::Tap("确认报名"),
    ]
}

/// The echo bot's person types as many texts.
fn echo_steps(n: usize) -> Vec<Step> {
    (0..n).map(|i| Step::Text(format!("你好，第 {i} 句"))).collect()
}

/// Texts that make the echo bot answer each with as many messages as our bot makes API calls for that step.
fn mimic_steps(signature: &[usize]) -> Vec<Step> {
    signature.iter().enumerate().map(|(i, n)| Step::Text(format!("你好，第 {i} 句 ×{n}"))).collect()
}

/// What a simulated person has on their screen: the bot's messages in their current state.
#[derive(Default)]
struct Screen {
    messages: HashMap<i32, BotMessage>,
}

impl Screen {
    fn apply(&mut self, event: &EmuEvent) {
        match event {
            EmuEvent::Sent(m) | EmuEvent::Edited(m) => {
                self.messages.insert(m.message_id, m.clone());
            }
            EmuEvent::Deleted { message_id, .. } => {
                self.messages.remove(message_id);
            }
            _ => {}
        }
    }

    fn newest_with_buttons(&self) -> Option<&BotMessage> {
        self.messages.values().filter(|m| m.buttons().any(|b| b.callback_data.is_some())).max_by_key(|m| m.message_id)
    }

    fn find_button(&self, label: &str) -> Option<(i32, String)> {
        let mut messages: Vec<&BotMessage> = self.messages.values().collect();
        messages.sort_by_key(|m| std::cmp::Reverse(m.message_id));
        messages.into_iter().find_map(|m| {
            m.buttons()
                .find(|b| b.text.contains(label) && b.callback_data.is_some())
                .map(|b| (m.message_id, b.callback_data.clone().unwrap_or_default()))
        })
    }
}

/// Performs one step as the person. Returns an error when the screen does not offer what the step needs.
fn act(emu: &Emulator, user: i64, step: &Step, screen: &Screen) -> anyhow::Result<()> {
    match step {
        Step::Text(text) => {
            emu.send_text(user, text);
        }
        Step::Tap(label) => {
            let (message_id, data) =
                screen.find_button(label).ok_or_else(|| anyhow!("no button like {label:?} on screen"))?;
            emu.press(user, message_id, &data);
        }
        Step::TapFirst => {
            let message = screen.newest_with_buttons().ok_or_else(|| anyhow!("no buttons on screen"))?;
            let data = message.inline_keyboard[0][0].callback_data.clone().unwrap_or_default();
            emu.press(user, message.message_id, &data);
        }
        Step::Reply(label) => {
            emu.tap_reply_button(user, label, "+8613800000000")?;
        }
    }
    Ok(())
}

/// How many bot API calls (emulator events for the person's chat) each step causes, learnt by walking one
/// person through the dialog alone and waiting for the chat to fall quiet after each step.
async fn calibrate(
    emu: &Emulator,
    user: i64,
    steps: &[Step],
    rx: &mut mpsc::UnboundedReceiver<Stamped>,
    print: bool,
) -> anyhow::Result<Calibration> {
    let quiet = Duration::from_millis(150);
    let mut screen = Screen::default();
    let mut signature = Vec::with_capacity(steps.len());
    let mut sql = Vec::with_capacity(steps.len());
    let mut described = Vec::new();
    for step in steps {
        let sql_before = SQL_STATEMENTS.load(Ordering::Relaxed);
        COUNT_SQL.store(true, Ordering::Relaxed);
        let acted = act(emu, user, step, &screen).with_context(|| format!("calibration step {step:?}"));
        if acted.is_err() {
            COUNT_SQL.store(false, Ordering::Relaxed);
        }
        acted?;
        let mut kinds = Vec::new();
        // The first answer may take a while (cold caches); after it, the chat must stay quiet for `quiet`.
        let first = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .map_err(|_| anyhow!("calibration: the bot did not answer {step:?}"))?
            .ok_or_else(|| anyhow!("event stream closed"))?;
        screen.apply(&first.1);
        kinds.push(event_kind(&first.1));
        while let Ok(Some((_, event))) = tokio::time::timeout(quiet, rx.recv()).await {
            screen.apply(&event);
            kinds.push(event_kind(&event));
        }
        COUNT_SQL.store(false, Ordering::Relaxed);
        let statements = SQL_STATEMENTS.load(Ordering::Relaxed) - sql_before;
        sql.push(statements);
        if kinds.iter().any(|k| k.starts_with("REFUSED")) {
            bail!("calibration: the emulator refused a call after {step:?}: {kinds:?}");
        }
        signature.push(kinds.len());
        described.push(format!("{} ({statements})", kinds.join("+")));
    }
    if print {
        println!("    bot API calls (SQL statements) per step: {}", described.join(" | "));
    }
    Ok(Calibration { signature, sql })
}

/// What one person walking alone showed: bot API calls and SQL statements per step.
struct Calibration {
    signature: Vec<usize>,
    sql: Vec<u64>,
}

impl Calibration {
    fn api_calls_per_update(&self) -> f64 {
        self.signature.iter().sum::<usize>() as f64 / self.signature.len().max(1) as f64
    }

    fn sql_per_update(&self) -> f64 {
        self.sql.iter().sum::<u64>() as f64 / self.sql.len().max(1) as f64
    }
}

/// What one person's walk produced.
#[derive(Default)]
struct Walk {
    /// Per step: time from the person's action to the bot's last API call for it.
    latencies: Vec<(usize, Duration)>,
    stalled: Option<String>,
    refused: usize,
    last_text: String,
}

async fn walk(
    emu: Emulator,
    user: i64,
    steps: Arc<Vec<Step>>,
    signature: Arc<Vec<usize>>,
    mut rx: mpsc::UnboundedReceiver<Stamped>,
) -> Walk {
    let mut screen = Screen::default();
    let mut out = Walk::default();
    for (index, step) in steps.iter().enumerate() {
        let started = Instant::now();
        if let Err(e) = act(&emu, user, step, &screen) {
            out.stalled = Some(format!("step {index} {step:?}: {e}"));
            return out;
        }
        let mut last = started;
        for _ in 0..signature[index] {
            match tokio::time::timeout(Duration::from_secs(60), rx.recv()).await {
                Ok(Some((at, event))) => {
                    if matches!(event, EmuEvent::Refused { .. }) {
                        out.refused += 1;
                    }
                    if let EmuEvent::Sent(m) | EmuEvent::Edited(m) = &event {
                        out.last_text = m.rendered_text();
                    }
                    screen.apply(&event);
                    last = last.max(at);
                }
                _ => {
                    out.stalled = Some(format!("step {index} {step:?}: no answer within 60 s"));
                    return out;
                }
            }
        }
        out.latencies.push((index, last.saturating_duration_since(started)));
    }
    out
}

/// A bot under test: ours (the real dispatcher via `startup::start_bot`), the bare echo bot, or the aiogram
/// echo bot's process.
enum RunningBot {
    Ours(fieldschool::startup::Running, BenchDb),
    Echo(teloxide::dispatching::ShutdownToken, tokio::task::JoinHandle<()>),
    Aiogram(AiogramBot),
}

impl RunningBot {
    async fn stop(self) {
        match self {
            RunningBot::Ours(running, db) => {
                if stop_running(running).await {
                    db.close().await;
                }
            }
            RunningBot::Echo(token, join) => {
                if let Ok(done) = token.shutdown() {
                    done.await;
                }
                let _ = join.await;
            }
            RunningBot::Aiogram(mut bot) => bot.stop().await,
        }
    }

    /// CPU time of the bot's own process so far, when it runs in one.
    fn process_cpu(&self) -> Option<Duration> {
        match self {
            RunningBot::Aiogram(bot) => Some(bot.cpu()),
            _ => None,
        }
    }
}

/// Stops our bot; false (and a warning) when `Running::stop` does not return within a minute.
async fn stop_running(running: fieldschool::startup::Running) -> bool {
    if tokio::time::timeout(Duration::from_secs(60), running.stop()).await.is_err() {
        println!("    WARNING: the bot did not stop within 60 s of Running::stop (left running)");
        SHUTDOWN_HANGS.fetch_add(1, Ordering::Relaxed);
        return false;
    }
    true
}

fn bench_config(emu: &Emulator) -> anyhow::Result<Config> {
    let mut config = Config::from_env()?;
    config.token = Some(emu.token().to_owned());
    config.api_url = Some(emu.api_url());
    Ok(config)
}

async fn start_ours(emu: &Emulator, store: Store) -> anyhow::Result<Option<RunningBot>> {
    let Some(bench_db) = BenchDb::open(store).await? else { return Ok(None) };
    prepare_catalog(&bench_db.db).await?;
    let clock = ManualClock::new(demo_start());
    let app = App::new(bench_db.db.clone(), Arc::new(clock), bench_config(emu)?);
    let bot = Bot::new(emu.token()).set_api_url(emu.api_url().parse()?);
    let running = fieldschool::startup::start_bot(app, bot).await?;
    Ok(Some(RunningBot::Ours(running, bench_db)))
}

/// The demo catalogue, with room for everybody: every walk is the same dialog (no waitlist branch).
async fn prepare_catalog(db: &Db) -> anyhow::Result<()> {
    fieldschool::services::catalog_import::import_str(db, "demo-catalog.toml", DEMO_CATALOG)
        .await
        .context("importing the demo catalogue")?;
    sqlx::query("UPDATE classes SET capacity = 1000000").execute(&db.pool).await?;
    Ok(())
}

async fn start_echo(emu: &Emulator) -> anyhow::Result<RunningBot> {
    start_echo_bot(emu.token(), &emu.api_url())
}

/// The framework's ceiling: a bare teloxide dispatcher that answers every text with the same text.
fn start_echo_bot(token: &str, api_url: &str) -> anyhow::Result<RunningBot> {
    let bot = Bot::new(token).set_api_url(api_url.parse()?);
    let handler = Update::filter_message().endpoint(|bot: Bot, msg: Message| async move {
        if let Some(text) = msg.text() {
            // "… ×3" asks for three answers (the call-pattern ceiling); anything else is echoed once.
            let times = text.rsplit_once('×').and_then(|(_, n)| n.trim().parse::<usize>().ok()).unwrap_or(1);
            for _ in 0..times {
                bot.send_message(msg.chat.id, text).await?;
            }
        }
        Ok::<(), teloxide::RequestError>(())
    });
    let mut dispatcher = Dispatcher::builder(bot, handler).build();
    let token = dispatcher.shutdown_token();
    let join = tokio::spawn(async move { dispatcher.dispatch().await });
    Ok(RunningBot::Echo(token, join))
}

/// The aiogram echo bot: `examples/aiogram_echo.py`, run by `python3`.
const AIOGRAM_ECHO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/aiogram_echo.py");

/// Whether `python3 -c "import aiogram"` works.
fn aiogram_available() -> bool {
    std::process::Command::new("python3")
        .args(["-c", "import aiogram"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The aiogram echo bot's process. Its CPU time counts as the bench's own (in [`BOT_PIDS`]) while it runs;
/// dropping it kills the process (on every path, errors and panics included).
struct AiogramBot {
    child: ChildGuard,
    pid: u32,
}

impl AiogramBot {
    fn cpu(&self) -> Duration {
        proc_cpu(Path::new(&format!("/proc/{}/stat", self.pid))).unwrap_or_default()
    }

    /// SIGTERM, as a service manager would stop it, and up to 10 s for a clean exit (the guard kills it after).
    async fn stop(&mut self) {
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &self.pid.to_string()])
            .stderr(std::process::Stdio::null())
            .status();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(10) {
            match self.child.0.try_wait() {
                Ok(Some(status)) if status.success() => return,
                Ok(Some(status)) => {
                    println!("    WARNING: the aiogram echo bot exited with {status} on SIGTERM");
                    return;
                }
                Ok(None) => tokio::time::sleep(Duration::from_millis(50)).await,
                Err(_) => break,
            }
        }
        println!("    WARNING: the aiogram echo bot did not exit within 10 s of SIGTERM (killed)");
    }
}

impl Drop for AiogramBot {
    fn drop(&mut self) {
        BOT_PIDS.lock().unwrap_or_else(|e| e.into_inner()).retain(|pid| *pid != self.pid);
        // The child guard, dropped next, kills the process (a no-op once it has exited and been reaped).
    }
}

/// Starts the aiogram echo bot against `emu` and waits until it polls (one probe update taken and answered).
async fn start_aiogram(emu: &Emulator) -> anyhow::Result<RunningBot> {
    let child = std::process::Command::new("python3")
        .arg(AIOGRAM_ECHO)
        .arg(emu.token())
        .arg(emu.api_url())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .spawn()
        .context("starting python3 examples/aiogram_echo.py")?;
    let pid = child.id();
    let mut bot = AiogramBot { child: ChildGuard(child), pid };
    BOT_PIDS.lock().unwrap_or_else(|e| e.into_inner()).push(pid);
    // The emulator confirms nothing until the bot asks for updates: wait for one probe text to be answered.
    let probe = 1;
    emu.add_user(EmuUser::new(probe, "探针").with_language("zh-hans"));
    let mut events = emu.subscribe();
    emu.send_text(probe, "/ping");
    let started = Instant::now();
    loop {
        if let Some(status) = bot.child.0.try_wait()? {
            bail!("the aiogram echo bot exited with {status} before polling");
        }
        if started.elapsed() > Duration::from_secs(30) {
            bail!("the aiogram echo bot did not answer within 30 s");
        }
        match tokio::time::timeout(Duration::from_millis(100), events.recv()).await {
            Ok(Ok(EmuEvent::Sent(m))) if m.chat_id == probe => break,
            Ok(Ok(EmuEvent::Refused { method, description, .. })) => {
                bail!("the emulator refused the aiogram echo bot's {method}: {description}")
            }
            Ok(Err(broadcast::error::RecvError::Closed)) => bail!("event stream closed"),
            _ => {}
        }
    }
    Ok(RunningBot::Aiogram(bot))
}

/// One measured run: `people` simulated people, at most `concurrency` of them walking at once.
struct RunResult {
    updates: usize,
    elapsed: Duration,
    cpu: Cpu,
    latencies: Vec<Duration>,
    per_step: Vec<Vec<Duration>>,
    stalled: usize,
    refused: usize,
    lagged: u64,
    first_stall: Option<String>,
}

impl RunResult {
    fn rate(&self) -> f64 {
        self.updates as f64 / self.elapsed.as_secs_f64()
    }
}

/// One simulated person: their id, the steps they take and how many bot API calls each step causes.
#[derive(Clone)]
struct Walker {
    user: i64,
    steps: Arc<Vec<Step>>,
    signature: Arc<Vec<usize>>,
}

fn walkers(first_user: i64, people: usize, steps: &Arc<Vec<Step>>, signature: &Arc<Vec<usize>>) -> Vec<Walker> {
    (0..people)
        .map(|i| Walker { user: first_user + i as i64, steps: steps.clone(), signature: signature.clone() })
        .collect()
}

/// Lets the walkers loose, at most `concurrency` of them at once, and collects what they measured.
async fn drive(emu: &Emulator, walkers: Vec<Walker>, concurrency: usize, pg: bool) -> RunResult {
    let mut routes = HashMap::new();
    let mut receivers = Vec::with_capacity(walkers.len());
    let step_count = walkers.iter().map(|w| w.steps.len()).max().unwrap_or(0);
    for walker in walkers {
        emu.add_user(EmuUser::new(walker.user, format!("村民{}", walker.user)).with_language("zh-hans"));
        let (tx, rx) = mpsc::unbounded_channel();
        routes.insert(walker.user, tx);
        receivers.push((walker, rx));
    }
    let recorder = Recorder::start(emu, routes);
    let permits = Arc::new(Semaphore::new(concurrency.max(1)));
    let cpu_before = Cpu::now(pg);
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(receivers.len());
    for (walker, rx) in receivers {
        let (emu, permits) = (emu.clone(), permits.clone());
        tasks.push(tokio::spawn(async move {
            let _permit = permits.acquire_owned().await;
            walk(emu, walker.user, walker.steps, walker.signature, rx).await
        }));
    }
    let mut walks = Vec::with_capacity(tasks.len());
    for task in tasks {
        walks.push(task.await.unwrap_or_default());
    }
    let elapsed = started.elapsed();
    let cpu = Cpu::now(pg).since(&cpu_before);
    let lagged = recorder.stop();
    let mut per_step = vec![Vec::new(); step_count];
    let mut latencies = Vec::new();
    for w in &walks {
        for (index, d) in &w.latencies {
            per_step[*index].push(*d);
            latencies.push(*d);
        }
    }
    latencies.sort();
    for v in &mut per_step {
        v.sort();
    }
    RunResult {
        updates: latencies.len(),
        elapsed,
        cpu,
        latencies,
        per_step,
        stalled: walks.iter().filter(|w| w.stalled.is_some()).count(),
        refused: walks.iter().map(|w| w.refused).sum(),
        lagged,
        first_stall: walks.iter().find_map(|w| w.stalled.clone()),
    }
}

fn describe_run(label: &str, r: &RunResult) {
    println!(
        "    {label:<26} {:>6} updates in {:>6.2} s = {:>6.0}/s; p50 {:>7} ms, p99 {:>8} ms; CPU/update {}{}{}{}",
        r.updates,
        r.elapsed.as_secs_f64(),
        r.rate(),
        ms(percentile(&r.latencies, 0.5)),
        ms(percentile(&r.latencies, 0.99)),
        r.cpu.per_update(r.updates),
        if r.stalled > 0 { format!("; {} people STALLED", r.stalled) } else { String::new() },
        if r.refused > 0 { format!("; {} calls refused", r.refused) } else { String::new() },
        if r.lagged > 0 { format!("; recorder lagged {} events", r.lagged) } else { String::new() },
    );
    if let Some(stall) = &r.first_stall {
        println!("      first stall: {stall}");
    }
}

fn emulator_options() -> EmulatorOptions {
    EmulatorOptions { wait_timeout: Duration::from_secs(60), ..EmulatorOptions::default() }
}

// ---------------------------------------------------------------------------------------------------------
// CPU accounting: noise from other processes on a shared machine moves wall-clock rates a lot, CPU time per
// update much less.
// ---------------------------------------------------------------------------------------------------------

/// CPU time (user + system) of this process and, when asked, of every `postgres` process.
#[derive(Debug, Clone, Copy, Default)]
struct Cpu {
    own: Duration,
    postgres: Option<Duration>,
}

/// Linux reports utime/stime in clock ticks of 1/100 s (USER_HZ).
const TICKS_PER_SEC: u64 = 100;

fn proc_cpu(stat_path: &Path) -> Option<Duration> {
    let stat = std::fs::read_to_string(stat_path).ok()?;
    // Fields after the parenthesised command: state is the 1st, utime the 12th, stime the 13th.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 1000 / TICKS_PER_SEC))
}

fn postgres_cpu() -> Duration {
    let mut total = Duration::ZERO;
    let Ok(entries) = std::fs::read_dir("/proc") else { return total };
    for entry in entries.flatten() {
        let path = entry.path();
        let is_pid = path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()));
        if !is_pid {
            continue;
        }
        if std::fs::read_to_string(path.join("comm")).is_ok_and(|c| c.trim() == "postgres") {
            total += proc_cpu(&path.join("stat")).unwrap_or_default();
        }
    }
    total
}

impl Cpu {
    fn now(with_postgres: bool) -> Cpu {
        let bots: Duration = BOT_PIDS
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(|pid| proc_cpu(Path::new(&format!("/proc/{pid}/stat"))).unwrap_or_default())
            .sum();
        Cpu {
            own: proc_cpu(Path::new("/proc/self/stat")).unwrap_or_default() + bots,
            postgres: with_postgres.then(postgres_cpu),
        }
    }

    fn since(&self, before: &Cpu) -> Cpu {
        Cpu {
            own: self.own.saturating_sub(before.own),
            postgres: match (self.postgres, before.postgres) {
                (Some(a), Some(b)) => Some(a.saturating_sub(b)),
                _ => None,
            },
        }
    }

    fn total(&self) -> Duration {
        self.own + self.postgres.unwrap_or_default()
    }

    fn per_update(&self, updates: usize) -> String {
        let us = |d: Duration| d.as_secs_f64() * 1e6 / updates.max(1) as f64;
        match self.postgres {
            Some(pg) => format!("{:.0} µs (+ postgres {:.0} µs)", us(self.own), us(pg)),
            None => format!("{:.0} µs", us(self.own)),
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// 1. Update throughput and latency.
// ---------------------------------------------------------------------------------------------------------

struct ThroughputSizes {
    people: usize,
    light_people: usize,
    light_concurrency: usize,
}

/// What part 1 measured for one bot.
struct BotRuns {
    burst: RunResult,
    light: RunResult,
    calibration: Calibration,
    /// CPU time of the bot's own process in the light-load run and the burst, when it runs in one.
    process_cpu: Option<(Duration, Duration)>,
}

/// Which bot part 1 drives.
enum Subject<'a> {
    /// The bare echo bot: one sendMessage per update.
    Echo,
    /// The echo bot making as many sendMessage calls per update as our bot makes API calls (its signature).
    Mimic(&'a [usize]),
    /// fieldschool itself.
    Ours,
    /// The bare aiogram 3 echo bot (`examples/aiogram_echo.py`) as a child process: one sendMessage per update.
    Aiogram,
}

/// Part 1 for one bot: calibration, the light-load run, then the burst (everybody at once).
async fn measure_bot(subject: Subject<'_>, store: Store, sizes: &ThroughputSizes) -> anyhow::Result<Option<BotRuns>> {
    let echo = !matches!(subject, Subject::Ours);
    let emu = Emulator::start(emulator_options()).await?;
    let bot = match subject {
        Subject::Echo | Subject::Mimic(_) => start_echo(&emu).await?,
        Subject::Aiogram => start_aiogram(&emu).await?,
        Subject::Ours => match start_ours(&emu, store).await? {
            Some(bot) => bot,
            None => return Ok(None),
        },
    };
    let steps = Arc::new(match subject {
        Subject::Echo | Subject::Aiogram => echo_steps(dialog_steps().len()),
        Subject::Mimic(signature) => mimic_steps(signature),
        Subject::Ours => dialog_steps(),
    });
    // The echo bot's answers are known; our bot's pattern is learnt.
    let calibration = match subject {
        Subject::Echo | Subject::Aiogram => Calibration { signature: vec![1; steps.len()], sql: vec![0; steps.len()] },
        Subject::Mimic(signature) => Calibration { signature: signature.to_vec(), sql: vec![0; steps.len()] },
        Subject::Ours => calibrate_person(&emu, 10, &steps, true).await?,
    };
    let signature = Arc::new(calibration.signature.clone());
    let pg = store == Store::Postgres && !echo;
    let cpu_start = bot.process_cpu();
    let light =
        drive(&emu, walkers(100_000, sizes.light_people, &steps, &signature), sizes.light_concurrency, pg).await;
    let cpu_light = bot.process_cpu();
    let burst = drive(&emu, walkers(1_000_000, sizes.people, &steps, &signature), sizes.people, pg).await;
    let cpu_burst = bot.process_cpu();
    let process_cpu = match (cpu_start, cpu_light, cpu_burst) {
        (Some(a), Some(b), Some(c)) => Some((b.saturating_sub(a), c.saturating_sub(b))),
        _ => None,
    };
    bot.stop().await;
    Ok(Some(BotRuns { burst, light, calibration, process_cpu }))
}

/// Walks one person through `steps` alone and returns the number of bot API calls of each step.
async fn calibrate_person(emu: &Emulator, user: i64, steps: &[Step], print: bool) -> anyhow::Result<Calibration> {
    emu.add_user(EmuUser::new(user, format!("校准{user}")).with_language("zh-hans"));
    let (tx, mut rx) = mpsc::unbounded_channel();
    let recorder = Recorder::start(emu, HashMap::from([(user, tx)]));
    let signature = calibrate(emu, user, steps, &mut rx, print).await;
    recorder.stop();
    signature
}

fn throughput_sizes(args: &Args) -> ThroughputSizes {
    ThroughputSizes {
        people: args.people.unwrap_or(if args.quick { 40 } else { 1000 }),
        light_people: args.light_people.unwrap_or(if args.quick { 12 } else { 200 }),
        light_concurrency: args.light_concurrency,
    }
}

async fn part_throughput(args: &Args, report: &mut Report) -> anyhow::Result<()> {
    let sizes = throughput_sizes(args);
    println!(
        "\n1. Update throughput and latency. Burst: {} people x {} steps, all at once. Light load: {} people, {} at a \
         time.",
        sizes.people,
        dialog_steps().len(),
        sizes.light_people,
        sizes.light_concurrency
    );
    let aiogram = aiogram_available();
    if !aiogram {
        println!("  (aiogram echo bot skipped: python3 cannot import aiogram; `pip install aiogram` adds it)");
    }
    for store in args.stores() {
        println!("  [{}]", store.name());
        if args.aiogram_only {
            if aiogram && let Some(runs) = measure_bot(Subject::Aiogram, store, &sizes).await? {
                describe_aiogram(&runs);
            }
            continue;
        }
        let Some(BotRuns { burst: echo_burst, light: echo_light, .. }) =
            measure_bot(Subject::Echo, store, &sizes).await?
        else {
            continue;
        };
        describe_run("echo bot, light load", &echo_light);
        describe_run("echo bot, burst", &echo_burst);
        if args.echo_only {
            continue;
        }
        // Beside the teloxide echo bot, so that the ratio to ours comes from the same run. It uses no store.
        // A failing Python side costs the comparison, not the rest of the benchmark.
        let mut aiogram_failed = false;
        let aiogram_runs = if aiogram {
            measure_bot(Subject::Aiogram, store, &sizes).await.unwrap_or_else(|e| {
                println!("    aiogram echo bot FAILED: {e:#}");
                aiogram_failed = true;
                None
            })
        } else {
            None
        };
        if let Some(runs) = &aiogram_runs {
            describe_aiogram(runs);
        }
        let Some(BotRuns { burst: ours_burst, light: ours_light, calibration, .. }) =
            measure_bot(Subject::Ours, store, &sizes).await?
        else {
            println!("    (skipped: FIELDSCHOOL_SKIP_PG=1)");
            continue;
        };
        describe_run("fieldschool, light load", &ours_light);
        describe_run("fieldschool, burst", &ours_burst);
        let mimic = measure_bot(Subject::Mimic(&calibration.signature), store, &sizes).await?;
        let Some(BotRuns { burst: mimic_burst, light: mimic_light, .. }) = mimic else { continue };
        describe_run("echo with our call pattern, light", &mimic_light);
        describe_run("echo with our call pattern, burst", &mimic_burst);
        println!("    per step, ms (fieldschool light p50 / p99 | burst p50 / p99):");
        for (i, step) in dialog_steps().iter().enumerate() {
            println!(
                "      {:>2} {:<30} {:>7} {:>7} | {:>8} {:>8}",
                i + 1,
                format!("{step:?}"),
                ms(percentile(&ours_light.per_step[i], 0.5)),
                ms(percentile(&ours_light.per_step[i], 0.99)),
                ms(percentile(&ours_burst.per_step[i], 0.5)),
                ms(percentile(&ours_burst.per_step[i], 0.99)),
            );
        }
        let part = format!("1 updates, {}", store.name());
        let ratio = ours_burst.rate() / echo_burst.rate();
        report.add(&part, "echo bot, updates/s (ceiling)", format!("{:.0}", echo_burst.rate()), "", None);
        report.add(
            &part,
            "echo bot making our API calls, updates/s",
            format!("{:.0} ({:.2} × echo)", mimic_burst.rate(), mimic_burst.rate() / echo_burst.rate()),
            "",
            None,
        );
        report.add(&part, "fieldschool, updates/s", format!("{:.0}", ours_burst.rate()), "", None);
        report.add(&part, "fieldschool ÷ echo", format!("{ratio:.3}"), "≥ 0.5", Some(ratio >= 0.5));
        if let Some(BotRuns { burst: aiogram_burst, light: aiogram_light, .. }) = &aiogram_runs {
            report.add(&part, "aiogram echo bot, updates/s", format!("{:.0}", aiogram_burst.rate()), "", None);
            let target = if store == Store::Sqlite { 2.0 } else { 1.5 };
            let ratio = ours_burst.rate() / aiogram_burst.rate();
            let broken = aiogram_burst.stalled + aiogram_light.stalled + aiogram_burst.refused + aiogram_light.refused;
            report.add(
                &part,
                "fieldschool ÷ aiogram echo",
                if broken > 0 {
                    format!("{ratio:.2} ({broken} aiogram walks stalled / calls refused)")
                } else {
                    format!("{ratio:.2}")
                },
                &format!("≥ {target}"),
                Some(ratio >= target && broken == 0),
            );
        } else if aiogram_failed {
            let target = if store == Store::Sqlite { "≥ 2" } else { "≥ 1.5" };
            report.add(&part, "fieldschool ÷ aiogram echo", "aiogram bot failed".to_owned(), target, Some(false));
        }
        // The same HTTP work as ours without storage or logic: what is left of the gap is the bot's own.
        report.add(
            &part,
            "fieldschool ÷ echo making our API calls",
            format!("{:.3}", ours_burst.rate() / mimic_burst.rate()),
            "",
            None,
        );
        let cpu_ratio = ours_burst.cpu.total().as_secs_f64()
            / ours_burst.updates.max(1) as f64
            / (echo_burst.cpu.total().as_secs_f64() / echo_burst.updates.max(1) as f64);
        report.add(&part, "CPU per update, fieldschool ÷ echo", format!("{cpu_ratio:.1}"), "", None);
        if let Some(BotRuns { burst: aiogram_burst, .. }) = &aiogram_runs {
            // Both include the emulator and the simulated people (this process); the aiogram bot's own process
            // is added to it.
            let cpu_ratio = ours_burst.cpu.total().as_secs_f64()
                / ours_burst.updates.max(1) as f64
                / (aiogram_burst.cpu.total().as_secs_f64() / aiogram_burst.updates.max(1) as f64);
            report.add(&part, "CPU per update, fieldschool ÷ aiogram echo", format!("{cpu_ratio:.1}"), "", None);
        }
        report.add(
            &part,
            "bot API calls / SQL statements per update",
            format!("{:.2} / {:.1}", calibration.api_calls_per_update(), calibration.sql_per_update()),
            "",
            None,
        );
        let p50 = percentile(&ours_light.latencies, 0.5);
        let p99 = percentile(&ours_light.latencies, 0.99);
        report.add(&part, "latency p50, light load (ms)", ms(p50), "", None);
        report.add(&part, "latency p99, light load (ms)", ms(p99), "< 20", Some(p99 < Duration::from_millis(20)));
        report.add(
            &part,
            "latency p50 / p99, burst (ms)",
            format!("{} / {}", ms(percentile(&ours_burst.latencies, 0.5)), ms(percentile(&ours_burst.latencies, 0.99))),
            "",
            None,
        );
        report.add(
            &part,
            "echo latency p50 / p99, light load (ms)",
            format!("{} / {}", ms(percentile(&echo_light.latencies, 0.5)), ms(percentile(&echo_light.latencies, 0.99))),
            "",
            None,
        );
        if let Some(BotRuns { light: aiogram_light, .. }) = &aiogram_runs {
            report.add(
                &part,
                "aiogram latency p50 / p99, light load (ms)",
                format!(
                    "{} / {}",
                    ms(percentile(&aiogram_light.latencies, 0.5)),
                    ms(percentile(&aiogram_light.latencies, 0.99))
                ),
                "",
                None,
            );
        }
        let broken = ours_burst.stalled + ours_light.stalled + ours_burst.refused + ours_light.refused;
        report.add(&part, "stalled walks + refused calls", broken.to_string(), "0", Some(broken == 0));
    }
    Ok(())
}

/// The aiogram echo bot's runs, and the CPU time of its own process per update (the rest of the run's CPU per
/// update is the emulator and the simulated people, in this process).
fn describe_aiogram(runs: &BotRuns) {
    describe_run("aiogram echo, light load", &runs.light);
    describe_run("aiogram echo, burst", &runs.burst);
    if let Some((light, burst)) = runs.process_cpu {
        let us = |d: Duration, r: &RunResult| d.as_secs_f64() * 1e6 / r.updates.max(1) as f64;
        println!(
            "    aiogram process alone, CPU/update: light load {:.0} µs, burst {:.0} µs",
            us(light, &runs.light),
            us(burst, &runs.burst)
        );
    }
}

// ---------------------------------------------------------------------------------------------------------
// 5. The durable inbox through webhook delivery: one replica against three on one PostgreSQL.
// ---------------------------------------------------------------------------------------------------------

/// The public URL the replicas give `setWebhook`; the emulator's load balancer maps it to their listeners.
const WEBHOOK_URL: &str = "https://bot.example.org/telegram";

/// One replica: the bot in webhook mode on its own connection pool, in this process or in its own
/// (`fieldschool run`'s code path: `--serve-bot`).
enum Replica {
    InProcess { running: fieldschool::startup::Running, db: Db },
    Process(ChildGuard),
}

/// Bot processes whose CPU time counts as the bench's own (the replicas run as processes).
static BOT_PIDS: std::sync::Mutex<Vec<u32>> = std::sync::Mutex::new(Vec::new());

/// Starts `n` bots in webhook mode in this process on one database, each with its own pool, worker id and
/// listener, and puts the emulator's round-robin load balancer in front of them.
async fn start_replicas(emu: &Emulator, database_url: &str, n: usize) -> anyhow::Result<Vec<Replica>> {
    let mut replicas = Vec::with_capacity(n);
    let mut targets = Vec::with_capacity(n);
    for i in 0..n {
        let db = Db::connect(database_url).await?;
        let mut config = bench_config(emu)?;
        config.webhook_url = Some(WEBHOOK_URL.to_owned());
        config.listen = "127.0.0.1:0".parse()?;
        config.worker_id = Some(format!("bench-replica-{}", i + 1));
        let app = App::new(db.clone(), Arc::new(ManualClock::new(demo_start())), config);
        let bot = Bot::new(emu.token()).set_api_url(emu.api_url().parse()?);
        let running = fieldschool::startup::start_bot(app, bot).await?;
        let addr = running.listening().context("a bot in webhook mode listens")?;
        targets.push(format!("http://{addr}/telegram"));
        replicas.push(Replica::InProcess { running, db });
    }
    emu.spread_webhook(targets);
    Ok(replicas)
}

/// Starts `n` bot processes in webhook mode on one database (this program with `--serve-bot`, i.e.
/// `fieldschool run` from the environment, as in tests/suite/replicas.rs), puts the load balancer in front of
/// them and waits until each listens and the webhook is set.
async fn spawn_replicas(emu: &Emulator, database_url: &str, n: usize) -> anyhow::Result<Vec<Replica>> {
    let mut replicas = Vec::with_capacity(n);
    let mut ports = Vec::with_capacity(n);
    for i in 0..n {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let child = std::process::Command::new(std::env::current_exe()?)
            .arg("--serve-bot")
            .env("DATABASE_URL", database_url)
            .env("TELOXIDE_TOKEN", emu.token())
            .env("TELOXIDE_API_URL", emu.api_url())
            .env("FIELDSCHOOL_CLOCK_START", "2026-12-01 09:00")
            .env("FIELDSCHOOL_WEBHOOK_URL", WEBHOOK_URL)
            .env("FIELDSCHOOL_LISTEN", format!("127.0.0.1:{port}"))
            .env("FIELDSCHOOL_WORKER_ID", format!("bench-replica-{}", i + 1))
            .env("RUST_LOG", "warn,sqlx=error")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .spawn()
            .context("starting a bot process")?;
        BOT_PIDS.lock().unwrap_or_else(|e| e.into_inner()).push(child.id());
        replicas.push(Replica::Process(ChildGuard(child)));
        ports.push(port);
    }
    emu.spread_webhook(ports.iter().map(|p| format!("http://127.0.0.1:{p}/telegram")).collect());
    let client = reqwest::Client::new();
    let started = Instant::now();
    for port in &ports {
        while client.get(format!("http://127.0.0.1:{port}/healthz")).send().await.is_err() {
            if started.elapsed() > Duration::from_secs(60) {
                bail!("a bot process did not listen on {port} within 60 s");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    while emu.webhook_url().is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            bail!("the bot processes did not set the webhook within 60 s");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(replicas)
}

/// What one replica count measured.
struct ReplicaRuns {
    replicas: usize,
    processes: bool,
    light: RunResult,
    burst: RunResult,
    webhook_failures: u64,
}

/// The walk of part 1 (calibration, light load, burst) through webhook delivery to `n` replicas.
async fn measure_replicas(
    n: usize,
    processes: bool,
    sizes: &ThroughputSizes,
    print: bool,
) -> anyhow::Result<Option<ReplicaRuns>> {
    let Some(bench_db) = BenchDb::open(Store::Postgres).await? else { return Ok(None) };
    prepare_catalog(&bench_db.db).await?;
    let emu = Emulator::start(emulator_options()).await?;
    let replicas = if processes {
        spawn_replicas(&emu, &bench_db.db.url, n).await?
    } else {
        start_replicas(&emu, &bench_db.db.url, n).await?
    };
    let steps = Arc::new(dialog_steps());
    let calibration = calibrate_person(&emu, 10, &steps, print).await?;
    let signature = Arc::new(calibration.signature.clone());
    let light =
        drive(&emu, walkers(100_000, sizes.light_people, &steps, &signature), sizes.light_concurrency, true).await;
    let burst = drive(&emu, walkers(1_000_000, sizes.people, &steps, &signature), sizes.people, true).await;
    let webhook_failures = emu.stats().webhook_failures;
    let mut stopped = true;
    for replica in replicas {
        match replica {
            Replica::InProcess { running, db } => {
                if stop_running(running).await {
                    db.pool.close().await;
                } else {
                    stopped = false;
                }
            }
            // Killed: the database is dropped WITH (FORCE) right after.
            Replica::Process(child) => drop(child),
        }
    }
    BOT_PIDS.lock().unwrap_or_else(|e| e.into_inner()).clear();
    if stopped {
        bench_db.close().await;
    }
    Ok(Some(ReplicaRuns { replicas: n, processes, light, burst, webhook_failures }))
}

async fn part_replicas(args: &Args, report: &mut Report) -> anyhow::Result<()> {
    let sizes = throughput_sizes(args);
    println!(
        "\n5. Replicas: the walk of part 1 through webhook delivery (the emulator's round-robin load balancer) to one \
         bot, then to three bots on one PostgreSQL database (in this process, each with its own pool, worker id \
         and listener). Burst: {} people x {} steps; light load: {} people, {} at a time.",
        sizes.people,
        dialog_steps().len(),
        sizes.light_people,
        sizes.light_concurrency
    );
    if !args.stores().contains(&Store::Postgres) {
        println!("  (skipped: replicas need PostgreSQL, and --stores leaves it out)");
        return Ok(());
    }
    let mut runs = Vec::new();
    let modes: &[bool] = if args.replica_processes { &[false, true] } else { &[false] };
    for &processes in modes {
        for n in [1, 3] {
            let Some(run) = measure_replicas(n, processes, &sizes, n == 1 && !processes).await? else {
                println!("  (skipped: FIELDSCHOOL_SKIP_PG=1)");
                return Ok(());
            };
            // Printed as each comes: on a busy machine the four take a while.
            let label = run.label();
            describe_run(&format!("{label}, light load"), &run.light);
            describe_run(&format!("{label}, burst"), &run.burst);
            if run.webhook_failures > 0 {
                println!("    webhook POSTs answered other than 2xx (tried again): {}", run.webhook_failures);
            }
            runs.push(run);
        }
    }
    let part = "5 replicas, PostgreSQL";
    for run in &runs {
        let label = run.label();
        report.add(part, &format!("{label}: updates/s (webhook)"), format!("{:.0}", run.burst.rate()), "", None);
        report.add(part, &format!("{label}: CPU per update"), run.burst.cpu.per_update(run.burst.updates), "", None);
        report.add(
            part,
            &format!("{label}: latency p50 / p99, light load (ms)"),
            format!("{} / {}", ms(percentile(&run.light.latencies, 0.5)), ms(percentile(&run.light.latencies, 0.99))),
            "",
            None,
        );
        report.add(
            part,
            &format!("{label}: latency p50 / p99, burst (ms)"),
            format!("{} / {}", ms(percentile(&run.burst.latencies, 0.5)), ms(percentile(&run.burst.latencies, 0.99))),
            "",
            None,
        );
        let broken = run.burst.stalled + run.light.stalled + run.burst.refused + run.light.refused;
        report.add(
            part,
            &format!("{label}: stalled walks + refused calls"),
            broken.to_string(),
            "0",
            Some(broken == 0),
        );
    }
    for pair in runs.chunks(2) {
        if let [one, three] = pair {
            let what = format!("updates/s, 3 ÷ 1{}", if one.processes { " (processes)" } else { "" });
            report.add(part, &what, format!("{:.2}", three.burst.rate() / one.burst.rate()), "", None);
        }
    }
    Ok(())
}

impl ReplicaRuns {
    fn label(&self) -> String {
        let count = if self.replicas == 1 { "1 replica".to_owned() } else { format!("{} replicas", self.replicas) };
        if self.processes { format!("{count} (processes)") } else { count }
    }
}

// ---------------------------------------------------------------------------------------------------------
// 2. Broadcast through the outbox worker under Telegram's limits.
// ---------------------------------------------------------------------------------------------------------

/// One broadcast of `n` messages through the outbox worker against the emulator, as it went.
struct BroadcastRun {
    n: usize,
    first: i64,
    started: Instant,
    /// Every accepted send with its instant.
    sent: Vec<(Instant, i64)>,
    refused: HashMap<u16, u64>,
    lagged: u64,
    stats: fieldschool::emulator::EmuStats,
    progress: db::outbox::GroupProgress,
    outcome_counts: HashMap<&'static str, usize>,
}

impl BroadcastRun {
    fn per_chat(&self) -> HashMap<i64, usize> {
        let mut per_chat: HashMap<i64, usize> = HashMap::new();
        for (_, chat) in &self.sent {
            *per_chat.entry(*chat).or_default() += 1;
        }
        per_chat
    }

    fn duplicates(&self) -> usize {
        self.per_chat().values().map(|c| c.saturating_sub(1)).sum()
    }

    fn losses(&self) -> usize {
        let per_chat = self.per_chat();
        (0..self.n as i64).filter(|i| !per_chat.contains_key(&(self.first + i))).count()
    }
}

/// Queues `n` broadcast rows and lets one worker send them under Telegram's limits; with
/// `server_error_every`, every n-th call is answered 502.
async fn broadcast_run(
    db: &Db,
    n: usize,
    limits: RateLimits,
    server_error_every: Option<u64>,
) -> anyhow::Result<BroadcastRun> {
    let emu = Emulator::start(EmulatorOptions { rate_limits: Some(limits), ..emulator_options() }).await?;
    emu.server_error_every(server_error_every);
    let first = 5_000_000_i64;
    for i in 0..n as i64 {
        emu.add_user(EmuUser::new(first + i, format!("收件人{i}")).with_language("zh-hans"));
    }
    // A weekday morning on the bench's clock: at any hour here, the gate lets the broadcast go.
    let clock = OffsetClock::starting_at(demo_start() + chrono::Duration::hours(1));
    let now = clock.now();
    let mut tx = db.begin_write().await?;
    for i in 0..n as i64 {
        let message = NewMessage {
            chat_id: first + i,
            kind: "broadcast".to_owned(),
            payload: Payload::html(format!("<b>台风预警</b>：今晚有大风，请加固大棚。（{i}）")),
            dedupe_key: Some(format!("bench-broadcast:{i}")),
            planned_at: now,
            due_at: now,
            deadline_at: None,
            group_key: Some("broadcast:bench".to_owned()),
            rule: SendRule { kind: MessageKind::Broadcast { urgent: false }, personal: false },
        };
        db::outbox::enqueue(&mut tx, &message).await?;
    }
    tx.commit().await?;

    // Every accepted send, stamped; every refusal counted by code.
    let mut events = emu.subscribe();
    let collector = tokio::spawn(async move {
        let mut sent: Vec<(Instant, i64)> = Vec::new();
        let mut refused: HashMap<u16, u64> = HashMap::new();
        let mut lagged = 0;
        loop {
            match events.recv().await {
                Ok(EmuEvent::Sent(m)) => sent.push((Instant::now(), m.chat_id)),
                Ok(EmuEvent::Refused { error_code, .. }) => *refused.entry(error_code).or_default() += 1,
                Ok(_) => {}
                Err(broadcast::error::RecvError::Lagged(k)) => lagged += k,
                Err(broadcast::error::RecvError::Closed) => break,
            }
        }
        (sent, refused, lagged)
    });

    let config = bench_config(&emu)?;
    let pacing = Pacing { global_per_sec: config.send_per_sec, per_chat_min_interval: config.per_chat_interval };
    let bot = Bot::new(emu.token()).set_api_url(emu.api_url().parse()?);
    // Retries after the first backoff step (5 s) come due on the bench's clock, which runs at the real pace.
    let worker = OutboxWorker::new(db.clone(), bot, Arc::new(clock)).with_pacing(pacing);
    let mut outcomes = worker.handle().subscribe();
    let (stop, stop_rx) = watch::channel(false);
    let started = Instant::now();
    let (_handle, join) = worker.spawn(stop_rx);
    let patience = Duration::from_secs_f64(n as f64 / f64::from(limits.global_per_sec) * 2.0 + 60.0);
    let deadline = tokio::time::Instant::now() + patience;
    let mut finished = 0usize;
    let mut outcome_counts: HashMap<&'static str, usize> = HashMap::new();
    while finished < n {
        match tokio::time::timeout_at(deadline, outcomes.recv()).await {
            Ok(Ok(event)) => {
                let kind = match event.outcome {
                    Outcome::Sent => "sent",
                    Outcome::Retrying { .. } => "retrying",
                    Outcome::Failed { .. } => "failed",
                    Outcome::Blocked => "blocked",
                    Outcome::Cancelled { .. } => "cancelled",
                    Outcome::Replanned { .. } => "replanned",
                };
                *outcome_counts.entry(kind).or_default() += 1;
                if kind != "retrying" && kind != "replanned" {
                    finished += 1;
                }
            }
            Ok(Err(broadcast::error::RecvError::Lagged(_))) => {
                // Fall back on storage.
                let progress = db::outbox::group_progress(db, "broadcast:bench").await?;
                finished = (progress.total() - progress.pending - progress.sending) as usize;
            }
            Ok(Err(broadcast::error::RecvError::Closed)) | Err(_) => break,
        }
    }
    let _ = stop.send(true);
    let _ = join.await;
    // Give the collector the last events, then read it.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let stats = emu.stats();
    drop(emu);
    let (sent, refused, lagged) = collector.await.unwrap_or_default();
    let progress = db::outbox::group_progress(db, "broadcast:bench").await?;
    Ok(BroadcastRun { n, first, started, sent, refused, lagged, stats, progress, outcome_counts })
}

async fn part_broadcast(args: &Args, report: &mut Report) -> anyhow::Result<()> {
    let n = args.recipients.unwrap_or(if args.quick { 60 } else { 2000 });
    let limits = RateLimits::telegram();
    println!(
        "\n2. Broadcast: {n} recipients through the outbox worker; the emulator allows {}/s overall and {}/s per chat",
        limits.global_per_sec, limits.per_chat_per_sec
    );
    for store in args.stores() {
        let Some(bench_db) = BenchDb::open(store).await? else {
            println!("  [{}] skipped: FIELDSCHOOL_SKIP_PG=1", store.name());
            continue;
        };
        let run = broadcast_run(&bench_db.db, n, limits, None).await?;
        let per_chat = run.per_chat();
        let started = run.started;
        let last = run.sent.iter().map(|(at, _)| *at).max().unwrap_or(started);
        let first_at = run.sent.iter().map(|(at, _)| *at).min().unwrap_or(started);
        let span = last.saturating_duration_since(started).as_secs_f64();
        let rate = per_chat.len() as f64 / span.max(1e-9);
        let steady = (run.sent.len().saturating_sub(1)) as f64
            / last.saturating_duration_since(first_at).as_secs_f64().max(1e-9);
        let ratio = rate / f64::from(limits.global_per_sec);
        let too_many = run.stats.too_many_requests;
        println!(
            "  [{}] {} delivered in {:.1} s (worker start to last accepted send): {:.2}/s, steady {:.2}/s; \
             429s {}; refusals {:?}; outbox rows sent {} of {}; worker outcomes {:?}{}",
            store.name(),
            per_chat.len(),
            span,
            rate,
            steady,
            too_many,
            run.refused,
            run.progress.sent,
            run.progress.total(),
            run.outcome_counts,
            if run.lagged > 0 { format!("; event stream lagged {}", run.lagged) } else { String::new() }
        );
        let part = format!("2 broadcast, {}", store.name());
        report.add(
            &part,
            &format!("achieved rate ÷ {}/s ({n} recipients)", limits.global_per_sec),
            format!("{ratio:.3}"),
            "≥ 0.95",
            Some(ratio >= 0.95),
        );
        report.add(&part, "duplicates", run.duplicates().to_string(), "0", Some(run.duplicates() == 0));
        report.add(&part, "losses", run.losses().to_string(), "0", Some(run.losses() == 0));
        report.add(&part, "429 answers received", too_many.to_string(), "", None);
        bench_db.close().await;
    }
    Ok(())
}

/// A broadcast while every 7th call is answered 502 Bad Gateway (teloxide pauses 10 s on a 5xx before it
/// reports it): the others go at the pacing limit; only the failed ones wait, for that pause and their
/// backoff (5 s), then go once.
async fn part_broadcast_with_server_errors(args: &Args, report: &mut Report) -> anyhow::Result<()> {
    let n = if args.quick { 38 } else { 300 };
    let every = 7;
    let limits = RateLimits::telegram();
    println!("\n2b. Broadcast: {n} recipients, every {every}th call answered 502, {}/s allowed", limits.global_per_sec);
    for store in args.stores() {
        let Some(bench_db) = BenchDb::open(store).await? else { continue };
        let run = broadcast_run(&bench_db.db, n, limits, Some(every)).await?;
        let failed_first = run.stats.server_errors as usize;
        let mut times: Vec<Instant> = run.sent.iter().map(|(at, _)| *at).collect();
        times.sort();
        // The messages that went through at the first try: the first n − failures accepted sends.
        let first_wave = n.saturating_sub(failed_first).min(times.len());
        let secs = |k: usize| times.get(k.wrapping_sub(1)).map_or(0.0, |t| t.duration_since(run.started).as_secs_f64());
        let pacing_alone = n as f64 / f64::from(limits.global_per_sec);
        println!(
            "  [{}] {} answered 502; the other {first_wave} delivered in {:.2} s (the pacing alone: {pacing_alone:.2} s); \
             {} delivered in {:.1} s; duplicates {}",
            store.name(),
            failed_first,
            secs(first_wave),
            run.per_chat().len(),
            secs(times.len()),
            run.duplicates(),
        );
        let part = format!("2b broadcast with 502s, {}", store.name());
        // Every call takes its place in the pace, the failing ones too: the good ones are done when all n
        // calls have been started at 30 a second.
        let ratio = secs(first_wave) / pacing_alone.max(1e-9);
        report.add(
            &part,
            &format!("last of the {first_wave} good ÷ pacing time of {n} calls"),
            format!("{ratio:.2}"),
            "≤ 1.1",
            Some(ratio <= 1.1),
        );
        report.add(
            &part,
            &format!("{} of {n} delivered, the last after (s)", run.per_chat().len()),
            format!("{:.1}", secs(times.len())),
            "",
            None,
        );
        report.add(&part, "duplicates", run.duplicates().to_string(), "0", Some(run.duplicates() == 0));
        // A message that hit the 502 again on its retries waits out longer backoff steps (30 s, 120 s…):
        // still queued when the run ends, not lost.
        let lost = run.progress.failed + run.progress.cancelled;
        let waiting = run.progress.pending + run.progress.sending;
        report.add(&part, "losses (rows failed or cancelled)", lost.to_string(), "0", Some(lost == 0));
        report.add(&part, "still waiting for a later retry at the end", waiting.to_string(), "", None);
        bench_db.close().await;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------
// 3. Scheduler: the cost of one claim with a large queue of rows not yet due.
// ---------------------------------------------------------------------------------------------------------

/// Adds `count` pending outbox rows due from tomorrow on (never due during the benchmark).
async fn add_future_rows(db: &Db, count: i64, first_chat: i64, now: i64) -> anyhow::Result<()> {
    let chunk = 250_000;
    let mut done = 0;
    while done < count {
        let k = chunk.min(count - done);
        let sql = match db.backend {
            Backend::Sqlite => {
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)
                 INSERT INTO outbox (chat_id, kind, payload, planned_at, due_at, status, attempts, created_at)
                 SELECT $2 + i, 'reminder', '{\"text\":\"明天上午九点上课\"}', $3, $3 + 86400 + i, 'pending', 0, $3
                 FROM n"
            }
            Backend::Postgres => {
                "INSERT INTO outbox (chat_id, kind, payload, planned_at, due_at, status, attempts, created_at)
                 SELECT $2 + i, 'reminder', '{\"text\":\"明天上午九点上课\"}', $3, $3 + 86400 + i, 'pending', 0, $3
                 FROM generate_series(1, $1) AS s(i)"
            }
        };
        sqlx::query(sql).bind(k).bind(first_chat + done).bind(now).execute(&db.pool).await?;
        done += k;
    }
    if db.backend == Backend::Postgres {
        // What autovacuum would do after a bulk load; without it the planner works from stale statistics.
        sqlx::query("ANALYZE outbox").execute(&db.pool).await?;
    }
    Ok(())
}

/// Times `iterations` claims of the few due rows (released again after each, untimed).
async fn time_claims(db: &Db, iterations: usize, expect: usize) -> anyhow::Result<(Duration, Duration)> {
    let lease = chrono::Duration::minutes(5);
    let mut times = Vec::with_capacity(iterations);
    for i in 0..iterations + 5 {
        let started = Instant::now();
        let claimed = db::outbox::claim_due(db, Utc::now(), 50, "bench-worker", lease).await?.rows;
        let took = started.elapsed();
        if claimed.len() != expect {
            bail!("claim_due returned {} rows, expected {expect}", claimed.len());
        }
        let ids: Vec<i64> = claimed.iter().map(|c| c.id).collect();
        db::outbox::release(db, &ids, "bench-worker").await?;
        // The first few warm the caches.
        if i >= 5 {
            times.push(took);
        }
    }
    times.sort();
    Ok((percentile(&times, 0.5), percentile(&times, 0.9)))
}

async fn explain_due_query(db: &Db) -> anyhow::Result<String> {
    let select = "SELECT id FROM outbox WHERE status = 'pending' AND due_at <= $1 ORDER BY due_at, id LIMIT 50";
    let now = Utc::now().timestamp();
    Ok(match db.backend {
        Backend::Sqlite => {
            let rows = sqlx::query(&format!("EXPLAIN QUERY PLAN {select}")).bind(now).fetch_all(&db.pool).await?;
            rows.iter().filter_map(|r| r.try_get::<String, _>("detail").ok()).collect::<Vec<_>>().join("; ")
        }
        Backend::Postgres => {
            let rows = sqlx::query(&format!("EXPLAIN {select}")).bind(now).fetch_all(&db.pool).await?;
            rows.iter()
                .filter_map(|r| r.try_get::<String, _>(0).ok())
                .map(|l| l.trim().to_owned())
                .collect::<Vec<_>>()
                .join("; ")
        }
    })
}

async fn part_scheduler(args: &Args, report: &mut Report) -> anyhow::Result<()> {
    let small: i64 = if args.quick { 1_000 } else { 10_000 };
    let big: i64 = args.big_queue.unwrap_or(if args.quick { 50_000 } else { 1_000_000 });
    let due = 10usize;
    let iterations = if args.quick { 20 } else { 200 };
    println!(
        "\n3. Scheduler: one claim_due (claims the {due} due rows, limit 50) with {small} and {big} rows pending, \
         not yet due; median of {iterations}"
    );
    for store in args.stores() {
        let Some(bench_db) = BenchDb::open(store).await? else {
            println!("  [{}] skipped: FIELDSCHOOL_SKIP_PG=1", store.name());
            continue;
        };
        let db = bench_db.db.clone();
        let now = Utc::now();
        let mut tx = db.begin_write().await?;
        for i in 0..due as i64 {
            let message = NewMessage {
                chat_id: 7_000 + i,
                kind: "notice".to_owned(),
                payload: Payload::text("现在就该发的消息"),
                dedupe_key: None,
                planned_at: now - chrono::Duration::minutes(1),
                due_at: now - chrono::Duration::minutes(1),
                deadline_at: None,
                group_key: None,
                rule: SendRule { kind: MessageKind::Notice, personal: false },
            };
            db::outbox::enqueue(&mut tx, &message).await?;
        }
        tx.commit().await?;
        let load = Instant::now();
        add_future_rows(&db, small - due as i64, 10_000_000, now.timestamp()).await?;
        let (small_p50, small_p90) = time_claims(&db, iterations, due).await?;
        let small_next = time_next_due(&db, iterations).await?;
        add_future_rows(&db, big - small, 20_000_000, now.timestamp()).await?;
        let loaded = load.elapsed();
        let (big_p50, big_p90) = time_claims(&db, iterations, due).await?;
        let big_next = time_next_due(&db, iterations).await?;
        let plan = explain_due_query(&db).await?;
        let ratio = big_p50.as_secs_f64() / small_p50.as_secs_f64().max(1e-9);
        println!(
            "  [{}] claim_due p50/p90: {} / {} ms at {small}, {} / {} ms at {big} (ratio {ratio:.2}); next_due_at p50 {} \
             / {} ms; bulk load {:.1} s",
            store.name(),
            ms(small_p50),
            ms(small_p90),
            ms(big_p50),
            ms(big_p90),
            ms(small_next),
            ms(big_next),
            loaded.as_secs_f64(),
        );
        println!("    due query plan: {plan}");
        let part = format!("3 scheduler, {}", store.name());
        report.add(&part, &format!("claim_due p50 at {small} pending (ms)"), ms(small_p50), "", None);
        report.add(&part, &format!("claim_due p50 at {big} pending (ms)"), ms(big_p50), "", None);
        report.add(&part, "claim ratio big ÷ small", format!("{ratio:.2}"), "≤ 1.5", Some(ratio <= 1.5));
        let uses_index = plan.contains("outbox_pending_due");
        report.add(
            &part,
            "due query uses the outbox_pending_due index",
            uses_index.to_string(),
            "true",
            Some(uses_index),
        );
        bench_db.close().await;
    }
    Ok(())
}

async fn time_next_due(db: &Db, iterations: usize) -> anyhow::Result<Duration> {
    let mut times = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let started = Instant::now();
        db::outbox::next_due_at(db).await?;
        times.push(started.elapsed());
    }
    times.sort();
    Ok(percentile(&times, 0.5))
}

// ---------------------------------------------------------------------------------------------------------
// 4. Memory of the bot process with a big population.
// ---------------------------------------------------------------------------------------------------------

/// Column names of a table, in order.
async fn columns(db: &Db, table: &str) -> anyhow::Result<Vec<String>> {
    let sql = match db.backend {
        Backend::Sqlite => format!("SELECT name AS c FROM pragma_table_info('{table}') ORDER BY cid"),
        Backend::Postgres => format!(
            "SELECT column_name::text AS c FROM information_schema.columns WHERE table_name = '{table}' \
             AND table_schema = current_schema() ORDER BY ordinal_position"
        ),
    };
    let rows = sqlx::query(&sql).fetch_all(&db.pool).await?;
    rows.iter().map(|r| r.try_get::<String, _>("c").map_err(Into::into)).collect()
}

/// Copies the row of `table` whose `key` is `template` `count` times, with `key` (and `also`) set to
/// `first + i` for i in 1..=count.
async fn clone_rows(
    db: &Db,
    table: &str,
    key: &str,
    also: &[&str],
    template: i64,
    first: i64,
    count: i64,
) -> anyhow::Result<()> {
    let cols = columns(db, table).await?;
    let exprs: Vec<String> = cols
        .iter()
        .map(|c| if c == key || also.contains(&c.as_str()) { "$2 + s.i".to_string() } else { format!("t.{c}") })
        .collect();
    let (prefix, source) = match db.backend {
        Backend::Sqlite => ("WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $1) ", "s"),
        Backend::Postgres => ("", "generate_series(1, $1) AS s(i)"),
    };
    let sql = format!(
        "{prefix}INSERT INTO {table} ({}) SELECT {} FROM {source} CROSS JOIN {table} t WHERE t.{key} = $3",
        cols.join(", "),
        exprs.join(", ")
    );
    let done = sqlx::query(&sql).bind(count).bind(first).bind(template).execute(&db.pool).await?;
    if done.rows_affected() != count as u64 {
        bail!("cloning {table}: {} rows inserted, expected {count}", done.rows_affected());
    }
    Ok(())
}

/// VmRSS and VmHWM (peak) of a process, in kB.
fn rss_kb(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

fn mb(kb: u64) -> String {
    format!("{:.1}", kb as f64 / 1024.0)
}

/// Kills the bot process started by the benchmark when dropped (also on errors).
struct ChildGuard(std::process::Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// What one bot process showed: resident memory after start, after the burst, and at its peak (kB).
struct MemoryRun {
    idle_kb: u64,
    after_kb: u64,
    peak_kb: u64,
    burst: RunResult,
}

/// Starts this program as a separate bot process (`--serve-bot` = `fieldschool run`, `--serve-echo` = the echo
/// bot) against a fresh emulator, lets `crowd` loose on it all at once, and reads its /proc status.
async fn memory_run(mode: &str, database_url: &str, crowd: Vec<Walker>) -> anyhow::Result<MemoryRun> {
    let emu = Emulator::start(emulator_options()).await?;
    let child = std::process::Command::new(std::env::current_exe()?)
        .arg(mode)
        .env("DATABASE_URL", database_url)
        .env("TELOXIDE_TOKEN", emu.token())
        .env("TELOXIDE_API_URL", emu.api_url())
        .env("RUST_LOG", "warn,sqlx=error")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .spawn()
        .context("starting the bot process")?;
    let child = ChildGuard(child);
    let pid = child.0.id();
    // Polling has started once the bot asked for updates: the emulator confirms nothing until then, so wait
    // for one probe update to be taken.
    let probe = 1;
    emu.add_user(EmuUser::new(probe, "探针").with_language("zh-hans"));
    let ready = Instant::now();
    while emu.stats().updates_delivered == 0 {
        if ready.elapsed() > Duration::from_secs(30) {
            bail!("the bot process did not start polling within 30 s");
        }
        if emu.pending_updates() == 0 {
            emu.send_text(probe, "/help");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (idle_kb, _) = rss_kb(pid).context("reading the bot's /proc status")?;
    let concurrency = crowd.len();
    let burst = drive(&emu, crowd, concurrency, false).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (after_kb, peak_kb) = rss_kb(pid).context("reading the bot's /proc status")?;
    drop(child);
    Ok(MemoryRun { idle_kb, after_kb, peak_kb, burst })
}

async fn part_memory(args: &Args, report: &mut Report) -> anyhow::Result<()> {
    let registered: i64 = args.registered.unwrap_or(if args.quick { 5_000 } else { 100_000 });
    let mid_dialog: i64 = registered / 10;
    let menu_people = (registered / 20).max(1) as usize;
    println!(
        "\n4. Memory: `fieldschool run` as a separate process over {registered} registered people and {mid_dialog} \
         mid-dialog. Burst, all at once: {menu_people} registered people open 📚 报名培训 and a category, the \
         {mid_dialog} mid-dialog people type their name. The echo bot gets the same burst (texts only)."
    );
    let people_base = 30_000_000_i64;
    let dialog_base = 40_000_000_i64;
    let mut echo_done = false;
    for store in args.stores() {
        let Some(bench_db) = BenchDb::open(store).await? else {
            println!("  [{}] skipped: FIELDSCHOOL_SKIP_PG=1", store.name());
            continue;
        };
        let db = bench_db.db.clone();
        fieldschool::services::catalog_import::import_str(&db, "demo-catalog.toml", DEMO_CATALOG).await?;
        sqlx::query("UPDATE classes SET capacity = 1000000").execute(&db.pool).await?;

        // Two real people make the templates: one registered (and ordered), one stopped at "your name?".
        let (full, partial) = (21_i64, 22_i64);
        let calibration = {
            let emu = Emulator::start(emulator_options()).await?;
            let clock = ManualClock::new(demo_start());
            let app = App::new(db.clone(), Arc::new(clock), bench_config(&emu)?);
            let bot = Bot::new(emu.token()).set_api_url(emu.api_url().parse()?);
            let running = fieldschool::startup::start_bot(app, bot).await?;
            let calibration = calibrate_person(&emu, full, &dialog_steps(), false).await;
            let partial_steps = dialog_steps()[..3].to_vec();
            let partial_result = calibrate_person(&emu, partial, &partial_steps, false).await;
            stop_running(running).await;
            partial_result?;
            calibration?
        };
        let signature = &calibration.signature;
        let populate = Instant::now();
        clone_rows(&db, "people", "user_id", &["chat_id"], full, people_base, registered).await?;
        clone_rows(&db, "dialogs", "chat_id", &[], partial, dialog_base, mid_dialog).await?;
        if db.backend == Backend::Postgres {
            sqlx::query("ANALYZE").execute(&db.pool).await?;
        }
        let populated = populate.elapsed();
        let url = match store {
            Store::Sqlite => bench_db.sqlite_url().context("SQLite file")?,
            Store::Postgres => {
                let admin = fieldschool::config::test_postgres_url().unwrap_or_default();
                let base = admin.rsplit_once('/').map(|(b, _)| b.to_owned()).unwrap_or(admin);
                format!("{base}/{}", bench_db.pg_name.clone().unwrap_or_default())
            }
        };

        let menu_steps = Arc::new(dialog_steps()[8..10].to_vec());
        let menu_signature = Arc::new(signature[8..10].to_vec());
        let name_steps = Arc::new(dialog_steps()[3..4].to_vec());
        let name_signature = Arc::new(signature[3..4].to_vec());
        let mut crowd = walkers(people_base + 1, menu_people, &menu_steps, &menu_signature);
        crowd.extend(walkers(dialog_base + 1, mid_dialog as usize, &name_steps, &name_signature));
        let ours = memory_run("--serve-bot", &url, crowd).await?;
        describe_run("burst (load side)", &ours.burst);
        let rows: i64 = sqlx::query("SELECT COUNT(*) AS n FROM people").fetch_one(&db.pool).await?.try_get("n")?;
        let dialogs: i64 = sqlx::query("SELECT COUNT(*) AS n FROM dialogs").fetch_one(&db.pool).await?.try_get("n")?;
        println!(
            "  [{}] fieldschool VmRSS after start {} MB, after the burst {} MB, peak (VmHWM) {} MB; {rows} people, \
             {dialogs} dialogs (populated in {:.1} s)",
            store.name(),
            mb(ours.idle_kb),
            mb(ours.after_kb),
            mb(ours.peak_kb),
            populated.as_secs_f64()
        );
        let part = format!("4 memory, {}", store.name());
        report.add(&part, "RSS after start (MB)", mb(ours.idle_kb), "", None);
        report.add(&part, "RSS after the burst (MB)", mb(ours.after_kb), "≤ 80", Some(ours.after_kb <= 80 * 1024));
        report.add(&part, "peak RSS, VmHWM (MB)", mb(ours.peak_kb), "≤ 80", Some(ours.peak_kb <= 80 * 1024));
        let broken = ours.burst.stalled + ours.burst.refused;
        report.add(&part, "stalled walks + refused calls", broken.to_string(), "0", Some(broken == 0));
        bench_db.close().await;

        if !echo_done {
            // The framework alone under the same burst shape: same chats, same number of updates.
            let text = Arc::new(echo_steps(2));
            let one = Arc::new(echo_steps(1));
            let mut crowd = walkers(people_base + 1, menu_people, &text, &Arc::new(vec![1, 1]));
            crowd.extend(walkers(dialog_base + 1, mid_dialog as usize, &one, &Arc::new(vec![1])));
            let echo = memory_run("--serve-echo", "", crowd).await?;
            println!(
                "  [echo bot] VmRSS after start {} MB, after the same burst {} MB, peak (VmHWM) {} MB",
                mb(echo.idle_kb),
                mb(echo.after_kb),
                mb(echo.peak_kb)
            );
            report.add(
                "4 memory, echo bot",
                "RSS after start / after the burst / peak (MB)",
                format!("{} / {} / {}", mb(echo.idle_kb), mb(echo.after_kb), mb(echo.peak_kb)),
                "",
                None,
            );
            echo_done = true;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    // The same runtime `fieldschool run` gets from #[tokio::main]: one worker per core.
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async_main(args))
}

async fn async_main(args: Args) -> anyhow::Result<()> {
    init_tracing();
    if args.serve_bot {
        // `fieldschool run`, from the environment (DATABASE_URL, TELOXIDE_TOKEN, TELOXIDE_API_URL).
        return fieldschool::startup::run(Config::from_env()?).await;
    }
    if args.serve_echo {
        let config = Config::from_env()?;
        let api_url = config.api_url.context("TELOXIDE_API_URL")?;
        let bot = start_echo_bot(&config.token.context("TELOXIDE_TOKEN")?, &api_url)?;
        if let RunningBot::Echo(_, join) = bot {
            let _ = join.await;
        }
        return Ok(());
    }
    println!(
        "fieldschool bench{}: {} cores, {}, {}",
        if args.quick { " --quick" } else { "" },
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        cpu_model(),
        Utc::now().format("%Y-%m-%d %H:%M UTC")
    );
    let mut report = Report::default();
    if args.wants("throughput") {
        part_throughput(&args, &mut report).await?;
    }
    if args.wants("replicas") {
        part_replicas(&args, &mut report).await?;
    }
    if args.wants("broadcast") {
        part_broadcast(&args, &mut report).await?;
        part_broadcast_with_server_errors(&args, &mut report).await?;
    }
    if args.wants("scheduler") {
        part_scheduler(&args, &mut report).await?;
    }
    if args.wants("memory") {
        part_memory(&args, &mut report).await?;
    }
    let hangs = SHUTDOWN_HANGS.load(Ordering::Relaxed);
    if hangs > 0 {
        report.add("shutdown", "Running::stop calls that hung", hangs.to_string(), "0", Some(false));
    }
    report.print();
    Ok(())
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned())
}
