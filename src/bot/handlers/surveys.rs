//! Answering a survey, one question per message: buttons wherever a choice is possible, an example
//! beside anything typed, "prefer not to say" under every question. Buttons are checked against
//! storage (the survey must be the presser's, open, and at that question); typed text goes to the
//! question the dialog state names.

use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use crate::bot::context::{Ctx, Incoming};
use crate::bot::keyboards::{self, button};
use crate::domain::callback::Cb;
use crate::domain::dialog::State;
use crate::domain::income::IncomeError;
use crate::domain::person::Person;
use crate::domain::survey::{Cohort, Input, Outcome, Problem, Question, SurveyStep, Wave};
use crate::i18n::Lang;
use crate::services::surveys::{self, Answered, Begin};
use crate::tr;

pub fn choice_label(lang: Lang, question: Question, code: &str) -> String {
    match (question, code) {
        (Question::HouseholdSize, n) => n.to_owned(),
        (Question::Usefulness | Question::TrainerStars, n) => "⭐".repeat(n.parse().unwrap_or(1)),
        (Question::ReferralJob, "yes") => tr!(lang, "survey-choice-yes"),
        (Question::ReferralJob, _) => tr!(lang, "survey-choice-no"),
        (_, "farming") => tr!(lang, "survey-choice-farming"),
        (_, "local_work") => tr!(lang, "survey-choice-local-work"),
        (_, "migrant_work") => tr!(lang, "survey-choice-migrant-work"),
        (_, "own_business") => tr!(lang, "survey-choice-own-business"),
        (_, "public_job") => tr!(lang, "survey-choice-public-job"),
        (_, "unemployed") => tr!(lang, "survey-choice-unemployed"),
        (_, "crops") => tr!(lang, "survey-choice-crops"),
        (_, "livestock") => tr!(lang, "survey-choice-livestock"),
        (_, "wages") => tr!(lang, "survey-choice-wages"),
        (_, "business") => tr!(lang, "survey-choice-business"),
        (_, "transfers") => tr!(lang, "survey-choice-transfers"),
        (_, "often") => tr!(lang, "survey-choice-often"),
        (_, "sometimes") => tr!(lang, "survey-choice-sometimes"),
        (_, "never") => tr!(lang, "survey-choice-never"),
        (_, "started") => tr!(lang, "survey-choice-started"),
        (_, "expanded") => tr!(lang, "survey-choice-expanded"),
        (_, "unchanged") => tr!(lang, "survey-choice-unchanged"),
        (_, "shrunk") => tr!(lang, "survey-choice-shrunk"),
        _ => tr!(lang, "survey-choice-other"),
    }
}

fn question_text(lang: Lang, question: Question) -> String {
    match question {
        Question::HouseholdSize => tr!(lang, "survey-q-household-size"),
        Question::Income => tr!(lang, "survey-q-income"),
        Question::Employment => tr!(lang, "survey-q-employment"),
        Question::MainSource => tr!(lang, "survey-q-main-source"),
        Question::UsedLearning => tr!(lang, "survey-q-used-learning"),
        Question::Industry => tr!(lang, "survey-q-industry"),
        Question::ReferralJob => tr!(lang, "survey-q-referral-job"),
        Question::Usefulness => tr!(lang, "survey-q-usefulness"),
        Question::TrainerStars => tr!(lang, "survey-q-trainer-stars"),
        Question::Comment => tr!(lang, "survey-q-comment"),
    }
}

