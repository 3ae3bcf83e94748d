//! An `[[opening]]` entry (用工信息): an employer or cooperative taking on trained people. Checked here
//! against itself with the one rule every opening passes (`domain::job::check_opening`, without a pay
//! floor and a date); the import checks its region and courses against the file and storage, and the
//! floor and the closing date against the region's floor and today (`services::catalog_import`).

use std::ops::Range;

use chrono::NaiveDate;

use super::{Checker, OpeningToml, parse_date, quoted};
use crate::domain::catalog::is_valid_key;
use crate::domain::job::{
    MAX_EMPLOYER_CHARS, MAX_PAY_YUAN, MAX_PLACE_CHARS, MAX_WORK_CHARS, Opening, OpeningProblem, Pay, PayUnit,
    check_opening,
};

/// How `closes` says an opening takes people until further notice.
pub const LONG_TERM: &str = "long-term";
/// The same in Chinese (长期), also read.
const LONG_TERM_ZH: &str = "长期"; // parser data

/// An opening as checked against itself, with where each field is written (for the problems the
/// import finds with storage and the clock).
pub(crate) struct ValidatedOpening {
    pub(crate) opening: Opening,
    pub(crate) region_span: Range<usize>,
    pub(crate) courses_span: Range<usize>,
    /// Each field `check_opening` may name, and its span.
    pub(crate) spans: Vec<(&'static str, Range<usize>)>,
}

impl ValidatedOpening {
    /// Where `field` is written (the key's line for a field left out).
    pub(crate) fn span_of(&self, field: &str) -> Range<usize> {
        let key = self.spans.iter().find(|(f, _)| *f == "key").map(|(_, s)| s.clone()).unwrap_or(0..0);
        self.spans.iter().find(|(f, _)| *f == field).map(|(_, s)| s.clone()).unwrap_or(key)
    }
}

/// Checks one opening.
pub(super) fn check(c: &mut Checker<'_>, o: &OpeningToml) -> ValidatedOpening {
    let item = quoted("opening", o.key.get_ref());
    c.key(&o.key, &item);
    if !is_valid_key(o.region.get_ref()) {
        c.report(&o.region.span(), &item, "region", "is a region's key (example: xinan-tieshan)");
    }

    let unit = match &o.pay_unit {
        None => PayUnit::Month,
        Some(u) => PayUnit::parse(u.get_ref().trim()).unwrap_or_else(|| {
            c.report(&u.span(), &item, "pay_unit", "must be month or day (yuan per month, or per day)");
            PayUnit::Month
        }),
    };
    // `pay = [min, max]` or one figure `[3000]`; out-of-range figures are the rule's to refuse.
    let yuan = |v: i64| u32::try_from(v.clamp(0, i64::from(MAX_PAY_YUAN) + 1)).unwrap_or(0);
    let pay = match o.pay.get_ref().as_slice() {
        [one] => Pay { min_yuan: yuan(*one), max_yuan: yuan(*one), unit },
        [min, max] => Pay { min_yuan: yuan(*min), max_yuan: yuan(*max), unit },
        _ => {
            c.report(
                &o.pay.span(),
                &item,
                "pay",
                "write the lowest and the highest pay in yuan (example: pay = [3000, 4500])",
            );
            Pay { min_yuan: 1, max_yuan: 1, unit }
        }
    };

    let starts_on = o.starts.as_ref().and_then(|s| match parse_date(s.get_ref().trim()) {
        Ok(d) => Some(d),
        Err(e) => {
            c.report(&s.span(), &item, "starts", e);
            None
        }
    });
    let closes_text = o.closes.get_ref().trim();
    let closes_on = if closes_text == LONG_TERM || closes_text == LONG_TERM_ZH {
        None
    } else {
        match parse_date(closes_text) {
            Ok(d) => Some(d),
            Err(e) => {
                c.report(
                    &o.closes.span(),
                    &item,
                    "closes",
                    format!("{e}; or closes = \"{LONG_TERM}\" for an opening without a closing date"),
                );
                None
            }
        }
    };

    let seats = u32::try_from(*o.seats.get_ref()).unwrap_or(0);
    let mut courses: Vec<String> = Vec::new();
    for course in o.courses.get_ref() {
        let course = course.trim();
        if !is_valid_key(course) {
            c.report(
                &o.courses.span(),
                &item,
                "courses",
                format!("{course:?} is not a course's key (example: mushroom)"),
            );
        } else if !courses.iter().any(|k| k == course) {
            courses.push(course.to_owned());
        }
    }

    let tr = c.translations(
        &o.tr,
        &o.key.span(),
        &item,
        &[
            ("employer", MAX_EMPLOYER_CHARS * 2, false),
            ("place", MAX_PLACE_CHARS * 2, false),
            ("work", MAX_WORK_CHARS * 2, false),
        ],
        0,
    );
    let opening = Opening {
        id: 0,
        key: Some(o.key.get_ref().clone()),
        employer: o.employer.get_ref().trim().to_owned(),
        contact: o.contact.get_ref().trim().to_owned(),
        region_key: o.region.get_ref().trim().to_owned(),
        place: o.place.get_ref().trim().to_owned(),
        work: o.work.get_ref().trim().to_owned(),
        pay,
        starts_on,
        closes_on,
        seats,
        courses,
        travel: o.travel,
        tr,
    };
    let mut spans = vec![
        ("key", o.key.span()),
        ("employer", o.employer.span()),
        ("contact", o.contact.span()),
        ("place", o.place.span()),
        ("work", o.work.span()),
        ("pay", o.pay.span()),
        ("seats", o.seats.span()),
        ("courses", o.courses.span()),
        ("closes", o.closes.span()),
    ];
    if let Some(s) = &o.starts {
        spans.push(("starts", s.span()));
    }
    let validated = ValidatedOpening { region_span: o.region.span(), courses_span: o.courses.span(), opening, spans };
    // The rule itself, as far as it needs neither storage nor the clock (no floor; a date long past as
    // today). A course key already said to be wrong is not said again as "no course".
    for problem in check_opening(&validated.opening, None, NaiveDate::MIN) {
        if problem == OpeningProblem::Courses && !o.courses.get_ref().is_empty() && validated.opening.courses.is_empty()
        {
            continue;
        }
        c.report(&validated.span_of(problem.field()), &item, problem.field(), problem.message());
    }
    validated
}

#[cfg(test)]
mod tests {
    use super::super::{check, said};
    use super::*;

