//! The figures of a coordinator's daily digest, for the classes and people of a set of regions.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{Db, to_epoch};

/// Class keys held in any of `regions` (or below them).
pub async fn classes_in(db: &Db, regions: &[String]) -> sqlx::Result<Vec<(String, String)>> {
    let rows = sqlx::query(
        "SELECT cl.key, cl.course_key, r.key AS r0, r.parent_key AS r1, p.parent_key AS r2
         FROM classes cl JOIN regions r ON r.key = cl.region_key LEFT JOIN regions p ON p.key = r.parent_key",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::new();
    for row in &rows {
        let chain: [Option<String>; 3] = [row.try_get("r0")?, row.try_get("r1")?, row.try_get("r2")?];
        if chain.iter().flatten().any(|k| regions.contains(k)) {
            out.push((row.try_get("key")?, row.try_get("course_key")?));
        }
    }
    Ok(out)
}

/// Order events of `classes` in `[from, until)` that reached `to_status`, per class.
pub async fn events_per_class(
    db: &Db,
    classes: &[String],
    to_statuses: &[&str],
    only_new: bool,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> sqlx::Result<Vec<(String, i64)>> {
    if classes.is_empty() {
        return Ok(Vec::new());
    }
    let statuses = to_statuses.iter().map(|s| format!("'{s}'")).collect::<Vec<_>>().join(", ");
    let class_params: Vec<String> = (3..3 + classes.len()).map(|i| format!("${i}")).collect();
    let new_only = if only_new { "AND e.from_status IS NULL" } else { "" };
    let sql = format!(
        "SELECT o.class_key, COUNT(*) AS n FROM order_events e JOIN orders o ON o.id = e.order_id
         WHERE e.at >= $1 AND e.at < $2 AND e.to_status IN ({statuses}) {new_only}
           AND o.class_key IN ({}) GROUP BY o.class_key ORDER BY o.class_key",
        class_params.join(", ")
    );
    let mut q = sqlx::query(&sql).bind(to_epoch(from)).bind(to_epoch(until));
    for c in classes {
        q = q.bind(c);
    }
    let rows = q.fetch_all(&db.pool).await?;
    rows.iter().map(|r| Ok((r.try_get("class_key")?, r.try_get("n")?))).collect()
}

/// People waiting on the lists of `classes` now.
pub async fn waitlisted(db: &Db, classes: &[String]) -> sqlx::Result<i64> {
    let mut total = 0;
    for c in classes {
        total += sqlx::query("SELECT COUNT(*) AS n FROM orders WHERE class_key = $1 AND status = 'waitlisted'")
            .bind(c)
            .fetch_one(&db.pool)
            .await?
            .try_get::<i64, _>("n")?;
    }
    Ok(total)
}

/// Attendance marks (present, absent, excused) of sessions of `classes` that ended in the period.
pub async fn attendance(
    db: &Db,
    classes: &[String],
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> sqlx::Result<(i64, i64, i64)> {
    let (mut present, mut absent, mut excused) = (0, 0, 0);
    for c in classes {
        let rows = sqlx::query(
            "SELECT a.mark, COUNT(*) AS n FROM attendance a JOIN sessions s ON s.id = a.session_id
             WHERE s.class_key = $1 AND s.ends_at >= $2 AND s.ends_at < $3 GROUP BY a.mark",
        )
        .bind(c)
        .bind(to_epoch(from))
        .bind(to_epoch(until))
        .fetch_all(&db.pool)
        .await?;
        for r in &rows {
            let n: i64 = r.try_get("n")?;
            match r.try_get::<String, _>("mark")?.as_str() {
                "present" => present += n,
                "excused" => excused += n,
                _ => absent += n,
            }
        }
    }
    Ok((present, absent, excused))
}

/// Quiz attempts of orders in `classes` finished in the period: (passed, all).
pub async fn quizzes(
    db: &Db,
    classes: &[String],
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> sqlx::Result<(i64, i64)> {
    let (mut passed, mut all) = (0, 0);
    for c in classes {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(q.passed), 0) AS BIGINT) AS p FROM quiz_attempts q JOIN orders o ON o.id = q.order_id
             WHERE o.class_key = $1 AND q.finished_at >= $2 AND q.finished_at < $3",
        )
        .bind(c)
        .bind(to_epoch(from))
        .bind(to_epoch(until))
        .fetch_one(&db.pool)
        .await?;
        all += row.try_get::<i64, _>("n")?;
        passed += row.try_get::<i64, _>("p")?;
    }
    Ok((passed, all))
}

/// Surveys (baseline, follow-ups, feedback) answered in full in the period by people with an order in
/// `classes`.
pub async fn surveys_answered(
    db: &Db,
    classes: &[String],
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> sqlx::Result<i64> {
    if classes.is_empty() {
        return Ok(0);
    }
    let list = (3..3 + classes.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
    let sql = format!(
        "SELECT COUNT(*) AS n FROM surveys s WHERE s.completed_at >= $1 AND s.completed_at < $2 AND (
           s.order_id IN (SELECT o.id FROM orders o WHERE o.class_key IN ({list}))
           OR (s.wave = 'baseline' AND s.user_id IN (SELECT o.user_id FROM orders o WHERE o.class_key IN ({list}))))"
    );
    let mut q = sqlx::query(&sql).bind(to_epoch(from)).bind(to_epoch(until));
    for c in classes {
        q = q.bind(c);
    }
    q.fetch_one(&db.pool).await?.try_get("n")
}

/// 点单 topics that passed the threshold in the period, in `townships`: (township, topic).
pub async fn request_alerts(
    db: &Db,
    townships: &[String],
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> sqlx::Result<Vec<(String, String)>> {
    let rows = sqlx::query(
        "SELECT township_key, topic FROM course_request_alerts WHERE sent_at >= $1 AND sent_at < $2
         ORDER BY township_key, topic",
    )
    .bind(to_epoch(from))
    .bind(to_epoch(until))
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let township: String = r.try_get("township_key")?;
        if townships.contains(&township) {
            out.push((township, r.try_get("topic")?));
        }
    }
    Ok(out)
}

/// People in `villages` who became unreachable in the period: (name, village key).
pub async fn newly_unreachable(
    db: &Db,
    villages: &[String],
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> sqlx::Result<Vec<(String, String)>> {
    let rows = sqlx::query(
        "SELECT name, village_key FROM people WHERE unreachable_at >= $1 AND unreachable_at < $2 ORDER BY name",
    )
    .bind(to_epoch(from))
    .bind(to_epoch(until))
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let village: Option<String> = r.try_get("village_key")?;
        if let Some(v) = village
            && villages.contains(&v)
        {
            out.push((r.try_get("name")?, v));
        }
    }
    Ok(out)
}

/// Everyone holding a coordinator role, with their scopes: (user id, region keys).
pub async fn coordinators(db: &Db) -> sqlx::Result<Vec<(i64, Vec<String>)>> {
    let rows = sqlx::query(
        "SELECT r.user_id, r.region_key FROM person_roles r JOIN people p ON p.user_id = r.user_id
         WHERE r.role = 'coordinator' AND p.unreachable_at IS NULL ORDER BY r.user_id",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut out: Vec<(i64, Vec<String>)> = Vec::new();
    for r in &rows {
        let (user, region): (i64, String) = (r.try_get("user_id")?, r.try_get("region_key")?);
        match out.last_mut() {
            Some((u, regions)) if *u == user => regions.push(region),
            _ => out.push((user, vec![region])),
        }
    }
    Ok(out)
}
