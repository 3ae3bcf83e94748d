//! The catalogue: regions' scheduling settings, trainers, courses, questions, classes, sessions.
//! Writes take a transaction (an import is one); reads take the pool.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use super::row::{Epoch, Flag};
use super::{Db, Tx, to_epoch};
use crate::domain::calendar::{BusyRange, DailyRange, RegionCalendar};
use crate::domain::catalog::{
    BusyMode, Category, Class, ClassStatus, Course, Credits, Mode, Question, RegionSchedule, Session, SessionStatus,
    Trainer, TrainerKind, Translations,
};
use crate::domain::learning::{GeoPoint, Venue};
use crate::domain::person::Audience;
use crate::domain::region::{Region, RegionLevel};
use crate::domain::reminder::ReminderPlan;

/// What an upsert did to the stored row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upsert {
    Created,
    Updated,
    Unchanged,
}

fn decode_err(what: &str, value: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("unknown {what} {value:?}").into())
}

fn json_err(e: serde_json::Error) -> sqlx::Error {
    sqlx::Error::Decode(Box::new(e))
}

// ---------------------------------------------------------------------------------------------------
// Regions
// ---------------------------------------------------------------------------------------------------

pub use crate::domain::catalog::RegionEntry;

/// A stored region's own settings (for inheritance while importing).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredRegion {
    pub key: String,
    pub parent_key: Option<String>,
    pub level: RegionLevel,
    pub own_timezone: Option<String>,
    pub own_zone: Option<String>,
}

pub async fn region_in_tx(tx: &mut Tx, key: &str) -> sqlx::Result<Option<StoredRegion>> {
    sqlx::query_as("SELECT key, parent_key, level, own_timezone, own_zone FROM regions WHERE key = $1")
        .bind(key)
        .fetch_optional(&mut **tx)
        .await
}

fn schedule_columns(s: &RegionSchedule) -> sqlx::Result<(String, Option<String>, Option<String>)> {
    let busy = serde_json::to_string(&s.busy).map_err(json_err)?;
    let quiet = s.quiet_hours.map(|q| q.to_string());
    let windows = match &s.busy_windows {
        Some(w) => Some(serde_json::to_string(w).map_err(json_err)?),
        None => None,
    };
    Ok((busy, quiet, windows))
}

/// Inserts or updates a region's own settings. The resolved `timezone` and `agri_zone` columns are
/// filled by [`resolve_region_inheritance`], which an import runs after all its upserts.
pub async fn upsert_region(tx: &mut Tx, r: &RegionEntry) -> sqlx::Result<Upsert> {
    /// The region's columns as stored, compared as text with what the entry would write (a stored
    /// word this version does not know is a change, not an error).
    #[derive(sqlx::FromRow)]
    struct Stored {
        parent_key: Option<String>,
        level: String,
        name: String,
        #[sqlx(rename = "tr_json")]
        tr: Translations,
        own_timezone: Option<String>,
        own_zone: Option<String>,
        busy_json: String,
        busy_mode: String,
        quiet_hours: Option<String>,
        busy_windows_json: Option<String>,
        sort_order: i64,
        remind_evening_at: Option<String>,
        remind_hours_before: Option<i64>,
        contact: Option<String>,
    }
    let (busy, quiet, windows) = schedule_columns(&r.schedule)?;
    let existing: Option<Stored> = sqlx::query_as(
        "SELECT parent_key, level, name, tr_json, own_timezone, own_zone, busy_json, busy_mode, quiet_hours,
                busy_windows_json, sort_order, remind_evening_at, remind_hours_before, contact
         FROM regions WHERE key = $1",
    )
    .bind(&r.key)
    .fetch_optional(&mut **tx)
    .await?;
    let outcome = match &existing {
        None => Upsert::Created,
        Some(row) => {
            let same = row.parent_key == r.parent_key
                && row.level == r.level.as_str()
                && row.name == r.name
                && row.tr == r.tr
                && row.own_timezone == r.own_timezone
                && row.own_zone == r.own_zone
                && row.busy_json == busy
                && row.busy_mode == r.schedule.busy_mode.as_str()
                && row.quiet_hours == quiet
                && row.busy_windows_json == windows
                && row.sort_order == r.sort_order
                && row.remind_evening_at == r.remind_evening_at
                && row.remind_hours_before == r.remind_hours_before
                && row.contact == r.contact;
            if same { Upsert::Unchanged } else { Upsert::Updated }
        }
    };
    if outcome == Upsert::Unchanged {
        return Ok(outcome);
    }
    sqlx::query(
        "INSERT INTO regions (key, parent_key, level, name, tr_json, timezone, agri_zone, own_timezone, own_zone,
                              busy_json, busy_mode, quiet_hours, busy_windows_json, sort_order, remind_evening_at,
                              remind_hours_before, contact)
         VALUES ($1, $2, $3, $4, $5, '', '', $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
         ON CONFLICT (key) DO UPDATE SET parent_key = excluded.parent_key, level = excluded.level,
             name = excluded.name, tr_json = excluded.tr_json, own_timezone = excluded.own_timezone,
             own_zone = excluded.own_zone, busy_json = excluded.busy_json, busy_mode = excluded.busy_mode,
             quiet_hours = excluded.quiet_hours, busy_windows_json = excluded.busy_windows_json,
             sort_order = excluded.sort_order, remind_evening_at = excluded.remind_evening_at,
             remind_hours_before = excluded.remind_hours_before, contact = excluded.contact",
    )
    .bind(&r.key)
    .bind(&r.parent_key)
    .bind(r.level.as_str())
    .bind(&r.name)
    .bind(r.tr.to_json())
    .bind(&r.own_timezone)
    .bind(&r.own_zone)
    .bind(busy)
    .bind(r.schedule.busy_mode.as_str())
    .bind(quiet)
    .bind(windows)
    .bind(r.sort_order)
    .bind(&r.remind_evening_at)
    .bind(r.remind_hours_before)
    .bind(&r.contact)
    .execute(&mut **tx)
    .await?;
    Ok(outcome)
}

