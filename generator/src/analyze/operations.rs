//! Paths and operations → the operations of the model.
//!
//! Which operations, and their names, are decided first, for all of them at once
//! ([`plan`]); then each is read into its resource.

mod params;
mod plan;

pub use plan::{plan, resource_names, string_list, Planned};

use std::collections::{BTreeMap, BTreeSet};

use super::lint::{self, Findings};
use super::names::{distinct, note_wire_name, type_name, value_name, Case, Wire};
use super::schemas::Types;
use crate::diag::{Error, Result, Warning};
use crate::load::{Loader, Node};
use crate::model::{
    Alternative, Argument, Body, BodyEncoding, ErrorResponse, Media, MediaKind, Operation, Output,
    Pagination, Param, ParamLocation, Resource, SecurityScheme, SecuritySet, SuccessResponse,
    TypeRef,
};
use crate::timings::Stage;

/// Reads operations into resources.
pub struct Operations<'a, 'b> {
    pub(super) loader: &'a Loader,
    pub(super) types: &'b mut Types<'a>,
    pub(super) schemes: BTreeMap<String, Option<SecurityScheme>>,
    pub(super) global_security: Option<Node>,
    pub(super) tag_docs: BTreeMap<String, String>,
    pub(super) resources: BTreeMap<String, Resource>,
    pub(super) warnings: Vec<Warning>,
    pub(super) findings: Findings,
    /// The document is OpenAPI 3.0 (where an operation needs `responses`), not 3.1.
    pub(super) openapi_3_0: bool,
}

/// Names the generated code gives to members of every call (`Call`), operation type and
/// resource handle: no parameter or operation may take them.
const BUILDER_MEMBERS: &[&str] = &[
    "new",
    "client",
    "options",
    "body",
    "credentials",
    "send",
    "send_with_response",
    "request",
    "stream",
    "into_future",
    "download",
];

impl Operations<'_, '_> {
    /// Adds one planned operation to its resource.
    pub fn operation(&mut self, planned: Planned) -> Result<()> {
        let Planned {
            path,
            method,
            item,
            op,
            tags,
            id,
            resource: resource_name,
            accessor,
            method_name,
            builder_name,
            type_hint,
        } = planned;
        let shared = item
            .get("parameters")
            .map(|p| p.items())
            .unwrap_or_default();
        // A spec that lists `Accept` as a parameter names the values it allows (Rebilly's:
        // `application/json` or `application/pdf`); the JSON call then asks for JSON alone.
        let (params, declares_accept) = self.params(&op, &shared, &type_hint, &path)?;
        let body = match op.get("requestBody") {
            Some(b) => Some(self.body(&b, &type_hint)?),
            None => None,
        };
        let (responses, errors) = self.responses(&op, &type_hint)?;
        let security = self.security(&op)?;
        let pagination = paginated(&responses, &params);

        let mut doc = tags.first().and_then(|t| self.tag_docs.get(t).cloned());
        let group = (op.str("x-sdk-resource").map(str::to_string))
            .or(tags.first().cloned())
            .unwrap_or_else(|| "Operations".into());
        if type_name(&group) != resource_name {
            doc = note_wire_name(doc, &group);
        }
        let resource = self
            .resources
            .entry(resource_name.clone())
            .or_insert_with(|| Resource {
                accessor,
                name: resource_name.clone(),
                doc,
                operations: Vec::new(),
                schemes: Vec::new(),
                security_sets: Vec::new(),
            });
        resource.operations.push(Operation {
            id,
            method_name,
            builder_name,
            method,
            path,
            summary: op.str("summary").map(str::to_string),
            description: op.str("description").map(str::to_string),
            deprecated: op.flag("deprecated"),
            params,
            body,
            responses,
            errors,
            security,
            pagination,
            output: Output::Empty,
            security_set: String::new(),
            accept: declares_accept.then(|| "application/json".to_string()),
            alternatives: Vec::new(),
        });
        Ok(())
    }

