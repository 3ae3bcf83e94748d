//! Coordinators' `/report`: the scope they choose (a region, optionally one course, a period), the
//! period's bounds in the region's time zone, the buttons' callback data, and the pure aggregation
//! of per-order facts into per-course figures (rates, and "too few to say").
//!
//! What a report counts: the orders *placed* in the period (by `orders.created_at`) for classes in
//! the region, each by its current status, with the attendance, quiz attempts and completion of
//! those same orders. So every figure of the summary can be traced to rows of the CSV. Seats are a
//! snapshot of now.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};

use super::order::OrderStatus;

// ---------------------------------------------------------------------------------------------------
// Period
// ---------------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    /// Monday 00:00 to next Monday 00:00, local time.
    Week,
    Month,
    Year,
    /// No bounds.
    All,
}

/// `[from, until)` in UTC; `None` for [`Period::All`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
    /// The first and the last local day, for display.
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
}

impl Period {
    pub const ALL: [Period; 4] = [Period::Week, Period::Month, Period::Year, Period::All];

    pub fn code(self) -> char {
        match self {
            Period::Week => 'w',
            Period::Month => 'm',
            Period::Year => 'y',
            Period::All => 'a',
        }
    }

    pub fn from_code(code: &str) -> Option<Period> {
        Period::ALL.into_iter().find(|p| code.len() == 1 && code.starts_with(p.code()))
    }

    /// The period containing `now`, in `tz`.
    pub fn bounds<Z: TimeZone>(self, now: DateTime<Utc>, tz: &Z) -> Option<Bounds> {
        let today = now.with_timezone(tz).date_naive();
        let (first, next) = match self {
            Period::All => return None,
            Period::Week => {
                let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
                (monday, monday + Duration::days(7))
            }
            Period::Month => {
                let first = today.with_day(1)?;
                let next = if first.month() == 12 {
                    NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)?
                } else {
                    NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)?
                };
                (first, next)
            }
            Period::Year => {
                (NaiveDate::from_ymd_opt(today.year(), 1, 1)?, NaiveDate::from_ymd_opt(today.year() + 1, 1, 1)?)
            }
        };
        Some(Bounds {
            from: local_midnight(tz, first),
            until: local_midnight(tz, next),
            first_day: first,
            last_day: next - Duration::days(1),
        })
    }

    /// The period as it appears in a file name: `2026-W51`, `2026-12`, `2026`, `all`.
    pub fn file_tag(self, bounds: Option<&Bounds>) -> String {
        match (self, bounds) {
            (Period::Week, Some(b)) => {
                let w = b.first_day.iso_week();
                format!("{}-W{:02}", w.year(), w.week())
            }
            (Period::Month, Some(b)) => b.first_day.format("%Y-%m").to_string(),
            (Period::Year, Some(b)) => b.first_day.format("%Y").to_string(),
            _ => "all".to_owned(),
        }
    }
}

/// The first instant of a local day (a day that starts in a DST gap starts at the gap's end).
fn local_midnight<Z: TimeZone>(tz: &Z, day: NaiveDate) -> DateTime<Utc> {
    let naive = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    match tz.from_local_datetime(&naive).earliest() {
        Some(t) => t.with_timezone(&Utc),
        None => tz
            .from_local_datetime(&(naive + Duration::hours(1)))
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|| naive.and_utc()),
    }
}

// ---------------------------------------------------------------------------------------------------
// Callback data
// ---------------------------------------------------------------------------------------------------

/// A course named in a button by a short, stable tag of its key (FNV-1a, 32 bits), so a region key
/// and a course fit in 64 bytes of callback data together. The handler resolves it among the courses
/// of the region; a tag matching none (forged, or a course of another region) is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CourseTag(pub u32);

impl CourseTag {
    pub fn of(course_key: &str) -> CourseTag {
        let mut h: u32 = 0x811c_9dc5;
        for b in course_key.bytes() {
            h ^= u32::from(b);
            h = h.wrapping_mul(0x0100_0193);
        }
        CourseTag(h)
    }

    pub fn matches(self, course_key: &str) -> bool {
        CourseTag::of(course_key) == self
    }
}

/// One step of the `/report` buttons. Data is only a claim: every press is checked against the
/// presser's coordinator scope before anything is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportStep {
    /// A region was chosen: offer its courses.
    Region(String),
    /// Region and course (`None` = all courses) chosen: offer the periods.
    Course { region: String, course: Option<CourseTag> },
    /// Everything chosen: make the report.
    Run { region: String, course: Option<CourseTag>, period: Period },
}

