//! Outcome figures of the follow-up surveys (跟踪问效) for a coordinator, computed from exactly the rows of
//! the CSV export, so anyone can recompute every figure from the file they were given.
//!
//! Honesty rules: a figure over fewer than [`MIN_N`] answers is not shown as a number ([`Figure::TooFew`]);
//! shares keep their counts ("62% (N=13)"); "prefer not to say" leaves a person out of a figure's N
//! rather than counting as no; and a change in income is only ever a change of the same household,
//! paired with its own baseline, per head.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::NaiveDate;

use crate::domain::attrition::{self, Attrition, Sent};
use crate::domain::csv;
use crate::domain::job::ReferralStatus;
use crate::domain::stats;
use crate::domain::survey::{Employment, IncomeSource, Industry, Reply, Usage, Wave};

/// Below this many observations a figure is withheld.
pub const MIN_N: usize = 5;

/// From this many observations a figure carries its 95 % interval (fewer make an interval too wide
/// to tell a coordinator anything).
pub const INTERVAL_MIN_N: usize = 10;

/// Below this many people in either group, the comparison with those who did not attend is not shown.
pub const COMPARISON_MIN_N: usize = 10;

crate::domain::survey::coded_enum!(
    /// What became of an enrolment: whether the person came to the class. Those who ordered and
    /// answered the baseline but never came (a no-show, or cancelled) are followed up as a comparison
    /// group.
    Attendance {
        /// Came to at least one session.
        Attended = "attended",
        /// Came to no session of the class (no-show).
        Absent = "absent",
        /// Cancelled the order.
        Cancelled = "cancelled",
        /// The class has not been settled yet.
        Pending = "pending",
    }
);

impl Attendance {
    /// What an order's status says of attendance.
    pub fn of(status: crate::domain::order::OrderStatus) -> Attendance {
        use crate::domain::order::OrderStatus;
        match status {
            OrderStatus::Attended | OrderStatus::Completed | OrderStatus::NotCompleted => Attendance::Attended,
            OrderStatus::NoShow => Attendance::Absent,
            OrderStatus::Cancelled => Attendance::Cancelled,
            _ => Attendance::Pending,
        }
    }

    /// Ordered, but never came: the comparison group's enrolments.
    pub fn did_not_attend(self) -> bool {
        matches!(self, Attendance::Absent | Attendance::Cancelled)
    }
}

/// Where one survey of one person (or one enrolment) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WaveStatus {
    /// Every question answered or declined.
    Answered,
    /// Sent, and the person may still answer.
    Open,
    /// Sent, and its time to answer has passed.
    Unanswered,
    /// Will be sent later.
    NotYetDue,
    /// Will not be sent (e.g. enrolled before surveys began, or the course was not completed).
    NotSurveyed,
}

impl WaveStatus {
    pub const ALL: [WaveStatus; 5] = [
        WaveStatus::Answered,
        WaveStatus::Open,
        WaveStatus::Unanswered,
        WaveStatus::NotYetDue,
        WaveStatus::NotSurveyed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WaveStatus::Answered => "answered",
            WaveStatus::Open => "open",
            WaveStatus::Unanswered => "unanswered",
            WaveStatus::NotYetDue => "not_yet_due",
            WaveStatus::NotSurveyed => "not_surveyed",
        }
    }

    pub fn parse(s: &str) -> Option<WaveStatus> {
        WaveStatus::ALL.into_iter().find(|w| w.as_str() == s)
    }

    /// Sent to the person: counts in the denominator of a response rate.
    pub fn is_due(self) -> bool {
        matches!(self, WaveStatus::Answered | WaveStatus::Open | WaveStatus::Unanswered)
    }
}

/// One row of the export: one survey wave of one person (baseline) or of one enrolment (follow-ups,
/// feedback). `None` in an answer is "not asked / not answered"; `Reply::Declined` is "prefer not to say".
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRow {
    /// Stable pseudonym, e.g. "P-7K3Q2M".
    pub person: String,
    /// Only in identifiable exports.
    pub name: Option<String>,
    /// Only in identifiable exports.
    pub phone: Option<String>,
    pub village: String,
    /// Empty on the baseline row.
    pub course_key: String,
    /// Display title; empty on the baseline row.
    pub course: String,
    /// Empty on the baseline row.
    pub trainer: String,
    /// Empty on the baseline row, e.g. "FS-7K3Q-2".
    pub order_code: String,
    /// `None` on the baseline row.
    pub completed: Option<bool>,
    /// `None` on the baseline row.
    pub attendance: Option<Attendance>,
    pub wave: Wave,
    pub status: WaveStatus,
    /// Local date.
    pub answered_at: Option<NaiveDate>,
    pub household_size: Option<Reply<i64>>,
    pub income_yuan: Option<Reply<i64>>,
    pub employment: Option<Reply<Employment>>,
    pub main_source: Option<Reply<IncomeSource>>,
    pub used_learning: Option<Reply<Usage>>,
    pub industry: Option<Reply<Industry>>,
    pub referral_job: Option<Reply<bool>>,
    pub usefulness: Option<Reply<i64>>,
    pub trainer_stars: Option<Reply<i64>>,
    pub comment: Option<String>,
}