    /// The operation's parameters, and whether it lists an `Accept` header parameter.
    fn params(
        &mut self,
        op: &Node,
        shared: &[Node],
        builder: &str,
        path: &str,
    ) -> Result<(Vec<Param>, bool)> {
        let mut params = Vec::new();
        let mut declares_accept = false;
        for (wire, location, node) in self.merged_params(op, shared)? {
            let location = match location.as_str() {
                "path" => ParamLocation::Path,
                "query" => ParamLocation::Query,
                "header" => ParamLocation::Header,
                other => {
                    self.warnings.push(Warning {
                        location: node.location(),
                        message: format!(
                            "parameters in `{other}` are not supported; `{wire}` is left out"
                        ),
                    });
                    continue;
                }
            };
            // OpenAPI: such a header parameter "SHALL be ignored"; the media types of the
            // request body and of the responses say what these headers carry.
            let ignored = ["accept", "content-type", "authorization"];
            if location == ParamLocation::Header
                && ignored.contains(&wire.to_ascii_lowercase().as_str())
            {
                declares_accept |= wire.eq_ignore_ascii_case("accept");
                continue;
            }
            params.push(self.param(&node, wire, location, builder)?);
        }
        name_params(&mut params);
        // Path parameters first, in the order the template names them.
        let position = |p: &Param| match p.location {
            ParamLocation::Path => path.find(&format!("{{{}}}", p.wire)).unwrap_or(usize::MAX),
            _ => usize::MAX,
        };
        params.sort_by_key(|p| (p.location != ParamLocation::Path, position(p)));
        self.check_path_params(op, &params, path);
        Ok((params, declares_accept))
    }

    /// The operation's parameter objects (linted), with those of its path item: an
    /// operation parameter overrides a path-item one of the same name and location.
    fn merged_params(&mut self, op: &Node, shared: &[Node]) -> Result<Vec<(String, String, Node)>> {
        let mut merged: Vec<(String, String, Node)> = Vec::new();
        let own = op.get("parameters").map(|p| p.items()).unwrap_or_default();
        for node in shared.iter().chain(own.iter()) {
            let node = self.loader.deref(node)?;
            let findings = &mut self.findings;
            let clock = self.loader.clock();
            if !clock.time(Stage::Lint, || params::lint(&node, findings)) {
                continue;
            }
            let (Some(name), Some(location)) = (node.str("name"), node.str("in")) else {
                continue;
            };
            let key = (name.to_string(), location.to_string());
            match merged
                .iter_mut()
                .find(|(n, l, _)| (n, l) == (&key.0, &key.1))
            {
                Some(slot) => slot.2 = node.clone(),
                None => merged.push((key.0, key.1, node.clone())),
            }
        }
        Ok(merged)
    }

    /// One parameter: its type, style and names.
    fn param(
        &mut self,
        node: &Node,
        wire: String,
        location: ParamLocation,
        builder: &str,
    ) -> Result<Param> {
        let schema = node.get("schema");
        if schema.is_none() {
            let at = node.get("content").unwrap_or_else(|| node.clone());
            self.findings.warn(
                &at,
                format!("parameter `{wire}` has no `schema` (a `content` parameter is not supported); it is sent as a plain string"),
            );
        }
        let deref = |n: &Node| self.loader.deref(n).ok();
        let shape = params::shape(schema.as_ref(), &deref);
        let style = params::style(node, location, shape, &mut self.findings);
        let ty = match schema {
            Some(s) => self
                .types
                .type_of(&s, &format!("{builder}{}", type_name(&wire)))?,
            None => TypeRef::String,
        };
        Ok(Param {
            argument: Argument::for_type(&ty),
            // Chosen with the operation's other parameters, by `name_params`.
            name: String::new(),
            required: location == ParamLocation::Path || node.flag("required"),
            doc: node.str("description").map(str::to_string),
            wire,
            location,
            ty,
            style,
        })
    }

    /// Every path parameter is in the template, and every `{name}` of the template is a
    /// path parameter.
    fn check_path_params(&mut self, op: &Node, params: &[Param], path: &str) {
        for p in params.iter().filter(|p| p.location == ParamLocation::Path) {
            if !path.contains(&format!("{{{}}}", p.wire)) {
                self.findings.error(
                    op,
                    format!("path parameter `{}` is not in the path {path}", p.wire),
                );
            }
        }
        for named in template_names(path) {
            let declared = params
                .iter()
                .any(|p| p.location == ParamLocation::Path && p.wire == named);
            if !declared {
                self.findings.error(
                    op,
                    format!("the path {path} names `{{{named}}}` but no path parameter `{named}` is declared"),
                );
            }
        }
    }

