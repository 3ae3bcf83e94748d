//! Webhook ingress: Telegram POSTs each update to the URL given to `setWebhook`; the answer is 200 only
//! once the update is stored (a non-2xx answer makes Telegram deliver it again).
//!
//! - The secret given to `setWebhook` comes back in `X-Telegram-Bot-Api-Secret-Token` on every request: a
//!   wrong or missing one gets 401 and nothing is stored.
//! - A body that is not an update (malformed JSON, no `update_id`) gets 200, so Telegram does not retry it
//!   forever; it is logged and counted, and nothing is stored. A body over [`MAX_BODY`] gets 413.
//! - A replayed `update_id` is stored once and handled once.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use teloxide::types::{Update, UpdateKind};

use crate::db::Db;
use crate::metrics;

/// The largest update body accepted (Telegram's are a few kilobytes).
pub const MAX_BODY: usize = 1 << 20;

pub const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

#[derive(Clone)]
struct Ingress {
    db: Db,
    wake: Arc<super::Wake>,
    secret: Option<String>,
}

/// The webhook route at `path` (the path of the URL given to `setWebhook`).
pub fn router(path: &str, db: Db, wake: Arc<super::Wake>, secret: Option<String>) -> Router {
    let path = if path.starts_with('/') { path.to_owned() } else { format!("/{path}") };
    Router::new().route(&path, post(receive)).layer(DefaultBodyLimit::max(MAX_BODY)).with_state(Ingress {
        db,
        wake,
        secret,
    })
}

async fn receive(State(ingress): State<Ingress>, headers: HeaderMap, body: Bytes) -> StatusCode {
    if let Some(secret) = &ingress.secret {
        let given = headers.get(SECRET_HEADER).and_then(|v| v.to_str().ok());
        if given != Some(secret.as_str()) {
            metrics::webhook_refused("secret");
            tracing::warn!("webhook: a request without the right secret token was refused");
            return StatusCode::UNAUTHORIZED;
        }
    }
    let update: Update = match serde_json::from_slice(&body) {
        Ok(update) => update,
        Err(e) => {
            metrics::webhook_refused("malformed");
            tracing::warn!(error = %e, bytes = body.len(), "webhook: a body that is not an update; answered 200, not stored");
            return StatusCode::OK;
        }
    };
    if matches!(update.kind, UpdateKind::Error(_)) {
        metrics::webhook_refused("unknown_kind");
        tracing::warn!(update = update.id.0, "webhook: an update of a kind this bot does not know; not stored");
        return StatusCode::OK;
    }
    let row = match super::incoming(&update) {
        Ok(row) => row,
        Err(e) => {
            tracing::error!(update = update.id.0, error = %e, "webhook: an update could not be written down");
            return StatusCode::INTERNAL_SERVER_ERROR;
        }
    };
    match super::store(&ingress.db, &ingress.wake, std::slice::from_ref(&row)).await {
        Ok(_) => StatusCode::OK,
        Err(e) => {
            // Telegram delivers it again: nothing is lost.
            tracing::error!(update = row.update_id, error = %e, "webhook: storing an update failed; Telegram will retry");
            StatusCode::SERVICE_UNAVAILABLE
        }
    }
}
