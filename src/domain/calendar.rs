//! The farm calendar: the 24 solar terms and busy seasons anchored on them.
//!
//! Shared types used by the catalogue import are defined here first; the computation of term dates,
//! zone defaults, daily windows and the per-region [`RegionCalendar`] follows below.
//!
//! Busy season names: a [`BusyRange`]'s `name` is either the id of a built-in season (`sanxia`,
//! `spring-sowing`, … see [`SEASON_IDS`]), which the printout localises, or free text from a catalogue,
//! shown as written. The zone defaults use ids. An override whose name is a built-in id or its Chinese
//! name (`三夏`) is stored under the id, and replaces the zone default of that id.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::{Mutex, OnceLock};

use chrono::{DateTime, Datelike, Days, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::translations::{Localized, Translations};
use crate::i18n::Lang;

/// The 24 solar terms in calendar order, starting with 小寒 (early January).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SolarTerm {
    Xiaohan,
    Dahan,
    Lichun,
    Yushui,
    Jingzhe,
    Chunfen,
    Qingming,
    Guyu,
    Lixia,
    Xiaoman,
    Mangzhong,
    Xiazhi,
    Xiaoshu,
    Dashu,
    Liqiu,
    Chushu,
    Bailu,
    Qiufen,
    Hanlu,
    Shuangjiang,
    Lidong,
    Xiaoxue,
    Daxue,
    Dongzhi,
}

impl SolarTerm {
    pub const ALL: [SolarTerm; 24] = [
        SolarTerm::Xiaohan,
        SolarTerm::Dahan,
        SolarTerm::Lichun,
        SolarTerm::Yushui,
        SolarTerm::Jingzhe,
        SolarTerm::Chunfen,
        SolarTerm::Qingming,
        SolarTerm::Guyu,
        SolarTerm::Lixia,
        SolarTerm::Xiaoman,
        SolarTerm::Mangzhong,
        SolarTerm::Xiazhi,
        SolarTerm::Xiaoshu,
        SolarTerm::Dashu,
        SolarTerm::Liqiu,
        SolarTerm::Chushu,
        SolarTerm::Bailu,
        SolarTerm::Qiufen,
        SolarTerm::Hanlu,
        SolarTerm::Shuangjiang,
        SolarTerm::Lidong,
        SolarTerm::Xiaoxue,
        SolarTerm::Daxue,
        SolarTerm::Dongzhi,
    ];

    /// The pinyin key used in catalogue files (`xiaoman`).
    pub fn key(self) -> &'static str {
        const KEYS: [&str; 24] = [
            "xiaohan",
            "dahan",
            "lichun",
            "yushui",
            "jingzhe",
            "chunfen",
            "qingming",
            "guyu",
            "lixia",
            "xiaoman",
            "mangzhong",
            "xiazhi",
            "xiaoshu",
            "dashu",
            "liqiu",
            "chushu",
            "bailu",
            "qiufen",
            "hanlu",
            "shuangjiang",
            "lidong",
            "xiaoxue",
            "daxue",
            "dongzhi",
        ];
        KEYS[self as usize]
    }

    /// Parses the pinyin key or the Chinese name (the Chinese names are a data table for parsing
    /// catalogue files, like a numerals table; display goes through the locales).
    pub fn parse(s: &str) -> Option<SolarTerm> {
        const HANZI: [&str; 24] = [
            "\u{5c0f}\u{5bd2}",
            "\u{5927}\u{5bd2}",
            "\u{7acb}\u{6625}",
            "\u{96e8}\u{6c34}",
            "\u{60ca}\u{86f0}",
            "\u{6625}\u{5206}",
            "\u{6e05}\u{660e}",
            "\u{8c37}\u{96e8}",
            "\u{7acb}\u{590f}",
            "\u{5c0f}\u{6ee1}",
            "\u{8292}\u{79cd}",
            "\u{590f}\u{81f3}",
            "\u{5c0f}\u{6691}",
            "\u{5927}\u{6691}",
            "\u{7acb}\u{79cb}",
            "\u{5904}\u{6691}",
            "\u{767d}\u{9732}",
            "\u{79cb}\u{5206}",
            "\u{5bd2}\u{9732}",
            "\u{971c}\u{964d}",
            "\u{7acb}\u{51ac}",
            "\u{5c0f}\u{96ea}",
            "\u{5927}\u{96ea}",
            "\u{51ac}\u{81f3}",
        ];
        let s = s.trim();
        SolarTerm::ALL.into_iter().find(|t| t.key().eq_ignore_ascii_case(s) || HANZI[*t as usize] == s)
    }
}

/// A day anchored on a solar term: `xiaoman+7` is seven days after 小满.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Anchor {
    pub term: SolarTerm,
    pub offset_days: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a solar term with an optional day offset (examples: xiaoman, xiaoman+7, xiazhi-5)")]
pub struct AnchorError(pub String);

