//! From certificate to job (培训合格后推荐就业): openings (用工信息) that coordinators publish, a person's
//! work intent (就业意向), who an opening is offered to, and a referral's statuses. Pure rules: storage
//! is `db::jobs`, the use cases `services::jobs`.
//!
//! One rule per question, used by every path that asks it: [`check_opening`] for the catalogue file and
//! the `/opening` dialog, [`is_match`] for the scheduler's offers, [`Openness`] for browsing, offering
//! and "我感兴趣", [`change_status`] for the coordinator's taps and the person's follow-up answers.

use chrono::NaiveDate;

use crate::domain::catalog::Translations;
use crate::i18n::Lang;

// ---------------------------------------------------------------------------------------------------
// Work intent
// ---------------------------------------------------------------------------------------------------

/// What work a person is looking for (就业意向); asked once at registration (or the first time they open
/// 💼 找工作), changeable in settings. `None` where a person was never asked: treated as near home.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WorkIntent {
    /// 就近就业: work near home (the opening's region contains their village).
    NearHome,
    /// 外出务工: migrant work; openings in any region reach them.
    Migrant,
    /// 自己创业: runs their own business; not offered jobs, may still browse.
    OwnBusiness,
    /// 暂不找工作: not looking; not offered jobs, may still browse.
    NotLooking,
}

impl WorkIntent {
    pub const ALL: [WorkIntent; 4] =
        [WorkIntent::NearHome, WorkIntent::Migrant, WorkIntent::OwnBusiness, WorkIntent::NotLooking];

    pub fn as_str(self) -> &'static str {
        match self {
            WorkIntent::NearHome => "near_home",
            WorkIntent::Migrant => "migrant",
            WorkIntent::OwnBusiness => "own_business",
            WorkIntent::NotLooking => "not_looking",
        }
    }

    pub fn parse(s: &str) -> Option<WorkIntent> {
        WorkIntent::ALL.into_iter().find(|i| i.as_str() == s)
    }

    /// Whether openings are offered to them at all.
    pub fn wants_offers(self) -> bool {
        matches!(self, WorkIntent::NearHome | WorkIntent::Migrant)
    }

    /// Whether they said they would travel for work (openings outside their region reach them).
    pub fn travels(self) -> bool {
        self == WorkIntent::Migrant
    }

    pub fn label(self, lang: Lang) -> String {
        match self {
            WorkIntent::NearHome => crate::tr!(lang, "job-intent-near_home"),
            WorkIntent::Migrant => crate::tr!(lang, "job-intent-migrant"),
            WorkIntent::OwnBusiness => crate::tr!(lang, "job-intent-own_business"),
            WorkIntent::NotLooking => crate::tr!(lang, "job-intent-not_looking"),
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// Openings
// ---------------------------------------------------------------------------------------------------

/// How the pay is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PayUnit {
    /// 元/月
    Month,
    /// 元/天 (seasonal and day work: tea picking, harvest help)
    Day,
}

impl PayUnit {
    pub fn as_str(self) -> &'static str {
        match self {
            PayUnit::Month => "month",
            PayUnit::Day => "day",
        }
    }

    pub fn parse(s: &str) -> Option<PayUnit> {
        match s {
            "month" => Some(PayUnit::Month),
            "day" => Some(PayUnit::Day),
            _ => None,
        }
    }
}

/// A pay range in whole yuan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Pay {
    pub min_yuan: u32,
    pub max_yuan: u32,
    pub unit: PayUnit,
}

/// Working days in a month for converting a day rate to a monthly one: 21.75, the figure China's labour
/// rules use for 月计薪天数 (in hundredths).
pub const PAY_DAYS_PER_MONTH_X100: u64 = 2175;

impl Pay {
    /// The lowest pay as yuan per month (a day rate × 21.75, rounded down), to compare with a floor.
    pub fn monthly_min(&self) -> u64 {
        match self.unit {
            PayUnit::Month => u64::from(self.min_yuan),
            PayUnit::Day => u64::from(self.min_yuan) * PAY_DAYS_PER_MONTH_X100 / 100,
        }
    }
}

