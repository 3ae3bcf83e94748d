//! A trainer makes a lesson in the chat (`/lesson`) end to end: title, topic, a text card, a photo card
//! and a voice card, two check questions, the preview, publishing; the coordinator's line; a villager
//! reading it through 📖 学一课 with the photo and the voice sent by Telegram's file id. Re-asks (too long
//! a text, a sixth card, a question without options, a sticker, an old button), a restart in the middle,
//! abandoning, and a villager's `/lesson`. In Chinese and in English, on SQLite and PostgreSQL.

use crate::assert_shows;
use crate::common::{DEMO_CATALOG, EN, Lang, Store, TestBot, ZH, en, fresh_db, shows, tr, zh};
use fieldschool::db;
use fieldschool::domain::callback::Cb;
use fieldschool::domain::lesson::MediaKind;
use fieldschool::domain::lesson_compose::Button;
use fieldschool::emulator::BotMessage;
use sqlx::Row;

/// The lessons made in the chat: (key, title, author, region, active).
async fn chat_lessons(t: &TestBot) -> Vec<(String, String, i64, Option<String>, i64)> {
    sqlx::query("SELECT key, title, author_id, region_key, active FROM lessons WHERE author_id IS NOT NULL ORDER BY id")
        .fetch_all(&t.app.db.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
        .collect()
}

/// Presses the button labelled exactly `label` on `msg`; the bot's next message.
async fn tap_on(t: &TestBot, me: i64, msg: &BotMessage, label: &str) -> BotMessage {
    let button = msg.buttons().find(|b| b.text == label).unwrap_or_else(|| panic!("no button {label:?}: {msg:?}"));
    let id = t.emu.press(me, msg.message_id, button.callback_data.as_deref().unwrap());
    t.emu.callback_answer(&id).await.unwrap();
    t.next(me).await
}

/// `/lesson`, the title and the topic: the question for the first card.
async fn begin(t: &TestBot, me: i64, lang: Lang, title: &str) -> BotMessage {
    let ask_title = t.say(me, "/lesson").await;
    assert_shows!(ask_title.rendered_text(), lang, "compose-ask-title");
    let ask_topic = t.say(me, title).await;
    assert_shows!(ask_topic.rendered_text(), lang, "compose-ask-topic");
    let label = fieldschool::domain::catalog::Category::CropsLivestock.label(lang);
    let first = tap_on(t, me, &ask_topic, &label).await;
    assert_shows!(first.rendered_text(), lang, "compose-ask-first-card");
    first
}

fn saved(lang: Lang, count: usize) -> String {
    tr!(lang, "compose-card-saved", count = count)
}

async fn composes_publishes_and_a_villager_reads_it(store: Store) {
    let Some(t) = TestBot::start(store).await else { return };
    let trainer = t.trainer(1701, "wang-lixin", "王立新").await;
    let coordinator = t.coordinator(1702, "刘主任").await;
    let reader = t.villager(1703, "王秀英").await;

    begin(&t, trainer, ZH, "香菇补水三步").await;
    // A text card; too long a text is refused with its length; a sticker is no card.
    let card1 = t.say(trainer, "菌棒变轻了，就要补水。").await;
    assert!(card1.rendered_text().contains(&saved(ZH, 1)), "{}", card1.rendered_text());
    assert!(card1.buttons().any(|b| b.text == zh("compose-btn-add-voice")), "a voice version is offered");
    let long = t.say(trainer, &"字".repeat(901)).await;
    assert!(
        long.rendered_text().contains(&tr!(ZH, "compose-problem-too-long", length = 901, limit = 900)),
        "{}",
        long.rendered_text()
    );
    t.emu.send_sticker(trainer);
    assert_shows!(t.next(trainer).await.rendered_text(), ZH, "compose-problem-not-a-card");
    // A photo card and a voice card (voice only).
    t.emu.send_photo(trainer);
    let card2 = t.next(trainer).await;
    assert!(card2.rendered_text().contains(&saved(ZH, 2)), "{}", card2.rendered_text());
    assert!(!card2.buttons().any(|b| b.text == zh("compose-btn-add-voice")), "no voice version for a photo");
    t.emu.send_voice(trainer);
    let card3 = t.next(trainer).await;
    assert!(card3.rendered_text().contains(&saved(ZH, 3)), "{}", card3.rendered_text());

    // Question 1, its options one per message; "选项写完了" before any option is a re-ask.
    let ask_q = tap_on(&t, trainer, &card3, &zh("compose-btn-cards-done")).await;
    assert!(ask_q.rendered_text().contains(&tr!(ZH, "compose-ask-question", position = 1, max = 3)));
    let ask_options = t.say(trainer, "补水以后要停水几天？").await;
    assert_shows!(ask_options.rendered_text(), ZH, "compose-ask-options");
    let data = Cb::Compose(Button::OptionsDone).encode();
    let id = t.emu.press(trainer, ask_options.message_id, &data);
    t.emu.callback_answer(&id).await.unwrap();
    let none = t.next(trainer).await;
    assert!(none.rendered_text().contains(&tr!(ZH, "compose-problem-too-few-options", have = 0)));
    let one = t.say(trainer, "1天").await;
    assert!(one.rendered_text().contains(&tr!(ZH, "compose-options-so-far", count = 1)), "{}", one.rendered_text());
    assert!(one.inline_keyboard.is_empty(), "two options at least before 选项写完了");
    let two = t.say(trainer, "5到7天").await;
    let ask_right = tap_on(&t, trainer, &two, &zh("compose-btn-options-done")).await;
    assert_shows!(ask_right.rendered_text(), ZH, "compose-ask-right");
    let ask_why = tap_on(&t, trainer, &ask_right, "2. 5到7天").await;
    assert!(ask_why.rendered_text().contains(&tr!(ZH, "compose-ask-explanation", right = "5到7天")));
    let more = t.say(trainer, "停水让菌丝恢复，再补水不容易烂棒。").await;
    assert_shows!(more.rendered_text(), ZH, "compose-question-saved");
    // Question 2, its options in one message.
    let ask_q2 = tap_on(&t, trainer, &more, &zh("compose-btn-another-question")).await;
    assert!(ask_q2.rendered_text().contains(&tr!(ZH, "compose-ask-question", position = 2, max = 3)));
    t.say(trainer, "补水用什么水？").await;
    let ask_right = t.say(trainer, "干净的凉水\n烧开的热水").await;
    let ask_why = tap_on(&t, trainer, &ask_right, "1. 干净的凉水").await;
    assert_shows!(ask_why.rendered_text(), ZH, "compose-ask-explanation");
    let more = t.say(trainer, "热水会烫死菌丝。").await;
    // An old button (the topic list) changes nothing now.
    let old = Cb::Compose(Button::Topic(fieldschool::domain::catalog::Category::Cooking)).encode();
    let id = t.emu.press(trainer, more.message_id, &old);
    assert_eq!(t.emu.callback_answer(&id).await.unwrap().text, Some(zh("menu-expired")));

    // Audience (villagers: no credits asked), then the preview: the first card as a learner sees it.
    let ask_audience = tap_on(&t, trainer, &more, &zh("compose-btn-questions-done")).await;
    assert_shows!(ask_audience.rendered_text(), ZH, "compose-ask-audience");
    let intro = tap_on(&t, trainer, &ask_audience, &zh("compose-audience-villager")).await;
    assert_shows!(intro.rendered_text(), ZH, "compose-preview-intro");
    let first = t.next(trainer).await;
    let card_header = tr!(ZH, "lesson-card", title = "香菇补水三步", position = 1, total = 3);
    assert!(first.rendered_text().starts_with(&card_header), "{}", first.rendered_text());
    assert!(first.rendered_text().contains("菌棒变轻了，就要补水。"));
    let summary = t.next(trainer).await;
    assert!(summary.rendered_text().contains(&tr!(ZH, "compose-summary", cards = 3, questions = 2)));
    assert!(chat_lessons(&t).await.is_empty(), "nothing is published before 发布");

    let done = tap_on(&t, trainer, &summary, &zh("compose-btn-publish")).await;
    assert!(
        done.rendered_text().contains(&tr!(
            ZH,
            "compose-published",
            title = "香菇补水三步",
            audience = zh("compose-audience-villager")
        )),
        "{}",
        done.rendered_text()
    );
    t.settled().await;
    let lessons = chat_lessons(&t).await;
    assert_eq!(lessons.len(), 1);
    let (key, title, author, region, active) = lessons[0].clone();
    assert_eq!((title.as_str(), author, region, active), ("香菇补水三步", trainer, None, 1));
    let stored = db::lessons::lesson_by_key(&t.app.db, &key).await.unwrap().unwrap();
    let photo = stored.media[1].0.clone().expect("card 2 is a photo");
    let voice = stored.media[2].0.clone().expect("card 3 is a voice message");
    assert_eq!((photo.kind, voice.kind), (MediaKind::Photo, MediaKind::Voice));
    assert!(photo.file_id.as_deref().is_some_and(|id| id.starts_with("emu-photo")), "{photo:?}");
    assert_eq!(db::lesson_authoring::author_of(&t.app.db, stored.lesson.id).await.unwrap(), Some(trainer));

    // The coordinator hears of it in one line.
    let line = t.next(coordinator).await;
    assert_eq!(
        line.rendered_text(),
        tr!(
            ZH,
            "compose-line-published",
            name = "王立新",
            title = "香菇补水三步",
            audience = zh("compose-audience-villager")
        )
    );

    // A villager reads it: the photo and the voice go by the file ids Telegram gave the trainer.
    let card1 = t.say(reader, &zh("menu-lesson")).await;
    assert!(card1.rendered_text().starts_with(&card_header), "{}", card1.rendered_text());
    let card2 = tap_on(&t, reader, &card1, &zh("btn-lesson-next")).await;
    assert!(card2.photo.is_some() && !card2.uploaded, "{card2:?}");
    assert_eq!(card2.file_id, photo.file_id);
    let card3 = tap_on(&t, reader, &card2, &zh("btn-lesson-next")).await;
    assert!(card3.voice.is_some() && !card3.uploaded, "{card3:?}");
    assert_eq!(card3.file_id, voice.file_id);
    assert_shows!(card3.rendered_text(), ZH, "lesson-voice-card");
    let q1 = tap_on(&t, reader, &card3, &zh("btn-lesson-next")).await;
    assert!(q1.rendered_text().contains("补水以后要停水几天？"), "{}", q1.rendered_text());
    let feedback = tap_on(&t, reader, &q1, "2. 5到7天").await;
    assert_shows!(feedback.rendered_text(), ZH, "quiz-right");
    assert!(feedback.rendered_text().contains("停水让菌丝恢复"));
    let q2 = t.next(reader).await;
    let feedback = tap_on(&t, reader, &q2, "2. 烧开的热水").await;
    assert_shows!(feedback.rendered_text(), ZH, "quiz-wrong");
    let finished = t.next(reader).await;
    assert!(finished.rendered_text().contains(&tr!(ZH, "lesson-finished", title = "香菇补水三步")));
    t.stop().await;
}

#[tokio::test]
async fn a_trainer_composes_a_lesson_with_a_photo_and_a_voice_card_and_publishes_it_on_sqlite() {
    composes_publishes_and_a_villager_reads_it(Store::Sqlite).await;
}

#[tokio::test]
async fn a_trainer_composes_a_lesson_with_a_photo_and_a_voice_card_and_publishes_it_on_postgres() {
    composes_publishes_and_a_villager_reads_it(Store::Postgres).await;
}

#[tokio::test]
async fn in_english_a_voice_version_credits_for_cadres_and_a_change_before_publishing() {
    let t = TestBot::start(Store::Sqlite).await.unwrap();
    let trainer = t.trainer(1711, "wang-lixin", "Wang Lixin").await;
    let change = fieldschool::domain::settings::Change::Lang(EN);
    fieldschool::services::people::apply_change(&t.app, trainer, &change).await.unwrap();
    let reader = t.user(1712, "Amy", "en");
    t.register(reader, "Amy", "I agree", "Villager").await;

    begin(&t, trainer, EN, "Watering shiitake logs").await;
    let card = t.say(trainer, "A log that feels light needs water.").await;
    assert!(card.rendered_text().contains(&saved(EN, 1)), "{}", card.rendered_text());
    // "Add a voice version": a text is not a voice; then the voice goes on that card.
    let ask_voice = tap_on(&t, trainer, &card, &en("compose-btn-add-voice")).await;
    assert!(ask_voice.rendered_text().contains(&tr!(EN, "compose-ask-voice-version", position = 1)));
    assert_shows!(t.say(trainer, "hello").await.rendered_text(), EN, "compose-problem-need-voice");
    t.emu.send_voice(trainer);
    let back = t.next(trainer).await;
    assert!(back.rendered_text().contains(&saved(EN, 1)), "still one page: {}", back.rendered_text());
    assert!(!back.buttons().any(|b| b.text == en("compose-btn-add-voice")), "the page has its voice version");
    tap_on(&t, trainer, &back, &en("compose-btn-cards-done")).await;
    t.say(trainer, "When do you water a log?").await;
    let ask_right = t.say(trainer, "When it feels light\nEvery day").await;
    let ask_why = tap_on(&t, trainer, &ask_right, "1. When it feels light").await;
    assert_shows!(ask_why.rendered_text(), EN, "compose-ask-explanation");
    let more = t.say(trainer, "A light log has lost its water.").await;
    let ask_audience = tap_on(&t, trainer, &more, &en("compose-btn-questions-done")).await;
    let ask_credits = tap_on(&t, trainer, &ask_audience, &en("compose-audience-both")).await;
    assert_shows!(ask_credits.rendered_text(), EN, "compose-ask-credits");
    let tenth = fieldschool::domain::catalog::Credits::from_tenths(1);
    let label = tr!(EN, "compose-btn-credits", credits = tenth.to_string(), n = tenth.as_number());
    let intro = tap_on(&t, trainer, &ask_credits, &label).await;
    assert_shows!(intro.rendered_text(), EN, "compose-preview-intro");
    let first = t.next(trainer).await;
    assert!(first.rendered_text().contains(&en("lesson-voice-offer")), "{}", first.rendered_text());
    let summary = t.next(trainer).await;
    assert!(summary.rendered_text().contains(&tr!(EN, "compose-summary", cards = 1, questions = 1)));

    // Change the title: only the title is asked, then the preview again.
    let ask_part = tap_on(&t, trainer, &summary, &en("compose-btn-edit")).await;
    let ask_title = tap_on(&t, trainer, &ask_part, &en("compose-part-title")).await;
    assert_shows!(ask_title.rendered_text(), EN, "compose-ask-title");
    assert_shows!(t.say(trainer, "When to water shiitake logs").await.rendered_text(), EN, "compose-preview-intro");
    t.next(trainer).await;
    let summary = t.next(trainer).await;
    let done = tap_on(&t, trainer, &summary, &en("compose-btn-publish")).await;
    assert_shows!(done.rendered_text(), EN, "compose-published");
    t.settled().await;
    let key = chat_lessons(&t).await[0].0.clone();
    let stored = db::lessons::lesson_by_key(&t.app.db, &key).await.unwrap().unwrap();
    assert_eq!(stored.lesson.title, "When to water shiitake logs");
    assert_eq!(stored.lesson.credits, fieldschool::domain::catalog::Credits::from_tenths(1));
    assert!(stored.media[0].1.is_some(), "the voice version is stored");

    // Amy reads it in English, and hears the voice version.
    let card = t.say(reader, &en("menu-lesson")).await;
    let header = tr!(EN, "lesson-card", title = "When to water shiitake logs", position = 1, total = 1);
    assert!(card.rendered_text().starts_with(&header), "{}", card.rendered_text());
    let voice = tap_on(&t, reader, &card, &en("btn-lesson-listen")).await;
    assert!(voice.voice.is_some() && !voice.uploaded);
    t.stop().await;
}

#[tokio::test]
async fn a_sixth_card_and_a_sticker_at_a_button_step_are_refused_kindly() {
    let t = TestBot::start(Store::Sqlite).await.unwrap();
    let trainer = t.trainer(1721, "wang-lixin", "王立新").await;
    let ask_title = t.say(trainer, "/lesson").await;
    assert_shows!(ask_title.rendered_text(), ZH, "compose-ask-title");
    t.emu.send_sticker(trainer);
    assert_shows!(t.next(trainer).await.rendered_text(), ZH, "compose-problem-need-text");
    let ask_topic = t.say(trainer, "五页的课").await;
    t.emu.send_sticker(trainer);
    let again = t.next(trainer).await;
    assert_shows!(again.rendered_text(), ZH, "compose-problem-use-buttons");
    assert!(!again.inline_keyboard.is_empty(), "the topics again");
    let label = fieldschool::domain::catalog::Category::Cooking.label(ZH);
    tap_on(&t, trainer, &ask_topic, &label).await;
    for n in 1..=5 {
        let saved_msg = t.say(trainer, &format!("第{n}页")).await;
        assert!(saved_msg.rendered_text().contains(&saved(ZH, n)), "{}", saved_msg.rendered_text());
    }
    let sixth = t.say(trainer, "第6页").await;
    assert!(sixth.rendered_text().contains(&tr!(ZH, "compose-problem-too-many-cards", max = 5)));
    t.emu.send_photo(trainer);
    assert_shows!(t.next(trainer).await.rendered_text(), ZH, "compose-problem-too-many-cards");
    // A villager's /lesson: the staff commands' one answer.
    let villager = t.villager(1722, "王秀英").await;
    assert_eq!(t.say(villager, "/lesson").await.rendered_text(), zh("access-not-allowed"));
    t.stop().await;
}

async fn a_restart_mid_dialog_resumes_and_lesson_again_offers_the_draft(store: Store) {
    let Some((db, dir)) = fresh_db(store).await else { return };
    fieldschool::services::catalog_import::import_str(&db, "demo-catalog.toml", DEMO_CATALOG).await.unwrap();
    let t = TestBot::start_on(db.clone(), None).await;
    let trainer = t.trainer(1731, "wang-lixin", "王立新").await;
    begin(&t, trainer, ZH, "重启也不丢").await;
    assert!(t.say(trainer, "第一页").await.rendered_text().contains(&saved(ZH, 1)));
    t.stop().await;

    let t = TestBot::start_on(db, dir).await;
    t.user(trainer, "王立新", "zh-hans");
    let second = t.say(trainer, "第二页").await;
    assert!(second.rendered_text().contains(&saved(ZH, 2)), "resumed at the cards: {}", second.rendered_text());
    // /lesson again: go on or start afresh.
    let offer = t.say(trainer, "/lesson").await;
    assert!(offer.rendered_text().contains(&tr!(ZH, "compose-ask-resume", title = "重启也不丢", cards = 2)));
    let back = tap_on(&t, trainer, &offer, &zh("compose-btn-resume")).await;
    assert!(back.rendered_text().contains(&saved(ZH, 2)), "{}", back.rendered_text());
    let offer = t.say(trainer, "/lesson").await;
    let fresh = tap_on(&t, trainer, &offer, &zh("compose-btn-restart")).await;
    assert_shows!(fresh.rendered_text(), ZH, "compose-ask-title");
    assert!(chat_lessons(&t).await.is_empty());
    t.stop().await;
}

#[tokio::test]
async fn a_restart_mid_dialog_resumes_and_lesson_again_offers_the_draft_on_sqlite() {
    a_restart_mid_dialog_resumes_and_lesson_again_offers_the_draft(Store::Sqlite).await;
}

#[tokio::test]
async fn a_restart_mid_dialog_resumes_and_lesson_again_offers_the_draft_on_postgres() {
    a_restart_mid_dialog_resumes_and_lesson_again_offers_the_draft(Store::Postgres).await;
}

#[tokio::test]
async fn abandoning_asks_first_and_leaves_nothing() {
    let t = TestBot::start(Store::Sqlite).await.unwrap();
    let trainer = t.trainer(1741, "wang-lixin", "王立新").await;
    begin(&t, trainer, ZH, "不要了的课").await;
    t.say(trainer, "一页").await;
    let sure = t.say(trainer, "/cancel").await;
    assert_shows!(sure.rendered_text(), ZH, "compose-ask-abandon");
    let back = tap_on(&t, trainer, &sure, &zh("compose-btn-abandon-no")).await;
    assert!(back.rendered_text().contains(&saved(ZH, 1)), "{}", back.rendered_text());
    let sure = t.say(trainer, "/cancel").await;
    let gone = tap_on(&t, trainer, &sure, &zh("compose-btn-abandon-yes")).await;
    assert_eq!(gone.rendered_text(), zh("compose-abandoned"));
    t.settled().await;
    assert!(chat_lessons(&t).await.is_empty());
    assert_eq!(db::dialogs::load(&t.app.db, trainer).await.unwrap(), None, "no dialog left open");
    // The composer's buttons on older messages now change nothing.
    let id = t.emu.press(trainer, sure.message_id, &Cb::Compose(Button::ConfirmAbandon(false)).encode());
    assert_eq!(t.emu.callback_answer(&id).await.unwrap().text, Some(zh("menu-expired")));
    assert!(!shows(&t.say(trainer, "/lesson").await.rendered_text(), ZH, "compose-ask-resume"));
    t.stop().await;
}
