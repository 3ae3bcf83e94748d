//! Micro-lessons: the catalogue's lessons (cards, check questions, media files with Telegram's file id
//! once uploaded), and per person their readings, answers and credits. Writes of the catalogue take the
//! import's transaction; a reading's steps take their own.

use chrono::{DateTime, Utc};

use super::catalog::Upsert;
use super::row::{Epoch, Flag, MaybeEpoch};
use super::sql::Sql;
use super::{Db, Tx, to_epoch};
use crate::domain::catalog::{Category, Credits, Translations};
use crate::domain::lesson::{Candidate, Card, Lesson, LessonAudience, LessonQuestion, MediaKind, MediaRef, Step};

fn json_err(e: serde_json::Error) -> sqlx::Error {
    sqlx::Error::Decode(Box::new(e))
}

// ---------------------------------------------------------------------------------------------------
// Media files
// ---------------------------------------------------------------------------------------------------

/// A media file as stored, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredMedia {
    pub id: i64,
    pub kind: MediaKind,
    pub path: String,
    /// Telegram's id for it, once it was uploaded.
    pub file_id: Option<String>,
}

impl StoredMedia {
    /// The file's name, for an upload.
    pub fn file_name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }
}

/// The stored row of a media file with this path, content hash and kind, added when there is none;
/// returns its id. A file imported again unchanged keeps its row (and its Telegram file id).
pub async fn upsert_media(
    tx: &mut Tx,
    media: &MediaRef,
    sha256: &str,
    content: &[u8],
    now: DateTime<Utc>,
) -> sqlx::Result<(i64, Upsert)> {
    let existing: Option<i64> =
        sqlx::query_scalar("SELECT id FROM lesson_media WHERE path = $1 AND sha256 = $2 AND kind = $3")
            .bind(&media.path)
            .bind(sha256)
            .bind(media.kind.as_str())
            .fetch_optional(&mut **tx)
            .await?;
    if let Some(id) = existing {
        return Ok((id, Upsert::Unchanged));
    }
    let id = sqlx::query_scalar(
        "INSERT INTO lesson_media (path, sha256, kind, size_bytes, content, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(&media.path)
    .bind(sha256)
    .bind(media.kind.as_str())
    .bind(content.len() as i64)
    .bind(content.to_vec())
    .bind(to_epoch(now))
    .fetch_one(&mut **tx)
    .await?;
    Ok((id, Upsert::Created))
}

/// The bytes of a media file, for its first upload (`None` for one a trainer sent in the chat: Telegram
/// alone has those).
pub async fn media_content(db: &Db, id: i64) -> sqlx::Result<Option<Vec<u8>>> {
    sqlx::query_scalar("SELECT content FROM lesson_media WHERE id = $1 AND source = 'catalogue'")
        .bind(id)
        .fetch_optional(&db.pool)
        .await
}

/// Keeps the file id Telegram gave an uploaded file; later sends use it.
pub async fn set_file_id(db: &Db, id: i64, file_id: &str, now: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query("UPDATE lesson_media SET file_id = $2, uploaded_at = $3 WHERE id = $1")
        .bind(id)
        .bind(file_id)
        .bind(to_epoch(now))
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn media(db: &Db, id: i64) -> sqlx::Result<Option<StoredMedia>> {
    sqlx::query_as("SELECT id, kind, path, file_id FROM lesson_media WHERE id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await
}

// ---------------------------------------------------------------------------------------------------
// Lessons
// ---------------------------------------------------------------------------------------------------

/// A lesson's media files as stored, card by card: (media, voice version).
pub type CardMedia = Vec<(Option<StoredMedia>, Option<StoredMedia>)>;

/// A lesson with the stored media of its cards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLesson {
    pub lesson: Lesson,
    pub media: CardMedia,
    pub active: bool,
}

const LESSON_COLUMNS: &str =
    "id, key, title, tr_json, topic, audience, region_key, credits_tenths, course_key, sort_order, active";

/// A lesson row as stored ([`LESSON_COLUMNS`]).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
struct LessonRow {
    id: i64,
    key: String,
    title: String,
    #[sqlx(rename = "tr_json")]
    tr: Translations,
    topic: Category,
    audience: LessonAudience,
    region_key: Option<String>,
    credits_tenths: i64,
    course_key: Option<String>,
    sort_order: i64,
    #[sqlx(try_from = "Flag")]
    active: bool,
}

#[derive(sqlx::FromRow)]
struct CardRow {
    text: Option<String>,
    #[sqlx(rename = "tr_json")]
    tr: Translations,
    media_id: Option<i64>,
    voice_version_id: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct QuestionRow {
    id: i64,
    key: String,
    text: String,
    options_json: String,
    answer: i64,
    explanation: String,
    #[sqlx(rename = "tr_json")]
    tr: Translations,
}

impl TryFrom<QuestionRow> for LessonQuestion {
    type Error = sqlx::Error;

    fn try_from(row: QuestionRow) -> sqlx::Result<Self> {
        Ok(LessonQuestion {
            id: row.id,
            key: row.key,
            text: row.text,
            options: serde_json::from_str(&row.options_json).map_err(json_err)?,
            answer: row.answer.max(0) as usize,
            explanation: row.explanation,
            tr: row.tr,
        })
    }
}

/// A lesson by id, with its cards and active questions in order (retired lessons too: a reading may
/// point at one).
pub async fn lesson(db: &Db, id: i64) -> sqlx::Result<Option<StoredLesson>> {
    let mut conn = db.pool.acquire().await?;
    let row: Option<LessonRow> = sqlx::query_as(&format!("SELECT {LESSON_COLUMNS} FROM lessons WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let card_rows: Vec<CardRow> = sqlx::query_as(
        "SELECT text, tr_json, media_id, voice_version_id FROM lesson_cards WHERE lesson_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let media_rows: Vec<StoredMedia> = sqlx::query_as(
        "SELECT m.id, m.kind, m.path, m.file_id FROM lesson_media m
         WHERE m.id IN (SELECT media_id FROM lesson_cards WHERE lesson_id = $1)
            OR m.id IN (SELECT voice_version_id FROM lesson_cards WHERE lesson_id = $1)",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let questions: Vec<QuestionRow> = sqlx::query_as(
        "SELECT id, key, text, options_json, answer, explanation, tr_json FROM lesson_questions
         WHERE lesson_id = $1 AND active = 1 ORDER BY position, id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let find = |id: Option<i64>| id.and_then(|id| media_rows.iter().find(|m| m.id == id).cloned());
    let mut cards = Vec::new();
    let mut media = Vec::new();
    for c in card_rows {
        let (m, v) = (find(c.media_id), find(c.voice_version_id));
        let as_ref = |m: &Option<StoredMedia>| m.as_ref().map(|m| MediaRef { kind: m.kind, path: m.path.clone() });
        cards.push(Card { text: c.text, media: as_ref(&m), voice_version: as_ref(&v), tr: c.tr });
        media.push((m, v));
    }
    Ok(Some(StoredLesson {
        lesson: Lesson {
            id: row.id,
            key: row.key,
            title: row.title,
            topic: row.topic,
            audience: row.audience,
            region_key: row.region_key,
            credits: Credits::from_tenths(row.credits_tenths),
            course_key: row.course_key,
            cards,
            questions: questions.into_iter().map(LessonQuestion::try_from).collect::<sqlx::Result<_>>()?,
            tr: row.tr,
        },
        media,
        active: row.active,
    }))
}

/// The lesson with this key, if stored.
pub async fn lesson_by_key(db: &Db, key: &str) -> sqlx::Result<Option<StoredLesson>> {
    let id: Option<i64> =
        sqlx::query_scalar("SELECT id FROM lessons WHERE key = $1").bind(key).fetch_optional(&db.pool).await?;
    match id {
        Some(id) => lesson(db, id).await,
        None => Ok(None),
    }
}

/// The lessons people can get, in catalogue order, as the choice of the next one sees them.
pub async fn candidates(db: &Db) -> sqlx::Result<Vec<Candidate>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        topic: Category,
        audience: LessonAudience,
        region_key: Option<String>,
        credits_tenths: i64,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, topic, audience, region_key, credits_tenths FROM lessons WHERE active = 1
         ORDER BY sort_order, key",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Candidate {
            lesson_id: r.id,
            topic: r.topic,
            audience: r.audience,
            region_key: r.region_key,
            credits: Credits::from_tenths(r.credits_tenths),
        })
        .collect())
}

/// Stores a lesson (matched on its key) with its cards and questions; `media` gives each card's stored
/// media ids (media, voice version). Questions the file no longer has are retired, not deleted
/// (answers point at them). Returns the lesson's id and what changed.
pub async fn upsert_lesson(
    tx: &mut Tx,
    l: &Lesson,
    media: &[(Option<i64>, Option<i64>)],
    sort_order: i64,
) -> sqlx::Result<(i64, Upsert)> {
    let existing: Option<LessonRow> = sqlx::query_as(&format!("SELECT {LESSON_COLUMNS} FROM lessons WHERE key = $1"))
        .bind(&l.key)
        .fetch_optional(&mut **tx)
        .await?;
    let wanted = LessonRow {
        id: existing.as_ref().map_or(0, |e| e.id),
        key: l.key.clone(),
        title: l.title.clone(),
        tr: l.tr.clone(),
        topic: l.topic,
        audience: l.audience,
        region_key: l.region_key.clone(),
        credits_tenths: l.credits.tenths(),
        course_key: l.course_key.clone(),
        sort_order,
        active: true,
    };
    let (id, mut outcome) = match &existing {
        Some(row) if *row == wanted => (row.id, Upsert::Unchanged),
        _ => {
            // One statement for a new lesson and a changed one: the key decides.
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO lessons (key, title, tr_json, topic, audience, region_key, credits_tenths, course_key,
                                      sort_order, active)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1)
                 ON CONFLICT (key) DO UPDATE SET title = excluded.title, tr_json = excluded.tr_json,
                     topic = excluded.topic, audience = excluded.audience, region_key = excluded.region_key,
                     credits_tenths = excluded.credits_tenths, course_key = excluded.course_key,
                     sort_order = excluded.sort_order, active = 1
                 RETURNING id",
            )
            .bind(&l.key)
            .bind(&l.title)
            .bind(l.tr.to_json())
            .bind(l.topic.as_str())
            .bind(l.audience.as_str())
            .bind(&l.region_key)
            .bind(l.credits.tenths())
            .bind(&l.course_key)
            .bind(sort_order)
            .fetch_one(&mut **tx)
            .await?;
            (id, if existing.is_some() { Upsert::Updated } else { Upsert::Created })
        }
    };

    // Cards: compared as a whole, replaced as a whole.
    #[derive(sqlx::FromRow, PartialEq)]
    struct StoredCard {
        text: Option<String>,
        tr_json: String,
        media_id: Option<i64>,
        voice_version_id: Option<i64>,
    }
    let stored: Vec<StoredCard> = sqlx::query_as(
        "SELECT text, tr_json, media_id, voice_version_id FROM lesson_cards WHERE lesson_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    let cards: Vec<StoredCard> = l
        .cards
        .iter()
        .zip(media.iter().copied().chain(std::iter::repeat((None, None))))
        .map(|(c, (media_id, voice_version_id))| StoredCard {
            text: c.text.clone(),
            tr_json: c.tr.to_json(),
            media_id,
            voice_version_id,
        })
        .collect();
    if stored != cards {
        sqlx::query("DELETE FROM lesson_cards WHERE lesson_id = $1").bind(id).execute(&mut **tx).await?;
        for (position, c) in cards.iter().enumerate() {
            sqlx::query(
                "INSERT INTO lesson_cards (lesson_id, position, text, tr_json, media_id, voice_version_id)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(position as i64)
            .bind(&c.text)
            .bind(&c.tr_json)
            .bind(c.media_id)
            .bind(c.voice_version_id)
            .execute(&mut **tx)
            .await?;
        }
        if outcome == Upsert::Unchanged {
            outcome = Upsert::Updated;
        }
    }

    // Questions: matched on their key.
    #[derive(sqlx::FromRow)]
    struct StoredQuestion {
        key: String,
        position: i64,
        text: String,
        options_json: String,
        answer: i64,
        explanation: String,
        #[sqlx(rename = "tr_json")]
        tr: Translations,
        active: i64,
    }
    let stored: Vec<StoredQuestion> = sqlx::query_as(
        "SELECT key, position, text, options_json, answer, explanation, tr_json, active FROM lesson_questions
         WHERE lesson_id = $1",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    for (position, q) in l.questions.iter().enumerate() {
        let options = serde_json::to_string(&q.options).map_err(json_err)?;
        let same = stored.iter().any(|s| {
            s.key == q.key
                && s.position == position as i64
                && s.text == q.text
                && s.options_json == options
                && s.answer == q.answer as i64
                && s.explanation == q.explanation
                && s.tr == q.tr
                && s.active == 1
        });
        if same {
            continue;
        }
        sqlx::query(
            "INSERT INTO lesson_questions (lesson_id, key, position, text, options_json, answer, explanation,
                                           tr_json, active)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1)
             ON CONFLICT (lesson_id, key) DO UPDATE SET position = excluded.position, text = excluded.text,
                 options_json = excluded.options_json, answer = excluded.answer,
                 explanation = excluded.explanation, tr_json = excluded.tr_json, active = 1",
        )
        .bind(id)
        .bind(&q.key)
        .bind(position as i64)
        .bind(&q.text)
        .bind(options)
        .bind(q.answer as i64)
        .bind(&q.explanation)
        .bind(q.tr.to_json())
        .execute(&mut **tx)
        .await?;
        if outcome == Upsert::Unchanged {
            outcome = Upsert::Updated;
        }
    }
    let keep: Vec<&str> = l.questions.iter().map(|q| q.key.as_str()).collect();
    for s in stored.iter().filter(|s| s.active == 1 && !keep.contains(&s.key.as_str())) {
        sqlx::query("UPDATE lesson_questions SET active = 0 WHERE lesson_id = $1 AND key = $2")
            .bind(id)
            .bind(&s.key)
            .execute(&mut **tx)
            .await?;
        if outcome == Upsert::Unchanged {
            outcome = Upsert::Updated;
        }
    }
    Ok((id, outcome))
}

