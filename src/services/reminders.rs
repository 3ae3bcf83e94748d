//! Session reminders for confirmed orders, planned through the send-window gate into the outbox;
//! withdrawn when the order ends; re-planned (and people told) when an import moves or cancels a
//! session; and busy-season warnings for sessions an import puts into 农忙.

use chrono::{DateTime, Utc};

use crate::app::App;
use crate::db::orders::OrderRow;
use crate::db::{self, Tx};
use crate::domain::catalog::{Class, Course, Session, SessionStatus};
use crate::domain::gate::MessageKind;
use crate::domain::order::OrderStatus;
use crate::domain::person::Person;
use crate::domain::reminder::{MIN_GAP, Which};
use crate::i18n::{Lang, local_date, session_when};
use crate::services::catalog_import::ImportReport;
use crate::services::notify::{self, Note, payload};
use crate::tr;

/// The dedupe key of a reminder; prefixes of it withdraw an order's or a session's reminders.
fn reminder_key(order_id: i64, session_id: i64, which: Which) -> String {
    format!("remind:{order_id}:{session_id}:{}", which.as_str())
}

/// Callback data of the reminder buttons, built here so the outbox payload needs no bot types; the
/// bot decodes them into `Cb::Rsvp`.
pub fn rsvp_data(order_id: i64, session_id: i64, coming: bool) -> String {
    format!("rv:{order_id}:{session_id}:{}", u8::from(coming))
}

struct ClassContext {
    class: Class,
    course: Option<Course>,
    tz: chrono_tz::Tz,
}

async fn class_context(tx: &mut Tx, app: &App, class_key: &str) -> anyhow::Result<Option<ClassContext>> {
    let Some(class) = db::catalog::class_in_tx(tx, class_key).await? else { return Ok(None) };
    let course = db::catalog::course_in_tx(tx, &class.course_key).await?;
    let tz = db::regions::timezone_in_tx(tx, &class.region_key)
        .await?
        .and_then(|t| t.parse().ok())
        .unwrap_or(app.config.default_timezone);
    Ok(Some(ClassContext { class, course, tz }))
}

/// Plans the reminders of one session for one order (inside `tx`). Returns how many were queued.
async fn plan_session(
    tx: &mut Tx,
    app: &App,
    order: &OrderRow,
    ctx: &ClassContext,
    session: &Session,
) -> anyhow::Result<usize> {
    let now = app.now();
    if session.status != SessionStatus::Scheduled || session.starts_at <= now {
        return Ok(0);
    }
    let plan = db::catalog::reminder_plan_conn(tx, &ctx.class.region_key).await?;
    let mut last_due: Option<DateTime<Utc>> = None;
    let mut queued = 0;
    for (which, planned_at) in plan.instants(ctx.tz, session.starts_at) {
        let (course, class, session_copy, tz) = (ctx.course.clone(), ctx.class.clone(), session.clone(), ctx.tz);
        let (order_id, session_id) = (order.id, session.id);
        let note = Note {
            kind: MessageKind::Reminder { deadline: session.starts_at },
            label: "reminder",
            render: Box::new(move |lang| {
                reminder_payload(lang, course.as_ref(), &class, &session_copy, tz, order_id, session_id)
            }),
            dedupe_key: Some(reminder_key(order.id, session.id, which)),
            planned_at,
            deadline_at: Some(session.starts_at),
            personal: true,
            group: None,
        };
        let Some(planned) = notify::plan(tx, app, order.user_id, &note).await? else { continue };
        if last_due.is_some_and(|prev| planned.due_at - prev < MIN_GAP) {
            continue; // the gate moved it next to the previous one: one reminder is enough
        }
        if notify::write(tx, &note, &planned).await? {
            queued += 1;
        }
        last_due = Some(planned.due_at);
    }
    Ok(queued)
}

fn reminder_payload(
    lang: Lang,
    course: Option<&Course>,
    class: &Class,
    session: &Session,
    tz: chrono_tz::Tz,
    order_id: i64,
    session_id: i64,
) -> crate::db::outbox::Payload {
    let mut lines = vec![
        tr!(lang, "reminder-title", course = course.map(|c| c.display_title(lang)).unwrap_or_default()),
        tr!(lang, "reminder-when", when = session_when(lang, tz, session.starts_at, session.ends_at)),
        tr!(lang, "reminder-place", place = session.place(class)),
    ];
    if let Some(bring) = course.and_then(|c| c.what_to_bring.as_deref()) {
        lines.push(tr!(lang, "course-bring", items = bring));
    }
    payload(
        lines.join("\n"),
        vec![vec![
            (tr!(lang, "btn-coming"), rsvp_data(order_id, session_id, true)),
            (tr!(lang, "btn-not-coming"), rsvp_data(order_id, session_id, false)),
        ]],
    )
}

