//! Check-ins, attendance, practical checks, quiz attempts and answers, completions.

use chrono::{DateTime, Utc};

use super::row::{Epoch, Flag, Json, MaybeEpoch, MaybeFlag};
use super::{Db, Tx, to_epoch};
use crate::domain::learning::{CheckinCode, Drawn, Mark};

fn json_err(e: serde_json::Error) -> sqlx::Error {
    sqlx::Error::Decode(Box::new(e))
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Checkin {
    pub session_id: i64,
    #[sqlx(try_from = "String")]
    pub code: CheckinCode,
    pub opened_by: i64,
    #[sqlx(try_from = "Epoch")]
    pub opened_at: DateTime<Utc>,
    #[sqlx(try_from = "Epoch")]
    pub expires_at: DateTime<Utc>,
    /// The roster message posted for the session (chat, message), once there is one.
    #[sqlx(flatten, try_from = "RosterMessage")]
    pub roster: Option<(i64, i32)>,
}

/// The roster message's two columns, set together by [`set_roster_message`].
#[derive(sqlx::FromRow)]
struct RosterMessage {
    roster_chat: Option<i64>,
    roster_message: Option<i64>,
}

impl From<RosterMessage> for Option<(i64, i32)> {
    fn from(stored: RosterMessage) -> Self {
        // Stored from an i32 (a Telegram message id), so it fits.
        stored.roster_chat.zip(stored.roster_message.map(|m| m as i32))
    }
}

// `finalized_at` is no longer written: a session's end is recorded in `session_closings`.
const CHECKIN_COLUMNS: &str = "session_id, code, opened_by, opened_at, expires_at, roster_chat, roster_message";

/// Opens (or re-opens with a new code) check-in for a session.
pub async fn open_checkin(
    tx: &mut Tx,
    session_id: i64,
    code: &CheckinCode,
    by: i64,
    now: DateTime<Utc>,
    expires: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO checkins (session_id, code, opened_by, opened_at, expires_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (session_id) DO UPDATE SET code = excluded.code, opened_by = excluded.opened_by,
             opened_at = excluded.opened_at, expires_at = excluded.expires_at",
    )
    .bind(session_id)
    .bind(code.as_str())
    .bind(by)
    .bind(to_epoch(now))
    .bind(to_epoch(expires))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn close_checkin(db: &Db, session_id: i64, now: DateTime<Utc>) -> sqlx::Result<bool> {
    Ok(sqlx::query("UPDATE checkins SET expires_at = $1 WHERE session_id = $2 AND expires_at > $1")
        .bind(to_epoch(now))
        .bind(session_id)
        .execute(&db.pool)
        .await?
        .rows_affected()
        == 1)
}

pub async fn set_roster_message(db: &Db, session_id: i64, chat: i64, message: i32) -> sqlx::Result<()> {
    sqlx::query("UPDATE checkins SET roster_chat = $1, roster_message = $2 WHERE session_id = $3")
        .bind(chat)
        .bind(i64::from(message))
        .bind(session_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn checkin(db: &Db, session_id: i64) -> sqlx::Result<Option<Checkin>> {
    sqlx::query_as(&format!("SELECT {CHECKIN_COLUMNS} FROM checkins WHERE session_id = $1"))
        .bind(session_id)
        .fetch_optional(&db.pool)
        .await
}

/// Check-ins open now for sessions of classes where `user_id` holds a confirmed or attended order,
/// with that order's id.
pub async fn open_checkins_for(db: &Db, user_id: i64, now: DateTime<Utc>) -> sqlx::Result<Vec<(Checkin, i64)>> {
    #[derive(sqlx::FromRow)]
    struct OpenCheckin {
        #[sqlx(flatten)]
        checkin: Checkin,
        order_id: i64,
    }
    let open: Vec<OpenCheckin> = sqlx::query_as(
        "SELECT c.session_id, c.code, c.opened_by, c.opened_at, c.expires_at, c.roster_chat, c.roster_message,
                o.id AS order_id
         FROM checkins c JOIN sessions s ON s.id = c.session_id
              JOIN orders o ON o.class_key = s.class_key
         WHERE o.user_id = $1 AND o.status IN ('confirmed', 'attended') AND c.expires_at > $2
           AND s.status = 'scheduled' AND s.ends_at > $2
         ORDER BY c.opened_at",
    )
    .bind(user_id)
    .bind(to_epoch(now))
    .fetch_all(&db.pool)
    .await?;
    Ok(open.into_iter().map(|o| (o.checkin, o.order_id)).collect())
}

/// How a mark was made (stored with it: what a funder may ask to see).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The code read out in the room, typed by the trainee.
    Code,
    /// A location shared by the trainee, this many metres from the venue.
    Location { distance_m: i64 },
    /// By hand, by the trainer (`marked_by`).
    Trainer,
    /// No mark when attendance was made final: absent, or excused on a busy-season day.
    Auto,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Source::Code => "code",
            Source::Location { .. } => "location",
            Source::Trainer => "trainer",
            Source::Auto => "auto",
        }
    }
}

/// Records a mark; a trainer's hand mark replaces an earlier one, a check-in or an automatic absence
/// does not overwrite a mark already made. Returns whether anything changed.
pub async fn mark(
    tx: &mut Tx,
    order_id: i64,
    session_id: i64,
    mark: Mark,
    source: Source,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let sql = if source == Source::Trainer {
        "INSERT INTO attendance (order_id, session_id, mark, source, marked_by, at, distance_m)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (order_id, session_id) DO UPDATE SET mark = excluded.mark, source = excluded.source,
             marked_by = excluded.marked_by, at = excluded.at, distance_m = excluded.distance_m"
    } else {
        "INSERT INTO attendance (order_id, session_id, mark, source, marked_by, at, distance_m)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (order_id, session_id) DO NOTHING"
    };
    let distance = match source {
        Source::Location { distance_m } => Some(distance_m),
        _ => None,
    };
    Ok(sqlx::query(sql)
        .bind(order_id)
        .bind(session_id)
        .bind(mark.as_str())
        .bind(source.as_str())
        .bind(by)
        .bind(to_epoch(now))
        .bind(distance)
        .execute(&mut **tx)
        .await?
        .rows_affected()
        == 1)
}

/// One stored mark with how and by whom it was made.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MarkRecord {
    pub mark: Mark,
    pub source: String,
    pub marked_by: Option<i64>,
    #[sqlx(try_from = "Epoch")]
    pub at: DateTime<Utc>,
    pub distance_m: Option<i64>,
}

