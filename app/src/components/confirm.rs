//! A modal confirmation for actions that destroy or override something ("Delete
//! Payments?"). Focus starts on Cancel, Escape cancels, and the question is announced.
//!
//! It is the browser's own modal `<dialog>` (`showModal`): the page behind is inert, so
//! Tab, a click on the backdrop or a screen reader's virtual cursor cannot leave it, and
//! Escape always reaches it. Tab and Shift+Tab also wrap between its two buttons here, so
//! focus never goes to the browser's own controls in between.

use leptos::ev;
use leptos::html;
use leptos::prelude::*;

/// What to ask: the question, what it means, and the label of the button that proceeds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    pub title: String,
    pub detail: String,
    pub proceed_label: String,
}

/// Something waiting for the answer to its question before it is destroyed (a member to
/// remove, a token to revoke): putting it in `pending` opens the dialog, and proceeding
/// runs the action with it. Pass `question` and `answer` to a [`ConfirmDialog`].
pub struct AskFirst<T: Send + Sync + 'static> {
    pub pending: RwSignal<Option<T>>,
    pub question: Signal<Option<Question>>,
    pub answer: Callback<bool>,
}

impl<T: Send + Sync + 'static> Clone for AskFirst<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for AskFirst<T> {}

impl<T: Clone + Send + Sync + 'static> AskFirst<T> {
    pub fn new(
        ask: impl Fn(&T) -> Question + Send + Sync + 'static,
        act: impl Fn(T) + Send + Sync + 'static,
    ) -> Self {
        let pending = RwSignal::new(None::<T>);
        let question = Signal::derive(move || pending.with(|item| item.as_ref().map(&ask)));
        let answer = Callback::new(move |proceed: bool| {
            if let Some(item) = pending.get_untracked() {
                pending.set(None);
                if proceed {
                    act(item);
                }
            }
        });
        AskFirst {
            pending,
            question,
            answer,
        }
    }
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
            let dialog = NodeRef::<html::Dialog>::new();
            let cancel = NodeRef::<html::Button>::new();
            let proceed = NodeRef::<html::Button>::new();
            // Closed before the caller hears the answer: the page behind is inert while
            // the dialog is open, so the caller could not put focus back on it otherwise.
            let answer = move |proceed: bool| {
                if let Some(element) = dialog.get_untracked() {
                    element.close();
                }
                on_answer.run(proceed);
            };
            dialog.on_load(move |element| {
                let _ = element.show_modal();
                if let Some(button) = cancel.get_untracked() {
                    let _ = button.focus();
                }
            });
            // Tab from the last button goes to the first, Shift+Tab from the first to
            // the last.
            let wrap_tab = move |event: ev::KeyboardEvent| {
                if event.key() != "Tab" {
                    return;
                }
                let (from, to) = if event.shift_key() {
                    (cancel, proceed)
                } else {
                    (proceed, cancel)
                };
                let active = document().active_element();
                let at_edge = from
                    .get_untracked()
                    .is_some_and(|button| active.as_deref() == Some(button.as_ref()));
                if at_edge && let Some(button) = to.get_untracked() {
                    event.prevent_default();
                    let _ = button.focus();
                }
            };
            // A press on the backdrop (the dialog element itself, outside its content)
            // keeps focus where it is.
            let keep_focus = move |event: ev::MouseEvent| {
                let on_backdrop = event
                    .target()
                    .zip(dialog.get_untracked())
                    .is_some_and(|(target, element)| target == ****element);
                if on_backdrop {
                    event.prevent_default();
                }
            };
            view! {
                <dialog
                    class="dialog"
                    node_ref=dialog
                    role="alertdialog"
                    aria-labelledby="confirm-title"
                    aria-describedby="confirm-detail"
                    on:cancel=move |event: ev::Event| {
                        event.prevent_default();
                        answer(false);
                    }
                    on:keydown=wrap_tab
                    on:mousedown=keep_focus
                >
                    <h2 id="confirm-title">{question.title}</h2>
                    <p id="confirm-detail">{question.detail}</p>
                    <div class="dialog-actions">
                        <button
                            type="button"
                            class="button secondary"
                            node_ref=cancel
                            on:click=move |_| answer(false)
                        >
                            "Cancel"
                        </button>
                        <button
                            type="button"
                            class="button danger"
                            node_ref=proceed
                            on:click=move |_| answer(true)
                        >
                            {question.proceed_label}
                        </button>
                    </div>
                </dialog>
            }
        })
    }
}
