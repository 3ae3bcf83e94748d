//! Orders, the waitlist, and 点单 course requests.

use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Backend, Db, Tx, from_epoch, to_epoch};
use crate::domain::order::{OrderNumber, OrderStatus};
use crate::domain::person::Audience;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRow {
    pub id: i64,
    pub number: OrderNumber,
    pub user_id: i64,
    pub class_key: String,
    pub status: OrderStatus,
    pub created_at: DateTime<Utc>,
    pub waitlisted_at: Option<DateTime<Utc>>,
    pub offer_expires_at: Option<DateTime<Utc>>,
    pub cancel_requested_at: Option<DateTime<Utc>>,
}

const ORDER_COLUMNS: &str =
    "id, number, user_id, class_key, status, created_at, waitlisted_at, offer_expires_at, cancel_requested_at";

fn order_from_row(row: &AnyRow) -> sqlx::Result<OrderRow> {
    let status: String = row.try_get("status")?;
    Ok(OrderRow {
        id: row.try_get("id")?,
        number: OrderNumber::from_stored(row.try_get("number")?),
        user_id: row.try_get("user_id")?,
        class_key: row.try_get("class_key")?,
        status: OrderStatus::parse(&status)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown order status {status}").into()))?,
        created_at: from_epoch(row.try_get("created_at")?),
        waitlisted_at: row.try_get::<Option<i64>, _>("waitlisted_at")?.map(from_epoch),
        offer_expires_at: row.try_get::<Option<i64>, _>("offer_expires_at")?.map(from_epoch),
        cancel_requested_at: row.try_get::<Option<i64>, _>("cancel_requested_at")?.map(from_epoch),
    })
}

/// What seat-taking needs to know about a class, read under a lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassForOrder {
    pub class_key: String,
    pub course_key: String,
    pub region_key: String,
    pub capacity: i64,
    pub open: bool,
    pub audience: Audience,
    pub needs_approval: bool,
    /// The first scheduled session's start (None when the class has none).
    pub first_session_at: Option<DateTime<Utc>>,
    /// The last scheduled session's end.
    pub last_session_end: Option<DateTime<Utc>>,
}

/// Reads the class and, on PostgreSQL, locks its row until the transaction ends, so seat-taking for
/// one class is serialised (on SQLite, `BEGIN IMMEDIATE` already serialises all writers).
pub async fn lock_class(tx: &mut Tx, backend: Backend, class_key: &str) -> sqlx::Result<Option<ClassForOrder>> {
    let lock = match backend {
        Backend::Postgres => " FOR UPDATE OF cl",
        Backend::Sqlite => "",
    };
    // The sessions' span comes in the same statement: what the lock may wait for is another order of
    // the class, which changes no session.
    let row = sqlx::query(&format!(
        "SELECT cl.key, cl.course_key, cl.region_key, cl.capacity, cl.status, co.audience, co.needs_approval,
                (SELECT MIN(s.starts_at) FROM sessions s WHERE s.class_key = cl.key AND s.status = 'scheduled')
                    AS first_start,
                (SELECT MAX(s.ends_at) FROM sessions s WHERE s.class_key = cl.key AND s.status = 'scheduled')
                    AS last_end
         FROM classes cl JOIN courses co ON co.key = cl.course_key WHERE cl.key = $1{lock}"
    ))
    .bind(class_key)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let span = &row;
    let audience: String = row.try_get("audience")?;
    Ok(Some(ClassForOrder {
        class_key: row.try_get("key")?,
        course_key: row.try_get("course_key")?,
        region_key: row.try_get("region_key")?,
        capacity: row.try_get("capacity")?,
        open: row.try_get::<String, _>("status")? == "open",
        audience: Audience::parse(&audience).unwrap_or(Audience::Villager),
        needs_approval: row.try_get::<i64, _>("needs_approval")? != 0,
        first_session_at: span.try_get::<Option<i64>, _>("first_start")?.map(from_epoch),
        last_session_end: span.try_get::<Option<i64>, _>("last_end")?.map(from_epoch),
    }))
}

fn seat_statuses_sql() -> String {
    OrderStatus::HOLDS_SEAT.iter().map(|s| format!("'{}'", s.as_str())).collect::<Vec<_>>().join(", ")
}

