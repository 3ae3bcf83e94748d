//! Micro-lessons (碎片化学习): short pieces read in the chat, one card per message, with a check question
//! or two at the end. The pure rules: what a lesson is, which lesson a person gets next, how a reading
//! moves ([`step`]), and what credit a finished lesson earns.
//!
//! A lesson comes from the catalogue (`[[lesson]]` with its `[[lesson.card]]` and `[[lesson.question]]`,
//! checked in `catalog_file::lesson`). A person's reading of it is stored per person and lesson
//! (`db::lessons`): where they are ([`Step`]), when it was sent, opened and finished, and each answer,
//! so reports can count sent, opened, finished and right-at-first-try per lesson and region, and a
//! streak can be read from the days of finished readings.

use serde::{Deserialize, Serialize};

use crate::domain::catalog::{Category, Credits, Question, Translations};
use crate::domain::person::Audience;
use crate::i18n::Lang;

/// Who a lesson is for: villagers, cadres, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LessonAudience {
    Villager,
    Cadre,
    Both,
}

impl LessonAudience {
    pub const ALL: [LessonAudience; 3] = [LessonAudience::Villager, LessonAudience::Cadre, LessonAudience::Both];

    pub fn as_str(self) -> &'static str {
        match self {
            LessonAudience::Villager => "villager",
            LessonAudience::Cadre => "cadre",
            LessonAudience::Both => "both",
        }
    }

    pub fn parse(s: &str) -> Option<LessonAudience> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// Whether a trainee of `audience` gets lessons meant for `self`.
    pub fn includes(self, audience: Audience) -> bool {
        match self {
            LessonAudience::Both => true,
            LessonAudience::Villager => audience == Audience::Villager,
            LessonAudience::Cadre => audience == Audience::Cadre,
        }
    }
}

/// What a media file is sent as: Telegram's sendPhoto, sendVoice or sendVideo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaKind {
    Photo,
    Voice,
    Video,
}

impl MediaKind {
    pub const ALL: [MediaKind; 3] = [MediaKind::Photo, MediaKind::Voice, MediaKind::Video];

    /// Telegram's limits for a bot's upload: photos 10 MB, other files 50 MB.
    pub const PHOTO_MAX_BYTES: u64 = 10 * 1024 * 1024;
    pub const FILE_MAX_BYTES: u64 = 50 * 1024 * 1024;

    pub fn as_str(self) -> &'static str {
        match self {
            MediaKind::Photo => "photo",
            MediaKind::Voice => "voice",
            MediaKind::Video => "video",
        }
    }

    pub fn parse(s: &str) -> Option<MediaKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn max_bytes(self) -> u64 {
        match self {
            MediaKind::Photo => Self::PHOTO_MAX_BYTES,
            MediaKind::Voice | MediaKind::Video => Self::FILE_MAX_BYTES,
        }
    }

    /// The file endings Telegram takes for this kind (a voice message is OGG/Opus, MP3 or M4A).
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            MediaKind::Photo => &["jpg", "jpeg", "png"],
            MediaKind::Voice => &["ogg", "oga", "opus", "mp3", "m4a"],
            MediaKind::Video => &["mp4"],
        }
    }

    /// Whether `path` ends in one of [`MediaKind::extensions`] (any case).
    pub fn fits(self, path: &str) -> bool {
        let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
        self.extensions().contains(&ext.as_str())
    }

    /// Why a file of `size` bytes cannot be sent as this kind, if it cannot.
    pub fn size_problem(self, size: u64) -> Option<String> {
        let max = self.max_bytes();
        if size == 0 {
            Some("the file is empty".to_owned())
        } else if size > max {
            Some(format!(
                "the file is {:.1} MB; Telegram takes a {} of at most {} MB from a bot",
                size as f64 / (1024.0 * 1024.0),
                self.as_str(),
                max / (1024 * 1024)
            ))
        } else {
            None
        }
    }
}

/// A media file as the catalogue names it: a path relative to the catalogue file (`/` between folders).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MediaRef {
    pub kind: MediaKind,
    pub path: String,
}

