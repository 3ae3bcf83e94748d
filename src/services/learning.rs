//! Check-in, the trainer's roster and practical checks, attendance once a session has ended (by
//! hand when nobody recorded it), order statuses when a class ends, quizzes, completion with a
//! certificate and credits.

use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::app::App;
use crate::db::learning::{self as store, Attempt, Completion, Lockout, Source};
use crate::db::orders::OrderRow;
use crate::db::{self, Tx};
use crate::domain::callback::Cb;
use crate::domain::catalog::{Class, ClassStatus, Course, Question, Session, SessionStatus};
use crate::domain::gate::MessageKind;
use crate::domain::learning::{
    CHECKIN_OPENS_BEFORE_MINUTES, COMPLETION_GRACE_DAYS, CheckinCode, GeoPoint, HandMark, LocationCheck,
    MAX_WRONG_CODES, Mark, Progress, QuizState, Window, after_wrong_code, certificate_code, checkin_window, draw,
    draw_retake, hand_mark, hand_marks_until, may_mark_by_hand, needed_to_pass, normalize_certificate_code, passes,
};
use crate::domain::order::OrderStatus;
use crate::domain::person::{Person, Role};
use crate::i18n::{Lang, session_when};
use crate::services::notify::{self, Note, payload};
use crate::tr;

// ---------------------------------------------------------------------------------------------------
// Buttons built here (for outbox messages and for the roster), as `Cb` values
// ---------------------------------------------------------------------------------------------------

pub fn checkin_button_data(session_id: i64) -> String {
    Cb::CheckIn(session_id).encode()
}

pub fn quiz_start_data(order_id: i64) -> String {
    Cb::QuizStart(order_id).encode()
}

pub fn mark_data(session_id: i64, order_id: i64, present: bool) -> String {
    Cb::Mark { session: session_id, order: order_id, present }.encode()
}

pub fn practical_data(session_id: i64, order_id: i64, passed: bool) -> String {
    Cb::Practical { session: session_id, order: order_id, passed }.encode()
}

pub fn roster_data(session_id: i64) -> String {
    Cb::Roster(session_id).encode()
}

pub fn close_checkin_data(session_id: i64) -> String {
    Cb::CloseCheckin(session_id).encode()
}

pub fn certificate_data(order_id: i64) -> String {
    Cb::Certificate(order_id).encode()
}

/// Deep links `https://t.me/<bot>?start=v-<CODE>` verify a certificate (the QR code on the card).
pub const VERIFY_START_PREFIX: &str = "v-";

/// The verification link of a certificate code, when the bot's username is known.
pub fn verify_link(app: &App, code: &str) -> Option<String> {
    let username = app.config.bot_username.as_deref()?.trim_start_matches('@');
    (!username.is_empty()).then(|| format!("https://t.me/{username}?start={VERIFY_START_PREFIX}{code}"))
}

// ---------------------------------------------------------------------------------------------------
// Sessions, classes, trainers
// ---------------------------------------------------------------------------------------------------

/// A session with its class, course and the time zone of the class's region.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub session: Session,
    pub class: Class,
    pub course: Course,
    pub tz: chrono_tz::Tz,
}

async fn region_tz(app: &App, region_key: &str) -> anyhow::Result<chrono_tz::Tz> {
    Ok(db::regions::get(&app.db, region_key)
        .await?
        .and_then(|r| r.timezone.parse().ok())
        .unwrap_or(app.config.default_timezone))
}

pub async fn session_info(app: &App, session_id: i64) -> anyhow::Result<Option<SessionInfo>> {
    let Some(session) = db::catalog::session(&app.db, session_id).await? else { return Ok(None) };
    let Some(class) = db::catalog::class(&app.db, &session.class_key).await? else { return Ok(None) };
    let Some(course) = db::catalog::course(&app.db, &class.course_key).await? else { return Ok(None) };
    let tz = region_tz(app, &class.region_key).await?;
    Ok(Some(SessionInfo { session, class, course, tz }))
}

/// Whether `person` teaches the course of the session (their trainer link names its trainer).
async fn teaches(app: &App, person: &Person, info: &SessionInfo) -> anyhow::Result<bool> {
    crate::services::access::teaches(app, person, &info.course.trainer_key).await
}

/// Whether `person` teaches the course of `session_id`.
pub async fn is_trainer_of(app: &App, person: &Person, session_id: i64) -> anyhow::Result<bool> {
    match session_info(app, session_id).await? {
        Some(info) => teaches(app, person, &info).await,
        None => Ok(false),
    }
}

/// What `/checkin` offers a trainer: their sessions of today (the region's date) whose check-in
/// window is open now, and otherwise when the next one of today opens.
#[derive(Debug, Clone, Default)]
pub struct CheckinChoices {
    pub open: Vec<SessionInfo>,
    /// The next session of today not open yet: when its window opens, in its zone.
    pub next_today: Option<(DateTime<Utc>, chrono_tz::Tz)>,
}

pub async fn checkin_choices(app: &App, trainer: &Person) -> anyhow::Result<CheckinChoices> {
    let Some(trainer_key) = db::people::trainer_key(&app.db, trainer.user_id).await? else {
        return Ok(CheckinChoices::default());
    };
    let now = app.now();
    let mut out = CheckinChoices::default();
    for (session, class, course) in db::catalog::sessions_of_trainer(&app.db, &trainer_key, now).await? {
        if session.status != SessionStatus::Scheduled || class.status == ClassStatus::Cancelled {
            continue;
        }
        let tz = region_tz(app, &class.region_key).await?;
        if session.starts_at.with_timezone(&tz).date_naive() != now.with_timezone(&tz).date_naive() {
            continue;
        }
        match checkin_window(session.starts_at, session.ends_at, now) {
            Window::Open => out.open.push(SessionInfo { session, class, course, tz }),
            Window::NotYet { opens } => {
                if out.next_today.is_none_or(|(first, _)| opens < first) {
                    out.next_today = Some((opens, tz));
                }
            }
            Window::Closed => {}
        }
    }
    Ok(out)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenOutcome {
    Opened {
        code: CheckinCode,
        expires_at: DateTime<Utc>,
    },
    /// Not this trainer's session (or not a trainer): refused and logged.
    NotYours,
    /// Check-in opens at this time (shown in this zone).
    NotYet {
        opens: DateTime<Utc>,
        tz: chrono_tz::Tz,
    },
    Ended,
    Unknown,
}

/// Opens check-in for a session inside its window: a fresh code (valid for the configured time, at
/// most until the session ends), and a "签到" button to everyone booked.
pub async fn open_checkin(app: &App, trainer: &Person, session_id: i64) -> anyhow::Result<OpenOutcome> {
    let Some(info) = session_info(app, session_id).await? else { return Ok(OpenOutcome::Unknown) };
    if !teaches(app, trainer, &info).await? {
        tracing::warn!(user = trainer.user_id, session_id, "check-in for another trainer's session refused");
        return Ok(OpenOutcome::NotYours);
    }
    let now = app.now();
    if info.session.status != SessionStatus::Scheduled || info.class.status == ClassStatus::Cancelled {
        return Ok(OpenOutcome::Ended);
    }
    match checkin_window(info.session.starts_at, info.session.ends_at, now) {
        Window::NotYet { opens } => {
            tracing::info!(user = trainer.user_id, session_id, "check-in asked for before its window");
            return Ok(OpenOutcome::NotYet { opens, tz: info.tz });
        }
        Window::Closed => return Ok(OpenOutcome::Ended),
        Window::Open => {}
    }
    let code = CheckinCode::generate(&mut rand::thread_rng());
    let expires_at = (now + app.config.checkin_ttl).min(info.session.ends_at);
    let booked = db::orders::of_class(&app.db, &info.class.key, OrderStatus::Confirmed).await?;
    let mut tx = app.db.begin_write().await?;
    store::open_checkin(&mut tx, session_id, &code, trainer.user_id, now, expires_at).await?;
    for order in &booked {
        let title = info.course.clone();
        let note = Note {
            // People are in the classroom: only quiet hours hold it back.
            kind: MessageKind::Broadcast { urgent: true },
            label: "checkin",
            render: Box::new(move |lang| {
                payload(
                    tr!(lang, "checkin-open", course = title.display_title(lang)),
                    vec![vec![(tr!(lang, "btn-checkin"), checkin_button_data(session_id))]],
                )
            }),
            dedupe_key: Some(format!("checkin:{session_id}:{}:{}", now.timestamp(), order.id)),
            planned_at: now,
            deadline_at: Some(expires_at),
            personal: true,
            group: None,
        };
        notify::queue(&mut tx, app, order.user_id, &note).await?;
    }
    tx.commit().await?;
    tracing::info!(user = trainer.user_id, session_id, "check-in opened");
    app.wake_outbox();
    app.wake_scheduler();
    Ok(OpenOutcome::Opened { code, expires_at })
}

// ---------------------------------------------------------------------------------------------------
// The roster
// ---------------------------------------------------------------------------------------------------

/// One line of the trainer's roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterEntry {
    pub order_id: i64,
    pub name: String,
    pub mark: Option<Mark>,
    pub practical: Option<bool>,
    /// Answered "can't come" to this session's reminder (请假).
    pub sent_apology: bool,
    /// Holds a seat (false: gave it up with that "can't come"; listed so the trainer knows why).
    pub booked: bool,
}

