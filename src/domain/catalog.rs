//! The course catalogue: trainers, courses with their question banks, classes (班次) and their
//! sessions, plus the per-region scheduling settings a catalogue file may set.
//!
//! These are the validated shapes; the file format that produces them lives in
//! `services::catalog_import` and is described in `docs/catalog-format.md`.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::calendar::{BusyRange, DailyRange, RegionCalendar};
use crate::domain::person::Audience;
pub use crate::domain::translations::{TrText, Translations};
use crate::i18n::Lang;

/// Which pool a trainer comes from (师资库): 高校专家, 行业能手, 土专家田秀才.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TrainerKind {
    Expert,
    Industry,
    Local,
}

impl TrainerKind {
    pub const ALL: [TrainerKind; 3] = [TrainerKind::Expert, TrainerKind::Industry, TrainerKind::Local];

    pub fn as_str(self) -> &'static str {
        match self {
            TrainerKind::Expert => "expert",
            TrainerKind::Industry => "industry",
            TrainerKind::Local => "local",
        }
    }

    pub fn parse(s: &str) -> Option<TrainerKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self, lang: Lang) -> String {
        match self {
            TrainerKind::Expert => crate::tr!(lang, "trainer-kind-expert"),
            TrainerKind::Industry => crate::tr!(lang, "trainer-kind-industry"),
            TrainerKind::Local => crate::tr!(lang, "trainer-kind-local"),
        }
    }
}

/// How a course is taught: 集中授课, 现场教学, 送教下乡, 线上.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Classroom,
    Field,
    Village,
    Online,
}

impl Mode {
    pub const ALL: [Mode; 4] = [Mode::Classroom, Mode::Field, Mode::Village, Mode::Online];

    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Classroom => "classroom",
            Mode::Field => "field",
            Mode::Village => "village",
            Mode::Online => "online",
        }
    }

    pub fn parse(s: &str) -> Option<Mode> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }

    pub fn label(self, lang: Lang) -> String {
        match self {
            Mode::Classroom => crate::tr!(lang, "mode-classroom"),
            Mode::Field => crate::tr!(lang, "mode-field"),
            Mode::Village => crate::tr!(lang, "mode-village"),
            Mode::Online => crate::tr!(lang, "mode-online"),
        }
    }
}

/// A fixed set of course categories; each belongs to exactly one audience's catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    // Villagers.
    CropsLivestock,
    RuralTourism,
    HousekeepingEldercare,
    EcommerceLivestream,
    Trades,
    Cooking,
    Policy,
    // Cadres.
    PolicyInterpretation,
    IndustryPlanning,
    ProjectManagement,
    PublicWork,
    CaseStudies,
}

