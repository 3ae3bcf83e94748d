//! Attendance, quizzes and completion (考勤 + 理论测试 + 实操考核 → 结业): the pure rules.

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

// ---------------------------------------------------------------------------------------------------
// Where and when check-in works
// ---------------------------------------------------------------------------------------------------

/// Check-in opens this long before a session starts (people arrive early) and closes at its end.
pub const CHECKIN_OPENS_BEFORE_MINUTES: i64 = 30;
/// A trainer may mark attendance by hand until this long after the session's end.
pub const HAND_MARK_HOURS: i64 = 48;
/// This many wrong codes in a row lock a person's check-in for [`LOCKOUT_MINUTES`].
pub const MAX_WRONG_CODES: i64 = 5;
pub const LOCKOUT_MINUTES: i64 = 10;
/// An attendee who can still complete (the quiz not taken yet) is not completed this long after the
/// class's end.
pub const COMPLETION_GRACE_DAYS: i64 = 30;

/// A point on the earth in millionths of a degree (about 0.1 m): exact to compare and to store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GeoPoint {
    pub lat_e6: i64,
    pub lon_e6: i64,
}

impl GeoPoint {
    /// A point from degrees; `None` outside latitude −90..90 or longitude −180..180 (or not a number).
    pub fn from_degrees(lat: f64, lon: f64) -> Option<GeoPoint> {
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
            return None;
        }
        Some(GeoPoint { lat_e6: (lat * 1e6).round() as i64, lon_e6: (lon * 1e6).round() as i64 })
    }

    pub fn lat(self) -> f64 {
        self.lat_e6 as f64 / 1e6
    }

    pub fn lon(self) -> f64 {
        self.lon_e6 as f64 / 1e6
    }

    /// Great-circle distance in metres (haversine; plenty for a few hundred metres to a venue).
    pub fn distance_m(self, other: GeoPoint) -> f64 {
        const EARTH_RADIUS_M: f64 = 6_371_008.8;
        let (lat1, lat2) = (self.lat().to_radians(), other.lat().to_radians());
        let d_lat = lat2 - lat1;
        let d_lon = (other.lon() - self.lon()).to_radians();
        let a = (d_lat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (d_lon / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_M * a.sqrt().min(1.0).asin()
    }
}

/// Where a class (or one of its sessions) meets, for check-in by shared location.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Venue {
    pub point: GeoPoint,
    /// How far from `point` a shared location still counts as being there.
    pub radius_m: i64,
}

impl Venue {
    pub const DEFAULT_RADIUS_M: i64 = 300;
    pub const MIN_RADIUS_M: i64 = 20;
    pub const MAX_RADIUS_M: i64 = 5000;

    /// A session's own venue overrides its class's.
    pub fn effective(session: Option<Venue>, class: Option<Venue>) -> Option<Venue> {
        session.or(class)
    }

    /// Whole metres from the venue, and whether that is within its radius.
    pub fn check(self, at: GeoPoint) -> (i64, bool) {
        let distance = self.point.distance_m(at).round() as i64;
        (distance, distance <= self.radius_m)
    }
}

/// What a shared location comes to against the person's sessions going on now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocationCheck<K> {
    /// Within the radius of the nearest venue: checked in to its session (`K` names it).
    There { session: K, distance_m: i64 },
    /// The nearest venue is further than its radius.
    TooFar { distance_m: i64, radius_m: i64 },
    /// None of the sessions has a venue with coordinates: the code only.
    NoVenue,
}

/// The nearest venue decides: inside its radius checks in, else the distance is told. Sessions
/// without a venue are passed over. Of two at the same distance, the first listed.
pub fn check_location<K: Copy>(sessions: &[(K, Option<Venue>)], at: GeoPoint) -> LocationCheck<K> {
    let nearest = sessions.iter().filter_map(|(key, venue)| venue.map(|v| (*key, v, v.check(at)))).fold(
        None,
        |best: Option<(K, Venue, (i64, bool))>, this| match best {
            Some(b) if b.2.0 <= this.2.0 => Some(b),
            _ => Some(this),
        },
    );
    match nearest {
        Some((session, _, (distance_m, true))) => LocationCheck::There { session, distance_m },
        Some((_, venue, (distance_m, false))) => LocationCheck::TooFar { distance_m, radius_m: venue.radius_m },
        None => LocationCheck::NoVenue,
    }
}

