//! `fieldschool import FILE`: loads or refreshes the catalogue from a TOML file (format in
//! `docs/catalog-format.md`). The whole file goes in one transaction; every problem is reported with
//! its line and field, and a file with any problem changes nothing. Re-importing matches on the
//! stable keys, so it updates rather than duplicates; what a file no longer lists is cancelled or
//! retired, never deleted, because orders and answers point at it.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::ops::Range;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};

use crate::app::App;
use crate::db::catalog::{self as store, SessionChange, Upsert};
use crate::db::{Db, Tx};
use crate::domain::catalog::{DEFAULT_TIMEZONE, Session, SessionStatus};
pub use crate::domain::catalog_file::Problem;
use crate::domain::catalog_file::{Lines, Validated, quoted, render_problems};
use crate::domain::region::RegionLevel;
use crate::domain::translations::Localized;

// ---------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file is refused; nothing was written.
    #[error("{}", render_problems(file, problems))]
    Invalid { file: String, problems: Vec<Problem> },
    #[error("storage: {0}")]
    Storage(#[from] sqlx::Error),
    #[error("cannot read {file}: {source}")]
    Read { file: String, source: std::io::Error },
}

// ---------------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

impl Tally {
    fn add(&mut self, u: Upsert) {
        match u {
            Upsert::Created => self.created += 1,
            Upsert::Updated => self.updated += 1,
            Upsert::Unchanged => self.unchanged += 1,
        }
    }
}

impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} new, {} updated, {} unchanged", self.created, self.updated, self.unchanged)
    }
}

/// What an import did. `moved_sessions` and `cancelled_sessions` are what people holding seats
/// must hear about.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub regions: Tally,
    pub trainers: Tally,
    pub courses: Tally,
    pub questions: Tally,
    pub retired_questions: u64,
    pub classes: Tally,
    pub cancelled_classes: Vec<String>,
    pub sessions: Tally,
    pub moved_sessions: Vec<i64>,
    pub cancelled_sessions: Vec<i64>,
    pub lessons: Tally,
    /// Lessons left out of a file that lists lessons: retired (no longer offered), not deleted.
    pub retired_lessons: Vec<String>,
    /// Media files of lessons stored (new or changed content) or found stored already.
    pub media: Tally,
    /// Openings (用工信息) of the file.
    pub openings: Tally,
    /// Catalogue openings left out of a file that lists openings: closed, not deleted.
    pub closed_openings: Vec<String>,
    /// New or moved sessions that fall on a busy-season day of their region.
    pub busy_sessions: Vec<BusySession>,
    /// Regions holding classes where nobody would receive orders (no coordinator for them or above,
    /// no admin): (key, name). A warning, not a refusal.
    pub unattended_regions: Vec<(String, String)>,
}

/// A session an import put into a busy farming season, with the nearest free days to suggest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusySession {
    pub session_id: i64,
    pub class_key: String,
    /// Local date of the session.
    pub date: NaiveDate,
    /// The season's name.
    pub season: Localized,
    pub alternatives: Vec<NaiveDate>,
}

impl ImportReport {
    /// What the operator should do about regions nobody receives orders for (printed by
    /// `fieldschool import`; a demonstration that grants its roles after loading leaves them out).
    pub fn unattended_warnings(&self) -> Vec<String> {
        self.unattended_regions
            .iter()
            .map(|(key, name)| {
                format!(
                    "warning: nobody receives orders for classes in {name} ({key}): no coordinator for it or a \
                     region above it, and no admin; invite one with `fieldschool invite --role coordinator \
                     --region {key}` (or a region above it)"
                )
            })
            .collect()
    }
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "regions:   {}", self.regions)?;
        writeln!(f, "trainers:  {}", self.trainers)?;
        writeln!(f, "courses:   {}", self.courses)?;
        writeln!(f, "questions: {} ({} retired)", self.questions, self.retired_questions)?;
        writeln!(f, "classes:   {} ({} cancelled: no longer in the file)", self.classes, self.cancelled_classes.len())?;
        write!(
            f,
            "sessions:  {} ({} moved, {} cancelled)",
            self.sessions,
            self.moved_sessions.len(),
            self.cancelled_sessions.len()
        )?;
        write!(
            f,
            "\nlessons:   {} ({} retired: no longer in the file); media files: {} new, {} unchanged",
            self.lessons,
            self.retired_lessons.len(),
            self.media.created,
            self.media.unchanged
        )?;
        write!(f, "\nopenings:  {} ({} closed: no longer in the file)", self.openings, self.closed_openings.len())?;
        for busy in &self.busy_sessions {
            let alternatives: Vec<String> = busy.alternatives.iter().map(|d| d.to_string()).collect();
            write!(
                f,
                "\nwarning: class {:?} meets on {} in the busy season {}; nearest free days: {}",
                busy.class_key,
                busy.date,
                busy.season.get(crate::i18n::Lang::En),
                alternatives.join(", ")
            )?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------------
// Import
// ---------------------------------------------------------------------------------------------------

/// The clock and the one choice an operator makes when importing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportOptions {
    pub now: DateTime<Utc>,
    /// Accept new classes and sessions that start before `now`, and sessions moved into the past
    /// (loading last year's programme); `fieldschool import --allow-past`.
    pub allow_past: bool,
}

