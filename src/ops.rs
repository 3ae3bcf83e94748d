//! What operators look at: `/healthz` (can this replica do its work?) and `/metrics` (Prometheus text).

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;

use crate::db::{self, Db};

/// Updates waiting longer than this make the replica unhealthy (the workers are stuck or too few).
const INBOX_LAG_LIMIT: chrono::Duration = chrono::Duration::seconds(60);
/// Messages due longer ago than this make it unhealthy (the sender is stuck).
const OUTBOX_LAG_LIMIT: chrono::Duration = chrono::Duration::minutes(10);

pub fn router(db: Db) -> Router {
    Router::new().route("/healthz", get(healthz)).route("/metrics", get(metrics)).with_state(db)
}

/// 200 "ok" with the figures, or 503 naming what is wrong: the database is unreachable, updates wait too
/// long, or due messages are not going out.
async fn healthz(State(db): State<Db>) -> (StatusCode, String) {
    let now = chrono::Utc::now();
    if let Err(e) = sqlx::query("SELECT 1").execute(&db.pool).await {
        return (StatusCode::SERVICE_UNAVAILABLE, format!("database unreachable: {e}\n"));
    }
    let mut problems = Vec::new();
    let mut lines = Vec::new();
    match db::inbox::depth(&db).await {
        Ok(depth) => {
            let lag = depth.oldest_waiting.map(|t| now - t).unwrap_or_default();
            lines.push(format!(
                "inbox: {} waiting, oldest {} s, {} parked",
                depth.pending + depth.working,
                lag.num_seconds(),
                depth.parked
            ));
            if lag > INBOX_LAG_LIMIT {
                problems.push(format!("inbox lag {} s", lag.num_seconds()));
            }
        }
        Err(e) => problems.push(format!("inbox unreadable: {e}")),
    }
    match db::outbox::depth_by_kind(&db).await {
        Ok(kinds) => {
            let oldest = kinds.iter().filter_map(|(_, _, due)| *due).min();
            let lag = oldest.map(|t| now - t).unwrap_or_default();
            let waiting: i64 = kinds.iter().map(|(_, n, _)| n).sum();
            lines.push(format!("outbox: {waiting} waiting, oldest due {} s ago", lag.num_seconds()));
            if lag > OUTBOX_LAG_LIMIT {
                problems.push(format!("outbox lag {} s", lag.num_seconds()));
            }
        }
        Err(e) => problems.push(format!("outbox unreadable: {e}")),
    }
    if problems.is_empty() {
        (StatusCode::OK, format!("ok\n{}\n", lines.join("\n")))
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, format!("unhealthy: {}\n{}\n", problems.join("; "), lines.join("\n")))
    }
}

async fn metrics(State(db): State<Db>) -> String {
    crate::metrics::render(&db).await
}