// ---------------------------------------------------------------------------------------------------
// Aggregation
// ---------------------------------------------------------------------------------------------------

/// Below this many observations a rate is not worth a percentage: the counts are shown instead.
pub const MIN_N_FOR_RATE: u64 = 5;

/// `hits` out of `n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rate {
    pub hits: u64,
    pub n: u64,
}

/// How a rate is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateView {
    /// Nothing observed yet.
    NoData,
    /// Too few observations for a percentage.
    TooFew { hits: u64, n: u64 },
    /// Rounded half up.
    Percent { pct: u64, hits: u64, n: u64 },
}

impl Rate {
    pub fn view(self) -> RateView {
        match self.n {
            0 => RateView::NoData,
            n if n < MIN_N_FOR_RATE => RateView::TooFew { hits: self.hits, n },
            n => RateView::Percent { pct: (self.hits * 100 + n / 2) / n, hits: self.hits, n },
        }
    }

    fn add(&mut self, other: Rate) {
        self.hits += other.hits;
        self.n += other.n;
    }
}

/// What the report knows about one order (one CSV row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderFacts {
    pub course_key: String,
    pub status: OrderStatus,
    /// Marks at sessions of the order's class that have ended.
    pub present: u64,
    pub absent: u64,
    pub excused: u64,
    /// Sessions of the order's class that have ended (not cancelled).
    pub held: u64,
    pub completed: bool,
    /// Finished quiz attempts, and how many of them passed.
    pub quiz_attempts: u64,
    pub quiz_passed: u64,
}

/// What the report knows about one class in scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassFacts {
    pub course_key: String,
    /// Cancelled classes offer no seats.
    pub cancelled: bool,
    pub capacity: u64,
    /// Orders holding a seat now.
    pub seats_taken: u64,
    /// Sessions that have ended (not cancelled).
    pub sessions_held: u64,
}

/// Where an order's current status counts in the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    /// Pending approval, confirmed, attended, completed, not completed.
    Order,
    Cancelled,
    /// Waitlisted, or offered a freed seat and not yet answered.
    Waitlisted,
    /// Rejected, no-show.
    Other,
}

pub fn bucket(status: OrderStatus) -> Bucket {
    match status {
        OrderStatus::PendingApproval
        | OrderStatus::Confirmed
        | OrderStatus::Attended
        | OrderStatus::Completed
        | OrderStatus::NotCompleted => Bucket::Order,
        OrderStatus::Cancelled => Bucket::Cancelled,
        OrderStatus::Waitlisted | OrderStatus::Offered => Bucket::Waitlisted,
        OrderStatus::Rejected | OrderStatus::NoShow => Bucket::Other,
    }
}

/// The figures of one course (or of all, see [`total`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CourseFigures {
    pub course_key: String,
    /// Every order placed in the period (= CSV rows), and how they split by status.
    pub rows: u64,
    pub orders: u64,
    pub cancelled: u64,
    pub waitlisted: u64,
    pub other: u64,
    /// Orders with at least one "present".
    pub attended: u64,
    pub classes: u64,
    pub seats_taken: u64,
    pub seats_total: u64,
    pub sessions_held: u64,
    /// present / (present + absent); excused counted apart.
    pub attendance: Rate,
    pub excused: u64,
    pub completions: u64,
    /// passed attempts / finished attempts.
    pub quiz: Rate,
}

/// Figures per course, in the order of `course_keys`; facts of other courses are ignored.
pub fn aggregate(course_keys: &[String], classes: &[ClassFacts], orders: &[OrderFacts]) -> Vec<CourseFigures> {
    course_keys
        .iter()
        .map(|key| {
            let mut f = CourseFigures { course_key: key.clone(), ..Default::default() };
            for c in classes.iter().filter(|c| &c.course_key == key) {
                f.classes += 1;
                f.sessions_held += c.sessions_held;
                f.seats_taken += c.seats_taken;
                if !c.cancelled {
                    f.seats_total += c.capacity;
                }
            }
            for o in orders.iter().filter(|o| &o.course_key == key) {
                f.rows += 1;
                match bucket(o.status) {
                    Bucket::Order => f.orders += 1,
                    Bucket::Cancelled => f.cancelled += 1,
                    Bucket::Waitlisted => f.waitlisted += 1,
                    Bucket::Other => f.other += 1,
                }
                f.attended += u64::from(o.present > 0);
                f.attendance.add(Rate { hits: o.present, n: o.present + o.absent });
                f.excused += o.excused;
                f.completions += u64::from(o.completed);
                f.quiz.add(Rate { hits: o.quiz_passed, n: o.quiz_attempts });
            }
            f
        })
        .collect()
}

