//! The inline keyboard of the latest bot message per chat (`chat_keyboards`), so that a typed button
//! label can be handled as a press of that button, also after a restart.

use super::{Db, Tx, to_epoch};

/// The buttons on screen in one chat: (label, callback data), row by row flattened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreenKeyboard {
    /// The message they are on; `None` for a message sent by the outbox (its id is not kept).
    pub message_id: Option<i32>,
    pub buttons: Vec<(String, String)>,
}

pub async fn load(db: &Db, chat_id: i64) -> sqlx::Result<Option<ScreenKeyboard>> {
    let row: Option<(Option<i64>, String)> =
        sqlx::query_as("SELECT message_id, buttons FROM chat_keyboards WHERE chat_id = $1")
            .bind(chat_id)
            .fetch_optional(&db.pool)
            .await?;
    let Some((message_id, buttons)) = row else { return Ok(None) };
    let message_id = message_id.and_then(|id| i32::try_from(id).ok());
    // A record that no longer decodes is as good as none: typed text is then only text.
    let buttons = serde_json::from_str(&buttons).unwrap_or_default();
    Ok(Some(ScreenKeyboard { message_id, buttons }))
}

/// The latest bot message in the chat has these buttons.
pub async fn save(
    db: &Db,
    chat_id: i64,
    keyboard: &ScreenKeyboard,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    record_in(&mut tx, chat_id, Some(keyboard), now).await?;
    tx.commit().await
}

/// The latest bot message has no inline buttons (or they were taken off).
pub async fn clear(db: &Db, chat_id: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM chat_keyboards WHERE chat_id = $1").bind(chat_id).execute(&db.pool).await?;
    Ok(())
}

/// Records the buttons on screen (`None`: none) inside a transaction.
pub async fn record_in(
    tx: &mut Tx,
    chat_id: i64,
    keyboard: Option<&ScreenKeyboard>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), sqlx::Error> {
    let Some(keyboard) = keyboard else {
        sqlx::query("DELETE FROM chat_keyboards WHERE chat_id = $1").bind(chat_id).execute(&mut **tx).await?;
        return Ok(());
    };
    let buttons = serde_json::to_string(&keyboard.buttons).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query(
        "INSERT INTO chat_keyboards (chat_id, message_id, buttons, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (chat_id) DO UPDATE SET message_id = excluded.message_id, buttons = excluded.buttons,
             updated_at = excluded.updated_at",
    )
    .bind(chat_id)
    .bind(keyboard.message_id.map(i64::from))
    .bind(buttons)
    .bind(to_epoch(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
