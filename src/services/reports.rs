//! Coordinators' `/report`: which regions and courses a coordinator may report on, and the report
//! itself: a short text summary, a bar chart (orders and attendance per course) and a CSV of the
//! orders behind it (UTF-8 with BOM, so Excel opens it in Chinese). What is counted is described in
//! `domain::report`; the summary's lesson section and its CSV come from `services::lesson_report`.

use std::collections::HashMap;

use crate::app::App;
use crate::db;
use crate::db::reports::{ReportCourse, ReportOrder, Snapshot};
use crate::domain::csv;
use crate::domain::person::{Person, Role};
use crate::domain::region::{Region, RegionLevel};
use crate::domain::report::{self, Bounds, ClassFacts, CourseFigures, CourseTag, OrderFacts, Period, Rate, RateView};
use crate::domain::scope::{self, Target};
use crate::i18n::Lang;
use crate::render::{BarChart, RenderError};
use crate::services::lesson_report::LessonSection;
use crate::services::orders::status_label;
use crate::tr;

/// The region keys a person coordinates; `""` stands for everywhere. Empty for non-coordinators.
fn grants(person: &Person) -> Vec<&str> {
    person.roles.iter().filter(|g| g.role == Role::Coordinator).map(|g| g.region_key.as_str()).collect()
}

/// `key` and its ancestors' keys, nearest first; empty when `key` is not a region.
pub(crate) fn chain_in(regions: &[Region], key: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut next = Some(key);
    while let Some(k) = next {
        let Some(r) = regions.iter().find(|r| r.key == k) else { break };
        out.push(r.key.clone());
        next = r.parent_key.as_deref();
        if out.len() > 8 {
            break; // a malformed cycle cannot loop forever
        }
    }
    out
}

/// `key` and every region below it.
fn subtree(regions: &[Region], key: &str) -> Vec<String> {
    let mut out = vec![key.to_owned()];
    let mut i = 0;
    while i < out.len() && out.len() < 10_000 {
        let parent = out[i].clone();
        out.extend(regions.iter().filter(|r| r.parent_key.as_deref() == Some(parent.as_str())).map(|r| r.key.clone()));
        i += 1;
    }
    out
}

/// What a coordinator can choose first: each region granted to them and the regions right below it
/// (a county and its townships). Empty for non-coordinators.
pub async fn region_choices(app: &App, person: &Person) -> anyhow::Result<Vec<Region>> {
    let grants = grants(person);
    if grants.is_empty() {
        return Ok(Vec::new());
    }
    let regions = db::catalog::all_regions(&app.db).await?;
    let mut out: Vec<Region> = Vec::new();
    let mut push = |r: &Region| {
        if !out.iter().any(|o| o.key == r.key) {
            out.push(r.clone());
        }
    };
    for grant in grants {
        if grant.is_empty() {
            regions.iter().filter(|r| r.level == RegionLevel::County).for_each(&mut push);
            continue;
        }
        if let Some(r) = regions.iter().find(|r| r.key == grant) {
            push(r);
            regions.iter().filter(|c| c.parent_key.as_deref() == Some(grant)).for_each(&mut push);
        }
    }
    Ok(out)
}

/// A scope the presser is allowed to see.
#[derive(Debug, Clone)]
pub struct Scope {
    pub region: Region,
    /// The region and everything below it.
    pub region_keys: Vec<String>,
    /// Courses with classes in the region.
    pub courses: Vec<ReportCourse>,
    /// The one course chosen, if any.
    pub course: Option<ReportCourse>,
    /// All regions, for village names.
    pub(crate) regions: Vec<Region>,
}

impl Scope {
    /// The courses reported on: the chosen one, or all.
    pub fn reported_courses(&self) -> Vec<ReportCourse> {
        match &self.course {
            Some(c) => vec![c.clone()],
            None => self.courses.clone(),
        }
    }

    pub fn tz(&self, app: &App) -> chrono_tz::Tz {
        self.region.timezone.parse().unwrap_or(app.config.default_timezone)
    }
}

#[derive(Debug, Clone)]
pub enum Checked {
    Allowed(Box<Scope>),
    NotCoordinator,
    /// The region is not within the presser's coordinator grants (or does not exist).
    RegionRefused,
    /// No course of the region has this tag (forged, or a course of another region).
    CourseRefused,
}

