//! Publishing a lesson a trainer made in the chat (`/lesson`): who may, where it reaches (the author's
//! region, else everywhere), the lesson written in one transaction with its author, and one line to the
//! coordinators it reaches, queued in the same transaction.

use crate::app::App;
use crate::db::{lesson_authoring as store, to_epoch};
use crate::domain::lesson::LessonAudience;
use crate::domain::lesson_compose::Draft;
use crate::domain::person::{Person, Role};
use crate::i18n::Lang;
use crate::services::notify::{self, Note, payload};
use crate::tr;

/// What publishing did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Published {
    /// Stored and active: learners of its audience get it in 📖 学一课.
    Done { lesson_id: i64, key: String },
    /// The person may not make lessons (no longer a trainer, coordinator or admin).
    NotAllowed,
    /// A part is missing (the dialog does not let this happen; storage is not touched).
    Incomplete,
}

/// Trainers, coordinators and admins make lessons. Roles are read from storage, not from the update.
pub async fn may_compose(app: &App, person: &Person) -> anyhow::Result<bool> {
    let facts = crate::services::access::actor(app, person).await?;
    Ok([Role::Trainer, Role::Coordinator, Role::Admin].into_iter().any(|role| facts.actor().has(role)))
}

/// The region a lesson by `person` is for: the region of their trainer or coordinator grant, else their
/// village; `None` (everywhere) when they have neither.
async fn region_of(app: &App, person: &Person) -> anyhow::Result<Option<String>> {
    let facts = crate::services::access::actor(app, person).await?;
    let granted = facts
        .grants
        .iter()
        .filter(|g| matches!(g.role, Role::Trainer | Role::Coordinator) && !g.region_key.is_empty())
        .map(|g| g.region_key.clone())
        .next();
    Ok(granted.or_else(|| person.village_key.clone()))
}

/// The audience as a coordinator's line words it.
pub fn audience_label(lang: Lang, audience: LessonAudience) -> String {
    match audience {
        LessonAudience::Villager => tr!(lang, "compose-audience-villager"),
        LessonAudience::Cadre => tr!(lang, "compose-audience-cadre"),
        LessonAudience::Both => tr!(lang, "compose-audience-both"),
    }
}

/// Publishes `draft` as `person`'s lesson: all or nothing.
pub async fn publish(app: &App, person: &Person, draft: &Draft) -> anyhow::Result<Published> {
    if !may_compose(app, person).await? {
        return Ok(Published::NotAllowed);
    }
    let region = region_of(app, person).await?;
    let chain = match &region {
        Some(r) => crate::services::access::chain(app, r).await?,
        None => Vec::new(),
    };
    let now = app.now();
    let mut tx = app.db.begin_write().await?;
    // A key of its own: the author and the second it was published (then a number, should they publish
    // twice in one second).
    let base = format!("chat-{}-{}", person.user_id, to_epoch(now));
    let mut key = base.clone();
    let mut n = 1;
    while store::key_taken(&mut tx, &key).await? {
        n += 1;
        key = format!("{base}-{n}");
    }
    let Some(lesson) = draft.to_lesson(&key, region) else {
        tx.rollback().await?;
        return Ok(Published::Incomplete);
    };
    let lesson_id = store::insert_chat_lesson(&mut tx, &lesson, person.user_id, now).await?;
    let author = person.name.as_str().to_owned();
    for coordinator in store::line_coordinators_for(&mut tx, &chain).await? {
        if coordinator == person.user_id {
            continue;
        }
        let (author, title, audience) = (author.clone(), lesson.title.clone(), lesson.audience);
        let note = Note::notice("coordinator", now, move |lang| {
            payload(
                tr!(
                    lang,
                    "compose-line-published",
                    name = author.as_str(),
                    title = title.as_str(),
                    audience = audience_label(lang, audience)
                ),
                vec![],
            )
        })
        .dedupe(format!("lesson-published:{lesson_id}:{coordinator}"));
        notify::queue(&mut tx, app, coordinator, &note).await?;
    }
    tx.commit().await?;
    app.wake_outbox();
    tracing::info!(lesson_id, key, author = person.user_id, "lesson published from the chat");
    Ok(Published::Done { lesson_id, key })
}
