//! The durable outbox: every message the bot sends on its own initiative (reminders, nudges,
//! broadcasts, digests, coordinator lines) is a row here first, written in the same transaction as
//! the change that caused it, so a crash loses nothing. The worker in `crate::outbox` claims due
//! rows under a lease, sends them and records the outcome.
//!
//! Row life: `pending` → (claimed) `sending` → `sent` | `failed` | back to `pending` (retry), or
//! `pending` → `cancelled` (withdrawn, deadline passed, recipient unreachable). A `sending` row
//! whose lease (`claimed_until`) has run out belongs to a worker that died; it becomes claimable
//! again, so at most the one message in flight at a crash can go out twice.
//!
//! The message types live here rather than in `outbox` because storage must not depend on the
//! layer above it; `crate::outbox` re-exports them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::row::{Epoch, MaybeEpoch};
use super::sql::Sql;
use super::{Db, Tx, from_epoch, to_epoch};
use crate::domain::gate::{MessageKind, SendRule};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ParseModeKind {
    Html,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayloadButton {
    pub text: String,
    pub callback_data: String,
}

/// What to send, already rendered in the recipient's language. A photo or a document (not both)
/// carries `text` as its caption.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Payload {
    pub text: String,
    pub parse_mode: Option<ParseModeKind>,
    /// Inline keyboard rows of callback buttons.
    pub buttons: Vec<Vec<PayloadButton>>,
    pub photo_png: Option<Vec<u8>>,
    /// A photo Telegram already has (a trainer's attached picture), by its file id.
    pub photo_id: Option<String>,
    /// File name and bytes.
    pub document: Option<(String, Vec<u8>)>,
    /// Set when `text` names a day relative to the day it was planned for ("明天 09:00").
    pub day_bound: Option<DayBound>,
}

/// A text that says "today" or "tomorrow" holds only on the day it was planned for; sent on another
/// day (the bot was down, the gate moved it) the message says `other_day_text` instead: the same with
/// the date alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayBound {
    pub day: chrono::NaiveDate,
    /// The time zone `day` is a date of.
    pub tz: String,
    pub other_day_text: String,
}

impl Payload {
    /// The payload as it should go out at `now` (see [`DayBound`]).
    pub fn at(&self, now: DateTime<Utc>) -> std::borrow::Cow<'_, Payload> {
        match &self.day_bound {
            Some(bound)
                if bound
                    .tz
                    .parse::<chrono_tz::Tz>()
                    .is_ok_and(|tz| now.with_timezone(&tz).date_naive() != bound.day) =>
            {
                std::borrow::Cow::Owned(Payload { text: bound.other_day_text.clone(), ..self.clone() })
            }
            _ => std::borrow::Cow::Borrowed(self),
        }
    }

    pub fn text(text: impl Into<String>) -> Payload {
        Payload { text: text.into(), ..Payload::default() }
    }

    pub fn html(text: impl Into<String>) -> Payload {
        Payload { text: text.into(), parse_mode: Some(ParseModeKind::Html), ..Payload::default() }
    }
}

/// The part of [`Payload`] kept as JSON; binary parts have their own columns.
#[derive(Serialize, Deserialize)]
struct StoredPayload {
    text: String,
    #[serde(default)]
    parse_mode: Option<ParseModeKind>,
    #[serde(default)]
    buttons: Vec<Vec<PayloadButton>>,
    #[serde(default)]
    photo_id: Option<String>,
    #[serde(default)]
    day_bound: Option<DayBound>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    pub chat_id: i64,
    /// "reminder", "notice", "broadcast", "digest", "survey", …
    pub kind: String,
    pub payload: Payload,
    /// The same key is never queued twice while an earlier row with it is not cancelled.
    pub dedupe_key: Option<String>,
    pub planned_at: DateTime<Utc>,
    /// Already decided by the gate (quiet hours, pauses), which the caller applies.
    pub due_at: DateTime<Utc>,
    /// Not sent at all if it cannot go out before this.
    pub deadline_at: Option<DateTime<Utc>>,
    /// e.g. "broadcast:42", so a sender can follow progress with [`group_progress`].
    pub group_key: Option<String>,
    /// How the gate timed it, so it can be timed again if it goes out late.
    pub rule: SendRule,
}

