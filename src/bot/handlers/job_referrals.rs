//! The coordinator's referral management (培训合格后推荐就业) and the status buttons both sides tap:
//! `/referrals` (the openings of their regions with counts), an opening's referral list with one-tap
//! statuses, closing an opening, the printable card (PNG) and the CSV for an employer without Telegram,
//! and the person's answers to the two-week follow-up. Thin: every press is checked by
//! `services::referrals`; a refused or forged press gets the standard answer and changes nothing.

use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup, InputFile};

use crate::bot::context::Ctx;
use crate::bot::keyboards::button;
use crate::db::audit::{Actor as AuditActor, AuditAction, AuditEntry};
use crate::domain::callback::Cb;
use crate::domain::job::{Actor, Button, Openness, ReferralStatus};
use crate::domain::person::Person;
use crate::i18n::Lang;
use crate::render::RenderError;
use crate::services::referrals::{self, Close, Entry, OpeningLine, StatusChange};
use crate::tr;

/// The most openings listed in one `/referrals` message (newest first): each line is at most ~160
/// characters (employer 40, place 60, counts), so 20 stay within Telegram's 4,096 per message.
const MAX_OPENINGS_LISTED: usize = 20;
/// The most referrals shown one message each; the CSV holds them all.
const MAX_ENTRIES_SHOWN: usize = 40;

/// The buttons this module answers: statuses, the coordinator's lists, close, card and CSV.
pub fn is_referral_button(cb: &Cb) -> bool {
    matches!(
        cb,
        Cb::Job(
            Button::Status { .. }
                | Button::Openings
                | Button::Referrals { .. }
                | Button::Close { .. }
                | Button::Card { .. }
                | Button::Csv { .. }
        )
    )
}

pub async fn callback(ctx: Ctx, cb: Cb) -> anyhow::Result<()> {
    let Some(person) = ctx.person.clone() else { return ctx.answer_stale().await };
    let Cb::Job(b) = cb else { return ctx.answer_stale().await };
    match b {
        Button::Status { referral, from, status } => status_tap(&ctx, &person, referral, from, status).await,
        Button::Openings => openings(&ctx, &person).await,
        Button::Referrals { opening } => list(&ctx, &person, opening).await,
        Button::Close { opening, confirmed: false } => ask_close(&ctx, &person, opening).await,
        Button::Close { opening, confirmed: true } => close(&ctx, &person, opening).await,
        Button::Card { referral } => card(&ctx, &person, referral).await,
        Button::Csv { opening } => csv(&ctx, &person, opening).await,
        _ => ctx.answer_stale().await,
    }
}

/// `/referrals`: the openings of the coordinator's regions.
pub async fn command(ctx: &Ctx, person: &Person) -> anyhow::Result<()> {
    openings(ctx, person).await
}

fn openness_label(lang: Lang, o: Openness) -> String {
    match o {
        Openness::Open => tr!(lang, "refer-state-open"),
        Openness::Expired => tr!(lang, "refer-state-expired"),
        Openness::Filled => tr!(lang, "refer-state-filled"),
        Openness::Closed => tr!(lang, "refer-state-closed"),
    }
}

fn employer(lang: Lang, line: &OpeningLine) -> String {
    let o = &line.stored.opening;
    o.tr.text(lang, "employer", &o.employer).to_owned()
}

/// "状态 · 推荐 N · 面试 N · 录用 N/座位".
fn counts_line(lang: Lang, line: &OpeningLine) -> String {
    tr!(
        lang,
        "refer-opening-counts",
        state = openness_label(lang, line.openness),
        referred = line.counts.referred,
        interviewed = line.counts.interviewed,
        hired = line.counts.hired,
        seats = line.stored.opening.seats
    )
}

async fn openings(ctx: &Ctx, person: &Person) -> anyhow::Result<()> {
    let lang = person.lang;
    let Some(lines) = referrals::openings(&ctx.app, person).await? else {
        return crate::bot::access::refuse(ctx, "/referrals").await;
    };
    ctx.answer(None).await?;
    if lines.is_empty() {
        return ctx.say(tr!(lang, "refer-no-openings")).await;
    }
    let mut text = vec![tr!(lang, "refer-openings-title", count = lines.len())];
    let mut rows: Vec<Vec<InlineKeyboardButton>> = Vec::new();
    for (i, line) in lines.iter().take(MAX_OPENINGS_LISTED).enumerate() {
        let o = &line.stored.opening;
        let n = i + 1;
        text.push(format!(
            "{n}. {} · {}\n   {}",
            employer(lang, line),
            o.tr.text(lang, "place", &o.place),
            counts_line(lang, line)
        ));
        let mut row = vec![button(
            tr!(lang, "btn-refer-list", n = n, referred = line.counts.referred),
            Cb::Job(Button::Referrals { opening: o.id }),
        )];
        if line.openness.is_open() {
            row.push(button(
                tr!(lang, "btn-refer-close", n = n),
                Cb::Job(Button::Close { opening: o.id, confirmed: false }),
            ));
        }
        rows.push(row);
    }
    if lines.len() > MAX_OPENINGS_LISTED {
        text.push(tr!(lang, "refer-openings-more", shown = MAX_OPENINGS_LISTED, count = lines.len()));
    }
    ctx.say_with(text.join("\n"), InlineKeyboardMarkup::new(rows)).await
}

