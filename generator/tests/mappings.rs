//! Generator unit tests on small specs written in the test: each mapping from OpenAPI to Rust.

use std::path::Path;

use rebilly_sdk_gen::model::{Presence, SecurityScheme, TypeKind, TypeRef};
use rebilly_sdk_gen::{generate, Filter, Generated};

/// Writes `files` (name, YAML) into a temp dir and generates from `openapi.yaml` there.
fn gen(files: &[(&str, &str)]) -> Generated {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    generate(dir.path(), &Filter::default(), "test").unwrap_or_else(|e| panic!("{e}"))
}

fn spec(version: &str, paths: &str, schemas: &str) -> String {
    format!(
        "openapi: {version}\ninfo: {{title: T, version: '1'}}\npaths:\n{paths}\ncomponents:\n  securitySchemes:\n    Key: {{type: apiKey, in: header, name: REB-APIKEY}}\n    Bearer: {{type: http, scheme: bearer}}\n  schemas:\n{schemas}\nsecurity:\n  - Key: []\n  - Bearer: []\n"
    )
}

/// A PUT that sends and receives `Thing`, so its fields are used both ways.
const THING_PATH: &str = "  /things/{id}:
    put:
      operationId: PutThing
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}
";

fn field<'a>(g: &'a Generated, ty: &str, wire: &str) -> &'a rebilly_sdk_gen::model::Field {
    let TypeKind::Struct { fields, .. } = &g.api.types[ty].kind else {
        panic!("{ty} is not a struct")
    };
    fields
        .iter()
        .find(|f| f.wire == wire)
        .unwrap_or_else(|| panic!("{ty}.{wire} missing"))
}

#[test]
fn nullable_required_readonly_writeonly_and_formats() {
    let schemas = "    Thing:
      type: object
      required: [name, secret, id, count]
      properties:
        id: {type: string, readOnly: true}
        name: {type: string}
        secret: {type: string, format: password, writeOnly: true}
        count: {type: integer, format: int32}
        note: {type: [string, 'null']}
        when: {type: string, format: date-time}
        day: {type: string, format: date}
        ratio: {type: number}
        meta: {type: object, additionalProperties: true}
        scores: {type: object, additionalProperties: {type: integer}}
";
    let g = gen(&[("openapi.yaml", &spec("3.1.0", THING_PATH, schemas))]);
    let f = |w| field(&g, "Thing", w);
    assert_eq!(
        (f("name").presence, &f("name").ty),
        (Presence::Required, &TypeRef::String)
    );
    assert_eq!(
        f("id").presence,
        Presence::Optional,
        "read-only is never required when sending"
    );
    assert_eq!(
        (f("secret").presence, &f("secret").ty),
        (Presence::Optional, &TypeRef::Secret),
        "write-only is never required when receiving"
    );
    assert_eq!(
        (f("count").presence, &f("count").ty),
        (Presence::Required, &TypeRef::I32)
    );
    assert_eq!(
        (f("note").presence, &f("note").ty),
        (Presence::OptionalNullable, &TypeRef::String)
    );
    assert_eq!(f("when").ty, TypeRef::DateTime);
    assert_eq!(f("day").ty, TypeRef::Date);
    assert_eq!(f("ratio").ty, TypeRef::F64);
    assert_eq!(f("meta").ty, TypeRef::Map(Box::new(TypeRef::Json)));
    assert_eq!(f("scores").ty, TypeRef::Map(Box::new(TypeRef::I64)));
    // How each presence is written in Rust: the snapshot corpus (nullable_and_directions).
}

#[test]
fn direction_decides_which_fields_exist() {
    let paths = "  /in:
    post:
      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/In'}}}}
      responses: {'204': {description: done}}
  /out:
    get:
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Out'}}}}
";
    let schemas = "    In:
      type: object
      required: [password]
      properties:
        password: {type: string, writeOnly: true}
        id: {type: string, readOnly: true}
    Out:
      type: object
      properties:
        password: {type: string, writeOnly: true}
        id: {type: string, readOnly: true}
";
    let g = gen(&[("openapi.yaml", &spec("3.1.0", paths, schemas))]);
    assert_eq!(
        field(&g, "In", "password").presence,
        Presence::Required,
        "request-only: write-only stays required"
    );
    let TypeKind::Struct { fields, .. } = &g.api.types["In"].kind else {
        panic!()
    };
    assert!(
        fields.iter().all(|f| f.wire != "id"),
        "request-only types have no read-only fields"
    );
    let TypeKind::Struct { fields, .. } = &g.api.types["Out"].kind else {
        panic!()
    };
    assert!(
        fields.iter().all(|f| f.wire != "password"),
        "response-only types have no write-only fields"
    );
    assert!(g.api.types["In"].in_request && !g.api.types["In"].in_response);
    // The derives of a request-only type: the snapshot corpus (nullable_and_directions).
}

