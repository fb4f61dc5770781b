//! The app's URLs that more than one page builds: the setup wizard's steps. A page links
//! to another through here, never by importing that page.

use uuid::Uuid;

/// The setup wizard's steps, in order; each has its slug in the URL (`?step=configure`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Choose,
    Details,
    Configure,
    Authenticate,
    Test,
    Review,
}

impl Step {
    pub const ALL: [Step; 6] = [
        Step::Choose,
        Step::Details,
        Step::Configure,
        Step::Authenticate,
        Step::Test,
        Step::Review,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Step::Choose => "type",
            Step::Details => "details",
            Step::Configure => "configure",
            Step::Authenticate => "authenticate",
            Step::Test => "test",
            Step::Review => "review",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Step::Choose => "Choose a connector type",
            Step::Details => "Name and access",
            Step::Configure => "Configure",
            Step::Authenticate => "Authenticate",
            Step::Test => "Test the connection",
            Step::Review => "Review and save",
        }
    }

    pub fn number(self) -> usize {
        Step::ALL.iter().position(|step| *step == self).unwrap_or(0) + 1
    }

    pub fn parse(slug: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|step| step.slug() == slug)
    }
}

/// The wizard's URL for a step.
pub fn wizard_href(step: Step, draft: Option<Uuid>, type_key: Option<&str>) -> String {
    let mut params = vec![format!("step={}", step.slug())];
    if let Some(draft) = draft {
        params.push(format!("draft={draft}"));
    }
    if let Some(key) = type_key.filter(|key| !key.is_empty()) {
        let key = percent_encoding::utf8_percent_encode(key, percent_encoding::NON_ALPHANUMERIC);
        params.push(format!("type={key}"));
    }
    format!("/connectors/new?{}", params.join("&"))
}
