//! Everything stored about one person, read for their own export (`/mydata`). Every query here is
//! bound to that person (their user id, or their private chat for queued messages) and returns only
//! their own rows: who else took the same class, who marked their attendance or who approved an
//! order is never read.

use chrono::{DateTime, Utc};

use super::row::{Epoch, Flag, MaybeEpoch, MaybeFlag};
use super::{Db, from_epoch};
use crate::domain::learning::Mark;
use crate::domain::order::{OrderNumber, OrderStatus};
use crate::domain::person::{Audience, Role};
use crate::domain::survey::{Question, Reply, Value};
use crate::domain::translations::Translations;
use crate::i18n::Lang;

/// The `people` row as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ProfileRow {
    pub user_id: i64,
    pub chat_id: i64,
    pub name: String,
    /// `None` for staff who have not chosen to take courses (the column then holds a placeholder).
    #[sqlx(flatten, try_from = "TraineeAudience")]
    pub audience: Option<Audience>,
    #[sqlx(try_from = "LangCode")]
    pub lang: Lang,
    pub village_key: Option<String>,
    pub phone: Option<String>,
    #[sqlx(try_from = "Epoch")]
    pub consent_at: DateTime<Utc>,
    #[sqlx(try_from = "Epoch")]
    pub registered_at: DateTime<Utc>,
    #[sqlx(try_from = "Epoch")]
    pub updated_at: DateTime<Utc>,
    #[sqlx(try_from = "MaybeEpoch")]
    pub unreachable_at: Option<DateTime<Utc>>,
    #[sqlx(try_from = "MaybeEpoch")]
    pub paused_until: Option<DateTime<Utc>>,
    #[sqlx(try_from = "Flag")]
    pub instant_lines: bool,
    #[sqlx(try_from = "Flag")]
    pub surveys_stopped: bool,
    pub pseudonym: Option<String>,
}

/// The audience column and whether it means anything (`trainee`).
#[derive(sqlx::FromRow)]
struct TraineeAudience {
    audience: Audience,
    #[sqlx(try_from = "Flag")]
    trainee: bool,
}

impl From<TraineeAudience> for Option<Audience> {
    fn from(stored: TraineeAudience) -> Self {
        stored.trainee.then_some(stored.audience)
    }
}

/// A language code as stored.
#[derive(sqlx::Type)]
#[sqlx(transparent)]
struct LangCode(String);

impl From<LangCode> for Lang {
    /// A language no longer shipped reads as the default one, as everywhere a person's language is read.
    fn from(stored: LangCode) -> Lang {
        Lang::from_code(&stored.0).unwrap_or_default()
    }
}

