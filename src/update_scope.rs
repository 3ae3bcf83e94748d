//! Which Telegram update the running code is handling, when it handles one (see `crate::inbox`): a use
//! case redone after a crash can tell its own earlier effect from someone else's.

use std::future::Future;

tokio::task_local! {
    static UPDATE_ID: i64;
}

/// The id of the update being handled by this task, if any.
pub fn current() -> Option<i64> {
    UPDATE_ID.try_with(|id| *id).ok()
}

/// Runs `work` as the handling of update `id`; the catalogue version is looked up once in it (see
/// `crate::db::snapshot`).
pub async fn scope<F: Future>(id: i64, work: F) -> F::Output {
    UPDATE_ID.scope(id, crate::db::snapshot::observing(work)).await
}
