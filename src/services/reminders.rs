//! Session reminders for confirmed orders (and their course's lessons before and after the class),
//! planned through the send-window gate into the outbox; withdrawn when the order ends; re-planned
//! (and people told) when an import moves or cancels a session; and busy-season warnings for sessions
//! an import puts into 农忙.

use chrono::{DateTime, Utc};

use crate::app::App;
use crate::db::orders::OrderRow;
use crate::db::outbox::DayBound;
use crate::db::{self, Tx};
use crate::domain::catalog::{Class, Course, Session, SessionStatus};
use crate::domain::gate::MessageKind;
use crate::domain::order::OrderStatus;
use crate::domain::person::Person;
use crate::domain::reminder::{MIN_GAP, Which};
use crate::i18n::{Lang, local_date, session_when};
use crate::services::catalog_import::ImportReport;
use crate::services::lesson_daily::{self, CourseLessonsFor};
use crate::services::notify::{self, Note, payload};
use crate::tr;

/// The dedupe key of a reminder; prefixes of it withdraw an order's or a session's reminders.
fn reminder_key(order_id: i64, session_id: i64, which: Which) -> String {
    format!("remind:{order_id}:{session_id}:{}", which.as_str())
}

/// Callback data of the reminder buttons ("I'll come" / "can't come").
pub fn rsvp_data(order_id: i64, session_id: i64, coming: bool) -> String {
    crate::domain::callback::Cb::Rsvp { order: order_id, session: session_id, coming }.encode()
}

struct ClassContext {
    class: Class,
    course: Option<Course>,
    tz: chrono_tz::Tz,
}

async fn class_context(tx: &mut Tx, app: &App, class_key: &str) -> anyhow::Result<Option<ClassContext>> {
    let catalog = app.db.catalog_in_tx(tx).await?;
    let Some(class) = catalog.class(class_key) else { return Ok(None) };
    let course = catalog.course(&class.course_key).cloned();
    let tz =
        catalog.region(&class.region_key).and_then(|r| r.timezone.parse().ok()).unwrap_or(app.config.default_timezone);
    Ok(Some(ClassContext { class: class.clone(), course, tz }))
}

/// Who a reminder goes to and how their reminders are timed, read once per order.
struct Recipient {
    to: db::people::Addressee,
    calendar: crate::domain::calendar::RegionCalendar,
    plan: crate::domain::reminder::ReminderPlan,
}

impl Recipient {
    async fn load(tx: &mut Tx, app: &App, order: &OrderRow, ctx: &ClassContext) -> anyhow::Result<Option<Recipient>> {
        let Some(to) = db::people::addressee(tx, order.user_id).await? else { return Ok(None) };
        let calendar = notify::calendar_for(tx, app, to.village_key.as_deref()).await?;
        let plan = app.db.catalog_in_tx(tx).await?.reminder_plan(&ctx.class.region_key);
        Ok(Some(Recipient { to, calendar, plan }))
    }
}

/// Plans the reminders of one session for one order (inside `tx`). Returns how many were queued.
async fn plan_session(
    tx: &mut Tx,
    app: &App,
    order: &OrderRow,
    ctx: &ClassContext,
    session: &Session,
) -> anyhow::Result<usize> {
    let Some(recipient) = Recipient::load(tx, app, order, ctx).await? else { return Ok(0) };
    let messages = session_reminders(app, order, ctx, session, &recipient);
    Ok(db::outbox::enqueue_many(tx, &messages).await? as usize)
}

