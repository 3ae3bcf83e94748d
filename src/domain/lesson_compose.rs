//! A trainer makes a lesson in the chat (`/lesson`), as a pure state machine: title → topic → cards
//! (text, photo, voice; a text card may get a voice version) → 1–3 check questions (text, options, the
//! right one, why) → audience → credits (only when cadres read it) → preview → publish, change a part,
//! or abandon. Each [`step`] takes the state and what the trainer did and gives the next question or
//! the same one again with the reason; nothing is stored as a lesson before "发布".
//!
//! Media are kept by the file id Telegram gave the trainer's message: publishing needs no upload.

use serde::{Deserialize, Serialize};

use crate::domain::catalog::{Category, Credits};
use crate::domain::lesson::{Card, Lesson, LessonAudience, LessonQuestion, MediaKind};
use crate::domain::person::Audience;

/// Limits of what the trainer types. Titles and card texts share the catalogue's limits.
pub const MAX_QUESTION_CHARS: usize = 300;
pub const MAX_OPTION_CHARS: usize = 60;
pub const MAX_EXPLANATION_CHARS: usize = 300;
pub const MIN_OPTIONS: usize = 2;
pub const MAX_OPTIONS: usize = 4;
/// The credits a trainer may give a lesson, in tenths (0, 0.1, 0.2).
pub const CREDIT_CHOICES: [u8; 3] = [0, 1, 2];

/// A media file the trainer sent, by Telegram's file id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftMedia {
    pub kind: MediaKind,
    pub file_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftCard {
    pub text: Option<String>,
    pub media: Option<DraftMedia>,
    /// A recording of the card's text (a voice message's file id).
    pub voice_version: Option<String>,
}

impl DraftCard {
    /// A text card without a recording yet: one can be attached ("给这页配语音").
    pub fn takes_voice_version(&self) -> bool {
        self.text.is_some() && self.media.is_none() && self.voice_version.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftQuestion {
    pub text: String,
    pub options: Vec<String>,
    /// 0-based index into `options`.
    pub answer: usize,
    pub explanation: String,
}

/// What is made so far.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub title: Option<String>,
    pub topic: Option<Category>,
    pub cards: Vec<DraftCard>,
    pub questions: Vec<DraftQuestion>,
    pub audience: Option<LessonAudience>,
    pub credits_tenths: u8,
}

/// A part of the draft to do again from the preview ("修改…").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Part {
    Title,
    Topic,
    Cards,
    Questions,
    Audience,
}

impl Part {
    pub const ALL: [Part; 5] = [Part::Title, Part::Topic, Part::Cards, Part::Questions, Part::Audience];

    pub fn code(self) -> &'static str {
        match self {
            Part::Title => "t",
            Part::Topic => "p",
            Part::Cards => "c",
            Part::Questions => "q",
            Part::Audience => "a",
        }
    }

    pub fn from_code(s: &str) -> Option<Part> {
        Self::ALL.into_iter().find(|p| p.code() == s)
    }
}

/// Where the dialog stands: the question on screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum At {
    Title,
    Topic,
    /// Waiting for the next card (or "完成卡片").
    Cards,
    /// "给这页配语音" was pressed: waiting for the voice version of card `card`.
    CardVoice {
        card: usize,
    },
    QuestionText,
    /// Options of the question being written, collected one per line or one per message.
    Options {
        text: String,
        options: Vec<String>,
    },
    Answer {
        text: String,
        options: Vec<String>,
    },
    Explanation {
        text: String,
        options: Vec<String>,
        answer: usize,
    },
    /// "再加一题" / "完成".
    MoreQuestions,
    Audience,
    Credits,
    Preview,
    /// "修改…": which part.
    Change,
    /// "放弃" or /cancel: sure? `back` is the question to return to.
    ConfirmAbandon {
        back: Box<At>,
    },
    /// `/lesson` again with a draft: go on from `back`, or start afresh.
    Resume {
        back: Box<At>,
    },
}

/// The dialog's state, stored with the chat's dialog (so a restart resumes it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Compose {
    pub draft: Draft,
    pub at: At,
}

impl Default for Compose {
    fn default() -> Self {
        Compose::new()
    }
}

/// A button of the composer; checked against the step on screen (an old one changes nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Button {
    Topic(Category),
    /// "给这页配语音" under the latest text card; "不配语音了".
    AddVoice,
    SkipVoice,
    /// "完成卡片".
    CardsDone,
    /// "选项写完了" (options typed one per message).
    OptionsDone,
    /// The right option, 0-based.
    Right(u8),
    AnotherQuestion,
    QuestionsDone,
    Audience(LessonAudience),
    /// Credits in tenths: one of [`CREDIT_CHOICES`].
    Credits(u8),
    Publish,
    Edit,
    Change(Part),
    Abandon,
    ConfirmAbandon(bool),
    /// `true`: go on with the draft; `false`: start afresh.
    Resume(bool),
}

