//! Reading and writing the audit log ([`crate::db::audit`]): who may see which entries, the entries
//! as a CSV and as plain lines for the terminal, and recording an action that has no transaction
//! of its own (an export reads; the entry is then the only write).

use crate::app::App;
use crate::db;
use crate::db::audit::{AuditEntry, AuditFilter, AuditRow};
use crate::domain::person::{Person, Role};
use crate::domain::region::Region;

/// Records `entry` in a transaction of its own, for actions that write nothing else (exports).
pub async fn record_now(app: &App, entry: &AuditEntry) -> sqlx::Result<()> {
    let mut tx = app.db.begin_write().await?;
    db::audit::record(&mut tx, entry).await?;
    tx.commit().await
}

/// Which entries a person may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visible {
    /// Admins: everything, including entries about no region (imports, retention, invites).
    All,
    /// Coordinators: entries about these regions (their grants and everything below).
    Regions(Vec<String>),
    /// Anyone else.
    Nothing,
}

/// `key` and every region below it, among `regions`.
pub fn subtree(regions: &[Region], key: &str) -> Vec<String> {
    let mut out = vec![key.to_owned()];
    let mut i = 0;
    while i < out.len() && out.len() < 100_000 {
        let parent = out[i].clone();
        out.extend(regions.iter().filter(|r| r.parent_key.as_deref() == Some(parent.as_str())).map(|r| r.key.clone()));
        i += 1;
    }
    out
}

pub async fn visible_to(app: &App, person: &Person) -> sqlx::Result<Visible> {
    if person.has_role(Role::Admin) {
        return Ok(Visible::All);
    }
    let grants: Vec<&str> =
        person.roles.iter().filter(|g| g.role == Role::Coordinator).map(|g| g.region_key.as_str()).collect();
    if grants.is_empty() {
        return Ok(Visible::Nothing);
    }
    let regions = db::catalog::all_regions(&app.db).await?;
    let mut keys: Vec<String> = Vec::new();
    for grant in grants {
        // A grant of "" is everywhere: every region, still not the entries about no region.
        let found =
            if grant.is_empty() { regions.iter().map(|r| r.key.clone()).collect() } else { subtree(&regions, grant) };
        for key in found {
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    Ok(Visible::Regions(keys))
}

/// The latest `latest` entries `person` may see (oldest first); `None` when they may see none.
pub async fn latest_for(app: &App, person: &Person, latest: i64) -> sqlx::Result<Option<Vec<AuditRow>>> {
    let regions = match visible_to(app, person).await? {
        Visible::All => None,
        Visible::Regions(keys) => Some(keys),
        Visible::Nothing => return Ok(None),
    };
    Ok(Some(db::audit::list(&app.db, &AuditFilter { since: None, regions, latest: Some(latest) }).await?))
}

/// For `fieldschool audit`: entries since `since`, about `region` and below when given.
pub async fn for_operator(
    app: &App,
    since: Option<chrono::DateTime<chrono::Utc>>,
    region: Option<&str>,
) -> anyhow::Result<Vec<AuditRow>> {
    let regions = match region {
        Some(key) => {
            let all = db::catalog::all_regions(&app.db).await?;
            anyhow::ensure!(all.iter().any(|r| r.key == key), "no region {key:?}");
            Some(subtree(&all, key))
        }
        None => None,
    };
    Ok(db::audit::list(&app.db, &AuditFilter { since, regions, latest: None }).await?)
}

/// The instant as `2026-12-01 09:00:00Z`.
fn utc(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%SZ").to_string()
}

/// Entries as a CSV (UTF-8 with BOM; cells defused against spreadsheet formulas) under `header`.
pub fn csv(rows: &[AuditRow], header: [String; 7]) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    out.push_str(&crate::domain::csv::line(&header));
    for row in rows {
        let e = &row.entry;
        out.push_str(&crate::domain::csv::line(&[
            row.id.to_string(),
            utc(e.at),
            e.actor.to_stored(),
            e.action.as_str().to_owned(),
            e.region_key.clone().unwrap_or_default(),
            e.scope.clone(),
            e.detail.clone(),
        ]));
    }
    out.into_bytes()
}

/// One entry as a tab-separated line for the terminal (control characters replaced, so a stored
/// text cannot move the cursor or fake another line).
pub fn operator_line(row: &AuditRow) -> String {
    let e = &row.entry;
    let clean = |s: &str| s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>();
    format!(
        "{}\t{}\t{}\t{}\t{}\t{}\t{}",
        row.id,
        utc(e.at),
        e.actor,
        e.action.as_str(),
        e.region_key.as_deref().unwrap_or("-"),
        clean(&e.scope),
        clean(&e.detail)
    )
}
