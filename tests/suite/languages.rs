//! Languages (issue 11): an English reader takes the whole journey in English, catalogue texts
//! included (course card, places, what to bring, every quiz question, option and explanation), a
//! text the catalogue does not translate shows in Chinese, `calendar --lang en` names a region's own
//! busy season in English, and translations in a catalogue are checked like every other field. End
//! to end through the Bot API emulator on SQLite and PostgreSQL.

use crate::common::{DEMO_CATALOG, EN, Store, TestBot, beijing, tr};
use fieldschool::db;
use fieldschool::emulator::BotMessage;
use fieldschool::i18n::Lang;
use fieldschool::services::catalog_import;

const WHAT_TO_BRING_EN: &str = "tr.en.what_to_bring = \"A notebook, rubber boots, a face mask\"\n";

/// The next message to `user` that contains `needle`, passing over others.
async fn until(t: &TestBot, user: i64, needle: &str) -> BotMessage {
    loop {
        let m = t.next(user).await;
        if m.rendered_text().contains(needle) {
            return m;
        }
    }
}

async fn english_journey(store: Store) {
    let Some(t) = TestBot::start_with(store, |c| c.quiz_seed = Some(7)).await else { return };
    // The mushroom course's "what to bring" has no English in this copy of the catalogue: it shows
    // in Chinese while every other text of the course is English.
    assert!(DEMO_CATALOG.contains(WHAT_TO_BRING_EN));
    let partial = DEMO_CATALOG.replacen(WHAT_TO_BRING_EN, "", 1);
    catalog_import::import_str(&t.app.db, "demo.toml", &partial).await.unwrap();

    let teacher = t.trainer(1101, "wang-lixin", "王立新").await;
    let me = t.user(1102, "Mary", "en-GB");
    let done = t.register(me, "Mary", "I agree", "Villager").await.rendered_text();
    assert!(done.contains("Region: Dongcun Village, Tieshan Town, Xin'an County"), "{done}");

    t.say(me, "📚 Find a course").await;
    t.tap(me, "Crops and livestock").await;
    let card = t.tap(me, "Growing edible mushrooms").await.rendered_text();
    assert!(card.contains("Grow shiitake and oyster mushrooms in a greenhouse"), "{card}");
    assert!(card.contains("Trainer: Wang Lixin (Associate Professor, College of Horticulture"), "{card}");
    assert!(
        card.contains(&tr!(EN, "course-bring", items = "笔记本、胶鞋、口罩")),
        "a field without English falls back to Chinese: {card}"
    );
    let buttons: Vec<String> = t.emu.last_message(me).unwrap().buttons().map(|b| b.text.clone()).collect();
    assert!(buttons.iter().any(|b| b.starts_with("Sister Zhang's mushroom shed, Xicun Village")), "{buttons:?}");
    let summary = t.tap(me, "Sister Zhang's mushroom shed").await.rendered_text();
    assert!(summary.contains("Place: Sister Zhang's mushroom shed, Xicun Village"), "{summary}");
    assert!(!summary.contains("西村"), "{summary}");
    let ordered = t.tap(me, "Confirm my order").await.rendered_text();
    assert!(!ordered.contains("张大姐"), "{ordered}");

    t.clock.set(beijing("2026-12-20T09:20:00"));
    let code = t.open_checkin(teacher, "12月20日").await;
    t.emu.send_text(me, &code);
    until(&t, me, "Checked in: Growing edible mushrooms").await;
    t.clock.set(beijing("2026-12-20T11:31:00"));
    until(&t, me, "Take a short quiz").await;

    let bank = db::catalog::questions_of(&t.app.db, "mushroom").await.unwrap();
    let mut question = t.tap(me, "Start the quiz").await;
    for n in 1..=5 {
        let text = question.rendered_text();
        assert!(text.contains(&format!("Question {n} of 5")), "{text}");
        let q = bank.iter().find(|q| text.contains(q.text_in(Lang::En))).expect("an English question of the bank");
        assert_ne!(q.text_in(Lang::En), q.text, "the question has an English text");
        assert!(!text.contains(&q.text), "{text}");
        let labels: Vec<String> = question.buttons().map(|b| b.text.clone()).collect();
        for option in q.options_in(Lang::En) {
            assert!(labels.iter().any(|l| l.ends_with(option.as_str())), "{option} among {labels:?}");
        }
        // Wrong answers: the right option and the explanation come back in English.
        let right = &q.options_in(Lang::En)[q.answer];
        let wrong = question.buttons().find(|b| !b.text.ends_with(right.as_str())).unwrap().clone();
        let id = t.emu.press(me, question.message_id, wrong.callback_data.as_deref().unwrap());
        t.emu.callback_answer(&id).await.unwrap();
        let feedback = t.next(me).await.rendered_text();
        assert!(feedback.contains(&format!("Not quite. The right answer: {right}")), "{feedback}");
        assert!(feedback.contains(q.explanation_in(Lang::En)), "{feedback}");
        assert!(!feedback.contains(&q.explanation), "{feedback}");
        question = t.next(me).await;
    }
    let result = question.rendered_text();
    assert!(result.contains("0 of 5 right this time"), "{result}");
    t.stop().await;
}

