//! `/mydata` and 设置 → 📄 我的数据: everything stored about the person, as a short summary in their
//! language (times in their local zone), a JSON file of all of it, and their survey answers as a CSV.

use chrono::{DateTime, Datelike, Utc};
use teloxide::prelude::*;
use teloxide::types::InputFile;

use crate::bot::context::Ctx;
use crate::domain::catalog::Credits;
use crate::domain::order::OrderStatus;
use crate::domain::person::{Audience, Person};
use crate::i18n::{Lang, local_date};
use crate::services::personal_data::{self, Export};
use crate::tr;

/// Orders listed one by one in the summary; the rest are counted (the file has them all).
const ORDER_LINES: usize = 10;

pub async fn send(ctx: &Ctx, person: &Person) -> anyhow::Result<()> {
    let lang = person.lang;
    let Some(export) = personal_data::load(&ctx.app, person.user_id).await? else {
        return ctx.say(tr!(lang, "register-first")).await;
    };
    // Identifiable data leaving the system, even to its owner, is worth a line in the log (not in the
    // audit table: it is append-only and would keep the person's id after an erasure).
    tracing::info!(user = person.user_id, orders = export.data.orders.len(), "personal data sent to its owner");
    let csv = personal_data::answers_csv(&export.data, &super::outcomes::csv_text(lang), export.tz);
    ctx.say(summary(lang, &export, csv.is_some())).await?;
    let date = export.data.exported_at.with_timezone(&export.tz).format("%Y-%m-%d");
    let json = personal_data::json(&export.data)?;
    ctx.bot
        .send_document(ctx.chat, InputFile::memory(json).file_name(format!("fieldschool-mydata-{date}.json")))
        .caption(tr!(lang, "mydata-json-caption"))
        .await?;
    if let Some(csv) = csv {
        ctx.bot
            .send_document(ctx.chat, InputFile::memory(csv).file_name(format!("fieldschool-mydata-{date}-answers.csv")))
            .caption(tr!(lang, "mydata-csv-caption"))
            .await?;
    }
    Ok(())
}

/// "2026年12月20日（周日） 14:05" in the person's zone.
fn when(lang: Lang, tz: chrono_tz::Tz, at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&tz);
    tr!(
        lang,
        "mydata-datetime",
        year = local.year(),
        date = local_date(lang, local.date_naive()),
        time = local.format("%H:%M").to_string()
    )
}

