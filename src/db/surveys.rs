//! Surveys and their answers (跟踪问效), the "stop surveys" switch, pseudonyms for anonymised exports,
//! and what an outcome report reads.

use chrono::{DateTime, Utc};

use super::row::{Epoch, Flag, MaybeEpoch};
use super::sql::Sql;
use super::{Db, Tx, to_epoch};
use crate::domain::order::OrderStatus;
use crate::domain::survey::{Cohort, Question, Reply, Value, Wave};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SurveyRow {
    pub id: i64,
    pub user_id: i64,
    pub wave: Wave,
    pub order_id: Option<i64>,
    #[sqlx(try_from = "Epoch")]
    pub opens_at: DateTime<Utc>,
    #[sqlx(try_from = "MaybeEpoch")]
    pub closes_at: Option<DateTime<Utc>>,
    #[sqlx(try_from = "MaybeEpoch")]
    pub completed_at: Option<DateTime<Utc>>,
    #[sqlx(try_from = "MaybeEpoch")]
    pub stopped_at: Option<DateTime<Utc>>,
    /// A follow-up of an order the person never came to (no-show, cancelled) is the comparison
    /// group's; read from the order's status, so a corrected attendance corrects the questionnaire.
    #[sqlx(try_from = "Flag")]
    pub never_came: bool,
}

impl SurveyRow {
    pub fn cohort(&self) -> Cohort {
        if self.never_came { Cohort::Comparison } else { Cohort::Attendee }
    }

    /// Answers are taken from its opening until it closes, is completed or is stopped.
    pub fn is_open(&self, now: DateTime<Utc>) -> bool {
        self.completed_at.is_none()
            && self.stopped_at.is_none()
            && self.opens_at <= now
            && self.closes_at.is_none_or(|c| now < c)
    }
}

/// The order statuses of someone who ordered and never came (`Attendance::did_not_attend`).
macro_rules! never_came_statuses {
    () => {
        "('no_show', 'cancelled')"
    };
}

const SURVEY_COLUMNS: &str = concat!(
    "id, user_id, wave, order_id, opens_at, closes_at, completed_at, stopped_at,
     CASE WHEN EXISTS (SELECT 1 FROM orders o WHERE o.id = surveys.order_id AND o.status IN ",
    never_came_statuses!(),
    ") THEN 1 ELSE 0 END AS never_came"
);

/// A survey to create; `key` makes planning idempotent.
pub struct NewSurvey<'a> {
    pub key: &'a str,
    pub user_id: i64,
    pub wave: Wave,
    pub order_id: Option<i64>,
    pub opens_at: DateTime<Utc>,
    pub closes_at: Option<DateTime<Utc>>,
}

/// Creates the survey unless its key exists; returns the new id, `None` when it existed.
pub async fn create(tx: &mut Tx, s: &NewSurvey<'_>, now: DateTime<Utc>) -> sqlx::Result<Option<i64>> {
    insert(
        tx,
        "INSERT INTO surveys (survey_key, user_id, wave, order_id, opens_at, closes_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (survey_key) DO NOTHING RETURNING id",
        s,
        now,
    )
    .await
}

/// Creates the survey unless the person stopped surveys (or has none: a person must exist), in one
/// statement. Returns its id when created; `None` when stopped or when it exists already.
pub async fn create_unless_stopped(
    conn: &mut sqlx::AnyConnection,
    s: &NewSurvey<'_>,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<i64>> {
    insert(
        conn,
        "INSERT INTO surveys (survey_key, user_id, wave, order_id, opens_at, closes_at, created_at)
         SELECT $1, p.user_id, $3, $4, $5, $6, $7 FROM people p WHERE p.user_id = $2 AND p.surveys_stopped = 0
         ON CONFLICT (survey_key) DO NOTHING RETURNING id",
        s,
        now,
    )
    .await
}

/// Runs one of the two inserts above: the same seven values, `$1`…`$7`.
async fn insert(
    conn: &mut sqlx::AnyConnection,
    sql: &str,
    s: &NewSurvey<'_>,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(sql)
        .bind(s.key)
        .bind(s.user_id)
        .bind(s.wave.as_str())
        .bind(s.order_id)
        .bind(to_epoch(s.opens_at))
        .bind(s.closes_at.map(to_epoch))
        .bind(to_epoch(now))
        .fetch_optional(conn)
        .await
}

pub async fn get(db: &Db, id: i64) -> sqlx::Result<Option<SurveyRow>> {
    let sql = format!("SELECT {SURVEY_COLUMNS} FROM surveys WHERE id = $1");
    sqlx::query_as(&sql).bind(id).fetch_optional(&db.pool).await
}

