//! The daily lesson (每日一课): people subscribe at a local time of their choice; the scheduler plans
//! each subscriber's day once its time has come (`domain::lesson_daily::plan`), names their next lesson
//! (`domain::lesson::pick`) and queues it through the outbox and the gate as a non-urgent notice
//! (quiet hours, busy-season windows and a pause hold it). Once the outbox has sent it, the reading
//! counts as sent (source `daily`); tapping its button opens it. Also the learning streak, and a course's
//! lessons the evening before and after a booked class (课前预习 / 课后复习), planned with the order's
//! reminders.

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

// ---------------------------------------------------------------------------------------------------
// A course's lessons around a class (课前预习 / 课后复习)
// ---------------------------------------------------------------------------------------------------

/// The outbox rows' label of the lessons sent around a class; with the order id, their dedupe prefix.
const COURSE_LABEL: &str = "lesson-course";

/// The dedupe-key prefix of an order's course lessons: withdrawn with its reminders.
pub(crate) fn course_lessons_prefix(order_id: i64) -> String {
    format!("{COURSE_LABEL}:{order_id}:")
}

/// Who the course lessons of one order go to, as the reminders already read them.
pub(crate) struct CourseLessonsFor<'a> {
    pub order_id: i64,
    pub user_id: i64,
    pub course_key: &'a str,
    /// The class's scheduled sessions.
    pub sessions: &'a [crate::domain::catalog::Session],
    /// The class's time zone: the days around its sessions are its days.
    pub tz: chrono_tz::Tz,
    pub to: &'a db::people::Addressee,
    pub calendar: &'a RegionCalendar,
}

/// The outbox rows of an order's 课前预习 and 课后复习 (see [`rules::course_lessons`] and
/// [`rules::course_lesson_times`]), each at most once per order; none when the course has no lesson
/// left for the person. Planned inside the transaction that confirmed the order.
pub(crate) async fn course_lessons_for_order(
    tx: &mut db::Tx,
    app: &App,
    o: &CourseLessonsFor<'_>,
) -> anyhow::Result<Vec<db::outbox::NewMessage>> {
    use crate::domain::catalog::SessionStatus;
    let now = app.now();
    let scheduled = || o.sessions.iter().filter(|s| s.status == SessionStatus::Scheduled);
    let (Some(first), Some(last)) = (scheduled().min_by_key(|s| s.starts_at), scheduled().max_by_key(|s| s.starts_at))
    else {
        return Ok(Vec::new());
    };
    if last.ends_at <= now {
        return Ok(Vec::new());
    }
    let rows = lesson_store::of_course(tx, o.course_key).await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let Some(audience) = db::people::audience_conn(tx, o.user_id).await? else { return Ok(Vec::new()) };
    let finished = lesson_store::finished_ids(tx, o.user_id).await?;
    let regions: Vec<String> = match &o.to.village_key {
        Some(village) => app.db.catalog_in_tx(tx).await?.ancestry(village).into_iter().map(|r| r.key).collect(),
        None => Vec::new(),
    };
    let facts: Vec<rules::CourseLesson> = rows
        .iter()
        .map(|r| rules::CourseLesson {
            lesson_id: r.id,
            for_them: r.audience.includes(audience)
                && r.region_key.as_ref().is_none_or(|k| regions.iter().any(|mine| mine == k)),
            finished: finished.contains(&r.id),
        })
        .collect();
    let Some((preview, review)) = rules::course_lessons(&facts) else { return Ok(Vec::new()) };
    let title_of = |id: i64| rows.iter().find(|r| r.id == id).map(|r| (r.title.clone(), r.tr.clone()));
    let first_day = first.starts_at.with_timezone(&o.tz).date_naive();
    let last_day = last.starts_at.with_timezone(&o.tz).date_naive();
    let (before, after) = rules::course_lesson_times(first_day, last_day);
    let local_utc = |local: chrono::NaiveDateTime| o.tz.from_local_datetime(&local).earliest().map(|t| t.to_utc());

    let mut messages = Vec::new();
    // The preview, only while the class has not begun; not worth sending once it has.
    if first.starts_at > now
        && let (Some(planned_at), Some((title, tr))) = (local_utc(before), title_of(preview))
    {
        let (tz, eve) = (o.tz, before.date());
        let note = |sent_at: Option<DateTime<Utc>>| {
            let (title, tr) = (title.clone(), tr.clone());
            let mut note = Note::notice(COURSE_LABEL, planned_at, move |lang| {
                let title = tr.text(lang, "title", &title);
                let button =
                    vec![vec![(tr!(lang, "btn-lesson-daily-start"), Cb::LessonStart { lesson: preview }.encode())]];
                let plain = tr!(lang, "lesson-course-preview-soon", title = title);
                // "Tomorrow" only when it goes the evening before; sent another day it says "before class".
                match sent_at.map(|at| at.with_timezone(&tz).date_naive()) {
                    Some(day) if day == eve => {
                        let mut p = payload(tr!(lang, "lesson-course-preview", title = title), button);
                        p.day_bound =
                            Some(db::outbox::DayBound { day, tz: tz.name().to_owned(), other_day_text: plain });
                        p
                    }
                    _ => payload(plain, button),
                }
            })
            .dedupe(format!("{}preview", course_lessons_prefix(o.order_id)));
            note.deadline_at = Some(first.starts_at);
            note
        };
        if let Some(planned) = notify::plan_for(app, o.to, o.calendar, &note(None)) {
            messages.push(notify::message(&note(Some(planned.due_at)), &planned));
        }
    }
    if let (Some(planned_at), Some((title, tr))) = (local_utc(after), title_of(review)) {
        let mut note = Note::notice(COURSE_LABEL, planned_at, move |lang| {
            payload(
                tr!(lang, "lesson-course-review", title = tr.text(lang, "title", &title)),
                vec![vec![(tr!(lang, "btn-lesson-daily-start"), Cb::LessonStart { lesson: review }.encode())]],
            )
        })
        .dedupe(format!("{}review", course_lessons_prefix(o.order_id)));
        note.deadline_at = Some(last.ends_at + rules::REVIEW_WITHIN);
        if let Some(planned) = notify::plan_for(app, o.to, o.calendar, &note) {
            messages.push(notify::message(&note, &planned));
        }
    }
    Ok(messages)
}