/// One referral as the coordinator reads it.
fn entry_text(lang: Lang, e: &Entry, since: chrono::NaiveDate) -> String {
    let mut lines = vec![tr!(lang, "refer-entry-name", name = e.name.as_str(), village = e.village.as_str())];
    lines.push(if e.phone.is_empty() {
        tr!(lang, "refer-entry-no-phone")
    } else {
        tr!(lang, "refer-entry-phone", phone = e.phone.as_str())
    });
    if !e.certificate.is_empty() {
        lines.push(tr!(lang, "refer-entry-certificate", course = e.course.as_str(), code = e.certificate.as_str()));
    }
    lines.push(tr!(
        lang,
        "refer-entry-status",
        status = e.referral.status.label(lang),
        since = crate::i18n::local_date(lang, since)
    ));
    lines.join("\n")
}

/// The one-tap statuses a coordinator may set next, and the card.
fn entry_buttons(lang: Lang, e: &Entry) -> InlineKeyboardMarkup {
    let id = e.referral.id;
    let statuses: Vec<InlineKeyboardButton> = e
        .referral
        .status
        .next_for_coordinator()
        .into_iter()
        .map(|status| {
            button(status.label(lang), Cb::Job(Button::Status { referral: id, from: e.referral.status, status }))
        })
        .collect();
    let mut rows: Vec<Vec<InlineKeyboardButton>> = statuses.chunks(2).map(<[_]>::to_vec).collect();
    rows.push(vec![button(tr!(lang, "btn-refer-card"), Cb::Job(Button::Card { referral: id }))]);
    InlineKeyboardMarkup::new(rows)
}

async fn list(ctx: &Ctx, person: &Person, opening_id: i64) -> anyhow::Result<()> {
    let lang = person.lang;
    let Some(line) = referrals::managed_opening(&ctx.app, person, opening_id).await? else {
        return crate::bot::access::refuse(ctx, "referral list of an opening not theirs").await;
    };
    ctx.answer(None).await?;
    let entries = referrals::entries(&ctx.app, lang, &line.stored).await?;
    let header = tr!(lang, "refer-list-title", employer = employer(lang, &line), counts = counts_line(lang, &line));
    if entries.is_empty() {
        return ctx.say(format!("{header}\n{}", tr!(lang, "refer-list-empty"))).await;
    }
    // The header carries the CSV (everyone, for the employer); then one message per referral, each
    // with its own taps, so the newest message on screen is a referral's.
    let mut header = format!("{header}\n{}", tr!(lang, "refer-list-footer", count = entries.len()));
    if entries.len() > MAX_ENTRIES_SHOWN {
        header = format!("{header}\n{}", tr!(lang, "refer-list-more", shown = MAX_ENTRIES_SHOWN));
    }
    let csv_button = vec![vec![button(tr!(lang, "btn-refer-csv"), Cb::Job(Button::Csv { opening: opening_id }))]];
    ctx.say_with(header, InlineKeyboardMarkup::new(csv_button)).await?;
    let region = line.stored.opening.region_key.clone();
    for e in entries.iter().take(MAX_ENTRIES_SHOWN) {
        let since = referrals::local_day(&ctx.app, &region, e.referral.updated_at).await?;
        ctx.say_with(entry_text(lang, e, since), entry_buttons(lang, e)).await?;
    }
    Ok(())
}

