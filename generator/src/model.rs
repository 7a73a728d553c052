//! The language-neutral model of an API: what the emitter writes, decided once.
//!
//! Names in the model are already final Rust names; every decision about them
//! (case conversion, collisions, inline-schema naming) is made in `analyze`.

use std::collections::BTreeMap;
use std::fmt;

use crate::diag::Location;

/// The whole API, as the SDK will present it.
#[derive(Debug, Clone, Default)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`, when it is inline text.
    pub description: Option<String>,
    /// Servers, in spec order.
    pub servers: Vec<Server>,
    /// Named types, by Rust name.
    pub types: BTreeMap<String, TypeDef>,
    /// Resources (groups of operations), by Rust type name.
    pub resources: BTreeMap<String, Resource>,
    /// Webhooks (events Rebilly delivers), by event type.
    pub webhooks: Vec<Webhook>,
}

/// A webhook: an event the API delivers to its user's server, as a request whose JSON body
/// is the payload.
#[derive(Debug, Clone)]
pub struct Webhook {
    /// The event type (the key under `webhooks`, and the payload's `eventType` value), such
    /// as `customer-created`.
    pub event_type: String,
    /// The variant of `Event`, such as `CustomerCreated`.
    pub variant: String,
    /// The constructor of `Event`, such as `customer_created`.
    pub constructor: String,
    /// The group's tag, as in the spec.
    pub tag: String,
    /// The accessor of the resource of the same group (its cargo feature), when the SDK has
    /// one; `None` when no operation of the SDK is in that group.
    pub group: Option<String>,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// The HTTP method the event is delivered with (POST).
    pub method: Method,
    /// The payload type: always a named struct.
    pub payload: TypeRef,
    /// The payload's `eventType` field (its Rust name and presence), which the event's
    /// constructor sets; `None` when the payload has no such field.
    pub event_type_field: Option<(String, Presence)>,
    /// Where the webhook is described.
    pub origin: Location,
}

/// A name as written outside code (file names, doc links): without the `r#` of a raw
/// identifier.
pub fn bare(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

impl Argument {
    /// How a value of type `ty` is best taken: strings and secrets as `impl Into`.
    pub fn for_type(ty: &TypeRef) -> Self {
        match ty {
            TypeRef::String | TypeRef::Secret => Argument::Into,
            _ => Argument::Value,
        }
    }
}

impl Api {
    /// Number of operations over all resources.
    pub fn operation_count(&self) -> usize {
        self.resources.values().map(|r| r.operations.len()).sum()
    }

    /// `ty` with every alias replaced by what it names, inside arrays, maps and `Option`s
    /// too.
    pub fn resolve(&self, ty: &TypeRef) -> TypeRef {
        let mut ty = ty.clone();
        // An alias names another type; a cycle of aliases cannot compile, but stop anyway.
        for _ in 0..32 {
            let next = match &ty {
                TypeRef::Named(n) => match self.types.get(n).map(|t| &t.kind) {
                    Some(TypeKind::Alias(target)) => target.clone(),
                    _ => return ty,
                },
                TypeRef::Array(t) => return TypeRef::Array(Box::new(self.resolve(t))),
                TypeRef::Map(t) => return TypeRef::Map(Box::new(self.resolve(t))),
                TypeRef::Nullable(t) => return TypeRef::Nullable(Box::new(self.resolve(t))),
                _ => return ty,
            };
            ty = next;
        }
        ty
    }
}

/// A server the API is served from.
#[derive(Debug, Clone, PartialEq)]
pub struct Server {
    /// URL template, e.g. `https://api.rebilly.com/organizations/{organizationId}`.
    pub url: String,
    /// What it is.
    pub description: Option<String>,
    /// Variables of the template.
    pub variables: Vec<String>,
}

/// A named Rust type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// Rust name.
    pub name: String,
    /// Doc comment text.
    pub doc: Option<String>,
    /// Where it was defined.
    pub origin: Location,
    /// The shape.
    pub kind: TypeKind,
    /// Sent in requests (its read-only fields are then not required). Every type is both
    /// `Serialize` and `Deserialize`, whatever its use.
    pub in_request: bool,
    /// Received in responses (its write-only fields are then not required).
    pub in_response: bool,
    /// Accessor names of the resources whose operations use the type (directly or not).
    pub used_by: std::collections::BTreeSet<String>,
}

