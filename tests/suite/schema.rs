//! The two migration trees, `migrations/sqlite` and `migrations/postgres`, are written by hand. These
//! tests check that they describe one schema, and that a database of the previous release (every
//! migration but the newest) upgrades to this one with its rows intact and readable.
//!
//! What "one schema" means: the same tables and views; per table the same columns, each with the same
//! kind of type ([`sqlite_kind`], [`postgres_kind`]), nullability, default and auto-numbering; the same
//! primary key; the same unique constraints (by their columns); the same indexes (by name, columns,
//! uniqueness and partial predicate); the same foreign keys (columns, referenced table and columns,
//! actions); the same CHECK constraints; triggers on the same events.
//!
//! What the two engines cannot say alike, and so is left out (everything else is compared):
//! - the text of a CHECK constraint or of a partial index's predicate: each engine rewrites it
//!   (PostgreSQL turns `IN (…)` into `= ANY (ARRAY[…])` and adds casts). The columns it names and the
//!   values it names are compared; its operators are not.
//! - trigger names and bodies: SQLite has row triggers written in SQL, PostgreSQL calls functions, once
//!   per statement where that is cheaper (0018). Which events of which table fire a trigger before or
//!   after is compared; TRUNCATE is not, SQLite has no TRUNCATE.
//! - PostgreSQL-only settings: storage parameters (`ALTER TABLE … SET (autovacuum_…)`, 0019), the
//!   trigger functions themselves, sequences (compared as the column's auto-numbering).
//! - the names of constraints and of the indexes behind them (SQLite calls them `sqlite_autoindex_…`),
//!   and the order of columns in a table.
//!
//! Differences that are deliberate are listed in [`EXCEPTIONS`] with the reason; the test fails on any
//! other difference, and on an exception that no longer happens.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::{DateTime, Duration, Utc};
use fieldschool::db::{self, Backend, Db};
use sqlx::migrate::{Migration, MigrationSource, Migrator};
use sqlx::{AnyConnection, Row};

// ---------------------------------------------------------------------------------------------------
// Parity
// ---------------------------------------------------------------------------------------------------

/// Deliberate differences between the trees, each a line as the parity test prints it, with why it
/// stays.
const EXCEPTIONS: &[(&str, &str)] = &[
    (
        "catalog_version.id type: sqlite int (INTEGER) vs postgres int32 (integer)",
        "the table holds one row whose id is 1 (CHECK (id = 1)); 32 bits are plenty",
    ),
    // SQLite lets a PRIMARY KEY column that is not `INTEGER PRIMARY KEY` hold NULL unless it is declared
    // NOT NULL (a quirk SQLite keeps for compatibility); PostgreSQL never does. Declaring it needs the
    // table rebuilt in SQLite, and for the catalogue tables every table that points at them as well;
    // the code always writes these keys (catalogue keys from the import, invite tokens, job names,
    // worker ids). A new table writes `TEXT NOT NULL PRIMARY KEY` in the SQLite tree instead.
    ("classes.key nullability: sqlite NULL vs postgres NOT NULL", "SQLite PRIMARY KEY quirk, see above"),
    ("courses.key nullability: sqlite NULL vs postgres NOT NULL", "SQLite PRIMARY KEY quirk, see above"),
    ("invites.token nullability: sqlite NULL vs postgres NOT NULL", "SQLite PRIMARY KEY quirk, see above"),
    ("job_leases.job nullability: sqlite NULL vs postgres NOT NULL", "SQLite PRIMARY KEY quirk, see above"),
    ("outbox_workers.worker_id nullability: sqlite NULL vs postgres NOT NULL", "SQLite PRIMARY KEY quirk, see above"),
    ("regions.key nullability: sqlite NULL vs postgres NOT NULL", "SQLite PRIMARY KEY quirk, see above"),
    ("trainers.key nullability: sqlite NULL vs postgres NOT NULL", "SQLite PRIMARY KEY quirk, see above"),
];

#[tokio::test]
async fn both_migration_trees_describe_the_same_schema() {
    let (sqlite, _dir) = db::testing::sqlite().await.unwrap();
    let sqlite = read_schema(&sqlite).await.unwrap();
    let Some(postgres) = db::testing::postgres().await.unwrap() else {
        eprintln!("FIELDSCHOOL_SKIP_PG=1: the SQLite schema is not compared with PostgreSQL's");
        return;
    };
    let postgres = read_schema(&postgres).await.unwrap();

    let differences = compare(("sqlite", &sqlite), ("postgres", &postgres));
    let lines: Vec<String> = differences.iter().map(ToString::to_string).collect();
    let unexpected: Vec<&String> =
        lines.iter().filter(|line| !EXCEPTIONS.iter().any(|(exception, _)| exception == line)).collect();
    let stale: Vec<&str> = EXCEPTIONS
        .iter()
        .map(|(exception, _)| *exception)
        .filter(|exception| !lines.iter().any(|line| line == exception))
        .collect();
    let mut report = String::new();
    if !unexpected.is_empty() {
        report.push_str("migrations/sqlite and migrations/postgres describe different schemas:\n");
        for line in &unexpected {
            report.push_str(&format!("  {line}\n"));
        }
        report.push_str("add a migration to both trees (or, if the difference is deliberate, list it in EXCEPTIONS)\n");
    }
    if !stale.is_empty() {
        report.push_str("these EXCEPTIONS no longer happen; remove them:\n");
        for line in &stale {
            report.push_str(&format!("  {line}\n"));
        }
    }
    assert!(report.is_empty(), "{report}");
}

/// The comparison itself sees what a migration could get wrong, on each engine: a database changed
/// after its migrations is compared with the one it was, and every change is reported.
#[tokio::test]
async fn the_comparison_reports_each_kind_of_difference() {
    let (sqlite, _dir) = db::testing::sqlite().await.unwrap();
    reports_each_kind_of_difference(&sqlite).await;
    if let Some(postgres) = db::testing::postgres().await.unwrap() {
        reports_each_kind_of_difference(&postgres).await;
    }
}