#[test]
fn one_of_with_discriminator_is_a_tagged_enum_over_files() {
    let root = spec(
        "3.1.0",
        "  /login:
    post:
      requestBody:
        content: {application/json: {schema: {$ref: './schemas/Login.yaml'}}}
      responses: {'201': {description: ok}}
",
        "    Unused: {type: string}",
    );
    let login = "discriminator:
  propertyName: mode
  mapping:
    password: ./PasswordMode.yaml
    passwordless: ./PasswordlessMode.yaml
oneOf:
  - $ref: ./PasswordMode.yaml
  - $ref: ./PasswordlessMode.yaml
";
    let pw = "type: object\nrequired: [username]\nproperties:\n  username: {type: string}\n  mode: {type: string, enum: [password]}\n";
    let pwl = "type: object\nproperties:\n  customerId: {type: string}\n  mode: {type: string, enum: [passwordless]}\n";
    let g = gen(&[
        ("openapi.yaml", &root),
        ("schemas/Login.yaml", login),
        ("schemas/PasswordMode.yaml", pw),
        ("schemas/PasswordlessMode.yaml", pwl),
    ]);
    let TypeKind::Tagged { tag, variants } = &g.api.types["Login"].kind else {
        panic!("{:?}", g.api.types["Login"])
    };
    assert_eq!(tag, "mode");
    let v: Vec<_> = variants
        .iter()
        .map(|v| (v.tag_value.as_str(), v.name.as_str(), v.payload.as_str()))
        .collect();
    assert_eq!(
        v,
        vec![
            ("password", "Password", "PasswordMode"),
            ("passwordless", "Passwordless", "PasswordlessMode")
        ]
    );
    let TypeKind::Struct { fields, .. } = &g.api.types["PasswordMode"].kind else {
        panic!()
    };
    assert!(
        fields.iter().all(|f| f.wire != "mode"),
        "the tag is the union's, not a field of a payload used only in the union"
    );
    assert!(
        !g.api.types.contains_key("PasswordModeMode"),
        "no orphan enum for the tag"
    );
    // How the union is written and read: the snapshot corpus (tag_member_used_alone).
}

#[test]
fn openapi_30_and_31_forms_generate_identical_rust() {
    let v31 = "    Thing:
      type: object
      required: [name]
      properties:
        name: {type: string}
        note: {type: [string, 'null']}
        owner:
          $ref: '#/components/schemas/Owner'
          readOnly: true
        kind: {const: fixed}
    Owner: {type: string, description: The owner.}
";
    let v30 = "    Thing:
      type: object
      required: [name]
      properties:
        name: {type: string}
        note: {type: string, nullable: true}
        owner:
          readOnly: true
          allOf:
            - $ref: '#/components/schemas/Owner'
        kind: {type: string, enum: [fixed]}
    Owner: {type: string, description: The owner.}
";
    let a = gen(&[("openapi.yaml", &spec("3.1.0", THING_PATH, v31))]);
    let b = gen(&[("openapi.yaml", &spec("3.0.3", THING_PATH, v30))]);
    assert_eq!(a.files, b.files);
    assert_eq!(field(&a, "Thing", "owner").presence, Presence::Optional);
    assert_eq!(
        field(&a, "Thing", "owner").ty,
        TypeRef::Named("Owner".into())
    );
}