impl ImportOptions {
    /// For loading history (fixtures, demonstrations): nothing is refused for being in the past.
    pub fn history() -> ImportOptions {
        ImportOptions { now: DateTime::<Utc>::MIN_UTC, allow_past: true }
    }
}

/// Where the media files a catalogue's lessons name are found: the folder of the catalogue file, or
/// files given with the text (the demo catalogue's, built into the binary).
#[derive(Debug, Clone, Copy)]
pub enum MediaSource<'a> {
    Folder(&'a std::path::Path),
    Files(&'a [(&'a str, &'a [u8])]),
}

/// The media files of `examples/demo-catalog.toml`, built in so that `chat` and the tests import the
/// demo from any directory.
pub const DEMO_MEDIA: &[(&str, &[u8])] = &[
    ("lesson-media/xianggu-bushui.png", include_bytes!("../../examples/lesson-media/xianggu-bushui.png")),
    ("lesson-media/xianggu-bushui.ogg", include_bytes!("../../examples/lesson-media/xianggu-bushui.ogg")),
    ("lesson-media/dapeng-tongfeng.ogg", include_bytes!("../../examples/lesson-media/dapeng-tongfeng.ogg")),
];

impl MediaSource<'_> {
    /// The size of the file at `path` (relative, `/` between folders), without reading it; `None` when
    /// there is no such file.
    fn size(&self, path: &str) -> Option<u64> {
        match self {
            MediaSource::Folder(dir) => std::fs::metadata(dir.join(path)).ok().filter(|m| m.is_file()).map(|m| m.len()),
            MediaSource::Files(files) => files.iter().find(|(p, _)| *p == path).map(|(_, b)| b.len() as u64),
        }
    }

    fn read(&self, path: &str) -> std::io::Result<Vec<u8>> {
        match self {
            MediaSource::Folder(dir) => std::fs::read(dir.join(path)),
            MediaSource::Files(files) => files
                .iter()
                .find(|(p, _)| *p == path)
                .map(|(_, b)| b.to_vec())
                .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound)),
        }
    }
}

/// Imports the catalogue in `text` (named `file` in messages) as history: dates in the past are
/// accepted, and media files are the demo catalogue's built-in ones ([`DEMO_MEDIA`]). Fixtures and the
/// `chat` demonstration load this way; an operator's import goes through [`import_file`], which
/// refuses the past unless asked and reads media files next to the catalogue file.
pub async fn import_str(db: &Db, file: &str, text: &str) -> Result<ImportReport, ImportError> {
    import_str_with(db, file, text, ImportOptions::history()).await
}

/// Imports the catalogue in `text` (named `file` in messages), its media from [`DEMO_MEDIA`]. Every
/// problem of the file is reported together: field by field, entry by entry, then every reference; a
/// file with any problem changes nothing.
pub async fn import_str_with(
    db: &Db,
    file: &str,
    text: &str,
    options: ImportOptions,
) -> Result<ImportReport, ImportError> {
    import_audited(db, file, text, options, MediaSource::Files(DEMO_MEDIA), None).await
}

/// As [`import_str_with`], with the media files found in `media`.
pub async fn import_str_with_media(
    db: &Db,
    file: &str,
    text: &str,
    options: ImportOptions,
    media: MediaSource<'_>,
) -> Result<ImportReport, ImportError> {
    import_audited(db, file, text, options, media, None).await
}

