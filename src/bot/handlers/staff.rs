//! Staff: opening an invite link (a newcomer registers first, someone registered confirms), a staff
//! member choosing to take courses too, and why `/broadcast` has nobody to write to.

use teloxide::types::InlineKeyboardMarkup;

use crate::bot::context::Ctx;
use crate::bot::keyboards::{self, button};
use crate::db;
use crate::db::invites::Redeem;
use crate::domain::callback::Cb;
use crate::domain::dialog::State;
use crate::domain::person::{Audience, Person, Role, RoleGrant};
use crate::domain::registration::{Registration, StaffInvite};
use crate::i18n::Lang;
use crate::services::invites::{self, Change, Offer, Opened};
use crate::tr;

/// `/start <token>`. Returns false when the link cannot be used (said so): then `/start` goes on as
/// without a link.
pub async fn open_invite(ctx: &Ctx, token: &str) -> anyhow::Result<bool> {
    let offer = match invites::open(&ctx.app, token).await? {
        Opened::Valid(offer) => offer,
        Opened::Expired => {
            return ctx
                .say(tr!(ctx.lang, "invite-expired", contact = ctx.office_contact_arg().await))
                .await
                .map(|_| false);
        }
        Opened::AlreadyUsed => return ctx.say(tr!(ctx.lang, "invite-used")).await.map(|_| false),
        Opened::Unknown => {
            return ctx
                .say(tr!(ctx.lang, "invite-unknown", contact = ctx.office_contact_arg().await))
                .await
                .map(|_| false);
        }
    };
    match ctx.person.clone() {
        // Consent first; the role comes with the registration.
        None => {
            let reg = Registration::start_staff(ctx.lang, offer.invite);
            ctx.set_state(State::Registering(reg.clone())).await?;
            super::registration::ask(ctx, &reg).await?;
        }
        Some(person) => {
            ctx.set_state(State::Idle).await?;
            confirm(ctx, &person, &offer).await?;
        }
    }
    Ok(true)
}

/// Someone registered opened an invite: say what it grants and what changes, and ask.
async fn confirm(ctx: &Ctx, person: &Person, offer: &Offer) -> anyhow::Result<()> {
    let lang = person.lang;
    let role =
        describe(lang, &offer.invite.grant, offer.trainer.as_ref().map(|t| t.name_in(lang)), offer.region.as_ref());
    let mut text = vec![tr!(lang, "invite-confirm", role = role.clone())];
    match invites::change_for(&ctx.app, person, offer).await? {
        Change::Nothing => {
            return ctx.say_with(tr!(lang, "invite-nothing-new", role = role), keyboards::main_menu(person)).await;
        }
        Change::ReplacesTrainer(old) => {
            let new = offer.trainer.as_ref().map(|t| t.name.clone()).unwrap_or_default();
            text.push(tr!(lang, "invite-confirm-replace", old = trainer_name(ctx, &old, lang).await?, new = new));
        }
        Change::Adds => {}
    }
    let token = offer.invite.token.clone();
    let markup = InlineKeyboardMarkup::new(vec![vec![
        button(tr!(lang, "btn-invite-accept"), Cb::Invite { token: token.clone(), accept: true }),
        button(tr!(lang, "btn-invite-decline"), Cb::Invite { token, accept: false }),
    ]]);
    ctx.say_with(text.join("\n\n"), markup).await
}

/// The answer to [`confirm`]'s question (checked again: the link may have been used or expired since).
pub async fn invite_answer(ctx: &Ctx, person: &Person, token: &str, accept: bool) -> anyhow::Result<()> {
    let lang = person.lang;
    ctx.retire_pressed_keyboard().await;
    ctx.answer(None).await?;
    if !accept {
        return ctx.say_with(tr!(lang, "invite-declined"), keyboards::main_menu(person)).await;
    }
    let offer = match invites::open(&ctx.app, token).await? {
        Opened::Valid(offer) => offer,
        Opened::Expired => return ctx.say(tr!(lang, "invite-expired", contact = ctx.office_contact_arg().await)).await,
        Opened::AlreadyUsed => return ctx.say(tr!(lang, "invite-used")).await,
        Opened::Unknown => return ctx.say(tr!(lang, "invite-unknown", contact = ctx.office_contact_arg().await)).await,
    };
    let accepted = invites::accept(&ctx.app, token, person.user_id).await?;
    let role =
        describe(lang, &offer.invite.grant, offer.trainer.as_ref().map(|t| t.name_in(lang)), offer.region.as_ref());
    let mut text = vec![match accepted.redeem {
        Redeem::Granted(_) => tr!(lang, "invite-granted", role = role),
        Redeem::Expired => tr!(lang, "invite-expired", contact = ctx.office_contact_arg().await),
        Redeem::AlreadyUsed => tr!(lang, "invite-used"),
        Redeem::Unknown => tr!(lang, "invite-unknown", contact = ctx.office_contact_arg().await),
    }];
    if let Some(old) = &accepted.replaced_trainer {
        text.push(tr!(lang, "invite-replaced", old = trainer_name(ctx, old, lang).await?));
    }
    // Roles changed: the help lists the new commands.
    let person = db::people::find(&ctx.app.db, person.user_id).await?.unwrap_or_else(|| person.clone());
    ctx.say_with(text.join("\n"), keyboards::main_menu(&person)).await?;
    if matches!(accepted.redeem, Redeem::Granted(_)) {
        ctx.say(super::help::help_text(
            &person,
            crate::services::office::contact_for(&ctx.app, Some(&person)).await.as_ref().map(|c| c.get(person.lang)),
        ))
        .await?;
    }
    Ok(())
}

