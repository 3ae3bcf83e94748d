//! A catalogue file (`fieldschool import`, TOML) as written and as checked: read entry by entry and
//! field by field ([`lenient`]), then validated against itself (keys, references, dates, translations,
//! venues) into what the import writes. No storage here: the import (`services::catalog_import`)
//! reads what the file needs from the database and writes what this module validated.

use std::collections::HashSet;
use std::ops::Range;

use chrono::{NaiveDate, NaiveTime};
use serde::Deserialize;
use serde_spanned::Spanned;

pub(crate) mod lenient;

use crate::domain::calendar::{self, BusyRange, DailyRange};
use crate::domain::catalog::{
    BusyMode, Category, Class, ClassStatus, Course, Credits, Mode, Question, RegionEntry, RegionSchedule,
    SessionStatus, TrText, Trainer, TrainerKind, Translations, is_valid_key,
};
use crate::domain::learning::{GeoPoint, Venue};
use crate::domain::person::Audience;
use crate::domain::region::RegionLevel;

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
    let mut out = Validated { regions: Vec::new(), trainers: Vec::new(), courses: Vec::new(), classes: Vec::new() };

    let mut seen = HashSet::new();
    for (i, r) in file.region.iter().enumerate() {
        let item = quoted("region", r.key.get_ref());
        c.key(&r.key, &item);
        c.unique(&mut seen, &r.key, &item);
        c.text(&r.name, &item, "name", 40);
        if let Some(tz) = &r.timezone
            && tz.get_ref().parse::<chrono_tz::Tz>().is_err()
        {
            c.report(&tz.span(), &item, "timezone", "is not an IANA time zone (example: Asia/Shanghai)");
        }
        if let Some(zone) = &r.zone
            && !calendar::is_known_zone(zone.get_ref())
        {
            c.report(
                &zone.span(),
                &item,
                "zone",
                format!("is not an agricultural zone; one of: {}", calendar::ZONE_KEYS.join(", ")),
            );
        }
        let busy_mode = match &r.busy_mode {
            None => BusyMode::Add,
            Some(m) => BusyMode::parse(m.get_ref()).unwrap_or_else(|| {
                c.report(&m.span(), &item, "busy_mode", "must be \"add\" or \"replace\"");
                BusyMode::Add
            }),
        };
        if r.busy_windows.as_ref().is_some_and(|w| w.is_empty()) {
            c.report(&r.key.span(), &item, "busy_windows", "must list at least one window, or be left out");
        }
        if let Some(e) = &r.remind_evening_at
            && !crate::domain::reminder::is_valid_evening(e.get_ref())
        {
            c.report(&e.span(), &item, "remind_evening_at", "write HH:MM or \"off\" (example: 19:30)");
        }
        if let Some(h) = &r.remind_hours_before
            && !(0..=48).contains(h.get_ref())
        {
            c.report(&h.span(), &item, "remind_hours_before", "must be 0-48 hours (0 = no such reminder)");
        }
        let level = match &r.parent {
            None => RegionLevel::County,
            // The real level comes from the parent, resolved with storage in `write`.
            Some(_) => RegionLevel::Township,
        };
        if r.parent.is_none() && r.zone.is_none() {
            c.report(&r.key.span(), &item, "zone", "a county must name its agricultural zone");
        }
        if let Some(contact) = &r.contact {
            c.text(contact, &item, "contact", MAX_CONTACT_CHARS);
        }
        let mut tr = c.translations(
            &r.tr,
            &r.key.span(),
            &item,
            &[("name", 80, false), ("contact", 2 * MAX_CONTACT_CHARS, false)],
            0,
        );
        tr.add_if_missing("en", "name", r.name_en.as_deref());
        out.regions.push((
            RegionEntry {
                key: r.key.get_ref().clone(),
                parent_key: r.parent.as_ref().map(|p| p.get_ref().clone()),
                level,
                name: r.name.get_ref().trim().to_owned(),
                tr,
                own_timezone: r.timezone.as_ref().map(|t| t.get_ref().clone()),
                own_zone: r.zone.as_ref().map(|z| z.get_ref().clone()),
                schedule: RegionSchedule {
                    busy: r.busy.clone(),
                    busy_mode,
                    quiet_hours: r.quiet_hours,
                    busy_windows: r.busy_windows.clone(),
                },
                remind_evening_at: r.remind_evening_at.as_ref().map(|e| e.get_ref().clone()),
                remind_hours_before: r.remind_hours_before.as_ref().map(|h| *h.get_ref()),
                contact: r.contact.as_ref().map(|c| c.get_ref().trim().to_owned()),
                sort_order: i as i64,
            },
            r.parent.as_ref().map(|p| p.span()).unwrap_or_else(|| r.key.span()),
        ));
    }

    let mut seen = HashSet::new();
    for t in &file.trainer {
        let item = quoted("trainer", t.key.get_ref());
        c.key(&t.key, &item);
        c.unique(&mut seen, &t.key, &item);
        c.text(&t.name, &item, "name", 40);
        c.text(&t.title, &item, "title", 80);
        let kind = TrainerKind::parse(t.kind.get_ref()).unwrap_or_else(|| {
            c.report(&t.kind.span(), &item, "kind", "must be expert, industry or local");
            TrainerKind::Expert
        });
        let tr = c.translations(
            &t.tr,
            &t.key.span(),
            &item,
            &[("name", 80, false), ("title", 160, false), ("bio", 1500, false)],
            0,
        );
        out.trainers.push(Trainer {
            key: t.key.get_ref().clone(),
            name: t.name.get_ref().trim().to_owned(),
            title: t.title.get_ref().trim().to_owned(),
            kind,
            bio: t.bio.clone(),
            tr,
        });
    }

    let mut seen = HashSet::new();
    for co in &file.course {
        let item = quoted("course", co.key.get_ref());
        c.key(&co.key, &item);
        c.unique(&mut seen, &co.key, &item);
        c.text(&co.title, &item, "title", 60);
        c.text(&co.summary, &item, "summary", 600);
        let audience = Audience::parse(co.audience.get_ref()).unwrap_or_else(|| {
            c.report(&co.audience.span(), &item, "audience", "must be villager or cadre");
            Audience::Villager
        });
        let category = match Category::parse(co.category.get_ref()) {
            Some(cat) if cat.audience() == audience => cat,
            found => {
                let allowed: Vec<&str> = Category::for_audience(audience).iter().map(|c| c.as_str()).collect();
                let why = if found.is_some() { "belongs to the other audience" } else { "is not a category" };
                c.report(
                    &co.category.span(),
                    &item,
                    "category",
                    format!("{why}; for {} courses one of: {}", audience.as_str(), allowed.join(", ")),
                );
                Category::for_audience(audience)[0]
            }
        };
        let mode = Mode::parse(co.mode.get_ref()).unwrap_or_else(|| {
            c.report(&co.mode.span(), &item, "mode", "must be classroom, field, village or online");
            Mode::Classroom
        });
        let cost_yuan = match &co.cost_yuan {
            None => 0,
            Some(v) if (0..=100_000).contains(v.get_ref()) => *v.get_ref(),
            Some(v) => {
                c.report(&v.span(), &item, "cost_yuan", "must be a whole number of yuan, 0-100000 (0 = free)");
                0
            }
        };
        let credits = match &co.credits {
            None => Credits::ZERO,
            Some(v) => match Credits::from_number(*v.get_ref()) {
                Ok(credits) if credits > Credits::ZERO && audience != Audience::Cadre => {
                    c.report(&v.span(), &item, "credits", "only cadre courses carry credits");
                    credits
                }
                Ok(credits) => credits,
                Err(e) => {
                    c.report(&v.span(), &item, "credits", e.to_string());
                    Credits::ZERO
                }
            },
        };
        if let Some(photo) = &co.photo
            && !photo.get_ref().starts_with("https://")
        {
            c.report(&photo.span(), &item, "photo", "must be an https:// address");
        }
        let min_attendance_pct =
            c.percent(&co.min_attendance_pct, Course::DEFAULT_MIN_ATTENDANCE_PCT, &item, "min_attendance_pct");
        let pass_mark_pct = c.percent(&co.pass_mark_pct, Course::DEFAULT_PASS_MARK_PCT, &item, "pass_mark_pct");

        let mut questions = Vec::new();
        let mut seen_q = HashSet::new();
        for q in &co.question {
            let q_item = format!("{item}, question {:?}", q.key.get_ref());
            c.key(&q.key, &q_item);
            c.unique(&mut seen_q, &q.key, &q_item);
            c.text(&q.text, &q_item, "text", Question::MAX_TEXT_CHARS);
            c.text(&q.explanation, &q_item, "explanation", Question::MAX_EXPLANATION_CHARS);
            let options = q.options.get_ref();
            if !(Question::MIN_OPTIONS..=Question::MAX_OPTIONS).contains(&options.len()) {
                c.report(&q.options.span(), &q_item, "options", "give 2-6 options");
            }
            if options.iter().any(|o| o.trim().is_empty() || o.chars().count() > Question::MAX_OPTION_CHARS) {
                c.report(&q.options.span(), &q_item, "options", "each option must be 1-100 characters");
            }
            let answer = *q.answer.get_ref();
            if answer < 1 || answer as usize > options.len() {
                c.report(
                    &q.answer.span(),
                    &q_item,
                    "answer",
                    format!("is the number of the right option, 1-{}", options.len()),
                );
            }
            let tr = c.translations(
                &q.tr,
                &q.key.span(),
                &q_item,
                &[
                    ("text", Question::MAX_TEXT_CHARS, false),
                    ("options", Question::MAX_OPTION_CHARS, true),
                    ("explanation", Question::MAX_EXPLANATION_CHARS, false),
                ],
                options.len(),
            );
            questions.push(Question {
                id: 0,
                course_key: co.key.get_ref().clone(),
                key: q.key.get_ref().clone(),
                text: q.text.get_ref().trim().to_owned(),
                options: options.iter().map(|o| o.trim().to_owned()).collect(),
                answer: (answer.max(1) - 1) as usize,
                explanation: q.explanation.get_ref().trim().to_owned(),
                tr,
            });
        }
        let mut tr = c.translations(
            &co.tr,
            &co.key.span(),
            &item,
            &[
                ("title", 120, false),
                ("summary", 1500, false),
                ("what_to_bring", 400, false),
                ("funded_by", 120, false),
            ],
            0,
        );
        tr.add_if_missing("en", "title", co.title_en.as_deref());
        out.courses.push((
            Course {
                key: co.key.get_ref().clone(),
                title: co.title.get_ref().trim().to_owned(),
                audience,
                category,
                summary: co.summary.get_ref().trim().to_owned(),
                mode,
                trainer_key: co.trainer.get_ref().clone(),
                cost_yuan,
                funded_by: co.funded_by.clone(),
                needs_approval: co.needs_approval,
                credits,
                what_to_bring: co.what_to_bring.clone(),
                photo: co.photo.as_ref().map(|p| p.get_ref().clone()),
                min_attendance_pct,
                practical_check: co.practical_check,
                pass_mark_pct,
                tr,
            },
            co.trainer.span(),
            questions,
        ));
    }

    let mut seen = HashSet::new();
    for cl in &file.class {
        let item = quoted("class", cl.key.get_ref());
        c.key(&cl.key, &item);
        c.unique(&mut seen, &cl.key, &item);
        c.text(&cl.place, &item, "place", 80);
        let capacity = *cl.capacity.get_ref();
        if !(1..=10_000).contains(&capacity) {
            c.report(&cl.capacity.span(), &item, "capacity", "must be 1-10000 seats");
        }
        let status = match &cl.status {
            None => ClassStatus::Open,
            Some(s) => ClassStatus::parse(s.get_ref()).unwrap_or_else(|| {
                c.report(&s.span(), &item, "status", "must be open, closed or cancelled");
                ClassStatus::Open
            }),
        };
        let class_venue = c.venue(&cl.lat, &cl.lon, &cl.radius_m, &item);
        let mut sessions = Vec::new();
        let mut session_span = Vec::new();
        let mut timed = Vec::new();
        let mut seen_s = HashSet::new();
        for s in &cl.session {
            let s_item = format!("{item}, session {:?}", s.key.get_ref());
            c.key(&s.key, &s_item);
            c.unique(&mut seen_s, &s.key, &s_item);
            let date = parse_date(s.date.get_ref()).unwrap_or_else(|why| {
                c.report(&s.date.span(), &s_item, "date", why);
                NaiveDate::MIN
            });
            let (start, end) = parse_times(s.time.get_ref()).unwrap_or_else(|why| {
                c.report(&s.time.span(), &s_item, "time", why);
                (NaiveTime::MIN, NaiveTime::MIN)
            });
            timed.push(date != NaiveDate::MIN && start != end);
            let status = match &s.status {
                None => SessionStatus::Scheduled,
                Some(st) => SessionStatus::parse(st.get_ref()).unwrap_or_else(|| {
                    c.report(&st.span(), &s_item, "status", "must be scheduled or cancelled");
                    SessionStatus::Scheduled
                }),
            };
            let venue = c.venue(&s.lat, &s.lon, &s.radius_m, &s_item);
            let tr = c.translations(&s.tr, &s.key.span(), &s_item, &[("place", 160, false), ("topic", 160, false)], 0);
            sessions.push((
                s.key.get_ref().clone(),
                date,
                start,
                end,
                s.place.clone(),
                s.topic.clone(),
                status,
                venue,
                tr,
            ));
            session_span.push(s.date.span());
        }
        out.classes.push(ValidatedClass {
            class: Class {
                key: cl.key.get_ref().clone(),
                course_key: cl.course.get_ref().clone(),
                region_key: cl.region.get_ref().clone(),
                place: cl.place.get_ref().trim().to_owned(),
                capacity,
                status,
                venue: class_venue,
                tr: c.translations(&cl.tr, &cl.key.span(), &item, &[("place", 160, false)], 0),
            },
            course_span: cl.course.span(),
            region_span: cl.region.span(),
            sessions,
            session_span,
            timed,
        });
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
            "region" | "trainer" | "course" | "class" => lenient::entries(item, &span, "", &header, &mut found),
            _ => {
                found.push(lenient::Found {
                    span,
                    item: String::new(),
                    field: None,
                    message: format!(
                        "{header} is not part of a catalogue; its entries are [[region]], [[trainer]], [[course]] \
                         and [[class]]"
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
