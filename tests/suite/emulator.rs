//! The Telegram Bot API emulator, driven by a real `teloxide::Bot`: what the person sees, what the bot is
//! refused (with the errors teloxide surfaces), and the update delivery a polling bot relies on.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use fieldschool::clock::ManualClock;
use fieldschool::emulator::{EmuEvent, EmuUser, Emulator, EmulatorOptions, Fault, RateLimits};
use teloxide::ApiError;
use teloxide::RequestError;
use teloxide::payloads::setters::*;
use teloxide::prelude::*;
use teloxide::types::{
    BotCommand, BotCommandScope, CallbackQueryId, ChatAction, InlineKeyboardButton, InlineKeyboardMarkup, InputFile,
    KeyboardButton, KeyboardMarkup, KeyboardRemove, MediaKind, MessageId, MessageKind, ParseMode, PollType, UpdateKind,
};

const ALICE: i64 = 1001;
const BOB: i64 = 1002;

async fn start_with(opts: EmulatorOptions) -> (Emulator, Bot) {
    let emulator = Emulator::start(opts).await.expect("emulator starts");
    emulator.add_user(EmuUser::new(ALICE, "Alice").with_language("en").with_username("alice"));
    emulator.add_user(EmuUser::new(BOB, "\u{963F}\u{4F9D}\u{53E4}\u{4E3D}\u{00B7}\u{4E70}\u{4E70}\u{63D0}"));
    let bot = Bot::new(emulator.token()).set_api_url(emulator.api_url().parse().expect("api url parses"));
    (emulator, bot)
}

async fn start() -> (Emulator, Bot) {
    start_with(EmulatorOptions { wait_timeout: Duration::from_secs(10), ..EmulatorOptions::default() }).await
}

