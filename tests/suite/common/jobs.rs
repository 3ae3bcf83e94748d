//! Fixtures for the jobs tests: a person who holds a course's certificate, as attending and passing a
//! class would leave them (an order marked completed and its completion), without walking the class.

use chrono::{DateTime, Utc};

use super::TestBot;

impl TestBot {
    /// Gives `user` the certificate of the course of `class_key`, completed at `at`; returns the
    /// certificate code.
    pub async fn certify(&self, user: i64, class_key: &str, at: DateTime<Utc>) -> String {
        let pool = &self.app.db.pool;
        let course: String = sqlx::query_scalar("SELECT course_key FROM classes WHERE key = $1")
            .bind(class_key)
            .fetch_one(pool)
            .await
            .expect("the class exists");
        let secs = at.timestamp();
        let number = format!("FS-T{user:04}-{}", class_key.len());
        let order_id: i64 = sqlx::query_scalar(
            "INSERT INTO orders (number, user_id, class_key, status, created_at, updated_at)
             VALUES ($1, $2, $3, 'completed', $4, $4) RETURNING id",
        )
        .bind(&number)
        .bind(user)
        .bind(class_key)
        .bind(secs)
        .fetch_one(pool)
        .await
        .expect("order");
        let code = format!("T{order_id:07}");
        sqlx::query(
            "INSERT INTO completions (order_id, user_id, course_key, completed_at, code, credits_tenths)
             VALUES ($1, $2, $3, $4, $5, 0)",
        )
        .bind(order_id)
        .bind(user)
        .bind(&course)
        .bind(secs)
        .bind(&code)
        .execute(pool)
        .await
        .expect("completion");
        code
    }
}
