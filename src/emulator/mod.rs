//! An HTTP emulator of the Telegram Bot API on loopback, for end-to-end tests, `fieldschool chat` (a person
//! talks to the bot from a terminal) and benchmarks.
//!
//! Point a real `teloxide::Bot` at [`Emulator::api_url`] (`Bot::set_api_url` or `TELOXIDE_API_URL`); the
//! emulator answers the Bot API methods the project uses, refuses what Telegram refuses (with Telegram's
//! error texts), and lets the caller play the person: [`Emulator::send_text`], [`Emulator::press_button`], ...
//! What the bot did is read back with [`Emulator::messages`], [`Emulator::next_message`] and
//! [`Emulator::subscribe`].
//!
//! State lives behind one `std::sync::Mutex` that is never held across an `.await`; waiting is done on
//! `tokio::sync::Notify` signals, never by polling.

pub mod markup;
pub mod multipart;
mod server;
mod state;
mod webhook;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use anyhow::{Context as _, anyhow};
use tokio::sync::{Notify, broadcast};

use crate::clock::{SharedClock, SystemClock};
use state::State;

/// Commands of one setMyCommands call: (command, description).
pub type CommandList = Vec<(String, String)>;

/// Command lists per language code (None = all languages).
pub type CommandSets = Vec<(Option<String>, CommandList)>;

/// Sending limits to enforce; exceeding them gives `429 Too Many Requests: retry after N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// Accepted sends across all chats in any one-second window.
    pub global_per_sec: u32,
    /// Accepted sends to one chat in any one-second window.
    pub per_chat_per_sec: u32,
}

impl RateLimits {
    /// Telegram's published limits: 30 messages/s overall, 1 message/s per chat.
    pub fn telegram() -> Self {
        Self { global_per_sec: 30, per_chat_per_sec: 1 }
    }
}

/// How to start an [`Emulator`].
#[derive(Clone)]
pub struct EmulatorOptions {
    /// The bot token expected in every URL (`/bot{token}/method`); anything else gets 401.
    pub token: String,
    /// The bot's username, returned by getMe.
    pub bot_username: String,
    /// Rate limits to enforce; `None` accepts any rate.
    pub rate_limits: Option<RateLimits>,
    /// Source of message dates and of the rate-limit windows (a `ManualClock` makes limits deterministic).
    pub clock: SharedClock,
    /// How long [`Emulator::next_message`] and the other waits wait before failing.
    pub wait_timeout: Duration,
}

impl Default for EmulatorOptions {
    fn default() -> Self {
        Self {
            token: "123456789:TEST-token_for-the-emulator".to_owned(),
            bot_username: "fieldschool_test_bot".to_owned(),
            rate_limits: None,
            clock: Arc::new(SystemClock),
            wait_timeout: Duration::from_secs(20),
        }
    }
}

/// A person on the other side of the chat. Their private chat with the bot has the same id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmuUser {
    pub id: i64,
    pub first_name: String,
    pub last_name: Option<String>,
    pub username: Option<String>,
    pub language_code: Option<String>,
}

impl EmuUser {
    /// A user with only a first name.
    pub fn new(id: i64, first_name: impl Into<String>) -> Self {
        Self { id, first_name: first_name.into(), last_name: None, username: None, language_code: None }
    }

    /// The same user with an IETF language tag (as Telegram reports the app's language, e.g. "zh-hans", "en").
    pub fn with_language(mut self, language_code: impl Into<String>) -> Self {
        self.language_code = Some(language_code.into());
        self
    }

    /// The same user with a username.
    pub fn with_username(mut self, username: impl Into<String>) -> Self {
        self.username = Some(username.into());
        self
    }
}

/// A fault to inject into the next send (sendMessage/sendPhoto/sendDocument/sendVoice/sendVideo/sendPoll)
/// to a chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// 429 "Too Many Requests: retry after N" with `parameters.retry_after`.
    TooManyRequests { retry_after: u32 },
    /// 502 "Bad Gateway". Note that teloxide waits 10 s after any 5xx before reading the response.
    ServerError,
    /// 403 "Forbidden: bot was blocked by the user" (once; see [`Emulator::block_bot`] for lasting blocks).
    Blocked,
    /// A slow upstream: the call is held (reported as [`EmuEvent::Held`]) until [`Emulator::release_held`],
    /// then answered 502.
    HeldServerError,
}

/// An inline keyboard button as the bot sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineButton {
    pub text: String,
    pub callback_data: Option<String>,
    pub url: Option<String>,
}

