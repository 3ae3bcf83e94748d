//! Registered people and their roles.

use super::row::{Flag, MaybeEpoch};
use super::sql::Sql;
use super::{Db, to_epoch};
use crate::domain::person::{Audience, Person, PersonName, Phone, Role, RoleGrant};
use crate::domain::registration::NewPerson;
use crate::i18n::Lang;
use chrono::{DateTime, Utc};

pub(super) const PERSON_COLUMNS: &str =
    "user_id, chat_id, name, audience, lang, village_key, phone, trainee, consent_version";

/// [`PERSON_COLUMNS`] of the table aliased `alias` (for joins).
pub(super) fn person_columns_of(alias: &str) -> String {
    PERSON_COLUMNS.split(", ").map(|c| format!("{alias}.{c}")).collect::<Vec<_>>().join(", ")
}

/// A person's [`PERSON_COLUMNS`] as stored: a [`Person`] once their roles are added ([`PersonRow::with_roles`]).
/// Others flatten it into their rows, or read it with [`super::row::optional`] from an outer join.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct PersonRow {
    user_id: i64,
    chat_id: i64,
    #[sqlx(try_from = "String")]
    name: PersonName,
    audience: Audience,
    lang: String,
    village_key: Option<String>,
    phone: Option<String>,
    #[sqlx(try_from = "Flag")]
    trainee: bool,
    consent_version: i64,
}

impl PersonRow {
    pub(super) fn with_roles(self, roles: Vec<RoleGrant>) -> Person {
        Person {
            user_id: self.user_id,
            chat_id: self.chat_id,
            name: self.name,
            audience: self.audience,
            lang: stored_lang(&self.lang),
            village_key: self.village_key,
            phone: self.phone.map(Phone::from_stored),
            roles,
            trainee: self.trainee,
            consent_version: self.consent_version,
        }
    }
}

/// The language of a stored code. A language whose folder a later release removed reads as the default
/// one rather than locking the person out of the bot.
fn stored_lang(code: &str) -> Lang {
    Lang::from_code(code).unwrap_or_default()
}

pub async fn find(db: &Db, user_id: i64) -> sqlx::Result<Option<Person>> {
    let row: Option<PersonRow> = sqlx::query_as(&format!("SELECT {PERSON_COLUMNS} FROM people WHERE user_id = $1"))
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(row.with_roles(roles(db, user_id).await?)))
}

/// Role grants from their stored pairs `[[role, region_key], …]` as [`super::Backend::roles_json`]
/// aggregates them, sorted as [`roles`] returns them. A record that does not decode grants nothing
/// rather than locking the person out; unknown roles are skipped.
pub(super) fn roles_from_json(json: Option<&str>) -> Vec<RoleGrant> {
    let pairs: Vec<(String, Option<String>)> =
        json.and_then(|json| serde_json::from_str(json).ok()).unwrap_or_default();
    let mut grants: Vec<RoleGrant> = pairs
        .into_iter()
        .filter_map(|(role, region)| {
            Some(RoleGrant { role: Role::parse(&role)?, region_key: region.unwrap_or_default() })
        })
        .collect();
    grants.sort_by(|a, b| (a.role.as_str(), &a.region_key).cmp(&(b.role.as_str(), &b.region_key)));
    grants
}

pub async fn roles(db: &Db, user_id: i64) -> sqlx::Result<Vec<RoleGrant>> {
    let rows: Vec<(Role, String)> =
        sqlx::query_as("SELECT role, region_key FROM person_roles WHERE user_id = $1 ORDER BY role, region_key")
            .bind(user_id)
            .fetch_all(&db.pool)
            .await?;
    Ok(rows.into_iter().map(|(role, region_key)| RoleGrant { role, region_key }).collect())
}

