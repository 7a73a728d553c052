//! What changes in the generated Rust API between two specs, and what that means for
//! the crate's version (Cargo's semver rules, applied to the code this generator emits).
//!
//! It compares the models, not the YAML: methods, their arguments, setters and results;
//! types, their fields, constructor arguments and variants; documentation.

use serde_json::json;
use std::collections::BTreeMap;

use crate::model::{
    bare, Api, Argument, EnumVariant, Field, Operation, Output, Param, Presence, TaggedVariant,
    TypeDef, TypeKind, TypeRef, Webhook,
};

/// How a change affects users of the crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Documentation only.
    Patch,
    /// Something added; code that compiled still compiles and behaves the same.
    Minor,
    /// Code that compiled may no longer compile, or may behave differently.
    Major,
}

impl Severity {
    /// `major`, `minor` or `patch`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Major => "major",
            Severity::Minor => "minor",
            Severity::Patch => "patch",
        }
    }

    /// Parses `major`, `minor` or `patch`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "major" => Some(Severity::Major),
            "minor" => Some(Severity::Minor),
            "patch" => Some(Severity::Patch),
            _ => None,
        }
    }
}

/// One change of the public API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Its effect on users.
    pub severity: Severity,
    /// The Rust item it is about: `CustomerAuthentication::login`, `types::Credential.id`.
    pub item: String,
    /// What changed, and why it has that severity.
    pub what: String,
}

/// All changes, in a stable order (breaking first, then by item).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The changes.
    pub changes: Vec<Change>,
}

impl Report {
    /// The highest severity, `None` when nothing changed.
    pub fn verdict(&self) -> Option<Severity> {
        self.changes.iter().map(|c| c.severity).max()
    }

    /// The version after `current` (`MAJOR.MINOR.PATCH`) that the changes call for. Before
    /// 1.0, Cargo treats the minor number as the major one: a breaking change bumps the
    /// minor, anything else the patch.
    pub fn next_version(&self, current: &str) -> Option<String> {
        next_version(current, self.verdict())
    }

    /// A CHANGELOG section: the next version as its heading, the verdict, then the changes
    /// by kind.
    pub fn markdown(&self, current: &str) -> String {
        let next = self
            .next_version(current)
            .unwrap_or_else(|| current.to_string());
        format!("## {next}\n\n{}", self.body(current))
    }

    /// The section without its heading: the verdict (from `current`), then the changes by
    /// kind.
    pub fn body(&self, current: &str) -> String {
        let verdict = self.verdict().map_or("none", Severity::as_str);
        let mut out = format!("Change to the public API: **{verdict}** (from {current}).\n");
        for (severity, title) in [
            (Severity::Major, "Breaking"),
            (Severity::Minor, "Added"),
            (Severity::Patch, "Documentation"),
        ] {
            let lines: Vec<&Change> = self
                .changes
                .iter()
                .filter(|c| c.severity == severity)
                .collect();
            if lines.is_empty() {
                continue;
            }
            out.push_str(&format!("\n### {title}\n\n"));
            for c in lines {
                out.push_str(&format!("- `{}`: {}\n", c.item, c.what));
            }
        }
        if self.changes.is_empty() {
            out.push_str("\nNo change to the generated Rust API.\n");
        }
        out
    }

    /// The report as JSON: verdict, next version and changes.
    pub fn json(&self, current: &str) -> serde_json::Value {
        json!({
            "verdict": self.verdict().map(Severity::as_str),
            "current": current,
            "next": self.next_version(current),
            "changes": self.changes.iter().map(|c| json!({
                "severity": c.severity.as_str(),
                "item": c.item,
                "what": c.what,
            })).collect::<Vec<_>>(),
        })
    }
}