#[test]
fn names_security_pagination_and_resources() {
    let paths = "  /credentials:
    get:
      operationId: GetCredentialCollection
      x-sdk-operation-name: getAllCredentials
      x-sdk-resource: CustomerAuthentication
      tags: [Customer authentication]
      parameters:
        - {name: limit, in: query, schema: {type: integer}}
        - {name: offset, in: query, schema: {type: integer}}
      responses:
        '200':
          description: ok
          headers: {Pagination-Total: {schema: {type: integer}}}
          content: {application/json: {schema: {type: array, items: {type: object, properties: {type: {type: string}}}}}}
  /other:
    get:
      operationId: get-other-thing
      tags: [Other things]
      security: [{Bearer: []}, {}]
      responses: {'204': {description: ok}}
  /public:
    get:
      operationId: get-public
      tags: [Other things]
      security: []
      responses: {'204': {description: ok}}
";
    let g = gen(&[(
        "openapi.yaml",
        &spec("3.1.0", paths, "    X: {type: string}"),
    )]);
    let auth = &g.api.resources["CustomerAuthentication"];
    assert_eq!(auth.accessor, "customer_authentication");
    let op = &auth.operations[0];
    assert_eq!(
        (op.method_name.as_str(), op.builder_name.as_str()),
        ("get_all_credentials", "GetAllCredentials")
    );
    let p = op.pagination.as_ref().expect("paginated");
    assert_eq!(
        (p.limit_param.as_deref(), p.offset_param.as_deref()),
        (Some("limit"), Some("offset"))
    );
    assert_eq!(
        p.item,
        TypeRef::Named("GetAllCredentialsResponseItem".into()),
        "inline schemas get names"
    );
    assert_eq!(
        field(&g, "GetAllCredentialsResponseItem", "type").name,
        "r#type",
        "keywords become raw identifiers"
    );
    assert_eq!(
        op.security,
        vec![
            vec![SecurityScheme::ApiKeyHeader {
                scheme: "Key".into(),
                header: "REB-APIKEY".into()
            }],
            vec![SecurityScheme::Bearer {
                scheme: "Bearer".into()
            }]
        ],
        "global security applies"
    );
    let other = &g.api.resources["OtherThings"].operations[0];
    assert_eq!(other.method_name, "get_other_thing");
    assert_eq!(
        other.security,
        vec![
            vec![SecurityScheme::Bearer {
                scheme: "Bearer".into()
            }],
            vec![]
        ],
        "operation security overrides"
    );
    let public = &g.api.resources["OtherThings"].operations[1];
    assert_eq!(
        public.security,
        vec![vec![]],
        "`security: []` removes the requirement: the call is anonymous"
    );
}

#[test]
fn tag_filter_keeps_only_matching_operations() {
    let paths = "  /a:\n    get: {tags: [A], operationId: getA, responses: {'204': {description: ok}}}\n  /b:\n    get: {tags: [B], operationId: getB, responses: {'204': {description: ok}}}\n";
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("openapi.yaml"),
        spec("3.1.0", paths, "    X: {type: string}"),
    )
    .unwrap();
    let g = generate(
        dir.path(),
        &Filter {
            tags: vec!["B".into()],
            ..Filter::default()
        },
        "t",
    )
    .unwrap();
    assert_eq!(g.api.operation_count(), 1);
    assert!(g.api.resources.contains_key("B"));
    let err = generate(
        dir.path(),
        &Filter {
            tags: vec!["Nope".into()],
            ..Filter::default()
        },
        "t",
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("no operation has the tag"),
        "{err}"
    );
}

#[test]
fn output_is_deterministic_and_parses() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let a = generate(&repo, &Filter::default(), "spec").unwrap();
    let b = generate(&repo, &Filter::default(), "spec").unwrap();
    assert_eq!(a.files, b.files);
    assert_eq!((a.api.operation_count(), a.warnings.len()), (16, 0));
    for f in &a.files {
        assert!(
            f.content
                .starts_with("// @generated by rebilly-sdk-gen from spec."),
            "{}",
            f.path
        );
    }
}

#[test]
fn recursive_schemas_are_boxed_and_multi_type_schemas_are_unions() {
    let schemas = "    Thing:
      type: object
      required: [name]
      properties:
        name: {type: string}
        parent: {$ref: '#/components/schemas/Thing'}
        children: {type: array, items: {$ref: '#/components/schemas/Thing'}}
        value: {type: [string, integer, number, boolean]}
        choice:
          oneOf:
            - $ref: '#/components/schemas/Thing'
            - {type: string}
";
    let g = gen(&[("openapi.yaml", &spec("3.1.0", THING_PATH, schemas))]);
    assert!(
        field(&g, "Thing", "parent").boxed,
        "direct recursion is boxed"
    );
    assert!(
        !field(&g, "Thing", "children").boxed,
        "a Vec already allocates"
    );
    assert!(
        field(&g, "Thing", "choice").boxed,
        "recursion through a union is boxed"
    );
    let value = &field(&g, "Thing", "value").ty;
    let TypeRef::Named(name) = value else {
        panic!("{value:?}")
    };
    let TypeKind::Untagged { variants } = &g.api.types[name].kind else {
        panic!()
    };
    let order: Vec<_> = variants.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(
        order,
        ["Boolean", "Integer", "Number", "String"],
        "integers are tried before floats"
    );
    assert!(g.warnings.is_empty(), "{:?}", g.warnings);
    assert!(
        field(&g, "Thing", "parent").boxed,
        "a recursive field is boxed"
    );
}

