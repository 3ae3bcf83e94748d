//! Trainers take attendance (a code, a live roster, hand marks, practical checks); trainees check
//! in and take the quiz; cadres see their credits; coordinators export them.
//!
//! Quizzes use inline buttons, not Telegram's quiz polls: the question and our own feedback with the
//! explanation come as ordinary large text that old phones show well, options can be read out, the
//! answer is checked against the stored attempt (so an old or repeated tap is answered, not counted),
//! and nothing depends on poll updates, which have no chat and arrive separately.

use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup, InputFile};

use crate::bot::callback::Cb;
use crate::bot::context::Ctx;
use crate::bot::keyboards::{self, button};
use crate::db;
use crate::domain::learning::{CheckinCode, Mark};
use crate::domain::person::{Person, Role};
use crate::i18n::Lang;
use crate::services::learning::{self, AnswerOutcome, CheckinOutcome, OpenOutcome, QuestionView, QuizStart, Roster};
use crate::tr;

/// `/checkin`: the trainer's coming sessions, to open check-in for one.
pub async fn choose_session(ctx: &Ctx, person: &Person) -> anyhow::Result<()> {
    let lang = person.lang;
    if !person.has_role(Role::Trainer) {
        tracing::warn!(user = person.user_id, "/checkin from a non-trainer");
        return ctx.say(tr!(lang, "not-a-trainer")).await;
    }
    let sessions = learning::trainer_sessions(&ctx.app, person).await?;
    if sessions.is_empty() {
        let contact = crate::services::office::contact_for(&ctx.app, Some(person)).await;
        let contact = crate::services::office::contact_arg(contact.as_deref());
        return ctx.say(tr!(lang, "checkin-no-sessions", contact = contact)).await;
    }
    let mut rows = Vec::new();
    for (session, class, course) in &sessions {
        let tz = db::regions::get(&ctx.app.db, &class.region_key)
            .await?
            .and_then(|r| r.timezone.parse().ok())
            .unwrap_or(ctx.app.config.default_timezone);
        let label = tr!(
            lang,
            "checkin-session-button",
            when = learning::when(lang, tz, session),
            course = course.display_title(lang)
        );
        rows.push(vec![button(label, Cb::OpenCheckin(session.id))]);
    }
    ctx.say_with(tr!(lang, "checkin-choose-session"), InlineKeyboardMarkup::new(rows)).await
}

pub async fn open(ctx: &Ctx, person: &Person, session_id: i64) -> anyhow::Result<()> {
    let lang = person.lang;
    match learning::open_checkin(&ctx.app, person, session_id).await? {
        OpenOutcome::Opened { code, .. } => {
            ctx.answer(None).await?;
            let minutes = ctx.app.config.checkin_ttl.num_minutes();
            ctx.say(tr!(lang, "checkin-opened", code = code.as_str(), minutes = minutes)).await?;
            send_roster(ctx, person, session_id).await
        }
        OpenOutcome::NotYours => ctx.answer(Some(tr!(lang, "checkin-not-yours"))).await,
        OpenOutcome::Ended => ctx.answer(Some(tr!(lang, "checkin-ended"))).await,
        OpenOutcome::Unknown => ctx.answer_stale().await,
    }
}

fn roster_view(lang: Lang, roster: &Roster) -> (String, InlineKeyboardMarkup) {
    let session_id = roster.session.id;
    let mut lines = vec![tr!(
        lang,
        "roster-title",
        course = roster.course.display_title(lang),
        when = learning::when(lang, roster.tz, &roster.session)
    )];
    lines.push(match &roster.code {
        Some((code, until)) => tr!(
            lang,
            "roster-code",
            code = code.as_str(),
            until = until.with_timezone(&roster.tz).format("%H:%M").to_string()
        ),
        None => tr!(lang, "roster-closed"),
    });
    let present = roster.entries.iter().filter(|e| e.mark == Some(Mark::Present)).count();
    lines.push(tr!(lang, "roster-counts", present = present, total = roster.entries.len()));
    let mut rows: Vec<Vec<InlineKeyboardButton>> = Vec::new();
    for e in &roster.entries {
        let mark = match e.mark {
            Some(Mark::Present) => tr!(lang, "roster-present"),
            Some(Mark::Excused) => tr!(lang, "roster-excused"),
            _ => tr!(lang, "roster-absent"),
        };
        let practical = match e.practical {
            Some(true) => tr!(lang, "roster-practical-pass"),
            Some(false) => tr!(lang, "roster-practical-fail"),
            None => String::new(),
        };
        lines.push(tr!(lang, "roster-line", mark = mark.clone(), name = e.name.as_str(), practical = practical));
        // The button toggles: tapping a present trainee marks them absent and back.
        let present = e.mark == Some(Mark::Present);
        let mut row = vec![button(
            tr!(lang, "btn-mark", name = e.name.as_str(), mark = mark),
            Cb::Mark { session: session_id, order: e.order_id, present: !present },
        )];
        if roster.course.practical_check {
            row.push(button(
                tr!(lang, "btn-practical-pass", name = e.name.as_str()),
                Cb::Practical { session: session_id, order: e.order_id, passed: true },
            ));
            row.push(button(
                tr!(lang, "btn-practical-fail", name = e.name.as_str()),
                Cb::Practical { session: session_id, order: e.order_id, passed: false },
            ));
        }
        rows.push(row);
    }
    let mut controls = vec![button(tr!(lang, "btn-refresh-roster"), Cb::Roster(session_id))];
    if roster.code.is_some() {
        controls.push(button(tr!(lang, "btn-close-checkin"), Cb::CloseCheckin(session_id)));
    }
    rows.push(controls);
    (lines.join("\n"), InlineKeyboardMarkup::new(rows))
}

