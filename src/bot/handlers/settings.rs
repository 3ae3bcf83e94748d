//! Settings: language, name, village, phone, a pause, surveys, and the person's own data.

use teloxide::types::InlineKeyboardMarkup;

use crate::bot::context::{Ctx, Incoming};
use crate::bot::handlers::registration::{ask_region, problem_text};
use crate::bot::keyboards;
use crate::db;
use crate::domain::callback::Cb;
use crate::domain::dialog::State;
use crate::domain::person::{Person, Phone};
use crate::domain::settings::{Change, Input, Item, Outcome, SettingsStep};
use crate::i18n::Lang;
use crate::services;
use crate::tr;

pub async fn open(ctx: &Ctx, person: &Person) -> anyhow::Result<()> {
    ctx.set_state(State::Settings(SettingsStep::Menu)).await?;
    ask(ctx, person, &SettingsStep::Menu).await
}

pub async fn handle(ctx: Ctx, step: SettingsStep) -> anyhow::Result<()> {
    let Some(person) = ctx.person.clone() else {
        // Settings without a registration (e.g. the record was erased): start over.
        ctx.set_state(State::Idle).await?;
        return super::registration::start(&ctx).await;
    };
    let input = match &ctx.incoming {
        Incoming::Text(t) => Input::Text(t.clone()),
        Incoming::Contact { phone, own: true } => match Phone::parse(phone) {
            Some(p) => Input::Contact(p),
            None => Input::Unsupported,
        },
        Incoming::Contact { own: false, .. } => {
            ctx.say(tr!(person.lang, "reg-contact-not-own")).await?;
            return ask(&ctx, &person, &step).await;
        }
        Incoming::Unsupported
        | Incoming::Location(_)
        | Incoming::Photo { .. }
        | Incoming::Voice { .. }
        | Incoming::UnknownCommand
        | Incoming::Command(_) => Input::Unsupported,
        Incoming::Callback(None) => return ctx.answer_stale().await,
        Incoming::Callback(Some(cb)) => match cb {
            Cb::Settings(item) => Input::Open(*item),
            Cb::Lang(l) => Input::Lang(*l),
            Cb::Back => Input::Back,
            Cb::RemovePhone => Input::RemovePhone,
            Cb::Pause(days) => Input::PauseDays(*days),
            Cb::SurveysStopped(stopped) => Input::SurveysStopped(*stopped),
            // Only staff who have not chosen are offered this; for anyone else it is an old button.
            Cb::Audience(audience) if !person.trainee => Input::Audience(*audience),
            Cb::InstantLines(on) if person.has_role(crate::domain::person::Role::Coordinator) => {
                Input::InstantLines(*on)
            }
            Cb::Region(key) => match db::regions::get(&ctx.app.db, key).await? {
                Some(r) => Input::Region(r),
                None => return ctx.answer_stale().await,
            },
            _ => return ctx.answer_stale().await,
        },
    };
    // On the phone step the reply keyboard offers "remove my number" as text.
    let input = match input {
        Input::Text(t) if step == SettingsStep::Phone && is_remove_phone_label(&t) => Input::RemovePhone,
        Input::Text(t) if step == SettingsStep::Phone && is_back_label(&t) => Input::Back,
        other => other,
    };
    match step.step(input) {
        Outcome::Ask(next) => {
            ctx.answer(None).await?;
            ctx.retire_pressed_keyboard().await;
            ctx.set_state(State::Settings(next.clone())).await?;
            ask(&ctx, &person, &next).await
        }
        Outcome::Reask(_, crate::domain::settings::Problem::Stale) => ctx.answer_stale().await,
        Outcome::Reask(same, problem) => {
            ctx.say(problem_text(person.lang, problem)).await?;
            ask(&ctx, &person, &same).await
        }
        Outcome::Save(change) => {
            ctx.answer(None).await?;
            ctx.retire_pressed_keyboard().await;
            services::people::apply_change(&ctx.app, ctx.user_id, &change).await?;
            ctx.set_state(State::Settings(SettingsStep::Menu)).await?;
            let Some(updated) = db::people::find(&ctx.app.db, ctx.user_id).await? else { return Ok(()) };
            let lang = updated.lang;
            let confirmation = match change {
                Change::Lang(_) => tr!(lang, "settings-saved-lang"),
                Change::Name(name) => tr!(lang, "settings-saved-name", name = name.as_str()),
                Change::Village(_) => tr!(lang, "settings-saved-village"),
                Change::Phone(Some(_)) => tr!(lang, "settings-saved-phone"),
                Change::Phone(None) => tr!(lang, "settings-removed-phone"),
                Change::Pause(0) => tr!(lang, "settings-pause-ended"),
                Change::Pause(days) => tr!(lang, "settings-paused", days = days),
                Change::InstantLines(true) => tr!(lang, "settings-lines-on"),
                Change::InstantLines(false) => tr!(lang, "settings-lines-off"),
                Change::SurveysStopped(true) => tr!(lang, "settings-surveys-off"),
                Change::SurveysStopped(false) => tr!(lang, "settings-surveys-on"),
                Change::Audience(audience) => {
                    tr!(lang, "settings-saved-audience", audience = super::staff::audience_name(lang, audience))
                }
            };
            // The main menu keyboard carries labels in the person's language: resend it with the confirmation.
            ctx.say_with(confirmation, keyboards::main_menu(&updated)).await?;
            ask(&ctx, &updated, &SettingsStep::Menu).await
        }
        Outcome::ShowData => {
            ctx.answer(None).await?;
            ctx.retire_pressed_keyboard().await;
            ctx.set_state(State::Idle).await?;
            super::mydata::send(&ctx, &person).await
        }
        Outcome::Erase => {
            ctx.answer(None).await?;
            ctx.retire_pressed_keyboard().await;
            super::erasure::start(&ctx, &person).await
        }
        Outcome::Close => {
            ctx.answer(None).await?;
            ctx.retire_pressed_keyboard().await;
            ctx.set_state(State::Idle).await?;
            ctx.say_with(tr!(person.lang, "settings-closed"), keyboards::main_menu(&person)).await
        }
    }
}