/// The version after `current` (`MAJOR.MINOR.PATCH`) that changes of `verdict` call for,
/// with Cargo's rules (before 1.0 the minor number acts as the major one).
pub fn next_version(current: &str, verdict: Option<Severity>) -> Option<String> {
    let mut parts = current.trim().split('.').map(|p| p.parse::<u64>().ok());
    let (major, minor, patch) = (parts.next()??, parts.next()??, parts.next()??);
    Some(match (verdict, major) {
        (None, _) => current.trim().to_string(),
        (Some(Severity::Major), 0) => format!("0.{}.0", minor + 1),
        (Some(_), 0) => format!("0.{minor}.{}", patch + 1),
        (Some(Severity::Major), _) => format!("{}.0.0", major + 1),
        (Some(Severity::Minor), _) => format!("{major}.{}.0", minor + 1),
        (Some(Severity::Patch), _) => format!("{major}.{minor}.{}", patch + 1),
    })
}

/// Compares types as users see them: an alias (`pub type DataExportFileId = String`) is the
/// type it names, so `Option<String>` → `Option<DataExportFileId>` is no change.
#[derive(Clone, Copy)]
struct Aliases<'a> {
    old: &'a Api,
    new: &'a Api,
}

impl Aliases<'_> {
    fn same(self, a: &TypeRef, b: &TypeRef) -> bool {
        a == b || self.old.resolve(a) == self.new.resolve(b)
    }

    fn same_field(self, f: &Field, g: &Field) -> bool {
        let resolved = |api: &Api, f: &Field| Field {
            ty: api.resolve(&f.ty),
            ..f.clone()
        };
        field_type(f) == field_type(g)
            || field_type(&resolved(self.old, f)) == field_type(&resolved(self.new, g))
    }

    fn same_output(self, a: &Output, b: &Output) -> bool {
        match (a, b) {
            (Output::Json(x), Output::Json(y)) | (Output::Page(x), Output::Page(y)) => {
                self.same(x, y)
            }
            _ => a == b,
        }
    }
}

/// The changes from `old` to `new`.
pub fn diff(old: &Api, new: &Api) -> Report {
    let aliases = Aliases { old, new };
    let mut changes = Vec::new();
    let mut add = |severity, item: String, what: String| {
        changes.push(Change {
            severity,
            item,
            what,
        })
    };

    // Operations, by resource and method name, with the path of their operation type
    // (public too: `Call<'_, Login>`, `mock.on::<Login>()`).
    let ops = |api: &Api| -> BTreeMap<String, (String, Operation)> {
        api.resources
            .values()
            .flat_map(|r| {
                r.operations.iter().map(move |o| {
                    (
                        format!("{}::{}", r.name, bare(&o.method_name)),
                        (format!("{}::{}", r.accessor, o.builder_name), o.clone()),
                    )
                })
            })
            .collect()
    };
    let (old_ops, new_ops) = (ops(old), ops(new));
    for (item, (ty, o)) in &old_ops {
        match new_ops.get(item) {
            None => add(
                Severity::Major,
                item.clone(),
                format!(
                    "method removed (`{} {}`), and its operation type `{ty}`",
                    o.method.as_str(),
                    o.path
                ),
            ),
            Some((new_ty, n)) => {
                if ty != new_ty {
                    add(
                        Severity::Major,
                        item.clone(),
                        format!("operation type `{ty}` renamed `{new_ty}`"),
                    );
                }
                operation(item, o, n, aliases, &mut add)
            }
        }
    }
    for (item, (ty, n)) in &new_ops {
        if !old_ops.contains_key(item) {
            add(
                Severity::Minor,
                item.clone(),
                format!(
                    "method added (`{} {}`), and its operation type `{ty}`",
                    n.method.as_str(),
                    n.path
                ),
            );
        }
    }

    types(aliases, &mut add);
    events(aliases, &mut add);

    changes.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.item.cmp(&b.item))
            .then_with(|| a.what.cmp(&b.what))
    });
    changes.dedup();
    Report { changes }
}

/// Types removed, added and changed.
fn types(aliases: Aliases, add: &mut impl FnMut(Severity, String, String)) {
    let Aliases { old, new } = aliases;
    for (name, o) in &old.types {
        let item = format!("types::{name}");
        match new.types.get(name) {
            None => add(Severity::Major, item, "type removed".into()),
            Some(n) => type_def(&item, o, n, aliases, add),
        }
    }
    for name in new.types.keys() {
        if !old.types.contains_key(name) {
            add(
                Severity::Minor,
                format!("types::{name}"),
                "type added".into(),
            );
        }
    }
}

