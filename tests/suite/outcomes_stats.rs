//! What a statistician asks of `/outcomes`: intervals, who did not answer, and a comparison group.
//! People who ordered, answered the baseline and never came (no-show or cancelled) are followed up
//! with a shorter questionnaire; the coordinator sees their change beside the attendees' once both
//! groups reach ten, the attrition sentence where answering was lopsided, and every figure
//! recomputes from the CSV.

use chrono::Duration;
use fieldschool::db;
use fieldschool::domain::order::{OrderAction, OrderStatus};
use fieldschool::domain::outcomes;
use fieldschool::domain::survey::Wave;

use crate::assert_shows;
use crate::common::{ANY, Store, TestBot, ZH, beijing, matches, tr, zh};
use crate::outcomes_picture::{answered, outcomes_then_next, villager_with_answers};

const CLASS: &str = "mushroom-small-2026-12";

/// Names take no digits: people are told apart by these.
const NUMERALS: [&str; 10] = ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"];

/// Orders a seat in the small mushroom class; the reply's text.
async fn order_mushroom(t: &TestBot, me: i64) -> String {
    t.say(me, "📚 报名培训").await;
    t.tap(me, "特色种养").await;
    t.tap(me, "食用菌种植技术").await;
    t.tap(me, "西村张大姐家菇棚").await;
    t.tap(me, "确认报名").await.rendered_text()
}

/// Answers the baseline offered under the order confirmation: 4 people, 30,000 yuan, farming.
async fn answer_baseline(t: &TestBot, me: i64) {
    t.tap(me, "开始回答").await;
    t.tap(me, "4").await;
    t.say(me, "3万").await;
    t.tap(me, "务农").await;
    assert_shows!(t.tap(me, "种植").await.rendered_text(), ZH, "survey-thanks");
}

async fn order_of(t: &TestBot, user: i64) -> db::orders::OrderRow {
    db::orders::of_user(&t.app.db, user).await.unwrap().remove(0)
}

/// The person cancels their order; its 3-month follow-up, if one was planned.
async fn cancel(t: &TestBot, who: i64) -> Option<db::surveys::SurveyRow> {
    let person = db::people::find(&t.app.db, who).await.unwrap().unwrap();
    let order = order_of(t, who).await;
    fieldschool::services::orders::act(&t.app, &person, OrderAction::ConfirmCancel(order.id)).await.unwrap();
    assert_eq!(order_of(t, who).await.status, OrderStatus::Cancelled);
    db::surveys::by_key(&t.app.db, &format!("m3:{}", order.id)).await.unwrap()
}

#[tokio::test]
async fn people_who_never_came_are_followed_up_as_the_comparison_group_on_sqlite() {
    never_came(Store::Sqlite).await;
}

#[tokio::test]
async fn people_who_never_came_are_followed_up_as_the_comparison_group_on_postgres() {
    never_came(Store::Postgres).await;
}

