//! The only wiring: storage, the bot, the dispatcher and background workers.

use std::sync::Arc;

use anyhow::Context as _;
use teloxide::prelude::*;
use teloxide::types::{BotCommand, BotCommandScope};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::app::App;
use crate::bot::dialog_storage::DialogStorage;
use crate::bot::schema::schema;
use crate::config::Config;
use crate::db::Db;
use crate::i18n::Lang;
use crate::outbox::{OutboxHandle, OutboxWorker, Pacing};
use crate::tr;

/// Connects to `url` and brings the schema up to date.
pub async fn open_db(url: &str) -> anyhow::Result<Db> {
    let db = Db::connect(url).await.with_context(|| format!("opening database {url}"))?;
    db.migrate().await.context("running migrations")?;
    Ok(db)
}

/// The wall clock, or (with `FIELDSCHOOL_CLOCK_START`) the wall clock's pace from that instant.
pub fn clock_from_config(config: &Config) -> crate::clock::SharedClock {
    match config.clock_start {
        Some(start) => Arc::new(crate::clock::OffsetClock::starting_at(start)),
        None => Arc::new(crate::clock::SystemClock),
    }
}

/// A bot client for `config`: the token, and the self-hosted Bot API server or emulator if set.
pub fn bot_from_config(config: &Config) -> anyhow::Result<Bot> {
    let token = config.token.clone().context("TELOXIDE_TOKEN is not set (get a token from @BotFather)")?;
    let mut bot = Bot::new(token);
    if let Some(url) = &config.api_url {
        bot = bot.set_api_url(url.parse().with_context(|| format!("TELOXIDE_API_URL {url:?} is not a URL"))?);
    }
    Ok(bot)
}

/// The command menu Telegram shows, in each language (Chinese as the default for everyone else).
pub async fn register_commands(bot: &Bot) -> anyhow::Result<()> {
    let mut named = std::collections::HashSet::new();
    for lang in Lang::ALL {
        // Telegram takes a two-letter ISO 639-1 code here: `pt-BR` registers as `pt`, once.
        let code = lang.code().split('-').next().unwrap_or_default().to_ascii_lowercase();
        if lang != Lang::Zh && (code.len() != 2 || !named.insert(code.clone())) {
            continue;
        }
        let commands = vec![
            BotCommand::new("start", tr!(lang, "cmd-start")),
            BotCommand::new("menu", tr!(lang, "cmd-menu")),
            BotCommand::new("courses", tr!(lang, "cmd-courses")),
            BotCommand::new("my", tr!(lang, "cmd-my")),
            BotCommand::new("credits", tr!(lang, "cmd-credits")),
            BotCommand::new("checkin", tr!(lang, "cmd-checkin")),
            BotCommand::new("broadcast", tr!(lang, "cmd-broadcast")),
            BotCommand::new("lesson", tr!(lang, "cmd-lesson")),
            BotCommand::new("opening", tr!(lang, "cmd-opening")),
            BotCommand::new("help", tr!(lang, "cmd-help")),
            BotCommand::new("settings", tr!(lang, "cmd-settings")),
            BotCommand::new("mydata", tr!(lang, "cmd-mydata")),
            BotCommand::new("deleteme", tr!(lang, "cmd-deleteme")),
            BotCommand::new("cancel", tr!(lang, "cmd-cancel")),
        ];
        let mut req = bot.set_my_commands(commands).scope(BotCommandScope::Default);
        if lang != Lang::Zh {
            req = req.language_code(code);
        }
        req.await.with_context(|| format!("setMyCommands for {}", lang.code()))?;
    }
    Ok(())
}

/// A running bot: the update ingress (polling or webhook), the inbox workers and the background workers.
pub struct Running {
    stop: watch::Sender<bool>,
    /// Ingress and inbox workers: stopped first, so no update is taken that cannot be finished.
    intake: Vec<JoinHandle<()>>,
    ingress: JoinHandle<()>,
    background: Vec<JoinHandle<()>>,
    background_stop: watch::Sender<bool>,
    outbox: OutboxHandle,
    listening: Option<std::net::SocketAddr>,
    settled: tokio::sync::broadcast::Sender<i64>,
}

