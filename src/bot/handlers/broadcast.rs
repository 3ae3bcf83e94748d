//! The broadcast dialog (trainers to their classes, coordinators to their region), the preview,
//! the progress message and the delivery report, and recipients' "收到".

use std::collections::HashMap;

use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup, InputFile};

use crate::bot::context::{Ctx, Incoming};
use crate::bot::keyboards::{self, button};
use crate::db;
use crate::domain::broadcast::{BroadcastStep, Draft, Input, Outcome, Problem, Target};
use crate::domain::callback::Cb;
use crate::domain::dialog::State;
use crate::domain::person::{Audience, Person};
use crate::i18n::Lang;
use crate::services::broadcasts::{self, Choice, Delivery, SendOutcome};
use crate::tr;

/// `/broadcast`: who may write to whom; trainees have no such command.
pub async fn start(ctx: &Ctx, person: &Person) -> anyhow::Result<()> {
    let (choices, _) = broadcasts::choices(&ctx.app, person).await?;
    if choices.is_empty() {
        if !person.roles.is_empty() {
            return super::staff::explain_no_targets(ctx, person).await;
        }
        return crate::bot::access::refuse(ctx, "/broadcast from a trainee").await;
    }
    ctx.set_state(State::Broadcasting(BroadcastStep::Target)).await?;
    ask(ctx, person, &BroadcastStep::Target).await
}

fn choice_label(lang: Lang, choice: &Choice) -> String {
    match choice {
        Choice::Class { class, course } => {
            tr!(lang, "broadcast-target-class", course = course.display_title(lang), place = class.place_in(lang))
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
            send_preview(ctx, person, draft).await?;
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

async fn send_preview(ctx: &Ctx, person: &Person, draft: &Draft) -> anyhow::Result<()> {
    let header = broadcasts::header(&ctx.app, person, &draft.target).await?;
    // Broadcast id 0: the preview's "收到" answers that it is a preview.
    let p = broadcasts::recipient_payload(person.lang, &header, &draft.text, draft.photo_id.as_deref(), 0);
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
                return crate::bot::access::refuse(&ctx, "broadcast target not theirs").await;
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
                    let sent = ctx.bot.send_message(ctx.chat, text).reply_markup(keyboards::main_menu(&person)).await;
                    let line = sent.as_ref().ok().map(|m| m.id);
                    crate::bot::progress::line_posted(&ctx.app, &ctx.bot, id, line).await;
                    sent?;
                    Ok(())
                }
                SendOutcome::NoRecipients => {
                    ctx.say_with(tr!(lang, "broadcast-no-recipients"), keyboards::main_menu(&person)).await
                }
                SendOutcome::NotAllowed => crate::bot::access::refuse(&ctx, "broadcast to a target not theirs").await,
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

/// How long a report may grow with names before the rest are only counted: a Telegram message holds
/// 4096 characters.
const REPORT_BUDGET: usize = 3600;

/// The delivery report: sent, blocked, failed, "收到"; who could not be reached, and who was reached
/// but has not pressed "收到" yet, by name and village so that someone can phone them.
pub async fn report_text(app: &crate::app::App, lang: Lang, d: &Delivery) -> anyhow::Result<String> {
    let blocked = d.unreached.iter().filter(|u| u.blocked).count();
    let failed = d.unreached.len() - blocked;
    let mut lines =
        vec![tr!(lang, "broadcast-report", sent = d.progress.sent, blocked = blocked, failed = failed, acks = d.acks)];
    let mut villages: HashMap<String, String> = HashMap::new();
    let mut village = async |key: &Option<String>| -> anyhow::Result<String> {
        let Some(key) = key else { return Ok(String::new()) };
        if let Some(name) = villages.get(key) {
            return Ok(name.clone());
        }
        let name = db::regions::get(&app.db, key).await?.map(|r| r.display_name(lang).to_owned()).unwrap_or_default();
        villages.insert(key.clone(), name.clone());
        Ok(name)
    };
    // Section heads always show; names while there is room, then only how many were left out.
    let mut used = lines[0].chars().count();
    let mut left_out = 0;
    let mut push = |lines: &mut Vec<String>, line: String, head: bool| {
        if head || used + line.chars().count() < REPORT_BUDGET {
            used += line.chars().count() + 1;
            lines.push(line);
        } else {
            left_out += 1;
        }
    };
    if !d.unreached.is_empty() {
        push(&mut lines, tr!(lang, "broadcast-report-unreached"), true);
        for u in &d.unreached {
            let village = village(&u.village_key).await?;
            let why = if u.blocked {
                tr!(lang, "broadcast-report-blocked")
            } else if u.unconfirmed {
                tr!(lang, "broadcast-report-unconfirmed")
            } else {
                tr!(lang, "broadcast-report-failed")
            };
            let line = tr!(lang, "broadcast-report-person", name = u.name.as_str(), village = village, why = why);
            push(&mut lines, line, false);
        }
    }
    if !d.unacked.is_empty() {
        push(&mut lines, tr!(lang, "broadcast-report-unacked", n = d.unacked.len()), true);
        for r in &d.unacked {
            let village = village(&r.village_key).await?;
            let line = tr!(lang, "broadcast-report-unacked-person", name = r.name.as_str(), village = village);
            push(&mut lines, line, false);
        }
    } else if d.progress.sent > 0 {
        push(&mut lines, tr!(lang, "broadcast-report-all-acked"), true);
    }
    if left_out > 0 {
        lines.push(tr!(lang, "broadcast-report-more", n = left_out));
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
            None => crate::bot::access::refuse(&ctx, "acknowledgement of a broadcast not sent to them").await,
        },
        Cb::BcReport(id) => {
            if !broadcasts::is_sender(&ctx.app, &person, id).await? {
                return crate::bot::access::refuse(&ctx, "report of a broadcast not theirs").await;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::broadcasts::{Broadcast, Recipient};
    use crate::db::outbox::GroupProgress;

    #[tokio::test]
    async fn a_report_on_a_big_broadcast_names_whom_it_can_and_counts_the_rest() {
        let (db, _dir) = crate::db::testing::sqlite().await.unwrap();
        let clock = std::sync::Arc::new(crate::clock::ManualClock::new(chrono::DateTime::UNIX_EPOCH));
        let app = crate::app::App::new(db, clock, crate::config::Config::from_env().unwrap());
        let unacked: Vec<Recipient> =
            (0..600).map(|i| Recipient { name: format!("阿依古丽·买买提{i:03}"), village_key: None }).collect();
        let d = Delivery {
            broadcast: Broadcast {
                id: 1,
                sender_id: 1,
                sender_chat: 1,
                target: crate::domain::broadcast::Target::Region("xinan".into()),
                text: "开会".into(),
                photo_id: None,
                urgent: false,
                recipients: 600,
                created_at: chrono::DateTime::UNIX_EPOCH,
                progress_message: None,
                reported: false,
            },
            progress: GroupProgress { sent: 600, ..GroupProgress::default() },
            acks: 0,
            unreached: Vec::new(),
            unacked,
        };
        let text = report_text(&app, Lang::Zh, &d).await.unwrap();
        assert!(text.chars().count() <= crate::domain::broadcast::MAX_TEXT, "{}", text.chars().count());
        let listed = text.lines().filter(|l| l.starts_with("• ")).count();
        assert!(listed > 50, "{listed}");
        assert!(text.ends_with(&format!("还有 {} 人没有列出（消息放不下）。", 600 - listed)), "{text}");
    }
}