pub async fn mark_record(db: &Db, order_id: i64, session_id: i64) -> sqlx::Result<Option<MarkRecord>> {
    sqlx::query_as(
        "SELECT mark, source, marked_by, at, distance_m FROM attendance WHERE order_id = $1 AND session_id = $2",
    )
    .bind(order_id)
    .bind(session_id)
    .fetch_optional(&db.pool)
    .await
}

/// "Can't come" answers to a session's reminders: the orders that sent an absence notice (请假).
pub async fn not_coming(db: &Db, session_id: i64) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar("SELECT order_id FROM session_rsvps WHERE session_id = $1 AND answer = 'not_coming'")
        .bind(session_id)
        .fetch_all(&db.pool)
        .await
}

/// Scheduled sessions starting between two instants of classes where `user_id` holds a confirmed or
/// attended order, as (start, end) in time order.
pub async fn sessions_of_user_between(
    db: &Db,
    user_id: i64,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> sqlx::Result<Vec<(DateTime<Utc>, DateTime<Utc>)>> {
    let spans: Vec<(Epoch, Epoch)> = sqlx::query_as(
        "SELECT s.starts_at, s.ends_at FROM sessions s JOIN orders o ON o.class_key = s.class_key
         WHERE o.user_id = $1 AND o.status IN ('confirmed', 'attended') AND s.status = 'scheduled'
           AND s.starts_at >= $2 AND s.starts_at < $3
         ORDER BY s.starts_at, s.id",
    )
    .bind(user_id)
    .bind(to_epoch(from))
    .bind(to_epoch(until))
    .fetch_all(&db.pool)
    .await?;
    Ok(spans.into_iter().map(|(starts, ends)| (starts.into(), ends.into())).collect())
}

/// Scheduled sessions inside their check-in window now (from `opens_before` ahead of the start to the
/// end) of classes where `user_id` holds a confirmed or attended order, with that order's id.
pub async fn sessions_open_for(
    db: &Db,
    user_id: i64,
    now: DateTime<Utc>,
    opens_before: chrono::Duration,
) -> sqlx::Result<Vec<(i64, i64)>> {
    sqlx::query_as(
        "SELECT s.id AS session_id, o.id AS order_id FROM sessions s JOIN orders o ON o.class_key = s.class_key
         WHERE o.user_id = $1 AND o.status IN ('confirmed', 'attended') AND s.status = 'scheduled'
           AND s.starts_at <= $2 AND s.ends_at > $3
         ORDER BY s.starts_at, s.id",
    )
    .bind(user_id)
    .bind(to_epoch(now + opens_before))
    .bind(to_epoch(now))
    .fetch_all(&db.pool)
    .await
}

/// Marks per order for one session.
pub async fn marks_of_session(db: &Db, session_id: i64) -> sqlx::Result<Vec<(i64, Mark)>> {
    sqlx::query_as("SELECT order_id, mark FROM attendance WHERE session_id = $1")
        .bind(session_id)
        .fetch_all(&db.pool)
        .await
}

/// Marks of one order, per session.
pub async fn marks_of_order(db: &Db, order_id: i64) -> sqlx::Result<Vec<(i64, Mark)>> {
    sqlx::query_as("SELECT session_id, mark FROM attendance WHERE order_id = $1")
        .bind(order_id)
        .fetch_all(&db.pool)
        .await
}

// ---------------------------------------------------------------------------------------------------
// Sessions once they end
// ---------------------------------------------------------------------------------------------------

/// What became of a session once it ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Closing {
    #[sqlx(try_from = "MaybeEpoch")]
    pub asked_at: Option<DateTime<Utc>>,
    #[sqlx(try_from = "MaybeEpoch")]
    pub final_at: Option<DateTime<Utc>>,
}

