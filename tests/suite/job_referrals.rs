//! The coordinator's side of jobs after training, on both engines: `/referrals` with its counts, a
//! referral list with one-tap statuses (refused for another county's coordinator and for another
//! villager; a second tap answers "already so"), the person's answer to the two-week follow-up (once,
//! through the gate) and that they cannot change a settled outcome, closing an opening by hand, the
//! printable card (PNG with CJK glyphs) and the CSV, and erasure taking a person off the list.

use crate::assert_shows;
use crate::common::{EN, Store, TestBot, ZH, beijing, zh};
use fieldschool::db;
use fieldschool::domain::callback::Cb;
use fieldschool::domain::catalog::Translations;
use fieldschool::domain::job::{Button, Opening, Openness, Pay, PayUnit, ReferralStatus};
use fieldschool::domain::person::{Role, RoleGrant};
use fieldschool::services::jobs::{Refer, refer};
use fieldschool::tr;

const NOT_ALLOWED: &str = "您没有权限做这件事。";

pub fn cooperative() -> Opening {
    Opening {
        id: 0,
        key: None,
        employer: "铁山镇香菇专业合作社".into(),
        contact: "李经理 13800000000".into(),
        region_key: "xinan-tieshan".into(),
        place: "铁山镇合作社基地".into(),
        work: "菌棒管理、采摘".into(),
        pay: Pay { min_yuan: 2800, max_yuan: 3600, unit: PayUnit::Month },
        starts_on: None,
        closes_on: chrono::NaiveDate::from_ymd_opt(2027, 3, 31),
        seats: 3,
        courses: vec!["mushroom".into()],
        travel: false,
        tr: Translations::default(),
    }
}

/// Stores an opening; returns its id.
pub async fn publish(t: &TestBot, o: &Opening) -> i64 {
    let mut tx = t.app.db.begin_write().await.unwrap();
    let (id, _) = db::jobs::upsert_opening(&mut tx, o, None, 0, t.app.now()).await.unwrap();
    tx.commit().await.unwrap();
    id
}

/// Certifies `user` in mushrooms and refers them to `opening`; returns the referral's id.
pub async fn certified_and_referred(t: &TestBot, user: i64, opening: i64) -> i64 {
    t.certify(user, "mushroom-2026-12", beijing("2026-11-20T12:00:00")).await;
    let person = db::people::find(&t.app.db, user).await.unwrap().unwrap();
    match refer(&t.app, &person, opening).await.unwrap() {
        Refer::Referred { referral, .. } => referral.id,
        other => panic!("referred: {other:?}"),
    }
}

/// Presses `data` on the person's latest message; returns the answer to the press once handled.
async fn press(t: &TestBot, who: i64, message_id: Option<i32>, data: &str) -> String {
    let message_id = message_id.or_else(|| t.emu.last_message(who).map(|m| m.message_id)).unwrap_or(1);
    let id = t.emu.press(who, message_id, data);
    let answer = t.emu.callback_answer(&id).await.unwrap();
    t.emu.wait_updates_consumed().await.unwrap();
    t.settled().await;
    answer.text.unwrap_or_default()
}

async fn status_of(t: &TestBot, referral: i64) -> ReferralStatus {
    db::referrals::referral_by_id(&t.app.db, referral).await.unwrap().unwrap().status
}

/// A status button as a message showing the referral as 已推荐 carries it.
fn status(referral: i64, status: ReferralStatus) -> String {
    Cb::Job(Button::Status { referral, from: ReferralStatus::Referred, status }).encode()
}

async fn coordinator_of(t: &TestBot, id: i64, name: &str, region: &str) -> i64 {
    let user = t.user(id, name, "zh-hans");
    t.register(user, name, "同意", "干部").await;
    let grant = RoleGrant { role: Role::Coordinator, region_key: region.into() };
    fieldschool::services::people::grant(&t.app, user, &grant).await.unwrap();
    user
}

