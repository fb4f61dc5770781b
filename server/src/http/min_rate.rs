//! A request body that must keep arriving: a client that trickles its body (a "slow POST")
//! is cut off instead of holding a connection and a task for as long as it likes.
//!
//! The rule is Apache `mod_reqtimeout`'s `body=grace,MinRate=rate`: the body has `grace`
//! to start, and every `rate` bytes received buy one more second. A body of any size sent
//! at or above the rate is never cut; one of 1 MiB sent at 1 byte/s is cut after `grace`.
//! tower-http's `TimeoutBody` only bounds the wait for each frame, which a trickle of one
//! byte per second always meets, and no maintained crate offers a rate; hence this small
//! wrapper.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Bytes;
use hyper::body::{Body, Frame, SizeHint};
use tokio::time::{Instant, Sleep};

/// How slow a body may be.
#[derive(Clone, Copy, Debug)]
pub struct MinRate {
    /// Time the body has before it must reach the rate.
    pub grace: Duration,
    /// Bytes per second the body must average after the grace.
    pub bytes_per_sec: u64,
}

/// The error a too-slow body ends with; the request's reader sees it as a failed read.
#[derive(Debug, thiserror::Error)]
#[error("the request body arrived too slowly")]
pub struct BodyTooSlow;

pin_project_lite::pin_project! {
    /// `inner`, cut off with [`BodyTooSlow`] once it falls behind `rate`.
    pub struct MinRateBody<B> {
        #[pin]
        inner: B,
        rate: MinRate,
        started: Instant,
        received: u64,
        // Made on the first wait only: most bodies (a GET's) never wait.
        deadline: Option<Pin<Box<Sleep>>>,
    }
}

impl<B> MinRateBody<B> {
    pub fn new(inner: B, rate: MinRate) -> Self {
        MinRateBody {
            inner,
            rate,
            started: Instant::now(),
            received: 0,
            deadline: None,
        }
    }
}

/// When a body that has `received` bytes since `started` must have sent more.
fn deadline(started: Instant, rate: MinRate, received: u64) -> Instant {
    let earned = Duration::from_secs(received / rate.bytes_per_sec.max(1));
    started + rate.grace + earned
}

impl<B> Body for MinRateBody<B>
where
    B: Body<Data = Bytes>,
    B::Error: Into<axum::BoxError>,
{
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.project();
        match this.inner.poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    *this.received += data.len() as u64;
                    if let Some(sleep) = this.deadline.as_mut() {
                        sleep
                            .as_mut()
                            .reset(deadline(*this.started, *this.rate, *this.received));
                    }
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(error))) => Poll::Ready(Some(Err(error.into()))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => match this
                .deadline
                .get_or_insert_with(|| {
                    Box::pin(tokio::time::sleep_until(deadline(
                        *this.started,
                        *this.rate,
                        *this.received,
                    )))
                })
                .as_mut()
                .poll(cx)
            {
                Poll::Ready(()) => {
                    tracing::info!(
                        received = *this.received,
                        "a request body arrived too slowly: cut off"
                    );
                    Poll::Ready(Some(Err(BodyTooSlow.into())))
                }
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rate_of_bytes_buys_a_second() {
        let start = Instant::now();
        let rate = MinRate {
            grace: Duration::from_secs(10),
            bytes_per_sec: 1000,
        };
        assert_eq!(deadline(start, rate, 0), start + Duration::from_secs(10));
        assert_eq!(deadline(start, rate, 999), start + Duration::from_secs(10));
        assert_eq!(
            deadline(start, rate, 5_000),
            start + Duration::from_secs(15)
        );
    }
}
