//! Surveys and their answers (跟踪问效), the "stop surveys" switch, pseudonyms for anonymised exports,
//! and what an outcome report reads.

use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Db, Tx, from_epoch, to_epoch};
use crate::domain::survey::{Question, Reply, Value, Wave};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyRow {
    pub id: i64,
    pub user_id: i64,
    pub wave: Wave,
    pub order_id: Option<i64>,
    pub opens_at: DateTime<Utc>,
    pub closes_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub stopped_at: Option<DateTime<Utc>>,
}

impl SurveyRow {
    /// Answers are taken from its opening until it closes, is completed or is stopped.
    pub fn is_open(&self, now: DateTime<Utc>) -> bool {
        self.completed_at.is_none()
            && self.stopped_at.is_none()
            && self.opens_at <= now
            && self.closes_at.is_none_or(|c| now < c)
    }
}

const SURVEY_COLUMNS: &str = "id, user_id, wave, order_id, opens_at, closes_at, completed_at, stopped_at";

fn survey_from_row(r: &AnyRow) -> sqlx::Result<SurveyRow> {
    let wave: String = r.try_get("wave")?;
    let at = |c: &str| -> sqlx::Result<Option<DateTime<Utc>>> { Ok(r.try_get::<Option<i64>, _>(c)?.map(from_epoch)) };
    Ok(SurveyRow {
        id: r.try_get("id")?,
        user_id: r.try_get("user_id")?,
        wave: Wave::parse(&wave).ok_or_else(|| sqlx::Error::Decode(format!("unknown wave {wave}").into()))?,
        order_id: r.try_get("order_id")?,
        opens_at: from_epoch(r.try_get("opens_at")?),
        closes_at: at("closes_at")?,
        completed_at: at("completed_at")?,
        stopped_at: at("stopped_at")?,
    })
}

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
    let row = sqlx::query(
        "INSERT INTO surveys (survey_key, user_id, wave, order_id, opens_at, closes_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (survey_key) DO NOTHING RETURNING id",
    )
    .bind(s.key)
    .bind(s.user_id)
    .bind(s.wave.as_str())
    .bind(s.order_id)
    .bind(to_epoch(s.opens_at))
    .bind(s.closes_at.map(to_epoch))
    .bind(to_epoch(now))
    .fetch_optional(&mut **tx)
    .await?;
    row.map(|r| r.try_get("id")).transpose()
}

/// Creates the survey unless the person stopped surveys (or has none: a person must exist), in one
/// statement. Returns its id when created; `None` when stopped or when it exists already.
pub async fn create_unless_stopped(
    conn: &mut sqlx::AnyConnection,
    s: &NewSurvey<'_>,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<i64>> {
    let row = sqlx::query(
        "INSERT INTO surveys (survey_key, user_id, wave, order_id, opens_at, closes_at, created_at)
         SELECT $1, p.user_id, $3, $4, $5, $6, $7 FROM people p WHERE p.user_id = $2 AND p.surveys_stopped = 0
         ON CONFLICT (survey_key) DO NOTHING RETURNING id",
    )
    .bind(s.key)
    .bind(s.user_id)
    .bind(s.wave.as_str())
    .bind(s.order_id)
    .bind(to_epoch(s.opens_at))
    .bind(s.closes_at.map(to_epoch))
    .bind(to_epoch(now))
    .fetch_optional(conn)
    .await?;
    row.map(|r| r.try_get("id")).transpose()
}

pub async fn get(db: &Db, id: i64) -> sqlx::Result<Option<SurveyRow>> {
    let sql = format!("SELECT {SURVEY_COLUMNS} FROM surveys WHERE id = $1");
    sqlx::query(&sql).bind(id).fetch_optional(&db.pool).await?.as_ref().map(survey_from_row).transpose()
}

pub async fn by_key(db: &Db, key: &str) -> sqlx::Result<Option<SurveyRow>> {
    let sql = format!("SELECT {SURVEY_COLUMNS} FROM surveys WHERE survey_key = $1");
    sqlx::query(&sql).bind(key).fetch_optional(&db.pool).await?.as_ref().map(survey_from_row).transpose()
}

/// The surveys of one person, oldest first.
pub async fn of_user(db: &Db, user_id: i64) -> sqlx::Result<Vec<SurveyRow>> {
    let sql = format!("SELECT {SURVEY_COLUMNS} FROM surveys WHERE user_id = $1 ORDER BY opens_at, id");
    sqlx::query(&sql).bind(user_id).fetch_all(&db.pool).await?.iter().map(survey_from_row).collect()
}

fn answer_from_row(r: &AnyRow) -> sqlx::Result<Option<(Question, Reply<Value>)>> {
    let question: String = r.try_get("question")?;
    let Some(question) = Question::parse(&question) else { return Ok(None) };
    if r.try_get::<i64, _>("declined")? != 0 {
        return Ok(Some((question, Reply::Declined)));
    }
    let number: Option<i64> = r.try_get("number")?;
    let choice: Option<String> = r.try_get("choice")?;
    let text: Option<String> = r.try_get("text")?;
    let value = match (number, choice, text) {
        (Some(n), _, _) => Value::Number(n),
        (None, Some(c), _) => Value::Choice(c),
        (None, None, Some(t)) => Value::Text(t),
        _ => return Ok(None),
    };
    Ok(Some((question, Reply::Given(value))))
}

pub async fn answers(db: &Db, survey_id: i64) -> sqlx::Result<Vec<(Question, Reply<Value>)>> {
    let rows = sqlx::query("SELECT question, number, choice, text, declined FROM survey_answers WHERE survey_id = $1")
        .bind(survey_id)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows.iter().map(answer_from_row).collect::<sqlx::Result<Vec<_>>>()?.into_iter().flatten().collect())
}

