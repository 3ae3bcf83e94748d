//! A `[[lesson]]` entry (a micro-lesson, 碎片化学习) with its `[[lesson.card]]` cards and
//! `[[lesson.question]]` check questions. The cards' media files are named by their path next to the
//! catalogue file; whether each exists and fits Telegram's limits is checked by [`check_media`] with the
//! sizes the import found (this module reads no files).

use std::collections::HashSet;
use std::ops::Range;

use super::{CardToml, Checker, LessonToml, Lines, Problem, quoted};
use crate::domain::catalog::{Category, Credits, Translations};
use crate::domain::lesson::{Card, Lesson, LessonAudience, LessonQuestion, MediaKind, MediaRef};
use crate::i18n::Lang;

/// A lesson as checked against itself; its course and region are checked with storage by the import.
pub(crate) struct ValidatedLesson {
    pub(crate) lesson: Lesson,
    pub(crate) course_span: Option<Range<usize>>,
    pub(crate) region_span: Option<Range<usize>>,
    /// Every media file it names with a usable path, and where.
    pub(crate) media: Vec<NamedMedia>,
}

/// A media file as a card names it: what, where in the file, and which entry and field.
pub(crate) struct NamedMedia {
    pub(crate) media: MediaRef,
    pub(crate) span: Range<usize>,
    pub(crate) item: String,
    pub(crate) field: &'static str,
}

/// Checks one lesson, its cards and its questions.
pub(super) fn check(c: &mut Checker<'_>, l: &LessonToml) -> ValidatedLesson {
    let item = quoted("lesson", l.key.get_ref());
    let key_span = l.key.span();
    c.key(&l.key, &item);
    c.text(&l.title, &item, "title", Lesson::MAX_TITLE_CHARS);
    let audience = LessonAudience::parse(l.audience.get_ref()).unwrap_or_else(|| {
        c.report(&l.audience.span(), &item, "audience", "must be villager, cadre or both");
        LessonAudience::Both
    });
    let topic = match Category::parse(l.topic.get_ref()) {
        Some(topic) if audience == LessonAudience::Both || audience.includes(topic.audience()) => topic,
        found => {
            let allowed: Vec<&str> = Category::ALL
                .iter()
                .filter(|t| audience == LessonAudience::Both || audience.includes(t.audience()))
                .map(|t| t.as_str())
                .collect();
            let why = if found.is_some() { "belongs to the other audience" } else { "is not a topic" };
            c.report(
                &l.topic.span(),
                &item,
                "topic",
                format!("{why}; for {} lessons one of: {}", audience.as_str(), allowed.join(", ")),
            );
            Category::ALL[0]
        }
    };
    let credits = match &l.credits {
        None => Credits::ZERO,
        Some(v) => match Credits::from_number(*v.get_ref()) {
            Ok(credits) if credits > Credits::ZERO && audience == LessonAudience::Villager => {
                c.report(
                    &v.span(),
                    &item,
                    "credits",
                    "only lessons for cadre or both carry credits (cadres earn them)",
                );
                credits
            }
            Ok(credits) => credits,
            Err(e) => {
                c.report(&v.span(), &item, "credits", e.to_string());
                Credits::ZERO
            }
        },
    };
    if let Some(region) = &l.region
        && !crate::domain::catalog::is_valid_key(region.get_ref())
    {
        c.report(&region.span(), &item, "region", "is a region's key (example: xinan-tieshan)");
    }
    if let Some(course) = &l.course
        && !crate::domain::catalog::is_valid_key(course.get_ref())
    {
        c.report(&course.span(), &item, "course", "is a course's key (example: mushroom)");
    }

    // Cards: 1-5, each with text or media.
    let mut media = Vec::new();
    let mut cards = Vec::new();
    if l.card.is_empty() {
        c.report(
            &key_span,
            &item,
            "card",
            format!("a lesson needs {}-{} [[lesson.card]] entries; it has none", Lesson::MIN_CARDS, Lesson::MAX_CARDS),
        );
    }
    for (i, card) in l.card.iter().enumerate() {
        let span = l.card_spans.get(i).cloned().unwrap_or(key_span.clone());
        let card_item = format!("{item}, {}", quoted("card", &format!("#{}", i + 1)));
        if i == Lesson::MAX_CARDS {
            c.report(
                &span,
                &item,
                "card",
                format!("a lesson has at most {} cards; make a second lesson for the rest", Lesson::MAX_CARDS),
            );
        }
        cards.push(check_card(c, card, &span, &card_item, &mut media));
    }

    // Questions: 1-3, each as a course's quiz question is checked.
    if l.question.is_empty() {
        c.report(
            &key_span,
            &item,
            "question",
            format!(
                "a lesson ends with {}-{} [[lesson.question]] check questions; it has none",
                Lesson::MIN_QUESTIONS,
                Lesson::MAX_QUESTIONS
            ),
        );
    }
    let mut questions = Vec::new();
    let mut seen = HashSet::new();
    for (i, q) in l.question.iter().enumerate() {
        let q_item = format!("{item}, question {:?}", q.key.get_ref());
        if i == Lesson::MAX_QUESTIONS {
            c.report(
                &q.key.span(),
                &item,
                "question",
                format!("a lesson has at most {} check questions", Lesson::MAX_QUESTIONS),
            );
        }
        c.unique(&mut seen, &q.key, &q_item);
        known_languages(c, &q.tr, &q.key.span(), &q_item);
        questions.push(LessonQuestion::from(super::course::question(c, q, l.key.get_ref(), &q_item)));
    }

    known_languages(c, &l.tr, &key_span, &item);
    let tr = c.translations(&l.tr, &key_span, &item, &[("title", Lesson::MAX_TITLE_CHARS * 2, false)], 0);
    ValidatedLesson {
        lesson: Lesson {
            id: 0,
            key: l.key.get_ref().clone(),
            title: l.title.get_ref().trim().to_owned(),
            topic,
            audience,
            region_key: l.region.as_ref().map(|r| r.get_ref().clone()),
            credits,
            course_key: l.course.as_ref().map(|r| r.get_ref().clone()),
            cards,
            questions,
            tr,
        },
        course_span: l.course.as_ref().map(|s| s.span()),
        region_span: l.region.as_ref().map(|s| s.span()),
        media,
    }
}