#[tokio::test]
async fn an_english_reader_takes_the_journey_and_the_quiz_in_english_sqlite() {
    english_journey(Store::Sqlite).await;
}

#[tokio::test]
async fn an_english_reader_takes_the_journey_and_the_quiz_in_english_postgres() {
    english_journey(Store::Postgres).await;
}

/// Translations are stored with the catalogue and survive a re-import; a Chinese reader sees Chinese.
async fn stored(store: Store) {
    let Some((db, _dir)) = crate::common::fresh_db(store).await else { return };
    catalog_import::import_str(&db, "demo.toml", DEMO_CATALOG).await.unwrap();
    let again = catalog_import::import_str(&db, "demo.toml", DEMO_CATALOG).await.unwrap();
    assert_eq!(again.courses.updated, 0, "a second import of the same file changes nothing");
    let course = db::catalog::course(&db, "mushroom").await.unwrap().unwrap();
    assert_eq!(course.display_title(Lang::En), "Growing edible mushrooms", "title_en still reads");
    assert_eq!(course.display_title(Lang::Zh), "食用菌种植技术");
    assert!(course.summary_in(Lang::En).starts_with("Grow shiitake"));
    assert!(course.summary_in(Lang::Zh).starts_with("学会香菇"));
    let class = db::catalog::class(&db, "mushroom-2026-12").await.unwrap().unwrap();
    let sessions = db::catalog::sessions_of_class(&db, "mushroom-2026-12").await.unwrap();
    assert_eq!(sessions[1].place_in(&class, Lang::En), "Dongcun Village mushroom greenhouses");
    assert_eq!(sessions[0].place_in(&class, Lang::En), "Tieshan Town Agricultural Extension Station");
    assert_eq!(sessions[0].place_in(&class, Lang::Zh), "铁山镇农业技术推广站");
    let region = db::regions::get(&db, "xinan").await.unwrap().unwrap();
    assert_eq!(region.display_name(Lang::En), "Xin'an County");
    let trainer = db::catalog::trainer(&db, "wang-lixin").await.unwrap().unwrap();
    assert_eq!(trainer.name_in(Lang::En), "Wang Lixin");
    assert_eq!(trainer.name_in(Lang::Zh), "王立新");
}

#[tokio::test]
async fn translations_are_stored_with_the_catalogue_sqlite() {
    stored(Store::Sqlite).await;
}

#[tokio::test]
async fn translations_are_stored_with_the_catalogue_postgres() {
    stored(Store::Postgres).await;
}

