//! One-time deep links that grant a role (trainer, coordinator scoped to a region, admin).

use chrono::{DateTime, Utc};
use rand::Rng;
use rand::distributions::Alphanumeric;

use crate::app::App;
use crate::db::{self, invites::Redeem};
use crate::domain::person::{Role, RoleGrant};

#[derive(Debug, Clone)]
pub struct Invite {
    pub token: String,
    pub grant: RoleGrant,
    pub expires_at: DateTime<Utc>,
}

impl Invite {
    /// `https://t.me/<bot>?start=<token>`; the token is `[A-Za-z0-9]`, well under the 64-character limit.
    pub fn link(&self, bot_username: &str) -> String {
        format!("https://t.me/{bot_username}?start={}", self.token)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum InviteError {
    #[error("a coordinator invite needs --region (a county, township or village key from the catalogue)")]
    CoordinatorNeedsRegion,
    #[error("unknown region {0:?}: import the catalogue first or check the key")]
    UnknownRegion(String),
    #[error("only coordinators are scoped to a region")]
    RegionNotAllowed,
    #[error("unknown trainer {0:?}: import the catalogue first or check the key")]
    UnknownTrainer(String),
    #[error("only trainer invites name a catalogue trainer")]
    TrainerNotAllowed,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// A new invite for `role`; coordinators name their `region`, trainers may name the catalogue
/// `trainer` they are (so they see their own classes and hear about them).
pub async fn create(app: &App, role: Role, region: Option<&str>, trainer: Option<&str>) -> Result<Invite, InviteError> {
    let trainer_key = match (role, trainer) {
        (Role::Trainer, Some(key)) => match db::catalog::trainer(&app.db, key).await? {
            Some(t) => Some(t.key),
            None => return Err(InviteError::UnknownTrainer(key.to_owned())),
        },
        (_, Some(_)) => return Err(InviteError::TrainerNotAllowed),
        (_, None) => None,
    };
    let region_key = match (role, region) {
        (Role::Coordinator, None) => return Err(InviteError::CoordinatorNeedsRegion),
        (Role::Coordinator, Some(key)) => match db::regions::get(&app.db, key).await? {
            Some(r) => r.key,
            None => return Err(InviteError::UnknownRegion(key.to_owned())),
        },
        (_, Some(_)) => return Err(InviteError::RegionNotAllowed),
        (_, None) => String::new(),
    };
    let token: String = rand::thread_rng().sample_iter(&Alphanumeric).take(24).map(char::from).collect();
    let now = app.now();
    let invite = Invite { token, grant: RoleGrant { role, region_key }, expires_at: now + app.config.invite_ttl };
    db::invites::insert(&app.db, &invite.token, &invite.grant, trainer_key.as_deref(), now, invite.expires_at).await?;
    Ok(invite)
}

/// Whether a `/start` payload looks like an invite token at all (anything else is ignored).
pub fn looks_like_token(payload: &str) -> bool {
    payload.len() == 24 && payload.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Redeems a token for `user_id` and grants the role, atomically: a link works once.
pub async fn redeem(app: &App, token: &str, user_id: i64) -> Result<Redeem, sqlx::Error> {
    let now = app.now();
    let mut tx = app.db.begin_write().await?;
    let outcome = db::invites::redeem(&mut tx, token, user_id, now).await?;
    if let Redeem::Granted(grant) = &outcome {
        db::people::grant_role(&mut tx, user_id, grant, now).await?;
        if let Some(trainer_key) = db::invites::trainer_key(&mut tx, token).await? {
            db::invites::link_trainer(&mut tx, user_id, &trainer_key, now).await?;
        }
    }
    tx.commit().await?;
    Ok(outcome)
}