impl ExportRow {
    /// A row of `person` for `wave` with nothing filled in yet.
    pub fn new(person: String, wave: Wave, status: WaveStatus) -> ExportRow {
        ExportRow {
            person,
            name: None,
            phone: None,
            village: String::new(),
            course_key: String::new(),
            course: String::new(),
            trainer: String::new(),
            order_code: String::new(),
            completed: None,
            attendance: None,
            wave,
            status,
            answered_at: None,
            household_size: None,
            income_yuan: None,
            employment: None,
            main_source: None,
            used_learning: None,
            industry: None,
            referral_job: None,
            usefulness: None,
            trainer_stars: None,
            comment: None,
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// Figures
// ---------------------------------------------------------------------------------------------------

/// One figure, with the N it rests on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Figure {
    /// Fewer than [`MIN_N`] observations: show "N=n", no number.
    TooFew {
        n: usize,
    },
    /// `hits` out of `n`.
    Share {
        n: usize,
        hits: usize,
    },
    Mean {
        n: usize,
        value: f64,
    },
    Median {
        n: usize,
        value: f64,
    },
}

impl Figure {
    pub fn share(n: usize, hits: usize) -> Figure {
        if n < MIN_N { Figure::TooFew { n } } else { Figure::Share { n, hits } }
    }

    pub fn mean(values: &[f64]) -> Figure {
        let n = values.len();
        if n < MIN_N { Figure::TooFew { n } } else { Figure::Mean { n, value: values.iter().sum::<f64>() / n as f64 } }
    }

    /// The middle value; of an even count, the mean of the two middle values ([`stats::median`]).
    pub fn median(values: &[f64]) -> Figure {
        let n = values.len();
        match stats::median(values) {
            Some(value) if n >= MIN_N => Figure::Median { n, value },
            _ => Figure::TooFew { n },
        }
    }

    pub fn n(self) -> usize {
        match self {
            Figure::TooFew { n } | Figure::Share { n, .. } | Figure::Mean { n, .. } | Figure::Median { n, .. } => n,
        }
    }

    /// The 95 % interval of a share (Wilson's), as shares in 0..=1, from [`INTERVAL_MIN_N`] answers up.
    /// A median's interval needs its values: see [`WaveFigures::income_change_interval`].
    pub fn interval(self) -> Option<(f64, f64)> {
        match self {
            Figure::Share { n, hits } if n >= INTERVAL_MIN_N => stats::wilson(hits, n),
            _ => None,
        }
    }

    /// A share as a whole percentage, rounded half up.
    pub fn percent(self) -> Option<usize> {
        match self {
            Figure::Share { n, hits } if n > 0 => Some((hits * 100 + n / 2) / n),
            _ => None,
        }
    }
}

/// One follow-up wave.
#[derive(Debug, Clone, PartialEq)]
pub struct WaveFigures {
    pub months: u8,
    /// Sent (answered, open or unanswered).
    pub due: usize,
    pub answered: usize,
    /// `answered` of `due`, withheld below [`MIN_N`] like every figure.
    pub response: Figure,
    /// Employed (anything but 未就业) among the people who answered and gave their employment; one row
    /// per person (see [`compute`]).
    pub employment: Figure,
    /// The same people's employment at baseline, among those of them who gave it then.
    pub employment_baseline: Figure,
    /// Median change in household net income per head, yuan, against the person's own baseline.
    pub income_change: Figure,
    /// Its 95 % interval (seeded bootstrap, [`stats::bootstrap_median_interval`]), from
    /// [`INTERVAL_MIN_N`] pairs up.
    pub income_change_interval: Option<(f64, f64)>,
    /// Who answered, of the people sent this wave (one per person): by baseline income third and by
    /// completion, with the gap between answered and not answered when it bends the figures.
    pub attrition: Attrition,
    /// The same wave of the people who ordered, answered the baseline and never came.
    pub comparison: Comparison,
    /// Started or expanded an industry, among answered rows that said (one per enrolment).
    pub industry: Figure,
    /// Used what was learned often or sometimes (one per enrolment).
    pub used_learning: Figure,
    /// Got a job through the training's referral (one per enrolment).
    pub referral_job: Figure,
}

/// A follow-up wave of the comparison group: people who ordered and answered the baseline but did not
/// attend (no-show or cancelled), and attended nothing else in the scope. Not a randomised comparison:
/// people who stay away may differ from those who come.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub due: usize,
    pub answered: usize,
    /// Median change in income per head against their own baseline, as for attendees.
    pub income_change: Figure,
    pub income_change_interval: Option<(f64, f64)>,
}

impl WaveFigures {
    /// Both groups have at least [`COMPARISON_MIN_N`] people paired with their baseline: only then
    /// are they set side by side.
    pub fn comparison_shown(&self) -> bool {
        self.income_change.n() >= COMPARISON_MIN_N && self.comparison.income_change.n() >= COMPARISON_MIN_N
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Outcomes {
    /// People with an enrolment in the export (cancelled orders aside): someone with two courses counts once.
    pub enrolled: usize,
    /// Enrolments (distinct order codes) in the export.
    pub orders: usize,
    /// People with at least one enrolment marked completed.
    pub completed: usize,
    /// Baseline surveys sent (answered, open or unanswered): one per person.
    pub baseline_asked: usize,
    pub baseline_answered: usize,
    pub baseline_response: Figure,
    /// Every follow-up wave present in the rows, by months.
    pub waves: Vec<WaveFigures>,
    /// Feedback at completion, one per enrolment.
    pub feedback_due: usize,
    pub feedback_answered: usize,
    pub feedback_response: Figure,
    /// Mean stars 1–5: was the course useful.
    pub usefulness: Figure,
    /// Mean stars 1–5 for the trainer.
    pub trainer: Figure,
}

/// The figures of an export.
///
/// Only rows whose status is `Answered` contribute answers. Household questions (employment, income)
/// count each person once per wave: someone with two courses answers the same household twice, and
/// counting both would weigh them double. Of a person's rows that count for a figure, the one with the
/// smallest order code is kept, so the choice can be redone by hand. Questions about the course itself
/// (use of what was learned, industry, referral, feedback) count once per enrolment.
///
/// A person's baseline is their first answered baseline row. The income change is
/// `income / size − baseline income / baseline size`, both sizes ≥ 1; a declined or missing income or
/// size on either side leaves the person out.
///
/// Follow-up figures are of attendees: rows of enrolments not marked absent or cancelled. The rows of
/// enrolments someone never came to make the comparison group, unless that person has another
/// enrolment in the export (then they are in neither). Cancelled orders (present only when followed
/// up) count in no enrolment figure.
pub fn compute(rows: &[ExportRow]) -> Outcomes {
    let enrolments: Vec<&ExportRow> =
        rows.iter().filter(|r| is_enrolment(r) && r.attendance != Some(Attendance::Cancelled)).collect();
    // People where the text says 人, orders where it says 份: one person may hold several orders.
    let enrolled = enrolments.iter().map(|r| r.person.as_str()).collect::<HashSet<_>>().len();
    let orders = enrolments.iter().map(|r| r.order_code.as_str()).collect::<HashSet<_>>().len();
    let completed = enrolments
        .iter()
        .filter(|r| r.completed == Some(true))
        .map(|r| r.person.as_str())
        .collect::<HashSet<_>>()
        .len();

    let baseline_rows = rows.iter().filter(|r| r.wave == Wave::Baseline);
    let asked = baseline_rows.clone().filter(|r| r.status.is_due()).count();
    let answered = baseline_rows.filter(|r| r.status == WaveStatus::Answered).count();
    let baselines = baselines(rows);

    let months: BTreeSet<u8> = rows
        .iter()
        .filter_map(|r| match r.wave {
            Wave::Followup(m) => Some(m),
            _ => None,
        })
        .collect();
    let (attendees, comparison) = groups(rows);
    let waves = months.into_iter().map(|m| followup(&attendees, &comparison, m, &baselines)).collect();

    let feedback_rows: Vec<&ExportRow> = rows.iter().filter(|r| r.wave == Wave::Feedback).collect();
    let feedback_answered: Vec<&ExportRow> =
        feedback_rows.iter().copied().filter(|r| r.status == WaveStatus::Answered).collect();
    let stars = |get: fn(&ExportRow) -> &Option<Reply<i64>>| -> Vec<f64> {
        feedback_answered.iter().filter_map(|r| get(r).as_ref()?.given().map(|&s| s as f64)).collect()
    };
    let feedback_due = feedback_rows.iter().filter(|r| r.status.is_due()).count();

    Outcomes {
        enrolled,
        orders,
        completed,
        baseline_asked: asked,
        baseline_answered: answered,
        baseline_response: Figure::share(asked, answered),
        waves,
        feedback_due,
        feedback_answered: feedback_answered.len(),
        feedback_response: Figure::share(feedback_due, feedback_answered.len()),
        usefulness: Figure::mean(&stars(|r| &r.usefulness)),
        trainer: Figure::mean(&stars(|r| &r.trainer_stars)),
    }
}

/// Each person's baseline: their first answered baseline row.
fn baselines(rows: &[ExportRow]) -> HashMap<&str, &ExportRow> {
    let mut baselines: HashMap<&str, &ExportRow> = HashMap::new();
    for r in rows.iter().filter(|r| r.wave == Wave::Baseline && r.status == WaveStatus::Answered) {
        baselines.entry(r.person.as_str()).or_insert(r);
    }
    baselines
}

/// A row of one enrolment (a follow-up or the feedback of an order), not a person's baseline.
fn is_enrolment(r: &ExportRow) -> bool {
    r.wave != Wave::Baseline && !r.order_code.is_empty()
}

/// The enrolment rows of attendees and those of the comparison group (see [`compute`]).
fn groups(rows: &[ExportRow]) -> (Vec<&ExportRow>, Vec<&ExportRow>) {
    let never_came = |r: &ExportRow| r.attendance.is_some_and(Attendance::did_not_attend);
    let (attendees, others): (Vec<&ExportRow>, Vec<&ExportRow>) =
        rows.iter().filter(|r| is_enrolment(r)).partition(|r| !never_came(r));
    let came: HashSet<&str> = attendees.iter().map(|r| r.person.as_str()).collect();
    let comparison = others.into_iter().filter(|r| !came.contains(r.person.as_str())).collect();
    (attendees, comparison)
}

/// Income per head `(baseline, follow-up)` of attendees in the `months` wave, one pair per person, in
/// the order of their pseudonyms: exactly the pairs whose differences make that wave's
/// [`WaveFigures::income_change`] (same baseline, same one-row-per-person rule, same per-head rule).
pub fn paired_incomes(rows: &[ExportRow], months: u8) -> Vec<(f64, f64)> {
    let baselines = baselines(rows);
    let (attendees, _) = groups(rows);
    income_pairs(&attendees, months, &baselines).into_values().map(|(_, pair)| pair).collect()
}

/// Answered rows of the `months` wave with a per-head income on both sides, one per person.
fn income_pairs<'a>(
    rows: &[&'a ExportRow],
    months: u8,
    baselines: &HashMap<&str, &'a ExportRow>,
) -> BTreeMap<&'a str, (&'a ExportRow, (f64, f64))> {
    let answered =
        rows.iter().copied().filter(|r| r.wave == Wave::Followup(months) && r.status == WaveStatus::Answered);
    one_per_person(answered.filter_map(|r| {
        let base = baselines.get(r.person.as_str())?;
        Some((r, (per_head(base)?, per_head(r)?)))
    }))
}

fn given<T>(reply: &Option<Reply<T>>) -> Option<&T> {
    reply.as_ref()?.given()
}

/// Income per head, when both income and a size of at least 1 were given.
fn per_head(r: &ExportRow) -> Option<f64> {
    let size = *given(&r.household_size)?;
    let income = *given(&r.income_yuan)?;
    (size >= 1).then(|| income as f64 / size as f64)
}

/// Of the rows that count, one per person: the smallest order code.
fn one_per_person<'a, T>(rows: impl Iterator<Item = (&'a ExportRow, T)>) -> BTreeMap<&'a str, (&'a ExportRow, T)> {
    let mut kept: BTreeMap<&str, (&ExportRow, T)> = BTreeMap::new();
    for (r, v) in rows {
        match kept.get(r.person.as_str()) {
            Some((k, _)) if k.order_code <= r.order_code => {}
            _ => {
                kept.insert(r.person.as_str(), (r, v));
            }
        }
    }
    kept
}

/// The median income change of a group's wave and its interval.
fn income_change(
    rows: &[&ExportRow],
    months: u8,
    baselines: &HashMap<&str, &ExportRow>,
) -> (Figure, Option<(f64, f64)>) {
    let changes: Vec<f64> =
        income_pairs(rows, months, baselines).values().map(|&(_, (before, after))| after - before).collect();
    let interval = if changes.len() >= INTERVAL_MIN_N { stats::bootstrap_median_interval(&changes) } else { None };
    (Figure::median(&changes), interval)
}

/// Per person sent the wave: answered any of it, completed any course, baseline income per head.
fn sent_of(wave: &[&ExportRow], baselines: &HashMap<&str, &ExportRow>) -> Vec<Sent> {
    let mut people: BTreeMap<&str, Sent> = BTreeMap::new();
    for r in wave.iter().filter(|r| r.status.is_due()) {
        let sent = people.entry(r.person.as_str()).or_insert_with(|| Sent {
            baseline_per_head: baselines.get(r.person.as_str()).and_then(|b| per_head(b)),
            completed: false,
            answered: false,
        });
        sent.completed |= r.completed == Some(true);
        sent.answered |= r.status == WaveStatus::Answered;
    }
    people.into_values().collect()
}

