//! A catalogue file (`fieldschool import`, TOML) as written and as checked: read entry by entry and
//! field by field ([`lenient`]), then validated against itself (keys, references, dates, translations,
//! venues) into what the import writes. No storage here: the import (`services::catalog_import`)
//! reads what the file needs from the database and writes what this module validated.

use std::collections::HashSet;
use std::ops::Range;

use chrono::{NaiveDate, NaiveTime};
use serde::Deserialize;
use serde_spanned::Spanned;

mod class;
mod course;
pub(crate) mod lenient;
pub(crate) mod lesson;
pub(crate) mod opening;
mod region;
mod trainer;

use crate::domain::calendar::{BusyRange, DailyRange};
use crate::domain::catalog::{
    Class, Course, Question, RegionEntry, SessionStatus, TrText, Trainer, Translations, is_valid_key,
};
use crate::domain::learning::{GeoPoint, Venue};

/// One problem in a catalogue file: `demo.toml:42: course "mushroom": field `trainer`: no trainer "wang"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: Option<usize>,
    /// The item at fault, e.g. `course "mushroom"`; empty for file-level problems.
    pub item: String,
    pub field: Option<String>,
    pub message: String,
}

pub(crate) fn render_problems(file: &str, problems: &[Problem]) -> String {
    let mut lines = Vec::new();
    for p in problems {
        let mut s = match p.line {
            Some(line) => format!("{file}:{line}: "),
            None => format!("{file}: "),
        };
        if !p.item.is_empty() {
            s.push_str(&p.item);
            s.push_str(": ");
        }
        if let Some(field) = &p.field {
            s.push_str(&format!("field `{field}`: "));
        }
        s.push_str(&p.message);
        lines.push(s);
    }
    lines.push(format!("{} problem(s); nothing was imported", problems.len()));
    lines.join("\n")
}

// ---------------------------------------------------------------------------------------------------
// The file as written
// ---------------------------------------------------------------------------------------------------

pub(crate) type S<T> = Spanned<T>;

