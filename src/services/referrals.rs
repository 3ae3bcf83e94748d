//! The coordinator's side of referrals (培训合格后推荐就业): who may change a referral's status (the person
//! or a coordinator of the opening's region; `domain::job::tap_status` decides whether), the
//! openings of a coordinator's regions with their counts, an opening's referral list, closing an
//! opening by hand, the printable card and the CSV for an employer without Telegram, and the two-week
//! follow-up question. Storage is `db::jobs` (writes) and `db::referrals` (reads).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};

use crate::app::App;
use crate::db::jobs::{self as store, Referral, StoredOpening};
use crate::db::referrals::{self as reads, Counts};
use crate::db::{self};
use crate::domain::callback::Cb;
use crate::domain::csv;
use crate::domain::job::{Actor, Button, FOLLOW_UP_AFTER_DAYS, Openness, ReferralStatus, StatusRefusal, tap_status};
use crate::domain::person::{Person, Role};
use crate::i18n::Lang;
use crate::services::access;
use crate::services::notify::{self, Note, payload};
use crate::tr;

/// Who tapped a referral's button, as far as that referral is concerned.
async fn actor_for(
    app: &App,
    person: &Person,
    referral: &Referral,
    opening: &StoredOpening,
) -> anyhow::Result<Option<Actor>> {
    if access::owns(person, referral.user_id) {
        return Ok(Some(Actor::Person));
    }
    if access::may_see_region(app, person, &opening.opening.region_key).await? {
        return Ok(Some(Actor::Coordinator));
    }
    Ok(None)
}

/// What a status tap came to.
#[derive(Debug, Clone, PartialEq)]
pub enum StatusChange {
    /// Changed: the referral as it is now, its opening and who changed it.
    Changed { referral: Referral, opening: Box<StoredOpening>, by: Actor },
    /// It has that status already (a second tap).
    Already(ReferralStatus),
    /// The person cannot change a settled outcome (it is `0`).
    Settled(ReferralStatus),
    /// "Referred" is where a referral starts, not a step (a forged button).
    NotAStep,
    /// Someone else changed it a moment before (to `0`): nothing written.
    Lost(ReferralStatus),
    /// The tapped message showed an older status; it is `status` now and nothing changed.
    Outdated { status: ReferralStatus, opening: i64, by: Actor },
    /// Neither the person nor a coordinator of the region, or no such referral: one answer for both.
    NotAllowed,
}

