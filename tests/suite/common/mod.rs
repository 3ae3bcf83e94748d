//! A whole bot for end-to-end tests: a fresh database (SQLite or PostgreSQL) with the demo catalogue,
//! the Bot API emulator on loopback, and the real dispatcher talking to it over HTTP.
#![allow(dead_code)]

pub mod burst;
pub mod jobs;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use fieldschool::app::App;
use fieldschool::clock::ManualClock;
use fieldschool::config::Config;
use fieldschool::db::{self, Db};
use fieldschool::emulator::{BotMessage, EmuUser, Emulator, EmulatorOptions};
use fieldschool::startup::{self, Running};
use teloxide::Bot;

use crate::{assert_matches, assert_shows};

pub const DEMO_CATALOG: &str = include_str!("../../../examples/demo-catalog.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Store {
    Sqlite,
    Postgres,
}

pub struct TestBot {
    pub emu: Emulator,
    pub app: App,
    pub clock: ManualClock,
    running: Option<Running>,
    _dir: Option<tempfile::TempDir>,
}

/// A local Beijing time (`2026-12-20T09:30:00`) as an instant.
pub fn beijing(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&format!("{s}+08:00")).unwrap().to_utc()
}

/// 2026-12-01 09:00 in Beijing: before every class of the demo catalogue.
pub fn demo_start() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-12-01T09:00:00+08:00").unwrap().to_utc()
}

pub async fn fresh_db(store: Store) -> Option<(Db, Option<tempfile::TempDir>)> {
    match store {
        Store::Sqlite => {
            let (db, dir) = db::testing::sqlite().await.unwrap();
            Some((db, Some(dir)))
        }
        Store::Postgres => db::testing::postgres().await.unwrap().map(|db| (db, None)),
    }
}

impl TestBot {
    /// `None` only when PostgreSQL was asked for and FIELDSCHOOL_SKIP_PG=1.
    pub async fn start(store: Store) -> Option<TestBot> {
        Self::start_with(store, |_| {}).await
    }

    /// As [`TestBot::start`], with configuration changed by `configure` (thresholds, limits).
    pub async fn start_with(store: Store, configure: impl FnOnce(&mut Config)) -> Option<TestBot> {
        let (db, dir) = fresh_db(store).await?;
        fieldschool::services::catalog_import::import_str(&db, "demo-catalog.toml", DEMO_CATALOG)
            .await
            .expect("the demo catalogue imports");
        Some(Self::start_on_with(db, dir, configure).await)
    }

    pub async fn start_on(db: Db, dir: Option<tempfile::TempDir>) -> TestBot {
        Self::start_on_with(db, dir, |_| {}).await
    }

    pub async fn start_on_with(db: Db, dir: Option<tempfile::TempDir>, configure: impl FnOnce(&mut Config)) -> TestBot {
        Self::start_full(db, dir, EmulatorOptions::default(), configure).await
    }

    /// A bot on `db` against an emulator with `options` (rate limits, timeouts).
    pub async fn start_full(
        db: Db,
        dir: Option<tempfile::TempDir>,
        options: EmulatorOptions,
        configure: impl FnOnce(&mut Config),
    ) -> TestBot {
        let emu = Emulator::start(options).await.unwrap();
        let clock = ManualClock::new(demo_start());
        let mut config = Config::from_env().unwrap();
        config.token = Some(emu.token().to_owned());
        config.api_url = Some(emu.api_url());
        // Pacing is the outbox tests' subject; elsewhere it would only slow the tests down.
        config.send_per_sec = 0;
        config.per_chat_interval = std::time::Duration::ZERO;
        // Flood control is timed on the programme clock, which most tests hold still: off but in its
        // own test (tests/flood.rs).
        config.flood.burst = 0;
        configure(&mut config);
        let app = App::new(db, Arc::new(clock.clone()), config);
        let bot = Bot::new(emu.token()).set_api_url(emu.api_url().parse().unwrap());
        let running = startup::start_bot(app.clone(), bot).await.unwrap();
        TestBot { emu, app, clock, running: Some(running), _dir: dir }
    }

    /// Where the webhook and /healthz, /metrics listen, when they do.
    pub fn listening(&self) -> Option<std::net::SocketAddr> {
        self.running.as_ref().expect("running").listening()
    }