async fn lists_and_statuses(store: Store) {
    let Some(t) = TestBot::start(store).await else { return };
    t.close_catalogue_openings().await;
    let liu = t.coordinator(17_301, "刘主任").await;
    let other_county = coordinator_of(&t, 17_302, "黔山协调员", "qianshan").await;
    let wang = t.villager(17_303, "王秀英").await;
    let stranger = t.villager(17_304, "李四").await;
    let opening = publish(&t, &cooperative()).await;
    let referral = certified_and_referred(&t, wang, opening).await;
    assert_shows!(t.next(liu).await.rendered_text(), ZH, "job-line-referred");

    // /referrals: the opening with its state and counts; its list: one entry with name, phone,
    // certificate and one-tap statuses.
    let list = t.say(liu, "/referrals").await;
    let text = list.rendered_text();
    assert_shows!(text, ZH, "refer-openings-title");
    assert!(text.contains("铁山镇香菇专业合作社"), "{text}");
    let counts = tr!(
        ZH,
        "refer-opening-counts",
        state = zh("refer-state-open"),
        referred = 1,
        interviewed = 0,
        hired = 0,
        seats = 3
    );
    assert!(text.contains(&counts), "{text}\n{counts}");
    let header = t.tap(liu, "推荐名单").await;
    assert_shows!(header.rendered_text(), ZH, "refer-list-title");
    assert_shows!(header.rendered_text(), ZH, "refer-list-footer");
    let entry = t.next(liu).await;
    let entry_text = entry.rendered_text();
    assert!(entry_text.contains("王秀英") && entry_text.contains("+8613800000000"), "{entry_text}");
    assert_shows!(entry_text, ZH, "refer-entry-certificate");
    let labels: Vec<String> = entry.inline_keyboard.iter().flatten().map(|b| b.text.clone()).collect();
    for s in ReferralStatus::Referred.next_for_coordinator() {
        assert!(labels.contains(&s.label(ZH)), "{labels:?}");
    }

    // Another county's coordinator and another villager: refused, nothing changes.
    for who in [other_county, stranger] {
        assert_eq!(press(&t, who, None, &status(referral, ReferralStatus::Hired)).await, NOT_ALLOWED);
        for b in [
            Button::Referrals { opening },
            Button::Close { opening, confirmed: false },
            Button::Close { opening, confirmed: true },
            Button::Card { referral },
            Button::Csv { opening },
        ] {
            assert_eq!(press(&t, who, None, &Cb::Job(b).encode()).await, NOT_ALLOWED, "{b:?}");
        }
    }
    assert_eq!(press(&t, stranger, None, &Cb::Job(Button::Openings).encode()).await, NOT_ALLOWED);
    assert_eq!(status_of(&t, referral).await, ReferralStatus::Referred);
    assert_eq!(t.say(stranger, "/referrals").await.rendered_text(), NOT_ALLOWED);

    // One tap: hired; the tapped entry shows it, and its buttons go on from there.
    let answer = press(&t, liu, Some(entry.message_id), &status(referral, ReferralStatus::Hired)).await;
    assert_eq!(answer, tr!(ZH, "refer-changed", status = ReferralStatus::Hired.label(ZH)));
    assert_eq!(status_of(&t, referral).await, ReferralStatus::Hired);
    let edited = t.emu.messages(liu).into_iter().find(|m| m.message_id == entry.message_id).unwrap();
    assert!(edited.edits >= 1 && edited.rendered_text().contains(&ReferralStatus::Hired.label(ZH)), "{edited:?}");
    // A second tap of the same status: "already so".
    let again = press(&t, liu, Some(entry.message_id), &status(referral, ReferralStatus::Hired)).await;
    assert_eq!(again, tr!(ZH, "refer-already", status = ReferralStatus::Hired.label(ZH)));
    // Nobody sets "referred".
    assert_eq!(press(&t, liu, Some(entry.message_id), &status(referral, ReferralStatus::Referred)).await, NOT_ALLOWED);
    // A button of an older message (made when the entry showed 已推荐) changes nothing after a newer
    // decision; the entry is shown as it is now.
    let stale = press(&t, liu, Some(entry.message_id), &status(referral, ReferralStatus::NotHired)).await;
    assert_eq!(stale, tr!(ZH, "refer-outdated", status = ReferralStatus::Hired.label(ZH)));
    assert_eq!(status_of(&t, referral).await, ReferralStatus::Hired);
    // A correction from the entry as it is now is one tap (and back).
    for (from, to) in
        [(ReferralStatus::Hired, ReferralStatus::NotHired), (ReferralStatus::NotHired, ReferralStatus::Hired)]
    {
        let data = Cb::Job(Button::Status { referral, from, status: to }).encode();
        assert_eq!(
            press(&t, liu, Some(entry.message_id), &data).await,
            tr!(ZH, "refer-changed", status = to.label(ZH))
        );
        assert_eq!(status_of(&t, referral).await, to);
    }

    // The person cannot undo a settled outcome; they are told whom to ask.
    let answer = press(&t, wang, None, &status(referral, ReferralStatus::NotHired)).await;
    assert_eq!(answer, "");
    let settled = t.next(wang).await.rendered_text();
    let label = ReferralStatus::Hired.label(ZH);
    assert_eq!(settled, tr!(ZH, "refer-settled", status = label.as_str(), contact = "none"));
    assert_eq!(status_of(&t, referral).await, ReferralStatus::Hired);

    // The card: a PNG; the CSV: BOM, the columns, one row.
    let card = t.tap(liu, "名片").await;
    let png = card.photo.expect("a photo");
    assert!(png.starts_with(b"\x89PNG"), "a PNG");
    let csv_msg = t.tap(liu, "CSV").await;
    let (name, bytes) = csv_msg.document.expect("a document");
    assert!(name.ends_with(".csv"));
    let csv = String::from_utf8(bytes).unwrap();
    assert!(csv.starts_with('\u{feff}'), "BOM");
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    let header: Vec<String> = [
        "refer-csv-name",
        "refer-csv-village",
        "refer-csv-phone",
        "refer-csv-certificate",
        "refer-csv-course",
        "refer-csv-status",
        "refer-csv-referred-on",
        "refer-csv-interviewed-on",
        "refer-csv-settled-on",
    ]
    .iter()
    .map(|k| zh(k))
    .collect();
    assert_eq!(lines[0], header.join(","));
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[1].starts_with("王秀英,") && lines[1].contains(&ReferralStatus::Hired.label(ZH)), "{}", lines[1]);
    assert!(lines[1].contains("2026-12-01"), "referred on, local date: {}", lines[1]);

    // Closing by hand: no new interest.
    // It asks first: 不关了 keeps it open (back to the openings); then 确认关闭 closes it.
    let ask = t.tap(liu, "关闭").await;
    assert_shows!(ask.rendered_text(), ZH, "refer-close-ask");
    assert_shows!(t.tap(liu, &zh("btn-refer-close-keep")).await.rendered_text(), ZH, "refer-openings-title");
    let still = db::jobs::opening_by_id(&t.app.db, opening).await.unwrap().unwrap();
    assert!(still.closed_at.is_none(), "not closed before the confirmation");
    t.tap(liu, "关闭").await;
    let closed = t.tap(liu, &zh("btn-refer-close-confirm")).await;
    assert_shows!(closed.rendered_text(), ZH, "refer-closed");
    let late = t.villager(17_305, "赵六").await;
    t.certify(late, "mushroom-2026-12", beijing("2026-11-20T12:00:00")).await;
    let person = db::people::find(&t.app.db, late).await.unwrap().unwrap();
    assert_eq!(refer(&t.app, &person, opening).await.unwrap(), Refer::Closed(Openness::Closed));
    assert_eq!(
        press(&t, liu, None, &Cb::Job(Button::Close { opening, confirmed: true }).encode()).await,
        zh("refer-close-already")
    );

    // Erasure: off the list.
    fieldschool::services::erasure::erase(&t.app, wang).await.unwrap().expect("erased");
    assert!(db::jobs::referrals_of_opening(&t.app.db, opening).await.unwrap().is_empty());
    let list = t.say(liu, "/referrals").await;
    let counts = tr!(
        ZH,
        "refer-opening-counts",
        state = zh("refer-state-closed"),
        referred = 0,
        interviewed = 0,
        hired = 0,
        seats = 3
    );
    assert!(list.rendered_text().contains(&counts), "{}", list.rendered_text());
    t.stop().await;
}

