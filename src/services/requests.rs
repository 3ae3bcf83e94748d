//! 点单: requests for courses not offered, tallied per township and topic; the township's
//! coordinators hear once when a topic reaches the threshold.

use crate::app::App;
use crate::db;
use crate::domain::catalog::Category;
use crate::domain::person::{Person, Role};
use crate::domain::region::{Region, RegionLevel};
use crate::domain::request::Topic;
use crate::i18n::Lang;
use crate::services::notify::{self, Note, payload};
use crate::tr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestOutcome {
    /// Counted; `count` people in the township now ask for it.
    Recorded { count: i64 },
    /// This person had asked for it already.
    Already { count: i64 },
    /// No village on record, so no township to count it in.
    NoVillage,
}

/// The township a person's village belongs to.
async fn township_of(app: &App, person: &Person) -> anyhow::Result<Option<Region>> {
    let Some(village) = &person.village_key else { return Ok(None) };
    let chain = db::regions::ancestry(&app.db, village).await?;
    Ok(chain.into_iter().find(|r| r.level == RegionLevel::Township))
}

pub fn topic_label(lang: Lang, topic_key: &str, example_text: &str) -> String {
    match Category::parse(topic_key) {
        Some(category) => category.label(lang),
        None => example_text.to_owned(),
    }
}

pub async fn record(app: &App, person: &Person, topic: &Topic) -> anyhow::Result<RequestOutcome> {
    let Some(township) = township_of(app, person).await? else { return Ok(RequestOutcome::NoVillage) };
    let chain: Vec<String> = db::regions::ancestry(&app.db, &township.key).await?.into_iter().map(|r| r.key).collect();
    let coordinators = db::people::coordinators_for(&app.db, &chain).await?;
    let key = topic.key();
    let text = match topic {
        Topic::Category(c) => c.as_str().to_owned(),
        Topic::Typed(t) => t.clone(),
    };
    let now = app.now();
    let mut tx = app.db.begin_write().await?;
    let new = db::orders::insert_course_request(&mut tx, person.user_id, &township.key, &key, &text, now).await?;
    let count = db::orders::course_request_count(&mut tx, &township.key, &key).await?;
    if new
        && count >= app.config.request_threshold
        && db::orders::claim_request_alert(&mut tx, &township.key, &key, now).await?
    {
        for coordinator in &coordinators {
            let dedupe = format!("request-alert:{}:{}:{}", township.key, key, coordinator.user_id);
            let (township, key, text) = (township.clone(), key.clone(), text.clone());
            let note = Note::notice("coordinator", now, move |lang| {
                payload(
                    tr!(
                        lang,
                        "coord-request-threshold",
                        township = township.display_name(lang),
                        count = count,
                        topic = topic_label(lang, &key, &text)
                    ),
                    vec![],
                )
            })
            .dedupe(dedupe);
            notify::queue(&mut tx, app, coordinator.user_id, &note).await?;
        }
    }
    tx.commit().await?;
    app.wake_outbox();
    Ok(if new { RequestOutcome::Recorded { count } } else { RequestOutcome::Already { count } })
}

/// One line of the tally a coordinator sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TallyLine {
    pub township: Region,
    pub topic_key: String,
    pub example_text: String,
    pub people: i64,
}

/// Requests in the townships a coordinator covers, most asked first. Empty for non-coordinators.
pub async fn tally_for(app: &App, person: &Person) -> anyhow::Result<Vec<TallyLine>> {
    let scopes: Vec<&str> =
        person.roles.iter().filter(|g| g.role == Role::Coordinator).map(|g| g.region_key.as_str()).collect();
    if scopes.is_empty() {
        return Ok(Vec::new());
    }
    let regions = db::catalog::all_regions(&app.db).await?;
    let townships: Vec<&Region> = regions
        .iter()
        .filter(|r| r.level == RegionLevel::Township)
        .filter(|r| scopes.contains(&r.key.as_str()) || r.parent_key.as_deref().is_some_and(|p| scopes.contains(&p)))
        .collect();
    let keys: Vec<String> = townships.iter().map(|r| r.key.clone()).collect();
    let rows = db::orders::request_tally(&app.db, &keys).await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let township = townships.iter().find(|t| t.key == row.township_key)?;
            Some(TallyLine {
                township: (*township).clone(),
                topic_key: row.topic,
                example_text: row.example_text,
                people: row.people,
            })
        })
        .collect())
}