/// What a row's Bot API call was doing when its worker died.
pub const INTERRUPTED: &str = "interrupted while sending: delivery unknown";

/// The rule of a row as stored (see migration 0009).
pub fn rule_to_text(rule: &SendRule) -> String {
    let kind = match rule.kind {
        MessageKind::Notice => "notice".to_owned(),
        MessageKind::Digest => "digest".to_owned(),
        MessageKind::SurveyNudge => "survey".to_owned(),
        MessageKind::Broadcast { urgent: false } => "broadcast".to_owned(),
        MessageKind::Broadcast { urgent: true } => "broadcast!".to_owned(),
        MessageKind::Reminder { deadline } => format!("reminder@{}", to_epoch(deadline)),
    };
    if rule.personal { format!("{kind};personal") } else { kind }
}

/// The stored rule; rows queued before rules were stored (NULL) are timed as personal notices.
pub fn rule_from_text(text: Option<&str>) -> Option<SendRule> {
    let Some(text) = text else { return Some(SendRule { kind: MessageKind::Notice, personal: true }) };
    let (kind, personal) = match text.split_once(';') {
        Some((kind, "personal")) => (kind, true),
        Some(_) => return None,
        None => (text, false),
    };
    let kind = match kind {
        "notice" => MessageKind::Notice,
        "digest" => MessageKind::Digest,
        "survey" => MessageKind::SurveyNudge,
        "broadcast" => MessageKind::Broadcast { urgent: false },
        "broadcast!" => MessageKind::Broadcast { urgent: true },
        other => MessageKind::Reminder { deadline: from_epoch(other.strip_prefix("reminder@")?.parse().ok()?) },
    };
    Some(SendRule { kind, personal })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pending,
    Sending,
    Sent,
    Failed,
    Cancelled,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Sending => "sending",
            Status::Sent => "sent",
            Status::Failed => "failed",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Some(match s {
            "pending" => Status::Pending,
            "sending" => Status::Sending,
            "sent" => Status::Sent,
            "failed" => Status::Failed,
            "cancelled" => Status::Cancelled,
            _ => return None,
        })
    }
}

/// A row handed to a worker, leased until `claimed_until`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimed {
    pub id: i64,
    pub chat_id: i64,
    pub kind: String,
    pub payload: Payload,
    pub dedupe_key: Option<String>,
    pub group_key: Option<String>,
    pub planned_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub deadline_at: Option<DateTime<Utc>>,
    /// Failed transient attempts so far.
    pub attempts: i64,
    pub claimed_until: DateTime<Utc>,
    pub rule: SendRule,
}

/// A row as an operator (or a test) sees it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OutboxRow {
    pub id: i64,
    pub chat_id: i64,
    pub kind: String,
    pub status: Status,
    pub attempts: i64,
    #[sqlx(try_from = "Epoch")]
    pub due_at: DateTime<Utc>,
    pub last_error: Option<String>,
    #[sqlx(try_from = "MaybeEpoch")]
    pub sent_at: Option<DateTime<Utc>>,
    pub group_key: Option<String>,
}

/// Counts by status of one group (e.g. one broadcast).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GroupProgress {
    pub pending: i64,
    pub sending: i64,
    pub sent: i64,
    pub failed: i64,
    pub cancelled: i64,
}

impl GroupProgress {
    pub fn total(&self) -> i64 {
        self.pending + self.sending + self.sent + self.failed + self.cancelled
    }

    /// Nothing left to do: every row is sent, failed or cancelled.
    pub fn is_finished(&self) -> bool {
        self.pending == 0 && self.sending == 0
    }
}

const CLAIMED_COLUMNS: &str = "id, chat_id, kind, payload, photo, document_name, document, dedupe_key, group_key, \
     planned_at, due_at, deadline_at, attempts, claimed_until, send_rule";

