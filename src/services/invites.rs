//! One-time deep links that grant a role (trainer, coordinator scoped to a region, admin).
//!
//! Opening a link grants nothing by itself: a newcomer first sees the consent and registers (the role
//! comes with the registration, [`register_staff`]); someone registered already is asked to confirm
//! ([`accept`]). One account stands for at most one catalogue trainer: a trainer invite naming another
//! trainer replaces the link, and the person is told what changes before they accept.

use chrono::{DateTime, Utc};
use rand::Rng;
use rand::distributions::Alphanumeric;

use crate::app::App;
use crate::db::audit::{Actor, AuditAction, AuditEntry};
use crate::db::{self, invites::Lookup, invites::Redeem};
use crate::domain::catalog::Trainer;
use crate::domain::person::{Person, Role, RoleGrant};
use crate::domain::region::Region;
use crate::domain::registration::{NewStaff, StaffInvite};

#[derive(Debug, Clone)]
pub struct Invite {
    pub token: String,
    pub grant: RoleGrant,
    pub expires_at: DateTime<Utc>,
    /// The catalogue trainer a trainer invite names.
    pub trainer: Option<Trainer>,
    /// A coordinator's region.
    pub region: Option<Region>,
}

impl Invite {
    /// `https://t.me/<bot>?start=<token>`; the token is `[A-Za-z0-9]`, well under the 64-character limit.
    pub fn link(&self, bot_username: &str) -> String {
        format!("https://t.me/{bot_username}?start={}", self.token)
    }

    /// What the link grants, by name, for the operator who made it: `trainer 王立新 (wang-lixin)`,
    /// `coordinator of 新安县 (xinan)`, `admin`.
    pub fn grants(&self) -> String {
        match (&self.trainer, &self.region) {
            (Some(t), _) => format!("{} {} ({})", self.grant.role.as_str(), t.name, t.key),
            (None, Some(r)) => format!("{} of {} ({})", self.grant.role.as_str(), r.name, r.key),
            (None, None) => self.grant.role.as_str().to_owned(),
        }
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
    let trainer = match (role, trainer) {
        (Role::Trainer, Some(key)) => match db::catalog::trainer(&app.db, key).await? {
            Some(t) => Some(t),
            None => return Err(InviteError::UnknownTrainer(key.to_owned())),
        },
        (_, Some(_)) => return Err(InviteError::TrainerNotAllowed),
        (_, None) => None,
    };
    let region = match (role, region) {
        (Role::Coordinator, None) => return Err(InviteError::CoordinatorNeedsRegion),
        (Role::Coordinator, Some(key)) => match db::regions::get(&app.db, key).await? {
            Some(r) => Some(r),
            None => return Err(InviteError::UnknownRegion(key.to_owned())),
        },
        (_, Some(_)) => return Err(InviteError::RegionNotAllowed),
        (_, None) => None,
    };
    let token: String = rand::thread_rng().sample_iter(&Alphanumeric).take(24).map(char::from).collect();
    let now = app.now();
    let region_key = region.as_ref().map(|r| r.key.clone()).unwrap_or_default();
    let invite = Invite {
        token,
        grant: RoleGrant { role, region_key },
        expires_at: now + app.config.invite_ttl,
        trainer,
        region,
    };
    let trainer_key = invite.trainer.as_ref().map(|t| t.key.as_str());
    let mut tx = app.db.begin_write().await?;
    db::invites::insert(&mut tx, &invite.token, &invite.grant, trainer_key, now, invite.expires_at).await?;
    // Who holds a link that grants a role matters as much as who used it: the operator made this one.
    let entry = AuditEntry::new(now, Actor::Cli, AuditAction::Invite, format!("role:{}", role.as_str()))
        .region(invite.grant.region_key.clone())
        .detail(format!(
            "trainer={} expires={}",
            trainer_key.unwrap_or("-"),
            invite.expires_at.format("%Y-%m-%d %H:%M")
        ));
    db::audit::record(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(invite)
}

/// The keys an operator can name, for an error message: catalogue trainers, or regions.
pub async fn known_keys(app: &App, role: Role) -> sqlx::Result<Vec<String>> {
    match role {
        Role::Trainer => db::invites::trainer_keys(&app.db).await,
        _ => Ok(db::catalog::all_regions(&app.db).await?.into_iter().map(|r| r.key).collect()),
    }
}

/// An invite someone opened, with the names of what it grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub invite: StaffInvite,
    pub trainer: Option<Trainer>,
    pub region: Option<Region>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    Valid(Box<Offer>),
    Expired,
    AlreadyUsed,
    Unknown,
}

/// What an invite would grant, without using it.
pub async fn open(app: &App, token: &str) -> sqlx::Result<Opened> {
    Ok(match db::invites::lookup(&app.db, token, app.now()).await? {
        Lookup::Open { grant, trainer_key } => {
            let trainer = match &trainer_key {
                Some(key) => db::catalog::trainer(&app.db, key).await?,
                None => None,
            };
            let region = match grant.role {
                Role::Coordinator => db::regions::get(&app.db, &grant.region_key).await?,
                _ => None,
            };
            Opened::Valid(Box::new(Offer {
                invite: StaffInvite { token: token.to_owned(), grant, trainer_key },
                trainer,
                region,
            }))
        }
        Lookup::Expired => Opened::Expired,
        Lookup::AlreadyUsed => Opened::AlreadyUsed,
        Lookup::Unknown => Opened::Unknown,
    })
}

/// What accepting `offer` changes for `person`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A role (or a link to a catalogue trainer) they do not have yet.
    Adds,
    /// The account stands for another catalogue trainer now (this key): that trainer's classes go.
    ReplacesTrainer(String),
    /// They hold exactly this already: the link is not needed (and stays unused).
    Nothing,
}

