//! Trainer and coordinator broadcasts: who may address whom, one durable outbox row per recipient
//! (timed by the gate: normal notices avoid nights and busy-season working hours, urgent ones only
//! nights), progress, the delivery report, and "收到" acknowledgements.

use crate::app::App;
use crate::db::broadcasts::{self as store, Broadcast, NewBroadcast, Recipient, Unreached};
use crate::db::outbox::GroupProgress;
use crate::db::{self};
use crate::domain::broadcast::{Draft, Target};
use crate::domain::catalog::{Class, Course};
use crate::domain::gate::MessageKind;
use crate::domain::order::OrderStatus;
use crate::domain::person::{Audience, Person, Role};
use crate::domain::region::Region;
use crate::i18n::Lang;
use crate::services::notify::{self, Note, payload};
use crate::tr;

/// Callback data of the acknowledgement button under a broadcast.
pub fn ack_data(broadcast_id: i64) -> String {
    crate::domain::callback::Cb::Ack(broadcast_id).encode()
}

/// A target a sender may choose, with what its button shows.
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)] // a handful per sender, built for one menu: boxing would buy nothing
pub enum Choice {
    Class { class: Class, course: Course },
    Region(Region),
}

impl Choice {
    pub fn target(&self) -> Target {
        match self {
            Choice::Class { class, .. } => Target::Class(class.key.clone()),
            Choice::Region(r) => Target::Region(r.key.clone()),
        }
    }
}

/// What `person` may address: a trainer, the open classes of their courses; a coordinator, their
/// regions, the townships in them, and the classes held there. `ask_audience` is true for
/// coordinators (they may narrow to villagers or cadres).
pub async fn choices(app: &App, person: &Person) -> anyhow::Result<(Vec<Choice>, bool)> {
    let mut out = Vec::new();
    let coordinator_scopes: Vec<String> =
        person.roles.iter().filter(|g| g.role == Role::Coordinator).map(|g| g.region_key.clone()).collect();
    if !coordinator_scopes.is_empty() {
        let regions = db::catalog::all_regions(&app.db).await?;
        for scope in &coordinator_scopes {
            if let Some(r) = regions.iter().find(|r| &r.key == scope) {
                out.push(Choice::Region(r.clone()));
            }
            for r in regions.iter().filter(|r| r.parent_key.as_deref() == Some(scope.as_str())) {
                out.push(Choice::Region(r.clone()));
            }
        }
        for (class, course) in live_classes(app).await? {
            if crate::services::access::may_see_region(app, person, &class.region_key).await? {
                out.push(Choice::Class { class, course });
            }
        }
        return Ok((out, true));
    }
    if person.has_role(Role::Trainer)
        && let Some(trainer_key) = db::people::trainer_key(&app.db, person.user_id).await?
    {
        for (class, course) in live_classes(app).await? {
            if course.trainer_key == trainer_key {
                out.push(Choice::Class { class, course });
            }
        }
    }
    Ok((out, false))
}

/// Classes with at least one booked person whose last session has not long passed.
async fn live_classes(app: &App) -> anyhow::Result<Vec<(Class, Course)>> {
    let mut out = Vec::new();
    let courses = [crate::domain::person::Audience::Villager, crate::domain::person::Audience::Cadre];
    for audience in courses {
        // Courses with an open class that began within the last 400 days.
        for course in
            db::catalog::offered_courses(&app.db, audience, app.now() - chrono::Duration::days(400), None).await?
        {
            for class in db::catalog::classes_of_course(&app.db, &course.key).await? {
                let booked = db::orders::of_class(&app.db, &class.key, OrderStatus::Confirmed).await?;
                let last_end =
                    db::catalog::sessions_of_class(&app.db, &class.key).await?.iter().map(|s| s.ends_at).max();
                let current = last_end.is_some_and(|t| t > app.now() - chrono::Duration::days(30));
                if !booked.is_empty() && current {
                    out.push((class, course.clone()));
                }
            }
        }
    }
    Ok(out)
}