fn api_error<T: std::fmt::Debug>(result: Result<T, RequestError>) -> ApiError {
    match result {
        Err(RequestError::Api(error)) => error,
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn description<T: std::fmt::Debug>(result: Result<T, RequestError>) -> String {
    match api_error(result) {
        ApiError::Unknown(description) | ApiError::CantParseEntities(description) => description,
        known => known.to_string(),
    }
}

fn keyboard(buttons: &[(&str, &str)]) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(vec![
        buttons.iter().map(|(label, data)| InlineKeyboardButton::callback(*label, *data)).collect::<Vec<_>>(),
    ])
}

#[tokio::test]
async fn get_me_reports_the_bot() {
    let (emulator, bot) = start().await;
    let me = bot.get_me().await.unwrap();
    assert_eq!(me.username(), emulator.bot_username());
    assert!(me.user.is_bot);
    assert_eq!(me.user.id.0 as i64, emulator.bot_id());
}

#[tokio::test]
async fn sent_messages_keyboards_and_formatting_are_what_the_person_sees() {
    let (emulator, bot) = start().await;
    let sent = bot
        .send_message(ChatId(ALICE), "*Welcome*, Alice\\! Pick a course:")
        .parse_mode(ParseMode::MarkdownV2)
        .reply_markup(keyboard(&[("Pigs", "course:1"), ("Tea", "course:2")]))
        .await
        .unwrap();
    assert_eq!(sent.text(), Some("Welcome, Alice! Pick a course:"));
    assert_eq!(sent.entities().map(|e| e.len()), Some(1));
    assert_eq!(sent.chat.id, ChatId(ALICE));

    bot.send_message(ChatId(ALICE), "<b>Tom &amp; Jerry</b> &lt;3").parse_mode(ParseMode::Html).await.unwrap();
    bot.send_message(ChatId(ALICE), "Share your phone")
        .reply_markup(
            KeyboardMarkup::new(vec![vec![
                KeyboardButton::new("Send phone").request(teloxide::types::ButtonRequest::Contact),
            ]])
            .one_time_keyboard(),
        )
        .await
        .unwrap();
    bot.send_message(ChatId(ALICE), "Thanks").reply_markup(KeyboardRemove::new()).await.unwrap();

    let messages = emulator.messages(ALICE);
    assert_eq!(messages.len(), 4);
    assert_eq!(messages[0].message_id, sent.id.0);
    assert_eq!(messages[0].rendered_text(), "Welcome, Alice! Pick a course:");
    assert_eq!(messages[0].inline_keyboard[0][1].text, "Tea");
    assert_eq!(messages[0].inline_keyboard[0][1].callback_data.as_deref(), Some("course:2"));
    assert_eq!(messages[1].rendered_text(), "Tom & Jerry <3");
    let reply_keyboard = messages[2].reply_keyboard.as_ref().unwrap();
    assert!(reply_keyboard.one_time && reply_keyboard.rows[0][0].request_contact);
    assert!(messages[3].remove_keyboard);
    assert_eq!(emulator.sent_count(ALICE), 4);
    assert_eq!(emulator.sent_count(BOB), 0);

    // A name with the Uyghur middle dot passes through every parse mode intact.
    let name = "\u{963F}\u{4F9D}\u{53E4}\u{4E3D}\u{00B7}\u{4E70}\u{4E70}\u{63D0}";
    for mode in [ParseMode::MarkdownV2, ParseMode::Html] {
        bot.send_message(ChatId(BOB), name).parse_mode(mode).await.unwrap();
    }
    assert!(emulator.messages(BOB).iter().all(|m| m.rendered_text() == name));
}

#[tokio::test]
async fn edits_and_deletes_change_the_current_view() {
    let (emulator, bot) = start().await;
    let sent = bot.send_message(ChatId(ALICE), "Step 1").reply_markup(keyboard(&[("Next", "next")])).await.unwrap();

    let edited = bot.edit_message_text(ChatId(ALICE), sent.id, "Step 2").await.unwrap();
    assert_eq!(edited.text(), Some("Step 2"));
    assert!(edited.edit_date().is_some());
    // An edit without reply_markup removes the inline keyboard, as on Telegram.
    let view = emulator.last_message(ALICE).unwrap();
    assert_eq!((view.rendered_text().as_str(), view.edits), ("Step 2", 1));
    assert!(view.inline_keyboard.is_empty());

    bot.edit_message_reply_markup(ChatId(ALICE), sent.id).reply_markup(keyboard(&[("Done", "done")])).await.unwrap();
    assert_eq!(emulator.last_message(ALICE).unwrap().inline_keyboard[0][0].text, "Done");

    let same = bot.edit_message_reply_markup(ChatId(ALICE), sent.id).reply_markup(keyboard(&[("Done", "done")])).await;
    assert!(matches!(api_error(same), ApiError::MessageNotModified));
    let missing = bot.edit_message_text(ChatId(ALICE), MessageId(9999), "x").await;
    assert!(matches!(api_error(missing), ApiError::MessageToEditNotFound));

    bot.delete_message(ChatId(ALICE), sent.id).await.unwrap();
    assert!(emulator.messages(ALICE).is_empty());
    let again = bot.delete_message(ChatId(ALICE), sent.id).await;
    assert!(matches!(api_error(again), ApiError::MessageToDeleteNotFound));
}

#[tokio::test]
async fn photos_and_documents_upload_as_multipart_and_resend_by_file_id() {
    let (emulator, bot) = start().await;
    let png = vec![0x89, b'P', b'N', b'G', 0, 1, 2, 3, 255];
    let sent = bot
        .send_photo(ChatId(ALICE), InputFile::memory(png.clone()))
        .caption("Chart for <b>May</b>")
        .parse_mode(ParseMode::Html)
        .reply_markup(keyboard(&[("More", "more")]))
        .await
        .unwrap();
    assert_eq!(sent.caption(), Some("Chart for May"));
    let file_id = sent.photo().unwrap().last().unwrap().file.id.clone();

    bot.send_photo(ChatId(BOB), InputFile::file_id(file_id)).await.unwrap();
    let csv = b"name,phone\nA,1\n".to_vec();
    let document = bot
        .send_document(ChatId(ALICE), InputFile::memory(csv.clone()).file_name("report.csv"))
        .caption("Report")
        .await
        .unwrap();
    assert_eq!(document.document().unwrap().file_name.as_deref(), Some("report.csv"));

    let alice = emulator.messages(ALICE);
    assert_eq!(alice[0].photo.as_deref(), Some(png.as_slice()));
    assert_eq!(alice[0].rendered_text(), "Chart for May");
    assert_eq!(alice[0].inline_keyboard[0][0].callback_data.as_deref(), Some("more"));
    assert_eq!(alice[1].document, Some(("report.csv".to_owned(), csv)));
    assert_eq!(emulator.messages(BOB)[0].photo.as_deref(), Some(png.as_slice()));

    bot.edit_message_caption(ChatId(ALICE), sent.id).caption("New caption").await.unwrap();
    assert_eq!(emulator.messages(ALICE)[0].rendered_text(), "New caption");

    let unknown = bot.send_photo(ChatId(ALICE), InputFile::file_id("nope".into())).await;
    assert!(matches!(api_error(unknown), ApiError::WrongFileIdOrUrl));
}

#[tokio::test]
async fn a_photo_a_person_sent_can_be_sent_on_by_its_file_id() {
    let (emulator, bot) = start().await;
    emulator.send_photo(ALICE);
    let updates = bot.get_updates().await.unwrap();
    let file_id = match &updates[0].kind {
        UpdateKind::Message(m) => m.photo().unwrap().iter().max_by_key(|p| p.width).unwrap().file.id.clone(),
        other => panic!("expected the photo message, got {other:?}"),
    };
    // As Telegram does: a file the bot received is sendable by its id (a trainer's broadcast photo).
    let sent = bot.send_photo(ChatId(BOB), InputFile::file_id(file_id)).caption("From Alice").await.unwrap();
    assert!(sent.photo().is_some());
    assert!(emulator.messages(BOB)[0].photo.as_ref().is_some_and(|bytes| !bytes.is_empty()));
}

#[tokio::test]
async fn formatting_and_length_mistakes_are_refused_like_telegram() {
    let (emulator, bot) = start().await;
    let markdown = bot.send_message(ChatId(ALICE), "Done.").parse_mode(ParseMode::MarkdownV2).await;
    assert_eq!(
        description(markdown),
        "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'"
    );
    let html = bot.send_message(ChatId(ALICE), "Tom & Jerry").parse_mode(ParseMode::Html).await;
    assert!(description(html).starts_with("Bad Request: can't parse entities:"));
    let unknown_tag = bot.send_message(ChatId(ALICE), "<div>x</div>").parse_mode(ParseMode::Html).await;
    assert!(description(unknown_tag).contains("Unsupported start tag \"div\""));

    // 4096 UTF-16 code units is the limit: 2048 emoji (surrogate pairs) fit, one more does not.
    bot.send_message(ChatId(ALICE), "\u{1F33E}".repeat(2048)).await.unwrap();
    let too_long = bot.send_message(ChatId(ALICE), "\u{1F33E}".repeat(2049)).await;
    assert!(matches!(api_error(too_long), ApiError::MessageIsTooLong));
    bot.send_message(ChatId(ALICE), "a".repeat(4096)).await.unwrap();
    assert!(matches!(api_error(bot.send_message(ChatId(ALICE), "a".repeat(4097)).await), ApiError::MessageIsTooLong));
    // Empty once the markup is gone.
    let empty = bot.send_message(ChatId(ALICE), "<b> </b>").parse_mode(ParseMode::Html).await;
    assert!(matches!(api_error(empty), ApiError::MessageTextIsEmpty));
    let caption = bot.send_photo(ChatId(ALICE), InputFile::memory(vec![1, 2, 3])).caption("c".repeat(1025)).await;
    assert_eq!(description(caption), "Bad Request: message caption is too long");

    assert_eq!(emulator.sent_count(ALICE), 2);
    assert_eq!(emulator.stats().bad_requests, 7);
}

#[tokio::test]
async fn bad_keyboards_are_refused() {
    let (_emulator, bot) = start().await;
    let long_data = "x".repeat(65);
    let too_long = bot.send_message(ChatId(ALICE), "Pick").reply_markup(keyboard(&[("A", long_data.as_str())])).await;
    assert!(matches!(api_error(too_long), ApiError::ButtonDataInvalid));
    let empty = bot.send_message(ChatId(ALICE), "Pick").reply_markup(keyboard(&[("A", "")])).await;
    assert!(matches!(api_error(empty), ApiError::ButtonDataInvalid));
    // 64 bytes of multi-byte text is fine; 65 bytes is not, whatever the character count.
    let sixty_four = "\u{7530}".repeat(21) + "x";
    bot.send_message(ChatId(ALICE), "Pick").reply_markup(keyboard(&[("A", sixty_four.as_str())])).await.unwrap();
    let sixty_five = "\u{7530}".repeat(21) + "xy";
    let over = bot.send_message(ChatId(ALICE), "Pick").reply_markup(keyboard(&[("A", sixty_five.as_str())])).await;
    assert!(matches!(api_error(over), ApiError::ButtonDataInvalid));

    let empty_reply_button = bot
        .send_message(ChatId(ALICE), "Pick")
        .reply_markup(KeyboardMarkup::new(vec![vec![KeyboardButton::new("")]]))
        .await;
    assert!(description(empty_reply_button).starts_with("Bad Request:"));
}

#[tokio::test]
async fn buttons_without_action_are_refused_over_raw_http() {
    let (emulator, bot) = start().await;
    let url = format!("{}bot{}/sendMessage", emulator.api_url(), emulator.token());
    let body =
        serde_json::json!({"chat_id": ALICE, "text": "x", "reply_markup": {"inline_keyboard": [[{"text": "A"}]]}});
    let response =
        bot.client().post(&url).header("content-type", "application/json").body(body.to_string()).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let reply: serde_json::Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert_eq!(reply["ok"], false);
    assert_eq!(reply["error_code"], 400);
    assert!(reply["description"].as_str().unwrap().contains("Text buttons are unallowed"));

    // A form-encoded request works too, and unknown methods are 404.
    let form = format!("chat_id={ALICE}&text=hello%20there");
    let response = bot
        .client()
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(emulator.last_message(ALICE).unwrap().rendered_text(), "hello there");
    let unknown = format!("{}bot{}/getChatMemberCount", emulator.api_url(), emulator.token());
    let response = bot.client().post(&unknown).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 404);
    assert_eq!(response.text().await.unwrap(), r#"{"ok":false,"error_code":404,"description":"Not Found"}"#);
}

#[tokio::test]
async fn unknown_chats_wrong_tokens_and_blocked_users_are_refused() {
    let (emulator, bot) = start().await;
    assert!(matches!(api_error(bot.send_message(ChatId(777), "hi").await), ApiError::ChatNotFound));

    let wrong = Bot::new("1:wrong").set_api_url(emulator.api_url().parse().unwrap());
    assert!(matches!(api_error(wrong.send_message(ChatId(ALICE), "hi").await), ApiError::InvalidToken));
    assert_eq!(emulator.stats().unauthorized, 1);

    emulator.block_bot(ALICE, true);
    assert!(matches!(api_error(bot.send_message(ChatId(ALICE), "hi").await), ApiError::BotBlocked));
    assert!(matches!(api_error(bot.send_chat_action(ChatId(ALICE), ChatAction::Typing).await), ApiError::BotBlocked));
    emulator.block_bot(ALICE, false);
    bot.send_message(ChatId(ALICE), "hi").await.unwrap();
    assert_eq!(emulator.stats().forbidden, 2);
    assert_eq!(emulator.sent_count(ALICE), 1);
}

#[tokio::test]
async fn injected_faults_hit_the_next_send_only() {
    let (emulator, bot) = start().await;
    emulator.fail_next(ALICE, Fault::TooManyRequests { retry_after: 7 });
    emulator.fail_next(ALICE, Fault::Blocked);
    match bot.send_message(ChatId(ALICE), "one").await {
        Err(RequestError::RetryAfter(seconds)) => assert_eq!(seconds.seconds(), 7),
        other => panic!("expected RetryAfter, got {other:?}"),
    }
    assert!(matches!(api_error(bot.send_message(ChatId(ALICE), "two").await), ApiError::BotBlocked));
    bot.send_message(ChatId(ALICE), "three").await.unwrap();
    assert_eq!(emulator.messages(ALICE).len(), 1);
    let stats = emulator.stats();
    assert_eq!((stats.too_many_requests, stats.forbidden, stats.sends_ok), (1, 1, 1));
}

#[tokio::test]
async fn server_errors_come_back_as_502() {
    let (emulator, bot) = start().await;
    emulator.fail_next(ALICE, Fault::ServerError);
    // Raw HTTP: teloxide itself waits 10 s after any 5xx before reading the body.
    let url = format!("{}bot{}/sendMessage", emulator.api_url(), emulator.token());
    let body = serde_json::json!({"chat_id": ALICE, "text": "x"}).to_string();
    let response = bot.client().post(&url).header("content-type", "application/json").body(body).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 502);
    assert_eq!(response.text().await.unwrap(), r#"{"ok":false,"error_code":502,"description":"Bad Gateway"}"#);
    assert_eq!(emulator.stats().server_errors, 1);
}

#[tokio::test]
async fn rate_limits_count_accepted_sends_in_a_one_second_window() {
    let start_at: DateTime<Utc> = "2026-05-01T08:00:00Z".parse().unwrap();
    let clock = ManualClock::new(start_at);
    let opts = EmulatorOptions {
        rate_limits: Some(RateLimits { global_per_sec: 3, per_chat_per_sec: 2 }),
        clock: Arc::new(clock.clone()),
        ..EmulatorOptions::default()
    };
    let (emulator, bot) = start_with(opts).await;
    bot.send_message(ChatId(ALICE), "1").await.unwrap();
    // A refused send does not use up the allowance.
    assert!(bot.send_message(ChatId(ALICE), "").await.is_err());
    bot.send_message(ChatId(ALICE), "2").await.unwrap();
    match bot.send_message(ChatId(ALICE), "3").await {
        Err(RequestError::RetryAfter(seconds)) => assert_eq!(seconds.seconds(), 1),
        other => panic!("expected RetryAfter, got {other:?}"),
    }
    bot.send_message(ChatId(BOB), "b1").await.unwrap();
    // Global limit of 3 reached although Bob has allowance left.
    assert!(matches!(bot.send_message(ChatId(BOB), "b2").await, Err(RequestError::RetryAfter(_))));

    clock.advance(chrono::Duration::milliseconds(1001));
    bot.send_message(ChatId(ALICE), "3").await.unwrap();
    assert_eq!(emulator.sent_count(ALICE), 3);
    assert_eq!(emulator.stats().too_many_requests, 2);
}

#[tokio::test]
async fn long_poll_returns_an_update_injected_while_waiting() {
    let (emulator, bot) = start().await;
    let poller = {
        let bot = bot.clone();
        tokio::spawn(async move { bot.get_updates().timeout(10).await })
    };
    let message_id = emulator.send_text(ALICE, "/start invite42");
    let updates = poller.await.unwrap().unwrap();
    assert_eq!(updates.len(), 1);
    let UpdateKind::Message(message) = &updates[0].kind else { panic!("not a message: {:?}", updates[0]) };
    assert_eq!(message.id.0, message_id);
    assert_eq!(message.text(), Some("/start invite42"));
    assert_eq!(message.from.as_ref().unwrap().username.as_deref(), Some("alice"));
    assert_eq!(message.from.as_ref().unwrap().language_code.as_deref(), Some("en"));
    let entity = &message.entities().unwrap()[0];
    assert_eq!((entity.offset, entity.length), (0, 6));
    assert_eq!(message.chat.id, ChatId(ALICE));
}

#[tokio::test]
async fn unconfirmed_updates_are_delivered_again_until_the_offset_passes_them() {
    let (emulator, bot) = start().await;
    emulator.send_text(ALICE, "one");
    emulator.send_text(BOB, "two");
    let first = bot.get_updates().await.unwrap();
    assert_eq!(first.len(), 2);
    // The bot "crashed" before confirming: the same updates come again.
    let again = bot.get_updates().limit(1).await.unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].id, first[0].id);
    assert_eq!(emulator.pending_updates(), 2);

    let rest = bot.get_updates().offset(first[0].id.as_offset()).await.unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0].id, first[1].id);
    let waiter = {
        let emulator = emulator.clone();
        tokio::spawn(async move { emulator.wait_updates_consumed().await })
    };
    let none = bot.get_updates().offset(first[1].id.as_offset()).await.unwrap();
    assert!(none.is_empty());
    waiter.await.unwrap().unwrap();
    let stats = emulator.stats();
    assert_eq!((stats.updates_queued, stats.updates_delivered, stats.updates_confirmed), (2, 4, 2));
}

