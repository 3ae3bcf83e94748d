//! Every user-visible string comes from `locales/{zh,en}/*.ftl` through [`tr!`].
//! Keys are always string literals at the call site so a test can check each one exists.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};
use serde::{Deserialize, Serialize};

fluent_templates::static_loader! {
    pub static LOCALES = {
        locales: "./locales",
        fallback_language: "zh",
        // Without this every variable is wrapped in U+2068/U+2069, which Telegram shows as boxes on old phones.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// A language the bot speaks: one folder under `locales/` (the table is written by `build.rs` from
/// those folders, so adding a language needs no change here). Chinese (`zh`) is the default and the
/// fallback for any message or catalogue text a language lacks. Stored and sent as its code (`"en"`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Lang(u8);

impl std::fmt::Debug for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Lang({})", self.code())
    }
}

include!(concat!(env!("OUT_DIR"), "/langs.rs"));

static LANGIDS: std::sync::LazyLock<Vec<LanguageIdentifier>> =
    std::sync::LazyLock::new(|| CODES.iter().map(|code| code.parse().unwrap_or_else(|_| langid!("zh"))).collect());

impl Lang {
    /// The default language, and the one every catalogue text is written in first.
    pub const DEFAULT: Lang = Lang(0);

    pub fn code(self) -> &'static str {
        CODES[self.0 as usize]
    }

    /// A language by its folder name (`"en"`, case-insensitive); `None` for a language without a folder.
    pub fn from_code(code: &str) -> Option<Lang> {
        CODES.iter().position(|c| c.eq_ignore_ascii_case(code)).map(|i| Lang(i as u8))
    }

    /// Telegram's `language_code` is only a hint (`zh-hans`, `zh-hant-tw`, `en-US`, `pt-br`…): the
    /// language with that exact tag, else one with the same primary language, else Chinese.
    pub fn from_telegram_hint(hint: Option<&str>) -> Lang {
        let Some(hint) = hint.map(|h| h.trim().replace('_', "-")) else { return Lang::DEFAULT };
        if let Some(lang) = Lang::from_code(&hint) {
            return lang;
        }
        let primary = |tag: &str| tag.split('-').next().unwrap_or("").to_ascii_lowercase();
        let wanted = primary(&hint);
        Lang::ALL
            .into_iter()
            .filter(|l| primary(l.code()) == wanted)
            .min_by_key(|l| l.code().len())
            .unwrap_or(Lang::DEFAULT)
    }

    pub fn langid(self) -> LanguageIdentifier {
        LANGIDS[self.0 as usize].clone()
    }
}

impl Serialize for Lang {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Lang {
    /// A language whose folder has gone (a saved dialog) reads as the default.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Lang, D::Error> {
        let code = String::deserialize(d)?;
        Ok(Lang::from_code(&code).unwrap_or_default())
    }
}

/// Arguments for a message; build with [`tr!`].
pub type Args = HashMap<Cow<'static, str>, FluentValue<'static>>;

pub fn lookup(lang: Lang, key: &str, args: Option<&Args>) -> String {
    let id = &LANGIDS[lang.0 as usize];
    match args {
        Some(args) => LOCALES.lookup_with_args(id, key, args),
        None => LOCALES.lookup(id, key),
    }
}

/// `tr!(lang, "key")` or `tr!(lang, "key", name = value, …)`.
#[macro_export]
macro_rules! tr {
    ($lang:expr, $key:literal) => {
        $crate::i18n::lookup($lang, $key, None)
    };
    ($lang:expr, $key:literal, $($name:ident = $value:expr),+ $(,)?) => {{
        let mut args = $crate::i18n::Args::new();
        $(args.insert(stringify!($name).into(), $crate::i18n::fluent_value($value));)+
        $crate::i18n::lookup($lang, $key, Some(&args))
    }};
}

/// Converts a Rust value into a Fluent argument. Numbers stay numbers (for plural rules).
pub fn fluent_value<V: IntoFluent>(v: V) -> FluentValue<'static> {
    v.into_fluent()
}

pub trait IntoFluent {
    fn into_fluent(self) -> FluentValue<'static>;
}

macro_rules! into_fluent_number {
    ($($t:ty),*) => {$(
        impl IntoFluent for $t {
            fn into_fluent(self) -> FluentValue<'static> {
                FluentValue::from(self)
            }
        }
    )*};
}
into_fluent_number!(u8, i32, i64, u32, u64, usize, f64);

impl IntoFluent for String {
    fn into_fluent(self) -> FluentValue<'static> {
        FluentValue::from(self)
    }
}

impl IntoFluent for &String {
    fn into_fluent(self) -> FluentValue<'static> {
        FluentValue::from(self.clone())
    }
}

