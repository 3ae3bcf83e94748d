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

/// Cleans a typed topic: trims, collapses spaces, requires at least one letter, at most 30 characters.
pub fn parse_typed(input: &str) -> Result<Topic, TopicProblem> {
    let text = input.split_whitespace().collect::<Vec<_>>().join(" ");
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
    fn nonsense_and_essays_are_refused() {
        for bad in ["", "   ", "???", "123", "🙂🙂"] {
            assert_eq!(parse_typed(bad), Err(TopicProblem::Unclear), "{bad:?}");
        }
        assert_eq!(parse_typed(&"学".repeat(31)), Err(TopicProblem::TooLong));
        assert!(parse_typed(&"学".repeat(30)).is_ok());
    }
}