/// 50000 → "50,000": a long number read back is easier to check in groups.
pub fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// Asks the question `step` stands at (or reads an income back for confirmation).
pub async fn ask(ctx: &Ctx, lang: Lang, step: &SurveyStep) -> anyhow::Result<()> {
    let survey = step.survey_id;
    if let Some(yuan) = step.confirming {
        let rows = vec![vec![
            button(tr!(lang, "btn-survey-income-right"), Cb::SurveyConfirm { survey, yuan, yes: true }),
            button(tr!(lang, "btn-survey-income-retype"), Cb::SurveyConfirm { survey, yuan, yes: false }),
        ]];
        let text = tr!(lang, "survey-income-readback", yuan = grouped(yuan));
        return ctx.say_with(text, InlineKeyboardMarkup::new(rows)).await;
    }
    let question = step.question;
    let questions = step.questions();
    let position = questions.iter().position(|q| *q == question).unwrap_or(0) + 1;
    let mut text = tr!(lang, "survey-progress", position = position, total = questions.len());
    text.push('\n');
    // Someone who never came is asked about the same time span, not about "after the training".
    let asked = match (step.cohort, question) {
        (Cohort::Comparison, Question::Industry) => tr!(lang, "survey-q-industry-comparison"),
        _ => question_text(lang, question),
    };
    text.push_str(&asked);
    let choices: Vec<InlineKeyboardButton> = question
        .choices()
        .iter()
        .enumerate()
        .map(|(i, code)| {
            button(choice_label(lang, question, code), Cb::SurveyChoice { survey, question, choice: i as u8 })
        })
        .collect();
    let per_row = match question {
        Question::HouseholdSize => 4,
        Question::Usefulness | Question::TrainerStars => 1,
        _ => 2,
    };
    let mut rows: Vec<Vec<InlineKeyboardButton>> = choices.chunks(per_row).map(|c| c.to_vec()).collect();
    let decline =
        if question == Question::Comment { tr!(lang, "btn-survey-skip") } else { tr!(lang, "btn-survey-decline") };
    rows.push(vec![button(decline, Cb::SurveyDecline { survey, question })]);
    ctx.say_with(text, InlineKeyboardMarkup::new(rows)).await
}

fn problem_text(lang: Lang, question: Question, problem: Problem) -> String {
    match problem {
        Problem::Number(IncomeError::Range) => tr!(lang, "survey-income-range"),
        Problem::Number(IncomeError::Negative) => tr!(lang, "survey-income-negative"),
        Problem::Number(IncomeError::TooLarge) => tr!(lang, "survey-income-too-large"),
        Problem::Number(_) => tr!(lang, "survey-income-not-number"),
        Problem::HouseholdSize => tr!(lang, "survey-household-size-invalid"),
        Problem::CommentTooLong => {
            tr!(lang, "survey-comment-too-long", limit = crate::domain::survey::MAX_COMMENT)
        }
        Problem::Retype => tr!(lang, "survey-income-retype"),
        Problem::UseButtons if question == Question::Income => tr!(lang, "survey-income-not-number"),
        Problem::UseButtons | Problem::Stale => tr!(lang, "survey-use-buttons"),
    }
}

/// In [`State::Surveying`]: something typed or sent.
pub async fn handle(ctx: Ctx, step: SurveyStep) -> anyhow::Result<()> {
    let Some(person) = ctx.person.clone() else {
        ctx.set_state(State::Idle).await?;
        return super::menu::handle(ctx).await;
    };
    let input = match &ctx.incoming {
        Incoming::Text(t) => Input::Text(t.clone()),
        Incoming::Callback(_) => return ctx.answer_stale().await,
        _ => Input::Unsupported,
    };
    apply(&ctx, &person, step, input).await
}

/// Survey buttons, in any dialog state.
pub async fn callback(ctx: Ctx, cb: Cb) -> anyhow::Result<()> {
    let Some(person) = ctx.person.clone() else { return ctx.answer_stale().await };
    let lang = person.lang;
    let survey = match &cb {
        Cb::SurveyStart(id) | Cb::SurveyLater(id) => *id,
        Cb::SurveyChoice { survey, .. } | Cb::SurveyDecline { survey, .. } | Cb::SurveyConfirm { survey, .. } => {
            *survey
        }
        _ => return ctx.answer_stale().await,
    };
    // Every survey button names a survey: it must be the presser's (no such survey looks the same).
    if !crate::services::access::owns_survey(&ctx.app, &person, survey).await? {
        return crate::bot::access::refuse(&ctx, "survey button of a survey not theirs").await;
    }
    if let Cb::SurveyLater(_) = cb {
        ctx.retire_pressed_keyboard().await;
        ctx.answer(None).await?;
        if matches!(&ctx.state, State::Surveying(s) if s.survey_id == survey) {
            ctx.set_state(State::Idle).await?;
        }
        return ctx.say_with(tr!(lang, "survey-later"), keyboards::main_menu(&person)).await;
    }
    // Where the survey stands: the dialog's step when it is this survey's, else storage's.
    let step = match &ctx.state {
        State::Surveying(s) if s.survey_id == survey => s.clone(),
        _ => match surveys::begin(&ctx.app, &person, survey).await? {
            Begin::Ask(step) => step,
            Begin::AlreadyDone => {
                ctx.retire_pressed_keyboard().await;
                return ctx.answer(Some(tr!(lang, "survey-already-done"))).await;
            }
            Begin::Closed => {
                ctx.retire_pressed_keyboard().await;
                return ctx.answer(Some(tr!(lang, "survey-closed"))).await;
            }
            Begin::NotYours => return crate::bot::access::refuse(&ctx, "survey button of a survey not theirs").await,
        },
    };
    let input = match cb {
        Cb::SurveyStart(_) => {
            ctx.retire_pressed_keyboard().await;
            ctx.answer(None).await?;
            ctx.set_state(State::Surveying(step.clone())).await?;
            return ask(&ctx, lang, &step).await;
        }
        Cb::SurveyChoice { survey, question, choice } => match question.choices().get(usize::from(choice)) {
            Some(code) => Input::Choice { survey_id: survey, question, code: (*code).to_owned() },
            None => return ctx.answer_stale().await,
        },
        Cb::SurveyDecline { survey, question } => Input::Decline { survey_id: survey, question },
        Cb::SurveyConfirm { survey, yuan, yes } => Input::ConfirmIncome { survey_id: survey, yuan, yes },
        _ => return ctx.answer_stale().await,
    };
    apply(&ctx, &person, step, input).await
}

