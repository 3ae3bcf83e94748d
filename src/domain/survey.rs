//! Follow-up surveys (跟踪问效): the waves, the questions of each (GUIDE.md section 4), the typed
//! answers, and the answering dialog as a pure state machine.
//!
//! Baseline and follow-ups ask the same core (household size, household net income of the last 12
//! months, employment, main income source) so they pair; follow-ups add use of what was learned,
//! industry and a job through referral; the feedback wave (at completion) asks two 1–5 ratings and an
//! optional comment. "Prefer not to say" is an answer to every question.

use serde::{Deserialize, Serialize};

/// One survey a person is asked: the baseline (once per person), a follow-up some months after a
/// course, or the course feedback at completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Wave {
    Baseline,
    /// Months after the course ended.
    Followup(u8),
    Feedback,
}

impl Wave {
    pub fn as_str(self) -> String {
        match self {
            Wave::Baseline => "baseline".to_owned(),
            Wave::Followup(m) => format!("m{m}"),
            Wave::Feedback => "feedback".to_owned(),
        }
    }

    pub fn parse(s: &str) -> Option<Wave> {
        match s {
            "baseline" => Some(Wave::Baseline),
            "feedback" => Some(Wave::Feedback),
            _ => {
                let months: u8 = s.strip_prefix('m')?.parse().ok()?;
                (1..=60).contains(&months).then_some(Wave::Followup(months))
            }
        }
    }

    /// The questions of this wave for an attendee, in the order they are asked.
    pub fn questions(self) -> &'static [Question] {
        self.questions_of(Cohort::Attendee)
    }

    /// The questions of this wave for `cohort`: a follow-up of someone who never came to the course
    /// asks the household and the industry, and nothing about a course they did not take.
    pub fn questions_of(self, cohort: Cohort) -> &'static [Question] {
        use Question::*;
        match (self, cohort) {
            (Wave::Baseline, _) => &[HouseholdSize, Income, Employment, MainSource],
            (Wave::Followup(_), Cohort::Attendee) => {
                &[HouseholdSize, Income, Employment, MainSource, UsedLearning, Industry, ReferralJob]
            }
            (Wave::Followup(_), Cohort::Comparison) => &[HouseholdSize, Income, Employment, MainSource, Industry],
            (Wave::Feedback, _) => &[Usefulness, TrainerStars, Comment],
        }
    }
}

/// Whom a follow-up asks: someone who came to the course, or someone who ordered it, answered the
/// baseline and never came (no-show or cancelled). The second are the comparison group of
/// `/outcomes`: their household changes too, without the course.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Cohort {
    #[default]
    Attendee,
    Comparison,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Question {
    /// 家庭人口, 1–20.
    HouseholdSize,
    /// 家庭年纯收入, yuan, last 12 months.
    Income,
    Employment,
    MainSource,
    UsedLearning,
    Industry,
    ReferralJob,
    /// 1–5 stars: was the course useful.
    Usefulness,
    /// 1–5 stars: the trainer.
    TrainerStars,
    /// Free text, optional.
    Comment,
}

impl Question {
    pub const ALL: [Question; 10] = [
        Question::HouseholdSize,
        Question::Income,
        Question::Employment,
        Question::MainSource,
        Question::UsedLearning,
        Question::Industry,
        Question::ReferralJob,
        Question::Usefulness,
        Question::TrainerStars,
        Question::Comment,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Question::HouseholdSize => "household_size",
            Question::Income => "income",
            Question::Employment => "employment",
            Question::MainSource => "main_source",
            Question::UsedLearning => "used_learning",
            Question::Industry => "industry",
            Question::ReferralJob => "referral_job",
            Question::Usefulness => "usefulness",
            Question::TrainerStars => "trainer_stars",
            Question::Comment => "comment",
        }
    }

    pub fn parse(s: &str) -> Option<Question> {
        Question::ALL.into_iter().find(|q| q.as_str() == s)
    }

    /// The short code used in callback data.
    pub fn code(self) -> u8 {
        Question::ALL.iter().position(|q| *q == self).unwrap_or(0) as u8
    }

    pub fn from_code(code: u8) -> Option<Question> {
        Question::ALL.get(usize::from(code)).copied()
    }

    /// The choices offered as buttons, by code; empty for questions answered only by typing.
    pub fn choices(self) -> &'static [&'static str] {
        match self {
            // Household size: buttons for the usual sizes; larger households type the number.
            Question::HouseholdSize => &["1", "2", "3", "4", "5", "6", "7", "8"],
            Question::Income | Question::Comment => &[],
            Question::Employment => Employment::CODES,
            Question::MainSource => IncomeSource::CODES,
            Question::UsedLearning => Usage::CODES,
            Question::Industry => Industry::CODES,
            Question::ReferralJob => &["yes", "no"],
            Question::Usefulness | Question::TrainerStars => &["1", "2", "3", "4", "5"],
        }
    }
}

