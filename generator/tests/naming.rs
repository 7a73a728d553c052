//! Property-based naming test: specs whose names are drawn from Rust keywords, prelude and
//! runtime names, case and punctuation variants, digits, non-ASCII and empty strings, placed
//! as tag, `x-sdk-resource`, operation id, `x-sdk-operation-name`, parameter (path, query,
//! header), schema, property, enum value and inline-schema title. Each case is generated
//! as a crate (a cargo feature per group) with warnings denied; one harness binary,
//! depending on every case crate, decodes a body holding every member of every struct under
//! its original name, and every enum value, and checks that each writes back unchanged.
//!
//! `NAMING_CASES` sets the number of cases (the test command runs [`DEFAULT_CASES`];
//! `scripts/naming-full` runs more), `NAMING_SEED` the first seed. The crates live under
//! `target/naming-check` and build in the target dir the Prism-based tests use.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use rebilly_sdk_gen::krate::{crate_files, RuntimeDependency};
use rebilly_sdk_gen::model::{TypeKind, TypeRef};
use rebilly_sdk_gen::{generate_with, write, Filter, Generated, Options};
use serde_json::{json, Map, Value};

/// Cases in the test command: each is a crate, all built in one cargo run.
const DEFAULT_CASES: usize = 6;

/// The names a spec may give: every Rust keyword (2015 to 2024, reserved and weak ones
/// too), names the generated code or its crate uses (prelude, runtime, client members,
/// fixed cargo features), spellings that differ only in case or punctuation, digits,
/// non-ASCII, symbols and the empty string.
const POOL: &[&str] = &[
    // Strict and reserved keywords, all editions.
    "as",
    "async",
    "await",
    "break",
    "const",
    "continue",
    "crate",
    "dyn",
    "else",
    "enum",
    "extern",
    "false",
    "fn",
    "for",
    "if",
    "impl",
    "in",
    "let",
    "loop",
    "match",
    "mod",
    "move",
    "mut",
    "pub",
    "ref",
    "return",
    "self",
    "Self",
    "static",
    "struct",
    "super",
    "trait",
    "true",
    "type",
    "unsafe",
    "use",
    "where",
    "while",
    "abstract",
    "become",
    "box",
    "do",
    "final",
    "gen",
    "macro",
    "override",
    "priv",
    "try",
    "typeof",
    "unsized",
    "virtual",
    "yield",
    "union",
    "macro_rules",
    "raw",
    "safe",
    "_",
    // The prelude, std's roots, serde.
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Default",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Drop",
    "Fn",
    "Iterator",
    "ToString",
    "ToOwned",
    "AsRef",
    "PartialEq",
    "Eq",
    "Ord",
    "PartialOrd",
    "Hash",
    "Debug",
    "From",
    "Into",
    "TryFrom",
    "Unpin",
    "std",
    "core",
    "alloc",
    "serde",
    "Serialize",
    "Deserialize",
    // What the generated crate uses itself.
    "Client",
    "Call",
    "Error",
    "Page",
    "Request",
    "Response",
    "Unknown",
    "types",
    "events",
    "builder",
    "new",
    "client",
    "send",
    "options",
    "body",
    "into_future",
    "with_credentials",
    "Event",
    "SERVERS",
    "Api",
    "credentials",
    "send_with_response",
    "request",
    "stream",
    "download",
    "event_type",
    "from_slice",
    "from_value",
    "from_raw",
    "lib",
    "main",
    "con",
    // Its cargo features.
    "default",
    "full",
    "tracing",
    "http2",
    "native-tls",
    "rustls-ring",
    "rustls-aws-lc-rs",
    "webhook-receiver",
    "test-util",
    // Case and punctuation.
    "fooBar",
    "foo_bar",
    "foo-bar",
    "FooBar",
    "FOO_BAR",
    "foo.bar",
    "foo bar",
    "foo__bar",
    "_links",
    "links",
    "$ref",
    "@type",
    "a/b",
    "x-y",
    "id",
    "ID",
    "Id",
    // Digits, non-ASCII, empty.
    "2fa",
    "3ds",
    "123",
    "1.5",
    "v1",
    "café",
    "cafe",
    "日本",
    "Ñandú",
    "🙂",
    "",
];