pub async fn by_key(db: &Db, key: &str) -> sqlx::Result<Option<SurveyRow>> {
    let sql = format!("SELECT {SURVEY_COLUMNS} FROM surveys WHERE survey_key = $1");
    sqlx::query_as(&sql).bind(key).fetch_optional(&db.pool).await
}

/// The surveys of one person, oldest first.
pub async fn of_user(db: &Db, user_id: i64) -> sqlx::Result<Vec<SurveyRow>> {
    let sql = format!("SELECT {SURVEY_COLUMNS} FROM surveys WHERE user_id = $1 ORDER BY opens_at, id");
    sqlx::query_as(&sql).bind(user_id).fetch_all(&db.pool).await
}

/// An answer as stored: one of number, choice or text, or declined.
#[derive(sqlx::FromRow)]
struct AnswerRow {
    question: String,
    number: Option<i64>,
    choice: Option<String>,
    text: Option<String>,
    #[sqlx(try_from = "Flag")]
    declined: bool,
}

impl AnswerRow {
    /// The answer, or `None` for a question this version does not ask any more (or an empty row).
    fn reply(self) -> Option<(Question, Reply<Value>)> {
        let question = Question::parse(&self.question)?;
        if self.declined {
            return Some((question, Reply::Declined));
        }
        let value = match (self.number, self.choice, self.text) {
            (Some(n), _, _) => Value::Number(n),
            (None, Some(c), _) => Value::Choice(c),
            (None, None, Some(t)) => Value::Text(t),
            _ => return None,
        };
        Some((question, Reply::Given(value)))
    }
}

pub async fn answers(db: &Db, survey_id: i64) -> sqlx::Result<Vec<(Question, Reply<Value>)>> {
    let rows: Vec<AnswerRow> =
        sqlx::query_as("SELECT question, number, choice, text, declined FROM survey_answers WHERE survey_id = $1")
            .bind(survey_id)
            .fetch_all(&db.pool)
            .await?;
    Ok(rows.into_iter().filter_map(AnswerRow::reply).collect())
}

/// Locks the survey row for the answer about to be written (PostgreSQL; SQLite's write
/// transaction holds the whole database) and reads it.
pub async fn lock(tx: &mut Tx, backend: super::Backend, id: i64) -> sqlx::Result<Option<SurveyRow>> {
    let lock = backend.lock_rows();
    let sql = format!("SELECT {SURVEY_COLUMNS} FROM surveys WHERE id = $1{lock}");
    sqlx::query_as(&sql).bind(id).fetch_optional(&mut **tx).await
}