/// An enum stored and exported by a short code: `ALL`, `CODES`, `as_str` and `parse`.
macro_rules! coded_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub const CODES: &'static [&'static str] = &[$($code),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s { $($code => Some($name::$variant),)+ _ => None }
            }
        }
    };
}
pub(crate) use coded_enum;

coded_enum!(
    /// 务农 / 本地务工 / 外出务工 / 自主创业 / 公益岗位 / 未就业.
    Employment {
        Farming = "farming",
        LocalWork = "local_work",
        MigrantWork = "migrant_work",
        OwnBusiness = "own_business",
        PublicJob = "public_job",
        Unemployed = "unemployed",
    }
);

coded_enum!(
    /// Main source of household income.
    IncomeSource {
        Crops = "crops",
        Livestock = "livestock",
        Wages = "wages",
        Business = "business",
        Transfers = "transfers",
        Other = "other",
    }
);

coded_enum!(
    /// Used what was learned: 经常 / 有时 / 没有.
    Usage {
        Often = "often",
        Sometimes = "sometimes",
        Never = "never",
    }
);

coded_enum!(
    /// The household's industry since the course: 新办 / 扩大 / 不变 / 缩小.
    Industry {
        Started = "started",
        Expanded = "expanded",
        Unchanged = "unchanged",
        Shrunk = "shrunk",
    }
);

impl Employment {
    /// Working in any form (everything but 未就业).
    pub fn is_employed(self) -> bool {
        self != Employment::Unemployed
    }
}

impl Industry {
    pub fn started_or_expanded(self) -> bool {
        matches!(self, Industry::Started | Industry::Expanded)
    }
}

/// An answer, or "prefer not to say".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reply<T> {
    Given(T),
    Declined,
}

impl<T> Reply<T> {
    pub fn given(&self) -> Option<&T> {
        match self {
            Reply::Given(v) => Some(v),
            Reply::Declined => None,
        }
    }
}

/// What is stored for one question: a number (household size, yuan, stars), a choice code, or text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Value {
    Number(i64),
    Choice(String),
    Text(String),
}

/// Longest comment kept (characters).
pub const MAX_COMMENT: usize = 500;
/// Plausible household sizes.
pub const HOUSEHOLD_SIZES: std::ops::RangeInclusive<i64> = 1..=20;

/// Where an answering dialog stands: which survey, which question, and (for an income that looked
/// implausible) the value waiting to be confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyStep {
    pub survey_id: i64,
    pub wave: Wave,
    /// Dialogs saved before cohorts existed were all of attendees.
    #[serde(default)]
    pub cohort: Cohort,
    pub question: Question,
    /// An income read back for confirmation ("您填的是 50 万元，对吗？").
    pub confirming: Option<i64>,
    /// For the plausibility check of an income: this survey's household size and the baseline income.
    pub household_size: Option<i64>,
    pub baseline_income: Option<i64>,
}

