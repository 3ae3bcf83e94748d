//! Everything the bot sends that is not a direct reply goes through here: rendered in the
//! recipient's language, timed by the one send-window gate, and written to the durable outbox in the
//! caller's transaction (so a message exists exactly when the change it reports does).

use chrono::{DateTime, Utc};

use crate::app::App;
use crate::db::outbox::{NewMessage, Payload, PayloadButton};
use crate::db::people::Addressee;
use crate::db::{self, Tx};
use crate::domain::calendar::RegionCalendar;
use crate::domain::gate::{Decision, MessageKind, SendRule, gate};
use crate::i18n::Lang;

/// One message for one person, before the gate has timed it.
pub struct Note {
    pub kind: MessageKind,
    /// Stored with the row: "notice", "coordinator", "reminder", …
    pub label: &'static str,
    /// Renders the text and buttons in the recipient's language.
    pub render: Box<dyn Fn(Lang) -> Payload + Send + Sync>,
    /// The same key is never queued twice.
    pub dedupe_key: Option<String>,
    pub planned_at: DateTime<Utc>,
    /// Not worth sending after this.
    pub deadline_at: Option<DateTime<Utc>>,
    /// About something the person asked for themselves (a seat offer, their order's outcome): goes
    /// through a pause, like the reminders of their own sessions. Quiet hours still apply.
    pub personal: bool,
    /// Rows of one broadcast share a group, so its progress can be followed.
    pub group: Option<String>,
}

impl Note {
    pub fn notice(
        label: &'static str,
        planned_at: DateTime<Utc>,
        render: impl Fn(Lang) -> Payload + Send + Sync + 'static,
    ) -> Note {
        Note {
            kind: MessageKind::Notice,
            label,
            render: Box::new(render),
            dedupe_key: None,
            planned_at,
            deadline_at: None,
            personal: false,
            group: None,
        }
    }

    /// How the gate times it, now and again when it goes out.
    pub fn rule(&self) -> SendRule {
        SendRule { kind: self.kind, personal: self.personal }
    }

    /// See [`Note::personal`](Note#structfield.personal).
    pub fn personal(mut self) -> Note {
        self.personal = true;
        self
    }

    pub fn dedupe(mut self, key: impl Into<String>) -> Note {
        self.dedupe_key = Some(key.into());
        self
    }
}

/// Text with inline buttons (label, callback data) in rows.
pub fn payload(text: String, rows: Vec<Vec<(String, String)>>) -> Payload {
    Payload {
        buttons: rows
            .into_iter()
            .map(|row| row.into_iter().map(|(text, callback_data)| PayloadButton { text, callback_data }).collect())
            .collect(),
        ..Payload::text(text)
    }
}

/// The calendar that times messages to a person: their village's, else the default time zone with no
/// busy seasons (quiet hours still apply).
pub async fn calendar_for(tx: &mut Tx, app: &App, village_key: Option<&str>) -> sqlx::Result<RegionCalendar> {
    if let Some(village) = village_key
        && let Some(calendar) = app.db.catalog_in_tx(tx).await?.calendar(village)
    {
        return Ok(calendar);
    }
    Ok(RegionCalendar::new(app.config.default_timezone, "", &[], false))
}

/// Where and when a note will go, decided by the gate; see [`plan`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub chat_id: i64,
    pub lang: Lang,
    pub due_at: DateTime<Utc>,
}

/// Decides when `note` may reach `user_id`: `None` when it will not (the person is unknown or
/// unreachable, or the gate found no allowed time).
pub async fn plan(tx: &mut Tx, app: &App, user_id: i64, note: &Note) -> sqlx::Result<Option<Planned>> {
    let Some(to) = db::people::addressee(tx, user_id).await? else { return Ok(None) };
    let calendar = calendar_for(tx, app, to.village_key.as_deref()).await?;
    Ok(plan_for(app, &to, &calendar, note))
}

/// [`plan`] for an addressee and calendar already read (several notes to one person).
pub fn plan_for(app: &App, to: &Addressee, calendar: &RegionCalendar, note: &Note) -> Option<Planned> {
    if to.unreachable {
        return None;
    }
    let recipient = note.rule().recipient(to.paused_until);
    match gate(calendar, &recipient, &note.kind, note.planned_at, app.now()) {
        Decision::SendAt(due_at) => Some(Planned { chat_id: to.chat_id, lang: to.lang, due_at }),
        Decision::Drop(reason) => {
            tracing::info!(user_id = to.user_id, label = note.label, ?reason, "gate dropped a message");
            None
        }
    }
}

/// The outbox row of a planned note, rendered in the recipient's language.
pub fn message(note: &Note, planned: &Planned) -> NewMessage {
    NewMessage {
        chat_id: planned.chat_id,
        kind: note.label.to_owned(),
        payload: (note.render)(planned.lang),
        dedupe_key: note.dedupe_key.clone(),
        planned_at: note.planned_at,
        due_at: planned.due_at,
        deadline_at: note.deadline_at,
        group_key: note.group.clone(),
        rule: note.rule(),
    }
}

/// Writes a planned note to the outbox; `false` when its dedupe key was queued already.
pub async fn write(tx: &mut Tx, note: &Note, planned: &Planned) -> sqlx::Result<bool> {
    Ok(db::outbox::enqueue(tx, &message(note, planned)).await?.is_some())
}

/// Queues `note` for `user_id` inside `tx`. Returns when it will go, or `None` when it will not (see
/// [`plan`]; or it was queued already). Call [`App::wake_outbox`] after the commit.
pub async fn queue(tx: &mut Tx, app: &App, user_id: i64, note: &Note) -> sqlx::Result<Option<DateTime<Utc>>> {
    let Some(planned) = plan(tx, app, user_id, note).await? else { return Ok(None) };
    Ok(write(tx, note, &planned).await?.then_some(planned.due_at))
}
