//! Everything stored about one person, read for their own export (`/mydata`). Every query here is
//! bound to that person (their user id, or their private chat for queued messages) and returns only
//! their own rows: who else took the same class, who marked their attendance or who approved an
//! order is never read.

use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Db, from_epoch};
use crate::domain::learning::Mark;
use crate::domain::order::{OrderNumber, OrderStatus};
use crate::domain::person::{Audience, Role};
use crate::domain::survey::{Question, Reply, Value};
use crate::i18n::Lang;

fn at(row: &AnyRow, column: &str) -> sqlx::Result<DateTime<Utc>> {
    Ok(from_epoch(row.try_get(column)?))
}

fn at_opt(row: &AnyRow, column: &str) -> sqlx::Result<Option<DateTime<Utc>>> {
    Ok(row.try_get::<Option<i64>, _>(column)?.map(from_epoch))
}

fn flag(row: &AnyRow, column: &str) -> sqlx::Result<bool> {
    Ok(row.try_get::<i64, _>(column)? != 0)
}

/// The `people` row as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileRow {
    pub user_id: i64,
    pub chat_id: i64,
    pub name: String,
    /// `None` for staff who have not chosen to take courses (the column then holds a placeholder).
    pub audience: Option<Audience>,
    pub lang: Lang,
    pub village_key: Option<String>,
    pub phone: Option<String>,
    pub consent_at: DateTime<Utc>,
    pub registered_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub unreachable_at: Option<DateTime<Utc>>,
    pub paused_until: Option<DateTime<Utc>>,
    pub instant_lines: bool,
    pub surveys_stopped: bool,
    pub pseudonym: Option<String>,
}

pub async fn profile(db: &Db, user_id: i64) -> sqlx::Result<Option<ProfileRow>> {
    let row = sqlx::query(
        "SELECT user_id, chat_id, name, audience, lang, village_key, phone, consent_at, registered_at, updated_at,
                unreachable_at, paused_until, instant_lines, surveys_stopped, pseudonym, trainee
         FROM people WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| {
        let trainee = flag(&r, "trainee")?;
        Ok(ProfileRow {
            user_id: r.try_get("user_id")?,
            chat_id: r.try_get("chat_id")?,
            name: r.try_get("name")?,
            audience: if trainee { Audience::parse(&r.try_get::<String, _>("audience")?) } else { None },
            lang: Lang::from_code(&r.try_get::<String, _>("lang")?).unwrap_or_default(),
            village_key: r.try_get("village_key")?,
            phone: r.try_get("phone")?,
            consent_at: at(&r, "consent_at")?,
            registered_at: at(&r, "registered_at")?,
            updated_at: at(&r, "updated_at")?,
            unreachable_at: at_opt(&r, "unreachable_at")?,
            paused_until: at_opt(&r, "paused_until")?,
            instant_lines: flag(&r, "instant_lines")?,
            surveys_stopped: flag(&r, "surveys_stopped")?,
            pseudonym: r.try_get("pseudonym")?,
        })
    })
    .transpose()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleRow {
    pub role: Role,
    /// Empty = not scoped.
    pub region_key: String,
    pub granted_at: DateTime<Utc>,
}

pub async fn roles(db: &Db, user_id: i64) -> sqlx::Result<Vec<RoleRow>> {
    let rows = sqlx::query(
        "SELECT role, region_key, granted_at FROM person_roles WHERE user_id = $1 ORDER BY granted_at, role, region_key",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let Some(role) = Role::parse(&r.try_get::<String, _>("role")?) else { continue };
        out.push(RoleRow { role, region_key: r.try_get("region_key")?, granted_at: at(r, "granted_at")? });
    }
    Ok(out)
}

/// The catalogue trainer the person is linked to, and since when.
pub async fn trainer_link(db: &Db, user_id: i64) -> sqlx::Result<Option<(String, DateTime<Utc>)>> {
    let row = sqlx::query("SELECT trainer_key, linked_at FROM trainer_links WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| Ok((r.try_get("trainer_key")?, at(&r, "linked_at")?))).transpose()
}

/// One of the person's orders with what it is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRow {
    pub id: i64,
    pub number: OrderNumber,
    pub class_key: String,
    pub course_key: String,
    pub course_title: String,
    /// Translations of the course's texts (`title` among them).
    pub course_tr: crate::domain::translations::Translations,
    pub place: String,
    pub region_key: String,
    pub status: OrderStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub waitlisted_at: Option<DateTime<Utc>>,
    pub offer_expires_at: Option<DateTime<Utc>>,
    pub cancel_requested_at: Option<DateTime<Utc>>,
    /// The class's first and last scheduled session.
    pub first_session_at: Option<DateTime<Utc>>,
    pub last_session_end: Option<DateTime<Utc>>,
}

fn status(row: &AnyRow, column: &str) -> sqlx::Result<OrderStatus> {
    let s: String = row.try_get(column)?;
    OrderStatus::parse(&s).ok_or_else(|| sqlx::Error::Decode(format!("unknown order status {s}").into()))
}

/// The person's orders, oldest first.
pub async fn orders(db: &Db, user_id: i64) -> sqlx::Result<Vec<OrderRow>> {
    let rows = sqlx::query(
        "SELECT o.id, o.number, o.class_key, cl.course_key, c.title, c.tr_json, cl.place, cl.region_key, o.status,
                o.created_at, o.updated_at, o.waitlisted_at, o.offer_expires_at, o.cancel_requested_at,
                (SELECT MIN(s.starts_at) FROM sessions s WHERE s.class_key = o.class_key AND s.status = 'scheduled')
                    AS first_session_at,
                (SELECT MAX(s.ends_at) FROM sessions s WHERE s.class_key = o.class_key AND s.status = 'scheduled')
                    AS last_session_end
         FROM orders o JOIN classes cl ON cl.key = o.class_key JOIN courses c ON c.key = cl.course_key
         WHERE o.user_id = $1 ORDER BY o.created_at, o.id",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(OrderRow {
                id: r.try_get("id")?,
                number: OrderNumber::from_stored(r.try_get("number")?),
                class_key: r.try_get("class_key")?,
                course_key: r.try_get("course_key")?,
                course_title: r.try_get("title")?,
                course_tr: crate::domain::translations::Translations::from_json(&r.try_get::<String, _>("tr_json")?),
                place: r.try_get("place")?,
                region_key: r.try_get("region_key")?,
                status: status(r, "status")?,
                created_at: at(r, "created_at")?,
                updated_at: at(r, "updated_at")?,
                waitlisted_at: at_opt(r, "waitlisted_at")?,
                offer_expires_at: at_opt(r, "offer_expires_at")?,
                cancel_requested_at: at_opt(r, "cancel_requested_at")?,
                first_session_at: at_opt(r, "first_session_at")?,
                last_session_end: at_opt(r, "last_session_end")?,
            })
        })
        .collect()
}

