//! All SQL lives under `db/`. One pool type serves SQLite and PostgreSQL (sqlx's `Any` driver), so
//! every query is written once with `$1` placeholders; instants are stored as UTC epoch seconds
//! (`BIGINT`) because `Any` has no chrono types. Where the two engines differ (DDL, locking) the
//! code asks [`Backend`] for the piece of SQL (or [`Db`] for the transaction) instead of branching in
//! each query. Rows are read as `FromRow` structs ([`row`] has the stored shapes); statements whose
//! shape depends on their input are built with [`sql::Sql`], which numbers the placeholders.

pub mod audit;
pub mod broadcasts;
pub mod catalog;
pub mod chat_facts;
pub mod dialogs;
pub mod digest;
pub mod erasure;
pub mod inbox;
pub mod invites;
pub mod job_matching;
pub mod jobs;
pub mod keyboards;
pub mod learning;
pub mod lesson_authoring;
pub mod lesson_daily;
pub mod lesson_report;
pub mod lessons;
pub mod opening_publish;
pub mod orders;
pub mod outbox;
pub mod people;
pub mod personal_data;
pub mod referrals;
pub mod regions;
pub mod reports;
pub mod retention;
pub mod row;
pub mod snapshot;
pub mod sql;
pub mod surveys;

use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, Executor, Transaction};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The pieces of SQL the two engines write differently; queries take them from here.
impl Backend {
    /// After a `SELECT`: locks the rows read until the transaction ends, on PostgreSQL. On SQLite the
    /// writer's `BEGIN IMMEDIATE` ([`Db::begin_write`]) already serialises every writer, so nothing.
    pub fn lock_rows(self) -> &'static str {
        match self {
            Backend::Postgres => " FOR UPDATE",
            Backend::Sqlite => "",
        }
    }

    /// As [`Backend::lock_rows`], for the rows of the table aliased `alias` only (a join's other
    /// tables are read, not locked).
    pub fn lock_rows_of(self, alias: &str) -> String {
        match self {
            Backend::Postgres => format!(" FOR UPDATE OF {alias}"),
            Backend::Sqlite => String::new(),
        }
    }

    /// After a `SELECT` that claims work: locks the rows read and passes over rows another worker
    /// holds (PostgreSQL); SQLite has one writer at a time, so nothing.
    pub fn claim_rows(self) -> &'static str {
        match self {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        }
    }

    /// Whether the text column `column` contains the text `param` (a placeholder).
    pub fn text_contains(self, column: &str, param: &str) -> String {
        match self {
            Backend::Sqlite => format!("instr({column}, {param}) > 0"),
            Backend::Postgres => format!("strpos({column}, {param}) > 0"),
        }
    }

    /// Whether the bytes column `column` contains the UTF-8 bytes of the text `param` (a placeholder).
    pub fn bytes_contain(self, column: &str, param: &str) -> String {
        match self {
            Backend::Sqlite => format!("instr({column}, CAST({param} AS BLOB)) > 0"),
            Backend::Postgres => {
                format!("{column} IS NOT NULL AND position(convert_to({param}, 'UTF8') in {column}) > 0")
            }
        }
    }

    /// The aggregate of a person's role grants as one JSON array of `[role, region]` pairs (so a
    /// person with several grants is still one row), for the `user_id` expression given.
    pub fn roles_json(self, user_id: &str) -> String {
        match self {
            Backend::Sqlite => format!(
                "(SELECT json_group_array(json_array(r.role, r.region_key)) FROM person_roles r WHERE r.user_id = {user_id})"
            ),
            Backend::Postgres => format!(
                "(SELECT json_agg(json_build_array(r.role, r.region_key))::text FROM person_roles r WHERE r.user_id = {user_id})"
            ),
        }
    }
}

/// The application's storage handle. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    /// Where it is (PostgreSQL's LISTEN needs a connection of its own).
    pub url: String,
    /// The in-memory catalogue, shared by the clones (see [`snapshot`]).
    catalog_cache: std::sync::Arc<snapshot::CatalogCache>,
}

pub type Tx = Transaction<'static, Any>;

static MIGRATE_SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static MIGRATE_POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The migrations of one engine, as built into the binary.
pub fn migrator(backend: Backend) -> &'static sqlx::migrate::Migrator {
    match backend {
        Backend::Sqlite => &MIGRATE_SQLITE,
        Backend::Postgres => &MIGRATE_POSTGRES,
    }
}

/// The file of a `sqlite://` URL (none for other stores and in-memory databases).
pub fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && !path.contains(":memory:")).then(|| std::path::PathBuf::from(path))
}

/// Writes a consistent copy of a SQLite database to `file` (`VACUUM INTO`: an online snapshot that
/// writers do not block for long, compacted as it goes).
pub async fn backup_into(db: &Db, file: &std::path::Path) -> sqlx::Result<()> {
    let target = file.to_string_lossy().into_owned();
    sqlx::query("VACUUM INTO $1").bind(target).execute(&db.pool).await?;
    Ok(())
}

