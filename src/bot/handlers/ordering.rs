//! Sign-up: browse categories → courses → a course card → a class → the order summary → confirm;
//! "my courses" with cancel; and the buttons on order messages (offers, approvals). Every pressed
//! key is re-checked against storage by the services; these handlers only choose what to show.

use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup, InputFile};

use crate::bot::context::Ctx;
use crate::bot::format;
use crate::bot::keyboards::{self, button};
use crate::db;
use crate::domain::callback::Cb;
use crate::domain::catalog::Category;
use crate::domain::order::{OrderAction, OrderStatus};
use crate::domain::person::Person;
use crate::services::orders::{self, ActionOutcome, PlaceOutcome, status_label};
use crate::services::reminders::{self, RsvpOutcome};
use crate::tr;

/// Courses per page: a cheap phone shows about this many buttons without scrolling.
const PAGE_SIZE: usize = 6;

/// The categories that have something on offer for this person, with counts.
pub async fn browse(ctx: &Ctx, person: &Person) -> anyhow::Result<()> {
    let lang = person.lang;
    let offered = orders::offered_courses(&ctx.app, person).await?;
    let mut rows: Vec<Vec<InlineKeyboardButton>> = Vec::new();
    for category in Category::for_audience(person.audience) {
        let count = offered.iter().filter(|c| c.category == category).count();
        if count > 0 {
            rows.push(vec![button(
                tr!(lang, "browse-category-button", category = category.label(lang), count = count),
                Cb::Category(category, 1),
            )]);
        }
    }
    rows.push(vec![request_button(lang)]);
    let text =
        if offered.is_empty() { tr!(lang, "browse-nothing-offered") } else { tr!(lang, "browse-choose-category") };
    ctx.answer(None).await?;
    ctx.say_with(text, InlineKeyboardMarkup::new(rows)).await
}

fn request_button(lang: crate::i18n::Lang) -> InlineKeyboardButton {
    button(tr!(lang, "btn-request-course"), Cb::RequestOpen)
}

