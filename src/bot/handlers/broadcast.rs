//! The broadcast dialog (trainers to their classes, coordinators to their region), the preview,
//! the progress message and the delivery report, and recipients' "收到".

use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup, InputFile};

use crate::bot::callback::Cb;
use crate::bot::context::{Ctx, Incoming};
use crate::bot::keyboards::{self, button};
use crate::db;
use crate::domain::broadcast::{BroadcastStep, Draft, Input, Outcome, Problem, Target};
use crate::domain::dialog::State;
use crate::domain::person::{Audience, Person};
use crate::i18n::Lang;
use crate::services::broadcasts::{self, Choice, Delivery, SendOutcome};
use crate::tr;

/// `/broadcast`: who may write to whom; trainees have no such command.
pub async fn start(ctx: &Ctx, person: &Person) -> anyhow::Result<()> {
    let lang = person.lang;
    let (choices, _) = broadcasts::choices(&ctx.app, person).await?;
    if choices.is_empty() {
        if !person.roles.is_empty() {
            return super::staff::explain_no_targets(ctx, person).await;
        }
        tracing::warn!(user = person.user_id, "/broadcast from a trainee refused");
        return ctx.say(tr!(lang, "not-allowed")).await;
    }
    ctx.set_state(State::Broadcasting(BroadcastStep::Target)).await?;
    ask(ctx, person, &BroadcastStep::Target).await
}

fn choice_label(lang: Lang, choice: &Choice) -> String {
    match choice {
        Choice::Class { class, course } => {
            tr!(lang, "broadcast-target-class", course = course.display_title(lang), place = class.place.as_str())
        }
        Choice::Region(r) => tr!(lang, "broadcast-target-region", region = r.display_name(lang)),
    }
}

async fn ask(ctx: &Ctx, person: &Person, step: &BroadcastStep) -> anyhow::Result<()> {
    let lang = person.lang;
    match step {
        BroadcastStep::Target => {
            let (choices, _) = broadcasts::choices(&ctx.app, person).await?;
            let rows: Vec<Vec<InlineKeyboardButton>> =
                choices.iter().map(|c| vec![button(choice_label(lang, c), Cb::BcTarget(c.target()))]).collect();
            ctx.say_with(tr!(lang, "broadcast-choose-target"), InlineKeyboardMarkup::new(rows)).await
        }
        BroadcastStep::Audience { .. } => {
            let rows = vec![
                vec![button(tr!(lang, "broadcast-audience-all"), Cb::BcAudience(None))],
                vec![
                    button(tr!(lang, "audience-villager"), Cb::BcAudience(Some(Audience::Villager))),
                    button(tr!(lang, "audience-cadre"), Cb::BcAudience(Some(Audience::Cadre))),
                ],
            ];
            ctx.say_with(tr!(lang, "broadcast-choose-audience"), InlineKeyboardMarkup::new(rows)).await
        }
        BroadcastStep::Text { .. } => ctx.say(tr!(lang, "broadcast-ask-text")).await,
        BroadcastStep::Urgency { draft } => {
            let count = broadcasts::recipient_count(&ctx.app, person, &draft.target, draft.audience).await?;
            if count == 0 {
                ctx.set_state(State::Idle).await?;
                return ctx.say_with(tr!(lang, "broadcast-no-recipients"), keyboards::main_menu(person)).await;
            }
            // The preview is the message exactly as it will arrive (in the sender's language).
            ctx.say(tr!(lang, "broadcast-preview-title")).await?;
            send_preview(ctx, lang, draft).await?;
            let rows = vec![vec![
                button(tr!(lang, "broadcast-normal"), Cb::BcUrgent(false)),
                button(tr!(lang, "broadcast-urgent"), Cb::BcUrgent(true)),
            ]];
            ctx.say_with(tr!(lang, "broadcast-ask-urgency", count = count), InlineKeyboardMarkup::new(rows)).await
        }
        BroadcastStep::Confirm { draft } => {
            let count = broadcasts::recipient_count(&ctx.app, person, &draft.target, draft.audience).await?;
            let kind = if draft.urgent { tr!(lang, "broadcast-urgent") } else { tr!(lang, "broadcast-normal") };
            let rows = vec![vec![
                button(tr!(lang, "broadcast-send"), Cb::BcSend),
                button(tr!(lang, "broadcast-cancel"), Cb::BcCancel),
            ]];
            ctx.say_with(tr!(lang, "broadcast-confirm", count = count, kind = kind), InlineKeyboardMarkup::new(rows))
                .await
        }
    }
}