/// When people in a region are reminded of their sessions (its own settings, else its ancestors',
/// else the defaults), read from storage on a given connection; readers use
/// [`crate::domain::catalog_snapshot::CatalogSnapshot::reminder_plan`].
pub async fn reminder_plan_conn(conn: &mut AnyConnection, region_key: &str) -> sqlx::Result<ReminderPlan> {
    let mut chain = Vec::new();
    let mut next = Some(region_key.to_owned());
    while let Some(key) = next.take() {
        let Some((evening_at, hours_before, parent_key)) =
            sqlx::query_as::<_, (Option<String>, Option<i64>, Option<String>)>(
                "SELECT remind_evening_at, remind_hours_before, parent_key FROM regions WHERE key = $1",
            )
            .bind(&key)
            .fetch_optional(&mut *conn)
            .await?
        else {
            break;
        };
        chain.push((evening_at, hours_before));
        next = parent_key;
        if chain.len() > 8 {
            break;
        }
    }
    chain.reverse();
    Ok(ReminderPlan::resolve(&chain))
}

/// Recomputes every region's resolved time zone and agricultural zone from its own settings and its
/// ancestors' (a county's change reaches villages the file did not mention).
pub async fn resolve_region_inheritance(tx: &mut Tx, default_timezone: &str) -> sqlx::Result<()> {
    #[derive(sqlx::FromRow)]
    struct Node {
        key: String,
        parent: Option<String>,
        own_tz: Option<String>,
        own_zone: Option<String>,
        tz: String,
        zone: String,
    }
    let nodes: Vec<Node> = sqlx::query_as(
        "SELECT key, parent_key AS parent, own_timezone AS own_tz, own_zone, timezone AS tz, agri_zone AS zone
         FROM regions",
    )
    .fetch_all(&mut **tx)
    .await?;
    let by_key: std::collections::HashMap<&str, &Node> = nodes.iter().map(|n| (n.key.as_str(), n)).collect();
    for node in &nodes {
        let (mut tz, mut zone) = (None, None);
        let mut cursor = Some(node);
        // The tree is at most three levels deep; the bound guards against a corrupt cycle.
        for _ in 0..8 {
            let Some(n) = cursor else { break };
            tz = tz.or(n.own_tz.clone());
            zone = zone.or(n.own_zone.clone());
            cursor = n.parent.as_deref().and_then(|p| by_key.get(p).copied());
        }
        let tz = tz.unwrap_or_else(|| default_timezone.to_owned());
        let zone = zone.unwrap_or_default();
        if tz != node.tz || zone != node.zone {
            sqlx::query("UPDATE regions SET timezone = $1, agri_zone = $2 WHERE key = $3")
                .bind(tz)
                .bind(zone)
                .bind(&node.key)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

/// A region's scheduling settings as stored; a field `RegionSchedule` reads them through
/// `#[sqlx(flatten, try_from = "ScheduleColumns")]`.
#[derive(sqlx::FromRow)]
pub(super) struct ScheduleColumns {
    busy_json: String,
    busy_mode: BusyMode,
    quiet_hours: Option<String>,
    busy_windows_json: Option<String>,
}

impl TryFrom<ScheduleColumns> for RegionSchedule {
    type Error = sqlx::Error;

    fn try_from(stored: ScheduleColumns) -> sqlx::Result<Self> {
        let quiet_hours = stored
            .quiet_hours
            .map(|q| q.parse::<DailyRange>().map_err(|_| decode_err("quiet hours", &q)))
            .transpose()?;
        Ok(RegionSchedule {
            busy: serde_json::from_str::<Vec<BusyRange>>(&stored.busy_json).map_err(json_err)?,
            busy_mode: stored.busy_mode,
            quiet_hours,
            busy_windows: stored.busy_windows_json.map(|w| serde_json::from_str(&w).map_err(json_err)).transpose()?,
        })
    }
}

/// The calendar of a region: its zone's busy seasons with the overrides of its ancestry applied, and
/// its daily windows. `None` when the region is unknown.
pub async fn calendar_of(db: &Db, region_key: &str) -> sqlx::Result<Option<RegionCalendar>> {
    Ok(db.catalog().await?.calendar(region_key))
}

/// [`calendar_of`] read from storage on a given connection: inside the import's transaction its own
/// writes count (everyone else reads the snapshot).
pub async fn calendar_of_conn(conn: &mut AnyConnection, region_key: &str) -> sqlx::Result<Option<RegionCalendar>> {
    let mut chain = Vec::new();
    let mut resolved: Option<(String, String)> = None;
    let mut next = Some(region_key.to_owned());
    #[derive(sqlx::FromRow)]
    struct Link {
        parent_key: Option<String>,
        timezone: String,
        agri_zone: String,
        #[sqlx(flatten, try_from = "ScheduleColumns")]
        schedule: RegionSchedule,
    }
    while let Some(key) = next.take() {
        let Some(link) = sqlx::query_as::<_, Link>(
            "SELECT parent_key, timezone, agri_zone, busy_json, busy_mode, quiet_hours, busy_windows_json
             FROM regions WHERE key = $1",
        )
        .bind(&key)
        .fetch_optional(&mut *conn)
        .await?
        else {
            break;
        };
        if resolved.is_none() {
            resolved = Some((link.timezone, link.agri_zone));
        }
        chain.push(link.schedule);
        next = link.parent_key;
        if chain.len() > 8 {
            break;
        }
    }
    let Some((tz, zone)) = resolved else { return Ok(None) };
    chain.reverse();
    let tz: chrono_tz::Tz = tz.parse().unwrap_or(chrono_tz::Asia::Shanghai);
    Ok(Some(RegionSchedule::resolve(tz, &zone, &chain)))
}

/// All regions, counties first then in catalogue order (for listings and the `calendar` command).
pub async fn all_regions(db: &Db) -> sqlx::Result<Vec<Region>> {
    Ok(db.catalog().await?.all_regions())
}

// ---------------------------------------------------------------------------------------------------
// Trainers
// ---------------------------------------------------------------------------------------------------

pub(super) const TRAINER_COLUMNS: &str = "key, name, title, kind, bio, tr_json";

/// A trainer as stored ([`TRAINER_COLUMNS`]).
#[derive(sqlx::FromRow)]
pub(super) struct TrainerRow {
    key: String,
    name: String,
    title: String,
    kind: TrainerKind,
    bio: Option<String>,
    #[sqlx(rename = "tr_json")]
    tr: Translations,
}

impl From<TrainerRow> for Trainer {
    fn from(row: TrainerRow) -> Self {
        Trainer {
            key: row.key,
            name: row.name,
            title: row.title,
            kind: row.kind,
            bio: row.bio,
            // Unreadable translations read as none (the Chinese texts still show).
            tr: row.tr,
        }
    }
}

pub async fn upsert_trainer(tx: &mut Tx, t: &Trainer, sort_order: i64) -> sqlx::Result<Upsert> {
    #[derive(sqlx::FromRow)]
    struct Stored {
        #[sqlx(flatten, try_from = "TrainerRow")]
        trainer: Trainer,
        sort_order: i64,
    }
    let existing: Option<Stored> =
        sqlx::query_as(&format!("SELECT {TRAINER_COLUMNS}, sort_order FROM trainers WHERE key = $1"))
            .bind(&t.key)
            .fetch_optional(&mut **tx)
            .await?;
    let outcome = match existing {
        None => Upsert::Created,
        Some(stored) if stored.trainer == *t && stored.sort_order == sort_order => {
            return Ok(Upsert::Unchanged);
        }
        Some(_) => Upsert::Updated,
    };
    sqlx::query(
        "INSERT INTO trainers (key, name, title, kind, bio, sort_order, tr_json) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (key) DO UPDATE SET name = excluded.name, title = excluded.title, kind = excluded.kind,
             bio = excluded.bio, sort_order = excluded.sort_order, tr_json = excluded.tr_json",
    )
    .bind(&t.key)
    .bind(&t.name)
    .bind(&t.title)
    .bind(t.kind.as_str())
    .bind(&t.bio)
    .bind(sort_order)
    .bind(t.tr.to_json())
    .execute(&mut **tx)
    .await?;
    Ok(outcome)
}

pub async fn trainer(db: &Db, key: &str) -> sqlx::Result<Option<Trainer>> {
    Ok(db.catalog().await?.trainer(key).cloned())
}

pub async fn trainer_exists(tx: &mut Tx, key: &str) -> sqlx::Result<bool> {
    Ok(sqlx::query("SELECT 1 AS one FROM trainers WHERE key = $1").bind(key).fetch_optional(&mut **tx).await?.is_some())
}

// ---------------------------------------------------------------------------------------------------
// Courses and questions
// ---------------------------------------------------------------------------------------------------

pub(super) const COURSE_COLUMNS: &str =
    "key, title, tr_json, audience, category, summary, mode, trainer_key, cost_yuan, funded_by,
    needs_approval, credits_tenths, what_to_bring, photo, min_attendance_pct, practical_check, pass_mark_pct";

/// A course as stored ([`COURSE_COLUMNS`]).
#[derive(sqlx::FromRow)]
pub(super) struct CourseRow {
    key: String,
    title: String,
    audience: Audience,
    category: Category,
    summary: String,
    mode: Mode,
    trainer_key: String,
    cost_yuan: i64,
    funded_by: Option<String>,
    #[sqlx(try_from = "Flag")]
    needs_approval: bool,
    credits_tenths: i64,
    what_to_bring: Option<String>,
    photo: Option<String>,
    min_attendance_pct: i64,
    #[sqlx(try_from = "Flag")]
    practical_check: bool,
    pass_mark_pct: i64,
    #[sqlx(rename = "tr_json")]
    tr: Translations,
}

impl From<CourseRow> for Course {
    fn from(row: CourseRow) -> Self {
        Course {
            key: row.key,
            title: row.title,
            audience: row.audience,
            category: row.category,
            summary: row.summary,
            mode: row.mode,
            trainer_key: row.trainer_key,
            cost_yuan: row.cost_yuan,
            funded_by: row.funded_by,
            needs_approval: row.needs_approval,
            credits: Credits::from_tenths(row.credits_tenths),
            what_to_bring: row.what_to_bring,
            photo: row.photo,
            min_attendance_pct: row.min_attendance_pct,
            practical_check: row.practical_check,
            pass_mark_pct: row.pass_mark_pct,
            // Unreadable translations read as none (the Chinese texts still show).
            tr: row.tr,
        }
    }
}

pub async fn upsert_course(tx: &mut Tx, c: &Course, sort_order: i64) -> sqlx::Result<Upsert> {
    #[derive(sqlx::FromRow)]
    struct Stored {
        #[sqlx(flatten, try_from = "CourseRow")]
        course: Course,
        sort_order: i64,
    }
    let existing: Option<Stored> =
        sqlx::query_as(&format!("SELECT {COURSE_COLUMNS}, sort_order FROM courses WHERE key = $1"))
            .bind(&c.key)
            .fetch_optional(&mut **tx)
            .await?;
    let outcome = match existing {
        None => Upsert::Created,
        Some(stored) if stored.course == *c && stored.sort_order == sort_order => {
            return Ok(Upsert::Unchanged);
        }
        Some(_) => Upsert::Updated,
    };
    sqlx::query(
        "INSERT INTO courses (key, title, tr_json, audience, category, summary, mode, trainer_key, cost_yuan,
             funded_by, needs_approval, credits_tenths, what_to_bring, photo, min_attendance_pct, practical_check,
             pass_mark_pct, sort_order)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
         ON CONFLICT (key) DO UPDATE SET title = excluded.title, tr_json = excluded.tr_json,
             audience = excluded.audience, category = excluded.category, summary = excluded.summary,
             mode = excluded.mode, trainer_key = excluded.trainer_key, cost_yuan = excluded.cost_yuan,
             funded_by = excluded.funded_by, needs_approval = excluded.needs_approval,
             credits_tenths = excluded.credits_tenths, what_to_bring = excluded.what_to_bring,
             photo = excluded.photo, min_attendance_pct = excluded.min_attendance_pct,
             practical_check = excluded.practical_check, pass_mark_pct = excluded.pass_mark_pct,
             sort_order = excluded.sort_order",
    )
    .bind(&c.key)
    .bind(&c.title)
    .bind(c.tr.to_json())
    .bind(c.audience.as_str())
    .bind(c.category.as_str())
    .bind(&c.summary)
    .bind(c.mode.as_str())
    .bind(&c.trainer_key)
    .bind(c.cost_yuan)
    .bind(&c.funded_by)
    .bind(i64::from(c.needs_approval))
    .bind(c.credits.tenths())
    .bind(&c.what_to_bring)
    .bind(&c.photo)
    .bind(c.min_attendance_pct)
    .bind(i64::from(c.practical_check))
    .bind(c.pass_mark_pct)
    .bind(sort_order)
    .execute(&mut **tx)
    .await?;
    Ok(outcome)
}

pub async fn course_in_tx(tx: &mut Tx, key: &str) -> sqlx::Result<Option<Course>> {
    let row: Option<CourseRow> = sqlx::query_as(&format!("SELECT {COURSE_COLUMNS} FROM courses WHERE key = $1"))
        .bind(key)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(row.map(Course::from))
}

pub async fn course(db: &Db, key: &str) -> sqlx::Result<Option<Course>> {
    Ok(db.catalog().await?.course(key).cloned())
}

/// Courses of an audience that have at least one open class whose first session is still ahead, in
/// catalogue order: what a person can order now. With `county`, only classes held in that county
/// count (people do not travel to another county for a class).
pub async fn offered_courses(
    db: &Db,
    audience: Audience,
    now: DateTime<Utc>,
    county: Option<&str>,
) -> sqlx::Result<Vec<Course>> {
    Ok(db.catalog().await?.offered_courses(audience, now, county))
}

/// Stores a question; questions are matched on (course, key) so re-imports keep their ids.
pub async fn upsert_question(tx: &mut Tx, q: &Question, sort_order: i64) -> sqlx::Result<Upsert> {
    /// The question's columns as stored, compared with what the import would write.
    #[derive(sqlx::FromRow)]
    struct Stored {
        text: String,
        options_json: String,
        answer: i64,
        explanation: String,
        sort_order: i64,
        active: i64,
        #[sqlx(rename = "tr_json")]
        tr: Translations,
    }
    let options = serde_json::to_string(&q.options).map_err(json_err)?;
    let existing: Option<Stored> = sqlx::query_as(
        "SELECT text, options_json, answer, explanation, sort_order, active, tr_json FROM questions
         WHERE course_key = $1 AND key = $2",
    )
    .bind(&q.course_key)
    .bind(&q.key)
    .fetch_optional(&mut **tx)
    .await?;
    let outcome = match existing {
        None => Upsert::Created,
        Some(row)
            if row.text == q.text
                && row.options_json == options
                && row.answer == q.answer as i64
                && row.explanation == q.explanation
                && row.sort_order == sort_order
                && row.active == 1
                && row.tr == q.tr =>
        {
            return Ok(Upsert::Unchanged);
        }
        Some(_) => Upsert::Updated,
    };
    sqlx::query(
        "INSERT INTO questions (course_key, key, text, options_json, answer, explanation, sort_order, active, tr_json)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8)
         ON CONFLICT (course_key, key) DO UPDATE SET text = excluded.text, options_json = excluded.options_json,
             answer = excluded.answer, explanation = excluded.explanation, sort_order = excluded.sort_order,
             active = 1, tr_json = excluded.tr_json",
    )
    .bind(&q.course_key)
    .bind(&q.key)
    .bind(&q.text)
    .bind(options)
    .bind(q.answer as i64)
    .bind(&q.explanation)
    .bind(sort_order)
    .bind(q.tr.to_json())
    .execute(&mut **tx)
    .await?;
    Ok(outcome)
}

/// Retires the course's questions whose keys are not in `keep` (answers already given keep pointing
/// at them). Returns how many were retired.
pub async fn retire_questions_except(tx: &mut Tx, course_key: &str, keep: &[String]) -> sqlx::Result<u64> {
    let keys: Vec<String> = sqlx::query_scalar("SELECT key FROM questions WHERE course_key = $1 AND active = 1")
        .bind(course_key)
        .fetch_all(&mut **tx)
        .await?;
    let mut retired = 0;
    for key in keys {
        if !keep.contains(&key) {
            sqlx::query("UPDATE questions SET active = 0 WHERE course_key = $1 AND key = $2")
                .bind(course_key)
                .bind(&key)
                .execute(&mut **tx)
                .await?;
            retired += 1;
        }
    }
    Ok(retired)
}

/// Every question of a course, retired ones included (an attempt may hold one a re-import dropped).
pub async fn all_questions_of(db: &Db, course_key: &str) -> sqlx::Result<Vec<Question>> {
    questions_where(db, course_key, "").await
}

/// The active question bank of a course, in catalogue order.
pub async fn questions_of(db: &Db, course_key: &str) -> sqlx::Result<Vec<Question>> {
    questions_where(db, course_key, "AND active = 1").await
}

/// A question as stored.
#[derive(sqlx::FromRow)]
struct QuestionRow {
    id: i64,
    course_key: String,
    key: String,
    text: String,
    options_json: String,
    answer: i64,
    explanation: String,
    #[sqlx(rename = "tr_json")]
    tr: Translations,
}

impl TryFrom<QuestionRow> for Question {
    type Error = sqlx::Error;

    fn try_from(row: QuestionRow) -> sqlx::Result<Self> {
        Ok(Question {
            id: row.id,
            course_key: row.course_key,
            key: row.key,
            text: row.text,
            options: serde_json::from_str(&row.options_json).map_err(json_err)?,
            answer: row.answer.max(0) as usize,
            explanation: row.explanation,
            // Unreadable translations read as none (the Chinese texts still show).
            tr: row.tr,
        })
    }
}

async fn questions_where(db: &Db, course_key: &str, filter: &str) -> sqlx::Result<Vec<Question>> {
    let rows: Vec<QuestionRow> = sqlx::query_as(&format!(
        "SELECT id, course_key, key, text, options_json, answer, explanation, tr_json FROM questions
         WHERE course_key = $1 {filter} ORDER BY sort_order, id"
    ))
    .bind(course_key)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter().map(Question::try_from).collect()
}

// ---------------------------------------------------------------------------------------------------
// Classes and sessions
// ---------------------------------------------------------------------------------------------------

pub(super) const CLASS_COLUMNS: &str =
    "key, course_key, region_key, place, capacity, status, venue_lat_e6, venue_lon_e6, venue_radius_m, tr_json";

/// A class as stored ([`CLASS_COLUMNS`]).
#[derive(sqlx::FromRow)]
pub(super) struct ClassRow {
    key: String,
    course_key: String,
    region_key: String,
    place: String,
    capacity: i64,
    status: ClassStatus,
    #[sqlx(flatten, try_from = "VenueColumns")]
    venue: Option<Venue>,
    #[sqlx(rename = "tr_json")]
    tr: Translations,
}

impl From<ClassRow> for Class {
    fn from(row: ClassRow) -> Self {
        Class {
            key: row.key,
            course_key: row.course_key,
            region_key: row.region_key,
            place: row.place,
            capacity: row.capacity,
            status: row.status,
            venue: row.venue,
            // Unreadable translations read as none (the Chinese texts still show).
            tr: row.tr,
        }
    }
}

/// A venue's three columns (all set, or none); a field `Option<Venue>` reads them through
/// `#[sqlx(flatten, try_from = "VenueColumns")]`.
#[derive(sqlx::FromRow)]
pub(super) struct VenueColumns {
    venue_lat_e6: Option<i64>,
    venue_lon_e6: Option<i64>,
    venue_radius_m: Option<i64>,
}

impl From<VenueColumns> for Option<Venue> {
    fn from(stored: VenueColumns) -> Self {
        match (stored.venue_lat_e6, stored.venue_lon_e6) {
            (Some(lat_e6), Some(lon_e6)) => Some(Venue {
                point: GeoPoint { lat_e6, lon_e6 },
                radius_m: stored.venue_radius_m.unwrap_or(Venue::DEFAULT_RADIUS_M),
            }),
            _ => None,
        }
    }
}

pub async fn upsert_class(tx: &mut Tx, c: &Class, sort_order: i64) -> sqlx::Result<Upsert> {
    #[derive(sqlx::FromRow)]
    struct Stored {
        #[sqlx(flatten, try_from = "ClassRow")]
        class: Class,
        sort_order: i64,
    }
    let existing: Option<Stored> =
        sqlx::query_as(&format!("SELECT {CLASS_COLUMNS}, sort_order FROM classes WHERE key = $1"))
            .bind(&c.key)
            .fetch_optional(&mut **tx)
            .await?;
    let outcome = match existing {
        None => Upsert::Created,
        Some(stored) if stored.class == *c && stored.sort_order == sort_order => {
            return Ok(Upsert::Unchanged);
        }
        Some(_) => Upsert::Updated,
    };
    sqlx::query(
        "INSERT INTO classes (key, course_key, region_key, place, capacity, status, sort_order,
             venue_lat_e6, venue_lon_e6, venue_radius_m, tr_json)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (key) DO UPDATE SET course_key = excluded.course_key, region_key = excluded.region_key,
             place = excluded.place, capacity = excluded.capacity, status = excluded.status,
             sort_order = excluded.sort_order, venue_lat_e6 = excluded.venue_lat_e6,
             venue_lon_e6 = excluded.venue_lon_e6, venue_radius_m = excluded.venue_radius_m,
             tr_json = excluded.tr_json",
    )
    .bind(&c.key)
    .bind(&c.course_key)
    .bind(&c.region_key)
    .bind(&c.place)
    .bind(c.capacity)
    .bind(c.status.as_str())
    .bind(sort_order)
    .bind(c.venue.map(|v| v.point.lat_e6))
    .bind(c.venue.map(|v| v.point.lon_e6))
    .bind(c.venue.map(|v| v.radius_m))
    .bind(c.tr.to_json())
    .execute(&mut **tx)
    .await?;
    Ok(outcome)
}

/// Course and region of a stored class (to check a re-import does not move a class under its orders).
pub async fn class_in_tx(tx: &mut Tx, key: &str) -> sqlx::Result<Option<Class>> {
    let row: Option<ClassRow> = sqlx::query_as(&format!("SELECT {CLASS_COLUMNS} FROM classes WHERE key = $1"))
        .bind(key)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(row.map(Class::from))
}

pub async fn class(db: &Db, key: &str) -> sqlx::Result<Option<Class>> {
    Ok(db.catalog().await?.class(key).cloned())
}

/// The regions of the classes of the courses a trainer (a person linked to a catalogue trainer) teaches.
pub async fn trainer_class_regions(db: &Db, user_id: i64) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT DISTINCT cl.region_key FROM trainer_links t JOIN courses co ON co.trainer_key = t.trainer_key
         JOIN classes cl ON cl.course_key = co.key WHERE t.user_id = $1 ORDER BY cl.region_key",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await
}

