//! Micro-lessons (📖 学一课) end to end: the catalogue's `[[lesson]]` entries imported with their media
//! files (and refused with file:line), reading card by card with the voice version, answering the check
//! questions, old buttons of earlier lessons, and a cadre's credits counted once per lesson and year,
//! in `/credits`, the coordinators' CSV, `/mydata` and an erasure. In Chinese and in English, on
//! SQLite and PostgreSQL.

use std::path::Path;

use crate::assert_shows;
use crate::common::{ANY, EN, Lang, Store, TestBot, ZH, beijing, en, fresh_db, matches, shows, tr, zh};
use fieldschool::db;
use fieldschool::emulator::BotMessage;
use fieldschool::services::catalog_import::{ImportError, ImportOptions, MediaSource, import_str_with_media};
use sqlx::Row;

const PHOTO: &[u8] = include_bytes!("../../examples/lesson-media/xianggu-bushui.png");
const CARD_VOICE: &[u8] = include_bytes!("../../examples/lesson-media/xianggu-bushui.ogg");
const VOICE_CARD: &[u8] = include_bytes!("../../examples/lesson-media/dapeng-tongfeng.ogg");

// ---------------------------------------------------------------------------------------------------
// Reading helpers
// ---------------------------------------------------------------------------------------------------

/// The check question on `msg`, found among the stored lessons: its options in `lang` and the right one.
async fn question_on_screen(t: &TestBot, msg: &BotMessage, lang: Lang) -> (Vec<String>, usize) {
    let text = msg.rendered_text();
    for c in db::lessons::candidates(&t.app.db).await.unwrap() {
        let stored = db::lessons::lesson(&t.app.db, c.lesson_id).await.unwrap().unwrap();
        for q in &stored.lesson.questions {
            if text.contains(q.text_in(lang)) {
                return (q.options_in(lang).to_vec(), q.answer);
            }
        }
    }
    panic!("no stored question in:\n{text}")
}

/// Presses the option of the question on `msg` that is right (or one that is not); the bot's feedback.
async fn answer(t: &TestBot, me: i64, msg: &BotMessage, lang: Lang, right: bool) -> BotMessage {
    let (options, answer) = question_on_screen(t, msg, lang).await;
    let chosen = if right { answer } else { (answer + 1) % options.len() };
    let label = format!("{}. {}", chosen + 1, options[chosen]);
    let button = msg.buttons().find(|b| b.text == label).unwrap_or_else(|| panic!("no button {label:?}: {msg:?}"));
    let id = t.emu.press(me, msg.message_id, button.callback_data.as_deref().unwrap());
    t.emu.callback_answer(&id).await.unwrap();
    let feedback = t.next(me).await;
    let key = if right { "quiz-right" } else { "quiz-wrong" };
    assert!(
        shows(&feedback.rendered_text(), lang, key) && shows(&feedback.rendered_text(), lang, "quiz-explanation"),
        "{}",
        feedback.rendered_text()
    );
    feedback
}

/// Presses the button labelled `label` on `msg`; the answer to the press (its toast, if any).
async fn press_on(t: &TestBot, me: i64, msg: &BotMessage, label: &str) -> Option<String> {
    let button = msg.buttons().find(|b| b.text == label).unwrap_or_else(|| panic!("no button {label:?}: {msg:?}"));
    let id = t.emu.press(me, msg.message_id, button.callback_data.as_deref().unwrap());
    t.emu.callback_answer(&id).await.unwrap().text
}

/// Reads the lesson on screen to its end from `msg` (a card or a question): pages on, answers each
/// question right (or not); returns the finishing message.
async fn read_through(t: &TestBot, me: i64, mut msg: BotMessage, lang: Lang, right: bool) -> BotMessage {
    let next = tr!(lang, "btn-lesson-next");
    for _ in 0..12 {
        if msg.buttons().any(|b| b.text == next) {
            assert_eq!(press_on(t, me, &msg, &next).await, None);
            msg = t.next(me).await;
        } else if shows(&msg.rendered_text(), lang, "lesson-question") {
            answer(t, me, &msg, lang, right).await;
            msg = t.next(me).await;
        } else {
            assert_shows!(msg.rendered_text(), lang, "lesson-finished");
            return msg;
        }
    }
    panic!("the lesson did not end")
}

async fn reading_of(t: &TestBot, me: i64, key: &str) -> db::lessons::Reading {
    let lesson = db::lessons::lesson_by_key(&t.app.db, key).await.unwrap().unwrap().lesson;
    let readings = db::lessons::readings_of(&t.app.db, me).await.unwrap();
    readings.into_iter().rfind(|r| r.lesson_id == lesson.id).expect("a reading of the lesson")
}