async fn reports_each_kind_of_difference(db: &Db) {
    let before = read_schema(db).await.unwrap();
    // Auto-numbering is told apart (AUTOINCREMENT, BIGSERIAL) from a key the code gives.
    let numbered = |table: &str, column: &str| before.tables[table].columns[column].auto_numbered;
    assert!(numbered("outbox", "id") && numbered("orders", "id"), "{:?}", db.backend);
    assert!(!numbered("people", "user_id") && !numbered("inbox", "update_id"), "{:?}", db.backend);
    let mut changes = vec![
        // One of each: a column's type, nullability and default, new columns, a unique constraint, a
        // foreign key, a CHECK and a partial index.
        "DROP TABLE job_leases",
        "CREATE TABLE job_leases (
            job    TEXT PRIMARY KEY,
            holder TEXT,
            until  DOUBLE PRECISION NOT NULL DEFAULT 0,
            note   TEXT CHECK (note IN ('a', 'b')),
            owner  BIGINT REFERENCES people (user_id),
            UNIQUE (holder, until)
        )",
        "CREATE INDEX job_leases_owner ON job_leases (owner) WHERE note = 'a'",
        // An index's predicate, its columns and its uniqueness.
        "DROP INDEX inbox_pending",
        "CREATE INDEX inbox_pending ON inbox (update_id) WHERE status = 'parked'",
        "DROP INDEX orders_user",
        "CREATE UNIQUE INDEX orders_user ON orders (user_id)",
        // A CHECK and a primary key (the table rebuilt, as SQLite needs).
        "DROP TABLE checkin_lockouts",
        "CREATE TABLE checkin_lockouts (
            user_id      BIGINT NOT NULL,
            wrong_in_row BIGINT NOT NULL CHECK (wrong_in_row BETWEEN 0 AND 9),
            locked_until BIGINT,
            at           BIGINT NOT NULL,
            PRIMARY KEY (user_id, at)
        )",
    ];
    // A trigger: the audit log no longer refuses a DELETE (and, on PostgreSQL, an UPDATE).
    changes.push(match db.backend {
        Backend::Sqlite => "DROP TRIGGER audit_log_no_delete",
        Backend::Postgres => "DROP TRIGGER audit_log_no_change ON audit_log",
    });
    // In one transaction: once it commits, every connection of the pool reads the changed schema.
    let mut tx = db.begin_write().await.unwrap();
    for sql in changes {
        sqlx::query(sql).execute(&mut *tx).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    tx.commit().await.unwrap();
    let after = read_schema(db).await.unwrap();

    let differences = compare(("before", &before), ("after", &after));
    let found: BTreeSet<(String, &str)> = differences.iter().map(|d| (d.place.clone(), d.aspect)).collect();
    let expected: BTreeSet<(String, &str)> = [
        ("job_leases.holder", "nullability"),
        ("job_leases.until", "type"),
        ("job_leases.until", "default"),
        ("job_leases.note", "column"),
        ("job_leases.owner", "column"),
        ("job_leases", "unique constraint"),
        ("job_leases(owner)", "foreign key"),
        ("job_leases", "check"),
        ("job_leases.job_leases_owner", "index"),
        ("inbox.inbox_pending", "index predicate"),
        ("orders.orders_user", "index columns"),
        ("orders.orders_user", "index uniqueness"),
        ("checkin_lockouts", "check"),
        ("checkin_lockouts", "primary key"),
        ("audit_log", "trigger"),
    ]
    .into_iter()
    .map(|(place, aspect)| (place.to_owned(), aspect))
    .collect();
    let lines: Vec<String> = differences.iter().map(ToString::to_string).collect();
    assert_eq!(found, expected, "{:?}: {lines:#?}", db.backend);
    // Each line says where, what, and both sides.
    assert!(lines.contains(&"job_leases.holder nullability: before NOT NULL vs after NULL".to_owned()), "{lines:#?}");
    assert!(
        lines.contains(
            &"inbox.inbox_pending index predicate: before WHERE on (status) values ('pending') \
              vs after WHERE on (status) values ('parked')"
                .to_owned()
        ),
        "{lines:#?}"
    );
    assert!(lines.contains(&"audit_log trigger: before BEFORE DELETE vs after none".to_owned()), "{lines:#?}");
}

// ---------------------------------------------------------------------------------------------------
// Upgrade from the previous release
// ---------------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_database_of_the_previous_release_upgrades_with_its_rows_intact() {
    let (sqlite, _dir) = db::testing::sqlite_unmigrated().await.unwrap();
    upgrades_with_rows_intact(&sqlite).await;
    if let Some(postgres) = db::testing::postgres_unmigrated().await.unwrap() {
        upgrades_with_rows_intact(&postgres).await;
    }
}

/// Migrations as a list in memory (a [`Migrator`] is built from a source).
#[derive(Debug)]
struct Listed(Vec<Migration>);

impl MigrationSource<'static> for Listed {
    fn resolve(self) -> futures::future::BoxFuture<'static, Result<Vec<Migration>, sqlx::error::BoxDynError>> {
        Box::pin(async move { Ok(self.0) })
    }
}

/// The migrations of the release before this one: all of `current` but the newest.
async fn previous_release(current: &Migrator) -> Migrator {
    let newest = current.iter().map(|m| m.version).max().expect("at least one migration");
    let earlier = current.iter().filter(|m| m.version != newest).cloned().collect();
    Migrator::new(Listed(earlier)).await.unwrap()
}

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-12-01T09:00:00+08:00").unwrap().to_utc()
}

async fn applied(db: &Db) -> i64 {
    sqlx::query("SELECT COUNT(*) AS n FROM _sqlx_migrations WHERE success")
        .fetch_one(&db.pool)
        .await
        .unwrap()
        .try_get("n")
        .unwrap()
}

