//! Accounts, sessions, members and API tokens: the rules behind [`IdentityPort`].
//!
//! Slightly over ~400 lines: accounts, sessions, members and tokens share the same role
//! checks and audit; split when one of them grows.

use std::net::IpAddr;
use std::sync::Arc;

use app::error::AppError;
use app::model::identity::{
    ApiTokenInfo, CreatedApiToken, Credential, LoginInput, Member, NewMemberInput, Password,
    Principal, Role, SetupInput, Viewer,
};
use app::ports::{IdentityPort, IssuedSession};
use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use uuid::Uuid;

use super::validate::FieldErrorsBuilder;
use crate::auth::principal::{now_secs, session_clear_cookie, session_set_cookie};
use crate::auth::{Authenticator, password, tokens};
use crate::store::{ApiTokenRecord, SessionRecord, Store, TenantRecord, UserRecord};

/// Failed sign-ins are counted over this window…
pub const FAILURE_WINDOW_SECS: i64 = 15 * 60;
/// …and an account is refused after this many within it (a typo or two is fine)…
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
/// …and an address after this many, across accounts (password spraying).
pub const MAX_FAILURES_PER_ADDRESS: i64 = 30;

const WRONG_CREDENTIALS: &str = "The email or password is incorrect.";

pub struct IdentityService {
    store: Arc<dyn Store>,
    auth: Arc<Authenticator>,
    secure_cookies: bool,
}

impl IdentityService {
    pub fn new(store: Arc<dyn Store>, auth: Arc<Authenticator>, secure_cookies: bool) -> Self {
        IdentityService {
            store,
            auth,
            secure_cookies,
        }
    }

    async fn open_session(
        &self,
        user_id: Uuid,
        tenant_id: Uuid,
    ) -> Result<IssuedSession, AppError> {
        let (value, id) = tokens::new_session().map_err(internal)?;
        let policy = self.auth.policy();
        let now = now_secs();
        let session = SessionRecord {
            id,
            user_id,
            tenant_id,
            created_at: now,
            last_seen_at: now,
            expires_at: now.saturating_add(policy.absolute_secs()),
        };
        self.store.insert_session(&session).await?;
        Ok(IssuedSession {
            set_cookie: session_set_cookie(&value, policy, self.secure_cookies),
        })
    }

    async fn refuse_if_throttled(&self, keys: &[(String, i64)]) -> Result<(), AppError> {
        let since = now_secs() - FAILURE_WINDOW_SECS;
        for (key, limit) in keys {
            if self.store.login_failures_since(key, since).await? >= *limit {
                tracing::warn!("sign-in refused: too many recent failures");
                return Err(AppError::TooManyRequests(
                    "Too many failed sign-ins. Wait 15 minutes, then try again.".to_owned(),
                ));
            }
        }
        Ok(())
    }

    /// Creates the account, or finds the existing one with this email.
    async fn account_for(&self, input: &ValidNewMember) -> Result<UserRecord, AppError> {
        if let Some(existing) = self.store.user_by_email(&input.email).await? {
            return Ok(existing);
        }
        let user = UserRecord {
            id: Uuid::new_v4(),
            email: input.email.clone(),
            display_name: input.display_name.clone(),
            password_hash: hash_password(&input.password).await?,
            is_platform_admin: false,
        };
        self.store
            .create_user(&user)
            .await
            .map_err(|error| match error {
                crate::store::StoreError::Conflict(_) => AppError::Conflict(
                    "An account with this email was just created; try again.".into(),
                ),
                other => other.into(),
            })?;
        Ok(user)
    }
}

#[async_trait]
impl IdentityPort for IdentityService {
    async fn setup_required(&self) -> Result<bool, AppError> {
        Ok(self.store.count_users().await? == 0)
    }

    async fn setup(&self, input: SetupInput) -> Result<IssuedSession, AppError> {
        let mut errors = FieldErrorsBuilder::default();
        let tenant_name = errors.name("tenant_name", &input.tenant_name);
        let display_name = errors.name("display_name", &input.display_name);
        let email = errors.email("email", &input.email);
        let password_ok = errors.password("password", &input.password);
        errors.finish("Please correct the highlighted fields.")?;
        let (Some(tenant_name), Some(display_name), Some(email), true) =
            (tenant_name, display_name, email, password_ok)
        else {
            return Err(AppError::Internal);
        };

        let tenant = TenantRecord {
            id: Uuid::new_v4(),
            name: tenant_name,
        };
        let owner = UserRecord {
            id: Uuid::new_v4(),
            email,
            display_name,
            password_hash: hash_password(&input.password).await?,
            is_platform_admin: true,
        };
        if !self.store.setup_first_owner(&tenant, &owner).await? {
            return Err(AppError::NotFound(
                "This installation is already set up.".into(),
            ));
        }
        tracing::info!(user_id = %owner.id, tenant_id = %tenant.id, "first-run setup completed");
        self.open_session(owner.id, tenant.id).await
    }

