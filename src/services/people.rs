//! Registration and profile changes.

use crate::app::App;
use crate::db;
use crate::domain::person::{Audience, Person};
use crate::domain::registration::NewPerson;
use crate::domain::settings::Change;

pub async fn register(app: &App, user_id: i64, chat_id: i64, person: &NewPerson) -> sqlx::Result<Person> {
    db::people::insert(&app.db, user_id, chat_id, person, app.now()).await?;
    if let Some(intent) = person.work_intent {
        let mut tx = app.db.begin_write().await?;
        db::jobs::set_work_intent(&mut tx, user_id, intent, app.now()).await?;
        tx.commit().await?;
    }
    db::people::find(&app.db, user_id).await?.ok_or(sqlx::Error::RowNotFound)
}

/// A staff member who registered through an invite chooses to take courses as `audience`.
pub async fn choose_audience(app: &App, user_id: i64, audience: Audience) -> sqlx::Result<Option<Person>> {
    db::people::set_audience(&app.db, user_id, audience, app.now()).await?;
    db::people::find(&app.db, user_id).await
}

pub async fn apply_change(app: &App, user_id: i64, change: &Change) -> sqlx::Result<()> {
    let now = app.now();
    match change {
        Change::Lang(lang) => db::people::set_lang(&app.db, user_id, *lang, now).await,
        Change::Name(name) => db::people::set_name(&app.db, user_id, name, now).await,
        Change::Village(key) => db::people::set_village(&app.db, user_id, key, now).await,
        Change::Phone(phone) => db::people::set_phone(&app.db, user_id, phone.as_ref(), now).await,
        Change::InstantLines(on) => db::people::set_instant_lines(&app.db, user_id, *on).await,
        Change::SurveysStopped(stopped) => crate::services::surveys::set_stopped(app, user_id, *stopped).await,
        Change::Audience(audience) => db::people::set_audience(&app.db, user_id, *audience, now).await,
        Change::Pause(days) => {
            let until = (*days > 0).then(|| now + chrono::Duration::days(i64::from(*days)));
            db::people::set_paused_until(&app.db, user_id, until, now).await
        }
    }
}

/// Grants a role directly (operator tooling and the demo chat; people get roles through invites).
pub async fn grant(app: &App, user_id: i64, grant: &crate::domain::person::RoleGrant) -> sqlx::Result<()> {
    let mut tx = app.db.begin_write().await?;
    db::people::grant_role(&mut tx, user_id, grant, app.now()).await?;
    let entry = db::audit::AuditEntry::new(
        app.now(),
        db::audit::Actor::Cli,
        db::audit::AuditAction::RoleGrant,
        format!("person:{user_id}"),
    )
    .region(grant.region_key.clone())
    .detail(format!("role={} via=direct", grant.role.as_str()));
    db::audit::record(&mut tx, &entry).await?;
    tx.commit().await
}

/// Until when the person asked for quiet (`None` when not paused, or the pause is over).
pub async fn paused_until(app: &App, user_id: i64) -> sqlx::Result<Option<chrono::DateTime<chrono::Utc>>> {
    let mut conn = app.db.pool.acquire().await?;
    let until = db::people::addressee(&mut conn, user_id).await?.and_then(|a| a.paused_until);
    Ok(until.filter(|t| *t > app.now()))
}