impl FromStr for Anchor {
    type Err = AnchorError;

    fn from_str(s: &str) -> Result<Anchor, AnchorError> {
        let bad = || AnchorError(s.to_owned());
        let s_trim = s.trim();
        let split = s_trim.find(['+', '-']);
        let (term, offset) = match split {
            Some(i) => (&s_trim[..i], s_trim[i..].trim()),
            None => (s_trim, ""),
        };
        let term = SolarTerm::parse(term).ok_or_else(bad)?;
        let offset_days = match offset {
            "" => 0,
            o => {
                let n: i32 = o.trim_start_matches('+').trim().parse().map_err(|_| bad())?;
                if !(-60..=60).contains(&n) {
                    return Err(bad());
                }
                n
            }
        };
        Ok(Anchor { term, offset_days })
    }
}

impl fmt::Display for Anchor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.offset_days {
            0 => f.write_str(self.term.key()),
            n if n > 0 => write!(f, "{}+{n}", self.term.key()),
            n => write!(f, "{}{n}", self.term.key()),
        }
    }
}

impl Serialize for Anchor {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Anchor {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Anchor, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A busy farming season, inclusive at both ends: `{ name = "三夏", from = "xiaoman+7", to = "xiazhi-5" }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusyRange {
    pub name: String,
    pub from: Anchor,
    pub to: Anchor,
    /// Translations of a catalogue season's `name`: `tr = { en = { name = "Spring tea picking" } }`.
    #[serde(default, skip_serializing_if = "Translations::is_empty")]
    pub tr: Translations,
}

/// Keys of the built-in agricultural zones (GUIDE.md section 3).
pub const ZONE_KEYS: [&str; 6] = [
    "north-wheat-maize",
    "yangtze-rice",
    "south-double-rice",
    "southwest-mountain",
    "northeast-single",
    "northwest-dry",
];

pub fn is_known_zone(key: &str) -> bool {
    ZONE_KEYS.contains(&key)
}

// ---------------------------------------------------------------------------------------------------
// Solar term dates
// ---------------------------------------------------------------------------------------------------

/// The years whose term dates are computed astronomically (and pinned by tests). Outside this range
/// [`term_date`] still answers, from the mean date of the term, without the day's precision.
pub const TERM_YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;

/// Where tyme4rs' arithmetic is safe to call; beyond this the mean dates are used.
const ASTRONOMICAL_YEARS: std::ops::RangeInclusive<i32> = 1000..=3000;

/// Julian day number of 2000-01-01 12:00.
const J2000: f64 = 2_451_545.0;

/// The date (China Standard Time, UTC+8) on which `term` begins in `year`.
///
/// Computed from the term's instant, so it can differ from historical almanacs by a day when the
/// instant falls within a minute of midnight (1912 寒露, 1950 谷雨, …: those almanacs used other clocks
/// or rounding).
pub fn term_date(year: i32, term: SolarTerm) -> NaiveDate {
    term_instant(year, term).date()
}

/// The moment `term` begins in `year`, in China Standard Time, to the second (12:00 on the mean date
/// outside [`TERM_YEARS`]' wider astronomical range).
pub fn term_instant(year: i32, term: SolarTerm) -> NaiveDateTime {
    year_terms(year)[term as usize]
}

/// All 24 terms of `year` in calendar order (小寒 … 冬至), with their dates in China Standard Time.
pub fn terms_of_year(year: i32) -> [(SolarTerm, NaiveDate); 24] {
    let instants = year_terms(year);
    SolarTerm::ALL.map(|t| (t, instants[t as usize].date()))
}

fn year_terms(year: i32) -> [NaiveDateTime; 24] {
    // Each year costs 24 astronomical computations; the gate asks for the same few years over and over.
    static CACHE: OnceLock<Mutex<HashMap<i32, [NaiveDateTime; 24]>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(instants) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&year) {
        return *instants;
    }
    let instants = compute_year_terms(year);
    cache.lock().unwrap_or_else(|e| e.into_inner()).insert(year, instants);
    instants
}

fn compute_year_terms(year: i32) -> [NaiveDateTime; 24] {
    SolarTerm::ALL.map(|term| {
        let astronomical = if ASTRONOMICAL_YEARS.contains(&year) {
            // tyme4rs counts a year's terms from the previous December's 冬至 (index 0), so our 小寒 is
            // its index 1 and our 冬至 (this December) is index 24, which it rolls into the next year's 0.
            let index = term as isize + 1;
            let instant = tyme4rs::tyme::solar::SolarTerm::from_index(year as isize, index).get_julian_day();
            // The accurate instant is a Julian day in Beijing time (tyme4rs adds the 8 hours).
            instant_of_julian_day(instant.get_day())
        } else {
            None
        };
        astronomical.unwrap_or_else(|| mean_term_date(year, term).and_time(hm(12, 0)))
    })
}

/// The local date and time of a Julian day (Julian days start at noon), to the second.
fn instant_of_julian_day(jd: f64) -> Option<NaiveDateTime> {
    if !jd.is_finite() {
        return None;
    }
    let seconds_from_2000 = ((jd - J2000) * 86_400.0).round() + 12.0 * 3600.0;
    if seconds_from_2000.abs() > 1e12 {
        return None;
    }
    let base = NaiveDate::from_ymd_opt(2000, 1, 1)?.and_time(NaiveTime::MIN);
    base.checked_add_signed(chrono::Duration::seconds(seconds_from_2000 as i64))
}

/// The usual day of a term, for years outside the astronomical range.
fn mean_term_date(year: i32, term: SolarTerm) -> NaiveDate {
    const MONTH_DAY: [(u32, u32); 24] = [
        (1, 6),
        (1, 20),
        (2, 4),
        (2, 19),
        (3, 6),
        (3, 21),
        (4, 5),
        (4, 20),
        (5, 6),
        (5, 21),
        (6, 6),
        (6, 21),
        (7, 7),
        (7, 23),
        (8, 8),
        (8, 23),
        (9, 8),
        (9, 23),
        (10, 8),
        (10, 23),
        (11, 7),
        (11, 22),
        (12, 7),
        (12, 22),
    ];
    let (month, day) = MONTH_DAY[term as usize];
    let year = year.clamp(NaiveDate::MIN.year() + 1, NaiveDate::MAX.year() - 1);
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

impl Anchor {
    /// The day this anchor names in `year` (the term of that year plus the offset).
    pub fn date_in(self, year: i32) -> NaiveDate {
        shift_days(term_date(year, self.term), self.offset_days)
    }
}

fn shift_days(date: NaiveDate, days: i32) -> NaiveDate {
    let shifted = if days >= 0 {
        date.checked_add_days(Days::new(days as u64))
    } else {
        date.checked_sub_days(Days::new(days.unsigned_abs() as u64))
    };
    shifted.unwrap_or(date)
}

// ---------------------------------------------------------------------------------------------------
// Zone defaults
// ---------------------------------------------------------------------------------------------------

/// Ids of the built-in busy seasons, used as `BusyRange::name` by the zone defaults.
pub const SEASON_IDS: [&str; 11] = [
    "sanxia",
    "sanqiu",
    "spring-transplanting",
    "shuangqiang",
    "autumn-harvest-winter-sowing",
    "early-rice-transplanting",
    "late-rice-harvest",
    "spring-tea",
    "spring-sowing",
    "autumn-harvest",
    "summer-harvest",
];

/// The Chinese names of [`SEASON_IDS`], in the same order: a data table for reading catalogue files
/// (display goes through the locales).
const SEASON_HANZI: [&str; 11] = [
    "\u{4e09}\u{590f}",
    "\u{4e09}\u{79cb}",
    "\u{6625}\u{63d2}",
    "\u{53cc}\u{62a2}",
    "\u{79cb}\u{6536}\u{51ac}\u{79cd}",
    "\u{65e9}\u{7a3b}\u{63d2}\u{79e7}",
    "\u{665a}\u{7a3b}\u{6536}\u{5272}",
    "\u{6625}\u{8336}",
    "\u{6625}\u{64ad}",
    "\u{79cb}\u{6536}",
    "\u{590f}\u{6536}",
];

/// The built-in season a name refers to: its id (`sanxia`) or its Chinese name (`三夏`).
pub fn season_id(name: &str) -> Option<&'static str> {
    let name = name.trim();
    SEASON_IDS
        .iter()
        .zip(SEASON_HANZI)
        .find(|(id, hanzi)| id.eq_ignore_ascii_case(name) || *hanzi == name)
        .map(|(id, _)| *id)
}

/// The default busy seasons of a built-in zone (GUIDE.md section 3); `None` for an unknown zone key.
/// Names are season ids (see the module doc).
pub fn default_busy_ranges(zone: &str) -> Option<Vec<BusyRange>> {
    use SolarTerm::*;
    let range = |name: &str, from: SolarTerm, from_offset: i32, to: SolarTerm, to_offset: i32| BusyRange {
        name: name.to_owned(),
        from: Anchor { term: from, offset_days: from_offset },
        to: Anchor { term: to, offset_days: to_offset },
        tr: Translations::default(),
    };
    let ranges = match zone {
        "north-wheat-maize" => {
            vec![range("sanxia", Xiaoman, 7, Xiazhi, -5), range("sanqiu", Qiufen, 0, Shuangjiang, -3)]
        }
        "yangtze-rice" => vec![
            range("spring-transplanting", Qingming, 0, Guyu, 10),
            range("shuangqiang", Xiaoshu, 0, Liqiu, 3),
            range("autumn-harvest-winter-sowing", Hanlu, 0, Lidong, 0),
        ],
        "south-double-rice" => vec![
            range("early-rice-transplanting", Chunfen, 0, Qingming, 10),
            range("shuangqiang", Xiaoshu, -5, Dashu, 10),
            range("late-rice-harvest", Shuangjiang, 0, Lidong, 10),
        ],
        "southwest-mountain" => vec![
            range("spring-tea", Chunfen, 0, Guyu, 0),
            range("spring-sowing", Guyu, 0, Mangzhong, 0),
            range("autumn-harvest", Bailu, 0, Hanlu, 0),
        ],
        "northeast-single" => {
            vec![range("spring-sowing", Guyu, 0, Lixia, 10), range("autumn-harvest", Qiufen, 0, Shuangjiang, 7)]
        }
        "northwest-dry" => vec![
            range("spring-sowing", Qingming, 0, Lixia, 0),
            range("summer-harvest", Xiaoshu, 0, Dashu, 0),
            range("autumn-harvest", Qiufen, 0, Shuangjiang, 0),
        ],
        _ => return None,
    };
    Some(ranges)
}

// ---------------------------------------------------------------------------------------------------
// Daily windows
// ---------------------------------------------------------------------------------------------------

/// A daily stretch of local clock time, `21:00-07:30`: start inclusive, end exclusive. The end may be
/// earlier than the start; the range then runs over midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DailyRange {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a daily range HH:MM-HH:MM with different start and end (example: 21:00-07:30)")]
pub struct DailyRangeError(pub String);

impl DailyRange {
    /// 21:00–07:30: nobody is messaged at night.
    pub fn default_quiet() -> DailyRange {
        DailyRange { start: hm(21, 0), end: hm(7, 30) }
    }

    /// 12:00–13:30 and 19:30–21:00: when people in the fields can be reached on busy-season days.
    pub fn default_busy_windows() -> Vec<DailyRange> {
        vec![DailyRange { start: hm(12, 0), end: hm(13, 30) }, DailyRange { start: hm(19, 30), end: hm(21, 0) }]
    }

    pub fn contains(&self, t: NaiveTime) -> bool {
        if self.start <= self.end { self.start <= t && t < self.end } else { t >= self.start || t < self.end }
    }

    pub fn crosses_midnight(&self) -> bool {
        self.end < self.start
    }

    /// The range as half-open pieces of seconds since midnight, within one day.
    fn pieces(&self) -> Vec<(u32, u32)> {
        let (start, end) = (self.start.num_seconds_from_midnight(), self.end.num_seconds_from_midnight());
        if start <= end { vec![(start, end)] } else { vec![(0, end), (start, DAY_SECONDS)] }
    }
}

fn hm(hour: u32, minute: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or(NaiveTime::MIN)
}

impl FromStr for DailyRange {
    type Err = DailyRangeError;

    fn from_str(s: &str) -> Result<DailyRange, DailyRangeError> {
        let bad = || DailyRangeError(s.to_owned());
        let (a, b) = s.split_once(['-', '\u{2013}']).ok_or_else(bad)?;
        let parse = |t: &str| {
            let t = t.trim();
            // Exactly HH:MM: chrono alone would also take `9:5`.
            if t.len() != 5 || t.as_bytes()[2] != b':' {
                return None;
            }
            NaiveTime::parse_from_str(t, "%H:%M").ok()
        };
        let (start, end) = (parse(a).ok_or_else(bad)?, parse(b).ok_or_else(bad)?);
        // Equal ends could mean "never" or "all day"; make the writer say which.
        if start == end {
            return Err(bad());
        }
        Ok(DailyRange { start, end })
    }
}

impl fmt::Display for DailyRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.start.format("%H:%M"), self.end.format("%H:%M"))
    }
}

impl Serialize for DailyRange {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DailyRange {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<DailyRange, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

const DAY_SECONDS: u32 = 86_400;

/// Half-open stretches of seconds within one day, sorted and not touching.
type DayPieces = Vec<(u32, u32)>;

fn normalise(mut pieces: DayPieces) -> DayPieces {
    pieces.retain(|(a, b)| a < b);
    pieces.sort_unstable();
    let mut out: DayPieces = Vec::with_capacity(pieces.len());
    for (a, b) in pieces {
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

fn complement(pieces: &DayPieces) -> DayPieces {
    let mut out = Vec::new();
    let mut at = 0;
    for &(a, b) in pieces {
        if a > at {
            out.push((at, a));
        }
        at = at.max(b);
    }
    if at < DAY_SECONDS {
        out.push((at, DAY_SECONDS));
    }
    out
}

fn intersect(x: &DayPieces, y: &DayPieces) -> DayPieces {
    let mut out = Vec::new();
    for &(a, b) in x {
        for &(c, d) in y {
            let (lo, hi) = (a.max(c), b.min(d));
            if lo < hi {
                out.push((lo, hi));
            }
        }
    }
    normalise(out)
}

// ---------------------------------------------------------------------------------------------------
// A region's calendar
// ---------------------------------------------------------------------------------------------------

/// Who may be reached when, in one region: its time zone, busy seasons and daily windows.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionCalendar {
    pub tz: chrono_tz::Tz,
    /// The agricultural zone key (one of [`ZONE_KEYS`], or anything else for "no defaults").
    pub zone: String,
    pub busy: Vec<BusyRange>,
    /// Nobody is messaged inside this range (default 21:00–07:30).
    pub quiet: DailyRange,
    /// On busy-season days, people can only be reached inside these (default 12:00–13:30, 19:30–21:00).
    pub busy_windows: Vec<DailyRange>,
}

/// Which instants a message may use; see `gate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reach {
    /// Any time outside quiet hours.
    NotQuiet,
    /// Outside quiet hours, and on busy-season days only inside the busy windows.
    BusyWindowsOnBusyDays,
    /// Outside quiet hours and never on a busy-season day.
    NotOnBusyDays,
}

impl RegionCalendar {
    /// The zone's default busy seasons (none for an unknown zone) with `overrides` applied: with
    /// `replace` the overrides are the whole list; otherwise they are added, and an override of a
    /// built-in season (by id or Chinese name, see the module doc) takes the place of the default of
    /// the same season. Daily windows start at their defaults; set the fields to change them.
    pub fn new(tz: chrono_tz::Tz, zone: &str, overrides: &[BusyRange], replace: bool) -> Self {
        let mut busy = if replace { Vec::new() } else { default_busy_ranges(zone).unwrap_or_default() };
        for over in overrides {
            let mut over = over.clone();
            if let Some(id) = season_id(&over.name) {
                over.name = id.to_owned();
            }
            match busy.iter_mut().find(|b| b.name == over.name) {
                Some(existing) if !replace => *existing = over,
                _ => busy.push(over),
            }
        }
        RegionCalendar {
            tz,
            zone: zone.to_owned(),
            busy,
            quiet: DailyRange::default_quiet(),
            busy_windows: DailyRange::default_busy_windows(),
        }
    }