/// Retires the catalogue's lessons whose keys are not in `keep` (readings keep pointing at them); returns
/// their keys. Lessons trainers made in the chat are not the catalogue's to retire.
pub async fn retire_lessons_except(tx: &mut Tx, keep: &[String]) -> sqlx::Result<Vec<String>> {
    let keys: Vec<String> =
        sqlx::query_scalar("SELECT key FROM lessons WHERE active = 1 AND author_id IS NULL ORDER BY key")
            .fetch_all(&mut **tx)
            .await?;
    let mut retired = Vec::new();
    for key in keys.into_iter().filter(|k| !keep.contains(k)) {
        sqlx::query("UPDATE lessons SET active = 0 WHERE key = $1").bind(&key).execute(&mut **tx).await?;
        retired.push(key);
    }
    Ok(retired)
}

// ---------------------------------------------------------------------------------------------------
// Readings
// ---------------------------------------------------------------------------------------------------

/// One person's reading of one lesson.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Reading {
    pub id: i64,
    pub user_id: i64,
    pub lesson_id: i64,
    pub source: String,
    #[sqlx(try_from = "Epoch")]
    pub sent_at: DateTime<Utc>,
    #[sqlx(try_from = "MaybeEpoch")]
    pub opened_at: Option<DateTime<Utc>>,
    #[sqlx(try_from = "MaybeEpoch")]
    pub finished_at: Option<DateTime<Utc>>,
    #[sqlx(flatten, try_from = "StepColumns")]
    pub step: Step,
}

