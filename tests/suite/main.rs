//! The integration tests, one binary: every module shares the harness in `common` (a whole bot on a
//! fresh database against the Bot API emulator) and the crate is linked once, not once per file.
//! Run one part with `cargo test --test suite orders::`.

mod common;

mod attendance;
mod audit;
mod broadcasts;
mod calendar;
mod catalog_import;
mod catalog_snapshot;
mod chat;
mod deleteme;
mod emulator;
mod escaping;
mod failed_sends;
mod flood;
mod forged_callbacks;
mod inbox;
mod job_matching;
mod job_outcomes;
mod job_publish;
mod job_referrals;
mod job_seek;
mod jobs_storage;
mod languages;
mod learning;
mod lesson_compose;
mod lesson_daily;
mod lesson_report;
mod lessons;
mod locales;
mod mydata;
mod orders;
mod outbox;
mod outcomes_picture;
mod outcomes_stats;
mod registration;
mod reminders;
mod render;
mod replicas;
mod reports;
mod restart;
mod retention;
mod schema;
mod signup;
mod staff;
mod storage;
mod surveys;
mod typed_buttons;
mod webhook;