/// The file's entries, each read on its own (see [`read_file`]).
#[derive(Debug, Default)]
pub(crate) struct CatalogFile {
    pub(crate) region: Vec<RegionToml>,
    pub(crate) trainer: Vec<TrainerToml>,
    pub(crate) course: Vec<CourseToml>,
    pub(crate) class: Vec<ClassToml>,
    pub(crate) lesson: Vec<LessonToml>,
    pub(crate) opening: Vec<OpeningToml>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RegionToml {
    pub(crate) key: S<String>,
    pub(crate) name: S<String>,
    /// The older spelling of `tr.en.name`.
    pub(crate) name_en: Option<String>,
    pub(crate) parent: Option<S<String>>,
    pub(crate) timezone: Option<S<String>>,
    pub(crate) zone: Option<S<String>>,
    #[serde(default)]
    pub(crate) busy: Vec<BusyRange>,
    pub(crate) busy_mode: Option<S<String>>,
    pub(crate) quiet_hours: Option<DailyRange>,
    pub(crate) busy_windows: Option<Vec<DailyRange>>,
    pub(crate) remind_evening_at: Option<S<String>>,
    pub(crate) remind_hours_before: Option<S<i64>>,
    pub(crate) contact: Option<S<String>>,
    #[serde(default)]
    pub(crate) tr: Translations,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TrainerToml {
    pub(crate) key: S<String>,
    pub(crate) name: S<String>,
    pub(crate) title: S<String>,
    pub(crate) kind: S<String>,
    pub(crate) bio: Option<String>,
    #[serde(default)]
    pub(crate) tr: Translations,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CourseToml {
    pub(crate) key: S<String>,
    pub(crate) title: S<String>,
    /// The older spelling of `tr.en.title`.
    pub(crate) title_en: Option<String>,
    pub(crate) audience: S<String>,
    pub(crate) category: S<String>,
    pub(crate) summary: S<String>,
    pub(crate) mode: S<String>,
    pub(crate) trainer: S<String>,
    #[serde(default)]
    pub(crate) cost_yuan: Option<S<i64>>,
    pub(crate) funded_by: Option<String>,
    #[serde(default)]
    pub(crate) needs_approval: bool,
    pub(crate) credits: Option<S<f64>>,
    pub(crate) what_to_bring: Option<String>,
    pub(crate) photo: Option<S<String>>,
    pub(crate) min_attendance_pct: Option<S<i64>>,
    #[serde(default)]
    pub(crate) practical_check: bool,
    pub(crate) pass_mark_pct: Option<S<i64>>,
    #[serde(default)]
    pub(crate) question: Vec<QuestionToml>,
    #[serde(default)]
    pub(crate) tr: Translations,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct QuestionToml {
    pub(crate) key: S<String>,
    pub(crate) text: S<String>,
    pub(crate) options: S<Vec<String>>,
    pub(crate) answer: S<i64>,
    pub(crate) explanation: S<String>,
    #[serde(default)]
    pub(crate) tr: Translations,
}

/// A micro-lesson (see [`lesson`]).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LessonToml {
    pub(crate) key: S<String>,
    pub(crate) title: S<String>,
    pub(crate) topic: S<String>,
    pub(crate) audience: S<String>,
    pub(crate) region: Option<S<String>>,
    pub(crate) credits: Option<S<f64>>,
    pub(crate) course: Option<S<String>>,
    #[serde(default)]
    pub(crate) card: Vec<CardToml>,
    #[serde(default)]
    pub(crate) question: Vec<QuestionToml>,
    #[serde(default)]
    pub(crate) tr: Translations,
    /// Where each card is written (a card has no key to point at).
    #[serde(skip)]
    pub(crate) card_spans: Vec<Range<usize>>,
}

/// One card of a lesson: text and/or one photo, voice or video file (paths next to the catalogue file),
/// and a voice version of its text.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CardToml {
    pub(crate) text: Option<S<String>>,
    pub(crate) photo: Option<S<String>>,
    pub(crate) voice: Option<S<String>>,
    pub(crate) video: Option<S<String>>,
    pub(crate) voice_version: Option<S<String>>,
    #[serde(default)]
    pub(crate) tr: Translations,
}

/// An opening (用工信息; see [`opening`]).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OpeningToml {
    pub(crate) key: S<String>,
    pub(crate) employer: S<String>,
    pub(crate) contact: S<String>,
    pub(crate) region: S<String>,
    pub(crate) place: S<String>,
    pub(crate) work: S<String>,
    pub(crate) pay: S<Vec<i64>>,
    pub(crate) pay_unit: Option<S<String>>,
    pub(crate) starts: Option<S<String>>,
    /// `YYYY-MM-DD` or `long-term`: required, so that nobody forgets it.
    pub(crate) closes: S<String>,
    pub(crate) seats: S<i64>,
    pub(crate) courses: S<Vec<String>>,
    #[serde(default)]
    pub(crate) travel: bool,
    #[serde(default)]
    pub(crate) tr: Translations,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ClassToml {
    pub(crate) key: S<String>,
    pub(crate) course: S<String>,
    pub(crate) region: S<String>,
    pub(crate) place: S<String>,
    pub(crate) capacity: S<i64>,
    pub(crate) status: Option<S<String>>,
    pub(crate) lat: Option<S<f64>>,
    pub(crate) lon: Option<S<f64>>,
    pub(crate) radius_m: Option<S<i64>>,
    #[serde(default)]
    pub(crate) session: Vec<SessionToml>,
    #[serde(default)]
    pub(crate) tr: Translations,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SessionToml {
    pub(crate) key: S<String>,
    pub(crate) date: S<String>,
    pub(crate) time: S<String>,
    pub(crate) place: Option<String>,
    pub(crate) topic: Option<String>,
    pub(crate) status: Option<S<String>>,
    pub(crate) lat: Option<S<f64>>,
    pub(crate) lon: Option<S<f64>>,
    pub(crate) radius_m: Option<S<i64>>,
    #[serde(default)]
    pub(crate) tr: Translations,
}

// ---------------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------------

/// Turns byte offsets into 1-based line numbers.
pub(crate) struct Lines {
    pub(crate) starts: Vec<usize>,
}

impl Lines {
    pub(crate) fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { starts }
    }

    pub(crate) fn line(&self, span: &Range<usize>) -> usize {
        match self.starts.binary_search(&span.start) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }
}

pub(crate) struct Checker<'a> {
    pub(crate) lines: &'a Lines,
    pub(crate) problems: Vec<Problem>,
}

impl Checker<'_> {
    fn report(&mut self, span: &Range<usize>, item: &str, field: &str, message: impl Into<String>) {
        if lenient::is_made_up(span) {
            return; // a consequence of a field already reported as missing or unreadable
        }
        self.problems.push(Problem {
            line: Some(self.lines.line(span)),
            item: item.to_owned(),
            field: Some(field.to_owned()),
            message: message.into(),
        });
    }

