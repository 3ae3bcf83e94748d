//! What the `/opening` dialog reads beyond `db::jobs`: the catalogue's courses whose certificate may
//! qualify for an opening.

use super::Db;

/// The keys of the villagers' courses, in catalogue order.
pub async fn villager_course_keys(db: &Db) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT key FROM courses WHERE audience = 'villager' ORDER BY sort_order, key")
        .fetch_all(&db.pool)
        .await
}
