//! The in-memory catalogue (issue 14): it answers as storage does, and it follows imports made by this
//! process at once and by another replica as soon as the new version is observed; on SQLite and on
//! PostgreSQL.

use fieldschool::db::{self, Db, snapshot};
use fieldschool::services::catalog_import::import_str;

use crate::common::{DEMO_CATALOG, Store, fresh_db};

async fn each_store(test: impl AsyncFn(Db)) {
    for store in [Store::Sqlite, Store::Postgres] {
        if let Some((db, _dir)) = fresh_db(store).await {
            test(db).await;
        }
    }
}

async fn stored_version(db: &Db) -> i64 {
    let mut conn = db.pool.acquire().await.unwrap();
    snapshot::version(&mut conn).await.unwrap()
}

#[tokio::test]
async fn the_snapshot_answers_as_storage_does() {
    each_store(async |db: Db| {
        import_str(&db, "demo-catalog.toml", DEMO_CATALOG).await.unwrap();
        // Settings the demo leaves out, written directly: the triggers make the next read see them.
        for statement in [
            "UPDATE regions SET remind_evening_at = '20:15', contact = '县培训办' WHERE key = 'xinan'",
            "UPDATE regions SET remind_hours_before = 0, contact = '  ' WHERE key = 'xinan-tieshan'",
            "UPDATE regions SET remind_evening_at = 'off', busy_mode = 'replace' WHERE key = 'qianshan-chaxiang-yunwu'",
        ] {
            sqlx::query(statement).execute(&db.pool).await.unwrap();
        }
        let catalog = db.catalog().await.unwrap();
        let mut conn = db.pool.acquire().await.unwrap();
        let mut keys: Vec<String> = catalog.all_regions().into_iter().map(|r| r.key).collect();
        keys.push("nowhere".into());
        for key in &keys {
            let stored = db::catalog::calendar_of_conn(&mut conn, key).await.unwrap();
            assert_eq!(catalog.calendar(key), stored, "calendar of {key}");
            let stored = db::catalog::reminder_plan_conn(&mut conn, key).await.unwrap();
            assert_eq!(catalog.reminder_plan(key), stored, "reminder plan of {key}");
        }
        assert_eq!(catalog.reminder_plan("xinan-tieshan-xicun").evening_at, chrono::NaiveTime::from_hms_opt(20, 15, 0));
        assert_eq!(catalog.reminder_plan("xinan-tieshan-xicun").hours_before, None);
        let contact = db::regions::office_contact(&db, "xinan-tieshan-dongcun").await.unwrap().unwrap();
        assert_eq!(contact.get(fieldschool::i18n::Lang::Zh), "县培训办");

        let mut tx = db.pool.begin().await.unwrap();
        let classes: Vec<String> =
            sqlx::query_scalar("SELECT key FROM classes ORDER BY key").fetch_all(&mut *tx).await.unwrap();
        assert!(!classes.is_empty());
        for key in &classes {
            let class = db::catalog::class_in_tx(&mut tx, key).await.unwrap();
            assert_eq!(catalog.class(key), class.as_ref(), "class {key}");
            let class = class.unwrap();
            let course = db::catalog::course_in_tx(&mut tx, &class.course_key).await.unwrap();
            assert_eq!(catalog.course(&class.course_key), course.as_ref());
            let sessions = db::catalog::sessions_of_class_conn(&mut tx, key).await.unwrap();
            assert_eq!(catalog.sessions_of_class(key).cloned().collect::<Vec<_>>(), sessions, "sessions of {key}");
            let timezone = db::regions::timezone_in_tx(&mut tx, &class.region_key).await.unwrap();
            assert_eq!(catalog.region(&class.region_key).map(|r| r.timezone.clone()), timezone);
        }
        tx.rollback().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn another_replicas_import_is_seen_once_its_version_is_observed() {
    each_store(async |db: Db| {
        let other_replica = Db::connect(&db.url).await.unwrap();
        import_str(&db, "demo-catalog.toml", DEMO_CATALOG).await.unwrap();
        let capacity = |catalog: &fieldschool::domain::catalog_snapshot::CatalogSnapshot| {
            catalog.class("mushroom-2026-12").unwrap().capacity
        };
        let before = capacity(&db.catalog().await.unwrap());
        let changed = DEMO_CATALOG.replacen(&format!("capacity = {before}"), "capacity = 3", 1);
        assert_ne!(changed, DEMO_CATALOG, "the demo states the class's capacity");

        snapshot::observing(async {
            let seen = db.catalog().await.unwrap();
            import_str(&other_replica, "demo-catalog.toml", &changed).await.unwrap();
            let version = stored_version(&other_replica).await;
            assert!(version > seen.version());

            let unobserved = db.catalog().await.unwrap();
            assert_eq!(capacity(&unobserved), before, "within a unit of work, the version it knows is trusted");
            assert_eq!(unobserved.version(), seen.version());

            db.observe_catalog_version(version);
            let observed = db.catalog().await.unwrap();
            assert_eq!(capacity(&observed), 3);
            assert_eq!(observed.version(), version);
        })
        .await;

        // Outside a unit of work every read checks the version (one small query).
        import_str(&other_replica, "demo-catalog.toml", DEMO_CATALOG).await.unwrap();
        assert_eq!(db::catalog::class(&db, "mushroom-2026-12").await.unwrap().unwrap().capacity, before);
        sqlx::query("UPDATE classes SET capacity = 5 WHERE key = 'mushroom-2026-12'")
            .execute(&other_replica.pool)
            .await
            .unwrap();
        assert_eq!(db::catalog::class(&db, "mushroom-2026-12").await.unwrap().unwrap().capacity, 5);

        // A scheduler pass looks once, at its start.
        snapshot::observing(async {
            db.refresh_catalog_if_changed().await.unwrap();
            assert_eq!(capacity(&db.catalog().await.unwrap()), 5);
        })
        .await;
        other_replica.pool.close().await;
    })
    .await;
}
