//! Coordinators' reports: the courses, classes and orders of a region (and optionally one course),
//! read in one consistent snapshot. Aggregation is pure and lives in `domain::report`.

use chrono::{DateTime, Utc};

use super::row::{Epoch, Flag};
use super::sql::Sql;
use super::{Db, to_epoch};
use crate::domain::order::{OrderNumber, OrderStatus};

/// A course with a class in the region.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReportCourse {
    pub key: String,
    pub title: String,
    #[sqlx(rename = "tr_json")]
    pub tr: crate::domain::translations::Translations,
}

impl ReportCourse {
    pub fn display_title(&self, lang: crate::i18n::Lang) -> &str {
        self.tr.text(lang, "title", &self.title)
    }
}

/// A class in scope, with its seats taken now and its sessions held so far.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReportClass {
    pub key: String,
    pub course_key: String,
    pub place: String,
    pub capacity: i64,
    #[sqlx(try_from = "Flag")]
    pub cancelled: bool,
    pub seats_taken: i64,
    pub sessions_held: i64,
}

/// One order in scope: one row of the CSV.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReportOrder {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub number: OrderNumber,
    pub class_key: String,
    pub course_key: String,
    pub person_name: String,
    pub village_key: Option<String>,
    pub status: OrderStatus,
    #[sqlx(try_from = "Epoch")]
    pub created_at: DateTime<Utc>,
    /// Marks at ended sessions of the class.
    pub present: i64,
    pub absent: i64,
    pub excused: i64,
    /// Ended, not cancelled sessions of the class.
    pub held: i64,
    #[sqlx(try_from = "Flag")]
    pub completed: bool,
    pub quiz_attempts: i64,
    pub quiz_passed: i64,
}

/// Everything a report is made of.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Snapshot {
    pub classes: Vec<ReportClass>,
    pub orders: Vec<ReportOrder>,
}

/// Courses with at least one class (of any status) in `region_keys`, in catalogue order.
pub async fn courses_in(db: &Db, region_keys: &[String]) -> sqlx::Result<Vec<ReportCourse>> {
    if region_keys.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        "SELECT co.key, co.title, co.tr_json FROM courses co
         WHERE co.key IN (SELECT c.course_key FROM classes c WHERE c.region_key IN (",
    );
    sql.push_list(region_keys).push(")) ORDER BY co.sort_order, co.key");
    sql.build_query_as()?.fetch_all(&db.pool).await
}

/// The classes and the orders placed in `[from, until)` (all orders when `None`) of classes in
/// `region_keys`, optionally of one course, as of `now`. One read transaction (repeatable read on
/// PostgreSQL), so seats, orders and marks agree with each other.
pub async fn snapshot(
    db: &Db,
    region_keys: &[String],
    course_key: Option<&str>,
    period: Option<(DateTime<Utc>, DateTime<Utc>)>,
    now: DateTime<Utc>,
) -> sqlx::Result<Snapshot> {
    if region_keys.is_empty() {
        return Ok(Snapshot::default());
    }
    let mut tx = db.begin_read_snapshot().await?;
    let seat_statuses =
        OrderStatus::HOLDS_SEAT.iter().map(|s| format!("'{}'", s.as_str())).collect::<Vec<_>>().join(", ");
    // Both statements name the same regions, course and moment: each binds them afresh.
    let scope = |sql: &mut Sql<'_>| {
        let regions = region_keys.iter().map(|k| sql.bind(k.clone())).collect::<Vec<_>>().join(", ");
        let mut filter = format!("c.region_key IN ({regions})");
        if let Some(course) = course_key {
            filter.push_str(&format!(" AND c.course_key = {}", sql.bind(course.to_owned())));
        }
        let held =
            format!("s.class_key = c.key AND s.status = 'scheduled' AND s.ends_at <= {}", sql.bind(to_epoch(now)));
        (filter, held)
    };

    let mut sql = Sql::new("");
    let (filter, held) = scope(&mut sql);
    sql.push(&format!(
        "SELECT c.key, c.course_key, c.place, c.capacity, CASE WHEN c.status = 'cancelled' THEN 1 ELSE 0 END AS cancelled,
           (SELECT COUNT(*) FROM orders o WHERE o.class_key = c.key AND o.status IN ({seat_statuses})) AS seats_taken,
           (SELECT COUNT(*) FROM sessions s WHERE {held}) AS sessions_held
         FROM classes c
         WHERE {filter}
         ORDER BY c.course_key, c.sort_order, c.key"
    ));
    let classes: Vec<ReportClass> = sql.build_query_as()?.fetch_all(&mut *tx).await?;

    let mut sql = Sql::new("");
    let (mut filter, held) = scope(&mut sql);
    if let Some((from, until)) = period {
        filter.push_str(&format!(
            " AND o.created_at >= {} AND o.created_at < {}",
            sql.bind(to_epoch(from)),
            sql.bind(to_epoch(until))
        ));
    }
    let mark = |m: &str| {
        format!(
            "(SELECT COUNT(*) FROM attendance a JOIN sessions s ON s.id = a.session_id
              WHERE a.order_id = o.id AND a.mark = '{m}' AND {held}) AS {m}"
        )
    };
    sql.push(&format!(
        "SELECT o.id, o.number, o.class_key, c.course_key, p.name AS person_name, p.village_key, o.status, o.created_at,
           {present}, {absent}, {excused},
           (SELECT COUNT(*) FROM sessions s WHERE {held}) AS held,
           CASE WHEN EXISTS (SELECT 1 FROM completions k WHERE k.order_id = o.id) THEN 1 ELSE 0 END AS completed,
           (SELECT COUNT(*) FROM quiz_attempts q WHERE q.order_id = o.id AND q.finished_at IS NOT NULL) AS quiz_attempts,
           (SELECT COUNT(*) FROM quiz_attempts q WHERE q.order_id = o.id AND q.passed = 1) AS quiz_passed
         FROM orders o
         JOIN classes c ON c.key = o.class_key
         JOIN courses co ON co.key = c.course_key
         JOIN people p ON p.user_id = o.user_id
         WHERE {filter}
         ORDER BY co.sort_order, c.course_key, c.sort_order, o.class_key, o.created_at, o.id",
        present = mark("present"),
        absent = mark("absent"),
        excused = mark("excused"),
    ));
    let orders: Vec<ReportOrder> = sql.build_query_as()?.fetch_all(&mut *tx).await?;
    tx.commit().await?;
    Ok(Snapshot { classes, orders })
}
