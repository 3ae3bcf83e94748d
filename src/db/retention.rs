//! The retention jobs' SQL: personal data past its keeping period removed. Each statement changes
//! only rows that still hold what it removes, so running it again changes nothing and counts 0.

use chrono::{DateTime, Utc};

use super::{Tx, to_epoch};

/// Phone numbers of people with no change to their profile and no order activity since `before`.
pub async fn remove_inactive_phones(tx: &mut Tx, before: DateTime<Utc>) -> sqlx::Result<u64> {
    Ok(sqlx::query(
        "UPDATE people SET phone = NULL
         WHERE phone IS NOT NULL AND updated_at < $1
           AND NOT EXISTS (SELECT 1 FROM orders o JOIN order_events e ON e.order_id = o.id
                           WHERE o.user_id = people.user_id AND e.at >= $1)",
    )
    .bind(to_epoch(before))
    .execute(&mut **tx)
    .await?
    .rows_affected())
}

/// Free-text survey comments (course feedback, follow-ups) given before `before`; the numbers and
/// choices of the same answers stay (they are what the reports count).
pub async fn drop_survey_comments(tx: &mut Tx, before: DateTime<Utc>) -> sqlx::Result<u64> {
    Ok(sqlx::query("UPDATE survey_answers SET text = NULL WHERE text IS NOT NULL AND at < $1")
        .bind(to_epoch(before))
        .execute(&mut **tx)
        .await?
        .rows_affected())
}

/// The wording of course requests (点单) made before `before`; the topic they are tallied under stays.
pub async fn drop_request_texts(tx: &mut Tx, before: DateTime<Utc>) -> sqlx::Result<u64> {
    Ok(sqlx::query("UPDATE course_requests SET topic_text = '' WHERE topic_text <> '' AND created_at < $1")
        .bind(to_epoch(before))
        .execute(&mut **tx)
        .await?
        .rows_affected())
}

/// Messages finished (sent, failed, withdrawn) before `before`: removed, or, where the row still
/// guards against planning the same message twice (a dedupe key) or counts towards a broadcast's
/// progress (a group), kept without its content.
pub async fn prune_outbox(tx: &mut Tx, before: DateTime<Utc>) -> sqlx::Result<u64> {
    let finished = "status IN ('sent', 'failed', 'cancelled') AND COALESCE(sent_at, due_at) < $1";
    let removed =
        sqlx::query(&format!("DELETE FROM outbox WHERE {finished} AND dedupe_key IS NULL AND group_key IS NULL"))
            .bind(to_epoch(before))
            .execute(&mut **tx)
            .await?
            .rows_affected();
    let emptied = sqlx::query(&format!(
        "UPDATE outbox SET payload = '{{}}', photo = NULL, document = NULL, document_name = NULL
         WHERE {finished} AND (payload <> '{{}}' OR photo IS NOT NULL OR document IS NOT NULL)"
    ))
    .bind(to_epoch(before))
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(removed + emptied)
}
