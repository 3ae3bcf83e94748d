use fieldschool::render::{self, Certificate};
use std::time::Instant;
fn main() {
    let cert = Certificate {
        title: "结业证书".into(),
        name: "王秀英".into(),
        course: "《设施蔬菜栽培技术》（第二期）".into(),
        dates: "2026年3月9日 至 2026年3月20日".into(),
        trainer: "授课教师：李建国".into(),
        credits: Some("共 24 学时，考核合格".into()),
        code_line: "验证码 K7Q3-M9XP".into(),
        issuer: "新安县 田间学校".into(),
    };
    let t = Instant::now();
    render::ensure_font().unwrap();
    println!("font load+register: {:?}", t.elapsed());
    for _ in 0..2 {
        let t = Instant::now();
        let png = render::certificate_png(&cert).unwrap();
        println!("certificate_png: {:?} ({} bytes)", t.elapsed(), png.len());
    }
    let t = Instant::now();
    let _ = render::certificate_rgb(&cert).unwrap();
    println!("certificate_rgb: {:?}", t.elapsed());
    let latin = Certificate { name: "K7Q3-M9XP Wang Li".into(), ..cert.clone() };
    std::fs::write("target/render-latin.png", render::certificate_png(&latin).unwrap()).unwrap();
}
