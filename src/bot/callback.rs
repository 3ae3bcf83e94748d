//! Callback data as a typed enum. Buttons in old messages stay tappable, so decoded data is only a
//! claim: handlers check it against the current dialog state and storage, never trust it.

use crate::domain::catalog::Category;
use crate::domain::order::OrderAction;
use crate::domain::person::Audience;
use crate::domain::report::{CourseTag, ReportStep};
use crate::domain::settings::Item;
use crate::domain::survey::Question;
use crate::i18n::Lang;

/// Telegram refuses callback data over 64 bytes.
pub const MAX_LEN: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cb {
    Lang(Lang),
    Consent(bool),
    Audience(Audience),
    Region(String),
    Back,
    SkipPhone,
    /// A registered person's answer to an invite they opened: accept it or not (the token is theirs:
    /// they opened the link).
    Invite {
        token: String,
        accept: bool,
    },
    RemovePhone,
    Settings(Item),
    /// Settings: pause non-urgent messages for this many days (0 = resume).
    Pause(u8),
    /// Settings (coordinators): instant lines on or off.
    InstantLines(bool),
    /// Sign-up: the categories on offer.
    Browse,
    /// Courses of a category, one page.
    Category(Category, u8),
    Course(String),
    /// A class (班次): shows the order summary.
    Class(String),
    /// Confirms the order summary of a class.
    ConfirmOrder(String),
    Order(OrderAction),
    MyCourses,
    /// 点单: open the topic list; then a category from it, or "I'll type it".
    RequestOpen,
    RequestTopic(Category),
    RequestTyped,
    /// A reminder's "I'll come" / "can't come".
    Rsvp {
        order: i64,
        session: i64,
        coming: bool,
    },
    /// Trainer: open check-in for a session; refresh or close its roster; mark a trainee; record a
    /// practical check.
    OpenCheckin(i64),
    Roster(i64),
    CloseCheckin(i64),
    Mark {
        session: i64,
        order: i64,
        present: bool,
    },
    Practical {
        session: i64,
        order: i64,
        passed: bool,
    },
    /// Trainee: the "签到" button of an open check-in.
    CheckIn(i64),
    /// Start (or retake) the quiz of an order; answer button `choice` of question `position`.
    QuizStart(i64),
    QuizAnswer {
        attempt: i64,
        position: u16,
        choice: u8,
    },
    /// Send a completed order's certificate again.
    Certificate(i64),
    /// Broadcast dialog: a target, an audience (none = everyone), normal or urgent, send, cancel.
    BcTarget(crate::domain::broadcast::Target),
    BcAudience(Option<Audience>),
    BcUrgent(bool),
    BcSend,
    BcCancel,
    /// A recipient's "收到"; the sender's "refresh the report".
    Ack(i64),
    BcReport(i64),
    /// A coordinator's `/report` choices (region, course, period), `rp:…`.
    Report(ReportStep),
    /// Surveys: start (or resume) answering, "later", a choice by its index among the question's
    /// choices, "prefer not to say", and yes/no to an income read back.
    SurveyStart(i64),
    SurveyLater(i64),
    SurveyChoice {
        survey: i64,
        question: Question,
        choice: u8,
    },
    SurveyDecline {
        survey: i64,
        question: Question,
    },
    /// Names the amount read back, so an older read-back's button is told apart.
    SurveyConfirm {
        survey: i64,
        yuan: i64,
        yes: bool,
    },
    /// Settings: stop or resume surveys.
    SurveysStopped(bool),
    /// A coordinator's `/outcomes` choices: a region; a scope in it; an export of that scope.
    Outcomes(OutcomeChoice),
    /// `/deleteme`: "yes, erase" (true) or "cancel" under the explanation.
    Erase(bool),
}

/// What an outcome report covers within a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutcomeScope {
    All,
    Course(CourseTag),
    Trainer(CourseTag),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutcomeChoice {
    Region(String),
    Scope { region: String, scope: OutcomeScope },
    Export { region: String, scope: OutcomeScope, identifiable: bool },
}

