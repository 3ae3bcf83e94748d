//! 📖 学一课: micro-lessons read in the chat, one card per message with "下一页 ▶" (and "🔊 听语音" where
//! the card has a recording of its text), then the check questions as buttons, each answer explained,
//! then how far the person has come and, for cadres, the credit earned. Every button names its reading
//! and is checked against it as stored (`services::lessons::press`): an old "下一页" of an earlier lesson
//! is answered plainly and changes nothing.

use teloxide::payloads::{SendPhotoSetters, SendVideoSetters, SendVoiceSetters};
use teloxide::prelude::*;
use teloxide::types::{FileId, InlineKeyboardButton, InlineKeyboardMarkup, InputFile};

use crate::bot::access::refuse;
use crate::bot::context::Ctx;
use crate::bot::keyboards::{self, button};
use crate::domain::callback::Cb;
use crate::domain::learning::typed_option;
use crate::domain::lesson::{Input, MediaKind, Refusal};
use crate::domain::person::Person;
use crate::i18n::Lang;
use crate::services::lessons::{self, CardView, FinishedView, Media, Opened, Pressed, QuestionView, View};
use crate::tr;

/// Whether a button belongs to lessons (these work in any dialog state).
pub fn is_lesson_button(cb: &Cb) -> bool {
    matches!(cb, Cb::LessonOpen | Cb::LessonNext { .. } | Cb::LessonListen { .. } | Cb::LessonAnswer { .. })
}

/// 📖 学一课 (the menu) and 📖 再学一课 (under a finished lesson): the person's next lesson.
pub async fn open(ctx: &Ctx, person: &Person) -> anyhow::Result<()> {
    if !person.trainee {
        // Staff choose villager or cadre lessons first, as they do for courses.
        return super::staff::ask_audience(ctx, person).await;
    }
    ctx.retire_pressed_keyboard().await;
    ctx.answer(None).await?;
    match lessons::open_next(&ctx.app, person).await? {
        Opened::Show { view, resumed } => show(ctx, person.lang, &view, resumed).await,
        Opened::NothingLeft => ctx.say_with(tr!(person.lang, "lesson-none-left"), keyboards::main_menu(person)).await,
    }
}

/// Shows one step of a reading.
pub(crate) async fn show(ctx: &Ctx, lang: Lang, view: &View, resumed: bool) -> anyhow::Result<()> {
    let resumed = resumed.then(|| tr!(lang, "lesson-resumed"));
    match view {
        View::Card(card) => show_card(ctx, lang, card, resumed).await,
        View::Question(q) => {
            let (text, markup) = question_message(lang, q);
            let text = match resumed {
                Some(first) => format!("{first}\n{text}"),
                None => text,
            };
            ctx.say_with(text, markup).await
        }
        View::Finished(done) => {
            let mut rows = vec![vec![button(tr!(lang, "btn-lesson-more"), Cb::LessonOpen)]];
            let mut text = finished_text(lang, done);
            // Not subscribed to the daily lesson yet: offered here, where they have just seen what one is.
            if crate::services::lesson_daily::subscription(&ctx.app, ctx.user_id).await?.is_none() {
                text = format!("{text}\n\n{}", tr!(lang, "lesson-daily-offer"));
                rows.push(vec![super::lesson_daily::offer_button(lang)]);
            }
            ctx.say_with(text, InlineKeyboardMarkup::new(rows)).await
        }
    }
}

fn card_markup(lang: Lang, card: &CardView) -> InlineKeyboardMarkup {
    let index = u8::try_from(card.index).unwrap_or(u8::MAX);
    let mut rows: Vec<Vec<InlineKeyboardButton>> = Vec::new();
    if card.has_voice {
        rows.push(vec![button(
            tr!(lang, "btn-lesson-listen"),
            Cb::LessonListen { reading: card.reading_id, card: index },
        )]);
    }
    rows.push(vec![button(tr!(lang, "btn-lesson-next"), Cb::LessonNext { reading: card.reading_id, card: index })]);
    InlineKeyboardMarkup::new(rows)
}

/// One card: its header (lesson, page of pages), its text, a hint where a voice message carries it.
pub(crate) fn card_text(lang: Lang, card: &CardView, resumed: Option<String>) -> String {
    let mut parts: Vec<String> = resumed.into_iter().collect();
    parts.push(tr!(lang, "lesson-card", title = card.title.as_str(), position = card.index + 1, total = card.total));
    if let Some(text) = &card.text {
        parts.push(String::new());
        parts.push(text.clone());
    }
    if card.media.as_ref().is_some_and(|m| m.kind == MediaKind::Voice) {
        parts.push(tr!(lang, "lesson-voice-card"));
    } else if card.has_voice {
        parts.push(String::new());
        parts.push(tr!(lang, "lesson-voice-offer"));
    }
    parts.join("\n")
}