/// The summary: who the person is to the bot, and counts of everything else.
pub fn summary(lang: Lang, export: &Export, with_csv: bool) -> String {
    let data = &export.data;
    let p = &data.profile;
    let tz = export.tz;
    let separator = tr!(lang, "mydata-separator");
    let mut lines = vec![tr!(lang, "mydata-title", when = when(lang, tz, data.exported_at)), String::new()];
    lines.push(tr!(lang, "mydata-name", name = p.name.as_str()));
    lines.push(match &p.phone {
        Some(phone) => tr!(lang, "mydata-phone", phone = phone.as_str()),
        None => tr!(lang, "mydata-no-phone"),
    });
    if !export.region_names.is_empty() {
        lines.push(tr!(lang, "mydata-region", region = export.region_names.join(" · ")));
    }
    let language = tr!(lang, "language-name");
    lines.push(match p.audience.and_then(Audience::parse) {
        Some(audience) => {
            tr!(lang, "mydata-audience", audience = super::staff::audience_name(lang, audience), language = language)
        }
        None => tr!(lang, "mydata-staff", language = language),
    });
    lines.push(tr!(lang, "mydata-consent", when = when(lang, tz, p.consent_at)));
    if let Some(size) = p.household_size {
        lines.push(tr!(lang, "mydata-household", size = size));
    }
    if !data.roles.is_empty() {
        let roles: Vec<String> = data
            .roles
            .iter()
            .map(|r| match r.role {
                "trainer" => tr!(lang, "role-trainer"),
                "coordinator" => {
                    let region = r.region_name.clone().or_else(|| r.region_key.clone()).unwrap_or_default();
                    tr!(lang, "role-coordinator-of", region = region)
                }
                _ => tr!(lang, "role-admin"),
            })
            .collect();
        lines.push(tr!(lang, "mydata-roles", roles = roles.join(&separator)));
    }
    if let Some(until) = p.messages_paused_until {
        lines.push(tr!(lang, "mydata-paused", when = when(lang, tz, until)));
    }
    if p.surveys_stopped {
        lines.push(tr!(lang, "mydata-surveys-stopped"));
    }
    lines.push(String::new());

    if data.orders.is_empty() {
        lines.push(tr!(lang, "mydata-no-orders"));
    } else {
        lines.push(tr!(lang, "mydata-orders", count = data.orders.len()));
        // Newest first: the ones people ask about.
        for o in data.orders.iter().rev().take(ORDER_LINES) {
            let status = OrderStatus::parse(o.status)
                .map(|s| crate::services::orders::status_label(lang, s))
                .unwrap_or_else(|| o.status.to_owned());
            let course = export.course_titles.get(&o.number).cloned().unwrap_or_else(|| o.course_title.clone());
            lines.push(tr!(lang, "mydata-order-line", number = o.number.as_str(), course = course, status = status));
        }
        if data.orders.len() > ORDER_LINES {
            lines.push(tr!(lang, "mydata-orders-more", count = data.orders.len() - ORDER_LINES));
        }
    }
    if !data.attendance.is_empty() {
        let count = |mark: &str| data.attendance.iter().filter(|a| a.mark == mark).count();
        lines.push(tr!(
            lang,
            "mydata-attendance",
            present = count("present"),
            absent = count("absent"),
            excused = count("excused")
        ));
    }
    if let Some(best) = data.quiz_attempts.iter().filter(|a| a.finished_at.is_some()).max_by_key(|a| a.correct) {
        lines.push(tr!(
            lang,
            "mydata-quiz",
            count = data.quiz_attempts.len(),
            correct = best.correct,
            total = best.total
        ));
    }
    if !data.certificates.is_empty() {
        let codes: Vec<&str> = data.certificates.iter().map(|c| c.code.as_str()).collect();
        lines.push(tr!(lang, "mydata-certificates", count = codes.len(), codes = codes.join(&separator)));
    }
    if let Some(intent) = data.work_intent.and_then(crate::domain::job::WorkIntent::parse) {
        lines.push(tr!(lang, "mydata-work-intent", intent = intent.label(lang)));
    }
    if !data.referrals.is_empty() {
        lines.push(tr!(lang, "mydata-referrals", count = data.referrals.len()));
        for r in &data.referrals {
            let status = crate::domain::job::ReferralStatus::parse(r.status).map(|s| s.label(lang)).unwrap_or_default();
            lines.push(tr!(
                lang,
                "mydata-referral-line",
                employer = r.employer.as_str(),
                status = status,
                referred = when(lang, tz, r.consented_at),
                updated = when(lang, tz, r.updated_at)
            ));
        }
    }
    if !data.lessons.is_empty() {
        let finished: std::collections::BTreeSet<&str> =
            data.lessons.iter().filter(|l| l.finished_at.is_some()).map(|l| l.lesson_key.as_str()).collect();
        lines.push(tr!(lang, "mydata-lessons", count = finished.len(), read = data.lessons.len()));
    }
    let daily = &data.lesson_daily;
    match daily.at_minute.and_then(|m| u16::try_from(m).ok()) {
        Some(minute) => lines.push(tr!(
            lang,
            "mydata-lesson-daily",
            time = super::lesson_daily::time_label(lang, minute),
            sent = daily.sent
        )),
        None if daily.sent > 0 => lines.push(tr!(lang, "mydata-lesson-daily-none", sent = daily.sent)),
        None => {}
    }
    let earned: Vec<String> = data
        .credits_by_year
        .iter()
        .filter(|y| y.credits > 0.0)
        .map(|y| {
            let credits = Credits::from_tenths((y.credits * 10.0).round() as i64).to_string();
            tr!(lang, "mydata-credits-year", year = y.year, credits = credits)
        })
        .collect();
    if !earned.is_empty() {
        lines.push(tr!(lang, "mydata-credits", years = earned.join(&separator)));
    }
    let answered: Vec<_> = data.surveys.iter().filter(|s| !s.answers.is_empty()).collect();
    if !answered.is_empty() {
        let answers: usize = answered.iter().map(|s| s.answers.len()).sum();
        lines.push(tr!(lang, "mydata-surveys", count = answered.len(), answers = answers));
    }
    if !data.course_requests.is_empty() {
        lines.push(tr!(lang, "mydata-requests", count = data.course_requests.len()));
    }
    if let Some(first) = data.queued_messages.iter().map(|q| q.due_at).min() {
        lines.push(tr!(lang, "mydata-queued", count = data.queued_messages.len(), when = when(lang, tz, first)));
    }
    lines.push(String::new());
    lines.push(tr!(lang, "mydata-files", csv = if with_csv { "yes" } else { "no" }));
    lines.join("\n")
}
