//! A coordinator publishes an opening (用工信息) in the chat (`/opening` → ➕ 发布用工信息), as a pure state
//! machine: employer → contact (with a phone) → region (only when they cover more than one) → place →
//! work → pay → closing date → seats → qualifying courses → travel → preview → publish, change a part, or
//! abandon. The same dialog sets a region's pay floor (💰 最低工资线): region → amount.
//!
//! Each [`step`] takes the state, what the coordinator did and the [`Facts`] read from storage (the
//! regions they cover with each one's floor and today, the catalogue's courses) and gives the next
//! question, or the same one again with the reason. What may be published is decided by the one rule,
//! `domain::job::check_opening`, with the region's floor and date.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::domain::catalog::{Translations, is_valid_key};
use crate::domain::job::{
    MAX_CONTACT_CHARS, MAX_COURSES, MAX_EMPLOYER_CHARS, MAX_PAY_YUAN, MAX_PLACE_CHARS, MAX_SEATS, MAX_WORK_CHARS,
    Opening, OpeningProblem, Pay, PayUnit, check_opening,
};

/// The pay as typed: a range in yuan, per month or per day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftPay {
    pub min: u32,
    pub max: u32,
    pub per_day: bool,
}

impl DraftPay {
    pub fn pay(self) -> Pay {
        Pay { min_yuan: self.min, max_yuan: self.max, unit: if self.per_day { PayUnit::Day } else { PayUnit::Month } }
    }
}

/// The last day it takes people, or long-term (长期招).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Closes {
    LongTerm,
    On(NaiveDate),
}

/// What is filled in so far.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub employer: Option<String>,
    pub contact: Option<String>,
    pub region: Option<String>,
    pub place: Option<String>,
    pub work: Option<String>,
    pub pay: Option<DraftPay>,
    pub closes: Option<Closes>,
    pub seats: Option<u32>,
    /// Courses ticked so far; `courses_done` once "完成" was pressed with at least one.
    pub courses: Vec<String>,
    pub courses_done: bool,
    pub travel: Option<bool>,
}

/// A part of the draft to do again from the preview ("修改…").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Part {
    Employer,
    Contact,
    Region,
    Place,
    Work,
    Pay,
    Closes,
    Seats,
    Courses,
    Travel,
}

impl Part {
    pub const ALL: [Part; 10] = [
        Part::Employer,
        Part::Contact,
        Part::Region,
        Part::Place,
        Part::Work,
        Part::Pay,
        Part::Closes,
        Part::Seats,
        Part::Courses,
        Part::Travel,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Part::Employer => "e",
            Part::Contact => "c",
            Part::Region => "r",
            Part::Place => "p",
            Part::Work => "w",
            Part::Pay => "y",
            Part::Closes => "d",
            Part::Seats => "s",
            Part::Courses => "k",
            Part::Travel => "t",
        }
    }

    pub fn from_code(s: &str) -> Option<Part> {
        Self::ALL.into_iter().find(|p| p.code() == s)
    }

    /// The step that asks this part.
    pub fn at(self) -> At {
        match self {
            Part::Employer => At::Employer,
            Part::Contact => At::Contact,
            Part::Region => At::Region,
            Part::Place => At::Place,
            Part::Work => At::Work,
            Part::Pay => At::Pay,
            Part::Closes => At::Closes,
            Part::Seats => At::Seats,
            Part::Courses => At::Courses,
            Part::Travel => At::Travel,
        }
    }

    /// The part a problem of the rule is about (the field `check_opening` names).
    pub fn of_problem(p: &OpeningProblem) -> Part {
        match p.field() {
            "employer" => Part::Employer,
            "contact" => Part::Contact,
            "place" => Part::Place,
            "work" => Part::Work,
            "pay" => Part::Pay,
            "seats" => Part::Seats,
            "courses" => Part::Courses,
            _ => Part::Closes,
        }
    }
}

/// Where the dialog stands: the question on screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum At {
    Employer,
    Contact,
    Region,
    Place,
    Work,
    Pay,
    Closes,
    Seats,
    Courses,
    Travel,
    Preview,
    /// "修改…": which part.
    Change,
    /// "放弃" or /cancel: sure? `back` is the question to return to.
    ConfirmAbandon {
        back: Box<At>,
    },
    /// ➕ 发布用工信息 again with a draft: go on from `back`, or start afresh.
    Resume {
        back: Box<At>,
    },
    /// 💰 最低工资线: which region.
    FloorRegion,
    /// The floor of `region`, typed (yuan per month), or removed.
    FloorAmount {
        region: String,
    },
}

/// The dialog's state, stored with the chat's dialog (so a restart resumes it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Compose {
    pub draft: Draft,
    pub at: At,
}

/// A button of `/opening` (`oc2:…`); checked against the step on screen (an old one changes nothing).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Button {
    /// The menu: ➕ 发布用工信息, 💰 最低工资线 (they work in any state: each starts its dialog).
    Start,
    Floor,
    /// A region the coordinator covers (for the opening, or for the floor).
    Region(String),
    /// 长期招.
    LongTerm,
    /// Tick or untick a course; "完成".
    Course(String),
    CoursesDone,
    Travel(bool),
    Publish,
    Edit,
    Change(Part),
    Abandon,
    ConfirmAbandon(bool),
    /// `true`: go on with the draft; `false`: start afresh.
    Resume(bool),
    /// Remove the region's floor.
    FloorRemove,
}

