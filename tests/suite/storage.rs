//! People, roles, invites and dialog state, on SQLite and on PostgreSQL.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use fieldschool::app::App;
use fieldschool::clock::ManualClock;
use fieldschool::config::Config;
use fieldschool::db::invites::Redeem;
use fieldschool::db::{self, Db};
use fieldschool::domain::dialog::State;
use fieldschool::domain::person::{Audience, PersonName, Phone, Role};
use fieldschool::domain::registration::{NewPerson, RegStep, Registration};
use fieldschool::i18n::Lang;
use fieldschool::services;

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-12-01T02:00:00Z").unwrap().to_utc()
}

fn app(db: Db) -> (App, ManualClock) {
    let clock = ManualClock::new(t0());
    let mut config = Config::from_env().unwrap();
    config.invite_ttl = Duration::days(7);
    (App::new(db, Arc::new(clock.clone()), config), clock)
}

async fn backends() -> Vec<(&'static str, Db, Option<tempfile::TempDir>)> {
    let (sqlite, dir) = db::testing::sqlite().await.unwrap();
    let mut out = vec![("sqlite", sqlite, Some(dir))];
    if let Some(pg) = db::testing::postgres().await.unwrap() {
        out.push(("postgres", pg, None));
    }
    out
}

fn new_person(name: &str) -> NewPerson {
    NewPerson {
        lang: Lang::Zh,
        audience: Audience::Villager,
        name: PersonName::parse(name).unwrap(),
        village_key: "v1".into(),
        phone: Phone::parse("+8613800000001"),
        work_intent: None,
    }
}

#[tokio::test]
async fn a_registered_person_reads_back_intact_and_changes_stick() {
    for (backend, db, _guard) in backends().await {
        let (app, _clock) = app(db.clone());
        let person = services::people::register(&app, 42, 42, &new_person("阿依古丽·买买提")).await.unwrap();
        assert_eq!(person.name.as_str(), "阿依古丽·买买提", "{backend}");
        assert_eq!(person.phone.as_ref().map(|p| p.as_str()), Some("+8613800000001"));
        use fieldschool::domain::settings::Change;
        services::people::apply_change(&app, 42, &Change::Lang(Lang::En)).await.unwrap();
        services::people::apply_change(&app, 42, &Change::Phone(None)).await.unwrap();
        let again = db::people::find(&db, 42).await.unwrap().unwrap();
        assert_eq!((again.lang, again.phone), (Lang::En, None), "{backend}");
        assert_eq!(db::people::find(&db, 43).await.unwrap(), None);
    }
}

#[tokio::test]
async fn an_invite_works_once_and_expires() {
    for (backend, db, _guard) in backends().await {
        let (app, clock) = app(db.clone());
        let invite = services::invites::create(&app, Role::Trainer, None, None).await.unwrap();
        assert!(fieldschool::domain::person::looks_like_invite_token(&invite.token));
        assert!(invite.link("fieldschool_bot").starts_with("https://t.me/fieldschool_bot?start="));
        let granted = services::invites::redeem(&app, &invite.token, 7).await.unwrap();
        assert!(matches!(granted, Redeem::Granted(ref g) if g.role == Role::Trainer), "{backend}");
        assert_eq!(services::invites::redeem(&app, &invite.token, 8).await.unwrap(), Redeem::AlreadyUsed);
        assert_eq!(db::people::roles(&db, 7).await.unwrap().len(), 1);
        assert!(db::people::roles(&db, 8).await.unwrap().is_empty());

        let late = services::invites::create(&app, Role::Admin, None, None).await.unwrap();
        clock.advance(Duration::days(7) + Duration::seconds(1));
        assert_eq!(services::invites::redeem(&app, &late.token, 9).await.unwrap(), Redeem::Expired, "{backend}");
        assert_eq!(services::invites::redeem(&app, "AAAAAAAAAAAAAAAAAAAAAAAA", 9).await.unwrap(), Redeem::Unknown);
    }
}

#[tokio::test]
async fn a_coordinator_invite_needs_a_known_region() {
    for (_backend, db, _guard) in backends().await {
        let (app, _clock) = app(db);
        assert!(matches!(
            services::invites::create(&app, Role::Coordinator, None, None).await,
            Err(services::invites::InviteError::CoordinatorNeedsRegion)
        ));
        assert!(matches!(
            services::invites::create(&app, Role::Coordinator, Some("nowhere"), None).await,
            Err(services::invites::InviteError::UnknownRegion(_))
        ));
    }
}

#[tokio::test]
async fn many_people_racing_for_one_invite_get_it_once() {
    for (backend, db, _guard) in backends().await {
        let (app, _clock) = app(db.clone());
        let invite = services::invites::create(&app, Role::Trainer, None, None).await.unwrap();
        let tasks: Vec<_> = (0..8)
            .map(|i| {
                let app = app.clone();
                let token = invite.token.clone();
                tokio::spawn(async move { services::invites::redeem(&app, &token, 100 + i).await })
            })
            .collect();
        let mut granted = 0;
        for t in tasks {
            if matches!(t.await.unwrap().unwrap(), Redeem::Granted(_)) {
                granted += 1;
            }
        }
        assert_eq!(granted, 1, "{backend}");
    }
}

#[tokio::test]
async fn dialog_state_survives_a_reconnect() {
    for (backend, db, _guard) in backends().await {
        let state = State::Registering(Registration {
            lang: Lang::En,
            step: RegStep::County { audience: Audience::Cadre, name: PersonName::parse("Li Jianguo").unwrap() },
        });
        db::dialogs::save(&db, 5, &state, 0).await.unwrap();
        assert_eq!(db::dialogs::load(&db, 5).await.unwrap(), Some(state), "{backend}");
        db::dialogs::save(&db, 5, &State::Idle, 0).await.unwrap();
        assert_eq!(db::dialogs::load(&db, 5).await.unwrap(), None, "{backend}: Idle is stored as no row");
    }
}