/// The most seats one opening offers (a bigger recruitment is several openings).
pub const MAX_SEATS: u32 = 500;
/// The longest employer, place and work texts.
pub const MAX_EMPLOYER_CHARS: usize = 40;
pub const MAX_PLACE_CHARS: usize = 60;
pub const MAX_WORK_CHARS: usize = 300;
pub const MAX_CONTACT_CHARS: usize = 60;
/// A pay above this is a typing error (yuan per month or per day).
pub const MAX_PAY_YUAN: u32 = 200_000;
/// The most courses that qualify for one opening.
pub const MAX_COURSES: usize = 10;

/// An opening (用工信息): an employer or cooperative taking on trained people.
#[derive(Debug, Clone, PartialEq)]
pub struct Opening {
    /// 0 before it is stored.
    pub id: i64,
    /// The catalogue's key; `None` for openings made in the chat.
    pub key: Option<String>,
    pub employer: String,
    /// The employer's contact person and phone (`李经理 13800000000`): shared with a person's consent
    /// only, the person's details likewise only with the employer.
    pub contact: String,
    /// Where the work is: a region's key (county, township or village).
    pub region_key: String,
    /// The place in words (`铁山镇香菇合作社基地`).
    pub place: String,
    pub work: String,
    pub pay: Pay,
    pub starts_on: Option<NaiveDate>,
    /// The last day it takes people; `None` = long-term (长期).
    pub closes_on: Option<NaiveDate>,
    pub seats: u32,
    /// Courses whose certificate qualifies (at least one).
    pub courses: Vec<String>,
    /// Travel offered (路费 / 接送).
    pub travel: bool,
    /// Translations of `employer`, `place` and `work`.
    pub tr: Translations,
}

/// Why an opening cannot be published as it is. The catalogue names the field; the dialog re-asks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpeningProblem {
    /// A text field empty or too long (`field`: employer, contact, place, work).
    Text {
        field: &'static str,
        max_chars: usize,
    },
    /// The contact has no phone number in it (at least 7 digits).
    NoPhone,
    /// Pay 0, or the lowest above the highest, or absurdly high.
    PayRange,
    /// The lowest pay (as yuan per month) is below the floor the region's office set.
    BelowFloor {
        monthly_min: u64,
        floor: u32,
    },
    Seats,
    /// No qualifying course, or more than [`MAX_COURSES`].
    Courses,
    /// The closing date is before today.
    ClosesInPast,
    /// Starts after it closes.
    StartsAfterClose,
}

impl OpeningProblem {
    /// The field at fault, as the catalogue file spells it.
    pub fn field(&self) -> &'static str {
        match self {
            OpeningProblem::Text { field, .. } => field,
            OpeningProblem::NoPhone => "contact",
            OpeningProblem::PayRange | OpeningProblem::BelowFloor { .. } => "pay",
            OpeningProblem::Seats => "seats",
            OpeningProblem::Courses => "courses",
            OpeningProblem::ClosesInPast => "closes",
            OpeningProblem::StartsAfterClose => "starts",
        }
    }

    /// In words for the catalogue's author (English, as every catalogue problem is).
    pub fn message(&self) -> String {
        match self {
            OpeningProblem::Text { max_chars, .. } => format!("must be 1-{max_chars} characters"),
            OpeningProblem::NoPhone => "needs the contact's phone number (example: \"Li 13800000000\")".to_owned(),
            OpeningProblem::PayRange => format!(
                "write the lowest and the highest pay in yuan, 1-{MAX_PAY_YUAN}, lowest first (example: pay = [3000, 4500])"
            ),
            OpeningProblem::BelowFloor { monthly_min, floor } => format!(
                "the lowest pay is {monthly_min} yuan a month (a day rate counts 21.75 days); the office's floor is {floor}"
            ),
            OpeningProblem::Seats => format!("must be 1-{MAX_SEATS}"),
            OpeningProblem::Courses => {
                format!("name 1-{MAX_COURSES} courses whose certificate qualifies (example: courses = [\"mushroom\"])")
            }
            OpeningProblem::ClosesInPast => "is in the past; an opening closes today or later".to_owned(),
            OpeningProblem::StartsAfterClose => "must not come after the closing date".to_owned(),
        }
    }
}