    /// Each busy range as anchored on `year`'s solar terms, sorted by start, both ends inclusive. A
    /// range whose end comes before its start in the year (`dongzhi → xiaohan+5`) runs over the year
    /// end and ends in `year + 1`; one with a negative offset (`xiaohan-10 → dahan`) may start in
    /// `year - 1`. Names are as in [`RegionCalendar::busy`] (ids or catalogue text).
    pub fn busy_seasons(&self, year: i32) -> Vec<(String, NaiveDate, NaiveDate)> {
        let mut seasons: Vec<_> = self
            .busy
            .iter()
            .map(|range| {
                let (from, to) = season_span(range, year);
                (range.name.clone(), from, to)
            })
            .collect();
        seasons.sort_by_key(|(_, from, _)| *from);
        seasons
    }

    /// A busy season's name for display in `lang`: a built-in season's from the locales, a catalogue
    /// season's from its translations (else as written).
    pub fn season_label(&self, name: &str, lang: Lang) -> String {
        match self.busy.iter().find(|b| b.name == name) {
            Some(range) if season_id(name).is_none() => range.tr.text(lang, "name", &range.name).to_owned(),
            _ => season_name(name, lang),
        }
    }

    /// A busy season's name in every language (for a message rendered later, per reader).
    pub fn season_localized(&self, name: &str) -> Localized {
        if season_id(name).is_some() {
            let mut named = Localized::plain(season_name(name, Lang::DEFAULT));
            for lang in Lang::ALL {
                named.tr.insert(lang.code().to_owned(), season_name(name, lang));
            }
            return named;
        }
        match self.busy.iter().find(|b| b.name == name) {
            Some(range) => Localized::field(&range.name, &range.tr, "name"),
            None => Localized::plain(name),
        }
    }