    /// What the outbox does from now on (sent, retrying, failed…).
    pub fn outbox_events(&self) -> tokio::sync::broadcast::Receiver<fieldschool::outbox::OutboxEvent> {
        self.running.as_ref().expect("running").outbox().subscribe()
    }

    /// Returns once every update stored so far has been handled (their steps committed): what a
    /// test reads from storage after a reply is then final.
    pub async fn settled(&self) {
        let mut settled = self.running.as_ref().expect("running").settled_updates();
        loop {
            let depth = db::inbox::depth(&self.app.db).await.unwrap();
            if depth.pending + depth.working == 0 {
                return;
            }
            let _ = tokio::time::timeout(std::time::Duration::from_secs(20), settled.recv())
                .await
                .expect("no update was handled for 20 s");
        }
    }

    pub async fn stop(mut self) {
        if let Some(r) = self.running.take() {
            r.stop().await;
        }
    }

    pub fn user(&self, id: i64, name: &str, language_code: &str) -> i64 {
        self.emu.add_user(EmuUser {
            id,
            first_name: name.to_owned(),
            last_name: None,
            username: None,
            language_code: Some(language_code.to_owned()),
        });
        id
    }

    /// Sends text and returns the bot's next message to that person.
    pub async fn say(&self, user: i64, text: &str) -> BotMessage {
        self.emu.send_text(user, text);
        self.next(user).await
    }

    pub async fn next(&self, user: i64) -> BotMessage {
        self.emu.next_message(user).await.unwrap()
    }

    /// Reads the messages that go out around a class (in Chinese): `reminders` session reminders and
    /// `lessons` of the course's 课前预习 / 课后复习, in whatever order the outbox sent them.
    pub async fn around_class(&self, user: i64, reminders: usize, lessons: usize) {
        let (mut seen_reminders, mut seen_lessons) = (0, 0);
        for _ in 0..reminders + lessons {
            let text = self.next(user).await.rendered_text();
            if shows(&text, ZH, "reminder-title") {
                seen_reminders += 1;
            } else if shows(&text, ZH, "lesson-course-preview")
                || shows(&text, ZH, "lesson-course-preview-soon")
                || shows(&text, ZH, "lesson-course-review")
            {
                seen_lessons += 1;
            } else {
                panic!("expected a reminder or a course lesson, got:\n{text}");
            }
        }
        assert_eq!((seen_reminders, seen_lessons), (reminders, lessons), "messages around a class");
    }

    /// Presses the button whose label contains `label` on the newest message that has one, and
    /// returns the bot's next message.
    pub async fn tap(&self, user: i64, label: &str) -> BotMessage {
        let id = self.emu.press_button(user, label).unwrap();
        self.emu.callback_answer(&id).await.unwrap();
        self.next(user).await
    }

    /// Presses the first inline button of `msg` (e.g. the first county in a list).
    pub async fn tap_first(&self, user: i64, msg: &BotMessage) -> BotMessage {
        let data = msg.inline_keyboard[0][0].callback_data.clone().unwrap();
        let id = self.emu.press(user, msg.message_id, &data);
        self.emu.callback_answer(&id).await.unwrap();
        self.next(user).await
    }

    /// Walks a whole registration as a villager or cadre and returns the final (menu) message.
    pub async fn register(&self, user: i64, name: &str, agree: &str, audience: &str) -> BotMessage {
        let consent = self.say(user, "/start").await;
        assert!(!consent.inline_keyboard.is_empty(), "consent has buttons: {consent:?}");
        self.register_rest(user, name, agree, audience).await
    }

    /// The rest of a registration, from the consent question on screen.
    pub async fn register_rest(&self, user: i64, name: &str, agree: &str, audience: &str) -> BotMessage {
        let _audience_q = self.tap(user, agree).await;
        let _name_q = self.tap(user, audience).await;
        let county_q = self.say(user, name).await;
        let township_q = self.tap_first(user, &county_q).await;
        let village_q = self.tap_first(user, &township_q).await;
        let _phone_q = self.tap_first(user, &village_q).await;
        self.emu.send_contact(user, "+8613800000000");
        let done = self.after_phone(user).await;
        let _help = self.next(user).await;
        done
    }