impl OutcomeScope {
    fn encode(self) -> String {
        match self {
            OutcomeScope::All => "a".to_owned(),
            OutcomeScope::Course(t) => format!("c{:08x}", t.0),
            OutcomeScope::Trainer(t) => format!("t{:08x}", t.0),
        }
    }

    fn decode(s: &str) -> Option<OutcomeScope> {
        let tag = |hex: &str| (hex.len() == 8).then(|| u32::from_str_radix(hex, 16).ok()).flatten().map(CourseTag);
        match s.split_at_checked(1)? {
            ("a", "") => Some(OutcomeScope::All),
            ("c", hex) => Some(OutcomeScope::Course(tag(hex)?)),
            ("t", hex) => Some(OutcomeScope::Trainer(tag(hex)?)),
            _ => None,
        }
    }
}

impl OutcomeChoice {
    fn encode(&self) -> String {
        match self {
            OutcomeChoice::Region(r) => format!("o:r:{r}"),
            OutcomeChoice::Scope { region, scope } => format!("o:s:{region}:{}", scope.encode()),
            OutcomeChoice::Export { region, scope, identifiable } => {
                format!("o:x:{region}:{}:{}", scope.encode(), u8::from(*identifiable))
            }
        }
    }

    fn decode(rest: &str) -> Option<OutcomeChoice> {
        let valid = |k: &str| crate::domain::region::Region::is_valid_key(k).then(|| k.to_owned());
        let mut parts = rest.split(':');
        let choice = match (parts.next()?, parts.next()?) {
            ("r", region) => OutcomeChoice::Region(valid(region)?),
            ("s", region) => {
                OutcomeChoice::Scope { region: valid(region)?, scope: OutcomeScope::decode(parts.next()?)? }
            }
            ("x", region) => OutcomeChoice::Export {
                region: valid(region)?,
                scope: OutcomeScope::decode(parts.next()?)?,
                identifiable: match parts.next()? {
                    "1" => true,
                    "0" => false,
                    _ => return None,
                },
            },
            _ => return None,
        };
        parts.next().is_none().then_some(choice)
    }
}

