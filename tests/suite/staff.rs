//! Staff end to end: an invite link shows the consent first and grants its role with the registration
//! (name and phone, no villager/cadre question); someone registered confirms; a second trainer invite
//! says what changes and asks; staff may take courses later; `/broadcast` says why there is nobody to
//! write to; `fieldschool invite` says by name what it grants.

use crate::common::{Store, TestBot, ZH, tr, zh};
use fieldschool::db;
use fieldschool::domain::person::{Audience, Role, RoleGrant};
use fieldschool::services::invites::{self, Opened};

async fn invite(t: &TestBot, role: Role, region: Option<&str>, trainer: Option<&str>) -> String {
    invites::create(&t.app, role, region, trainer).await.unwrap().token
}

/// A trainer's role as the bot names it: linked to the catalogue trainer `name`.
fn trainer_of(name: &str) -> String {
    tr!(ZH, "role-trainer-of", trainer = name)
}

async fn is_unused(t: &TestBot, token: &str) -> bool {
    matches!(invites::open(&t.app, token).await.unwrap(), Opened::Valid(_))
}

async fn a_newcomer_with_a_trainer_invite_consents_first(store: Store) {
    let Some(t) = TestBot::start(store).await else { return };
    let me = t.user(601, "Zhang", "zh-hans");
    let token = invite(&t, Role::Trainer, None, Some("wang-lixin")).await;

    let consent = t.say(me, &format!("/start {token}")).await;
    let text = consent.rendered_text();
    assert!(text.contains(&tr!(ZH, "reg-consent-staff", role = trainer_of("王立新"))), "{text}");
    // It promises what exists: seeing (/mydata) and erasing (/deleteme) the data.
    assert!(text.contains("/mydata") && text.contains("/deleteme"), "{text}");
    // Nothing is granted before the consent, and the link is not used up.
    assert!(db::people::roles(&t.app.db, me).await.unwrap().is_empty());
    assert!(is_unused(&t, &token).await);

    let name_q = t.tap(me, "同意").await;
    assert!(
        name_q.rendered_text().contains(&zh("reg-ask-name"))
            && !name_q.rendered_text().contains(&zh("reg-ask-audience"))
    );
    let phone_q = t.say(me, "张 老师").await;
    assert!(phone_q.reply_keyboard.as_ref().is_some_and(|k| k.rows.iter().flatten().any(|b| b.request_contact)));
    t.emu.tap_reply_button(me, "跳过", "").unwrap();
    let done = t.next(me).await.rendered_text();
    assert!(done.contains(&tr!(ZH, "reg-done-staff", name = "张 老师", role = trainer_of("王立新"))), "{done}");
    assert!(!done.contains("地区"), "staff are not asked for a village: {done}");
    let help = t.next(me).await.rendered_text();
    assert!(help.contains("/checkin") && help.contains(&zh("help-staff")), "{help}");

    let person = db::people::find(&t.app.db, me).await.unwrap().unwrap();
    assert_eq!(person.name.as_str(), "张 老师");
    assert!(person.has_role(Role::Trainer) && !person.trainee);
    assert_eq!((person.village_key, person.phone), (None, None));
    assert_eq!(db::people::trainer_key(&t.app.db, me).await.unwrap().as_deref(), Some("wang-lixin"));

    // The link works once.
    let other = t.user(602, "Wang", "zh-hans");
    assert!(t.say(other, &format!("/start {token}")).await.rendered_text().contains(&zh("invite-used")));
    assert!(t.next(other).await.rendered_text().contains(&zh("reg-consent")), "an ordinary registration");
    assert!(db::people::roles(&t.app.db, other).await.unwrap().is_empty());
    t.stop().await;
}

#[tokio::test]
async fn a_newcomer_with_a_trainer_invite_consents_first_on_sqlite() {
    a_newcomer_with_a_trainer_invite_consents_first(Store::Sqlite).await;
}

#[tokio::test]
async fn a_newcomer_with_a_trainer_invite_consents_first_on_postgres() {
    a_newcomer_with_a_trainer_invite_consents_first(Store::Postgres).await;
}

