//! Stage 3: the spec → the model. Every naming and typing decision is made here.

mod lint;
mod names;
mod operations;
mod schemas;
mod webhooks;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use crate::diag::{Error, Result, Warning};
use crate::load::{Loader, Node};
use crate::model::{Api, Argument, Presence, Server, TypeDef, TypeKind, TypeRef, UntaggedVariant};
use operations::{security_scheme, Operations};
use schemas::Types;

pub use names::{is_camel_case, type_name, value_name};

/// Which operations to include.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only operations with one of these tags; all operations when empty.
    pub tags: Vec<String>,
    /// Also generate the operations marked `x-sdk-skip`.
    pub include_skipped: bool,
}

/// The model and the warnings raised while building it.
#[derive(Debug)]
pub struct Analysis {
    /// The model.
    pub api: Api,
    /// Places where the generated code is looser than the spec.
    pub warnings: Vec<Warning>,
}

/// Builds the model from the spec whose entry file is `entry`.
pub fn analyze(loader: &Loader, entry: &Path, filter: &Filter) -> Result<Analysis> {
    let root = loader.root(entry)?;
    let openapi_3_0 = check_version(&root)?;
    let info = root.get("info");
    let text = |key: &str| info.as_ref().and_then(|i| i.str(key)).map(str::to_string);

    let mut warnings = Vec::new();
    let schemes = security_schemes(loader, &root, &mut warnings)?;
    let tag_docs = tag_docs(&root);

    let mut findings = lint::Findings::default();
    root_shapes(&root, &mut findings);
    let wanted: BTreeSet<&str> = filter.tags.iter().map(String::as_str).collect();
    let include =
        |tags: &[String]| wanted.is_empty() || tags.iter().any(|t| wanted.contains(t.as_str()));
    let planned = operations::plan(
        loader,
        root.get("paths"),
        &include,
        filter.include_skipped,
        &mut findings,
    )?;
    let mut types = Types::new(loader, openapi_3_0);
    let no_paths = root.get("paths").is_none_or(|p| p.entries().is_empty());
    let mut ops = Operations {
        loader,
        types: &mut types,
        schemes,
        global_security: root.get("security"),
        tag_docs,
        resources: BTreeMap::new(),
        warnings: Vec::new(),
        findings: lint::Findings::default(),
        openapi_3_0,
    };
    for operation in planned {
        ops.operation(operation)?;
    }
    let resources = std::mem::take(&mut ops.resources);
    warnings.append(&mut ops.warnings);
    findings.absorb(&mut ops.findings);
    let mut reading = webhooks::Reading {
        loader,
        types: &mut types,
        findings: &mut findings,
        accessors: webhooks::accessors(&resources),
    };
    let hooks = reading.read(root.get("webhooks"), &include, filter.include_skipped)?;
    if no_paths && hooks.is_empty() {
        read_models(&root, &mut types)?;
    }
    let tag_fields = types.take_tag_fields();
    warnings.append(&mut types.warnings);
    findings.absorb(&mut types.findings);
    refuse_errors(&mut findings)?;
    warnings.append(&mut findings.warnings);
    if !wanted.is_empty() && resources.is_empty() {
        return Err(Error::spec(
            root.location(),
            format!("no operation has the tag(s) {:?}", filter.tags),
        ));
    }

    let mut api = Api {
        title: text("title").unwrap_or_default(),
        version: info_version(info.as_ref()),
        description: text("description"),
        servers: servers(&root),
        types: std::mem::take(&mut types.defs),
        resources,
        webhooks: hooks,
    };
    strip_tags(&mut api, tag_fields);
    mark_usage(&mut api);
    settle_fields(&mut api);
    box_recursive_fields(&mut api);
    let names = types.final_names(&api.types);
    warnings.append(&mut types.warnings);
    rename_types(&mut api, &names);
    settle_constructors(&mut api);
    webhooks::settle(&mut api.webhooks, &api.types, &mut warnings);
    api.resources.values_mut().for_each(operations::settle);
    Ok(Analysis { api, warnings })
}