async fn trainer_name(ctx: &Ctx, key: &str, lang: Lang) -> anyhow::Result<String> {
    let trainer = db::catalog::trainer(&ctx.app.db, key).await?;
    Ok(trainer.map(|t| t.name_in(lang).to_owned()).unwrap_or_else(|| key.to_owned()))
}

/// "老师（课程目录里的讲师：王立新）", "培训办工作人员（负责地区：新安县）", "管理员".
pub fn describe(
    lang: Lang,
    grant: &RoleGrant,
    trainer: Option<&str>,
    region: Option<&crate::domain::region::Region>,
) -> String {
    match (grant.role, trainer) {
        (Role::Trainer, Some(name)) => tr!(lang, "role-trainer-of", trainer = name),
        (Role::Trainer, None) => tr!(lang, "role-trainer"),
        (Role::Coordinator, _) => {
            let region = region.map(|r| r.display_name(lang).to_owned()).unwrap_or_else(|| grant.region_key.clone());
            tr!(lang, "role-coordinator-of", region = region)
        }
        (Role::Admin, _) => tr!(lang, "role-admin"),
    }
}

/// [`describe`] for the invite a registration carries (names looked up in the catalogue).
pub async fn describe_invite(ctx: &Ctx, lang: Lang, invite: &StaffInvite) -> anyhow::Result<String> {
    let trainer = match &invite.trainer_key {
        Some(key) => Some(trainer_name(ctx, key, lang).await?),
        None => None,
    };
    let region = match invite.grant.role {
        Role::Coordinator => db::regions::get(&ctx.app.db, &invite.grant.region_key).await?,
        _ => None,
    };
    Ok(describe(lang, &invite.grant, trainer.as_deref(), region.as_ref()))
}

/// A staff member who chose no audience opened the courses or 点单: they can take courses too, once
/// they say as whom.
pub async fn ask_audience(ctx: &Ctx, person: &Person) -> anyhow::Result<()> {
    let lang = person.lang;
    ctx.answer(None).await?;
    ctx.say_with(tr!(lang, "staff-choose-audience"), audience_buttons(lang)).await
}

pub fn audience_buttons(lang: Lang) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(vec![vec![
        button(tr!(lang, "audience-villager"), Cb::Audience(Audience::Villager)),
        button(tr!(lang, "audience-cadre"), Cb::Audience(Audience::Cadre)),
    ]])
}

pub fn audience_name(lang: Lang, audience: Audience) -> String {
    match audience {
        Audience::Villager => tr!(lang, "audience-name-villager"),
        Audience::Cadre => tr!(lang, "audience-name-cadre"),
    }
}

/// The answer to [`ask_audience`]: stored, then the courses open.
pub async fn audience_chosen(ctx: &Ctx, person: &Person, audience: Audience) -> anyhow::Result<()> {
    if person.trainee {
        // Registration's old buttons, or a second tap: the audience is chosen already.
        return ctx.answer_stale().await;
    }
    ctx.retire_pressed_keyboard().await;
    ctx.answer(None).await?;
    let Some(updated) = crate::services::people::choose_audience(&ctx.app, person.user_id, audience).await? else {
        return Ok(());
    };
    let lang = updated.lang;
    ctx.say_with(
        tr!(lang, "staff-audience-chosen", audience = audience_name(lang, audience)),
        keyboards::main_menu(&updated),
    )
    .await?;
    super::ordering::browse(ctx, &updated).await
}

/// `/broadcast` with nobody to write to: why, and who can change it (the training office, with steps).
pub async fn explain_no_targets(ctx: &Ctx, person: &Person) -> anyhow::Result<()> {
    let lang = person.lang;
    let mut lines = vec![tr!(lang, "broadcast-why-none")];
    if person.has_role(Role::Trainer) {
        match db::people::trainer_key(&ctx.app.db, person.user_id).await? {
            None => lines.push(tr!(lang, "why-trainer-unlinked")),
            Some(key) => {
                lines.push(tr!(lang, "why-trainer-no-classes", trainer = trainer_name(ctx, &key, lang).await?))
            }
        }
    }
    for grant in person.roles.iter().filter(|g| g.role == Role::Coordinator) {
        if db::regions::get(&ctx.app.db, &grant.region_key).await?.is_none() {
            lines.push(tr!(lang, "why-coordinator-region-missing", region = grant.region_key.as_str()));
        }
    }
    if person.has_role(Role::Admin) && !person.has_role(Role::Trainer) && !person.has_role(Role::Coordinator) {
        lines.push(tr!(lang, "why-admin-only"));
    }
    ctx.say(lines.join("\n\n")).await
}
