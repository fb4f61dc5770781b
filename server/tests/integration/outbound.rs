//! Everything that leaves the server goes through `server/src/outbound/`: its address
//! guard, HTTPS rule, timeouts, body cap and redirect rules. This test fails when code
//! elsewhere makes its own HTTP client, connection or name lookup.

use std::path::{Path, PathBuf};

/// Ways to reach the network without the outbound module.
const BYPASSES: [&str; 14] = [
    "reqwest::Client",
    "reqwest::get(",
    "ClientBuilder",
    "Client::builder",
    "Client::new(",
    "Client::default(",
    "oauth2::reqwest",
    "TcpStream::connect",
    "TcpSocket::",
    "UdpSocket::",
    "lookup_host",
    "ToSocketAddrs",
    "hyper_util::client",
    "ureq::",
];

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn only_the_outbound_module_reaches_the_network() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let outbound = src.join("outbound");
    assert!(outbound.is_dir(), "server/src/outbound/ is missing");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut bypasses = Vec::new();
    for file in files.iter().filter(|file| !file.starts_with(&outbound)) {
        let text = std::fs::read_to_string(file).unwrap();
        for (number, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            for pattern in BYPASSES {
                if code.contains(pattern) {
                    bypasses.push(format!(
                        "{}:{}: {pattern}",
                        file.strip_prefix(&src).unwrap().display(),
                        number + 1
                    ));
                }
            }
        }
    }
    assert!(
        bypasses.is_empty(),
        "outbound requests must go through server/src/outbound/:\n{}",
        bypasses.join("\n")
    );
}
