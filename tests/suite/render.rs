//! Certificate and chart rendering: real PNGs of the right size, not blank, Chinese drawn with a
//! real font, and a clear `NoFont` error when no font file exists.
//!
//! Needs a CJK font installed (`apt-get install fonts-wqy-microhei`, as CI does).

use std::path::PathBuf;

use fieldschool::render::{self, BAR_CHART_SIZE, BarChart, CERTIFICATE_SIZE, Certificate, RenderError, RgbImage};

fn sample_certificate() -> Certificate {
    Certificate {
        title: "结业证书".into(),
        name: "王秀英".into(),
        course: "《设施蔬菜栽培技术》（第二期）".into(),
        dates: "2026年3月9日 至 2026年3月20日".into(),
        trainer: "授课教师：李建国".into(),
        credits: Some("共 24 学时，考核合格".into()),
        code_line: "验证码 K7Q3-M9XP".into(),
        issuer: "新安县 田间学校".into(),
        qr_link: Some("https://t.me/fieldschool_bot?start=v-K7Q3-M9XP".into()),
    }
}

fn sample_chart() -> BarChart {
    BarChart {
        title: "各课程报名与出勤人数（2026年春季）".into(),
        categories: vec!["设施蔬菜栽培".into(), "果树修剪".into(), "畜禽防疫".into(), "农产品电商".into()],
        series: vec![("报名".into(), vec![42.0, 35.0, 28.0, 51.0]), ("出勤".into(), vec![38.0, 30.0, 27.0, 44.0])],
        y_label: "人数".into(),
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

/// Pixels that differ clearly from the colour at (x, y).
fn pixels_unlike(img: &RgbImage, (x, y): (u32, u32)) -> usize {
    let bg = img.pixel(x, y);
    img.pixels
        .chunks_exact(3)
        .filter(|p| {
            let d = |a: u8, b: u8| (a as i32 - b as i32).abs();
            d(p[0], bg.0) + d(p[1], bg.1) + d(p[2], bg.2) > 60
        })
        .count()
}

/// Differing pixels between two same-size images inside the rectangle [x0, x1) × [y0, y1).
fn diff_in(a: &RgbImage, b: &RgbImage, (x0, y0): (u32, u32), (x1, y1): (u32, u32)) -> usize {
    let mut n = 0;
    for y in y0..y1 {
        for x in x0..x1 {
            if a.pixel(x, y) != b.pixel(x, y) {
                n += 1;
            }
        }
    }
    n
}

#[test]
fn certificate_is_a_png_of_the_expected_size_and_is_written_for_review() {
    let png = render::certificate_png(&sample_certificate()).expect("render certificate");
    assert_eq!(png_size(&png), CERTIFICATE_SIZE);
    assert!(png.len() > 20_000, "suspiciously small PNG: {} bytes", png.len());

    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("render-sample-certificate.png"), &png).unwrap();
}

#[test]
fn certificate_has_ink_and_draws_the_actual_characters() {
    let cert = sample_certificate();
    let img = render::certificate_rgb(&cert).expect("render certificate");
    assert_eq!((img.width, img.height), CERTIFICATE_SIZE);
    assert_eq!(img.pixels.len(), (img.width * img.height * 3) as usize);
    // Sample the paper in the middle-left, away from text and frame.
    let ink = pixels_unlike(&img, (80, 425));
    assert!(ink > 40_000, "too little drawn: {ink} pixels");

    // Same-length names give different pixels in the name band: glyphs, not identical boxes.
    let other = render::certificate_rgb(&Certificate { name: "李桂兰".into(), ..cert.clone() }).unwrap();
    let name_band = diff_in(&img, &other, (0, 240), (img.width, 380));
    assert!(name_band > 2_000, "name band barely changed: {name_band} pixels");
    // ...and nothing else moved.
    assert_eq!(diff_in(&img, &other, (0, 400), (img.width, img.height)), 0);
}

#[test]
fn the_certificate_carries_the_qr_code_of_its_verification_link() {
    let cert = sample_certificate();
    let img = render::certificate_rgb(&cert).unwrap();
    // The QR code sits in the bottom left corner: pure black modules on white, nowhere else black.
    let (w, h) = CERTIFICATE_SIZE;
    let corner = ((60, h - 280), (280, h - 60));
    let black = |img: &RgbImage, (x0, y0): (u32, u32), (x1, y1): (u32, u32)| {
        (y0..y1).flat_map(|y| (x0..x1).map(move |x| (x, y))).filter(|&(x, y)| img.pixel(x, y) == (0, 0, 0)).count()
    };
    let modules = black(&img, corner.0, corner.1);
    assert!(modules > 3_000, "no QR code drawn: {modules} black pixels");
    assert_eq!(black(&img, (0, 0), (w, h)), modules, "black only in the QR code");
    // Read the drawn code back module by module: exactly the QR code of the link, every module a solid
    // square (a phone camera reads it), with a light margin around it.
    let link = cert.qr_link.clone().unwrap();
    let code = qrcode::QrCode::with_error_correction_level(link.as_bytes(), qrcode::EcLevel::M).unwrap();
    let n = code.width() as u32;
    let dark: Vec<(u32, u32)> = (corner.0.1..corner.1.1)
        .flat_map(|y| (corner.0.0..corner.1.0).map(move |x| (x, y)))
        .filter(|&(x, y)| img.pixel(x, y) == (0, 0, 0))
        .collect();
    let (x0, y0) = (dark.iter().map(|p| p.0).min().unwrap(), dark.iter().map(|p| p.1).min().unwrap());
    let (x1, y1) = (dark.iter().map(|p| p.0).max().unwrap(), dark.iter().map(|p| p.1).max().unwrap());
    let module = (x1 + 1 - x0) / n;
    assert!(module >= 3, "modules of {module} px are too small to scan");
    assert_eq!(((x1 + 1 - x0) % n, y1 + 1 - y0), (0, n * module), "a square grid of whole modules");
    for (i, color) in code.to_colors().into_iter().enumerate() {
        let (mx, my) = (x0 + (i as u32 % n) * module, y0 + (i as u32 / n) * module);
        let want = if color == qrcode::Color::Dark { (0, 0, 0) } else { (255, 255, 255) };
        for (x, y) in (my..my + module).flat_map(|y| (mx..mx + module).map(move |x| (x, y))) {
            assert_eq!(img.pixel(x, y), want, "module ({}, {}) at pixel ({x}, {y})", i as u32 % n, i as u32 / n);
        }
    }
    for x in x0 - 2 * module..x0 {
        assert_eq!(img.pixel(x, y0), (255, 255, 255), "light margin");
    }
    // Another link, another code; no link, no code.
    let other = render::certificate_rgb(&Certificate {
        qr_link: Some("https://t.me/fieldschool_bot?start=v-ZZZZ-2222".into()),
        ..cert.clone()
    })
    .unwrap();
    assert!(diff_in(&img, &other, corner.0, corner.1) > 500);
    let none = render::certificate_rgb(&Certificate { qr_link: None, ..cert }).unwrap();
    assert_eq!(black(&none, (0, 0), (w, h)), 0);
}

#[test]
fn certificate_without_credits_and_with_overlong_text_still_renders() {
    let cert = Certificate {
        credits: None,
        course: "设施蔬菜栽培技术与病虫害绿色防控综合实训班（高级研修，第十二期，含田间实操与结业考核）".repeat(2),
        name: "Wang Xiuying-Alexandrina Montgomery-Featherstonehaugh".into(),
        ..sample_certificate()
    };
    let png = render::certificate_png(&cert).expect("render");
    assert_eq!(png_size(&png), CERTIFICATE_SIZE);
}

#[test]
fn bar_chart_is_a_png_of_the_expected_size_with_bars() {
    let chart = sample_chart();
    let png = render::bar_chart_png(&chart).expect("render chart");
    assert_eq!(png_size(&png), BAR_CHART_SIZE);
    assert!(png.len() > 10_000, "suspiciously small PNG: {} bytes", png.len());
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("render-sample-chart.png"), &png).unwrap();

    let img = render::bar_chart_rgb(&chart).unwrap();
    assert_eq!((img.width, img.height), BAR_CHART_SIZE);
    assert!(pixels_unlike(&img, (2, 2)) > 30_000, "chart looks blank");
    // Both series colours appear (first two palette entries).
    let has = |c: (u8, u8, u8)| img.pixels.chunks_exact(3).any(|p| (p[0], p[1], p[2]) == c);
    assert!(has((56, 142, 60)), "first series colour missing");
    assert!(has((245, 124, 0)), "second series colour missing");
}