/// Checks a claimed region and course against the person's scope ([`crate::domain::scope::may`]) and
/// the catalogue.
pub async fn check(app: &App, person: &Person, region_key: &str, course: Option<CourseTag>) -> anyhow::Result<Checked> {
    let facts = crate::services::access::actor(app, person).await?;
    if scope::may(&facts.actor(), &Target::Command(Role::Coordinator)).is_err() {
        return Ok(Checked::NotCoordinator);
    }
    let regions = db::catalog::all_regions(&app.db).await?;
    let chain = chain_in(&regions, region_key);
    if scope::may(&facts.actor(), &Target::Region { chain: &chain }).is_err() {
        return Ok(Checked::RegionRefused);
    }
    let Some(region) = regions.iter().find(|r| r.key == region_key).cloned() else {
        return Ok(Checked::RegionRefused);
    };
    let region_keys = subtree(&regions, region_key);
    let courses = db::reports::courses_in(&app.db, &region_keys).await?;
    let course = match course {
        None => None,
        Some(tag) => match courses.iter().find(|c| tag.matches(&c.key)) {
            Some(c) => Some(c.clone()),
            None => return Ok(Checked::CourseRefused),
        },
    };
    Ok(Checked::Allowed(Box::new(Scope { region, region_keys, courses, course, regions })))
}

/// A finished report.
#[derive(Debug, Clone)]
pub struct Report {
    /// The text summary (may need splitting into several messages).
    pub summary: String,
    pub chart: BarChart,
    pub csv: Vec<u8>,
    /// Data rows of the CSV (orders), not counting the header.
    pub csv_rows: usize,
    pub file_name: String,
    pub figures: Vec<CourseFigures>,
    /// What lessons the region's people were sent and how they did (`services::lesson_report`).
    pub lessons: LessonSection,
}

pub fn period_label(lang: Lang, period: Period) -> String {
    match period {
        Period::Week => tr!(lang, "report-period-week"),
        Period::Month => tr!(lang, "report-period-month"),
        Period::Year => tr!(lang, "report-period-year"),
        Period::All => tr!(lang, "report-period-all"),
    }
}

fn facts(snapshot: &Snapshot) -> (Vec<ClassFacts>, Vec<OrderFacts>) {
    let n = |v: i64| v.max(0) as u64;
    let classes = snapshot
        .classes
        .iter()
        .map(|c| ClassFacts {
            course_key: c.course_key.clone(),
            cancelled: c.cancelled,
            capacity: n(c.capacity),
            seats_taken: n(c.seats_taken),
            sessions_held: n(c.sessions_held),
        })
        .collect();
    let orders = snapshot
        .orders
        .iter()
        .map(|o| OrderFacts {
            course_key: o.course_key.clone(),
            status: o.status,
            present: n(o.present),
            absent: n(o.absent),
            excused: n(o.excused),
            held: n(o.held),
            completed: o.completed,
            quiz_attempts: n(o.quiz_attempts),
            quiz_passed: n(o.quiz_passed),
        })
        .collect();
    (classes, orders)
}

/// Makes the report of `scope` for the period containing now, in the region's time zone.
pub async fn build(app: &App, lang: Lang, scope: &Scope, period: Period) -> anyhow::Result<Report> {
    let now = app.now();
    let tz = scope.tz(app);
    let bounds = period.bounds(now, &tz);
    let snapshot = db::reports::snapshot(
        &app.db,
        &scope.region_keys,
        scope.course.as_ref().map(|c| c.key.as_str()),
        bounds.map(|b| (b.from, b.until)),
        now,
    )
    .await?;
    let courses = scope.reported_courses();
    let keys: Vec<String> = courses.iter().map(|c| c.key.clone()).collect();
    let (class_facts, order_facts) = facts(&snapshot);
    let figures = report::aggregate(&keys, &class_facts, &order_facts);

    let file_tag = period.file_tag(bounds.as_ref());
    let lessons = crate::services::lesson_report::build(app, lang, scope, bounds.as_ref(), &file_tag).await?;

    let summary = summary_text(lang, scope, period, bounds.as_ref(), &courses, &figures, &lessons.lines);
    let chart = chart(lang, scope, period, &courses, &figures);
    let csv = csv(lang, scope, &courses, &snapshot);
    let mut file_scope = scope.region.key.clone();
    if let Some(c) = &scope.course {
        file_scope = format!("{file_scope}-{}", c.key);
    }
    let file_name = format!("report-{file_scope}-{file_tag}.csv");
    Ok(Report { summary, chart, csv, csv_rows: snapshot.orders.len(), file_name, figures, lessons })
}

