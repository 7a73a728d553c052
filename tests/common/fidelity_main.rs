// The fidelity harness's code, after the tables that `tests/fidelity.rs` writes before it
// (`api`, `Check`, `CALLS`, `CRAFTED`, `WEBHOOKS`). It is a file of the harness crate, not
// of this one.

use rebilly_runtime::serde_json::{self, Value};

fn check<T: rebilly_runtime::serde::de::DeserializeOwned>(
    body: &[u8],
) -> Result<Vec<String>, String> {
    rebilly_runtime::fidelity::decode::<T>(body)
        .map(|(_, dropped)| dropped)
        .map_err(|e| e.to_string())
}

#[derive(Default)]
struct Tally {
    checked: usize,
    lossless: usize,
    lossy: Vec<String>,
    kept_whole: Vec<String>,
    failed: Vec<String>,
    not_served: Vec<String>,
}

impl Tally {
    fn record(&mut self, what: &str, outcome: Result<Vec<String>, String>) {
        self.checked += 1;
        let dropped = match outcome {
            Ok(dropped) => dropped,
            Err(e) => return self.failed.push(format!("{what}: {e}")),
        };
        let (whole, dropped): (Vec<String>, Vec<String>) = dropped
            .into_iter()
            .partition(|d| d.starts_with("!kept whole"));
        if !whole.is_empty() {
            self.kept_whole
                .push(format!("{what}: {}", whole.join("; ")));
        }
        if dropped.is_empty() {
            self.lossless += 1;
        } else {
            self.lossy
                .push(format!("{what}: dropped {}", dropped.join(", ")));
        }
    }
}

/// What a webhook round found of the events, beyond the payloads' decoding.
#[derive(Default)]
struct Events {
    /// Decoded into the variant of their event type, and written back as they came.
    exact: usize,
    /// Their payload, written from its fields (as a built event is), gives the same JSON.
    typed_same: usize,
    /// ... the same values, spelt differently (a number's or a date-time's spelling).
    typed_spelling: Vec<String>,
    /// ... different JSON.
    typed_different: Vec<String>,
}

async fn fetch(
    http: &rebilly_runtime::reqwest::Client,
    url: String,
    dynamic: bool,
) -> Result<Vec<u8>, String> {
    let mut request = http
        .get(url)
        .header("REB-APIKEY", "sk_fidelity")
        .header("Authorization", "Bearer fidelity.jwt.token")
        .header("Accept", "application/json");
    if dynamic {
        request = request.header("Prefer", "dynamic=true");
    }
    let response = request.send().await.expect("Prism answers");
    let status = response.status();
    let body = response.bytes().await.expect("a body");
    if !status.is_success() {
        return Err(status.to_string());
    }
    Ok(body.to_vec())
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    // The validating server, its twin that does not validate, the generated payloads, and
    // in the full mode a validating server with the second seed.
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (validating, twin, payloads) = (&args[0], &args[1], &args[2]);
    rebilly_runtime::install_crypto_provider();
    let http = rebilly_runtime::reqwest::Client::new();
    let mut rounds = vec![
        ("static", validating, false),
        ("dynamic, seed 1", validating, true),
    ];
    if let Some(second) = args.get(3) {
        rounds.push(("dynamic, seed 2", second, true));
    }
    for (round, base, dynamic) in rounds {
        let mut tally = Tally::default();
        for (id, target, check) in CALLS {
            match fetch(&http, format!("{base}{target}"), dynamic).await {
                Ok(body) => tally.record(&format!("{id} {target}"), check(&body)),
                Err(status) => tally.not_served.push(format!("{id} {target}: {status}")),
            }
        }
        report(round, &tally);
    }
    // The spec's examples, from the validating server or else its twin that does not
    // validate; then json-schema-faker's payloads, one round per seed.
    let examples = served(&http, validating, twin).await;
    webhook_round("webhooks, the spec's examples", &examples);
    for round in generated(payloads) {
        let name = format!("webhooks, json-schema-faker, seed {}", round.seed);
        println!(
            "GENERATED {name}: valid at the first attempt {}, after more {}: {}",
            round.first,
            round.retried.len(),
            round.retried.join(", ")
        );
        webhook_round(&name, &round.payloads);
    }
    let mut tally = Tally::default();
    for (what, json, check) in CRAFTED {
        tally.record(what, check(json.as_bytes()));
    }
    report("crafted", &tally);
    unknown_event();
}

/// A webhook payload, by where it came from.
enum Payload {
    /// Served by the validating Prism, or generated and valid against the spec (ajv).
    Valid(Vec<u8>),
    /// Served only by the twin that does not validate: a failure may be the body's fault.
    Unvalidated(Vec<u8>),
    /// Neither served nor generated, and why.
    Missing(String),
}

/// Each event type's payload.
type Payloads = std::collections::BTreeMap<String, Payload>;