#[tokio::test]
async fn the_persons_media_and_contacts_arrive_as_telegram_sends_them() {
    let (emulator, bot) = start().await;
    emulator.send_contact(ALICE, "+8613800138000");
    emulator.send_sticker(ALICE);
    emulator.send_photo(ALICE);
    emulator.send_voice(ALICE);
    let updates = bot.get_updates().await.unwrap();
    let messages: Vec<_> = updates
        .iter()
        .map(|u| match &u.kind {
            UpdateKind::Message(m) => m.clone(),
            other => panic!("not a message: {other:?}"),
        })
        .collect();
    let contact = messages[0].contact().unwrap();
    assert_eq!(contact.phone_number, "+8613800138000");
    assert_eq!(contact.user_id.map(|id| id.0 as i64), Some(ALICE));
    assert!(messages[1].sticker().is_some());
    assert!(messages[2].photo().is_some_and(|sizes| sizes.len() == 2));
    assert!(messages[3].voice().is_some());
    assert!(
        matches!(&messages[3].kind, MessageKind::Common(common) if matches!(common.media_kind, MediaKind::Voice(_)))
    );
}

#[tokio::test]
async fn pressing_a_button_sends_a_callback_with_the_bot_message_and_waits_for_the_answer() {
    let (emulator, bot) = start().await;
    let sent = bot
        .send_message(ChatId(ALICE), "Attend today?")
        .reply_markup(keyboard(&[("Yes, I'll come", "rsvp:yes"), ("No", "rsvp:no")]))
        .await
        .unwrap();
    let callback_id = emulator.press_button(ALICE, "come").unwrap();
    assert!(emulator.press_button(ALICE, "Maybe").is_err());

    let updates = bot.get_updates().await.unwrap();
    let UpdateKind::CallbackQuery(query) = &updates[0].kind else { panic!("not a callback: {:?}", updates[0]) };
    assert_eq!(query.id.0, callback_id);
    assert_eq!(query.data.as_deref(), Some("rsvp:yes"));
    assert_eq!(query.from.id.0 as i64, ALICE);
    let message = query.regular_message().unwrap();
    assert_eq!((message.id, message.text()), (sent.id, Some("Attend today?")));

    let answer = {
        let emulator = emulator.clone();
        let id = callback_id.clone();
        tokio::spawn(async move { emulator.callback_answer(&id).await })
    };
    bot.answer_callback_query(CallbackQueryId(callback_id.clone())).text("Saved").await.unwrap();
    let answer = answer.await.unwrap().unwrap();
    assert_eq!(answer.text.as_deref(), Some("Saved"));
    assert!(!answer.show_alert);

    let twice = bot.answer_callback_query(CallbackQueryId(callback_id)).await;
    assert!(description(twice).starts_with("Bad Request: query is too old"));
    let unknown = bot.answer_callback_query(CallbackQueryId("42".into())).await;
    assert!(description(unknown).starts_with("Bad Request: query is too old"));

    // A button on a deleted message still produces a callback, with an inaccessible message.
    bot.delete_message(ChatId(ALICE), sent.id).await.unwrap();
    emulator.press(ALICE, sent.id.0, "rsvp:no");
    let updates = bot.get_updates().offset(updates[0].id.as_offset()).await.unwrap();
    let UpdateKind::CallbackQuery(query) = &updates[0].kind else { panic!("not a callback") };
    assert!(query.regular_message().is_none());
}

