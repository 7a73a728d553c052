//! The fixed part of the write-side harness (`tests/write_side.rs` writes the rest: one
//! function per operation that builds its call from a plan). Built in a crate of its own
//! beside the generated whole-API module, never in this workspace.
//!
//! For every operation: build the call through the SDK from the plan's values, send it to
//! Prism (which validates every request against the spec), and classify Prism's answer.
//! Every rejection, and every call that could not be built, is sent again raw (reqwest and
//! the plan's JSON, without the SDK): a request that passes raw but not through the SDK is
//! an SDK defect. Then the round trip of every body: read into the SDK's type, written
//! again, compared with the body less its read-only members.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use rebilly_runtime::serde::{de::DeserializeOwned, Serialize};
use rebilly_runtime::serde_json::{self, Value};
use rebilly_runtime::{BoxFuture, Credentials, Error, Operation, RetryPolicy};

/// Leaves an operation's function with `Outcome::NotBuilt` when a value does not fit.
macro_rules! need {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(e) => return $crate::driver::Outcome::NotBuilt(e),
        }
    };
}

/// Sets an optional parameter (or body) when the plan has a value for it.
macro_rules! maybe {
    ($call:ident, $e:expr, $setter:ident) => {
        let $call = match need!($e) {
            Some(v) => $call.$setter(v),
            None => $call,
        };
    };
}

/// What a generated operation function is.
pub type OpFn = for<'a> fn(&'a crate::api::Client, &'a Plan) -> BoxFuture<'a, Outcome>;
/// The round trip of an operation's body type: what it writes after reading the plan's body.
pub type RoundTripFn = fn(&Plan) -> Option<Result<Value, String>>;

/// One operation of the SDK, for the harness.
pub struct Entry {
    pub id: &'static str,
    pub call: OpFn,
    pub round_trip: Option<RoundTripFn>,
    /// The body type is both sent and received.
    pub both_ways: bool,
}

/// What the plan generator (`plans.js`) chose for one operation.
pub struct Plan {
    pub id: String,
    pub method: String,
    pub path: String,
    params: Vec<Planned>,
    body: Option<PlannedBody>,
    pub problems: Vec<String>,
}

struct Planned {
    name: String,
    location: String,
    style: Option<String>,
    explode: Option<bool>,
    value: Value,
}

struct PlannedBody {
    value: Value,
    round_trip: Value,
    source: String,
    /// Members some branch of the schema marks read-only: a client may leave them out.
    read_only: Vec<String>,
}

impl Plan {
    fn from_json(v: &Value) -> Plan {
        let text = |v: &Value, k: &str| v[k].as_str().unwrap_or_default().to_string();
        let params = v["params"].as_array().into_iter().flatten();
        Plan {
            id: text(v, "id"),
            method: text(v, "method"),
            path: text(v, "path"),
            params: params
                .map(|p| Planned {
                    name: text(p, "name"),
                    location: text(p, "in"),
                    style: p["style"].as_str().map(str::to_string),
                    explode: p["explode"].as_bool(),
                    value: p["value"].clone(),
                })
                .collect(),
            body: v["body"].is_object().then(|| PlannedBody {
                value: v["body"]["value"].clone(),
                round_trip: v["body"]["roundTrip"].clone(),
                source: text(&v["body"], "source"),
                read_only: v["body"]["readOnly"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|p| p.as_str().map(str::to_string))
                    .collect(),
            }),
            problems: v["problems"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|p| p.as_str().map(str::to_string))
                .collect(),
        }
    }

    /// The value of a parameter, when the plan has one. A scalar that does not fit as JSON is
    /// tried as its text (a number given for a string parameter is sent as text anyway).
    pub fn opt<T: DeserializeOwned>(&self, location: &str, name: &str) -> Result<Option<T>, String> {
        let Some(p) = self.params.iter().find(|p| p.location == location && p.name == name) else {
            return Ok(None);
        };
        let read = |v: Value| serde_json::from_value::<T>(v);
        match read(p.value.clone()) {
            Ok(v) => Ok(Some(v)),
            Err(e) => match &p.value {
                Value::Number(_) | Value::Bool(_) => read(Value::String(text(&p.value)))
                    .map(Some)
                    .map_err(|_| format!("{location} parameter {name} = {}: {e}", p.value)),
                _ => Err(format!("{location} parameter {name} = {}: {e}", p.value)),
            },
        }
    }

    /// The value of a required parameter.
    pub fn arg<T: DeserializeOwned>(&self, location: &str, name: &str) -> Result<T, String> {
        self.opt(location, name)?
            .ok_or_else(|| format!("no value for the required {location} parameter {name}"))
    }