fn followup(
    attendees: &[&ExportRow],
    comparison: &[&ExportRow],
    months: u8,
    baselines: &HashMap<&str, &ExportRow>,
) -> WaveFigures {
    let wave: Vec<&ExportRow> = attendees.iter().copied().filter(|r| r.wave == Wave::Followup(months)).collect();
    let due = wave.iter().filter(|r| r.status.is_due()).count();
    let answered: Vec<&ExportRow> = wave.iter().copied().filter(|r| r.status == WaveStatus::Answered).collect();

    let employment = one_per_person(answered.iter().filter_map(|&r| Some((r, *given(&r.employment)?))));
    let employed_then: Vec<bool> = employment
        .keys()
        .filter_map(|p| baselines.get(p).and_then(|b| given(&b.employment)).map(|e| e.is_employed()))
        .collect();

    let (income, income_interval) = income_change(attendees, months, baselines);
    let compared: Vec<&ExportRow> = comparison.iter().copied().filter(|r| r.wave == Wave::Followup(months)).collect();
    let (compared_income, compared_interval) = income_change(&compared, months, baselines);

    let share = |hit: fn(&ExportRow) -> Option<bool>| {
        let said: Vec<bool> = answered.iter().filter_map(|r| hit(r)).collect();
        Figure::share(said.len(), said.iter().filter(|&&h| h).count())
    };

    WaveFigures {
        months,
        due,
        answered: answered.len(),
        response: Figure::share(due, answered.len()),
        employment: Figure::share(employment.len(), employment.values().filter(|(_, e)| e.is_employed()).count()),
        employment_baseline: Figure::share(employed_then.len(), employed_then.iter().filter(|&&e| e).count()),
        income_change: income,
        income_change_interval: income_interval,
        attrition: attrition::attrition(&sent_of(&wave, baselines), MIN_N),
        comparison: Comparison {
            due: compared.iter().filter(|r| r.status.is_due()).count(),
            answered: compared.iter().filter(|r| r.status == WaveStatus::Answered).count(),
            income_change: compared_income,
            income_change_interval: compared_interval,
        },
        industry: share(|r| given(&r.industry).map(|i| i.started_or_expanded())),
        used_learning: share(|r| given(&r.used_learning).map(|u| matches!(u, Usage::Often | Usage::Sometimes))),
        referral_job: share(|r| given(&r.referral_job).copied()),
    }
}

// ---------------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------------

/// The columns of the export, in order. `Name` and `Phone` only in identifiable exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    Person,
    Name,
    Phone,
    Village,
    CourseKey,
    Course,
    Trainer,
    OrderCode,
    Completed,
    Attendance,
    Wave,
    Status,
    AnsweredAt,
    HouseholdSize,
    IncomeYuan,
    Employment,
    MainSource,
    UsedLearning,
    Industry,
    ReferralJob,
    Usefulness,
    TrainerStars,
    Comment,
}

impl Column {
    pub const ALL: [Column; 23] = [
        Column::Person,
        Column::Name,
        Column::Phone,
        Column::Village,
        Column::CourseKey,
        Column::Course,
        Column::Trainer,
        Column::OrderCode,
        Column::Completed,
        Column::Attendance,
        Column::Wave,
        Column::Status,
        Column::AnsweredAt,
        Column::HouseholdSize,
        Column::IncomeYuan,
        Column::Employment,
        Column::MainSource,
        Column::UsedLearning,
        Column::Industry,
        Column::ReferralJob,
        Column::Usefulness,
        Column::TrainerStars,
        Column::Comment,
    ];

    /// The code handed to [`CsvText`]: the name of the [`ExportRow`] field.
    pub fn as_str(self) -> &'static str {
        match self {
            Column::Person => "person",
            Column::Name => "name",
            Column::Phone => "phone",
            Column::Village => "village",
            Column::CourseKey => "course_key",
            Column::Course => "course",
            Column::Trainer => "trainer",
            Column::OrderCode => "order_code",
            Column::Completed => "completed",
            Column::Attendance => "attendance",
            Column::Wave => "wave",
            Column::Status => "status",
            Column::AnsweredAt => "answered_at",
            Column::HouseholdSize => "household_size",
            Column::IncomeYuan => "income_yuan",
            Column::Employment => "employment",
            Column::MainSource => "main_source",
            Column::UsedLearning => "used_learning",
            Column::Industry => "industry",
            Column::ReferralJob => "referral_job",
            Column::Usefulness => "usefulness",
            Column::TrainerStars => "trainer_stars",
            Column::Comment => "comment",
        }
    }

    /// The columns of an export.
    pub fn columns(identifiable: bool) -> Vec<Column> {
        Column::ALL.into_iter().filter(|c| identifiable || !matches!(c, Column::Name | Column::Phone)).collect()
    }

    /// The codes whose labels fill a choice column: `yes`/`no` (completed, referral job), the wave
    /// (`baseline`, `m1`…`m60`, `feedback`), the status ([`WaveStatus::as_str`]) and the survey's
    /// choice codes. Empty for numbers, dates and free text, which are written as they are.
    pub fn codes(self) -> Vec<String> {
        let owned = |codes: &[&str]| codes.iter().map(|c| (*c).to_owned()).collect();
        match self {
            Column::Completed | Column::ReferralJob => owned(&["yes", "no"]),
            Column::Wave => std::iter::once(Wave::Baseline)
                .chain((1..=60).map(Wave::Followup))
                .chain(std::iter::once(Wave::Feedback))
                .map(Wave::as_str)
                .collect(),
            Column::Status => WaveStatus::ALL.iter().map(|s| s.as_str().to_owned()).collect(),
            Column::Attendance => owned(Attendance::CODES),
            Column::Employment => owned(Employment::CODES),
            Column::MainSource => owned(IncomeSource::CODES),
            Column::UsedLearning => owned(Usage::CODES),
            Column::Industry => owned(Industry::CODES),
            _ => Vec::new(),
        }
    }
}

/// The header of a column, given its code ([`Column::as_str`]).
pub type HeaderFn = Box<dyn Fn(&str) -> String + Send + Sync>;
/// The label of a code in a column, given the column's code and the code (see [`Column::codes`]).
pub type LabelFn = Box<dyn Fn(&str, &str) -> String + Send + Sync>;

/// The code whose label, in any answer column, says "prefer not to say".
pub const DECLINED: &str = "declined";

/// The words of an export, in the reader's language. The caller supplies them (from Fluent), so a
/// coordinator reads 务农 rather than `farming`; nothing here is translated.
pub struct CsvText {
    pub header: HeaderFn,
    /// Labels of one column must differ, or [`read_csv`] cannot tell them apart; the label of
    /// [`DECLINED`] is used in the columns of answers (household size to trainer stars).
    pub label: LabelFn,
}

impl CsvText {
    pub fn new(
        header: impl Fn(&str) -> String + Send + Sync + 'static,
        label: impl Fn(&str, &str) -> String + Send + Sync + 'static,
    ) -> CsvText {
        CsvText { header: Box::new(header), label: Box::new(label) }
    }

    /// Codes as they are: column codes as headers, codes as labels.
    pub fn codes() -> CsvText {
        CsvText::new(str::to_owned, |_, code| code.to_owned())
    }

    fn header(&self, column: Column) -> String {
        (self.header)(column.as_str())
    }

