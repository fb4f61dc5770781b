//! The catalog's rows.

use app::model::{AuthType, Category, ConnectorType, OAuthSettings};
use serde_json::Value;
use sqlx::types::Json;
use time::OffsetDateTime;

use super::rfc3339;
use crate::store::StoreError;

/// The columns of `connector_catalog` as each backend's `catalog_select!` reads them. Ids are read
/// as text on both backends (PostgreSQL casts `id::text`).
#[derive(sqlx::FromRow)]
pub(crate) struct CatalogRow {
    pub id: String,
    pub key: String,
    pub name: String,
    pub description: String,
    pub category: String,
    pub icon: String,
    pub auth_type: String,
    pub capabilities: Json<Value>,
    pub config_schema: Json<Value>,
    pub auth_schema: Json<Value>,
    pub oauth: Option<Json<Value>>,
    pub test: Json<Value>,
    pub docs_url: String,
    pub version: i64,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl TryFrom<CatalogRow> for ConnectorType {
    type Error = StoreError;

    fn try_from(row: CatalogRow) -> Result<Self, StoreError> {
        let corrupt =
            |what: &str| StoreError::Corrupt(format!("connector_catalog {}: {what}", row.key));
        let capabilities = match row.capabilities.0 {
            Value::Object(map) => map,
            _ => return Err(corrupt("capabilities is not an object")),
        };
        let oauth = match row.oauth {
            None => None,
            Some(Json(value)) => Some(
                serde_json::from_value::<OAuthSettings>(value)
                    .map_err(|e| corrupt(&format!("oauth: {e}")))?,
            ),
        };
        Ok(ConnectorType {
            id: row.id.parse().map_err(|_| corrupt("id is not a UUID"))?,
            category: Category::parse(&row.category).ok_or_else(|| corrupt("unknown category"))?,
            auth_type: AuthType::parse(&row.auth_type)
                .ok_or_else(|| corrupt("unknown auth_type"))?,
            created_at: rfc3339(row.created_at),
            updated_at: rfc3339(row.updated_at),
            key: row.key,
            name: row.name,
            description: row.description,
            icon: row.icon,
            capabilities,
            config_schema: row.config_schema.0,
            auth_schema: row.auth_schema.0,
            oauth,
            test: row.test.0,
            docs_url: row.docs_url,
            version: row.version,
        })
    }
}

/// The OAuth settings as stored JSON.
pub(crate) fn oauth_json(oauth: &Option<OAuthSettings>) -> Option<Json<Value>> {
    oauth
        .as_ref()
        .map(|settings| Json(serde_json::to_value(settings).unwrap_or(Value::Null)))
}