pub async fn change_for(app: &App, person: &Person, offer: &Offer) -> sqlx::Result<Change> {
    let holds_role = person.roles.contains(&offer.invite.grant);
    let linked = db::people::trainer_key(&app.db, person.user_id).await?;
    Ok(match (&offer.invite.trainer_key, linked) {
        (Some(new), Some(old)) if *new != old => Change::ReplacesTrainer(old),
        (Some(new), Some(old)) if *new == old && holds_role => Change::Nothing,
        (Some(_), _) => Change::Adds,
        (None, _) if holds_role => Change::Nothing,
        (None, _) => Change::Adds,
    })
}

/// The outcome of using an invite: the grant (or why not), and the catalogue trainer the account no
/// longer stands for, if the invite replaced one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub redeem: Redeem,
    pub replaced_trainer: Option<String>,
}

/// A registered person accepts an invite: it is used, the role granted and the trainer link set, in one
/// transaction (a link works once, even when two people open it at the same time).
pub async fn accept(app: &App, token: &str, user_id: i64) -> sqlx::Result<Accepted> {
    let mut tx = app.db.begin_write().await?;
    let accepted = use_in(&mut tx, app, token, user_id).await?;
    tx.commit().await?;
    Ok(accepted)
}

async fn use_in(tx: &mut db::Tx, app: &App, token: &str, user_id: i64) -> sqlx::Result<Accepted> {
    let now = app.now();
    let redeem = db::invites::redeem(tx, token, user_id, now).await?;
    let mut replaced_trainer = None;
    if let Redeem::Granted(grant) = &redeem {
        db::people::grant_role(tx, user_id, grant, now).await?;
        let entry = AuditEntry::new(now, Actor::User(user_id), AuditAction::RoleGrant, format!("person:{user_id}"))
            .region(grant.region_key.clone())
            .detail(format!("role={} via=invite", grant.role.as_str()));
        db::audit::record(tx, &entry).await?;
        if let Some(trainer_key) = db::invites::trainer_key(tx, token).await? {
            replaced_trainer = db::invites::linked_trainer(tx, user_id).await?.filter(|old| *old != trainer_key);
            db::invites::link_trainer(tx, user_id, &trainer_key, now).await?;
            if let Some(old) = &replaced_trainer {
                tracing::info!(user_id, old, new = trainer_key, "trainer link replaced through an invite");
                let entry =
                    AuditEntry::new(now, Actor::User(user_id), AuditAction::RoleRemoval, format!("person:{user_id}"))
                        .detail(format!("trainer={old} replaced-by={trainer_key}"));
                db::audit::record(tx, &entry).await?;
            }
        }
    }
    Ok(Accepted { redeem, replaced_trainer })
}

/// Redeems a token for `user_id` and grants the role, atomically: a link works once.
pub async fn redeem(app: &App, token: &str, user_id: i64) -> Result<Redeem, sqlx::Error> {
    Ok(accept(app, token, user_id).await?.redeem)
}

/// Stores a staff registration and uses its invite in one transaction. When the invite can no longer be
/// used (expired or taken while they registered), they are registered all the same, without the role,
/// and the returned [`Redeem`] says why.
pub async fn register_staff(
    app: &App,
    user_id: i64,
    chat_id: i64,
    staff: &NewStaff,
) -> anyhow::Result<(Person, Redeem)> {
    let mut tx = app.db.begin_write().await?;
    db::people::insert_staff(&mut tx, user_id, chat_id, staff, app.now()).await?;
    let accepted = use_in(&mut tx, app, &staff.invite.token, user_id).await?;
    tx.commit().await?;
    let person = db::people::find(&app.db, user_id).await?.ok_or(sqlx::Error::RowNotFound)?;
    Ok((person, accepted.redeem))
}
