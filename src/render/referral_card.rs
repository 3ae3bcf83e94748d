//! The referral card (推荐卡): what a coordinator prints or forwards to an employer without Telegram —
//! the opening, the person's name very large, their village, phone, certificate and course, the day
//! they were referred, and the office's contact. About A6 in landscape, large type for old eyes.

use plotters::prelude::*;
use plotters::style::text_anchor::HPos;

use super::{Area, REFERRAL_CARD_SIZE, ReferralCard, RenderError, draw_err, text};

const PAPER: RGBColor = RGBColor(255, 255, 255);
const GREEN: RGBColor = RGBColor(30, 100, 60);
const INK: RGBColor = RGBColor(20, 20, 20);
const BODY: RGBColor = RGBColor(55, 55, 55);
const MUTED: RGBColor = RGBColor(100, 100, 100);

pub(super) fn draw(area: &Area<'_>, c: &ReferralCard) -> Result<(), RenderError> {
    let (w, h) = (REFERRAL_CARD_SIZE.0 as i32, REFERRAL_CARD_SIZE.1 as i32);
    area.fill(&PAPER).map_err(draw_err)?;
    // A green band on top with the heading, the opening under it.
    area.draw(&Rectangle::new([(0, 0), (w, 110)], GREEN.filled())).map_err(draw_err)?;
    let (title, size) = text::fit(&c.title, 56.0, 30.0, w - 100);
    text::draw(area, &title, size, PAPER, (60, 78), HPos::Left)?;
    let (opening, size) = text::fit(&c.opening, 40.0, 24.0, w - 120);
    text::draw(area, &opening, size, GREEN, (60, 180), HPos::Left)?;

    // The name, largest.
    let (name, size) = text::fit(&c.name, 110.0, 48.0, w - 120);
    text::draw(area, &name, size, INK, (60, 320), HPos::Left)?;
    area.draw(&Rectangle::new([(60, 345), (w - 60, 348)], GREEN.filled())).map_err(draw_err)?;

    let mut y = 420;
    for line in c.lines.iter().filter(|l| !l.trim().is_empty()) {
        let (line, size) = text::fit(line, 44.0, 24.0, w - 120);
        text::draw(area, &line, size, BODY, (60, y), HPos::Left)?;
        y += 66;
    }
    let (footer, size) = text::fit(&c.footer, 32.0, 18.0, w - 120);
    text::draw(area, &footer, size, MUTED, (60, h - 50), HPos::Left)?;
    Ok(())
}
