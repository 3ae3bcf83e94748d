//! `/lesson`: a trainer makes a lesson in the chat, one question per message (the dialog itself is
//! `domain::lesson_compose`). The preview shows the first card exactly as a learner gets it, then a
//! summary with "发布 / 修改… / 放弃"; publishing is `services::lesson_compose::publish`.

use teloxide::payloads::{SendPhotoSetters, SendVideoSetters, SendVoiceSetters};
use teloxide::prelude::*;
use teloxide::types::{FileId, InlineKeyboardButton, InlineKeyboardMarkup, InputFile};

use crate::bot::context::{Ctx, Incoming};
use crate::bot::keyboards::{self, button};
use crate::domain::callback::Cb;
use crate::domain::catalog::{Category, Credits};
use crate::domain::dialog::State;
use crate::domain::lesson::{Card, Lesson, LessonAudience, MediaKind};
use crate::domain::lesson_compose::{
    At, Button, CREDIT_CHOICES, Compose, Draft, Input, MAX_OPTIONS, Outcome, Part, Problem, step,
};
use crate::domain::person::Person;
use crate::i18n::Lang;
use crate::services::lesson_compose::{self as service, Published, audience_label};
use crate::services::lessons::{CardView, Media};
use crate::tr;

fn press(text: String, b: Button) -> InlineKeyboardButton {
    button(text, Cb::Compose(b))
}

/// `/lesson`: trainers, coordinators and admins; a draft open is offered to go on with.
pub async fn command(ctx: &Ctx, person: &Person) -> anyhow::Result<()> {
    if !service::may_compose(&ctx.app, person).await? {
        return crate::bot::access::refuse(ctx, "/lesson from someone who does not make lessons").await;
    }
    let next = match &ctx.state {
        State::ComposingLesson(open) => open.clone().offer_resume(),
        _ => Compose::new(),
    };
    ctx.set_state(State::ComposingLesson(next.clone())).await?;
    ask(ctx, person.lang, &next, None).await
}

/// `/cancel` while making a lesson: sure?
pub async fn cancel(ctx: &Ctx, person: &Person, open: Compose) -> anyhow::Result<()> {
    let next = open.confirm_abandon();
    ctx.set_state(State::ComposingLesson(next.clone())).await?;
    ask(ctx, person.lang, &next, None).await
}

/// A composer button pressed with no lesson being made: refused for someone who does not make lessons
/// (as any staff button is), an expired menu for a trainer (a draft published or abandoned since).
pub async fn stray(ctx: Ctx) -> anyhow::Result<()> {
    match &ctx.person {
        Some(person) if service::may_compose(&ctx.app, person).await? => ctx.answer_stale().await,
        _ => crate::bot::access::refuse(&ctx, "a lesson composer button from someone who does not make lessons").await,
    }
}

/// In [`State::ComposingLesson`]: one step.
pub async fn handle(ctx: Ctx, compose: Compose) -> anyhow::Result<()> {
    let Some(person) = ctx.person.clone() else {
        ctx.set_state(State::Idle).await?;
        return super::menu::handle(ctx).await;
    };
    let lang = person.lang;
    let input = match &ctx.incoming {
        Incoming::Text(t) => Input::Text(t.clone()),
        Incoming::Photo { file_id, caption } => Input::Photo { file_id: file_id.clone(), caption: caption.clone() },
        Incoming::Voice { file_id } => Input::Voice { file_id: file_id.clone() },
        Incoming::Callback(Some(Cb::Compose(b))) => Input::Button(*b),
        Incoming::Callback(_) => return ctx.answer_stale().await,
        Incoming::Contact { .. }
        | Incoming::Location(_)
        | Incoming::Unsupported
        | Incoming::UnknownCommand
        | Incoming::Command(_) => Input::Unsupported,
    };
    match step(compose, input) {
        Outcome::Ask(next) => {
            ctx.retire_pressed_keyboard().await;
            ctx.answer(None).await?;
            ctx.set_state(State::ComposingLesson(next.clone())).await?;
            ask(&ctx, lang, &next, None).await
        }
        Outcome::Reask(same, problem) => {
            ctx.answer(None).await?;
            ask(&ctx, lang, &same, Some(problem_text(lang, problem))).await
        }
        Outcome::Stale => ctx.answer_stale().await,
        Outcome::Abandoned => {
            ctx.retire_pressed_keyboard().await;
            ctx.answer(None).await?;
            ctx.set_state(State::Idle).await?;
            ctx.say_with(tr!(lang, "compose-abandoned"), keyboards::main_menu(&person)).await
        }
        Outcome::Publish(draft) => {
            ctx.retire_pressed_keyboard().await;
            ctx.answer(None).await?;
            match service::publish(&ctx.app, &person, &draft).await? {
                Published::Done { .. } => {
                    ctx.set_state(State::Idle).await?;
                    let title = draft.title.clone().unwrap_or_default();
                    let audience = draft.audience.map(|a| audience_label(lang, a)).unwrap_or_default();
                    let text = tr!(lang, "compose-published", title = title, audience = audience);
                    ctx.say_with(text, keyboards::main_menu(&person)).await
                }
                Published::NotAllowed => {
                    ctx.set_state(State::Idle).await?;
                    crate::bot::access::refuse(&ctx, "publishing a lesson without the role").await
                }
                Published::Incomplete => {
                    let next = Compose { at: draft.next_missing(), draft };
                    ctx.set_state(State::ComposingLesson(next.clone())).await?;
                    ask(&ctx, lang, &next, None).await
                }
            }
        }
    }
}

