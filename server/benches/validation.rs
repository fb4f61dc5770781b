//! Checking a configuration against the largest seeded schema (`http_rest`): our path
//! (the compiled, cached `TypeSchemas` turning errors into field messages) next to
//! `jsonschema` alone with a precompiled validator. Budget: ours ≥ 50 % of raw throughput.
#![allow(clippy::unwrap_used)] // a benchmark stops by panicking

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::Value;
use server::service::connectors::TypeSchemas;

fn largest_seeded_type() -> (app::model::ConnectorType, Value) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let entries = server::seed::load_dir(&root.join("seeds/connectors")).unwrap();
    let largest = entries
        .into_iter()
        .max_by_key(|entry| entry.config_schema.to_string().len())
        .unwrap();
    let examples: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("app/tests/fixtures/seed_examples.json")).unwrap(),
    )
    .unwrap();
    let config = examples[&largest.key]["config"].clone();
    let entry = app::model::ConnectorType {
        id: uuid::Uuid::nil(),
        key: largest.key,
        name: largest.name,
        description: largest.description,
        category: largest.category,
        icon: largest.icon,
        auth_type: largest.auth_type,
        capabilities: largest.capabilities,
        config_schema: largest.config_schema,
        auth_schema: largest.auth_schema,
        oauth: largest.oauth,
        test: largest.test,
        docs_url: largest.docs_url,
        version: largest.version,
        created_at: String::new(),
        updated_at: String::new(),
    };
    (entry, config)
}

fn validate(c: &mut Criterion) {
    let (entry, config) = largest_seeded_type();
    let ours = TypeSchemas::compile(&entry).unwrap();
    assert!(
        ours.check_config(&config).is_empty(),
        "the example is valid"
    );
    let raw = jsonschema::options()
        .should_validate_formats(true)
        .build(&entry.config_schema)
        .unwrap();

    let mut group = c.benchmark_group("validate_config");
    group.bench_function("ours", |b| {
        b.iter(|| black_box(ours.check_config(black_box(&config))));
    });
    group.bench_function("raw_jsonschema", |b| {
        b.iter(|| black_box(raw.is_valid(black_box(&config))));
    });
    group.finish();
}

criterion_group!(benches, validate);
criterion_main!(benches);
