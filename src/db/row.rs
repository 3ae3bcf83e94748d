//! How stored values become Rust values, once: rows are `#[derive(sqlx::FromRow)]` structs, and the few
//! stored shapes `Any` has no type for get a small type here.
//!
//! - Instants are UTC epoch seconds (`BIGINT`): a field `DateTime<Utc>` reads through
//!   `#[sqlx(try_from = "Epoch")]`, an optional one through `#[sqlx(try_from = "MaybeEpoch")]`.
//! - Flags are `INTEGER` 0/1 on both engines: `#[sqlx(try_from = "Flag")]` on a `bool`, an optional one
//!   through `#[sqlx(try_from = "MaybeFlag")]`.
//! - Domain words stored as text (a status, an audience, a role) decode themselves: [`stored_text!`]
//!   implements `sqlx::Decode` for them here, so the domain stays free of sqlx, and an unknown word is
//!   a decode error naming the column, not a silent default.
//! - Text that is only ever written by the domain's own constructors (an order number, a name)
//!   reads through `#[sqlx(try_from = "String")]` into the domain's `From<String>`.

use chrono::{DateTime, TimeZone, Utc};
use sqlx::any::{Any, AnyTypeInfo, AnyValueRef};
use sqlx::error::BoxDynError;
use sqlx::{Decode, Type};

/// An instant as stored: seconds since the Unix epoch, UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Type)]
#[sqlx(transparent)]
pub struct Epoch(pub i64);

impl From<Epoch> for DateTime<Utc> {
    fn from(at: Epoch) -> Self {
        Utc.timestamp_opt(at.0, 0).single().unwrap_or_default()
    }
}

/// An optional instant as stored (NULL: not yet, never).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Type)]
#[sqlx(transparent)]
pub struct MaybeEpoch(pub Option<i64>);

impl From<MaybeEpoch> for Option<DateTime<Utc>> {
    fn from(at: MaybeEpoch) -> Self {
        at.0.map(|secs| Epoch(secs).into())
    }
}

/// A yes/no as stored: `INTEGER` 0 or 1 (SQLite has no boolean; PostgreSQL's tables use the same).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Type)]
#[sqlx(transparent)]
pub struct Flag(pub i64);

impl From<Flag> for bool {
    fn from(flag: Flag) -> Self {
        flag.0 != 0
    }
}

/// An optional yes/no as stored (NULL: not decided yet, as a quiz attempt still running).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Type)]
#[sqlx(transparent)]
pub struct MaybeFlag(pub Option<i64>);

impl From<MaybeFlag> for Option<bool> {
    fn from(flag: MaybeFlag) -> Self {
        flag.0.map(|f| f != 0)
    }
}

/// Decodes a domain word stored as text through its `parse`; an unknown word is an error.
macro_rules! stored_text {
    ($($ty:ty),* $(,)?) => {$(
        impl Type<Any> for $ty {
            fn type_info() -> AnyTypeInfo {
                <String as Type<Any>>::type_info()
            }
            fn compatible(ty: &AnyTypeInfo) -> bool {
                <String as Type<Any>>::compatible(ty)
            }
        }

        impl<'r> Decode<'r, Any> for $ty {
            fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
                let word = <&str as Decode<Any>>::decode(value)?;
                <$ty>::parse(word).ok_or_else(|| {
                    let kind = stringify!($ty).rsplit("::").next().unwrap_or_default();
                    format!("unknown {kind} {word:?}").into()
                })
            }
        }
    )*};
}

stored_text!(
    crate::domain::order::OrderStatus,
    crate::domain::person::Audience,
    crate::domain::person::Role,
    crate::domain::catalog::TrainerKind,
    crate::domain::catalog::Mode,
    crate::domain::catalog::Category,
    crate::domain::catalog::ClassStatus,
    crate::domain::catalog::SessionStatus,
    crate::domain::catalog::BusyMode,
    crate::domain::learning::Mark,
    crate::domain::lesson::LessonAudience,
    crate::domain::lesson::MediaKind,
    crate::domain::outcomes::WaveStatus,
    crate::domain::survey::Wave,
    crate::domain::region::RegionLevel,
    crate::db::outbox::Status,
    crate::domain::job::WorkIntent,
    crate::domain::job::PayUnit,
    crate::domain::job::ReferralStatus,
);

/// Text the domain wrote through its own constructor reads back through `from_stored` (no check: it was
/// checked on the way in).
macro_rules! stored_string {
    ($($ty:ty),* $(,)?) => {$(
        impl From<String> for $ty {
            fn from(stored: String) -> Self {
                <$ty>::from_stored(stored)
            }
        }
    )*};
}