/// What the person did, already decoded; buttons name their survey and question so an old button is
/// told apart from the current one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Text(String),
    Choice {
        survey_id: i64,
        question: Question,
        code: String,
    },
    Decline {
        survey_id: i64,
        question: Question,
    },
    /// Yes or no to the income `yuan` read back: the button names the amount it confirms, so a button
    /// of an older read-back (a different amount) is stale.
    ConfirmIncome {
        survey_id: i64,
        yuan: i64,
        yes: bool,
    },
    /// A sticker, photo, voice note…
    Unsupported,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Not a number we can read; carries why, for the example shown.
    Number(crate::domain::income::IncomeError),
    HouseholdSize,
    CommentTooLong,
    UseButtons,
    /// The read-back income was wrong: type it again.
    Retype,
    /// A button of another question or survey.
    Stale,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Store this answer; then the service asks the next unanswered question.
    Save(Question, Reply<Value>),
    /// Read the income back before saving it.
    Confirm(SurveyStep),
    Reask(SurveyStep, Problem),
}

impl SurveyStep {
    /// The questions of this step's survey, in the order they are asked.
    pub fn questions(&self) -> &'static [Question] {
        self.wave.questions_of(self.cohort)
    }

    pub fn step(self, input: Input) -> Outcome {
        use crate::domain::income::{self, Plausibility};
        let ours = |id: i64, q: Question| id == self.survey_id && q == self.question;
        match input {
            Input::ConfirmIncome { survey_id, yuan, yes } => match self.confirming {
                Some(value) if survey_id == self.survey_id && value == yuan => {
                    if yes {
                        Outcome::Save(Question::Income, Reply::Given(Value::Number(value)))
                    } else {
                        Outcome::Reask(SurveyStep { confirming: None, ..self }, Problem::Retype)
                    }
                }
                _ => Outcome::Reask(self, Problem::Stale),
            },
            Input::Decline { survey_id, question } if ours(survey_id, question) => {
                Outcome::Save(question, Reply::Declined)
            }
            Input::Choice { survey_id, question, code } if ours(survey_id, question) => {
                if question.choices().contains(&code.as_str()) {
                    let value = match question {
                        Question::Usefulness | Question::TrainerStars | Question::HouseholdSize => match code.parse() {
                            Ok(n) => Value::Number(n),
                            Err(_) => return Outcome::Reask(self, Problem::Stale),
                        },
                        _ => Value::Choice(code),
                    };
                    Outcome::Save(question, Reply::Given(value))
                } else {
                    Outcome::Reask(self, Problem::Stale)
                }
            }
            Input::Choice { .. } | Input::Decline { .. } => Outcome::Reask(self, Problem::Stale),
            Input::Text(text) => {
                let text = text.trim();
                match self.question {
                    Question::HouseholdSize => match parse_household_size(text) {
                        Some(n) => Outcome::Save(Question::HouseholdSize, Reply::Given(Value::Number(n))),
                        None => Outcome::Reask(self, Problem::HouseholdSize),
                    },
                    // Typing a number while one is being read back replaces it (a correction, not a
                    // stray message).
                    Question::Income => match income::parse_yuan(text) {
                        Ok(yuan) => match income::plausibility(yuan, self.household_size, self.baseline_income) {
                            Plausibility::Fine => Outcome::Save(Question::Income, Reply::Given(Value::Number(yuan))),
                            _ => Outcome::Confirm(SurveyStep { confirming: Some(yuan), ..self }),
                        },
                        Err(e) => Outcome::Reask(SurveyStep { confirming: None, ..self }, Problem::Number(e)),
                    },
                    Question::Comment => {
                        let text = crate::domain::text::clean(text, true);
                        let text = text.trim();
                        if text.chars().count() > MAX_COMMENT {
                            Outcome::Reask(self, Problem::CommentTooLong)
                        } else if text.is_empty() {
                            Outcome::Reask(self, Problem::UseButtons)
                        } else {
                            Outcome::Save(Question::Comment, Reply::Given(Value::Text(text.to_owned())))
                        }
                    }
                    _ => Outcome::Reask(self, Problem::UseButtons),
                }
            }
            Input::Unsupported => Outcome::Reask(self, Problem::UseButtons),
        }
    }
}

/// "5", "５", "5口", "5 口人", "五口人": a household size from 1 to 20.
pub fn parse_household_size(text: &str) -> Option<i64> {
    let core = text.trim().trim_end_matches(['人', '口']).trim(); // parser data
    let n = crate::domain::income::parse_yuan(core).ok()?;
    HOUSEHOLD_SIZES.contains(&n).then_some(n)
}