impl Button {
    /// Every button there is (a finite set: tests draw from it).
    pub fn all() -> Vec<Button> {
        let mut all: Vec<Button> = Category::ALL.into_iter().map(Button::Topic).collect();
        all.extend([Button::AddVoice, Button::SkipVoice, Button::CardsDone, Button::OptionsDone]);
        all.extend((0..MAX_OPTIONS as u8).map(Button::Right));
        all.extend([Button::AnotherQuestion, Button::QuestionsDone]);
        all.extend(LessonAudience::ALL.into_iter().map(Button::Audience));
        all.extend(CREDIT_CHOICES.into_iter().map(Button::Credits));
        all.extend([Button::Publish, Button::Edit]);
        all.extend(Part::ALL.into_iter().map(Button::Change));
        all.extend([
            Button::Abandon,
            Button::ConfirmAbandon(true),
            Button::ConfirmAbandon(false),
            Button::Resume(true),
            Button::Resume(false),
        ]);
        all
    }

    /// The payload after the callback's `lc:` tag.
    pub fn encode(self) -> String {
        match self {
            Button::Topic(c) => format!("t:{}", c.as_str()),
            Button::AddVoice => "av".to_owned(),
            Button::SkipVoice => "sv".to_owned(),
            Button::CardsDone => "cd".to_owned(),
            Button::OptionsDone => "od".to_owned(),
            Button::Right(i) => format!("r:{i}"),
            Button::AnotherQuestion => "aq".to_owned(),
            Button::QuestionsDone => "qd".to_owned(),
            Button::Audience(a) => format!("au:{}", a.as_str()),
            Button::Credits(t) => format!("cr:{t}"),
            Button::Publish => "p".to_owned(),
            Button::Edit => "e".to_owned(),
            Button::Change(part) => format!("e:{}", part.code()),
            Button::Abandon => "x".to_owned(),
            Button::ConfirmAbandon(yes) => format!("x:{}", u8::from(yes)),
            Button::Resume(go_on) => format!("g:{}", u8::from(go_on)),
        }
    }

    pub fn decode(s: &str) -> Option<Button> {
        let (tag, rest) = s.split_once(':').unwrap_or((s, ""));
        let flag = |r: &str| match r {
            "1" => Some(true),
            "0" => Some(false),
            _ => None,
        };
        Some(match (tag, rest) {
            ("t", c) => Button::Topic(Category::parse(c)?),
            ("av", "") if s == "av" => Button::AddVoice,
            ("sv", "") if s == "sv" => Button::SkipVoice,
            ("cd", "") if s == "cd" => Button::CardsDone,
            ("od", "") if s == "od" => Button::OptionsDone,
            ("r", i) => {
                let i: u8 = i.parse().ok().filter(|i| usize::from(*i) < MAX_OPTIONS)?;
                (i.to_string() == rest).then_some(Button::Right(i))?
            }
            ("aq", "") if s == "aq" => Button::AnotherQuestion,
            ("qd", "") if s == "qd" => Button::QuestionsDone,
            ("au", a) => Button::Audience(LessonAudience::parse(a)?),
            ("cr", t) => {
                let t: u8 = t.parse().ok().filter(|t| CREDIT_CHOICES.contains(t))?;
                (t.to_string() == rest).then_some(Button::Credits(t))?
            }
            ("p", "") if s == "p" => Button::Publish,
            ("e", "") if s == "e" => Button::Edit,
            ("e", part) => Button::Change(Part::from_code(part)?),
            ("x", "") if s == "x" => Button::Abandon,
            ("x", yes) => Button::ConfirmAbandon(flag(yes)?),
            ("g", go_on) => Button::Resume(flag(go_on)?),
            _ => return None,
        })
    }
}

/// What the trainer did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Text(String),
    Photo {
        file_id: String,
        caption: String,
    },
    Voice {
        file_id: String,
    },
    Button(Button),
    /// A sticker, a video note, a contact…
    Unsupported,
}

/// Why the same question is asked again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Typed text is needed here (a photo, a voice, a sticker came).
    NeedText,
    Empty,
    TooLong {
        limit: usize,
        length: usize,
    },
    /// A card must be a text, a photo or a voice message.
    NotACard,
    /// Five cards are there already.
    TooManyCards,
    /// "完成卡片" before any card.
    NoCards,
    /// A voice message is awaited (after "给这页配语音").
    NeedVoice,
    /// Fewer than two options for "选项写完了".
    TooFewOptions {
        have: usize,
    },
    /// More than four options.
    TooManyOptions {
        have: usize,
    },
    /// The same option twice.
    SameOption,
    /// Three questions are there already.
    TooManyQuestions,
    /// Choose with the buttons.
    UseButtons,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Move to this state and ask its question.
    Ask(Compose),
    /// The same state, asked again, with the reason.
    Reask(Compose, Problem),
    /// A button that does not belong to the question on screen (an older message's): nothing changes.
    Stale,
    /// "发布" on a complete draft.
    Publish(Draft),
    /// Abandoning confirmed: nothing is kept.
    Abandoned,
}

impl Compose {
    pub fn new() -> Compose {
        Compose { draft: Draft::default(), at: At::Title }
    }

