//! Broadcasts, their recipients, acknowledgements and delivery outcomes.

use chrono::{DateTime, Utc};

use super::row::{Epoch, Flag, Json};
use super::{Db, Tx, to_epoch};
use crate::domain::broadcast::Target;
use crate::domain::person::Audience;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Broadcast {
    pub id: i64,
    pub sender_id: i64,
    pub sender_chat: i64,
    #[sqlx(rename = "target_json", try_from = "Json<Target>")]
    pub target: Target,
    pub text: String,
    pub photo_id: Option<String>,
    #[sqlx(try_from = "Flag")]
    pub urgent: bool,
    pub recipients: i64,
    #[sqlx(try_from = "Epoch")]
    pub created_at: DateTime<Utc>,
    pub progress_message: Option<i32>,
    #[sqlx(try_from = "Flag")]
    pub reported: bool,
}

fn json_err(e: serde_json::Error) -> sqlx::Error {
    sqlx::Error::Decode(Box::new(e))
}

/// People a target reaches: (user id, chat id), reachable ones only.
pub async fn recipients(db: &Db, target: &Target, audience: Option<Audience>) -> sqlx::Result<Vec<(i64, i64)>> {
    let audience = audience.map(|a| a.as_str()).unwrap_or("");
    match target {
        Target::Class(class_key) => {
            sqlx::query_as(
                "SELECT DISTINCT p.user_id, p.chat_id FROM orders o JOIN people p ON p.user_id = o.user_id
                 WHERE o.class_key = $1 AND o.status IN ('confirmed', 'attended', 'completed', 'pending_approval')
                   AND p.unreachable_at IS NULL AND ($2 = '' OR p.audience = $2)
                 ORDER BY p.user_id",
            )
            .bind(class_key)
            .bind(audience)
            .fetch_all(&db.pool)
            .await
        }
        Target::Region(region_key) => {
            sqlx::query_as(
                "SELECT p.user_id, p.chat_id FROM people p
                   JOIN regions v ON v.key = p.village_key
                   LEFT JOIN regions t ON t.key = v.parent_key
                 WHERE p.unreachable_at IS NULL AND ($2 = '' OR p.audience = $2)
                   AND (v.key = $1 OR v.parent_key = $1 OR t.parent_key = $1)
                 ORDER BY p.user_id",
            )
            .bind(region_key)
            .bind(audience)
            .fetch_all(&db.pool)
            .await
        }
    }
}

pub struct NewBroadcast<'a> {
    pub sender_id: i64,
    pub sender_chat: i64,
    pub target: &'a Target,
    pub text: &'a str,
    pub photo_id: Option<&'a str>,
    pub urgent: bool,
    pub recipients: i64,
    pub now: DateTime<Utc>,
}