/// A [`Claimed`] row as stored ([`CLAIMED_COLUMNS`]): the payload is JSON plus binary columns, the rule text.
#[derive(sqlx::FromRow)]
struct ClaimedRow {
    id: i64,
    chat_id: i64,
    kind: String,
    payload: String,
    photo: Option<Vec<u8>>,
    document_name: Option<String>,
    document: Option<Vec<u8>>,
    dedupe_key: Option<String>,
    group_key: Option<String>,
    #[sqlx(try_from = "Epoch")]
    planned_at: DateTime<Utc>,
    #[sqlx(try_from = "Epoch")]
    due_at: DateTime<Utc>,
    #[sqlx(try_from = "MaybeEpoch")]
    deadline_at: Option<DateTime<Utc>>,
    attempts: i64,
    /// Set by the claim that returns the row; NULL would read as the epoch.
    #[sqlx(try_from = "MaybeEpoch")]
    claimed_until: Option<DateTime<Utc>>,
    send_rule: Option<String>,
}

impl TryFrom<ClaimedRow> for Claimed {
    type Error = sqlx::Error;

    fn try_from(row: ClaimedRow) -> sqlx::Result<Claimed> {
        let stored: StoredPayload = serde_json::from_str(&row.payload)
            .map_err(|e| sqlx::Error::Decode(format!("outbox payload: {e}").into()))?;
        let rule = rule_from_text(row.send_rule.as_deref())
            .ok_or_else(|| sqlx::Error::Decode("unknown outbox send rule".into()))?;
        Ok(Claimed {
            id: row.id,
            chat_id: row.chat_id,
            kind: row.kind,
            payload: Payload {
                text: stored.text,
                parse_mode: stored.parse_mode,
                buttons: stored.buttons,
                photo_id: stored.photo_id,
                day_bound: stored.day_bound,
                photo_png: row.photo,
                document: row.document.map(|bytes| (row.document_name.unwrap_or_default(), bytes)),
            },
            dedupe_key: row.dedupe_key,
            group_key: row.group_key,
            planned_at: row.planned_at,
            due_at: row.due_at,
            deadline_at: row.deadline_at,
            attempts: row.attempts,
            claimed_until: row.claimed_until.unwrap_or_default(),
            rule,
        })
    }
}

/// The columns [`enqueue`] and [`enqueue_many`] write, in their order, and the values of one row.
const ENQUEUE_COLUMNS: &str = "chat_id, kind, payload, photo, document_name, document, dedupe_key, group_key,
                             planned_at, due_at, deadline_at, send_rule, status, attempts, created_at";

/// Appends one message's `VALUES` tuple, [`ENQUEUE_COLUMNS`] in their order.
fn push_message<'q>(sql: &mut Sql<'q>, msg: &'q NewMessage) -> sqlx::Result<()> {
    let stored = StoredPayload {
        text: msg.payload.text.clone(),
        parse_mode: msg.payload.parse_mode,
        buttons: msg.payload.buttons.clone(),
        photo_id: msg.payload.photo_id.clone(),
        day_bound: msg.payload.day_bound.clone(),
    };
    let json = serde_json::to_string(&stored).map_err(|e| sqlx::Error::Encode(e.into()))?;
    let (document_name, document) = match &msg.payload.document {
        Some((name, bytes)) => (Some(name.clone()), Some(bytes.clone())),
        None => (None, None),
    };
    sql.push("(").push_bind(msg.chat_id).push(", ").push_bind(&msg.kind).push(", ").push_bind(json).push(", ");
    sql.push_bind(msg.payload.photo_png.clone()).push(", ").push_bind(document_name).push(", ");
    sql.push_bind(document).push(", ").push_bind(&msg.dedupe_key).push(", ").push_bind(&msg.group_key).push(", ");
    // `created_at` is the planned instant: one value, named twice.
    let planned_at = sql.bind(to_epoch(msg.planned_at));
    sql.push(&planned_at).push(", ").push_bind(to_epoch(msg.due_at)).push(", ");
    sql.push_bind(msg.deadline_at.map(to_epoch)).push(", ").push_bind(rule_to_text(&msg.rule));
    sql.push(", 'pending', 0, ").push(&planned_at).push(")");
    Ok(())
}