/// Checks one card (`span`: where it is written) and notes the media it names.
fn check_card(
    c: &mut Checker<'_>,
    card: &CardToml,
    span: &Range<usize>,
    item: &str,
    media: &mut Vec<NamedMedia>,
) -> Card {
    if let Some(text) = &card.text {
        c.text(text, item, "text", Card::MAX_TEXT_CHARS);
    }
    let text = card.text.as_ref().map(|t| t.get_ref().trim().to_owned()).filter(|t| !t.is_empty());
    let given: Vec<(MediaKind, &'static str, &super::S<String>)> = [
        (MediaKind::Photo, "photo", &card.photo),
        (MediaKind::Voice, "voice", &card.voice),
        (MediaKind::Video, "video", &card.video),
    ]
    .into_iter()
    .filter_map(|(kind, field, value)| value.as_ref().map(|v| (kind, field, v)))
    .collect();
    if given.len() > 1 {
        let (_, field, value) = given[1];
        c.report(
            &value.span(),
            item,
            field,
            "a card carries one photo, voice or video; put the other on a card of its own",
        );
    }
    let mut named = |c: &mut Checker<'_>, kind: MediaKind, field: &'static str, value: &super::S<String>| {
        let path = value.get_ref().trim().replace('\\', "/");
        let media_ref = MediaRef { kind, path: path.clone() };
        match MediaRef::path_problem(kind, value.get_ref()) {
            Some(problem) => c.report(&value.span(), item, field, problem),
            None => {
                media.push(NamedMedia { media: media_ref.clone(), span: value.span(), item: item.to_owned(), field })
            }
        }
        media_ref
    };
    let card_media = given.first().map(|(kind, field, value)| named(c, *kind, field, value));
    let voice_version = card.voice_version.as_ref().map(|value| {
        if text.is_none() {
            c.report(&value.span(), item, "voice_version", "reads the card's text aloud; this card has no text");
        } else if card_media.as_ref().is_some_and(|m| m.kind == MediaKind::Voice) {
            c.report(&value.span(), item, "voice_version", "this card is a voice message already");
        }
        named(c, MediaKind::Voice, "voice_version", value)
    });
    if text.is_none() && card_media.is_none() && card.voice_version.is_none() {
        c.report(span, item, "text", "a card needs text, or a photo, voice or video (or both)");
    }
    known_languages(c, &card.tr, span, item);
    let tr = c.translations(&card.tr, span, item, &[("text", Card::MAX_TEXT_CHARS, false)], 0);
    Card { text, media: card_media, voice_version, tr }
}

