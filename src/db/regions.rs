//! The region tree (county → township → village).

use super::Db;
use crate::domain::region::{Region, RegionLevel};
use crate::domain::translations::Translations;

pub(super) const COLUMNS: &str = "key, parent_key, level, name, tr_json, timezone, agri_zone";

/// A region as stored ([`COLUMNS`]).
#[derive(sqlx::FromRow)]
pub(super) struct RegionRow {
    key: String,
    parent_key: Option<String>,
    level: RegionLevel,
    name: String,
    tr_json: String,
    timezone: String,
    agri_zone: String,
}

impl From<RegionRow> for Region {
    fn from(row: RegionRow) -> Self {
        Region {
            key: row.key,
            parent_key: row.parent_key,
            level: row.level,
            name: row.name,
            // Unreadable translations read as none (the Chinese name still shows).
            tr: Translations::from_json(&row.tr_json),
            timezone: row.timezone,
            agri_zone: row.agri_zone,
        }
    }
}

pub async fn get(db: &Db, key: &str) -> sqlx::Result<Option<Region>> {
    Ok(db.catalog().await?.region(key).cloned())
}

/// Counties when `parent` is `None`, otherwise the children of `parent`, in catalogue order.
pub async fn children(db: &Db, parent: Option<&str>) -> sqlx::Result<Vec<Region>> {
    Ok(db.catalog().await?.children(parent))
}

/// The region and all its ancestors, nearest first (village, township, county).
pub async fn ancestry(db: &Db, key: &str) -> sqlx::Result<Vec<Region>> {
    Ok(db.catalog().await?.ancestry(key))
}

/// The resolved time zone of a region, inside a transaction (an import's own writes are visible).
pub async fn timezone_in_tx(tx: &mut super::Tx, key: &str) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT timezone FROM regions WHERE key = $1").bind(key).fetch_optional(&mut **tx).await
}

/// The training office's contact for someone in `key`: the nearest `contact` up the region's chain.
pub async fn office_contact(db: &Db, key: &str) -> sqlx::Result<Option<crate::domain::translations::Localized>> {
    Ok(db.catalog().await?.office_contact(key))
}

/// Regions holding classes that are not cancelled where nobody would receive orders and requests: no
/// coordinator of the region or of a region above it, and no admin at all. Read inside the import's
/// transaction, so the classes it just wrote count. (key, name), in catalogue order.
pub async fn unattended_in_tx(tx: &mut super::Tx) -> sqlx::Result<Vec<(String, String)>> {
    let admins: i64 =
        sqlx::query_scalar("SELECT COUNT(*) AS n FROM person_roles WHERE role = 'admin'").fetch_one(&mut **tx).await?;
    if admins > 0 {
        return Ok(Vec::new());
    }
    sqlx::query_as(
        "SELECT r.key, r.name FROM regions r
           LEFT JOIN regions p ON p.key = r.parent_key
         WHERE EXISTS (SELECT 1 FROM classes cl WHERE cl.region_key = r.key AND cl.status <> 'cancelled')
           AND NOT EXISTS (SELECT 1 FROM person_roles g WHERE g.role = 'coordinator'
                             AND (g.region_key = r.key OR g.region_key = r.parent_key OR g.region_key = p.parent_key))
         ORDER BY r.sort_order, r.key",
    )
    .fetch_all(&mut **tx)
    .await
}
