//! The region tree a catalogue defines: county → township → village.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RegionLevel {
    County,
    Township,
    Village,
}

impl RegionLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            RegionLevel::County => "county",
            RegionLevel::Township => "township",
            RegionLevel::Village => "village",
        }
    }

    pub fn parse(s: &str) -> Option<RegionLevel> {
        match s {
            "county" => Some(RegionLevel::County),
            "township" => Some(RegionLevel::Township),
            "village" => Some(RegionLevel::Village),
            _ => None,
        }
    }

    /// The level a child of this level has.
    pub fn child(self) -> Option<RegionLevel> {
        match self {
            RegionLevel::County => Some(RegionLevel::Township),
            RegionLevel::Township => Some(RegionLevel::Village),
            RegionLevel::Village => None,
        }
    }
}

/// One node of the region tree. `key` is the stable catalogue key (ASCII slug, at most
/// [`Region::MAX_KEY_LEN`] bytes so it fits in callback data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Region {
    pub key: String,
    pub parent_key: Option<String>,
    pub level: RegionLevel,
    /// Chinese name (the catalogue's language).
    pub name: String,
    /// Translations of `name` (language → "name" → text).
    pub tr: crate::domain::translations::Translations,
    /// IANA zone, e.g. `Asia/Shanghai`.
    pub timezone: String,
    /// Agricultural zone key, e.g. `north-wheat-maize`.
    pub agri_zone: String,
}

impl Region {
    pub const MAX_KEY_LEN: usize = 48;

    pub fn display_name(&self, lang: crate::i18n::Lang) -> &str {
        self.tr.text(lang, "name", &self.name)
    }

    pub fn is_valid_key(key: &str) -> bool {
        !key.is_empty()
            && key.len() <= Self::MAX_KEY_LEN
            && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
    }
}