    fn key(&mut self, key: &S<String>, item: &str) {
        if !is_valid_key(key.get_ref()) {
            self.report(
                &key.span(),
                item,
                "key",
                "use 1-48 lower-case letters, digits, '-' or '_' (example: xinan-tieshan)",
            );
        }
    }

    fn text(&mut self, value: &S<String>, item: &str, field: &str, max_chars: usize) {
        let n = value.get_ref().trim().chars().count();
        if n == 0 {
            self.report(&value.span(), item, field, "must not be empty");
        } else if n > max_chars {
            self.report(&value.span(), item, field, format!("is {n} characters long; at most {max_chars}"));
        }
    }

    /// A venue for check-in by location: `lat` and `lon` together (degrees), `radius_m` only with
    /// them (default 300).
    fn venue(
        &mut self,
        lat: &Option<S<f64>>,
        lon: &Option<S<f64>>,
        radius: &Option<S<i64>>,
        item: &str,
    ) -> Option<Venue> {
        let (lat, lon) = match (lat, lon) {
            (Some(lat), Some(lon)) => (lat, lon),
            (None, None) => {
                if let Some(r) = radius {
                    self.report(&r.span(), item, "radius_m", "needs `lat` and `lon` (the venue's coordinates)");
                }
                return None;
            }
            (Some(one), None) => {
                self.report(
                    &one.span(),
                    item,
                    "lon",
                    "write `lat` and `lon` together (example: lat = 34.7466, lon = 112.634)",
                );
                return None;
            }
            (None, Some(one)) => {
                self.report(
                    &one.span(),
                    item,
                    "lat",
                    "write `lat` and `lon` together (example: lat = 34.7466, lon = 112.634)",
                );
                return None;
            }
        };
        let mut ok = true;
        if !(-90.0..=90.0).contains(lat.get_ref()) {
            self.report(&lat.span(), item, "lat", "must be a latitude from -90 to 90 (degrees, example: 34.7466)");
            ok = false;
        }
        if !(-180.0..=180.0).contains(lon.get_ref()) {
            self.report(&lon.span(), item, "lon", "must be a longitude from -180 to 180 (degrees, example: 112.634)");
            ok = false;
        }
        let radius_m = match radius {
            None => Venue::DEFAULT_RADIUS_M,
            Some(r) => {
                if !(Venue::MIN_RADIUS_M..=Venue::MAX_RADIUS_M).contains(r.get_ref()) {
                    let message = format!("must be {}-{} metres", Venue::MIN_RADIUS_M, Venue::MAX_RADIUS_M);
                    self.report(&r.span(), item, "radius_m", message);
                    ok = false;
                }
                *r.get_ref()
            }
        };
        let point = GeoPoint::from_degrees(*lat.get_ref(), *lon.get_ref()).filter(|_| ok)?;
        Some(Venue { point, radius_m })
    }

