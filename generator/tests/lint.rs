//! Spec validation: mistakes are errors naming file#pointer (line) with a "did you mean";
//! looser-than-the-spec places are warnings that `--strict` turns into a failure; names that
//! repeat are derived from what tells them apart, never numbered.

use std::path::Path;

use rebilly_sdk_gen::{generate, Filter, Generated};

const HEAD: &str = "openapi: 3.1.0\ninfo: {title: T, version: '1'}\n";

fn write(dir: &Path, spec: &str) {
    std::fs::write(dir.join("openapi.yaml"), spec).unwrap();
}

fn try_gen(spec: &str, filter: &Filter) -> Result<Generated, String> {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), spec);
    generate(dir.path(), filter, "t").map_err(|e| e.to_string())
}

fn gen(spec: &str) -> Generated {
    try_gen(spec, &Filter::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn error(spec: &str) -> String {
    try_gen(spec, &Filter::default()).expect_err("must fail")
}

/// One GET /things answering `schema` (indented YAML under `schema:`).
fn with_schema(schema: &str) -> String {
    let schema = schema.replace('\n', "\n                ");
    format!("{HEAD}paths:\n  /things:\n    get:\n      operationId: GetThings\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                {schema}\n")
}

fn warnings(g: &Generated) -> Vec<String> {
    g.warnings.iter().map(ToString::to_string).collect()
}

#[test]
fn a_misspelt_type_is_an_error_with_a_suggestion() {
    let e = error(&with_schema(
        "type: object\nproperties:\n  name: {type: strnig}",
    ));
    assert!(
        e.contains("openapi.yaml#/paths/~1things/get/responses/200/content/application~1json/schema/properties/name/type (line 15)"),
        "{e}"
    );
    assert!(
        e.contains("`strnig` is not a JSON Schema type") && e.contains("did you mean `string`?"),
        "{e}"
    );
}

#[test]
fn every_error_is_listed_and_a_misspelt_keyword_is_a_warning() {
    let spec = with_schema(
        "type: object\nrequried: [name]\nproperties:\n  name: {type: string}\n  count: {type: integr}\n  size: {type: strnig}",
    );
    let e = error(&spec);
    assert!(e.starts_with("2 error(s) in the spec"), "{e}");
    assert!(e.contains("did you mean `integer`?"), "{e}");
    // JSON Schema reads an unknown keyword as an annotation: valid, and likely a typo.
    let fixed = spec
        .replace("integr", "integer")
        .replace("strnig", "string");
    let w = warnings(&gen(&fixed));
    assert!(
        w.iter().any(|w| w.contains("schema/requried (line 14): unknown schema keyword `requried` is ignored; did you mean `required`?")),
        "{w:?}"
    );
}

#[test]
fn required_may_name_a_member_no_property_declares() {
    // GitHub's `package-version.metadata.docker`: `required: [tags]`, property `tag`. Valid
    // JSON Schema: a warning with the likely typo, which --strict refuses; the type holds
    // the member as raw JSON.
    let g = gen(&with_schema(
        "type: object\nrequired: [tags]\nproperties:\n  tag: {type: array, items: {type: string}}",
    ));
    let w = warnings(&g);
    assert!(
        w.iter().any(|w| w.contains("schema/required (line 14)")
            && w.contains("`required` names `tags`, which no property declares: the type holds it as raw JSON; did you mean `tag`?")),
        "{w:?}"
    );
    let types = g.files.iter().find(|f| f.path == "types.rs").unwrap();
    assert!(
        types.content.contains("tags \"tags\" optional"),
        "{}",
        types.content
    );
    assert!(g.strict().is_err());
}

#[test]
fn containers_of_the_wrong_shape_are_errors() {
    let e = error(&format!("{HEAD}paths:\n  - /things\n"));
    assert!(
        e.contains("openapi.yaml#/paths (line 4): `paths` must be a map, not a list"),
        "{e}"
    );
    let spec = with_schema("type: string").replace(
        "      responses:\n",
        "      tags: Things\n      responses:\n",
    );
    let e = error(&format!("{spec}components:\n  schemas: []\n"));
    assert!(e.contains("`tags` must be a list, not a string"), "{e}");
    assert!(
        e.contains("#/components/schemas (line")
            && e.contains("`schemas` must be a map, not a list"),
        "{e}"
    );
    let content = with_schema("type: string").replace(
        "          content:\n            application/json:\n              schema:\n                type: string\n",
        "          content: [application/json]\n",
    );
    let e = error(&content);
    assert!(e.contains("`content` must be a map, not a list"), "{e}");
}

#[test]
fn responses_are_required_in_3_0_only() {
    let spec = |version: &str| {
        format!("openapi: {version}\ninfo: {{title: T, version: '1'}}\npaths:\n  /ping:\n    post:\n      operationId: Ping\n")
    };
    let e = error(&spec("3.0.3"));
    assert!(
        e.contains("#/paths/~1ping/post (line 6): an operation needs `responses` (OpenAPI 3.0)"),
        "{e}"
    );
    let w = warnings(&gen(&spec("3.1.0")));
    assert!(
        w.iter().any(|w| w.contains("declares no `responses`")),
        "{w:?}"
    );
}

#[test]
fn unknown_formats_and_keywords_are_warnings_that_strict_refuses() {
    let g = gen(&with_schema(
        "type: object\nproperties:\n  bin: {type: string, format: bin}\n  tags: {type: array, items: {type: string}, frobnicate: true}",
    ));
    let w = warnings(&g);
    assert!(
        w.iter()
            .any(|w| w.contains("properties/bin/format (line 15)")
                && w.contains("unknown format `bin`")),
        "{w:?}"
    );
    assert!(
        w.iter()
            .any(|w| w.contains("unknown schema keyword `frobnicate` is ignored")),
        "{w:?}"
    );
    let strict = g
        .strict()
        .expect_err("strict fails on warnings")
        .to_string();
    assert!(strict.contains("2 warning(s)"), "{strict}");
}

#[test]
fn duplicate_operation_ids_and_path_parameters_that_disagree() {
    let e = error(&format!(
        "{HEAD}paths:\n  /a/{{id}}:\n    get:\n      operationId: Same\n      responses: {{'204': {{description: ok}}}}\n  /b:\n    get:\n      operationId: Same\n      parameters:\n        - {{name: id, in: path, required: true, schema: {{type: string}}}}\n      responses: {{'204': {{description: ok}}}}\n"
    ));
    assert!(
        e.contains("operationId `Same` of GET /b is also the operationId of GET /a/{id}"),
        "{e}"
    );
    assert!(
        e.contains("the path /a/{id} names `{id}` but no path parameter `id` is declared"),
        "{e}"
    );
    assert!(
        e.contains("path parameter `id` is not in the path /b"),
        "{e}"
    );
}

#[test]
fn a_discriminator_mapping_to_a_missing_schema_is_an_error() {
    let e = error(&with_schema(
        "type: object\ndiscriminator:\n  propertyName: kind\n  mapping:\n    a: '#/components/schemas/Nope'\nproperties:\n  kind: {type: string}",
    ));
    assert!(e.contains("Nope"), "{e}");
    assert!(e.contains("openapi.yaml#"), "{e}");
}

/// Two resources' operations sharing `x-sdk-operation-name`s, a reserved query parameter,
/// and a skipped operation.
fn naming_spec() -> String {
    let op = |method: &str, path: &str, id: &str, name: &str, extra: &str| {
        format!("  {path}:\n    {method}:\n      operationId: {id}\n      x-sdk-operation-name: {name}\n      tags: [Tags]\n{extra}      responses:\n        '200':\n          description: ok\n          content: {{application/json: {{schema: {{type: object, properties: {{a: {{type: string}}}}}}}}}}\n")
    };
    let client_param = "      parameters:\n        - {name: client, in: query, schema: {type: string}}\n        - {name: body, in: header, schema: {type: string}}\n";
    format!(
        "{HEAD}paths:\n{}{}{}{}",
        op("get", "/tags", "GetTagCollection", "getAll", client_param),
        op("get", "/tags-rules", "GetTagRuleCollection", "getAll", ""),
        op(
            "get",
            "/tags-hidden",
            "GetHidden",
            "getHidden",
            "      x-sdk-skip: true\n"
        ),
        op("get", "/tags-new", "GetNew", "new", ""),
    )
}

#[test]
fn repeated_sdk_names_are_derived_from_operation_ids_never_numbered() {
    let g = gen(&naming_spec());
    let ops = &g.api.resources["Tags"].operations;
    let names: Vec<&str> = ops.iter().map(|o| o.method_name.as_str()).collect();
    assert_eq!(
        names,
        ["get_tag_collection", "get_tag_rule_collection", "get_new"]
    );
    // Inline types are named after the operations, not numbered.
    let types: Vec<&String> = g.api.types.keys().collect();
    assert!(
        types.iter().all(|t| !t.ends_with(char::is_numeric)),
        "{types:?}"
    );
    assert!(
        g.api.types.contains_key("GetTagRuleCollectionResponse"),
        "{types:?}"
    );
    let w = warnings(&g);
    assert!(
        w.iter().any(
            |w| w.contains("the SDK name `get_all` is used by 2 operations of `Tags`")
                && w.contains("GetTagRuleCollection → `get_tag_rule_collection`")
        ),
        "{w:?}"
    );
    assert!(
        w.iter()
            .any(|w| w.contains("`new` is a name the generated `Tags` handle uses itself")),
        "{w:?}"
    );
    // Parameters never take the names of the builder's own members.
    let params: Vec<&str> = ops[0].params.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(params, ["client_query", "body_header"]);
    assert!(
        ops.iter().all(|o| o.id != "GetHidden"),
        "x-sdk-skip is honoured"
    );
}

#[test]
fn skipped_operations_can_be_included() {
    let g = try_gen(
        &naming_spec(),
        &Filter {
            include_skipped: true,
            ..Filter::default()
        },
    )
    .unwrap();
    assert!(g.api.resources["Tags"]
        .operations
        .iter()
        .any(|o| o.id == "GetHidden" && o.method_name == "get_hidden"));
}

#[test]
fn enum_values_that_differ_in_case_or_name_the_catch_all_keep_distinct_names() {
    let g = gen(&with_schema(
        "type: string\nenum: [credit_not_processed, CREDIT_NOT_PROCESSED, unknown, '127', '12.7']",
    ));
    let rebilly_sdk_gen::model::TypeKind::StringEnum { variants } =
        &g.api.types["GetThingsResponse"].kind
    else {
        panic!("not an enum")
    };
    let names: Vec<&str> = variants.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "CreditNotProcessed",
            "CreditNotProcessedUpper",
            "UnknownValue",
            "V127",
            "V12_7"
        ]
    );
}