#[tokio::test]
async fn next_message_waits_for_a_message_sent_later_and_keeps_a_cursor() {
    let (emulator, bot) = start().await;
    bot.send_message(ChatId(ALICE), "first").await.unwrap();
    assert_eq!(emulator.next_message(ALICE).await.unwrap().rendered_text(), "first");
    let waiting = {
        let emulator = emulator.clone();
        tokio::spawn(async move { emulator.next_message(ALICE).await })
    };
    bot.send_message(ChatId(BOB), "not for Alice").await.unwrap();
    bot.send_message(ChatId(ALICE), "second").await.unwrap();
    assert_eq!(waiting.await.unwrap().unwrap().rendered_text(), "second");
}

#[tokio::test]
async fn next_message_gives_up_after_the_guard_timeout() {
    let opts = EmulatorOptions { wait_timeout: Duration::from_millis(50), ..EmulatorOptions::default() };
    let (emulator, _bot) = start_with(opts).await;
    let error = emulator.next_message(ALICE).await.unwrap_err();
    assert!(format!("{error:#}").contains("no further message"));
}

#[tokio::test]
async fn commands_are_kept_per_scope_and_language() {
    let (emulator, bot) = start().await;
    bot.set_my_commands(vec![BotCommand::new("start", "Start"), BotCommand::new("help", "Help")])
        .language_code("en")
        .await
        .unwrap();
    bot.set_my_commands(vec![BotCommand::new("start", "\u{5F00}\u{59CB}")]).await.unwrap();
    bot.set_my_commands(vec![BotCommand::new("admin", "Admin")])
        .scope(BotCommandScope::Chat { chat_id: teloxide::types::Recipient::Id(ChatId(ALICE)) })
        .await
        .unwrap();
    let commands = emulator.commands();
    assert_eq!(commands.len(), 2);
    assert_eq!(commands[0], (None, vec![("start".to_owned(), "\u{5F00}\u{59CB}".to_owned())]));
    assert_eq!(commands[1].0.as_deref(), Some("en"));
    assert_eq!(emulator.commands_for_scope(&format!("chat:{ALICE}"))[0].1[0].0, "admin");
    let english = bot.get_my_commands().language_code("en").await.unwrap();
    assert_eq!(english.len(), 2);
    let bad = bot.set_my_commands(vec![BotCommand::new("Bad-Name", "x")]).await;
    assert!(description(bad).starts_with("Bad Request:"));
    bot.delete_my_commands().language_code("en").await.unwrap();
    assert_eq!(emulator.commands().len(), 1);
}

