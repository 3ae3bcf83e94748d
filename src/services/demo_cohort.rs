//! A simulated cohort for `fieldschool chat` (`/cohort`): forty-two villagers of one class who ordered
//! and answered the baseline, thirty who came (24 completed) and twelve who never did, with their
//! 3-month follow-up as they would have answered it: enough people for `/outcomes` to show intervals,
//! the attrition sentence (the six poorest attendees never answered) and the comparison group. A
//! developer's demo only: the bot itself never invents people.
//!
//! Drawn from a fixed seed, so every chat session gets the same cohort; it is written through the same
//! storage functions as the real flows, and the follow-ups open and close on their real dates, so the
//! figures appear as the chat's clock passes them (`/clock +92d`).

use anyhow::Context;
use chrono::{Duration, Months};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::app::App;
use crate::db::{self, orders::NewOrder, surveys::NewSurvey};
use crate::domain::order::{OrderNumber, OrderStatus};
use crate::domain::person::{Audience, PersonName, Phone};
use crate::domain::registration::NewPerson;
use crate::domain::survey::{Cohort, Question, Reply, Value, Wave};
use crate::i18n::Lang;

/// The first user id of the cohort (far from the chat's personas).
const FIRST_USER: i64 = 3_000_001;
const ATTENDEES: usize = 30;
const NO_SHOWS: usize = 12;
/// The poorest attendees, who never answered the follow-up.
const SILENT_POOREST: usize = 6;

const SURNAMES: [&str; 8] = ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang"];
const GIVEN: [&str; 6] = ["Fang", "Min", "Jun", "Hua", "Ping", "Qiang"];

/// How many people were added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seeded {
    pub attendees: usize,
    pub no_shows: usize,
}

/// One simulated person's answers: household size and yearly net income at baseline and three months on.
struct Household {
    size: i64,
    before: i64,
    /// `None`: did not answer the follow-up.
    after: Option<i64>,
}

