//! Short messages after an action ("Payments activated"), announced to screen readers:
//! successes through a polite status region, failures through an alert.

use leptos::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Toast {
    id: u64,
    pub text: String,
    pub failed: bool,
}

/// The app's toasts; copyable, so event handlers can hold it. One set for the whole app
/// (provided by `App`), so a message said just before a navigation ("WordPress is active")
/// is still shown on the page the user arrives at.
#[derive(Clone, Copy)]
pub struct Toasts {
    items: RwSignal<Vec<Toast>>,
    next_id: StoredValue<u64>,
}

impl Toasts {
    /// How long a toast stays before it goes by itself.
    const SHOWN_FOR: std::time::Duration = std::time::Duration::from_secs(6);

    pub fn new() -> Self {
        Toasts {
            items: RwSignal::new(Vec::new()),
            next_id: StoredValue::new(0),
        }
    }

    /// Makes the app's toasts; `App` calls it once.
    pub fn provide() -> Self {
        let toasts = Self::new();
        provide_context(toasts);
        toasts
    }

    /// The app's toasts, from any page.
    pub fn current() -> Self {
        use_context::<Toasts>().unwrap_or_default()
    }

    pub fn success(self, text: impl Into<String>) {
        self.push(text.into(), false);
    }

    pub fn failure(self, text: impl Into<String>) {
        self.push(text.into(), true);
    }

    fn push(self, text: String, failed: bool) {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        self.items
            .update(|items| items.push(Toast { id, text, failed }));
        set_timeout(move || self.dismiss(id), Self::SHOWN_FOR);
    }

    fn dismiss(self, id: u64) {
        self.items
            .update(|items| items.retain(|toast| toast.id != id));
    }
}

impl Default for Toasts {
    fn default() -> Self {
        Self::new()
    }
}

/// The two live regions. They are always in the page (empty when quiet), so assistive
/// technology is already listening when a message arrives.
#[component]
pub fn ToastRegion(toasts: Toasts) -> impl IntoView {
    let shown = move |failed: bool| {
        move || {
            toasts
                .items
                .get()
                .into_iter()
                .filter(|toast| toast.failed == failed)
                .map(|toast| {
                    let id = toast.id;
                    view! {
                        <div class="toast" class:toast-error=failed>
                            <span>{toast.text}</span>
                            <button
                                type="button"
                                class="toast-close"
                                aria-label="Dismiss"
                                on:click=move |_| toasts.dismiss(id)
                            >
                                "×"
                            </button>
                        </div>
                    }
                })
                .collect_view()
        }
    };
    view! {
        <div class="toasts">
            <div role="status" aria-live="polite">{shown(false)}</div>
            <div role="alert">{shown(true)}</div>
        </div>
    }
}
