//! 点单: what a person asks to learn when nothing on offer fits. A topic is either one of the
//! catalogue's categories or a few typed words; requests are tallied per township and topic key.

use serde::{Deserialize, Serialize};

use crate::domain::catalog::Category;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Topic {
    Category(Category),
    /// Typed words, cleaned by [`parse_typed`].
    Typed(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopicProblem {
    /// Empty, or no letters at all ("???", "123", emoji only).
    Unclear,
    TooLong,
}

impl Topic {
    pub const MAX_CHARS: usize = 30;

    /// What requests are counted by: the category key, or the typed words folded so that "葡萄 种植"
    /// and "葡萄种植", "Grapes" and "grapes" count together.
    pub fn key(&self) -> String {
        match self {
            Topic::Category(c) => c.as_str().to_owned(),
            Topic::Typed(text) => {
                let folded: String = text.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect();
                format!("t:{folded}")
            }
        }
    }
}

/// How people begin a wish ("我想学修手机", "I want to learn beekeeping"): left off, so that the topic is
/// counted with everyone who typed only the topic. Longer first.
const WISH_OPENINGS: [&str; 11] = [
    "\u{6211}\u{60f3}\u{5b66}\u{4e60}", // parser data
    "\u{6211}\u{60f3}\u{5b66}",         // parser data
    "\u{6211}\u{8981}\u{5b66}",         // parser data
    "\u{60f3}\u{5b66}\u{4e60}",         // parser data
    "\u{60f3}\u{5b66}",                 // parser data
    "i would like to learn about",
    "i would like to learn",
    "i'd like to learn about",
    "i'd like to learn",
    "i want to learn about",
    "i want to learn",
];

/// Cleans a typed topic: trims, collapses spaces, leaves off "I want to learn", requires at least one
/// letter, at most 30 characters.
pub fn parse_typed(input: &str) -> Result<Topic, TopicProblem> {
    let text = crate::domain::text::clean(input, false);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let lower = text.to_lowercase();
    let text = match WISH_OPENINGS.iter().find(|w| lower.starts_with(*w) && text.is_char_boundary(w.len())) {
        // Latin openings lower-case to the same byte length; Chinese ones have no case.
        Some(opening) => text[opening.len()..].trim_start_matches([' ', ':', '\u{ff1a}', ',', '\u{ff0c}']).to_owned(),
        None => text,
    };
    if !text.chars().any(char::is_alphabetic) {
        return Err(TopicProblem::Unclear);
    }
    if text.chars().count() > Topic::MAX_CHARS {
        return Err(TopicProblem::TooLong);
    }
    Ok(Topic::Typed(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_topics_are_cleaned_and_counted_together() {
        let a = parse_typed("  葡萄   种植 ").unwrap();
        assert_eq!(a, Topic::Typed("葡萄 种植".into()));
        assert_eq!(a.key(), parse_typed("葡萄种植").unwrap().key());
        assert_eq!(parse_typed("Grapes").unwrap().key(), parse_typed("grapes").unwrap().key());
        assert_eq!(Topic::Category(Category::Cooking).key(), "cooking");
    }

    #[test]
    fn a_wish_is_recorded_as_its_topic() {
        assert_eq!(parse_typed("我想学修手机"), Ok(Topic::Typed("修手机".into())));
        assert_eq!(parse_typed("想学：养蜂"), Ok(Topic::Typed("养蜂".into())));
        assert_eq!(parse_typed("I want to learn beekeeping"), Ok(Topic::Typed("beekeeping".into())));
        assert_eq!(parse_typed("Beekeeping for beginners"), Ok(Topic::Typed("Beekeeping for beginners".into())));
        assert_eq!(parse_typed("我想学"), Err(TopicProblem::Unclear));
        assert_eq!(parse_typed("修手机").unwrap().key(), parse_typed("我想学修手机").unwrap().key());
    }

    #[test]
    fn nonsense_and_essays_are_refused() {
        for bad in ["", "   ", "???", "123", "🙂🙂"] {
            assert_eq!(parse_typed(bad), Err(TopicProblem::Unclear), "{bad:?}");
        }
        assert_eq!(parse_typed(&"学".repeat(31)), Err(TopicProblem::TooLong));
        assert!(parse_typed(&"学".repeat(30)).is_ok());
    }
}