#[test]
fn bar_chart_tolerates_odd_input() {
    for chart in [
        BarChart { title: String::new(), categories: vec![], series: vec![], y_label: String::new() },
        BarChart {
            title: "收入变化（元/亩）".into(),
            categories: vec!["培训前".into(), "培训后".into(), "一年后".into()],
            // short series, NaN, negative, extra value
            series: vec![("张村".into(), vec![1200.0, f64::NAN]), ("李村".into(), vec![-150.5, 980.25, 1500.0, 99.0])],
            y_label: "元".into(),
        },
        BarChart {
            title: "全为零".into(),
            categories: vec!["甲".into()],
            series: vec![("".into(), vec![0.0])],
            y_label: "".into(),
        },
    ] {
        let png = render::bar_chart_png(&chart).expect("render");
        assert_eq!(png_size(&png), BAR_CHART_SIZE);
    }
}

#[test]
fn find_font_reports_missing_fonts_with_the_install_command() {
    let err = render::find_font(&[PathBuf::from("/nonexistent/font.ttc")]).unwrap_err();
    assert!(matches!(err, RenderError::NoFont(_)), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("/nonexistent/font.ttc"), "{msg}");
    assert!(msg.contains("apt-get install fonts-wqy-microhei"), "{msg}");

    assert!(matches!(render::find_font(&[]), Err(RenderError::NoFont(_))));
}

#[test]
fn find_font_skips_missing_and_non_font_files() {
    let not_a_font = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let found = render::find_font(&render::font_candidates()).expect("a CJK font is installed");
    let mut candidates = vec![PathBuf::from("/nonexistent/font.ttc"), not_a_font.clone()];
    candidates.push(found.clone());
    assert_eq!(render::find_font(&candidates).unwrap(), found);
    assert!(matches!(render::find_font(&[not_a_font]), Err(RenderError::NoFont(_))));
}

#[test]
fn system_candidates_include_the_debian_wqy_font() {
    let candidates = render::font_candidates();
    assert!(candidates.contains(&PathBuf::from("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")));
}