/// Locks the survey row for the answer about to be written (PostgreSQL; SQLite's write
/// transaction holds the whole database) and reads it.
pub async fn lock(tx: &mut Tx, backend: super::Backend, id: i64) -> sqlx::Result<Option<SurveyRow>> {
    let lock = backend.lock_rows();
    let sql = format!("SELECT {SURVEY_COLUMNS} FROM surveys WHERE id = $1{lock}");
    sqlx::query(&sql).bind(id).fetch_optional(&mut **tx).await?.as_ref().map(survey_from_row).transpose()
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
    let rows = sqlx::query("SELECT question FROM survey_answers WHERE survey_id = $1")
        .bind(survey_id)
        .fetch_all(&mut **tx)
        .await?;
    Ok(rows
        .iter()
        .filter_map(|r| r.try_get::<String, _>("question").ok())
        .filter_map(|q| Question::parse(&q))
        .collect())
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

pub async fn stopped(conn: &mut sqlx::AnyConnection, user_id: i64) -> sqlx::Result<bool> {
    let row =
        sqlx::query("SELECT surveys_stopped FROM people WHERE user_id = $1").bind(user_id).fetch_optional(conn).await?;
    Ok(row.map(|r| r.try_get::<i64, _>("surveys_stopped")).transpose()?.unwrap_or(0) != 0)
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolment {
    pub order_id: i64,
    pub number: String,
    pub user_id: i64,
    pub name: String,
    pub phone: Option<String>,
    pub pseudonym: Option<String>,
    pub village_key: Option<String>,
    pub course_key: String,
    pub trainer_key: String,
    pub completed: bool,
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

fn placeholders(first: usize, n: usize) -> String {
    (first..first + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

const ENROLLED: &str = "('confirmed', 'attended', 'completed', 'not_completed', 'no_show')";

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
    let n = region_keys.len();
    let mut filter = format!("c.region_key IN ({})", placeholders(1, n));
    let mut extra: Vec<&str> = Vec::new();
    if let Some(course) = course_key {
        extra.push(course);
        filter.push_str(&format!(" AND c.course_key = ${}", n + extra.len()));
    }
    if let Some(trainer) = trainer_key {
        extra.push(trainer);
        filter.push_str(&format!(" AND co.trainer_key = ${}", n + extra.len()));
    }
    let in_scope = format!(
        "SELECT o.id FROM orders o JOIN classes c ON c.key = o.class_key JOIN courses co ON co.key = c.course_key
         WHERE {filter} AND o.status IN {ENROLLED}"
    );
    let users_in_scope = in_scope.replacen("SELECT o.id", "SELECT o.user_id", 1);
    let surveys_in_scope = format!(
        "SELECT s.id FROM surveys s WHERE s.order_id IN ({in_scope})
         OR (s.wave = 'baseline' AND s.user_id IN ({users_in_scope}))"
    );
    let params: Vec<String> = region_keys.iter().cloned().chain(extra.iter().map(|e| e.to_string())).collect();
    fn bind_all<'q>(sql: &'q str, params: &[String]) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        let mut q = sqlx::query(sql);
        for p in params {
            q = q.bind(p.clone());
        }
        q
    }

    let enrol_sql = format!(
        "SELECT o.id, o.number, o.user_id, p.name, p.phone, p.pseudonym, p.village_key, c.course_key, co.trainer_key,
           (SELECT COUNT(*) FROM completions k WHERE k.order_id = o.id) AS completed
         FROM orders o JOIN classes c ON c.key = o.class_key JOIN courses co ON co.key = c.course_key
         JOIN people p ON p.user_id = o.user_id
         WHERE {filter} AND o.status IN {ENROLLED}
         ORDER BY co.sort_order, c.course_key, o.id"
    );
    let enrolments = bind_all(&enrol_sql, &params)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| {
            Ok(Enrolment {
                order_id: r.try_get("id")?,
                number: r.try_get("number")?,
                user_id: r.try_get("user_id")?,
                name: r.try_get("name")?,
                phone: r.try_get("phone")?,
                pseudonym: r.try_get("pseudonym")?,
                village_key: r.try_get("village_key")?,
                course_key: r.try_get("course_key")?,
                trainer_key: r.try_get("trainer_key")?,
                completed: r.try_get::<i64, _>("completed")? > 0,
            })
        })
        .collect::<sqlx::Result<Vec<_>>>()?;

    let survey_sql = format!("SELECT {SURVEY_COLUMNS} FROM surveys WHERE id IN ({surveys_in_scope}) ORDER BY id");
    let surveys = bind_all(&survey_sql, &params)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(survey_from_row)
        .collect::<sqlx::Result<Vec<_>>>()?;
    let answer_sql = format!(
        "SELECT survey_id, question, number, choice, text, declined, at FROM survey_answers
         WHERE survey_id IN ({surveys_in_scope}) ORDER BY survey_id, question"
    );
    let mut answers = Vec::new();
    for r in bind_all(&answer_sql, &params).fetch_all(&mut *tx).await? {
        if let Some((q, reply)) = answer_from_row(&r)? {
            answers.push((r.try_get("survey_id")?, q, reply, from_epoch(r.try_get("at")?)));
        }
    }
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
        let row = sqlx::query("SELECT pseudonym FROM people WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(&db.pool)
            .await?;
        if let Some(p) = row.map(|r| r.try_get::<Option<String>, _>("pseudonym")).transpose()?.flatten() {
            made.insert(user_id, p);
        }
    }
    Ok(made)
}
