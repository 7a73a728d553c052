// Generated webhook payloads for the fidelity test: json-schema-faker's data, with fixed
// seeds and the options Prism's dynamic mode gives it, for each path under
// `/fidelity-webhooks/` that the test added to its copy of the spec.
//
//   node tests/common/fake_payloads.cjs <openapi.yaml> <seed>...
//
// Prints one JSON line per payload and seed: `{"event", "seed", "attempts", "body"}`, or
// `{"event", "seed", "attempts", "errors"}` when no attempt gave a valid body.
//
// json-schema-faker (0.5) mishandles composition: its value for `{not: {enum}}` inside an
// `allOf` is of any type, a `format` wins over a `pattern`, a numeric `exclusiveMinimum`
// (JSON Schema 2020-12) is ignored, and it crashes on an array under a `oneOf` whose items
// hold an empty object. Prism's dynamic mode therefore serves few of Rebilly's payloads. So
// each schema is first made free of composition, the way a producer of one payload would
// read it: a branch of each `oneOf`/`anyOf` chosen (seeded; under a discriminator, its
// property set to the branch's mapping key), every `allOf` merged
// (@stoplight/json-schema-merge-allof, which Prism uses too), `not: {enum}` folded into the
// `enum`, `format` dropped beside a `pattern`, `items: {}` for an array without (its
// meaning in JSON Schema, which json-schema-faker refuses), `writeOnly` members left out
// (a server never sends them). The body is then checked with ajv against the *original* schema, so nothing
// here can make an invalid body pass: an attempt that fails is retried with the next seed
// (`<seed>/1`, `<seed>/2`, ...), and the number of attempts is reported.

'use strict';

const { JSONSchemaFaker: jsf } = require('json-schema-faker');
const seedrandom = require('seedrandom');
const RefParser = require('@stoplight/json-schema-ref-parser');
const yamlParser = require('@stoplight/json-schema-ref-parser/lib/parsers/yaml');
const mergeAllOf = require('@stoplight/json-schema-merge-allof');
const Ajv2020 = require('ajv/dist/2020').default;
const addFormats = require('ajv-formats').default;

const ATTEMPTS = 50;
const PREFIX = '/fidelity-webhooks/';

// The options Prism 5 sets (prism-http's JSONSchema generator), with the test's
// `--json-schema-faker-fillProperties=false`: no invented members.
jsf.option({
  defaultInvalidTypeProduct: null,
  defaultRandExpMax: 10,
  failOnInvalidTypes: false,
  failOnInvalidFormat: false,
  alwaysFakeOptionals: true,
  optionalsProbability: 1,
  fixedProbabilities: true,
  ignoreMissingRefs: true,
  fillProperties: false,
  refDepthMax: 3,
});

const COMPOSED = ['oneOf', 'anyOf', 'allOf'];
const MAPPED = 'x-fidelity-discriminator-value';
const SUBTYPES = 'x-fidelity-subtypes';

// Marks what a discriminator's `mapping` says, before references are resolved (the mapping
// names schemas by `$ref` text). JSON Schema lets one branch's data carry another branch's
// discriminator value (Rebilly's branches often list every value), but the SDK, like any
// OpenAPI reader, picks the branch by that value. So each `oneOf`/`anyOf` branch that the
// mapping names gets its key; and a base schema whose mapping names its subtypes (which
// `allOf` the base) gets them as references, to choose one from.
function markMapped(node) {
  if (!node || typeof node !== 'object') {
    return;
  }
  const mapping = node.discriminator && node.discriminator.mapping;
  const branches = ['oneOf', 'anyOf'].filter((k) => Array.isArray(node[k]));
  for (const key of mapping ? branches : []) {
    for (const branch of node[key]) {
      const value = Object.keys(mapping).find((k) => mapping[k] === (branch && branch.$ref));
      if (value !== undefined) {
        branch[MAPPED] = value;
      }
    }
  }
  Object.values(node).forEach(markMapped);
  if (mapping && branches.length === 0) {
    node[SUBTYPES] = Object.entries(mapping).map(([value, $ref]) => ({ $ref, [MAPPED]: value }));
  }
}

const markingParser = {
  ...yamlParser,
  async parse(file) {
    const parsed = await yamlParser.parse(file);
    markMapped(parsed);
    return parsed;
  },
};

const pick = (list, random) => list[Math.floor(random() * list.length)];
const constant = (property, value) => ({ properties: { [property]: { const: value } } });

