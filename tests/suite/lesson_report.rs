//! The lesson figures of the coordinators' `/report` against a hand count: villagers and a cadre of two
//! townships of 新安县 read lessons through the bot (finished, left off, answered wrong then right, a
//! lesson read again the next year), one reading is sent and never opened, and a villager of another
//! county reads too. The report of 新安县 counts sent, opened, completed and right-at-the-first-try per
//! lesson and per township, each share with its N; the other county is not counted. In Chinese and
//! English, with the lesson CSV, on SQLite and PostgreSQL.

use crate::common::{EN, Lang, Store, TestBot, ZH, beijing, en, shows, tr, zh};
use fieldschool::db;
use fieldschool::emulator::BotMessage;

/// Registers a villager or cadre in `county` / `township` (the township's first village), in Chinese.
async fn person_in(t: &TestBot, id: i64, name: &str, audience: &str, county: &str, township: &str) -> i64 {
    let me = t.user(id, name, "zh-hans");
    let consent = t.say(me, "/start").await;
    assert!(!consent.inline_keyboard.is_empty(), "{consent:?}");
    t.tap(me, "同意").await;
    t.tap(me, audience).await;
    t.say(me, name).await;
    t.tap(me, county).await;
    let villages = t.tap(me, township).await;
    t.tap_first(me, &villages).await;
    t.emu.send_contact(me, "+8613800000000");
    t.after_phone(me).await; // registered
    t.next(me).await; // help
    me
}

/// The options of the check question on `msg` and the right one, found among the stored lessons.
async fn question_on_screen(t: &TestBot, msg: &BotMessage) -> (Vec<String>, usize) {
    let text = msg.rendered_text();
    for c in db::lessons::candidates(&t.app.db).await.unwrap() {
        let stored = db::lessons::lesson(&t.app.db, c.lesson_id).await.unwrap().unwrap();
        for q in &stored.lesson.questions {
            if text.contains(q.text_in(ZH)) {
                return (q.options_in(ZH).to_vec(), q.answer);
            }
        }
    }
    panic!("no stored question in:\n{text}")
}

async fn press(t: &TestBot, me: i64, msg: &BotMessage, label: &str) {
    let button = msg.buttons().find(|b| b.text == label).unwrap_or_else(|| panic!("no button {label:?}: {msg:?}"));
    let id = t.emu.press(me, msg.message_id, button.callback_data.as_deref().unwrap());
    t.emu.callback_answer(&id).await.unwrap();
}

/// Reads the lesson on screen from `msg`, answering its questions right or wrong as `answers` says;
/// stops at the question after the last of `answers` (a reading left off) or at the end. Returns the
/// last message (a question, or the end of the lesson).
async fn read(t: &TestBot, me: i64, mut msg: BotMessage, answers: &[bool]) -> BotMessage {
    let next = zh("btn-lesson-next");
    let mut answers = answers.iter();
    for _ in 0..12 {
        if msg.buttons().any(|b| b.text == next) {
            press(t, me, &msg, &next).await;
            msg = t.next(me).await;
        } else if shows(&msg.rendered_text(), ZH, "lesson-question") {
            let Some(&right) = answers.next() else { return msg };
            let (options, answer) = question_on_screen(t, &msg).await;
            let chosen = if right { answer } else { (answer + 1) % options.len() };
            press(t, me, &msg, &format!("{}. {}", chosen + 1, options[chosen])).await;
            let feedback = t.next(me).await.rendered_text();
            assert!(shows(&feedback, ZH, if right { "quiz-right" } else { "quiz-wrong" }), "{feedback}");
            msg = t.next(me).await;
        } else {
            assert!(answers.next().is_none(), "the lesson ended before every answer: {}", msg.rendered_text());
            return msg;
        }
    }
    panic!("the lesson did not end")
}

/// The block of the summary headed `head`.
fn block(summary: &str, head: &str) -> String {
    summary
        .split("\n\n")
        .find(|b| b.starts_with(head))
        .unwrap_or_else(|| panic!("no block {head} in:\n{summary}"))
        .to_owned()
}

/// A region's row of the section as the bot words it: name, sent, opened and completed (hits of sent),
/// and right at the first try (hits of answered).
fn row(lang: Lang, name: &str, sent: u64, opened: u64, completed: u64, first: (u64, u64)) -> String {
    tr!(lang, "report-lessons-row", name = name, counts = counts(lang, sent, opened, completed, first))
}

/// A lesson's row, as [`row`].
fn lesson_row(lang: Lang, title: &str, sent: u64, opened: u64, completed: u64, first: (u64, u64)) -> String {
    tr!(lang, "report-lessons-lesson-row", name = title, counts = counts(lang, sent, opened, completed, first))
}

