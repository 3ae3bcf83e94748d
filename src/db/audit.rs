//! The audit log: an append-only record of who did what to whose data (identifiable exports, role
//! grants, hand-entered attendance, erasures, admin commands, imports, retention runs). Rows are only
//! ever inserted, in the transaction of the action they describe; the tables' triggers refuse UPDATE
//! and DELETE, and this module has no path for either.

use chrono::{DateTime, Utc};

use super::row::Epoch;
use super::sql::Sql;
use super::{Db, Tx, to_epoch};

/// What kind of thing happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditAction {
    /// Identifiable data left the system: a CSV or file with names (outcomes, reports, credits).
    Export,
    /// A role was granted (an invite accepted, operator tooling).
    RoleGrant,
    /// A role or a trainer link was taken away.
    RoleRemoval,
    /// An invite link was made (`fieldschool invite`).
    Invite,
    /// A trainer marked attendance by hand.
    HandMark,
    /// A person's data was erased at their request.
    Erasure,
    /// An admin command that changes state (`/parked retry`).
    AdminCommand,
    /// A catalogue import.
    CatalogImport,
    /// A run of the retention jobs, with what each removed.
    Retention,
}

impl AuditAction {
    pub const ALL: [AuditAction; 9] = [
        AuditAction::Export,
        AuditAction::RoleGrant,
        AuditAction::RoleRemoval,
        AuditAction::Invite,
        AuditAction::HandMark,
        AuditAction::Erasure,
        AuditAction::AdminCommand,
        AuditAction::CatalogImport,
        AuditAction::Retention,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Export => "export",
            AuditAction::RoleGrant => "role-grant",
            AuditAction::RoleRemoval => "role-removal",
            AuditAction::Invite => "invite",
            AuditAction::HandMark => "hand-mark",
            AuditAction::Erasure => "erasure",
            AuditAction::AdminCommand => "admin-command",
            AuditAction::CatalogImport => "catalog-import",
            AuditAction::Retention => "retention",
        }
    }

    pub fn parse(s: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// Who did it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// A person in the chat (their Telegram user id).
    User(i64),
    /// An operator at the command line.
    Cli,
    /// The bot on its own (scheduled jobs).
    System,
}

impl Actor {
    pub fn to_stored(self) -> String {
        match self {
            Actor::User(id) => id.to_string(),
            Actor::Cli => "cli".to_owned(),
            Actor::System => "system".to_owned(),
        }
    }

    pub fn from_stored(s: &str) -> Actor {
        match s {
            "cli" => Actor::Cli,
            "system" => Actor::System,
            other => other.parse().map(Actor::User).unwrap_or(Actor::System),
        }
    }
}

impl std::fmt::Display for Actor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_stored())
    }
}

/// One entry. `region_key` is the region the action concerns (a coordinator of it or of a region
/// above sees the entry); `None` for things about the whole system, which only admins see. `scope`
/// names what it was about (`region:xinan`, `class:…`, `person:123`, a file), `detail` the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub actor: Actor,
    pub action: AuditAction,
    pub region_key: Option<String>,
    pub scope: String,
    pub detail: String,
}

impl AuditEntry {
    pub fn new(at: DateTime<Utc>, actor: Actor, action: AuditAction, scope: impl Into<String>) -> AuditEntry {
        AuditEntry { at, actor, action, region_key: None, scope: scope.into(), detail: String::new() }
    }

    pub fn region(mut self, key: impl Into<String>) -> AuditEntry {
        let key = key.into();
        self.region_key = (!key.is_empty()).then_some(key);
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> AuditEntry {
        self.detail = detail.into();
        self
    }
}

/// A stored entry with its number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub id: i64,
    pub entry: AuditEntry,
}

/// Appends `entry` in `tx`: it is stored exactly when the action it describes is.
pub async fn record(tx: &mut Tx, entry: &AuditEntry) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO audit_log (at, actor, action, region_key, scope, detail) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(to_epoch(entry.at))
        .bind(entry.actor.to_stored())
        .bind(entry.action.as_str())
        .bind(entry.region_key.as_deref())
        .bind(&entry.scope)
        .bind(&entry.detail)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Which entries to read.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only entries at or after this instant.
    pub since: Option<DateTime<Utc>>,
    /// Only entries about these regions; `None`: every entry, with or without a region.
    pub regions: Option<Vec<String>>,
    /// The latest this many (still returned oldest first); `None`: all.
    pub latest: Option<i64>,
}

