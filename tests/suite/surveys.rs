//! Follow-up surveys end to end over HTTP through the Bot API emulator: the baseline with an order,
//! completion with the course feedback, the 3-month follow-up timed by the gate and answered, and the
//! coordinator's /outcomes with figures that match its CSV export. Time runs on a manual clock.

use crate::assert_shows;
use crate::common::{ANY, Store, TestBot, ZH, beijing, matches, pattern, shows, tr, zh};
use chrono::Months;
use fieldschool::db;
use fieldschool::domain::outcomes;
use fieldschool::emulator::BotMessage;

async fn order_mushroom(t: &TestBot, me: i64) -> BotMessage {
    t.say(me, "📚 报名培训").await;
    t.tap(me, "特色种养").await;
    t.tap(me, "食用菌种植技术").await;
    t.tap(me, "西村张大姐家菇棚").await;
    let done = t.tap(me, "确认报名").await;
    assert_shows!(done.rendered_text(), ZH, "order-confirmed");
    done
}

/// Presses a button of an earlier message and returns the short answer Telegram shows.
async fn press_old(t: &TestBot, me: i64, msg: &BotMessage, label: &str) -> String {
    let button = msg.inline_keyboard.iter().flatten().find(|b| b.text.contains(label)).expect("button");
    let id = t.emu.press(me, msg.message_id, button.callback_data.as_deref().unwrap());
    t.emu.callback_answer(&id).await.unwrap().text.unwrap_or_default()
}

/// The bot's next message to `me` that matches `expected` (a rendered message, [`ANY`] for any
/// argument), skipping others (reminders and the like).
async fn next_matching(t: &TestBot, me: i64, expected: &str) -> BotMessage {
    for _ in 0..12 {
        let m = t.next(me).await;
        if matches(&m.rendered_text(), expected) {
            return m;
        }
    }
    panic!("no message with {expected:?} to {me}");
}

/// The 3-month follow-up invitation, whatever the course.
fn three_month_invitation() -> String {
    tr!(ZH, "survey-followup-invite", course = ANY, months = 3)
}

#[tokio::test]
async fn baseline_completion_feedback_follow_up_and_outcomes_on_sqlite() {
    journey(Store::Sqlite).await;
}

#[tokio::test]
async fn baseline_completion_feedback_follow_up_and_outcomes_on_postgres() {
    journey(Store::Postgres).await;
}

