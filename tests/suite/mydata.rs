//! `/mydata` end to end over HTTP through the Bot API emulator, on SQLite and PostgreSQL: after a full
//! journey (order, baseline survey, attendance, quiz, certificate, course feedback) the person gets a
//! summary in their language and a JSON document holding their own rows and nobody else's, plus a CSV
//! of their survey answers. Also from 设置, in English, in the middle of a dialog, and unregistered.

use crate::assert_shows;
use crate::common::{ANY, Store, TestBot, ZH, beijing, en, matches, shows, tr, zh, zh_date};
use fieldschool::db;
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

/// The bot's next message to `me` that satisfies `want`, skipping others (reminders and the like).
async fn next_where(t: &TestBot, me: i64, what: &str, want: impl Fn(&BotMessage) -> bool) -> BotMessage {
    for _ in 0..12 {
        let m = t.next(me).await;
        if want(&m) {
            return m;
        }
    }
    panic!("no message {what} to {me}");
}

/// The bot's next message to `me` that shows the Chinese message `key`, skipping others.
async fn next_showing(t: &TestBot, me: i64, key: &str) -> BotMessage {
    next_where(t, me, key, |m| shows(&m.rendered_text(), ZH, key)).await
}

/// The next document sent to `me`: its file name and bytes.
async fn next_document(t: &TestBot, me: i64) -> (String, Vec<u8>) {
    next_where(t, me, "with a document", |m| m.document.is_some()).await.document.unwrap()
}

#[tokio::test]
async fn mydata_contents_after_a_full_journey_on_sqlite() {
    journey(Store::Sqlite).await;
}

#[tokio::test]
async fn mydata_contents_after_a_full_journey_on_postgres() {
    journey(Store::Postgres).await;
}

