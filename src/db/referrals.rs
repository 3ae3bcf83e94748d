//! Reads for the coordinator's side of referrals (培训合格后推荐就业): the counts per opening and the
//! certificate a referred person qualified with. Writes are `db::jobs` (one status rule, one place).

use std::collections::HashMap;

use super::Db;
use crate::domain::job::ReferralStatus;

/// An opening's referrals by status (each person once: one referral per person and opening).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub referred: u32,
    /// Met the employer: interviewed, hired or not hired.
    pub interviewed: u32,
    pub hired: u32,
}

/// The counts of every opening that has referrals, by opening id.
pub async fn counts_by_opening(db: &Db) -> sqlx::Result<HashMap<i64, Counts>> {
    let rows: Vec<(i64, ReferralStatus, i64)> =
        sqlx::query_as("SELECT opening_id, status, COUNT(*) FROM referrals GROUP BY opening_id, status")
            .fetch_all(&db.pool)
            .await?;
    let mut out: HashMap<i64, Counts> = HashMap::new();
    for (opening, status, n) in rows {
        let n = u32::try_from(n).unwrap_or(0);
        let c = out.entry(opening).or_default();
        c.referred += n;
        if status.was_interviewed() {
            c.interviewed += n;
        }
        if status == ReferralStatus::Hired {
            c.hired += n;
        }
    }
    Ok(out)
}

/// A person's certificates: (course key, certificate code), earliest first.
pub async fn certificates_of(db: &Db, user_id: i64) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as("SELECT course_key, code FROM completions WHERE user_id = $1 ORDER BY completed_at, order_id")
        .bind(user_id)
        .fetch_all(&db.pool)
        .await
}

/// One referral by id, on a pooled connection.
pub async fn referral_by_id(db: &Db, id: i64) -> sqlx::Result<Option<super::jobs::Referral>> {
    let mut conn = db.pool.acquire().await?;
    super::jobs::referral(&mut conn, id).await
}
