//! Publishing openings (用工信息, issue 17): from the catalogue file (`[[opening]]`: the demo's three,
//! each refusal with its line and field — pay below the region's floor, a contact without a phone, a
//! closing date in the past, an unknown course or region — a re-import that updates, a file that leaves
//! one out closing it, chat-made openings untouched) and from the chat (`/opening`: the pay floor, the
//! whole dialog to 发布 with a floor refusal re-asked, the stored opening, the line to the region's other
//! coordinator; 💰 in the middle of a draft returning to it, `/cancel` asking first, a restart resuming; in
//! English a day rate below the floor; a villager refused). On SQLite and PostgreSQL.

use crate::assert_shows;
use crate::common::{Store, TestBot, ZH, tr, zh};
use fieldschool::db;
use fieldschool::domain::callback::Cb;
use fieldschool::domain::job::{Opening, PayUnit};
use fieldschool::domain::opening_compose::Button;
use fieldschool::emulator::BotMessage;
use fieldschool::services::catalog_import::{ImportError, ImportOptions, import_str_with};

/// The openings not closed, by key (chat-made ones as "chat:<employer>").
async fn open_openings(t: &TestBot) -> Vec<(String, Opening)> {
    db::jobs::openings_not_closed(&t.app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| (s.opening.key.clone().unwrap_or_else(|| format!("chat:{}", s.opening.employer)), s.opening))
        .collect()
}

fn keys(list: &[(String, Opening)]) -> Vec<&str> {
    list.iter().map(|(k, _)| k.as_str()).collect()
}

async fn set_floor(t: &TestBot, region: &str, yuan: u32) {
    let mut tx = t.app.db.begin_write().await.unwrap();
    db::jobs::set_pay_floor(&mut tx, region, Some(yuan), 0, t.app.now()).await.unwrap();
    tx.commit().await.unwrap();
}

/// Imports `text` as an operator would now (the past refused).
async fn import_now(
    t: &TestBot,
    text: &str,
) -> Result<fieldschool::services::catalog_import::ImportReport, ImportError> {
    import_str_with(&t.app.db, "jobs.toml", text, ImportOptions { now: t.app.now(), allow_past: false }).await
}

const COOP: &str = "[[opening]]\nkey = \"tieshan-xianggu-coop\"\nemployer = \"铁山镇香菇专业合作社\"\n\
                    contact = \"李经理 13803790123\"\nregion = \"xinan-tieshan\"\nplace = \"铁山镇东村合作社菇棚基地\"\n\
                    work = \"菌棒补水、翻堆、出菇管理和采摘分级\"\npay = [2800, 3600]\ncloses = \"2027-03-31\"\n\
                    seats = 5\ncourses = [\"mushroom\"]\n";
const TEA: &str = "[[opening]]\nkey = \"tea-day\"\nemployer = \"云雾山茶叶有限公司\"\ncontact = \"王主管 13985120456\"\n\
                   region = \"qianshan-chaxiang\"\nplace = \"茶乡镇云雾村茶园\"\nwork = \"春茶采摘\"\npay = [130, 160]\n\
                   pay_unit = \"day\"\ncloses = \"2027-04-30\"\nseats = 40\ncourses = [\"spring-tea\"]\ntravel = true\n";