async fn never_came(store: Store) {
    let Some(t) = TestBot::start(store).await else { return };
    let teacher = t.trainer(850, "wang-lixin", "王立新").await;
    let came = t.villager(851, "甲").await;
    let absent = t.villager(852, "乙").await;
    let cancelled = t.villager(853, "丙").await;
    let no_baseline = t.villager(854, "丁").await;
    // The small class has two seats: 甲 takes one; 丙 takes the other and cancels well before the class.
    assert_shows!(order_mushroom(&t, came).await, ZH, "order-confirmed");
    answer_baseline(&t, came).await;
    assert_shows!(order_mushroom(&t, cancelled).await, ZH, "order-confirmed");
    answer_baseline(&t, cancelled).await;
    // Followed up from the class's end all the same, as someone who never came.
    let m3 = cancel(&t, cancelled).await.expect("丙 is followed up");
    assert!(m3.never_came, "{m3:?}");
    let ended = beijing("2026-12-20T11:30:00");
    assert!(m3.opens_at >= ended + chrono::Months::new(3), "{m3:?}");
    // 乙 takes the freed seat. 丁 only gets on the waitlist, puts the baseline off and cancels: with
    // no baseline there is nothing to pair, so no follow-up.
    assert_shows!(order_mushroom(&t, absent).await, ZH, "order-confirmed");
    answer_baseline(&t, absent).await;
    assert_shows!(order_mushroom(&t, no_baseline).await, ZH, "order-waitlisted");
    assert_shows!(t.tap(no_baseline, "以后再说").await.rendered_text(), ZH, "survey-later");
    assert_eq!(cancel(&t, no_baseline).await, None);

    // 甲 checks in; 乙 stays at home.
    t.clock.set(beijing("2026-12-20T09:20:00"));
    t.around_class(came, 2, 1).await; // and the 课前预习 at 20:00 the evening before
    let code = t.open_checkin(teacher, "12月20日").await;
    assert_shows!(t.next(came).await.rendered_text(), ZH, "checkin-open");
    assert_shows!(t.say(came, &code).await.rendered_text(), ZH, "checkin-done");
    t.clock.set(beijing("2026-12-20T11:31:00"));
    assert_shows!(t.next(came).await.rendered_text(), ZH, "quiz-invite");
    fieldschool::services::learning::finalize_due(&t.app).await.unwrap();
    assert_eq!(order_of(&t, came).await.status, OrderStatus::Attended);
    assert_eq!(order_of(&t, absent).await.status, OrderStatus::NoShow);
    // The no-show (who answered the baseline) is followed up, with the shorter questionnaire.
    let absent_m3 = db::surveys::by_key(&t.app.db, &format!("m3:{}", order_of(&t, absent).await.id)).await.unwrap();
    let absent_m3 = absent_m3.expect("乙 is followed up");
    assert!(absent_m3.never_came);
    let came_m3 = db::surveys::by_key(&t.app.db, &format!("m3:{}", order_of(&t, came).await.id)).await.unwrap();
    assert!(!came_m3.expect("甲 is followed up").never_came);

    // Three months on, 乙's invitation says why someone who did not come is asked, and the
    // questionnaire leaves out the course: five questions, not seven.
    t.clock.set(absent_m3.opens_at);
    let invitation = loop {
        let m = t.next(absent).await;
        if matches(&m.rendered_text(), &tr!(ZH, "survey-comparison-invite", course = ANY, months = 3)) {
            break m;
        }
    };
    assert!(invitation.rendered_text().contains("食用菌种植技术"), "{}", invitation.rendered_text());
    let first = t.tap(absent, "开始回答").await.rendered_text();
    assert!(first.contains(&tr!(ZH, "survey-progress", position = 1, total = 5)), "{first}");
    t.tap(absent, "4").await;
    t.say(absent, "32000").await;
    t.tap(absent, "务农").await;
    let industry = t.tap(absent, "种植").await.rendered_text();
    assert!(industry.contains(&zh("survey-q-industry-comparison")), "{industry}");
    assert_shows!(t.tap(absent, "没变化").await.rendered_text(), ZH, "survey-thanks");
    let answers = db::surveys::answers(&t.app.db, absent_m3.id).await.unwrap();
    assert_eq!(answers.len(), 5, "{answers:?}");
    t.stop().await;
}

/// A no-show of the mushroom class: an order nobody came to, as settling leaves it.
async fn no_show(t: &TestBot, id: i64, name: &str) -> (i64, i64) {
    let user = t.villager(id, name).await;
    let created = t.app.now() - Duration::days(120);
    let order: i64 = sqlx::query_scalar(
        "INSERT INTO orders (number, user_id, class_key, status, created_at, updated_at)
         VALUES ($1, $2, $3, 'no_show', $4, $4) RETURNING id",
    )
    .bind(format!("FS-N{user:04}"))
    .bind(user)
    .bind(CLASS)
    .bind(created.timestamp())
    .fetch_one(&t.app.db.pool)
    .await
    .unwrap();
    (user, order)
}

/// A survey sent and closed unanswered.
async fn unanswered(t: &TestBot, user: i64, order: i64) {
    let now = t.app.now();
    let mut tx = t.app.db.begin_write().await.unwrap();
    let survey = db::surveys::NewSurvey {
        key: &format!("m3:{order}"),
        user_id: user,
        wave: Wave::Followup(3),
        order_id: Some(order),
        opens_at: now - Duration::days(40),
        closes_at: Some(now - Duration::days(10)),
    };
    db::surveys::create(&mut tx, &survey, now).await.unwrap().expect("new");
    tx.commit().await.unwrap();
}

/// Someone who never came answered the baseline (8,000 yuan, alone) and the 3-month wave (8,200).
async fn answer_both(t: &TestBot, (user, order): (i64, i64)) {
    let now = t.app.now();
    let mut tx = t.app.db.begin_write().await.unwrap();
    answered(&mut tx, &format!("baseline:{user}"), user, Wave::Baseline, None, (1, 8_000), now).await;
    answered(&mut tx, &format!("m3:{order}"), user, Wave::Followup(3), Some(order), (1, 8_200), now).await;
    tx.commit().await.unwrap();
}