/// Sends the roster as a new message and remembers it, so check-ins can update it in place.
async fn send_roster(ctx: &Ctx, person: &Person, session_id: i64) -> anyhow::Result<()> {
    let Some(roster) = learning::roster(&ctx.app, session_id).await? else { return ctx.answer_stale().await };
    let (text, markup) = roster_view(person.lang, &roster);
    let sent = ctx.bot.send_message(ctx.chat, text).reply_markup(markup).await?;
    db::learning::set_roster_message(&ctx.app.db, session_id, ctx.chat.0, sent.id.0).await?;
    Ok(())
}

/// Redraws the roster message in place (best effort: an old or deleted message just stays as it is).
async fn refresh_roster(ctx: &Ctx, session_id: i64) {
    let Ok(Some(checkin)) = db::learning::checkin(&ctx.app.db, session_id).await else { return };
    let Some((chat, message)) = checkin.roster else { return };
    let lang = match db::people::find(&ctx.app.db, checkin.opened_by).await {
        Ok(Some(p)) => p.lang,
        _ => Lang::Zh,
    };
    let Ok(Some(roster)) = learning::roster(&ctx.app, session_id).await else { return };
    let (text, markup) = roster_view(lang, &roster);
    let edit = ctx.bot.edit_message_text(ChatId(chat), teloxide::types::MessageId(message), text).reply_markup(markup);
    if let Err(e) = edit.await {
        tracing::debug!(session_id, error = %e, "roster not redrawn");
    }
}

pub async fn roster_button(ctx: &Ctx, person: &Person, session_id: i64) -> anyhow::Result<()> {
    if !trainer_of(ctx, person, session_id).await? {
        return ctx.answer(Some(tr!(person.lang, "checkin-not-yours"))).await;
    }
    // Redraw first: the answered button then means the roster shows the change.
    refresh_roster(ctx, session_id).await;
    ctx.answer(None).await
}

pub async fn close(ctx: &Ctx, person: &Person, session_id: i64) -> anyhow::Result<()> {
    if !trainer_of(ctx, person, session_id).await? {
        return ctx.answer(Some(tr!(person.lang, "checkin-not-yours"))).await;
    }
    db::learning::close_checkin(&ctx.app.db, session_id, ctx.app.now()).await?;
    refresh_roster(ctx, session_id).await;
    ctx.answer(Some(tr!(person.lang, "roster-closed"))).await
}

async fn trainer_of(ctx: &Ctx, person: &Person, session_id: i64) -> anyhow::Result<bool> {
    let sessions = learning::trainer_sessions(&ctx.app, person).await?;
    Ok(sessions.iter().any(|(s, _, _)| s.id == session_id)
        || db::learning::checkin(&ctx.app.db, session_id).await?.is_some_and(|c| c.opened_by == person.user_id))
}

pub async fn mark(ctx: &Ctx, person: &Person, session: i64, order: i64, present: bool) -> anyhow::Result<()> {
    if !learning::trainer_mark(&ctx.app, person, session, order, present).await? {
        return ctx.answer(Some(tr!(person.lang, "checkin-not-yours"))).await;
    }
    refresh_roster(ctx, session).await;
    ctx.answer(None).await
}

pub async fn practical(ctx: &Ctx, person: &Person, session: i64, order: i64, passed: bool) -> anyhow::Result<()> {
    if !learning::trainer_practical(&ctx.app, person, session, order, passed).await? {
        return ctx.answer(Some(tr!(person.lang, "checkin-not-yours"))).await;
    }
    refresh_roster(ctx, session).await;
    ctx.answer(None).await
}

