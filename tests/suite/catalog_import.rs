//! `fieldschool import`: what an operator sees when loading, refreshing and mistyping a catalogue,
//! on SQLite and on PostgreSQL.

use fieldschool::db::{self, Db};
use fieldschool::domain::catalog::{ClassStatus, SessionStatus};
use fieldschool::domain::person::Audience;
use fieldschool::services::catalog_import::{ImportError, import_str};

use crate::common::{ANY, DEMO_CATALOG, Store, ZH, beijing, fresh_db, matches, shows, tr};

const SMALL: &str = r#"
[[region]]
key = "xinan"
name = "新安县"
zone = "north-wheat-maize"

[[region]]
key = "xinan-tieshan"
name = "铁山镇"
parent = "xinan"

[[region]]
key = "xinan-tieshan-dongcun"
name = "东村"
parent = "xinan-tieshan"

[[trainer]]
key = "wang"
name = "王立新"
title = "农技推广研究员"
kind = "expert"

[[course]]
key = "mushroom"
title = "食用菌种植"
audience = "villager"
category = "crops-livestock"
summary = "香菇、平菇大棚种植。"
mode = "field"
trainer = "wang"

[[course.question]]
key = "q1"
text = "香菇出菇适宜温度是？"
options = ["5-10℃", "12-20℃", "30-35℃"]
answer = 2
explanation = "12-20℃ 出菇最好。"

[[class]]
key = "mushroom-2026-12"
course = "mushroom"
region = "xinan-tieshan"
place = "铁山镇农技站"
capacity = 30

[[class.session]]
key = "s1"
date = "2026-12-08"
time = "09:00-11:30"

[[class.session]]
key = "s2"
date = "2026-12-09"
time = "09:00-11:30"
"#;

async fn each_store(test: impl AsyncFn(Db)) {
    for store in [Store::Sqlite, Store::Postgres] {
        if let Some((db, _dir)) = fresh_db(store).await {
            test(db).await;
        }
    }
}

fn problems(err: ImportError) -> String {
    match err {
        ImportError::Invalid { .. } => err.to_string(),
        other => panic!("expected the file to be refused, got {other}"),
    }
}

#[tokio::test]
async fn a_catalogue_imports_with_local_times_stored_as_utc() {
    each_store(async |db: Db| {
        let report = import_str(&db, "small.toml", SMALL).await.unwrap();
        assert_eq!(report.regions.created, 3);
        assert_eq!(report.courses.created, 1);
        assert_eq!(report.sessions.created, 2);

        let region = db::regions::get(&db, "xinan-tieshan-dongcun").await.unwrap().unwrap();
        assert_eq!(region.timezone, "Asia/Shanghai", "inherited default");
        assert_eq!(region.agri_zone, "north-wheat-maize", "inherited from the county");

        let sessions = db::catalog::sessions_of_class(&db, "mushroom-2026-12").await.unwrap();
        assert_eq!(sessions[0].starts_at, beijing("2026-12-08T09:00:00"));
        assert_eq!(sessions[0].ends_at, beijing("2026-12-08T11:30:00"));

        let questions = db::catalog::questions_of(&db, "mushroom").await.unwrap();
        assert_eq!(questions[0].options[questions[0].answer], "12-20℃", "answer is 1-based in the file");

        let offered =
            db::catalog::offered_courses(&db, Audience::Villager, beijing("2026-12-01T00:00:00"), None).await.unwrap();
        assert_eq!(offered.iter().map(|c| c.key.as_str()).collect::<Vec<_>>(), ["mushroom"]);
        let later =
            db::catalog::offered_courses(&db, Audience::Villager, beijing("2026-12-08T10:00:00"), None).await.unwrap();
        assert!(later.is_empty(), "a class that has begun is no longer offered");
        let cadre =
            db::catalog::offered_courses(&db, Audience::Cadre, beijing("2026-12-01T00:00:00"), None).await.unwrap();
        assert!(cadre.is_empty(), "villager courses are not shown to cadres");
    })
    .await;
}

