//! Registration dialog: decode what the person did, step the pure state machine, save, reply. Staff
//! (through an invite) take the short way: consent, name, phone; the role comes with the registration.

use teloxide::types::InlineKeyboardMarkup;

use crate::bot::context::{Ctx, Incoming};
use crate::bot::keyboards;
use crate::db;
use crate::db::invites::Redeem;
use crate::domain::callback::Cb;
use crate::domain::dialog::State;
use crate::domain::person::{NameError, Phone};
use crate::domain::region::RegionLevel;
use crate::domain::registration::{Input, Outcome, Problem, RegStep, Registration};
use crate::i18n::Lang;
use crate::services;
use crate::tr;

pub async fn start(ctx: &Ctx) -> anyhow::Result<()> {
    let reg = Registration::start(ctx.lang);
    ctx.set_state(State::Registering(reg.clone())).await?;
    ask(ctx, &reg).await
}

pub async fn handle(ctx: Ctx, reg: Registration) -> anyhow::Result<()> {
    let input = match decode(&ctx, &reg).await? {
        Decoded::Input(input) => input,
        Decoded::Stale => return ctx.answer_stale().await,
        Decoded::NotOwnContact => {
            ctx.say(tr!(reg.lang, "reg-contact-not-own")).await?;
            return ask(&ctx, &reg).await;
        }
    };
    let lang = reg.lang;
    match reg.step(input) {
        Outcome::Ask(next) => {
            ctx.answer(None).await?;
            ctx.retire_pressed_keyboard().await;
            ctx.set_state(State::Registering(next.clone())).await?;
            ask(&ctx, &next).await
        }
        Outcome::Reask(same, Problem::Stale) => {
            let _ = same;
            ctx.answer_stale().await
        }
        Outcome::Reask(same, problem) => {
            ctx.say(problem_text(same.lang, problem)).await?;
            ask(&ctx, &same).await
        }
        Outcome::Declined => {
            ctx.answer(None).await?;
            ctx.retire_pressed_keyboard().await;
            ctx.set_state(State::Idle).await?;
            ctx.say_with(tr!(lang, "reg-declined"), keyboards::remove()).await
        }
        Outcome::Finished(new_person) => {
            ctx.answer(None).await?;
            let person = services::people::register(&ctx.app, ctx.user_id, ctx.chat.0, &new_person).await?;
            ctx.set_state(State::Idle).await?;
            let village = match db::regions::ancestry(&ctx.app.db, &new_person.village_key).await?.as_slice() {
                // The locale orders and joins the parts ("新安县铁山镇东村" / "Dongcun, Tieshan, Xin'an").
                [village, township, county, ..] => tr!(
                    person.lang,
                    "region-address",
                    county = county.display_name(person.lang),
                    township = township.display_name(person.lang),
                    village = village.display_name(person.lang)
                ),
                other => other.first().map(|r| r.display_name(person.lang).to_owned()).unwrap_or_default(),
            };
            let text = tr!(person.lang, "reg-done", name = person.name.as_str(), village = village);
            ctx.say_with(text, keyboards::main_menu(&person)).await?;
            let contact = crate::services::office::contact_for(&ctx.app, Some(&person)).await;
            ctx.say(super::help::help_text(&person, contact.as_ref().map(|c| c.get(person.lang)))).await
        }
        Outcome::FinishedStaff(staff) => {
            ctx.answer(None).await?;
            let role = super::staff::describe_invite(&ctx, staff.lang, &staff.invite).await?;
            let (person, redeem) = services::invites::register_staff(&ctx.app, ctx.user_id, ctx.chat.0, &staff).await?;
            ctx.set_state(State::Idle).await?;
            let lang = person.lang;
            let text = match redeem {
                Redeem::Granted(_) => tr!(lang, "reg-done-staff", name = person.name.as_str(), role = role),
                Redeem::Expired => format!(
                    "{}\n{}",
                    tr!(lang, "reg-done-staff-no-role", name = person.name.as_str()),
                    tr!(lang, "invite-expired", contact = ctx.office_contact_arg().await)
                ),
                Redeem::AlreadyUsed | Redeem::Unknown => format!(
                    "{}\n{}",
                    tr!(lang, "reg-done-staff-no-role", name = person.name.as_str()),
                    tr!(lang, "invite-used")
                ),
            };
            ctx.say_with(text, keyboards::main_menu(&person)).await?;
            ctx.say(super::help::help_text(
                &person,
                crate::services::office::contact_for(&ctx.app, Some(&person))
                    .await
                    .as_ref()
                    .map(|c| c.get(person.lang)),
            ))
            .await
        }
    }
}

enum Decoded {
    Input(Input),
    Stale,
    NotOwnContact,
}