fn rate_line(lang: Lang, rate: Rate, which: RateKind, extra: (u64, u64)) -> String {
    let (excused, sessions) = extra;
    match (which, rate.view()) {
        (RateKind::Attendance, RateView::Percent { pct, hits, n }) => {
            tr!(
                lang,
                "report-attendance-rate",
                pct = pct,
                present = hits,
                n = n,
                excused = excused,
                sessions = sessions
            )
        }
        (RateKind::Attendance, RateView::TooFew { hits, n }) => {
            tr!(lang, "report-attendance-few", present = hits, n = n, excused = excused, sessions = sessions)
        }
        (RateKind::Attendance, RateView::NoData) => {
            tr!(lang, "report-attendance-none", excused = excused, sessions = sessions)
        }
        (RateKind::Quiz, RateView::Percent { pct, hits, n }) => {
            tr!(lang, "report-quiz-rate", pct = pct, passed = hits, n = n)
        }
        (RateKind::Quiz, RateView::TooFew { hits, n }) => tr!(lang, "report-quiz-few", passed = hits, n = n),
        (RateKind::Quiz, RateView::NoData) => tr!(lang, "report-quiz-none"),
    }
}

#[derive(Clone, Copy)]
enum RateKind {
    Attendance,
    Quiz,
}

fn figure_lines(lang: Lang, f: &CourseFigures) -> Vec<String> {
    let mut lines = Vec::new();
    if f.rows == 0 {
        lines.push(tr!(lang, "report-no-orders"));
    } else {
        lines.push(tr!(
            lang,
            "report-orders",
            orders = f.orders,
            cancelled = f.cancelled,
            waitlisted = f.waitlisted,
            rows = f.rows
        ));
        if f.other > 0 {
            lines.push(tr!(lang, "report-other", n = f.other));
        }
    }
    lines.push(tr!(lang, "report-seats", taken = f.seats_taken, total = f.seats_total, classes = f.classes));
    if f.rows > 0 {
        lines.push(rate_line(lang, f.attendance, RateKind::Attendance, (f.excused, f.sessions_held)));
        lines.push(tr!(lang, "report-people", attended = f.attended, completed = f.completions, orders = f.orders));
        lines.push(rate_line(lang, f.quiz, RateKind::Quiz, (0, 0)));
    }
    lines
}

fn summary_text(
    lang: Lang,
    scope: &Scope,
    period: Period,
    bounds: Option<&Bounds>,
    courses: &[ReportCourse],
    figures: &[CourseFigures],
    lesson_lines: &[String],
) -> String {
    let course = match &scope.course {
        Some(c) => c.display_title(lang).to_owned(),
        None => tr!(lang, "report-all-courses"),
    };
    let mut lines = vec![tr!(
        lang,
        "report-title",
        region = scope.region.display_name(lang),
        course = course,
        period = period_label(lang, period)
    )];
    lines.push(match bounds {
        Some(b) => tr!(
            lang,
            "report-range",
            from = b.first_day.format("%Y-%m-%d").to_string(),
            to = b.last_day.format("%Y-%m-%d").to_string(),
            tz = scope.region.timezone.as_str()
        ),
        None => tr!(lang, "report-range-all"),
    });
    for (c, f) in courses.iter().zip(figures) {
        lines.push(String::new());
        lines.push(tr!(lang, "report-course-title", course = c.display_title(lang)));
        lines.extend(figure_lines(lang, f));
    }
    if figures.len() > 1 {
        lines.push(String::new());
        lines.push(tr!(lang, "report-total-title"));
        lines.extend(figure_lines(lang, &report::total(figures)));
    }
    lines.push(String::new());
    lines.extend(lesson_lines.iter().cloned());
    lines.push(String::new());
    lines.push(tr!(lang, "report-note"));
    lines.join("\n")
}

/// Courses with no orders in the period are left out of the chart (the summary lists them), unless
/// no course has any.
fn chart(lang: Lang, scope: &Scope, period: Period, courses: &[ReportCourse], figures: &[CourseFigures]) -> BarChart {
    let mut shown: Vec<(&ReportCourse, &CourseFigures)> =
        courses.iter().zip(figures).filter(|(_, f)| f.rows > 0).collect();
    if shown.is_empty() {
        shown = courses.iter().zip(figures).collect();
    }
    BarChart {
        title: tr!(
            lang,
            "report-chart-title",
            region = scope.region.display_name(lang),
            period = period_label(lang, period)
        ),
        categories: shown.iter().map(|(c, _)| c.display_title(lang).to_owned()).collect(),
        series: vec![
            (tr!(lang, "report-chart-orders"), shown.iter().map(|(_, f)| f.orders as f64).collect()),
            (tr!(lang, "report-chart-attended"), shown.iter().map(|(_, f)| f.attended as f64).collect()),
        ],
        y_label: tr!(lang, "report-chart-y"),
    }
}