/// Plans every reminder of a newly confirmed order (inside the transaction that confirmed it).
pub async fn plan_for_order(tx: &mut Tx, app: &App, order: &OrderRow) -> anyhow::Result<usize> {
    let Some(ctx) = class_context(tx, app, &order.class_key).await? else { return Ok(0) };
    let mut queued = 0;
    for session in db::catalog::sessions_of_class_conn(tx, &order.class_key).await? {
        queued += plan_session(tx, app, order, &ctx, &session).await?;
    }
    Ok(queued)
}

/// Withdraws the order's pending reminders (it was cancelled, rejected…).
pub async fn withdraw_for_order(tx: &mut Tx, order_id: i64) -> anyhow::Result<u64> {
    Ok(db::outbox::cancel_by_dedupe_prefix(tx, &format!("remind:{order_id}:")).await?)
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
                    tr!(lang, "session-moved", course = title, when = when, place = s.place(&class))
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
        tx.commit().await?;
    }

    for warning in &report.busy_sessions {
        let Some(class) = db::catalog::class(&app.db, &warning.class_key).await? else { continue };
        let chain: Vec<String> =
            db::regions::ancestry(&app.db, &class.region_key).await?.into_iter().map(|r| r.key).collect();
        let mut recipients: Vec<i64> =
            db::people::coordinators_for(&app.db, &chain).await?.into_iter().map(|p| p.user_id).collect();
        if let Some(course) = db::catalog::course(&app.db, &class.course_key).await? {
            recipients.extend(db::people::trainer_people(&app.db, &course.trainer_key).await?);
        }
        recipients.sort_unstable();
        recipients.dedup();
        let mut tx = app.db.begin_write().await?;
        for user_id in recipients {
            let w = warning.clone();
            let note = Note::notice("coordinator", app.now(), move |lang| {
                let alternatives: Vec<String> = w.alternatives.iter().map(|d| local_date(lang, *d)).collect();
                payload(
                    tr!(
                        lang,
                        "busy-session-warning",
                        class = w.class_key.as_str(),
                        date = local_date(lang, w.date),
                        season = crate::domain::calendar::season_name(&w.season, lang),
                        alternatives = alternatives.join("、")
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
    Noted,
    /// "Can't come" confirmed: the order is cancelled and the seat offered on.
    Released(OrderRow),
    /// The order is no longer confirmed (cancelled meanwhile, an old reminder).
    Stale,
    NotAllowed,
}

/// Records an answer to a reminder. `release` (after "can't come" was confirmed) cancels the order:
/// a seat nobody will use goes to the waitlist, whatever the cut-off.
pub async fn answer(
    app: &App,
    person: &Person,
    order_id: i64,
    session_id: i64,
    coming: bool,
    release: bool,
) -> anyhow::Result<RsvpOutcome> {
    let Some(order) = db::orders::get(&app.db, order_id).await? else { return Ok(RsvpOutcome::Stale) };
    if order.user_id != person.user_id {
        tracing::warn!(user = person.user_id, order_id, "reminder answer for someone else's order");
        return Ok(RsvpOutcome::NotAllowed);
    }
    let Some(session) = db::catalog::session(&app.db, session_id).await? else { return Ok(RsvpOutcome::Stale) };
    if session.class_key != order.class_key || order.status != OrderStatus::Confirmed {
        return Ok(RsvpOutcome::Stale);
    }
    let now = app.now();
    let coordinators = crate::services::orders::class_coordinators(app, &order.class_key).await?;
    let mut tx = app.db.begin_write().await?;
    db::orders::record_rsvp(&mut tx, order_id, session_id, coming, now).await?;
    if !release {
        tx.commit().await?;
        return Ok(RsvpOutcome::Noted);
    }
    let released = crate::services::orders::release_seat(&mut tx, app, &order, person, &coordinators).await?;
    tx.commit().await?;
    app.wake_outbox();
    app.wake_scheduler();
    Ok(if released { RsvpOutcome::Released(order) } else { RsvpOutcome::Stale })
}
