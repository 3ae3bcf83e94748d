//! Follows broadcasts as the outbox delivers them: edits the sender's progress message in place (at
//! most about once a second per broadcast) and, when the last row is settled, sends the delivery
//! report once (a database claim makes it once across replicas) through the outbox.

use std::collections::HashMap;
use std::time::Duration;

use teloxide::prelude::*;
use teloxide::types::MessageId;
use tokio::sync::{broadcast, watch};
use tokio::time::Instant;

use crate::app::App;
use crate::bot::handlers::broadcast::{progress_text, report_text};
use crate::db;
use crate::domain::callback::Cb;
use crate::outbox::OutboxEvent;
use crate::services::broadcasts;
use crate::services::notify::{self, Note, payload};
use crate::tr;

const MIN_EDIT_INTERVAL: Duration = Duration::from_secs(1);

/// Held while a progress line is read and edited, by the follower and by the handler that posts the
/// line: edits then land in the order their counts were read, so a stale count never overwrites a
/// newer one.
static EDITING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

pub async fn run(
    app: App,
    bot: Bot,
    mut events: broadcast::Receiver<OutboxEvent>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut last_edit: HashMap<i64, Instant> = HashMap::new();
    loop {
        let event = tokio::select! {
            e = events.recv() => e,
            _ = shutdown.changed() => break,
        };
        let event = match event {
            Ok(e) => e,
            Err(broadcast::error::RecvError::Lagged(_)) => continue,
            Err(broadcast::error::RecvError::Closed) => break,
        };
        let Some(id) =
            event.group_key.as_deref().and_then(|g| g.strip_prefix("broadcast:")).and_then(|s| s.parse().ok())
        else {
            continue;
        };
        if let Err(e) = follow(&app, &bot, id, &mut last_edit).await {
            tracing::warn!(broadcast = id, error = ?e, "broadcast progress not updated");
        }
    }
}

/// Called by the handler once the progress line is posted (`message` is `None` if posting it
/// failed): the outbox may have delivered some or all before the line's id was stored, so the line
/// is brought up to date now and, if everything is settled, the report goes.
pub async fn line_posted(app: &App, bot: &Bot, id: i64, message: Option<MessageId>) {
    let result = async {
        // 0 marks "no line": the report must not wait for one.
        db::broadcasts::set_progress_message(&app.db, id, message.map_or(0, |m| m.0)).await?;
        follow(app, bot, id, &mut HashMap::new()).await
    };
    if let Err(e) = result.await {
        tracing::warn!(broadcast = id, error = ?e, "progress line not brought up to date");
    }
}

async fn follow(app: &App, bot: &Bot, id: i64, last_edit: &mut HashMap<i64, Instant>) -> anyhow::Result<()> {
    let _editing = EDITING.lock().await;
    let Some(d) = broadcasts::delivery(app, id).await? else { return Ok(()) };
    let Some(line) = d.broadcast.progress_message else {
        // The sender's progress line is not posted yet: `line_posted` follows up, so the report
        // never arrives before the line shows the final count.
        return Ok(());
    };
    let finished = d.finished();
    if !finished && last_edit.get(&id).is_some_and(|t| t.elapsed() < MIN_EDIT_INTERVAL) {
        return Ok(());
    }
    last_edit.insert(id, Instant::now());
    let lang = db::people::find(&app.db, d.broadcast.sender_id).await?.map(|p| p.lang).unwrap_or_default();
    let chat = ChatId(d.broadcast.sender_chat);
    if line != 0
        && let Err(e) = bot.edit_message_text(chat, MessageId(line), progress_text(lang, &d)).await
    {
        tracing::debug!(broadcast = id, error = %e, "progress message not edited");
    }
    if finished && !d.broadcast.reported {
        // The report is not a reply: it goes through the outbox, queued in the transaction that
        // claims it, so a 429, a crash or a second replica can neither lose nor double it.
        let text = report_text(app, lang, &d).await?;
        let button = (tr!(lang, "btn-refresh-report"), Cb::BcReport(id).encode());
        let note =
            Note::notice("broadcast-report", app.now(), move |_| payload(text.clone(), vec![vec![button.clone()]]))
                .dedupe(format!("broadcast-report:{id}"))
                .personal();
        let mut tx = app.db.begin_write().await?;
        if db::broadcasts::claim_report(&mut tx, id, app.now()).await? {
            notify::queue(&mut tx, app, d.broadcast.sender_id, &note).await?;
        }
        tx.commit().await?;
        last_edit.remove(&id);
        app.wake_outbox();
    }
    Ok(())
}