impl Db {
    /// Opens `sqlite://…` (created if missing) or `postgres://…`.
    pub async fn connect(url: &str) -> anyhow::Result<Db> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            anyhow::bail!("DATABASE_URL must start with sqlite:// or postgres:// (got {url:?})");
        };
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}mode=rwc")
            }
            _ => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let given_url = url.clone();
        let pool_options = match backend {
            Backend::Sqlite => AnyPoolOptions::new().max_connections(8).after_connect(|conn, _meta| {
                Box::pin(async move {
                    // WAL lets readers run beside the one writer; busy_timeout makes a second
                    // writer wait instead of failing at once; secure_delete overwrites deleted
                    // content with zeros, so an erased name leaves no bytes behind in free space.
                    conn.execute(
                        "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000; \
                             PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA secure_delete = ON;",
                    )
                    .await?;
                    Ok(())
                })
            }),
            Backend::Postgres => AnyPoolOptions::new().max_connections(16),
        };
        // No ping before each acquire: it doubled the round trips of every pooled statement (a second
        // hand-off to SQLite's thread, a second loopback trip to PostgreSQL). A connection that died is
        // found by the statement that uses it, and that update is handled again (see `crate::inbox`).
        let pool = pool_options
            .acquire_timeout(Duration::from_secs(30))
            .test_before_acquire(false)
            .connect_with(options)
            .await?;
        Ok(Db { pool, backend, url: given_url, catalog_cache: Default::default() })
    }

    pub async fn migrate(&self) -> anyhow::Result<()> {
        self.migrate_with(migrator(self.backend)).await
    }

    /// Runs `migrator` as [`Db::migrate`] runs the project's own: a test upgrades a database from an
    /// earlier release by running part of [`migrator`] first.
    pub async fn migrate_with(&self, migrator: &sqlx::migrate::Migrator) -> anyhow::Result<()> {
        match self.backend {
            Backend::Sqlite => {
                // A migration that rebuilds a table other tables point at (SQLite cannot alter a
                // constraint) needs foreign keys off while it runs; the pragma is a no-op inside a
                // transaction, so it is set on the connection around the migrator, and the keys are
                // checked before they go back on.
                let mut conn = self.pool.acquire().await?;
                conn.execute("PRAGMA foreign_keys = OFF").await?;
                let ran = migrator.run(&mut *conn).await;
                let broken = sqlx::query("PRAGMA foreign_key_check").fetch_all(&mut *conn).await.map(|r| r.len());
                conn.execute("PRAGMA foreign_keys = ON").await?;
                ran?;
                anyhow::ensure!(broken? == 0, "the migrations left rows pointing at rows that do not exist");
            }
            Backend::Postgres => migrator.run(&self.pool).await?,
        }
        Ok(())
    }

    /// A transaction that will write. On SQLite it takes the write lock at BEGIN
    /// (`BEGIN IMMEDIATE`): a deferred transaction that upgrades later fails with SQLITE_BUSY at
    /// once instead of waiting for `busy_timeout`.
    pub async fn begin_write(&self) -> sqlx::Result<Tx> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }
}

impl Db {
    /// A read-only transaction whose reads all see one moment (repeatable read on PostgreSQL; a SQLite
    /// read transaction sees one snapshot already), so figures computed from several reads agree.
    pub async fn begin_read_snapshot(&self) -> sqlx::Result<Tx> {
        let mut tx = self.pool.begin().await?;
        if self.backend == Backend::Postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY").execute(&mut *tx).await?;
        }
        Ok(tx)
    }
}

pub fn to_epoch(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

pub fn from_epoch(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(secs, 0).single().unwrap_or_default()
}

/// Helpers for storage tests that must run on both engines.
pub mod testing {
    use super::Db;

    /// A fresh, migrated SQLite database in a temporary directory (kept alive by the returned guard).
    pub async fn sqlite() -> anyhow::Result<(Db, tempfile::TempDir)> {
        let (db, dir) = sqlite_unmigrated().await?;
        db.migrate().await?;
        Ok((db, dir))
    }

    /// As [`sqlite`], with no migration run yet.
    pub async fn sqlite_unmigrated() -> anyhow::Result<(Db, tempfile::TempDir)> {
        let dir = tempfile::tempdir()?;
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        Ok((Db::connect(&url).await?, dir))
    }

    /// A fresh, migrated PostgreSQL database on the server named by `FIELDSCHOOL_TEST_PG`
    /// (default `postgres://postgres@127.0.0.1:5432/postgres`): a new database per call, so tests
    /// can run in parallel. Returns `None` only when `FIELDSCHOOL_SKIP_PG=1` is set.
    pub async fn postgres() -> anyhow::Result<Option<Db>> {
        let Some(db) = postgres_unmigrated().await? else { return Ok(None) };
        db.migrate().await?;
        Ok(Some(db))
    }

    /// As [`postgres`], with no migration run yet.
    pub async fn postgres_unmigrated() -> anyhow::Result<Option<Db>> {
        let Some(admin_url) = crate::config::test_postgres_url() else { return Ok(None) };
        let admin = Db::connect(&admin_url).await?;
        let name = format!("fieldschool_test_{}", uuid_like());
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin.pool).await?;
        admin.pool.close().await;
        let base = admin_url.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin_url);
        Ok(Some(Db::connect(&format!("{base}/{name}")).await?))
    }

    fn uuid_like() -> String {
        use rand::Rng;
        let n: u64 = rand::thread_rng().r#gen();
        format!("{n:016x}")
    }
}
