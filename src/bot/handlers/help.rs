//! `/help`: what the bot can do for this person, by role.

use crate::bot::context::Ctx;
use crate::domain::person::{Audience, Person, Role};
use crate::tr;

/// The help for `person`, ending with their training office's contact when the catalogue gives one.
pub fn help_text(person: &Person, contact: Option<&str>) -> String {
    let lang = person.lang;
    let mut parts = vec![match person.audience {
        // Staff who registered through an invite take no courses until they choose an audience.
        _ if !person.trainee => tr!(lang, "help-staff"),
        Audience::Villager => tr!(lang, "help-villager"),
        Audience::Cadre => tr!(lang, "help-cadre"),
    }];
    if person.has_role(Role::Trainer) {
        parts.push(tr!(lang, "help-trainer"));
    }
    if person.has_role(Role::Coordinator) {
        parts.push(tr!(lang, "help-coordinator"));
    }
    if person.has_role(Role::Coordinator) || person.has_role(Role::Admin) {
        parts.push(tr!(lang, "opc-help"));
    }
    if person.has_role(Role::Admin) {
        parts.push(tr!(lang, "help-admin"));
    }
    if let Some(contact) = contact {
        parts.push(tr!(lang, "help-contact", contact = contact));
    }
    parts.push(tr!(lang, "help-data"));
    parts.push(tr!(lang, "help-footer"));
    parts.join("\n\n")
}

pub async fn handle(ctx: Ctx) -> anyhow::Result<()> {
    match &ctx.person {
        Some(person) => {
            let contact = crate::services::office::contact_for(&ctx.app, Some(person)).await;
            ctx.say(help_text(person, contact.as_ref().map(|c| c.get(person.lang)))).await
        }
        None => ctx.say(tr!(ctx.lang, "help-unregistered")).await,
    }
}
