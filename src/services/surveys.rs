//! Follow-up surveys (跟踪问效): the baseline offered after an order, follow-up waves planned when a
//! course ends (invitation and at most two nudges, each through the gate, so never at night or in a
//! busy season), the course feedback at completion, answering one question at a time, stopping
//! surveys, and the outcome report of a scope built from exactly the rows of its CSV export.

use std::collections::HashMap;

use chrono::{DateTime, Months, Utc};

use crate::app::App;
use crate::db::surveys::{self as store, NewSurvey, OutcomeData, SurveyRow};
use crate::db::{self, Tx};
use crate::domain::gate::MessageKind;
use crate::domain::outcomes::{ExportRow, WaveStatus};
use crate::domain::person::Person;
use crate::domain::survey::{
    Cohort, Employment, IncomeSource, Industry, Question, Reply, SurveyStep, Usage, Value, Wave, next_question,
};
use crate::i18n::Lang;
use crate::services::notify::{self, Note, payload};
use crate::tr;

/// How many reminders follow a follow-up's invitation when it is not answered.
pub const NUDGES: usize = 2;

/// Callback data of "start answering" and "later", for outbox messages.
pub fn start_data(survey_id: i64) -> String {
    crate::domain::callback::Cb::SurveyStart(survey_id).encode()
}

pub fn later_data(survey_id: i64) -> String {
    crate::domain::callback::Cb::SurveyLater(survey_id).encode()
}

/// Prefix of the dedupe keys of a person's survey messages (all, or one survey's).
fn message_prefix(user_id: i64, survey_id: Option<i64>) -> String {
    match survey_id {
        Some(id) => format!("survey:{user_id}:{id}:"),
        None => format!("survey:{user_id}:"),
    }
}

/// After an order: the baseline to offer, unless it was answered or the person stopped surveys. The
/// survey is created on first offer; "later" leaves it open, to be offered again with the next order.
pub async fn baseline_to_offer(app: &App, user_id: i64) -> anyhow::Result<Option<i64>> {
    let key = format!("baseline:{user_id}");
    if let Some(s) = store::by_key(&app.db, &key).await? {
        return Ok((s.completed_at.is_none() && s.stopped_at.is_none()).then_some(s.id));
    }
    let survey =
        NewSurvey { key: &key, user_id, wave: Wave::Baseline, order_id: None, opens_at: app.now(), closes_at: None };
    // The connection goes back before anything else is read.
    let created = store::create_unless_stopped(&mut *app.db.pool.acquire().await?, &survey, app.now()).await?;
    match created {
        Some(id) => Ok(Some(id)),
        // Stopped, or another update of the same person created it meanwhile.
        None => Ok(store::by_key(&app.db, &key)
            .await?
            .filter(|s| s.completed_at.is_none() && s.stopped_at.is_none())
            .map(|s| s.id)),
    }
}