impl Button {
    /// The payload after the callback's `oc2:` tag (a region or course key is at most 48 bytes).
    pub fn encode(&self) -> String {
        match self {
            Button::Start => "n".to_owned(),
            Button::Floor => "f".to_owned(),
            Button::Region(key) => format!("r:{key}"),
            Button::LongTerm => "l".to_owned(),
            Button::Course(key) => format!("k:{key}"),
            Button::CoursesDone => "kd".to_owned(),
            Button::Travel(yes) => format!("t:{}", u8::from(*yes)),
            Button::Publish => "p".to_owned(),
            Button::Edit => "e".to_owned(),
            Button::Change(part) => format!("e:{}", part.code()),
            Button::Abandon => "x".to_owned(),
            Button::ConfirmAbandon(yes) => format!("x:{}", u8::from(*yes)),
            Button::Resume(go_on) => format!("g:{}", u8::from(*go_on)),
            Button::FloorRemove => "fx".to_owned(),
        }
    }

    pub fn decode(s: &str) -> Option<Button> {
        let (tag, rest) = s.split_once(':').unwrap_or((s, ""));
        let flag = |r: &str| match r {
            "1" => Some(true),
            "0" => Some(false),
            _ => None,
        };
        let bare = !s.contains(':');
        Some(match (tag, rest) {
            ("n", "") if bare => Button::Start,
            ("f", "") if bare => Button::Floor,
            ("r", key) if is_valid_key(key) => Button::Region(key.to_owned()),
            ("l", "") if bare => Button::LongTerm,
            ("k", key) if is_valid_key(key) => Button::Course(key.to_owned()),
            ("kd", "") if bare => Button::CoursesDone,
            ("t", yes) => Button::Travel(flag(yes)?),
            ("p", "") if bare => Button::Publish,
            ("e", "") if bare => Button::Edit,
            ("e", part) => Button::Change(Part::from_code(part)?),
            ("x", "") if bare => Button::Abandon,
            ("x", yes) => Button::ConfirmAbandon(flag(yes)?),
            ("g", go_on) => Button::Resume(flag(go_on)?),
            ("fx", "") if bare => Button::FloorRemove,
            _ => return None,
        })
    }

    /// One of each kind (keys as given), for the callback tests.
    pub fn samples(region: &str, course: &str) -> Vec<Button> {
        let mut all = vec![
            Button::Start,
            Button::Floor,
            Button::Region(region.to_owned()),
            Button::LongTerm,
            Button::Course(course.to_owned()),
            Button::CoursesDone,
            Button::Travel(true),
            Button::Travel(false),
            Button::Publish,
            Button::Edit,
        ];
        all.extend(Part::ALL.into_iter().map(Button::Change));
        all.extend([
            Button::Abandon,
            Button::ConfirmAbandon(true),
            Button::ConfirmAbandon(false),
            Button::Resume(true),
            Button::Resume(false),
            Button::FloorRemove,
        ]);
        all
    }
}

/// What the coordinator did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Text(String),
    Button(Button),
    /// A sticker, a photo, a voice message, a location…
    Unsupported,
}

/// A region the coordinator may publish in: its floor (the nearest set on it or above) and its date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionFact {
    pub key: String,
    pub floor: Option<u32>,
    pub today: NaiveDate,
}

/// What the dialog needs from storage, read before each step.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Facts {
    /// The regions they cover, county first then its townships.
    pub regions: Vec<RegionFact>,
    /// The catalogue's courses whose certificate may qualify.
    pub courses: Vec<String>,
}

impl Facts {
    fn region(&self, key: &str) -> Option<&RegionFact> {
        self.regions.iter().find(|r| r.key == key)
    }
}

/// Why the same question is asked again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Typed text is needed here (a sticker, a photo came).
    NeedText,
    /// What the rule refuses (too long, no phone, below the floor, a past date…).
    Rule(OpeningProblem),
    /// The pay could not be read ("3000-4500", "150元/天").
    PayFormat,
    /// The date could not be read, or does not exist.
    DateFormat,
    /// The seats (or the floor) are not a number in range.
    Number {
        max: u32,
    },
    /// "完成" with no course ticked, or too many ticked.
    NoCourse,
    TooManyCourses,
    /// Choose with the buttons.
    UseButtons,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Move to this state and ask its question.
    Ask(Compose),
    /// The same state (or the step at fault), asked again with the reason.
    Reask(Compose, Problem),
    /// A button that does not belong to the question on screen (an older message's): nothing changes.
    Stale,
    /// "发布" on a draft the rule accepts.
    Publish(Draft),
    /// Set (or with `None` remove) a region's pay floor.
    SetFloor { region: String, yuan: Option<u32> },
    /// Abandoning confirmed: nothing is kept.
    Abandoned,
}

impl Compose {
    /// ➕ 发布用工信息: a fresh draft (the region filled in when they cover one only).
    pub fn new(facts: &Facts) -> Compose {
        let draft = Draft::default();
        Compose { at: draft.next_missing(facts), draft: draft.with_only_region(facts) }
    }

