//! The durable inbox (`inbox`): updates are stored before Telegram is told they arrived, then claimed by
//! workers one chat at a time, in order, and marked handled in the transaction that saves the dialog
//! step and keyboard record they made ([`finish`]).
//!
//! Row life: `pending` → (claimed) `working` → `handled`, or back to `pending` after a failure, or `parked`
//! after [`MAX_ATTEMPTS`] handlings that failed or died. A `working` row whose lease ran out belongs to a
//! worker that died: it is pending again. Leases and ages are wall-clock instants: they are about the
//! machine, not the programme's calendar.

use chrono::{DateTime, Utc};

use super::row::{Epoch, MaybeEpoch};
use super::sql::Sql;
use super::{Backend, Db, to_epoch};

/// Handlings begun before an update is parked (a crash in the middle counts as one).
pub const MAX_ATTEMPTS: i64 = 3;

/// An update as it arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incoming {
    pub update_id: i64,
    pub chat_key: i64,
    pub kind: String,
    pub payload: String,
}

/// An update handed to a worker.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Claimed {
    pub update_id: i64,
    pub chat_key: i64,
    pub kind: String,
    pub payload: String,
    /// Handlings begun, this one included.
    pub attempts: i64,
}

/// A parked update, for admins.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Parked {
    pub update_id: i64,
    pub chat_key: i64,
    pub kind: String,
    pub last_error: Option<String>,
    #[sqlx(try_from = "Epoch")]
    pub received_at: DateTime<Utc>,
}

/// Stores updates in one statement (so atomically, and one round trip however many came in a poll);
/// one already stored (a replay) is left as it is. Returns how many were new.
pub async fn store(db: &Db, updates: &[Incoming], now: DateTime<Utc>) -> sqlx::Result<u64> {
    store_announced(db, updates, now, None).await
}

