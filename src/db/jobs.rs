//! Jobs after training: openings with their qualifying courses, the offers the scheduler made, referrals
//! with their statuses, people's work intent and the regions' pay floors (migration 0023). The rules
//! are `domain::job`; this module only stores and reads.

use chrono::{DateTime, NaiveDate, Utc};

use super::row::{Epoch, Flag, MaybeEpoch};
use super::{Db, Tx, to_epoch};
use crate::domain::catalog::Translations;
use crate::domain::job::{Opening, Pay, PayUnit, ReferralStatus, WorkIntent};

fn date_text(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

fn date_of(text: Option<String>) -> Option<NaiveDate> {
    text.and_then(|t| NaiveDate::parse_from_str(&t, "%Y-%m-%d").ok())
}

// ---------------------------------------------------------------------------------------------------
// Openings
// ---------------------------------------------------------------------------------------------------

/// An opening as stored: the opening and whether a coordinator (or a later catalogue) closed it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredOpening {
    pub opening: Opening,
    pub closed_at: Option<DateTime<Utc>>,
    pub author_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    /// Referrals marked hired (an opening with as many as its seats is filled).
    pub hired: u32,
}

const OPENING_COLUMNS: &str = "o.id, o.key, o.employer, o.contact, o.region_key, o.place, o.work, o.pay_min, o.pay_max, \
     o.pay_unit, o.starts_on, o.closes_on, o.seats, o.travel, o.tr_json, o.author_id, o.created_at, o.closed_at, \
     (SELECT COUNT(*) FROM referrals r WHERE r.opening_id = o.id AND r.status = 'hired') AS hired";

#[derive(sqlx::FromRow)]
struct OpeningRow {
    id: i64,
    key: Option<String>,
    employer: String,
    contact: String,
    region_key: String,
    place: String,
    work: String,
    pay_min: i64,
    pay_max: i64,
    pay_unit: PayUnit,
    starts_on: Option<String>,
    closes_on: Option<String>,
    seats: i64,
    #[sqlx(try_from = "Flag")]
    travel: bool,
    #[sqlx(rename = "tr_json")]
    tr: Translations,
    author_id: Option<i64>,
    #[sqlx(try_from = "Epoch")]
    created_at: DateTime<Utc>,
    #[sqlx(try_from = "MaybeEpoch")]
    closed_at: Option<DateTime<Utc>>,
    hired: i64,
}

impl OpeningRow {
    fn into_stored(self, courses: Vec<String>) -> StoredOpening {
        let yuan = |v: i64| u32::try_from(v).unwrap_or(0);
        StoredOpening {
            opening: Opening {
                id: self.id,
                key: self.key,
                employer: self.employer,
                contact: self.contact,
                region_key: self.region_key,
                place: self.place,
                work: self.work,
                pay: Pay { min_yuan: yuan(self.pay_min), max_yuan: yuan(self.pay_max), unit: self.pay_unit },
                starts_on: date_of(self.starts_on),
                closes_on: date_of(self.closes_on),
                seats: yuan(self.seats),
                courses,
                travel: self.travel,
                tr: self.tr,
            },
            closed_at: self.closed_at,
            author_id: self.author_id,
            created_at: self.created_at,
            hired: yuan(self.hired),
        }
    }
}

async fn with_courses(conn: &mut sqlx::AnyConnection, rows: Vec<OpeningRow>) -> sqlx::Result<Vec<StoredOpening>> {
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let courses: Vec<String> =
            sqlx::query_scalar("SELECT course_key FROM opening_courses WHERE opening_id = $1 ORDER BY course_key")
                .bind(row.id)
                .fetch_all(&mut *conn)
                .await?;
        out.push(row.into_stored(courses));
    }
    Ok(out)
}

/// One opening by id (closed ones too: an old button may name one).
pub async fn opening(conn: &mut sqlx::AnyConnection, id: i64) -> sqlx::Result<Option<StoredOpening>> {
    let rows: Vec<OpeningRow> = sqlx::query_as(&format!("SELECT {OPENING_COLUMNS} FROM openings o WHERE o.id = $1"))
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
    Ok(with_courses(conn, rows).await?.pop())
}