#[tokio::test]
async fn re_importing_updates_in_place_and_never_duplicates() {
    each_store(async |db: Db| {
        import_str(&db, "small.toml", SMALL).await.unwrap();
        let ids_before: Vec<i64> =
            db::catalog::sessions_of_class(&db, "mushroom-2026-12").await.unwrap().iter().map(|s| s.id).collect();

        let again = import_str(&db, "small.toml", SMALL).await.unwrap();
        assert_eq!(again.regions.unchanged, 3);
        assert_eq!(again.sessions.unchanged, 2);
        assert_eq!(again.sessions.created + again.courses.created + again.classes.created, 0);
        assert_eq!(db::catalog::counts(&db).await.unwrap(), [3, 1, 1, 1, 2]);

        // The trainer moves the second session to the afternoon and drops nothing else.
        let moved = SMALL
            .replace("date = \"2026-12-09\"\ntime = \"09:00-11:30\"", "date = \"2026-12-09\"\ntime = \"14:00-16:30\"");
        let report = import_str(&db, "small.toml", &moved).await.unwrap();
        assert_eq!(report.moved_sessions, vec![ids_before[1]]);
        let sessions = db::catalog::sessions_of_class(&db, "mushroom-2026-12").await.unwrap();
        assert_eq!(sessions.iter().map(|s| s.id).collect::<Vec<_>>(), ids_before, "ids are stable");
        assert_eq!(sessions[1].starts_at, beijing("2026-12-09T14:00:00"));
    })
    .await;
}

#[tokio::test]
async fn what_a_file_no_longer_lists_is_cancelled_not_deleted() {
    each_store(async |db: Db| {
        import_str(&db, "small.toml", SMALL).await.unwrap();
        let without_s2 = SMALL.split("[[class.session]]\nkey = \"s2\"").next().unwrap().to_owned();
        let report = import_str(&db, "small.toml", &without_s2).await.unwrap();
        assert_eq!(report.cancelled_sessions.len(), 1);
        let sessions = db::catalog::sessions_of_class(&db, "mushroom-2026-12").await.unwrap();
        assert_eq!(sessions.len(), 2);
        assert_eq!(sessions[1].status, SessionStatus::Cancelled);

        let other_class = SMALL.replace("key = \"mushroom-2026-12\"", "key = \"mushroom-2027-01\"");
        let report = import_str(&db, "small.toml", &other_class).await.unwrap();
        assert_eq!(report.cancelled_classes, vec!["mushroom-2026-12".to_owned()]);
        let old = db::catalog::class(&db, "mushroom-2026-12").await.unwrap().unwrap();
        assert_eq!(old.status, ClassStatus::Cancelled);
    })
    .await;
}

/// The 1-based line of the first line of `text` that contains `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).expect("the line is in the file") + 1
}

