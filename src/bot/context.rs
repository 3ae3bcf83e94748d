//! Turns a Telegram update into one [`Ctx`]: who is writing, in which language, their dialog state,
//! and what they did ([`Incoming`]). Handlers receive it and stay thin.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use teloxide::dispatching::dialogue::Dialogue;
use teloxide::prelude::*;
use teloxide::types::{CallbackQueryId, ChatKind, Me, MessageId, ReplyMarkup};
use teloxide::utils::command::BotCommands;

use super::callback::Cb;
use super::dialog_storage::DialogStorage;
use crate::app::App;
use crate::db;
use crate::domain::dialog::State;
use crate::domain::person::Person;
use crate::i18n::Lang;
use crate::tr;

/// The commands the bot understands, in any dialog state. Descriptions shown in Telegram's menu come
/// from the locales (see `startup::register_commands`), not from here.
#[derive(BotCommands, Clone, Debug, PartialEq, Eq)]
#[command(rename_rule = "lowercase")]
pub enum Command {
    Start(String),
    Cancel,
    Help,
    Settings,
    Menu,
    Courses,
    My,
    Requests,
    Checkin,
    Credits,
    #[command(rename = "export_credits")]
    ExportCredits,
    Report,
    Broadcast,
    Outcomes,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incoming {
    Command(Command),
    /// Something that looks like a command but is not one of ours.
    UnknownCommand,
    Text(String),
    /// A shared contact; `own` is false when someone shares another person's card.
    Contact {
        phone: String,
        own: bool,
    },
    /// A photo (its largest size) and its caption; only broadcasts take photos.
    Photo {
        file_id: String,
        caption: String,
    },
    /// A shared location (check-in at the venue).
    Location(crate::domain::learning::GeoPoint),
    /// A sticker, voice note…
    Unsupported,
    /// A button press; `None` when the data does not decode (forged, or from an old version).
    Callback(Option<Cb>),
}

pub type BotDialogue = Dialogue<State, DialogStorage>;

#[derive(Clone)]
pub struct Ctx {
    pub app: App,
    pub bot: Bot,
    pub chat: ChatId,
    pub user_id: i64,
    pub lang: Lang,
    pub person: Option<Person>,
    pub state: State,
    pub incoming: Incoming,
    pub dialogue: BotDialogue,
    callback: Option<(CallbackQueryId, Option<MessageId>)>,
    callback_answered: Arc<AtomicBool>,
}

/// Builds the context. `None` only for updates the bot deliberately ignores (group chats, channel
/// posts, edits of old messages). A storage failure still yields a context so the person hears an
/// apology instead of silence.
pub async fn load(update: Update, app: App, bot: Bot, me: Me, storage: Arc<DialogStorage>) -> Option<Ctx> {
    let (chat, from, incoming, callback) = match &update.kind {
        teloxide::types::UpdateKind::Message(msg) => {
            if !matches!(msg.chat.kind, ChatKind::Private(_)) {
                return None;
            }
            let from = msg.from.as_ref()?;
            (msg.chat.id, from.clone(), incoming_from_message(msg, from.id, me.username()), None)
        }
        teloxide::types::UpdateKind::CallbackQuery(q) => {
            let chat = q.message.as_ref().map(|m| m.chat().id).unwrap_or(ChatId(q.from.id.0 as i64));
            let message_id = q.message.as_ref().map(|m| m.id());
            let data = q.data.as_deref().and_then(Cb::decode);
            if data.is_none() {
                tracing::warn!(user = q.from.id.0, data = ?q.data, "callback data that does not decode");
            }
            (chat, q.from.clone(), Incoming::Callback(data), Some((q.id.clone(), message_id)))
        }
        _ => return None,
    };
    let user_id = from.id.0 as i64;
    let person = match db::people::find(&app.db, user_id).await {
        Ok(p) => p,
        Err(e) => {
            tracing::error!(user_id, error = %e, "loading person");
            None
        }
    };
    let state = match db::dialogs::load(&app.db, chat.0).await {
        Ok(s) => s.unwrap_or_default(),
        Err(e) => {
            tracing::error!(chat = chat.0, error = %e, "loading dialog state");
            State::Idle
        }
    };
    let lang = match (&person, &state) {
        (Some(p), _) => p.lang,
        (None, State::Registering(r)) => r.lang,
        (None, _) => Lang::from_telegram_hint(from.language_code.as_deref()),
    };
    if person.is_some() {
        // Writing to the bot again means they unblocked it.
        if let Err(e) = db::people::mark_reachable(&app.db, user_id).await {
            tracing::warn!(user_id, error = %e, "marking reachable");
        }
    }
    Some(Ctx {
        dialogue: BotDialogue::new(storage, chat),
        app,
        bot,
        chat,
        user_id,
        lang,
        person,
        state,
        incoming,
        callback,
        callback_answered: Arc::new(AtomicBool::new(false)),
    })
}

fn incoming_from_message(msg: &Message, from: UserId, bot_username: &str) -> Incoming {
    if let Some(text) = msg.text() {
        if text.starts_with('/') {
            return match Command::parse(text, bot_username) {
                Ok(cmd) => Incoming::Command(cmd),
                Err(_) => Incoming::UnknownCommand,
            };
        }
        return Incoming::Text(text.to_owned());
    }
    if let Some(sizes) = msg.photo()
        && let Some(largest) = sizes.iter().max_by_key(|p| p.width * p.height)
    {
        return Incoming::Photo {
            file_id: largest.file.id.to_string(),
            caption: msg.caption().unwrap_or_default().to_owned(),
        };
    }
    if let Some(contact) = msg.contact() {
        return Incoming::Contact { phone: contact.phone_number.clone(), own: contact.user_id == Some(from) };
    }
    // A forwarded location says where someone else was: not a check-in.
    if let Some(location) = msg.location()
        && msg.forward_origin().is_none()
        && let Some(point) = crate::domain::learning::GeoPoint::from_degrees(location.latitude, location.longitude)
    {
        return Incoming::Location(point);
    }
    Incoming::Unsupported
}

impl Ctx {
    pub fn is_callback(&self) -> bool {
        self.callback.is_some()
    }