    fn label(&self, column: Column, code: &str) -> String {
        (self.label)(column.as_str(), code)
    }
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

fn cell(r: &ExportRow, column: Column, text: &CsvText) -> String {
    let label = |code: &str| text.label(column, code);
    fn reply<T>(v: &Option<Reply<T>>, given: impl Fn(&T) -> String, declined: impl Fn() -> String) -> String {
        match v {
            None => String::new(),
            Some(Reply::Declined) => declined(),
            Some(Reply::Given(x)) => given(x),
        }
    }
    let declined = || label(DECLINED);
    let number = |v: &Option<Reply<i64>>| reply(v, i64::to_string, declined);
    match column {
        Column::Person => r.person.clone(),
        Column::Name => r.name.clone().unwrap_or_default(),
        Column::Phone => r.phone.clone().unwrap_or_default(),
        Column::Village => r.village.clone(),
        Column::CourseKey => r.course_key.clone(),
        Column::Course => r.course.clone(),
        Column::Trainer => r.trainer.clone(),
        Column::OrderCode => r.order_code.clone(),
        Column::Completed => r.completed.map(|c| label(yes_no(c))).unwrap_or_default(),
        Column::Attendance => r.attendance.map(|a| label(a.as_str())).unwrap_or_default(),
        Column::Wave => label(&r.wave.as_str()),
        Column::Status => label(r.status.as_str()),
        Column::AnsweredAt => r.answered_at.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default(),
        Column::HouseholdSize => number(&r.household_size),
        Column::IncomeYuan => number(&r.income_yuan),
        Column::Employment => reply(&r.employment, |e| label(e.as_str()), declined),
        Column::MainSource => reply(&r.main_source, |s| label(s.as_str()), declined),
        Column::UsedLearning => reply(&r.used_learning, |u| label(u.as_str()), declined),
        Column::Industry => reply(&r.industry, |i| label(i.as_str()), declined),
        Column::ReferralJob => reply(&r.referral_job, |&b| label(yes_no(b)), declined),
        Column::Usefulness => number(&r.usefulness),
        Column::TrainerStars => number(&r.trainer_stars),
        Column::Comment => r.comment.clone().unwrap_or_default(),
    }
}

/// The export as CSV: a UTF-8 byte order mark (so Excel reads Chinese), a header line, one line per row,
/// lines ended by CRLF as RFC 4180 says; fields holding a comma, quote or line break are quoted, quotes
/// doubled. A cell a spreadsheet would take for a formula (`=`, `+`, `-`, `@`…) is prefixed with `'`;
/// phone numbers are written so that Excel and WPS show them as typed (see `csv::Cell::Phone`).
/// Name and phone only when `identifiable`.
pub fn write_csv(rows: &[ExportRow], identifiable: bool, text: &CsvText) -> String {
    let columns = Column::columns(identifiable);
    let mut out = String::from("\u{feff}");
    csv::push_line(&mut out, columns.iter().map(|&c| text.header(c)));
    for r in rows {
        csv::push_cells(
            &mut out,
            columns.iter().map(|&c| match c {
                Column::Phone => csv::Cell::Phone(cell(r, c, text)),
                _ => csv::Cell::Text(cell(r, c, text)),
            }),
        );
    }
    out
}

/// Reads back what [`write_csv`] wrote with the same `text`: labels are turned back into codes by
/// trying every code of the column (a bare code is accepted too). It exists so that the figures can be
/// checked against an export.
pub fn read_csv(csv: &str, text: &CsvText) -> Result<Vec<ExportRow>, String> {
    let csv = csv.strip_prefix('\u{feff}').unwrap_or(csv);
    let mut records = csv::records(csv)?.into_iter();
    let header: Vec<String> =
        records.next().ok_or("no header line")?.iter().map(|h| csv::undefuse(h).to_owned()).collect();
    let columns = [true, false]
        .into_iter()
        .map(Column::columns)
        .find(|cols| cols.iter().map(|&c| text.header(c)).eq(header.iter().cloned()))
        .ok_or("the header line is not the one of a survey export")?;

    // Label → code, per choice column; `None` where two codes share a label. And "prefer not to say".
    let mut labels: HashMap<Column, HashMap<String, Option<String>>> = HashMap::new();
    let mut declined: HashMap<Column, String> = HashMap::new();
    for &column in &columns {
        let map = labels.entry(column).or_default();
        for code in column.codes() {
            map.entry(text.label(column, &code)).and_modify(|c| *c = None).or_insert(Some(code));
        }
        declined.insert(column, text.label(column, DECLINED));
    }

    let mut rows = Vec::new();
    for (i, record) in records.enumerate() {
        let at = i + 2;
        if record.len() != columns.len() {
            return Err(format!("row {at}: {} fields, expected {}", record.len(), columns.len()));
        }
        let mut row = ExportRow::new(String::new(), Wave::Baseline, WaveStatus::NotSurveyed);
        for (&column, raw) in columns.iter().zip(&record) {
            let value = csv::undefuse(raw);
            let bad = || format!("row {at}, column {}: cannot read {value:?}", column.as_str());
            let code = || -> Result<String, String> {
                match labels.get(&column).and_then(|m| m.get(value)) {
                    Some(Some(code)) => Ok(code.clone()),
                    Some(None) => Err(format!("row {at}, column {}: {value:?} is ambiguous", column.as_str())),
                    None if column.codes().iter().any(|c| c == value) => Ok(value.to_owned()),
                    None => Err(bad()),
                }
            };
            let optional = || (!value.is_empty()).then(|| value.to_owned());
            let declined = declined.get(&column).is_some_and(|d| d == value);
            let number = || -> Result<Option<Reply<i64>>, String> {
                Ok(match value {
                    "" => None,
                    _ if declined => Some(Reply::Declined),
                    v => Some(Reply::Given(v.parse().map_err(|_| bad())?)),
                })
            };
            fn choice<T>(
                value: &str,
                declined: bool,
                code: impl Fn() -> Result<String, String>,
                parse: impl Fn(&str) -> Option<T>,
                bad: impl Fn() -> String,
            ) -> Result<Option<Reply<T>>, String> {
                Ok(match value {
                    "" => None,
                    _ if declined => Some(Reply::Declined),
                    _ => Some(Reply::Given(parse(&code()?).ok_or_else(bad)?)),
                })
            }
            let yes = |c: &str| match c {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            };
            match column {
                Column::Person => row.person = value.to_owned(),
                Column::Name => row.name = optional(),
                Column::Phone => row.phone = Some(csv::read_phone(raw)).filter(|p| !p.is_empty()).map(str::to_owned),
                Column::Village => row.village = value.to_owned(),
                Column::CourseKey => row.course_key = value.to_owned(),
                Column::Course => row.course = value.to_owned(),
                Column::Trainer => row.trainer = value.to_owned(),
                Column::OrderCode => row.order_code = value.to_owned(),
                Column::Completed => {
                    row.completed = if value.is_empty() { None } else { Some(yes(&code()?).ok_or_else(bad)?) }
                }
                Column::Attendance => {
                    row.attendance =
                        if value.is_empty() { None } else { Some(Attendance::parse(&code()?).ok_or_else(bad)?) }
                }
                Column::Wave => row.wave = Wave::parse(&code()?).ok_or_else(bad)?,
                Column::Status => row.status = WaveStatus::parse(&code()?).ok_or_else(bad)?,
                Column::AnsweredAt => {
                    row.answered_at = match value {
                        "" => None,
                        v => Some(NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| bad())?),
                    }
                }
                Column::HouseholdSize => row.household_size = number()?,
                Column::IncomeYuan => row.income_yuan = number()?,
                Column::Employment => row.employment = choice(value, declined, code, Employment::parse, bad)?,
                Column::MainSource => row.main_source = choice(value, declined, code, IncomeSource::parse, bad)?,
                Column::UsedLearning => row.used_learning = choice(value, declined, code, Usage::parse, bad)?,
                Column::Industry => row.industry = choice(value, declined, code, Industry::parse, bad)?,
                Column::ReferralJob => row.referral_job = choice(value, declined, code, yes, bad)?,
                Column::Usefulness => row.usefulness = number()?,
                Column::TrainerStars => row.trainer_stars = number()?,
                Column::Comment => row.comment = optional(),
            }
        }
        rows.push(row);
    }
    Ok(rows)
}

// ---------------------------------------------------------------------------------------------------
// Referrals (培训合格后推荐就业): recorded by coordinators and the people's follow-up answers
// ---------------------------------------------------------------------------------------------------

/// One referral in the outcome export: one person referred to one opening, as recorded (not a survey
/// answer). `course` is the certificate that qualified them, in the chosen scope.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferralRow {
    /// The same pseudonym as the survey export's.
    pub person: String,
    /// Only in identifiable exports.
    pub name: Option<String>,
    /// Only in identifiable exports.
    pub phone: Option<String>,
    pub village: String,
    pub course_key: String,
    pub course: String,
    pub opening: i64,
    pub employer: String,
    pub status: ReferralStatus,
    /// Local dates (the opening region's).
    pub referred_on: NaiveDate,
    pub interviewed_on: Option<NaiveDate>,
    pub settled_on: Option<NaiveDate>,
}

/// The referral figures of a scope. Counted per person and opening (a row repeated for the same pair
/// counts once); shares of the referrals, withheld below [`MIN_N`] while the counts still show.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferralFigures {
    /// Person-opening pairs referred.
    pub referrals: usize,
    /// People referred at least once.
    pub people: usize,
    /// Referrals that reached an interview (interviewed, hired or not hired).
    pub interviewed: usize,
    pub interviewed_share: Figure,
    /// Referrals marked hired.
    pub hired: usize,
    pub hired_share: Figure,
    /// People with at least one referral marked hired: "hired through a referral", as recorded.
    pub hired_people: usize,
}

/// The figures of the referral rows (see [`ReferralFigures`]).
pub fn referral_figures(rows: &[ReferralRow]) -> ReferralFigures {
    let mut pairs: BTreeMap<(&str, i64), ReferralStatus> = BTreeMap::new();
    for r in rows {
        pairs.entry((r.person.as_str(), r.opening)).or_insert(r.status);
    }
    let referrals = pairs.len();
    let people = pairs.keys().map(|(p, _)| *p).collect::<HashSet<_>>().len();
    let interviewed = pairs.values().filter(|s| s.was_interviewed()).count();
    let hired = pairs.values().filter(|&&s| s == ReferralStatus::Hired).count();
    let hired_people =
        pairs.iter().filter(|(_, s)| **s == ReferralStatus::Hired).map(|((p, _), _)| *p).collect::<HashSet<_>>().len();
    ReferralFigures {
        referrals,
        people,
        interviewed,
        interviewed_share: Figure::share(referrals, interviewed),
        hired,
        hired_share: Figure::share(referrals, hired),
        hired_people,
    }
}

/// The referral export's columns, in order (`name` and `phone` only when identifiable).
pub const REFERRAL_COLUMNS: [&str; 12] = [
    "person",
    "name",
    "phone",
    "village",
    "course_key",
    "course",
    "opening",
    "employer",
    "status",
    "referred_on",
    "interviewed_on",
    "settled_on",
];

fn referral_columns(identifiable: bool) -> Vec<&'static str> {
    REFERRAL_COLUMNS.into_iter().filter(|c| identifiable || !matches!(*c, "name" | "phone")).collect()
}

