//! The 95 % intervals of `/outcomes`: Wilson's score interval for a share, and a percentile
//! bootstrap for a median. Both are deterministic (the bootstrap draws from a fixed seed, over the
//! values in sorted order), so whoever recomputes them from the exported CSV gets the same numbers.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// z of a two-sided 95 % interval.
const Z95: f64 = 1.959_963_984_540_054;

/// The seed of every bootstrap (printed in the CSV's notes, so anyone can redo it).
pub const BOOTSTRAP_SEED: u64 = 20_261_203;

/// How many resamples a bootstrap draws.
pub const BOOTSTRAP_RESAMPLES: usize = 2000;

/// Wilson's 95 % score interval of `hits` out of `n`, as shares in 0..=1. `None` when `n` is 0.
///
/// Unlike "p ± 1.96·√(p(1−p)/n)" it never leaves 0..1 and stays honest at 0 % or 100 % of a small n.
pub fn wilson(hits: usize, n: usize) -> Option<(f64, f64)> {
    if n == 0 || hits > n {
        return None;
    }
    let n = n as f64;
    let p = hits as f64 / n;
    let z2 = Z95 * Z95;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z95 / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

/// The middle value of sorted values; of an even count, the mean of the two middle values.
fn median_of_sorted(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n % 2 == 1 { sorted[n / 2] } else { (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0 }
}

/// The values in ascending order (NaN last, as `total_cmp` orders them).
pub fn sorted(values: &[f64]) -> Vec<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted
}

/// The middle value (of an even count, the mean of the two middle ones); `None` of no values.
pub fn median(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| median_of_sorted(&sorted(values)))
}

/// A 95 % percentile-bootstrap interval of the median: [`BOOTSTRAP_RESAMPLES`] resamples with
/// replacement drawn by ChaCha8 from [`BOOTSTRAP_SEED`] over the values sorted ascending (so the
/// order of the rows does not matter), each index `gen_range(0..n)`; the interval is the 50th and the
/// 1951st of the sorted resample medians (the 2.5 % and 97.5 % points). `None` of no values.
pub fn bootstrap_median_interval(values: &[f64]) -> Option<(f64, f64)> {
    if values.is_empty() {
        return None;
    }
    let sorted = sorted(values);
    let n = sorted.len();
    let mut rng = ChaCha8Rng::seed_from_u64(BOOTSTRAP_SEED);
    let mut sample = vec![0.0; n];
    let mut medians = Vec::with_capacity(BOOTSTRAP_RESAMPLES);
    for _ in 0..BOOTSTRAP_RESAMPLES {
        for slot in sample.iter_mut() {
            *slot = sorted[rng.gen_range(0..n)];
        }
        sample.sort_by(f64::total_cmp);
        medians.push(median_of_sorted(&sample));
    }
    medians.sort_by(f64::total_cmp);
    let low = BOOTSTRAP_RESAMPLES * 25 / 1000; // 50: the 2.5 % point
    let high = BOOTSTRAP_RESAMPLES - low - 1; // 1949: the 97.5 % point
    Some((medians[low], medians[high]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 5e-4
    }

    #[test]
    fn wilson_matches_the_textbook_values() {
        // 8 of 10: 0.4902–0.9433 (Wilson 1927; e.g. Newcombe 1998, table I).
        let (lo, hi) = wilson(8, 10).unwrap();
        assert!(close(lo, 0.4902) && close(hi, 0.9433), "{lo} {hi}");
        // 0 of 10 still has room above: 0–0.2775.
        let (lo, hi) = wilson(0, 10).unwrap();
        assert!(close(lo, 0.0) && close(hi, 0.2775), "{lo} {hi}");
        // 10 of 10 mirrors it.
        let (lo, hi) = wilson(10, 10).unwrap();
        assert!(close(lo, 0.7225) && close(hi, 1.0), "{lo} {hi}");
        // 81 of 263 (Newcombe's example): 0.2553–0.3662.
        let (lo, hi) = wilson(81, 263).unwrap();
        assert!(close(lo, 0.2553) && close(hi, 0.3662), "{lo} {hi}");
        assert_eq!(wilson(0, 0), None);
        assert_eq!(wilson(3, 2), None);
    }

    #[test]
    fn the_bootstrap_is_the_same_for_the_same_values_in_any_order() {
        let values: Vec<f64> = (0..25).map(|i| (i * 137 % 41) as f64 * 100.0 - 900.0).collect();
        let mut reversed = values.clone();
        reversed.reverse();
        let a = bootstrap_median_interval(&values).unwrap();
        assert_eq!(a, bootstrap_median_interval(&reversed).unwrap());
        let m = median(&values).unwrap();
        assert!(a.0 <= m && m <= a.1, "{a:?} around {m}");
        assert!(a.0 < a.1, "{a:?}");
    }

    #[test]
    fn the_bootstrap_of_equal_values_is_that_value_and_of_one_value_too() {
        assert_eq!(bootstrap_median_interval(&[700.0; 12]), Some((700.0, 700.0)));
        assert_eq!(bootstrap_median_interval(&[-50.0]), Some((-50.0, -50.0)));
        assert_eq!(bootstrap_median_interval(&[]), None);
    }

    #[test]
    fn the_bootstrap_interval_narrows_as_the_sample_grows() {
        // The same spread, four times the people: the interval of the median narrows.
        let small: Vec<f64> = (0..10).map(|i| f64::from(i) * 200.0).collect();
        let large: Vec<f64> = small.iter().flat_map(|&v| [v; 4]).collect();
        let (a, b) = bootstrap_median_interval(&small).unwrap();
        let (c, d) = bootstrap_median_interval(&large).unwrap();
        assert!(d - c < b - a, "{c}..{d} not narrower than {a}..{b}");
    }

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[]), None);
    }
}
