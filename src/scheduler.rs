//! Work that falls due at a time rather than on a message: seat offers that expire and pass to the
//! next person on the waitlist, sessions whose attendance is final once they end, and the
//! coordinators' daily digest. It sleeps on the injected clock until the next expiry (so
//! tests and `chat` move it with a simulated clock) or until a use case wakes it.

use std::time::Duration;

use tokio::sync::watch;

use crate::app::App;
use crate::db;
use crate::services;

/// Real-time pause after a storage error before trying again.
const ERROR_PAUSE: Duration = Duration::from_secs(2);

pub async fn run(app: App, mut shutdown: watch::Receiver<bool>) {
    loop {
        if *shutdown.borrow() {
            break;
        }
        let pass_began = app.now();
        let finalized = services::learning::finalize_due(&app).await;
        let expired = services::orders::expire_offers(&app).await;
        let digests = services::digest::run_due(&app).await;
        if let Err(e) = finalized.map(|_| ()).and(expired.map(|_| ())).and(digests.map(|_| ())) {
            // Whatever is due stays due: pause rather than spin on it.
            tracing::error!(error = ?e, "scheduled work failed");
            tokio::select! {
                _ = tokio::time::sleep(ERROR_PAUSE) => continue,
                _ = shutdown.changed() => break,
            }
        }
        let next = match next_due(&app, pass_began).await {
            Ok(next) => next,
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
            _ = shutdown.changed() => break,
        }
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
    Ok([offer, session_end, digest].into_iter().flatten().min())
}