impl Cb {
    pub fn encode(&self) -> String {
        let s = match self {
            Cb::Lang(l) => format!("l:{}", l.code()),
            Cb::Consent(yes) => format!("c:{}", u8::from(*yes)),
            Cb::Audience(a) => format!("a:{}", a.as_str()),
            Cb::Region(key) => format!("r:{key}"),
            Cb::Back => "bk".to_owned(),
            Cb::SkipPhone => "sp".to_owned(),
            Cb::Invite { token, accept } => format!("iv:{}:{token}", u8::from(*accept)),
            Cb::RemovePhone => "rp".to_owned(),
            Cb::Settings(item) => format!(
                "s:{}",
                match item {
                    Item::Lang => "lang",
                    Item::Name => "name",
                    Item::Village => "village",
                    Item::Phone => "phone",
                    Item::Pause => "pause",
                    Item::MyData => "data",
                    Item::Erase => "erase",
                }
            ),
            Cb::Pause(days) => format!("pz:{days}"),
            Cb::InstantLines(on) => format!("ln:{}", u8::from(*on)),
            Cb::Browse => "b".to_owned(),
            Cb::Category(c, page) => format!("bc:{}:{page}", c.as_str()),
            Cb::Course(key) => format!("bo:{key}"),
            Cb::Class(key) => format!("bl:{key}"),
            Cb::ConfirmOrder(key) => format!("bf:{key}"),
            Cb::Order(action) => action.encode(),
            Cb::MyCourses => "my".to_owned(),
            Cb::RequestTopic(c) => format!("rq:{}", c.as_str()),
            Cb::RequestOpen => "ro".to_owned(),
            Cb::RequestTyped => "rt".to_owned(),
            // Built by the reminder service too (`services::reminders::rsvp_data`): keep in step.
            Cb::Rsvp { order, session, coming } => format!("rv:{order}:{session}:{}", u8::from(*coming)),
            Cb::OpenCheckin(s) => format!("ck:{s}"),
            Cb::Roster(s) => format!("rs:{s}"),
            Cb::CloseCheckin(s) => format!("cc:{s}"),
            Cb::Mark { session, order, present } => format!("mk:{session}:{order}:{}", u8::from(*present)),
            Cb::Practical { session, order, passed } => format!("pc:{session}:{order}:{}", u8::from(*passed)),
            // Built by services::learning for outbox messages too: keep in step.
            Cb::CheckIn(s) => format!("ci:{s}"),
            Cb::QuizStart(o) => format!("qs:{o}"),
            Cb::QuizAnswer { attempt, position, choice } => format!("qa:{attempt}:{position}:{choice}"),
            // Built by services::learning too: keep in step.
            Cb::Certificate(o) => format!("cf:{o}"),
            Cb::BcTarget(crate::domain::broadcast::Target::Class(k)) => format!("bt:c:{k}"),
            Cb::BcTarget(crate::domain::broadcast::Target::Region(k)) => format!("bt:r:{k}"),
            Cb::BcAudience(a) => format!("ba:{}", a.map(|a| a.as_str()).unwrap_or("all")),
            Cb::BcUrgent(u) => format!("bu:{}", u8::from(*u)),
            Cb::BcSend => "bs".to_owned(),
            Cb::BcCancel => "bx".to_owned(),
            // Built by services::broadcasts for the outbox too: keep in step.
            Cb::Ack(id) => format!("ak:{id}"),
            Cb::BcReport(id) => format!("br:{id}"),
            Cb::Report(step) => step.encode(),
            // Built by services::surveys for the outbox too: keep in step.
            Cb::SurveyStart(id) => format!("vs:{id}"),
            Cb::SurveyLater(id) => format!("vl:{id}"),
            Cb::SurveyChoice { survey, question, choice } => format!("va:{survey}:{}:{choice}", question.code()),
            Cb::SurveyDecline { survey, question } => format!("vd:{survey}:{}", question.code()),
            Cb::SurveyConfirm { survey, yuan, yes } => format!("vc:{survey}:{yuan}:{}", u8::from(*yes)),
            Cb::SurveysStopped(stopped) => format!("vx:{}", u8::from(*stopped)),
            Cb::Outcomes(choice) => choice.encode(),
            Cb::Erase(yes) => format!("dx:{}", u8::from(*yes)),
        };
        debug_assert!(s.len() <= MAX_LEN, "callback data too long: {s}");
        s
    }

