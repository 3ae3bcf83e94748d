//! The coordinator's `/report` end to end through the Bot API emulator: a small known situation
//! (orders, a cancellation, a waitlist, a check-in, an absence, a passed quiz), then the summary
//! figures, the chart PNG and the CSV are checked against it; scope checks refuse villagers and
//! forged buttons for another county or a course held elsewhere.

use crate::assert_shows;
use crate::common::{ANY, DEMO_CATALOG, Store, TestBot, ZH, beijing, matches, shows, tr, zh};
use fieldschool::db;
use fieldschool::domain::callback::Cb;
use fieldschool::domain::report::{CourseTag, Period, ReportStep};
use fieldschool::emulator::BotMessage;
use fieldschool::render::BAR_CHART_SIZE;

/// The small class's place, with an ASCII comma so the CSV must quote it.
const SMALL_PLACE: &str = "西村, 张大姐家菇棚";

async fn order(t: &TestBot, me: i64, category: &str, course: &str, class_label: &str) -> BotMessage {
    t.say(me, "📚 报名培训").await;
    t.tap(me, category).await;
    t.tap(me, course).await;
    t.tap(me, class_label).await;
    t.tap(me, "确认报名").await
}

fn labels(msg: &BotMessage) -> Vec<String> {
    msg.buttons().map(|b| b.text.clone()).collect()
}

/// (width, height) from a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.len() > 33, "too short for a PNG: {} bytes", bytes.len());
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR", "first chunk is IHDR");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

/// RFC 4180 records (quoted fields may hold commas and doubled quotes; lines end in CRLF).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for line in text.split("\r\n").filter(|l| !l.is_empty()) {
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, quoted) {
                ('"', true) if chars.peek() == Some(&'"') => {
                    field.push('"');
                    chars.next();
                }
                ('"', true) => quoted = false,
                ('"', false) if field.is_empty() => quoted = true,
                (',', false) => fields.push(std::mem::take(&mut field)),
                (c, _) => field.push(c),
            }
        }
        assert!(!quoted, "unterminated quote in {line:?}");
        fields.push(field);
        rows.push(fields);
    }
    rows
}

/// The lines of the summary block that starts with `【title】`.
/// The block of the summary headed by `head` (`report-course-title` or `report-total-title`).
fn block(summary: &str, head: &str) -> String {
    summary
        .split("\n\n")
        .find(|b| b.starts_with(head))
        .unwrap_or_else(|| panic!("no block {head} in:\n{summary}"))
        .to_owned()
}

/// Presses raw callback data on `msg` and returns the answer's text.
async fn press(t: &TestBot, user: i64, msg: &BotMessage, data: &str) -> String {
    let before = t.emu.sent_count(user);
    let id = t.emu.press(user, msg.message_id, data);
    let answer = t.emu.callback_answer(&id).await.unwrap();
    assert_eq!(t.emu.sent_count(user), before, "a refused press sends nothing");
    answer.text.unwrap_or_default()
}