/// The problems of a refused import, one line each.
fn refused(result: Result<fieldschool::services::catalog_import::ImportReport, ImportError>) -> String {
    match result {
        Err(e @ ImportError::Invalid { .. }) => e.to_string(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn the_catalogue_publishes_openings_and_refuses_bad_ones(store: Store) {
    let Some(t) = TestBot::start(store).await else { return };
    // The demo catalogue's three.
    let demo = open_openings(&t).await;
    assert_eq!(
        keys(&demo),
        ["tieshan-xianggu-coop", "chaxiang-spring-tea-picking", "xinan-rural-grid-electrician"],
        "{demo:?}"
    );
    let tea = &demo[1].1;
    assert_eq!((tea.pay.unit, tea.pay.min_yuan, tea.travel, tea.closes_on.is_some()), (PayUnit::Day, 130, true, true));
    assert_eq!(demo[2].1.closes_on, None, "long-term");
    assert_eq!(demo[0].1.tr.text(crate::common::EN, "employer", ""), "Tieshan Shiitake Cooperative");

    // A chat-made opening, which no catalogue touches.
    let mut chat = demo[0].1.clone();
    chat.key = None;
    chat.employer = "东村菇农王大哥".into();
    let mut tx = t.app.db.begin_write().await.unwrap();
    db::jobs::upsert_opening(&mut tx, &chat, Some(5), 0, t.app.now()).await.unwrap();
    tx.commit().await.unwrap();

    // The office of 铁山镇 sets a floor of 3000 a month; 新安县 one of 2000 (铁山镇's own is nearer).
    set_floor(&t, "xinan", 2000).await;
    set_floor(&t, "xinan-tieshan", 3000).await;
    let before = open_openings(&t).await;

    // Each refusal names the file, the line, the opening and the field; nothing is written.
    let below = refused(import_now(&t, COOP).await);
    assert!(below.contains("jobs.toml:8: opening \"tieshan-xianggu-coop\": field `pay`"), "{below}");
    assert!(below.contains("2800") && below.contains("3000"), "the pay and the floor: {below}");
    let day_below = COOP.replace("[2800, 3600]", "[130, 160]\npay_unit = \"day\"");
    let said = refused(import_now(&t, &day_below).await);
    assert!(said.contains("field `pay`") && said.contains("2827"), "130 a day is 2827 a month: {said}");
    let no_phone = COOP.replace("李经理 13803790123", "李经理").replace("[2800, 3600]", "[3000, 3600]");
    let said = refused(import_now(&t, &no_phone).await);
    assert!(said.contains("jobs.toml:4: opening \"tieshan-xianggu-coop\": field `contact`"), "{said}");
    assert!(said.contains("phone"), "{said}");
    let past = TEA.replace("2027-04-30", "2026-11-30");
    let said = refused(import_now(&t, &past).await);
    assert!(said.contains("opening \"tea-day\": field `closes`") && said.contains("past"), "{said}");
    let unknown = TEA
        .replace("[\"spring-tea\"]", "[\"spring-tea\", \"tea-art\"]")
        .replace("qianshan-chaxiang", "qianshan-nowhere");
    let said = refused(import_now(&t, &unknown).await);
    assert!(said.contains("field `courses`: no course \"tea-art\""), "{said}");
    assert!(said.contains("field `region`: no region \"qianshan-nowhere\""), "{said}");
    let missing = TEA.replace("closes = \"2027-04-30\"\n", "");
    let said = refused(import_now(&t, &missing).await);
    assert!(said.contains("opening \"tea-day\": field `closes`"), "a closing date is required: {said}");
    assert_eq!(open_openings(&t).await, before, "refused files change nothing");

    // A good file: the cooperative pays more and takes 8 now, the tea company stays, the
    // electricians are left out (closed); the chat-made opening stays open.
    let good = format!("{}\n{}", COOP.replace("[2800, 3600]", "[3000, 3800]").replace("seats = 5", "seats = 8"), TEA);
    let report = import_now(&t, &good).await.expect("the good file imports");
    assert_eq!((report.openings.created, report.openings.updated, report.openings.unchanged), (1, 1, 0));
    assert_eq!(report.closed_openings, vec!["chaxiang-spring-tea-picking", "xinan-rural-grid-electrician"]);
    assert!(report.to_string().contains("openings:  1 new, 1 updated, 0 unchanged (2 closed"), "{report}");
    let after = open_openings(&t).await;
    assert_eq!(keys(&after), ["tieshan-xianggu-coop", "chat:东村菇农王大哥", "tea-day"]);
    let coop = &after[0].1;
    assert_eq!((coop.id, coop.seats, coop.pay.min_yuan), (demo[0].1.id, 8, 3000), "updated in place");
    let again = import_now(&t, &good).await.unwrap();
    assert_eq!((again.openings.unchanged, again.closed_openings.len()), (2, 0), "re-importing changes nothing");

    // A catalogue without openings leaves them alone.
    let regions_only = "[[region]]\nkey = \"xinan\"\nname = \"新安县\"\nzone = \"north-wheat-maize\"\n";
    import_now(&t, regions_only).await.expect("a file of regions imports");
    assert_eq!(keys(&open_openings(&t).await), ["tieshan-xianggu-coop", "chat:东村菇农王大哥", "tea-day"]);
    t.stop().await;
}

#[tokio::test]
async fn the_catalogue_publishes_openings_and_refuses_bad_ones_on_sqlite() {
    the_catalogue_publishes_openings_and_refuses_bad_ones(Store::Sqlite).await;
}

#[tokio::test]
async fn the_catalogue_publishes_openings_and_refuses_bad_ones_on_postgres() {
    the_catalogue_publishes_openings_and_refuses_bad_ones(Store::Postgres).await;
}

/// Presses the button labelled exactly `label` on `msg`; the bot's next message.
async fn tap_on(t: &TestBot, me: i64, msg: &BotMessage, label: &str) -> BotMessage {
    let button = msg.buttons().find(|b| b.text == label).unwrap_or_else(|| panic!("no button {label:?}: {msg:?}"));
    let id = t.emu.press(me, msg.message_id, button.callback_data.as_deref().unwrap());
    t.emu.callback_answer(&id).await.unwrap();
    t.next(me).await
}

/// Presses a button by its data on `msg`; what the press was answered (the popup text, if any).
async fn press_data(t: &TestBot, me: i64, msg: &BotMessage, data: &str) -> Option<String> {
    let id = t.emu.press(me, msg.message_id, data);
    t.emu.callback_answer(&id).await.unwrap().text
}

fn says(msg: &BotMessage, key: &str) {
    assert_shows!(msg.rendered_text(), ZH, key);
}

async fn a_coordinator_publishes_an_opening_in_the_chat(store: Store) {
    let Some(t) = TestBot::start(store).await else { return };
    let me = t.coordinator(1801, "刘主任").await;
    let other = t.coordinator(1802, "赵主任").await;

    // The pay floor of 新安县: 3000 a month.
    let menu = t.say(me, "/opening").await;
    says(&menu, "opc-menu");
    assert!(menu.buttons().any(|b| b.callback_data.as_deref() == Some(&*Cb::Job(fieldschool::domain::job::Button::Openings).encode())));
    let regions = tap_on(&t, me, &menu, &zh("opc-btn-floor")).await;
    says(&regions, "opc-ask-floor-region");
    let amount = tap_on(&t, me, &regions, "新安县").await;
    says(&amount, "opc-ask-floor-amount");
    says(&t.say(me, "很多").await, "opc-problem-number");
    let set = t.say(me, "3000元").await;
    assert_eq!(set.rendered_text(), tr!(ZH, "opc-floor-set", region = "新安县", yuan = 3000));
    let mut conn = t.app.db.pool.acquire().await.unwrap();
    let floor = db::jobs::pay_floor(&mut conn, &["xinan-tieshan".into(), "xinan".into()]).await.unwrap();
    drop(conn);
    assert_eq!(floor, Some(3000));

    // The whole dialog; bad answers re-asked on the way.
    let menu = t.say(me, "/opening").await;
    says(&tap_on(&t, me, &menu, &zh("opc-btn-start")).await, "opc-ask-employer");
    says(&t.say(me, "铁山镇香菇专业合作社").await, "opc-ask-contact");
    let no_phone = t.say(me, "李经理").await;
    assert!(no_phone.rendered_text().starts_with(&zh("opc-problem-no-phone")), "{}", no_phone.rendered_text());
    let region = t.say(me, "李经理 13803790123").await;
    says(&region, "opc-ask-region");
    t.emu.send_sticker(me);
    let sticker = t.next(me).await;
    says(&sticker, "opc-problem-use-buttons");
    says(&tap_on(&t, me, &sticker, "铁山镇").await, "opc-ask-place");
    says(&t.say(me, "东村合作社菇棚").await, "opc-ask-work");
    says(&t.say(me, "菌棒补水、采摘").await, "opc-ask-pay");
    says(&t.say(me, "面议").await, "opc-problem-pay-format");
    let below = t.say(me, "2500到3500").await;
    assert!(
        below.rendered_text().starts_with(&tr!(ZH, "opc-problem-below-floor", monthly = 2500, floor = 3000)),
        "{}",
        below.rendered_text()
    );
    says(&below, "opc-pay-floor-hint");
    let closes = t.say(me, "3000-4500").await;
    says(&closes, "opc-ask-closes");
    says(&t.say(me, "2026-11-30").await, "opc-problem-closes-in-past");
    says(&t.say(me, "2027年3月31日").await, "opc-ask-seats");
    let courses = t.say(me, "5人").await;
    says(&courses, "opc-ask-courses");
    let none = tap_on(&t, me, &courses, &zh("opc-btn-courses-done")).await;
    says(&none, "opc-problem-no-course");
    let ticked = tap_on(&t, me, &none, "食用菌种植技术").await;
    assert!(ticked.buttons().any(|b| b.text == "✅ 食用菌种植技术"), "{ticked:?}");
    // An old button (the travel answer, before its question) changes nothing.
    let stale = press_data(&t, me, &ticked, &Cb::OpeningCompose(Button::Travel(true)).encode()).await;
    assert_eq!(stale, Some(zh("menu-expired")));
    let travel = tap_on(&t, me, &ticked, &zh("opc-btn-courses-done")).await;
    says(&travel, "opc-ask-travel");
    let preview = tap_on(&t, me, &travel, &zh("opc-btn-travel-no")).await;
    says(&preview, "opc-preview-intro");
    let card = preview.rendered_text();
    assert!(card.contains(&tr!(ZH, "job-card-title", employer = "铁山镇香菇专业合作社")), "{card}");
    assert!(card.contains(&tr!(ZH, "job-card-pay", pay = tr!(ZH, "job-pay-month", amount = "3000–4500"))), "{card}");
    assert!(card.contains("食用菌种植技术") && card.contains("李经理 13803790123"), "{card}");
    assert!(open_openings(&t).await.iter().all(|(k, _)| !k.starts_with("chat:")), "nothing stored before 发布");

    // /opening → ➕ with a draft open offers to go on with it.
    let menu = t.say(me, "/opening").await;
    let resume = tap_on(&t, me, &menu, &zh("opc-btn-start")).await;
    says(&resume, "opc-ask-resume");
    let preview = tap_on(&t, me, &resume, &zh("opc-btn-resume")).await;
    says(&preview, "opc-preview-intro");
    let done = tap_on(&t, me, &preview, &zh("opc-btn-publish")).await;
    assert_eq!(done.rendered_text(), tr!(ZH, "opc-published", employer = "铁山镇香菇专业合作社"));
    t.settled().await;
    let stored: Vec<_> = db::jobs::openings_not_closed(&t.app.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|s| s.opening.key.is_none())
        .collect();
    assert_eq!(stored.len(), 1);
    let o = &stored[0];
    assert_eq!(o.author_id, Some(me));
    assert_eq!(
        (
            o.opening.region_key.as_str(),
            o.opening.pay.min_yuan,
            o.opening.pay.max_yuan,
            o.opening.seats,
            o.opening.travel
        ),
        ("xinan-tieshan", 3000, 4500, 5, false)
    );
    assert_eq!(o.opening.closes_on, chrono::NaiveDate::from_ymd_opt(2027, 3, 31));
    assert_eq!(o.opening.courses, vec!["mushroom".to_owned()]);
    // The region's other coordinator hears of it; the publisher does not.
    let mut heard = None;
    for _ in 0..5 {
        let m = t.next(other).await;
        if crate::common::shows(&m.rendered_text(), ZH, "opc-line-published") {
            heard = Some(m);
            break;
        }
    }
    let line = heard.expect("the other coordinator's line");
    assert_eq!(
        line.rendered_text(),
        tr!(ZH, "opc-line-published", name = "刘主任", employer = "铁山镇香菇专业合作社", seats = 5)
    );

    // The preview's buttons are spent: 发布 again publishes nothing more.
    let again = press_data(&t, me, &preview, &Cb::OpeningCompose(Button::Publish).encode()).await;
    assert_eq!(again, Some(zh("menu-expired")));
    t.settled().await;
    assert_eq!(
        db::jobs::openings_not_closed(&t.app.db).await.unwrap().iter().filter(|s| s.opening.key.is_none()).count(),
        1
    );
    t.stop().await;
}

#[tokio::test]
async fn a_coordinator_publishes_an_opening_in_the_chat_on_sqlite() {
    a_coordinator_publishes_an_opening_in_the_chat(Store::Sqlite).await;
}

#[tokio::test]
async fn a_coordinator_publishes_an_opening_in_the_chat_on_postgres() {
    a_coordinator_publishes_an_opening_in_the_chat(Store::Postgres).await;
}

#[tokio::test]
async fn a_villagers_opening_command_and_buttons_are_refused() {
    let t = TestBot::start(Store::Sqlite).await.unwrap();
    let villager = t.villager(1811, "王秀英").await;
    let refused = t.say(villager, "/opening").await;
    assert_eq!(refused.rendered_text(), zh("access-not-allowed"));
    for b in Button::samples("xinan", "mushroom") {
        let answer = press_data(&t, villager, &refused, &Cb::OpeningCompose(b.clone()).encode()).await;
        assert_eq!(answer, Some(zh("access-not-allowed")), "{b:?}");
    }
    t.settled().await;
    assert!(open_openings(&t).await.iter().all(|(k, _)| !k.starts_with("chat:")));
    t.stop().await;
}

/// 💰 in the middle of a draft sets the floor and returns to the draft; `/cancel` asks before dropping it.
async fn the_floor_mid_draft_and_cancel(store: Store) {
    let Some(t) = TestBot::start(store).await else { return };
    let me = t.coordinator(1821, "刘主任").await;
    let menu = t.say(me, "/opening").await;
    tap_on(&t, me, &menu, &zh("opc-btn-start")).await;
    says(&t.say(me, "铁山镇香菇专业合作社").await, "opc-ask-contact");
    let menu = t.say(me, "/opening").await;
    let regions = tap_on(&t, me, &menu, &zh("opc-btn-floor")).await;
    let amount = tap_on(&t, me, &regions, "铁山镇").await;
    says(&amount, "opc-ask-floor-amount");
    let set = t.say(me, "2800").await;
    assert_eq!(set.rendered_text(), tr!(ZH, "opc-floor-set", region = "铁山镇", yuan = 2800));
    says(&t.next(me).await, "opc-ask-contact");
    says(&t.say(me, "李经理 13803790123").await, "opc-ask-region");
    let sure = t.say(me, "/cancel").await;
    says(&sure, "opc-ask-abandon");
    let back = tap_on(&t, me, &sure, &zh("opc-btn-abandon-no")).await;
    says(&back, "opc-ask-region");
    let sure = t.say(me, "/cancel").await;
    let gone = tap_on(&t, me, &sure, &zh("opc-btn-abandon-yes")).await;
    assert_eq!(gone.rendered_text(), zh("opc-abandoned"));
    // The draft's buttons are spent.
    let stale = press_data(&t, me, &back, &Cb::OpeningCompose(Button::Region("xinan-tieshan".into())).encode()).await;
    assert_eq!(stale, Some(zh("menu-expired")));
    t.settled().await;
    assert!(open_openings(&t).await.iter().all(|(k, _)| !k.starts_with("chat:")), "nothing published");
    t.stop().await;
}

#[tokio::test]
async fn the_floor_mid_draft_returns_to_it_and_cancel_asks_first_on_sqlite() {
    the_floor_mid_draft_and_cancel(Store::Sqlite).await;
}

#[tokio::test]
async fn the_floor_mid_draft_returns_to_it_and_cancel_asks_first_on_postgres() {
    the_floor_mid_draft_and_cancel(Store::Postgres).await;
}

/// The draft lives with the chat: a restart of the bot in the middle resumes at the same question.
async fn a_restart_mid_dialog_resumes(store: Store) {
    let Some((db, dir)) = crate::common::fresh_db(store).await else { return };
    fieldschool::services::catalog_import::import_str(&db, "demo-catalog.toml", crate::common::DEMO_CATALOG)
        .await
        .unwrap();
    let t = TestBot::start_on(db.clone(), None).await;
    let me = t.coordinator(1831, "刘主任").await;
    let menu = t.say(me, "/opening").await;
    tap_on(&t, me, &menu, &zh("opc-btn-start")).await;
    t.say(me, "铁山镇香菇专业合作社").await;
    says(&t.say(me, "李经理 13803790123").await, "opc-ask-region");
    t.stop().await;

    let t = TestBot::start_on(db, dir).await;
    t.user(me, "刘主任", "zh-hans");
    let again = t.say(me, "铁山").await;
    says(&again, "opc-problem-use-buttons");
    says(&again, "opc-ask-region");
    says(&tap_on(&t, me, &again, "铁山镇").await, "opc-ask-place");
    t.stop().await;
}

#[tokio::test]
async fn a_restart_mid_dialog_resumes_on_sqlite() {
    a_restart_mid_dialog_resumes(Store::Sqlite).await;
}

#[tokio::test]
async fn a_restart_mid_dialog_resumes_on_postgres() {
    a_restart_mid_dialog_resumes(Store::Postgres).await;
}

#[tokio::test]
async fn in_english_a_day_rate_below_the_floor_is_asked_again_and_a_long_term_opening_publishes() {
    use crate::common::{EN, en};
    let t = TestBot::start(Store::Sqlite).await.unwrap();
    let me = t.coordinator(1841, "Officer Liu").await;
    let change = fieldschool::domain::settings::Change::Lang(EN);
    fieldschool::services::people::apply_change(&t.app, me, &change).await.unwrap();
    set_floor(&t, "xinan", 2500).await;
    let menu = t.say(me, "/opening").await;
    assert_shows!(menu.rendered_text(), EN, "opc-menu");
    assert_shows!(tap_on(&t, me, &menu, &en("opc-btn-start")).await.rendered_text(), EN, "opc-ask-employer");
    t.say(me, "Xin'an Rural Power Services").await;
    let region = t.say(me, "Mr Zhao 13937961234").await;
    assert_shows!(tap_on(&t, me, &region, "Xin'an County").await.rendered_text(), EN, "opc-ask-place");
    t.say(me, "Townships across the county").await;
    assert_shows!(t.say(me, "Line inspection").await.rendered_text(), EN, "opc-ask-pay");
    let below = t.say(me, "110 per day").await;
    assert!(
        below.rendered_text().starts_with(&tr!(EN, "opc-problem-below-floor", monthly = 2392, floor = 2500)),
        "{}",
        below.rendered_text()
    );
    let closes = t.say(me, "120-150 per day").await;
    let seats = tap_on(&t, me, &closes, &en("opc-btn-long-term")).await;
    assert_shows!(seats.rendered_text(), EN, "opc-ask-seats");
    let courses = t.say(me, "10 people").await;
    let ticked = tap_on(&t, me, &courses, "Low-voltage electrician").await;
    let travel = tap_on(&t, me, &ticked, &en("opc-btn-courses-done")).await;
    let preview = tap_on(&t, me, &travel, &en("opc-btn-travel-yes")).await;
    let card = preview.rendered_text();
    assert!(card.contains(&tr!(EN, "job-card-pay", pay = tr!(EN, "job-pay-day", amount = "120–150"))), "{card}");
    assert!(card.contains(&en("job-card-long-term")) && card.contains(&en("job-card-travel")), "{card}");
    let done = tap_on(&t, me, &preview, &en("opc-btn-publish")).await;
    assert_eq!(done.rendered_text(), tr!(EN, "opc-published", employer = "Xin'an Rural Power Services"));
    t.settled().await;
    let chat = open_openings(&t).await.into_iter().find(|(k, _)| k.starts_with("chat:")).expect("stored").1;
    assert_eq!((chat.pay.unit, chat.pay.min_yuan, chat.closes_on, chat.travel), (PayUnit::Day, 120, None, true));
    assert_eq!(
        (chat.region_key.as_str(), chat.seats, chat.courses.clone()),
        ("xinan", 10, vec!["electrician".to_owned()])
    );
    t.stop().await;
}

#[tokio::test]
async fn a_region_of_another_county_is_refused_in_the_dialog() {
    let t = TestBot::start(Store::Sqlite).await.unwrap();
    let user = t.user(1851, "黔山协调员", "zh-hans");
    t.register(user, "黔山协调员", "同意", "干部").await;
    let grant = fieldschool::domain::person::RoleGrant {
        role: fieldschool::domain::person::Role::Coordinator,
        region_key: "qianshan".to_owned(),
    };
    fieldschool::services::people::grant(&t.app, user, &grant).await.unwrap();
    let menu = t.say(user, "/opening").await;
    let regions = tap_on(&t, user, &menu, &zh("opc-btn-floor")).await;
    assert!(regions.buttons().any(|b| b.text == "黔山县") && !regions.buttons().any(|b| b.text == "新安县"));
    let forged = press_data(&t, user, &regions, &Cb::OpeningCompose(Button::Region("xinan".into())).encode()).await;
    assert_eq!(forged, Some(zh("access-not-allowed")));
    t.settled().await;
    let mut conn = t.app.db.pool.acquire().await.unwrap();
    assert_eq!(db::jobs::pay_floor(&mut conn, &["xinan".into()]).await.unwrap(), None);
    drop(conn);
    // Their own county still works.
    let amount = tap_on(&t, user, &regions, "黔山县").await;
    says(&amount, "opc-ask-floor-amount");
    t.stop().await;
}
