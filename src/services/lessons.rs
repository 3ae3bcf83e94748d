//! Micro-lessons (📖 学一课): the next lesson for a person, each step of their reading (a card, its
//! voice version, a check question and its answer), and the credit a cadre earns by finishing one,
//! once per lesson and calendar year. Load the facts, let `domain::lesson` decide, store, and return
//! what the handler shows.

use chrono::{DateTime, Datelike, Utc};

use crate::app::App;
use crate::db::lessons::{self as store, StoredLesson, StoredMedia};
use crate::domain::catalog::Credits;
use crate::domain::lesson::{Candidate, Effect, Input, Learner, Past, Pick, Refusal, Step, pick, step};
use crate::domain::person::Person;
use crate::i18n::Lang;

/// How a reading began: from the menu (📖 学一课, or 再学一课 under a finished lesson).
pub const SOURCE_MENU: &str = "menu";

/// A media file to send: by Telegram's file id when it has one, else uploaded (then its id is kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    pub id: i64,
    pub kind: crate::domain::lesson::MediaKind,
    pub file_id: Option<String>,
    pub file_name: String,
}

impl From<&StoredMedia> for Media {
    fn from(m: &StoredMedia) -> Self {
        Media { id: m.id, kind: m.kind, file_id: m.file_id.clone(), file_name: m.file_name().to_owned() }
    }
}

/// One card, in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardView {
    pub reading_id: i64,
    pub title: String,
    /// 0-based.
    pub index: usize,
    pub total: usize,
    pub text: Option<String>,
    pub media: Option<Media>,
    /// The card has a recording of its text ("🔊 听语音").
    pub has_voice: bool,
}

/// A check question, in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionView {
    pub reading_id: i64,
    pub title: String,
    /// 0-based.
    pub index: usize,
    pub total: usize,
    pub text: String,
    pub options: Vec<String>,
}

/// A lesson finished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinishedView {
    pub title: String,
    /// Different lessons the person has finished, this one included.
    pub lessons_done: i64,
    /// Days in a row with a finished lesson (`domain::lesson_daily::streak`).
    pub streak: u32,
    /// For a cadre: the credits this lesson earned now (none when it earned them already this year).
    pub earned: Option<Credits>,
    /// For a cadre: the year's credits from lessons so far.
    pub year_total: Option<(i32, Credits)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum View {
    Card(CardView),
    Question(QuestionView),
    Finished(FinishedView),
}

/// 📖 学一课.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// The lesson's current step; `resumed` when it had been begun before.
    Show { view: View, resumed: bool },
    /// Every lesson for the person is done.
    NothingLeft,
}

/// The right answer and why, after an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feedback {
    pub correct: bool,
    pub right: String,
    pub explanation: String,
}

/// A button pressed on a reading's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pressed {
    /// The reading moved on: the feedback to an answer (if one was given), then this.
    Moved { feedback: Option<Feedback>, view: View },
    /// The card's voice version, with a caption naming the card.
    Play { media: Media, title: String, index: usize, total: usize },
    /// The button changes nothing (an older message's, or one of a finished lesson).
    Refused(Refusal),
    /// Someone else's reading, or none at all.
    NotYours,
}

/// The person's time zone and its calendar year now.
async fn year_now(app: &App, person: &Person) -> anyhow::Result<(chrono_tz::Tz, i32)> {
    let tz = crate::services::learning::person_tz(app, person).await?;
    Ok((tz, app.now().with_timezone(&tz).year()))
}

fn year_of(tz: chrono_tz::Tz, at: DateTime<Utc>) -> i32 {
    at.with_timezone(&tz).year()
}

/// What the choice of a person's next lesson saw: the lessons for them, their readings, and its answer.
pub(crate) struct Choice {
    pub pick: Pick,
    pub readings: Vec<store::Reading>,
    pub lessons: Vec<Candidate>,
    pub past: Vec<Past>,
    pub regions: Vec<String>,
    pub topics: Vec<crate::domain::catalog::Category>,
    pub year: i32,
}

impl Choice {
    pub fn learner<'a>(&'a self, person: &Person) -> Learner<'a> {
        Learner { audience: person.audience, regions: &self.regions, topics: &self.topics, year: self.year }
    }
}