async fn journey(store: Store) {
    let Some(t) = TestBot::start_with(store, |c| c.quiz_seed = Some(42)).await else { return };
    let teacher = t.trainer(700, "wang-lixin", "王立新").await;
    let coord = t.coordinator(709, "刘主任").await;
    let a = t.villager(701, "甲").await;
    let b = t.villager(702, "乙").await;

    // 甲 orders; the reply offers the baseline. Nonsense income is refused with an example.
    let ordered = order_mushroom(&t, a).await;
    assert!(ordered.rendered_text().contains(&zh("survey-baseline-offer")), "{}", ordered.rendered_text());
    let size_q = t.tap(a, "开始回答").await;
    assert!(
        size_q.rendered_text().contains(&tr!(ZH, "survey-progress", position = 1, total = 4))
            && size_q.rendered_text().contains(&zh("survey-q-household-size"))
    );
    let income_q = t.tap(a, "4").await;
    assert!(income_q.rendered_text().contains(&zh("survey-q-income")), "{}", income_q.rendered_text());
    let refused = t.say(a, "很多").await;
    assert!(refused.rendered_text().contains(&zh("survey-income-not-number")), "{}", refused.rendered_text());
    let employment_q = t.say(a, "3万").await;
    assert!(
        employment_q.rendered_text().contains(&tr!(ZH, "survey-progress", position = 3, total = 4)),
        "{}",
        employment_q.rendered_text()
    );
    // A second answer to the household size, from its old button, changes nothing.
    assert!(press_old(&t, a, &size_q, "6").await.contains(&zh("survey-already-answered")));
    let source_q = t.tap(a, "务农").await;
    let thanks = t.tap(a, "种植").await;
    assert!(thanks.rendered_text().contains(&zh("survey-thanks")), "{}", thanks.rendered_text());
    let baseline = db::surveys::by_key(&t.app.db, &format!("baseline:{a}")).await.unwrap().unwrap();
    assert!(baseline.completed_at.is_some());
    let answers = db::surveys::answers(&t.app.db, baseline.id).await.unwrap();
    assert_eq!(answers.len(), 4, "{answers:?}");
    assert!(press_old(&t, a, &source_q, "种植").await.contains(&zh("survey-already-done")));

    // 乙 puts the baseline off.
    order_mushroom(&t, b).await;
    assert!(t.tap(b, "以后再说").await.rendered_text().contains(&zh("survey-later")));

    // The class meets 12-20 09:30–11:30; both check in, the session ends, 甲 passes the quiz.
    t.clock.set(beijing("2026-12-20T09:20:00"));
    for who in [a, b] {
        t.around_class(who, 2, 1).await; // and the 课前预习 at 20:00 the evening before
    }
    let code = t.open_checkin(teacher, "12月20日").await;
    for who in [a, b] {
        t.next(who).await; // "check-in is open"
        assert_shows!(t.say(who, &code).await.rendered_text(), ZH, "checkin-done");
    }
    t.clock.set(beijing("2026-12-20T11:31:00"));
    for who in [a, b] {
        assert_shows!(t.next(who).await.rendered_text(), ZH, "quiz-invite");
    }
    let mut question = t.tap(a, "开始测验").await;
    for _ in 0..5 {
        t.answer_quiz(a, &question, "mushroom", true).await;
        question = t.next(a).await;
    }
    assert_shows!(question.rendered_text(), ZH, "quiz-passed");
    let congratulation = t.next(a).await;
    assert!(
        congratulation.rendered_text().contains(&zh("survey-feedback-offer")),
        "{}",
        congratulation.rendered_text()
    );

    // The course feedback: stars, stars, a comment.
    let usefulness_q = t.tap(a, "评价这门课").await;
    assert!(usefulness_q.rendered_text().contains(&zh("survey-q-usefulness")), "{}", usefulness_q.rendered_text());
    let trainer_q = t.tap(a, "⭐⭐⭐⭐").await;
    let comment_q = t.tap(a, "⭐⭐⭐⭐⭐").await;
    assert!(comment_q.rendered_text().contains(&zh("survey-q-comment")), "{}", comment_q.rendered_text());
    assert!(t.say(a, "希望多讲病虫害").await.rendered_text().contains(&zh("survey-feedback-thanks")));
    let _ = trainer_q;

    // Follow-ups were planned for both attendees, 3, 6 and 12 months after the class, out of busy
    // seasons and night hours by the gate.
    let orders_a = db::orders::of_user(&t.app.db, a).await.unwrap();
    let m3 = db::surveys::by_key(&t.app.db, &format!("m3:{}", orders_a[0].id)).await.unwrap().unwrap();
    let ended = beijing("2026-12-20T11:30:00");
    assert!(m3.opens_at >= ended.checked_add_months(Months::new(3)).unwrap(), "{m3:?}");
    let orders_b = db::orders::of_user(&t.app.db, b).await.unwrap();
    for months in [3, 6, 12] {
        assert!(db::surveys::by_key(&t.app.db, &format!("m{months}:{}", orders_b[0].id)).await.unwrap().is_some());
    }

    // Three months on, 甲 gets the invitation and answers it.
    t.clock.set(m3.opens_at);
    let invitation = t.next(a).await;
    let expected = tr!(ZH, "survey-followup-invite", course = "食用菌种植技术", months = 3);
    assert!(invitation.rendered_text().contains(&expected), "{}", invitation.rendered_text());
    t.tap(a, "开始回答").await;
    t.tap(a, "4").await;
    t.say(a, "4万").await;
    t.tap(a, "本地务工").await;
    t.tap(a, "打工工资").await;
    t.tap(a, "经常用").await;
    t.tap(a, "扩大了").await;
    let done = t.tap(a, "不是").await;
    assert!(done.rendered_text().contains(&zh("survey-thanks")), "{}", done.rendered_text());
    // Its nudges are withdrawn; 乙 still gets one.
    let pending = db::outbox::for_chat(&t.app.db, a).await.unwrap();
    let closes = m3.closes_at.unwrap();
    let m3_nudges: Vec<_> = pending.iter().filter(|r| r.kind == "survey" && r.due_at < closes).collect();
    assert_eq!(m3_nudges.len(), 3, "the invitation and two nudges: {m3_nudges:?}");
    assert!(m3_nudges.iter().all(|r| r.status != db::outbox::Status::Pending), "{m3_nudges:?}");
    let invitation_b = t.next(b).await;
    assert!(matches(&invitation_b.rendered_text(), &three_month_invitation()));

    // That evening's digest counts the answered survey (on PostgreSQL too: its SUM is NUMERIC, which
    // the digest once failed to read).
    let day = m3.opens_at.with_timezone(&chrono_tz::Asia::Shanghai).date_naive();
    t.clock.set(beijing(&format!("{day}T18:00:00")));
    let digest = next_matching(&t, coord, &pattern(ZH, "digest-title")).await.rendered_text();
    assert!(digest.contains(&tr!(ZH, "digest-surveys", n = 1)), "{digest}");

    // The coordinator's figures: N shown, too few answers for any share.
    t.emu.send_text(coord, "/outcomes");
    next_matching(&t, coord, &zh("outcomes-choose-region")).await;
    t.tap(coord, "新安县").await;
    let figures = t.tap(coord, "全部课程").await.rendered_text();
    assert!(figures.contains(&tr!(ZH, "outcomes-enrolled", enrolled = 2, completed = 1)), "{figures}");
    let wave = tr!(ZH, "outcomes-wave", months = 3, answered = 1, due = 2, rate = zh("outcomes-rate-none"));
    assert!(figures.contains(&wave), "{figures}");
    assert!(figures.contains(&tr!(ZH, "outcomes-too-few", n = 1)), "{figures}");
    assert!(!figures.contains("100%"), "{figures}");

    // The anonymised export holds no names, and recomputes to the same figures.
    let export = t.tap(coord, "匿名").await;
    let (name, bytes) = export.document.clone().expect("a CSV");
    assert!(name.ends_with(".csv"));
    let csv = String::from_utf8(bytes).unwrap();
    assert!(csv.starts_with('\u{feff}'));
    assert!(!csv.contains("甲") && !csv.contains("13800000000"), "{csv}");
    let text = fieldschool::bot::handlers::outcomes::csv_text(fieldschool::i18n::Lang::Zh);
    let rows = outcomes::read_csv(&csv, &text).unwrap();
    let recomputed = outcomes::compute(&rows);
    let rendered = fieldschool::bot::handlers::outcomes::render(
        ZH,
        &format!("新安县 · {}", zh("outcomes-all")),
        &recomputed,
        &outcomes::referral_figures(&[]),
    );
    assert_eq!(rendered, figures);
    t.stop().await;
}