/// Queues a message inside the caller's transaction. A `dedupe_key` already used by a row that is
/// not cancelled makes this a no-op returning `None`.
pub async fn enqueue(tx: &mut Tx, msg: &NewMessage) -> sqlx::Result<Option<i64>> {
    let mut sql = Sql::new(format!("INSERT INTO outbox ({ENQUEUE_COLUMNS}) VALUES "));
    push_message(&mut sql, msg)?;
    sql.push(" ON CONFLICT (dedupe_key) WHERE status <> 'cancelled' DO NOTHING RETURNING id");
    let id: Option<(i64,)> = sql.build_query_as()?.fetch_optional(&mut **tx).await?;
    Ok(id.map(|(id,)| id))
}

/// Queues several messages in one statement (a confirmed order's reminders); those whose
/// `dedupe_key` is taken are skipped as in [`enqueue`]. Returns how many were queued.
pub async fn enqueue_many(tx: &mut Tx, messages: &[NewMessage]) -> sqlx::Result<u64> {
    if messages.is_empty() {
        return Ok(0);
    }
    let mut sql = Sql::new(format!("INSERT INTO outbox ({ENQUEUE_COLUMNS}) VALUES "));
    for (i, msg) in messages.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        push_message(&mut sql, msg)?;
    }
    sql.push(" ON CONFLICT (dedupe_key) WHERE status <> 'cancelled' DO NOTHING");
    Ok(sql.build()?.execute(&mut **tx).await?.rows_affected())
}

/// Withdraws one pending row. Returns whether it was pending (a row already being sent is not
/// withdrawn).
pub async fn cancel(tx: &mut Tx, id: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE outbox SET status = 'cancelled', last_error = 'withdrawn' WHERE id = $1 AND status = 'pending'",
    )
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Withdraws every pending row whose dedupe key starts with `prefix` (e.g. the reminders of a
/// session that moved). Returns how many.
pub async fn cancel_by_dedupe_prefix(tx: &mut Tx, prefix: &str) -> sqlx::Result<u64> {
    // substr rather than LIKE: keys may contain '%' or '_', and SQLite's LIKE ignores case.
    let done = sqlx::query(
        "UPDATE outbox SET status = 'cancelled', last_error = 'withdrawn'
         WHERE status = 'pending' AND dedupe_key IS NOT NULL AND substr(dedupe_key, 1, length($1)) = $1",
    )
    .bind(prefix)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected())
}

/// A row withdrawn by [`cancel_for_chat`].
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CancelledRow {
    pub id: i64,
    pub chat_id: i64,
    pub kind: String,
    pub group_key: Option<String>,
}

/// Withdraws every pending row for one chat (used when the recipient blocked the bot).
pub async fn cancel_for_chat(db: &Db, chat_id: i64, reason: &str) -> sqlx::Result<Vec<CancelledRow>> {
    sqlx::query_as(
        "UPDATE outbox SET status = 'cancelled', last_error = $2 WHERE chat_id = $1 AND status = 'pending'
         RETURNING id, chat_id, kind, group_key",
    )
    .bind(chat_id)
    .bind(reason)
    .fetch_all(&db.pool)
    .await
}

/// What [`claim_due`] took: rows to send, and rows of dead workers whose Bot API call had begun.
#[derive(Debug, Default)]
pub struct Claim {
    pub rows: Vec<Claimed>,
    /// Marked failed with [`INTERRUPTED`]: Telegram may have delivered them, so they are not sent again.
    pub interrupted: Vec<CancelledRow>,
}