async fn upgrades_with_rows_intact(db: &Db) {
    use fieldschool::db::outbox::{NewMessage, Payload};
    use fieldschool::domain::gate::{MessageKind, SendRule};
    use fieldschool::domain::order::OrderStatus;
    use fieldschool::domain::person::{Role, RoleGrant};
    use fieldschool::i18n::Lang;

    let backend = db.backend;
    let current = db::migrator(backend);
    let previous = previous_release(current).await;
    db.migrate_with(&previous).await.unwrap();
    assert_eq!(applied(db).await, previous.iter().count() as i64, "{backend:?}");
    assert_eq!(previous.iter().count() + 1, current.iter().count(), "{backend:?}: all but the newest");

    // What a deployment of the previous release holds: a catalogue, a registered coordinator with an
    // order, an update waiting in the inbox and a message waiting in the outbox. Written in that
    // release's schema: when a migration changes one of these tables, this is where the rows an older
    // deployment holds are described.
    let now = db::to_epoch(t0());
    let mut tx = db.begin_write().await.unwrap();
    for sql in [
        "INSERT INTO regions (key, parent_key, level, name, timezone, agri_zone)
         VALUES ('xinan', NULL, 'county', '新安县', 'Asia/Shanghai', 'north-wheat-maize')",
        "INSERT INTO regions (key, parent_key, level, name, timezone, agri_zone)
         VALUES ('xinan-beiye', 'xinan', 'township', '北冶镇', 'Asia/Shanghai', 'north-wheat-maize')",
        "INSERT INTO trainers (key, name, title, kind) VALUES ('li-ming', '李明', '高级农艺师', 'expert')",
        "INSERT INTO courses (key, title, audience, category, summary, mode, trainer_key)
         VALUES ('mushrooms', '食用菌栽培', 'villager', 'crops-livestock', '从菌棒到出菇', 'field', 'li-ming')",
        "INSERT INTO classes (key, course_key, region_key, place, capacity, status)
         VALUES ('mushrooms-beiye', 'mushrooms', 'xinan-beiye', '北冶镇农技站', 30, 'open')",
    ] {
        sqlx::query(sql).execute(&mut *tx).await.unwrap_or_else(|e| panic!("{backend:?} {sql}: {e}"));
    }
    sqlx::query(
        "INSERT INTO sessions (class_key, key, starts_at, ends_at, topic)
         VALUES ('mushrooms-beiye', 'day1', $1, $2, '菌棒制作')",
    )
    .bind(now + 7 * 86_400)
    .bind(now + 7 * 86_400 + 3 * 3_600)
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO people (user_id, chat_id, name, audience, lang, village_key, phone, consent_at,
                             registered_at, updated_at)
         VALUES (7001, 7001, '阿依古丽·买买提', 'villager', 'zh', 'xinan-beiye', '+8613800000001', $1, $1, $1)",
    )
    .bind(now)
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO person_roles (user_id, role, region_key, granted_at) VALUES (7001, 'coordinator', 'xinan', $1)",
    )
    .bind(now)
    .execute(&mut *tx)
    .await
    .unwrap();
    let order_id: i64 = sqlx::query(
        "INSERT INTO orders (number, user_id, class_key, status, created_at, updated_at)
         VALUES ('FS-7K3Q-2', 7001, 'mushrooms-beiye', 'confirmed', $1, $1) RETURNING id",
    )
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .unwrap()
    .try_get("id")
    .unwrap();
    sqlx::query(
        "INSERT INTO order_events (order_id, at, from_status, to_status, actor)
         VALUES ($1, $2, NULL, 'confirmed', 7001)",
    )
    .bind(order_id)
    .bind(now)
    .execute(&mut *tx)
    .await
    .unwrap();
    let update =
        r#"{"update_id":900001,"message":{"message_id":5,"chat":{"id":7001,"type":"private"},"text":"/mydata"}}"#;
    sqlx::query(
        "INSERT INTO inbox (update_id, chat_key, kind, payload, received_at) VALUES (900001, 7001, 'message', $1, $2)",
    )
    .bind(update)
    .bind(now)
    .execute(&mut *tx)
    .await
    .unwrap();
    let message_id: i64 = sqlx::query(
        "INSERT INTO outbox (chat_id, kind, payload, dedupe_key, planned_at, due_at, created_at, send_rule)
         VALUES (7001, 'notice', $1, 'confirmed:FS-7K3Q-2', $2, $2, $2, 'notice;personal') RETURNING id",
    )
    .bind(r#"{"text":"报名成功：食用菌栽培 FS-7K3Q-2","parse_mode":null,"buttons":[]}"#)
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .unwrap()
    .try_get("id")
    .unwrap();

    tx.commit().await.unwrap();

    // The new release starts: its migrations run as they do in production.
    db.migrate().await.unwrap();
    assert_eq!(applied(db).await, current.iter().count() as i64, "{backend:?}");

    // The person, with their role.
    let person = db::people::find(db, 7001).await.unwrap().expect("the person is still there");
    assert_eq!(person.name.as_str(), "阿依古丽·买买提", "{backend:?}");
    assert_eq!(person.lang, Lang::Zh, "{backend:?}");
    assert_eq!(person.village_key.as_deref(), Some("xinan-beiye"), "{backend:?}");
    assert_eq!(person.phone.as_ref().map(|p| p.as_str()), Some("+8613800000001"), "{backend:?}");
    assert_eq!(person.roles, vec![RoleGrant { role: Role::Coordinator, region_key: "xinan".into() }], "{backend:?}");

    // Their order, and the class it is for.
    let order = db::orders::get(db, order_id).await.unwrap().expect("the order is still there");
    assert_eq!(order.number.as_str(), "FS-7K3Q-2", "{backend:?}");
    assert_eq!((order.user_id, order.class_key.as_str()), (7001, "mushrooms-beiye"), "{backend:?}");
    assert_eq!(order.status, OrderStatus::Confirmed, "{backend:?}");
    assert_eq!(order.created_at, t0(), "{backend:?}");
    assert_eq!(db::orders::of_user(db, 7001).await.unwrap(), vec![order], "{backend:?}");
    let class = db::catalog::class(db, "mushrooms-beiye").await.unwrap().expect("the class is still there");
    assert_eq!((class.place.as_str(), class.capacity), ("北冶镇农技站", 30), "{backend:?}");
    let sessions = db::catalog::sessions_of_class(db, "mushrooms-beiye").await.unwrap();
    assert_eq!(sessions.len(), 1, "{backend:?}");

    // The waiting update is handled next, as it arrived.
    let depth = db::inbox::depth(db).await.unwrap();
    assert_eq!((depth.pending, depth.working, depth.oldest_waiting), (1, 0, Some(t0())), "{backend:?}");
    let claimed = db::inbox::claim(db, "w1", t0(), Duration::seconds(60)).await.unwrap().expect("claimable");
    assert_eq!((claimed.update_id, claimed.chat_key, claimed.payload.as_str()), (900001, 7001, update), "{backend:?}");

    // The waiting message goes out as it was planned.
    let claim = db::outbox::claim_due(db, t0(), 10, "w1", Duration::seconds(60)).await.unwrap();
    assert_eq!(claim.rows.len(), 1, "{backend:?}");
    let row = &claim.rows[0];
    let text = "报名成功：食用菌栽培 FS-7K3Q-2";
    assert_eq!((row.id, row.chat_id, row.payload.text.as_str()), (message_id, 7001, text), "{backend:?}");
    assert_eq!(row.rule, SendRule { kind: MessageKind::Notice, personal: true }, "{backend:?}");
    assert_eq!(row.dedupe_key.as_deref(), Some("confirmed:FS-7K3Q-2"), "{backend:?}");

    // And the store takes new rows after the old ones (ids keep counting; the old dedupe key holds).
    let message = |dedupe_key: &str| NewMessage {
        chat_id: 7001,
        kind: "notice".into(),
        payload: Payload::text("明天 09:00 上课"),
        dedupe_key: Some(dedupe_key.to_owned()),
        planned_at: t0(),
        due_at: t0(),
        deadline_at: None,
        group_key: None,
        rule: SendRule { kind: MessageKind::Notice, personal: false },
    };
    let mut tx = db.begin_write().await.unwrap();
    assert_eq!(db::outbox::enqueue(&mut tx, &message("confirmed:FS-7K3Q-2")).await.unwrap(), None, "{backend:?}");
    let new_id = db::outbox::enqueue(&mut tx, &message("reminder:FS-7K3Q-2")).await.unwrap().expect("queued");
    tx.commit().await.unwrap();
    assert!(new_id > message_id, "{backend:?}: {new_id} after {message_id}");
}

