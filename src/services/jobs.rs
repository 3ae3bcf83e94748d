//! Jobs after training, the use cases every path shares: whether an opening still takes people, what a
//! person is certified in, and the referral itself ("我感兴趣" → consent → referred, with one line to the
//! region's coordinators). The rules are `domain::job`; storage `db::jobs`.

use chrono::NaiveDate;

use crate::app::App;
use crate::db::jobs::{self as store, Referral, StoredOpening};
use crate::db::{self};
use crate::domain::callback::Cb;
use crate::domain::job::{Button, Opening, Openness};
use crate::domain::person::Person;
use crate::i18n::Lang;
use crate::services::notify::{self, Note, payload};
use crate::tr;

/// The opening region's date today (its time zone; the default one for an unknown region).
pub async fn today_in(app: &App, region_key: &str) -> anyhow::Result<NaiveDate> {
    let tz = match db::catalog::calendar_of(&app.db, region_key).await? {
        Some(cal) => cal.tz,
        None => app.config.default_timezone,
    };
    Ok(app.now().with_timezone(&tz).date_naive())
}

/// Whether a stored opening still takes people today.
pub async fn openness(app: &App, o: &StoredOpening) -> anyhow::Result<Openness> {
    let today = today_in(app, &o.opening.region_key).await?;
    Ok(Openness::of(&o.opening, today, o.hired, o.closed_at.is_some()))
}

/// Courses the person holds a certificate of.
pub async fn certified_courses(app: &App, user_id: i64) -> anyhow::Result<Vec<String>> {
    Ok(store::certified_courses(&app.db, user_id).await?)
}

/// Whether the person holds a certificate that qualifies for the opening.
pub fn qualifies(opening: &Opening, certified: &[String]) -> bool {
    opening.courses.iter().any(|k| certified.contains(k))
}

/// What "同意推荐" (the person agreed to share their details) came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Refer {
    /// Referred; `new` false when they were referred already (a second tap is the same referral).
    Referred { referral: Referral, opening: Box<Opening>, new: bool },
    /// The opening no longer takes people.
    Closed(Openness),
    /// They hold no certificate it asks for.
    NotQualified,
    /// No phone number on file: the employer could not reach them.
    NoPhone,
    /// No such opening.
    Gone,
}

/// Refers the person to the opening once they agreed to share their name, village, phone and
/// certificate with the employer: the referral and a line to the coordinators of the opening's region
/// (their instant lines, through the outbox), in one transaction.
pub async fn refer(app: &App, person: &Person, opening_id: i64) -> anyhow::Result<Refer> {
    let Some(stored) = store::opening_by_id(&app.db, opening_id).await? else { return Ok(Refer::Gone) };
    if let Some(existing) = store::referral_of(&app.db, opening_id, person.user_id).await? {
        return Ok(Refer::Referred { referral: existing, opening: Box::new(stored.opening), new: false });
    }
    let open = openness(app, &stored).await?;
    if !open.is_open() {
        return Ok(Refer::Closed(open));
    }
    if !qualifies(&stored.opening, &certified_courses(app, person.user_id).await?) {
        return Ok(Refer::NotQualified);
    }
    if person.phone.is_none() {
        return Ok(Refer::NoPhone);
    }
    let chain = crate::services::access::chain(app, &stored.opening.region_key).await?;
    let now = app.now();
    let mut tx = app.db.begin_write().await?;
    let (referral, new) = store::insert_referral(&mut tx, opening_id, person.user_id, now).await?;
    if new {
        let village = match &person.village_key {
            Some(v) => db::regions::ancestry(&app.db, v).await?.first().map(|r| r.name.clone()),
            None => None,
        };
        for coordinator in db::lesson_authoring::line_coordinators_for(&mut tx, &chain).await? {
            let name = person.name.as_str().to_owned();
            let village = village.clone().unwrap_or_default();
            let (employer, tr) = (stored.opening.employer.clone(), stored.opening.tr.clone());
            let note = Note::notice("coordinator", now, move |lang: Lang| {
                payload(
                    tr!(
                        lang,
                        "job-line-referred",
                        name = name.as_str(),
                        village = village.as_str(),
                        employer = tr.text(lang, "employer", &employer)
                    ),
                    vec![vec![(
                        tr!(lang, "btn-job-referrals"),
                        Cb::Job(Button::Referrals { opening: opening_id }).encode(),
                    )]],
                )
            })
            .dedupe(format!("job-referred:{}:{coordinator}", referral.id));
            notify::queue(&mut tx, app, coordinator, &note).await?;
        }
    }
    tx.commit().await?;
    app.wake_outbox();
    tracing::info!(referral = referral.id, opening_id, user_id = person.user_id, new, "referral");
    Ok(Refer::Referred { referral, opening: Box::new(stored.opening), new })
}

/// The courses whose certificate qualifies for an opening, as the catalogue has them (a course no
/// longer in it is left out).
pub async fn qualifying_courses(app: &App, opening: &Opening) -> anyhow::Result<Vec<crate::domain::catalog::Course>> {
    let mut courses = Vec::new();
    for key in &opening.courses {
        if let Some(course) = db::catalog::course(&app.db, key).await? {
            courses.push(course);
        }
    }
    Ok(courses)
}

/// The pay as people read it: "2800–3600 元/月", "120 元/天", one figure when both ends agree.
pub fn pay_text(lang: Lang, pay: &crate::domain::job::Pay) -> String {
    let amount = if pay.min_yuan == pay.max_yuan {
        pay.min_yuan.to_string()
    } else {
        format!("{}–{}", pay.min_yuan, pay.max_yuan)
    };
    match pay.unit {
        crate::domain::job::PayUnit::Month => tr!(lang, "job-pay-month", amount = amount),
        crate::domain::job::PayUnit::Day => tr!(lang, "job-pay-day", amount = amount),
    }
}

/// An opening as everyone reads it (the offer, browsing, the publisher's preview, the referral list):
/// who, what, where, pay, dates, seats left, travel, which certificate qualifies. The employer's contact
/// is not in it: a person sees it once referred.
pub fn opening_card(lang: Lang, o: &Opening, courses: &[crate::domain::catalog::Course], seats_left: u32) -> String {
    let text = |field: &str, base: &str| o.tr.text(lang, field, base).to_owned();
    let mut lines = vec![
        tr!(lang, "job-card-title", employer = text("employer", &o.employer)),
        tr!(lang, "job-card-work", work = text("work", &o.work)),
        tr!(lang, "job-card-place", place = text("place", &o.place)),
        tr!(lang, "job-card-pay", pay = pay_text(lang, &o.pay)),
    ];
    // With the year: an opening often runs into the next one.
    let date = |d: NaiveDate| crate::i18n::local_date_with_year(lang, d);
    lines.push(match (o.starts_on, o.closes_on) {
        (Some(s), Some(c)) => tr!(lang, "job-card-dates", starts = date(s), closes = date(c)),
        (None, Some(c)) => tr!(lang, "job-card-closes", closes = date(c)),
        (Some(s), None) => tr!(lang, "job-card-starts-long-term", starts = date(s)),
        (None, None) => tr!(lang, "job-card-long-term"),
    });
    lines.push(tr!(lang, "job-card-seats", seats = o.seats, left = seats_left));
    if o.travel {
        lines.push(tr!(lang, "job-card-travel"));
    }
    let titles: Vec<String> = courses.iter().map(|c| c.display_title(lang).to_owned()).collect();
    if !titles.is_empty() {
        lines.push(tr!(lang, "job-card-courses", courses = titles.join(tr!(lang, "job-list-separator").as_str())));
    }
    lines.join("\n")
}
