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

impl TestBot {
    /// A villager who answered 🏠 在家附近找活干 (work near home): the one the scheduler offers openings to.
    pub async fn seeker(&self, id: i64, name: &str) -> i64 {
        let user = self.villager(id, name).await;
        self.set_intent(user, fieldschool::domain::job::WorkIntent::NearHome).await;
        user
    }

    /// Sets `user`'s work intent as settings would.
    pub async fn set_intent(&self, user: i64, intent: fieldschool::domain::job::WorkIntent) {
        let mut tx = self.app.db.begin_write().await.unwrap();
        fieldschool::db::jobs::set_work_intent(&mut tx, user, intent, self.app.now()).await.unwrap();
        tx.commit().await.unwrap();
    }

    /// Closes the demo catalogue's openings, for tests that publish their own at times they choose.
    pub async fn close_catalogue_openings(&self) {
        let mut tx = self.app.db.begin_write().await.unwrap();
        for o in fieldschool::db::jobs::openings_not_closed(&self.app.db).await.unwrap() {
            fieldschool::db::jobs::close_opening(&mut tx, o.opening.id, self.app.now()).await.unwrap();
        }
        tx.commit().await.unwrap();
    }
}
