//! The `fieldschool` binary: parses the command line and hands over to the library.

use clap::{Parser, Subcommand};
use fieldschool::config::Config;

#[derive(Parser)]
#[command(name = "fieldschool", version, about = "Field school: a Telegram bot for rural vocational training")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the bot: long polling, or a webhook when FIELDSCHOOL_WEBHOOK_URL is set (see README, "Run in
    /// production"). Needs TELOXIDE_TOKEN; reads DATABASE_URL (default sqlite://fieldschool.db).
    Run,
    /// Copy the SQLite database to FILE while the bot runs (a consistent snapshot). Reads DATABASE_URL
    /// (default sqlite://fieldschool.db); on PostgreSQL use pg_dump.
    Backup {
        /// Where the copy goes; must not exist yet (example: backups/fieldschool-2026-12-01.db).
        file: std::path::PathBuf,
    },
    /// Print a one-time invite link that grants a role. Reads DATABASE_URL (default sqlite://fieldschool.db).
    Invite {
        #[arg(long, value_parser = ["trainer", "coordinator", "admin"])]
        role: String,
        /// Region key (required for coordinators).
        #[arg(long)]
        region: Option<String>,
        /// For trainers: their key in the catalogue (example: wang-lixin), linking them to their classes.
        #[arg(long)]
        trainer: Option<String>,
        /// The bot's username for the link; asked from Telegram (getMe) when not given.
        #[arg(long, env = "FIELDSCHOOL_BOT_USERNAME")]
        bot_username: Option<String>,
    },
    /// Load or refresh the catalogue (regions, trainers, courses, classes) from a TOML file into DATABASE_URL
    /// (default sqlite://fieldschool.db).
    Import {
        /// The catalogue file; see docs/catalog-format.md (example: examples/demo-catalog.toml).
        file: std::path::PathBuf,
        /// Accept classes and sessions that start in the past (loading last year's programme).
        #[arg(long)]
        allow_past: bool,
    },
    /// Print a region's solar terms and busy farming seasons with their dates. Reads DATABASE_URL (default
    /// sqlite://fieldschool.db).
    Calendar {
        /// Region key from the catalogue (example: xinan).
        region: String,
        /// Year (default: this year).
        #[arg(long, value_parser = clap::value_parser!(i32).range(1900..=2100))]
        year: Option<i32>,
        /// Language of the listing: a folder under locales/ (zh, en, …).
        #[arg(long, default_value = "zh")]
        lang: String,
    },
    /// Print what a certificate's verification code certifies. Reads DATABASE_URL (default
    /// sqlite://fieldschool.db).
    Verify {
        /// The code on the certificate (example: K7Q3-M9XP; the dash and case do not matter).
        code: String,
        /// Language of the answer: a folder under locales/ (zh, en, …).
        #[arg(long, default_value = "zh")]
        lang: String,
    },
    /// Print the audit log (exports, role grants, hand-marked attendance, erasures, admin commands,
    /// imports, retention runs), oldest first, tab-separated. Reads DATABASE_URL (default
    /// sqlite://fieldschool.db).
    Audit {
        /// Only entries from this day on (YYYY-MM-DD, in FIELDSCHOOL_TIMEZONE) or this instant (RFC 3339).
        #[arg(long)]
        since: Option<String>,
        /// Only entries about this region and the regions below it (example: xinan).
        #[arg(long)]
        region: Option<String>,
    },
    /// Try the bot in this terminal: no token, no network, a throw-away database with the demo catalogue
    /// (DATABASE_URL is not used).
    Chat {
        /// Updates reach the bot as webhook POSTs (as behind a reverse proxy) instead of long polling.
        #[arg(long)]
        webhook: bool,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // The terminal chat shares stdout with the conversation: only problems are logged there.
    let default_filter = if matches!(cli.command, Command::Chat { .. }) { "warn" } else { "info,sqlx=warn" };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| default_filter.into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let config = Config::from_env()?;
    match cli.command {
        Command::Run => fieldschool::startup::run(config).await,
        Command::Backup { file } => fieldschool::cli::backup(config, &file).await,
        Command::Invite { role, region, trainer, bot_username } => {
            fieldschool::cli::invite(config, &role, region.as_deref(), trainer.as_deref(), bot_username).await
        }
        Command::Import { file, allow_past } => fieldschool::cli::import(config, &file, allow_past).await,
        Command::Calendar { region, year, lang } => fieldschool::cli::calendar(config, &region, year, &lang).await,
        Command::Verify { code, lang } => fieldschool::cli::verify(config, &code, &lang).await,
        Command::Audit { since, region } => fieldschool::cli::audit(config, since.as_deref(), region.as_deref()).await,
        Command::Chat { webhook } => fieldschool::chat::run(webhook).await,
    }
}
