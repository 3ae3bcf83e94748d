//! Work that falls due at a time rather than on a message: for now, seat offers that expire and pass
//! to the next person on the waitlist. It sleeps on the injected clock until the next expiry (so
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
        if let Err(e) = services::orders::expire_offers(&app).await {
            tracing::error!(error = ?e, "expiring seat offers failed");
            tokio::select! {
                _ = tokio::time::sleep(ERROR_PAUSE) => continue,
                _ = shutdown.changed() => break,
            }
        }
        let next = match db::orders::next_offer_expiry(&app.db).await {
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