pub async fn profile(db: &Db, user_id: i64) -> sqlx::Result<Option<ProfileRow>> {
    sqlx::query_as(
        "SELECT user_id, chat_id, name, audience, lang, village_key, phone, consent_at, registered_at, updated_at,
                unreachable_at, paused_until, instant_lines, surveys_stopped, pseudonym, trainee
         FROM people WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RoleRow {
    pub role: Role,
    /// Empty = not scoped.
    pub region_key: String,
    #[sqlx(try_from = "Epoch")]
    pub granted_at: DateTime<Utc>,
}

pub async fn roles(db: &Db, user_id: i64) -> sqlx::Result<Vec<RoleRow>> {
    // The table's CHECK admits only the roles `Role` knows.
    sqlx::query_as(
        "SELECT role, region_key, granted_at FROM person_roles WHERE user_id = $1 ORDER BY granted_at, role, region_key",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await
}

/// The catalogue trainer the person is linked to, and since when.
pub async fn trainer_link(db: &Db, user_id: i64) -> sqlx::Result<Option<(String, DateTime<Utc>)>> {
    let link: Option<(String, Epoch)> =
        sqlx::query_as("SELECT trainer_key, linked_at FROM trainer_links WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(&db.pool)
            .await?;
    Ok(link.map(|(trainer_key, linked_at)| (trainer_key, linked_at.into())))
}

/// One of the person's orders with what it is for.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OrderRow {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub number: OrderNumber,
    pub class_key: String,
    pub course_key: String,
    pub course_title: String,
    /// Translations of the course's texts (`title` among them).
    pub course_tr: Translations,
    pub place: String,
    pub region_key: String,
    pub status: OrderStatus,
    #[sqlx(try_from = "Epoch")]
    pub created_at: DateTime<Utc>,
    #[sqlx(try_from = "Epoch")]
    pub updated_at: DateTime<Utc>,
    #[sqlx(try_from = "MaybeEpoch")]
    pub waitlisted_at: Option<DateTime<Utc>>,
    #[sqlx(try_from = "MaybeEpoch")]
    pub offer_expires_at: Option<DateTime<Utc>>,
    #[sqlx(try_from = "MaybeEpoch")]
    pub cancel_requested_at: Option<DateTime<Utc>>,
    /// The class's first and last scheduled session.
    #[sqlx(try_from = "MaybeEpoch")]
    pub first_session_at: Option<DateTime<Utc>>,
    #[sqlx(try_from = "MaybeEpoch")]
    pub last_session_end: Option<DateTime<Utc>>,
}

/// The person's orders, oldest first.
pub async fn orders(db: &Db, user_id: i64) -> sqlx::Result<Vec<OrderRow>> {
    sqlx::query_as(
        "SELECT o.id, o.number, o.class_key, cl.course_key, c.title AS course_title, c.tr_json AS course_tr, cl.place,
                cl.region_key, o.status,
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
    .await
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

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OrderEventRow {
    pub order_id: i64,
    #[sqlx(try_from = "Epoch")]
    pub at: DateTime<Utc>,
    pub from_status: Option<OrderStatus>,
    pub to_status: OrderStatus,
    #[sqlx(flatten, try_from = "EventActor")]
    pub actor: Actor,
}

/// Who made a change (a user id; none: the bot) beside whose order it was.
#[derive(sqlx::FromRow)]
struct EventActor {
    actor: Option<i64>,
    owner: i64,
}

impl From<EventActor> for Actor {
    fn from(stored: EventActor) -> Actor {
        match stored.actor {
            None => Actor::System,
            Some(a) if a == stored.owner => Actor::Person,
            Some(_) => Actor::Staff,
        }
    }
}

/// Every status change of the person's orders, in order.
pub async fn order_events(db: &Db, user_id: i64) -> sqlx::Result<Vec<OrderEventRow>> {
    sqlx::query_as(
        "SELECT e.order_id, e.at, e.from_status, e.to_status, e.actor, o.user_id AS owner FROM order_events e
         JOIN orders o ON o.id = e.order_id WHERE o.user_id = $1 ORDER BY e.at, e.id",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await
}

/// An answer to a session reminder ("I'll come" / "can't come").
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RsvpRow {
    pub order_id: i64,
    #[sqlx(try_from = "Epoch")]
    pub session_starts_at: DateTime<Utc>,
    #[sqlx(try_from = "Flag")]
    pub coming: bool,
    #[sqlx(try_from = "Epoch")]
    pub at: DateTime<Utc>,
}

pub async fn rsvps(db: &Db, user_id: i64) -> sqlx::Result<Vec<RsvpRow>> {
    sqlx::query_as(
        "SELECT r.order_id, s.starts_at AS session_starts_at,
                CASE WHEN r.answer = 'coming' THEN 1 ELSE 0 END AS coming, r.at
         FROM session_rsvps r JOIN orders o ON o.id = r.order_id JOIN sessions s ON s.id = r.session_id
         WHERE o.user_id = $1 ORDER BY s.starts_at, r.order_id",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await
}

/// One attendance mark of the person. Who marked it by hand is not read (another person).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AttendanceRow {
    pub order_id: i64,
    #[sqlx(try_from = "Epoch")]
    pub session_starts_at: DateTime<Utc>,
    #[sqlx(try_from = "Epoch")]
    pub session_ends_at: DateTime<Utc>,
    pub mark: Mark,
    /// code, location, trainer, auto (button: older rows).
    pub source: String,
    #[sqlx(try_from = "Epoch")]
    pub at: DateTime<Utc>,
    pub distance_m: Option<i64>,
}

pub async fn attendance(db: &Db, user_id: i64) -> sqlx::Result<Vec<AttendanceRow>> {
    sqlx::query_as(
        "SELECT a.order_id, s.starts_at AS session_starts_at, s.ends_at AS session_ends_at, a.mark, a.source, a.at,
                a.distance_m
         FROM attendance a JOIN orders o ON o.id = a.order_id JOIN sessions s ON s.id = a.session_id
         WHERE o.user_id = $1 ORDER BY s.starts_at, a.order_id",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PracticalRow {
    pub order_id: i64,
    #[sqlx(try_from = "Flag")]
    pub passed: bool,
    #[sqlx(try_from = "Epoch")]
    pub at: DateTime<Utc>,
}

pub async fn practical_checks(db: &Db, user_id: i64) -> sqlx::Result<Vec<PracticalRow>> {
    sqlx::query_as(
        "SELECT p.order_id, p.passed, p.at FROM practical_checks p JOIN orders o ON o.id = p.order_id
         WHERE o.user_id = $1 ORDER BY p.at, p.order_id",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct QuizAttemptRow {
    pub id: i64,
    pub order_id: i64,
    #[sqlx(try_from = "Epoch")]
    pub started_at: DateTime<Utc>,
    #[sqlx(try_from = "MaybeEpoch")]
    pub finished_at: Option<DateTime<Utc>>,
    pub correct: i64,
    pub total: i64,
    /// `None` while the attempt runs.
    #[sqlx(try_from = "MaybeFlag")]
    pub passed: Option<bool>,
}

pub async fn quiz_attempts(db: &Db, user_id: i64) -> sqlx::Result<Vec<QuizAttemptRow>> {
    sqlx::query_as(
        "SELECT a.id, a.order_id, a.started_at, a.finished_at, a.correct, a.total, a.passed FROM quiz_attempts a
         JOIN orders o ON o.id = a.order_id WHERE o.user_id = $1 ORDER BY a.started_at, a.id",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await
}

/// One answer of a quiz attempt, with the question and the option chosen as the catalogue words them.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct QuizAnswerRow {
    pub attempt_id: i64,
    pub position: i64,
    pub question_key: String,
    pub question: String,
    /// The option chosen; `None` when the catalogue no longer has it.
    #[sqlx(flatten, try_from = "ChosenOption")]
    pub chosen: Option<String>,
    #[sqlx(try_from = "Flag")]
    pub correct: bool,
    #[sqlx(try_from = "Epoch")]
    pub at: DateTime<Utc>,
}

/// The question's options as the catalogue has them now, and the stored index of the one chosen.
#[derive(sqlx::FromRow)]
struct ChosenOption {
    options_json: String,
    chosen: i64,
}

impl From<ChosenOption> for Option<String> {
    fn from(stored: ChosenOption) -> Self {
        // Options the catalogue no longer words readably are as gone as a removed one: the export
        // shows no text for the choice rather than failing.
        let options: Vec<String> = serde_json::from_str(&stored.options_json).unwrap_or_default();
        usize::try_from(stored.chosen).ok().and_then(|i| options.get(i).cloned())
    }
}

pub async fn quiz_answers(db: &Db, user_id: i64) -> sqlx::Result<Vec<QuizAnswerRow>> {
    sqlx::query_as(
        "SELECT q.attempt_id, q.position, k.key AS question_key, k.text AS question, k.options_json, q.chosen,
                q.correct, q.at
         FROM quiz_answers q JOIN quiz_attempts a ON a.id = q.attempt_id JOIN orders o ON o.id = a.order_id
              JOIN questions k ON k.id = q.question_id
         WHERE o.user_id = $1 ORDER BY q.attempt_id, q.position",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await
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

/// A `survey_answers` row as stored: the question as a word, the reply spread over its columns.
#[derive(sqlx::FromRow)]
struct StoredSurveyAnswer {
    survey_id: i64,
    question: String,
    number: Option<i64>,
    choice: Option<String>,
    text: Option<String>,
    #[sqlx(try_from = "Flag")]
    declined: bool,
    #[sqlx(try_from = "Epoch")]
    at: DateTime<Utc>,
}

impl StoredSurveyAnswer {
    /// The answer, or `None` for a question this version does not ask or a row with no reply in it:
    /// those are left out of the export.
    fn into_row(self) -> Option<SurveyAnswerRow> {
        let question = Question::parse(&self.question)?;
        let reply = if self.declined {
            Reply::Declined
        } else {
            match (self.number, self.choice, self.text) {
                (Some(n), _, _) => Reply::Given(Value::Number(n)),
                (None, Some(c), _) => Reply::Given(Value::Choice(c)),
                (None, None, Some(t)) => Reply::Given(Value::Text(t)),
                _ => return None,
            }
        };
        Some(SurveyAnswerRow { survey_id: self.survey_id, question, reply, at: self.at })
    }
}

pub async fn survey_answers(db: &Db, user_id: i64) -> sqlx::Result<Vec<SurveyAnswerRow>> {
    let stored: Vec<StoredSurveyAnswer> = sqlx::query_as(
        "SELECT a.survey_id, a.question, a.number, a.choice, a.text, a.declined, a.at FROM survey_answers a
         JOIN surveys s ON s.id = a.survey_id WHERE s.user_id = $1 ORDER BY a.survey_id, a.at",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    let mut out: Vec<SurveyAnswerRow> = stored.into_iter().filter_map(StoredSurveyAnswer::into_row).collect();
    // Questions in the order they are asked, within each survey.
    out.sort_by_key(|a| (a.survey_id, a.question));
    Ok(out)
}

/// A 点单 request ("I want to learn …").
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CourseRequestRow {
    pub township_key: String,
    pub topic: String,
    pub topic_text: String,
    #[sqlx(try_from = "Epoch")]
    pub created_at: DateTime<Utc>,
}

pub async fn course_requests(db: &Db, user_id: i64) -> sqlx::Result<Vec<CourseRequestRow>> {
    sqlx::query_as(
        "SELECT township_key, topic, topic_text, created_at FROM course_requests WHERE user_id = $1
         ORDER BY created_at, id",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await
}

/// The notices (broadcasts) the person acknowledged with "收到": which and when.
pub async fn acknowledgements(db: &Db, user_id: i64) -> sqlx::Result<Vec<(i64, DateTime<Utc>)>> {
    let acks: Vec<(i64, Epoch)> =
        sqlx::query_as("SELECT broadcast_id, at FROM broadcast_acks WHERE user_id = $1 ORDER BY at, broadcast_id")
            .bind(user_id)
            .fetch_all(&db.pool)
            .await?;
    Ok(acks.into_iter().map(|(broadcast_id, at)| (broadcast_id, at.into())).collect())
}

/// A message still to be sent to the person's chat: its kind and timing, not its content.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct QueuedRow {
    pub kind: String,
    pub status: String,
    #[sqlx(try_from = "Epoch")]
    pub planned_at: DateTime<Utc>,
    #[sqlx(try_from = "Epoch")]
    pub due_at: DateTime<Utc>,
    #[sqlx(try_from = "MaybeEpoch")]
    pub deadline_at: Option<DateTime<Utc>>,
}

/// Messages queued to the person's own chat that have not gone out yet, soonest first.
pub async fn queued_messages(db: &Db, chat_id: i64) -> sqlx::Result<Vec<QueuedRow>> {
    sqlx::query_as(
        "SELECT kind, status, planned_at, due_at, deadline_at FROM outbox
         WHERE chat_id = $1 AND status IN ('pending', 'sending') ORDER BY due_at, id",
    )
    .bind(chat_id)
    .fetch_all(&db.pool)
    .await
}

/// Wrong check-in codes in a row and a lock, where any were recorded.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LockoutRow {
    pub wrong_in_row: i64,
    #[sqlx(try_from = "MaybeEpoch")]
    pub locked_until: Option<DateTime<Utc>>,
    #[sqlx(try_from = "Epoch")]
    pub at: DateTime<Utc>,
}

pub async fn checkin_lockout(db: &Db, user_id: i64) -> sqlx::Result<Option<LockoutRow>> {
    sqlx::query_as("SELECT wrong_in_row, locked_until, at FROM checkin_lockouts WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await
}