/// Whether a contact holds a phone number: 7 or more digits (a landline with its area code, a mobile).
pub fn contact_has_phone(contact: &str) -> bool {
    contact.chars().filter(|c| c.is_ascii_digit()).count() >= 7
}

/// Checks an opening before it is published (catalogue and dialog alike): `floor` is the monthly pay
/// floor of its region (the nearest one set on it or above it), `today` the region's date.
pub fn check_opening(o: &Opening, floor: Option<u32>, today: NaiveDate) -> Vec<OpeningProblem> {
    let mut problems = Vec::new();
    for (field, value, max_chars) in [
        ("employer", &o.employer, MAX_EMPLOYER_CHARS),
        ("contact", &o.contact, MAX_CONTACT_CHARS),
        ("place", &o.place, MAX_PLACE_CHARS),
        ("work", &o.work, MAX_WORK_CHARS),
    ] {
        let n = value.trim().chars().count();
        if n == 0 || n > max_chars {
            problems.push(OpeningProblem::Text { field, max_chars });
        }
    }
    if !o.contact.trim().is_empty() && !contact_has_phone(&o.contact) {
        problems.push(OpeningProblem::NoPhone);
    }
    let pay = o.pay;
    if pay.min_yuan == 0 || pay.min_yuan > pay.max_yuan || pay.max_yuan > MAX_PAY_YUAN {
        problems.push(OpeningProblem::PayRange);
    } else if let Some(floor) = floor
        && pay.monthly_min() < u64::from(floor)
    {
        problems.push(OpeningProblem::BelowFloor { monthly_min: pay.monthly_min(), floor });
    }
    if !(1..=MAX_SEATS).contains(&o.seats) {
        problems.push(OpeningProblem::Seats);
    }
    if o.courses.is_empty() || o.courses.len() > MAX_COURSES {
        problems.push(OpeningProblem::Courses);
    }
    if let Some(closes) = o.closes_on {
        if closes < today {
            problems.push(OpeningProblem::ClosesInPast);
        }
        if o.starts_on.is_some_and(|s| s > closes) {
            problems.push(OpeningProblem::StartsAfterClose);
        }
    }
    problems
}

/// Whether an opening still takes people, and if not, why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Openness {
    Open,
    /// Its closing date has passed.
    Expired,
    /// As many people hired as it has seats.
    Filled,
    /// Closed by a coordinator, or left out of a later catalogue.
    Closed,
}

impl Openness {
    /// `hired`: referrals marked hired; `closed_by_hand`: a coordinator closed it or the catalogue
    /// retired it.
    pub fn of(o: &Opening, today: NaiveDate, hired: u32, closed_by_hand: bool) -> Openness {
        if closed_by_hand {
            Openness::Closed
        } else if o.closes_on.is_some_and(|d| d < today) {
            Openness::Expired
        } else if hired >= o.seats {
            Openness::Filled
        } else {
            Openness::Open
        }
    }

    pub fn is_open(self) -> bool {
        self == Openness::Open
    }
}

// ---------------------------------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------------------------------

/// At most this many openings reach one person in any seven days (they can browse the rest).
pub const MAX_OFFERS_PER_WEEK: usize = 2;

/// Whether a certificate earned on `earned_on` brings offers on `today`: from the day after. The day
/// of the certificate already brings the quiz result, the card and the feedback question; an offer in
/// the middle of them would be missed or answered by mistake, and it keeps till the next morning.
pub fn certificate_brings_offers(earned_on: NaiveDate, today: NaiveDate) -> bool {
    earned_on < today
}

/// What the scheduler knows of a person when it decides whether to offer them an opening.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Their village and every region above it (keys).
    pub regions: Vec<String>,
    pub intent: Option<WorkIntent>,
    /// Courses they hold a certificate of.
    pub certified: Vec<String>,
    /// Openings offered to them in the last seven days.
    pub offers_this_week: usize,
    /// Hired through one of the programme's referrals (as the record stands now).
    pub hired: bool,
}