/// Who caused a change to the person's order. The other person's identity is not read out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// The person themself.
    Person,
    /// Someone else (a coordinator's approval or decision).
    Staff,
    /// The bot (an offer running out, attendance made final).
    System,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderEventRow {
    pub order_id: i64,
    pub at: DateTime<Utc>,
    pub from_status: Option<OrderStatus>,
    pub to_status: OrderStatus,
    pub actor: Actor,
}

/// Every status change of the person's orders, in order.
pub async fn order_events(db: &Db, user_id: i64) -> sqlx::Result<Vec<OrderEventRow>> {
    let rows = sqlx::query(
        "SELECT e.order_id, e.at, e.from_status, e.to_status, e.actor FROM order_events e
         JOIN orders o ON o.id = e.order_id WHERE o.user_id = $1 ORDER BY e.at, e.id",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let from: Option<String> = r.try_get("from_status")?;
            let actor: Option<i64> = r.try_get("actor")?;
            Ok(OrderEventRow {
                order_id: r.try_get("order_id")?,
                at: at(r, "at")?,
                from_status: from.as_deref().and_then(OrderStatus::parse),
                to_status: status(r, "to_status")?,
                actor: match actor {
                    None => Actor::System,
                    Some(a) if a == user_id => Actor::Person,
                    Some(_) => Actor::Staff,
                },
            })
        })
        .collect()
}

/// An answer to a session reminder ("I'll come" / "can't come").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RsvpRow {
    pub order_id: i64,
    pub session_starts_at: DateTime<Utc>,
    pub coming: bool,
    pub at: DateTime<Utc>,
}

pub async fn rsvps(db: &Db, user_id: i64) -> sqlx::Result<Vec<RsvpRow>> {
    let rows = sqlx::query(
        "SELECT r.order_id, s.starts_at, r.answer, r.at FROM session_rsvps r
         JOIN orders o ON o.id = r.order_id JOIN sessions s ON s.id = r.session_id
         WHERE o.user_id = $1 ORDER BY s.starts_at, r.order_id",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(RsvpRow {
                order_id: r.try_get("order_id")?,
                session_starts_at: at(r, "starts_at")?,
                coming: r.try_get::<String, _>("answer")? == "coming",
                at: at(r, "at")?,
            })
        })
        .collect()
}

