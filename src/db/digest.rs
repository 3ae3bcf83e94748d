//! The figures of a coordinator's daily digest, for the classes and people of a set of regions.

use chrono::{DateTime, Utc};

use super::sql::Sql;
use super::{Db, to_epoch};

/// Class keys held in any of `regions` (or below them).
pub async fn classes_in(db: &Db, regions: &[String]) -> sqlx::Result<Vec<(String, String)>> {
    // The class's region and the two above it.
    type ClassInChain = (String, String, Option<String>, Option<String>, Option<String>);
    let rows: Vec<ClassInChain> = sqlx::query_as(
        "SELECT cl.key, cl.course_key, r.key AS r0, r.parent_key AS r1, p.parent_key AS r2
         FROM classes cl JOIN regions r ON r.key = cl.region_key LEFT JOIN regions p ON p.key = r.parent_key",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter(|(_, _, r0, r1, r2)| [r0, r1, r2].into_iter().flatten().any(|k| regions.contains(k)))
        .map(|(class, course, ..)| (class, course))
        .collect())
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
    let mut sql = Sql::new(
        "SELECT o.class_key, COUNT(*) AS n FROM order_events e JOIN orders o ON o.id = e.order_id WHERE e.at >= ",
    );
    sql.push_bind(to_epoch(from)).push(" AND e.at < ").push_bind(to_epoch(until));
    sql.push(" AND e.to_status IN (").push_list(to_statuses.iter().copied()).push(")");
    if only_new {
        sql.push(" AND e.from_status IS NULL");
    }
    sql.push(" AND o.class_key IN (").push_list(classes).push(") GROUP BY o.class_key ORDER BY o.class_key");
    sql.build_query_as()?.fetch_all(&db.pool).await
}

/// People waiting on the lists of `classes` now.
pub async fn waitlisted(db: &Db, classes: &[String]) -> sqlx::Result<i64> {
    let mut total = 0;
    for c in classes {
        total +=
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM orders WHERE class_key = $1 AND status = 'waitlisted'")
                .bind(c)
                .fetch_one(&db.pool)
                .await?;
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
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT a.mark, COUNT(*) AS n FROM attendance a JOIN sessions s ON s.id = a.session_id
             WHERE s.class_key = $1 AND s.ends_at >= $2 AND s.ends_at < $3 GROUP BY a.mark",
        )
        .bind(c)
        .bind(to_epoch(from))
        .bind(to_epoch(until))
        .fetch_all(&db.pool)
        .await?;
        for (mark, n) in rows {
            match mark.as_str() {
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
        let (n, p): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(q.passed), 0) AS BIGINT) AS p FROM quiz_attempts q JOIN orders o ON o.id = q.order_id
             WHERE o.class_key = $1 AND q.finished_at >= $2 AND q.finished_at < $3",
        )
        .bind(c)
        .bind(to_epoch(from))
        .bind(to_epoch(until))
        .fetch_one(&db.pool)
        .await?;
        all += n;
        passed += p;
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
    let mut sql = Sql::new("");
    let (from, until) = (sql.bind(to_epoch(from)), sql.bind(to_epoch(until)));
    // The class list is named twice: the same placeholders both times.
    let list = classes.iter().map(|c| sql.bind(c.as_str())).collect::<Vec<_>>().join(", ");
    sql.push(&format!(
        "SELECT COUNT(*) FROM surveys s WHERE s.completed_at >= {from} AND s.completed_at < {until} AND (
           s.order_id IN (SELECT o.id FROM orders o WHERE o.class_key IN ({list}))
           OR (s.wave = 'baseline' AND s.user_id IN (SELECT o.user_id FROM orders o WHERE o.class_key IN ({list}))))"
    ));
    let (n,): (i64,) = sql.build_query_as()?.fetch_one(&db.pool).await?;
    Ok(n)
}

/// 点单 topics that passed the threshold in the period, in `townships`: (township, topic).
pub async fn request_alerts(
    db: &Db,
    townships: &[String],
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> sqlx::Result<Vec<(String, String)>> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT township_key, topic FROM course_request_alerts WHERE sent_at >= $1 AND sent_at < $2
         ORDER BY township_key, topic",
    )
    .bind(to_epoch(from))
    .bind(to_epoch(until))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().filter(|(township, _)| townships.contains(township)).collect())
}

/// People in `villages` who became unreachable in the period: (name, village key).
pub async fn newly_unreachable(
    db: &Db,
    villages: &[String],
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> sqlx::Result<Vec<(String, String)>> {
    let rows: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT name, village_key FROM people WHERE unreachable_at >= $1 AND unreachable_at < $2 ORDER BY name",
    )
    .bind(to_epoch(from))
    .bind(to_epoch(until))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(name, village)| village.filter(|v| villages.contains(v)).map(|v| (name, v)))
        .collect())
}

/// Everyone holding a coordinator role, with their scopes: (user id, region keys).
pub async fn coordinators(db: &Db) -> sqlx::Result<Vec<(i64, Vec<String>)>> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT r.user_id, r.region_key FROM person_roles r JOIN people p ON p.user_id = r.user_id
         WHERE r.role = 'coordinator' AND p.unreachable_at IS NULL ORDER BY r.user_id",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut out: Vec<(i64, Vec<String>)> = Vec::new();
    for (user, region) in rows {
        match out.last_mut() {
            Some((u, regions)) if *u == user => regions.push(region),
            _ => out.push((user, vec![region])),
        }
    }
    Ok(out)
}