    /// 💰 最低工资线: which region (straight to the amount when they cover one only).
    pub fn floor(facts: &Facts) -> Compose {
        let at = match facts.regions.as_slice() {
            [only] => At::FloorAmount { region: only.key.clone() },
            _ => At::FloorRegion,
        };
        Compose { draft: Draft::default(), at }
    }

    /// Whether a draft is being made (its first answer given), whatever is on screen.
    pub fn has_draft(&self) -> bool {
        self.draft.employer.is_some()
    }

    /// 💰 最低工资线 in the middle of a draft: the floor first, the draft kept for afterwards.
    pub fn floor_keeping(self, facts: &Facts) -> Compose {
        Compose { draft: self.draft, ..Compose::floor(facts) }
    }

    /// ➕ 发布用工信息 while this draft is open: go on or start afresh.
    pub fn offer_resume(self) -> Compose {
        let back = match self.at {
            At::Resume { back } => back,
            other => Box::new(other),
        };
        Compose { draft: self.draft, at: At::Resume { back } }
    }

    /// `/cancel` or "放弃": sure? (The floor dialog has nothing to lose: the caller just leaves it.)
    pub fn confirm_abandon(self) -> Compose {
        let back = match self.at {
            At::ConfirmAbandon { back } => back,
            other => Box::new(other),
        };
        Compose { draft: self.draft, at: At::ConfirmAbandon { back } }
    }
}

impl Draft {
    fn with_only_region(mut self, facts: &Facts) -> Draft {
        if self.region.is_none()
            && let [only] = facts.regions.as_slice()
        {
            self.region = Some(only.key.clone());
        }
        self
    }

    /// The first question the draft still needs, or the preview when it has everything.
    pub fn next_missing(&self, facts: &Facts) -> At {
        let one_region = facts.regions.len() == 1;
        if self.employer.is_none() {
            At::Employer
        } else if self.contact.is_none() {
            At::Contact
        } else if self.region.is_none() && !one_region {
            At::Region
        } else if self.place.is_none() {
            At::Place
        } else if self.work.is_none() {
            At::Work
        } else if self.pay.is_none() {
            At::Pay
        } else if self.closes.is_none() {
            At::Closes
        } else if self.seats.is_none() {
            At::Seats
        } else if !self.courses_done || self.courses.is_empty() {
            At::Courses
        } else if self.travel.is_none() {
            At::Travel
        } else {
            At::Preview
        }
    }

    /// The opening as people will read it (id 0, no key); `None` while a part is missing.
    pub fn to_opening(&self) -> Option<Opening> {
        Some(Opening {
            id: 0,
            key: None,
            employer: self.employer.clone()?,
            contact: self.contact.clone()?,
            region_key: self.region.clone()?,
            place: self.place.clone()?,
            work: self.work.clone()?,
            pay: self.pay?.pay(),
            starts_on: None,
            closes_on: match self.closes? {
                Closes::LongTerm => None,
                Closes::On(d) => Some(d),
            },
            seats: self.seats?,
            courses: if self.courses_done && !self.courses.is_empty() { self.courses.clone() } else { return None },
            travel: self.travel?,
            tr: Translations::default(),
        })
    }

    /// The draft with the parts not yet given filled in with harmless values: what the rule says about
    /// the parts that are given.
    fn probe(&self) -> Opening {
        Opening {
            id: 0,
            key: None,
            employer: self.employer.clone().unwrap_or_else(|| "-".into()),
            contact: self.contact.clone().unwrap_or_else(|| "- 0000000".into()),
            region_key: self.region.clone().unwrap_or_default(),
            place: self.place.clone().unwrap_or_else(|| "-".into()),
            work: self.work.clone().unwrap_or_else(|| "-".into()),
            pay: self.pay.map(DraftPay::pay).unwrap_or(Pay { min_yuan: 1, max_yuan: 1, unit: PayUnit::Month }),
            starts_on: None,
            closes_on: match self.closes {
                Some(Closes::On(d)) => Some(d),
                _ => None,
            },
            seats: self.seats.unwrap_or(1),
            courses: if self.courses.is_empty() { vec!["-".into()] } else { self.courses.clone() },
            travel: false,
            tr: Translations::default(),
        }
    }

    /// The rule's first problem with `part` of the draft, with its region's floor and date.
    fn problem_with(&self, part: Part, facts: &Facts) -> Option<OpeningProblem> {
        let (floor, today) = self.floor_and_today(facts);
        check_opening(&self.probe(), floor, today).into_iter().find(|p| Part::of_problem(p) == part)
    }

    fn floor_and_today(&self, facts: &Facts) -> (Option<u32>, NaiveDate) {
        let region = self.region.as_deref().and_then(|r| facts.region(r)).or(facts.regions.first());
        match region {
            Some(r) => (r.floor, r.today),
            None => (None, NaiveDate::MIN),
        }
    }
}

/// Typed text, cleaned of control characters and trimmed (its length is the rule's to judge).
fn typed(text: &str) -> String {
    crate::domain::text::clean(text, false).trim().to_owned()
}

/// Full-width digits and letters as ASCII (`３０００` → `3000`), lower case.
fn ascii(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            _ => c,
        })
        .collect::<String>()
        .to_lowercase()
}