impl Category {
    pub const ALL: [Category; 12] = [
        Category::CropsLivestock,
        Category::RuralTourism,
        Category::HousekeepingEldercare,
        Category::EcommerceLivestream,
        Category::Trades,
        Category::Cooking,
        Category::Policy,
        Category::PolicyInterpretation,
        Category::IndustryPlanning,
        Category::ProjectManagement,
        Category::PublicWork,
        Category::CaseStudies,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::CropsLivestock => "crops-livestock",
            Category::RuralTourism => "rural-tourism",
            Category::HousekeepingEldercare => "housekeeping-eldercare",
            Category::EcommerceLivestream => "ecommerce-livestream",
            Category::Trades => "trades",
            Category::Cooking => "cooking",
            Category::Policy => "policy",
            Category::PolicyInterpretation => "policy-interpretation",
            Category::IndustryPlanning => "industry-planning",
            Category::ProjectManagement => "project-management",
            Category::PublicWork => "public-work",
            Category::CaseStudies => "case-studies",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The catalogue this category belongs to.
    pub fn audience(self) -> Audience {
        match self {
            Category::CropsLivestock
            | Category::RuralTourism
            | Category::HousekeepingEldercare
            | Category::EcommerceLivestream
            | Category::Trades
            | Category::Cooking
            | Category::Policy => Audience::Villager,
            Category::PolicyInterpretation
            | Category::IndustryPlanning
            | Category::ProjectManagement
            | Category::PublicWork
            | Category::CaseStudies => Audience::Cadre,
        }
    }

    /// The categories of one audience, in display order.
    pub fn for_audience(audience: Audience) -> Vec<Category> {
        Self::ALL.into_iter().filter(|c| c.audience() == audience).collect()
    }

    pub fn label(self, lang: Lang) -> String {
        match self {
            Category::CropsLivestock => crate::tr!(lang, "category-crops-livestock"),
            Category::RuralTourism => crate::tr!(lang, "category-rural-tourism"),
            Category::HousekeepingEldercare => crate::tr!(lang, "category-housekeeping-eldercare"),
            Category::EcommerceLivestream => crate::tr!(lang, "category-ecommerce-livestream"),
            Category::Trades => crate::tr!(lang, "category-trades"),
            Category::Cooking => crate::tr!(lang, "category-cooking"),
            Category::Policy => crate::tr!(lang, "category-policy"),
            Category::PolicyInterpretation => crate::tr!(lang, "category-policy-interpretation"),
            Category::IndustryPlanning => crate::tr!(lang, "category-industry-planning"),
            Category::ProjectManagement => crate::tr!(lang, "category-project-management"),
            Category::PublicWork => crate::tr!(lang, "category-public-work"),
            Category::CaseStudies => crate::tr!(lang, "category-case-studies"),
        }
    }
}

/// Cadre training credits (学分), kept in tenths so that sums for the annual assessment are exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
pub struct Credits(i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CreditsError {
    #[error("must not be negative")]
    Negative,
    #[error("must be a multiple of 0.1")]
    TooFine,
    #[error("is too large (at most 100)")]
    TooLarge,
}

impl Credits {
    pub const ZERO: Credits = Credits(0);
    const MAX_TENTHS: i64 = 1000;

    pub fn from_tenths(tenths: i64) -> Credits {
        Credits(tenths)
    }

    pub fn tenths(self) -> i64 {
        self.0
    }

    /// As a number, for a message's plural rule (`1` credit, `1.5` credits).
    pub fn as_number(self) -> f64 {
        self.0 as f64 / 10.0
    }

    /// Accepts what a catalogue author writes: `2`, `1.5`, `0.5`.
    pub fn from_number(value: f64) -> Result<Credits, CreditsError> {
        if value < 0.0 || value.is_nan() {
            return Err(CreditsError::Negative);
        }
        let tenths = (value * 10.0).round();
        if (tenths - value * 10.0).abs() > 1e-6 {
            return Err(CreditsError::TooFine);
        }
        if tenths > Self::MAX_TENTHS as f64 {
            return Err(CreditsError::TooLarge);
        }
        Ok(Credits(tenths as i64))
    }
}

impl std::ops::Add for Credits {
    type Output = Credits;
    fn add(self, other: Credits) -> Credits {
        Credits(self.0 + other.0)
    }
}

impl fmt::Display for Credits {
    /// `2`, `1.5` (never `2.0`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, tenth) = (self.0 / 10, self.0 % 10);
        if tenth == 0 { write!(f, "{whole}") } else { write!(f, "{whole}.{}", tenth.abs()) }
    }
}

/// A trainer in the pool (师资库).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trainer {
    pub key: String,
    pub name: String,
    /// e.g. 农技推广研究员.
    pub title: String,
    pub kind: TrainerKind,
    pub bio: Option<String>,
    /// Translations of `name`, `title` and `bio`.
    pub tr: Translations,
}

impl Trainer {
    pub fn name_in(&self, lang: Lang) -> &str {
        self.tr.text(lang, "name", &self.name)
    }

    pub fn title_in(&self, lang: Lang) -> &str {
        self.tr.text(lang, "title", &self.title)
    }

    pub fn bio_in(&self, lang: Lang) -> Option<&str> {
        self.tr.text_opt(lang, "bio", self.bio.as_deref())
    }
}

/// A course in the course library (课程资源库). Classes are its scheduled runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Course {
    pub key: String,
    pub title: String,
    pub audience: Audience,
    pub category: Category,
    /// What you will learn.
    pub summary: String,
    pub mode: Mode,
    pub trainer_key: String,
    /// What the trainee pays; 0 = government-funded (群众点单、政府买单).
    pub cost_yuan: i64,
    pub funded_by: Option<String>,
    /// Sign-ups wait for a coordinator's approval.
    pub needs_approval: bool,
    /// Always zero for villager courses.
    pub credits: Credits,
    pub what_to_bring: Option<String>,
    /// A URL or a file path.
    pub photo: Option<String>,
    /// Attendance needed to pass, in percent of sessions.
    pub min_attendance_pct: i64,
    /// A practical check (实操考核) is part of passing.
    pub practical_check: bool,
    /// Theory test pass mark, in percent of questions.
    pub pass_mark_pct: i64,
    /// Translations of `title`, `summary`, `what_to_bring` and `funded_by`.
    pub tr: Translations,
}

