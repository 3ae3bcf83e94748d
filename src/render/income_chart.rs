//! Paired income chart: per follow-up wave, each person's income per head before (left) and after
//! (right) as two dots joined by a line, with a short bar at each side's median.

use plotters::prelude::*;
use plotters::style::text_anchor::HPos;

use super::{Area, IncomeChart, RenderError, draw_err, text};

/// Dots before the training.
pub const BEFORE: RGBColor = RGBColor(30, 136, 229);
/// Dots after it.
pub const AFTER: RGBColor = RGBColor(56, 142, 60);
/// Lines of people whose income per head rose (or stayed), and of those whose fell.
const ROSE: RGBColor = RGBColor(165, 214, 167);
const FELL: RGBColor = RGBColor(255, 183, 77);
const MEDIAN: RGBColor = RGBColor(33, 33, 33);
const AXIS: RGBColor = RGBColor(90, 90, 90);
const GRID: RGBColor = RGBColor(225, 225, 225);
const LABEL: RGBColor = RGBColor(50, 50, 50);

/// Each wave takes three x units: before at 0.9, after at 2.1.
const SLOT: f64 = 3.0;
const LEFT: f64 = 0.9;
const RIGHT: f64 = 2.1;

pub(super) fn draw(area: &Area<'_>, c: &IncomeChart) -> Result<(), RenderError> {
    area.fill(&WHITE).map_err(draw_err)?;
    let groups = c.groups.len().max(1);
    let (y0, y1) = y_range(c);

    let width = area.dim_in_pixel().0 as i32;
    let (title, title_size) = text::fit(&c.title, 30.0, 18.0, width - 60);
    text::draw(area, &title, title_size, LABEL, (width / 2, 42), HPos::Center)?;
    let mut chart = ChartBuilder::on(area)
        .margin(20)
        .margin_top(if c.title.trim().is_empty() { 20 } else { 66 })
        .x_label_area_size(78)
        .y_label_area_size(96)
        .build_cartesian_2d(0.0..groups as f64 * SLOT, y0..y1)
        .map_err(draw_err)?;

    let y_fmt = |v: &f64| yuan(*v);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_labels(8)
        .y_label_formatter(&y_fmt)
        .y_label_style(text::font(17.0).color(&LABEL))
        .y_desc(c.y_label.as_str())
        .axis_desc_style(text::font(19.0).color(&LABEL))
        .axis_style(AXIS)
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .draw()
        .map_err(draw_err)?;

    let unit = px_per_unit(&chart) as f64;
    for (g, group) in c.groups.iter().enumerate() {
        let (xl, xr) = (g as f64 * SLOT + LEFT, g as f64 * SLOT + RIGHT);
        let pairs: Vec<(f64, f64)> =
            group.pairs.iter().copied().filter(|(b, a)| b.is_finite() && a.is_finite()).collect();
        chart
            .draw_series(pairs.iter().map(|&(b, a)| {
                let color = if a >= b { ROSE } else { FELL };
                PathElement::new(vec![(xl, b), (xr, a)], color.stroke_width(2))
            }))
            .map_err(draw_err)?;
        // Median bars under the dots, so no dot hides behind one.
        let sides = [
            (xl, BEFORE, pairs.iter().map(|p| p.0).collect::<Vec<f64>>()),
            (xr, AFTER, pairs.iter().map(|p| p.1).collect()),
        ];
        for (x, _, values) in &sides {
            if let Some(m) = median(values) {
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(x - 0.35, m), (x + 0.35, m)],
                        MEDIAN.stroke_width(4),
                    )))
                    .map_err(draw_err)?;
            }
        }
        for (x, color, values) in &sides {
            chart.draw_series(values.iter().map(|&v| Circle::new((*x, v), 6, color.filled()))).map_err(draw_err)?;
        }
        // Labels under the axis: the two sides, then the wave's caption (its N).
        let bottom = chart.backend_coord(&(xl, y0)).1;
        for (x, label) in [(xl, &group.before_label), (xr, &group.after_label)] {
            let px = chart.backend_coord(&(x, y0)).0;
            let (label, size) = text::fit(label, 20.0, 14.0, (unit * 1.15) as i32);
            text::draw(area, &label, size, LABEL, (px, bottom + 30), HPos::Center)?;
        }
        let mid = chart.backend_coord(&((xl + xr) / 2.0, y0)).0;
        let (caption, size) = text::fit(&group.caption, 20.0, 14.0, (unit * 2.8) as i32);
        text::draw(area, &caption, size, LABEL, (mid, bottom + 62), HPos::Center)?;
    }
    Ok(())
}

fn px_per_unit<DB: DrawingBackend>(
    chart: &ChartContext<
        '_,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
) -> i32 {
    let (a, _) = chart.backend_coord(&(0.0, 0.0));
    let (b, _) = chart.backend_coord(&(1.0, 0.0));
    (b - a).max(1)
}

/// From 0 (or the lowest value, when below) to a little above the highest.
fn y_range(c: &IncomeChart) -> (f64, f64) {
    let values = || c.groups.iter().flat_map(|g| g.pairs.iter().flat_map(|&(b, a)| [b, a])).filter(|v| v.is_finite());
    let max = values().fold(0.0f64, f64::max);
    let min = values().fold(0.0f64, f64::min);
    let span = (max - min).max(1.0);
    let y0 = if min < 0.0 { min - span * 0.08 } else { 0.0 };
    (y0, max + span * 0.1)
}

fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    Some(if n % 2 == 1 { sorted[n / 2] } else { (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0 })
}

/// Whole yuan with thousands separators: `12,500`, `-3,000`.
pub(super) fn yuan(v: f64) -> String {
    let n = v.round() as i64;
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::IncomeGroup;

    #[test]
    fn yuan_ticks_read_as_whole_yuan_with_separators() {
        assert_eq!(yuan(0.0), "0");
        assert_eq!(yuan(2500.0), "2,500");
        assert_eq!(yuan(12_000.4), "12,000");
        assert_eq!(yuan(1_234_567.0), "1,234,567");
        assert_eq!(yuan(-3000.0), "-3,000");
    }

    #[test]
    fn the_range_starts_at_zero_and_leaves_room_above() {
        let chart = |pairs: Vec<(f64, f64)>| IncomeChart {
            title: String::new(),
            y_label: String::new(),
            groups: vec![IncomeGroup {
                before_label: String::new(),
                after_label: String::new(),
                caption: String::new(),
                pairs,
            }],
        };
        assert_eq!(y_range(&chart(vec![(5000.0, 10_000.0)])), (0.0, 11_000.0));
        let (y0, y1) = y_range(&chart(vec![(-1000.0, 9000.0), (f64::NAN, 1.0)]));
        assert!(y0 < -1000.0 && y1 > 9000.0, "{y0} {y1}");
        assert_eq!(y_range(&chart(vec![])), (0.0, 0.1));
    }

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
    }
}
