//! The languages the bot speaks are the folders under `locales/`: each `locales/<code>/` is one
//! language. This writes `$OUT_DIR/langs.rs` (the table behind `i18n::Lang`), so adding a language is
//! a folder of `.ftl` files and no Rust change. `zh` comes first: it is the default and the fallback.

use std::fs;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=locales");
    let mut codes: Vec<String> = fs::read_dir("locales")
        .expect("locales/ exists")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|code| !code.starts_with('.'))
        .collect();
    codes.sort();
    for code in &codes {
        // Each folder is watched too, so a new .ftl file in it rebuilds.
        println!("cargo:rerun-if-changed=locales/{code}");
        assert!(
            code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') && code.len() <= 16,
            "locales/{code}: a locale folder is a language tag such as en, fr or pt-BR"
        );
    }
    let zh = codes.iter().position(|c| c == "zh").expect("locales/zh exists (the default language)");
    let zh = codes.remove(zh);
    codes.insert(0, zh);

    let mut out = String::new();
    out.push_str("/// Every language tag with a folder under `locales/`, the default (`zh`) first.\n");
    out.push_str(&format!("pub const CODES: [&str; {}] = [", codes.len()));
    for code in &codes {
        out.push_str(&format!("{code:?}, "));
    }
    out.push_str("];\n\n#[allow(non_upper_case_globals)]\nimpl Lang {\n");
    out.push_str(&format!("    pub const ALL: [Lang; {}] = [", codes.len()));
    for i in 0..codes.len() {
        out.push_str(&format!("Lang({i}), "));
    }
    out.push_str("];\n");
    for (i, code) in codes.iter().enumerate() {
        let ident: String = code
            .split('-')
            .map(|part| {
                let mut cs = part.chars();
                match cs.next() {
                    Some(first) => first.to_ascii_uppercase().to_string() + &cs.as_str().to_ascii_lowercase(),
                    None => String::new(),
                }
            })
            .collect();
        out.push_str(&format!("    /// `locales/{code}/`\n    pub const {ident}: Lang = Lang({i});\n"));
    }
    out.push_str("}\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("langs.rs");
    fs::write(dest, out).unwrap();
}
