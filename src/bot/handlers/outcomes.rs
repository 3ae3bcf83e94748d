//! `/outcomes` for coordinators: choose a region, then all courses, one course or one trainer → the
//! outcome figures (each with its N and response rate; under 5 answers no share is shown; from 10 a 95 %
//! interval; who did not answer, and a comparison with those who ordered but never came), a picture of
//! incomes per head before and after (paired per person, from 5 pairs up), and CSV
//! exports of the raw answers, anonymised or with names, from which every figure can be recomputed.

use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardMarkup, InputFile};

use crate::bot::context::Ctx;
use crate::bot::keyboards::button;
use crate::db::audit::{Actor, AuditAction, AuditEntry};
use crate::domain::attrition::{Attrition, Band, Gap, GapIn, Response};
use crate::domain::callback::{Cb, OutcomeChoice, OutcomeScope};
use crate::domain::outcomes::{self, Attendance, CsvText, Figure, Outcomes, ReferralFigures, WaveStatus};
use crate::domain::person::Person;
use crate::domain::report::CourseTag;
use crate::domain::survey::Wave;
use crate::i18n::Lang;
use crate::render::{IncomeChart, IncomeGroup, RenderError};
use crate::services::reports::{self, Checked, Scope};
use crate::services::surveys;
use crate::tr;

/// `/outcomes`: the regions the coordinator may see.
pub async fn start(ctx: &Ctx, person: &Person) -> anyhow::Result<()> {
    let prompt = tr!(person.lang, "outcomes-choose-region");
    super::reports::choose_region(ctx, person, "/outcomes", prompt, |key| Cb::Outcomes(OutcomeChoice::Region(key)))
        .await
}

/// The trainers of the scope's courses: (key, name).
async fn trainers_of(ctx: &Ctx, scope: &Scope) -> anyhow::Result<Vec<(String, String)>> {
    let mut out: Vec<(String, String)> = Vec::new();
    for c in &scope.courses {
        let Some(course) = crate::db::catalog::course(&ctx.app.db, &c.key).await? else { continue };
        if out.iter().any(|(k, _)| *k == course.trainer_key) {
            continue;
        }
        let name = crate::db::catalog::trainer(&ctx.app.db, &course.trainer_key).await?.map(|t| t.name);
        out.push((course.trainer_key.clone(), name.unwrap_or_else(|| course.trainer_key.clone())));
    }
    Ok(out)
}

/// What a scope button names, checked against the region's courses and trainers.
enum Resolved {
    All,
    Course(String, String),
    Trainer(String, String),
}

async fn resolve(ctx: &Ctx, lang: Lang, scope: &Scope, choice: OutcomeScope) -> anyhow::Result<Option<Resolved>> {
    Ok(match choice {
        OutcomeScope::All => Some(Resolved::All),
        OutcomeScope::Course(tag) => scope
            .courses
            .iter()
            .find(|c| tag.matches(&c.key))
            .map(|c| Resolved::Course(c.key.clone(), c.display_title(lang).to_owned())),
        OutcomeScope::Trainer(tag) => trainers_of(ctx, scope)
            .await?
            .into_iter()
            .find(|(k, _)| tag.matches(k))
            .map(|(k, name)| Resolved::Trainer(k, name)),
    })
}

pub async fn callback(ctx: Ctx, choice: OutcomeChoice) -> anyhow::Result<()> {
    let Some(person) = ctx.person.clone() else { return ctx.answer_stale().await };
    let lang = person.lang;
    let region = match &choice {
        OutcomeChoice::Region(r) | OutcomeChoice::Scope { region: r, .. } | OutcomeChoice::Export { region: r, .. } => {
            r
        }
    };
    let scope = match reports::check(&ctx.app, &person, region, None).await? {
        Checked::Allowed(scope) => scope,
        refused => return crate::bot::access::refuse(&ctx, refused).await,
    };
    match choice {
        OutcomeChoice::Region(_) => choose_scope(&ctx, lang, &scope).await,
        OutcomeChoice::Scope { scope: which, .. } => {
            let Some(resolved) = resolve(&ctx, lang, &scope, which).await? else {
                return crate::bot::access::refuse(&ctx, "outcomes of a course or trainer not in the region").await;
            };
            show(&ctx, lang, &scope, which, &resolved).await
        }
        OutcomeChoice::Export { scope: which, identifiable, .. } => {
            let Some(resolved) = resolve(&ctx, lang, &scope, which).await? else {
                return crate::bot::access::refuse(&ctx, "export of a course or trainer not in the region").await;
            };
            export(&ctx, &person, &scope, &resolved, identifiable).await
        }
    }
}