/// A reply keyboard button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyButton {
    pub text: String,
    pub request_contact: bool,
    /// Sends the person's location when tapped (see [`Emulator::send_location`]).
    pub request_location: bool,
}

/// A custom reply keyboard (replaces the phone's keyboard).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyKeyboard {
    pub rows: Vec<Vec<ReplyButton>>,
    pub one_time: bool,
}

/// A poll the bot sent, with the votes cast through [`Emulator::vote`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmuPoll {
    pub id: String,
    pub question: String,
    pub options: Vec<String>,
    pub votes: Vec<u32>,
    pub is_anonymous: bool,
    /// "regular" or "quiz".
    pub kind: String,
    pub allows_multiple_answers: bool,
    pub correct_option_id: Option<u32>,
    pub is_closed: bool,
}

/// A message the bot sent, in its current state (after edits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotMessage {
    pub message_id: i32,
    pub chat_id: i64,
    /// Unix time of sending, from the emulator's clock.
    pub date: i64,
    /// Text exactly as the bot sent it (markup included); see [`BotMessage::rendered_text`].
    pub text: Option<String>,
    pub caption: Option<String>,
    pub parse_mode: Option<String>,
    /// Bytes of an uploaded photo (empty when sent by URL).
    pub photo: Option<Vec<u8>>,
    /// File name and bytes of a document (empty bytes when sent by URL).
    pub document: Option<(String, Vec<u8>)>,
    /// Bytes of a voice message (sendVoice).
    pub voice: Option<Vec<u8>>,
    /// Bytes of a video (sendVideo).
    pub video: Option<Vec<u8>>,
    /// The file id of the photo, document, voice or video, as returned to the bot.
    pub file_id: Option<String>,
    /// The file's bytes came with the request (an upload), not as a file id the emulator knew.
    pub uploaded: bool,
    pub inline_keyboard: Vec<Vec<InlineButton>>,
    pub reply_keyboard: Option<ReplyKeyboard>,
    /// The message asked the phone to remove the custom reply keyboard.
    pub remove_keyboard: bool,
    pub poll: Option<EmuPoll>,
    /// How many successful edits the message has had.
    pub edits: u32,
}

impl BotMessage {
    /// What the person reads: the text (or caption, or poll question) with HTML/MarkdownV2 markup resolved.
    pub fn rendered_text(&self) -> String {
        let raw = self.text.as_deref().or(self.caption.as_deref());
        match raw {
            Some(raw) => {
                markup::parse(raw, self.parse_mode.as_deref()).map(|p| p.text).unwrap_or_else(|_| raw.to_owned())
            }
            None => self.poll.as_ref().map(|p| p.question.clone()).unwrap_or_default(),
        }
    }

    /// All inline buttons, row by row.
    pub fn buttons(&self) -> impl Iterator<Item = &InlineButton> {
        self.inline_keyboard.iter().flatten()
    }
}

/// How the bot answered a callback query.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CallbackAnswer {
    pub text: Option<String>,
    pub show_alert: bool,
}

/// Something the bot did, as seen by the person (for the terminal front-end).
#[derive(Debug, Clone)]
pub enum EmuEvent {
    Sent(BotMessage),
    Edited(BotMessage),
    Deleted {
        chat_id: i64,
        message_id: i32,
    },
    /// answerCallbackQuery: `text` is the toast (or alert, when `show_alert`) the phone shows.
    CallbackAnswered {
        callback_id: String,
        chat_id: i64,
        text: Option<String>,
        show_alert: bool,
    },
    /// sendChatAction ("typing", "upload_photo", ...).
    ChatAction {
        chat_id: i64,
        action: String,
    },
    /// A send is being held by a [`Fault::HeldServerError`].
    Held {
        chat_id: i64,
    },
    /// A request the emulator refused (4xx/5xx), with Telegram's description.
    Refused {
        method: String,
        chat_id: Option<i64>,
        error_code: u16,
        description: String,
    },
}

/// Running totals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EmuStats {
    /// Updates produced by the person's actions.
    pub updates_queued: u64,
    /// Updates handed out by getUpdates, redeliveries included.
    pub updates_delivered: u64,
    /// Updates confirmed by a later getUpdates offset.
    pub updates_confirmed: u64,
    /// Webhook POSTs answered with anything but 2xx (or not answered).
    pub webhook_failures: u64,
    /// Successful sendMessage/sendPhoto/sendDocument/sendVoice/sendVideo/sendPoll calls.
    pub sends_ok: u64,
    /// Successful edits (text, caption, markup, stopPoll).
    pub edits_ok: u64,
    pub bad_requests: u64,
    pub unauthorized: u64,
    pub forbidden: u64,
    pub not_found: u64,
    pub too_many_requests: u64,
    pub server_errors: u64,
}

