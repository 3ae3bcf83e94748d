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
    /// Run the bot (long polling). Needs TELOXIDE_TOKEN; DATABASE_URL defaults to sqlite://fieldschool.db.
    Run,
    /// Print a one-time invite link that grants a role.
    Invite {
        #[arg(long, value_parser = ["trainer", "coordinator", "admin"])]
        role: String,
        /// Region key (required for coordinators).
        #[arg(long)]
        region: Option<String>,
        /// The bot's username for the link; asked from Telegram (getMe) when not given.
        #[arg(long, env = "FIELDSCHOOL_BOT_USERNAME")]
        bot_username: Option<String>,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let config = Config::from_env()?;
    match cli.command {
        Command::Run => fieldschool::startup::run(config).await,
        Command::Invite { role, region, bot_username } => {
            fieldschool::cli::invite(config, &role, region.as_deref(), bot_username).await
        }
    }
}