/// [`store`], and on PostgreSQL with `announce` set, tells the other replicas in the same statement
/// (`pg_notify` on `fieldschool_inbox` with "<announce> <how many new>", sent when it commits; nothing
/// when none was new).
pub async fn store_announced(
    db: &Db,
    updates: &[Incoming],
    now: DateTime<Utc>,
    announce: Option<&str>,
) -> sqlx::Result<u64> {
    if updates.is_empty() {
        return Ok(0);
    }
    let announce = announce.filter(|_| db.backend == Backend::Postgres);
    let mut sql = Sql::new(if announce.is_some() { "WITH stored AS (" } else { "" });
    sql.push("INSERT INTO inbox (update_id, chat_key, kind, payload, status, attempts, received_at) VALUES ");
    let received_at = sql.bind(to_epoch(now));
    for (i, u) in updates.iter().enumerate() {
        sql.push(if i == 0 { "(" } else { ", (" });
        sql.push_bind(u.update_id).push(", ").push_bind(u.chat_key).push(", ");
        sql.push_bind(u.kind.as_str()).push(", ").push_bind(u.payload.as_str());
        sql.push(", 'pending', 0, ").push(&received_at).push(")");
    }
    sql.push(" ON CONFLICT (update_id) DO NOTHING");
    match announce {
        None => Ok(sql.build()?.execute(&db.pool).await?.rows_affected()),
        Some(tag) => {
            sql.push(
                " RETURNING 1), counted AS (SELECT COUNT(*) AS new FROM stored)
                 SELECT new, (SELECT COUNT(*) FROM (SELECT pg_notify('fieldschool_inbox', ",
            );
            sql.push_bind(tag).push(" || ' ' || new::text) WHERE new > 0) n) AS announced FROM counted");
            let (new,): (i64,) = sql.build_query_as()?.fetch_one(&db.pool).await?;
            Ok(new as u64)
        }
    }
}

/// The highest update id stored (the polling offset goes past it).
pub async fn last_update_id(db: &Db) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT MAX(update_id) AS m FROM inbox").fetch_one(&db.pool).await
}

/// The next claimable update: the earliest pending one of a chat that has nothing earlier pending or
/// being handled, so each chat's updates go one at a time, in order, whichever worker or replica takes
/// them.
fn next_claimable(backend: Backend) -> String {
    let lock = backend.claim_rows();
    format!(
        "SELECT i.update_id FROM inbox i
         WHERE i.status = 'pending'
           AND NOT EXISTS (SELECT 1 FROM inbox j WHERE j.chat_key = i.chat_key AND j.update_id < i.update_id
                                                    AND j.status IN ('pending', 'working'))
         ORDER BY i.update_id LIMIT 1 {lock}"
    )
}

const CLAIM_SET: &str = "status = 'working', claimed_by = $1, claimed_until = $2, attempts = attempts + 1";

/// Claims the next update a worker may handle (see [`next_claimable`]). One statement, so one round trip
/// (rows whose lease ran out are put back by [`reclaim_expired`], not here: that would be a second write
/// on every claim).
pub async fn claim(
    db: &Db,
    worker: &str,
    now: DateTime<Utc>,
    lease: chrono::Duration,
) -> sqlx::Result<Option<Claimed>> {
    sqlx::query_as(&format!(
        "UPDATE inbox SET {CLAIM_SET} WHERE update_id = ({})
         RETURNING update_id, chat_key, kind, payload, attempts",
        next_claimable(db.backend)
    ))
    .bind(worker)
    .bind(to_epoch(now + lease))
    .fetch_optional(&db.pool)
    .await
}

/// [`claim`], and in the same statement what handling it will read first: the facts of its chat
/// ([`super::chat_facts`]) as they stand once the chat's earlier updates are done, read as those of
/// the person whose private chat it is (the chat id is the user id there; the bot answers nowhere else).
pub async fn claim_with_facts(
    db: &Db,
    worker: &str,
    now: DateTime<Utc>,
    lease: chrono::Duration,
) -> sqlx::Result<Option<(Claimed, super::chat_facts::ChatFacts)>> {
    // Two complete statements: PostgreSQL joins the facts onto the claimed row (a data-modifying CTE);
    // SQLite cannot put an UPDATE in a CTE, so the facts are subqueries in its RETURNING.
    let sql = match db.backend {
        Backend::Postgres => format!(
            "WITH claimed AS (
                 UPDATE inbox SET {CLAIM_SET} WHERE update_id = ({next})
                 RETURNING update_id, chat_key, kind, payload, attempts)
             SELECT c.update_id, c.chat_key, c.kind, c.payload, c.attempts,
                    d.state AS dialog_state, k.message_id AS keyboard_message_id, k.buttons AS keyboard_buttons,
                    p.unreachable_at, {roles} AS roles_json, {person}, {version}
             FROM claimed c
             LEFT JOIN dialogs d ON d.chat_id = c.chat_key
             LEFT JOIN chat_keyboards k ON k.chat_id = c.chat_key
             LEFT JOIN people p ON p.user_id = c.chat_key",
            next = next_claimable(db.backend),
            roles = db.backend.roles_json("p.user_id"),
            person = super::people::person_columns_of("p"),
            version = super::chat_facts::CATALOG_VERSION,
        ),
        Backend::Sqlite => {
            // SQLite's RETURNING cannot join, but it can run subqueries on the row it updated; each is a
            // primary-key lookup inside the same step, with no extra trip to SQLite's thread.
            let of = |table: &str, key: &str, column: &str, alias: &str| {
                format!("(SELECT x.{column} FROM {table} x WHERE x.{key} = inbox.chat_key) AS {alias}")
            };
            let mut facts = vec![
                of("dialogs", "chat_id", "state", "dialog_state"),
                of("chat_keyboards", "chat_id", "message_id", "keyboard_message_id"),
                of("chat_keyboards", "chat_id", "buttons", "keyboard_buttons"),
                of("people", "user_id", "unreachable_at", "unreachable_at"),
                format!("{} AS roles_json", db.backend.roles_json("inbox.chat_key")),
            ];
            facts.extend(super::people::PERSON_COLUMNS.split(", ").map(|c| of("people", "user_id", c, c)));
            facts.push(super::chat_facts::CATALOG_VERSION.to_owned());
            format!(
                "UPDATE inbox SET {CLAIM_SET} WHERE update_id = ({next})
                 RETURNING update_id, chat_key, kind, payload, attempts, {facts}",
                next = next_claimable(db.backend),
                facts = facts.join(", ")
            )
        }
    };
    let row = sqlx::query(&sql).bind(worker).bind(to_epoch(now + lease)).fetch_optional(&db.pool).await?;
    let Some(row) = row else { return Ok(None) };
    let claimed = <Claimed as sqlx::FromRow<_>>::from_row(&row)?;
    let facts = super::chat_facts::read(&row, claimed.chat_key)?;
    Ok(Some((claimed, facts)))
}

/// Puts back the updates whose worker's lease ran out (it died, or its replica did): pending again,
/// or parked once they have had their tries. Returns how many came back.
pub async fn reclaim_expired(db: &Db, now: DateTime<Utc>) -> sqlx::Result<u64> {
    Ok(sqlx::query(
        "UPDATE inbox SET status = CASE WHEN attempts >= $2 THEN 'parked' ELSE 'pending' END,
                          last_error = COALESCE(last_error, 'its worker stopped in the middle'),
                          claimed_by = NULL, claimed_until = NULL
         WHERE status = 'working' AND claimed_until <= $1",
    )
    .bind(to_epoch(now))
    .bind(MAX_ATTEMPTS)
    .execute(&db.pool)
    .await?
    .rows_affected())
}

/// What an update changed in its chat's conversation, kept until its handler finished.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ChatStep {
    /// The chat's new dialog step.
    pub dialog: Option<(i64, crate::domain::dialog::State)>,
    /// The buttons now on screen in the chat (`Some((chat, None))`: none).
    pub keyboard: Option<(i64, Option<super::keyboards::ScreenKeyboard>)>,
}

