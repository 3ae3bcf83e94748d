//! Who did not answer a follow-up (失访): response by baseline income band and by completion, and
//! whether those who answered differ from those who did not enough to bend a figure.
//!
//! A county office that reports "income up 30 %" will be asked whether the poorer households simply
//! stopped answering. This module answers with counts: the people sent a wave are split into thirds
//! of their baseline income per head, and into completers and not; when the share of a third (or of
//! completers) among those who answered is more than [`GAP_PP`] percentage points away from its share
//! among those who did not, the report says so next to the figure.

/// Above this many percentage points between answered and not answered, the report warns.
pub const GAP_PP: usize = 10;

/// One person sent a follow-up wave.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sent {
    /// Household net income per head at baseline, when both income and size were given.
    pub baseline_per_head: Option<f64>,
    /// Completed the course (any enrolment of the person in the scope).
    pub completed: bool,
    /// Answered the wave (any of their surveys of the wave, in full).
    pub answered: bool,
}

/// Sent and answered, of one group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Response {
    pub sent: usize,
    pub answered: usize,
}

impl Response {
    fn add(&mut self, answered: bool) {
        self.sent += 1;
        self.answered += usize::from(answered);
    }
}

/// A third of baseline income per head, low to high.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Band {
    Low,
    Middle,
    High,
}

/// What the answered and the not-answered differ in most, when it is more than [`GAP_PP`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GapIn {
    Band(Band),
    Completed,
}

/// The largest difference, as whole percentages of each side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gap {
    pub what: GapIn,
    /// Share of `what` among those who answered.
    pub answered_pct: usize,
    /// Share of `what` among those who did not.
    pub unanswered_pct: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Attrition {
    /// The baseline incomes per head splitting the thirds: `low < first ≤ middle < second ≤ high`.
    pub cuts: Option<(f64, f64)>,
    /// Low, middle, high.
    pub bands: [Response; 3],
    /// Sent, without a baseline income per head.
    pub no_baseline_income: Response,
    pub completed: Response,
    pub not_completed: Response,
    /// Set when both sides have at least `min_n` people and differ by more than [`GAP_PP`].
    pub gap: Option<Gap>,
}

fn pct(hits: usize, n: usize) -> usize {
    (hits * 100 + n / 2).checked_div(n).unwrap_or(0)
}

/// The thirds' cut points of `values`: the values at ⌊n/3⌋ and ⌊2n/3⌋ of the sorted list. A person
/// is low below the first, high from the second. Ties stay together in one band.
pub fn cuts(values: &[f64]) -> Option<(f64, f64)> {
    if values.is_empty() {
        return None;
    }
    let sorted = crate::domain::stats::sorted(values);
    let n = sorted.len();
    Some((sorted[n / 3], sorted[2 * n / 3]))
}

fn band(v: f64, (first, second): (f64, f64)) -> Band {
    if v < first {
        Band::Low
    } else if v < second {
        Band::Middle
    } else {
        Band::High
    }
}

