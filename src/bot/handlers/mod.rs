pub mod commands;
pub mod help;
pub mod menu;
pub mod registration;
pub mod settings;
