//! The daily lesson: who subscribed and at what local time, and each day planned for them (the outbox
//! row it became, and once sent, the reading that counts it).

use chrono::{DateTime, NaiveDate, Utc};

use super::row::{Epoch, MaybeEpoch};
use super::{Db, Tx, to_epoch};

/// A subscription: the local time of day in minutes after midnight, and when it was chosen.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Subscription {
    pub user_id: i64,
    pub at_minute: i64,
    #[sqlx(try_from = "Epoch")]
    pub since: DateTime<Utc>,
}

pub async fn subscription(db: &Db, user_id: i64) -> sqlx::Result<Option<Subscription>> {
    sqlx::query_as("SELECT user_id, at_minute, since FROM lesson_subscriptions WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await
}

/// Subscribes, or changes the time of a subscription.
pub async fn subscribe(tx: &mut Tx, user_id: i64, at_minute: u16, now: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO lesson_subscriptions (user_id, at_minute, since, created_at) VALUES ($1, $2, $3, $3)
         ON CONFLICT (user_id) DO UPDATE SET at_minute = excluded.at_minute, since = excluded.since",
    )
    .bind(user_id)
    .bind(i64::from(at_minute))
    .bind(to_epoch(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Ends a subscription; `false` when there was none.
pub async fn unsubscribe(tx: &mut Tx, user_id: i64) -> sqlx::Result<bool> {
    Ok(sqlx::query("DELETE FROM lesson_subscriptions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?
        .rows_affected()
        > 0)
}

/// A subscriber as the scheduler sees them: their time, their village (for the time zone) and what was
/// planned for them so far.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SubscriberRow {
    pub user_id: i64,
    pub at_minute: i64,
    #[sqlx(try_from = "Epoch")]
    pub since: DateTime<Utc>,
    pub village_key: Option<String>,
    /// The latest local date planned (`YYYY-MM-DD`).
    pub last_planned: Option<String>,
    #[sqlx(try_from = "MaybeEpoch")]
    pub last_sent_at: Option<DateTime<Utc>>,
    /// Daily lessons queued and not yet sent or dropped.
    pub waiting: i64,
}

pub async fn subscribers(db: &Db) -> sqlx::Result<Vec<SubscriberRow>> {
    sqlx::query_as(
        "SELECT s.user_id, s.at_minute, s.since, p.village_key,
             (SELECT MAX(d.local_date) FROM lesson_daily_plans d WHERE d.user_id = s.user_id) AS last_planned,
             (SELECT MAX(d.sent_at) FROM lesson_daily_plans d WHERE d.user_id = s.user_id) AS last_sent_at,
             (SELECT COUNT(*) FROM lesson_daily_plans d WHERE d.user_id = s.user_id AND d.state = 'pending') AS waiting
         FROM lesson_subscriptions s JOIN people p ON p.user_id = s.user_id
         ORDER BY s.user_id",
    )
    .fetch_all(&db.pool)
    .await
}

/// What a day's plan became.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanState {
    Pending,
    Sent,
    Dropped,
    Nothing,
}

impl PlanState {
    fn as_str(self) -> &'static str {
        match self {
            PlanState::Pending => "pending",
            PlanState::Sent => "sent",
            PlanState::Dropped => "dropped",
            PlanState::Nothing => "nothing",
        }
    }
}

/// Records the plan of a local date; `false` when that date was planned already (another pass got
/// there first).
pub async fn insert_plan(
    tx: &mut Tx,
    user_id: i64,
    date: NaiveDate,
    lesson_id: Option<i64>,
    outbox_id: Option<i64>,
    state: PlanState,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    Ok(sqlx::query(
        "INSERT INTO lesson_daily_plans (user_id, local_date, lesson_id, outbox_id, state, planned_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (user_id, local_date) DO NOTHING",
    )
    .bind(user_id)
    .bind(date.to_string())
    .bind(lesson_id)
    .bind(outbox_id)
    .bind(state.as_str())
    .bind(to_epoch(now))
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1)
}

/// A waiting plan whose outbox row has gone out, failed or been withdrawn (or is gone).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Unsettled {
    pub user_id: i64,
    pub local_date: String,
    pub lesson_id: Option<i64>,
    /// The outbox row's status; `None` when the row is gone.
    pub status: Option<String>,
    #[sqlx(try_from = "MaybeEpoch")]
    pub sent_at: Option<DateTime<Utc>>,
}

