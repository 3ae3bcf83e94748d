//! `/opening`: a coordinator's menu of openings (➕ 发布用工信息, 📋 已发布的用工信息, 💰 最低工资线), and the
//! dialog that publishes one, one question per message, or sets a region's pay floor (the dialog itself
//! is `domain::opening_compose`, the use cases `services::opening_compose`). The preview is the opening
//! exactly as a villager will see it.

use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use crate::bot::context::{Ctx, Incoming};
use crate::bot::keyboards::{self, button};
use crate::domain::callback::Cb;
use crate::domain::dialog::State;
use crate::domain::job::{
    MAX_CONTACT_CHARS, MAX_COURSES, MAX_EMPLOYER_CHARS, MAX_PLACE_CHARS, MAX_SEATS, MAX_WORK_CHARS, OpeningProblem,
};
use crate::domain::opening_compose::{At, Button, Compose, Facts, Input, Outcome, Part, Problem, step};
use crate::domain::person::Person;
use crate::i18n::Lang;
use crate::services::opening_compose::{self as service, Published};
use crate::tr;

fn press(text: String, b: Button) -> InlineKeyboardButton {
    button(text, Cb::OpeningCompose(b))
}

/// `/opening`: the menu, for coordinators and admins (others are refused like any staff command). A
/// dialog open stays open: ➕ offers to go on with its draft.
pub async fn command(ctx: &Ctx, person: &Person) -> anyhow::Result<()> {
    if !service::may_publish(&ctx.app, person).await? {
        return crate::bot::access::refuse(ctx, "/opening from someone who is not a coordinator").await;
    }
    let lang = person.lang;
    let rows = vec![
        vec![press(tr!(lang, "opc-btn-start"), Button::Start)],
        vec![button(tr!(lang, "opc-btn-openings"), Cb::Job(crate::domain::job::Button::Openings))],
        vec![press(tr!(lang, "opc-btn-floor"), Button::Floor)],
    ];
    ctx.say_with(tr!(lang, "opc-menu"), InlineKeyboardMarkup::new(rows)).await
}

/// ➕ 发布用工信息 or 💰 最低工资线, from the menu (in any state: each starts its dialog).
pub async fn start(ctx: Ctx, b: Button) -> anyhow::Result<()> {
    let Some(person) = ctx.person.clone() else { return ctx.answer_stale().await };
    if !service::may_publish(&ctx.app, &person).await? {
        return crate::bot::access::refuse(&ctx, "an /opening menu button from someone who is not a coordinator").await;
    }
    let facts = service::facts(&ctx.app, &person).await?;
    ctx.answer(None).await?;
    if facts.regions.is_empty() {
        return ctx.say(tr!(person.lang, "opc-no-regions")).await;
    }
    let next = match (b, &ctx.state) {
        (Button::Start, State::ComposingOpening(open)) if open.has_draft() => open.clone().offer_resume(),
        (Button::Start, _) => Compose::new(&facts),
        // A draft open is kept: the dialog goes back to it once the floor is set.
        (_, State::ComposingOpening(open)) if open.has_draft() => open.clone().floor_keeping(&facts),
        _ => Compose::floor(&facts),
    };
    ctx.set_state(State::ComposingOpening(next.clone())).await?;
    ask(&ctx, &person, &facts, &next, None).await
}

/// `/cancel` in the dialog: a draft is abandoned once confirmed; the floor dialog is just left.
pub async fn cancel(ctx: &Ctx, person: &Person, open: Compose) -> anyhow::Result<()> {
    if open.has_draft() {
        let next = open.confirm_abandon();
        ctx.set_state(State::ComposingOpening(next.clone())).await?;
        let facts = service::facts(&ctx.app, person).await?;
        return ask(ctx, person, &facts, &next, None).await;
    }
    ctx.set_state(State::Idle).await?;
    ctx.say_with(tr!(person.lang, "cancelled"), keyboards::main_menu(person)).await
}

/// A dialog button pressed with no dialog open: refused for someone who may not publish (as any staff
/// button is), an expired menu for a coordinator (published or abandoned since).
pub async fn stray(ctx: Ctx) -> anyhow::Result<()> {
    match &ctx.person {
        Some(person) if service::may_publish(&ctx.app, person).await? => ctx.answer_stale().await,
        _ => crate::bot::access::refuse(&ctx, "an /opening button from someone who is not a coordinator").await,
    }
}

