//! Paths and operations → the operations of the model.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::names::{type_name, unique, value_name};
use super::schemas::Types;
use crate::diag::{Error, Result, Warning};
use crate::load::{Loader, Node};
use crate::model::{
    Body, ErrorResponse, Method, Operation, Pagination, Param, ParamLocation, Resource,
    SecurityScheme, SuccessResponse, TypeRef,
};

/// Reads operations into resources.
pub struct Operations<'a, 'b> {
    pub(super) loader: &'a Loader,
    pub(super) types: &'b mut Types<'a>,
    pub(super) schemes: BTreeMap<String, Option<SecurityScheme>>,
    pub(super) global_security: Option<Node>,
    pub(super) tag_docs: BTreeMap<String, String>,
    pub(super) resources: BTreeMap<String, Resource>,
    pub(super) method_names: BTreeMap<String, BTreeSet<String>>,
    pub(super) warnings: Vec<Warning>,
}

impl Operations<'_, '_> {
    /// Adds every operation of one path item that passes `include`.
    pub fn path_item(
        &mut self,
        path: &str,
        item: &Node,
        include: &dyn Fn(&[String]) -> bool,
    ) -> Result<()> {
        let item = self.loader.deref(item)?;
        let shared_params = item
            .get("parameters")
            .map(|p| p.items())
            .unwrap_or_default();
        for (key, method) in Method::ALL {
            let Some(op) = item.get(key) else { continue };
            let tags: Vec<String> = op
                .value()
                .get("tags")
                .and_then(Value::as_array)
                .map(|t| {
                    t.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            if !include(&tags) {
                continue;
            }
            self.operation(path, method, &op, &tags, &shared_params)?;
        }
        Ok(())
    }

    fn operation(
        &mut self,
        path: &str,
        method: Method,
        op: &Node,
        tags: &[String],
        shared: &[Node],
    ) -> Result<()> {
        let id = op
            .str("operationId")
            .map(str::to_string)
            .unwrap_or_else(|| format!("{} {path}", method.as_str().to_lowercase()));
        let resource_name = type_name(
            op.str("x-sdk-resource")
                .or(tags.first().map(String::as_str))
                .unwrap_or("Default"),
        );
        let taken = self.method_names.entry(resource_name.clone()).or_default();
        let method_name = unique(
            value_name(op.str("x-sdk-operation-name").unwrap_or(&id)),
            taken,
        );
        let mut builder_name = type_name(method_name.trim_start_matches("r#"));
        let taken_elsewhere = |n: &str| {
            super::names::RESERVED_TYPE_NAMES.contains(&n)
                || super::names::RUNTIME_NAMES.contains(&n)
        };
        if taken_elsewhere(&builder_name) {
            builder_name.push_str("Request");
        }

        let params = self.params(op, shared, &builder_name, path)?;
        let body = match op.get("requestBody") {
            Some(b) => Some(self.body(&b, &builder_name)?),
            None => None,
        };
        let (responses, errors) = self.responses(op, &builder_name)?;
        let security = self.security(op)?;
        let pagination = paginated(&responses, &params);

        let resource = self
            .resources
            .entry(resource_name.clone())
            .or_insert_with(|| Resource {
                accessor: value_name(&resource_name),
                name: resource_name.clone(),
                doc: tags.first().and_then(|t| self.tag_docs.get(t).cloned()),
                operations: Vec::new(),
            });
        resource.operations.push(Operation {
            id,
            method_name,
            builder_name,
            method,
            path: path.to_string(),
            summary: op.str("summary").map(str::to_string),
            description: op.str("description").map(str::to_string),
            deprecated: op.flag("deprecated"),
            params,
            body,
            responses,
            errors,
            security,
            pagination,
        });
        Ok(())
    }

    fn params(
        &mut self,
        op: &Node,
        shared: &[Node],
        builder: &str,
        path: &str,
    ) -> Result<Vec<Param>> {
        // Operation parameters override path-item ones with the same name and location.
        let mut merged: Vec<(String, String, Node)> = Vec::new();
        let own = op.get("parameters").map(|p| p.items()).unwrap_or_default();
        for node in shared.iter().chain(own.iter()) {
            let node = self.loader.deref(node)?;
            let (Some(name), Some(location)) = (node.str("name"), node.str("in")) else {
                return Err(Error::spec(
                    node.location(),
                    "a parameter needs `name` and `in`",
                ));
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
        let mut taken = BTreeSet::new();
        let mut params = Vec::new();
        for (wire, location, node) in merged {
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
            let ty = match node.get("schema") {
                Some(s) => self
                    .types
                    .type_of(&s, &format!("{builder}{}", type_name(&wire)))?,
                None => TypeRef::String,
            };
            params.push(Param {
                name: unique(value_name(&wire), &mut taken),
                required: location == ParamLocation::Path || node.flag("required"),
                doc: node.str("description").map(str::to_string),
                wire,
                location,
                ty,
            });
        }
        // Path parameters first, in the order the template names them.
        let position = |p: &Param| match p.location {
            ParamLocation::Path => path.find(&format!("{{{}}}", p.wire)).unwrap_or(usize::MAX),
            _ => usize::MAX,
        };
        params.sort_by_key(|p| (p.location != ParamLocation::Path, position(p)));
        for p in params.iter().filter(|p| p.location == ParamLocation::Path) {
            if !path.contains(&format!("{{{}}}", p.wire)) {
                return Err(Error::spec(
                    op.location(),
                    format!("path parameter `{}` is not in the path {path}", p.wire),
                ));
            }
        }
        Ok(params)
    }

    fn body(&mut self, node: &Node, builder: &str) -> Result<Body> {
        let node = self.loader.deref(node)?;
        let (media_type, schema) = pick_content(&node).ok_or_else(|| {
            Error::spec(
                node.location(),
                "a request body needs `content` with at least one media type",
            )
        })?;
        let ty = match schema {
            Some(s) if is_json(&media_type) => {
                self.types.type_of(&s, &format!("{builder}Request"))?
            }
            _ => TypeRef::Bytes,
        };
        Ok(Body {
            media_type,
            ty,
            required: node.flag("required"),
            doc: node.str("description").map(str::to_string),
        })
    }

    fn responses(
        &mut self,
        op: &Node,
        builder: &str,
    ) -> Result<(Vec<SuccessResponse>, Vec<ErrorResponse>)> {
        let Some(responses) = op.get("responses") else {
            return Err(Error::spec(op.location(), "an operation needs `responses`"));
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
                    let body = match pick_content(&node) {
                        Some((media, Some(schema))) if is_json(&media) => {
                            Some(self.types.type_of(&schema, &format!("{builder}Response"))?)
                        }
                        Some(_) => Some(TypeRef::Bytes),
                        None => None,
                    };
                    let headers = node
                        .get("headers")
                        .map(|h| h.entries().into_iter().map(|(k, _)| k).collect())
                        .unwrap_or_default();
                    ok.push(SuccessResponse {
                        status: code,
                        body,
                        headers,
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

fn is_json(media: &str) -> bool {
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
            .find(|p| p.location == ParamLocation::Query && p.wire == wire)
            .map(|p| p.name.clone())
    };
    Some(Pagination {
        item: (**item).clone(),
        limit_param: find("limit"),
        offset_param: find("offset"),
    })
}