/// Response of the people sent a wave; `min_n` is the fewest people on each side (answered, not
/// answered) for a difference to be judged at all.
pub fn attrition(sent: &[Sent], min_n: usize) -> Attrition {
    let incomes: Vec<f64> = sent.iter().filter_map(|s| s.baseline_per_head).collect();
    let cuts = cuts(&incomes);
    let index = |b: Band| match b {
        Band::Low => 0,
        Band::Middle => 1,
        Band::High => 2,
    };
    let mut out = Attrition {
        cuts,
        bands: [Response::default(); 3],
        no_baseline_income: Response::default(),
        completed: Response::default(),
        not_completed: Response::default(),
        gap: None,
    };
    for s in sent {
        match (s.baseline_per_head, cuts) {
            (Some(v), Some(c)) => out.bands[index(band(v, c))].add(s.answered),
            _ => out.no_baseline_income.add(s.answered),
        }
        if s.completed { out.completed.add(s.answered) } else { out.not_completed.add(s.answered) }
    }

    let mut candidates: Vec<Gap> = Vec::new();
    // Bands: among those with a baseline income, the share of each third on each side.
    let answered: usize = out.bands.iter().map(|r| r.answered).sum();
    let sent_banded: usize = out.bands.iter().map(|r| r.sent).sum();
    let unanswered = sent_banded - answered;
    if answered >= min_n && unanswered >= min_n {
        for b in [Band::Low, Band::Middle, Band::High] {
            let r = out.bands[index(b)];
            candidates.push(Gap {
                what: GapIn::Band(b),
                answered_pct: pct(r.answered, answered),
                unanswered_pct: pct(r.sent - r.answered, unanswered),
            });
        }
    }
    // Completion: the share of completers on each side.
    let answered = out.completed.answered + out.not_completed.answered;
    let unanswered = out.completed.sent + out.not_completed.sent - answered;
    if answered >= min_n && unanswered >= min_n {
        candidates.push(Gap {
            what: GapIn::Completed,
            answered_pct: pct(out.completed.answered, answered),
            unanswered_pct: pct(out.completed.sent - out.completed.answered, unanswered),
        });
    }
    // The first of the largest: bands in order, then completion.
    let size = |g: &Gap| g.answered_pct.abs_diff(g.unanswered_pct);
    out.gap = candidates.into_iter().filter(|g| size(g) > GAP_PP).fold(None, |best: Option<Gap>, g| match best {
        Some(b) if size(&b) >= size(&g) => Some(b),
        _ => Some(g),
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(income: f64, completed: bool, answered: bool) -> Sent {
        Sent { baseline_per_head: Some(income), completed, answered }
    }

    #[test]
    fn thirds_split_at_the_values_a_third_and_two_thirds_up() {
        let v: Vec<f64> = (1..=9).map(|i| f64::from(i) * 1000.0).collect();
        assert_eq!(cuts(&v), Some((4000.0, 7000.0)));
        // Ties stay in one band: five people at 2,000 are all middle.
        let tied = [1000.0, 2000.0, 2000.0, 2000.0, 2000.0, 2000.0, 9000.0];
        assert_eq!(cuts(&tied), Some((2000.0, 2000.0)));
        assert_eq!(cuts(&[]), None);
    }

    #[test]
    fn the_poor_not_answering_is_named() {
        // 15 people: the five poorest answered one of five, the others all answered.
        let mut s: Vec<Sent> = (0..5).map(|i| sent(1000.0 + f64::from(i), true, i == 0)).collect();
        s.extend((0..10).map(|i| sent(5000.0 + f64::from(i) * 100.0, true, true)));
        let a = attrition(&s, 5);
        assert_eq!(
            a.bands,
            [Response { sent: 5, answered: 1 }, Response { sent: 5, answered: 5 }, Response { sent: 5, answered: 5 }]
        );
        // Only 4 did not answer: too few on that side to judge.
        assert_eq!(a.gap, None);
        // A sixth poor non-respondent makes 16: the thirds cut at 1,004 and 5,400, and the low third
        // holds 1 of the 11 who answered (9 %) but 4 of the 5 who did not (80 %).
        s.push(sent(1000.5, true, false));
        let a = attrition(&s, 5);
        assert_eq!(a.cuts, Some((1004.0, 5400.0)));
        assert_eq!(a.gap, Some(Gap { what: GapIn::Band(Band::Low), answered_pct: 9, unanswered_pct: 80 }), "{a:?}");
    }

    #[test]
    fn completion_differences_are_named_and_small_ones_are_not() {
        // Answered: 8 of 10 completed; not answered: 2 of 10 completed → 80 % vs 20 %.
        let mut s: Vec<Sent> = Vec::new();
        for i in 0..10 {
            s.push(Sent { baseline_per_head: None, completed: i < 8, answered: true });
            s.push(Sent { baseline_per_head: None, completed: i < 2, answered: false });
        }
        let a = attrition(&s, 5);
        assert_eq!(a.completed, Response { sent: 10, answered: 8 });
        assert_eq!(a.no_baseline_income, Response { sent: 20, answered: 10 });
        assert_eq!(a.gap, Some(Gap { what: GapIn::Completed, answered_pct: 80, unanswered_pct: 20 }));
        // 6 of 10 against 5 of 10: 10 points is not more than 10.
        let even: Vec<Sent> = (0..10)
            .flat_map(|i| {
                [
                    Sent { baseline_per_head: None, completed: i < 6, answered: true },
                    Sent { baseline_per_head: None, completed: i < 5, answered: false },
                ]
            })
            .collect();
        assert_eq!(attrition(&even, 5).gap, None);
    }
}