/// A reading's place as stored: a word and an index.
#[derive(sqlx::FromRow)]
struct StepColumns {
    step: String,
    step_index: i64,
}

impl TryFrom<StepColumns> for Step {
    type Error = sqlx::Error;

    fn try_from(stored: StepColumns) -> sqlx::Result<Step> {
        Step::from_stored(&stored.step, stored.step_index)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown step {:?} {}", stored.step, stored.step_index).into()))
    }
}

const READING_COLUMNS: &str = "id, user_id, lesson_id, source, sent_at, opened_at, finished_at, step, step_index";

pub async fn reading(db: &Db, id: i64) -> sqlx::Result<Option<Reading>> {
    sqlx::query_as(&format!("SELECT {READING_COLUMNS} FROM lesson_readings WHERE id = $1"))
        .bind(id)
        .fetch_optional(&db.pool)
        .await
}

/// A person's readings, oldest first.
pub async fn readings_of(db: &Db, user_id: i64) -> sqlx::Result<Vec<Reading>> {
    sqlx::query_as(&format!("SELECT {READING_COLUMNS} FROM lesson_readings WHERE user_id = $1 ORDER BY sent_at, id"))
        .bind(user_id)
        .fetch_all(&db.pool)
        .await
}

/// Begins a reading at the first card, sent (and, from the menu, opened) now; returns its id.
pub async fn start_reading(
    tx: &mut Tx,
    user_id: i64,
    lesson_id: i64,
    source: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<i64> {
    let (step, index) = Step::START.to_stored();
    sqlx::query_scalar(
        "INSERT INTO lesson_readings (user_id, lesson_id, source, sent_at, opened_at, step, step_index, updated_at)
         VALUES ($1, $2, $3, $4, $4, $5, $6, $4) RETURNING id",
    )
    .bind(user_id)
    .bind(lesson_id)
    .bind(source)
    .bind(to_epoch(now))
    .bind(step)
    .bind(index)
    .fetch_one(&mut **tx)
    .await
}

/// Moves a reading from `from` to `to` (finished when `to` is the end). False when the reading was
/// not at `from` any more (another press got there first): nothing changed.
pub async fn move_reading(tx: &mut Tx, id: i64, from: Step, to: Step, now: DateTime<Utc>) -> sqlx::Result<bool> {
    let (from_step, from_index) = from.to_stored();
    let (step, index) = to.to_stored();
    let finished = (to == Step::Done).then(|| to_epoch(now));
    Ok(sqlx::query(
        "UPDATE lesson_readings SET step = $2, step_index = $3, updated_at = $4,
             opened_at = COALESCE(opened_at, $4), finished_at = COALESCE(finished_at, $5)
         WHERE id = $1 AND step = $6 AND step_index = $7",
    )
    .bind(id)
    .bind(step)
    .bind(index)
    .bind(to_epoch(now))
    .bind(finished)
    .bind(from_step)
    .bind(from_index)
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1)
}

/// Records the answer to the question at `position` of a reading.
pub async fn record_answer(
    tx: &mut Tx,
    reading_id: i64,
    position: usize,
    question_id: i64,
    chosen: usize,
    correct: bool,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO lesson_answers (reading_id, position, question_id, chosen, correct, at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(reading_id)
    .bind(position as i64)
    .bind(question_id)
    .bind(chosen as i64)
    .bind(i64::from(correct))
    .bind(to_epoch(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// How many different lessons the person has finished.
pub async fn finished_lessons(db: &Db, user_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(DISTINCT lesson_id) FROM lesson_readings WHERE user_id = $1 AND finished_at IS NOT NULL",
    )
    .bind(user_id)
    .fetch_one(&db.pool)
    .await
}

/// The categories of the courses a person ordered, most recent order first, each once.
pub async fn ordered_topics(db: &Db, user_id: i64) -> sqlx::Result<Vec<Category>> {
    let rows: Vec<Category> = sqlx::query_scalar(
        "SELECT c.category FROM orders o JOIN classes cl ON cl.key = o.class_key JOIN courses c ON c.key = cl.course_key
         WHERE o.user_id = $1 ORDER BY o.created_at DESC, o.id DESC",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    let mut topics = Vec::new();
    for t in rows {
        if !topics.contains(&t) {
            topics.push(t);
        }
    }
    Ok(topics)
}

// ---------------------------------------------------------------------------------------------------
// Credits
// ---------------------------------------------------------------------------------------------------

/// Credits from a lesson, once per person, lesson and year: false when this year's were earned already.
pub async fn award_credit(
    tx: &mut Tx,
    user_id: i64,
    lesson_id: i64,
    year: i32,
    credits: Credits,
    reading_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    Ok(sqlx::query(
        "INSERT INTO lesson_credits (user_id, lesson_id, year, credits_tenths, earned_at, reading_id)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (user_id, lesson_id, year) DO NOTHING",
    )
    .bind(user_id)
    .bind(lesson_id)
    .bind(i64::from(year))
    .bind(credits.tenths())
    .bind(to_epoch(now))
    .bind(reading_id)
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1)
}

/// Credits a person earned from one lesson in one year.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LessonCredit {
    pub user_id: i64,
    pub lesson_id: i64,
    pub lesson_key: String,
    pub title: String,
    #[sqlx(rename = "tr_json")]
    pub tr: Translations,
    pub year: i64,
    pub credits_tenths: i64,
    #[sqlx(try_from = "Epoch")]
    pub earned_at: DateTime<Utc>,
}

impl LessonCredit {
    pub fn title_in(&self, lang: crate::i18n::Lang) -> &str {
        self.tr.text(lang, "title", &self.title)
    }
}

const CREDIT_COLUMNS: &str =
    "c.user_id, c.lesson_id, l.key AS lesson_key, l.title, l.tr_json, c.year, c.credits_tenths, c.earned_at";

/// A person's lesson credits; of one year, or of every year (`None`), in the order earned.
pub async fn credits_of(db: &Db, user_id: i64, year: Option<i32>) -> sqlx::Result<Vec<LessonCredit>> {
    let mut sql = Sql::new(format!(
        "SELECT {CREDIT_COLUMNS} FROM lesson_credits c JOIN lessons l ON l.id = c.lesson_id WHERE c.user_id = "
    ));
    sql.push_bind(user_id);
    if let Some(year) = year {
        sql.push(" AND c.year = ").push_bind(i64::from(year));
    }
    sql.push(" ORDER BY c.earned_at, c.lesson_id");
    sql.build_query_as()?.fetch_all(&db.pool).await
}

/// The lesson credits of one year of the cadres living anywhere, with their name and village, for the
/// coordinators' export (the caller keeps those in its regions).
pub async fn cadre_credits_of_year(db: &Db, year: i32) -> sqlx::Result<Vec<(LessonCredit, String, Option<String>)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        credit: LessonCredit,
        name: String,
        village_key: Option<String>,
    }
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {CREDIT_COLUMNS}, p.name, p.village_key FROM lesson_credits c JOIN lessons l ON l.id = c.lesson_id
         JOIN people p ON p.user_id = c.user_id
         WHERE p.audience = 'cadre' AND c.year = $1 ORDER BY p.name, c.earned_at"
    ))
    .bind(i64::from(year))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.credit, r.name, r.village_key)).collect())
}