    /// The body, when the plan has one, read into the SDK's type.
    pub fn body_opt<T: DeserializeOwned>(&self) -> Result<Option<T>, String> {
        let Some(body) = &self.body else { return Ok(None) };
        serde_json::from_value(body.value.clone())
            .map(Some)
            .map_err(|e| format!("the {} body does not read into {}: {e}", body.source, std::any::type_name::<T>()))
    }

    /// The required body.
    pub fn body<T: DeserializeOwned>(&self) -> Result<T, String> {
        self.body_opt()?.ok_or_else(|| "no value for the required body".to_string())
    }
}

/// How a call ended.
pub enum Outcome {
    /// Prism took the request (and answered from the spec).
    Accepted { note: Option<String> },
    /// Prism refused the request: its reason, and the body the SDK sent.
    Rejected(String, Option<Value>),
    /// The SDK could not express the plan's values.
    NotBuilt(String),
    /// Neither (a transport failure, an error that is not Prism's).
    Failed(String),
}

/// Sends `call` and classifies what came back.
pub async fn send<O: Operation>(call: crate::api::Call<'_, O>) -> Outcome {
    let sent = call.request().ok().and_then(|r| {
        r.body().and_then(|(_, bytes)| serde_json::from_slice::<Value>(bytes).ok())
    });
    let outcome = match call.send_with_response().await {
        Ok(response) => judge(response.status().as_u16(), response.headers(), ""),
        Err(Error::Api(e)) => judge(e.status.as_u16(), &e.headers, &e.body),
        Err(Error::UnexpectedResponse { status, headers, body }) => judge(status.as_u16(), &headers, &body),
        Err(e @ (Error::Decode { .. } | Error::UnexpectedContentType { .. })) => Outcome::Accepted {
            note: Some(format!("the answer did not decode: {e}")),
        },
        Err(e) => Outcome::Failed(e.to_string()),
    };
    match outcome {
        Outcome::Rejected(reason, _) => Outcome::Rejected(reason, sent),
        other => other,
    }
}

/// What Prism's answer says of the request. Prism lists what it found wrong in the
/// `sl-violations` header, or in its own error body's `validation`: a violation of the
/// request is a rejection, whatever the status (Prism answers a documented 422 or 400 with
/// the spec's example); a violation of the response only is Prism's own answer breaking the
/// spec (`--errors` turns it into a 500), which says nothing against the request.
fn judge(status: u16, headers: &reqwest::header::HeaderMap, body: &str) -> Outcome {
    let mut violations: Vec<Value> = headers
        .get("sl-violations")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| serde_json::from_str::<Vec<Value>>(v).ok())
        .unwrap_or_default();
    let parsed = serde_json::from_str::<Value>(body).unwrap_or(Value::Null);
    let prism = parsed["type"].as_str().is_some_and(|t| t.starts_with("https://stoplight.io/prism/errors#"));
    if prism {
        violations.extend(parsed["validation"].as_array().into_iter().flatten().cloned());
    }
    let of_request: Vec<&Value> = violations
        .iter()
        .filter(|v| v["severity"].as_str().map_or(true, |s| s == "Error"))
        .filter(|v| v["location"][0].as_str() != Some("response"))
        .collect();
    if !of_request.is_empty() || (prism && violations.is_empty()) {
        let mut reason = format!("{status} {}", parsed["title"].as_str().unwrap_or("(a spec response)"));
        for v in of_request {
            write!(reason, "; {}", describe(v)).unwrap();
        }
        return Outcome::Rejected(reason, None);
    }
    let note = match (prism, status) {
        (true, _) => Some(format!("{status}: Prism's own answer breaks the spec ({} response violations)", violations.len())),
        (false, 200..=299) => None,
        (false, _) => Some(format!("answered {status} from the spec")),
    };
    Outcome::Accepted { note }
}

fn describe(violation: &Value) -> String {
    let at: Vec<String> = violation["location"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|l| l.as_str().map_or_else(|| l.to_string(), str::to_string))
        .collect();
    format!("{}: {}", at.join("."), violation["message"].as_str().unwrap_or_default())
}

/// Unreserved characters stay, everything else is escaped.
const STRICT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn enc(s: &str) -> String {
    utf8_percent_encode(s, STRICT).to_string()
}