    const OPENING: &str = "[[opening]]\nkey = \"coop\"\nemployer = \"铁山镇香菇专业合作社\"\n\
                           contact = \"李经理 13800000000\"\nregion = \"xinan-tieshan\"\nplace = \"铁山镇合作社基地\"\n\
                           work = \"菌棒管理、采摘\"\npay = [2800, 3600]\ncloses = \"2027-03-31\"\nseats = 5\n\
                           courses = [\"mushroom\"]\n";
    const ITEM: &str = "opening \"coop\"";

    fn with(replace: &str, by: &str) -> String {
        assert!(OPENING.contains(replace), "{replace}");
        OPENING.replace(replace, by)
    }

    #[test]
    fn a_whole_opening_is_clean_and_reads_with_its_defaults_and_translations() {
        let text = format!(
            "{OPENING}tr.en.employer = \"Tieshan Mushroom Cooperative\"\ntr.en.work = \"Tending logs, picking\"\n"
        );
        assert_eq!(said(&text), Vec::<String>::new());
        let (validated, _) = check(&text).unwrap();
        let o = &validated.openings[0].opening;
        assert_eq!(o.pay, Pay { min_yuan: 2800, max_yuan: 3600, unit: PayUnit::Month });
        assert_eq!((o.seats, o.travel, o.starts_on), (5, false, None));
        assert_eq!(o.closes_on, NaiveDate::from_ymd_opt(2027, 3, 31));
        assert_eq!(o.tr.text(crate::i18n::Lang::En, "employer", &o.employer), "Tieshan Mushroom Cooperative");
        assert_eq!(o.key.as_deref(), Some("coop"));

        let day = with(
            "pay = [2800, 3600]\n",
            "pay = [130, 160]\npay_unit = \"day\"\ntravel = true\nstarts = \"2027-03-20\"\n",
        )
        .replace("2027-03-31", "long-term");
        assert_eq!(said(&day), Vec::<String>::new());
        let (validated, _) = check(&day).unwrap();
        let o = &validated.openings[0].opening;
        assert_eq!((o.pay.unit, o.travel, o.closes_on), (PayUnit::Day, true, None));
    }