// ---------------------------------------------------------------------------------------------------
// The schema as both engines can tell it
// ---------------------------------------------------------------------------------------------------

#[derive(Debug, Default)]
struct Schema {
    tables: BTreeMap<String, Table>,
    views: BTreeSet<String>,
}

#[derive(Debug, Default)]
struct Table {
    columns: BTreeMap<String, Column>,
    primary_key: Vec<String>,
    /// UNIQUE constraints, by their columns.
    uniques: BTreeSet<Vec<String>>,
    /// Indexes made by CREATE INDEX, by name.
    indexes: BTreeMap<String, Index>,
    /// By the referencing columns.
    foreign_keys: BTreeMap<Vec<String>, Reference>,
    /// [`fingerprint`]s of the CHECK constraints.
    checks: BTreeSet<String>,
    /// `BEFORE UPDATE`, `AFTER INSERT`, …: what fires a trigger.
    triggers: BTreeSet<String>,
}

#[derive(Debug)]
struct Column {
    /// As declared (SQLite) or as `format_type` names it (PostgreSQL).
    declared: String,
    kind: &'static str,
    not_null: bool,
    /// Normalised by [`normalize_default`].
    default: Option<String>,
    /// SQLite's AUTOINCREMENT, PostgreSQL's serial or identity.
    auto_numbered: bool,
}

#[derive(Debug, PartialEq, Eq)]
struct Index {
    columns: Vec<String>,
    unique: bool,
    /// The [`fingerprint`] of a partial index's WHERE.
    predicate: Option<String>,
}

#[derive(Debug, PartialEq, Eq)]
struct Reference {
    table: String,
    columns: Vec<String>,
    on_update: String,
    on_delete: String,
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}({}) on update {} on delete {}",
            self.table,
            self.columns.join(", "),
            self.on_update,
            self.on_delete
        )
    }
}

/// The kind of a SQLite column's type, by SQLite's own rules for a column's affinity (in their order).
/// Every SQLite integer is 64 bits.
fn sqlite_kind(declared: &str) -> &'static str {
    let t = declared.to_ascii_uppercase();
    if t.contains("INT") {
        "int"
    } else if ["CHAR", "CLOB", "TEXT"].iter().any(|k| t.contains(k)) {
        "text"
    } else if t.contains("BLOB") {
        "bytes"
    } else if t.is_empty() {
        "untyped"
    } else if ["REAL", "FLOA", "DOUB"].iter().any(|k| t.contains(k)) {
        "float"
    } else {
        "numeric"
    }
}

/// The kind of a PostgreSQL column's type. BIGINT matches SQLite's INTEGER; INTEGER (32 bits) does not:
/// its overflow would only show on PostgreSQL (a Telegram id, an instant after 2038).
fn postgres_kind(declared: &str) -> &'static str {
    let base = declared.split('(').next().unwrap_or_default().trim();
    match base {
        "bigint" => "int",
        "integer" => "int32",
        "smallint" => "int16",
        "text" | "character varying" | "character" => "text",
        "bytea" => "bytes",
        "double precision" => "float",
        "real" => "float32",
        "numeric" => "numeric",
        "boolean" => "bool",
        _ => "other",
    }
}

/// Reads the catalogue on one connection. (A SQLite connection keeps its copy of the schema until a
/// statement on a table finds it out of date; the first read here, of `sqlite_master`, does.)
async fn read_schema(db: &Db) -> sqlx::Result<Schema> {
    let mut conn = db.pool.acquire().await?;
    match db.backend {
        Backend::Sqlite => read_sqlite(&mut conn).await,
        Backend::Postgres => read_postgres(&mut conn).await,
    }
}