async fn choose_scope(ctx: &Ctx, lang: Lang, scope: &Scope) -> anyhow::Result<()> {
    ctx.retire_pressed_keyboard().await;
    ctx.answer(None).await?;
    let region_name = scope.region.display_name(lang);
    if scope.courses.is_empty() {
        return ctx.say(tr!(lang, "outcomes-no-courses", region = region_name)).await;
    }
    let key = scope.region.key.clone();
    let pick = |s: OutcomeScope| Cb::Outcomes(OutcomeChoice::Scope { region: key.clone(), scope: s });
    let mut rows = vec![vec![button(tr!(lang, "outcomes-all"), pick(OutcomeScope::All))]];
    for c in &scope.courses {
        let label = tr!(lang, "outcomes-course", course = c.display_title(lang));
        rows.push(vec![button(label, pick(OutcomeScope::Course(CourseTag::of(&c.key))))]);
    }
    for (key, name) in trainers_of(ctx, scope).await? {
        let label = tr!(lang, "outcomes-trainer", trainer = name);
        rows.push(vec![button(label, pick(OutcomeScope::Trainer(CourseTag::of(&key))))]);
    }
    ctx.say_with(tr!(lang, "outcomes-choose-scope", region = region_name), InlineKeyboardMarkup::new(rows)).await
}

async fn rows_of(
    ctx: &Ctx,
    lang: Lang,
    scope: &Scope,
    resolved: &Resolved,
) -> anyhow::Result<Vec<outcomes::ExportRow>> {
    let (course, trainer) = match resolved {
        Resolved::All => (None, None),
        Resolved::Course(k, _) => (Some(k.as_str()), None),
        Resolved::Trainer(k, _) => (None, Some(k.as_str())),
    };
    surveys::export_rows(&ctx.app, lang, &scope.region_keys, course, trainer).await
}

async fn referral_rows_of(
    ctx: &Ctx,
    lang: Lang,
    scope: &Scope,
    resolved: &Resolved,
) -> anyhow::Result<Vec<outcomes::ReferralRow>> {
    let (course, trainer) = match resolved {
        Resolved::All => (None, None),
        Resolved::Course(k, _) => (Some(k.as_str()), None),
        Resolved::Trainer(k, _) => (None, Some(k.as_str())),
    };
    crate::services::referrals::outcome_rows(&ctx.app, lang, &scope.region_keys, course, trainer).await
}

fn scope_label(lang: Lang, scope: &Scope, resolved: &Resolved) -> String {
    let region = scope.region.display_name(lang);
    match resolved {
        Resolved::All => format!("{region} · {}", tr!(lang, "outcomes-all")),
        Resolved::Course(_, title) => format!("{region} · {title}"),
        Resolved::Trainer(_, name) => format!("{region} · {}", tr!(lang, "outcomes-trainer", trainer = name.as_str())),
    }
}

/// Yuan as a coordinator reads them: grouped, with a sign on a gain ("+1,200").
fn signed_yuan(value: f64) -> String {
    // Signed after rounding: +0.4 yuan is "0", not "+0".
    let yuan = value.round() as i64;
    let sign = if yuan > 0 { "+" } else { "" };
    format!("{sign}{}", super::surveys::grouped(yuan))
}

fn percent_of(share: f64) -> String {
    format!("{}", (share * 100.0).round() as i64)
}

/// A figure with its N, and a share with its 95 % interval from [`outcomes::INTERVAL_MIN_N`] up.
fn figure_share(lang: Lang, f: &Figure) -> String {
    match f {
        Figure::TooFew { n } => tr!(lang, "outcomes-too-few", n = *n),
        Figure::Share { n, .. } => match f.interval() {
            Some((low, high)) => tr!(
                lang,
                "outcomes-share-interval",
                percent = f.percent().unwrap_or(0),
                n = *n,
                low = percent_of(low),
                high = percent_of(high)
            ),
            None => tr!(lang, "outcomes-share", percent = f.percent().unwrap_or(0), n = *n),
        },
        Figure::Mean { n, value } => tr!(lang, "outcomes-mean", value = format!("{value:.1}"), n = *n),
        Figure::Median { n, value } => tr!(lang, "outcomes-yuan", value = signed_yuan(*value), n = *n),
    }
}