// ---------------------------------------------------------------------------------------------------
// A person's own rows (`/mydata`)
// ---------------------------------------------------------------------------------------------------

/// One of the person's readings with its lesson's key and title.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReadingExport {
    pub id: i64,
    pub lesson_key: String,
    pub title: String,
    pub source: String,
    #[sqlx(try_from = "Epoch")]
    pub sent_at: DateTime<Utc>,
    #[sqlx(try_from = "MaybeEpoch")]
    pub opened_at: Option<DateTime<Utc>>,
    #[sqlx(try_from = "MaybeEpoch")]
    pub finished_at: Option<DateTime<Utc>>,
}

pub async fn readings_for_export(db: &Db, user_id: i64) -> sqlx::Result<Vec<ReadingExport>> {
    sqlx::query_as(
        "SELECT r.id, l.key AS lesson_key, l.title, r.source, r.sent_at, r.opened_at, r.finished_at
         FROM lesson_readings r JOIN lessons l ON l.id = r.lesson_id WHERE r.user_id = $1 ORDER BY r.sent_at, r.id",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await
}

/// One answer of the person's readings, with the question and the option chosen as the catalogue has them.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AnswerExport {
    pub reading_id: i64,
    pub question_key: String,
    pub question: String,
    pub options_json: String,
    pub chosen: i64,
    #[sqlx(try_from = "Flag")]
    pub correct: bool,
    #[sqlx(try_from = "Epoch")]
    pub at: DateTime<Utc>,
}