fn problem_text(lang: Lang, problem: Problem) -> String {
    match problem {
        Problem::NeedText => tr!(lang, "compose-problem-need-text"),
        Problem::Empty => tr!(lang, "compose-problem-empty"),
        Problem::TooLong { limit, length } => tr!(lang, "compose-problem-too-long", limit = limit, length = length),
        Problem::NotACard => tr!(lang, "compose-problem-not-a-card"),
        Problem::TooManyCards => tr!(lang, "compose-problem-too-many-cards", max = Lesson::MAX_CARDS),
        Problem::NoCards => tr!(lang, "compose-problem-no-cards"),
        Problem::NeedVoice => tr!(lang, "compose-problem-need-voice"),
        Problem::TooFewOptions { have } => tr!(lang, "compose-problem-too-few-options", have = have),
        Problem::TooManyOptions { have } => {
            tr!(lang, "compose-problem-too-many-options", have = have, max = MAX_OPTIONS)
        }
        Problem::SameOption => tr!(lang, "compose-problem-same-option"),
        Problem::TooManyQuestions => {
            tr!(lang, "compose-problem-too-many-questions", max = Lesson::MAX_QUESTIONS)
        }
        Problem::UseButtons => tr!(lang, "compose-problem-use-buttons"),
    }
}

/// `problem` (if any) above `text`, in one message.
fn with_problem(problem: Option<String>, text: String) -> String {
    match problem {
        Some(p) => format!("{p}\n\n{text}"),
        None => text,
    }
}

fn credits_label(lang: Lang, tenths: u8) -> String {
    let credits = Credits::from_tenths(i64::from(tenths));
    tr!(lang, "compose-btn-credits", credits = credits.to_string(), n = credits.as_number())
}

