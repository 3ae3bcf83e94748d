//! What matching openings to people and the person's side of jobs read: people holding a certificate
//! (with their village and work intent), and a person's certificates with their codes. The offers and
//! referrals themselves are `db::jobs`.

use chrono::{DateTime, Utc};

use super::Db;
use super::row::Epoch;
use crate::domain::job::{ReferralStatus, WorkIntent};

/// A person who holds at least one course certificate: whom the scheduler may offer openings.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Certified {
    pub user_id: i64,
    pub village_key: Option<String>,
    pub work_intent: Option<WorkIntent>,
}

/// Everyone holding a certificate (a completion), by user id.
pub async fn certified_people(db: &Db) -> sqlx::Result<Vec<Certified>> {
    sqlx::query_as(
        "SELECT p.user_id, p.village_key, p.work_intent FROM people p
         WHERE p.erased_at IS NULL
           AND EXISTS (SELECT 1 FROM completions c WHERE c.user_id = p.user_id AND c.revoked_at IS NULL)
         ORDER BY p.user_id",
    )
    .fetch_all(&db.pool)
    .await
}

/// A person's certificates: (course key, certificate code), oldest first.
pub async fn certificates(db: &Db, user_id: i64) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as("SELECT course_key, code FROM completions WHERE user_id = $1 AND revoked_at IS NULL ORDER BY completed_at, order_id")
        .bind(user_id)
        .fetch_all(&db.pool)
        .await
}

/// Every offer: (user, opening, when offered). One read per scheduler pass, not one per person.
pub async fn all_offers(db: &Db) -> sqlx::Result<Vec<(i64, i64, DateTime<Utc>)>> {
    #[derive(sqlx::FromRow)]
    struct Offer {
        user_id: i64,
        opening_id: i64,
        #[sqlx(try_from = "Epoch")]
        offered_at: DateTime<Utc>,
    }
    let rows: Vec<Offer> =
        sqlx::query_as("SELECT user_id, opening_id, offered_at FROM opening_offers").fetch_all(&db.pool).await?;
    Ok(rows.into_iter().map(|o| (o.user_id, o.opening_id, o.offered_at)).collect())
}

/// Every referral as (user, opening, hired).
pub async fn all_referred(db: &Db) -> sqlx::Result<Vec<(i64, i64, bool)>> {
    let rows: Vec<(i64, i64, String)> =
        sqlx::query_as("SELECT user_id, opening_id, status FROM referrals").fetch_all(&db.pool).await?;
    Ok(rows
        .into_iter()
        .map(|(user, opening, status)| (user, opening, status == ReferralStatus::Hired.as_str()))
        .collect())
}

/// Every certificate still standing as (user, course, when first earned), each once.
pub async fn all_certified(db: &Db) -> sqlx::Result<Vec<(i64, String, DateTime<Utc>)>> {
    #[derive(sqlx::FromRow)]
    struct Earned {
        user_id: i64,
        course_key: String,
        #[sqlx(try_from = "Epoch")]
        completed_at: DateTime<Utc>,
    }
    let rows: Vec<Earned> = sqlx::query_as(
        "SELECT user_id, course_key, MIN(completed_at) AS completed_at FROM completions
         WHERE revoked_at IS NULL GROUP BY user_id, course_key",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|e| (e.user_id, e.course_key, e.completed_at)).collect())
}
