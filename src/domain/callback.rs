//! Callback data: every button the bot makes, as one typed enum with one `encode` and one `decode`.
//! Handlers and the services that build buttons for outbox messages (reminders, offers, broadcasts,
//! surveys, learning) all go through [`Cb`], so a payload cannot be written one way and read another.
//! Buttons in old messages stay tappable, so decoded data is only a claim: handlers check it against
//! the current dialog state and storage, never trust it.

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
    /// Lessons: "📖 再学一课" (the next lesson); and on a reading's messages "下一页" under a card,
    /// "🔊 听语音" (the card's voice version), an answer to a check question. Each names the reading, so
    /// a button of an earlier reading (or lesson) is told apart.
    LessonOpen,
    LessonNext {
        reading: i64,
        card: u8,
    },
    LessonListen {
        reading: i64,
        card: u8,
    },
    LessonAnswer {
        reading: i64,
        question: u8,
        choice: u8,
    },
    /// A trainer's `/lesson` composer (`lc:…`), checked against the step on screen.
    Compose(crate::domain::lesson_compose::Button),
    /// The daily lesson (每日一课): choose the time, subscribe at one, or stop.
    LessonDaily(DailyChoice),
    /// Start this lesson (under a daily lesson); checked against the person's readings.
    LessonStart {
        lesson: i64,
    },
    /// Jobs after training (`jb:…`): openings, interest and consent, work intent, referral statuses.
    Job(crate::domain::job::Button),
    /// A coordinator's `/opening` (`oc2:…`): publishing an opening, the pay floor; checked against the
    /// step on screen.
    OpeningCompose(crate::domain::opening_compose::Button),
}

/// A choice about the daily lesson.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DailyChoice {
    /// Show the times.
    Ask,
    /// Subscribe at this local time, in minutes after midnight (checked against the offered times).
    At(u16),
    Off,
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
            OutcomeScope::Course(t) => format!("c{}", encode_tag(t)),
            OutcomeScope::Trainer(t) => format!("t{}", encode_tag(t)),
        }
    }

    fn decode(s: &str) -> Option<OutcomeScope> {
        match s.split_at_checked(1)? {
            ("a", "") => Some(OutcomeScope::All),
            ("c", hex) => Some(OutcomeScope::Course(decode_tag(hex)?)),
            ("t", hex) => Some(OutcomeScope::Trainer(decode_tag(hex)?)),
            _ => None,
        }
    }
}

/// A course tag as eight lowercase hex digits.
fn encode_tag(tag: CourseTag) -> String {
    format!("{:08x}", tag.0)
}

fn decode_tag(s: &str) -> Option<CourseTag> {
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return None;
    }
    u32::from_str_radix(s, 16).ok().map(CourseTag)
}

/// `oa:ID` … : an order action and the order it acts on (ids are positive).
fn encode_order(action: OrderAction) -> String {
    let (tag, id) = match action {
        OrderAction::Approve(id) => ("oa", id),
        OrderAction::Reject(id) => ("or", id),
        OrderAction::AcceptOffer(id) => ("ox", id),
        OrderAction::DeclineOffer(id) => ("od", id),
        OrderAction::Cancel(id) => ("oc", id),
        OrderAction::ConfirmCancel(id) => ("oC", id),
        OrderAction::AllowCancel(id) => ("ol", id),
        OrderAction::RefuseCancel(id) => ("of", id),
    };
    format!("{tag}:{id}")
}

fn decode_order(data: &str) -> Option<OrderAction> {
    let (tag, id) = data.split_once(':')?;
    let id: i64 = id.parse().ok().filter(|id| *id > 0)?;
    Some(match tag {
        "oa" => OrderAction::Approve(id),
        "or" => OrderAction::Reject(id),
        "ox" => OrderAction::AcceptOffer(id),
        "od" => OrderAction::DeclineOffer(id),
        "oc" => OrderAction::Cancel(id),
        "oC" => OrderAction::ConfirmCancel(id),
        "ol" => OrderAction::AllowCancel(id),
        "of" => OrderAction::RefuseCancel(id),
        _ => return None,
    })
}

const REPORT_PREFIX: &str = "rp:";

