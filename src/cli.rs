//! Operator commands other than `run` (invite, import, calendar…): thin wrappers over services that
//! print plain results for the terminal.

use std::sync::Arc;

use anyhow::Context as _;
use teloxide::prelude::Requester;

use crate::app::App;
use crate::clock::SystemClock;
use crate::config::Config;
use crate::domain::person::Role;
use crate::services;
use crate::startup::{bot_from_config, open_db};

pub async fn invite(
    config: Config,
    role: &str,
    region: Option<&str>,
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
    let app = App::new(db, Arc::new(SystemClock), config);
    let invite = services::invites::create(&app, role, region).await?;
    println!("{}", invite.link(&bot_username));
    eprintln!(
        "role: {}{}; expires {} (UTC); works once",
        invite.grant.role.as_str(),
        if invite.grant.region_key.is_empty() { String::new() } else { format!(" of {}", invite.grant.region_key) },
        invite.expires_at.format("%Y-%m-%d %H:%M")
    );
    Ok(())
}