/// The outbox rows of one session's reminders for one order, as the gate times them for the person.
fn session_reminders(
    app: &App,
    order: &OrderRow,
    ctx: &ClassContext,
    session: &Session,
    recipient: &Recipient,
) -> Vec<db::outbox::NewMessage> {
    let now = app.now();
    if session.status != SessionStatus::Scheduled || session.starts_at <= now {
        return Vec::new();
    }
    let mut last_due: Option<DateTime<Utc>> = None;
    let mut messages = Vec::new();
    for (which, planned_at) in recipient.plan.instants(ctx.tz, session.starts_at) {
        // The text says "today" or "tomorrow" as seen from when it goes, so it is rendered once the gate
        // has said when that is.
        let note_sent_at = |sent_at: Option<DateTime<Utc>>| {
            let (course, class, session_copy, tz) = (ctx.course.clone(), ctx.class.clone(), session.clone(), ctx.tz);
            let (order_id, session_id) = (order.id, session.id);
            Note {
                kind: MessageKind::Reminder { deadline: session.starts_at },
                label: "reminder",
                render: Box::new(move |lang| {
                    let reminder = Reminder { course: course.as_ref(), class: &class, session: &session_copy, tz };
                    reminder.payload(lang, sent_at, order_id, session_id)
                }),
                dedupe_key: Some(reminder_key(order.id, session.id, which)),
                planned_at,
                deadline_at: Some(session.starts_at),
                personal: true,
                group: None,
            }
        };
        let Some(planned) = notify::plan_for(app, &recipient.to, &recipient.calendar, &note_sent_at(None)) else {
            continue;
        };
        if last_due.is_some_and(|prev| planned.due_at - prev < MIN_GAP) {
            continue; // the gate moved it next to the previous one: one reminder is enough
        }
        messages.push(notify::message(&note_sent_at(Some(planned.due_at)), &planned));
        last_due = Some(planned.due_at);
    }
    messages
}

/// One reminder of one session, as a person reads it.
struct Reminder<'a> {
    course: Option<&'a Course>,
    class: &'a Class,
    session: &'a Session,
    tz: chrono_tz::Tz,
}

impl Reminder<'_> {
    /// The text and buttons; `sent_at` (when the gate lets it go) makes the day read "today" or
    /// "tomorrow", with the plain date kept for a send on another day.
    fn payload(
        &self,
        lang: Lang,
        sent_at: Option<DateTime<Utc>>,
        order_id: i64,
        session_id: i64,
    ) -> crate::db::outbox::Payload {
        let when = session_when(lang, self.tz, self.session.starts_at, self.session.ends_at);
        let session_day = self.session.starts_at.with_timezone(&self.tz).date_naive();
        let relative = sent_at.and_then(|at| {
            let sent_day = at.with_timezone(&self.tz).date_naive();
            relative_day(lang, session_day, sent_day).map(|day| (day, sent_day))
        });
        let text_with = |when_line: String| {
            let mut lines = vec![
                tr!(lang, "reminder-title", course = self.course.map(|c| c.display_title(lang)).unwrap_or_default()),
                when_line,
                tr!(lang, "reminder-place", place = self.session.place_in(self.class, lang)),
            ];
            if let Some(bring) = self.course.and_then(|c| c.what_to_bring_in(lang)) {
                lines.push(tr!(lang, "course-bring", items = bring));
            }
            lines.join("\n")
        };
        let plain = text_with(tr!(lang, "reminder-when", when = when.as_str()));
        let mut message = payload(
            plain.clone(),
            vec![vec![
                (tr!(lang, "btn-coming"), rsvp_data(order_id, session_id, true)),
                (tr!(lang, "btn-not-coming"), rsvp_data(order_id, session_id, false)),
            ]],
        );
        if let Some((day, sent_day)) = relative {
            message.text = text_with(tr!(lang, "reminder-when-relative", day = day, when = when.as_str()));
            message.day_bound = Some(DayBound { day: sent_day, tz: self.tz.name().to_owned(), other_day_text: plain });
        }
        message
    }
}

/// "今天" / "明天" for a session on `session_day` read on `today`; nothing for other days.
fn relative_day(lang: Lang, session_day: chrono::NaiveDate, today: chrono::NaiveDate) -> Option<String> {
    match (session_day - today).num_days() {
        0 => Some(tr!(lang, "day-today")),
        1 => Some(tr!(lang, "day-tomorrow")),
        _ => None,
    }
}

/// Plans every reminder of a newly confirmed order (inside the transaction that confirmed it).
pub async fn plan_for_order(tx: &mut Tx, app: &App, order: &OrderRow) -> anyhow::Result<usize> {
    let Some(ctx) = class_context(tx, app, &order.class_key).await? else { return Ok(0) };
    let Some(recipient) = Recipient::load(tx, app, order, &ctx).await? else { return Ok(0) };
    // Every session's reminders in one statement: a confirmation is the busiest update there is.
    let catalog = app.db.catalog_in_tx(tx).await?;
    let sessions: Vec<Session> = catalog.sessions_of_class(&order.class_key).cloned().collect();
    let mut messages: Vec<db::outbox::NewMessage> =
        sessions.iter().flat_map(|session| session_reminders(app, order, &ctx, session, &recipient)).collect();
    // The course's lessons before and after the class (课前预习 / 课后复习) go with the reminders and
    // are withdrawn with them.
    messages.extend(course_lessons(tx, app, order, &ctx, &recipient, &sessions).await?);
    Ok(db::outbox::enqueue_many(tx, &messages).await? as usize)
}

