//! Grouped bar chart: categories along x, one coloured bar per series in each group, legend.

use plotters::prelude::*;
use plotters::style::text_anchor::HPos;

use super::{Area, BarChart, RenderError, draw_err, text};

/// Series colours, cycled: green, orange, blue, purple, teal, red.
const PALETTE: [RGBColor; 6] = [
    RGBColor(56, 142, 60),
    RGBColor(245, 124, 0),
    RGBColor(30, 136, 229),
    RGBColor(142, 36, 170),
    RGBColor(0, 137, 123),
    RGBColor(211, 47, 47),
];
const AXIS: RGBColor = RGBColor(90, 90, 90);
const GRID: RGBColor = RGBColor(225, 225, 225);
const LABEL: RGBColor = RGBColor(50, 50, 50);

/// Share of each category slot the bar group occupies.
const GROUP: f64 = 0.8;

pub(super) fn draw(area: &Area<'_>, c: &BarChart) -> Result<(), RenderError> {
    area.fill(&WHITE).map_err(draw_err)?;
    let n = c.categories.len().max(1);
    let (y0, y1, y_labels) = y_axis(c);

    // The caption is drawn by `text::draw` rather than plotters (see the `text` module docs).
    let (title, title_size) = text::fit(&c.title, 30.0, 18.0, 940);
    let width = area.dim_in_pixel().0 as i32;
    text::draw(area, &title, title_size, LABEL, (width / 2, 42), HPos::Center)?;
    let mut chart = ChartBuilder::on(area)
        .margin(20)
        .margin_top(if c.title.trim().is_empty() { 20 } else { 66 })
        .x_label_area_size(44)
        .y_label_area_size(72)
        .build_cartesian_2d(0.0..n as f64, y0..y1)
        .map_err(draw_err)?;

    let y_fmt = |v: &f64| number(*v);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_labels(y_labels)
        .y_label_formatter(&y_fmt)
        .y_label_style(text::font(17.0).color(&LABEL))
        .y_desc(c.y_label.as_str())
        .axis_desc_style(text::font(19.0).color(&LABEL))
        .axis_style(AXIS)
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .draw()
        .map_err(draw_err)?;

    let s = c.series.len().max(1) as f64;
    let bar_w = GROUP / s;
    let pad = bar_w * 0.08;
    let bar_x = |i: usize, j: usize| {
        let x0 = i as f64 + (1.0 - GROUP) / 2.0 + j as f64 * bar_w;
        (x0 + pad, x0 + bar_w - pad)
    };
    let bars = |values: &Vec<f64>| -> Vec<(usize, f64)> {
        values.iter().copied().take(c.categories.len()).enumerate().filter(|(_, v)| v.is_finite()).collect()
    };

    for (j, (name, values)) in c.series.iter().enumerate() {
        let color = PALETTE[j % PALETTE.len()];
        chart
            .draw_series(bars(values).into_iter().map(|(i, v)| {
                let (x0, x1) = bar_x(i, j);
                Rectangle::new([(x0, 0.0), (x1, v)], color.filled())
            }))
            .map_err(draw_err)?
            .label(name.as_str())
            .legend(move |(x, y)| Rectangle::new([(x, y - 7), (x + 14, y + 7)], color.filled()));
    }

    // Value labels above (or below, for negatives) each bar, when bars are wide enough to read.
    let px_per_unit = {
        let (a, _) = chart.backend_coord(&(0.0, 0.0));
        let (b, _) = chart.backend_coord(&(1.0, 0.0));
        (b - a).max(1)
    };
    let bar_px = (bar_w * px_per_unit as f64) as i32;
    if bar_px >= 22 {
        let size = (bar_px as f64 * 0.45).clamp(12.0, 18.0);
        for (j, (_, values)) in c.series.iter().enumerate() {
            for (i, v) in bars(values) {
                let (x0, x1) = bar_x(i, j);
                let (x, y) = chart.backend_coord(&((x0 + x1) / 2.0, v));
                let label = number(v);
                if text::width(&label, size) > bar_px + 8 {
                    continue;
                }
                let baseline = if v >= 0.0 { y - 6 } else { y + size as i32 + 2 };
                text::draw(area, &label, size, LABEL, (x, baseline), HPos::Center)?;
            }
        }
    }

    // Category labels under each group, shrunk or cut to the slot width.
    for (i, cat) in c.categories.iter().enumerate() {
        let (x, y) = chart.backend_coord(&(i as f64 + 0.5, y0));
        let (cat, size) = text::fit(cat, 18.0, 11.0, px_per_unit - 6);
        text::draw(area, &cat, size, LABEL, (x, y + 28), HPos::Center)?;
    }

    if c.series.iter().any(|(name, _)| !name.is_empty()) {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .label_font(text::font(17.0).color(&LABEL))
            .background_style(WHITE.mix(0.9))
            .border_style(GRID)
            .margin(12)
            .draw()
            .map_err(draw_err)?;
    }
    Ok(())
}