/// Claims up to `limit` rows that are due at `now` (oldest first), leasing them to `worker_id`
/// until `now + lease`. Rows whose lease ran out (their worker died) are claimable again, unless their
/// Bot API call had begun: those are settled as interrupted.
pub async fn claim_due(
    db: &Db,
    now: DateTime<Utc>,
    limit: i64,
    worker_id: &str,
    lease: chrono::Duration,
) -> sqlx::Result<Claim> {
    let now_s = to_epoch(now);
    let until = to_epoch(now + lease);
    // Several workers may share a PostgreSQL database: each skips rows another is claiming.
    let lock = db.backend.claim_rows();
    let mut tx = db.begin_write().await?;
    // Expired leases first; `status = 'sending'` is a prefix of the due index, and such rows are few.
    let interrupted = settle_dead_claims(&mut tx, DeadClaims::LeaseEndedBy(now_s)).await?;
    let rows: Vec<ClaimedRow> = sqlx::query_as(&format!(
        "UPDATE outbox SET status = 'sending', claimed_by = $3, claimed_until = $2
         WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND due_at <= $1
                      ORDER BY due_at, id LIMIT $4 {lock})
         RETURNING {CLAIMED_COLUMNS}"
    ))
    .bind(now_s)
    .bind(until)
    .bind(worker_id)
    .bind(limit)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let mut claimed = rows.into_iter().map(Claimed::try_from).collect::<sqlx::Result<Vec<_>>>()?;
    // RETURNING gives no order guarantee.
    claimed.sort_by_key(|c| (c.due_at, c.id));
    Ok(Claim { rows: claimed, interrupted })
}

/// Rows held by a worker that is gone.
enum DeadClaims<'a> {
    /// Their lease ran out before this instant (epoch seconds).
    LeaseEndedBy(i64),
    /// Held by this worker identity, now taken by a new process.
    HeldBy(&'a str),
}

/// Rows of a gone worker: those whose call had not begun go back to the queue; those whose call had
/// begun are settled as [`INTERRUPTED`] (Telegram may have them) and returned.
async fn settle_dead_claims(tx: &mut Tx, which: DeadClaims<'_>) -> sqlx::Result<Vec<CancelledRow>> {
    let clause = match which {
        DeadClaims::LeaseEndedBy(_) => "claimed_until <= $1",
        DeadClaims::HeldBy(_) => "claimed_by = $1",
    };
    let interrupted_sql = format!(
        "UPDATE outbox SET status = 'failed', last_error = '{INTERRUPTED}', claimed_by = NULL, claimed_until = NULL
         WHERE status = 'sending' AND send_started_at IS NOT NULL AND {clause}
         RETURNING id, chat_id, kind, group_key"
    );
    let free_sql = format!(
        "UPDATE outbox SET status = 'pending', claimed_by = NULL, claimed_until = NULL
         WHERE status = 'sending' AND {clause}"
    );
    let (interrupted, free) = (sqlx::query_as(&interrupted_sql), sqlx::query(&free_sql));
    let (interrupted, free) = match which {
        DeadClaims::LeaseEndedBy(t) => (interrupted.bind(t), free.bind(t)),
        DeadClaims::HeldBy(w) => (interrupted.bind(w), free.bind(w)),
    };
    let interrupted = interrupted.fetch_all(&mut **tx).await?;
    free.execute(&mut **tx).await?;
    Ok(interrupted)
}

