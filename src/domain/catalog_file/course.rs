//! A `[[course]]` entry with its `[[course.question]]` quiz questions.

use std::collections::HashSet;

use super::{Checker, CourseToml, QuestionToml, quoted};
use crate::domain::catalog::{Category, Course, Credits, Mode, Question};
use crate::domain::person::Audience;

/// Checks one course and its questions. Returns the course, the span of its `trainer` (checked
/// against the trainers with storage) and its questions.
pub(super) fn check(c: &mut Checker<'_>, co: &CourseToml) -> (Course, std::ops::Range<usize>, Vec<Question>) {
    let item = quoted("course", co.key.get_ref());
    c.key(&co.key, &item);
    c.text(&co.title, &item, "title", 60);
    c.text(&co.summary, &item, "summary", 600);
    let audience = Audience::parse(co.audience.get_ref()).unwrap_or_else(|| {
        c.report(&co.audience.span(), &item, "audience", "must be villager or cadre");
        Audience::Villager
    });
    let category = match Category::parse(co.category.get_ref()) {
        Some(cat) if cat.audience() == audience => cat,
        found => {
            let allowed: Vec<&str> = Category::for_audience(audience).iter().map(|c| c.as_str()).collect();
            let why = if found.is_some() { "belongs to the other audience" } else { "is not a category" };
            c.report(
                &co.category.span(),
                &item,
                "category",
                format!("{why}; for {} courses one of: {}", audience.as_str(), allowed.join(", ")),
            );
            Category::for_audience(audience)[0]
        }
    };
    let mode = Mode::parse(co.mode.get_ref()).unwrap_or_else(|| {
        c.report(&co.mode.span(), &item, "mode", "must be classroom, field, village or online");
        Mode::Classroom
    });
    let cost_yuan = match &co.cost_yuan {
        None => 0,
        Some(v) if (0..=100_000).contains(v.get_ref()) => *v.get_ref(),
        Some(v) => {
            c.report(&v.span(), &item, "cost_yuan", "must be a whole number of yuan, 0-100000 (0 = free)");
            0
        }
    };
    let credits = match &co.credits {
        None => Credits::ZERO,
        Some(v) => match Credits::from_number(*v.get_ref()) {
            Ok(credits) if credits > Credits::ZERO && audience != Audience::Cadre => {
                c.report(&v.span(), &item, "credits", "only cadre courses carry credits");
                credits
            }
            Ok(credits) => credits,
            Err(e) => {
                c.report(&v.span(), &item, "credits", e.to_string());
                Credits::ZERO
            }
        },
    };
    if let Some(photo) = &co.photo
        && !photo.get_ref().starts_with("https://")
    {
        c.report(&photo.span(), &item, "photo", "must be an https:// address");
    }
    let min_attendance_pct =
        c.percent(&co.min_attendance_pct, Course::DEFAULT_MIN_ATTENDANCE_PCT, &item, "min_attendance_pct");
    let pass_mark_pct = c.percent(&co.pass_mark_pct, Course::DEFAULT_PASS_MARK_PCT, &item, "pass_mark_pct");

    let mut questions = Vec::new();
    let mut seen = HashSet::new();
    for q in &co.question {
        let q_item = format!("{item}, question {:?}", q.key.get_ref());
        c.unique(&mut seen, &q.key, &q_item);
        questions.push(question(c, q, co.key.get_ref(), &q_item));
    }
    let mut tr = c.translations(
        &co.tr,
        &co.key.span(),
        &item,
        &[("title", 120, false), ("summary", 1500, false), ("what_to_bring", 400, false), ("funded_by", 120, false)],
        0,
    );
    tr.add_if_missing("en", "title", co.title_en.as_deref());
    (
        Course {
            key: co.key.get_ref().clone(),
            title: co.title.get_ref().trim().to_owned(),
            audience,
            category,
            summary: co.summary.get_ref().trim().to_owned(),
            mode,
            trainer_key: co.trainer.get_ref().clone(),
            cost_yuan,
            funded_by: co.funded_by.clone(),
            needs_approval: co.needs_approval,
            credits,
            what_to_bring: co.what_to_bring.clone(),
            photo: co.photo.as_ref().map(|p| p.get_ref().clone()),
            min_attendance_pct,
            practical_check: co.practical_check,
            pass_mark_pct,
            tr,
        },
        co.trainer.span(),
        questions,
    )
}

