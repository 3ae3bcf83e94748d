//! Retention (issue 13): personal data is kept only as long as it serves the programme. Run by the
//! scheduler once a day (and at start): phone numbers of people inactive for
//! `phone_retention_months`, free-text comments and request wordings older than
//! `comment_retention_months`, handled inbox updates past `inbox_retention` and the content of
//! finished outbox messages past `outbox_retention`. Every job only touches what still holds data,
//! so a second run removes nothing; each run is one audit entry with its counts.

use chrono::{DateTime, Months, Utc};

use crate::app::App;
use crate::db;
use crate::db::audit::{Actor, AuditAction, AuditEntry};

/// What one run removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Removed {
    pub phones: u64,
    pub comments: u64,
    pub request_texts: u64,
    pub inbox: u64,
    pub outbox: u64,
}

impl Removed {
    pub fn total(&self) -> u64 {
        self.phones + self.comments + self.request_texts + self.inbox + self.outbox
    }
}

impl std::fmt::Display for Removed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "phones={} comments={} request_texts={} inbox={} outbox={}",
            self.phones, self.comments, self.request_texts, self.inbox, self.outbox
        )
    }
}

/// `months` before `now`; `None` when the period is 0 (keep).
fn months_before(now: DateTime<Utc>, months: u32) -> Option<DateTime<Utc>> {
    (months > 0).then(|| now.checked_sub_months(Months::new(months)).unwrap_or(DateTime::<Utc>::MIN_UTC))
}

/// One run of every retention job.
pub async fn run(app: &App) -> anyhow::Result<Removed> {
    let now = app.now();
    let config = &app.config;
    // Handled inbox rows carry wall-clock times (they are about machines, not the programme's
    // calendar), so their age is measured on the wall clock.
    let inbox = db::inbox::prune(&app.db, Utc::now() - config.inbox_retention).await?;
    let mut tx = app.db.begin_write().await?;
    let phones = match months_before(now, config.phone_retention_months) {
        Some(before) => db::retention::remove_inactive_phones(&mut tx, before).await?,
        None => 0,
    };
    let (comments, request_texts) = match months_before(now, config.comment_retention_months) {
        Some(before) => (
            db::retention::drop_survey_comments(&mut tx, before).await?,
            db::retention::drop_request_texts(&mut tx, before).await?,
        ),
        None => (0, 0),
    };
    let outbox = db::retention::prune_outbox(&mut tx, now - config.outbox_retention).await?;
    let removed = Removed { phones, comments, request_texts, inbox, outbox };
    let entry = AuditEntry::new(now, Actor::System, AuditAction::Retention, "retention").detail(removed.to_string());
    db::audit::record(&mut tx, &entry).await?;
    tx.commit().await?;
    if removed.total() > 0 {
        tracing::info!(%removed, "retention: personal data past its keeping period removed");
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_of_zero_months_keeps_everything() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-12-31T00:00:00Z").unwrap().to_utc();
        assert_eq!(months_before(now, 0), None);
        let expected = chrono::DateTime::parse_from_rfc3339("2024-12-31T00:00:00Z").unwrap().to_utc();
        assert_eq!(months_before(now, 24), Some(expected));
    }
}