    async fn login(
        &self,
        input: LoginInput,
        client: Option<IpAddr>,
    ) -> Result<IssuedSession, AppError> {
        let email = input.email.trim().to_lowercase();
        // Looked up and counted in the database: it must be storable text.
        let mut errors = FieldErrorsBuilder::default();
        errors.text("email", &email);
        errors.finish("Please correct the highlighted fields.")?;
        let account_key = format!("email:{email}");
        let mut keys = vec![(account_key.clone(), MAX_FAILURES_PER_ACCOUNT)];
        if let Some(ip) = client {
            keys.push((format!("ip:{ip}"), MAX_FAILURES_PER_ADDRESS));
        }
        self.refuse_if_throttled(&keys).await?;

        let user = self.store.user_by_email(&email).await?;
        let stored_hash = user.as_ref().map(|user| user.password_hash.clone());
        let matched = password::verify(SecretString::from(input.password.0), stored_hash).await;
        let Some(user) = user.filter(|_| matched) else {
            let now = now_secs();
            for (key, _) in &keys {
                self.store.record_login_failure(key, now).await?;
            }
            tracing::info!("sign-in failed");
            return Err(AppError::InvalidInput {
                message: WRONG_CREDENTIALS.into(),
                fields: Default::default(),
            });
        };
        self.store.clear_login_failures(&account_key).await?;

        let Some(first) = self.store.memberships_of(user.id).await?.into_iter().next() else {
            return Err(AppError::Forbidden);
        };
        tracing::info!(user_id = %user.id, tenant_id = %first.tenant_id, "signed in");
        self.open_session(user.id, first.tenant_id).await
    }

    async fn logout(&self, who: &Principal) -> Result<String, AppError> {
        if let Credential::Session(id) = &who.credential {
            self.store.delete_session(id).await?;
            self.auth.forget_session(id);
            tracing::info!(user_id = %who.user_id, "signed out");
        }
        Ok(session_clear_cookie(self.secure_cookies))
    }

    async fn viewer(&self, who: &Principal) -> Result<Viewer, AppError> {
        Ok(Viewer {
            display_name: who.display_name.clone(),
            email: who.email.clone(),
            tenant_id: who.tenant_id,
            tenant_name: who.tenant_name.clone(),
            role: who.role,
            memberships: self.store.memberships_of(who.user_id).await?,
        })
    }

    async fn switch_tenant(&self, who: &Principal, tenant_id: Uuid) -> Result<(), AppError> {
        let Credential::Session(session_id) = &who.credential else {
            return Err(AppError::invalid_field(
                "tenant_id",
                "An API token belongs to one tenant and cannot switch.",
            ));
        };
        if self.store.role_in(who.user_id, tenant_id).await?.is_none() {
            return Err(not_found_tenant());
        }
        self.store.set_session_tenant(session_id, tenant_id).await?;
        self.auth.forget_session(session_id);
        Ok(())
    }

    async fn members(&self, who: &Principal) -> Result<Vec<Member>, AppError> {
        Ok(self.store.members_of(who.tenant_id).await?)
    }

    async fn add_member(&self, who: &Principal, input: NewMemberInput) -> Result<Member, AppError> {
        require_admin(who)?;
        let mut errors = FieldErrorsBuilder::default();
        let email = errors.email("email", &input.email);
        let display_name = errors.name("display_name", &input.display_name);
        let password_ok = errors.password("password", &input.password);
        if !who.role.may_grant(input.role) {
            errors.add(
                "role",
                format!(
                    "Only an owner can make someone {}.",
                    input.role.label().to_lowercase()
                ),
            );
        }
        errors.finish("Please correct the highlighted fields.")?;
        let (Some(email), Some(display_name), true) = (email, display_name, password_ok) else {
            return Err(AppError::Internal);
        };
        let valid = ValidNewMember {
            email,
            display_name,
            password: input.password,
        };

        let user = self.account_for(&valid).await?;
        if self.store.role_in(user.id, who.tenant_id).await?.is_some() {
            return Err(AppError::Conflict(format!(
                "{} is already a member of this tenant.",
                user.email
            )));
        }
        self.store
            .put_membership(user.id, who.tenant_id, input.role)
            .await?;
        tracing::info!(actor = %who.user_id, user_id = %user.id, role = %input.role, "member added");
        Ok(Member {
            user_id: user.id,
            email: user.email,
            display_name: user.display_name,
            role: input.role,
        })
    }