#[derive(Debug, Clone)]
pub struct Roster {
    pub session: Session,
    pub course: Course,
    pub tz: chrono_tz::Tz,
    pub code: Option<(CheckinCode, DateTime<Utc>)>,
    /// The session has ended.
    pub ended: bool,
    /// Marks can be made now (from the check-in window's opening until 48 hours after the end).
    pub markable: bool,
    pub hand_until: DateTime<Utc>,
    pub entries: Vec<RosterEntry>,
}

/// Orders that appear on a class's roster: everyone who holds (or held) a seat in it.
const ON_ROSTER: [OrderStatus; 5] = [
    OrderStatus::Confirmed,
    OrderStatus::Attended,
    OrderStatus::Completed,
    OrderStatus::NotCompleted,
    OrderStatus::NoShow,
];

pub async fn roster(app: &App, session_id: i64) -> anyhow::Result<Option<Roster>> {
    let Some(info) = session_info(app, session_id).await? else { return Ok(None) };
    let now = app.now();
    let marks = store::marks_of_session(&app.db, session_id).await?;
    let apologies = store::not_coming(&app.db, session_id).await?;
    let mut entries = Vec::new();
    for status in ON_ROSTER {
        for order in db::orders::of_class(&app.db, &info.class.key, status).await? {
            let name = db::people::find(&app.db, order.user_id).await?.map(|p| p.name.as_str().to_owned());
            entries.push(RosterEntry {
                order_id: order.id,
                name: name.unwrap_or_default(),
                mark: marks.iter().find(|(o, _)| *o == order.id).map(|(_, m)| *m),
                practical: store::practical(&app.db, order.id).await?,
                sent_apology: apologies.contains(&order.id),
                booked: true,
            });
        }
    }
    // "Can't come" to a reminder gives the seat up: those people are listed as having sent an
    // absence notice (请假), not as missing.
    for order in db::orders::of_class(&app.db, &info.class.key, OrderStatus::Cancelled).await? {
        if apologies.contains(&order.id) && !entries.iter().any(|e| e.order_id == order.id) {
            let name = db::people::find(&app.db, order.user_id).await?.map(|p| p.name.as_str().to_owned());
            entries.push(RosterEntry {
                order_id: order.id,
                name: name.unwrap_or_default(),
                mark: None,
                practical: None,
                sent_apology: true,
                booked: false,
            });
        }
    }
    let code =
        store::checkin(&app.db, session_id).await?.filter(|c| c.expires_at > now).map(|c| (c.code, c.expires_at));
    let SessionInfo { session, course, tz, .. } = info;
    Ok(Some(Roster {
        ended: session.ends_at <= now,
        markable: may_mark_by_hand(session.starts_at, session.ends_at, now),
        hand_until: hand_marks_until(session.ends_at),
        session,
        course,
        tz,
        code,
        entries,
    }))
}

/// The roster as a message: text, and rows of (label, callback data). One rendering for the live
/// roster, its refresh and the request to mark attendance by hand.
pub fn roster_message(lang: Lang, roster: &Roster) -> (String, Vec<Vec<(String, String)>>) {
    let session_id = roster.session.id;
    let mut lines = vec![tr!(
        lang,
        "roster-title",
        course = roster.course.display_title(lang),
        when = when(lang, roster.tz, &roster.session)
    )];
    lines.push(match (&roster.code, roster.ended, roster.markable) {
        (Some((code, until)), _, _) => tr!(
            lang,
            "roster-code",
            code = code.as_str(),
            until = until.with_timezone(&roster.tz).format("%H:%M").to_string()
        ),
        (None, true, true) => tr!(lang, "roster-hand", until = local_time(lang, roster.tz, roster.hand_until)),
        (None, true, false) => tr!(lang, "roster-final"),
        (None, false, _) => tr!(lang, "roster-closed"),
    });
    let booked: Vec<&RosterEntry> = roster.entries.iter().filter(|e| e.booked).collect();
    let present = booked.iter().filter(|e| e.mark == Some(Mark::Present)).count();
    lines.push(tr!(lang, "roster-counts", present = present, total = booked.len()));
    let mut rows: Vec<Vec<(String, String)>> = Vec::new();
    for e in &roster.entries {
        let mark = match e.mark {
            Some(Mark::Present) => tr!(lang, "roster-present"),
            Some(Mark::Excused) => tr!(lang, "roster-excused"),
            _ => tr!(lang, "roster-absent"),
        };
        let practical = match e.practical {
            Some(true) => tr!(lang, "roster-practical-pass"),
            Some(false) => tr!(lang, "roster-practical-fail"),
            None => String::new(),
        };
        let leave = if e.sent_apology { tr!(lang, "roster-apology") } else { String::new() };
        lines.push(tr!(
            lang,
            "roster-line",
            mark = mark.clone(),
            name = e.name.as_str(),
            practical = practical,
            leave = leave
        ));
        if !e.booked {
            continue;
        }
        let mut row = Vec::new();
        if roster.markable {
            // The button toggles: tapping a present trainee marks them absent and back.
            let present = e.mark == Some(Mark::Present);
            row.push((
                tr!(lang, "btn-mark", name = e.name.as_str(), mark = mark),
                mark_data(session_id, e.order_id, !present),
            ));
        }
        if roster.course.practical_check {
            row.push((
                tr!(lang, "btn-practical-pass", name = e.name.as_str()),
                practical_data(session_id, e.order_id, true),
            ));
            row.push((
                tr!(lang, "btn-practical-fail", name = e.name.as_str()),
                practical_data(session_id, e.order_id, false),
            ));
        }
        if !row.is_empty() {
            rows.push(row);
        }
    }
    let mut controls = vec![(tr!(lang, "btn-refresh-roster"), roster_data(session_id))];
    if roster.code.is_some() {
        controls.push((tr!(lang, "btn-close-checkin"), close_checkin_data(session_id)));
    }
    rows.push(controls);
    (lines.join("\n"), rows)
}

/// "12月22日 11:30" in the zone.
fn local_time(lang: Lang, tz: chrono_tz::Tz, at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&tz);
    tr!(lang, "learning-date-time", month = local.month(), day = local.day(), time = local.format("%H:%M").to_string())
}

