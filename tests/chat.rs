//! `fieldschool chat`, the README's first command: a newcomer registers in the terminal, with no token
//! and no network, and sees the bot's messages and numbered buttons.

use std::process::Stdio;

use tokio::io::AsyncWriteExt;
use tokio::process::Command;

async fn chat(input: &str) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fieldschool"))
        .arg("chat")
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
    // Agree, villager, name, county, township, village, skip the phone (a reply-keyboard button).
    let out = chat("/start\n1\n1\n王秀英\n1\n1\n1\nk2\n/who\n/quit\n").await;
    assert!(out.contains("您同意吗"), "{out}");
    assert!(out.contains("[1] "), "buttons are numbered: {out}");
    assert!(out.contains("农户"), "{out}");
    assert!(out.contains("新安县"), "the demo catalogue's counties are offered: {out}");
    assert!(out.contains("登记成功"), "{out}");
    assert!(out.contains("地区：新安县 铁山镇 东村"), "{out}");
    assert!(out.contains("*1 王秀英"), "{out}");
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
    let out = chat("/start\n1\n1\n王秀英\n1\n1\n1\nk2\nk1\n1\n1\n1\n1\nk2\n/as 5\n/quit\n").await;
    assert!(out.contains("报名成功"), "{out}");
    assert!(out.contains("订单号：FS-"), "{out}");
    assert!(out.contains("您的课程") && out.contains("已确认"), "{out}");
    assert!(out.contains("bot → 刘主任") && out.contains("新报名：王秀英（东村）"), "{out}");
}