/// One attendance mark of the person. Who marked it by hand is not read (another person).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendanceRow {
    pub order_id: i64,
    pub session_starts_at: DateTime<Utc>,
    pub session_ends_at: DateTime<Utc>,
    pub mark: Mark,
    /// code, location, trainer, auto (button: older rows).
    pub source: String,
    pub at: DateTime<Utc>,
    pub distance_m: Option<i64>,
}

pub async fn attendance(db: &Db, user_id: i64) -> sqlx::Result<Vec<AttendanceRow>> {
    let rows = sqlx::query(
        "SELECT a.order_id, s.starts_at, s.ends_at, a.mark, a.source, a.at, a.distance_m FROM attendance a
         JOIN orders o ON o.id = a.order_id JOIN sessions s ON s.id = a.session_id
         WHERE o.user_id = $1 ORDER BY s.starts_at, a.order_id",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let mark: String = r.try_get("mark")?;
            Ok(AttendanceRow {
                order_id: r.try_get("order_id")?,
                session_starts_at: at(r, "starts_at")?,
                session_ends_at: at(r, "ends_at")?,
                mark: Mark::parse(&mark).ok_or_else(|| sqlx::Error::Decode(format!("unknown mark {mark}").into()))?,
                source: r.try_get("source")?,
                at: at(r, "at")?,
                distance_m: r.try_get("distance_m")?,
            })
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PracticalRow {
    pub order_id: i64,
    pub passed: bool,
    pub at: DateTime<Utc>,
}

pub async fn practical_checks(db: &Db, user_id: i64) -> sqlx::Result<Vec<PracticalRow>> {
    let rows = sqlx::query(
        "SELECT p.order_id, p.passed, p.at FROM practical_checks p JOIN orders o ON o.id = p.order_id
         WHERE o.user_id = $1 ORDER BY p.at, p.order_id",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| Ok(PracticalRow { order_id: r.try_get("order_id")?, passed: flag(r, "passed")?, at: at(r, "at")? }))
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuizAttemptRow {
    pub id: i64,
    pub order_id: i64,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub correct: i64,
    pub total: i64,
    /// `None` while the attempt runs.
    pub passed: Option<bool>,
}

pub async fn quiz_attempts(db: &Db, user_id: i64) -> sqlx::Result<Vec<QuizAttemptRow>> {
    let rows = sqlx::query(
        "SELECT a.id, a.order_id, a.started_at, a.finished_at, a.correct, a.total, a.passed FROM quiz_attempts a
         JOIN orders o ON o.id = a.order_id WHERE o.user_id = $1 ORDER BY a.started_at, a.id",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(QuizAttemptRow {
                id: r.try_get("id")?,
                order_id: r.try_get("order_id")?,
                started_at: at(r, "started_at")?,
                finished_at: at_opt(r, "finished_at")?,
                correct: r.try_get("correct")?,
                total: r.try_get("total")?,
                passed: r.try_get::<Option<i64>, _>("passed")?.map(|p| p != 0),
            })
        })
        .collect()
}

/// One answer of a quiz attempt, with the question and the option chosen as the catalogue words them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuizAnswerRow {
    pub attempt_id: i64,
    pub position: i64,
    pub question_key: String,
    pub question: String,
    /// The option chosen; `None` when the catalogue no longer has it.
    pub chosen: Option<String>,
    pub correct: bool,
    pub at: DateTime<Utc>,
}

pub async fn quiz_answers(db: &Db, user_id: i64) -> sqlx::Result<Vec<QuizAnswerRow>> {
    let rows = sqlx::query(
        "SELECT q.attempt_id, q.position, k.key, k.text, k.options_json, q.chosen, q.correct, q.at
         FROM quiz_answers q JOIN quiz_attempts a ON a.id = q.attempt_id JOIN orders o ON o.id = a.order_id
              JOIN questions k ON k.id = q.question_id
         WHERE o.user_id = $1 ORDER BY q.attempt_id, q.position",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let options: Vec<String> =
                serde_json::from_str(&r.try_get::<String, _>("options_json")?).unwrap_or_default();
            let chosen: i64 = r.try_get("chosen")?;
            Ok(QuizAnswerRow {
                attempt_id: r.try_get("attempt_id")?,
                position: r.try_get("position")?,
                question_key: r.try_get("key")?,
                question: r.try_get("text")?,
                chosen: usize::try_from(chosen).ok().and_then(|i| options.get(i).cloned()),
                correct: flag(r, "correct")?,
                at: at(r, "at")?,
            })
        })
        .collect()
}