/// Why an opening is not offered to someone (for tests and logs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoMatch {
    NotLooking,
    /// Placed by a referral: further offers would pull them from the employer the programme placed
    /// them with (💼 找工作 still lists openings if they look themselves).
    Hired,
    NoCertificate,
    Elsewhere,
    EnoughThisWeek,
}

/// Whether `opening` (open, not yet offered to them, not referred) goes to this person: they want
/// work, hold a qualifying certificate, live in its region or said they would travel, and have not had
/// [`MAX_OFFERS_PER_WEEK`] offers in the last seven days.
pub fn is_match(opening: &Opening, c: &Candidate) -> Result<(), NoMatch> {
    let intent = c.intent.unwrap_or(WorkIntent::NearHome);
    if !intent.wants_offers() {
        return Err(NoMatch::NotLooking);
    }
    if c.hired {
        return Err(NoMatch::Hired);
    }
    if !opening.courses.iter().any(|k| c.certified.contains(k)) {
        return Err(NoMatch::NoCertificate);
    }
    if !intent.travels() && !c.regions.contains(&opening.region_key) {
        return Err(NoMatch::Elsewhere);
    }
    if c.offers_this_week >= MAX_OFFERS_PER_WEEK {
        return Err(NoMatch::EnoughThisWeek);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------------
// Referrals
// ---------------------------------------------------------------------------------------------------

/// A referral's status: referred → interviewed → hired / not hired, or withdrew at any point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReferralStatus {
    Referred,
    Interviewed,
    Hired,
    NotHired,
    Withdrew,
}

impl ReferralStatus {
    pub const ALL: [ReferralStatus; 5] = [
        ReferralStatus::Referred,
        ReferralStatus::Interviewed,
        ReferralStatus::Hired,
        ReferralStatus::NotHired,
        ReferralStatus::Withdrew,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReferralStatus::Referred => "referred",
            ReferralStatus::Interviewed => "interviewed",
            ReferralStatus::Hired => "hired",
            ReferralStatus::NotHired => "not_hired",
            ReferralStatus::Withdrew => "withdrew",
        }
    }

    pub fn parse(s: &str) -> Option<ReferralStatus> {
        ReferralStatus::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Hired, not hired or withdrew: the referral has its outcome.
    pub fn is_settled(self) -> bool {
        matches!(self, ReferralStatus::Hired | ReferralStatus::NotHired | ReferralStatus::Withdrew)
    }

    /// Whether the person met the employer: interviewed, hired or not hired.
    pub fn was_interviewed(self) -> bool {
        matches!(self, ReferralStatus::Interviewed | ReferralStatus::Hired | ReferralStatus::NotHired)
    }

    pub fn label(self, lang: Lang) -> String {
        match self {
            ReferralStatus::Referred => crate::tr!(lang, "job-status-referred"),
            ReferralStatus::Interviewed => crate::tr!(lang, "job-status-interviewed"),
            ReferralStatus::Hired => crate::tr!(lang, "job-status-hired"),
            ReferralStatus::NotHired => crate::tr!(lang, "job-status-not_hired"),
            ReferralStatus::Withdrew => crate::tr!(lang, "job-status-withdrew"),
        }
    }

    /// The statuses a coordinator may set from this one (one tap each).
    pub fn next_for_coordinator(self) -> Vec<ReferralStatus> {
        ReferralStatus::ALL.into_iter().filter(|&to| change_status(self, to, Actor::Coordinator).is_ok()).collect()
    }
}

/// Who changes a referral's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// The person referred, answering the follow-up (or withdrawing).
    Person,
    /// A coordinator of the opening's region.
    Coordinator,
}

/// Why a status change is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusRefusal {
    /// It has that status already (a second tap).
    Already,
    /// The person cannot change an outcome once it is settled (the coordinator can correct it).
    Settled,
    /// Nobody sets "referred": a referral starts there.
    NotAStep,
    /// The tapped message showed an older status (it changed since): nothing changes.
    Outdated,
}