/// The figures in a text, with 千/k and 万/w multipliers (`3千` = 3000, `0.5万` = 5000); `None` when a
/// figure is not a whole number of yuan.
fn figures(text: &str) -> Option<Vec<u64>> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.' || chars[i] == ',') {
            i += 1;
        }
        let number: String = chars[start..i].iter().filter(|c| **c != ',').collect();
        let multiplier = match chars.get(i) {
            Some('千' | 'k') => 1000.0,   // parser data
            Some('万' | 'w') => 10_000.0, // parser data
            _ => 1.0,
        };
        let value = number.trim_end_matches('.').parse::<f64>().ok()? * multiplier;
        if value.fract() != 0.0 || value > 1e9 {
            return None;
        }
        out.push(value as u64);
    }
    Some(out)
}

/// Reads typed pay: "3000-4500", "3000到4500", "3000～4500元/月", "月薪3千到4千", "150", "150元/天",
/// "130-160 元/天", "日薪150". A day rate is said with 天, 日 or "day"; anything else is per month.
pub fn parse_pay(text: &str) -> Option<DraftPay> {
    let text = ascii(text);
    let per_day = text.contains('天') || text.contains('日') || text.contains("day"); // parser data
    let bounded = |v: u64| u32::try_from(v).ok().filter(|v| *v <= MAX_PAY_YUAN + 1);
    match figures(&text)?.as_slice() {
        [one] => {
            let v = bounded(*one)?;
            Some(DraftPay { min: v, max: v, per_day })
        }
        [min, max] => Some(DraftPay { min: bounded(*min)?, max: bounded(*max)?, per_day }),
        _ => None,
    }
}

/// Reads a typed closing date: "2027-03-31", "2027/3/31", "2027.3.31", "2027年3月31日", or without the
/// year ("3月31日", "3-31": the next such day from `today`). `None` when it cannot be read or the day
/// does not exist.
pub fn parse_date(text: &str, today: NaiveDate) -> Option<NaiveDate> {
    let text = ascii(text);
    let parts: Vec<&str> = text.split(|c: char| !c.is_ascii_digit()).filter(|p| !p.is_empty()).collect();
    let number = |s: &str| s.parse::<u32>().ok();
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 => NaiveDate::from_ymd_opt(number(y)? as i32, number(m)?, number(d)?),
        [m, d] if m.len() <= 2 && d.len() <= 2 => {
            let (m, d) = (number(m)?, number(d)?);
            let this_year = NaiveDate::from_ymd_opt(today.year(), m, d);
            match this_year {
                Some(day) if day >= today => Some(day),
                _ => NaiveDate::from_ymd_opt(today.year() + 1, m, d),
            }
        }
        _ => None,
    }
}

/// Reads a whole number in `1..=max` ("5", "5人", "招5个", "2千"); `None` otherwise.
pub fn parse_count(text: &str, max: u32) -> Option<u32> {
    match figures(&ascii(text))?.as_slice() {
        [one] => u32::try_from(*one).ok().filter(|n| (1..=max).contains(n)),
        _ => None,
    }
}

/// What a typed closing date may say instead of a date: long-term (长期招).
const LONG_TERM_WORDS: [&str; 4] = ["长期", "长期招", "long-term", "long term"]; // parser data

/// Whether the question on screen is answered with buttons only.
fn buttons_only(at: &At) -> bool {
    matches!(
        at,
        At::Region
            | At::Courses
            | At::Travel
            | At::Preview
            | At::Change
            | At::ConfirmAbandon { .. }
            | At::Resume { .. }
            | At::FloorRegion
    )
}