/// Waiting plans whose outbox row is no longer waiting (of one person, or everyone's).
pub async fn unsettled(db: &Db, user_id: Option<i64>) -> sqlx::Result<Vec<Unsettled>> {
    sqlx::query_as(
        "SELECT d.user_id, d.local_date, d.lesson_id, o.status, o.sent_at
         FROM lesson_daily_plans d LEFT JOIN outbox o ON o.id = d.outbox_id
         WHERE d.state = 'pending' AND ($1 IS NULL OR d.user_id = $1)
           AND (o.id IS NULL OR o.status NOT IN ('pending', 'sending'))
         ORDER BY d.user_id, d.local_date",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await
}

/// Settles a waiting plan: sent (with its reading) or dropped. `false` when it was settled already.
pub async fn settle(
    tx: &mut Tx,
    user_id: i64,
    local_date: &str,
    sent: Option<(DateTime<Utc>, i64)>,
) -> sqlx::Result<bool> {
    let state = if sent.is_some() { PlanState::Sent } else { PlanState::Dropped };
    Ok(sqlx::query(
        "UPDATE lesson_daily_plans SET state = $3, sent_at = $4, reading_id = $5
         WHERE user_id = $1 AND local_date = $2 AND state = 'pending'",
    )
    .bind(user_id)
    .bind(local_date)
    .bind(state.as_str())
    .bind(sent.map(|(at, _)| to_epoch(at)))
    .bind(sent.map(|(_, reading)| reading))
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1)
}

/// The reading a sent daily lesson counts as: a new one (source `daily`, sent then, not yet opened), or
/// the person's unfinished reading of that lesson if they had begun it already.
pub async fn reading_for_sent(
    tx: &mut Tx,
    user_id: i64,
    lesson_id: i64,
    source: &str,
    sent_at: DateTime<Utc>,
) -> sqlx::Result<i64> {
    let (step, index) = crate::domain::lesson::Step::START.to_stored();
    let inserted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO lesson_readings (user_id, lesson_id, source, sent_at, step, step_index, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $4) ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(user_id)
    .bind(lesson_id)
    .bind(source)
    .bind(to_epoch(sent_at))
    .bind(step)
    .bind(index)
    .fetch_optional(&mut **tx)
    .await?;
    match inserted {
        Some(id) => Ok(id),
        None => {
            sqlx::query_scalar(
                "SELECT id FROM lesson_readings WHERE user_id = $1 AND lesson_id = $2 AND finished_at IS NULL",
            )
            .bind(user_id)
            .bind(lesson_id)
            .fetch_one(&mut **tx)
            .await
        }
    }
}

/// The outbox row of a person's waiting daily lesson, to withdraw when they unsubscribe.
pub async fn waiting_outbox(tx: &mut Tx, user_id: i64) -> sqlx::Result<Vec<(String, Option<i64>)>> {
    sqlx::query_as("SELECT local_date, outbox_id FROM lesson_daily_plans WHERE user_id = $1 AND state = 'pending'")
        .bind(user_id)
        .fetch_all(&mut **tx)
        .await
}

/// Marks a reading opened (the person tapped its button), if it was not yet.
pub async fn mark_opened(tx: &mut Tx, reading_id: i64, now: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query("UPDATE lesson_readings SET opened_at = $2 WHERE id = $1 AND opened_at IS NULL")
        .bind(reading_id)
        .bind(to_epoch(now))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// How many daily lessons were sent to the person (for `/mydata`).
pub async fn sent_count(db: &Db, user_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM lesson_daily_plans WHERE user_id = $1 AND state = 'sent'")
        .bind(user_id)
        .fetch_one(&db.pool)
        .await
}
