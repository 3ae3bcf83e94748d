//! 每日一课: choosing the time of the daily lesson (from ⚙️ settings or under a finished lesson),
//! stopping it with one tap, and the "▶ 开始学习" button of a daily lesson. These buttons work in any
//! dialog state; each is checked by the service (an offered time, the person's own lessons).

use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use crate::bot::context::Ctx;
use crate::bot::keyboards::{self, button};
use crate::domain::callback::{Cb, DailyChoice};
use crate::domain::dialog::State;
use crate::domain::lesson_daily::{DAILY_TIMES, time_of};
use crate::domain::person::Person;
use crate::i18n::Lang;
use crate::services::lesson_daily::{self as daily, Started};
use crate::tr;

pub fn is_daily_button(cb: &Cb) -> bool {
    matches!(cb, Cb::LessonDaily(_) | Cb::LessonStart { .. })
}

/// A time of day as people say it: "早上 7:30", "evening 20:00".
pub fn time_label(lang: Lang, minute: u16) -> String {
    let time = time_of(minute).format("%-H:%M").to_string();
    match minute / 60 {
        0..=10 => tr!(lang, "lesson-daily-part-morning", time = time),
        11..=16 => tr!(lang, "lesson-daily-part-noon", time = time),
        _ => tr!(lang, "lesson-daily-part-evening", time = time),
    }
}

/// The button offering the daily lesson (under a finished lesson, to someone not subscribed).
pub fn offer_button(lang: Lang) -> InlineKeyboardButton {
    button(tr!(lang, "btn-lesson-daily-offer"), Cb::LessonDaily(DailyChoice::Ask))
}

/// The settings menu's row: the daily lesson's time, or that there is none.
pub async fn settings_button(ctx: &Ctx, person: &Person) -> anyhow::Result<InlineKeyboardButton> {
    let lang = person.lang;
    let label = match daily::subscription(&ctx.app, person.user_id).await? {
        Some(minute) => tr!(lang, "settings-lesson-daily-on", time = time_label(lang, minute)),
        None => tr!(lang, "settings-lesson-daily-off"),
    };
    Ok(button(label, Cb::LessonDaily(DailyChoice::Ask)))
}

/// The times to choose from (the current one marked), and "不用推送了" when subscribed.
async fn ask(ctx: &Ctx, person: &Person) -> anyhow::Result<()> {
    let lang = person.lang;
    let current = daily::subscription(&ctx.app, person.user_id).await?;
    let mut text = tr!(lang, "lesson-daily-ask");
    let mut rows: Vec<Vec<InlineKeyboardButton>> = DAILY_TIMES
        .iter()
        .map(|m| {
            let label = time_label(lang, *m);
            let label = if current == Some(*m) { format!("✓ {label}") } else { label };
            vec![button(label, Cb::LessonDaily(DailyChoice::At(*m)))]
        })
        .collect();
    if let Some(minute) = current {
        text = format!("{text}\n\n{}", tr!(lang, "lesson-daily-current", time = time_label(lang, minute)));
        rows.push(vec![button(tr!(lang, "btn-lesson-daily-off"), Cb::LessonDaily(DailyChoice::Off))]);
    }
    ctx.say_with(text, InlineKeyboardMarkup::new(rows)).await
}

/// A choice made here ends a settings dialog it was opened from: the confirmation comes with the menu.
async fn confirm(ctx: &Ctx, person: &Person, text: String) -> anyhow::Result<()> {
    if matches!(ctx.state, State::Settings(_)) {
        ctx.set_state(State::Idle).await?;
    }
    ctx.say_with(text, keyboards::main_menu(person)).await
}

pub async fn callback(ctx: Ctx, cb: Cb) -> anyhow::Result<()> {
    let Some(person) = ctx.person.clone() else { return ctx.answer_stale().await };
    let lang = person.lang;
    match cb {
        Cb::LessonDaily(DailyChoice::Ask) => {
            ctx.answer(None).await?;
            ctx.retire_pressed_keyboard().await;
            ask(&ctx, &person).await
        }
        Cb::LessonDaily(DailyChoice::At(minute)) => {
            if !daily::subscribe(&ctx.app, &person, minute).await? {
                // A time no longer (or never) offered.
                return ctx.answer_stale().await;
            }
            ctx.answer(None).await?;
            ctx.retire_pressed_keyboard().await;
            confirm(&ctx, &person, tr!(lang, "lesson-daily-saved", time = time_label(lang, minute))).await
        }
        Cb::LessonDaily(DailyChoice::Off) => {
            ctx.answer(None).await?;
            ctx.retire_pressed_keyboard().await;
            let text = if daily::unsubscribe(&ctx.app, &person).await? {
                tr!(lang, "lesson-daily-stopped")
            } else {
                tr!(lang, "lesson-daily-not-subscribed")
            };
            confirm(&ctx, &person, text).await
        }
        Cb::LessonStart { lesson } => match daily::start(&ctx.app, &person, lesson).await? {
            Started::Show { view, resumed } => {
                ctx.answer(None).await?;
                ctx.retire_pressed_keyboard().await;
                super::lessons::show(&ctx, lang, &view, resumed).await
            }
            Started::Done => ctx.answer(Some(tr!(lang, "lesson-daily-done-already"))).await,
            Started::Gone => ctx.answer(Some(tr!(lang, "lesson-daily-gone"))).await,
        },
        _ => ctx.answer_stale().await,
    }
}
