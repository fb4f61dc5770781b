//! The platform's own OAuth apps, one per connector type, configured by the operator.

use std::collections::HashMap;

/// The platform's own OAuth clients per connector type, from
/// `CONNECTORS_OAUTH_<KEY>_CLIENT_ID` / `_CLIENT_SECRET` (key upper-cased).
#[derive(Clone, Default)]
pub struct PlatformClients(HashMap<String, (String, Option<secrecy::SecretString>)>);

impl std::fmt::Debug for PlatformClients {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

impl PlatformClients {
    /// Reads them from `vars` (the process environment in production).
    pub fn from_vars(vars: impl Iterator<Item = (String, String)>) -> Self {
        let vars: HashMap<String, String> = vars.collect();
        let mut clients = HashMap::new();
        for (name, client_id) in &vars {
            let Some(key) = name
                .strip_prefix("CONNECTORS_OAUTH_")
                .and_then(|rest| rest.strip_suffix("_CLIENT_ID"))
            else {
                continue;
            };
            if client_id.trim().is_empty() {
                continue;
            }
            let secret = vars
                .get(&format!("CONNECTORS_OAUTH_{key}_CLIENT_SECRET"))
                .filter(|secret| !secret.is_empty())
                .map(|secret| secrecy::SecretString::from(secret.clone()));
            clients.insert(key.to_lowercase(), (client_id.clone(), secret));
        }
        PlatformClients(clients)
    }

    /// The platform's client for the type `key`, if configured.
    pub fn get(&self, key: &str) -> Option<&(String, Option<secrecy::SecretString>)> {
        self.0.get(key)
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    #[test]
    fn platform_clients_come_from_prefixed_variables() {
        let vars = [
            ("CONNECTORS_OAUTH_SLACK_CLIENT_ID", "slack-id"),
            ("CONNECTORS_OAUTH_SLACK_CLIENT_SECRET", "slack-secret"),
            ("CONNECTORS_OAUTH_GITHUB_CLIENT_ID", "gh-id"),
            ("CONNECTORS_OAUTH_HUBSPOT_CLIENT_SECRET", "orphan"),
            ("CONNECTORS_OAUTH_EMPTY_CLIENT_ID", " "),
            ("OTHER", "x"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()));
        let clients = PlatformClients::from_vars(vars.into_iter());
        let (id, secret) = clients.get("slack").expect("slack");
        assert_eq!(id, "slack-id");
        assert_eq!(
            secret
                .as_ref()
                .map(|s| s.expose_secret().to_owned())
                .as_deref(),
            Some("slack-secret")
        );
        assert!(
            clients
                .get("github")
                .is_some_and(|(_, secret)| secret.is_none())
        );
        assert!(clients.get("hubspot").is_none() && clients.get("empty").is_none());
        assert!(!format!("{clients:?}").contains("secret\""));
    }
}