/// Yuan with a sign on a gain, grouped as the bot groups them ("+1,027").
fn yuan(v: f64) -> String {
    let n = v.round() as i64;
    let grouped = fieldschool::bot::handlers::surveys::grouped(n);
    if n > 0 { format!("+{grouped}") } else { grouped }
}

#[tokio::test]
async fn a_coordinator_sees_intervals_the_attrition_sentence_and_the_comparison_on_sqlite() {
    statistician(Store::Sqlite).await;
}

#[tokio::test]
async fn a_coordinator_sees_intervals_the_attrition_sentence_and_the_comparison_on_postgres() {
    statistician(Store::Postgres).await;
}

async fn statistician(store: Store) {
    let Some(t) = TestBot::start(store).await else { return };
    let coord = t.coordinator(899, "刘主任").await;
    // Twelve attendees, one-person households: +1,000, +1,100 … +2,100 (median +1,550).
    for i in 0..12_i64 {
        let before = 10_000 + 1_000 * i;
        villager_with_answers(&t, 900 + i, (1, before), Some((1, before + 1_000 + 100 * i))).await;
    }
    // Six of the poorest attendees never answered the follow-up.
    for k in 0..6_i64 {
        villager_with_answers(&t, 920 + k, (1, 1_000 + k), None).await;
        let order = db::orders::of_user(&t.app.db, 920 + k).await.unwrap()[0].id;
        unanswered(&t, 920 + k, order).await;
    }
    // Nine who never came, each +200: too few to compare.
    let mut absent = Vec::new();
    for j in 0..9_i64 {
        absent.push(no_show(&t, 940 + j, &format!("缺席{}", NUMERALS[j as usize])).await);
    }
    for &a in &absent {
        answer_both(&t, a).await;
    }

    let changes: Vec<f64> = (0..12).map(|i| 1_000.0 + 100.0 * f64::from(i)).collect();
    let (low, high) = fieldschool::domain::stats::bootstrap_median_interval(&changes).unwrap();
    let income = tr!(
        ZH,
        "outcomes-yuan-interval",
        value = "+1,550",
        n = 12,
        low = yuan(low).as_str(),
        high = yuan(high).as_str()
    );
    let gap = tr!(ZH, "outcomes-attrition-gap", what = zh("outcomes-band-low"), answered = 0, unanswered = 100);

    let (figures, picture) = outcomes_then_next(&t, coord).await;
    assert!(figures.contains(&tr!(ZH, "outcomes-income", figure = income.as_str())), "{figures}");
    assert!(figures.contains(&gap), "{figures}");
    // Response by third: the lowest third (the six) answered none.
    let count = |answered: usize, sent: usize| tr!(ZH, "outcomes-response-count", answered = answered, sent = sent);
    let by = tr!(
        ZH,
        "outcomes-response-by",
        low = count(0, 6),
        middle = count(6, 6),
        high = count(6, 6),
        completed = count(12, 18),
        not_completed = count(0, 0)
    );
    assert!(figures.contains(&by), "{figures}");
    // Nine who never came: no comparison at all.
    let comparison = tr!(ZH, "outcomes-comparison", answered = ANY, due = ANY, figure = ANY, attendees = ANY);
    assert!(!figures.lines().any(|l| matches(l.trim(), &comparison)), "{figures}");
    assert!(picture.photo.is_some(), "the picture follows the figures");
    t.next(coord).await; // the export pressed with the figures

    // A tenth: both groups reach ten, and they stand side by side, labelled as no randomised comparison.
    answer_both(&t, no_show(&t, 949, "缺席癸").await).await;
    let (figures, picture) = outcomes_then_next(&t, coord).await;
    assert!(picture.photo.is_some(), "the picture follows the figures");
    let compared = tr!(ZH, "outcomes-yuan-interval", value = "+200", n = 10, low = "+200", high = "+200");
    let line = tr!(
        ZH,
        "outcomes-comparison",
        answered = 10,
        due = 10,
        figure = compared.as_str(),
        attendees = income.as_str()
    );
    assert!(figures.contains(&line), "{figures}");
    // The no-shows count as enrolled; the attendees' figures are theirs alone.
    assert!(figures.contains(&tr!(ZH, "outcomes-enrolled", enrolled = 28, completed = 18)), "{figures}");
    let export = t.next(coord).await;
    let (_, bytes) = export.document.clone().expect("the CSV");
    let csv = String::from_utf8(bytes).unwrap();
    assert!(csv.contains(&zh("outcomes-csv-attendance-absent")), "{csv}");

    // Every number recomputes from the export: the same text, intervals included.
    let text = fieldschool::bot::handlers::outcomes::csv_text(fieldschool::i18n::Lang::Zh);
    let rows = outcomes::read_csv(&csv, &text).unwrap();
    let rendered = fieldschool::bot::handlers::outcomes::render(
        ZH,
        &format!("新安县 · {}", zh("outcomes-all")),
        &outcomes::compute(&rows),
        &outcomes::referral_figures(&[]),
    );
    assert_eq!(rendered, figures);
    t.stop().await;
}