// ---------------------------------------------------------------------------------------------------
// Trainees check in: the code from the room, or a shared location at the venue
// ---------------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckinOutcome {
    CheckedIn {
        course: Course,
    },
    Already {
        course: Course,
    },
    /// The "签到" button inside the window: send the code, or (`location`) share the location too.
    Prompt {
        course: Course,
        location: bool,
    },
    /// A wrong code; `tries_left` more before check-in locks.
    WrongCode {
        tries_left: i64,
    },
    /// Check-in is locked after too many wrong codes, until then.
    Locked {
        until: DateTime<Utc>,
        tz: chrono_tz::Tz,
    },
    /// No check-in is open for any class the person is booked on.
    NoneOpen,
    /// A shared location with no session of theirs going on now.
    NoSessionNow,
    /// The location is too far from the venue.
    TooFar {
        distance_m: i64,
        radius_m: i64,
    },
    /// The venue of the session going on has no coordinates: the code only.
    NoVenue,
    /// The button's session: not booked on it.
    NotBooked,
    /// The button's session: check-in opens then.
    NotYet {
        opens: DateTime<Utc>,
        tz: chrono_tz::Tz,
    },
    /// The button's session is over.
    Closed,
}

/// A lock still in force, as an outcome.
async fn locked(app: &App, person: &Person) -> anyhow::Result<Option<CheckinOutcome>> {
    let lockout = store::lockout(&app.db, person.user_id).await?;
    Ok(match lockout.locked_until {
        Some(until) if until > app.now() => Some(CheckinOutcome::Locked { until, tz: person_tz(app, person).await? }),
        _ => None,
    })
}

/// The time zone a person reads times in: their village's, else the default.
pub(crate) async fn person_tz(app: &App, person: &Person) -> anyhow::Result<chrono_tz::Tz> {
    match &person.village_key {
        Some(village) => region_tz(app, village).await,
        None => Ok(app.config.default_timezone),
    }
}

/// A typed code: checks the person in to the open check-in it belongs to. Wrong codes count; the
/// fifth in a row locks the person's check-in for ten minutes.
pub async fn check_in_code(app: &App, person: &Person, code: &CheckinCode) -> anyhow::Result<CheckinOutcome> {
    if let Some(locked) = locked(app, person).await? {
        return Ok(locked);
    }
    let now = app.now();
    let open = store::open_checkins_for(&app.db, person.user_id, now).await?;
    if open.is_empty() {
        return Ok(outside_window(app, person).await?.unwrap_or(CheckinOutcome::NoneOpen));
    }
    if let Some((checkin, order_id)) = open.into_iter().find(|(c, _)| &c.code == code) {
        return record_presence(app, person, checkin.session_id, order_id, Source::Code).await;
    }
    let before = store::lockout(&app.db, person.user_id).await?;
    let (wrong_in_row, locked_until) = after_wrong_code(before.wrong_in_row, now);
    let mut tx = app.db.begin_write().await?;
    store::set_lockout(&mut tx, person.user_id, Lockout { wrong_in_row, locked_until }, now).await?;
    tx.commit().await?;
    Ok(match locked_until {
        Some(until) => {
            tracing::warn!(user = person.user_id, wrong_codes = MAX_WRONG_CODES, %until, "check-in locked after wrong codes");
            CheckinOutcome::Locked { until, tz: person_tz(app, person).await? }
        }
        None => CheckinOutcome::WrongCode { tries_left: MAX_WRONG_CODES - wrong_in_row },
    })
}

/// A shared location: checks the person in to their session going on now when they are within its
/// venue's radius.
pub async fn check_in_location(app: &App, person: &Person, at: GeoPoint) -> anyhow::Result<CheckinOutcome> {
    if let Some(locked) = locked(app, person).await? {
        return Ok(locked);
    }
    let now = app.now();
    let opens_before = Duration::minutes(CHECKIN_OPENS_BEFORE_MINUTES);
    let candidates = store::sessions_open_for(&app.db, person.user_id, now, opens_before).await?;
    if candidates.is_empty() {
        return Ok(outside_window(app, person).await?.unwrap_or(CheckinOutcome::NoSessionNow));
    }
    let mut sessions = Vec::with_capacity(candidates.len());
    for (session_id, order_id) in candidates {
        let venue = session_info(app, session_id).await?.and_then(|info| info.session.venue(&info.class));
        sessions.push(((session_id, order_id), venue));
    }
    match crate::domain::learning::check_location(&sessions, at) {
        LocationCheck::There { session: (session_id, order_id), distance_m } => {
            tracing::info!(user = person.user_id, session_id, distance_m, "check-in by location");
            record_presence(app, person, session_id, order_id, Source::Location { distance_m }).await
        }
        LocationCheck::TooFar { distance_m, radius_m } => {
            tracing::info!(user = person.user_id, distance_m, radius_m, "location too far to check in");
            Ok(CheckinOutcome::TooFar { distance_m, radius_m })
        }
        LocationCheck::NoVenue => Ok(CheckinOutcome::NoVenue),
    }
}

/// Check-in tried with no session of the person's in its window: when one of theirs opens later
/// today, when; when one closed earlier today, that it has closed.
async fn outside_window(app: &App, person: &Person) -> anyhow::Result<Option<CheckinOutcome>> {
    let now = app.now();
    let tz = person_tz(app, person).await?;
    let today = now.with_timezone(&tz).date_naive();
    let around =
        store::sessions_of_user_between(&app.db, person.user_id, now - Duration::days(1), now + Duration::days(1))
            .await?;
    let today: Vec<_> =
        around.into_iter().filter(|(start, _)| start.with_timezone(&tz).date_naive() == today).collect();
    for &(start, end) in &today {
        if let Window::NotYet { opens } = checkin_window(start, end, now) {
            return Ok(Some(CheckinOutcome::NotYet { opens, tz }));
        }
    }
    Ok(today.iter().any(|&(_, end)| end <= now).then_some(CheckinOutcome::Closed))
}

/// The "签到" button: it checks nobody in by itself. Inside the session's window it asks for the code
/// (and offers to share the location where the venue has coordinates); outside, it says when
/// check-in opens or that it has closed.
pub async fn check_in_button(app: &App, person: &Person, session_id: i64) -> anyhow::Result<CheckinOutcome> {
    let Some(info) = session_info(app, session_id).await? else { return Ok(CheckinOutcome::NotBooked) };
    let orders = db::orders::of_user(&app.db, person.user_id).await?;
    let Some(order) = orders
        .iter()
        .find(|o| o.class_key == info.class.key && matches!(o.status, OrderStatus::Confirmed | OrderStatus::Attended))
    else {
        return Ok(CheckinOutcome::NotBooked);
    };
    if info.session.status != SessionStatus::Scheduled {
        return Ok(CheckinOutcome::Closed);
    }
    match checkin_window(info.session.starts_at, info.session.ends_at, app.now()) {
        Window::NotYet { opens } => return Ok(CheckinOutcome::NotYet { opens, tz: info.tz }),
        Window::Closed => return Ok(CheckinOutcome::Closed),
        Window::Open => {}
    }
    let marks = store::marks_of_order(&app.db, order.id).await?;
    if marks.iter().any(|(s, m)| *s == session_id && *m == Mark::Present) {
        return Ok(CheckinOutcome::Already { course: info.course });
    }
    if let Some(locked) = locked(app, person).await? {
        return Ok(locked);
    }
    let location = info.session.venue(&info.class).is_some();
    Ok(CheckinOutcome::Prompt { course: info.course, location })
}