/// In [`State::ComposingOpening`]: one step.
pub async fn handle(ctx: Ctx, compose: Compose) -> anyhow::Result<()> {
    let Some(person) = ctx.person.clone() else {
        ctx.set_state(State::Idle).await?;
        return super::menu::handle(ctx).await;
    };
    if !service::may_publish(&ctx.app, &person).await? {
        ctx.set_state(State::Idle).await?;
        return crate::bot::access::refuse(&ctx, "an /opening step from someone no longer a coordinator").await;
    }
    let lang = person.lang;
    let input = match &ctx.incoming {
        Incoming::Text(t) => Input::Text(t.clone()),
        Incoming::Callback(Some(Cb::OpeningCompose(b))) => Input::Button(b.clone()),
        Incoming::Callback(_) => return ctx.answer_stale().await,
        Incoming::Photo { .. }
        | Incoming::Voice { .. }
        | Incoming::Contact { .. }
        | Incoming::Location(_)
        | Incoming::Unsupported
        | Incoming::UnknownCommand
        | Incoming::Command(_) => Input::Unsupported,
    };
    let facts = service::facts(&ctx.app, &person).await?;
    // A region they do not cover (forged, or a grant changed since): refused, as any out-of-scope claim.
    if let Input::Button(Button::Region(key)) = &input
        && !facts.regions.iter().any(|r| r.key == *key)
    {
        return crate::bot::access::refuse(&ctx, "an /opening region the coordinator does not cover").await;
    }
    let kept = compose.has_draft().then(|| compose.draft.clone());
    match step(compose, input, &facts) {
        Outcome::Ask(next) => {
            ctx.retire_pressed_keyboard().await;
            ctx.answer(None).await?;
            ctx.set_state(State::ComposingOpening(next.clone())).await?;
            ask(&ctx, &person, &facts, &next, None).await
        }
        Outcome::Reask(same, problem) => {
            ctx.answer(None).await?;
            ctx.set_state(State::ComposingOpening(same.clone())).await?;
            ask(&ctx, &person, &facts, &same, Some(problem_text(lang, &problem))).await
        }
        Outcome::Stale => ctx.answer_stale().await,
        Outcome::Abandoned => {
            ctx.retire_pressed_keyboard().await;
            ctx.answer(None).await?;
            ctx.set_state(State::Idle).await?;
            ctx.say_with(tr!(lang, "opc-abandoned"), keyboards::main_menu(&person)).await
        }
        Outcome::SetFloor { region, yuan } => {
            ctx.retire_pressed_keyboard().await;
            ctx.answer(None).await?;
            ctx.set_state(State::Idle).await?;
            if !service::set_floor(&ctx.app, &person, &region, yuan).await? {
                return crate::bot::access::refuse(&ctx, "a pay floor for a region not theirs").await;
            }
            let name = service::region_name(&ctx.app, lang, &region).await?;
            let text = match yuan {
                Some(yuan) => tr!(lang, "opc-floor-set", region = name, yuan = yuan),
                None => tr!(lang, "opc-floor-removed", region = name),
            };
            match kept {
                // Back to the draft that was open, with the floor now in force.
                Some(draft) => {
                    let facts = service::facts(&ctx.app, &person).await?;
                    let next = Compose { at: draft.next_missing(&facts), draft };
                    ctx.set_state(State::ComposingOpening(next.clone())).await?;
                    ctx.say(text).await?;
                    ask(&ctx, &person, &facts, &next, None).await
                }
                None => ctx.say_with(text, keyboards::main_menu(&person)).await,
            }
        }
        Outcome::Publish(draft) => {
            ctx.retire_pressed_keyboard().await;
            ctx.answer(None).await?;
            match service::publish(&ctx.app, &person, &draft).await? {
                Published::Done { .. } => {
                    ctx.set_state(State::Idle).await?;
                    let employer = draft.employer.clone().unwrap_or_default();
                    ctx.say_with(tr!(lang, "opc-published", employer = employer), keyboards::main_menu(&person)).await
                }
                Published::NotAllowed => {
                    ctx.set_state(State::Idle).await?;
                    crate::bot::access::refuse(&ctx, "publishing an opening without the role or region").await
                }
                Published::Refused(problem) => {
                    let next = Compose { at: Part::of_problem(&problem).at(), draft };
                    ctx.set_state(State::ComposingOpening(next.clone())).await?;
                    let reason = problem_text(lang, &Problem::Rule(problem));
                    ask(&ctx, &person, &facts, &next, Some(reason)).await
                }
                Published::Incomplete => {
                    let next = Compose { at: draft.next_missing(&facts), draft };
                    ctx.set_state(State::ComposingOpening(next.clone())).await?;
                    ask(&ctx, &person, &facts, &next, None).await
                }
            }
        }
    }
}