/// `rp:r:REGION`, `rp:c:REGION:TAG`, `rp:p:REGION:TAG:P` (TAG `-` = all courses); at most
/// 5 + 48 + 1 + 8 + 1 + 1 = 64 bytes.
fn encode_report(step: &ReportStep) -> String {
    let course = |c: &Option<CourseTag>| c.map(encode_tag).unwrap_or_else(|| "-".to_owned());
    match step {
        ReportStep::Region(r) => format!("{REPORT_PREFIX}r:{r}"),
        ReportStep::Course { region, course: c } => format!("{REPORT_PREFIX}c:{region}:{}", course(c)),
        ReportStep::Run { region, course: c, period } => {
            format!("{REPORT_PREFIX}p:{region}:{}:{}", course(c), period.code())
        }
    }
}

fn decode_report(data: &str) -> Option<ReportStep> {
    let rest = data.strip_prefix(REPORT_PREFIX)?;
    let mut parts = rest.split(':');
    let kind = parts.next()?;
    let region = parts.next().filter(|r| crate::domain::region::Region::is_valid_key(r))?.to_owned();
    let course = |p: Option<&str>| -> Option<Option<CourseTag>> {
        match p? {
            "-" => Some(None),
            tag => decode_tag(tag).map(Some),
        }
    };
    let step = match kind {
        "r" => ReportStep::Region(region),
        "c" => ReportStep::Course { region, course: course(parts.next())? },
        "p" => {
            let course = course(parts.next())?;
            ReportStep::Run { region, course, period: crate::domain::report::Period::from_code(parts.next()?)? }
        }
        _ => return None,
    };
    parts.next().is_none().then_some(step)
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
            Cb::Order(action) => encode_order(*action),
            Cb::MyCourses => "my".to_owned(),
            Cb::RequestTopic(c) => format!("rq:{}", c.as_str()),
            Cb::RequestOpen => "ro".to_owned(),
            Cb::RequestTyped => "rt".to_owned(),
            Cb::Rsvp { order, session, coming } => format!("rv:{order}:{session}:{}", u8::from(*coming)),
            Cb::OpenCheckin(s) => format!("ck:{s}"),
            Cb::Roster(s) => format!("rs:{s}"),
            Cb::CloseCheckin(s) => format!("cc:{s}"),
            Cb::Mark { session, order, present } => format!("mk:{session}:{order}:{}", u8::from(*present)),
            Cb::Practical { session, order, passed } => format!("pc:{session}:{order}:{}", u8::from(*passed)),
            Cb::CheckIn(s) => format!("ci:{s}"),
            Cb::QuizStart(o) => format!("qs:{o}"),
            Cb::QuizAnswer { attempt, position, choice } => format!("qa:{attempt}:{position}:{choice}"),
            Cb::Certificate(o) => format!("cf:{o}"),
            Cb::BcTarget(crate::domain::broadcast::Target::Class(k)) => format!("bt:c:{k}"),
            Cb::BcTarget(crate::domain::broadcast::Target::Region(k)) => format!("bt:r:{k}"),
            Cb::BcAudience(a) => format!("ba:{}", a.map(|a| a.as_str()).unwrap_or("all")),
            Cb::BcUrgent(u) => format!("bu:{}", u8::from(*u)),
            Cb::BcSend => "bs".to_owned(),
            Cb::BcCancel => "bx".to_owned(),
            Cb::Ack(id) => format!("ak:{id}"),
            Cb::BcReport(id) => format!("br:{id}"),
            Cb::Report(step) => encode_report(step),
            Cb::SurveyStart(id) => format!("vs:{id}"),
            Cb::SurveyLater(id) => format!("vl:{id}"),
            Cb::SurveyChoice { survey, question, choice } => format!("va:{survey}:{}:{choice}", question.code()),
            Cb::SurveyDecline { survey, question } => format!("vd:{survey}:{}", question.code()),
            Cb::SurveyConfirm { survey, yuan, yes } => format!("vc:{survey}:{yuan}:{}", u8::from(*yes)),
            Cb::SurveysStopped(stopped) => format!("vx:{}", u8::from(*stopped)),
            Cb::Outcomes(choice) => choice.encode(),
            Cb::Erase(yes) => format!("dx:{}", u8::from(*yes)),
            Cb::LessonOpen => "ls".to_owned(),
            Cb::LessonNext { reading, card } => format!("lx:{reading}:{card}"),
            Cb::LessonListen { reading, card } => format!("lv:{reading}:{card}"),
            Cb::LessonAnswer { reading, question, choice } => format!("la:{reading}:{question}:{choice}"),
            Cb::Compose(b) => format!("lc:{}", b.encode()),
            Cb::LessonDaily(DailyChoice::Ask) => "ld:ask".to_owned(),
            Cb::LessonDaily(DailyChoice::At(minute)) => format!("ld:{minute}"),
            Cb::LessonDaily(DailyChoice::Off) => "ld:off".to_owned(),
            Cb::LessonStart { lesson } => format!("lt:{lesson}"),
            Cb::Job(b) => format!("jb:{}", b.encode()),
            Cb::OpeningCompose(b) => format!("oc2:{}", b.encode()),
        };
        debug_assert!(s.len() <= MAX_LEN, "callback data too long: {s}");
        s
    }

    pub fn decode(data: &str) -> Option<Cb> {
        if data.len() > MAX_LEN {
            return None;
        }
        if let Some(action) = decode_order(data) {
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
                if !crate::domain::person::looks_like_invite_token(token) {
                    return None;
                }
                Cb::Invite { token: token.to_owned(), accept }
            }
            ("rp", "") if data == "rp" => Cb::RemovePhone,
            ("rp", _) => Cb::Report(decode_report(data)?),
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
            ("ls", "") => Cb::LessonOpen,
            ("lx", rest) => {
                let (reading, card) = rest.split_once(':')?;
                Cb::LessonNext { reading: positive(reading)?, card: card.parse().ok()? }
            }
            ("lv", rest) => {
                let (reading, card) = rest.split_once(':')?;
                Cb::LessonListen { reading: positive(reading)?, card: card.parse().ok()? }
            }
            ("la", rest) => {
                let mut parts = rest.split(':');
                let reading = positive(parts.next()?)?;
                let question = parts.next()?.parse().ok()?;
                let choice = parts.next()?.parse().ok()?;
                if parts.next().is_some() {
                    return None;
                }
                Cb::LessonAnswer { reading, question, choice }
            }
            ("lc", rest) => Cb::Compose(crate::domain::lesson_compose::Button::decode(rest)?),
            ("jb", rest) => Cb::Job(crate::domain::job::Button::decode(rest)?),
            ("oc2", rest) => Cb::OpeningCompose(crate::domain::opening_compose::Button::decode(rest)?),
            ("ld", "ask") => Cb::LessonDaily(DailyChoice::Ask),
            ("ld", "off") => Cb::LessonDaily(DailyChoice::Off),
            ("ld", minute) => {
                let m: u16 = minute.parse().ok().filter(|m| *m < 24 * 60)?;
                (m.to_string() == minute).then_some(Cb::LessonDaily(DailyChoice::At(m)))?
            }
            ("lt", lesson) => Cb::LessonStart { lesson: positive(lesson)? },
            _ => return None,
        })
    }
}