#[tokio::test]
async fn every_mistake_of_a_file_is_reported_in_one_run_and_nothing_is_written() {
    each_store(async |db: Db| {
        // Seven mistakes of every kind: an unknown field, a wrong type, a value out of range, a date
        // and a time that do not exist, and two references to nothing.
        let bad = SMALL
            .replace("name = \"铁山镇\"", "name = \"铁山镇\"\nnmae = \"铁山\"")
            .replace("trainer = \"wang\"", "trainer = \"zhang\"")
            .replace("answer = 2", "answer = 7")
            .replace("course = \"mushroom\"", "course = \"mushrom\"")
            .replace("capacity = 30", "capacity = \"30\"")
            .replace("date = \"2026-12-08\"", "date = \"2026-12-32\"")
            .replace("date = \"2026-12-09\"\ntime = \"09:00-11:30\"", "date = \"2026-12-09\"\ntime = \"25:00-26:00\"");
        let text = problems(import_str(&db, "bad.toml", &bad).await.unwrap_err());
        let expect = [
            (line_of(&bad, "nmae"), "region \"xinan-tieshan\": field `nmae`: is not a field here"),
            (line_of(&bad, "trainer = \"zhang\""), "course \"mushroom\": field `trainer`: no trainer \"zhang\""),
            (line_of(&bad, "answer = 7"), "course \"mushroom\", question \"q1\": field `answer`: is the number"),
            (line_of(&bad, "\"mushrom\""), "class \"mushroom-2026-12\": field `course`: no course \"mushrom\""),
            (line_of(&bad, "capacity"), "class \"mushroom-2026-12\": field `capacity`: must be a whole number"),
            (
                line_of(&bad, "2026-12-32"),
                "class \"mushroom-2026-12\", session \"s1\": field `date`: there is no such date as 2026-12-32",
            ),
            (
                line_of(&bad, "25:00"),
                "class \"mushroom-2026-12\", session \"s2\": field `time`: there is no such time as 25:00",
            ),
        ];
        for (line, problem) in expect {
            assert!(text.contains(&format!("bad.toml:{line}: {problem}")), "line {line}: {problem}\n{text}");
        }
        assert!(text.ends_with("7 problem(s); nothing was imported"), "no other problem: {text}");
        // In the order of the file.
        let lines: Vec<usize> = text.lines().filter_map(|l| l.split(':').nth(1)?.parse().ok()).collect();
        assert!(lines.is_sorted(), "{text}");
        assert_eq!(db::catalog::counts(&db).await.unwrap(), [0, 0, 0, 0, 0]);

        // A value of the wrong type and a missing field no longer hide the rest of their entry.
        let bad = SMALL
            .replace("title = \"农技推广研究员\"\n", "")
            .replace("kind = \"expert\"", "kind = \"guru\"")
            .replace("name = \"东村\"", &format!("name = \"东村\"\ncontact = \"{}\"", "电".repeat(121)));
        let text = problems(import_str(&db, "bad.toml", &bad).await.unwrap_err());
        assert!(text.contains("trainer \"wang\": field `title`: is missing"), "{text}");
        assert!(text.contains("trainer \"wang\": field `kind`: must be expert, industry or local"), "{text}");
        assert!(
            text.contains("region \"xinan-tieshan-dongcun\": field `contact`: is 121 characters long; at most 120")
        );
        assert!(text.ends_with("3 problem(s); nothing was imported"), "{text}");
    })
    .await;
}

#[tokio::test]
async fn syntax_errors_and_unknown_fields_name_their_line() {
    each_store(async |db: Db| {
        let text = problems(import_str(&db, "x.toml", "[[region]]\nkey = \"a\"\nnmae = \"typo\"\n").await.unwrap_err());
        assert!(text.contains("x.toml:3: region \"a\": field `nmae`: is not a field here; the fields are: key, name,"));
        assert!(text.contains("x.toml:2: region \"a\": field `name`: is missing"), "{text}");

        // A syntax error stops the reading: only it is reported.
        let text = problems(import_str(&db, "x.toml", "[[course]\n").await.unwrap_err());
        assert!(text.starts_with("x.toml:1: "), "{text}");
        assert!(text.ends_with("1 problem(s); nothing was imported"), "{text}");

        let bad_anchor = SMALL.replace(
            "zone = \"north-wheat-maize\"",
            "zone = \"north-wheat-maize\"\nbusy = [{ name = \"x\", from = \"maize+3\", to = \"xiazhi\" }]",
        );
        let text = problems(import_str(&db, "x.toml", &bad_anchor).await.unwrap_err());
        assert!(text.starts_with("x.toml:6: region \"xinan\": field `busy`: "), "{text}");
        assert!(text.contains("solar term"), "{text}");

        // An unquoted date is a TOML date, not text: the fix is said.
        let unquoted = SMALL.replace("date = \"2026-12-08\"", "date = 2026-12-08");
        let text = problems(import_str(&db, "x.toml", &unquoted).await.unwrap_err());
        assert!(text.contains("field `date`: write it in quotes: \"2026-12-08\""), "{text}");
    })
    .await;
}