fn rule_text(lang: Lang, problem: &OpeningProblem) -> String {
    match problem {
        OpeningProblem::Text { max_chars, .. } => tr!(lang, "opc-problem-text", max = *max_chars),
        OpeningProblem::NoPhone => tr!(lang, "opc-problem-no-phone"),
        OpeningProblem::PayRange => tr!(lang, "opc-problem-pay-range"),
        OpeningProblem::BelowFloor { monthly_min, floor } => {
            tr!(lang, "opc-problem-below-floor", monthly = *monthly_min, floor = *floor)
        }
        OpeningProblem::Seats => tr!(lang, "opc-problem-number", max = MAX_SEATS),
        OpeningProblem::Courses => tr!(lang, "opc-problem-no-course"),
        OpeningProblem::ClosesInPast => tr!(lang, "opc-problem-closes-in-past"),
        OpeningProblem::StartsAfterClose => tr!(lang, "opc-problem-date"),
    }
}

fn problem_text(lang: Lang, problem: &Problem) -> String {
    match problem {
        Problem::NeedText => tr!(lang, "opc-problem-need-text"),
        Problem::Rule(rule) => rule_text(lang, rule),
        Problem::PayFormat => tr!(lang, "opc-problem-pay-format"),
        Problem::DateFormat => tr!(lang, "opc-problem-date"),
        Problem::Number { max } => tr!(lang, "opc-problem-number", max = *max),
        Problem::NoCourse => tr!(lang, "opc-problem-no-course"),
        Problem::TooManyCourses => tr!(lang, "opc-problem-too-many-courses", max = MAX_COURSES),
        Problem::UseButtons => tr!(lang, "opc-problem-use-buttons"),
    }
}

/// `problem` (if any) above `text`, in one message.
fn with_problem(problem: Option<String>, text: String) -> String {
    match problem {
        Some(p) => format!("{p}\n\n{text}"),
        None => text,
    }
}

fn part_label(lang: Lang, p: Part) -> String {
    match p {
        Part::Employer => tr!(lang, "opc-part-employer"),
        Part::Contact => tr!(lang, "opc-part-contact"),
        Part::Region => tr!(lang, "opc-part-region"),
        Part::Place => tr!(lang, "opc-part-place"),
        Part::Work => tr!(lang, "opc-part-work"),
        Part::Pay => tr!(lang, "opc-part-pay"),
        Part::Closes => tr!(lang, "opc-part-closes"),
        Part::Seats => tr!(lang, "opc-part-seats"),
        Part::Courses => tr!(lang, "opc-part-courses"),
        Part::Travel => tr!(lang, "opc-part-travel"),
    }
}

/// The region buttons: county first, then its townships, two to a row.
async fn region_rows(ctx: &Ctx, lang: Lang, facts: &Facts) -> anyhow::Result<Vec<Vec<InlineKeyboardButton>>> {
    let mut buttons = Vec::new();
    for r in &facts.regions {
        let name = service::region_name(&ctx.app, lang, &r.key).await?;
        buttons.push(press(name, Button::Region(r.key.clone())));
    }
    Ok(buttons.chunks(2).map(|pair| pair.to_vec()).collect())
}

