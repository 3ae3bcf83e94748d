//! Offers of openings to the certified people they match, through the scheduler's pass, the outbox
//! and the send-window gate: a certified villager of the opening's region gets it, the uncertified, another
//! county (unless they travel for work), the not-looking and those with their own business do not; at most
//! two in seven days (the third waits for the week to turn); quiet hours, a busy-season day and a pause
//! hold it; nothing twice; a closed opening is not offered. SQLite and PostgreSQL.

use chrono::NaiveDate;
use fieldschool::db;
use fieldschool::domain::catalog::Translations;
use fieldschool::domain::job::{Opening, Pay, PayUnit, ReferralStatus, WorkIntent};
use fieldschool::domain::settings::Change;
use fieldschool::services;

use crate::assert_shows;
use crate::common::{Store, TestBot, ZH, beijing, demo_start};

/// The mushroom cooperative's kind of opening, in `region`, for the certificate of `course`.
pub fn opening(key: &str, employer: &str, region: &str, course: &str) -> Opening {
    Opening {
        id: 0,
        key: Some(key.to_owned()),
        employer: employer.to_owned(),
        contact: "李经理 13800000000".to_owned(),
        region_key: region.to_owned(),
        place: "铁山镇合作社基地".to_owned(),
        work: "菌棒管理、采摘".to_owned(),
        pay: Pay { min_yuan: 2800, max_yuan: 3600, unit: PayUnit::Month },
        starts_on: None,
        closes_on: NaiveDate::from_ymd_opt(2027, 12, 31),
        seats: 5,
        courses: vec![course.to_owned()],
        travel: false,
        tr: Translations::default(),
    }
}

/// Stores an opening as published (the publishing dialog and the catalogue are another part's); its id.
pub async fn publish(t: &TestBot, o: &Opening) -> i64 {
    let mut tx = t.app.db.begin_write().await.unwrap();
    let (id, _) = db::jobs::upsert_opening(&mut tx, o, None, 0, t.app.now()).await.unwrap();
    tx.commit().await.unwrap();
    id
}

/// The mushroom cooperative of 铁山镇, for holders of the mushroom certificate.
pub async fn mushroom_coop(t: &TestBot) -> i64 {
    publish(t, &opening("tieshan-coop", "铁山镇香菇专业合作社", "xinan-tieshan", "mushroom")).await
}

/// Offers waiting in or sent by the outbox to `user`: (kind, Beijing due time "MM-DD HH:MM").
pub async fn offers_to(t: &TestBot, user: i64) -> Vec<String> {
    db::outbox::for_chat(&t.app.db, user)
        .await
        .unwrap()
        .into_iter()
        .filter(|row| row.kind == "job-offer")
        .map(|row| row.due_at.with_timezone(&chrono_tz::Asia::Shanghai).format("%m-%d %H:%M").to_string())
        .collect()
}

/// A certificate earned the day before the tests' first day: it brings offers at once.
pub fn the_day_before() -> chrono::DateTime<chrono::Utc> {
    beijing("2026-11-30T12:00:00")
}

async fn pass(t: &TestBot) {
    services::job_matching::run_due(&t.app).await.unwrap();
}