/// The shape of a named type.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// A struct with named fields.
    Struct {
        /// Fields, in spec order.
        fields: Vec<Field>,
        /// Extra members (`additionalProperties`), kept in a flattened map.
        additional: Option<TypeRef>,
        /// Every field may be left unset, so the struct is `Default`. Set once presence is
        /// final.
        default: bool,
    },
    /// A string enum; unknown values decode into a catch-all variant.
    StringEnum {
        /// The known values.
        variants: Vec<EnumVariant>,
    },
    /// A union tagged by a discriminator property (serde internally tagged).
    Tagged {
        /// The discriminator property.
        tag: String,
        /// Tag value, variant name, payload type.
        variants: Vec<TaggedVariant>,
    },
    /// A union without discriminator, decoded by trying each variant in turn.
    Untagged {
        /// The variants, in spec order.
        variants: Vec<UntaggedVariant>,
    },
    /// Another name for a type.
    Alias(TypeRef),
}

/// One value of a string enum.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumVariant {
    /// The value on the wire.
    pub wire: String,
    /// Rust variant name.
    pub name: String,
}

/// One variant of a tagged union.
#[derive(Debug, Clone, PartialEq)]
pub struct TaggedVariant {
    /// Discriminator value.
    pub tag_value: String,
    /// Rust variant name.
    pub name: String,
    /// Payload type (a struct without the tag field).
    pub payload: String,
}

/// One variant of an untagged union.
#[derive(Debug, Clone, PartialEq)]
pub struct UntaggedVariant {
    /// Rust variant name.
    pub name: String,
    /// Payload type.
    pub ty: TypeRef,
}

/// How a value is taken as an argument (of a constructor or of an operation's method).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Argument {
    /// As its own type: `T`.
    #[default]
    Value,
    /// As anything that converts into it: `impl Into<T>` (strings and secrets).
    Into,
    /// As `Option<T>` (a nullable member the caller must still decide about).
    Optional,
}

/// A struct field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Name on the wire.
    pub wire: String,
    /// Rust field name (may be a raw identifier such as `r#type`).
    pub name: String,
    /// Value type, before optionality.
    pub ty: TypeRef,
    /// Whether it is required and whether `null` is allowed, given how the type is used.
    pub presence: Presence,
    /// Listed in the schema's `required`.
    pub required: bool,
    /// `null` is allowed.
    pub nullable: bool,
    /// Doc comment text.
    pub doc: Option<String>,
    /// Set by the server only.
    pub read_only: bool,
    /// Sent by the client only.
    pub write_only: bool,
    /// Held in a `Box`: the field's type contains the struct itself (a recursive schema).
    pub boxed: bool,
    /// How the struct's `new` takes it; `None`: not taken (it starts unset). Set once
    /// presence is final.
    pub constructor: Option<Argument>,
}

/// How a field may be present, which decides its Rust type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Always present, never null: `T`.
    Required,
    /// Always present, may be null: `Option<T>`, serialized as `null` when `None`.
    RequiredNullable,
    /// May be absent: `Option<T>`, omitted when `None`.
    Optional,
    /// May be absent or null: `Option<Option<T>>`; `Some(None)` sends an explicit `null`.
    OptionalNullable,
}

/// A reference to a type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeRef {
    /// `String`.
    String,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `f64`.
    F64,
    /// `bool`.
    Bool,
    /// RFC 3339 date-time.
    DateTime,
    /// RFC 3339 full-date.
    Date,
    /// A string that must not show in `Debug` (passwords).
    Secret,
    /// Any JSON.
    Json,
    /// Raw bytes (non-JSON bodies).
    Bytes,
    /// A named type of the model.
    Named(String),
    /// `Vec<T>`.
    Array(Box<TypeRef>),
    /// `BTreeMap<String, T>`.
    Map(Box<TypeRef>),
    /// `Option<T>`: an array item or map value that may be `null`.
    Nullable(Box<TypeRef>),
}

/// The Rust type a reference stands for, as text (`Vec<Credential>`), for reports.
impl fmt::Display for TypeRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeRef::String => f.write_str("String"),
            TypeRef::I32 => f.write_str("i32"),
            TypeRef::I64 => f.write_str("i64"),
            TypeRef::F64 => f.write_str("f64"),
            TypeRef::Bool => f.write_str("bool"),
            TypeRef::DateTime => f.write_str("DateTime"),
            TypeRef::Date => f.write_str("Date"),
            TypeRef::Secret => f.write_str("Secret"),
            TypeRef::Json => f.write_str("serde_json::Value"),
            TypeRef::Bytes => f.write_str("Vec<u8>"),
            TypeRef::Named(n) => f.write_str(n),
            TypeRef::Array(t) => write!(f, "Vec<{t}>"),
            TypeRef::Map(t) => write!(f, "BTreeMap<String, {t}>"),
            TypeRef::Nullable(t) => write!(f, "Option<{t}>"),
        }
    }
}

