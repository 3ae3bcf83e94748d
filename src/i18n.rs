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

/// The languages the bot speaks. Chinese first: it is the default and the fallback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Zh, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// Telegram's `language_code` is only a hint (`zh-hans`, `zh-hant-tw`, `en-US`…).
    pub fn from_telegram_hint(hint: Option<&str>) -> Lang {
        match hint.map(|h| h.to_ascii_lowercase()) {
            Some(h) if h == "en" || h.starts_with("en-") => Lang::En,
            _ => Lang::Zh,
        }
    }

    pub fn langid(self) -> LanguageIdentifier {
        match self {
            Lang::Zh => langid!("zh"),
            Lang::En => langid!("en"),
        }
    }
}

/// Arguments for a message; build with [`tr!`].
pub type Args = HashMap<Cow<'static, str>, FluentValue<'static>>;

pub fn lookup(lang: Lang, key: &str, args: Option<&Args>) -> String {
    let id = lang.langid();
    match args {
        Some(args) => LOCALES.lookup_with_args(&id, key, args),
        None => LOCALES.lookup(&id, key),
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

/// "12月8日（周二）" / "Tue 8 Dec".
pub fn local_date(lang: Lang, date: chrono::NaiveDate) -> String {
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
    crate::tr!(lang, "date-format", month = date.month(), day = date.day(), weekday = weekday, monthname = monthname)
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
    }
}