    /// An entry's translations (`tr.<lang>.<field>`): each language a tag such as `en`, each field
    /// one this entry shows (`fields`: name, longest text, whether it is a list), a list as long as
    /// the Chinese one (`list_len`). Returns them trimmed.
    fn translations(
        &mut self,
        tr: &Translations,
        span: &Range<usize>,
        item: &str,
        fields: &[(&str, usize, bool)],
        list_len: usize,
    ) -> Translations {
        for (lang, field, value) in tr.entries() {
            let name = format!("tr.{lang}.{field}");
            let tag_ok =
                !lang.is_empty() && lang.len() <= 16 && lang.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
            if !tag_ok {
                self.report(
                    span,
                    item,
                    &name,
                    "the language is a tag such as en, fr or pt-BR (a folder under locales/)",
                );
                continue;
            }
            if lang == crate::i18n::Lang::DEFAULT.code() {
                self.report(
                    span,
                    item,
                    &name,
                    "the Chinese text is the field itself; translations are for other languages",
                );
                continue;
            }
            let Some((_, max, is_list)) = fields.iter().find(|(f, _, _)| *f == field) else {
                let names: Vec<&str> = fields.iter().map(|(f, _, _)| *f).collect();
                self.report(
                    span,
                    item,
                    &name,
                    format!("is not a text that takes a translation here; one of: {}", names.join(", ")),
                );
                continue;
            };
            match (value, is_list) {
                (TrText::One(text), false) => {
                    let n = text.trim().chars().count();
                    if n == 0 {
                        self.report(span, item, &name, "must not be empty (leave it out to show the Chinese text)");
                    } else if n > *max {
                        self.report(span, item, &name, format!("is {n} characters long; at most {max}"));
                    }
                }
                (TrText::Many(list), true) => {
                    if list.len() != list_len {
                        self.report(
                            span,
                            item,
                            &name,
                            format!("gives {} options; the Chinese list has {list_len}, in the same order", list.len()),
                        );
                    } else if list.iter().any(|o| o.trim().is_empty() || o.chars().count() > *max) {
                        self.report(span, item, &name, format!("each option must be 1-{max} characters"));
                    }
                }
                (_, true) => self.report(span, item, &name, "write a list, one text per option, in the same order"),
                (_, false) => self.report(span, item, &name, "write one text"),
            }
        }
        tr.clone().trimmed()
    }

    fn unique<'k>(&mut self, seen: &mut HashSet<&'k str>, key: &'k S<String>, item: &str) {
        if !seen.insert(key.get_ref().as_str()) {
            self.report(&key.span(), item, "key", "appears twice in the file");
        }
    }

    fn percent(&mut self, value: &Option<S<i64>>, default: i64, item: &str, field: &str) -> i64 {
        match value {
            None => default,
            Some(v) if (0..=100).contains(v.get_ref()) => *v.get_ref(),
            Some(v) => {
                self.report(&v.span(), item, field, "must be a percentage 0-100");
                default
            }
        }
    }
}

/// The longest office contact a region may give (`"新安县培训办 0379-6721xxxx"`).
pub const MAX_CONTACT_CHARS: usize = 120;

pub(crate) fn quoted(kind: &str, key: &str) -> String {
    format!("{kind} {key:?}")
}

/// A parsed, validated file ready to write; references to items not in the file are checked
/// against storage inside the import's transaction.
pub(crate) struct Validated {
    pub(crate) regions: Vec<(RegionEntry, Range<usize>)>,
    pub(crate) trainers: Vec<Trainer>,
    pub(crate) courses: Vec<(Course, Range<usize>, Vec<Question>)>,
    /// Class, the span of its `course` and `region` fields, and its sessions as local date and times.
    pub(crate) classes: Vec<ValidatedClass>,
    pub(crate) lessons: Vec<lesson::ValidatedLesson>,
    pub(crate) openings: Vec<opening::ValidatedOpening>,
}

/// A session as written: key, local date, start, end, place, topic, status, venue, translations.
pub(crate) type SessionRow = (
    String,
    NaiveDate,
    NaiveTime,
    NaiveTime,
    Option<String>,
    Option<String>,
    SessionStatus,
    Option<Venue>,
    Translations,
);

pub(crate) struct ValidatedClass {
    pub(crate) class: Class,
    pub(crate) course_span: Range<usize>,
    pub(crate) region_span: Range<usize>,
    pub(crate) sessions: Vec<SessionRow>,
    pub(crate) session_span: Vec<Range<usize>>,
    /// Whether each session's date and times could be read (a session without them is not checked
    /// against the clock or the time zone: its own problem is reported already).
    pub(crate) timed: Vec<bool>,
}