/// The security schemes of `components`, by name (`None` for one the SDK cannot send).
fn security_schemes(
    loader: &Loader,
    root: &Node,
    warnings: &mut Vec<Warning>,
) -> Result<BTreeMap<String, Option<crate::model::SecurityScheme>>> {
    let mut schemes = BTreeMap::new();
    if let Some(defined) = root
        .get("components")
        .and_then(|c| c.get("securitySchemes"))
    {
        for (name, node) in defined.entries() {
            let node = loader.deref(&node)?;
            schemes.insert(name.clone(), security_scheme(&name, &node, warnings));
        }
    }
    Ok(schemes)
}

/// The description of each tag, by name.
fn tag_docs(root: &Node) -> BTreeMap<String, String> {
    root.get("tags")
        .map(|t| t.items())
        .unwrap_or_default()
        .iter()
        .filter_map(|t| {
            Some((
                t.str("name")?.to_string(),
                t.str("description")?.to_string(),
            ))
        })
        .collect()
}

/// Fails with every error the linter found, in file and line order, once each.
fn refuse_errors(findings: &mut lint::Findings) -> Result<()> {
    findings
        .errors
        .sort_by_key(|(at, _)| (at.file.clone(), at.line, at.pointer.clone()));
    findings.errors.dedup();
    if findings.errors.is_empty() {
        return Ok(());
    }
    Err(Error::Invalid {
        count: findings.errors.len(),
        list: findings
            .errors
            .iter()
            .map(|(at, what)| format!("error: {at}: {what}"))
            .collect::<Vec<_>>()
            .join("\n"),
    })
}

/// `info.version`, a string (or the text of another value).
fn info_version(info: Option<&Node>) -> String {
    info.and_then(|i| i.value().get("version"))
        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
        .unwrap_or_default()
}

/// A spec of models only (no operation, no webhook): every schema of `components` is a
/// type of the SDK, which otherwise holds the types its calls and events use.
fn read_models(root: &Node, types: &mut Types) -> Result<()> {
    let schemas = root.get("components").and_then(|c| c.get("schemas"));
    for (_, schema) in schemas.map(|s| s.entries()).unwrap_or_default() {
        types.component(&schema)?;
    }
    Ok(())
}

/// Refuses the document's containers of the wrong shape: `paths` as a list reads as no
/// operations, and must be an error, not an empty SDK.
fn root_shapes(root: &Node, findings: &mut lint::Findings) {
    use lint::Shape::{List, Map};
    let members = [
        ("paths", Map),
        ("components", Map),
        ("webhooks", Map),
        ("tags", List),
        ("servers", List),
        ("security", List),
    ];
    lint::shapes(root, &members, findings);
    let Some(components) = root.get("components").filter(|c| c.value().is_object()) else {
        return;
    };
    for (key, _) in components.entries() {
        if !key.starts_with("x-") {
            lint::shape(&components, &key, Map, findings);
        }
    }
}

/// Whether the document is OpenAPI 3.0 (else 3.1): refuses any other version.
fn check_version(root: &Node) -> Result<bool> {
    let location = root
        .get("openapi")
        .map_or_else(|| root.location(), |n| n.location());
    match root.value().get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0.") || v == "3.0" => Ok(true),
        Some(v) if v.starts_with("3.1.") || v == "3.1" => Ok(false),
        Some(v) => Err(Error::spec(
            location,
            format!("OpenAPI version {v} is not supported (3.0.x and 3.1.x are)"),
        )),
        None => Err(Error::spec(
            location,
            "not an OpenAPI 3 document: the `openapi` version field is missing",
        )),
    }
}

