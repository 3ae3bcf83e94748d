//! One way to build a statement whose shape depends on its input (a list of regions, optional
//! filters): text and values are pushed together and the builder numbers the placeholders, `$1`,
//! `$2`, … — the form both engines take through `Any`. (sqlx's own `QueryBuilder<Any>` writes `?`,
//! which PostgreSQL refuses.) Statements with a fixed shape stay plain `sqlx::query` strings.
//!
//! ```ignore
//! let mut sql = Sql::new("SELECT key FROM classes WHERE region_key IN (");
//! sql.push_list(&region_keys).push(") AND starts_at >= ").push_bind(now);
//! let rows: Vec<ClassKey> = sql.build_query_as().fetch_all(&db.pool).await?;
//! ```

use sqlx::any::{Any, AnyArguments};
use sqlx::query::{Query, QueryAs};
use sqlx::{Arguments, Encode, Type};

pub struct Sql<'q> {
    text: String,
    args: AnyArguments<'q>,
    count: usize,
    /// The first value that could not be encoded; reported when the statement is built.
    error: Option<sqlx::error::BoxDynError>,
}

impl<'q> Sql<'q> {
    pub fn new(text: impl Into<String>) -> Self {
        Sql { text: text.into(), args: AnyArguments::default(), count: 0, error: None }
    }

    /// Appends SQL text as written.
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends the next placeholder and binds `value` to it.
    pub fn push_bind<T>(&mut self, value: T) -> &mut Self
    where
        T: Encode<'q, Any> + Type<Any> + 'q,
    {
        let placeholder = self.bind(value);
        self.text.push_str(&placeholder);
        self
    }

    /// Appends `$i, $i+1, …`, one placeholder per value (nothing for none: the caller decides what an
    /// empty list means before it gets here).
    pub fn push_list<T>(&mut self, values: impl IntoIterator<Item = T>) -> &mut Self
    where
        T: Encode<'q, Any> + Type<Any> + 'q,
    {
        let placeholders: Vec<String> = values.into_iter().map(|v| self.bind(v)).collect();
        self.text.push_str(&placeholders.join(", "));
        self
    }

    /// Binds `value` to the next placeholder and returns it, for text that names one value twice.
    pub fn bind<T>(&mut self, value: T) -> String
    where
        T: Encode<'q, Any> + Type<Any> + 'q,
    {
        if let Err(e) = self.args.add(value)
            && self.error.is_none()
        {
            self.error = Some(e);
        }
        self.count += 1;
        format!("${}", self.count)
    }

    /// The statement as written so far (for tests and logs).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The statement, its rows read by index or name.
    pub fn build(&mut self) -> sqlx::Result<Query<'_, Any, AnyArguments<'_>>> {
        let args = self.take_args()?;
        Ok(sqlx::query_with(&self.text, args))
    }

    /// The statement, its rows read as `T` (a `FromRow` struct or a tuple).
    pub fn build_query_as<T>(&mut self) -> sqlx::Result<QueryAs<'_, Any, T, AnyArguments<'_>>>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
        let args = self.take_args()?;
        Ok(sqlx::query_as_with(&self.text, args))
    }

    fn take_args(&mut self) -> sqlx::Result<AnyArguments<'q>> {
        if let Some(e) = self.error.take() {
            return Err(sqlx::Error::Encode(e));
        }
        Ok(std::mem::take(&mut self.args))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_the_order_values_are_pushed() {
        let mut sql = Sql::new("SELECT 1 WHERE a IN (");
        sql.push_list(["x", "y", "z"]).push(") AND b = ").push_bind(7_i64);
        let again = sql.bind(8_i64);
        sql.push(" AND c = ").push(&again).push(" AND d = ").push(&again);
        assert_eq!(sql.text(), "SELECT 1 WHERE a IN ($1, $2, $3) AND b = $4 AND c = $5 AND d = $5");
    }

    #[tokio::test]
    async fn a_built_statement_runs_on_sqlite_with_its_values() {
        let (db, _dir) = super::super::testing::sqlite().await.unwrap();
        let mut sql =
            Sql::new("SELECT COUNT(*) FROM (SELECT 'a' AS v UNION ALL SELECT 'b' UNION ALL SELECT 'c') t WHERE v IN (");
        sql.push_list(vec!["a".to_owned(), "c".to_owned()]).push(")");
        let (n,): (i64,) = sql.build_query_as().unwrap().fetch_one(&db.pool).await.unwrap();
        assert_eq!(n, 2);
    }
}