/// The referral rows as CSV, as [`write_csv`] writes the answers: byte order mark, CRLF, defused
/// cells, phones as typed. `text.header` names the columns, `text.label("status", code)` the statuses.
pub fn write_referral_csv(rows: &[ReferralRow], identifiable: bool, text: &CsvText) -> String {
    let columns = referral_columns(identifiable);
    let day = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
    let mut out = String::from("\u{feff}");
    csv::push_line(&mut out, columns.iter().map(|c| (text.header)(c)));
    for r in rows {
        csv::push_cells(
            &mut out,
            columns.iter().map(|&c| match c {
                "person" => csv::Cell::Text(r.person.clone()),
                "name" => csv::Cell::Text(r.name.clone().unwrap_or_default()),
                "phone" => csv::Cell::Phone(r.phone.clone().unwrap_or_default()),
                "village" => csv::Cell::Text(r.village.clone()),
                "course_key" => csv::Cell::Text(r.course_key.clone()),
                "course" => csv::Cell::Text(r.course.clone()),
                "opening" => csv::Cell::Text(r.opening.to_string()),
                "employer" => csv::Cell::Text(r.employer.clone()),
                "status" => csv::Cell::Text((text.label)("status", r.status.as_str())),
                "referred_on" => csv::Cell::Text(day(Some(r.referred_on))),
                "interviewed_on" => csv::Cell::Text(day(r.interviewed_on)),
                _ => csv::Cell::Text(day(r.settled_on)),
            }),
        );
    }
    out
}

