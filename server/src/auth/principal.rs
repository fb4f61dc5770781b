//! Resolving who a request is from: the session cookie, or an `Authorization: Bearer`
//! API token. Nothing else (no header anyone could forge) can name a user or tenant.

use std::sync::Arc;
use std::time::Duration;

use app::error::AppError;
use app::model::identity::{Credential, Principal};
use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, COOKIE};
use secrecy::{ExposeSecret, SecretString};

use super::cache::{CredentialKey, PrincipalCache};
use super::tokens;
use crate::store::{CredentialOwner, Store, StoreError};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "chub_session";

/// A session's `last_seen_at` is written at most this often, to spare the database.
const TOUCH_EVERY_SECS: i64 = 60;

/// How long sessions live.
#[derive(Clone, Copy, Debug)]
pub struct SessionPolicy {
    /// Signed out after this long without a request.
    pub idle: Duration,
    /// Signed out this long after signing in, however active.
    pub absolute: Duration,
}

impl SessionPolicy {
    pub fn idle_secs(&self) -> i64 {
        i64::try_from(self.idle.as_secs()).unwrap_or(i64::MAX)
    }

    pub fn absolute_secs(&self) -> i64 {
        i64::try_from(self.absolute.as_secs()).unwrap_or(i64::MAX)
    }
}

pub struct Authenticator {
    store: Arc<dyn Store>,
    policy: SessionPolicy,
    recent: PrincipalCache,
}

/// The current time in Unix seconds.
pub fn now_secs() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

impl Authenticator {
    /// `cache_for` is how long a resolved principal is reused without reading the
    /// database again (zero: never); see [`PrincipalCache`].
    pub fn new(store: Arc<dyn Store>, policy: SessionPolicy, cache_for: Duration) -> Self {
        Authenticator {
            store,
            policy,
            recent: PrincipalCache::new(cache_for),
        }
    }

    /// Forgets a session's cached principal: it ended or changed tenant.
    pub fn forget_session(&self, id: &str) {
        self.recent.forget(&CredentialKey::Session(id.to_owned()));
    }

    /// Forgets every cached principal: a membership or an API token changed.
    pub fn forget_all(&self) {
        self.recent.forget_all();
    }

    pub fn policy(&self) -> SessionPolicy {
        self.policy
    }

    /// The principal of a request, or `None` when it carries no valid credential. A
    /// Bearer token wins over a cookie. Errors only when the database cannot answer.
    pub async fn resolve(&self, headers: &HeaderMap) -> Result<Option<Principal>, AppError> {
        if let Some(token) = bearer_token(headers) {
            return self.resolve_api_token(&token).await;
        }
        match session_cookie(headers) {
            Some(cookie) => self.resolve_session(&cookie).await,
            None => Ok(None),
        }
    }

    async fn resolve_session(&self, cookie: &SecretString) -> Result<Option<Principal>, AppError> {
        let id = tokens::hash(cookie.expose_secret());
        let key = CredentialKey::Session(id.clone());
        let now = now_secs();
        if let Some(principal) = self.recent.get(&key, now) {
            return Ok(Some(principal));
        }
        let generation = self.recent.generation();
        let Some((session, owner)) = self.store.session(&id).await? else {
            return Ok(None);
        };
        let idle_expired = now - session.last_seen_at >= self.policy.idle_secs();
        if now >= session.expires_at || idle_expired {
            bookkeeping(
                "deleting an expired session",
                self.store.delete_session(&id).await,
            );
            return Ok(None);
        }
        let mut last_seen_at = session.last_seen_at;
        if now - last_seen_at >= TOUCH_EVERY_SECS
            && bookkeeping(
                "recording when a session was last used",
                self.store.touch_session(&id, now).await,
            )
        {
            last_seen_at = now;
        }
        let found = principal(owner, Credential::Session(id));
        if let Some(found) = &found {
            // Cached hits do not touch the session, so it idles out from this read on.
            let ends_at = session
                .expires_at
                .min(last_seen_at.saturating_add(self.policy.idle_secs()));
            self.recent
                .keep(key, found.clone(), Some(ends_at), generation);
        }
        Ok(found)
    }

