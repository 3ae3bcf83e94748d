//! The facts [`crate::domain::scope::may`] needs, looked up in storage: who the actor is (their grants
//! and trainer link) and where a region or class sits. Every permission check in the services and
//! handlers goes through [`may`] here, so there is one rule and one place that reads its facts.

use crate::app::App;
use crate::db;
use crate::domain::person::{Person, Role, RoleGrant};
use crate::domain::scope::{self, Actor, Refusal, Target};

/// An actor's facts, owned (see [`scope::Actor`]).
#[derive(Debug, Clone)]
pub struct ActorFacts {
    pub user_id: i64,
    pub grants: Vec<RoleGrant>,
    pub trainer_key: Option<String>,
}

impl ActorFacts {
    pub fn actor(&self) -> Actor<'_> {
        Actor { user_id: self.user_id, grants: &self.grants, trainer_key: self.trainer_key.as_deref() }
    }
}

/// The actor behind `person`. Roles are read from storage, not from the person loaded with the
/// update, so a role removed a moment ago no longer counts.
pub async fn actor(app: &App, person: &Person) -> anyhow::Result<ActorFacts> {
    let grants = db::people::roles(&app.db, person.user_id).await?;
    let trainer_key = if grants.iter().any(|g| g.role == Role::Trainer) {
        db::people::trainer_key(&app.db, person.user_id).await?
    } else {
        None
    };
    Ok(ActorFacts { user_id: person.user_id, grants, trainer_key })
}

/// The region's key and its ancestors' keys, nearest first; empty when the region does not exist.
pub async fn chain(app: &App, region_key: &str) -> anyhow::Result<Vec<String>> {
    Ok(db::regions::ancestry(&app.db, region_key).await?.into_iter().map(|r| r.key).collect())
}

/// A class's facts: the trainer of its course and its region chain. `None` when the class or its
/// course does not exist.
pub async fn class_facts(app: &App, class_key: &str) -> anyhow::Result<Option<(String, Vec<String>)>> {
    let Some(class) = db::catalog::class(&app.db, class_key).await? else { return Ok(None) };
    let Some(course) = db::catalog::course(&app.db, &class.course_key).await? else { return Ok(None) };
    Ok(Some((course.trainer_key, chain(app, &class.region_key).await?)))
}

/// May `person` reach `target`? The outer error is storage; the inner one the refusal.
pub async fn may(app: &App, person: &Person, target: &Target<'_>) -> anyhow::Result<Result<(), Refusal>> {
    let facts = actor(app, person).await?;
    Ok(scope::may(&facts.actor(), target))
}

/// Shorthand: may `person` use the commands of `role`?
pub async fn holds(app: &App, person: &Person, role: Role) -> anyhow::Result<bool> {
    Ok(may(app, person, &Target::Command(role)).await?.is_ok())
}

/// May `person` decide (approve, reject, a late cancellation) for a class in `region_key`?
pub async fn may_decide(app: &App, person: &Person, region_key: &str) -> anyhow::Result<bool> {
    let chain = chain(app, region_key).await?;
    Ok(may(app, person, &Target::Decision { chain: &chain }).await?.is_ok())
}

/// May `person` see the people of the region `region_key` (and below)?
pub async fn may_see_region(app: &App, person: &Person, region_key: &str) -> anyhow::Result<bool> {
    let chain = chain(app, region_key).await?;
    Ok(may(app, person, &Target::Region { chain: &chain }).await?.is_ok())
}

/// May `person` see a class's people (a broadcast to it): its trainer or a coordinator of its region.
pub async fn may_address_class(app: &App, person: &Person, class_key: &str) -> anyhow::Result<bool> {
    let Some((trainer_key, chain)) = class_facts(app, class_key).await? else { return Ok(false) };
    Ok(may(app, person, &Target::Class { trainer_key: &trainer_key, chain: &chain }).await?.is_ok())
}

/// Is `person` the teacher of a course whose trainer is `trainer_key` (rosters, marks, check-in)?
pub async fn teaches(app: &App, person: &Person, trainer_key: &str) -> anyhow::Result<bool> {
    Ok(may(app, person, &Target::Teaching { trainer_key }).await?.is_ok())
}

/// Is the thing owned by `owner` the person's own?
pub fn owns(person: &Person, owner: i64) -> bool {
    let actor = Actor { user_id: person.user_id, grants: &[], trainer_key: None };
    scope::may(&actor, &Target::Own { owner }).is_ok()
}

/// Is order `order_id` the person's own? False when it does not exist.
pub async fn owns_order(app: &App, person: &Person, order_id: i64) -> anyhow::Result<bool> {
    Ok(db::orders::get(&app.db, order_id).await?.is_some_and(|order| owns(person, order.user_id)))
}

/// Is survey `survey_id` the person's own? False when it does not exist.
pub async fn owns_survey(app: &App, person: &Person, survey_id: i64) -> anyhow::Result<bool> {
    Ok(db::surveys::get(&app.db, survey_id).await?.is_some_and(|survey| owns(person, survey.user_id)))
}