/// A process starting as `worker_id` takes back what its dead predecessor of that name held (see
/// [`settle_dead_claims`]), and records itself as the holder of the name.
pub async fn take_over(
    db: &Db,
    worker_id: &str,
    host: &str,
    pid: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<Vec<CancelledRow>> {
    let mut tx = db.begin_write().await?;
    let interrupted = settle_dead_claims(&mut tx, DeadClaims::HeldBy(worker_id)).await?;
    sqlx::query(
        "INSERT INTO outbox_workers (worker_id, host, pid, started_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (worker_id) DO UPDATE SET host = excluded.host, pid = excluded.pid, started_at = excluded.started_at",
    )
    .bind(worker_id)
    .bind(host)
    .bind(pid)
    .bind(to_epoch(now))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(interrupted)
}

/// Which process last took `worker_id`: its host and process id.
pub async fn worker_holder(db: &Db, worker_id: &str) -> sqlx::Result<Option<(String, i64)>> {
    sqlx::query_as("SELECT host, pid FROM outbox_workers WHERE worker_id = $1")
        .bind(worker_id)
        .fetch_optional(&db.pool)
        .await
}

/// Just before the Bot API call: notes that the call begins. `false` when the row is no longer this
/// worker's (its lease ran out and another took it): then it must not be sent.
pub async fn mark_started(db: &Db, id: i64, worker_id: &str, now: DateTime<Utc>) -> sqlx::Result<bool> {
    let done =
        sqlx::query("UPDATE outbox SET send_started_at = $3 WHERE id = $1 AND claimed_by = $2 AND status = 'sending'")
            .bind(id)
            .bind(worker_id)
            .bind(to_epoch(now))
            .execute(&db.pool)
            .await?;
    Ok(done.rows_affected() > 0)
}

/// Telegram refused the call without delivering (429): the row is still this worker's, not begun.
pub async fn unmark_started(db: &Db, id: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE outbox SET send_started_at = NULL WHERE id = $1").bind(id).execute(&db.pool).await?;
    Ok(())
}

/// The gate moved a claimed row to a later instant (it fell due when it could not go).
pub async fn replan(db: &Db, id: i64, due_at: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE outbox SET status = 'pending', due_at = $2, claimed_by = NULL, claimed_until = NULL,
                           send_started_at = NULL
         WHERE id = $1",
    )
    .bind(id)
    .bind(to_epoch(due_at))
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Extends the lease on rows this worker still holds (a long pacing wait must not let another
/// worker take them).
pub async fn extend_lease(db: &Db, ids: &[i64], worker_id: &str, until: DateTime<Utc>) -> sqlx::Result<()> {
    for chunk in ids.chunks(500) {
        let list = id_list(chunk);
        sqlx::query(&format!(
            "UPDATE outbox SET claimed_until = $1 WHERE status = 'sending' AND claimed_by = $2 AND id IN ({list})"
        ))
        .bind(to_epoch(until))
        .bind(worker_id)
        .execute(&db.pool)
        .await?;
    }
    Ok(())
}

/// Hands rows this worker claimed but did not send back to the queue (orderly shutdown).
pub async fn release(db: &Db, ids: &[i64], worker_id: &str) -> sqlx::Result<()> {
    for chunk in ids.chunks(500) {
        let list = id_list(chunk);
        sqlx::query(&format!(
            "UPDATE outbox SET status = 'pending', claimed_by = NULL, claimed_until = NULL
             WHERE status = 'sending' AND claimed_by = $1 AND id IN ({list})"
        ))
        .bind(worker_id)
        .execute(&db.pool)
        .await?;
    }
    Ok(())
}

fn id_list(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

pub async fn mark_sent(db: &Db, id: i64, now: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE outbox SET status = 'sent', sent_at = $2, claimed_by = NULL, claimed_until = NULL, last_error = NULL,
                           send_started_at = NULL
         WHERE id = $1",
    )
    .bind(id)
    .bind(to_epoch(now))
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// A transient failure: back to `pending`, due again at `next_due`, one more attempt counted.
pub async fn mark_retry(db: &Db, id: i64, next_due: DateTime<Utc>, error: &str) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE outbox SET status = 'pending', due_at = $2, attempts = attempts + 1, last_error = $3,
                           claimed_by = NULL, claimed_until = NULL, send_started_at = NULL
         WHERE id = $1",
    )
    .bind(id)
    .bind(to_epoch(next_due))
    .bind(error)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// A permanent failure: never retried.
pub async fn mark_failed(db: &Db, id: i64, error: &str) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = $2,
                           claimed_by = NULL, claimed_until = NULL, send_started_at = NULL
         WHERE id = $1",
    )
    .bind(id)
    .bind(error)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Dropped without sending (e.g. its deadline passed while it waited).
pub async fn mark_cancelled(db: &Db, id: i64, reason: &str) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE outbox SET status = 'cancelled', last_error = $2, claimed_by = NULL, claimed_until = NULL,
                           send_started_at = NULL
         WHERE id = $1",
    )
    .bind(id)
    .bind(reason)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// When the worker next has something to do: the earliest pending due time or the earliest lease
