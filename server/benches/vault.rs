//! Vault seal + open of a typical credential, next to the same AES-256-GCM round trip
//! done with `aes-gcm` directly (the floor: what the vault adds is its key lookup, the
//! binding's associated data and the secret-holding types). Budget: < 20 µs per round trip.
#![allow(clippy::unwrap_used)] // a benchmark stops by panicking

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use criterion::{Criterion, criterion_group, criterion_main};
use secrecy::{ExposeSecret, SecretString};
use server::vault::{Binding, KeyRing, Vault};
use std::hint::black_box;
use uuid::Uuid;

/// A Stripe-like credential as the vault stores it: a small JSON object.
const CREDENTIAL: &[u8] = br#"{"secret_key":"sk_live_51HbGqLKx2yZ3a4b5c6d7e8f9g0hIjKlMnOpQrStUvWxYz","webhook_secret":"whsec_0123456789abcdefABCDEF0123456789"}"#;
const KEY: [u8; 32] = [7; 32];

fn round_trips(c: &mut Criterion) {
    use base64::Engine;
    let spec = format!(
        "bench:{}",
        base64::engine::general_purpose::STANDARD.encode(KEY)
    );
    let vault = Vault::new(KeyRing::parse(&SecretString::from(spec)).unwrap());
    let binding = Binding {
        tenant_id: Uuid::new_v4(),
        connector_id: Uuid::new_v4(),
    };
    let cipher = Aes256Gcm::new_from_slice(&KEY).unwrap();
    let aad = format!(
        "tenant:{}|connector:{}",
        binding.tenant_id, binding.connector_id
    );

    let mut group = c.benchmark_group("vault_round_trip");
    group.bench_function("vault", |b| {
        b.iter(|| {
            let sealed = vault.seal(black_box(CREDENTIAL), binding).unwrap();
            let opened = vault.open(&sealed, binding).unwrap();
            assert_eq!(opened.expose_secret().len(), CREDENTIAL.len());
        });
    });
    group.bench_function("raw_aes_gcm", |b| {
        b.iter(|| {
            let mut nonce = [0u8; 12];
            getrandom::fill(&mut nonce).unwrap();
            let payload = Payload {
                msg: black_box(CREDENTIAL),
                aad: aad.as_bytes(),
            };
            let sealed = cipher.encrypt(Nonce::from_slice(&nonce), payload).unwrap();
            let payload = Payload {
                msg: &sealed,
                aad: aad.as_bytes(),
            };
            let opened = cipher.decrypt(Nonce::from_slice(&nonce), payload).unwrap();
            assert_eq!(opened.len(), CREDENTIAL.len());
        });
    });
    group.finish();
}

criterion_group!(benches, round_trips);
criterion_main!(benches);