    /// After the phone step: villagers are asked their work intent (就业意向) last; this answers
    /// "暂时不找工作" (not looking), so no job offer comes into journeys that are not about jobs (tests of
    /// jobs choose an intent themselves). Returns the "registered" message.
    pub async fn after_phone(&self, user: i64) -> BotMessage {
        let after_phone = self.next(user).await;
        let text = after_phone.rendered_text();
        if shows(&text, ZH, "reg-ask-intent") || shows(&text, EN, "reg-ask-intent") {
            let not_looking = [zh("job-intent-not_looking"), en("job-intent-not_looking")];
            let data = after_phone
                .inline_keyboard
                .iter()
                .flatten()
                .find(|b| not_looking.contains(&b.text))
                .and_then(|b| b.callback_data.clone())
                .expect("the work-intent question offers 暂时不找工作");
            let id = self.emu.press(user, after_phone.message_id, &data);
            self.emu.callback_answer(&id).await.unwrap();
            self.next(user).await
        } else {
            after_phone
        }
    }
}

impl TestBot {
    /// Registers a person (villager with "农户", cadre with "基层干部") in the first county, township and
    /// village of the demo catalogue, and returns the menu message.
    pub async fn villager(&self, id: i64, name: &str) -> i64 {
        let user = self.user(id, name, "zh-hans");
        self.register(user, name, "同意", "农户").await;
        user
    }

    /// A trainer registered through an invite that names them in the catalogue (`key`).
    pub async fn trainer(&self, id: i64, key: &str, name: &str) -> i64 {
        let user = self.user(id, name, "zh-hans");
        let grant = fieldschool::domain::person::Role::Trainer;
        let invite = fieldschool::services::invites::create(&self.app, grant, None, Some(key)).await.unwrap();
        let consent = self.say(user, &format!("/start {}", invite.token)).await;
        assert_shows!(consent.rendered_text(), ZH, "reg-consent-staff");
        self.register_staff_rest(user, name).await;
        user
    }

    /// The rest of a staff registration (through an invite), from the consent on screen: agree, name,
    /// phone. Returns the "registered" message.
    pub async fn register_staff_rest(&self, user: i64, name: &str) -> BotMessage {
        let name_q = self.tap(user, "同意").await;
        assert!(name_q.rendered_text().contains(&zh("reg-ask-name")), "{}", name_q.rendered_text());
        let phone_q = self.say(user, name).await;
        assert!(phone_q.reply_keyboard.is_some(), "{}", phone_q.rendered_text());
        self.emu.send_contact(user, "+8613800000000");
        let done = self.next(user).await;
        let _help = self.next(user).await;
        done
    }

    /// The trainer opens check-in for the session whose button mentions `when`; returns the code.
    pub async fn open_checkin(&self, trainer: i64, when: &str) -> String {
        let list = self.say(trainer, "/checkin").await;
        assert!(list.rendered_text().contains(&zh("checkin-choose-session")), "{}", list.rendered_text());
        let text = self.tap(trainer, when).await.rendered_text();
        assert_shows!(text, ZH, "checkin-opened");
        let roster = self.next(trainer).await;
        assert_matches!(roster.rendered_text(), tr!(ZH, "roster-counts", present = 0, total = ANY));
        // The code is what stands where the message has its argument.
        let before_code = pattern(ZH, "checkin-opened");
        let before_code = &before_code[..before_code.find(ANY).unwrap()];
        let start = text.find(before_code).unwrap() + before_code.len();
        text[start..].chars().take(4).collect()
    }

    /// Answers the quiz question on screen right (or wrong) by looking it up in `course`'s bank;
    /// returns the bot's feedback message.
    pub async fn answer_quiz(&self, me: i64, question: &BotMessage, course: &str, right: bool) -> BotMessage {
        let text = question.rendered_text();
        let bank = db::catalog::questions_of(&self.app.db, course).await.unwrap();
        let q = bank.iter().find(|q| text.contains(&q.text)).expect("the question is from the course's bank");
        let correct = &q.options[q.answer];
        let button = question
            .inline_keyboard
            .iter()
            .flatten()
            .find(|b| b.text.ends_with(correct.as_str()) == right)
            .expect("a button to press");
        let id = self.emu.press(me, question.message_id, button.callback_data.as_deref().unwrap());
        self.emu.callback_answer(&id).await.unwrap();
        self.next(me).await
    }