/// The plan as a raw request: the spec's own serialization rules, written here for the few
/// shapes the plans hold, independently of the SDK's.
fn raw_request(http: &reqwest::Client, base: &str, plan: &Plan) -> reqwest::RequestBuilder {
    let mut path = plan.path.clone();
    let mut query: Vec<String> = Vec::new();
    let mut headers = Vec::new();
    for p in &plan.params {
        let items: Vec<String> = match &p.value {
            Value::Array(items) => items.iter().map(text).collect(),
            other => vec![text(other)],
        };
        match p.location.as_str() {
            "path" => {
                let joined = items.iter().map(|i| enc(i)).collect::<Vec<_>>().join(",");
                path = path.replace(&format!("{{{}}}", p.name), &joined);
            }
            "header" => headers.push((p.name.clone(), items.join(","))),
            _ => {
                let explode = p.explode.unwrap_or(p.style.as_deref() != Some("spaceDelimited"));
                match (&p.value, p.style.as_deref()) {
                    (Value::Object(members), Some("deepObject")) => {
                        for (k, v) in members {
                            query.push(format!("{}[{}]={}", enc(&p.name), enc(k), enc(&text(v))));
                        }
                    }
                    (Value::Object(members), _) if explode => {
                        for (k, v) in members {
                            query.push(format!("{}={}", enc(k), enc(&text(v))));
                        }
                    }
                    (Value::Array(_), _) if explode => {
                        for item in &items {
                            query.push(format!("{}={}", enc(&p.name), enc(item)));
                        }
                    }
                    _ => {
                        let sep = match p.style.as_deref() {
                            Some("spaceDelimited") => "%20",
                            Some("pipeDelimited") => "|",
                            _ => ",",
                        };
                        let joined = items.iter().map(|i| enc(i)).collect::<Vec<_>>().join(sep);
                        query.push(format!("{}={joined}", enc(&p.name)));
                    }
                }
            }
        }
    }
    let mut url = format!("{base}{path}");
    if !query.is_empty() {
        url = format!("{url}?{}", query.join("&"));
    }
    let method = reqwest::Method::from_bytes(plan.method.as_bytes()).unwrap_or(reqwest::Method::GET);
    let mut request = http
        .request(method, url)
        .header("REB-APIKEY", "sk_write_side")
        .header("Accept", "application/json");
    for (name, value) in headers {
        request = request.header(name, value);
    }
    if let Some(body) = &plan.body {
        request = request
            .header("Content-Type", "application/json")
            .body(body.round_trip.to_string());
    }
    request
}

/// Sends the plan raw: `Ok` when Prism takes it, else Prism's reason.
async fn raw(http: &reqwest::Client, base: &str, plan: &Plan) -> Result<(), String> {
    let response = raw_request(http, base, plan).send().await.map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.text().await.unwrap_or_default();
    match judge(status, &headers, &body) {
        Outcome::Rejected(reason, _) => Err(reason),
        _ => Ok(()),
    }
}

/// Reads the plan's body into `T` and writes it again. `None` when the plan has no body.
pub fn round_trip<T: DeserializeOwned + Serialize>(plan: &Plan) -> Option<Result<Value, String>> {
    let body = plan.body.as_ref()?;
    Some(match serde_json::from_value::<T>(body.value.clone()) {
        Ok(value) => Ok(serde_json::to_value(&value).expect("a generated type writes")),
        Err(e) => Err(format!("does not read: {e}")),
    })
}

/// The first place where `written` differs from `expected` (see [`differences`]).
fn difference(expected: &Value, written: &Value, at: &str) -> Option<String> {
    let mut all = Vec::new();
    differences(expected, written, at, &mut all);
    all.first().map(ToString::to_string)
}

/// A place where a written body differs from the one expected.
enum Difference {
    /// A member expected was not written.
    LeftOut(String, Value),
    /// A member was written that was not expected.
    Added(String, Value),
    /// A value was written differently.
    Changed(String, Value, Value),
}

impl Difference {
    fn at(&self) -> &str {
        match self {
            Difference::LeftOut(at, _) | Difference::Added(at, _) | Difference::Changed(at, ..) => at,
        }
    }
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Difference::LeftOut(at, x) => write!(f, "{at}: {x} was not written"),
            Difference::Added(at, y) => write!(f, "{at}: {y} was written, not read"),
            Difference::Changed(at, a, b) => write!(f, "{at}: read {a}, wrote {b}"),
        }
    }
}

