//! `fieldschool chat`: the real bot, the Bot API emulator and a throw-away SQLite database with the
//! demo catalogue, driven from a terminal. Everything the bot sends is printed as a Telegram user
//! would see it: text, then numbered buttons.

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::Context as _;
use chrono::{Duration, Utc};
use teloxide::Bot;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::Mutex;

use crate::app::App;
use crate::clock::{Clock, ManualClock};
use crate::config::Config;
use crate::domain::person::Role;
use crate::emulator::{BotMessage, EmuEvent, EmuUser, Emulator, EmulatorOptions};
use crate::services;
use crate::startup;

/// The demo catalogue, compiled in so `chat` works from any directory.
pub const DEMO_CATALOG: &str = include_str!("../examples/demo-catalog.toml");

/// A demo person the terminal can speak as.
#[derive(Debug, Clone)]
pub struct Persona {
    pub user_id: i64,
    pub first_name: &'static str,
    pub language_code: &'static str,
    pub note: &'static str,
}

/// Names and notes are demo data shown only in this developer console.
pub const PERSONAS: [Persona; 5] = [
    Persona { user_id: 1001, first_name: "\u{738b}\u{79c0}\u{82f1}", language_code: "zh-hans", note: "villager" },
    Persona { user_id: 1002, first_name: "Amy", language_code: "en", note: "villager, English phone" },
    Persona { user_id: 1003, first_name: "\u{674e}\u{5efa}\u{56fd}", language_code: "zh-hans", note: "cadre" },
    Persona {
        user_id: 1004,
        first_name: "\u{5f20}\u{8001}\u{5e08}",
        language_code: "zh-hans",
        note: "trainer: /invite trainer wang-lixin, then /open",
    },
    Persona {
        user_id: 1005,
        first_name: "\u{5218}\u{4e3b}\u{4efb}",
        language_code: "zh-hans",
        note: "coordinator of xinan county, registered already: sees sign-ups there",
    },
];

struct Screen {
    current: usize,
    /// Per chat: the latest message with inline buttons, and the reply keyboard on screen.
    last_inline: HashMap<i64, BotMessage>,
    reply_keyboard: HashMap<i64, Vec<(String, bool)>>,
    /// What each message showed when last printed, so an edit that only takes the buttons away
    /// (after one was pressed) is not printed as a new message.
    shown: HashMap<(i64, i32), String>,
}