/// A median income change with its interval when it has one.
fn income_figure(lang: Lang, f: &Figure, interval: Option<(f64, f64)>) -> String {
    match (f, interval) {
        (Figure::Median { n, value }, Some((low, high))) => tr!(
            lang,
            "outcomes-yuan-interval",
            value = signed_yuan(*value),
            n = *n,
            low = signed_yuan(low),
            high = signed_yuan(high)
        ),
        _ => figure_share(lang, f),
    }
}

/// Who answered the wave, by baseline income third and by completion.
fn render_response(lang: Lang, a: &Attrition) -> String {
    let count = |r: &Response| tr!(lang, "outcomes-response-count", answered = r.answered, sent = r.sent);
    let mut line = tr!(
        lang,
        "outcomes-response-by",
        low = count(&a.bands[0]),
        middle = count(&a.bands[1]),
        high = count(&a.bands[2]),
        completed = count(&a.completed),
        not_completed = count(&a.not_completed)
    );
    if a.no_baseline_income.sent > 0 {
        line.push_str(&tr!(lang, "outcomes-response-no-income", counts = count(&a.no_baseline_income)));
    }
    line
}

/// The one sentence saying that those who answered differ from those who did not.
fn render_gap(lang: Lang, gap: &Gap) -> String {
    let what = match gap.what {
        GapIn::Band(Band::Low) => tr!(lang, "outcomes-band-low"),
        GapIn::Band(Band::Middle) => tr!(lang, "outcomes-band-middle"),
        GapIn::Band(Band::High) => tr!(lang, "outcomes-band-high"),
        GapIn::Completed => tr!(lang, "outcomes-band-completed"),
    };
    tr!(lang, "outcomes-attrition-gap", what = what, answered = gap.answered_pct, unanswered = gap.unanswered_pct)
}

/// The recorded referrals (培训办登记) as text: counts always, shares from five referrals up.
fn render_referrals(lang: Lang, f: &ReferralFigures) -> Vec<String> {
    if f.referrals == 0 {
        return vec![tr!(lang, "outcomes-referrals-none")];
    }
    let share = |figure: &Figure| match figure.percent() {
        Some(p) => tr!(lang, "outcomes-rate", percent = p),
        None => tr!(lang, "outcomes-rate-none"),
    };
    vec![
        tr!(lang, "outcomes-referrals", referrals = f.referrals, people = f.people),
        format!(
            "  {}",
            tr!(
                lang,
                "outcomes-referrals-interviewed",
                count = f.interviewed,
                n = f.referrals,
                rate = share(&f.interviewed_share)
            )
        ),
        format!(
            "  {}",
            tr!(
                lang,
                "outcomes-referrals-hired",
                count = f.hired,
                n = f.referrals,
                people = f.hired_people,
                rate = share(&f.hired_share)
            )
        ),
    ]
}

