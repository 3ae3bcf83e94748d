//! Counters, gauges and histograms for operators, exposed at `/metrics` in the Prometheus text format
//! (the `metrics` facade, rendered by `metrics-exporter-prometheus`). Events are counted where they
//! happen; the depths of the inbox and the outbox are read from storage at each scrape, so every replica
//! reports the same queue.

use std::sync::OnceLock;
use std::time::Duration;

use metrics::{counter, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::db::{self, Db};

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the process's recorder (once; later calls reuse it).
pub fn init() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Full("fieldschool_handler_seconds".to_owned()),
                &[0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0],
            )
            .map(|b| b.build_recorder())
            .unwrap_or_else(|_| PrometheusBuilder::new().build_recorder());
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("a metrics recorder was installed already; /metrics shows this one's view only");
        }
        handle
    })
}

pub fn update_received(kind: &str) {
    counter!("fieldschool_updates_received_total", "kind" => kind.to_owned()).increment(1);
}

pub fn update_handled(kind: &str, took: Duration) {
    counter!("fieldschool_updates_handled_total", "kind" => kind.to_owned()).increment(1);
    histogram!("fieldschool_handler_seconds", "kind" => kind.to_owned()).record(took.as_secs_f64());
}

pub fn update_parked() {
    counter!("fieldschool_updates_parked_total").increment(1);
}

pub fn webhook_refused(why: &'static str) {
    counter!("fieldschool_webhook_refused_total", "why" => why).increment(1);
}

/// What became of one outbox row's turn: `sent`, `retrying` (5xx or network),
/// `403` (blocked), `failed` (400 or given up), `cancelled`, `replanned` (the gate said later).
pub fn outbox_outcome(outcome: &crate::outbox::Outcome) {
    use crate::outbox::Outcome;
    let answer = match outcome {
        Outcome::Sent => "sent",
        Outcome::Retrying { .. } => "retrying",
        Outcome::Blocked => "403",
        Outcome::Failed { .. } => "failed",
        Outcome::Cancelled { .. } => "cancelled",
        Outcome::Replanned { .. } => "replanned",
    };
    counter!("fieldschool_outbox_outcomes_total", "outcome" => answer).increment(1);
}

/// Telegram answered 429: the outbox waits as told (the row goes again after).
pub fn outbox_rate_limited() {
    counter!("fieldschool_outbox_rate_limited_total").increment(1);
}

/// Reads the queues from storage into gauges, then renders everything.
pub async fn render(db: &Db) -> String {
    let handle = init();
    let now = chrono::Utc::now();
    match db::inbox::depth(db).await {
        Ok(depth) => {
            gauge!("fieldschool_inbox_pending").set(depth.pending as f64);
            gauge!("fieldschool_inbox_working").set(depth.working as f64);
            gauge!("fieldschool_inbox_parked").set(depth.parked as f64);
            let age = depth.oldest_waiting.map_or(0.0, |t| (now - t).num_milliseconds().max(0) as f64 / 1000.0);
            gauge!("fieldschool_inbox_oldest_age_seconds").set(age);
        }
        Err(e) => tracing::warn!(error = %e, "metrics: inbox depth not read"),
    }
    match db::outbox::depth_by_kind(db).await {
        Ok(kinds) => {
            for (kind, pending, oldest_due) in kinds {
                gauge!("fieldschool_outbox_pending", "kind" => kind.clone()).set(pending as f64);
                let lag = oldest_due.map_or(0.0, |t| (now - t).num_seconds().max(0) as f64);
                gauge!("fieldschool_outbox_oldest_due_age_seconds", "kind" => kind).set(lag);
            }
        }
        Err(e) => tracing::warn!(error = %e, "metrics: outbox depth not read"),
    }
    match db::inbox::leases(db, now).await {
        Ok(leases) => gauge!("fieldschool_inbox_leases").set(leases as f64),
        Err(e) => tracing::warn!(error = %e, "metrics: leases not read"),
    }
    handle.render()
}
