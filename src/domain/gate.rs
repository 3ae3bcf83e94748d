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

/// How a queued message is timed, kept with it so the gate can be asked again when it goes out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SendRule {
    pub kind: MessageKind,
    /// About something the person asked for themselves (a seat offer, their order's outcome): their
    /// pause does not hold it back. Quiet hours and busy windows still do.
    pub personal: bool,
}

impl SendRule {
    /// The recipient as this rule sees them: a personal message ignores their pause.
    pub fn recipient(&self, paused_until: Option<DateTime<Utc>>) -> Recipient {
        Recipient { paused_until: if self.personal { None } else { paused_until } }
    }
}

/// What to do with a message when its turn comes (see [`at_send_time`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AtSendTime {
    SendNow,
    /// Not allowed now (it fell due while the bot was down, or a pause began since): wait until then.
    WaitUntil(DateTime<Utc>),
    Drop(DropReason),
}

/// The gate asked again when a message that fell due at `due` is about to go at `now`. A message planned
/// for 11:30 that could only be sent at 23:00 (the bot was down in between) waits for the morning; a
/// reminder whose session has begun is dropped. The rules are those of [`gate`], applied from `now`.
pub fn at_send_time(
    cal: &RegionCalendar,
    who: &Recipient,
    kind: &MessageKind,
    due: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AtSendTime {
    match gate(cal, who, kind, due.min(now), now) {
        Decision::SendAt(at) if at <= now => AtSendTime::SendNow,
        Decision::SendAt(at) => AtSendTime::WaitUntil(at),
        Decision::Drop(reason) => AtSendTime::Drop(reason),
    }
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
    fn a_message_that_fell_due_while_the_bot_was_down_waits_for_the_morning() {
        let cal = RegionCalendar::new(chrono_tz::Asia::Shanghai, "north-wheat-maize", &[], false);
        let due = shanghai(2027, 3, 20, 11, 30);
        let anyone = Recipient::default();
        // Restarted at 23:00 the next day: quiet hours, so not before 07:30.
        for kind in [MessageKind::SurveyNudge, MessageKind::Notice, MessageKind::Broadcast { urgent: true }] {
            assert_eq!(
                at_send_time(&cal, &anyone, &kind, due, shanghai(2027, 3, 21, 23, 0)),
                AtSendTime::WaitUntil(shanghai(2027, 3, 22, 7, 30)),
                "{kind:?}"
            );
        }
        // Late but in daytime: it goes now.
        let noon = shanghai(2027, 3, 21, 12, 0);
        assert_eq!(at_send_time(&cal, &anyone, &MessageKind::SurveyNudge, due, noon), AtSendTime::SendNow);
        // On time: it goes.
        assert_eq!(at_send_time(&cal, &anyone, &MessageKind::Notice, due, due), AtSendTime::SendNow);
        // A pause that began since it was queued holds it, unless it is personal or urgent.
        let paused =
            SendRule { kind: MessageKind::Notice, personal: false }.recipient(Some(shanghai(2027, 3, 28, 0, 0)));
        assert_eq!(
            at_send_time(&cal, &paused, &MessageKind::Notice, due, noon),
            AtSendTime::WaitUntil(shanghai(2027, 3, 28, 7, 30))
        );
        let personal =
            SendRule { kind: MessageKind::Notice, personal: true }.recipient(Some(shanghai(2027, 3, 28, 0, 0)));
        assert_eq!(at_send_time(&cal, &personal, &MessageKind::Notice, due, noon), AtSendTime::SendNow);
        // A late survey on a busy-season day waits for the season's end.
        let sanxia = shanghai(2027, 6, 1, 10, 0);
        assert_eq!(
            at_send_time(&cal, &anyone, &MessageKind::SurveyNudge, shanghai(2027, 5, 20, 10, 0), sanxia),
            AtSendTime::WaitUntil(shanghai(2027, 6, 17, 7, 30))
        );
    }

    #[test]
    fn a_late_reminder_goes_before_its_session_or_not_at_all() {
        let cal = RegionCalendar::new(chrono_tz::Asia::Shanghai, "north-wheat-maize", &[], false);
        let session = shanghai(2027, 3, 22, 9, 0);
        let reminder = MessageKind::Reminder { deadline: session };
        let due = shanghai(2027, 3, 21, 19, 30);
        // Back at 06:00 on the day: quiet until 07:30, still before the 09:00 session.
        assert_eq!(
            at_send_time(&cal, &Recipient::default(), &reminder, due, shanghai(2027, 3, 22, 6, 0)),
            AtSendTime::WaitUntil(shanghai(2027, 3, 22, 7, 30))
        );
        // Back after the session began: dropped.
        assert_eq!(
            at_send_time(&cal, &Recipient::default(), &reminder, due, shanghai(2027, 3, 22, 9, 5)),
            AtSendTime::Drop(DropReason::ReminderTooLate)
        );
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