#[tokio::test]
async fn a_coordinator_gets_the_region_of_the_invite_by_name_and_declining_keeps_nothing() {
    let t = TestBot::start(Store::Sqlite).await.unwrap();
    // Declining: nothing kept, the link still unused.
    let shy = t.user(603, "Li", "zh-hans");
    let token = invite(&t, Role::Coordinator, Some("xinan"), None).await;
    t.say(shy, &format!("/start {token}")).await;
    assert!(t.tap(shy, "不同意").await.rendered_text().contains(&zh("reg-declined")));
    assert_eq!(db::people::find(&t.app.db, shy).await.unwrap(), None);
    assert!(is_unused(&t, &token).await);

    let me = t.user(604, "Liu", "zh-hans");
    let consent = t.say(me, &format!("/start {token}")).await.rendered_text();
    let role = tr!(ZH, "role-coordinator-of", region = "新安县");
    assert!(consent.contains(&tr!(ZH, "reg-consent-staff", role = &role)) && !consent.contains("xinan"), "{consent}");
    t.tap(me, "同意").await;
    t.say(me, "刘主任").await;
    t.emu.send_contact(me, "+8613900000000");
    let done = t.next(me).await.rendered_text();
    assert!(done.contains(&tr!(ZH, "reg-done-staff", name = "刘主任", role = &role)), "{done}");
    let person = db::people::find(&t.app.db, me).await.unwrap().unwrap();
    assert_eq!(person.roles, vec![RoleGrant { role: Role::Coordinator, region_key: "xinan".into() }]);
    assert_eq!(person.phone.as_ref().map(|p| p.as_str()), Some("+8613900000000"));
    t.stop().await;
}

async fn someone_registered_confirms_an_invite(store: Store) {
    let Some(t) = TestBot::start(store).await else { return };
    let me = t.villager(611, "李秀兰").await;
    let token = invite(&t, Role::Trainer, None, Some("wang-lixin")).await;
    let ask = t.say(me, &format!("/start {token}")).await.rendered_text();
    assert!(
        ask.contains(&tr!(ZH, "invite-confirm", role = trainer_of("王立新")))
            && !crate::common::shows(&ask, ZH, "invite-confirm-replace"),
        "{ask}"
    );
    assert!(db::people::roles(&t.app.db, me).await.unwrap().is_empty(), "asked first");
    let done = t.tap(me, "接受").await.rendered_text();
    assert!(done.contains(&tr!(ZH, "invite-granted", role = trainer_of("王立新"))), "{done}");
    assert!(t.next(me).await.rendered_text().contains("/checkin"), "the help shows the new commands");
    let person = db::people::find(&t.app.db, me).await.unwrap().unwrap();
    assert!(person.has_role(Role::Trainer) && person.trainee, "still a villager too");
    assert_eq!(db::people::trainer_key(&t.app.db, me).await.unwrap().as_deref(), Some("wang-lixin"));
    assert!(!is_unused(&t, &token).await);
    t.stop().await;
}

#[tokio::test]
async fn someone_registered_confirms_an_invite_on_sqlite() {
    someone_registered_confirms_an_invite(Store::Sqlite).await;
}

#[tokio::test]
async fn someone_registered_confirms_an_invite_on_postgres() {
    someone_registered_confirms_an_invite(Store::Postgres).await;
}