async fn show_card(ctx: &Ctx, lang: Lang, card: &CardView, resumed: Option<String>) -> anyhow::Result<()> {
    let text = card_text(lang, card, resumed);
    let markup = card_markup(lang, card);
    match &card.media {
        None => ctx.say_with(text, markup).await,
        Some(media) => {
            let sent = send_media(ctx, media, Some(text), Some(markup)).await?;
            ctx.remember_sent(&sent).await;
            Ok(())
        }
    }
}

/// Sends a lesson's media file: by Telegram's file id when it has one (a file id Telegram no longer
/// takes is uploaded again), else uploaded, and the id Telegram returns is kept for the next time.
async fn send_media(
    ctx: &Ctx,
    media: &Media,
    caption: Option<String>,
    markup: Option<InlineKeyboardMarkup>,
) -> anyhow::Result<Message> {
    if let Some(file_id) = &media.file_id {
        let file = InputFile::file_id(FileId(file_id.clone()));
        match send_file(ctx, media.kind, file, caption.clone(), markup.clone()).await {
            Ok(sent) => return Ok(sent),
            Err(teloxide::RequestError::Api(e)) => {
                tracing::warn!(media = media.id, error = %e, "a stored file id was refused; uploading the file again");
            }
            Err(e) => return Err(e.into()),
        }
    }
    let Some(bytes) = lessons::media_bytes(&ctx.app, media.id).await? else {
        anyhow::bail!("media file {} is not stored", media.id);
    };
    let file = InputFile::memory(bytes).file_name(media.file_name.clone());
    let sent = send_file(ctx, media.kind, file, caption, markup).await?;
    let returned = match media.kind {
        MediaKind::Photo => {
            sent.photo().and_then(|sizes| sizes.iter().max_by_key(|p| p.width * p.height)).map(|p| &p.file.id)
        }
        MediaKind::Voice => sent.voice().map(|v| &v.file.id),
        MediaKind::Video => sent.video().map(|v| &v.file.id),
    };
    match returned {
        Some(id) => lessons::remember_file_id(&ctx.app, media.id, &id.0).await?,
        None => tracing::warn!(media = media.id, "Telegram returned no file id for an uploaded lesson file"),
    }
    Ok(sent)
}

async fn send_file(
    ctx: &Ctx,
    kind: MediaKind,
    file: InputFile,
    caption: Option<String>,
    markup: Option<InlineKeyboardMarkup>,
) -> Result<Message, teloxide::RequestError> {
    match kind {
        MediaKind::Photo => {
            let mut req = ctx.bot.send_photo(ctx.chat, file);
            if let Some(caption) = caption {
                req = req.caption(caption);
            }
            if let Some(markup) = markup {
                req = req.reply_markup(markup);
            }
            req.await
        }
        MediaKind::Voice => {
            let mut req = ctx.bot.send_voice(ctx.chat, file);
            if let Some(caption) = caption {
                req = req.caption(caption);
            }
            if let Some(markup) = markup {
                req = req.reply_markup(markup);
            }
            req.await
        }
        MediaKind::Video => {
            let mut req = ctx.bot.send_video(ctx.chat, file);
            if let Some(caption) = caption {
                req = req.caption(caption);
            }
            if let Some(markup) = markup {
                req = req.reply_markup(markup);
            }
            req.await
        }
    }
}

fn question_message(lang: Lang, q: &QuestionView) -> (String, InlineKeyboardMarkup) {
    let mut text = tr!(
        lang,
        "lesson-question",
        title = q.title.as_str(),
        position = q.index + 1,
        total = q.total,
        text = q.text.as_str()
    );
    // The options in full above the buttons, numbered, so long ones are never cut off.
    for (i, option) in q.options.iter().enumerate() {
        text.push_str(&format!("\n{}. {option}", i + 1));
    }
    let question = u8::try_from(q.index).unwrap_or(u8::MAX);
    let rows = q
        .options
        .iter()
        .enumerate()
        .map(|(i, option)| {
            let choice = u8::try_from(i).unwrap_or(u8::MAX);
            vec![button(format!("{}. {option}", i + 1), Cb::LessonAnswer { reading: q.reading_id, question, choice })]
        })
        .collect::<Vec<_>>();
    (text, InlineKeyboardMarkup::new(rows))
}