/// The step asking the first unanswered question of `survey`, with what the income check needs.
async fn step_for(app: &App, survey: &SurveyRow, question: Question) -> anyhow::Result<SurveyStep> {
    let answers = store::answers(&app.db, survey.id).await?;
    let household_size = answers.iter().find(|(q, _)| *q == Question::HouseholdSize).and_then(|(_, r)| match r {
        Reply::Given(Value::Number(n)) => Some(*n),
        _ => None,
    });
    let baseline_income = match survey.wave {
        Wave::Baseline => None,
        _ => store::baseline_figures(&app.db, survey.user_id).await?.1,
    };
    Ok(SurveyStep {
        survey_id: survey.id,
        wave: survey.wave,
        cohort: survey.cohort(),
        question,
        confirming: None,
        household_size,
        baseline_income,
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Begin {
    Ask(SurveyStep),
    AlreadyDone,
    /// Not open (yet, or any more), or withdrawn.
    Closed,
    NotYours,
}

/// "Start answering": where the person left off.
pub async fn begin(app: &App, person: &Person, survey_id: i64) -> anyhow::Result<Begin> {
    let Some(survey) = store::get(&app.db, survey_id).await? else { return Ok(Begin::NotYours) };
    if !crate::services::access::owns(person, survey.user_id) {
        return Ok(Begin::NotYours);
    }
    if survey.completed_at.is_some() {
        return Ok(Begin::AlreadyDone);
    }
    if !survey.is_open(app.now()) {
        return Ok(Begin::Closed);
    }
    let answered: Vec<Question> = store::answers(&app.db, survey.id).await?.into_iter().map(|(q, _)| q).collect();
    match next_question(survey.wave, survey.cohort(), &answered) {
        Some(q) => Ok(Begin::Ask(step_for(app, &survey, q).await?)),
        None => Ok(Begin::AlreadyDone),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answered {
    Next(SurveyStep),
    Finished(Wave),
    /// That question has an answer already; the first one stands.
    AlreadyAnswered,
    Closed,
    NotYours,
}

/// Stores one answer in one transaction with the survey's completion (so a survey is complete exactly
/// when its last answer exists) and the withdrawal of its pending nudges.
pub async fn answer(
    app: &App,
    person: &Person,
    survey_id: i64,
    question: Question,
    reply: Reply<Value>,
) -> anyhow::Result<Answered> {
    let now = app.now();
    let mut tx = app.db.begin_write().await?;
    let Some(survey) = store::lock(&mut tx, app.db.backend, survey_id).await? else { return Ok(Answered::NotYours) };
    if !crate::services::access::owns(person, survey.user_id)
        || !survey.wave.questions_of(survey.cohort()).contains(&question)
    {
        return Ok(Answered::NotYours);
    }
    let mut answered = store::answered_questions(&mut tx, survey_id).await?;
    if answered.contains(&question) {
        return Ok(Answered::AlreadyAnswered);
    }
    if !survey.is_open(now) {
        return Ok(Answered::Closed);
    }
    // The survey row is locked (or the database is, on SQLite): nobody else answers in between.
    store::save_answer(&mut tx, survey_id, question, &reply, now).await?;
    answered.push(question);
    let next = next_question(survey.wave, survey.cohort(), &answered);
    if next.is_none() {
        store::mark_completed(&mut tx, survey_id, now).await?;
        db::outbox::cancel_by_dedupe_prefix(&mut tx, &message_prefix(survey.user_id, Some(survey_id))).await?;
    }
    tx.commit().await?;
    match next {
        Some(q) => Ok(Answered::Next(step_for(app, &survey, q).await?)),
        None => Ok(Answered::Finished(survey.wave)),
    }
}

/// The person stops (or resumes) surveys. Stopping withdraws every unanswered survey of theirs and
/// every survey message still waiting in the outbox.
pub async fn set_stopped(app: &App, user_id: i64, stopped: bool) -> sqlx::Result<()> {
    let mut tx = app.db.begin_write().await?;
    store::set_stopped(&mut tx, user_id, stopped, app.now()).await?;
    if stopped {
        db::outbox::cancel_by_dedupe_prefix(&mut tx, &message_prefix(user_id, None)).await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn is_stopped(app: &App, user_id: i64) -> anyhow::Result<bool> {
    let mut conn = app.db.pool.acquire().await?;
    Ok(store::stopped(&mut conn, user_id).await?)
}

fn invitation(
    lang: Lang,
    cohort: Cohort,
    course: &str,
    months: u8,
    nudge: usize,
    survey_id: i64,
) -> crate::db::outbox::Payload {
    let text = match (cohort, nudge) {
        (Cohort::Attendee, 0) => tr!(lang, "survey-followup-invite", course = course, months = months),
        (Cohort::Attendee, _) => tr!(lang, "survey-followup-nudge", course = course, months = months),
        (Cohort::Comparison, 0) => tr!(lang, "survey-comparison-invite", course = course, months = months),
        (Cohort::Comparison, _) => tr!(lang, "survey-comparison-nudge", course = course, months = months),
    };
    payload(text, vec![vec![(tr!(lang, "btn-survey-start"), start_data(survey_id))]])
}

/// An order to follow up, and as whose: an attendee's, or (never came) the comparison group's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowedOrder {
    pub order_id: i64,
    pub user_id: i64,
    pub cohort: Cohort,
}

/// Plans the follow-up waves of an order whose course has ended (or would have, for someone who
/// cancelled): for each wave, a survey opening `months` after `ended_at` at the first instant the gate
/// allows (never at night, never on a busy-season day, after a pause), open for the configured time,
/// with an invitation and up to [`NUDGES`] nudges spaced by the configured gap. Idempotent per order
/// and wave; nothing for people who stopped surveys or cannot be reached, and nothing for the
/// comparison group without an answered baseline (there would be nothing to pair). An attendee's
/// follow-ups withdraw their unanswered comparison follow-ups. Returns how many waves it planned.
pub async fn plan_followups(
    tx: &mut Tx,
    app: &App,
    order: &FollowedOrder,
    course: Option<&crate::domain::catalog::Course>,
    ended_at: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let FollowedOrder { order_id, user_id, cohort } = *order;
    if store::stopped(tx, user_id).await? {
        return Ok(0);
    }
    match cohort {
        Cohort::Comparison if !store::baseline_answered(tx, user_id).await? => return Ok(0),
        Cohort::Comparison => {}
        // Someone who came after all is no longer in the comparison group: no more "you did not come"
        // invitations for an order they cancelled or missed.
        Cohort::Attendee => {
            for survey_id in store::withdraw_never_came(tx, user_id, app.now()).await? {
                db::outbox::cancel_by_dedupe_prefix(tx, &message_prefix(user_id, Some(survey_id))).await?;
            }
        }
    }
    let mut planned = 0;
    for &months in &app.config.survey_waves {
        let wave = Wave::Followup(months);
        let key = format!("{}:{order_id}", wave.as_str());
        let Some(opens) = ended_at.checked_add_months(Months::new(u32::from(months))) else { continue };
        let title = course.cloned();
        let render_for = move |survey_id: i64, nudge: usize| {
            let title = title.clone();
            move |lang: Lang| {
                let name = title.as_ref().map(|c| c.display_title(lang).to_owned()).unwrap_or_default();
                invitation(lang, cohort, &name, months, nudge, survey_id)
            }
        };
        // When the invitation can go decides when the survey opens: a wave falling in harvest opens after it.
        let probe = Note { kind: MessageKind::SurveyNudge, ..Note::notice("survey", opens, render_for(0, 0)) };
        let Some(first) = notify::plan(tx, app, user_id, &probe).await? else { continue };
        let closes = first.due_at + app.config.survey_open;
        let survey = NewSurvey {
            key: &key,
            user_id,
            wave,
            order_id: Some(order_id),
            opens_at: first.due_at,
            closes_at: Some(closes),
        };
        let Some(survey_id) = store::create(tx, &survey, app.now()).await? else { continue };
        let mut at = first.due_at;
        for nudge in 0..=NUDGES {
            let note = Note {
                kind: MessageKind::SurveyNudge,
                deadline_at: Some(closes),
                ..Note::notice("survey", at, render_for(survey_id, nudge))
            }
            .dedupe(format!("{}{nudge}", message_prefix(user_id, Some(survey_id))));
            let Some(p) = notify::plan(tx, app, user_id, &note).await? else { break };
            if p.due_at >= closes {
                break;
            }
            notify::write(tx, &note, &p).await?;
            at = p.due_at + app.config.survey_nudge_gap;
        }
        planned += 1;
    }
    Ok(planned)
}

/// Opens the course feedback of a completed order (part of the completion message). `None` when the
/// person stopped surveys or it exists already.
pub async fn open_feedback(tx: &mut Tx, app: &App, order_id: i64, user_id: i64) -> anyhow::Result<Option<i64>> {
    let key = format!("feedback:{order_id}");
    let now = app.now();
    let survey = NewSurvey {
        key: &key,
        user_id,
        wave: Wave::Feedback,
        order_id: Some(order_id),
        opens_at: now,
        closes_at: Some(now + app.config.survey_open),
    };
    Ok(store::create_unless_stopped(tx, &survey, now).await?)
}

// ---------------------------------------------------------------------------------------------------
// Outcome reports
// ---------------------------------------------------------------------------------------------------

fn status_of(survey: Option<&SurveyRow>, now: DateTime<Utc>) -> WaveStatus {
    match survey {
        None => WaveStatus::NotSurveyed,
        Some(s) if s.completed_at.is_some() => WaveStatus::Answered,
        Some(s) if s.opens_at > now && s.stopped_at.is_none() => WaveStatus::NotYetDue,
        Some(s) if s.is_open(now) => WaveStatus::Open,
        Some(_) => WaveStatus::Unanswered,
    }
}

fn number(reply: &Reply<Value>) -> Option<Reply<i64>> {
    match reply {
        Reply::Declined => Some(Reply::Declined),
        Reply::Given(Value::Number(n)) => Some(Reply::Given(*n)),
        _ => None,
    }
}

fn choice<T>(reply: &Reply<Value>, parse: impl Fn(&str) -> Option<T>) -> Option<Reply<T>> {
    match reply {
        Reply::Declined => Some(Reply::Declined),
        Reply::Given(Value::Choice(c)) => parse(c).map(Reply::Given),
        _ => None,
    }
}

/// Fills a row's answers from a survey's stored answers.
fn fill<'a>(row: &mut ExportRow, answers: impl Iterator<Item = (&'a Question, &'a Reply<Value>)>) {
    for (q, reply) in answers {
        match q {
            Question::HouseholdSize => row.household_size = number(reply),
            Question::Income => row.income_yuan = number(reply),
            Question::Employment => row.employment = choice(reply, Employment::parse),
            Question::MainSource => row.main_source = choice(reply, IncomeSource::parse),
            Question::UsedLearning => row.used_learning = choice(reply, Usage::parse),
            Question::Industry => row.industry = choice(reply, Industry::parse),
            Question::ReferralJob => {
                row.referral_job = choice(reply, |c| match c {
                    "yes" => Some(true),
                    "no" => Some(false),
                    _ => None,
                })
            }
            Question::Usefulness => row.usefulness = number(reply),
            Question::TrainerStars => row.trainer_stars = number(reply),
            Question::Comment => {
                row.comment = match reply {
                    Reply::Given(Value::Text(t)) => Some(t.clone()),
                    _ => None,
                }
            }
        }
    }
}

/// The rows of a scope's export (and so of its figures): per person enrolled, the baseline; per
/// enrolment, each follow-up wave and the feedback, with its status as of now.
pub async fn export_rows(
    app: &App,
    lang: Lang,
    region_keys: &[String],
    course_key: Option<&str>,
    trainer_key: Option<&str>,
) -> anyhow::Result<Vec<ExportRow>> {
    let OutcomeData { mut enrolments, surveys, answers } =
        store::outcome_data(&app.db, region_keys, course_key, trainer_key).await?;
    let missing: Vec<i64> = enrolments.iter().filter(|e| e.pseudonym.is_none()).map(|e| e.user_id).collect();
    if !missing.is_empty() {
        let made = store::ensure_pseudonyms(&app.db, &missing).await?;
        for e in enrolments.iter_mut().filter(|e| e.pseudonym.is_none()) {
            e.pseudonym = made.get(&e.user_id).cloned();
        }
    }
    let now = app.now();
    let tz = app.config.default_timezone;
    let villages: HashMap<String, String> = db::catalog::all_regions(&app.db)
        .await?
        .into_iter()
        .map(|r| (r.key.clone(), r.display_name(lang).to_owned()))
        .collect();
    let mut courses = HashMap::new();
    let mut trainers = HashMap::new();
    for e in &enrolments {
        if !courses.contains_key(&e.course_key) {
            let title = db::catalog::course(&app.db, &e.course_key).await?.map(|c| c.display_title(lang).to_owned());
            courses.insert(e.course_key.clone(), title.unwrap_or_default());
        }
        if !trainers.contains_key(&e.trainer_key) {
            let name = db::catalog::trainer(&app.db, &e.trainer_key).await?.map(|t| t.name_in(lang).to_owned());
            trainers.insert(e.trainer_key.clone(), name.unwrap_or_default());
        }
    }
    // Indexed once: a county holds tens of thousands of surveys, and every row looks its own up.
    let mut answers_of: HashMap<i64, Vec<&store::StoredAnswer>> = HashMap::new();
    for a in &answers {
        answers_of.entry(a.0).or_default().push(a);
    }
    let baselines: HashMap<i64, &SurveyRow> =
        surveys.iter().filter(|s| s.wave == Wave::Baseline).map(|s| (s.user_id, s)).collect();
    let by_order: HashMap<(i64, Wave), &SurveyRow> =
        surveys.iter().filter_map(|s| Some(((s.order_id?, s.wave), s))).collect();

    let row_of = |e: &crate::db::surveys::Enrolment, wave: Wave, survey: Option<&SurveyRow>| {
        let mut row = ExportRow::new(e.pseudonym.clone().unwrap_or_default(), wave, status_of(survey, now));
        row.name = Some(e.name.clone());
        row.phone = e.phone.clone();
        row.village = e.village_key.as_ref().and_then(|k| villages.get(k)).cloned().unwrap_or_default();
        // Only complete questionnaires count: a half-answered one contributes nothing.
        if let Some(s) = survey.filter(|s| s.completed_at.is_some()) {
            let given = answers_of.get(&s.id).map(Vec::as_slice).unwrap_or_default();
            fill(&mut row, given.iter().map(|(_, q, r, _)| (q, r)));
            row.answered_at = given.iter().map(|(.., at)| *at).max().map(|at| at.with_timezone(&tz).date_naive());
        }
        row
    };
    let mut rows = Vec::new();
    let mut seen_people = std::collections::HashSet::new();
    for e in &enrolments {
        if seen_people.insert(e.user_id) {
            rows.push(row_of(e, Wave::Baseline, baselines.get(&e.user_id).copied()));
        }
    }
    // The configured waves, and any other a survey exists for (the configuration may have changed).
    let waves: std::collections::BTreeSet<Wave> = app
        .config
        .survey_waves
        .iter()
        .map(|m| Wave::Followup(*m))
        .chain([Wave::Feedback])
        .chain(by_order.keys().map(|(_, w)| *w))
        .collect();
    for e in &enrolments {
        for &wave in &waves {
            let mut row = row_of(e, wave, by_order.get(&(e.order_id, wave)).copied());
            row.course_key = e.course_key.clone();
            row.course = courses.get(&e.course_key).cloned().unwrap_or_default();
            row.trainer = trainers.get(&e.trainer_key).cloned().unwrap_or_default();
            row.order_code = e.number.clone();
            row.completed = Some(e.completed);
            row.attendance = Some(crate::domain::outcomes::Attendance::of(e.status));
            rows.push(row);
        }
    }
    Ok(rows)
}