/// Whether `by` may move a referral from `from` to `to`. A coordinator may also correct a settled
/// outcome (a mis-tap), never back to "referred".
pub fn change_status(from: ReferralStatus, to: ReferralStatus, by: Actor) -> Result<(), StatusRefusal> {
    if from == to {
        return Err(StatusRefusal::Already);
    }
    if to == ReferralStatus::Referred {
        return Err(StatusRefusal::NotAStep);
    }
    if by == Actor::Person && from.is_settled() {
        return Err(StatusRefusal::Settled);
    }
    Ok(())
}

/// A status button tapped on a message that showed the referral as `shown`, while it is `current`
/// now. A message older than the status (a list opened before a correction, a follow-up answered by
/// the coordinator meanwhile) changes nothing, so an old button never undoes a newer decision; the
/// person is told a settled outcome is the office's to change.
pub fn tap_status(
    current: ReferralStatus,
    shown: ReferralStatus,
    to: ReferralStatus,
    by: Actor,
) -> Result<(), StatusRefusal> {
    if to == ReferralStatus::Referred {
        return Err(StatusRefusal::NotAStep);
    }
    if current == to {
        return Err(StatusRefusal::Already);
    }
    if current != shown {
        return Err(if by == Actor::Person && current.is_settled() {
            StatusRefusal::Settled
        } else {
            StatusRefusal::Outdated
        });
    }
    change_status(current, to, by)
}

/// The follow-up question goes to the person this long after the referral, when no outcome is known.
pub const FOLLOW_UP_AFTER_DAYS: i64 = 14;

// ---------------------------------------------------------------------------------------------------
// Buttons
// ---------------------------------------------------------------------------------------------------

/// The buttons of jobs (`jb:…`), each a claim checked against storage by its handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Button {
    /// 💼 找工作: open openings for the person, one page.
    Browse {
        page: u8,
    },
    /// One opening's details.
    View {
        opening: i64,
    },
    /// "我感兴趣": asks the person's consent to share their details.
    Interested {
        opening: i64,
    },
    /// The person's answer to the consent question.
    Share {
        opening: i64,
        yes: bool,
    },
    /// Settings or the first 💼 找工作: show the work-intent choices; choose one.
    IntentAsk,
    Intent(WorkIntent),
    /// A status set on a referral: by the coordinator (one tap) or by the person (follow-up, withdraw).
    Status {
        referral: i64,
        /// The status the message showed when the button was made.
        from: ReferralStatus,
        status: ReferralStatus,
    },
    /// Coordinator: the openings of their regions; one opening's referral list; close it by hand.
    Openings,
    Referrals {
        opening: i64,
    },
    /// Close an opening by hand: first asks (`confirmed: false`), then closes.
    Close {
        opening: i64,
        confirmed: bool,
    },
    /// Coordinator: a referral as a printable card (PNG); an opening's referrals as CSV.
    Card {
        referral: i64,
    },
    Csv {
        opening: i64,
    },
}

impl Button {
    pub fn encode(&self) -> String {
        match *self {
            Button::Browse { page } => format!("b:{page}"),
            Button::View { opening } => format!("v:{opening}"),
            Button::Interested { opening } => format!("i:{opening}"),
            Button::Share { opening, yes } => format!("s:{opening}:{}", u8::from(yes)),
            Button::IntentAsk => "n".to_owned(),
            Button::Intent(intent) => format!("n:{}", intent_code(intent)),
            Button::Status { referral, from, status } => {
                format!("t:{referral}:{}{}", status_code(from), status_code(status))
            }
            Button::Openings => "o".to_owned(),
            Button::Referrals { opening } => format!("r:{opening}"),
            Button::Close { opening, confirmed: false } => format!("x:{opening}"),
            Button::Close { opening, confirmed: true } => format!("x:{opening}:1"),
            Button::Card { referral } => format!("p:{referral}"),
            Button::Csv { opening } => format!("c:{opening}"),
        }
    }

