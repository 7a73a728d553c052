//! The fidelity test, the measure of "nothing degrades silently": Prism serves the whole
//! upstream API (a temporary copy, with the code-sample references that point at files the
//! snapshot leaves out removed); every GET with a JSON success response is called in static
//! mode and in two rounds of dynamic mode (two fixed seeds), and each body is decoded into
//! the type the generated SDK returns for it, listing the members the type drops. Crafted
//! bodies add what Prism cannot produce: subtypes of the base-schema unions.
//!
//! It prints responses checked, lossless, lossy, decode failures and what was dropped.

#[path = "common/prism.rs"]
mod prism;
#[path = "common/snapshot.rs"]
mod snapshot;

use std::collections::BTreeSet;
use std::fmt::Write as _;
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

fn harness(api: &Api) -> (String, usize) {
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
    let mut crafted = String::new();
    for (what, ty, json) in CRAFTED {
        writeln!(crafted, "    ({what:?}, {json:?}, check::<{ty}>),").unwrap();
    }

    let main = format!(
        r#"#[allow(dead_code, unused_imports, clippy::all)]
#[path = "api/mod.rs"]
mod api;

type Check = fn(&[u8]) -> Result<Vec<String>, String>;

fn check<T: rebilly_runtime::serde::de::DeserializeOwned>(body: &[u8]) -> Result<Vec<String>, String> {{
    rebilly_runtime::fidelity::decode::<T>(body).map(|(_, dropped)| dropped).map_err(|e| e.to_string())
}}

const CALLS: &[(&str, &str, Check)] = &[
{calls}];

const CRAFTED: &[(&str, &str, Check)] = &[
{crafted}];

#[derive(Default)]
struct Tally {{
    checked: usize,
    lossless: usize,
    lossy: Vec<String>,
    kept_whole: Vec<String>,
    failed: Vec<String>,
    not_served: Vec<String>,
}}

impl Tally {{
    fn record(&mut self, what: &str, outcome: Result<Vec<String>, String>) {{
        self.checked += 1;
        let dropped = match outcome {{
            Ok(dropped) => dropped,
            Err(e) => return self.failed.push(format!("{{what}}: {{e}}")),
        }};
        let (whole, dropped): (Vec<String>, Vec<String>) = dropped.into_iter().partition(|d| d.starts_with("!kept whole"));
        if !whole.is_empty() {{
            self.kept_whole.push(format!("{{what}}: {{}}", whole.join("; ")));
        }}
        if dropped.is_empty() {{
            self.lossless += 1;
        }} else {{
            self.lossy.push(format!("{{what}}: dropped {{}}", dropped.join(", ")));
        }}
    }}
}}

#[tokio::main(flavor = "current_thread")]
async fn main() {{
    let urls: Vec<String> = std::env::args().skip(1).collect();
    rebilly_runtime::install_crypto_provider();
    let http = rebilly_runtime::reqwest::Client::new();
    let rounds = [("static", &urls[0], false), ("dynamic, seed 1", &urls[0], true), ("dynamic, seed 2", &urls[1], true)];
    for (round, base, dynamic) in rounds {{
        let mut tally = Tally::default();
        for (id, target, check) in CALLS {{
            let mut request = http.get(format!("{{base}}{{target}}"))
                .header("REB-APIKEY", "sk_fidelity")
                .header("Authorization", "Bearer fidelity.jwt.token")
                .header("Accept", "application/json");
            if dynamic {{
                request = request.header("Prefer", "dynamic=true");
            }}
            let response = request.send().await.expect("Prism answers");
            let status = response.status();
            let body = response.bytes().await.expect("a body");
            if !status.is_success() {{
                tally.not_served.push(format!("{{id}} {{target}}: {{status}}"));
                continue;
            }}
            tally.record(&format!("{{id}} {{target}}"), check(&body));
        }}
        report(round, &tally);
    }}
    let mut tally = Tally::default();
    for (what, json, check) in CRAFTED {{
        tally.record(what, check(json.as_bytes()));
    }}
    report("crafted", &tally);
}}

fn report(round: &str, t: &Tally) {{
    println!("ROUND {{round}}: checked {{}}, lossless {{}}, lossy {{}}, decode failures {{}}, kept whole as Unknown {{}}, not served by Prism {{}}",
        t.checked, t.lossless, t.lossy.len(), t.failed.len(), t.kept_whole.len(), t.not_served.len());
    for line in &t.lossy {{ println!("  LOSSY {{line}}"); }}
    for line in &t.kept_whole {{ println!("  KEPT WHOLE {{line}}"); }}
    for line in &t.failed {{ println!("  FAILED {{line}}"); }}
    for line in &t.not_served {{ println!("  NOT SERVED {{line}}"); }}
}}
"#
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
    let (main, calls) = harness(&generated.api);
    std::fs::write(krate.join("src/main.rs"), main).unwrap();
    let binary = build_harness(&krate, "fidelity-harness", "");
    // Two seeds for two rounds of dynamic answers; no invented members (objects that do not
    // forbid additional properties would otherwise get random ones), so that every member
    // dropped is one the spec names. With `--errors`, Prism checks its own answers against
    // the spec and answers 500 instead of a body that breaks it (some of the spec's examples
    // do, and json-schema-faker's bodies for `not` and for discriminated unions can): those
    // are listed as not served, and every body decoded is one the spec allows.
    let start = |seed: &'static str| {
        let spec = spec.join("openapi.yaml");
        std::thread::spawn(move || {
            prism::Prism::start(
                &spec,
                &[
                    "--errors",
                    "--seed",
                    seed,
                    "--json-schema-faker-fillProperties=false",
                ],
            )
        })
    };
    let (first, second) = (start("fidelity-1"), start("fidelity-2"));
    let (first, second) = (first.join().unwrap(), second.join().unwrap());
    let run = Command::new(binary)
        .args([&first.url, &second.url])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&run.stdout);
    println!("{calls} GETs called per round\n{out}");
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