    pub fn decode(data: &str) -> Option<Cb> {
        if data.len() > MAX_LEN {
            return None;
        }
        if let Some(action) = OrderAction::decode(data) {
            return Some(Cb::Order(action));
        }
        let key = |k: &str| crate::domain::region::Region::is_valid_key(k).then(|| k.to_owned());
        let (tag, rest) = data.split_once(':').unwrap_or((data, ""));
        Some(match (tag, rest) {
            ("l", code) => Cb::Lang(Lang::from_code(code)?),
            ("c", "1") => Cb::Consent(true),
            ("c", "0") => Cb::Consent(false),
            ("a", a) => Cb::Audience(Audience::parse(a)?),
            ("r", key) if crate::domain::region::Region::is_valid_key(key) => Cb::Region(key.to_owned()),
            ("bk", "") => Cb::Back,
            ("sp", "") => Cb::SkipPhone,
            ("iv", rest) => {
                let (accept, token) = rest.split_once(':')?;
                let accept = match accept {
                    "1" => true,
                    "0" => false,
                    _ => return None,
                };
                if !crate::services::invites::looks_like_token(token) {
                    return None;
                }
                Cb::Invite { token: token.to_owned(), accept }
            }
            ("rp", "") if data == "rp" => Cb::RemovePhone,
            ("rp", _) => Cb::Report(ReportStep::decode(data)?),
            ("s", "lang") => Cb::Settings(Item::Lang),
            ("s", "name") => Cb::Settings(Item::Name),
            ("s", "village") => Cb::Settings(Item::Village),
            ("s", "phone") => Cb::Settings(Item::Phone),
            ("s", "pause") => Cb::Settings(Item::Pause),
            ("s", "data") => Cb::Settings(Item::MyData),
            ("s", "erase") => Cb::Settings(Item::Erase),
            ("dx", "1") => Cb::Erase(true),
            ("dx", "0") => Cb::Erase(false),
            ("pz", days) => Cb::Pause(days.parse().ok()?),
            ("ln", "1") => Cb::InstantLines(true),
            ("ln", "0") => Cb::InstantLines(false),
            ("b", "") => Cb::Browse,
            ("bc", rest) => {
                let (category, page) = rest.split_once(':')?;
                Cb::Category(Category::parse(category)?, page.parse().ok()?)
            }
            ("bo", k) => Cb::Course(key(k)?),
            ("bl", k) => Cb::Class(key(k)?),
            ("bf", k) => Cb::ConfirmOrder(key(k)?),
            ("my", "") => Cb::MyCourses,
            ("rq", c) => Cb::RequestTopic(Category::parse(c)?),
            ("ro", "") => Cb::RequestOpen,
            ("rt", "") => Cb::RequestTyped,
            ("rv", rest) => {
                let mut parts = rest.split(':');
                let (order, session) = (parts.next()?.parse().ok()?, parts.next()?.parse().ok()?);
                let coming = match parts.next()? {
                    "1" => true,
                    "0" => false,
                    _ => return None,
                };
                if parts.next().is_some() {
                    return None;
                }
                Cb::Rsvp { order, session, coming }
            }
            ("bt", rest) => {
                use crate::domain::broadcast::Target;
                match rest.split_once(':')? {
                    ("c", k) => Cb::BcTarget(Target::Class(key(k)?)),
                    ("r", k) => Cb::BcTarget(Target::Region(key(k)?)),
                    _ => return None,
                }
            }
            ("ba", "all") => Cb::BcAudience(None),
            ("ba", a) => Cb::BcAudience(Some(Audience::parse(a)?)),
            ("bu", "1") => Cb::BcUrgent(true),
            ("bu", "0") => Cb::BcUrgent(false),
            ("bs", "") => Cb::BcSend,
            ("bx", "") => Cb::BcCancel,
            ("ak", id) => Cb::Ack(id.parse().ok()?),
            ("br", id) => Cb::BcReport(id.parse().ok()?),
            ("ck", id) => Cb::OpenCheckin(id.parse().ok()?),
            ("rs", id) => Cb::Roster(id.parse().ok()?),
            ("cc", id) => Cb::CloseCheckin(id.parse().ok()?),
            ("ci", id) => Cb::CheckIn(id.parse().ok()?),
            ("qs", id) => Cb::QuizStart(id.parse().ok()?),
            ("mk", rest) => {
                let (session, order, flag) = three(rest)?;
                Cb::Mark { session, order, present: flag? }
            }
            ("pc", rest) => {
                let (session, order, flag) = three(rest)?;
                Cb::Practical { session, order, passed: flag? }
            }
            ("qa", rest) => {
                let mut parts = rest.split(':');
                let attempt = parts.next()?.parse().ok()?;
                let position = parts.next()?.parse().ok()?;
                let choice = parts.next()?.parse().ok()?;
                if parts.next().is_some() {
                    return None;
                }
                Cb::QuizAnswer { attempt, position, choice }
            }
            ("cf", id) => Cb::Certificate(id.parse().ok()?),
            ("vs", id) => Cb::SurveyStart(id.parse().ok()?),
            ("vl", id) => Cb::SurveyLater(id.parse().ok()?),
            ("va", rest) => {
                let mut parts = rest.split(':');
                let survey = parts.next()?.parse().ok()?;
                let question = Question::from_code(parts.next()?.parse().ok()?)?;
                let choice: u8 = parts.next()?.parse().ok()?;
                if parts.next().is_some() || usize::from(choice) >= question.choices().len() {
                    return None;
                }
                Cb::SurveyChoice { survey, question, choice }
            }
            ("vd", rest) => {
                let (survey, question) = rest.split_once(':')?;
                Cb::SurveyDecline {
                    survey: survey.parse().ok()?,
                    question: Question::from_code(question.parse().ok()?)?,
                }
            }
            ("vc", rest) => {
                let (survey, rest) = rest.split_once(':')?;
                let (yuan, yes) = rest.split_once(':')?;
                let yes = match yes {
                    "1" => true,
                    "0" => false,
                    _ => return None,
                };
                Cb::SurveyConfirm { survey: survey.parse().ok()?, yuan: yuan.parse().ok()?, yes }
            }
            ("vx", "1") => Cb::SurveysStopped(true),
            ("vx", "0") => Cb::SurveysStopped(false),
            ("o", rest) => Cb::Outcomes(OutcomeChoice::decode(rest)?),
            _ => return None,
        })
    }
}

