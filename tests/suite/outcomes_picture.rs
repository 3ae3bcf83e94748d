//! The picture of `/outcomes`: incomes per head before and after, paired per person. The chart itself
//! (a real PNG, inked, Chinese drawn with a real font) and the coordinator receiving it after the
//! figures from five pairs up, and not below.
//!
//! Needs a CJK font installed (`apt-get install fonts-wqy-microhei`, as CI does).

use chrono::{DateTime, Duration, Utc};
use fieldschool::db;
use fieldschool::domain::survey::{Question, Reply, Value, Wave};
use fieldschool::render::{self, INCOME_CHART_COLORS, INCOME_CHART_SIZE, IncomeChart, IncomeGroup, RgbImage};

use crate::common::{Store, TestBot, ZH, tr, zh};

fn sample_chart(title: &str) -> IncomeChart {
    let three =
        vec![(6000.0, 7500.0), (10_000.0, 13_000.0), (10_000.0, 10_000.0), (12_000.0, 9000.0), (4000.0, 6500.0)];
    let six =
        vec![(6000.0, 8000.0), (10_000.0, 15_000.0), (10_000.0, 11_000.0), (12_000.0, 15_000.0), (4000.0, 4000.0)];
    IncomeChart {
        title: title.into(),
        y_label: "人均年纯收入 · 元".into(),
        groups: vec![
            IncomeGroup {
                before_label: "培训前".into(),
                after_label: "3个月后".into(),
                caption: "N=5（5人）".into(),
                pairs: three,
            },
            IncomeGroup {
                before_label: "培训前".into(),
                after_label: "6个月后".into(),
                caption: "N=5（5人）".into(),
                pairs: six,
            },
        ],
    }
}

/// (width, height) from the PNG signature and IHDR chunk; panics when not a PNG.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.len() > 33, "too short for a PNG: {} bytes", bytes.len());
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR", "first chunk is IHDR");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

/// Pixels that are not white.
fn ink(img: &RgbImage, (x0, y0): (u32, u32), (x1, y1): (u32, u32)) -> usize {
    (y0..y1).flat_map(|y| (x0..x1).map(move |x| (x, y))).filter(|&(x, y)| img.pixel(x, y) != (255, 255, 255)).count()
}

/// Differing pixels between two same-size images inside [x0, x1) × [y0, y1).
fn diff_in(a: &RgbImage, b: &RgbImage, (x0, y0): (u32, u32), (x1, y1): (u32, u32)) -> usize {
    (y0..y1).flat_map(|y| (x0..x1).map(move |x| (x, y))).filter(|&(x, y)| a.pixel(x, y) != b.pixel(x, y)).count()
}

#[test]
fn the_income_chart_is_a_png_with_dots_lines_and_chinese_drawn() {
    let chart = sample_chart("新安县 · 全部课程：人均年纯收入，培训前 vs 培训后（3个月后 N=5）");
    let png = render::income_chart_png(&chart).expect("render");
    assert_eq!(png_size(&png), INCOME_CHART_SIZE);
    assert!(png.len() > 10_000, "suspiciously small PNG: {} bytes", png.len());
    let out = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("render-sample-income-chart.png"), &png).unwrap();

    let img = render::income_chart_rgb(&chart).unwrap();
    let (w, h) = INCOME_CHART_SIZE;
    assert_eq!((img.width, img.height), (w, h));
    assert!(ink(&img, (0, 0), (w, h)) > 20_000, "chart looks blank");
    // Dots of both sides.
    let has = |c: (u8, u8, u8)| img.pixels.chunks_exact(3).any(|p| (p[0], p[1], p[2]) == c);
    let (before, after) = INCOME_CHART_COLORS;
    assert!(has(before), "no dot before");
    assert!(has(after), "no dot after");

    // The title band has ink, and another title of the same length draws other pixels there: real
    // glyphs, not the same box for every character.
    let band = ((0, 10), (w, 60));
    assert!(ink(&img, band.0, band.1) > 1_500, "no title drawn");
    let other =
        render::income_chart_rgb(&sample_chart("西山乡 · 食用菌种植：人均年纯收入，培训前 vs 培训后（6个月后 N=8）"))
            .unwrap();
    assert!(diff_in(&img, &other, band.0, band.1) > 1_000, "titles look alike");
    // The labels under the axis are drawn too: another wave's label changes pixels below the plot.
    let mut relabelled = chart.clone();
    relabelled.groups[0].after_label = "12个月后".into();
    relabelled.groups[0].caption = "N=7（7人）".into();
    let relabelled = render::income_chart_rgb(&relabelled).unwrap();
    assert!(diff_in(&img, &relabelled, (0, h - 90), (w, h)) > 200, "labels under the axis not drawn");
    assert_eq!(diff_in(&img, &relabelled, (0, 0), (w, h - 90)), 0, "only the labels changed");
}

#[test]
fn the_income_chart_tolerates_odd_input() {
    for chart in [
        IncomeChart { title: String::new(), y_label: String::new(), groups: vec![] },
        IncomeChart {
            title: "负数与空值".into(),
            y_label: "元".into(),
            groups: vec![IncomeGroup {
                before_label: "培训前".into(),
                after_label: "3个月后".into(),
                caption: String::new(),
                pairs: vec![(-2000.0, 500.0), (f64::NAN, 1.0), (0.0, 0.0)],
            }],
        },
    ] {
        assert_eq!(png_size(&render::income_chart_png(&chart).expect("render")), INCOME_CHART_SIZE);
    }
}

