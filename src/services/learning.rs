//! Check-in, the trainer's roster and practical checks, quizzes, completion with a certificate and
//! credits.

use chrono::{DateTime, Datelike, TimeZone, Utc};
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::app::App;
use crate::db::learning::{self as store, Attempt, Completion};
use crate::db::orders::OrderRow;
use crate::db::{self, Tx};
use crate::domain::catalog::{Class, Course, Question, Session, SessionStatus};
use crate::domain::gate::MessageKind;
use crate::domain::learning::{CheckinCode, Mark, Progress, certificate_code, draw, passes};
use crate::domain::order::OrderStatus;
use crate::domain::person::{Person, Role};
use crate::i18n::{Lang, session_when};
use crate::services::notify::{self, Note, payload};
use crate::tr;

/// Callback data built here for outbox messages (the bot decodes them in `Cb`): keep in step.
pub fn checkin_button_data(session_id: i64) -> String {
    format!("ci:{session_id}")
}

pub fn quiz_start_data(order_id: i64) -> String {
    format!("qs:{order_id}")
}

/// Sessions a trainer may take attendance for: of classes of their courses, from 12 hours ago on,
/// the next ten.
pub async fn trainer_sessions(app: &App, trainer: &Person) -> anyhow::Result<Vec<(Session, Class, Course)>> {
    let Some(trainer_key) = db::people::trainer_key(&app.db, trainer.user_id).await? else { return Ok(Vec::new()) };
    let from = app.now() - chrono::Duration::hours(12);
    let mut out = Vec::new();
    for (session, class, course) in db::catalog::sessions_of_trainer(&app.db, &trainer_key, from).await? {
        if session.status == SessionStatus::Scheduled {
            out.push((session, class, course));
        }
        if out.len() == 10 {
            break;
        }
    }
    Ok(out)
}

/// Whether `person` teaches the course of `session_id` (their trainer link names its trainer).
async fn teaches(app: &App, person: &Person, session: &Session) -> anyhow::Result<Option<(Class, Course)>> {
    if !person.has_role(Role::Trainer) {
        return Ok(None);
    }
    let Some(key) = db::people::trainer_key(&app.db, person.user_id).await? else { return Ok(None) };
    let Some(class) = db::catalog::class(&app.db, &session.class_key).await? else { return Ok(None) };
    let Some(course) = db::catalog::course(&app.db, &class.course_key).await? else { return Ok(None) };
    Ok((course.trainer_key == key).then_some((class, course)))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenOutcome {
    Opened {
        code: CheckinCode,
        expires_at: DateTime<Utc>,
    },
    /// Not this trainer's session (or not a trainer): refused and logged.
    NotYours,
    Ended,
    Unknown,
}

/// Opens check-in for a session: a fresh code, and a "签到" button to everyone booked.
pub async fn open_checkin(app: &App, trainer: &Person, session_id: i64) -> anyhow::Result<OpenOutcome> {
    let Some(session) = db::catalog::session(&app.db, session_id).await? else { return Ok(OpenOutcome::Unknown) };
    let Some((class, course)) = teaches(app, trainer, &session).await? else {
        tracing::warn!(user = trainer.user_id, session_id, "check-in for another trainer's session refused");
        return Ok(OpenOutcome::NotYours);
    };
    let now = app.now();
    if session.ends_at <= now || session.status != SessionStatus::Scheduled {
        return Ok(OpenOutcome::Ended);
    }
    let code = CheckinCode::generate(&mut rand::thread_rng());
    let expires_at = now + app.config.checkin_ttl;
    let booked = db::orders::of_class(&app.db, &class.key, OrderStatus::Confirmed).await?;
    let mut tx = app.db.begin_write().await?;
    store::open_checkin(&mut tx, session_id, &code, trainer.user_id, now, expires_at).await?;
    for order in &booked {
        let title = course.clone();
        let note = Note {
            // People are in the classroom: only quiet hours hold it back.
            kind: MessageKind::Broadcast { urgent: true },
            label: "checkin",
            render: Box::new(move |lang| {
                payload(
                    tr!(lang, "checkin-open", course = title.display_title(lang)),
                    vec![vec![(tr!(lang, "btn-checkin"), checkin_button_data(session_id))]],
                )
            }),
            dedupe_key: Some(format!("checkin:{session_id}:{}:{}", now.timestamp(), order.id)),
            planned_at: now,
            deadline_at: Some(expires_at),
            personal: true,
            group: None,
        };
        notify::queue(&mut tx, app, order.user_id, &note).await?;
    }
    tx.commit().await?;
    app.wake_outbox();
    app.wake_scheduler();
    Ok(OpenOutcome::Opened { code, expires_at })
}

/// One line of the trainer's roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterEntry {
    pub order_id: i64,
    pub name: String,
    pub mark: Option<Mark>,
    pub practical: Option<bool>,
}

