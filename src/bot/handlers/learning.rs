//! Trainers take attendance (a code, a live roster, hand marks, practical checks); trainees check
//! in (the code read out in the room, or their location at the venue) and take the quiz; anyone can
//! verify a certificate; cadres see their credits; coordinators export them.
//!
//! Quizzes use inline buttons, not Telegram's quiz polls: the question and our own feedback with the
//! explanation come as ordinary large text that old phones show well, options can be read out, the
//! answer is checked against the stored attempt (so an old or repeated tap is answered, not counted),
//! and nothing depends on poll updates, which have no chat and arrive separately.

use teloxide::prelude::*;
use teloxide::types::{
    ButtonRequest, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, KeyboardButton, KeyboardMarkup, MessageId,
};

use crate::bot::access::refuse;
use crate::bot::context::Ctx;
use crate::bot::keyboards::{self, button};
use crate::db;
use crate::domain::callback::Cb;
use crate::domain::learning::{CheckinCode, GeoPoint, typed_option};
use crate::domain::person::{Person, Role};
use crate::i18n::Lang;
use crate::services::learning::{
    self, AnswerOutcome, CheckinOutcome, MarkOutcome, OpenOutcome, QuestionView, QuizStart, Roster,
};
use crate::tr;

/// The button that sends a completed order's certificate again (for "my courses").
pub fn certificate_button(lang: Lang, order_id: i64) -> InlineKeyboardButton {
    button(tr!(lang, "btn-certificate"), Cb::Certificate(order_id))
}

/// "12月20日 09:00" in the zone.
fn local_time(lang: Lang, tz: chrono_tz::Tz, at: chrono::DateTime<chrono::Utc>) -> String {
    use chrono::Datelike;
    let local = at.with_timezone(&tz);
    tr!(lang, "learning-date-time", month = local.month(), day = local.day(), time = local.format("%H:%M").to_string())
}

/// `/checkin`: the trainer's sessions of today whose check-in window is open, to open check-in for one.
pub async fn choose_session(ctx: &Ctx, person: &Person) -> anyhow::Result<()> {
    let lang = person.lang;
    if !crate::services::access::holds(&ctx.app, person, Role::Trainer).await? {
        return refuse(ctx, "/checkin from a non-trainer").await;
    }
    let choices = learning::checkin_choices(&ctx.app, person).await?;
    if choices.open.is_empty() {
        return ctx
            .say(match choices.next_today {
                Some((opens, tz)) => {
                    tr!(lang, "checkin-next-today", opens = opens.with_timezone(&tz).format("%H:%M").to_string())
                }
                None => tr!(lang, "checkin-no-sessions", contact = ctx.office_contact_arg().await),
            })
            .await;
    }
    let rows: Vec<Vec<InlineKeyboardButton>> = choices
        .open
        .iter()
        .map(|info| {
            let label = tr!(
                lang,
                "checkin-session-button",
                when = learning::when(lang, info.tz, &info.session),
                course = info.course.display_title(lang)
            );
            // The session's id, never its position in this list: the button means the same tomorrow.
            vec![button(label, Cb::OpenCheckin(info.session.id))]
        })
        .collect();
    ctx.say_with(tr!(lang, "checkin-choose-session"), InlineKeyboardMarkup::new(rows)).await
}

pub async fn open(ctx: &Ctx, person: &Person, session_id: i64) -> anyhow::Result<()> {
    let lang = person.lang;
    match learning::open_checkin(&ctx.app, person, session_id).await? {
        OpenOutcome::Opened { code, expires_at } => {
            ctx.answer(None).await?;
            let seconds = (expires_at - ctx.app.now()).num_seconds().max(0);
            let minutes = (seconds + 59) / 60;
            ctx.say(tr!(lang, "checkin-opened", code = code.as_str(), minutes = minutes)).await?;
            send_roster(ctx, person, session_id).await
        }
        // Someone else's session and no session at all are told apart by nobody.
        OpenOutcome::NotYours | OpenOutcome::Unknown => refuse(ctx, "opening check-in of a session not taught").await,
        OpenOutcome::NotYet { opens, tz } => {
            ctx.answer(Some(tr!(lang, "checkin-not-yet", opens = local_time(lang, tz, opens)))).await
        }
        OpenOutcome::Ended => ctx.answer(Some(tr!(lang, "checkin-ended"))).await,
    }
}