pub(crate) fn validate(file: &CatalogFile, lines: &Lines) -> (Validated, Vec<Problem>) {
    let mut c = Checker { lines, problems: Vec::new() };
    // Each kind of entry is checked on its own ([`region`], [`trainer`], [`course`], [`class`]); here
    // only what spans entries: a key may appear once per kind.
    let mut out = Validated {
        regions: Vec::new(),
        trainers: Vec::new(),
        courses: Vec::new(),
        classes: Vec::new(),
        lessons: Vec::new(),
        openings: Vec::new(),
    };
    let mut seen = HashSet::new();
    for (i, r) in file.region.iter().enumerate() {
        c.unique(&mut seen, &r.key, &quoted("region", r.key.get_ref()));
        out.regions.push(region::check(&mut c, r, i as i64));
    }
    let mut seen = HashSet::new();
    for t in &file.trainer {
        c.unique(&mut seen, &t.key, &quoted("trainer", t.key.get_ref()));
        out.trainers.push(trainer::check(&mut c, t));
    }
    let mut seen = HashSet::new();
    for co in &file.course {
        c.unique(&mut seen, &co.key, &quoted("course", co.key.get_ref()));
        out.courses.push(course::check(&mut c, co));
    }
    let mut seen = HashSet::new();
    for cl in &file.class {
        c.unique(&mut seen, &cl.key, &quoted("class", cl.key.get_ref()));
        out.classes.push(class::check(&mut c, cl));
    }
    let mut seen = HashSet::new();
    for l in &file.lesson {
        c.unique(&mut seen, &l.key, &quoted("lesson", l.key.get_ref()));
        out.lessons.push(lesson::check(&mut c, l));
    }
    let mut seen = HashSet::new();
    for o in &file.opening {
        c.unique(&mut seen, &o.key, &quoted("opening", o.key.get_ref()));
        out.openings.push(opening::check(&mut c, o));
    }
    (out, c.problems)
}

/// `YYYY-MM-DD`; a well-formed date that does not exist (`2026-12-32`) is said to be so.
pub(crate) fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let b = s.as_bytes();
    let shaped = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() });
    if !shaped {
        return Err("write the date as YYYY-MM-DD (example: 2026-12-08)".to_owned());
    }
    let number = |r: Range<usize>| s[r].parse::<u32>().unwrap_or(0);
    NaiveDate::from_ymd_opt(number(0..4) as i32, number(5..7), number(8..10))
        .ok_or_else(|| format!("there is no such date as {s}"))
}

/// `HH:MM-HH:MM` on one day; a well-formed time that does not exist (`25:00`) is said to be so.
pub(crate) fn parse_times(s: &str) -> Result<(NaiveTime, NaiveTime), String> {
    let format = || "write start and end on the same day as HH:MM-HH:MM (example: 09:00-11:30)".to_owned();
    let time = |t: &str| -> Result<NaiveTime, String> {
        let b = t.as_bytes();
        let shaped =
            b.len() == 5 && b.iter().enumerate().all(|(i, c)| if i == 2 { *c == b':' } else { c.is_ascii_digit() });
        if !shaped {
            return Err(format());
        }
        let number = |r: Range<usize>| t[r].parse::<u32>().unwrap_or(0);
        NaiveTime::from_hms_opt(number(0..2), number(3..5), 0).ok_or_else(|| format!("there is no such time as {t}"))
    };
    let (a, b) = s.split_once(['-', '\u{2013}']).ok_or_else(format)?;
    let (start, end) = (time(a.trim())?, time(b.trim())?);
    if end <= start {
        return Err(format!("the end must come after the start, on the same day ({s})"));
    }
    Ok((start, end))
}

// ---------------------------------------------------------------------------------------------------
// Reading the file
// ---------------------------------------------------------------------------------------------------

/// Reads and checks a whole file against itself: what it holds, and every problem found, in file
/// order; `Err` with the one problem when the file cannot be read at all (a syntax error). What needs
/// the database (references to what is stored already, dates against the clock) is checked by the
/// import as it writes.
pub(crate) fn check(text: &str) -> Result<(Validated, Vec<Problem>), Problem> {
    let lines = Lines::new(text);
    let (parsed, mut problems) = read_file(text, &lines)?;
    let (validated, more) = validate(&parsed, &lines);
    problems.extend(more);
    problems.sort_by_key(|p| p.line.unwrap_or(0));
    Ok((validated, problems))
}