/// Webhook events: the variants and constructors of `events::Event`, by event type. An
/// event added is minor (the enum is `#[non_exhaustive]`, and an event type the SDK did not
/// know decoded into `Unknown` before); one removed, renamed or given another payload type
/// is major. Their payload types are types, compared as such.
fn events(aliases: Aliases, add: &mut impl FnMut(Severity, String, String)) {
    let Aliases { old, new } = aliases;
    let by_type = |api: &Api| -> BTreeMap<String, Webhook> {
        api.webhooks
            .iter()
            .map(|w| (w.event_type.clone(), w.clone()))
            .collect()
    };
    let (old_events, new_events) = (by_type(old), by_type(new));
    for (event_type, o) in &old_events {
        let item = format!("events::Event::{}", bare(&o.variant));
        let Some(n) = new_events.get(event_type) else {
            add(
                Severity::Major,
                item,
                format!(
                    "event `{event_type}` removed: its variant, and its constructor `Event::{}`",
                    bare(&o.constructor)
                ),
            );
            continue;
        };
        if o.variant != n.variant || o.constructor != n.constructor {
            add(
                Severity::Major,
                item.clone(),
                format!(
                    "event `{event_type}` renamed: variant `{}`, constructor `{}`",
                    bare(&n.variant),
                    bare(&n.constructor)
                ),
            );
        }
        if !aliases.same(&o.payload, &n.payload) {
            add(
                Severity::Major,
                item.clone(),
                format!("payload type `{}` changed to `{}`", o.payload, n.payload),
            );
        }
        if (&o.summary, &o.description) != (&n.summary, &n.description) {
            add(Severity::Patch, item, "documentation changed".into());
        }
    }
    if old.webhooks.is_empty() && !new.webhooks.is_empty() {
        add(
            Severity::Minor,
            "events".into(),
            "module added: the `Event` enum of the webhooks".into(),
        );
    }
    for (event_type, n) in &new_events {
        if !old_events.contains_key(event_type) {
            add(Severity::Minor, format!("events::Event::{}", bare(&n.variant)), format!("event `{event_type}` added, with its constructor `Event::{}` (the enum is `#[non_exhaustive]`)", bare(&n.constructor)));
        }
    }
}

fn describe_arg(ty: &TypeRef, argument: Argument) -> String {
    match argument {
        Argument::Into => format!("impl Into<{ty}>"),
        Argument::Optional => format!("Option<{ty}>"),
        Argument::Value => ty.to_string(),
    }
}

fn output_text(o: &Output) -> String {
    match o {
        Output::Empty => "()".into(),
        Output::Json(t) => t.to_string(),
        Output::Page(t) => format!("Page<{t}>"),
        Output::Binary => "Binary".into(),
        Output::Text => "String".into(),
    }
}

/// Every change to one method of a resource: its arguments and setters, its body, what it
/// returns and calls, the credentials it accepts, and its documentation.
fn operation(
    item: &str,
    o: &Operation,
    n: &Operation,
    aliases: Aliases,
    add: &mut impl FnMut(Severity, String, String),
) {
    param_changes(item, o, n, aliases, add);
    body_changes(item, o, n, aliases, add);
    call_changes(item, o, n, aliases, add);
    security_changes(item, o, n, add);
    doc_changes(item, o, n, add);
}