/// Sets a referral's status by a tap of `person`: the referral's own person (the follow-up answers,
/// withdrawing) or a coordinator whose regions cover the opening's region (admins too).
///
/// A change by the person sends one line to the region's coordinators (through the outbox, in the
/// same transaction). A change by a coordinator tells the person nothing: the employer tells them the
/// outcome in person, a coordinator corrects mis-taps (hired → not hired) and a message from the
/// office for every such bookkeeping tap would be noise, or worse, news the employer had not yet given.
pub async fn set_status(
    app: &App,
    person: &Person,
    referral_id: i64,
    shown: ReferralStatus,
    to: ReferralStatus,
) -> anyhow::Result<StatusChange> {
    let Some(referral) = reads::referral_by_id(&app.db, referral_id).await? else {
        return Ok(StatusChange::NotAllowed);
    };
    let Some(opening) = store::opening_by_id(&app.db, referral.opening_id).await? else {
        return Ok(StatusChange::NotAllowed);
    };
    let Some(by) = actor_for(app, person, &referral, &opening).await? else { return Ok(StatusChange::NotAllowed) };
    match tap_status(referral.status, shown, to, by) {
        Ok(()) => {}
        Err(StatusRefusal::Already) => return Ok(StatusChange::Already(referral.status)),
        Err(StatusRefusal::Settled) => return Ok(StatusChange::Settled(referral.status)),
        Err(StatusRefusal::NotAStep) => return Ok(StatusChange::NotAStep),
        Err(StatusRefusal::Outdated) => {
            return Ok(StatusChange::Outdated { status: referral.status, opening: referral.opening_id, by });
        }
    }
    let now = app.now();
    let chain = access::chain(app, &opening.opening.region_key).await?;
    let mut tx = app.db.begin_write().await?;
    if !store::set_referral_status(&mut tx, referral.id, referral.status, to, person.user_id, now).await? {
        tx.rollback().await?;
        let current = reads::referral_by_id(&app.db, referral_id).await?.map(|r| r.status).unwrap_or(referral.status);
        return Ok(StatusChange::Lost(current));
    }
    if by == Actor::Person {
        let name = person.name.as_str().to_owned();
        let (employer, tr) = (opening.opening.employer.clone(), opening.opening.tr.clone());
        let opening_id = opening.opening.id;
        for coordinator in db::lesson_authoring::line_coordinators_for(&mut tx, &chain).await? {
            let (name, employer, tr) = (name.clone(), employer.clone(), tr.clone());
            let note = Note::notice("coordinator", now, move |lang: Lang| {
                payload(
                    tr!(
                        lang,
                        "refer-line-person-status",
                        name = name.as_str(),
                        employer = tr.text(lang, "employer", &employer),
                        status = to.label(lang)
                    ),
                    vec![vec![(
                        tr!(lang, "btn-job-referrals"),
                        Cb::Job(Button::Referrals { opening: opening_id }).encode(),
                    )]],
                )
            })
            .dedupe(format!("job-status:{}:{}:{coordinator}", referral.id, to.as_str()));
            notify::queue(&mut tx, app, coordinator, &note).await?;
        }
    }
    tx.commit().await?;
    app.wake_outbox();
    tracing::info!(
        referral = referral.id,
        from = referral.status.as_str(),
        to = to.as_str(),
        ?by,
        user = person.user_id,
        "referral status"
    );
    let referral = reads::referral_by_id(&app.db, referral_id).await?.unwrap_or(Referral { status: to, ..referral });
    Ok(StatusChange::Changed { referral, opening: Box::new(opening), by })
}

// ---------------------------------------------------------------------------------------------------
// Coordinator views
// ---------------------------------------------------------------------------------------------------

/// The region keys whose openings a coordinator (or admin) manages; `None` when they are neither.
async fn managed_regions(app: &App, person: &Person) -> anyhow::Result<Option<Vec<String>>> {
    let grants = db::people::roles(&app.db, person.user_id).await?;
    let everywhere =
        grants.iter().any(|g| g.role == Role::Admin || (g.role == Role::Coordinator && g.region_key.is_empty()));
    if everywhere {
        return Ok(Some(db::catalog::all_regions(&app.db).await?.into_iter().map(|r| r.key).collect()));
    }
    let keys: Vec<String> = grants.into_iter().filter(|g| g.role == Role::Coordinator).map(|g| g.region_key).collect();
    Ok((!keys.is_empty()).then_some(keys))
}

/// One opening in a coordinator's list.
#[derive(Debug, Clone, PartialEq)]
pub struct OpeningLine {
    pub stored: StoredOpening,
    pub openness: Openness,
    pub counts: Counts,
}

/// The openings of the coordinator's regions (and those below), newest first; `None` when `person`
/// coordinates nothing.
pub async fn openings(app: &App, person: &Person) -> anyhow::Result<Option<Vec<OpeningLine>>> {
    let Some(regions) = managed_regions(app, person).await? else { return Ok(None) };
    let counts = reads::counts_by_opening(&app.db).await?;
    let mut out = Vec::new();
    for stored in store::openings_in(&app.db, &regions).await? {
        let openness = crate::services::jobs::openness(app, &stored).await?;
        let counts = counts.get(&stored.opening.id).copied().unwrap_or_default();
        out.push(OpeningLine { stored, openness, counts });
    }
    Ok(Some(out))
}

/// An opening the person may manage: it exists and its region is theirs.
pub async fn managed_opening(app: &App, person: &Person, opening_id: i64) -> anyhow::Result<Option<OpeningLine>> {
    let Some(stored) = store::opening_by_id(&app.db, opening_id).await? else { return Ok(None) };
    if !access::may_see_region(app, person, &stored.opening.region_key).await? {
        return Ok(None);
    }
    let openness = crate::services::jobs::openness(app, &stored).await?;
    let counts = reads::counts_by_opening(&app.db).await?.get(&opening_id).copied().unwrap_or_default();
    Ok(Some(OpeningLine { stored, openness, counts }))
}