/// Checks one quiz question of the course `course_key`; `q_item` names it in problems.
pub(super) fn question(c: &mut Checker<'_>, q: &QuestionToml, course_key: &str, q_item: &str) -> Question {
    c.key(&q.key, q_item);
    c.text(&q.text, q_item, "text", Question::MAX_TEXT_CHARS);
    c.text(&q.explanation, q_item, "explanation", Question::MAX_EXPLANATION_CHARS);
    let options = q.options.get_ref();
    if !(Question::MIN_OPTIONS..=Question::MAX_OPTIONS).contains(&options.len()) {
        c.report(&q.options.span(), q_item, "options", "give 2-6 options");
    }
    if options.iter().any(|o| o.trim().is_empty() || o.chars().count() > Question::MAX_OPTION_CHARS) {
        c.report(&q.options.span(), q_item, "options", "each option must be 1-100 characters");
    }
    let answer = *q.answer.get_ref();
    if answer < 1 || answer as usize > options.len() {
        c.report(&q.answer.span(), q_item, "answer", format!("is the number of the right option, 1-{}", options.len()));
    }
    let tr = c.translations(
        &q.tr,
        &q.key.span(),
        q_item,
        &[
            ("text", Question::MAX_TEXT_CHARS, false),
            ("options", Question::MAX_OPTION_CHARS, true),
            ("explanation", Question::MAX_EXPLANATION_CHARS, false),
        ],
        options.len(),
    );
    Question {
        id: 0,
        course_key: course_key.to_owned(),
        key: q.key.get_ref().clone(),
        text: q.text.get_ref().trim().to_owned(),
        options: options.iter().map(|o| o.trim().to_owned()).collect(),
        answer: (answer.max(1) - 1) as usize,
        explanation: q.explanation.get_ref().trim().to_owned(),
        tr,
    }
}

#[cfg(test)]
mod tests {
    use super::super::said;

    fn course(audience: &str, category: &str, extra: &str) -> String {
        format!(
            "[[course]]\nkey = \"mushroom\"\ntitle = \"食用菌\"\naudience = \"{audience}\"\ncategory = \"{category}\"\n\
             summary = \"学会种菇\"\nmode = \"field\"\ntrainer = \"wang\"\n{extra}"
        )
    }

    const QUESTION: &str = "[[course.question]]\nkey = \"q1\"\ntext = \"湿度多少合适？\"\n\
                            options = [\"85%\", \"40%\"]\nanswer = 1\nexplanation = \"太干会裂\"\n";

    #[test]
    fn a_course_with_a_question_is_clean() {
        assert_eq!(said(&course("villager", "crops-livestock", QUESTION)), Vec::<String>::new());
    }

    #[test]
    fn the_course_fields_are_checked_against_its_audience() {
        let item = "course \"mushroom\"";
        assert_eq!(
            said(&course("villager", "industry-planning", "")),
            vec![format!("{item}: category")],
            "a cadre category"
        );
        assert_eq!(said(&course("everyone", "crops-livestock", "")), vec![format!("{item}: audience")]);
        assert_eq!(said(&course("villager", "crops-livestock", "credits = 2\n")), vec![format!("{item}: credits")]);
        assert_eq!(
            said(&course("villager", "crops-livestock", "cost_yuan = -1\n")),
            vec![format!("{item}: cost_yuan")]
        );
        assert_eq!(
            said(&course("villager", "crops-livestock", "photo = \"http://x\"\n")),
            vec![format!("{item}: photo")]
        );
        assert_eq!(
            said(&course("villager", "crops-livestock", "min_attendance_pct = 101\n")),
            vec![format!("{item}: min_attendance_pct")]
        );
    }

    #[test]
    fn a_question_needs_two_to_six_options_and_a_right_answer_among_them() {
        let item = "course \"mushroom\", question \"q1\"";
        let one_option = QUESTION.replace("[\"85%\", \"40%\"]", "[\"85%\"]");
        assert_eq!(said(&course("villager", "crops-livestock", &one_option)), vec![format!("{item}: options")]);
        let answer_out_of_range = QUESTION.replace("answer = 1", "answer = 3");
        assert_eq!(said(&course("villager", "crops-livestock", &answer_out_of_range)), vec![format!("{item}: answer")]);
        let twice = format!("{QUESTION}{QUESTION}");
        assert_eq!(said(&course("villager", "crops-livestock", &twice)), vec![format!("{item}: key")]);
    }
}