/// Where `now` stands against a session's check-in window: from [`CHECKIN_OPENS_BEFORE_MINUTES`]
/// before its start until its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    NotYet { opens: DateTime<Utc> },
    Open,
    Closed,
}

pub fn checkin_window(starts_at: DateTime<Utc>, ends_at: DateTime<Utc>, now: DateTime<Utc>) -> Window {
    let opens = starts_at - Duration::minutes(CHECKIN_OPENS_BEFORE_MINUTES);
    if now < opens {
        Window::NotYet { opens }
    } else if now < ends_at {
        Window::Open
    } else {
        Window::Closed
    }
}

/// Until when a trainer may mark a session's attendance by hand.
pub fn hand_marks_until(ends_at: DateTime<Utc>) -> DateTime<Utc> {
    ends_at + Duration::hours(HAND_MARK_HOURS)
}

/// Whether a trainer may mark attendance now: from the check-in window's opening until
/// [`HAND_MARK_HOURS`] after the end.
pub fn may_mark_by_hand(starts_at: DateTime<Utc>, ends_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    !matches!(checkin_window(starts_at, ends_at, now), Window::NotYet { .. }) && now < hand_marks_until(ends_at)
}

/// What a trainer's hand mark comes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandMark {
    /// Recorded; `final_now` when the session is over, so its attendance becomes final and the
    /// class's orders settle again.
    Record { final_now: bool },
    /// Not this trainer's session, or not an order of its class.
    NotYours,
    /// Before the check-in window opens, or [`HAND_MARK_HOURS`] after the end.
    TooLate,
}