fn checkin_reply(lang: Lang, outcome: &CheckinOutcome) -> String {
    match outcome {
        CheckinOutcome::CheckedIn { course } => tr!(lang, "checkin-done", course = course.display_title(lang)),
        CheckinOutcome::Already { course } => tr!(lang, "checkin-already", course = course.display_title(lang)),
        CheckinOutcome::WrongCode => tr!(lang, "checkin-wrong-code"),
        CheckinOutcome::NoneOpen => tr!(lang, "checkin-none-open"),
        CheckinOutcome::NotOpenForYou => tr!(lang, "checkin-not-open-for-you"),
    }
}

/// A typed 4-digit code.
pub async fn typed_code(ctx: &Ctx, person: &Person, code: &CheckinCode) -> anyhow::Result<()> {
    let outcome = learning::check_in_code(&ctx.app, person, code).await?;
    if let CheckinOutcome::CheckedIn { .. } = outcome {
        for (checkin, _) in db::learning::open_checkins_for(&ctx.app.db, person.user_id, ctx.app.now()).await? {
            if &checkin.code == code {
                refresh_roster(ctx, checkin.session_id).await;
            }
        }
    }
    ctx.say_with(checkin_reply(person.lang, &outcome), keyboards::main_menu(person)).await
}

pub async fn check_in_button(ctx: &Ctx, person: &Person, session_id: i64) -> anyhow::Result<()> {
    let outcome = learning::check_in_button(&ctx.app, person, session_id).await?;
    if let CheckinOutcome::CheckedIn { .. } = outcome {
        refresh_roster(ctx, session_id).await;
        ctx.retire_pressed_keyboard().await;
    }
    ctx.answer(None).await?;
    ctx.say(checkin_reply(person.lang, &outcome)).await
}

fn question_message(lang: Lang, q: &QuestionView) -> (String, InlineKeyboardMarkup) {
    let mut text = tr!(lang, "quiz-question", position = q.position + 1, total = q.total, text = q.text.as_str());
    // Options are written out in full above the buttons, numbered, so long ones are never cut off.
    for (i, option) in q.options.iter().enumerate() {
        text.push_str(&format!("\n{}. {option}", i + 1));
    }
    let rows = q
        .options
        .iter()
        .enumerate()
        .map(|(i, option)| {
            vec![button(
                format!("{}. {option}", i + 1),
                Cb::QuizAnswer { attempt: q.attempt_id, position: q.position as u16, choice: i as u8 },
            )]
        })
        .collect::<Vec<_>>();
    (text, InlineKeyboardMarkup::new(rows))
}

pub async fn quiz_start(ctx: &Ctx, person: &Person, order_id: i64) -> anyhow::Result<()> {
    let lang = person.lang;
    let reply = match learning::start_quiz(&ctx.app, person, order_id).await? {
        QuizStart::Question(q) => {
            ctx.retire_pressed_keyboard().await;
            ctx.answer(None).await?;
            let (text, markup) = question_message(lang, &q);
            return ctx.say_with(text, markup).await;
        }
        QuizStart::NotEligible => tr!(lang, "quiz-not-eligible"),
        QuizStart::AlreadyPassed => tr!(lang, "quiz-already-passed"),
        QuizStart::NoAttemptsLeft => tr!(lang, "quiz-no-attempts"),
        QuizStart::NoQuestions => tr!(lang, "quiz-no-questions"),
    };
    ctx.answer(None).await?;
    ctx.say(reply).await
}

pub async fn quiz_answer(ctx: &Ctx, person: &Person, attempt: i64, position: u16, choice: u8) -> anyhow::Result<()> {
    let lang = person.lang;
    match learning::answer(&ctx.app, person, attempt, usize::from(position), usize::from(choice)).await? {
        AnswerOutcome::Answered { correct, right, explanation, next, result } => {
            ctx.retire_pressed_keyboard().await;
            ctx.answer(None).await?;
            let mut feedback =
                vec![if correct { tr!(lang, "quiz-right") } else { tr!(lang, "quiz-wrong", right = right) }];
            feedback.push(tr!(lang, "quiz-explanation", explanation = explanation));
            ctx.say(feedback.join("\n")).await?;
            if let Some(next) = next {
                let (text, markup) = question_message(lang, &next);
                return ctx.say_with(text, markup).await;
            }
            let Some(result) = result else { return Ok(()) };
            if result.passed {
                ctx.say_with(
                    tr!(lang, "quiz-passed", correct = result.correct, total = result.total),
                    keyboards::main_menu(person),
                )
                .await?;
                // The score first, then (through the outbox) the congratulation and certificate.
                learning::evaluate(&ctx.app, result.order_id).await?;
                return Ok(());
            }
            let mut text = vec![tr!(lang, "quiz-failed", correct = result.correct, total = result.total)];
            if !result.missed.is_empty() {
                text.push(String::new());
                text.push(tr!(lang, "quiz-review-title"));
                for m in &result.missed {
                    text.push(tr!(
                        lang,
                        "quiz-review-line",
                        text = m.text.as_str(),
                        right = m.right.as_str(),
                        explanation = m.explanation.as_str()
                    ));
                }
            }
            if result.retake_allowed {
                let rows = vec![vec![button(tr!(lang, "btn-retake"), Cb::QuizStart(result.order_id))]];
                ctx.say_with(text.join("\n"), InlineKeyboardMarkup::new(rows)).await
            } else {
                text.push(tr!(lang, "quiz-no-retake"));
                ctx.say(text.join("\n")).await
            }
        }
        AnswerOutcome::Stale(current) => {
            ctx.answer(Some(tr!(lang, "quiz-stale"))).await?;
            match current {
                Some(q) => {
                    let (text, markup) = question_message(lang, &q);
                    ctx.say_with(text, markup).await
                }
                None => Ok(()),
            }
        }
        AnswerOutcome::Closed => ctx.answer(Some(tr!(lang, "quiz-closed"))).await,
        AnswerOutcome::NotYours => ctx.answer(Some(tr!(lang, "not-allowed"))).await,
    }
}