    fn body(&mut self, node: &Node, builder: &str) -> Result<Body> {
        let node = self.loader.deref(node)?;
        let (media_type, schema) = pick_content(&node).ok_or_else(|| {
            Error::spec(
                node.location(),
                "a request body needs `content` with at least one media type",
            )
        })?;
        let essence = media_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let encoding = match (&schema, essence.as_str()) {
            (Some(s), _) if is_json(&media_type) && !self.is_binary(s)? => BodyEncoding::Json,
            (Some(_), "application/x-www-form-urlencoded") => BodyEncoding::Form,
            (_, "multipart/form-data") => {
                let at = node.get("content").unwrap_or_else(|| node.clone());
                self.findings.warn(
                    &at,
                    "`multipart/form-data` request bodies are not supported: the body is taken as bytes already encoded, without a boundary in its Content-Type".into(),
                );
                BodyEncoding::Bytes
            }
            _ => BodyEncoding::Bytes,
        };
        let ty = match (&schema, encoding) {
            (Some(s), BodyEncoding::Json | BodyEncoding::Form) => {
                self.types.type_of(s, &format!("{builder}Request"))?
            }
            _ => TypeRef::Bytes,
        };
        Ok(Body {
            argument: Argument::for_type(&ty),
            media_type,
            encoding,
            ty,
            required: node.flag("required"),
            doc: node.str("description").map(str::to_string),
        })
    }

    /// Whether a schema is `type: string, format: binary` (bytes, whatever the media type).
    fn is_binary(&self, schema: &Node) -> Result<bool> {
        let schema = self.loader.deref(schema)?;
        Ok(schema.str("format") == Some("binary"))
    }

    /// The media types of a response's `content`, and the type of its JSON one (or
    /// [`TypeRef::Bytes`] when it has none).
    fn media(&mut self, node: &Node, builder: &str) -> Result<(Vec<Media>, Option<TypeRef>)> {
        let mut media = Vec::new();
        let mut json = None;
        lint::shape(node, "content", lint::Shape::Map, &mut self.findings);
        for (media_type, entry) in node.get("content").map(|c| c.entries()).unwrap_or_default() {
            let schema = entry.get("schema");
            let binary = match &schema {
                Some(s) => self.is_binary(s)?,
                None => !is_json(&media_type),
            };
            let kind = match (&schema, binary) {
                (_, true) => MediaKind::Binary,
                (Some(s), false) if is_json(&media_type) => {
                    if json.is_none() {
                        json = Some(self.types.type_of(s, &format!("{builder}Response"))?);
                    }
                    MediaKind::Json
                }
                _ if media_type.starts_with("text/") => MediaKind::Text,
                _ => MediaKind::Binary,
            };
            media.push(Media { media_type, kind });
        }
        let body = json.or_else(|| (!media.is_empty()).then_some(TypeRef::Bytes));
        Ok((media, body))
    }

    fn responses(
        &mut self,
        op: &Node,
        builder: &str,
    ) -> Result<(Vec<SuccessResponse>, Vec<ErrorResponse>)> {
        let Some(responses) = op.get("responses") else {
            // Required in 3.0; in 3.1, valid and doubtful.
            if self.openapi_3_0 {
                let message = "an operation needs `responses` (OpenAPI 3.0)".into();
                self.findings.error(op, message);
            } else {
                let message =
                    "the operation declares no `responses`: its call returns nothing".into();
                self.findings.warn(op, message);
            }
            return Ok((Vec::new(), Vec::new()));
        };
        let mut ok = Vec::new();
        let mut errors = Vec::new();
        let mut entries = responses.entries();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        for (status, node) in entries {
            let node = self.loader.deref(&node)?;
            let doc = node.str("description").map(str::to_string);
            match status.parse::<u16>() {
                Ok(code) if (200..300).contains(&code) => {
                    let (media, body) = self.media(&node, builder)?;
                    let headers = node
                        .get("headers")
                        .map(|h| h.entries().into_iter().map(|(k, _)| k).collect())
                        .unwrap_or_default();
                    ok.push(SuccessResponse {
                        status: code,
                        body,
                        headers,
                        media,
                        doc,
                    });
                }
                _ => errors.push(ErrorResponse { status, doc }),
            }
        }
        let bodies: BTreeSet<_> = ok.iter().filter_map(|r| r.body.clone()).collect();
        if bodies.len() > 1 {
            self.warnings.push(Warning {
                location: responses.location(),
                message:
                    "success responses have different body types; the SDK decodes the first one's"
                        .into(),
            });
        }
        Ok((ok, errors))
    }

