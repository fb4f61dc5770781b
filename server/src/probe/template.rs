//! The probe's templates: `{{config.name}}` and `{{credentials.name}}` replaced by the
//! instance's values. Every credential value put into the request is remembered, so the
//! trace can be redacted ([`crate::outbound::Redactor`]).

use serde_json::Value;

use crate::credentials::Secrets;

/// Renders templates for one probe and collects the secrets it used.
pub struct Renderer<'a> {
    config: &'a Value,
    secrets: Option<&'a Secrets>,
    /// Credential values that went into the request, longest first when redacting.
    pub used_secrets: Vec<String>,
}

impl<'a> Renderer<'a> {
    pub fn new(config: &'a Value, secrets: Option<&'a Secrets>) -> Self {
        Renderer {
            config,
            secrets,
            used_secrets: Vec::new(),
        }
    }

    /// `template` with every placeholder replaced; an unknown name becomes empty.
    pub fn render(&mut self, template: &str) -> String {
        let mut out = String::with_capacity(template.len());
        let mut rest = template;
        while let Some(start) = rest.find("{{") {
            out.push_str(&rest[..start]);
            let Some(end) = rest[start..].find("}}") else {
                out.push_str(&rest[start..]);
                return out;
            };
            let name = rest[start + 2..start + end].trim();
            out.push_str(&self.value(name));
            rest = &rest[start + end + 2..];
        }
        out.push_str(rest);
        out
    }

    fn value(&mut self, name: &str) -> String {
        if let Some(field) = name.strip_prefix("config.") {
            return self.config.get(field).map(plain).unwrap_or_default();
        }
        if let Some(field) = name.strip_prefix("credentials.") {
            let value = self
                .secrets
                .and_then(|secrets| secrets.get(field))
                .map(plain)
                .unwrap_or_default();
            if !value.is_empty() {
                self.used_secrets.push(value.clone());
            }
            return value;
        }
        String::new()
    }
}

fn plain(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, json};

    use super::*;

    #[test]
    fn renders_config_and_credentials_and_remembers_secrets() {
        let config = json!({"base_url": "https://api.example.com", "port": 8443});
        let mut fields = Map::new();
        fields.insert("token".into(), json!("tok_SECRET_1234"));
        let secrets = Secrets::new(fields);
        let mut renderer = Renderer::new(&config, Some(&secrets));
        assert_eq!(
            renderer.render("{{config.base_url}}:{{config.port}}/x"),
            "https://api.example.com:8443/x"
        );
        assert_eq!(
            renderer.render("Bearer {{ credentials.token }}"),
            "Bearer tok_SECRET_1234"
        );
        assert_eq!(
            renderer.render("{{config.missing}}|{{unclosed"),
            "|{{unclosed"
        );
        assert_eq!(renderer.used_secrets, ["tok_SECRET_1234"]);
    }
}
