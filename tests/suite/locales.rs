//! Every key used in code exists in every locale, every locale has the same keys, every message
//! renders, and no user-visible Chinese hides in src/.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn files_with_ext(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_with_ext(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

/// Message ids defined in one locale folder, with the file each comes from.
fn locale_keys(lang: &str) -> BTreeMap<String, PathBuf> {
    let mut files = Vec::new();
    files_with_ext(&Path::new(env!("CARGO_MANIFEST_DIR")).join("locales").join(lang), "ftl", &mut files);
    let mut keys = BTreeMap::new();
    for file in files {
        for line in fs::read_to_string(&file).unwrap().lines() {
            let Some((id, _)) = line.split_once('=') else { continue };
            let id = id.trim_end();
            if !id.is_empty()
                && id.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                assert!(keys.insert(id.to_owned(), file.clone()).is_none(), "{id} defined twice in locales/{lang}");
            }
        }
    }
    keys
}

/// Every folder under locales/: each is a language the bot speaks.
fn locale_folders() -> Vec<String> {
    let mut folders: Vec<String> = fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("locales"))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().into_string().unwrap())
        .collect();
    folders.sort();
    folders
}

/// Keys passed to `tr!(lang, "key" …)` anywhere in src/.
fn keys_used_in_code() -> BTreeSet<String> {
    let mut files = Vec::new();
    files_with_ext(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), "rs", &mut files);
    let mut keys = BTreeSet::new();
    for file in files {
        // Doc comments show the macro with a placeholder key; only code counts.
        let text: String = fs::read_to_string(&file)
            .unwrap()
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let mut rest = text.as_str();
        while let Some(i) = rest.find("tr!(") {
            rest = &rest[i + 4..];
            // Skip the language expression up to the first top-level comma.
            let mut depth = 0;
            let mut comma = None;
            for (j, c) in rest.char_indices() {
                match c {
                    '(' | '[' | '{' => depth += 1,
                    ')' | ']' | '}' if depth == 0 => break,
                    ')' | ']' | '}' => depth -= 1,
                    ',' if depth == 0 => {
                        comma = Some(j);
                        break;
                    }
                    _ => {}
                }
            }
            let Some(comma) = comma else { continue };
            let after = rest[comma + 1..].trim_start();
            if let Some(lit) = after.strip_prefix('"')
                && let Some(end) = lit.find('"')
            {
                keys.insert(lit[..end].to_owned());
            }
        }
    }
    keys
}

#[test]
fn every_key_used_in_code_exists_in_every_locale() {
    let used = keys_used_in_code();
    assert!(used.len() > 20, "the scanner found too few keys ({}); is it broken?", used.len());
    for lang in locale_folders() {
        let defined = locale_keys(&lang);
        let missing: Vec<_> = used.iter().filter(|k| !defined.contains_key(*k)).collect();
        assert!(missing.is_empty(), "keys used in src/ but missing from locales/{lang}: {missing:?}");
    }
}

#[test]
fn every_locale_defines_the_same_keys() {
    let zh: BTreeSet<_> = locale_keys("zh").into_keys().collect();
    for lang in locale_folders() {
        let other: BTreeSet<_> = locale_keys(&lang).into_keys().collect();
        let only_zh: Vec<_> = zh.difference(&other).collect();
        let only_other: Vec<_> = other.difference(&zh).collect();
        assert!(
            only_zh.is_empty() && only_other.is_empty(),
            "missing from locales/{lang}: {only_zh:?}; only in locales/{lang}: {only_other:?}"
        );
    }
}

#[test]
fn the_bot_speaks_exactly_the_languages_of_the_locale_folders() {
    use fieldschool::i18n::Lang;
    let mut codes: Vec<String> = Lang::ALL.iter().map(|l| l.code().to_owned()).collect();
    assert_eq!(codes[0], "zh", "Chinese is the default");
    codes.sort();
    assert_eq!(codes, locale_folders());
}

#[test]
fn english_counts_take_the_plural_rule() {
    use fieldschool::i18n::Lang;
    use fieldschool::tr;
    assert_eq!(tr!(Lang::En, "class-seats-left", n = 1), "1 seat left");
    let one = tr!(Lang::En, "request-recorded", count = 1);
    assert!(one.starts_with("1 person in your township has asked"), "{one}");
    let two = tr!(Lang::En, "request-recorded", count = 2);
    assert!(two.starts_with("2 people in your township have asked"), "{two}");
    assert!(tr!(Lang::En, "outcomes-feedback", answered = 1, usefulness = "-", trainer = "-").contains("1 rating;"));
    assert!(tr!(Lang::En, "outcomes-feedback", answered = 3, usefulness = "-", trainer = "-").contains("3 ratings;"));
    assert_eq!(tr!(Lang::En, "course-credits", credits = "1", n = 1.0), "1 credit");
    assert_eq!(tr!(Lang::En, "course-credits", credits = "1.5", n = 1.5), "1.5 credits");
    assert_eq!(tr!(Lang::En, "course-credits-line", credits = "1.5"), "Credits: 1.5");
    assert_eq!(tr!(Lang::Zh, "course-credits-line", credits = "1.5"), "学分：1.5");
    assert_eq!(
        tr!(Lang::En, "region-address", county = "Xin'an County", township = "Tieshan Town", village = "Dongcun"),
        "Dongcun, Tieshan Town, Xin'an County"
    );
    assert_eq!(
        tr!(Lang::Zh, "region-address", county = "新安县", township = "铁山镇", village = "东村"),
        "新安县铁山镇东村"
    );
}

#[test]
fn every_message_renders_in_every_language() {
    use fieldschool::i18n::{Lang, lookup};
    for lang in Lang::ALL {
        for key in locale_keys(lang.code()).keys() {
            let text = lookup(lang, key, None);
            assert!(!text.trim().is_empty() && text != *key, "{key} does not render in {lang:?}: {text:?}");
            assert!(!text.contains('\u{2068}'), "bidi isolation marks in {key}");
        }
    }
}

#[test]
fn chinese_is_the_default_and_english_is_english() {
    use fieldschool::i18n::{Lang, lookup};
    assert_eq!(lookup(Lang::Zh, "btn-skip", None), "\u{8df3}\u{8fc7}");
    assert_eq!(lookup(Lang::En, "btn-skip", None), "Skip");
}

#[test]
fn src_holds_no_user_visible_chinese() {
    let mut files = Vec::new();
    files_with_ext(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), "rs", &mut files);
    let mut offenders = Vec::new();
    for file in files {
        for (n, line) in fs::read_to_string(&file).unwrap().lines().enumerate() {
            if line.contains("#[cfg(test)]") {
                break; // test modules sit at the end of a file and may use Chinese fixtures
            }
            let code = line.trim_start();
            // Tables a parser reads (numerals, unit words) are data, not text shown to anyone; each
            // such line says so.
            if code.starts_with("//") || line.trim_end().ends_with("// parser data") {
                continue;
            }
            if line.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
                offenders.push(format!("{}:{}", file.display(), n + 1));
            }
        }
    }
    assert!(offenders.is_empty(), "Chinese text in src/ belongs in locales/: {offenders:?}");
}
