//! Commands that work in any dialog state: /start, /cancel, /help, /settings, /menu, /courses, /my,
//! /requests, /mydata and the role commands.

use crate::bot::context::{Command, Ctx};
use crate::bot::keyboards;
use crate::domain::dialog::State;
use crate::services;
use crate::tr;

pub async fn handle(ctx: Ctx, cmd: Command) -> anyhow::Result<()> {
    match cmd {
        Command::Start(payload) => start(ctx, payload.trim()).await,
        Command::Cancel => cancel(ctx).await,
        Command::Help => super::help::handle(ctx).await,
        Command::Settings => match ctx.person.clone() {
            Some(person) => super::settings::open(&ctx, &person).await,
            None => ctx.say(tr!(ctx.lang, "register-first")).await,
        },
        Command::Menu => menu(ctx).await,
        Command::DeleteMe => super::erasure::command(&ctx).await,
        // Not leaving the dialog first: a draft open is offered to go on with.
        Command::Lesson => match ctx.person.clone() {
            Some(person) => super::lesson_compose::command(&ctx, &person).await,
            None => ctx.say(tr!(ctx.lang, "register-first")).await,
        },
        // Not leaving the dialog first: a draft open is offered to go on with from the menu.
        Command::Opening => match ctx.person.clone() {
            Some(person) => super::opening_compose::command(&ctx, &person).await,
            None => ctx.say(tr!(ctx.lang, "register-first")).await,
        },
        Command::Parked(args) => match ctx.person.clone() {
            Some(person) => super::parked::handle(&ctx, &person, args.trim()).await,
            None => ctx.say(tr!(ctx.lang, "register-first")).await,
        },
        Command::Courses
        | Command::My
        | Command::Requests
        | Command::Checkin
        | Command::Credits
        | Command::ExportCredits
        | Command::Report
        | Command::Outcomes
        | Command::Referrals
        | Command::MyData
        | Command::Broadcast => {
            let Some(person) = ctx.person.clone() else { return ctx.say(tr!(ctx.lang, "register-first")).await };
            // A command leaves whatever dialog was open.
            if ctx.state != State::Idle {
                ctx.set_state(State::Idle).await?;
            }
            match cmd {
                Command::Courses => super::menu::browse(&ctx, &person).await,
                Command::My => super::ordering::my_courses(&ctx, &person).await,
                Command::Checkin => super::learning::choose_session(&ctx, &person).await,
                Command::Credits => super::learning::credits(&ctx, &person).await,
                Command::ExportCredits => super::learning::export_credits(&ctx, &person).await,
                Command::Report => super::reports::start(&ctx, &person).await,
                Command::Outcomes => super::outcomes::start(&ctx, &person).await,
                Command::Referrals => super::job_referrals::command(&ctx, &person).await,
                Command::Broadcast => super::broadcast::start(&ctx, &person).await,
                Command::MyData => super::mydata::send(&ctx, &person).await,
                _ => super::requests::tally(&ctx, &person).await,
            }
        }
    }
}

async fn start(ctx: Ctx, payload: &str) -> anyhow::Result<()> {
    // A certificate's verification link (its QR code): answered for anyone, registered or not.
    if let Some(code) = payload.strip_prefix(services::learning::VERIFY_START_PREFIX) {
        return super::learning::verify_link(&ctx, code).await;
    }
    // An invite link: a newcomer registers first, someone registered confirms (see handlers::staff).
    if crate::domain::person::looks_like_invite_token(payload) && super::staff::open_invite(&ctx, payload).await? {
        return Ok(());
    }
    match (&ctx.person, &ctx.state) {
        (Some(_), _) => {
            // Roles may just have changed: reload so the menu and help show them.
            let person = crate::db::people::find(&ctx.app.db, ctx.user_id)
                .await?
                .unwrap_or_else(|| ctx.person.clone().expect("checked above"));
            ctx.set_state(State::Idle).await?;
            ctx.say_with(tr!(person.lang, "welcome-back", name = person.name.as_str()), keyboards::main_menu(&person))
                .await
        }
        // Restarted mid-registration: carry on where they were.
        (None, State::Registering(reg)) => super::registration::ask(&ctx, reg).await,
        (None, _) => super::registration::start(&ctx).await,
    }
}

async fn cancel(ctx: Ctx) -> anyhow::Result<()> {
    match (&ctx.person, &ctx.state) {
        (None, State::Registering(_)) => {
            ctx.set_state(State::Idle).await?;
            ctx.say_with(tr!(ctx.lang, "reg-cancelled"), keyboards::remove()).await
        }
        // A lesson being made is abandoned only once the trainer confirms.
        (Some(person), State::ComposingLesson(compose)) => {
            super::lesson_compose::cancel(&ctx, person, compose.clone()).await
        }
        (Some(person), State::ComposingOpening(compose)) => {
            super::opening_compose::cancel(&ctx, person, compose.clone()).await
        }
        (Some(person), State::Idle) => {
            ctx.say_with(tr!(ctx.lang, "nothing-to-cancel"), keyboards::main_menu(person)).await
        }
        (Some(person), _) => {
            ctx.set_state(State::Idle).await?;
            ctx.say_with(tr!(ctx.lang, "cancelled"), keyboards::main_menu(person)).await
        }
        (None, _) => ctx.say(tr!(ctx.lang, "nothing-to-cancel-unregistered")).await,
    }
}

async fn menu(ctx: Ctx) -> anyhow::Result<()> {
    match &ctx.person {
        Some(person) => {
            ctx.set_state(State::Idle).await?;
            ctx.say_with(tr!(ctx.lang, "menu-title"), keyboards::main_menu(person)).await
        }
        None => ctx.say(tr!(ctx.lang, "register-first")).await,
    }
}