/// A registered cadre in the demo's first village (新安县 铁山镇 东村), in `lang`.
async fn cadre(t: &TestBot, id: i64, name: &str, lang: Lang) -> i64 {
    if lang == EN {
        let me = t.user(id, name, "en");
        t.register(me, name, "I agree", "cadre").await;
        me
    } else {
        let me = t.user(id, name, "zh-hans");
        t.register(me, name, "同意", "干部").await;
        me
    }
}

// ---------------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_villager_reads_card_by_card_listens_and_answers_in_chinese() {
    let t = TestBot::start(Store::Sqlite).await.unwrap();
    let me = t.villager(1601, "王秀英").await;

    // The first lesson for a villager of 新安县: card 1 is a photo with the text under it, a voice
    // version and "下一页".
    let card1 = t.say(me, &zh("menu-lesson")).await;
    let text = card1.rendered_text();
    assert!(text.contains(&tr!(ZH, "lesson-card", title = "香菇菌棒补水", position = 1, total = 3)), "{text}");
    assert!(text.contains("停水“养菌”5到7天") && text.contains(&zh("lesson-voice-offer")), "{text}");
    assert_eq!(card1.photo.as_deref(), Some(PHOTO), "the catalogue's photo");
    assert!(card1.uploaded, "the first send uploads the file");
    let labels: Vec<&str> = card1.buttons().map(|b| b.text.as_str()).collect();
    assert_eq!(labels, [zh("btn-lesson-listen"), zh("btn-lesson-next")]);
    // Telegram's file id is kept for the next send.
    t.settled().await;
    let stored = db::lessons::lesson_by_key(&t.app.db, "xianggu-bushui").await.unwrap().unwrap();
    let photo = stored.media[0].0.clone().unwrap();
    assert_eq!(photo.file_id, card1.file_id);

    // 🔊 听语音: the recording of the card's text, named; the card keeps its buttons.
    assert_eq!(press_on(&t, me, &card1, &zh("btn-lesson-listen")).await, None);
    let voice = t.next(me).await;
    assert_eq!(voice.voice.as_deref(), Some(CARD_VOICE));
    assert_eq!(voice.rendered_text(), tr!(ZH, "lesson-voice-caption", title = "香菇菌棒补水", position = 1, total = 3));
    // The page's 下一页 again under the recording (the card's may have scrolled out of sight).
    assert_eq!(voice.buttons().map(|b| b.text.clone()).collect::<Vec<_>>(), [zh("btn-lesson-next")]);

    // 下一页 twice: cards 2 and 3, text only.
    assert_eq!(press_on(&t, me, &card1, &zh("btn-lesson-next")).await, None);
    let card2 = t.next(me).await;
    assert!(card2.rendered_text().contains(&tr!(ZH, "lesson-card", title = "香菇菌棒补水", position = 2, total = 3)));
    assert!(card2.photo.is_none() && card2.rendered_text().contains("用手掂一掂"), "{}", card2.rendered_text());
    assert_eq!(card2.buttons().map(|b| b.text.clone()).collect::<Vec<_>>(), [zh("btn-lesson-next")]);
    // The page turned: card 1's buttons are gone.
    let card1_now = t.emu.messages(me).into_iter().find(|m| m.message_id == card1.message_id).unwrap();
    assert!(card1_now.inline_keyboard.is_empty());
    // The recording's 下一页 is now an old button: it does not turn the page twice.
    assert_eq!(press_on(&t, me, &voice, &zh("btn-lesson-next")).await, Some(zh("lesson-stale-passed")));
    press_on(&t, me, &card2, &zh("btn-lesson-next")).await;
    let card3 = t.next(me).await;
    assert!(card3.rendered_text().contains(&tr!(ZH, "lesson-card", title = "香菇菌棒补水", position = 3, total = 3)));

    // The check questions: the first answered wrong (the right answer and why), the second right.
    press_on(&t, me, &card3, &zh("btn-lesson-next")).await;
    let q1 = t.next(me).await;
    let first_question = tr!(ZH, "lesson-question", title = "香菇菌棒补水", position = 1, total = 2, text = ANY);
    assert!(matches(&q1.rendered_text(), &first_question), "{}", q1.rendered_text());
    assert!(q1.rendered_text().contains("\n1. 马上大量浇水"), "the options are written out: {}", q1.rendered_text());
    let wrong = answer(&t, me, &q1, ZH, false).await;
    assert!(
        wrong.rendered_text().contains(&tr!(ZH, "quiz-wrong", right = "清掉菇脚，停水养菌5到7天后再补")),
        "{}",
        wrong.rendered_text()
    );
    let q2 = t.next(me).await;
    assert!(matches(
        &q2.rendered_text(),
        &tr!(ZH, "lesson-question", title = "香菇菌棒补水", position = 2, total = 2, text = ANY)
    ));
    // A second tap on the first question's buttons changes nothing.
    let again = q1.inline_keyboard[0][0].callback_data.clone().unwrap();
    let id = t.emu.press(me, q1.message_id, &again);
    assert_eq!(t.emu.callback_answer(&id).await.unwrap().text, Some(zh("lesson-stale-passed")));
    answer(&t, me, &q2, ZH, true).await;

    // The end: how far they have come, no credits for a villager, and "再学一课".
    let done = t.next(me).await;
    let text = done.rendered_text();
    assert!(text.contains(&tr!(ZH, "lesson-finished", title = "香菇菌棒补水")), "{text}");
    assert!(text.contains(&tr!(ZH, "lesson-progress", count = 1)), "{text}");
    assert!(!shows(&text, ZH, "lesson-credit-year") && !shows(&text, ZH, "lesson-credit-earned"), "{text}");
    // Under the first lesson finished: another lesson, and the daily lesson offered.
    assert_eq!(
        done.buttons().map(|b| b.text.clone()).collect::<Vec<_>>(),
        [zh("btn-lesson-more"), zh("btn-lesson-daily-offer")]
    );
    // Stored: sent, opened and finished, each answer with whether it was right at the first try.
    let reading = reading_of(&t, me, "xianggu-bushui").await;
    assert!(reading.opened_at.is_some() && reading.finished_at.is_some() && reading.source == "menu");
    let answers: Vec<(i64, i64)> =
        sqlx::query("SELECT position, correct FROM lesson_answers WHERE reading_id = $1 ORDER BY position")
            .bind(reading.id)
            .fetch_all(&t.app.db.pool)
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get("position"), r.get("correct")))
            .collect();
    assert_eq!(answers, [(0, 0), (1, 1)]);

    // The next lesson starts with a voice message only (for those who read little).
    let voice_card = t.tap(me, &zh("btn-lesson-more")).await;
    assert_eq!(voice_card.voice.as_deref(), Some(VOICE_CARD));
    let caption = voice_card.rendered_text();
    assert!(caption.contains(&tr!(ZH, "lesson-card", title = "冬季大棚通风防病", position = 1, total = 2)));
    assert!(caption.contains(&zh("lesson-voice-card")), "{caption}");
    assert_eq!(voice_card.buttons().map(|b| b.text.clone()).collect::<Vec<_>>(), [zh("btn-lesson-next")]);

    // An old "下一页" of the finished lesson answers plainly and changes nothing.
    let old_next = card3.inline_keyboard[0][0].callback_data.clone().unwrap();
    let id = t.emu.press(me, card3.message_id, &old_next);
    assert_eq!(t.emu.callback_answer(&id).await.unwrap().text, Some(zh("lesson-stale-finished")));
    let reading = reading_of(&t, me, "dapeng-tongfeng").await;
    assert_eq!(reading.step, fieldschool::domain::lesson::Step::Card(0));

    // 学一课 again in the middle of a lesson carries on where it was (the voice goes by its file id now).
    let resumed = t.say(me, &zh("menu-lesson")).await;
    assert!(resumed.rendered_text().starts_with(&zh("lesson-resumed")), "{}", resumed.rendered_text());
    assert!(!resumed.uploaded && resumed.voice.as_deref() == Some(VOICE_CARD));
    press_on(&t, me, &resumed, &zh("btn-lesson-next")).await;
    let card2 = t.next(me).await;
    assert!(card2.rendered_text().contains("膜下滴灌"), "{}", card2.rendered_text());
    // Something typed in the middle of a lesson: how to go on.
    let hint = t.say(me, "这是什么意思").await;
    assert_eq!(hint.rendered_text(), zh("lesson-use-buttons"));
    // The first copy's "下一页" is a page already turned.
    assert_eq!(press_on(&t, me, &voice_card, &zh("btn-lesson-next")).await, Some(zh("lesson-stale-passed")));
    assert_eq!(reading_of(&t, me, "dapeng-tongfeng").await.step, fieldschool::domain::lesson::Step::Card(1));

    // At a question: a sticker, nonsense, then the option's number typed.
    press_on(&t, me, &card2, &zh("btn-lesson-next")).await;
    let q1 = t.next(me).await;
    t.emu.send_sticker(me);
    assert_eq!(t.next(me).await.rendered_text(), zh("menu-unknown"));
    let how = t.say(me, "不知道").await;
    assert_eq!(how.rendered_text(), zh("quiz-use-buttons"));
    let asked_again = t.next(me).await;
    assert_eq!(asked_again.rendered_text(), q1.rendered_text());
    let (_, right) = question_on_screen(&t, &q1, ZH).await;
    let typed = t.say(me, &format!("{}", right + 1)).await;
    assert!(typed.rendered_text().starts_with(&zh("quiz-right")), "{}", typed.rendered_text());
    let q2 = t.next(me).await;
    answer(&t, me, &q2, ZH, true).await;
    let done = t.next(me).await;
    assert!(done.rendered_text().contains(&tr!(ZH, "lesson-progress", count = 2)));

    // The third and last lesson for 新安县's villagers (the tea lesson is 黔山县's), then none is left.
    let third = t.tap(me, &zh("btn-lesson-more")).await;
    assert!(third.rendered_text().contains("手机上查农技知识"), "{}", third.rendered_text());
    read_through(&t, me, third, ZH, true).await;
    let none = t.say(me, &zh("menu-lesson")).await;
    assert_eq!(none.rendered_text(), zh("lesson-none-left"));

    // Another villager gets the photo by the file id Telegram gave the first time: no second upload.
    let other = t.villager(1602, "李桂兰").await;
    let card = t.say(other, &zh("menu-lesson")).await;
    assert!(!card.uploaded, "sent by its file id");
    assert_eq!((card.file_id.clone(), card.photo.as_deref()), (photo.file_id.clone(), Some(PHOTO)));
    t.stop().await;
}

