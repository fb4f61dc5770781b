//! The `oauth2` crate's HTTP client is [`Outbound`]: token exchange, refresh and any
//! later token call get the guard, the HTTPS rule, the limits and the redirect rules.
//! Every one of them carries credentials (a client secret, a code, a token).

use std::future::Future;
use std::pin::Pin;

use super::{Carries, Outbound, OutboundError, read_capped};

impl<'c> oauth2::AsyncHttpClient<'c> for Outbound {
    type Error = OutboundError;
    type Future =
        Pin<Box<dyn Future<Output = Result<oauth2::HttpResponse, OutboundError>> + Send + 'c>>;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(async move {
            let request = reqwest::Request::try_from(request)?;
            let response = self.execute(request, Carries::Credentials).await?;
            let mut answer = oauth2::http::Response::builder().status(response.status());
            for (name, value) in response.headers() {
                answer = answer.header(name, value);
            }
            let (body, truncated) = read_capped(response).await;
            if truncated {
                return Err(OutboundError::TooLarge);
            }
            answer.body(body).map_err(|_| OutboundError::Malformed)
        })
    }
}
