//! The fidelity test, the measure of "nothing degrades silently": Prism serves the whole
//! upstream API (a temporary copy, with the code-sample references that point at files the
//! snapshot leaves out removed); every GET with a JSON success response is called in static
//! mode and in dynamic mode (a fixed seed; a second round with another seed in
//! `scripts/fidelity-full`), and each body is decoded into the type the generated SDK
//! returns for it, listing the members the type drops. Crafted bodies add what Prism cannot
//! produce: subtypes of the base-schema unions.
//!
//! Webhooks too: each webhook's payload schema is served by Prism at a path added to the
//! copy (the spec's examples), and json-schema-faker makes a payload from it with each seed
//! (`common/fake_payloads.cjs`: two seeds here, eight in `scripts/fidelity-full`; every
//! payload checked against the spec with ajv). Each payload, its `eventType` set to its
//! event's, is decoded as its payload type (listing what it drops) and as an `Event`: the
//! variant of its event type, written back exactly as received, equal to itself after a
//! trip through JSON. Its payload written
//! from its fields (as a built event is) is compared with what was received, and an event
//! type the SDK does not know must decode into `Unknown`, whole.
//!
//! It prints responses checked, lossless, lossy, decode failures and what was dropped.

#[path = "common/prism.rs"]
mod prism;
#[path = "common/snapshot.rs"]
mod snapshot;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use snapshot::{build_harness, rust, upstream_harness};

use rebilly_sdk_gen::model::{Api, Method, Operation, ParamLocation, TypeKind, TypeRef};

/// A value Prism accepts for a parameter of type `ty`; `None` when there is no simple one.
fn sample(api: &Api, ty: &TypeRef) -> Option<String> {
    match ty {
        TypeRef::String | TypeRef::Secret => Some("test-1".into()),
        TypeRef::I32 | TypeRef::I64 => Some("1".into()),
        TypeRef::F64 => Some("1.5".into()),
        TypeRef::Bool => Some("true".into()),
        TypeRef::Date => Some("2024-01-31".into()),
        TypeRef::DateTime => Some("2024-01-31T10:00:00Z".into()),
        TypeRef::Array(t) | TypeRef::Nullable(t) => sample(api, t),
        TypeRef::Named(n) => match &api.types.get(n)?.kind {
            TypeKind::StringEnum { variants } => variants.first().map(|v| v.wire.clone()),
            TypeKind::Alias(t) => sample(api, t),
            _ => None,
        },
        _ => None,
    }
}

/// Path and query of a call to `op`, with every required parameter set.
fn target(api: &Api, op: &Operation) -> Option<String> {
    let mut path = op.path.clone();
    let mut query = Vec::new();
    for p in op.params.iter().filter(|p| p.required) {
        let value = sample(api, &p.ty)?;
        match p.location {
            ParamLocation::Path => path = path.replace(&format!("{{{}}}", p.wire), &value),
            ParamLocation::Query => query.push(format!("{}={value}", p.wire)),
            ParamLocation::Header => return None,
        }
    }
    if !query.is_empty() {
        path = format!("{path}?{}", query.join("&"));
    }
    Some(path)
}

/// Bodies Prism cannot produce: subtypes of the base-schema unions, decoded as the base.
/// (Prism answers a base schema with the base's members only.)
const CRAFTED: &[(&str, &str, &str)] = &[
    (
        "a Stripe gateway account",
        "api::types::GatewayAccount",
        r#"{"gatewayName":"Stripe","method":"payment-card","acceptedCurrencies":["USD"],"id":"gw_1","status":"active","settings":{"redirectUrl":"https://example.com/back","includeCardNetwork":true},"credentials":{"stripeClientId":"ca_1"}}"#,
    ),
    (
        "a rule action that adds a risk score",
        "api::types::RuleAction",
        r#"{"name":"add-risk-score","status":"active","score":25}"#,
    ),
    (
        "a rule action that tags a customer",
        "api::types::RuleAction",
        r#"{"name":"tag-or-untag-customer","status":"active","addingTags":["vip"],"removingTags":[]}"#,
    ),
    (
        "a rule action that stops subscriptions (the base's members only)",
        "api::types::RuleAction",
        r#"{"name":"stop-subscriptions","status":"inactive"}"#,
    ),
    (
        "a rule action of a kind this SDK does not know",
        "api::types::RuleAction",
        r#"{"name":"launch-rocket","status":"active","countdown":10}"#,
    ),
];

/// The webhook samples: each webhook's event type, the path that serves its payload, and
/// the payload type.
type Samples = Vec<(String, String, TypeRef)>;