/// `webhook`: updates reach the bot as Telegram's webhook POSTs (through a local listener) instead of
/// long polling, as in a production deployment behind a reverse proxy.
pub async fn run(webhook: bool) -> anyhow::Result<()> {
    let dir = tempfile::tempdir().context("creating a temporary directory")?;
    let url = format!("sqlite://{}", dir.path().join("chat.db").display());
    let db = startup::open_db(&url).await?;
    let report = services::catalog_import::import_str(&db, "examples/demo-catalog.toml", DEMO_CATALOG)
        .await
        .map_err(|e| anyhow::anyhow!("demo catalogue: {e}"))?;
    let emulator = Emulator::start(EmulatorOptions::default()).await?;
    for p in &PERSONAS {
        emulator.add_user(EmuUser {
            id: p.user_id,
            first_name: p.first_name.to_owned(),
            last_name: None,
            username: None,
            language_code: Some(p.language_code.to_owned()),
        });
    }
    let mut config = Config::from_env()?;
    // The demo catalogue's classes have fixed dates, so the simulated clock starts before them (or where
    // FIELDSCHOOL_CLOCK_START says), whatever the date and hour are here: a session, like a test, sees the
    // same bot at any time of day.
    let start = match config.clock_start {
        Some(start) => start,
        None => crate::config::parse_instant(DEMO_START, chrono_tz::Asia::Shanghai).context("demo start")?,
    };
    let clock = ManualClock::new(start);
    // Flood control is timed on the programme clock, which stands still here between commands.
    config.flood.burst = 0;
    config.database_url = url;
    config.token = Some(emulator.token().to_owned());
    config.api_url = Some(emulator.api_url());
    if webhook {
        config.webhook_url = Some("https://bot.example.org/telegram".to_owned());
        config.webhook_secret = Some("fieldschool-chat".to_owned());
        config.listen = ([127, 0, 0, 1], 0).into();
    }
    let app = App::new(db, Arc::new(clock.clone()), config);
    seed_coordinator(&app).await?;
    let bot = Bot::new(emulator.token()).set_api_url(emulator.api_url().parse()?);
    let running = startup::start_bot(app.clone(), bot).await?;
    if let Some(addr) = running.listening().filter(|_| webhook) {
        // The emulator plays the reverse proxy: the public URL leads to the bot's local listener.
        emulator.spread_webhook(vec![format!("http://{addr}/telegram")]);
    }

    println!("fieldschool chat: the real bot against a local Bot API emulator (no network).");
    if webhook {
        println!(
            "Updates arrive as webhook POSTs (health and metrics: http://{}/metrics).",
            running.listening().map(|a| a.to_string()).unwrap_or_default()
        );
    }
    println!("Demo catalogue loaded: {report}");
    println!("Simulated time: {} (move it with /clock)", show_time(clock.now()));
    println!("Type text to send it; a number presses a button, k1/k2… a keyboard button.");
    println!(
        "/as NAME|N switch person · /who · /contact · /sticker · /photo · /voice · /location LAT LON · /invite ROLE [REGION|TRAINER] · /open · /cohort · /clock [+2d|+3h|2026-12-20 09:20] · /quit"
    );
    print_personas(0);

    let screen = Arc::new(Mutex::new(Screen {
        current: 0,
        last_inline: HashMap::new(),
        reply_keyboard: HashMap::new(),
        shown: HashMap::new(),
    }));
    let printer = tokio::spawn(print_events(emulator.subscribe(), screen.clone()));

    let mut replies = emulator.subscribe();
    let mut last_invite: Option<String> = None;
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    prompt(&screen).await;
    while let Some(line) = lines.next_line().await? {
        let line = line.trim().to_owned();
        if line.is_empty() {
            prompt(&screen).await;
            continue;
        }
        let me = PERSONAS[screen.lock().await.current].user_id;
        // Whether this line reached the bot as an update (then an answer is due).
        let mut acted = true;
        let mut words = line.split_whitespace();
        match words.next().unwrap_or_default() {
            "/quit" | "/exit" => break,
            "/who" => {
                acted = false;
                print_personas(screen.lock().await.current)
            }
            "/as" => {
                acted = false;
                let who = words.collect::<Vec<_>>().join(" ");
                match find_persona(&who) {
                    Some(i) => {
                        screen.lock().await.current = i;
                        println!("-- you are now {} ({})", PERSONAS[i].first_name, PERSONAS[i].note);
                    }
                    None => println!("-- no such person; /who lists them"),
                }
            }
            "/contact" => {
                emulator.send_contact(me, &format!("+86138{:08}", me));
            }
            "/sticker" => {
                emulator.send_sticker(me);
            }
            "/photo" => {
                emulator.send_photo(me);
            }
            "/voice" => {
                emulator.send_voice(me);
            }
            "/location" => {
                let coords: Vec<f64> = words.filter_map(|w| w.trim_end_matches(',').parse().ok()).collect();
                match coords.as_slice() {
                    [lat, lon] if (-90.0..=90.0).contains(lat) && (-180.0..=180.0).contains(lon) => {
                        emulator.send_location(me, *lat, *lon);
                    }
                    _ => {
                        acted = false;
                        println!(
                            "-- say /location LAT LON, e.g. /location 34.7290 112.1470 (the demo's Tieshan extension station)"
                        );
                    }
                }
            }
            "/clock" => {
                acted = false;
                let rest: Vec<&str> = words.collect();
                match rest.as_slice() {
                    [] => println!("-- simulated time: {}", show_time(clock.now())),
                    [step] if step.starts_with('+') => match parse_step(step) {
                        Some(d) => {
                            clock.advance(d);
                            println!("-- simulated time is now {}", show_time(clock.now()));
                        }
                        None => println!("-- say /clock +2d, +3h or +30m, or /clock 2026-12-20 09:20"),
                    },
                    [date, time] => match parse_local(date, time) {
                        Some(t) if t >= clock.now() => {
                            clock.set(t);
                            println!("-- simulated time is now {}", show_time(clock.now()));
                        }
                        Some(_) => println!("-- the clock only moves forward"),
                        None => println!("-- say /clock 2026-12-20 09:20 (Beijing time)"),
                    },
                    _ => println!("-- say /clock +2d, +3h or +30m, or /clock 2026-12-20 09:20"),
                }
            }
            "/cohort" => {
                acted = false;
                match services::demo_cohort::seed(&app, DEMO_COHORT_CLASS, DEMO_COORDINATOR_VILLAGE).await {
                    Ok(added) => println!(
                        "-- added {} simulated trainees of {DEMO_COHORT_CLASS} and {} who ordered but never came, \
                         with baselines and 3-month follow-ups (answered from March: /clock +92d, then /as 5 and /outcomes)",
                        added.attendees, added.no_shows
                    ),
                    Err(e) => println!("-- {e}"),
                }
            }
            "/open" => match last_invite.clone() {
                Some(token) => {
                    emulator.send_text(me, &format!("/start {token}"));
                }
                None => {
                    acted = false;
                    println!("-- no invite yet: /invite trainer wang-lixin");
                }
            },
            "/invite" => {
                acted = false;
                let role = words.next().and_then(Role::parse);
                // For a trainer the second word is their catalogue key; for a coordinator, the region.
                let (region, trainer) = match role {
                    Some(Role::Trainer) => (None, words.next()),
                    _ => (words.next(), None),
                };
                match role {
                    None => println!("-- /invite trainer [TRAINER_KEY] | coordinator REGION | admin"),
                    Some(role) => match services::invites::create(&app, role, region, trainer).await {
                        Ok(invite) => {
                            println!("-- invite link: {}", invite.link(emulator.bot_username()));
                            println!("-- it grants: {}", invite.grants());
                            println!("-- /open opens it as the current person (the same as /start {})", invite.token);
                            last_invite = Some(invite.token.clone());
                        }
                        Err(e) => {
                            println!("-- {e}");
                            if let Ok(known) = services::invites::known_keys(&app, role).await {
                                println!("-- known: {}", known.join(", "));
                            }
                        }
                    },
                }
            }
            _ if is_button_number(&line) => acted = press(&emulator, &screen, me, &line).await,
            _ => {
                emulator.send_text(me, &line);
            }
        }
        // Every update gets an answer; wait for it (and anything sent right after) so that typed-ahead
        // or piped input presses the buttons of the answer, not of the message before. Answers that
        // come later (from the outbox) are printed whenever they arrive.
        if acted {
            await_answer(&mut replies, me).await;
        }
        prompt(&screen).await;
    }
    printer.abort();
    running.stop().await;
    Ok(())
}

