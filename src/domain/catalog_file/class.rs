//! A `[[class]]` entry with its `[[class.session]]` sessions, venues and translations.

use std::collections::HashSet;

use chrono::{NaiveDate, NaiveTime};

use super::{Checker, ClassToml, SessionRow, SessionToml, ValidatedClass, parse_date, parse_times, quoted};
use crate::domain::catalog::{Class, ClassStatus, SessionStatus};

/// Checks one class and its sessions (references to its course and region are checked with storage).
pub(super) fn check(c: &mut Checker<'_>, cl: &ClassToml) -> ValidatedClass {
    let item = quoted("class", cl.key.get_ref());
    c.key(&cl.key, &item);
    c.text(&cl.place, &item, "place", 80);
    let capacity = *cl.capacity.get_ref();
    if !(1..=10_000).contains(&capacity) {
        c.report(&cl.capacity.span(), &item, "capacity", "must be 1-10000 seats");
    }
    let status = match &cl.status {
        None => ClassStatus::Open,
        Some(s) => ClassStatus::parse(s.get_ref()).unwrap_or_else(|| {
            c.report(&s.span(), &item, "status", "must be open, closed or cancelled");
            ClassStatus::Open
        }),
    };
    let class_venue = c.venue(&cl.lat, &cl.lon, &cl.radius_m, &item);
    let mut sessions = Vec::new();
    let mut session_span = Vec::new();
    let mut timed = Vec::new();
    let mut seen = HashSet::new();
    for s in &cl.session {
        let s_item = format!("{item}, session {:?}", s.key.get_ref());
        c.unique(&mut seen, &s.key, &s_item);
        let (row, is_timed) = session(c, s, &s_item);
        sessions.push(row);
        session_span.push(s.date.span());
        timed.push(is_timed);
    }
    ValidatedClass {
        class: Class {
            key: cl.key.get_ref().clone(),
            course_key: cl.course.get_ref().clone(),
            region_key: cl.region.get_ref().clone(),
            place: cl.place.get_ref().trim().to_owned(),
            capacity,
            status,
            venue: class_venue,
            tr: c.translations(&cl.tr, &cl.key.span(), &item, &[("place", 160, false)], 0),
        },
        course_span: cl.course.span(),
        region_span: cl.region.span(),
        sessions,
        session_span,
        timed,
    }
}

/// Checks one session; `s_item` names it in problems. Returns it as written and whether its date and
/// times could be read (an untimed session is not checked against the clock: its problem is said).
fn session(c: &mut Checker<'_>, s: &SessionToml, s_item: &str) -> (SessionRow, bool) {
    c.key(&s.key, s_item);
    let date = parse_date(s.date.get_ref()).unwrap_or_else(|why| {
        c.report(&s.date.span(), s_item, "date", why);
        NaiveDate::MIN
    });
    let (start, end) = parse_times(s.time.get_ref()).unwrap_or_else(|why| {
        c.report(&s.time.span(), s_item, "time", why);
        (NaiveTime::MIN, NaiveTime::MIN)
    });
    let is_timed = date != NaiveDate::MIN && start != end;
    let status = match &s.status {
        None => SessionStatus::Scheduled,
        Some(st) => SessionStatus::parse(st.get_ref()).unwrap_or_else(|| {
            c.report(&st.span(), s_item, "status", "must be scheduled or cancelled");
            SessionStatus::Scheduled
        }),
    };
    let venue = c.venue(&s.lat, &s.lon, &s.radius_m, s_item);
    let tr = c.translations(&s.tr, &s.key.span(), s_item, &[("place", 160, false), ("topic", 160, false)], 0);
    ((s.key.get_ref().clone(), date, start, end, s.place.clone(), s.topic.clone(), status, venue, tr), is_timed)
}

#[cfg(test)]
mod tests {
    use super::super::said;

    fn class(extra: &str, session: &str) -> String {
        format!(
            "[[class]]\nkey = \"mushroom-12\"\ncourse = \"mushroom\"\nregion = \"xinan\"\nplace = \"农技站\"\n\
             capacity = 30\n{extra}\n[[class.session]]\nkey = \"s1\"\n{session}"
        )
    }

    const SESSION: &str = "date = \"2026-12-12\"\ntime = \"09:00-11:30\"\n";

    #[test]
    fn a_class_with_a_session_is_clean() {
        assert_eq!(said(&class("", SESSION)), Vec::<String>::new());
    }

    #[test]
    fn class_fields_and_each_session_are_checked() {
        let item = "class \"mushroom-12\"";
        assert_eq!(said(&class("status = \"full\"\n", SESSION)), vec![format!("{item}: status")]);
        let no_seats = class("", SESSION).replace("capacity = 30", "capacity = 0");
        assert_eq!(said(&no_seats), vec![format!("{item}: capacity")]);
        let session = format!("{item}, session \"s1\"");
        assert_eq!(
            said(&class("", "date = \"2026-12-32\"\ntime = \"09:00-11:30\"\n")),
            vec![format!("{session}: date")]
        );
        assert_eq!(
            said(&class("", "date = \"2026-12-12\"\ntime = \"11:30-09:00\"\n")),
            vec![format!("{session}: time")]
        );
        assert_eq!(said(&class("", &format!("{SESSION}status = \"maybe\"\n"))), vec![format!("{session}: status")]);
        let twice = format!("{}\n[[class.session]]\nkey = \"s1\"\n{SESSION}", class("", SESSION));
        assert_eq!(said(&twice), vec![format!("{session}: key")]);
    }
}