    /// `/lesson` while this draft is open: go on or start afresh.
    pub fn offer_resume(self) -> Compose {
        let back = match self.at {
            // Asked already: the same question.
            At::Resume { back } => back,
            other => Box::new(other),
        };
        Compose { draft: self.draft, at: At::Resume { back } }
    }

    /// `/cancel` or "放弃": sure?
    pub fn confirm_abandon(self) -> Compose {
        let back = match self.at {
            At::ConfirmAbandon { back } => back,
            other => Box::new(other),
        };
        Compose { draft: self.draft, at: At::ConfirmAbandon { back } }
    }
}

impl Draft {
    /// The first question the draft still needs, or the preview when it has everything.
    pub fn next_missing(&self) -> At {
        if self.title.is_none() {
            At::Title
        } else if self.topic.is_none() {
            At::Topic
        } else if self.cards.is_empty() {
            At::Cards
        } else if self.questions.is_empty() {
            At::QuestionText
        } else if self.audience.is_none() {
            At::Audience
        } else {
            At::Preview
        }
    }

    pub fn credits(&self) -> Credits {
        Credits::from_tenths(i64::from(self.credits_tenths))
    }

    /// The lesson as learners will read it (id 0, `key`, `region_key`); `None` while a part is missing.
    /// Media are named by their file id (`MediaRef::path`): storage keeps them as such.
    pub fn to_lesson(&self, key: &str, region_key: Option<String>) -> Option<Lesson> {
        use crate::domain::catalog::Translations;
        use crate::domain::lesson::MediaRef;
        let (Some(title), Some(topic), Some(audience)) = (&self.title, self.topic, self.audience) else {
            return None;
        };
        if !(Lesson::MIN_CARDS..=Lesson::MAX_CARDS).contains(&self.cards.len())
            || !(Lesson::MIN_QUESTIONS..=Lesson::MAX_QUESTIONS).contains(&self.questions.len())
        {
            return None;
        }
        let credits = if audience.includes(Audience::Cadre) { self.credits() } else { Credits::ZERO };
        Some(Lesson {
            id: 0,
            key: key.to_owned(),
            title: title.clone(),
            topic,
            audience,
            region_key,
            credits,
            course_key: None,
            cards: self
                .cards
                .iter()
                .map(|c| Card {
                    text: c.text.clone(),
                    media: c.media.as_ref().map(|m| MediaRef { kind: m.kind, path: m.file_id.clone() }),
                    voice_version: c
                        .voice_version
                        .as_ref()
                        .map(|id| MediaRef { kind: MediaKind::Voice, path: id.clone() }),
                    tr: Translations::default(),
                })
                .collect(),
            questions: self
                .questions
                .iter()
                .enumerate()
                .map(|(i, q)| LessonQuestion {
                    id: 0,
                    key: format!("q{}", i + 1),
                    text: q.text.clone(),
                    options: q.options.clone(),
                    answer: q.answer,
                    explanation: q.explanation.clone(),
                    tr: Translations::default(),
                })
                .collect(),
            tr: Translations::default(),
        })
    }
}

/// Typed text, cleaned of control characters and trimmed, within `limit` characters.
fn typed(text: &str, multi_line: bool, limit: usize) -> Result<String, Problem> {
    let text = crate::domain::text::clean(text, multi_line).trim().to_owned();
    let length = text.chars().count();
    if text.is_empty() {
        Err(Problem::Empty)
    } else if length > limit {
        Err(Problem::TooLong { limit, length })
    } else {
        Ok(text)
    }
}

/// Whether the question on screen is answered with buttons only.
fn buttons_only(at: &At) -> bool {
    matches!(
        at,
        At::Topic
            | At::Answer { .. }
            | At::MoreQuestions
            | At::Audience
            | At::Credits
            | At::Preview
            | At::Change
            | At::ConfirmAbandon { .. }
            | At::Resume { .. }
    )
}

