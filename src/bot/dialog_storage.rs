//! teloxide's dialogue `Storage` over the app's own pool and migrations (`db::dialogs`).

use std::sync::Arc;

use futures::future::BoxFuture;
use teloxide::dispatching::dialogue::Storage;
use teloxide::types::ChatId;

use crate::clock::SharedClock;
use crate::db::dialogs::{self, DialogStorageError};
use crate::db::{Db, to_epoch};
use crate::domain::dialog::State;

pub struct DialogStorage {
    db: Db,
    clock: SharedClock,
}

impl DialogStorage {
    pub fn new(db: Db, clock: SharedClock) -> Arc<Self> {
        Arc::new(Self { db, clock })
    }
}

impl Storage<State> for DialogStorage {
    type Error = DialogStorageError;

    fn remove_dialogue(self: Arc<Self>, chat_id: ChatId) -> BoxFuture<'static, Result<(), Self::Error>> {
        self.update_dialogue(chat_id, State::Idle)
    }

    fn update_dialogue(
        self: Arc<Self>,
        chat_id: ChatId,
        dialogue: State,
    ) -> BoxFuture<'static, Result<(), Self::Error>> {
        // Inside the inbox's handling of an update, the step is committed together with the update's
        // "handled" mark when the handler has finished (see `crate::inbox`).
        let staged = crate::inbox::stage_dialog(chat_id.0, &dialogue);
        Box::pin(async move {
            if staged {
                return Ok(());
            }
            dialogs::save(&self.db, chat_id.0, &dialogue, to_epoch(self.clock.now())).await
        })
    }

    fn get_dialogue(self: Arc<Self>, chat_id: ChatId) -> BoxFuture<'static, Result<Option<State>, Self::Error>> {
        let staged = crate::inbox::staged_dialog(chat_id.0);
        Box::pin(async move {
            match staged {
                Some(state) => Ok(Some(state)),
                None => dialogs::load(&self.db, chat_id.0).await,
            }
        })
    }
}
