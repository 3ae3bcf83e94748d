//! The one send-window gate: when may a message to a person in a region go?
//!
//! [`gate`] is a pure function of the region's calendar, the recipient, the kind of message, the
//! planned instant and `now` (passed in, never read from a clock). Times of day and dates are the
//! region's local ones ([`RegionCalendar::tz`]); a "busy day" is a local date inside one of the
//! region's busy seasons.
//!
//! Rules, per kind:
//!
//! | kind | may go | pause | moves |
//! |---|---|---|---|
//! | `Broadcast { urgent: true }` | outside quiet hours | ignored | later, to the next such instant |
//! | `Broadcast { urgent: false }`, `Notice`, `Digest` | outside quiet hours; on busy days only inside the busy windows | waits | later |
//! | `SurveyNudge` | outside quiet hours, never on a busy day | waits | later (out of the whole season) |
//! | `Reminder { deadline }` | outside quiet hours; on busy days only inside the busy windows | ignored | earlier |
//!
//! - Later-moving kinds go at the first allowed instant at or after the latest of `planned`, `now` and
//!   (when they wait for pauses) the recipient's `paused_until`. If none exists within 400 days (a
//!   region configured busy all year, for a survey nudge) the message is dropped with
//!   [`DropReason::NoAllowedTime`].
//! - A pause is the person asking for quiet; it holds back everything except urgent broadcasts and
//!   reminders of sessions they signed up for themselves.
//! - Reminders: the session start (`deadline`) is a hard limit, the reminder always goes strictly
//!   before it. In order of preference:
//!   1. `planned` itself, if allowed and not before `now`;
//!   2. the latest allowed stretch that ends after `now` and starts before `planned`: the reminder
//!      goes [`REMINDER_MARGIN`] before the stretch ends (so the outbox's own delays do not push it
//!      into quiet hours), or at the start of the stretch if it is shorter, never before `now`. A
//!      06:00 reminder on a harvest day thus goes at 20:30 the evening before (window 19:30–21:00);
//!   3. (too late for that) the first allowed instant after `now`, if it is before the deadline;
//!   4. the first instant after `now` outside quiet hours, if before the deadline: a reminder of one's
//!      own class is worth a message outside the busy windows rather than none;
//!   5. otherwise it is dropped with [`DropReason::ReminderTooLate`].
//!
//!   So a reminder never goes after its deadline, and never after `planned` when any allowed instant
//!   lies between `now` and `planned`.
//! - The answer is never before `now`, and feeding a `SendAt(t)` back in as `planned` (same `now`)
//!   answers `SendAt(t)` again.
//! - Clock changes: times of day in a skipped hour count from the moment the clocks jump; in a repeated
//!   hour from its first occurrence. (China has no daylight saving; this matters only for other zones.)

use chrono::{DateTime, Days, Duration, NaiveDate, Utc};

use crate::domain::calendar::{Reach, RegionCalendar};

/// How long before an allowed stretch closes a moved reminder is sent.
pub const REMINDER_MARGIN: Duration = Duration::minutes(30);

