//! Pure image rendering: completion certificates, referral cards, grouped bar charts and paired income
//! charts as PNG bytes.
//!
//! No Telegram, no database, and no user-visible text of its own: every string drawn comes from the
//! caller, already localised. Drawing uses plotters' bitmap backend with `ab_glyph`, so no system
//! font libraries are linked, but a CJK font *file* is needed or Chinese would render as boxes; see
//! [`ensure_font`] / [`find_font`] for where it is looked for.
//!
//! Rendering is CPU work (tens of milliseconds in release builds, far more in debug builds). The
//! functions are synchronous on purpose: async callers must run them off the runtime, e.g.
//!
//! ```ignore
//! let png = tokio::task::spawn_blocking(move || render::certificate_png(&cert)).await??;
//! ```
//!
//! When they return [`RenderError::NoFont`], callers should still send the text parts of whatever
//! they were producing; the error's message names the package to install.

mod certificate;
mod chart;
mod font;
mod income_chart;
mod referral_card;

use std::path::PathBuf;

use plotters::prelude::*;

pub use font::{ENV_FONT, SYSTEM_FONT_PATHS, ensure_font, find_font, font_candidates, use_font_file};

/// Certificate card size in pixels (width, height).
pub const CERTIFICATE_SIZE: (u32, u32) = (1200, 850);
/// Referral card size in pixels (width, height): A6 landscape at about 200 dpi.
pub const REFERRAL_CARD_SIZE: (u32, u32) = (1200, 850);
/// Bar chart size in pixels (width, height).
pub const BAR_CHART_SIZE: (u32, u32) = (1000, 600);
/// Paired income chart size in pixels (width, height).
pub const INCOME_CHART_SIZE: (u32, u32) = (1000, 650);
/// Colours of the income chart's dots: before and after.
pub const INCOME_CHART_COLORS: ((u8, u8, u8), (u8, u8, u8)) = (
    (income_chart::BEFORE.0, income_chart::BEFORE.1, income_chart::BEFORE.2),
    (income_chart::AFTER.0, income_chart::AFTER.1, income_chart::AFTER.2),
);

/// Text of one completion certificate, all already localised and formatted by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    /// Heading, e.g. "结业证书".
    pub title: String,
    /// The trainee's name, drawn largest.
    pub name: String,
    /// Course line.
    pub course: String,
    /// Dates line, already formatted.
    pub dates: String,
    /// Trainer line.
    pub trainer: String,
    /// Optional credits / hours line.
    pub credits: Option<String>,
    /// Verification line, e.g. "验证码 K7Q3-M9XP".
    pub code_line: String,
    /// Issuing body, e.g. "新安县 田间学校".
    pub issuer: String,
    /// Drawn as a QR code in the bottom left corner: the certificate's verification link.
    pub qr_link: Option<String>,
}

/// Text of one referral card (for an employer without Telegram), all localised by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralCard {
    /// Heading, e.g. "田间学校 推荐卡".
    pub title: String,
    /// The opening: employer and work.
    pub opening: String,
    /// The person's name, drawn largest.
    pub name: String,
    /// Village, phone, certificate and course, referred on: one line each.
    pub lines: Vec<String>,
    /// The office's contact.
    pub footer: String,
}

/// A grouped bar chart: one group per category, one bar per series in each group.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    /// Caption above the plot.
    pub title: String,
    /// X-axis categories (e.g. course names), in display order.
    pub categories: Vec<String>,
    /// `(series name, one value per category)`. Missing trailing values and non-finite values are
    /// left out (no bar); extra values beyond `categories.len()` are ignored.
    pub series: Vec<(String, Vec<f64>)>,
    /// Y-axis description (drawn rotated along the axis).
    pub y_label: String,
}

/// Incomes per head before and after, paired per person: one group per follow-up wave.
#[derive(Debug, Clone, PartialEq)]
pub struct IncomeChart {
    /// Caption above the plot (the scope and N).
    pub title: String,
    /// Y-axis description (drawn rotated along the axis), e.g. the unit.
    pub y_label: String,
    /// Drawn left to right.
    pub groups: Vec<IncomeGroup>,
}

/// One follow-up wave of an [`IncomeChart`].
#[derive(Debug, Clone, PartialEq)]
pub struct IncomeGroup {
    /// Under the left column, e.g. "培训前".
    pub before_label: String,
    /// Under the right column, e.g. "3个月后".
    pub after_label: String,
    /// Under both, e.g. "N=12".
    pub caption: String,
    /// `(before, after)` per person, in yuan; non-finite pairs are left out.
    pub pairs: Vec<(f64, f64)>,
}

/// An uncompressed RGB image (3 bytes per pixel, rows top to bottom), for tests and for callers
/// that want to post-process pixels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RgbImage {
    pub width: u32,
    pub height: u32,
    /// `width * height * 3` bytes.
    pub pixels: Vec<u8>,
}