#[derive(Debug, Clone)]
pub struct Roster {
    pub session: Session,
    pub course: Course,
    pub tz: chrono_tz::Tz,
    pub code: Option<(CheckinCode, DateTime<Utc>)>,
    pub entries: Vec<RosterEntry>,
}

pub async fn roster(app: &App, session_id: i64) -> anyhow::Result<Option<Roster>> {
    let Some(session) = db::catalog::session(&app.db, session_id).await? else { return Ok(None) };
    let Some(class) = db::catalog::class(&app.db, &session.class_key).await? else { return Ok(None) };
    let Some(course) = db::catalog::course(&app.db, &class.course_key).await? else { return Ok(None) };
    let tz = db::regions::get(&app.db, &class.region_key)
        .await?
        .and_then(|r| r.timezone.parse().ok())
        .unwrap_or(app.config.default_timezone);
    let marks = store::marks_of_session(&app.db, session_id).await?;
    let mut entries = Vec::new();
    for status in [OrderStatus::Confirmed, OrderStatus::Attended, OrderStatus::Completed] {
        for order in db::orders::of_class(&app.db, &class.key, status).await? {
            let name = db::people::find(&app.db, order.user_id).await?.map(|p| p.name.as_str().to_owned());
            entries.push(RosterEntry {
                order_id: order.id,
                name: name.unwrap_or_default(),
                mark: marks.iter().find(|(o, _)| *o == order.id).map(|(_, m)| *m),
                practical: store::practical(&app.db, order.id).await?,
            });
        }
    }
    let code =
        store::checkin(&app.db, session_id).await?.filter(|c| c.expires_at > app.now()).map(|c| (c.code, c.expires_at));
    Ok(Some(Roster { session, course, tz, code, entries }))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckinOutcome {
    CheckedIn {
        course: Course,
    },
    Already {
        course: Course,
    },
    WrongCode,
    /// No check-in is open for any class the person is booked on.
    NoneOpen,
    /// The button's session has no open check-in for this person (closed, or not booked).
    NotOpenForYou,
}

/// A typed code: checks the person in to the open check-in it belongs to.
pub async fn check_in_code(app: &App, person: &Person, code: &CheckinCode) -> anyhow::Result<CheckinOutcome> {
    let open = store::open_checkins_for(&app.db, person.user_id, app.now()).await?;
    if open.is_empty() {
        return Ok(CheckinOutcome::NoneOpen);
    }
    match open.into_iter().find(|(c, _)| &c.code == code) {
        Some((checkin, order_id)) => record_presence(app, person, checkin.session_id, order_id, "code").await,
        None => Ok(CheckinOutcome::WrongCode),
    }
}

/// The "签到" button: works while that session's check-in is open and the person is booked.
pub async fn check_in_button(app: &App, person: &Person, session_id: i64) -> anyhow::Result<CheckinOutcome> {
    let open = store::open_checkins_for(&app.db, person.user_id, app.now()).await?;
    match open.into_iter().find(|(c, _)| c.session_id == session_id) {
        Some((_, order_id)) => record_presence(app, person, session_id, order_id, "button").await,
        None => Ok(CheckinOutcome::NotOpenForYou),
    }
}

async fn record_presence(
    app: &App,
    person: &Person,
    session_id: i64,
    order_id: i64,
    source: &str,
) -> anyhow::Result<CheckinOutcome> {
    let course = match db::catalog::session(&app.db, session_id).await? {
        Some(s) => match db::catalog::class(&app.db, &s.class_key).await? {
            Some(c) => db::catalog::course(&app.db, &c.course_key).await?,
            None => None,
        },
        None => None,
    };
    let Some(course) = course else { return Ok(CheckinOutcome::NotOpenForYou) };
    let mut tx = app.db.begin_write().await?;
    let new =
        store::mark(&mut tx, order_id, session_id, Mark::Present, source, Some(person.user_id), app.now()).await?;
    tx.commit().await?;
    Ok(if new { CheckinOutcome::CheckedIn { course } } else { CheckinOutcome::Already { course } })
}

/// A trainer marks a trainee by hand (present or absent) for one of their sessions.
pub async fn trainer_mark(
    app: &App,
    trainer: &Person,
    session_id: i64,
    order_id: i64,
    present: bool,
) -> anyhow::Result<bool> {
    let Some(session) = db::catalog::session(&app.db, session_id).await? else { return Ok(false) };
    let Some(order) = db::orders::get(&app.db, order_id).await? else { return Ok(false) };
    if order.class_key != session.class_key || teaches(app, trainer, &session).await?.is_none() {
        tracing::warn!(user = trainer.user_id, session_id, order_id, "attendance mark refused");
        return Ok(false);
    }
    let mark = if present { Mark::Present } else { Mark::Absent };
    let mut tx = app.db.begin_write().await?;
    store::mark(&mut tx, order_id, session_id, mark, "trainer", Some(trainer.user_id), app.now()).await?;
    tx.commit().await?;
    Ok(true)
}

/// A trainer records the practical check (实操考核) of a trainee in one of their classes.
pub async fn trainer_practical(
    app: &App,
    trainer: &Person,
    session_id: i64,
    order_id: i64,
    passed: bool,
) -> anyhow::Result<bool> {
    let Some(session) = db::catalog::session(&app.db, session_id).await? else { return Ok(false) };
    let Some(order) = db::orders::get(&app.db, order_id).await? else { return Ok(false) };
    let taught = teaches(app, trainer, &session).await?;
    if order.class_key != session.class_key || !taught.as_ref().is_some_and(|(_, c)| c.practical_check) {
        tracing::warn!(user = trainer.user_id, session_id, order_id, "practical check refused");
        return Ok(false);
    }
    let mut tx = app.db.begin_write().await?;
    store::set_practical(&mut tx, order_id, passed, trainer.user_id, app.now()).await?;
    tx.commit().await?;
    evaluate(app, order_id).await?;
    Ok(true)
}

/// After a session with a check-in has ended: everyone booked without a mark is absent (excused on a
/// busy-season day of their village); after the class's last session, attendees are invited to the
/// quiz and completions are evaluated. Returns how many check-ins it finalized.
pub async fn finalize_due(app: &App) -> anyhow::Result<usize> {
    let now = app.now();
    let mut done = 0;
    for checkin in store::checkins_to_finalize(&app.db, now).await? {
        let Some(session) = db::catalog::session(&app.db, checkin.session_id).await? else { continue };
        let Some(class) = db::catalog::class(&app.db, &session.class_key).await? else { continue };
        let course = db::catalog::course(&app.db, &class.course_key).await?;
        let sessions = db::catalog::sessions_of_class(&app.db, &class.key).await?;
        let last = sessions.iter().filter(|s| s.status == SessionStatus::Scheduled).all(|s| s.ends_at <= now);
        let booked = db::orders::of_class(&app.db, &class.key, OrderStatus::Confirmed).await?;
        let marks = store::marks_of_session(&app.db, session.id).await?;

        let mut tx = app.db.begin_write().await?;
        if !store::mark_finalized(&mut tx, session.id, now).await? {
            continue; // another replica did it
        }
        for order in &booked {
            if marks.iter().any(|(o, _)| *o == order.id) {
                continue;
            }
            let busy = busy_day_for(&mut tx, app, order.user_id, session.starts_at).await?;
            store::mark(&mut tx, order.id, session.id, Mark::for_absence(busy), "auto", None, now).await?;
        }
        if last {
            for order in &booked {
                let present = marks.iter().any(|(o, m)| *o == order.id && *m == Mark::Present)
                    || store_has_presence(&mut tx, order.id).await?;
                if present {
                    queue_quiz_invitation(&mut tx, app, order, course.as_ref()).await?;
                    // Follow-ups count from the end of the course, for completers and for
                    // attendees who did not complete alike (跟踪问效 asks both).
                    let ended =
                        sessions.iter().filter(|s| s.status == SessionStatus::Scheduled).map(|s| s.ends_at).max();
                    let ended = ended.unwrap_or(session.ends_at);
                    crate::services::surveys::plan_followups(
                        &mut tx,
                        app,
                        order.id,
                        order.user_id,
                        course.as_ref(),
                        ended,
                    )
                    .await?;
                }
            }
        }
        tx.commit().await?;
        done += 1;
        for order in &booked {
            evaluate(app, order.id).await?;
        }
    }
    if done > 0 {
        app.wake_outbox();
    }
    Ok(done)
}

async fn store_has_presence(tx: &mut Tx, order_id: i64) -> sqlx::Result<bool> {
    use sqlx::Row;
    let row = sqlx::query("SELECT COUNT(*) AS n FROM attendance WHERE order_id = $1 AND mark = 'present'")
        .bind(order_id)
        .fetch_one(&mut **tx)
        .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

async fn busy_day_for(tx: &mut Tx, app: &App, user_id: i64, at: DateTime<Utc>) -> anyhow::Result<bool> {
    let village = db::people::addressee(tx, user_id).await?.and_then(|a| a.village_key);
    let calendar = notify::calendar_for(tx, app, village.as_deref()).await?;
    Ok(calendar.busy_season_at(at).is_some())
}

async fn queue_quiz_invitation(
    tx: &mut Tx,
    app: &App,
    order: &OrderRow,
    course: Option<&Course>,
) -> anyhow::Result<()> {
    let course = course.cloned();
    let order_id = order.id;
    let note = Note::notice("quiz", app.now(), move |lang| {
        let title = course.as_ref().map(|c| c.display_title(lang).to_owned()).unwrap_or_default();
        payload(
            tr!(lang, "quiz-invite", course = title),
            vec![vec![(tr!(lang, "btn-start-quiz"), quiz_start_data(order_id))]],
        )
    })
    .dedupe(format!("quiz-invite:{order_id}"))
    .personal();
    notify::queue(tx, app, order.user_id, &note).await?;
    Ok(())
}

/// When the scheduler must next finalize a check-in.
pub async fn next_due(app: &App) -> anyhow::Result<Option<DateTime<Utc>>> {
    Ok(store::next_finalize_at(&app.db).await?)
}

// ---------------------------------------------------------------------------------------------------
// Quizzes
// ---------------------------------------------------------------------------------------------------

/// One question as shown: its text and options in the shuffled order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionView {
    pub attempt_id: i64,
    pub position: usize,
    pub total: usize,
    pub text: String,
    pub options: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuizStart {
    Question(QuestionView),
    /// Not booked, or never present at a session.
    NotEligible,
    AlreadyPassed,
    NoAttemptsLeft,
    NoQuestions,
}

fn view(attempt: &Attempt, bank: &[Question]) -> Option<QuestionView> {
    let drawn = attempt.questions.get(attempt.position)?;
    let q = bank.iter().find(|q| q.id == drawn.question_id)?;
    Some(QuestionView {
        attempt_id: attempt.id,
        position: attempt.position,
        total: attempt.total,
        text: q.text.clone(),
        options: drawn.options.iter().filter_map(|i| q.options.get(*i).cloned()).collect(),
    })
}

async fn order_course(app: &App, order: &OrderRow) -> anyhow::Result<Option<Course>> {
    Ok(match db::catalog::class(&app.db, &order.class_key).await? {
        Some(class) => db::catalog::course(&app.db, &class.course_key).await?,
        None => None,
    })
}

/// Every question of the course, retired ones too (an attempt may hold one a re-import dropped).
async fn bank_of(app: &App, course_key: &str) -> anyhow::Result<Vec<Question>> {
    Ok(db::catalog::all_questions_of(&app.db, course_key).await?)
}

/// Whether "my courses" should offer the quiz for this order: booked, present at least once, not
/// passed yet, attempts left.
pub async fn quiz_available(app: &App, order: &OrderRow) -> anyhow::Result<bool> {
    if !matches!(order.status, OrderStatus::Confirmed | OrderStatus::Attended) {
        return Ok(false);
    }
    if !store::marks_of_order(&app.db, order.id).await?.iter().any(|(_, m)| *m == Mark::Present) {
        return Ok(false);
    }
    let attempts = store::attempts_of_order(&app.db, order.id).await?;
    Ok(!attempts.iter().any(|a| a.passed == Some(true))
        && (attempts.iter().any(|a| a.finished_at.is_none()) || attempts.len() <= app.config.quiz_retakes))
}

/// Starts (or resumes) the quiz of an order.
pub async fn start_quiz(app: &App, person: &Person, order_id: i64) -> anyhow::Result<QuizStart> {
    let Some(order) = db::orders::get(&app.db, order_id).await? else { return Ok(QuizStart::NotEligible) };
    if order.user_id != person.user_id
        || !matches!(order.status, OrderStatus::Confirmed | OrderStatus::Attended | OrderStatus::Completed)
    {
        return Ok(QuizStart::NotEligible);
    }
    let present = store::marks_of_order(&app.db, order_id).await?.iter().any(|(_, m)| *m == Mark::Present);
    if !present {
        return Ok(QuizStart::NotEligible);
    }
    let Some(course) = order_course(app, &order).await? else { return Ok(QuizStart::NotEligible) };
    let attempts = store::attempts_of_order(&app.db, order_id).await?;
    if attempts.iter().any(|a| a.passed == Some(true)) {
        return Ok(QuizStart::AlreadyPassed);
    }
    let bank = bank_of(app, &course.key).await?;
    if let Some(running) = attempts.iter().find(|a| a.finished_at.is_none()) {
        return Ok(view(running, &bank).map_or(QuizStart::NoQuestions, QuizStart::Question));
    }
    if attempts.len() > app.config.quiz_retakes {
        return Ok(QuizStart::NoAttemptsLeft);
    }
    let active = db::catalog::questions_of(&app.db, &course.key).await?;
    if active.is_empty() {
        return Ok(QuizStart::NoQuestions);
    }
    let pool: Vec<(i64, usize)> = active.iter().map(|q| (q.id, q.options.len())).collect();
    let drawn = match app.config.quiz_seed {
        Some(seed) => draw(&pool, app.config.quiz_size, &mut StdRng::seed_from_u64(seed + attempts.len() as u64)),
        None => draw(&pool, app.config.quiz_size, &mut StdRng::from_entropy()),
    };
    let mut tx = app.db.begin_write().await?;
    let id = store::insert_attempt(&mut tx, order_id, person.user_id, &drawn, app.now()).await?;
    tx.commit().await?;
    let attempt = store::attempt(&app.db, id).await?.ok_or_else(|| anyhow::anyhow!("attempt {id} vanished"))?;
    Ok(view(&attempt, &bank).map_or(QuizStart::NoQuestions, QuizStart::Question))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missed {
    pub text: String,
    pub right: String,
    pub explanation: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuizResult {
    pub order_id: i64,
    pub correct: usize,
    pub total: usize,
    pub passed: bool,
    pub retake_allowed: bool,
    pub missed: Vec<Missed>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerOutcome {
    Answered {
        correct: bool,
        right: String,
        explanation: String,
        next: Option<QuestionView>,
        result: Option<QuizResult>,
    },
    /// Not the question being asked (an old one, or a second tap): the current one, if any.
    Stale(Option<QuestionView>),
    /// The attempt is over.
    Closed,
    NotYours,
}

/// An answer: `shown` is the index of the button pressed, in the shuffled order.
pub async fn answer(
    app: &App,
    person: &Person,
    attempt_id: i64,
    position: usize,
    shown: usize,
) -> anyhow::Result<AnswerOutcome> {
    let Some(attempt) = store::attempt(&app.db, attempt_id).await? else { return Ok(AnswerOutcome::Closed) };
    if attempt.user_id != person.user_id {
        tracing::warn!(user = person.user_id, attempt_id, "quiz answer for someone else's attempt");
        return Ok(AnswerOutcome::NotYours);
    }
    if attempt.finished_at.is_some() {
        return Ok(AnswerOutcome::Closed);
    }
    let Some(order) = db::orders::get(&app.db, attempt.order_id).await? else { return Ok(AnswerOutcome::Closed) };
    let Some(course) = order_course(app, &order).await? else { return Ok(AnswerOutcome::Closed) };
    let bank = bank_of(app, &course.key).await?;
    if position != attempt.position {
        return Ok(AnswerOutcome::Stale(view(&attempt, &bank)));
    }
    let Some(drawn) = attempt.questions.get(position) else { return Ok(AnswerOutcome::Closed) };
    let Some(question) = bank.iter().find(|q| q.id == drawn.question_id) else { return Ok(AnswerOutcome::Closed) };
    let Some(&chosen) = drawn.options.get(shown) else { return Ok(AnswerOutcome::Stale(view(&attempt, &bank))) };
    let correct = question.is_correct(chosen);
    let now = app.now();
    let mut tx = app.db.begin_write().await?;
    if !store::answer(&mut tx, attempt_id, position, question.id, chosen, correct, now).await? {
        drop(tx);
        let current = store::attempt(&app.db, attempt_id).await?;
        return Ok(match current {
            Some(a) if a.finished_at.is_none() => AnswerOutcome::Stale(view(&a, &bank)),
            _ => AnswerOutcome::Closed,
        });
    }
    let score = attempt.correct + usize::from(correct);
    let finished = position + 1 >= attempt.total;
    let mut result = None;
    if finished {
        let passed = passes(score, attempt.total, course.pass_mark_pct);
        store::finish_attempt(&mut tx, attempt_id, passed, now).await?;
        tx.commit().await?;
        let attempts = store::attempts_of_order(&app.db, order.id).await?;
        let mut missed = Vec::new();
        for (qid, chosen, ok) in store::answers_of(&app.db, attempt_id).await? {
            if ok {
                continue;
            }
            if let Some(q) = bank.iter().find(|q| q.id == qid) {
                let _ = chosen;
                missed.push(Missed {
                    text: q.text.clone(),
                    right: q.options.get(q.answer).cloned().unwrap_or_default(),
                    explanation: q.explanation.clone(),
                });
            }
        }
        result = Some(QuizResult {
            order_id: order.id,
            correct: score,
            total: attempt.total,
            passed,
            retake_allowed: !passed && attempts.len() <= app.config.quiz_retakes,
            missed,
        });
        // Completion is evaluated by the caller once the result is shown (see `evaluate`), so the
        // congratulation never arrives before the score.
    } else {
        tx.commit().await?;
    }
    let next = if finished { None } else { store::attempt(&app.db, attempt_id).await?.and_then(|a| view(&a, &bank)) };
    Ok(AnswerOutcome::Answered {
        correct,
        right: question.options.get(question.answer).cloned().unwrap_or_default(),
        explanation: question.explanation.clone(),
        next,
        result,
    })
}

// ---------------------------------------------------------------------------------------------------
// Completion
// ---------------------------------------------------------------------------------------------------

/// Where an order stands against the completion rule.
pub async fn progress(app: &App, order: &OrderRow, course: &Course) -> anyhow::Result<Progress> {
    let now = app.now();
    let sessions = db::catalog::sessions_of_class(&app.db, &order.class_key).await?;
    let scheduled: Vec<&Session> = sessions.iter().filter(|s| s.status == SessionStatus::Scheduled).collect();
    let marks = store::marks_of_order(&app.db, order.id).await?;
    // Only sessions where attendance was taken count as held.
    let held: Vec<i64> = {
        let mut held = Vec::new();
        for s in scheduled.iter().filter(|s| s.ends_at <= now) {
            if store::checkin(&app.db, s.id).await?.is_some_and(|c| c.finalized) {
                held.push(s.id);
            }
        }
        held
    };
    let count = |m: Mark| marks.iter().filter(|(s, mk)| *mk == m && held.contains(s)).count();
    let attempts = store::attempts_of_order(&app.db, order.id).await?;
    Ok(Progress {
        sessions_held: held.len(),
        present: count(Mark::Present),
        excused: count(Mark::Excused),
        sessions_ahead: scheduled.iter().filter(|s| s.ends_at > now).count(),
        min_attendance_pct: course.min_attendance_pct,
        quiz_passed: attempts.iter().any(|a| a.passed == Some(true)),
        practical_required: course.practical_check,
        practical_passed: store::practical(&app.db, order.id).await? == Some(true),
    })
}

/// Completes the order if it now meets the rule: records the completion with a verification code
/// and credits, and sends the congratulation with the certificate card. Returns the completion
/// when this call made it.
pub async fn evaluate(app: &App, order_id: i64) -> anyhow::Result<Option<Completion>> {
    let Some(order) = db::orders::get(&app.db, order_id).await? else { return Ok(None) };
    if !matches!(order.status, OrderStatus::Confirmed | OrderStatus::Attended) {
        return Ok(None);
    }
    let Some(course) = order_course(app, &order).await? else { return Ok(None) };
    if !progress(app, &order, &course).await?.is_complete() {
        return Ok(None);
    }
    let Some(person) = db::people::find(&app.db, order.user_id).await? else { return Ok(None) };
    let now = app.now();
    let completion = Completion {
        order_id,
        user_id: order.user_id,
        course_key: course.key.clone(),
        completed_at: now,
        code: certificate_code(&mut rand::thread_rng()),
        credits_tenths: course.credits.tenths(),
    };
    let certificate = certificate_for(app, &person, &order, &course, &completion).await?;
    let mut tx = app.db.begin_write().await?;
    if !store::insert_completion(&mut tx, &completion).await? {
        return Ok(None);
    }
    db::orders::transition(&mut tx, order_id, order.status, OrderStatus::Completed, now, None, None).await?;
    let feedback = crate::services::surveys::open_feedback(&mut tx, app, order_id, order.user_id).await?;
    let (title, credits, png) = (course.clone(), course.credits_label(person.lang), certificate);
    let code = completion.code.clone();
    let note = Note::notice("completion", now, move |lang| {
        let mut text = vec![tr!(lang, "completed", course = title.display_title(lang))];
        if let Some(c) = title.credits_label(lang).or_else(|| credits.clone()) {
            text.push(tr!(lang, "completed-credits", credits = c));
        }
        text.push(tr!(lang, "completed-code", code = code.as_str()));
        // The course feedback (效果反馈) is asked right here, with a button, not in a message of its own.
        let buttons = match feedback {
            Some(id) => {
                text.push(tr!(lang, "survey-feedback-offer"));
                vec![vec![(tr!(lang, "btn-survey-feedback"), crate::services::surveys::start_data(id))]]
            }
            None => vec![],
        };
        let mut p = payload(text.join("\n"), buttons);
        p.photo_png = png.clone();
        p
    })
    .dedupe(format!("completed:{order_id}"))
    .personal();
    notify::queue(&mut tx, app, order.user_id, &note).await?;
    tx.commit().await?;
    app.wake_outbox();
    Ok(Some(completion))
}

/// The certificate card as PNG in the person's language; `None` (text only) when no CJK font is
/// installed, which is logged with the fix.
async fn certificate_for(
    app: &App,
    person: &Person,
    order: &OrderRow,
    course: &Course,
    completion: &Completion,
) -> anyhow::Result<Option<Vec<u8>>> {
    let lang = person.lang;
    let sessions = db::catalog::sessions_of_class(&app.db, &order.class_key).await?;
    let class = db::catalog::class(&app.db, &order.class_key).await?;
    let region = match &class {
        Some(c) => db::regions::ancestry(&app.db, &c.region_key).await?.pop(),
        None => None,
    };
    let tz = region.as_ref().and_then(|r| r.timezone.parse().ok()).unwrap_or(app.config.default_timezone);
    let held: Vec<&Session> = sessions.iter().filter(|s| s.status == SessionStatus::Scheduled).collect();
    let dates = match (held.first(), held.last()) {
        (Some(a), Some(b)) => {
            let (a, b) = (a.starts_at.with_timezone(&tz).date_naive(), b.starts_at.with_timezone(&tz).date_naive());
            if a == b {
                crate::i18n::local_date(lang, a)
            } else {
                format!("{} – {}", crate::i18n::local_date(lang, a), crate::i18n::local_date(lang, b))
            }
        }
        _ => String::new(),
    };
    let trainer = db::catalog::trainer(&app.db, &course.trainer_key).await?;
    let card = crate::render::Certificate {
        title: tr!(lang, "certificate-title"),
        name: person.name.as_str().to_owned(),
        course: course.display_title(lang).to_owned(),
        dates: tr!(lang, "certificate-dates", dates = dates),
        trainer: tr!(lang, "certificate-trainer", name = trainer.map(|t| t.name).unwrap_or_default()),
        credits: course.credits_label(lang),
        code_line: tr!(lang, "certificate-code", code = completion.code.as_str()),
        issuer: tr!(
            lang,
            "certificate-issuer",
            region = region.map(|r| r.display_name(lang).to_owned()).unwrap_or_default()
        ),
    };
    match tokio::task::spawn_blocking(move || crate::render::certificate_png(&card)).await? {
        Ok(png) => Ok(Some(png)),
        Err(e) => {
            tracing::warn!(error = %e, "certificate card not drawn; sending the text only");
            Ok(None)
        }
    }
}

/// A cadre's completions with credits in the calendar year of `now` (in the default time zone).
pub async fn credits_this_year(app: &App, person: &Person) -> anyhow::Result<Vec<(Completion, Course)>> {
    let tz = app.config.default_timezone;
    let year = app.now().with_timezone(&tz).year();
    let start = tz.with_ymd_and_hms(year, 1, 1, 0, 0, 0).single().map(|t| t.to_utc()).unwrap_or(app.now());
    let end = tz.with_ymd_and_hms(year + 1, 1, 1, 0, 0, 0).single().map(|t| t.to_utc()).unwrap_or(app.now());
    let mut out = Vec::new();
    for c in store::completions_of(&app.db, person.user_id, start, end).await? {
        if let Some(course) = db::catalog::course(&app.db, &c.course_key).await? {
            out.push((c, course));
        }
    }
    Ok(out)
}

/// The credits CSV a coordinator exports for the annual assessment: one row per completed cadre
/// course in their regions this year. UTF-8 with a BOM so that Excel opens it in Chinese.
pub async fn credits_csv(app: &App, coordinator: &Person, lang: Lang) -> anyhow::Result<Option<Vec<u8>>> {
    let scopes: Vec<String> =
        coordinator.roles.iter().filter(|g| g.role == Role::Coordinator).map(|g| g.region_key.clone()).collect();
    if scopes.is_empty() {
        return Ok(None);
    }
    let tz = app.config.default_timezone;
    let year = app.now().with_timezone(&tz).year();
    let start = tz.with_ymd_and_hms(year, 1, 1, 0, 0, 0).single().map(|t| t.to_utc()).unwrap_or(app.now());
    let end = tz.with_ymd_and_hms(year + 1, 1, 1, 0, 0, 0).single().map(|t| t.to_utc()).unwrap_or(app.now());
    let rows = store::credit_completions_in(&app.db, &scopes, start, end).await?;
    let mut out = String::from("\u{feff}");
    let header = [
        tr!(lang, "csv-name"),
        tr!(lang, "csv-village"),
        tr!(lang, "csv-course"),
        tr!(lang, "csv-completed"),
        tr!(lang, "csv-credits"),
        tr!(lang, "csv-code"),
    ];
    out.push_str(&crate::domain::csv::line(&header));
    for (c, name, village) in rows {
        let course = db::catalog::course(&app.db, &c.course_key).await?;
        let village = match village {
            Some(v) => db::regions::get(&app.db, &v).await?.map(|r| r.display_name(lang).to_owned()).unwrap_or(v),
            None => String::new(),
        };
        let cells = [
            name,
            village,
            course.map(|c| c.display_title(lang).to_owned()).unwrap_or(c.course_key.clone()),
            c.completed_at.with_timezone(&tz).format("%Y-%m-%d").to_string(),
            crate::domain::catalog::Credits::from_tenths(c.credits_tenths).to_string(),
            c.code.clone(),
        ];
        out.push_str(&crate::domain::csv::line(&cells));
    }
    Ok(Some(out.into_bytes()))
}

/// What a certificate code certifies, for `fieldschool verify CODE`.
pub async fn verify(app: &App, code: &str) -> anyhow::Result<Option<String>> {
    let code = code.trim().to_ascii_uppercase();
    let Some(c) = store::completion_by_code(&app.db, &code).await? else { return Ok(None) };
    let person = db::people::find(&app.db, c.user_id).await?;
    let course = db::catalog::course(&app.db, &c.course_key).await?;
    let order = db::orders::get(&app.db, c.order_id).await?;
    let lang = Lang::Zh;
    Ok(Some(tr!(
        lang,
        "verify-line",
        code = c.code.as_str(),
        name = person.map(|p| p.name.as_str().to_owned()).unwrap_or_default(),
        course = course.map(|c| c.title).unwrap_or_default(),
        date = c.completed_at.with_timezone(&app.config.default_timezone).format("%Y-%m-%d").to_string(),
        credits = crate::domain::catalog::Credits::from_tenths(c.credits_tenths).to_string(),
        number = order.map(|o| o.number.as_str().to_owned()).unwrap_or_default()
    )))
}

/// "12月12日（周六） 09:00–11:30" for a roster or a session list.
pub fn when(lang: Lang, tz: chrono_tz::Tz, session: &Session) -> String {
    session_when(lang, tz, session.starts_at, session.ends_at)
}