/// The spec's example of each payload, as Prism serves it in static mode: from the
/// validating server, or else from its twin.
async fn served(http: &rebilly_runtime::reqwest::Client, validating: &str, twin: &str) -> Payloads {
    let mut payloads = Payloads::new();
    for (event_type, target, _, _) in WEBHOOKS {
        let payload = match fetch(http, format!("{validating}{target}"), false).await {
            Ok(body) => Payload::Valid(body),
            Err(_) => match fetch(http, format!("{twin}{target}"), false).await {
                Ok(body) => Payload::Unvalidated(body),
                Err(status) => Payload::Missing(status),
            },
        };
        payloads.insert(event_type.to_string(), payload);
    }
    payloads
}

/// The payloads of one seed, from `fake_payloads.cjs`.
#[derive(Default)]
struct Generated {
    seed: String,
    payloads: Payloads,
    /// How many were valid at the seed's first attempt.
    first: usize,
    /// The others, with the attempts they took.
    retried: Vec<String>,
}

/// The payloads `fake_payloads.cjs` wrote to `file` (JSON lines), by seed in their order.
fn generated(file: &str) -> Vec<Generated> {
    let text = std::fs::read_to_string(file).expect("the generated payloads");
    let mut rounds: Vec<Generated> = Vec::new();
    for line in text.lines() {
        let line: Value = serde_json::from_str(line).expect("a JSON line");
        let text = |key: &str| line[key].as_str().unwrap_or_default().to_string();
        let (seed, event) = (text("seed"), text("event"));
        let round = match rounds.iter().position(|r| r.seed == seed) {
            Some(at) => &mut rounds[at],
            None => {
                rounds.push(Generated {
                    seed,
                    ..Generated::default()
                });
                rounds.last_mut().unwrap()
            }
        };
        let attempts = line["attempts"].as_u64().unwrap_or_default();
        let payload = match line.get("body") {
            Some(body) => Payload::Valid(serde_json::to_vec(body).unwrap()),
            // The spec holds every payload it describes: one not made is a failure.
            None => Payload::Missing(format!("FAILED, not generated: {}", line["errors"])),
        };
        match (&payload, attempts) {
            (Payload::Valid(_), 1) => round.first += 1,
            (Payload::Valid(_), n) => round.retried.push(format!("{event} ({n})")),
            _ => {}
        }
        round.payloads.insert(event, payload);
    }
    rounds
}

/// Every webhook's payload, its `eventType` set to its event's: decoded as the payload type
/// (what it drops), then as an `Event` (its variant, written back), and written from its
/// fields. A payload that may break the spec is tallied apart.
fn webhook_round(round: &str, payloads: &Payloads) {
    let (mut tally, mut unvalidated) = (Tally::default(), Tally::default());
    let mut events = Events::default();
    for (event_type, _, check, retype) in WEBHOOKS {
        let (body, tally) = match payloads.get(*event_type) {
            Some(Payload::Valid(body)) => (body, &mut tally),
            Some(Payload::Unvalidated(body)) => (body, &mut unvalidated),
            Some(Payload::Missing(why)) => {
                tally.not_served.push(format!("{event_type}: {why}"));
                continue;
            }
            None => {
                tally.not_served.push(format!("{event_type}: absent"));
                continue;
            }
        };
        let mut sent: Value = serde_json::from_slice(body).expect("JSON");
        if let Some(members) = sent.as_object_mut() {
            members.insert("eventType".into(), Value::String(event_type.to_string()));
        }
        let body = serde_json::to_vec(&sent).unwrap();
        tally.record(event_type, check(&body));
        match event(event_type, &body, &sent) {
            Ok(()) => events.exact += 1,
            Err(e) => tally
                .failed
                .push(format!("{event_type} (as an event): {e}")),
        }
        match retype(&body).map(|typed| compare(&sent, &typed, "")) {
            Ok(Typed::Same) => events.typed_same += 1,
            Ok(Typed::Spelling(at)) => events.typed_spelling.push(format!("{event_type}: {at}")),
            Ok(Typed::Different(at)) => events.typed_different.push(format!("{event_type}: {at}")),
            Err(e) => events.typed_different.push(format!("{event_type}: {e}")),
        }
    }
    report(round, &tally);
    if unvalidated.checked + unvalidated.not_served.len() > 0 {
        report_unvalidated(round, &unvalidated);
    }
    println!(
        "EVENTS {round}: decoded into their variant and written back exactly {}; payload written from its fields: same JSON {}, same values spelt differently {}, different {}",
        events.exact, events.typed_same, events.typed_spelling.len(), events.typed_different.len()
    );
    for line in &events.typed_spelling {
        println!("  SPELT DIFFERENTLY {line}");
    }
    for line in &events.typed_different {
        println!("  DIFFERENT (written from its fields) {line}");
    }
}

/// The payloads Prism served only without validating them: a decode failure there may be
/// the body's fault, so it is listed, not failed on.
fn report_unvalidated(round: &str, t: &Tally) {
    println!(
        "ROUND {round}, served without Prism's validation: checked {}, lossless {}, lossy {}, decode failures {}, not served {}",
        t.checked, t.lossless, t.lossy.len(), t.failed.len(), t.not_served.len()
    );
    for line in &t.lossy {
        println!("  LOSSY {line}");
    }
    for line in &t.failed {
        println!("  UNVALIDATED BODY NOT DECODED {line}");
    }
    for line in &t.not_served {
        println!("  NOT SERVED {line}");
    }
}