fn finished_text(lang: Lang, done: &FinishedView) -> String {
    let mut lines = vec![
        tr!(lang, "lesson-finished", title = done.title.as_str()),
        tr!(lang, "lesson-progress", count = done.lessons_done),
    ];
    if done.streak > 0 {
        lines.push(tr!(lang, "lesson-streak", days = done.streak));
    }
    if let Some(credits) = done.earned {
        lines.push(tr!(lang, "lesson-credit-earned", credits = credits.to_string(), n = credits.as_number()));
    } else if done.year_total.is_some() {
        lines.push(tr!(lang, "lesson-credit-counted"));
    }
    if let Some((year, total)) = done.year_total {
        lines.push(tr!(lang, "lesson-credit-year", year = year, total = total.to_string(), n = total.as_number()));
    }
    lines.join("\n")
}

/// A press on a reading's message.
async fn press(ctx: &Ctx, person: &Person, reading: i64, input: Input) -> anyhow::Result<()> {
    let lang = person.lang;
    match lessons::press(&ctx.app, person, reading, input).await? {
        Pressed::Moved { feedback, view } => {
            ctx.retire_pressed_keyboard().await;
            ctx.answer(None).await?;
            if let Some(f) = feedback {
                let first =
                    if f.correct { tr!(lang, "quiz-right") } else { tr!(lang, "quiz-wrong", right = f.right.as_str()) };
                ctx.say(format!("{first}\n{}", tr!(lang, "quiz-explanation", explanation = f.explanation.as_str())))
                    .await?;
            }
            show(ctx, lang, &view, false).await
        }
        Pressed::Play { media, title, index, total } => {
            ctx.answer(None).await?;
            let caption =
                tr!(lang, "lesson-voice-caption", title = title.as_str(), position = index + 1, total = total);
            // The page's "下一页" comes again under the recording: on a small screen the card's own button
            // has scrolled away by the time it ends. Whichever is pressed first turns the page; the other
            // is then an old button like any other.
            let next = Cb::LessonNext { reading, card: u8::try_from(index).unwrap_or(u8::MAX) };
            let markup = InlineKeyboardMarkup::new(vec![vec![button(tr!(lang, "btn-lesson-next"), next)]]);
            send_media(ctx, &media, Some(caption), Some(markup)).await?;
            Ok(())
        }
        Pressed::Refused(refusal) => {
            let text = match refusal {
                Refusal::Passed => tr!(lang, "lesson-stale-passed"),
                Refusal::Finished => tr!(lang, "lesson-stale-finished"),
                Refusal::NoVoice => tr!(lang, "lesson-no-voice"),
                Refusal::NotYet | Refusal::Unknown => tr!(lang, "menu-expired"),
            };
            if ctx.is_callback() { ctx.answer(Some(text)).await } else { ctx.say(text).await }
        }
        Pressed::NotYours => refuse(ctx, "a button of another person's lesson").await,
    }
}

/// The check question the person is being asked, if any: text typed now may answer it.
pub async fn waiting_question(ctx: &Ctx, person: &Person) -> anyhow::Result<Option<QuestionView>> {
    lessons::current_question(&ctx.app, person).await
}

/// Typed text that names an option of the waiting question (its number or letter) answers it; `false`
/// when it names none.
pub async fn answer_typed(ctx: &Ctx, person: &Person, q: &QuestionView, text: &str) -> anyhow::Result<bool> {
    let Some(choice) = typed_option(text, q.options.len()) else { return Ok(false) };
    press(ctx, person, q.reading_id, Input::Answer { question: q.index, choice }).await?;
    Ok(true)
}

/// Something else typed while a check question waits: how to answer, and the question again.
pub async fn ask_again(ctx: &Ctx, lang: Lang, q: &QuestionView) -> anyhow::Result<()> {
    ctx.say(tr!(lang, "quiz-use-buttons")).await?;
    let (text, markup) = question_message(lang, q);
    ctx.say_with(text, markup).await
}

pub async fn callback(ctx: Ctx, cb: Cb) -> anyhow::Result<()> {
    let Some(person) = ctx.person.clone() else { return ctx.answer_stale().await };
    match cb {
        Cb::LessonOpen => open(&ctx, &person).await,
        Cb::LessonNext { reading, card } => press(&ctx, &person, reading, Input::Next { card: card.into() }).await,
        Cb::LessonListen { reading, card } => press(&ctx, &person, reading, Input::Listen { card: card.into() }).await,
        Cb::LessonAnswer { reading, question, choice } => {
            press(&ctx, &person, reading, Input::Answer { question: question.into(), choice: choice.into() }).await
        }
        _ => ctx.answer_stale().await,
    }
}