/// Asks the question of `compose`'s step (with the reason it is asked again, if it is).
async fn ask(ctx: &Ctx, lang: Lang, compose: &Compose, problem: Option<String>) -> anyhow::Result<()> {
    let draft = &compose.draft;
    let markup = |rows: Vec<Vec<InlineKeyboardButton>>| InlineKeyboardMarkup::new(rows);
    match &compose.at {
        At::Title => {
            let text = tr!(lang, "compose-ask-title", max = Lesson::MAX_TITLE_CHARS);
            ctx.say(with_problem(problem, text)).await
        }
        At::Topic => {
            let rows = Category::ALL
                .chunks(2)
                .map(|pair| pair.iter().map(|c| press(c.label(lang), Button::Topic(*c))).collect())
                .collect();
            ctx.say_with(with_problem(problem, tr!(lang, "compose-ask-topic")), markup(rows)).await
        }
        At::Cards if draft.cards.is_empty() => {
            let text = tr!(lang, "compose-ask-first-card", max = Lesson::MAX_CARDS, limit = Card::MAX_TEXT_CHARS);
            ctx.say(with_problem(problem, text)).await
        }
        At::Cards => {
            let count = draft.cards.len();
            let mut rows = Vec::new();
            if draft.cards.last().is_some_and(|c| c.takes_voice_version()) {
                rows.push(vec![press(tr!(lang, "compose-btn-add-voice"), Button::AddVoice)]);
            }
            rows.push(vec![press(tr!(lang, "compose-btn-cards-done"), Button::CardsDone)]);
            let next = if count >= Lesson::MAX_CARDS {
                tr!(lang, "compose-cards-full", max = Lesson::MAX_CARDS)
            } else {
                tr!(lang, "compose-ask-next-card", max = Lesson::MAX_CARDS)
            };
            let text = format!("{}\n{next}", tr!(lang, "compose-card-saved", count = count));
            ctx.say_with(with_problem(problem, text), markup(rows)).await
        }
        At::CardVoice { card } => {
            let rows = vec![
                vec![press(tr!(lang, "compose-btn-skip-voice"), Button::SkipVoice)],
                vec![press(tr!(lang, "compose-btn-cards-done"), Button::CardsDone)],
            ];
            let text = tr!(lang, "compose-ask-voice-version", position = card + 1);
            ctx.say_with(with_problem(problem, text), markup(rows)).await
        }
        At::QuestionText => {
            let text =
                tr!(lang, "compose-ask-question", position = draft.questions.len() + 1, max = Lesson::MAX_QUESTIONS);
            ctx.say(with_problem(problem, text)).await
        }
        At::Options { options, .. } if options.is_empty() => {
            ctx.say(with_problem(problem, tr!(lang, "compose-ask-options", max = MAX_OPTIONS))).await
        }
        At::Options { options, .. } => {
            let mut text = tr!(lang, "compose-options-so-far", count = options.len());
            for (i, o) in options.iter().enumerate() {
                text.push_str(&format!("\n{}. {o}", i + 1));
            }
            text.push('\n');
            text.push_str(&tr!(lang, "compose-ask-more-options", max = MAX_OPTIONS));
            let rows = if options.len() >= 2 {
                vec![vec![press(tr!(lang, "compose-btn-options-done"), Button::OptionsDone)]]
            } else {
                Vec::new()
            };
            ctx.say_with(with_problem(problem, text), markup(rows)).await
        }
        At::Answer { text: question, options } => {
            let mut text = tr!(lang, "compose-ask-right", question = question.as_str());
            for (i, o) in options.iter().enumerate() {
                text.push_str(&format!("\n{}. {o}", i + 1));
            }
            let rows = options
                .iter()
                .enumerate()
                .map(|(i, o)| vec![press(format!("{}. {o}", i + 1), Button::Right(i as u8))])
                .collect();
            ctx.say_with(with_problem(problem, text), markup(rows)).await
        }
        At::Explanation { options, answer, .. } => {
            let right = options.get(*answer).map(String::as_str).unwrap_or_default();
            ctx.say(with_problem(problem, tr!(lang, "compose-ask-explanation", right = right))).await
        }
        At::MoreQuestions => {
            let count = draft.questions.len();
            let mut row = Vec::new();
            if count < Lesson::MAX_QUESTIONS {
                row.push(press(tr!(lang, "compose-btn-another-question"), Button::AnotherQuestion));
            }
            row.push(press(tr!(lang, "compose-btn-questions-done"), Button::QuestionsDone));
            let text = tr!(lang, "compose-question-saved", count = count, max = Lesson::MAX_QUESTIONS);
            ctx.say_with(with_problem(problem, text), markup(vec![row])).await
        }
        At::Audience => {
            let rows = LessonAudience::ALL
                .into_iter()
                .map(|a| vec![press(audience_label(lang, a), Button::Audience(a))])
                .collect();
            ctx.say_with(with_problem(problem, tr!(lang, "compose-ask-audience")), markup(rows)).await
        }
        At::Credits => {
            let row = CREDIT_CHOICES.into_iter().map(|t| press(credits_label(lang, t), Button::Credits(t))).collect();
            ctx.say_with(with_problem(problem, tr!(lang, "compose-ask-credits")), markup(vec![row])).await
        }
        At::Preview => preview(ctx, lang, draft, problem).await,
        At::Change => {
            let label = |p: Part| match p {
                Part::Title => tr!(lang, "compose-part-title"),
                Part::Topic => tr!(lang, "compose-part-topic"),
                Part::Cards => tr!(lang, "compose-part-cards"),
                Part::Questions => tr!(lang, "compose-part-questions"),
                Part::Audience => tr!(lang, "compose-part-audience"),
            };
            let rows = Part::ALL.into_iter().map(|p| vec![press(label(p), Button::Change(p))]).collect();
            ctx.say_with(with_problem(problem, tr!(lang, "compose-ask-change")), markup(rows)).await
        }
        At::ConfirmAbandon { .. } => {
            let row = vec![
                press(tr!(lang, "compose-btn-abandon-yes"), Button::ConfirmAbandon(true)),
                press(tr!(lang, "compose-btn-abandon-no"), Button::ConfirmAbandon(false)),
            ];
            ctx.say_with(with_problem(problem, tr!(lang, "compose-ask-abandon")), markup(vec![row])).await
        }
        At::Resume { .. } => {
            let title = draft.title.clone().unwrap_or_else(|| tr!(lang, "compose-untitled"));
            let rows = vec![
                vec![press(tr!(lang, "compose-btn-resume"), Button::Resume(true))],
                vec![press(tr!(lang, "compose-btn-restart"), Button::Resume(false))],
            ];
            let text = tr!(lang, "compose-ask-resume", title = title, cards = draft.cards.len());
            ctx.say_with(with_problem(problem, text), markup(rows)).await
        }
    }
}

