//! One Bot API call per outbox row, and what its error means for the row.

use std::time::Duration;

use teloxide::ApiError;
use teloxide::RequestError;
use teloxide::payloads::{SendDocumentSetters, SendMessageSetters, SendPhotoSetters};
use teloxide::prelude::Requester;
use teloxide::types::{ChatId, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, ParseMode};

use crate::db::outbox::{ParseModeKind, Payload};

/// What a failed call means for the row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// 429: wait this long before any further send, then try the same message again.
    RetryAfter(Duration),
    /// 5xx, network trouble, a garbled answer: try again later.
    Transient(String),
    /// 403: the person blocked the bot, deleted their account, or the bot left the group.
    Unreachable(String),
    /// 400 and the like: the message itself is wrong (a bug); retrying cannot help.
    Permanent(String),
}

/// Telegram's description for an API error (teloxide keeps the text, not the HTTP status).
fn description(error: &ApiError) -> String {
    match error {
        ApiError::Unknown(text) => text.clone(),
        other => other.to_string(),
    }
}

pub fn classify(error: &RequestError) -> Failure {
    match error {
        RequestError::RetryAfter(wait) => Failure::RetryAfter(wait.duration()),
        RequestError::Api(api) => {
            let text = description(api);
            if text.starts_with("Forbidden") {
                Failure::Unreachable(text)
            } else if text.starts_with("Bad Request") || text.starts_with("Not Found") {
                Failure::Permanent(text)
            } else {
                // "Internal Server Error", "Bad Gateway", "Too Many Requests" without parameters,
                // "Unauthorized" (a token problem an operator fixes): worth another try.
                Failure::Transient(text)
            }
        }
        RequestError::MigrateToChatId(to) => Failure::Permanent(format!("group migrated to supergroup {to}")),
        RequestError::Network(e) => Failure::Transient(format!("network: {e}")),
        RequestError::InvalidJson { raw, .. } => {
            // A proxy's HTML 502 page lands here.
            let head: String = raw.chars().take(120).collect();
            Failure::Transient(format!("unparsable answer: {head}"))
        }
        RequestError::Io(e) => Failure::Transient(format!("io: {e}")),
    }
}

fn keyboard(payload: &Payload) -> Option<InlineKeyboardMarkup> {
    if payload.buttons.is_empty() {
        return None;
    }
    Some(InlineKeyboardMarkup::new(payload.buttons.iter().map(|row| {
        row.iter().map(|b| InlineKeyboardButton::callback(b.text.clone(), b.callback_data.clone())).collect::<Vec<_>>()
    })))
}

fn parse_mode(payload: &Payload) -> Option<ParseMode> {
    payload.parse_mode.map(|ParseModeKind::Html| ParseMode::Html)
}

/// Sends one payload. A photo or document carries the text as its caption.
pub async fn send_payload(bot: &teloxide::Bot, chat_id: i64, payload: &Payload) -> Result<(), Failure> {
    let chat = ChatId(chat_id);
    if let Some(file_id) = &payload.photo_id {
        let mut request = bot.send_photo(chat, InputFile::file_id(file_id.clone().into()));
        if !payload.text.is_empty() {
            request = request.caption(payload.text.clone());
        }
        if let Some(mode) = parse_mode(payload) {
            request = request.parse_mode(mode);
        }
        if let Some(markup) = keyboard(payload) {
            request = request.reply_markup(markup);
        }
        return request.await.map(drop).map_err(|e| classify(&e));
    }
    let result = match (&payload.photo_png, &payload.document) {
        (Some(_), Some(_)) => {
            return Err(Failure::Permanent("payload has both a photo and a document".to_owned()));
        }
        (Some(png), None) => {
            let mut request = bot.send_photo(chat, InputFile::memory(png.clone()).file_name("image.png"));
            if !payload.text.is_empty() {
                request = request.caption(payload.text.clone());
            }
            if let Some(mode) = parse_mode(payload) {
                request = request.parse_mode(mode);
            }
            if let Some(markup) = keyboard(payload) {
                request = request.reply_markup(markup);
            }
            request.await.map(drop)
        }
        (None, Some((name, bytes))) => {
            let mut request = bot.send_document(chat, InputFile::memory(bytes.clone()).file_name(name.clone()));
            if !payload.text.is_empty() {
                request = request.caption(payload.text.clone());
            }
            if let Some(mode) = parse_mode(payload) {
                request = request.parse_mode(mode);
            }
            if let Some(markup) = keyboard(payload) {
                request = request.reply_markup(markup);
            }
            request.await.map(drop)
        }
        (None, None) => {
            let mut request = bot.send_message(chat, payload.text.clone());
            if let Some(mode) = parse_mode(payload) {
                request = request.parse_mode(mode);
            }
            if let Some(markup) = keyboard(payload) {
                request = request.reply_markup(markup);
            }
            request.await.map(drop)
        }
    };
    result.map_err(|e| classify(&e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use teloxide::types::Seconds;

    #[test]
    fn errors_are_sorted_into_wait_retry_unreachable_and_bug() {
        assert_eq!(
            classify(&RequestError::RetryAfter(Seconds::from_seconds(3))),
            Failure::RetryAfter(Duration::from_secs(3))
        );
        assert!(matches!(classify(&RequestError::Api(ApiError::BotBlocked)), Failure::Unreachable(_)));
        assert!(matches!(classify(&RequestError::Api(ApiError::UserDeactivated)), Failure::Unreachable(_)));
        assert!(matches!(
            classify(&RequestError::Api(ApiError::Unknown("Forbidden: bot was kicked".into()))),
            Failure::Unreachable(_)
        ));
        assert!(matches!(classify(&RequestError::Api(ApiError::MessageIsTooLong)), Failure::Permanent(_)));
        assert!(matches!(
            classify(&RequestError::Api(ApiError::Unknown("Bad Request: can't parse entities".into()))),
            Failure::Permanent(_)
        ));
        assert!(matches!(classify(&RequestError::Api(ApiError::Unknown("Bad Gateway".into()))), Failure::Transient(_)));
        assert!(matches!(
            classify(&RequestError::Api(ApiError::Unknown("Internal Server Error".into()))),
            Failure::Transient(_)
        ));
    }
}