#[tokio::test]
async fn polls_collect_votes_and_stop() {
    let (emulator, bot) = start().await;
    let sent = bot
        .send_poll(ChatId(ALICE), "Useful?", ["Often".into(), "Sometimes".into(), "Never".into()])
        .is_anonymous(false)
        .await
        .unwrap();
    assert_eq!(sent.poll().unwrap().options.len(), 3);
    emulator.vote(ALICE, sent.id.0, &[1]).unwrap();
    let updates = bot.get_updates().await.unwrap();
    assert!(matches!(&updates[0].kind, UpdateKind::Poll(poll) if poll.options[1].voter_count == 1));
    let UpdateKind::PollAnswer(answer) = &updates[1].kind else { panic!("not a poll answer: {:?}", updates[1]) };
    assert_eq!(answer.option_ids, vec![1]);

    let stopped = bot.stop_poll(ChatId(ALICE), sent.id).await.unwrap();
    assert!(stopped.is_closed);
    assert_eq!(stopped.total_voter_count, 1);
    assert!(emulator.messages(ALICE)[0].poll.as_ref().unwrap().is_closed);
    assert!(matches!(api_error(bot.stop_poll(ChatId(ALICE), sent.id).await), ApiError::PollHasAlreadyClosed));
    assert!(emulator.vote(ALICE, sent.id.0, &[0]).is_err());

    let quiz = bot
        .send_poll(ChatId(ALICE), "2+2?", ["4".into(), "5".into()])
        .type_(PollType::Quiz)
        .correct_option_id(0)
        .await
        .unwrap();
    assert_eq!(quiz.poll().unwrap().correct_option_id, Some(0));
    let no_options = bot.send_poll(ChatId(ALICE), "Empty?", Vec::new()).await;
    assert!(description(no_options).starts_with("Bad Request: poll must have"));
}