/// All courses together.
pub fn total(figures: &[CourseFigures]) -> CourseFigures {
    let mut t = CourseFigures::default();
    for f in figures {
        t.rows += f.rows;
        t.orders += f.orders;
        t.cancelled += f.cancelled;
        t.waitlisted += f.waitlisted;
        t.other += f.other;
        t.attended += f.attended;
        t.classes += f.classes;
        t.seats_taken += f.seats_taken;
        t.seats_total += f.seats_total;
        t.sessions_held += f.sessions_held;
        t.attendance.add(f.attendance);
        t.excused += f.excused;
        t.completions += f.completions;
        t.quiz.add(f.quiz);
    }
    t
}

/// Splits a long text at line breaks into messages Telegram accepts (`max` UTF-16 units each, as
/// Telegram counts); a single longer line is cut.
pub fn split_message(text: &str, max: usize) -> Vec<String> {
    let units = |s: &str| s.encode_utf16().count();
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.split('\n') {
        let mut line = line.to_owned();
        while units(&line) > max {
            let mut cut = String::new();
            let mut rest = line.chars();
            for c in rest.by_ref() {
                if units(&cut) + c.len_utf16() > max && !cut.is_empty() {
                    line = std::iter::once(c).chain(rest).collect();
                    break;
                }
                cut.push(c);
            }
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            out.push(cut);
        }
        let extra = if current.is_empty() { 0 } else { 1 };
        if !current.is_empty() && units(&current) + extra + units(&line) > max {
            out.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push('\n');
        }
        current.push_str(&line);
    }
    if !current.trim().is_empty() || out.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    #[test]
    fn periods_are_local_calendar_units() {
        let tz = chrono_tz::Asia::Shanghai;
        // Sunday 2026-12-20 23:30 in Beijing is still Sunday there (15:30 UTC).
        let now = at("2026-12-20T23:30:00+08:00");
        let week = Period::Week.bounds(now, &tz).unwrap();
        assert_eq!(week.from, at("2026-12-14T00:00:00+08:00"));
        assert_eq!(week.until, at("2026-12-21T00:00:00+08:00"));
        assert_eq!(week.last_day, NaiveDate::from_ymd_opt(2026, 12, 20).unwrap());
        let month = Period::Month.bounds(now, &tz).unwrap();
        assert_eq!((month.from, month.until), (at("2026-12-01T00:00:00+08:00"), at("2027-01-01T00:00:00+08:00")));
        let year = Period::Year.bounds(now, &tz).unwrap();
        assert_eq!((year.from, year.until), (at("2026-01-01T00:00:00+08:00"), at("2027-01-01T00:00:00+08:00")));
        assert_eq!(Period::All.bounds(now, &tz), None);
        // Already Monday in Beijing while it is Sunday in UTC.
        let monday = Period::Week.bounds(at("2026-12-20T17:00:00Z"), &tz).unwrap();
        assert_eq!(monday.from, at("2026-12-21T00:00:00+08:00"));
        assert_eq!(Period::Week.file_tag(Some(&week)), "2026-W51");
        assert_eq!(Period::Month.file_tag(Some(&month)), "2026-12");
        assert_eq!(Period::Year.file_tag(Some(&year)), "2026");
        assert_eq!(Period::All.file_tag(None), "all");
    }

    #[test]
    fn a_day_starting_in_a_dst_gap_starts_when_the_gap_ends() {
        // Santiago skipped 2022-09-11 00:00-01:00 (-04 → -03).
        let tz = chrono_tz::America::Santiago;
        let day = NaiveDate::from_ymd_opt(2022, 9, 11).unwrap();
        assert_eq!(local_midnight(&tz, day), at("2022-09-11T01:00:00-03:00"));
        let b = Period::Month.bounds(at("2022-09-15T12:00:00Z"), &tz).unwrap();
        assert_eq!(b.from, at("2022-09-01T00:00:00-04:00"));
    }

    #[test]
    fn a_course_tag_matches_its_course_only() {
        assert!(CourseTag::of("mushroom").matches("mushroom"));
        assert!(!CourseTag::of("mushroom").matches("farmstay"));
    }

    #[test]
    fn rates_need_enough_observations() {
        assert_eq!(Rate { hits: 0, n: 0 }.view(), RateView::NoData);
        assert_eq!(Rate { hits: 1, n: 2 }.view(), RateView::TooFew { hits: 1, n: 2 });
        assert_eq!(Rate { hits: 2, n: 3 }.view(), RateView::TooFew { hits: 2, n: 3 });
        assert_eq!(Rate { hits: 4, n: 5 }.view(), RateView::Percent { pct: 80, hits: 4, n: 5 });
        // 2/3 of 9 = 66.67 → 67; 1/8 = 12.5 → 13 (half up).
        assert_eq!(Rate { hits: 6, n: 9 }.view(), RateView::Percent { pct: 67, hits: 6, n: 9 });
        assert_eq!(Rate { hits: 1, n: 8 }.view(), RateView::Percent { pct: 13, hits: 1, n: 8 });
    }

    fn order(course: &str, status: OrderStatus) -> OrderFacts {
        OrderFacts {
            course_key: course.into(),
            status,
            present: 0,
            absent: 0,
            excused: 0,
            held: 0,
            completed: false,
            quiz_attempts: 0,
            quiz_passed: 0,
        }
    }

    #[test]
    fn aggregation_counts_every_order_once_per_course() {
        let classes = vec![
            ClassFacts { course_key: "a".into(), cancelled: false, capacity: 30, seats_taken: 0, sessions_held: 3 },
            ClassFacts { course_key: "a".into(), cancelled: false, capacity: 2, seats_taken: 2, sessions_held: 1 },
            ClassFacts { course_key: "a".into(), cancelled: true, capacity: 10, seats_taken: 0, sessions_held: 0 },
            ClassFacts { course_key: "b".into(), cancelled: false, capacity: 24, seats_taken: 1, sessions_held: 0 },
        ];
        let orders = vec![
            OrderFacts {
                present: 1,
                held: 1,
                completed: true,
                quiz_attempts: 2,
                quiz_passed: 1,
                ..order("a", OrderStatus::Completed)
            },
            OrderFacts { absent: 1, excused: 1, held: 2, ..order("a", OrderStatus::Confirmed) },
            order("a", OrderStatus::Waitlisted),
            order("a", OrderStatus::Offered),
            order("a", OrderStatus::Cancelled),
            order("a", OrderStatus::Rejected),
            order("b", OrderStatus::PendingApproval),
            order("elsewhere", OrderStatus::Confirmed),
        ];
        let figs = aggregate(&["a".into(), "b".into(), "c".into()], &classes, &orders);
        let a = &figs[0];
        assert_eq!((a.rows, a.orders, a.cancelled, a.waitlisted, a.other), (6, 2, 1, 2, 1));
        assert_eq!((a.classes, a.seats_taken, a.seats_total, a.sessions_held), (3, 2, 32, 4));
        assert_eq!((a.attended, a.attendance, a.excused), (1, Rate { hits: 1, n: 2 }, 1));
        assert_eq!((a.completions, a.quiz), (1, Rate { hits: 1, n: 2 }));
        let b = &figs[1];
        assert_eq!((b.rows, b.orders, b.seats_taken, b.seats_total), (1, 1, 1, 24));
        assert_eq!(figs[2], CourseFigures { course_key: "c".into(), ..Default::default() });
        let t = total(&figs);
        assert_eq!((t.rows, t.orders, t.seats_total, t.attendance), (7, 3, 56, Rate { hits: 1, n: 2 }));
        // Every row lands in exactly one bucket.
        assert_eq!(t.rows, t.orders + t.cancelled + t.waitlisted + t.other);
        for status in OrderStatus::ALL {
            let _ = bucket(status);
        }
    }

    #[test]
    fn long_texts_split_at_line_breaks() {
        assert_eq!(split_message("a\nb", 10), vec!["a\nb"]);
        assert_eq!(split_message("aaaa\nbbbb\ncc", 9), vec!["aaaa\nbbbb", "cc"]);
        assert_eq!(split_message("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        let text = "食用菌种植技术\n".repeat(1000);
        let parts = split_message(&text, 4000);
        assert!(parts.len() > 1 && parts.iter().all(|p| p.encode_utf16().count() <= 4000));
        assert_eq!(parts.join("\n").trim_end(), text.trim_end());
    }
}