/// A payload decoded as `T`, then written from its fields (the read-only ones included),
/// as a built event writes it.
fn retype<T: rebilly_runtime::serde::de::DeserializeOwned + rebilly_runtime::serde::Serialize>(
    body: &[u8],
) -> Result<Value, String> {
    let payload: T = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    rebilly_runtime::object::with_read_only(|| serde_json::to_value(&payload))
        .map_err(|e| e.to_string())
}

/// How a payload written from its fields compares with what was received.
enum Typed {
    Same,
    Spelling(String),
    Different(String),
}

/// Decodes `body` as an `Event`: it must be the variant of `event_type`, written back as
/// `sent`, and equal to itself once through JSON (a queue).
fn event(event_type: &str, body: &[u8], sent: &Value) -> Result<(), String> {
    let event = api::events::Event::from_slice(body).map_err(|e| e.to_string())?;
    if event.event_type() != event_type || matches!(event, api::events::Event::Unknown { .. }) {
        return Err(format!("decoded as {:?}", event.event_type()));
    }
    let written = serde_json::to_value(&event).map_err(|e| e.to_string())?;
    if &written != sent {
        return Err("written back differently".into());
    }
    let queued: api::events::Event = serde_json::from_value(written).map_err(|e| e.to_string())?;
    if queued != event {
        return Err("not equal to itself after a queue".into());
    }
    Ok(())
}

/// Compares what was received with what the fields wrote: the first place they differ, and
/// whether only in spelling (`1` and `1.0`; two spellings of one instant).
fn compare(sent: &Value, typed: &Value, at: &str) -> Typed {
    match (sent, typed) {
        (a, b) if a == b => Typed::Same,
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => {
            Typed::Spelling(format!("{at} {a} as {b}"))
        }
        (Value::String(a), Value::String(b)) if same_instant(a, b) => {
            Typed::Spelling(format!("{at} {a} as {b}"))
        }
        (Value::Object(a), Value::Object(b)) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            fold(keys.into_iter().map(|k| match (a.get(k), b.get(k)) {
                (Some(x), Some(y)) => compare(x, y, &format!("{at}/{k}")),
                (Some(_), None) => Typed::Different(format!("{at}/{k} not written")),
                (None, _) => Typed::Different(format!("{at}/{k} written, not received")),
            }))
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => fold(
            a.iter()
                .zip(b)
                .enumerate()
                .map(|(i, (x, y))| compare(x, y, &format!("{at}/{i}"))),
        ),
        (a, b) => Typed::Different(format!("{at}: {a} written as {b}")),
    }
}

/// The first difference, a different value before a spelling.
fn fold(parts: impl Iterator<Item = Typed>) -> Typed {
    let mut spelling = None;
    for part in parts {
        match part {
            Typed::Same => {}
            Typed::Spelling(at) => spelling = spelling.or(Some(at)),
            different => return different,
        }
    }
    spelling.map_or(Typed::Same, Typed::Spelling)
}

fn same_instant(a: &str, b: &str) -> bool {
    let parse = |s: &str| rebilly_runtime::chrono::DateTime::parse_from_rfc3339(s).ok();
    matches!((parse(a), parse(b)), (Some(x), Some(y)) if x == y)
}

/// An event type this SDK does not know decodes into `Unknown` with its body whole.
fn unknown_event() {
    let body = r#"{"eventType":"launched-rocket","rocketId":"r1","_embedded":{"rocket":{"id":"r1","stages":[1,2]}}}"#;
    let event = api::events::Event::from_slice(body.as_bytes()).expect("an unknown event decodes");
    let whole = matches!(&event, api::events::Event::Unknown { event_type, body } if event_type == "launched-rocket" && body.len() == 3);
    let back =
        serde_json::to_value(&event).unwrap() == serde_json::from_str::<Value>(body).unwrap();
    println!(
        "UNKNOWN EVENT: decoded as Unknown with its body whole {whole}, written back whole {back}"
    );
    if !(whole && back) {
        println!("  FAILED the unknown event type: {event:?}");
    }
}

fn report(round: &str, t: &Tally) {
    println!(
        "ROUND {round}: checked {}, lossless {}, lossy {}, decode failures {}, kept whole as Unknown {}, not served by Prism {}",
        t.checked, t.lossless, t.lossy.len(), t.failed.len(), t.kept_whole.len(), t.not_served.len()
    );
    for line in &t.lossy {
        println!("  LOSSY {line}");
    }
    for line in &t.kept_whole {
        println!("  KEPT WHOLE {line}");
    }
    for line in &t.failed {
        println!("  FAILED {line}");
    }
    for line in &t.not_served {
        println!("  NOT SERVED {line}");
    }
}