pub(crate) struct Shared {
    token: String,
    bot_username: String,
    bot_id: i64,
    clock: SharedClock,
    wait_timeout: Duration,
    rate_limits: Option<RateLimits>,
    state: Mutex<State>,
    /// Something the bot did changed (message sent/edited/deleted, callback answered).
    bot_activity: Notify,
    /// An update was queued, or a newer getUpdates call superseded a waiting one.
    updates_ready: Notify,
    /// getUpdates confirmed updates.
    updates_confirmed: Notify,
    /// Something for the webhook delivery to do (an update queued, a webhook set, a POST ended).
    delivery_wake: Notify,
    /// Counts [`Emulator::release_held`] calls; held calls wait for it to move.
    released: tokio::sync::watch::Sender<u64>,
    events: broadcast::Sender<EmuEvent>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves consistent-enough data for a test double; keep serving.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// An update was queued: wake a waiting getUpdates and the webhook delivery.
    fn updates_queued(&self) {
        self.updates_ready.notify_waiters();
        self.delivery_wake.notify_one();
    }

    fn emit(&self, event: EmuEvent) {
        // No subscriber is fine.
        let _ = self.events.send(event);
    }
}

/// Where an emulator's update ids start: each emulator of a process gets its own block of a million, so a
/// bot restarted against a new emulator on the same database (tests do) sees ids grow, as Telegram's do.
fn next_update_block() -> i32 {
    static BLOCKS: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(0);
    BLOCKS.fetch_add(1, std::sync::atomic::Ordering::Relaxed).saturating_mul(1_000_000)
}

/// A running emulator. Cheap to clone; clones share everything, including the [`Emulator::next_message`]
/// cursors. The HTTP server stops when the last clone is dropped.
#[derive(Clone)]
pub struct Emulator {
    shared: Arc<Shared>,
    _server: Arc<server::ServerGuard>,
    /// Dropped with the last clone: the webhook delivery stops.
    _delivery: Arc<tokio::sync::watch::Sender<()>>,
}

impl Emulator {
    /// Starts the HTTP server on 127.0.0.1 with a free port.
    pub async fn start(opts: EmulatorOptions) -> anyhow::Result<Emulator> {
        let bot_id = opts.token.split(':').next().and_then(|id| id.parse::<i64>().ok()).unwrap_or(1);
        let (events, _) = broadcast::channel(4096);
        let shared = Arc::new(Shared {
            bot_id,
            token: opts.token,
            bot_username: opts.bot_username,
            clock: opts.clock,
            wait_timeout: opts.wait_timeout,
            rate_limits: opts.rate_limits,
            state: Mutex::new(State::with_update_ids_after(next_update_block())),
            bot_activity: Notify::new(),
            updates_ready: Notify::new(),
            updates_confirmed: Notify::new(),
            delivery_wake: Notify::new(),
            released: tokio::sync::watch::channel(0).0,
            events,
        });
        let server = server::serve(shared.clone()).await?;
        let (delivery_stop, stopped) = tokio::sync::watch::channel(());
        tokio::spawn(webhook::deliver(shared.clone(), stopped));
        Ok(Emulator { shared, _server: Arc::new(server), _delivery: Arc::new(delivery_stop) })
    }

    /// Base URL for `Bot::set_api_url` / `TELOXIDE_API_URL`, e.g. `http://127.0.0.1:40123/`.
    pub fn api_url(&self) -> String {
        format!("http://{}/", self._server.addr)
    }

    pub fn token(&self) -> &str {
        &self.shared.token
    }

    pub fn bot_username(&self) -> &str {
        &self.shared.bot_username
    }

    /// The bot's user id (the number before ':' in the token).
    pub fn bot_id(&self) -> i64 {
        self.shared.bot_id
    }

    /// Registers a person; their private chat (same id) now exists. Re-adding updates the profile.
    pub fn add_user(&self, user: EmuUser) {
        self.shared.lock().add_user(user);
    }

    /// The person types `text` (a command when it starts with '/': it gets a bot_command entity).
    /// Returns the new message's id. A user never added is added as "User {id}".
    pub fn send_text(&self, user_id: i64, text: &str) -> i32 {
        self.person_message(user_id, state::PersonContent::Text(text.to_owned()))
    }