fn servers(root: &Node) -> Vec<Server> {
    root.get("servers")
        .map(|s| s.items())
        .unwrap_or_default()
        .iter()
        .filter_map(|s| {
            Some(Server {
                url: s.str("url")?.to_string(),
                description: s.str("description").map(str::to_string),
                variables: s
                    .get("variables")
                    .map(|v| v.entries().into_iter().map(|(k, _)| k).collect())
                    .unwrap_or_default(),
            })
        })
        .collect()
}

/// Drops the discriminator member from the payload structs of tagged unions (the union
/// writes and reads the tag itself), except from payloads also used on their own, outside
/// any union: there the member is data the type must keep.
fn strip_tags(api: &mut Api, tag_fields: Vec<(String, String)>) {
    let mut standalone = BTreeSet::new();
    let mut note = |ty: &TypeRef| {
        let mut ty = ty;
        while let TypeRef::Array(t) | TypeRef::Map(t) | TypeRef::Nullable(t) = ty {
            ty = t;
        }
        if let TypeRef::Named(n) = ty {
            standalone.insert(n.clone());
        }
    };
    for op in api.resources.values().flat_map(|r| &r.operations) {
        op.body.iter().for_each(|b| note(&b.ty));
        op.params.iter().for_each(|p| note(&p.ty));
        op.responses
            .iter()
            .filter_map(|r| r.body.as_ref())
            .for_each(&mut note);
    }
    api.webhooks.iter().for_each(|w| note(&w.payload));
    for def in api.types.values() {
        if !matches!(def.kind, TypeKind::Tagged { .. }) {
            referenced(def).iter().for_each(&mut note);
        }
    }
    for (payload, property) in tag_fields {
        if standalone.contains(&payload) {
            continue;
        }
        if let Some(TypeDef {
            kind: TypeKind::Struct { fields, .. },
            ..
        }) = api.types.get_mut(&payload)
        {
            fields.retain(|f| f.wire != property);
        }
    }
}

/// Marks which types are sent (need `Serialize`), which are received (need `Deserialize`),
/// and which resources use each of them.
fn mark_usage(api: &mut Api) {
    let mut roots: Vec<(String, TypeRef, bool)> = Vec::new();
    for resource in api.resources.values() {
        let group = &resource.accessor;
        for op in &resource.operations {
            roots.extend(op.body.iter().map(|b| (group.clone(), b.ty.clone(), true)));
            roots.extend(
                op.params
                    .iter()
                    .map(|p| (group.clone(), p.ty.clone(), true)),
            );
            roots.extend(
                op.responses
                    .iter()
                    .filter_map(|r| r.body.clone())
                    .map(|t| (group.clone(), t, false)),
            );
        }
    }
    // An event of a group the SDK has no resource for is used by every group: its types
    // are compiled whatever the features.
    // With no resource, events (and, in a spec of models only, every type) belong to the
    // crate as a whole.
    let whole = String::new();
    let accessors: Vec<&String> = match api.resources.is_empty() {
        true => vec![&whole],
        false => api.resources.values().map(|r| &r.accessor).collect(),
    };
    if api.resources.is_empty() && api.webhooks.is_empty() {
        let names = api.types.keys().map(|n| TypeRef::Named(n.clone()));
        roots.extend(
            names.flat_map(|t| [(whole.clone(), t.clone(), true), (whole.clone(), t, false)]),
        );
    }
    for webhook in &api.webhooks {
        let groups = match &webhook.group {
            Some(group) => vec![group],
            None => accessors.clone(),
        };
        roots.extend(
            groups
                .into_iter()
                .map(|g| (g.clone(), webhook.payload.clone(), false)),
        );
    }
    let mut seen = BTreeSet::new();
    let mut stack = roots;
    while let Some((group, ty, request)) = stack.pop() {
        match ty {
            TypeRef::Array(t) | TypeRef::Map(t) | TypeRef::Nullable(t) => {
                stack.push((group, *t, request))
            }
            TypeRef::Named(name) => {
                if !seen.insert((group.clone(), name.clone(), request)) {
                    continue;
                }
                let Some(def) = api.types.get_mut(&name) else {
                    continue;
                };
                if request {
                    def.in_request = true;
                } else {
                    def.in_response = true;
                }
                def.used_by.insert(group.clone());
                stack.extend(
                    referenced(def)
                        .into_iter()
                        .map(|t| (group.clone(), t, request)),
                );
            }
            _ => {}
        }
    }
}

