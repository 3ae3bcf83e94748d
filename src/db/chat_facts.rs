//! What handling an update needs to know about its chat before anything else: who is writing (with
//! their roles), the dialog step and the buttons on screen. Read in one statement, because it is read
//! for every update: three or four separate queries were a quarter of a simple step's statements.

use sqlx::Row;

use super::Db;
use super::keyboards::ScreenKeyboard;
use crate::domain::dialog::State;
use crate::domain::person::Person;

/// The chat's facts as stored when the update arrives.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChatFacts {
    pub person: Option<Person>,
    /// The person's messages were refused (they blocked the bot); writing again undoes it.
    pub unreachable: bool,
    /// `None`: no dialog stored (idle), or one an older version wrote that no longer decodes.
    pub dialog: Option<State>,
    /// A dialog is stored that no longer decodes: the next step must overwrite or remove it.
    pub dialog_unreadable: bool,
    pub keyboard: Option<ScreenKeyboard>,
    /// The catalogue's version as storage has it now (see [`Db::observe_catalog_version`]): the update
    /// learns whether its in-memory catalogue is current without another query.
    pub catalog_version: Option<i64>,
}

/// The select-list item that reads the catalogue's version.
pub(super) const CATALOG_VERSION: &str = "(SELECT cv.version FROM catalog_version cv) AS catalog_version";

/// The person `user_id`, the dialog and the keyboard of `chat_id`, in one statement.
pub async fn load(db: &Db, user_id: i64, chat_id: i64) -> sqlx::Result<ChatFacts> {
    let row = sqlx::query(&format!(
        "SELECT d.state AS dialog_state, k.message_id AS keyboard_message_id, k.buttons AS keyboard_buttons,
                p.unreachable_at, {roles} AS roles_json, {person}, {CATALOG_VERSION}
         FROM (SELECT 1 AS one) o
         LEFT JOIN dialogs d ON d.chat_id = $1
         LEFT JOIN chat_keyboards k ON k.chat_id = $1
         LEFT JOIN people p ON p.user_id = $2",
        roles = db.backend.roles_json("p.user_id"),
        person = super::people::person_columns_of("p"),
    ))
    .bind(chat_id)
    .bind(user_id)
    .fetch_one(&db.pool)
    .await?;
    from_row(&row, chat_id)
}

/// Reads the columns [`load`] selects (also selected by the inbox's claim, see
/// [`super::inbox::claim_with_facts`]).
pub(super) fn from_row(row: &sqlx::any::AnyRow, chat_id: i64) -> sqlx::Result<ChatFacts> {
    let person = match row.try_get::<Option<i64>, _>("user_id")? {
        Some(_) => {
            let mut person = super::people::person_from_row(row)?;
            let roles: Option<String> = row.try_get("roles_json")?;
            // A record that does not decode grants nothing rather than locking the person out.
            let pairs: Vec<(String, Option<String>)> =
                roles.as_deref().and_then(|json| serde_json::from_str(json).ok()).unwrap_or_default();
            person.roles = super::people::roles_from_pairs(pairs);
            Some(person)
        }
        None => None,
    };
    let unreachable = row.try_get::<Option<i64>, _>("unreachable_at")?.is_some();
    let mut dialog_unreadable = false;
    let dialog = match row.try_get::<Option<String>, _>("dialog_state")? {
        // A state written by an older version that no longer decodes starts the person afresh
        // instead of locking them out of the bot.
        Some(json) => match serde_json::from_str(&json) {
            Ok(state) => Some(state),
            Err(e) => {
                tracing::warn!(chat_id, error = %e, "dropping undecodable dialog state");
                dialog_unreadable = true;
                None
            }
        },
        None => None,
    };
    let keyboard = match row.try_get::<Option<String>, _>("keyboard_buttons")? {
        Some(buttons) => Some(ScreenKeyboard {
            message_id: row.try_get::<Option<i64>, _>("keyboard_message_id")?.and_then(|id| i32::try_from(id).ok()),
            // A record that no longer decodes is as good as none: typed text is then only text.
            buttons: serde_json::from_str(&buttons).unwrap_or_default(),
        }),
        None => None,
    };
    let catalog_version = row.try_get::<Option<i64>, _>("catalog_version")?;
    Ok(ChatFacts { person, unreachable, dialog, dialog_unreadable, keyboard, catalog_version })
}
