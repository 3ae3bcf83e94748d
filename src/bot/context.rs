//! Turns a Telegram update into one [`Ctx`]: who is writing, in which language, their dialog state,
//! and what they did ([`Incoming`]). Handlers receive it and stay thin.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use teloxide::dispatching::dialogue::Dialogue;
use teloxide::prelude::*;
use teloxide::types::{
    CallbackQueryId, ChatKind, InlineKeyboardButtonKind, InlineKeyboardMarkup, Me, MessageId, ReplyMarkup,
};
use teloxide::utils::command::BotCommands;

use super::dialog_storage::DialogStorage;
use super::keyboards::MenuItem;
use crate::app::App;
use crate::db;
use crate::db::keyboards::ScreenKeyboard;
use crate::domain::callback::Cb;
use crate::domain::dialog::State;
use crate::domain::labels;
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
    /// Coordinators and admins: the openings of their regions and their referral lists.
    Referrals,
    /// Everything stored about the person: a summary, a JSON file and a CSV of their answers.
    #[command(rename = "mydata")]
    MyData,
    /// Erase everything about the person, after two confirmations.
    #[command(rename = "deleteme")]
    DeleteMe,
    /// Admins: updates that failed repeatedly (`/parked`, `/parked retry [ID]`).
    Parked(String),
    /// Trainers (and coordinators, admins): make a lesson in the chat.
    Lesson,
    /// Coordinators and admins: openings (用工信息) and the pay floor.
    Opening,
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
    /// A voice message (a trainer's lesson card takes one).
    Voice {
        file_id: String,
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
    callback: Option<Press>,
    callback_answered: Arc<AtomicBool>,
    /// What `chat_keyboards` holds for this chat: `None` when nothing (a reply without buttons need not
    /// clear it), else the message the buttons are on (`None` inside: sent by the outbox).
    keyboard_on_record: Arc<std::sync::Mutex<Option<Option<i32>>>>,
}

/// How a button press reached the bot.
#[derive(Clone, Debug)]
enum Press {
    /// A tap: Telegram shows a spinner until the query is answered.
    Tapped { id: CallbackQueryId, message: Option<MessageId> },
    /// The button's label typed as text ([`labels`]): no query to answer, so a short answer is said
    /// in the chat instead.
    Typed { message: Option<MessageId> },
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
            (
                chat,
                q.from.clone(),
                Incoming::Callback(data),
                Some(Press::Tapped { id: q.id.clone(), message: message_id }),
            )
        }
        _ => return None,
    };
    let user_id = from.id.0 as i64;
    // The inbox's claim read them already for a private chat (whose id is the user's).
    let prefetched = if chat.0 == user_id { crate::inbox::take_prefetched(chat.0) } else { None };
    let facts = match prefetched {
        Some(facts) => facts,
        None => match db::chat_facts::load(&app.db, user_id, chat.0).await {
            Ok(facts) => facts,
            Err(e) => {
                tracing::error!(user_id, chat = chat.0, error = %e, "loading the person and their dialog");
                db::chat_facts::ChatFacts::default()
            }
        },
    };
    let db::chat_facts::ChatFacts { person, unreachable, dialog, dialog_unreadable, keyboard, catalog_version } = facts;
    if let Some(version) = catalog_version {
        app.db.observe_catalog_version(version);
    }
    let state = dialog.unwrap_or_default();
    crate::inbox::note_loaded(chat.0, (!dialog_unreadable).then_some(&state), keyboard.as_ref());
    let lang = match (&person, &state) {
        (Some(p), _) => p.lang,
        (None, State::Registering(r)) => r.lang,
        (None, _) => Lang::from_telegram_hint(from.language_code.as_deref()),
    };
    let (incoming, callback) = match typed_label(&incoming, keyboard.as_ref(), person.is_some(), lang) {
        Some(Typed::Press(cb, message)) => {
            tracing::debug!(chat = chat.0, ?cb, "typed button label taken as a press");
            (Incoming::Callback(Some(cb)), Some(Press::Typed { message }))
        }
        Some(Typed::MenuTap(label)) => (Incoming::Text(label), callback),
        None => (incoming, callback),
    };
    if person.is_some() && unreachable {
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
        keyboard_on_record: Arc::new(std::sync::Mutex::new(keyboard.as_ref().map(|k| k.message_id))),
    })
}