    /// The name of a busy season that `date` (a local date in the region) falls in.
    pub fn is_busy_day(&self, date: NaiveDate) -> Option<&str> {
        let year = date.year();
        self.busy
            .iter()
            .find(|range| {
                (year - 1..=year + 1).any(|y| {
                    let (from, to) = season_span(range, y);
                    from <= date && date <= to
                })
            })
            .map(|range| range.name.as_str())
    }

    /// The `n` dates nearest to `date` (either side, `date` itself if free) outside busy seasons, in
    /// calendar order. On equal distance the later date wins. Looks at most a year each way, so a
    /// region busy all year gets fewer dates. This does not know today: to suggest only dates still to
    /// come, use [`RegionCalendar::nearest_free_dates_not_before`].
    pub fn nearest_free_dates(&self, date: NaiveDate, n: usize) -> Vec<NaiveDate> {
        self.nearest_free_dates_not_before(date, NaiveDate::MIN, n)
    }

    /// As [`RegionCalendar::nearest_free_dates`], skipping dates before `earliest` (pass today).
    pub fn nearest_free_dates_not_before(&self, date: NaiveDate, earliest: NaiveDate, n: usize) -> Vec<NaiveDate> {
        let mut found = Vec::with_capacity(n);
        let consider = |d: Option<NaiveDate>, found: &mut Vec<NaiveDate>| {
            if let Some(d) = d
                && found.len() < n
                && d >= earliest
                && self.is_busy_day(d).is_none()
            {
                found.push(d);
            }
        };
        consider(Some(date), &mut found);
        for distance in 1..=366u64 {
            if found.len() >= n {
                break;
            }
            consider(date.checked_add_days(Days::new(distance)), &mut found);
            consider(date.checked_sub_days(Days::new(distance)), &mut found);
        }
        found.sort_unstable();
        found
    }