async fn read_sqlite(conn: &mut AnyConnection) -> sqlx::Result<Schema> {
    let mut schema = Schema::default();
    let objects = sqlx::query(
        "SELECT type, name, tbl_name, sql FROM sqlite_master
         WHERE name NOT LIKE 'sqlite_%' AND tbl_name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut triggers = Vec::new();
    for object in &objects {
        let kind: String = object.try_get("type")?;
        let name: String = object.try_get("name")?;
        let sql: Option<String> = object.try_get("sql")?;
        match kind.as_str() {
            "view" => {
                schema.views.insert(name);
            }
            "table" => {
                let table = read_sqlite_table(conn, &name, sql.as_deref().unwrap_or_default()).await?;
                schema.tables.insert(name, table);
            }
            "trigger" => triggers.push((object.try_get::<String, _>("tbl_name")?, sql.unwrap_or_default())),
            _ => {}
        }
    }
    for (table, sql) in triggers {
        if let Some(t) = schema.tables.get_mut(&table) {
            t.triggers.extend(sqlite_trigger_events(&tokenize(&sql)));
        }
    }
    // A reference without columns names the referenced table's primary key.
    let primary_keys: BTreeMap<String, Vec<String>> =
        schema.tables.iter().map(|(name, t)| (name.clone(), t.primary_key.clone())).collect();
    for table in schema.tables.values_mut() {
        for reference in table.foreign_keys.values_mut() {
            if reference.columns.is_empty() {
                reference.columns = primary_keys.get(&reference.table).cloned().unwrap_or_default();
            }
        }
    }
    Ok(schema)
}

async fn read_sqlite_table(conn: &mut AnyConnection, name: &str, sql: &str) -> sqlx::Result<Table> {
    let mut table = Table::default();
    let create = tokenize(sql);
    let rows = sqlx::query(
        "SELECT name, type, \"notnull\" AS not_null, dflt_value, pk FROM pragma_table_info($1) ORDER BY cid",
    )
    .bind(name)
    .fetch_all(&mut *conn)
    .await?;
    let mut key = Vec::new();
    for row in &rows {
        let column: String = row.try_get("name")?;
        let declared: String = row.try_get("type")?;
        let pk: i64 = row.try_get("pk")?;
        if pk > 0 {
            key.push((pk, column.clone()));
        }
        table.columns.insert(
            column,
            Column {
                kind: sqlite_kind(&declared),
                declared,
                not_null: row.try_get::<i64, _>("not_null")? != 0,
                default: row.try_get::<Option<String>, _>("dflt_value")?.as_deref().map(normalize_default),
                auto_numbered: false,
            },
        );
    }
    key.sort();
    table.primary_key = key.into_iter().map(|(_, c)| c).collect();
    // `INTEGER PRIMARY KEY` names the rowid, which is never NULL (a NULL written there is replaced by a
    // new number); AUTOINCREMENT, allowed only there, numbers without reusing.
    if let [only] = table.primary_key.as_slice()
        && let Some(column) = table.columns.get_mut(only)
        && column.declared.eq_ignore_ascii_case("INTEGER")
    {
        column.not_null = true;
        column.auto_numbered = create.contains(&Token::Word("autoincrement".into()));
    }

    let indexes = sqlx::query("SELECT name, \"unique\" AS is_unique, origin FROM pragma_index_list($1)")
        .bind(name)
        .fetch_all(&mut *conn)
        .await?;
    for index in &indexes {
        let index_name: String = index.try_get("name")?;
        let origin: String = index.try_get("origin")?;
        let unique = index.try_get::<i64, _>("is_unique")? != 0;
        let columns = sqlx::query(
            "SELECT name, \"desc\" AS descending FROM pragma_index_xinfo($1) WHERE \"key\" = 1 ORDER BY seqno",
        )
        .bind(&index_name)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|c| {
            let column = c.try_get::<Option<String>, _>("name")?.unwrap_or_else(|| "<expression>".into());
            let descending = c.try_get::<i64, _>("descending")? != 0;
            Ok(if descending { format!("{column} DESC") } else { column })
        })
        .collect::<sqlx::Result<Vec<_>>>()?;
        match origin.as_str() {
            "pk" => {}
            "u" => {
                table.uniques.insert(columns);
            }
            _ => {
                let sql: Option<String> =
                    sqlx::query("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = $1")
                        .bind(&index_name)
                        .fetch_one(&mut *conn)
                        .await?
                        .try_get("sql")?;
                let tokens = tokenize(sql.as_deref().unwrap_or_default());
                let predicate = tokens
                    .iter()
                    .position(|t| *t == Token::Word("where".into()))
                    .map(|at| fingerprint(&tokens[at + 1..], &table.columns));
                table.indexes.insert(index_name, Index { columns, unique, predicate });
            }
        }
    }

    let references = sqlx::query(
        "SELECT id, \"table\" AS ref_table, \"from\" AS from_column, \"to\" AS to_column, on_update, on_delete
         FROM pragma_foreign_key_list($1) ORDER BY id, seq",
    )
    .bind(name)
    .fetch_all(&mut *conn)
    .await?;
    let mut by_id: BTreeMap<i64, (Vec<String>, Reference)> = BTreeMap::new();
    for r in &references {
        // One row per column of a key, with the key's target and actions on each.
        let (from, reference) = match by_id.entry(r.try_get("id")?) {
            Entry::Occupied(known) => known.into_mut(),
            Entry::Vacant(new) => new.insert((
                Vec::new(),
                Reference {
                    table: r.try_get("ref_table")?,
                    columns: Vec::new(),
                    on_update: r.try_get("on_update")?,
                    on_delete: r.try_get("on_delete")?,
                },
            )),
        };
        from.push(r.try_get("from_column")?);
        if let Some(to) = r.try_get::<Option<String>, _>("to_column")? {
            reference.columns.push(to);
        }
    }
    table.foreign_keys = by_id.into_values().collect();

    let mut at = 0;
    while at < create.len() {
        if create[at] == Token::Word("check".into()) && create.get(at + 1) == Some(&Token::Punct("(".into())) {
            let (inside, next) = group(&create, at + 1);
            table.checks.insert(fingerprint(inside, &table.columns));
            at = next;
        } else {
            at += 1;
        }
    }
    Ok(table)
}