#[tokio::test]
async fn an_english_villager_reads_in_english() {
    let t = TestBot::start(Store::Sqlite).await.unwrap();
    let amy = t.user(1621, "Amy", "en");
    t.register(amy, "Amy", "I agree", "Villager").await;
    let card1 = t.say(amy, &en("menu-lesson")).await;
    let text = card1.rendered_text();
    assert!(
        text.contains(&tr!(EN, "lesson-card", title = "Re-watering shiitake logs", position = 1, total = 3))
            && text.contains("stop watering for 5 to 7 days")
            && text.contains(&en("lesson-voice-offer")),
        "{text}"
    );
    let labels: Vec<&str> = card1.buttons().map(|b| b.text.as_str()).collect();
    assert_eq!(labels, [en("btn-lesson-listen"), en("btn-lesson-next")]);
    press_on(&t, amy, &card1, &en("btn-lesson-listen")).await;
    let voice = t.next(amy).await;
    assert_eq!(
        voice.rendered_text(),
        tr!(EN, "lesson-voice-caption", title = "Re-watering shiitake logs", position = 1, total = 3)
    );
    // Typed "Next page" presses the button on screen.
    let card2 = t.say(amy, "next page").await;
    assert!(card2.rendered_text().contains("sounds hollow"), "{}", card2.rendered_text());
    let done = read_through(&t, amy, card2, EN, false).await;
    let text = done.rendered_text();
    assert!(text.contains(&tr!(EN, "lesson-finished", title = "Re-watering shiitake logs")), "{text}");
    assert!(text.contains(&tr!(EN, "lesson-progress", count = 1)) && text.contains("1 lesson."), "{text}");
    // Under the first lesson finished: another lesson, and the daily lesson offered.
    assert_eq!(
        done.buttons().map(|b| b.text.clone()).collect::<Vec<_>>(),
        [en("btn-lesson-more"), en("btn-lesson-daily-offer")]
    );
    // An old page of the finished lesson.
    let id = t.emu.press(amy, card1.message_id, card1.inline_keyboard[1][0].callback_data.as_deref().unwrap());
    assert_eq!(t.emu.callback_answer(&id).await.unwrap().text, Some(en("lesson-stale-finished")));
    t.stop().await;
}