    /// A registered coordinator of the demo county 新安县 (`xinan`).
    pub async fn coordinator(&self, id: i64, name: &str) -> i64 {
        let user = self.user(id, name, "zh-hans");
        self.register(user, name, "同意", "干部").await;
        let grant = fieldschool::domain::person::RoleGrant {
            role: fieldschool::domain::person::Role::Coordinator,
            region_key: "xinan".to_owned(),
        };
        fieldschool::services::people::grant(&self.app, user, &grant).await.unwrap();
        user
    }
}

// ---- What the bot is expected to say, from the locale files ----
//
// Tests state expectations through message keys, so rewording a message in `locales/` does not
// break them: `zh("menu-title")` is that message exactly; `shows(&text, ZH, "order-confirmed")` says
// `text` shows the message whatever its arguments; `matches(&text, &tr!(ZH, "key", a = 1, b = ANY))`
// pins some arguments and leaves others open. A literal Chinese string in a test is data the test
// put in (a name, a course title), or a wording that is itself the point.

pub use fieldschool::i18n::Lang;
pub use fieldschool::tr;

pub const ZH: Lang = Lang::Zh;
pub const EN: Lang = Lang::En;

/// An argument whose value the test does not care about (a private-use character no message has).
pub const ANY: &str = "\u{E000}";

/// The message `key` in `lang` with every argument set to [`ANY`]. Panics on a key no locale has.
/// A selector argument falls to the default variant; where the bot takes another, render the
/// message with that value through `tr!` and check it with [`matches`].
pub fn pattern(lang: Lang, key: &str) -> String {
    use fluent_templates::fluent_bundle::FluentValue;
    let mut args = fieldschool::i18n::Args::new();
    for _ in 0..32 {
        match fieldschool::i18n::LOCALES.lookup_single_language(&lang.langid(), key, Some(&args)) {
            Ok(text) => return text,
            Err(e) => {
                // A missing argument is reported as `Variable { id: "name" }`: supply it and retry.
                let debug = format!("{e:?}");
                let mut found = false;
                let mut rest = debug.as_str();
                while let Some(i) = rest.find("Variable { id: \"") {
                    rest = &rest[i + "Variable { id: \"".len()..];
                    let name = &rest[..rest.find('"').unwrap()];
                    found |= args.insert(name.to_owned().into(), FluentValue::from(ANY)).is_none();
                }
                assert!(found, "{key} does not render in {lang:?}: {debug}");
            }
        }
    }
    panic!("{key}: too many arguments")
}

/// The message `key` in `lang`, which takes no arguments.
pub fn msg(lang: Lang, key: &str) -> String {
    let text = pattern(lang, key);
    assert!(!text.contains(ANY), "{key} takes arguments: render it with tr! or check it with shows()");
    text
}

/// The Chinese message `key` (no arguments).
pub fn zh(key: &str) -> String {
    msg(ZH, key)
}

/// The English message `key` (no arguments).
pub fn en(key: &str) -> String {
    msg(EN, key)
}

/// The fixed fragments of `pattern`: the text between its [`ANY`] arguments.
pub fn fragments(pattern: &str) -> Vec<&str> {
    pattern.split(ANY).filter(|f| !f.is_empty()).collect()
}

/// Whether `text` holds `pattern`, a rendered message in which [`ANY`] stands for any text: its
/// fixed fragments appear in `text` in order. A pattern that is nothing but arguments is refused.
pub fn matches(text: &str, pattern: &str) -> bool {
    let fragments = fragments(pattern);
    assert!(!fragments.is_empty(), "{pattern:?} has no fixed text to look for");
    let mut rest = text;
    for fragment in fragments {
        match rest.find(fragment) {
            Some(i) => rest = &rest[i + fragment.len()..],
            None => return false,
        }
    }
    true
}

/// Whether `text` shows the message `key` in `lang`, whatever its arguments.
pub fn shows(text: &str, lang: Lang, key: &str) -> bool {
    matches(text, &pattern(lang, key))
}