/// The figures as text: every figure with its N, response rates as counts; the recorded referrals
/// (from the referral CSV) apart from the survey's self-reported employment.
pub fn render(lang: Lang, title: &str, o: &Outcomes, referrals: &ReferralFigures) -> String {
    let mut lines = vec![
        tr!(lang, "outcomes-title", scope = title),
        // People where it says 人; the orders too when someone holds more than one.
        if o.orders == o.enrolled {
            tr!(lang, "outcomes-enrolled", enrolled = o.enrolled, completed = o.completed)
        } else {
            tr!(lang, "outcomes-enrolled-orders", enrolled = o.enrolled, orders = o.orders, completed = o.completed)
        },
        tr!(lang, "outcomes-baseline", asked = o.baseline_asked, answered = o.baseline_answered),
    ];
    for w in &o.waves {
        if w.due == 0 {
            lines.push(tr!(lang, "outcomes-wave-none", months = w.months));
            continue;
        }
        // Like every figure, the rate is withheld while fewer than five were asked; the counts still show.
        let rate = match w.response.percent() {
            Some(p) => tr!(lang, "outcomes-rate", percent = p),
            None => tr!(lang, "outcomes-rate-none"),
        };
        lines.push(tr!(lang, "outcomes-wave", months = w.months, answered = w.answered, due = w.due, rate = rate));
        lines.push(format!(
            "  {}",
            tr!(
                lang,
                "outcomes-employment",
                figure = figure_share(lang, &w.employment),
                baseline = figure_share(lang, &w.employment_baseline)
            )
        ));
        lines.push(format!("  {}", render_response(lang, &w.attrition)));
        let income = income_figure(lang, &w.income_change, w.income_change_interval);
        lines.push(format!("  {}", tr!(lang, "outcomes-income", figure = income.as_str())));
        // Next to the figures it bends: those who answered are not like those who did not.
        if let Some(gap) = &w.attrition.gap {
            lines.push(format!("  {}", render_gap(lang, gap)));
        }
        if w.comparison_shown() {
            let c = &w.comparison;
            lines.push(format!(
                "  {}",
                tr!(
                    lang,
                    "outcomes-comparison",
                    answered = c.answered,
                    due = c.due,
                    figure = income_figure(lang, &c.income_change, c.income_change_interval),
                    attendees = income
                )
            ));
        }
        lines.push(format!("  {}", tr!(lang, "outcomes-industry", figure = figure_share(lang, &w.industry))));
        lines.push(format!("  {}", tr!(lang, "outcomes-used", figure = figure_share(lang, &w.used_learning))));
        lines.push(format!("  {}", tr!(lang, "outcomes-referral", figure = figure_share(lang, &w.referral_job))));
    }
    lines.extend(render_referrals(lang, referrals));
    lines.push(tr!(
        lang,
        "outcomes-feedback",
        answered = o.feedback_answered,
        usefulness = figure_share(lang, &o.usefulness),
        trainer = figure_share(lang, &o.trainer)
    ));
    lines.push(String::new());
    lines.push(tr!(lang, "outcomes-note"));
    let interval_shown = o.waves.iter().any(|w| {
        w.income_change_interval.is_some()
            || [w.employment, w.employment_baseline, w.industry, w.used_learning, w.referral_job]
                .iter()
                .any(|f| f.interval().is_some())
    });
    if interval_shown {
        lines.push(tr!(lang, "outcomes-intervals-note", seed = crate::domain::stats::BOOTSTRAP_SEED.to_string()));
    }
    lines.join("\n")
}

async fn show(ctx: &Ctx, lang: Lang, scope: &Scope, which: OutcomeScope, resolved: &Resolved) -> anyhow::Result<()> {
    ctx.answer(None).await?;
    let rows = rows_of(ctx, lang, scope, resolved).await?;
    let figures = outcomes::compute(&rows);
    let referrals = outcomes::referral_figures(&referral_rows_of(ctx, lang, scope, resolved).await?);
    let text = render(lang, &scope_label(lang, scope, resolved), &figures, &referrals);
    let region = scope.region.key.clone();
    let export =
        |identifiable| Cb::Outcomes(OutcomeChoice::Export { region: region.clone(), scope: which, identifiable });
    let buttons = vec![
        vec![button(tr!(lang, "btn-outcomes-export-anon"), export(false))],
        vec![button(tr!(lang, "btn-outcomes-export-named"), export(true))],
    ];
    ctx.say_with(text, InlineKeyboardMarkup::new(buttons)).await?;
    if let Some(chart) = picture(lang, &scope_label(lang, scope, resolved), &rows, &figures) {
        send_picture(ctx, lang, chart).await?;
    }
    Ok(())
}

/// The income picture of the figures: per follow-up wave with at least [`outcomes::MIN_N`] people
/// paired with their baseline, their incomes per head before and after. `None` when no wave has
/// enough (the text already says too few).
pub fn picture(lang: Lang, scope_label: &str, rows: &[outcomes::ExportRow], o: &Outcomes) -> Option<IncomeChart> {
    let groups: Vec<(u8, Vec<(f64, f64)>)> = o
        .waves
        .iter()
        .map(|w| (w.months, outcomes::paired_incomes(rows, w.months)))
        .filter(|(_, pairs)| pairs.len() >= outcomes::MIN_N)
        .collect();
    if groups.is_empty() {
        return None;
    }
    let counts: Vec<String> =
        groups.iter().map(|(m, p)| tr!(lang, "outcomes-picture-count", months = *m, n = p.len())).collect();
    Some(IncomeChart {
        title: tr!(
            lang,
            "outcomes-picture-title",
            scope = scope_label,
            counts = counts.join(&tr!(lang, "outcomes-picture-count-separator"))
        ),
        y_label: tr!(lang, "outcomes-picture-y"),
        groups: groups
            .into_iter()
            .map(|(months, pairs)| IncomeGroup {
                before_label: tr!(lang, "outcomes-picture-before"),
                after_label: tr!(lang, "outcomes-picture-after", months = months),
                caption: tr!(lang, "outcomes-picture-n", n = pairs.len()),
                pairs,
            })
            .collect(),
    })
}