    pub fn decode(s: &str) -> Option<Button> {
        let id = |t: &str| t.parse::<i64>().ok().filter(|id| *id > 0);
        let mut parts = s.split(':');
        let tag = parts.next()?;
        let a = parts.next();
        let b = parts.next();
        if parts.next().is_some() {
            return None;
        }
        Some(match (tag, a, b) {
            ("b", Some(page), None) => Button::Browse { page: page.parse().ok()? },
            ("v", Some(o), None) => Button::View { opening: id(o)? },
            ("i", Some(o), None) => Button::Interested { opening: id(o)? },
            ("s", Some(o), Some(yes)) => Button::Share {
                opening: id(o)?,
                yes: match yes {
                    "1" => true,
                    "0" => false,
                    _ => return None,
                },
            },
            ("n", None, None) => Button::IntentAsk,
            ("n", Some(code), None) => Button::Intent(WorkIntent::ALL.into_iter().find(|i| intent_code(*i) == code)?),
            ("t", Some(r), Some(codes)) => {
                let status = |code: &str| ReferralStatus::ALL.into_iter().find(|st| status_code(*st) == code);
                let (from, to) = codes.split_at_checked(1)?;
                Button::Status { referral: id(r)?, from: status(from)?, status: status(to)? }
            }
            ("o", None, None) => Button::Openings,
            ("r", Some(o), None) => Button::Referrals { opening: id(o)? },
            ("x", Some(o), None) => Button::Close { opening: id(o)?, confirmed: false },
            ("x", Some(o), Some("1")) => Button::Close { opening: id(o)?, confirmed: true },
            ("p", Some(r), None) => Button::Card { referral: id(r)? },
            ("c", Some(o), None) => Button::Csv { opening: id(o)? },
            _ => return None,
        })
    }
}

fn intent_code(i: WorkIntent) -> &'static str {
    match i {
        WorkIntent::NearHome => "h",
        WorkIntent::Migrant => "m",
        WorkIntent::OwnBusiness => "b",
        WorkIntent::NotLooking => "n",
    }
}