    /// The person shares their own contact (contact.user_id = the sender). Returns the message id.
    pub fn send_contact(&self, user_id: i64, phone: &str) -> i32 {
        self.person_message(user_id, state::PersonContent::Contact(phone.to_owned()))
    }

    /// The person sends a sticker. Returns the message id.
    pub fn send_sticker(&self, user_id: i64) -> i32 {
        self.person_message(user_id, state::PersonContent::Sticker)
    }

    /// The person sends a photo (no caption). Returns the message id.
    pub fn send_photo(&self, user_id: i64) -> i32 {
        self.person_message(user_id, state::PersonContent::Photo)
    }

    /// The person shares a location (the request_location button, or the attachment menu). Returns the
    /// message id.
    pub fn send_location(&self, user_id: i64, latitude: f64, longitude: f64) -> i32 {
        self.person_message(user_id, state::PersonContent::Location(latitude, longitude))
    }

    /// The person sends a voice note. Returns the message id.
    pub fn send_voice(&self, user_id: i64) -> i32 {
        self.person_message(user_id, state::PersonContent::Voice)
    }

    fn person_message(&self, user_id: i64, content: state::PersonContent) -> i32 {
        let now = self.shared.clock.now().timestamp();
        let message_id = self.shared.lock().person_message(user_id, content, now);
        self.shared.updates_queued();
        message_id
    }

    /// The person taps an inline button with `callback_data` on the bot's message `message_id` in their
    /// chat (any data: old or forged buttons included). Returns the callback query id.
    pub fn press(&self, user_id: i64, message_id: i32, callback_data: &str) -> String {
        let id = self.shared.lock().press(user_id, message_id, callback_data);
        self.shared.updates_queued();
        id
    }

    /// The person taps the button whose label contains `label_contains` on the newest bot message in
    /// their chat that has such a callback button. Returns the callback query id.
    pub fn press_button(&self, user_id: i64, label_contains: &str) -> anyhow::Result<String> {
        let (message_id, data) = {
            let state = self.shared.lock();
            state.find_button(user_id, label_contains).ok_or_else(|| {
                anyhow!("no bot message in chat {user_id} has a callback button labelled like {label_contains:?}")
            })?
        };
        Ok(self.press(user_id, message_id, &data))
    }

    /// The person taps a reply-keyboard button: sends its text (or their contact for a request_contact
    /// button, with `phone`). Returns the message id.
    pub fn tap_reply_button(&self, user_id: i64, label_contains: &str, phone: &str) -> anyhow::Result<i32> {
        let button =
            self.shared.lock().find_reply_button(user_id, label_contains).ok_or_else(|| {
                anyhow!("no reply keyboard button in chat {user_id} is labelled like {label_contains:?}")
            })?;
        Ok(if button.request_contact {
            self.send_contact(user_id, phone)
        } else {
            self.send_text(user_id, &button.text)
        })
    }

    /// The person votes in the bot's poll in message `message_id` of their chat. Produces a `poll` update
    /// and, for non-anonymous polls, a `poll_answer` update (which has no chat).
    pub fn vote(&self, user_id: i64, message_id: i32, option_ids: &[u32]) -> anyhow::Result<()> {
        self.shared.lock().vote(user_id, message_id, option_ids).map_err(|e| anyhow!(e))?;
        self.shared.updates_queued();
        Ok(())
    }

    /// Plays a load balancer in front of replicas: webhook POSTs go to each of `targets` in turn (full
    /// URLs) instead of the URL given to `setWebhook`. Empty: straight to that URL.
    pub fn spread_webhook(&self, targets: Vec<String>) {
        self.shared.lock().spread_webhook(targets);
        self.shared.delivery_wake.notify_one();
    }

    /// The URL the bot gave `setWebhook`, if a webhook is set.
    pub fn webhook_url(&self) -> Option<String> {
        self.shared.lock().webhook().map(|w| w.url.clone())
    }

    /// While blocked, every send/edit/chat action to that chat gets 403 "Forbidden: bot was blocked by the user".
    pub fn block_bot(&self, user_id: i64, blocked: bool) {
        self.shared.lock().block(user_id, blocked);
    }

    /// Makes the next send method to `chat_id` fail with `fault` (faults queue up in order).
    /// From now on every `n`-th send (over all chats) is answered 502 Bad Gateway; `None` stops it.
    pub fn server_error_every(&self, n: Option<u64>) {
        self.shared.lock().server_error_every(n);
    }

