//! The in-memory catalogue ([`CatalogSnapshot`]) and how it stays fresh.
//!
//! Every write to a catalogue table bumps `catalog_version.version` (triggers, migration 0018), so no
//! writer can forget. A snapshot remembers the version it was read at; a reader compares it with the
//! version it knows. Inside an update the version is known once per update: the update's first
//! query brings it ([`Db::observe_catalog_version`]) or the first catalogue read asks for it, and it is
//! kept in a task-local for the rest of the update ([`observing`]). Outside such a scope every read
//! asks for the version (one tiny query): a test or a command that writes catalogue rows and then
//! reads them sees its writes.

use std::cell::Cell;
use std::future::Future;
use std::sync::{Arc, RwLock};

use sqlx::AnyConnection;

use super::catalog::{
    CLASS_COLUMNS, COURSE_COLUMNS, ClassRow, CourseRow, SESSION_COLUMNS, ScheduleColumns, SessionRow, TRAINER_COLUMNS,
    TrainerRow,
};
use super::regions::RegionRow;
use super::{Db, Tx};
use crate::domain::catalog::{Class, Course, RegionSchedule, Session, Trainer};
use crate::domain::catalog_snapshot::{CatalogSnapshot, RegionNode};
use crate::domain::region::Region;

/// How often a load is tried while catalogue writes keep committing under it.
const READ_ATTEMPTS: usize = 5;

tokio::task_local! {
    /// The catalogue version known within the current unit of work (an update, a scheduler pass), and
    /// the cache it was known for (a test, or a tool, may hold handles on two databases).
    static OBSERVED: Cell<Option<(usize, i64)>>;
}

/// Runs `work` as one unit of work: the catalogue version is looked up (or observed) once in it,
/// and every catalogue read in it trusts that version.
pub async fn observing<F: Future>(work: F) -> F::Output {
    OBSERVED.scope(Cell::new(None), work).await
}

/// The snapshot a `Db` (and its clones) shares.
#[derive(Default)]
pub struct CatalogCache {
    current: RwLock<Option<Arc<CatalogSnapshot>>>,
}

impl std::fmt::Debug for CatalogCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CatalogCache").field("version", &self.get().map(|s| s.version())).finish()
    }
}

impl CatalogCache {
    fn get(&self) -> Option<Arc<CatalogSnapshot>> {
        self.current.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn set(&self, snapshot: Option<Arc<CatalogSnapshot>>) {
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = snapshot;
    }

    /// Keeps `loaded` unless a newer one came in meanwhile (two readers may load at once).
    fn offer(&self, loaded: &Arc<CatalogSnapshot>) {
        let mut current = self.current.write().unwrap_or_else(|e| e.into_inner());
        if current.as_ref().is_none_or(|c| c.version() <= loaded.version()) {
            *current = Some(loaded.clone());
        }
    }
}

/// The current catalogue version.
pub async fn version(conn: &mut AnyConnection) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT version FROM catalog_version WHERE id = 1").fetch_one(&mut *conn).await
}

/// Reads the whole catalogue. The version is read before and after: it only ever grows, so the same
/// number twice means no catalogue write committed in between and the tables agree with each other
/// (on PostgreSQL each statement of a connection may otherwise see a different commit).
pub async fn load(conn: &mut AnyConnection) -> sqlx::Result<CatalogSnapshot> {
    for _ in 0..READ_ATTEMPTS {
        let before = version(conn).await?;
        let snapshot = read_tables(conn, before).await?;
        if version(conn).await? == before {
            return Ok(snapshot);
        }
    }
    Err(sqlx::Error::Protocol("the catalogue kept changing while it was read".into()))
}