#[tokio::test]
async fn translations_are_checked_like_every_field() {
    let Some((db, _dir)) = crate::common::fresh_db(Store::Sqlite).await else { return };
    let bad = DEMO_CATALOG
        .replacen(
            "tr.en.options     = [\"85% to 90%\", \"About 40%\", \"100%: the wetter the better\"]",
            "tr.en.options = [\"Yes\", \"No\"]",
            1,
        )
        .replacen("tr.en.what_to_bring = \"A notebook", "tr.en.what_to_brung = \"A notebook", 1)
        .replacen("tr.en.name  = \"Wang Lixin\"", "tr.zh.name = \"王立新\"", 1);
    let err = catalog_import::import_str(&db, "demo.toml", &bad).await.unwrap_err().to_string();
    assert!(err.contains("tr.en.options") && err.contains("gives 2 options; the Chinese list has 3"), "{err}");
    assert!(err.contains("tr.en.what_to_brung") && err.contains("one of: title, summary, what_to_bring"), "{err}");
    assert!(err.contains("tr.zh.name") && err.contains("the Chinese text is the field itself"), "{err}");
}

#[tokio::test]
async fn the_calendar_names_a_regions_own_busy_season_in_english() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cal.db");
    let url = format!("sqlite://{}", file.display());
    let db = db::Db::connect(&url).await.unwrap();
    db.migrate().await.unwrap();
    catalog_import::import_str(&db, "demo.toml", DEMO_CATALOG).await.unwrap();
    let calendar = |lang: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_fieldschool"))
            .args(["calendar", "qianshan-chaxiang", "--year", "2027", "--lang", lang])
            .env("DATABASE_URL", &url)
            .env("RUST_LOG", "error")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let en = calendar("en");
    assert!(en.contains("Chaxiang Town") && en.contains("Spring tea picking: 2027-03-26"), "{en}");
    assert!(!en.contains("春茶采摘"), "{en}");
    assert!(calendar("zh").contains("春茶采摘"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_fieldschool"))
        .args(["calendar", "qianshan-chaxiang", "--lang", "xx"])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("--lang must be one of: zh, en"));
}

#[tokio::test]
async fn a_translation_may_be_written_as_a_table_after_its_entry() {
    let Some((db, _dir)) = crate::common::fresh_db(Store::Sqlite).await else { return };
    let entry = "name    = \"东村\"\nname_en = \"Dongcun Village\"\nparent  = \"xinan-tieshan\"\n";
    assert!(DEMO_CATALOG.contains(entry));
    let table = DEMO_CATALOG.replacen(
        entry,
        "name    = \"东村\"\nparent  = \"xinan-tieshan\"\n\n[region.tr.en]\nname = \"East Village\"\n",
        1,
    );
    catalog_import::import_str(&db, "demo.toml", &table).await.unwrap();
    let region = db::regions::get(&db, "xinan-tieshan-dongcun").await.unwrap().unwrap();
    assert_eq!(region.display_name(Lang::En), "East Village");
    assert_eq!(region.display_name(Lang::Zh), "东村");
}

/// English counts take Fluent's plural rule: "1 person … has", "2 people … have".
async fn plurals(store: Store) {
    let Some(t) = TestBot::start(store).await else { return };
    let amy = t.user(1111, "Amy", "en");
    t.register(amy, "Amy Li", "I agree", "Villager").await;
    let bob = t.user(1112, "Bob", "en-US");
    t.register(bob, "Bob Wu", "I agree", "Villager").await;
    t.say(amy, "I want to learn").await;
    let first = t.say(amy, "Beekeeping").await.rendered_text();
    assert!(first.contains("1 person in your township has asked for this."), "{first}");
    assert!(!first.contains("1 people"), "{first}");
    t.say(bob, "I want to learn").await;
    let second = t.say(bob, "Beekeeping").await.rendered_text();
    assert!(second.contains("2 people in your township have asked for this."), "{second}");
    t.stop().await;
}

#[tokio::test]
async fn english_counts_say_1_person_and_2_people_sqlite() {
    plurals(Store::Sqlite).await;
}

#[tokio::test]
async fn english_counts_say_1_person_and_2_people_postgres() {
    plurals(Store::Postgres).await;
}