/// Arguments and setters removed, added, made required or optional, retyped or redocumented.
fn param_changes(
    item: &str,
    o: &Operation,
    n: &Operation,
    aliases: Aliases,
    add: &mut impl FnMut(Severity, String, String),
) {
    let params = |op: &Operation| -> BTreeMap<String, Param> {
        op.params
            .iter()
            .map(|p| (p.name.clone(), p.clone()))
            .collect()
    };
    let (op_params, np_params) = (params(o), params(n));
    for (name, p) in &op_params {
        let what = match np_params.get(name) {
            None if p.required => Some((Severity::Major, "argument removed".to_string())),
            None => Some((Severity::Major, "setter removed".to_string())),
            Some(q) if p.required != q.required => Some((
                Severity::Major,
                if q.required {
                    "now a required argument (was an optional setter)".to_string()
                } else {
                    "now an optional setter (was a required argument)".to_string()
                },
            )),
            Some(q) if !aliases.same(&p.ty, &q.ty) || p.argument != q.argument => Some((
                Severity::Major,
                format!(
                    "type {} → {}",
                    describe_arg(&p.ty, p.argument),
                    describe_arg(&q.ty, q.argument)
                ),
            )),
            Some(q) if p.doc != q.doc => Some((Severity::Patch, "documentation".to_string())),
            Some(_) => None,
        };
        if let Some((severity, what)) = what {
            add(severity, format!("{item}({})", bare(name)), what);
        }
    }
    for (name, q) in &np_params {
        if !op_params.contains_key(name) {
            let (severity, what) = if q.required {
                (Severity::Major, "required argument added")
            } else {
                (Severity::Minor, "optional setter added")
            };
            add(
                severity,
                format!("{item}({})", bare(name)),
                what.to_string(),
            );
        }
    }
}

/// The request body removed, added or retyped.
fn body_changes(
    item: &str,
    o: &Operation,
    n: &Operation,
    aliases: Aliases,
    add: &mut impl FnMut(Severity, String, String),
) {
    match (&o.body, &n.body) {
        (Some(_), None) => add(Severity::Major, item.into(), "request body removed".into()),
        (None, Some(b)) if b.required => add(
            Severity::Major,
            item.into(),
            "required request body added".into(),
        ),
        (None, Some(_)) => add(
            Severity::Minor,
            item.into(),
            "optional body setter added".into(),
        ),
        (Some(a), Some(b)) if !aliases.same(&a.ty, &b.ty) || a.required != b.required => add(
            Severity::Major,
            item.into(),
            format!("request body {} → {}", a.ty, b.ty),
        ),
        _ => {}
    }
}

/// What the method returns, and the method and path it calls.
fn call_changes(
    item: &str,
    o: &Operation,
    n: &Operation,
    aliases: Aliases,
    add: &mut impl FnMut(Severity, String, String),
) {
    if !aliases.same_output(&o.output, &n.output) {
        add(
            Severity::Major,
            item.into(),
            format!(
                "returns {} → {}",
                output_text(&o.output),
                output_text(&n.output)
            ),
        );
    }
    if o.method != n.method || o.path != n.path {
        add(
            Severity::Major,
            item.into(),
            format!(
                "calls `{} {}` → `{} {}`",
                o.method.as_str(),
                o.path,
                n.method.as_str(),
                n.path
            ),
        );
    }
}

/// The credentials (security alternatives) the method accepts.
fn security_changes(
    item: &str,
    o: &Operation,
    n: &Operation,
    add: &mut impl FnMut(Severity, String, String),
) {
    let accepts = |op: &Operation| -> Vec<String> {
        op.security
            .iter()
            .map(|alt| {
                alt.iter()
                    .map(|s| s.name().to_string())
                    .collect::<Vec<_>>()
                    .join(" + ")
            })
            .collect()
    };
    let (oa, na) = (accepts(o), accepts(n));
    let removed: Vec<&String> = oa.iter().filter(|a| !na.contains(a)).collect();
    let added: Vec<&String> = na.iter().filter(|a| !oa.contains(a)).collect();
    if !removed.is_empty() {
        add(
            Severity::Major,
            item.into(),
            format!(
                "no longer accepts {} (calls made with it now fail)",
                list(&removed)
            ),
        );
    }
    if !added.is_empty() {
        add(
            Severity::Minor,
            item.into(),
            format!("also accepts {}", list(&added)),
        );
    }
}

/// The summary, description and documented errors.
fn doc_changes(
    item: &str,
    o: &Operation,
    n: &Operation,
    add: &mut impl FnMut(Severity, String, String),
) {
    let errors = |op: &Operation| {
        op.errors
            .iter()
            .map(|e| (e.status.clone(), e.doc.clone()))
            .collect::<Vec<_>>()
    };
    if o.summary != n.summary || o.description != n.description || errors(o) != errors(n) {
        add(
            Severity::Patch,
            item.into(),
            "documentation (summary, description or documented errors)".into(),
        );
    }
}

