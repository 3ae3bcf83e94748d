//! Work that falls due at a time rather than on a message: seat offers that expire and pass to the
//! next person on the waitlist, sessions whose attendance is final once they end, and the
//! coordinators' daily digest, each subscriber's daily lesson, openings offered to the certified people they
//! match, the two-week follow-up of job referrals, and the daily retention jobs (personal data past its
//! keeping period).
//! It sleeps on the injected clock until the next expiry (so tests and `chat` move it with a
//! simulated clock) or until a use case wakes it.
//!
//! With several replicas on one database, one runs the scheduler at a time: the holder of the
//! `scheduler` lease, renewed while it lives (wall-clock time: it is about machines, not the
//! programme's calendar). When it dies, another replica takes over once the lease runs out.

use std::time::Duration;

use tokio::sync::watch;

use crate::app::App;
use crate::db;
use crate::services;

/// Real-time pause after a storage error before trying again.
const ERROR_PAUSE: Duration = Duration::from_secs(2);

const LEASE: &str = "scheduler";
/// The retention jobs (see `services::retention`) run this often on the programme's clock, and at
/// the start of every lead.
const RETENTION_EVERY: chrono::TimeDelta = chrono::TimeDelta::days(1);
const RETENTION_RETRY: chrono::TimeDelta = chrono::TimeDelta::hours(1);

/// Runs the scheduler as `holder` (this replica) while it holds the lease, until `shutdown`.
pub async fn run(app: App, holder: String, lease: chrono::Duration, mut shutdown: watch::Receiver<bool>) {
    let renew_every = (lease / 3).to_std().unwrap_or(Duration::from_secs(1)).max(Duration::from_secs(1));
    let mut leading = false;
    let mut retention_due: Option<chrono::DateTime<chrono::Utc>> = None;
    loop {
        if *shutdown.borrow() {
            break;
        }
        let now = chrono::Utc::now();
        match db::inbox::hold_lease(&app.db, LEASE, &holder, now, now + lease).await {
            Ok(true) => {
                if !leading {
                    tracing::info!(%holder, "scheduler: this replica runs the scheduled work");
                    retention_due = None;
                }
                leading = true;
            }
            Ok(false) => {
                leading = false;
                // Another replica runs it; look again before its lease could have run out.
                tokio::select! {
                    _ = tokio::time::sleep(renew_every) => continue,
                    _ = shutdown.changed() => break,
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "scheduler: taking the lease failed");
                tokio::select! {
                    _ = tokio::time::sleep(ERROR_PAUSE) => continue,
                    _ = shutdown.changed() => break,
                }
            }
        }
        if retention_due.is_none_or(|at| app.now() >= at) {
            // Each job is idempotent: after a failure they simply all run again.
            match services::retention::run(&app).await {
                Ok(_) => retention_due = Some(app.now() + RETENTION_EVERY),
                Err(e) => {
                    tracing::warn!(error = ?e, "retention: the jobs failed; tried again in an hour");
                    retention_due = Some(app.now() + RETENTION_RETRY);
                }
            }
        }
        let pass_began = app.now();
        // One look at the catalogue version for the whole pass (no update brings it here).
        let pass = db::snapshot::observing(async {
            app.db.refresh_catalog_if_changed().await?;
            let finalized = services::learning::finalize_due(&app).await;
            let expired = services::orders::expire_offers(&app).await;
            let digests = services::digest::run_due(&app).await;
            let daily_lessons = services::lesson_daily::run_due(&app).await;
            let follow_ups = services::referrals::follow_up_due(&app).await;
            // After the sessions are finalized: a certificate earned in this pass brings its offers now.
            let job_offers = services::job_matching::run_due(&app).await;
            finalized
                .map(|_| ())
                .and(expired.map(|_| ()))
                .and(digests.map(|_| ()))
                .and(daily_lessons.map(|_| ()))
                .and(follow_ups.map(|_| ()))
                .and(job_offers.map(|_| ()))
        })
        .await;
        if let Err(e) = pass {
            // Whatever is due stays due: pause rather than spin on it.
            tracing::error!(error = ?e, "scheduled work failed");
            tokio::select! {
                _ = tokio::time::sleep(ERROR_PAUSE) => continue,
                _ = shutdown.changed() => break,
            }
        }
        let next = match next_due(&app, pass_began).await {
            Ok(next) => next.into_iter().chain(retention_due).min(),
            Err(e) => {
                tracing::error!(error = %e, "reading the next offer expiry failed");
                tokio::select! {
                    _ = tokio::time::sleep(ERROR_PAUSE) => continue,
                    _ = shutdown.changed() => break,
                }
            }
        };
        let due = async {
            match next {
                Some(at) => app.clock.sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = due => {}
            _ = app.scheduler_wake.notified() => {}
            // Renew the lease in time, even with nothing due.
            _ = tokio::time::sleep(renew_every) => {}
            _ = shutdown.changed() => break,
        }
    }
    if leading && let Err(e) = db::inbox::release_lease(&app.db, LEASE, &holder).await {
        tracing::warn!(error = %e, "scheduler: giving the lease back failed; another replica takes it when it runs out");
    }
}

/// The earliest instant anything above falls due.
async fn next_due(
    app: &App,
    pass_began: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<Option<chrono::DateTime<chrono::Utc>>> {
    let offer = db::orders::next_offer_expiry(&app.db).await?;
    let session_end = services::learning::next_due(app, pass_began).await?;
    let digest = Some(services::digest::next_due(app, pass_began));
    let daily_lesson = services::lesson_daily::next_due(app, pass_began).await?;
    let referral_follow_up = services::referrals::next_follow_up(app).await?;
    let job_offer = services::job_matching::next_due(app, pass_began).await?;
    Ok([offer, session_end, digest, daily_lesson, referral_follow_up, job_offer].into_iter().flatten().min())
}
