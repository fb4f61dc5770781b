//! Reusable view pieces.

pub mod connector_icon;
pub mod layout;
pub mod suspense;