/// Adds the cohort to `class_key`, living in `village_key`. Refused before the class has ended, and when
/// it was added already.
pub async fn seed(app: &App, class_key: &str, village_key: &str) -> anyhow::Result<Seeded> {
    if db::people::find(&app.db, FIRST_USER).await?.is_some() {
        anyhow::bail!("the cohort is there already");
    }
    let class = db::catalog::class(&app.db, class_key).await?.context("no such class")?;
    let sessions = db::catalog::sessions_of_class(&app.db, class_key).await?;
    let starts = sessions.iter().map(|s| s.starts_at).min().context("the class has no sessions")?;
    let ended = sessions.iter().map(|s| s.ends_at).max().context("the class has no sessions")?;
    // Added after the class, so the cohort takes nobody's seat (it is larger than the class).
    if app.now() < ended {
        let local = ended.with_timezone(&app.config.default_timezone).format("%Y-%m-%d %H:%M");
        anyhow::bail!("the class ends {local}: move the clock past it first (/clock 2026-12-20 09:00)");
    }
    let ordered_at = starts - Duration::days(10);
    let m3_opens = ended.checked_add_months(Months::new(3)).context("date")?;
    let mut rng = ChaCha8Rng::seed_from_u64(20_261_204);

    let mut people: Vec<(Household, Option<bool>)> = Vec::new(); // Some(completed) for attendees
    for i in 0..ATTENDEES {
        let size = rng.gen_range(2..=6);
        // Per head from 3,000 up; the first are the poorest.
        let per_head = 3_000 + 400 * i as i64 + rng.gen_range(0..300);
        let gain = 600 + rng.gen_range(-800..2_400);
        let after = (i >= SILENT_POOREST).then_some((per_head + gain) * size);
        people.push((Household { size, before: per_head * size, after }, Some(i % 5 != 0)));
    }
    for j in 0..NO_SHOWS {
        let size = rng.gen_range(2..=6);
        let per_head = 4_000 + 700 * j as i64 + rng.gen_range(0..300);
        let gain = rng.gen_range(-600..1_000);
        let after = (j != 0).then_some((per_head + gain) * size);
        people.push((Household { size, before: per_head * size, after }, None));
    }

    for (n, (household, attended)) in people.iter().enumerate() {
        let user = FIRST_USER + n as i64;
        let name = format!("{} {}", SURNAMES[n % SURNAMES.len()], GIVEN[n / SURNAMES.len() % GIVEN.len()]);
        let person = NewPerson {
            lang: Lang::Zh,
            audience: Audience::Villager,
            name: PersonName::parse(&name).map_err(|e| anyhow::anyhow!("demo name {name}: {e:?}"))?,
            village_key: village_key.to_owned(),
            phone: Phone::parse(&format!("1390000{n:04}")),
            work_intent: None,
        };
        db::people::insert(&app.db, user, user, &person, ordered_at).await?;

        let mut tx = app.db.begin_write().await?;
        let number = OrderNumber::generate(&mut rng);
        let new = NewOrder {
            update_id: None,
            number: &number,
            user_id: user,
            class_key,
            status: OrderStatus::Confirmed,
            now: ordered_at,
        };
        let order = db::orders::insert(&mut tx, &new).await?.context("order number taken")?;
        let status = match attended {
            Some(true) => OrderStatus::Completed,
            Some(false) => OrderStatus::NotCompleted,
            None => OrderStatus::NoShow,
        };
        db::orders::transition(&mut tx, order.id, OrderStatus::Confirmed, status, ended, None, None).await?;
        if status == OrderStatus::Completed {
            let completion = db::learning::Completion {
                order_id: order.id,
                user_id: user,
                course_key: class.course_key.clone(),
                completed_at: ended,
                code: crate::domain::learning::certificate_code(&mut rng),
                credits_tenths: 0,
            };
            db::learning::insert_completion(&mut tx, &completion).await?;
        }

        let baseline = NewSurvey {
            key: &format!("baseline:{user}"),
            user_id: user,
            wave: Wave::Baseline,
            order_id: None,
            opens_at: ordered_at,
            closes_at: None,
        };
        let answers = simulated_answers(Wave::Baseline.questions(), household.size, household.before, &mut rng);
        answer(&mut tx, &baseline, &answers, ordered_at + Duration::minutes(5)).await?;

        let m3 = NewSurvey {
            key: &format!("m3:{}", order.id),
            user_id: user,
            wave: Wave::Followup(3),
            order_id: Some(order.id),
            opens_at: m3_opens,
            closes_at: Some(m3_opens + app.config.survey_open),
        };
        match household.after {
            Some(income) => {
                let cohort = if attended.is_some() { Cohort::Attendee } else { Cohort::Comparison };
                let questions = Wave::Followup(3).questions_of(cohort);
                let answers = simulated_answers(questions, household.size, income, &mut rng);
                answer(&mut tx, &m3, &answers, m3_opens + Duration::days(2)).await?;
            }
            None => {
                db::surveys::create(&mut tx, &m3, ordered_at).await?;
            }
        }
        tx.commit().await?;
    }
    Ok(Seeded { attendees: ATTENDEES, no_shows: NO_SHOWS })
}

/// An answer to each of `questions` (exactly the questionnaire the person would have had), for a
/// household of `size` with `income`; the rest drawn from `rng`.
fn simulated_answers(questions: &[Question], size: i64, income: i64, rng: &mut ChaCha8Rng) -> Vec<(Question, Value)> {
    let pick = |codes: &[&str], rng: &mut ChaCha8Rng| Value::Choice(codes[rng.gen_range(0..codes.len())].to_owned());
    questions
        .iter()
        .filter_map(|&q| {
            let value = match q {
                Question::HouseholdSize => Value::Number(size),
                Question::Income => Value::Number(income),
                Question::Employment => pick(&["farming", "local_work", "migrant_work", "own_business"], rng),
                Question::MainSource => pick(&["crops", "livestock", "wages", "business"], rng),
                Question::UsedLearning => pick(&["often", "sometimes", "never"], rng),
                Question::Industry => pick(&["started", "expanded", "unchanged", "unchanged"], rng),
                Question::ReferralJob => Value::Choice("no".to_owned()),
                Question::Usefulness | Question::TrainerStars | Question::Comment => return None,
            };
            Some((q, value))
        })
        .collect()
}

/// Creates a survey answered in full at `at`.
async fn answer(
    tx: &mut db::Tx,
    survey: &NewSurvey<'_>,
    answers: &[(Question, Value)],
    at: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let id = db::surveys::create(tx, survey, survey.opens_at).await?.context("survey exists")?;
    for (question, value) in answers {
        db::surveys::save_answer(tx, id, *question, &Reply::Given(value.clone()), at).await?;
    }
    db::surveys::mark_completed(tx, id, at).await?;
    Ok(())
}
