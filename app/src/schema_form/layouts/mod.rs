//! The layouts of nodes that hold other nodes: objects, lists, and `oneOf` variants.

pub mod list;
pub mod object;
pub mod variants;