fn roster_view(lang: Lang, roster: &Roster) -> (String, InlineKeyboardMarkup) {
    let (text, rows) = learning::roster_message(lang, roster);
    let rows: Vec<Vec<InlineKeyboardButton>> = rows
        .into_iter()
        .map(|row| row.into_iter().map(|(label, data)| InlineKeyboardButton::callback(label, data)).collect())
        .collect();
    (text, InlineKeyboardMarkup::new(rows))
}

/// Sends the roster as a new message and remembers it, so check-ins can update it in place.
async fn send_roster(ctx: &Ctx, person: &Person, session_id: i64) -> anyhow::Result<()> {
    let Some(roster) = learning::roster(&ctx.app, session_id).await? else { return ctx.answer_stale().await };
    let (text, markup) = roster_view(person.lang, &roster);
    let sent = ctx.bot.send_message(ctx.chat, text).reply_markup(markup).await?;
    db::learning::set_roster_message(&ctx.app.db, session_id, ctx.chat.0, sent.id.0).await?;
    Ok(())
}

/// Redraws a roster message in place (best effort: an old or deleted message just stays as it is).
async fn redraw(ctx: &Ctx, lang: Lang, chat: ChatId, message: MessageId, roster: &Roster) {
    let (text, markup) = roster_view(lang, roster);
    if let Err(e) = ctx.bot.edit_message_text(chat, message, text).reply_markup(markup).await {
        tracing::debug!(session_id = roster.session.id, error = %e, "roster not redrawn");
    }
}

/// Redraws the live roster of the session's check-in, and the message a roster button was pressed
/// on when that is another one (the request to mark attendance by hand).
async fn refresh_rosters(ctx: &Ctx, session_id: i64) {
    let Ok(Some(roster)) = learning::roster(&ctx.app, session_id).await else { return };
    let live = match db::learning::checkin(&ctx.app.db, session_id).await {
        Ok(Some(checkin)) => {
            let lang = match db::people::find(&ctx.app.db, checkin.opened_by).await {
                Ok(Some(p)) => p.lang,
                _ => Lang::Zh,
            };
            checkin.roster.map(|(chat, message)| (ChatId(chat), MessageId(message), lang))
        }
        _ => None,
    };
    if let Some((chat, message, lang)) = live {
        redraw(ctx, lang, chat, message, &roster).await;
    }
    if let Some(pressed) = ctx.callback_message()
        && live.is_none_or(|(chat, message, _)| chat != ctx.chat || message != pressed)
    {
        redraw(ctx, ctx.lang, ctx.chat, pressed, &roster).await;
    }
}

pub async fn roster_button(ctx: &Ctx, person: &Person, session_id: i64) -> anyhow::Result<()> {
    if !learning::is_trainer_of(&ctx.app, person, session_id).await? {
        return refuse(ctx, "roster of a session not taught").await;
    }
    // Redraw first: the answered button then means the roster shows the change.
    refresh_rosters(ctx, session_id).await;
    ctx.answer(None).await
}

pub async fn close(ctx: &Ctx, person: &Person, session_id: i64) -> anyhow::Result<()> {
    if !learning::is_trainer_of(&ctx.app, person, session_id).await? {
        return refuse(ctx, "closing check-in of a session not taught").await;
    }
    db::learning::close_checkin(&ctx.app.db, session_id, ctx.app.now()).await?;
    refresh_rosters(ctx, session_id).await;
    ctx.answer(Some(tr!(person.lang, "roster-closed"))).await
}

pub async fn mark(ctx: &Ctx, person: &Person, session: i64, order: i64, present: bool) -> anyhow::Result<()> {
    match learning::trainer_mark(&ctx.app, person, session, order, present).await? {
        MarkOutcome::Marked => {
            refresh_rosters(ctx, session).await;
            ctx.answer(None).await
        }
        MarkOutcome::NotYours => refuse(ctx, "attendance mark in a session not taught").await,
        MarkOutcome::TooLate => {
            refresh_rosters(ctx, session).await;
            ctx.answer(Some(tr!(person.lang, "mark-too-late"))).await
        }
    }
}

pub async fn practical(ctx: &Ctx, person: &Person, session: i64, order: i64, passed: bool) -> anyhow::Result<()> {
    if !learning::trainer_practical(&ctx.app, person, session, order, passed).await? {
        return refuse(ctx, "practical check in a session not taught").await;
    }
    refresh_rosters(ctx, session).await;
    ctx.answer(None).await
}