/// A course's classes, in catalogue order.
pub async fn classes_of_course(db: &Db, course_key: &str) -> sqlx::Result<Vec<Class>> {
    Ok(db.catalog().await?.classes_of_course(course_key).cloned().collect())
}

/// Marks classes not in `keep` cancelled (an import never deletes: orders point at classes).
/// Returns the keys of the classes it cancelled.
pub async fn cancel_classes_except(tx: &mut Tx, keep: &[String]) -> sqlx::Result<Vec<String>> {
    let keys: Vec<String> =
        sqlx::query_scalar("SELECT key FROM classes WHERE status <> 'cancelled'").fetch_all(&mut **tx).await?;
    let mut cancelled = Vec::new();
    for key in keys {
        if !keep.contains(&key) {
            sqlx::query("UPDATE classes SET status = 'cancelled' WHERE key = $1").bind(&key).execute(&mut **tx).await?;
            cancelled.push(key);
        }
    }
    Ok(cancelled)
}

pub(super) const SESSION_COLUMNS: &str =
    "id, class_key, key, starts_at, ends_at, place, topic, status, venue_lat_e6, venue_lon_e6, venue_radius_m, tr_json";

/// A session as stored ([`SESSION_COLUMNS`]).
#[derive(sqlx::FromRow)]
pub(super) struct SessionRow {
    id: i64,
    class_key: String,
    key: String,
    #[sqlx(try_from = "Epoch")]
    starts_at: DateTime<Utc>,
    #[sqlx(try_from = "Epoch")]
    ends_at: DateTime<Utc>,
    place: Option<String>,
    topic: Option<String>,
    status: SessionStatus,
    #[sqlx(flatten, try_from = "VenueColumns")]
    venue: Option<Venue>,
    #[sqlx(rename = "tr_json")]
    tr: Translations,
}