/// Lessons take translations only into the languages the bot speaks (a folder under `locales/`): a
/// translation nobody could read is a mistake here (`tr.eng`, `tr.cn`), said once per language.
fn known_languages(c: &mut Checker<'_>, tr: &Translations, span: &Range<usize>, item: &str) {
    let mut said = HashSet::new();
    for (lang, field, _) in tr.entries() {
        let tag_ok =
            !lang.is_empty() && lang.len() <= 16 && lang.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-');
        if !tag_ok || Lang::from_code(lang).is_some() || !said.insert(lang.to_owned()) {
            continue; // a malformed tag or `zh` is the translations check's to say
        }
        let known: Vec<&str> = Lang::ALL.iter().filter(|l| **l != Lang::DEFAULT).map(|l| l.code()).collect();
        c.report(
            span,
            item,
            &format!("tr.{lang}.{field}"),
            format!("the bot does not speak {lang:?}; lessons are translated into: {}", known.join(", ")),
        );
    }
}

/// Checks every media file the lessons name against what the import found next to the catalogue:
/// `size_of(path)` is its size in bytes, `None` when there is no such file.
pub(crate) fn check_media(
    lessons: &[ValidatedLesson],
    lines: &Lines,
    size_of: &mut dyn FnMut(&str) -> Option<u64>,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    for named in lessons.iter().flat_map(|l| &l.media) {
        let message = match size_of(&named.media.path) {
            None => Some(format!("there is no file {:?} next to the catalogue file", named.media.path)),
            Some(size) => named.media.kind.size_problem(size),
        };
        if let Some(message) = message {
            problems.push(Problem {
                line: Some(lines.line(&named.span)),
                item: named.item.clone(),
                field: Some(named.field.to_owned()),
                message,
            });
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::super::{Lines, check, said};
    use super::*;

    const HEAD: &str = "[[lesson]]\nkey = \"bushui\"\ntitle = \"香菇菌棒补水\"\ntopic = \"crops-livestock\"\n\
                        audience = \"villager\"\n";
    const CARD: &str = "[[lesson.card]]\ntext = \"菌棒失水了要补水。\"\n";
    const QUESTION: &str = "[[lesson.question]]\nkey = \"q1\"\ntext = \"什么时候补水？\"\n\
                            options = [\"采完一茬养几天后\", \"随时\"]\nanswer = 1\nexplanation = \"菌丝恢复后再补。\"\n";

    fn lesson(head_extra: &str, body: &str) -> String {
        format!("{HEAD}{head_extra}{body}")
    }

    const ITEM: &str = "lesson \"bushui\"";

    #[test]
    fn a_lesson_with_a_card_and_a_question_is_clean_and_reads_whole() {
        let text =
            lesson("tr.en.title = \"Watering logs\"\n", &format!("{CARD}tr.en.text = \"Water them.\"\n{QUESTION}"));
        assert_eq!(said(&text), Vec::<String>::new());
        let (validated, _) = check(&text).unwrap();
        let l = &validated.lessons[0].lesson;
        assert_eq!(
            (l.key.as_str(), l.title_in(Lang::En), l.audience),
            ("bushui", "Watering logs", LessonAudience::Villager)
        );
        assert_eq!(l.cards[0].text_in(Lang::En), Some("Water them."));
        assert_eq!(l.questions[0].answer, 0);
    }

    #[test]
    fn cards_are_counted_and_each_needs_text_or_media() {
        assert_eq!(said(&lesson("", QUESTION)), vec![format!("{ITEM}: card")], "no card");
        let six = CARD.repeat(6);
        assert_eq!(said(&lesson("", &format!("{six}{QUESTION}"))), vec![format!("{ITEM}: card")], "six cards");
        let empty = "[[lesson.card]]\ntr.en.text = \"x\"\n";
        assert_eq!(
            said(&lesson("", &format!("{empty}{QUESTION}"))),
            vec![format!("{ITEM}, card \"#1\": text")],
            "neither text nor media"
        );
        let long = format!("[[lesson.card]]\ntext = \"{}\"\n", "菌".repeat(901));
        assert_eq!(said(&lesson("", &format!("{long}{QUESTION}"))), vec![format!("{ITEM}, card \"#1\": text")]);
        let just_900 = format!("[[lesson.card]]\ntext = \"{}\"\n", "菌".repeat(900));
        assert_eq!(said(&lesson("", &format!("{just_900}{QUESTION}"))), Vec::<String>::new());
    }

    #[test]
    fn a_problem_names_the_line_of_the_card() {
        let text = lesson("", &format!("{CARD}\n[[lesson.card]]\nphoto = \"a.ogg\"\n{QUESTION}"));
        let (_, problems) = check(&text).unwrap();
        assert_eq!(problems.len(), 1, "{problems:?}");
        let line = text.lines().position(|l| l.starts_with("photo")).unwrap() + 1;
        assert_eq!((problems[0].line, problems[0].field.as_deref()), (Some(line), Some("photo")));
    }

    #[test]
    fn media_needs_a_path_next_to_the_catalogue_of_its_kind_and_one_per_card() {
        let card = |fields: &str| lesson("", &format!("[[lesson.card]]\n{fields}{QUESTION}"));
        assert_eq!(
            said(&card("photo = \"media/a.png\"\nvoice = \"a.ogg\"\n")),
            vec![format!("{ITEM}, card \"#1\": voice")]
        );
        assert_eq!(said(&card("photo = \"../a.png\"\n")), vec![format!("{ITEM}, card \"#1\": photo")]);
        assert_eq!(said(&card("video = \"a.avi\"\n")), vec![format!("{ITEM}, card \"#1\": video")]);
        assert_eq!(said(&card("voice = \"a.ogg\"\n")), Vec::<String>::new(), "a voice-only card");
        assert_eq!(
            said(&card("photo = \"a.png\"\nvoice_version = \"a.ogg\"\n")),
            vec![format!("{ITEM}, card \"#1\": voice_version")],
            "a voice version needs text to read"
        );
        assert_eq!(
            said(&card("text = \"x\"\nvoice = \"b.ogg\"\nvoice_version = \"a.ogg\"\n")),
            vec![format!("{ITEM}, card \"#1\": voice_version")]
        );
        assert_eq!(said(&card("text = \"x\"\nvoice_version = \"a.ogg\"\n")), Vec::<String>::new());
    }

    #[test]
    fn questions_are_counted_and_need_a_right_answer() {
        assert_eq!(said(&lesson("", CARD)), vec![format!("{ITEM}: question")], "no question");
        let four: String = (1..=4).map(|i| QUESTION.replace("q1", &format!("q{i}"))).collect();
        assert_eq!(said(&lesson("", &format!("{CARD}{four}"))), vec![format!("{ITEM}: question")]);
        let no_right = QUESTION.replace("answer = 1", "answer = 3");
        assert_eq!(said(&lesson("", &format!("{CARD}{no_right}"))), vec![format!("{ITEM}, question \"q1\": answer")]);
        let missing = QUESTION.replace("answer = 1\n", "");
        assert_eq!(said(&lesson("", &format!("{CARD}{missing}"))), vec![format!("{ITEM}, question \"q1\": answer")]);
    }

    #[test]
    fn audience_topic_credits_and_keys_are_checked() {
        let body = format!("{CARD}{QUESTION}");
        assert_eq!(said(&lesson("credits = 0.1\n", &body)), vec![format!("{ITEM}: credits")], "a villager lesson");
        let cadre = |extra: &str| {
            format!(
                "{}{extra}{body}",
                HEAD.replace("villager", "cadre").replace("crops-livestock", "policy-interpretation")
            )
        };
        assert_eq!(said(&cadre("credits = 0.1\n")), Vec::<String>::new());
        assert_eq!(said(&cadre("credits = 0.15\n")), vec![format!("{ITEM}: credits")]);
        let both = HEAD.replace("villager", "both");
        assert_eq!(said(&format!("{both}credits = 0.1\n{body}")), Vec::<String>::new());
        let everyone = HEAD.replace("villager", "everyone");
        assert_eq!(said(&format!("{everyone}{body}")), vec![format!("{ITEM}: audience")]);
        let cadre_topic = HEAD.replace("crops-livestock", "public-work");
        assert_eq!(said(&format!("{cadre_topic}{body}")), vec![format!("{ITEM}: topic")]);
        assert_eq!(said(&lesson("region = \"Xin An\"\n", &body)), vec![format!("{ITEM}: region")]);
        assert_eq!(said(&lesson("course = \"\"\n", &body)), vec![format!("{ITEM}: course")]);
        assert_eq!(said(&lesson("color = \"red\"\n", &body)), vec![format!("{ITEM}: color")]);
        let twice = format!("{HEAD}{body}{HEAD}{body}");
        assert_eq!(said(&twice), vec![format!("{ITEM}: key")]);
    }

    #[test]
    fn translations_go_into_a_language_the_bot_speaks() {
        let body = format!("{CARD}tr.eng.text = \"Water them.\"\n{QUESTION}");
        assert_eq!(said(&lesson("", &body)), vec![format!("{ITEM}, card \"#1\": tr.eng.text")]);
        assert_eq!(
            said(&lesson("tr.fr.title = \"Arroser\"\n", &format!("{CARD}{QUESTION}"))),
            vec![format!("{ITEM}: tr.fr.title")]
        );
        assert_eq!(
            said(&lesson("tr.en.summary = \"x\"\n", &format!("{CARD}{QUESTION}"))),
            vec![format!("{ITEM}: tr.en.summary")]
        );
        let question = QUESTION.replace("explanation", "tr.en.options = [\"a\"]\nexplanation");
        assert_eq!(
            said(&lesson("", &format!("{CARD}{question}"))),
            vec![format!("{ITEM}, question \"q1\": tr.en.options")]
        );
    }

    #[test]
    fn media_files_are_checked_for_existence_and_telegrams_limits() {
        let text = lesson(
            "",
            &format!(
                "[[lesson.card]]\nphoto = \"big.png\"\n[[lesson.card]]\nvoice = \"gone.ogg\"\n\
                 [[lesson.card]]\ntext = \"x\"\nvoice_version = \"ok.ogg\"\n[[lesson.card]]\nvideo = \"long.mp4\"\n{QUESTION}"
            ),
        );
        let (validated, problems) = check(&text).unwrap();
        assert_eq!(problems, vec![]);
        let sizes: HashMap<&str, u64> =
            [("big.png", 11 * 1024 * 1024), ("ok.ogg", 30_000), ("long.mp4", 60 * 1024 * 1024)].into();
        let lines = Lines::new(&text);
        let found = check_media(&validated.lessons, &lines, &mut |path| sizes.get(path).copied());
        let said: Vec<String> =
            found.iter().map(|p| format!("{}: {}", p.item, p.field.clone().unwrap_or_default())).collect();
        assert_eq!(
            said,
            vec![
                format!("{ITEM}, card \"#1\": photo"),
                format!("{ITEM}, card \"#2\": voice"),
                format!("{ITEM}, card \"#4\": video"),
            ]
        );
        assert!(found[0].message.contains("10 MB") && found[1].message.contains("gone.ogg"), "{found:?}");
        assert_eq!(found[1].line, Some(text.lines().position(|l| l.contains("gone.ogg")).unwrap() + 1));
    }
}