/// Scheduled sessions that have ended and were not closed yet, oldest first.
pub async fn sessions_to_close(db: &Db, now: DateTime<Utc>) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(
        "SELECT s.id FROM sessions s
         WHERE s.status = 'scheduled' AND s.ends_at <= $1
           AND NOT EXISTS (SELECT 1 FROM session_closings c WHERE c.session_id = s.id)
         ORDER BY s.ends_at, s.id",
    )
    .bind(to_epoch(now))
    .fetch_all(&db.pool)
    .await
}

/// Closes a session once: `asked` when its trainer was asked to mark attendance by hand (then it is
/// not final yet). False when it was closed already (another replica).
pub async fn insert_closing(tx: &mut Tx, session_id: i64, asked: bool, now: DateTime<Utc>) -> sqlx::Result<bool> {
    let at = to_epoch(now);
    Ok(sqlx::query(
        "INSERT INTO session_closings (session_id, ended_at, asked_at, final_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (session_id) DO NOTHING",
    )
    .bind(session_id)
    .bind(at)
    .bind(asked.then_some(at))
    .bind((!asked).then_some(at))
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1)
}

/// Makes an awaited session's attendance final; false when it was final already.
pub async fn finalize_closing(tx: &mut Tx, session_id: i64, now: DateTime<Utc>) -> sqlx::Result<bool> {
    Ok(sqlx::query("UPDATE session_closings SET final_at = $1 WHERE session_id = $2 AND final_at IS NULL")
        .bind(to_epoch(now))
        .bind(session_id)
        .execute(&mut **tx)
        .await?
        .rows_affected()
        == 1)
}

pub async fn closing(db: &Db, session_id: i64) -> sqlx::Result<Option<Closing>> {
    sqlx::query_as("SELECT asked_at, final_at FROM session_closings WHERE session_id = $1")
        .bind(session_id)
        .fetch_optional(&db.pool)
        .await
}

/// Sessions whose trainer was asked to mark attendance by hand and that ended at or before
/// `ended_by` (their marking time is over), still not final.
pub async fn closings_overdue(db: &Db, ended_by: DateTime<Utc>) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(
        "SELECT c.session_id FROM session_closings c JOIN sessions s ON s.id = c.session_id
         WHERE c.final_at IS NULL AND s.ends_at <= $1 ORDER BY s.ends_at, s.id",
    )
    .bind(to_epoch(ended_by))
    .fetch_all(&db.pool)
    .await
}

/// The class's ended sessions whose attendance is final.
pub async fn final_sessions_of_class(db: &Db, class_key: &str) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(
        "SELECT c.session_id FROM session_closings c JOIN sessions s ON s.id = c.session_id
         WHERE s.class_key = $1 AND c.final_at IS NOT NULL",
    )
    .bind(class_key)
    .fetch_all(&db.pool)
    .await
}