#[tokio::test]
async fn stopping_surveys_withdraws_invitations_and_a_closed_survey_takes_no_answers() {
    let Some(t) = TestBot::start_with(Store::Sqlite, |c| c.quiz_seed = Some(42)).await else { return };
    let teacher = t.trainer(720, "wang-lixin", "王立新").await;
    let a = t.villager(721, "甲").await;
    let b = t.villager(722, "乙").await;
    for who in [a, b] {
        order_mushroom(&t, who).await;
    }
    t.clock.set(beijing("2026-12-20T09:20:00"));
    let code = t.open_checkin(teacher, "12月20日").await;
    for who in [a, b] {
        next_matching(&t, who, &pattern(ZH, "checkin-open")).await;
        t.emu.send_text(who, &code);
        next_matching(&t, who, &pattern(ZH, "checkin-done")).await;
    }
    t.clock.set(beijing("2026-12-20T11:31:00"));
    let order_a = db::orders::of_user(&t.app.db, a).await.unwrap()[0].id;
    let order_b = db::orders::of_user(&t.app.db, b).await.unwrap()[0].id;
    // The session's end is finalized (and the follow-ups planned) before the quiz invitation goes.
    next_matching(&t, a, &pattern(ZH, "quiz-invite")).await;
    next_matching(&t, b, &pattern(ZH, "quiz-invite")).await;
    let m3_b = db::surveys::by_key(&t.app.db, &format!("m3:{order_b}")).await.unwrap().unwrap();

    // 乙 stops surveys in settings: the pending invitation and nudges are withdrawn.
    t.say(b, "⚙️ 设置").await;
    let stopped = t.tap(b, "不再接收回访问卷").await;
    assert!(stopped.rendered_text().contains(&zh("settings-surveys-off")), "{}", stopped.rendered_text());
    let rows = db::outbox::for_chat(&t.app.db, b).await.unwrap();
    let survey_rows: Vec<_> = rows.iter().filter(|r| r.kind == "survey").collect();
    assert!(!survey_rows.is_empty());
    assert!(survey_rows.iter().all(|r| r.status == db::outbox::Status::Cancelled), "{survey_rows:?}");
    let m3_b_after = db::surveys::get(&t.app.db, m3_b.id).await.unwrap().unwrap();
    assert!(m3_b_after.stopped_at.is_some());

    // 甲's 3-month survey closes unanswered: the invitation's button then answers that it has closed.
    let m3_a = db::surveys::by_key(&t.app.db, &format!("m3:{order_a}")).await.unwrap().unwrap();
    t.clock.set(m3_a.opens_at);
    let invitation = next_matching(&t, a, &three_month_invitation()).await;
    t.clock.set(m3_a.closes_at.unwrap());
    assert!(press_old(&t, a, &invitation, "开始回答").await.contains(&zh("survey-closed")));
    let answers = db::surveys::answers(&t.app.db, m3_a.id).await.unwrap();
    assert!(answers.is_empty());
    // Nothing went to 乙.
    assert!(!t.emu.messages(b).iter().any(|m| {
        let text = m.rendered_text();
        shows(&text, ZH, "survey-followup-invite") || shows(&text, ZH, "survey-followup-nudge")
    }));
    t.stop().await;
}