/// One GET /things/{id} with `params` (YAML list items, indented under `parameters:`).
fn with_params(params: &str) -> String {
    let params = params.replace('\n', "\n        ");
    format!("{HEAD}paths:\n  /things/{{id}}:\n    get:\n      operationId: GetThing\n      parameters:\n        - {{name: id, in: path, required: true, schema: {{type: string}}}}\n        {params}\n      responses:\n        '204': {{description: ok}}\n")
}

#[test]
fn parameter_objects_are_linted() {
    let e = error(&with_params(
        "- {name: a, in: query, stlye: form, schema: {type: string}}\n- {name: b, in: qeury, schema: {type: string}}\n- {name: c, in: query, style: pipeDelimted, schema: {type: array, items: {type: string}}}\n- {name: d, in: query, style: matrix, schema: {type: string}}\n- {name: e, in: header, explode: yes-please, schema: {type: string}}\n- {name: f, in: query, x-note: fine, summary: nope, schema: {type: string}}",
    ));
    // OpenAPI allows only its fields and extensions in a parameter object.
    assert!(e.starts_with("6 error(s) in the spec"), "{e}");
    for expected in [
        "parameters/1/stlye (line 9): unknown parameter field `stlye`; did you mean `style`?",
        "parameters/2/in (line 10): `in: qeury` is not a parameter location (query, header, path, cookie); did you mean `query`?",
        "parameters/3/style (line 11): `style: pipeDelimted` is not a parameter style; did you mean `pipeDelimited`?",
        "parameters/4/style (line 12): `style: matrix` is not allowed in the query (allowed: form, spaceDelimited, pipeDelimited, deepObject)",
        "parameters/5/explode (line 13): `explode` must be true or false",
        "parameters/6/summary (line 14): unknown parameter field `summary` (extensions start with `x-`)",
    ] {
        assert!(e.contains(expected), "missing {expected:?} in:\n{e}");
    }
}