/// The order's 课前预习 and 课后复习, timed by the class's sessions as they are now.
async fn course_lessons(
    tx: &mut Tx,
    app: &App,
    order: &OrderRow,
    ctx: &ClassContext,
    recipient: &Recipient,
    sessions: &[Session],
) -> anyhow::Result<Vec<db::outbox::NewMessage>> {
    let course_lessons = CourseLessonsFor {
        order_id: order.id,
        user_id: order.user_id,
        course_key: &ctx.class.course_key,
        sessions,
        tz: ctx.tz,
        to: &recipient.to,
        calendar: &recipient.calendar,
    };
    lesson_daily::course_lessons_for_order(tx, app, &course_lessons).await
}

/// After a session moved or was cancelled: the order's course lessons still waiting are withdrawn and
/// planned again from the class as it is now. One already sent keeps its outbox key, so it is not sent
/// a second time.
async fn replan_course_lessons(tx: &mut Tx, app: &App, order: &OrderRow, ctx: &ClassContext) -> anyhow::Result<()> {
    db::outbox::cancel_by_dedupe_prefix(tx, &lesson_daily::course_lessons_prefix(order.id)).await?;
    let Some(recipient) = Recipient::load(tx, app, order, ctx).await? else { return Ok(()) };
    let sessions: Vec<Session> = app.db.catalog_in_tx(tx).await?.sessions_of_class(&order.class_key).cloned().collect();
    let messages = course_lessons(tx, app, order, ctx, &recipient, &sessions).await?;
    db::outbox::enqueue_many(tx, &messages).await?;
    Ok(())
}

/// Withdraws the order's pending reminders and course lessons (it was cancelled, rejected…).
pub async fn withdraw_for_order(tx: &mut Tx, order_id: i64) -> anyhow::Result<u64> {
    let reminders = db::outbox::cancel_by_dedupe_prefix(tx, &format!("remind:{order_id}:")).await?;
    let lessons = db::outbox::cancel_by_dedupe_prefix(tx, &lesson_daily::course_lessons_prefix(order_id)).await?;
    Ok(reminders + lessons)
}

