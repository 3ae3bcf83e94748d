//! A whole bot for end-to-end tests: a fresh database (SQLite or PostgreSQL) with the demo catalogue,
//! the Bot API emulator on loopback, and the real dispatcher talking to it over HTTP.
#![allow(dead_code)]

pub mod burst;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use fieldschool::app::App;
use fieldschool::clock::ManualClock;
use fieldschool::config::Config;
use fieldschool::db::{self, Db};
use fieldschool::emulator::{BotMessage, EmuUser, Emulator, EmulatorOptions};
use fieldschool::startup::{self, Running};
use teloxide::Bot;

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
        let done = self.next(user).await;
        let _help = self.next(user).await;
        done
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
        assert!(consent.rendered_text().contains("您同意吗"), "{}", consent.rendered_text());
        self.register_staff_rest(user, name).await;
        user
    }

    /// The rest of a staff registration (through an invite), from the consent on screen: agree, name,
    /// phone. Returns the "registered" message.
    pub async fn register_staff_rest(&self, user: i64, name: &str) -> BotMessage {
        let name_q = self.tap(user, "同意").await;
        assert!(name_q.rendered_text().contains("姓名"), "{}", name_q.rendered_text());
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
        assert!(list.rendered_text().contains("请选择要签到的课"), "{}", list.rendered_text());
        let text = self.tap(trainer, when).await.rendered_text();
        assert!(text.contains("签到码："), "{text}");
        let roster = self.next(trainer).await;
        assert!(roster.rendered_text().contains("已到 0"), "{}", roster.rendered_text());
        let start = text.find("签到码：").unwrap() + "签到码：".len();
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
