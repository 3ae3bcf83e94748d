//! `/outcomes` with the recorded referrals, on both engines: referrals, interviews and hires counted
//! per person and opening, with N and no share below five; a course scope counts only the referrals
//! that course's certificate qualified; the referral CSV recomputes the figures.

use crate::common::{Store, TestBot, ZH, beijing, zh};
use crate::job_referrals::{certified_and_referred, cooperative, publish};
use fieldschool::db;
use fieldschool::domain::job::{Opening, ReferralStatus};
use fieldschool::domain::outcomes::{read_referral_csv, referral_figures};
use fieldschool::services::referrals::set_status;
use fieldschool::tr;

async fn figures(store: Store) {
    let Some(t) = TestBot::start(store).await else { return };
    t.close_catalogue_openings().await;
    let liu = t.coordinator(17_401, "刘主任").await;
    let mushroom = publish(&t, &cooperative()).await;
    let electrician = publish(
        &t,
        &Opening { employer: "新安县电力安装队".into(), courses: vec!["electrician".into()], ..cooperative() },
    )
    .await;
    let a = t.villager(17_402, "甲").await;
    let b = t.villager(17_403, "乙").await;
    let c = t.villager(17_404, "丙").await;
    let ra = certified_and_referred(&t, a, mushroom).await;
    let rb = certified_and_referred(&t, b, mushroom).await;
    // 丙 holds the electricians' certificate: referred there, not under mushrooms.
    t.certify(c, "electrician-2027-01", beijing("2026-11-25T12:00:00")).await;
    let person = db::people::find(&t.app.db, c).await.unwrap().unwrap();
    let fieldschool::services::jobs::Refer::Referred { referral: rc, .. } =
        fieldschool::services::jobs::refer(&t.app, &person, electrician).await.unwrap()
    else {
        panic!("referred")
    };
    for _ in 0..3 {
        t.next(liu).await;
    }
    let coordinator = db::people::find(&t.app.db, liu).await.unwrap().unwrap();
    set_status(&t.app, &coordinator, ra, ReferralStatus::Referred, ReferralStatus::Hired).await.unwrap();
    set_status(&t.app, &coordinator, rb, ReferralStatus::Referred, ReferralStatus::NotHired).await.unwrap();
    set_status(&t.app, &coordinator, rc.id, ReferralStatus::Referred, ReferralStatus::Interviewed).await.unwrap();

    let few = zh("outcomes-rate-none");
    t.emu.send_text(liu, "/outcomes");
    t.next(liu).await;
    t.tap(liu, "新安县").await;
    let all = t.tap(liu, "全部课程").await.rendered_text();
    assert!(all.contains(&tr!(ZH, "outcomes-referrals", referrals = 3, people = 3)), "{all}");
    assert!(all.contains(&tr!(ZH, "outcomes-referrals-interviewed", count = 3, n = 3, rate = few.as_str())), "{all}");
    let hired = tr!(ZH, "outcomes-referrals-hired", count = 1, n = 3, people = 1, rate = few.as_str());
    assert!(all.contains(&hired), "{all}");
    assert!(!all.contains('%'), "no share below five: {all}");

    // The named export: the answers, then the referrals, which recompute the figures.
    t.tap(liu, "含姓名电话").await;
    let (name, bytes) = t.next(liu).await.document.expect("the referral CSV");
    assert!(name.starts_with(&zh("outcomes-referrals-csv-file")), "{name}");
    let csv = String::from_utf8(bytes).unwrap();
    assert!(
        csv.starts_with('\u{feff}') && csv.contains("甲") && csv.contains(&ReferralStatus::Hired.label(ZH)),
        "{csv}"
    );
    let rows = read_referral_csv(&csv, &fieldschool::bot::handlers::outcomes::referral_csv_text(ZH)).unwrap();
    let f = referral_figures(&rows);
    assert_eq!((f.referrals, f.people, f.interviewed, f.hired, f.hired_people), (3, 3, 3, 1, 1));

    // The mushroom course alone: 甲 and 乙.
    let title = db::catalog::course(&t.app.db, "mushroom").await.unwrap().unwrap().title;
    t.emu.send_text(liu, "/outcomes");
    t.next(liu).await;
    t.tap(liu, "新安县").await;
    let course = t.tap(liu, &title).await.rendered_text();
    assert!(course.contains(&tr!(ZH, "outcomes-referrals", referrals = 2, people = 2)), "{course}");
    let hired = tr!(ZH, "outcomes-referrals-hired", count = 1, n = 2, people = 1, rate = few.as_str());
    assert!(course.contains(&hired), "{course}");
    t.stop().await;
}

#[tokio::test]
async fn outcomes_count_recorded_referrals_interviews_and_hires_on_sqlite() {
    figures(Store::Sqlite).await;
}

#[tokio::test]
async fn outcomes_count_recorded_referrals_interviews_and_hires_on_postgres() {
    figures(Store::Postgres).await;
}