    /// The message a pressed button was on.
    pub fn callback_message(&self) -> Option<MessageId> {
        self.callback.as_ref().and_then(|(_, m)| *m)
    }

    /// Answers the button press (once); Telegram shows a spinner until this happens.
    pub async fn answer(&self, text: Option<String>) -> anyhow::Result<()> {
        let Some((id, _)) = &self.callback else { return Ok(()) };
        if self.callback_answered.swap(true, Ordering::SeqCst) {
            return Ok(());
        }
        let mut req = self.bot.answer_callback_query(id.clone());
        if let Some(text) = text {
            req = req.text(text);
        }
        req.await?;
        Ok(())
    }

    /// "This menu has expired": a button from an old message, answered and otherwise ignored.
    pub async fn answer_stale(&self) -> anyhow::Result<()> {
        if self.is_callback() {
            self.answer(Some(tr!(self.lang, "menu-expired"))).await
        } else {
            self.say(tr!(self.lang, "menu-expired")).await
        }
    }

    /// Removes the buttons from the message a button was pressed on, so old choices cannot be tapped
    /// again by mistake. Failure (message too old) does not matter.
    pub async fn retire_pressed_keyboard(&self) {
        if let Some(message_id) = self.callback_message()
            && let Err(e) = self.bot.edit_message_reply_markup(self.chat, message_id).await
        {
            tracing::debug!(error = %e, "could not remove old keyboard");
        }
    }

    pub async fn say(&self, text: String) -> anyhow::Result<()> {
        self.bot.send_message(self.chat, text).await?;
        Ok(())
    }

    pub async fn say_with(&self, text: String, markup: impl Into<ReplyMarkup>) -> anyhow::Result<()> {
        self.bot.send_message(self.chat, text).reply_markup(markup).await?;
        Ok(())
    }

    pub async fn set_state(&self, state: State) -> anyhow::Result<()> {
        self.dialogue.update(state).await?;
        Ok(())
    }

    /// Runs a handler; whatever goes wrong is logged with context and the person gets a short
    /// apology in their language instead of silence. The button press is always answered.
    pub async fn guard(self, result: anyhow::Result<()>) -> anyhow::Result<()> {
        if let Err(err) = result {
            tracing::error!(chat = self.chat.0, user = self.user_id, error = ?err, "handler failed");
            if let Err(e) = self.say(tr!(self.lang, "error-apology")).await {
                tracing::error!(chat = self.chat.0, error = %e, "could not send apology");
            }
        }
        if let Err(e) = self.answer(None).await {
            tracing::warn!(chat = self.chat.0, error = %e, "could not answer callback query");
        }
        Ok(())
    }
}