/// How far ahead a later-moving message looks for an allowed instant.
const SEARCH_DAYS: u64 = 400;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    /// A reminder of a session; `deadline` is the session start.
    Reminder {
        deadline: DateTime<Utc>,
    },
    /// A follow-up survey question.
    SurveyNudge,
    Broadcast {
        urgent: bool,
    },
    Digest,
    /// Order outcomes, waitlist offers and the like: not urgent.
    Notice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Recipient {
    /// The person asked for no messages before this instant.
    pub paused_until: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DropReason {
    /// No instant before the session start is left for the reminder.
    ReminderTooLate,
    /// The calendar allows no instant for this kind of message within the search horizon.
    NoAllowedTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    SendAt(DateTime<Utc>),
    Drop(DropReason),
}

/// When a message of `kind`, planned for `planned`, may go to `who` (rules in the module doc).
pub fn gate(
    cal: &RegionCalendar,
    who: &Recipient,
    kind: &MessageKind,
    planned: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Decision {
    let after_pause = || who.paused_until.map_or(planned.max(now), |until| planned.max(now).max(until));
    match *kind {
        MessageKind::Reminder { deadline } => reminder(cal, deadline, planned, now),
        MessageKind::Broadcast { urgent: true } => later(cal, Reach::NotQuiet, planned.max(now)),
        MessageKind::SurveyNudge => later(cal, Reach::NotOnBusyDays, after_pause()),
        MessageKind::Broadcast { urgent: false } | MessageKind::Digest | MessageKind::Notice => {
            later(cal, Reach::BusyWindowsOnBusyDays, after_pause())
        }
    }
}

fn later(cal: &RegionCalendar, reach: Reach, from: DateTime<Utc>) -> Decision {
    let horizon = from.checked_add_days(Days::new(SEARCH_DAYS)).unwrap_or(DateTime::<Utc>::MAX_UTC);
    match first_allowed(cal, reach, from, horizon) {
        Some(at) => Decision::SendAt(at),
        None => Decision::Drop(DropReason::NoAllowedTime),
    }
}

fn reminder(cal: &RegionCalendar, deadline: DateTime<Utc>, planned: DateTime<Utc>, now: DateTime<Utc>) -> Decision {
    let reach = Reach::BusyWindowsOnBusyDays;
    if deadline <= now {
        return Decision::Drop(DropReason::ReminderTooLate);
    }
    if now <= planned && planned < deadline && cal.allows(reach, planned) {
        return Decision::SendAt(planned);
    }
    if let Some((start, end)) = latest_stretch(cal, reach, now, planned.min(deadline)) {
        return Decision::SendAt(start.max(end - REMINDER_MARGIN).max(now));
    }
    for reach in [reach, Reach::NotQuiet] {
        if let Some(at) = first_allowed(cal, reach, now, deadline)
            && at < deadline
        {
            return Decision::SendAt(at);
        }
    }
    Decision::Drop(DropReason::ReminderTooLate)
}

/// The first instant at or after `from` (and before about `until`) a message of this reach may use.
fn first_allowed(
    cal: &RegionCalendar,
    reach: Reach,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    // Start a day early: around clock changes an instant's local date and its stretches may disagree.
    let mut day = previous_day(cal.local(from).date());
    let last_day = next_day(cal.local(until).date());
    for _ in 0..=SEARCH_DAYS + 2 {
        if let Some((start, _)) = cal.day_stretches(reach, day).into_iter().find(|&(_, end)| end > from) {
            return Some(start.max(from));
        }
        if day >= last_day {
            return None;
        }
        day = next_day(day);
    }
    None
}

/// The latest allowed stretch that starts before `end` and ends after `now`, with its end cut at
/// `end` and its start the true start of the stretch (it may begin days before, across midnights).
fn latest_stretch(
    cal: &RegionCalendar,
    reach: Reach,
    now: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    if end <= now {
        return None;
    }
    let mut day = next_day(cal.local(end).date());
    let first_day = previous_day(cal.local(now).date());
    let mut found: Option<(DateTime<Utc>, DateTime<Utc>)> = None;
    for _ in 0..=SEARCH_DAYS {
        for (start, stop) in cal.day_stretches(reach, day).into_iter().rev() {
            found = match found {
                None if start >= end => continue,
                None if stop.min(end) <= now => return None,
                None => Some((start, stop.min(end))),
                Some((found_start, found_end)) if stop >= found_start => Some((start.min(found_start), found_end)),
                Some(_) => return found,
            };
            if let Some((found_start, _)) = found
                && found_start <= now
            {
                return found;
            }
        }
        if day <= first_day {
            return found;
        }
        day = previous_day(day);
    }
    found
}

fn next_day(d: NaiveDate) -> NaiveDate {
    d.succ_opt().unwrap_or(d)
}

fn previous_day(d: NaiveDate) -> NaiveDate {
    d.pred_opt().unwrap_or(d)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::domain::calendar::DailyRange;

    fn shanghai(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        chrono_tz::Asia::Shanghai.with_ymd_and_hms(y, m, d, h, min, 0).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_stretch_over_midnight_counts_from_its_real_start() {
        // Quiet 01:00–06:00 leaves 06:00–01:00 open, across midnight.
        let mut cal = RegionCalendar::new(chrono_tz::Asia::Shanghai, "none", &[], true);
        cal.quiet = "01:00-06:00".parse().unwrap();
        let now = shanghai(2026, 3, 9, 12, 0);
        let (start, end) = latest_stretch(&cal, Reach::NotQuiet, now, shanghai(2026, 3, 11, 3, 0)).unwrap();
        assert_eq!((start, end), (shanghai(2026, 3, 10, 6, 0), shanghai(2026, 3, 11, 1, 0)));
        let reminder = MessageKind::Reminder { deadline: shanghai(2026, 3, 11, 9, 0) };
        assert_eq!(
            gate(&cal, &Recipient::default(), &reminder, shanghai(2026, 3, 11, 3, 0), now),
            Decision::SendAt(shanghai(2026, 3, 11, 0, 30))
        );
    }

    #[test]
    fn a_short_window_sends_at_its_start() {
        let mut cal = RegionCalendar::new(chrono_tz::Asia::Shanghai, "north-wheat-maize", &[], false);
        cal.busy_windows = vec![DailyRange { start: cal.quiet.end, end: cal.quiet.end + Duration::minutes(10) }];
        let now = shanghai(2026, 6, 1, 8, 0);
        let reminder = MessageKind::Reminder { deadline: shanghai(2026, 6, 3, 9, 0) };
        assert_eq!(
            gate(&cal, &Recipient::default(), &reminder, shanghai(2026, 6, 3, 6, 0), now),
            Decision::SendAt(shanghai(2026, 6, 2, 7, 30))
        );
    }

    #[test]
    fn the_search_for_an_allowed_moment_stops_at_its_horizon() {
        let cal = RegionCalendar::new(chrono_tz::Asia::Shanghai, "north-wheat-maize", &[], false);
        let from = shanghai(2026, 6, 1, 9, 0);
        assert_eq!(first_allowed(&cal, Reach::NotOnBusyDays, from, shanghai(2026, 6, 5, 0, 0)), None);
        assert_eq!(
            first_allowed(&cal, Reach::NotOnBusyDays, from, shanghai(2026, 7, 1, 0, 0)),
            Some(shanghai(2026, 6, 17, 7, 30))
        );
    }
}
