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
        // Inside the inbox's handling of an update, the step and the update's "step done" mark commit
        // together: after a crash the step is neither lost nor done twice.
        let update = crate::inbox::current_update();
        Box::pin(async move {
            let now = to_epoch(self.clock.now());
            match update {
                Some(id) => dialogs::save_and_mark(&self.db, chat_id.0, &dialogue, now, id).await,
                None => dialogs::save(&self.db, chat_id.0, &dialogue, now).await,
            }
        })
    }

    fn get_dialogue(self: Arc<Self>, chat_id: ChatId) -> BoxFuture<'static, Result<Option<State>, Self::Error>> {
        Box::pin(async move { dialogs::load(&self.db, chat_id.0).await })
    }
}
