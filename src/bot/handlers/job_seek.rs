//! The person's side of jobs after training: 💼 找工作 (the open openings for them, a page at a time,
//! and their referrals), one opening's card, "🙋 我感兴趣" → what will be shared and with whom →
//! [✅ 同意推荐] / [先不要], and the work intent (就业意向) from settings or the first 找工作. These
//! buttons work in any dialog state; each is checked against storage by the service (an old button of
//! a closed opening answers plainly).

use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use crate::bot::context::Ctx;
use crate::bot::keyboards::{self, MenuItem, button};
use crate::db;
use crate::domain::callback::Cb;
use crate::domain::dialog::State;
use crate::domain::job::{Button, Openness, ReferralStatus, WorkIntent};
use crate::domain::person::{Audience, Person};
use crate::domain::settings::{Item, SettingsStep};
use crate::i18n::Lang;
use crate::services::job_matching::{self as matching, Consider};
use crate::services::jobs::{self, Refer};
use crate::tr;

/// Openings on one page of 💼 找工作.
pub const PAGE_SIZE: usize = 5;

/// The buttons of this part: browsing, one opening, interest and consent, the work intent.
pub fn is_seek_button(cb: &Cb) -> bool {
    matches!(
        cb,
        Cb::Job(
            Button::Browse { .. }
                | Button::View { .. }
                | Button::Interested { .. }
                | Button::Share { .. }
                | Button::IntentAsk
                | Button::Intent(_)
        )
    )
}

/// Villagers taking courses look for work: they get 💼 找工作 and the work intent in settings.
pub fn is_seeker(person: &Person) -> bool {
    person.trainee && person.audience == Audience::Villager
}

/// The four work intents, one to a row, the current one marked.
pub fn intent_rows(lang: Lang, current: Option<WorkIntent>) -> Vec<Vec<InlineKeyboardButton>> {
    WorkIntent::ALL
        .into_iter()
        .map(|i| {
            let label = if current == Some(i) { format!("✓ {}", i.label(lang)) } else { i.label(lang) };
            vec![button(label, Cb::Job(Button::Intent(i)))]
        })
        .collect()
}

/// The settings menu's row: the work intent, or that none was chosen.
pub async fn settings_button(ctx: &Ctx, person: &Person) -> anyhow::Result<InlineKeyboardButton> {
    let lang = person.lang;
    let intent = match matching::intent(&ctx.app, person.user_id).await? {
        Some(i) => i.label(lang),
        None => tr!(lang, "job-intent-unset"),
    };
    Ok(button(tr!(lang, "settings-job-intent", intent = intent), Cb::Job(Button::IntentAsk)))
}

/// 💼 找工作 from the main menu: someone never asked their work intent is asked first.
pub async fn open(ctx: &Ctx, person: &Person) -> anyhow::Result<()> {
    if matching::intent(&ctx.app, person.user_id).await?.is_none() {
        let lang = person.lang;
        return ctx
            .say_with(tr!(lang, "job-ask-intent-first"), InlineKeyboardMarkup::new(intent_rows(lang, None)))
            .await;
    }
    browse(ctx, person, 0).await
}

fn closed_text(lang: Lang, why: Openness) -> String {
    match why {
        Openness::Expired => tr!(lang, "job-closed-expired"),
        Openness::Filled => tr!(lang, "job-closed-filled"),
        Openness::Closed | Openness::Open => tr!(lang, "job-closed-closed"),
    }
}

fn employer(lang: Lang, o: &crate::domain::job::Opening) -> String {
    o.tr.text(lang, "employer", &o.employer).to_owned()
}

/// One page of the open openings for the person (those they qualify for first), then their referrals
/// with a 不去了 button for each still open.
async fn browse(ctx: &Ctx, person: &Person, page: u8) -> anyhow::Result<()> {
    let lang = person.lang;
    let listed = matching::openings_for(&ctx.app, person).await?;
    let pages = listed.len().div_ceil(PAGE_SIZE).max(1);
    // An old page button after the list shrank shows the last page.
    let page = usize::from(page).min(pages - 1);
    let mut rows: Vec<Vec<InlineKeyboardButton>> = Vec::new();
    let mut text = if listed.is_empty() {
        tr!(lang, "job-browse-empty", courses = MenuItem::Browse.label(lang))
    } else {
        tr!(lang, "job-browse-title", page = page + 1, pages = pages, count = listed.len())
    };
    for l in listed.iter().skip(page * PAGE_SIZE).take(PAGE_SIZE) {
        let o = &l.stored.opening;
        let mark = if l.qualifies { format!("{} ", tr!(lang, "job-browse-qualified-mark")) } else { String::new() };
        let label = tr!(
            lang,
            "job-browse-button",
            mark = mark,
            employer = employer(lang, o),
            pay = jobs::pay_text(lang, &o.pay)
        );
        rows.push(vec![button(label, Cb::Job(Button::View { opening: o.id }))]);
    }
    let mut nav = Vec::new();
    if page > 0 {
        nav.push(button(tr!(lang, "btn-job-prev"), Cb::Job(Button::Browse { page: page_byte(page - 1) })));
    }
    if page + 1 < pages {
        nav.push(button(tr!(lang, "btn-job-next"), Cb::Job(Button::Browse { page: page_byte(page + 1) })));
    }
    if !nav.is_empty() {
        rows.push(nav);
    }
    if listed.is_empty() {
        rows.push(vec![button(tr!(lang, "btn-browse"), Cb::Browse)]);
    }
    let referrals = matching::referrals(&ctx.app, person.user_id).await?;
    if !referrals.is_empty() {
        text.push_str("\n\n");
        text.push_str(&tr!(lang, "job-my-referrals"));
        for (r, o) in &referrals {
            let employer = employer(lang, &o.opening);
            text.push('\n');
            text.push_str(&tr!(
                lang,
                "job-my-referral-line",
                employer = employer.as_str(),
                status = r.status.label(lang)
            ));
            if !r.status.is_settled() {
                rows.push(vec![button(
                    tr!(lang, "btn-job-withdraw", employer = employer.as_str()),
                    Cb::Job(Button::Status { referral: r.id, from: r.status, status: ReferralStatus::Withdrew }),
                )]);
            }
        }
    }
    ctx.say_with(text, InlineKeyboardMarkup::new(rows)).await
}