/// Orders whose status may have to move now: confirmed orders of classes whose last session has ended
/// and whose ended sessions are all final, and attended orders of classes that ended at or before
/// `grace_from` (the completion grace is over).
pub async fn orders_to_settle(db: &Db, now: DateTime<Utc>, grace_from: DateTime<Utc>) -> sqlx::Result<Vec<i64>> {
    // Classes first (a few thousand sessions), then their confirmed orders through the status index.
    let ended: Vec<i64> = sqlx::query_scalar(
        "SELECT o.id FROM orders o
         WHERE o.status = 'confirmed' AND o.class_key IN (
             SELECT s.class_key FROM sessions s
                 LEFT JOIN session_closings c ON c.session_id = s.id AND c.final_at IS NOT NULL
             WHERE s.status = 'scheduled'
             GROUP BY s.class_key
             HAVING MAX(s.ends_at) <= $1 AND COUNT(c.session_id) = COUNT(*))
         ORDER BY o.id",
    )
    .bind(to_epoch(now))
    .fetch_all(&db.pool)
    .await?;
    let graced: Vec<i64> = sqlx::query_scalar(
        "SELECT o.id FROM orders o
         WHERE o.status = 'attended'
           AND (SELECT MAX(s.ends_at) FROM sessions s WHERE s.class_key = o.class_key AND s.status = 'scheduled') <= $1
         ORDER BY o.id",
    )
    .bind(to_epoch(grace_from))
    .fetch_all(&db.pool)
    .await?;
    Ok(ended.into_iter().chain(graced).collect())
}

/// When the scheduler must next look at sessions and orders: the next end of a session not closed
/// yet, the next end of a hand-marking time (`hand_marks` after an awaited session's end), the next
/// end of a completion grace (`grace` after the class of an attended order ended).
pub async fn next_closing_due(
    db: &Db,
    hand_marks: chrono::Duration,
    grace: chrono::Duration,
) -> sqlx::Result<Option<DateTime<Utc>>> {
    #[derive(sqlx::FromRow)]
    struct Due {
        #[sqlx(try_from = "MaybeEpoch")]
        session_end: Option<DateTime<Utc>>,
        #[sqlx(try_from = "MaybeEpoch")]
        awaited_end: Option<DateTime<Utc>>,
        #[sqlx(try_from = "MaybeEpoch")]
        class_end: Option<DateTime<Utc>>,
    }
    let due: Due = sqlx::query_as(
        "SELECT
            (SELECT MIN(s.ends_at) FROM sessions s WHERE s.status = 'scheduled'
               AND NOT EXISTS (SELECT 1 FROM session_closings c WHERE c.session_id = s.id)) AS session_end,
            (SELECT MIN(s.ends_at) FROM session_closings c JOIN sessions s ON s.id = c.session_id
               WHERE c.final_at IS NULL) AS awaited_end,
            (SELECT MIN(e.last_end) FROM
               (SELECT (SELECT MAX(s.ends_at) FROM sessions s WHERE s.class_key = o.class_key
                        AND s.status = 'scheduled') AS last_end
                FROM orders o WHERE o.status = 'attended') e) AS class_end",
    )
    .fetch_one(&db.pool)
    .await?;
    let due = [due.session_end, due.awaited_end.map(|t| t + hand_marks), due.class_end.map(|t| t + grace)];
    Ok(due.into_iter().flatten().min())
}

// ---------------------------------------------------------------------------------------------------
// Wrong codes
// ---------------------------------------------------------------------------------------------------

/// Wrong codes in a row and the lock they caused, for one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, sqlx::FromRow)]
pub struct Lockout {
    pub wrong_in_row: i64,
    #[sqlx(try_from = "MaybeEpoch")]
    pub locked_until: Option<DateTime<Utc>>,
}

