//! The only wiring: storage, the bot, the dispatcher and background workers.

use std::sync::Arc;

use anyhow::Context as _;
use teloxide::dispatching::Dispatcher;
use teloxide::dispatching::ShutdownToken;
use teloxide::error_handlers::LoggingErrorHandler;
use teloxide::prelude::*;
use teloxide::stop::StopToken;
use teloxide::types::{BotCommand, BotCommandScope};
use teloxide::update_listeners::{Polling, UpdateListener as _};
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
    for lang in Lang::ALL {
        let commands = vec![
            BotCommand::new("start", tr!(lang, "cmd-start")),
            BotCommand::new("menu", tr!(lang, "cmd-menu")),
            BotCommand::new("courses", tr!(lang, "cmd-courses")),
            BotCommand::new("my", tr!(lang, "cmd-my")),
            BotCommand::new("credits", tr!(lang, "cmd-credits")),
            BotCommand::new("checkin", tr!(lang, "cmd-checkin")),
            BotCommand::new("broadcast", tr!(lang, "cmd-broadcast")),
            BotCommand::new("help", tr!(lang, "cmd-help")),
            BotCommand::new("settings", tr!(lang, "cmd-settings")),
            BotCommand::new("cancel", tr!(lang, "cmd-cancel")),
        ];
        let mut req = bot.set_my_commands(commands).scope(BotCommandScope::Default);
        if lang != Lang::Zh {
            req = req.language_code(lang.code());
        }
        req.await.with_context(|| format!("setMyCommands for {}", lang.code()))?;
    }
    Ok(())
}

/// A running bot: the dispatcher and the background workers.
pub struct Running {
    shutdown: ShutdownToken,
    listener_stop: StopToken,
    dispatcher: JoinHandle<()>,
    workers_stop: watch::Sender<bool>,
    workers: Vec<JoinHandle<()>>,
    outbox: OutboxHandle,
}

impl Running {
    /// Stops taking updates, lets handlers in progress finish, and returns.
    pub async fn stop(self) {
        // Stop the update listener itself: its flag is kept until read, so it cannot be missed. (teloxide's
        // ShutdownToken wakes the dispatcher with a notification that is lost when it comes between two
        // of its waits, and its "shutdown done" future listens only from its first poll: a stop that
        // relied on either hung now and then.) Then wait for the dispatcher's task: handlers in progress
        // finish first.
        self.listener_stop.stop();
        let _ = self.shutdown.shutdown();
        let _ = self.dispatcher.await;
        // Workers finish the message in flight and hand back what they claimed.
        let _ = self.workers_stop.send(true);
        for worker in self.workers {
            let _ = worker.await;
        }
    }

    /// Follows what the outbox sends (for tests and the terminal chat).
    pub fn outbox(&self) -> &OutboxHandle {
        &self.outbox
    }

    /// Completes when the dispatcher has stopped by itself.
    pub async fn wait(&mut self) {
        let _ = (&mut self.dispatcher).await;
    }
}

/// Updates are handled by at most this many workers at once (see [`dispatch_lane`]).
const DISPATCH_LANES: i64 = 64;

/// Which worker handles an update: its chat's lane. teloxide's default gives every chat its own worker,
/// spawned as soon as an update for it is fetched and kept while idle up to the most ever active at once, so a
/// burst from 15,000 chats held 15,000 handlers in flight (300+ MB resident, never given back; BENCHMARKS.md,
/// part 4). Lanes bound that to 64 at a time; a chat's updates still go through one lane, in order, and a full
/// lane queue stops the fetching of further updates until it drains. Updates without a chat (poll answers) go
/// to teloxide's default worker, as before.
fn dispatch_lane(update: &Update) -> Option<i64> {
    update.chat().map(|chat| chat.id.0.rem_euclid(DISPATCH_LANES))
}

/// Starts the dispatcher for `bot` on `app` in the background.
pub async fn start_bot(mut app: App, bot: Bot) -> anyhow::Result<Running> {
    register_commands(&bot).await?;
    // Certificates carry a link to the bot (their QR code): its username, from Telegram unless configured.
    if app.config.bot_username.is_none() {
        let me = bot.get_me().await.context("getMe failed: check TELOXIDE_TOKEN and the network")?;
        std::sync::Arc::make_mut(&mut app.config).bot_username = Some(me.username().to_owned());
    }
    let storage = DialogStorage::new(app.db.clone(), app.clock.clone());
    let mut dispatcher = Dispatcher::builder(bot.clone(), schema())
        .distribution_function(dispatch_lane)
        .dependencies(dptree::deps![app.clone(), storage])
        .default_handler(|update| async move {
            tracing::debug!(update_id = update.id.0, "update the bot does not handle (group chat, edit…)");
        })
        .error_handler(LoggingErrorHandler::with_custom_text("handler error"))
        .build();
    let shutdown = dispatcher.shutdown_token();
    let mut listener =
        Polling::builder(bot.clone()).timeout(std::time::Duration::from_secs(10)).delete_webhook().await.build();
    let listener_stop = listener.stop_token();
    let dispatcher = tokio::spawn(async move {
        dispatcher
            .dispatch_with_listener(listener, LoggingErrorHandler::with_custom_text("update listener error"))
            .await
    });

    let (workers_stop, stop_rx) = watch::channel(false);
    let outbox_worker = OutboxWorker::new(app.db.clone(), bot.clone(), app.clock.clone())
        .with_wake(app.outbox_wake.clone())
        .with_worker_id(app.config.worker_id.clone().unwrap_or_else(crate::outbox::default_worker_id))
        .with_default_timezone(app.config.default_timezone)
        .with_pacing(Pacing {
            global_per_sec: app.config.send_per_sec,
            per_chat_min_interval: app.config.per_chat_interval,
        });
    let (outbox, outbox_join) = outbox_worker.spawn(stop_rx.clone());
    let scheduler = tokio::spawn(crate::scheduler::run(app.clone(), stop_rx.clone()));
    let progress =
        tokio::spawn(crate::bot::progress::run(app.clone(), bot.clone(), outbox.subscribe(), stop_rx.clone()));
    let workers = vec![outbox_join, scheduler, progress];
    Ok(Running { shutdown, listener_stop, dispatcher, workers_stop, workers, outbox })
}

/// `fieldschool run`: the bot on long polling until Ctrl-C or SIGTERM.
pub async fn run(config: Config) -> anyhow::Result<()> {
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
        _ = running.wait() => tracing::warn!("dispatcher stopped by itself"),
    }
    Ok(())
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