/// Telegram no longer takes an answer to this button press.
fn is_query_too_old(e: &teloxide::RequestError) -> bool {
    match e {
        teloxide::RequestError::Api(teloxide::ApiError::InvalidQueryId) => true,
        teloxide::RequestError::Api(teloxide::ApiError::Unknown(text)) => text.contains("query is too old"),
        _ => false,
    }
}

enum Typed {
    /// The label of a button on the latest bot message: handled as its press.
    Press(Cb, Option<MessageId>),
    /// A main-menu label typed without its emoji ("报名培训"): handled as the menu tap.
    MenuTap(String),
}

/// Typed text that names a button on screen. Exact main-menu labels stay text (that is how a reply
/// keyboard tap arrives); a label whose data does not decode is left alone.
fn typed_label(incoming: &Incoming, keyboard: Option<&ScreenKeyboard>, registered: bool, lang: Lang) -> Option<Typed> {
    let Incoming::Text(text) = incoming else { return None };
    if MenuItem::from_label(text).is_some() {
        return None;
    }
    if let Some(keyboard) = keyboard
        && let Some(cb) = labels::find(text, &keyboard.buttons).and_then(Cb::decode)
    {
        return Some(Typed::Press(cb, keyboard.message_id.map(MessageId)));
    }
    // The main menu is on screen for everyone registered.
    if registered {
        let item =
            MenuItem::ALL.into_iter().find(|item| Lang::ALL.iter().any(|l| labels::names(text, &item.label(*l))))?;
        return Some(Typed::MenuTap(item.label(lang)));
    }
    None
}