#[tokio::test]
async fn the_chat_cohort_shows_every_new_figure_three_months_after_its_class() {
    let Some(t) = TestBot::start(Store::Sqlite).await else { return };
    let coord = t.coordinator(898, "刘主任").await;
    // Before the class has ended the cohort would take seats: refused.
    let early = fieldschool::services::demo_cohort::seed(&t.app, "mushroom-2026-12", "xinan-chengguan-beiguan").await;
    assert!(early.unwrap_err().to_string().contains("move the clock past it"));
    t.clock.set(beijing("2026-12-20T09:00:00"));
    let added =
        fieldschool::services::demo_cohort::seed(&t.app, "mushroom-2026-12", "xinan-chengguan-beiguan").await.unwrap();
    assert_eq!((added.attendees, added.no_shows), (30, 12));
    assert!(
        fieldschool::services::demo_cohort::seed(&t.app, "mushroom-2026-12", "xinan-chengguan-beiguan").await.is_err()
    );
    // Three months on: 24 of 30 attendees answered (the six poorest did not), 11 of 12 who never came.
    t.clock.set(beijing("2027-03-22T09:00:00"));
    let (figures, picture) = outcomes_then_next(&t, coord).await;
    let wave =
        tr!(ZH, "outcomes-wave", months = 3, answered = 24, due = 30, rate = tr!(ZH, "outcomes-rate", percent = 80));
    assert!(figures.contains(&wave), "{figures}");
    let gap = tr!(ZH, "outcomes-attrition-gap", what = zh("outcomes-band-low"), answered = ANY, unanswered = 100);
    let comparison = tr!(ZH, "outcomes-comparison", answered = 11, due = 12, figure = ANY, attendees = ANY);
    assert!(figures.lines().any(|l| matches(l.trim(), &gap)), "{figures}");
    assert!(figures.lines().any(|l| matches(l.trim(), &comparison)), "{figures}");
    assert!(picture.photo.is_some());
    t.stop().await;
}

#[tokio::test]
async fn coming_to_another_class_withdraws_the_comparison_follow_ups() {
    let Some(t) = TestBot::start(Store::Sqlite).await else { return };
    let me = t.villager(870, "甲").await;
    assert_shows!(order_mushroom(&t, me).await, ZH, "order-confirmed");
    answer_baseline(&t, me).await;
    let missed = cancel(&t, me).await.expect("followed up as someone who never came");
    let pending = |rows: &[db::outbox::OutboxRow]| -> Vec<i64> {
        rows.iter().filter(|r| r.kind == "survey" && r.status == db::outbox::Status::Pending).map(|r| r.id).collect()
    };
    let before = pending(&db::outbox::for_chat(&t.app.db, me).await.unwrap());
    assert!(!before.is_empty());

    // 甲 completes the big mushroom class after all: their follow-ups are an attendee's now.
    t.certify(me, "mushroom-2026-12", t.app.now()).await;
    let attended = db::orders::of_user(&t.app.db, me).await.unwrap();
    let attended = attended.iter().find(|o| o.status == OrderStatus::Completed).unwrap();
    let followed = fieldschool::services::surveys::FollowedOrder {
        order_id: attended.id,
        user_id: me,
        cohort: fieldschool::domain::survey::Cohort::Attendee,
    };
    let mut tx = t.app.db.begin_write().await.unwrap();
    fieldschool::services::surveys::plan_followups(&mut tx, &t.app, &followed, None, t.app.now()).await.unwrap();
    tx.commit().await.unwrap();

    let missed = db::surveys::get(&t.app.db, missed.id).await.unwrap().unwrap();
    assert!(missed.stopped_at.is_some(), "{missed:?}");
    let after = pending(&db::outbox::for_chat(&t.app.db, me).await.unwrap());
    assert!(before.iter().all(|id| !after.contains(id)), "{before:?} still pending in {after:?}");
    assert!(!after.is_empty(), "the attendee's own follow-ups are planned");
    t.stop().await;
}