    /// The region's local time of an instant.
    pub fn local(&self, at: DateTime<Utc>) -> NaiveDateTime {
        at.with_timezone(&self.tz).naive_local()
    }

    /// Whether `at` falls in the region's quiet hours.
    pub fn is_quiet(&self, at: DateTime<Utc>) -> bool {
        self.quiet.contains(self.local(at).time())
    }

    /// The busy season the region's local day of `at` falls in.
    pub fn busy_season_at(&self, at: DateTime<Utc>) -> Option<&str> {
        self.is_busy_day(self.local(at).date())
    }

    /// Whether `at` falls inside one of the busy-season windows (whatever the day).
    pub fn in_busy_window(&self, at: DateTime<Utc>) -> bool {
        let t = self.local(at).time();
        self.busy_windows.iter().any(|w| w.contains(t))
    }

    /// The stretches of a local day a message of this reach may use (seconds since midnight).
    fn day_pieces(&self, reach: Reach, date: NaiveDate) -> DayPieces {
        let not_quiet = complement(&normalise(self.quiet.pieces()));
        match reach {
            Reach::NotQuiet => not_quiet,
            Reach::BusyWindowsOnBusyDays if self.is_busy_day(date).is_some() => {
                let windows = normalise(self.busy_windows.iter().flat_map(DailyRange::pieces).collect());
                intersect(&not_quiet, &windows)
            }
            Reach::BusyWindowsOnBusyDays => not_quiet,
            Reach::NotOnBusyDays if self.is_busy_day(date).is_some() => Vec::new(),
            Reach::NotOnBusyDays => not_quiet,
        }
    }