impl IntoFluent for &str {
    fn into_fluent(self) -> FluentValue<'static> {
        FluentValue::from(self.to_owned())
    }
}

/// A date's weekday and month names in `lang`.
fn day_names(lang: Lang, date: chrono::NaiveDate) -> (String, String) {
    use chrono::Datelike;
    let weekday = match date.weekday() {
        chrono::Weekday::Mon => crate::tr!(lang, "weekday-mon"),
        chrono::Weekday::Tue => crate::tr!(lang, "weekday-tue"),
        chrono::Weekday::Wed => crate::tr!(lang, "weekday-wed"),
        chrono::Weekday::Thu => crate::tr!(lang, "weekday-thu"),
        chrono::Weekday::Fri => crate::tr!(lang, "weekday-fri"),
        chrono::Weekday::Sat => crate::tr!(lang, "weekday-sat"),
        chrono::Weekday::Sun => crate::tr!(lang, "weekday-sun"),
    };
    let monthname = match date.month() {
        1 => crate::tr!(lang, "month-1"),
        2 => crate::tr!(lang, "month-2"),
        3 => crate::tr!(lang, "month-3"),
        4 => crate::tr!(lang, "month-4"),
        5 => crate::tr!(lang, "month-5"),
        6 => crate::tr!(lang, "month-6"),
        7 => crate::tr!(lang, "month-7"),
        8 => crate::tr!(lang, "month-8"),
        9 => crate::tr!(lang, "month-9"),
        10 => crate::tr!(lang, "month-10"),
        11 => crate::tr!(lang, "month-11"),
        _ => crate::tr!(lang, "month-12"),
    };
    (weekday, monthname)
}

/// "12月8日（周二）" / "Tue 8 Dec".
pub fn local_date(lang: Lang, date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let (weekday, monthname) = day_names(lang, date);
    crate::tr!(lang, "date-format", month = date.month(), day = date.day(), weekday = weekday, monthname = monthname)
}

/// A date with its year, where the year matters (certificates, closing dates): "2026年12月20日（周日）".
pub fn local_date_with_year(lang: Lang, date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let (weekday, monthname) = day_names(lang, date);
    crate::tr!(
        lang,
        "certificate-date",
        year = date.year(),
        month = date.month(),
        day = date.day(),
        weekday = weekday,
        monthname = monthname
    )
}

/// A session's date and times in the region's zone: "12月8日（周二） 09:00–11:30".
pub fn session_when(
    lang: Lang,
    tz: chrono_tz::Tz,
    starts_at: chrono::DateTime<chrono::Utc>,
    ends_at: chrono::DateTime<chrono::Utc>,
) -> String {
    let (start, end) = (starts_at.with_timezone(&tz), ends_at.with_timezone(&tz));
    crate::tr!(
        lang,
        "session-when",
        date = local_date(lang, start.date_naive()),
        start = start.format("%H:%M").to_string(),
        end = end.format("%H:%M").to_string()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn telegram_language_hints_map_to_supported_languages() {
        assert_eq!(Lang::from_telegram_hint(Some("zh-hans")), Lang::Zh);
        assert_eq!(Lang::from_telegram_hint(Some("zh-hant-tw")), Lang::Zh);
        assert_eq!(Lang::from_telegram_hint(Some("en")), Lang::En);
        assert_eq!(Lang::from_telegram_hint(Some("en-US")), Lang::En);
        assert_eq!(Lang::from_telegram_hint(Some("ru")), Lang::Zh);
        assert_eq!(Lang::from_telegram_hint(None), Lang::Zh);
        assert_eq!(Lang::from_telegram_hint(Some("EN_gb")), Lang::En);
    }

    #[test]
    fn the_languages_are_the_locale_folders_with_chinese_first() {
        let mut folders: Vec<String> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/locales"))
            .unwrap()
            .map(|e| e.unwrap())
            .filter(|e| e.path().is_dir())
            .map(|e| e.file_name().into_string().unwrap())
            .collect();
        folders.sort();
        let mut codes: Vec<String> = Lang::ALL.iter().map(|l| l.code().to_owned()).collect();
        assert_eq!(codes[0], "zh");
        assert_eq!(Lang::default(), Lang::Zh);
        codes.sort();
        assert_eq!(codes, folders);
        for lang in Lang::ALL {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
            assert_eq!(serde_json::to_string(&lang).unwrap(), format!("{:?}", lang.code()));
        }
        assert_eq!(Lang::from_code("xx"), None);
        assert_eq!(serde_json::from_str::<Lang>("\"xx\"").unwrap(), Lang::Zh);
    }
}