/// Draws the picture off the runtime and sends it; without a CJK font the text stands alone.
async fn send_picture(ctx: &Ctx, lang: Lang, chart: IncomeChart) -> anyhow::Result<()> {
    match tokio::task::spawn_blocking(move || crate::render::income_chart_png(&chart)).await? {
        Ok(png) => {
            ctx.bot
                .send_photo(ctx.chat, InputFile::memory(png).file_name("outcomes.png"))
                .caption(tr!(lang, "outcomes-picture-caption"))
                .await?;
        }
        Err(RenderError::NoFont(tried)) => tracing::warn!(%tried, "outcomes picture not drawn: no CJK font"),
        Err(e) => tracing::error!(error = %e, "outcomes picture not drawn"),
    }
    Ok(())
}

/// The CSV's header and cell words in `lang`.
pub fn csv_text(lang: Lang) -> CsvText {
    outcomes::CsvText::new(
        move |column| match column {
            "person" => tr!(lang, "outcomes-csv-person"),
            "name" => tr!(lang, "outcomes-csv-name"),
            "phone" => tr!(lang, "outcomes-csv-phone"),
            "village" => tr!(lang, "outcomes-csv-village"),
            "course_key" => tr!(lang, "outcomes-csv-course-key"),
            "course" => tr!(lang, "outcomes-csv-course"),
            "trainer" => tr!(lang, "outcomes-csv-trainer"),
            "order_code" => tr!(lang, "outcomes-csv-order"),
            "completed" => tr!(lang, "outcomes-csv-completed"),
            "attendance" => tr!(lang, "outcomes-csv-attendance"),
            "wave" => tr!(lang, "outcomes-csv-wave"),
            "status" => tr!(lang, "outcomes-csv-status"),
            "answered_at" => tr!(lang, "outcomes-csv-answered-at"),
            "household_size" => tr!(lang, "outcomes-csv-household-size"),
            "income_yuan" => tr!(lang, "outcomes-csv-income"),
            "employment" => tr!(lang, "outcomes-csv-employment"),
            "main_source" => tr!(lang, "outcomes-csv-main-source"),
            "used_learning" => tr!(lang, "outcomes-csv-used-learning"),
            "industry" => tr!(lang, "outcomes-csv-industry"),
            "referral_job" => tr!(lang, "outcomes-csv-referral-job"),
            "usefulness" => tr!(lang, "outcomes-csv-usefulness"),
            "trainer_stars" => tr!(lang, "outcomes-csv-trainer-stars"),
            _ => tr!(lang, "outcomes-csv-comment"),
        },
        move |column, code| cell_label(lang, column, code),
    )
}

/// The referral CSV's header and status words in `lang`.
pub fn referral_csv_text(lang: Lang) -> CsvText {
    outcomes::CsvText::new(
        move |column| match column {
            "person" => tr!(lang, "outcomes-csv-person"),
            "name" => tr!(lang, "outcomes-csv-name"),
            "phone" => tr!(lang, "outcomes-csv-phone"),
            "village" => tr!(lang, "outcomes-csv-village"),
            "course_key" => tr!(lang, "outcomes-csv-course-key"),
            "course" => tr!(lang, "outcomes-csv-course"),
            "opening" => tr!(lang, "outcomes-referrals-csv-opening"),
            "employer" => tr!(lang, "outcomes-referrals-csv-employer"),
            "status" => tr!(lang, "outcomes-referrals-csv-status"),
            "referred_on" => tr!(lang, "refer-csv-referred-on"),
            "interviewed_on" => tr!(lang, "refer-csv-interviewed-on"),
            _ => tr!(lang, "refer-csv-settled-on"),
        },
        move |_, code| match crate::domain::job::ReferralStatus::parse(code) {
            Some(status) => status.label(lang),
            None => code.to_owned(),
        },
    )
}