async fn who_gets_it(store: Store) {
    let Some(t) = TestBot::start(store).await else { return };
    // The test publishes its openings when it chooses.
    t.close_catalogue_openings().await;
    // All in 东村 (新安县铁山镇) unless moved.
    let wang = t.seeker(2101, "王秀英").await;
    t.certify(wang, "mushroom-2026-12", the_day_before()).await;
    let li = t.seeker(2102, "李大山").await; // no certificate
    let zhao = t.seeker(2103, "赵红").await; // certified, lives in 黔山县
    let qian = t.villager(2104, "钱多").await; // certified, lives in 黔山县, travels for work
    let sun = t.villager(2105, "孙小梅").await; // certified, not looking
    let zhou = t.villager(2106, "周平").await; // certified, runs her own business
    for who in [zhao, qian, sun, zhou] {
        t.certify(who, "mushroom-small-2026-12", the_day_before()).await;
    }
    for who in [zhao, qian] {
        let change = Change::Village("qianshan-chaxiang-yunwu".into());
        services::people::apply_change(&t.app, who, &change).await.unwrap();
    }
    t.set_intent(qian, WorkIntent::Migrant).await;
    t.set_intent(sun, WorkIntent::NotLooking).await;
    t.set_intent(zhou, WorkIntent::OwnBusiness).await;

    let coop = mushroom_coop(&t).await;
    pass(&t).await;
    let offer = t.next(wang).await;
    assert_shows!(offer.rendered_text(), ZH, "job-offer-intro");
    assert!(offer.rendered_text().contains("铁山镇香菇专业合作社"), "{}", offer.rendered_text());
    assert!(offer.buttons().any(|b| b.text.contains("我感兴趣")), "{offer:?}");
    assert_shows!(t.next(qian).await.rendered_text(), ZH, "job-offer-intro");
    for nobody in [li, zhao, sun, zhou] {
        assert!(offers_to(&t, nobody).await.is_empty(), "{nobody} gets no offer");
    }

    // A second pass offers nothing again.
    pass(&t).await;
    assert_eq!(offers_to(&t, wang).await.len(), 1, "offered once");
    assert_eq!(db::jobs::offers_of(&t.app.db, wang).await.unwrap().len(), 1);

    // Two more openings the same week: the second reaches her, the third waits for the week to turn.
    let second = publish(&t, &opening("tieshan-second", "铁山镇菌菇加工厂", "xinan-tieshan", "mushroom")).await;
    let third = publish(&t, &opening("tieshan-third", "东村香菇大棚", "xinan-tieshan-dongcun", "mushroom")).await;
    // A closed opening is offered to nobody.
    let closed = publish(&t, &opening("tieshan-closed", "已停招的合作社", "xinan-tieshan", "mushroom")).await;
    let mut tx = t.app.db.begin_write().await.unwrap();
    db::jobs::close_opening(&mut tx, closed, t.app.now()).await.unwrap();
    tx.commit().await.unwrap();
    t.clock.set(beijing("2026-12-03T10:00:00"));
    pass(&t).await;
    assert_shows!(t.next(wang).await.rendered_text(), ZH, "job-offer-intro");
    let offered: Vec<i64> = db::jobs::offers_of(&t.app.db, wang).await.unwrap().into_iter().map(|(o, _)| o).collect();
    assert!(offered.contains(&coop) && offered.contains(&second) && !offered.contains(&third), "{offered:?}");
    let next = services::job_matching::next_due(&t.app, t.app.now()).await.unwrap();
    assert_eq!(next, Some(beijing("2026-12-08T09:00:00")), "a week after the first offer");

    // A week after the first, the third goes.
    t.clock.set(beijing("2026-12-08T09:00:00"));
    pass(&t).await;
    let third_offer = t.next(wang).await.rendered_text();
    assert!(third_offer.contains("东村香菇大棚"), "{third_offer}");
    let offered: Vec<i64> = db::jobs::offers_of(&t.app.db, wang).await.unwrap().into_iter().map(|(o, _)| o).collect();
    assert_eq!(offered.len(), 3);
    assert!(!offered.contains(&closed));
    let anyone: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM opening_offers WHERE opening_id = $1")
        .bind(closed)
        .fetch_one(&t.app.db.pool)
        .await
        .unwrap();
    assert_eq!(anyone, 0, "the closed opening went to nobody");

    // Hired through a referral: no further offers (the week has turned for 钱多 too); a correction to
    // 未录用 brings them back.
    let person = db::people::find(&t.app.db, qian).await.unwrap().unwrap();
    let referral = match services::jobs::refer(&t.app, &person, coop).await.unwrap() {
        services::jobs::Refer::Referred { referral, .. } => referral.id,
        other => panic!("not referred: {other:?}"),
    };
    let mut tx = t.app.db.begin_write().await.unwrap();
    db::jobs::set_referral_status(
        &mut tx,
        referral,
        ReferralStatus::Referred,
        ReferralStatus::Hired,
        qian,
        t.app.now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    t.clock.set(beijing("2026-12-20T10:00:00"));
    let fourth = publish(&t, &opening("tieshan-fourth", "铁山镇食用菌加工厂", "xinan-tieshan", "mushroom")).await;
    pass(&t).await;
    let qian_offers: Vec<i64> =
        db::jobs::offers_of(&t.app.db, qian).await.unwrap().into_iter().map(|(o, _)| o).collect();
    assert!(!qian_offers.contains(&fourth), "hired: not offered {qian_offers:?}");
    let mut tx = t.app.db.begin_write().await.unwrap();
    db::jobs::set_referral_status(
        &mut tx,
        referral,
        ReferralStatus::Hired,
        ReferralStatus::NotHired,
        qian,
        t.app.now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    pass(&t).await;
    let qian_offers: Vec<i64> =
        db::jobs::offers_of(&t.app.db, qian).await.unwrap().into_iter().map(|(o, _)| o).collect();
    assert!(qian_offers.contains(&fourth), "not hired after all: offered again {qian_offers:?}");
    t.stop().await;
}

#[tokio::test]
async fn an_opening_reaches_the_certified_who_want_work_in_its_region_at_most_two_a_week_on_sqlite() {
    who_gets_it(Store::Sqlite).await;
}

#[tokio::test]
async fn an_opening_reaches_the_certified_who_want_work_in_its_region_at_most_two_a_week_on_postgres() {
    who_gets_it(Store::Postgres).await;
}

async fn through_the_gate(store: Store) {
    let Some(t) = TestBot::start(store).await else { return };
    t.close_catalogue_openings().await;
    let wang = t.seeker(2201, "王秀英").await;
    t.certify(wang, "mushroom-2026-12", demo_start()).await;

    // Certified today (12-01), published at 22:00: the certificate brings offers from tomorrow, and the
    // scheduler wakes at midnight for it; quiet hours (21:00–07:30) then hold the offer to the morning.
    t.clock.set(beijing("2026-12-01T22:00:00"));
    mushroom_coop(&t).await;
    pass(&t).await;
    assert!(offers_to(&t, wang).await.is_empty(), "not on the day of the certificate");
    let wake = services::job_matching::next_due(&t.app, t.app.now()).await.unwrap();
    assert_eq!(wake, Some(beijing("2026-12-02T00:00:00")));
    t.clock.set(beijing("2026-12-02T00:00:00"));
    pass(&t).await;
    assert_eq!(offers_to(&t, wang).await, ["12-02 07:30"]);
    t.clock.set(beijing("2026-12-02T07:30:00"));
    assert_shows!(t.next(wang).await.rendered_text(), ZH, "job-offer-intro");

    // An offer still waiting when its opening closes is withdrawn.
    t.clock.set(beijing("2026-12-02T22:00:00"));
    let late = publish(&t, &opening("closes-at-night", "夜里停招的菇棚", "xinan-tieshan", "mushroom")).await;
    pass(&t).await;
    assert_eq!(offers_to(&t, wang).await.last().unwrap(), "12-03 07:30");
    let mut tx = t.app.db.begin_write().await.unwrap();
    db::jobs::close_opening(&mut tx, late, t.app.now()).await.unwrap();
    assert_eq!(services::job_matching::withdraw_offers(&mut tx, late).await.unwrap(), 1);
    tx.commit().await.unwrap();
    let statuses: Vec<db::outbox::Status> = db::outbox::for_chat(&t.app.db, wang)
        .await
        .unwrap()
        .into_iter()
        .filter(|row| row.kind == "job-offer")
        .map(|row| row.status)
        .collect();
    assert_eq!(statuses.last(), Some(&db::outbox::Status::Cancelled), "{statuses:?}");

    // A busy-season day (三夏 in 新安县): a 07:00 offer goes in the noon window.
    t.clock.set(beijing("2027-06-01T07:00:00"));
    publish(&t, &opening("sanxia-help", "三夏麦收互助队", "xinan", "mushroom")).await;
    pass(&t).await;
    assert_eq!(offers_to(&t, wang).await.last().unwrap(), "06-01 12:00");
    t.clock.set(beijing("2027-06-01T12:00:00"));
    assert!(t.next(wang).await.rendered_text().contains("三夏麦收互助队"));

    // Paused for a week: it arrives when the pause ends.
    t.clock.set(beijing("2027-07-01T10:00:00"));
    services::people::apply_change(&t.app, wang, &Change::Pause(7)).await.unwrap();
    publish(&t, &opening("after-pause", "河西村蘑菇棚", "xinan", "mushroom")).await;
    pass(&t).await;
    assert_eq!(offers_to(&t, wang).await.last().unwrap(), "07-08 10:00");
    t.clock.set(beijing("2027-07-08T10:00:00"));
    assert!(t.next(wang).await.rendered_text().contains("河西村蘑菇棚"));
    t.stop().await;
}

#[tokio::test]
async fn offers_wait_for_quiet_hours_a_busy_season_day_and_a_pause_on_sqlite() {
    through_the_gate(Store::Sqlite).await;
}

#[tokio::test]
async fn offers_wait_for_quiet_hours_a_busy_season_day_and_a_pause_on_postgres() {
    through_the_gate(Store::Postgres).await;
}
