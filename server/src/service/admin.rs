//! Administration from the command line (`server tenant|user|token …`): the operator's
//! door, trusted like a database login, but held to the same input rules as the UI.

use std::sync::Arc;

use app::error::AppError;
use app::model::identity::{Password, Role};
use secrecy::SecretString;
use uuid::Uuid;

use super::identity::{hash_password, issue_api_token};
use super::validate::FieldErrorsBuilder;
use crate::auth::principal::now_secs;
use crate::store::{Store, StoreError, TenantRecord, UserRecord};

pub struct AdminService {
    store: Arc<dyn Store>,
}

impl AdminService {
    pub fn new(store: Arc<dyn Store>) -> Self {
        AdminService { store }
    }

    pub async fn add_tenant(&self, name: &str) -> Result<TenantRecord, AppError> {
        let mut errors = FieldErrorsBuilder::default();
        let name = errors.name("name", name);
        errors.finish("Invalid tenant name.")?;
        let tenant = TenantRecord {
            id: Uuid::new_v4(),
            name: name.ok_or(AppError::Internal)?,
        };
        self.store
            .create_tenant(&tenant)
            .await
            .map_err(|e| conflict(e, "A tenant with this name exists."))?;
        Ok(tenant)
    }

    /// Adds a user (created with `password` if new) to a tenant with a role.
    pub async fn add_user(
        &self,
        email: &str,
        display_name: &str,
        tenant: &str,
        role: Role,
        password: Password,
    ) -> Result<UserRecord, AppError> {
        let tenant = self.tenant(tenant).await?;
        let mut errors = FieldErrorsBuilder::default();
        let email = errors.email("email", email);
        let display_name = errors.name("name", display_name);
        errors.finish("Invalid user.")?;
        let (Some(email), Some(display_name)) = (email, display_name) else {
            return Err(AppError::Internal);
        };

        let user = match self.store.user_by_email(&email).await? {
            Some(existing) => existing,
            None => {
                let mut errors = FieldErrorsBuilder::default();
                errors.password("password", &password);
                errors.finish("Invalid password.")?;
                let user = UserRecord {
                    id: Uuid::new_v4(),
                    email,
                    display_name,
                    password_hash: hash_password(&password).await?,
                    is_platform_admin: false,
                };
                self.store.create_user(&user).await?;
                user
            }
        };
        self.store.put_membership(user.id, tenant.id, role).await?;
        Ok(user)
    }

    /// A new API token for a member of the tenant; the value is returned once.
    pub async fn create_token(
        &self,
        email: &str,
        tenant: &str,
        name: &str,
    ) -> Result<(Uuid, SecretString), AppError> {
        let tenant = self.tenant(tenant).await?;
        let user = self
            .store
            .user_by_email(email)
            .await?
            .ok_or_else(|| AppError::NotFound("No such user.".into()))?;
        if self.store.role_in(user.id, tenant.id).await?.is_none() {
            return Err(AppError::NotFound(
                "That user is not a member of that tenant.".into(),
            ));
        }
        let mut errors = FieldErrorsBuilder::default();
        let name = errors.name("name", name);
        errors.finish("Invalid token name.")?;
        let name = name.ok_or(AppError::Internal)?;
        let (record, token) =
            issue_api_token(self.store.as_ref(), tenant.id, user.id, name).await?;
        Ok((record.id, token))
    }

    pub async fn revoke_token(&self, tenant: &str, id: Uuid) -> Result<(), AppError> {
        let tenant = self.tenant(tenant).await?;
        if self
            .store
            .revoke_api_token(tenant.id, id, now_secs())
            .await?
        {
            Ok(())
        } else {
            Err(AppError::NotFound(
                "No such unrevoked token in that tenant.".into(),
            ))
        }
    }

    async fn tenant(&self, name: &str) -> Result<TenantRecord, AppError> {
        self.store
            .tenant_by_name(name)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("No tenant is named {name:?}.")))
    }
}

fn conflict(error: StoreError, message: &str) -> AppError {
    match error {
        StoreError::Conflict(_) => AppError::Conflict(message.to_owned()),
        other => other.into(),
    }
}