/// Reads back what [`write_referral_csv`] wrote with the same `text`, so the referral figures can be
/// recomputed from the file.
pub fn read_referral_csv(csv_text: &str, text: &CsvText) -> Result<Vec<ReferralRow>, String> {
    let body = csv_text.strip_prefix('\u{feff}').unwrap_or(csv_text);
    let mut records = csv::records(body)?.into_iter();
    let header: Vec<String> =
        records.next().ok_or("no header line")?.iter().map(|h| csv::undefuse(h).to_owned()).collect();
    let columns = [true, false]
        .into_iter()
        .map(referral_columns)
        .find(|cols| cols.iter().map(|c| (text.header)(c)).eq(header.iter().cloned()))
        .ok_or("the header line is not the one of a referral export")?;
    let mut rows = Vec::new();
    for (i, record) in records.enumerate() {
        let at = i + 2;
        if record.len() != columns.len() {
            return Err(format!("row {at}: {} fields, expected {}", record.len(), columns.len()));
        }
        let get = |name: &str| -> &str {
            columns.iter().position(|c| *c == name).map(|k| csv::undefuse(&record[k])).unwrap_or("")
        };
        let date = |name: &str| -> Result<Option<NaiveDate>, String> {
            match get(name) {
                "" => Ok(None),
                v => NaiveDate::parse_from_str(v, "%Y-%m-%d").map(Some).map_err(|_| format!("row {at}: {name} {v:?}")),
            }
        };
        let status = ReferralStatus::ALL
            .into_iter()
            .find(|s| (text.label)("status", s.as_str()) == get("status") || s.as_str() == get("status"))
            .ok_or_else(|| format!("row {at}: status {:?}", get("status")))?;
        let phone = columns.iter().position(|c| *c == "phone").map(|k| csv::read_phone(&record[k]).to_owned());
        rows.push(ReferralRow {
            person: get("person").to_owned(),
            name: columns.contains(&"name").then(|| get("name").to_owned()),
            phone: phone.filter(|p| !p.is_empty()),
            village: get("village").to_owned(),
            course_key: get("course_key").to_owned(),
            course: get("course").to_owned(),
            opening: get("opening").parse().map_err(|_| format!("row {at}: opening {:?}", get("opening")))?,
            employer: get("employer").to_owned(),
            status,
            referred_on: date("referred_on")?.ok_or_else(|| format!("row {at}: no referral date"))?,
            interviewed_on: date("interviewed_on")?,
            settled_on: date("settled_on")?,
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Employment::*;
    use Industry::{Expanded, Shrunk, Started, Unchanged};
    use Usage::{Never, Often, Sometimes};
    use WaveStatus::{Answered, NotSurveyed, NotYetDue, Open, Unanswered};

    fn g<T>(v: T) -> Option<Reply<T>> {
        Some(Reply::Given(v))
    }

    fn d<T>() -> Option<Reply<T>> {
        Some(Reply::Declined)
    }

    fn person(n: u8) -> String {
        format!("P-{n:02}")
    }

    fn date(day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(2026, 9, day)
    }

    fn baseline(n: u8, status: WaveStatus) -> ExportRow {
        ExportRow {
            person: person(n),
            name: Some(format!("Name {n}")),
            phone: Some(format!("+86 138 0000 00{n:02}")),
            village: if n.is_multiple_of(2) { "East".into() } else { "West".into() },
            course_key: String::new(),
            course: String::new(),
            trainer: String::new(),
            order_code: String::new(),
            completed: None,
            attendance: None,
            wave: Wave::Baseline,
            status,
            answered_at: (status == Answered).then(|| date(1)).flatten(),
            household_size: None,
            income_yuan: None,
            employment: None,
            main_source: None,
            used_learning: None,
            industry: None,
            referral_job: None,
            usefulness: None,
            trainer_stars: None,
            comment: None,
        }
    }

    /// Course `M` (mushrooms) or `G` (pigs); order codes sort G before M.
    fn enrolment(n: u8, course: char, completed: bool, wave: Wave, status: WaveStatus) -> ExportRow {
        let (key, title, trainer) =
            if course == 'M' { ("mushroom", "Mushroom growing", "Li") } else { ("pig", "Pig raising, basics", "Zhao") };
        ExportRow {
            course_key: key.into(),
            course: title.into(),
            trainer: trainer.into(),
            order_code: format!("FS-{course}-{n:02}"),
            completed: Some(completed),
            attendance: Some(Attendance::Attended),
            wave,
            status,
            answered_at: (status == Answered).then(|| date(20)).flatten(),
            ..baseline(n, status)
        }
    }

    fn core(
        mut r: ExportRow,
        size: Option<Reply<i64>>,
        income: Option<Reply<i64>>,
        employment: Option<Reply<Employment>>,
    ) -> ExportRow {
        r.household_size = size;
        r.income_yuan = income;
        r.employment = employment;
        r.main_source = g(IncomeSource::Crops);
        r
    }

    fn course_answers(
        mut r: ExportRow,
        used: Option<Reply<Usage>>,
        industry: Option<Reply<Industry>>,
        referral: Option<Reply<bool>>,
    ) -> ExportRow {
        r.used_learning = used;
        r.industry = industry;
        r.referral_job = referral;
        r
    }

    fn feedback(
        mut r: ExportRow,
        usefulness: Option<Reply<i64>>,
        trainer: Option<Reply<i64>>,
        comment: Option<&str>,
    ) -> ExportRow {
        r.usefulness = usefulness;
        r.trainer_stars = trainer;
        r.comment = comment.map(Into::into);
        r
    }

    /// The enrolments: (person, course, completed). P-01 took both courses.
    const ORDERS: [(u8, char, bool); 14] = [
        (1, 'M', true),
        (2, 'M', true),
        (3, 'M', true),
        (4, 'M', true),
        (5, 'M', true),
        (6, 'M', true),
        (7, 'M', true),
        (8, 'M', false),
        (1, 'G', true),
        (9, 'G', true),
        (10, 'G', false),
        (11, 'G', true),
        (12, 'G', true),
        (13, 'G', false),
    ];

    /// 13 people, 14 enrolments in two courses; follow-ups at 3, 6 and 12 months.
    ///
    /// Baseline (size, income, employment):
    ///   P-01 4, 40000, farming   P-02 2, 20000, unemployed  P-03 5, 50000, local work
    ///   P-04 3, declined, farming  P-05 4, 24000, unemployed  P-06 1, 12000, migrant
    ///   P-07 3, 30000, unemployed  P-08 2, 16000, farming  P-09 6, 36000, declined
    ///   P-10 unanswered  P-11 not surveyed (no baseline)  P-12 declined size, 30000, farming
    ///   P-13 open (size only)
    fn population() -> Vec<ExportRow> {
        let mut rows = vec![
            core(baseline(1, Answered), g(4), g(40_000), g(Farming)),
            core(baseline(2, Answered), g(2), g(20_000), g(Unemployed)),
            core(baseline(3, Answered), g(5), g(50_000), g(LocalWork)),
            core(baseline(4, Answered), g(3), d(), g(Farming)),
            core(baseline(5, Answered), g(4), g(24_000), g(Unemployed)),
            core(baseline(6, Answered), g(1), g(12_000), g(MigrantWork)),
            core(baseline(7, Answered), g(3), g(30_000), g(Unemployed)),
            core(baseline(8, Answered), g(2), g(16_000), g(Farming)),
            core(baseline(9, Answered), g(6), g(36_000), d()),
            baseline(10, Unanswered),
            baseline(11, NotSurveyed),
            core(baseline(12, Answered), d(), g(30_000), g(Farming)),
            core(baseline(13, Open), g(3), None, None),
        ];
        let status_of = |wave: &str, n: u8, c: char| -> WaveStatus {
            let answered: &[(u8, char)] = match wave {
                "m3" => &[
                    (1, 'M'),
                    (2, 'M'),
                    (3, 'M'),
                    (4, 'M'),
                    (5, 'M'),
                    (7, 'M'),
                    (1, 'G'),
                    (9, 'G'),
                    (11, 'G'),
                    (12, 'G'),
                ],
                "m6" => &[(1, 'M'), (2, 'M'), (3, 'M'), (5, 'M'), (6, 'M'), (9, 'G')],
                "m12" => &[(1, 'M'), (2, 'M')],
                _ => &[(1, 'M'), (2, 'M'), (3, 'M'), (4, 'M'), (5, 'M'), (7, 'M'), (1, 'G'), (9, 'G'), (12, 'G')],
            };
            let open: &[(u8, char)] = match wave {
                "m3" => &[(8, 'M')],
                "m6" => &[(7, 'M')],
                "m12" => &[],
                _ => &[(11, 'G')],
            };
            let unanswered: &[(u8, char)] = match wave {
                "m3" => &[(6, 'M'), (10, 'G')],
                "m6" => &[(4, 'M'), (10, 'G'), (11, 'G')],
                "m12" => &[(3, 'M')],
                _ => &[(6, 'M')],
            };
            if answered.contains(&(n, c)) {
                Answered
            } else if open.contains(&(n, c)) {
                Open
            } else if unanswered.contains(&(n, c)) {
                Unanswered
            } else {
                NotYetDue
            }
        };
        for (n, c, completed) in ORDERS {
            for (m, name) in [(3, "m3"), (6, "m6"), (12, "m12")] {
                let r = enrolment(n, c, completed, Wave::Followup(m), status_of(name, n, c));
                let r = match (m, n, c) {
                    (3, 1, 'M') => {
                        course_answers(core(r, g(4), g(32_000), g(Unemployed)), g(Often), g(Expanded), g(false))
                    }
                    (3, 1, 'G') => {
                        course_answers(core(r, g(4), g(52_000), g(LocalWork)), g(Sometimes), g(Unchanged), g(true))
                    }
                    (3, 2, _) => course_answers(core(r, g(2), g(26_000), g(LocalWork)), g(Often), g(Started), g(true)),
                    (3, 3, _) => {
                        course_answers(core(r, g(5), g(50_000), g(LocalWork)), g(Never), g(Unchanged), g(false))
                    }
                    (3, 4, _) => course_answers(core(r, g(3), g(36_000), g(Farming)), g(Sometimes), g(Expanded), d()),
                    (3, 5, _) => {
                        course_answers(core(r, g(4), g(30_000), g(Unemployed)), g(Never), g(Unchanged), g(false))
                    }
                    (3, 7, _) => course_answers(core(r, d(), g(33_000), g(MigrantWork)), g(Often), d(), g(true)),
                    (3, 9, _) => course_answers(core(r, g(6), g(42_000), g(Farming)), g(Often), g(Started), g(false)),
                    (3, 11, _) => {
                        course_answers(core(r, g(2), g(20_000), g(PublicJob)), g(Sometimes), g(Unchanged), g(true))
                    }
                    (3, 12, _) => course_answers(core(r, g(3), g(33_000), d()), g(Never), g(Shrunk), g(false)),
                    (6, 1, 'M') => {
                        course_answers(core(r, g(4), g(60_000), g(Farming)), g(Often), g(Expanded), g(false))
                    }
                    (6, 2, _) => course_answers(core(r, g(2), g(30_000), g(LocalWork)), g(Often), g(Started), g(true)),
                    (6, 3, _) => {
                        course_answers(core(r, g(5), g(55_000), g(Unemployed)), g(Sometimes), g(Unchanged), g(false))
                    }
                    (6, 5, _) => {
                        course_answers(core(r, g(4), g(32_000), g(LocalWork)), g(Never), g(Unchanged), g(false))
                    }
                    (6, 6, _) => {
                        course_answers(core(r, g(1), g(15_000), g(MigrantWork)), g(Often), g(Expanded), g(true))
                    }
                    (6, 9, _) => {
                        course_answers(core(r, g(6), g(48_000), g(Farming)), g(Sometimes), g(Started), g(true))
                    }
                    (12, 1, 'M') => {
                        course_answers(core(r, g(4), g(64_000), g(Farming)), g(Often), g(Expanded), g(true))
                    }
                    (12, 2, _) => {
                        course_answers(core(r, g(2), g(32_000), g(LocalWork)), g(Often), g(Started), g(false))
                    }
                    _ => r,
                };
                rows.push(r);
            }
            let r = enrolment(n, c, completed, Wave::Feedback, status_of("feedback", n, c));
            rows.push(match (n, c) {
                (1, 'M') => feedback(r, g(5), g(5), Some("Useful, \"very\" practical\nthanks")),
                (2, _) => feedback(r, g(4), g(5), Some("=1+1")),
                (3, _) => feedback(r, g(3), g(4), Some("-worse than I hoped")),
                (4, _) => feedback(r, g(5), g(5), None),
                (5, _) => feedback(r, d(), g(4), None),
                (7, _) => feedback(r, g(4), d(), Some("'quoted'")),
                (1, 'G') => feedback(r, g(5), g(3), Some("蘑菇长得好")),
                (9, _) => feedback(r, g(2), g(4), None),
                (12, _) => feedback(r, g(4), g(3), Some("'=not a formula")),
                _ => r,
            });
        }
        rows
    }

    #[test]
    fn paired_incomes_are_the_pairs_behind_the_income_change() {
        let rows = population();
        // The m3 pairs of the hand count above, by pseudonym: P-01 (by FS-G-01) 10000 → 13000, P-02
        // 10000 → 13000, P-03 10000 → 10000, P-05 6000 → 7500, P-09 6000 → 7000.
        assert_eq!(
            paired_incomes(&rows, 3),
            [(10_000.0, 13_000.0), (10_000.0, 13_000.0), (10_000.0, 10_000.0), (6_000.0, 7_500.0), (6_000.0, 7_000.0)]
        );
        // m6: P-01 02 03 05 06 09.
        assert_eq!(
            paired_incomes(&rows, 6),
            [
                (10_000.0, 15_000.0),
                (10_000.0, 15_000.0),
                (10_000.0, 11_000.0),
                (6_000.0, 8_000.0),
                (12_000.0, 15_000.0),
                (6_000.0, 8_000.0)
            ]
        );
        assert_eq!(paired_incomes(&rows, 12), [(10_000.0, 16_000.0), (10_000.0, 16_000.0)]);
        assert!(paired_incomes(&rows, 24).is_empty());
        // The medians of their differences are the figures shown.
        let o = compute(&rows);
        for w in &o.waves {
            let changes: Vec<f64> = paired_incomes(&rows, w.months).iter().map(|(b, a)| a - b).collect();
            assert_eq!(Figure::median(&changes), w.income_change, "m{}", w.months);
        }
    }

    #[test]
    fn figures_of_the_population_computed_by_hand() {
        let o = compute(&population());
        // 13 people, 14 orders (P-01 took both courses); not completed: FS-M-08, FS-G-10, FS-G-13, so
        // everyone but P-08, P-10 and P-13 completed one.
        assert_eq!((o.enrolled, o.orders, o.completed), (13, 14, 10));
        // Asked all but P-11; answered P-01..P-09 and P-12.
        assert_eq!(
            (o.baseline_asked, o.baseline_answered, o.baseline_response),
            (12, 10, Figure::Share { n: 12, hits: 10 })
        );
        assert_eq!(o.waves.iter().map(|f| f.months).collect::<Vec<_>>(), [3, 6, 12]);

        let m3 = &o.waves[0];
        // Due: 10 answered + FS-M-08 open + FS-M-06, FS-G-10 unanswered.
        assert_eq!((m3.due, m3.answered, m3.response), (13, 10, Figure::Share { n: 13, hits: 10 }));
        // One row per person: P-01 counts by FS-G-01 (local work), not FS-M-01 (unemployed). Given:
        // P-01 02 03 04 05 07 09 11 (P-12 declined); employed all but P-05.
        assert_eq!(m3.employment, Figure::Share { n: 8, hits: 7 });
        // Their baselines: P-09 declined, P-11 has none; of P-01 02 03 04 05 07, employed P-01 03 04.
        assert_eq!(m3.employment_baseline, Figure::Share { n: 6, hits: 3 });
        // Per head, against baseline: P-01 (FS-G-01) 13000 − 10000 = 3000; P-02 13000 − 10000 = 3000;
        // P-03 10000 − 10000 = 0; P-05 7500 − 6000 = 1500; P-09 7000 − 6000 = 1000. Left out: P-04
        // (baseline income declined), P-07 (size declined), P-11 (no baseline), P-12 (baseline size
        // declined). Sorted 0, 1000, 1500, 3000, 3000. (Had P-01 counted by FS-M-01, 8000 − 10000 =
        // −2000, the median would be 1000.)
        assert_eq!(m3.income_change, Figure::Median { n: 5, value: 1500.0 });
        // Per enrolment: industry given on 9 rows (FS-M-07 declined): started/expanded M-01 M-02 M-04 G-09.
        assert_eq!(m3.industry, Figure::Share { n: 9, hits: 4 });
        // Used: often/sometimes on all but M-03, M-05, G-12.
        assert_eq!(m3.used_learning, Figure::Share { n: 10, hits: 7 });
        // Referral: given on 9 (M-04 declined): yes G-01, M-02, M-07, G-11.
        assert_eq!(m3.referral_job, Figure::Share { n: 9, hits: 4 });

        let m6 = &o.waves[1];
        // Due: 6 answered + FS-M-07 open + FS-M-04, FS-G-10, FS-G-11 unanswered.
        assert_eq!((m6.due, m6.answered, m6.response), (10, 6, Figure::Share { n: 10, hits: 6 }));
        // P-01 02 03 05 06 09; P-03 now unemployed.
        assert_eq!(m6.employment, Figure::Share { n: 6, hits: 5 });
        // Baselines of them but P-09 (declined): employed P-01, P-03, P-06.
        assert_eq!(m6.employment_baseline, Figure::Share { n: 5, hits: 3 });
        // 15000−10000, 15000−10000, 11000−10000, 8000−6000, 15000−12000, 8000−6000:
        // sorted 1000, 2000, 2000, 3000, 5000, 5000; even count → (2000 + 3000) / 2.
        assert_eq!(m6.income_change, Figure::Median { n: 6, value: 2500.0 });
        assert_eq!(m6.industry, Figure::Share { n: 6, hits: 4 });
        assert_eq!(m6.used_learning, Figure::Share { n: 6, hits: 5 });
        assert_eq!(m6.referral_job, Figure::Share { n: 6, hits: 3 });

        // m12: FS-M-01 and FS-M-02 answered, FS-M-03 unanswered; too few for any figure.
        let m12 = &o.waves[2];
        assert_eq!((m12.due, m12.answered), (3, 2));
        for f in [
            m12.response,
            m12.employment,
            m12.employment_baseline,
            m12.income_change,
            m12.industry,
            m12.used_learning,
            m12.referral_job,
        ] {
            assert!(matches!(f, Figure::TooFew { .. }), "{f:?}");
        }
        assert_eq!(m12.response, Figure::TooFew { n: 3 });
        assert_eq!(m12.income_change, Figure::TooFew { n: 2 });

        // Feedback: 9 answered, FS-G-11 open, FS-M-06 unanswered.
        // Usefulness given (FS-M-05 declined): 5 4 3 5 4 5 2 4 = 32 / 8 = 4.0.
        // Trainer given (FS-M-07 declined): 5 5 4 5 4 3 4 3 = 33 / 8 = 4.125.
        assert_eq!(
            (o.feedback_due, o.feedback_answered, o.feedback_response),
            (11, 9, Figure::Share { n: 11, hits: 9 })
        );
        assert_eq!(o.usefulness, Figure::Mean { n: 8, value: 4.0 });
        assert_eq!(o.trainer, Figure::Mean { n: 8, value: 4.125 });
    }

    #[test]
    fn figures_withheld_below_five() {
        assert_eq!(Figure::share(4, 4), Figure::TooFew { n: 4 });
        assert_eq!(Figure::share(5, 4), Figure::Share { n: 5, hits: 4 });
        assert_eq!(Figure::mean(&[1.0; 4]), Figure::TooFew { n: 4 });
        assert_eq!(Figure::median(&[]), Figure::TooFew { n: 0 });
        assert_eq!(Figure::median(&[5.0, 1.0, 4.0, 2.0, 3.0]), Figure::Median { n: 5, value: 3.0 });
        assert_eq!(Figure::median(&[-1.0, 7.0, 1.0, 2.0, 3.0, 4.0]), Figure::Median { n: 6, value: 2.5 });
        assert_eq!(Figure::share(13, 8).percent(), Some(62));
        assert_eq!(Figure::share(8, 1).percent(), Some(13)); // 12.5 rounds up
        assert_eq!(Figure::share(3, 1).percent(), None);
    }

    #[test]
    fn empty_export_has_no_figures() {
        let o = compute(&[]);
        assert_eq!((o.enrolled, o.orders, o.completed, o.waves.len()), (0, 0, 0, 0));
        assert_eq!(o.baseline_response, Figure::TooFew { n: 0 });
        assert_eq!(o.usefulness, Figure::TooFew { n: 0 });
    }

    /// Labels as a Chinese coordinator would get them from Fluent; the test stands in for the caller.
    fn chinese() -> CsvText {
        CsvText::new(
            |column| format!("列{column}"),
            |column, code| match (column, code) {
                (_, DECLINED) => "不愿透露".to_owned(),
                ("employment", "farming") => "务农".to_owned(),
                ("employment", "unemployed") => "未就业".to_owned(),
                ("completed" | "referral_job", "yes") => "是".to_owned(),
                ("completed" | "referral_job", "no") => "否".to_owned(),
                ("wave", w) => match w.strip_prefix('m') {
                    Some(m) => format!("{m}个月回访"),
                    None => format!("〔{w}〕"),
                },
                (_, code) => format!("〔{code}〕"),
            },
        )
    }

    #[test]
    fn figures_are_recomputable_from_the_export() {
        let rows = population();
        for text in [CsvText::codes(), chinese()] {
            for identifiable in [true, false] {
                let csv = write_csv(&rows, identifiable, &text);
                let back = read_csv(&csv, &text).unwrap();
                assert_eq!(compute(&back), compute(&rows));
                if identifiable {
                    assert_eq!(back, rows);
                } else {
                    let anonymous: Vec<ExportRow> =
                        rows.iter().map(|r| ExportRow { name: None, phone: None, ..r.clone() }).collect();
                    assert_eq!(back, anonymous);
                }
            }
        }
    }

    #[test]
    fn labels_are_the_callers() {
        let csv = write_csv(&population(), false, &chinese());
        assert!(csv.starts_with("\u{feff}列person,列village,"));
        let p1 = csv.lines().nth(1).unwrap();
        assert!(p1.contains(",务农,"), "{p1}");
        assert!(!csv.contains("farming"));
        assert!(csv.contains(",3个月回访,"));
        assert!(csv.contains(",不愿透露,"));
        // A label the caller made ambiguous is refused rather than guessed.
        let same = CsvText::new(str::to_owned, |_, _| "x".to_owned());
        let csv = write_csv(&population(), false, &same);
        assert!(read_csv(&csv, &same).unwrap_err().contains("ambiguous"));
    }

    #[test]
    fn quoting_follows_rfc_4180() {
        let csv = write_csv(&population(), false, &CsvText::codes());
        assert!(csv.contains(",\"Useful, \"\"very\"\" practical\nthanks\"\r\n"), "{csv}");
        assert!(csv.contains(",\"Pig raising, basics\","));
        // Formula-looking cells are defused, and come back as typed.
        assert!(csv.contains(",'=1+1\r\n"));
        assert!(csv.contains(",'-worse than I hoped\r\n"));
        assert!(csv.contains(",''=not a formula\r\n"));
        assert!(csv.contains(",'quoted'\r\n"));
        // Every line ends CRLF: no bare LF outside the quoted comment.
        assert_eq!(csv.matches('\n').count(), csv.matches("\r\n").count() + 1);
        let back = read_csv(&csv, &CsvText::codes()).unwrap();
        let comments: Vec<&str> = back.iter().filter_map(|r| r.comment.as_deref()).collect();
        assert!(comments.contains(&"Useful, \"very\" practical\nthanks"));
        assert!(comments.contains(&"=1+1"));
        assert!(comments.contains(&"'=not a formula"));
        assert!(comments.contains(&"'quoted'"));
    }

    #[test]
    fn reader_takes_lf_and_refuses_broken_files() {
        let text = CsvText::codes();
        let csv = write_csv(&population(), false, &text).replace("\r\n", "\n");
        assert_eq!(read_csv(&csv, &text).unwrap().len(), population().len());
        assert!(read_csv("", &text).is_err());
        assert!(read_csv("a,b\n", &text).unwrap_err().contains("header"));
        let header = write_csv(&[], false, &text);
        assert_eq!(read_csv(&header, &text), Ok(Vec::new()));
        assert!(read_csv(&format!("{header}P-1,East\r\n"), &text).unwrap_err().contains("fields"));
        let mut bad = write_csv(&population()[..1], false, &text);
        bad = bad.replace(",farming,", ",fishing,");
        assert!(read_csv(&bad, &text).unwrap_err().contains("fishing"));
        assert!(read_csv(&format!("{header}\"open"), &text).is_err());
    }

    #[test]
    fn anonymised_export_holds_no_name_or_phone() {
        let rows = population();
        let csv = write_csv(&rows, false, &CsvText::codes());
        assert!(!csv.contains("name") && !csv.contains("phone"));
        for r in &rows {
            assert!(!csv.contains(r.name.as_deref().unwrap()));
            assert!(!csv.contains(r.phone.as_deref().unwrap()));
        }
        let identifiable = write_csv(&rows, true, &CsvText::codes());
        // The phone as Excel and WPS show it typed: a text-valued formula, not `'+86…`.
        assert!(identifiable.contains("Name 13,\"=\"\"+86 138 0000 0013\"\"\","), "{identifiable}");
    }

    #[test]
    fn status_codes_round_trip() {
        for s in WaveStatus::ALL {
            assert_eq!(WaveStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(WaveStatus::parse("done"), None);
        assert!(Column::columns(false).len() + 2 == Column::columns(true).len());
    }
}

#[cfg(test)]
mod referral_tests {
    use super::*;
    use ReferralStatus::*;

    fn row(person: u8, opening: i64, status: ReferralStatus) -> ReferralRow {
        let day = |d| NaiveDate::from_ymd_opt(2026, 12, d);
        ReferralRow {
            person: format!("P-{person:02}"),
            name: Some(format!("Name {person}")),
            phone: Some(format!("+86 138 0000 00{person:02}")),
            village: "East".into(),
            course_key: "mushroom".into(),
            course: "Mushroom growing".into(),
            opening,
            employer: format!("Employer {opening}"),
            status,
            referred_on: day(1).unwrap(),
            interviewed_on: status.was_interviewed().then(|| day(8)).flatten(),
            settled_on: status.is_settled().then(|| day(15)).flatten(),
        }
    }

    /// Seven person-opening pairs of six people (P-01 twice, to two openings; P-05's row repeated):
    /// interviewed = P-01/1 hired, P-01/2 not hired, P-02 interviewed, P-05 hired, P-06 not hired = 5;
    /// hired = 2 referrals of 2 people; P-03 still referred, P-04 withdrew.
    fn population() -> Vec<ReferralRow> {
        vec![
            row(1, 1, Hired),
            row(1, 2, NotHired),
            row(2, 1, Interviewed),
            row(3, 1, Referred),
            row(4, 2, Withdrew),
            row(5, 1, Hired),
            row(5, 1, Hired),
            row(6, 3, NotHired),
        ]
    }

    #[test]
    fn referral_figures_count_each_person_and_opening_once() {
        let f = referral_figures(&population());
        assert_eq!((f.referrals, f.people, f.interviewed, f.hired, f.hired_people), (7, 6, 5, 2, 2));
        assert_eq!(f.interviewed_share, Figure::Share { n: 7, hits: 5 });
        assert_eq!(f.interviewed_share.percent(), Some(71));
        assert_eq!(f.hired_share.percent(), Some(29));
    }

    #[test]
    fn few_referrals_show_counts_without_shares() {
        let f = referral_figures(&population()[..3]);
        assert_eq!((f.referrals, f.people, f.interviewed, f.hired, f.hired_people), (3, 2, 3, 1, 1));
        assert_eq!(f.hired_share, Figure::TooFew { n: 3 });
        assert_eq!(f.hired_share.percent(), None);
    }

    #[test]
    fn the_referral_csv_recomputes_every_figure() {
        for identifiable in [true, false] {
            let csv = write_referral_csv(&population(), identifiable, &CsvText::codes());
            assert!(csv.starts_with('\u{feff}'));
            let back = read_referral_csv(&csv, &CsvText::codes()).unwrap();
            assert_eq!(referral_figures(&back), referral_figures(&population()));
            if identifiable {
                assert_eq!(back, population());
            } else {
                assert!(back.iter().all(|r| r.name.is_none() && r.phone.is_none()));
            }
        }
        let words = CsvText::new(|c| format!("[{c}]"), |_, code| format!("<{code}>"));
        let csv = write_referral_csv(&population(), true, &words);
        assert_eq!(read_referral_csv(&csv, &words).unwrap(), population());
    }
}

/// Intervals, non-response and the comparison group, on small populations computed by hand.
#[cfg(test)]
mod comparison_tests {
    use super::*;

    /// Person `n` with a one-person household: a baseline income, and the 3-month wave's `status`
    /// with `after` when answered; `attendance` of their one enrolment.
    fn person(
        n: usize,
        attendance: Attendance,
        completed: bool,
        before: i64,
        status: WaveStatus,
        after: i64,
    ) -> [ExportRow; 2] {
        let p = format!("P-{n:03}");
        let mut base = ExportRow::new(p.clone(), Wave::Baseline, WaveStatus::Answered);
        base.household_size = Some(Reply::Given(1));
        base.income_yuan = Some(Reply::Given(before));
        let mut m3 = ExportRow::new(p, Wave::Followup(3), status);
        m3.order_code = format!("FS-{n:03}");
        m3.course_key = "mushroom".into();
        m3.completed = Some(completed);
        m3.attendance = Some(attendance);
        if status == WaveStatus::Answered {
            m3.household_size = Some(Reply::Given(1));
            m3.income_yuan = Some(Reply::Given(after));
        }
        [base, m3]
    }

    /// Twelve attendees who all answered: changes +1,000, +1,100 … +2,100 (median 1,550); and
    /// `absent` people who never came, each +200.
    fn population(absent: usize) -> Vec<ExportRow> {
        let mut rows: Vec<ExportRow> = (0..12)
            .flat_map(|i| {
                let before = 10_000 + 1_000 * i as i64;
                person(i, Attendance::Attended, true, before, WaveStatus::Answered, before + 1_000 + 100 * i as i64)
            })
            .collect();
        for j in 0..absent {
            let kind = if j % 2 == 0 { Attendance::Absent } else { Attendance::Cancelled };
            rows.extend(person(100 + j, kind, false, 8_000, WaveStatus::Answered, 8_200));
        }
        rows
    }

    #[test]
    fn the_median_change_carries_its_bootstrap_interval_from_ten_pairs() {
        let w = &compute(&population(0)).waves[0];
        assert_eq!(w.income_change, Figure::Median { n: 12, value: 1_550.0 });
        let changes: Vec<f64> = (0..12).map(|i| 1_000.0 + 100.0 * f64::from(i)).collect();
        assert_eq!(w.income_change_interval, stats::bootstrap_median_interval(&changes));
        let (low, high) = w.income_change_interval.unwrap();
        assert!((1_000.0..1_550.0).contains(&low) && (1_550.0..=2_100.0).contains(&high), "{low}..{high}");
        // Nine pairs: the median still shows, its interval does not.
        let nine: Vec<ExportRow> = population(0).into_iter().filter(|r| r.person.as_str() < "P-009").collect();
        let w = &compute(&nine).waves[0];
        assert_eq!(w.income_change.n(), 9);
        assert_eq!(w.income_change_interval, None);
    }

    #[test]
    fn shares_carry_wilsons_interval_from_ten() {
        assert_eq!(Figure::share(10, 8).interval(), stats::wilson(8, 10));
        assert_eq!(Figure::share(9, 8).interval(), None);
        assert_eq!(Figure::share(4, 4).interval(), None);
    }

    #[test]
    fn the_comparison_group_is_hidden_under_ten_and_shown_from_ten() {
        let w = &compute(&population(9)).waves[0];
        // Those who never came are not attendees: the attendees' figures are the same as without them.
        assert_eq!(w.income_change, Figure::Median { n: 12, value: 1_550.0 });
        assert_eq!(w.due, 12);
        assert_eq!((w.comparison.due, w.comparison.answered), (9, 9));
        assert_eq!(w.comparison.income_change, Figure::Median { n: 9, value: 200.0 });
        assert!(!w.comparison_shown());

        let w = &compute(&population(10)).waves[0];
        assert_eq!(w.comparison.income_change, Figure::Median { n: 10, value: 200.0 });
        assert_eq!(w.comparison.income_change_interval, Some((200.0, 200.0)));
        assert!(w.comparison_shown());
        // The cancelled orders among them are no enrolments; the no-shows are.
        let o = compute(&population(10));
        assert_eq!((o.enrolled, o.orders), (17, 17));
    }

    #[test]
    fn someone_who_came_to_another_course_is_in_neither_group_for_the_one_they_missed() {
        let mut rows = population(10);
        // P-100 never came to FS-100, but came to a pig course too.
        let mut other = rows.iter().find(|r| r.order_code == "FS-100").unwrap().clone();
        other.order_code = "FS-999".into();
        other.attendance = Some(Attendance::Attended);
        other.status = WaveStatus::NotYetDue;
        other.income_yuan = None;
        rows.push(other);
        let w = &compute(&rows).waves[0];
        assert_eq!(w.comparison.income_change.n(), 9);
        assert!(!w.comparison_shown());
    }

    #[test]
    fn the_poorer_not_answering_is_said_next_to_the_income() {
        let mut rows = population(0);
        // Six of the poorest did not answer.
        for k in 0..6 {
            rows.extend(person(200 + k, Attendance::Attended, true, 1_000 + k as i64, WaveStatus::Unanswered, 0));
        }
        let w = &compute(&rows).waves[0];
        assert_eq!((w.due, w.answered), (18, 12));
        let a = &w.attrition;
        assert_eq!(a.cuts, Some((10_000.0, 16_000.0)));
        assert_eq!(a.bands.map(|r| (r.sent, r.answered)), [(6, 0), (6, 6), (6, 6)]);
        assert_eq!(
            a.gap,
            Some(attrition::Gap {
                what: attrition::GapIn::Band(attrition::Band::Low),
                answered_pct: 0,
                unanswered_pct: 100
            })
        );
        // All answered: nothing to say.
        assert_eq!(compute(&population(0)).waves[0].attrition.gap, None);
    }

    #[test]
    fn every_new_figure_is_recomputed_from_the_export() {
        let mut rows = population(10);
        for k in 0..6 {
            rows.extend(person(200 + k, Attendance::Attended, k % 2 == 0, 1_000 + k as i64, WaveStatus::Unanswered, 0));
        }
        let csv = write_csv(&rows, false, &CsvText::codes());
        let back = read_csv(&csv, &CsvText::codes()).unwrap();
        assert_eq!(back.iter().filter(|r| r.attendance == Some(Attendance::Cancelled)).count(), 5);
        let (mine, theirs) = (compute(&rows), compute(&back));
        assert_eq!(mine, theirs);
        assert!(theirs.waves[0].income_change_interval.is_some());
        assert!(theirs.waves[0].attrition.gap.is_some());
        assert!(theirs.waves[0].comparison_shown());
    }
}