impl Running {
    /// Stops taking updates, lets the updates being handled finish, then stops the background workers.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.ingress.await;
        for task in self.intake {
            let _ = task.await;
        }
        // The outbox finishes the calls in flight and hands back what it claimed.
        let _ = self.background_stop.send(true);
        for task in self.background {
            let _ = task.await;
        }
    }

    /// Follows what the outbox sends (for tests and the terminal chat).
    pub fn outbox(&self) -> &OutboxHandle {
        &self.outbox
    }

    /// The ids of updates as their handling ends (for tests that look at storage afterwards).
    pub fn settled_updates(&self) -> tokio::sync::broadcast::Receiver<i64> {
        self.settled.subscribe()
    }

    /// Where the webhook and /healthz, /metrics listen, when they do.
    pub fn listening(&self) -> Option<std::net::SocketAddr> {
        self.listening
    }

    /// Completes when the ingress has stopped by itself (the webhook server failed).
    pub async fn wait(&mut self) {
        let _ = (&mut self.ingress).await;
    }
}

/// Starts the bot on `app`: updates come in through the durable inbox (webhook when configured, else
/// long polling), handled by the inbox workers; the outbox, the scheduler and the broadcast follower run
/// beside them.
pub async fn start_bot(mut app: App, bot: Bot) -> anyhow::Result<Running> {
    crate::render::use_font_file(app.config.cjk_font.clone());
    crate::metrics::init();
    register_commands(&bot).await?;
    let me = bot.get_me().await.context("getMe failed: check TELOXIDE_TOKEN and the network")?;
    // Certificates carry a link to the bot (their QR code): its username, from Telegram unless configured.
    if app.config.bot_username.is_none() {
        std::sync::Arc::make_mut(&mut app.config).bot_username = Some(me.username().to_owned());
    }
    let worker_id = app.config.worker_id.clone().unwrap_or_else(crate::outbox::default_worker_id);
    let storage = DialogStorage::new(app.db.clone(), app.clock.clone());
    let (stop, stop_rx) = watch::channel(false);
    let wake = std::sync::Arc::new(crate::inbox::Wake::new());
    let (settled, _) = tokio::sync::broadcast::channel(1024);

    // Ingress: stored before Telegram hears the update arrived.
    let (ingress, listening) = match app.config.webhook_url.clone() {
        Some(url) => {
            let path = webhook_path(&url);
            // Listening before Telegram is told where to POST: the first updates find the door open.
            let router =
                crate::inbox::webhook::router(&path, app.db.clone(), wake.clone(), app.config.webhook_secret.clone())
                    .merge(crate::ops::router(app.db.clone()));
            let (task, addr) = serve(app.config.listen, router, stop_rx.clone()).await?;
            let mut request = bot
                .set_webhook(url.parse().with_context(|| format!("FIELDSCHOOL_WEBHOOK_URL {url:?} is not a URL"))?)
                .max_connections(app.config.webhook_max_connections)
                .allowed_updates(crate::inbox::allowed_updates());
            if let Some(secret) = &app.config.webhook_secret {
                request = request.secret_token(secret.clone());
            }
            request.await.context("setWebhook failed")?;
            tracing::info!(%addr, %url, "webhook: listening");
            (task, Some(addr))
        }
        None => {
            // A webhook left by an earlier run in webhook mode would refuse getUpdates.
            bot.delete_webhook().await.context("deleteWebhook failed")?;
            let listening = match app.config.metrics_listen {
                Some(addr) => {
                    let (_task, addr) = serve(addr, crate::ops::router(app.db.clone()), stop_rx.clone()).await?;
                    Some(addr)
                }
                None => None,
            };
            let task = tokio::spawn(crate::inbox::poll(bot.clone(), app.db.clone(), wake.clone(), stop_rx.clone()));
            (task, listening)
        }
    };

    let deps = {
        let (app, bot, me, storage) = (app.clone(), bot.clone(), me.clone(), storage.clone());
        std::sync::Arc::new(move |update: Update| {
            dptree::deps![update, app.clone(), bot.clone(), me.clone(), storage.clone()]
        }) as crate::inbox::DepsFor
    };
    let intake = crate::inbox::Workers {
        db: app.db.clone(),
        handler: schema(),
        deps,
        worker_id: worker_id.clone(),
        count: app.config.inbox_workers,
        lease: app.config.inbox_lease,
        wake,
        clock: app.clock.clone(),
        settled: settled.clone(),
        flood: std::sync::Arc::new(crate::inbox::flood::FloodGate::new(app.config.flood)),
        bot: bot.clone(),
    }
    .spawn(stop_rx)
    .await;

    let (background_stop, background_rx) = watch::channel(false);
    let outbox_worker = OutboxWorker::new(app.db.clone(), bot.clone(), app.clock.clone())
        .with_wake(app.outbox_wake.clone())
        .with_worker_id(worker_id.clone())
        .with_default_timezone(app.config.default_timezone)
        .with_pacing(Pacing {
            global_per_sec: app.config.send_per_sec,
            per_chat_min_interval: app.config.per_chat_interval,
        });
    let (outbox, outbox_join) = outbox_worker.spawn(background_rx.clone());
    let scheduler = tokio::spawn(crate::scheduler::run(
        app.clone(),
        worker_id.clone(),
        app.config.inbox_lease,
        background_rx.clone(),
    ));
    let progress =
        tokio::spawn(crate::bot::progress::run(app.clone(), bot.clone(), outbox.subscribe(), background_rx.clone()));
    let background = vec![outbox_join, scheduler, progress];
    Ok(Running { stop, intake, ingress, background, background_stop, outbox, listening, settled })
}