impl MediaRef {
    /// Why `path` cannot name a file next to the catalogue, if it cannot: it must be relative, stay below
    /// the catalogue's folder and end as the kind's files do.
    pub fn path_problem(kind: MediaKind, path: &str) -> Option<String> {
        let path = path.trim();
        if path.is_empty() {
            return Some("must not be empty".to_owned());
        }
        if path.starts_with('/') || path.starts_with('\\') || path.contains(':') {
            return Some(
                "write a path next to the catalogue file (example: media/card1.png), not an absolute one".into(),
            );
        }
        if path.split(['/', '\\']).any(|part| part == ".." || part.is_empty()) {
            return Some("write a path in the catalogue's folder or below it, without `..` or `//`".to_owned());
        }
        if !kind.fits(path) {
            return Some(format!("a {} is a file ending in .{}", kind.as_str(), kind.extensions().join(", .")));
        }
        None
    }
}

/// One card of a lesson: text, a photo / voice / video, or both; a text card may carry a recording of
/// its text read aloud (`voice_version`), which the reader gets with one button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    pub text: Option<String>,
    pub media: Option<MediaRef>,
    pub voice_version: Option<MediaRef>,
    /// Translations of `text`.
    pub tr: Translations,
}

impl Card {
    /// At most this many characters of text (a photo's caption holds 1,024 with the card's header).
    pub const MAX_TEXT_CHARS: usize = 900;

    pub fn text_in(&self, lang: Lang) -> Option<&str> {
        self.tr.text_opt(lang, "text", self.text.as_deref())
    }
}

/// A check question at the end of a lesson: options, the right one, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LessonQuestion {
    /// Storage id (0 before it is stored); stable across re-imports.
    pub id: i64,
    pub key: String,
    pub text: String,
    pub options: Vec<String>,
    /// 0-based index into `options`.
    pub answer: usize,
    pub explanation: String,
    /// Translations of `text`, `options` and `explanation`.
    pub tr: Translations,
}

impl LessonQuestion {
    pub fn is_correct(&self, chosen: usize) -> bool {
        chosen == self.answer
    }

    pub fn text_in(&self, lang: Lang) -> &str {
        self.tr.text(lang, "text", &self.text)
    }

    pub fn options_in(&self, lang: Lang) -> &[String] {
        self.tr.list(lang, "options", &self.options)
    }

    pub fn explanation_in(&self, lang: Lang) -> &str {
        self.tr.text(lang, "explanation", &self.explanation)
    }
}

/// A course question's shape is a lesson question's (the catalogue checks both alike).
impl From<Question> for LessonQuestion {
    fn from(q: Question) -> Self {
        LessonQuestion {
            id: q.id,
            key: q.key,
            text: q.text,
            options: q.options,
            answer: q.answer,
            explanation: q.explanation,
            tr: q.tr,
        }
    }
}

/// A lesson from the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lesson {
    /// Storage id (0 before it is stored); stable across re-imports, short for callback data.
    pub id: i64,
    pub key: String,
    pub title: String,
    /// What it is about; the topics a person's orders are in come first.
    pub topic: Category,
    pub audience: LessonAudience,
    /// A lesson for one region (and the regions below it); `None`: everywhere.
    pub region_key: Option<String>,
    /// What it counts for a cadre's annual assessment (学分), once per calendar year.
    pub credits: Credits,
    /// The course it belongs to, if any (its lessons can go before and after a class).
    pub course_key: Option<String>,
    pub cards: Vec<Card>,
    pub questions: Vec<LessonQuestion>,
    /// Translations of `title`.
    pub tr: Translations,
}

impl Lesson {
    pub const MIN_CARDS: usize = 1;
    pub const MAX_CARDS: usize = 5;
    pub const MIN_QUESTIONS: usize = 1;
    pub const MAX_QUESTIONS: usize = 3;
    pub const MAX_TITLE_CHARS: usize = 60;

    pub fn title_in(&self, lang: Lang) -> &str {
        self.tr.text(lang, "title", &self.title)
    }

    /// The shape [`step`] moves through.
    pub fn shape(&self) -> Shape {
        Shape {
            voice: self.cards.iter().map(|c| c.voice_version.is_some()).collect(),
            questions: self.questions.iter().map(|q| (q.options.len(), q.answer)).collect(),
        }
    }

