//! The form's inputs as plain data: what each widget would hold for a value, and the
//! value those inputs give back. The views do the same per field, through the same
//! registry and codecs; this walk lets tests prove that showing a value in the form and
//! reading it back changes nothing (`value → inputs → value`).

use serde_json::{Map, Value};

use super::form::{Layout, Renderer};
use super::layouts::variants::VARIANT;
use super::registry;
use crate::schema::document::resolve;
use crate::schema::shape::object_shape;

#[derive(Clone, Debug, PartialEq)]
pub enum Inputs {
    Absent,
    /// One input: the renderer holding it and its text.
    Leaf {
        renderer: &'static str,
        text: String,
    },
    /// An object's fields, and the keys the schema does not describe as JSON text.
    Object {
        fields: Vec<(String, Inputs)>,
        extra: String,
    },
    List(Vec<Inputs>),
}

/// The inputs the form shows for `value` under `node` of schema `root`.
pub fn read(root: &Value, node: &Value, value: Option<&Value>) -> Inputs {
    let node = resolve(root, node);
    let Some(value) = value else {
        return Inputs::Absent;
    };
    let renderer = registry::choose(&node, Some(value));
    match renderer.layout {
        Layout::Leaf(codec) => Inputs::Leaf {
            renderer: renderer.name,
            text: codec.to_text(Some(value)),
        },
        Layout::List => {
            let items = node.get("items").cloned().unwrap_or(Value::Bool(true));
            let values = value.as_array().map(Vec::as_slice).unwrap_or_default();
            Inputs::List(
                values
                    .iter()
                    .map(|item| read(root, &items, Some(item)))
                    .collect(),
            )
        }
        Layout::Object => {
            let shape = object_shape(root, &node, value);
            let discriminator = shape.variants.map(|variants| variants.discriminator);
            let fields = shape
                .fields
                .iter()
                .map(|field| {
                    let child = value.get(&field.name);
                    let inputs = if discriminator.as_deref() == Some(field.name.as_str()) {
                        match (VARIANT.layout, child) {
                            (Layout::Leaf(codec), Some(child)) => Inputs::Leaf {
                                renderer: VARIANT.name,
                                text: codec.to_text(Some(child)),
                            },
                            _ => Inputs::Absent,
                        }
                    } else {
                        read(root, &field.schema, child)
                    };
                    (field.name.clone(), inputs)
                })
                .collect();
            let extra: Map<String, Value> = shape
                .extra
                .iter()
                .filter_map(|key| Some((key.clone(), value.get(key)?.clone())))
                .collect();
            let extra = if extra.is_empty() {
                String::new()
            } else {
                serde_json::to_string_pretty(&extra).unwrap_or_default()
            };
            Inputs::Object { fields, extra }
        }
    }
}

/// The value `inputs` give back; `None` when absent. Fails only on JSON that does not
/// parse (a JSON editor's text).
pub fn write(inputs: &Inputs) -> Result<Option<Value>, String> {
    Ok(match inputs {
        Inputs::Absent => None,
        Inputs::Leaf { renderer, text } => {
            let renderer =
                registry::by_name(renderer).ok_or_else(|| format!("no renderer {renderer}"))?;
            match renderer.layout {
                Layout::Leaf(codec) => codec.from_text(text)?,
                _ => return Err(format!("{} is not a leaf", renderer.name)),
            }
        }
        Inputs::List(items) => Some(Value::Array(
            items
                .iter()
                .map(|item| match item {
                    Inputs::Leaf { renderer, text } => match registry::by_name(renderer) {
                        Some(Renderer {
                            layout: Layout::Leaf(codec),
                            ..
                        }) => codec.item_from_text(text),
                        _ => Err(format!("no leaf renderer {renderer}")),
                    },
                    other => Ok(write(other)?.unwrap_or(Value::Null)),
                })
                .collect::<Result<_, _>>()?,
        )),
        Inputs::Object { fields, extra } => {
            let mut map = Map::new();
            for (name, inputs) in fields {
                if let Some(value) = write(inputs)? {
                    map.insert(name.clone(), value);
                }
            }
            if !extra.trim().is_empty() {
                let extra: Map<String, Value> = serde_json::from_str(extra)
                    .map_err(|error| format!("Not valid JSON: {error}."))?;
                map.extend(extra);
            }
            Some(Value::Object(map))
        }
    })
}