/// One referral as the coordinator's list, the card and the CSV show it.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub referral: Referral,
    pub name: String,
    pub village: String,
    pub phone: String,
    /// The certificate that qualified them (code) and its course's title; empty when it was revoked.
    pub certificate: String,
    pub course: String,
}

/// The referrals of an opening, oldest first, with each person's details in `lang`.
pub async fn entries(app: &App, lang: Lang, stored: &StoredOpening) -> anyhow::Result<Vec<Entry>> {
    let regions: HashMap<String, String> = db::catalog::all_regions(&app.db)
        .await?
        .into_iter()
        .map(|r| (r.key.clone(), r.display_name(lang).to_owned()))
        .collect();
    let mut out = Vec::new();
    for referral in store::referrals_of_opening(&app.db, stored.opening.id).await? {
        // Erased people have no referrals left; a person row gone otherwise is skipped the same way.
        let Some(p) = db::people::find(&app.db, referral.user_id).await? else { continue };
        let certs = reads::certificates_of(&app.db, referral.user_id).await?;
        let (certificate, course) = match certs.iter().find(|(k, _)| stored.opening.courses.contains(k)) {
            Some((key, code)) => {
                let title = db::catalog::course(&app.db, key).await?.map(|c| c.display_title(lang).to_owned());
                (code.clone(), title.unwrap_or_else(|| key.clone()))
            }
            None => (String::new(), String::new()),
        };
        out.push(Entry {
            name: p.name.as_str().to_owned(),
            village: p.village_key.as_ref().and_then(|k| regions.get(k)).cloned().unwrap_or_default(),
            phone: p.phone.as_ref().map(|ph| ph.as_str().to_owned()).unwrap_or_default(),
            certificate,
            course,
            referral,
        });
    }
    Ok(out)
}

/// What closing an opening by hand came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Close {
    Closed,
    /// Closed already (by someone else, or by a later catalogue).
    Already,
    NotAllowed,
}

/// Closes an opening by hand: nothing already sent is withdrawn, but no new offers go out and new
/// interest is refused (`Openness::Closed`).
pub async fn close(app: &App, person: &Person, opening_id: i64) -> anyhow::Result<Close> {
    if managed_opening(app, person, opening_id).await?.is_none() {
        return Ok(Close::NotAllowed);
    }
    let mut tx = app.db.begin_write().await?;
    let closed = store::close_opening(&mut tx, opening_id, app.now()).await?;
    tx.commit().await?;
    tracing::info!(opening_id, user = person.user_id, closed, "opening closed by hand");
    Ok(if closed { Close::Closed } else { Close::Already })
}

/// A referral the person may print (a coordinator of the opening's region), with its opening.
pub async fn card_entry(
    app: &App,
    lang: Lang,
    person: &Person,
    referral_id: i64,
) -> anyhow::Result<Option<(OpeningLine, Entry)>> {
    let Some(referral) = reads::referral_by_id(&app.db, referral_id).await? else { return Ok(None) };
    let Some(line) = managed_opening(app, person, referral.opening_id).await? else { return Ok(None) };
    let entry = entries(app, lang, &line.stored).await?.into_iter().find(|e| e.referral.id == referral_id);
    Ok(entry.map(|e| (line, e)))
}

/// The local date of an instant in the opening region's time zone.
pub async fn local_day(app: &App, region_key: &str, at: DateTime<Utc>) -> anyhow::Result<NaiveDate> {
    let tz = match db::catalog::calendar_of(&app.db, region_key).await? {
        Some(cal) => cal.tz,
        None => app.config.default_timezone,
    };
    Ok(at.with_timezone(&tz).date_naive())
}

