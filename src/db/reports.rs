//! Coordinators' reports: the courses, classes and orders of a region (and optionally one course),
//! read in one consistent snapshot. Aggregation is pure and lives in `domain::report`.

use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Db, from_epoch, to_epoch};
use crate::domain::order::{OrderNumber, OrderStatus};

/// A course with a class in the region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportCourse {
    pub key: String,
    pub title: String,
    pub tr: crate::domain::translations::Translations,
}

impl ReportCourse {
    pub fn display_title(&self, lang: crate::i18n::Lang) -> &str {
        self.tr.text(lang, "title", &self.title)
    }
}

/// A class in scope, with its seats taken now and its sessions held so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportClass {
    pub key: String,
    pub course_key: String,
    pub place: String,
    pub capacity: i64,
    pub cancelled: bool,
    pub seats_taken: i64,
    pub sessions_held: i64,
}

/// One order in scope: one row of the CSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportOrder {
    pub id: i64,
    pub number: OrderNumber,
    pub class_key: String,
    pub course_key: String,
    pub person_name: String,
    pub village_key: Option<String>,
    pub status: OrderStatus,
    pub created_at: DateTime<Utc>,
    /// Marks at ended sessions of the class.
    pub present: i64,
    pub absent: i64,
    pub excused: i64,
    /// Ended, not cancelled sessions of the class.
    pub held: i64,
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

/// `$first, $first+1, …` for `n` values.
fn placeholders(first: usize, n: usize) -> String {
    (first..first + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// Courses with at least one class (of any status) in `region_keys`, in catalogue order.
pub async fn courses_in(db: &Db, region_keys: &[String]) -> sqlx::Result<Vec<ReportCourse>> {
    if region_keys.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT co.key, co.title, co.tr_json FROM courses co
         WHERE co.key IN (SELECT c.course_key FROM classes c WHERE c.region_key IN ({}))
         ORDER BY co.sort_order, co.key",
        placeholders(1, region_keys.len())
    );
    let mut q = sqlx::query(&sql);
    for k in region_keys {
        q = q.bind(k);
    }
    q.fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(ReportCourse {
                key: r.try_get("key")?,
                title: r.try_get("title")?,
                tr: crate::domain::translations::Translations::from_json(&r.try_get::<String, _>("tr_json")?),
            })
        })
        .collect()
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
    let n = region_keys.len();
    let regions = placeholders(1, n);
    // Parameters after the region keys: $now, then the course, then the period.
    let now_p = format!("${}", n + 1);
    let mut next = n + 2;
    let course_clause = match course_key {
        Some(_) => {
            next += 1;
            format!("AND c.course_key = ${}", next - 1)
        }
        None => String::new(),
    };
    let period_clause = match period {
        Some(_) => format!("AND o.created_at >= ${} AND o.created_at < ${}", next, next + 1),
        None => String::new(),
    };
    let seat_statuses =
        OrderStatus::HOLDS_SEAT.iter().map(|s| format!("'{}'", s.as_str())).collect::<Vec<_>>().join(", ");
    let held = format!("s.class_key = c.key AND s.status = 'scheduled' AND s.ends_at <= {now_p}");

    let class_sql = format!(
        "SELECT c.key, c.course_key, c.place, c.capacity, c.status,
           (SELECT COUNT(*) FROM orders o WHERE o.class_key = c.key AND o.status IN ({seat_statuses})) AS taken,
           (SELECT COUNT(*) FROM sessions s WHERE {held}) AS held
         FROM classes c
         WHERE c.region_key IN ({regions}) {course_clause}
         ORDER BY c.course_key, c.sort_order, c.key"
    );
    let mut q = sqlx::query(&class_sql);
    for k in region_keys {
        q = q.bind(k);
    }
    q = q.bind(to_epoch(now));
    if let Some(course) = course_key {
        q = q.bind(course);
    }
    let classes = q
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| {
            let status: String = r.try_get("status")?;
            Ok(ReportClass {
                key: r.try_get("key")?,
                course_key: r.try_get("course_key")?,
                place: r.try_get("place")?,
                capacity: r.try_get("capacity")?,
                cancelled: status == "cancelled",
                seats_taken: r.try_get("taken")?,
                sessions_held: r.try_get("held")?,
            })
        })
        .collect::<sqlx::Result<Vec<_>>>()?;

    let mark = |m: &str| {
        format!(
            "(SELECT COUNT(*) FROM attendance a JOIN sessions s ON s.id = a.session_id
              WHERE a.order_id = o.id AND a.mark = '{m}' AND {held}) AS {m}"
        )
    };
    let order_sql = format!(
        "SELECT o.id, o.number, o.class_key, c.course_key, p.name, p.village_key, o.status, o.created_at,
           {present}, {absent}, {excused},
           (SELECT COUNT(*) FROM sessions s WHERE {held}) AS held,
           (SELECT COUNT(*) FROM completions k WHERE k.order_id = o.id) AS completed,
           (SELECT COUNT(*) FROM quiz_attempts q WHERE q.order_id = o.id AND q.finished_at IS NOT NULL) AS attempts,
           (SELECT COUNT(*) FROM quiz_attempts q WHERE q.order_id = o.id AND q.passed = 1) AS passed
         FROM orders o
         JOIN classes c ON c.key = o.class_key
         JOIN courses co ON co.key = c.course_key
         JOIN people p ON p.user_id = o.user_id
         WHERE c.region_key IN ({regions}) {course_clause} {period_clause}
         ORDER BY co.sort_order, c.course_key, c.sort_order, o.class_key, o.created_at, o.id",
        present = mark("present"),
        absent = mark("absent"),
        excused = mark("excused"),
    );
    let mut q = sqlx::query(&order_sql);
    for k in region_keys {
        q = q.bind(k);
    }
    q = q.bind(to_epoch(now));
    if let Some(course) = course_key {
        q = q.bind(course);
    }
    if let Some((from, until)) = period {
        q = q.bind(to_epoch(from)).bind(to_epoch(until));
    }
    let orders = q.fetch_all(&mut *tx).await?.iter().map(order_from_row).collect::<sqlx::Result<Vec<_>>>()?;
    tx.commit().await?;
    Ok(Snapshot { classes, orders })
}

fn order_from_row(r: &AnyRow) -> sqlx::Result<ReportOrder> {
    let status: String = r.try_get("status")?;
    Ok(ReportOrder {
        id: r.try_get("id")?,
        number: OrderNumber::from_stored(r.try_get("number")?),
        class_key: r.try_get("class_key")?,
        course_key: r.try_get("course_key")?,
        person_name: r.try_get("name")?,
        village_key: r.try_get("village_key")?,
        status: OrderStatus::parse(&status)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown order status {status}").into()))?,
        created_at: from_epoch(r.try_get("created_at")?),
        present: r.try_get("present")?,
        absent: r.try_get("absent")?,
        excused: r.try_get("excused")?,
        held: r.try_get("held")?,
        completed: r.try_get::<i64, _>("completed")? > 0,
        quiz_attempts: r.try_get("attempts")?,
        quiz_passed: r.try_get("passed")?,
    })
}