/// Fits struct fields to how their type is used: a request-only type has no read-only
/// fields, a response-only type no write-only ones, and a required field is optional in
/// Rust when one direction leaves it out (read-only when sending, write-only when receiving).
/// Types that no operation reaches (such as a discriminator's enum) are dropped.
fn settle_fields(api: &mut Api) {
    api.types.retain(|_, def| def.in_request || def.in_response);
    for def in api.types.values_mut() {
        let (sent, received) = (def.in_request, def.in_response);
        let TypeKind::Struct { fields, .. } = &mut def.kind else {
            continue;
        };
        fields.retain(|f| (!f.read_only || received) && (!f.write_only || sent));
        for f in fields.iter_mut() {
            let left_out = (f.read_only && sent) || (f.write_only && received);
            f.presence = schemas::presence(f.required && !left_out, f.nullable);
        }
    }
    // Dropping fields can leave types unreachable: mark again from the operations.
    for def in api.types.values_mut() {
        def.in_request = false;
        def.in_response = false;
        def.used_by.clear();
    }
    mark_usage(api);
    api.types.retain(|_, def| def.in_request || def.in_response);
}

/// Boxes struct fields whose type leads back to the struct without passing through a `Vec`
/// or a map (which already allocate): a recursive schema would otherwise have infinite size.
/// Cycles through unions are broken at the struct field that enters them.
fn box_recursive_fields(api: &mut Api) {
    /// Types reached from `ty` through fields, variants and aliases held inline.
    fn inline_named(ty: &TypeRef) -> Option<&str> {
        match ty {
            TypeRef::Named(n) => Some(n),
            TypeRef::Nullable(t) => inline_named(t),
            _ => None,
        }
    }
    let edges = |def: &TypeDef| -> Vec<String> {
        match &def.kind {
            TypeKind::Struct { fields, .. } => fields
                .iter()
                .filter(|f| !f.boxed)
                .filter_map(|f| inline_named(&f.ty))
                .map(str::to_string)
                .collect(),
            TypeKind::Tagged { variants, .. } => {
                variants.iter().map(|v| v.payload.clone()).collect()
            }
            TypeKind::Untagged { variants } => variants
                .iter()
                .filter_map(|v| inline_named(&v.ty))
                .map(str::to_string)
                .collect(),
            TypeKind::Alias(t) => inline_named(t).map(str::to_string).into_iter().collect(),
            TypeKind::StringEnum { .. } => Vec::new(),
        }
    };
    let reaches = |types: &BTreeMap<String, TypeDef>, from: &str, target: &str| -> bool {
        let mut stack = vec![from.to_string()];
        let mut seen = BTreeSet::new();
        while let Some(name) = stack.pop() {
            if name == target {
                return true;
            }
            if seen.insert(name.clone()) {
                if let Some(def) = types.get(&name) {
                    stack.extend(edges(def));
                }
            }
        }
        false
    };
    let names: Vec<String> = api.types.keys().cloned().collect();
    for name in names {
        let Some(TypeKind::Struct { fields, .. }) = api.types.get(&name).map(|d| &d.kind) else {
            continue;
        };
        let recursive: Vec<usize> = fields
            .iter()
            .enumerate()
            .filter_map(|(i, f)| {
                inline_named(&f.ty)
                    .filter(|n| reaches(&api.types, n, &name))
                    .map(|_| i)
            })
            .collect();
        if let Some(TypeDef {
            kind: TypeKind::Struct { fields, .. },
            ..
        }) = api.types.get_mut(&name)
        {
            for i in recursive {
                fields[i].boxed = true;
            }
        }
    }
}