async fn read_tables(conn: &mut AnyConnection, version: i64) -> sqlx::Result<CatalogSnapshot> {
    #[derive(sqlx::FromRow)]
    struct NodeRow {
        #[sqlx(flatten, try_from = "RegionRow")]
        region: Region,
        #[sqlx(flatten, try_from = "ScheduleColumns")]
        schedule: RegionSchedule,
        remind_evening_at: Option<String>,
        remind_hours_before: Option<i64>,
        contact: Option<String>,
    }
    let regions: Vec<NodeRow> = sqlx::query_as(&format!(
        "SELECT {}, busy_json, busy_mode, quiet_hours, busy_windows_json, remind_evening_at, remind_hours_before,
                contact
         FROM regions ORDER BY sort_order, key",
        super::regions::COLUMNS
    ))
    .fetch_all(&mut *conn)
    .await?;
    let regions = regions
        .into_iter()
        .map(|node| RegionNode {
            region: node.region,
            schedule: node.schedule,
            remind_evening_at: node.remind_evening_at,
            remind_hours_before: node.remind_hours_before,
            contact: node.contact,
        })
        .collect();
    let trainers = all::<TrainerRow, Trainer>(conn, &format!("SELECT {TRAINER_COLUMNS} FROM trainers")).await?;
    let courses =
        all::<CourseRow, Course>(conn, &format!("SELECT {COURSE_COLUMNS} FROM courses ORDER BY sort_order, key"))
            .await?;
    let classes =
        all::<ClassRow, Class>(conn, &format!("SELECT {CLASS_COLUMNS} FROM classes ORDER BY sort_order, key")).await?;
    let sessions =
        all::<SessionRow, Session>(conn, &format!("SELECT {SESSION_COLUMNS} FROM sessions ORDER BY starts_at, id"))
            .await?;
    Ok(CatalogSnapshot::new(version, regions, trainers, courses, classes, sessions))
}

/// Every row `sql` returns, read as `Stored` and made a `T`.
async fn all<Stored, T>(conn: &mut AnyConnection, sql: &str) -> sqlx::Result<Vec<T>>
where
    Stored: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
    T: From<Stored>,
{
    let rows: Vec<Stored> = sqlx::query_as(sql).fetch_all(&mut *conn).await?;
    Ok(rows.into_iter().map(T::from).collect())
}

impl Db {
    fn cache_id(&self) -> usize {
        Arc::as_ptr(&self.catalog_cache) as usize
    }

    fn observed(&self) -> Option<i64> {
        let id = self.cache_id();
        OBSERVED.try_with(Cell::get).ok().flatten().filter(|(of, _)| *of == id).map(|(_, version)| version)
    }

    fn note_observed(&self, version: Option<i64>) {
        let id = self.cache_id();
        let _ = OBSERVED.try_with(|cell| match version {
            Some(version) => cell.set(Some((id, version))),
            None if cell.get().is_some_and(|(of, _)| of == id) => cell.set(None),
            None => {}
        });
    }

    /// The catalogue, read from memory; loaded when there is none yet or storage has a newer version.
    pub async fn catalog(&self) -> sqlx::Result<Arc<CatalogSnapshot>> {
        if let Some(known) = self.observed()
            && let Some(current) = self.catalog_cache.get()
            && current.version() == known
        {
            return Ok(current);
        }
        let mut conn = self.pool.acquire().await?;
        self.catalog_on(&mut conn).await
    }

    /// [`Db::catalog`] from inside a transaction: a load, if one is needed, uses the transaction's
    /// connection (a writer holding SQLite's lock must not wait for a second connection). Not for the
    /// import's own transaction: it would keep writes that may yet be rolled back.
    pub async fn catalog_in_tx(&self, tx: &mut Tx) -> sqlx::Result<Arc<CatalogSnapshot>> {
        self.catalog_on(tx).await
    }

    async fn catalog_on(&self, conn: &mut AnyConnection) -> sqlx::Result<Arc<CatalogSnapshot>> {
        let known = match self.observed() {
            Some(known) => known,
            None => {
                let known = version(conn).await?;
                self.note_observed(Some(known));
                known
            }
        };
        if let Some(current) = self.catalog_cache.get()
            && current.version() == known
        {
            return Ok(current);
        }
        let loaded = Arc::new(load(conn).await?);
        self.catalog_cache.offer(&loaded);
        // It may be newer than what this unit of work knew: keep to it rather than load again.
        self.note_observed(Some(loaded.version()));
        Ok(loaded)
    }

    /// The catalogue version as storage has it now, seen by this unit of work (e.g. read with the
    /// update's first query): a snapshot read at another version is stale and is dropped.
    pub fn observe_catalog_version(&self, version: i64) {
        self.note_observed(Some(version));
        if self.catalog_cache.get().is_some_and(|current| current.version() != version) {
            self.catalog_cache.set(None);
        }
    }

    /// For work that does not start from an update (a scheduler pass, inside [`observing`]): one tiny
    /// query; loads the catalogue again if it changed, and the pass trusts that version from then on.
    pub async fn refresh_catalog_if_changed(&self) -> sqlx::Result<()> {
        let mut conn = self.pool.acquire().await?;
        let now = version(&mut conn).await?;
        self.observe_catalog_version(now);
        self.catalog_on(&mut conn).await.map(|_| ())
    }

    /// Drops the snapshot (this process just wrote the catalogue); the next read loads it again.
    pub fn invalidate_catalog(&self) {
        self.catalog_cache.set(None);
        self.note_observed(None);
    }
}
