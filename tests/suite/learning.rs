//! Attendance, quizzes, completion and credits end to end, over HTTP through the Bot API emulator,
//! with the quiz drawn from a fixed seed and time on a manual clock.

use crate::assert_shows;
use crate::common::{ANY, Store, TestBot, ZH, beijing, matches, pattern, shows, tr, zh};
use fieldschool::db;
use fieldschool::i18n::Lang;

async fn start() -> TestBot {
    TestBot::start_with(Store::Sqlite, |c| c.quiz_seed = Some(42)).await.unwrap()
}

async fn order(t: &TestBot, me: i64, category: &str, course: &str, class_label: &str) {
    t.say(me, "📚 报名培训").await;
    t.tap(me, category).await;
    t.tap(me, course).await;
    t.tap(me, class_label).await;
    let done = t.tap(me, "确认报名").await;
    assert_shows!(done.rendered_text(), ZH, "order-confirmed");
}

#[tokio::test]
async fn check_in_quiz_retake_and_certificate() {
    let t = start().await;
    let teacher = t.trainer(800, "wang-lixin", "王立新").await;
    let a = t.villager(801, "甲").await;
    let b = t.villager(802, "乙").await;
    let outsider = t.villager(803, "丙").await;
    for who in [a, b] {
        order(&t, who, "特色种养", "食用菌种植技术", "西村张大姐家菇棚").await;
    }

    // A code typed when no check-in is open is answered and changes nothing.
    let early = t.say(a, "4821").await;
    assert!(early.rendered_text().contains(&zh("checkin-none-open")), "{}", early.rendered_text());

    // The class meets 12-20 09:30–11:30.
    t.clock.set(beijing("2026-12-20T09:20:00"));
    // Both reminders (19:30 the evening before, 07:30 on the day) have gone out by now.
    for who in [a, b] {
        t.around_class(who, 2, 1).await; // and the 课前预习 at 20:00 the evening before
    }
    let code = t.open_checkin(teacher, "12月20日").await;
    let invite_a = t.next(a).await;
    assert_shows!(invite_a.rendered_text(), ZH, "checkin-open");
    let invite_b = t.next(b).await;

    let wrong = if code == "0000" { "1111" } else { "0000" };
    let refused = t.say(a, wrong).await;
    assert_shows!(refused.rendered_text(), ZH, "checkin-wrong-code");
    let done = t.say(a, &code).await;
    assert_shows!(done.rendered_text(), ZH, "checkin-done");
    let again = t.say(a, &code).await;
    assert_shows!(again.rendered_text(), ZH, "checkin-already");
    let not_booked = t.say(outsider, &code).await;
    assert!(not_booked.rendered_text().contains(&zh("checkin-none-open")), "{}", not_booked.rendered_text());

    // The live roster shows 甲 present.
    let counts = |present: u32| tr!(ZH, "roster-counts", present = present, total = 2);
    let roster = t.emu.wait_for_message(teacher, |m| m.rendered_text().contains(&counts(1))).await.unwrap();
    let marked = tr!(ZH, "roster-line", mark = zh("roster-present"), name = "甲", practical = ANY, leave = ANY);
    assert!(matches(&roster.rendered_text(), &marked), "{}", roster.rendered_text());

    // 乙's "签到" button checks nobody in by itself: it asks for the code from the room.
    let id = t.emu.press(b, invite_b.message_id, invite_b.inline_keyboard[0][0].callback_data.as_deref().unwrap());
    t.emu.callback_answer(&id).await.unwrap();
    let prompt = t.next(b).await;
    let is_roster = |m: &fieldschool::emulator::BotMessage| shows(&m.rendered_text(), ZH, "roster-counts");
    assert_shows!(prompt.rendered_text(), ZH, "checkin-prompt");
    let roster = t.emu.messages(teacher).into_iter().rev().find(is_roster).unwrap();
    assert!(roster.rendered_text().contains(&counts(1)), "the button alone checked nobody in");
    assert_shows!(t.say(b, &code).await.rendered_text(), ZH, "checkin-done");
    // The trainer marks 乙 absent by hand after all.
    let roster = t.emu.messages(teacher).into_iter().rev().find(is_roster).unwrap();
    assert!(roster.rendered_text().contains(&counts(2)), "{}", roster.rendered_text());
    let toggle = roster.inline_keyboard.iter().flatten().find(|b| b.text.starts_with("乙")).unwrap().clone();
    let id = t.emu.press(teacher, roster.message_id, toggle.callback_data.as_deref().unwrap());
    t.emu.callback_answer(&id).await.unwrap();
    let roster = t.emu.messages(teacher).into_iter().find(|m| m.message_id == roster.message_id).unwrap();
    assert!(roster.rendered_text().contains(&counts(1)), "{}", roster.rendered_text());

    // After the session, 甲 (present) is invited to the quiz; 乙 (absent) is not eligible.
    t.clock.set(beijing("2026-12-20T11:31:00"));
    let invitation = t.next(a).await;
    assert_shows!(invitation.rendered_text(), ZH, "quiz-invite");
    let not_eligible = t.say(b, "📋 我的课程").await;
    assert!(
        !not_eligible.buttons().any(|b| shows(&b.text, ZH, "btn-quiz") || b.text == zh("btn-start-quiz")),
        "{:?}",
        not_eligible.inline_keyboard
    );

    // First attempt: everything wrong → the score, the missed questions with answers, a retake.
    let mut question = t.tap(a, "开始测验").await;
    let nth = |n: u32| tr!(ZH, "quiz-question", position = n, total = 5, text = ANY);
    assert!(matches(&question.rendered_text(), &nth(1)), "{}", question.rendered_text());
    let first_question = question.clone();
    for n in 1..=5 {
        let feedback = t.answer_quiz(a, &question, "mushroom", false).await;
        let feedback = feedback.rendered_text();
        assert!(shows(&feedback, ZH, "quiz-wrong") && shows(&feedback, ZH, "quiz-explanation"), "{feedback}");
        question = t.next(a).await;
        if n < 5 {
            assert!(matches(&question.rendered_text(), &nth(n + 1)), "{}", question.rendered_text());
        }
    }
    let result = question;
    let failed = tr!(ZH, "quiz-failed", correct = 0, total = 5, needed = ANY);
    assert!(matches(&result.rendered_text(), &failed), "{}", result.rendered_text());
    assert!(result.rendered_text().contains(&zh("quiz-review-title")), "{}", result.rendered_text());

    // An answer to an old question of a closed attempt changes nothing.
    let old = first_question.inline_keyboard[0][0].callback_data.clone().unwrap();
    let id = t.emu.press(a, first_question.message_id, &old);
    let closed = t.emu.callback_answer(&id).await.unwrap();
    assert!(closed.text.unwrap_or_default().contains(&zh("quiz-closed")));

    // Retake: all right → passed → completed with a certificate card.
    let mut question = t.tap(a, "再考一次").await;
    for _ in 1..=5 {
        let feedback = t.answer_quiz(a, &question, "mushroom", true).await;
        assert!(feedback.rendered_text().contains(&zh("quiz-right")), "{}", feedback.rendered_text());
        question = t.next(a).await;
    }
    assert_shows!(question.rendered_text(), ZH, "quiz-passed");
    let congratulation = t.next(a).await;
    let text = congratulation.rendered_text();
    assert!(shows(&text, ZH, "completed") && shows(&text, ZH, "completed-code"), "{text}");
    let png = congratulation.photo.clone().expect("the certificate card comes as a photo");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "a PNG image");

    // The code verifies.
    let before_code = pattern(ZH, "completed-code");
    let before_code = &before_code[..before_code.find(ANY).unwrap()];
    let code = text.split(before_code).nth(1).unwrap().lines().next().unwrap().trim().to_owned();
    let verified = fieldschool::services::learning::verify(&t.app, &code, Lang::Zh).await.unwrap().unwrap();
    assert!(verified.contains("甲") && verified.contains("食用菌种植技术"), "{verified}");
    assert!(fieldschool::services::learning::verify(&t.app, "ZZZZ-ZZZZ", Lang::Zh).await.unwrap().is_none());

    // 乙 cannot take the quiz.
    let orders = db::orders::of_user(&t.app.db, b).await.unwrap();
    let start = fieldschool::services::learning::start_quiz(
        &t.app,
        &db::people::find(&t.app.db, b).await.unwrap().unwrap(),
        orders[0].id,
    )
    .await
    .unwrap();
    assert_eq!(start, fieldschool::services::learning::QuizStart::NotEligible);
    t.stop().await;
}

