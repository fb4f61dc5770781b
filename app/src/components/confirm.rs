//! A modal confirmation for actions that destroy or override something ("Delete
//! Payments?"). Focus starts on Cancel, Escape cancels, and the question is announced.

use leptos::html;
use leptos::prelude::*;

/// What to ask: the question, what it means, and the label of the button that proceeds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    pub title: String,
    pub detail: String,
    pub proceed_label: String,
}

/// Shows `question` while it is `Some`; calls `on_answer(true)` to proceed and
/// `on_answer(false)` to cancel. The caller clears the question.
#[component]
pub fn ConfirmDialog(
    #[prop(into)] question: Signal<Option<Question>>,
    on_answer: Callback<bool>,
) -> impl IntoView {
    move || {
        question.get().map(|question| {
            let cancel = NodeRef::<html::Button>::new();
            cancel.on_load(|button| {
                let _ = button.focus();
            });
            view! {
                <div class="dialog-backdrop">
                    <div
                        class="dialog"
                        role="alertdialog"
                        aria-modal="true"
                        aria-labelledby="confirm-title"
                        aria-describedby="confirm-detail"
                        on:keydown=move |event| {
                            if event.key() == "Escape" {
                                on_answer.run(false);
                            }
                        }
                    >
                        <h2 id="confirm-title">{question.title}</h2>
                        <p id="confirm-detail">{question.detail}</p>
                        <div class="dialog-actions">
                            <button
                                type="button"
                                class="button secondary"
                                node_ref=cancel
                                on:click=move |_| on_answer.run(false)
                            >
                                "Cancel"
                            </button>
                            <button
                                type="button"
                                class="button danger"
                                on:click=move |_| on_answer.run(true)
                            >
                                {question.proceed_label}
                            </button>
                        </div>
                    </div>
                </div>
            }
        })
    }
}