/// One generated spec's names.
#[derive(Debug, Clone)]
struct Case {
    tags: Vec<&'static str>,
    resource: Option<&'static str>,
    op_ids: Vec<&'static str>,
    sdk_name: Option<&'static str>,
    path_param: &'static str,
    query: Vec<&'static str>,
    header: &'static str,
    schemas: Vec<&'static str>,
    properties: Vec<&'static str>,
    values: Vec<&'static str>,
    title: &'static str,
    events: Vec<&'static str>,
}

fn name() -> impl Strategy<Value = &'static str> {
    prop::sample::select(POOL)
}

/// Names valid as component keys (`^[a-zA-Z0-9.\-_]+$`).
fn key() -> impl Strategy<Value = &'static str> {
    let keys: Vec<&'static str> = (POOL.iter().copied())
        .filter(|n| !n.is_empty())
        .filter(|n| {
            n.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-_".contains(c))
        })
        .collect();
    prop::sample::select(keys)
}

/// Distinct names: `n` of them, in random order.
fn distinct(range: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = Vec<&'static str>> {
    prop::sample::subsequence(POOL.to_vec(), range).prop_shuffle()
}

fn case() -> impl Strategy<Value = Case> {
    let operations = (
        distinct(1..=2),
        prop::option::of(name()),
        distinct(3..=3),
        prop::option::of(name()),
        key(),
        distinct(1..=3),
        name(),
    );
    let schemas = (
        prop::sample::subsequence(
            (POOL.iter().copied())
                .filter(|n| !n.is_empty())
                .filter(|n| {
                    n.chars()
                        .all(|c| c.is_ascii_alphanumeric() || ".-_".contains(c))
                })
                .collect::<Vec<_>>(),
            2..=2,
        )
        .prop_shuffle(),
        distinct(3..=10),
        distinct(1..=8),
        name(),
        distinct(1..=3),
    );
    (operations, schemas).prop_map(
        |(
            (tags, resource, op_ids, sdk_name, path_param, query, header),
            (schemas, properties, values, title, events),
        )| Case {
            tags,
            resource,
            op_ids,
            sdk_name,
            path_param,
            query,
            header,
            schemas,
            properties,
            values,
            title,
            events,
        },
    )
}