pub async fn insert(tx: &mut Tx, b: &NewBroadcast<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO broadcasts (sender_id, sender_chat, target_json, text, photo_id, urgent, recipients, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(b.sender_id)
    .bind(b.sender_chat)
    .bind(serde_json::to_string(b.target).map_err(json_err)?)
    .bind(b.text)
    .bind(b.photo_id)
    .bind(i64::from(b.urgent))
    .bind(b.recipients)
    .bind(to_epoch(b.now))
    .fetch_one(&mut **tx)
    .await
}

pub async fn get(db: &Db, id: i64) -> sqlx::Result<Option<Broadcast>> {
    sqlx::query_as(
        "SELECT id, sender_id, sender_chat, target_json, text, photo_id, urgent, recipients, created_at,
                progress_message, CASE WHEN reported_at IS NULL THEN 0 ELSE 1 END AS reported
         FROM broadcasts WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await
}

pub async fn set_progress_message(db: &Db, id: i64, message_id: i32) -> sqlx::Result<()> {
    sqlx::query("UPDATE broadcasts SET progress_message = $1 WHERE id = $2")
        .bind(i64::from(message_id))
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Claims the right to send the delivery report (once, whichever replica gets there first), in the
/// transaction that queues it.
pub async fn claim_report(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> sqlx::Result<bool> {
    Ok(sqlx::query("UPDATE broadcasts SET reported_at = $1 WHERE id = $2 AND reported_at IS NULL")
        .bind(to_epoch(now))
        .bind(id)
        .execute(&mut **tx)
        .await?
        .rows_affected()
        == 1)
}

/// Records a "收到"; false when this person had acknowledged already.
pub async fn ack(db: &Db, id: i64, user_id: i64, now: DateTime<Utc>) -> sqlx::Result<bool> {
    Ok(sqlx::query(
        "INSERT INTO broadcast_acks (broadcast_id, user_id, at) VALUES ($1, $2, $3)
         ON CONFLICT (broadcast_id, user_id) DO NOTHING",
    )
    .bind(id)
    .bind(user_id)
    .bind(to_epoch(now))
    .execute(&db.pool)
    .await?
    .rows_affected()
        == 1)
}

pub async fn ack_count(db: &Db, id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM broadcast_acks WHERE broadcast_id = $1").bind(id).fetch_one(&db.pool).await
}

/// Whether the person was sent this broadcast (a forged "收到" for another one changes nothing).
pub async fn was_sent_to(db: &Db, id: i64, chat_id: i64) -> sqlx::Result<bool> {
    Ok(sqlx::query("SELECT 1 AS one FROM outbox WHERE group_key = $1 AND chat_id = $2")
        .bind(format!("broadcast:{id}"))
        .bind(chat_id)
        .fetch_optional(&db.pool)
        .await?
        .is_some())
}

/// A recipient, as a report names them.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Recipient {
    pub name: String,
    pub village_key: Option<String>,
}

/// Recipients the broadcast reached who have not pressed "收到".
pub async fn unacknowledged(db: &Db, id: i64) -> sqlx::Result<Vec<Recipient>> {
    sqlx::query_as(
        "SELECT p.name, p.village_key FROM outbox o JOIN people p ON p.chat_id = o.chat_id
         WHERE o.group_key = $1 AND o.status = 'sent'
           AND NOT EXISTS (SELECT 1 FROM broadcast_acks a WHERE a.broadcast_id = $2 AND a.user_id = p.user_id)
         ORDER BY p.name, p.user_id",
    )
    .bind(format!("broadcast:{id}"))
    .bind(id)
    .fetch_all(&db.pool)
    .await
}

/// A recipient the broadcast did not reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreached {
    pub name: String,
    pub village_key: Option<String>,
    /// They blocked the bot (else: sending failed, or was given up).
    pub blocked: bool,
    /// The bot died while the message was being handed to Telegram: it may have arrived.
    pub unconfirmed: bool,
}

pub async fn unreached(db: &Db, id: i64) -> sqlx::Result<Vec<Unreached>> {
    #[derive(sqlx::FromRow)]
    struct Failed {
        name: String,
        village_key: Option<String>,
        #[sqlx(try_from = "Flag")]
        marked_unreachable: bool,
        last_error: Option<String>,
    }
    let rows: Vec<Failed> = sqlx::query_as(
        "SELECT p.name, p.village_key, CASE WHEN p.unreachable_at IS NULL THEN 0 ELSE 1 END AS marked_unreachable,
                o.last_error
         FROM outbox o JOIN people p ON p.chat_id = o.chat_id
         WHERE o.group_key = $1 AND o.status IN ('failed', 'cancelled') ORDER BY p.name",
    )
    .bind(format!("broadcast:{id}"))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Unreached {
            // The row's own 403 says so even before the person is marked unreachable.
            blocked: r.marked_unreachable
                || r.last_error.as_deref().is_some_and(|e| e.contains("orbidden") || e.contains("blocked")),
            unconfirmed: r.last_error.as_deref() == Some(super::outbox::INTERRUPTED),
            name: r.name,
            village_key: r.village_key,
        })
        .collect())
}