fn list(items: &[&String]) -> String {
    items
        .iter()
        .map(|a| format!("`{a}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The Rust type of a field, as its users see it.
fn field_type(f: &Field) -> String {
    let base = if f.boxed {
        format!("Box<{}>", f.ty)
    } else {
        f.ty.to_string()
    };
    match f.presence {
        Presence::Required => base,
        Presence::RequiredNullable | Presence::Optional => format!("Option<{base}>"),
        Presence::OptionalNullable => format!("Option<Option<{base}>>"),
    }
}

fn type_def(
    item: &str,
    o: &TypeDef,
    n: &TypeDef,
    aliases: Aliases,
    add: &mut impl FnMut(Severity, String, String),
) {
    match (&o.kind, &n.kind) {
        (
            TypeKind::Struct {
                fields: of,
                additional: oa,
                ..
            },
            TypeKind::Struct {
                fields: nf,
                additional: na,
                ..
            },
        ) => struct_changes(item, (of, oa), (nf, na), aliases, add),
        (TypeKind::StringEnum { variants: ov }, TypeKind::StringEnum { variants: nv }) => {
            string_enum_changes(item, ov, nv, add)
        }
        (
            TypeKind::Tagged {
                variants: ov,
                tag: ot,
            },
            TypeKind::Tagged {
                variants: nv,
                tag: nt,
            },
        ) => tagged_changes(item, (ot, ov), (nt, nv), add),
        (TypeKind::Untagged { variants: ov }, TypeKind::Untagged { variants: nv }) => {
            if ov != nv {
                add(Severity::Major, item.into(), "variants changed".into());
            }
        }
        (TypeKind::Alias(a), TypeKind::Alias(b)) => {
            if !aliases.same(a, b) {
                add(Severity::Major, item.into(), format!("alias of {a} → {b}"));
            }
        }
        _ => add(
            Severity::Major,
            item.into(),
            "kind changed (struct, enum, union or alias)".into(),
        ),
    }
    if o.doc != n.doc {
        add(Severity::Patch, item.into(), "documentation".into());
    }
}

type Fields<'a> = (&'a [Field], &'a Option<TypeRef>);

/// The changes of a struct: its fields, and its extra members.
fn struct_changes(
    item: &str,
    (of, oa): Fields,
    (nf, na): Fields,
    aliases: Aliases,
    add: &mut impl FnMut(Severity, String, String),
) {
    for f in of {
        let field = format!("{item}.{}", bare(&f.name));
        let Some(g) = nf.iter().find(|g| g.name == f.name) else {
            let what = if f.constructor.is_some() {
                "field removed, and an argument of `new`"
            } else {
                "field removed"
            };
            add(Severity::Major, field, what.into());
            continue;
        };
        field_changes(&field, f, g, aliases, add);
        if f.doc != g.doc {
            add(Severity::Patch, field, "documentation".into());
        }
    }
    for g in nf {
        if !of.iter().any(|f| f.name == g.name) {
            let field = format!("{item}.{}", bare(&g.name));
            if g.constructor.is_some() {
                add(
                    Severity::Major,
                    field,
                    format!(
                        "field added, and a new argument of `new` ({})",
                        field_type(g)
                    ),
                );
            } else {
                add(
                    Severity::Minor,
                    field,
                    format!(
                        "field added ({}; the struct is `#[non_exhaustive]`)",
                        field_type(g)
                    ),
                );
            }
        }
    }
    if oa != na {
        add(
            Severity::Major,
            format!("{item}.extra"),
            "extra members changed".into(),
        );
    }
}

/// A field kept under its name whose type, place in `new` or direction changed.
fn field_changes(
    field: &str,
    f: &Field,
    g: &Field,
    aliases: Aliases,
    add: &mut impl FnMut(Severity, String, String),
) {
    if !aliases.same_field(f, g) {
        add(
            Severity::Major,
            field.to_string(),
            format!("type {} → {}", field_type(f), field_type(g)),
        );
    }
    if f.constructor != g.constructor {
        let what = match (f.constructor, g.constructor) {
            (None, Some(_)) => "now an argument of `new`".to_string(),
            (Some(_), None) => "no longer an argument of `new`".to_string(),
            (Some(a), Some(b)) => format!(
                "argument of `new`: {} → {}",
                describe_arg(&f.ty, a),
                describe_arg(&g.ty, b)
            ),
            (None, None) => unreachable!("they differ"),
        };
        add(Severity::Major, field.to_string(), what);
    }
    if (f.read_only, f.write_only) != (g.read_only, g.write_only) {
        let mode = |r: bool, w: bool| match (r, w) {
            (true, _) => "read-only (never sent)",
            (_, true) => "write-only (never received)",
            _ => "read and written",
        };
        add(
            Severity::Major,
            field.to_string(),
            format!(
                "{} → {}",
                mode(f.read_only, f.write_only),
                mode(g.read_only, g.write_only)
            ),
        );
    }
}

fn string_enum_changes(
    item: &str,
    ov: &[EnumVariant],
    nv: &[EnumVariant],
    add: &mut impl FnMut(Severity, String, String),
) {
    for v in ov {
        if !nv.iter().any(|w| w.name == v.name) {
            add(
                Severity::Major,
                format!("{item}::{}", v.name),
                format!("variant removed (`{}` now decodes into `Unknown`)", v.wire),
            );
        }
    }
    for w in nv {
        if !ov.iter().any(|v| v.name == w.name) {
            variant_added(item, &w.name, &w.wire, add);
        }
    }
}

/// A variant added to a `#[non_exhaustive]` enum: minor.
fn variant_added(
    item: &str,
    variant: &str,
    value: &str,
    add: &mut impl FnMut(Severity, String, String),
) {
    add(
        Severity::Minor,
        format!("{item}::{variant}"),
        format!("variant added (`{value}`; the enum is `#[non_exhaustive]`, and the value now decodes into it instead of `Unknown`)"),
    );
}

fn tagged_changes(
    item: &str,
    (ot, ov): (&String, &[TaggedVariant]),
    (nt, nv): (&String, &[TaggedVariant]),
    add: &mut impl FnMut(Severity, String, String),
) {
    if ot != nt {
        add(
            Severity::Major,
            item.into(),
            format!("tagged by `{ot}` → `{nt}`"),
        );
    }
    for v in ov {
        match nv.iter().find(|w| w.name == v.name) {
            None => add(
                Severity::Major,
                format!("{item}::{}", v.name),
                "variant removed".into(),
            ),
            Some(w) if w.payload != v.payload || w.tag_value != v.tag_value => add(
                Severity::Major,
                format!("{item}::{}", v.name),
                format!(
                    "variant `{}`({}) → `{}`({})",
                    v.tag_value, v.payload, w.tag_value, w.payload
                ),
            ),
            Some(_) => {}
        }
    }
    for w in nv {
        if !ov.iter().any(|v| v.name == w.name) {
            variant_added(item, &w.name, &w.tag_value, add);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_follow_cargos_rules_before_and_after_1_0() {
        let report = |s| Report {
            changes: vec![Change {
                severity: s,
                item: "x".into(),
                what: "y".into(),
            }],
        };
        for (severity, current, next) in [
            (Severity::Major, "0.3.2", "0.4.0"),
            (Severity::Minor, "0.3.2", "0.3.3"),
            (Severity::Patch, "0.3.2", "0.3.3"),
            (Severity::Major, "1.3.2", "2.0.0"),
            (Severity::Minor, "1.3.2", "1.4.0"),
            (Severity::Patch, "1.3.2", "1.3.3"),
        ] {
            assert_eq!(report(severity).next_version(current).unwrap(), next);
        }
        assert_eq!(Report::default().next_version("0.1.0").unwrap(), "0.1.0");
        assert_eq!(Report::default().next_version("x"), None);
    }
}