/// The CSV of an opening's referrals for an employer without Telegram: UTF-8 with a byte order mark
/// (so Excel reads Chinese), CRLF lines, phones written as typed (see `domain::csv`).
pub async fn csv(app: &App, lang: Lang, line: &OpeningLine) -> anyhow::Result<(String, usize)> {
    let entries = entries(app, lang, &line.stored).await?;
    let region = &line.stored.opening.region_key;
    let mut out = String::from("\u{feff}");
    csv::push_line(
        &mut out,
        [
            tr!(lang, "refer-csv-name"),
            tr!(lang, "refer-csv-village"),
            tr!(lang, "refer-csv-phone"),
            tr!(lang, "refer-csv-certificate"),
            tr!(lang, "refer-csv-course"),
            tr!(lang, "refer-csv-status"),
            tr!(lang, "refer-csv-referred-on"),
            tr!(lang, "refer-csv-interviewed-on"),
            tr!(lang, "refer-csv-settled-on"),
        ],
    );
    let day = |d: Option<DateTime<Utc>>| async move {
        match d {
            Some(at) => local_day(app, region, at).await.map(|d| d.format("%Y-%m-%d").to_string()),
            None => Ok(String::new()),
        }
    };
    for e in &entries {
        csv::push_cells(
            &mut out,
            [
                csv::Cell::Text(e.name.clone()),
                csv::Cell::Text(e.village.clone()),
                csv::Cell::Phone(e.phone.clone()),
                csv::Cell::Text(e.certificate.clone()),
                csv::Cell::Text(e.course.clone()),
                csv::Cell::Text(e.referral.status.label(lang)),
                csv::Cell::Text(day(Some(e.referral.consented_at)).await?),
                csv::Cell::Text(day(e.referral.interviewed_at).await?),
                csv::Cell::Text(day(e.referral.settled_at).await?),
            ],
        );
    }
    Ok((out, entries.len()))
}

// ---------------------------------------------------------------------------------------------------
// The two-week follow-up
// ---------------------------------------------------------------------------------------------------

/// The answers the follow-up offers (the same `Button::Status` a coordinator taps).
pub const FOLLOW_UP_ANSWERS: [ReferralStatus; 4] =
    [ReferralStatus::Interviewed, ReferralStatus::Hired, ReferralStatus::NotHired, ReferralStatus::Withdrew];

fn follow_up_after() -> chrono::TimeDelta {
    chrono::TimeDelta::days(FOLLOW_UP_AFTER_DAYS)
}

/// Queues the follow-up question for every referral still referred or interviewed two weeks after
/// consent and not yet asked: a personal note through the gate (quiet hours, busy seasons, a pause),
/// marked asked in the same transaction, so it is asked once. Returns how many were queued.
pub async fn follow_up_due(app: &App) -> anyhow::Result<usize> {
    let now = app.now();
    let mut queued = 0;
    for referral in store::follow_ups_due(&app.db, now - follow_up_after()).await? {
        let Some(opening) = store::opening_by_id(&app.db, referral.opening_id).await? else { continue };
        let mut tx = app.db.begin_write().await?;
        if !store::mark_follow_up(&mut tx, referral.id, now).await? {
            tx.rollback().await?;
            continue;
        }
        let (employer, tr) = (opening.opening.employer.clone(), opening.opening.tr.clone());
        let (id, current) = (referral.id, referral.status);
        let note = Note::notice("job-follow-up", now, move |lang: Lang| {
            let rows = FOLLOW_UP_ANSWERS
                .into_iter()
                .filter(|&s| s != current)
                .map(|status| {
                    vec![(
                        follow_up_label(lang, status),
                        Cb::Job(Button::Status { referral: id, from: current, status }).encode(),
                    )]
                })
                .collect();
            payload(tr!(lang, "refer-follow-up", employer = tr.text(lang, "employer", &employer)), rows)
        })
        .personal()
        .dedupe(format!("job-follow-up:{id}"));
        notify::queue(&mut tx, app, referral.user_id, &note).await?;
        tx.commit().await?;
        queued += 1;
    }
    if queued > 0 {
        app.wake_outbox();
        tracing::info!(queued, "referral follow-ups queued");
    }
    Ok(queued)
}

/// When the next follow-up falls due (the earliest referral still waiting, plus two weeks).
pub async fn next_follow_up(app: &App) -> anyhow::Result<Option<DateTime<Utc>>> {
    Ok(store::next_follow_up_from(&app.db).await?.map(|at| at + follow_up_after()))
}