    #[test]
    fn a_contact_without_a_phone_is_refused() {
        assert_eq!(said(&with("李经理 13800000000", "李经理")), vec![format!("{ITEM}: contact")]);
        let (_, problems) = check(&with("李经理 13800000000", "李经理")).unwrap();
        assert!(problems[0].message.contains("phone"), "{problems:?}");
        assert_eq!(problems[0].line, Some(4));
    }

    #[test]
    fn pay_must_be_a_range_lowest_first_in_month_or_day() {
        assert_eq!(said(&with("[2800, 3600]", "[3600, 2800]")), vec![format!("{ITEM}: pay")]);
        assert_eq!(said(&with("[2800, 3600]", "[0, 100]")), vec![format!("{ITEM}: pay")]);
        assert_eq!(said(&with("[2800, 3600]", "[]")), vec![format!("{ITEM}: pay")]);
        assert_eq!(said(&with("[2800, 3600]", "[1, 2, 3]")), vec![format!("{ITEM}: pay")]);
        assert_eq!(said(&with("[2800, 3600]", "[-5, 3000]")), vec![format!("{ITEM}: pay")]);
        assert_eq!(said(&with("[2800, 3600]", "[3000]")), Vec::<String>::new(), "one figure");
        assert_eq!(said(&with("[2800, 3600]", "\"3000\"")), vec![format!("{ITEM}: pay")], "not a list");
        assert_eq!(said(&format!("{OPENING}pay_unit = \"week\"\n")), vec![format!("{ITEM}: pay_unit")]);
    }

    #[test]
    fn the_closing_date_is_required_a_real_date_or_long_term_and_after_the_start() {
        assert_eq!(said(&with("closes = \"2027-03-31\"\n", "")), vec![format!("{ITEM}: closes")], "required");
        assert_eq!(said(&with("2027-03-31", "2027-02-30")), vec![format!("{ITEM}: closes")]);
        assert_eq!(said(&with("2027-03-31", "soon")), vec![format!("{ITEM}: closes")]);
        assert_eq!(said(&format!("{OPENING}starts = \"2027-04-01\"\n")), vec![format!("{ITEM}: starts")]);
        assert_eq!(said(&format!("{OPENING}starts = \"2027-4-1\"\n")), vec![format!("{ITEM}: starts")]);
    }

    #[test]
    fn seats_courses_texts_keys_and_translations_are_checked() {
        assert_eq!(said(&with("seats = 5", "seats = 0")), vec![format!("{ITEM}: seats")]);
        assert_eq!(said(&with("seats = 5", "seats = 501")), vec![format!("{ITEM}: seats")]);
        assert_eq!(said(&with("[\"mushroom\"]", "[]")), vec![format!("{ITEM}: courses")]);
        assert_eq!(said(&with("[\"mushroom\"]", "[\"Mushroom Growing\"]")), vec![format!("{ITEM}: courses")]);
        assert_eq!(said(&with("菌棒管理、采摘", "")), vec![format!("{ITEM}: work")]);
        assert_eq!(said(&with("铁山镇香菇专业合作社", &"社".repeat(41))), vec![format!("{ITEM}: employer")]);
        assert_eq!(said(&with("xinan-tieshan", "Xin An")), vec![format!("{ITEM}: region")]);
        assert_eq!(said(&format!("{OPENING}salary = 3000\n")), vec![format!("{ITEM}: salary")]);
        assert_eq!(said(&format!("{OPENING}tr.en.contact = \"Li\"\n")), vec![format!("{ITEM}: tr.en.contact")]);
        assert_eq!(said(&format!("{OPENING}{OPENING}")), vec![format!("{ITEM}: key")], "a key twice");
    }
}