/// Waits (at most a few seconds) for the bot's first answer in `chat`, then until it falls quiet.
async fn await_answer(events: &mut tokio::sync::broadcast::Receiver<EmuEvent>, chat: i64) {
    use tokio::time::{Duration as StdDuration, timeout};
    let concerns_chat = |e: &EmuEvent| match e {
        EmuEvent::Sent(m) | EmuEvent::Edited(m) => m.chat_id == chat,
        EmuEvent::CallbackAnswered { chat_id, .. } => *chat_id == chat,
        _ => false,
    };
    let first = timeout(StdDuration::from_secs(5), async {
        loop {
            match events.recv().await {
                Ok(e) if concerns_chat(&e) => return,
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(_) => return,
            }
        }
    })
    .await;
    if first.is_err() {
        println!("-- (no answer yet; it will be shown when it comes)");
        return;
    }
    // Multi-message answers arrive back to back; a short lull ends the answer.
    while let Ok(Ok(_)) = timeout(StdDuration::from_millis(250), events.recv()).await {}
    // Let the printer task draw what arrived before the prompt does.
    tokio::task::yield_now().await;
}

/// The coordinator persona starts registered, as the county training office of the demo county, so
/// that villagers' sign-ups have someone to report to from the first order.
async fn seed_coordinator(app: &App) -> anyhow::Result<()> {
    use crate::domain::person::{Audience, PersonName, RoleGrant};
    use crate::domain::registration::NewPerson;
    let persona = &PERSONAS[4];
    let person = NewPerson {
        lang: crate::i18n::Lang::Zh,
        audience: Audience::Cadre,
        name: PersonName::parse(persona.first_name).map_err(|e| anyhow::anyhow!("demo name: {e:?}"))?,
        village_key: DEMO_COORDINATOR_VILLAGE.to_owned(),
        phone: None,
        work_intent: None,
    };
    services::people::register(app, persona.user_id, persona.user_id, &person).await?;
    let grant = RoleGrant { role: Role::Coordinator, region_key: DEMO_COORDINATOR_COUNTY.to_owned() };
    services::people::grant(app, persona.user_id, &grant).await?;
    Ok(())
}