#[tokio::test]
async fn a_tea_township_adds_its_picking_season_to_the_zone() {
    each_store(async |db: Db| {
        let tea = SMALL.replace(
            "name = \"铁山镇\"\nparent = \"xinan\"",
            "name = \"铁山镇\"\nparent = \"xinan\"\nbusy = [{ name = \"春茶\", from = \"qingming-10\", to = \"guyu+5\" }]\nquiet_hours = \"20:30-07:00\"",
        );
        import_str(&db, "tea.toml", &tea).await.unwrap();
        let village = db::catalog::calendar_of(&db, "xinan-tieshan-dongcun").await.unwrap().unwrap();
        let seasons: Vec<String> = village.busy_seasons(2027).into_iter().map(|(name, _, _)| name).collect();
        assert!(seasons.contains(&"spring-tea".to_owned()), "春茶 is the built-in spring-tea season: {seasons:?}");
        assert!(seasons.contains(&"sanxia".to_owned()), "the zone's own seasons stay: {seasons:?}");
        assert_eq!(village.quiet.to_string(), "20:30-07:00", "inherited from the township");
        let county = db::catalog::calendar_of(&db, "xinan").await.unwrap().unwrap();
        assert!(!county.busy_seasons(2027).iter().any(|(n, _, _)| n == "spring-tea"));
    })
    .await;
}

#[tokio::test]
async fn the_demo_catalogue_imports_cleanly_and_re_imports_unchanged() {
    each_store(async |db: Db| {
        let first = import_str(&db, "demo-catalog.toml", DEMO_CATALOG).await.unwrap();
        assert!(first.regions.created >= 10 && first.courses.created >= 9 && first.classes.created >= 6, "{first}");
        let again = import_str(&db, "demo-catalog.toml", DEMO_CATALOG).await.unwrap();
        assert_eq!(again.regions.created + again.regions.updated + again.courses.updated + again.sessions.updated, 0);
        let villager =
            db::catalog::offered_courses(&db, Audience::Villager, crate::common::demo_start(), None).await.unwrap();
        let cadre =
            db::catalog::offered_courses(&db, Audience::Cadre, crate::common::demo_start(), None).await.unwrap();
        assert!(villager.len() >= 5 && !cadre.is_empty());
    })
    .await;
}

// ---------------------------------------------------------------------------------------------------
// `fieldschool import` itself: the clock, --allow-past, warnings
// ---------------------------------------------------------------------------------------------------

/// A fresh database on each store with the URL the binary needs to open it.
async fn each_store_url(test: impl AsyncFn(Db, String)) {
    for store in [Store::Sqlite, Store::Postgres] {
        let Some((db, dir)) = fresh_db(store).await else { continue };
        let url = match &dir {
            Some(dir) => format!("sqlite://{}", dir.path().join("test.db").display()),
            None => {
                let name: String = sqlx::Row::try_get(
                    &sqlx::query("SELECT CAST(current_database() AS TEXT) AS name").fetch_one(&db.pool).await.unwrap(),
                    "name",
                )
                .unwrap();
                let admin = fieldschool::config::test_postgres_url().unwrap_or_default();
                format!("{}/{name}", admin.rsplit_once('/').unwrap().0)
            }
        };
        test(db, url).await;
    }
}

/// Runs `fieldschool import FILE [args]` at the local (Beijing) time `clock`: (success, stdout, stderr).
async fn import_cli(url: &str, clock: &str, catalogue: &str, args: &[&str]) -> (bool, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("small.toml");
    std::fs::write(&file, catalogue).unwrap();
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_fieldschool"))
        .arg("import")
        .arg(&file)
        .args(args)
        .env("DATABASE_URL", url)
        .env("FIELDSCHOOL_CLOCK_START", clock)
        .env("RUST_LOG", "warn")
        .env_remove("RUST_BACKTRACE")
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).replace(&*file.display().to_string(), "small.toml");
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned(), stderr)
}