/// Shows a referral's entry as it is now in the tapped message (a new message when it cannot be edited).
async fn show_entry(ctx: &Ctx, person: &Person, opening_id: i64, referral_id: i64) -> anyhow::Result<()> {
    let lang = person.lang;
    let Some(line) = referrals::managed_opening(&ctx.app, person, opening_id).await? else { return Ok(()) };
    let entries = referrals::entries(&ctx.app, lang, &line.stored).await?;
    let Some(entry) = entries.into_iter().find(|e| e.referral.id == referral_id) else { return Ok(()) };
    let since = referrals::local_day(&ctx.app, &line.stored.opening.region_key, entry.referral.updated_at).await?;
    let (text, markup) = (entry_text(lang, &entry, since), entry_buttons(lang, &entry));
    let shown = match ctx.callback_message() {
        Some(message) => {
            match ctx.bot.edit_message_text(ctx.chat, message, text.clone()).reply_markup(markup.clone()).await {
                // Showing it as it is already: nothing to redraw.
                Ok(_) | Err(teloxide::RequestError::Api(teloxide::ApiError::MessageNotModified)) => true,
                Err(e) => {
                    tracing::debug!(referral_id, error = %e, "referral entry not redrawn");
                    false
                }
            }
        }
        None => false,
    };
    if !shown {
        ctx.say_with(text, markup).await?;
    }
    Ok(())
}

async fn status_tap(
    ctx: &Ctx,
    person: &Person,
    referral_id: i64,
    shown: ReferralStatus,
    to: ReferralStatus,
) -> anyhow::Result<()> {
    let lang = person.lang;
    match referrals::set_status(&ctx.app, person, referral_id, shown, to).await? {
        StatusChange::NotAllowed | StatusChange::NotAStep => {
            crate::bot::access::refuse(ctx, "status of a referral not theirs, or not a step").await
        }
        StatusChange::Already(status) => {
            ctx.answer(Some(tr!(lang, "refer-already", status = status.label(lang)))).await
        }
        StatusChange::Settled(status) => {
            let contact = ctx.office_contact_arg().await;
            ctx.answer(None).await?;
            ctx.say(tr!(lang, "refer-settled", status = status.label(lang), contact = contact)).await
        }
        StatusChange::Lost(status) => ctx.answer(Some(tr!(lang, "refer-lost", status = status.label(lang)))).await,
        StatusChange::Outdated { status, opening, by } => {
            ctx.answer(Some(tr!(lang, "refer-outdated", status = status.label(lang)))).await?;
            match by {
                // The old entry shows the status as it is, with the taps from there.
                Actor::Coordinator => show_entry(ctx, person, opening, referral_id).await,
                Actor::Person => Ok(()),
            }
        }
        StatusChange::Changed { referral, opening, by: Actor::Coordinator } => {
            ctx.answer(Some(tr!(lang, "refer-changed", status = referral.status.label(lang)))).await?;
            // The tapped entry shows the new status and the taps from there.
            show_entry(ctx, person, opening.opening.id, referral.id).await
        }
        StatusChange::Changed { referral, opening, by: Actor::Person } => {
            ctx.answer(None).await?;
            ctx.retire_pressed_keyboard().await;
            let employer = opening.opening.tr.text(lang, "employer", &opening.opening.employer).to_owned();
            let text = match referral.status {
                ReferralStatus::Hired => tr!(lang, "refer-person-hired", employer = employer.as_str()),
                ReferralStatus::Interviewed => tr!(lang, "refer-person-interviewed", employer = employer.as_str()),
                ReferralStatus::NotHired => tr!(lang, "refer-person-not-hired"),
                _ => tr!(lang, "refer-person-withdrew"),
            };
            if referral.status.is_settled() {
                return ctx.say(text).await;
            }
            // Interviewed: the outcome can still be told later with the same buttons.
            let rows: Vec<Vec<InlineKeyboardButton>> = referrals::FOLLOW_UP_ANSWERS
                .into_iter()
                .filter(|&s| s != referral.status)
                .map(|status| {
                    vec![button(
                        referrals::follow_up_label(lang, status),
                        Cb::Job(Button::Status { referral: referral.id, from: referral.status, status }),
                    )]
                })
                .collect();
            ctx.say_with(text, InlineKeyboardMarkup::new(rows)).await
        }
    }
}

/// Closing cannot be undone and sits beside the list button: it asks first.
async fn ask_close(ctx: &Ctx, person: &Person, opening_id: i64) -> anyhow::Result<()> {
    let lang = person.lang;
    let Some(line) = referrals::managed_opening(&ctx.app, person, opening_id).await? else {
        return crate::bot::access::refuse(ctx, "close an opening not theirs").await;
    };
    if !line.openness.is_open() {
        return ctx.answer(Some(tr!(lang, "refer-close-already"))).await;
    }
    ctx.answer(None).await?;
    let keyboard = InlineKeyboardMarkup::new(vec![vec![
        button(tr!(lang, "btn-refer-close-confirm"), Cb::Job(Button::Close { opening: opening_id, confirmed: true })),
        button(tr!(lang, "btn-refer-close-keep"), Cb::Job(Button::Openings)),
    ]]);
    ctx.say_with(tr!(lang, "refer-close-ask", employer = employer(lang, &line)), keyboard).await
}