/// Where the simulated clock starts: before the demo catalogue's first class.
pub const DEMO_START: &str = "2026-12-01 09:00";

/// Keys from `examples/demo-catalog.toml`.
const DEMO_COORDINATOR_COUNTY: &str = "xinan";
const DEMO_COORDINATOR_VILLAGE: &str = "xinan-chengguan-beiguan";
/// The class `/cohort` fills with simulated trainees.
const DEMO_COHORT_CLASS: &str = "mushroom-2026-12";

fn print_personas(current: usize) {
    for (i, p) in PERSONAS.iter().enumerate() {
        let mark = if i == current { "*" } else { " " };
        println!("  {mark}{} {} — {}", i + 1, p.first_name, p.note);
    }
}

fn find_persona(who: &str) -> Option<usize> {
    let who = who.trim();
    if let Ok(n) = who.parse::<usize>() {
        return (1..=PERSONAS.len()).contains(&n).then(|| n - 1);
    }
    PERSONAS.iter().position(|p| p.first_name == who || p.note.split(',').next() == Some(who))
}

/// A whole line that presses a button: `1`–`99` (inline) or `k1`–`k99` (reply keyboard). Anything else,
/// `30 000` or `30000` included, is text for the bot.
fn is_button_number(line: &str) -> bool {
    let digits = line.strip_prefix('k').unwrap_or(line);
    (1..=2).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && digits.parse::<u8>().is_ok_and(|n| (1..=99).contains(&n))
}

fn parse_step(step: &str) -> Option<Duration> {
    let step = step.strip_prefix('+')?;
    let (n, unit) = step.split_at(step.len().checked_sub(1)?);
    let n: i64 = n.parse().ok()?;
    match unit {
        "d" => Some(Duration::days(n)),
        "h" => Some(Duration::hours(n)),
        "m" => Some(Duration::minutes(n)),
        _ => None,
    }
}

/// `2026-12-20 09:20` in Beijing time.
fn parse_local(date: &str, time: &str) -> Option<chrono::DateTime<Utc>> {
    use chrono::TimeZone;
    let naive = chrono::NaiveDateTime::parse_from_str(&format!("{date} {time}"), "%Y-%m-%d %H:%M").ok()?;
    chrono_tz::Asia::Shanghai.from_local_datetime(&naive).single().map(|t| t.to_utc())
}

fn show_time(t: chrono::DateTime<Utc>) -> String {
    t.with_timezone(&chrono_tz::Asia::Shanghai).format("%Y-%m-%d %H:%M (Asia/Shanghai)").to_string()
}

async fn prompt(screen: &Arc<Mutex<Screen>>) {
    use std::io::Write;
    let name = PERSONAS[screen.lock().await.current].first_name;
    print!("{name}> ");
    let _ = std::io::stdout().flush();
}

/// Presses button `word` (`3`, or `k1` on the reply keyboard); false when there is no such button.
async fn press(emulator: &Emulator, screen: &Arc<Mutex<Screen>>, me: i64, word: &str) -> bool {
    let screen = screen.lock().await;
    if let Some(k) = word.strip_prefix('k') {
        let n: usize = k.parse().unwrap_or(0);
        match screen.reply_keyboard.get(&me).and_then(|rows| rows.get(n.wrapping_sub(1))) {
            Some((_, true)) => {
                emulator.send_contact(me, &format!("+86138{:08}", me));
            }
            Some((text, false)) => {
                emulator.send_text(me, text);
            }
            None => {
                println!("-- no keyboard button {word}");
                return false;
            }
        }
        return true;
    }
    let n: usize = word.parse().unwrap_or(0);
    let Some(msg) = screen.last_inline.get(&me) else {
        println!("-- no buttons to press");
        return false;
    };
    let buttons: Vec<_> = msg.inline_keyboard.iter().flatten().collect();
    match buttons.get(n.wrapping_sub(1)).and_then(|b| b.callback_data.clone()) {
        Some(data) => {
            emulator.press(me, msg.message_id, &data);
            true
        }
        None => {
            println!("-- no button {n}");
            false
        }
    }
}

