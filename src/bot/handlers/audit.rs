//! `/audit` for admins (everything) and coordinators (their regions and below): the latest entries of
//! the audit log as a readable list, and the same entries as a CSV file. Anyone else gets the refusal
//! every staff command gives.

use teloxide::prelude::*;
use teloxide::types::InputFile;

use crate::bot::context::Ctx;
use crate::db::audit::{Actor, AuditAction, AuditRow};
use crate::domain::person::Person;
use crate::i18n::Lang;
use crate::services::audit;
use crate::tr;

/// How many entries the chat shows (the latest; a message holds 4096 characters).
const SHOWN: i64 = 30;
/// A detail longer than this is cut in the chat (the CSV has it whole).
const DETAIL_CHARS: usize = 80;

/// Whether `update` is the `/audit` command (also as `/audit@botname`).
pub fn is_audit_command(update: &Update) -> bool {
    let teloxide::types::UpdateKind::Message(msg) = &update.kind else { return false };
    let Some(first) = msg.text().and_then(|t| t.split_whitespace().next()) else { return false };
    first.split('@').next() == Some("/audit")
}

pub async fn handle(ctx: Ctx) -> anyhow::Result<()> {
    let Some(person) = ctx.person.clone() else { return ctx.say(tr!(ctx.lang, "register-first")).await };
    let lang = person.lang;
    let Some(rows) = audit::latest_for(&ctx.app, &person, SHOWN).await? else {
        tracing::warn!(user = person.user_id, "/audit from someone neither admin nor coordinator");
        return ctx.say(tr!(lang, "not-allowed")).await;
    };
    if rows.is_empty() {
        return ctx.say(tr!(lang, "audit-none")).await;
    }
    let region = match audit::visible_to(&ctx.app, &person).await? {
        audit::Visible::Regions(_) => tr!(lang, "audit-title-region"),
        _ => String::new(),
    };
    let mut lines = vec![tr!(lang, "audit-title", count = rows.len(), region = region)];
    for row in &rows {
        lines.push(line(&ctx, lang, row).await?);
    }
    ctx.say(lines.join("\n")).await?;
    send_csv(&ctx, &person, &rows).await
}

async fn line(ctx: &Ctx, lang: Lang, row: &AuditRow) -> anyhow::Result<String> {
    let e = &row.entry;
    let tz = ctx.app.config.default_timezone;
    let actor = match e.actor {
        Actor::User(id) => {
            let name = crate::db::people::find(&ctx.app.db, id).await?.map(|p| p.name.as_str().to_owned());
            tr!(lang, "audit-actor-user", name = name.unwrap_or_else(|| "?".to_owned()), id = id.to_string())
        }
        Actor::Cli => tr!(lang, "audit-actor-cli"),
        Actor::System => tr!(lang, "audit-actor-system"),
    };
    let mut detail: String = e.detail.chars().filter(|c| !c.is_control()).take(DETAIL_CHARS).collect();
    if !detail.is_empty() {
        detail.insert(0, ' ');
    }
    let scope = match &e.region_key {
        Some(region) => format!("{region} {}", e.scope),
        None => e.scope.clone(),
    };
    Ok(tr!(
        lang,
        "audit-line",
        time = e.at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string(),
        actor = actor,
        action = action_label(lang, e.action),
        scope = scope,
        detail = detail
    ))
}

fn action_label(lang: Lang, action: AuditAction) -> String {
    match action {
        AuditAction::Export => tr!(lang, "audit-action-export"),
        AuditAction::RoleGrant => tr!(lang, "audit-action-role-grant"),
        AuditAction::RoleRemoval => tr!(lang, "audit-action-role-removal"),
        AuditAction::Invite => tr!(lang, "audit-action-invite"),
        AuditAction::HandMark => tr!(lang, "audit-action-hand-mark"),
        AuditAction::Erasure => tr!(lang, "audit-action-erasure"),
        AuditAction::AdminCommand => tr!(lang, "audit-action-admin-command"),
        AuditAction::CatalogImport => tr!(lang, "audit-action-catalog-import"),
        AuditAction::Retention => tr!(lang, "audit-action-retention"),
    }
}

async fn send_csv(ctx: &Ctx, person: &Person, rows: &[AuditRow]) -> anyhow::Result<()> {
    let lang = person.lang;
    let header = [
        tr!(lang, "audit-csv-id"),
        tr!(lang, "audit-csv-at"),
        tr!(lang, "audit-csv-actor"),
        tr!(lang, "audit-csv-action"),
        tr!(lang, "audit-csv-region"),
        tr!(lang, "audit-csv-scope"),
        tr!(lang, "audit-csv-detail"),
    ];
    let csv = audit::csv(rows, header);
    let date = ctx.app.now().with_timezone(&ctx.app.config.default_timezone).format("%Y%m%d");
    let name = format!("{}-{date}.csv", tr!(lang, "audit-csv-file"));
    ctx.bot
        .send_document(ctx.chat, InputFile::memory(csv).file_name(name))
        .caption(tr!(lang, "audit-csv-caption", count = rows.len()))
        .await?;
    Ok(())
}