#[tokio::test]
async fn a_wave_falling_in_the_busy_season_opens_after_it_and_its_nudges_follow_days_apart() {
    let Some(t) = TestBot::start_with(Store::Sqlite, |c| c.survey_waves = vec![6]).await else { return };
    let a = t.villager(731, "甲").await;
    order_mushroom(&t, a).await;
    let order = db::orders::of_user(&t.app.db, a).await.unwrap()[0].clone();
    // A course that ended 2026-11-29 11:30: six months on is 2027-05-29, inside 三夏 (05-28 to 06-16).
    let ended = beijing("2026-11-29T11:30:00");
    let followed = fieldschool::services::surveys::FollowedOrder {
        order_id: order.id,
        user_id: a,
        cohort: fieldschool::domain::survey::Cohort::Attendee,
    };
    let mut tx = t.app.db.begin_write().await.unwrap();
    let planned =
        fieldschool::services::surveys::plan_followups(&mut tx, &t.app, &followed, None, ended).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(planned, 1);
    let m6 = db::surveys::by_key(&t.app.db, &format!("m6:{}", order.id)).await.unwrap().unwrap();
    // The first moment after the season that is not night: 06-17 07:30.
    assert_eq!(m6.opens_at, beijing("2027-06-17T07:30:00"));
    assert_eq!(m6.closes_at, Some(beijing("2027-07-17T07:30:00")));
    let rows = db::outbox::for_chat(&t.app.db, a).await.unwrap();
    let mut due: Vec<_> = rows.iter().filter(|r| r.kind == "survey").map(|r| r.due_at).collect();
    due.sort();
    assert_eq!(due, [beijing("2027-06-17T07:30:00"), beijing("2027-06-21T07:30:00"), beijing("2027-06-25T07:30:00")]);
    // Planning again adds nothing.
    let mut tx = t.app.db.begin_write().await.unwrap();
    let again = fieldschool::services::surveys::plan_followups(&mut tx, &t.app, &followed, None, ended).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(again, 0);
    assert_eq!(db::outbox::for_chat(&t.app.db, a).await.unwrap().len(), rows.len());
    t.stop().await;
}

#[tokio::test]
async fn the_button_under_an_older_read_back_stores_nothing() {
    let Some(t) = TestBot::start(Store::Sqlite).await else { return };
    let me = t.villager(760, "丙").await;
    order_mushroom(&t, me).await;
    t.tap(me, "开始回答").await;
    let income_q = t.tap(me, "1").await; // a household of one
    assert!(income_q.rendered_text().contains(&zh("survey-q-income")), "{}", income_q.rendered_text());
    // 400,000 for one person is read back; a second try, 500,000, is read back too.
    let first = t.say(me, "40万").await;
    let readback = |yuan: &str| tr!(ZH, "survey-income-readback", yuan = yuan);
    assert!(first.rendered_text().contains(&readback("400,000")), "{}", first.rendered_text());
    let second = t.say(me, "50万").await;
    assert!(second.rendered_text().contains(&readback("500,000")), "{}", second.rendered_text());

    // "Right" under the first read-back is old: it says so and stores nothing.
    let popup = press_old(&t, me, &first, "对").await;
    assert!(popup.contains(&tr!(ZH, "survey-readback-old", yuan = "500,000")), "{popup}");
    let baseline = db::surveys::by_key(&t.app.db, &format!("baseline:{me}")).await.unwrap().unwrap();
    assert_eq!(db::surveys::answers(&t.app.db, baseline.id).await.unwrap().len(), 1, "only the household size");

    // "Right" under the newest stores what it showed.
    let next_q = t.tap(me, "对").await;
    assert!(
        next_q.rendered_text().contains(&tr!(ZH, "survey-progress", position = 3, total = 4)),
        "{}",
        next_q.rendered_text()
    );

    let answers = db::surveys::answers(&t.app.db, baseline.id).await.unwrap();
    assert!(format!("{answers:?}").contains("500000"), "{answers:?}");
    t.stop().await;
}