#[tokio::test]
async fn events_stream_what_the_bot_does() {
    let (emulator, bot) = start().await;
    let mut events = emulator.subscribe();
    bot.send_chat_action(ChatId(ALICE), ChatAction::Typing).await.unwrap();
    let sent = bot.send_message(ChatId(ALICE), "hello").await.unwrap();
    bot.edit_message_text(ChatId(ALICE), sent.id, "hello again").await.unwrap();
    bot.delete_message(ChatId(ALICE), sent.id).await.unwrap();
    let _ = bot.send_message(ChatId(ALICE), "").await;
    assert!(
        matches!(events.recv().await.unwrap(), EmuEvent::ChatAction { chat_id: ALICE, ref action } if action == "typing")
    );
    assert!(matches!(events.recv().await.unwrap(), EmuEvent::Sent(m) if m.rendered_text() == "hello"));
    assert!(matches!(events.recv().await.unwrap(), EmuEvent::Edited(m) if m.rendered_text() == "hello again"));
    assert!(
        matches!(events.recv().await.unwrap(), EmuEvent::Deleted { chat_id: ALICE, message_id } if message_id == sent.id.0)
    );
    assert!(matches!(events.recv().await.unwrap(), EmuEvent::Refused { error_code: 400, .. }));
    let shown = bot.send_message(ChatId(ALICE), "Pick").reply_markup(keyboard(&[("A", "a")])).await.unwrap();
    let callback_id = emulator.press(ALICE, shown.id.0, "a");
    bot.answer_callback_query(CallbackQueryId(callback_id.clone())).text("Noted").show_alert(true).await.unwrap();
    assert!(matches!(events.recv().await.unwrap(), EmuEvent::Sent(_)));
    match events.recv().await.unwrap() {
        EmuEvent::CallbackAnswered { callback_id: id, chat_id, text, show_alert } => {
            assert_eq!((id, chat_id, text.as_deref(), show_alert), (callback_id, ALICE, Some("Noted"), true));
        }
        other => panic!("expected a callback answer, got {other:?}"),
    }
}