/// `BEFORE UPDATE`, … of `CREATE TRIGGER [IF NOT EXISTS] name [BEFORE|AFTER|INSTEAD OF] event … ON …`.
fn sqlite_trigger_events(tokens: &[Token]) -> Option<String> {
    let word = |t: &Token| match t {
        Token::Word(w) => Some(w.clone()),
        _ => None,
    };
    let mut rest = tokens.iter().skip_while(|t| **t != Token::Word("trigger".into())).skip(1).peekable();
    if rest.peek().and_then(|t| word(t)).as_deref() == Some("if") {
        rest.nth(2); // if not exists
    }
    rest.next(); // the name
    let mut timing = "BEFORE";
    for t in rest {
        match word(t).as_deref() {
            Some("before") => timing = "BEFORE",
            Some("after") => timing = "AFTER",
            Some("instead") => timing = "INSTEAD OF",
            Some("of") => {}
            Some(event @ ("insert" | "update" | "delete")) => {
                return Some(format!("{timing} {}", event.to_ascii_uppercase()));
            }
            _ => return None,
        }
    }
    None
}

async fn read_postgres(conn: &mut AnyConnection) -> sqlx::Result<Schema> {
    let mut schema = Schema::default();
    // Every catalogue value is cast to a type the `Any` driver decodes (no `name`, `"char"` or arrays);
    // lists are joined with the unit separator.
    let relations = sqlx::query(
        "SELECT c.relname::text AS name, c.relkind::text AS kind
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm')
           AND c.relname <> '_sqlx_migrations'",
    )
    .fetch_all(&mut *conn)
    .await?;
    for r in &relations {
        let name: String = r.try_get("name")?;
        if matches!(r.try_get::<String, _>("kind")?.as_str(), "v" | "m") {
            schema.views.insert(name);
        } else {
            schema.tables.insert(name, Table::default());
        }
    }

    let columns = sqlx::query(
        "SELECT c.relname::text AS table_name, a.attname::text AS name,
                format_type(a.atttypid, a.atttypmod) AS declared, a.attnotnull AS not_null,
                pg_get_expr(d.adbin, d.adrelid) AS default_expr, a.attidentity::text AS identity
         FROM pg_attribute a
         JOIN pg_class c ON c.oid = a.attrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped",
    )
    .fetch_all(&mut *conn)
    .await?;
    for c in &columns {
        let Some(table) = schema.tables.get_mut(&c.try_get::<String, _>("table_name")?) else { continue };
        let declared: String = c.try_get("declared")?;
        let default: Option<String> = c.try_get("default_expr")?;
        let serial = default.as_deref().is_some_and(|d| d.starts_with("nextval("));
        let identity = !c.try_get::<String, _>("identity")?.is_empty();
        table.columns.insert(
            c.try_get("name")?,
            Column {
                kind: postgres_kind(&declared),
                declared,
                not_null: c.try_get("not_null")?,
                default: if serial { None } else { default.as_deref().map(normalize_default) },
                auto_numbered: serial || identity,
            },
        );
    }

    let constraints = sqlx::query(
        "SELECT c.relname::text AS table_name, k.contype::text AS kind,
                (SELECT string_agg(a.attname::text, chr(31) ORDER BY u.ord)
                 FROM unnest(k.conkey) WITH ORDINALITY AS u(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum) AS columns,
                f.relname::text AS ref_table,
                (SELECT string_agg(a.attname::text, chr(31) ORDER BY u.ord)
                 FROM unnest(k.confkey) WITH ORDINALITY AS u(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.attnum) AS ref_columns,
                k.confupdtype::text AS on_update, k.confdeltype::text AS on_delete,
                pg_get_constraintdef(k.oid) AS definition
         FROM pg_constraint k
         JOIN pg_class c ON c.oid = k.conrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_class f ON f.oid = k.confrelid
         WHERE n.nspname = current_schema() AND k.contype IN ('p', 'u', 'f', 'c')",
    )
    .fetch_all(&mut *conn)
    .await?;
    let split = |list: Option<String>| -> Vec<String> {
        list.map(|l| l.split('\u{1f}').map(str::to_owned).collect()).unwrap_or_default()
    };
    let action = |code: &str| {
        match code {
            "r" => "RESTRICT",
            "c" => "CASCADE",
            "n" => "SET NULL",
            "d" => "SET DEFAULT",
            _ => "NO ACTION",
        }
        .to_owned()
    };
    for k in &constraints {
        let Some(table) = schema.tables.get_mut(&k.try_get::<String, _>("table_name")?) else { continue };
        let columns = split(k.try_get("columns")?);
        match k.try_get::<String, _>("kind")?.as_str() {
            "p" => table.primary_key = columns,
            "u" => {
                table.uniques.insert(columns);
            }
            "f" => {
                let reference = Reference {
                    table: k.try_get("ref_table")?,
                    columns: split(k.try_get("ref_columns")?),
                    on_update: action(&k.try_get::<String, _>("on_update")?),
                    on_delete: action(&k.try_get::<String, _>("on_delete")?),
                };
                table.foreign_keys.insert(columns, reference);
            }
            _ => {
                let tokens = tokenize(&k.try_get::<String, _>("definition")?);
                table.checks.insert(fingerprint(&tokens, &table.columns));
            }
        }
    }

    // Indexes of their own, not those behind a primary key, UNIQUE or EXCLUDE constraint.
    let indexes = sqlx::query(
        "SELECT t.relname::text AS table_name, i.relname::text AS name, x.indisunique AS is_unique,
                pg_get_expr(x.indpred, x.indrelid) AS predicate,
                (SELECT string_agg(CASE WHEN x.indkey[k - 1] = 0 THEN '<expression>'
                                        ELSE pg_get_indexdef(x.indexrelid, k, true) END
                                   || CASE WHEN pg_index_column_has_property(x.indexrelid, k, 'desc')
                                           THEN ' DESC' ELSE '' END,
                                   chr(31) ORDER BY k)
                 FROM generate_series(1, x.indnkeyatts) AS k) AS columns
         FROM pg_index x
         JOIN pg_class i ON i.oid = x.indexrelid
         JOIN pg_class t ON t.oid = x.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         WHERE n.nspname = current_schema()
           AND NOT EXISTS (SELECT 1 FROM pg_constraint k
                           WHERE k.conindid = x.indexrelid AND k.contype IN ('p', 'u', 'x'))",
    )
    .fetch_all(&mut *conn)
    .await?;
    for x in &indexes {
        let Some(table) = schema.tables.get_mut(&x.try_get::<String, _>("table_name")?) else { continue };
        let predicate =
            x.try_get::<Option<String>, _>("predicate")?.map(|p| fingerprint(&tokenize(&p), &table.columns));
        let index = Index { columns: split(x.try_get("columns")?), unique: x.try_get("is_unique")?, predicate };
        table.indexes.insert(x.try_get("name")?, index);
    }

    let triggers = sqlx::query(
        "SELECT c.relname::text AS table_name, t.tgtype::int8 AS tgtype
         FROM pg_trigger t
         JOIN pg_class c ON c.oid = t.tgrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = current_schema() AND NOT t.tgisinternal",
    )
    .fetch_all(&mut *conn)
    .await?;
    for t in &triggers {
        let Some(table) = schema.tables.get_mut(&t.try_get::<String, _>("table_name")?) else { continue };
        // pg_trigger.h: TRIGGER_TYPE_BEFORE 2, INSERT 4, DELETE 8, UPDATE 16, TRUNCATE 32, INSTEAD 64.
        let tgtype: i64 = t.try_get("tgtype")?;
        let timing = if tgtype & 2 != 0 {
            "BEFORE"
        } else if tgtype & 64 != 0 {
            "INSTEAD OF"
        } else {
            "AFTER"
        };
        // TRUNCATE (32) is left out: SQLite has none.
        for (bit, event) in [(4, "INSERT"), (8, "DELETE"), (16, "UPDATE")] {
            if tgtype & bit != 0 {
                table.triggers.insert(format!("{timing} {event}"));
            }
        }
    }
    Ok(schema)
}

// ---------------------------------------------------------------------------------------------------
// Comparing
// ---------------------------------------------------------------------------------------------------

#[derive(Debug)]
struct Difference {
    /// `table`, `table.column`, `table.index` or `table(columns)` (a foreign key).
    place: String,
    aspect: &'static str,
    labels: (&'static str, &'static str),
    left: String,
    right: String,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (l, r) = self.labels;
        write!(f, "{} {}: {l} {} vs {r} {}", self.place, self.aspect, self.left, self.right)
    }
}

struct Differences {
    labels: (&'static str, &'static str),
    found: Vec<Difference>,
}

impl Differences {
    fn unless_equal(&mut self, place: &str, aspect: &'static str, left: String, right: String) {
        if left != right {
            self.found.push(Difference { place: place.to_owned(), aspect, labels: self.labels, left, right });
        }
    }

    /// Each member of one set missing from the other.
    fn sets<T: Ord>(
        &mut self,
        place: &str,
        aspect: &'static str,
        left: &BTreeSet<T>,
        right: &BTreeSet<T>,
        show: impl Fn(&T) -> String,
    ) {
        for only in left.difference(right) {
            self.unless_equal(place, aspect, show(only), "none".into());
        }
        for only in right.difference(left) {
            self.unless_equal(place, aspect, "none".into(), show(only));
        }
    }
}

fn union<'a>(a: impl Iterator<Item = &'a String>, b: impl Iterator<Item = &'a String>) -> BTreeSet<&'a String> {
    a.chain(b).collect()
}

fn list(columns: &[String]) -> String {
    format!("({})", columns.join(", "))
}

fn compare(left: (&'static str, &Schema), right: (&'static str, &Schema)) -> Vec<Difference> {
    let (a, b) = (left.1, right.1);
    let mut out = Differences { labels: (left.0, right.0), found: Vec::new() };
    for name in union(a.tables.keys(), b.tables.keys()) {
        match (a.tables.get(name), b.tables.get(name)) {
            (Some(x), Some(y)) => compare_tables(&mut out, name, x, y),
            (x, y) => {
                let presence = |t: Option<&Table>| if t.is_some() { "present" } else { "missing" }.to_owned();
                out.unless_equal(name, "table", presence(x), presence(y));
            }
        }
    }
    out.sets("schema", "view", &a.views, &b.views, Clone::clone);
    out.found
}

fn compare_tables(out: &mut Differences, name: &str, a: &Table, b: &Table) {
    for column in union(a.columns.keys(), b.columns.keys()) {
        let place = format!("{name}.{column}");
        let (Some(x), Some(y)) = (a.columns.get(column), b.columns.get(column)) else {
            let show = |c: Option<&Column>| match c {
                Some(c) => format!("{} ({}){}", c.kind, c.declared, if c.not_null { " NOT NULL" } else { "" }),
                None => "missing".into(),
            };
            out.unless_equal(&place, "column", show(a.columns.get(column)), show(b.columns.get(column)));
            continue;
        };
        if x.kind != y.kind {
            out.unless_equal(
                &place,
                "type",
                format!("{} ({})", x.kind, x.declared),
                format!("{} ({})", y.kind, y.declared),
            );
        }
        let nullability = |c: &Column| if c.not_null { "NOT NULL" } else { "NULL" }.to_owned();
        out.unless_equal(&place, "nullability", nullability(x), nullability(y));
        let default = |c: &Column| c.default.clone().unwrap_or_else(|| "none".into());
        out.unless_equal(&place, "default", default(x), default(y));
        let numbered = |c: &Column| if c.auto_numbered { "numbered" } else { "not numbered" }.to_owned();
        out.unless_equal(&place, "auto-numbering", numbered(x), numbered(y));
    }

    let key = |t: &Table| if t.primary_key.is_empty() { "none".into() } else { list(&t.primary_key) };
    out.unless_equal(name, "primary key", key(a), key(b));
    out.sets(name, "unique constraint", &a.uniques, &b.uniques, |c| list(c));

    for index in union(a.indexes.keys(), b.indexes.keys()) {
        let place = format!("{name}.{index}");
        let predicate = |i: &Index| match &i.predicate {
            Some(p) => format!("WHERE {p}"),
            None => "none".into(),
        };
        match (a.indexes.get(index), b.indexes.get(index)) {
            (Some(x), Some(y)) => {
                out.unless_equal(&place, "index columns", list(&x.columns), list(&y.columns));
                let uniqueness = |i: &Index| if i.unique { "unique" } else { "not unique" }.to_owned();
                out.unless_equal(&place, "index uniqueness", uniqueness(x), uniqueness(y));
                out.unless_equal(&place, "index predicate", predicate(x), predicate(y));
            }
            (x, y) => {
                let show = |i: Option<&Index>| match i {
                    Some(i) => format!(
                        "{}{}{}",
                        if i.unique { "unique " } else { "" },
                        list(&i.columns),
                        i.predicate.as_ref().map(|_| format!(" {}", predicate(i))).unwrap_or_default()
                    ),
                    None => "missing".into(),
                };
                out.unless_equal(&place, "index", show(x), show(y));
            }
        }
    }

    let references: BTreeSet<&Vec<String>> = a.foreign_keys.keys().chain(b.foreign_keys.keys()).collect();
    for columns in references {
        let show = |r: Option<&Reference>| r.map(ToString::to_string).unwrap_or_else(|| "none".into());
        out.unless_equal(
            &format!("{name}({})", columns.join(", ")),
            "foreign key",
            show(a.foreign_keys.get(columns)),
            show(b.foreign_keys.get(columns)),
        );
    }
    out.sets(name, "check", &a.checks, &b.checks, Clone::clone);
    out.sets(name, "trigger", &a.triggers, &b.triggers, Clone::clone);
}

// ---------------------------------------------------------------------------------------------------
// Reading SQL text: CHECK constraints, partial index predicates, defaults, triggers
// ---------------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// A keyword or an identifier (quoted or not), lower-cased.
    Word(String),
    /// A string literal, unquoted.
    Str(String),
    Num(String),
    Punct(String),
}

