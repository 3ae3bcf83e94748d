//! Check-ins, attendance, practical checks, quiz attempts and answers, completions.

use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Db, Tx, from_epoch, to_epoch};
use crate::domain::learning::{CheckinCode, Drawn, Mark};

fn json_err(e: serde_json::Error) -> sqlx::Error {
    sqlx::Error::Decode(Box::new(e))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkin {
    pub session_id: i64,
    pub code: CheckinCode,
    pub opened_by: i64,
    pub opened_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub roster: Option<(i64, i32)>,
}

// `finalized_at` is no longer written: a session's end is recorded in `session_closings`.
const CHECKIN_COLUMNS: &str = "session_id, code, opened_by, opened_at, expires_at, roster_chat, roster_message";

fn checkin_from_row(row: &AnyRow) -> sqlx::Result<Checkin> {
    let chat: Option<i64> = row.try_get("roster_chat")?;
    let message: Option<i64> = row.try_get("roster_message")?;
    Ok(Checkin {
        session_id: row.try_get("session_id")?,
        code: CheckinCode::from_stored(row.try_get("code")?),
        opened_by: row.try_get("opened_by")?,
        opened_at: from_epoch(row.try_get("opened_at")?),
        expires_at: from_epoch(row.try_get("expires_at")?),
        roster: chat.zip(message.map(|m| m as i32)),
    })
}

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
    sqlx::query(&format!("SELECT {CHECKIN_COLUMNS} FROM checkins WHERE session_id = $1"))
        .bind(session_id)
        .fetch_optional(&db.pool)
        .await?
        .as_ref()
        .map(checkin_from_row)
        .transpose()
}