async fn journey(store: Store) {
    let Some(t) = TestBot::start_with(store, |c| c.quiz_seed = Some(42)).await else { return };
    let teacher = t.trainer(1300, "wang-lixin", "王立新").await;
    let a = t.villager(1301, "张秀英").await;
    let b = t.villager(1302, "李桂兰").await;

    // 张秀英 orders and answers the baseline; 李桂兰 takes the same class and puts the baseline off.
    order_mushroom(&t, a).await;
    t.tap(a, "开始回答").await;
    t.tap(a, "4").await;
    t.say(a, "3万").await;
    t.tap(a, "务农").await;
    assert!(t.tap(a, "种植").await.rendered_text().contains(&zh("survey-thanks")));
    order_mushroom(&t, b).await;
    t.tap(b, "以后再说").await;

    // Both check in at the class on 12-20; 张秀英 passes the quiz and rates the course.
    t.clock.set(beijing("2026-12-20T09:20:00"));
    let code = t.open_checkin(teacher, "12月20日").await;
    for who in [a, b] {
        next_showing(&t, who, "checkin-open").await;
        t.emu.send_text(who, &code);
        next_showing(&t, who, "checkin-done").await;
    }
    t.clock.set(beijing("2026-12-20T11:31:00"));
    next_showing(&t, a, "quiz-invite").await;
    let mut question = t.tap(a, "开始测验").await;
    for _ in 0..5 {
        t.answer_quiz(a, &question, "mushroom", true).await;
        question = t.next(a).await;
    }
    assert_shows!(question.rendered_text(), ZH, "quiz-passed");
    next_showing(&t, a, "survey-feedback-offer").await;
    t.tap(a, "评价这门课").await;
    t.tap(a, "⭐⭐⭐⭐").await;
    t.tap(a, "⭐⭐⭐⭐⭐").await;
    assert!(t.say(a, "希望多讲病虫害").await.rendered_text().contains(&zh("survey-feedback-thanks")));

    let order = db::orders::of_user(&t.app.db, a).await.unwrap()[0].clone();
    let order_b = db::orders::of_user(&t.app.db, b).await.unwrap()[0].clone();
    let certificate = db::learning::completion_of_order(&t.app.db, order.id).await.unwrap().expect("completed").code;

    // /mydata in the middle of a dialog (settings, asked for a new name) leaves the dialog.
    t.say(a, "⚙️ 设置").await;
    assert!(t.tap(a, "姓名").await.rendered_text().contains(&zh("reg-ask-name")));
    t.emu.send_text(a, "/mydata");
    let summary = next_showing(&t, a, "mydata-title").await.rendered_text();
    let when = tr!(ZH, "mydata-datetime", year = "2026", date = zh_date(2026, 12, 20), time = ANY);
    assert!(matches(&summary, &tr!(ZH, "mydata-title", when = when)), "{summary}");
    assert_shows!(summary, ZH, "mydata-queued");
    for line in [
        tr!(ZH, "mydata-name", name = "张秀英"),
        tr!(ZH, "mydata-phone", phone = "+8613800000000"),
        tr!(ZH, "mydata-audience", audience = zh("audience-name-villager"), language = zh("language-name")),
        tr!(ZH, "mydata-household", size = 4),
        tr!(ZH, "mydata-orders", count = 1),
        tr!(
            ZH,
            "mydata-order-line",
            number = order.number.as_str(),
            course = "食用菌种植技术",
            status = zh("status-completed")
        ),
        tr!(ZH, "mydata-attendance", present = 1, absent = 0, excused = 0),
        tr!(ZH, "mydata-quiz", count = 1, correct = 5, total = 5),
        tr!(ZH, "mydata-certificates", count = 1, codes = certificate.as_str()),
        tr!(ZH, "mydata-surveys", count = 2, answers = 7),
        tr!(ZH, "mydata-files", csv = "yes"),
    ] {
        assert!(summary.contains(&line), "{line:?} missing from:\n{summary}");
    }
    assert!(!summary.contains("李桂兰"), "{summary}");

    let (name, json) = next_document(&t, a).await;
    assert_eq!(name, "fieldschool-mydata-2026-12-20.json");
    let text = String::from_utf8(json).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["profile"]["name"], "张秀英");
    assert_eq!(doc["profile"]["phone"], "+8613800000000");
    assert_eq!(doc["profile"]["household_size"], 4);
    assert_eq!(doc["profile"]["language"], "zh");
    assert_eq!(doc["profile"]["region"].as_array().unwrap().len(), 3, "county, township, village");
    assert!(doc["profile"]["consent_at"].as_str().unwrap().ends_with('Z'), "UTC: {}", doc["profile"]["consent_at"]);
    let orders = doc["orders"].as_array().unwrap();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0]["number"], order.number.as_str());
    assert_eq!(orders[0]["status"], "completed");
    let history: Vec<&str> =
        orders[0]["history"].as_array().unwrap().iter().map(|e| e["to_status"].as_str().unwrap()).collect();
    assert_eq!(history.first(), Some(&"confirmed"), "{history:?}");
    assert_eq!(history.last(), Some(&"completed"), "{history:?}");
    let attendance = doc["attendance"].as_array().unwrap();
    assert_eq!(attendance.len(), 1);
    assert_eq!(attendance[0]["mark"], "present");
    assert_eq!(attendance[0]["source"], "code");
    assert_eq!(attendance[0]["order_number"], order.number.as_str());
    assert_eq!(attendance[0]["session_starts_at"], "2026-12-20T01:30:00Z");
    let quiz = &doc["quiz_attempts"][0];
    assert_eq!(
        (quiz["correct"].as_i64(), quiz["total"].as_i64(), quiz["passed"].as_bool()),
        (Some(5), Some(5), Some(true))
    );
    assert_eq!(quiz["answers"].as_array().unwrap().len(), 5);
    assert_eq!(doc["certificates"][0]["code"], certificate.as_str());
    let surveys = doc["surveys"].as_array().unwrap();
    let baseline = surveys.iter().find(|s| s["wave"] == "baseline").expect("the baseline");
    let answer = |s: &serde_json::Value, q: &str| {
        s["answers"].as_array().unwrap().iter().find(|a| a["question"] == q).map(|a| a["answer"].clone())
    };
    assert_eq!(answer(baseline, "household_size"), Some(serde_json::json!(4)));
    assert_eq!(answer(baseline, "income"), Some(serde_json::json!(30000)));
    assert_eq!(answer(baseline, "employment"), Some(serde_json::json!("farming")));
    let feedback = surveys.iter().find(|s| s["wave"] == "feedback").expect("the feedback");
    assert_eq!(answer(feedback, "comment"), Some(serde_json::json!("希望多讲病虫害")));
    assert_eq!(answer(feedback, "trainer_stars"), Some(serde_json::json!(5)));
    let queued = doc["queued_messages"].as_array().unwrap();
    // The follow-up invitations (3, 6 and 12 months on) wait in the outbox.
    let surveys_queued: Vec<_> = queued.iter().filter(|q| q["kind"] == "survey").collect();
    assert!(surveys_queued.len() >= 3, "{queued:?}");
    assert!(surveys_queued.iter().all(|q| q["due_at"].as_str().unwrap() > "2027-03"), "{queued:?}");
    // Nothing of the other trainee of the class, nor who the trainer is on Telegram.
    for other in ["李桂兰", order_b.number.as_str(), "王立新", &format!("{teacher}"), &format!("{b}")] {
        assert!(!text.contains(other), "{other:?} in the JSON:\n{text}");
    }

    let (name, csv) = next_document(&t, a).await;
    assert_eq!(name, "fieldschool-mydata-2026-12-20-answers.csv");
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.starts_with('\u{feff}'), "BOM for Excel");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "a header and the baseline and feedback lines: {csv}");
    let baseline_answers = format!(",4,30000,{},{},", zh("survey-choice-farming"), zh("survey-choice-crops"));
    assert!(
        lines[1].starts_with(&format!("{},", zh("outcomes-csv-wave-baseline"))) && lines[1].contains(&baseline_answers),
        "{csv}"
    );
    assert!(
        lines[2].starts_with(&format!("{},", zh("outcomes-csv-wave-feedback")))
            && lines[2].ends_with(",4,5,希望多讲病虫害"),
        "{csv}"
    );

    // The dialog was left: a name typed now changes nothing.
    assert!(!shows(&t.say(a, "王五").await.rendered_text(), ZH, "settings-saved-name"));
    let person = db::people::find(&t.app.db, a).await.unwrap().unwrap();
    assert_eq!(person.name.as_str(), "张秀英");

    // The same from 设置 → 📄 我的数据.
    t.say(a, "⚙️ 设置").await;
    let id = t.emu.press_button(a, "我的数据").unwrap();
    t.emu.callback_answer(&id).await.unwrap();
    let again = next_showing(&t, a, "mydata-title").await.rendered_text();
    assert!(again.contains(&tr!(ZH, "mydata-name", name = "张秀英")) && again.contains(&certificate), "{again}");
    assert!(next_document(&t, a).await.0.ends_with(".json"));
    t.stop().await;
}