/// Splits SQL into tokens, leaving out comments (SQLite keeps a table's comments in its stored SQL).
fn tokenize(sql: &str) -> Vec<Token> {
    let chars: Vec<char> = sql.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let quoted = |start: usize, quote: char| -> (String, usize) {
        let mut text = String::new();
        let mut i = start + 1;
        while i < chars.len() {
            if chars[i] == quote {
                if chars.get(i + 1) == Some(&quote) {
                    text.push(quote);
                    i += 2;
                    continue;
                }
                return (text, i + 1);
            }
            text.push(chars[i]);
            i += 1;
        }
        (text, i)
    };
    while i < chars.len() {
        let (c, next) = (chars[i], chars.get(i + 1).copied());
        if c.is_whitespace() {
            i += 1;
        } else if c == '-' && next == Some('-') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                i += 1;
            }
            i += 2;
        } else if c == '\'' {
            let (text, end) = quoted(i, '\'');
            tokens.push(Token::Str(text));
            i = end;
        } else if c == '"' || c == '`' {
            let (text, end) = quoted(i, c);
            tokens.push(Token::Word(text.to_lowercase()));
            i = end;
        } else if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            tokens.push(Token::Num(chars[start..i].iter().collect()));
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$') {
                i += 1;
            }
            tokens.push(Token::Word(chars[start..i].iter().collect::<String>().to_lowercase()));
        } else if c == ':' && next == Some(':') {
            tokens.push(Token::Punct("::".into()));
            i += 2;
        } else {
            tokens.push(Token::Punct(c.to_string()));
            i += 1;
        }
    }
    tokens
}