/// Every place where `written` differs from `expected`, members in name order. Numbers are
/// compared by value and date-times by the instant they name.
fn differences(expected: &Value, written: &Value, at: &str, out: &mut Vec<Difference>) {
    match (expected, written) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for k in keys {
                let here = format!("{at}/{k}");
                match (a.get(k), b.get(k)) {
                    (Some(x), Some(y)) => differences(x, y, &here, out),
                    (Some(x), None) => out.push(Difference::LeftOut(here, x.clone())),
                    (None, Some(y)) => out.push(Difference::Added(here, y.clone())),
                    (None, None) => {}
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                differences(x, y, &format!("{at}/{i}"), out);
            }
        }
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => {}
        (Value::String(a), Value::String(b)) if a == b || same_instant(a, b) => {}
        (a, b) if a == b => {}
        (a, b) => out.push(Difference::Changed(at.to_string(), a.clone(), b.clone())),
    }
}

fn same_instant(a: &str, b: &str) -> bool {
    let parse = |s: &str| rebilly_runtime::chrono::DateTime::parse_from_rfc3339(s).ok();
    matches!((parse(a), parse(b)), (Some(x), Some(y)) if x == y)
}

/// When the SDK's body is the raw body less members that some branch of the schema marks
/// read-only (which the SDK never sends), those members.
fn left_out_read_only(plan: &Plan, sent: Option<&Value>) -> Option<String> {
    let body = plan.body.as_ref()?;
    let mut all = Vec::new();
    differences(&body.round_trip, sent?, "", &mut all);
    let read_only = |d: &Difference| {
        matches!(d, Difference::LeftOut(..)) && body.read_only.iter().any(|p| p == d.at())
    };
    (!all.is_empty() && all.iter().all(read_only))
        .then(|| all.iter().map(Difference::at).collect::<Vec<_>>().join(", "))
}

#[derive(Default)]
struct Tally {
    called: usize,
    accepted: usize,
    /// Operations whose planned values Prism refuses raw: they break the spec.
    invalid: std::collections::BTreeSet<String>,
    read_only: Vec<String>,
    notes: Vec<String>,
    rejected: Vec<String>,
    defects: Vec<String>,
    not_built: Vec<String>,
    failed: Vec<String>,
}

/// Runs every entry against Prism at `args[1]` with the plans at `args[2]`, and prints the
/// figures and every line behind them.
pub async fn run(entries: &[Entry]) {
    let args: Vec<String> = std::env::args().collect();
    let (base, plans) = (&args[1], &args[2]);
    let plans: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(plans).unwrap()).unwrap();
    let plans: BTreeMap<String, Plan> =
        plans.iter().map(Plan::from_json).map(|p| (p.id.clone(), p)).collect();
    rebilly_runtime::install_crypto_provider();
    let http = reqwest::Client::new();
    let client = crate::api::Client::builder()
        .base_url(base)
        .credentials(
            Credentials::default()
                .with_secret_api_key("sk_write_side")
                .with_publishable_key("pk_write_side")
                .with_jwt("header.payload.signature"),
        )
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let mut tally = Tally::default();
    for entry in entries {
        let Some(plan) = plans.get(entry.id) else {
            tally.not_built.push(format!("{}: Prism does not know the operation", entry.id));
            continue;
        };
        let outcome = (entry.call)(&client, plan).await;
        tally.record(outcome, plan, &http, base).await;
    }
    let sdk: std::collections::BTreeSet<&str> = entries.iter().map(|e| e.id).collect();
    let outside: Vec<&String> = plans.keys().filter(|id| !sdk.contains(id.as_str())).collect();
    println!(
        "OPERATIONS: Prism {}, SDK {} ({} not in the SDK: {:?})",
        plans.len(),
        entries.len(),
        outside.len(),
        outside
    );
    tally.print();
    round_trips(entries, &plans, &tally.invalid);
}

impl Tally {
    /// Files one call's outcome; a rejection, or a call that could not be built, is sent
    /// again raw to tell an SDK defect from a value that breaks the spec.
    async fn record(&mut self, outcome: Outcome, plan: &Plan, http: &reqwest::Client, base: &str) {
        let what = format!("{} {} {}", plan.id, plan.method, plan.path);
        match outcome {
            Outcome::Accepted { note } => {
                self.called += 1;
                self.accepted += 1;
                self.notes.extend(note.map(|note| format!("{what}: {note}")));
            }
            Outcome::Rejected(reason, sent) => {
                self.called += 1;
                match raw(http, base, plan).await {
                    Ok(()) => match left_out_read_only(plan, sent.as_ref()) {
                        Some(paths) => self.read_only.push(format!(
                            "{what}: {reason} (raw: accepted; the SDK left out the read-only {paths}, which the spec's oneOf needs to tell its branches apart)"
                        )),
                        None => self.defects.push(format!(
                            "{what}: {reason} (raw: accepted; the SDK's body differs from the raw one at {})",
                            where_bodies_differ(plan, sent.as_ref())
                        )),
                    },
                    Err(raw) => {
                        self.invalid.insert(plan.id.clone());
                        self.rejected.push(format!("{what}: {reason} (raw: rejected too: {raw})"))
                    }
                }
            }
            Outcome::NotBuilt(why) => {
                let raw = match raw(http, base, plan).await {
                    Ok(()) => "accepted".to_string(),
                    Err(r) => format!("rejected too: {r}"),
                };
                self.not_built.push(format!("{what}: {why} (raw: {raw})"));
            }
            Outcome::Failed(why) => {
                self.called += 1;
                self.failed.push(format!("{what}: {why}"));
            }
        }
    }

