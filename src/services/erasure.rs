//! Erasing a person at their request (`/deleteme`, or withdrawing consent), and consent versions.
//!
//! One transaction: their live orders cancelled with the seats offered to the waitlist, then
//! everything identifying erased or moved to an unlinkable tombstone (see `db::erasure`). After the
//! commit the SQLite log is checkpointed so the erased bytes are gone from the files too.

use rand::Rng;

use crate::app::App;
use crate::db;
use crate::domain::erasure::CONSENT_VERSION;

/// What the person is told before confirming.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Preview {
    /// Orders that will be cancelled (waiting for approval, confirmed for a class not begun,
    /// waitlisted, offered).
    pub orders_to_cancel: usize,
    pub certificates: i64,
}

/// The person's live orders: (id, whether its class has begun, whether erasing cancels it). An order
/// whose class has begun (or has no session left) is history unless it only waits (approval,
/// waitlist, offer).
async fn live_orders(
    conn: &mut sqlx::AnyConnection,
    app: &App,
    user_id: i64,
) -> anyhow::Result<Vec<(i64, bool, bool)>> {
    let now = app.now();
    Ok(db::erasure::live_orders(conn, user_id)
        .await?
        .into_iter()
        .map(|(id, status, first_start)| {
            let begun = first_start.is_none_or(|start| start <= now);
            (id, begun, status != crate::domain::order::OrderStatus::Confirmed || !begun)
        })
        .collect())
}

pub async fn preview(app: &App, user_id: i64) -> anyhow::Result<Preview> {
    let mut conn = app.db.pool.acquire().await?;
    let orders = live_orders(&mut conn, app, user_id).await?;
    drop(conn);
    Ok(Preview {
        orders_to_cancel: orders.iter().filter(|(_, _, cancels)| *cancels).count(),
        certificates: db::erasure::certificate_count(&app.db, user_id).await?,
    })
}

/// What an erasure did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Erased {
    pub orders_cancelled: usize,
    pub scrubbed: db::erasure::Scrubbed,
    /// The SQLite log was emptied (false: a reader held it; the next checkpoint empties it).
    pub checkpointed: bool,
}

/// A random id no Telegram account or chat has: negative and far beyond Telegram's 52-bit ids.
fn tombstone_id() -> i64 {
    -rand::thread_rng().gen_range((1_i64 << 53)..(1_i64 << 62))
}

/// Erases the person. `None` when they are not registered (already erased, or never were).
pub async fn erase(app: &App, user_id: i64) -> anyhow::Result<Option<Erased>> {
    let Some(person) = db::people::find(&app.db, user_id).await? else { return Ok(None) };
    let now = app.now();
    let name = person.name.as_str().to_owned();
    let phone = person.phone.as_ref().map(|p| p.as_str().to_owned());
    let erasure = db::erasure::Erasure {
        user_id,
        chat_id: person.chat_id,
        name: &name,
        phone: phone.as_deref(),
        tombstone: tombstone_id(),
        blank: "***",
    };

    let mut tx = app.db.begin_write().await?;
    // Read on the transaction (nothing inside it may wait for a second pool connection), so an order
    // placed a moment before is cancelled too.
    let orders = live_orders(&mut tx, app, user_id).await?;
    let mut orders_cancelled = 0;
    for (order_id, begun, _) in orders {
        if crate::services::orders::cancel_for_erasure(&mut tx, app, order_id, begun).await? {
            orders_cancelled += 1;
        }
    }
    let scrubbed = db::erasure::erase_person(&mut tx, app.db.backend, &erasure, now).await?;
    // Off every referral list and offer: employers and coordinators no longer see them.
    db::jobs::erase_person(&mut tx, user_id).await?;
    // The audit names the erasure by its tombstone and village only: nothing in it leads back.
    let entry = db::audit::AuditEntry::new(
        now,
        db::audit::Actor::User(erasure.tombstone),
        db::audit::AuditAction::Erasure,
        format!("person:{}", erasure.tombstone),
    )
    .region(person.village_key.clone().unwrap_or_default())
    .detail(format!(
        "orders cancelled {orders_cancelled}, messages withdrawn {}, certificates revoked {}",
        scrubbed.withdrawn, scrubbed.certificates_revoked
    ));
    db::audit::record(&mut tx, &entry).await?;
    tx.commit().await?;
    app.wake_outbox();
    app.wake_scheduler();
    let checkpointed = db::erasure::checkpoint(&app.db).await?;
    tracing::info!(
        orders_cancelled,
        withdrawn = scrubbed.withdrawn,
        others_deleted = scrubbed.others_deleted,
        others_blanked = scrubbed.others_blanked,
        certificates_revoked = scrubbed.certificates_revoked,
        checkpointed,
        "a person's data was erased at their request"
    );
    Ok(Some(Erased { orders_cancelled, scrubbed, checkpointed }))
}

/// Records agreement to the current consent text.
pub async fn agree_to_current_consent(app: &App, user_id: i64) -> anyhow::Result<()> {
    db::erasure::record_consent(&app.db, user_id, CONSENT_VERSION, app.now()).await?;
    Ok(())
}

/// "Revoked at the holder's request" for a certificate code (already normalised) whose holder had
/// their data erased; `None` for any other code.
pub async fn revoked_line(app: &App, code: &str, lang: crate::i18n::Lang) -> anyhow::Result<Option<String>> {
    let Some(at) = db::erasure::certificate_revoked_at(&app.db, code).await? else { return Ok(None) };
    let date = at.with_timezone(&app.config.default_timezone).format("%Y-%m-%d").to_string();
    Ok(Some(crate::tr!(lang, "verify-revoked", code = code, date = date)))
}