async fn report_scenario(store: Store) {
    let Some(t) = TestBot::start_with(store, |c| c.quiz_seed = Some(42)).await else { return };
    let catalog = DEMO_CATALOG.replace("西村张大姐家菇棚", SMALL_PLACE);
    fieldschool::services::catalog_import::import_str(&t.app.db, "demo-catalog.toml", &catalog).await.unwrap();

    let teacher = t.trainer(700, "wang-lixin", "王立新").await;
    let a = t.villager(701, "甲").await;
    let b = t.villager(702, "乙").await;
    let c = t.villager(703, "丙").await;
    let d = t.villager(704, "丁").await;
    let e = t.villager(705, "戊").await;

    // The small mushroom class (2 seats): 甲 and 乙 in, 丙 on the waitlist. 丁 orders the big class
    // and cancels; 戊 orders the electrician class.
    for who in [a, b] {
        let done = order(&t, who, "特色种养", "食用菌种植技术", "张大姐家菇棚").await;
        assert_shows!(done.rendered_text(), ZH, "order-confirmed");
    }
    let waiting = order(&t, c, "特色种养", "食用菌种植技术", "张大姐家菇棚").await;
    assert!(
        matches(&waiting.rendered_text(), &tr!(ZH, "order-waitlisted", position = 1, number = ANY)),
        "{}",
        waiting.rendered_text()
    );
    order(&t, d, "特色种养", "食用菌种植技术", "铁山镇农业技术推广站").await;
    t.say(d, "/my").await;
    t.tap(d, "❌ 取消").await;
    assert_shows!(t.tap(d, "确定取消").await.rendered_text(), ZH, "cancel-done");
    let done = order(&t, e, "技能工种", "农村低压电工", "新安县职业技术学校").await;
    assert_shows!(done.rendered_text(), ZH, "order-confirmed");

    // 2026-12-20 09:30–11:30: 甲 checks in, 乙 does not come.
    t.clock.set(beijing("2026-12-20T09:20:00"));
    for who in [a, b] {
        t.around_class(who, 2, 1).await; // and the 课前预习 at 20:00 the evening before
    }
    let code = t.open_checkin(teacher, "12月20日").await;
    t.next(a).await;
    t.next(b).await;
    assert_shows!(t.say(a, &code).await.rendered_text(), ZH, "checkin-done");

    // After the session 乙 is absent (a no-show: the class has ended); 甲 takes the quiz and passes →
    // completed.
    t.clock.set(beijing("2026-12-20T11:31:00"));
    assert_shows!(t.next(a).await.rendered_text(), ZH, "quiz-invite");
    let mut question = t.tap(a, "开始测验").await;
    for _ in 0..5 {
        t.answer_quiz(a, &question, "mushroom", true).await; // feedback
        question = t.next(a).await;
    }
    assert_shows!(question.rendered_text(), ZH, "quiz-passed");
    let congratulation = t.next(a).await;
    assert_shows!(congratulation.rendered_text(), ZH, "completed-code");

    // A villager has no /report.
    assert!(t.say(c, "/report").await.rendered_text().contains(&zh("not-allowed")));

    // The coordinator of 新安县 (registered now, so no order lines are waiting in their chat).
    let coord = t.coordinator(709, "刘主任").await;
    let regions = t.say(coord, "/report").await;
    assert!(regions.rendered_text().contains(&zh("report-choose-region")), "{}", regions.rendered_text());
    let region_labels = labels(&regions);
    assert_eq!(region_labels[0], "新安县", "{region_labels:?}");
    assert!(region_labels.iter().any(|l| l == "铁山镇"), "{region_labels:?}");
    let other_county = db::regions::get(&t.app.db, "qianshan").await.unwrap().unwrap().name;
    assert!(!region_labels.contains(&other_county), "{region_labels:?}");

    let courses = t.tap(coord, "新安县").await;
    let course_labels = labels(&courses);
    assert_eq!(course_labels[0], zh("report-all-courses"));
    for title in ["食用菌种植技术", "农村低压电工"] {
        assert!(course_labels.iter().any(|l| l == title), "{course_labels:?}");
    }
    assert!(
        !course_labels.iter().any(|l| l.contains("农家乐")),
        "a course held only in another county: {course_labels:?}"
    );
    let periods = t.tap(coord, "全部课程").await;
    let period_keys = ["report-period-week", "report-period-month", "report-period-year", "report-period-all"];
    assert_eq!(labels(&periods), period_keys.map(zh));

    // This month: everything above.
    let summary = t.tap(coord, "本月").await.rendered_text();
    // Region and course names are the demo catalogue's.
    let title = tr!(
        ZH,
        "report-title",
        region = "新安县",
        course = zh("report-all-courses"),
        period = zh("report-period-month")
    );
    assert!(summary.contains(&title), "{summary}");
    let range = tr!(ZH, "report-range", from = "2026-12-01", to = "2026-12-31", tz = ANY);
    assert!(matches(&summary, &range), "{summary}");
    let course = |name: &str| tr!(ZH, "report-course-title", course = name);
    let mushroom = block(&summary, &course("食用菌种植技术"));
    for line in [
        tr!(ZH, "report-orders", orders = 1, cancelled = 1, waitlisted = 1, rows = 4),
        tr!(ZH, "report-other", n = 1),
        tr!(ZH, "report-seats", taken = 2, total = 32, classes = 2),
        tr!(ZH, "report-attendance-few", present = 1, n = 2, excused = 0, sessions = 4),
        tr!(ZH, "report-people", attended = 1, completed = 1, orders = 1),
        tr!(ZH, "report-quiz-few", passed = 1, n = 1),
    ] {
        assert!(mushroom.contains(&line), "{line}\nnot in:\n{mushroom}");
    }
    let electrician = block(&summary, &course("农村低压电工"));
    for line in [
        tr!(ZH, "report-orders", orders = 1, cancelled = 0, waitlisted = 0, rows = 1),
        tr!(ZH, "report-seats", taken = 1, total = 24, classes = 1),
        tr!(ZH, "report-attendance-none", excused = 0, sessions = 0),
        tr!(ZH, "report-people", attended = 0, completed = 0, orders = 1),
        zh("report-quiz-none"),
    ] {
        assert!(electrician.contains(&line), "{line}\nnot in:\n{electrician}");
    }
    assert!(block(&summary, &course("农家菜与中式面点")).contains(&zh("report-no-orders")), "{summary}");
    let total = tr!(ZH, "report-orders", orders = 2, cancelled = 1, waitlisted = 1, rows = 5);
    assert!(block(&summary, &zh("report-total-title")).contains(&total), "{summary}");

    // The chart: a PNG of the chart size.
    let chart = t.next(coord).await;
    let png = chart.photo.clone().expect("the chart comes as a photo");
    assert_eq!(png_size(&png), BAR_CHART_SIZE);
    assert!(chart.rendered_text().contains(&zh("report-chart-caption")), "{}", chart.rendered_text());

    // The CSV: BOM, header, one row per order, statuses matching the summary.
    let doc = t.next(coord).await;
    let (name, bytes) = doc.document.clone().expect("the CSV comes as a document");
    assert_eq!(name, "report-xinan-2026-12.csv");
    assert!(doc.rendered_text().contains(&tr!(ZH, "report-csv-caption", count = 5)), "{}", doc.rendered_text());
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "UTF-8 with a BOM for Excel");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(text.contains(&format!("\"{SMALL_PLACE}\"")), "a field with a comma is quoted: {text}");
    let rows = parse_csv(&text);
    let header = [
        "report-csv-number",
        "report-csv-course",
        "report-csv-class",
        "report-csv-name",
        "report-csv-village",
        "report-csv-status",
        "report-csv-present",
        "report-csv-held",
        "report-csv-completed",
        "report-csv-class-key",
    ];
    assert_eq!(rows[0], header.map(zh));
    let data = &rows[1..];
    assert_eq!(data.len(), 5, "{rows:?}");
    assert!(data.iter().all(|r| r.len() == 10 && r[0].starts_with("FS-")), "{rows:?}");
    let status_count = |key: &str| data.iter().filter(|r| r[5] == zh(key)).count();
    assert_eq!(
        status_count("status-confirmed")
            + status_count("status-pending-approval")
            + status_count("status-attended")
            + status_count("status-completed"),
        2
    );
    assert_eq!(status_count("status-no-show"), 1, "the class has ended: 乙 came to none of it");
    assert_eq!(status_count("status-cancelled"), 1);
    assert_eq!(status_count("status-waitlisted"), 1);
    let row_of = |name: &str| data.iter().find(|r| r[3] == name).unwrap_or_else(|| panic!("no row for {name}"));
    let (yes, no) = (zh("report-yes"), zh("report-no"));
    assert_eq!(row_of("甲")[1..3], ["食用菌种植技术", SMALL_PLACE]);
    assert_eq!(row_of("甲")[5..10], [zh("status-completed").as_str(), "1", "1", &yes, "mushroom-small-2026-12"]);
    assert_eq!(row_of("乙")[5..9], [zh("status-no-show").as_str(), "0", "1", &no]);
    assert_eq!(row_of("丁")[5..9], [zh("status-cancelled").as_str(), "0", "3", &no]);
    assert_eq!(row_of("戊")[1], "农村低压电工");
    assert!(!row_of("甲")[4].is_empty(), "the village is named");

    // This week (12-14 to 12-20): no orders placed, an empty CSV.
    let week = t.tap(coord, "本周").await.rendered_text();
    assert!(matches(&week, &tr!(ZH, "report-range", from = "2026-12-14", to = "2026-12-20", tz = ANY)), "{week}");
    assert!(block(&week, &course("食用菌种植技术")).contains(&zh("report-no-orders")), "{week}");
    t.next(coord).await; // chart
    let doc = t.next(coord).await;
    let (name, bytes) = doc.document.clone().unwrap();
    assert_eq!(name, "report-xinan-2026-W51.csv");
    assert_eq!(parse_csv(std::str::from_utf8(&bytes[3..]).unwrap()).len(), 1, "only the header");

    // A township narrows the courses; one course narrows the report.
    t.say(coord, "/report").await;
    let courses = t.tap(coord, "铁山镇").await;
    assert!(!labels(&courses).iter().any(|l| l == "农村低压电工"), "{:?}", labels(&courses));
    t.tap(coord, "食用菌种植技术").await;
    let summary = t.tap(coord, "全部").await.rendered_text();
    let title = tr!(ZH, "report-title", region = "铁山镇", course = "食用菌种植技术", period = zh("report-period-all"));
    assert!(summary.contains(&title) && summary.contains(&zh("report-range-all")), "{summary}");
    assert!(!summary.contains(&zh("report-total-title")) && !summary.contains("农村低压电工"), "{summary}");
    t.next(coord).await;
    let (name, bytes) = t.next(coord).await.document.unwrap();
    assert_eq!(name, "report-xinan-tieshan-mushroom-all.csv");
    assert_eq!(parse_csv(std::str::from_utf8(&bytes[3..]).unwrap()).len(), 1 + 4);

    // Forged presses: another county, a course not held in the region, a villager.
    let last = t.emu.last_message(coord).unwrap();
    let forged = Cb::Report(ReportStep::Run { region: "qianshan".into(), course: None, period: Period::All }).encode();
    assert!(press(&t, coord, &last, &forged).await.contains(&zh("not-allowed")));
    let forged = Cb::Report(ReportStep::Region("qianshan-chaxiang".into())).encode();
    assert!(press(&t, coord, &last, &forged).await.contains(&zh("not-allowed")));
    let farmstay =
        ReportStep::Run { region: "xinan".into(), course: Some(CourseTag::of("farmstay")), period: Period::All };
    assert!(press(&t, coord, &last, &Cb::Report(farmstay).encode()).await.contains(&zh("not-allowed")));
    let last_c = t.emu.last_message(c).unwrap();
    let own = Cb::Report(ReportStep::Region("xinan".into())).encode();
    assert!(press(&t, c, &last_c, &own).await.contains(&zh("not-allowed")));
    t.stop().await;
}