/// Reads every entry of the file on its own. A TOML syntax error stops everything (the parser cannot
/// go on); after that, each unknown, missing or unreadable field is a problem of its own and the rest
/// of its entry is still read, so that the later checks see every entry.
pub(crate) fn read_file(text: &str, lines: &Lines) -> Result<(CatalogFile, Vec<Problem>), Problem> {
    let doc = toml_edit::ImDocument::parse(text).map_err(|e| Problem {
        line: e.span().map(|s| lines.line(&s)),
        item: String::new(),
        field: None,
        message: e.message().trim().replace('\n', "; "),
    })?;
    let mut found = Vec::new();
    let mut file = CatalogFile::default();
    let shapes = (
        lenient::Shape::of::<RegionToml>(),
        lenient::Shape::of::<TrainerToml>(),
        lenient::Shape::of::<CourseToml>(),
        lenient::Shape::of::<QuestionToml>(),
        lenient::Shape::of::<ClassToml>(),
        lenient::Shape::of::<SessionToml>(),
        lenient::Shape::of::<LessonToml>(),
        lenient::Shape::of::<CardToml>(),
        lenient::Shape::of::<OpeningToml>(),
    );
    // An entry without a readable key is named by its place in the file: `class "#3"`.
    let label = |kind: &str, raw: &lenient::Raw, n: usize| {
        let key = raw.text("key").unwrap_or_else(|| format!("#{}", n + 1));
        (quoted(kind, &key), format!("#{}", n + 1))
    };
    let table = doc.as_table();
    for (section, item) in table.iter() {
        let span = table.get_key_value(section).and_then(|(k, _)| k.span()).unwrap_or(0..0);
        let header = format!("[[{section}]]");
        let raws = match section {
            "region" | "trainer" | "course" | "class" | "lesson" | "opening" => {
                lenient::entries(item, &span, "", &header, &mut found)
            }
            _ => {
                found.push(lenient::Found {
                    span,
                    item: String::new(),
                    field: None,
                    message: format!(
                        "{header} is not part of a catalogue; its entries are [[region]], [[trainer]], [[course]], \
                         [[class]], [[lesson]] and [[opening]]"
                    ),
                });
                continue;
            }
        };
        for (n, raw) in raws.iter().enumerate() {
            let (name, stand_in) = label(section, raw, n);
            match section {
                "region" => file.region.extend(lenient::read(raw, &shapes.0, &name, &[], &stand_in, &mut found)),
                "trainer" => file.trainer.extend(lenient::read(raw, &shapes.1, &name, &[], &stand_in, &mut found)),
                "opening" => file.opening.extend(lenient::read(raw, &shapes.8, &name, &[], &stand_in, &mut found)),
                "course" => {
                    let Some(mut course) =
                        lenient::read::<CourseToml>(raw, &shapes.2, &name, &["question"], &stand_in, &mut found)
                    else {
                        continue;
                    };
                    for (m, q) in raw.nested("question", &name, "[[course.question]]", &mut found).iter().enumerate() {
                        let (q_name, q_stand_in) = label("question", q, m);
                        let q_name = format!("{name}, {q_name}");
                        course.question.extend(lenient::read(q, &shapes.3, &q_name, &[], &q_stand_in, &mut found));
                    }
                    file.course.push(course);
                }
                "lesson" => {
                    let Some(mut lesson) = lenient::read::<LessonToml>(
                        raw,
                        &shapes.6,
                        &name,
                        &["card", "question"],
                        &stand_in,
                        &mut found,
                    ) else {
                        continue;
                    };
                    for (m, card) in raw.nested("card", &name, "[[lesson.card]]", &mut found).iter().enumerate() {
                        let c_name = format!("{name}, {}", quoted("card", &format!("#{}", m + 1)));
                        let c_stand_in = format!("#{}", m + 1);
                        if let Some(read) = lenient::read(card, &shapes.7, &c_name, &[], &c_stand_in, &mut found) {
                            lesson.card.push(read);
                            lesson.card_spans.push(card.at());
                        }
                    }
                    for (m, q) in raw.nested("question", &name, "[[lesson.question]]", &mut found).iter().enumerate() {
                        let (q_name, q_stand_in) = label("question", q, m);
                        let q_name = format!("{name}, {q_name}");
                        lesson.question.extend(lenient::read(q, &shapes.3, &q_name, &[], &q_stand_in, &mut found));
                    }
                    file.lesson.push(lesson);
                }
                _ => {
                    let Some(mut class) =
                        lenient::read::<ClassToml>(raw, &shapes.4, &name, &["session"], &stand_in, &mut found)
                    else {
                        continue;
                    };
                    for (m, s) in raw.nested("session", &name, "[[class.session]]", &mut found).iter().enumerate() {
                        let (s_name, s_stand_in) = label("session", s, m);
                        let s_name = format!("{name}, {s_name}");
                        class.session.extend(lenient::read(s, &shapes.5, &s_name, &[], &s_stand_in, &mut found));
                    }
                    file.class.push(class);
                }
            }
        }
    }
    let problems = found
        .into_iter()
        .filter(|f| !lenient::is_made_up(&f.span))
        .map(|f| Problem { line: Some(lines.line(&f.span)), item: f.item, field: f.field, message: f.message })
        .collect();
    Ok((file, problems))
}