impl Course {
    pub const DEFAULT_MIN_ATTENDANCE_PCT: i64 = 80;
    pub const DEFAULT_PASS_MARK_PCT: i64 = 60;

    /// The course's title in `lang` (else in Chinese).
    pub fn display_title(&self, lang: Lang) -> &str {
        self.tr.text(lang, "title", &self.title)
    }

    pub fn summary_in(&self, lang: Lang) -> &str {
        self.tr.text(lang, "summary", &self.summary)
    }

    pub fn what_to_bring_in(&self, lang: Lang) -> Option<&str> {
        self.tr.text_opt(lang, "what_to_bring", self.what_to_bring.as_deref())
    }

    pub fn funded_by_in(&self, lang: Lang) -> Option<&str> {
        self.tr.text_opt(lang, "funded_by", self.funded_by.as_deref())
    }

    pub fn is_free(&self) -> bool {
        self.cost_yuan == 0
    }

    /// "免费（政府买单）" or "120 元".
    pub fn cost_label(&self, lang: Lang) -> String {
        if self.is_free() {
            crate::tr!(lang, "course-cost-free")
        } else {
            crate::tr!(lang, "course-cost-yuan", yuan = self.cost_yuan)
        }
    }

    /// "2 学分"; `None` for villager courses and cadre courses without credits.
    pub fn credits_label(&self, lang: Lang) -> Option<String> {
        (self.credits > Credits::ZERO).then(|| {
            crate::tr!(lang, "course-credits", credits = self.credits.to_string(), n = self.credits.as_number())
        })
    }
}

/// One theory-test question (在线题库). Limits follow Telegram quiz polls, so a question can always be
/// sent as one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// Storage id (0 before it is stored); stable across re-imports.
    pub id: i64,
    pub course_key: String,
    pub key: String,
    pub text: String,
    pub options: Vec<String>,
    /// 0-based index into `options`.
    pub answer: usize,
    pub explanation: String,
    /// Translations of `text`, `options` (a list as long as `options`) and `explanation`.
    pub tr: Translations,
}

impl Question {
    pub const MIN_OPTIONS: usize = 2;
    pub const MAX_OPTIONS: usize = 6;
    /// Telegram `sendPoll`: question 1-300 characters, options 1-100, explanation 0-200 with at most 2 line feeds.
    pub const MAX_TEXT_CHARS: usize = 300;
    pub const MAX_OPTION_CHARS: usize = 100;
    pub const MAX_EXPLANATION_CHARS: usize = 200;
    pub const MAX_EXPLANATION_LINE_FEEDS: usize = 2;

    pub fn is_correct(&self, chosen: usize) -> bool {
        chosen == self.answer
    }

    pub fn text_in(&self, lang: Lang) -> &str {
        self.tr.text(lang, "text", &self.text)
    }

    /// The options in `lang`, in the same order (the answer is an index into them).
    pub fn options_in(&self, lang: Lang) -> &[String] {
        self.tr.list(lang, "options", &self.options)
    }

