//! Typed button labels: people often type what a button says ("农户", "报名培训", a county's name)
//! instead of tapping it. [`find`] tells which of the buttons on screen a typed line names, so it can
//! be handled as that button's press (with all of that button's checks).

/// What a label or a typed line is compared by: trimmed, without the emoji or symbols it starts or
/// ends with ("📚 报名培训" → "报名培训", "✅ 同意" → "同意", "⬅️ Back" → "back"), Latin letters
/// in lower case. `None` when nothing is left (a label of stars only).
pub fn normalize(text: &str) -> Option<String> {
    let core = text.trim_matches(|c: char| !c.is_alphanumeric());
    (!core.is_empty()).then(|| core.chars().flat_map(char::to_lowercase).collect())
}

/// Whether `typed` names `label`. A single letter or digit ("A", "3") names only a button whose whole
/// label is that letter or digit (a quiz option "A"), never "3 人" or "1️⃣": such short text is too
/// often meant as something else (an answer, a count).
pub fn names(typed: &str, label: &str) -> bool {
    let Some(typed) = normalize(typed) else { return false };
    if typed.chars().count() == 1 && typed.chars().all(|c| c.is_ascii_alphanumeric()) {
        return label.trim().to_lowercase() == typed;
    }
    short_forms(label).contains(&typed)
}

/// What a label may be called by: the whole label, without a trailing count or note in brackets
/// ("特色种养（1 门）" → "特色种养"), and its first part when it is a list of parts ("铁山镇农技站 · 12月12日 ·
/// 剩 30 个名额" → "铁山镇农技站"): people type what they read first.
fn short_forms(label: &str) -> Vec<String> {
    let mut forms = Vec::new();
    let mut add = |text: &str| {
        if let Some(form) = normalize(text)
            && !forms.contains(&form)
        {
            forms.push(form);
        }
    };
    add(label);
    let trimmed = label.trim_end();
    for (open, close) in [('（', '）'), ('(', ')')] {
        if trimmed.ends_with(close)
            && let Some(at) = trimmed.rfind(open)
            && at > 0
        {
            add(&trimmed[..at]);
        }
    }
    if let Some((first, _)) = label.split_once(" · ") {
        add(first);
    }
    forms
}

/// The one button of `buttons` (label, data) that `typed` names; `None` when none does, or when
/// several different buttons do (ambiguous: better to ask than to guess).
pub fn find<'a>(typed: &str, buttons: &'a [(String, String)]) -> Option<&'a str> {
    let mut found: Option<&str> = None;
    for (label, data) in buttons {
        if names(typed, label) {
            match found {
                Some(earlier) if earlier != data => return None,
                _ => found = Some(data),
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn buttons(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(l, d)| (l.to_string(), d.to_string())).collect()
    }

    #[test]
    fn a_label_is_named_without_its_emoji_spaces_or_case() {
        assert!(names("农户", "👨‍🌾 农户"));
        assert!(names(" 同意 ", "✅ 同意"));
        assert!(names("报名培训", "📚 报名培训"));
        assert!(names("📚 报名培训", "📚 报名培训"));
        assert!(names("back", "⬅️ Back"));
        assert!(names("I AGREE", "✅ I agree"));
        assert!(names("新安县", "新安县"));
        assert!(!names("不同意", "✅ 同意"));
        assert!(!names("同意", "❌ 不同意"));
        assert!(!names("农", "👨‍🌾 农户"), "a part is not the label");
        assert!(names("特色种养", "特色种养（1 门）"), "a count in brackets may be left out");
        assert!(names("Crops and livestock", "Crops and livestock (1 course)"));
        assert!(names("铁山镇农业技术推广站", "铁山镇农业技术推广站 · 12月12日（周六） · 剩 30 个名额"));
        assert!(!names("12月12日", "铁山镇农业技术推广站 · 12月12日（周六） · 剩 30 个名额"));
    }

    #[test]
    fn single_letters_and_digits_name_only_a_label_that_is_exactly_them() {
        assert!(names("A", "A"));
        assert!(names("a", "A"));
        assert!(names("3", "3"));
        assert!(!names("3", "3 人"));
        assert!(!names("1", "1\u{fe0f}\u{20e3}"));
        assert!(!names("A", "A. 5-10℃"));
        assert!(!names("3", "⭐⭐⭐"));
    }

    #[test]
    fn nothing_names_a_label_of_symbols_only() {
        assert!(!names("⭐⭐⭐", "⭐⭐⭐"));
        assert!(!names("", "✅"));
        assert_eq!(normalize("⭐⭐"), None);
    }

    #[test]
    fn find_picks_the_one_button_and_refuses_to_guess() {
        let on_screen = buttons(&[("👨‍🌾 农户", "a:villager"), ("👔 基层干部", "a:cadre"), ("⬅️ 返回", "bk")]);
        assert_eq!(find("农户", &on_screen), Some("a:villager"));
        assert_eq!(find("基层干部", &on_screen), Some("a:cadre"));
        assert_eq!(find("干部", &on_screen), None);
        assert_eq!(find("我想学修手机", &on_screen), None);
        let twice = buttons(&[("东村", "r:a-1"), ("东村", "r:b-1")]);
        assert_eq!(find("东村", &twice), None);
        let same = buttons(&[("刷新", "rs:1"), ("🔄 刷新", "rs:1")]);
        assert_eq!(find("刷新", &same), Some("rs:1"));
    }
}
