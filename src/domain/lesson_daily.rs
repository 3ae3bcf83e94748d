//! The daily lesson (每日一课) and the learning streak, as pure rules: the times a person may choose,
//! which local day's lesson is planned when ([`plan`]), and how many days in a row they have learned
//! ([`streak`]), forgiving the busy farming days.

use std::collections::BTreeSet;

use chrono::{Days, NaiveDate, NaiveDateTime, NaiveTime};

/// The times offered, in minutes after local midnight: early morning before the fields (07:30, when
/// the default quiet hours end), the noon break (12:30) and the evening after supper (20:00). The gate
/// still times each message: a region's own quiet hours or a busy-season day move it.
pub const DAILY_TIMES: [u16; 3] = [7 * 60 + 30, 12 * 60 + 30, 20 * 60];

/// Whether `minute` is one of the offered times (a forged or outdated button names another).
pub fn is_offered(minute: u16) -> bool {
    DAILY_TIMES.contains(&minute)
}

/// `minute` after midnight as a time of day ("07:30").
pub fn time_of(minute: u16) -> NaiveTime {
    NaiveTime::from_hms_opt(u32::from(minute / 60) % 24, u32::from(minute % 60), 0).unwrap_or(NaiveTime::MIN)
}

/// What is known about one subscriber when the scheduler looks, all in their local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subscriber {
    /// Their chosen time of day.
    pub at: NaiveTime,
    /// When they chose it: a day whose time came before that is not theirs yet.
    pub since: NaiveDateTime,
    /// The latest local date planned for them (sent, waiting, dropped or with nothing left).
    pub last_planned: Option<NaiveDate>,
    /// The local date the latest daily lesson was actually sent on (the gate may have moved it to a
    /// later day than it was planned for).
    pub last_sent: Option<NaiveDate>,
    /// A daily lesson is queued and not sent yet (held by a pause, say).
    pub waiting: bool,
}

/// What to do for one subscriber now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// Plan the lesson of this local date, timed for this local instant.
    Now { date: NaiveDate, at: NaiveDateTime },
    /// Nothing now; look again at this local instant.
    LookAt(NaiveDateTime),
}

/// At most one daily lesson waits per person, and no two fall on one local date: today's is planned
/// once its time has come, unless today was planned already, a lesson was already sent today (one
/// from an earlier day that the gate held back), or the time was chosen after today's time.
pub fn plan(s: &Subscriber, now: NaiveDateTime) -> Plan {
    let today = now.date();
    let tomorrow = today.checked_add_days(Days::new(1)).unwrap_or(today);
    let next_look = |date: NaiveDate| Plan::LookAt(date.and_time(s.at));
    let due = today.and_time(s.at);
    let taken = s.waiting
        || s.last_planned.is_some_and(|d| d >= today)
        || s.last_sent.is_some_and(|d| d >= today)
        || due < s.since;
    if taken {
        return next_look(tomorrow);
    }
    if now >= due { Plan::Now { date: today, at: due } } else { next_look(today) }
}

/// Consecutive local days with a finished lesson, ending today or yesterday. A busy-season day without
/// a lesson neither breaks the run nor counts in it (people are in the fields); today without a lesson
/// (yet) does not break it either.
pub fn streak(finished_days: &[NaiveDate], today: NaiveDate, is_busy: impl Fn(NaiveDate) -> bool) -> u32 {
    let days: BTreeSet<NaiveDate> = finished_days.iter().copied().filter(|d| *d <= today).collect();
    let Some(&first) = days.first() else { return 0 };
    let mut count = 0;
    let mut day = today;
    // Today may still be to come: only a lesson counts, its absence forgives.
    let mut forgiving_today = true;
    while day >= first {
        if days.contains(&day) {
            count += 1;
        } else if !(forgiving_today || is_busy(day)) {
            break;
        }
        forgiving_today = false;
        let Some(before) = day.checked_sub_days(Days::new(1)) else { break };
        day = before;
    }
    count
}

