//! The jobs storage (migration 0023) on both engines: an opening written and read back as it was, a
//! re-import of the same opening unchanged, a referral once per person and opening, a status change
//! that only applies from the status it was read in, the person's referral served through the
//! consent service, and erasure removing them.

use crate::common::{Store, TestBot, beijing};
use fieldschool::db::jobs::{self, Written};
use fieldschool::domain::catalog::Translations;
use fieldschool::domain::job::{Opening, Openness, Pay, PayUnit, ReferralStatus};
use fieldschool::services::jobs::{Refer, refer};

fn cooperative() -> Opening {
    Opening {
        id: 0,
        key: Some("tieshan-coop".into()),
        employer: "铁山镇香菇专业合作社".into(),
        contact: "李经理 13800000000".into(),
        region_key: "xinan-tieshan".into(),
        place: "铁山镇合作社基地".into(),
        work: "菌棒管理、采摘".into(),
        pay: Pay { min_yuan: 2800, max_yuan: 3600, unit: PayUnit::Month },
        starts_on: None,
        closes_on: chrono::NaiveDate::from_ymd_opt(2027, 3, 31),
        seats: 1,
        courses: vec!["mushroom".into()],
        travel: false,
        tr: Translations::default(),
    }
}

async fn storage(store: Store) {
    let Some(t) = TestBot::start(store).await else { return };
    let now = t.app.now();
    let mut tx = t.app.db.begin_write().await.unwrap();
    let (id, written) = jobs::upsert_opening(&mut tx, &cooperative(), None, 0, now).await.unwrap();
    assert_eq!(written, Written::New);
    let again = jobs::upsert_opening(&mut tx, &cooperative(), None, 0, now).await.unwrap();
    assert_eq!(again, (id, Written::Unchanged), "the same opening imported again");
    jobs::set_pay_floor(&mut tx, "xinan", Some(2000), 1, now).await.unwrap();
    tx.commit().await.unwrap();
    let stored = jobs::opening_by_id(&t.app.db, id).await.unwrap().expect("stored");
    assert_eq!(stored.opening, Opening { id, ..cooperative() });
    assert_eq!(stored.hired, 0);
    let mut conn = t.app.db.pool.acquire().await.unwrap();
    let chain = vec!["xinan-tieshan".to_owned(), "xinan".to_owned()];
    assert_eq!(jobs::pay_floor(&mut conn, &chain).await.unwrap(), Some(2000), "the county's floor applies below");
    drop(conn);

    // Without a certificate the consent service refers nobody; with one, once.
    let me = t.villager(1701, "王秀英").await;
    let person = fieldschool::db::people::find(&t.app.db, me).await.unwrap().unwrap();
    assert_eq!(refer(&t.app, &person, id).await.unwrap(), Refer::NotQualified);
    t.certify(me, "mushroom-2026-12", beijing("2026-12-20T12:00:00")).await;
    let Refer::Referred { referral, new: true, .. } = refer(&t.app, &person, id).await.unwrap() else {
        panic!("referred")
    };
    let Refer::Referred { referral: second, new: false, .. } = refer(&t.app, &person, id).await.unwrap() else {
        panic!("the same referral")
    };
    assert_eq!(second.id, referral.id);
    assert_eq!(referral.status, ReferralStatus::Referred);

    // A status change applies only from the status it was read in.
    let mut tx = t.app.db.begin_write().await.unwrap();
    assert!(
        jobs::set_referral_status(&mut tx, referral.id, ReferralStatus::Referred, ReferralStatus::Hired, 9, now)
            .await
            .unwrap()
    );
    assert!(
        !jobs::set_referral_status(&mut tx, referral.id, ReferralStatus::Referred, ReferralStatus::Withdrew, me, now)
            .await
            .unwrap(),
        "a concurrent tap read 'referred' and loses"
    );
    tx.commit().await.unwrap();
    let stored = jobs::opening_by_id(&t.app.db, id).await.unwrap().unwrap();
    assert_eq!(stored.hired, 1);
    let today = chrono::NaiveDate::from_ymd_opt(2027, 1, 5).unwrap();
    assert_eq!(Openness::of(&stored.opening, today, stored.hired, false), Openness::Filled, "one seat, one hire");
    let r = jobs::referral_of(&t.app.db, id, me).await.unwrap().unwrap();
    assert_eq!((r.status, r.interviewed_at.is_some(), r.settled_at.is_some()), (ReferralStatus::Hired, true, true));

    let mut tx = t.app.db.begin_write().await.unwrap();
    assert_eq!(jobs::erase_person(&mut tx, me).await.unwrap(), 1);
    tx.commit().await.unwrap();
    assert!(jobs::referrals_of_opening(&t.app.db, id).await.unwrap().is_empty());
    t.stop().await;
}

#[tokio::test]
async fn openings_and_referrals_are_stored_once_on_sqlite() {
    storage(Store::Sqlite).await;
}

#[tokio::test]
async fn openings_and_referrals_are_stored_once_on_postgres() {
    storage(Store::Postgres).await;
}