    pub fn explanation_in(&self, lang: Lang) -> &str {
        self.tr.text(lang, "explanation", &self.explanation)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClassStatus {
    /// Taking sign-ups.
    Open,
    /// Runs, but takes no new sign-ups (full list, or the coordinator closed it).
    Closed,
    /// Will not run. Kept (never deleted) because orders may point at it.
    Cancelled,
}

impl ClassStatus {
    pub const ALL: [ClassStatus; 3] = [ClassStatus::Open, ClassStatus::Closed, ClassStatus::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            ClassStatus::Open => "open",
            ClassStatus::Closed => "closed",
            ClassStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<ClassStatus> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// One run of a course (班次) in one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Class {
    pub key: String,
    pub course_key: String,
    /// The township or village where it is held.
    pub region_key: String,
    pub place: String,
    pub capacity: i64,
    pub status: ClassStatus,
    /// Where it meets, for check-in by shared location; `None`: check-in by code only.
    pub venue: Option<crate::domain::learning::Venue>,
    /// Translations of `place`.
    pub tr: Translations,
}

impl Class {
    pub fn place_in(&self, lang: Lang) -> &str {
        self.tr.text(lang, "place", &self.place)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SessionStatus {
    Scheduled,
    Cancelled,
}

impl SessionStatus {
    pub const ALL: [SessionStatus; 2] = [SessionStatus::Scheduled, SessionStatus::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            SessionStatus::Scheduled => "scheduled",
            SessionStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<SessionStatus> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// One meeting of a class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Storage id (0 before it is stored); stable across re-imports, short enough for callback data.
    pub id: i64,
    pub class_key: String,
    /// Unique within its class.
    pub key: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Overrides the class's place.
    pub place: Option<String>,
    pub topic: Option<String>,
    pub status: SessionStatus,
    /// Overrides the class's venue (coordinates and radius together).
    pub venue: Option<crate::domain::learning::Venue>,
    /// Translations of `place` and `topic`.
    pub tr: Translations,
}

impl Session {
    /// Where it meets, in Chinese (the class's place unless the session has its own).
    pub fn place<'a>(&'a self, class: &'a Class) -> &'a str {
        self.place.as_deref().unwrap_or(&class.place)
    }

    /// Where it meets, in `lang` (else in Chinese).
    pub fn place_in<'a>(&'a self, class: &'a Class, lang: Lang) -> &'a str {
        match &self.place {
            Some(place) => self.tr.text(lang, "place", place),
            None => class.place_in(lang),
        }
    }

    pub fn topic_in(&self, lang: Lang) -> Option<&str> {
        self.tr.text_opt(lang, "topic", self.topic.as_deref())
    }

    /// Where check-in by location is measured from: the session's own venue, else its class's.
    pub fn venue(&self, class: &Class) -> Option<crate::domain::learning::Venue> {
        crate::domain::learning::Venue::effective(self.venue, class.venue)
    }
}

/// Whether a region's busy ranges add to its zone's (and ancestors') or replace them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BusyMode {
    #[default]
    Add,
    Replace,
}

impl BusyMode {
    pub fn as_str(self) -> &'static str {
        match self {
            BusyMode::Add => "add",
            BusyMode::Replace => "replace",
        }
    }

    pub fn parse(s: &str) -> Option<BusyMode> {
        match s {
            "add" => Some(BusyMode::Add),
            "replace" => Some(BusyMode::Replace),
            _ => None,
        }
    }
}

/// The scheduling settings a catalogue sets on one region, exactly as written there (not inherited).
/// `None` means "as the parent region, else the configured default".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RegionSchedule {
    /// Busy ranges specific to this region.
    pub busy: Vec<BusyRange>,
    pub busy_mode: BusyMode,
    pub quiet_hours: Option<DailyRange>,
    pub busy_windows: Option<Vec<DailyRange>>,
}

impl RegionSchedule {
    /// The calendar of a region from the schedules of its ancestry, county first: busy ranges add up
    /// down the tree (a `replace` drops what came before it), and the nearest daily windows win.
    pub fn resolve(tz: chrono_tz::Tz, zone: &str, top_down: &[RegionSchedule]) -> RegionCalendar {
        let mut overrides: Vec<BusyRange> = Vec::new();
        let mut replace = false;
        let (mut quiet, mut windows) = (None, None);
        for schedule in top_down {
            if schedule.busy_mode == BusyMode::Replace {
                overrides.clear();
                replace = true;
            }
            overrides.extend(schedule.busy.iter().cloned());
            quiet = schedule.quiet_hours.or(quiet);
            windows = schedule.busy_windows.clone().or(windows);
        }
        let mut calendar = RegionCalendar::new(tz, zone, &overrides, replace);
        if let Some(quiet) = quiet {
            calendar.quiet = quiet;
        }
        if let Some(windows) = windows {
            calendar.busy_windows = windows;
        }
        calendar
    }
}

/// The default time zone of a region whose catalogue entry (and ancestors) name none.
pub const DEFAULT_TIMEZONE: &str = "Asia/Shanghai";

/// Whether `key` is a valid catalogue key: ASCII slug `[a-z0-9_-]`, 1–48 bytes (fits in callback data).
pub fn is_valid_key(key: &str) -> bool {
    crate::domain::region::Region::is_valid_key(key)
}

/// A region as the catalogue states it: own settings only, before inheritance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionEntry {
    pub key: String,
    pub parent_key: Option<String>,
    pub level: crate::domain::region::RegionLevel,
    pub name: String,
    /// Translations of `name` and `contact`.
    pub tr: Translations,
    pub own_timezone: Option<String>,
    pub own_zone: Option<String>,
    pub schedule: RegionSchedule,
    /// Reminder timing set on this region (`HH:MM` or `off`; hours, 0 = off); `None` = inherit.
    pub remind_evening_at: Option<String>,
    pub remind_hours_before: Option<i64>,
    /// The training office's contact given on this region (free text); `None` = the nearest above.
    pub contact: Option<String>,
    pub sort_order: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_belongs_to_one_audience_and_round_trips() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(c));
        }
        assert_eq!(Category::parse("cooking").map(Category::audience), Some(Audience::Villager));
        assert_eq!(Category::parse("public-work").map(Category::audience), Some(Audience::Cadre));
        assert_eq!(Category::for_audience(Audience::Villager).len(), 7);
        assert_eq!(Category::for_audience(Audience::Cadre).len(), 5);
        assert_eq!(Category::parse("farming"), None);
    }

    #[test]
    fn enums_parse_their_catalogue_keys_only() {
        assert_eq!(Mode::parse("village"), Some(Mode::Village));
        assert_eq!(Mode::parse("Village"), None);
        assert_eq!(TrainerKind::parse("local"), Some(TrainerKind::Local));
        assert_eq!(ClassStatus::parse("cancelled"), Some(ClassStatus::Cancelled));
        assert_eq!(SessionStatus::parse("scheduled"), Some(SessionStatus::Scheduled));
        assert_eq!(BusyMode::parse("replace"), Some(BusyMode::Replace));
        assert_eq!(BusyMode::parse("merge"), None);
    }

    #[test]
    fn credits_accept_tenths_and_print_without_trailing_zero() {
        assert_eq!(Credits::from_number(2.0).map(|c| c.to_string()), Ok("2".to_owned()));
        assert_eq!(Credits::from_number(1.5).map(|c| c.to_string()), Ok("1.5".to_owned()));
        assert_eq!(Credits::from_number(0.0), Ok(Credits::ZERO));
        assert_eq!(Credits::from_number(-1.0), Err(CreditsError::Negative));
        assert_eq!(Credits::from_number(0.25), Err(CreditsError::TooFine));
        assert_eq!(Credits::from_number(1000.0), Err(CreditsError::TooLarge));
        let sum = Credits::from_number(0.1).unwrap() + Credits::from_number(0.2).unwrap();
        assert_eq!(sum.to_string(), "0.3");
    }

    #[test]
    fn course_labels_come_from_the_locales() {
        let mut course = Course {
            key: "k".into(),
            title: "食用菌种植".into(),
            audience: Audience::Villager,
            category: Category::CropsLivestock,
            summary: "s".into(),
            mode: Mode::Field,
            trainer_key: "t".into(),
            cost_yuan: 0,
            funded_by: None,
            needs_approval: false,
            credits: Credits::ZERO,
            what_to_bring: None,
            photo: None,
            min_attendance_pct: 80,
            practical_check: false,
            pass_mark_pct: 60,
            tr: Translations::default(),
        };
        course.tr.add_if_missing("en", "title", Some("Mushroom growing"));
        assert_eq!(course.display_title(Lang::En), "Mushroom growing");
        assert_eq!(course.display_title(Lang::Zh), "食用菌种植");
        assert!(course.cost_label(Lang::Zh).contains("免费"));
        assert_eq!(course.credits_label(Lang::Zh), None);
        course.cost_yuan = 120;
        assert!(course.cost_label(Lang::En).contains("120"));
        course.credits = Credits::from_number(1.5).unwrap();
        assert!(course.credits_label(Lang::Zh).unwrap().contains("1.5"));
        assert_eq!(Mode::Classroom.label(Lang::Zh), "集中授课");
        assert_eq!(Category::Trades.label(Lang::En), "Trades (electrician, welder)");
    }
}