/// Loads the facts and lets `domain::lesson::pick` choose the person's next lesson.
pub(crate) async fn choose_next(app: &App, person: &Person) -> anyhow::Result<Choice> {
    let (tz, year) = year_now(app, person).await?;
    let regions: Vec<String> = match &person.village_key {
        Some(village) => crate::db::regions::ancestry(&app.db, village).await?.into_iter().map(|r| r.key).collect(),
        None => Vec::new(),
    };
    let topics = store::ordered_topics(&app.db, person.user_id).await?;
    let lessons = store::candidates(&app.db).await?;
    let readings = store::readings_of(&app.db, person.user_id).await?;
    let past: Vec<Past> = readings
        .iter()
        .map(|r| Past {
            reading_id: r.id,
            lesson_id: r.lesson_id,
            finished_year: r.finished_at.map(|t| year_of(tz, t)),
        })
        .collect();
    let mut choice = Choice { pick: Pick::Nothing, readings, lessons, past, regions, topics, year };
    choice.pick = pick(&choice.learner(person), &choice.lessons, &choice.past);
    Ok(choice)
}

/// The next lesson for the person (one begun first), at its current step; a new reading begins now.
pub async fn open_next(app: &App, person: &Person) -> anyhow::Result<Opened> {
    let Choice { pick, readings, .. } = choose_next(app, person).await?;
    match pick {
        Pick::Nothing => Ok(Opened::NothingLeft),
        Pick::Resume { reading_id, lesson_id } => {
            let Some(stored) = store::lesson(&app.db, lesson_id).await? else { return Ok(Opened::NothingLeft) };
            let at = readings.iter().find(|r| r.id == reading_id).map(|r| r.step).unwrap_or(Step::START);
            let at = stored.lesson.shape().normalize(at);
            let view = view_at(app, person, &stored, reading_id, at, None).await?;
            Ok(Opened::Show { view, resumed: true })
        }
        Pick::Start { lesson_id } => {
            let Some(stored) = store::lesson(&app.db, lesson_id).await? else { return Ok(Opened::NothingLeft) };
            let mut tx = app.db.begin_write().await?;
            let reading_id = store::start_reading(&mut tx, person.user_id, lesson_id, SOURCE_MENU, app.now()).await?;
            tx.commit().await?;
            let start = stored.lesson.shape().normalize(Step::START);
            let view = view_at(app, person, &stored, reading_id, start, None).await?;
            Ok(Opened::Show { view, resumed: false })
        }
    }
}

/// What the person sees at `at` of a reading (`earned`: what finishing just earned, at the end).
pub(crate) async fn view_at(
    app: &App,
    person: &Person,
    stored: &StoredLesson,
    reading_id: i64,
    at: Step,
    earned: Option<Credits>,
) -> anyhow::Result<View> {
    let lang = person.lang;
    let lesson = &stored.lesson;
    let title = lesson.title_in(lang).to_owned();
    Ok(match at {
        Step::Card(i) => {
            let card = &lesson.cards[i];
            let (media, voice) = stored.media.get(i).cloned().unwrap_or((None, None));
            View::Card(CardView {
                reading_id,
                title,
                index: i,
                total: lesson.cards.len(),
                text: card.text_in(lang).map(str::to_owned),
                media: media.as_ref().map(Media::from),
                has_voice: voice.is_some(),
            })
        }
        Step::Question(i) => {
            let q = &lesson.questions[i];
            View::Question(QuestionView {
                reading_id,
                title,
                index: i,
                total: lesson.questions.len(),
                text: q.text_in(lang).to_owned(),
                options: q.options_in(lang).to_vec(),
            })
        }
        Step::Done => {
            let credits_person = person.trainee && lesson.credits_for(person.audience) > Credits::ZERO;
            let year_total = if credits_person || earned.is_some() {
                let (_, year) = year_now(app, person).await?;
                let total = store::credits_of(&app.db, person.user_id, Some(year))
                    .await?
                    .iter()
                    .fold(Credits::ZERO, |sum, c| sum + Credits::from_tenths(c.credits_tenths));
                Some((year, total))
            } else {
                None
            };
            View::Finished(FinishedView {
                title,
                lessons_done: store::finished_lessons(&app.db, person.user_id).await?,
                streak: crate::services::lesson_daily::streak_of(app, person).await?,
                earned,
                year_total,
            })
        }
    })
}

