//! Use cases: each one a transaction over `db`, returning what the caller needs to reply.

pub mod access;
pub mod audit;
pub mod broadcasts;
pub mod catalog_import;
pub mod digest;
pub mod erasure;
pub mod invites;
pub mod job_matching;
pub mod jobs;
pub mod learning;
pub mod lesson_compose;
pub mod lesson_daily;
pub mod lesson_report;
pub mod lessons;
pub mod notify;
pub mod office;
pub mod opening_compose;
pub mod orders;
pub mod people;
pub mod personal_data;
pub mod referrals;
pub mod reminders;
pub mod reports;
pub mod requests;
pub mod retention;
pub mod surveys;
