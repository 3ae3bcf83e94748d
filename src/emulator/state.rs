//! The emulator's state and the Bot API methods, as plain synchronous functions on [`State`]. The HTTP
//! layer locks, calls, unlocks, then emits events and wakes waiters; nothing here awaits.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::markup::{self, Parsed, utf16_len};
use super::{
    BotMessage, CallbackAnswer, CommandList, CommandSets, EmuEvent, EmuPoll, EmuStats, EmuUser, Fault, InlineButton,
    RateLimits, ReplyButton, ReplyKeyboard,
};

/// Telegram counts these limits in UTF-16 code units after entity parsing.
const TEXT_LIMIT: usize = 4096;
const CAPTION_LIMIT: usize = 1024;
const CALLBACK_DATA_LIMIT_BYTES: usize = 64;

/// A refusal: HTTP status = `code`, body `{"ok":false,"error_code":code,"description":...}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub code: u16,
    pub description: String,
    pub retry_after: Option<u32>,
}

impl ApiError {
    pub fn bad_request(what: impl AsRef<str>) -> Self {
        Self { code: 400, description: format!("Bad Request: {}", what.as_ref()), retry_after: None }
    }

    pub fn blocked() -> Self {
        Self { code: 403, description: "Forbidden: bot was blocked by the user".to_owned(), retry_after: None }
    }

    pub fn too_many_requests(retry_after: u32) -> Self {
        Self {
            code: 429,
            description: format!("Too Many Requests: retry after {retry_after}"),
            retry_after: Some(retry_after),
        }
    }

    pub fn not_found() -> Self {
        Self { code: 404, description: "Not Found".to_owned(), retry_after: None }
    }

    pub fn unauthorized() -> Self {
        Self { code: 401, description: "Unauthorized".to_owned(), retry_after: None }
    }

    pub(crate) fn server_error() -> Self {
        Self { code: 502, description: "Bad Gateway".to_owned(), retry_after: None }
    }

    /// An upload over Telegram's limit for its kind.
    pub(crate) fn too_large() -> Self {
        Self { code: 413, description: "Request Entity Too Large".to_owned(), retry_after: None }
    }

    fn chat_not_found() -> Self {
        Self::bad_request("chat not found")
    }
}

pub(crate) type MethodResult = Result<Value, ApiError>;

/// A request's parameters, whichever way they came (JSON, form, multipart, query string).
#[derive(Debug, Default)]
pub(crate) struct Params {
    pub fields: Map<String, Value>,
    /// Uploaded files by part name: (file name, bytes).
    pub files: HashMap<String, (Option<String>, Vec<u8>)>,
}

impl Params {
    fn get(&self, key: &str) -> Option<&Value> {
        self.fields.get(key).filter(|v| !v.is_null())
    }

    /// An integer given as a JSON number or a decimal string (forms carry everything as text).
    pub fn int(&self, key: &str) -> Option<i64> {
        match self.get(key)? {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    pub fn string(&self, key: &str) -> Option<String> {
        match self.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    pub fn bool(&self, key: &str) -> Option<bool> {
        match self.get(key)? {
            Value::Bool(b) => Some(*b),
            Value::String(s) => Some(s == "true" || s == "1"),
            Value::Number(n) => Some(n.as_i64() == Some(1)),
            _ => None,
        }
    }

    /// An object or array, given inline (JSON body) or JSON-serialised in a string (form fields).
    pub fn object(&self, key: &str) -> Result<Option<Value>, ApiError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) => serde_json::from_str(s)
                .map(Some)
                .map_err(|_| ApiError::bad_request(format!("can't parse {key} JSON object"))),
            Some(other) => Ok(Some(other.clone())),
        }
    }

    fn chat_id(&self) -> Result<i64, ApiError> {
        match self.get("chat_id") {
            None => Err(ApiError::bad_request("chat_id is empty")),
            // "@username" targets channels and groups; this emulator has private chats only.
            Some(_) => self.int("chat_id").ok_or_else(ApiError::chat_not_found),
        }
    }

    fn message_id(&self) -> Result<i32, ApiError> {
        self.int("message_id")
            .and_then(|id| i32::try_from(id).ok())
            .ok_or_else(|| ApiError::bad_request("message identifier is not specified"))
    }
}

/// What the request handler needs besides the state.
pub(crate) struct Ctx {
    pub bot_user: Value,
    pub now: i64,
    pub now_ms: i64,
    pub rate_limits: Option<RateLimits>,
}

pub(crate) enum PersonContent {
    Text(String),
    Contact(String),
    Sticker,
    Photo,
    Voice,
    /// A shared location: latitude, longitude.
    Location(f64, f64),
}

struct QueuedUpdate {
    id: i32,
    /// The chat (else the user) whose order Telegram keeps for webhook delivery.
    chat: i64,
    json: Arc<str>,
    /// Webhook delivery: being POSTed now, failed POSTs so far, and when it may be tried again.
    in_flight: bool,
    attempts: u32,
    retry_at: Option<std::time::Instant>,
}

/// The webhook set with `setWebhook`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Webhook {
    pub url: String,
    pub secret: Option<String>,
    pub max_connections: usize,
}

/// One update handed to the webhook delivery: where to POST it and what.
#[derive(Debug, Clone)]
pub(crate) struct Delivery {
    pub update_id: i32,
    pub target: String,
    pub secret: Option<String>,
    pub json: Arc<str>,
}

struct StoredMessage {
    message: BotMessage,
    /// The media part of the Message object ("photo", "document"), fixed at sending.
    media: Option<(&'static str, Value)>,
    /// Inline keyboard as the bot sent it, echoed back in Message.reply_markup.
    inline_markup: Option<Value>,
    json: Value,
    deleted: bool,
}

#[derive(Default)]
struct ChatState {
    next_message_id: i32,
    messages: BTreeMap<i32, StoredMessage>,
    /// Bot message ids in sending order, read by `next_message` through `cursor`.
    sent_order: Vec<i32>,
    cursor: usize,
    blocked: bool,
    faults: VecDeque<Fault>,
    /// Instants (ms) of accepted sends in the last second, only kept when rate limits are on.
    window: VecDeque<i64>,
    sent_count: usize,
}

impl ChatState {
    fn new_message_id(&mut self) -> i32 {
        self.next_message_id += 1;
        self.next_message_id
    }