pub async fn seats_held(tx: &mut Tx, class_key: &str) -> sqlx::Result<i64> {
    sqlx::query(&format!(
        "SELECT COUNT(*) AS n FROM orders WHERE class_key = $1 AND status IN ({})",
        seat_statuses_sql()
    ))
    .bind(class_key)
    .fetch_one(&mut **tx)
    .await?
    .try_get("n")
}

/// Seats held per class, for listings (no lock).
pub async fn seats_held_now(db: &Db, class_key: &str) -> sqlx::Result<i64> {
    sqlx::query(&format!(
        "SELECT COUNT(*) AS n FROM orders WHERE class_key = $1 AND status IN ({})",
        seat_statuses_sql()
    ))
    .bind(class_key)
    .fetch_one(&db.pool)
    .await?
    .try_get("n")
}

/// What placing an order in a class finds, read under the class lock in one statement: the seats held
/// and the person's live order there (with the update that placed it: handled again after a crash, that update finds its own order).
pub struct SeatsAndOrder {
    pub held: i64,
    pub live: Option<(OrderRow, Option<i64>)>,
}

pub async fn seats_and_live_order(tx: &mut Tx, user_id: i64, class_key: &str) -> sqlx::Result<SeatsAndOrder> {
    let columns: Vec<String> = ORDER_COLUMNS.split(", ").map(|c| format!("o.{c}")).collect();
    let row = sqlx::query(&format!(
        "SELECT (SELECT COUNT(*) FROM orders h WHERE h.class_key = $2 AND h.status IN ({seats})) AS held,
                {columns}, o.placed_by_update
         FROM (SELECT 1 AS one) x
         LEFT JOIN orders o ON o.user_id = $1 AND o.class_key = $2 AND o.status NOT IN ('cancelled', 'rejected')",
        seats = seat_statuses_sql(),
        columns = columns.join(", ")
    ))
    .bind(user_id)
    .bind(class_key)
    .fetch_one(&mut **tx)
    .await?;
    let live = match row.try_get::<Option<i64>, _>("id")? {
        Some(_) => Some((order_from_row(&row)?, row.try_get("placed_by_update")?)),
        None => None,
    };
    Ok(SeatsAndOrder { held: row.try_get("held")?, live })
}

pub struct NewOrder<'a> {
    /// The update whose handling places it (see [`seats_and_live_order`]).
    pub update_id: Option<i64>,
    pub number: &'a OrderNumber,
    pub user_id: i64,
    pub class_key: &'a str,
    pub status: OrderStatus,
    pub now: DateTime<Utc>,
}

/// Inserts the order, or returns `None` when its number is taken already (the caller draws another).
pub async fn insert(tx: &mut Tx, o: &NewOrder<'_>) -> sqlx::Result<Option<OrderRow>> {
    let now = to_epoch(o.now);
    let waitlisted_at = (o.status == OrderStatus::Waitlisted).then_some(now);
    let row = sqlx::query(&format!(
        "INSERT INTO orders (number, user_id, class_key, status, created_at, updated_at, waitlisted_at, placed_by_update)
         VALUES ($1, $2, $3, $4, $5, $5, $6, $7) ON CONFLICT (number) DO NOTHING RETURNING {ORDER_COLUMNS}"
    ))
    .bind(o.number.as_str())
    .bind(o.user_id)
    .bind(o.class_key)
    .bind(o.status.as_str())
    .bind(now)
    .bind(waitlisted_at)
    .bind(o.update_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let order = order_from_row(&row)?;
    record_event(tx, order.id, None, o.status, o.now, Some(o.user_id)).await?;
    Ok(Some(order))
}

async fn record_event(
    tx: &mut Tx,
    order_id: i64,
    from: Option<OrderStatus>,
    to: OrderStatus,
    at: DateTime<Utc>,
    actor: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO order_events (order_id, at, from_status, to_status, actor) VALUES ($1, $2, $3, $4, $5)")
        .bind(order_id)
        .bind(to_epoch(at))
        .bind(from.map(|s| s.as_str()))
        .bind(to.as_str())
        .bind(actor)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Moves an order from `from` to `to`. Returns false (and changes nothing) when the order is no
/// longer in `from`: the compare-and-set that makes double taps and stale buttons harmless.
pub async fn transition(
    tx: &mut Tx,
    order_id: i64,
    from: OrderStatus,
    to: OrderStatus,
    at: DateTime<Utc>,
    actor: Option<i64>,
    offer_expires_at: Option<DateTime<Utc>>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE orders SET status = $1, updated_at = $2, offer_expires_at = $3,
             waitlisted_at = CASE WHEN $1 = 'waitlisted' THEN COALESCE(waitlisted_at, $2) ELSE waitlisted_at END,
             cancel_requested_at = CASE WHEN $1 IN ('cancelled', 'rejected') THEN NULL ELSE cancel_requested_at END
         WHERE id = $4 AND status = $5",
    )
    .bind(to.as_str())
    .bind(to_epoch(at))
    .bind(offer_expires_at.map(to_epoch))
    .bind(order_id)
    .bind(from.as_str())
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1;
    if done {
        record_event(tx, order_id, Some(from), to, at, actor).await?;
    }
    Ok(done)
}

pub async fn mark_cancel_requested(tx: &mut Tx, order_id: i64, at: DateTime<Utc>) -> sqlx::Result<bool> {
    Ok(sqlx::query(
        "UPDATE orders SET cancel_requested_at = $1, updated_at = $1 WHERE id = $2 AND cancel_requested_at IS NULL",
    )
    .bind(to_epoch(at))
    .bind(order_id)
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1)
}

/// The first person on the class's waitlist.
pub async fn first_waitlisted(tx: &mut Tx, class_key: &str) -> sqlx::Result<Option<OrderRow>> {
    sqlx::query(&format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE class_key = $1 AND status = 'waitlisted'
         ORDER BY waitlisted_at, id LIMIT 1"
    ))
    .bind(class_key)
    .fetch_optional(&mut **tx)
    .await?
    .as_ref()
    .map(order_from_row)
    .transpose()
}

