//! `/catalog`: browse, search and filter connector types.
//!
//! The filter lives in the URL (`?q=&category=`). Without JavaScript the form submits a
//! GET and the server renders the filtered list; once hydrated, every keystroke replaces
//! the URL and the list narrows at once, from cards loaded a single time.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use crate::api::catalog::catalog_cards;
use crate::components::connector_icon::ConnectorIcon;
use crate::components::early_input::typed_before_hydration;
use crate::components::suspense::Loaded;
use crate::model::{CatalogCard, CatalogFilter, Category};
use crate::routes::{Step, wizard_href};

/// The catalog URL for a search, leaving out empty parameters.
pub fn catalog_href(q: &str, category: &str) -> String {
    let params: Vec<String> = [("q", q.trim()), ("category", category)]
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| format!("{name}={}", utf8_percent_encode(value, NON_ALPHANUMERIC)))
        .collect();
    if params.is_empty() {
        "/catalog".to_owned()
    } else {
        format!("/catalog?{}", params.join("&"))
    }
}

#[component]
pub fn CatalogPage() -> impl IntoView {
    let query = use_query_map();
    let q = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let category = Memo::new(move |_| query.read().get("category").unwrap_or_default());
    // An unknown category in a hand-edited URL shows the whole catalog.
    let filter = Memo::new(move |_| {
        CatalogFilter::from_query(Some(&q.get()), Some(&category.get())).unwrap_or_default()
    });
    let cards = OnceResource::new(catalog_cards());

    let navigate = use_navigate();
    let apply = move |q: String, category: String| {
        let options = NavigateOptions {
            replace: true,
            scroll: false,
            ..Default::default()
        };
        navigate(&catalog_href(&q, &category), options);
    };
    let apply_search = apply.clone();
    // Typed before the app took over: searched once it has.
    if let Some(typed) = typed_before_hydration("catalog-search", &q.get_untracked()) {
        let apply_typed = apply.clone();
        Effect::new(move |_| apply_typed(typed.clone(), category.get_untracked()));
    }

    view! {
        <Title text="Catalog" />
        <h1>"Connector catalog"</h1>
        <p class="lead">"Pick the service you want to connect. You can add several connectors of one type."</p>
        <form
            class="catalog-filters"
            role="search"
            method="get"
            action="/catalog"
            on:submit=|ev| ev.prevent_default()
        >
            <div class="field">
                <label for="catalog-search">"Search"</label>
                <input
                    id="catalog-search"
                    type="search"
                    name="q"
                    autocomplete="off"
                    placeholder="Name, category or description"
                    value=move || q.get()
                    prop:value=move || q.get()
                    on:input=move |ev| apply_search(event_target_value(&ev), category.get_untracked())
                />
            </div>
            <div class="field">
                <label for="catalog-category">"Category"</label>
                <select
                    id="catalog-category"
                    name="category"
                    prop:value=move || category.get()
                    on:change=move |ev| apply(q.get_untracked(), event_target_value(&ev))
                >
                    <option value="" selected=move || category.get().is_empty()>"All categories"</option>
                    {Category::ALL
                        .into_iter()
                        .map(|option| {
                            view! {
                                <option value=option.slug() selected=move || category.get() == option.slug()>
                                    {option.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <button type="submit" class="button secondary">"Search"</button>
        </form>
        <Loaded resource=cards loading="Loading the catalog…" let:catalog>
            {
                let can_install = catalog.can_install;
                view! {
                    // Roles that cannot add are told why there is no "Add".
                    {(!can_install).then(|| view! {
                        <p class="callout" role="note" data-read-only>"Adding connectors needs the Owner or Admin role. You can browse the types here."</p>
                    })}
                    <CatalogResults cards=catalog.cards can_install filter />
                }
            }
        </Loaded>
    }
}

/// The count, the grid of matching cards, or the empty state.
#[component]
fn CatalogResults(
    cards: Vec<CatalogCard>,
    can_install: bool,
    filter: Memo<CatalogFilter>,
) -> impl IntoView {
    let total = cards.len();
    let visible = Memo::new(move |_| {
        let filter = filter.get();
        cards
            .iter()
            .filter(|card| card.matches(&filter))
            .cloned()
            .collect::<Vec<_>>()
    });
    let count = move || {
        let shown = visible.read().len();
        if shown == total {
            format!("{total} connector types")
        } else {
            format!("Showing {shown} of {total} connector types")
        }
    };

    view! {
        <p class="result-count" role="status" aria-live="polite" data-testid="result-count">{count}</p>
        <Show when=move || !visible.read().is_empty() fallback=|| view! { <EmptyResults /> }>
            <ul class="card-grid">
                <For each=move || visible.get() key=|card| card.key.clone() let:card>
                    <CatalogCardView card can_install />
                </For>
            </ul>
        </Show>
    }
}

#[component]
fn EmptyResults() -> impl IntoView {
    view! {
        <section class="empty-state">
            <p>"No connector types match your search."</p>
            <a href="/catalog">"Clear the search and show all types"</a>
        </section>
    }
}

#[component]
fn CatalogCardView(card: CatalogCard, can_install: bool) -> impl IntoView {
    let heading_id = format!("type-{}", card.key);
    let labelled_by = heading_id.clone();
    // The type is chosen: the wizard starts at its details.
    let add_href = wizard_href(Step::Details, None, Some(&card.key));
    view! {
        <li class="card" data-key=card.key.clone()>
            <article aria-labelledby=labelled_by>
                <div class="card-head">
                    <ConnectorIcon svg=card.icon />
                    <h2 id=heading_id>{card.name.clone()}</h2>
                </div>
                <p class="card-description">{card.description}</p>
                <ul class="tags" aria-label="Category and authentication">
                    <li class="tag">{card.category.label()}</li>
                    <li class="tag">{card.auth_type.label()}</li>
                </ul>
                {can_install
                    .then(|| {
                        view! {
                            <a class="button" href=add_href>
                                "Add"
                                <span class="visually-hidden">" " {card.name.clone()}</span>
                            </a>
                        }
                    })}
            </article>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::catalog_href;

    #[test]
    fn href_leaves_out_empty_parameters_and_encodes_text() {
        assert_eq!(catalog_href("", ""), "/catalog");
        assert_eq!(
            catalog_href(" a&b ", "crm"),
            "/catalog?q=a%26b&category=crm"
        );
        assert_eq!(catalog_href("", "social"), "/catalog?category=social");
    }
}
