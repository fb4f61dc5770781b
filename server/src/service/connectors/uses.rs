//! Other parts of the platform using an instance: a connection test (a person's use,
//! access checked) and a scheduled health check (the system's, audited with no actor).

use app::error::AppError;
use app::model::ConnectorType;
use app::model::identity::Principal;
use uuid::Uuid;

use super::{ConnectorService, access};
use crate::store::ConnectorRecord;

use super::OAuthTarget;

impl ConnectorService {
    /// The instance, its type and whether it has stored credentials, if the caller may
    /// use it (a connection test).
    pub async fn usable(
        &self,
        who: &Principal,
        id: Uuid,
    ) -> Result<(ConnectorRecord, ConnectorType, bool), AppError> {
        let record = self.visible(who, id).await?;
        if !access::may_use(who, &record) {
            return Err(AppError::Forbidden);
        }
        let entry = self.entry_of(&record).await?;
        let has_credentials = self
            .store
            .credentials_of(record.tenant_id, id)
            .await?
            .is_some();
        Ok((record, entry, has_credentials))
    }

    /// The instance, if the caller may see it.
    pub async fn seen(&self, who: &Principal, id: Uuid) -> Result<ConnectorRecord, AppError> {
        self.visible(who, id).await
    }

    /// The instance, its type and its decrypted credentials for a use the system makes
    /// on its own (a scheduled health check): no access check, and the decryption is
    /// audited with no actor. Credentials that will not decrypt are an error, as for a
    /// person's use.
    pub async fn system_use(
        &self,
        tenant_id: Uuid,
        id: Uuid,
        purpose: &str,
    ) -> Result<OAuthTarget, AppError> {
        let record = self
            .store
            .connector(tenant_id, id)
            .await?
            .ok_or_else(super::not_found)?;
        let entry = self.entry_of(&record).await?;
        let secrets = match self.store.credentials_of(tenant_id, id).await? {
            Some(stored) => Some(self.open_for_use(None, &record, &stored, purpose).await?),
            None => None,
        };
        Ok(OAuthTarget {
            record,
            entry,
            secrets,
        })
    }

    /// The type of an instance.
    pub(super) async fn entry_of(
        &self,
        record: &ConnectorRecord,
    ) -> Result<ConnectorType, AppError> {
        self.catalog()
            .await?
            .by_id
            .get(&record.catalog_id)
            .cloned()
            .ok_or(AppError::Internal)
    }
}