#[test]
fn parameter_styles_the_spec_leaves_undefined_are_warnings() {
    let spec = with_params(
        "- {name: a, in: query, style: deepObject, schema: {type: array, items: {type: string}}}\n- {name: b, in: query, style: pipeDelimited, schema: {type: string}}\n- {name: c, in: query, schema: {type: array, items: {type: array, items: {type: string}}}}\n- {name: d, in: query, content: {application/json: {schema: {type: object}}}}\n- {name: e, in: header, allowReserved: true, schema: {type: string}}",
    );
    let w = warnings(&gen(&spec));
    for expected in [
        "parameters/1/style (line 9): `style: deepObject` is defined for objects only",
        "parameters/2/style (line 10): `style: pipeDelimited` is defined for arrays and objects",
        "parameters/3 (line 11): `style: form` does not define how nested arrays or objects are written",
        "parameters/4/content (line 12): parameter `d` has no `schema`",
        "parameters/5/allowReserved (line 13): `allowReserved` applies to query parameters only",
    ] {
        assert!(w.iter().any(|l| l.contains(expected)), "missing {expected:?} in:\n{w:#?}");
    }
    assert_eq!(w.len(), 5, "{w:#?}");
    let strict = try_gen(&spec, &Filter::default()).unwrap().strict();
    assert!(strict.is_err());
}

