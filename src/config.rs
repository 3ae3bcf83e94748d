//! The only reader of the environment.

use chrono::Duration;

#[derive(Debug, Clone)]
pub struct Config {
    /// `sqlite://…` or `postgres://…`.
    pub database_url: String,
    /// Bot token (`TELOXIDE_TOKEN`); only `run` needs it.
    pub token: Option<String>,
    /// A self-hosted Bot API server or emulator (`TELOXIDE_API_URL`).
    pub api_url: Option<String>,
    /// How long an invite link stays valid.
    pub invite_ttl: Duration,
    /// Default time zone for regions that name none and for people without a village.
    pub default_timezone: chrono_tz::Tz,
    /// A person may cancel an order themselves until this long before the first session.
    pub cancel_cutoff: Duration,
    /// How long a freed seat is held for the first person on the waitlist.
    pub offer_ttl: Duration,
    /// Course requests (点单) for one topic in one township that alert the coordinators.
    pub request_threshold: i64,
    /// Outbox pace over all chats (Telegram allows about 30 a second).
    pub send_per_sec: u32,
    /// Least time between two outbox messages to one chat (Telegram: about one a second).
    pub per_chat_interval: std::time::Duration,
    /// How fast one chat may send before its excess updates are dropped (`FIELDSCHOOL_FLOOD_BURST`,
    /// default 20, 0 = off; `FIELDSCHOOL_FLOOD_WINDOW_SECS`, default 10). See `inbox::flood`.
    pub flood: crate::inbox::flood::FloodLimit,
    /// How long a check-in code stays valid.
    pub checkin_ttl: Duration,
    /// Questions per quiz, and retakes after a failed attempt.
    pub quiz_size: usize,
    pub quiz_retakes: usize,
    /// Fixes the quiz draw (tests, demonstrations); unset in production.
    pub quiz_seed: Option<u64>,
    /// When coordinators' daily digest is planned, local time (then timed by the gate).
    pub digest_at: chrono::NaiveTime,
    /// Follow-up surveys, months after a course ends (default 3, 6 and 12).
    pub survey_waves: Vec<u8>,
    /// How long a follow-up stays open for answers, and the days between its invitation and the
    /// (at most two) nudges.
    pub survey_open: Duration,
    pub survey_nudge_gap: Duration,
    /// What time it is at start (`FIELDSCHOOL_CLOCK_START`): `run` counts on from there at the real
    /// pace, `chat` starts its simulated clock there. For tests and demonstrations; unset in production.
    pub clock_start: Option<chrono::DateTime<chrono::Utc>>,
    /// The outbox worker's identity (`FIELDSCHOOL_WORKER_ID`); default one per machine. Processes that
    /// share a database on one machine each need their own.
    pub worker_id: Option<String>,
    /// A CJK font file for certificate cards and charts (`FIELDSCHOOL_CJK_FONT`), tried before the
    /// system's usual places.
    pub cjk_font: Option<std::path::PathBuf>,
    /// The bot's username (`FIELDSCHOOL_BOT_USERNAME`), for the verification link on certificates;
    /// when unset, the running bot asks Telegram (getMe) at start.
    pub bot_username: Option<String>,
    /// Webhook mode (`FIELDSCHOOL_WEBHOOK_URL`): the public HTTPS URL given to `setWebhook`; polling without.
    pub webhook_url: Option<String>,
    /// Where the webhook (and /healthz, /metrics) listens (`FIELDSCHOOL_LISTEN`, default 0.0.0.0:8080).
    pub listen: std::net::SocketAddr,
    /// Sent to Telegram as `secret_token` and checked on every webhook request.
    pub webhook_secret: Option<String>,
    /// How many webhook connections Telegram may open at once (`FIELDSCHOOL_WEBHOOK_MAX_CONNECTIONS`).
    pub webhook_max_connections: u8,
    /// In polling mode, where /healthz and /metrics listen (`FIELDSCHOOL_METRICS_LISTEN`); none without.
    pub metrics_listen: Option<std::net::SocketAddr>,
    /// Inbox workers of this process (`FIELDSCHOOL_WORKERS`, default 16).
    pub inbox_workers: usize,
    /// Handled inbox rows are kept this long (`FIELDSCHOOL_INBOX_RETENTION_DAYS`, default 7).
    pub inbox_retention: Duration,
    /// How long an update being handled stays claimed without a sign of life from its worker
    /// (`FIELDSCHOOL_INBOX_LEASE_SECS`, default 60): after a replica dies, others take its updates then.
    pub inbox_lease: Duration,
    /// Phone numbers of people inactive this many months are removed
    /// (`FIELDSCHOOL_PHONE_RETENTION_MONTHS`, default 24; 0 keeps them).
    pub phone_retention_months: u32,
    /// Free-text comments and request wordings are dropped after this many months
    /// (`FIELDSCHOOL_COMMENT_RETENTION_MONTHS`, default 12; 0 keeps them).
    pub comment_retention_months: u32,
    /// Finished outbox messages lose their content after this long (`FIELDSCHOOL_OUTBOX_RETENTION_DAYS`,
    /// default 30).
    pub outbox_retention: Duration,
}