/// Decides a trainer's hand mark on one trainee of one session.
pub fn hand_mark(
    teaches_session: bool,
    order_in_class: bool,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> HandMark {
    if !(teaches_session && order_in_class) {
        HandMark::NotYours
    } else if !may_mark_by_hand(starts_at, ends_at, now) {
        HandMark::TooLate
    } else {
        HandMark::Record { final_now: ends_at <= now }
    }
}

/// After one more wrong code: the new count of wrong codes in a row and, when it reaches
/// [`MAX_WRONG_CODES`], until when check-in is locked (the count then starts again).
pub fn after_wrong_code(wrong_in_row: i64, now: DateTime<Utc>) -> (i64, Option<DateTime<Utc>>) {
    let count = wrong_in_row.max(0) + 1;
    if count >= MAX_WRONG_CODES { (0, Some(now + Duration::minutes(LOCKOUT_MINUTES))) } else { (count, None) }
}

/// A 4-digit check-in code read out in class or written on the board.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CheckinCode(String);

impl CheckinCode {
    pub fn generate(rng: &mut impl Rng) -> CheckinCode {
        CheckinCode(format!("{:04}", rng.gen_range(0..10_000)))
    }

    /// Accepts what people type: `4821`, `4 8 2 1`, full-width `４８２１`. Anything else is not a code.
    pub fn parse(input: &str) -> Option<CheckinCode> {
        let digits: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                other => other,
            })
            .collect();
        (digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(CheckinCode(digits))
    }

    pub fn from_stored(s: String) -> CheckinCode {
        CheckinCode(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mark {
    Present,
    Absent,
    /// Absent on a busy-season day of the person's region: not held against them.
    Excused,
}

impl Mark {
    pub fn as_str(self) -> &'static str {
        match self {
            Mark::Present => "present",
            Mark::Absent => "absent",
            Mark::Excused => "excused",
        }
    }

    pub fn parse(s: &str) -> Option<Mark> {
        [Mark::Present, Mark::Absent, Mark::Excused].into_iter().find(|m| m.as_str() == s)
    }

    /// What a session without a check-in counts as.
    pub fn for_absence(busy_season_day: bool) -> Mark {
        if busy_season_day { Mark::Excused } else { Mark::Absent }
    }
}

/// One drawn question: which bank question, and the order its options are shown in
/// (`options[k]` is the stored index of the option shown as button `k`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drawn {
    pub question_id: i64,
    pub options: Vec<usize>,
}

/// Draws `n` questions at random from the bank (all of them when it has fewer) and shuffles each
/// one's options. `bank` pairs question ids with their number of options.
pub fn draw(bank: &[(i64, usize)], n: usize, rng: &mut impl Rng) -> Vec<Drawn> {
    let mut picked: Vec<(i64, usize)> = bank.to_vec();
    picked.shuffle(rng);
    picked.truncate(n);
    picked
        .into_iter()
        .map(|(question_id, count)| {
            let mut options: Vec<usize> = (0..count).collect();
            options.shuffle(rng);
            Drawn { question_id, options }
        })
        .collect()
}

/// A retake's draw: questions not asked before come first, where the bank has them; then the ones
/// missed last time; then (a small bank) the others. Options are shuffled afresh.
pub fn draw_retake(bank: &[(i64, usize)], n: usize, asked: &[i64], missed: &[i64], rng: &mut impl Rng) -> Vec<Drawn> {
    let mut fresh: Vec<(i64, usize)> = bank.iter().copied().filter(|(id, _)| !asked.contains(id)).collect();
    let mut again: Vec<(i64, usize)> = bank.iter().copied().filter(|(id, _)| missed.contains(id)).collect();
    let mut rest: Vec<(i64, usize)> =
        bank.iter().copied().filter(|(id, _)| asked.contains(id) && !missed.contains(id)).collect();
    fresh.shuffle(rng);
    again.shuffle(rng);
    rest.shuffle(rng);
    fresh
        .into_iter()
        .chain(again)
        .chain(rest)
        .take(n)
        .map(|(question_id, count)| {
            let mut options: Vec<usize> = (0..count).collect();
            options.shuffle(rng);
            Drawn { question_id, options }
        })
        .collect()
}

/// Whether `correct` of `total` reaches the pass mark (a percentage): 3 of 5 passes at 60%.
pub fn passes(correct: usize, total: usize, pass_mark_pct: i64) -> bool {
    total > 0 && (correct as i64) * 100 >= pass_mark_pct * total as i64
}

/// How many right answers of `total` passing needs: 3 of 5 at 60%.
pub fn needed_to_pass(total: usize, pass_mark_pct: i64) -> usize {
    let pct = pass_mark_pct.clamp(0, 100) as usize;
    (total * pct).div_ceil(100)
}

/// An option of a question typed as text instead of pressed: its number (`2`, `２`, `2.`) or its
/// letter (`b`, `B`, `Ｂ`), 0-based. `None` for anything else or beyond `count` options.
pub fn typed_option(text: &str, count: usize) -> Option<usize> {
    let trimmed = text.trim().trim_end_matches(['.', '\u{3002}', '\u{3001}', ')', '\u{ff09}', '\u{ff0e}']).trim();
    let mut chars = trimmed.chars();
    let c = chars.next()?;
    if chars.next().is_some() {
        return None;
    }
    // Full-width forms (U+FF10.. digits, U+FF21.. and U+FF41.. letters) read as their ASCII twins.
    let c = match c {
        '\u{ff10}'..='\u{ff19}' | '\u{ff21}'..='\u{ff3a}' | '\u{ff41}'..='\u{ff5a}' => {
            char::from_u32(c as u32 - 0xfee0).unwrap_or(c)
        }
        other => other,
    };
    let index = match c {
        '1'..='9' => c as usize - '1' as usize,
        'a'..='z' => c as usize - 'a' as usize,
        'A'..='Z' => c as usize - 'A' as usize,
        _ => return None,
    };
    (index < count).then_some(index)
}

/// Where one trainee stands in a course.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Sessions of the class that have taken place: every scheduled (not cancelled) session that has
    /// ended, whether or not anyone took attendance. A session nobody recorded counts as missed.
    pub sessions_held: usize,
    pub present: usize,
    pub excused: usize,
    /// Held sessions whose attendance is not final yet (the trainer may still mark it by hand): a
    /// final status waits for them.
    pub sessions_pending: usize,
    /// Sessions still to come: completion waits for them.
    pub sessions_ahead: usize,
    pub min_attendance_pct: i64,
    pub quiz: QuizState,
    pub practical_required: bool,
    /// The practical check as recorded: `None` not yet.
    pub practical: Option<bool>,
}

