//! Many people at once against a bot binary: each sends a step and waits for its answer.

use fieldschool::emulator::Emulator;

/// Waits for the bot's next message to `who` that contains `marker`, skipping others (a reply repeated
/// after a kill, a note that came between); panics with the last messages if none comes.
pub async fn wait_for(emu: &Emulator, who: i64, marker: &str) -> String {
    loop {
        let m = match emu.next_message(who).await {
            Ok(m) => m,
            Err(e) => {
                let last: Vec<String> = emu.messages(who).iter().rev().take(3).map(|m| m.rendered_text()).collect();
                panic!("{who}: {e:#} (waiting for {marker:?}); last messages: {last:?}")
            }
        };
        let text = m.rendered_text();
        if text.contains(marker) {
            return text;
        }
    }
}

/// Everyone in `people` does each step in turn (concurrently across people), waiting for its answer.
pub async fn run_steps(emu: &Emulator, people: std::ops::Range<i64>, steps: &[(&str, &str)]) {
    let mut tasks = Vec::new();
    for who in people {
        let emu = emu.clone();
        let steps: Vec<(String, String)> = steps.iter().map(|(i, m)| (i.to_string(), m.to_string())).collect();
        tasks.push(tokio::spawn(async move {
            for (input, marker) in steps {
                emu.send_text(who, &input);
                wait_for(&emu, who, &marker).await;
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
}

/// The sign-up after the name question: county to the order summary of the big mushroom class.
pub const TO_THE_ORDER_SUMMARY: [(&str, &str); 9] = [
    ("新安县", "乡镇"),
    ("铁山镇", "村"),
    ("东村", "手机号"),
    ("跳过", "什么样的活"),
    ("跳过", "登记成功"),
    ("报名培训", "想学哪一类"),
    ("特色种养", "第 1/1 页"),
    ("食用菌种植技术", "请选择班次"),
    ("铁山镇农业技术推广站", "请核对您的报名"),
];

/// Returns once the inbox holds nothing pending or being handled. A bot in another process gives no
/// signal when it is done, and an update whose reply came before a kill may still be redone after the
/// restart (its step was not committed yet), so tests that read storage wait for the inbox to drain.
pub async fn drained(db: &fieldschool::db::Db) {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        let depth = fieldschool::db::inbox::depth(db).await.unwrap();
        if depth.pending + depth.working == 0 {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "the inbox did not drain in 120 s: {depth:?}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