/// A group of operations (`x-sdk-resource`, else the first tag).
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    /// Rust type name, e.g. `CustomerAuthentication`.
    pub name: String,
    /// Accessor method name on the client, e.g. `customer_authentication`.
    pub accessor: String,
    /// Doc comment text (the tag's description, where there is one).
    pub doc: Option<String>,
    /// Operations, in spec order.
    pub operations: Vec<Operation>,
    /// The security schemes its operations accept, each with the name of its constant.
    pub schemes: Vec<(String, SecurityScheme)>,
    /// The distinct security requirements of its operations, each a constant.
    pub security_sets: Vec<SecuritySet>,
}

/// One security requirement, shared by every operation of a resource that has it.
#[derive(Debug, Clone, PartialEq)]
pub struct SecuritySet {
    /// Name of its constant, e.g. `SECRET_API_KEY_OR_JWT`.
    pub name: String,
    /// Any one alternative, each a set of scheme constants (of [`Resource::schemes`]).
    pub alternatives: Vec<Vec<String>>,
}

/// HTTP methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Method {
    /// GET
    Get,
    /// PUT
    Put,
    /// POST
    Post,
    /// DELETE
    Delete,
    /// PATCH
    Patch,
    /// HEAD
    Head,
    /// OPTIONS
    Options,
    /// TRACE
    Trace,
}

impl Method {
    /// All methods with their spec keys.
    pub const ALL: [(&'static str, Method); 8] = [
        ("get", Method::Get),
        ("put", Method::Put),
        ("post", Method::Post),
        ("delete", Method::Delete),
        ("patch", Method::Patch),
        ("head", Method::Head),
        ("options", Method::Options),
        ("trace", Method::Trace),
    ];

    /// Upper-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Patch => "PATCH",
            Method::Head => "HEAD",
            Method::Options => "OPTIONS",
            Method::Trace => "TRACE",
        }
    }
}

/// One API operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// `operationId`.
    pub id: String,
    /// Rust method name (snake case).
    pub method_name: String,
    /// Rust name of its request builder type (upper camel case).
    pub builder_name: String,
    /// HTTP method.
    pub method: Method,
    /// Path template, e.g. `/credentials/{id}`.
    pub path: String,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// Deprecated operation.
    pub deprecated: bool,
    /// Parameters (path ones in template order first).
    pub params: Vec<Param>,
    /// Request body.
    pub body: Option<Body>,
    /// Success responses (2xx), in status order.
    pub responses: Vec<SuccessResponse>,
    /// Documented error statuses.
    pub errors: Vec<ErrorResponse>,
    /// Accepted credentials: any one alternative, each a set of schemes. Empty alternative: anonymous.
    pub security: Vec<Vec<SecurityScheme>>,
    /// Set when the operation returns a page of a collection.
    pub pagination: Option<Pagination>,
    /// What a call returns; set once names are final.
    pub output: Output,
    /// The constant of its security requirement (of [`Resource::security_sets`]).
    pub security_set: String,
    /// The `Accept` header when the default output is not JSON: the media types it may come
    /// in. Set once outputs are final.
    pub accept: Option<String>,
    /// The other media types a successful answer may come in, each reachable through a
    /// typed setter of the call. Set once outputs are final.
    pub alternatives: Vec<Alternative>,
}

/// A media type an operation can answer in besides its default one.
#[derive(Debug, Clone, PartialEq)]
pub struct Alternative {
    /// The media type asked for (`Accept`).
    pub media_type: String,
    /// Name of the call's setter that asks for it, e.g. `pdf`.
    pub method_name: String,
    /// Read as text (`String`) rather than bytes.
    pub text: bool,
}

/// How a body in one media type is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    /// JSON, decoded into the schema's type.
    Json,
    /// Text (`text/*` without `format: binary`): a `String`.
    Text,
    /// Anything else, or `format: binary`: bytes with their content type.
    Binary,
}

/// One media type of a response's `content`.
#[derive(Debug, Clone, PartialEq)]
pub struct Media {
    /// The media type, e.g. `application/pdf`.
    pub media_type: String,
    /// How it is read.
    pub kind: MediaKind,
}

/// What an operation's call returns, and so how its response is decoded.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Output {
    /// No body: `()`.
    #[default]
    Empty,
    /// A JSON body of this type.
    Json(TypeRef),
    /// A page of a collection of this item type (JSON array and `Pagination-*` headers).
    Page(TypeRef),
    /// A body of another media type: bytes with their content type.
    Binary,
    /// A text body: a `String`.
    Text,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// In a request header.
    Header,
}

/// An operation parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Name on the wire.
    pub wire: String,
    /// Rust name.
    pub name: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// Value type.
    pub ty: TypeRef,
    /// Must be given.
    pub required: bool,
    /// Doc comment text.
    pub doc: Option<String>,
    /// How its setter (or, when required, the operation's method) takes it.
    pub argument: Argument,
    /// How its value is written (`style`, `explode`, `allowReserved`).
    pub style: ParamStyle,
}