    fn live(&self, message_id: i32) -> Option<&StoredMessage> {
        self.messages.get(&message_id).filter(|m| !m.deleted)
    }
}

struct StoredFile {
    name: Option<String>,
    bytes: Arc<Vec<u8>>,
}

struct ResolvedFile {
    file_id: String,
    name: Option<String>,
    bytes: Arc<Vec<u8>>,
}

struct CallbackState {
    chat_id: i64,
    answer: Option<CallbackAnswer>,
}

#[derive(Clone, Default, PartialEq)]
struct Markup {
    inline: Vec<Vec<InlineButton>>,
    inline_json: Option<Value>,
    reply: Option<ReplyKeyboard>,
    remove: bool,
}

#[derive(Default)]
pub(crate) struct State {
    users: HashMap<i64, EmuUser>,
    chats: HashMap<i64, ChatState>,
    next_update_id: i32,
    queue: VecDeque<QueuedUpdate>,
    /// Bumped by every getUpdates call; a waiting call that sees a newer one gives way (409 Conflict).
    pub poll_generation: u64,
    callbacks: HashMap<String, CallbackState>,
    next_callback: u64,
    /// (scope key, language code) -> commands.
    commands: BTreeMap<(String, Option<String>), CommandList>,
    files: HashMap<String, StoredFile>,
    next_file: u64,
    polls: HashMap<String, (i64, i32)>,
    global_window: VecDeque<i64>,
    pub stats: EmuStats,
    allowed_updates: Option<Vec<String>>,
    /// Every n-th send (counted over all chats) is answered 502.
    server_error_every: Option<u64>,
    sends_seen: u64,
    webhook: Option<Webhook>,
    /// Where webhook POSTs really go, in turn (a load balancer in front of replicas); empty: the URL.
    webhook_spread: Vec<String>,
    next_target: usize,
}

fn user_json(user: &EmuUser) -> Value {
    let mut value = json!({"id": user.id, "is_bot": false, "first_name": user.first_name});
    if let Some(last_name) = &user.last_name {
        value["last_name"] = json!(last_name);
    }
    if let Some(username) = &user.username {
        value["username"] = json!(username);
    }
    if let Some(language_code) = &user.language_code {
        value["language_code"] = json!(language_code);
    }
    value
}

fn chat_json(user: &EmuUser) -> Value {
    let mut value = json!({"id": user.id, "type": "private", "first_name": user.first_name});
    if let Some(last_name) = &user.last_name {
        value["last_name"] = json!(last_name);
    }
    if let Some(username) = &user.username {
        value["username"] = json!(username);
    }
    value
}

fn poll_json(poll: &EmuPoll) -> Value {
    let options: Vec<Value> = poll
        .options
        .iter()
        .zip(&poll.votes)
        .enumerate()
        .map(|(i, (text, votes))| json!({"persistent_id": i.to_string(), "text": text, "voter_count": votes}))
        .collect();
    let mut value = json!({
        "id": poll.id,
        "question": poll.question,
        "options": options,
        "total_voter_count": poll.votes.iter().sum::<u32>(),
        "is_closed": poll.is_closed,
        "is_anonymous": poll.is_anonymous,
        "type": poll.kind,
        "allows_multiple_answers": poll.allows_multiple_answers,
    });
    if let Some(correct) = poll.correct_option_id {
        value["correct_option_id"] = json!(correct);
        value["correct_option_ids"] = json!([correct]);
    }
    value
}

/// Stand-in bytes of a photo a person sent: a JPEG's start-of-image marker, then zeros (`len` bytes).
fn person_photo_bytes(len: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; len.max(2)];
    bytes[0] = 0xFF;
    bytes[1] = 0xD8;
    bytes
}

/// Stands for a voice message a person recorded: OGG's magic bytes, then silence.
fn person_voice_bytes(len: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; len.max(4)];
    bytes[..4].copy_from_slice(b"OggS");
    bytes
}

fn entities_json(entities: &[markup::Entity]) -> Value {
    Value::Array(entities.iter().map(markup::Entity::to_json).collect())
}

/// Parses a text or caption under its parse mode, mapping failures to Telegram's descriptions.
fn parse_formatted(raw: &str, parse_mode: Option<&str>) -> Result<Parsed, ApiError> {
    markup::parse(raw, parse_mode).map_err(|e| ApiError::bad_request(format!("can't parse entities: {e}")))
}

fn valid_button_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    ["http://", "https://", "tg://"].iter().any(|p| lower.strip_prefix(p).is_some_and(|rest| !rest.is_empty()))
}

fn parse_markup(value: Option<Value>) -> Result<Markup, ApiError> {
    let Some(value) = value else { return Ok(Markup::default()) };
    let mut markup = Markup::default();
    if let Some(rows) = value.get("inline_keyboard") {
        let rows =
            rows.as_array().ok_or_else(|| ApiError::bad_request("can't parse reply keyboard markup JSON object"))?;
        for row in rows {
            let row = row.as_array().ok_or_else(|| {
                ApiError::bad_request(
                    "field \"inline_keyboard\" of the InlineKeyboardMarkup should be an Array of Arrays",
                )
            })?;
            let mut buttons = Vec::with_capacity(row.len());
            for button in row {
                let text = button.get("text").and_then(Value::as_str).unwrap_or_default();
                if text.trim().is_empty() {
                    return Err(ApiError::bad_request("BUTTON_TEXT_INVALID"));
                }
                let callback_data = button.get("callback_data").and_then(Value::as_str);
                if let Some(data) = callback_data
                    && (data.is_empty() || data.len() > CALLBACK_DATA_LIMIT_BYTES)
                {
                    return Err(ApiError::bad_request("BUTTON_DATA_INVALID"));
                }
                let url = button.get("url").and_then(Value::as_str);
                if let Some(url) = url
                    && !valid_button_url(url)
                {
                    return Err(ApiError::bad_request("BUTTON_URL_INVALID"));
                }
                const OTHER_ACTIONS: &[&str] = &[
                    "login_url",
                    "web_app",
                    "switch_inline_query",
                    "switch_inline_query_current_chat",
                    "switch_inline_query_chosen_chat",
                    "copy_text",
                    "callback_game",
                    "pay",
                ];
                let has_other_action = OTHER_ACTIONS.iter().any(|key| button.get(*key).is_some_and(|v| !v.is_null()));
                if callback_data.is_none() && url.is_none() && !has_other_action {
                    return Err(ApiError::bad_request(
                        "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
                    ));
                }
                buttons.push(InlineButton {
                    text: text.to_owned(),
                    callback_data: callback_data.map(str::to_owned),
                    url: url.map(str::to_owned),
                });
            }
            markup.inline.push(buttons);
        }
        markup.inline_json = Some(json!({"inline_keyboard": rows}));
    } else if let Some(rows) = value.get("keyboard") {
        let rows =
            rows.as_array().ok_or_else(|| ApiError::bad_request("can't parse reply keyboard markup JSON object"))?;
        let mut keyboard = ReplyKeyboard {
            rows: Vec::with_capacity(rows.len()),
            one_time: value.get("one_time_keyboard").and_then(Value::as_bool).unwrap_or(false),
        };
        for row in rows {
            let row =
                row.as_array().ok_or_else(|| ApiError::bad_request("can't parse reply keyboard markup JSON object"))?;
            let mut buttons = Vec::with_capacity(row.len());
            for button in row {
                let (text, request_contact, request_location) = match button {
                    Value::String(text) => (text.as_str(), false, false),
                    other => (
                        other.get("text").and_then(Value::as_str).unwrap_or_default(),
                        other.get("request_contact").and_then(Value::as_bool).unwrap_or(false),
                        other.get("request_location").and_then(Value::as_bool).unwrap_or(false),
                    ),
                };
                if text.trim().is_empty() {
                    return Err(ApiError::bad_request("BUTTON_TEXT_INVALID"));
                }
                buttons.push(ReplyButton { text: text.to_owned(), request_contact, request_location });
            }
            keyboard.rows.push(buttons);
        }
        markup.reply = Some(keyboard);
    } else if value.get("remove_keyboard").is_some() {
        markup.remove = true;
    } else if value.get("force_reply").is_none() {
        return Err(ApiError::bad_request("can't parse reply keyboard markup JSON object"));
    }
    Ok(markup)
}