/// As [`import_str_with`]; with `audit`, the import is also an entry of the audit log (by that actor,
/// at that time), written in the import's transaction.
async fn import_audited(
    db: &Db,
    file: &str,
    text: &str,
    options: ImportOptions,
    media: MediaSource<'_>,
    audit: Option<(crate::db::audit::Actor, DateTime<Utc>)>,
) -> Result<ImportReport, ImportError> {
    let outcome = import_in_tx(db, file, text, options, media, audit).await;
    // This process sees its import at once, without waiting for the next version check.
    db.invalidate_catalog();
    outcome
}

async fn import_in_tx(
    db: &Db,
    file: &str,
    text: &str,
    options: ImportOptions,
    media: MediaSource<'_>,
    audit: Option<(crate::db::audit::Actor, DateTime<Utc>)>,
) -> Result<ImportReport, ImportError> {
    let lines = Lines::new(text);
    let invalid = |mut problems: Vec<Problem>| {
        // In file order, as the reader goes through it; file-level problems first.
        problems.sort_by_key(|p| p.line.unwrap_or(0));
        ImportError::Invalid { file: file.to_owned(), problems }
    };
    let (validated, mut problems) = crate::domain::catalog_file::check(text).map_err(|p| invalid(vec![p]))?;
    // The lessons' media files are read before the transaction (a writer holds SQLite's lock).
    let (files, media_problems) = read_media(&validated, &lines, media, file)?;
    problems.extend(media_problems);
    // References are checked even when entries were wrong, so that one run shows everything; then
    // nothing is written (see `Sink::clean`) and the transaction is rolled back.
    let mut tx = db.begin_write().await?;
    let mut sink = Sink { lines: &lines, problems };
    let mut report = write(&mut tx, &validated, &files, options, &mut sink).await?;
    if !sink.problems.is_empty() {
        tx.rollback().await?;
        return Err(invalid(sink.problems));
    }
    report.unattended_regions = crate::db::regions::unattended_in_tx(&mut tx).await?;
    if let Some((actor, at)) = audit {
        let counts = format!(
            "regions={} trainers={} courses={} classes={} sessions={} cancelled_sessions={} lessons={} openings={}",
            report.regions,
            report.trainers,
            report.courses,
            report.classes,
            report.sessions,
            report.cancelled_sessions.len(),
            report.lessons,
            report.openings
        );
        let entry = crate::db::audit::AuditEntry::new(at, actor, crate::db::audit::AuditAction::CatalogImport, file)
            .detail(counts);
        crate::db::audit::record(&mut tx, &entry).await?;
    }
    tx.commit().await?;
    Ok(report)
}

/// `fieldschool import FILE`: reads and imports a file, with the app's clock as "now"; lessons' media
/// files are read from the file's folder.
pub async fn import_file(app: &App, path: &std::path::Path, allow_past: bool) -> Result<ImportReport, ImportError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| ImportError::Read { file: file.clone(), source })?;
    let audit = Some((crate::db::audit::Actor::Cli, app.now()));
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    let options = ImportOptions { now: app.now(), allow_past };
    let report = import_audited(&app.db, &file, &text, options, MediaSource::Folder(folder), audit).await?;
    // New openings are matched with people by the scheduler.
    app.wake_scheduler();
    Ok(report)
}

/// A media file read for the import: the hash of its content, and the content.
struct MediaFile {
    sha256: String,
    content: Vec<u8>,
}

/// Reads every media file the lessons name that exists and fits Telegram's limits (the others are
/// problems, with the line that names them).
fn read_media(
    v: &Validated,
    lines: &Lines,
    source: MediaSource<'_>,
    file: &str,
) -> Result<(HashMap<String, MediaFile>, Vec<Problem>), ImportError> {
    let mut sizes: HashMap<String, Option<u64>> = HashMap::new();
    let problems = crate::domain::catalog_file::lesson::check_media(&v.lessons, lines, &mut |path| {
        *sizes.entry(path.to_owned()).or_insert_with(|| source.size(path))
    });
    let mut files = HashMap::new();
    let named = v.lessons.iter().flat_map(|l| &l.media);
    for named in named {
        let path = &named.media.path;
        let fits = sizes.get(path).copied().flatten().is_some_and(|size| named.media.kind.size_problem(size).is_none());
        if !fits || files.contains_key(path) {
            continue;
        }
        let content =
            source.read(path).map_err(|source| ImportError::Read { file: format!("{file}: {path}"), source })?;
        use sha2::Digest;
        let sha256 = sha2::Sha256::digest(&content).iter().map(|b| format!("{b:02x}")).collect();
        files.insert(path.clone(), MediaFile { sha256, content });
    }
    Ok((files, problems))
}