async fn close(ctx: &Ctx, person: &Person, opening_id: i64) -> anyhow::Result<()> {
    let lang = person.lang;
    match referrals::close(&ctx.app, person, opening_id).await? {
        Close::NotAllowed => crate::bot::access::refuse(ctx, "close an opening not theirs").await,
        Close::Already => ctx.answer(Some(tr!(lang, "refer-close-already"))).await,
        Close::Closed => {
            ctx.answer(None).await?;
            let line = referrals::managed_opening(&ctx.app, person, opening_id).await?;
            let name = line.as_ref().map(|l| employer(lang, l)).unwrap_or_default();
            ctx.say(tr!(lang, "refer-closed", employer = name.as_str())).await
        }
    }
}

async fn card(ctx: &Ctx, person: &Person, referral_id: i64) -> anyhow::Result<()> {
    let lang = person.lang;
    let Some((line, e)) = referrals::card_entry(&ctx.app, lang, person, referral_id).await? else {
        return crate::bot::access::refuse(ctx, "card of a referral not theirs").await;
    };
    ctx.answer(None).await?;
    let o = &line.stored.opening;
    let referred_on = referrals::local_day(&ctx.app, &o.region_key, e.referral.consented_at).await?;
    let contact = match crate::services::office::office_contact(&ctx.app, &o.region_key).await {
        Some(c) => crate::services::office::contact_arg(Some(&c), lang),
        None => ctx.office_contact_arg().await,
    };
    let mut lines = vec![tr!(lang, "refer-card-village", village = e.village.as_str())];
    lines.push(tr!(lang, "refer-card-phone", phone = e.phone.as_str()));
    if !e.certificate.is_empty() {
        lines.push(tr!(lang, "refer-card-certificate", course = e.course.as_str(), code = e.certificate.as_str()));
    }
    lines.push(tr!(lang, "refer-card-referred-on", date = crate::i18n::local_date(lang, referred_on)));
    let card = crate::render::ReferralCard {
        title: tr!(lang, "refer-card-title"),
        opening: tr!(
            lang,
            "refer-card-opening",
            employer = o.tr.text(lang, "employer", &o.employer),
            work = o.tr.text(lang, "work", &o.work)
        ),
        name: e.name.clone(),
        lines,
        footer: tr!(lang, "refer-card-footer", contact = contact),
    };
    let entry = AuditEntry::new(ctx.app.now(), AuditActor::User(person.user_id), AuditAction::Export, "referral-card")
        .region(o.region_key.clone())
        .detail(format!("referral={referral_id}"));
    crate::services::audit::record_now(&ctx.app, &entry).await?;
    let text_version = format!("{}\n{}\n{}\n{}", card.title, card.opening, card.name, card.lines.join("\n"));
    match tokio::task::spawn_blocking(move || crate::render::referral_card_png(&card)).await? {
        Ok(png) => {
            ctx.bot
                .send_photo(ctx.chat, InputFile::memory(png).file_name(format!("referral-{referral_id}.png")))
                .caption(tr!(lang, "refer-card-caption", name = e.name.as_str()))
                .await?;
            Ok(())
        }
        Err(RenderError::NoFont(tried)) => {
            tracing::warn!(%tried, "referral card not drawn: no CJK font");
            ctx.say(text_version).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn csv(ctx: &Ctx, person: &Person, opening_id: i64) -> anyhow::Result<()> {
    let lang = person.lang;
    let Some(line) = referrals::managed_opening(&ctx.app, person, opening_id).await? else {
        return crate::bot::access::refuse(ctx, "CSV of an opening not theirs").await;
    };
    ctx.answer(None).await?;
    let (csv, rows) = referrals::csv(&ctx.app, lang, &line).await?;
    // Names and phones leave the system: who took them goes into the audit log before the file does.
    let entry = AuditEntry::new(ctx.app.now(), AuditActor::User(person.user_id), AuditAction::Export, "referrals-csv")
        .region(line.stored.opening.region_key.clone())
        .detail(format!("opening={opening_id} rows={rows}"));
    crate::services::audit::record_now(&ctx.app, &entry).await?;
    let date = ctx.app.now().with_timezone(&ctx.app.config.default_timezone).format("%Y%m%d");
    let name = format!("{}-{opening_id}-{date}.csv", tr!(lang, "refer-csv-file"));
    ctx.bot
        .send_document(ctx.chat, InputFile::memory(csv.into_bytes()).file_name(name))
        .caption(tr!(lang, "refer-csv-caption", employer = employer(lang, &line), count = rows))
        .await?;
    Ok(())
}