    async fn set_member_role(
        &self,
        who: &Principal,
        user_id: Uuid,
        role: Role,
    ) -> Result<(), AppError> {
        require_admin(who)?;
        let Some(current) = self.store.role_in(user_id, who.tenant_id).await? else {
            return Err(AppError::NotFound("No such member in this tenant.".into()));
        };
        if !who.role.may_grant(role) || !who.role.may_grant(current) {
            return Err(AppError::Forbidden);
        }
        if current == Role::Owner && role != Role::Owner {
            let owners = self
                .store
                .members_of(who.tenant_id)
                .await?
                .iter()
                .filter(|m| m.role == Role::Owner)
                .count();
            if owners <= 1 {
                return Err(AppError::Conflict(
                    "A tenant needs at least one owner.".into(),
                ));
            }
        }
        self.store
            .put_membership(user_id, who.tenant_id, role)
            .await?;
        self.auth.forget_all();
        tracing::info!(actor = %who.user_id, %user_id, %role, "member role changed");
        Ok(())
    }

    async fn remove_member(&self, who: &Principal, user_id: Uuid) -> Result<(), AppError> {
        require_admin(who)?;
        // Leaving would lock the last owner out; another owner or admin removes you.
        if user_id == who.user_id {
            return Err(AppError::Conflict(
                "You cannot remove yourself; another owner or admin can.".into(),
            ));
        }
        let Some(current) = self.store.role_in(user_id, who.tenant_id).await? else {
            return Err(AppError::NotFound("No such member in this tenant.".into()));
        };
        // Only owners remove owners, so an owner is never the last one removed: the
        // owner removing them stays.
        if !who.role.may_grant(current) {
            return Err(AppError::Forbidden);
        }
        self.store.delete_membership(user_id, who.tenant_id).await?;
        // Cached sessions and tokens of theirs carry the old role: they are read again.
        self.auth.forget_all();
        tracing::info!(actor = %who.user_id, %user_id, "member removed");
        Ok(())
    }

    async fn api_tokens(&self, who: &Principal) -> Result<Vec<ApiTokenInfo>, AppError> {
        require_admin(who)?;
        Ok(self.store.api_tokens_of(who.tenant_id).await?)
    }

    async fn create_api_token(
        &self,
        who: &Principal,
        name: String,
    ) -> Result<CreatedApiToken, AppError> {
        require_admin(who)?;
        let mut errors = FieldErrorsBuilder::default();
        let name = errors.name("name", &name);
        errors.finish("Please name the token.")?;
        let Some(name) = name else {
            return Err(AppError::Internal);
        };

        let (record, token) =
            issue_api_token(self.store.as_ref(), who.tenant_id, who.user_id, name).await?;
        tracing::info!(actor = %who.user_id, token_id = %record.id, "API token created");
        Ok(CreatedApiToken {
            info: ApiTokenInfo {
                id: record.id,
                name: record.name,
                prefix: record.prefix,
                owner_email: who.email.clone(),
                created_at: record.created_at,
                last_used_at: None,
            },
            token: token.expose_secret().to_owned(),
        })
    }

    async fn revoke_api_token(&self, who: &Principal, id: Uuid) -> Result<(), AppError> {
        require_admin(who)?;
        if !self
            .store
            .revoke_api_token(who.tenant_id, id, now_secs())
            .await?
        {
            return Err(AppError::NotFound(
                "No such API token in this tenant.".into(),
            ));
        }
        self.auth.forget_all();
        tracing::info!(actor = %who.user_id, token_id = %id, "API token revoked");
        Ok(())
    }
}

struct ValidNewMember {
    email: String,
    display_name: String,
    password: Password,
}

fn require_admin(who: &Principal) -> Result<(), AppError> {
    if who.role.can_administer() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

fn not_found_tenant() -> AppError {
    AppError::NotFound("No such tenant.".into())
}

/// Creates and stores a new API token for a member; the secret is returned once and only
/// its hash is kept.
pub(crate) async fn issue_api_token(
    store: &dyn Store,
    tenant_id: Uuid,
    user_id: Uuid,
    name: String,
) -> Result<(ApiTokenRecord, SecretString), AppError> {
    let created = tokens::new_api_token().map_err(internal)?;
    let record = ApiTokenRecord {
        id: Uuid::new_v4(),
        tenant_id,
        user_id,
        name,
        token_hash: created.hash,
        prefix: created.prefix,
        created_at: now_secs(),
        last_used_at: None,
        revoked_at: None,
    };
    store.insert_api_token(&record).await?;
    Ok((record, created.token))
}

pub(crate) fn internal(error: impl std::fmt::Display) -> AppError {
    tracing::error!(%error, "identity service failure");
    AppError::Internal
}

pub(crate) async fn hash_password(password: &Password) -> Result<String, AppError> {
    password::hash(SecretString::from(password.0.clone()))
        .await
        .map_err(internal)
}