fn checkin_reply(lang: Lang, outcome: &CheckinOutcome) -> String {
    match outcome {
        CheckinOutcome::CheckedIn { course } => tr!(lang, "checkin-done", course = course.display_title(lang)),
        CheckinOutcome::Already { course } => tr!(lang, "checkin-already", course = course.display_title(lang)),
        CheckinOutcome::Prompt { course, location: false } => {
            tr!(lang, "checkin-prompt", course = course.display_title(lang))
        }
        CheckinOutcome::Prompt { course, location: true } => {
            tr!(lang, "checkin-prompt-location", course = course.display_title(lang))
        }
        CheckinOutcome::WrongCode { tries_left } => tr!(lang, "checkin-wrong-code", left = *tries_left),
        CheckinOutcome::Locked { until, tz } => {
            tr!(lang, "checkin-locked", until = until.with_timezone(tz).format("%H:%M").to_string())
        }
        CheckinOutcome::NoneOpen => tr!(lang, "checkin-none-open"),
        CheckinOutcome::NoSessionNow => tr!(lang, "checkin-no-session-now"),
        CheckinOutcome::TooFar { distance_m, radius_m } => {
            tr!(lang, "checkin-too-far", distance = *distance_m, radius = *radius_m)
        }
        CheckinOutcome::NoVenue => tr!(lang, "checkin-no-venue"),
        CheckinOutcome::NotBooked => tr!(lang, "checkin-not-booked"),
        CheckinOutcome::NotYet { opens, tz } => tr!(lang, "checkin-not-yet", opens = local_time(lang, *tz, *opens)),
        CheckinOutcome::Closed => tr!(lang, "checkin-closed"),
    }
}

/// After a check-in: the roster of that session shows it at once.
async fn after_check_in(ctx: &Ctx, person: &Person, outcome: &CheckinOutcome) -> anyhow::Result<()> {
    if let CheckinOutcome::CheckedIn { .. } = outcome {
        for (session_id, _) in db::learning::sessions_open_for(
            &ctx.app.db,
            person.user_id,
            ctx.app.now(),
            chrono::Duration::minutes(crate::domain::learning::CHECKIN_OPENS_BEFORE_MINUTES),
        )
        .await?
        {
            refresh_rosters(ctx, session_id).await;
        }
    }
    // The reply brings the main menu back (in place of the location keyboard, if it was shown).
    ctx.say_with(checkin_reply(person.lang, outcome), keyboards::main_menu(person)).await
}

/// A typed 4-digit code.
pub async fn typed_code(ctx: &Ctx, person: &Person, code: &CheckinCode) -> anyhow::Result<()> {
    let outcome = learning::check_in_code(&ctx.app, person, code).await?;
    after_check_in(ctx, person, &outcome).await
}

/// A shared location (in the idle state; see [`location_update`] for any state).
pub async fn location(ctx: &Ctx, person: &Person, point: GeoPoint) -> anyhow::Result<()> {
    let outcome = learning::check_in_location(&ctx.app, person, point).await?;
    after_check_in(ctx, person, &outcome).await
}

/// A shared location, whatever dialog is open (the schema routes every location here).
pub async fn location_update(ctx: Ctx, point: GeoPoint) -> anyhow::Result<()> {
    let Some(person) = ctx.person.clone() else { return Ok(()) };
    location(&ctx, &person, point).await
}

/// The "签到" button: asks for the code, and offers to share the location where the venue has
/// coordinates; outside the session's window, says when it opens or that it has closed.
pub async fn check_in_button(ctx: &Ctx, person: &Person, session_id: i64) -> anyhow::Result<()> {
    let lang = person.lang;
    let outcome = learning::check_in_button(&ctx.app, person, session_id).await?;
    // The check-in button of a class one is not booked on (or of no session at all) is someone else's.
    if matches!(outcome, CheckinOutcome::NotBooked) {
        return refuse(ctx, "check-in button of a class not booked").await;
    }
    ctx.answer(None).await?;
    let text = checkin_reply(lang, &outcome);
    match outcome {
        CheckinOutcome::Prompt { location: true, .. } => {
            let keyboard = KeyboardMarkup::new(vec![
                vec![KeyboardButton::new(tr!(lang, "btn-send-location")).request(ButtonRequest::Location)],
                vec![KeyboardButton::new(tr!(lang, "btn-back-to-menu"))],
            ])
            .resize_keyboard()
            .one_time_keyboard();
            ctx.say_with(text, keyboard).await
        }
        _ => ctx.say(text).await,
    }
}

