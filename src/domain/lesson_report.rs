//! The lesson figures of a coordinator's `/report`: per lesson and per region, how many readings were
//! sent, opened and finished, and how many check questions were answered right at the first try.
//!
//! What is counted:
//! - a **reading** is one person's reading of one lesson (a lesson read again, say in a later year, is
//!   another reading); the report counts the readings *sent* in its period, with what became of them
//!   by now, as the order figures count orders placed in the period with their status now;
//! - **opened** and **completed** are shares of the readings sent (N = sent);
//! - **right at the first try**: a person's first try at a question of a lesson is their answer to it
//!   in their *first* reading of that lesson (earliest sent, over all time and not only the period; a
//!   reading has one answer per question, so there is no second try inside it). Answers of later
//!   readings are neither hits nor in N. N = questions answered in first readings sent in the period;
//!   a question not reached (a reading left off) is not in N.
//!
//! Every reading lands in exactly one lesson row and one region row, so the rows of each sum to the
//! total. Shares follow the order report's rule ([`Rate::view`]): below
//! [`crate::domain::report::MIN_N_FOR_RATE`] the counts are shown without a percentage.

use std::collections::HashMap;

use crate::domain::report::Rate;

/// What the report knows about one reading in scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadingFacts {
    pub lesson_id: i64,
    /// The row region the reader lives in (see [`row_region`]).
    pub region_key: String,
    pub opened: bool,
    pub finished: bool,
    /// The same person's readings of the same lesson before this one (sent earlier, at any time).
    pub earlier_readings: u64,
    /// Questions of this reading answered, and how many of them right.
    pub answered: u64,
    pub right: u64,
}

/// The figures of one lesson, one region, or all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LessonCounts {
    pub sent: u64,
    /// Opened readings of those sent.
    pub opened: Rate,
    /// Finished readings of those sent.
    pub completed: Rate,
    /// Questions right at the first try of those answered in first readings.
    pub first_try: Rate,
}

impl LessonCounts {
    fn add(&mut self, r: &ReadingFacts) {
        self.sent += 1;
        self.opened = Rate { hits: self.opened.hits + u64::from(r.opened), n: self.sent };
        self.completed = Rate { hits: self.completed.hits + u64::from(r.finished), n: self.sent };
        if r.earlier_readings == 0 {
            let right = r.right.min(r.answered);
            self.first_try = Rate { hits: self.first_try.hits + right, n: self.first_try.n + r.answered };
        }
    }
}

/// The lesson figures of a report.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LessonFigures {
    /// Lessons with at least one reading, most sent first (then in `lesson_order`).
    pub lessons: Vec<(i64, LessonCounts)>,
    /// Every region of `region_order` (those with nothing sent too, so a region not reached shows),
    /// then any other region a reading names.
    pub regions: Vec<(String, LessonCounts)>,
    pub total: LessonCounts,
}

/// Counts `readings` per lesson, per region and in all. `lesson_order` is the catalogue's order (ties
/// of the "most sent" order keep it); `region_order` the regions to report on.
pub fn figures(lesson_order: &[i64], region_order: &[String], readings: &[ReadingFacts]) -> LessonFigures {
    let mut total = LessonCounts::default();
    let mut by_lesson: HashMap<i64, LessonCounts> = HashMap::new();
    let mut regions: Vec<(String, LessonCounts)> =
        region_order.iter().map(|k| (k.clone(), LessonCounts::default())).collect();
    for r in readings {
        total.add(r);
        by_lesson.entry(r.lesson_id).or_default().add(r);
        match regions.iter_mut().find(|(k, _)| *k == r.region_key) {
            Some((_, counts)) => counts.add(r),
            None => {
                let mut counts = LessonCounts::default();
                counts.add(r);
                regions.push((r.region_key.clone(), counts));
            }
        }
    }
    let rank = |id: i64| lesson_order.iter().position(|l| *l == id).unwrap_or(usize::MAX);
    let mut lessons: Vec<(i64, LessonCounts)> = by_lesson.into_iter().collect();
    lessons.sort_by_key(|(id, c)| (std::cmp::Reverse(c.sent), rank(*id), *id));
    LessonFigures { lessons, regions, total }
}

