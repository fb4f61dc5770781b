//! Principals resolved a moment ago, reused so that a burst of requests with one session
//! or API token costs one database read per time-to-live instead of one per request.
//!
//! Only successful resolutions are kept: a missing, expired or revoked credential is
//! asked about every time. Changes made through this process (sign-out, a tenant switch,
//! a role change, a revoked token) call [`PrincipalCache::forget`] or
//! [`PrincipalCache::forget_all`] and apply at once; changes made by another process (a
//! second replica, the admin CLI) apply within the time-to-live.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use app::model::identity::Principal;
use moka::sync::Cache;

/// Enough for every active session of a large installation; the least recently used
/// entries go first beyond it.
const MAX_ENTRIES: u64 = 50_000;

/// What a principal was resolved from: the stored hash of a session cookie or API token.
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
pub enum CredentialKey {
    Session(String),
    ApiToken(String),
}

#[derive(Clone)]
struct Entry {
    principal: Principal,
    /// Unix seconds after which the credential is dead however recently it was read.
    expires_at: Option<i64>,
}

pub struct PrincipalCache {
    /// `None` when caching is off (a time-to-live of zero).
    entries: Option<Cache<CredentialKey, Entry>>,
    /// Bumped by every forget, so a resolution that raced with one is not kept.
    generation: AtomicU64,
}

impl PrincipalCache {
    pub fn new(time_to_live: Duration) -> Self {
        let entries = (!time_to_live.is_zero()).then(|| {
            Cache::builder()
                .max_capacity(MAX_ENTRIES)
                .time_to_live(time_to_live)
                .build()
        });
        PrincipalCache {
            entries,
            generation: AtomicU64::new(0),
        }
    }

    /// The current generation; pass it to [`Self::keep`] after reading the database.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// The principal cached for `key`, if it is still within its time-to-live and the
    /// credential has not expired by `now`.
    pub fn get(&self, key: &CredentialKey, now: i64) -> Option<Principal> {
        let entry = self.entries.as_ref()?.get(key)?;
        entry
            .expires_at
            .is_none_or(|at| now < at)
            .then_some(entry.principal)
    }

    /// Keeps a principal read from the database while the cache was at `generation`,
    /// unless something was forgotten since: that forget may concern this principal.
    pub fn keep(
        &self,
        key: CredentialKey,
        principal: Principal,
        expires_at: Option<i64>,
        generation: u64,
    ) {
        let Some(entries) = &self.entries else {
            return;
        };
        if self.generation() != generation {
            return;
        }
        entries.insert(
            key.clone(),
            Entry {
                principal,
                expires_at,
            },
        );
        // A forget between the check above and the insert would have missed this entry.
        if self.generation() != generation {
            entries.invalidate(&key);
        }
    }

    /// Drops one credential's principal: it was signed out or changed tenant.
    pub fn forget(&self, key: &CredentialKey) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        if let Some(entries) = &self.entries {
            entries.invalidate(key);
        }
    }

    /// Drops every principal: a membership or token changed, which may concern any of
    /// them. Such changes are rare; the next request of each credential reads afresh.
    pub fn forget_all(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        if let Some(entries) = &self.entries {
            entries.invalidate_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use app::model::identity::{Credential, Role};
    use uuid::Uuid;

    use super::*;

    fn principal() -> Principal {
        Principal {
            user_id: Uuid::new_v4(),
            email: "ada@example.test".into(),
            display_name: "Ada".into(),
            tenant_id: Uuid::new_v4(),
            tenant_name: "Acme".into(),
            role: Role::Member,
            is_platform_admin: false,
            credential: Credential::Session("hash".into()),
        }
    }

    fn session(id: &str) -> CredentialKey {
        CredentialKey::Session(id.into())
    }

    #[test]
    fn a_kept_principal_is_found_until_its_credential_expires() {
        let cache = PrincipalCache::new(Duration::from_secs(60));
        let ada = principal();
        cache.keep(session("a"), ada.clone(), Some(100), cache.generation());
        assert_eq!(cache.get(&session("a"), 99), Some(ada));
        assert_eq!(cache.get(&session("a"), 100), None);
        assert_eq!(cache.get(&CredentialKey::ApiToken("a".into()), 99), None);
    }

    #[test]
    fn entries_end_with_their_time_to_live() {
        let cache = PrincipalCache::new(Duration::from_millis(50));
        cache.keep(session("a"), principal(), None, cache.generation());
        assert!(cache.get(&session("a"), 0).is_some());
        std::thread::sleep(Duration::from_millis(120));
        assert_eq!(cache.get(&session("a"), 0), None);
    }

    #[test]
    fn forgetting_drops_entries_and_refuses_resolutions_that_raced_with_it() {
        let cache = PrincipalCache::new(Duration::from_secs(60));
        cache.keep(session("a"), principal(), None, cache.generation());
        cache.keep(session("b"), principal(), None, cache.generation());
        cache.forget(&session("a"));
        assert_eq!(cache.get(&session("a"), 0), None);
        assert!(cache.get(&session("b"), 0).is_some());

        let before = cache.generation();
        cache.forget_all();
        assert_eq!(cache.get(&session("b"), 0), None);
        cache.keep(session("c"), principal(), None, before);
        assert_eq!(cache.get(&session("c"), 0), None, "read before the forget");
    }

    #[test]
    fn a_zero_time_to_live_keeps_nothing() {
        let cache = PrincipalCache::new(Duration::ZERO);
        cache.keep(session("a"), principal(), None, cache.generation());
        assert_eq!(cache.get(&session("a"), 0), None);
    }
}
