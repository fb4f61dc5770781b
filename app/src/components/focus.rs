//! Keeping keyboard focus on what the person was using when the part of the page under it
//! re-renders: a removed element drops focus to the page, and a keyboard or screen-reader
//! user would have to find their way back from the top.

use leptos::html;
use leptos::prelude::*;

pub use crate::dom::focus_by_id;

/// Whether focus has fallen to the page, as it does when the focused element is removed.
fn focus_lost() -> bool {
    document()
        .active_element()
        .is_none_or(|element| element.tag_name().eq_ignore_ascii_case("body"))
}

/// A promise to put focus back on an element once it renders again, e.g. the button that
/// asked for a reload, in the list the reload re-renders. The element claims it when it is
/// mounted ([`FocusReturn::claim`]), so nothing waits on a timer: a promise is kept by the
/// render it was made for, and a newer promise replaces an unkept one.
#[derive(Clone, Copy)]
pub struct FocusReturn(StoredValue<Option<String>>);

impl Default for FocusReturn {
    fn default() -> Self {
        Self::new()
    }
}

impl FocusReturn {
    pub fn new() -> Self {
        FocusReturn(StoredValue::new(None))
    }

    /// Focus goes to the element `id` when it next renders, if focus has then fallen to
    /// the page.
    pub fn to(self, id: String) {
        self.0.set_value(Some(id));
    }

    /// A reference for the button `id`: once mounted, it takes focus if it was promised.
    pub fn claim(self, id: String) -> NodeRef<html::Button> {
        let button = NodeRef::<html::Button>::new();
        button.on_load(move |button| {
            let promised = self
                .0
                .try_update_value(|promise| promise.take_if(|wanted| *wanted == id))
                .flatten()
                .is_some();
            if promised && focus_lost() {
                let _ = button.focus();
            }
        });
        button
    }
}
