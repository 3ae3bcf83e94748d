//! The person's side of jobs after training: the scheduler's pass that offers open openings to the
//! certified people they match (`domain::job::is_match`, at most two offers in seven days), each offer
//! a non-urgent notice through the outbox and the send-window gate; what 💼 找工作 lists for a person;
//! their work intent; and what "我感兴趣" will share before they agree (the referral itself is
//! `services::jobs::refer`).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

use crate::app::App;
use crate::db::jobs::{self as jobs_store, Referral, StoredOpening};
use crate::db::{self, job_matching as store};
use crate::domain::callback::Cb;
use crate::domain::catalog::Course;
use crate::domain::job::{
    Button, Candidate, NoMatch, Opening, Openness, WorkIntent, certificate_brings_offers, is_match,
};
use crate::domain::person::Person;
use crate::services::jobs;
use crate::services::notify::{self, Note, payload};
use crate::tr;

/// The outbox rows' label.
pub const LABEL: &str = "job-offer";
/// The window the offer cap counts in.
const WEEK: Duration = Duration::days(7);

/// Keys of a village and every region above it (nothing for no village).
pub async fn region_chain(app: &App, village_key: Option<&str>) -> anyhow::Result<Vec<String>> {
    Ok(match village_key {
        Some(v) => db::regions::ancestry(&app.db, v).await?.into_iter().map(|r| r.key).collect(),
        None => Vec::new(),
    })
}

/// What the scheduler knows of one certified person for a pass.
struct Seeker {
    user_id: i64,
    candidate: Candidate,
    /// When each offer of the last seven days was made, oldest first.
    recent: Vec<DateTime<Utc>>,
    /// Openings offered to them ever, and those they were referred to.
    offered: HashSet<i64>,
    referred: HashSet<i64>,
}

/// What a pass would do at `now`: the (opening, person) offers to make, and when a person held back by
/// the weekly cap could next get one.
async fn decide(app: &App, now: DateTime<Utc>) -> anyhow::Result<(Vec<(StoredOpening, i64)>, Option<DateTime<Utc>>)> {
    let mut open = Vec::new();
    for o in jobs_store::openings_not_closed(&app.db).await? {
        match jobs::openness(app, &o).await? {
            Openness::Open => open.push(o),
            // Filled meanwhile: offers still waiting in the outbox (quiet hours, a pause) go no further.
            // (An expired one's offers have its closing date as their deadline.)
            Openness::Filled => {
                let mut tx = app.db.begin_write().await?;
                withdraw_offers(&mut tx, o.opening.id).await?;
                tx.commit().await?;
            }
            Openness::Expired | Openness::Closed => {}
        }
    }
    if open.is_empty() {
        return Ok((Vec::new(), None));
    }
    // Four reads for the whole pass, whatever the number of people.
    let mut offers_by: HashMap<i64, Vec<(i64, DateTime<Utc>)>> = HashMap::new();
    for (user, opening, at) in store::all_offers(&app.db).await? {
        offers_by.entry(user).or_default().push((opening, at));
    }
    let mut referred_by: HashMap<i64, HashSet<i64>> = HashMap::new();
    let mut hired: HashSet<i64> = HashSet::new();
    for (user, opening, was_hired) in store::all_referred(&app.db).await? {
        referred_by.entry(user).or_default().insert(opening);
        if was_hired {
            hired.insert(user);
        }
    }
    let mut earned_by: HashMap<i64, Vec<(String, DateTime<Utc>)>> = HashMap::new();
    for (user, course, at) in store::all_certified(&app.db).await? {
        earned_by.entry(user).or_default().push((course, at));
    }
    let mut zones: HashMap<Option<String>, Tz> = HashMap::new();
    let mut next: Option<DateTime<Utc>> = None;
    let mut seekers = Vec::new();
    for person in store::certified_people(&app.db).await? {
        let tz = match zones.get(&person.village_key) {
            Some(tz) => *tz,
            None => {
                let tz = match person.village_key.as_deref() {
                    Some(v) => db::catalog::calendar_of(&app.db, v).await?.map(|cal| cal.tz),
                    None => None,
                }
                .unwrap_or(app.config.default_timezone);
                zones.insert(person.village_key.clone(), tz);
                tz
            }
        };
        let today = now.with_timezone(&tz).date_naive();
        let mut certified = Vec::new();
        for (course, at) in earned_by.remove(&person.user_id).unwrap_or_default() {
            if certificate_brings_offers(at.with_timezone(&tz).date_naive(), today) {
                certified.push(course);
            } else if let Some(tomorrow) = start_of_day(tz, today.succ_opt()) {
                // Earned today: its offers may go from tomorrow; the scheduler wakes then.
                next = Some(next.map_or(tomorrow, |n| n.min(tomorrow)));
            }
        }
        let offers = offers_by.remove(&person.user_id).unwrap_or_default();
        let mut recent: Vec<DateTime<Utc>> = offers.iter().map(|(_, at)| *at).filter(|at| *at > now - WEEK).collect();
        recent.sort();
        seekers.push(Seeker {
            user_id: person.user_id,
            candidate: Candidate {
                regions: region_chain(app, person.village_key.as_deref()).await?,
                intent: person.work_intent,
                certified,
                offers_this_week: recent.len(),
                hired: hired.contains(&person.user_id),
            },
            recent,
            offered: offers.iter().map(|(id, _)| *id).collect(),
            referred: referred_by.remove(&person.user_id).unwrap_or_default(),
        });
    }
    let mut offers = Vec::new();
    for o in &open {
        let id = o.opening.id;
        for s in seekers.iter_mut().filter(|s| !s.offered.contains(&id) && !s.referred.contains(&id)) {
            match is_match(&o.opening, &s.candidate) {
                Ok(()) => {
                    offers.push((o.clone(), s.user_id));
                    s.offered.insert(id);
                    s.recent.push(now);
                    s.candidate.offers_this_week += 1;
                }
                Err(NoMatch::EnoughThisWeek) => {
                    // The oldest offer in the window leaves it then, and this one may go.
                    if let Some(oldest) = s.recent.first() {
                        let at = *oldest + WEEK;
                        next = Some(next.map_or(at, |n| n.min(at)));
                    }
                }
                Err(_) => {}
            }
        }
    }
    Ok((offers, next))
}