/// An `allOf` member that only says a property is read-only (Rebilly's PATCH of a KYC
/// request: `customerId` may not change) makes the merged property read-only: never sent.
#[test]
fn an_all_of_member_can_make_a_property_read_only() {
    let paths = "  /kyc/{id}:
    patch:
      operationId: PatchKyc
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      requestBody:
        content:
          application/json:
            schema:
              allOf:
                - properties: {customerId: {readOnly: true}}
                - $ref: '#/components/schemas/Kyc'
      responses: {'204': {description: ok}}
";
    let schemas = "    Kyc:\n      type: object\n      required: [customerId]\n      properties:\n        customerId: {type: string}\n        note: {type: string}";
    let g = gen(&[("openapi.yaml", &spec("3.1.0", paths, schemas))]);
    // Only sent, so its read-only members are not in the type at all.
    let TypeKind::Struct { fields, .. } = &g.api.types["PatchKycRequest"].kind else {
        panic!("a struct")
    };
    let wires: Vec<&str> = fields.iter().map(|f| f.wire.as_str()).collect();
    assert_eq!(wires, ["note"]);
}

/// A later `allOf` member that says `readOnly: false` undoes an earlier `readOnly: true`
/// (Rebilly's credential bodies: the `type` the base marks read-only is sent when posting).
#[test]
fn an_all_of_member_can_undo_read_only() {
    let paths = "  /credentials:
    post:
      operationId: PostCredential
      requestBody:
        content:
          application/json:
            schema:
              allOf:
                - $ref: '#/components/schemas/Credential'
                - {type: object, required: [type], properties: {type: {type: string, readOnly: false}}}
      responses: {'204': {description: ok}}
";
    let schemas = "    Credential:\n      type: object\n      properties:\n        type: {type: string, readOnly: true}\n        name: {type: string}";
    let g = gen(&[("openapi.yaml", &spec("3.1.0", paths, schemas))]);
    let kind = field(&g, "PostCredentialRequest", "type");
    assert!(!kind.read_only, "{kind:?}");
}

/// An `anyOf` whose members only say which of the object's own members must be there, or
/// that it may be empty (`{type: object, maxProperties: 0}`), is validation, not a union:
/// the type is the struct of its properties (GitHub's gist files; before, a union of raw
/// JSON values, with no warning).
#[test]
fn constraint_only_any_of_keeps_the_struct() {
    let schemas = "    Thing:
      type: object
      properties:
        content: {type: string}
        filename: {type: string, nullable: true}
      anyOf:
        - required: [content]
        - required: [filename]
        - {type: object, maxProperties: 0}";
    let g = gen(&[("openapi.yaml", &spec("3.0.3", THING_PATH, schemas))]);
    assert_eq!(field(&g, "Thing", "content").ty, TypeRef::String);
    assert_eq!(field(&g, "Thing", "filename").ty, TypeRef::String);
    assert!(g.warnings.is_empty(), "{:?}", g.warnings);
}

/// Follows aliases from the type of `Thing.wire` to what it names.
fn resolved<'a>(g: &'a Generated, wire: &str) -> &'a TypeKind {
    let mut ty = &field(g, "Thing", wire).ty;
    loop {
        let TypeRef::Named(name) = ty else {
            panic!("{wire}: {ty:?} is not a named type")
        };
        match &g.api.types[name].kind {
            TypeKind::Alias(inner @ TypeRef::Named(_)) => ty = inner,
            kind => return kind,
        }
    }
}