/// `/credits`: a cadre's credits this year, by course.
pub async fn credits(ctx: &Ctx, person: &Person) -> anyhow::Result<()> {
    let lang = person.lang;
    let year = chrono::Datelike::year(&ctx.app.now().with_timezone(&ctx.app.config.default_timezone));
    let rows = learning::credits_this_year(&ctx.app, person).await?;
    let earned: Vec<_> = rows.iter().filter(|(c, _)| c.credits_tenths > 0).collect();
    if earned.is_empty() {
        return ctx.say(tr!(lang, "credits-none")).await;
    }
    let mut text = vec![tr!(lang, "credits-title", year = year)];
    let mut total = 0;
    for (c, course) in &earned {
        total += c.credits_tenths;
        text.push(tr!(
            lang,
            "credits-line",
            course = course.display_title(lang),
            credits = crate::domain::catalog::Credits::from_tenths(c.credits_tenths).to_string(),
            date = crate::i18n::local_date(
                lang,
                c.completed_at.with_timezone(&ctx.app.config.default_timezone).date_naive()
            )
        ));
    }
    text.push(tr!(lang, "credits-total", total = crate::domain::catalog::Credits::from_tenths(total).to_string()));
    ctx.say(text.join("\n")).await
}

/// `/export_credits`: the coordinator's CSV of cadres' credits this year.
pub async fn export_credits(ctx: &Ctx, person: &Person) -> anyhow::Result<()> {
    let lang = person.lang;
    if !person.has_role(Role::Coordinator) {
        tracing::warn!(user = person.user_id, "/export_credits from a non-coordinator");
        return ctx.say(tr!(lang, "not-allowed")).await;
    }
    let Some(csv) = learning::credits_csv(&ctx.app, person, lang).await? else {
        return ctx.say(tr!(lang, "not-allowed")).await;
    };
    let rows = String::from_utf8_lossy(&csv).lines().count().saturating_sub(1);
    if rows == 0 {
        return ctx.say(tr!(lang, "credits-export-none")).await;
    }
    let year = chrono::Datelike::year(&ctx.app.now().with_timezone(&ctx.app.config.default_timezone));
    ctx.bot
        .send_document(ctx.chat, InputFile::memory(csv).file_name(format!("credits-{year}.csv")))
        .caption(tr!(lang, "credits-export-caption", year = year, count = rows))
        .await?;
    Ok(())
}

/// Whether a button belongs to attendance and quizzes (these work in any dialog state).
pub fn is_learning_button(cb: &Cb) -> bool {
    matches!(
        cb,
        Cb::OpenCheckin(_)
            | Cb::Roster(_)
            | Cb::CloseCheckin(_)
            | Cb::Mark { .. }
            | Cb::Practical { .. }
            | Cb::CheckIn(_)
            | Cb::QuizStart(_)
            | Cb::QuizAnswer { .. }
    )
}

pub async fn callback(ctx: Ctx, cb: Cb) -> anyhow::Result<()> {
    let Some(person) = ctx.person.clone() else { return ctx.answer_stale().await };
    match cb {
        Cb::OpenCheckin(s) => open(&ctx, &person, s).await,
        Cb::Roster(s) => roster_button(&ctx, &person, s).await,
        Cb::CloseCheckin(s) => close(&ctx, &person, s).await,
        Cb::Mark { session, order, present } => mark(&ctx, &person, session, order, present).await,
        Cb::Practical { session, order, passed } => practical(&ctx, &person, session, order, passed).await,
        Cb::CheckIn(s) => check_in_button(&ctx, &person, s).await,
        Cb::QuizStart(o) => quiz_start(&ctx, &person, o).await,
        Cb::QuizAnswer { attempt, position, choice } => quiz_answer(&ctx, &person, attempt, position, choice).await,
        _ => ctx.answer_stale().await,
    }
}