/// `assert_shows!(text, ZH, "key")`: `text` shows the message `key` (any arguments); on failure
/// prints the key, its pattern and the text.
#[macro_export]
macro_rules! assert_shows {
    ($text:expr, $lang:expr, $key:expr $(,)?) => {{
        let text: &str = &$text;
        assert!(
            $crate::common::shows(text, $lang, $key),
            "expected {} ({:?}) in:\n{}",
            $key,
            $crate::common::pattern($lang, $key),
            text
        );
    }};
}

/// `assert_matches!(text, pattern)`: `text` holds `pattern` (see [`matches`]); prints both on failure.
#[macro_export]
macro_rules! assert_matches {
    ($text:expr, $pattern:expr $(,)?) => {{
        let text: &str = &$text;
        let pattern: &str = &$pattern;
        assert!($crate::common::matches(text, pattern), "expected {:?} in:\n{}", pattern, text);
    }};
}

/// The Chinese apology for an error (`error-apology`), up to where it varies with `$contact`: found
/// whether or not an office contact is configured.
pub fn zh_apology() -> String {
    let without = tr!(ZH, "error-apology", contact = "none");
    let with = pattern(ZH, "error-apology");
    without.chars().zip(with.chars()).take_while(|(a, b)| a == b).map(|(a, _)| a).collect()
}

/// A day as the bot writes it in Chinese ("12月12日（周六）"), through `i18n::local_date`.
pub fn zh_date(year: i32, month: u32, day: u32) -> String {
    fieldschool::i18n::local_date(ZH, chrono::NaiveDate::from_ymd_opt(year, month, day).unwrap())
}

#[cfg(test)]
mod expected_text {
    use super::*;

    #[test]
    fn a_message_without_arguments_is_itself() {
        assert_eq!(zh("menu-title"), "请选择：");
        assert_eq!(en("menu-title"), fieldschool::tr!(EN, "menu-title"));
        assert!(shows("前言\n请选择：", ZH, "menu-title"));
        assert!(!shows("请选择", ZH, "menu-title"));
    }

    #[test]
    fn a_message_with_arguments_matches_whatever_their_values() {
        assert_eq!(pattern(ZH, "request-recorded").matches(ANY).count(), 1);
        let sent = tr!(ZH, "request-recorded", count = 7);
        assert!(shows(&sent, ZH, "request-recorded"));
        assert!(shows(&format!("……\n{sent}\n……"), ZH, "request-recorded"));
        assert!(!shows(&sent, EN, "request-recorded"));
        // Fragments must come in order and all be there.
        let parts = fragments(&pattern(ZH, "coord-line-order")).len();
        assert!(parts >= 5, "{parts}");
        let line = tr!(
            ZH,
            "coord-line-order",
            name = "王秀英",
            village = "东村",
            course = "课",
            class = "班",
            taken = 1,
            total = 30,
            status = "已确认",
            number = "FS-000001"
        );
        assert!(shows(&line, ZH, "coord-line-order"));
        assert!(!shows(&line.replace("订单", "单号"), ZH, "coord-line-order"));
        assert!(!shows("订单 FS-000001 已报 1/30", ZH, "coord-line-order"));
        assert!(matches(
            &line,
            &tr!(
                ZH,
                "coord-line-order",
                name = ANY,
                village = "东村",
                course = ANY,
                class = ANY,
                taken = 1,
                total = 30,
                status = ANY,
                number = ANY
            )
        ));
        assert!(!matches(
            &line,
            &tr!(
                ZH,
                "coord-line-order",
                name = ANY,
                village = "西村",
                course = ANY,
                class = ANY,
                taken = 1,
                total = 30,
                status = ANY,
                number = ANY
            )
        ));
    }

    #[test]
    fn a_text_without_the_message_does_not_match() {
        assert!(!shows("报名成功！", ZH, "order-confirmed"), "only the first line is there");
        assert!(!shows("", ZH, "cancel-done"));
        let wrong = tr!(ZH, "offer-declined", number = "FS-1");
        assert!(!shows(&wrong, ZH, "cancel-done"));
    }

    #[test]
    #[should_panic(expected = "no-such-key")]
    fn an_unknown_key_is_an_error_not_a_mismatch() {
        shows("anything", ZH, "no-such-key");
    }

    #[test]
    #[should_panic(expected = "takes arguments")]
    fn a_message_with_arguments_is_not_taken_for_plain_text() {
        zh("order-confirmed");
    }
}
