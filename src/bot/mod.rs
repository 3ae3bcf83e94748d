//! The Telegram side: the handler tree, thin handlers, keyboards, callback data.

pub mod access;
pub mod context;
pub mod dialog_storage;
pub mod format;
pub mod handlers;
pub mod keyboards;
pub mod progress;
pub mod schema;
