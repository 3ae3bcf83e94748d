//! Orders, the waitlist, and 点单 course requests.

use chrono::{DateTime, Utc};

use sqlx::FromRow;

use super::row::{Epoch, Flag, MaybeEpoch, optional};
use super::sql::Sql;
use super::{Backend, Db, Tx, to_epoch};
use crate::domain::order::{OrderNumber, OrderStatus};
use crate::domain::person::Audience;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OrderRow {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub number: OrderNumber,
    pub user_id: i64,
    pub class_key: String,
    pub status: OrderStatus,
    #[sqlx(try_from = "Epoch")]
    pub created_at: DateTime<Utc>,
    #[sqlx(try_from = "MaybeEpoch")]
    pub waitlisted_at: Option<DateTime<Utc>>,
    #[sqlx(try_from = "MaybeEpoch")]
    pub offer_expires_at: Option<DateTime<Utc>>,
    #[sqlx(try_from = "MaybeEpoch")]
    pub cancel_requested_at: Option<DateTime<Utc>>,
}

const ORDER_COLUMNS: &str =
    "id, number, user_id, class_key, status, created_at, waitlisted_at, offer_expires_at, cancel_requested_at";
/// [`ORDER_COLUMNS`] of the orders aliased `o` in a join.
const JOINED_ORDER_COLUMNS: &str = "o.id, o.number, o.user_id, o.class_key, o.status, o.created_at, o.waitlisted_at, \
     o.offer_expires_at, o.cancel_requested_at";

/// What seat-taking needs to know about a class, read under a lock.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ClassForOrder {
    pub class_key: String,
    pub course_key: String,
    pub region_key: String,
    pub capacity: i64,
    #[sqlx(try_from = "Flag")]
    pub open: bool,
    pub audience: Audience,
    #[sqlx(try_from = "Flag")]
    pub needs_approval: bool,
    /// The first scheduled session's start (None when the class has none).
    #[sqlx(try_from = "MaybeEpoch")]
    pub first_session_at: Option<DateTime<Utc>>,
    /// The last scheduled session's end.
    #[sqlx(try_from = "MaybeEpoch")]
    pub last_session_end: Option<DateTime<Utc>>,
}

/// Reads the class and, on PostgreSQL, locks its row until the transaction ends, so seat-taking for
/// one class is serialised (on SQLite, `BEGIN IMMEDIATE` already serialises all writers).
pub async fn lock_class(tx: &mut Tx, backend: Backend, class_key: &str) -> sqlx::Result<Option<ClassForOrder>> {
    let lock = backend.lock_rows_of("cl");
    // The sessions' span comes in the same statement: what the lock may wait for is another order of
    // the class, which changes no session.
    sqlx::query_as(&format!(
        "SELECT cl.key AS class_key, cl.course_key, cl.region_key, cl.capacity,
                CASE WHEN cl.status = 'open' THEN 1 ELSE 0 END AS open, co.audience, co.needs_approval,
                (SELECT MIN(s.starts_at) FROM sessions s WHERE s.class_key = cl.key AND s.status = 'scheduled')
                    AS first_session_at,
                (SELECT MAX(s.ends_at) FROM sessions s WHERE s.class_key = cl.key AND s.status = 'scheduled')
                    AS last_session_end
         FROM classes cl JOIN courses co ON co.key = cl.course_key WHERE cl.key = $1{lock}"
    ))
    .bind(class_key)
    .fetch_optional(&mut **tx)
    .await
}

fn seat_statuses_sql() -> String {
    OrderStatus::HOLDS_SEAT.iter().map(|s| format!("'{}'", s.as_str())).collect::<Vec<_>>().join(", ")
}

pub async fn seats_held(tx: &mut Tx, class_key: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar(&format!(
        "SELECT COUNT(*) AS n FROM orders WHERE class_key = $1 AND status IN ({})",
        seat_statuses_sql()
    ))
    .bind(class_key)
    .fetch_one(&mut **tx)
    .await
}

/// Seats held per class, for listings (no lock).
pub async fn seats_held_now(db: &Db, class_key: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar(&format!(
        "SELECT COUNT(*) AS n FROM orders WHERE class_key = $1 AND status IN ({})",
        seat_statuses_sql()
    ))
    .bind(class_key)
    .fetch_one(&db.pool)
    .await
}

/// What placing an order in a class finds, read under the class lock in one statement: the seats held
/// and the person's live order there (with the update that placed it: handled again after a crash, that update finds its own order).
pub struct SeatsAndOrder {
    pub held: i64,
    pub live: Option<(OrderRow, Option<i64>)>,
}