/// Stores a finished registration. Re-registering (after leaving) replaces the old record.
pub async fn insert(db: &Db, user_id: i64, chat_id: i64, p: &NewPerson, now: DateTime<Utc>) -> sqlx::Result<()> {
    let now = to_epoch(now);
    sqlx::query(
        "INSERT INTO people (user_id, chat_id, name, audience, lang, village_key, phone, consent_at, registered_at, updated_at,
                             consent_version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $8, $9)
         ON CONFLICT (user_id) DO UPDATE SET chat_id = excluded.chat_id, name = excluded.name,
             audience = excluded.audience, lang = excluded.lang, village_key = excluded.village_key,
             phone = excluded.phone, consent_at = excluded.consent_at, registered_at = excluded.registered_at,
             updated_at = excluded.updated_at, unreachable_at = NULL, trainee = 1,
             consent_version = excluded.consent_version",
    )
    .bind(user_id)
    .bind(chat_id)
    .bind(p.name.as_str())
    .bind(p.audience.as_str())
    .bind(p.lang.code())
    .bind(&p.village_key)
    .bind(p.phone.as_ref().map(|p| p.as_str().to_owned()))
    .bind(now)
    .bind(crate::domain::erasure::CONSENT_VERSION)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Stores a staff member's registration (through an invite) in the caller's transaction: name, language
/// and phone, no village and no audience yet (`trainee` = 0; the audience column keeps its placeholder).
pub async fn insert_staff(
    tx: &mut super::Tx,
    user_id: i64,
    chat_id: i64,
    p: &crate::domain::registration::NewStaff,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let now = to_epoch(now);
    sqlx::query(
        "INSERT INTO people (user_id, chat_id, name, audience, lang, village_key, phone, consent_at, registered_at,
                             updated_at, trainee, consent_version)
         VALUES ($1, $2, $3, $4, $5, NULL, $6, $7, $7, $7, 0, $8)
         ON CONFLICT (user_id) DO UPDATE SET chat_id = excluded.chat_id, name = excluded.name,
             audience = excluded.audience, lang = excluded.lang, village_key = NULL, phone = excluded.phone,
             consent_at = excluded.consent_at, registered_at = excluded.registered_at,
             updated_at = excluded.updated_at, unreachable_at = NULL, trainee = 0,
             consent_version = excluded.consent_version",
    )
    .bind(user_id)
    .bind(chat_id)
    .bind(p.name.as_str())
    .bind(Audience::Villager.as_str())
    .bind(p.lang.code())
    .bind(p.phone.as_ref().map(|p| p.as_str().to_owned()))
    .bind(now)
    .bind(crate::domain::erasure::CONSENT_VERSION)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A staff member chooses to take courses as `audience` (they become a trainee).