    fn security(&mut self, op: &Node) -> Result<Vec<Vec<SecurityScheme>>> {
        let Some(list) = op.get("security").or_else(|| self.global_security.clone()) else {
            return Ok(vec![Vec::new()]);
        };
        // `security: []`: the operation needs no credentials (anonymous).
        if list.items().is_empty() {
            return Ok(vec![Vec::new()]);
        }
        let mut alternatives = Vec::new();
        'alternatives: for alternative in list.items() {
            let mut schemes = Vec::new();
            for (name, _) in alternative.entries() {
                match self.schemes.get(&name) {
                    Some(Some(s)) => schemes.push(s.clone()),
                    Some(None) => continue 'alternatives,
                    None => {
                        return Err(Error::spec(
                            alternative.location(),
                            format!(
                            "security scheme `{name}` is not defined in components.securitySchemes"
                        ),
                        ))
                    }
                }
            }
            alternatives.push(schemes);
        }
        Ok(alternatives)
    }
}

/// Reads one security scheme; `None` (with a warning) for kinds the runtime cannot send.
pub fn security_scheme(
    name: &str,
    node: &Node,
    warnings: &mut Vec<Warning>,
) -> Option<SecurityScheme> {
    let scheme = name.to_string();
    match (
        node.str("type"),
        node.str("in"),
        node.str("scheme").map(str::to_ascii_lowercase).as_deref(),
    ) {
        (Some("apiKey"), Some("header"), _) => Some(SecurityScheme::ApiKeyHeader {
            scheme,
            header: node.str("name").unwrap_or("Authorization").to_string(),
        }),
        (Some("http"), _, Some("bearer")) | (Some("oauth2" | "openIdConnect"), _, _) => {
            Some(SecurityScheme::Bearer { scheme })
        }
        (Some("http"), _, Some("basic")) => Some(SecurityScheme::Basic { scheme }),
        _ => {
            warnings.push(Warning {
                location: node.location(),
                message: format!("security scheme `{name}` is of a kind the SDK cannot send; operations that require only it get no credentials"),
            });
            None
        }
    }
}

/// The names of a path template's `{...}` segments.
fn template_names(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}

/// Whether a media type is JSON (`application/json`, `...+json`, or any).
pub(super) fn is_json(media: &str) -> bool {
    let m = media.split(';').next().unwrap_or("").trim();
    m == "application/json" || m.ends_with("+json") || m == "*/*"
}

/// The media type to use from a `content` map (JSON preferred) and its schema.
fn pick_content(node: &Node) -> Option<(String, Option<Node>)> {
    let content = node.get("content")?;
    let entries = content.entries();
    let (media, n) = entries
        .iter()
        .find(|(m, _)| is_json(m))
        .or_else(|| entries.first())?
        .clone();
    Some((media, n.get("schema")))
}

fn paginated(responses: &[SuccessResponse], params: &[Param]) -> Option<Pagination> {
    let first = responses.first()?;
    let TypeRef::Array(item) = first.body.as_ref()? else {
        return None;
    };
    if !first
        .headers
        .iter()
        .any(|h| h.eq_ignore_ascii_case("Pagination-Total"))
    {
        return None;
    }
    let find = |wire: &str| {
        params
            .iter()
            .find(|p| {
                p.location == ParamLocation::Query
                    && p.wire == wire
                    && p.ty == TypeRef::I64
                    && !p.required
            })
            .map(|p| p.name.clone())
    };
    Some(Pagination {
        item: (**item).clone(),
        limit_param: find("limit"),
        offset_param: find("offset"),
    })
}

/// Names an operation's parameters (setters and arguments), in the spec's order: distinct
/// among themselves and from the builder's own members. A parameter whose name is taken
/// is told apart by its location first (`id` in the path and in the query: `id`,
/// `id_query`), and its docs say what the API calls it.
fn name_params(params: &mut [Param]) {
    let locations: Vec<String> = (params.iter())
        .map(|p| format!("{:?}", p.location).to_lowercase())
        .collect();
    let wires: Vec<Wire> = (params.iter().zip(&locations))
        .map(|(p, location)| Wire::with_context(&p.wire, location))
        .collect();
    let mut taken: BTreeSet<String> = BUILDER_MEMBERS.iter().map(|m| m.to_string()).collect();
    let names = distinct(&wires, Case::Snake, &mut taken);
    for (param, chosen) in params.iter_mut().zip(names) {
        // Without a description, the setter's docs name the parameter as the API does.
        if chosen.renamed && param.doc.is_some() {
            param.doc = note_wire_name(param.doc.take(), &param.wire);
        }
        param.name = chosen.name;
    }
}