/// Adds a GET per webhook to the copied spec, answering with the webhook's payload schema:
/// Prism then serves the spec's examples of payloads as it serves responses, and
/// `fake_payloads.cjs` finds each payload schema there. The SDK was generated before,
/// without them.
fn add_webhook_samples(spec: &Path, api: &Api) -> Samples {
    let mut samples = Vec::new();
    let mut paths = String::new();
    for webhook in &api.webhooks {
        let file = &webhook.origin.file;
        let text = std::fs::read_to_string(file).unwrap();
        let body = text
            .split_once("requestBody:")
            .and_then(|(_, after)| after.lines().nth(1))
            .and_then(|line| line.trim().strip_prefix("$ref:"))
            .map(|target| file.parent().unwrap().join(target.trim()))
            .map(|target| target.canonicalize().unwrap());
        let schema = match body {
            Some(body) => format!(
                "./{}#/content/application~1json/schema",
                body.strip_prefix(spec.canonicalize().unwrap())
                    .unwrap()
                    .display()
            ),
            None => format!(
                "./{}#{}/requestBody/content/application~1json/schema",
                file.strip_prefix(spec).unwrap().display(),
                webhook.origin.pointer
            ),
        };
        let path = format!("/fidelity-webhooks/{}", webhook.event_type);
        write!(
            paths,
            "  {path}:\n    get:\n      operationId: fidelity-webhook-{event}\n      responses:\n        '200':\n          description: The payload of {event}.\n          content:\n            application/json:\n              schema:\n                $ref: '{schema}'\n",
            event = webhook.event_type
        )
        .unwrap();
        samples.push((webhook.event_type.clone(), path, webhook.payload.clone()));
    }
    let root = spec.join("openapi.yaml");
    let text = std::fs::read_to_string(&root).unwrap();
    let text = text.replacen("\npaths:\n", &format!("\npaths:\n{paths}"), 1);
    std::fs::write(&root, text).unwrap();
    samples
}

/// Gives every `type: array` schema without `items` an `items: {}` in the copied spec:
/// the same schema in JSON Schema (absent `items` allows any item), but json-schema-faker,
/// which Prism's dynamic mode uses, refuses to make data for one without ("missing items").
/// Upstream's embedded resources have such arrays, so without this many responses get no
/// generated data. The SDK was generated before, from the unpatched copy.
fn add_missing_items(dir: &Path) -> usize {
    let mut added = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            added += add_missing_items(&path);
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let mut out = Vec::with_capacity(lines.len());
        let mut here = 0;
        for (i, line) in lines.iter().enumerate() {
            out.push(line.to_string());
            let trimmed = line.trim_start();
            let key = trimmed.strip_prefix("- ").unwrap_or(trimmed);
            if key != "type: array" {
                continue;
            }
            let indent = line.len() - key.len();
            // `items` may come after `type` or before it.
            let has_items = sibling_items(lines[i + 1..].iter(), indent)
                || sibling_items(lines[..i].iter().rev(), indent);
            if !has_items {
                out.push(format!("{}items: {{}}", " ".repeat(indent)));
                here += 1;
            }
        }
        added += here;
        if here > 0 {
            std::fs::write(&path, out.join("\n") + "\n").unwrap();
        }
    }
    added
}

/// Whether one of `lines` (read away from a key, until one indented less than `indent`) is
/// an `items` key at `indent`: a sibling of that key in the same YAML mapping.
fn sibling_items<'a>(lines: impl Iterator<Item = &'a &'a str>, indent: usize) -> bool {
    let depth = |l: &str| l.len() - l.trim_start().len();
    lines
        .filter(|l| !l.trim().is_empty())
        .take_while(|l| depth(l) >= indent)
        .any(|l| depth(l) == indent && l.trim_start().starts_with("items:"))
}

/// The full mode (`scripts/fidelity-full`), rather than CI's quick one.
fn full_mode() -> bool {
    std::env::var_os("REBILLY_FIDELITY_FULL").is_some()
}

/// The seeds of the generated webhook payloads: two in CI's quick mode, eight in the full
/// mode.
fn seeds() -> Vec<String> {
    let count = if full_mode() { 8 } else { 2 };
    (1..=count).map(|n| format!("fidelity-{n}")).collect()
}

