//! The lesson section of a coordinator's `/report`: the readings of people living in the report's
//! region, sent in its period (of the chosen course's lessons, when one course is chosen), counted by
//! `domain::lesson_report` per lesson and per region right below the report's region. The message
//! shows the total, the most-sent lessons and the regions; a CSV has every row.

use std::collections::HashMap;

use crate::app::App;
use crate::db;
use crate::db::lesson_report::LessonSnapshot;
use crate::domain::csv;
use crate::domain::lesson_report::{self, LessonCounts, LessonFigures, ReadingFacts};
use crate::domain::report::{Bounds, RateView};
use crate::i18n::Lang;
use crate::services::reports::{Scope, chain_in};
use crate::tr;

/// Lessons shown in the message; the CSV has them all.
pub const MESSAGE_LESSONS: usize = 5;
/// Regions shown in the message; the CSV has them all.
pub const MESSAGE_REGIONS: usize = 8;

/// The lesson section of a report.
#[derive(Debug, Clone)]
pub struct LessonSection {
    /// Lines of the summary's lesson block.
    pub lines: Vec<String>,
    /// The CSV of every row (UTF-8 with BOM), when anything was sent.
    pub csv: Option<LessonCsv>,
    pub figures: LessonFigures,
}

#[derive(Debug, Clone)]
pub struct LessonCsv {
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub lessons: usize,
    pub regions: usize,
}

/// The rows' regions: those right below the report's region (itself when it has none).
fn row_regions(scope: &Scope) -> Vec<String> {
    let below: Vec<String> = scope
        .regions
        .iter()
        .filter(|r| r.parent_key.as_deref() == Some(scope.region.key.as_str()))
        .map(|r| r.key.clone())
        .collect();
    if below.is_empty() { vec![scope.region.key.clone()] } else { below }
}

fn facts(scope: &Scope, snapshot: &LessonSnapshot) -> Vec<ReadingFacts> {
    let n = |v: i64| v.max(0) as u64;
    snapshot
        .readings
        .iter()
        .map(|r| {
            let chain = chain_in(&scope.regions, &r.village_key);
            let region = lesson_report::row_region(&scope.region.key, &chain).unwrap_or(&r.village_key);
            ReadingFacts {
                lesson_id: r.lesson_id,
                region_key: region.to_owned(),
                opened: r.opened,
                finished: r.finished,
                earlier_readings: n(r.earlier_readings),
                answered: n(r.answered),
                right: n(r.right_answers),
            }
        })
        .collect()
}

/// Makes the section for `scope` over `bounds` (all time when `None`); `file_tag` names the period in
/// the CSV's file name.
pub async fn build(
    app: &App,
    lang: Lang,
    scope: &Scope,
    bounds: Option<&Bounds>,
    file_tag: &str,
) -> anyhow::Result<LessonSection> {
    let snapshot = db::lesson_report::snapshot(
        &app.db,
        &scope.region_keys,
        scope.course.as_ref().map(|c| c.key.as_str()),
        bounds.map(|b| (b.from, b.until)),
    )
    .await?;
    let order: Vec<i64> = snapshot.lessons.iter().map(|l| l.id).collect();
    let figures = lesson_report::figures(&order, &row_regions(scope), &facts(scope, &snapshot));
    let names = Names::new(lang, scope, &snapshot);
    let lines = summary_lines(lang, &figures, &names);
    let csv = (figures.total.sent > 0).then(|| {
        let mut file_scope = scope.region.key.clone();
        if let Some(c) = &scope.course {
            file_scope = format!("{file_scope}-{}", c.key);
        }
        LessonCsv {
            file_name: format!("report-lessons-{file_scope}-{file_tag}.csv"),
            bytes: csv_bytes(lang, &figures, &names),
            lessons: figures.lessons.len(),
            regions: figures.regions.len(),
        }
    });
    Ok(LessonSection { lines, csv, figures })
}

/// Lesson titles and region names in the reader's language, with their keys.
struct Names<'a> {
    lessons: HashMap<i64, (&'a str, &'a str)>,
    regions: HashMap<&'a str, &'a str>,
}

impl<'a> Names<'a> {
    fn new(lang: Lang, scope: &'a Scope, snapshot: &'a LessonSnapshot) -> Self {
        Names {
            lessons: snapshot.lessons.iter().map(|l| (l.id, (l.display_title(lang), l.key.as_str()))).collect(),
            regions: scope.regions.iter().map(|r| (r.key.as_str(), r.display_name(lang))).collect(),
        }
    }

    fn lesson(&self, id: i64) -> (String, String) {
        match self.lessons.get(&id) {
            Some((title, key)) => ((*title).to_owned(), (*key).to_owned()),
            None => (id.to_string(), id.to_string()),
        }
    }

    fn region(&self, key: &str) -> String {
        self.regions.get(key).copied().unwrap_or(key).to_owned()
    }
}