impl RgbImage {
    /// The `(r, g, b)` of pixel `(x, y)`. Panics when out of bounds.
    pub fn pixel(&self, x: u32, y: u32) -> (u8, u8, u8) {
        assert!(x < self.width && y < self.height, "pixel out of bounds");
        let i = ((y * self.width + x) * 3) as usize;
        (self.pixels[i], self.pixels[i + 1], self.pixels[i + 2])
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// No usable CJK font file; the payload says what was tried.
    #[error(
        "no CJK font for rendering images: {0}; install one with `apt-get install fonts-wqy-microhei` \
         or set {ENV_FONT} to a .ttf/.ttc/.otf file"
    )]
    NoFont(String),
    /// Drawing or PNG encoding failed.
    #[error("could not render image: {0}")]
    Draw(String),
}

/// Renders a certificate card ([`CERTIFICATE_SIZE`]) as PNG bytes. CPU-bound: see the module docs.
pub fn certificate_png(cert: &Certificate) -> Result<Vec<u8>, RenderError> {
    encode_png(&certificate_rgb(cert)?)
}

/// Renders a certificate card into raw RGB pixels (what [`certificate_png`] encodes).
pub fn certificate_rgb(cert: &Certificate) -> Result<RgbImage, RenderError> {
    ensure_font()?;
    render_rgb(CERTIFICATE_SIZE, |area| certificate::draw(area, cert))
}

/// Renders a referral card ([`REFERRAL_CARD_SIZE`]) as PNG bytes. CPU-bound: see the module docs.
pub fn referral_card_png(card: &ReferralCard) -> Result<Vec<u8>, RenderError> {
    encode_png(&referral_card_rgb(card)?)
}

/// Renders a referral card into raw RGB pixels (what [`referral_card_png`] encodes).
pub fn referral_card_rgb(card: &ReferralCard) -> Result<RgbImage, RenderError> {
    ensure_font()?;
    render_rgb(REFERRAL_CARD_SIZE, |area| referral_card::draw(area, card))
}

/// Renders a grouped bar chart ([`BAR_CHART_SIZE`]) as PNG bytes. CPU-bound: see the module docs.
pub fn bar_chart_png(chart: &BarChart) -> Result<Vec<u8>, RenderError> {
    encode_png(&bar_chart_rgb(chart)?)
}

/// Renders a grouped bar chart into raw RGB pixels (what [`bar_chart_png`] encodes).
pub fn bar_chart_rgb(chart: &BarChart) -> Result<RgbImage, RenderError> {
    ensure_font()?;
    render_rgb(BAR_CHART_SIZE, |area| chart::draw(area, chart))
}

/// Renders a paired income chart ([`INCOME_CHART_SIZE`]) as PNG bytes. CPU-bound: see the module docs.
pub fn income_chart_png(chart: &IncomeChart) -> Result<Vec<u8>, RenderError> {
    encode_png(&income_chart_rgb(chart)?)
}

/// Renders a paired income chart into raw RGB pixels (what [`income_chart_png`] encodes).
pub fn income_chart_rgb(chart: &IncomeChart) -> Result<RgbImage, RenderError> {
    ensure_font()?;
    render_rgb(INCOME_CHART_SIZE, |area| income_chart::draw(area, chart))
}

type Area<'a> = DrawingArea<BitMapBackend<'a>, plotters::coord::Shift>;