/// When a course's lessons go to someone booked on one of its classes (课前预习 / 课后复习): at 20:00
/// local (the daily lesson's evening time, after supper and after the 19:30 session reminder), the
/// evening before the first session and the evening after the last one. For a one-session class both
/// days hang on that one session. These are planned instants: the gate still moves them (quiet hours,
/// busy-season windows, a pause).
pub const COURSE_LESSON_AT: NaiveTime = match NaiveTime::from_hms_opt(20, 0, 0) {
    Some(t) => t,
    None => NaiveTime::MIN,
};

/// How long after the last session a review is still worth sending (held by a pause or a busy season);
/// after that it is dropped, not sent months late.
pub const REVIEW_WITHIN: chrono::Duration = chrono::Duration::days(7);

/// The local days of the preview (the day before `first_day`) and the review (the day after
/// `last_day`), each at [`COURSE_LESSON_AT`].
pub fn course_lesson_times(first_day: NaiveDate, last_day: NaiveDate) -> (NaiveDateTime, NaiveDateTime) {
    let before = first_day.checked_sub_days(Days::new(1)).unwrap_or(first_day);
    let after = last_day.checked_add_days(Days::new(1)).unwrap_or(last_day);
    (before.and_time(COURSE_LESSON_AT), after.and_time(COURSE_LESSON_AT))
}

/// One lesson of a course as the choice of what to send around a class sees it, in catalogue order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CourseLesson {
    pub lesson_id: i64,
    /// Meant for this person (their audience and region).
    pub for_them: bool,
    /// They have finished it.
    pub finished: bool,
}