/// The spec of a case: per tag, a GET with a path, query and header parameter returning
/// the first schema, and a POST sending it; the first schema holds every property (strings,
/// and the enum of the second schema), plus an inline object titled `title`; webhooks whose
/// event types are names of the pool deliver it.
fn spec(case: &Case) -> Value {
    let (record, enumeration) = (case.schemas[0], case.schemas[1]);
    let mut properties = Map::new();
    for (i, p) in case.properties.iter().enumerate() {
        let schema = match i % 3 {
            1 => json!({ "$ref": format!("#/components/schemas/{enumeration}") }),
            2 => json!({ "type": "integer", "format": "int64" }),
            _ => json!({ "type": "string" }),
        };
        properties.insert(p.to_string(), schema);
    }
    let nested = format!("{}nested", case.title);
    properties.insert(
        nested,
        json!({ "type": "object", "title": case.title, "properties": { case.title: { "type": "string" } } }),
    );
    let required: Vec<&str> = case.properties.iter().step_by(2).copied().collect();
    let reference = json!({ "$ref": format!("#/components/schemas/{record}") });
    let mut paths = Map::new();
    for (i, tag) in case.tags.iter().enumerate() {
        let mut get = json!({
            "tags": [tag],
            "operationId": case.op_ids[i],
            "parameters": [
                { "name": case.path_param, "in": "path", "required": true, "schema": { "type": "string" } },
                { "name": case.header, "in": "header", "schema": { "type": "string" } },
            ],
            "responses": { "200": { "description": "ok", "content": { "application/json": { "schema": reference } } } },
        });
        for q in &case.query {
            let param = json!({ "name": q, "in": "query", "schema": { "type": "string" } });
            get["parameters"].as_array_mut().unwrap().push(param);
        }
        if let Some(sdk) = case.sdk_name {
            get["x-sdk-operation-name"] = json!(sdk);
        }
        if let Some(resource) = case.resource.filter(|_| i == 0) {
            get["x-sdk-resource"] = json!(resource);
        }
        let post = json!({
            "tags": [tag],
            "operationId": format!("{}-create-{i}", case.op_ids[2]),
            "requestBody": { "content": { "application/json": { "schema": reference } } },
            "responses": { "201": { "description": "created", "content": { "application/json": { "schema": reference } } } },
        });
        let path = format!("/items{i}/{{{}}}", case.path_param);
        paths.insert(path, json!({ "get": get }));
        paths.insert(format!("/items{i}"), json!({ "post": post }));
    }
    let mut webhooks = Map::new();
    for event in &case.events {
        let post = json!({
            "tags": [case.tags[0]],
            "requestBody": { "content": { "application/json": { "schema": reference } } },
            "responses": { "200": { "description": "ok" } },
        });
        webhooks.insert(event.to_string(), json!({ "post": post }));
    }
    json!({
        "openapi": "3.1.0",
        "webhooks": webhooks,
        "info": { "title": "naming", "version": "1" },
        "servers": [{ "url": "https://example.test" }],
        "paths": paths,
        "components": { "schemas": {
            record: { "type": "object", "required": required, "properties": properties },
            enumeration: { "type": "string", "enum": case.values },
        } },
    })
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

/// A JSON value of type `ty` holding every member (`None` for what the test leaves out).
fn sample(generated: &Generated, ty: &TypeRef, seed: usize) -> Option<Value> {
    Some(match ty {
        TypeRef::String => json!(format!("text {seed}")),
        TypeRef::I64 | TypeRef::I32 => json!(seed),
        TypeRef::Json => json!({ "raw": seed }),
        TypeRef::Named(name) => match &generated.api.types.get(name)?.kind {
            TypeKind::Struct { fields, .. } => {
                let members = fields
                    .iter()
                    .enumerate()
                    .map(|(i, f)| Some((f.wire.clone(), sample(generated, &f.ty, seed + i)?)));
                Value::Object(members.collect::<Option<Map<String, Value>>>()?)
            }
            TypeKind::StringEnum { variants } => json!(variants[seed % variants.len()].wire),
            _ => return None,
        },
        _ => return None,
    })
}

/// The harness's checks for one case's crate: every struct decoded from a body holding
/// every member and written back unchanged; every enum value decoded into its own variant
/// and written back. Returns the code and the number of checks.
fn checks(generated: &Generated, krate: &str) -> (String, usize) {
    let mut code = String::new();
    let mut count = 0;
    for (name, def) in &generated.api.types {
        let path = format!("{krate}::types::{name}");
        match &def.kind {
            TypeKind::Struct { .. } => {
                let Some(body) = sample(generated, &TypeRef::Named(name.clone()), 1) else {
                    continue;
                };
                let text = serde_json::to_string(&body).unwrap();
                writeln!(code, "    round_trip::<{path}>({text:?});").unwrap();
                count += 1;
            }
            TypeKind::StringEnum { variants } => {
                for v in variants {
                    let wire = serde_json::to_string(&v.wire).unwrap();
                    writeln!(
                        code,
                        "    value::<{path}>({wire:?}, |v| matches!(v, {path}::{}));",
                        v.name
                    )
                    .unwrap();
                    count += 1;
                }
            }
            _ => {}
        }
    }
    for hook in &generated.api.webhooks {
        let Some(Value::Object(mut body)) = sample(generated, &hook.payload, 3) else {
            continue;
        };
        body.insert("eventType".into(), json!(hook.event_type));
        let text = serde_json::to_string(&body).unwrap();
        let event = format!("{krate}::events::Event");
        writeln!(
            code,
            "    event::<{event}>({text:?}, |e| matches!(e, {event}::{}(_)));",
            hook.variant
        )
        .unwrap();
        count += 1;
    }
    (code, count)
}

const HARNESS_MAIN: &str = r#"use rebilly_runtime::serde::{de::DeserializeOwned, Serialize};
use rebilly_runtime::serde_json::{self, Value};

fn round_trip<T: DeserializeOwned + Serialize>(text: &str) {
    let body: Value = serde_json::from_str(text).unwrap();
    let decoded: T = serde_json::from_value(body.clone())
        .unwrap_or_else(|e| panic!("{} does not decode {text}: {e}", std::any::type_name::<T>()));
    let written = serde_json::to_value(&decoded).unwrap();
    assert_eq!(written, body, "{} does not write back {text}", std::any::type_name::<T>());
}

fn event<T: Serialize>(text: &str, is_own: fn(&T) -> bool)
where
    T: DeserializeOwned,
{
    let body: Value = serde_json::from_str(text).unwrap();
    let decoded: T = serde_json::from_str(text).unwrap();
    assert!(is_own(&decoded), "{text} is not decoded into its own event");
    assert_eq!(serde_json::to_value(&decoded).unwrap(), body, "{text} is not written back");
}

fn value<T: DeserializeOwned + Serialize>(text: &str, is_own: fn(&T) -> bool) {
    let decoded: T = serde_json::from_str(text).unwrap();
    assert!(is_own(&decoded), "{text} is not decoded into its own variant of {}", std::any::type_name::<T>());
    assert_eq!(serde_json::to_string(&decoded).unwrap(), text);
}
"#;

/// Generates case `n` as the crate `naming-case-<n>` under `dir`: the crate's name, or
/// the reason it was not generated.
fn generate_case(n: usize, case: &Case, dir: &Path) -> Result<Generated, String> {
    let spec_dir = dir.join(format!("spec-{n}"));
    std::fs::create_dir_all(&spec_dir).unwrap();
    let spec_file = spec_dir.join("openapi.json");
    let text = serde_json::to_string_pretty(&spec(case)).unwrap();
    std::fs::write(&spec_file, &text).unwrap();
    let options = Options {
        filter: Filter::default(),
        source: format!("naming case {n}"),
        features: true,
    };
    let generated = generate_with(&spec_file, &options).map_err(|e| format!("{e}\n{text}"))?;
    let package = format!("naming-case-{n}");
    let runtime = RuntimeDependency::Path(repo().join("runtime"));
    let mut files = crate_files(&generated, &package, &runtime, &options.source);
    for file in &mut files {
        if file.path.ends_with("src/lib.rs") {
            file.content = format!("#![deny(warnings)]\n{}", file.content);
        }
    }
    write::write_files(&dir.join(&package), &files).unwrap();
    Ok(generated)
}

/// Writes the workspace of the case crates and the harness, which runs `checks`.
fn write_workspace(dir: &Path, cases: usize, checks: &str) {
    let members: Vec<String> = (0..cases).map(|n| format!("\"naming-case-{n}\"")).collect();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}, \"harness\"]\n",
            members.join(", ")
        ),
    )
    .unwrap();
    std::fs::copy(repo().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    let deps: String = (0..cases)
        .map(|n| format!("naming-case-{n} = {{ path = \"../naming-case-{n}\" }}\n"))
        .collect();
    let manifest = format!(
        "[package]\nname = \"naming-harness\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\nrebilly-runtime = {{ path = {:?} }}\n{deps}",
        repo().join("runtime")
    );
    std::fs::create_dir_all(dir.join("harness/src")).unwrap();
    std::fs::write(dir.join("harness/Cargo.toml"), manifest).unwrap();
    let main =
        format!("{HARNESS_MAIN}\nfn main() {{\n{checks}    println!(\"all checks passed\");\n}}\n");
    std::fs::write(dir.join("harness/src/main.rs"), main).unwrap();
}