fn counts(lang: Lang, sent: u64, opened: u64, completed: u64, (right, answered): (u64, u64)) -> String {
    // Shares of fewer than 5 show no percentage (the order report's rule).
    let share = |hits: u64, n: u64| {
        if n >= 5 {
            tr!(lang, "report-lessons-share", hits = hits, n = n, pct = (hits * 100 + n / 2) / n)
        } else {
            tr!(lang, "report-lessons-share-few", hits = hits, n = n)
        }
    };
    let first = match answered {
        0 => tr!(lang, "report-lessons-first-none"),
        n if n < 5 => tr!(lang, "report-lessons-first-few", hits = right, n = n),
        n => tr!(lang, "report-lessons-first", hits = right, n = n, pct = (right * 100 + n / 2) / n),
    };
    tr!(
        lang,
        "report-lessons-counts",
        sent = sent,
        opened = share(opened, sent),
        completed = share(completed, sent),
        first = first
    )
}

fn parse_csv(bytes: &[u8]) -> Vec<Vec<String>> {
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "UTF-8 with a BOM for Excel");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    text.split("\r\n").filter(|l| !l.is_empty()).map(|l| l.split(',').map(str::to_owned).collect()).collect()
}

/// The lines of the lesson block in order, after its title.
fn lesson_lines(summary: &str, lang: Lang) -> Vec<String> {
    block(summary, &tr!(lang, "report-lessons-title")).lines().skip(1).map(str::to_owned).collect()
}