    /// Whether a message of this reach may go at `at`.
    pub(crate) fn allows(&self, reach: Reach, at: DateTime<Utc>) -> bool {
        let local = self.local(at);
        let second = local.num_seconds_from_midnight();
        self.day_pieces(reach, local.date()).iter().any(|&(a, b)| a <= second && second < b)
    }

    /// The allowed stretches of a local day as instants, in order.
    pub(crate) fn day_stretches(&self, reach: Reach, date: NaiveDate) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        let midnight = date.and_time(NaiveTime::MIN);
        self.day_pieces(reach, date)
            .into_iter()
            .filter_map(|(a, b)| {
                let start = self.instant_of(midnight + chrono::Duration::seconds(a.into()))?;
                let end = self.instant_of(midnight + chrono::Duration::seconds(b.into()))?;
                (start < end).then_some((start, end))
            })
            .collect()
    }

    /// The first instant whose local time is `local` or later: the instant itself, the earlier of two
    /// when clocks go back, the moment clocks jump forward when `local` falls in the skipped hour.
    fn instant_of(&self, local: NaiveDateTime) -> Option<DateTime<Utc>> {
        match self.tz.from_local_datetime(&local) {
            LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
            LocalResult::Ambiguous(earlier, _) => Some(earlier.with_timezone(&Utc)),
            LocalResult::None => {
                // Every offset in use is within ±15 hours, so the answer lies in this bracket.
                let guess = local.and_utc().timestamp();
                let (mut lo, mut hi) = (guess - 15 * 3600, guess + 15 * 3600);
                let reached = |secs: i64| DateTime::from_timestamp(secs, 0).map(|t| self.local(t) >= local);
                while hi - lo > 1 {
                    let mid = lo + (hi - lo) / 2;
                    if reached(mid)? {
                        hi = mid;
                    } else {
                        lo = mid;
                    }
                }
                DateTime::from_timestamp(hi, 0)
            }
        }
    }
}

/// A range anchored on `year`, with the end moved to the next year when it precedes the start.
fn season_span(range: &BusyRange, year: i32) -> (NaiveDate, NaiveDate) {
    let from = range.from.date_in(year);
    let mut to = range.to.date_in(year);
    if to < from {
        to = range.to.date_in(year + 1);
    }
    (from, to)
}

// ---------------------------------------------------------------------------------------------------
// Names and the printout
// ---------------------------------------------------------------------------------------------------

/// The localised name of a solar term.
pub fn term_name(term: SolarTerm, lang: Lang) -> String {
    use SolarTerm::*;
    match term {
        Xiaohan => crate::tr!(lang, "calendar-term-xiaohan"),
        Dahan => crate::tr!(lang, "calendar-term-dahan"),
        Lichun => crate::tr!(lang, "calendar-term-lichun"),
        Yushui => crate::tr!(lang, "calendar-term-yushui"),
        Jingzhe => crate::tr!(lang, "calendar-term-jingzhe"),
        Chunfen => crate::tr!(lang, "calendar-term-chunfen"),
        Qingming => crate::tr!(lang, "calendar-term-qingming"),
        Guyu => crate::tr!(lang, "calendar-term-guyu"),
        Lixia => crate::tr!(lang, "calendar-term-lixia"),
        Xiaoman => crate::tr!(lang, "calendar-term-xiaoman"),
        Mangzhong => crate::tr!(lang, "calendar-term-mangzhong"),
        Xiazhi => crate::tr!(lang, "calendar-term-xiazhi"),
        Xiaoshu => crate::tr!(lang, "calendar-term-xiaoshu"),
        Dashu => crate::tr!(lang, "calendar-term-dashu"),
        Liqiu => crate::tr!(lang, "calendar-term-liqiu"),
        Chushu => crate::tr!(lang, "calendar-term-chushu"),
        Bailu => crate::tr!(lang, "calendar-term-bailu"),
        Qiufen => crate::tr!(lang, "calendar-term-qiufen"),
        Hanlu => crate::tr!(lang, "calendar-term-hanlu"),
        Shuangjiang => crate::tr!(lang, "calendar-term-shuangjiang"),
        Lidong => crate::tr!(lang, "calendar-term-lidong"),
        Xiaoxue => crate::tr!(lang, "calendar-term-xiaoxue"),
        Daxue => crate::tr!(lang, "calendar-term-daxue"),
        Dongzhi => crate::tr!(lang, "calendar-term-dongzhi"),
    }
}

/// The name of a busy season for display: built-in ids are localised, catalogue text is shown as is.
pub fn season_name(name: &str, lang: Lang) -> String {
    match season_id(name) {
        Some("sanxia") => crate::tr!(lang, "calendar-season-sanxia"),
        Some("sanqiu") => crate::tr!(lang, "calendar-season-sanqiu"),
        Some("spring-transplanting") => crate::tr!(lang, "calendar-season-spring-transplanting"),
        Some("shuangqiang") => crate::tr!(lang, "calendar-season-shuangqiang"),
        Some("autumn-harvest-winter-sowing") => crate::tr!(lang, "calendar-season-autumn-harvest-winter-sowing"),
        Some("early-rice-transplanting") => crate::tr!(lang, "calendar-season-early-rice-transplanting"),
        Some("late-rice-harvest") => crate::tr!(lang, "calendar-season-late-rice-harvest"),
        Some("spring-tea") => crate::tr!(lang, "calendar-season-spring-tea"),
        Some("spring-sowing") => crate::tr!(lang, "calendar-season-spring-sowing"),
        Some("autumn-harvest") => crate::tr!(lang, "calendar-season-autumn-harvest"),
        Some("summer-harvest") => crate::tr!(lang, "calendar-season-summer-harvest"),
        _ => name.to_owned(),
    }
}

/// The localised name of a built-in zone; other keys are shown as they are.
pub fn zone_name(zone: &str, lang: Lang) -> String {
    match zone {
        "north-wheat-maize" => crate::tr!(lang, "calendar-zone-north-wheat-maize"),
        "yangtze-rice" => crate::tr!(lang, "calendar-zone-yangtze-rice"),
        "south-double-rice" => crate::tr!(lang, "calendar-zone-south-double-rice"),
        "southwest-mountain" => crate::tr!(lang, "calendar-zone-southwest-mountain"),
        "northeast-single" => crate::tr!(lang, "calendar-zone-northeast-single"),
        "northwest-dry" => crate::tr!(lang, "calendar-zone-northwest-dry"),
        other => other.to_owned(),
    }
}

/// The year's calendar of a region as plain text (for `fieldschool calendar REGION --year Y`): the 24
/// solar terms, the busy seasons with their inclusive date ranges, and the daily windows.
pub fn render_calendar(cal: &RegionCalendar, region_name: &str, year: i32, lang: Lang) -> String {
    let date = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    let mut lines = vec![crate::tr!(lang, "calendar-title", region = region_name, year = year)];
    lines.push(crate::tr!(lang, "calendar-zone-line", zone = zone_name(&cal.zone, lang), tz = cal.tz.name()));
    lines.push(String::new());
    lines.push(crate::tr!(lang, "calendar-terms-heading"));
    for (term, day) in terms_of_year(year) {
        lines.push(crate::tr!(lang, "calendar-term-line", term = term_name(term, lang), date = date(day)));
    }
    lines.push(String::new());
    lines.push(crate::tr!(lang, "calendar-busy-heading"));
    let seasons = cal.busy_seasons(year);
    if seasons.is_empty() {
        lines.push(crate::tr!(lang, "calendar-busy-none"));
    }
    for (name, from, to) in seasons {
        let days = (to - from).num_days() + 1;
        lines.push(crate::tr!(
            lang,
            "calendar-busy-line",
            season = cal.season_label(&name, lang),
            from = date(from),
            to = date(to),
            days = days
        ));
    }
    lines.push(String::new());
    lines.push(crate::tr!(lang, "calendar-quiet-line", range = cal.quiet.to_string()));
    let windows: Vec<String> = cal.busy_windows.iter().map(DailyRange::to_string).collect();
    lines.push(crate::tr!(lang, "calendar-busy-windows-line", windows = windows.join(", ")));
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_parse_pinyin_and_chinese_with_offsets() {
        assert_eq!("xiaoman+7".parse(), Ok(Anchor { term: SolarTerm::Xiaoman, offset_days: 7 }));
        assert_eq!("夏至-5".parse(), Ok(Anchor { term: SolarTerm::Xiazhi, offset_days: -5 }));
        assert_eq!("qiufen".parse(), Ok(Anchor { term: SolarTerm::Qiufen, offset_days: 0 }));
        assert!("harvest".parse::<Anchor>().is_err());
        assert!("xiaoman+x".parse::<Anchor>().is_err());
        assert_eq!(Anchor { term: SolarTerm::Xiazhi, offset_days: -5 }.to_string(), "xiazhi-5");
    }

    #[test]
    fn tyme4rs_term_indexes_map_onto_ours() {
        // tyme4rs starts its list at the previous December's 冬至; ours starts at 小寒.
        assert_eq!(term_date(2025, SolarTerm::Xiaohan), NaiveDate::from_ymd_opt(2025, 1, 5).unwrap());
        assert_eq!(term_date(2025, SolarTerm::Dongzhi), NaiveDate::from_ymd_opt(2025, 12, 21).unwrap());
        assert_eq!(term_instant(2025, SolarTerm::Lichun).format("%Y-%m-%d %H:%M").to_string(), "2025-02-03 22:10");
    }

    #[test]
    fn years_outside_the_astronomical_range_get_mean_dates_without_panicking() {
        assert_eq!(term_date(5000, SolarTerm::Qingming), NaiveDate::from_ymd_opt(5000, 4, 5).unwrap());
        assert_eq!(term_date(i32::MAX, SolarTerm::Dongzhi).month(), 12);
        assert_eq!(term_date(i32::MIN, SolarTerm::Xiaohan).month(), 1);
    }

    #[test]
    fn day_pieces_combine_quiet_hours_and_busy_windows() {
        assert_eq!(complement(&normalise(DailyRange::default_quiet().pieces())), vec![(27_000, 75_600)]);
        let windows = normalise(DailyRange::default_busy_windows().iter().flat_map(DailyRange::pieces).collect());
        assert_eq!(intersect(&vec![(27_000, 75_600)], &windows), vec![(43_200, 48_600), (70_200, 75_600)]);
        assert_eq!(normalise(vec![(5, 10), (0, 5), (20, 20), (8, 12)]), vec![(0, 12)]);
        assert_eq!(complement(&vec![]), vec![(0, DAY_SECONDS)]);
    }

    #[test]
    fn local_times_in_a_skipped_hour_start_when_the_clocks_jump() {
        let cal = RegionCalendar::new(chrono_tz::Europe::Berlin, "none", &[], true);
        let skipped = NaiveDate::from_ymd_opt(2026, 3, 29).unwrap().and_hms_opt(2, 30, 0).unwrap();
        let jump = Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap();
        assert_eq!(cal.instant_of(skipped), Some(jump));
        let repeated = NaiveDate::from_ymd_opt(2026, 10, 25).unwrap().and_hms_opt(2, 30, 0).unwrap();
        assert_eq!(cal.instant_of(repeated), Some(Utc.with_ymd_and_hms(2026, 10, 25, 0, 30, 0).unwrap()));
    }

    #[test]
    fn override_names_are_matched_to_built_in_seasons() {
        assert_eq!(season_id("三夏"), Some("sanxia"));
        assert_eq!(season_id(" Sanxia "), Some("sanxia"));
        assert_eq!(season_id("春茶"), Some("spring-tea"));
        assert_eq!(season_id("采茶"), None);
        assert_eq!(season_name("sanxia", Lang::Zh), "三夏");
        assert_eq!(season_name("采茶", Lang::En), "采茶");
        for id in SEASON_IDS {
            assert_ne!(season_name(id, Lang::Zh), id, "{id} has a Chinese name");
            assert_ne!(season_name(id, Lang::En), id, "{id} has an English name");
        }
        for zone in ZONE_KEYS {
            assert_ne!(zone_name(zone, Lang::Zh), zone);
        }
        for term in SolarTerm::ALL {
            assert_ne!(term_name(term, Lang::En), term.key());
        }
    }
}