    fn print(&self) {
        println!(
            "CALLED {}; ACCEPTED {}; REJECTED {} (raw rejected too: {}; read-only members left out: {}; SDK defects: {}); FAILED {}; NOT BUILT {}",
            self.called,
            self.accepted,
            self.rejected.len() + self.read_only.len() + self.defects.len(),
            self.rejected.len(),
            self.read_only.len(),
            self.defects.len(),
            self.failed.len(),
            self.not_built.len()
        );
        for (label, lines) in [
            ("SDK DEFECT", &self.defects),
            ("READ-ONLY LEFT OUT", &self.read_only),
            ("REJECTED", &self.rejected),
            ("FAILED", &self.failed),
            ("NOT BUILT", &self.not_built),
            ("NOTE", &self.notes),
        ] {
            for line in lines {
                println!("  {label} {line}");
            }
        }
    }
}

/// Every place where the SDK's body differs from the raw one.
fn where_bodies_differ(plan: &Plan, sent: Option<&Value>) -> String {
    let (Some(raw), Some(sent)) = (plan.body.as_ref().map(|b| &b.round_trip), sent) else {
        return "no body".into();
    };
    let mut all = Vec::new();
    differences(raw, sent, "", &mut all);
    if all.is_empty() {
        return "nowhere: the same body".into();
    }
    all.iter()
        .map(|d| {
            let kind = if matches!(d, Difference::LeftOut(..)) { "left out" } else { "differs" };
            format!("{} ({kind})", d.at())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The round trip of every body. A body Prism refuses raw breaks the spec (json-schema-faker
/// could not fit a union): the variant the SDK reads it into cannot hold it all, and its
/// difference is listed apart.
fn round_trips(
    entries: &[Entry],
    plans: &BTreeMap<String, Plan>,
    invalid: &std::collections::BTreeSet<String>,
) {
    let (mut checked, mut equal, mut both) = (0, 0, 0);
    let (mut differ, mut read_only, mut broken) = (Vec::new(), Vec::new(), Vec::new());
    for entry in entries {
        let (Some(check), Some(plan)) = (entry.round_trip, plans.get(entry.id)) else { continue };
        let Some(result) = check(plan) else { continue };
        checked += 1;
        both += usize::from(entry.both_ways);
        let expected = plan.body.as_ref().map(|b| &b.round_trip).unwrap_or(&Value::Null);
        let result = result.and_then(|written| match difference(expected, &written, "") {
            None => Ok(None),
            Some(_) if left_out_read_only(plan, Some(&written)).is_some() => Ok(Some(written)),
            Some(d) => Err(d),
        });
        match result {
            Ok(None) => equal += 1,
            Ok(Some(written)) => read_only.push(format!(
                "{}: left out {}",
                entry.id,
                left_out_read_only(plan, Some(&written)).unwrap_or_default()
            )),
            Err(d) if invalid.contains(entry.id) => broken.push(format!("{}: {d}", entry.id)),
            Err(d) => differ.push(format!(
                "{} ({}{}): {d}",
                entry.id,
                plan.body.as_ref().map_or("", |b| b.source.as_str()),
                if entry.both_ways { ", sent and received" } else { "" }
            )),
        }
    }
    println!(
        "ROUND TRIP: bodies {checked} (of types both sent and received: {both}); equal {equal}; equal but for read-only members {}; differ {} (and {} bodies that break the spec)",
        read_only.len(),
        differ.len(),
        broken.len()
    );
    for line in broken {
        println!("  BREAKS THE SPEC {line}");
    }
    for line in differ {
        println!("  DIFFERS {line}");
    }
    for line in read_only {
        println!("  READ-ONLY {line}");
    }
}