/// After an import: re-plans reminders of moved sessions and withdraws those of cancelled ones,
/// telling the people booked; warns coordinators (and the class's trainer) of sessions that now
/// fall in a busy farming season, with the nearest free dates.
pub async fn after_import(app: &App, report: &ImportReport) -> anyhow::Result<()> {
    for (session_id, moved) in report
        .moved_sessions
        .iter()
        .map(|id| (*id, true))
        .chain(report.cancelled_sessions.iter().map(|id| (*id, false)))
    {
        let Some(session) = db::catalog::session(&app.db, session_id).await? else { continue };
        let booked = db::orders::of_class(&app.db, &session.class_key, OrderStatus::Confirmed).await?;
        let mut tx = app.db.begin_write().await?;
        let Some(ctx) = class_context(&mut tx, app, &session.class_key).await? else { continue };
        for order in &booked {
            db::outbox::cancel_by_dedupe_prefix(&mut tx, &format!("remind:{}:{}:", order.id, session.id)).await?;
            if session.ends_at <= app.now() {
                continue;
            }
            if moved {
                plan_session(&mut tx, app, order, &ctx, &session).await?;
            }
            let (course, class, s, tz) = (ctx.course.clone(), ctx.class.clone(), session.clone(), ctx.tz);
            let note = Note::notice("notice", app.now(), move |lang| {
                let title = course.as_ref().map(|c| c.display_title(lang).to_owned()).unwrap_or_default();
                let when = session_when(lang, tz, s.starts_at, s.ends_at);
                let text = if moved {
                    tr!(lang, "session-moved", course = title, when = when, place = s.place_in(&class, lang))
                } else {
                    tr!(lang, "session-cancelled", course = title, when = when)
                };
                payload(text, vec![])
            })
            .dedupe(format!(
                "session-change:{}:{}:{}:{}",
                session.id,
                session.starts_at.timestamp(),
                moved,
                order.id
            ));
            notify::queue(&mut tx, app, order.user_id, &note).await?;
        }
        for order in &booked {
            replan_course_lessons(&mut tx, app, order, &ctx).await?;
        }
        tx.commit().await?;
    }

    for warning in &report.busy_sessions {
        let Some(class) = db::catalog::class(&app.db, &warning.class_key).await? else { continue };
        let chain: Vec<String> =
            db::regions::ancestry(&app.db, &class.region_key).await?.into_iter().map(|r| r.key).collect();
        let mut recipients: Vec<i64> =
            db::people::coordinators_for(&app.db, &chain).await?.into_iter().map(|p| p.user_id).collect();
        let course = db::catalog::course(&app.db, &class.course_key).await?;
        if let Some(course) = &course {
            recipients.extend(db::people::trainer_people(&app.db, &course.trainer_key).await?);
        }
        recipients.sort_unstable();
        recipients.dedup();
        let mut tx = app.db.begin_write().await?;
        for user_id in recipients {
            let (w, course, place) = (warning.clone(), course.clone(), class.place.clone());
            let note = Note::notice("coordinator", app.now(), move |lang| {
                let alternatives: Vec<String> = w.alternatives.iter().map(|d| local_date(lang, *d)).collect();
                // Named as people know it: the course and where it meets, not the catalogue key.
                let title = course.as_ref().map_or(w.class_key.as_str(), |c| c.display_title(lang));
                payload(
                    tr!(
                        lang,
                        "busy-session-warning",
                        course = title,
                        place = place.as_str(),
                        date = local_date(lang, w.date),
                        season = w.season.get(lang),
                        alternatives = alternatives.join(&tr!(lang, "list-separator"))
                    ),
                    vec![],
                )
            })
            .dedupe(format!("busy:{}:{}:{}", warning.session_id, warning.date, user_id));
            notify::queue(&mut tx, app, user_id, &note).await?;
        }
        tx.commit().await?;
    }
    app.wake_outbox();
    Ok(())
}

/// What "I'll come" / "can't come" did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RsvpOutcome {
    /// Recorded. `cancel`: what cancelling the whole order would do now, for the "can't come" reply.
    Noted {
        session: Session,
        tz: chrono_tz::Tz,
        cancel: crate::domain::order::CancelRule,
    },
    /// The order is no longer live, or the session is over (an old reminder).
    Stale,
    NotAllowed,
}

/// Records an answer to a session's reminder. "Can't come" is an absence notice for that session (its
/// trainer sees it on the roster); it does not cancel the order: cancelling the whole order is a
/// separate choice under the one cancellation rule ([`crate::domain::order::cancel_rule`]).
pub async fn answer(
    app: &App,
    person: &Person,
    order_id: i64,
    session_id: i64,
    coming: bool,
) -> anyhow::Result<RsvpOutcome> {
    // No such order is answered like someone else's: a forged id learns nothing.
    let Some(order) = db::orders::get(&app.db, order_id).await? else { return Ok(RsvpOutcome::NotAllowed) };
    if !crate::services::access::owns(person, order.user_id) {
        tracing::warn!(user = person.user_id, order_id, "reminder answer for someone else's order");
        return Ok(RsvpOutcome::NotAllowed);
    }
    let Some(session) = db::catalog::session(&app.db, session_id).await? else { return Ok(RsvpOutcome::Stale) };
    let now = app.now();
    let live = matches!(order.status, OrderStatus::Confirmed | OrderStatus::Attended);
    if session.class_key != order.class_key || !live || session.ends_at <= now {
        return Ok(RsvpOutcome::Stale);
    }
    let Some(info) = crate::services::orders::class_info(app, &order.class_key).await? else {
        return Ok(RsvpOutcome::Stale);
    };
    let mut tx = app.db.begin_write().await?;
    db::orders::record_rsvp(&mut tx, order_id, session_id, coming, now).await?;
    tx.commit().await?;
    let cancel = crate::domain::order::cancel_rule(
        order.status,
        order.cancel_requested_at.is_some(),
        info.timing(),
        now,
        app.config.cancel_cutoff,
    );
    Ok(RsvpOutcome::Noted { session, tz: info.tz, cancel })
}
