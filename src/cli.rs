//! Operator commands other than `run` (invite, import, calendar…): thin wrappers over services that
//! print plain results for the terminal.

use anyhow::Context as _;
use teloxide::prelude::Requester;

use crate::app::App;
use crate::config::Config;
use crate::domain::person::Role;
use crate::services;
use crate::services::invites::InviteError;
use crate::startup::{bot_from_config, clock_from_config, open_db};

pub async fn invite(
    config: Config,
    role: &str,
    region: Option<&str>,
    trainer: Option<&str>,
    bot_username: Option<String>,
) -> anyhow::Result<()> {
    let role = Role::parse(role).context("role must be trainer, coordinator or admin")?;
    let bot_username = match bot_username {
        Some(u) => u.trim_start_matches('@').to_owned(),
        None => {
            let bot = bot_from_config(&config)
                .context("set --bot-username (or FIELDSCHOOL_BOT_USERNAME) or TELOXIDE_TOKEN to build the link")?;
            bot.get_me().await.context("getMe failed; pass --bot-username instead")?.username().to_owned()
        }
    };
    let db = open_db(&config.database_url).await?;
    let app = App::new(db, clock_from_config(&config), config);
    let invite = match services::invites::create(&app, role, region, trainer).await {
        Ok(invite) => invite,
        Err(e @ (InviteError::UnknownRegion(_) | InviteError::UnknownTrainer(_))) => {
            let known = services::invites::known_keys(&app, role).await?;
            let known = if known.is_empty() { "none (import a catalogue first)".to_owned() } else { known.join(", ") };
            anyhow::bail!("{e}. Known keys: {known}");
        }
        Err(e) => return Err(e.into()),
    };
    println!("{}", invite.link(&bot_username));
    // By name, so the operator sees whom the link makes a trainer, or which region it gives.
    eprintln!("grants: {}; expires {} (UTC); works once", invite.grants(), invite.expires_at.format("%Y-%m-%d %H:%M"));
    Ok(())
}

/// `fieldschool import FILE [--allow-past]`: prints what changed and any warnings, or every problem
/// with its line (nothing written).
pub async fn import(config: Config, path: &std::path::Path, allow_past: bool) -> anyhow::Result<()> {
    let db = open_db(&config.database_url).await?;
    let app = App::new(db, clock_from_config(&config), config);
    match services::catalog_import::import_file(&app, path, allow_past).await {
        Ok(report) => {
            println!("{report}");
            for warning in report.unattended_warnings() {
                println!("{warning}");
            }
            // People booked on moved or cancelled sessions, and coordinators of sessions put into a
            // busy season, hear about it through the outbox (sent when the bot runs).
            services::reminders::after_import(&app, &report).await?;
            Ok(())
        }
        Err(err @ services::catalog_import::ImportError::Invalid { .. }) => {
            eprintln!("{err}");
            anyhow::bail!("the catalogue was refused")
        }
        Err(e) => Err(e.into()),
    }
}

/// `--lang CODE`: one of the languages under `locales/`.
fn parse_lang(code: &str) -> anyhow::Result<crate::i18n::Lang> {
    crate::i18n::Lang::from_code(code).with_context(|| {
        let codes: Vec<&str> = crate::i18n::Lang::ALL.iter().map(|l| l.code()).collect();
        format!("--lang must be one of: {} (got {code:?})", codes.join(", "))
    })
}

/// `fieldschool calendar REGION [--year Y]`: the region's solar terms and busy seasons with dates.
pub async fn calendar(config: Config, region: &str, year: Option<i32>, lang: &str) -> anyhow::Result<()> {
    use chrono::Datelike;
    let db = open_db(&config.database_url).await?;
    let lang = parse_lang(lang)?;
    let Some(found) = crate::db::regions::get(&db, region).await? else {
        let known: Vec<String> = crate::db::catalog::all_regions(&db).await?.into_iter().map(|r| r.key).collect();
        anyhow::bail!(
            "no region {region:?}; import a catalogue first (fieldschool import FILE){}",
            if known.is_empty() { String::new() } else { format!(". Known regions: {}", known.join(", ")) }
        );
    };
    let calendar = crate::db::catalog::calendar_of(&db, region).await?.context("region without a calendar")?;
    let year = year.unwrap_or_else(|| clock_from_config(&config).now().with_timezone(&calendar.tz).year());
    let name = found.display_name(lang).to_owned();
    print!("{}", crate::domain::calendar::render_calendar(&calendar, &name, year, lang));
    Ok(())
}

/// `fieldschool verify CODE [--lang en]`: what a certificate certifies, or that no certificate has the
/// code. The code may be typed without its dash and in lower case.
/// `fieldschool backup FILE`: a consistent copy of the SQLite database, taken while the bot runs.
pub async fn backup(config: Config, file: &std::path::Path) -> anyhow::Result<()> {
    if crate::db::sqlite_file(&config.database_url).is_none() {
        anyhow::bail!(
            "backup copies a SQLite database; for PostgreSQL use pg_dump (example: pg_dump -Fc -f fieldschool.dump \"$DATABASE_URL\")"
        );
    }
    if file.exists() {
        anyhow::bail!("{} exists already: choose a new file name", file.display());
    }
    let db = crate::db::Db::connect(&config.database_url).await?;
    crate::db::backup_into(&db, file).await.with_context(|| format!("copying the database to {}", file.display()))?;
    let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    println!("{} ({} KB)", file.display(), size.div_ceil(1024));
    Ok(())
}

pub async fn verify(config: Config, code: &str, lang: &str) -> anyhow::Result<()> {
    let lang = parse_lang(lang)?;
    let db = open_db(&config.database_url).await?;
    let app = App::new(db, clock_from_config(&config), config);
    // A revoked certificate is said, and is not valid: the exit status says so to scripts too.
    if let Some(code) = crate::domain::learning::normalize_certificate_code(code)
        && let Some(line) = services::erasure::revoked_line(&app, &code, lang).await?
    {
        anyhow::bail!("{line}");
    }
    match services::learning::verify(&app, code, lang).await? {
        Some(line) => {
            println!("{line}");
            Ok(())
        }
        None => anyhow::bail!("{}", crate::tr!(lang, "verify-unknown")),
    }
}

/// `fieldschool audit [--since DATE] [--region KEY]`: the audit log, oldest first, one tab-separated
/// line per entry (number, UTC time, actor, action, region, scope, detail).
pub async fn audit(config: Config, since: Option<&str>, region: Option<&str>) -> anyhow::Result<()> {
    let since = match since {
        Some(text) => Some(
            parse_since(text, config.default_timezone)
                .with_context(|| format!("--since must be a day (YYYY-MM-DD) or an RFC 3339 instant (got {text:?})"))?,
        ),
        None => None,
    };
    let db = open_db(&config.database_url).await?;
    let app = App::new(db, clock_from_config(&config), config);
    let rows = services::audit::for_operator(&app, since, region).await?;
    if rows.is_empty() {
        eprintln!("no audit entries");
    }
    for row in &rows {
        println!("{}", services::audit::operator_line(row));
    }
    Ok(())
}

/// The start of day `YYYY-MM-DD` in `tz`, or an RFC 3339 instant / `YYYY-MM-DD HH:MM`.
fn parse_since(text: &str, tz: chrono_tz::Tz) -> Option<chrono::DateTime<chrono::Utc>> {
    use chrono::TimeZone;
    if let Ok(day) = chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
        return tz.from_local_datetime(&day.and_hms_opt(0, 0, 0)?).earliest().map(|t| t.to_utc());
    }
    crate::config::parse_instant(text, tz)
}