async fn print_events(mut events: tokio::sync::broadcast::Receiver<EmuEvent>, screen: Arc<Mutex<Screen>>) {
    loop {
        let event = match events.recv().await {
            Ok(e) => e,
            Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
            Err(_) => return,
        };
        let mut screen = screen.lock().await;
        let current = PERSONAS[screen.current].user_id;
        match event {
            EmuEvent::Edited(msg)
                if msg.inline_keyboard.is_empty()
                    && screen.shown.get(&(msg.chat_id, msg.message_id)) == Some(&msg.rendered_text())
                    && screen.last_inline.get(&msg.chat_id).is_some_and(|m| m.message_id == msg.message_id) =>
            {
                screen.last_inline.remove(&msg.chat_id);
            }
            // Only the buttons were taken off an older message: nothing new to show.
            EmuEvent::Edited(msg)
                if msg.inline_keyboard.is_empty()
                    && screen.shown.get(&(msg.chat_id, msg.message_id)) == Some(&msg.rendered_text()) => {}
            EmuEvent::Sent(msg) | EmuEvent::Edited(msg) => {
                screen.shown.insert((msg.chat_id, msg.message_id), msg.rendered_text());
                let to = PERSONAS.iter().find(|p| p.user_id == msg.chat_id);
                let header = match to {
                    Some(p) if p.user_id == current => "\n┌─ bot".to_owned(),
                    Some(p) => format!("\n┌─ bot → {} (switch with /as {})", p.first_name, p.first_name),
                    None => format!("\n┌─ bot → chat {}", msg.chat_id),
                };
                println!("{header}");
                for line in msg.rendered_text().lines() {
                    println!("│ {line}");
                }
                if msg.photo.is_some() {
                    println!("│ [photo]");
                }
                if let Some(bytes) = &msg.voice {
                    println!("│ [voice message, {} KB]", bytes.len().div_ceil(1024));
                }
                if let Some(bytes) = &msg.video {
                    println!("│ [video, {} KB]", bytes.len().div_ceil(1024));
                }
                if let Some((name, bytes)) = &msg.document {
                    println!("│ [file {name}, {} bytes]", bytes.len());
                }
                let mut n = 0;
                for row in &msg.inline_keyboard {
                    let cells: Vec<String> = row
                        .iter()
                        .map(|b| {
                            n += 1;
                            format!("[{n}] {}", b.text)
                        })
                        .collect();
                    println!("│   {}", cells.join("   "));
                }
                if !msg.inline_keyboard.is_empty() {
                    screen.last_inline.insert(msg.chat_id, msg.clone());
                }
                if let Some(kb) = &msg.reply_keyboard {
                    let buttons: Vec<(String, bool)> =
                        kb.rows.iter().flatten().map(|b| (b.text.clone(), b.request_contact)).collect();
                    let cells: Vec<String> =
                        buttons.iter().enumerate().map(|(i, (t, _))| format!("[k{}] {t}", i + 1)).collect();
                    println!("│ keyboard: {}", cells.join("  "));
                    screen.reply_keyboard.insert(msg.chat_id, buttons);
                } else if msg.remove_keyboard {
                    screen.reply_keyboard.remove(&msg.chat_id);
                }
                println!("└─");
                print!("{}> ", PERSONAS[screen.current].first_name);
                let _ = std::io::Write::flush(&mut std::io::stdout());
            }
            EmuEvent::CallbackAnswered { text: Some(text), .. } => println!("\n  (popup) {text}"),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_bare_small_numbers_press_buttons() {
        for press in ["1", "9", "42", "99", "k1", "k12"] {
            assert!(super::is_button_number(press), "{press}");
        }
        for text in ["0", "00", "100", "30000", "30 000", "3 万", "k", "k0", "k100", "1a", "-1", "1.5"] {
            assert!(!super::is_button_number(text), "{text}");
        }
    }
}
