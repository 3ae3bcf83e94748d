//! `/opening`, the use cases: who may publish openings and set pay floors (coordinators and admins),
//! where (the regions they cover: counties and townships), the facts the dialog decides with (each
//! region's floor and today, the catalogue's courses), publishing an opening in one transaction with a
//! line to the region's other coordinators, and setting a floor. The dialog is
//! `domain::opening_compose`; the rule `domain::job::check_opening`.

use crate::app::App;
use crate::db::{self, jobs as store};
use crate::domain::job::{OpeningProblem, check_opening};
use crate::domain::opening_compose::{Draft, Facts, RegionFact};
use crate::domain::person::{Person, Role};
use crate::domain::region::RegionLevel;
use crate::domain::scope::{self, Target};
use crate::i18n::Lang;
use crate::services::notify::{self, Note, payload};
use crate::tr;

/// Coordinators and admins publish openings. Roles are read from storage, not from the update.
pub async fn may_publish(app: &App, person: &Person) -> anyhow::Result<bool> {
    let facts = crate::services::access::actor(app, person).await?;
    Ok([Role::Coordinator, Role::Admin].into_iter().any(|role| facts.actor().has(role)))
}

/// What the dialog decides with: the counties and townships the person covers (an admin: all), county
/// first then its townships, each with its pay floor and today; the villagers' courses.
pub async fn facts(app: &App, person: &Person) -> anyhow::Result<Facts> {
    let actor = crate::services::access::actor(app, person).await?;
    let admin = actor.actor().has(Role::Admin);
    let catalog = app.db.catalog().await?;
    let mut regions = Vec::new();
    for region in catalog.all_regions() {
        if region.level == RegionLevel::Village {
            continue;
        }
        let chain: Vec<String> = catalog.ancestry(&region.key).into_iter().map(|r| r.key).collect();
        if !admin && scope::may(&actor.actor(), &Target::Region { chain: &chain }).is_err() {
            continue;
        }
        let mut conn = app.db.pool.acquire().await?;
        let floor = store::pay_floor(&mut conn, &chain).await?;
        drop(conn);
        let today = crate::services::jobs::today_in(app, &region.key).await?;
        regions.push(RegionFact { key: region.key, floor, today });
    }
    // Counties first, each followed by its townships (catalogue order within each).
    let mut ordered: Vec<RegionFact> = Vec::new();
    for county in regions.iter().filter(|r| catalog.region(&r.key).is_some_and(|x| x.level == RegionLevel::County)) {
        ordered.push(county.clone());
        ordered.extend(
            regions
                .iter()
                .filter(|r| catalog.region(&r.key).and_then(|x| x.parent_key.as_deref()) == Some(&county.key))
                .cloned(),
        );
    }
    for r in regions {
        if !ordered.iter().any(|o| o.key == r.key) {
            ordered.push(r); // a township whose county they do not cover
        }
    }
    let courses = db::opening_publish::villager_course_keys(&app.db).await?;
    Ok(Facts { regions: ordered, courses })
}

/// A region's name in the reader's language (its key when it is unknown).
pub async fn region_name(app: &App, lang: Lang, key: &str) -> anyhow::Result<String> {
    let catalog = app.db.catalog().await?;
    Ok(catalog.region(key).map(|r| r.display_name(lang).to_owned()).unwrap_or_else(|| key.to_owned()))
}

/// A course's title in the reader's language (its key when it is unknown).
pub async fn course_title(app: &App, lang: Lang, key: &str) -> anyhow::Result<String> {
    let catalog = app.db.catalog().await?;
    Ok(catalog.course(key).map(|c| c.display_title(lang).to_owned()).unwrap_or_else(|| key.to_owned()))
}

/// The draft as a villager will see it (`services::jobs::opening_card`); `None` while a part is missing.
pub async fn preview(app: &App, lang: Lang, draft: &Draft) -> anyhow::Result<Option<String>> {
    let Some(opening) = draft.to_opening() else { return Ok(None) };
    let courses = crate::services::jobs::qualifying_courses(app, &opening).await?;
    Ok(Some(crate::services::jobs::opening_card(lang, &opening, &courses, opening.seats)))
}

/// What publishing did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Published {
    /// Stored; the scheduler offers it to the people it matches.
    Done { opening_id: i64 },
    /// No longer a coordinator or admin, or the region is no longer theirs.
    NotAllowed,
    /// The rule refuses it now (a floor raised, a date passed since the preview).
    Refused(OpeningProblem),
    /// A part is missing (the dialog does not let this happen).
    Incomplete,
}

/// Publishes `draft` as `person`'s opening: all or nothing, with a line to the other coordinators of
/// its region (through the outbox), then the scheduler is woken to offer it.
pub async fn publish(app: &App, person: &Person, draft: &Draft) -> anyhow::Result<Published> {
    if !may_publish(app, person).await? {
        return Ok(Published::NotAllowed);
    }
    let Some(opening) = draft.to_opening() else { return Ok(Published::Incomplete) };
    let facts = facts(app, person).await?;
    let Some(region) = facts.regions.iter().find(|r| r.key == opening.region_key) else {
        return Ok(Published::NotAllowed);
    };
    if let Some(problem) = check_opening(&opening, region.floor, region.today).into_iter().next() {
        return Ok(Published::Refused(problem));
    }
    let chain = crate::services::access::chain(app, &opening.region_key).await?;
    let now = app.now();
    let mut tx = app.db.begin_write().await?;
    let (opening_id, _) = store::upsert_opening(&mut tx, &opening, Some(person.user_id), 0, now).await?;
    let author = person.name.as_str().to_owned();
    for coordinator in db::lesson_authoring::line_coordinators_for(&mut tx, &chain).await? {
        if coordinator == person.user_id {
            continue;
        }
        let (author, employer, seats) = (author.clone(), opening.employer.clone(), opening.seats);
        let note = Note::notice("coordinator", now, move |lang| {
            payload(
                tr!(lang, "opc-line-published", name = author.as_str(), employer = employer.as_str(), seats = seats),
                vec![vec![(
                    tr!(lang, "opc-btn-openings"),
                    crate::domain::callback::Cb::Job(crate::domain::job::Button::Openings).encode(),
                )]],
            )
        })
        .dedupe(format!("opening-published:{opening_id}:{coordinator}"));
        notify::queue(&mut tx, app, coordinator, &note).await?;
    }
    tx.commit().await?;
    app.wake_outbox();
    app.wake_scheduler();
    tracing::info!(opening_id, author = person.user_id, region = opening.region_key, "opening published from the chat");
    Ok(Published::Done { opening_id })
}

/// Sets (or with `None` removes) the pay floor of a region `person` covers; false when they may not.
pub async fn set_floor(app: &App, person: &Person, region_key: &str, yuan: Option<u32>) -> anyhow::Result<bool> {
    if !may_publish(app, person).await? {
        return Ok(false);
    }
    let facts = facts(app, person).await?;
    if !facts.regions.iter().any(|r| r.key == region_key) {
        return Ok(false);
    }
    let mut tx = app.db.begin_write().await?;
    store::set_pay_floor(&mut tx, region_key, yuan, person.user_id, app.now()).await?;
    tx.commit().await?;
    tracing::info!(region = region_key, ?yuan, by = person.user_id, "pay floor set");
    Ok(true)
}