/// Decisions about operations taken once type names are final: what each call returns, and
/// the constants of the security requirements (named after their schemes, one per distinct
/// requirement of a resource).
pub fn settle(resource: &mut Resource) {
    let mut schemes: Vec<(String, SecurityScheme)> = Vec::new();
    let mut sets: Vec<SecuritySet> = Vec::new();
    for op in &mut resource.operations {
        settle_output(op);
        let alternatives: Vec<Vec<String>> = op
            .security
            .iter()
            .map(|alt| {
                alt.iter()
                    .map(|scheme| match schemes.iter().find(|(_, s)| s == scheme) {
                        Some((name, _)) => name.clone(),
                        None => {
                            let mut name = const_name(scheme.name());
                            while schemes.iter().any(|(n, _)| *n == name) {
                                name.push('_');
                            }
                            schemes.push((name.clone(), scheme.clone()));
                            name
                        }
                    })
                    .collect()
            })
            .collect();
        op.security_set = match sets.iter().find(|s| s.alternatives == alternatives) {
            Some(set) => set.name.clone(),
            None => {
                let mut name = alternatives
                    .iter()
                    .map(|alt| {
                        if alt.is_empty() {
                            "ANONYMOUS".to_string()
                        } else {
                            alt.join("_AND_")
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("_OR_");
                if name.is_empty() {
                    name = "NO_CREDENTIALS".to_string();
                }
                while sets.iter().any(|s| s.name == name) || schemes.iter().any(|(n, _)| *n == name)
                {
                    name.push('_');
                }
                sets.push(SecuritySet {
                    name: name.clone(),
                    alternatives,
                });
                name
            }
        };
    }
    resource.schemes = schemes;
    resource.security_sets = sets;
}

/// What a call returns by default (JSON when the first success response has it), the
/// `Accept` it sends when that is not JSON, and the other media types it can ask for.
fn settle_output(op: &mut Operation) {
    let first = op.responses.first();
    let media: Vec<Media> = first.map(|r| r.media.clone()).unwrap_or_default();
    let default_kind = media
        .iter()
        .find(|m| m.kind == MediaKind::Json)
        .or(media.first())
        .map(|m| m.kind);
    op.output = match (
        &op.pagination,
        first.and_then(|r| r.body.as_ref()),
        default_kind,
    ) {
        (Some(p), _, _) => Output::Page(p.item.clone()),
        (None, None, _) => Output::Empty,
        (None, Some(t), Some(MediaKind::Json)) => Output::Json(t.clone()),
        (None, Some(_), Some(MediaKind::Text)) => Output::Text,
        (None, Some(_), _) => Output::Binary,
    };
    let others: Vec<&Media> = media.iter().filter(|m| m.kind != MediaKind::Json).collect();
    if matches!(op.output, Output::Binary | Output::Text) {
        // Every media type it may come in (a download: PDF, images, CSV), and problem details.
        let mut accept: Vec<&str> = media.iter().map(|m| m.media_type.as_str()).collect();
        accept.push("application/problem+json");
        op.accept = Some(accept.join(", "));
        return;
    }
    if !matches!(op.output, Output::Json(_)) {
        return;
    }
    let mut taken: BTreeSet<String> = op
        .params
        .iter()
        .filter(|p| !p.required)
        .map(|p| p.name.clone())
        .chain(BUILDER_MEMBERS.iter().map(|m| m.to_string()))
        .chain(["body".to_string()])
        .collect();
    op.alternatives = others
        .into_iter()
        .map(|m| {
            let subtype = m.media_type.rsplit('/').next().unwrap_or("other");
            let mut wire = subtype.to_string();
            if taken.contains(&value_name(&wire)) {
                wire = format!("accept {subtype}");
            }
            let chosen = distinct(&[Wire::new(&wire)], Case::Snake, &mut taken);
            Alternative {
                media_type: m.media_type.clone(),
                method_name: chosen.into_iter().next().expect("one name").name,
                text: m.kind == MediaKind::Text,
            }
        })
        .collect();
}

/// `SecretApiKey` → `SECRET_API_KEY`.
fn const_name(scheme: &str) -> String {
    use heck::ToShoutySnakeCase;
    let name = scheme.to_shouty_snake_case();
    match name.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => name,
        _ => format!("SCHEME_{name}"),
    }
}
