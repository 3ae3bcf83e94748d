//! Texts built from several locale lines: the course card, the order summary, "my courses".

use crate::domain::catalog::{Course, Trainer};
use crate::i18n::Lang;
use crate::services::orders::{ClassInfo, MyOrder, status_label};
use crate::tr;

/// What a person reads before choosing a class: what they learn, how, with whom, at what cost.
pub fn course_card(lang: Lang, course: &Course, trainer: Option<&Trainer>) -> String {
    let mut lines =
        vec![format!("📘 {}", course.display_title(lang)), course.summary_in(lang).to_owned(), String::new()];
    lines.push(tr!(lang, "course-mode", mode = course.mode.label(lang)));
    if let Some(t) = trainer {
        lines.push(tr!(lang, "course-trainer", name = t.name_in(lang), title = t.title_in(lang)));
    }
    lines.push(tr!(lang, "course-cost-line", cost = course.cost_label(lang)));
    if course.credits > crate::domain::catalog::Credits::ZERO {
        // "Credits: 1.5" (the line names the unit).
        lines.push(tr!(lang, "course-credits-line", credits = course.credits.to_string()));
    }
    if let Some(bring) = course.what_to_bring_in(lang) {
        lines.push(tr!(lang, "course-bring", items = bring));
    }
    if course.needs_approval {
        lines.push(String::new());
        lines.push(tr!(lang, "course-needs-approval"));
    }
    lines.join("\n")
}

/// The label of a class button: where, when it starts, seats left or "full, waitlist".
pub fn class_button(lang: Lang, info: &ClassInfo) -> String {
    let date = info
        .first_start()
        .map(|t| crate::i18n::local_date(lang, t.with_timezone(&info.tz).date_naive()))
        .unwrap_or_default();
    let seats = match info.seats_left() {
        0 => tr!(lang, "class-full-waitlist"),
        n => tr!(lang, "class-seats-left", n = n),
    };
    tr!(lang, "class-button", place = info.class.place_in(lang), date = date, seats = seats)
}

/// The order summary shown before Confirm. One place line when every session meets at the class's place;
/// otherwise each session with its own place.
pub fn order_summary(lang: Lang, info: &ClassInfo) -> String {
    let one_place = info.sessions.iter().all(|s| s.place(&info.class) == info.class.place);
    let mut lines = vec![
        tr!(lang, "order-summary-title"),
        String::new(),
        tr!(lang, "summary-course", course = info.course.display_title(lang)),
    ];
    if one_place {
        lines.push(tr!(lang, "summary-place", place = info.class.place_in(lang)));
        lines.push(tr!(lang, "summary-sessions"));
        lines.extend(info.timetable(lang).into_iter().map(|t| format!("  • {t}")));
    } else {
        lines.push(tr!(lang, "summary-sessions-places"));
        for (when, session) in info.timetable(lang).into_iter().zip(&info.sessions) {
            lines.push(format!("  • {when} · {}", session.place_in(&info.class, lang)));
        }
    }
    lines.push(tr!(lang, "course-cost-line", cost = info.course.cost_label(lang)));
    if let Some(bring) = info.course.what_to_bring_in(lang) {
        lines.push(tr!(lang, "course-bring", items = bring));
    }
    match info.seats_left() {
        0 => lines.push(tr!(lang, "class-full-waitlist")),
        n => lines.push(tr!(lang, "class-seats-left", n = n)),
    }
    if info.course.needs_approval {
        lines.push(tr!(lang, "course-needs-approval"));
    }
    lines.join("\n")
}

/// One order in "my courses": which class (course, first date, place), number and status, then the next
/// session or the waitlist place.
pub fn my_order(lang: Lang, item: &MyOrder, now: chrono::DateTime<chrono::Utc>) -> String {
    let class = item.info.as_ref().map(|i| i.reference().label(lang)).unwrap_or_default();
    let status =
        if item.offer_lapsed { tr!(lang, "status-offer-expired") } else { status_label(lang, item.order.status) };
    let mut lines =
        vec![tr!(lang, "my-courses-order", class = class, number = item.order.number.as_str(), status = status)];
    if let Some(position) = item.position {
        lines.push(tr!(lang, "order-waitlist-position", position = position));
    }
    if item.order.cancel_requested_at.is_some() && item.order.status.is_active() && !item.past {
        lines.push(tr!(lang, "my-courses-cancel-requested"));
    }
    if item.order.status.is_cancellable()
        && let Some(info) = &item.info
    {
        match info.sessions.iter().find(|s| s.ends_at > now) {
            Some(next) => lines.push(tr!(
                lang,
                "my-courses-next",
                when = crate::i18n::session_when(lang, info.tz, next.starts_at, next.ends_at),
                place = next.place_in(&info.class, lang)
            )),
            None => lines.push(tr!(lang, "my-courses-sessions-over")),
        }
    }
    lines.join("\n")
}