/// The lessons named before and after a class: the course's first lesson for the person not finished
/// yet as the preview; as the review the next one not finished after it (they are expected to read the
/// preview before class), else the preview's own lesson again. Nothing when every lesson for them is
/// finished, or the course has none for them. Chosen when the order is confirmed: a lesson finished
/// by the time the message goes answers its button with "already done".
pub fn course_lessons(lessons: &[CourseLesson]) -> Option<(i64, i64)> {
    let mut open = lessons.iter().filter(|l| l.for_them && !l.finished).map(|l| l.lesson_id);
    let preview = open.next()?;
    Some((preview, open.next().unwrap_or(preview)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn subscriber() -> Subscriber {
        Subscriber {
            at: time_of(DAILY_TIMES[0]),
            since: at("2026-12-01 09:00"),
            last_planned: None,
            last_sent: None,
            waiting: false,
        }
    }

    #[test]
    fn the_offered_times_read_as_clock_times() {
        let shown: Vec<String> = DAILY_TIMES.iter().map(|m| time_of(*m).format("%H:%M").to_string()).collect();
        assert_eq!(shown, ["07:30", "12:30", "20:00"]);
        assert!(is_offered(450) && !is_offered(451) && !is_offered(0));
    }

    #[test]
    fn the_first_day_is_the_next_one_whose_time_comes_after_subscribing() {
        let s = subscriber();
        // Subscribed at 09:00 for 07:30: not today, tomorrow morning.
        assert_eq!(plan(&s, at("2026-12-01 10:00")), Plan::LookAt(at("2026-12-02 07:30")));
        assert_eq!(plan(&s, at("2026-12-02 07:30")), Plan::Now { date: d("2026-12-02"), at: at("2026-12-02 07:30") });
        // Before its time it waits for it.
        assert_eq!(plan(&s, at("2026-12-02 06:00")), Plan::LookAt(at("2026-12-02 07:30")));
        // The scheduler came late (a restart): today's is still planned, for its own time.
        assert_eq!(plan(&s, at("2026-12-02 15:00")), Plan::Now { date: d("2026-12-02"), at: at("2026-12-02 07:30") });
    }

    #[test]
    fn a_day_is_planned_once_and_one_waits_at_a_time() {
        let planned = Subscriber { last_planned: Some(d("2026-12-02")), ..subscriber() };
        assert_eq!(plan(&planned, at("2026-12-02 20:00")), Plan::LookAt(at("2026-12-03 07:30")));
        assert_eq!(
            plan(&planned, at("2026-12-03 07:30")),
            Plan::Now { date: d("2026-12-03"), at: at("2026-12-03 07:30") }
        );
        // Yesterday's is still held (a pause): today's is not planned beside it.
        let waiting = Subscriber { waiting: true, ..planned };
        assert_eq!(plan(&waiting, at("2026-12-03 08:00")), Plan::LookAt(at("2026-12-04 07:30")));
    }

    #[test]
    fn a_lesson_the_gate_moved_into_today_is_todays() {
        // Planned for the 2nd, sent on the 3rd at noon (after a pause): the 3rd gets no second one.
        let s = Subscriber { last_planned: Some(d("2026-12-02")), last_sent: Some(d("2026-12-03")), ..subscriber() };
        assert_eq!(plan(&s, at("2026-12-03 13:00")), Plan::LookAt(at("2026-12-04 07:30")));
        assert_eq!(plan(&s, at("2026-12-04 07:30")), Plan::Now { date: d("2026-12-04"), at: at("2026-12-04 07:30") });
    }

    #[test]
    fn a_streak_counts_days_in_a_row_to_today_or_yesterday() {
        let never = |_| false;
        assert_eq!(streak(&[], d("2026-12-05"), never), 0);
        let days = [d("2026-12-03"), d("2026-12-04"), d("2026-12-05")];
        assert_eq!(streak(&days, d("2026-12-05"), never), 3);
        // Today not done yet: the run up to yesterday still stands.
        assert_eq!(streak(&days, d("2026-12-06"), never), 3);
        // A whole day missed breaks it.
        assert_eq!(streak(&days, d("2026-12-07"), never), 0);
        // A gap: only the days after it count; two lessons on one day count once.
        let gap = [d("2026-12-01"), d("2026-12-03"), d("2026-12-04"), d("2026-12-04")];
        assert_eq!(streak(&gap, d("2026-12-04"), never), 2);
    }

    #[test]
    fn busy_season_days_without_a_lesson_are_forgiven_not_counted() {
        let days = [d("2026-06-01"), d("2026-06-02"), d("2026-06-05")];
        let sanxia = |day: NaiveDate| (d("2026-06-03")..=d("2026-06-04")).contains(&day);
        assert_eq!(streak(&days, d("2026-06-05"), sanxia), 3);
        assert_eq!(streak(&days, d("2026-06-05"), |_| false), 1);
        // A busy yesterday without a lesson and today not yet done: the run before still stands.
        assert_eq!(streak(&days[..2], d("2026-06-04"), sanxia), 2);
        // A busy day with a lesson counts like any other.
        let worked = [d("2026-06-02"), d("2026-06-03")];
        assert_eq!(streak(&worked, d("2026-06-03"), sanxia), 2);
    }

    #[test]
    fn a_streak_runs_across_the_new_year() {
        let days = [d("2026-12-30"), d("2026-12-31"), d("2027-01-01")];
        assert_eq!(streak(&days, d("2027-01-01"), |_| false), 3);
        assert_eq!(streak(&days, d("2027-01-02"), |_| false), 3);
        // Lessons of a future date (a clock set back) are not counted.
        assert_eq!(streak(&days, d("2026-12-31"), |_| false), 2);
    }

    #[test]
    fn a_class_names_the_first_open_course_lesson_before_and_the_next_after() {
        let l = |lesson_id, for_them, finished| CourseLesson { lesson_id, for_them, finished };
        assert_eq!(course_lessons(&[]), None);
        assert_eq!(course_lessons(&[l(1, true, true), l(2, false, false)]), None);
        assert_eq!(course_lessons(&[l(1, true, false)]), Some((1, 1)));
        assert_eq!(
            course_lessons(&[l(1, true, true), l(2, true, false), l(3, false, false), l(4, true, false)]),
            Some((2, 4))
        );
    }

    #[test]
    fn course_lessons_go_the_evening_before_the_first_session_and_after_the_last() {
        assert_eq!(
            course_lesson_times(d("2026-12-12"), d("2026-12-19")),
            (at("2026-12-11 20:00"), at("2026-12-20 20:00"))
        );
        // One session: the evenings around that day; across the new year.
        assert_eq!(
            course_lesson_times(d("2027-01-01"), d("2027-01-01")),
            (at("2026-12-31 20:00"), at("2027-01-02 20:00"))
        );
    }
}
