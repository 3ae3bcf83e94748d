//! The certificate card: a framed, centred layout on warm paper.

use plotters::prelude::*;
use plotters::style::text_anchor::HPos;

use super::{Area, CERTIFICATE_SIZE, Certificate, RenderError, draw_err, text};

const PAPER: RGBColor = RGBColor(252, 249, 240);
const MAROON: RGBColor = RGBColor(128, 26, 26);
const GOLD: RGBColor = RGBColor(184, 146, 72);
const INK: RGBColor = RGBColor(30, 30, 30);
const BODY: RGBColor = RGBColor(60, 60, 60);
const MUTED: RGBColor = RGBColor(105, 105, 105);

pub(super) fn draw(area: &Area<'_>, c: &Certificate) -> Result<(), RenderError> {
    let (w, h) = (CERTIFICATE_SIZE.0 as i32, CERTIFICATE_SIZE.1 as i32);
    let cx = w / 2;
    area.fill(&PAPER).map_err(draw_err)?;
    frame(area, w, h)?;

    // Title, letter-spaced when it is CJK (spacing Latin capitals would look odd).
    let spaced = !c.title.is_ascii();
    let (title, size) = text::fit(&c.title, 76.0, 40.0, 900);
    if spaced {
        spaced_centered(area, &title, size, MAROON, cx, 170, size * 0.35)?;
    } else {
        text::draw(area, &title, size, MAROON, (cx, 170), HPos::Center)?;
    }
    ornament(area, cx, 212)?;

    // Name, very large, on a gold rule.
    let (name, size) = text::fit(&c.name, 104.0, 48.0, 960);
    text::draw(area, &name, size, INK, (cx, 352), HPos::Center)?;
    let rule = (text::width(&name, size) + 120).clamp(380, 1000);
    hline(area, cx - rule / 2, cx + rule / 2, 386, 2, GOLD)?;

    // Course, dates, trainer, credits.
    let (course, size) = text::fit(&c.course, 44.0, 24.0, 1000);
    text::draw(area, &course, size, BODY, (cx, 470), HPos::Center)?;
    let mut y = 535;
    let lines = [Some(&c.dates), Some(&c.trainer), c.credits.as_ref()];
    for line in lines.into_iter().flatten().filter(|l| !l.trim().is_empty()) {
        let (line, size) = text::fit(line, 30.0, 18.0, 1000);
        text::draw(area, &line, size, BODY, (cx, y), HPos::Center)?;
        y += 50;
    }

    // Bottom: issuer over a signature-style rule on the right; on the left the QR code of the
    // verification link, and the verification code beside it.
    let issuer_x = w - 300;
    hline(area, issuer_x - 200, issuer_x + 200, h - 150, 1, GOLD)?;
    let (issuer, size) = text::fit(&c.issuer, 34.0, 20.0, 400);
    text::draw(area, &issuer, size, INK, (issuer_x, h - 104), HPos::Center)?;
    let code_x = match &c.qr_link {
        Some(link) => QR_LEFT + qr(area, link, QR_LEFT, h - QR_BOTTOM_INSET)? + 24,
        None => 100,
    };
    let (code, size) = text::fit(&c.code_line, 24.0, 16.0, 460);
    text::draw(area, &code, size, MUTED, (code_x, h - 104), HPos::Left)?;
    Ok(())
}

/// Where the QR code sits: its left edge, how far its bottom is above the card's, and about how large
/// it is drawn (whole pixels per module, so it stays crisp for a phone camera).
pub(super) const QR_LEFT: i32 = 80;
pub(super) const QR_BOTTOM_INSET: i32 = 80;
const QR_TARGET: i32 = 168;
/// Light modules around the code, as scanners expect.
const QR_QUIET: i32 = 2;

/// Draws the QR code of `link` with its bottom-left corner at (`left`, `bottom`), dark on white;
/// returns its width in pixels.
fn qr(area: &Area<'_>, link: &str, left: i32, bottom: i32) -> Result<i32, RenderError> {
    let code = qrcode::QrCode::with_error_correction_level(link.as_bytes(), qrcode::EcLevel::M).map_err(draw_err)?;
    let modules = code.width() as i32;
    let module = (QR_TARGET / (modules + 2 * QR_QUIET)).max(2);
    let size = module * (modules + 2 * QR_QUIET);
    let top = bottom - size;
    // A filled rectangle covers its first corner up to (not including) the second.
    area.draw(&Rectangle::new([(left, top), (left + size, bottom)], WHITE.filled())).map_err(draw_err)?;
    for (i, color) in code.to_colors().into_iter().enumerate() {
        if color != qrcode::Color::Dark {
            continue;
        }
        let (x, y) = ((i as i32) % modules, (i as i32) / modules);
        let x0 = left + (x + QR_QUIET) * module;
        let y0 = top + (y + QR_QUIET) * module;
        area.draw(&Rectangle::new([(x0, y0), (x0 + module, y0 + module)], BLACK.filled())).map_err(draw_err)?;
    }
    Ok(size)
}

/// Maroon band, thin gold inner line, gold diamonds at the inner corners.
fn frame(area: &Area<'_>, w: i32, h: i32) -> Result<(), RenderError> {
    let band = |inset: i32, color: RGBColor| {
        area.draw(&Rectangle::new([(inset, inset), (w - inset, h - inset)], color.filled())).map_err(draw_err)
    };
    band(18, MAROON)?;
    band(30, PAPER)?;
    band(44, GOLD)?;
    band(47, PAPER)?;
    for (x, y) in [(45, 45), (w - 46, 45), (45, h - 46), (w - 46, h - 46)] {
        diamond(area, x, y, 11, GOLD)?;
        diamond(area, x, y, 4, PAPER)?;
    }
    Ok(())
}

/// Short gold rules either side of a diamond, under the title.
fn ornament(area: &Area<'_>, cx: i32, y: i32) -> Result<(), RenderError> {
    hline(area, cx - 150, cx - 22, y, 2, GOLD)?;
    hline(area, cx + 22, cx + 150, y, 2, GOLD)?;
    diamond(area, cx, y, 9, MAROON)
}

fn diamond(area: &Area<'_>, x: i32, y: i32, r: i32, color: RGBColor) -> Result<(), RenderError> {
    area.draw(&Polygon::new(vec![(x, y - r), (x + r, y), (x, y + r), (x - r, y)], color.filled())).map_err(draw_err)
}

fn hline(area: &Area<'_>, x0: i32, x1: i32, y: i32, thickness: i32, color: RGBColor) -> Result<(), RenderError> {
    area.draw(&Rectangle::new([(x0, y), (x1, y + thickness - 1)], color.filled())).map_err(draw_err)
}

/// Draws `s` centred on `cx`, one character at a time with `spacing` extra pixels between them.
fn spaced_centered(
    area: &Area<'_>,
    s: &str,
    size: f64,
    color: RGBColor,
    cx: i32,
    baseline: i32,
    spacing: f64,
) -> Result<(), RenderError> {
    let chars: Vec<String> = s.chars().map(String::from).collect();
    let widths: Vec<i32> = chars.iter().map(|ch| text::width(ch, size)).collect();
    let gap = spacing as i32;
    let total: i32 = widths.iter().sum::<i32>() + gap * (chars.len() as i32 - 1).max(0);
    let mut x = cx - total / 2;
    for (ch, cw) in chars.iter().zip(widths) {
        text::draw(area, ch, size, color, (x, baseline), HPos::Left)?;
        x += cw + gap;
    }
    Ok(())
}