    async fn resolve_api_token(&self, token: &SecretString) -> Result<Option<Principal>, AppError> {
        let hash = tokens::hash(token.expose_secret());
        let key = CredentialKey::ApiToken(hash.clone());
        let now = now_secs();
        if let Some(principal) = self.recent.get(&key, now) {
            return Ok(Some(principal));
        }
        let generation = self.recent.generation();
        let Some((record, owner)) = self.store.api_token(&hash).await? else {
            return Ok(None);
        };
        if record.revoked_at.is_some() {
            return Ok(None);
        }
        if record
            .last_used_at
            .is_none_or(|at| now - at >= TOUCH_EVERY_SECS)
        {
            bookkeeping(
                "recording when an API token was last used",
                self.store.touch_api_token(record.id, now).await,
            );
        }
        let found = principal(owner, Credential::ApiToken(record.id));
        if let Some(found) = &found {
            self.recent.keep(key, found.clone(), None, generation);
        }
        Ok(found)
    }
}

/// Whether a bookkeeping write landed ("last used", removing an expired session). A read
/// must not fail because it cannot write (a full disk, a read-only database), so a failure
/// is logged and the request goes on; the write is tried again on a later request.
fn bookkeeping(what: &str, written: Result<(), StoreError>) -> bool {
    match written {
        Ok(()) => true,
        Err(error) => {
            tracing::warn!(%error, "bookkeeping failed: {what}");
            false
        }
    }
}

/// A principal, if the credential's user still belongs to its tenant.
fn principal(owner: CredentialOwner, credential: Credential) -> Option<Principal> {
    let role = owner.role?;
    Some(Principal {
        user_id: owner.user.id,
        email: owner.user.email,
        display_name: owner.user.display_name,
        tenant_id: owner.tenant.id,
        tenant_name: owner.tenant.name,
        role,
        is_platform_admin: owner.user.is_platform_admin,
        credential,
    })
}

fn bearer_token(headers: &HeaderMap) -> Option<SecretString> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty())
        .then(|| SecretString::from(token.to_owned()))
}

/// Whether the request carries a session cookie, read exactly as [`Authenticator::resolve`]
/// reads it: the CSRF rule (`http::auth::check_origin`) applies to every such request.
pub fn carries_session_cookie(headers: &HeaderMap) -> bool {
    session_cookie(headers).is_some()
}

fn session_cookie(headers: &HeaderMap) -> Option<SecretString> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == SESSION_COOKIE)
        .map(|cookie| SecretString::from(cookie.value().to_owned()))
}

/// The `Set-Cookie` value that starts a session. `Secure` when served over https.
pub fn session_set_cookie(value: &SecretString, policy: SessionPolicy, secure: bool) -> String {
    cookie::Cookie::build((SESSION_COOKIE, value.expose_secret().to_owned()))
        .path("/")
        .http_only(true)
        .same_site(cookie::SameSite::Lax)
        .secure(secure)
        .max_age(cookie::time::Duration::seconds(policy.absolute_secs()))
        .build()
        .to_string()
}

/// The `Set-Cookie` value that ends a session in the browser.
pub fn session_clear_cookie(secure: bool) -> String {
    cookie::Cookie::build((SESSION_COOKIE, ""))
        .path("/")
        .http_only(true)
        .same_site(cookie::SameSite::Lax)
        .secure(secure)
        .max_age(cookie::time::Duration::ZERO)
        .build()
        .to_string()
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn bearer_tokens_are_read_case_insensitively() {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, HeaderValue::from_static("bearer chub_abc"));
        assert_eq!(bearer_token(&headers).unwrap().expose_secret(), "chub_abc");
        headers.insert(
            AUTHORIZATION,
            HeaderValue::from_static("Basic dXNlcjpwdw=="),
        );
        assert!(bearer_token(&headers).is_none());
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Bearer "));
        assert!(bearer_token(&headers).is_none());
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_static("theme=dark; chub_session=s3cr3t; other=1"),
        );
        assert_eq!(session_cookie(&headers).unwrap().expose_secret(), "s3cr3t");
    }

    #[test]
    fn session_cookies_are_http_only_lax_and_secure_over_https() {
        let policy = SessionPolicy {
            idle: Duration::from_secs(60),
            absolute: Duration::from_secs(3600),
        };
        let cookie = session_set_cookie(&SecretString::from("v"), policy, true);
        for part in [
            "chub_session=v",
            "HttpOnly",
            "SameSite=Lax",
            "Secure",
            "Path=/",
            "Max-Age=3600",
        ] {
            assert!(cookie.contains(part), "{cookie} lacks {part}");
        }
        assert!(!session_set_cookie(&SecretString::from("v"), policy, false).contains("Secure"));
        assert!(session_clear_cookie(false).contains("Max-Age=0"));
    }
}
