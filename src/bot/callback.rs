//! Callback data as a typed enum. Buttons in old messages stay tappable, so decoded data is only a
//! claim: handlers check it against the current dialog state and storage, never trust it.

use crate::domain::person::Audience;
use crate::domain::settings::Item;
use crate::i18n::Lang;

/// Telegram refuses callback data over 64 bytes.
pub const MAX_LEN: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cb {
    Lang(Lang),
    Consent(bool),
    Audience(Audience),
    Region(String),
    Back,
    SkipPhone,
    RemovePhone,
    Settings(Item),
}

impl Cb {
    pub fn encode(&self) -> String {
        let s = match self {
            Cb::Lang(l) => format!("l:{}", l.code()),
            Cb::Consent(yes) => format!("c:{}", u8::from(*yes)),
            Cb::Audience(a) => format!("a:{}", a.as_str()),
            Cb::Region(key) => format!("r:{key}"),
            Cb::Back => "bk".to_owned(),
            Cb::SkipPhone => "sp".to_owned(),
            Cb::RemovePhone => "rp".to_owned(),
            Cb::Settings(item) => format!(
                "s:{}",
                match item {
                    Item::Lang => "lang",
                    Item::Name => "name",
                    Item::Village => "village",
                    Item::Phone => "phone",
                }
            ),
        };
        debug_assert!(s.len() <= MAX_LEN, "callback data too long: {s}");
        s
    }

    pub fn decode(data: &str) -> Option<Cb> {
        if data.len() > MAX_LEN {
            return None;
        }
        let (tag, rest) = data.split_once(':').unwrap_or((data, ""));
        Some(match (tag, rest) {
            ("l", code) => Cb::Lang(Lang::from_code(code)?),
            ("c", "1") => Cb::Consent(true),
            ("c", "0") => Cb::Consent(false),
            ("a", a) => Cb::Audience(Audience::parse(a)?),
            ("r", key) if crate::domain::region::Region::is_valid_key(key) => Cb::Region(key.to_owned()),
            ("bk", "") => Cb::Back,
            ("sp", "") => Cb::SkipPhone,
            ("rp", "") => Cb::RemovePhone,
            ("s", "lang") => Cb::Settings(Item::Lang),
            ("s", "name") => Cb::Settings(Item::Name),
            ("s", "village") => Cb::Settings(Item::Village),
            ("s", "phone") => Cb::Settings(Item::Phone),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_callback_round_trips_within_telegram_limit() {
        let all = [
            Cb::Lang(Lang::En),
            Cb::Consent(true),
            Cb::Consent(false),
            Cb::Audience(Audience::Cadre),
            Cb::Region("a".repeat(crate::domain::region::Region::MAX_KEY_LEN)),
            Cb::Back,
            Cb::SkipPhone,
            Cb::RemovePhone,
            Cb::Settings(Item::Village),
        ];
        for cb in all {
            let data = cb.encode();
            assert!(data.len() <= MAX_LEN, "{data}");
            assert_eq!(Cb::decode(&data), Some(cb));
        }
    }

    #[test]
    fn forged_or_garbled_data_decodes_to_nothing() {
        for data in ["", "x", "c:2", "a:farmer", "r:../etc", "r:", "l:fr", "s:admin", &"r:".repeat(40)] {
            assert_eq!(Cb::decode(data), None, "{data}");
        }
    }
}