/// 1-based position on the waitlist.
pub async fn waitlist_position(db: &Db, order: &OrderRow) -> sqlx::Result<i64> {
    let at = order.waitlisted_at.map(to_epoch).unwrap_or(i64::MAX);
    let ahead: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM orders WHERE class_key = $1 AND status = 'waitlisted'
         AND (waitlisted_at < $2 OR (waitlisted_at = $2 AND id < $3))",
    )
    .bind(&order.class_key)
    .bind(at)
    .bind(order.id)
    .fetch_one(&db.pool)
    .await?
    .try_get("n")?;
    Ok(ahead + 1)
}

pub async fn get(db: &Db, order_id: i64) -> sqlx::Result<Option<OrderRow>> {
    sqlx::query(&format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = $1"))
        .bind(order_id)
        .fetch_optional(&db.pool)
        .await?
        .as_ref()
        .map(order_from_row)
        .transpose()
}

pub async fn get_in_tx(tx: &mut Tx, order_id: i64) -> sqlx::Result<Option<OrderRow>> {
    sqlx::query(&format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = $1"))
        .bind(order_id)
        .fetch_optional(&mut **tx)
        .await?
        .as_ref()
        .map(order_from_row)
        .transpose()
}

/// A person's orders, newest first.
pub async fn of_user(db: &Db, user_id: i64) -> sqlx::Result<Vec<OrderRow>> {
    let rows = sqlx::query(&format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE user_id = $1 ORDER BY created_at DESC, id DESC"
    ))
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(order_from_row).collect()
}

/// Which of a person's orders ended because a seat offer ran out (the system, not the person,
/// cancelled an offered order).
pub async fn lapsed_offers(db: &Db, user_id: i64) -> sqlx::Result<std::collections::HashSet<i64>> {
    let rows = sqlx::query(
        "SELECT e.order_id FROM order_events e JOIN orders o ON o.id = e.order_id
         WHERE o.user_id = $1 AND o.status = 'cancelled'
           AND e.from_status = 'offered' AND e.to_status = 'cancelled' AND e.actor IS NULL",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(|r| r.try_get("order_id")).collect()
}

/// Offers whose time is up, oldest first.
pub async fn expired_offers(db: &Db, now: DateTime<Utc>) -> sqlx::Result<Vec<OrderRow>> {
    let rows = sqlx::query(&format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE status = 'offered' AND offer_expires_at <= $1
         ORDER BY offer_expires_at, id"
    ))
    .bind(to_epoch(now))
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(order_from_row).collect()
}

/// When the next offer expires, for the worker's timer.
pub async fn next_offer_expiry(db: &Db) -> sqlx::Result<Option<DateTime<Utc>>> {
    let row = sqlx::query("SELECT MIN(offer_expires_at) AS t FROM orders WHERE status = 'offered'")
        .fetch_one(&db.pool)
        .await?;
    Ok(row.try_get::<Option<i64>, _>("t")?.map(from_epoch))
}

pub async fn count_in_status(db: &Db, class_key: &str, status: OrderStatus) -> sqlx::Result<i64> {
    sqlx::query("SELECT COUNT(*) AS n FROM orders WHERE class_key = $1 AND status = $2")
        .bind(class_key)
        .bind(status.as_str())
        .fetch_one(&db.pool)
        .await?
        .try_get("n")
}

/// Records a 点单 request; returns false when this person already asked for this topic here.
pub async fn insert_course_request(
    tx: &mut Tx,
    user_id: i64,
    township_key: &str,
    topic: &str,
    topic_text: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    Ok(sqlx::query(
        "INSERT INTO course_requests (user_id, township_key, topic, topic_text, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (user_id, township_key, topic) DO NOTHING",
    )
    .bind(user_id)
    .bind(township_key)
    .bind(topic)
    .bind(topic_text)
    .bind(to_epoch(now))
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1)
}

pub async fn course_request_count(tx: &mut Tx, township_key: &str, topic: &str) -> sqlx::Result<i64> {
    sqlx::query("SELECT COUNT(*) AS n FROM course_requests WHERE township_key = $1 AND topic = $2")
        .bind(township_key)
        .bind(topic)
        .fetch_one(&mut **tx)
        .await?
        .try_get("n")
}

/// Marks the threshold alert as sent; false if it was already.
pub async fn claim_request_alert(
    tx: &mut Tx,
    township_key: &str,
    topic: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    Ok(sqlx::query(
        "INSERT INTO course_request_alerts (township_key, topic, sent_at) VALUES ($1, $2, $3)
         ON CONFLICT (township_key, topic) DO NOTHING",
    )
    .bind(township_key)
    .bind(topic)
    .bind(to_epoch(now))
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestTally {
    pub township_key: String,
    pub topic: String,
    pub example_text: String,
    pub people: i64,
}

/// Requests per township and topic within the regions under `region_prefix_keys` (township keys).
pub async fn request_tally(db: &Db, township_keys: &[String]) -> sqlx::Result<Vec<RequestTally>> {
    if township_keys.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (1..=township_keys.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT township_key, topic, MIN(topic_text) AS example, COUNT(*) AS n FROM course_requests
         WHERE township_key IN ({}) GROUP BY township_key, topic ORDER BY n DESC, township_key, topic",
        placeholders.join(", ")
    );
    let mut q = sqlx::query(&sql);
    for k in township_keys {
        q = q.bind(k);
    }
    let rows = q.fetch_all(&db.pool).await?;
    rows.iter()
        .map(|r| {
            Ok(RequestTally {
                township_key: r.try_get("township_key")?,
                topic: r.try_get("topic")?,
                example_text: r.try_get("example")?,
                people: r.try_get("n")?,
            })
        })
        .collect()
}

/// The coordinator refused a late cancellation: the order stands.
pub async fn clear_cancel_request(tx: &mut Tx, order_id: i64, at: DateTime<Utc>) -> sqlx::Result<bool> {
    Ok(sqlx::query(
        "UPDATE orders SET cancel_requested_at = NULL, updated_at = $1 WHERE id = $2 AND cancel_requested_at IS NOT NULL",
    )
    .bind(to_epoch(at))
    .bind(order_id)
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1)
}

/// Orders of a class in one status, oldest first.
pub async fn of_class(db: &Db, class_key: &str, status: OrderStatus) -> sqlx::Result<Vec<OrderRow>> {
    let rows = sqlx::query(&format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE class_key = $1 AND status = $2 ORDER BY created_at, id"
    ))
    .bind(class_key)
    .bind(status.as_str())
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(order_from_row).collect()
}

/// Records "I'll come" / "can't come" for a session (the latest answer counts).
pub async fn record_rsvp(
    tx: &mut Tx,
    order_id: i64,
    session_id: i64,
    coming: bool,
    at: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO session_rsvps (order_id, session_id, answer, at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (order_id, session_id) DO UPDATE SET answer = excluded.answer, at = excluded.at",
    )
    .bind(order_id)
    .bind(session_id)
    .bind(if coming { "coming" } else { "not_coming" })
    .bind(to_epoch(at))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
