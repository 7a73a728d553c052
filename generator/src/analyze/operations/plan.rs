//! Which operations are generated, and the names they get: decided for all of them at
//! once, so that a name that repeats is known before any is given.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::analyze::lint::{self, Findings, Shape};
use crate::analyze::names::{type_name, value_name};
use crate::diag::{Error, Result};
use crate::load::{Loader, Node};
use crate::model::Method;

/// An operation chosen for generation, with the names it will have.
#[derive(Debug)]
pub struct Planned {
    pub(super) path: String,
    pub(super) method: Method,
    pub(super) item: Node,
    pub(super) op: Node,
    pub(super) tags: Vec<String>,
    pub(super) id: String,
    pub(super) resource: String,
    /// The resource's accessor on the client (and its module's name).
    pub(super) accessor: String,
    pub(super) method_name: String,
    pub(super) builder_name: String,
    /// What the types named after the operation (inline bodies, parameters) start with.
    pub(super) type_hint: String,
}

const RESOURCE_MEMBERS: &[&str] = &["new", "client"];
/// Names of the generated module root: no resource's accessor (its module and its method on
/// the `Client`) or type may take them.
const CLIENT_MEMBERS: &[&str] = &[
    "types",
    "events",
    "builder",
    "core",
    "with_credentials",
    "clone",
    "fmt",
    "from",
    // File names: the module root (`mod.rs`, `lib.rs` in a crate), and names Windows
    // reserves for devices, which no module file may take.
    "mod",
    "lib",
    "main",
    "con",
    "prn",
    "aux",
    "nul",
];
const ROOT_TYPES: &[&str] = &["Client", "Call", "SERVERS"];

/// The resource type name for a tag or `x-sdk-resource` value, and its accessor: `Api` is
/// appended where the name is one the generated code uses itself (a tag `Client`, `Types`),
/// or whose cargo feature is one the crate has anyway (`tracing`, `default`).
pub fn resource_names(group: &str) -> (String, String) {
    let mut name = type_name(group);
    let taken = |name: &str| {
        ROOT_TYPES.contains(&name)
            || crate::analyze::names::RESERVED_TYPE_NAMES.contains(&name)
            || crate::analyze::names::RUNTIME_NAMES.contains(&name)
            || CLIENT_MEMBERS.contains(&crate::model::bare(&value_name(name)))
            || crate::analyze::names::CRATE_FEATURES
                .contains(&crate::emit::feature_name(&value_name(name)).as_str())
    };
    if taken(&name) {
        name.push_str("Api");
    }
    let accessor = value_name(&name);
    (name, accessor)
}

/// Chooses the operations to generate (those `include` accepts, minus `x-sdk-skip` ones
/// unless `include_skipped`) and names them. Where `x-sdk-operation-name` repeats within a
/// resource, each of those operations is named after its `operationId` instead (then after
/// its method and path), never with a number; every such repeat is reported.
pub fn plan(
    loader: &Loader,
    paths: Option<Node>,
    include: &dyn Fn(&[String]) -> bool,
    include_skipped: bool,
    findings: &mut Findings,
) -> Result<Vec<Planned>> {
    let mut planned = Vec::new();
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    for (path, item) in paths.map(|p| p.entries()).unwrap_or_default() {
        let item = loader.deref(&item)?;
        if !well_shaped(&item, &format!("the path item of `{path}`"), findings) {
            continue;
        }
        for (key, method) in Method::ALL {
            let Some(op) = item.get(key) else { continue };
            if !well_shaped(&op, &format!("the operation {key} `{path}`"), findings) {
                continue;
            }
            let tags = string_list(&op, "tags");
            if !include(&tags) || (op.flag("x-sdk-skip") && !include_skipped) {
                continue;
            }
            let id = op
                .str("operationId")
                .map(str::to_string)
                .unwrap_or_else(|| format!("{} {path}", method.as_str().to_lowercase()));
            let here = format!("{} {path}", method.as_str());
            if let Some(first) = ids.insert(id.clone(), here.clone()) {
                let at = op.get("operationId").unwrap_or_else(|| op.clone());
                findings.error(
                    &at,
                    format!("operationId `{id}` of {here} is also the operationId of {first}"),
                );
            }
            // Operations with neither an `x-sdk-resource` nor a tag form the group `Operations`.
            let group = op
                .str("x-sdk-resource")
                .or(tags.first().map(String::as_str))
                .unwrap_or("Operations");
            let (resource, accessor) = resource_names(group);
            if resource != type_name(group)
                && !planned.iter().any(|p: &Planned| p.resource == resource)
            {
                let at = op.get("x-sdk-resource").unwrap_or_else(|| op.clone());
                findings.warn(
                    &at,
                    format!("the group `{group}` would take a name the generated code uses itself; it is `{resource}`"),
                );
            }
            planned.push(Planned {
                method_name: value_name(op.str("x-sdk-operation-name").unwrap_or(&id)),
                path: path.clone(),
                method,
                item: item.clone(),
                op,
                tags,
                id,
                resource,
                accessor,
                builder_name: String::new(),
                type_hint: String::new(),
            });
        }
    }
    name_methods(&mut planned, findings)?;
    name_builders(&mut planned);
    Ok(planned)
}