/// Text typed in the idle state that is no menu item: an answer to the quiz question being asked
/// (its number or letter), a check-in code, the location button's label from a phone that cannot
/// share a location, or something not understood.
pub async fn typed(ctx: &Ctx, person: &Person, text: &str) -> anyhow::Result<()> {
    let lang = person.lang;
    let question = learning::running_question(&ctx.app, person).await?;
    if let Some(q) = &question
        && let Some(choice) = typed_option(text, q.options.len())
    {
        let (Ok(position), Ok(choice)) = (u16::try_from(q.position), u8::try_from(choice)) else {
            return ctx.say(tr!(lang, "quiz-use-buttons")).await;
        };
        return quiz_answer(ctx, person, q.attempt_id, position, choice).await;
    }
    // A lesson's check question waiting: its option's number or letter answers it.
    let lesson_question = super::lessons::waiting_question(ctx, person).await?;
    if question.is_none()
        && let Some(q) = &lesson_question
        && super::lessons::answer_typed(ctx, person, q, text).await?
    {
        return Ok(());
    }
    if let Some(code) = CheckinCode::parse(text) {
        // Four digits are a check-in code (answered even when no check-in is open).
        return typed_code(ctx, person, &code).await;
    }
    if let Some(q) = question {
        ctx.say(tr!(lang, "quiz-use-buttons")).await?;
        let (text, markup) = question_message(lang, &q);
        return ctx.say_with(text, markup).await;
    }
    let text = text.trim();
    if Lang::ALL.iter().any(|l| tr!(*l, "btn-send-location") == text) {
        return ctx.say_with(tr!(lang, "checkin-location-how"), keyboards::main_menu(person)).await;
    }
    if Lang::ALL.iter().any(|l| tr!(*l, "btn-back-to-menu") == text) {
        return ctx.say_with(tr!(lang, "menu-title"), keyboards::main_menu(person)).await;
    }
    if let Some(q) = lesson_question {
        return super::lessons::ask_again(ctx, lang, &q).await;
    }
    if crate::services::lessons::reading_open(&ctx.app, person).await? {
        return ctx.say_with(tr!(lang, "lesson-use-buttons"), keyboards::main_menu(person)).await;
    }
    ctx.say_with(tr!(lang, "menu-unknown"), keyboards::main_menu(person)).await
}

/// `/start v-<CODE>`: the certificate's verification link (its QR code), for anyone, registered or
/// not, in the reader's language.
pub async fn verify_link(ctx: &Ctx, code: &str) -> anyhow::Result<()> {
    let lang = ctx.lang;
    let revoked = match crate::domain::learning::normalize_certificate_code(code) {
        Some(code) => crate::services::erasure::revoked_line(&ctx.app, &code, lang).await?,
        None => None,
    };
    let text = match (revoked, learning::verify(&ctx.app, code, lang).await?) {
        // Revoked at the holder's request: said as it is, without the "checked" tick.
        (Some(revoked), _) => revoked,
        (None, Some(line)) => tr!(lang, "verify-found", line = line),
        (None, None) => {
            tracing::info!(user = ctx.user_id, code, "verification of an unknown certificate code");
            tr!(lang, "verify-unknown")
        }
    };
    match &ctx.person {
        Some(person) => ctx.say_with(text, keyboards::main_menu(person)).await,
        None => ctx.say(text).await,
    }
}