impl From<SessionRow> for Session {
    fn from(row: SessionRow) -> Self {
        Session {
            id: row.id,
            class_key: row.class_key,
            key: row.key,
            starts_at: row.starts_at,
            ends_at: row.ends_at,
            place: row.place,
            topic: row.topic,
            status: row.status,
            venue: row.venue,
            // Unreadable translations read as none (the Chinese texts still show).
            tr: row.tr,
        }
    }
}

/// What re-importing a session did, as the people holding seats would care about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionChange {
    Created,
    /// Time or place moved.
    Moved,
    /// Cancelled by this import.
    Cancelled,
    /// Only the topic (or nothing people plan around) changed, or nothing at all.
    Unchanged,
}

/// Stores a session (matched on class and key); returns its id and what changed.
pub async fn upsert_session(tx: &mut Tx, s: &Session) -> sqlx::Result<(i64, SessionChange)> {
    let existing: Option<SessionRow> =
        sqlx::query_as(&format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE class_key = $1 AND key = $2"))
            .bind(&s.class_key)
            .bind(&s.key)
            .fetch_optional(&mut **tx)
            .await?;
    match existing {
        None => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO sessions (class_key, key, starts_at, ends_at, place, topic, status,
                     venue_lat_e6, venue_lon_e6, venue_radius_m, tr_json)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            )
            .bind(&s.class_key)
            .bind(&s.key)
            .bind(to_epoch(s.starts_at))
            .bind(to_epoch(s.ends_at))
            .bind(&s.place)
            .bind(&s.topic)
            .bind(s.status.as_str())
            .bind(s.venue.map(|v| v.point.lat_e6))
            .bind(s.venue.map(|v| v.point.lon_e6))
            .bind(s.venue.map(|v| v.radius_m))
            .bind(s.tr.to_json())
            .fetch_one(&mut **tx)
            .await?;
            Ok((id, SessionChange::Created))
        }
        Some(row) => {
            let old = Session::from(row);
            let stored = Session { id: old.id, ..s.clone() };
            if stored == old {
                return Ok((old.id, SessionChange::Unchanged));
            }
            sqlx::query(
                "UPDATE sessions SET starts_at = $1, ends_at = $2, place = $3, topic = $4, status = $5,
                     venue_lat_e6 = $7, venue_lon_e6 = $8, venue_radius_m = $9, tr_json = $10 WHERE id = $6",
            )
            .bind(to_epoch(s.starts_at))
            .bind(to_epoch(s.ends_at))
            .bind(&s.place)
            .bind(&s.topic)
            .bind(s.status.as_str())
            .bind(old.id)
            .bind(s.venue.map(|v| v.point.lat_e6))
            .bind(s.venue.map(|v| v.point.lon_e6))
            .bind(s.venue.map(|v| v.radius_m))
            .bind(s.tr.to_json())
            .execute(&mut **tx)
            .await?;
            let change = if s.status == SessionStatus::Cancelled && old.status != SessionStatus::Cancelled {
                SessionChange::Cancelled
            } else if old.starts_at != s.starts_at || old.ends_at != s.ends_at || old.place != s.place {
                SessionChange::Moved
            } else {
                SessionChange::Unchanged
            };
            Ok((old.id, change))
        }
    }
}