/// What an update reads first, in one statement: the person with every role, the dialog step and the
/// buttons on screen; and `finish` writes a step, buttons and the handled mark together.
#[tokio::test]
async fn an_updates_chat_facts_read_in_one_go_and_its_step_commits_with_its_mark() {
    use fieldschool::db::chat_facts;
    use fieldschool::db::inbox::{ChatStep, Incoming};
    use fieldschool::db::keyboards::ScreenKeyboard;
    for (backend, db, _guard) in backends().await {
        let (app, _clock) = app(db.clone());
        // Nobody yet: no person, no step, no buttons; the catalogue's version comes along.
        let nobody = chat_facts::load(&db, 42, 42).await.unwrap();
        assert!(nobody.catalog_version.is_some(), "{backend}");
        let version = nobody.catalog_version;
        assert_eq!(nobody, chat_facts::ChatFacts { catalog_version: version, ..Default::default() }, "{backend}");

        services::people::register(&app, 42, 42, &new_person("王秀英")).await.unwrap();
        let mut tx = db.begin_write().await.unwrap();
        for grant in [
            fieldschool::domain::person::RoleGrant { role: Role::Trainer, region_key: String::new() },
            fieldschool::domain::person::RoleGrant { role: Role::Coordinator, region_key: "v1".into() },
        ] {
            db::people::grant_role(&mut tx, 42, &grant, t0()).await.unwrap();
        }
        tx.commit().await.unwrap();
        db::people::mark_unreachable(&db, 42, t0()).await.unwrap();

        // An update arrives and is claimed; its handler moves the dialog on and shows buttons.
        let update = Incoming { update_id: 7, chat_key: 42, kind: "message".into(), payload: "{}".into() };
        assert_eq!(db::inbox::store(&db, &[update.clone(), update], t0()).await.unwrap(), 1, "{backend}: a replay");
        db::inbox::claim(&db, "w", t0(), Duration::seconds(60)).await.unwrap().unwrap();
        let state = State::Registering(Registration {
            lang: Lang::En,
            step: RegStep::County { audience: Audience::Cadre, name: PersonName::parse("Li Jianguo").unwrap() },
        });
        let keyboard = ScreenKeyboard { message_id: Some(9), buttons: vec![("是".into(), "yes".into())] };
        let step = ChatStep { dialog: Some((42, state.clone())), keyboard: Some((42, Some(keyboard.clone()))) };
        db::inbox::finish(&db, 7, &step, t0(), t0()).await.unwrap();
        assert_eq!(db::inbox::status(&db, 7).await.unwrap().as_deref(), Some("handled"), "{backend}");

        let facts = chat_facts::load(&db, 42, 42).await.unwrap();
        let person = facts.person.expect("registered");
        assert_eq!(person, db::people::find(&db, 42).await.unwrap().unwrap(), "{backend}: same as the plain read");
        assert_eq!(person.roles.len(), 2, "{backend}");
        assert!(facts.unreachable, "{backend}");
        assert_eq!(facts.dialog, Some(state), "{backend}");
        assert_eq!(facts.keyboard, Some(keyboard), "{backend}");

        // The next update's claim reads the same facts in the same statement; it ends the dialog and
        // takes the buttons away, in the same single write.
        let update = Incoming { update_id: 8, chat_key: 42, kind: "message".into(), payload: "{}".into() };
        db::inbox::store(&db, &[update], t0()).await.unwrap();
        let (claimed, claimed_facts) =
            db::inbox::claim_with_facts(&db, "w", t0(), Duration::seconds(60)).await.unwrap().unwrap();
        assert_eq!(claimed.update_id, 8, "{backend}");
        assert_eq!(claimed_facts, chat_facts::load(&db, 42, 42).await.unwrap(), "{backend}");
        assert!(db::inbox::claim_with_facts(&db, "w", t0(), Duration::seconds(60)).await.unwrap().is_none());
        // Someone who never wrote before: no facts at all.
        let stranger = Incoming { update_id: 9, chat_key: 77, kind: "message".into(), payload: "{}".into() };
        db::inbox::store(&db, &[stranger], t0()).await.unwrap();
        let (_, none) = db::inbox::claim_with_facts(&db, "w", t0(), Duration::seconds(60)).await.unwrap().unwrap();
        assert_eq!(none, chat_facts::ChatFacts { catalog_version: version, ..Default::default() }, "{backend}");
        let step = ChatStep { dialog: Some((42, State::Idle)), keyboard: Some((42, None)) };
        db::inbox::finish(&db, 8, &step, t0(), t0()).await.unwrap();
        let facts = chat_facts::load(&db, 42, 42).await.unwrap();
        assert_eq!((facts.dialog, facts.keyboard), (None, None), "{backend}");
        assert!(!facts.dialog_unreadable, "{backend}");

        // A step an older version wrote that no longer decodes: read as none, and known to need replacing.
        sqlx::query("INSERT INTO dialogs (chat_id, state, updated_at) VALUES (42, '{\"Gone\":1}', 0)")
            .execute(&db.pool)
            .await
            .unwrap();
        let facts = chat_facts::load(&db, 42, 42).await.unwrap();
        assert_eq!(facts.dialog, None, "{backend}");
        assert!(facts.dialog_unreadable, "{backend}");
        assert_eq!(db::inbox::status(&db, 8).await.unwrap().as_deref(), Some("handled"), "{backend}");
    }
}