// ---------------------------------------------------------------------------------------------------
// Credits
// ---------------------------------------------------------------------------------------------------

#[tokio::test]
async fn credits_count_once_per_lesson_and_year_on_sqlite() {
    credits_once_per_lesson_and_year(Store::Sqlite).await;
}

#[tokio::test]
async fn credits_count_once_per_lesson_and_year_on_postgres() {
    credits_once_per_lesson_and_year(Store::Postgres).await;
}

async fn credits_once_per_lesson_and_year(store: Store) {
    let Some(t) = TestBot::start(store).await else { return };
    let coordinator = t.coordinator(1631, "刘主任").await;
    let me = cadre(&t, 1632, "李建国", ZH).await;

    // 2026: the two cadre lessons first (0.1 each), then the farming lesson for everyone (no credits).
    let policy = t.say(me, &zh("menu-lesson")).await;
    assert!(policy.rendered_text().contains("防返贫监测"), "{}", policy.rendered_text());
    let done = read_through(&t, me, policy, ZH, false).await.rendered_text();
    assert!(done.contains(&tr!(ZH, "lesson-credit-earned", credits = "0.1", n = 0.1)), "{done}");
    assert!(done.contains(&tr!(ZH, "lesson-credit-year", year = 2026, total = "0.1", n = 0.1)), "{done}");

    // The last answer of the second lesson pressed twice at once: counted once.
    let visits = t.tap(me, &zh("btn-lesson-more")).await;
    assert!(visits.rendered_text().contains("入户走访"), "{}", visits.rendered_text());
    let mut msg = visits;
    let next = zh("btn-lesson-next");
    while msg.buttons().any(|b| b.text == next) {
        press_on(&t, me, &msg, &next).await;
        msg = t.next(me).await;
    }
    let (_, right) = question_on_screen(&t, &msg, ZH).await;
    let data = msg.inline_keyboard[right][0].callback_data.clone().unwrap();
    let first_press = t.emu.press(me, msg.message_id, &data);
    let second_press = t.emu.press(me, msg.message_id, &data);
    assert_eq!(t.emu.callback_answer(&first_press).await.unwrap().text, None);
    assert_eq!(t.emu.callback_answer(&second_press).await.unwrap().text, Some(zh("lesson-stale-finished")));
    t.next(me).await; // the feedback
    let done = t.next(me).await.rendered_text();
    assert!(done.contains(&tr!(ZH, "lesson-credit-year", year = 2026, total = "0.2", n = 0.2)), "{done}");

    // The lesson for everyone earns no credits.
    let shared = t.tap(me, &zh("btn-lesson-more")).await;
    assert!(shared.rendered_text().contains("手机上查农技知识"), "{}", shared.rendered_text());
    let done = read_through(&t, me, shared, ZH, true).await;
    assert!(!shows(&done.rendered_text(), ZH, "lesson-credit-year"), "{}", done.rendered_text());
    let credit_rows = |user: i64| {
        let db = t.app.db.clone();
        async move {
            sqlx::query(
                "SELECT l.key, c.year, c.credits_tenths FROM lesson_credits c JOIN lessons l ON l.id = c.lesson_id
                         WHERE c.user_id = $1 ORDER BY c.year, l.key",
            )
            .bind(user)
            .fetch_all(&db.pool)
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get::<String, _>("key"), r.get::<i64, _>("year"), r.get::<i64, _>("credits_tenths")))
            .collect::<Vec<_>>()
        }
    };
    assert_eq!(credit_rows(me).await, [("fanpin-jiance".into(), 2026, 1), ("ruhu-zoufang".into(), 2026, 1)]);

    // /credits shows where they come from, and the year's total.
    let credits = t.say(me, "/credits").await.rendered_text();
    let line = |lesson: &str| tr!(ZH, "credits-lesson-line", lesson = lesson, credits = "0.1", date = ANY);
    assert!(credits.contains(&tr!(ZH, "credits-title", year = 2026)), "{credits}");
    assert!(credits.contains(&zh("credits-source-lessons")) && !credits.contains(&zh("credits-source-classes")));
    assert!(matches(&credits, &line("防返贫监测：发现风险怎么办")) && matches(&credits, &line("入户走访的三个要点")));
    assert!(credits.contains(&tr!(ZH, "credits-total", total = "0.2", n = 0.2)), "{credits}");
    // Every lesson for a cadre of 新安县 is done this year.
    assert_eq!(t.say(me, &zh("menu-lesson")).await.rendered_text(), zh("lesson-none-left"));

    // The next year the credit lessons come back and count again, for that year.
    t.clock.set(beijing("2027-01-04T10:00:00"));
    let again = t.say(me, &zh("menu-lesson")).await;
    assert!(again.rendered_text().contains("防返贫监测"), "{}", again.rendered_text());
    let done = read_through(&t, me, again, ZH, true).await.rendered_text();
    assert!(done.contains(&tr!(ZH, "lesson-credit-year", year = 2027, total = "0.1", n = 0.1)), "{done}");
    assert!(done.contains(&tr!(ZH, "lesson-progress", count = 3)), "the same lessons: {done}");
    assert_eq!(credit_rows(me).await.len(), 3);
    let credits = t.say(me, "/credits").await.rendered_text();
    assert!(credits.contains(&tr!(ZH, "credits-title", year = 2027)), "{credits}");
    assert!(matches(&credits, &line("防返贫监测：发现风险怎么办")) && !credits.contains("入户走访"), "{credits}");
    assert!(credits.contains(&tr!(ZH, "credits-total", total = "0.1", n = 0.1)), "{credits}");

    // The coordinator's spreadsheet names the lesson and its source.
    let export = t.say(coordinator, "/export_credits").await;
    let (_, bytes) = export.document.clone().expect("a CSV file");
    let csv = String::from_utf8(bytes).unwrap();
    let header = [zh("csv-name"), zh("csv-village"), zh("csv-course")].join(",");
    assert!(csv.contains(&header) && csv.lines().next().unwrap().ends_with(&zh("csv-source")), "{csv}");
    let row = csv.lines().find(|l| l.starts_with("李建国,")).expect("the cadre's row");
    assert!(
        row.contains(",防返贫监测：发现风险怎么办,2027-01-04,0.1,,") && row.ends_with(&zh("csv-source-lesson")),
        "{csv}"
    );

    // /mydata holds the readings with their answers and the credits per year.
    t.emu.send_text(me, "/mydata");
    let mut json = None;
    for _ in 0..4 {
        let m = t.next(me).await;
        if let Some((name, bytes)) = m.document.clone()
            && name.ends_with(".json")
        {
            json = Some(bytes);
            break;
        }
        if shows(&m.rendered_text(), ZH, "mydata-title") {
            assert!(
                m.rendered_text().contains(&tr!(ZH, "mydata-lessons", count = 3, read = 4)),
                "{}",
                m.rendered_text()
            );
        }
    }
    let doc: serde_json::Value = serde_json::from_slice(&json.expect("the JSON file")).unwrap();
    let lessons = doc["lessons"].as_array().unwrap();
    assert_eq!(lessons.len(), 4);
    assert_eq!(lessons[0]["lesson_key"], "fanpin-jiance");
    assert_eq!(lessons[0]["answers"].as_array().unwrap().len(), 2);
    assert_eq!(lessons[0]["answers"][0]["correct"], false);
    assert_eq!(doc["lesson_credits"].as_array().unwrap().len(), 3);
    let years: Vec<(i64, f64)> = doc["credits_by_year"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| (y["year"].as_i64().unwrap(), y["credits"].as_f64().unwrap()))
        .collect();
    assert_eq!(years, [(2026, 0.2), (2027, 0.1)]);

    // An erasure keeps the figures (readings, answers, credits) with a tombstone, not with the person.
    fieldschool::services::erasure::erase(&t.app, me).await.unwrap().unwrap();
    assert_eq!(db::lessons::readings_of(&t.app.db, me).await.unwrap().len(), 0);
    assert!(credit_rows(me).await.is_empty());
    let kept: i64 = sqlx::query("SELECT COUNT(*) AS n FROM lesson_credits WHERE user_id < 0")
        .fetch_one(&t.app.db.pool)
        .await
        .unwrap()
        .get("n");
    assert_eq!(kept, 3);
    t.stop().await;
}

