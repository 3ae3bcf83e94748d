//! No dialog in progress: main-menu taps, or anything else.

use crate::bot::context::{Ctx, Incoming};
use crate::bot::keyboards::{self, MenuItem};
use crate::domain::callback::Cb;
use crate::domain::person::Person;
use crate::tr;

pub async fn handle(ctx: Ctx) -> anyhow::Result<()> {
    let Some(person) = ctx.person.clone() else {
        // Not registered and no dialog: whatever they sent, begin registration (many will not know /start).
        return match ctx.incoming {
            Incoming::Callback(_) => ctx.answer_stale().await,
            _ => super::registration::start(&ctx).await,
        };
    };
    match &ctx.incoming {
        Incoming::Text(text) => match MenuItem::from_label(text) {
            Some(MenuItem::Browse) => browse(&ctx, &person).await,
            Some(MenuItem::MyCourses) => super::ordering::my_courses(&ctx, &person).await,
            Some(MenuItem::Lesson) => super::lessons::open(&ctx, &person).await,
            Some(MenuItem::RequestCourse) if !person.trainee => super::staff::ask_audience(&ctx, &person).await,
            Some(MenuItem::RequestCourse) => super::requests::open(&ctx, &person).await,
            Some(MenuItem::Help) => super::help::handle(ctx).await,
            Some(MenuItem::Settings) => super::settings::open(&ctx, &person).await,
            Some(MenuItem::Jobs) if super::job_seek::is_seeker(&person) => super::job_seek::open(&ctx, &person).await,
            Some(MenuItem::Jobs) => super::help::handle(ctx).await,
            // A check-in code, a quiz answer typed as text, or something not understood.
            None => super::learning::typed(&ctx, &person, text).await,
        },
        // A staff member choosing to take courses too, and the answer to an invite they opened.
        Incoming::Callback(Some(Cb::Audience(audience))) => {
            super::staff::audience_chosen(&ctx, &person, *audience).await
        }
        Incoming::Callback(Some(Cb::Invite { token, accept })) => {
            super::staff::invite_answer(&ctx, &person, token, *accept).await
        }
        Incoming::Callback(_) => ctx.answer_stale().await,
        Incoming::UnknownCommand => {
            ctx.say_with(tr!(person.lang, "unknown-command"), keyboards::main_menu(&person)).await
        }
        Incoming::Location(point) => super::learning::location(&ctx, &person, *point).await,
        Incoming::Contact { .. }
        | Incoming::Unsupported
        | Incoming::Photo { .. }
        | Incoming::Voice { .. }
        | Incoming::Command(_) => ctx.say_with(tr!(person.lang, "menu-unknown"), keyboards::main_menu(&person)).await,
    }
}

/// 📚 报名培训 and `/courses`: the catalogue of the person's audience; staff who have not chosen one
/// are asked first.
pub async fn browse(ctx: &Ctx, person: &Person) -> anyhow::Result<()> {
    if !person.trainee {
        return super::staff::ask_audience(ctx, person).await;
    }
    super::ordering::browse(ctx, person).await
}

/// A main-menu tap while a dialog is open: the person moved on, so the dialog ends.
pub async fn leave_dialog_and_handle(mut ctx: Ctx) -> anyhow::Result<()> {
    ctx.set_state(crate::domain::dialog::State::Idle).await?;
    ctx.state = crate::domain::dialog::State::Idle;
    handle(ctx).await
}