async fn record_presence(
    app: &App,
    person: &Person,
    session_id: i64,
    order_id: i64,
    source: Source,
) -> anyhow::Result<CheckinOutcome> {
    let Some(info) = session_info(app, session_id).await? else { return Ok(CheckinOutcome::NoneOpen) };
    let now = app.now();
    let mut tx = app.db.begin_write().await?;
    let new = store::mark(&mut tx, order_id, session_id, Mark::Present, source, Some(person.user_id), now).await?;
    store::clear_lockout(&mut tx, person.user_id).await?;
    tx.commit().await?;
    Ok(if new {
        CheckinOutcome::CheckedIn { course: info.course }
    } else {
        CheckinOutcome::Already { course: info.course }
    })
}

// ---------------------------------------------------------------------------------------------------
// The trainer's hand marks and practical checks
// ---------------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkOutcome {
    Marked,
    /// Not this trainer's session, or not an order of its class: refused and logged.
    NotYours,
    /// Outside the time marks can be made (before the check-in window, or 48 hours after the end).
    TooLate,
}

/// A trainer marks a trainee by hand (present or absent) for one of their sessions: from the
/// check-in window's opening until 48 hours after the end. Who marked and when is stored; a mark on
/// a session that has ended makes its attendance final and settles the order again.
pub async fn trainer_mark(
    app: &App,
    trainer: &Person,
    session_id: i64,
    order_id: i64,
    present: bool,
) -> anyhow::Result<MarkOutcome> {
    let Some(info) = session_info(app, session_id).await? else { return Ok(MarkOutcome::NotYours) };
    let Some(order) = db::orders::get(&app.db, order_id).await? else { return Ok(MarkOutcome::NotYours) };
    let now = app.now();
    let teaches_session = teaches(app, trainer, &info).await?;
    let (starts, ends) = (info.session.starts_at, info.session.ends_at);
    let final_now = match hand_mark(teaches_session, order.class_key == info.class.key, starts, ends, now) {
        HandMark::NotYours => {
            tracing::warn!(user = trainer.user_id, session_id, order_id, "attendance mark refused");
            return Ok(MarkOutcome::NotYours);
        }
        HandMark::TooLate => {
            tracing::info!(user = trainer.user_id, session_id, order_id, "attendance mark outside its time");
            return Ok(MarkOutcome::TooLate);
        }
        HandMark::Record { final_now } => final_now,
    };
    let mark = if present { Mark::Present } else { Mark::Absent };
    let mut tx = app.db.begin_write().await?;
    store::mark(&mut tx, order_id, session_id, mark, Source::Trainer, Some(trainer.user_id), now).await?;
    let entry = db::audit::AuditEntry::new(
        now,
        db::audit::Actor::User(trainer.user_id),
        db::audit::AuditAction::HandMark,
        format!("class:{}", info.class.key),
    )
    .region(info.class.region_key.clone())
    .detail(format!(
        "session={session_id} order={order_id} person={} {}",
        order.user_id,
        if present { "present" } else { "absent" }
    ));
    db::audit::record(&mut tx, &entry).await?;
    tx.commit().await?;
    tracing::info!(trainer = trainer.user_id, session_id, order_id, present, "attendance marked by hand");
    if final_now {
        // The trainer has taken the session's attendance in hand: it is final now (the others absent,
        // which the roster still lets them change), and the class's orders settle again.
        finalize_session(app, session_id).await?;
        settle_class(app, &info.class.key).await?;
        app.wake_outbox();
    }
    Ok(MarkOutcome::Marked)
}

/// A trainer records the practical check (实操考核) of a trainee in one of their classes.
pub async fn trainer_practical(
    app: &App,
    trainer: &Person,
    session_id: i64,
    order_id: i64,
    passed: bool,
) -> anyhow::Result<bool> {
    let Some(info) = session_info(app, session_id).await? else { return Ok(false) };
    let Some(order) = db::orders::get(&app.db, order_id).await? else { return Ok(false) };
    if order.class_key != info.class.key || !info.course.practical_check || !teaches(app, trainer, &info).await? {
        tracing::warn!(user = trainer.user_id, session_id, order_id, "practical check refused");
        return Ok(false);
    }
    let mut tx = app.db.begin_write().await?;
    store::set_practical(&mut tx, order_id, passed, trainer.user_id, app.now()).await?;
    tx.commit().await?;
    tracing::info!(trainer = trainer.user_id, order_id, passed, "practical check recorded");
    settle(app, order_id).await?;
    Ok(true)
}

// ---------------------------------------------------------------------------------------------------
// After sessions end
// ---------------------------------------------------------------------------------------------------

/// The scheduler's pass: closes every session that has ended (attendance made final, or its trainer
/// asked to mark it by hand when nobody recorded any), makes awaited sessions final once their
/// 48 hours are over, and settles the orders whose status must move (class ended, completion grace
/// over). Returns how many sessions and orders it handled.
pub async fn finalize_due(app: &App) -> anyhow::Result<usize> {
    let now = app.now();
    let mut done = 0;
    for session_id in store::sessions_to_close(&app.db, now).await? {
        close_session(app, session_id).await?;
        done += 1;
    }
    let hand_marks = Duration::hours(crate::domain::learning::HAND_MARK_HOURS);
    for session_id in store::closings_overdue(&app.db, now - hand_marks).await? {
        tracing::info!(session_id, "hand-marking time over: attendance made final as it stands");
        finalize_session(app, session_id).await?;
        done += 1;
    }
    let grace = Duration::days(COMPLETION_GRACE_DAYS);
    for order_id in store::orders_to_settle(&app.db, now, now - grace).await? {
        settle(app, order_id).await?;
        done += 1;
    }
    if done > 0 {
        app.wake_outbox();
    }
    Ok(done)
}

/// When the scheduler must next call [`finalize_due`], whose pass began at `pass_began`. Whatever was
/// due by then has been handled, so such a time means an item that could not be (bad data): it is
/// tried again a minute later rather than in a tight loop.
pub async fn next_due(app: &App, pass_began: DateTime<Utc>) -> anyhow::Result<Option<DateTime<Utc>>> {
    let hand_marks = Duration::hours(crate::domain::learning::HAND_MARK_HOURS);
    let grace = Duration::days(COMPLETION_GRACE_DAYS);
    let next = store::next_closing_due(&app.db, hand_marks, grace).await?;
    Ok(next.map(|at| if at <= pass_began { app.now().max(pass_began) + Duration::minutes(1) } else { at }))
}

/// A session has ended: when any attendance was recorded (a check-in opened, a code or location
/// check-in, a hand mark) or nobody is booked, it is final at once; otherwise its trainer is asked,
/// through the outbox, to mark it by hand within 48 hours.
async fn close_session(app: &App, session_id: i64) -> anyhow::Result<()> {
    let now = app.now();
    let Some(info) = session_info(app, session_id).await? else {
        let mut tx = app.db.begin_write().await?;
        store::insert_closing(&mut tx, session_id, false, now).await?;
        tx.commit().await?;
        return Ok(());
    };
    let booked = db::orders::of_class(&app.db, &info.class.key, OrderStatus::Confirmed).await?;
    let marks = store::marks_of_session(&app.db, session_id).await?;
    let recorded = !marks.is_empty() || store::checkin(&app.db, session_id).await?.is_some();
    let until = hand_marks_until(info.session.ends_at);
    if recorded || booked.is_empty() || now >= until {
        let mut tx = app.db.begin_write().await?;
        if store::insert_closing(&mut tx, session_id, false, now).await? {
            record_absences(&mut tx, app, &info.session, &booked, &marks).await?;
        }
        tx.commit().await?;
        return Ok(());
    }
    let trainers = db::people::trainer_people(&app.db, &info.course.trainer_key).await?;
    if trainers.is_empty() {
        tracing::warn!(session_id, trainer = %info.course.trainer_key, "no attendance and no trainer to ask");
    }
    let Some(roster) = roster(app, session_id).await? else { return Ok(()) };
    let mut tx = app.db.begin_write().await?;
    if !store::insert_closing(&mut tx, session_id, true, now).await? {
        return Ok(()); // another replica did it
    }
    for user_id in trainers {
        let roster = roster.clone();
        let note = Note::notice("attendance-by-hand", now, move |lang| {
            let (text, buttons) = roster_message(lang, &roster);
            payload(format!("{}\n\n{text}", tr!(lang, "attendance-by-hand")), buttons)
        })
        .dedupe(format!("attendance-by-hand:{session_id}:{user_id}"))
        .personal();
        let note = Note { deadline_at: Some(until), ..note };
        notify::queue(&mut tx, app, user_id, &note).await?;
    }
    tx.commit().await?;
    tracing::info!(session_id, "no attendance recorded: trainer asked to mark it by hand");
    Ok(())
}

