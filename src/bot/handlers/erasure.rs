//! `/deleteme` (and the settings button): the explanation, two confirmations (a button, then a
//! typed word), the erasure, and the "done" reply. Also the consent asked again after the consent
//! text changed: agreeing records the new version, declining leads to the same erasure dialog.

use teloxide::types::InlineKeyboardMarkup;

use crate::bot::context::{Ctx, Incoming};
use crate::bot::keyboards;
use crate::domain::callback::Cb;
use crate::domain::dialog::State;
use crate::domain::erasure::{ErasureStep, Input, Outcome, Problem};
use crate::domain::person::Person;
use crate::i18n::Lang;
use crate::services;
use crate::tr;

/// `/deleteme`, in any state.
pub async fn command(ctx: &Ctx) -> anyhow::Result<()> {
    match ctx.person.clone() {
        Some(person) => start(ctx, &person).await,
        None => {
            if ctx.state != State::Idle {
                ctx.set_state(State::Idle).await?;
            }
            ctx.say(tr!(ctx.lang, "erase-not-registered")).await
        }
    }
}

/// Explains what erasing does and asks for the first confirmation.
pub async fn start(ctx: &Ctx, person: &Person) -> anyhow::Result<()> {
    ctx.set_state(State::Erasing(ErasureStep::Explained)).await?;
    explain(ctx, person).await
}

async fn explain(ctx: &Ctx, person: &Person) -> anyhow::Result<()> {
    let lang = person.lang;
    let preview = services::erasure::preview(&ctx.app, person.user_id).await?;
    let text = tr!(lang, "erase-explain", orders = preview.orders_to_cancel, certificates = preview.certificates);
    let markup = InlineKeyboardMarkup::new(vec![
        vec![keyboards::button(tr!(lang, "btn-erase-confirm"), Cb::Erase(true))],
        vec![keyboards::button(tr!(lang, "btn-erase-cancel"), Cb::Erase(false))],
    ]);
    ctx.say_with(text, markup).await
}

fn cancel_only(lang: Lang) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(vec![vec![keyboards::button(tr!(lang, "btn-erase-cancel"), Cb::Erase(false))]])
}

/// The cancel button's label typed (in any language) backs out too.
fn is_cancel_label(text: &str) -> bool {
    Lang::ALL.iter().any(|l| tr!(*l, "btn-erase-cancel") == text.trim())
}

pub async fn handle(ctx: Ctx, step: ErasureStep) -> anyhow::Result<()> {
    let Some(person) = ctx.person.clone() else {
        // Nothing stored any more (erased meanwhile): nothing to confirm.
        ctx.answer(None).await?;
        ctx.set_state(State::Idle).await?;
        return ctx.say(tr!(ctx.lang, "erase-not-registered")).await;
    };
    let lang = person.lang;
    let input = match &ctx.incoming {
        Incoming::Text(t) if is_cancel_label(t) => Input::BackOut,
        Incoming::Text(t) => Input::Text(t.clone()),
        Incoming::Callback(Some(Cb::Erase(true))) => Input::Confirm,
        Incoming::Callback(Some(Cb::Erase(false))) => Input::BackOut,
        _ => Input::Other,
    };
    let word = tr!(lang, "erase-word");
    match step.step(input, &word) {
        Outcome::Ask(next) => {
            ctx.answer(None).await?;
            ctx.retire_pressed_keyboard().await;
            ctx.set_state(State::Erasing(next)).await?;
            ctx.say_with(tr!(lang, "erase-ask-word", word = word.as_str()), cancel_only(lang)).await
        }
        Outcome::Reask(same, problem) => {
            ctx.answer(None).await?;
            let text = match problem {
                Problem::PressButton => tr!(lang, "erase-reask-press"),
                Problem::WrongWord => tr!(lang, "erase-reask-word", word = word.as_str()),
                Problem::NeedWord => tr!(lang, "erase-reask-need-word", word = word.as_str()),
            };
            match same {
                ErasureStep::Explained => ctx.say(text).await,
                ErasureStep::TypeWord => ctx.say_with(text, cancel_only(lang)).await,
            }
        }
        Outcome::Cancelled => {
            ctx.answer(None).await?;
            ctx.retire_pressed_keyboard().await;
            ctx.set_state(State::Idle).await?;
            ctx.say_with(tr!(lang, "erase-cancelled"), keyboards::main_menu(&person)).await
        }
        Outcome::Erase => {
            ctx.answer(None).await?;
            ctx.retire_pressed_keyboard().await;
            // The dialog state, the buttons on record and this very update go with the erasure: nothing
            // is written for this chat afterwards (no state is set; the reply carries no buttons).
            let erased = services::erasure::erase(&ctx.app, person.user_id).await?;
            let (orders, certificates) =
                erased.map_or((0, 0), |e| (e.orders_cancelled as i64, e.scrubbed.certificates_revoked as i64));
            ctx.say_with(tr!(lang, "erase-done", orders = orders, certificates = certificates), keyboards::remove())
                .await
        }
    }
}

/// Whether a registered person agreed to an older consent text and this update should ask again
/// (not while they register or confirm an erasure).
pub fn must_renew_consent(ctx: &Ctx) -> bool {
    let Some(person) = &ctx.person else { return false };
    !matches!(ctx.state, State::Erasing(_) | State::Registering(_))
        && crate::domain::erasure::consent_outdated(person.consent_version)
}

/// The consent asked again: agree (the new version is recorded) or decline (erasure, confirmed the
/// same way as `/deleteme`). Anything else shows the question again.
pub async fn renew_consent(ctx: Ctx) -> anyhow::Result<()> {
    let Some(person) = ctx.person.clone() else { return Ok(()) };
    let lang = person.lang;
    match &ctx.incoming {
        Incoming::Callback(Some(Cb::Consent(true))) => {
            ctx.answer(None).await?;
            ctx.retire_pressed_keyboard().await;
            services::erasure::agree_to_current_consent(&ctx.app, person.user_id).await?;
            if ctx.state != State::Idle {
                ctx.set_state(State::Idle).await?;
            }
            ctx.say_with(tr!(lang, "consent-renewed"), keyboards::main_menu(&person)).await
        }
        Incoming::Callback(Some(Cb::Consent(false))) => {
            ctx.answer(None).await?;
            ctx.retire_pressed_keyboard().await;
            ctx.say(tr!(lang, "consent-declined")).await?;
            start(&ctx, &person).await
        }
        _ => {
            ctx.answer(None).await?;
            // Staff who take no courses agreed to the staff terms, so those are what they see again.
            let consent = if !person.trainee && !person.roles.is_empty() {
                tr!(lang, "consent-staff-terms")
            } else {
                tr!(lang, "reg-consent")
            };
            let text = tr!(lang, "consent-renew", changes = tr!(lang, "consent-changes"), consent = consent);
            let markup = InlineKeyboardMarkup::new(vec![
                vec![keyboards::button(tr!(lang, "btn-agree"), Cb::Consent(true))],
                vec![keyboards::button(tr!(lang, "btn-decline"), Cb::Consent(false))],
            ]);
            ctx.say_with(text, markup).await
        }
    }
}