fn status_code(s: ReferralStatus) -> &'static str {
    match s {
        ReferralStatus::Referred => "r",
        ReferralStatus::Interviewed => "i",
        ReferralStatus::Hired => "h",
        ReferralStatus::NotHired => "n",
        ReferralStatus::Withdrew => "w",
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_certificate_brings_offers_from_the_next_day() {
        assert!(!certificate_brings_offers(day("2026-12-19"), day("2026-12-19")));
        assert!(certificate_brings_offers(day("2026-12-19"), day("2026-12-20")));
        assert!(certificate_brings_offers(day("2026-11-01"), day("2026-12-20")));
    }

    /// The mushroom cooperative's opening in 铁山镇, as the tests elsewhere use it.
    pub(crate) fn mushroom_opening() -> Opening {
        Opening {
            id: 1,
            key: Some("tieshan-xianggu-coop".into()),
            employer: "铁山镇香菇专业合作社".into(),
            contact: "李经理 13800000000".into(),
            region_key: "xinan-tieshan".into(),
            place: "铁山镇合作社基地".into(),
            work: "菌棒管理、采摘".into(),
            pay: Pay { min_yuan: 2800, max_yuan: 3600, unit: PayUnit::Month },
            starts_on: None,
            closes_on: Some(day("2027-03-31")),
            seats: 5,
            courses: vec!["mushroom".into()],
            travel: false,
            tr: Translations::default(),
        }
    }

    #[test]
    fn a_day_rate_counts_21_75_days_against_the_monthly_floor() {
        let pay = Pay { min_yuan: 100, max_yuan: 150, unit: PayUnit::Day };
        assert_eq!(pay.monthly_min(), 2175);
        let mut o = mushroom_opening();
        o.pay = pay;
        let today = day("2026-12-03");
        assert_eq!(check_opening(&o, Some(2175), today), vec![]);
        assert_eq!(
            check_opening(&o, Some(2200), today),
            vec![OpeningProblem::BelowFloor { monthly_min: 2175, floor: 2200 }]
        );
        assert_eq!(check_opening(&o, None, today), vec![], "no floor set: any pay above zero");
    }

    #[test]
    fn an_opening_without_phone_with_a_past_close_or_bad_pay_is_refused() {
        let today = day("2026-12-03");
        assert_eq!(check_opening(&mushroom_opening(), Some(2000), today), vec![]);
        let mut o = mushroom_opening();
        o.contact = "李经理".into();
        o.closes_on = Some(day("2026-12-02"));
        o.pay = Pay { min_yuan: 4000, max_yuan: 3000, unit: PayUnit::Month };
        o.seats = 0;
        o.courses.clear();
        let problems = check_opening(&o, None, today);
        assert_eq!(
            problems,
            vec![
                OpeningProblem::NoPhone,
                OpeningProblem::PayRange,
                OpeningProblem::Seats,
                OpeningProblem::Courses,
                OpeningProblem::ClosesInPast
            ]
        );
        let fields: Vec<&str> = problems.iter().map(|p| p.field()).collect();
        assert_eq!(fields, ["contact", "pay", "seats", "courses", "closes"]);
        o = mushroom_opening();
        o.contact = "  ".into();
        o.closes_on = Some(today);
        assert_eq!(
            check_opening(&o, None, today),
            vec![OpeningProblem::Text { field: "contact", max_chars: MAX_CONTACT_CHARS }],
            "closing today is still open; an empty contact is one problem, not two"
        );
        o = mushroom_opening();
        o.starts_on = Some(day("2027-04-01"));
        assert_eq!(check_opening(&o, None, today), vec![OpeningProblem::StartsAfterClose]);
    }

    #[test]
    fn an_opening_closes_on_its_date_when_filled_or_by_hand() {
        let o = mushroom_opening();
        assert_eq!(Openness::of(&o, day("2027-03-31"), 4, false), Openness::Open);
        assert_eq!(Openness::of(&o, day("2027-04-01"), 0, false), Openness::Expired);
        assert_eq!(Openness::of(&o, day("2027-01-01"), 5, false), Openness::Filled);
        assert_eq!(Openness::of(&o, day("2027-01-01"), 0, true), Openness::Closed);
        let long_term = Opening { closes_on: None, ..mushroom_opening() };
        assert!(Openness::of(&long_term, day("2099-01-01"), 0, false).is_open());
    }

    fn villager(intent: Option<WorkIntent>, regions: &[&str], certified: &[&str]) -> Candidate {
        Candidate {
            regions: regions.iter().map(|s| s.to_string()).collect(),
            intent,
            certified: certified.iter().map(|s| s.to_string()).collect(),
            offers_this_week: 0,
            hired: false,
        }
    }

    #[test]
    fn an_opening_reaches_the_certified_in_its_region_and_those_who_travel() {
        let o = mushroom_opening();
        let home = ["xinan-tieshan-dongcun", "xinan-tieshan", "xinan"];
        let away = ["qianshan-x", "qianshan"];
        assert_eq!(is_match(&o, &villager(None, &home, &["mushroom"])), Ok(()), "never asked: near home");
        assert_eq!(is_match(&o, &villager(Some(WorkIntent::NearHome), &home, &["mushroom"])), Ok(()));
        assert_eq!(is_match(&o, &villager(Some(WorkIntent::NearHome), &away, &["mushroom"])), Err(NoMatch::Elsewhere));
        assert_eq!(is_match(&o, &villager(Some(WorkIntent::Migrant), &away, &["mushroom"])), Ok(()));
        assert_eq!(is_match(&o, &villager(None, &home, &["tea"])), Err(NoMatch::NoCertificate));
        assert_eq!(
            is_match(&o, &villager(Some(WorkIntent::NotLooking), &home, &["mushroom"])),
            Err(NoMatch::NotLooking)
        );
        assert_eq!(
            is_match(&o, &villager(Some(WorkIntent::OwnBusiness), &home, &["mushroom"])),
            Err(NoMatch::NotLooking)
        );
        let mut busy = villager(None, &home, &["mushroom"]);
        busy.offers_this_week = MAX_OFFERS_PER_WEEK;
        assert_eq!(is_match(&o, &busy), Err(NoMatch::EnoughThisWeek));
        let placed = Candidate { hired: true, ..villager(None, &home, &["mushroom"]) };
        assert_eq!(is_match(&o, &placed), Err(NoMatch::Hired));
    }

    #[test]
    fn statuses_move_forward_the_person_cannot_undo_an_outcome_the_coordinator_can_correct_it() {
        use ReferralStatus::*;
        assert_eq!(change_status(Referred, Interviewed, Actor::Person), Ok(()));
        assert_eq!(change_status(Referred, Hired, Actor::Coordinator), Ok(()));
        assert_eq!(change_status(Interviewed, Withdrew, Actor::Person), Ok(()));
        assert_eq!(change_status(Hired, Hired, Actor::Coordinator), Err(StatusRefusal::Already));
        assert_eq!(change_status(Hired, NotHired, Actor::Person), Err(StatusRefusal::Settled));
        assert_eq!(change_status(Hired, NotHired, Actor::Coordinator), Ok(()));
        assert_eq!(change_status(Interviewed, Referred, Actor::Coordinator), Err(StatusRefusal::NotAStep));
        assert_eq!(Referred.next_for_coordinator(), vec![Interviewed, Hired, NotHired, Withdrew]);
        assert_eq!(Hired.next_for_coordinator(), vec![Interviewed, NotHired, Withdrew]);
        assert!(Hired.was_interviewed() && NotHired.was_interviewed() && !Withdrew.was_interviewed());
    }

    #[test]
    fn a_button_from_an_older_message_changes_nothing() {
        use ReferralStatus::*;
        // The list showed 已推荐; a correction since made it 未录用: the old 已录用 does not undo it.
        assert_eq!(tap_status(NotHired, Referred, Hired, Actor::Coordinator), Err(StatusRefusal::Outdated));
        assert_eq!(tap_status(Referred, Referred, Hired, Actor::Coordinator), Ok(()));
        assert_eq!(tap_status(Hired, Referred, Hired, Actor::Coordinator), Err(StatusRefusal::Already));
        assert_eq!(tap_status(Hired, Hired, Referred, Actor::Coordinator), Err(StatusRefusal::NotAStep));
        // The person's follow-up after the office recorded an outcome: theirs to ask the office about.
        assert_eq!(tap_status(Hired, Referred, Withdrew, Actor::Person), Err(StatusRefusal::Settled));
        assert_eq!(tap_status(Interviewed, Referred, Withdrew, Actor::Person), Err(StatusRefusal::Outdated));
        assert_eq!(tap_status(Interviewed, Interviewed, Hired, Actor::Person), Ok(()));
    }

    #[test]
    fn every_button_decodes_to_itself_and_garbage_to_nothing() {
        let mut all = vec![
            Button::Browse { page: 0 },
            Button::Browse { page: 255 },
            Button::View { opening: i64::MAX },
            Button::Interested { opening: 7 },
            Button::Share { opening: 7, yes: true },
            Button::Share { opening: 7, yes: false },
            Button::IntentAsk,
            Button::Openings,
            Button::Referrals { opening: 3 },
            Button::Close { opening: 3, confirmed: false },
            Button::Close { opening: 3, confirmed: true },
            Button::Card { referral: 9 },
            Button::Csv { opening: 9 },
        ];
        all.extend(WorkIntent::ALL.map(Button::Intent));
        for from in ReferralStatus::ALL {
            all.extend(ReferralStatus::ALL.map(|status| Button::Status { referral: 12, from, status }));
        }
        for b in all {
            assert_eq!(Button::decode(&b.encode()), Some(b), "{}", b.encode());
        }
        for bad in [
            "", "v:0", "v:-1", "v:x", "s:1:2", "n:z", "t:1:q", "t:1:h", "t:1:rq", "t:1:rhh", "b:256", "o:1", "v:1:2",
            "x:1:0", "zz",
        ] {
            assert_eq!(Button::decode(bad), None, "{bad}");
        }
    }
}
