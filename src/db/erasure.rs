//! Erasing a person (`/deleteme`), consent versions, and revoked certificates.
//!
//! An erased person's rows are not all deleted: orders, attendance, quiz results, lessons read (with
//! their answers and credits) and survey answers
//! are part of county totals already reported, so they move to a tombstone person (random negative
//! user and chat ids that no Telegram account has, no name, no phone, no pseudonym, village kept
//! for the totals) and nothing leads from them back to the person. What identifies or was typed by
//! the person (name, phone, Telegram ids, comments, course requests, dialog state, stored updates,
//! messages to them or naming them) is deleted or blanked.

use chrono::{DateTime, Utc};

use super::row::{Flag, MaybeEpoch};
use super::{Backend, Db, Tx, to_epoch};
use crate::domain::order::OrderStatus;

/// The version of the consent text the person agreed to (`None`: not registered).
pub async fn consent_version(db: &Db, user_id: i64) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT consent_version FROM people WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await
}

/// Records that the person agreed to `version` of the consent text now.
pub async fn record_consent(db: &Db, user_id: i64, version: i64, now: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query("UPDATE people SET consent_version = $2, consent_at = $3, updated_at = $3 WHERE user_id = $1")
        .bind(user_id)
        .bind(version)
        .bind(to_epoch(now))
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// When the certificate with this code was revoked at its holder's request (`None`: not revoked, or
/// no such certificate).
pub async fn certificate_revoked_at(db: &Db, code: &str) -> sqlx::Result<Option<DateTime<Utc>>> {
    let revoked: Option<MaybeEpoch> = sqlx::query_scalar("SELECT revoked_at FROM completions WHERE code = $1")
        .bind(code)
        .fetch_optional(&db.pool)
        .await?;
    Ok(revoked.and_then(Into::into))
}

/// How many certificates the person holds (for the explanation before erasing).
pub async fn certificate_count(db: &Db, user_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM completions WHERE user_id = $1 AND revoked_at IS NULL")
        .bind(user_id)
        .fetch_one(&db.pool)
        .await
}

/// The person's orders that may still change (waiting for approval, confirmed, waitlisted, offered)
/// with their class's first scheduled session, read on the erasure's own transaction so an order
/// placed a moment before is not missed.
pub async fn live_orders(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
) -> sqlx::Result<Vec<(i64, OrderStatus, Option<DateTime<Utc>>)>> {
    let rows: Vec<(i64, OrderStatus, MaybeEpoch)> = sqlx::query_as(
        "SELECT o.id, o.status,
                (SELECT MIN(s.starts_at) FROM sessions s WHERE s.class_key = o.class_key AND s.status = 'scheduled')
                    AS first_start
         FROM orders o
         WHERE o.user_id = $1 AND o.status IN ('pending_approval', 'confirmed', 'waitlisted', 'offered')
         ORDER BY o.id",
    )
    .bind(user_id)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(id, status, first_start)| (id, status, first_start.into())).collect())
}

/// What the erasure did, for the log and the tests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scrubbed {
    /// Messages to the person that were still waiting to be sent.
    pub withdrawn: u64,
    /// Messages to other people that named the person or gave their phone: sent ones deleted, waiting
    /// ones with the name and phone blanked.
    pub others_deleted: u64,
    pub others_blanked: u64,
    pub certificates_revoked: u64,
}

/// Who is erased: the stored identity, and the tombstone their kept rows move to.
#[derive(Debug, Clone)]
pub struct Erasure<'a> {
    pub user_id: i64,
    pub chat_id: i64,
    pub name: &'a str,
    pub phone: Option<&'a str>,
    pub tombstone: i64,
    /// Put where the name or phone stood in messages to others that are still waiting.
    pub blank: &'a str,
}

async fn exec(tx: &mut Tx, sql: &str, binds: &[i64]) -> sqlx::Result<u64> {
    let mut q = sqlx::query(sql);
    for b in binds {
        q = q.bind(*b);
    }
    Ok(q.execute(&mut **tx).await?.rows_affected())
}