#[tokio::test]
async fn the_past_is_refused_unless_the_operator_loads_history() {
    each_store_url(async |db: Db, url: String| {
        // 10:00 on the day of s1 (09:00): s1 would be a new session in the past.
        let (ok, _, err) = import_cli(&url, "2026-12-08 10:00", SMALL, &[]).await;
        assert!(!ok, "{err}");
        let s1 = line_of(SMALL, "2026-12-08");
        assert!(
            err.contains(&format!(
                "small.toml:{s1}: class \"mushroom-2026-12\", session \"s1\": field `date`: starts 2026-12-08 09:00, \
                 before now (2026-12-08 10:00)"
            )),
            "{err}"
        );
        assert!(err.contains("--allow-past") && err.contains("1 problem(s); nothing was imported"), "{err}");
        assert_eq!(db::catalog::counts(&db).await.unwrap(), [0, 0, 0, 0, 0]);

        // Loading it as history is the operator's choice.
        let (ok, out, err) = import_cli(&url, "2026-12-08 10:00", SMALL, &["--allow-past"]).await;
        assert!(ok, "{err}");
        assert!(out.contains("sessions:  2 new"), "{out}");

        // The session in the past stays as it was without the flag; moving one into the past is refused.
        let (ok, out, err) = import_cli(&url, "2026-12-08 10:00", SMALL, &[]).await;
        assert!(ok && out.contains("2 unchanged"), "{out}{err}");
        let moved = SMALL.replace("date = \"2026-12-09\"", "date = \"2026-12-07\"");
        let (ok, _, err) = import_cli(&url, "2026-12-08 10:00", &moved, &[]).await;
        assert!(!ok, "{err}");
        assert!(
            err.contains("session \"s2\": field `date`: moves the session to 2026-12-07 09:00, before now"),
            "{err}"
        );
        let s2 = db::catalog::sessions_of_class(&db, "mushroom-2026-12").await.unwrap()[1].clone();
        assert_eq!(s2.starts_at, beijing("2026-12-09T09:00:00"), "unchanged");

        // A new class in 2019 is a typo, not a class.
        let old = format!(
            "{SMALL}\n[[class]]\nkey = \"mushroom-2019\"\ncourse = \"mushroom\"\nregion = \"xinan-tieshan\"\n\
             place = \"铁山镇农技站\"\ncapacity = 30\n\n[[class.session]]\nkey = \"s1\"\ndate = \"2019-12-09\"\n\
             time = \"09:00-11:30\"\n"
        );
        let (ok, _, err) = import_cli(&url, "2026-12-08 10:00", &old, &[]).await;
        assert!(
            !ok && err.contains("class \"mushroom-2019\", session \"s1\": field `date`: starts 2019-12-09"),
            "{err}"
        );
    })
    .await;
}

#[tokio::test]
async fn import_warns_about_regions_nobody_receives_orders_for() {
    each_store_url(async |db: Db, url: String| {
        let grant = async |role: &str, region: &str| {
            sqlx::query("INSERT INTO person_roles (user_id, role, region_key, granted_at) VALUES ($1, $2, $3, 0)")
                .bind(7_i64)
                .bind(role)
                .bind(region)
                .execute(&db.pool)
                .await
                .unwrap();
        };
        let warning = "warning: nobody receives orders for classes in 铁山镇 (xinan-tieshan)";
        let (ok, out, err) = import_cli(&url, "2026-12-01 09:00", SMALL, &[]).await;
        assert!(ok, "{err}");
        assert!(out.contains(warning), "printed, not refused: {out}");
        assert_eq!(out.matches("warning: nobody").count(), 1, "only the region holding classes: {out}");

        // A coordinator of another county does not receive them; one of the county does.
        grant("coordinator", "qianshan").await;
        let (_, out, _) = import_cli(&url, "2026-12-01 09:00", SMALL, &[]).await;
        assert!(out.contains(warning), "{out}");
        grant("coordinator", "xinan").await;
        let (_, out, _) = import_cli(&url, "2026-12-01 09:00", SMALL, &[]).await;
        assert!(!out.contains("warning"), "{out}");

        // Without coordinators, an admin is someone to turn to.
        sqlx::query("DELETE FROM person_roles").execute(&db.pool).await.unwrap();
        grant("admin", "").await;
        let (_, out, _) = import_cli(&url, "2026-12-01 09:00", SMALL, &[]).await;
        assert!(!out.contains("warning"), "{out}");
    })
    .await;
}

// ---------------------------------------------------------------------------------------------------
// The office's contact
// ---------------------------------------------------------------------------------------------------