#[tokio::test]
async fn an_english_cadre_sees_lesson_credits_with_their_source() {
    let t = TestBot::start(Store::Sqlite).await.unwrap();
    let me = cadre(&t, 1641, "Li Wei", EN).await;
    assert_eq!(t.say(me, "/credits").await.rendered_text(), en("credits-none"));
    let policy = t.say(me, &en("menu-lesson")).await;
    let title = "Monitoring against relapse into poverty: what to do about a risk";
    assert!(policy.rendered_text().contains(title), "{}", policy.rendered_text());
    let done = read_through(&t, me, policy, EN, true).await.rendered_text();
    assert!(done.contains(&tr!(EN, "lesson-credit-earned", credits = "0.1", n = 0.1)), "{done}");
    assert!(done.contains("Credits earned: 0.1 credits (lesson)"), "{done}");
    let credits = t.say(me, "/credits").await.rendered_text();
    let title = "Monitoring against relapse into poverty: what to do about a risk";
    assert!(
        credits.contains(&tr!(EN, "credits-title", year = 2026)) && credits.contains(&en("credits-source-lessons"))
    );
    assert!(
        matches(&credits, &tr!(EN, "credits-lesson-line", lesson = title, credits = "0.1", date = ANY)),
        "{credits}"
    );
    assert!(credits.contains(&tr!(EN, "credits-total", total = "0.1", n = 0.1)), "{credits}");
    t.stop().await;
}