impl ChatStep {
    /// What of `self` differs from `loaded` (the chat as the update found it): an unchanged dialog or
    /// keyboard need not be written again.
    pub fn changed_since(self, loaded: &ChatStep) -> ChatStep {
        ChatStep {
            dialog: self.dialog.filter(|d| loaded.dialog.as_ref() != Some(d)),
            keyboard: self.keyboard.filter(|k| loaded.keyboard.as_ref() != Some(k)),
        }
    }
}

/// Marks an update handled together with the chat step it made, atomically: a restart then neither
/// redoes the step nor loses it. It runs on every update, so it is one statement where it can be (on
/// PostgreSQL the writes are data-modifying CTEs of the mark; on SQLite one batch inside a transaction).
pub async fn finish(
    db: &Db,
    update_id: i64,
    step: &ChatStep,
    now: DateTime<Utc>,
    handled_at: DateTime<Utc>,
) -> Result<(), super::dialogs::DialogStorageError> {
    // The values are bound first and the statement's text, whose shape depends on the engine, is
    // written once they all have their placeholders.
    let mut sql = Sql::new("");
    let mut writes: Vec<String> = Vec::new();
    if let Some((chat, state)) = &step.dialog {
        let chat = sql.bind(*chat);
        if *state == crate::domain::dialog::State::Idle {
            writes.push(format!("DELETE FROM dialogs WHERE chat_id = {chat}"));
        } else {
            let json = sql.bind(serde_json::to_string(state)?);
            let at = sql.bind(to_epoch(now));
            writes.push(format!(
                "INSERT INTO dialogs (chat_id, state, updated_at) VALUES ({chat}, {json}, {at})
                 ON CONFLICT (chat_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at"
            ));
        }
    }
    if let Some((chat, keyboard)) = &step.keyboard {
        let chat = sql.bind(*chat);
        match keyboard {
            None => writes.push(format!("DELETE FROM chat_keyboards WHERE chat_id = {chat}")),
            Some(keyboard) => {
                let buttons = serde_json::to_string(&keyboard.buttons)?;
                let message = sql.bind(keyboard.message_id.map(i64::from));
                let buttons = sql.bind(buttons);
                let at = sql.bind(to_epoch(now));
                writes.push(format!(
                    "INSERT INTO chat_keyboards (chat_id, message_id, buttons, updated_at)
                     VALUES ({chat}, {message}, {buttons}, {at})
                     ON CONFLICT (chat_id) DO UPDATE SET message_id = excluded.message_id, buttons = excluded.buttons,
                         updated_at = excluded.updated_at"
                ));
            }
        }
    }
    let id = sql.bind(update_id);
    let at = sql.bind(to_epoch(handled_at));
    let mark = format!(
        "UPDATE inbox SET status = 'handled', handled_at = {at}, claimed_by = NULL, claimed_until = NULL,
                          last_error = NULL
         WHERE update_id = {id} AND status = 'working'"
    );
    if writes.is_empty() {
        sql.push(&mark).build()?.execute(&db.pool).await?;
        return Ok(());
    }
    match db.backend {
        Backend::Postgres => {
            // Data-modifying CTEs run exactly once, with the mark, in the statement's own transaction.
            let ctes: Vec<String> = writes.iter().enumerate().map(|(i, w)| format!("w{i} AS ({w})")).collect();
            sql.push(&format!("WITH {} {mark}", ctes.join(", ")));
            sql.build()?.execute(&db.pool).await?;
        }
        Backend::Sqlite => {
            // One batch, transaction included, so one hand-off to SQLite's thread instead of five; each
            // statement takes its `$n` from the shared arguments.
            sql.push(&format!("BEGIN IMMEDIATE;\n{};\n{mark};\nCOMMIT", writes.join(";\n")));
            let batch = sql.build()?;
            let mut conn = db.pool.acquire().await?;
            if let Err(e) = batch.execute(&mut *conn).await {
                // What ran of the batch is undone, so the connection goes back to the pool clean; if
                // even that fails, the connection is closed rather than reused mid-transaction.
                if sqlx::query("ROLLBACK").execute(&mut *conn).await.is_err() {
                    conn.close_on_drop();
                }
                return Err(e.into());
            }
        }
    }
    Ok(())
}

/// A handling failed: pending again for another try, or parked with the error after [`MAX_ATTEMPTS`].
/// Returns whether it was parked.
pub async fn mark_failed(db: &Db, update_id: i64, error: &str) -> sqlx::Result<bool> {
    let status: Option<String> = sqlx::query_scalar(
        "UPDATE inbox SET status = CASE WHEN attempts >= $2 THEN 'parked' ELSE 'pending' END,
                          last_error = $3, claimed_by = NULL, claimed_until = NULL
         WHERE update_id = $1 AND status = 'working' RETURNING status",
    )
    .bind(update_id)
    .bind(MAX_ATTEMPTS)
    .bind(error)
    .fetch_optional(&db.pool)
    .await?;
    Ok(status.as_deref() == Some("parked"))
}

/// A process starting as `worker` takes back what its dead predecessor of that name was handling.
pub async fn release_worker(db: &Db, worker: &str) -> sqlx::Result<u64> {
    Ok(sqlx::query(
        "UPDATE inbox SET status = CASE WHEN attempts >= $2 THEN 'parked' ELSE 'pending' END,
                          last_error = COALESCE(last_error, 'its worker stopped in the middle'),
                          claimed_by = NULL, claimed_until = NULL
         WHERE status = 'working' AND claimed_by = $1",
    )
    .bind(worker)
    .bind(MAX_ATTEMPTS)
    .execute(&db.pool)
    .await?
    .rows_affected())
}

/// Parked updates, oldest first.
pub async fn parked(db: &Db, limit: i64) -> sqlx::Result<Vec<Parked>> {
    sqlx::query_as(
        "SELECT update_id, chat_key, kind, last_error, received_at FROM inbox WHERE status = 'parked'
         ORDER BY update_id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(&db.pool)
    .await
}

/// Puts parked updates (one, or all with `None`) back for another try. Returns how many.
pub async fn retry_parked(db: &Db, update_id: Option<i64>) -> sqlx::Result<u64> {
    let done = match update_id {
        Some(id) => {
            sqlx::query("UPDATE inbox SET status = 'pending', attempts = 0 WHERE status = 'parked' AND update_id = $1")
                .bind(id)
                .execute(&db.pool)
                .await?
        }
        None => {
            sqlx::query("UPDATE inbox SET status = 'pending', attempts = 0 WHERE status = 'parked'")
                .execute(&db.pool)
                .await?
        }
    };
    Ok(done.rows_affected())
}

/// Deletes handled updates handled before `before`. Returns how many.
pub async fn prune(db: &Db, before: DateTime<Utc>) -> sqlx::Result<u64> {
    Ok(sqlx::query("DELETE FROM inbox WHERE status = 'handled' AND handled_at < $1")
        .bind(to_epoch(before))
        .execute(&db.pool)
        .await?
        .rows_affected())
}

/// Counts by status and the age of the oldest update waiting, for health and metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Depth {
    pub pending: i64,
    pub working: i64,
    pub parked: i64,
    pub oldest_waiting: Option<DateTime<Utc>>,
}

pub async fn depth(db: &Db) -> sqlx::Result<Depth> {
    let rows: Vec<(String, i64, MaybeEpoch)> = sqlx::query_as(
        // One branch per status, each answered from its own partial index (a handled row is in none).
        "SELECT 'pending' AS status, COUNT(*) AS n, MIN(received_at) AS oldest FROM inbox WHERE status = 'pending'
         UNION ALL
         SELECT 'working', COUNT(*), MIN(received_at) FROM inbox WHERE status = 'working'
         UNION ALL
         SELECT 'parked', COUNT(*), MIN(received_at) FROM inbox WHERE status = 'parked'",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut depth = Depth::default();
    for (status, n, oldest) in rows {
        match status.as_str() {
            "parked" => depth.parked = n,
            waiting => {
                if waiting == "pending" {
                    depth.pending = n;
                } else {
                    depth.working = n;
                }
                if let Some(o) = Option::<DateTime<Utc>>::from(oldest) {
                    depth.oldest_waiting = Some(depth.oldest_waiting.map_or(o, |d| d.min(o)));
                }
            }
        }
    }
    Ok(depth)
}

/// Updates being handled under a live lease (over all replicas).
pub async fn leases(db: &Db, now: DateTime<Utc>) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) AS n FROM inbox WHERE status = 'working' AND claimed_until > $1")
        .bind(to_epoch(now))
        .fetch_one(&db.pool)
        .await
}