async fn the_office_contact_reaches_the_people_told_to_contact_the_office(store: Store) {
    let Some(t) = crate::common::TestBot::start(store).await else { return };
    let coord = t.coordinator(960, "刘主任").await;
    let me = t.villager(961, "王秀英").await;

    // The demo catalogue gives no contact: the texts keep their wording without a number.
    let help = t.say(me, "/help").await.rendered_text();
    assert!(!shows(&help, ZH, "help-contact"), "{help}");
    let unknown = t.say(me, "/start AAAAAAAAAAAAAAAAAAAAAAAA").await.rendered_text();
    assert!(unknown.ends_with(&tr!(ZH, "invite-unknown", contact = "none")), "{unknown}");
    let welcome = tr!(ZH, "welcome-back", name = "王秀英");
    assert!(t.next(me).await.rendered_text().contains(&welcome));

    // The county and 王秀英's township give one each; the nearest up her village's chain is hers.
    let catalogue = DEMO_CATALOG
        .replace(
            "name_en  = \"Xin'an County\"\n",
            "name_en  = \"Xin'an County\"\ncontact = \"新安县培训办 0379-6721xxxx\"\n",
        )
        .replace(
            "name_en = \"Tieshan Town\"\n",
            "name_en = \"Tieshan Town\"\ncontact = \"铁山镇培训站 王站长 139-0379-0000\"\n",
        );
    // And a new trainer, with no classes yet.
    let catalogue = format!(
        "{catalogue}\n[[trainer]]\nkey = \"chen-xin\"\nname = \"陈新\"\ntitle = \"见习讲师\"\nkind = \"local\"\n"
    );
    import_str(&t.app.db, "demo-catalog.toml", &catalogue).await.unwrap();
    let help = t.say(me, "/help").await.rendered_text();
    // The contact the catalogue now gives her township.
    let contact = "铁山镇培训站 王站长 139-0379-0000";
    assert!(help.contains(&tr!(ZH, "help-contact", contact = contact)), "{help}");
    let unknown = t.say(me, "/start AAAAAAAAAAAAAAAAAAAAAAAA").await.rendered_text();
    assert!(unknown.contains(&tr!(ZH, "invite-unknown", contact = contact)), "{unknown}");
    assert!(t.next(me).await.rendered_text().contains(&welcome));
    let office = fieldschool::services::office::office_contact;
    assert_eq!(
        office(&t.app, "xinan-chengguan-beiguan").await.map(|c| c.base).as_deref(),
        Some("新安县培训办 0379-6721xxxx")
    );
    assert_eq!(office(&t.app, "qianshan-chaxiang-yunwu").await, None, "another county gives none");

    // A refused order tells her whom to ask.
    t.say(me, "📚 报名培训").await;
    t.tap(me, "家政养老").await;
    t.tap(me, "家政服务与养老护理").await;
    t.tap(me, "县就业创业服务中心").await;
    assert!(shows(&t.tap(me, "确认报名").await.rendered_text(), ZH, "order-pending"));
    t.next(coord).await;
    t.tap(coord, "拒绝").await;
    let refused = t.next(me).await.rendered_text();
    assert!(matches(&refused, &tr!(ZH, "order-rejected", class = ANY, number = ANY, contact = contact)), "{refused}");

    // So does a trainer's empty /checkin: staff have no village, so it is their classes' office.
    let teacher = t.trainer(962, "wang-lixin", "王立新").await;
    let none = t.say(teacher, "/checkin").await.rendered_text();
    assert!(none.contains(&tr!(ZH, "checkin-no-sessions", contact = contact)), "{none}");
    // A trainer with no class anywhere yet: no office to name, and the text says so without a number.
    let newcomer = t.trainer(963, "chen-xin", "陈新").await;
    let none = t.say(newcomer, "/checkin").await.rendered_text();
    assert!(none.contains(&tr!(ZH, "checkin-no-sessions", contact = "none")), "{none}");
    t.stop().await;
}

#[tokio::test]
async fn the_office_contact_reaches_the_people_told_to_contact_the_office_on_sqlite() {
    the_office_contact_reaches_the_people_told_to_contact_the_office(Store::Sqlite).await;
}

#[tokio::test]
async fn the_office_contact_reaches_the_people_told_to_contact_the_office_on_postgres() {
    the_office_contact_reaches_the_people_told_to_contact_the_office(Store::Postgres).await;
}