/// The person's words for each answer of the follow-up.
pub fn follow_up_label(lang: Lang, status: ReferralStatus) -> String {
    match status {
        ReferralStatus::Interviewed => tr!(lang, "refer-answer-interviewed"),
        ReferralStatus::Hired => tr!(lang, "refer-answer-hired"),
        ReferralStatus::NotHired => tr!(lang, "refer-answer-not_hired"),
        ReferralStatus::Withdrew => tr!(lang, "refer-answer-withdrew"),
        ReferralStatus::Referred => status.label(lang),
    }
}

// ---------------------------------------------------------------------------------------------------
// Outcome figures
// ---------------------------------------------------------------------------------------------------

/// The referral rows of an `/outcomes` scope: referrals of people living in `region_keys` whose
/// qualifying certificate is of `course_key` (or of a course of `trainer_key`; any, when neither is
/// given). Each row names the qualifying course in the scope (the earliest certificate).
pub async fn outcome_rows(
    app: &App,
    lang: Lang,
    region_keys: &[String],
    course_key: Option<&str>,
    trainer_key: Option<&str>,
) -> anyhow::Result<Vec<crate::domain::outcomes::ReferralRow>> {
    let villages: HashMap<String, String> = db::catalog::all_regions(&app.db)
        .await?
        .into_iter()
        .map(|r| (r.key.clone(), r.display_name(lang).to_owned()))
        .collect();
    let mut openings: HashMap<i64, Option<StoredOpening>> = HashMap::new();
    let mut courses: HashMap<String, Option<crate::domain::catalog::Course>> = HashMap::new();
    let mut picked = Vec::new();
    for referral in store::all_referrals(&app.db).await? {
        let Some(person) = db::people::find(&app.db, referral.user_id).await? else { continue };
        if !person.village_key.as_ref().is_some_and(|v| region_keys.contains(v)) {
            continue;
        }
        if let std::collections::hash_map::Entry::Vacant(slot) = openings.entry(referral.opening_id) {
            slot.insert(store::opening_by_id(&app.db, referral.opening_id).await?);
        }
        let Some(Some(opening)) = openings.get(&referral.opening_id) else { continue };
        let mut course = None;
        for (key, _) in reads::certificates_of(&app.db, referral.user_id).await? {
            if !opening.opening.courses.contains(&key) {
                continue;
            }
            if let std::collections::hash_map::Entry::Vacant(slot) = courses.entry(key.clone()) {
                slot.insert(db::catalog::course(&app.db, &key).await?);
            }
            let in_scope = match (course_key, trainer_key) {
                (Some(c), _) => key == c,
                (None, Some(t)) => courses.get(&key).cloned().flatten().is_some_and(|c| c.trainer_key == t),
                (None, None) => true,
            };
            if in_scope {
                course = Some(key);
                break;
            }
        }
        let Some(course) = course else { continue };
        picked.push((referral, person, opening.clone(), course));
    }
    let ids: Vec<i64> = picked.iter().map(|(r, ..)| r.user_id).collect();
    let pseudonyms = db::surveys::ensure_pseudonyms(&app.db, &ids).await?;
    let mut rows = Vec::new();
    for (referral, person, opening, course) in picked {
        let region = &opening.opening.region_key;
        let day = |at: DateTime<Utc>| local_day(app, region, at);
        let title = courses.get(&course).cloned().flatten().map(|c| c.display_title(lang).to_owned());
        rows.push(crate::domain::outcomes::ReferralRow {
            person: pseudonyms.get(&person.user_id).cloned().unwrap_or_default(),
            name: Some(person.name.as_str().to_owned()),
            phone: person.phone.as_ref().map(|p| p.as_str().to_owned()),
            village: person.village_key.as_ref().and_then(|k| villages.get(k)).cloned().unwrap_or_default(),
            course: title.unwrap_or_else(|| course.clone()),
            course_key: course,
            opening: opening.opening.id,
            employer: opening.opening.tr.text(lang, "employer", &opening.opening.employer).to_owned(),
            status: referral.status,
            referred_on: day(referral.consented_at).await?,
            interviewed_on: match referral.interviewed_at {
                Some(at) => Some(day(at).await?),
                None => None,
            },
            settled_on: match referral.settled_at {
                Some(at) => Some(day(at).await?),
                None => None,
            },
        });
    }
    Ok(rows)
}