fn is_remove_phone_label(text: &str) -> bool {
    Lang::ALL.iter().any(|l| tr!(*l, "btn-remove-phone") == text.trim())
}

fn is_back_label(text: &str) -> bool {
    Lang::ALL.iter().any(|l| tr!(*l, "btn-back") == text.trim())
}

async fn ask(ctx: &Ctx, person: &Person, step: &SettingsStep) -> anyhow::Result<()> {
    let lang = person.lang;
    let back = || InlineKeyboardMarkup::new(vec![vec![keyboards::back_button(lang)]]);
    match step {
        SettingsStep::Menu => {
            let phone =
                person.phone.as_ref().map(|p| p.as_str().to_owned()).unwrap_or_else(|| tr!(lang, "settings-no-phone"));
            let village = match &person.village_key {
                Some(key) => db::regions::get(&ctx.app.db, key)
                    .await?
                    .map(|r| r.display_name(lang).to_owned())
                    .unwrap_or_else(|| key.clone()),
                None => String::new(),
            };
            let mut text = tr!(
                lang,
                "settings-menu",
                name = person.name.as_str(),
                village = village,
                phone = phone,
                language = tr!(lang, "language-name")
            );
            if !person.trainee {
                text = format!("{}\n\n{text}", tr!(lang, "settings-audience-none"));
            }
            let mut rows = vec![
                vec![keyboards::button(tr!(lang, "settings-lang"), Cb::Settings(Item::Lang))],
                vec![keyboards::button(tr!(lang, "settings-name"), Cb::Settings(Item::Name))],
                vec![keyboards::button(tr!(lang, "settings-village"), Cb::Settings(Item::Village))],
                vec![keyboards::button(tr!(lang, "settings-phone"), Cb::Settings(Item::Phone))],
                vec![keyboards::button(tr!(lang, "settings-pause"), Cb::Settings(Item::Pause))],
                vec![
                    keyboards::button(tr!(lang, "settings-mydata"), Cb::Settings(Item::MyData)),
                    keyboards::button(tr!(lang, "settings-deleteme"), Cb::Settings(Item::Erase)),
                ],
            ];
            rows.push(vec![super::lesson_daily::settings_button(ctx, person).await?]);
            if super::job_seek::is_seeker(person) {
                rows.push(vec![super::job_seek::settings_button(ctx, person).await?]);
            }
            let stopped = services::surveys::is_stopped(&ctx.app, person.user_id).await?;
            let label =
                if stopped { tr!(lang, "settings-surveys-turn-on") } else { tr!(lang, "settings-surveys-turn-off") };
            rows.push(vec![keyboards::button(label, Cb::SurveysStopped(!stopped))]);
            if person.has_role(crate::domain::person::Role::Coordinator) {
                let on = db::people::wants_instant_lines(&ctx.app.db, person.user_id).await?;
                let label = if on { tr!(lang, "settings-lines-turn-off") } else { tr!(lang, "settings-lines-turn-on") };
                rows.push(vec![keyboards::button(label, Cb::InstantLines(!on))]);
            }
            if !person.trainee {
                rows.extend(super::staff::audience_buttons(lang).inline_keyboard);
            }
            rows.push(vec![keyboards::button(tr!(lang, "btn-done"), Cb::Back)]);
            let markup = InlineKeyboardMarkup::new(rows);
            ctx.say_with(text, markup).await
        }
        SettingsStep::Lang => {
            let markup = InlineKeyboardMarkup::new(vec![
                Lang::ALL.iter().map(|l| keyboards::button(tr!(*l, "language-name"), Cb::Lang(*l))).collect(),
                vec![keyboards::back_button(lang)],
            ]);
            ctx.say_with(tr!(lang, "settings-ask-lang"), markup).await
        }
        SettingsStep::Name => ctx.say_with(tr!(lang, "reg-ask-name"), back()).await,
        SettingsStep::County | SettingsStep::Township { .. } | SettingsStep::Village { .. } => {
            let level = step.region_level().unwrap_or(crate::domain::region::RegionLevel::County);
            ask_region(ctx, lang, level, step.region_parent()).await
        }
        SettingsStep::Pause => {
            let mut rows: Vec<Vec<_>> = crate::domain::settings::PAUSE_CHOICES
                .iter()
                .map(|d| vec![keyboards::button(tr!(lang, "settings-pause-days", days = *d), Cb::Pause(*d))])
                .collect();
            let paused_until = services::people::paused_until(&ctx.app, person.user_id).await?;
            let text = match paused_until {
                Some(until) => {
                    rows.push(vec![keyboards::button(tr!(lang, "settings-pause-end"), Cb::Pause(0))]);
                    let local = until.with_timezone(&ctx.app.config.default_timezone).date_naive();
                    tr!(lang, "settings-pause-now", until = crate::i18n::local_date(lang, local))
                }
                None => tr!(lang, "settings-ask-pause"),
            };
            rows.push(vec![keyboards::back_button(lang)]);
            ctx.say_with(text, InlineKeyboardMarkup::new(rows)).await
        }
        SettingsStep::Phone => {
            use teloxide::types::{ButtonRequest, KeyboardButton, KeyboardMarkup};
            let keyboard = KeyboardMarkup::new(vec![
                vec![KeyboardButton::new(tr!(lang, "btn-share-phone")).request(ButtonRequest::Contact)],
                vec![KeyboardButton::new(tr!(lang, "btn-remove-phone")), KeyboardButton::new(tr!(lang, "btn-back"))],
            ])
            .resize_keyboard()
            .one_time_keyboard();
            ctx.say_with(tr!(lang, "settings-ask-phone"), keyboard).await
        }
    }
}