    /// What finishing the lesson earns a trainee of `audience`: its credits for a cadre, nothing else.
    pub fn credits_for(&self, audience: Audience) -> Credits {
        if audience == Audience::Cadre && self.audience.includes(Audience::Cadre) {
            self.credits
        } else {
            Credits::ZERO
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// Reading a lesson
// ---------------------------------------------------------------------------------------------------

/// Where a reading stands: on a card, at a question (both 0-based), or finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Step {
    Card(usize),
    Question(usize),
    Done,
}

impl Step {
    /// The first card.
    pub const START: Step = Step::Card(0);

    /// As stored: a word and an index.
    pub fn to_stored(self) -> (&'static str, i64) {
        match self {
            Step::Card(i) => ("card", i as i64),
            Step::Question(i) => ("question", i as i64),
            Step::Done => ("done", 0),
        }
    }

    pub fn from_stored(word: &str, index: i64) -> Option<Step> {
        let index = usize::try_from(index).ok()?;
        match word {
            "card" => Some(Step::Card(index)),
            "question" => Some(Step::Question(index)),
            "done" => Some(Step::Done),
            _ => None,
        }
    }
}

/// What of a lesson a reading moves through: per card whether it has a voice version, per question how
/// many options it has and which is right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    pub voice: Vec<bool>,
    pub questions: Vec<(usize, usize)>,
}

impl Shape {
    pub fn cards(&self) -> usize {
        self.voice.len()
    }

    /// `at` as it reads in this shape: a card or question a re-import took away reads as the last one
    /// there is (the reader goes on from there instead of being stuck).
    pub fn normalize(&self, at: Step) -> Step {
        match at {
            Step::Card(_) if self.cards() == 0 => self.after_cards(),
            Step::Card(c) => Step::Card(c.min(self.cards() - 1)),
            Step::Question(_) if self.questions.is_empty() => Step::Done,
            Step::Question(q) => Step::Question(q.min(self.questions.len() - 1)),
            Step::Done => Step::Done,
        }
    }

    fn after_cards(&self) -> Step {
        if self.questions.is_empty() { Step::Done } else { Step::Question(0) }
    }
}

/// What the reader did: "下一页" under card `card`, "🔊 听语音" under card `card`, option `choice` of
/// question `question`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Next { card: usize },
    Listen { card: usize },
    Answer { question: usize, choice: usize },
}

/// What a step does besides moving.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Show the step moved to (a card, a question, or the finish).
    Show,
    /// Send card `card`'s voice version; the reading stays where it is.
    Play { card: usize },
    /// The answer to `question`, right or wrong: the reading's only try at it (recorded as given), then
    /// the step moved to is shown.
    Answered { question: usize, choice: usize, correct: bool },
}

/// A step taken: where the reading is now, and what to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moved {
    pub to: Step,
    pub effect: Effect,
}

/// Why a button changes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The reading is finished.
    Finished,
    /// A card or question the reader has gone past (a button on an older message).
    Passed,
    /// A card or question not reached yet (a button never shown: forged).
    NotYet,
    /// A card, question or option the lesson does not have (forged, or from before a re-import).
    Unknown,
    /// The card has no voice version.
    NoVoice,
}

