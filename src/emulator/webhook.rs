//! Webhook delivery, as Telegram does it once `setWebhook` is called: each update is POSTed to the URL
//! (with the secret token header when one was set), in order per chat, up to `max_connections` at once;
//! an answer other than 2xx (or none: the replica died) keeps the update and it is POSTed again after a
//! short backoff. [`Emulator::spread_webhook`](super::Emulator::spread_webhook) plays a load balancer that
//! sends each POST to the next of several replicas in turn.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::Shared;

/// A POST not answered within this is counted as failed (and tried again).
const POST_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs until `stop`'s sender is dropped (the emulator is gone).
pub(crate) async fn deliver(shared: Arc<Shared>, mut stop: tokio::sync::watch::Receiver<()>) {
    let client = reqwest::Client::builder().timeout(POST_TIMEOUT).build().unwrap_or_default();
    loop {
        let strong = &shared;
        let (batch, next_retry) = strong.lock().webhook_batch(Instant::now());
        for delivery in batch {
            let (client, shared) = (client.clone(), shared.clone());
            tokio::spawn(async move {
                let mut request = client
                    .post(&delivery.target)
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(delivery.json.to_string());
                if let Some(secret) = &delivery.secret {
                    request = request.header("X-Telegram-Bot-Api-Secret-Token", secret);
                }
                let ok = match request.send().await {
                    Ok(response) => response.status().is_success(),
                    Err(e) => {
                        tracing::debug!(target = %delivery.target, error = %e, "emulator: webhook POST failed");
                        false
                    }
                };
                shared.lock().webhook_answered(delivery.update_id, ok, Instant::now());
                if ok {
                    shared.updates_confirmed.notify_waiters();
                }
                shared.delivery_wake.notify_one();
            });
        }
        let retry = async {
            match next_retry {
                Some(at) => tokio::time::sleep_until(at.into()).await,
                None => std::future::pending().await,
            }
        };
        let woken = strong.delivery_wake.notified();
        tokio::select! {
            _ = woken => {}
            _ = retry => {}
            r = stop.changed() => if r.is_err() { return },
        }
    }
}