async fn a_second_trainer_invite_says_what_changes_and_asks(store: Store) {
    let Some(t) = TestBot::start(store).await else { return };
    let me = t.trainer(620, "wang-lixin", "王立新").await;
    let second = invite(&t, Role::Trainer, None, Some("zhou-wenbin")).await;

    let ask = t.say(me, &format!("/start {second}")).await.rendered_text();
    assert!(ask.contains(&tr!(ZH, "invite-confirm-replace", old = "王立新", new = "周文斌")), "{ask}");
    let kept = t.tap(me, "不接受").await.rendered_text();
    assert!(kept.contains(&zh("invite-declined")), "{kept}");
    assert_eq!(db::people::trainer_key(&t.app.db, me).await.unwrap().as_deref(), Some("wang-lixin"));
    assert!(is_unused(&t, &second).await, "the link is left for the person it is meant for");

    t.say(me, &format!("/start {second}")).await;
    let moved = t.tap(me, "接受").await.rendered_text();
    assert!(
        moved.contains(&tr!(ZH, "invite-granted", role = trainer_of("周文斌")))
            && moved.contains(&tr!(ZH, "invite-replaced", old = "王立新")),
        "{moved}"
    );
    assert_eq!(db::people::trainer_key(&t.app.db, me).await.unwrap().as_deref(), Some("zhou-wenbin"));

    // A link for what they hold already is not used up.
    let same = invite(&t, Role::Trainer, None, Some("zhou-wenbin")).await;
    let _help = t.next(me).await;
    let told = t.say(me, &format!("/start {same}")).await.rendered_text();
    assert!(told.contains(&tr!(ZH, "invite-nothing-new", role = trainer_of("周文斌"))), "{told}");
    assert!(is_unused(&t, &same).await);
    t.stop().await;
}

#[tokio::test]
async fn a_second_trainer_invite_says_what_changes_and_asks_on_sqlite() {
    a_second_trainer_invite_says_what_changes_and_asks(Store::Sqlite).await;
}

#[tokio::test]
async fn a_second_trainer_invite_says_what_changes_and_asks_on_postgres() {
    a_second_trainer_invite_says_what_changes_and_asks(Store::Postgres).await;
}

async fn staff_choose_an_audience_to_take_courses(store: Store) {
    let Some(t) = TestBot::start(store).await else { return };
    let me = t.trainer(630, "wang-lixin", "王立新").await;
    // The courses ask first, then open for the chosen audience.
    let ask = t.say(me, "📚 报名培训").await.rendered_text();
    assert!(ask.contains(&zh("staff-choose-audience")), "{ask}");
    let chosen = t.tap(me, "农户").await.rendered_text();
    assert!(chosen.contains(&tr!(ZH, "staff-audience-chosen", audience = zh("audience-name-villager"))), "{chosen}");
    assert!(t.next(me).await.rendered_text().contains(&zh("browse-choose-category")));
    let person = db::people::find(&t.app.db, me).await.unwrap().unwrap();
    assert!(person.trainee && person.audience == Audience::Villager && person.has_role(Role::Trainer));

    // Or in settings.
    let office = t.user(631, "Liu", "zh-hans");
    let token = invite(&t, Role::Coordinator, Some("xinan"), None).await;
    t.say(office, &format!("/start {token}")).await;
    t.register_staff_rest(office, "刘主任").await;
    let settings = t.say(office, "⚙️ 设置").await.rendered_text();
    assert!(settings.contains(&zh("settings-audience-none")), "{settings}");
    let saved = t.tap(office, "基层干部").await.rendered_text();
    assert!(saved.contains(&tr!(ZH, "settings-saved-audience", audience = zh("audience-name-cadre"))), "{saved}");
    assert!(!t.next(office).await.rendered_text().contains(&zh("settings-audience-none")), "settings show it chosen");
    let person = db::people::find(&t.app.db, office).await.unwrap().unwrap();
    assert!(person.trainee && person.audience == Audience::Cadre);
    t.stop().await;
}

#[tokio::test]
async fn staff_choose_an_audience_to_take_courses_on_sqlite() {
    staff_choose_an_audience_to_take_courses(Store::Sqlite).await;
}

#[tokio::test]
async fn staff_choose_an_audience_to_take_courses_on_postgres() {
    staff_choose_an_audience_to_take_courses(Store::Postgres).await;
}

