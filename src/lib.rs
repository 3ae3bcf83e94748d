//! fieldschool (田间学校): a Telegram bot that runs rural vocational training programmes.
//!
//! Layers, each depending only on those before it:
//! `domain` (pure rules) ← `db` (all SQL) ← `services` (use cases) ← `bot` / `outbox` ← `startup`.

pub mod app;
pub mod bot;
pub mod chat;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod domain;
pub mod emulator;
pub mod i18n;
pub mod inbox;
pub mod metrics;
pub mod ops;
pub mod outbox;
pub mod render;
pub mod scheduler;
pub mod services;
pub mod startup;
pub mod update_scope;