/// The first card as a learner gets it (text, or the photo / voice with the text as its caption), then
/// the summary and "发布 / 修改… / 放弃".
async fn preview(ctx: &Ctx, lang: Lang, draft: &Draft, problem: Option<String>) -> anyhow::Result<()> {
    let Some(lesson) = draft.to_lesson("preview", None) else {
        // Not reachable through the dialog (it asks for what is missing first); said plainly if it is.
        return ctx.say(tr!(lang, "compose-problem-empty")).await;
    };
    if problem.is_none() {
        ctx.say(tr!(lang, "compose-preview-intro")).await?;
        let first = &draft.cards[0];
        let media = first.media.as_ref().map(|m| Media {
            id: 0,
            kind: m.kind,
            file_id: Some(m.file_id.clone()),
            file_name: String::new(),
        });
        let view = CardView {
            reading_id: 0,
            title: lesson.title.clone(),
            index: 0,
            total: lesson.cards.len(),
            text: first.text.clone(),
            media: media.clone(),
            has_voice: first.voice_version.is_some(),
        };
        let text = super::lessons::card_text(lang, &view, None);
        match media {
            None => {
                ctx.bot.send_message(ctx.chat, text).await?;
            }
            Some(m) => {
                let file = InputFile::file_id(FileId(m.file_id.unwrap_or_default()));
                match m.kind {
                    MediaKind::Photo => {
                        ctx.bot.send_photo(ctx.chat, file).caption(text).await?;
                    }
                    MediaKind::Voice => {
                        ctx.bot.send_voice(ctx.chat, file).caption(text).await?;
                    }
                    MediaKind::Video => {
                        ctx.bot.send_video(ctx.chat, file).caption(text).await?;
                    }
                }
            }
        }
    }
    let audience = audience_label(lang, lesson.audience);
    let mut lines = vec![
        tr!(lang, "compose-summary", cards = lesson.cards.len(), questions = lesson.questions.len()),
        tr!(
            lang,
            "compose-summary-who",
            topic = lesson.topic.label(lang),
            audience = audience,
            credits = lesson.credits.to_string(),
            n = lesson.credits.as_number()
        ),
    ];
    for (i, q) in lesson.questions.iter().enumerate() {
        let right = q.options.get(q.answer).map(String::as_str).unwrap_or_default();
        lines.push(tr!(lang, "compose-summary-question", position = i + 1, text = q.text.as_str(), right = right));
    }
    let rows = vec![
        vec![press(tr!(lang, "compose-btn-publish"), Button::Publish)],
        vec![
            press(tr!(lang, "compose-btn-edit"), Button::Edit),
            press(tr!(lang, "compose-btn-abandon"), Button::Abandon),
        ],
    ];
    ctx.say_with(with_problem(problem, lines.join("\n")), InlineKeyboardMarkup::new(rows)).await
}