#[tokio::test]
async fn coordinator_report_sqlite() {
    report_scenario(Store::Sqlite).await;
}

#[tokio::test]
async fn coordinator_report_postgres() {
    report_scenario(Store::Postgres).await;
}

/// `/outcomes` counts people where it says 人 and orders where it says 份, as the CSV it exports does;
/// the CSV's phone numbers open in Excel and WPS as typed.
async fn outcomes_count_people_and_orders_as_their_csv(store: Store) {
    let Some(t) = TestBot::start(store).await else { return };
    let a = t.villager(720, "甲").await;
    let b = t.villager(721, "乙").await;
    // 甲 orders two courses, 乙 one: two people, three orders.
    for (who, category, course, class) in [
        (a, "特色种养", "食用菌种植技术", "铁山镇农业技术推广站"),
        (a, "技能工种", "农村低压电工", "新安县职业技术学校"),
        (b, "特色种养", "食用菌种植技术", "铁山镇农业技术推广站"),
    ] {
        let done = order(&t, who, category, course, class).await;
        assert_shows!(done.rendered_text(), ZH, "order-confirmed");
    }

    let coord = t.coordinator(729, "刘主任").await;
    t.say(coord, "/outcomes").await;
    t.tap(coord, "新安县").await;
    let figures = t.tap(coord, "全部课程").await.rendered_text();
    assert!(
        figures.contains(&tr!(ZH, "outcomes-enrolled-orders", enrolled = 2, orders = 3, completed = 0)),
        "{figures}"
    );
    assert!(shows(&figures, ZH, "outcomes-feedback"), "ratings are counted per order: {figures}");

    let export = t.tap(coord, "含姓名电话").await;
    let (_, bytes) = export.document.clone().expect("a CSV");
    let csv = String::from_utf8(bytes).unwrap();
    // Both people's phone (+8613800000000, shared at registration) as a text-valued formula: shown as
    // typed, never as `'+86…` or as a number in scientific notation.
    let phone_cells = csv.matches(",\"=\"\"+8613800000000\"\"\",").count();
    assert_eq!(phone_cells, csv.lines().count() - 1, "one per row: {csv}");
    assert!(!csv.contains("'+86"), "{csv}");

    // The CSV's rows give the same people and orders, and the same text.
    let text = fieldschool::bot::handlers::outcomes::csv_text(fieldschool::i18n::Lang::Zh);
    let rows = fieldschool::domain::outcomes::read_csv(&csv, &text).unwrap();
    let people: std::collections::HashSet<&str> =
        rows.iter().filter(|r| !r.order_code.is_empty()).map(|r| r.person.as_str()).collect();
    let orders: std::collections::HashSet<&str> =
        rows.iter().filter(|r| !r.order_code.is_empty()).map(|r| r.order_code.as_str()).collect();
    assert_eq!((people.len(), orders.len()), (2, 3));
    assert!(rows.iter().all(|r| r.phone.as_deref() == Some("+8613800000000")), "read back as typed");
    let recomputed = fieldschool::domain::outcomes::compute(&rows);
    let rendered = fieldschool::bot::handlers::outcomes::render(
        fieldschool::i18n::Lang::Zh,
        "新安县 · 全部课程",
        &recomputed,
        &fieldschool::domain::outcomes::referral_figures(&[]),
    );
    assert_eq!(rendered, figures);
    t.stop().await;
}