/// The path Telegram POSTs to: that of the webhook URL (`https://bot.example.org/telegram` → `/telegram`).
fn webhook_path(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = after_scheme.find('/').map_or("/", |i| &after_scheme[i..]);
    path.split(['?', '#']).next().unwrap_or("/").to_owned()
}

/// Serves `router` on `addr` until `stop`. Returns the task and the address bound (port 0 picks one).
async fn serve(
    addr: std::net::SocketAddr,
    router: axum::Router,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<(JoinHandle<()>, std::net::SocketAddr)> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("listening on {addr} (FIELDSCHOOL_LISTEN)"))?;
    let bound = listener.local_addr()?;
    let task = tokio::spawn(async move {
        let shutdown = async move {
            let _ = stop.wait_for(|s| *s).await;
        };
        if let Err(e) = axum::serve(listener, router).with_graceful_shutdown(shutdown).await {
            tracing::error!(error = %e, "http server stopped");
        }
    });
    Ok((task, bound))
}

/// `fieldschool run`: the bot on long polling until Ctrl-C or SIGTERM.
pub async fn run(config: Config) -> anyhow::Result<()> {
    let _only_process = lock_sqlite_file(&config.database_url)?;
    let db = open_db(&config.database_url).await?;
    let bot = bot_from_config(&config)?;
    let me = bot.get_me().await.context("getMe failed: check TELOXIDE_TOKEN and the network")?;
    tracing::info!(bot = %me.username(), "connected");
    let mut config = config;
    config.bot_username.get_or_insert_with(|| me.username().to_owned());
    let app = App::new(db, clock_from_config(&config), config);
    let mut running = start_bot(app, bot).await?;
    tokio::select! {
        _ = shutdown_signal() => {
            tracing::info!("stopping: finishing updates in progress");
            running.stop().await;
        }
        _ = running.wait() => tracing::warn!("the update ingress stopped by itself"),
    }
    Ok(())
}

/// SQLite serves one bot process: a second `run` on the same file is refused, plainly (several
/// replicas need PostgreSQL). The lock is a file beside the database, released by the OS when the
/// process ends, however it ends.
fn lock_sqlite_file(url: &str) -> anyhow::Result<Option<std::fs::File>> {
    let Some(path) = crate::db::sqlite_file(url) else { return Ok(None) };
    let mut lock_path = path.clone().into_os_string();
    lock_path.push(".lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .with_context(|| format!("opening {}", std::path::Path::new(&lock_path).display()))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => anyhow::bail!(
            "another fieldschool process is already running on {}: SQLite serves one process. Stop the other one, \
             or use PostgreSQL (DATABASE_URL=postgres://…) to run several replicas.",
            path.display()
        ),
        Err(std::fs::TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("locking {}", std::path::Path::new(&lock_path).display()))
        }
    }
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
