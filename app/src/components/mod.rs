//! Reusable view pieces.

pub mod auth_epoch;
pub mod connector_icon;
pub mod forms;
pub mod layout;
pub mod suspense;