/// Stores one answer; `false` when that question was answered already (the first answer stands).
pub async fn save_answer(
    tx: &mut Tx,
    survey_id: i64,
    question: Question,
    reply: &Reply<Value>,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let (number, choice, text, declined) = match reply {
        Reply::Declined => (None, None, None, 1_i64),
        Reply::Given(Value::Number(n)) => (Some(*n), None, None, 0),
        Reply::Given(Value::Choice(c)) => (None, Some(c.clone()), None, 0),
        Reply::Given(Value::Text(t)) => (None, None, Some(t.clone()), 0),
    };
    let done = sqlx::query(
        "INSERT INTO survey_answers (survey_id, question, number, choice, text, declined, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (survey_id, question) DO NOTHING",
    )
    .bind(survey_id)
    .bind(question.as_str())
    .bind(number)
    .bind(choice)
    .bind(text)
    .bind(declined)
    .bind(to_epoch(now))
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn answered_questions(tx: &mut Tx, survey_id: i64) -> sqlx::Result<Vec<Question>> {
    let rows: Vec<String> = sqlx::query_scalar("SELECT question FROM survey_answers WHERE survey_id = $1")
        .bind(survey_id)
        .fetch_all(&mut **tx)
        .await?;
    Ok(rows.iter().filter_map(|q| Question::parse(q)).collect())
}

pub async fn mark_completed(tx: &mut Tx, survey_id: i64, now: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query("UPDATE surveys SET completed_at = $2 WHERE id = $1 AND completed_at IS NULL")
        .bind(survey_id)
        .bind(to_epoch(now))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The person stops (or resumes) surveys. Stopping withdraws every survey of theirs not yet answered.
pub async fn set_stopped(tx: &mut Tx, user_id: i64, stopped: bool, now: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query("UPDATE people SET surveys_stopped = $2 WHERE user_id = $1")
        .bind(user_id)
        .bind(i64::from(stopped))
        .execute(&mut **tx)
        .await?;
    if stopped {
        sqlx::query(
            "UPDATE surveys SET stopped_at = $2 WHERE user_id = $1 AND completed_at IS NULL AND stopped_at IS NULL",
        )
        .bind(user_id)
        .bind(to_epoch(now))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Withdraws the person's unanswered follow-ups of orders they never came to; returns their ids.
pub async fn withdraw_never_came(tx: &mut Tx, user_id: i64, now: DateTime<Utc>) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(concat!(
        "UPDATE surveys SET stopped_at = $2
         WHERE user_id = $1 AND completed_at IS NULL AND stopped_at IS NULL AND order_id IN
               (SELECT o.id FROM orders o WHERE o.user_id = $1 AND o.status IN ",
        never_came_statuses!(),
        ") RETURNING id"
    ))
    .bind(user_id)
    .bind(to_epoch(now))
    .fetch_all(&mut **tx)
    .await
}

pub async fn stopped(conn: &mut sqlx::AnyConnection, user_id: i64) -> sqlx::Result<bool> {
    let stopped: Option<Flag> = sqlx::query_scalar("SELECT surveys_stopped FROM people WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(conn)
        .await?;
    Ok(stopped.is_some_and(bool::from))
}

/// The person answered their baseline in full.
pub async fn baseline_answered(conn: &mut sqlx::AnyConnection, user_id: i64) -> sqlx::Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM surveys WHERE user_id = $1 AND wave = 'baseline' AND completed_at IS NOT NULL",
    )
    .bind(user_id)
    .fetch_one(conn)
    .await?;
    Ok(n > 0)
}

/// The person's baseline household size and income, where given.
pub async fn baseline_figures(db: &Db, user_id: i64) -> sqlx::Result<(Option<i64>, Option<i64>)> {
    let Some(s) = by_key(db, &format!("baseline:{user_id}")).await? else { return Ok((None, None)) };
    let answers = answers(db, s.id).await?;
    let number = |q: Question| {
        answers.iter().find(|(k, _)| *k == q).and_then(|(_, r)| match r {
            Reply::Given(Value::Number(n)) => Some(*n),
            _ => None,
        })
    };
    Ok((number(Question::HouseholdSize), number(Question::Income)))
}

// ---------------------------------------------------------------------------------------------------
// What an outcome report reads
// ---------------------------------------------------------------------------------------------------

/// An order in scope that took a seat (confirmed, attended, completed or no-show).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Enrolment {
    #[sqlx(rename = "id")]
    pub order_id: i64,
    pub number: String,
    pub user_id: i64,
    pub name: String,
    pub phone: Option<String>,
    pub pseudonym: Option<String>,
    pub village_key: Option<String>,
    pub course_key: String,
    pub trainer_key: String,
    #[sqlx(try_from = "Flag")]
    pub completed: bool,
    pub status: OrderStatus,
}

/// Everything an outcome report of a scope is made of, read in one transaction.
#[derive(Debug, Clone, Default)]
pub struct OutcomeData {
    pub enrolments: Vec<Enrolment>,
    pub surveys: Vec<SurveyRow>,
    pub answers: Vec<StoredAnswer>,
}

/// One stored answer: survey id, question, answer, when.
pub type StoredAnswer = (i64, Question, Reply<Value>, DateTime<Utc>);

const ENROLLED: &str = "('confirmed', 'attended', 'completed', 'not_completed', 'no_show')";

/// Cancelled orders count where they were followed up (the comparison group); otherwise they were never
/// enrolments.
const FOLLOWED_UP_CANCELLED: &str =
    "(o.status = 'cancelled' AND EXISTS (SELECT 1 FROM surveys f WHERE f.order_id = o.id))";

/// Orders, surveys and answers of the classes in `region_keys`, optionally of one course or of one
/// trainer's courses.
pub async fn outcome_data(
    db: &Db,
    region_keys: &[String],
    course_key: Option<&str>,
    trainer_key: Option<&str>,
) -> sqlx::Result<OutcomeData> {
    if region_keys.is_empty() {
        return Ok(OutcomeData::default());
    }
    let mut tx = db.begin_read_snapshot().await?;
    // The three statements name the same orders: each binds the scope's values afresh.
    let scope = |sql: &mut Sql<'_>| -> String {
        let regions = region_keys.iter().map(|k| sql.bind(k.clone())).collect::<Vec<_>>().join(", ");
        let mut filter = format!("c.region_key IN ({regions}) AND (o.status IN {ENROLLED} OR {FOLLOWED_UP_CANCELLED})");
        if let Some(course) = course_key {
            filter.push_str(&format!(" AND c.course_key = {}", sql.bind(course.to_owned())));
        }
        if let Some(trainer) = trainer_key {
            filter.push_str(&format!(" AND co.trainer_key = {}", sql.bind(trainer.to_owned())));
        }
        filter
    };
    // Surveys of the orders in scope, and the baselines of their people.
    let surveys_in_scope = |sql: &mut Sql<'_>| -> String {
        let filter = scope(sql);
        format!(
            "SELECT s.id FROM surveys s
             WHERE s.order_id IN (SELECT o.id FROM orders o JOIN classes c ON c.key = o.class_key
                                  JOIN courses co ON co.key = c.course_key WHERE {filter})
                OR (s.wave = 'baseline' AND s.user_id IN (SELECT o.user_id FROM orders o JOIN classes c ON c.key = o.class_key
                                  JOIN courses co ON co.key = c.course_key WHERE {filter}))"
        )
    };

    let mut sql = Sql::new("");
    let filter = scope(&mut sql);
    sql.push(&format!(
        "SELECT o.id, o.number, o.user_id, o.status, p.name, p.phone, p.pseudonym, p.village_key, c.course_key, co.trainer_key,
           CASE WHEN EXISTS (SELECT 1 FROM completions k WHERE k.order_id = o.id) THEN 1 ELSE 0 END AS completed
         FROM orders o JOIN classes c ON c.key = o.class_key JOIN courses co ON co.key = c.course_key
         JOIN people p ON p.user_id = o.user_id
         WHERE {filter}
         ORDER BY co.sort_order, c.course_key, o.id"
    ));
    let enrolments: Vec<Enrolment> = sql.build_query_as()?.fetch_all(&mut *tx).await?;

    let mut sql = Sql::new("");
    let surveys = surveys_in_scope(&mut sql);
    sql.push(&format!("SELECT {SURVEY_COLUMNS} FROM surveys WHERE id IN ({surveys}) ORDER BY id"));
    let surveys: Vec<SurveyRow> = sql.build_query_as()?.fetch_all(&mut *tx).await?;

    #[derive(sqlx::FromRow)]
    struct AnswerOfSurvey {
        survey_id: i64,
        #[sqlx(flatten)]
        answer: AnswerRow,
        #[sqlx(try_from = "Epoch")]
        at: DateTime<Utc>,
    }
    let mut sql = Sql::new("");
    let surveys_of_answers = surveys_in_scope(&mut sql);
    sql.push(&format!(
        "SELECT survey_id, question, number, choice, text, declined, at FROM survey_answers
         WHERE survey_id IN ({surveys_of_answers}) ORDER BY survey_id, question"
    ));
    let rows: Vec<AnswerOfSurvey> = sql.build_query_as()?.fetch_all(&mut *tx).await?;
    let answers = rows
        .into_iter()
        .filter_map(|r| r.answer.reply().map(|(question, reply)| (r.survey_id, question, reply, r.at)))
        .collect();
    tx.commit().await?;
    Ok(OutcomeData { enrolments, surveys, answers })
}