/// The theory test of one order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuizState {
    /// Not taken yet, running, or failed with a retake left.
    Open,
    Passed,
    /// Failed, and no retake left.
    Failed,
}

/// What an order's status should be once its class has ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// The class is still running, or attendance is not final yet: no final status now.
    Undecided,
    /// Came to no session.
    NoShow,
    /// Came, can still complete (the quiz or the practical check is still to do).
    Attended,
    /// Came, but can no longer complete.
    NotCompleted,
    Completed,
}

impl Progress {
    /// Attendance meets the minimum of the sessions held; excused absences count neither for nor
    /// against, and someone who never came has not attended.
    pub fn attendance_ok(&self) -> bool {
        let counted = self.sessions_held.saturating_sub(self.excused);
        self.present > 0 && (self.present as i64) * 100 >= self.min_attendance_pct * counted as i64
    }

    pub fn is_complete(&self) -> bool {
        self.sessions_ahead == 0
            && self.sessions_held > 0
            && self.attendance_ok()
            && self.quiz == QuizState::Passed
            && (!self.practical_required || self.practical == Some(true))
    }

    /// The order's status by the rules once the class has ended; `grace_over` when the class ended
    /// [`COMPLETION_GRACE_DAYS`] ago or more.
    pub fn standing(&self, grace_over: bool) -> Standing {
        if self.is_complete() {
            return Standing::Completed;
        }
        if self.sessions_ahead > 0 || self.sessions_held == 0 || self.sessions_pending > 0 {
            return Standing::Undecided;
        }
        if self.present == 0 {
            return Standing::NoShow;
        }
        let failed_practical = self.practical_required && self.practical == Some(false);
        if !self.attendance_ok() || self.quiz == QuizState::Failed || failed_practical || grace_over {
            Standing::NotCompleted
        } else {
            Standing::Attended
        }
    }
}

/// What settling an order after its sessions comes to: decided from its status and progress, then
/// carried out by the learning service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settlement {
    /// The order's new status (`None`: it stays).
    pub move_to: Option<crate::domain::order::OrderStatus>,
    /// Plan the follow-up surveys: of an attendee (anyone who came to a session, completer or not), or
    /// of a no-show as the comparison group (planned only when they answered the baseline).
    pub follow_up: Option<crate::domain::survey::Cohort>,
    /// Invite the trainee to the quiz they still have to take.
    pub invite_to_quiz: bool,
    /// The order meets the completion rule: record the completion and send the certificate.
    pub complete: bool,
}

/// Settles an order once sessions have passed: `None` when its status is not one that settling
/// touches (cancelled, rejected, waiting, completed) or when nothing can be decided yet.
pub fn settle(status: crate::domain::order::OrderStatus, progress: &Progress, grace_over: bool) -> Option<Settlement> {
    use crate::domain::order::OrderStatus;
    use crate::domain::survey::Cohort;
    if !status.is_settled_by_attendance() {
        return None;
    }
    let move_to = match progress.standing(grace_over) {
        Standing::Undecided => return None,
        Standing::Completed => None,
        Standing::NoShow => Some(OrderStatus::NoShow),
        Standing::Attended => Some(OrderStatus::Attended),
        Standing::NotCompleted => Some(OrderStatus::NotCompleted),
    };
    Some(Settlement {
        move_to: move_to.filter(|to| *to != status),
        follow_up: match move_to {
            Some(OrderStatus::NoShow) => Some(Cohort::Comparison),
            _ if progress.present > 0 => Some(Cohort::Attendee),
            _ => None,
        },
        invite_to_quiz: move_to == Some(OrderStatus::Attended) && progress.quiz == QuizState::Open,
        complete: move_to.is_none(),
    })
}

/// A certificate's verification code: 8 characters from the order-number alphabet, `K7Q3-M9XP`.
pub fn certificate_code(rng: &mut impl Rng) -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut pick = || ALPHABET[rng.gen_range(0..ALPHABET.len())] as char;
    let a: String = (0..4).map(|_| pick()).collect();
    let b: String = (0..4).map(|_| pick()).collect();
    format!("{a}-{b}")
}

