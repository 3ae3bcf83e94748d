//! One-time invite links that grant a role.

use chrono::{DateTime, Utc};

use super::row::Epoch;
use super::{Db, Tx, to_epoch};
use crate::domain::person::{Role, RoleGrant};

pub async fn insert(
    tx: &mut Tx,
    token: &str,
    grant: &RoleGrant,
    trainer_key: Option<&str>,
    now: DateTime<Utc>,
    expires: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO invites (token, role, region_key, trainer_key, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token)
    .bind(grant.role.as_str())
    .bind(&grant.region_key)
    .bind(trainer_key)
    .bind(to_epoch(now))
    .bind(to_epoch(expires))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The catalogue trainer a trainer invite stands for, if it names one.
pub async fn trainer_key(tx: &mut Tx, token: &str) -> sqlx::Result<Option<String>> {
    let trainer_key: Option<Option<String>> = sqlx::query_scalar("SELECT trainer_key FROM invites WHERE token = $1")
        .bind(token)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(trainer_key.flatten())
}

/// Links a person to a catalogue trainer (their classes, sessions and messages about them).
pub async fn link_trainer(tx: &mut Tx, user_id: i64, trainer_key: &str, now: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO trainer_links (user_id, trainer_key, linked_at) VALUES ($1, $2, $3)
         ON CONFLICT (user_id) DO UPDATE SET trainer_key = excluded.trainer_key, linked_at = excluded.linked_at",
    )
    .bind(user_id)
    .bind(trainer_key)
    .bind(to_epoch(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The catalogue trainer a person is linked to, read in the caller's transaction.
pub async fn linked_trainer(tx: &mut Tx, user_id: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT trainer_key FROM trainer_links WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(&mut **tx)
        .await
}

/// Every catalogue trainer's key, for an operator's error message.
pub async fn trainer_keys(db: &Db) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT key FROM trainers ORDER BY key").fetch_all(&db.pool).await
}

/// What an invite is, without using it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    Open { grant: RoleGrant, trainer_key: Option<String> },
    Expired,
    AlreadyUsed,
    Unknown,
}

/// An invite as [`lookup`] and [`redeem`] read it.
#[derive(sqlx::FromRow)]
struct Invite {
    role: Role,
    region_key: String,
    #[sqlx(try_from = "Epoch")]
    expires_at: DateTime<Utc>,
    used_by: Option<i64>,
}

pub async fn lookup(db: &Db, token: &str, now: DateTime<Utc>) -> sqlx::Result<Lookup> {
    #[derive(sqlx::FromRow)]
    struct Found {
        #[sqlx(flatten)]
        invite: Invite,
        trainer_key: Option<String>,
    }
    let found: Option<Found> =
        sqlx::query_as("SELECT role, region_key, trainer_key, expires_at, used_by FROM invites WHERE token = $1")
            .bind(token)
            .fetch_optional(&db.pool)
            .await?;
    let Some(Found { invite, trainer_key }) = found else { return Ok(Lookup::Unknown) };
    if invite.used_by.is_some() {
        return Ok(Lookup::AlreadyUsed);
    }
    // Stored instants are whole seconds: `expires_at <= now` is the comparison with `now`'s second.
    if invite.expires_at <= now {
        return Ok(Lookup::Expired);
    }
    Ok(Lookup::Open { grant: RoleGrant { role: invite.role, region_key: invite.region_key }, trainer_key })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redeem {
    Granted(RoleGrant),
    Unknown,
    Expired,
    AlreadyUsed,
}

/// Marks the invite used by `user_id` and returns the grant, in the caller's transaction. The
/// conditional UPDATE makes "works once" hold even when two people open the link at the same time.
pub async fn redeem(tx: &mut Tx, token: &str, user_id: i64, now: DateTime<Utc>) -> sqlx::Result<Redeem> {
    let invite: Option<Invite> =
        sqlx::query_as("SELECT role, region_key, expires_at, used_by FROM invites WHERE token = $1")
            .bind(token)
            .fetch_optional(&mut **tx)
            .await?;
    let Some(invite) = invite else { return Ok(Redeem::Unknown) };
    if invite.used_by.is_some() {
        return Ok(Redeem::AlreadyUsed);
    }
    if invite.expires_at <= now {
        return Ok(Redeem::Expired);
    }
    let updated = sqlx::query("UPDATE invites SET used_by = $1, used_at = $2 WHERE token = $3 AND used_by IS NULL")
        .bind(user_id)
        .bind(to_epoch(now))
        .bind(token)
        .execute(&mut **tx)
        .await?;
    if updated.rows_affected() != 1 {
        return Ok(Redeem::AlreadyUsed);
    }
    Ok(Redeem::Granted(RoleGrant { role: invite.role, region_key: invite.region_key }))
}
