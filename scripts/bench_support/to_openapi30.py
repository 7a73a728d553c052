"""Bundles a multi-file OpenAPI 3.1 spec into one OpenAPI 3.0.3 JSON document, for tools
that read only 3.0 and one file (progenitor).

File references to schemas become #/components/schemas/<file stem>; other references are
inlined. 3.1 idioms are mapped to 3.0: `type: [X, 'null']` -> `type: X, nullable: true`,
`const` -> one-value `enum`, `examples` dropped, `$ref` siblings wrapped in `allOf`.

With --bundle-only, the 3.1 document is only bundled into one file (for tools that cannot
follow file references whose names contain `{}`, such as openapi-generator).

usage: to_openapi30.py ENTRY.yaml OUT.json [--bundle-only]
"""
import json
import os
import sys

import yaml

SKIP = {"x-codeSamples", "examples"}


class Bundler:
    def __init__(self, to_30=True):
        self.files = {}
        self.schemas = {}
        self.to_30 = to_30

    def load(self, path):
        path = os.path.normpath(path)
        if path not in self.files:
            with open(path, encoding="utf-8") as f:
                self.files[path] = yaml.safe_load(f)
        return self.files[path]

    def resolve(self, base, ref):
        file_part, _, pointer = ref.partition("#")
        path = os.path.normpath(os.path.join(os.path.dirname(base), file_part)) if file_part else base
        node = self.load(path)
        for seg in [s for s in pointer.split("/") if s]:
            node = node[seg.replace("~1", "/").replace("~0", "~")]
        return path, pointer, node

    def convert(self, node, base, in_schema=False):
        if isinstance(node, list):
            return [self.convert(n, base, in_schema) for n in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            ref = node["$ref"]
            siblings = {k: v for k, v in node.items() if k != "$ref" and k not in SKIP}
            path, pointer, target = self.resolve(base, ref)
            if in_schema and not pointer:
                name = os.path.splitext(os.path.basename(path))[0]
                if name not in self.schemas:
                    self.schemas[name] = None
                    self.schemas[name] = self.schema(target, path)
                converted = {"$ref": f"#/components/schemas/{name}"}
            else:
                converted = self.convert(target, path, in_schema)
            if siblings:
                extra = self.convert(siblings, base, in_schema)
                if "$ref" in converted:
                    return {"allOf": [converted], **extra}
                return {**converted, **extra}
            return converted
        out = {}
        for key, value in node.items():
            if key in SKIP or key == "description" and isinstance(value, dict):
                continue
            schema_child = in_schema or key == "schema"
            if key in ("properties", "mapping") and in_schema:
                if key == "mapping":
                    out[key] = {k: "#/components/schemas/" + os.path.splitext(os.path.basename(v))[0] for k, v in value.items()}
                else:
                    out[key] = {k: self.convert(v, base, True) for k, v in value.items()}
                continue
            out[key] = self.convert(value, base, schema_child)
        if in_schema and self.to_30:
            out = self.schema_30(out)
        return out

    def schema(self, node, base):
        return self.convert(node, base, True)

    @staticmethod
    def schema_30(s):
        t = s.get("type")
        if isinstance(t, list):
            kinds = [k for k in t if k != "null"]
            if len(kinds) < len(t):
                s["nullable"] = True
            if len(kinds) == 1:
                s["type"] = kinds[0]
            else:
                del s["type"]
        if "const" in s:
            s["enum"] = [s.pop("const")]
        return s


def main():
    entry, out = sys.argv[1], sys.argv[2]
    to_30 = "--bundle-only" not in sys.argv[3:]
    b = Bundler(to_30)
    doc = b.convert(b.load(entry), os.path.normpath(entry))
    if to_30:
        doc["openapi"] = "3.0.3"
    doc.setdefault("components", {}).setdefault("schemas", {}).update(b.schemas)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, default=str)


if __name__ == "__main__":
    main()