fn cases_and_seed() -> (usize, u64) {
    let number = |var: &str| std::env::var(var).ok().map(|v| v.parse().expect(var));
    let cases = number("NAMING_CASES").unwrap_or(DEFAULT_CASES as u64) as usize;
    (cases, number("NAMING_SEED").unwrap_or(0))
}

#[test]
fn names_from_any_spec_compile_and_round_trip() {
    let started = Instant::now();
    let (count, seed) = cases_and_seed();
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    let dir = repo().join("target/naming-check");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut all_checks = String::new();
    let (mut total, mut warnings) = (0, 0);
    let mut names_used = BTreeSet::new();
    for n in 0..count {
        let case = case().new_tree(&mut runner).unwrap().current();
        names_used.extend(
            case.tags
                .iter()
                .chain(&case.properties)
                .chain(&case.values)
                .copied(),
        );
        let generated = generate_case(n, &case, &dir)
            .unwrap_or_else(|e| panic!("case {n} ({case:?}) is not generated: {e}"));
        warnings += generated.warnings.len();
        let (code, checks) = checks(&generated, &format!("naming_case_{n}"));
        all_checks.push_str(&code);
        total += checks;
    }
    write_workspace(&dir, count, &all_checks);
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["run", "--quiet", "--offline", "-p", "naming-harness"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", repo().join("target/sdk-checks"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the naming cases (in {}) do not compile warning-free or do not round-trip:\n{stderr}",
        dir.display()
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("all checks passed"));
    println!(
        "{count} cases from seed {seed}: {} distinct names placed, {total} round-trip checks, {warnings} generator warnings, in {:.1} s",
        names_used.len(),
        started.elapsed().as_secs_f64()
    );
}
