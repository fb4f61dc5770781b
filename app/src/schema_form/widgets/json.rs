//! The JSON editor, the widget of last resort (rank 0 in the registry).

use leptos::prelude::*;

use crate::schema::codec::Codec;
use crate::schema_form::chrome::{described_by, error_view, help_view, invalid, label_view};
use crate::schema_form::form::FieldProps;

/// The JSON editor: for what the form cannot lay out. Text that does not parse is kept
/// in the editor and reported; the value keeps its last good state.
pub fn json_editor(props: FieldProps) -> AnyView {
    let FieldProps { form, pointer, .. } = props.clone();
    let initial = Codec::Json.to_text(
        form.value
            .with_untracked(|v| v.pointer(&pointer).cloned())
            .as_ref(),
    );
    let text = RwSignal::new(initial);
    let edit_at = pointer.clone();
    let on_input = move |event| {
        let typed = event_target_value(&event);
        text.set(typed.clone());
        match Codec::Json.from_text(&typed) {
            Ok(value) => {
                form.set_unparsed(&edit_at, None);
                form.set_at(&edit_at, value);
            }
            Err(message) => form.set_unparsed(&edit_at, Some(message)),
        }
    };
    view! {
        <div class="field field-json" data-widget=props.renderer.name>
            {label_view(&props)}
            <textarea
                id=form.field_id(&pointer)
                name=pointer.clone()
                class="json-editor"
                rows="5"
                spellcheck="false"
                aria-invalid=invalid(form, pointer.clone())
                aria-describedby=described_by(&props)
                prop:value=move || text.get()
                on:input=on_input
            >
                {crate::raw_text::raw_text(text.get_untracked())}
            </textarea>
            <p class="field-help">"Edited as JSON."</p>
            {help_view(&props)}
            {error_view(form, pointer, true)}
        </div>
    }
    .into_any()
}