/// Gives every type its final name (see `Types::final_names`).
fn rename_types(api: &mut Api, names: &BTreeMap<String, String>) {
    fn fix(ty: &mut TypeRef, names: &BTreeMap<String, String>) {
        match ty {
            TypeRef::Named(n) => {
                if let Some(new) = names.get(n.as_str()) {
                    *n = new.clone();
                }
            }
            TypeRef::Array(t) | TypeRef::Map(t) | TypeRef::Nullable(t) => fix(t, names),
            _ => {}
        }
    }
    let types = std::mem::take(&mut api.types);
    for (name, mut def) in types {
        let name = names.get(&name).cloned().unwrap_or(name);
        def.name = name.clone();
        match &mut def.kind {
            TypeKind::Struct {
                fields, additional, ..
            } => {
                fields.iter_mut().for_each(|f| fix(&mut f.ty, names));
                additional.iter_mut().for_each(|t| fix(t, names));
            }
            TypeKind::Tagged { variants, .. } => {
                for v in variants {
                    if let Some(new) = names.get(&v.payload) {
                        v.payload = new.clone();
                    }
                }
            }
            TypeKind::Untagged { variants } => {
                for UntaggedVariant {
                    name: variant,
                    ty: t,
                } in variants.iter_mut()
                {
                    // A variant named after its payload type follows the type's final name.
                    if matches!(t, TypeRef::Named(n) if n == variant) {
                        if let Some(new) = names.get(variant.as_str()) {
                            *variant = new.clone();
                        }
                    }
                    fix(t, names);
                }
            }
            TypeKind::Alias(t) => fix(t, names),
            TypeKind::StringEnum { .. } => {}
        }
        api.types.insert(name, def);
    }
    for op in api.resources.values_mut().flat_map(|r| &mut r.operations) {
        op.params.iter_mut().for_each(|p| fix(&mut p.ty, names));
        op.body.iter_mut().for_each(|b| fix(&mut b.ty, names));
        op.responses
            .iter_mut()
            .filter_map(|r| r.body.as_mut())
            .for_each(|t| fix(t, names));
        if let Some(p) = &mut op.pagination {
            fix(&mut p.item, names);
        }
    }
    for webhook in &mut api.webhooks {
        fix(&mut webhook.payload, names);
    }
}

/// The types a definition refers to directly.
fn referenced(def: &TypeDef) -> Vec<TypeRef> {
    match &def.kind {
        TypeKind::Struct {
            fields, additional, ..
        } => fields
            .iter()
            .map(|f| f.ty.clone())
            .chain(additional.clone())
            .collect(),
        TypeKind::Tagged { variants, .. } => variants
            .iter()
            .map(|v| TypeRef::Named(v.payload.clone()))
            .collect(),
        TypeKind::Untagged { variants } => variants.iter().map(|v| v.ty.clone()).collect(),
        TypeKind::Alias(t) => vec![t.clone()],
        TypeKind::StringEnum { .. } => Vec::new(),
    }
}

/// What each struct's `new` takes, decided once presence is final: every field the schema
/// requires that the caller sends (write-only ones included; read-only ones never), strings
/// and secrets as `impl Into`, nullable ones as `Option`. A struct whose every field may be
/// unset is also `Default`.
fn settle_constructors(api: &mut Api) {
    for def in api.types.values_mut() {
        let TypeKind::Struct {
            fields, default, ..
        } = &mut def.kind
        else {
            continue;
        };
        *default = fields.iter().all(|f| f.presence != Presence::Required);
        for f in fields.iter_mut() {
            let taken = matches!(f.presence, Presence::Required | Presence::RequiredNullable)
                || (f.required && !f.read_only);
            f.constructor = taken.then(|| {
                if f.nullable {
                    Argument::Optional
                } else {
                    Argument::for_type(&f.ty)
                }
            });
        }
    }
}