#[tokio::test]
async fn broadcast_without_anyone_to_write_to_says_why_and_who_fixes_it() {
    let t = TestBot::start(Store::Sqlite).await.unwrap();
    // A trainer account not linked to a catalogue trainer.
    let unlinked = t.user(640, "Zhao", "zh-hans");
    let token = invite(&t, Role::Trainer, None, None).await;
    t.say(unlinked, &format!("/start {token}")).await;
    t.register_staff_rest(unlinked, "赵老师").await;
    let why = t.say(unlinked, "/broadcast").await.rendered_text();
    assert!(why.contains(&zh("broadcast-why-none")) && why.contains(&zh("why-trainer-unlinked")), "{why}");
    assert!(why.contains("fieldschool invite --role trainer --trainer"), "the steps: {why}");

    // A linked trainer whose classes nobody has booked.
    let linked = t.trainer(641, "zhou-wenbin", "周文斌").await;
    let why = t.say(linked, "/broadcast").await.rendered_text();
    assert!(why.contains(&tr!(ZH, "why-trainer-no-classes", trainer = "周文斌")), "{why}");

    // A coordinator whose region is not in the catalogue, and an admin.
    let office = t.villager(642, "钱主任").await;
    let grant = RoleGrant { role: Role::Coordinator, region_key: "gone-county".into() };
    fieldschool::services::people::grant(&t.app, office, &grant).await.unwrap();
    let why = t.say(office, "/broadcast").await.rendered_text();
    assert!(why.contains(&tr!(ZH, "why-coordinator-region-missing", region = "gone-county")), "{why}");
    let admin = t.villager(643, "孙管理").await;
    let grant = RoleGrant { role: Role::Admin, region_key: String::new() };
    fieldschool::services::people::grant(&t.app, admin, &grant).await.unwrap();
    let why = t.say(admin, "/broadcast").await.rendered_text();
    assert!(why.contains(&zh("why-admin-only")), "{why}");

    t.stop().await;
}

/// `fieldschool invite` as an operator runs it, on a catalogue imported with `fieldschool import`.
#[tokio::test]
async fn the_invite_command_says_by_name_what_it_grants_and_refuses_unknown_keys() {
    use std::process::Command;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("fs.db").display());
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_fieldschool"))
            .args(args)
            .env("DATABASE_URL", &url)
            .env("FIELDSCHOOL_CLOCK_START", "2026-12-01 09:00")
            .env("FIELDSCHOOL_BOT_USERNAME", "fieldschool_bot")
            .env_remove("TELOXIDE_TOKEN")
            .output()
            .unwrap()
    };
    let catalogue = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/demo-catalog.toml");
    assert!(run(&["import", catalogue]).status.success());

    let out = run(&["invite", "--role", "trainer", "--trainer", "wang-lixin"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("https://t.me/fieldschool_bot?start="));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("grants: trainer 王立新 (wang-lixin)"), "{said}");

    let out = run(&["invite", "--role", "coordinator", "--region", "xinan"]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && said.contains("grants: coordinator of 新安县 (xinan)"), "{said}");

    for (args, known) in [
        (["invite", "--role", "coordinator", "--region", "nowhere"], "xinan"),
        (["invite", "--role", "trainer", "--trainer", "nobody"], "wang-lixin"),
    ] {
        let out = run(&args);
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && out.stdout.is_empty(), "{said}");
        assert!(said.contains("unknown") && said.contains("Known keys") && said.contains(known), "{said}");
    }
}

#[tokio::test]
async fn the_invite_speaks_the_persons_language() {
    let t = TestBot::start(Store::Sqlite).await.unwrap();
    let newcomer = t.user(650, "Amy", "en");
    let token = invite(&t, Role::Trainer, None, Some("wang-lixin")).await;
    let consent = t.say(newcomer, &format!("/start {token}")).await.rendered_text();
    assert!(consent.contains("it makes you a trainer (the catalogue's trainer Wang Lixin)"), "{consent}");
    assert!(consent.contains("/deleteme"), "{consent}");

    let villager = t.user(651, "Bob", "en");
    t.register(villager, "Bob Li", "I agree", "Villager").await;
    let token = invite(&t, Role::Admin, None, None).await;
    let ask = t.say(villager, &format!("/start {token}")).await.rendered_text();
    assert!(ask.contains("This invite link makes you an admin. Accept it?"), "{ask}");
    let done = t.tap(villager, "Accept").await.rendered_text();
    assert!(done.contains("You are now an admin"), "{done}");
    t.stop().await;
}