async fn send_preview(ctx: &Ctx, lang: Lang, draft: &Draft) -> anyhow::Result<()> {
    // Broadcast id 0: the preview's "收到" answers that it is a preview.
    let p = broadcasts::recipient_payload(lang, &draft.text, draft.photo_id.as_deref(), 0);
    let markup = InlineKeyboardMarkup::new(p.buttons.iter().map(|row| {
        row.iter().map(|b| InlineKeyboardButton::callback(b.text.clone(), b.callback_data.clone())).collect::<Vec<_>>()
    }));
    match &p.photo_id {
        Some(id) => {
            let mut request = ctx.bot.send_photo(ctx.chat, InputFile::file_id(id.clone().into())).reply_markup(markup);
            if !p.text.is_empty() {
                request = request.caption(p.text.clone());
            }
            request.await?;
        }
        None => {
            ctx.bot.send_message(ctx.chat, p.text.clone()).reply_markup(markup).await?;
        }
    }
    Ok(())
}

fn problem_text(lang: Lang, problem: Problem) -> String {
    match problem {
        Problem::Empty => tr!(lang, "broadcast-empty"),
        Problem::TooLong { limit, length } => tr!(lang, "broadcast-too-long", limit = limit, length = length),
        Problem::UseButtons => tr!(lang, "broadcast-use-buttons"),
        Problem::NeedText => tr!(lang, "broadcast-need-text"),
        Problem::Stale => tr!(lang, "menu-expired"),
    }
}

/// In [`State::Broadcasting`]: one step of the dialog.
pub async fn handle(ctx: Ctx, step: BroadcastStep) -> anyhow::Result<()> {
    let Some(person) = ctx.person.clone() else {
        ctx.set_state(State::Idle).await?;
        return super::menu::handle(ctx).await;
    };
    let lang = person.lang;
    let input = match &ctx.incoming {
        Incoming::Text(t) => Input::Text(t.clone()),
        Incoming::Photo { file_id, caption } => Input::Photo { file_id: file_id.clone(), caption: caption.clone() },
        Incoming::Callback(Some(Cb::BcTarget(target))) => {
            // Never trust the button: the target must be this sender's to address.
            if !broadcasts::allowed(&ctx.app, &person, target).await? {
                tracing::warn!(user = person.user_id, ?target, "broadcast target not theirs");
                return ctx.answer(Some(tr!(lang, "not-allowed"))).await;
            }
            let (_, ask_audience) = broadcasts::choices(&ctx.app, &person).await?;
            Input::Target { target: target.clone(), ask_audience: ask_audience && matches!(target, Target::Region(_)) }
        }
        Incoming::Callback(Some(Cb::BcAudience(a))) => Input::Audience(*a),
        Incoming::Callback(Some(Cb::BcUrgent(u))) => Input::Urgent(*u),
        Incoming::Callback(Some(Cb::BcSend)) => Input::Confirm,
        Incoming::Callback(Some(Cb::BcCancel)) => {
            ctx.retire_pressed_keyboard().await;
            ctx.answer(None).await?;
            ctx.set_state(State::Idle).await?;
            return ctx.say_with(tr!(lang, "broadcast-cancelled"), keyboards::main_menu(&person)).await;
        }
        Incoming::Callback(_) => return ctx.answer_stale().await,
        _ => Input::Unsupported,
    };
    match step.step(input) {
        Outcome::Ask(next) => {
            ctx.retire_pressed_keyboard().await;
            ctx.answer(None).await?;
            ctx.set_state(State::Broadcasting(next.clone())).await?;
            ask(&ctx, &person, &next).await
        }
        Outcome::Reask(_, Problem::Stale) => ctx.answer_stale().await,
        Outcome::Reask(same, problem) => {
            ctx.answer(None).await?;
            ctx.say(problem_text(lang, problem)).await?;
            if matches!(same, BroadcastStep::Text { .. }) { Ok(()) } else { ask(&ctx, &person, &same).await }
        }
        Outcome::Send(draft) => {
            ctx.retire_pressed_keyboard().await;
            ctx.answer(None).await?;
            ctx.set_state(State::Idle).await?;
            match broadcasts::send(&ctx.app, &person, ctx.chat.0, &draft).await? {
                SendOutcome::Queued { id, recipients } => {
                    let text = tr!(lang, "broadcast-progress", sent = 0, waiting = recipients, failed = 0);
                    let sent = ctx.bot.send_message(ctx.chat, text).reply_markup(keyboards::main_menu(&person)).await?;
                    db::broadcasts::set_progress_message(&ctx.app.db, id, sent.id.0).await?;
                    Ok(())
                }
                SendOutcome::NoRecipients => {
                    ctx.say_with(tr!(lang, "broadcast-no-recipients"), keyboards::main_menu(&person)).await
                }
                SendOutcome::NotAllowed => ctx.say_with(tr!(lang, "not-allowed"), keyboards::main_menu(&person)).await,
            }
        }
    }
}

