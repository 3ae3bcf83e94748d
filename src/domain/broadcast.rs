//! The broadcast dialog as a pure state machine: choose who → (coordinators: villagers, cadres or
//! everyone) → type the text, optionally with a photo → preview with the number of recipients →
//! normal or urgent → confirm. Nothing is sent before the confirmation.

use serde::{Deserialize, Serialize};

use crate::domain::person::Audience;

/// Telegram's limits: a message's text, and a photo's caption.
pub const MAX_TEXT: usize = 4096;
pub const MAX_CAPTION: usize = 1024;
/// Room kept in both for the header every broadcast carries (who sends it, in what role, about what):
/// the sender's own text may use the rest.
pub const HEADER_ROOM: usize = 256;

/// The message a recipient gets: the header, a blank line, the text (a photo may have no text). A
/// header longer than its room (long names and titles) is cut with `…`, so the whole always fits.
pub fn compose(header: &str, text: &str) -> String {
    let room = HEADER_ROOM - 2;
    let header: String = if header.chars().count() > room {
        header.chars().take(room - 1).chain(std::iter::once('\u{2026}')).collect()
    } else {
        header.to_owned()
    };
    if text.is_empty() { header } else { format!("{header}\n\n{text}") }
}

/// Who a broadcast goes to. Trainers may only name their own classes; coordinators their region
/// and what lies in it. The service checks this at every step and again before sending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Target {
    /// The people booked on one class.
    Class(String),
    /// Everyone registered in a region (county, township or village).
    Region(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub target: Target,
    /// `None` = villagers and cadres alike.
    pub audience: Option<Audience>,
    pub text: String,
    pub photo_id: Option<String>,
    pub urgent: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum BroadcastStep {
    Target,
    Audience { target: Target },
    Text { target: Target, audience: Option<Audience> },
    Urgency { draft: Draft },
    Confirm { draft: Draft },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A target the service has checked is the sender's to address.
    Target {
        target: Target,
        ask_audience: bool,
    },
    Audience(Option<Audience>),
    Text(String),
    Photo {
        file_id: String,
        caption: String,
    },
    Urgent(bool),
    Confirm,
    Unsupported,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    Empty,
    TooLong { limit: usize, length: usize },
    UseButtons,
    NeedText,
    Stale,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Ask(BroadcastStep),
    Reask(BroadcastStep, Problem),
    Send(Draft),
}

fn check_length(text: &str, photo: bool) -> Result<(), Problem> {
    let length = text.chars().count();
    let limit = if photo { MAX_CAPTION } else { MAX_TEXT } - HEADER_ROOM;
    if text.trim().is_empty() && !photo {
        Err(Problem::Empty)
    } else if length > limit {
        Err(Problem::TooLong { limit, length })
    } else {
        Ok(())
    }
}

impl BroadcastStep {
    pub fn step(self, input: Input) -> Outcome {
        use BroadcastStep as S;
        // Broadcast text is stored and sent literally, less control characters (see `domain::text`).
        let input = match input {
            Input::Text(text) => Input::Text(crate::domain::text::clean(&text, true)),
            Input::Photo { file_id, caption } => {
                Input::Photo { file_id, caption: crate::domain::text::clean(&caption, true) }
            }
            other => other,
        };
        match (self.clone(), input) {
            (S::Target, Input::Target { target, ask_audience: true }) => Outcome::Ask(S::Audience { target }),
            (S::Target, Input::Target { target, ask_audience: false }) => {
                Outcome::Ask(S::Text { target, audience: None })
            }
            (S::Audience { target }, Input::Audience(audience)) => Outcome::Ask(S::Text { target, audience }),
            (S::Text { target, audience }, Input::Text(text)) => match check_length(&text, false) {
                Ok(()) => Outcome::Ask(S::Urgency {
                    draft: Draft { target, audience, text: text.trim().to_owned(), photo_id: None, urgent: false },
                }),
                Err(p) => Outcome::Reask(self, p),
            },
            (S::Text { target, audience }, Input::Photo { file_id, caption }) => match check_length(&caption, true) {
                Ok(()) => Outcome::Ask(S::Urgency {
                    draft: Draft {
                        target,
                        audience,
                        text: caption.trim().to_owned(),
                        photo_id: Some(file_id),
                        urgent: false,
                    },
                }),
                Err(p) => Outcome::Reask(self, p),
            },
            (S::Text { .. }, Input::Unsupported) => Outcome::Reask(self, Problem::NeedText),
            (S::Urgency { mut draft }, Input::Urgent(urgent)) => {
                draft.urgent = urgent;
                Outcome::Ask(S::Confirm { draft })
            }
            (S::Confirm { draft }, Input::Confirm) => Outcome::Send(draft),
            (_, Input::Text(_) | Input::Photo { .. } | Input::Unsupported) => Outcome::Reask(self, Problem::UseButtons),
            _ => Outcome::Reask(self, Problem::Stale),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class() -> Target {
        Target::Class("mushroom-2026-12".into())
    }

    #[test]
    fn a_trainer_goes_from_class_to_text_to_urgency_to_confirm() {
        let s = BroadcastStep::Target.step(Input::Target { target: class(), ask_audience: false });
        let Outcome::Ask(s) = s else { panic!("{s:?}") };
        assert_eq!(s, BroadcastStep::Text { target: class(), audience: None });
        let Outcome::Ask(s) = s.step(Input::Text("  明天改到村委会上课  ".into())) else { panic!() };
        let Outcome::Ask(s) = s.step(Input::Urgent(true)) else { panic!() };
        let Outcome::Send(draft) = s.step(Input::Confirm) else { panic!() };
        assert_eq!(draft.text, "明天改到村委会上课");
        assert!(draft.urgent);
    }

    #[test]
    fn a_coordinator_chooses_the_audience_in_between() {
        let Outcome::Ask(s) =
            BroadcastStep::Target.step(Input::Target { target: Target::Region("xinan".into()), ask_audience: true })
        else {
            panic!()
        };
        let Outcome::Ask(s) = s.step(Input::Audience(Some(Audience::Cadre))) else { panic!() };
        assert_eq!(s, BroadcastStep::Text { target: Target::Region("xinan".into()), audience: Some(Audience::Cadre) });
    }

    #[test]
    fn empty_and_over_long_texts_are_refused_with_the_limit() {
        let text = BroadcastStep::Text { target: class(), audience: None };
        assert_eq!(text.clone().step(Input::Text("   ".into())), Outcome::Reask(text.clone(), Problem::Empty));
        assert_eq!(
            text.clone().step(Input::Text("字".repeat(3841))),
            Outcome::Reask(text.clone(), Problem::TooLong { limit: 3840, length: 3841 })
        );
        assert!(matches!(text.clone().step(Input::Text("字".repeat(3840))), Outcome::Ask(_)));
        assert_eq!(
            text.clone().step(Input::Photo { file_id: "f".into(), caption: "字".repeat(769) }),
            Outcome::Reask(text.clone(), Problem::TooLong { limit: 768, length: 769 })
        );
        assert!(matches!(
            text.clone().step(Input::Photo { file_id: "f".into(), caption: String::new() }),
            Outcome::Ask(_)
        ));
        assert_eq!(text.clone().step(Input::Unsupported), Outcome::Reask(text, Problem::NeedText));
    }

    #[test]
    fn the_header_and_the_longest_text_fit_telegrams_limits() {
        let header = "📢 阿依古丽·买买提（培训办）· 食用菌种植技术（铁山镇农业技术推广站）";
        assert_eq!(compose(header, "明天停课"), format!("{header}\n\n明天停课"));
        assert_eq!(compose(header, ""), header, "a photo without a caption");
        let long = compose(&"长".repeat(1000), &"字".repeat(MAX_TEXT - HEADER_ROOM));
        assert_eq!(long.chars().count(), MAX_TEXT);
        assert!(long.contains("长…\n\n字"));
    }

    #[test]
    fn buttons_of_another_step_are_stale_and_typing_at_a_button_step_is_re_asked() {
        assert_eq!(BroadcastStep::Target.step(Input::Confirm), Outcome::Reask(BroadcastStep::Target, Problem::Stale));
        assert_eq!(
            BroadcastStep::Target.step(Input::Text("全体".into())),
            Outcome::Reask(BroadcastStep::Target, Problem::UseButtons)
        );
    }
}