#[tokio::test]
async fn an_english_speaker_gets_an_english_summary_and_the_unregistered_are_told_to_register() {
    let Some(t) = TestBot::start(Store::Sqlite).await else { return };
    let visitor = t.user(1311, "Visitor", "en");
    assert_eq!(t.say(visitor, "/mydata").await.rendered_text(), en("register-first"));

    assert!(t.emu.messages(visitor).iter().all(|m| m.document.is_none()));

    let mary = t.user(1312, "Mary", "en");
    t.register(mary, "Mary", "I agree", "Villager").await;
    t.say(mary, "⚙️ Settings").await;
    let summary = t.tap(mary, "My data").await.rendered_text();
    for line in [
        "📄 What we store about you (as of ",
        "Name: Mary",
        "Phone: +8613800000000",
        "Taking courses as: ",
        "Language: English",
        "Orders: none yet",
        "Everything is in the JSON file below.",
    ] {
        assert!(summary.contains(line), "{line:?} missing from:\n{summary}");
    }
    let (name, json) = next_document(&t, mary).await;
    assert!(name.starts_with("fieldschool-mydata-") && name.ends_with(".json"), "{name}");
    let doc: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(doc["profile"]["name"], "Mary");
    assert_eq!(doc["profile"]["language"], "en");
    assert_eq!(doc["orders"], serde_json::json!([]));
    // No answers: no CSV.
    t.settled().await;
    let documents = t.emu.messages(mary).iter().filter(|m| m.document.is_some()).count();
    assert_eq!(documents, 1);
    t.stop().await;
}
