//! The facts behind the lesson figures of `/report`: the lessons, and the readings of people living in
//! the report's regions, sent in its period. Counting is pure and lives in `domain::lesson_report`.

use chrono::{DateTime, Utc};

use super::row::Flag;
use super::sql::Sql;
use super::{Db, to_epoch};
use crate::domain::translations::Translations;

/// A lesson as the report names it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReportLesson {
    pub id: i64,
    pub key: String,
    pub title: String,
    #[sqlx(rename = "tr_json")]
    pub tr: Translations,
}

impl ReportLesson {
    pub fn display_title(&self, lang: crate::i18n::Lang) -> &str {
        self.tr.text(lang, "title", &self.title)
    }
}

/// One reading in scope.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReportReading {
    pub id: i64,
    pub lesson_id: i64,
    /// The reader's village (a tombstone keeps an erased reader's).
    pub village_key: String,
    #[sqlx(try_from = "Flag")]
    pub opened: bool,
    #[sqlx(try_from = "Flag")]
    pub finished: bool,
    /// The reader's readings of the same lesson sent before this one, at any time.
    pub earlier_readings: i64,
    pub answered: i64,
    pub right_answers: i64,
}

/// Every lesson (retired ones too: readings point at them), in catalogue order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LessonSnapshot {
    pub lessons: Vec<ReportLesson>,
    pub readings: Vec<ReportReading>,
}

/// The lessons, and the readings sent in `[from, until)` (all when `None`) to people whose village is
/// one of `region_keys`, of the lessons of one course when `course_key` is given. One read transaction,
/// so the lessons and readings agree.
pub async fn snapshot(
    db: &Db,
    region_keys: &[String],
    course_key: Option<&str>,
    period: Option<(DateTime<Utc>, DateTime<Utc>)>,
) -> sqlx::Result<LessonSnapshot> {
    if region_keys.is_empty() {
        return Ok(LessonSnapshot::default());
    }
    let mut tx = db.begin_read_snapshot().await?;
    let lessons: Vec<ReportLesson> =
        sqlx::query_as("SELECT id, key, title, tr_json FROM lessons ORDER BY sort_order, key, id")
            .fetch_all(&mut *tx)
            .await?;

    let mut sql = Sql::new(
        "SELECT r.id, r.lesson_id, p.village_key,
           CASE WHEN r.opened_at IS NULL THEN 0 ELSE 1 END AS opened,
           CASE WHEN r.finished_at IS NULL THEN 0 ELSE 1 END AS finished,
           (SELECT COUNT(*) FROM lesson_readings e WHERE e.user_id = r.user_id AND e.lesson_id = r.lesson_id
              AND (e.sent_at < r.sent_at OR (e.sent_at = r.sent_at AND e.id < r.id))) AS earlier_readings,
           (SELECT COUNT(*) FROM lesson_answers a WHERE a.reading_id = r.id) AS answered,
           (SELECT COUNT(*) FROM lesson_answers a WHERE a.reading_id = r.id AND a.correct = 1) AS right_answers
         FROM lesson_readings r
         JOIN people p ON p.user_id = r.user_id
         JOIN lessons l ON l.id = r.lesson_id
         WHERE p.village_key IN (",
    );
    sql.push_list(region_keys).push(")");
    if let Some(course) = course_key {
        sql.push(" AND l.course_key = ").push_bind(course.to_owned());
    }
    if let Some((from, until)) = period {
        sql.push(" AND r.sent_at >= ").push_bind(to_epoch(from));
        sql.push(" AND r.sent_at < ").push_bind(to_epoch(until));
    }
    sql.push(" ORDER BY r.id");
    let readings: Vec<ReportReading> = sql.build_query_as()?.fetch_all(&mut *tx).await?;
    tx.commit().await?;
    Ok(LessonSnapshot { lessons, readings })
}