/// One step of `/opening`.
pub fn step(state: Compose, input: Input, facts: &Facts) -> Outcome {
    let Compose { mut draft, at } = state.clone();
    let ask = |draft: Draft, at: At| Outcome::Ask(Compose { draft, at });
    let reask = |problem: Problem| Outcome::Reask(state.clone(), problem);
    let next = |draft: Draft| {
        let draft = draft.with_only_region(facts);
        let at = draft.next_missing(facts);
        Outcome::Ask(Compose { draft, at })
    };
    // A typed part, checked by the rule: kept, or the same question again with the reason.
    let part_checked = |draft: Draft, part: Part| match draft.problem_with(part, facts) {
        Some(problem) => reask(Problem::Rule(problem)),
        None => next(draft),
    };
    match (at, input) {
        // Leaving, and coming back to a draft.
        (At::ConfirmAbandon { .. }, Input::Button(Button::ConfirmAbandon(true))) => Outcome::Abandoned,
        (At::ConfirmAbandon { back }, Input::Button(Button::ConfirmAbandon(false))) => ask(draft, *back),
        (At::Resume { back }, Input::Button(Button::Resume(true))) => ask(draft, *back),
        (At::Resume { .. }, Input::Button(Button::Resume(false))) => Outcome::Ask(Compose::new(facts)),
        (At::Preview, Input::Button(Button::Abandon)) => Outcome::Ask(state.confirm_abandon()),

        // Typed texts.
        (At::Employer, Input::Text(t)) => {
            draft.employer = Some(typed(&t));
            part_checked(draft, Part::Employer)
        }
        (At::Contact, Input::Text(t)) => {
            draft.contact = Some(typed(&t));
            part_checked(draft, Part::Contact)
        }
        (At::Place, Input::Text(t)) => {
            draft.place = Some(typed(&t));
            part_checked(draft, Part::Place)
        }
        (At::Work, Input::Text(t)) => {
            draft.work = Some(crate::domain::text::clean(&t, true).trim().to_owned());
            part_checked(draft, Part::Work)
        }
        (At::Region, Input::Button(Button::Region(key))) if facts.region(&key).is_some() => {
            draft.region = Some(key);
            // A pay already given is checked again against this region's floor.
            if draft.pay.is_some()
                && let Some(problem) = draft.problem_with(Part::Pay, facts)
            {
                draft.pay = None;
                return Outcome::Reask(Compose { draft, at: At::Pay }, Problem::Rule(problem));
            }
            next(draft)
        }
        (At::Pay, Input::Text(t)) => match parse_pay(&t) {
            Some(pay) => {
                draft.pay = Some(pay);
                part_checked(draft, Part::Pay)
            }
            None => reask(Problem::PayFormat),
        },
        (At::Closes, Input::Button(Button::LongTerm)) => {
            draft.closes = Some(Closes::LongTerm);
            next(draft)
        }
        (At::Closes, Input::Text(t)) => {
            let t = typed(&t);
            if LONG_TERM_WORDS.iter().any(|w| t.eq_ignore_ascii_case(w)) {
                draft.closes = Some(Closes::LongTerm);
                return next(draft);
            }
            match parse_date(&t, draft.floor_and_today(facts).1) {
                Some(day) => {
                    draft.closes = Some(Closes::On(day));
                    part_checked(draft, Part::Closes)
                }
                None => reask(Problem::DateFormat),
            }
        }
        (At::Seats, Input::Text(t)) => match parse_count(&t, MAX_SEATS) {
            Some(n) => {
                draft.seats = Some(n);
                next(draft)
            }
            None => reask(Problem::Number { max: MAX_SEATS }),
        },
        (At::Courses, Input::Button(Button::Course(key))) if facts.courses.contains(&key) => {
            if let Some(i) = draft.courses.iter().position(|k| *k == key) {
                draft.courses.remove(i);
            } else if draft.courses.len() >= MAX_COURSES {
                return reask(Problem::TooManyCourses);
            } else {
                draft.courses.push(key);
            }
            ask(draft, At::Courses)
        }
        (At::Courses, Input::Button(Button::CoursesDone)) => {
            if draft.courses.is_empty() {
                reask(Problem::NoCourse)
            } else {
                draft.courses_done = true;
                next(draft)
            }
        }
        (At::Travel, Input::Button(Button::Travel(yes))) => {
            draft.travel = Some(yes);
            next(draft)
        }

        // The preview: the whole rule once more, with the region's floor and today.
        (At::Preview, Input::Button(Button::Publish)) => match draft.to_opening() {
            None => next(draft),
            Some(opening) => {
                let (floor, today) = draft.floor_and_today(facts);
                match check_opening(&opening, floor, today).into_iter().next() {
                    None if draft.region.as_deref().and_then(|r| facts.region(r)).is_some() => Outcome::Publish(draft),
                    // The region is no longer theirs (a grant changed): ask it again.
                    None => {
                        draft.region = None;
                        next(draft)
                    }
                    Some(problem) => {
                        let part = Part::of_problem(&problem);
                        Outcome::Reask(Compose { draft, at: part.at() }, Problem::Rule(problem))
                    }
                }
            }
        },
        (At::Preview, Input::Button(Button::Edit)) => ask(draft, At::Change),
        (At::Change, Input::Button(Button::Change(part))) => {
            match part {
                Part::Employer => draft.employer = None,
                Part::Contact => draft.contact = None,
                Part::Region if facts.regions.len() > 1 => draft.region = None,
                Part::Region => {}
                Part::Place => draft.place = None,
                Part::Work => draft.work = None,
                Part::Pay => draft.pay = None,
                Part::Closes => draft.closes = None,
                Part::Seats => draft.seats = None,
                // The ticks stay, to change one or two.
                Part::Courses => draft.courses_done = false,
                Part::Travel => draft.travel = None,
            }
            next(draft)
        }

        // The pay floor.
        (At::FloorRegion, Input::Button(Button::Region(key))) if facts.region(&key).is_some() => {
            ask(draft, At::FloorAmount { region: key })
        }
        (At::FloorAmount { region }, Input::Text(t)) => match parse_count(&t, MAX_PAY_YUAN) {
            Some(yuan) => Outcome::SetFloor { region, yuan: Some(yuan) },
            None => reask(Problem::Number { max: MAX_PAY_YUAN }),
        },
        (At::FloorAmount { region }, Input::Button(Button::FloorRemove)) => Outcome::SetFloor { region, yuan: None },

        // Anything else: a button of another question, or the wrong kind of answer.
        (_, Input::Button(_)) => Outcome::Stale,
        (at, _) if buttons_only(&at) => reask(Problem::UseButtons),
        (_, _) => reask(Problem::NeedText),
    }
}

