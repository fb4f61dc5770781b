//! Clients that hold sockets: idle connections, slowloris heads, slow bodies, and more
//! connections than the cap. None holds a socket forever, and new clients are served
//! while they try.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::{Server, get};

/// Whether the server closes `stream` within `within` (an answer before the close, such as
/// a 408 or 503, is read and dropped).
async fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    let mut buffer = [0_u8; 4096];
    tokio::time::timeout(within, async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await
    .is_ok()
}

/// A new client's `GET /healthz` answers 200 within a second.
async fn a_new_client_is_served(server: &Server) {
    let asked = Instant::now();
    let fresh = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let answer = fresh
        .get(format!("{}/healthz", server.base))
        .send()
        .await
        .map(|response| response.status().as_u16());
    assert_eq!(answer.ok(), Some(200), "a new client was not served");
    assert!(
        asked.elapsed() < Duration::from_secs(1),
        "a new client waited {:?}",
        asked.elapsed()
    );
}

/// The head of a sign-in whose body of `length` bytes is still to come (from the server's
/// own origin, so that nothing refuses it before reading the body).
fn sign_in_head(server: &Server, length: usize) -> String {
    format!(
        "POST /sfn/login HTTP/1.1\r\nHost: {host}\r\nOrigin: {base}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {length}\r\n\r\n",
        host = server.base.trim_start_matches("http://"),
        base = server.base,
    )
}

async fn connect(server: &Server) -> TcpStream {
    TcpStream::connect(server.base.trim_start_matches("http://"))
        .await
        .unwrap()
}

/// 1,000 idle connections and 200 slowloris ones (a header byte a second), against a
/// server started with a soft limit of 1,024 open files: it raises the limit, keeps serving
/// new clients throughout, and closes every one of them once the head timeout passes.
#[tokio::test]
#[ignore = "floods a server: `make test` runs it"]
async fn idle_and_slowloris_clients_are_closed_while_new_ones_are_served() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("hub.db").display());
    let server = Server::start_wrapped(
        &url,
        &[
            ("CONNECTORS_CLIENT_HEAD_TIMEOUT_SECS", "3"),
            ("RUST_LOG", "server=info"),
        ],
        &["prlimit", "--nofile=1024:20000", "--"],
    )
    .await;
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", server.pid())).unwrap();
    let open_files = limits
        .lines()
        .find(|line| line.starts_with("Max open files"))
        .unwrap()
        .to_owned();
    assert!(
        open_files.split_whitespace().nth(3) == Some("20000"),
        "the soft limit was not raised: {open_files}"
    );
    assert!(server.log().contains("open-file limit"), "{}", server.log());

    let mut idle = Vec::new();
    for _ in 0..1_000 {
        idle.push(connect(&server).await);
    }
    let mut slow = Vec::new();
    for _ in 0..200 {
        let mut stream = connect(&server).await;
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        slow.push(stream);
    }
    let flooded = Instant::now();
    while flooded.elapsed() < Duration::from_secs(2) {
        for stream in &mut slow {
            let _ = stream.write_all(b"X").await;
        }
        a_new_client_is_served(&server).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
    }

    let mut still_open = 0;
    for stream in idle.iter_mut().chain(slow.iter_mut()) {
        if !closed_within(stream, Duration::from_secs(5)).await {
            still_open += 1;
        }
    }
    assert_eq!(still_open, 0, "connections the server never closed");
    a_new_client_is_served(&server).await;
    let (status, _) = get(&server.http, &server.base, "/healthz", "").await;
    assert_eq!(status, 200);
}

/// Twenty unauthenticated sign-ins whose 1 MiB bodies trickle in at 50 bytes a second are
/// cut off soon after the grace, not read to the end; no answer is a 5xx.
#[tokio::test]
#[ignore = "floods a server: `make test` runs it"]
async fn slow_bodies_are_cut_off() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("hub.db").display());
    let server = Server::start_with(
        &url,
        &[
            ("CONNECTORS_CLIENT_BODY_GRACE_SECS", "1"),
            ("CONNECTORS_CLIENT_BODY_MIN_RATE", "1024"),
        ],
    )
    .await;
    let mut streams = Vec::new();
    for _ in 0..20 {
        let mut stream = connect(&server).await;
        stream
            .write_all(sign_in_head(&server, 1_048_576).as_bytes())
            .await
            .unwrap();
        streams.push(stream);
    }
    let started = Instant::now();
    let mut open = streams.len();
    let mut answers = Vec::new();
    while open > 0 && started.elapsed() < Duration::from_secs(8) {
        open = 0;
        for stream in &mut streams {
            if stream.write_all(&[b'a'; 10]).await.is_ok() {
                open += 1;
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    for stream in &mut streams {
        let mut answer = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(2), stream.read_to_end(&mut answer)).await;
        answers.push(String::from_utf8_lossy(&answer).into_owned());
    }
    assert_eq!(
        open,
        0,
        "slow bodies still being read after {:?}",
        started.elapsed()
    );
    for answer in &answers {
        assert!(!answer.starts_with("HTTP/1.1 5"), "{answer}");
    }
    eprintln!(
        "slow bodies cut off within {:?}; first answer: {:?}",
        started.elapsed(),
        answers[0].lines().next()
    );
    a_new_client_is_served(&server).await;
}

/// At the connection cap: idle connections make way for newcomers; when every connection
/// is busy, a newcomer is refused with a 503 in our error shape instead of waiting.
#[tokio::test]
#[ignore = "floods a server: `make test` runs it"]
async fn at_the_cap_idle_clients_make_way_and_busy_ones_turn_newcomers_away() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("hub.db").display());
    let server = Server::start_with(
        &url,
        &[
            ("CONNECTORS_MAX_CONNECTIONS", "50"),
            ("CONNECTORS_CLIENT_HEAD_TIMEOUT_SECS", "60"),
            ("CONNECTORS_CLIENT_BODY_GRACE_SECS", "60"),
        ],
    )
    .await;
    let mut idle = Vec::new();
    for _ in 0..50 {
        idle.push(connect(&server).await);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    for _ in 0..10 {
        a_new_client_is_served(&server).await;
    }

    // Fifty requests whose bodies are still coming: every place is busy.
    let mut busy = Vec::new();
    for _ in 0..50 {
        let mut stream = connect(&server).await;
        stream
            .write_all(format!("{}email=", sign_in_head(&server, 1_000)).as_bytes())
            .await
            .unwrap();
        busy.push(stream);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let fresh = reqwest::Client::new();
    let refused = fresh
        .get(format!("{}/healthz", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 503);
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unavailable", "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("too many open connections"),
        "{body}"
    );
    drop(busy);
    tokio::time::sleep(Duration::from_millis(300)).await;
    a_new_client_is_served(&server).await;
}