// ---------------------------------------------------------------------------------------------------
// Import
// ---------------------------------------------------------------------------------------------------

const LESSON: &str = r#"
[[lesson]]
key      = "bushui"
title    = "香菇菌棒补水"
topic    = "crops-livestock"
audience = "villager"
tr.en.title = "Re-watering shiitake logs"

[[lesson.card]]
text          = "采完一茬香菇，先养菌5到7天再补水。"
photo         = "media/bushui.png"
voice_version = "media/bushui.ogg"

[[lesson.card]]
voice = "media/bushui.ogg"

[[lesson.question]]
key         = "q1"
text        = "什么时候补水？"
options     = ["马上", "养菌5到7天后"]
answer      = 2
explanation = "菌丝恢复了再补水。"
"#;

/// A folder with the lesson's media files next to where its catalogue file would be.
fn media_folder(photo: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("media")).unwrap();
    std::fs::write(dir.path().join("media/bushui.png"), photo).unwrap();
    std::fs::write(dir.path().join("media/bushui.ogg"), CARD_VOICE).unwrap();
    dir
}

async fn import_in(
    db: &db::Db,
    dir: &Path,
    file: &str,
    text: &str,
) -> Result<fieldschool::services::catalog_import::ImportReport, ImportError> {
    import_str_with_media(db, file, text, ImportOptions::history(), MediaSource::Folder(dir)).await
}

