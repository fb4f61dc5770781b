//! Reusable view pieces.

pub mod activity;
pub mod auth_epoch;
pub mod confirm;
pub mod connection_test;
pub mod connector_actions;
pub mod connector_fields;
pub mod connector_icon;
pub mod credentials;
pub mod early_input;
pub mod field;
pub mod focus;
pub mod forms;
pub mod layout;
pub mod oauth;
pub mod scripted;
pub mod status_badge;
pub mod suspense;
pub mod time;
pub mod toasts;
