//! The training office (培训办) people are told to contact: its contact as the catalogue gives it on a
//! region (`contact = "新安县培训办 0379-6721xxxx"`), the nearest one up a person's village's chain.

use crate::app::App;
use crate::domain::person::Person;
use crate::domain::translations::Localized;
use crate::i18n::Lang;

/// The office contact for someone living in `village_key` (or any region key): the nearest `contact`
/// up the region's chain; `None` when no region above gives one. A storage failure is logged and
/// reads as "no contact": the texts that show it fall back to a wording without a number.
pub async fn office_contact(app: &App, village_key: &str) -> Option<Localized> {
    match crate::db::regions::office_contact(&app.db, village_key).await {
        Ok(contact) => contact,
        Err(e) => {
            tracing::warn!(region = village_key, error = %e, "office contact not read");
            None
        }
    }
}

/// [`office_contact`] for a person: from their village; staff without one, from the region they
/// coordinate, or (trainers) the first region of their courses' classes that names one.
pub async fn contact_for(app: &App, person: Option<&Person>) -> Option<Localized> {
    let person = person?;
    if let Some(village) = person.village_key.as_deref() {
        return office_contact(app, village).await;
    }
    for grant in &person.roles {
        if grant.role == crate::domain::person::Role::Coordinator && !grant.region_key.is_empty() {
            return office_contact(app, &grant.region_key).await;
        }
    }
    let regions = match crate::db::catalog::trainer_class_regions(&app.db, person.user_id).await {
        Ok(regions) => regions,
        Err(e) => {
            tracing::warn!(user = person.user_id, error = %e, "trainer's regions not read");
            Vec::new()
        }
    };
    for region in regions {
        if let Some(contact) = office_contact(app, &region).await {
            return Some(contact);
        }
    }
    None
}

/// The `$contact` argument of the texts that tell people to contact the office: the contact, or
/// `none`, which selects their wording without a number.
pub fn contact_arg(contact: Option<&Localized>, lang: Lang) -> String {
    match contact.map(|c| c.get(lang).trim()) {
        Some(c) if !c.is_empty() => c.to_owned(),
        _ => "none".to_owned(),
    }
}
