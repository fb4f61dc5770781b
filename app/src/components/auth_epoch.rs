use leptos::prelude::*;

/// Bumped after signing in, signing out or switching tenant, so views that show who is
/// signed in (the header) fetch again after a client-side navigation.
#[derive(Clone, Copy)]
pub struct AuthEpoch(pub RwSignal<u32>);

impl AuthEpoch {
    pub fn provide() -> Self {
        let epoch = AuthEpoch(RwSignal::new(0));
        provide_context(epoch);
        epoch
    }

    pub fn bump(self) {
        self.0.update(|n| *n = n.wrapping_add(1));
    }
}

/// Bumps the epoch whenever `succeeded` turns true (an action's last result was `Ok`).
pub fn bump_on_success(succeeded: impl Fn() -> bool + Send + Sync + 'static) {
    if let Some(epoch) = use_context::<AuthEpoch>() {
        Effect::new(move || {
            if succeeded() {
                epoch.bump();
            }
        });
    }
}