/// An `allOf` of non-objects is the type its members have in common, not an empty struct;
/// one no value satisfies, the schema `false`, a union member an earlier variant always
/// reads first, and a non-object member beside members with properties are warned about,
/// each at its own pointer.
#[test]
fn all_of_scalars_and_never_read_schemas() {
    let schemas = "    Thing:
      type: object
      properties:
        unit: {allOf: [{$ref: '#/components/schemas/Unit'}, {type: string}]}
        count: {allOf: [{type: number}, {type: integer, format: int32}]}
        code: {allOf: [{type: string}, {enum: [a, b]}, {enum: [b, c]}]}
        never: {allOf: [{type: string}, {type: integer}]}
        nothing: false
        when: {oneOf: [{type: string}, {type: string, format: date-time}]}
        mixed: {allOf: [{properties: {a: {type: string}}}, {type: string}]}
    Unit: {type: string, enum: [day, month]}";
    let g = gen(&[("openapi.yaml", &spec("3.1.0", THING_PATH, schemas))]);
    let TypeKind::StringEnum { variants } = resolved(&g, "unit") else {
        panic!("unit is not the Unit enum")
    };
    assert_eq!(variants.len(), 2);
    assert_eq!(resolved(&g, "count"), &TypeKind::Alias(TypeRef::I32));
    let TypeKind::StringEnum { variants } = resolved(&g, "code") else {
        panic!("code is not an enum")
    };
    let wires: Vec<&str> = variants.iter().map(|v| v.wire.as_str()).collect();
    assert_eq!(wires, ["b"]);
    assert_eq!(resolved(&g, "never"), &TypeKind::Alias(TypeRef::Json));
    assert_eq!(field(&g, "Thing", "nothing").ty, TypeRef::Json);
    let warned = |pointer: &str, words: &str| {
        g.warnings
            .iter()
            .any(|w| w.location.to_string().contains(pointer) && w.message.contains(words))
    };
    assert!(
        warned("/properties/never", "no type in common"),
        "{:?}",
        g.warnings
    );
    assert!(warned("/properties/nothing", "`false`"), "{:?}", g.warnings);
    assert!(
        warned("/properties/when/oneOf/1", "never read"),
        "{:?}",
        g.warnings
    );
    assert!(
        warned("/properties/mixed/allOf/1", "not an object"),
        "{:?}",
        g.warnings
    );
    assert_eq!(g.warnings.len(), 4, "{:?}", g.warnings);
}

/// The extra members of `patternProperties` (one pattern: its type; several: raw JSON) and
/// of 2020-12's `unevaluatedProperties` are kept in the struct's map of extra members, not
/// dropped; keywords with no Rust mapping (`if`, `dependentSchemas`, `prefixItems`) are
/// warned about.
#[test]
fn pattern_and_unevaluated_properties_are_extra_members() {
    let schemas = "    Thing:
      type: object
      properties:
        one:
          type: object
          properties: {id: {type: string}}
          patternProperties: {'^x-': {type: integer}}
        several:
          type: object
          properties: {id: {type: string}}
          additionalProperties: false
          patternProperties: {'^x-': {type: integer}, '^y-': {type: string}}
        rest:
          type: object
          properties: {id: {type: string}}
          unevaluatedProperties: {type: boolean}
        conditional:
          type: object
          properties: {kind: {type: string}}
          if: {properties: {kind: {const: a}}}
          then: {properties: {a: {type: string}}}
        tuple: {type: array, prefixItems: [{type: string}, {type: integer}]}";
    let g = gen(&[("openapi.yaml", &spec("3.1.0", THING_PATH, schemas))]);
    let extra = |wire: &str| {
        let TypeRef::Named(name) = &field(&g, "Thing", wire).ty else {
            panic!("{wire} is not a named type")
        };
        match &g.api.types[name].kind {
            TypeKind::Struct { additional, .. } => additional.clone(),
            other => panic!("{wire}: {other:?}"),
        }
    };
    assert_eq!(extra("one"), Some(TypeRef::I64));
    assert_eq!(extra("several"), Some(TypeRef::Json));
    assert_eq!(extra("rest"), Some(TypeRef::Bool));
    let warned: Vec<String> = g.warnings.iter().map(ToString::to_string).collect();
    for (pointer, words) in [
        (
            "properties/conditional/if",
            "`if`/`then`/`else` is not mapped",
        ),
        (
            "properties/tuple/prefixItems",
            "`prefixItems` is not mapped",
        ),
    ] {
        assert!(
            warned
                .iter()
                .any(|w| w.contains(pointer) && w.contains(words)),
            "{warned:?}"
        );
    }
    assert_eq!(warned.len(), 2, "{warned:?}");
}
