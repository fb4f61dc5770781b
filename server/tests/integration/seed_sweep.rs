//! A generated sweep over the seeded connector schemas (`config_schema` and `auth_schema`
//! of every `seeds/connectors/*.json`) and a few edge schemas: over 10,000 values, valid
//! and broken, none of which the browser's validator may refuse while the server's
//! `jsonschema` (built as the connector service builds it) accepts it.
//!
//! Values come from the schemas themselves (enums, consts, bounds, strings drawn from the
//! `pattern`s) and from pools of edge text the findings named: IP-literal URLs, Unicode
//! white space, quoted e-mail local parts, boundary numbers. A fixed seed keeps every run
//! the same.

use crate::sweep_gen;

use std::path::Path;

use app::schema::validate;
use serde_json::{Value, json};
use sweep_gen::{Generator, Rng};

const VALUES_PER_SEED_SCHEMA: usize = 330;
const VALUES_PER_EDGE_SCHEMA: usize = 150;

fn seed_schemas() -> Vec<(String, Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../seeds/connectors");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    let mut schemas = Vec::new();
    for file in files {
        let seed: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        for part in ["config_schema", "auth_schema"] {
            if seed[part].is_object() {
                schemas.push((format!("{} {part}", seed["key"]), seed[part].clone()));
            }
        }
    }
    schemas
}

/// Schemas shaped like the findings, so each edge pool meets the keyword it is about.
fn edge_schemas() -> Vec<(String, Value)> {
    [
        json!({"type": "string", "format": "uri"}),
        json!({"type": "string", "format": "email"}),
        json!({"type": "string", "format": "hostname"}),
        json!({"type": "string", "format": "date-time"}),
        json!({"type": "string", "pattern": "^\\S+$"}),
        json!({"type": "string", "pattern": "^\\s*[a-z]+\\s*$"}),
        json!({"type": "string", "not": {"pattern": "\\s"}}),
        json!({"type": "array", "prefixItems": [{"type": "string"}], "items": {"type": "integer"}}),
        json!({"type": "object", "properties": {"name": {"type": "string"}},
               "patternProperties": {"^x-": {"type": "string"}}, "additionalProperties": false}),
        json!({"not": {"unevaluatedProperties": false}}),
        json!({"oneOf": [{"type": "object"}, {"unevaluatedProperties": false}]}),
        json!({"type": "number", "minimum": 0, "exclusiveMaximum": 1, "multipleOf": 0.01}),
    ]
    .into_iter()
    .map(|schema| (schema.to_string(), schema))
    .collect()
}

#[derive(Default, Debug)]
struct Tally {
    values: usize,
    server_valid: usize,
    both_reject: usize,
    false_rejects: usize,
    false_accepts: usize,
}

#[test]
fn browser_never_refuses_what_the_server_accepts_over_generated_values() {
    let mut rng = Rng::new(0x00C0_FFEE_2026_1130);
    let mut tally = Tally::default();
    let mut problems = Vec::new();
    let seeds = seed_schemas();
    assert!(seeds.len() >= 30, "only {} seed schemas", seeds.len());
    let runs = seeds
        .into_iter()
        .map(|(label, schema)| (label, schema, VALUES_PER_SEED_SCHEMA))
        .chain(
            edge_schemas()
                .into_iter()
                .map(|(label, schema)| (label, schema, VALUES_PER_EDGE_SCHEMA)),
        );
    for (label, schema, count) in runs {
        let server = jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .unwrap();
        let generator = Generator::new(&schema);
        for _ in 0..count {
            let value = generator.value(&mut rng);
            let server_ok = server.is_valid(&value);
            let errors = validate::validate(&schema, &value);
            tally.values += 1;
            tally.server_valid += usize::from(server_ok);
            match (server_ok, errors.is_empty()) {
                (true, false) => {
                    tally.false_rejects += 1;
                    problems.push(format!("{label}: {value} → {errors:?}"));
                }
                (false, true) => tally.false_accepts += 1,
                (false, false) => tally.both_reject += 1,
                (true, true) => {}
            }
        }
    }
    println!("seed sweep: {tally:?}");
    assert!(
        problems.is_empty(),
        "{} false rejects:\n{}",
        problems.len(),
        problems[..problems.len().min(30)].join("\n")
    );
    // Not vacuous: enough values, and plenty on each side of the server's verdict.
    assert!(tally.values >= 10_000, "{tally:?}");
    assert!(tally.server_valid * 4 >= tally.values, "{tally:?}");
    assert!(tally.both_reject * 10 >= tally.values, "{tally:?}");
}