    /// Answers every call held by [`Fault::HeldServerError`] so far (with its 502).
    pub fn release_held(&self) {
        self.shared.released.send_modify(|n| *n += 1);
    }

    pub fn fail_next(&self, chat_id: i64, fault: Fault) {
        self.shared.lock().fail_next(chat_id, fault);
    }

    /// The bot's messages in the chat, current state (after edits), oldest first; deleted ones left out.
    pub fn messages(&self, chat_id: i64) -> Vec<BotMessage> {
        self.shared.lock().messages(chat_id)
    }

    /// The bot's newest message in the chat, if any.
    pub fn last_message(&self, chat_id: i64) -> Option<BotMessage> {
        self.shared.lock().last_message(chat_id)
    }

    /// The next message the bot sends to the chat that no clone of this handle has returned yet, in its
    /// current state. Waits for it; fails after the configured `wait_timeout`.
    pub async fn next_message(&self, chat_id: i64) -> anyhow::Result<BotMessage> {
        self.wait_for(&self.shared.bot_activity, |state| state.take_next_message(chat_id))
            .await
            .with_context(|| format!("the bot sent no further message to chat {chat_id}"))
    }

    /// Waits until the bot answers the callback query (answerCallbackQuery).
    pub async fn callback_answer(&self, callback_id: &str) -> anyhow::Result<CallbackAnswer> {
        if !self.shared.lock().callback_known(callback_id) {
            return Err(anyhow!("unknown callback query id {callback_id:?}"));
        }
        self.wait_for(&self.shared.bot_activity, |state| state.callback_answer(callback_id))
            .await
            .with_context(|| format!("the bot did not answer callback query {callback_id:?}"))
    }

    /// Everything the bot does from now on (and refusals), for a live view.
    pub fn subscribe(&self) -> broadcast::Receiver<EmuEvent> {
        self.shared.events.subscribe()
    }

    /// Successful send calls (sendMessage/sendPhoto/sendDocument/sendPoll) to the chat.
    pub fn sent_count(&self, chat_id: i64) -> usize {
        self.shared.lock().sent_count(chat_id)
    }

    pub fn stats(&self) -> EmuStats {
        self.shared.lock().stats
    }

    /// Commands set with setMyCommands for the default scope, per language code (None = all languages).
    pub fn commands(&self) -> CommandSets {
        self.shared.lock().commands_for_scope("default")
    }

    /// Commands for a scope given as its Bot API type ("default", "all_private_chats", ...; a "chat" scope
    /// is "chat:{chat_id}").
    pub fn commands_for_scope(&self, scope: &str) -> CommandSets {
        self.shared.lock().commands_for_scope(scope)
    }

    /// Number of updates produced and not yet confirmed by the bot.
    /// Waits until a message of the chat (as sent or last edited) satisfies `matches`; returns it.
    pub async fn wait_for_message(
        &self,
        chat_id: i64,
        matches: impl Fn(&BotMessage) -> bool,
    ) -> anyhow::Result<BotMessage> {
        self.wait_for(&self.shared.bot_activity, |state| state.messages(chat_id).into_iter().rev().find(|m| matches(m)))
            .await
            .with_context(|| format!("no message in chat {chat_id} became what was waited for"))
    }

    pub fn pending_updates(&self) -> usize {
        self.shared.lock().pending_updates()
    }

    /// Waits until every update produced so far has been confirmed by a getUpdates offset. teloxide
    /// confirms a batch when it asks for the next one, which is after handing the batch to the dispatcher,
    /// not after the handlers finished: wait on the bot's replies for that.
    pub async fn wait_updates_consumed(&self) -> anyhow::Result<()> {
        self.wait_for(&self.shared.updates_confirmed, |state| (state.pending_updates() == 0).then_some(()))
            .await
            .context("the bot did not confirm all updates")
    }

    /// Re-checks `check` every time `signal` fires, until it yields a value or `wait_timeout` passes.
    async fn wait_for<T>(&self, signal: &Notify, mut check: impl FnMut(&mut State) -> Option<T>) -> anyhow::Result<T> {
        let deadline = tokio::time::Instant::now() + self.shared.wait_timeout;
        loop {
            let notified = signal.notified();
            tokio::pin!(notified);
            // Registered before checking, so a change between the check and the await is not missed.
            notified.as_mut().enable();
            if let Some(value) = check(&mut self.shared.lock()) {
                return Ok(value);
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return Err(anyhow!("gave up after {:?}", self.shared.wait_timeout));
            }
        }
    }
}