/// The longest texts, for the questions' hints.
pub const LIMITS: [(&str, usize); 4] = [
    ("employer", MAX_EMPLOYER_CHARS),
    ("contact", MAX_CONTACT_CHARS),
    ("place", MAX_PLACE_CHARS),
    ("work", MAX_WORK_CHARS),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    const TODAY: &str = "2026-12-03";

    fn facts(regions: &[(&str, Option<u32>)]) -> Facts {
        Facts {
            regions: regions
                .iter()
                .map(|(k, floor)| RegionFact { key: (*k).into(), floor: *floor, today: day(TODAY) })
                .collect(),
            courses: vec!["mushroom".into(), "electrician".into(), "spring-tea".into()],
        }
    }

    fn county() -> Facts {
        facts(&[("xinan", Some(2000)), ("xinan-tieshan", Some(2500)), ("xinan-hexi", Some(2000))])
    }

    fn text(s: &str) -> Input {
        Input::Text(s.into())
    }

    fn press(b: Button) -> Input {
        Input::Button(b)
    }

    /// Walks `inputs` from a fresh draft; panics on anything but a next question.
    fn walk(facts: &Facts, inputs: Vec<Input>) -> Compose {
        let mut state = Compose::new(facts);
        for input in inputs {
            match step(state.clone(), input.clone(), facts) {
                Outcome::Ask(next) => state = next,
                other => panic!("{input:?} at {:?}: {other:?}", state.at),
            }
        }
        state
    }

    fn up_to_pay() -> Vec<Input> {
        vec![
            text("铁山镇香菇专业合作社"),
            text("李经理 13803790123"),
            press(Button::Region("xinan-tieshan".into())),
            text("铁山镇东村菇棚"),
            text("菌棒管理、采摘"),
        ]
    }

    fn whole() -> Vec<Input> {
        let mut all = up_to_pay();
        all.extend([
            text("3000到4500"),
            text("2027-03-31"),
            text("5人"),
            press(Button::Course("mushroom".into())),
            press(Button::CoursesDone),
            press(Button::Travel(false)),
        ]);
        all
    }

    #[test]
    fn the_whole_dialog_reaches_the_preview_and_publishes_what_was_typed() {
        let f = county();
        let state = walk(&f, whole());
        assert_eq!(state.at, At::Preview);
        let o = state.draft.to_opening().expect("complete");
        assert_eq!(o.pay, Pay { min_yuan: 3000, max_yuan: 4500, unit: PayUnit::Month });
        assert_eq!((o.region_key.as_str(), o.seats, o.closes_on), ("xinan-tieshan", 5, Some(day("2027-03-31"))));
        assert_eq!(o.courses, vec!["mushroom".to_owned()]);
        assert!(matches!(step(state, press(Button::Publish), &f), Outcome::Publish(_)));
    }

    #[test]
    fn a_coordinator_of_one_township_is_not_asked_the_region() {
        let f = facts(&[("xinan-tieshan", None)]);
        let state = walk(&f, vec![text("合作社"), text("李经理 13803790123")]);
        assert_eq!(state.at, At::Place);
        assert_eq!(state.draft.region.as_deref(), Some("xinan-tieshan"));
        let changed = step(walk(&f, whole_without_region()), press(Button::Edit), &f);
        let Outcome::Ask(change) = changed else { panic!() };
        let Outcome::Ask(after) = step(change, press(Button::Change(Part::Region)), &f) else { panic!() };
        assert_eq!(after.at, At::Preview, "nothing to choose");
    }

    fn whole_without_region() -> Vec<Input> {
        whole().into_iter().filter(|i| !matches!(i, Input::Button(Button::Region(_)))).collect()
    }

    #[test]
    fn a_contact_without_a_phone_and_a_pay_below_the_floor_are_asked_again_with_the_reason() {
        let f = county();
        let state = walk(&f, vec![text("合作社")]);
        assert_eq!(
            step(state.clone(), text("李经理"), &f),
            Outcome::Reask(state, Problem::Rule(OpeningProblem::NoPhone))
        );
        let state = walk(&f, up_to_pay());
        assert_eq!(state.at, At::Pay);
        assert_eq!(
            step(state.clone(), text("2000-3000"), &f),
            Outcome::Reask(state.clone(), Problem::Rule(OpeningProblem::BelowFloor { monthly_min: 2000, floor: 2500 })),
            "铁山镇's own floor, not the county's"
        );
        assert_eq!(
            step(state.clone(), text("100元/天"), &f),
            Outcome::Reask(state.clone(), Problem::Rule(OpeningProblem::BelowFloor { monthly_min: 2175, floor: 2500 }))
        );
        assert_eq!(step(state.clone(), text("面议"), &f), Outcome::Reask(state.clone(), Problem::PayFormat));
        assert_eq!(
            step(state.clone(), text("4500-3000"), &f),
            Outcome::Reask(state.clone(), Problem::Rule(OpeningProblem::PayRange))
        );
        let Outcome::Ask(next) = step(state, text("120元/天"), &f) else { panic!() };
        assert_eq!((next.at, next.draft.pay), (At::Closes, Some(DraftPay { min: 120, max: 120, per_day: true })));
    }

    #[test]
    fn a_past_or_impossible_closing_date_is_asked_again_and_long_term_is_a_button() {
        let f = county();
        let mut inputs = up_to_pay();
        inputs.push(text("3000-4000"));
        let state = walk(&f, inputs);
        assert_eq!(state.at, At::Closes);
        assert_eq!(
            step(state.clone(), text("2026-12-02"), &f),
            Outcome::Reask(state.clone(), Problem::Rule(OpeningProblem::ClosesInPast))
        );
        assert_eq!(step(state.clone(), text("2027-02-30"), &f), Outcome::Reask(state.clone(), Problem::DateFormat));
        assert_eq!(step(state.clone(), text("下个月"), &f), Outcome::Reask(state.clone(), Problem::DateFormat));
        let Outcome::Ask(next) = step(state.clone(), text("2026-12-03"), &f) else { panic!("today is still open") };
        assert_eq!(next.at, At::Seats);
        let Outcome::Ask(next) = step(state.clone(), press(Button::LongTerm), &f) else { panic!() };
        assert_eq!(next.draft.closes, Some(Closes::LongTerm));
        let Outcome::Ask(next) = step(state, text("长期"), &f) else { panic!() };
        assert_eq!(next.draft.closes, Some(Closes::LongTerm));
    }

    #[test]
    fn nonsense_stickers_and_old_buttons_change_nothing() {
        let f = county();
        let state = walk(&f, vec![text("合作社"), text("李经理 13803790123")]);
        assert_eq!(state.at, At::Region);
        assert_eq!(step(state.clone(), text("铁山"), &f), Outcome::Reask(state.clone(), Problem::UseButtons));
        assert_eq!(step(state.clone(), Input::Unsupported, &f), Outcome::Reask(state.clone(), Problem::UseButtons));
        assert_eq!(step(state.clone(), press(Button::Region("qianshan".into())), &f), Outcome::Stale, "not theirs");
        assert_eq!(step(state.clone(), press(Button::Publish), &f), Outcome::Stale);
        assert_eq!(step(state.clone(), press(Button::Travel(true)), &f), Outcome::Stale);
        let typing = walk(&f, vec![text("合作社")]);
        assert_eq!(step(typing.clone(), Input::Unsupported, &f), Outcome::Reask(typing.clone(), Problem::NeedText));
        assert_eq!(
            step(typing.clone(), text("   "), &f),
            Outcome::Reask(
                typing.clone(),
                Problem::Rule(OpeningProblem::Text { field: "contact", max_chars: MAX_CONTACT_CHARS })
            )
        );
        let mut seats = up_to_pay();
        seats.extend([text("3000"), text("2027-03-31")]);
        let seats = walk(&f, seats);
        assert_eq!(
            step(seats.clone(), text("很多"), &f),
            Outcome::Reask(seats.clone(), Problem::Number { max: MAX_SEATS })
        );
        assert_eq!(
            step(seats.clone(), text("0"), &f),
            Outcome::Reask(seats.clone(), Problem::Number { max: MAX_SEATS })
        );
        assert_eq!(step(seats.clone(), text("501"), &f), Outcome::Reask(seats, Problem::Number { max: MAX_SEATS }));
    }

    #[test]
    fn courses_toggle_and_done_needs_one() {
        let f = county();
        let mut inputs = up_to_pay();
        inputs.extend([text("3000"), press(Button::LongTerm), text("3")]);
        let state = walk(&f, inputs);
        assert_eq!(state.at, At::Courses);
        assert_eq!(
            step(state.clone(), press(Button::CoursesDone), &f),
            Outcome::Reask(state.clone(), Problem::NoCourse)
        );
        assert_eq!(step(state.clone(), press(Button::Course("cadre-policy".into())), &f), Outcome::Stale);
        let Outcome::Ask(one) = step(state, press(Button::Course("mushroom".into())), &f) else { panic!() };
        let Outcome::Ask(two) = step(one, press(Button::Course("electrician".into())), &f) else { panic!() };
        assert_eq!(two.draft.courses, vec!["mushroom".to_owned(), "electrician".to_owned()]);
        let Outcome::Ask(back) = step(two, press(Button::Course("mushroom".into())), &f) else { panic!() };
        assert_eq!(back.draft.courses, vec!["electrician".to_owned()], "a second tap unticks");
        let Outcome::Ask(done) = step(back, press(Button::CoursesDone), &f) else { panic!() };
        assert_eq!(done.at, At::Travel);
    }

    #[test]
    fn a_floor_raised_since_the_preview_sends_back_to_the_pay_and_changing_the_region_rechecks_it() {
        let f = county();
        let state = walk(&f, whole());
        let raised = facts(&[("xinan", Some(2000)), ("xinan-tieshan", Some(3200)), ("xinan-hexi", Some(2000))]);
        let Outcome::Reask(back, Problem::Rule(OpeningProblem::BelowFloor { floor: 3200, .. })) =
            step(state.clone(), press(Button::Publish), &raised)
        else {
            panic!()
        };
        assert_eq!(back.at, At::Pay);

        let low = walk(&f, {
            let mut i = whole();
            i[2] = press(Button::Region("xinan-hexi".into()));
            i[5] = text("2200");
            i
        });
        assert_eq!(low.at, At::Preview);
        let Outcome::Ask(change) = step(low, press(Button::Edit), &f) else { panic!() };
        let Outcome::Ask(region) = step(change, press(Button::Change(Part::Region)), &f) else { panic!() };
        assert_eq!(region.at, At::Region);
        let Outcome::Reask(pay, Problem::Rule(OpeningProblem::BelowFloor { floor: 2500, .. })) =
            step(region, press(Button::Region("xinan-tieshan".into())), &f)
        else {
            panic!()
        };
        assert_eq!((pay.at, pay.draft.pay), (At::Pay, None));
    }

    #[test]
    fn abandoning_asks_first_and_resume_goes_on_or_starts_afresh() {
        let f = county();
        let state = walk(&f, vec![text("合作社")]);
        let sure = state.clone().confirm_abandon();
        assert_eq!(step(sure.clone(), press(Button::ConfirmAbandon(false)), &f), Outcome::Ask(state.clone()));
        assert_eq!(step(sure, press(Button::ConfirmAbandon(true)), &f), Outcome::Abandoned);
        assert!(state.has_draft() && !Compose::new(&f).has_draft());
        let resume = state.clone().offer_resume();
        assert_eq!(step(resume.clone(), press(Button::Resume(true)), &f), Outcome::Ask(state));
        assert_eq!(step(resume, press(Button::Resume(false)), &f), Outcome::Ask(Compose::new(&f)));
    }

    #[test]
    fn the_floor_is_set_for_a_region_they_cover_or_removed() {
        let f = county();
        let state = Compose::floor(&f);
        assert_eq!(state.at, At::FloorRegion);
        assert_eq!(step(state.clone(), press(Button::Region("qianshan".into())), &f), Outcome::Stale);
        let Outcome::Ask(amount) = step(state, press(Button::Region("xinan-tieshan".into())), &f) else { panic!() };
        assert_eq!(
            step(amount.clone(), text("2200元"), &f),
            Outcome::SetFloor { region: "xinan-tieshan".into(), yuan: Some(2200) }
        );
        assert_eq!(
            step(amount.clone(), text("两千"), &f),
            Outcome::Reask(amount.clone(), Problem::Number { max: MAX_PAY_YUAN })
        );
        assert_eq!(
            step(amount, press(Button::FloorRemove), &f),
            Outcome::SetFloor { region: "xinan-tieshan".into(), yuan: None }
        );
        assert_eq!(
            Compose::floor(&facts(&[("xinan-tieshan", None)])).at,
            At::FloorAmount { region: "xinan-tieshan".into() }
        );
        let drafting = walk(&f, vec![text("合作社")]).floor_keeping(&f);
        assert_eq!((drafting.at.clone(), drafting.has_draft()), (At::FloorRegion, true), "the draft is kept");
    }

    #[test]
    fn pay_dates_and_counts_are_read_in_chinese_forms_too() {
        let month = |min, max| Some(DraftPay { min, max, per_day: false });
        let daily = |min, max| Some(DraftPay { min, max, per_day: true });
        assert_eq!(parse_pay("3000-4500"), month(3000, 4500));
        assert_eq!(parse_pay("3000到4500"), month(3000, 4500));
        assert_eq!(parse_pay("３０００～４５００元/月"), month(3000, 4500));
        assert_eq!(parse_pay("月薪3千到4.5千"), month(3000, 4500));
        assert_eq!(parse_pay("0.5万"), month(5000, 5000));
        assert_eq!(parse_pay("150元/天"), daily(150, 150));
        assert_eq!(parse_pay("日薪 130—160"), daily(130, 160));
        assert_eq!(parse_pay("130-160 per day"), daily(130, 160));
        assert_eq!(parse_pay("3,500"), month(3500, 3500));
        assert_eq!(parse_pay("面议"), None);
        assert_eq!(parse_pay("1-2-3"), None);
        assert_eq!(parse_pay("2.5"), None);

        let today = day(TODAY);
        assert_eq!(parse_date("2027-03-31", today), Some(day("2027-03-31")));
        assert_eq!(parse_date("2027/3/31", today), Some(day("2027-03-31")));
        assert_eq!(parse_date("2027年3月31日", today), Some(day("2027-03-31")));
        assert_eq!(parse_date("3月31日", today), Some(day("2027-03-31")), "the next 31 March");
        assert_eq!(parse_date("12月25日", today), Some(day("2026-12-25")));
        assert_eq!(parse_date("2027-02-30", today), None);
        assert_eq!(parse_date("明天", today), None);

        assert_eq!(parse_count("5人", MAX_SEATS), Some(5));
        assert_eq!(parse_count("招５个", MAX_SEATS), Some(5));
        assert_eq!(parse_count("5到8", MAX_SEATS), None);
        assert_eq!(parse_count("2千", MAX_PAY_YUAN), Some(2000));
    }

    #[test]
    fn every_button_decodes_to_itself_and_garbage_to_nothing() {
        for b in Button::samples(&"a".repeat(48), "mushroom") {
            assert_eq!(Button::decode(&b.encode()), Some(b.clone()), "{}", b.encode());
            assert!(b.encode().len() + 4 <= 64, "{}", b.encode());
        }
        for bad in ["", "r:", "r:Xin An", "k:", "t:2", "e:z", "x:", "g:9", "n:1", "p:1", "zz", "fx:1"] {
            assert_eq!(Button::decode(bad), None, "{bad}");
        }
    }
}