/// The values the finding tests in `app/src/schema/{validate,formats}.rs` call valid
/// are valid for the server too (so those tests hold the browser to the server).
#[test]
fn the_servers_verdicts_behind_the_finding_tests() {
    let accepted = [
        (json!({"format": "uri"}), json!("https://[2001:db8::7]")),
        (json!({"format": "uri"}), json!("http://[::1]/")),
        (
            json!({"format": "uri"}),
            json!("http://[::1]:8080/health?x=1"),
        ),
        (
            json!({"format": "uri"}),
            json!("https://user@[2001:db8::7]:443/p"),
        ),
        (json!({"format": "uri"}), json!("http://[v1.fe80::a+en1]/")),
        (
            json!({"format": "email"}),
            json!("\"john doe\"@example.com"),
        ),
        (json!({"format": "email"}), json!("\"a@b\"@example.com")),
        (
            json!({"format": "email"}),
            json!("\"quote\\\"inside\"@example.com"),
        ),
        (json!({"format": "email"}), json!("\"\"@example.com")),
        (json!({"format": "email"}), json!("ops@[IPv6:2001:db8::1]")),
        (
            json!({"prefixItems": [{"type": "string"}], "items": {"type": "integer"}}),
            json!(["a", 1, 2]),
        ),
        (
            json!({"properties": {"name": {"type": "string"}},
                   "patternProperties": {"^x-": {"type": "string"}}, "additionalProperties": false}),
            json!({"name": "n", "x-trace": "on"}),
        ),
        (
            json!({"pattern": "^\\s+$"}),
            json!("\u{a0}\u{2003}\u{3000}\u{feff}"),
        ),
        (
            json!({"not": {"unevaluatedProperties": false}}),
            json!({"a": 1}),
        ),
        (
            json!({"oneOf": [{"type": "object"}, {"type": "object", "unevaluatedProperties": false}]}),
            json!({"a": 1}),
        ),
        (
            json!({"anyOf": [{"type": "string"}, {"$dynamicRef": "#meta"}]}),
            json!(1),
        ),
        (
            json!({"if": {"unevaluatedProperties": false}, "then": {"required": ["a"]}}),
            json!({"b": 1}),
        ),
        (
            json!({"contains": {"pattern": "^\\p{L}$"}, "minContains": 0, "maxContains": 0}),
            json!(["1"]),
        ),
        (
            json!({"contains": {"type": "string", "pattern": "^\\p{L}$"}}),
            json!(["é"]),
        ),
        (
            json!({"dependentSchemas": {"a": {"not": {"properties": {"a": {"format": "ipv4"}}}}}}),
            json!({"a": "x"}),
        ),
    ];
    for (schema, value) in accepted {
        let server = jsonschema::options()
            .should_validate_formats(true)
            .build(&schema);
        // A `$dynamicRef` to an anchor nobody declares may not even build: then the server
        // refuses nothing in particular and the browser must still not reject.
        if let Ok(server) = server {
            assert!(
                server.is_valid(&value),
                "server refuses {value} for {schema}"
            );
        }
        assert!(
            validate::validate(&schema, &value).is_empty(),
            "browser refuses {value} for {schema}"
        );
    }
}
