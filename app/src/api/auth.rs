//! Server functions for signing in and out, first-run setup, members and API tokens.

use leptos::prelude::*;
use uuid::Uuid;

use crate::error::AppError;
use crate::model::identity::{ApiTokenInfo, CreatedApiToken, Member, Password, Role, Viewer};

/// Where to go after signing in: only a path on this site, never another host
/// (`//evil.example` or `https://…` would make the login page an open redirect), and only
/// visible ASCII, as a `Location` header must be (a browser sends the path encoded).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && path.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[cfg(feature = "ssr")]
fn set_cookie(value: &str) -> Result<(), AppError> {
    let header = http::HeaderValue::from_str(value).map_err(|_| AppError::Internal)?;
    expect_context::<leptos_axum::ResponseOptions>()
        .append_header(http::header::SET_COOKIE, header);
    Ok(())
}

/// Whether the installation still needs its first owner.
#[server(prefix = "/sfn", endpoint = "setup_required")]
pub async fn setup_required() -> Result<bool, AppError> {
    crate::ports::use_ports()?.identity.setup_required().await
}

/// Creates the first tenant and owner, signs them in and opens the catalog.
#[server(prefix = "/sfn", endpoint = "setup")]
pub async fn setup(
    tenant_name: String,
    display_name: String,
    email: String,
    password: Password,
) -> Result<(), AppError> {
    let input = crate::model::identity::SetupInput {
        tenant_name,
        display_name,
        email,
        password,
    };
    let issued = crate::ports::use_ports()?.identity.setup(input).await?;
    set_cookie(&issued.set_cookie)?;
    leptos_axum::redirect("/catalog");
    Ok(())
}

#[server(prefix = "/sfn", endpoint = "login")]
pub async fn login(
    email: String,
    password: Password,
    next: Option<String>,
) -> Result<(), AppError> {
    let input = crate::model::identity::LoginInput { email, password };
    let client = crate::ports::use_client_ip();
    let issued = crate::ports::use_ports()?
        .identity
        .login(input, client)
        .await?;
    set_cookie(&issued.set_cookie)?;
    leptos_axum::redirect(&safe_next(next.as_deref()));
    Ok(())
}

#[server(prefix = "/sfn", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let who = crate::ports::use_principal()?;
    let clear = crate::ports::use_ports()?.identity.logout(&who).await?;
    set_cookie(&clear)?;
    leptos_axum::redirect("/login");
    Ok(())
}

/// The signed-in user for the page header; `None` when nobody is signed in.
#[server(prefix = "/sfn", endpoint = "current_viewer")]
pub async fn current_viewer() -> Result<Option<Viewer>, AppError> {
    let Ok(who) = crate::ports::use_principal() else {
        return Ok(None);
    };
    crate::ports::use_ports()?
        .identity
        .viewer(&who)
        .await
        .map(Some)
}

#[server(prefix = "/sfn", endpoint = "switch_tenant")]
pub async fn switch_tenant(tenant_id: Uuid) -> Result<(), AppError> {
    let who = crate::ports::use_principal()?;
    crate::ports::use_ports()?
        .identity
        .switch_tenant(&who, tenant_id)
        .await?;
    leptos_axum::redirect("/");
    Ok(())
}

#[server(prefix = "/sfn", endpoint = "members")]
pub async fn members() -> Result<Vec<Member>, AppError> {
    let who = crate::ports::use_principal()?;
    crate::ports::use_ports()?.identity.members(&who).await
}

#[server(prefix = "/sfn", endpoint = "add_member")]
pub async fn add_member(
    email: String,
    display_name: String,
    role: Role,
    password: Password,
) -> Result<Member, AppError> {
    let who = crate::ports::use_principal()?;
    let input = crate::model::identity::NewMemberInput {
        email,
        display_name,
        role,
        password,
    };
    crate::ports::use_ports()?
        .identity
        .add_member(&who, input)
        .await
}

#[server(prefix = "/sfn", endpoint = "set_member_role")]
pub async fn set_member_role(user_id: Uuid, role: Role) -> Result<(), AppError> {
    let who = crate::ports::use_principal()?;
    crate::ports::use_ports()?
        .identity
        .set_member_role(&who, user_id, role)
        .await
}

#[server(prefix = "/sfn", endpoint = "remove_member")]
pub async fn remove_member(user_id: Uuid) -> Result<(), AppError> {
    let who = crate::ports::use_principal()?;
    crate::ports::use_ports()?
        .identity
        .remove_member(&who, user_id)
        .await
}

#[server(prefix = "/sfn", endpoint = "api_tokens")]
pub async fn api_tokens() -> Result<Vec<ApiTokenInfo>, AppError> {
    let who = crate::ports::use_principal()?;
    crate::ports::use_ports()?.identity.api_tokens(&who).await
}

#[server(prefix = "/sfn", endpoint = "create_api_token")]
pub async fn create_api_token(name: String) -> Result<CreatedApiToken, AppError> {
    let who = crate::ports::use_principal()?;
    crate::ports::use_ports()?
        .identity
        .create_api_token(&who, name)
        .await
}

#[server(prefix = "/sfn", endpoint = "revoke_api_token")]
pub async fn revoke_api_token(id: Uuid) -> Result<(), AppError> {
    let who = crate::ports::use_principal()?;
    crate::ports::use_ports()?
        .identity
        .revoke_api_token(&who, id)
        .await
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/catalog?q=x")), "/catalog?q=x");
        // Besides other hosts: anything that is not visible ASCII, which
        // `leptos_axum::redirect` would panic on when building the Location header.
        for hostile in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "evil",
            "",
            "/a\nb",
            "/caf\u{e9}",
            "/a b",
        ] {
            assert_eq!(safe_next(Some(hostile)), "/", "{hostile}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