impl State {
    /// A fresh state whose first update id is `last + 1`.
    pub fn with_update_ids_after(last: i32) -> State {
        State { next_update_id: last, ..State::default() }
    }

    // ---- the person's side ----

    pub fn add_user(&mut self, user: EmuUser) {
        self.chats.entry(user.id).or_default();
        self.users.insert(user.id, user);
    }

    fn ensure_user(&mut self, user_id: i64) -> EmuUser {
        if let Some(user) = self.users.get(&user_id) {
            return user.clone();
        }
        let user = EmuUser::new(user_id, format!("User {user_id}"));
        self.add_user(user.clone());
        user
    }

    fn enqueue(&mut self, kind: &str, payload: Value) {
        if let Some(allowed) = &self.allowed_updates
            && !allowed.is_empty()
            && !allowed.iter().any(|a| a == kind)
        {
            // Telegram never produces updates of kinds the bot did not ask for.
            return;
        }
        self.next_update_id += 1;
        let id = self.next_update_id;
        let chat = ["chat", "message"]
            .iter()
            .find_map(|k| payload.pointer(&format!("/{k}/id")).or_else(|| payload.pointer(&format!("/{k}/chat/id"))))
            .or_else(|| payload.pointer("/from/id"))
            .or_else(|| payload.pointer("/user/id"))
            .and_then(Value::as_i64)
            .unwrap_or(0);
        let json = format!("{{\"update_id\":{id},\"{kind}\":{payload}}}");
        self.queue.push_back(QueuedUpdate {
            id,
            chat,
            json: Arc::from(json),
            in_flight: false,
            attempts: 0,
            retry_at: None,
        });
        self.stats.updates_queued += 1;
    }

    fn new_file_id(&mut self, prefix: &str) -> String {
        self.next_file += 1;
        format!("{prefix}-{}", self.next_file)
    }