/// Whether `person` may address `target` (checked at every step and again before sending): one
/// of the choices offered, and within their scope ([`crate::domain::scope::may`]): a region for its
/// coordinators, a class for its trainer and the coordinators of its region. A coordinator may also
/// address a village or class deeper in their region than the choices list.
pub async fn allowed(app: &App, person: &Person, target: &Target) -> anyhow::Result<bool> {
    match target {
        Target::Region(key) => crate::services::access::may_see_region(app, person, key).await,
        Target::Class(key) => {
            // A class is addressed while it is live (people booked, not long over).
            Ok(crate::services::access::may_address_class(app, person, key).await? && live_class(app, key).await?)
        }
    }
}

/// Whether the class is one a broadcast may still go to (see [`live_classes`]).
async fn live_class(app: &App, class_key: &str) -> anyhow::Result<bool> {
    Ok(live_classes(app).await?.iter().any(|(class, _)| class.key == class_key))
}

/// The people a draft reaches: the target, narrowed to an audience, never the sender themselves.
async fn recipients_of(
    app: &App,
    sender: &Person,
    target: &Target,
    audience: Option<Audience>,
) -> anyhow::Result<Vec<(i64, i64)>> {
    let mut people = store::recipients(&app.db, target, audience).await?;
    people.retain(|(user_id, _)| *user_id != sender.user_id);
    Ok(people)
}

pub async fn recipient_count(
    app: &App,
    sender: &Person,
    target: &Target,
    audience: Option<Audience>,
) -> anyhow::Result<usize> {
    Ok(recipients_of(app, sender, target, audience).await?.len())
}

/// The header of a broadcast in each language: who sends it, in what role, and the class (course and
/// place) or region it is about, so nobody gets a bare text from the bot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header(Vec<(Lang, String)>);

impl Header {
    pub fn text(&self, lang: Lang) -> &str {
        self.0.iter().find(|(l, _)| *l == lang).or(self.0.first()).map(|(_, t)| t.as_str()).unwrap_or_default()
    }
}

/// The header of `sender`'s broadcast to `target`. A coordinator writes as the training office (their
/// targets are the office's), anyone else as the class's trainer.
pub async fn header(app: &App, sender: &Person, target: &Target) -> anyhow::Result<Header> {
    let class = match target {
        Target::Class(key) => match db::catalog::class(&app.db, key).await? {
            Some(class) => {
                let course = db::catalog::course(&app.db, &class.course_key).await?;
                Some((class, course))
            }
            None => None,
        },
        Target::Region(_) => None,
    };
    let region = match target {
        Target::Region(key) => db::regions::get(&app.db, key).await?,
        Target::Class(_) => None,
    };
    let texts = Lang::ALL
        .into_iter()
        .map(|lang| {
            let role = if sender.has_role(Role::Coordinator) {
                tr!(lang, "broadcast-role-coordinator")
            } else {
                tr!(lang, "broadcast-role-trainer")
            };
            let about = match (&class, &region, target) {
                (Some((class, course)), _, _) => tr!(
                    lang,
                    "broadcast-about-class",
                    course = course.as_ref().map(|c| c.display_title(lang)).unwrap_or(class.key.as_str()),
                    place = class.place_in(lang)
                ),
                (_, Some(region), _) => tr!(lang, "broadcast-about-region", region = region.display_name(lang)),
                (_, _, Target::Class(key) | Target::Region(key)) => key.clone(),
            };
            let text = tr!(lang, "broadcast-header", sender = sender.name.as_str(), role = role, about = about);
            (lang, text)
        })
        .collect();
    Ok(Header(texts))
}

/// The message each recipient gets, in their language: the header, the text (a photo's caption) and
/// "收到".
pub fn recipient_payload(
    lang: Lang,
    header: &Header,
    text: &str,
    photo_id: Option<&str>,
    broadcast_id: i64,
) -> crate::db::outbox::Payload {
    let text = crate::domain::broadcast::compose(header.text(lang), text);
    let mut p = payload(text, vec![vec![(tr!(lang, "btn-ack"), ack_data(broadcast_id))]]);
    p.photo_id = photo_id.map(str::to_owned);
    p
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    Queued { id: i64, recipients: usize },
    NoRecipients,
    NotAllowed,
}