/// The person's completions (certificates), oldest first.
pub async fn completions(db: &Db, user_id: i64) -> sqlx::Result<Vec<super::learning::Completion>> {
    // From 1970 to the end of year 9999: every completion there is.
    super::learning::completions_of(db, user_id, from_epoch(0), from_epoch(253_402_300_799)).await
}

/// One answer to one of the person's surveys, with when it was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyAnswerRow {
    pub survey_id: i64,
    pub question: Question,
    pub reply: Reply<Value>,
    pub at: DateTime<Utc>,
}

pub async fn survey_answers(db: &Db, user_id: i64) -> sqlx::Result<Vec<SurveyAnswerRow>> {
    let rows = sqlx::query(
        "SELECT a.survey_id, a.question, a.number, a.choice, a.text, a.declined, a.at FROM survey_answers a
         JOIN surveys s ON s.id = a.survey_id WHERE s.user_id = $1 ORDER BY a.survey_id, a.at",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let question: String = r.try_get("question")?;
        let Some(question) = Question::parse(&question) else { continue };
        let reply = if flag(r, "declined")? {
            Reply::Declined
        } else {
            let number: Option<i64> = r.try_get("number")?;
            let choice: Option<String> = r.try_get("choice")?;
            let text: Option<String> = r.try_get("text")?;
            match (number, choice, text) {
                (Some(n), _, _) => Reply::Given(Value::Number(n)),
                (None, Some(c), _) => Reply::Given(Value::Choice(c)),
                (None, None, Some(t)) => Reply::Given(Value::Text(t)),
                _ => continue,
            }
        };
        out.push(SurveyAnswerRow { survey_id: r.try_get("survey_id")?, question, reply, at: at(r, "at")? });
    }
    // Questions in the order they are asked, within each survey.
    out.sort_by_key(|a| (a.survey_id, a.question));
    Ok(out)
}

/// A 点单 request ("I want to learn …").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourseRequestRow {
    pub township_key: String,
    pub topic: String,
    pub topic_text: String,
    pub created_at: DateTime<Utc>,
}

pub async fn course_requests(db: &Db, user_id: i64) -> sqlx::Result<Vec<CourseRequestRow>> {
    let rows = sqlx::query(
        "SELECT township_key, topic, topic_text, created_at FROM course_requests WHERE user_id = $1
         ORDER BY created_at, id",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(CourseRequestRow {
                township_key: r.try_get("township_key")?,
                topic: r.try_get("topic")?,
                topic_text: r.try_get("topic_text")?,
                created_at: at(r, "created_at")?,
            })
        })
        .collect()
}

/// The notices (broadcasts) the person acknowledged with "收到": which and when.
pub async fn acknowledgements(db: &Db, user_id: i64) -> sqlx::Result<Vec<(i64, DateTime<Utc>)>> {
    let rows = sqlx::query("SELECT broadcast_id, at FROM broadcast_acks WHERE user_id = $1 ORDER BY at, broadcast_id")
        .bind(user_id)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(|r| Ok((r.try_get("broadcast_id")?, at(r, "at")?))).collect()
}

/// A message still to be sent to the person's chat: its kind and timing, not its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedRow {
    pub kind: String,
    pub status: String,
    pub planned_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub deadline_at: Option<DateTime<Utc>>,
}

/// Messages queued to the person's own chat that have not gone out yet, soonest first.
pub async fn queued_messages(db: &Db, chat_id: i64) -> sqlx::Result<Vec<QueuedRow>> {
    let rows = sqlx::query(
        "SELECT kind, status, planned_at, due_at, deadline_at FROM outbox
         WHERE chat_id = $1 AND status IN ('pending', 'sending') ORDER BY due_at, id",
    )
    .bind(chat_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(QueuedRow {
                kind: r.try_get("kind")?,
                status: r.try_get("status")?,
                planned_at: at(r, "planned_at")?,
                due_at: at(r, "due_at")?,
                deadline_at: at_opt(r, "deadline_at")?,
            })
        })
        .collect()
}

/// Wrong check-in codes in a row and a lock, where any were recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockoutRow {
    pub wrong_in_row: i64,
    pub locked_until: Option<DateTime<Utc>>,
    pub at: DateTime<Utc>,
}

pub async fn checkin_lockout(db: &Db, user_id: i64) -> sqlx::Result<Option<LockoutRow>> {
    let row = sqlx::query("SELECT wrong_in_row, locked_until, at FROM checkin_lockouts WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| {
        Ok(LockoutRow {
            wrong_in_row: r.try_get("wrong_in_row")?,
            locked_until: at_opt(&r, "locked_until")?,
            at: at(&r, "at")?,
        })
    })
    .transpose()
}