    pub fn person_message(&mut self, user_id: i64, content: PersonContent, now: i64) -> i32 {
        let user = self.ensure_user(user_id);
        let message_id = self.chats.entry(user_id).or_default().new_message_id();
        let mut message =
            json!({"message_id": message_id, "from": user_json(&user), "chat": chat_json(&user), "date": now});
        match content {
            PersonContent::Text(text) => {
                if text.starts_with('/') {
                    let command = text.split(char::is_whitespace).next().unwrap_or_default();
                    message["entities"] = json!([{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]);
                }
                message["text"] = json!(text);
            }
            PersonContent::Contact(phone) => {
                let mut contact = json!({"phone_number": phone, "first_name": user.first_name, "user_id": user.id});
                if let Some(last_name) = &user.last_name {
                    contact["last_name"] = json!(last_name);
                }
                message["contact"] = contact;
            }
            PersonContent::Sticker => {
                let file_id = self.new_file_id("emu-sticker");
                message["sticker"] = json!({
                    "file_id": file_id, "file_unique_id": format!("u{file_id}"), "file_size": 20480,
                    "type": "regular", "width": 512, "height": 512, "is_animated": false, "is_video": false,
                    "emoji": "\u{1F44D}",
                });
            }
            PersonContent::Photo => {
                let file_id = self.new_file_id("emu-photo");
                // As on Telegram, the bot may send a photo people sent by its file id (both sizes).
                for (id, bytes) in [(format!("{file_id}-s"), 1500), (file_id.clone(), 120_000)] {
                    let bytes = Arc::new(person_photo_bytes(bytes));
                    self.files.insert(id, StoredFile { name: None, bytes });
                }
                message["photo"] = json!([
                    {"file_id": format!("{file_id}-s"), "file_unique_id": format!("u{file_id}-s"), "file_size": 1500, "width": 90, "height": 67},
                    {"file_id": file_id, "file_unique_id": format!("u{file_id}"), "file_size": 120000, "width": 1280, "height": 960},
                ]);
            }
            PersonContent::Location(latitude, longitude) => {
                message["location"] = json!({"latitude": latitude, "longitude": longitude});
            }
            PersonContent::Voice => {
                let file_id = self.new_file_id("emu-voice");
                // As on Telegram, the bot may send a voice message people sent by its file id.
                self.files
                    .insert(file_id.clone(), StoredFile { name: None, bytes: Arc::new(person_voice_bytes(9000)) });
                message["voice"] = json!({
                    "file_id": file_id, "file_unique_id": format!("u{file_id}"), "duration": 3,
                    "mime_type": "audio/ogg", "file_size": 9000,
                });
            }
        }
        self.enqueue("message", message);
        message_id
    }

    pub fn press(&mut self, user_id: i64, message_id: i32, data: &str) -> String {
        let user = self.ensure_user(user_id);
        self.next_callback += 1;
        let id = format!("{}{:06}", user_id.unsigned_abs(), self.next_callback);
        let message = match self.chats.get(&user_id).and_then(|chat| chat.live(message_id)) {
            Some(stored) => stored.json.clone(),
            // What Telegram sends for a message the bot can no longer see.
            None => json!({"message_id": message_id, "chat": chat_json(&user), "date": 0}),
        };
        let payload = json!({
            "id": id,
            "from": user_json(&user),
            "message": message,
            "chat_instance": format!("emu-{}", user_id),
            "data": data,
        });
        self.callbacks.insert(id.clone(), CallbackState { chat_id: user_id, answer: None });
        self.enqueue("callback_query", payload);
        id
    }

    pub fn find_button(&self, user_id: i64, label: &str) -> Option<(i32, String)> {
        let chat = self.chats.get(&user_id)?;
        chat.messages.values().rev().filter(|m| !m.deleted).find_map(|stored| {
            stored.message.buttons().find_map(|b| {
                b.callback_data
                    .as_ref()
                    .filter(|_| b.text.contains(label))
                    .map(|d| (stored.message.message_id, d.clone()))
            })
        })
    }

    pub fn find_reply_button(&self, user_id: i64, label: &str) -> Option<ReplyButton> {
        let chat = self.chats.get(&user_id)?;
        let keyboard = chat.messages.values().rev().filter(|m| !m.deleted).find_map(|m| {
            if m.message.remove_keyboard { Some(None) } else { m.message.reply_keyboard.as_ref().map(Some) }
        })??;
        keyboard.rows.iter().flatten().find(|b| b.text.contains(label)).cloned()
    }

    pub fn vote(&mut self, user_id: i64, message_id: i32, option_ids: &[u32]) -> Result<(), String> {
        let user = self.ensure_user(user_id);
        let chat = self.chats.get_mut(&user_id).ok_or("no such chat")?;
        let stored = chat
            .messages
            .get_mut(&message_id)
            .filter(|m| !m.deleted)
            .ok_or_else(|| format!("no bot message {message_id} in chat {user_id}"))?;
        let poll = stored.message.poll.as_mut().ok_or("that message is not a poll")?;
        if poll.is_closed {
            return Err("the poll is closed".to_owned());
        }
        if option_ids.is_empty() || (option_ids.len() > 1 && !poll.allows_multiple_answers) {
            return Err("wrong number of options for this poll".to_owned());
        }
        for &option in option_ids {
            let votes = poll.votes.get_mut(option as usize).ok_or("no such option")?;
            *votes += 1;
        }
        let poll_value = poll_json(poll);
        let (poll_id, anonymous) = (poll.id.clone(), poll.is_anonymous);
        stored.json["poll"] = poll_value.clone();
        self.enqueue("poll", poll_value);
        if !anonymous {
            self.enqueue(
                "poll_answer",
                json!({"poll_id": poll_id, "user": user_json(&user), "option_ids": option_ids}),
            );
        }
        Ok(())
    }

    pub fn block(&mut self, user_id: i64, blocked: bool) {
        self.ensure_user(user_id);
        if let Some(chat) = self.chats.get_mut(&user_id) {
            chat.blocked = blocked;
        }
    }

    pub fn fail_next(&mut self, chat_id: i64, fault: Fault) {
        self.chats.entry(chat_id).or_default().faults.push_back(fault);
    }

    pub fn server_error_every(&mut self, n: Option<u64>) {
        self.server_error_every = n.filter(|n| *n > 0);
        self.sends_seen = 0;
    }

    /// Takes a [`Fault::HeldServerError`] waiting at the front of a send's chat: the caller holds the
    /// answer before giving the 502.
    pub fn take_held_fault(&mut self, method: &str, params: &Params) -> Option<i64> {
        const SENDS: [&str; 6] = ["sendmessage", "sendphoto", "senddocument", "sendvoice", "sendvideo", "sendpoll"];
        if !SENDS.contains(&method.to_ascii_lowercase().as_str()) {
            return None;
        }
        let chat_id = Self::request_chat(params)?;
        let chat = self.chats.get_mut(&chat_id)?;
        if chat.faults.front() == Some(&Fault::HeldServerError) {
            chat.faults.pop_front();
            return Some(chat_id);
        }
        None
    }

    // ---- reading what the bot did ----

    pub fn messages(&self, chat_id: i64) -> Vec<BotMessage> {
        self.chats
            .get(&chat_id)
            .map(|chat| chat.messages.values().filter(|m| !m.deleted).map(|m| m.message.clone()).collect())
            .unwrap_or_default()
    }

    pub fn last_message(&self, chat_id: i64) -> Option<BotMessage> {
        let chat = self.chats.get(&chat_id)?;
        chat.messages.values().rev().find(|m| !m.deleted).map(|m| m.message.clone())
    }

    pub fn take_next_message(&mut self, chat_id: i64) -> Option<BotMessage> {
        let chat = self.chats.get_mut(&chat_id)?;
        let message_id = *chat.sent_order.get(chat.cursor)?;
        chat.cursor += 1;
        chat.messages.get(&message_id).map(|m| m.message.clone())
    }

    pub fn callback_known(&self, callback_id: &str) -> bool {
        self.callbacks.contains_key(callback_id)
    }

    pub fn callback_answer(&self, callback_id: &str) -> Option<CallbackAnswer> {
        self.callbacks.get(callback_id)?.answer.clone()
    }

    pub fn sent_count(&self, chat_id: i64) -> usize {
        self.chats.get(&chat_id).map_or(0, |c| c.sent_count)
    }

    pub fn commands_for_scope(&self, scope: &str) -> CommandSets {
        self.commands
            .iter()
            .filter(|((s, _), _)| s == scope)
            .map(|((_, language), commands)| (language.clone(), commands.clone()))
            .collect()
    }

    pub fn pending_updates(&self) -> usize {
        self.queue.len()
    }

    // ---- webhook delivery ----

    pub fn webhook(&self) -> Option<&Webhook> {
        self.webhook.as_ref()
    }

    pub fn spread_webhook(&mut self, targets: Vec<String>) {
        self.webhook_spread = targets;
    }

    /// The updates to POST now, marked in flight: in queue order, at most one per chat at a time (so a
    /// chat's updates arrive in order) and at most `max_connections` at once. Also returns the earliest
    /// instant a failed update may be tried again.
    pub fn webhook_batch(&mut self, now: std::time::Instant) -> (Vec<Delivery>, Option<std::time::Instant>) {
        let Some(webhook) = self.webhook.clone() else { return (Vec::new(), None) };
        let mut in_flight = self.queue.iter().filter(|u| u.in_flight).count();
        let mut chats_seen = std::collections::HashSet::new();
        let mut batch = Vec::new();
        let mut next_retry: Option<std::time::Instant> = None;
        for update in self.queue.iter_mut() {
            if !chats_seen.insert(update.chat) || update.in_flight {
                continue;
            }
            if let Some(at) = update.retry_at
                && at > now
            {
                next_retry = Some(next_retry.map_or(at, |n| n.min(at)));
                continue;
            }
            if in_flight >= webhook.max_connections {
                break;
            }
            let target = if self.webhook_spread.is_empty() {
                webhook.url.clone()
            } else {
                self.next_target = self.next_target.wrapping_add(1);
                self.webhook_spread[self.next_target % self.webhook_spread.len()].clone()
            };
            update.in_flight = true;
            in_flight += 1;
            batch.push(Delivery {
                update_id: update.id,
                target,
                secret: webhook.secret.clone(),
                json: update.json.clone(),
            });
        }
        self.stats.updates_delivered += batch.len() as u64;
        (batch, next_retry)
    }

    /// A webhook POST ended: a 2xx answer confirms the update; anything else keeps it for another try
    /// after a short backoff (Telegram's is longer), to the next target in turn.
    pub fn webhook_answered(&mut self, update_id: i32, ok: bool, now: std::time::Instant) {
        let Some(pos) = self.queue.iter().position(|u| u.id == update_id) else { return };
        if ok {
            self.queue.remove(pos);
            self.stats.updates_confirmed += 1;
            return;
        }
        let update = &mut self.queue[pos];
        update.in_flight = false;
        update.attempts += 1;
        let backoff = std::time::Duration::from_millis(50u64 << update.attempts.min(5));
        update.retry_at = Some(now + backoff);
        self.stats.webhook_failures += 1;
    }

    // ---- getUpdates ----

    /// Confirms updates below `offset` (a negative offset keeps only the last -offset), remembers
    /// `allowed_updates`, and returns up to `limit` unconfirmed updates. Returns (updates, confirmed count).
    pub fn take_updates(
        &mut self,
        offset: Option<i64>,
        limit: usize,
        allowed_updates: Option<Vec<String>>,
    ) -> (Vec<Arc<str>>, usize) {
        if allowed_updates.is_some() {
            self.allowed_updates = allowed_updates;
        }
        let before = self.queue.len();
        match offset {
            Some(offset) if offset > 0 => {
                while self.queue.front().is_some_and(|u| i64::from(u.id) < offset) {
                    self.queue.pop_front();
                }
            }
            Some(offset) if offset < 0 => {
                let keep = usize::try_from(offset.unsigned_abs()).unwrap_or(usize::MAX);
                while self.queue.len() > keep {
                    self.queue.pop_front();
                }
            }
            _ => {}
        }
        let confirmed = before - self.queue.len();
        self.stats.updates_confirmed += confirmed as u64;
        let updates: Vec<Arc<str>> = self.queue.iter().take(limit).map(|u| u.json.clone()).collect();
        self.stats.updates_delivered += updates.len() as u64;
        (updates, confirmed)
    }

    pub fn record_error(&mut self, code: u16) {
        let counter = match code {
            400 => &mut self.stats.bad_requests,
            401 => &mut self.stats.unauthorized,
            403 => &mut self.stats.forbidden,
            404 => &mut self.stats.not_found,
            429 => &mut self.stats.too_many_requests,
            _ if code >= 500 => &mut self.stats.server_errors,
            _ => return,
        };
        *counter += 1;
    }

    // ---- methods ----

    /// Runs one Bot API method (all but getUpdates). Events to emit are pushed onto `events`.
    pub fn call(&mut self, ctx: &Ctx, method: &str, params: &Params, events: &mut Vec<EmuEvent>) -> MethodResult {
        let result = self.dispatch(ctx, method, params, events);
        if let Err(error) = &result {
            self.record_error(error.code);
        }
        result
    }

    fn dispatch(&mut self, ctx: &Ctx, method: &str, params: &Params, events: &mut Vec<EmuEvent>) -> MethodResult {
        match method.to_ascii_lowercase().as_str() {
            "getme" => {
                let mut me = ctx.bot_user.clone();
                for (key, value) in [
                    ("can_join_groups", true),
                    ("can_read_all_group_messages", false),
                    ("supports_inline_queries", false),
                    ("can_connect_to_business", false),
                    ("has_main_web_app", false),
                ] {
                    me[key] = json!(value);
                }
                Ok(me)
            }
            "getwebhookinfo" => {
                let (url, max_connections) =
                    self.webhook.as_ref().map_or((String::new(), 0), |w| (w.url.clone(), w.max_connections));
                let mut info =
                    json!({"url": url, "has_custom_certificate": false, "pending_update_count": self.queue.len()});
                if max_connections > 0 {
                    info["max_connections"] = json!(max_connections);
                }
                Ok(info)
            }
            "setwebhook" => {
                let url = params.string("url").unwrap_or_default();
                if url.is_empty() {
                    self.webhook = None;
                    return Ok(json!(true));
                }
                if !url.starts_with("https://") && !url.starts_with("http://") {
                    return Err(ApiError::bad_request("bad webhook: An HTTPS URL must be provided for webhook"));
                }
                let max_connections = params.int("max_connections").unwrap_or(40).clamp(1, 100) as usize;
                if let Some(allowed) = params.object("allowed_updates")?
                    && let Ok(allowed) = serde_json::from_value::<Vec<String>>(allowed)
                {
                    self.allowed_updates = Some(allowed);
                }
                let secret = params.string("secret_token").filter(|s| !s.is_empty());
                self.webhook = Some(Webhook { url, secret, max_connections });
                Ok(json!(true))
            }
            "deletewebhook" => {
                self.webhook = None;
                if params.bool("drop_pending_updates") == Some(true) {
                    self.stats.updates_confirmed += self.queue.len() as u64;
                    self.queue.clear();
                }
                Ok(json!(true))
            }
            "setmycommands" => self.set_my_commands(params),
            "getmycommands" => {
                let key = Self::commands_key(params)?;
                let commands = self.commands.get(&key).cloned().unwrap_or_default();
                Ok(Value::Array(commands.into_iter().map(|(c, d)| json!({"command": c, "description": d})).collect()))
            }
            "deletemycommands" => {
                let key = Self::commands_key(params)?;
                self.commands.remove(&key);
                Ok(json!(true))
            }
            "setchatmenubutton" | "setmydescription" | "setmyshortdescription" | "setmyname" => Ok(json!(true)),
            "sendmessage" => self.send_message(ctx, params, events),
            "sendphoto" => self.send_media(ctx, params, events, "photo"),
            "senddocument" => self.send_media(ctx, params, events, "document"),
            "sendvoice" => self.send_media(ctx, params, events, "voice"),
            "sendvideo" => self.send_media(ctx, params, events, "video"),
            "sendpoll" => self.send_poll(ctx, params, events),
            "editmessagetext" => self.edit(ctx, params, events, EditKind::Text),
            "editmessagecaption" => self.edit(ctx, params, events, EditKind::Caption),
            "editmessagereplymarkup" => self.edit(ctx, params, events, EditKind::Markup),
            "stoppoll" => self.stop_poll(ctx, params, events),
            "deletemessage" => self.delete_message(params, events),
            "answercallbackquery" => self.answer_callback_query(params, events),
            "sendchataction" => self.send_chat_action(params, events),
            _ => Err(ApiError::not_found()),
        }
    }

    fn commands_key(params: &Params) -> Result<(String, Option<String>), ApiError> {
        let scope = params.object("scope")?.unwrap_or_else(|| json!({"type": "default"}));
        let kind = scope.get("type").and_then(Value::as_str).unwrap_or("default");
        let chat = scope.get("chat_id").map(|c| c.to_string().trim_matches('"').to_owned());
        let scope_key = match (kind, chat, scope.get("user_id")) {
            ("chat_member", Some(chat), Some(user)) => format!("chat_member:{chat}:{user}"),
            (kind, Some(chat), _) => format!("{kind}:{chat}"),
            (kind, None, _) => kind.to_owned(),
        };
        let language = params.string("language_code").filter(|l| !l.is_empty());
        if let Some(language) = &language
            && (language.len() != 2 || !language.bytes().all(|b| b.is_ascii_lowercase()))
        {
            return Err(ApiError::bad_request("invalid language code specified"));
        }
        Ok((scope_key, language))
    }

    fn set_my_commands(&mut self, params: &Params) -> MethodResult {
        let key = Self::commands_key(params)?;
        let commands =
            params.object("commands")?.ok_or_else(|| ApiError::bad_request("parameter \"commands\" is required"))?;
        let commands = commands.as_array().ok_or_else(|| ApiError::bad_request("can't parse commands JSON object"))?;
        if commands.len() > 100 {
            return Err(ApiError::bad_request("too many commands specified"));
        }
        let mut parsed = Vec::with_capacity(commands.len());
        for command in commands {
            let name = command.get("command").and_then(Value::as_str).unwrap_or_default();
            let description = command.get("description").and_then(Value::as_str).unwrap_or_default();
            let name_ok = (1..=32).contains(&name.len())
                && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !name_ok {
                return Err(ApiError::bad_request("BOT_COMMAND_INVALID"));
            }
            if !(1..=256).contains(&utf16_len(description)) {
                return Err(ApiError::bad_request("BOT_COMMAND_DESCRIPTION_INVALID"));
            }
            parsed.push((name.to_owned(), description.to_owned()));
        }
        if parsed.is_empty() {
            self.commands.remove(&key);
        } else {
            self.commands.insert(key, parsed);
        }
        Ok(json!(true))
    }

    /// The user behind a private chat, or "chat not found".
    fn chat_user(&self, chat_id: i64) -> Result<EmuUser, ApiError> {
        self.users.get(&chat_id).cloned().ok_or_else(ApiError::chat_not_found)
    }

    /// Checks before any send: the chat exists, an injected fault fires, the person has not blocked the bot.
    fn check_send_target(&mut self, chat_id: i64) -> Result<EmuUser, ApiError> {
        let user = self.chat_user(chat_id)?;
        self.sends_seen += 1;
        if self.server_error_every.is_some_and(|n| self.sends_seen.is_multiple_of(n)) {
            return Err(ApiError::server_error());
        }
        let chat = self.chats.entry(chat_id).or_default();
        if let Some(fault) = chat.faults.pop_front() {
            return Err(match fault {
                Fault::TooManyRequests { retry_after } => ApiError::too_many_requests(retry_after),
                Fault::ServerError | Fault::HeldServerError => ApiError::server_error(),
                Fault::Blocked => ApiError::blocked(),
            });
        }
        if chat.blocked {
            return Err(ApiError::blocked());
        }
        Ok(user)
    }

    fn check_not_blocked(&mut self, chat_id: i64) -> Result<EmuUser, ApiError> {
        let user = self.chat_user(chat_id)?;
        if self.chats.get(&chat_id).is_some_and(|c| c.blocked) {
            return Err(ApiError::blocked());
        }
        Ok(user)
    }

    /// A reply must point at a message of the chat, unless the bot allowed sending without it.
    fn check_reply(&self, chat_id: i64, params: &Params) -> Result<(), ApiError> {
        let Some(reply) = params.object("reply_parameters")? else { return Ok(()) };
        let Some(target) = reply.get("message_id").and_then(Value::as_i64) else { return Ok(()) };
        if reply.get("allow_sending_without_reply").and_then(Value::as_bool) == Some(true) {
            return Ok(());
        }
        let chat = self.chats.get(&chat_id);
        let exists = chat.is_some_and(|c| {
            target > 0
                && target <= i64::from(c.next_message_id)
                && c.messages.get(&(target as i32)).is_none_or(|m| !m.deleted)
        });
        if exists { Ok(()) } else { Err(ApiError::bad_request("message to be replied not found")) }
    }

    /// Rate limiting over a sliding one-second window of accepted sends; records this send when admitted.
    fn admit(&mut self, ctx: &Ctx, chat_id: i64) -> Result<(), ApiError> {
        let Some(limits) = ctx.rate_limits else { return Ok(()) };
        let now = ctx.now_ms;
        let retry_after = |oldest: i64| u32::try_from((oldest + 1000 - now + 999) / 1000).unwrap_or(1).max(1);
        let prune = |window: &mut VecDeque<i64>| {
            while window.front().is_some_and(|t| *t <= now - 1000) {
                window.pop_front();
            }
        };
        prune(&mut self.global_window);
        if self.global_window.len() >= limits.global_per_sec as usize {
            return Err(ApiError::too_many_requests(retry_after(self.global_window.front().copied().unwrap_or(now))));
        }
        let chat = self.chats.entry(chat_id).or_default();
        prune(&mut chat.window);
        if chat.window.len() >= limits.per_chat_per_sec as usize {
            return Err(ApiError::too_many_requests(retry_after(chat.window.front().copied().unwrap_or(now))));
        }
        chat.window.push_back(now);
        self.global_window.push_back(now);
        Ok(())
    }

    /// Assembles the Message object the Bot API returns for a bot message.
    fn message_json(
        ctx: &Ctx,
        user: &EmuUser,
        stored_media: Option<&(&'static str, Value)>,
        inline: Option<&Value>,
        message: &BotMessage,
    ) -> Value {
        let mut value = json!({
            "message_id": message.message_id,
            "from": ctx.bot_user,
            "chat": chat_json(user),
            "date": message.date,
        });
        if message.edits > 0 {
            value["edit_date"] = json!(ctx.now);
        }
        let parsed = |raw: &str| markup::parse(raw, message.parse_mode.as_deref()).unwrap_or_default();
        if let Some(text) = &message.text {
            let parsed = parsed(text);
            value["text"] = json!(parsed.text);
            if !parsed.entities.is_empty() {
                value["entities"] = entities_json(&parsed.entities);
            }
        }
        if let Some((key, media)) = stored_media {
            value[*key] = media.clone();
        }
        if let Some(caption) = message.caption.as_deref().filter(|c| !c.is_empty()) {
            let parsed = parsed(caption);
            value["caption"] = json!(parsed.text);
            if !parsed.entities.is_empty() {
                value["caption_entities"] = entities_json(&parsed.entities);
            }
        }
        if let Some(poll) = &message.poll {
            value["poll"] = poll_json(poll);
        }
        if let Some(inline) = inline {
            value["reply_markup"] = inline.clone();
        }
        value
    }

    /// Stores a new bot message, counts the send and reports it.
    fn store_sent(
        &mut self,
        ctx: &Ctx,
        user: &EmuUser,
        mut message: BotMessage,
        media: Option<(&'static str, Value)>,
        markup: Markup,
        events: &mut Vec<EmuEvent>,
    ) -> Value {
        let chat = self.chats.entry(user.id).or_default();
        message.message_id = chat.new_message_id();
        message.inline_keyboard = markup.inline;
        message.reply_keyboard = markup.reply;
        message.remove_keyboard = markup.remove;
        let json = Self::message_json(ctx, user, media.as_ref(), markup.inline_json.as_ref(), &message);
        chat.sent_order.push(message.message_id);
        chat.sent_count += 1;
        events.push(EmuEvent::Sent(message.clone()));
        chat.messages.insert(
            message.message_id,
            StoredMessage { message, media, inline_markup: markup.inline_json, json: json.clone(), deleted: false },
        );
        self.stats.sends_ok += 1;
        json
    }

    fn new_message(ctx: &Ctx, chat_id: i64) -> BotMessage {
        BotMessage {
            message_id: 0,
            chat_id,
            date: ctx.now,
            text: None,
            caption: None,
            parse_mode: None,
            photo: None,
            document: None,
            voice: None,
            video: None,
            file_id: None,
            uploaded: false,
            inline_keyboard: Vec::new(),
            reply_keyboard: None,
            remove_keyboard: false,
            poll: None,
            edits: 0,
        }
    }

    fn validate_text(text: &str, parse_mode: Option<&str>, too_long: &str) -> Result<(), ApiError> {
        let parsed = parse_formatted(text, parse_mode)?;
        if parsed.text.trim().is_empty() {
            return Err(ApiError::bad_request("message text is empty"));
        }
        if utf16_len(&parsed.text) > TEXT_LIMIT {
            return Err(ApiError::bad_request(too_long));
        }
        Ok(())
    }

    fn validate_caption(caption: Option<&str>, parse_mode: Option<&str>) -> Result<(), ApiError> {
        if let Some(caption) = caption {
            let parsed = parse_formatted(caption, parse_mode)?;
            if utf16_len(&parsed.text) > CAPTION_LIMIT {
                return Err(ApiError::bad_request("message caption is too long"));
            }
        }
        Ok(())
    }

    fn send_message(&mut self, ctx: &Ctx, params: &Params, events: &mut Vec<EmuEvent>) -> MethodResult {
        let chat_id = params.chat_id()?;
        let user = self.check_send_target(chat_id)?;
        let text = params.string("text").unwrap_or_default();
        let parse_mode = params.string("parse_mode").filter(|m| !m.is_empty());
        Self::validate_text(&text, parse_mode.as_deref(), "message is too long")?;
        let markup = parse_markup(params.object("reply_markup")?)?;
        self.check_reply(chat_id, params)?;
        self.admit(ctx, chat_id)?;
        let mut message = Self::new_message(ctx, chat_id);
        message.text = Some(text);
        message.parse_mode = parse_mode;
        Ok(self.store_sent(ctx, &user, message, None, markup, events))
    }

    /// The file of a sendPhoto/sendDocument/sendVoice/sendVideo: an uploaded part, a file_id sent before,
    /// or a URL.
    fn resolve_file(&mut self, params: &Params, field: &str) -> Result<ResolvedFile, ApiError> {
        let wrong = || ApiError::bad_request("wrong file identifier/HTTP URL specified");
        let upload = match params.string(field) {
            Some(value) => match value.strip_prefix("attach://") {
                Some(part) => Some(params.files.get(part).ok_or_else(wrong)?),
                None if value.starts_with("http://") || value.starts_with("https://") => {
                    let file_id = self.new_file_id("emu-url");
                    let name = value.rsplit('/').next().map(str::to_owned);
                    return Ok(ResolvedFile { file_id, name, bytes: Arc::new(Vec::new()) });
                }
                None => {
                    let stored = self.files.get(&value).ok_or_else(wrong)?;
                    return Ok(ResolvedFile { file_id: value, name: stored.name.clone(), bytes: stored.bytes.clone() });
                }
            },
            // Plain form uploads put the file in the field itself.
            None => params.files.get(field),
        };
        let (name, bytes) =
            upload.ok_or_else(|| ApiError::bad_request(format!("there is no {field} in the request")))?;
        if bytes.is_empty() {
            return Err(ApiError::bad_request("file must be non-empty"));
        }
        let file_id = self.new_file_id(match field {
            "photo" => "emu-photo",
            "voice" => "emu-voice",
            "video" => "emu-video",
            _ => "emu-doc",
        });
        let name = name.clone().filter(|n| !n.is_empty());
        let bytes = Arc::new(bytes.clone());
        self.files.insert(file_id.clone(), StoredFile { name: name.clone(), bytes: bytes.clone() });
        Ok(ResolvedFile { file_id, name, bytes })
    }

    /// Whether a send carries the file's bytes (an upload), not a file id or URL.
    fn is_upload(params: &Params, field: &str) -> bool {
        match params.string(field) {
            Some(value) => value.starts_with("attach://"),
            None => params.files.contains_key(field),
        }
    }

    fn send_media(
        &mut self,
        ctx: &Ctx,
        params: &Params,
        events: &mut Vec<EmuEvent>,
        field: &'static str,
    ) -> MethodResult {
        let chat_id = params.chat_id()?;
        let user = self.check_send_target(chat_id)?;
        let caption = params.string("caption");
        let parse_mode = params.string("parse_mode").filter(|m| !m.is_empty());
        Self::validate_caption(caption.as_deref(), parse_mode.as_deref())?;
        let markup = parse_markup(params.object("reply_markup")?)?;
        self.check_reply(chat_id, params)?;
        let uploaded = Self::is_upload(params, field);
        let ResolvedFile { file_id, name, bytes } = self.resolve_file(params, field)?;
        // Telegram's limits for a bot's upload: a photo 10 MB, any other file 50 MB.
        let limit = if field == "photo" { 10 << 20 } else { 50 << 20 };
        if bytes.len() > limit {
            return Err(ApiError::too_large());
        }
        self.admit(ctx, chat_id)?;
        let mut message = Self::new_message(ctx, chat_id);
        message.caption = caption;
        message.parse_mode = parse_mode;
        message.file_id = Some(file_id.clone());
        message.uploaded = uploaded;
        let unique = format!("u{file_id}");
        let media = match field {
            "photo" => {
                message.photo = Some(bytes.to_vec());
                json!([{"file_id": file_id, "file_unique_id": unique, "file_size": bytes.len(), "width": 1280, "height": 960}])
            }
            "voice" => {
                message.voice = Some(bytes.to_vec());
                json!({"file_id": file_id, "file_unique_id": unique, "file_size": bytes.len(), "duration": 30,
                       "mime_type": "audio/ogg"})
            }
            "video" => {
                message.video = Some(bytes.to_vec());
                json!({"file_id": file_id, "file_unique_id": unique, "file_size": bytes.len(), "width": 640,
                       "height": 360, "duration": 30, "mime_type": "video/mp4"})
            }
            _ => {
                let name = name.unwrap_or_else(|| "document".to_owned());
                message.document = Some((name.clone(), bytes.to_vec()));
                json!({"file_id": file_id, "file_unique_id": unique, "file_size": bytes.len(), "file_name": name})
            }
        };
        Ok(self.store_sent(ctx, &user, message, Some((field, media)), markup, events))
    }

    fn send_poll(&mut self, ctx: &Ctx, params: &Params, events: &mut Vec<EmuEvent>) -> MethodResult {
        let chat_id = params.chat_id()?;
        let user = self.check_send_target(chat_id)?;
        let question = params.string("question").unwrap_or_default();
        if question.trim().is_empty() {
            return Err(ApiError::bad_request("poll question must be non-empty"));
        }
        if utf16_len(&question) > 300 {
            return Err(ApiError::bad_request("poll question length must not exceed 300"));
        }
        let options = params.object("options")?.unwrap_or(Value::Array(Vec::new()));
        let options: Vec<String> = options
            .as_array()
            .ok_or_else(|| ApiError::bad_request("can't parse options JSON object"))?
            .iter()
            .map(|o| match o {
                Value::String(text) => text.clone(),
                other => other.get("text").and_then(Value::as_str).unwrap_or_default().to_owned(),
            })
            .collect();
        // Bot API 10.1: "a JSON-serialized list of 1-12 answer options", each 1-100 characters.
        if options.is_empty() {
            return Err(ApiError::bad_request("poll must have at least 1 option"));
        }
        if options.len() > 12 {
            return Err(ApiError::bad_request("poll can't have more than 12 options"));
        }
        if options.iter().any(|o| o.trim().is_empty()) {
            return Err(ApiError::bad_request("poll options must be non-empty"));
        }
        if options.iter().any(|o| utf16_len(o) > 100) {
            return Err(ApiError::bad_request("poll options length must not exceed 100"));
        }
        let kind = params.string("type").unwrap_or_else(|| "regular".to_owned());
        if kind != "regular" && kind != "quiz" {
            return Err(ApiError::bad_request("wrong poll type specified"));
        }
        let correct = match params.int("correct_option_id") {
            Some(id) => Some(id),
            None => params.object("correct_option_ids")?.and_then(|ids| ids.get(0).and_then(Value::as_i64)),
        };
        let correct_option_id = match (kind.as_str(), correct) {
            ("quiz", None) => return Err(ApiError::bad_request("wrong correct option ID specified")),
            (_, Some(id)) if id < 0 || id as usize >= options.len() => {
                return Err(ApiError::bad_request("wrong correct option ID specified"));
            }
            (_, id) => id.map(|id| id as u32),
        };
        let markup = parse_markup(params.object("reply_markup")?)?;
        self.check_reply(chat_id, params)?;
        self.admit(ctx, chat_id)?;
        let poll_id = self.new_file_id("emu-poll");
        let mut message = Self::new_message(ctx, chat_id);
        message.poll = Some(EmuPoll {
            id: poll_id.clone(),
            question,
            votes: vec![0; options.len()],
            options,
            is_anonymous: params.bool("is_anonymous").unwrap_or(true),
            allows_multiple_answers: params.bool("allows_multiple_answers").unwrap_or(false) && kind == "regular",
            kind,
            correct_option_id,
            is_closed: params.bool("is_closed").unwrap_or(false),
        });
        let json = self.store_sent(ctx, &user, message, None, markup, events);
        if let Some(message_id) = json.get("message_id").and_then(Value::as_i64) {
            self.polls.insert(poll_id, (chat_id, message_id as i32));
        }
        Ok(json)
    }

    /// The live message an edit or stopPoll targets.
    fn edit_target(&mut self, params: &Params, not_found: &str) -> Result<(EmuUser, i32), ApiError> {
        if params.get("inline_message_id").is_some() {
            // Inline-mode messages are not emulated.
            return Err(ApiError::bad_request("MESSAGE_ID_INVALID"));
        }
        let chat_id = params.chat_id()?;
        let user = self.check_not_blocked(chat_id)?;
        let message_id = params.message_id()?;
        if self.chats.get(&chat_id).and_then(|c| c.live(message_id)).is_none() {
            return Err(ApiError::bad_request(not_found));
        }
        Ok((user, message_id))
    }

    fn edit(&mut self, ctx: &Ctx, params: &Params, events: &mut Vec<EmuEvent>, kind: EditKind) -> MethodResult {
        let (user, message_id) = self.edit_target(params, "message to edit not found")?;
        let markup = parse_markup(params.object("reply_markup")?)?;
        if markup.reply.is_some() || markup.remove {
            return Err(ApiError::bad_request("inline keyboard expected"));
        }
        let parse_mode = params.string("parse_mode").filter(|m| !m.is_empty());
        let chat = self.chats.entry(user.id).or_default();
        let Some(stored) = chat.messages.get_mut(&message_id) else {
            return Err(ApiError::bad_request("message to edit not found"));
        };
        let mut message = stored.message.clone();
        match kind {
            EditKind::Text => {
                if message.text.is_none() {
                    return Err(ApiError::bad_request("there is no text in the message to edit"));
                }
                let text = params.string("text").unwrap_or_default();
                // Telegram reports an over-long edit differently from an over-long send.
                Self::validate_text(&text, parse_mode.as_deref(), "MESSAGE_TOO_LONG")?;
                message.text = Some(text);
                message.parse_mode = parse_mode;
            }
            EditKind::Caption => {
                if stored.media.is_none() {
                    return Err(ApiError::bad_request("there is no caption in the message to edit"));
                }
                let caption = params.string("caption").filter(|c| !c.is_empty());
                Self::validate_caption(caption.as_deref(), parse_mode.as_deref())?;
                message.caption = caption;
                message.parse_mode = parse_mode;
            }
            EditKind::Markup => {}
        }
        // Like Telegram, an edit without reply_markup removes the inline keyboard.
        message.inline_keyboard = markup.inline;
        let old_content =
            Self::message_json(ctx, &user, stored.media.as_ref(), stored.inline_markup.as_ref(), &stored.message);
        let new_content = Self::message_json(ctx, &user, stored.media.as_ref(), markup.inline_json.as_ref(), &message);
        if old_content == new_content {
            return Err(ApiError::bad_request(
                "message is not modified: specified new message content and reply markup are exactly the same as a \
                 current content and reply markup of the message",
            ));
        }
        message.edits += 1;
        let json = Self::message_json(ctx, &user, stored.media.as_ref(), markup.inline_json.as_ref(), &message);
        stored.message = message.clone();
        stored.inline_markup = markup.inline_json;
        stored.json = json.clone();
        self.stats.edits_ok += 1;
        events.push(EmuEvent::Edited(message));
        Ok(json)
    }

    fn stop_poll(&mut self, ctx: &Ctx, params: &Params, events: &mut Vec<EmuEvent>) -> MethodResult {
        let (user, message_id) = self.edit_target(params, "message with poll to stop not found")?;
        let markup = parse_markup(params.object("reply_markup")?)?;
        let chat = self.chats.entry(user.id).or_default();
        let Some(stored) = chat.messages.get_mut(&message_id) else {
            return Err(ApiError::bad_request("message with poll to stop not found"));
        };
        let mut message = stored.message.clone();
        let Some(poll) = message.poll.as_mut() else {
            return Err(ApiError::bad_request("message is not a poll"));
        };
        if poll.is_closed {
            return Err(ApiError::bad_request("poll has already been closed"));
        }
        poll.is_closed = true;
        let poll_value = poll_json(poll);
        message.inline_keyboard = markup.inline;
        message.edits += 1;
        stored.json = Self::message_json(ctx, &user, stored.media.as_ref(), markup.inline_json.as_ref(), &message);
        stored.inline_markup = markup.inline_json;
        stored.message = message.clone();
        self.stats.edits_ok += 1;
        events.push(EmuEvent::Edited(message));
        Ok(poll_value)
    }

    fn delete_message(&mut self, params: &Params, events: &mut Vec<EmuEvent>) -> MethodResult {
        let chat_id = params.chat_id()?;
        self.chat_user(chat_id)?;
        let message_id = params.message_id()?;
        let stored = self
            .chats
            .get_mut(&chat_id)
            .and_then(|c| c.messages.get_mut(&message_id))
            .filter(|m| !m.deleted)
            .ok_or_else(|| ApiError::bad_request("message to delete not found"))?;
        stored.deleted = true;
        events.push(EmuEvent::Deleted { chat_id, message_id });
        Ok(json!(true))
    }

    fn answer_callback_query(&mut self, params: &Params, events: &mut Vec<EmuEvent>) -> MethodResult {
        let id = params.string("callback_query_id").unwrap_or_default();
        let text = params.string("text").filter(|t| !t.is_empty());
        if text.as_deref().is_some_and(|t| utf16_len(t) > 200) {
            return Err(ApiError::bad_request("MESSAGE_TOO_LONG"));
        }
        let state = self.callbacks.get_mut(&id).filter(|c| c.answer.is_none()).ok_or_else(|| {
            ApiError::bad_request("query is too old and response timeout expired or query ID is invalid")
        })?;
        let answer = CallbackAnswer { text, show_alert: params.bool("show_alert").unwrap_or(false) };
        state.answer = Some(answer.clone());
        events.push(EmuEvent::CallbackAnswered {
            callback_id: id,
            chat_id: state.chat_id,
            text: answer.text.clone(),
            show_alert: answer.show_alert,
        });
        Ok(json!(true))
    }

    fn send_chat_action(&mut self, params: &Params, events: &mut Vec<EmuEvent>) -> MethodResult {
        const ACTIONS: &[&str] = &[
            "typing",
            "upload_photo",
            "record_video",
            "upload_video",
            "record_voice",
            "upload_voice",
            "upload_document",
            "choose_sticker",
            "find_location",
            "record_video_note",
            "upload_video_note",
        ];
        let chat_id = params.chat_id()?;
        self.check_not_blocked(chat_id)?;
        let action = params.string("action").unwrap_or_default();
        if !ACTIONS.contains(&action.as_str()) {
            return Err(ApiError::bad_request("wrong parameter action in request"));
        }
        events.push(EmuEvent::ChatAction { chat_id, action });
        Ok(json!(true))
    }

    /// Chat a request targets, for reporting refusals.
    pub fn request_chat(params: &Params) -> Option<i64> {
        params.int("chat_id")
    }
}

#[derive(Clone, Copy)]
enum EditKind {
    Text,
    Caption,
    Markup,
}
