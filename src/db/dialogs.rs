//! Dialog state per chat (the `dialogs` table), so a restart resumes every conversation.

use super::Db;
use crate::domain::dialog::State;

#[derive(Debug, thiserror::Error)]
pub enum DialogStorageError {
    #[error("dialog storage: {0}")]
    Db(#[from] sqlx::Error),
    #[error("dialog state does not decode: {0}")]
    Decode(#[from] serde_json::Error),
}

pub async fn load(db: &Db, chat_id: i64) -> Result<Option<State>, DialogStorageError> {
    let json: Option<String> = sqlx::query_scalar("SELECT state FROM dialogs WHERE chat_id = $1")
        .bind(chat_id)
        .fetch_optional(&db.pool)
        .await?;
    let Some(json) = json else { return Ok(None) };
    // A state written by an older version that no longer decodes starts the person afresh
    // instead of locking them out of the bot.
    match serde_json::from_str(&json) {
        Ok(state) => Ok(Some(state)),
        Err(e) => {
            tracing::warn!(chat_id, error = %e, "dropping undecodable dialog state");
            Ok(None)
        }
    }
}

pub async fn save(db: &Db, chat_id: i64, state: &State, now: i64) -> Result<(), DialogStorageError> {
    if *state == State::Idle {
        return remove(db, chat_id).await;
    }
    let json = serde_json::to_string(state)?;
    sqlx::query(
        "INSERT INTO dialogs (chat_id, state, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (chat_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
    )
    .bind(chat_id)
    .bind(json)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Saves a dialog step inside a transaction (the inbox commits it with the update's "handled" mark).
pub async fn save_in(tx: &mut super::Tx, chat_id: i64, state: &State, now: i64) -> Result<(), DialogStorageError> {
    if *state == State::Idle {
        sqlx::query("DELETE FROM dialogs WHERE chat_id = $1").bind(chat_id).execute(&mut **tx).await?;
        return Ok(());
    }
    let json = serde_json::to_string(state)?;
    sqlx::query(
        "INSERT INTO dialogs (chat_id, state, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (chat_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
    )
    .bind(chat_id)
    .bind(json)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn remove(db: &Db, chat_id: i64) -> Result<(), DialogStorageError> {
    sqlx::query("DELETE FROM dialogs WHERE chat_id = $1").bind(chat_id).execute(&db.pool).await?;
    Ok(())
}

pub async fn count_active(db: &Db) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) AS n FROM dialogs").fetch_one(&db.pool).await
}