#[tokio::test]
async fn a_real_dispatcher_talks_to_the_emulator() {
    let (emulator, bot) = start().await;
    let handler = dptree::entry()
        .branch(Update::filter_message().endpoint(|bot: Bot, message: Message| async move {
            let text = message.text().unwrap_or_default().to_owned();
            bot.send_message(message.chat.id, format!("echo: {text}"))
                .reply_markup(InlineKeyboardMarkup::new(vec![vec![InlineKeyboardButton::callback("Again", "again")]]))
                .await?;
            respond(())
        }))
        .branch(Update::filter_callback_query().endpoint(|bot: Bot, query: CallbackQuery| async move {
            bot.answer_callback_query(query.id.clone()).text("pressed").await?;
            respond(())
        }));
    let mut dispatcher = Dispatcher::builder(bot, handler).build();
    let shutdown = dispatcher.shutdown_token();
    let running = tokio::spawn(async move { dispatcher.dispatch().await });

    emulator.send_text(ALICE, "hello");
    emulator.send_text(BOB, "ni hao");
    assert_eq!(emulator.next_message(ALICE).await.unwrap().rendered_text(), "echo: hello");
    assert_eq!(emulator.next_message(BOB).await.unwrap().rendered_text(), "echo: ni hao");
    let callback = emulator.press_button(ALICE, "Again").unwrap();
    assert_eq!(emulator.callback_answer(&callback).await.unwrap().text.as_deref(), Some("pressed"));

    // Many updates in flight, each answered exactly once.
    for i in 0..200 {
        emulator.send_text(if i % 2 == 0 { ALICE } else { BOB }, &format!("m{i}"));
    }
    for _ in 0..100 {
        emulator.next_message(ALICE).await.unwrap();
        emulator.next_message(BOB).await.unwrap();
    }
    emulator.wait_updates_consumed().await.unwrap();
    assert_eq!(emulator.sent_count(ALICE), 101);
    assert_eq!(emulator.sent_count(BOB), 101);

    shutdown.shutdown().expect("dispatcher is running").await;
    running.await.unwrap();
}