/// The tokens inside the parenthesis that opens at `open`, and the position after it closes.
fn group(tokens: &[Token], open: usize) -> (&[Token], usize) {
    let mut depth = 0;
    for (at, token) in tokens.iter().enumerate().skip(open) {
        match token {
            Token::Punct(p) if p == "(" => depth += 1,
            Token::Punct(p) if p == ")" => {
                depth -= 1;
                if depth == 0 {
                    return (&tokens[open + 1..at], at + 1);
                }
            }
            _ => {}
        }
    }
    (&tokens[(open + 1).min(tokens.len())..], tokens.len())
}

/// Tokens without PostgreSQL's casts (`'x'::text`, `'-1'::integer`): a cast number is a number.
fn without_casts(tokens: &[Token]) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i] == Token::Punct("::".into()) {
            if let Some(Token::Str(s)) = out.last()
                && s.parse::<f64>().is_ok()
            {
                let number = s.clone();
                *out.last_mut().expect("just seen") = Token::Num(number);
            }
            i += 1;
            // The type: one or more words (`character varying`), and a length in parentheses.
            while let Some(Token::Word(_)) = tokens.get(i) {
                i += 1;
            }
            if tokens.get(i) == Some(&Token::Punct("(".into())) {
                i = group(tokens, i).1;
            }
            continue;
        }
        out.push(tokens[i].clone());
        i += 1;
    }
    out
}

/// What a condition is about, as both engines keep it: the table's columns it names and the values it
/// compares them with (`on (status) values ('pending', 'working')`). Operators are left out: each
/// engine writes them its own way.
fn fingerprint(tokens: &[Token], columns: &BTreeMap<String, Column>) -> String {
    let mut named = BTreeSet::new();
    let mut values = BTreeSet::new();
    for token in without_casts(tokens) {
        match token {
            Token::Word(w) if columns.contains_key(&w) => {
                named.insert(w);
            }
            Token::Str(s) => {
                values.insert(format!("'{s}'"));
            }
            Token::Num(n) => {
                values.insert(n);
            }
            _ => {}
        }
    }
    let join = |set: BTreeSet<String>| set.into_iter().collect::<Vec<_>>().join(", ");
    format!("on ({}) values ({})", join(named), join(values))
}

/// A default as both engines can compare it: no casts, no enclosing parentheses.
fn normalize_default(expr: &str) -> String {
    let mut tokens = without_casts(&tokenize(expr));
    while tokens.first() == Some(&Token::Punct("(".into())) && group(&tokens, 0).1 == tokens.len() {
        tokens = tokens[1..tokens.len() - 1].to_vec();
    }
    tokens
        .iter()
        .map(|t| match t {
            Token::Str(s) => format!("'{}'", s.replace('\'', "''")),
            Token::Word(w) | Token::Num(w) | Token::Punct(w) => w.clone(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}