fn render_rgb(
    (width, height): (u32, u32),
    draw: impl FnOnce(&Area<'_>) -> Result<(), RenderError>,
) -> Result<RgbImage, RenderError> {
    let mut pixels = vec![255u8; (width * height * 3) as usize];
    {
        let area = BitMapBackend::with_buffer(&mut pixels, (width, height)).into_drawing_area();
        draw(&area)?;
        area.present().map_err(draw_err)?;
    }
    Ok(RgbImage { width, height, pixels })
}

/// PNG-encodes through plotters' file backend (the `image` crate it uses is not a direct
/// dependency, so there is no in-memory encoder to call): blit into a temporary `.png`, read back.
fn encode_png(img: &RgbImage) -> Result<Vec<u8>, RenderError> {
    let io = |e: std::io::Error| RenderError::Draw(format!("PNG encoding: {e}"));
    let tmp = tempfile::Builder::new().prefix("fieldschool-render-").suffix(".png").tempfile().map_err(io)?;
    let path: PathBuf = tmp.path().to_path_buf();
    {
        let mut backend = BitMapBackend::new(&path, (img.width, img.height));
        backend
            .blit_bitmap((0, 0), (img.width, img.height), &img.pixels)
            .map_err(|e| RenderError::Draw(format!("PNG encoding: {e:?}")))?;
        backend.present().map_err(|e| RenderError::Draw(format!("PNG encoding: {e:?}")))?;
    }
    std::fs::read(&path).map_err(io)
}

fn draw_err(e: impl std::fmt::Display) -> RenderError {
    RenderError::Draw(e.to_string())
}

/// Shared text helpers, working around two quirks of plotters' ab_glyph text drawing:
/// - the baseline sits `size / 2` below the top of the box it anchors, whatever the font, so these
///   helpers place text by baseline instead;
/// - each glyph's left side bearing is dropped (ink is drawn flush with the pen position), which
///   spaces Latin letters unevenly and glues full-width opening brackets such as "（" or "《" (ink on
///   the right of a 1 em advance) to the previous character. [`draw`] therefore places glyphs one by
///   one within their advance: centred in general, right for opening brackets, left for closing
///   punctuation.
mod text {
    use super::{Area, RenderError, draw_err, font::FAMILY};
    use plotters::prelude::*;
    use plotters::style::text_anchor::{HPos, Pos, VPos};

    /// Punctuation whose ink sits at the right of its advance.
    const OPENING: &[char] = &['（', '《', '〈', '「', '『', '【', '〔', '〖', '［', '｛', '“', '‘'];
    /// Punctuation whose ink sits at the left of its advance.
    const CLOSING: &[char] = &[
        '）', '》', '〉', '」', '』', '】', '〕', '〗', '］', '｝', '”', '’', '，', '。', '、', '：', '；', '！', '？',
    ];

    pub fn font(size: f64) -> FontDesc<'static> {
        FontDesc::new(FontFamily::Name(FAMILY), size, FontStyle::Normal)
    }

    /// Advance width of `text` at `size`, in whole pixels (as plotters measures; kerning included,
    /// so [`draw`] may come out a pixel or two off this).
    pub fn width(text: &str, size: f64) -> i32 {
        font(size).box_size(text).map(|(w, _)| w as i32).unwrap_or(0)
    }

    /// Advance of one character with sub-pixel precision (plotters measures whole pixels, so a
    /// run of the same character is measured and divided).
    fn advance(c: char, size: f64) -> f64 {
        const RUN: usize = 8;
        width(&c.to_string().repeat(RUN), size) as f64 / RUN as f64
    }

    /// Width of the ink plotters draws for `text` (from the pen position, bearings dropped).
    fn ink_width(text: &str, size: f64) -> i32 {
        let mut max_x = -1;
        let _ = font(size).draw(text, (0, 0), |x, _, a| {
            if a > 0.0 {
                max_x = max_x.max(x);
            }
            Ok::<(), ()>(())
        });
        max_x + 1
    }

    /// Largest size in `min..=max` (2 px steps) at which `text` fits `max_width`; below `min` the
    /// text is cut and ends in "…".
    pub fn fit(text: &str, max: f64, min: f64, max_width: i32) -> (String, f64) {
        let mut size = max;
        while size > min && width(text, size) > max_width {
            size -= 2.0;
        }
        let size = size.max(min);
        if width(text, size) <= max_width {
            return (text.to_string(), size);
        }
        let mut chars: Vec<char> = text.chars().collect();
        while !chars.is_empty() {
            chars.pop();
            let cut: String = chars.iter().collect::<String>().trim_end().to_string() + "…";
            if width(&cut, size) <= max_width {
                return (cut, size);
            }
        }
        ("…".to_string(), size)
    }

    /// Draws `text` with its baseline at `baseline`, horizontally anchored at `x` by `h`.
    pub fn draw(
        area: &Area<'_>,
        text: &str,
        size: f64,
        color: RGBColor,
        (x, baseline): (i32, i32),
        h: HPos,
    ) -> Result<(), RenderError> {
        let glyphs: Vec<(char, f64)> = text.chars().map(|c| (c, advance(c, size))).collect();
        let total: f64 = glyphs.iter().map(|(_, a)| a).sum();
        let left = match h {
            HPos::Left => x as f64,
            HPos::Center => x as f64 - total / 2.0,
            HPos::Right => x as f64 - total,
        };
        let style = font(size).color(&color).pos(Pos::new(HPos::Left, VPos::Top));
        let top = baseline - (size / 2.0) as i32;
        let pad = (size * 0.08) as i32;
        let mut pen = left;
        let mut buf = [0u8; 4];
        for (c, advance) in glyphs {
            let ch: &str = c.encode_utf8(&mut buf);
            let room = (advance as i32 - ink_width(ch, size)).max(0);
            let shift = if OPENING.contains(&c) {
                (room - pad).max(0)
            } else if CLOSING.contains(&c) {
                pad.min(room / 2)
            } else {
                room / 2
            };
            area.draw_text(ch, &style, (pen.round() as i32 + shift, top)).map_err(draw_err)?;
            pen += advance;
        }
        Ok(())
    }
}
