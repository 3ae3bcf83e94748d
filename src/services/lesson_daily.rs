//! The daily lesson (每日一课): people subscribe at a local time of their choice; the scheduler plans
//! each subscriber's day once its time has come (`domain::lesson_daily::plan`), names their next lesson
//! (`domain::lesson::pick`) and queues it through the outbox and the gate as a non-urgent notice
//! (quiet hours, busy-season windows and a pause hold it). Once the outbox has sent it, the reading
//! counts as sent (source `daily`); tapping its button opens it. Also the learning streak.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};

use crate::app::App;
use crate::db::lesson_daily::{self as store, PlanState};
use crate::db::{self, lessons as lesson_store};
use crate::domain::calendar::RegionCalendar;
use crate::domain::callback::Cb;
use crate::domain::lesson::{Pick, Step};
use crate::domain::lesson_daily::{self as rules, Plan, Subscriber};
use crate::domain::person::Person;
use crate::services::lessons::{self, View};
use crate::services::notify::{self, Note, payload};
use crate::tr;

/// How a reading began: the daily lesson's message.
pub const SOURCE_DAILY: &str = "daily";
/// The outbox rows' label.
const LABEL: &str = "lesson-daily";

/// The person's calendar: their village's, else the default time zone without busy seasons.
async fn calendar(app: &App, village_key: Option<&str>) -> anyhow::Result<RegionCalendar> {
    if let Some(village) = village_key
        && let Some(cal) = db::catalog::calendar_of(&app.db, village).await?
    {
        return Ok(cal);
    }
    Ok(RegionCalendar::new(app.config.default_timezone, "", &[], false))
}

/// The person's chosen time (minutes after local midnight), if they subscribed.
pub async fn subscription(app: &App, user_id: i64) -> anyhow::Result<Option<u16>> {
    Ok(store::subscription(&app.db, user_id).await?.and_then(|s| u16::try_from(s.at_minute).ok()))
}

/// Subscribes at `minute`, or moves the time; `false` when `minute` is not one of the offered times.
pub async fn subscribe(app: &App, person: &Person, minute: u16) -> anyhow::Result<bool> {
    if !rules::is_offered(minute) {
        return Ok(false);
    }
    let mut tx = app.db.begin_write().await?;
    store::subscribe(&mut tx, person.user_id, minute, app.now()).await?;
    tx.commit().await?;
    app.wake_scheduler();
    Ok(true)
}

/// Ends the subscription and withdraws a daily lesson still waiting; `false` when there was none.
pub async fn unsubscribe(app: &App, person: &Person) -> anyhow::Result<bool> {
    let mut tx = app.db.begin_write().await?;
    let had = store::unsubscribe(&mut tx, person.user_id).await?;
    for (date, outbox_id) in store::waiting_outbox(&mut tx, person.user_id).await? {
        if let Some(id) = outbox_id {
            db::outbox::cancel(&mut tx, id).await?;
        }
        store::settle(&mut tx, person.user_id, &date, None).await?;
    }
    tx.commit().await?;
    Ok(had)
}

/// Counts daily lessons the outbox has sent (each as a reading) and notes those it dropped; of one
/// person or of everyone.
pub async fn settle(app: &App, user_id: Option<i64>) -> anyhow::Result<()> {
    for row in store::unsettled(&app.db, user_id).await? {
        let mut tx = app.db.begin_write().await?;
        let sent = match (row.status.as_deref(), row.sent_at, row.lesson_id) {
            (Some("sent"), Some(at), Some(lesson_id)) => {
                let reading = store::reading_for_sent(&mut tx, row.user_id, lesson_id, SOURCE_DAILY, at).await?;
                Some((at, reading))
            }
            _ => None,
        };
        store::settle(&mut tx, row.user_id, &row.local_date, sent).await?;
        tx.commit().await?;
    }
    Ok(())
}

fn local_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// The subscriber's facts in their local time, and their calendar.
async fn facts(app: &App, row: &store::SubscriberRow) -> anyhow::Result<(Subscriber, RegionCalendar)> {
    let cal = calendar(app, row.village_key.as_deref()).await?;
    let minute = u16::try_from(row.at_minute).unwrap_or(rules::DAILY_TIMES[0]);
    let s = Subscriber {
        at: rules::time_of(minute),
        since: cal.local(row.since),
        last_planned: row.last_planned.as_deref().and_then(local_date),
        last_sent: row.last_sent_at.map(|at| cal.local(at).date()),
        waiting: row.waiting > 0,
    };
    Ok((s, cal))
}

fn utc(cal: &RegionCalendar, local: chrono::NaiveDateTime) -> DateTime<Utc> {
    cal.tz.from_local_datetime(&local).earliest().map(|t| t.to_utc()).unwrap_or_default()
}

/// Settles what the outbox did, then plans every subscriber's day whose time has come. Returns how
/// many daily lessons it queued.
pub async fn run_due(app: &App) -> anyhow::Result<usize> {
    settle(app, None).await?;
    let now = app.now();
    let mut queued = 0;
    for row in store::subscribers(&app.db).await? {
        let (subscriber, cal) = facts(app, &row).await?;
        let Plan::Now { date, at } = rules::plan(&subscriber, cal.local(now)) else { continue };
        if plan_day(app, row.user_id, date, utc(&cal, at)).await? {
            queued += 1;
        }
    }
    if queued > 0 {
        app.wake_outbox();
    }
    Ok(queued)
}