/// Writes json-schema-faker's payloads for every webhook path of the copy, with each seed,
/// to `to` (JSON lines; see `tests/common/fake_payloads.cjs`, which says why Prism's dynamic
/// mode does not serve them).
fn fake_payloads(spec: &Path, to: &Path) {
    let out = std::fs::File::create(to).unwrap();
    let run = Command::new("node")
        .arg(snapshot::repo().join("tests/common/fake_payloads.cjs"))
        .arg(spec.join("openapi.yaml"))
        .args(seeds())
        .current_dir(snapshot::repo())
        .stdout(out)
        .output()
        .expect("node runs (scripts/test installs it with npm ci)");
    assert!(
        run.status.success(),
        "fake_payloads.cjs failed:\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
}

fn harness(api: &Api, samples: &Samples) -> (String, usize) {
    let mut calls = String::new();
    let mut count = 0;
    let mut skipped = BTreeSet::new();
    for op in api.resources.values().flat_map(|r| &r.operations) {
        let body = op.responses.first().and_then(|r| r.body.as_ref());
        let Some(body) = body.filter(|b| !matches!(b, TypeRef::Bytes)) else {
            continue;
        };
        if op.method != Method::Get {
            continue;
        }
        let Some(target) = target(api, op) else {
            skipped.insert(op.id.clone());
            continue;
        };
        writeln!(
            calls,
            "    ({:?}, {:?}, check::<{}>),",
            op.id,
            target,
            rust(body)
        )
        .unwrap();
        count += 1;
    }
    let mut webhooks = String::new();
    for (event_type, path, payload) in samples {
        writeln!(
            webhooks,
            "    ({event_type:?}, {path:?}, check::<{ty}>, retype::<{ty}>),",
            ty = rust(payload)
        )
        .unwrap();
    }
    let mut crafted = String::new();
    for (what, ty, json) in CRAFTED {
        writeln!(crafted, "    ({what:?}, {json:?}, check::<{ty}>),").unwrap();
    }

    let main = format!(
        "#[allow(dead_code, unused_imports, clippy::all)]\n#[path = \"api/mod.rs\"]\nmod api;\n\n\
         type Check = fn(&[u8]) -> Result<Vec<String>, String>;\n\n\
         const CALLS: &[(&str, &str, Check)] = &[\n{calls}];\n\n\
         const CRAFTED: &[(&str, &str, Check)] = &[\n{crafted}];\n\n\
         type Retype = fn(&[u8]) -> Result<rebilly_runtime::serde_json::Value, String>;\n\n\
         const WEBHOOKS: &[(&str, &str, Check, Retype)] = &[\n{webhooks}];\n\n{}",
        include_str!("common/fidelity_main.rs")
    );
    if !skipped.is_empty() {
        println!("GETs not called (a required parameter with no simple value): {skipped:?}");
    }
    (main, count)
}

#[test]
fn every_response_of_the_upstream_api_decodes_with_nothing_dropped() {
    let work = tempfile::tempdir().unwrap();
    let (spec, generated, krate) = upstream_harness(work.path());
    let samples = add_webhook_samples(&spec, &generated.api);
    let patched = add_missing_items(&spec);
    // For a manual look with Prism: `REBILLY_FIDELITY_KEEP=<dir>` keeps the served copy.
    if let Some(keep) = std::env::var_os("REBILLY_FIDELITY_KEEP") {
        snapshot::copy_without_code_samples(&spec, Path::new(&keep));
    }
    let (main, calls) = harness(&generated.api, &samples);
    std::fs::write(krate.join("src/main.rs"), main).unwrap();
    let binary = build_harness(&krate, "fidelity-harness", "");
    // Two seeds for two rounds of dynamic answers; no invented members (objects that do not
    // forbid additional properties would otherwise get random ones), so that every member
    // dropped is one the spec names. With `--errors`, Prism checks its own answers against
    // the spec and answers 500 instead of a body that breaks it (some of the spec's examples
    // do, and json-schema-faker's bodies for `not` and for discriminated unions can): those
    // are listed as not served, and every body decoded is one the spec allows.
    // The spec's webhook examples that Prism will not serve validated (its body for a
    // `oneOf` can match more than one branch) are taken from a twin that does not validate:
    // listed apart.
    let start = |seed: &'static str, validate: bool| {
        let spec = spec.join("openapi.yaml");
        std::thread::spawn(move || {
            let mut args = vec!["--seed", seed, "--json-schema-faker-fillProperties=false"];
            if validate {
                args.insert(0, "--errors");
            }
            prism::Prism::start(&spec, &args)
        })
    };
    // CI's quick mode has one dynamic round of responses; the full mode
    // (`scripts/fidelity-full`) a second, with the other seed, from a server of its own.
    let mut servers = vec![start("fidelity-1", true), start("fidelity-1", false)];
    if full_mode() {
        servers.push(start("fidelity-2", true));
    }
    let payloads = work.path().join("payloads.jsonl");
    fake_payloads(&spec, &payloads);
    let servers: Vec<prism::Prism> = servers.into_iter().map(|s| s.join().unwrap()).collect();
    let run = Command::new(binary)
        .args([&servers[0].url, &servers[1].url])
        .arg(&payloads)
        .args(servers.get(2).map(|s| &s.url))
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&run.stdout);
    println!(
        "{calls} GETs called per round ({patched} arrays without `items` given `items: {{}}` for json-schema-faker), and {} webhook payloads, seeds {:?}\n{out}",
        samples.len(),
        seeds()
    );
    assert!(
        run.status.success(),
        "the harness failed:\n{}\n{out}",
        String::from_utf8_lossy(&run.stderr)
    );
    let failures: Vec<&str> = out.lines().filter(|l| l.contains("FAILED")).collect();
    assert!(
        failures.is_empty(),
        "decode failures:\n{}",
        failures.join("\n")
    );
}