/// The region a reader's row falls in, for a report on `report_region`: the region right below it on
/// the reader's chain (a county's report counts by township, a township's by village), or
/// `report_region` itself for someone registered at its own level. `chain` is the reader's village and
/// its ancestors, nearest first; `None` when the reader lives outside `report_region`.
pub fn row_region<'a>(report_region: &str, chain: &'a [String]) -> Option<&'a str> {
    let at = chain.iter().position(|k| k == report_region)?;
    Some(chain[at.saturating_sub(1)].as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(lesson_id: i64, region: &str) -> ReadingFacts {
        ReadingFacts {
            lesson_id,
            region_key: region.into(),
            opened: false,
            finished: false,
            earlier_readings: 0,
            answered: 0,
            right: 0,
        }
    }

    fn chain(keys: &[&str]) -> Vec<String> {
        keys.iter().map(|k| (*k).to_owned()).collect()
    }

    #[test]
    fn a_reader_counts_in_the_region_right_below_the_reported_one() {
        let village = chain(&["xinan-tieshan-dongcun", "xinan-tieshan", "xinan"]);
        assert_eq!(row_region("xinan", &village), Some("xinan-tieshan"));
        assert_eq!(row_region("xinan-tieshan", &village), Some("xinan-tieshan-dongcun"));
        assert_eq!(row_region("xinan-tieshan-dongcun", &village), Some("xinan-tieshan-dongcun"));
        assert_eq!(row_region("qianshan", &village), None);
        assert_eq!(row_region("xinan", &[]), None);
    }

    #[test]
    fn nothing_read_gives_empty_rows_for_every_region() {
        let f = figures(&[1, 2], &["a".into(), "b".into()], &[]);
        assert!(f.lessons.is_empty());
        assert_eq!(f.regions, vec![("a".into(), LessonCounts::default()), ("b".into(), LessonCounts::default())]);
        assert_eq!(f.total, LessonCounts::default());
    }

    #[test]
    fn sent_opened_completed_and_first_tries_match_a_hand_count() {
        let readings = vec![
            // Lesson 1, region a: sent only; opened and left at a question (1 of 2 answered, wrong);
            // finished with 1 of 2 right; read again later, all right (not a first try).
            reading(1, "a"),
            ReadingFacts { opened: true, answered: 1, ..reading(1, "a") },
            ReadingFacts { opened: true, finished: true, answered: 2, right: 1, ..reading(1, "a") },
            ReadingFacts {
                opened: true,
                finished: true,
                earlier_readings: 1,
                answered: 2,
                right: 2,
                ..reading(1, "a")
            },
            // Lesson 2, region b: finished, 1 of 1 right.
            ReadingFacts { opened: true, finished: true, answered: 1, right: 1, ..reading(2, "b") },
        ];
        let f = figures(&[2, 1, 3], &["a".into(), "b".into(), "c".into()], &readings);
        let l1 = LessonCounts {
            sent: 4,
            opened: Rate { hits: 3, n: 4 },
            completed: Rate { hits: 2, n: 4 },
            first_try: Rate { hits: 1, n: 3 },
        };
        let l2 = LessonCounts {
            sent: 1,
            opened: Rate { hits: 1, n: 1 },
            completed: Rate { hits: 1, n: 1 },
            first_try: Rate { hits: 1, n: 1 },
        };
        // Most sent first, whatever the catalogue order; lesson 3 was never sent.
        assert_eq!(f.lessons, vec![(1, l1), (2, l2)]);
        assert_eq!(f.regions, vec![("a".into(), l1), ("b".into(), l2), ("c".into(), LessonCounts::default())]);
        assert_eq!(
            f.total,
            LessonCounts {
                sent: 5,
                opened: Rate { hits: 4, n: 5 },
                completed: Rate { hits: 3, n: 5 },
                first_try: Rate { hits: 2, n: 4 },
            }
        );
    }

    #[test]
    fn every_reading_is_counted_once_by_lesson_and_once_by_region() {
        let readings: Vec<ReadingFacts> = (0..23u64)
            .map(|i| ReadingFacts {
                opened: i % 2 == 0,
                finished: i % 3 == 0,
                earlier_readings: u64::from(i % 5 == 0),
                answered: 2,
                right: i % 3,
                ..reading((i % 4) as i64, ["a", "b", "z"][i as usize % 3])
            })
            .collect();
        // Region "z" is not among the regions asked for: it gets its own row at the end.
        let f = figures(&[0, 1, 2, 3], &["a".into(), "b".into()], &readings);
        assert_eq!(f.regions.last().unwrap().0, "z");
        for rows in [f.lessons.iter().map(|(_, c)| *c).collect::<Vec<_>>(), f.regions.iter().map(|(_, c)| *c).collect()]
        {
            let sum = |g: fn(&LessonCounts) -> u64| rows.iter().map(g).sum::<u64>();
            assert_eq!(sum(|c| c.sent), 23);
            assert_eq!(sum(|c| c.opened.hits), f.total.opened.hits);
            assert_eq!(sum(|c| c.completed.hits), f.total.completed.hits);
            assert_eq!(sum(|c| c.first_try.hits), f.total.first_try.hits);
            assert_eq!(sum(|c| c.first_try.n), f.total.first_try.n);
        }
        assert_eq!(f.total.opened, Rate { hits: 12, n: 23 });
        assert_eq!(f.total.completed, Rate { hits: 8, n: 23 });
        // Readings 0, 5, 10, 15, 20 are re-readings: 18 first readings of 2 answers each.
        assert_eq!(f.total.first_try.n, 36);
    }

    #[test]
    fn ties_keep_the_catalogue_order() {
        let readings = vec![reading(7, "a"), reading(3, "a"), reading(9, "a"), reading(9, "a")];
        let f = figures(&[3, 7, 9], &[], &readings);
        assert_eq!(f.lessons.iter().map(|(id, _)| *id).collect::<Vec<_>>(), [9, 3, 7]);
    }
}