/// The callback buttons of an inline keyboard: (label, data).
fn callback_buttons(markup: &InlineKeyboardMarkup) -> Vec<(String, String)> {
    markup
        .inline_keyboard
        .iter()
        .flatten()
        .filter_map(|b| match &b.kind {
            InlineKeyboardButtonKind::CallbackData(data) => Some((b.text.clone(), data.clone())),
            _ => None,
        })
        .collect()
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
    if let Some(voice) = msg.voice() {
        return Incoming::Voice { file_id: voice.file.id.to_string() };
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
    /// The `$contact` argument of texts that tell the person to contact the training office.
    pub async fn office_contact_arg(&self) -> String {
        let contact = crate::services::office::contact_for(&self.app, self.person.as_ref()).await;
        crate::services::office::contact_arg(contact.as_ref(), self.lang)
    }

    /// A button press: tapped, or its label typed.
    pub fn is_callback(&self) -> bool {
        self.callback.is_some()
    }

    /// The message a pressed button was on.
    pub fn callback_message(&self) -> Option<MessageId> {
        match &self.callback {
            Some(Press::Tapped { message, .. } | Press::Typed { message }) => *message,
            None => None,
        }
    }

    /// Answers the button press (once); Telegram shows a spinner until this happens. A typed label
    /// has no query to answer: its short answer, if any, is said in the chat.
    pub async fn answer(&self, text: Option<String>) -> anyhow::Result<()> {
        let Some(press) = &self.callback else { return Ok(()) };
        if self.callback_answered.swap(true, Ordering::SeqCst) {
            return Ok(());
        }
        match (press, text) {
            (Press::Tapped { id, .. }, text) => {
                let mut req = self.bot.answer_callback_query(id.clone());
                if let Some(text) = &text {
                    req = req.text(text.clone());
                }
                match req.await {
                    Ok(_) => {}
                    // Handled late (a slow link, or again after a crash): the press can no longer be
                    // answered, which must not fail the step; a toast it carried comes as a message.
                    Err(e) if is_query_too_old(&e) => {
                        tracing::debug!(chat = self.chat.0, "callback query too old to answer");
                        if let Some(text) = text {
                            self.say(text).await?;
                        }
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            (Press::Typed { .. }, Some(text)) => self.say(text).await?,
            (Press::Typed { .. }, None) => {}
        }
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
        let Some(message_id) = self.callback_message() else { return };
        match self.bot.edit_message_reply_markup(self.chat, message_id).await {
            // The buttons on record are gone: typing one of their labels no longer presses it. (An older
            // message's buttons going leaves the latest message's on record.)
            Ok(_) if self.on_record() == Some(Some(message_id.0)) => self.remember(None).await,
            Ok(_) => {}
            Err(e) => tracing::debug!(error = %e, "could not remove old keyboard"),
        }
    }

    pub async fn say(&self, text: String) -> anyhow::Result<()> {
        self.bot.send_message(self.chat, text).await?;
        self.remember(None).await;
        Ok(())
    }

    pub async fn say_with(&self, text: String, markup: impl Into<ReplyMarkup>) -> anyhow::Result<()> {
        let markup = markup.into();
        let sent = self.bot.send_message(self.chat, text).reply_markup(markup.clone()).await?;
        match &markup {
            ReplyMarkup::InlineKeyboard(keyboard) => self.remember(Some((sent.id, keyboard))).await,
            _ => self.remember(None).await,
        }
        Ok(())
    }

    /// Notes a message a handler sent itself (not through [`Ctx::say`] / [`Ctx::say_with`]) as the
    /// latest on screen, so typing one of its button labels presses that button.
    pub async fn remember_sent(&self, sent: &Message) {
        self.remember(sent.reply_markup().map(|keyboard| (sent.id, keyboard))).await;
    }

    fn on_record(&self) -> Option<Option<i32>> {
        *self.keyboard_on_record.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn set_on_record(&self, record: Option<Option<i32>>) -> Option<Option<i32>> {
        std::mem::replace(&mut *self.keyboard_on_record.lock().unwrap_or_else(|poisoned| poisoned.into_inner()), record)
    }

    /// Records the buttons of the latest message in the chat (or that it has none). Failure only
    /// costs typed labels their meaning, so it is logged, not returned.
    async fn remember(&self, sent: Option<(MessageId, &InlineKeyboardMarkup)>) {
        let buttons = sent.map(|(_, keyboard)| callback_buttons(keyboard)).unwrap_or_default();
        let result = match sent {
            Some((message_id, _)) if !buttons.is_empty() => {
                self.set_on_record(Some(Some(message_id.0)));
                let keyboard = ScreenKeyboard { message_id: Some(message_id.0), buttons };
                // Inside the inbox's handling the record commits with the update (see `crate::inbox`).
                if crate::inbox::stage_keyboard(self.chat.0, Some(&keyboard)) {
                    return;
                }
                db::keyboards::save(&self.app.db, self.chat.0, &keyboard, self.app.now()).await
            }
            _ if self.set_on_record(None).is_some() => {
                if crate::inbox::stage_keyboard(self.chat.0, None) {
                    return;
                }
                db::keyboards::clear(&self.app.db, self.chat.0).await
            }
            _ => Ok(()),
        };
        if let Err(e) = result {
            tracing::warn!(chat = self.chat.0, error = %e, "recording the keyboard on screen");
        }
    }

    /// A step that failed half-way (a send refused, storage down) must not leave the person in a
    /// dialog whose question never arrived, where every later message is answered "use the buttons":
    /// the dialog ends, and they are told so. Registration is kept: its next message asks again.
    async fn end_dialog_after_failure(&self) -> anyhow::Result<()> {
        // The step as this update left it (staged by the inbox until the handler ends, else stored).
        let stored = self.dialogue.get().await?.unwrap_or_default();
        if matches!(stored, State::Idle | State::Registering(_)) {
            return Ok(());
        }
        self.set_state(State::Idle).await?;
        let person = db::people::find(&self.app.db, self.user_id).await?;
        let text = tr!(self.lang, "error-dialog-ended");
        match person {
            Some(person) => self.say_with(text, super::keyboards::main_menu(&person)).await,
            None => self.say(text).await,
        }
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
            let contact = self.office_contact_arg().await;
            if let Err(e) = self.say(tr!(self.lang, "error-apology", contact = contact)).await {
                tracing::error!(chat = self.chat.0, error = %e, "could not send apology");
            }
            if let Err(e) = self.end_dialog_after_failure().await {
                tracing::error!(chat = self.chat.0, error = ?e, "could not end the dialog after a failure");
            }
        }
        if let Err(e) = self.answer(None).await {
            tracing::warn!(chat = self.chat.0, error = %e, "could not answer callback query");
        }
        Ok(())
    }
}