/// Whether an update is handled (tests and operators).
pub async fn status(db: &Db, update_id: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT status FROM inbox WHERE update_id = $1").bind(update_id).fetch_optional(&db.pool).await
}

/// The worker handling `update_id` is alive: its claim holds until `until`. False when the update is no
/// longer that worker's (its lease ran out and another took it).
pub async fn renew(db: &Db, update_id: i64, worker: &str, until: DateTime<Utc>) -> sqlx::Result<bool> {
    Ok(sqlx::query(
        "UPDATE inbox SET claimed_until = $3 WHERE update_id = $1 AND claimed_by = $2 AND status = 'working'",
    )
    .bind(update_id)
    .bind(worker)
    .bind(to_epoch(until))
    .execute(&db.pool)
    .await?
    .rows_affected()
        == 1)
}

/// Takes or renews the lease on `job` for `holder` until `until`: true when `holder` has it (it held it
/// already, nobody did, or the last holder's lease ran out).
pub async fn hold_lease(
    db: &Db,
    job: &str,
    holder: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> sqlx::Result<bool> {
    Ok(sqlx::query(
        "INSERT INTO job_leases (job, holder, until) VALUES ($1, $2, $3)
         ON CONFLICT (job) DO UPDATE SET holder = excluded.holder, until = excluded.until
         WHERE job_leases.holder = excluded.holder OR job_leases.until <= $4",
    )
    .bind(job)
    .bind(holder)
    .bind(to_epoch(until))
    .bind(to_epoch(now))
    .execute(&db.pool)
    .await?
    .rows_affected()
        == 1)
}

/// Gives the lease on `job` back (a clean stop), so another replica need not wait for it to run out.
pub async fn release_lease(db: &Db, job: &str, holder: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM job_leases WHERE job = $1 AND holder = $2")
        .bind(job)
        .bind(holder)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Who holds the lease on `job` now (tests and operators).
pub async fn lease_holder(db: &Db, job: &str, now: DateTime<Utc>) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT holder FROM job_leases WHERE job = $1 AND until > $2")
        .bind(job)
        .bind(to_epoch(now))
        .fetch_optional(&db.pool)
        .await
}