#[tokio::test]
async fn replies_must_point_at_an_existing_message() {
    let (emulator, bot) = start().await;
    let asked = emulator.send_text(ALICE, "How much does training cost?");
    bot.send_message(ChatId(ALICE), "Nothing")
        .reply_parameters(teloxide::types::ReplyParameters::new(MessageId(asked)))
        .await
        .unwrap();
    let missing = bot
        .send_message(ChatId(ALICE), "Nothing")
        .reply_parameters(teloxide::types::ReplyParameters::new(MessageId(asked + 100)))
        .await;
    assert!(matches!(api_error(missing), ApiError::MessageToReplyNotFound));
    assert_eq!(emulator.sent_count(ALICE), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_sends_are_all_counted_once() {
    let (emulator, bot) = start().await;
    let started = std::time::Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..2000 {
        let bot = bot.clone();
        let chat = if i % 2 == 0 { ALICE } else { BOB };
        tasks.spawn(async move { bot.send_message(ChatId(chat), format!("n{i}")).await.map(|_| ()) });
    }
    while let Some(result) = tasks.join_next().await {
        result.unwrap().unwrap();
    }
    eprintln!("2000 sends in {:?}", started.elapsed());
    assert_eq!((emulator.sent_count(ALICE), emulator.sent_count(BOB)), (1000, 1000));
    let ids: std::collections::BTreeSet<i32> = emulator.messages(ALICE).iter().map(|m| m.message_id).collect();
    assert_eq!(ids.len(), 1000);
}

#[tokio::test]
async fn reply_keyboard_buttons_send_text_or_the_contact() {
    let (emulator, bot) = start().await;
    let buttons = vec![vec![
        KeyboardButton::new("Share phone").request(teloxide::types::ButtonRequest::Contact),
        KeyboardButton::new("Skip"),
    ]];
    bot.send_message(ChatId(ALICE), "Phone?").reply_markup(KeyboardMarkup::new(buttons)).await.unwrap();
    emulator.tap_reply_button(ALICE, "Share", "+8613900000000").unwrap();
    emulator.tap_reply_button(ALICE, "Skip", "").unwrap();
    let updates = bot.get_updates().await.unwrap();
    let texts: Vec<_> = updates
        .iter()
        .map(|u| match &u.kind {
            UpdateKind::Message(m) => (m.contact().map(|c| c.phone_number.clone()), m.text().map(str::to_owned)),
            other => panic!("not a message: {other:?}"),
        })
        .collect();
    assert_eq!(texts, vec![(Some("+8613900000000".to_owned()), None), (None, Some("Skip".to_owned()))]);

    bot.send_message(ChatId(ALICE), "Thanks").reply_markup(KeyboardRemove::new()).await.unwrap();
    assert!(emulator.tap_reply_button(ALICE, "Skip", "").is_err());
}
