//! JSON Pointers (RFC 6901): how the form addresses a value inside its one signal, and
//! how errors find their fields.

use serde_json::{Map, Value};

/// The pointer of `key` inside the object at `parent`.
pub fn child(parent: &str, key: &str) -> String {
    format!("{parent}/{}", key.replace('~', "~0").replace('/', "~1"))
}

/// The pointer of item `index` inside the array at `parent`.
pub fn item(parent: &str, index: usize) -> String {
    format!("{parent}/{index}")
}

/// The unescaped reference tokens of `pointer`.
pub fn tokens(pointer: &str) -> impl Iterator<Item = String> + '_ {
    pointer
        .split('/')
        .skip(1)
        .map(|token| token.replace("~1", "/").replace("~0", "~"))
}

/// The pointer of the parent, or `None` for the root.
pub fn parent(pointer: &str) -> Option<&str> {
    pointer.rfind('/').map(|at| &pointer[..at])
}

/// Writes `new` at `pointer`, creating the objects on the way. An array index one past the
/// end appends; any other missing index is refused (returns `false`), as is a path through
/// a scalar.
pub fn set(root: &mut Value, pointer: &str, new: Value) -> bool {
    let mut node = root;
    for token in tokens(pointer) {
        if node.is_null() {
            *node = Value::Object(Map::new());
        }
        node = match node {
            Value::Object(map) => map.entry(token).or_insert(Value::Null),
            Value::Array(items) => match token.parse::<usize>() {
                Ok(index) if index < items.len() => &mut items[index],
                Ok(index) if index == items.len() => {
                    items.push(Value::Null);
                    &mut items[index]
                }
                _ => return false,
            },
            _ => return false,
        };
    }
    *node = new;
    true
}

/// Removes what is at `pointer` (an array item shifts the ones after it) and returns it.
pub fn remove(root: &mut Value, pointer: &str) -> Option<Value> {
    let (parent_pointer, last) = pointer.rsplit_once('/')?;
    let last = last.replace("~1", "/").replace("~0", "~");
    match root.pointer_mut(parent_pointer)? {
        Value::Object(map) => map.shift_remove(&last),
        Value::Array(items) => {
            let index = last.parse::<usize>().ok().filter(|i| *i < items.len())?;
            Some(items.remove(index))
        }
        _ => None,
    }
}

/// The pointer for a server field path such as `config.options.0.name` (DESIGN.md §10
/// error shape), relative to the form that edits `prefix` (`config`, `auth`). Field
/// names with dots cannot be told apart from nesting in that shape; they are rare and map
/// to the nested pointer.
pub fn from_field_path(path: &str, prefix: &str) -> Option<String> {
    let rest = path.strip_prefix(prefix)?;
    if rest.is_empty() {
        return Some(String::new());
    }
    let rest = rest.strip_prefix('.')?;
    Some(
        rest.split('.')
            .fold(String::new(), |acc, key| child(&acc, key)),
    )
}

/// An HTML id for the field at `pointer` in the form `form_id`: letters and digits kept,
/// `/` as `-`, anything else (`_` too) as `_` plus its hex code, so ids never collide.
pub fn dom_id(form_id: &str, pointer: &str) -> String {
    let mut id = String::from(form_id);
    for ch in pointer.chars() {
        match ch {
            'a'..='z' | 'A'..='Z' | '0'..='9' => id.push(ch),
            '/' => id.push('-'),
            other => id.push_str(&format!("_{:x}", u32::from(other))),
        }
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn escapes_and_reads_back() {
        let pointer = child(&child("", "a/b"), "c~d");
        assert_eq!(pointer, "/a~1b/c~0d");
        let value = json!({"a/b": {"c~d": 5}});
        assert_eq!(value.pointer(&pointer), Some(&json!(5)));
    }

    #[test]
    fn sets_through_missing_objects_and_appends() {
        let mut value = json!({});
        assert!(set(&mut value, "/a/b", json!(1)));
        assert!(set(&mut value, "/list", json!([])));
        assert!(set(&mut value, "/list/0", json!("x")));
        assert!(!set(&mut value, "/list/5", json!("y")));
        assert!(!set(&mut value, "/a/b/c", json!(2)));
        assert_eq!(value, json!({"a": {"b": 1}, "list": ["x"]}));
        assert!(set(&mut value, "", json!(null)));
        assert_eq!(value, json!(null));
    }

    #[test]
    fn removes_keys_and_items() {
        let mut value = json!({"a": 1, "list": [1, 2, 3]});
        assert_eq!(remove(&mut value, "/list/1"), Some(json!(2)));
        assert_eq!(remove(&mut value, "/a"), Some(json!(1)));
        assert_eq!(remove(&mut value, "/missing"), None);
        assert_eq!(remove(&mut value, ""), None);
        assert_eq!(value, json!({"list": [1, 3]}));
    }

    #[test]
    fn maps_server_paths_to_pointers() {
        assert_eq!(
            from_field_path("config.base_url", "config").as_deref(),
            Some("/base_url")
        );
        assert_eq!(
            from_field_path("config.items.2.name", "config").as_deref(),
            Some("/items/2/name")
        );
        assert_eq!(from_field_path("config", "config").as_deref(), Some(""));
        assert_eq!(from_field_path("auth.token", "config"), None);
        assert_eq!(from_field_path("configx.a", "config"), None);
    }

    #[test]
    fn dom_ids_are_distinct_and_safe() {
        assert_eq!(dom_id("cfg", "/base_url"), "cfg-base_5furl");
        assert_ne!(dom_id("cfg", "/a-b"), dom_id("cfg", "/a/b"));
        assert_eq!(parent("/a/b"), Some("/a"));
        assert_eq!(parent(""), None);
    }
}