/// Asks the question of `compose`'s step (with the reason it is asked again, if it is).
async fn ask(
    ctx: &Ctx,
    person: &Person,
    facts: &Facts,
    compose: &Compose,
    problem: Option<String>,
) -> anyhow::Result<()> {
    let lang = person.lang;
    let draft = &compose.draft;
    let markup = InlineKeyboardMarkup::new;
    match &compose.at {
        At::Employer => ctx.say(with_problem(problem, tr!(lang, "opc-ask-employer", max = MAX_EMPLOYER_CHARS))).await,
        At::Contact => ctx.say(with_problem(problem, tr!(lang, "opc-ask-contact", max = MAX_CONTACT_CHARS))).await,
        At::Region => {
            let rows = region_rows(ctx, lang, facts).await?;
            ctx.say_with(with_problem(problem, tr!(lang, "opc-ask-region")), markup(rows)).await
        }
        At::Place => ctx.say(with_problem(problem, tr!(lang, "opc-ask-place", max = MAX_PLACE_CHARS))).await,
        At::Work => ctx.say(with_problem(problem, tr!(lang, "opc-ask-work", max = MAX_WORK_CHARS))).await,
        At::Pay => {
            let region = draft.region.as_deref().and_then(|k| facts.regions.iter().find(|r| r.key == k));
            let mut text = tr!(lang, "opc-ask-pay");
            if let Some(floor) = region.and_then(|r| r.floor) {
                text.push('\n');
                text.push_str(&tr!(lang, "opc-pay-floor-hint", floor = floor));
            }
            ctx.say(with_problem(problem, text)).await
        }
        At::Closes => {
            let rows = vec![vec![press(tr!(lang, "opc-btn-long-term"), Button::LongTerm)]];
            ctx.say_with(with_problem(problem, tr!(lang, "opc-ask-closes")), markup(rows)).await
        }
        At::Seats => ctx.say(with_problem(problem, tr!(lang, "opc-ask-seats", max = MAX_SEATS))).await,
        At::Courses => {
            let mut rows = Vec::new();
            for key in &facts.courses {
                let title = service::course_title(&ctx.app, lang, key).await?;
                let mark = if draft.courses.contains(key) { "✅ " } else { "" };
                rows.push(press(format!("{mark}{title}"), Button::Course(key.clone())));
            }
            let mut rows: Vec<Vec<InlineKeyboardButton>> = rows.chunks(2).map(|pair| pair.to_vec()).collect();
            rows.push(vec![press(tr!(lang, "opc-btn-courses-done"), Button::CoursesDone)]);
            let mut text = tr!(lang, "opc-ask-courses");
            if !draft.courses.is_empty() {
                let mut titles = Vec::new();
                for key in &draft.courses {
                    titles.push(service::course_title(&ctx.app, lang, key).await?);
                }
                text.push('\n');
                text.push_str(&tr!(lang, "opc-courses-chosen", courses = titles.join("、")));
            }
            ctx.say_with(with_problem(problem, text), markup(rows)).await
        }
        At::Travel => {
            let row = vec![
                press(tr!(lang, "opc-btn-travel-yes"), Button::Travel(true)),
                press(tr!(lang, "opc-btn-travel-no"), Button::Travel(false)),
            ];
            ctx.say_with(with_problem(problem, tr!(lang, "opc-ask-travel")), markup(vec![row])).await
        }
        At::Preview => {
            let Some(card) = service::preview(&ctx.app, lang, draft).await? else {
                return ctx.say(tr!(lang, "opc-problem-need-text")).await;
            };
            let region = match &draft.region {
                Some(key) => service::region_name(&ctx.app, lang, key).await?,
                None => String::new(),
            };
            let contact = draft.contact.clone().unwrap_or_default();
            let text = format!(
                "{}\n\n{card}\n\n{}",
                tr!(lang, "opc-preview-intro"),
                tr!(lang, "opc-preview-private", contact = contact, region = region)
            );
            let rows = vec![
                vec![press(tr!(lang, "opc-btn-publish"), Button::Publish)],
                vec![
                    press(tr!(lang, "opc-btn-edit"), Button::Edit),
                    press(tr!(lang, "opc-btn-abandon"), Button::Abandon),
                ],
            ];
            ctx.say_with(with_problem(problem, text), markup(rows)).await
        }
        At::Change => {
            let parts: Vec<Part> =
                Part::ALL.into_iter().filter(|p| *p != Part::Region || facts.regions.len() > 1).collect();
            let buttons: Vec<InlineKeyboardButton> =
                parts.into_iter().map(|p| press(part_label(lang, p), Button::Change(p))).collect();
            let rows = buttons.chunks(2).map(|pair| pair.to_vec()).collect();
            ctx.say_with(with_problem(problem, tr!(lang, "opc-ask-change")), markup(rows)).await
        }
        At::ConfirmAbandon { .. } => {
            let row = vec![
                press(tr!(lang, "opc-btn-abandon-yes"), Button::ConfirmAbandon(true)),
                press(tr!(lang, "opc-btn-abandon-no"), Button::ConfirmAbandon(false)),
            ];
            ctx.say_with(with_problem(problem, tr!(lang, "opc-ask-abandon")), markup(vec![row])).await
        }
        At::Resume { .. } => {
            let employer = draft.employer.clone().unwrap_or_else(|| tr!(lang, "opc-untitled"));
            let rows = vec![
                vec![press(tr!(lang, "opc-btn-resume"), Button::Resume(true))],
                vec![press(tr!(lang, "opc-btn-restart"), Button::Resume(false))],
            ];
            ctx.say_with(with_problem(problem, tr!(lang, "opc-ask-resume", employer = employer)), markup(rows)).await
        }
        At::FloorRegion => {
            let mut text = tr!(lang, "opc-ask-floor-region");
            for r in &facts.regions {
                let name = service::region_name(&ctx.app, lang, &r.key).await?;
                text.push('\n');
                text.push_str(&match r.floor {
                    Some(floor) => tr!(lang, "opc-floor-line", region = name, floor = floor),
                    None => tr!(lang, "opc-floor-line-none", region = name),
                });
            }
            let rows = region_rows(ctx, lang, facts).await?;
            ctx.say_with(with_problem(problem, text), markup(rows)).await
        }
        At::FloorAmount { region } => {
            let name = service::region_name(&ctx.app, lang, region).await?;
            let current = facts.regions.iter().find(|r| r.key == *region).and_then(|r| r.floor);
            let mut text = tr!(lang, "opc-ask-floor-amount", region = name.as_str());
            if let Some(floor) = current {
                text.push('\n');
                text.push_str(&tr!(lang, "opc-floor-now", floor = floor));
            }
            let rows = vec![vec![press(tr!(lang, "opc-btn-floor-remove"), Button::FloorRemove)]];
            ctx.say_with(with_problem(problem, text), markup(rows)).await
        }
    }
}