/// Whether a path item or an operation (`what`) is a map, refusing it if not, and refusing
/// members of the wrong shape (which would otherwise read as nothing).
fn well_shaped(node: &Node, what: &str, findings: &mut Findings) -> bool {
    if !node.value().is_object() {
        let found = lint::kind(node.value());
        findings.error(node, format!("{what} must be a map, not {found}"));
        return false;
    }
    let members = [
        ("parameters", Shape::List),
        ("responses", Shape::Map),
        ("tags", Shape::List),
        ("security", Shape::List),
        ("requestBody", Shape::Map),
        ("servers", Shape::List),
    ];
    lint::shapes(node, &members, findings);
    true
}

/// Makes method names unique within each resource without numbers.
fn name_methods(planned: &mut [Planned], findings: &mut Findings) -> Result<()> {
    let mut groups: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for (i, p) in planned.iter().enumerate() {
        groups
            .entry((p.resource.clone(), p.method_name.clone()))
            .or_default()
            .push(i);
    }
    let mut taken: BTreeSet<(String, String)> = groups
        .iter()
        .filter(|(_, members)| members.len() == 1)
        .map(|(key, _)| key.clone())
        .collect();
    for ((resource, name), members) in &groups {
        let reserved = RESOURCE_MEMBERS.contains(&name.as_str());
        if members.len() == 1 && !reserved {
            continue;
        }
        let mut renamed = Vec::new();
        for &i in members {
            let p = &planned[i];
            let candidates = [
                value_name(&p.id),
                value_name(&format!("{} {}", p.method.as_str(), p.path)),
                format!("{}_operation", name.trim_start_matches("r#")),
            ];
            let chosen = candidates
                .into_iter()
                .filter(|c| !RESOURCE_MEMBERS.contains(&c.as_str()))
                .find(|c| taken.insert((resource.clone(), c.clone())))
                .ok_or_else(|| {
                    Error::spec(
                        p.op.location(),
                        format!(
                            "operation {} cannot be given a method name of its own in `{resource}`",
                            p.id
                        ),
                    )
                })?;
            renamed.push(format!("{} → `{chosen}`", p.id));
            planned[i].method_name = chosen;
        }
        let first = &planned[members[0]].op;
        let at = first
            .get("x-sdk-operation-name")
            .unwrap_or_else(|| first.clone());
        let why = if reserved {
            format!("`{name}` is a name the generated `{resource}` handle uses itself")
        } else {
            format!(
                "the SDK name `{name}` is used by {} operations of `{resource}`",
                members.len()
            )
        };
        findings.warn(
            &at,
            format!(
                "{why}; named after their operation ids instead: {}",
                renamed.join(", ")
            ),
        );
    }
    Ok(())
}

/// Builder type names (one per operation, in the resource's module) and the prefix of the
/// types named after each operation (shared by every resource: the resource's name is added
/// where two resources have operations of the same name).
fn name_builders(planned: &mut [Planned]) {
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for p in planned.iter_mut() {
        let mut builder = type_name(p.method_name.trim_start_matches("r#"));
        let taken_elsewhere = |n: &str| {
            crate::analyze::names::RESERVED_TYPE_NAMES.contains(&n)
                || crate::analyze::names::RUNTIME_NAMES.contains(&n)
                || n == p.resource
        };
        if taken_elsewhere(&builder) {
            builder.push_str("Request");
        }
        *count.entry(builder.clone()).or_default() += 1;
        p.builder_name = builder;
    }
    for p in planned.iter_mut() {
        p.type_hint = if count[&p.builder_name] > 1 {
            format!("{}{}", p.resource, p.builder_name)
        } else {
            p.builder_name.clone()
        };
    }
}

/// The strings of the list `key` of `node` (an operation's `tags`).
pub fn string_list(node: &Node, key: &str) -> Vec<String> {
    node.value()
        .get(key)
        .and_then(Value::as_array)
        .map(|t| {
            t.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}