impl AnswerExport {
    /// The option chosen, as the catalogue words it now (`None` when it no longer has it).
    pub fn chosen_text(&self) -> Option<String> {
        let options: Vec<String> = serde_json::from_str(&self.options_json).unwrap_or_default();
        usize::try_from(self.chosen).ok().and_then(|i| options.get(i).cloned())
    }
}

pub async fn answers_for_export(db: &Db, user_id: i64) -> sqlx::Result<Vec<AnswerExport>> {
    sqlx::query_as(
        "SELECT a.reading_id, q.key AS question_key, q.text AS question, q.options_json, a.chosen, a.correct, a.at
         FROM lesson_answers a JOIN lesson_readings r ON r.id = a.reading_id
              JOIN lesson_questions q ON q.id = a.question_id
         WHERE r.user_id = $1 ORDER BY a.reading_id, a.position",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await
}

/// A course's lesson as the messages before and after its classes need it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CourseLessonRow {
    pub id: i64,
    pub title: String,
    #[sqlx(rename = "tr_json")]
    pub tr: Translations,
    pub audience: LessonAudience,
    pub region_key: Option<String>,
}

/// The active lessons of a course, in catalogue order.
pub async fn of_course(conn: &mut sqlx::AnyConnection, course_key: &str) -> sqlx::Result<Vec<CourseLessonRow>> {
    sqlx::query_as(
        "SELECT id, title, tr_json, audience, region_key FROM lessons WHERE course_key = $1 AND active = 1
         ORDER BY sort_order, key",
    )
    .bind(course_key)
    .fetch_all(conn)
    .await
}

/// The lessons the person has finished (at least once).
pub async fn finished_ids(conn: &mut sqlx::AnyConnection, user_id: i64) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar("SELECT DISTINCT lesson_id FROM lesson_readings WHERE user_id = $1 AND finished_at IS NOT NULL")
        .bind(user_id)
        .fetch_all(conn)
        .await
}