/// The y range and how many labels to ask plotters for. Counts (every value whole) get whole-number
/// ticks: plotters steps by 1, 2 or 5 × 10^k, taking the finest step that keeps within the number of
/// labels asked for, so asking for no more labels than there are whole numbers on the axis rules out
/// a step below 1 (no 0.5 people).
fn y_axis(c: &BarChart) -> (f64, f64, usize) {
    let values =
        || c.series.iter().flat_map(|(_, v)| v.iter().take(c.categories.len())).copied().filter(|v| v.is_finite());
    let max = values().fold(0.0f64, f64::max);
    let min = values().fold(0.0f64, f64::min);
    // Headroom above the tallest bar for its value label and the legend.
    let headroom = if c.series.len() > 1 { 1.3 } else { 1.15 };
    let (y0, y1) = match (min, max) {
        (a, b) if a == 0.0 && b == 0.0 => (0.0, 1.0),
        (a, b) => (a * 1.15, (b * headroom).max(if b == 0.0 { -a * 0.1 } else { 0.0 })),
    };
    let labels = if values().all(|v| v.fract() == 0.0) {
        let whole_numbers = (y1.floor() - y0.ceil()) as i64 + 1;
        whole_numbers.clamp(2, 8) as usize
    } else {
        8
    };
    (y0, y1, labels)
}

/// `12`, `12.5`, `0.25`: no trailing zeros, at most two decimals.
fn number(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".to_string() } else { s.to_string() }
}

#[cfg(test)]
mod tests {
    use plotters::coord::ranged1d::Ranged;
    use plotters::coord::types::RangedCoordf64;

    use super::*;

    fn chart(values: &[f64]) -> BarChart {
        BarChart {
            title: String::new(),
            categories: values.iter().map(|_| "c".to_owned()).collect(),
            series: vec![("orders".into(), values.to_vec()), ("attended".into(), vec![0.0; values.len()])],
            y_label: String::new(),
        }
    }

    fn ticks(c: &BarChart) -> Vec<f64> {
        let (y0, y1, labels) = y_axis(c);
        RangedCoordf64::from(y0..y1).key_points(labels)
    }

    #[test]
    fn counts_get_whole_number_ticks_at_every_size() {
        for max in [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 7.0, 12.0, 40.0, 1234.0] {
            let t = ticks(&chart(&[max, 1.0_f64.min(max)]));
            assert!(t.len() >= 2, "{max}: {t:?}");
            assert!(t.iter().all(|v| v.fract() == 0.0), "{max}: {t:?}");
        }
        assert_eq!(ticks(&chart(&[2.0, 1.0])), [0.0, 1.0, 2.0]);
    }

    #[test]
    fn shares_and_averages_keep_their_fine_ticks() {
        let t = ticks(&chart(&[1.5, 0.25]));
        assert!(t.iter().any(|v| v.fract() != 0.0), "{t:?}");
    }
}
