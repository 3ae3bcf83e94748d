//! The whole dptree tree, in one place. Every update becomes a [`Ctx`]; commands come first (they
//! work in any state), then the dialog state picks the handler. Roles are checked here, by filters
//! on the stored person, never by trusting a button.

use teloxide::dispatching::UpdateHandler;
use teloxide::dptree::{self, case};

use super::context::{self, Ctx, Incoming};
use super::handlers::{
    broadcast, commands, erasure, job_referrals, job_seek, learning, lesson_compose, lesson_daily, lessons, menu,
    opening_compose, ordering, outcomes, registration, reports, requests, settings, surveys,
};
use super::keyboards::MenuItem;
use crate::domain::callback::Cb;
use crate::domain::dialog::State;

/// Wraps a handler so its error is logged and apologised for in one place (see [`Ctx::guard`]).
macro_rules! guarded {
    ($handler:path) => {
        |ctx: Ctx| async move { ctx.clone().guard($handler(ctx).await).await }
    };
    ($handler:path, $arg:ty) => {
        |ctx: Ctx, arg: $arg| async move { ctx.clone().guard($handler(ctx, arg).await).await }
    };
}

pub fn schema() -> UpdateHandler<anyhow::Error> {
    let commands = dptree::filter_map(|ctx: Ctx| match &ctx.incoming {
        Incoming::Command(cmd) => Some(cmd.clone()),
        _ => None,
    })
    .endpoint(guarded!(commands::handle, context::Command));

    // `/audit` (admins and coordinators; see handlers::audit), in any state.
    let audit_command = dptree::filter(|ctx: Ctx, update: teloxide::types::Update| {
        ctx.incoming == Incoming::UnknownCommand && super::handlers::audit::is_audit_command(&update)
    })
    .endpoint(guarded!(super::handlers::audit::handle));

    // Someone who agreed to an older consent text is asked again before anything but a command.
    let consent_renewal =
        dptree::filter(|ctx: Ctx| erasure::must_renew_consent(&ctx)).endpoint(guarded!(erasure::renew_consent));

    // Sign-up buttons of registered people work in any dialog state (an offer or an approval can be
    // pressed while another dialog is open); each is checked against storage by the service.
    let ordering_buttons = dptree::filter_map(|ctx: Ctx| match &ctx.incoming {
        Incoming::Callback(Some(cb)) if ctx.person.is_some() && ordering::is_ordering_button(cb) => Some(cb.clone()),
        _ => None,
    })
    .endpoint(guarded!(ordering::callback, Cb));

    // Attendance and quiz buttons likewise: a quiz answer or a check-in never depends on a dialog.
    let learning_buttons = dptree::filter_map(|ctx: Ctx| match &ctx.incoming {
        Incoming::Callback(Some(cb)) if ctx.person.is_some() && learning::is_learning_button(cb) => Some(cb.clone()),
        _ => None,
    })
    .endpoint(guarded!(learning::callback, Cb));

    // Lesson buttons likewise: each names its reading and is checked against it as stored.
    let lesson_buttons = dptree::filter_map(|ctx: Ctx| match &ctx.incoming {
        Incoming::Callback(Some(cb)) if ctx.person.is_some() && lessons::is_lesson_button(cb) => Some(cb.clone()),
        _ => None,
    })
    .endpoint(guarded!(lessons::callback, Cb));

    // The daily lesson's buttons likewise (its time, "开始学习"), checked by the service.
    let lesson_daily_buttons = dptree::filter_map(|ctx: Ctx| match &ctx.incoming {
        Incoming::Callback(Some(cb)) if ctx.person.is_some() && lesson_daily::is_daily_button(cb) => Some(cb.clone()),
        _ => None,
    })
    .endpoint(guarded!(lesson_daily::callback, Cb));

    // The person's job buttons likewise (找工作, one opening, 我感兴趣 and consent, the work intent),
    // each checked against storage by the service.
    let job_seek_buttons = dptree::filter_map(|ctx: Ctx| match &ctx.incoming {
        Incoming::Callback(Some(cb)) if ctx.person.is_some() && job_seek::is_seek_button(cb) => Some(cb.clone()),
        _ => None,
    })
    .endpoint(guarded!(job_seek::callback, Cb));

    // A shared location is a check-in at the venue, whatever dialog is open.
    let learning_locations = dptree::filter_map(|ctx: Ctx| match &ctx.incoming {
        Incoming::Location(point) if ctx.person.is_some() => Some(*point),
        _ => None,
    })
    .endpoint(guarded!(learning::location_update, crate::domain::learning::GeoPoint));

    // A recipient's "收到" and the sender's report refresh, in any state.
    let broadcast_buttons = dptree::filter_map(|ctx: Ctx| match &ctx.incoming {
        Incoming::Callback(Some(cb)) if ctx.person.is_some() && broadcast::is_broadcast_button(cb) => Some(cb.clone()),
        _ => None,
    })
    .endpoint(guarded!(broadcast::callback, Cb));

    // A coordinator's /report choices, in any state; the scope is checked on every press.
    let report_buttons = dptree::filter_map(|ctx: Ctx| match &ctx.incoming {
        Incoming::Callback(Some(cb)) if ctx.person.is_some() && reports::is_report_button(cb) => Some(cb.clone()),
        _ => None,
    })
    .endpoint(guarded!(reports::callback, Cb));

    // Referral statuses (the coordinator's taps, the person's follow-up answers) and the coordinator's
    // referral lists, close, card and CSV, in any state; each press is checked by services::referrals.
    let referral_buttons = dptree::filter_map(|ctx: Ctx| match &ctx.incoming {
        Incoming::Callback(Some(cb)) if ctx.person.is_some() && job_referrals::is_referral_button(cb) => {
            Some(cb.clone())
        }
        _ => None,
    })
    .endpoint(guarded!(job_referrals::callback, Cb));

    // Survey buttons work in any state: each is checked against the survey as stored (the person's,
    // open, at that question), so a button from an invitation days old still starts or resumes it.
    let survey_buttons = dptree::filter_map(|ctx: Ctx| match &ctx.incoming {
        Incoming::Callback(Some(cb)) if ctx.person.is_some() && surveys::is_survey_button(cb) => Some(cb.clone()),
        _ => None,
    })
    .endpoint(guarded!(surveys::callback, Cb));

    // A coordinator's /outcomes choices, in any state; the scope is checked on every press.
    let outcome_buttons = dptree::filter_map(|ctx: Ctx| match &ctx.incoming {
        Incoming::Callback(Some(Cb::Outcomes(choice))) if ctx.person.is_some() => Some(choice.clone()),
        _ => None,
    })
    .endpoint(guarded!(outcomes::callback, crate::domain::callback::OutcomeChoice));

    // A composer button outside the composer (an old message's, or forged): see lesson_compose::stray.
    let stray_compose_buttons = dptree::filter(|ctx: Ctx| {
        matches!(ctx.incoming, Incoming::Callback(Some(Cb::Compose(_))))
            && !matches!(ctx.state, State::ComposingLesson(_))
    })
    .endpoint(guarded!(lesson_compose::stray));

    // `/opening`'s menu buttons (➕ 发布用工信息, 💰 最低工资线) start their dialog in any state; its other
    // buttons outside the dialog are stray (an old message's, or forged): see opening_compose::stray.
    let opening_menu_buttons = dptree::filter_map(|ctx: Ctx| match &ctx.incoming {
        Incoming::Callback(Some(Cb::OpeningCompose(
            b @ (crate::domain::opening_compose::Button::Start | crate::domain::opening_compose::Button::Floor),
        ))) => Some(b.clone()),
        _ => None,
    })
    .endpoint(guarded!(opening_compose::start, crate::domain::opening_compose::Button));
    let stray_opening_buttons = dptree::filter(|ctx: Ctx| {
        matches!(ctx.incoming, Incoming::Callback(Some(Cb::OpeningCompose(_))))
            && !matches!(ctx.state, State::ComposingOpening(_))
    })
    .endpoint(guarded!(opening_compose::stray));

    // A main-menu tap in the middle of a dialog leaves the dialog and opens that section.
    let menu_taps = dptree::filter(|ctx: Ctx| {
        ctx.person.is_some()
            && ctx.state != State::Idle
            && matches!(&ctx.incoming, Incoming::Text(t) if MenuItem::from_label(t).is_some())
    })
    .endpoint(guarded!(menu::leave_dialog_and_handle));

    let by_state = dptree::map(|ctx: Ctx| ctx.state.clone())
        .branch(
            case![State::Registering(reg)]
                .endpoint(guarded!(registration::handle, crate::domain::registration::Registration)),
        )
        .branch(
            case![State::Settings(step)].endpoint(guarded!(settings::handle, crate::domain::settings::SettingsStep)),
        )
        .branch(case![State::TypingCourseRequest].endpoint(guarded!(requests::typed)))
        .branch(
            case![State::Broadcasting(step)]
                .endpoint(guarded!(broadcast::handle, crate::domain::broadcast::BroadcastStep)),
        )
        .branch(case![State::Surveying(step)].endpoint(guarded!(surveys::handle, crate::domain::survey::SurveyStep)))
        .branch(case![State::Erasing(step)].endpoint(guarded!(erasure::handle, crate::domain::erasure::ErasureStep)))
        .branch(
            case![State::ComposingLesson(compose)]
                .endpoint(guarded!(lesson_compose::handle, crate::domain::lesson_compose::Compose)),
        )
        .branch(
            case![State::ComposingOpening(compose)]
                .endpoint(guarded!(opening_compose::handle, crate::domain::opening_compose::Compose)),
        )
        .branch(case![State::Idle].endpoint(guarded!(menu::handle)));

    dptree::filter_map_async(context::load)
        .branch(commands)
        .branch(audit_command)
        .branch(consent_renewal)
        .branch(ordering_buttons)
        .branch(learning_buttons)
        .branch(lesson_buttons)
        .branch(lesson_daily_buttons)
        .branch(job_seek_buttons)
        .branch(learning_locations)
        .branch(broadcast_buttons)
        .branch(report_buttons)
        .branch(referral_buttons)
        .branch(survey_buttons)
        .branch(outcome_buttons)
        .branch(stray_compose_buttons)
        .branch(opening_menu_buttons)
        .branch(stray_opening_buttons)
        .branch(menu_taps)
        .branch(by_state)
}