#[tokio::test]
async fn outcomes_count_people_and_orders_as_their_csv_on_sqlite() {
    outcomes_count_people_and_orders_as_their_csv(Store::Sqlite).await;
}

#[tokio::test]
async fn outcomes_count_people_and_orders_as_their_csv_on_postgres() {
    outcomes_count_people_and_orders_as_their_csv(Store::Postgres).await;
}

/// Horizontal grid lines cross the plot at each y tick: counted down a column left of the first bar.
fn grid_lines(img: &fieldschool::render::RgbImage) -> usize {
    const GRID: (u8, u8, u8) = (225, 225, 225);
    let mut lines = 0;
    let mut inside = false;
    for y in 0..img.height {
        let on = img.pixel(100, y) == GRID;
        if on && !inside {
            lines += 1;
        }
        inside = on;
    }
    lines
}

#[test]
fn a_chart_of_counts_has_whole_number_ticks() {
    // Orders and attendance of two courses: 2 and 1 people, so the axis runs to 2.6.
    let chart = |orders: Vec<f64>| fieldschool::render::BarChart {
        title: "各课程订单与到课人数".into(),
        categories: vec!["食用菌种植技术".into(), "农村低压电工".into()],
        series: vec![("订单".into(), orders), ("到课".into(), vec![1.0, 0.0])],
        y_label: "人数".into(),
    };
    let counts = fieldschool::render::bar_chart_rgb(&chart(vec![2.0, 1.0])).expect("a CJK font is installed");
    // Ticks at 0, 1 and 2, not at 0, 0.5, 1, 1.5, 2 and 2.5.
    assert_eq!(grid_lines(&counts), 3);
    // Values that are not counts keep the finer ticks (0 to 3 in halves).
    let shares = fieldschool::render::bar_chart_rgb(&chart(vec![2.5, 1.0])).unwrap();
    assert_eq!(grid_lines(&shares), 7);
}
