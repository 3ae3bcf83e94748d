//! `/report` for coordinators: choose a region, a course (or all) and a period → a text summary, a
//! bar chart, a CSV of the orders and, when lessons were sent, a CSV of the lesson figures. Every
//! press is checked against the presser's coordinator scope by the service; a refused press is
//! answered and logged.

use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup, InputFile};

use crate::bot::context::Ctx;
use crate::bot::keyboards::button;
use crate::domain::callback::Cb;
use crate::domain::person::{Person, Role};
use crate::domain::report::{CourseTag, Period, ReportStep, split_message};
use crate::render::RenderError;
use crate::services::reports::{self, Checked, Scope, period_label};
use crate::tr;

/// Telegram's limit is 4,096 UTF-16 units per message; keep a margin.
const MAX_TEXT: usize = 4000;

/// `/report`: the regions the coordinator may report on.
pub async fn start(ctx: &Ctx, person: &Person) -> anyhow::Result<()> {
    let prompt = tr!(person.lang, "report-choose-region");
    choose_region(ctx, person, "/report", prompt, |key| Cb::Report(ReportStep::Region(key))).await
}

/// The first step of a coordinator's report (`/report`, `/outcomes`): a button per region they may see,
/// made by `pick`. Anyone else is refused, and the attempt logged.
pub async fn choose_region(
    ctx: &Ctx,
    person: &Person,
    command: &str,
    prompt: String,
    pick: impl Fn(String) -> Cb,
) -> anyhow::Result<()> {
    let lang = person.lang;
    if !crate::services::access::holds(&ctx.app, person, Role::Coordinator).await? {
        return crate::bot::access::refuse(ctx, command).await;
    }
    let regions = reports::region_choices(&ctx.app, person).await?;
    if regions.is_empty() {
        return ctx.say(tr!(lang, "report-no-regions")).await;
    }
    let rows: Vec<Vec<InlineKeyboardButton>> =
        regions.iter().map(|r| vec![button(r.display_name(lang).to_owned(), pick(r.key.clone()))]).collect();
    ctx.say_with(prompt, InlineKeyboardMarkup::new(rows)).await
}

pub fn is_report_button(cb: &Cb) -> bool {
    matches!(cb, Cb::Report(_))
}

pub async fn callback(ctx: Ctx, cb: Cb) -> anyhow::Result<()> {
    let Cb::Report(step) = cb else { return ctx.answer_stale().await };
    let Some(person) = ctx.person.clone() else { return ctx.answer_stale().await };
    let (region, course) = match &step {
        ReportStep::Region(region) => (region, None),
        ReportStep::Course { region, course } | ReportStep::Run { region, course, .. } => (region, *course),
    };
    // Not a coordinator, a region outside their scope (or none at all), a course not held there: one
    // answer for all, so a forged press learns nothing about what exists.
    let scope = match reports::check(&ctx.app, &person, region, course).await? {
        Checked::Allowed(scope) => scope,
        refused => return crate::bot::access::refuse(&ctx, refused).await,
    };
    match step {
        ReportStep::Region(_) => choose_course(&ctx, &person, &scope).await,
        ReportStep::Course { course, .. } => choose_period(&ctx, &person, &scope, course).await,
        ReportStep::Run { period, .. } => run(&ctx, &person, &scope, period).await,
    }
}

async fn choose_course(ctx: &Ctx, person: &Person, scope: &Scope) -> anyhow::Result<()> {
    let lang = person.lang;
    ctx.retire_pressed_keyboard().await;
    ctx.answer(None).await?;
    let region_name = scope.region.display_name(lang);
    if scope.courses.is_empty() {
        return ctx.say(tr!(lang, "report-no-courses", region = region_name)).await;
    }
    let key = scope.region.key.clone();
    let mut rows = vec![vec![button(
        tr!(lang, "report-all-courses"),
        Cb::Report(ReportStep::Course { region: key.clone(), course: None }),
    )]];
    rows.extend(scope.courses.iter().map(|c| {
        vec![button(
            c.display_title(lang).to_owned(),
            Cb::Report(ReportStep::Course { region: key.clone(), course: Some(CourseTag::of(&c.key)) }),
        )]
    }));
    ctx.say_with(tr!(lang, "report-choose-course", region = region_name), InlineKeyboardMarkup::new(rows)).await
}

async fn choose_period(ctx: &Ctx, person: &Person, scope: &Scope, course: Option<CourseTag>) -> anyhow::Result<()> {
    let lang = person.lang;
    ctx.retire_pressed_keyboard().await;
    ctx.answer(None).await?;
    let region = scope.region.key.clone();
    let period_button = |p: Period| {
        button(period_label(lang, p), Cb::Report(ReportStep::Run { region: region.clone(), course, period: p }))
    };
    let rows = vec![
        vec![period_button(Period::Week), period_button(Period::Month)],
        vec![period_button(Period::Year), period_button(Period::All)],
    ];
    let course_name = match &scope.course {
        Some(c) => c.display_title(lang).to_owned(),
        None => tr!(lang, "report-all-courses"),
    };
    let text = tr!(lang, "report-choose-period", region = scope.region.display_name(lang), course = course_name);
    ctx.say_with(text, InlineKeyboardMarkup::new(rows)).await
}

/// The report: summary, chart (or a note when no CJK font is installed), CSV. The period buttons
/// stay, so another period is one tap away.
async fn run(ctx: &Ctx, person: &Person, scope: &Scope, period: Period) -> anyhow::Result<()> {
    let lang = person.lang;
    ctx.answer(Some(tr!(lang, "report-working"))).await?;
    let report = reports::build(&ctx.app, lang, scope, period).await?;
    tracing::info!(user = person.user_id, region = %scope.region.key, ?period, rows = report.csv_rows, "report made");
    let course = scope.course.as_ref().map(|c| c.key.as_str()).unwrap_or("all");
    let entry = crate::db::audit::AuditEntry::new(
        ctx.app.now(),
        crate::db::audit::Actor::User(person.user_id),
        crate::db::audit::AuditAction::Export,
        "report-csv",
    )
    .region(scope.region.key.clone())
    .detail(format!("course={course} period={period:?} rows={}", report.csv_rows));
    crate::services::audit::record_now(&ctx.app, &entry).await?;
    for part in split_message(&report.summary, MAX_TEXT) {
        ctx.say(part).await?;
    }
    match reports::chart_png(report.chart).await? {
        Ok(png) => {
            ctx.bot
                .send_photo(ctx.chat, InputFile::memory(png).file_name("report.png"))
                .caption(tr!(lang, "report-chart-caption"))
                .await?;
        }
        Err(RenderError::NoFont(tried)) => {
            tracing::warn!(%tried, "report chart not drawn: no CJK font");
            ctx.say(tr!(lang, "report-no-font", env = crate::render::ENV_FONT)).await?;
        }
        Err(e) => {
            tracing::error!(error = %e, "report chart not drawn");
            ctx.say(tr!(lang, "report-chart-failed")).await?;
        }
    }
    ctx.bot
        .send_document(ctx.chat, InputFile::memory(report.csv).file_name(report.file_name))
        .caption(tr!(lang, "report-csv-caption", count = report.csv_rows))
        .await?;
    if let Some(lessons) = report.lessons.csv {
        let caption = tr!(lang, "report-lessons-csv-caption", lessons = lessons.lessons, regions = lessons.regions);
        ctx.bot
            .send_document(ctx.chat, InputFile::memory(lessons.bytes).file_name(lessons.file_name))
            .caption(caption)
            .await?;
    }
    Ok(())
}