pub async fn set_audience(db: &Db, user_id: i64, audience: Audience, now: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query("UPDATE people SET audience = $1, trainee = 1, updated_at = $2 WHERE user_id = $3")
        .bind(audience.as_str())
        .bind(to_epoch(now))
        .bind(user_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn set_lang(db: &Db, user_id: i64, lang: Lang, now: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query("UPDATE people SET lang = $1, updated_at = $2 WHERE user_id = $3")
        .bind(lang.code())
        .bind(to_epoch(now))
        .bind(user_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn set_name(db: &Db, user_id: i64, name: &PersonName, now: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query("UPDATE people SET name = $1, updated_at = $2 WHERE user_id = $3")
        .bind(name.as_str())
        .bind(to_epoch(now))
        .bind(user_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn set_village(db: &Db, user_id: i64, village_key: &str, now: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query("UPDATE people SET village_key = $1, updated_at = $2 WHERE user_id = $3")
        .bind(village_key)
        .bind(to_epoch(now))
        .bind(user_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn set_phone(db: &Db, user_id: i64, phone: Option<&Phone>, now: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query("UPDATE people SET phone = $1, updated_at = $2 WHERE user_id = $3")
        .bind(phone.map(|p| p.as_str().to_owned()))
        .bind(to_epoch(now))
        .bind(user_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Telegram answered 403: the person blocked the bot. Nothing more is sent until they write again.
pub async fn mark_unreachable(db: &Db, chat_id: i64, now: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query("UPDATE people SET unreachable_at = $1 WHERE chat_id = $2 AND unreachable_at IS NULL")
        .bind(to_epoch(now))
        .bind(chat_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// A person who writes to the bot again is reachable again.
pub async fn mark_reachable(db: &Db, user_id: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE people SET unreachable_at = NULL WHERE user_id = $1 AND unreachable_at IS NOT NULL")
        .bind(user_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn grant_role(tx: &mut super::Tx, user_id: i64, grant: &RoleGrant, now: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO person_roles (user_id, role, region_key, granted_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, role, region_key) DO NOTHING",
    )
    .bind(user_id)
    .bind(grant.role.as_str())
    .bind(&grant.region_key)
    .bind(to_epoch(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn count(db: &Db) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) AS n FROM people").fetch_one(&db.pool).await
}

/// Coordinators whose scope covers any of `region_keys` (a region and its ancestors), reachable ones only.
pub async fn coordinators_for(db: &Db, region_keys: &[String]) -> sqlx::Result<Vec<Person>> {
    if region_keys.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(format!(
        "SELECT DISTINCT {} FROM people p JOIN person_roles r ON r.user_id = p.user_id
         WHERE r.role = 'coordinator' AND r.region_key IN (",
        person_columns_of("p"),
    ));
    sql.push_list(region_keys).push(") AND p.unreachable_at IS NULL ORDER BY p.user_id");
    let rows: Vec<PersonRow> = sql.build_query_as()?.fetch_all(&db.pool).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let grants = roles(db, row.user_id).await?;
        out.push(row.with_roles(grants));
    }
    Ok(out)
}

/// Someone who decides for a region what a coordinator decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decider {
    pub person: Person,
    /// A coordinator of the region (else an admin standing in for missing coordinators).
    pub coordinator: bool,
    /// A coordinator who asked for a one-line message about every order.
    pub wants_lines: bool,
}

/// Who decides for `region_keys` (a region and its ancestors): its reachable coordinators, else the
/// reachable admins; with whether each wants instant lines and with their roles. One statement, driven
/// from the few role grants (index `person_roles_role_region`), however many people there are.
pub async fn deciders_for(db: &Db, region_keys: &[String]) -> sqlx::Result<Vec<Decider>> {
    #[derive(sqlx::FromRow)]
    struct DeciderRow {
        #[sqlx(flatten)]
        person: PersonRow,
        #[sqlx(try_from = "Flag")]
        instant_lines: bool,
        decides_as: Role,
        roles_json: Option<String>,
    }
    let mut sql = Sql::new(
        "WITH held AS (
             SELECT DISTINCT g.role, g.user_id FROM person_roles g JOIN people p ON p.user_id = g.user_id
             WHERE p.unreachable_at IS NULL AND ((g.role = 'coordinator' AND ",
    );
    if region_keys.is_empty() {
        sql.push("FALSE");
    } else {
        sql.push("g.region_key IN (").push_list(region_keys).push(")");
    }
    sql.push(&format!(
        ") OR g.role = 'admin'))
         SELECT {person}, p.instant_lines, h.role AS decides_as, {roles} AS roles_json
         FROM held h JOIN people p ON p.user_id = h.user_id
         WHERE h.role = 'coordinator' OR NOT EXISTS (SELECT 1 FROM held c WHERE c.role = 'coordinator')
         ORDER BY p.user_id",
        person = person_columns_of("p"),
        roles = db.backend.roles_json("p.user_id"),
    ));
    let rows: Vec<DeciderRow> = sql.build_query_as()?.fetch_all(&db.pool).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let coordinator = row.decides_as == Role::Coordinator;
            Decider {
                person: row.person.with_roles(roles_from_json(row.roles_json.as_deref())),
                coordinator,
                wants_lines: coordinator && row.instant_lines,
            }
        })
        .collect())
}

/// Whether `user_id` coordinates any of `region_keys` (a region and its ancestors).
pub async fn coordinates_any(db: &Db, user_id: i64, region_keys: &[String]) -> sqlx::Result<bool> {
    let grants = roles(db, user_id).await?;
    Ok(grants.iter().any(|g| g.role == Role::Coordinator && region_keys.contains(&g.region_key)))
}

/// Where and whether a person can be messaged: chat, language, village, pause, reachability.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Addressee {
    pub user_id: i64,
    pub chat_id: i64,
    pub lang: Lang,
    pub village_key: Option<String>,
    pub paused_until: Option<DateTime<Utc>>,
    pub unreachable: bool,
}

pub async fn addressee(conn: &mut sqlx::AnyConnection, user_id: i64) -> sqlx::Result<Option<Addressee>> {
    #[derive(sqlx::FromRow)]
    struct AddresseeRow {
        user_id: i64,
        chat_id: i64,
        lang: String,
        village_key: Option<String>,
        #[sqlx(try_from = "MaybeEpoch")]
        paused_until: Option<DateTime<Utc>>,
        unreachable_at: Option<i64>,
    }
    let row: Option<AddresseeRow> = sqlx::query_as(
        "SELECT user_id, chat_id, lang, village_key, paused_until, unreachable_at FROM people WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|row| Addressee {
        user_id: row.user_id,
        chat_id: row.chat_id,
        lang: stored_lang(&row.lang),
        village_key: row.village_key,
        paused_until: row.paused_until,
        unreachable: row.unreachable_at.is_some(),
    }))
}

/// What the gate needs to time messages to these chats again at send time: each registered person's
/// village and pause. Chats of nobody registered are absent.
pub async fn send_facts(
    db: &Db,
    chat_ids: &[i64],
) -> sqlx::Result<std::collections::HashMap<i64, (Option<String>, Option<DateTime<Utc>>)>> {
    let mut facts = std::collections::HashMap::new();
    for chunk in chat_ids.chunks(500) {
        // Whole numbers only: safe to inline, and one statement for the whole batch.
        let list = chunk.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let rows: Vec<(i64, Option<String>, MaybeEpoch)> =
            sqlx::query_as(&format!("SELECT chat_id, village_key, paused_until FROM people WHERE chat_id IN ({list})"))
                .fetch_all(&db.pool)
                .await?;
        facts.extend(rows.into_iter().map(|(chat_id, village_key, paused)| (chat_id, (village_key, paused.into()))));
    }
    Ok(facts)
}

/// People linked to a catalogue trainer (through a trainer invite), reachable ones only.
pub async fn trainer_people(db: &Db, trainer_key: &str) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(
        "SELECT t.user_id FROM trainer_links t JOIN people p ON p.user_id = t.user_id
         WHERE t.trainer_key = $1 AND p.unreachable_at IS NULL ORDER BY t.user_id",
    )
    .bind(trainer_key)
    .fetch_all(&db.pool)
    .await
}

/// Holds non-urgent messages until `until` (`None` ends a pause).
pub async fn set_paused_until(
    db: &Db,
    user_id: i64,
    until: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE people SET paused_until = $1, updated_at = $2 WHERE user_id = $3")
        .bind(until.map(to_epoch))
        .bind(to_epoch(now))
        .bind(user_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// The catalogue trainer a person is (linked through a trainer invite).
pub async fn trainer_key(db: &Db, user_id: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT trainer_key FROM trainer_links WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await
}

/// Coordinators of a class's region (and the regions above it) who want instant lines, read on the
/// caller's connection (inside a transaction: `&mut *tx`, no second pool connection).
pub async fn line_coordinators_of_class(conn: &mut sqlx::AnyConnection, class_key: &str) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(
        "SELECT DISTINCT p.user_id FROM classes cl
           JOIN regions r0 ON r0.key = cl.region_key
           LEFT JOIN regions r1 ON r1.key = r0.parent_key
           JOIN person_roles g ON g.role = 'coordinator'
                AND (g.region_key = r0.key OR g.region_key = r1.key OR g.region_key = r1.parent_key)
           JOIN people p ON p.user_id = g.user_id
         WHERE cl.key = $1 AND p.instant_lines = 1 AND p.unreachable_at IS NULL
         ORDER BY p.user_id",
    )
    .bind(class_key)
    .fetch_all(&mut *conn)
    .await
}

/// Whether a coordinator wants the one-line messages about orders.
pub async fn wants_instant_lines(db: &Db, user_id: i64) -> sqlx::Result<bool> {
    let on: Option<Flag> = sqlx::query_scalar("SELECT instant_lines FROM people WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(on.is_some_and(bool::from))
}

pub async fn set_instant_lines(db: &Db, user_id: i64, on: bool) -> sqlx::Result<()> {
    sqlx::query("UPDATE people SET instant_lines = $1 WHERE user_id = $2")
        .bind(i64::from(on))
        .bind(user_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// A person's name, read on the caller's connection.
pub async fn name_conn(conn: &mut sqlx::AnyConnection, user_id: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT name FROM people WHERE user_id = $1").bind(user_id).fetch_optional(&mut *conn).await
}

/// The audience a person takes courses as.
pub async fn audience_conn(conn: &mut sqlx::AnyConnection, user_id: i64) -> sqlx::Result<Option<Audience>> {
    sqlx::query_scalar("SELECT audience FROM people WHERE user_id = $1").bind(user_id).fetch_optional(conn).await
}