/// `2026-12-14 10:00` in `tz`, or an RFC 3339 instant (`2026-12-14T02:00:00Z`).
pub fn parse_instant(text: &str, tz: chrono_tz::Tz) -> Option<chrono::DateTime<chrono::Utc>> {
    use chrono::TimeZone;
    let text = text.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
        return Some(t.to_utc());
    }
    let naive = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").ok()?;
    tz.from_local_datetime(&naive).earliest().map(|t| t.to_utc())
}

impl Config {
    pub const DEFAULT_DATABASE_URL: &'static str = "sqlite://fieldschool.db";

    pub fn from_env() -> anyhow::Result<Config> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let invite_days: i64 = match var("FIELDSCHOOL_INVITE_TTL_DAYS") {
            Some(v) => {
                v.parse().map_err(|_| anyhow::anyhow!("FIELDSCHOOL_INVITE_TTL_DAYS must be a whole number of days"))?
            }
            None => 7,
        };
        let default_timezone = match var("FIELDSCHOOL_TIMEZONE") {
            Some(v) => v.parse().map_err(|_| anyhow::anyhow!("FIELDSCHOOL_TIMEZONE: unknown time zone {v:?}"))?,
            None => chrono_tz::Asia::Shanghai,
        };
        let hours = |k: &str, default: i64| -> anyhow::Result<Duration> {
            match var(k) {
                Some(v) => {
                    Ok(Duration::hours(v.parse().map_err(|_| anyhow::anyhow!("{k} must be a whole number of hours"))?))
                }
                None => Ok(Duration::hours(default)),
            }
        };
        let request_threshold = match var("FIELDSCHOOL_REQUEST_THRESHOLD") {
            Some(v) => {
                v.parse().map_err(|_| anyhow::anyhow!("FIELDSCHOOL_REQUEST_THRESHOLD must be a whole number"))?
            }
            None => 10,
        };
        let send_per_sec = match var("FIELDSCHOOL_SEND_PER_SEC") {
            Some(v) => v.parse().map_err(|_| anyhow::anyhow!("FIELDSCHOOL_SEND_PER_SEC must be a whole number"))?,
            None => 30,
        };
        let per_chat_ms: u64 = match var("FIELDSCHOOL_PER_CHAT_INTERVAL_MS") {
            Some(v) => {
                v.parse().map_err(|_| anyhow::anyhow!("FIELDSCHOOL_PER_CHAT_INTERVAL_MS must be milliseconds"))?
            }
            None => 1000,
        };
        let number = |k: &str, default: u64| -> anyhow::Result<u64> {
            match var(k) {
                Some(v) => v.parse().map_err(|_| anyhow::anyhow!("{k} must be a whole number")),
                None => Ok(default),
            }
        };
        let digest_at = match var("FIELDSCHOOL_DIGEST_AT") {
            Some(v) => chrono::NaiveTime::parse_from_str(&v, "%H:%M")
                .map_err(|_| anyhow::anyhow!("FIELDSCHOOL_DIGEST_AT must be HH:MM (example: 18:00)"))?,
            None => chrono::NaiveTime::from_hms_opt(18, 0, 0).expect("a valid time"),
        };
        let survey_waves = match var("FIELDSCHOOL_SURVEY_MONTHS") {
            Some(v) => {
                let months: Option<Vec<u8>> =
                    v.split(',').map(|m| m.trim().parse().ok().filter(|m| (1..=60).contains(m))).collect();
                let mut months = months.filter(|m| !m.is_empty()).ok_or_else(|| {
                    anyhow::anyhow!("FIELDSCHOOL_SURVEY_MONTHS must list months from 1 to 60 (example: 3,6,12)")
                })?;
                months.sort_unstable();
                months.dedup();
                months
            }
            None => vec![3, 6, 12],
        };
        let clock_start = match var("FIELDSCHOOL_CLOCK_START") {
            Some(v) => Some(parse_instant(&v, default_timezone).ok_or_else(|| {
                anyhow::anyhow!(
                    "FIELDSCHOOL_CLOCK_START must be \"YYYY-MM-DD HH:MM\" local time (example: 2026-12-14 10:00)"
                )
            })?),
            None => None,
        };
        let address = |k: &str, default: Option<&str>| -> anyhow::Result<Option<std::net::SocketAddr>> {
            match var(k).or_else(|| default.map(str::to_owned)) {
                Some(v) => {
                    Ok(Some(v.parse().map_err(|_| anyhow::anyhow!("{k} must be HOST:PORT (example: 0.0.0.0:8080)"))?))
                }
                None => Ok(None),
            }
        };
        let webhook_url = var("FIELDSCHOOL_WEBHOOK_URL");
        if let Some(url) = &webhook_url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            anyhow::bail!("FIELDSCHOOL_WEBHOOK_URL must be the public URL, e.g. https://bot.example.org/telegram");
        }
        let webhook_secret = var("FIELDSCHOOL_WEBHOOK_SECRET");
        let secret_ok = |s: &str| {
            (1..=256).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        };
        if webhook_secret.as_deref().is_some_and(|s| !secret_ok(s)) {
            anyhow::bail!("FIELDSCHOOL_WEBHOOK_SECRET must be 1–256 characters of A-Z, a-z, 0-9, _ and -");
        }
        Ok(Config {
            webhook_url,
            listen: address("FIELDSCHOOL_LISTEN", Some("0.0.0.0:8080"))?.unwrap_or_else(|| ([0, 0, 0, 0], 8080).into()),
            webhook_secret,
            webhook_max_connections: number("FIELDSCHOOL_WEBHOOK_MAX_CONNECTIONS", 40)?.clamp(1, 100) as u8,
            metrics_listen: address("FIELDSCHOOL_METRICS_LISTEN", None)?,
            inbox_workers: number("FIELDSCHOOL_WORKERS", 16)?.clamp(1, 256) as usize,
            inbox_retention: Duration::days(number("FIELDSCHOOL_INBOX_RETENTION_DAYS", 7)?.max(1) as i64),
            inbox_lease: Duration::seconds(number("FIELDSCHOOL_INBOX_LEASE_SECS", 60)?.clamp(3, 3600) as i64),
            phone_retention_months: number("FIELDSCHOOL_PHONE_RETENTION_MONTHS", 24)?.min(1200) as u32,
            comment_retention_months: number("FIELDSCHOOL_COMMENT_RETENTION_MONTHS", 12)?.min(1200) as u32,
            outbox_retention: Duration::days(number("FIELDSCHOOL_OUTBOX_RETENTION_DAYS", 30)?.clamp(1, 36_500) as i64),
            clock_start,
            worker_id: var("FIELDSCHOOL_WORKER_ID"),
            cjk_font: var(crate::render::ENV_FONT).map(std::path::PathBuf::from),
            bot_username: var("FIELDSCHOOL_BOT_USERNAME").map(|u| u.trim_start_matches('@').to_owned()),
            survey_waves,
            survey_open: Duration::days(number("FIELDSCHOOL_SURVEY_OPEN_DAYS", 30)?.max(1) as i64),
            survey_nudge_gap: Duration::days(number("FIELDSCHOOL_SURVEY_NUDGE_DAYS", 4)?.max(1) as i64),
            digest_at,
            checkin_ttl: Duration::minutes(number("FIELDSCHOOL_CHECKIN_MINUTES", 30)? as i64),
            quiz_size: number("FIELDSCHOOL_QUIZ_SIZE", 5)?.max(1) as usize,
            quiz_retakes: number("FIELDSCHOOL_QUIZ_RETAKES", 1)? as usize,
            quiz_seed: match var("FIELDSCHOOL_QUIZ_SEED") {
                Some(v) => Some(v.parse().map_err(|_| anyhow::anyhow!("FIELDSCHOOL_QUIZ_SEED must be a number"))?),
                None => None,
            },
            send_per_sec,
            per_chat_interval: std::time::Duration::from_millis(per_chat_ms),
            flood: crate::inbox::flood::FloodLimit {
                burst: u32::try_from(number("FIELDSCHOOL_FLOOD_BURST", 20)?).unwrap_or(u32::MAX),
                window: std::time::Duration::from_secs(number("FIELDSCHOOL_FLOOD_WINDOW_SECS", 10)?.max(1)),
            },
            cancel_cutoff: hours("FIELDSCHOOL_CANCEL_CUTOFF_HOURS", 24)?,
            offer_ttl: hours("FIELDSCHOOL_OFFER_HOURS", 24)?,
            request_threshold,
            database_url: var("DATABASE_URL").unwrap_or_else(|| Self::DEFAULT_DATABASE_URL.to_owned()),
            token: var("TELOXIDE_TOKEN"),
            api_url: var("TELOXIDE_API_URL"),
            invite_ttl: Duration::days(invite_days),
            default_timezone,
        })
    }
}

/// The PostgreSQL server storage tests create their databases on (`FIELDSCHOOL_TEST_PG`, default the
/// local server with trust authentication); `None` when `FIELDSCHOOL_SKIP_PG=1` says to run SQLite only.
pub fn test_postgres_url() -> Option<String> {
    if std::env::var("FIELDSCHOOL_SKIP_PG").as_deref() == Ok("1") {
        return None;
    }
    Some(
        std::env::var("FIELDSCHOOL_TEST_PG")
            .ok()
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".to_owned()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_start_instant_is_read_as_local_time_or_as_rfc_3339() {
        let tz = chrono_tz::Asia::Shanghai;
        let expected = chrono::DateTime::parse_from_rfc3339("2026-12-14T02:00:00Z").unwrap().to_utc();
        assert_eq!(parse_instant("2026-12-14 10:00", tz), Some(expected));
        assert_eq!(parse_instant(" 2026-12-14T10:00:00+08:00 ", tz), Some(expected));
        assert_eq!(parse_instant("14.12.2026", tz), None);
    }
}