#[tokio::test]
async fn a_trainer_cannot_take_attendance_for_another_trainers_class() {
    let t = start().await;
    let other = t.trainer(810, "zhou-wenbin", "周文斌").await;
    let sessions = db::catalog::sessions_of_class(&t.app.db, "mushroom-2026-12").await.unwrap();
    let last = t.emu.last_message(other).unwrap();
    let id = t.emu.press(other, last.message_id, &format!("ck:{}", sessions[0].id));
    let answer = t.emu.callback_answer(&id).await.unwrap();
    assert!(answer.text.unwrap_or_default().contains(&zh("not-allowed")));
    assert!(db::learning::checkin(&t.app.db, sessions[0].id).await.unwrap().is_none());
    // A trainee has no /checkin at all.
    let me = t.villager(811, "甲").await;
    assert!(t.say(me, "/checkin").await.rendered_text().contains(&zh("not-allowed")));
    t.stop().await;
}

#[tokio::test]
async fn a_cadre_earns_credits_and_the_coordinator_exports_them() {
    let t = start().await;
    let teacher = t.trainer(820, "zhou-wenbin", "周文斌").await;
    let coord = t.coordinator(821, "刘主任").await;
    let cadre = t.user(822, "李建国", "zh-hans");
    t.register(cadre, "李建国", "同意", "干部").await;
    order(&t, cadre, "政策解读", "衔接政策解读", "中共新安县委党校").await;
    t.next(coord).await; // the order line

    // Two sessions on 2027-03-20: 09:00–11:30 and 14:30–17:00.
    // Reminders due by then: both sessions' at 19:30 the evening before; the afternoon's at 12:30.
    // The course's 课前预习 goes at 20:00 the evening before too.
    for (at, when, reminders, lessons) in
        [("2027-03-20T08:55:00", "09:00", 2, 1), ("2027-03-20T14:25:00", "14:30", 1, 0)]
    {
        t.clock.set(beijing(at));
        t.around_class(cadre, reminders, lessons).await;
        let code = t.open_checkin(teacher, when).await;
        t.next(cadre).await; // the check-in button message
        assert_shows!(t.say(cadre, &code).await.rendered_text(), ZH, "checkin-done");
    }
    t.clock.set(beijing("2027-03-20T17:01:00"));
    let invitation = t.next(cadre).await;
    assert_shows!(invitation.rendered_text(), ZH, "quiz-invite");
    let mut question = t.tap(cadre, "开始测验").await;
    let bank = db::catalog::questions_of(&t.app.db, "cadre-policy").await.unwrap();
    for _ in 0..bank.len().min(5) {
        let text = question.rendered_text();
        let q = bank.iter().find(|q| text.contains(&q.text)).unwrap();
        let right = &q.options[q.answer];
        let data = question.inline_keyboard.iter().flatten().find(|b| b.text.ends_with(right.as_str())).unwrap();
        let id = t.emu.press(cadre, question.message_id, data.callback_data.as_deref().unwrap());
        t.emu.callback_answer(&id).await.unwrap();
        t.next(cadre).await; // feedback
        question = t.next(cadre).await;
    }
    assert_shows!(question.rendered_text(), ZH, "quiz-passed");
    let congratulation = t.next(cadre).await;
    let credits_line = format!("{}\n", tr!(ZH, "completed-credits", credits = 2));
    assert!(congratulation.rendered_text().contains(&credits_line), "{}", congratulation.rendered_text());

    let credits = t.say(cadre, "/credits").await;
    let text = credits.rendered_text();
    // 衔接政策解读 is the demo catalogue's course.
    assert!(
        text.contains(&tr!(ZH, "credits-title", year = 2027))
            && text.contains("衔接政策解读")
            && text.contains(&tr!(ZH, "credits-total", total = 2)),
        "{text}"
    );

    let export = t.say(coord, "/export_credits").await;
    let (name, bytes) = export.document.clone().expect("a CSV file");
    assert!(name.ends_with(".csv"));
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "UTF-8 with a BOM for Excel");
    let csv = String::from_utf8(bytes).unwrap();
    let header = format!("{},{},{}", zh("csv-name"), zh("csv-village"), zh("csv-course"));
    assert!(csv.contains(&header) && csv.contains("李建国") && csv.contains(",2,"), "{csv}");
    assert!(t.say(cadre, "/export_credits").await.rendered_text().contains(&zh("not-allowed")));
    t.stop().await;
}
