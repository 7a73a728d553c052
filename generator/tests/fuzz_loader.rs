//! Property tests: whatever the input, the loader and the generator return a value or an
//! error, and never panic.

use std::path::PathBuf;

use proptest::prelude::*;
use rebilly_sdk_gen::load::SpecFile;
use rebilly_sdk_gen::{generate, Filter};
use serde_json::{json, Map, Value};

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Any text, as YAML.
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC*") {
        let _ = SpecFile::parse(PathBuf::from("fuzz.yaml"), &text);
    }

    /// Text made of YAML's structural characters, which reaches deeper into the parser.
    #[test]
    fn yaml_like_text_never_panics(text in "[ a-z0-9:\\-\\[\\]{},#&*!|>'\"%@`?\n\t~]{0,300}") {
        let _ = SpecFile::parse(PathBuf::from("fuzz.yaml"), &text);
        let _ = SpecFile::parse(PathBuf::from("fuzz.json"), &text);
    }
}

/// Schemas built from the keywords the generator reads, nested, with references that may or
/// may not resolve.
fn schema() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(json!({"type": "string"})),
        Just(json!({"type": ["string", "null"], "format": "date-time"})),
        Just(json!({"type": "integer", "format": "int32"})),
        Just(json!({"type": ["string", "integer", "boolean"]})),
        Just(json!({"enum": ["a", "b", null]})),
        Just(json!({"const": "x"})),
        Just(json!({"$ref": "#/components/schemas/A"})),
        Just(json!({"$ref": "#/components/schemas/Missing"})),
        Just(json!({"$ref": "./nowhere.yaml"})),
        Just(json!({"type": "null"})),
        Just(json!({"not": {"type": "string"}})),
        Just(json!({})),
        Just(json!(true)),
        Just(json!(42)),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            prop::collection::btree_map("[a-z_]{1,6}", inner.clone(), 0..4).prop_map(|props| {
                let required: Vec<_> = props.keys().take(1).cloned().collect();
                json!({"type": "object", "properties": props, "required": required, "readOnly": false})
            }),
            inner.clone().prop_map(|items| json!({"type": "array", "items": items})),
            prop::collection::vec(inner.clone(), 1..3).prop_map(|all| json!({"allOf": all})),
            prop::collection::vec(inner.clone(), 1..3)
                .prop_map(|one| json!({"oneOf": one, "discriminator": {"propertyName": "kind"}})),
            prop::collection::vec(inner.clone(), 1..3).prop_map(|any| json!({"anyOf": any})),
            inner.prop_map(|extra| json!({"type": "object", "additionalProperties": extra})),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Whole specs with random schemas: generation either succeeds (and its output parsed as
    /// Rust, which `generate` checks) or fails with an error.
    #[test]
    fn random_specs_never_panic(a in schema(), body in schema(), response in schema(), method in "get|post|put|delete|patch") {
        let mut op = Map::new();
        op.insert("operationId".into(), json!("fuzzed"));
        op.insert("parameters".into(), json!([{"name": "q", "in": "query", "schema": a.clone()}]));
        if method != "get" {
            op.insert("requestBody".into(), json!({"content": {"application/json": {"schema": body}}}));
        }
        op.insert("responses".into(), json!({"200": {"description": "ok", "content": {"application/json": {"schema": response}}}}));
        let spec = json!({
            "openapi": "3.1.0",
            "info": {"title": "Fuzz", "version": "1"},
            "paths": {"/x/{id}": {"parameters": [{"name": "id", "in": "path", "required": true}], method: op}},
            "components": {"schemas": {"A": a}},
        });
        let _ = generate_from(&spec);
    }
}

fn generate_from(spec: &Value) -> bool {
    let dir = tempfile::tempdir().unwrap();
    // JSON is YAML: the YAML loader reads it.
    std::fs::write(
        dir.path().join("openapi.yaml"),
        serde_json::to_string_pretty(spec).unwrap(),
    )
    .unwrap();
    generate(dir.path(), &Filter::default(), "fuzz").is_ok()
}

/// The random specs are not all rejected early: most reach emission.
#[test]
fn random_specs_mostly_generate() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut ok = 0;
    for _ in 0..100 {
        let response = schema().new_tree(&mut runner).unwrap().current();
        let spec = json!({
            "openapi": "3.1.0",
            "info": {"title": "Fuzz", "version": "1"},
            "paths": {"/x": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": response}}}}}}},
            "components": {"schemas": {"A": {"type": "string"}}},
        });
        ok += usize::from(generate_from(&spec));
    }
    assert!(ok >= 50, "only {ok} of 100 random specs generated");
}