/// A verification code as people type or scan it: any case, with or without the dash or spaces
/// (`k7q3m9xp`, `K7Q3 M9XP`); `None` when it cannot be one.
pub fn normalize_certificate_code(input: &str) -> Option<String> {
    let cleaned: String = input.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect();
    (cleaned.len() == 8).then(|| format!("{}-{}", &cleaned[..4], &cleaned[4..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::survey::Cohort;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn codes_are_four_digits_typed_in_any_width() {
        assert_eq!(CheckinCode::parse("4821").map(|c| c.0), Some("4821".into()));
        assert_eq!(CheckinCode::parse(" 4 8 2 1 ").map(|c| c.0), Some("4821".into()));
        assert_eq!(CheckinCode::parse("４８２１").map(|c| c.0), Some("4821".into()));
        for bad in ["482", "48215", "abcd", "48二1", ""] {
            assert_eq!(CheckinCode::parse(bad), None, "{bad}");
        }
        let mut rng = StdRng::seed_from_u64(1);
        for _ in 0..100 {
            assert!(CheckinCode::parse(CheckinCode::generate(&mut rng).as_str()).is_some());
        }
    }

    #[test]
    fn a_draw_takes_distinct_questions_and_shuffles_every_option() {
        let bank: Vec<(i64, usize)> = (1..=8).map(|id| (id, 3)).collect();
        let mut rng = StdRng::seed_from_u64(7);
        let drawn = draw(&bank, 5, &mut rng);
        assert_eq!(drawn.len(), 5);
        let mut ids: Vec<i64> = drawn.iter().map(|d| d.question_id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 5);
        for d in &drawn {
            let mut o = d.options.clone();
            o.sort();
            assert_eq!(o, vec![0, 1, 2]);
        }
        assert_eq!(draw(&bank, 5, &mut StdRng::seed_from_u64(7)), drawn, "a fixed seed draws the same quiz");
        assert_eq!(draw(&bank[..2], 5, &mut rng).len(), 2, "a small bank gives what it has");
    }

    #[test]
    fn the_pass_mark_is_a_percentage_of_the_questions() {
        assert!(passes(3, 5, 60));
        assert!(!passes(2, 5, 60));
        assert!(passes(5, 5, 100));
        assert!(!passes(0, 0, 60));
    }

    fn base() -> Progress {
        Progress {
            sessions_held: 3,
            present: 2,
            excused: 1,
            sessions_pending: 0,
            sessions_ahead: 0,
            min_attendance_pct: 80,
            quiz: QuizState::Passed,
            practical_required: false,
            practical: None,
        }
    }

    #[test]
    fn a_hand_mark_is_the_trainers_own_within_its_hours() {
        let at = |m: i64| DateTime::<Utc>::from_timestamp(1_800_000_000 + m * 60, 0).unwrap();
        // A session from minute 0 to minute 150.
        let mark = |teaches, in_class, now| hand_mark(teaches, in_class, at(0), at(150), now);
        assert_eq!(mark(true, true, at(10)), HandMark::Record { final_now: false });
        assert_eq!(mark(true, true, at(-CHECKIN_OPENS_BEFORE_MINUTES)), HandMark::Record { final_now: false });
        assert_eq!(mark(true, true, at(150)), HandMark::Record { final_now: true });
        assert_eq!(mark(true, true, at(150 + HAND_MARK_HOURS * 60 - 1)), HandMark::Record { final_now: true });
        assert_eq!(mark(true, true, at(150 + HAND_MARK_HOURS * 60)), HandMark::TooLate);
        assert_eq!(mark(true, true, at(-CHECKIN_OPENS_BEFORE_MINUTES - 1)), HandMark::TooLate);
        // Someone else's session or an order of another class: refused whatever the hour.
        assert_eq!(mark(false, true, at(10)), HandMark::NotYours);
        assert_eq!(mark(true, false, at(10)), HandMark::NotYours);
        assert_eq!(mark(false, false, at(10_000)), HandMark::NotYours);
    }

    #[test]
    fn the_nearest_venue_decides_a_shared_location() {
        let point = |lat: f64, lon: f64| GeoPoint::from_degrees(lat, lon).unwrap();
        let here = point(34.0, 113.0);
        // About 111 m per 0.001 degree of latitude.
        let near = Venue { point: point(34.001, 113.0), radius_m: 300 };
        let far = Venue { point: point(34.01, 113.0), radius_m: 300 };
        assert!(matches!(
            check_location(&[(1, Some(far)), (2, Some(near)), (3, None)], here),
            LocationCheck::There { session: 2, distance_m: 110..=112 }
        ));
        assert!(matches!(
            check_location(&[(1, Some(far)), (3, None)], here),
            LocationCheck::TooFar { distance_m: 1100..=1120, radius_m: 300 }
        ));
        // A wide radius lets the far venue count; the nearer one still decides when both would.
        let wide = Venue { radius_m: 2000, ..far };
        assert!(matches!(check_location(&[(1, Some(wide))], here), LocationCheck::There { session: 1, .. }));
        assert!(matches!(
            check_location(&[(1, Some(wide)), (2, Some(near))], here),
            LocationCheck::There { session: 2, .. }
        ));
        // Of two at the same place, the first listed.
        assert!(matches!(
            check_location(&[(1, Some(near)), (2, Some(near))], here),
            LocationCheck::There { session: 1, .. }
        ));
        assert_eq!(check_location::<i64>(&[(1, None)], here), LocationCheck::NoVenue);
        assert_eq!(check_location::<i64>(&[], here), LocationCheck::NoVenue);
    }

    #[test]
    fn settling_moves_each_order_by_its_standing_once() {
        use crate::domain::order::OrderStatus as S;
        let settled = |status, progress: Progress, grace_over| settle(status, &progress, grace_over);
        let done = base();
        // Complete: no status of its own here; completion records it (and the follow-ups are planned).
        assert_eq!(
            settled(S::Confirmed, done, false),
            Some(Settlement {
                move_to: None,
                follow_up: Some(Cohort::Attendee),
                invite_to_quiz: false,
                complete: true
            })
        );
        // Came, quiz still open: attended, invited to the quiz; a second pass moves nothing again but
        // the invitation is asked for again (it is deduplicated where it is queued).
        let quiz_open = Progress { quiz: QuizState::Open, ..done };
        assert_eq!(
            settled(S::Confirmed, quiz_open, false),
            Some(Settlement {
                move_to: Some(S::Attended),
                follow_up: Some(Cohort::Attendee),
                invite_to_quiz: true,
                complete: false
            })
        );
        assert_eq!(
            settled(S::Attended, quiz_open, false),
            Some(Settlement {
                move_to: None,
                follow_up: Some(Cohort::Attendee),
                invite_to_quiz: true,
                complete: false
            })
        );
        // The grace period over without the quiz: not completed, no more invitations.
        assert_eq!(
            settled(S::Attended, quiz_open, true),
            Some(Settlement {
                move_to: Some(S::NotCompleted),
                follow_up: Some(Cohort::Attendee),
                invite_to_quiz: false,
                complete: false
            })
        );
        // Under the attendance minimum: not completed at once.
        let seldom = Progress { present: 1, excused: 0, ..done };
        assert_eq!(settled(S::Confirmed, seldom, false).and_then(|s| s.move_to), Some(S::NotCompleted));
        // Never came: a no-show, followed up as the comparison group.
        let absent = Progress { present: 0, excused: 0, ..done };
        assert_eq!(
            settled(S::Confirmed, absent, false),
            Some(Settlement {
                move_to: Some(S::NoShow),
                follow_up: Some(Cohort::Comparison),
                invite_to_quiz: false,
                complete: false
            })
        );
        // Not decidable yet: sessions ahead, or attendance not final.
        assert_eq!(settled(S::Confirmed, Progress { sessions_ahead: 1, quiz: QuizState::Open, ..done }, false), None);
        assert_eq!(settled(S::Confirmed, Progress { sessions_pending: 1, quiz: QuizState::Open, ..done }, false), None);
        // Statuses settling does not touch.
        for status in [S::Cancelled, S::Rejected, S::Waitlisted, S::Offered, S::PendingApproval, S::Completed] {
            assert_eq!(settled(status, done, true), None, "{status:?}");
        }
    }

    #[test]
    fn excused_absences_do_not_count_against_completion() {
        let base = base();
        assert!(base.is_complete(), "2 of 2 counted sessions");
        assert!(!Progress { excused: 0, ..base }.is_complete(), "2 of 3 is under 80%");
        assert!(!Progress { quiz: QuizState::Open, ..base }.is_complete());
        assert!(!Progress { practical_required: true, ..base }.is_complete());
        assert!(Progress { practical_required: true, practical: Some(true), ..base }.is_complete());
        assert!(!Progress { sessions_ahead: 1, ..base }.is_complete(), "not before the last session");
        assert!(!Progress { present: 0, excused: 3, ..base }.is_complete(), "never came at all");
        assert!(!Progress { sessions_held: 0, present: 0, excused: 0, ..base }.is_complete(), "nothing held");
        assert_eq!(Mark::for_absence(true), Mark::Excused);
    }

    #[test]
    fn completion_is_never_below_the_minimum_of_the_sessions_held() {
        // 2 of 3 held sessions (the third had no check-in but was held all the same) is 67% < 80%.
        let two_of_three = Progress { excused: 0, ..base() };
        assert!(!two_of_three.attendance_ok());
        assert_eq!(two_of_three.standing(false), Standing::NotCompleted);
        assert!(Progress { present: 3, excused: 0, ..base() }.is_complete());
        // 4 of 5 is exactly 80%.
        assert!(Progress { sessions_held: 5, present: 4, excused: 0, ..base() }.is_complete());
        assert!(!Progress { sessions_held: 5, present: 3, excused: 0, ..base() }.is_complete());
    }

    #[test]
    fn an_order_gets_its_final_status_when_the_class_ends() {
        let b = Progress { quiz: QuizState::Open, ..base() };
        assert_eq!(Progress { sessions_ahead: 1, ..b }.standing(false), Standing::Undecided);
        assert_eq!(Progress { sessions_pending: 1, ..b }.standing(false), Standing::Undecided, "hand marks awaited");
        assert_eq!(Progress { present: 0, excused: 0, ..b }.standing(false), Standing::NoShow);
        assert_eq!(b.standing(false), Standing::Attended, "the quiz is still to take");
        assert_eq!(b.standing(true), Standing::NotCompleted, "30 days on, still not complete");
        assert_eq!(Progress { quiz: QuizState::Failed, ..b }.standing(false), Standing::NotCompleted);
        let practical = Progress { practical_required: true, quiz: QuizState::Passed, ..b };
        assert_eq!(practical.standing(false), Standing::Attended, "the practical check is still to record");
        assert_eq!(Progress { practical: Some(false), ..practical }.standing(false), Standing::NotCompleted);
        assert_eq!(Progress { practical: Some(true), ..practical }.standing(true), Standing::Completed);
        assert_eq!(base().standing(false), Standing::Completed);
    }

    #[test]
    fn check_in_opens_half_an_hour_before_the_start_and_closes_at_the_end() {
        let t = |h: u32, m: u32| chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 12, 20, h, m, 0).unwrap();
        let (start, end) = (t(9, 30), t(11, 30));
        assert_eq!(checkin_window(start, end, t(8, 59)), Window::NotYet { opens: t(9, 0) });
        assert_eq!(checkin_window(start, end, t(9, 0)), Window::Open);
        assert_eq!(checkin_window(start, end, t(11, 29)), Window::Open);
        assert_eq!(checkin_window(start, end, t(11, 30)), Window::Closed);
        assert!(!may_mark_by_hand(start, end, t(8, 0)));
        assert!(may_mark_by_hand(start, end, t(10, 0)));
        assert!(may_mark_by_hand(start, end, t(11, 30) + Duration::hours(47)));
        assert!(!may_mark_by_hand(start, end, t(11, 30) + Duration::hours(48)));
    }

    #[test]
    fn the_fifth_wrong_code_in_a_row_locks_check_in_for_ten_minutes() {
        let now = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 12, 20, 9, 40, 0).unwrap();
        let mut count = 0;
        for _ in 0..4 {
            let (next, locked) = after_wrong_code(count, now);
            assert_eq!(locked, None);
            count = next;
        }
        assert_eq!(after_wrong_code(count, now), (0, Some(now + Duration::minutes(10))));
    }

    #[test]
    fn distances_to_a_venue() {
        let venue = Venue { point: GeoPoint::from_degrees(34.7466, 112.6340).unwrap(), radius_m: 300 };
        // About 0.001 degree of latitude is 111 m.
        let near = GeoPoint::from_degrees(34.7476, 112.6340).unwrap();
        let (d, inside) = venue.check(near);
        assert!((105..=118).contains(&d) && inside, "{d}");
        let far = GeoPoint::from_degrees(34.7566, 112.6340).unwrap();
        let (d, inside) = venue.check(far);
        assert!((1100..=1125).contains(&d) && !inside, "{d}");
        assert_eq!(GeoPoint::from_degrees(91.0, 0.0), None);
        assert_eq!(GeoPoint::from_degrees(0.0, -180.5), None);
        assert_eq!(GeoPoint::from_degrees(f64::NAN, 0.0), None);
        let own = Venue { radius_m: 50, ..venue };
        assert_eq!(Venue::effective(Some(own), Some(venue)), Some(own));
        assert_eq!(Venue::effective(None, Some(venue)), Some(venue));
    }

    #[test]
    fn a_retake_asks_other_questions_first_then_the_missed_ones() {
        let bank: Vec<(i64, usize)> = (1..=6).map(|id| (id, 3)).collect();
        let asked = [1, 2, 3, 4, 5];
        let missed = [2, 4];
        let drawn = draw_retake(&bank, 5, &asked, &missed, &mut StdRng::seed_from_u64(1));
        let ids: Vec<i64> = drawn.iter().map(|d| d.question_id).collect();
        assert_eq!(ids.len(), 5);
        assert_eq!(ids[0], 6, "the one question not asked yet comes first");
        let mut next_two = ids[1..3].to_vec();
        next_two.sort();
        assert_eq!(next_two, vec![2, 4], "then the missed ones");
        let big: Vec<(i64, usize)> = (1..=12).map(|id| (id, 4)).collect();
        let drawn = draw_retake(&big, 5, &asked, &missed, &mut StdRng::seed_from_u64(2));
        assert!(drawn.iter().all(|d| !asked.contains(&d.question_id)), "a big bank asks only new questions");
    }

    #[test]
    fn the_pass_mark_in_questions_and_typed_options() {
        assert_eq!(needed_to_pass(5, 60), 3);
        assert_eq!(needed_to_pass(5, 61), 4);
        assert_eq!(needed_to_pass(4, 60), 3);
        assert_eq!(needed_to_pass(5, 100), 5);
        for (typed, index) in [("1", 0), ("2", 1), ("３", 2), ("b", 1), ("B", 1), ("Ｃ", 2), (" a. ", 0), ("2、", 1)]
        {
            assert_eq!(typed_option(typed, 3), Some(index), "{typed}");
        }
        for typed in ["4", "d", "0", "12", "ab", "", "好", "1 2"] {
            assert_eq!(typed_option(typed, 3), None, "{typed}");
        }
    }

    #[test]
    fn certificate_codes_read_well() {
        let code = certificate_code(&mut StdRng::seed_from_u64(3));
        assert_eq!(code.len(), 9);
        assert!(!code.contains(['0', 'O', '1', 'I', 'L']));
        assert_eq!(normalize_certificate_code(&code), Some(code.clone()));
        assert_eq!(normalize_certificate_code(&code.replace('-', "").to_lowercase()), Some(code.clone()));
        assert_eq!(normalize_certificate_code(" k7q3 m9xp "), Some("K7Q3-M9XP".into()));
        assert_eq!(normalize_certificate_code("K7Q3-M9X"), None);
        assert_eq!(normalize_certificate_code("K7Q3-M9XPQ"), None);
    }
}