/// What checking `text` said, as `item: field` per problem (for the checks' unit tests).
#[cfg(test)]
pub(crate) fn said(text: &str) -> Vec<String> {
    let (_, problems) = check(text).unwrap_or_else(|p| panic!("the file reads: {p:?}\n{text}"));
    problems.iter().map(|p| format!("{}: {}", p.item, p.field.clone().unwrap_or_default())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_counted_from_one() {
        let lines = Lines::new("a\nbb\nccc");
        assert_eq!(lines.line(&(0..1)), 1);
        assert_eq!(lines.line(&(2..3)), 2);
        assert_eq!(lines.line(&(3..4)), 2);
        assert_eq!(lines.line(&(5..6)), 3);
    }

    #[test]
    fn the_demo_catalogue_checks_clean_and_a_broken_entry_names_each_field() {
        let demo = include_str!("../../examples/demo-catalog.toml");
        let (validated, problems) = check(demo).expect("the demo catalogue reads");
        assert_eq!(problems, vec![], "the demo catalogue is clean");
        assert!(!validated.regions.is_empty() && !validated.courses.is_empty() && !validated.classes.is_empty());

        let broken =
            "[[region]]\nkey = \"a\"\nnmae = \"typo\"\n\n[[trainer]]\nkey = \"wang\"\nname = \"王\"\nkind = \"guru\"\n";
        let (_, problems) = check(broken).expect("the broken file still reads");
        let said: Vec<String> = problems
            .iter()
            .map(|p| format!("{}: {}: {}", p.line.unwrap_or(0), p.item, p.field.clone().unwrap_or_default()))
            .collect();
        assert!(said.contains(&"2: region \"a\": name".to_owned()), "{said:?}");
        assert!(said.contains(&"3: region \"a\": nmae".to_owned()), "{said:?}");
        assert!(said.contains(&"8: trainer \"wang\": kind".to_owned()), "{said:?}");
        assert!(problems.windows(2).all(|w| w[0].line <= w[1].line), "in file order");

        let syntax = check("[[course]\n").err().expect("a syntax error stops the reading");
        assert_eq!(syntax.line, Some(1));
    }

    #[test]
    fn problems_render_file_line_item_and_field() {
        let p = Problem {
            line: Some(12),
            item: "course \"mushroom\"".into(),
            field: Some("trainer".into()),
            message: "no trainer \"wang\"".into(),
        };
        let text = render_problems("demo.toml", &[p]);
        assert!(text.starts_with("demo.toml:12: course \"mushroom\": field `trainer`: no trainer \"wang\""), "{text}");
        assert!(text.ends_with("nothing was imported"));
    }
}