/// A villager with a completed mushroom order, their baseline answered with `before` (size, income)
/// and, when given, their 3-month follow-up with `after`.
pub(crate) async fn villager_with_answers(t: &TestBot, id: i64, before: (i64, i64), after: Option<(i64, i64)>) {
    const NAMES: [&str; 10] = ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"];
    let user = t.villager(id, &format!("村民{}", NAMES[(id % 10) as usize])).await;
    let now = t.app.now();
    t.certify(user, "mushroom-small-2026-12", now - Duration::days(100)).await;
    let order = db::orders::of_user(&t.app.db, user).await.unwrap()[0].id;
    let mut tx = t.app.db.begin_write().await.unwrap();
    answered(&mut tx, &format!("baseline:{user}"), user, Wave::Baseline, None, before, now).await;
    if let Some(after) = after {
        answered(&mut tx, &format!("m3:{order}"), user, Wave::Followup(3), Some(order), after, now).await;
    }
    tx.commit().await.unwrap();
}

/// A survey answered completely with a household size and an income.
pub(crate) async fn answered(
    tx: &mut db::Tx,
    key: &str,
    user_id: i64,
    wave: Wave,
    order_id: Option<i64>,
    (size, income): (i64, i64),
    now: DateTime<Utc>,
) {
    let survey = db::surveys::NewSurvey {
        key,
        user_id,
        wave,
        order_id,
        opens_at: now - Duration::days(10),
        closes_at: Some(now + Duration::days(20)),
    };
    let id = db::surveys::create(tx, &survey, now).await.unwrap().expect("a new survey");
    for (question, n) in [(Question::HouseholdSize, size), (Question::Income, income)] {
        db::surveys::save_answer(tx, id, question, &Reply::Given(Value::Number(n)), now).await.unwrap();
    }
    db::surveys::mark_completed(tx, id, now).await.unwrap();
}

/// The coordinator's figures of all courses in 新安县, then what comes next: the picture or the
/// export (pressed right after the figures).
pub(crate) async fn outcomes_then_next(t: &TestBot, coord: i64) -> (String, fieldschool::emulator::BotMessage) {
    t.emu.send_text(coord, "/outcomes");
    let regions = t.next(coord).await;
    assert!(regions.rendered_text().contains(&zh("outcomes-choose-region")), "{}", regions.rendered_text());
    t.tap(coord, "新安县").await;
    let figures = t.tap(coord, "全部课程").await;
    let text = figures.rendered_text();
    assert!(text.contains(&tr!(ZH, "outcomes-title", scope = format!("新安县 · {}", zh("outcomes-all")))), "{text}");
    // The export's button is on the figures; pressing it queues the CSV behind whatever the figures
    // brought along.
    let button = figures.inline_keyboard.iter().flatten().find(|b| b.text.contains("匿名")).expect("export button");
    let id = t.emu.press(coord, figures.message_id, button.callback_data.as_deref().unwrap());
    t.emu.callback_answer(&id).await.unwrap();
    (text, t.next(coord).await)
}

#[tokio::test]
async fn a_coordinator_gets_the_income_picture_after_the_figures_on_sqlite() {
    picture_after_figures(Store::Sqlite).await;
}

#[tokio::test]
async fn a_coordinator_gets_the_income_picture_after_the_figures_on_postgres() {
    picture_after_figures(Store::Postgres).await;
}

async fn picture_after_figures(store: Store) {
    let Some(t) = TestBot::start(store).await else { return };
    let coord = t.coordinator(809, "刘主任").await;
    // Five paired (one income fell) and one with a baseline only.
    for (id, before, after) in [
        (801, (4, 40_000), Some((4, 52_000))),
        (802, (2, 20_000), Some((2, 26_000))),
        (803, (5, 50_000), Some((5, 45_000))),
        (804, (3, 18_000), Some((3, 24_000))),
        (805, (1, 12_000), Some((1, 15_000))),
        (806, (3, 30_000), None),
    ] {
        villager_with_answers(&t, id, before, after).await;
    }
    let (figures, next) = outcomes_then_next(&t, coord).await;
    // The text says N=5 for the income change: +3,000 (P: 3000, 3000, -1000, 2000, 3000 → median 3000).
    let income = tr!(ZH, "outcomes-yuan", value = "+3,000", n = 5);
    assert!(figures.contains(&tr!(ZH, "outcomes-income", figure = income)), "{figures}");
    let png = next.photo.clone().expect("the picture follows the figures");
    assert_eq!(png_size(&png), INCOME_CHART_SIZE);
    assert_eq!(next.caption.as_deref(), Some(zh("outcomes-picture-caption").as_str()));
    // Then the export, as pressed.
    let csv = t.next(coord).await;
    assert!(csv.document.is_some(), "{}", csv.rendered_text());
    t.stop().await;
}

#[tokio::test]
async fn with_fewer_than_five_pairs_no_picture_is_sent() {
    let Some(t) = TestBot::start(Store::Sqlite).await else { return };
    let coord = t.coordinator(829, "刘主任").await;
    for (id, before, after) in [
        (821, (4, 40_000), Some((4, 52_000))),
        (822, (2, 20_000), Some((2, 26_000))),
        (823, (5, 50_000), Some((5, 45_000))),
        (824, (3, 18_000), Some((3, 24_000))),
        (825, (1, 12_000), None),
    ] {
        villager_with_answers(&t, id, before, after).await;
    }
    let (figures, next) = outcomes_then_next(&t, coord).await;
    assert!(figures.contains(&tr!(ZH, "outcomes-too-few", n = 4)), "{figures}");
    // Straight to the export: no picture in between.
    assert!(next.photo.is_none(), "a picture with four pairs");
    assert!(next.document.is_some(), "{}", next.rendered_text());
    assert!(t.emu.messages(coord).iter().all(|m| m.photo.is_none()));
    t.stop().await;
}
