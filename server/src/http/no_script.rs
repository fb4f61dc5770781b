//! `POST /needs-javascript`: where the forms that only the browser app sends point
//! (`app::components::scripted`). A browser without JavaScript that submits one anyway
//! lands here and reads that nothing was saved. The body is never read: it may hold a
//! password typed into a credentials form.

use axum::http::StatusCode;
use axum::response::Html;

/// The page, with 400: the request was not one the server acts on.
pub async fn needs_javascript() -> (StatusCode, Html<&'static str>) {
    (
        StatusCode::BAD_REQUEST,
        Html(concat!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
            "<title>This form needs JavaScript · Connector Hub</title></head><body>",
            "<main><h1>This form needs JavaScript</h1>",
            "<p>Nothing was saved. Turn JavaScript on in your browser, go back and try again.</p>",
            "<p><a href=\"/\">Installed connectors</a></p></main></body></html>"
        )),
    )
}