/// [`opening`] on a pooled connection.
pub async fn opening_by_id(db: &Db, id: i64) -> sqlx::Result<Option<StoredOpening>> {
    let mut conn = db.pool.acquire().await?;
    opening(&mut conn, id).await
}

/// Openings not closed by hand, oldest first (whether each is still open by date and seats is
/// `domain::job::Openness`'s to say).
pub async fn openings_not_closed(db: &Db) -> sqlx::Result<Vec<StoredOpening>> {
    let mut conn = db.pool.acquire().await?;
    let rows: Vec<OpeningRow> = sqlx::query_as(&format!(
        "SELECT {OPENING_COLUMNS} FROM openings o WHERE o.closed_at IS NULL ORDER BY o.sort_order, o.id"
    ))
    .fetch_all(&mut *conn)
    .await?;
    with_courses(&mut conn, rows).await
}

/// Every opening in one of `region_keys` or a region below one, newest first (a coordinator's list).
pub async fn openings_in(db: &Db, region_keys: &[String]) -> sqlx::Result<Vec<StoredOpening>> {
    let catalog = db.catalog().await?;
    let mut conn = db.pool.acquire().await?;
    let rows: Vec<OpeningRow> =
        sqlx::query_as(&format!("SELECT {OPENING_COLUMNS} FROM openings o ORDER BY o.created_at DESC, o.id DESC"))
            .fetch_all(&mut *conn)
            .await?;
    let rows = rows
        .into_iter()
        .filter(|r| catalog.ancestry(&r.region_key).iter().any(|a| region_keys.contains(&a.key)))
        .collect();
    with_courses(&mut conn, rows).await
}

/// What writing an opening did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    New,
    Updated,
    Unchanged,
}

/// Stores an opening: a catalogue opening by its key (a changed one is updated in place, keeping its
/// referrals and offers, and reopened if a later catalogue had retired it), a chat opening as a new
/// row. Returns its id.
pub async fn upsert_opening(
    tx: &mut Tx,
    o: &Opening,
    author_id: Option<i64>,
    sort_order: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<(i64, Written)> {
    let before = match &o.key {
        Some(key) => {
            let id: Option<i64> = sqlx::query_scalar("SELECT id FROM openings WHERE key = $1")
                .bind(key)
                .fetch_optional(&mut **tx)
                .await?;
            match id {
                Some(id) => opening(tx, id).await?,
                None => None,
            }
        }
        None => None,
    };
    if let Some(b) = &before
        && b.opening == (Opening { id: b.opening.id, ..o.clone() })
        && b.closed_at.is_none()
    {
        return Ok((b.opening.id, Written::Unchanged));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO openings (key, employer, contact, region_key, place, work, pay_min, pay_max, pay_unit,
             starts_on, closes_on, seats, travel, tr_json, author_id, created_at, updated_at, sort_order)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, $17)
         ON CONFLICT (key) DO UPDATE SET employer = excluded.employer, contact = excluded.contact,
             region_key = excluded.region_key, place = excluded.place, work = excluded.work,
             pay_min = excluded.pay_min, pay_max = excluded.pay_max, pay_unit = excluded.pay_unit,
             starts_on = excluded.starts_on, closes_on = excluded.closes_on, seats = excluded.seats,
             travel = excluded.travel, tr_json = excluded.tr_json, updated_at = excluded.updated_at,
             sort_order = excluded.sort_order, closed_at = NULL
         RETURNING id",
    )
    .bind(&o.key)
    .bind(o.employer.trim())
    .bind(o.contact.trim())
    .bind(&o.region_key)
    .bind(o.place.trim())
    .bind(o.work.trim())
    .bind(i64::from(o.pay.min_yuan))
    .bind(i64::from(o.pay.max_yuan))
    .bind(o.pay.unit.as_str())
    .bind(date_text(o.starts_on))
    .bind(date_text(o.closes_on))
    .bind(i64::from(o.seats))
    .bind(i64::from(o.travel))
    .bind(o.tr.to_json())
    .bind(author_id)
    .bind(to_epoch(now))
    .bind(sort_order)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM opening_courses WHERE opening_id = $1").bind(id).execute(&mut **tx).await?;
    for course in &o.courses {
        sqlx::query("INSERT INTO opening_courses (opening_id, course_key) VALUES ($1, $2)")
            .bind(id)
            .bind(course)
            .execute(&mut **tx)
            .await?;
    }
    Ok((id, if before.is_some() { Written::Updated } else { Written::New }))
}

