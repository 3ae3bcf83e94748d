//! What matching openings to people and the person's side of jobs read: people holding a certificate
//! (with their village and work intent), and a person's certificates with their codes. The offers and
//! referrals themselves are `db::jobs`.

use super::Db;
use crate::domain::job::WorkIntent;

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