pub async fn seats_and_live_order(tx: &mut Tx, user_id: i64, class_key: &str) -> sqlx::Result<SeatsAndOrder> {
    #[derive(sqlx::FromRow)]
    struct Around {
        held: i64,
        placed_by_update: Option<i64>,
    }
    let row = sqlx::query(&format!(
        "SELECT (SELECT COUNT(*) FROM orders h WHERE h.class_key = $2 AND h.status IN ({seats})) AS held,
                {JOINED_ORDER_COLUMNS}, o.placed_by_update
         FROM (SELECT 1 AS one) x
         LEFT JOIN orders o ON o.user_id = $1 AND o.class_key = $2 AND o.status NOT IN ('cancelled', 'rejected')",
        seats = seat_statuses_sql(),
    ))
    .bind(user_id)
    .bind(class_key)
    .fetch_one(&mut **tx)
    .await?;
    let around = Around::from_row(&row)?;
    let live = optional::<OrderRow>(&row, "id")?.map(|order| (order, around.placed_by_update));
    Ok(SeatsAndOrder { held: around.held, live })
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
    let order: Option<OrderRow> = sqlx::query_as(&format!(
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
    let Some(order) = order else { return Ok(None) };
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
    sqlx::query_as(&format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE class_key = $1 AND status = 'waitlisted'
         ORDER BY waitlisted_at, id LIMIT 1"
    ))
    .bind(class_key)
    .fetch_optional(&mut **tx)
    .await
}

/// 1-based position on the waitlist.
pub async fn waitlist_position(db: &Db, order: &OrderRow) -> sqlx::Result<i64> {
    let at = order.waitlisted_at.map(to_epoch).unwrap_or(i64::MAX);
    let ahead: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) AS n FROM orders WHERE class_key = $1 AND status = 'waitlisted'
         AND (waitlisted_at < $2 OR (waitlisted_at = $2 AND id < $3))",
    )
    .bind(&order.class_key)
    .bind(at)
    .bind(order.id)
    .fetch_one(&db.pool)
    .await?;
    Ok(ahead + 1)
}

pub async fn get(db: &Db, order_id: i64) -> sqlx::Result<Option<OrderRow>> {
    sqlx::query_as(&format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = $1"))
        .bind(order_id)
        .fetch_optional(&db.pool)
        .await
}

pub async fn get_in_tx(tx: &mut Tx, order_id: i64) -> sqlx::Result<Option<OrderRow>> {
    sqlx::query_as(&format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = $1"))
        .bind(order_id)
        .fetch_optional(&mut **tx)
        .await
}

/// A person's orders, newest first.
pub async fn of_user(db: &Db, user_id: i64) -> sqlx::Result<Vec<OrderRow>> {
    sqlx::query_as(&format!("SELECT {ORDER_COLUMNS} FROM orders WHERE user_id = $1 ORDER BY created_at DESC, id DESC"))
        .bind(user_id)
        .fetch_all(&db.pool)
        .await
}

/// Which of a person's orders ended because a seat offer ran out (the system, not the person,
/// cancelled an offered order).
pub async fn lapsed_offers(db: &Db, user_id: i64) -> sqlx::Result<std::collections::HashSet<i64>> {
    sqlx::query_scalar(
        "SELECT e.order_id FROM order_events e JOIN orders o ON o.id = e.order_id
         WHERE o.user_id = $1 AND o.status = 'cancelled'
           AND e.from_status = 'offered' AND e.to_status = 'cancelled' AND e.actor IS NULL",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await
    .map(|ids| ids.into_iter().collect())
}

/// Offers whose time is up, oldest first.
pub async fn expired_offers(db: &Db, now: DateTime<Utc>) -> sqlx::Result<Vec<OrderRow>> {
    sqlx::query_as(&format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE status = 'offered' AND offer_expires_at <= $1
         ORDER BY offer_expires_at, id"
    ))
    .bind(to_epoch(now))
    .fetch_all(&db.pool)
    .await
}

/// When the next offer expires, for the worker's timer.
pub async fn next_offer_expiry(db: &Db) -> sqlx::Result<Option<DateTime<Utc>>> {
    let next: MaybeEpoch = sqlx::query_scalar("SELECT MIN(offer_expires_at) FROM orders WHERE status = 'offered'")
        .fetch_one(&db.pool)
        .await?;
    Ok(next.into())
}

pub async fn count_in_status(db: &Db, class_key: &str, status: OrderStatus) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) AS n FROM orders WHERE class_key = $1 AND status = $2")
        .bind(class_key)
        .bind(status.as_str())
        .fetch_one(&db.pool)
        .await
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
    sqlx::query_scalar("SELECT COUNT(*) AS n FROM course_requests WHERE township_key = $1 AND topic = $2")
        .bind(township_key)
        .bind(topic)
        .fetch_one(&mut **tx)
        .await
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

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
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
    let mut sql = Sql::new(
        "SELECT township_key, topic, MIN(topic_text) AS example_text, COUNT(*) AS people FROM course_requests
         WHERE township_key IN (",
    );
    sql.push_list(township_keys).push(") GROUP BY township_key, topic ORDER BY people DESC, township_key, topic");
    sql.build_query_as()?.fetch_all(&db.pool).await
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
    sqlx::query_as(&format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE class_key = $1 AND status = $2 ORDER BY created_at, id"
    ))
    .bind(class_key)
    .bind(status.as_str())
    .fetch_all(&db.pool)
    .await
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