/// Where the reference checks put their problems.
struct Sink<'a> {
    lines: &'a Lines,
    problems: Vec<Problem>,
}

impl Sink<'_> {
    fn report(&mut self, span: &Range<usize>, item: String, field: &str, message: String) {
        if crate::domain::catalog_file::lenient::is_made_up(span) {
            return; // a consequence of a field already reported as missing or unreadable
        }
        self.problems.push(Problem { line: Some(self.lines.line(span)), item, field: Some(field.to_owned()), message });
    }

    /// Nothing is written once a problem is known: the import will be refused, and an entry that is
    /// wrong could not be stored anyway. The checks go on.
    fn clean(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks references against the file and storage, and writes while the file is still clean.
async fn write(
    tx: &mut Tx,
    v: &Validated,
    files: &HashMap<String, MediaFile>,
    options: ImportOptions,
    sink: &mut Sink<'_>,
) -> Result<ImportReport, sqlx::Error> {
    let mut report = ImportReport::default();

    // Regions, parents first (the file must list a parent before its children).
    let mut levels: HashMap<String, RegionLevel> = HashMap::new();
    for (entry, parent_span) in &v.regions {
        let mut entry = entry.clone();
        let item = quoted("region", &entry.key);
        if let Some(parent) = &entry.parent_key {
            let parent_level = match levels.get(parent) {
                Some(level) => Some(*level),
                None => store::region_in_tx(tx, parent).await?.map(|r| r.level),
            };
            match parent_level.map(RegionLevel::child) {
                None => {
                    sink.report(parent_span, item, "parent", format!("no region {parent:?} above this line or stored"));
                    continue;
                }
                Some(None) => {
                    sink.report(
                        parent_span,
                        item,
                        "parent",
                        format!("{parent:?} is a village; villages have no children"),
                    );
                    continue;
                }
                Some(Some(level)) => entry.level = level,
            }
        }
        levels.insert(entry.key.clone(), entry.level);
        if sink.clean() {
            report.regions.add(store::upsert_region(tx, &entry).await?);
        }
    }
    if sink.clean() {
        store::resolve_region_inheritance(tx, DEFAULT_TIMEZONE).await?;
    }

    if sink.clean() {
        for (i, t) in v.trainers.iter().enumerate() {
            report.trainers.add(store::upsert_trainer(tx, t, i as i64).await?);
        }
    }

    // Every course the file defines counts as known to its classes, even one refused above: its own
    // problem is reported once, not again for each of its classes.
    let file_courses: HashSet<&str> = v.courses.iter().map(|(c, _, _)| c.key.as_str()).collect();
    for (i, (course, trainer_span, questions)) in v.courses.iter().enumerate() {
        let in_file = v.trainers.iter().any(|t| t.key == course.trainer_key);
        if !in_file && !store::trainer_exists(tx, &course.trainer_key).await? {
            sink.report(
                trainer_span,
                quoted("course", &course.key),
                "trainer",
                format!("no trainer {:?} in the file or stored", course.trainer_key),
            );
            continue;
        }
        if !sink.clean() {
            continue;
        }
        report.courses.add(store::upsert_course(tx, course, i as i64).await?);
        for (j, q) in questions.iter().enumerate() {
            report.questions.add(store::upsert_question(tx, q, j as i64).await?);
        }
        let keep: Vec<String> = questions.iter().map(|q| q.key.clone()).collect();
        report.retired_questions += store::retire_questions_except(tx, &course.key, &keep).await?;
    }

    for (i, vc) in v.classes.iter().enumerate() {
        let class = &vc.class;
        let item = quoted("class", &class.key);
        let course_known = file_courses.contains(class.course_key.as_str())
            || store::course_in_tx(tx, &class.course_key).await?.is_some();
        if !course_known {
            sink.report(
                &vc.course_span,
                item.clone(),
                "course",
                format!("no course {:?} in the file or stored", class.course_key),
            );
        }
        let level = match levels.get(&class.region_key) {
            Some(level) => Some(*level),
            None => store::region_in_tx(tx, &class.region_key).await?.map(|r| r.level),
        };
        match level {
            None => sink.report(
                &vc.region_span,
                item.clone(),
                "region",
                format!("no region {:?} in the file or stored", class.region_key),
            ),
            Some(RegionLevel::County) => sink.report(
                &vc.region_span,
                item.clone(),
                "region",
                "must be a township or village, not a county".to_owned(),
            ),
            Some(_) => {}
        }
        let stored_class = store::class_in_tx(tx, &class.key).await?;
        if let Some(stored) = &stored_class
            && stored.course_key != class.course_key
        {
            sink.report(
                &vc.course_span,
                item.clone(),
                "course",
                format!("this class belongs to course {:?}; give a new class a new key", stored.course_key),
            );
        }
        if sink.clean() {
            report.classes.add(store::upsert_class(tx, class, i as i64).await?);
        }

        let tz = file_timezone(tx, v, &class.region_key).await?;
        let sessions = vc.sessions.iter().zip(&vc.session_span).zip(&vc.timed);
        for (((key, date, start, end, place, topic, status, venue, tr), span), timed) in sessions {
            if !timed {
                continue; // its date or time is reported already
            }
            let s_item = format!("{item}, session {key:?}");
            let (Some(starts_at), Some(ends_at)) = (local_instant(tz, *date, *start), local_instant(tz, *date, *end))
            else {
                sink.report(span, s_item, "time", format!("does not exist in {tz}"));
                continue;
            };
            if ends_at <= starts_at {
                sink.report(span, s_item, "time", "the end must come after the start".to_owned());
                continue;
            }
            if !options.allow_past && *status == SessionStatus::Scheduled && starts_at < options.now {
                let stored = match &stored_class {
                    Some(_) => store::session_in_tx(tx, &class.key, key).await?,
                    None => None,
                };
                let now = options.now.with_timezone(&tz).format("%Y-%m-%d %H:%M");
                let starts = format!("{date} {}", start.format("%H:%M"));
                let refused = match stored {
                    None => {
                        sink.report(
                            span,
                            s_item,
                            "date",
                            format!(
                                "starts {starts}, before now ({now}); a new session cannot be in the past \
                                 (to load past classes, import with --allow-past)"
                            ),
                        );
                        true
                    }
                    Some(old) if old.starts_at != starts_at => {
                        sink.report(
                            span,
                            s_item,
                            "date",
                            format!(
                                "moves the session to {starts}, before now ({now}); a session can only move to a \
                                 time still ahead (to rewrite history, import with --allow-past)"
                            ),
                        );
                        true
                    }
                    Some(_) => false, // as it was: history stays
                };
                if refused {
                    continue;
                }
            }
            if !sink.clean() {
                continue;
            }
            let session = Session {
                id: 0,
                class_key: class.key.clone(),
                key: key.clone(),
                starts_at,
                ends_at,
                place: place.clone(),
                topic: topic.clone(),
                status: *status,
                venue: *venue,
                tr: tr.clone(),
            };
            let (id, change) = store::upsert_session(tx, &session).await?;
            if matches!(change, SessionChange::Created | SessionChange::Moved)
                && session.status == SessionStatus::Scheduled
                && let Some(calendar) = store::calendar_of_conn(tx, &class.region_key).await?
            {
                let day = session.starts_at.with_timezone(&calendar.tz).date_naive();
                if let Some(season) = calendar.is_busy_day(day) {
                    report.busy_sessions.push(BusySession {
                        session_id: id,
                        class_key: class.key.clone(),
                        date: day,
                        season: calendar.season_localized(season),
                        alternatives: calendar.nearest_free_dates(day, 3),
                    });
                }
            }
            match change {
                SessionChange::Created => report.sessions.created += 1,
                SessionChange::Moved => {
                    report.sessions.updated += 1;
                    report.moved_sessions.push(id);
                }
                SessionChange::Cancelled => {
                    report.sessions.updated += 1;
                    report.cancelled_sessions.push(id);
                }
                SessionChange::Unchanged => report.sessions.unchanged += 1,
            }
        }
        if sink.clean() {
            let keep: Vec<String> = vc.sessions.iter().map(|s| s.0.clone()).collect();
            report.cancelled_sessions.extend(store::cancel_sessions_except(tx, &class.key, &keep).await?);
        }
    }
    // A file that lists classes is the whole timetable: classes it leaves out are cancelled. A file
    // with no classes (regions or courses only) leaves the timetable alone.
    if !v.classes.is_empty() && sink.clean() {
        let keep: Vec<String> = v.classes.iter().map(|c| c.class.key.clone()).collect();
        report.cancelled_classes = store::cancel_classes_except(tx, &keep).await?;
    }

    write_lessons(tx, v, files, &file_courses, &levels, options.now, sink, &mut report).await?;
    write_openings(tx, v, &file_courses, &levels, options, sink, &mut report).await?;
    Ok(report)
}

/// Checks the lessons' courses and regions against the file and storage, and writes the lessons with
/// their media files while the file is still clean. A file that lists lessons is the whole set: lessons
/// it leaves out are retired.
#[allow(clippy::too_many_arguments)]
async fn write_lessons(
    tx: &mut Tx,
    v: &Validated,
    files: &HashMap<String, MediaFile>,
    file_courses: &HashSet<&str>,
    levels: &HashMap<String, RegionLevel>,
    now: DateTime<Utc>,
    sink: &mut Sink<'_>,
    report: &mut ImportReport,
) -> Result<(), sqlx::Error> {
    use crate::db::lessons;
    for (i, vl) in v.lessons.iter().enumerate() {
        let lesson = &vl.lesson;
        let item = quoted("lesson", &lesson.key);
        if let (Some(course), Some(span)) = (&lesson.course_key, &vl.course_span)
            && !file_courses.contains(course.as_str())
            && store::course_in_tx(tx, course).await?.is_none()
        {
            sink.report(span, item.clone(), "course", format!("no course {course:?} in the file or stored"));
        }
        if let (Some(region), Some(span)) = (&lesson.region_key, &vl.region_span)
            && !levels.contains_key(region)
            && store::region_in_tx(tx, region).await?.is_none()
        {
            sink.report(span, item.clone(), "region", format!("no region {region:?} in the file or stored"));
        }
        if !sink.clean() {
            continue;
        }
        let mut media = Vec::new();
        for card in &lesson.cards {
            let main = store_media(tx, files, card.media.as_ref(), now, &mut report.media).await?;
            let voice = store_media(tx, files, card.voice_version.as_ref(), now, &mut report.media).await?;
            media.push((main, voice));
        }
        let (_, upsert) = lessons::upsert_lesson(tx, lesson, &media, i as i64).await?;
        report.lessons.add(upsert);
    }
    if !v.lessons.is_empty() && sink.clean() {
        let keep: Vec<String> = v.lessons.iter().map(|l| l.lesson.key.clone()).collect();
        report.retired_lessons = lessons::retire_lessons_except(tx, &keep).await?;
    }
    Ok(())
}

/// Checks the openings' regions and courses against the file and storage, then the one rule with the
/// region's pay floor and today (the import's clock in the region's time zone), and writes them while
/// the file is still clean. A file that lists openings is the whole set of catalogue openings: those it
/// leaves out are closed; openings made in the chat are left alone.
#[allow(clippy::too_many_arguments)]
async fn write_openings(
    tx: &mut Tx,
    v: &Validated,
    file_courses: &HashSet<&str>,
    levels: &HashMap<String, RegionLevel>,
    options: ImportOptions,
    sink: &mut Sink<'_>,
    report: &mut ImportReport,
) -> Result<(), sqlx::Error> {
    use crate::db::jobs;
    use crate::domain::job::{OpeningProblem, check_opening};
    // A history import has no "now" to speak of: stored openings get the epoch as their creation time.
    let written_at = options.now.max(DateTime::<Utc>::UNIX_EPOCH);
    for (i, vo) in v.openings.iter().enumerate() {
        let o = &vo.opening;
        let item = quoted("opening", o.key.as_deref().unwrap_or_default());
        let region_known =
            levels.contains_key(&o.region_key) || store::region_in_tx(tx, &o.region_key).await?.is_some();
        if !region_known {
            sink.report(
                &vo.region_span,
                item.clone(),
                "region",
                format!("no region {:?} in the file or stored", o.region_key),
            );
        }
        for course in &o.courses {
            if !file_courses.contains(course.as_str()) && store::course_in_tx(tx, course).await?.is_none() {
                sink.report(
                    &vo.courses_span,
                    item.clone(),
                    "courses",
                    format!("no course {course:?} in the file or stored"),
                );
            }
        }
        if !region_known {
            continue;
        }
        // The floor and the date: the rule's other problems were said when the file was read.
        let chain = file_chain(tx, v, &o.region_key).await?;
        let floor = jobs::pay_floor(tx, &chain).await?;
        let today = if options.allow_past {
            chrono::NaiveDate::MIN
        } else {
            let tz = file_timezone(tx, v, &o.region_key).await?;
            options.now.with_timezone(&tz).date_naive()
        };
        for problem in check_opening(o, floor, today) {
            if matches!(problem, OpeningProblem::BelowFloor { .. } | OpeningProblem::ClosesInPast) {
                let field = problem.field();
                sink.report(&vo.span_of(field), item.clone(), field, problem.message());
            }
        }
        if !sink.clean() {
            continue;
        }
        let (_, written) = jobs::upsert_opening(tx, o, None, i as i64, written_at).await?;
        match written {
            jobs::Written::New => report.openings.created += 1,
            jobs::Written::Updated => report.openings.updated += 1,
            jobs::Written::Unchanged => report.openings.unchanged += 1,
        }
    }
    if !v.openings.is_empty() && sink.clean() {
        let keep: Vec<String> = v.openings.iter().filter_map(|o| o.opening.key.clone()).collect();
        report.closed_openings = jobs::close_catalogue_openings_except(tx, &keep, written_at).await?;
    }
    Ok(())
}

/// A region and every region above it, nearest first, as the file (over what is stored) has them.
async fn file_chain(tx: &mut Tx, v: &Validated, region_key: &str) -> sqlx::Result<Vec<String>> {
    let mut chain = Vec::new();
    let mut key = Some(region_key.to_owned());
    // The tree is at most three levels deep; the bound guards against a cycle in a refused file.
    for _ in 0..8 {
        let Some(k) = key.take() else { break };
        let parent = match v.regions.iter().find(|(r, _)| r.key == k) {
            Some((r, _)) => r.parent_key.clone(),
            None => match store::region_in_tx(tx, &k).await? {
                Some(r) => r.parent_key,
                None => break,
            },
        };
        chain.push(k);
        key = parent;
    }
    Ok(chain)
}

/// Stores a card's media file (read by [`read_media`]); its id.
async fn store_media(
    tx: &mut Tx,
    files: &HashMap<String, MediaFile>,
    media: Option<&crate::domain::lesson::MediaRef>,
    now: DateTime<Utc>,
    tally: &mut Tally,
) -> sqlx::Result<Option<i64>> {
    let Some(media) = media else { return Ok(None) };
    let Some(file) = files.get(&media.path) else { return Ok(None) };
    let (id, upsert) = crate::db::lessons::upsert_media(tx, media, &file.sha256, &file.content, now).await?;
    tally.add(upsert);
    Ok(Some(id))
}

/// The time zone of a region as the file (over what is stored) sets it: its own, else the nearest
/// ancestor's, else the default. Read from the entries, because a refused file writes none of them.
async fn file_timezone(tx: &mut Tx, v: &Validated, region_key: &str) -> sqlx::Result<chrono_tz::Tz> {
    let mut key = Some(region_key.to_owned());
    // The tree is at most three levels deep; the bound guards against a cycle in a refused file.
    for _ in 0..8 {
        let Some(k) = key.take() else { break };
        let (own, parent) = match v.regions.iter().find(|(r, _)| r.key == k) {
            Some((r, _)) => (r.own_timezone.clone(), r.parent_key.clone()),
            None => match store::region_in_tx(tx, &k).await? {
                Some(r) => (r.own_timezone, r.parent_key),
                None => break,
            },
        };
        if let Some(tz) = own.and_then(|t| t.parse().ok()) {
            return Ok(tz);
        }
        key = parent;
    }
    Ok(DEFAULT_TIMEZONE.parse().unwrap_or(chrono_tz::Asia::Shanghai))
}

fn local_instant(tz: chrono_tz::Tz, date: NaiveDate, time: NaiveTime) -> Option<chrono::DateTime<chrono::Utc>> {
    tz.from_local_datetime(&date.and_time(time)).single().map(|t| t.to_utc())
}