/// Cancels the class's scheduled sessions whose keys are not in `keep`; returns their ids.
pub async fn cancel_sessions_except(tx: &mut Tx, class_key: &str, keep: &[String]) -> sqlx::Result<Vec<i64>> {
    let scheduled: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, key FROM sessions WHERE class_key = $1 AND status = 'scheduled'")
            .bind(class_key)
            .fetch_all(&mut **tx)
            .await?;
    let mut cancelled = Vec::new();
    for (id, key) in scheduled {
        if !keep.contains(&key) {
            sqlx::query("UPDATE sessions SET status = 'cancelled' WHERE id = $1").bind(id).execute(&mut **tx).await?;
            cancelled.push(id);
        }
    }
    Ok(cancelled)
}

/// A class's sessions in time order (cancelled ones included, so a timetable can show them struck).
pub async fn sessions_of_class(db: &Db, class_key: &str) -> sqlx::Result<Vec<Session>> {
    Ok(db.catalog().await?.sessions_of_class(class_key).cloned().collect())
}

/// Scheduled and cancelled sessions of a trainer's courses ending after `from`, in time order, with
/// their class and course.
pub async fn sessions_of_trainer(
    db: &Db,
    trainer_key: &str,
    from: DateTime<Utc>,
) -> sqlx::Result<Vec<(Session, Class, Course)>> {
    Ok(db.catalog().await?.sessions_of_trainer(trainer_key, from, 50))
}