/// Closes catalogue openings whose key is not in `keep` (a later catalogue left them out); returns
/// their keys. Openings made in the chat are left alone.
pub async fn close_catalogue_openings_except(
    tx: &mut Tx,
    keep: &[String],
    now: DateTime<Utc>,
) -> sqlx::Result<Vec<String>> {
    let open: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, key FROM openings WHERE key IS NOT NULL AND closed_at IS NULL ORDER BY id")
            .fetch_all(&mut **tx)
            .await?;
    let mut closed = Vec::new();
    for (id, key) in open.into_iter().filter(|(_, k)| !keep.contains(k)) {
        close_opening(tx, id, now).await?;
        closed.push(key);
    }
    Ok(closed)
}

/// Closes an opening by hand; false when it was closed already.
pub async fn close_opening(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> sqlx::Result<bool> {
    Ok(sqlx::query("UPDATE openings SET closed_at = $2, updated_at = $2 WHERE id = $1 AND closed_at IS NULL")
        .bind(id)
        .bind(to_epoch(now))
        .execute(&mut **tx)
        .await?
        .rows_affected()
        == 1)
}

// ---------------------------------------------------------------------------------------------------
// Pay floors
// ---------------------------------------------------------------------------------------------------

/// The pay floor set on each of `region_keys` (a region and those above it), nearest first as given.
pub async fn pay_floor(conn: &mut sqlx::AnyConnection, region_chain: &[String]) -> sqlx::Result<Option<u32>> {
    for key in region_chain {
        let floor: Option<i64> = sqlx::query_scalar("SELECT yuan_month FROM pay_floors WHERE region_key = $1")
            .bind(key)
            .fetch_optional(&mut *conn)
            .await?;
        if let Some(floor) = floor {
            return Ok(u32::try_from(floor).ok());
        }
    }
    Ok(None)
}

/// Sets (or with `None` removes) a region's pay floor.
pub async fn set_pay_floor(
    tx: &mut Tx,
    region_key: &str,
    yuan_month: Option<u32>,
    by: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    match yuan_month {
        Some(yuan) => {
            sqlx::query(
                "INSERT INTO pay_floors (region_key, yuan_month, set_by, set_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (region_key) DO UPDATE SET yuan_month = excluded.yuan_month, set_by = excluded.set_by,
                     set_at = excluded.set_at",
            )
            .bind(region_key)
            .bind(i64::from(yuan))
            .bind(by)
            .bind(to_epoch(now))
            .execute(&mut **tx)
            .await?;
        }
        None => {
            sqlx::query("DELETE FROM pay_floors WHERE region_key = $1").bind(region_key).execute(&mut **tx).await?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------------
// Work intent
// ---------------------------------------------------------------------------------------------------

/// A person's work intent; `None` when never asked (or unknown person).
pub async fn work_intent(db: &Db, user_id: i64) -> sqlx::Result<Option<WorkIntent>> {
    let intent: Option<Option<WorkIntent>> = sqlx::query_scalar("SELECT work_intent FROM people WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(intent.flatten())
}

pub async fn set_work_intent(tx: &mut Tx, user_id: i64, intent: WorkIntent, now: DateTime<Utc>) -> sqlx::Result<bool> {
    Ok(sqlx::query("UPDATE people SET work_intent = $2, updated_at = $3 WHERE user_id = $1")
        .bind(user_id)
        .bind(intent.as_str())
        .bind(to_epoch(now))
        .execute(&mut **tx)
        .await?
        .rows_affected()
        == 1)
}

// ---------------------------------------------------------------------------------------------------
// Offers
// ---------------------------------------------------------------------------------------------------

/// Notes that an opening was offered to a person; false when it was offered already.
pub async fn insert_offer(
    tx: &mut Tx,
    opening_id: i64,
    user_id: i64,
    outbox_id: Option<i64>,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    Ok(sqlx::query(
        "INSERT INTO opening_offers (opening_id, user_id, offered_at, outbox_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT (opening_id, user_id) DO NOTHING",
    )
    .bind(opening_id)
    .bind(user_id)
    .bind(to_epoch(now))
    .bind(outbox_id)
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1)
}

/// Openings offered to a person, with when.
pub async fn offers_of(db: &Db, user_id: i64) -> sqlx::Result<Vec<(i64, DateTime<Utc>)>> {
    #[derive(sqlx::FromRow)]
    struct Offer {
        opening_id: i64,
        #[sqlx(try_from = "Epoch")]
        offered_at: DateTime<Utc>,
    }
    let offers: Vec<Offer> = sqlx::query_as("SELECT opening_id, offered_at FROM opening_offers WHERE user_id = $1")
        .bind(user_id)
        .fetch_all(&db.pool)
        .await?;
    Ok(offers.into_iter().map(|o| (o.opening_id, o.offered_at)).collect())
}

// ---------------------------------------------------------------------------------------------------
// Referrals
// ---------------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Referral {
    pub id: i64,
    pub opening_id: i64,
    pub user_id: i64,
    pub status: ReferralStatus,
    #[sqlx(try_from = "Epoch")]
    pub consented_at: DateTime<Utc>,
    #[sqlx(try_from = "Epoch")]
    pub updated_at: DateTime<Utc>,
    pub updated_by: i64,
    #[sqlx(try_from = "MaybeEpoch")]
    pub interviewed_at: Option<DateTime<Utc>>,
    #[sqlx(try_from = "MaybeEpoch")]
    pub settled_at: Option<DateTime<Utc>>,
    #[sqlx(try_from = "MaybeEpoch")]
    pub follow_up_at: Option<DateTime<Utc>>,
}

const REFERRAL_COLUMNS: &str =
    "id, opening_id, user_id, status, consented_at, updated_at, updated_by, interviewed_at, settled_at, follow_up_at";

/// Refers a person to an opening (they agreed to share their details): the referral, new or as it
/// was (a second "我感兴趣" is the same referral), and whether it is new.
pub async fn insert_referral(
    tx: &mut Tx,
    opening_id: i64,
    user_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<(Referral, bool)> {
    let inserted = sqlx::query(
        "INSERT INTO referrals (opening_id, user_id, status, consented_at, updated_at, updated_by)
         VALUES ($1, $2, 'referred', $3, $3, $2) ON CONFLICT (opening_id, user_id) DO NOTHING",
    )
    .bind(opening_id)
    .bind(user_id)
    .bind(to_epoch(now))
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1;
    let referral =
        sqlx::query_as(&format!("SELECT {REFERRAL_COLUMNS} FROM referrals WHERE opening_id = $1 AND user_id = $2"))
            .bind(opening_id)
            .bind(user_id)
            .fetch_one(&mut **tx)
            .await?;
    Ok((referral, inserted))
}

pub async fn referral(conn: &mut sqlx::AnyConnection, id: i64) -> sqlx::Result<Option<Referral>> {
    sqlx::query_as(&format!("SELECT {REFERRAL_COLUMNS} FROM referrals WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
}

/// A person's referral to an opening, if any.
pub async fn referral_of(db: &Db, opening_id: i64, user_id: i64) -> sqlx::Result<Option<Referral>> {
    sqlx::query_as(&format!("SELECT {REFERRAL_COLUMNS} FROM referrals WHERE opening_id = $1 AND user_id = $2"))
        .bind(opening_id)
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await
}

/// A person's referrals, newest first.
pub async fn referrals_of_person(db: &Db, user_id: i64) -> sqlx::Result<Vec<Referral>> {
    sqlx::query_as(&format!(
        "SELECT {REFERRAL_COLUMNS} FROM referrals WHERE user_id = $1 ORDER BY consented_at DESC, id DESC"
    ))
    .bind(user_id)
    .fetch_all(&db.pool)
    .await
}

/// An opening's referrals, oldest first.
pub async fn referrals_of_opening(db: &Db, opening_id: i64) -> sqlx::Result<Vec<Referral>> {
    sqlx::query_as(&format!("SELECT {REFERRAL_COLUMNS} FROM referrals WHERE opening_id = $1 ORDER BY consented_at, id"))
        .bind(opening_id)
        .fetch_all(&db.pool)
        .await
}

/// Every referral, oldest first (for the outcome figures, which filter by course and region).
pub async fn all_referrals(db: &Db) -> sqlx::Result<Vec<Referral>> {
    sqlx::query_as(&format!("SELECT {REFERRAL_COLUMNS} FROM referrals ORDER BY consented_at, id"))
        .fetch_all(&db.pool)
        .await
}

/// Sets a referral's status if it is still `from` (a concurrent tap loses, not overwrites); true when
/// it changed. Notes when it first reached an interview and when it settled.
pub async fn set_referral_status(
    tx: &mut Tx,
    id: i64,
    from: ReferralStatus,
    to: ReferralStatus,
    by: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let interviewed = to.was_interviewed().then(|| to_epoch(now));
    let settled = to.is_settled().then(|| to_epoch(now));
    Ok(sqlx::query(
        "UPDATE referrals SET status = $3, updated_at = $4, updated_by = $5,
             interviewed_at = COALESCE(interviewed_at, $6), settled_at = $7
         WHERE id = $1 AND status = $2",
    )
    .bind(id)
    .bind(from.as_str())
    .bind(to.as_str())
    .bind(to_epoch(now))
    .bind(by)
    .bind(interviewed)
    .bind(settled)
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1)
}

/// Notes that the follow-up question was queued; false when it was already.
pub async fn mark_follow_up(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> sqlx::Result<bool> {
    Ok(sqlx::query("UPDATE referrals SET follow_up_at = $2 WHERE id = $1 AND follow_up_at IS NULL")
        .bind(id)
        .bind(to_epoch(now))
        .execute(&mut **tx)
        .await?
        .rows_affected()
        == 1)
}

/// Referrals without an outcome whose follow-up is due (referred before `referred_before`) and not yet
/// queued.
pub async fn follow_ups_due(db: &Db, referred_before: DateTime<Utc>) -> sqlx::Result<Vec<Referral>> {
    sqlx::query_as(&format!(
        "SELECT {REFERRAL_COLUMNS} FROM referrals
         WHERE follow_up_at IS NULL AND status IN ('referred', 'interviewed') AND consented_at <= $1
         ORDER BY consented_at, id"
    ))
    .bind(to_epoch(referred_before))
    .fetch_all(&db.pool)
    .await
}

/// The earliest referral still waiting for its follow-up (the scheduler's next look).
pub async fn next_follow_up_from(db: &Db) -> sqlx::Result<Option<DateTime<Utc>>> {
    let at: Option<i64> = sqlx::query_scalar(
        "SELECT MIN(consented_at) FROM referrals WHERE follow_up_at IS NULL AND status IN ('referred', 'interviewed')",
    )
    .fetch_one(&db.pool)
    .await?;
    Ok(at.map(|secs| Epoch(secs).into()))
}

/// Deletes a person's referrals and offers (their data erased: they disappear from referral lists).
pub async fn erase_person(tx: &mut Tx, user_id: i64) -> sqlx::Result<u64> {
    let referrals =
        sqlx::query("DELETE FROM referrals WHERE user_id = $1").bind(user_id).execute(&mut **tx).await?.rows_affected();
    sqlx::query("DELETE FROM opening_offers WHERE user_id = $1").bind(user_id).execute(&mut **tx).await?;
    Ok(referrals)
}

/// Courses a person holds a certificate of (a completion), each once.
pub async fn certified_courses(db: &Db, user_id: i64) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT DISTINCT course_key FROM completions WHERE user_id = $1 ORDER BY course_key")
        .bind(user_id)
        .fetch_all(&db.pool)
        .await
}