#[tokio::test]
async fn a_coordinator_lists_marks_prints_and_closes_on_sqlite() {
    lists_and_statuses(Store::Sqlite).await;
}

#[tokio::test]
async fn a_coordinator_lists_marks_prints_and_closes_on_postgres() {
    lists_and_statuses(Store::Postgres).await;
}

async fn follow_up_count(t: &TestBot) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE dedupe_key LIKE 'job-follow-up:%'")
        .fetch_one(&t.app.db.pool)
        .await
        .unwrap()
}

async fn follow_up(store: Store) {
    let Some(t) = TestBot::start(store).await else { return };
    t.close_catalogue_openings().await;
    let liu = t.coordinator(17_311, "刘主任").await;
    let amy = t.user(17_312, "Amy", "en");
    t.register(amy, "Amy", "I agree", "Villager").await;
    let opening = publish(&t, &cooperative()).await;
    let referral = certified_and_referred(&t, amy, opening).await;
    t.next(liu).await;

    // Thirteen days on: not yet.
    t.clock.set(t.app.now() + chrono::TimeDelta::days(13));
    t.settled().await;
    assert_eq!(follow_up_count(&t).await, 0);
    // Fourteen days after consent, at 23:00 local: queued at once, held through the quiet hours.
    t.clock.set(beijing("2026-12-15T23:00:00"));
    tokio::time::timeout(std::time::Duration::from_secs(20), async {
        while follow_up_count(&t).await == 0 {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the follow-up is queued");
    let (planned, due): (i64, i64) =
        sqlx::query_as("SELECT planned_at, due_at FROM outbox WHERE dedupe_key LIKE 'job-follow-up:%'")
            .fetch_one(&t.app.db.pool)
            .await
            .unwrap();
    assert_eq!(planned, beijing("2026-12-15T23:00:00").timestamp());
    assert!(due > planned && due <= beijing("2026-12-16T09:00:00").timestamp(), "the next morning: {due}");
    t.clock.set(beijing("2026-12-16T09:00:00"));
    let asked = t.next(amy).await;
    let text = asked.rendered_text();
    assert!(
        text.contains("Two weeks ago") || text.contains(&tr!(EN, "refer-follow-up", employer = "铁山镇香菇专业合作社")),
        "{text}"
    );
    assert_eq!(asked.inline_keyboard.len(), 4, "four answers");

    // "Interviewed": noted, the outcome buttons stay; then "hired": the coordinator hears of it.
    let noted = t.tap(amy, &tr!(EN, "refer-answer-interviewed")).await;
    assert_shows!(noted.rendered_text(), EN, "refer-person-interviewed");
    assert_eq!(status_of(&t, referral).await, ReferralStatus::Interviewed);
    assert_shows!(t.next(liu).await.rendered_text(), ZH, "refer-line-person-status");
    let hired = t.tap(amy, &tr!(EN, "refer-answer-hired")).await;
    assert_shows!(hired.rendered_text(), EN, "refer-person-hired");
    assert_eq!(status_of(&t, referral).await, ReferralStatus::Hired);
    let line = t.next(liu).await.rendered_text();
    assert!(line.contains(&ReferralStatus::Hired.label(ZH)), "{line}");

    // /mydata lists the referral with its status; the JSON holds it too.
    let summary = t.say(amy, "/mydata").await.rendered_text();
    assert_shows!(summary, EN, "mydata-referrals");
    assert!(
        summary.contains(&ReferralStatus::Hired.label(EN)) && summary.contains("铁山镇香菇专业合作社"),
        "{summary}"
    );
    let (_, json) = t.next(amy).await.document.expect("the JSON");
    let json: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(json["referrals"][0]["status"], "hired", "{json}");

    // Asked once: a month later, nothing more.
    t.clock.set(t.app.now() + chrono::TimeDelta::days(30));
    t.settled().await;
    assert_eq!(follow_up_count(&t).await, 1);
    t.stop().await;
}

#[tokio::test]
async fn the_follow_up_comes_after_two_weeks_through_the_gate_once_on_sqlite() {
    follow_up(Store::Sqlite).await;
}

#[tokio::test]
async fn the_follow_up_comes_after_two_weeks_through_the_gate_once_on_postgres() {
    follow_up(Store::Postgres).await;
}

#[test]
fn the_referral_card_draws_cjk_glyphs() {
    use fieldschool::render::{ReferralCard, referral_card_rgb};
    let card = ReferralCard {
        title: "田间学校 · 就业推荐卡".into(),
        opening: "推荐到：铁山镇香菇专业合作社 · 菌棒管理".into(),
        name: "王秀英".into(),
        lines: vec!["村：东村".into(), "电话：+8613800000000".into()],
        footer: "培训办联系方式：0371-1234567".into(),
    };
    let img = referral_card_rgb(&card).expect("a CJK font is installed");
    let other = referral_card_rgb(&ReferralCard { name: "李桂兰".into(), ..card.clone() }).unwrap();
    // The name band differs between two names of the same length: glyphs, not identical boxes.
    let band = |img: &fieldschool::render::RgbImage| {
        (200..340).flat_map(|y| (60..700).map(move |x| (x, y))).map(|(x, y)| img.pixel(x, y)).collect::<Vec<_>>()
    };
    assert_ne!(band(&img), band(&other));
    let inked = band(&img).iter().filter(|p| p.0 < 128).count();
    assert!(inked > 1000, "the name is drawn: {inked} dark pixels");
}

async fn everywhere(store: Store) {
    let Some(t) = TestBot::start(store).await else { return };
    let admin = coordinator_of(&t, 17_321, "管理员", "qianshan").await;
    let grant = RoleGrant { role: Role::Admin, region_key: String::new() };
    fieldschool::services::people::grant(&t.app, admin, &grant).await.unwrap();
    let township = coordinator_of(&t, 17_322, "城关镇专干", "xinan-chengguan").await;
    publish(&t, &cooperative()).await;
    publish(&t, &Opening { employer: "黔山县茶叶合作社".into(), region_key: "qianshan".into(), ..cooperative() }).await;
    // An admin sees every county's openings; a township's coordinator none of another township's.
    let all = t.say(admin, "/referrals").await.rendered_text();
    assert!(all.contains("铁山镇香菇专业合作社") && all.contains("黔山县茶叶合作社"), "{all}");
    assert_eq!(t.say(township, "/referrals").await.rendered_text(), zh("refer-no-openings"));
    t.stop().await;
}

#[tokio::test]
async fn an_admin_sees_every_county_a_township_only_its_own_on_sqlite() {
    everywhere(Store::Sqlite).await;
}

#[tokio::test]
async fn an_admin_sees_every_county_a_township_only_its_own_on_postgres() {
    everywhere(Store::Postgres).await;
}