/// Makes an awaited session's attendance final: everyone booked without a mark is absent (excused on
/// a busy-season day of their village).
async fn finalize_session(app: &App, session_id: i64) -> anyhow::Result<()> {
    let now = app.now();
    let mut tx = app.db.begin_write().await?;
    if !store::finalize_closing(&mut tx, session_id, now).await? {
        return Ok(());
    }
    if let Some(session) = db::catalog::session(&app.db, session_id).await? {
        let booked = db::orders::of_class(&app.db, &session.class_key, OrderStatus::Confirmed).await?;
        let marks = store::marks_of_session(&app.db, session_id).await?;
        record_absences(&mut tx, app, &session, &booked, &marks).await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn record_absences(
    tx: &mut Tx,
    app: &App,
    session: &Session,
    booked: &[OrderRow],
    marks: &[(i64, Mark)],
) -> anyhow::Result<()> {
    for order in booked {
        if marks.iter().any(|(o, _)| *o == order.id) {
            continue;
        }
        let busy = busy_day_for(tx, app, order.user_id, session.starts_at).await?;
        store::mark(tx, order.id, session.id, Mark::for_absence(busy), Source::Auto, None, app.now()).await?;
    }
    Ok(())
}

async fn busy_day_for(tx: &mut Tx, app: &App, user_id: i64, at: DateTime<Utc>) -> anyhow::Result<bool> {
    let village = db::people::addressee(tx, user_id).await?.and_then(|a| a.village_key);
    let calendar = notify::calendar_for(tx, app, village.as_deref()).await?;
    Ok(calendar.busy_season_at(at).is_some())
}

/// Settles every order on a class's roster (after a hand mark changed its attendance).
async fn settle_class(app: &App, class_key: &str) -> anyhow::Result<()> {
    for status in ON_ROSTER {
        for order in db::orders::of_class(&app.db, class_key, status).await? {
            settle(app, order.id).await?;
        }
    }
    Ok(())
}

/// Gives an order the status the rules give it once its class has ended: `no_show` (came to no
/// session), `not_completed` (came, can no longer complete; or still not complete 30 days after the
/// class ended), `completed` (with the certificate), or `attended` (can still complete: invited to
/// the quiz). Follow-up surveys are planned here: of attendees, and of no-shows who answered the
/// baseline (the comparison group). Nothing while the class runs or its
/// attendance is not final yet.
pub async fn settle(app: &App, order_id: i64) -> anyhow::Result<()> {
    let Some(order) = db::orders::get(&app.db, order_id).await? else { return Ok(()) };
    if !order.status.is_settled_by_attendance() {
        return Ok(());
    }
    let Some(course) = order_course(app, &order).await? else { return Ok(()) };
    let now = app.now();
    let Some(class_end) = class_end(app, &order.class_key).await? else { return Ok(()) };
    let progress = progress(app, &order, &course).await?;
    let grace_over = now >= class_end + Duration::days(COMPLETION_GRACE_DAYS);
    let Some(settlement) = crate::domain::learning::settle(order.status, &progress, grace_over) else { return Ok(()) };
    let mut tx = app.db.begin_write().await?;
    if let Some(to) = settlement.move_to {
        if !db::orders::transition(&mut tx, order_id, order.status, to, now, None, None).await? {
            return Ok(()); // it moved meanwhile: the next pass sees the new status
        }
        tracing::info!(order_id, from = order.status.as_str(), to = to.as_str(), "order settled");
    }
    if let Some(cohort) = settlement.follow_up {
        // Follow-ups count from the end of the course. Planned once.
        let order = crate::services::surveys::FollowedOrder { order_id, user_id: order.user_id, cohort };
        crate::services::surveys::plan_followups(&mut tx, app, &order, Some(&course), class_end).await?;
    }
    if settlement.invite_to_quiz {
        queue_quiz_invitation(&mut tx, app, &order, &course).await?;
    }
    tx.commit().await?;
    app.wake_outbox();
    if settlement.complete {
        evaluate(app, order_id).await?;
    }
    Ok(())
}

/// The end of a class's last scheduled session.
async fn class_end(app: &App, class_key: &str) -> anyhow::Result<Option<DateTime<Utc>>> {
    let sessions = db::catalog::sessions_of_class(&app.db, class_key).await?;
    Ok(sessions.iter().filter(|s| s.status == SessionStatus::Scheduled).map(|s| s.ends_at).max())
}

async fn queue_quiz_invitation(tx: &mut Tx, app: &App, order: &OrderRow, course: &Course) -> anyhow::Result<()> {
    let course = course.clone();
    let order_id = order.id;
    let note = Note::notice("quiz", app.now(), move |lang| {
        payload(
            tr!(lang, "quiz-invite", course = course.display_title(lang)),
            vec![vec![(tr!(lang, "btn-start-quiz"), quiz_start_data(order_id))]],
        )
    })
    .dedupe(format!("quiz-invite:{order_id}"))
    .personal();
    notify::queue(tx, app, order.user_id, &note).await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------------
// Quizzes
// ---------------------------------------------------------------------------------------------------

/// One question as shown: its text and options in the shuffled order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionView {
    pub attempt_id: i64,
    pub position: usize,
    pub total: usize,
    pub text: String,
    pub options: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuizStart {
    Question(QuestionView),
    /// Not booked, or never present at a session.
    NotEligible,
    AlreadyPassed,
    NoAttemptsLeft,
    NoQuestions,
}

/// The question in the reader's language (else in Chinese), its options in the attempt's order.
fn view(attempt: &Attempt, bank: &[Question], lang: Lang) -> Option<QuestionView> {
    let drawn = attempt.questions.get(attempt.position)?;
    let q = bank.iter().find(|q| q.id == drawn.question_id)?;
    Some(QuestionView {
        attempt_id: attempt.id,
        position: attempt.position,
        total: attempt.total,
        text: q.text_in(lang).to_owned(),
        options: drawn.options.iter().filter_map(|i| q.options_in(lang).get(*i).cloned()).collect(),
    })
}

async fn order_course(app: &App, order: &OrderRow) -> anyhow::Result<Option<Course>> {
    Ok(match db::catalog::class(&app.db, &order.class_key).await? {
        Some(class) => db::catalog::course(&app.db, &class.course_key).await?,
        None => None,
    })
}

/// Every question of the course, retired ones too (an attempt may hold one a re-import dropped).
async fn bank_of(app: &App, course_key: &str) -> anyhow::Result<Vec<Question>> {
    Ok(db::catalog::all_questions_of(&app.db, course_key).await?)
}

/// The question a person's running quiz is asking now, if any (for answers typed as text).
pub async fn running_question(app: &App, person: &Person) -> anyhow::Result<Option<QuestionView>> {
    let Some(attempt) = store::running_attempt_of(&app.db, person.user_id).await? else { return Ok(None) };
    let Some(order) = db::orders::get(&app.db, attempt.order_id).await? else { return Ok(None) };
    let Some(course) = order_course(app, &order).await? else { return Ok(None) };
    let bank = bank_of(app, &course.key).await?;
    Ok(view(&attempt, &bank, person.lang))
}

/// Whether "my courses" should offer the quiz for this order: booked, present at least once, not
/// passed yet, attempts left.
pub async fn quiz_available(app: &App, order: &OrderRow) -> anyhow::Result<bool> {
    if !matches!(order.status, OrderStatus::Confirmed | OrderStatus::Attended) {
        return Ok(false);
    }
    if !store::marks_of_order(&app.db, order.id).await?.iter().any(|(_, m)| *m == Mark::Present) {
        return Ok(false);
    }
    let attempts = store::attempts_of_order(&app.db, order.id).await?;
    Ok(!attempts.iter().any(|a| a.passed == Some(true))
        && (attempts.iter().any(|a| a.finished_at.is_none()) || attempts.len() <= app.config.quiz_retakes))
}

/// Starts (or resumes) the quiz of an order.
pub async fn start_quiz(app: &App, person: &Person, order_id: i64) -> anyhow::Result<QuizStart> {
    let Some(order) = db::orders::get(&app.db, order_id).await? else { return Ok(QuizStart::NotEligible) };
    if order.user_id != person.user_id
        || !matches!(order.status, OrderStatus::Confirmed | OrderStatus::Attended | OrderStatus::Completed)
    {
        return Ok(QuizStart::NotEligible);
    }
    let present = store::marks_of_order(&app.db, order_id).await?.iter().any(|(_, m)| *m == Mark::Present);
    if !present {
        return Ok(QuizStart::NotEligible);
    }
    let Some(course) = order_course(app, &order).await? else { return Ok(QuizStart::NotEligible) };
    let attempts = store::attempts_of_order(&app.db, order_id).await?;
    if attempts.iter().any(|a| a.passed == Some(true)) {
        return Ok(QuizStart::AlreadyPassed);
    }
    let bank = bank_of(app, &course.key).await?;
    if let Some(running) = attempts.iter().find(|a| a.finished_at.is_none()) {
        return Ok(view(running, &bank, person.lang).map_or(QuizStart::NoQuestions, QuizStart::Question));
    }
    if attempts.len() > app.config.quiz_retakes {
        return Ok(QuizStart::NoAttemptsLeft);
    }
    let active = db::catalog::questions_of(&app.db, &course.key).await?;
    if active.is_empty() {
        return Ok(QuizStart::NoQuestions);
    }
    let pool: Vec<(i64, usize)> = active.iter().map(|q| (q.id, q.options.len())).collect();
    let mut rng = match app.config.quiz_seed {
        Some(seed) => StdRng::seed_from_u64(seed + attempts.len() as u64),
        None => StdRng::from_entropy(),
    };
    let drawn = match attempts.last() {
        None => draw(&pool, app.config.quiz_size, &mut rng),
        // A retake asks other questions where the bank has them, then the ones missed last time.
        Some(last) => {
            let asked: Vec<i64> = attempts.iter().flat_map(|a| a.questions.iter().map(|d| d.question_id)).collect();
            let missed: Vec<i64> = store::answers_of(&app.db, last.id)
                .await?
                .into_iter()
                .filter(|(_, _, ok)| !ok)
                .map(|(q, _, _)| q)
                .collect();
            draw_retake(&pool, app.config.quiz_size, &asked, &missed, &mut rng)
        }
    };
    let mut tx = app.db.begin_write().await?;
    let id = store::insert_attempt(&mut tx, order_id, person.user_id, &drawn, app.now()).await?;
    tx.commit().await?;
    let attempt = store::attempt(&app.db, id).await?.ok_or_else(|| anyhow::anyhow!("attempt {id} vanished"))?;
    Ok(view(&attempt, &bank, person.lang).map_or(QuizStart::NoQuestions, QuizStart::Question))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missed {
    pub text: String,
    pub right: String,
    pub explanation: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuizResult {
    pub order_id: i64,
    pub correct: usize,
    pub total: usize,
    /// Right answers passing needs.
    pub needed: usize,
    pub passed: bool,
    pub retake_allowed: bool,
    pub missed: Vec<Missed>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerOutcome {
    Answered {
        correct: bool,
        right: String,
        explanation: String,
        next: Option<QuestionView>,
        result: Option<QuizResult>,
    },
    /// Not the question being asked (an old one, or a second tap): the current one, if any.
    Stale(Option<QuestionView>),
    /// The attempt is over.
    Closed,
    NotYours,
}

/// An answer: `shown` is the index of the button pressed, in the shuffled order.
pub async fn answer(
    app: &App,
    person: &Person,
    attempt_id: i64,
    position: usize,
    shown: usize,
) -> anyhow::Result<AnswerOutcome> {
    // An attempt that does not exist is answered as one of someone else's: nothing to learn from it.
    let Some(attempt) = store::attempt(&app.db, attempt_id).await? else { return Ok(AnswerOutcome::NotYours) };
    if !crate::services::access::owns(person, attempt.user_id) {
        tracing::warn!(user = person.user_id, attempt_id, "quiz answer for someone else's attempt");
        return Ok(AnswerOutcome::NotYours);
    }
    if attempt.finished_at.is_some() {
        return Ok(AnswerOutcome::Closed);
    }
    let Some(order) = db::orders::get(&app.db, attempt.order_id).await? else { return Ok(AnswerOutcome::Closed) };
    let Some(course) = order_course(app, &order).await? else { return Ok(AnswerOutcome::Closed) };
    let bank = bank_of(app, &course.key).await?;
    if position != attempt.position {
        return Ok(AnswerOutcome::Stale(view(&attempt, &bank, person.lang)));
    }
    let Some(drawn) = attempt.questions.get(position) else { return Ok(AnswerOutcome::Closed) };
    let Some(question) = bank.iter().find(|q| q.id == drawn.question_id) else { return Ok(AnswerOutcome::Closed) };
    let Some(&chosen) = drawn.options.get(shown) else {
        return Ok(AnswerOutcome::Stale(view(&attempt, &bank, person.lang)));
    };
    let correct = question.is_correct(chosen);
    let now = app.now();
    let mut tx = app.db.begin_write().await?;
    if !store::answer(&mut tx, attempt_id, position, question.id, chosen, correct, now).await? {
        drop(tx);
        let current = store::attempt(&app.db, attempt_id).await?;
        return Ok(match current {
            Some(a) if a.finished_at.is_none() => AnswerOutcome::Stale(view(&a, &bank, person.lang)),
            _ => AnswerOutcome::Closed,
        });
    }
    let score = attempt.correct + usize::from(correct);
    let finished = position + 1 >= attempt.total;
    let mut result = None;
    if finished {
        let passed = passes(score, attempt.total, course.pass_mark_pct);
        store::finish_attempt(&mut tx, attempt_id, passed, now).await?;
        tx.commit().await?;
        let attempts = store::attempts_of_order(&app.db, order.id).await?;
        let mut missed = Vec::new();
        for (qid, _, ok) in store::answers_of(&app.db, attempt_id).await? {
            if ok {
                continue;
            }
            if let Some(q) = bank.iter().find(|q| q.id == qid) {
                missed.push(Missed {
                    text: q.text_in(person.lang).to_owned(),
                    right: q.options_in(person.lang).get(q.answer).cloned().unwrap_or_default(),
                    explanation: q.explanation_in(person.lang).to_owned(),
                });
            }
        }
        result = Some(QuizResult {
            order_id: order.id,
            correct: score,
            total: attempt.total,
            needed: needed_to_pass(attempt.total, course.pass_mark_pct),
            passed,
            retake_allowed: !passed && attempts.len() <= app.config.quiz_retakes,
            missed,
        });
        // The order is settled by the caller once the result is shown (see `settle`), so the
        // congratulation never arrives before the score.
    } else {
        tx.commit().await?;
    }
    let next = if finished {
        None
    } else {
        store::attempt(&app.db, attempt_id).await?.and_then(|a| view(&a, &bank, person.lang))
    };
    Ok(AnswerOutcome::Answered {
        correct,
        right: question.options_in(person.lang).get(question.answer).cloned().unwrap_or_default(),
        explanation: question.explanation_in(person.lang).to_owned(),
        next,
        result,
    })
}

// ---------------------------------------------------------------------------------------------------
// Completion
// ---------------------------------------------------------------------------------------------------

/// Where an order stands against the completion rule. Sessions held are all the class's scheduled
/// sessions that have ended, recorded or not (a session nobody recorded counts as missed, never as
/// not held); cancelled sessions do not count.
pub async fn progress(app: &App, order: &OrderRow, course: &Course) -> anyhow::Result<Progress> {
    let now = app.now();
    let sessions = db::catalog::sessions_of_class(&app.db, &order.class_key).await?;
    let scheduled: Vec<&Session> = sessions.iter().filter(|s| s.status == SessionStatus::Scheduled).collect();
    let held: Vec<i64> = scheduled.iter().filter(|s| s.ends_at <= now).map(|s| s.id).collect();
    let finals = store::final_sessions_of_class(&app.db, &order.class_key).await?;
    let marks = store::marks_of_order(&app.db, order.id).await?;
    let count = |m: Mark| marks.iter().filter(|(s, mk)| *mk == m && held.contains(s)).count();
    let attempts = store::attempts_of_order(&app.db, order.id).await?;
    Ok(Progress {
        sessions_held: held.len(),
        present: count(Mark::Present),
        excused: count(Mark::Excused),
        sessions_pending: held.iter().filter(|s| !finals.contains(s)).count(),
        sessions_ahead: scheduled.iter().filter(|s| s.ends_at > now).count(),
        min_attendance_pct: course.min_attendance_pct,
        quiz: quiz_state(app, &attempts),
        practical_required: course.practical_check,
        practical: store::practical(&app.db, order.id).await?,
    })
}

fn quiz_state(app: &App, attempts: &[Attempt]) -> QuizState {
    if attempts.iter().any(|a| a.passed == Some(true)) {
        QuizState::Passed
    } else if attempts.iter().all(|a| a.finished_at.is_some()) && attempts.len() > app.config.quiz_retakes {
        QuizState::Failed
    } else {
        QuizState::Open
    }
}

/// Completes the order if it now meets the rule: records the completion with a verification code
/// and credits, and sends the congratulation with the certificate card. Returns the completion
/// when this call made it.
pub async fn evaluate(app: &App, order_id: i64) -> anyhow::Result<Option<Completion>> {
    let Some(order) = db::orders::get(&app.db, order_id).await? else { return Ok(None) };
    if !order.status.is_settled_by_attendance() {
        return Ok(None);
    }
    let Some(course) = order_course(app, &order).await? else { return Ok(None) };
    if !progress(app, &order, &course).await?.is_complete() {
        return Ok(None);
    }
    let Some(person) = db::people::find(&app.db, order.user_id).await? else { return Ok(None) };
    let now = app.now();
    let completion = Completion {
        order_id,
        user_id: order.user_id,
        course_key: course.key.clone(),
        completed_at: now,
        code: certificate_code(&mut rand::thread_rng()),
        credits_tenths: course.credits.tenths(),
    };
    let certificate = certificate_for(app, &person, &order, &course, &completion).await?;
    let mut tx = app.db.begin_write().await?;
    if !store::insert_completion(&mut tx, &completion).await? {
        return Ok(None);
    }
    if !db::orders::transition(&mut tx, order_id, order.status, OrderStatus::Completed, now, None, None).await? {
        return Ok(None); // it moved meanwhile
    }
    let feedback = crate::services::surveys::open_feedback(&mut tx, app, order_id, order.user_id).await?;
    let (title, png) = (course.clone(), certificate);
    let code = completion.code.clone();
    let note = Note::notice("completion", now, move |lang| {
        let mut text = completion_lines(lang, &title, &code);
        // The course feedback (效果反馈) is asked right here, with a button, not in a message of its own.
        let buttons = match feedback {
            Some(id) => {
                text.push(tr!(lang, "survey-feedback-offer"));
                vec![vec![(tr!(lang, "btn-survey-feedback"), crate::services::surveys::start_data(id))]]
            }
            None => vec![],
        };
        let mut p = payload(text.join("\n"), buttons);
        p.photo_png = png.clone();
        p
    })
    .dedupe(format!("completed:{order_id}"))
    .personal();
    notify::queue(&mut tx, app, order.user_id, &note).await?;
    tx.commit().await?;
    tracing::info!(order_id, code = %completion.code, "completed");
    app.wake_outbox();
    // A new certificate may match openings: the scheduler's next pass offers them (jobs after training).
    app.wake_scheduler();
    Ok(Some(completion))
}

/// "Congratulations…", the credits, the verification code.
fn completion_lines(lang: Lang, course: &Course, code: &str) -> Vec<String> {
    let mut text = vec![tr!(lang, "completed", course = course.display_title(lang))];
    if course.credits > crate::domain::catalog::Credits::ZERO {
        text.push(tr!(lang, "completed-credits", credits = course.credits.to_string()));
    }
    text.push(tr!(lang, "completed-code", code = code));
    text
}

/// A completed order's certificate, sent again on request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateCopy {
    pub text: String,
    /// `None` when no CJK font is installed (logged): the text still goes.
    pub png: Option<Vec<u8>>,
}

/// The certificate of `order_id` again, in the person's language: only their own completed order.
pub async fn certificate_again(app: &App, person: &Person, order_id: i64) -> anyhow::Result<Option<CertificateCopy>> {
    let Some(order) = db::orders::get(&app.db, order_id).await? else { return Ok(None) };
    if order.user_id != person.user_id || order.status != OrderStatus::Completed {
        tracing::warn!(user = person.user_id, order_id, "certificate asked for an order not theirs or not completed");
        return Ok(None);
    }
    let Some(completion) = store::completion_of_order(&app.db, order_id).await? else { return Ok(None) };
    let Some(course) = db::catalog::course(&app.db, &completion.course_key).await? else { return Ok(None) };
    let png = certificate_for(app, person, &order, &course, &completion).await?;
    let text = completion_lines(person.lang, &course, &completion.code).join("\n");
    Ok(Some(CertificateCopy { text, png }))
}

/// The certificate card as PNG in the person's language, with the QR code of its verification link;
/// `None` (text only) when no CJK font is installed, which is logged with the fix.
async fn certificate_for(
    app: &App,
    person: &Person,
    order: &OrderRow,
    course: &Course,
    completion: &Completion,
) -> anyhow::Result<Option<Vec<u8>>> {
    let card = certificate_card(app, person, order, course, completion).await?;
    match tokio::task::spawn_blocking(move || crate::render::certificate_png(&card)).await? {
        Ok(png) => Ok(Some(png)),
        Err(e) => {
            tracing::warn!(error = %e, "certificate card not drawn; sending the text only");
            Ok(None)
        }
    }
}

/// What a completion's certificate card says, in the person's language.
pub async fn certificate_card(
    app: &App,
    person: &Person,
    order: &OrderRow,
    course: &Course,
    completion: &Completion,
) -> anyhow::Result<crate::render::Certificate> {
    let lang = person.lang;
    let sessions = db::catalog::sessions_of_class(&app.db, &order.class_key).await?;
    let class = db::catalog::class(&app.db, &order.class_key).await?;
    let region = match &class {
        Some(c) => db::regions::ancestry(&app.db, &c.region_key).await?.pop(),
        None => None,
    };
    let tz = region.as_ref().and_then(|r| r.timezone.parse().ok()).unwrap_or(app.config.default_timezone);
    let held: Vec<&Session> = sessions.iter().filter(|s| s.status == SessionStatus::Scheduled).collect();
    let dates = match (held.first(), held.last()) {
        (Some(a), Some(b)) => {
            let (a, b) = (a.starts_at.with_timezone(&tz).date_naive(), b.starts_at.with_timezone(&tz).date_naive());
            let dated = crate::i18n::local_date_with_year;
            if a == b { dated(lang, a) } else { format!("{} – {}", dated(lang, a), dated(lang, b)) }
        }
        _ => String::new(),
    };
    let trainer = db::catalog::trainer(&app.db, &course.trainer_key).await?;
    let qr_link = verify_link(app, &completion.code);
    if qr_link.is_none() {
        tracing::warn!("the bot's username is unknown: certificate card without its QR code");
    }
    Ok(crate::render::Certificate {
        title: tr!(lang, "certificate-title"),
        name: person.name.as_str().to_owned(),
        course: course.display_title(lang).to_owned(),
        dates: tr!(lang, "certificate-dates", dates = dates),
        trainer: tr!(
            lang,
            "certificate-trainer",
            name = trainer.map(|t| t.name_in(lang).to_owned()).unwrap_or_default()
        ),
        credits: course.credits_label(lang),
        code_line: tr!(lang, "certificate-code", code = completion.code.as_str()),
        issuer: tr!(
            lang,
            "certificate-issuer",
            region = region.map(|r| r.display_name(lang).to_owned()).unwrap_or_default()
        ),
        qr_link,
    })
}

/// The calendar year credits count in for a person: this year in their time zone (their village's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CreditsYear {
    pub year: i32,
    pub tz: chrono_tz::Tz,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl CreditsYear {
    fn of(tz: chrono_tz::Tz, now: DateTime<Utc>) -> CreditsYear {
        let year = now.with_timezone(&tz).year();
        let start = tz.with_ymd_and_hms(year, 1, 1, 0, 0, 0).single().map(|t| t.to_utc()).unwrap_or(now);
        let end = tz.with_ymd_and_hms(year + 1, 1, 1, 0, 0, 0).single().map(|t| t.to_utc()).unwrap_or(now);
        CreditsYear { year, tz, start, end }
    }
}

/// This calendar year for a person's credits (their village's time zone).
pub async fn credits_year(app: &App, person: &Person) -> anyhow::Result<CreditsYear> {
    Ok(CreditsYear::of(person_tz(app, person).await?, app.now()))
}

/// A cadre's completions of classes (with their course) in this calendar year (their time zone).
pub async fn credits_this_year(app: &App, person: &Person) -> anyhow::Result<Vec<(Completion, Course)>> {
    let year = credits_year(app, person).await?;
    let mut out = Vec::new();
    for c in store::completions_of(&app.db, person.user_id, year.start, year.end).await? {
        if let Some(course) = db::catalog::course(&app.db, &c.course_key).await? {
            out.push((c, course));
        }
    }
    Ok(out)
}

/// Whether a person living in `village` (a village, township or county key) is under one of `scopes`.
async fn lives_under(app: &App, village: Option<&str>, scopes: &[String]) -> anyhow::Result<bool> {
    let Some(village) = village else { return Ok(false) };
    Ok(db::regions::ancestry(&app.db, village).await?.iter().any(|r| scopes.contains(&r.key)))
}

/// The credits CSV a coordinator exports for the annual assessment: one row per completed cadre
/// course and per lesson a cadre earned credits from in their regions this year (the default time
/// zone's), with its source. UTF-8 with a BOM so that Excel opens it in Chinese.
pub async fn credits_csv(app: &App, coordinator: &Person, lang: Lang) -> anyhow::Result<Option<Vec<u8>>> {
    let scopes: Vec<String> =
        coordinator.roles.iter().filter(|g| g.role == Role::Coordinator).map(|g| g.region_key.clone()).collect();
    if scopes.is_empty() {
        return Ok(None);
    }
    let year = CreditsYear::of(app.config.default_timezone, app.now());
    let tz = year.tz;
    let header = [
        tr!(lang, "csv-name"),
        tr!(lang, "csv-village"),
        tr!(lang, "csv-course"),
        tr!(lang, "csv-completed"),
        tr!(lang, "csv-credits"),
        tr!(lang, "csv-code"),
        tr!(lang, "csv-source"),
    ];
    // (name, when, cells): classes and lessons in one list, by name then date.
    let mut rows: Vec<(String, DateTime<Utc>, [String; 7])> = Vec::new();
    let village_name = async |village: &Option<String>| -> anyhow::Result<String> {
        Ok(match village {
            Some(v) => {
                db::regions::get(&app.db, v).await?.map(|r| r.display_name(lang).to_owned()).unwrap_or(v.clone())
            }
            None => String::new(),
        })
    };
    for (c, name, village) in store::credit_completions_in(&app.db, &scopes, year.start, year.end).await? {
        let course = db::catalog::course(&app.db, &c.course_key).await?;
        let cells = [
            name.clone(),
            village_name(&village).await?,
            course.map(|c| c.display_title(lang).to_owned()).unwrap_or(c.course_key.clone()),
            c.completed_at.with_timezone(&tz).format("%Y-%m-%d").to_string(),
            crate::domain::catalog::Credits::from_tenths(c.credits_tenths).to_string(),
            c.code.clone(),
            tr!(lang, "csv-source-class"),
        ];
        rows.push((name, c.completed_at, cells));
    }
    for (c, name, village) in db::lessons::cadre_credits_of_year(&app.db, year.year).await? {
        if !lives_under(app, village.as_deref(), &scopes).await? {
            continue;
        }
        let cells = [
            name.clone(),
            village_name(&village).await?,
            c.title_in(lang).to_owned(),
            c.earned_at.with_timezone(&tz).format("%Y-%m-%d").to_string(),
            crate::domain::catalog::Credits::from_tenths(c.credits_tenths).to_string(),
            String::new(),
            tr!(lang, "csv-source-lesson"),
        ];
        rows.push((name, c.earned_at, cells));
    }
    rows.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    let mut out = String::from("\u{feff}");
    out.push_str(&crate::domain::csv::line(&header));
    for (_, _, cells) in rows {
        out.push_str(&crate::domain::csv::line(&cells));
    }
    Ok(Some(out.into_bytes()))
}

/// What a certificate code certifies (for `fieldschool verify CODE` and the verification deep link),
/// in `lang`. The code is read as people type it: any case, with or without its dash.
pub async fn verify(app: &App, code: &str, lang: Lang) -> anyhow::Result<Option<String>> {
    let Some(code) = normalize_certificate_code(code) else { return Ok(None) };
    if let Some(line) = crate::services::erasure::revoked_line(app, &code, lang).await? {
        return Ok(Some(line));
    }
    let Some(c) = store::completion_by_code(&app.db, &code).await? else { return Ok(None) };
    let person = db::people::find(&app.db, c.user_id).await?;
    let course = db::catalog::course(&app.db, &c.course_key).await?;
    let order = db::orders::get(&app.db, c.order_id).await?;
    Ok(Some(tr!(
        lang,
        "verify-line",
        code = c.code.as_str(),
        name = person.map(|p| p.name.as_str().to_owned()).unwrap_or_default(),
        course = course.map(|c| c.display_title(lang).to_owned()).unwrap_or_default(),
        date = c.completed_at.with_timezone(&app.config.default_timezone).format("%Y-%m-%d").to_string(),
        credits = crate::domain::catalog::Credits::from_tenths(c.credits_tenths).to_string(),
        n = crate::domain::catalog::Credits::from_tenths(c.credits_tenths).as_number(),
        number = order.map(|o| o.number.as_str().to_owned()).unwrap_or_default()
    )))
}

/// "12月12日（周六） 09:00–11:30" for a roster or a session list.
pub fn when(lang: Lang, tz: chrono_tz::Tz, session: &Session) -> String {
    session_when(lang, tz, session.starts_at, session.ends_at)
}