/// An entry as stored: actor and action are words this version may not know.
#[derive(sqlx::FromRow)]
struct StoredEntry {
    id: i64,
    #[sqlx(try_from = "Epoch")]
    at: DateTime<Utc>,
    actor: String,
    action: String,
    region_key: Option<String>,
    scope: String,
    detail: String,
}

impl From<StoredEntry> for AuditRow {
    fn from(stored: StoredEntry) -> AuditRow {
        AuditRow {
            id: stored.id,
            entry: AuditEntry {
                at: stored.at,
                actor: Actor::from_stored(&stored.actor),
                // An action this version does not know (written by a newer one) still shows.
                action: AuditAction::parse(&stored.action).unwrap_or(AuditAction::AdminCommand),
                region_key: stored.region_key,
                scope: stored.scope,
                detail: stored.detail,
            },
        }
    }
}

/// Entries matching `filter`, oldest first.
pub async fn list(db: &Db, filter: &AuditFilter) -> sqlx::Result<Vec<AuditRow>> {
    let mut sql = Sql::new("SELECT id, at, actor, action, region_key, scope, detail FROM audit_log WHERE 1 = 1");
    if let Some(since) = filter.since {
        sql.push(" AND at >= ").push_bind(to_epoch(since));
    }
    if let Some(regions) = &filter.regions {
        if regions.is_empty() {
            return Ok(Vec::new());
        }
        sql.push(" AND region_key IN (").push_list(regions).push(")");
    }
    sql.push(" ORDER BY id DESC");
    if let Some(latest) = filter.latest {
        sql.push(" LIMIT ").push_bind(latest);
    }
    let stored: Vec<StoredEntry> = sql.build_query_as()?.fetch_all(&db.pool).await?;
    // Read newest first (for the limit), shown oldest first.
    Ok(stored.into_iter().rev().map(AuditRow::from).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::from_epoch;

    async fn check(db: Db) {
        let t = from_epoch(1_800_000_000);
        let mut tx = db.begin_write().await.unwrap();
        record(&mut tx, &AuditEntry::new(t, Actor::Cli, AuditAction::Invite, "invite").detail("coordinator"))
            .await
            .unwrap();
        let grant = AuditEntry::new(t + chrono::Duration::hours(1), Actor::User(7), AuditAction::RoleGrant, "person:7")
            .region("xinan");
        record(&mut tx, &grant).await.unwrap();
        tx.commit().await.unwrap();

        let all = list(&db, &AuditFilter::default()).await.unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].entry, grant);
        let regional = AuditFilter { regions: Some(vec!["xinan".into()]), ..Default::default() };
        assert_eq!(list(&db, &regional).await.unwrap().len(), 1);
        let later = AuditFilter { since: Some(t + chrono::Duration::minutes(1)), ..Default::default() };
        assert_eq!(list(&db, &later).await.unwrap()[0].entry, grant);
        let latest = AuditFilter { latest: Some(1), ..Default::default() };
        assert_eq!(list(&db, &latest).await.unwrap()[0].entry, grant);

        // Append-only: the store itself refuses to change or remove an entry.
        let update = sqlx::query("UPDATE audit_log SET detail = 'x'").execute(&db.pool).await;
        assert!(update.is_err(), "an UPDATE of the audit log is refused");
        let delete = sqlx::query("DELETE FROM audit_log").execute(&db.pool).await;
        assert!(delete.is_err(), "a DELETE from the audit log is refused");
        assert_eq!(list(&db, &AuditFilter::default()).await.unwrap(), all);
    }

    #[tokio::test]
    async fn entries_are_appended_filtered_and_never_changed_on_sqlite() {
        let (db, _dir) = crate::db::testing::sqlite().await.unwrap();
        check(db).await;
    }

    #[tokio::test]
    async fn entries_are_appended_filtered_and_never_changed_on_postgres() {
        if let Some(db) = crate::db::testing::postgres().await.unwrap() {
            check(db).await;
        }
    }
}
