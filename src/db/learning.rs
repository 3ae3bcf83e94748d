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
    pub finalized: bool,
}

const CHECKIN_COLUMNS: &str =
    "session_id, code, opened_by, opened_at, expires_at, roster_chat, roster_message, finalized_at";

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
        finalized: row.try_get::<Option<i64>, _>("finalized_at")?.is_some(),
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
                c.finalized_at, o.id AS order_id
         FROM checkins c JOIN sessions s ON s.id = c.session_id
              JOIN orders o ON o.class_key = s.class_key
         WHERE o.user_id = $1 AND o.status IN ('confirmed', 'attended') AND c.expires_at > $2
         ORDER BY c.opened_at",
    )
    .bind(user_id)
    .bind(to_epoch(now))
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(|r| Ok((checkin_from_row(r)?, r.try_get("order_id")?))).collect()
}

/// Records a mark; a trainer's hand mark replaces an earlier one, a code or button check-in does
/// not overwrite a mark already made. Returns whether anything changed.
pub async fn mark(
    tx: &mut Tx,
    order_id: i64,
    session_id: i64,
    mark: Mark,
    source: &str,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let sql = if source == "trainer" {
        "INSERT INTO attendance (order_id, session_id, mark, source, marked_by, at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (order_id, session_id) DO UPDATE SET mark = excluded.mark, source = excluded.source,
             marked_by = excluded.marked_by, at = excluded.at"
    } else {
        "INSERT INTO attendance (order_id, session_id, mark, source, marked_by, at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (order_id, session_id) DO NOTHING"
    };
    Ok(sqlx::query(sql)
        .bind(order_id)
        .bind(session_id)
        .bind(mark.as_str())
        .bind(source)
        .bind(by)
        .bind(to_epoch(now))
        .execute(&mut **tx)
        .await?
        .rows_affected()
        == 1)
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

/// Check-ins whose session has ended and that are not finalized yet.
pub async fn checkins_to_finalize(db: &Db, now: DateTime<Utc>) -> sqlx::Result<Vec<Checkin>> {
    let rows = sqlx::query(&format!(
        "SELECT {} FROM checkins c JOIN sessions s ON s.id = c.session_id
         WHERE c.finalized_at IS NULL AND s.ends_at <= $1 ORDER BY s.ends_at",
        CHECKIN_COLUMNS.split(", ").map(|c| format!("c.{c}")).collect::<Vec<_>>().join(", ")
    ))
    .bind(to_epoch(now))
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(checkin_from_row).collect()
}

/// When the next session with a check-in ends (for the scheduler's timer).
pub async fn next_finalize_at(db: &Db) -> sqlx::Result<Option<DateTime<Utc>>> {
    let row = sqlx::query(
        "SELECT MIN(s.ends_at) AS t FROM checkins c JOIN sessions s ON s.id = c.session_id WHERE c.finalized_at IS NULL",
    )
    .fetch_one(&db.pool)
    .await?;
    Ok(row.try_get::<Option<i64>, _>("t")?.map(from_epoch))
}

pub async fn mark_finalized(tx: &mut Tx, session_id: i64, now: DateTime<Utc>) -> sqlx::Result<bool> {
    Ok(sqlx::query("UPDATE checkins SET finalized_at = $1 WHERE session_id = $2 AND finalized_at IS NULL")
        .bind(to_epoch(now))
        .bind(session_id)
        .execute(&mut **tx)
        .await?
        .rows_affected()
        == 1)
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