/// Check-ins open now for sessions of classes where `user_id` holds a confirmed or attended order,
/// with that order's id.
pub async fn open_checkins_for(db: &Db, user_id: i64, now: DateTime<Utc>) -> sqlx::Result<Vec<(Checkin, i64)>> {
    let rows = sqlx::query(
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
    rows.iter().map(|r| Ok((checkin_from_row(r)?, r.try_get("order_id")?))).collect()
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkRecord {
    pub mark: Mark,
    pub source: String,
    pub marked_by: Option<i64>,
    pub at: DateTime<Utc>,
    pub distance_m: Option<i64>,
}

pub async fn mark_record(db: &Db, order_id: i64, session_id: i64) -> sqlx::Result<Option<MarkRecord>> {
    let row = sqlx::query(
        "SELECT mark, source, marked_by, at, distance_m FROM attendance WHERE order_id = $1 AND session_id = $2",
    )
    .bind(order_id)
    .bind(session_id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| {
        let m: String = r.try_get("mark")?;
        Ok(MarkRecord {
            mark: Mark::parse(&m).unwrap_or(Mark::Absent),
            source: r.try_get("source")?,
            marked_by: r.try_get("marked_by")?,
            at: from_epoch(r.try_get("at")?),
            distance_m: r.try_get("distance_m")?,
        })
    })
    .transpose()
}

/// "Can't come" answers to a session's reminders: the orders that sent an absence notice (请假).
pub async fn not_coming(db: &Db, session_id: i64) -> sqlx::Result<Vec<i64>> {
    let rows = sqlx::query("SELECT order_id FROM session_rsvps WHERE session_id = $1 AND answer = 'not_coming'")
        .bind(session_id)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(|r| r.try_get("order_id")).collect()
}

/// Scheduled sessions starting between two instants of classes where `user_id` holds a confirmed or
/// attended order, as (start, end) in time order.
pub async fn sessions_of_user_between(
    db: &Db,
    user_id: i64,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> sqlx::Result<Vec<(DateTime<Utc>, DateTime<Utc>)>> {
    let rows = sqlx::query(
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
    rows.iter().map(|r| Ok((from_epoch(r.try_get("starts_at")?), from_epoch(r.try_get("ends_at")?)))).collect()
}

/// Scheduled sessions inside their check-in window now (from `opens_before` ahead of the start to the
/// end) of classes where `user_id` holds a confirmed or attended order, with that order's id.
pub async fn sessions_open_for(
    db: &Db,
    user_id: i64,
    now: DateTime<Utc>,
    opens_before: chrono::Duration,
) -> sqlx::Result<Vec<(i64, i64)>> {
    let rows = sqlx::query(
        "SELECT s.id AS session_id, o.id AS order_id FROM sessions s JOIN orders o ON o.class_key = s.class_key
         WHERE o.user_id = $1 AND o.status IN ('confirmed', 'attended') AND s.status = 'scheduled'
           AND s.starts_at <= $2 AND s.ends_at > $3
         ORDER BY s.starts_at, s.id",
    )
    .bind(user_id)
    .bind(to_epoch(now + opens_before))
    .bind(to_epoch(now))
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(|r| Ok((r.try_get("session_id")?, r.try_get("order_id")?))).collect()
}

/// Marks per order for one session.
pub async fn marks_of_session(db: &Db, session_id: i64) -> sqlx::Result<Vec<(i64, Mark)>> {
    let rows = sqlx::query("SELECT order_id, mark FROM attendance WHERE session_id = $1")
        .bind(session_id)
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|r| {
            let m: String = r.try_get("mark")?;
            Ok((r.try_get("order_id")?, Mark::parse(&m).unwrap_or(Mark::Absent)))
        })
        .collect()
}

/// Marks of one order, per session.
pub async fn marks_of_order(db: &Db, order_id: i64) -> sqlx::Result<Vec<(i64, Mark)>> {
    let rows = sqlx::query("SELECT session_id, mark FROM attendance WHERE order_id = $1")
        .bind(order_id)
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|r| {
            let m: String = r.try_get("mark")?;
            Ok((r.try_get("session_id")?, Mark::parse(&m).unwrap_or(Mark::Absent)))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------------
// Sessions once they end
// ---------------------------------------------------------------------------------------------------

/// What became of a session once it ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closing {
    pub asked_at: Option<DateTime<Utc>>,
    pub final_at: Option<DateTime<Utc>>,
}

/// Scheduled sessions that have ended and were not closed yet, oldest first.
pub async fn sessions_to_close(db: &Db, now: DateTime<Utc>) -> sqlx::Result<Vec<i64>> {
    let rows = sqlx::query(
        "SELECT s.id FROM sessions s
         WHERE s.status = 'scheduled' AND s.ends_at <= $1
           AND NOT EXISTS (SELECT 1 FROM session_closings c WHERE c.session_id = s.id)
         ORDER BY s.ends_at, s.id",
    )
    .bind(to_epoch(now))
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(|r| r.try_get("id")).collect()
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
    let row = sqlx::query("SELECT asked_at, final_at FROM session_closings WHERE session_id = $1")
        .bind(session_id)
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| {
        Ok(Closing {
            asked_at: r.try_get::<Option<i64>, _>("asked_at")?.map(from_epoch),
            final_at: r.try_get::<Option<i64>, _>("final_at")?.map(from_epoch),
        })
    })
    .transpose()
}

/// Sessions whose trainer was asked to mark attendance by hand and that ended at or before
/// `ended_by` (their marking time is over), still not final.
pub async fn closings_overdue(db: &Db, ended_by: DateTime<Utc>) -> sqlx::Result<Vec<i64>> {
    let rows = sqlx::query(
        "SELECT c.session_id FROM session_closings c JOIN sessions s ON s.id = c.session_id
         WHERE c.final_at IS NULL AND s.ends_at <= $1 ORDER BY s.ends_at, s.id",
    )
    .bind(to_epoch(ended_by))
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(|r| r.try_get("session_id")).collect()
}

/// The class's ended sessions whose attendance is final.
pub async fn final_sessions_of_class(db: &Db, class_key: &str) -> sqlx::Result<Vec<i64>> {
    let rows = sqlx::query(
        "SELECT c.session_id FROM session_closings c JOIN sessions s ON s.id = c.session_id
         WHERE s.class_key = $1 AND c.final_at IS NOT NULL",
    )
    .bind(class_key)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(|r| r.try_get("session_id")).collect()
}

/// Orders whose status may have to move now: confirmed orders of classes whose last session has ended
/// and whose ended sessions are all final, and attended orders of classes that ended at or before
/// `grace_from` (the completion grace is over).
pub async fn orders_to_settle(db: &Db, now: DateTime<Utc>, grace_from: DateTime<Utc>) -> sqlx::Result<Vec<i64>> {
    // Classes first (a few thousand sessions), then their confirmed orders through the status index.
    let ended = sqlx::query(
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
    let graced = sqlx::query(
        "SELECT o.id FROM orders o
         WHERE o.status = 'attended'
           AND (SELECT MAX(s.ends_at) FROM sessions s WHERE s.class_key = o.class_key AND s.status = 'scheduled') <= $1
         ORDER BY o.id",
    )
    .bind(to_epoch(grace_from))
    .fetch_all(&db.pool)
    .await?;
    ended.iter().chain(&graced).map(|r| r.try_get("id")).collect()
}

/// When the scheduler must next look at sessions and orders: the next end of a session not closed
/// yet, the next end of a hand-marking time (`hand_marks` after an awaited session's end), the next
/// end of a completion grace (`grace` after the class of an attended order ended).
pub async fn next_closing_due(
    db: &Db,
    hand_marks: chrono::Duration,
    grace: chrono::Duration,
) -> sqlx::Result<Option<DateTime<Utc>>> {
    let row = sqlx::query(
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
    let at = |column: &str| -> sqlx::Result<Option<i64>> { row.try_get::<Option<i64>, _>(column) };
    let due = [
        at("session_end")?.map(from_epoch),
        at("awaited_end")?.map(|t| from_epoch(t) + hand_marks),
        at("class_end")?.map(|t| from_epoch(t) + grace),
    ];
    Ok(due.into_iter().flatten().min())
}

// ---------------------------------------------------------------------------------------------------
// Wrong codes
// ---------------------------------------------------------------------------------------------------

/// Wrong codes in a row and the lock they caused, for one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Lockout {
    pub wrong_in_row: i64,
    pub locked_until: Option<DateTime<Utc>>,
}

pub async fn lockout(db: &Db, user_id: i64) -> sqlx::Result<Lockout> {
    let row = sqlx::query("SELECT wrong_in_row, locked_until FROM checkin_lockouts WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(match row {
        Some(r) => Lockout {
            wrong_in_row: r.try_get("wrong_in_row")?,
            locked_until: r.try_get::<Option<i64>, _>("locked_until")?.map(from_epoch),
        },
        None => Lockout::default(),
    })
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
    let row = sqlx::query("SELECT passed FROM practical_checks WHERE order_id = $1")
        .bind(order_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(match row {
        Some(r) => Some(r.try_get::<i64, _>("passed")? != 0),
        None => None,
    })
}

// ---------------------------------------------------------------------------------------------------
// Quizzes
// ---------------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub id: i64,
    pub order_id: i64,
    pub user_id: i64,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub position: usize,
    pub correct: usize,
    pub total: usize,
    pub passed: Option<bool>,
    pub questions: Vec<Drawn>,
}

const ATTEMPT_COLUMNS: &str =
    "id, order_id, user_id, started_at, finished_at, position, correct, total, passed, questions_json";

fn attempt_from_row(row: &AnyRow) -> sqlx::Result<Attempt> {
    let questions: String = row.try_get("questions_json")?;
    Ok(Attempt {
        id: row.try_get("id")?,
        order_id: row.try_get("order_id")?,
        user_id: row.try_get("user_id")?,
        started_at: from_epoch(row.try_get("started_at")?),
        finished_at: row.try_get::<Option<i64>, _>("finished_at")?.map(from_epoch),
        position: row.try_get::<i64, _>("position")?.max(0) as usize,
        correct: row.try_get::<i64, _>("correct")?.max(0) as usize,
        total: row.try_get::<i64, _>("total")?.max(0) as usize,
        passed: row.try_get::<Option<i64>, _>("passed")?.map(|p| p != 0),
        questions: serde_json::from_str(&questions).map_err(json_err)?,
    })
}

pub async fn insert_attempt(
    tx: &mut Tx,
    order_id: i64,
    user_id: i64,
    questions: &[Drawn],
    now: DateTime<Utc>,
) -> sqlx::Result<i64> {
    sqlx::query(
        "INSERT INTO quiz_attempts (order_id, user_id, started_at, total, questions_json)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(order_id)
    .bind(user_id)
    .bind(to_epoch(now))
    .bind(questions.len() as i64)
    .bind(serde_json::to_string(questions).map_err(json_err)?)
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")
}

pub async fn attempt(db: &Db, id: i64) -> sqlx::Result<Option<Attempt>> {
    sqlx::query(&format!("SELECT {ATTEMPT_COLUMNS} FROM quiz_attempts WHERE id = $1"))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .as_ref()
        .map(attempt_from_row)
        .transpose()
}

pub async fn attempts_of_order(db: &Db, order_id: i64) -> sqlx::Result<Vec<Attempt>> {
    let rows = sqlx::query(&format!("SELECT {ATTEMPT_COLUMNS} FROM quiz_attempts WHERE order_id = $1 ORDER BY id"))
        .bind(order_id)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(attempt_from_row).collect()
}

/// The person's quiz attempt that is still running (the newest, if several).
pub async fn running_attempt_of(db: &Db, user_id: i64) -> sqlx::Result<Option<Attempt>> {
    sqlx::query(&format!(
        "SELECT {ATTEMPT_COLUMNS} FROM quiz_attempts WHERE user_id = $1 AND finished_at IS NULL
         ORDER BY started_at DESC, id DESC LIMIT 1"
    ))
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?
    .as_ref()
    .map(attempt_from_row)
    .transpose()
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
    let rows =
        sqlx::query("SELECT question_id, chosen, correct FROM quiz_answers WHERE attempt_id = $1 ORDER BY position")
            .bind(attempt_id)
            .fetch_all(&db.pool)
            .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("question_id")?,
                r.try_get::<i64, _>("chosen")?.max(0) as usize,
                r.try_get::<i64, _>("correct")? != 0,
            ))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------------
// Completions
// ---------------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub order_id: i64,
    pub user_id: i64,
    pub course_key: String,
    pub completed_at: DateTime<Utc>,
    pub code: String,
    pub credits_tenths: i64,
}

fn completion_from_row(r: &AnyRow) -> sqlx::Result<Completion> {
    Ok(Completion {
        order_id: r.try_get("order_id")?,
        user_id: r.try_get("user_id")?,
        course_key: r.try_get("course_key")?,
        completed_at: from_epoch(r.try_get("completed_at")?),
        code: r.try_get("code")?,
        credits_tenths: r.try_get("credits_tenths")?,
    })
}

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
    sqlx::query(
        "SELECT order_id, user_id, course_key, completed_at, code, credits_tenths FROM completions WHERE order_id = $1",
    )
    .bind(order_id)
    .fetch_optional(&db.pool)
    .await?
    .as_ref()
    .map(completion_from_row)
    .transpose()
}

pub async fn completion_by_code(db: &Db, code: &str) -> sqlx::Result<Option<Completion>> {
    sqlx::query(
        "SELECT order_id, user_id, course_key, completed_at, code, credits_tenths FROM completions WHERE code = $1",
    )
    .bind(code)
    .fetch_optional(&db.pool)
    .await?
    .as_ref()
    .map(completion_from_row)
    .transpose()
}

/// A person's completions between two instants, oldest first.
pub async fn completions_of(
    db: &Db,
    user_id: i64,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> sqlx::Result<Vec<Completion>> {
    let rows = sqlx::query(
        "SELECT order_id, user_id, course_key, completed_at, code, credits_tenths FROM completions
         WHERE user_id = $1 AND completed_at >= $2 AND completed_at < $3 ORDER BY completed_at",
    )
    .bind(user_id)
    .bind(to_epoch(from))
    .bind(to_epoch(until))
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(completion_from_row).collect()
}

/// Completions with credits of people living under any of `region_keys` (villages, townships or
/// counties), for the coordinators' export.
pub async fn credit_completions_in(
    db: &Db,
    region_keys: &[String],
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> sqlx::Result<Vec<(Completion, String, Option<String>)>> {
    let rows = sqlx::query(
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
    for r in &rows {
        let village: Option<String> = r.try_get("village_key")?;
        let within = match &village {
            Some(v) => {
                let chain = super::regions::ancestry(db, v).await?;
                chain.iter().any(|r| region_keys.contains(&r.key))
            }
            None => false,
        };
        if within {
            out.push((completion_from_row(r)?, r.try_get("name")?, village));
        }
    }
    Ok(out)
}
