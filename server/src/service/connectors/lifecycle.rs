//! The connector's status machine: the status an instance moves to when something happens
//! to it, and the reason its audit trail gives. Pure (no store, no clock), so each rule is
//! tested on its own; the services apply the moves. A change a person asks for
//! (Activate, Deactivate) is `ConnectorStatus::manual_transition` in the model, with the
//! confirmation rules of [`check_choice`].
//!
//! | From | Event | To |
//! |---|---|---|
//! | (new) | created as a draft, or unable to sign in yet | `pending` |
//! | (new) | created complete and able to sign in | `inactive` |
//! | `pending` | credentials saved that sign in, configuration complete | `inactive` |
//! | not `pending` | credentials changed so that it cannot sign in | `pending` |
//! | `pending` | configuration completed, saved credentials sign in | `inactive` |
//! | `pending`, `error` | the provider's sign-in finished, configuration complete | `inactive` |
//! | `active` | a test failed (not a provider outage) | `error` |
//! | `error` | a test passed | the status before the error (`inactive` if unknown) |
//! | any | the provider refused the refresh token | `error` |

use app::error::AppError;
use app::model::connector::ConnectorStatus;

/// Something that happened to an instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// Its credentials were saved or cleared. `authenticated`: with what it holds now it
    /// can sign in (or its type needs no credentials).
    CredentialsChanged {
        authenticated: bool,
        config_complete: bool,
    },
    /// A draft's configuration was saved complete; its credentials did not change.
    ConfigurationCompleted { authenticated: bool },
    /// The provider's OAuth sign-in finished.
    SignedIn { config_complete: bool },
    /// A connection test ended. A provider outage is not the connector's fault: an
    /// `error` status would stop the refresh and the health checks that would see it
    /// recover. `before_error` is the status the instance had before its error, where
    /// [`ends_an_error`] said to look it up.
    Tested {
        ok: bool,
        provider_failed: bool,
        before_error: Option<ConnectorStatus>,
    },
    /// The provider refused the refresh token: a person must sign in again.
    RefreshRefused,
}

/// Where an instance goes, and the reason the audit trail gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Move {
    pub to: ConnectorStatus,
    pub reason: &'static str,
}

/// The status a new instance starts in.
pub fn initial(draft: bool, authenticated: bool) -> ConnectorStatus {
    if authenticated && !draft {
        ConnectorStatus::Inactive
    } else {
        ConnectorStatus::Pending
    }
}

/// Whether a test with verdict `ok` ends an instance's error: the caller then looks up
/// the status it had before (for [`Event::Tested`]).
pub fn ends_an_error(current: ConnectorStatus, ok: bool) -> bool {
    current == ConnectorStatus::Error && ok
}

/// The move `event` makes from `current`; `None` when the status stays.
pub fn next(current: ConnectorStatus, event: Event) -> Option<Move> {
    use ConnectorStatus::{Active, Error, Inactive, Pending};
    let to = |to, reason| Some(Move { to, reason });
    match event {
        Event::CredentialsChanged {
            authenticated: true,
            config_complete: true,
        } if current == Pending => to(Inactive, "credentials changed"),
        Event::CredentialsChanged {
            authenticated: false,
            ..
        } if current != Pending => to(Pending, "credentials changed"),
        Event::ConfigurationCompleted {
            authenticated: true,
        } if current == Pending => to(Inactive, "configuration completed"),
        Event::SignedIn {
            config_complete: true,
        } if matches!(current, Pending | Error) => to(Inactive, "signed in with the provider"),
        Event::Tested {
            ok: false,
            provider_failed: false,
            ..
        } if current == Active => to(Error, "connection test failed"),
        Event::Tested {
            ok: true,
            before_error,
            ..
        } if current == Error => to(before_error.unwrap_or(Inactive), "connection test passed"),
        Event::RefreshRefused => to(Error, "re-authentication needed"),
        _ => None,
    }
}

