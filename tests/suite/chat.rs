//! `fieldschool chat`, the README's first command: a newcomer registers in the terminal, with no token
//! and no network, and sees the bot's messages and numbered buttons.

use std::process::Stdio;

use tokio::io::AsyncWriteExt;
use tokio::process::Command;

use crate::common::{ANY, ZH, pattern, tr, zh};

/// The fixed pieces of a rendered message: its lines, without the open arguments ([`ANY`]). The chat
/// prints each line of a message on its own, behind "│ ".
fn pieces(text: &str) -> Vec<&str> {
    text.split(['\n', '\u{E000}']).map(str::trim).filter(|p| !p.is_empty()).collect()
}

/// Whether the chat output shows every piece of the message.
fn has(out: &str, text: &str) -> bool {
    pieces(text).iter().all(|p| out.contains(p))
}

/// What to wait for in the output to see the message: its longest fixed piece.
fn mark(text: &str) -> String {
    pieces(text).into_iter().max_by_key(|p| p.chars().count()).expect("a fixed piece").to_owned()
}

/// Beijing time when every chat here begins: a weekday morning before the demo's first class.
const START: &str = "2026-12-01 09:00";

async fn chat(input: &str) -> String {
    chat_with(&[], input).await
}

async fn chat_with(flags: &[&str], input: &str) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fieldschool"))
        .arg("chat")
        .args(flags)
        // The test owns the clock: the same simulated morning at whatever hour the suite runs.
        .env("FIELDSCHOOL_CLOCK_START", START)
        .env_remove("TELOXIDE_TOKEN")
        .env_remove("DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the fieldschool binary starts");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input.as_bytes()).await.unwrap();
    drop(stdin); // end of input ends the chat, as /quit does
    let out = child.wait_with_output().await.unwrap();
    assert!(out.status.success(), "chat failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test]
async fn a_villager_registers_in_the_terminal_chat() {
    // Agree, villager, name, county, township, village, skip the phone (a reply-keyboard button), work
    // near home.
    let out = chat("/start\n1\n1\n王秀英\n1\n1\n1\nk2\n1\n/who\n/quit\n").await;
    assert!(has(&out, &zh("reg-consent")), "{out}");
    assert!(out.contains("[1] "), "buttons are numbered: {out}");
    assert!(out.contains(&zh("audience-villager")), "{out}");
    assert!(out.contains("新安县"), "the demo catalogue's counties are offered: {out}");
    assert!(has(&out, &tr!(ZH, "reg-done", name = "王秀英", village = "新安县铁山镇东村")), "{out}");
    assert!(out.contains("*1 王秀英"), "{out}");
    assert!(has(&out, &zh("reg-ask-intent")), "{out}");
}

#[tokio::test]
async fn with_webhook_delivery_a_villager_registers_the_same_way() {
    let out = chat_with(&["--webhook"], "/start\n1\n1\n王秀英\n1\n1\n1\nk2\n5\n/quit\n").await;
    assert!(out.contains("Updates arrive as webhook POSTs"), "{out}");
    assert!(has(&out, &zh("reg-consent")) && has(&out, &pattern(ZH, "reg-done")), "{out}");
}

#[tokio::test]
async fn only_bare_small_numbers_press_buttons_and_invites_name_what_they_grant() {
    // "30 000" is text for the bot (here: the consent wants a button), not button 30.
    let out = chat("/start\n30 000\n/invite coordinator nowhere\n/invite trainer wang-lixin\n/quit\n").await;
    assert!(out.contains(&zh("use-buttons")) && !out.contains("no button"), "{out}");
    assert!(out.contains("unknown region") && out.contains("known: ") && out.contains("xinan"), "{out}");
    assert!(out.contains("it grants: trainer 王立新 (wang-lixin)"), "{out}");
}

#[tokio::test]
async fn the_english_persona_is_greeted_in_english_and_nonsense_is_answered() {
    let out = chat("/as Amy\n/sticker\n/start\n/clock +2d\n/quit\n").await;
    assert!(out.contains("you are now Amy"), "{out}");
    assert!(out.contains("Do you agree"), "{out}");
    assert!(out.contains("simulated time is now"), "{out}");
}

#[tokio::test]
async fn a_villager_orders_a_seat_and_the_coordinator_persona_gets_the_line() {
    // Register, then 报名培训 → 特色种养 → 食用菌种植技术 → first class → confirm → 我的课程.
    let out = chat("/start\n1\n1\n王秀英\n1\n1\n1\nk2\n5\nk1\n1\n1\n1\n1\nk2\n/as 5\n/quit\n").await;
    assert!(has(&out, &tr!(ZH, "order-confirmed", number = "FS-")), "{out}");
    assert!(out.contains(&zh("my-courses-title")) && out.contains(&zh("status-confirmed")), "{out}");
    let line = tr!(
        ZH,
        "coord-line-order",
        name = "王秀英",
        village = "东村",
        course = ANY,
        class = ANY,
        taken = ANY,
        total = ANY,
        status = ANY,
        number = ANY
    );
    assert!(out.contains("bot → 刘主任") && has(&out, &line), "{out}");
}

/// The chat as a live process: lines in, output collected as it comes.
struct Live {
    child: tokio::process::Child,
    stdin: tokio::process::ChildStdin,
    out: std::sync::Arc<std::sync::Mutex<String>>,
    grew: std::sync::Arc<tokio::sync::Notify>,
    read_to: usize,
}

impl Live {
    fn start() -> Live {
        use tokio::io::AsyncReadExt;
        let mut child = Command::new(env!("CARGO_BIN_EXE_fieldschool"))
            .arg("chat")
            .env("FIELDSCHOOL_CLOCK_START", START)
            .env_remove("TELOXIDE_TOKEN")
            .env_remove("DATABASE_URL")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("the fieldschool binary starts");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let out = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let grew = std::sync::Arc::new(tokio::sync::Notify::new());
        let (o, g) = (out.clone(), grew.clone());
        tokio::spawn(async move {
            let mut buf = vec![0u8; 8192];
            let mut pending = Vec::new();
            while let Ok(n) = stdout.read(&mut buf).await {
                if n == 0 {
                    break;
                }
                pending.extend_from_slice(&buf[..n]);
                // Keep incomplete UTF-8 sequences for the next read.
                let valid = match std::str::from_utf8(&pending) {
                    Ok(s) => s.len(),
                    Err(e) => e.valid_up_to(),
                };
                o.lock().unwrap().push_str(std::str::from_utf8(&pending[..valid]).unwrap());
                pending.drain(..valid);
                g.notify_waiters();
            }
        });
        Live { child, stdin, out, grew, read_to: 0 }
    }

    async fn send(&mut self, line: &str) {
        self.stdin.write_all(format!("{line}\n").as_bytes()).await.unwrap();
    }

    /// Waits until the output since the last wait contains every marker, in any order.
    async fn wait_for_all(&mut self, markers: &[&str]) {
        let deadline = std::time::Duration::from_secs(20);
        let found = tokio::time::timeout(deadline, async {
            loop {
                let notified = self.grew.notified();
                {
                    let out = self.out.lock().unwrap();
                    let ends: Option<Vec<usize>> = markers
                        .iter()
                        .map(|m| out[self.read_to..].find(m).map(|p| self.read_to + p + m.len()))
                        .collect();
                    if let Some(end) = ends.and_then(|e| e.into_iter().max()) {
                        return end;
                    }
                }
                notified.await;
            }
        })
        .await;
        match found {
            Ok(end) => self.read_to = end,
            Err(_) => {
                panic!("not all of {markers:?} in the chat output:\n{}", &self.out.lock().unwrap()[self.read_to..])
            }
        }
    }

    /// Waits until the output since the last wait contains `marker`; returns that stretch.
    async fn wait_for(&mut self, marker: &str) -> String {
        let deadline = std::time::Duration::from_secs(20);
        let found = tokio::time::timeout(deadline, async {
            loop {
                let notified = self.grew.notified();
                {
                    let out = self.out.lock().unwrap();
                    if let Some(pos) = out[self.read_to..].find(marker) {
                        let end = self.read_to + pos + marker.len();
                        let stretch = out[self.read_to..end].to_owned();
                        return (stretch, end);
                    }
                }
                notified.await;
            }
        })
        .await;
        match found {
            Ok((stretch, end)) => {
                self.read_to = end;
                stretch
            }
            Err(_) => panic!("no {marker:?} in the chat output:\n{}", &self.out.lock().unwrap()[self.read_to..]),
        }
    }
}

/// Right answers of the demo catalogue's mushroom course, by question text.
async fn mushroom_answers() -> Vec<(String, String)> {
    let (db, _dir) = fieldschool::db::testing::sqlite().await.unwrap();
    let catalogue = include_str!("../../examples/demo-catalog.toml");
    fieldschool::services::catalog_import::import_str(&db, "demo", catalogue).await.unwrap();
    let bank = fieldschool::db::catalog::questions_of(&db, "mushroom").await.unwrap();
    bank.into_iter().map(|q| (q.text.clone(), q.options[q.answer].clone())).collect()
}

/// With the quiz invitation on screen: starts the quiz and answers its five questions right.
async fn pass_the_quiz(chat: &mut Live, answers: &[(String, String)]) {
    chat.send("1").await;
    for _ in 0..5 {
        chat.wait_for(&mark(&tr!(ZH, "quiz-question", position = ANY, total = 5, text = ANY))).await;
        let question = chat.wait_for("└─").await;
        let (_, right) = answers.iter().find(|(text, _)| question.contains(text.as_str())).expect("a bank question");
        let number = question
            .lines()
            .find_map(|l| {
                let l = l.trim_start_matches(['│', ' ']);
                let (n, option) = l.split_once(". ")?;
                (option == right && n.len() == 1).then(|| n.to_owned())
            })
            .expect("the right option is listed");
        chat.send(&number).await;
        chat.wait_for(&zh("quiz-right")).await;
    }
    chat.wait_for(&mark(&pattern(ZH, "quiz-passed"))).await;
}

/// The number the chat gives the button labelled `label` in `stretch` ("[2] 已录用" → "2").
fn button_number(stretch: &str, label: &str) -> String {
    let end = stretch.rfind(&format!("] {label}")).unwrap_or_else(|| panic!("no button {label:?} in:\n{stretch}"));
    let start = stretch[..end].rfind('[').expect("a numbered button");
    stretch[start + 1..end].to_owned()
}

#[tokio::test]
async fn in_the_chat_a_certified_villager_is_referred_to_the_cooperative_and_hired() {
    let answers = mushroom_answers().await;
    let mut chat = Live::start();
    chat.wait_for("王秀英> ").await;
    // 王秀英 registers in 西村 with her phone, wanting work near home, and orders the first mushroom
    // class: three sessions, each at a venue where she checks in by sharing her location.
    for line in ["/start", "1", "1", "王秀英", "1", "1", "2", "/contact", "1", "k1", "1", "1", "1", "1"] {
        chat.send(line).await;
    }
    chat.wait_for(&mark(&pattern(ZH, "order-confirmed"))).await;
    for (at, venue) in [
        ("2026-12-12 09:10", "34.7290 112.1470"),
        ("2026-12-13 09:10", "34.7352 112.1391"),
        ("2026-12-19 14:10", "34.7290 112.1470"),
    ] {
        chat.send(&format!("/clock {at}")).await;
        chat.send(&format!("/location {venue}")).await;
        chat.wait_for(&mark(&pattern(ZH, "checkin-done"))).await;
    }
    chat.send("/clock 2026-12-19 16:31").await;
    chat.wait_for(&mark(&pattern(ZH, "quiz-invite"))).await;
    pass_the_quiz(&mut chat, &answers).await;
    chat.wait_for("[photo]").await;

    // The next morning the cooperative's opening comes (not on the day of the certificate).
    chat.send("/clock 2026-12-20 08:00").await;
    let offer = chat.wait_for(&zh("btn-job-more")).await;
    assert!(offer.contains(&zh("job-offer-intro")) && offer.contains("铁山镇香菇专业合作社"), "{offer}");
    chat.send(&button_number(&offer, &zh("btn-job-interested"))).await;
    // Nothing is shared before she agrees; the consent names what and with whom.
    let consent = chat.wait_for(&zh("btn-job-share-no")).await;
    let asked = tr!(
        ZH,
        "job-consent",
        employer = "铁山镇香菇专业合作社",
        name = "王秀英",
        village = "西村",
        phone = ANY,
        course = "食用菌种植技术",
        code = ANY
    );
    assert!(has(&consent, &asked), "{consent}");
    chat.send(&button_number(&consent, &zh("btn-job-share-yes"))).await;
    let referred = tr!(ZH, "job-referred", employer = "铁山镇香菇专业合作社", contact = "李经理 13803790123");
    let line = tr!(ZH, "job-line-referred", name = "王秀英", village = "西村", employer = "铁山镇香菇专业合作社");
    chat.wait_for_all(&[&mark(&referred), &mark(&line)]).await;

    // 刘主任 opens the list from the line and marks her hired with one tap.
    chat.send("/as 5").await;
    chat.send("1").await; // 📋 推荐名单, under the line
    let entry = chat.wait_for(&zh("btn-refer-card")).await;
    assert!(entry.contains("王秀英") && entry.contains(&zh("job-status-referred")), "{entry}");
    chat.send(&button_number(&entry, &zh("job-status-hired"))).await;
    chat.wait_for(&zh("btn-refer-card")).await;

    // /outcomes for the county: one referral, one hire, each with its N (too few for a share).
    chat.send("/outcomes").await;
    chat.wait_for(&zh("outcomes-choose-region")).await;
    chat.wait_for("└─").await;
    chat.send("1").await;
    chat.wait_for(&zh("outcomes-all")).await;
    chat.wait_for("└─").await;
    chat.send("1").await;
    let figures = chat.wait_for(&mark(&zh("outcomes-note"))).await;
    assert!(figures.contains(&tr!(ZH, "outcomes-referrals", referrals = 1, people = 1)), "{figures}");
    let none = zh("outcomes-rate-none");
    let hired = tr!(ZH, "outcomes-referrals-hired", count = 1, n = 1, people = 1, rate = none.as_str());
    assert!(figures.contains(&hired), "{figures}");
    chat.send("/quit").await;
    let _ = chat.child.wait().await;
}

#[tokio::test]
async fn in_the_chat_a_trainer_takes_attendance_and_a_villager_passes_the_quiz() {
    let answers = mushroom_answers().await;
    let mut chat = Live::start();
    chat.wait_for("王秀英> ").await;
    // 王秀英 registers in 西村 (not looking for work: this journey is not about jobs) and orders the
    // small mushroom class (12-20 09:30–11:30).
    for line in ["/start", "1", "1", "王秀英", "1", "1", "2", "k2", "4", "k1", "1", "1", "2", "1"] {
        chat.send(line).await;
    }
    chat.wait_for(&mark(&pattern(ZH, "order-confirmed"))).await;
    // 张老师 joins as the course's trainer through an invite.
    for line in ["/as 4", "/invite trainer wang-lixin", "/open", "1", "张老师", "k2"] {
        chat.send(line).await;
    }
    chat.wait_for(&mark(&pattern(ZH, "reg-done-staff"))).await;
    chat.send("/clock 2026-12-20 09:20").await;
    chat.send("/checkin").await;
    chat.wait_for(&zh("checkin-choose-session")).await;
    chat.send("1").await;
    let opened = chat.wait_for(&mark(&pattern(ZH, "checkin-opened"))).await;
    // The code is what stands where the message has its argument.
    let before_code = pieces(&pattern(ZH, "checkin-opened"))[0].to_owned();
    let code: String = opened.split(before_code.as_str()).nth(1).unwrap().chars().take(4).collect();
    chat.wait_for(&tr!(ZH, "roster-counts", present = 0, total = 1)).await;

    chat.send("/as 1").await;
    chat.send(&code).await;
    chat.wait_for(&mark(&pattern(ZH, "checkin-done"))).await;
    chat.send("/clock 2026-12-20 11:31").await;
    chat.wait_for(&mark(&pattern(ZH, "quiz-invite"))).await;
    pass_the_quiz(&mut chat, &answers).await;
    let card = chat.wait_for("[photo]").await;
    assert!(has(&card, &pattern(ZH, "completed")), "{card}");

    // The course feedback rides on the completion: four stars, five stars, no comment.
    chat.wait_for(&zh("btn-survey-feedback")).await;
    chat.send("1").await;
    chat.wait_for(&tr!(ZH, "survey-progress", position = 1, total = 3)).await;
    chat.wait_for("└─").await;
    chat.send("4").await;
    chat.wait_for(&tr!(ZH, "survey-progress", position = 2, total = 3)).await;
    chat.wait_for("└─").await;
    chat.send("5").await;
    chat.wait_for(&zh("btn-survey-skip")).await;
    chat.send("1").await;
    chat.wait_for(&zh("survey-feedback-thanks")).await;

    // Three months on, the follow-up arrives (in daytime, outside busy seasons) and is answered.
    chat.send("/clock +92d").await;
    chat.wait_for(&mark(&tr!(ZH, "survey-followup-invite", course = ANY, months = 3))).await;
    chat.send("1").await;
    chat.wait_for(&mark(&zh("survey-q-household-size"))).await;
    chat.wait_for("└─").await;
    chat.send("4").await; // four people
    chat.wait_for(&mark(&zh("survey-q-income"))).await;
    chat.send("很多").await;
    chat.wait_for(&mark(&zh("survey-income-not-number"))).await;
    chat.send("三万五").await;
    for (question, button) in [
        ("survey-q-employment", "2"),
        ("survey-q-main-source", "3"),
        ("survey-q-used-learning", "1"),
        ("survey-q-industry", "2"),
        ("survey-q-referral-job", "2"),
    ] {
        chat.wait_for(&mark(&zh(question))).await;
        chat.wait_for("└─").await;
        chat.send(button).await;
    }
    chat.wait_for(&mark(&zh("survey-thanks"))).await;

    // The coordinator sees the figures, with N and "too few answers", and the CSV.
    chat.send("/as 5").await;
    chat.send("/outcomes").await;
    chat.wait_for(&zh("outcomes-choose-region")).await;
    chat.wait_for("└─").await;
    chat.send("1").await;
    chat.wait_for(&zh("outcomes-all")).await;
    chat.wait_for("└─").await;
    chat.send("1").await;
    let figures = chat.wait_for(&mark(&zh("outcomes-note"))).await;
    assert!(figures.contains(&tr!(ZH, "outcomes-enrolled", enrolled = 1, completed = 1)), "{figures}");
    let wave = tr!(ZH, "outcomes-wave", months = 3, answered = 1, due = 1, rate = ANY);
    assert!(has(&figures, &wave) && figures.contains(&tr!(ZH, "outcomes-too-few", n = 1)), "{figures}");
    chat.send("1").await;
    let file = chat.wait_for(".csv").await;
    assert!(file.contains("[file"), "{file}");
    chat.send("/quit").await;
    let _ = chat.child.wait().await;
}

#[tokio::test]
async fn in_the_chat_a_villager_reads_a_lesson_with_its_photo_and_voice() {
    let mut chat = Live::start();
    chat.wait_for("王秀英> ").await;
    for line in ["/start", "1", "1", "王秀英", "1", "1", "1", "k2", "5"] {
        chat.send(line).await;
    }
    chat.wait_for(&mark(&pattern(ZH, "reg-done"))).await;
    // 📖 学一课 is the third button of the menu.
    chat.send("k3").await;
    let card = chat.wait_for("[photo]").await;
    assert!(card.contains(&tr!(ZH, "lesson-card", title = "香菇菌棒补水", position = 1, total = 3)), "{card}");
    assert!(card.contains(&zh("lesson-voice-offer")), "{card}");
    chat.wait_for(&zh("btn-lesson-next")).await;
    chat.send("1").await; // 🔊 听语音
    chat.wait_for("[voice message").await;
    // The recording carries the page's 下一页 (the newest message with buttons: `1` presses it).
    chat.wait_for(&zh("btn-lesson-next")).await;
    chat.send("1").await; // 下一页, under the recording
    chat.wait_for(&tr!(ZH, "lesson-card", title = "香菇菌棒补水", position = 2, total = 3)).await;
    chat.send("/quit").await;
    let _ = chat.child.wait().await;
}

#[tokio::test]
async fn in_the_chat_a_trainer_broadcasts_and_the_coordinator_gets_lines_digest_and_report() {
    let mut chat = Live::start();
    chat.wait_for("王秀英> ").await;
    // 王秀英 orders the first mushroom class; the coordinator persona gets the line.
    for line in ["/start", "1", "1", "王秀英", "1", "1", "1", "k2", "5", "k1", "1", "1", "1", "1"] {
        chat.send(line).await;
    }
    // The reply and the coordinator's line (through the outbox) may come in either order.
    let confirmed = mark(&pattern(ZH, "order-confirmed"));
    let line = tr!(
        ZH,
        "coord-line-order",
        name = "王秀英",
        village = ANY,
        course = ANY,
        class = ANY,
        taken = ANY,
        total = ANY,
        status = ANY,
        number = ANY
    );
    chat.wait_for_all(&[&confirmed, &mark(&line)]).await;
    for line in ["/as 4", "/invite trainer wang-lixin", "/open", "1", "张老师", "k2"] {
        chat.send(line).await;
    }
    chat.wait_for(&mark(&pattern(ZH, "reg-done-staff"))).await;
    chat.send("/broadcast").await;
    chat.wait_for(&zh("broadcast-choose-target")).await;
    chat.send("1").await;
    chat.wait_for(&mark(&zh("broadcast-ask-text"))).await;
    // A photo the trainer sends is previewed and sent by its file id (the emulator knows it, as Telegram does).
    chat.send("/photo").await;
    chat.wait_for_all(&["[photo]", &mark(&tr!(ZH, "broadcast-ask-urgency", count = 1))]).await;
    chat.send("1").await; // normal
    chat.wait_for(&mark(&pattern(ZH, "broadcast-confirm"))).await;
    chat.send("1").await; // send
    chat.wait_for("bot → 王秀英").await;
    let report = tr!(ZH, "broadcast-report", sent = 1, blocked = ANY, failed = ANY, acks = ANY);
    chat.wait_for(&mark(&report)).await;

    // The coordinator: the digest at 18:00, then /report with a chart and a CSV.
    chat.send("/as 5").await;
    chat.send("/clock 2026-12-01 18:01").await;
    chat.wait_for(&mark(&pattern(ZH, "digest-title"))).await;

    chat.send("/report").await;
    chat.wait_for("└─").await;
    chat.send("1").await; // the county
    chat.wait_for("└─").await;
    chat.send("1").await; // all courses
    chat.wait_for("└─").await;
    chat.send("4").await; // the whole period
    chat.wait_for("[photo]").await;
    let file = chat.wait_for(".csv").await;
    assert!(file.contains("[file report-"), "{file}");
    chat.send("/quit").await;
    let _ = chat.child.wait().await;
}