#[tokio::test]
async fn lessons_import_with_their_media_once_and_refresh_a_changed_file() {
    for store in [Store::Sqlite, Store::Postgres] {
        let Some((db, _guard)) = fresh_db(store).await else { continue };
        let dir = media_folder(PHOTO);
        let report = import_in(&db, dir.path(), "lessons.toml", LESSON).await.unwrap();
        assert_eq!((report.lessons.created, report.media.created, report.media.unchanged), (1, 2, 1), "{report}");
        let stored = db::lessons::lesson_by_key(&db, "bushui").await.unwrap().unwrap();
        let (photo, voice) = (stored.media[0].0.clone().unwrap(), stored.media[0].1.clone().unwrap());
        assert_eq!(stored.media[1].0.as_ref().map(|m| m.id), Some(voice.id), "one file, stored once");
        assert_eq!(db::lessons::media_content(&db, photo.id).await.unwrap().as_deref(), Some(PHOTO));
        assert_eq!((photo.path.as_str(), photo.file_id.clone()), ("media/bushui.png", None));
        assert_eq!(stored.lesson.title_in(Lang::En), "Re-watering shiitake logs");
        assert_eq!(stored.lesson.questions[0].answer, 1);

        // Again: nothing changes, and the file id Telegram gave is kept.
        db::lessons::set_file_id(&db, photo.id, "telegram-file-1", beijing("2026-12-01T10:00:00")).await.unwrap();
        let again = import_in(&db, dir.path(), "lessons.toml", LESSON).await.unwrap();
        assert_eq!((again.lessons.unchanged, again.media.created), (1, 0), "{again}");
        let kept = db::lessons::lesson_by_key(&db, "bushui").await.unwrap().unwrap();
        assert_eq!(kept.media[0].0.as_ref().unwrap().file_id.as_deref(), Some("telegram-file-1"));

        // A changed photo is a new file: uploaded again on its next send.
        let changed = [PHOTO, b"\0"].concat();
        std::fs::write(dir.path().join("media/bushui.png"), &changed).unwrap();
        let report = import_in(&db, dir.path(), "lessons.toml", LESSON).await.unwrap();
        assert_eq!((report.lessons.updated, report.media.created), (1, 1), "{report}");
        let now = db::lessons::lesson_by_key(&db, "bushui").await.unwrap().unwrap();
        let new_photo = now.media[0].0.clone().unwrap();
        assert!(new_photo.id != photo.id && new_photo.file_id.is_none());
        assert_eq!(db::lessons::media_content(&db, new_photo.id).await.unwrap(), Some(changed));

        // A file listing other lessons retires this one (kept for the readings that point at it).
        let other = LESSON.replace("\"bushui\"", "\"bushui-2\"");
        let report = import_in(&db, dir.path(), "lessons.toml", &other).await.unwrap();
        assert_eq!(report.retired_lessons, ["bushui"]);
        assert!(!db::lessons::lesson_by_key(&db, "bushui").await.unwrap().unwrap().active);
        assert_eq!(db::lessons::candidates(&db).await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn fieldschool_import_reads_media_next_to_the_catalogue_file() {
    let (db, dir) = db::testing::sqlite().await.unwrap();
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let folder = media_folder(PHOTO);
    let file = folder.path().join("lessons.toml");
    std::fs::write(&file, LESSON).unwrap();
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_fieldschool"))
        .arg("import")
        .arg(&file)
        .env("DATABASE_URL", &url)
        .env("RUST_LOG", "warn")
        .output()
        .await
        .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("lessons:   1 new") && stdout.contains("media files: 2 new"), "{stdout}");
    let stored = db::lessons::lesson_by_key(&db, "bushui").await.unwrap().unwrap();
    let photo = stored.media[0].0.clone().unwrap();
    assert_eq!(db::lessons::media_content(&db, photo.id).await.unwrap().as_deref(), Some(PHOTO));

    // Without the file next to it, the operator is told where.
    std::fs::remove_file(folder.path().join("media/bushui.ogg")).unwrap();
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_fieldschool"))
        .arg("import")
        .arg(&file)
        .env("DATABASE_URL", &url)
        .env("RUST_LOG", "warn")
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).replace(&*file.display().to_string(), "lessons.toml");
    assert!(!out.status.success());
    let line = LESSON.lines().position(|l| l.starts_with("voice_version")).unwrap() + 1;
    assert!(
        stderr.contains(&format!(
            "lessons.toml:{line}: lesson \"bushui\", card \"#1\": field `voice_version`: there is no file \"media/bushui.ogg\""
        )),
        "{stderr}"
    );
}

#[tokio::test]
async fn a_lesson_file_with_mistakes_is_refused_with_file_and_line_and_nothing_is_written() {
    let bad = r#"
[[lesson]]
key      = "empty"
title    = "没有内容的课"
topic    = "crops-livestock"
audience = "villager"

[[lesson.question]]
key         = "q1"
text        = "？"
options     = ["是", "否"]
answer      = 1
explanation = "因为。"

[[lesson]]
key      = "files"
title    = "文件有问题的课"
topic    = "crops-livestock"
audience = "villager"
course   = "no-such-course"
region   = "nowhere"
tr.eng.title = "Files"

[[lesson.card]]
photo = "media/missing.png"

[[lesson.card]]
photo = "media/huge.png"

[[lesson.card]]
text = "这一页没问题。"

[[lesson.question]]
key         = "q1"
text        = "哪个对？"
options     = ["甲", "乙", "丙"]
answer      = 4
explanation = "没有第四个。"
"#;
    for store in [Store::Sqlite, Store::Postgres] {
        let Some((db, _guard)) = fresh_db(store).await else { continue };
        let dir = media_folder(PHOTO);
        // Over Telegram's 10 MB for a photo (a sparse file: its size is all that is read).
        std::fs::File::create(dir.path().join("media/huge.png")).unwrap().set_len(11 * 1024 * 1024).unwrap();
        let err = import_in(&db, dir.path(), "bad.toml", bad).await.unwrap_err();
        let text = match &err {
            ImportError::Invalid { .. } => err.to_string(),
            other => panic!("refused, not {other}"),
        };
        let line = |needle: &str| bad.lines().position(|l| l.contains(needle)).unwrap() + 1;
        for expected in [
            format!("bad.toml:{}: lesson \"empty\": field `card`: a lesson needs 1-5", line("key      = \"empty\"")),
            format!(
                "bad.toml:{}: lesson \"files\": field `tr.eng.title`: the bot does not speak \"eng\"",
                line("key      = \"files\"")
            ),
            format!(
                "bad.toml:{}: lesson \"files\": field `course`: no course \"no-such-course\"",
                line("no-such-course")
            ),
            format!("bad.toml:{}: lesson \"files\": field `region`: no region \"nowhere\"", line("nowhere")),
            format!(
                "bad.toml:{}: lesson \"files\", card \"#1\": field `photo`: there is no file \"media/missing.png\" next to the catalogue file",
                line("missing.png")
            ),
            format!("bad.toml:{}: lesson \"files\", card \"#2\": field `photo`: the file is 11.0 MB", line("huge.png")),
            format!(
                "bad.toml:{}: lesson \"files\", question \"q1\": field `answer`: is the number of the right option, 1-3",
                line("answer      = 4")
            ),
        ] {
            assert!(text.contains(&expected), "{expected:?} missing from:\n{text}");
        }
        assert!(text.ends_with("7 problem(s); nothing was imported"), "{text}");
        let lessons: i64 = sqlx::query("SELECT COUNT(*) AS n FROM lessons").fetch_one(&db.pool).await.unwrap().get("n");
        let media: i64 =
            sqlx::query("SELECT COUNT(*) AS n FROM lesson_media").fetch_one(&db.pool).await.unwrap().get("n");
        assert_eq!((lessons, media), (0, 0));
    }
}