stored_string!(
    crate::domain::order::OrderNumber,
    crate::domain::person::PersonName,
    crate::domain::person::Phone,
    crate::domain::learning::CheckinCode,
);

/// A value stored as JSON text (a broadcast's target, a question's options). `Any` has no JSON type,
/// so the text is decoded here; a field reads through `#[sqlx(try_from = "Json<T>")]` once `T` is
/// listed in [`read_as_json!`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Json<T>(pub T);

impl<T> Type<Any> for Json<T> {
    fn type_info() -> AnyTypeInfo {
        <String as Type<Any>>::type_info()
    }
    fn compatible(ty: &AnyTypeInfo) -> bool {
        <String as Type<Any>>::compatible(ty)
    }
}

impl<'r, T: serde::de::DeserializeOwned> Decode<'r, Any> for Json<T> {
    fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(Json(serde_json::from_str(<&str as Decode<Any>>::decode(value)?)?))
    }
}

/// The types read from JSON columns (a blanket `From<Json<T>> for T` is not allowed for foreign `T`).
macro_rules! read_as_json {
    ($($ty:ty),* $(,)?) => {$(
        impl From<Json<$ty>> for $ty {
            fn from(json: Json<$ty>) -> Self {
                json.0
            }
        }
    )*};
}

read_as_json!(crate::domain::broadcast::Target, Vec<crate::domain::learning::Drawn>);

/// A text's translations, stored as JSON text beside it. Unreadable JSON reads as no translations
/// (the Chinese base text shows), as [`Translations::from_json`] has it.
///
/// [`Translations::from_json`]: crate::domain::translations::Translations::from_json
impl Type<Any> for crate::domain::translations::Translations {
    fn type_info() -> AnyTypeInfo {
        <String as Type<Any>>::type_info()
    }
    fn compatible(ty: &AnyTypeInfo) -> bool {
        <String as Type<Any>>::compatible(ty)
    }
}

impl<'r> Decode<'r, Any> for crate::domain::translations::Translations {
    fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(Self::from_json(<&str as Decode<Any>>::decode(value)?))
    }
}

/// The `T` a row holds, or `None` when its `key` column is NULL: what an outer join that found nothing
/// reads as (one statement reading a count and maybe an order, say).
pub fn optional<'r, T>(row: &'r sqlx::any::AnyRow, key: &str) -> sqlx::Result<Option<T>>
where
    T: sqlx::FromRow<'r, sqlx::any::AnyRow>,
{
    use sqlx::{Row, ValueRef};
    if row.try_get_raw(key)?.is_null() { Ok(None) } else { T::from_row(row).map(Some) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::order::OrderStatus;

    #[derive(Debug, sqlx::FromRow)]
    struct Sample {
        #[sqlx(try_from = "Epoch")]
        at: DateTime<Utc>,
        #[sqlx(try_from = "MaybeEpoch")]
        maybe: Option<DateTime<Utc>>,
        #[sqlx(try_from = "MaybeEpoch")]
        never: Option<DateTime<Utc>>,
        #[sqlx(try_from = "Flag")]
        yes: bool,
        #[sqlx(try_from = "Flag")]
        no: bool,
        status: OrderStatus,
    }

    #[tokio::test]
    async fn stored_shapes_read_back_as_rust_values_on_sqlite() {
        let (db, _dir) = super::super::testing::sqlite().await.unwrap();
        let row: Sample = sqlx::query_as(
            "SELECT 1764550800 AS at, 0 AS maybe, NULL AS never, 1 AS yes, 0 AS no, 'waitlisted' AS status",
        )
        .fetch_one(&db.pool)
        .await
        .unwrap();
        assert_eq!(row.at, DateTime::parse_from_rfc3339("2025-12-01T01:00:00Z").unwrap());
        assert_eq!(row.maybe, Some(DateTime::<Utc>::UNIX_EPOCH));
        assert_eq!(row.never, None);
        assert!(row.yes && !row.no);
        assert_eq!(row.status, OrderStatus::Waitlisted);

        let unknown = sqlx::query_as::<_, Sample>(
            "SELECT 0 AS at, NULL AS maybe, NULL AS never, 1 AS yes, 0 AS no, 'lost' AS status",
        )
        .fetch_one(&db.pool)
        .await
        .unwrap_err();
        assert!(unknown.to_string().contains("unknown") && unknown.to_string().contains("lost"), "{unknown}");
    }
}