/// OpenAPI: a path parameter's `required` "is REQUIRED and its value MUST be true".
#[test]
fn a_path_parameter_must_be_required() {
    let spec = format!("{HEAD}paths:\n  /things/{{id}}/{{part}}:\n    get:\n      operationId: GetThing\n      parameters:\n        - {{name: id, in: path, required: false, schema: {{type: string}}}}\n        - {{name: part, in: path, schema: {{type: string}}}}\n      responses:\n        '204': {{description: ok}}\n");
    let e = error(&spec);
    assert!(e.starts_with("2 error(s) in the spec"), "{e}");
    for expected in [
        "parameters/0/required (line 8): a path parameter must say `required: true`",
        "parameters/1 (line 9): a path parameter must say `required: true`",
    ] {
        assert!(e.contains(expected), "missing {expected:?} in:\n{e}");
    }
}

/// `nullable` is 3.0's; 3.1 (JSON Schema 2020-12) has no such keyword. A 3.1 spec that says
/// it is read as 3.0 would, with a warning; a 3.0 spec says it without one.
#[test]
fn nullable_in_3_1_is_a_warning_and_in_3_0_is_not() {
    let schema = "type: object\nproperties:\n  note: {type: string, nullable: true}";
    let g = gen(&with_schema(schema));
    let w = warnings(&g);
    assert!(
        w.iter()
            .any(|w| w.contains("properties/note/nullable (line 15)")
                && w.contains("`nullable` is an OpenAPI 3.0 keyword, not a 3.1 one")),
        "{w:?}"
    );
    assert_eq!(w.len(), 1, "{w:?}");
    let g = gen(&with_schema(schema).replace("openapi: 3.1.0", "openapi: 3.0.3"));
    assert!(g.warnings.is_empty(), "{:?}", warnings(&g));
}

/// JSON Schema: `$ref` is a URI reference, a string (openapi-generator's `null_schema_test`
/// has `$ref: null`, which was read as an empty schema).
#[test]
fn a_ref_that_is_not_a_string_is_an_error() {
    let e = error(&with_schema(
        "type: object\nproperties:\n  a: {$ref: null}\n  b: {$ref: 7}",
    ));
    assert!(e.starts_with("2 error(s) in the spec"), "{e}");
    for expected in [
        "properties/a/$ref (line 15): `$ref` must be a string (a URI reference), not null",
        "properties/b/$ref (line 16): `$ref` must be a string (a URI reference), not a number",
    ] {
        assert!(e.contains(expected), "missing {expected:?} in:\n{e}");
    }
}
