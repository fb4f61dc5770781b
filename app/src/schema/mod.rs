//! JSON Schema as the forms and the server read it: pure code, no Leptos, no I/O. The
//! schema form's views (`crate::schema_form`) build on it, and the server's validation
//! uses it too (its messages, the object layout's rules, and the browser's validator that
//! the agreement tests hold to the server's).
//!
//! The modules depend one way, from the top down:
//! - [`shape`]: an object's fields for its current value (`if`/`then`/`else`, `oneOf`
//!   variants, `dependentRequired`), what is saved, labels by path, initial values.
//! - [`validate`]: a compact validator over the same keywords, so the WASM stays small;
//!   the server checks with `jsonschema` and has the last word. It may say less than the
//!   server, never more: what it does not implement ([`claims`]) or cannot match exactly
//!   ([`pattern`]) is left unknown and never rejects.
//! - [`document`]: one node read: `$ref`s, types, keyword lists, labels, JSON equality.
//! - [`codec`] (a value as an input's text), [`formats`], [`messages`], [`multiple`],
//!   [`pointer`]: leaves.

pub mod claims;
pub mod codec;
pub mod document;
pub mod formats;
pub mod messages;
pub mod multiple;
pub mod pattern;
pub mod pointer;
pub mod shape;
pub mod validate;