/// [`sessions_of_class`] read from storage on a given connection (inside a transaction: `&mut *tx`).
pub async fn sessions_of_class_conn(conn: &mut AnyConnection, class_key: &str) -> sqlx::Result<Vec<Session>> {
    let rows: Vec<SessionRow> =
        sqlx::query_as(&format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE class_key = $1 ORDER BY starts_at, id"))
            .bind(class_key)
            .fetch_all(&mut *conn)
            .await?;
    Ok(rows.into_iter().map(Session::from).collect())
}

pub async fn session(db: &Db, id: i64) -> sqlx::Result<Option<Session>> {
    Ok(db.catalog().await?.session(id).cloned())
}

/// Counts for an operator's summary line.
pub async fn counts(db: &Db) -> sqlx::Result<[i64; 5]> {
    let mut out = [0; 5];
    for (i, table) in ["regions", "trainers", "courses", "classes", "sessions"].iter().enumerate() {
        out[i] = sqlx::query_scalar(&format!("SELECT COUNT(*) AS n FROM {table}")).fetch_one(&db.pool).await?;
    }
    Ok(out)
}

/// A stored session of a class, by key, inside a transaction (as it was before the import changes it).
pub async fn session_in_tx(tx: &mut Tx, class_key: &str, key: &str) -> sqlx::Result<Option<Session>> {
    let row: Option<SessionRow> =
        sqlx::query_as(&format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE class_key = $1 AND key = $2"))
            .bind(class_key)
            .bind(key)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(row.map(Session::from))
}