/// One step of a reading at `at` of a lesson of `shape`.
pub fn step(shape: &Shape, at: Step, input: Input) -> Result<Moved, Refusal> {
    let at = shape.normalize(at);
    match input {
        Input::Next { card } => {
            if card >= shape.cards() {
                return Err(Refusal::Unknown);
            }
            match at {
                Step::Card(c) if c == card => {
                    let to = if card + 1 < shape.cards() { Step::Card(card + 1) } else { shape.after_cards() };
                    Ok(Moved { to, effect: Effect::Show })
                }
                Step::Card(c) if c < card => Err(Refusal::NotYet),
                Step::Card(_) | Step::Question(_) => Err(Refusal::Passed),
                Step::Done => Err(Refusal::Finished),
            }
        }
        Input::Listen { card } => {
            let Some(has_voice) = shape.voice.get(card) else { return Err(Refusal::Unknown) };
            if !has_voice {
                return Err(Refusal::NoVoice);
            }
            match at {
                Step::Card(c) if c < card => Err(Refusal::NotYet),
                // Listening again to a card already read (even after the end) is welcome.
                _ => Ok(Moved { to: at, effect: Effect::Play { card } }),
            }
        }
        Input::Answer { question, choice } => {
            let Some(&(options, right)) = shape.questions.get(question) else { return Err(Refusal::Unknown) };
            match at {
                Step::Question(q) if q == question => {
                    if choice >= options {
                        return Err(Refusal::Unknown);
                    }
                    let to =
                        if question + 1 < shape.questions.len() { Step::Question(question + 1) } else { Step::Done };
                    Ok(Moved { to, effect: Effect::Answered { question, choice, correct: choice == right } })
                }
                Step::Question(q) if q < question => Err(Refusal::NotYet),
                Step::Card(_) => Err(Refusal::NotYet),
                Step::Question(_) => Err(Refusal::Passed),
                Step::Done => Err(Refusal::Finished),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// Which lesson comes next
// ---------------------------------------------------------------------------------------------------

/// A lesson as the choice of the next one sees it (the catalogue's lessons in catalogue order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub lesson_id: i64,
    pub topic: Category,
    pub audience: LessonAudience,
    pub region_key: Option<String>,
    pub credits: Credits,
}

/// One of the person's readings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Past {
    pub reading_id: i64,
    pub lesson_id: i64,
    /// The calendar year (the person's time zone) it was finished in; `None` while it is being read.
    pub finished_year: Option<i32>,
}

/// Who is asking, as the choice sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Learner<'a> {
    pub audience: Audience,
    /// Their village and every region above it (a lesson for a county reaches its villages).
    pub regions: &'a [String],
    /// The topics of the courses they ordered, most recent first: their lessons come first.
    pub topics: &'a [Category],
    /// This calendar year, in their time zone.
    pub year: i32,
}

/// The next lesson for a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// Go on with a lesson begun and not finished.
    Resume { reading_id: i64, lesson_id: i64 },
    /// Begin this lesson.
    Start { lesson_id: i64 },
    /// Every lesson for them is done.
    Nothing,
}

impl Candidate {
    /// Whether the lesson is for this learner: their audience, and everywhere or a region of theirs.
    pub fn applies_to(&self, learner: &Learner<'_>) -> bool {
        self.audience.includes(learner.audience)
            && self.region_key.as_ref().is_none_or(|r| learner.regions.iter().any(|mine| mine == r))
    }

    /// Whether the learner is done with it: finished once; a lesson that earns them credits, finished
    /// this calendar year.
    pub fn is_done(&self, learner: &Learner<'_>, past: &[Past]) -> bool {
        let mut finished = past.iter().filter(|p| p.lesson_id == self.lesson_id).filter_map(|p| p.finished_year);
        if self.credits_learner(learner) { finished.any(|y| y == learner.year) } else { finished.next().is_some() }
    }

    /// Whether finishing it earns this learner credits (then it may be done again each calendar year).
    fn credits_learner(&self, learner: &Learner<'_>) -> bool {
        learner.audience == Audience::Cadre && self.audience.includes(Audience::Cadre) && self.credits > Credits::ZERO
    }
}