/// A stored id: a positive whole number, written as it encodes (no sign, no leading zero).
fn positive(s: &str) -> Option<i64> {
    let id: i64 = s.parse().ok().filter(|id| *id > 0)?;
    (id.to_string() == s).then_some(id)
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
            Cb::LessonOpen,
            Cb::LessonNext { reading: i64::MAX, card: u8::MAX },
            Cb::LessonListen { reading: 1, card: 0 },
            Cb::LessonAnswer { reading: i64::MAX, question: u8::MAX, choice: u8::MAX },
            Cb::Compose(crate::domain::lesson_compose::Button::Topic(Category::HousekeepingEldercare)),
            Cb::LessonDaily(DailyChoice::Ask),
            Cb::LessonDaily(DailyChoice::At(1439)),
            Cb::LessonDaily(DailyChoice::Off),
            Cb::LessonStart { lesson: i64::MAX },
        ];
        let openings = crate::domain::opening_compose::Button::samples(&"k".repeat(48), &"c".repeat(48));
        for cb in all.into_iter().chain(openings.into_iter().map(Cb::OpeningCompose)) {
            let data = cb.encode();
            assert!(data.len() <= MAX_LEN, "{data}");
            assert_eq!(Cb::decode(&data), Some(cb));
        }
    }

    /// Every variant, so a new one cannot be left out of [`random_callback`]: this `match` has no
    /// wildcard, and the property test checks each index was drawn.
    fn variant(cb: &Cb) -> usize {
        match cb {
            Cb::Lang(_) => 0,
            Cb::Consent(_) => 1,
            Cb::Audience(_) => 2,
            Cb::Region(_) => 3,
            Cb::Back => 4,
            Cb::SkipPhone => 5,
            Cb::Invite { .. } => 6,
            Cb::RemovePhone => 7,
            Cb::Settings(_) => 8,
            Cb::Pause(_) => 9,
            Cb::InstantLines(_) => 10,
            Cb::Browse => 11,
            Cb::Category(..) => 12,
            Cb::Course(_) => 13,
            Cb::Class(_) => 14,
            Cb::ConfirmOrder(_) => 15,
            Cb::Order(_) => 16,
            Cb::MyCourses => 17,
            Cb::RequestOpen => 18,
            Cb::RequestTopic(_) => 19,
            Cb::RequestTyped => 20,
            Cb::Rsvp { .. } => 21,
            Cb::OpenCheckin(_) => 22,
            Cb::Roster(_) => 23,
            Cb::CloseCheckin(_) => 24,
            Cb::Mark { .. } => 25,
            Cb::Practical { .. } => 26,
            Cb::CheckIn(_) => 27,
            Cb::QuizStart(_) => 28,
            Cb::QuizAnswer { .. } => 29,
            Cb::Certificate(_) => 30,
            Cb::BcTarget(_) => 31,
            Cb::BcAudience(_) => 32,
            Cb::BcUrgent(_) => 33,
            Cb::BcSend => 34,
            Cb::BcCancel => 35,
            Cb::Ack(_) => 36,
            Cb::BcReport(_) => 37,
            Cb::Report(_) => 38,
            Cb::SurveyStart(_) => 39,
            Cb::SurveyLater(_) => 40,
            Cb::SurveyChoice { .. } => 41,
            Cb::SurveyDecline { .. } => 42,
            Cb::SurveyConfirm { .. } => 43,
            Cb::SurveysStopped(_) => 44,
            Cb::Outcomes(_) => 45,
            Cb::Erase(_) => 46,
            Cb::LessonOpen => 47,
            Cb::LessonNext { .. } => 48,
            Cb::LessonListen { .. } => 49,
            Cb::LessonAnswer { .. } => 50,
            Cb::Compose(_) => 51,
            Cb::LessonDaily(_) => 52,
            Cb::LessonStart { .. } => 53,
            Cb::Job(_) => 54,
            Cb::OpeningCompose(_) => 55,
        }
    }
    const VARIANTS: usize = 56;

    /// A random valid value of variant `which`, its fields drawn over their whole range (ids up to
    /// `i64::MAX`, keys up to the longest a catalogue allows).
    fn random_callback(rng: &mut rand::rngs::StdRng, which: usize) -> Cb {
        use crate::domain::broadcast::Target;
        use crate::domain::report::Period;
        use rand::Rng;
        use rand::seq::SliceRandom;
        let key = |rng: &mut rand::rngs::StdRng| -> String {
            const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789-_";
            let len = rng.gen_range(1..=crate::domain::region::Region::MAX_KEY_LEN);
            (0..len).map(|_| char::from(*CHARS.choose(rng).expect("chars"))).collect()
        };
        let id = |rng: &mut rand::rngs::StdRng| -> i64 {
            if rng.gen_bool(0.2) { i64::MAX } else { rng.gen_range(1..=i64::MAX) }
        };
        let course = |rng: &mut rand::rngs::StdRng| rng.gen_bool(0.5).then(|| CourseTag(rng.r#gen()));
        let scope = |rng: &mut rand::rngs::StdRng| match rng.gen_range(0..3) {
            0 => OutcomeScope::All,
            1 => OutcomeScope::Course(CourseTag(rng.r#gen())),
            _ => OutcomeScope::Trainer(CourseTag(rng.r#gen())),
        };
        let audience = |rng: &mut rand::rngs::StdRng| *[Audience::Villager, Audience::Cadre].choose(rng).expect("two");
        let question = |rng: &mut rand::rngs::StdRng| *Question::ALL.choose(rng).expect("questions");
        let category = |rng: &mut rand::rngs::StdRng| *Category::ALL.choose(rng).expect("categories");
        match which {
            0 => Cb::Lang(*Lang::ALL.choose(rng).expect("languages")),
            1 => Cb::Consent(rng.r#gen()),
            2 => Cb::Audience(audience(rng)),
            3 => Cb::Region(key(rng)),
            4 => Cb::Back,
            5 => Cb::SkipPhone,
            6 => {
                const TOKEN: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
                let token = (0..24).map(|_| char::from(*TOKEN.choose(rng).expect("chars"))).collect();
                Cb::Invite { token, accept: rng.r#gen() }
            }
            7 => Cb::RemovePhone,
            8 => Cb::Settings(
                *[Item::Lang, Item::Name, Item::Village, Item::Phone, Item::Pause, Item::MyData, Item::Erase]
                    .choose(rng)
                    .expect("items"),
            ),
            9 => Cb::Pause(rng.r#gen()),
            10 => Cb::InstantLines(rng.r#gen()),
            11 => Cb::Browse,
            12 => Cb::Category(category(rng), rng.r#gen()),
            13 => Cb::Course(key(rng)),
            14 => Cb::Class(key(rng)),
            15 => Cb::ConfirmOrder(key(rng)),
            16 => {
                let id = id(rng);
                Cb::Order(
                    *[
                        OrderAction::Approve(id),
                        OrderAction::Reject(id),
                        OrderAction::AcceptOffer(id),
                        OrderAction::DeclineOffer(id),
                        OrderAction::Cancel(id),
                        OrderAction::ConfirmCancel(id),
                        OrderAction::AllowCancel(id),
                        OrderAction::RefuseCancel(id),
                    ]
                    .choose(rng)
                    .expect("actions"),
                )
            }
            17 => Cb::MyCourses,
            18 => Cb::RequestOpen,
            19 => Cb::RequestTopic(category(rng)),
            20 => Cb::RequestTyped,
            21 => Cb::Rsvp { order: id(rng), session: id(rng), coming: rng.r#gen() },
            22 => Cb::OpenCheckin(id(rng)),
            23 => Cb::Roster(id(rng)),
            24 => Cb::CloseCheckin(id(rng)),
            25 => Cb::Mark { session: id(rng), order: id(rng), present: rng.r#gen() },
            26 => Cb::Practical { session: id(rng), order: id(rng), passed: rng.r#gen() },
            27 => Cb::CheckIn(id(rng)),
            28 => Cb::QuizStart(id(rng)),
            29 => Cb::QuizAnswer { attempt: id(rng), position: rng.r#gen(), choice: rng.r#gen() },
            30 => Cb::Certificate(id(rng)),
            31 => Cb::BcTarget(if rng.r#gen() { Target::Class(key(rng)) } else { Target::Region(key(rng)) }),
            32 => Cb::BcAudience(rng.gen_bool(0.5).then(|| audience(rng))),
            33 => Cb::BcUrgent(rng.r#gen()),
            34 => Cb::BcSend,
            35 => Cb::BcCancel,
            36 => Cb::Ack(id(rng)),
            37 => Cb::BcReport(id(rng)),
            38 => Cb::Report(match rng.gen_range(0..3) {
                0 => ReportStep::Region(key(rng)),
                1 => ReportStep::Course { region: key(rng), course: course(rng) },
                _ => ReportStep::Run {
                    region: key(rng),
                    course: course(rng),
                    period: *Period::ALL.choose(rng).expect("periods"),
                },
            }),
            39 => Cb::SurveyStart(id(rng)),
            40 => Cb::SurveyLater(id(rng)),
            41 => {
                let question = *Question::ALL
                    .iter()
                    .filter(|q| !q.choices().is_empty())
                    .collect::<Vec<_>>()
                    .choose(rng)
                    .expect("questions with choices");
                let choice = rng.gen_range(0..question.choices().len()) as u8;
                Cb::SurveyChoice { survey: id(rng), question: *question, choice }
            }
            42 => Cb::SurveyDecline { survey: id(rng), question: question(rng) },
            43 => Cb::SurveyConfirm { survey: id(rng), yuan: rng.gen_range(0..=10_000_000_000), yes: rng.r#gen() },
            44 => Cb::SurveysStopped(rng.r#gen()),
            45 => Cb::Outcomes(match rng.gen_range(0..3) {
                0 => OutcomeChoice::Region(key(rng)),
                1 => OutcomeChoice::Scope { region: key(rng), scope: scope(rng) },
                _ => OutcomeChoice::Export { region: key(rng), scope: scope(rng), identifiable: rng.r#gen() },
            }),
            46 => Cb::Erase(rng.r#gen()),
            47 => Cb::LessonOpen,
            48 => Cb::LessonNext { reading: id(rng), card: rng.r#gen() },
            49 => Cb::LessonListen { reading: id(rng), card: rng.r#gen() },
            50 => Cb::LessonAnswer { reading: id(rng), question: rng.r#gen(), choice: rng.r#gen() },
            51 => Cb::Compose(*crate::domain::lesson_compose::Button::all().choose(rng).expect("buttons")),
            52 => Cb::LessonDaily(match rng.gen_range(0..3) {
                0 => DailyChoice::Ask,
                1 => DailyChoice::At(rng.gen_range(0..24 * 60)),
                _ => DailyChoice::Off,
            }),
            53 => Cb::LessonStart { lesson: id(rng) },
            54 => {
                use crate::domain::job::{Button, ReferralStatus, WorkIntent};
                Cb::Job(match rng.gen_range(0..12) {
                    0 => Button::Browse { page: rng.r#gen() },
                    1 => Button::View { opening: id(rng) },
                    2 => Button::Interested { opening: id(rng) },
                    3 => Button::Share { opening: id(rng), yes: rng.r#gen() },
                    4 => Button::IntentAsk,
                    5 => Button::Intent(*WorkIntent::ALL.choose(rng).expect("intents")),
                    6 => Button::Status {
                        referral: id(rng),
                        from: *ReferralStatus::ALL.choose(rng).expect("statuses"),
                        status: *ReferralStatus::ALL.choose(rng).expect("statuses"),
                    },
                    7 => Button::Openings,
                    8 => Button::Referrals { opening: id(rng) },
                    9 => Button::Close { opening: id(rng), confirmed: rng.r#gen() },
                    10 => Button::Card { referral: id(rng) },
                    _ => Button::Csv { opening: id(rng) },
                })
            }
            55 => {
                let samples = crate::domain::opening_compose::Button::samples(&key(rng), &key(rng));
                Cb::OpeningCompose(samples.choose(rng).expect("buttons").clone())
            }
            _ => unreachable!("variant {which} of {VARIANTS}"),
        }
    }

    #[test]
    fn every_payload_decodes_to_what_was_encoded_and_fits_telegram() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(20_261_203);
        let mut drawn = [0usize; VARIANTS];
        for _ in 0..20_000 {
            let which = rng.gen_range(0..VARIANTS);
            let cb = random_callback(&mut rng, which);
            assert_eq!(variant(&cb), which, "{cb:?}");
            drawn[which] += 1;
            let data = cb.encode();
            assert!(data.len() <= MAX_LEN, "{} bytes: {data}", data.len());
            assert_eq!(Cb::decode(&data), Some(cb), "{data}");
        }
        assert!(drawn.iter().all(|n| *n > 100), "every variant drawn: {drawn:?}");
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
            "oa:",
            "oa:x",
            "oa",
            "zz:1",
            "rp:r:A B",
            "rp:x:xinan",
            "rp:c:xinan",
            "rp:c:xinan:XYZ",
            "rp:c:xinan:0000000g",
            "rp:c:xinan:-:w",
            "rp:p:xinan:-",
            "rp:p:xinan:-:q",
            "rp:p:xinan:-:ww",
            "rp:r:xinan:extra",
            "ls:1",
            "lx:",
            "lx:0:1",
            "lx:-3:1",
            "lx:007:1",
            "lx:5",
            "lx:5:256",
            "lv:5:x",
            "la:5:1",
            "la:5:1:2:3",
            "la:5:-1:2",
            "lc:",
            "lc:r:9",
            "lc:cr:5",
            "lc:t:farming",
            "ld:",
            "ld:1440",
            "ld:0450",
            "ld:-1",
            "ld:on",
            "lt:0",
            "lt:",
            "lt:x",
        ] {
            assert_eq!(Cb::decode(data), None, "{data}");
        }
    }
}
