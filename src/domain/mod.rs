//! Pure rules: no teloxide, no sqlx, no I/O. Everything here is unit-tested.

pub mod broadcast;
pub mod calendar;
pub mod callback;
pub mod catalog;
pub mod catalog_file;
pub mod catalog_snapshot;
pub mod csv;
pub mod dialog;
pub mod erasure;
pub mod gate;
pub mod income;
pub mod labels;
pub mod learning;
pub mod lesson;
<<<<<<< HEAD
pub mod lesson_report;
=======
pub mod lesson_compose;
>>>>>>> lesson-compose
pub mod order;
pub mod outcomes;
pub mod person;
pub mod region;
pub mod registration;
pub mod reminder;
pub mod report;
pub mod request;
pub mod scope;
pub mod settings;
pub mod survey;
pub mod text;
pub mod translations;