/// The lesson a person reads next: one begun and not finished (the latest) first; else a lesson for them
/// not done yet — lessons in the topics of their courses first, then those in their audience's topics,
/// then the rest, in catalogue order. Done
/// means finished once; a lesson that earns a cadre credits is done for the calendar year it was
/// finished in, and comes back (after every lesson never read) the next year.
pub fn pick(learner: &Learner<'_>, lessons: &[Candidate], past: &[Past]) -> Pick {
    let applies = |id: i64| lessons.iter().find(|l| l.lesson_id == id).filter(|l| l.applies_to(learner));
    if let Some(open) = past.iter().rfind(|p| p.finished_year.is_none() && applies(p.lesson_id).is_some()) {
        return Pick::Resume { reading_id: open.reading_id, lesson_id: open.lesson_id };
    }
    let best = lessons
        .iter()
        .enumerate()
        .filter(|(_, l)| l.applies_to(learner))
        .filter_map(|(order, l)| {
            if l.is_done(learner, past) {
                return None;
            }
            let finished = past.iter().any(|p| p.lesson_id == l.lesson_id && p.finished_year.is_some());
            let topic_rank = learner.topics.iter().position(|t| *t == l.topic).unwrap_or(learner.topics.len());
            // A lesson for both in the other audience's topic (farming, for a cadre) comes after theirs.
            let other_topic = l.topic.audience() != learner.audience;
            Some(((finished, topic_rank, other_topic, order), l.lesson_id))
        })
        .min_by_key(|(rank, _)| *rank);
    match best {
        Some((_, lesson_id)) => Pick::Start { lesson_id },
        None => Pick::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(voice: &[bool], questions: &[(usize, usize)]) -> Shape {
        Shape { voice: voice.to_vec(), questions: questions.to_vec() }
    }

    fn moved(to: Step, effect: Effect) -> Result<Moved, Refusal> {
        Ok(Moved { to, effect })
    }

    #[test]
    fn next_pages_through_the_cards_then_to_the_first_question() {
        let s = shape(&[false, true, false], &[(3, 1), (2, 0)]);
        assert_eq!(step(&s, Step::Card(0), Input::Next { card: 0 }), moved(Step::Card(1), Effect::Show));
        assert_eq!(step(&s, Step::Card(1), Input::Next { card: 1 }), moved(Step::Card(2), Effect::Show));
        assert_eq!(step(&s, Step::Card(2), Input::Next { card: 2 }), moved(Step::Question(0), Effect::Show));
    }

    #[test]
    fn an_old_next_button_changes_nothing() {
        let s = shape(&[false, false, false], &[(3, 1)]);
        assert_eq!(step(&s, Step::Card(2), Input::Next { card: 0 }), Err(Refusal::Passed));
        assert_eq!(step(&s, Step::Question(0), Input::Next { card: 2 }), Err(Refusal::Passed));
        assert_eq!(step(&s, Step::Done, Input::Next { card: 1 }), Err(Refusal::Finished));
        // A card never shown, or one the lesson does not have.
        assert_eq!(step(&s, Step::Card(0), Input::Next { card: 1 }), Err(Refusal::NotYet));
        assert_eq!(step(&s, Step::Card(0), Input::Next { card: 7 }), Err(Refusal::Unknown));
    }

    #[test]
    fn listening_plays_a_voice_version_reached_and_stays_put() {
        let s = shape(&[true, false, true], &[(2, 0)]);
        assert_eq!(step(&s, Step::Card(0), Input::Listen { card: 0 }), moved(Step::Card(0), Effect::Play { card: 0 }));
        // Again later, even after the end.
        assert_eq!(
            step(&s, Step::Question(0), Input::Listen { card: 2 }),
            moved(Step::Question(0), Effect::Play { card: 2 })
        );
        assert_eq!(step(&s, Step::Done, Input::Listen { card: 0 }), moved(Step::Done, Effect::Play { card: 0 }));
        assert_eq!(step(&s, Step::Card(1), Input::Listen { card: 1 }), Err(Refusal::NoVoice));
        assert_eq!(step(&s, Step::Card(0), Input::Listen { card: 2 }), Err(Refusal::NotYet));
        assert_eq!(step(&s, Step::Card(0), Input::Listen { card: 3 }), Err(Refusal::Unknown));
    }

    #[test]
    fn answers_are_right_or_wrong_once_then_the_next_question_or_the_end() {
        let s = shape(&[false], &[(3, 1), (2, 0)]);
        assert_eq!(
            step(&s, Step::Question(0), Input::Answer { question: 0, choice: 1 }),
            moved(Step::Question(1), Effect::Answered { question: 0, choice: 1, correct: true })
        );
        assert_eq!(
            step(&s, Step::Question(1), Input::Answer { question: 1, choice: 1 }),
            moved(Step::Done, Effect::Answered { question: 1, choice: 1, correct: false })
        );
        // A second tap on the first question's buttons: answered already.
        assert_eq!(step(&s, Step::Question(1), Input::Answer { question: 0, choice: 0 }), Err(Refusal::Passed));
        assert_eq!(step(&s, Step::Done, Input::Answer { question: 1, choice: 0 }), Err(Refusal::Finished));
        // Not reached, an option or question that is not there.
        assert_eq!(step(&s, Step::Card(0), Input::Answer { question: 0, choice: 0 }), Err(Refusal::NotYet));
        assert_eq!(step(&s, Step::Question(0), Input::Answer { question: 1, choice: 0 }), Err(Refusal::NotYet));
        assert_eq!(step(&s, Step::Question(0), Input::Answer { question: 0, choice: 3 }), Err(Refusal::Unknown));
        assert_eq!(step(&s, Step::Question(0), Input::Answer { question: 5, choice: 0 }), Err(Refusal::Unknown));
    }

    #[test]
    fn a_reading_past_what_a_reimport_left_goes_on_from_the_last_there_is() {
        let s = shape(&[false, false], &[(2, 0)]);
        assert_eq!(s.normalize(Step::Card(4)), Step::Card(1));
        assert_eq!(s.normalize(Step::Question(3)), Step::Question(0));
        assert_eq!(step(&s, Step::Card(4), Input::Next { card: 1 }), moved(Step::Question(0), Effect::Show));
        let no_questions = shape(&[false], &[]);
        assert_eq!(step(&no_questions, Step::Card(0), Input::Next { card: 0 }), moved(Step::Done, Effect::Show));
        assert_eq!(no_questions.normalize(Step::Question(0)), Step::Done);
    }

    #[test]
    fn steps_are_stored_as_a_word_and_an_index() {
        for s in [Step::Card(0), Step::Card(4), Step::Question(2), Step::Done] {
            let (word, index) = s.to_stored();
            assert_eq!(Step::from_stored(word, index), Some(s));
        }
        assert_eq!(Step::from_stored("page", 1), None);
        assert_eq!(Step::from_stored("card", -1), None);
    }

    fn candidate(id: i64, topic: Category, audience: LessonAudience, region: Option<&str>, credits: i64) -> Candidate {
        Candidate {
            lesson_id: id,
            topic,
            audience,
            region_key: region.map(str::to_owned),
            credits: Credits::from_tenths(credits),
        }
    }

    fn learner<'a>(audience: Audience, regions: &'a [String], topics: &'a [Category]) -> Learner<'a> {
        Learner { audience, regions, topics, year: 2027 }
    }

    #[test]
    fn the_next_lesson_is_for_the_audience_and_region_with_the_persons_topics_first() {
        let regions = vec!["xinan".to_owned(), "xinan-tieshan".to_owned(), "xinan-tieshan-xicun".to_owned()];
        let lessons = [
            candidate(1, Category::Cooking, LessonAudience::Villager, None, 0),
            candidate(2, Category::CropsLivestock, LessonAudience::Villager, Some("qianshan"), 0),
            candidate(3, Category::PolicyInterpretation, LessonAudience::Cadre, None, 1),
            candidate(4, Category::CropsLivestock, LessonAudience::Both, Some("xinan-tieshan"), 0),
            candidate(5, Category::CropsLivestock, LessonAudience::Villager, None, 0),
        ];
        let none: [Category; 0] = [];
        let me = learner(Audience::Villager, &regions, &none);
        assert_eq!(pick(&me, &lessons, &[]), Pick::Start { lesson_id: 1 }, "catalogue order");
        let topics = [Category::CropsLivestock];
        let me = learner(Audience::Villager, &regions, &topics);
        assert_eq!(pick(&me, &lessons, &[]), Pick::Start { lesson_id: 4 }, "a township lesson reaches its village");
        let done = |ids: &[i64]| -> Vec<Past> {
            ids.iter().map(|&id| Past { reading_id: id * 10, lesson_id: id, finished_year: Some(2026) }).collect()
        };
        assert_eq!(pick(&me, &lessons, &done(&[4])), Pick::Start { lesson_id: 5 });
        assert_eq!(pick(&me, &lessons, &done(&[4, 5])), Pick::Start { lesson_id: 1 });
        assert_eq!(pick(&me, &lessons, &done(&[1, 4, 5])), Pick::Nothing, "another county's, a cadre's: not theirs");
        let cadre = learner(Audience::Cadre, &regions, &none);
        assert_eq!(pick(&cadre, &lessons, &[]), Pick::Start { lesson_id: 3 });
        assert_eq!(pick(&cadre, &lessons, &done(&[3])), Pick::Start { lesson_id: 4 });
        // A lesson for both comes after the ones in the person's own audience's topics.
        let shared_first = [lessons[3].clone(), lessons[2].clone()];
        assert_eq!(pick(&cadre, &shared_first, &[]), Pick::Start { lesson_id: 3 });
        assert_eq!(pick(&me, &shared_first, &[]), Pick::Start { lesson_id: 4 });
    }

    #[test]
    fn a_lesson_begun_is_resumed_and_a_credit_lesson_comes_back_the_next_year() {
        let regions = vec!["xinan".to_owned()];
        let none: [Category; 0] = [];
        let lessons = [
            candidate(1, Category::PolicyInterpretation, LessonAudience::Cadre, None, 1),
            candidate(2, Category::PublicWork, LessonAudience::Cadre, None, 0),
        ];
        let cadre = learner(Audience::Cadre, &regions, &none);
        let open = [Past { reading_id: 7, lesson_id: 2, finished_year: None }];
        assert_eq!(pick(&cadre, &lessons, &open), Pick::Resume { reading_id: 7, lesson_id: 2 });
        let this_year = [Past { reading_id: 7, lesson_id: 1, finished_year: Some(2027) }];
        assert_eq!(pick(&cadre, &lessons, &this_year), Pick::Start { lesson_id: 2 });
        let both = [
            Past { reading_id: 7, lesson_id: 1, finished_year: Some(2026) },
            Past { reading_id: 8, lesson_id: 2, finished_year: Some(2026) },
        ];
        // Lesson 1 earns credits again in 2027; lesson 2 (no credits) is done for good.
        assert_eq!(pick(&cadre, &lessons, &both), Pick::Start { lesson_id: 1 });
        let again = [both[0], both[1], Past { reading_id: 9, lesson_id: 1, finished_year: Some(2027) }];
        assert_eq!(pick(&cadre, &lessons, &again), Pick::Nothing);
        // Never-read lessons come before a repeat for credits.
        let lessons = [
            lessons[0].clone(),
            lessons[1].clone(),
            candidate(3, Category::CaseStudies, LessonAudience::Cadre, None, 0),
        ];
        assert_eq!(pick(&cadre, &lessons, &both), Pick::Start { lesson_id: 3 });
        // An open reading of a lesson no longer for them is not resumed.
        let elsewhere = [candidate(4, Category::PublicWork, LessonAudience::Cadre, Some("qianshan"), 0)];
        let open = [Past { reading_id: 11, lesson_id: 4, finished_year: None }];
        assert_eq!(pick(&cadre, &elsewhere, &open), Pick::Nothing);
    }

    #[test]
    fn credits_are_for_cadres_only() {
        let mut lesson = Lesson {
            id: 1,
            key: "k".into(),
            title: "防返贫监测".into(),
            topic: Category::PolicyInterpretation,
            audience: LessonAudience::Both,
            region_key: None,
            credits: Credits::from_tenths(1),
            course_key: None,
            cards: Vec::new(),
            questions: Vec::new(),
            tr: Translations::default(),
        };
        assert_eq!(lesson.credits_for(Audience::Cadre), Credits::from_tenths(1));
        assert_eq!(lesson.credits_for(Audience::Villager), Credits::ZERO);
        lesson.audience = LessonAudience::Villager;
        assert_eq!(lesson.credits_for(Audience::Cadre), Credits::ZERO);
    }

    #[test]
    fn media_paths_and_sizes_are_checked_against_what_telegram_takes() {
        assert_eq!(MediaRef::path_problem(MediaKind::Photo, "media/a.PNG"), None);
        assert_eq!(MediaRef::path_problem(MediaKind::Voice, "a.ogg"), None);
        assert!(MediaRef::path_problem(MediaKind::Photo, "/etc/a.png").is_some());
        assert!(MediaRef::path_problem(MediaKind::Photo, "C:\\a.png").is_some());
        assert!(MediaRef::path_problem(MediaKind::Photo, "../a.png").is_some());
        assert!(MediaRef::path_problem(MediaKind::Photo, "a.ogg").is_some());
        assert!(MediaRef::path_problem(MediaKind::Video, "").is_some());
        assert_eq!(MediaKind::Photo.size_problem(10 * 1024 * 1024), None);
        assert!(MediaKind::Photo.size_problem(10 * 1024 * 1024 + 1).unwrap().contains("10 MB"));
        assert_eq!(MediaKind::Video.size_problem(49 * 1024 * 1024), None);
        assert!(MediaKind::Voice.size_problem(51 * 1024 * 1024).unwrap().contains("50 MB"));
        assert!(MediaKind::Voice.size_problem(0).is_some());
        for kind in MediaKind::ALL {
            assert_eq!(MediaKind::parse(kind.as_str()), Some(kind));
        }
        for audience in LessonAudience::ALL {
            assert_eq!(LessonAudience::parse(audience.as_str()), Some(audience));
        }
        assert_eq!(LessonAudience::parse("everyone"), None);
    }
}