/// Erases the person inside the caller's transaction (their live orders already cancelled).
pub async fn erase_person(
    tx: &mut Tx,
    backend: Backend,
    e: &Erasure<'_>,
    now: DateTime<Utc>,
) -> sqlx::Result<Scrubbed> {
    let (user, chat, tomb, at) = (e.user_id, e.chat_id, e.tombstone, to_epoch(now));
    let mut done = Scrubbed::default();

    // The tombstone: what the totals need (village, audience), nothing that identifies. It is never
    // reachable (unreachable since 1970, so no digest reports it as newly unreachable), takes no
    // surveys and no lines.
    exec(
        tx,
        "INSERT INTO people (user_id, chat_id, name, audience, lang, village_key, phone, consent_at, registered_at,
                             updated_at, unreachable_at, paused_until, instant_lines, surveys_stopped, pseudonym,
                             trainee, consent_version, erased_at)
         SELECT $2, $2, '', audience, lang, village_key, NULL, consent_at, registered_at, $3, 0, NULL, 0, 1, NULL,
                trainee, consent_version, $3
         FROM people WHERE user_id = $1",
        &[user, tomb, at],
    )
    .await?;
    // Kept rows move to the tombstone.
    exec(tx, "UPDATE orders SET user_id = $2, placed_by_update = NULL WHERE user_id = $1", &[user, tomb]).await?;
    exec(tx, "UPDATE order_events SET actor = $2 WHERE actor = $1", &[user, tomb]).await?;
    sqlx::query(
        "UPDATE surveys SET user_id = $2,
             survey_key = CASE WHEN survey_key = $3 THEN $4 ELSE survey_key END,
             stopped_at = CASE WHEN completed_at IS NULL AND stopped_at IS NULL AND opens_at <= $5 THEN $5
                               ELSE stopped_at END
         WHERE user_id = $1",
    )
    .bind(user)
    .bind(tomb)
    .bind(format!("baseline:{user}"))
    .bind(format!("baseline:{tomb}"))
    .bind(at)
    .execute(&mut **tx)
    .await?;
    // Waves not yet sent will never be: gone, so they count neither as asked nor as unanswered (the
    // figures already reported do not move). Waves already sent and not answered are stopped.
    exec(
        tx,
        "DELETE FROM surveys WHERE user_id = $1 AND completed_at IS NULL AND opens_at > $2
             AND NOT EXISTS (SELECT 1 FROM survey_answers a WHERE a.survey_id = surveys.id)",
        &[tomb, at],
    )
    .await?;
    // Comments are typed words: blanked; the answer stays counted.
    exec(
        tx,
        "UPDATE survey_answers SET text = '' WHERE text IS NOT NULL AND survey_id IN (SELECT id FROM surveys WHERE user_id = $1)",
        &[tomb],
    )
    .await?;
    exec(tx, "UPDATE quiz_attempts SET user_id = $2 WHERE user_id = $1", &[user, tomb]).await?;
    // Lessons read and the credits they earned count in the region's lesson figures: kept, unlinked.
    exec(tx, "UPDATE lesson_readings SET user_id = $2 WHERE user_id = $1", &[user, tomb]).await?;
    exec(tx, "UPDATE lesson_credits SET user_id = $2 WHERE user_id = $1", &[user, tomb]).await?;
    // A lesson they made in the chat stays for its learners; it no longer names them.
    exec(tx, "UPDATE lessons SET author_id = $2 WHERE author_id = $1", &[user, tomb]).await?;
    done.certificates_revoked = exec(
        tx,
        "UPDATE completions SET user_id = $2, revoked_at = COALESCE(revoked_at, $3) WHERE user_id = $1",
        &[user, tomb, at],
    )
    .await?;
    exec(tx, "UPDATE broadcast_acks SET user_id = $2 WHERE user_id = $1", &[user, tomb]).await?;
    // A trainer's or coordinator's own traces: what they marked or sent stays, not who they were or
    // what they typed.
    exec(tx, "UPDATE broadcasts SET sender_id = $2, sender_chat = $2, text = '' WHERE sender_id = $1", &[user, tomb])
        .await?;
    exec(tx, "UPDATE attendance SET marked_by = $2 WHERE marked_by = $1", &[user, tomb]).await?;
    exec(tx, "UPDATE practical_checks SET marked_by = $2 WHERE marked_by = $1", &[user, tomb]).await?;
    exec(tx, "UPDATE checkins SET opened_by = $2, roster_chat = NULL WHERE opened_by = $1", &[user, tomb]).await?;
    exec(tx, "UPDATE invites SET used_by = $2 WHERE used_by = $1", &[user, tomb]).await?;
    // Gone entirely: roles, links, lockouts, typed course requests (a wish of someone who left is no
    // longer demand), then the person.
    for table in [
        "person_roles",
        "trainer_links",
        "checkin_lockouts",
        "course_requests",
        "lesson_subscriptions",
        "lesson_daily_plans",
    ] {
        exec(tx, &format!("DELETE FROM {table} WHERE user_id = $1"), &[user]).await?;
    }
    exec(tx, "DELETE FROM people WHERE user_id = $1", &[user]).await?;

    // The chat: dialog state, buttons on record, stored updates (they hold the Telegram profile and
    // everything typed), and every message to it (waiting ones are thereby withdrawn).
    exec(tx, "DELETE FROM dialogs WHERE chat_id = $1", &[chat]).await?;
    exec(tx, "DELETE FROM chat_keyboards WHERE chat_id = $1", &[chat]).await?;
    exec(tx, "DELETE FROM inbox WHERE chat_key = $1 OR chat_key = $2", &[chat, user]).await?;
    done.withdrawn =
        exec(tx, "DELETE FROM outbox WHERE chat_id = $1 AND status IN ('pending', 'sending')", &[chat]).await?;
    exec(tx, "DELETE FROM outbox WHERE chat_id = $1", &[chat]).await?;

    // Messages to others that name the person or give their phone (a coordinator's "new order:
    // <name>" line, an export).
    let needles: Vec<&str> = [Some(e.name), e.phone].into_iter().flatten().filter(|n| !n.trim().is_empty()).collect();
    for needle in needles {
        #[derive(sqlx::FromRow)]
        struct Naming {
            id: i64,
            status: String,
            payload: String,
            #[sqlx(try_from = "Flag")]
            in_document: bool,
        }
        let (text_match, blob_match) =
            (backend.text_contains("payload", "$1"), backend.bytes_contain("document", "$1"));
        let rows: Vec<Naming> = sqlx::query_as(&format!(
            "SELECT id, status, payload, CASE WHEN {blob_match} THEN 1 ELSE 0 END AS in_document
             FROM outbox WHERE {text_match} OR {blob_match}"
        ))
        .bind(needle)
        .fetch_all(&mut **tx)
        .await?;
        for Naming { id, status, payload, in_document } in rows {
            if status == "pending" && !in_document {
                sqlx::query("UPDATE outbox SET payload = $2 WHERE id = $1")
                    .bind(id)
                    .bind(payload.replace(needle, e.blank))
                    .execute(&mut **tx)
                    .await?;
                done.others_blanked += 1;
            } else {
                // Sent, failed or cancelled (or a file naming them): the record goes.
                exec(tx, "DELETE FROM outbox WHERE id = $1", &[id]).await?;
                done.others_deleted += 1;
            }
        }
    }
    Ok(done)
}

/// SQLite: moves everything in the write-ahead log into the database file and empties the log, so
/// the erased bytes (zeroed in the pages by `secure_delete`) are not left in older log frames.
/// Retried a few times when a reader still holds an older snapshot. No-op on PostgreSQL.
pub async fn checkpoint(db: &Db) -> sqlx::Result<bool> {
    if db.backend != Backend::Sqlite {
        return Ok(true);
    }
    for _ in 0..50 {
        // The first column: 1 when a reader kept the log from being emptied.
        let (busy, _, _): (i64, i64, i64) =
            sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)").fetch_one(&db.pool).await?;
        if busy == 0 {
            return Ok(true);
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    Ok(false)
}