/// expiry of a row being sent, whichever comes first.
pub async fn next_due_at(db: &Db) -> sqlx::Result<Option<DateTime<Utc>>> {
    // One round trip; each MIN is the first entry of its partial index.
    let (pending, lease): (Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT (SELECT MIN(due_at) FROM outbox WHERE status = 'pending') AS pending,
                (SELECT MIN(claimed_until) FROM outbox WHERE status = 'sending') AS lease",
    )
    .fetch_one(&db.pool)
    .await?;
    Ok(match (pending, lease) {
        (Some(a), Some(b)) => Some(from_epoch(a.min(b))),
        (a, b) => a.or(b).map(from_epoch),
    })
}

/// Per kind: rows waiting to be sent and the due instant of the oldest that is due already (its lag).
pub async fn depth_by_kind(db: &Db) -> sqlx::Result<Vec<(String, i64, Option<DateTime<Utc>>)>> {
    let now = to_epoch(Utc::now());
    let rows: Vec<(String, i64, MaybeEpoch)> = sqlx::query_as(
        "SELECT kind, COUNT(*) AS n, MIN(CASE WHEN due_at <= $1 THEN due_at END) AS oldest_due
         FROM outbox WHERE status IN ('pending', 'sending') GROUP BY kind ORDER BY kind",
    )
    .bind(now)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|(kind, n, oldest_due)| (kind, n, oldest_due.into())).collect())
}

pub async fn group_progress(db: &Db, group_key: &str) -> sqlx::Result<GroupProgress> {
    let rows: Vec<(Status, i64)> =
        sqlx::query_as("SELECT status, COUNT(*) AS n FROM outbox WHERE group_key = $1 GROUP BY status")
            .bind(group_key)
            .fetch_all(&db.pool)
            .await?;
    let mut progress = GroupProgress::default();
    for (status, n) in rows {
        match status {
            Status::Pending => progress.pending = n,
            Status::Sending => progress.sending = n,
            Status::Sent => progress.sent = n,
            Status::Failed => progress.failed = n,
            Status::Cancelled => progress.cancelled = n,
        }
    }
    Ok(progress)
}

const ROW_COLUMNS: &str = "id, chat_id, kind, status, attempts, due_at, last_error, sent_at, group_key";

pub async fn get(db: &Db, id: i64) -> sqlx::Result<Option<OutboxRow>> {
    sqlx::query_as(&format!("SELECT {ROW_COLUMNS} FROM outbox WHERE id = $1")).bind(id).fetch_optional(&db.pool).await
}

/// Every row for one chat, oldest first (operators' view and tests).
pub async fn for_chat(db: &Db, chat_id: i64) -> sqlx::Result<Vec<OutboxRow>> {
    sqlx::query_as(&format!("SELECT {ROW_COLUMNS} FROM outbox WHERE chat_id = $1 ORDER BY id"))
        .bind(chat_id)
        .fetch_all(&db.pool)
        .await
}

/// Whether a row with this dedupe key was ever queued (and not cancelled).
pub async fn dedupe_exists(db: &Db, key: &str) -> sqlx::Result<bool> {
    Ok(sqlx::query("SELECT 1 AS one FROM outbox WHERE dedupe_key = $1 AND status <> 'cancelled'")
        .bind(key)
        .fetch_optional(&db.pool)
        .await?
        .is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_that_says_tomorrow_says_the_date_alone_when_it_goes_on_another_day() {
        let payload = Payload {
            text: "tomorrow, 12 Dec".into(),
            day_bound: Some(DayBound {
                day: chrono::NaiveDate::from_ymd_opt(2026, 12, 11).unwrap(),
                tz: "Asia/Shanghai".into(),
                other_day_text: "12 Dec".into(),
            }),
            ..Payload::default()
        };
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().to_utc();
        // 19:30 and 23:59 in Beijing on the 11th: as planned.
        assert_eq!(payload.at(at("2026-12-11T11:30:00Z")).text, "tomorrow, 12 Dec");
        assert_eq!(payload.at(at("2026-12-11T15:59:00Z")).text, "tomorrow, 12 Dec");
        // 07:30 on the 12th in Beijing (still the 11th in UTC): the date alone.
        assert_eq!(payload.at(at("2026-12-11T23:30:00Z")).text, "12 Dec");
        assert_eq!(Payload::text("plain").at(at("2030-01-01T00:00:00Z")).text, "plain");
    }
}