fn page_byte(page: usize) -> u8 {
    u8::try_from(page).unwrap_or(u8::MAX)
}

/// One opening's card with 🙋 我感兴趣 and ⬅ 返回; a closed one answers why.
async fn view(ctx: &Ctx, person: &Person, opening_id: i64) -> anyhow::Result<()> {
    let lang = person.lang;
    let Some((stored, open, courses)) = matching::opening(&ctx.app, opening_id).await? else {
        return ctx.answer(Some(tr!(lang, "job-gone"))).await;
    };
    if !open.is_open() {
        return ctx.answer(Some(closed_text(lang, open))).await;
    }
    ctx.answer(None).await?;
    let left = stored.opening.seats.saturating_sub(stored.hired);
    let card = jobs::opening_card(lang, &stored.opening, &courses, left);
    let markup = InlineKeyboardMarkup::new(vec![
        vec![button(tr!(lang, "btn-job-interested"), Cb::Job(Button::Interested { opening: opening_id }))],
        vec![button(tr!(lang, "btn-back"), Cb::Job(Button::Browse { page: 0 }))],
    ]);
    ctx.say_with(card, markup).await
}

/// Their village's name in their language.
async fn village_name(ctx: &Ctx, lang: Lang, village_key: Option<&str>) -> anyhow::Result<String> {
    Ok(match village_key {
        Some(key) => db::regions::get(&ctx.app.db, key)
            .await?
            .map(|r| r.display_name(lang).to_owned())
            .unwrap_or_else(|| key.to_owned()),
        None => String::new(),
    })
}

/// Not qualified: the courses whose certificate it asks for, each a button to sign up.
async fn not_qualified(ctx: &Ctx, lang: Lang, courses: &[crate::domain::catalog::Course]) -> anyhow::Result<()> {
    let titles: Vec<String> = courses.iter().map(|c| c.display_title(lang).to_owned()).collect();
    let mut rows: Vec<Vec<InlineKeyboardButton>> =
        courses.iter().map(|c| vec![button(c.display_title(lang), Cb::Course(c.key.clone()))]).collect();
    rows.push(vec![button(tr!(lang, "btn-browse"), Cb::Browse)]);
    let text = tr!(lang, "job-not-qualified", courses = titles.join(tr!(lang, "job-list-separator").as_str()));
    ctx.say_with(text, InlineKeyboardMarkup::new(rows)).await
}

/// No phone: the employer needs one; the settings phone button (settings opened for it).
async fn no_phone(ctx: &Ctx, lang: Lang) -> anyhow::Result<()> {
    ctx.set_state(State::Settings(SettingsStep::Menu)).await?;
    let markup = InlineKeyboardMarkup::new(vec![vec![button(tr!(lang, "btn-job-phone"), Cb::Settings(Item::Phone))]]);
    ctx.say_with(tr!(lang, "job-no-phone"), markup).await
}