/// The certificate of a completed order again (checked: the presser's own completed order).
pub async fn certificate(ctx: &Ctx, person: &Person, order_id: i64) -> anyhow::Result<()> {
    if !crate::services::access::owns_order(&ctx.app, person, order_id).await? {
        return refuse(ctx, "certificate of an order not theirs").await;
    }
    let Some(copy) = learning::certificate_again(&ctx.app, person, order_id).await? else {
        return ctx.answer(Some(tr!(person.lang, "certificate-none"))).await;
    };
    ctx.answer(None).await?;
    match copy.png {
        Some(png) => {
            ctx.bot
                .send_photo(ctx.chat, InputFile::memory(png).file_name("certificate.png"))
                .caption(copy.text)
                .await?;
            Ok(())
        }
        None => ctx.say(copy.text).await,
    }
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
    if !crate::services::access::owns_order(&ctx.app, person, order_id).await? {
        return refuse(ctx, "quiz of an order not theirs").await;
    }
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
                return learning::settle(&ctx.app, result.order_id).await;
            }
            let mut text =
                vec![tr!(lang, "quiz-failed", correct = result.correct, total = result.total, needed = result.needed)];
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
                // No retake left: the order can no longer complete (settled before the reply says so).
                learning::settle(&ctx.app, result.order_id).await?;
                text.push(tr!(lang, "quiz-no-retake"));
                ctx.say_with(text.join("\n"), keyboards::main_menu(person)).await
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
        AnswerOutcome::Closed => {
            if ctx.is_callback() {
                ctx.answer(Some(tr!(lang, "quiz-closed"))).await
            } else {
                ctx.say(tr!(lang, "quiz-closed")).await
            }
        }
        AnswerOutcome::NotYours => refuse(ctx, "answer to a quiz attempt not theirs").await,
    }
}

/// `/credits`: a cadre's credits this year, from classes (by course) and from lessons, and the total.
pub async fn credits(ctx: &Ctx, person: &Person) -> anyhow::Result<()> {
    use crate::domain::catalog::Credits;
    let lang = person.lang;
    let year = learning::credits_year(&ctx.app, person).await?;
    let tz = year.tz;
    let classes: Vec<_> = learning::credits_this_year(&ctx.app, person)
        .await?
        .into_iter()
        .filter(|(c, _)| c.credits_tenths > 0)
        .collect();
    let lessons = crate::services::lessons::credits_of_year(&ctx.app, person, year.year, lang).await?;
    if classes.is_empty() && lessons.is_empty() {
        return ctx.say(tr!(lang, "credits-none")).await;
    }
    let mut text = vec![tr!(lang, "credits-title", year = year.year)];
    let mut total = Credits::ZERO;
    if !classes.is_empty() {
        text.push(tr!(lang, "credits-source-classes"));
    }
    for (c, course) in &classes {
        let credits = Credits::from_tenths(c.credits_tenths);
        total = total + credits;
        text.push(tr!(
            lang,
            "credits-line",
            course = course.display_title(lang),
            credits = credits.to_string(),
            date = crate::i18n::local_date(lang, c.completed_at.with_timezone(&tz).date_naive())
        ));
    }
    if !lessons.is_empty() {
        text.push(tr!(lang, "credits-source-lessons"));
    }
    for (title, credits, earned_at) in &lessons {
        total = total + *credits;
        text.push(tr!(
            lang,
            "credits-lesson-line",
            lesson = title.as_str(),
            credits = credits.to_string(),
            date = crate::i18n::local_date(lang, earned_at.with_timezone(&tz).date_naive())
        ));
    }
    text.push(tr!(lang, "credits-total", total = total.to_string(), n = total.as_number()));
    ctx.say(text.join("\n")).await
}

/// `/export_credits`: the coordinator's CSV of cadres' credits this year.
pub async fn export_credits(ctx: &Ctx, person: &Person) -> anyhow::Result<()> {
    let lang = person.lang;
    if !crate::services::access::holds(&ctx.app, person, Role::Coordinator).await? {
        return refuse(ctx, "/export_credits from a non-coordinator").await;
    }
    let Some(csv) = learning::credits_csv(&ctx.app, person, lang).await? else {
        return refuse(ctx, "/export_credits without a region").await;
    };
    let rows = String::from_utf8_lossy(&csv).lines().count().saturating_sub(1);
    if rows == 0 {
        return ctx.say(tr!(lang, "credits-export-none")).await;
    }
    let year = chrono::Datelike::year(&ctx.app.now().with_timezone(&ctx.app.config.default_timezone));
    // Names leave the system: one audit entry per region the file covers.
    for grant in person.roles.iter().filter(|g| g.role == Role::Coordinator) {
        let entry = crate::db::audit::AuditEntry::new(
            ctx.app.now(),
            crate::db::audit::Actor::User(person.user_id),
            crate::db::audit::AuditAction::Export,
            "credits-csv",
        )
        .region(grant.region_key.clone())
        .detail(format!("year={year} rows={rows}"));
        crate::services::audit::record_now(&ctx.app, &entry).await?;
    }
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
            | Cb::Certificate(_)
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
        Cb::Certificate(o) => certificate(&ctx, &person, o).await,
        _ => ctx.answer_stale().await,
    }
}