fn cell_label(lang: Lang, column: &str, code: &str) -> String {
    use crate::domain::survey::Question;
    match (column, code) {
        (_, "declined") => tr!(lang, "outcomes-csv-declined"),
        ("completed" | "referral_job", "yes") => tr!(lang, "outcomes-csv-yes"),
        ("completed" | "referral_job", "no") => tr!(lang, "outcomes-csv-no"),
        ("wave", w) => match Wave::parse(w) {
            Some(Wave::Baseline) => tr!(lang, "outcomes-csv-wave-baseline"),
            Some(Wave::Followup(m)) => tr!(lang, "outcomes-csv-wave-months", months = m),
            _ => tr!(lang, "outcomes-csv-wave-feedback"),
        },
        ("status", s) => match WaveStatus::parse(s) {
            Some(WaveStatus::Answered) => tr!(lang, "outcomes-csv-status-answered"),
            Some(WaveStatus::Open) => tr!(lang, "outcomes-csv-status-open"),
            Some(WaveStatus::Unanswered) => tr!(lang, "outcomes-csv-status-unanswered"),
            Some(WaveStatus::NotYetDue) => tr!(lang, "outcomes-csv-status-not-yet-due"),
            _ => tr!(lang, "outcomes-csv-status-not-surveyed"),
        },
        ("attendance", a) => match Attendance::parse(a) {
            Some(Attendance::Attended) => tr!(lang, "outcomes-csv-attendance-attended"),
            Some(Attendance::Absent) => tr!(lang, "outcomes-csv-attendance-absent"),
            Some(Attendance::Cancelled) => tr!(lang, "outcomes-csv-attendance-cancelled"),
            _ => tr!(lang, "outcomes-csv-attendance-pending"),
        },
        ("employment", c) => super::surveys::choice_label(lang, Question::Employment, c),
        ("main_source", c) => super::surveys::choice_label(lang, Question::MainSource, c),
        ("used_learning", c) => super::surveys::choice_label(lang, Question::UsedLearning, c),
        ("industry", c) => super::surveys::choice_label(lang, Question::Industry, c),
        (_, other) => other.to_owned(),
    }
}

async fn export(
    ctx: &Ctx,
    person: &Person,
    scope: &Scope,
    resolved: &Resolved,
    identifiable: bool,
) -> anyhow::Result<()> {
    let lang = person.lang;
    ctx.answer(None).await?;
    let rows = rows_of(ctx, lang, scope, resolved).await?;
    let referrals = referral_rows_of(ctx, lang, scope, resolved).await?;
    // Answers leave the system (with names and phones when identifiable): who took them, and which,
    // goes into the audit log before the file does.
    let what = match resolved {
        Resolved::All => "all".to_owned(),
        Resolved::Course(key, _) => format!("course:{key}"),
        Resolved::Trainer(key, _) => format!("trainer:{key}"),
    };
    let kind = if identifiable { "identifiable" } else { "anonymised" };
    let entry = AuditEntry::new(ctx.app.now(), Actor::User(person.user_id), AuditAction::Export, "outcomes-csv")
        .region(scope.region.key.clone())
        .detail(format!("{kind} {what} rows={} referrals={}", rows.len(), referrals.len()));
    crate::services::audit::record_now(&ctx.app, &entry).await?;
    let csv = outcomes::write_csv(&rows, identifiable, &csv_text(lang));
    let date = ctx.app.now().with_timezone(&ctx.app.config.default_timezone).format("%Y%m%d");
    let name = format!("{}-{}-{date}.csv", tr!(lang, "outcomes-csv-file"), scope.region.key);
    ctx.bot
        .send_document(ctx.chat, InputFile::memory(csv.into_bytes()).file_name(name))
        .caption(tr!(lang, "outcomes-csv-caption", count = rows.len()))
        .await?;
    // The recorded referrals, interviews and hires, one row per person and opening.
    if !referrals.is_empty() {
        let csv = outcomes::write_referral_csv(&referrals, identifiable, &referral_csv_text(lang));
        let name = format!("{}-{}-{date}.csv", tr!(lang, "outcomes-referrals-csv-file"), scope.region.key);
        ctx.bot
            .send_document(ctx.chat, InputFile::memory(csv.into_bytes()).file_name(name))
            .caption(tr!(lang, "outcomes-referrals-csv-caption", count = referrals.len()))
            .await?;
    }
    Ok(())
}
