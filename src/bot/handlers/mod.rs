pub mod commands;
pub mod help;
pub mod learning;
pub mod menu;
pub mod ordering;
pub mod registration;
pub mod requests;
pub mod settings;
