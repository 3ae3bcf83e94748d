//! Catalogue texts in more than one language. Every visible text of a catalogue entry (a course's
//! title and summary, a quiz question's options, a place, a busy season's name…) is written in
//! Chinese, the default language, and may carry translations: language code → field → text (or a
//! list of texts, for quiz options). A text without a translation in a person's language is shown in
//! Chinese, field by field.
//!
//! In a catalogue file: `tr.en.summary = "…"` under the entry, or a `[course.tr.en]` table after it
//! (see docs/catalog-format.md). Stored as JSON beside the row.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

/// One translated field: a text, or a list (quiz options, in the order of the Chinese ones).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum TrText {
    One(String),
    Many(Vec<String>),
}

/// The translations of one entry: language code → field name → text.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Translations(pub BTreeMap<String, BTreeMap<String, TrText>>);

impl Translations {
    pub fn is_empty(&self) -> bool {
        self.0.values().all(|fields| fields.is_empty())
    }

    /// `field` in `lang`, else `base` (the Chinese text). The default language is always `base`.
    pub fn text<'a>(&'a self, lang: Lang, field: &str, base: &'a str) -> &'a str {
        match self.get(lang, field) {
            Some(TrText::One(text)) if !text.trim().is_empty() => text,
            _ => base,
        }
    }

    /// As [`Translations::text`] for an optional field: a translation without a Chinese text is not
    /// shown (the field is not there).
    pub fn text_opt<'a>(&'a self, lang: Lang, field: &str, base: Option<&'a str>) -> Option<&'a str> {
        base.map(|base| self.text(lang, field, base))
    }

    /// A list field (quiz options) in `lang`, else `base`; a translated list must have as many
    /// entries as `base` to be used (the answer is an index into it).
    pub fn list<'a>(&'a self, lang: Lang, field: &str, base: &'a [String]) -> &'a [String] {
        match self.get(lang, field) {
            Some(TrText::Many(list)) if list.len() == base.len() => list,
            _ => base,
        }
    }

    fn get(&self, lang: Lang, field: &str) -> Option<&TrText> {
        if lang == Lang::DEFAULT {
            return None;
        }
        self.0.get(lang.code())?.get(field)
    }

    /// Adds one translation (used for the older `title_en` / `name_en` spellings); one already
    /// given in the `tr` table wins.
    pub fn add_if_missing(&mut self, lang_code: &str, field: &str, text: Option<&str>) {
        if let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) {
            self.0
                .entry(lang_code.to_owned())
                .or_default()
                .entry(field.to_owned())
                .or_insert_with(|| TrText::One(text.to_owned()));
        }
    }

    /// Each (language, field, value) as written, for checks.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &str, &TrText)> {
        self.0.iter().flat_map(|(lang, fields)| fields.iter().map(move |(f, v)| (lang.as_str(), f.as_str(), v)))
    }

    /// Trims every text (as the Chinese texts are) and drops empty languages.
    pub fn trimmed(mut self) -> Translations {
        for fields in self.0.values_mut() {
            for value in fields.values_mut() {
                match value {
                    TrText::One(text) => *text = text.trim().to_owned(),
                    TrText::Many(list) => list.iter_mut().for_each(|t| *t = t.trim().to_owned()),
                }
            }
        }
        self.0.retain(|_, fields| !fields.is_empty());
        self
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_owned())
    }

    /// Stored JSON; anything unreadable reads as no translations (the Chinese texts still show).
    pub fn from_json(json: &str) -> Translations {
        serde_json::from_str(json).unwrap_or_default()
    }
}

/// One text with its translations, carried on its own (a digest line names a course and a place
/// long after the catalogue rows were read): Chinese `base`, language code → text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Localized {
    pub base: String,
    pub tr: BTreeMap<String, String>,
}

impl Localized {
    /// A text without translations.
    pub fn plain(base: impl Into<String>) -> Localized {
        Localized { base: base.into(), tr: BTreeMap::new() }
    }

    /// `field` of an entry: its Chinese `base` and every translation of the field.
    pub fn field(base: &str, tr: &Translations, field: &str) -> Localized {
        let tr =
            tr.0.iter()
                .filter_map(|(lang, fields)| match fields.get(field) {
                    Some(TrText::One(text)) if !text.trim().is_empty() => Some((lang.clone(), text.clone())),
                    _ => None,
                })
                .collect();
        Localized { base: base.to_owned(), tr }
    }

    /// The text in `lang`, else in Chinese.
    pub fn get(&self, lang: Lang) -> &str {
        if lang == Lang::DEFAULT {
            return &self.base;
        }
        self.tr.get(lang.code()).map(String::as_str).unwrap_or(&self.base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_field_falls_back_to_chinese_on_its_own() {
        let tr: Translations = serde_json::from_str(
            r#"{"en": {"title": "Growing mushrooms", "options": ["Yes", "No"]}, "fr": {"title": ""}}"#,
        )
        .unwrap();
        assert_eq!(tr.text(Lang::En, "title", "食用菌"), "Growing mushrooms");
        assert_eq!(tr.text(Lang::Zh, "title", "食用菌"), "食用菌");
        assert_eq!(tr.text(Lang::En, "summary", "学会"), "学会");
        let base = vec!["是".to_owned(), "否".to_owned()];
        assert_eq!(tr.list(Lang::En, "options", &base), ["Yes", "No"]);
        let three = vec!["一".to_owned(), "二".to_owned(), "三".to_owned()];
        assert_eq!(tr.list(Lang::En, "options", &three), three.as_slice());
        assert_eq!(tr.text_opt(Lang::En, "title", None), None);
        assert_eq!(Translations::from_json(&tr.to_json()), tr);
        assert_eq!(Translations::from_json("not json"), Translations::default());
    }

    #[test]
    fn an_older_english_field_does_not_override_the_table() {
        let mut tr = Translations::default();
        tr.add_if_missing("en", "title", Some(" Mushrooms "));
        tr.add_if_missing("en", "title", Some("Other"));
        tr.add_if_missing("en", "name", None);
        assert_eq!(tr.text(Lang::En, "title", "食用菌"), "Mushrooms");
        assert_eq!(tr.entries().count(), 1);
    }
}