fn csv(lang: Lang, scope: &Scope, courses: &[ReportCourse], snapshot: &Snapshot) -> Vec<u8> {
    let titles: HashMap<&str, &str> = courses.iter().map(|c| (c.key.as_str(), c.display_title(lang))).collect();
    let places: HashMap<&str, &str> = snapshot.classes.iter().map(|c| (c.key.as_str(), c.place.as_str())).collect();
    let villages: HashMap<&str, &str> = scope.regions.iter().map(|r| (r.key.as_str(), r.display_name(lang))).collect();
    let mut out = String::from("\u{feff}");
    out.push_str(&csv::line(&[
        tr!(lang, "report-csv-number"),
        tr!(lang, "report-csv-course"),
        tr!(lang, "report-csv-class"),
        tr!(lang, "report-csv-name"),
        tr!(lang, "report-csv-village"),
        tr!(lang, "report-csv-status"),
        tr!(lang, "report-csv-present"),
        tr!(lang, "report-csv-held"),
        tr!(lang, "report-csv-completed"),
        tr!(lang, "report-csv-class-key"),
    ]));
    for o in &snapshot.orders {
        out.push_str(&csv::line(&row(lang, o, &titles, &places, &villages)));
    }
    out.into_bytes()
}

fn row(
    lang: Lang,
    o: &ReportOrder,
    titles: &HashMap<&str, &str>,
    places: &HashMap<&str, &str>,
    villages: &HashMap<&str, &str>,
) -> [String; 10] {
    let village = o.village_key.as_deref().map(|v| villages.get(v).copied().unwrap_or(v)).unwrap_or_default();
    [
        o.number.as_str().to_owned(),
        titles.get(o.course_key.as_str()).copied().unwrap_or(&o.course_key).to_owned(),
        places.get(o.class_key.as_str()).copied().unwrap_or(&o.class_key).to_owned(),
        o.person_name.clone(),
        village.to_owned(),
        status_label(lang, o.status),
        o.present.to_string(),
        o.held.to_string(),
        if o.completed { tr!(lang, "report-yes") } else { tr!(lang, "report-no") },
        o.class_key.clone(),
    ]
}

/// Draws the chart off the async runtime. The inner error is the renderer's (e.g. no CJK font).
pub async fn chart_png(chart: BarChart) -> anyhow::Result<Result<Vec<u8>, RenderError>> {
    Ok(tokio::task::spawn_blocking(move || crate::render::bar_chart_png(&chart)).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(key: &str, parent: Option<&str>, level: RegionLevel) -> Region {
        Region {
            key: key.into(),
            parent_key: parent.map(Into::into),
            level,
            name: key.into(),
            tr: Default::default(),
            timezone: "Asia/Shanghai".into(),
            agri_zone: "x".into(),
        }
    }

    #[test]
    fn coverage_follows_the_region_tree() {
        let regions = vec![
            region("a", None, RegionLevel::County),
            region("a-t", Some("a"), RegionLevel::Township),
            region("a-t-v", Some("a-t"), RegionLevel::Village),
            region("b", None, RegionLevel::County),
            region("b-t", Some("b"), RegionLevel::Township),
        ];
        let covered = |grants: &[&str], key: &str| {
            let grants: Vec<crate::domain::person::RoleGrant> = grants
                .iter()
                .map(|g| crate::domain::person::RoleGrant { role: Role::Coordinator, region_key: (*g).to_owned() })
                .collect();
            let actor = scope::Actor { user_id: 1, grants: &grants, trainer_key: None };
            scope::may(&actor, &Target::Region { chain: &chain_in(&regions, key) }).is_ok()
        };
        assert!(covered(&["a"], "a-t-v"));
        assert!(covered(&["a"], "a"));
        assert!(!covered(&["a"], "b-t"));
        assert!(!covered(&["a-t"], "a"));
        assert!(!covered(&["a"], "nowhere"));
        assert!(covered(&[""], "b-t"));
        assert_eq!(chain_in(&regions, "a-t-v"), vec!["a-t-v", "a-t", "a"]);
        assert_eq!(subtree(&regions, "a"), vec!["a", "a-t", "a-t-v"]);
    }
}