/// Midnight starting `day` in `tz`, as an instant.
fn start_of_day(tz: Tz, day: Option<NaiveDate>) -> Option<DateTime<Utc>> {
    tz.from_local_datetime(&day?.and_hms_opt(0, 0, 0)?).earliest().map(|t| t.to_utc())
}

/// The end of an opening's closing date in its region's time zone: the offer is not worth sending after.
async fn deadline(app: &App, o: &Opening) -> anyhow::Result<Option<DateTime<Utc>>> {
    let Some(closes) = o.closes_on else { return Ok(None) };
    let tz = match db::catalog::calendar_of(&app.db, &o.region_key).await? {
        Some(cal) => cal.tz,
        None => app.config.default_timezone,
    };
    Ok(start_of_day(tz, closes.succ_opt()))
}

/// Offers every open opening to the certified people it matches, each once, through the gate. Returns
/// how many offers it queued.
pub async fn run_due(app: &App) -> anyhow::Result<usize> {
    let now = app.now();
    let (offers, _) = decide(app, now).await?;
    let mut queued = 0;
    for (stored, user_id) in offers {
        if offer(app, &stored, user_id, now).await? {
            queued += 1;
        }
    }
    if queued > 0 {
        app.wake_outbox();
    }
    Ok(queued)
}

/// Queues one offer and notes it, in one transaction; false when it will not go (the person cannot be
/// reached) or another pass made it already.
async fn offer(app: &App, stored: &StoredOpening, user_id: i64, now: DateTime<Utc>) -> anyhow::Result<bool> {
    let opening = stored.opening.clone();
    let opening_id = opening.id;
    let courses = jobs::qualifying_courses(app, &opening).await?;
    let left = opening.seats.saturating_sub(stored.hired);
    let mut note = Note::notice(LABEL, now, move |lang| {
        payload(
            format!("{}\n\n{}", tr!(lang, "job-offer-intro"), jobs::opening_card(lang, &opening, &courses, left)),
            vec![
                vec![(tr!(lang, "btn-job-interested"), Cb::Job(Button::Interested { opening: opening_id }).encode())],
                vec![(tr!(lang, "btn-job-more"), Cb::Job(Button::Browse { page: 0 }).encode())],
            ],
        )
    })
    .dedupe(format!("job-offer:{opening_id}:{user_id}"));
    note.deadline_at = deadline(app, &stored.opening).await?;
    let mut tx = app.db.begin_write().await?;
    let Some(planned) = notify::plan(&mut tx, app, user_id, &note).await? else {
        tx.rollback().await?;
        return Ok(false);
    };
    let outbox_id = db::outbox::enqueue(&mut tx, &notify::message(&note, &planned)).await?;
    if outbox_id.is_none() || !jobs_store::insert_offer(&mut tx, opening_id, user_id, outbox_id, now).await? {
        tx.rollback().await?;
        return Ok(false);
    }
    tx.commit().await?;
    tracing::info!(opening_id, user_id, due_at = %planned.due_at, "job offer queued");
    Ok(true)
}

/// Withdraws the offers of an opening still waiting in the outbox (it was closed or filled before they
/// went); returns how many. Call it in the transaction that closes the opening.
pub async fn withdraw_offers(tx: &mut db::Tx, opening_id: i64) -> sqlx::Result<u64> {
    db::outbox::cancel_by_dedupe_prefix(tx, &format!("job-offer:{opening_id}:")).await
}

/// When a person held back by the weekly cap can next get an offer (after a pass that began at
/// `pass_began`).
pub async fn next_due(app: &App, pass_began: DateTime<Utc>) -> anyhow::Result<Option<DateTime<Utc>>> {
    let (_, next) = decide(app, pass_began).await?;
    Ok(next.filter(|at| *at > pass_began))
}