// One level of `schema` without composition: chosen branches merged into it. A base with
// subtypes becomes one of them (which holds the base, whose subtypes are then left alone).
function resolveHere(schema, random) {
  let here = { ...schema };
  let subtyped = false;
  for (let round = 0; round < 16; round++) {
    const property = here.discriminator && here.discriminator.propertyName;
    if (!subtyped && property && Array.isArray(here[SUBTYPES])) {
      const { [MAPPED]: value, ...subtype } = pick(here[SUBTYPES], random);
      here = { allOf: [subtype, constant(property, value)] };
      subtyped = true;
    }
    if (!COMPOSED.some((k) => k in here)) {
      break;
    }
    const parts = [];
    for (const key of ['oneOf', 'anyOf'].filter((k) => Array.isArray(here[k]))) {
      const { [MAPPED]: value, ...branch } = pick(here[key], random);
      parts.push(branch);
      if (property && value !== undefined) {
        parts.push(constant(property, value));
      }
      delete here[key];
    }
    parts.push(...(here.allOf || []));
    delete here.allOf;
    const bare = (part) => {
      const { [MAPPED]: _value, [SUBTYPES]: subtypes, discriminator, ...rest } = part;
      return subtyped ? rest : { ...rest, ...(subtypes && { [SUBTYPES]: subtypes, discriminator }) };
    };
    here = mergeAllOf(
      { ...bare(here), allOf: parts.map(bare) },
      { ignoreAdditionalProperties: true, deep: false },
    );
  }
  delete here[SUBTYPES];
  delete here.discriminator;
  return here;
}

// What json-schema-faker cannot read in one composition-free level, said another way.
function simplify(schema) {
  if (schema.not && Array.isArray(schema.not.enum) && Array.isArray(schema.enum)) {
    schema.enum = schema.enum.filter((v) => !schema.not.enum.includes(v));
    delete schema.not;
  }
  if (schema.type === 'array' && !('items' in schema)) {
    schema.items = {};
  }
  if (schema.pattern && schema.format) {
    delete schema.format;
  }
  if (typeof schema.exclusiveMinimum === 'number') {
    const step = schema.type === 'integer' ? 1 : 0.01;
    schema.minimum = Math.max(schema.minimum ?? -Infinity, schema.exclusiveMinimum + step);
    delete schema.exclusiveMinimum;
  }
  if (schema.properties) {
    for (const [name, member] of Object.entries(schema.properties)) {
      const absent = member && member.not && Object.keys(member.not).length === 0;
      if (absent || (member && member.writeOnly)) {
        delete schema.properties[name];
        if (Array.isArray(schema.required)) {
          schema.required = schema.required.filter((r) => r !== name);
        }
      }
    }
  }
  return schema;
}

// `schema` with no composition anywhere, to `depth` levels of nesting.
function flatten(schema, random, depth) {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) {
    return schema;
  }
  if (depth <= 0) {
    return {};
  }
  const here = simplify(resolveHere(schema, random));
  for (const key of ['properties', 'patternProperties']) {
    if (here[key]) {
      here[key] = Object.fromEntries(
        Object.entries(here[key]).map(([k, v]) => [k, flatten(v, random, depth - 1)]),
      );
    }
  }
  for (const key of ['items', 'additionalProperties']) {
    if (here[key] && typeof here[key] === 'object') {
      here[key] = flatten(here[key], random, depth - 1);
    }
  }
  return here;
}

function attempt(marked, validate, seed) {
  const random = seedrandom(seed);
  jsf.option('random', random);
  const body = jsf.generate(flatten(marked, random, 24));
  return validate(body) ? { body } : { errors: validate.errors };
}

function generate(event, schema, marked, seed, ajv) {
  const validate = ajv.compile(schema);
  let errors = [];
  for (let n = 0; n < ATTEMPTS; n++) {
    let outcome;
    try {
      outcome = attempt(marked, validate, n === 0 ? seed : `${seed}/${n}`);
    } catch (e) {
      outcome = { errors: [{ message: String(e && e.message) }] };
    }
    if (outcome.body !== undefined) {
      return { event, seed, attempts: n + 1, body: outcome.body };
    }
    errors = outcome.errors;
  }
  const said = errors.slice(0, 3).map((e) => `${e.instancePath || ''} ${e.message}`);
  return { event, seed, attempts: ATTEMPTS, errors: said };
}

async function main() {
  const [spec, ...seeds] = process.argv.slice(2);
  // The schemas checked against, as the spec says them; and the same, marked, to generate.
  const api = await RefParser.dereference(spec);
  const marked = await RefParser.dereference(spec, { parse: { yaml: markingParser } });
  const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true, logger: false });
  addFormats(ajv);
  for (const path of Object.keys(api.paths)) {
    if (!path.startsWith(PREFIX)) {
      continue;
    }
    const schema = (doc) => doc.paths[path].get.responses['200'].content['application/json'].schema;
    for (const seed of seeds) {
      const line = generate(path.slice(PREFIX.length), schema(api), schema(marked), seed, ajv);
      process.stdout.write(`${JSON.stringify(line)}\n`);
    }
  }
}

main().catch((e) => {
  process.stderr.write(`${e && e.stack}\n`);
  process.exit(1);
});