/// OpenAPI's parameter styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `simple` (path, header).
    Simple,
    /// `label` (path).
    Label,
    /// `matrix` (path).
    Matrix,
    /// `form` (query).
    Form,
    /// `spaceDelimited` (query).
    SpaceDelimited,
    /// `pipeDelimited` (query).
    PipeDelimited,
    /// `deepObject` (query).
    DeepObject,
}

impl Style {
    /// Every style with its name in the spec and the locations it is defined for.
    pub const ALL: [(&'static str, Style, &'static [ParamLocation]); 7] = [
        (
            "simple",
            Style::Simple,
            &[ParamLocation::Path, ParamLocation::Header],
        ),
        ("label", Style::Label, &[ParamLocation::Path]),
        ("matrix", Style::Matrix, &[ParamLocation::Path]),
        ("form", Style::Form, &[ParamLocation::Query]),
        (
            "spaceDelimited",
            Style::SpaceDelimited,
            &[ParamLocation::Query],
        ),
        (
            "pipeDelimited",
            Style::PipeDelimited,
            &[ParamLocation::Query],
        ),
        ("deepObject", Style::DeepObject, &[ParamLocation::Query]),
    ];

    /// The name in the spec.
    pub fn as_str(self) -> &'static str {
        Style::ALL
            .iter()
            .find(|(_, s, _)| *s == self)
            .map_or("simple", |(n, _, _)| n)
    }
}

/// How a parameter's value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamStyle {
    /// `style`.
    pub style: Style,
    /// `explode`.
    pub explode: bool,
    /// `allowReserved` (query only).
    pub allow_reserved: bool,
}

impl ParamStyle {
    /// OpenAPI's default for a location: `form`, exploded, in the query; `simple` elsewhere.
    pub fn default_for(location: ParamLocation) -> Self {
        let style = match location {
            ParamLocation::Query => Style::Form,
            ParamLocation::Path | ParamLocation::Header => Style::Simple,
        };
        ParamStyle {
            style,
            explode: style == Style::Form,
            allow_reserved: false,
        }
    }
}

/// How a request body is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyEncoding {
    /// JSON.
    Json,
    /// `application/x-www-form-urlencoded`: members as `form` parameters.
    Form,
    /// Bytes as given.
    Bytes,
}

/// A request body.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// Media type sent.
    pub media_type: String,
    /// How it is written.
    pub encoding: BodyEncoding,
    /// Body type.
    pub ty: TypeRef,
    /// Must be given.
    pub required: bool,
    /// Doc comment text.
    pub doc: Option<String>,
    /// How the operation's method (or its setter, when optional) takes it.
    pub argument: Argument,
}

/// A documented 2xx response.
#[derive(Debug, Clone, PartialEq)]
pub struct SuccessResponse {
    /// Status code.
    pub status: u16,
    /// Body type; `None` for an empty body.
    pub body: Option<TypeRef>,
    /// Response headers documented for it.
    pub headers: Vec<String>,
    /// Its media types, in spec order.
    pub media: Vec<Media>,
    /// Doc text.
    pub doc: Option<String>,
}

/// A documented error response.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorResponse {
    /// Status code (`None` for `default` or a range).
    pub status: String,
    /// Doc text.
    pub doc: Option<String>,
}

/// How a security scheme sends its credential.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum SecurityScheme {
    /// An API key in a header.
    ApiKeyHeader {
        /// Scheme name in the spec.
        scheme: String,
        /// Header name.
        header: String,
    },
    /// `Authorization: Bearer <token>`.
    Bearer {
        /// Scheme name in the spec.
        scheme: String,
    },
    /// `Authorization: Basic ...`.
    Basic {
        /// Scheme name in the spec.
        scheme: String,
    },
}

impl SecurityScheme {
    /// The scheme's name in the spec.
    pub fn name(&self) -> &str {
        match self {
            SecurityScheme::ApiKeyHeader { scheme, .. }
            | SecurityScheme::Bearer { scheme }
            | SecurityScheme::Basic { scheme } => scheme,
        }
    }
}

/// Pagination of a collection operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    /// Item type.
    pub item: TypeRef,
    /// Rust name of the `limit` parameter when the operation has one.
    pub limit_param: Option<String>,
    /// Rust name of the `offset` parameter when the operation has one.
    pub offset_param: Option<String>,
}

impl Pagination {
    /// The `offset` and `limit` parameters, when the operation has both: the collection can
    /// then be walked page by page.
    pub fn window(&self) -> Option<(&str, &str)> {
        Some((self.offset_param.as_deref()?, self.limit_param.as_deref()?))
    }
}