/// Gives every listed person without one a stable pseudonym (`P-` and six characters), made once and
/// kept, so anonymised exports of different days can be joined. Returns the listed people's pseudonyms.
pub async fn ensure_pseudonyms(db: &Db, user_ids: &[i64]) -> sqlx::Result<std::collections::HashMap<i64, String>> {
    use rand::Rng;
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let mut made = std::collections::HashMap::new();
    for &user_id in user_ids {
        for _attempt in 0..5 {
            let code: String = {
                let mut rng = rand::thread_rng();
                (0..6).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect()
            };
            let result = sqlx::query("UPDATE people SET pseudonym = $1 WHERE user_id = $2 AND pseudonym IS NULL")
                .bind(format!("P-{code}"))
                .bind(user_id)
                .execute(&db.pool)
                .await;
            match result {
                Ok(_) => break,
                // A clash with someone else's pseudonym (1 in a billion): draw again.
                Err(sqlx::Error::Database(e)) if e.is_unique_violation() => continue,
                Err(e) => return Err(e),
            }
        }
        // Read back rather than trust our draw: another export may have given one first.
        let pseudonym: Option<Option<String>> = sqlx::query_scalar("SELECT pseudonym FROM people WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(&db.pool)
            .await?;
        if let Some(p) = pseudonym.flatten() {
            made.insert(user_id, p);
        }
    }
    Ok(made)
}