async fn figures_against_a_hand_count(store: Store) {
    let Some(t) = TestBot::start(store).await else { return };

    // 铁山镇 (东村).
    let jia = person_in(&t, 1701, "甲", "农户", "新安县", "铁山镇").await;
    let yi = person_in(&t, 1702, "乙", "农户", "新安县", "铁山镇").await;
    let bing = person_in(&t, 1703, "丙", "干部", "新安县", "铁山镇").await;
    // 城关镇.
    let ding = person_in(&t, 1704, "丁", "农户", "新安县", "城关镇").await;
    let wu = person_in(&t, 1705, "戊", "农户", "新安县", "城关镇").await;
    // 黔山县: another county, not in the coordinator's scope.
    let ji = person_in(&t, 1706, "己", "农户", "黔山县", "茶乡镇").await;

    let lesson = zh("menu-lesson");
    // 甲: 香菇 with the first answer wrong, the second right; then 大棚 opened and left at its first card.
    let first = t.say(jia, &lesson).await;
    let done = read(&t, jia, first, &[false, true]).await;
    press(&t, jia, &done, &zh("btn-lesson-more")).await;
    let greenhouse = t.next(jia).await;
    assert!(greenhouse.rendered_text().contains("冬季大棚通风防病"), "{}", greenhouse.rendered_text());
    // 乙: 香菇, both right.
    let first = t.say(yi, &lesson).await;
    read(&t, yi, first, &[true, true]).await;
    // 丙 (cadre): the two cadre lessons and the one for everyone, every one finished.
    let mut msg = t.say(bing, &lesson).await;
    for (title, answers) in
        [("防返贫监测", &[false, true][..]), ("入户走访", &[true][..]), ("手机上查农技知识", &[true, false][..])]
    {
        assert!(msg.rendered_text().contains(title), "{title}: {}", msg.rendered_text());
        let done = read(&t, bing, msg, answers).await;
        press(&t, bing, &done, &zh("btn-lesson-more")).await;
        msg = t.next(bing).await;
    }
    assert_eq!(msg.rendered_text(), zh("lesson-none-left"));
    // 丁: 香菇, the first question answered wrong, then left off.
    let first = t.say(ding, &lesson).await;
    let left_at = read(&t, ding, first, &[false]).await;
    assert!(left_at.buttons().next().is_some(), "still at the second question");
    // 戊: a lesson sent (as a daily lesson would be) and never opened.
    let greenhouse_id = db::lessons::lesson_by_key(&t.app.db, "dapeng-tongfeng").await.unwrap().unwrap().lesson.id;
    sqlx::query(
        "INSERT INTO lesson_readings (user_id, lesson_id, source, sent_at, opened_at, step, step_index, updated_at)
         VALUES ($1, $2, 'daily', $3, NULL, 'card', 0, $3)",
    )
    .bind(wu)
    .bind(greenhouse_id)
    .bind(beijing("2026-12-02T19:30:00").timestamp())
    .execute(&t.app.db.pool)
    .await
    .unwrap();
    // 己 (黔山县): 香菇, both right: not counted.
    let first = t.say(ji, &lesson).await;
    read(&t, ji, first, &[true, true]).await;

    // 2027: 丙 reads the policy lesson again (its credits count again this year), both right: not a
    // first try.
    t.clock.set(beijing("2027-01-05T10:00:00"));
    let again = t.say(bing, &lesson).await;
    assert!(again.rendered_text().contains("防返贫监测"), "{}", again.rendered_text());
    read(&t, bing, again, &[true, true]).await;

    // The hand count, every reading sent in 新安县 (all time):
    //   甲 香菇 2026: opened, finished, 2 answered, 1 right     甲 大棚: opened, 0 answered
    //   乙 香菇: opened, finished, 2 of 2 right
    //   丙 防返贫 2026: opened, finished, 1 of 2 right; 入户: finished, 1 of 1; 手机: finished, 1 of 2
    //   丙 防返贫 2027: finished, 2 of 2 right, but not a first reading: not in "first try"
    //   丁 香菇: opened, 1 answered, 0 right                   戊 大棚: sent only
    // By lesson: 香菇 sent 3, opened 3, completed 2, first 3 of 5; 大棚 2, 1, 0, none answered;
    // 防返贫 2, 2, 2, 1 of 2; 手机 1, 1, 1, 1 of 2; 入户 1, 1, 1, 1 of 1.
    // By township: 铁山镇 7, 7, 6, 6 of 9; 城关镇 2, 1, 0, 0 of 1; 河西乡 nothing. Total 9, 8, 6, 6 of 10.
    let coord = t.coordinator(1709, "刘主任").await;
    t.say(coord, "/report").await;
    t.tap(coord, "新安县").await;
    t.tap(coord, &zh("report-all-courses")).await;
    let summary = t.tap(coord, &zh("report-period-all")).await.rendered_text();
    let expected = [
        tr!(ZH, "report-lessons-total", counts = counts(ZH, 9, 8, 6, (6, 10))),
        zh("report-lessons-by-lesson"),
        lesson_row(ZH, "香菇菌棒补水", 3, 3, 2, (3, 5)),
        lesson_row(ZH, "冬季大棚通风防病", 2, 1, 0, (0, 0)),
        lesson_row(ZH, "防返贫监测：发现风险怎么办", 2, 2, 2, (1, 2)),
        lesson_row(ZH, "手机上查农技知识", 1, 1, 1, (1, 2)),
        lesson_row(ZH, "入户走访的三个要点", 1, 1, 1, (1, 1)),
        zh("report-lessons-by-region"),
        row(ZH, "铁山镇", 7, 7, 6, (6, 9)),
        row(ZH, "城关镇", 2, 1, 0, (0, 1)),
        tr!(ZH, "report-lessons-row", name = "河西乡", counts = zh("report-lessons-counts-none")),
        zh("report-lessons-note"),
    ];
    assert_eq!(lesson_lines(&summary, ZH), expected, "{summary}");
    // Spelled out once, so the helpers above cannot hide a mistake: 89% opened, 60% right first time.
    assert!(
        summary.contains("合计：发出 9 次，打开 8/9（89%），学完 6/9（67%），首次答对 6/10 题（60%）"),
        "{summary}"
    );
    assert!(!summary.contains("春茶"), "黔山县's lesson is not counted: {summary}");
    t.next(coord).await; // chart
    let orders = t.next(coord).await;
    assert_eq!(orders.document.unwrap().0, "report-xinan-all.csv");
    let doc = t.next(coord).await;
    assert!(
        doc.rendered_text().contains(&tr!(ZH, "report-lessons-csv-caption", lessons = 5, regions = 3)),
        "{}",
        doc.rendered_text()
    );
    let (name, bytes) = doc.document.unwrap();
    assert_eq!(name, "report-lessons-xinan-all.csv");
    let rows = parse_csv(&bytes);
    let header = [
        "report-lessons-csv-kind",
        "report-lessons-csv-name",
        "report-lessons-csv-key",
        "report-lessons-csv-sent",
        "report-lessons-csv-opened",
        "report-lessons-csv-opened-pct",
        "report-lessons-csv-completed",
        "report-lessons-csv-completed-pct",
        "report-lessons-csv-answered",
        "report-lessons-csv-first-right",
        "report-lessons-csv-first-pct",
    ];
    assert_eq!(rows[0], header.map(zh));
    let (lesson_kind, region_kind, total_kind) =
        (zh("report-lessons-csv-lesson"), zh("report-lessons-csv-region"), zh("report-lessons-csv-total"));
    let expected_rows: Vec<Vec<String>> = [
        [&*lesson_kind, "香菇菌棒补水", "xianggu-bushui", "3", "3", "", "2", "", "5", "3", "60"],
        [&*lesson_kind, "冬季大棚通风防病", "dapeng-tongfeng", "2", "1", "", "0", "", "0", "0", ""],
        [&*lesson_kind, "防返贫监测：发现风险怎么办", "fanpin-jiance", "2", "2", "", "2", "", "2", "1", ""],
        [&*lesson_kind, "手机上查农技知识", "shouji-nongji", "1", "1", "", "1", "", "2", "1", ""],
        [&*lesson_kind, "入户走访的三个要点", "ruhu-zoufang", "1", "1", "", "1", "", "1", "1", ""],
        [&*region_kind, "铁山镇", "xinan-tieshan", "7", "7", "100", "6", "86", "9", "6", "67"],
        [&*region_kind, "城关镇", "xinan-chengguan", "2", "1", "", "0", "", "1", "0", ""],
        [&*region_kind, "河西乡", "xinan-hexi", "0", "0", "", "0", "", "0", "0", ""],
        [&*total_kind, &*total_kind, "", "9", "8", "89", "6", "67", "10", "6", "60"],
    ]
    .iter()
    .map(|r| r.iter().map(|c| (*c).to_owned()).collect())
    .collect();
    assert_eq!(rows[1..], expected_rows[..]);

    // One course: only its lesson (香菇, of 食用菌种植技术) counts.
    t.say(coord, "/report").await;
    t.tap(coord, "新安县").await;
    t.tap(coord, "食用菌种植技术").await;
    let summary = t.tap(coord, &zh("report-period-all")).await.rendered_text();
    let lines = lesson_lines(&summary, ZH);
    assert_eq!(lines[0], tr!(ZH, "report-lessons-total", counts = counts(ZH, 3, 3, 2, (3, 5))), "{summary}");
    assert_eq!(lines[2], lesson_row(ZH, "香菇菌棒补水", 3, 3, 2, (3, 5)));
    assert_eq!(lines[3], zh("report-lessons-by-region"), "one lesson only: {summary}");
    assert_eq!(lines[4], row(ZH, "铁山镇", 2, 2, 2, (3, 4)));
    assert_eq!(lines[5], row(ZH, "城关镇", 1, 1, 0, (0, 1)));
    t.next(coord).await;
    t.next(coord).await;
    let (name, _) = t.next(coord).await.document.unwrap();
    assert_eq!(name, "report-lessons-xinan-mushroom-all.csv");

    // This year (2027): only 丙's second reading was sent; its answers are not first tries.
    t.say(coord, "/report").await;
    t.tap(coord, "新安县").await;
    t.tap(coord, &zh("report-all-courses")).await;
    let summary = t.tap(coord, &zh("report-period-year")).await.rendered_text();
    let lines = lesson_lines(&summary, ZH);
    assert_eq!(lines[0], tr!(ZH, "report-lessons-total", counts = counts(ZH, 1, 1, 1, (0, 0))), "{summary}");
    assert_eq!(lines[2], lesson_row(ZH, "防返贫监测：发现风险怎么办", 1, 1, 1, (0, 0)));
    t.next(coord).await;
    t.next(coord).await;
    t.next(coord).await;

    // In English (the coordinator's language), with the catalogue's English names.
    let amy = t.user(1710, "Liu", "en");
    t.register(amy, "Director Liu", "I agree", "cadre").await;
    let grant = fieldschool::domain::person::RoleGrant {
        role: fieldschool::domain::person::Role::Coordinator,
        region_key: "xinan".to_owned(),
    };
    fieldschool::services::people::grant(&t.app, amy, &grant).await.unwrap();
    t.say(amy, "/report").await;
    t.tap(amy, "Xin'an County").await;
    t.tap(amy, &en("report-all-courses")).await;
    let summary = t.tap(amy, &en("report-period-all")).await.rendered_text();
    let lines = lesson_lines(&summary, EN);
    assert_eq!(lines[0], tr!(EN, "report-lessons-total", counts = counts(EN, 9, 8, 6, (6, 10))), "{summary}");
    assert_eq!(lines[2], lesson_row(EN, "Re-watering shiitake logs", 3, 3, 2, (3, 5)));
    assert_eq!(lines[8], row(EN, "Tieshan Town", 7, 7, 6, (6, 9)));
    assert!(
        summary.contains("All: 9 sent, 8/9 (89%) opened, 6/9 (67%) completed, 6/10 questions right first time (60%)"),
        "{summary}"
    );
    t.next(amy).await;
    t.next(amy).await;
    let (_, bytes) = t.next(amy).await.document.unwrap();
    assert_eq!(parse_csv(&bytes)[0][0], en("report-lessons-csv-kind"));
    t.stop().await;
}

#[tokio::test]
async fn lesson_figures_match_a_hand_count_on_sqlite() {
    figures_against_a_hand_count(Store::Sqlite).await;
}

#[tokio::test]
async fn lesson_figures_match_a_hand_count_on_postgres() {
    figures_against_a_hand_count(Store::Postgres).await;
}
