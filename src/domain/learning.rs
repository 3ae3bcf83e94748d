//! Attendance, quizzes and completion (考勤 + 理论测试 + 实操考核 → 结业): the pure rules.

use rand::Rng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

/// A 4-digit check-in code read out in class or written on the board.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CheckinCode(String);

impl CheckinCode {
    pub fn generate(rng: &mut impl Rng) -> CheckinCode {
        CheckinCode(format!("{:04}", rng.gen_range(0..10_000)))
    }

    /// Accepts what people type: `4821`, `4 8 2 1`, full-width `４８２１`. Anything else is not a code.
    pub fn parse(input: &str) -> Option<CheckinCode> {
        let digits: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                other => other,
            })
            .collect();
        (digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(CheckinCode(digits))
    }

    pub fn from_stored(s: String) -> CheckinCode {
        CheckinCode(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mark {
    Present,
    Absent,
    /// Absent on a busy-season day of the person's region: not held against them.
    Excused,
}

impl Mark {
    pub fn as_str(self) -> &'static str {
        match self {
            Mark::Present => "present",
            Mark::Absent => "absent",
            Mark::Excused => "excused",
        }
    }

    pub fn parse(s: &str) -> Option<Mark> {
        [Mark::Present, Mark::Absent, Mark::Excused].into_iter().find(|m| m.as_str() == s)
    }

    /// What a session without a check-in counts as.
    pub fn for_absence(busy_season_day: bool) -> Mark {
        if busy_season_day { Mark::Excused } else { Mark::Absent }
    }
}

/// One drawn question: which bank question, and the order its options are shown in
/// (`options[k]` is the stored index of the option shown as button `k`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drawn {
    pub question_id: i64,
    pub options: Vec<usize>,
}

/// Draws `n` questions at random from the bank (all of them when it has fewer) and shuffles each
/// one's options. `bank` pairs question ids with their number of options.
pub fn draw(bank: &[(i64, usize)], n: usize, rng: &mut impl Rng) -> Vec<Drawn> {
    let mut picked: Vec<(i64, usize)> = bank.to_vec();
    picked.shuffle(rng);
    picked.truncate(n);
    picked
        .into_iter()
        .map(|(question_id, count)| {
            let mut options: Vec<usize> = (0..count).collect();
            options.shuffle(rng);
            Drawn { question_id, options }
        })
        .collect()
}

/// Whether `correct` of `total` reaches the pass mark (a percentage): 3 of 5 passes at 60%.
pub fn passes(correct: usize, total: usize, pass_mark_pct: i64) -> bool {
    total > 0 && (correct as i64) * 100 >= pass_mark_pct * total as i64
}

/// Where one trainee stands in a course.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Sessions of the class that have taken place (scheduled, ended).
    pub sessions_held: usize,
    pub present: usize,
    pub excused: usize,
    /// Sessions still to come: completion waits for them.
    pub sessions_ahead: usize,
    pub min_attendance_pct: i64,
    pub quiz_passed: bool,
    pub practical_required: bool,
    pub practical_passed: bool,
}

impl Progress {
    /// Attendance meets the minimum; excused absences count neither for nor against.
    pub fn attendance_ok(&self) -> bool {
        let counted = self.sessions_held.saturating_sub(self.excused);
        counted == 0 && self.present > 0
            || counted > 0 && (self.present as i64) * 100 >= self.min_attendance_pct * counted as i64
    }

    pub fn is_complete(&self) -> bool {
        self.sessions_ahead == 0
            && self.attendance_ok()
            && self.quiz_passed
            && (!self.practical_required || self.practical_passed)
    }
}

/// A certificate's verification code: 8 characters from the order-number alphabet, `K7Q3-M9XP`.
pub fn certificate_code(rng: &mut impl Rng) -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut pick = || ALPHABET[rng.gen_range(0..ALPHABET.len())] as char;
    let a: String = (0..4).map(|_| pick()).collect();
    let b: String = (0..4).map(|_| pick()).collect();
    format!("{a}-{b}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn codes_are_four_digits_typed_in_any_width() {
        assert_eq!(CheckinCode::parse("4821").map(|c| c.0), Some("4821".into()));
        assert_eq!(CheckinCode::parse(" 4 8 2 1 ").map(|c| c.0), Some("4821".into()));
        assert_eq!(CheckinCode::parse("４８２１").map(|c| c.0), Some("4821".into()));
        for bad in ["482", "48215", "abcd", "48二1", ""] {
            assert_eq!(CheckinCode::parse(bad), None, "{bad}");
        }
        let mut rng = StdRng::seed_from_u64(1);
        for _ in 0..100 {
            assert!(CheckinCode::parse(CheckinCode::generate(&mut rng).as_str()).is_some());
        }
    }

    #[test]
    fn a_draw_takes_distinct_questions_and_shuffles_every_option() {
        let bank: Vec<(i64, usize)> = (1..=8).map(|id| (id, 3)).collect();
        let mut rng = StdRng::seed_from_u64(7);
        let drawn = draw(&bank, 5, &mut rng);
        assert_eq!(drawn.len(), 5);
        let mut ids: Vec<i64> = drawn.iter().map(|d| d.question_id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 5);
        for d in &drawn {
            let mut o = d.options.clone();
            o.sort();
            assert_eq!(o, vec![0, 1, 2]);
        }
        assert_eq!(draw(&bank, 5, &mut StdRng::seed_from_u64(7)), drawn, "a fixed seed draws the same quiz");
        assert_eq!(draw(&bank[..2], 5, &mut rng).len(), 2, "a small bank gives what it has");
    }

    #[test]
    fn the_pass_mark_is_a_percentage_of_the_questions() {
        assert!(passes(3, 5, 60));
        assert!(!passes(2, 5, 60));
        assert!(passes(5, 5, 100));
        assert!(!passes(0, 0, 60));
    }

    #[test]
    fn excused_absences_do_not_count_against_completion() {
        let base = Progress {
            sessions_held: 3,
            present: 2,
            excused: 1,
            sessions_ahead: 0,
            min_attendance_pct: 80,
            quiz_passed: true,
            practical_required: false,
            practical_passed: false,
        };
        assert!(base.is_complete(), "2 of 2 counted sessions");
        assert!(!Progress { excused: 0, ..base }.is_complete(), "2 of 3 is under 80%");
        assert!(!Progress { quiz_passed: false, ..base }.is_complete());
        assert!(!Progress { practical_required: true, ..base }.is_complete());
        assert!(Progress { practical_required: true, practical_passed: true, ..base }.is_complete());
        assert!(!Progress { sessions_ahead: 1, ..base }.is_complete(), "not before the last session");
        assert!(!Progress { present: 0, excused: 3, ..base }.is_complete(), "never came at all");
        assert_eq!(Mark::for_absence(true), Mark::Excused);
    }

    #[test]
    fn certificate_codes_read_well() {
        let code = certificate_code(&mut StdRng::seed_from_u64(3));
        assert_eq!(code.len(), 9);
        assert!(!code.contains(['0', 'O', '1', 'I', 'L']));
    }
}
