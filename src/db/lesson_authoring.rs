//! Lessons a trainer makes in the chat (`/lesson`): their media known only by Telegram's file id, the
//! lesson written with its author in the publishing transaction, and who hears of it.

use chrono::{DateTime, Utc};

use super::sql::Sql;
use super::{Tx, to_epoch};
use crate::domain::lesson::{Lesson, MediaKind};

/// Where a lesson made in the chat sits among the catalogue's (whose places count from 0): before
/// them, so a lesson made for the region now is what its learners get next.
pub const CHAT_LESSON_ORDER: i64 = -1;

/// The stored row of a media file a trainer sent in the chat (added when there is none): no bytes,
/// Telegram's file id. Returns its id.
pub async fn chat_media(tx: &mut Tx, kind: MediaKind, file_id: &str, now: DateTime<Utc>) -> sqlx::Result<i64> {
    let existing: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM lesson_media WHERE path = $1 AND sha256 = '' AND kind = $2 AND source = 'chat'",
    )
    .bind(file_id)
    .bind(kind.as_str())
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(id) = existing {
        return Ok(id);
    }
    sqlx::query_scalar(
        "INSERT INTO lesson_media (path, sha256, kind, size_bytes, content, file_id, uploaded_at, created_at, source)
         VALUES ($1, '', $2, 0, $3, $1, $4, $4, 'chat') RETURNING id",
    )
    .bind(file_id)
    .bind(kind.as_str())
    .bind(Vec::<u8>::new())
    .bind(to_epoch(now))
    .fetch_one(&mut **tx)
    .await
}

/// Whether a lesson with this key is stored.
pub async fn key_taken(tx: &mut Tx, key: &str) -> sqlx::Result<bool> {
    let id: Option<i64> =
        sqlx::query_scalar("SELECT id FROM lessons WHERE key = $1").bind(key).fetch_optional(&mut **tx).await?;
    Ok(id.is_some())
}

/// Writes a lesson made in the chat (its media named by file id, see [`chat_media`]), active at once,
/// with its author. Returns its id.
pub async fn insert_chat_lesson(tx: &mut Tx, lesson: &Lesson, author_id: i64, now: DateTime<Utc>) -> sqlx::Result<i64> {
    let mut media = Vec::with_capacity(lesson.cards.len());
    for card in &lesson.cards {
        let m = match &card.media {
            Some(m) => Some(chat_media(tx, m.kind, &m.path, now).await?),
            None => None,
        };
        let v = match &card.voice_version {
            Some(v) => Some(chat_media(tx, v.kind, &v.path, now).await?),
            None => None,
        };
        media.push((m, v));
    }
    let (id, _) = super::lessons::upsert_lesson(tx, lesson, &media, CHAT_LESSON_ORDER).await?;
    sqlx::query("UPDATE lessons SET author_id = $2, published_at = $3 WHERE id = $1")
        .bind(id)
        .bind(author_id)
        .bind(to_epoch(now))
        .execute(&mut **tx)
        .await?;
    Ok(id)
}

/// The lesson's author, if it was made in the chat.
pub async fn author_of(db: &super::Db, lesson_id: i64) -> sqlx::Result<Option<i64>> {
    let author: Option<Option<i64>> = sqlx::query_scalar("SELECT author_id FROM lessons WHERE id = $1")
        .bind(lesson_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(author.flatten())
}

/// Coordinators who want instant lines and whose region a lesson reaches: for a lesson of a region,
/// those of that region, the regions above it (`chain`) and everywhere; for a lesson everywhere
/// (`chain` empty), every coordinator.
pub async fn line_coordinators_for(tx: &mut Tx, chain: &[String]) -> sqlx::Result<Vec<i64>> {
    let mut sql = Sql::new(
        "SELECT DISTINCT p.user_id FROM people p JOIN person_roles g ON g.user_id = p.user_id
         WHERE g.role = 'coordinator' AND p.instant_lines = 1 AND p.unreachable_at IS NULL",
    );
    if !chain.is_empty() {
        sql.push(" AND (g.region_key = '' OR g.region_key IN (").push_list(chain).push("))");
    }
    sql.push(" ORDER BY p.user_id");
    let rows: Vec<(i64,)> = sql.build_query_as()?.fetch_all(&mut **tx).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}
