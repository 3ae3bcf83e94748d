//! Erasure (`/deleteme`) as a pure state machine, and the version of the consent text.
//!
//! Erasing cannot be undone, so it is confirmed twice: first a button under a plain explanation of
//! what happens, then a word shown on screen that the person types (the Chinese word for "delete",
//! DELETE in English, from the locale). Anything else re-asks with a clear hint; the back-out
//! button, the cancel word or `/cancel` leave without changing anything.

use serde::{Deserialize, Serialize};

/// The version of the consent text people agree to when they register (`reg-consent` and
/// `reg-consent-staff` in the locales). Raise it whenever that text promises something new, and
/// say what changed in `consent-changes` (locales/*/erasure.ftl): everyone who agreed to an older
/// version is asked again on their next message.
///
/// 1: the first text. 2: "see your data (/mydata) and have it erased (/deleteme)", and what erasure
/// keeps (unlinkable figures).
pub const CONSENT_VERSION: i64 = 2;

/// Whether someone who agreed to `agreed` must be asked again.
pub fn consent_outdated(agreed: i64) -> bool {
    agreed < CONSENT_VERSION
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ErasureStep {
    /// The explanation is on screen with "erase" and "cancel" buttons.
    Explained,
    /// Confirmed once by the button; waiting for the word to be typed.
    TypeWord,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// The "yes, erase" button under the explanation.
    Confirm,
    /// The cancel button, or the cancel word typed.
    BackOut,
    Text(String),
    /// A sticker, a photo, a voice note, or a button of another screen.
    Other,
}

/// Why the same step is asked again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Text while the buttons are expected.
    PressButton,
    /// Typed something other than the word.
    WrongWord,
    /// Not text at all (sticker, photo…) or an old button while the word is expected.
    NeedWord,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Ask(ErasureStep),
    Reask(ErasureStep, Problem),
    /// Both confirmations given: erase now.
    Erase,
    /// Backed out: nothing changed.
    Cancelled,
}

/// Whether `typed` is the confirmation word: as shown, ignoring surrounding spaces and (for words in
/// Latin letters) case. `word` comes from the person's locale.
pub fn is_confirmation_word(typed: &str, word: &str) -> bool {
    let (typed, word) = (typed.trim(), word.trim());
    !word.is_empty() && (typed == word || typed.to_lowercase() == word.to_lowercase())
}

impl ErasureStep {
    /// The next step after `input`; `word` is the confirmation word in the person's language.
    pub fn step(self, input: Input, word: &str) -> Outcome {
        use ErasureStep as S;
        match (self, input) {
            (_, Input::BackOut) => Outcome::Cancelled,
            (S::Explained, Input::Confirm) => Outcome::Ask(S::TypeWord),
            (S::Explained, Input::Text(_)) => Outcome::Reask(S::Explained, Problem::PressButton),
            (S::Explained, Input::Other) => Outcome::Reask(S::Explained, Problem::PressButton),
            (S::TypeWord, Input::Text(t)) if is_confirmation_word(&t, word) => Outcome::Erase,
            (S::TypeWord, Input::Text(_)) => Outcome::Reask(S::TypeWord, Problem::WrongWord),
            // A second tap on "erase" (or any other button) is not the typed word.
            (S::TypeWord, Input::Confirm | Input::Other) => Outcome::Reask(S::TypeWord, Problem::NeedWord),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORD_ZH: &str = "删除";

    #[test]
    fn erasing_takes_the_button_and_then_the_typed_word() {
        let asked = ErasureStep::Explained.step(Input::Confirm, WORD_ZH);
        assert_eq!(asked, Outcome::Ask(ErasureStep::TypeWord));
        assert_eq!(ErasureStep::TypeWord.step(Input::Text(" 删除 ".into()), WORD_ZH), Outcome::Erase);
        assert_eq!(ErasureStep::TypeWord.step(Input::Text("delete".into()), "DELETE"), Outcome::Erase);
    }

    #[test]
    fn typing_the_word_before_pressing_the_button_does_not_erase() {
        assert_eq!(
            ErasureStep::Explained.step(Input::Text("删除".into()), WORD_ZH),
            Outcome::Reask(ErasureStep::Explained, Problem::PressButton)
        );
    }

    #[test]
    fn anything_but_the_word_reasks_and_cancel_backs_out() {
        for wrong in ["删", "删除我", "", "好的", "DELETE"] {
            assert_eq!(
                ErasureStep::TypeWord.step(Input::Text(wrong.into()), WORD_ZH),
                Outcome::Reask(ErasureStep::TypeWord, Problem::WrongWord),
                "{wrong:?}"
            );
        }
        assert_eq!(
            ErasureStep::TypeWord.step(Input::Other, WORD_ZH),
            Outcome::Reask(ErasureStep::TypeWord, Problem::NeedWord)
        );
        assert_eq!(
            ErasureStep::TypeWord.step(Input::Confirm, WORD_ZH),
            Outcome::Reask(ErasureStep::TypeWord, Problem::NeedWord)
        );
        assert_eq!(
            ErasureStep::Explained.step(Input::Other, WORD_ZH),
            Outcome::Reask(ErasureStep::Explained, Problem::PressButton)
        );
        assert_eq!(ErasureStep::Explained.step(Input::BackOut, WORD_ZH), Outcome::Cancelled);
        assert_eq!(ErasureStep::TypeWord.step(Input::BackOut, WORD_ZH), Outcome::Cancelled);
    }

    #[test]
    fn an_empty_word_never_matches() {
        assert!(!is_confirmation_word("", ""));
        assert!(!is_confirmation_word("  ", " "));
    }

    #[test]
    fn older_consents_are_outdated() {
        assert!(consent_outdated(1));
        assert!(!consent_outdated(CONSENT_VERSION));
    }
}