// ---------------------------------------------------------------------------------------------------
// Work intent
// ---------------------------------------------------------------------------------------------------

pub async fn intent(app: &App, user_id: i64) -> anyhow::Result<Option<WorkIntent>> {
    Ok(jobs_store::work_intent(&app.db, user_id).await?)
}

/// Stores the person's work intent; a new one may bring offers on the next pass.
pub async fn set_intent(app: &App, person: &Person, intent: WorkIntent) -> anyhow::Result<()> {
    let mut tx = app.db.begin_write().await?;
    jobs_store::set_work_intent(&mut tx, person.user_id, intent, app.now()).await?;
    tx.commit().await?;
    app.wake_scheduler();
    Ok(())
}

// ---------------------------------------------------------------------------------------------------
// 💼 找工作
// ---------------------------------------------------------------------------------------------------

/// An open opening as listed for a person.
#[derive(Debug, Clone)]
pub struct Listed {
    pub stored: StoredOpening,
    /// They hold a certificate it asks for.
    pub qualifies: bool,
}

/// The open openings for the person: in their region chain, plus every region if they said they would
/// travel; those they qualify for first, then oldest first.
pub async fn openings_for(app: &App, person: &Person) -> anyhow::Result<Vec<Listed>> {
    let chain = region_chain(app, person.village_key.as_deref()).await?;
    let travels = intent(app, person.user_id).await?.is_some_and(WorkIntent::travels);
    let certified = jobs::certified_courses(app, person.user_id).await?;
    let mut listed = Vec::new();
    for stored in jobs_store::openings_not_closed(&app.db).await? {
        if !(travels || chain.contains(&stored.opening.region_key)) || !jobs::openness(app, &stored).await?.is_open() {
            continue;
        }
        let qualifies = jobs::qualifies(&stored.opening, &certified);
        listed.push(Listed { stored, qualifies });
    }
    listed.sort_by_key(|l| !l.qualifies);
    Ok(listed)
}

/// The person's referrals, newest first, with their openings.
pub async fn referrals(app: &App, user_id: i64) -> anyhow::Result<Vec<(Referral, StoredOpening)>> {
    let mut out = Vec::new();
    for r in jobs_store::referrals_of_person(&app.db, user_id).await? {
        if let Some(o) = jobs_store::opening_by_id(&app.db, r.opening_id).await? {
            out.push((r, o));
        }
    }
    Ok(out)
}

/// One opening as a person sees it, and whether it still takes people.
pub async fn opening(app: &App, opening_id: i64) -> anyhow::Result<Option<(StoredOpening, Openness, Vec<Course>)>> {
    let Some(stored) = jobs_store::opening_by_id(&app.db, opening_id).await? else { return Ok(None) };
    let open = jobs::openness(app, &stored).await?;
    let courses = jobs::qualifying_courses(app, &stored.opening).await?;
    Ok(Some((stored, open, courses)))
}

// ---------------------------------------------------------------------------------------------------
// 我感兴趣
// ---------------------------------------------------------------------------------------------------

/// What will be shared with the employer if the person agrees.
#[derive(Debug, Clone)]
pub struct Consent {
    pub opening: Opening,
    /// Their village, as stored (the handler names it in their language).
    pub village_key: Option<String>,
    /// The qualifying certificate: its course and code.
    pub course: Option<Course>,
    pub course_key: String,
    pub code: String,
}

/// What tapping "我感兴趣" comes to: the consent question, or why not. Nothing is stored.
#[derive(Debug, Clone)]
pub enum Consider {
    Ask(Box<Consent>),
    /// Referred already (a second tap): the referral as it is.
    Referred(Referral, Box<Opening>),
    Closed(Openness),
    /// They hold no certificate it asks for: the courses that qualify.
    NotQualified(Vec<Course>),
    NoPhone,
    Gone,
}

pub async fn consider(app: &App, person: &Person, opening_id: i64) -> anyhow::Result<Consider> {
    let Some(stored) = jobs_store::opening_by_id(&app.db, opening_id).await? else { return Ok(Consider::Gone) };
    if let Some(r) = jobs_store::referral_of(&app.db, opening_id, person.user_id).await? {
        return Ok(Consider::Referred(r, Box::new(stored.opening)));
    }
    let open = jobs::openness(app, &stored).await?;
    if !open.is_open() {
        return Ok(Consider::Closed(open));
    }
    let certificates = store::certificates(&app.db, person.user_id).await?;
    let Some((course_key, code)) = certificates.into_iter().find(|(k, _)| stored.opening.courses.contains(k)) else {
        return Ok(Consider::NotQualified(jobs::qualifying_courses(app, &stored.opening).await?));
    };
    if person.phone.is_none() {
        return Ok(Consider::NoPhone);
    }
    let course = db::catalog::course(&app.db, &course_key).await?;
    Ok(Consider::Ask(Box::new(Consent {
        opening: stored.opening,
        village_key: person.village_key.clone(),
        course,
        course_key,
        code,
    })))
}