pub async fn category(ctx: &Ctx, person: &Person, category: Category, page: u8) -> anyhow::Result<()> {
    let lang = person.lang;
    if category.audience() != person.audience {
        tracing::warn!(user = person.user_id, ?category, "category of the other audience requested");
        return ctx.answer_stale().await;
    }
    let courses: Vec<_> =
        orders::offered_courses(&ctx.app, person).await?.into_iter().filter(|c| c.category == category).collect();
    if courses.is_empty() {
        ctx.answer(None).await?;
        return browse(ctx, person).await;
    }
    let pages = courses.len().div_ceil(PAGE_SIZE);
    let page = usize::from(page).clamp(1, pages);
    let mut rows: Vec<Vec<InlineKeyboardButton>> = courses
        .iter()
        .skip((page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .map(|c| vec![button(c.display_title(lang), Cb::Course(c.key.clone()))])
        .collect();
    let mut nav = Vec::new();
    if page > 1 {
        nav.push(button(tr!(lang, "btn-prev-page"), Cb::Category(category, (page - 1) as u8)));
    }
    if page < pages {
        nav.push(button(tr!(lang, "btn-next-page"), Cb::Category(category, (page + 1) as u8)));
    }
    if !nav.is_empty() {
        rows.push(nav);
    }
    rows.push(vec![button(tr!(lang, "btn-back"), Cb::Browse)]);
    ctx.answer(None).await?;
    ctx.say_with(
        tr!(lang, "browse-category-title", category = category.label(lang), page = page, pages = pages),
        InlineKeyboardMarkup::new(rows),
    )
    .await
}

pub async fn course(ctx: &Ctx, person: &Person, key: &str) -> anyhow::Result<()> {
    let lang = person.lang;
    let Some(course) = db::catalog::course(&ctx.app.db, key).await? else {
        tracing::warn!(user = person.user_id, key, "unknown course in callback data");
        return ctx.answer_stale().await;
    };
    if course.audience != person.audience {
        tracing::warn!(user = person.user_id, key, "course of the other audience requested");
        ctx.answer(None).await?;
        return ctx.say(tr!(lang, "order-not-for-you")).await;
    }
    let trainer = db::catalog::trainer(&ctx.app.db, &course.trainer_key).await?;
    let classes = orders::orderable_classes(&ctx.app, person, key).await?;
    let mut rows: Vec<Vec<InlineKeyboardButton>> = classes
        .iter()
        .map(|info| vec![button(format::class_button(lang, info), Cb::Class(info.class.key.clone()))])
        .collect();
    rows.push(vec![button(tr!(lang, "btn-back"), Cb::Category(course.category, 1))]);
    let mut text = format::course_card(lang, &course, trainer.as_ref());
    text.push_str("\n\n");
    text.push_str(&if classes.is_empty() { tr!(lang, "course-no-classes") } else { tr!(lang, "course-choose-class") });
    ctx.answer(None).await?;
    if let Some(url) = course.photo.as_deref().and_then(|u| u.parse().ok()) {
        // A picture helps people who read little; if Telegram cannot fetch it, the card still goes.
        if let Err(e) = ctx.bot.send_photo(ctx.chat, InputFile::url(url)).await {
            tracing::warn!(course = key, error = %e, "course photo could not be sent");
        }
    }
    ctx.say_with(text, InlineKeyboardMarkup::new(rows)).await
}

pub async fn class(ctx: &Ctx, person: &Person, key: &str) -> anyhow::Result<()> {
    let lang = person.lang;
    let Some(info) = orders::class_info(&ctx.app, key).await? else { return ctx.answer_stale().await };
    if info.course.audience != person.audience {
        tracing::warn!(user = person.user_id, key, "class of the other audience requested");
        ctx.answer(None).await?;
        return ctx.say(tr!(lang, "order-not-for-you")).await;
    }
    if !orders::is_orderable(&info, ctx.app.now()) {
        ctx.answer(None).await?;
        return ctx.say(tr!(lang, "order-class-closed")).await;
    }
    let rows = vec![
        vec![button(tr!(lang, "btn-confirm-order"), Cb::ConfirmOrder(key.to_owned()))],
        vec![button(tr!(lang, "btn-back"), Cb::Course(info.course.key.clone()))],
    ];
    ctx.answer(None).await?;
    ctx.say_with(format::order_summary(lang, &info), InlineKeyboardMarkup::new(rows)).await
}

fn after_order_buttons(lang: crate::i18n::Lang) -> Vec<Vec<teloxide::types::InlineKeyboardButton>> {
    vec![vec![button(tr!(lang, "btn-my-courses"), Cb::MyCourses), button(tr!(lang, "btn-browse"), Cb::Browse)]]
}

pub async fn confirm(ctx: &Ctx, person: &Person, key: &str) -> anyhow::Result<()> {
    let lang = person.lang;
    // Take the buttons off the summary first: a second tap then has nothing to press.
    ctx.retire_pressed_keyboard().await;
    let outcome = orders::place(&ctx.app, person, key).await?;
    let placed = matches!(outcome, PlaceOutcome::Placed { .. });
    let mut text = match outcome {
        PlaceOutcome::Placed { order, no_approver: true, .. } => {
            let pending = tr!(lang, "order-pending", number = order.number.as_str());
            format!("{pending}\n\n{}", tr!(lang, "order-nobody-to-approve", contact = ctx.office_contact_arg().await))
        }
        PlaceOutcome::Placed { order, position, .. } => match order.status {
            OrderStatus::PendingApproval => tr!(lang, "order-pending", number = order.number.as_str()),
            OrderStatus::Waitlisted => {
                tr!(lang, "order-waitlisted", number = order.number.as_str(), position = position.unwrap_or(1))
            }
            _ => tr!(lang, "order-confirmed", number = order.number.as_str()),
        },
        PlaceOutcome::Already(order) => {
            tr!(lang, "order-already", number = order.number.as_str(), status = status_label(lang, order.status))
        }
        PlaceOutcome::ClassClosed => tr!(lang, "order-class-closed"),
        PlaceOutcome::ClassStarted => tr!(lang, "order-class-started"),
        PlaceOutcome::NotForYou => tr!(lang, "order-not-for-you"),
    };
    ctx.answer(None).await?;
    let mut rows = after_order_buttons(lang);
    // The baseline survey rides on the order's reply (one message, not two): until it is answered it
    // is offered with every new order.
    if placed && let Some(survey) = crate::services::surveys::baseline_to_offer(&ctx.app, person.user_id).await? {
        text.push_str("\n\n");
        text.push_str(&tr!(lang, "survey-baseline-offer"));
        rows.insert(
            0,
            vec![
                button(tr!(lang, "btn-survey-start"), Cb::SurveyStart(survey)),
                button(tr!(lang, "btn-survey-later"), Cb::SurveyLater(survey)),
            ],
        );
    }
    ctx.say_with(text, InlineKeyboardMarkup::new(rows)).await
}

pub async fn my_courses(ctx: &Ctx, person: &Person) -> anyhow::Result<()> {
    let lang = person.lang;
    let items = orders::my_orders(&ctx.app, person.user_id).await?;
    ctx.answer(None).await?;
    if items.is_empty() {
        let rows = vec![vec![button(tr!(lang, "btn-browse"), Cb::Browse)]];
        return ctx.say_with(tr!(lang, "my-courses-empty"), InlineKeyboardMarkup::new(rows)).await;
    }
    let now = ctx.app.now();
    let (past, current): (Vec<_>, Vec<_>) = items.iter().partition(|item| item.past);
    let mut text = Vec::new();
    let mut rows = Vec::new();
    if current.is_empty() {
        text.push(tr!(lang, "my-courses-none-current"));
    } else {
        text.push(tr!(lang, "my-courses-title"));
    }
    for item in &current {
        text.push(String::new());
        text.push(format::my_order(lang, item, now));
        if crate::services::learning::quiz_available(&ctx.app, &item.order).await? {
            let title = item.info.as_ref().map(|i| i.course.display_title(lang).to_owned()).unwrap_or_default();
            rows.push(vec![button(tr!(lang, "btn-quiz", course = title), Cb::QuizStart(item.order.id))]);
        }
        if item.cancel.offers_button()
            && let Some(info) = &item.info
        {
            let class = info.reference();
            rows.push(vec![button(
                tr!(lang, "btn-cancel-order", date = class.date(lang), place = class.place.get(lang)),
                Cb::Order(OrderAction::Cancel(item.order.id)),
            )]);
        }
    }
    if !past.is_empty() {
        text.push(String::new());
        text.push(tr!(lang, "my-courses-past-title"));
        for item in &past {
            text.push(String::new());
            text.push(format::my_order(lang, item, now));
            // A quiz may still be taken after the last session; a certificate can be sent again.
            if crate::services::learning::quiz_available(&ctx.app, &item.order).await? {
                let title = item.info.as_ref().map(|i| i.course.display_title(lang).to_owned()).unwrap_or_default();
                rows.push(vec![button(tr!(lang, "btn-quiz", course = title), Cb::QuizStart(item.order.id))]);
            }
            if item.order.status == OrderStatus::Completed {
                rows.push(vec![super::learning::certificate_button(lang, item.order.id)]);
            }
        }
    }
    ctx.say_with(text.join("\n"), InlineKeyboardMarkup::new(rows)).await
}

/// A button on an order message: offers, cancellation, coordinators' decisions.
pub async fn order_action(ctx: &Ctx, person: &Person, action: OrderAction) -> anyhow::Result<()> {
    let lang = person.lang;
    let outcome = orders::act(&ctx.app, person, action).await?;
    let class_of = |order: &crate::db::orders::OrderRow| {
        let key = order.class_key.clone();
        let app = ctx.app.clone();
        async move { orders::class_info(&app, &key).await.map(|i| i.map(|i| i.reference().label(lang))) }
    };
    let reply = match (&action, outcome) {
        // No such order and someone else's are answered alike.
        (_, ActionOutcome::NotAllowed | ActionOutcome::Unknown) => {
            return crate::bot::access::refuse(ctx, action).await;
        }
        (OrderAction::Cancel(_), ActionOutcome::Done(order)) => {
            let rows = vec![vec![
                button(tr!(lang, "btn-yes-cancel"), Cb::Order(OrderAction::ConfirmCancel(order.id))),
                button(tr!(lang, "btn-keep-order"), Cb::MyCourses),
            ]];
            let class = class_of(&order).await?.unwrap_or_default();
            ctx.answer(None).await?;
            return ctx
                .say_with(
                    tr!(lang, "cancel-confirm", class = class, number = order.number.as_str()),
                    InlineKeyboardMarkup::new(rows),
                )
                .await;
        }
        (_, ActionOutcome::Cancelled { order, seat_passed_on }) => {
            let class = class_of(&order).await?.unwrap_or_default();
            if seat_passed_on {
                tr!(lang, "cancel-done-passed-on", class = class, number = order.number.as_str())
            } else {
                tr!(lang, "cancel-done", class = class, number = order.number.as_str())
            }
        }
        (_, ActionOutcome::CancelRequested(order)) => {
            if matches!(action, OrderAction::ConfirmCancel(_)) && order.cancel_requested_at.is_some() {
                tr!(lang, "cancel-requested", number = order.number.as_str())
            } else {
                tr!(lang, "cancel-already-requested", number = order.number.as_str())
            }
        }
        (_, ActionOutcome::NobodyToAsk(order)) => {
            tr!(lang, "cancel-nobody-to-ask", number = order.number.as_str(), contact = ctx.office_contact_arg().await)
        }
        (_, ActionOutcome::ClassEnded(order)) => tr!(lang, "cancel-class-ended", number = order.number.as_str()),
        (OrderAction::AcceptOffer(_), ActionOutcome::Done(order)) => match order.status {
            OrderStatus::PendingApproval => tr!(lang, "order-pending", number = order.number.as_str()),
            _ => tr!(lang, "order-confirmed", number = order.number.as_str()),
        },
        (OrderAction::AcceptOffer(_) | OrderAction::DeclineOffer(_), ActionOutcome::Stale(_)) => {
            tr!(lang, "offer-gone")
        }
        (OrderAction::DeclineOffer(_), ActionOutcome::Done(order)) => {
            tr!(lang, "offer-declined", number = order.number.as_str())
        }
        (
            OrderAction::Approve(_)
            | OrderAction::Reject(_)
            | OrderAction::AllowCancel(_)
            | OrderAction::RefuseCancel(_),
            ActionOutcome::Done(order),
        ) => tr!(lang, "decision-done", number = order.number.as_str(), status = status_label(lang, order.status)),
        (
            OrderAction::Approve(_)
            | OrderAction::Reject(_)
            | OrderAction::AllowCancel(_)
            | OrderAction::RefuseCancel(_),
            ActionOutcome::Stale(order),
        ) => tr!(lang, "decision-already", number = order.number.as_str(), status = status_label(lang, order.status)),
        (_, ActionOutcome::Stale(order) | ActionOutcome::Done(order)) => {
            tr!(lang, "order-now", status = status_label(lang, order.status))
        }
    };
    ctx.retire_pressed_keyboard().await;
    ctx.answer(None).await?;
    ctx.say_with(reply, keyboards::main_menu(person)).await
}

/// Whether a button belongs to sign-up (then it works in any dialog state: an offer or an approval
/// may be pressed while some other dialog is open).
pub fn is_ordering_button(cb: &Cb) -> bool {
    matches!(
        cb,
        Cb::Browse
            | Cb::Category(..)
            | Cb::Course(_)
            | Cb::Class(_)
            | Cb::ConfirmOrder(_)
            | Cb::Order(_)
            | Cb::MyCourses
            | Cb::RequestOpen
            | Cb::RequestTopic(_)
            | Cb::RequestTyped
            | Cb::Rsvp { .. }
    )
}

/// Routes a sign-up button of a registered person.
pub async fn callback(ctx: Ctx, cb: Cb) -> anyhow::Result<()> {
    let Some(person) = ctx.person.clone() else { return ctx.answer_stale().await };
    // Browsing leaves a half-typed course request behind.
    if ctx.state != crate::domain::dialog::State::Idle && !matches!(cb, Cb::Order(_)) {
        ctx.set_state(crate::domain::dialog::State::Idle).await?;
    }
    match cb {
        Cb::Browse => browse(&ctx, &person).await,
        Cb::Category(c, page) => category(&ctx, &person, c, page).await,
        Cb::Course(key) => course(&ctx, &person, &key).await,
        Cb::Class(key) => class(&ctx, &person, &key).await,
        Cb::ConfirmOrder(key) => confirm(&ctx, &person, &key).await,
        Cb::Order(action) => order_action(&ctx, &person, action).await,
        Cb::MyCourses => my_courses(&ctx, &person).await,
        Cb::RequestOpen => super::requests::open(&ctx, &person).await,
        Cb::RequestTopic(c) => super::requests::chosen(&ctx, &person, c).await,
        Cb::RequestTyped => super::requests::ask_typed(&ctx, &person).await,
        Cb::Rsvp { order, session, coming } => rsvp(&ctx, &person, order, session, coming).await,
        _ => ctx.answer_stale().await,
    }
}

/// A reminder's buttons. "Can't come" is an absence notice for that one session; giving up the whole
/// order is offered beside it, under the same rule as "my courses".
async fn rsvp(ctx: &Ctx, person: &Person, order: i64, session: i64, coming: bool) -> anyhow::Result<()> {
    let lang = person.lang;
    let (session, tz, cancel) = match reminders::answer(&ctx.app, person, order, session, coming).await? {
        RsvpOutcome::Noted { session, tz, cancel } => (session, tz, cancel),
        RsvpOutcome::NotAllowed => {
            return crate::bot::access::refuse(ctx, "reminder answer for an order not theirs").await;
        }
        RsvpOutcome::Stale => {
            ctx.retire_pressed_keyboard().await;
            ctx.answer(None).await?;
            return ctx.say(tr!(lang, "rsvp-stale")).await;
        }
    };
    ctx.retire_pressed_keyboard().await;
    ctx.answer(None).await?;
    if coming {
        return ctx.say(tr!(lang, "rsvp-noted")).await;
    }
    let when = crate::i18n::session_when(lang, tz, session.starts_at, session.ends_at);
    let mut rows =
        vec![vec![button(tr!(lang, "btn-will-come"), Cb::Rsvp { order, session: session.id, coming: true })]];
    if cancel.offers_button() {
        rows.push(vec![button(tr!(lang, "btn-cancel-whole-order"), Cb::Order(OrderAction::Cancel(order)))]);
    }
    ctx.say_with(tr!(lang, "rsvp-absence-noted", when = when), InlineKeyboardMarkup::new(rows)).await
}