/// One step of the composer.
pub fn step(state: Compose, input: Input) -> Outcome {
    let Compose { mut draft, at } = state.clone();
    let ask = |draft: Draft, at: At| Outcome::Ask(Compose { draft, at });
    let reask = |problem: Problem| Outcome::Reask(state.clone(), problem);
    let next = |draft: Draft| {
        let at = draft.next_missing();
        Outcome::Ask(Compose { draft, at })
    };
    match (at, input) {
        // Leaving, and coming back to a draft.
        (At::ConfirmAbandon { .. }, Input::Button(Button::ConfirmAbandon(true))) => Outcome::Abandoned,
        (At::ConfirmAbandon { back }, Input::Button(Button::ConfirmAbandon(false))) => ask(draft, *back),
        (At::Resume { back }, Input::Button(Button::Resume(true))) => ask(draft, *back),
        (At::Resume { .. }, Input::Button(Button::Resume(false))) => Outcome::Ask(Compose::new()),
        (At::Preview, Input::Button(Button::Abandon)) => Outcome::Ask(state.confirm_abandon()),

        (At::Title, Input::Text(text)) => match typed(&text, false, Lesson::MAX_TITLE_CHARS) {
            Ok(title) => {
                draft.title = Some(title);
                next(draft)
            }
            Err(p) => reask(p),
        },
        (At::Topic, Input::Button(Button::Topic(topic))) => {
            draft.topic = Some(topic);
            next(draft)
        }

        // Cards.
        (At::Cards, Input::Text(_) | Input::Photo { .. } | Input::Voice { .. })
            if draft.cards.len() >= Lesson::MAX_CARDS =>
        {
            reask(Problem::TooManyCards)
        }
        (At::Cards, Input::Text(text)) => match typed(&text, true, Card::MAX_TEXT_CHARS) {
            Ok(text) => {
                draft.cards.push(DraftCard { text: Some(text), media: None, voice_version: None });
                ask(draft, At::Cards)
            }
            Err(p) => reask(p),
        },
        (At::Cards, Input::Photo { file_id, caption }) => {
            let text = match typed(&caption, true, Card::MAX_TEXT_CHARS) {
                Ok(text) => Some(text),
                Err(Problem::Empty) => None,
                Err(p) => return reask(p),
            };
            let media = Some(DraftMedia { kind: MediaKind::Photo, file_id });
            draft.cards.push(DraftCard { text, media, voice_version: None });
            ask(draft, At::Cards)
        }
        (At::Cards, Input::Voice { file_id }) => {
            let media = Some(DraftMedia { kind: MediaKind::Voice, file_id });
            draft.cards.push(DraftCard { text: None, media, voice_version: None });
            ask(draft, At::Cards)
        }
        (At::Cards, Input::Button(Button::AddVoice)) => match draft.cards.last() {
            Some(card) if card.takes_voice_version() => {
                let card = draft.cards.len() - 1;
                ask(draft, At::CardVoice { card })
            }
            _ => Outcome::Stale,
        },
        (At::CardVoice { card }, Input::Voice { file_id }) => match draft.cards.get_mut(card) {
            Some(c) => {
                c.voice_version = Some(file_id);
                ask(draft, At::Cards)
            }
            None => ask(draft, At::Cards),
        },
        (At::CardVoice { .. }, Input::Button(Button::SkipVoice)) => ask(draft, At::Cards),
        (At::CardVoice { .. }, Input::Text(_) | Input::Photo { .. } | Input::Unsupported) => reask(Problem::NeedVoice),
        (At::Cards | At::CardVoice { .. }, Input::Button(Button::CardsDone)) => {
            if draft.cards.is_empty() {
                reask(Problem::NoCards)
            } else {
                next(draft)
            }
        }
        (At::Cards, Input::Unsupported) => reask(Problem::NotACard),

        // Check questions.
        (At::QuestionText, Input::Text(text)) => match typed(&text, true, MAX_QUESTION_CHARS) {
            Ok(text) => ask(draft, At::Options { text, options: Vec::new() }),
            Err(p) => reask(p),
        },
        (At::Options { text, mut options }, Input::Text(typed_text)) => {
            let cleaned = crate::domain::text::clean(&typed_text, true);
            let lines: Vec<&str> = cleaned.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
            if lines.is_empty() {
                return reask(Problem::Empty);
            }
            if options.len() + lines.len() > MAX_OPTIONS {
                return reask(Problem::TooManyOptions { have: options.len() + lines.len() });
            }
            for line in &lines {
                let length = line.chars().count();
                if length > MAX_OPTION_CHARS {
                    return reask(Problem::TooLong { limit: MAX_OPTION_CHARS, length });
                }
                if options.iter().any(|o| o == line) || lines.iter().filter(|l| *l == line).count() > 1 {
                    return reask(Problem::SameOption);
                }
            }
            options.extend(lines.iter().map(|l| (*l).to_owned()));
            // Several typed at once, or as many as there may be: the list is complete.
            if lines.len() >= MIN_OPTIONS || options.len() == MAX_OPTIONS {
                ask(draft, At::Answer { text, options })
            } else {
                ask(draft, At::Options { text, options })
            }
        }
        (At::Options { text, options }, Input::Button(Button::OptionsDone)) => {
            if options.len() < MIN_OPTIONS {
                reask(Problem::TooFewOptions { have: options.len() })
            } else {
                ask(draft, At::Answer { text, options })
            }
        }
        (At::Answer { text, options }, Input::Button(Button::Right(i))) if usize::from(i) < options.len() => {
            ask(draft, At::Explanation { text, options, answer: usize::from(i) })
        }
        (At::Explanation { text, options, answer }, Input::Text(why)) => {
            match typed(&why, true, MAX_EXPLANATION_CHARS) {
                Ok(explanation) => {
                    draft.questions.push(DraftQuestion { text, options, answer, explanation });
                    if draft.questions.len() >= Lesson::MAX_QUESTIONS {
                        next(draft)
                    } else {
                        ask(draft, At::MoreQuestions)
                    }
                }
                Err(p) => reask(p),
            }
        }
        (At::MoreQuestions, Input::Button(Button::AnotherQuestion)) => {
            if draft.questions.len() >= Lesson::MAX_QUESTIONS {
                reask(Problem::TooManyQuestions)
            } else {
                ask(draft, At::QuestionText)
            }
        }
        (At::MoreQuestions, Input::Button(Button::QuestionsDone)) => next(draft),

        // Who reads it, and what it counts.
        (At::Audience, Input::Button(Button::Audience(audience))) => {
            draft.audience = Some(audience);
            if audience.includes(Audience::Cadre) {
                ask(draft, At::Credits)
            } else {
                draft.credits_tenths = 0;
                next(draft)
            }
        }
        (At::Credits, Input::Button(Button::Credits(tenths))) if CREDIT_CHOICES.contains(&tenths) => {
            draft.credits_tenths = tenths;
            next(draft)
        }

        // The preview.
        (At::Preview, Input::Button(Button::Publish)) => match draft.next_missing() {
            At::Preview => Outcome::Publish(draft),
            missing => ask(draft, missing),
        },
        (At::Preview, Input::Button(Button::Edit)) => ask(draft, At::Change),
        (At::Change, Input::Button(Button::Change(part))) => {
            match part {
                Part::Title => draft.title = None,
                Part::Topic => draft.topic = None,
                Part::Cards => draft.cards.clear(),
                Part::Questions => draft.questions.clear(),
                Part::Audience => {
                    draft.audience = None;
                    draft.credits_tenths = 0;
                }
            }
            next(draft)
        }

        // Anything else: a button of another question, or the wrong kind of answer.
        (_, Input::Button(_)) => Outcome::Stale,
        (at, _) if buttons_only(&at) => reask(Problem::UseButtons),
        (At::Title | At::QuestionText | At::Options { .. } | At::Explanation { .. }, _) => reask(Problem::NeedText),
        (_, _) => reask(Problem::UseButtons),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(draft: &Draft, at: At) -> Compose {
        Compose { draft: draft.clone(), at }
    }

    fn text(s: &str) -> Input {
        Input::Text(s.to_owned())
    }

    fn press(b: Button) -> Input {
        Input::Button(b)
    }

    fn asked(outcome: Outcome) -> Compose {
        match outcome {
            Outcome::Ask(c) => c,
            other => panic!("expected a next question, got {other:?}"),
        }
    }

    fn problem(outcome: Outcome) -> Problem {
        match outcome {
            Outcome::Reask(_, p) => p,
            other => panic!("expected a re-ask, got {other:?}"),
        }
    }

    fn card(text: &str) -> DraftCard {
        DraftCard { text: Some(text.to_owned()), media: None, voice_version: None }
    }

    fn question() -> DraftQuestion {
        DraftQuestion {
            text: "菌棒补水后要停几天？".into(),
            options: vec!["1天".into(), "5到7天".into()],
            answer: 1,
            explanation: "让菌丝恢复。".into(),
        }
    }

    fn complete() -> Draft {
        Draft {
            title: Some("香菇补水".into()),
            topic: Some(Category::CropsLivestock),
            cards: vec![card("先看菌棒")],
            questions: vec![question()],
            audience: Some(LessonAudience::Villager),
            credits_tenths: 0,
        }
    }

    #[test]
    fn a_whole_lesson_is_made_step_by_step() {
        let c = asked(step(Compose::new(), text("  香菇菌棒补水  ")));
        assert_eq!((c.draft.title.as_deref(), &c.at), (Some("香菇菌棒补水"), &At::Topic));
        let c = asked(step(c, press(Button::Topic(Category::CropsLivestock))));
        assert_eq!(c.at, At::Cards);
        let c = asked(step(c, text("菌棒失水后要补水。")));
        assert_eq!((c.draft.cards.len(), &c.at), (1, &At::Cards));
        let c = asked(step(c, press(Button::AddVoice)));
        assert_eq!(c.at, At::CardVoice { card: 0 });
        let c = asked(step(c, Input::Voice { file_id: "v1".into() }));
        assert_eq!((c.draft.cards[0].voice_version.as_deref(), &c.at), (Some("v1"), &At::Cards));
        let c = asked(step(c, Input::Photo { file_id: "p1".into(), caption: "看这里".into() }));
        assert_eq!(c.draft.cards[1].text.as_deref(), Some("看这里"));
        assert_eq!(c.draft.cards[1].media, Some(DraftMedia { kind: MediaKind::Photo, file_id: "p1".into() }));
        let c = asked(step(c, Input::Voice { file_id: "v2".into() }));
        assert_eq!(
            c.draft.cards[2],
            DraftCard {
                text: None,
                media: Some(DraftMedia { kind: MediaKind::Voice, file_id: "v2".into() }),
                voice_version: None
            }
        );
        let c = asked(step(c, press(Button::CardsDone)));
        assert_eq!(c.at, At::QuestionText);
        let c = asked(step(c, text("补水后停几天？")));
        assert_eq!(c.at, At::Options { text: "补水后停几天？".into(), options: vec![] });
        let c = asked(step(c, text("1天\n5到7天\n一个月")));
        let options: Vec<String> = vec!["1天".into(), "5到7天".into(), "一个月".into()];
        assert_eq!(c.at, At::Answer { text: "补水后停几天？".into(), options: options.clone() });
        let c = asked(step(c, press(Button::Right(1))));
        assert_eq!(c.at, At::Explanation { text: "补水后停几天？".into(), options: options.clone(), answer: 1 });
        let c = asked(step(c, text("让菌丝恢复。")));
        assert_eq!((c.draft.questions.len(), &c.at), (1, &At::MoreQuestions));
        let c = asked(step(c, press(Button::QuestionsDone)));
        assert_eq!(c.at, At::Audience);
        let c = asked(step(c, press(Button::Audience(LessonAudience::Both))));
        assert_eq!(c.at, At::Credits);
        let c = asked(step(c, press(Button::Credits(1))));
        assert_eq!((c.draft.credits_tenths, &c.at), (1, &At::Preview));
        let draft = c.draft.clone();
        assert_eq!(step(c, press(Button::Publish)), Outcome::Publish(draft.clone()));
        let lesson = draft.to_lesson("chat-1", Some("xinan".into())).unwrap();
        assert_eq!((lesson.cards.len(), lesson.questions.len()), (3, 1));
        assert_eq!(lesson.credits, Credits::from_tenths(1));
        assert_eq!(lesson.cards[0].voice_version.as_ref().map(|m| m.path.as_str()), Some("v1"));
        assert_eq!(lesson.questions[0].key, "q1");
    }

    #[test]
    fn a_title_must_be_there_and_short_and_typed() {
        assert_eq!(problem(step(Compose::new(), text("   "))), Problem::Empty);
        let long = "长".repeat(Lesson::MAX_TITLE_CHARS + 1);
        assert_eq!(
            problem(step(Compose::new(), text(&long))),
            Problem::TooLong { limit: Lesson::MAX_TITLE_CHARS, length: Lesson::MAX_TITLE_CHARS + 1 }
        );
        assert_eq!(problem(step(Compose::new(), Input::Unsupported)), Problem::NeedText);
        assert_eq!(problem(step(Compose::new(), Input::Voice { file_id: "v".into() })), Problem::NeedText);
        assert_eq!(step(Compose::new(), press(Button::Publish)), Outcome::Stale);
    }

    #[test]
    fn the_topic_is_a_button() {
        let d = Draft { title: Some("t".into()), ..Draft::default() };
        assert_eq!(problem(step(at(&d, At::Topic), text("种养"))), Problem::UseButtons);
        assert_eq!(problem(step(at(&d, At::Topic), Input::Unsupported)), Problem::UseButtons);
        assert_eq!(step(at(&d, At::Topic), press(Button::CardsDone)), Outcome::Stale);
    }

    #[test]
    fn cards_are_refused_kindly_when_too_long_too_many_or_not_a_card() {
        let d = Draft { title: Some("t".into()), topic: Some(Category::Cooking), ..Draft::default() };
        let long = "字".repeat(Card::MAX_TEXT_CHARS + 5);
        assert_eq!(
            problem(step(at(&d, At::Cards), text(&long))),
            Problem::TooLong { limit: Card::MAX_TEXT_CHARS, length: Card::MAX_TEXT_CHARS + 5 }
        );
        let photo = Input::Photo { file_id: "p".into(), caption: long.clone() };
        assert!(matches!(problem(step(at(&d, At::Cards), photo)), Problem::TooLong { .. }));
        // A photo without a caption is a card of its own.
        let c = asked(step(at(&d, At::Cards), Input::Photo { file_id: "p".into(), caption: " ".into() }));
        assert_eq!(c.draft.cards[0].text, None);
        assert_eq!(problem(step(at(&d, At::Cards), Input::Unsupported)), Problem::NotACard);
        assert_eq!(problem(step(at(&d, At::Cards), press(Button::CardsDone))), Problem::NoCards);
        assert_eq!(problem(step(at(&d, At::Cards), text(" "))), Problem::Empty);
        let mut full = d.clone();
        full.cards = (0..Lesson::MAX_CARDS).map(|i| card(&i.to_string())).collect();
        for sixth in [
            text("第六页"),
            Input::Voice { file_id: "v".into() },
            Input::Photo { file_id: "p".into(), caption: String::new() },
        ] {
            assert_eq!(problem(step(at(&full, At::Cards), sixth)), Problem::TooManyCards);
        }
        assert_eq!(asked(step(at(&full, At::Cards), press(Button::CardsDone))).at, At::QuestionText);
    }

    #[test]
    fn a_voice_version_goes_on_a_text_card_only_and_waits_for_a_voice() {
        let d = Draft {
            title: Some("t".into()),
            topic: Some(Category::Cooking),
            cards: vec![DraftCard {
                text: None,
                media: Some(DraftMedia { kind: MediaKind::Voice, file_id: "v".into() }),
                voice_version: None,
            }],
            ..Draft::default()
        };
        assert_eq!(step(at(&d, At::Cards), press(Button::AddVoice)), Outcome::Stale, "a voice card");
        assert_eq!(step(at(&Draft::default(), At::Cards), press(Button::AddVoice)), Outcome::Stale, "no card");
        let mut d = d;
        d.cards = vec![card("一页")];
        let waiting = at(&d, At::CardVoice { card: 0 });
        assert_eq!(problem(step(waiting.clone(), text("hi"))), Problem::NeedVoice);
        assert_eq!(problem(step(waiting.clone(), Input::Unsupported)), Problem::NeedVoice);
        assert_eq!(
            problem(step(waiting.clone(), Input::Photo { file_id: "p".into(), caption: String::new() })),
            Problem::NeedVoice
        );
        assert_eq!(asked(step(waiting.clone(), press(Button::SkipVoice))), at(&d, At::Cards));
        assert_eq!(asked(step(waiting.clone(), press(Button::CardsDone))).at, At::QuestionText);
        // A card taken away meanwhile (not possible by the buttons): the voice is not lost silently.
        let gone = at(&d, At::CardVoice { card: 3 });
        assert_eq!(asked(step(gone, Input::Voice { file_id: "v".into() })), at(&d, At::Cards));
        let mut with_voice = d.clone();
        with_voice.cards[0].voice_version = Some("v9".into());
        assert_eq!(step(at(&with_voice, At::Cards), press(Button::AddVoice)), Outcome::Stale, "has one already");
    }

    #[test]
    fn a_question_needs_text_two_to_four_different_options_the_right_one_and_why() {
        let d = Draft {
            title: Some("t".into()),
            topic: Some(Category::Cooking),
            cards: vec![card("c")],
            ..Draft::default()
        };
        let long = "问".repeat(MAX_QUESTION_CHARS + 1);
        assert!(matches!(problem(step(at(&d, At::QuestionText), text(&long))), Problem::TooLong { .. }));
        assert_eq!(problem(step(at(&d, At::QuestionText), Input::Unsupported)), Problem::NeedText);
        let options = |o: &[&str]| At::Options { text: "q".into(), options: o.iter().map(|s| s.to_string()).collect() };
        // One per message: collected, then "选项写完了".
        let c = asked(step(at(&d, options(&[])), text("甲")));
        assert_eq!(c.at, options(&["甲"]));
        assert_eq!(problem(step(c.clone(), press(Button::OptionsDone))), Problem::TooFewOptions { have: 1 });
        assert_eq!(problem(step(at(&d, options(&[])), press(Button::OptionsDone))), Problem::TooFewOptions { have: 0 });
        let c = asked(step(c, text("乙")));
        assert_eq!(c.at, options(&["甲", "乙"]));
        let c = asked(step(c, press(Button::OptionsDone)));
        assert!(matches!(c.at, At::Answer { .. }));
        // The fourth completes the list.
        assert!(matches!(asked(step(at(&d, options(&["a", "b", "c"])), text("d"))).at, At::Answer { .. }));
        assert_eq!(problem(step(at(&d, options(&["a", "b", "c"])), text("d\ne"))), Problem::TooManyOptions { have: 5 });
        assert_eq!(problem(step(at(&d, options(&["a"])), text("a"))), Problem::SameOption);
        assert_eq!(problem(step(at(&d, options(&[])), text("b\nb"))), Problem::SameOption);
        assert_eq!(problem(step(at(&d, options(&[])), text("\n \n"))), Problem::Empty);
        let long = "x".repeat(MAX_OPTION_CHARS + 1);
        assert!(matches!(problem(step(at(&d, options(&[])), text(&long))), Problem::TooLong { .. }));
        assert_eq!(problem(step(at(&d, options(&[])), Input::Unsupported)), Problem::NeedText);
        // The right answer: a button for an option there is.
        let answer = At::Answer { text: "q".into(), options: vec!["a".into(), "b".into()] };
        assert_eq!(step(at(&d, answer.clone()), press(Button::Right(2))), Outcome::Stale);
        assert_eq!(problem(step(at(&d, answer.clone()), text("b"))), Problem::UseButtons);
        // Why.
        let why = At::Explanation { text: "q".into(), options: vec!["a".into(), "b".into()], answer: 0 };
        assert_eq!(problem(step(at(&d, why.clone()), text(""))), Problem::Empty);
        assert_eq!(problem(step(at(&d, why.clone()), Input::Unsupported)), Problem::NeedText);
        let long = "因".repeat(MAX_EXPLANATION_CHARS + 1);
        assert!(matches!(problem(step(at(&d, why.clone()), text(&long))), Problem::TooLong { .. }));
    }

    #[test]
    fn at_most_three_questions() {
        let mut d = complete();
        d.audience = None;
        d.questions = vec![question(), question()];
        let c = asked(step(at(&d, At::MoreQuestions), press(Button::AnotherQuestion)));
        assert_eq!(c.at, At::QuestionText);
        let why = At::Explanation { text: "q".into(), options: vec!["a".into(), "b".into()], answer: 0 };
        let c = asked(step(at(&d, why), text("因为")));
        assert_eq!((c.draft.questions.len(), &c.at), (3, &At::Audience), "the third goes straight on");
        let mut three = d.clone();
        three.questions.push(question());
        assert_eq!(
            problem(step(at(&three, At::MoreQuestions), press(Button::AnotherQuestion))),
            Problem::TooManyQuestions
        );
        assert_eq!(problem(step(at(&d, At::MoreQuestions), text("完成"))), Problem::UseButtons);
    }

    #[test]
    fn credits_are_asked_only_when_cadres_read_it() {
        let mut d = complete();
        d.audience = None;
        d.credits_tenths = 2;
        let c = asked(step(at(&d, At::Audience), press(Button::Audience(LessonAudience::Villager))));
        assert_eq!((c.draft.credits_tenths, &c.at), (0, &At::Preview));
        let c = asked(step(at(&d, At::Audience), press(Button::Audience(LessonAudience::Cadre))));
        assert_eq!(c.at, At::Credits);
        assert_eq!(asked(step(c.clone(), press(Button::Credits(2)))).draft.credits_tenths, 2);
        assert_eq!(step(c.clone(), press(Button::Credits(5))), Outcome::Stale);
        assert_eq!(problem(step(c, text("0.1"))), Problem::UseButtons);
        assert_eq!(problem(step(at(&d, At::Audience), Input::Unsupported)), Problem::UseButtons);
        // A villagers' lesson never counts credits.
        let mut v = complete();
        v.credits_tenths = 2;
        assert_eq!(v.to_lesson("k", None).unwrap().credits, Credits::ZERO);
    }

    #[test]
    fn the_preview_publishes_changes_a_part_or_abandons() {
        let d = complete();
        assert_eq!(step(at(&d, At::Preview), press(Button::Publish)), Outcome::Publish(d.clone()));
        assert_eq!(problem(step(at(&d, At::Preview), text("发布"))), Problem::UseButtons);
        let c = asked(step(at(&d, At::Preview), press(Button::Edit)));
        assert_eq!(c.at, At::Change);
        // Each part is done again, then back to the preview.
        for (part, expected) in [
            (Part::Title, At::Title),
            (Part::Topic, At::Topic),
            (Part::Cards, At::Cards),
            (Part::Questions, At::QuestionText),
            (Part::Audience, At::Audience),
        ] {
            let c = asked(step(at(&d, At::Change), press(Button::Change(part))));
            assert_eq!(c.at, expected, "{part:?}");
        }
        let c = asked(step(at(&d, At::Title), text("新标题")));
        assert_eq!((c.draft.title.as_deref(), &c.at), (Some("新标题"), &At::Preview));
        assert_eq!(problem(step(at(&d, At::Change), text("标题"))), Problem::UseButtons);
        // An incomplete draft on the preview (not reachable by the buttons) asks what is missing.
        let mut partial = d.clone();
        partial.questions.clear();
        assert_eq!(asked(step(at(&partial, At::Preview), press(Button::Publish))).at, At::QuestionText);
        assert_eq!(partial.to_lesson("k", None), None);
        // 放弃 → sure? → no: back to the preview; yes: gone.
        let c = asked(step(at(&d, At::Preview), press(Button::Abandon)));
        assert_eq!(c.at, At::ConfirmAbandon { back: Box::new(At::Preview) });
        assert_eq!(asked(step(c.clone(), press(Button::ConfirmAbandon(false)))), at(&d, At::Preview));
        assert_eq!(step(c.clone(), press(Button::ConfirmAbandon(true))), Outcome::Abandoned);
        assert_eq!(problem(step(c.clone(), text("是"))), Problem::UseButtons);
        assert_eq!(step(c, press(Button::Publish)), Outcome::Stale);
    }

    #[test]
    fn cancel_and_lesson_again_mid_dialog_ask_first_and_go_back_to_the_same_question() {
        let d = complete();
        let mid = at(&d, At::Options { text: "q".into(), options: vec!["a".into()] });
        let sure = mid.clone().confirm_abandon();
        assert_eq!(sure.clone().confirm_abandon(), sure, "asked twice: still one step back");
        assert_eq!(asked(step(sure, press(Button::ConfirmAbandon(false)))), mid);
        let resume = mid.clone().offer_resume();
        assert_eq!(resume.clone().offer_resume(), resume);
        assert_eq!(asked(step(resume.clone(), press(Button::Resume(true)))), mid);
        assert_eq!(asked(step(resume.clone(), press(Button::Resume(false)))), Compose::new());
        assert_eq!(problem(step(resume.clone(), text("继续"))), Problem::UseButtons);
        assert_eq!(problem(step(resume, Input::Voice { file_id: "v".into() })), Problem::UseButtons);
    }

    #[test]
    fn the_state_is_stored_as_json_and_read_back() {
        let c = at(&complete(), At::ConfirmAbandon { back: Box::new(At::CardVoice { card: 0 }) });
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(serde_json::from_str::<Compose>(&json).unwrap(), c);
    }

    #[test]
    fn every_button_encodes_and_decodes_and_garbage_decodes_to_nothing() {
        for b in Button::all() {
            assert_eq!(Button::decode(&b.encode()), Some(b), "{}", b.encode());
        }
        for bad in ["", "t:farming", "r:4", "r:01", "cr:3", "cr:01", "x:2", "g:", "e:z", "avx", "au:all", "p:1"] {
            assert_eq!(Button::decode(bad), None, "{bad}");
        }
    }
}
