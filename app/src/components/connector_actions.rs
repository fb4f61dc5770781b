//! Activating, deactivating and deleting an instance: what is asked first, what is said
//! after. The installed list and the connector page offer the same actions with the same
//! words.

use uuid::Uuid;

use crate::api::connectors::{delete_connector, set_connector_status};
use crate::components::confirm::Question;
use crate::error::AppError;
use crate::model::connector::ConnectorStatus;

/// Something the user asked of one instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    SetStatus {
        id: Uuid,
        name: String,
        to: ConnectorStatus,
        confirm: bool,
    },
    Delete {
        id: Uuid,
        name: String,
    },
}

/// The status change a button offers for an instance in `status`, with its label:
/// none while setup is unfinished (`pending` is left by finishing it).
pub fn status_toggle(status: ConnectorStatus) -> Option<(ConnectorStatus, &'static str)> {
    match status {
        ConnectorStatus::Active => Some((ConnectorStatus::Inactive, "Deactivate")),
        ConnectorStatus::Inactive | ConnectorStatus::Error => {
            Some((ConnectorStatus::Active, "Activate"))
        }
        ConnectorStatus::Pending => None,
    }
}

impl Request {
    /// What the toast says once it is done.
    pub fn done_message(&self) -> String {
        match self {
            Request::SetStatus {
                name,
                to: ConnectorStatus::Active,
                confirm: true,
                ..
            } => format!("{name} is active, though its last test failed."),
            Request::SetStatus { name, to, .. } if *to == ConnectorStatus::Active => {
                format!("{name} is active.")
            }
            Request::SetStatus { name, .. } => format!("{name} is inactive."),
            Request::Delete { name, .. } => format!("{name} was deleted."),
        }
    }

    /// The question to answer before sending, for a request that destroys something.
    pub fn question_first(&self) -> Option<Question> {
        match self {
            Request::Delete { name, .. } => Some(Question {
                title: format!("Delete {name}?"),
                detail: "Its configuration and stored credentials are removed. This cannot be \
                         undone."
                    .into(),
                proceed_label: "Delete".into(),
            }),
            Request::SetStatus { .. } => None,
        }
    }

    /// After the server asked for a confirmation (activating after a failed test): the
    /// question, and the request to send if the answer is yes.
    pub fn confirmation(&self, detail: String) -> Option<(Question, Request)> {
        match self {
            Request::SetStatus { id, name, to, .. } => Some((
                Question {
                    title: format!("Activate {name}?"),
                    detail,
                    proceed_label: "Activate anyway".into(),
                },
                Request::SetStatus {
                    id: *id,
                    name: name.clone(),
                    to: *to,
                    confirm: true,
                },
            )),
            Request::Delete { .. } => None,
        }
    }

    pub async fn send(self) -> (Request, Result<(), AppError>) {
        let result = match &self {
            Request::SetStatus {
                id, to, confirm, ..
            } => set_connector_status(*id, *to, *confirm).await.map(drop),
            Request::Delete { id, .. } => delete_connector(*id).await,
        };
        (self, result)
    }
}
