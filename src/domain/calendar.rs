//! The farm calendar: the 24 solar terms and busy seasons anchored on them.
//!
//! Shared types used by the catalogue import are defined here first; the computation of term dates,
//! zone defaults and daily windows follows below.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The 24 solar terms in calendar order, starting with 小寒 (early January).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SolarTerm {
    Xiaohan,
    Dahan,
    Lichun,
    Yushui,
    Jingzhe,
    Chunfen,
    Qingming,
    Guyu,
    Lixia,
    Xiaoman,
    Mangzhong,
    Xiazhi,
    Xiaoshu,
    Dashu,
    Liqiu,
    Chushu,
    Bailu,
    Qiufen,
    Hanlu,
    Shuangjiang,
    Lidong,
    Xiaoxue,
    Daxue,
    Dongzhi,
}

impl SolarTerm {
    pub const ALL: [SolarTerm; 24] = [
        SolarTerm::Xiaohan,
        SolarTerm::Dahan,
        SolarTerm::Lichun,
        SolarTerm::Yushui,
        SolarTerm::Jingzhe,
        SolarTerm::Chunfen,
        SolarTerm::Qingming,
        SolarTerm::Guyu,
        SolarTerm::Lixia,
        SolarTerm::Xiaoman,
        SolarTerm::Mangzhong,
        SolarTerm::Xiazhi,
        SolarTerm::Xiaoshu,
        SolarTerm::Dashu,
        SolarTerm::Liqiu,
        SolarTerm::Chushu,
        SolarTerm::Bailu,
        SolarTerm::Qiufen,
        SolarTerm::Hanlu,
        SolarTerm::Shuangjiang,
        SolarTerm::Lidong,
        SolarTerm::Xiaoxue,
        SolarTerm::Daxue,
        SolarTerm::Dongzhi,
    ];

    /// The pinyin key used in catalogue files (`xiaoman`).
    pub fn key(self) -> &'static str {
        const KEYS: [&str; 24] = [
            "xiaohan",
            "dahan",
            "lichun",
            "yushui",
            "jingzhe",
            "chunfen",
            "qingming",
            "guyu",
            "lixia",
            "xiaoman",
            "mangzhong",
            "xiazhi",
            "xiaoshu",
            "dashu",
            "liqiu",
            "chushu",
            "bailu",
            "qiufen",
            "hanlu",
            "shuangjiang",
            "lidong",
            "xiaoxue",
            "daxue",
            "dongzhi",
        ];
        KEYS[self as usize]
    }

    /// Parses the pinyin key or the Chinese name (the Chinese names are a data table for parsing
    /// catalogue files, like a numerals table; display goes through the locales).
    pub fn parse(s: &str) -> Option<SolarTerm> {
        const HANZI: [&str; 24] = [
            "\u{5c0f}\u{5bd2}",
            "\u{5927}\u{5bd2}",
            "\u{7acb}\u{6625}",
            "\u{96e8}\u{6c34}",
            "\u{60ca}\u{86f0}",
            "\u{6625}\u{5206}",
            "\u{6e05}\u{660e}",
            "\u{8c37}\u{96e8}",
            "\u{7acb}\u{590f}",
            "\u{5c0f}\u{6ee1}",
            "\u{8292}\u{79cd}",
            "\u{590f}\u{81f3}",
            "\u{5c0f}\u{6691}",
            "\u{5927}\u{6691}",
            "\u{7acb}\u{79cb}",
            "\u{5904}\u{6691}",
            "\u{767d}\u{9732}",
            "\u{79cb}\u{5206}",
            "\u{5bd2}\u{9732}",
            "\u{971c}\u{964d}",
            "\u{7acb}\u{51ac}",
            "\u{5c0f}\u{96ea}",
            "\u{5927}\u{96ea}",
            "\u{51ac}\u{81f3}",
        ];
        let s = s.trim();
        SolarTerm::ALL.into_iter().find(|t| t.key().eq_ignore_ascii_case(s) || HANZI[*t as usize] == s)
    }
}

/// A day anchored on a solar term: `xiaoman+7` is seven days after 小满.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Anchor {
    pub term: SolarTerm,
    pub offset_days: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a solar term with an optional day offset (examples: xiaoman, xiaoman+7, xiazhi-5)")]
pub struct AnchorError(pub String);

impl FromStr for Anchor {
    type Err = AnchorError;

    fn from_str(s: &str) -> Result<Anchor, AnchorError> {
        let bad = || AnchorError(s.to_owned());
        let s_trim = s.trim();
        let split = s_trim.find(['+', '-']);
        let (term, offset) = match split {
            Some(i) => (&s_trim[..i], s_trim[i..].trim()),
            None => (s_trim, ""),
        };
        let term = SolarTerm::parse(term).ok_or_else(bad)?;
        let offset_days = match offset {
            "" => 0,
            o => {
                let n: i32 = o.trim_start_matches('+').trim().parse().map_err(|_| bad())?;
                if !(-60..=60).contains(&n) {
                    return Err(bad());
                }
                n
            }
        };
        Ok(Anchor { term, offset_days })
    }
}

impl fmt::Display for Anchor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.offset_days {
            0 => f.write_str(self.term.key()),
            n if n > 0 => write!(f, "{}+{n}", self.term.key()),
            n => write!(f, "{}{n}", self.term.key()),
        }
    }
}

impl Serialize for Anchor {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Anchor {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Anchor, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A busy farming season, inclusive at both ends: `{ name = "三夏", from = "xiaoman+7", to = "xiazhi-5" }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusyRange {
    pub name: String,
    pub from: Anchor,
    pub to: Anchor,
}

/// Keys of the built-in agricultural zones (GUIDE.md section 3).
pub const ZONE_KEYS: [&str; 6] = [
    "north-wheat-maize",
    "yangtze-rice",
    "south-double-rice",
    "southwest-mountain",
    "northeast-single",
    "northwest-dry",
];

pub fn is_known_zone(key: &str) -> bool {
    ZONE_KEYS.contains(&key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_parse_pinyin_and_chinese_with_offsets() {
        assert_eq!("xiaoman+7".parse(), Ok(Anchor { term: SolarTerm::Xiaoman, offset_days: 7 }));
        assert_eq!("夏至-5".parse(), Ok(Anchor { term: SolarTerm::Xiazhi, offset_days: -5 }));
        assert_eq!("qiufen".parse(), Ok(Anchor { term: SolarTerm::Qiufen, offset_days: 0 }));
        assert!("harvest".parse::<Anchor>().is_err());
        assert!("xiaoman+x".parse::<Anchor>().is_err());
        assert_eq!(Anchor { term: SolarTerm::Xiazhi, offset_days: -5 }.to_string(), "xiazhi-5");
    }
}