/// The first question of `wave` for `cohort` not yet answered.
pub fn next_question(wave: Wave, cohort: Cohort, answered: &[Question]) -> Option<Question> {
    wave.questions_of(cohort).iter().copied().find(|q| !answered.contains(q))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::income::IncomeError;

    fn at(question: Question) -> SurveyStep {
        SurveyStep {
            survey_id: 7,
            wave: Wave::Followup(3),
            cohort: Cohort::Attendee,
            question,
            confirming: None,
            household_size: Some(4),
            baseline_income: Some(30_000),
        }
    }

    #[test]
    fn waves_and_questions_round_trip_through_their_codes() {
        for wave in [Wave::Baseline, Wave::Followup(3), Wave::Followup(12), Wave::Feedback] {
            assert_eq!(Wave::parse(&wave.as_str()), Some(wave));
        }
        assert_eq!(Wave::parse("m0"), None);
        assert_eq!(Wave::parse("m61"), None);
        for q in Question::ALL {
            assert_eq!(Question::parse(q.as_str()), Some(q));
            assert_eq!(Question::from_code(q.code()), Some(q));
        }
        assert_eq!(Employment::parse("farming"), Some(Employment::Farming));
        assert_eq!(Industry::parse("bigger"), None);
    }

    #[test]
    fn follow_ups_repeat_the_baseline_core_so_they_pair() {
        let core = Wave::Baseline.questions();
        assert_eq!(&Wave::Followup(6).questions()[..core.len()], core);
        assert_eq!(next_question(Wave::Baseline, Cohort::Attendee, &[Question::HouseholdSize]), Some(Question::Income));
        assert_eq!(next_question(Wave::Baseline, Cohort::Attendee, core), None);
        // Someone who never came is not asked about the course: after the industry, nothing.
        let asked = [core, &[Question::Industry]].concat();
        assert_eq!(next_question(Wave::Followup(3), Cohort::Comparison, &asked), None);
        assert_eq!(next_question(Wave::Followup(3), Cohort::Attendee, &asked), Some(Question::UsedLearning));
    }

    #[test]
    fn a_typed_income_is_saved_in_yuan() {
        assert_eq!(
            at(Question::Income).step(Input::Text(" 3.5万元 ".into())),
            Outcome::Save(Question::Income, Reply::Given(Value::Number(35_000)))
        );
    }

    #[test]
    fn nonsense_where_a_number_belongs_is_asked_again_and_nothing_saved() {
        let Outcome::Reask(step, Problem::Number(IncomeError::NotANumber)) =
            at(Question::Income).step(Input::Text("很多".into()))
        else {
            panic!()
        };
        assert_eq!(step, at(Question::Income));
        assert!(matches!(at(Question::Income).step(Input::Unsupported), Outcome::Reask(_, Problem::UseButtons)));
    }

    #[test]
    fn an_income_far_from_the_baseline_is_read_back_before_saving() {
        let Outcome::Confirm(step) = at(Question::Income).step(Input::Text("50万".into())) else { panic!() };
        assert_eq!(step.confirming, Some(500_000));
        assert_eq!(
            step.clone().step(Input::ConfirmIncome { survey_id: 7, yuan: 500_000, yes: true }),
            Outcome::Save(Question::Income, Reply::Given(Value::Number(500_000)))
        );
        let Outcome::Reask(again, Problem::Retype) =
            step.step(Input::ConfirmIncome { survey_id: 7, yuan: 500_000, yes: false })
        else {
            panic!()
        };
        assert_eq!(again.confirming, None);
    }

    #[test]
    fn a_number_typed_during_a_read_back_replaces_it() {
        let Outcome::Confirm(step) = at(Question::Income).step(Input::Text("50万".into())) else { panic!() };
        assert_eq!(
            step.clone().step(Input::Text("5万".into())),
            Outcome::Save(Question::Income, Reply::Given(Value::Number(50_000)))
        );
        let Outcome::Reask(again, Problem::Number(_)) = step.step(Input::Text("很多".into())) else { panic!() };
        assert_eq!(again.confirming, None);
    }

    #[test]
    fn a_confirmation_button_without_a_read_back_is_stale() {
        assert!(matches!(
            at(Question::Income).step(Input::ConfirmIncome { survey_id: 7, yuan: 30_000, yes: true }),
            Outcome::Reask(_, Problem::Stale)
        ));
    }

    #[test]
    fn the_button_of_an_older_read_back_confirms_nothing() {
        // "50万" is read back, then "60万" is typed: the buttons under the first read-back are old.
        let Outcome::Confirm(first) = at(Question::Income).step(Input::Text("50万".into())) else { panic!() };
        let Outcome::Confirm(second) = first.step(Input::Text("60万".into())) else { panic!() };
        assert_eq!(second.confirming, Some(600_000));
        for yes in [true, false] {
            let old = Input::ConfirmIncome { survey_id: 7, yuan: 500_000, yes };
            assert_eq!(second.clone().step(old), Outcome::Reask(second.clone(), Problem::Stale));
        }
        assert_eq!(
            second.step(Input::ConfirmIncome { survey_id: 7, yuan: 600_000, yes: true }),
            Outcome::Save(Question::Income, Reply::Given(Value::Number(600_000)))
        );
    }

    #[test]
    fn buttons_of_another_question_or_survey_are_stale() {
        let other_question = Input::Choice { survey_id: 7, question: Question::Industry, code: "started".into() };
        assert!(matches!(at(Question::Employment).step(other_question), Outcome::Reask(_, Problem::Stale)));
        let other_survey = Input::Choice { survey_id: 8, question: Question::Employment, code: "farming".into() };
        assert!(matches!(at(Question::Employment).step(other_survey), Outcome::Reask(_, Problem::Stale)));
        let unknown = Input::Choice { survey_id: 7, question: Question::Employment, code: "astronaut".into() };
        assert!(matches!(at(Question::Employment).step(unknown), Outcome::Reask(_, Problem::Stale)));
    }

    #[test]
    fn choices_stars_and_prefer_not_to_say_are_saved() {
        assert_eq!(
            at(Question::Employment).step(Input::Choice {
                survey_id: 7,
                question: Question::Employment,
                code: "migrant_work".into()
            }),
            Outcome::Save(Question::Employment, Reply::Given(Value::Choice("migrant_work".into())))
        );
        assert_eq!(
            at(Question::Usefulness).step(Input::Choice {
                survey_id: 7,
                question: Question::Usefulness,
                code: "4".into()
            }),
            Outcome::Save(Question::Usefulness, Reply::Given(Value::Number(4)))
        );
        assert_eq!(
            at(Question::Income).step(Input::Decline { survey_id: 7, question: Question::Income }),
            Outcome::Save(Question::Income, Reply::Declined)
        );
    }

    #[test]
    fn household_size_by_button_or_typed_within_one_to_twenty() {
        assert_eq!(
            at(Question::HouseholdSize).step(Input::Choice {
                survey_id: 7,
                question: Question::HouseholdSize,
                code: "5".into()
            }),
            Outcome::Save(Question::HouseholdSize, Reply::Given(Value::Number(5)))
        );
        for (typed, size) in
            [("10", Some(10)), ("五口人", Some(5)), ("１２口", Some(12)), ("0", None), ("21", None), ("很多", None)]
        {
            assert_eq!(parse_household_size(typed), size, "{typed}");
        }
        assert!(matches!(
            at(Question::HouseholdSize).step(Input::Text("30".into())),
            Outcome::Reask(_, Problem::HouseholdSize)
        ));
    }

    #[test]
    fn a_comment_is_kept_within_its_limit_and_choices_want_buttons() {
        assert_eq!(
            at(Question::Comment).step(Input::Text("希望多讲病虫害".into())),
            Outcome::Save(Question::Comment, Reply::Given(Value::Text("希望多讲病虫害".into())))
        );
        assert!(matches!(
            at(Question::Comment).step(Input::Text("字".repeat(MAX_COMMENT + 1))),
            Outcome::Reask(_, Problem::CommentTooLong)
        ));
        assert!(matches!(
            at(Question::Industry).step(Input::Text("扩大".into())),
            Outcome::Reask(_, Problem::UseButtons)
        ));
    }
}
