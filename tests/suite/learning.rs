//! Attendance, quizzes, completion and credits end to end, over HTTP through the Bot API emulator,
//! with the quiz drawn from a fixed seed and time on a manual clock.

use crate::common::{Store, TestBot, beijing};
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
    assert!(done.rendered_text().contains("报名成功"), "{}", done.rendered_text());
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
    assert!(early.rendered_text().contains("没有您可以签到的课"), "{}", early.rendered_text());

    // The class meets 12-20 09:30–11:30.
    t.clock.set(beijing("2026-12-20T09:20:00"));
    // Both reminders (19:30 the evening before, 07:30 on the day) have gone out by now.
    for who in [a, b] {
        for _ in 0..2 {
            assert!(t.next(who).await.rendered_text().contains("上课提醒"));
        }
    }
    let code = t.open_checkin(teacher, "12月20日").await;
    let invite_a = t.next(a).await;
    assert!(invite_a.rendered_text().contains("开始签到"), "{}", invite_a.rendered_text());
    let invite_b = t.next(b).await;

    let wrong = if code == "0000" { "1111" } else { "0000" };
    let refused = t.say(a, wrong).await;
    assert!(refused.rendered_text().contains("签到码不对"), "{}", refused.rendered_text());
    let done = t.say(a, &code).await;
    assert!(done.rendered_text().contains("签到成功"), "{}", done.rendered_text());
    let again = t.say(a, &code).await;
    assert!(again.rendered_text().contains("已经签过到了"), "{}", again.rendered_text());
    let not_booked = t.say(outsider, &code).await;
    assert!(not_booked.rendered_text().contains("没有您可以签到的课"), "{}", not_booked.rendered_text());

    // The live roster shows 甲 present.
    let roster = t.emu.wait_for_message(teacher, |m| m.rendered_text().contains("已到 1 / 2")).await.unwrap();
    assert!(roster.rendered_text().contains("✅ 甲"), "{}", roster.rendered_text());

    // 乙's "签到" button checks nobody in by itself: it asks for the code from the room.
    let id = t.emu.press(b, invite_b.message_id, invite_b.inline_keyboard[0][0].callback_data.as_deref().unwrap());
    t.emu.callback_answer(&id).await.unwrap();
    let prompt = t.next(b).await;
    assert!(prompt.rendered_text().contains("4 位签到码"), "{}", prompt.rendered_text());
    let roster = t.emu.messages(teacher).into_iter().rev().find(|m| m.rendered_text().contains("已到")).unwrap();
    assert!(roster.rendered_text().contains("已到 1 / 2"), "the button alone checked nobody in");
    assert!(t.say(b, &code).await.rendered_text().contains("签到成功"));
    // The trainer marks 乙 absent by hand after all.
    let roster = t.emu.messages(teacher).into_iter().rev().find(|m| m.rendered_text().contains("已到")).unwrap();
    assert!(roster.rendered_text().contains("已到 2 / 2"), "{}", roster.rendered_text());
    let toggle = roster.inline_keyboard.iter().flatten().find(|b| b.text.starts_with("乙")).unwrap().clone();
    let id = t.emu.press(teacher, roster.message_id, toggle.callback_data.as_deref().unwrap());
    t.emu.callback_answer(&id).await.unwrap();
    let roster = t.emu.messages(teacher).into_iter().find(|m| m.message_id == roster.message_id).unwrap();
    assert!(roster.rendered_text().contains("已到 1 / 2"), "{}", roster.rendered_text());

    // After the session, 甲 (present) is invited to the quiz; 乙 (absent) is not eligible.
    t.clock.set(beijing("2026-12-20T11:31:00"));
    let invitation = t.next(a).await;
    assert!(invitation.rendered_text().contains("做个小测验"), "{}", invitation.rendered_text());
    let not_eligible = t.say(b, "📋 我的课程").await;
    assert!(!not_eligible.inline_keyboard.iter().flatten().any(|b| b.text.contains("测验")));

    // First attempt: everything wrong → the score, the missed questions with answers, a retake.
    let mut question = t.tap(a, "开始测验").await;
    assert!(question.rendered_text().contains("第 1/5 题"), "{}", question.rendered_text());
    let first_question = question.clone();
    for n in 1..=5 {
        let feedback = t.answer_quiz(a, &question, "mushroom", false).await;
        assert!(feedback.rendered_text().contains("不对。正确答案") && feedback.rendered_text().contains("💡"));
        question = t.next(a).await;
        if n < 5 {
            assert!(question.rendered_text().contains(&format!("第 {}/5 题", n + 1)), "{}", question.rendered_text());
        }
    }
    let result = question;
    assert!(
        result.rendered_text().contains("答对 0/5 题") || result.rendered_text().contains("这次答对 0/5"),
        "{}",
        result.rendered_text()
    );
    assert!(result.rendered_text().contains("看看答错的题"), "{}", result.rendered_text());

    // An answer to an old question of a closed attempt changes nothing.
    let old = first_question.inline_keyboard[0][0].callback_data.clone().unwrap();
    let id = t.emu.press(a, first_question.message_id, &old);
    let closed = t.emu.callback_answer(&id).await.unwrap();
    assert!(closed.text.unwrap_or_default().contains("已经结束"));

    // Retake: all right → passed → completed with a certificate card.
    let mut question = t.tap(a, "再考一次").await;
    for _ in 1..=5 {
        let feedback = t.answer_quiz(a, &question, "mushroom", true).await;
        assert!(feedback.rendered_text().contains("答对了"), "{}", feedback.rendered_text());
        question = t.next(a).await;
    }
    assert!(question.rendered_text().contains("测验通过"), "{}", question.rendered_text());
    let congratulation = t.next(a).await;
    let text = congratulation.rendered_text();
    assert!(text.contains("结业") && text.contains("证书验证码"), "{text}");
    let png = congratulation.photo.clone().expect("the certificate card comes as a photo");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "a PNG image");

    // The code verifies.
    let code = text.split("证书验证码：").nth(1).unwrap().lines().next().unwrap().trim().to_owned();
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
    assert!(answer.text.unwrap_or_default().contains("没有权限"));
    assert!(db::learning::checkin(&t.app.db, sessions[0].id).await.unwrap().is_none());
    // A trainee has no /checkin at all.
    let me = t.villager(811, "甲").await;
    assert!(t.say(me, "/checkin").await.rendered_text().contains("没有权限"));
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
    for (at, when, reminders) in [("2027-03-20T08:55:00", "09:00", 2), ("2027-03-20T14:25:00", "14:30", 1)] {
        t.clock.set(beijing(at));
        for _ in 0..reminders {
            assert!(t.next(cadre).await.rendered_text().contains("上课提醒"));
        }
        let code = t.open_checkin(teacher, when).await;
        t.next(cadre).await; // the check-in button message
        assert!(t.say(cadre, &code).await.rendered_text().contains("签到成功"));
    }
    t.clock.set(beijing("2027-03-20T17:01:00"));
    let invitation = t.next(cadre).await;
    assert!(invitation.rendered_text().contains("做个小测验"), "{}", invitation.rendered_text());
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
    assert!(question.rendered_text().contains("测验通过"), "{}", question.rendered_text());
    let congratulation = t.next(cadre).await;
    assert!(congratulation.rendered_text().contains("获得学分：2\n"), "{}", congratulation.rendered_text());

    let credits = t.say(cadre, "/credits").await;
    let text = credits.rendered_text();
    assert!(text.contains("2027 年的学分") && text.contains("衔接政策解读") && text.contains("合计：2 学分"), "{text}");

    let export = t.say(coord, "/export_credits").await;
    let (name, bytes) = export.document.clone().expect("a CSV file");
    assert!(name.ends_with(".csv"));
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "UTF-8 with a BOM for Excel");
    let csv = String::from_utf8(bytes).unwrap();
    assert!(csv.contains("姓名,所在村,课程") && csv.contains("李建国") && csv.contains(",2,"), "{csv}");
    assert!(t.say(cadre, "/export_credits").await.rendered_text().contains("没有权限"));
    t.stop().await;
}
