//! A person's own data (`/mydata`): everything stored about them, loaded into one typed document that
//! becomes a JSON file (English keys, stored values, instants in UTC ISO 8601) and a CSV of their
//! survey answers. Only their own rows are read (see `db::personal_data`): no other person's name,
//! id or answers, not even of people in the same class.

use chrono::{DateTime, Datelike, Utc};
use serde::Serialize;

use crate::app::App;
use crate::db;
use crate::db::personal_data::{self as store, Actor};
use crate::domain::csv;
use crate::domain::outcomes::CsvText;
use crate::domain::survey::{Question, Reply, Value};

/// What the JSON document says it is, so a reader can tell versions apart.
pub const FORMAT: &str = "fieldschool-personal-data/1";

#[derive(Debug, Clone, Serialize)]
pub struct PersonalData {
    pub format: &'static str,
    pub exported_at: DateTime<Utc>,
    pub profile: Profile,
    pub roles: Vec<RoleEntry>,
    /// The catalogue trainer this account stands for (trainer invites).
    pub trainer: Option<TrainerEntry>,
    pub orders: Vec<OrderEntry>,
    pub attendance: Vec<AttendanceEntry>,
    pub practical_checks: Vec<PracticalEntry>,
    pub quiz_attempts: Vec<QuizAttemptEntry>,
    pub certificates: Vec<CertificateEntry>,
    /// What work they are looking for (就业意向): near_home, migrant, own_business, not_looking; `None`
    /// when never asked.
    pub work_intent: Option<&'static str>,
    /// Openings they agreed to be referred to, with what became of each.
    pub referrals: Vec<ReferralEntry>,
    /// Lessons read (📖 学一课), each reading with its answers.
    pub lessons: Vec<LessonReadingEntry>,
    /// Credits earned from lessons, per lesson and year (also counted in `credits_by_year`).
    pub lesson_credits: Vec<LessonCreditEntry>,
    /// The daily lesson (每日一课): the chosen local time, if subscribed, and how many were sent.
    pub lesson_daily: LessonDailyEntry,
    pub credits_by_year: Vec<CreditsYear>,
    pub surveys: Vec<SurveyEntry>,
    pub course_requests: Vec<CourseRequestEntry>,
    pub notices_acknowledged: Vec<AcknowledgementEntry>,
    pub queued_messages: Vec<QueuedEntry>,
    pub checkin_lockout: Option<LockoutEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Profile {
    pub telegram_user_id: i64,
    pub name: String,
    pub phone: Option<String>,
    /// villager or cadre; `None` for staff who take no courses.
    pub audience: Option<&'static str>,
    pub language: &'static str,
    /// County first, down to the village.
    pub region: Vec<RegionEntry>,
    pub consent_at: DateTime<Utc>,
    pub registered_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The latest answer to the household-size question, if any was given.
    pub household_size: Option<i64>,
    pub messages_paused_until: Option<DateTime<Utc>>,
    pub surveys_stopped: bool,
    /// Coordinators: the one-line message per order.
    pub order_lines: bool,
    /// Telegram said the bot was blocked, at this time.
    pub unreachable_since: Option<DateTime<Utc>>,
    /// The stable pseudonym anonymised exports use for this person, once one was made.
    pub pseudonym: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RegionEntry {
    pub key: String,
    pub level: &'static str,
    pub name: String,
    /// The name in other languages, as the catalogue gives them.
    pub translations: crate::domain::translations::Translations,
}

#[derive(Debug, Clone, Serialize)]
pub struct RoleEntry {
    pub role: &'static str,
    /// Coordinators' region; `None` when not scoped.
    pub region_key: Option<String>,
    pub region_name: Option<String>,
    pub granted_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrainerEntry {
    pub trainer_key: String,
    pub linked_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OrderEntry {
    pub number: String,
    pub course_key: String,
    pub course_title: String,
    pub class_key: String,
    pub place: String,
    pub status: &'static str,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub first_session_at: Option<DateTime<Utc>>,
    pub last_session_end: Option<DateTime<Utc>>,
    pub waitlisted_at: Option<DateTime<Utc>>,
    pub offer_expires_at: Option<DateTime<Utc>>,
    pub cancel_requested_at: Option<DateTime<Utc>>,
    pub history: Vec<OrderEventEntry>,
    pub reminder_answers: Vec<RsvpEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OrderEventEntry {
    pub at: DateTime<Utc>,
    pub from_status: Option<&'static str>,
    pub to_status: &'static str,
    /// self, staff or system: who made the change (another person is not named).
    pub by: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct RsvpEntry {
    pub session_starts_at: DateTime<Utc>,
    /// coming or not_coming.
    pub answer: &'static str,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AttendanceEntry {
    pub order_number: String,
    pub course_key: String,
    pub session_starts_at: DateTime<Utc>,
    pub session_ends_at: DateTime<Utc>,
    /// present, absent or excused.
    pub mark: &'static str,
    /// code, location, trainer (by hand), auto (no mark when attendance was made final).
    pub source: String,
    pub at: DateTime<Utc>,
    pub distance_m: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PracticalEntry {
    pub order_number: String,
    pub course_key: String,
    pub passed: bool,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct QuizAttemptEntry {
    pub order_number: String,
    pub course_key: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub correct: i64,
    pub total: i64,
    /// `None` while the attempt runs.
    pub passed: Option<bool>,
    pub answers: Vec<QuizAnswerEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct QuizAnswerEntry {
    pub position: i64,
    pub question_key: String,
    pub question: String,
    pub chosen: Option<String>,
    pub correct: bool,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CertificateEntry {
    pub order_number: String,
    pub course_key: String,
    pub course_title: String,
    pub code: String,
    pub completed_at: DateTime<Utc>,
    pub credits: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReferralEntry {
    pub opening_id: i64,
    pub employer: String,
    pub place: String,
    /// referred, interviewed, hired, not_hired, withdrew.
    pub status: &'static str,
    /// When they agreed to share their name, village, phone and certificate with the employer.
    pub consented_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub interviewed_at: Option<DateTime<Utc>>,
    pub settled_at: Option<DateTime<Utc>>,
    /// When the two-week follow-up question was sent.
    pub follow_up_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LessonReadingEntry {
    pub lesson_key: String,
    pub lesson_title: String,
    /// How it came: menu (📖 学一课).
    pub source: String,
    pub sent_at: DateTime<Utc>,
    pub opened_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub answers: Vec<LessonAnswerEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LessonAnswerEntry {
    pub question_key: String,
    pub question: String,
    pub chosen: Option<String>,
    pub correct: bool,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct LessonDailyEntry {
    /// Local time of day, minutes after midnight.
    pub at_minute: Option<i64>,
    pub subscribed_since: Option<DateTime<Utc>>,
    pub sent: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct LessonCreditEntry {
    pub lesson_key: String,
    pub lesson_title: String,
    pub year: i64,
    pub credits: f64,
    pub earned_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CreditsYear {
    pub year: i32,
    pub credits: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct SurveyEntry {
    /// baseline, m3, m6, m12, feedback.
    pub wave: String,
    pub order_number: Option<String>,
    pub opens_at: DateTime<Utc>,
    pub closes_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub stopped_at: Option<DateTime<Utc>>,
    pub answers: Vec<SurveyAnswerEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SurveyAnswerEntry {
    pub question: &'static str,
    /// A number (household size, yuan, stars), a choice code, or text; `None` when declined.
    pub answer: Option<AnswerValue>,
    /// "Prefer not to say".
    pub declined: bool,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum AnswerValue {
    Number(i64),
    Text(String),
}

#[derive(Debug, Clone, Serialize)]
pub struct CourseRequestEntry {
    pub township_key: String,
    pub topic: String,
    pub topic_text: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AcknowledgementEntry {
    pub notice_id: i64,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct QueuedEntry {
    /// reminder, survey, notice, broadcast, …
    pub kind: String,
    pub status: String,
    pub planned_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub deadline_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LockoutEntry {
    pub wrong_codes_in_row: i64,
    pub locked_until: Option<DateTime<Utc>>,
    pub at: DateTime<Utc>,
}

/// The person's data and what showing it needs.
#[derive(Debug, Clone)]
pub struct Export {
    pub data: PersonalData,
    /// The time zone the person reads times in (their village's, else the default).
    pub tz: chrono_tz::Tz,
    /// Region names, county first, in the person's language.
    pub region_names: Vec<String>,
    /// Course titles by order number, in the person's language.
    pub course_titles: std::collections::HashMap<String, String>,
}

/// Loads everything stored about `user_id`; `None` when they are not registered.
pub async fn load(app: &App, user_id: i64) -> anyhow::Result<Option<Export>> {
    let db = &app.db;
    let Some(p) = store::profile(db, user_id).await? else { return Ok(None) };
    let lang = p.lang;
    let now = app.now();

    let mut chain = match &p.village_key {
        Some(v) => db::regions::ancestry(db, v).await?,
        None => Vec::new(),
    };
    chain.reverse();
    let tz = chain.last().and_then(|r| r.timezone.parse::<chrono_tz::Tz>().ok()).unwrap_or(app.config.default_timezone);
    let region_names = chain.iter().map(|r| r.display_name(lang).to_owned()).collect();
    let region = chain
        .into_iter()
        .map(|r| RegionEntry { key: r.key, level: r.level.as_str(), name: r.name, translations: r.tr })
        .collect();

    let orders = store::orders(db, user_id).await?;
    let by_id: std::collections::HashMap<i64, &store::OrderRow> = orders.iter().map(|o| (o.id, o)).collect();
    let number_of = |id: i64| by_id.get(&id).map(|o| o.number.as_str().to_owned()).unwrap_or_default();
    let course_of = |id: i64| by_id.get(&id).map(|o| o.course_key.clone()).unwrap_or_default();
    let course_titles = orders
        .iter()
        .map(|o| {
            let title = o.course_tr.text(lang, "title", &o.course_title).to_owned();
            (o.number.as_str().to_owned(), title)
        })
        .collect();

    let events = store::order_events(db, user_id).await?;
    let rsvps = store::rsvps(db, user_id).await?;
    let order_entries = orders
        .iter()
        .map(|o| OrderEntry {
            number: o.number.as_str().to_owned(),
            course_key: o.course_key.clone(),
            course_title: o.course_title.clone(),
            class_key: o.class_key.clone(),
            place: o.place.clone(),
            status: o.status.as_str(),
            created_at: o.created_at,
            updated_at: o.updated_at,
            first_session_at: o.first_session_at,
            last_session_end: o.last_session_end,
            waitlisted_at: o.waitlisted_at,
            offer_expires_at: o.offer_expires_at,
            cancel_requested_at: o.cancel_requested_at,
            history: events
                .iter()
                .filter(|e| e.order_id == o.id)
                .map(|e| OrderEventEntry {
                    at: e.at,
                    from_status: e.from_status.map(|s| s.as_str()),
                    to_status: e.to_status.as_str(),
                    by: match e.actor {
                        Actor::Person => "self",
                        Actor::Staff => "staff",
                        Actor::System => "system",
                    },
                })
                .collect(),
            reminder_answers: rsvps
                .iter()
                .filter(|r| r.order_id == o.id)
                .map(|r| RsvpEntry {
                    session_starts_at: r.session_starts_at,
                    answer: if r.coming { "coming" } else { "not_coming" },
                    at: r.at,
                })
                .collect(),
        })
        .collect();

    let attendance = store::attendance(db, user_id)
        .await?
        .into_iter()
        .map(|a| AttendanceEntry {
            order_number: number_of(a.order_id),
            course_key: course_of(a.order_id),
            session_starts_at: a.session_starts_at,
            session_ends_at: a.session_ends_at,
            mark: a.mark.as_str(),
            source: a.source,
            at: a.at,
            distance_m: a.distance_m,
        })
        .collect();

    let practical_checks = store::practical_checks(db, user_id)
        .await?
        .into_iter()
        .map(|p| PracticalEntry {
            order_number: number_of(p.order_id),
            course_key: course_of(p.order_id),
            passed: p.passed,
            at: p.at,
        })
        .collect();

    let answers = store::quiz_answers(db, user_id).await?;
    let quiz_attempts = store::quiz_attempts(db, user_id)
        .await?
        .into_iter()
        .map(|a| QuizAttemptEntry {
            order_number: number_of(a.order_id),
            course_key: course_of(a.order_id),
            started_at: a.started_at,
            finished_at: a.finished_at,
            correct: a.correct,
            total: a.total,
            passed: a.passed,
            answers: answers
                .iter()
                .filter(|q| q.attempt_id == a.id)
                .map(|q| QuizAnswerEntry {
                    position: q.position,
                    question_key: q.question_key.clone(),
                    question: q.question.clone(),
                    chosen: q.chosen.clone(),
                    correct: q.correct,
                    at: q.at,
                })
                .collect(),
        })
        .collect();

    let completions = store::completions(db, user_id).await?;
    let mut credits_by_year: Vec<CreditsYear> = Vec::new();
    for c in &completions {
        let year = c.completed_at.with_timezone(&app.config.default_timezone).year();
        let credits = c.credits_tenths as f64 / 10.0;
        match credits_by_year.iter_mut().find(|y| y.year == year) {
            Some(y) => y.credits = (y.credits * 10.0 + credits * 10.0).round() / 10.0,
            None => credits_by_year.push(CreditsYear { year, credits }),
        }
    }
    let lesson_credits: Vec<LessonCreditEntry> = db::lessons::credits_of(db, user_id, None)
        .await?
        .into_iter()
        .map(|c| LessonCreditEntry {
            lesson_key: c.lesson_key,
            lesson_title: c.title,
            year: c.year,
            credits: c.credits_tenths as f64 / 10.0,
            earned_at: c.earned_at,
        })
        .collect();
    for c in &lesson_credits {
        let year = i32::try_from(c.year).unwrap_or_default();
        match credits_by_year.iter_mut().find(|y| y.year == year) {
            Some(y) => y.credits = (y.credits * 10.0 + c.credits * 10.0).round() / 10.0,
            None => credits_by_year.push(CreditsYear { year, credits: c.credits }),
        }
    }
    credits_by_year.sort_by_key(|y| y.year);
    let lesson_answers = db::lessons::answers_for_export(db, user_id).await?;
    let lessons = db::lessons::readings_for_export(db, user_id)
        .await?
        .into_iter()
        .map(|r| LessonReadingEntry {
            answers: lesson_answers
                .iter()
                .filter(|a| a.reading_id == r.id)
                .map(|a| LessonAnswerEntry {
                    question_key: a.question_key.clone(),
                    question: a.question.clone(),
                    chosen: a.chosen_text(),
                    correct: a.correct,
                    at: a.at,
                })
                .collect(),
            lesson_key: r.lesson_key,
            lesson_title: r.title,
            source: r.source,
            sent_at: r.sent_at,
            opened_at: r.opened_at,
            finished_at: r.finished_at,
        })
        .collect();
    let certificates = completions
        .into_iter()
        .map(|c| CertificateEntry {
            order_number: number_of(c.order_id),
            course_title: by_id.get(&c.order_id).map(|o| o.course_title.clone()).unwrap_or_default(),
            course_key: c.course_key,
            code: c.code,
            completed_at: c.completed_at,
            credits: c.credits_tenths as f64 / 10.0,
        })
        .collect();

    let survey_answers = store::survey_answers(db, user_id).await?;
    let household_size = survey_answers
        .iter()
        .filter(|a| a.question == Question::HouseholdSize)
        .filter_map(|a| match &a.reply {
            Reply::Given(Value::Number(n)) => Some((a.at, *n)),
            _ => None,
        })
        .max_by_key(|(at, _)| *at)
        .map(|(_, n)| n);
    let surveys = db::surveys::of_user(db, user_id)
        .await?
        .into_iter()
        .map(|s| SurveyEntry {
            wave: s.wave.as_str(),
            order_number: s.order_id.map(number_of),
            opens_at: s.opens_at,
            closes_at: s.closes_at,
            completed_at: s.completed_at,
            stopped_at: s.stopped_at,
            answers: survey_answers
                .iter()
                .filter(|a| a.survey_id == s.id)
                .map(|a| SurveyAnswerEntry {
                    question: a.question.as_str(),
                    answer: match &a.reply {
                        Reply::Declined => None,
                        Reply::Given(Value::Number(n)) => Some(AnswerValue::Number(*n)),
                        Reply::Given(Value::Choice(c) | Value::Text(c)) => Some(AnswerValue::Text(c.clone())),
                    },
                    declined: matches!(a.reply, Reply::Declined),
                    at: a.at,
                })
                .collect(),
        })
        .collect();

    let mut roles = Vec::new();
    for r in store::roles(db, user_id).await? {
        let region = match r.region_key.as_str() {
            "" => None,
            key => db::regions::get(db, key).await?,
        };
        roles.push(RoleEntry {
            role: r.role.as_str(),
            region_name: region.map(|g| g.display_name(lang).to_owned()),
            region_key: (!r.region_key.is_empty()).then_some(r.region_key),
            granted_at: r.granted_at,
        });
    }

    let data = PersonalData {
        format: FORMAT,
        exported_at: now,
        profile: Profile {
            telegram_user_id: p.user_id,
            name: p.name,
            phone: p.phone,
            audience: p.audience.map(|a| a.as_str()),
            language: lang.code(),
            region,
            consent_at: p.consent_at,
            registered_at: p.registered_at,
            updated_at: p.updated_at,
            household_size,
            messages_paused_until: p.paused_until.filter(|t| *t > now),
            surveys_stopped: p.surveys_stopped,
            order_lines: p.instant_lines,
            unreachable_since: p.unreachable_at,
            pseudonym: p.pseudonym,
        },
        roles,
        trainer: store::trainer_link(db, user_id)
            .await?
            .map(|(trainer_key, linked_at)| TrainerEntry { trainer_key, linked_at }),
        orders: order_entries,
        attendance,
        practical_checks,
        quiz_attempts,
        certificates,
        work_intent: db::jobs::work_intent(db, user_id).await?.map(|i| i.as_str()),
        referrals: {
            let mut entries = Vec::new();
            for r in db::jobs::referrals_of_person(db, user_id).await? {
                let opening = db::jobs::opening_by_id(db, r.opening_id).await?;
                entries.push(ReferralEntry {
                    opening_id: r.opening_id,
                    employer: opening.as_ref().map(|o| o.opening.employer.clone()).unwrap_or_default(),
                    place: opening.as_ref().map(|o| o.opening.place.clone()).unwrap_or_default(),
                    status: r.status.as_str(),
                    consented_at: r.consented_at,
                    updated_at: r.updated_at,
                    interviewed_at: r.interviewed_at,
                    settled_at: r.settled_at,
                    follow_up_at: r.follow_up_at,
                });
            }
            entries
        },
        lessons,
        lesson_credits,
        lesson_daily: {
            let subscription = db::lesson_daily::subscription(db, user_id).await?;
            LessonDailyEntry {
                at_minute: subscription.as_ref().map(|s| s.at_minute),
                subscribed_since: subscription.map(|s| s.since),
                sent: db::lesson_daily::sent_count(db, user_id).await?,
            }
        },
        credits_by_year,
        surveys,
        course_requests: store::course_requests(db, user_id)
            .await?
            .into_iter()
            .map(|r| CourseRequestEntry {
                township_key: r.township_key,
                topic: r.topic,
                topic_text: r.topic_text,
                created_at: r.created_at,
            })
            .collect(),
        notices_acknowledged: store::acknowledgements(db, user_id)
            .await?
            .into_iter()
            .map(|(notice_id, at)| AcknowledgementEntry { notice_id, at })
            .collect(),
        queued_messages: store::queued_messages(db, p.chat_id)
            .await?
            .into_iter()
            .map(|q| QueuedEntry {
                kind: q.kind,
                status: q.status,
                planned_at: q.planned_at,
                due_at: q.due_at,
                deadline_at: q.deadline_at,
            })
            .collect(),
        checkin_lockout: store::checkin_lockout(db, user_id).await?.map(|l| LockoutEntry {
            wrong_codes_in_row: l.wrong_in_row,
            locked_until: l.locked_until,
            at: l.at,
        }),
    };
    Ok(Some(Export { data, tz, region_names, course_titles }))
}

/// The JSON document, pretty-printed.
pub fn json(data: &PersonalData) -> anyhow::Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(data)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// The survey columns of the CSV, in the order of [`Question::ALL`], as `CsvText` names them.
fn question_column(q: Question) -> &'static str {
    match q {
        Question::Income => "income_yuan",
        other => other.as_str(),
    }
}

/// The person's survey answers as a CSV (UTF-8 with a BOM, for Excel): one line per survey with an
/// answer, one column per question, in the words of `text` (the outcome export's). Answered times are
/// local (`tz`), in ISO 8601 with their offset. `None` when no answer was given.
pub fn answers_csv(data: &PersonalData, text: &CsvText, tz: chrono_tz::Tz) -> Option<Vec<u8>> {
    let answered: Vec<&SurveyEntry> = data.surveys.iter().filter(|s| !s.answers.is_empty()).collect();
    if answered.is_empty() {
        return None;
    }
    let header = |c: &str| (text.header)(c);
    let label = |c: &str, code: &str| (text.label)(c, code);
    let mut out = String::from("\u{feff}");
    let mut cells = vec![header("wave"), header("order_code"), header("answered_at")];
    cells.extend(Question::ALL.iter().map(|q| header(question_column(*q))));
    csv::push_line(&mut out, cells);
    for s in answered {
        let last = s.completed_at.or_else(|| s.answers.iter().map(|a| a.at).max());
        let mut cells = vec![
            label("wave", &s.wave),
            s.order_number.clone().unwrap_or_default(),
            last.map(|t| t.with_timezone(&tz).to_rfc3339_opts(chrono::SecondsFormat::Secs, false)).unwrap_or_default(),
        ];
        for q in Question::ALL {
            let column = question_column(q);
            let cell = match s.answers.iter().find(|a| a.question == q.as_str()) {
                None => String::new(),
                Some(a) if a.declined => label(column, "declined"),
                Some(a) => match &a.answer {
                    Some(AnswerValue::Number(n)) => n.to_string(),
                    Some(AnswerValue::Text(t)) if q == Question::Comment => t.clone(),
                    Some(AnswerValue::Text(code)) => label(column, code),
                    None => String::new(),
                },
            };
            cells.push(cell);
        }
        csv::push_line(&mut out, cells);
    }
    Some(out.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn survey(wave: &str, answers: Vec<SurveyAnswerEntry>) -> SurveyEntry {
        SurveyEntry {
            wave: wave.into(),
            order_number: Some("FS-7K3Q-2".into()),
            opens_at: DateTime::<Utc>::UNIX_EPOCH,
            closes_at: None,
            completed_at: None,
            stopped_at: None,
            answers,
        }
    }

    fn answer(question: Question, answer: Option<AnswerValue>) -> SurveyAnswerEntry {
        SurveyAnswerEntry {
            question: question.as_str(),
            declined: answer.is_none(),
            answer,
            at: DateTime::parse_from_rfc3339("2026-12-20T03:00:00Z").unwrap().to_utc(),
        }
    }

    fn data(surveys: Vec<SurveyEntry>) -> PersonalData {
        PersonalData {
            format: FORMAT,
            exported_at: DateTime::<Utc>::UNIX_EPOCH,
            profile: Profile {
                telegram_user_id: 1,
                name: "A".into(),
                phone: None,
                audience: Some("villager"),
                language: "en",
                region: Vec::new(),
                consent_at: DateTime::<Utc>::UNIX_EPOCH,
                registered_at: DateTime::<Utc>::UNIX_EPOCH,
                updated_at: DateTime::<Utc>::UNIX_EPOCH,
                household_size: None,
                messages_paused_until: None,
                surveys_stopped: false,
                order_lines: true,
                unreachable_since: None,
                pseudonym: None,
            },
            roles: Vec::new(),
            trainer: None,
            orders: Vec::new(),
            attendance: Vec::new(),
            practical_checks: Vec::new(),
            quiz_attempts: Vec::new(),
            certificates: Vec::new(),
            work_intent: None,
            referrals: Vec::new(),
            lessons: Vec::new(),
            lesson_credits: Vec::new(),
            lesson_daily: LessonDailyEntry::default(),
            credits_by_year: Vec::new(),
            surveys,
            course_requests: Vec::new(),
            notices_acknowledged: Vec::new(),
            queued_messages: Vec::new(),
            checkin_lockout: None,
        }
    }

    #[test]
    fn the_answers_csv_has_a_line_per_answered_survey_and_defuses_formulas() {
        let d = data(vec![
            survey(
                "baseline",
                vec![
                    answer(Question::HouseholdSize, Some(AnswerValue::Number(4))),
                    answer(Question::Income, None),
                    answer(Question::Employment, Some(AnswerValue::Text("farming".into()))),
                ],
            ),
            survey("m3", Vec::new()),
            survey("feedback", vec![answer(Question::Comment, Some(AnswerValue::Text("=1+1".into())))]),
        ]);
        let csv = answers_csv(&d, &CsvText::codes(), chrono_tz::Asia::Shanghai).unwrap();
        let text = String::from_utf8(csv).unwrap();
        let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(lines[0].starts_with("wave,order_code,answered_at,household_size,income_yuan,"), "{text}");
        assert!(lines[1].starts_with("baseline,FS-7K3Q-2,2026-12-20T11:00:00+08:00,4,declined,farming,"), "{text}");
        assert!(lines[2].ends_with(",'=1+1"), "{text}");
        assert_eq!(answers_csv(&data(Vec::new()), &CsvText::codes(), chrono_tz::Asia::Shanghai), None);
    }

    #[test]
    fn the_json_uses_english_keys_and_utc_instants() {
        let json = String::from_utf8(json(&data(Vec::new())).unwrap()).unwrap();
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["format"], FORMAT);
        assert_eq!(value["profile"]["consent_at"], "1970-01-01T00:00:00Z");
        assert_eq!(value["profile"]["audience"], "villager");
    }
}