/// `a:b:f` with two ids and a 0/1 flag; the flag is `None` when it is neither.
fn three(rest: &str) -> Option<(i64, i64, Option<bool>)> {
    let mut parts = rest.split(':');
    let a = parts.next()?.parse().ok()?;
    let b = parts.next()?.parse().ok()?;
    let flag = match parts.next()? {
        "1" => Some(true),
        "0" => Some(false),
        _ => None,
    };
    if parts.next().is_some() {
        return None;
    }
    Some((a, b, flag))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_callback_round_trips_within_telegram_limit() {
        let all = [
            Cb::Lang(Lang::En),
            Cb::Consent(true),
            Cb::Consent(false),
            Cb::Audience(Audience::Cadre),
            Cb::Region("a".repeat(crate::domain::region::Region::MAX_KEY_LEN)),
            Cb::Back,
            Cb::SkipPhone,
            Cb::Invite { token: "aB3".repeat(8), accept: true },
            Cb::Invite { token: "aB3".repeat(8), accept: false },
            Cb::RemovePhone,
            Cb::Settings(Item::Village),
            Cb::Settings(Item::Pause),
            Cb::Settings(Item::MyData),
            Cb::Settings(Item::Erase),
            Cb::Erase(true),
            Cb::Erase(false),
            Cb::Settings(Item::Lang),
            Cb::Settings(Item::Name),
            Cb::Settings(Item::Phone),
            Cb::Pause(14),
            Cb::InstantLines(false),
            Cb::Browse,
            Cb::Category(Category::EcommerceLivestream, 12),
            Cb::Course("k".repeat(48)),
            Cb::Class("k".repeat(48)),
            Cb::ConfirmOrder("k".repeat(48)),
            Cb::Order(OrderAction::ConfirmCancel(i64::MAX)),
            Cb::Order(OrderAction::Approve(7)),
            Cb::MyCourses,
            Cb::RequestTopic(Category::Cooking),
            Cb::RequestOpen,
            Cb::RequestTyped,
            Cb::Rsvp { order: i64::MAX, session: i64::MAX, coming: false },
            Cb::OpenCheckin(5),
            Cb::Roster(5),
            Cb::CloseCheckin(5),
            Cb::Mark { session: i64::MAX, order: i64::MAX, present: true },
            Cb::Practical { session: 1, order: 2, passed: false },
            Cb::CheckIn(9),
            Cb::QuizStart(9),
            Cb::QuizAnswer { attempt: i64::MAX, position: 65535, choice: 5 },
            Cb::BcTarget(crate::domain::broadcast::Target::Class("k".repeat(48))),
            Cb::BcTarget(crate::domain::broadcast::Target::Region("k".repeat(48))),
            Cb::BcAudience(None),
            Cb::BcAudience(Some(Audience::Cadre)),
            Cb::BcUrgent(true),
            Cb::BcSend,
            Cb::BcCancel,
            Cb::Ack(i64::MAX),
            Cb::BcReport(1),
            Cb::Report(ReportStep::Region("k".repeat(48))),
            Cb::Report(ReportStep::Course { region: "k".repeat(48), course: None }),
            Cb::Report(ReportStep::Course {
                region: "k".repeat(48),
                course: Some(crate::domain::report::CourseTag::of(&"c".repeat(48))),
            }),
            Cb::Report(ReportStep::Run {
                region: "k".repeat(48),
                course: Some(crate::domain::report::CourseTag(u32::MAX)),
                period: crate::domain::report::Period::Week,
            }),
            Cb::Report(ReportStep::Run {
                region: "xinan".into(),
                course: None,
                period: crate::domain::report::Period::All,
            }),
            Cb::SurveyStart(i64::MAX),
            Cb::SurveyLater(3),
            Cb::SurveyChoice { survey: i64::MAX, question: Question::Employment, choice: 5 },
            Cb::SurveyChoice { survey: 1, question: Question::HouseholdSize, choice: 0 },
            Cb::SurveyDecline { survey: i64::MAX, question: Question::Comment },
            Cb::SurveyConfirm { survey: 9, yuan: 30_000, yes: false },
            Cb::SurveysStopped(true),
            Cb::Outcomes(OutcomeChoice::Region("k".repeat(48))),
            Cb::Outcomes(OutcomeChoice::Scope { region: "k".repeat(48), scope: OutcomeScope::All }),
            Cb::Outcomes(OutcomeChoice::Scope { region: "xinan".into(), scope: OutcomeScope::Trainer(CourseTag(7)) }),
            Cb::Outcomes(OutcomeChoice::Export {
                region: "k".repeat(48),
                scope: OutcomeScope::Course(CourseTag(u32::MAX)),
                identifiable: true,
            }),
        ];
        for cb in all {
            let data = cb.encode();
            assert!(data.len() <= MAX_LEN, "{data}");
            assert_eq!(Cb::decode(&data), Some(cb));
        }
    }

    #[test]
    fn reminder_buttons_built_by_the_service_decode_here() {
        let data = crate::services::reminders::rsvp_data(12, 34, false);
        assert_eq!(Cb::decode(&data), Some(Cb::Rsvp { order: 12, session: 34, coming: false }));
    }

    #[test]
    fn buttons_built_by_the_learning_service_decode_here() {
        use crate::services::learning::{checkin_button_data, quiz_start_data};
        assert_eq!(Cb::decode(&checkin_button_data(3)), Some(Cb::CheckIn(3)));
        assert_eq!(Cb::decode(&quiz_start_data(4)), Some(Cb::QuizStart(4)));
    }

    #[test]
    fn survey_buttons_built_by_the_service_decode_here() {
        use crate::services::surveys::{later_data, start_data};
        assert_eq!(Cb::decode(&start_data(5)), Some(Cb::SurveyStart(5)));
        assert_eq!(Cb::decode(&later_data(5)), Some(Cb::SurveyLater(5)));
    }

    #[test]
    fn the_acknowledgement_button_built_by_the_service_decodes_here() {
        assert_eq!(Cb::decode(&crate::services::broadcasts::ack_data(8)), Some(Cb::Ack(8)));
    }

    #[test]
    fn forged_or_garbled_data_decodes_to_nothing() {
        for data in [
            "",
            "x",
            "c:2",
            "a:farmer",
            "r:../etc",
            "r:",
            "l:fr",
            "s:admin",
            "s:data:1",
            "s:mydata",
            &"r:".repeat(40),
            "bc:cooking",
            "bc:x:1",
            "bc:cooking:999",
            "bo:",
            "bl:a b",
            "oa:-1",
            "oa:0",
            "ox:abc",
            "rq:farming",
            "rp:",
            "rp:r:",
            "rp:r:Xinan",
            "rp:c:xinan:12345678:w",
            "rp:p:xinan:-:z",
            "rp:p:xinan:nothex00:a",
            "va:1:2:6",
            "va:1:99:0",
            "va:1:1:0",
            "vd:x:1",
            "vc:1:2",
            "o:r:",
            "o:s:xinan:c123",
            "o:x:xinan:a:2",
            "o:x:xinan:a:1:extra",
            "iv:1:short",
            "iv:2:aB3aB3aB3aB3aB3aB3aB3aB3",
            "iv:1:aB3aB3aB3aB3aB3aB3aB3aB3:x",
        ] {
            assert_eq!(Cb::decode(data), None, "{data}");
        }
    }
}