async fn decode(ctx: &Ctx, reg: &Registration) -> anyhow::Result<Decoded> {
    Ok(Decoded::Input(match &ctx.incoming {
        Incoming::Text(t)
            if matches!(reg.step, RegStep::Phone { .. } | RegStep::StaffPhone { .. } | RegStep::Intent { .. })
                && is_skip_label(t) =>
        {
            Input::SkipPhone
        }
        Incoming::Text(t) => Input::Text(t.clone()),
        Incoming::Contact { own: false, .. } => return Ok(Decoded::NotOwnContact),
        Incoming::Contact { phone, own: true } => match Phone::parse(phone) {
            Some(p) => Input::Contact(p),
            None => return Ok(Decoded::NotOwnContact),
        },
        Incoming::Unsupported
        | Incoming::Location(_)
        | Incoming::Photo { .. }
        | Incoming::Voice { .. }
        | Incoming::UnknownCommand
        | Incoming::Command(_) => Input::Unsupported,
        Incoming::Callback(None) => return Ok(Decoded::Stale),
        Incoming::Callback(Some(cb)) => match cb {
            Cb::Lang(l) => Input::Lang(*l),
            Cb::Consent(yes) => Input::Consent(*yes),
            Cb::Audience(a) => Input::Audience(*a),
            Cb::Back => Input::Back,
            Cb::SkipPhone => Input::SkipPhone,
            Cb::Job(crate::domain::job::Button::Intent(intent)) => Input::Intent(Some(*intent)),
            Cb::Region(key) => match db::regions::get(&ctx.app.db, key).await? {
                Some(region) => Input::Region(region),
                None => return Ok(Decoded::Stale),
            },
            // Buttons of other features (an old menu, a message sent before registering).
            _ => return Ok(Decoded::Stale),
        },
    }))
}

pub fn is_skip_label(text: &str) -> bool {
    Lang::ALL.iter().any(|l| crate::domain::labels::names(text, &tr!(*l, "btn-skip")))
}

pub fn problem_text(lang: Lang, problem: Problem) -> String {
    match problem {
        Problem::Name(NameError::Empty) => tr!(lang, "name-empty"),
        Problem::Name(NameError::TooLong) => tr!(lang, "name-too-long"),
        Problem::Name(NameError::BadCharacter) => tr!(lang, "name-bad-character"),
        Problem::UseButtons => tr!(lang, "use-buttons"),
        Problem::NeedText => tr!(lang, "need-text"),
        Problem::UseContactButton => tr!(lang, "use-contact-button"),
        Problem::Stale => tr!(lang, "menu-expired"),
    }
}

/// Sends the question of the current step.
pub async fn ask(ctx: &Ctx, reg: &Registration) -> anyhow::Result<()> {
    let lang = reg.lang;
    let back = || InlineKeyboardMarkup::new(vec![vec![keyboards::back_button(lang)]]);
    let consent_buttons = || {
        let mut rows = vec![
            vec![keyboards::button(tr!(lang, "btn-agree"), Cb::Consent(true))],
            vec![keyboards::button(tr!(lang, "btn-decline"), Cb::Consent(false))],
        ];
        // Every other language offers itself, in its own words.
        rows.extend(
            Lang::ALL
                .into_iter()
                .filter(|other| *other != lang)
                .map(|other| vec![keyboards::button(tr!(other, "btn-switch-language"), Cb::Lang(other))]),
        );
        InlineKeyboardMarkup::new(rows)
    };
    match &reg.step {
        RegStep::Consent => ctx.say_with(tr!(lang, "reg-consent"), consent_buttons()).await,
        RegStep::StaffConsent { invite } => {
            let role = super::staff::describe_invite(ctx, lang, invite).await?;
            ctx.say_with(tr!(lang, "reg-consent-staff", role = role), consent_buttons()).await
        }
        RegStep::StaffName { .. } => ctx.say_with(tr!(lang, "reg-ask-name"), back()).await,
        RegStep::Audience => {
            let markup = InlineKeyboardMarkup::new(vec![
                vec![keyboards::button(
                    tr!(lang, "audience-villager"),
                    Cb::Audience(crate::domain::person::Audience::Villager),
                )],
                vec![keyboards::button(
                    tr!(lang, "audience-cadre"),
                    Cb::Audience(crate::domain::person::Audience::Cadre),
                )],
                vec![keyboards::back_button(lang)],
            ]);
            ctx.say_with(tr!(lang, "reg-ask-audience"), markup).await
        }
        RegStep::Name { .. } => ctx.say_with(tr!(lang, "reg-ask-name"), back()).await,
        RegStep::County { .. } | RegStep::Township { .. } | RegStep::Village { .. } => {
            let level = reg.region_level().unwrap_or(RegionLevel::County);
            ask_region(ctx, lang, level, reg.region_parent()).await
        }
        RegStep::Phone { .. } | RegStep::StaffPhone { .. } => {
            ctx.say_with(tr!(lang, "reg-ask-phone"), keyboards::share_contact(lang, tr!(lang, "btn-skip"))).await
        }
        RegStep::Intent { .. } => {
            let mut rows = super::job_seek::intent_rows(lang, None);
            rows.push(vec![keyboards::button(tr!(lang, "btn-skip"), Cb::SkipPhone)]);
            ctx.say_with(tr!(lang, "reg-ask-intent"), InlineKeyboardMarkup::new(rows)).await
        }
    }
}

/// Lists the regions of one level under `parent`, as buttons. Shared with settings.
pub async fn ask_region(ctx: &Ctx, lang: Lang, level: RegionLevel, parent: Option<&str>) -> anyhow::Result<()> {
    let regions = db::regions::children(&ctx.app.db, parent).await?;
    let question = match level {
        RegionLevel::County => tr!(lang, "ask-county"),
        RegionLevel::Township => tr!(lang, "ask-township"),
        RegionLevel::Village => tr!(lang, "ask-village"),
    };
    if regions.is_empty() {
        let contact = match parent {
            Some(parent) => crate::services::office::office_contact(&ctx.app, parent).await,
            None => None,
        };
        let text = tr!(lang, "no-regions", contact = crate::services::office::contact_arg(contact.as_ref(), lang));
        ctx.say_with(text, InlineKeyboardMarkup::new(vec![vec![keyboards::back_button(lang)]])).await?;
        return Ok(());
    }
    ctx.say_with(question, keyboards::regions(lang, &regions, true)).await
}
