//! What handling an update needs to know about its chat before anything else: who is writing (with
//! their roles), the dialog step and the buttons on screen. Read in one statement, because it is read
//! for every update: three or four separate queries were a quarter of a simple step's statements.

use sqlx::FromRow;
use sqlx::any::AnyRow;

use super::Db;
use super::keyboards::ScreenKeyboard;
use super::people::{PersonRow, roles_from_json};
use super::row::optional;
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
    read(&row, chat_id)
}

/// The columns [`load`] selects besides the person's, as stored.
#[derive(sqlx::FromRow)]
struct StoredFacts {
    dialog_state: Option<String>,
    keyboard_message_id: Option<i64>,
    keyboard_buttons: Option<String>,
    unreachable_at: Option<i64>,
    roles_json: Option<String>,
    catalog_version: Option<i64>,
}

/// Reads the columns [`load`] selects (also selected by the inbox's claim, see
/// [`super::inbox::claim_with_facts`]); the person's are NULL when nobody is registered.
pub(super) fn read(row: &AnyRow, chat_id: i64) -> sqlx::Result<ChatFacts> {
    let stored = StoredFacts::from_row(row)?;
    let person = optional::<PersonRow>(row, "user_id")?
        .map(|person| person.with_roles(roles_from_json(stored.roles_json.as_deref())));
    let mut dialog_unreadable = false;
    let dialog = match stored.dialog_state {
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
    let keyboard = stored.keyboard_buttons.map(|buttons| ScreenKeyboard {
        message_id: stored.keyboard_message_id.and_then(|id| i32::try_from(id).ok()),
        // A record that no longer decodes is as good as none: typed text is then only text.
        buttons: serde_json::from_str(&buttons).unwrap_or_default(),
    });
    Ok(ChatFacts {
        person,
        unreachable: stored.unreachable_at.is_some(),
        dialog,
        dialog_unreadable,
        keyboard,
        catalog_version: stored.catalog_version,
    })
}