/// Queues the broadcast: one outbox row per recipient, all in one transaction.
pub async fn send(app: &App, person: &Person, sender_chat: i64, draft: &Draft) -> anyhow::Result<SendOutcome> {
    if !allowed(app, person, &draft.target).await? {
        tracing::warn!(user = person.user_id, target = ?draft.target, "broadcast to a target not theirs refused");
        return Ok(SendOutcome::NotAllowed);
    }
    let recipients = recipients_of(app, person, &draft.target, draft.audience).await?;
    if recipients.is_empty() {
        return Ok(SendOutcome::NoRecipients);
    }
    let now = app.now();
    let header = header(app, person, &draft.target).await?;
    let mut tx = app.db.begin_write().await?;
    let id = store::insert(
        &mut tx,
        &NewBroadcast {
            sender_id: person.user_id,
            sender_chat,
            target: &draft.target,
            text: &draft.text,
            photo_id: draft.photo_id.as_deref(),
            urgent: draft.urgent,
            recipients: recipients.len() as i64,
            now,
        },
    )
    .await?;
    for (user_id, _) in &recipients {
        let (header, text, photo) = (header.clone(), draft.text.clone(), draft.photo_id.clone());
        let note = Note {
            kind: MessageKind::Broadcast { urgent: draft.urgent },
            label: "broadcast",
            render: Box::new(move |lang| recipient_payload(lang, &header, &text, photo.as_deref(), id)),
            dedupe_key: Some(format!("broadcast:{id}:{user_id}")),
            planned_at: now,
            deadline_at: None,
            personal: false,
            group: Some(format!("broadcast:{id}")),
        };
        notify::queue(&mut tx, app, *user_id, &note).await?;
    }
    tx.commit().await?;
    app.wake_outbox();
    Ok(SendOutcome::Queued { id, recipients: recipients.len() })
}

/// Where a broadcast stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub broadcast: Broadcast,
    pub progress: GroupProgress,
    pub acks: i64,
    pub unreached: Vec<Unreached>,
    /// Reached, and not (yet) pressed "收到": whom to phone when it matters.
    pub unacked: Vec<Recipient>,
}

impl Delivery {
    pub fn finished(&self) -> bool {
        self.progress.pending == 0 && self.progress.sending == 0
    }
}

pub async fn delivery(app: &App, id: i64) -> anyhow::Result<Option<Delivery>> {
    let Some(broadcast) = store::get(&app.db, id).await? else { return Ok(None) };
    let progress = db::outbox::group_progress(&app.db, &format!("broadcast:{id}")).await?;
    let acks = store::ack_count(&app.db, id).await?;
    let unreached = store::unreached(&app.db, id).await?;
    let unacked = store::unacknowledged(&app.db, id).await?;
    Ok(Some(Delivery { broadcast, progress, acks, unreached, unacked }))
}

/// "收到" from a recipient. False when it is not theirs to acknowledge (forged or stale).
pub async fn ack(app: &App, person: &Person, id: i64) -> anyhow::Result<Option<bool>> {
    if !store::was_sent_to(&app.db, id, person.chat_id).await? {
        tracing::warn!(user = person.user_id, broadcast = id, "acknowledgement of a broadcast not sent to them");
        return Ok(None);
    }
    Ok(Some(store::ack(&app.db, id, person.user_id, app.now()).await?))
}

/// Whether `person` sent broadcast `id` (only the sender sees its report).
pub async fn is_sender(app: &App, person: &Person, id: i64) -> anyhow::Result<bool> {
    Ok(store::get(&app.db, id).await?.is_some_and(|b| crate::services::access::owns(person, b.sender_id)))
}
