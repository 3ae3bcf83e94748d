//! `/parked` (admins): the updates the inbox gave up on after repeated failures, with their errors, and
//! `/parked retry [ID]` to put them back (see `crate::inbox`).

use crate::bot::context::Ctx;
use crate::db;
use crate::domain::person::{Person, Role};
use crate::tr;

/// At most this many are listed; the count says how many there are.
const LISTED: i64 = 20;

pub async fn handle(ctx: &Ctx, person: &Person, args: &str) -> anyhow::Result<()> {
    let lang = person.lang;
    if !crate::services::access::holds(&ctx.app, person, Role::Admin).await? {
        return crate::bot::access::refuse(ctx, "/parked from a non-admin").await;
    }
    let mut words = args.split_whitespace();
    match (words.next(), words.next()) {
        (None, _) => list(ctx, person).await,
        (Some("retry"), None) => {
            let n = db::inbox::retry_parked(&ctx.app.db, None).await?;
            tracing::warn!(admin = person.user_id, updates = n, "parked updates put back for another try");
            audit(ctx, person, format!("parked retry all: {n}")).await?;
            ctx.say(tr!(lang, "parked-retried", count = n)).await
        }
        (Some("retry"), Some(id)) => match id.trim_start_matches('#').parse::<i64>() {
            Ok(id) => match db::inbox::retry_parked(&ctx.app.db, Some(id)).await? {
                0 => ctx.say(tr!(lang, "parked-retry-unknown", id = id)).await,
                n => {
                    tracing::warn!(admin = person.user_id, update = id, "a parked update put back for another try");
                    audit(ctx, person, format!("parked retry #{id}")).await?;
                    ctx.say(tr!(lang, "parked-retried", count = n)).await
                }
            },
            Err(_) => ctx.say(tr!(lang, "parked-usage")).await,
        },
        _ => ctx.say(tr!(lang, "parked-usage")).await,
    }
}

/// An admin command that changed something, for the audit log.
async fn audit(ctx: &Ctx, person: &Person, detail: String) -> anyhow::Result<()> {
    let entry = db::audit::AuditEntry::new(
        ctx.app.now(),
        db::audit::Actor::User(person.user_id),
        db::audit::AuditAction::AdminCommand,
        "inbox",
    )
    .detail(detail);
    Ok(crate::services::audit::record_now(&ctx.app, &entry).await?)
}

async fn list(ctx: &Ctx, person: &Person) -> anyhow::Result<()> {
    let lang = person.lang;
    let depth = db::inbox::depth(&ctx.app.db).await?;
    if depth.parked == 0 {
        return ctx.say(tr!(lang, "parked-none")).await;
    }
    let tz = ctx.app.config.default_timezone;
    let mut text = vec![tr!(lang, "parked-title", count = depth.parked)];
    for p in db::inbox::parked(&ctx.app.db, LISTED).await? {
        // An error text is for the operator; a very long one is cut (a message holds 4096 characters).
        let error: String = p.last_error.unwrap_or_default().chars().take(200).collect();
        text.push(tr!(
            lang,
            "parked-line",
            id = p.update_id,
            kind = p.kind,
            chat = p.chat_key,
            received = p.received_at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string(),
            error = error
        ));
    }
    text.push(tr!(lang, "parked-hint"));
    ctx.say(text.join("\n")).await
}