/// "我感兴趣": exactly what will be shared and with whom, and the question; nothing is stored.
async fn interested(ctx: &Ctx, person: &Person, opening_id: i64) -> anyhow::Result<()> {
    let lang = person.lang;
    match matching::consider(&ctx.app, person, opening_id).await? {
        Consider::Gone => ctx.answer(Some(tr!(lang, "job-gone"))).await,
        Consider::Closed(why) => {
            ctx.answer(None).await?;
            ctx.say(closed_text(lang, why)).await
        }
        Consider::Referred(r, o) => {
            ctx.answer(None).await?;
            let text = tr!(lang, "job-already-referred", employer = employer(lang, &o), status = r.status.label(lang));
            ctx.say(text).await
        }
        Consider::NotQualified(courses) => {
            ctx.answer(None).await?;
            not_qualified(ctx, lang, &courses).await
        }
        Consider::NoPhone => {
            ctx.answer(None).await?;
            no_phone(ctx, lang).await
        }
        Consider::Ask(consent) => {
            ctx.answer(None).await?;
            let course = match &consent.course {
                Some(c) => c.display_title(lang).to_owned(),
                None => consent.course_key.clone(),
            };
            let text = tr!(
                lang,
                "job-consent",
                employer = employer(lang, &consent.opening),
                name = person.name.as_str(),
                village = village_name(ctx, lang, consent.village_key.as_deref()).await?,
                phone = person.phone.as_ref().map(|p| p.as_str().to_owned()).unwrap_or_default(),
                course = course,
                code = consent.code.as_str()
            );
            let markup = InlineKeyboardMarkup::new(vec![vec![
                button(tr!(lang, "btn-job-share-yes"), Cb::Job(Button::Share { opening: opening_id, yes: true })),
                button(tr!(lang, "btn-job-share-no"), Cb::Job(Button::Share { opening: opening_id, yes: false })),
            ]]);
            ctx.say_with(text, markup).await
        }
    }
}

/// The answer to the consent question: yes refers them (the service records it and tells the office).
async fn share(ctx: &Ctx, person: &Person, opening_id: i64, yes: bool) -> anyhow::Result<()> {
    let lang = person.lang;
    if !yes {
        ctx.answer(None).await?;
        ctx.retire_pressed_keyboard().await;
        return ctx.say(tr!(lang, "job-share-declined")).await;
    }
    match jobs::refer(&ctx.app, person, opening_id).await? {
        Refer::Gone => ctx.answer(Some(tr!(lang, "job-gone"))).await,
        Refer::Referred { referral, opening, new } => {
            ctx.answer(None).await?;
            ctx.retire_pressed_keyboard().await;
            let text = if new {
                tr!(lang, "job-referred", employer = employer(lang, &opening), contact = opening.contact.as_str())
            } else {
                tr!(
                    lang,
                    "job-already-referred",
                    employer = employer(lang, &opening),
                    status = referral.status.label(lang)
                )
            };
            ctx.say(text).await
        }
        Refer::Closed(why) => {
            ctx.answer(None).await?;
            ctx.say(closed_text(lang, why)).await
        }
        Refer::NotQualified => {
            ctx.answer(None).await?;
            let courses = match matching::opening(&ctx.app, opening_id).await? {
                Some((_, _, courses)) => courses,
                None => Vec::new(),
            };
            not_qualified(ctx, lang, &courses).await
        }
        Refer::NoPhone => {
            ctx.answer(None).await?;
            no_phone(ctx, lang).await
        }
    }
}

/// The work-intent question (settings, or an old button).
async fn ask_intent(ctx: &Ctx, person: &Person) -> anyhow::Result<()> {
    let lang = person.lang;
    let current = matching::intent(&ctx.app, person.user_id).await?;
    let mut text = tr!(lang, "job-intent-ask");
    if let Some(i) = current {
        text = format!("{text}\n\n{}", tr!(lang, "job-intent-current", intent = i.label(lang)));
    }
    ctx.say_with(text, InlineKeyboardMarkup::new(intent_rows(lang, current))).await
}

/// A work intent chosen: from settings, the confirmation with the menu (settings end); from the first
/// 💼 找工作, the openings follow.
async fn intent_chosen(ctx: &Ctx, person: &Person, intent: WorkIntent) -> anyhow::Result<()> {
    let lang = person.lang;
    matching::set_intent(&ctx.app, person, intent).await?;
    ctx.answer(None).await?;
    ctx.retire_pressed_keyboard().await;
    let saved = tr!(lang, "job-intent-saved", intent = intent.label(lang));
    if matches!(ctx.state, State::Settings(_)) {
        ctx.set_state(State::Idle).await?;
        return ctx.say_with(saved, keyboards::main_menu(person)).await;
    }
    ctx.say(saved).await?;
    browse(ctx, person, 0).await
}

pub async fn callback(ctx: Ctx, cb: Cb) -> anyhow::Result<()> {
    let Some(person) = ctx.person.clone() else { return ctx.answer_stale().await };
    let Cb::Job(b) = cb else { return ctx.answer_stale().await };
    match b {
        Button::Browse { page } => {
            ctx.answer(None).await?;
            browse(&ctx, &person, page).await
        }
        Button::View { opening } => view(&ctx, &person, opening).await,
        Button::Interested { opening } => interested(&ctx, &person, opening).await,
        Button::Share { opening, yes } => share(&ctx, &person, opening, yes).await,
        Button::IntentAsk => {
            ctx.answer(None).await?;
            ctx.retire_pressed_keyboard().await;
            ask_intent(&ctx, &person).await
        }
        Button::Intent(intent) => intent_chosen(&ctx, &person, intent).await,
        _ => ctx.answer_stale().await,
    }
}