/// The progress line of a broadcast.
pub fn progress_text(lang: Lang, d: &Delivery) -> String {
    let waiting = d.progress.pending + d.progress.sending;
    tr!(
        lang,
        "broadcast-progress",
        sent = d.progress.sent,
        waiting = waiting,
        failed = d.progress.failed + d.progress.cancelled
    )
}

/// The delivery report: sent, blocked, failed, "收到", and who could not be reached.
pub async fn report_text(app: &crate::app::App, lang: Lang, d: &Delivery) -> anyhow::Result<String> {
    let blocked = d.unreached.iter().filter(|u| u.blocked).count();
    let failed = d.unreached.len() - blocked;
    let mut lines =
        vec![tr!(lang, "broadcast-report", sent = d.progress.sent, blocked = blocked, failed = failed, acks = d.acks)];
    if !d.unreached.is_empty() {
        lines.push(tr!(lang, "broadcast-report-unreached"));
        for u in &d.unreached {
            let village = match &u.village_key {
                Some(v) => {
                    db::regions::get(&app.db, v).await?.map(|r| r.display_name(lang).to_owned()).unwrap_or_default()
                }
                None => String::new(),
            };
            let why = if u.blocked {
                tr!(lang, "broadcast-report-blocked")
            } else if u.unconfirmed {
                tr!(lang, "broadcast-report-unconfirmed")
            } else {
                tr!(lang, "broadcast-report-failed")
            };
            lines.push(tr!(lang, "broadcast-report-person", name = u.name.as_str(), village = village, why = why));
        }
    }
    Ok(lines.join("\n"))
}

/// A recipient's "收到", and the sender's "refresh" on a report.
pub async fn callback(ctx: Ctx, cb: Cb) -> anyhow::Result<()> {
    let Some(person) = ctx.person.clone() else { return ctx.answer_stale().await };
    let lang = person.lang;
    match cb {
        Cb::Ack(0) => ctx.answer(Some(tr!(lang, "broadcast-ack-preview"))).await,
        Cb::Ack(id) => match broadcasts::ack(&ctx.app, &person, id).await? {
            Some(_) => {
                ctx.retire_pressed_keyboard().await;
                ctx.answer(Some(tr!(lang, "broadcast-acked"))).await
            }
            None => ctx.answer(Some(tr!(lang, "not-allowed"))).await,
        },
        Cb::BcReport(id) => {
            if !broadcasts::is_sender(&ctx.app, &person, id).await? {
                tracing::warn!(user = person.user_id, broadcast = id, "report of someone else's broadcast");
                return ctx.answer(Some(tr!(lang, "not-allowed"))).await;
            }
            let Some(d) = broadcasts::delivery(&ctx.app, id).await? else { return ctx.answer_stale().await };
            let text = report_text(&ctx.app, lang, &d).await?;
            ctx.answer(None).await?;
            let rows = vec![vec![button(tr!(lang, "btn-refresh-report"), Cb::BcReport(id))]];
            ctx.say_with(text, InlineKeyboardMarkup::new(rows)).await
        }
        _ => ctx.answer_stale().await,
    }
}

pub fn is_broadcast_button(cb: &Cb) -> bool {
    matches!(cb, Cb::Ack(_) | Cb::BcReport(_))
}