async fn apply(ctx: &Ctx, person: &Person, step: SurveyStep, input: Input) -> anyhow::Result<()> {
    let lang = person.lang;
    let pressed = match &input {
        Input::Choice { question, .. } | Input::Decline { question, .. } => Some(*question),
        _ => None,
    };
    let old_read_back = matches!(&input, Input::ConfirmIncome { .. });
    match step.clone().step(input) {
        Outcome::Save(question, reply) => {
            let result = surveys::answer(&ctx.app, person, step.survey_id, question, reply).await?;
            match result {
                Answered::Next(next) => {
                    ctx.retire_pressed_keyboard().await;
                    ctx.answer(None).await?;
                    ctx.set_state(State::Surveying(next.clone())).await?;
                    ask(ctx, lang, &next).await
                }
                Answered::Finished(wave) => {
                    ctx.retire_pressed_keyboard().await;
                    ctx.answer(None).await?;
                    ctx.set_state(State::Idle).await?;
                    let thanks = match wave {
                        Wave::Feedback => tr!(lang, "survey-feedback-thanks"),
                        _ => tr!(lang, "survey-thanks"),
                    };
                    ctx.say_with(thanks, keyboards::main_menu(person)).await
                }
                Answered::AlreadyAnswered => ctx.answer(Some(tr!(lang, "survey-already-answered"))).await,
                Answered::Closed => {
                    ctx.retire_pressed_keyboard().await;
                    ctx.answer(None).await?;
                    ctx.set_state(State::Idle).await?;
                    ctx.say_with(tr!(lang, "survey-closed"), keyboards::main_menu(person)).await
                }
                Answered::NotYours => crate::bot::access::refuse(ctx, "answer to a survey not theirs").await,
            }
        }
        Outcome::Confirm(next) => {
            ctx.set_state(State::Surveying(next.clone())).await?;
            ask(ctx, lang, &next).await
        }
        Outcome::Reask(_, Problem::Stale) => {
            // An old button: of a question answered already, or of something no longer asked.
            let order = |q: Question| step.questions().iter().position(|x| *x == q);
            let text = match (pressed, step.confirming) {
                // The buttons of an earlier read-back, while a newer amount waits for its answer.
                (_, Some(yuan)) if old_read_back => tr!(lang, "survey-readback-old", yuan = grouped(yuan)),
                (Some(q), _) if order(q) < order(step.question) => tr!(lang, "survey-already-answered"),
                _ => tr!(lang, "menu-expired"),
            };
            ctx.answer(Some(text)).await
        }
        Outcome::Reask(same, problem) => {
            ctx.answer(None).await?;
            ctx.set_state(State::Surveying(same.clone())).await?;
            ctx.say(problem_text(lang, same.question, problem)).await?;
            // A wrong number keeps its question on screen; only a wrong kind of input repeats it.
            match problem {
                Problem::UseButtons | Problem::Retype => ask(ctx, lang, &same).await,
                _ => Ok(()),
            }
        }
    }
}

pub fn is_survey_button(cb: &Cb) -> bool {
    matches!(
        cb,
        Cb::SurveyStart(_)
            | Cb::SurveyLater(_)
            | Cb::SurveyChoice { .. }
            | Cb::SurveyDecline { .. }
            | Cb::SurveyConfirm { .. }
    )
}