/// A status a person chose (Activate, Deactivate) for an instance in `current` whose
/// last test passed or failed (`last_test_ok`): allowed by the model's manual moves, and
/// confirmed when the last test failed. `needs_reentry`: its saved credentials cannot be
/// decrypted, so it cannot be activated until they are entered again.
pub fn check_choice(
    (current, last_test_ok): (ConnectorStatus, Option<bool>),
    to: ConnectorStatus,
    confirmed: bool,
    needs_reentry: bool,
) -> Result<(), AppError> {
    current
        .manual_transition(to)
        .map_err(|refusal| AppError::Conflict(refusal.message().to_owned()))?;
    if to == ConnectorStatus::Active && current != ConnectorStatus::Active {
        if needs_reentry {
            return Err(AppError::Conflict(super::NEEDS_REENTRY.to_owned()));
        }
        let last_test_failed = last_test_ok == Some(false) || current == ConnectorStatus::Error;
        if last_test_failed && !confirmed {
            return Err(AppError::ConfirmationRequired(
                "The last connection test of this connector failed. Activate it anyway?".into(),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ConnectorStatus::{Active, Error, Inactive, Pending};

    fn to(current: ConnectorStatus, event: Event) -> Option<ConnectorStatus> {
        next(current, event).map(|moved| moved.to)
    }

    #[test]
    fn a_new_instance_is_pending_until_it_is_complete_and_can_sign_in() {
        assert_eq!(initial(false, true), Inactive);
        assert_eq!(initial(true, true), Pending);
        assert_eq!(initial(false, false), Pending);
    }

    #[test]
    fn credentials_finish_setup_or_send_it_back() {
        let signs_in = |config_complete| Event::CredentialsChanged {
            authenticated: true,
            config_complete,
        };
        assert_eq!(to(Pending, signs_in(true)), Some(Inactive));
        assert_eq!(
            to(Pending, signs_in(false)),
            None,
            "configuration incomplete"
        );
        assert_eq!(to(Active, signs_in(true)), None);
        let cannot = Event::CredentialsChanged {
            authenticated: false,
            config_complete: true,
        };
        for from in [Active, Inactive, Error] {
            assert_eq!(to(from, cannot), Some(Pending), "{from:?}");
        }
        assert_eq!(to(Pending, cannot), None);
        let completed = |authenticated| Event::ConfigurationCompleted { authenticated };
        assert_eq!(to(Pending, completed(true)), Some(Inactive));
        assert_eq!(to(Pending, completed(false)), None);
        assert_eq!(to(Inactive, completed(true)), None);
    }

    #[test]
    fn signing_in_at_the_provider_finishes_setup_and_clears_an_error() {
        let signed_in = |config_complete| Event::SignedIn { config_complete };
        assert_eq!(to(Pending, signed_in(true)), Some(Inactive));
        assert_eq!(to(Error, signed_in(true)), Some(Inactive));
        assert_eq!(to(Pending, signed_in(false)), None);
        assert_eq!(to(Active, signed_in(true)), None);
        for from in [Pending, Inactive, Active, Error] {
            assert_eq!(to(from, Event::RefreshRefused), Some(Error), "{from:?}");
        }
    }

    #[test]
    fn tests_move_an_active_instance_to_error_and_back() {
        let tested = |ok, provider_failed, before_error| Event::Tested {
            ok,
            provider_failed,
            before_error,
        };
        assert_eq!(to(Active, tested(false, false, None)), Some(Error));
        assert_eq!(
            to(Active, tested(false, true, None)),
            None,
            "provider outage"
        );
        assert_eq!(to(Inactive, tested(false, false, None)), None);
        assert_eq!(to(Active, tested(true, false, None)), None);
        assert!(ends_an_error(Error, true) && !ends_an_error(Error, false));
        assert_eq!(to(Error, tested(true, false, Some(Active))), Some(Active));
        assert_eq!(to(Error, tested(true, false, None)), Some(Inactive));
        assert_eq!(to(Error, tested(false, false, None)), None);
    }

    #[test]
    fn activating_after_a_failed_test_asks_for_confirmation() {
        let confirmation =
            |result: Result<(), AppError>| matches!(result, Err(AppError::ConfirmationRequired(_)));
        let refused = |result: Result<(), AppError>| matches!(result, Err(AppError::Conflict(_)));
        assert!(check_choice((Inactive, Some(true)), Active, false, false).is_ok());
        assert!(check_choice((Inactive, None), Active, false, false).is_ok());
        assert!(confirmation(check_choice(
            (Inactive, Some(false)),
            Active,
            false,
            false
        )));
        assert!(confirmation(check_choice(
            (Error, None),
            Active,
            false,
            false
        )));
        assert!(check_choice((Inactive, Some(false)), Active, true, false).is_ok());
        assert!(refused(check_choice(
            (Inactive, Some(true)),
            Active,
            true,
            true
        )));
        assert!(check_choice((Active, Some(false)), Inactive, false, true).is_ok());
        assert!(refused(check_choice((Pending, None), Active, true, false)));
    }
}
