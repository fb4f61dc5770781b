//! The widgets of one-input fields, by kind. Each is a renderer's view
//! (`fn(FieldProps) -> AnyView`); the registry ranks them.

pub mod choice;
pub mod json;
pub mod text;