pub async fn lockout(db: &Db, user_id: i64) -> sqlx::Result<Lockout> {
    let lockout: Option<Lockout> =
        sqlx::query_as("SELECT wrong_in_row, locked_until FROM checkin_lockouts WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(&db.pool)
            .await?;
    Ok(lockout.unwrap_or_default())
}

pub async fn set_lockout(tx: &mut Tx, user_id: i64, lockout: Lockout, now: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO checkin_lockouts (user_id, wrong_in_row, locked_until, at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id) DO UPDATE SET wrong_in_row = excluded.wrong_in_row,
             locked_until = excluded.locked_until, at = excluded.at",
    )
    .bind(user_id)
    .bind(lockout.wrong_in_row)
    .bind(lockout.locked_until.map(to_epoch))
    .bind(to_epoch(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A successful check-in ends a run of wrong codes.
pub async fn clear_lockout(tx: &mut Tx, user_id: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM checkin_lockouts WHERE user_id = $1").bind(user_id).execute(&mut **tx).await?;
    Ok(())
}

pub async fn set_practical(tx: &mut Tx, order_id: i64, passed: bool, by: i64, now: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO practical_checks (order_id, passed, marked_by, at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (order_id) DO UPDATE SET passed = excluded.passed, marked_by = excluded.marked_by, at = excluded.at",
    )
    .bind(order_id)
    .bind(i64::from(passed))
    .bind(by)
    .bind(to_epoch(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn practical(db: &Db, order_id: i64) -> sqlx::Result<Option<bool>> {
    let passed: Option<Flag> = sqlx::query_scalar("SELECT passed FROM practical_checks WHERE order_id = $1")
        .bind(order_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(passed.map(bool::from))
}

// ---------------------------------------------------------------------------------------------------
// Quizzes
// ---------------------------------------------------------------------------------------------------

// The counts are stored from `usize` and only ever count up, so they read back as one (a negative
// count is a decode error).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Attempt {
    pub id: i64,
    pub order_id: i64,
    pub user_id: i64,
    #[sqlx(try_from = "Epoch")]
    pub started_at: DateTime<Utc>,
    #[sqlx(try_from = "MaybeEpoch")]
    pub finished_at: Option<DateTime<Utc>>,
    #[sqlx(try_from = "i64")]
    pub position: usize,
    #[sqlx(try_from = "i64")]
    pub correct: usize,
    #[sqlx(try_from = "i64")]
    pub total: usize,
    #[sqlx(try_from = "MaybeFlag")]
    pub passed: Option<bool>,
    #[sqlx(rename = "questions_json", try_from = "Json<Vec<Drawn>>")]
    pub questions: Vec<Drawn>,
}

const ATTEMPT_COLUMNS: &str =
    "id, order_id, user_id, started_at, finished_at, position, correct, total, passed, questions_json";

pub async fn insert_attempt(
    tx: &mut Tx,
    order_id: i64,
    user_id: i64,
    questions: &[Drawn],
    now: DateTime<Utc>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO quiz_attempts (order_id, user_id, started_at, total, questions_json)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(order_id)
    .bind(user_id)
    .bind(to_epoch(now))
    .bind(questions.len() as i64)
    .bind(serde_json::to_string(questions).map_err(json_err)?)
    .fetch_one(&mut **tx)
    .await
}

pub async fn attempt(db: &Db, id: i64) -> sqlx::Result<Option<Attempt>> {
    sqlx::query_as(&format!("SELECT {ATTEMPT_COLUMNS} FROM quiz_attempts WHERE id = $1"))
        .bind(id)
        .fetch_optional(&db.pool)
        .await
}

pub async fn attempts_of_order(db: &Db, order_id: i64) -> sqlx::Result<Vec<Attempt>> {
    sqlx::query_as(&format!("SELECT {ATTEMPT_COLUMNS} FROM quiz_attempts WHERE order_id = $1 ORDER BY id"))
        .bind(order_id)
        .fetch_all(&db.pool)
        .await
}

/// The person's quiz attempt that is still running (the newest, if several).
pub async fn running_attempt_of(db: &Db, user_id: i64) -> sqlx::Result<Option<Attempt>> {
    sqlx::query_as(&format!(
        "SELECT {ATTEMPT_COLUMNS} FROM quiz_attempts WHERE user_id = $1 AND finished_at IS NULL
         ORDER BY started_at DESC, id DESC LIMIT 1"
    ))
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await
}

/// Records the answer to the question at `position` and moves the attempt on, only if that is the
/// question being asked (a compare-and-set: a second tap or an old question changes nothing).
pub async fn answer(
    tx: &mut Tx,
    attempt_id: i64,
    position: usize,
    question_id: i64,
    chosen: usize,
    correct: bool,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let moved = sqlx::query(
        "UPDATE quiz_attempts SET position = position + 1, correct = correct + $1
         WHERE id = $2 AND position = $3 AND finished_at IS NULL",
    )
    .bind(i64::from(correct))
    .bind(attempt_id)
    .bind(position as i64)
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1;
    if moved {
        sqlx::query(
            "INSERT INTO quiz_answers (attempt_id, position, question_id, chosen, correct, at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(attempt_id)
        .bind(position as i64)
        .bind(question_id)
        .bind(chosen as i64)
        .bind(i64::from(correct))
        .bind(to_epoch(now))
        .execute(&mut **tx)
        .await?;
    }
    Ok(moved)
}

pub async fn finish_attempt(tx: &mut Tx, attempt_id: i64, passed: bool, now: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query("UPDATE quiz_attempts SET finished_at = $1, passed = $2 WHERE id = $3 AND finished_at IS NULL")
        .bind(to_epoch(now))
        .bind(i64::from(passed))
        .bind(attempt_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// (question id, chosen stored option, correct) of an attempt, in order.
pub async fn answers_of(db: &Db, attempt_id: i64) -> sqlx::Result<Vec<(i64, usize, bool)>> {
    #[derive(sqlx::FromRow)]
    struct Answer {
        question_id: i64,
        /// Stored from a `usize`.
        #[sqlx(try_from = "i64")]
        chosen: usize,
        #[sqlx(try_from = "Flag")]
        correct: bool,
    }
    let answers: Vec<Answer> =
        sqlx::query_as("SELECT question_id, chosen, correct FROM quiz_answers WHERE attempt_id = $1 ORDER BY position")
            .bind(attempt_id)
            .fetch_all(&db.pool)
            .await?;
    Ok(answers.into_iter().map(|a| (a.question_id, a.chosen, a.correct)).collect())
}

// ---------------------------------------------------------------------------------------------------
// Completions
// ---------------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Completion {
    pub order_id: i64,
    pub user_id: i64,
    pub course_key: String,
    #[sqlx(try_from = "Epoch")]
    pub completed_at: DateTime<Utc>,
    pub code: String,
    pub credits_tenths: i64,
}

const COMPLETION_COLUMNS: &str = "order_id, user_id, course_key, completed_at, code, credits_tenths";

/// Records a completion once; false when the order was completed already.
pub async fn insert_completion(tx: &mut Tx, c: &Completion) -> sqlx::Result<bool> {
    Ok(sqlx::query(
        "INSERT INTO completions (order_id, user_id, course_key, completed_at, code, credits_tenths)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (order_id) DO NOTHING",
    )
    .bind(c.order_id)
    .bind(c.user_id)
    .bind(&c.course_key)
    .bind(to_epoch(c.completed_at))
    .bind(&c.code)
    .bind(c.credits_tenths)
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1)
}

pub async fn completion_of_order(db: &Db, order_id: i64) -> sqlx::Result<Option<Completion>> {
    sqlx::query_as(&format!("SELECT {COMPLETION_COLUMNS} FROM completions WHERE order_id = $1"))
        .bind(order_id)
        .fetch_optional(&db.pool)
        .await
}

pub async fn completion_by_code(db: &Db, code: &str) -> sqlx::Result<Option<Completion>> {
    sqlx::query_as(&format!("SELECT {COMPLETION_COLUMNS} FROM completions WHERE code = $1"))
        .bind(code)
        .fetch_optional(&db.pool)
        .await
}

/// A person's completions between two instants, oldest first.
pub async fn completions_of(
    db: &Db,
    user_id: i64,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> sqlx::Result<Vec<Completion>> {
    sqlx::query_as(&format!(
        "SELECT {COMPLETION_COLUMNS} FROM completions
         WHERE user_id = $1 AND completed_at >= $2 AND completed_at < $3 ORDER BY completed_at"
    ))
    .bind(user_id)
    .bind(to_epoch(from))
    .bind(to_epoch(until))
    .fetch_all(&db.pool)
    .await
}

/// Completions with credits of people living under any of `region_keys` (villages, townships or
/// counties), for the coordinators' export.
pub async fn credit_completions_in(
    db: &Db,
    region_keys: &[String],
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> sqlx::Result<Vec<(Completion, String, Option<String>)>> {
    #[derive(sqlx::FromRow)]
    struct Credited {
        #[sqlx(flatten)]
        completion: Completion,
        name: String,
        village_key: Option<String>,
    }
    let credited: Vec<Credited> = sqlx::query_as(
        "SELECT c.order_id, c.user_id, c.course_key, c.completed_at, c.code, c.credits_tenths, p.name, p.village_key
         FROM completions c JOIN people p ON p.user_id = c.user_id
         WHERE p.audience = 'cadre' AND c.completed_at >= $1 AND c.completed_at < $2
         ORDER BY p.name, c.completed_at",
    )
    .bind(to_epoch(from))
    .bind(to_epoch(until))
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::new();
    for c in credited {
        let within = match &c.village_key {
            Some(v) => {
                let chain = super::regions::ancestry(db, v).await?;
                chain.iter().any(|r| region_keys.contains(&r.key))
            }
            None => false,
        };
        if within {
            out.push((c.completion, c.name, c.village_key));
        }
    }
    Ok(out)
}