/// Plans one person's lesson of `date`: their next lesson named, with a button to start it, queued
/// through the gate; or, with no lesson left, a note that the day had none.
async fn plan_day(app: &App, user_id: i64, date: NaiveDate, planned_at: DateTime<Utc>) -> anyhow::Result<bool> {
    let Some(person) = db::people::find(&app.db, user_id).await? else { return Ok(false) };
    let lesson_id = match lessons::choose_next(app, &person).await?.pick {
        Pick::Resume { lesson_id, .. } | Pick::Start { lesson_id } => Some(lesson_id),
        Pick::Nothing => None,
    };
    let lesson = match lesson_id {
        Some(id) => lesson_store::lesson(&app.db, id).await?,
        None => None,
    };
    let mut tx = app.db.begin_write().await?;
    let Some(stored) = lesson else {
        store::insert_plan(&mut tx, user_id, date, None, None, PlanState::Nothing, app.now()).await?;
        tx.commit().await?;
        return Ok(false);
    };
    let lesson = stored.lesson;
    let id = lesson.id;
    let note = Note::notice(LABEL, planned_at, move |lang| {
        payload(
            tr!(lang, "lesson-daily-today", title = lesson.title_in(lang)),
            vec![vec![(tr!(lang, "btn-lesson-daily-start"), Cb::LessonStart { lesson: id }.encode())]],
        )
    })
    .dedupe(format!("{LABEL}:{user_id}:{date}"));
    let outbox_id = match notify::plan(&mut tx, app, user_id, &note).await? {
        Some(planned) => db::outbox::enqueue(&mut tx, &notify::message(&note, &planned)).await?,
        None => None,
    };
    let state = if outbox_id.is_some() { PlanState::Pending } else { PlanState::Nothing };
    if !store::insert_plan(&mut tx, user_id, date, Some(id), outbox_id, state, app.now()).await? {
        // Planned already by another pass: leave it as it was.
        tx.rollback().await?;
        return Ok(false);
    }
    tx.commit().await?;
    Ok(outbox_id.is_some())
}

/// The next instant a subscriber's day comes due after a pass that began at `pass_began`.
pub async fn next_due(app: &App, pass_began: DateTime<Utc>) -> anyhow::Result<Option<DateTime<Utc>>> {
    let mut next: Option<DateTime<Utc>> = None;
    for row in store::subscribers(&app.db).await? {
        let (subscriber, cal) = facts(app, &row).await?;
        let at = match rules::plan(&subscriber, cal.local(pass_began)) {
            Plan::LookAt(local) => utc(&cal, local),
            // Due but not planned in that pass (it began before the time came): look again at once.
            Plan::Now { .. } => continue,
        };
        if at > pass_began {
            next = Some(next.map_or(at, |n: DateTime<Utc>| n.min(at)));
        }
    }
    Ok(next)
}

/// What tapping "开始学习" under a daily lesson gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Started {
    Show {
        view: View,
        resumed: bool,
    },
    /// The person finished this lesson already.
    Done,
    /// The lesson is no longer offered to them (retired from the catalogue, or not for them).
    Gone,
}

/// Opens the named lesson for the person: their reading of it where they are (the daily one counts as
/// opened now), else a new reading, unless they are done with it.
pub async fn start(app: &App, person: &Person, lesson_id: i64) -> anyhow::Result<Started> {
    settle(app, Some(person.user_id)).await?;
    let choice = lessons::choose_next(app, person).await?;
    let learner = choice.learner(person);
    let Some(candidate) = choice.lessons.iter().find(|c| c.lesson_id == lesson_id && c.applies_to(&learner)) else {
        return Ok(Started::Gone);
    };
    let Some(stored) = lesson_store::lesson(&app.db, lesson_id).await? else { return Ok(Started::Gone) };
    let now = app.now();
    let open = choice.readings.iter().find(|r| r.lesson_id == lesson_id && r.finished_at.is_none());
    let (reading_id, at, resumed) = match open {
        Some(r) => {
            let mut tx = app.db.begin_write().await?;
            store::mark_opened(&mut tx, r.id, now).await?;
            tx.commit().await?;
            (r.id, r.step, r.step != Step::START)
        }
        None if candidate.is_done(&learner, &choice.past) => return Ok(Started::Done),
        None => {
            let mut tx = app.db.begin_write().await?;
            let id = lesson_store::start_reading(&mut tx, person.user_id, lesson_id, SOURCE_DAILY, now).await?;
            tx.commit().await?;
            (id, Step::START, false)
        }
    };
    let at = stored.lesson.shape().normalize(at);
    let view = lessons::view_at(app, person, &stored, reading_id, at, None).await?;
    Ok(Started::Show { view, resumed })
}

/// The person's streak now: days in a row with a finished lesson, busy-season days of their region
/// forgiven.
pub async fn streak_of(app: &App, person: &Person) -> anyhow::Result<u32> {
    let cal = calendar(app, person.village_key.as_deref()).await?;
    let days: Vec<NaiveDate> = lesson_store::readings_of(&app.db, person.user_id)
        .await?
        .iter()
        .filter_map(|r| r.finished_at.map(|at| cal.local(at).date()))
        .collect();
    let today = cal.local(app.now()).date();
    Ok(rules::streak(&days, today, |day| cal.is_busy_day(day).is_some()))
}