fn share(lang: Lang, view: RateView) -> String {
    match view {
        RateView::Percent { pct, hits, n } => tr!(lang, "report-lessons-share", hits = hits, n = n, pct = pct),
        RateView::TooFew { hits, n } => tr!(lang, "report-lessons-share-few", hits = hits, n = n),
        RateView::NoData => tr!(lang, "report-lessons-share-few", hits = 0, n = 0),
    }
}

fn counts_text(lang: Lang, c: &LessonCounts) -> String {
    if c.sent == 0 {
        return tr!(lang, "report-lessons-counts-none");
    }
    let first = match c.first_try.view() {
        RateView::Percent { pct, hits, n } => tr!(lang, "report-lessons-first", hits = hits, n = n, pct = pct),
        RateView::TooFew { hits, n } => tr!(lang, "report-lessons-first-few", hits = hits, n = n),
        RateView::NoData => tr!(lang, "report-lessons-first-none"),
    };
    tr!(
        lang,
        "report-lessons-counts",
        sent = c.sent,
        opened = share(lang, c.opened.view()),
        completed = share(lang, c.completed.view()),
        first = first
    )
}

fn summary_lines(lang: Lang, figures: &LessonFigures, names: &Names) -> Vec<String> {
    let mut lines = vec![tr!(lang, "report-lessons-title")];
    if figures.total.sent == 0 {
        lines.push(tr!(lang, "report-lessons-none"));
        return lines;
    }
    lines.push(tr!(lang, "report-lessons-total", counts = counts_text(lang, &figures.total)));
    lines.push(tr!(lang, "report-lessons-by-lesson"));
    for (id, c) in figures.lessons.iter().take(MESSAGE_LESSONS) {
        lines.push(tr!(lang, "report-lessons-lesson-row", name = names.lesson(*id).0, counts = counts_text(lang, c)));
    }
    lines.push(tr!(lang, "report-lessons-by-region"));
    // All regions in the catalogue's order when they fit; else the most sent.
    let mut regions: Vec<&(String, LessonCounts)> = figures.regions.iter().collect();
    if regions.len() > MESSAGE_REGIONS {
        regions.sort_by_key(|(_, c)| std::cmp::Reverse(c.sent));
    }
    for (key, c) in regions.iter().take(MESSAGE_REGIONS) {
        lines.push(tr!(lang, "report-lessons-row", name = names.region(key), counts = counts_text(lang, c)));
    }
    let more_lessons = figures.lessons.len().saturating_sub(MESSAGE_LESSONS);
    if more_lessons > 0 {
        lines.push(tr!(lang, "report-lessons-more-lessons", n = more_lessons));
    }
    let more_regions = figures.regions.len().saturating_sub(MESSAGE_REGIONS);
    if more_regions > 0 {
        lines.push(tr!(lang, "report-lessons-more-regions", n = more_regions));
    }
    lines.push(tr!(lang, "report-lessons-note"));
    lines
}

/// A share's percentage for the CSV: empty where the message shows none (too few, or nothing).
fn pct_cell(view: RateView) -> String {
    match view {
        RateView::Percent { pct, .. } => pct.to_string(),
        RateView::TooFew { .. } | RateView::NoData => String::new(),
    }
}

fn csv_cells(kind: String, name: String, key: String, c: &LessonCounts) -> Vec<String> {
    vec![
        kind,
        name,
        key,
        c.sent.to_string(),
        c.opened.hits.to_string(),
        pct_cell(c.opened.view()),
        c.completed.hits.to_string(),
        pct_cell(c.completed.view()),
        c.first_try.n.to_string(),
        c.first_try.hits.to_string(),
        pct_cell(c.first_try.view()),
    ]
}

fn csv_bytes(lang: Lang, figures: &LessonFigures, names: &Names) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    out.push_str(&csv::line(&[
        tr!(lang, "report-lessons-csv-kind"),
        tr!(lang, "report-lessons-csv-name"),
        tr!(lang, "report-lessons-csv-key"),
        tr!(lang, "report-lessons-csv-sent"),
        tr!(lang, "report-lessons-csv-opened"),
        tr!(lang, "report-lessons-csv-opened-pct"),
        tr!(lang, "report-lessons-csv-completed"),
        tr!(lang, "report-lessons-csv-completed-pct"),
        tr!(lang, "report-lessons-csv-answered"),
        tr!(lang, "report-lessons-csv-first-right"),
        tr!(lang, "report-lessons-csv-first-pct"),
    ]));
    for (id, c) in &figures.lessons {
        let (title, key) = names.lesson(*id);
        out.push_str(&csv::line(&csv_cells(tr!(lang, "report-lessons-csv-lesson"), title, key, c)));
    }
    for (key, c) in &figures.regions {
        out.push_str(&csv::line(&csv_cells(tr!(lang, "report-lessons-csv-region"), names.region(key), key.clone(), c)));
    }
    out.push_str(&csv::line(&csv_cells(
        tr!(lang, "report-lessons-csv-total"),
        tr!(lang, "report-lessons-csv-total"),
        String::new(),
        &figures.total,
    )));
    out.into_bytes()
}