/// A button on a reading's message: "下一页", "🔊 听语音", or an answer. Checked against the reading as
/// stored: the presser's own, at that card or question.
pub async fn press(app: &App, person: &Person, reading_id: i64, input: Input) -> anyhow::Result<Pressed> {
    // A reading that is not theirs and one that does not exist are answered alike.
    let Some(reading) = store::reading(&app.db, reading_id).await?.filter(|r| r.user_id == person.user_id) else {
        return Ok(Pressed::NotYours);
    };
    let Some(stored) = store::lesson(&app.db, reading.lesson_id).await? else {
        return Ok(Pressed::Refused(Refusal::Unknown));
    };
    let lesson = &stored.lesson;
    let moved = match step(&lesson.shape(), reading.step, input) {
        Ok(moved) => moved,
        Err(refusal) => return Ok(Pressed::Refused(refusal)),
    };
    let lang = person.lang;
    let now = app.now();
    let feedback = match moved.effect {
        Effect::Play { card } => {
            let Some(media) = stored.media.get(card).and_then(|(_, voice)| voice.as_ref()) else {
                return Ok(Pressed::Refused(Refusal::NoVoice));
            };
            return Ok(Pressed::Play {
                media: Media::from(media),
                title: lesson.title_in(lang).to_owned(),
                index: card,
                total: lesson.cards.len(),
            });
        }
        Effect::Show => None,
        Effect::Answered { question, choice, correct } => {
            let q = &lesson.questions[question];
            Some((
                question,
                q.id,
                choice,
                correct,
                Feedback {
                    correct,
                    right: q.options_in(lang).get(q.answer).cloned().unwrap_or_default(),
                    explanation: q.explanation_in(lang).to_owned(),
                },
            ))
        }
    };

    let mut tx = app.db.begin_write().await?;
    if !store::move_reading(&mut tx, reading.id, reading.step, moved.to, now).await? {
        // Another press of the same button got there first.
        tx.rollback().await?;
        return Ok(Pressed::Refused(Refusal::Passed));
    }
    if let Some((question, question_id, choice, correct, _)) = &feedback {
        store::record_answer(&mut tx, reading.id, *question, *question_id, *choice, *correct, now).await?;
    }
    let mut earned = None;
    if moved.to == Step::Done {
        let credits = if person.trainee { lesson.credits_for(person.audience) } else { Credits::ZERO };
        if credits > Credits::ZERO {
            let (_, year) = year_now(app, person).await?;
            let new = store::award_credit(&mut tx, person.user_id, lesson.id, year, credits, reading.id, now).await?;
            earned = new.then_some(credits);
        }
    }
    tx.commit().await?;
    let view = view_at(app, person, &stored, reading.id, moved.to, earned).await?;
    Ok(Pressed::Moved { feedback: feedback.map(|(_, _, _, _, f)| f), view })
}

/// The check question the person is being asked now, if any (to take a typed option as its answer).
pub async fn current_question(app: &App, person: &Person) -> anyhow::Result<Option<QuestionView>> {
    let readings = store::readings_of(&app.db, person.user_id).await?;
    let Some(reading) =
        readings.iter().filter(|r| r.finished_at.is_none() && matches!(r.step, Step::Question(_))).max_by_key(|r| r.id)
    else {
        return Ok(None);
    };
    let Some(stored) = store::lesson(&app.db, reading.lesson_id).await? else { return Ok(None) };
    let at = stored.lesson.shape().normalize(reading.step);
    Ok(match view_at(app, person, &stored, reading.id, at, None).await? {
        View::Question(q) => Some(q),
        _ => None,
    })
}

/// Whether the person is in the middle of a lesson (a reading begun and not finished).
pub async fn reading_open(app: &App, person: &Person) -> anyhow::Result<bool> {
    Ok(store::readings_of(&app.db, person.user_id).await?.iter().any(|r| r.finished_at.is_none()))
}

/// The bytes of a media file, for its first upload.
pub async fn media_bytes(app: &App, media_id: i64) -> anyhow::Result<Option<Vec<u8>>> {
    Ok(store::media_content(&app.db, media_id).await?)
}

/// Keeps the file id Telegram returned for an uploaded media file: later sends reuse it.
pub async fn remember_file_id(app: &App, media_id: i64, file_id: &str) -> anyhow::Result<()> {
    Ok(store::set_file_id(&app.db, media_id, file_id, app.now()).await?)
}

/// A cadre's lesson credits of one calendar year, with the lesson titles in `lang`: (title, credits,
/// when earned).
pub async fn credits_of_year(
    app: &App,
    person: &Person,
    year: i32,
    lang: Lang,
) -> anyhow::Result<Vec<(String, Credits, DateTime<Utc>)>> {
    Ok(store::credits_of(&app.db, person.user_id, Some(year))
        .await?
        .into_iter()
        .map(|c| (c.title_in(lang).to_owned(), Credits::from_tenths(c.credits_tenths), c.earned_at))
        .collect())
}
